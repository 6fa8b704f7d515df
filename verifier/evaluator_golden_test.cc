// Runs the hand-derived PolicyTest goldens of testdata/semantics (each case
// cites its cilium-semantics.md section) through the reference evaluator.
#include <catch2/catch.hpp>

#include <filesystem>
#include <sstream>

#include "compiler/loader.h"
#include "compiler/yaml_tree.h"
#include "verifier/accepted_policies.h"
#include "verifier/evaluator.h"

namespace polc::verifier {
namespace {

std::string PeerText(const ir::FlowPeer& peer) {
  return std::visit(
      [](const auto& p) -> std::string {
        using T = std::decay_t<decltype(p)>;
        if constexpr (std::is_same_v<T, ir::EndpointPeer>) return "endpoint:" + p.namespace_ + "/" + p.name;
        if constexpr (std::is_same_v<T, ir::LabelsPeer>) return "labels:" + p.namespace_;
        if constexpr (std::is_same_v<T, ir::NodePeer>) return "node:" + p.name;
        if constexpr (std::is_same_v<T, ir::EntityPeer>) return "entity:" + p.name;
        if constexpr (std::is_same_v<T, ir::IpPeer>) return "ip:" + p.address;
        if constexpr (std::is_same_v<T, ir::FqdnPeer>) return "fqdn:" + p.name;
      },
      peer);
}


std::string Text(const compiler::YamlNode* node) { return node != nullptr && node->IsScalar() ? node->scalar : ""; }

ir::FlowPeer ParsePeer(const compiler::YamlNode* node) {
  if (node == nullptr || !node->IsMapping() || node->entries.empty()) return ir::EntityPeer{"?"};
  std::string key = node->entries[0].first->scalar;
  const compiler::YamlNode* value = node->entries[0].second;
  std::string text = Text(value);
  if (key == "endpoint") {
    size_t slash = text.find('/');
    return ir::EndpointPeer{text.substr(0, slash), text.substr(slash + 1)};
  }
  if (key == "node") return ir::NodePeer{text};
  if (key == "entity") return ir::EntityPeer{text};
  if (key == "ip") return ir::IpPeer{text};
  if (key == "fqdn") return ir::FqdnPeer{text};
  ir::LabelsPeer labels;
  labels.namespace_ = Text(value->Find("namespace"));
  if (const auto* l = value->Find("labels")) {
    for (const auto& [k, v] : l->entries) labels.labels[k->scalar] = v->scalar;
  }
  if (const auto* sa = value->Find("serviceAccount")) labels.service_account = sa->scalar;
  return labels;
}

// The cases (the fields of policy-test-format.md that the goldens use).
std::vector<ir::TestCase> ParseCases(const compiler::YamlNode* root) {
  std::vector<ir::TestCase> out;
  const compiler::YamlNode* spec = root != nullptr ? root->Find("spec") : nullptr;
  const compiler::YamlNode* cases = spec != nullptr ? spec->Find("cases") : nullptr;
  if (cases == nullptr) return out;
  for (const compiler::YamlNode* item : cases->items) {
    ir::TestCase c;
    c.name = Text(item->Find("name"));
    c.from = ParsePeer(item->Find("from"));
    c.to = ParsePeer(item->Find("to"));
    std::string protocol = Text(item->Find("protocol"));
    for (auto& ch : protocol) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    if (!protocol.empty()) c.protocol = ir::ParseProtocol(protocol).value_or(ir::Protocol::kTcp);
    c.port = Text(item->Find("port"));
    if (const auto* icmp = item->Find("icmp")) {
      std::string type = Text(icmp->Find("type"));
      if (!type.empty() && std::isdigit(static_cast<unsigned char>(type[0]))) {
        c.icmp_type = static_cast<uint8_t>(std::stoi(type));
      } else if (type == "EchoRequest" || type == "Echo") {
        c.icmp_type = c.protocol == ir::Protocol::kIcmpv6 ? 128 : 8;
      }
    }
    if (const auto* http = item->Find("http")) {
      ir::HttpRequest request{Text(http->Find("method")), Text(http->Find("path")), Text(http->Find("host")), {}};
      if (const auto* h = http->Find("headers")) {
        for (const auto& [k, v] : h->entries) request.headers[k->scalar] = v->scalar;
      }
      c.http = request;
    }
    if (const auto* dns = item->Find("dns")) c.dns = ir::DnsQuery{Text(dns->Find("query"))};
    if (const auto* kafka = item->Find("kafka")) {
      c.kafka = ir::KafkaRequest{Text(kafka->Find("apiKey")), Text(kafka->Find("apiVersion")),
                                 Text(kafka->Find("clientID")), Text(kafka->Find("topic"))};
    }
    c.expect = Text(item->Find("expect")) == "deny" ? ir::Expectation::kDeny : ir::Expectation::kAllow;
    std::string at = Text(item->Find("deniedAt"));
    if (at == "egress") c.denied_at = ir::Direction::kEgress;
    if (at == "ingress") c.denied_at = ir::Direction::kIngress;
    std::string reason = Text(item->Find("reason"));
    if (reason == "default-deny") c.reason = ir::DenyReason::kDefaultDeny;
    if (reason == "deny-rule") c.reason = ir::DenyReason::kDenyRule;
    if (reason == "l7") c.reason = ir::DenyReason::kL7;
    c.expect_audit = Text(item->Find("expectAudit")) == "true";
    out.push_back(std::move(c));
  }
  return out;
}

std::map<std::string, std::string> Map(const compiler::YamlNode* node) {
  std::map<std::string, std::string> out;
  if (node != nullptr) {
    for (const auto& [k, v] : node->entries) out[k->scalar] = v->scalar;
  }
  return out;
}

std::vector<std::string> List(const compiler::YamlNode* node) {
  std::vector<std::string> out;
  if (node != nullptr) {
    for (const auto* item : node->items) out.push_back(item->scalar);
  }
  return out;
}

// The inventory and settings of a PolicyTest, read directly from YAML so this
// test depends only on the evaluator (not on the PolicyTest lowering).
ir::Inventory ParseInventory(const compiler::YamlNode* root) {
  ir::Inventory inv;
  const compiler::YamlNode* spec = root != nullptr ? root->Find("spec") : nullptr;
  const compiler::YamlNode* node = spec != nullptr ? spec->Find("inventory") : nullptr;
  if (node == nullptr) return inv;
  if (const auto* list = node->Find("namespaces")) {
    for (const auto* item : list->items) {
      ir::Namespace ns;
      ns.name = Text(item->Find("name"));
      ns.labels = Map(item->Find("labels"));
      ns.labels["kubernetes.io/metadata.name"] = ns.name;
      inv.namespaces.push_back(ns);
    }
  }
  if (const auto* list = node->Find("nodes")) {
    for (const auto* item : list->items) {
      inv.nodes.push_back({Text(item->Find("name")), Map(item->Find("labels")), List(item->Find("ips")), {}});
    }
  }
  if (const auto* list = node->Find("endpoints")) {
    for (const auto* item : list->items) {
      ir::Endpoint e;
      e.name = Text(item->Find("name"));
      e.namespace_ = Text(item->Find("namespace"));
      e.labels = Map(item->Find("labels"));
      if (item->Find("serviceAccount")) e.service_account = Text(item->Find("serviceAccount"));
      e.node = Text(item->Find("node"));
      e.ips = List(item->Find("ips"));
      e.host_network = Text(item->Find("hostNetwork")) == "true";
      if (const auto* ports = item->Find("ports")) {
        for (const auto* p : ports->items) {
          std::string protocol = Text(p->Find("protocol"));
          e.ports.push_back({Text(p->Find("name")), static_cast<uint16_t>(std::stoi(Text(p->Find("port")))),
                             protocol.empty() ? ir::Protocol::kTcp : ir::ParseProtocol(protocol).value_or(ir::Protocol::kTcp)});
        }
      }
      inv.endpoints.push_back(e);
    }
  }
  if (const auto* list = node->Find("services")) {
    for (const auto* item : list->items) {
      ir::InventoryService svc;
      svc.name = Text(item->Find("name"));
      svc.namespace_ = Text(item->Find("namespace"));
      if (item->Find("selector")) svc.selector = Map(item->Find("selector"));
      inv.services.push_back(svc);
    }
  }
  if (const auto* api = node->Find("kubeAPIServer")) inv.kube_apiserver_ips = List(api->Find("ips"));
  if (const auto* list = node->Find("dns")) {
    for (const auto* item : list->items) inv.dns.push_back({Text(item->Find("name")), List(item->Find("ips")), {}});
  }
  return inv;
}

ir::Settings ParseSettings(const compiler::YamlNode* root) {
  ir::Settings settings;
  const compiler::YamlNode* spec = root != nullptr ? root->Find("spec") : nullptr;
  const compiler::YamlNode* node = spec != nullptr ? spec->Find("settings") : nullptr;
  if (node == nullptr) return settings;
  if (auto v = ir::ParseCiliumVersion(Text(node->Find("ciliumVersion")))) settings.version = *v;
  if (auto m = ir::ParseEnforcementMode(Text(node->Find("policyEnforcementMode")))) settings.enforcement = *m;
  if (node->Find("clusterName")) settings.cluster_name = Text(node->Find("clusterName"));
  if (Text(node->Find("allowLocalhost")) == "policy") settings.allow_localhost = ir::AllowLocalhost::kPolicy;
  if (node->Find("policyDefaultLocalCluster")) {
    settings.policy_default_local_cluster = Text(node->Find("policyDefaultLocalCluster")) == "true";
  }
  if (node->Find("hostFirewall")) settings.host_firewall = Text(node->Find("hostFirewall")) == "true";
  return settings;
}

// Runs every PolicyTest under `dir` through the evaluator; CHECKs that every
// case gets the expected verdict, side and reason.
void RunPolicyTests(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if ((entry.path().string().ends_with(".test.yaml") || dir.filename() == "tests") && entry.path().extension() == ".yaml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  int cases = 0;
  std::ostringstream failures;
  int failed = 0;
  for (const auto& file : files) {
    compiler::LoadOptions options;
    compiler::LoadResult tests = compiler::Load({file.string()}, options);
    for (const compiler::KubeObject& object : tests.objects) {
      if (object.kind != "PolicyTest") continue;
      const compiler::YamlNode* root = object.root;
      ir::Settings settings = ParseSettings(root);
      ir::Inventory inventory = ParseInventory(root);
      std::vector<std::string> paths;
      std::vector<std::string> listed;
      if (root != nullptr && root->Find("spec") != nullptr) listed = List(root->Find("spec")->Find("policies"));
      for (const auto& p : listed) paths.push_back((file.parent_path() / p).string());
      compiler::LoadOptions policy_options;
      policy_options.settings = settings;
      compiler::LoadResult policies = compiler::Load(paths, policy_options);
      // The API server or the agent rejects a policy with an error finding.
      ir::PolicySet accepted = AcceptedPolicies(policies.policies, policies.sink.diagnostics());
      Evaluator evaluator(accepted, inventory, settings);
      for (const ir::TestCase& c : ParseCases(root)) {
        ++cases;
        Flow flow{c.from, c.to, c.protocol, c.port, c.icmp_type, c.http, c.dns, c.kafka};
        FlowResult r = evaluator.Evaluate(flow);
        bool ok = !r.error;
        if (c.expect_audit) {
          ok = ok && r.verdict == Verdict::kAudit;
        } else if (c.expect == ir::Expectation::kAllow) {
          ok = ok && r.verdict == Verdict::kAllow;
        } else {
          ok = ok && r.verdict == Verdict::kDeny;
          if (c.denied_at) ok = ok && r.denied_at == c.denied_at;
          if (c.reason) ok = ok && r.deny_reason == c.reason;
        }
        if (ok) continue;
        ++failed;
        failures << file.filename().string() << ": " << c.name << " (" << PeerText(c.from) << " -> "
                 << PeerText(c.to) << " " << c.port << "): got " << VerdictName(r.verdict)
                 << (r.denied_at ? (*r.denied_at == ir::Direction::kEgress ? " at egress" : " at ingress") : "")
                 << (r.error ? " error " + *r.error : "") << "; egress: " << r.egress.explanation
                 << "; ingress: " << r.ingress.explanation << "\n";
      }
    }
  }
  INFO(failures.str());
  INFO(cases << " cases");
  CHECK(cases > 0);
  CHECK(failed == 0);
}


TEST_CASE("testdata/semantics goldens through the reference evaluator (sections 2-7)", "[evaluator][golden-semantics]") {
  RunPolicyTests(std::filesystem::path(POLC_SOURCE_DIR) / "testdata" / "semantics");
}

TEST_CASE("Cilium connectivity tests (shared/conformance) through the reference evaluator", "[evaluator][evaluator-conformance]") {
  std::filesystem::path dir = std::filesystem::path(POLC_SOURCE_DIR) / ".." / "shared" / "conformance" / "cilium-connectivity" / "tests";
  if (!std::filesystem::exists(dir)) return;  // outside the shared workspace
  RunPolicyTests(dir);
}

}  // namespace
}  // namespace polc::verifier
