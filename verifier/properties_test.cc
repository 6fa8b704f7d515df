// Hand cases of the built-in properties (issue 5 sections 1 and 4): each
// property holding and failing, with the counterexample's shape, and every
// counterexample replayed through the reference evaluator.
#include "verifier/properties.h"

#include <catch2/catch.hpp>

#include <string>

#include "compiler/loader.h"
#include "tests/evaluator_test_util.h"

namespace polc::verifier {
namespace {

struct Run {
  std::vector<PropertyResult> results;
  const PropertyResult* Find(std::string_view property, std::string_view scope) const {
    for (const auto& r : results) {
      if (r.property == property && r.scope == scope) return &r;
    }
    return nullptr;
  }
};

Run Verify(std::string_view yaml, ir::VerifyConfig config, ir::Settings settings = {},
           const ir::Inventory& inventory = test::SmallInventory()) {
  compiler::LoadOptions options;
  options.settings = settings;
  compiler::LoadResult load = compiler::LoadText("policy.yaml", yaml, options);
  for (const auto& d : load.sink.diagnostics()) {
    INFO(d.message);
    CHECK(d.severity != ir::Severity::kError);
  }
  return {VerifyProperties(load.policies, inventory, settings, config)};
}

ir::VerifyConfig Only(std::string property) {
  ir::VerifyConfig config;
  config.required = {std::move(property)};
  return config;
}

const ir::LabelsPeer& PodOf(const ir::FlowPeer& peer) {
  REQUIRE(std::holds_alternative<ir::LabelsPeer>(peer));
  return std::get<ir::LabelsPeer>(peer);
}

constexpr std::string_view kDenyAll = R"(
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: deny-all, namespace: app}
spec:
  endpointSelector: {}
  ingress: [{}]
  egress: [{}]
)";

constexpr std::string_view kWebOnly = R"(
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: web, namespace: app}
spec:
  endpointSelector: {matchLabels: {app: web}}
  ingress: [{fromEndpoints: [{matchLabels: {app: client}}]}]
)";

TEST_CASE("default-deny holds when {} selects every pod in both directions (3.1, 3.2)", "[properties]") {
  Run run = Verify(kDenyAll, Only("default-deny"));
  REQUIRE(run.results.size() == 2);
  for (const auto& r : run.results) {
    CHECK(r.property == "default-deny");
    CHECK(r.verdict == PropertyVerdict::kHolds);
    CHECK(!r.counterexample);
    REQUIRE(r.rules.size() == 1);
    CHECK(r.rules[0].description.find("deny-all") != std::string::npos);
    CHECK(r.rules[0].location.line > 0);
  }
  CHECK(run.Find("default-deny", "namespace app, ingress") != nullptr);
  CHECK(run.Find("default-deny", "namespace app, egress") != nullptr);
}

TEST_CASE("default-deny fails for a pod no policy selects; the replay lets a flow in (3.1)", "[properties]") {
  Run run = Verify(kWebOnly, Only("default-deny"));
  const PropertyResult* ingress = run.Find("default-deny", "namespace app, ingress");
  REQUIRE(ingress != nullptr);
  CHECK(ingress->verdict == PropertyVerdict::kFails);
  REQUIRE(ingress->counterexample);
  const Counterexample& cex = *ingress->counterexample;
  const ir::LabelsPeer& pod = PodOf(cex.flow.destination);
  CHECK(pod.namespace_ == "app");
  CHECK((!pod.labels.contains("app") || pod.labels.at("app") != "web"));
  CHECK(cex.replay.verdict == Verdict::kAllow);
  CHECK_FALSE(cex.replay.ingress.enforced);
  // Egress: nothing selects any pod.
  const PropertyResult* egress = run.Find("default-deny", "namespace app, egress");
  REQUIRE(egress != nullptr);
  CHECK(egress->verdict == PropertyVerdict::kFails);
  REQUIRE(egress->counterexample);
  CHECK(PodOf(egress->counterexample->flow.source).namespace_ == "app");
  CHECK(egress->counterexample->replay.verdict == Verdict::kAllow);
}

TEST_CASE("default-deny fails when every selecting rule sets enableDefaultDeny false (3.4)", "[properties]") {
  Run run = Verify(R"(
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: open, namespace: app}
spec:
  endpointSelector: {}
  enableDefaultDeny: {ingress: false}
  ingressDeny: [{fromEntities: [world]}]
)",
                   Only("default-deny"));
  const PropertyResult* ingress = run.Find("default-deny", "namespace app, ingress");
  REQUIRE(ingress != nullptr);
  CHECK(ingress->verdict == PropertyVerdict::kFails);
  REQUIRE(ingress->counterexample);
  const FlowResult& replay = ingress->counterexample->replay;
  CHECK(replay.ingress.enforced);
  CHECK_FALSE(replay.ingress.default_deny);
  // World is denied, so the open flow found comes from elsewhere.
  CHECK(replay.verdict == Verdict::kAllow);
  CHECK(ingress->rules.size() == 1);
}

TEST_CASE("default-deny under enforcement modes always and never (3.5)", "[properties]") {
  ir::Settings always;
  always.enforcement = ir::EnforcementMode::kAlways;
  for (const auto& r : Verify(kWebOnly, Only("default-deny"), always).results) CHECK(r.verdict == PropertyVerdict::kHolds);
  ir::Settings never;
  never.enforcement = ir::EnforcementMode::kNever;
  Run run = Verify(kDenyAll, Only("default-deny"), never);
  REQUIRE(run.results.size() == 2);
  for (const auto& r : run.results) {
    CHECK(r.verdict == PropertyVerdict::kFails);
    REQUIRE(r.counterexample);
    CHECK(r.counterexample->replay.verdict == Verdict::kAllow);
  }
}

TEST_CASE("PropertyScope: namespaces with namespaced policies plus extra; --namespace replaces", "[properties]") {
  compiler::LoadResult load = compiler::LoadText("p.yaml", std::string(kDenyAll) + "---\n" + std::string(kWebOnly) + R"(---
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: cw}
spec:
  endpointSelector: {}
  ingress: [{}]
)",
                                                 {});
  ir::VerifyConfig config;
  config.extra_namespaces = {"zeta", "app"};
  CHECK(PropertyScope(load.policies, config) == std::vector<std::string>{"app", "zeta"});
  config.namespaces = {"other"};
  CHECK(PropertyScope(load.policies, config) == std::vector<std::string>{"other"});
}

constexpr std::string_view kDnsForWeb = R"(
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: dns, namespace: app}
spec:
  endpointSelector: {matchLabels: {app: web}}
  egress:
  - toEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: kube-system, k8s-app: kube-dns}}]
    toPorts: [{ports: [{port: "53", protocol: ANY}]}]
)";

TEST_CASE("dns holds when every egress-enforced pod may reach kube-dns on 53 (3.1)", "[properties]") {
  Run run = Verify(kDnsForWeb, Only("dns"));
  const PropertyResult* dns = run.Find("dns", "namespace app");
  REQUIRE(dns != nullptr);
  CHECK(dns->verdict == PropertyVerdict::kHolds);  // other pods have no egress enforcement
}

TEST_CASE("dns fails for a pod under egress default deny without a DNS rule; the replay denies", "[properties]") {
  Run run = Verify(std::string(kDnsForWeb) + "---\n" + std::string(kDenyAll), Only("dns"));
  const PropertyResult* dns = run.Find("dns", "namespace app");
  REQUIRE(dns != nullptr);
  CHECK(dns->verdict == PropertyVerdict::kFails);
  REQUIRE(dns->counterexample);
  const Counterexample& cex = *dns->counterexample;
  const ir::LabelsPeer& pod = PodOf(cex.flow.source);
  CHECK((!pod.labels.contains("app") || pod.labels.at("app") != "web"));
  CHECK(cex.flow.port == "53");
  CHECK(cex.replay.verdict == Verdict::kDeny);
  CHECK(cex.replay.denied_at == ir::Direction::kEgress);
}

TEST_CASE("dns fails when the DNS server's own ingress refuses the pods (4: deny wins)", "[properties]") {
  ir::Inventory inventory = test::SmallInventory();
  inventory.namespaces.push_back({"kube-system", {{"kubernetes.io/metadata.name", "kube-system"}}, true, {}});
  ir::Endpoint coredns;
  coredns.name = "coredns";
  coredns.namespace_ = "kube-system";
  coredns.labels = {{"k8s-app", "kube-dns"}};
  coredns.node = "node-2";
  coredns.ips = {"10.244.2.53"};
  inventory.endpoints.push_back(coredns);
  Run run = Verify(std::string(kDnsForWeb) + R"(---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: dns-guard, namespace: kube-system}
spec:
  endpointSelector: {matchLabels: {k8s-app: kube-dns}}
  ingress: [{fromEntities: [all]}]
  ingressDeny:
  - fromEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: app, tier: untrusted}}]
)",
                   Only("dns"), {}, inventory);
  const PropertyResult* dns = run.Find("dns", "namespace app");
  REQUIRE(dns != nullptr);
  CHECK(dns->verdict == PropertyVerdict::kFails);
  REQUIRE(dns->counterexample);
  const ir::LabelsPeer& pod = PodOf(dns->counterexample->flow.source);
  CHECK(pod.labels.at("app") == "web");
  CHECK(pod.labels.at("tier") == "untrusted");
  CHECK(dns->counterexample->replay.verdict == Verdict::kDeny);
  CHECK(dns->counterexample->replay.denied_at == ir::Direction::kIngress);
  // kube-system itself holds a policy, so it is in scope too.
  CHECK(run.Find("dns", "namespace kube-system") != nullptr);
}

std::string FqdnPolicy(std::string_view dns_pattern) {
  return std::string(R"(
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: fqdn, namespace: app}
spec:
  endpointSelector: {}
  egress:
  - toEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: kube-system, k8s-app: kube-dns}}]
    toPorts: [{ports: [{port: "53", protocol: ANY}], rules: {dns: [{matchPattern: ")") +
         std::string(dns_pattern) + R"("}]}}]
  - toFQDNs: [{matchName: api.example.com}]
    toPorts: [{ports: [{port: "443"}]}]
)";
}

TEST_CASE("dns: a toFQDNs name the pod's DNS rules refuse is never learned (6.6)", "[properties]") {
  Run holds = Verify(FqdnPolicy("*"), Only("dns"));
  REQUIRE(holds.Find("dns", "namespace app") != nullptr);
  CHECK(holds.Find("dns", "namespace app")->verdict == PropertyVerdict::kHolds);
  Run fails = Verify(FqdnPolicy("*.other.com"), Only("dns"));
  const PropertyResult* dns = fails.Find("dns", "namespace app");
  REQUIRE(dns != nullptr);
  CHECK(dns->verdict == PropertyVerdict::kFails);
  REQUIRE(dns->counterexample);
  CHECK(dns->counterexample->flow.dns == ir::DnsQuery{"api.example.com"});
  CHECK(dns->counterexample->description.find("never learns") != std::string::npos);
  // The query for the name is refused by the DNS proxy (L7).
  CHECK(dns->counterexample->replay.verdict == Verdict::kDeny);
  CHECK(dns->counterexample->replay.deny_reason == ir::DenyReason::kL7);
}

TEST_CASE("apiserver: n/a without namespaces, holds with a rule, fails under default deny", "[properties]") {
  Run none = Verify(kDenyAll, Only("apiserver"));
  REQUIRE(none.results.size() == 1);
  CHECK(none.results[0].verdict == PropertyVerdict::kNotApplicable);

  ir::VerifyConfig config = Only("apiserver");
  config.apiserver_namespaces = {"app"};
  Run fails = Verify(kDenyAll, config);
  REQUIRE(fails.results.size() == 1);
  CHECK(fails.results[0].verdict == PropertyVerdict::kFails);
  REQUIRE(fails.results[0].counterexample);
  CHECK(std::get<ir::EntityPeer>(fails.results[0].counterexample->flow.destination).name == "kube-apiserver");
  CHECK(fails.results[0].counterexample->replay.verdict == Verdict::kDeny);

  Run holds = Verify(std::string(kDenyAll) + R"(---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: api, namespace: app}
spec:
  endpointSelector: {}
  egress: [{toEntities: [kube-apiserver], toPorts: [{ports: [{port: "6443"}]}]}]
)",
                     config);
  REQUIRE(holds.results.size() == 1);
  CHECK(holds.results[0].verdict == PropertyVerdict::kHolds);
}

std::string HostPolicy(std::string_view entity) {
  return std::string(R"(
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: hosts}
spec:
  nodeSelector: {}
  ingress: [{fromEntities: [)") +
         std::string(entity) + "]}]\n";
}

TEST_CASE("host-lockout: host policies must keep the node flows (2.2, 5.1)", "[properties]") {
  ir::Settings firewall;
  firewall.host_firewall = true;
  // From the whole cluster: pods and nodes keep every default flow.
  Run holds = Verify(HostPolicy("cluster"), Only("host-lockout"), firewall);
  REQUIRE(holds.results.size() == 2);  // one per node
  for (const auto& r : holds.results) CHECK(r.verdict == PropertyVerdict::kHolds);
  // From other nodes only: pods lose 6443 and 10250.
  Run fails = Verify(HostPolicy("remote-node"), Only("host-lockout"), firewall);
  REQUIRE(fails.results.size() == 2);
  CHECK(fails.results[0].scope == "node node-1");
  for (const auto& r : fails.results) {
    CHECK(r.verdict == PropertyVerdict::kFails);
    REQUIRE(r.counterexample);
    CHECK(std::holds_alternative<ir::LabelsPeer>(r.counterexample->flow.source));
    CHECK(r.counterexample->flow.port == "6443");
    CHECK(r.counterexample->replay.verdict == Verdict::kDeny);
    CHECK(r.counterexample->replay.denied_at == ir::Direction::kIngress);
  }
  // SSH from an admin range the policy does not allow: the range's address fails.
  ir::VerifyConfig ssh = Only("host-lockout");
  ssh.admin_cidrs = {"203.0.113.0/24"};
  Run locked = Verify(HostPolicy("cluster"), ssh, firewall);
  REQUIRE(!locked.results.empty());
  REQUIRE(locked.results[0].counterexample);
  CHECK(std::get<ir::IpPeer>(locked.results[0].counterexample->flow.source).address == "203.0.113.0");
  CHECK(locked.results[0].counterexample->flow.port == "22");
  // Without the host firewall nothing is enforced at nodes.
  for (const auto& r : Verify(HostPolicy("remote-node"), Only("host-lockout")).results) {
    CHECK(r.verdict == PropertyVerdict::kHolds);
  }
}

// A host policy allowing `entries` (YAML flow sequence items) on every node.
std::string HostIngress(std::string_view entries) {
  return std::string(R"(
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: hosts}
spec:
  nodeSelector: {}
  ingress: [)") + std::string(entries) + "]\n";
}

TEST_CASE("host-lockout: an IPv6 admin CIDR is checked like IPv4, cut at rule bounds (1.4, 5.1)", "[properties]") {
  ir::Settings firewall;
  firewall.host_firewall = true;
  ir::VerifyConfig ssh = Only("host-lockout");
  ssh.host_flows = {{"ssh", "cidr:2001:db8::/32", ir::Protocol::kTcp, 22, 0}};
  // Only the lower half of the admin range may use SSH: the upper half's
  // first address is the counterexample.
  Run half = Verify(HostIngress(R"({fromCIDR: ["2001:db8::/33"], toPorts: [{ports: [{port: "22"}]}]})"), ssh, firewall);
  REQUIRE(half.results.size() == 2);
  for (const auto& r : half.results) {
    INFO(r.summary);
    CHECK(r.verdict == PropertyVerdict::kFails);
    REQUIRE(r.counterexample);
    CHECK(std::get<ir::IpPeer>(r.counterexample->flow.source).address == "2001:db8:8000:0:0:0:0:0");
    CHECK(r.counterexample->replay.verdict == Verdict::kDeny);  // replayed: the evaluator denies it too
  }
  // The whole range allowed: holds (before, an IPv6 range was skipped and
  // always "held", even with no rule at all).
  Run whole = Verify(HostIngress(R"({fromCIDR: ["2001:db8::/32"], toPorts: [{ports: [{port: "22"}]}]})"), ssh, firewall);
  for (const auto& r : whole.results) CHECK(r.verdict == PropertyVerdict::kHolds);
  Run none = Verify(HostIngress(R"({fromEntities: [remote-node]})"), ssh, firewall);
  for (const auto& r : none.results) {
    CHECK(r.verdict == PropertyVerdict::kFails);
    REQUIRE(r.counterexample);
    CHECK(std::get<ir::IpPeer>(r.counterexample->flow.source).address == "2001:db8:0:0:0:0:0:0");
  }
  // A deny of one /64 inside the allowed range: that /64 is the counterexample.
  Run hole = Verify(HostIngress(R"({fromCIDR: ["2001:db8::/32"], toPorts: [{ports: [{port: "22"}]}]})") +
                        "  ingressDeny: [{fromCIDR: [\"2001:db8:1:2::/64\"]}]\n",
                    ssh, firewall);
  for (const auto& r : hole.results) {
    CHECK(r.verdict == PropertyVerdict::kFails);
    REQUIRE(r.counterexample);
    CHECK(std::get<ir::IpPeer>(r.counterexample->flow.source).address == "2001:db8:1:2:0:0:0:0");
  }
}

TEST_CASE("host-lockout: a port range is checked whole, beyond 64 ports (5.1)", "[properties]") {
  ir::Settings firewall;
  firewall.host_firewall = true;
  ir::VerifyConfig range = Only("host-lockout");
  range.host_flows = {{"nodeports", "remote-node", ir::Protocol::kTcp, 30000, 32767}};
  auto allow = [](std::string ports) {
    return HostIngress("{fromEntities: [remote-node], toPorts: [{ports: [" + ports + "]}]}");
  };
  Run whole = Verify(allow(R"({port: "30000", endPort: 32767, protocol: TCP})"), range, firewall);
  REQUIRE(whole.results.size() == 2);
  for (const auto& r : whole.results) CHECK(r.verdict == PropertyVerdict::kHolds);
  // The last port is missing: found although it is the 2768th port.
  Run short_end = Verify(allow(R"({port: "30000", endPort: 32766, protocol: TCP})"), range, firewall);
  for (const auto& r : short_end.results) {
    INFO(r.summary);
    CHECK(r.verdict == PropertyVerdict::kFails);
    REQUIRE(r.counterexample);
    CHECK(r.counterexample->flow.port == "32767");
    CHECK(r.counterexample->replay.verdict == Verdict::kDeny);
  }
  // A one-port hole in the middle.
  Run hole = Verify(allow(R"({port: "30000", endPort: 31499, protocol: TCP}, {port: "31501", endPort: 32767, protocol: TCP})"),
                    range, firewall);
  for (const auto& r : hole.results) {
    CHECK(r.verdict == PropertyVerdict::kFails);
    REQUIRE(r.counterexample);
    CHECK(r.counterexample->flow.port == "31500");
  }
  // UDP allowed, TCP required: the first port fails.
  Run udp = Verify(allow(R"({port: "30000", endPort: 32767, protocol: UDP})"), range, firewall);
  for (const auto& r : udp.results) {
    REQUIRE(r.counterexample);
    CHECK(r.counterexample->flow.port == "30000");
  }
}

}  // namespace
}  // namespace polc::verifier
