// Tests for lint_peers.cc: empty-peer-list (cilium-semantics.md 3.3).
#include <catch2/catch.hpp>

#include "verifier/lint_test_util.h"

namespace polc::verifier {
namespace {

using namespace test;  // NOLINT(build/namespaces): test-only helpers
using ir::RuleId;

ir::Policy WithIngress(ir::PeerRule peer) {
  return Cnp({WebRule(std::vector<ir::PeerRule>{std::move(peer)})});
}
ir::Policy WithEgress(ir::PeerRule peer) {
  return Cnp({WebRule(std::nullopt, std::vector<ir::PeerRule>{std::move(peer)})});
}

TEST_CASE("3.3: `fromEndpoints: []` selects nothing", "[lint][peers]") {
  ir::PeerRule peer = Ingress(6);
  peer.endpoints = std::vector<ir::LabelSelector>{};
  peer.field_locations.endpoints = At(6, 5);  // the `fromEndpoints` key
  const auto diagnostics = Lint(WithIngress(peer));
  REQUIRE(Count(diagnostics, RuleId::kEmptyPeerList) == 1);
  const ir::Diagnostic& d = *Find(diagnostics, RuleId::kEmptyPeerList);
  CHECK(d.location == At(6, 5));
  CHECK(d.object == 7);
  CHECK_THAT(d.message, Catch::Contains("`fromEndpoints: []`") && Catch::Contains("allows nothing"));
  CHECK_THAT(d.hint, Catch::Contains("`fromEndpoints: [{}]`"));
}

TEST_CASE("3.3: `fromEndpoints: [{}]` selects every endpoint and is not reported", "[lint][peers]") {
  const auto diagnostics = Lint(WithIngress(FromEndpoints(Ingress(6), Selector({}, 7))));
  INFO(Summary(diagnostics));
  CHECK(diagnostics.empty());
}

TEST_CASE("3.3: every empty peer kind is reported under its own YAML name", "[lint][peers]") {
  ir::PeerRule ingress = Ingress(6);
  ingress.nodes = std::vector<ir::LabelSelector>{};
  ingress.entities = std::vector<ir::Entity>{};
  ingress.cidr = std::vector<ir::Cidr>{};
  ingress.cidr_set = std::vector<ir::CidrRule>{};
  const auto in = Lint(WithIngress(ingress));
  CHECK(Count(in, RuleId::kEmptyPeerList) == 4);
  for (const char* field : {"fromNodes", "fromEntities", "fromCIDR: []", "fromCIDRSet"}) {
    CHECK(std::any_of(in.begin(), in.end(),
                      [&](const ir::Diagnostic& d) { return d.message.find(field) != std::string::npos; }));
  }
  ir::PeerRule egress = Egress(6);
  egress.endpoints = std::vector<ir::LabelSelector>{};
  const auto out = Lint(WithEgress(egress));
  REQUIRE(Count(out, RuleId::kEmptyPeerList) == 1);
  CHECK(Find(out, RuleId::kEmptyPeerList)->location == At(6));  // no key location: the rule element
  CHECK_THAT(Find(out, RuleId::kEmptyPeerList)->message, Catch::Contains("`toEndpoints: []`"));
}

TEST_CASE("3.3: an empty egressDeny peer list denies nothing", "[lint][peers]") {
  ir::PeerRule deny = Peer(ir::Direction::kEgress, 6, /*deny=*/true);
  deny.cidr = std::vector<ir::Cidr>{};
  ir::Rule rule = WebRule(std::vector<ir::PeerRule>{Ingress(9)});
  rule.egress_deny = std::vector<ir::PeerRule>{deny};
  const auto diagnostics = Lint(Cnp({rule}));
  REQUIRE(Count(diagnostics, RuleId::kEmptyPeerList) == 1);
  CHECK_THAT(Find(diagnostics, RuleId::kEmptyPeerList)->message, Catch::Contains("denies nothing"));
}

TEST_CASE("3.3: `toFQDNs: []` with toPorts is not an L3 constraint", "[lint][peers]") {
  ir::PeerRule peer = Egress(6);
  peer.fqdns = std::vector<ir::FqdnSelector>{};
  peer.to_ports = std::vector<ir::PortRule>{Ports({"443"}, 8)};
  const auto diagnostics = Lint(WithEgress(peer));
  REQUIRE(Count(diagnostics, RuleId::kEmptyPeerList) == 1);
  CHECK_THAT(Find(diagnostics, RuleId::kEmptyPeerList)->message, Catch::Contains("every destination"));
}

TEST_CASE("3.3: `toServices: []` is reported, a listed service is not", "[lint][peers]") {
  ir::PeerRule empty = Egress(6);
  empty.services = std::vector<ir::Service>{};
  CHECK(Count(Lint(WithEgress(empty)), RuleId::kEmptyPeerList) == 1);

  ir::PeerRule listed = Egress(6);
  listed.services = std::vector<ir::Service>{ir::Service{ir::ServiceReference{"db", "prod"}, At(7)}};
  const auto diagnostics = Lint(WithEgress(listed));
  INFO(Summary(diagnostics));
  CHECK(diagnostics.empty());
}

}  // namespace
}  // namespace polc::verifier
