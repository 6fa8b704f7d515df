// NetworkPolicy and CiliumCIDRGroup lowering: every field reaches the IR with
// its location, each API-server check reports its rule at the offending
// node, and absent lists stay distinct from empty ones
// (cilium-semantics.md 2.4).
#include <fmt/format.h>

#include <catch2/catch.hpp>

#include "compiler/loader.h"

namespace polc::compiler {
namespace {

using ir::RuleId;

LoadResult LoadYaml(std::string_view text, ir::Settings settings = {}) {
  LoadOptions options;
  options.settings = settings;
  return LoadText("test.yaml", text, options);
}

std::string Describe(const LoadResult& result) {
  std::string out;
  for (const ir::Diagnostic& d : result.sink.diagnostics()) {
    out +=
        fmt::format("{}:{} [{}] {} | {}\n", d.location.line, d.location.column, ir::Info(d.rule).id, d.message, d.hint);
  }
  return out.empty() ? "(no diagnostics)" : out;
}

// The diagnostic of `rule` at line:col, or nullptr.
const ir::Diagnostic* Find(const LoadResult& result, RuleId rule, uint32_t line, uint32_t column) {
  for (const ir::Diagnostic& d : result.sink.diagnostics()) {
    if (d.rule == rule && d.location.line == line && d.location.column == column) return &d;
  }
  return nullptr;
}

bool At(const ir::SourceLocation& loc, uint32_t line, uint32_t column) {
  return loc.Known() && loc.line == line && loc.column == column;
}

const ir::NetworkPolicySpec& Spec(const LoadResult& result) {
  REQUIRE(result.policies.policies.size() == 1);
  REQUIRE(result.policies.policies[0].network_policy.has_value());
  return *result.policies.policies[0].network_policy;
}

// A NetworkPolicy around `spec_body` (indented by four spaces); spec starts
// on line 5, so the body's first line is line 6.
std::string Knp(std::string_view spec_body) {
  return fmt::format(
      "apiVersion: networking.k8s.io/v1\n"
      "kind: NetworkPolicy\n"
      "metadata: {{name: np, namespace: prod}}\n"
      "# spec follows\n"
      "spec:\n"
      "{}",
      spec_body);
}

TEST_CASE("NetworkPolicy: every field reaches the IR with its location", "[knp]") {
  constexpr std::string_view kText = R"(apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web
  namespace: prod
  labels: {team: a}
spec:
  podSelector:
    matchLabels: {app: web}
  policyTypes: [Ingress, Egress]
  ingress:
  - from:
    - podSelector:
        matchExpressions:
        - {key: tier, operator: In, values: [fe]}
      namespaceSelector: {}
    - ipBlock:
        cidr: 10.0.0.0/8
        except: [10.1.0.0/16]
    ports:
    - port: 80
    - {protocol: UDP, port: dns}
    - {protocol: SCTP, port: 1000, endPort: 2000}
  egress:
  - to:
    - namespaceSelector: {matchLabels: {env: prod}}
status: {}
)";
  LoadResult result = LoadYaml(kText);
  INFO(Describe(result));
  CHECK(result.sink.diagnostics().empty());
  const ir::Policy& policy = result.policies.policies.at(0);
  CHECK(policy.kind == ir::PolicyKind::kNetworkPolicy);
  CHECK(policy.api_version == "networking.k8s.io/v1");
  CHECK(policy.meta.name == "web");
  CHECK(At(policy.meta.name_location, 4, 9));
  CHECK(policy.meta.namespace_ == "prod");
  CHECK(policy.meta.labels.at("team") == "a");
  const ir::NetworkPolicySpec& spec = Spec(result);
  CHECK(At(spec.location, 8, 3));
  REQUIRE(spec.pod_selector.match_labels.size() == 1);
  CHECK(spec.pod_selector.match_labels[0].key == ir::LabelKey{"any", "app"});
  CHECK(spec.pod_selector.match_labels[0].value == "web");
  CHECK(At(spec.pod_selector.location, 9, 5));
  REQUIRE(spec.policy_types.has_value());
  CHECK(*spec.policy_types == std::vector{ir::Direction::kIngress, ir::Direction::kEgress});
  CHECK(At(spec.policy_types_location, 10, 3));

  REQUIRE(spec.ingress.has_value());
  REQUIRE(spec.ingress->size() == 1);
  const ir::NetworkPolicyRule& in = (*spec.ingress)[0];
  CHECK(At(in.location, 12, 5));
  REQUIRE(in.peers.has_value());
  REQUIRE(in.peers->size() == 2);
  const ir::NetworkPolicyPeer& both = (*in.peers)[0];
  CHECK(At(both.location, 13, 7));
  REQUIRE(both.pod_selector.has_value());
  REQUIRE(both.pod_selector->match_expressions.size() == 1);
  CHECK(both.pod_selector->match_expressions[0].op == ir::SelectorOperator::kIn);
  CHECK(both.pod_selector->match_expressions[0].values == std::vector<std::string>{"fe"});
  REQUIRE(both.namespace_selector.has_value());
  CHECK(both.namespace_selector->IsWildcard());
  CHECK(At(both.namespace_selector->location, 16, 26));
  CHECK_FALSE(both.ip_block.has_value());
  const ir::NetworkPolicyPeer& block = (*in.peers)[1];
  REQUIRE(block.ip_block.has_value());
  CHECK(At(block.ip_block->location, 18, 9));
  CHECK(block.ip_block->cidr.text == "10.0.0.0/8");
  CHECK(At(block.ip_block->cidr.location, 18, 15));
  REQUIRE(block.ip_block->except.size() == 1);
  CHECK(block.ip_block->except[0].text == "10.1.0.0/16");
  CHECK(At(block.ip_block->except[0].location, 19, 18));

  REQUIRE(in.ports.has_value());
  REQUIRE(in.ports->size() == 3);
  const auto& ports = *in.ports;
  CHECK(ports[0].protocol == ir::Protocol::kTcp);  // default TCP
  CHECK(ports[0].port == "80");
  CHECK_FALSE(ports[0].end_port.has_value());
  CHECK(At(ports[0].location, 21, 7));
  CHECK(ports[1].protocol == ir::Protocol::kUdp);
  CHECK(ports[1].port == "dns");
  CHECK(ports[2].protocol == ir::Protocol::kSctp);
  CHECK(ports[2].port == "1000");
  CHECK(ports[2].end_port == 2000);

  REQUIRE(spec.egress.has_value());
  REQUIRE(spec.egress->size() == 1);
  const ir::NetworkPolicyRule& out = (*spec.egress)[0];
  REQUIRE(out.peers.has_value());
  REQUIRE(out.peers->at(0).namespace_selector.has_value());
  CHECK(out.peers->at(0).namespace_selector->match_labels.at(0).value == "prod");
  CHECK_FALSE(out.ports.has_value());
}

TEST_CASE("NetworkPolicy: absent and empty lists stay distinct (semantics 2.4)", "[knp]") {
  SECTION("ingress absent vs ingress: []") {
    LoadResult absent = LoadYaml(Knp("  podSelector: {}\n  policyTypes: [Ingress]\n"));
    LoadResult empty = LoadYaml(Knp("  podSelector: {}\n  policyTypes: [Ingress]\n  ingress: []\n"));
    CHECK_FALSE(Spec(absent).ingress.has_value());
    REQUIRE(Spec(empty).ingress.has_value());
    CHECK(Spec(empty).ingress->empty());
    CHECK_FALSE(Spec(empty).egress.has_value());
  }
  SECTION("from/ports absent vs []") {
    LoadResult result = LoadYaml(Knp("  podSelector: {}\n  ingress:\n  - {}\n  - from: []\n    ports: []\n"));
    INFO(Describe(result));
    CHECK(result.sink.diagnostics().empty());
    const auto& rules = *Spec(result).ingress;
    REQUIRE(rules.size() == 2);
    CHECK_FALSE(rules[0].peers.has_value());
    CHECK_FALSE(rules[0].ports.has_value());
    REQUIRE(rules[1].peers.has_value());
    CHECK(rules[1].peers->empty());
    REQUIRE(rules[1].ports.has_value());
    CHECK(rules[1].ports->empty());
  }
  SECTION("policyTypes absent vs []") {
    CHECK_FALSE(Spec(LoadYaml(Knp("  podSelector: {}\n"))).policy_types.has_value());
    auto empty = Spec(LoadYaml(Knp("  podSelector: {}\n  policyTypes: []\n"))).policy_types;
    REQUIRE(empty.has_value());
    CHECK(empty->empty());
  }
  SECTION("null list items read as {} (Kubernetes JSON decoding)") {
    LoadResult result = LoadYaml(Knp("  podSelector: {}\n  ingress:\n  - null\n  - ports: [~]\n    from: [null]\n"));
    INFO(Describe(result));
    const auto& rules = *Spec(result).ingress;
    REQUIRE(rules.size() == 2);
    CHECK_FALSE(rules[0].peers.has_value());
    REQUIRE(rules[1].ports->size() == 1);
    CHECK(rules[1].ports->at(0).protocol == ir::Protocol::kTcp);
    CHECK_FALSE(rules[1].ports->at(0).port.has_value());
    // A null peer specifies no peer, which the API server rejects.
    REQUIRE(result.sink.diagnostics().size() == 1);
    CHECK(Find(result, RuleId::kMissingField, 10, 12) != nullptr);
  }
  SECTION("port absent means all ports, not port 0") {
    LoadResult result = LoadYaml(Knp("  podSelector: {}\n  egress:\n  - ports:\n    - protocol: UDP\n"));
    const auto& port = Spec(result).egress->at(0).ports->at(0);
    CHECK_FALSE(port.port.has_value());
    CHECK(port.protocol == ir::Protocol::kUdp);
  }
}

struct SchemaCase {
  std::string_view name;
  std::string_view spec_body;  // lines 6.. of the document
  RuleId rule;
  uint32_t line;
  uint32_t column;
  std::string_view message_part;
};

TEST_CASE("NetworkPolicy: schema errors carry rule id and location", "[knp]") {
  const SchemaCase kCases[] = {
      {"podSelector of the wrong type", "  podSelector: [app]\n", RuleId::kWrongType, 6, 16, "must be an object"},
      {"ingress of the wrong type", "  podSelector: {}\n  ingress: {from: []}\n", RuleId::kWrongType, 7, 12,
       "must be a list"},
      {"port of the wrong type", "  podSelector: {}\n  ingress:\n  - ports:\n    - port: [80]\n", RuleId::kWrongType, 9,
       13, "must be a string"},
      {"lower-case protocol", "  podSelector: {}\n  ingress:\n  - ports:\n    - protocol: tcp\n", RuleId::kInvalidValue,
       9, 17, "did you mean 'TCP'"},
      {"ICMP protocol", "  podSelector: {}\n  ingress:\n  - ports:\n    - protocol: ICMP\n", RuleId::kInvalidValue, 9,
       17, "not supported"},
      {"bad policyTypes value", "  podSelector: {}\n  policyTypes: [ingress]\n", RuleId::kInvalidValue, 7, 17,
       "did you mean 'Ingress'"},
      {"duplicate policyTypes", "  podSelector: {}\n  policyTypes: [Egress, Egress]\n", RuleId::kInvalidValue, 7, 25,
       "twice"},
      {"ipBlock with podSelector",
       "  podSelector: {}\n  ingress:\n  - from:\n    - podSelector: {}\n      ipBlock: {cidr: 10.0.0.0/8}\n",
       RuleId::kConflictingFields, 10, 7, "may not combine ipBlock"},
      {"ipBlock with namespaceSelector",
       "  podSelector: {}\n  egress:\n  - to:\n    - ipBlock: {cidr: 10.0.0.0/8}\n      namespaceSelector: {}\n",
       RuleId::kConflictingFields, 9, 7, "may not combine ipBlock"},
      {"empty peer", "  podSelector: {}\n  ingress:\n  - from:\n    - {}\n", RuleId::kMissingField, 9, 7,
       "must specify podSelector"},
      {"endPort without port", "  podSelector: {}\n  ingress:\n  - ports:\n    - endPort: 90\n", RuleId::kMissingField,
       9, 16, "needs a numeric port"},
      {"endPort with a named port", "  podSelector: {}\n  ingress:\n  - ports:\n    - {port: http, endPort: 90}\n",
       RuleId::kConflictingFields, 9, 29, "named port 'http'"},
      {"endPort below port", "  podSelector: {}\n  ingress:\n  - ports:\n    - {port: 100, endPort: 90}\n",
       RuleId::kInvalidValue, 9, 28, "less than port 100"},
      {"port 0", "  podSelector: {}\n  ingress:\n  - ports:\n    - port: 0\n", RuleId::kInvalidValue, 9, 13,
       "outside 1-65535"},
      {"port 70000", "  podSelector: {}\n  ingress:\n  - ports:\n    - port: 70000\n", RuleId::kInvalidValue, 9, 13,
       "outside 1-65535"},
      {"endPort 70000", "  podSelector: {}\n  ingress:\n  - ports:\n    - {port: 1, endPort: 70000}\n",
       RuleId::kInvalidValue, 9, 26, "outside 1-65535"},
      {"quoted number is a bad port name", "  podSelector: {}\n  ingress:\n  - ports:\n    - port: \"80\"\n",
       RuleId::kInvalidValue, 9, 13, "not a valid port name"},
      {"port name too long", "  podSelector: {}\n  ingress:\n  - ports:\n    - port: abcdefghijklmnop\n",
       RuleId::kInvalidValue, 9, 13, "not a valid port name"},
      {"missing cidr", "  podSelector: {}\n  ingress:\n  - from:\n    - ipBlock: {except: [10.0.0.0/16]}\n",
       RuleId::kMissingField, 9, 16, "requires the field 'cidr'"},
      {"cidr not a prefix", "  podSelector: {}\n  ingress:\n  - from:\n    - ipBlock: {cidr: 10.0.0.1}\n",
       RuleId::kInvalidCidr, 9, 23, "not a CIDR"},
      {"except outside cidr",
       "  podSelector: {}\n  ingress:\n  - from:\n    - ipBlock: {cidr: 10.0.0.0/8, except: [11.0.0.0/16]}\n",
       RuleId::kInvalidCidr, 9, 44, "strict subset"},
      {"except equal to cidr",
       "  podSelector: {}\n  ingress:\n  - from:\n    - ipBlock: {cidr: 10.0.0.0/8, except: [10.0.0.0/8]}\n",
       RuleId::kInvalidCidr, 9, 44, "strict subset"},
      {"missing podSelector", "  ingress: []\n", RuleId::kMissingField, 6, 3, "spec.podSelector is required"},
      {"podSelectors typo", "  podSelector: {}\n  ingress:\n  - from:\n    - podSelectors: {}\n", RuleId::kUnknownField,
       9, 7, "did you mean 'podSelector'"},
      {"namespaceSelectors typo", "  podSelector: {}\n  ingress:\n  - from:\n    - namespaceSelectors: {}\n",
       RuleId::kUnknownField, 9, 7, "did you mean 'namespaceSelector'"},
      {"ipblock casing", "  podSelector: {}\n  ingress:\n  - from:\n    - ipblock: {cidr: 10.0.0.0/8}\n",
       RuleId::kUnknownField, 9, 7, "did you mean 'ipBlock'"},
      {"from in egress", "  podSelector: {}\n  egress:\n  - from: []\n", RuleId::kUnknownField, 8, 5,
       "did you mean 'to'"},
      {"to in ingress", "  podSelector: {}\n  ingress:\n  - to: []\n", RuleId::kUnknownField, 8, 5,
       "did you mean 'from'"},
      {"endpointSelector in spec", "  endpointSelector: {}\n", RuleId::kUnknownField, 6, 3,
       "did you mean 'podSelector'"},
  };
  for (const SchemaCase& c : kCases) {
    DYNAMIC_SECTION(c.name) {
      LoadResult result = LoadYaml(Knp(c.spec_body));
      INFO(Describe(result));
      const ir::Diagnostic* d = Find(result, c.rule, c.line, c.column);
      REQUIRE(d != nullptr);
      CHECK_THAT(d->message, Catch::Contains(std::string(c.message_part)));
      CHECK(d->object == 0);
    }
  }
}

TEST_CASE("NetworkPolicy: metadata and top-level checks", "[knp]") {
  SECTION("status and kubectl metadata are accepted") {
    LoadResult result = LoadYaml(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: a\n  uid: x\n"
        "  resourceVersion: \"1\"\n  generation: 1\nspec: {podSelector: {}}\nstatus: {}\n");
    INFO(Describe(result));
    CHECK(result.sink.diagnostics().empty());
  }
  SECTION("missing metadata.name") {
    LoadResult result = LoadYaml(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  namespace: a\n"
        "spec: {podSelector: {}}\n");
    INFO(Describe(result));
    CHECK(Find(result, RuleId::kMissingField, 4, 3) != nullptr);
  }
  SECTION("invalid name and unknown metadata field") {
    LoadResult result = LoadYaml(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: Web_1\n"
        "  lables: {}\nspec: {podSelector: {}}\n");
    INFO(Describe(result));
    CHECK(Find(result, RuleId::kInvalidValue, 4, 9) != nullptr);
    const ir::Diagnostic* typo = Find(result, RuleId::kUnknownField, 5, 3);
    REQUIRE(typo != nullptr);
    CHECK_THAT(typo->message, Catch::Contains("did you mean 'labels'"));
  }
  SECTION("missing spec and unknown top-level field") {
    LoadResult result = LoadYaml(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: a}\n"
        "specs: {}\n");
    INFO(Describe(result));
    CHECK(Find(result, RuleId::kMissingField, 1, 1) != nullptr);
    CHECK(Find(result, RuleId::kUnknownField, 4, 1) != nullptr);
    CHECK_FALSE(result.policies.policies.at(0).network_policy.has_value());
  }
  SECTION("apiVersion other than v1") {
    LoadResult result = LoadYaml(
        "apiVersion: networking.k8s.io/v1beta1\nkind: NetworkPolicy\nmetadata: {name: a}\n"
        "spec: {podSelector: {}}\n");
    INFO(Describe(result));
    CHECK(Find(result, RuleId::kInvalidValue, 1, 13) != nullptr);
  }
}

// ---- CiliumCIDRGroup --------------------------------------------------------

TEST_CASE("CiliumCIDRGroup: fields and locations", "[cidrgroup]") {
  LoadResult result = LoadYaml(
      "apiVersion: cilium.io/v2\nkind: CiliumCIDRGroup\nmetadata:\n  name: vpn\nspec:\n  externalCIDRs:\n"
      "  - 10.48.0.0/24\n  - \"2001:db8::/32\"\n");
  INFO(Describe(result));
  CHECK(result.sink.diagnostics().empty());
  REQUIRE(result.policies.cidr_groups.size() == 1);
  const ir::CidrGroup& group = result.policies.cidr_groups[0];
  CHECK(group.api_version == "cilium.io/v2");
  CHECK(group.meta.name == "vpn");
  CHECK(group.object == 0);
  REQUIRE(group.external_cidrs.size() == 2);
  CHECK(group.external_cidrs[0].text == "10.48.0.0/24");
  CHECK(At(group.external_cidrs[0].location, 7, 5));
  CHECK(group.external_cidrs[1].text == "2001:db8::/32");
}

TEST_CASE("CiliumCIDRGroup: schema errors", "[cidrgroup]") {
  constexpr std::string_view kHead = "apiVersion: cilium.io/v2\nkind: CiliumCIDRGroup\nmetadata: {name: g}\n";
  SECTION("missing spec") {
    LoadResult result = LoadYaml(kHead);
    CHECK(Find(result, RuleId::kMissingField, 1, 1) != nullptr);
  }
  SECTION("missing externalCIDRs, with a typo") {
    LoadResult result = LoadYaml(fmt::format("{}spec:\n  externalCidrs: []\n", kHead));
    INFO(Describe(result));
    CHECK(Find(result, RuleId::kMissingField, 5, 3) != nullptr);
    const ir::Diagnostic* typo = Find(result, RuleId::kUnknownField, 5, 3);
    REQUIRE(typo != nullptr);
    CHECK_THAT(typo->message, Catch::Contains("did you mean 'externalCIDRs'"));
  }
  SECTION("an item that is not a CIDR, and one of the wrong type") {
    LoadResult result = LoadYaml(fmt::format("{}spec:\n  externalCIDRs: [10.0.0.1, 5, 10.0.0.0/33]\n", kHead));
    INFO(Describe(result));
    CHECK(Find(result, RuleId::kInvalidCidr, 5, 19) != nullptr);
    CHECK(Find(result, RuleId::kWrongType, 5, 29) != nullptr);
    CHECK(Find(result, RuleId::kInvalidCidr, 5, 32) != nullptr);
  }
  SECTION("empty list is allowed (minItems 0) and kept") {
    LoadResult result = LoadYaml(fmt::format("{}spec:\n  externalCIDRs: []\n", kHead));
    INFO(Describe(result));
    CHECK(result.sink.diagnostics().empty());
    CHECK(result.policies.cidr_groups.at(0).external_cidrs.empty());
  }
  SECTION("apiVersion against the target Cilium version") {
    ir::Settings old_cilium;
    old_cilium.version = {1, 17};
    LoadResult v2_on_117 = LoadYaml(fmt::format("{}spec: {{externalCIDRs: []}}\n", kHead), old_cilium);
    CHECK(Find(v2_on_117, RuleId::kUnsupportedInVersion, 1, 13) != nullptr);
    std::string alpha =
        "apiVersion: cilium.io/v2alpha1\nkind: CiliumCIDRGroup\nmetadata: {name: g}\n"
        "spec: {externalCIDRs: []}\n";
    CHECK(LoadYaml(alpha, old_cilium).sink.diagnostics().empty());
    LoadResult alpha_on_119 = LoadYaml(alpha);
    CHECK(Find(alpha_on_119, RuleId::kDeprecatedField, 1, 13) != nullptr);
    CHECK_FALSE(alpha_on_119.sink.HasErrors());
  }
}

}  // namespace
}  // namespace polc::compiler
