// Tests for lint_l7.cc: l7-on-all-endpoints (cilium-semantics.md 7.1, 6.6).
#include <catch2/catch.hpp>

#include "verifier/lint_test_util.h"

namespace polc::verifier {
namespace {

using namespace test;  // NOLINT(build/namespaces): test-only helpers
using ir::RuleId;

ir::Rule HttpRule(ir::LabelSelector subject) {
  ir::PeerRule peer = FromEndpoints(Ingress(6), Selector({{"app", "api"}}, 7));
  ir::HttpRule get;
  get.method = Text("GET", 10);
  get.path = Text("/public", 11);
  peer.to_ports = std::vector<ir::PortRule>{HttpPorts("80", {get}, 8)};
  ir::Rule rule = WebRule(std::vector<ir::PeerRule>{peer});
  rule.endpoint_selector = std::move(subject);
  return rule;
}

TEST_CASE("HTTP rules on `endpointSelector: {}` proxy every pod", "[lint][l7]") {
  const auto diagnostics = Lint(Cnp({HttpRule(Selector({}, 5))}));
  REQUIRE(Count(diagnostics, RuleId::kL7OnAllEndpoints) == 1);
  const ir::Diagnostic& d = *Find(diagnostics, RuleId::kL7OnAllEndpoints);
  CHECK(d.location == At(8));
  CHECK(d.object == 7);
  CHECK_THAT(d.message, Catch::Contains("in the namespace"));
  CHECK_THAT(Find(Lint(Ccnp({HttpRule(Selector({}, 5))})), RuleId::kL7OnAllEndpoints)->message,
             Catch::Contains("in the cluster"));
}

TEST_CASE("HTTP rules on a narrowed endpointSelector are not reported", "[lint][l7]") {
  const auto diagnostics = Lint(Cnp({HttpRule(Selector({{"app", "web"}}, 5))}));
  INFO(Summary(diagnostics));
  CHECK(diagnostics.empty());
}

TEST_CASE("6.6: a namespace-wide DNS rule (for toFQDNs) is not reported", "[lint][l7]") {
  ir::PeerRule dns = FromEndpoints(Egress(6), Selector({{"k8s:k8s-app", "kube-dns"}}, 7));
  dns.to_ports = std::vector<ir::PortRule>{DnsPorts({MatchPattern("*.example.com", 9)}, 8)};
  ir::Rule rule = WebRule(std::nullopt, std::vector<ir::PeerRule>{dns});
  rule.endpoint_selector = Selector({}, 5);
  const auto diagnostics = Lint(Cnp({rule}));
  INFO(Summary(diagnostics));
  CHECK(diagnostics.empty());
}

}  // namespace
}  // namespace polc::verifier
