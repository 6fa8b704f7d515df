// Tests for lint_cidr.cc: cidr-single-private-ip (cilium-semantics.md 2.4, 8.2).
#include <catch2/catch.hpp>

#include "verifier/lint_test_util.h"

namespace polc::verifier {
namespace {

using namespace test;  // NOLINT(build/namespaces): test-only helpers
using ir::RuleId;

ir::Policy ToCidr(std::string text) {
  ir::PeerRule peer = Egress(6);
  peer.cidr = std::vector<ir::Cidr>{{std::move(text), At(7, 9)}};
  return Cnp({WebRule(std::nullopt, std::vector<ir::PeerRule>{peer})});
}

TEST_CASE("single private addresses are probably pod IPs", "[lint][cidr]") {
  for (const char* text : {"10.244.1.17/32", "10.0.0.1", "172.16.0.5/32", "172.31.255.1/32", "192.168.1.10/32",
                           "fd00::17/128", "fc00::1"}) {
    const auto diagnostics = Lint(ToCidr(text));
    INFO(text);
    REQUIRE(Count(diagnostics, RuleId::kCidrSinglePrivateIp) == 1);
    CHECK(Find(diagnostics, RuleId::kCidrSinglePrivateIp)->location == At(7, 9));
    CHECK(Find(diagnostics, RuleId::kCidrSinglePrivateIp)->object == 7);
  }
}

TEST_CASE("public hosts, private ranges and near-misses are not reported", "[lint][cidr]") {
  for (const char* text : {"8.8.8.8/32", "10.0.0.0/8", "10.0.0.1/31", "172.32.0.1/32", "172.15.0.1/32",
                           "192.169.0.1/32", "2001:db8::1/128", "fd00::/8", "not-a-cidr", "10.0.0.1/"}) {
    const auto diagnostics = Lint(ToCidr(text));
    INFO(text << ": " << Summary(diagnostics));
    CHECK(diagnostics.empty());
  }
}

TEST_CASE("fromCIDRSet cidr and NetworkPolicy ipBlock are checked too", "[lint][cidr]") {
  ir::PeerRule peer = Ingress(6);
  ir::CidrRule rule;
  rule.cidr = ir::Cidr{"192.168.0.9/32", At(8)};
  peer.cidr_set = std::vector<ir::CidrRule>{rule};
  const auto cnp = Lint(Cnp({WebRule(std::vector<ir::PeerRule>{peer})}));
  REQUIRE(Count(cnp, RuleId::kCidrSinglePrivateIp) == 1);
  CHECK_THAT(Find(cnp, RuleId::kCidrSinglePrivateIp)->message, Catch::Contains("fromCIDRSet"));

  ir::Policy knp = Cnp({});
  knp.kind = ir::PolicyKind::kNetworkPolicy;
  ir::NetworkPolicySpec spec;
  ir::NetworkPolicyPeer knp_peer;
  knp_peer.ip_block = ir::IpBlock{{"10.1.2.3/32", At(9)}, {}, At(9)};
  spec.egress = std::vector<ir::NetworkPolicyRule>{{std::vector{knp_peer}, std::nullopt, At(8)}};
  knp.network_policy = spec;
  CHECK(Count(Lint(knp), RuleId::kCidrSinglePrivateIp) == 1);
}

}  // namespace
}  // namespace polc::verifier
