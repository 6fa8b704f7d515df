// Tests for map_pressure.h: hand-computed policy-map sizes with the key model
// of cilium-semantics.md 8.1 (one key per direction, remote identity,
// protocol and port prefix), and the lint against bpf-policy-map-max (8.3).
#include <catch2/catch.hpp>

#include "verifier/lint_test_util.h"
#include "verifier/map_pressure.h"

namespace polc::verifier {
namespace {

using namespace test;  // NOLINT(build/namespaces): test-only helpers
using ir::RuleId;

TEST_CASE("8.1: port ranges become prefix-aligned masked ports", "[map-pressure]") {
  CHECK(PortRangePrefixCount(80, 80) == 1);
  CHECK(PortRangePrefixCount(0, 65535) == 1);
  CHECK(PortRangePrefixCount(8080, 8081) == 1);   // 8080/15
  CHECK(PortRangePrefixCount(8080, 8082) == 2);   // 8080/15, 8082/16
  CHECK(PortRangePrefixCount(1, 65535) == 16);    // 1, 2/15, 4/14, ..., 32768/1
  CHECK(PortRangePrefixCount(1024, 2047) == 1);
}

ir::Inventory Pods(int count) {
  ir::Inventory inventory;
  for (int i = 0; i < count; ++i) {
    ir::Endpoint e;
    e.name = "pod" + std::to_string(i);
    e.namespace_ = "prod";
    e.labels = {{"app", i == 0 ? "web" : "client"}, {"index", std::to_string(i)}};
    inventory.endpoints.push_back(e);
  }
  return inventory;
}

// app=web allows ingress from every endpoint of prod on the given ports.
ir::PolicySet WebFromAll(std::vector<ir::PortRule> ports) {
  ir::PeerRule peer = FromEndpoints(Ingress(6), Selector({}, 7));
  peer.to_ports = std::move(ports);
  ir::PolicySet set;
  set.policies.push_back(Cnp({WebRule(std::vector<ir::PeerRule>{peer})}));
  return set;
}

TEST_CASE("8.1: keys = identities x ports, plus the allow-all key of an unselected direction", "[map-pressure]") {
  // 5 pods of prod with distinct labels = 5 identities (web itself included);
  // ports 80 and 443/TCP and 53 ANY (TCP, UDP, SCTP) = 5 port keys: 25
  // ingress keys; egress has no entry: 1 wildcard key. Total 26.
  ir::PortRule ports = Ports({"80", "443"}, 8);
  ports.ports.push_back(Port("53", ir::Protocol::kAny, 8));
  const auto result = PredictPolicyMaps(WebFromAll({ports}), Pods(5), ir::Settings{});
  REQUIRE(result.size() == 5);
  CHECK(result[0].name == "prod/pod0");
  CHECK(result[0].entries == 26);
  REQUIRE(result[0].policies.size() == 1);
  CHECK(result[0].policies[0].second == 25);
  // The other pods are selected by nothing: one allow-all key per direction.
  CHECK(result[1].entries == 2);
}

TEST_CASE("8.1: a port range counts its prefixes; CIDR peers one identity per prefix", "[map-pressure]") {
  ir::PortRule range = Ports({"1"}, 8);
  range.ports[0].end_port = 65535;  // 16 prefixes
  auto result = PredictPolicyMaps(WebFromAll({range}), Pods(3), ir::Settings{});
  CHECK(result[0].entries == 3 * 16 + 1);

  ir::PeerRule cidrs = Egress(6);
  cidrs.cidr = std::vector<ir::Cidr>{{"10.0.0.0/8", At(7)}, {"192.168.1.1", At(7)}};  // 2 CIDR identities
  cidrs.to_ports = std::vector<ir::PortRule>{Ports({"443"}, 8)};
  ir::PolicySet set;
  set.policies.push_back(Cnp({WebRule(std::nullopt, std::vector<ir::PeerRule>{cidrs})}));
  result = PredictPolicyMaps(set, Pods(1), ir::Settings{});
  CHECK(result[0].entries == 2 + 1);  // 2 egress keys, ingress allow-all
}

TEST_CASE("policy-map-pressure / overflow against bpf-policy-map-max (8.3)", "[lint][map-pressure]") {
  ir::PortRule range = Ports({"1"}, 8);
  range.ports[0].end_port = 65535;
  const ir::PolicySet set = WebFromAll({range});
  const ir::Inventory inventory = Pods(16);  // 16 identities x 16 prefixes = 256 keys + 1 = 257
  auto lint = [&](uint32_t max) {
    ir::Settings settings;
    settings.bpf_policy_map_max = max;
    ir::DiagnosticSink sink;
    RunLints(set, settings, inventory, sink);
    return sink.diagnostics();
  };
  auto d = lint(256);  // the minimum the agent accepts: 257 > 256
  INFO(Summary(d));
  REQUIRE(Count(d, RuleId::kPolicyMapOverflow) == 1);
  CHECK_THAT(Find(d, RuleId::kPolicyMapOverflow)->message,
             Catch::Contains("prod/pod0") && Catch::Contains("257") && Catch::Contains("prod/web (256 entries)"));
  d = lint(300);  // 257 >= 240: warning
  CHECK(Count(d, RuleId::kPolicyMapOverflow) == 0);
  CHECK(Count(d, RuleId::kPolicyMapPressure) == 1);
  d = lint(16384);
  CHECK(Count(d, RuleId::kPolicyMapPressure) == 0);
  CHECK(Count(d, RuleId::kPolicyMapOverflow) == 0);
  // Without an inventory nothing is predicted.
  CHECK(Count(Lint(set), RuleId::kPolicyMapPressure) == 0);
}

}  // namespace
}  // namespace polc::verifier
