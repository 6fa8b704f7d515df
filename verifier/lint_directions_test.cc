// Tests for lint_directions.cc: empty-direction-no-effect (cilium-semantics.md
// 3.2), l4-only-allows-world (3.3), knp-policy-types-mismatch (2.4, 11).
#include <catch2/catch.hpp>

#include "verifier/lint_test_util.h"

namespace polc::verifier {
namespace {

using namespace test;  // NOLINT(build/namespaces): test-only helpers
using ir::RuleId;

ir::Policy NetworkPolicy(std::optional<std::vector<ir::NetworkPolicyRule>> ingress,
                         std::optional<std::vector<ir::NetworkPolicyRule>> egress,
                         std::optional<std::vector<ir::Direction>> types) {
  ir::Policy policy = Cnp({});
  policy.kind = ir::PolicyKind::kNetworkPolicy;
  policy.api_version = "networking.k8s.io/v1";
  ir::NetworkPolicySpec spec;
  spec.location = At(4);
  spec.pod_selector = Selector({{"app", "web"}}, 5);
  spec.ingress = std::move(ingress);
  spec.egress = std::move(egress);
  spec.policy_types = std::move(types);
  spec.policy_types_location = At(12, 3);
  policy.network_policy = std::move(spec);
  return policy;
}

ir::NetworkPolicyRule KnpRule(uint32_t line) {
  ir::NetworkPolicyRule rule;
  rule.location = At(line);
  ir::NetworkPolicyPeer peer;
  peer.pod_selector = Selector({{"app", "api"}}, line);
  rule.peers = std::vector<ir::NetworkPolicyPeer>{peer};
  return rule;
}

// An egress rule to the DNS pods, so the rule is not empty-rule (Sanitize,
// 1.17+) and only the ingress section is in question.
std::vector<ir::PeerRule> DnsEgress() {
  return {FromEndpoints(Egress(10), Selector({{"k8s:k8s-app", "kube-dns"}}, 11))};
}

TEST_CASE("3.2: CNP `ingress: []` has no effect and is reported at the rule", "[lint][directions]") {
  ir::Rule rule = WebRule(std::vector<ir::PeerRule>{}, DnsEgress());
  rule.ingress_location = At(8, 3);  // the `ingress` key
  auto diagnostics = Lint(Cnp({rule}));
  REQUIRE(Count(diagnostics, RuleId::kEmptyDirectionNoEffect) == 1);
  const ir::Diagnostic& d = *Find(diagnostics, RuleId::kEmptyDirectionNoEffect);
  CHECK(d.location == At(8, 3));
  CHECK(d.object == 7);
  CHECK(d.severity == ir::Severity::kWarning);
  CHECK_THAT(d.message, Catch::Contains("`ingress: []`"));
  CHECK_THAT(d.hint, Catch::Contains("`ingress: [{}]`"));
  // Without a key location (IR built by hand), the rule's location.
  rule.ingress_location = {};
  CHECK(Find(Lint(Cnp({rule})), RuleId::kEmptyDirectionNoEffect)->location == At(4));
}

TEST_CASE("3.2: `ingress: [{}]` is the working default deny and is not reported", "[lint][directions]") {
  const auto diagnostics = Lint(Cnp({WebRule(std::vector<ir::PeerRule>{Ingress(6)}, DnsEgress())}));
  INFO(Summary(diagnostics));
  CHECK(diagnostics.empty());
}

TEST_CASE("3.2: an empty egress next to real ingress rules is reported once", "[lint][directions]") {
  const auto diagnostics =
      Lint(Cnp({WebRule(std::vector<ir::PeerRule>{FromEndpoints(Ingress(6), Selector({{"app", "api"}}, 7))},
                        std::vector<ir::PeerRule>{})}));
  REQUIRE(Count(diagnostics, RuleId::kEmptyDirectionNoEffect) == 1);
  CHECK_THAT(Find(diagnostics, RuleId::kEmptyDirectionNoEffect)->message, Catch::Contains("`egress: []`"));
}

TEST_CASE("3.2: a rule whose every section is empty is left to Sanitize from 1.17", "[lint][directions]") {
  // Rule.Validate rejects len()==0 for all four lists since 1.17 (empty-rule);
  // 1.16 accepts the rule and silently enforces nothing.
  const ir::Policy policy = Cnp({WebRule(std::vector<ir::PeerRule>{}, std::vector<ir::PeerRule>{})});
  CHECK(Count(Lint(policy, Version(1, 17)), RuleId::kEmptyDirectionNoEffect) == 0);
  CHECK(Count(Lint(policy, Version(1, 16)), RuleId::kEmptyDirectionNoEffect) == 2);
  CHECK(Count(Lint(Cnp({WebRule(std::vector<ir::PeerRule>{})}), Version(1, 16)), RuleId::kEmptyDirectionNoEffect) == 1);
}

TEST_CASE("2.4: NetworkPolicy `ingress: []` with policyTypes Ingress is default deny, not reported",
          "[lint][directions]") {
  const auto diagnostics =
      Lint(NetworkPolicy(std::vector<ir::NetworkPolicyRule>{}, std::nullopt, std::vector{ir::Direction::kIngress}));
  INFO(Summary(diagnostics));
  CHECK(diagnostics.empty());
}

TEST_CASE("3.3: an ingress rule with only toPorts admits world", "[lint][directions]") {
  ir::PeerRule peer = Ingress(6);
  peer.to_ports = std::vector<ir::PortRule>{Ports({"80"}, 7)};
  const auto diagnostics = Lint(Cnp({WebRule(std::vector<ir::PeerRule>{peer})}));
  REQUIRE(Count(diagnostics, RuleId::kL4OnlyAllowsWorld) == 1);
  CHECK(Find(diagnostics, RuleId::kL4OnlyAllowsWorld)->location == At(6));
  CHECK(Find(diagnostics, RuleId::kL4OnlyAllowsWorld)->object == 7);
}

TEST_CASE("3.3: an ingress rule with only icmps admits world", "[lint][directions]") {
  ir::PeerRule peer = Ingress(6);
  ir::IcmpRule icmp;
  icmp.fields.push_back({ir::IcmpFamily::kIPv4, 8, "", At(8)});
  peer.icmps = std::vector<ir::IcmpRule>{icmp};
  CHECK(Count(Lint(Cnp({WebRule(std::vector<ir::PeerRule>{peer})})), RuleId::kL4OnlyAllowsWorld) == 1);
}

TEST_CASE("3.3: the same ports with fromEndpoints are not reported", "[lint][directions]") {
  ir::PeerRule peer = FromEndpoints(Ingress(6), Selector({{"app", "api"}}, 7));
  peer.to_ports = std::vector<ir::PortRule>{Ports({"80"}, 8)};
  const auto diagnostics = Lint(Cnp({WebRule(std::vector<ir::PeerRule>{peer})}));
  INFO(Summary(diagnostics));
  CHECK(diagnostics.empty());
}

TEST_CASE("3.3: L4-only egress and L4-only ingressDeny are intended and not reported", "[lint][directions]") {
  ir::PeerRule egress = Egress(6);
  egress.to_ports = std::vector<ir::PortRule>{Ports({"53"}, 7)};
  ir::PeerRule deny = Peer(ir::Direction::kIngress, 8, /*deny=*/true);
  deny.to_ports = std::vector<ir::PortRule>{Ports({"22"}, 9)};
  ir::Rule rule = WebRule(std::nullopt, std::vector<ir::PeerRule>{egress});
  rule.ingress_deny = std::vector<ir::PeerRule>{deny};
  CHECK(Count(Lint(Cnp({rule})), RuleId::kL4OnlyAllowsWorld) == 0);
}

TEST_CASE("11: NetworkPolicy with policyTypes [Egress] and ingress rules is reported", "[lint][directions]") {
  const auto diagnostics = Lint(
      NetworkPolicy(std::vector<ir::NetworkPolicyRule>{KnpRule(7)}, std::nullopt, std::vector{ir::Direction::kEgress}));
  REQUIRE(Count(diagnostics, RuleId::kKnpPolicyTypesMismatch) == 1);
  const ir::Diagnostic& d = *Find(diagnostics, RuleId::kKnpPolicyTypesMismatch);
  CHECK(d.location == At(12, 3));
  CHECK(d.object == 7);
  CHECK_THAT(d.message, Catch::Contains("open question 11"));
}

TEST_CASE("2.4: NetworkPolicy with policyTypes [Ingress] and egress rules is reported", "[lint][directions]") {
  const auto diagnostics = Lint(NetworkPolicy(std::nullopt, std::vector<ir::NetworkPolicyRule>{KnpRule(7)},
                                              std::vector{ir::Direction::kIngress}));
  REQUIRE(Count(diagnostics, RuleId::kKnpPolicyTypesMismatch) == 1);
  CHECK_THAT(Find(diagnostics, RuleId::kKnpPolicyTypesMismatch)->message, Catch::Contains("spec.egress"));
}

TEST_CASE("2.4: policyTypes listing both directions, or absent, is not reported", "[lint][directions]") {
  const std::vector<ir::NetworkPolicyRule> rules{KnpRule(7)};
  CHECK(Lint(NetworkPolicy(rules, rules, std::vector{ir::Direction::kIngress, ir::Direction::kEgress})).empty());
  CHECK(Lint(NetworkPolicy(rules, rules, std::nullopt)).empty());
}

}  // namespace
}  // namespace polc::verifier
