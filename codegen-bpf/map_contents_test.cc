#include "codegen-bpf/map_contents.h"

#include <arpa/inet.h>

#include <catch2/catch.hpp>

#include "tests/plan_fixtures.h"

namespace polc::codegen {
namespace {

TEST_CASE("MaskedPorts splits a range into prefix-aligned blocks as Cilium does", "[codegen]") {
  using V = std::vector<MaskedPort>;
  CHECK(MaskedPorts(80, 80) == V{{80, 16}});
  CHECK(MaskedPorts(0, 65535) == V{{0, 0}});
  CHECK(MaskedPorts(8000, 8100) == V{{8000, 10}, {8064, 11}, {8096, 14}, {8100, 16}});
  CHECK(MaskedPorts(1, 65535).size() == 16);
  CHECK(MaskedPorts(65535, 65535) == V{{65535, 16}});
  // Every port of a range is covered exactly once, and nothing outside it.
  for (auto [first, last] : std::vector<std::pair<int, int>>{{1, 1023}, {30000, 32767}, {443, 8443}, {0, 1}}) {
    std::vector<int> seen(65536, 0);
    for (const MaskedPort& m : MaskedPorts(static_cast<uint16_t>(first), static_cast<uint16_t>(last))) {
      REQUIRE(m.port % (1 << (16 - m.bits)) == 0);
      for (int p = m.port; p < m.port + (1 << (16 - m.bits)); ++p) ++seen[static_cast<size_t>(p)];
    }
    for (int p = 0; p < 65536; ++p) REQUIRE(seen[static_cast<size_t>(p)] == (p >= first && p <= last ? 1 : 0));
  }
}

TEST_CASE("BuildMapContents keys the plan as polc_maps.h lays it out", "[codegen]") {
  MapContents contents = BuildMapContents(testing::SmallPlan());
  REQUIRE(contents.endpoints.size() == 2);
  CHECK(contents.endpoints[0].first.family == POLC_FAMILY_IPV4);
  CHECK(contents.endpoints[0].second.endpoint == 1);
  // Endpoint 1 egress: exact entries of identity 257 and of the wildcard,
  // and the LPM pieces of 8000-8100 (identity kFirstCidrIdentity).
  CHECK(contents.endpoints[0].second.flags[POLC_DIR_EGRESS] ==
        (POLC_EP_ENFORCED | POLC_EP_DEFAULT_DENY | POLC_EP_EXACT | POLC_EP_LPM | POLC_EP_ANY_EXACT));
  CHECK(contents.endpoints[0].second.flags[POLC_DIR_INGRESS] == 0);

  REQUIRE(contents.ipcache.size() == 4);
  CHECK(contents.ipcache[0].first.prefixlen == 32 + 8);
  CHECK(contents.ipcache[3].second.node == 1);
  CHECK(contents.ipcache[3].second.local_identity == ir::kHostIdentity);

  // 7 entries; 8000-8100 is 4 masked ports, of which 8100 is one port: every
  // single port goes to the exact map, the 3 wider blocks to the trie.
  REQUIRE(contents.policy_exact.size() == 7);
  const auto& [dns_key, dns_value] = contents.policy_exact[0];
  CHECK(dns_key.endpoint == 1);
  CHECK(dns_key.remote_identity == 0);
  CHECK(dns_key.direction == POLC_DIR_EGRESS);
  CHECK(dns_key.protocol == 17);
  CHECK(dns_key.dport == htons(53));
  CHECK(dns_value.rule == 3);
  CHECK(contents.policy_exact[3].first.dport == htons(8100));
  const auto& [deny_key, deny_value] = contents.policy_exact[4];
  CHECK(deny_key.dport == htons(22));
  CHECK(deny_value.flags == POLC_POLICY_DENY);
  REQUIRE(contents.policy.size() == 3);
  CHECK(contents.policy[0].first.prefixlen == 72 + 8 + 10);
  CHECK(contents.policy[0].first.dport == htons(8000));
  CHECK(contents.policy[2].first.prefixlen == 72 + 8 + 14);
}

TEST_CASE("A protocol-0 entry has no protocol and no port bits", "[codegen]") {
  ir::Plan plan = testing::SmallPlan();
  plan.entries = {{1, ir::Direction::kEgress, 257, 0, 0, 65535, false, true, 9}};
  MapContents contents = BuildMapContents(plan);
  REQUIRE(contents.policy.size() == 1);
  CHECK(contents.policy[0].first.prefixlen == 72);
  CHECK(contents.policy[0].first.protocol == 0);
  CHECK(contents.policy[0].first.dport == 0);
  CHECK(contents.policy[0].second.flags == POLC_POLICY_L7_PROXY);
  CHECK(contents.policy_exact.empty());
  CHECK(contents.endpoints[0].second.flags[POLC_DIR_EGRESS] == (POLC_EP_ENFORCED | POLC_EP_DEFAULT_DENY | POLC_EP_LPM));
}

TEST_CASE("IPv6 prefixes and endpoints use 16 address bytes", "[codegen]") {
  ir::Plan plan = testing::SmallPlan();
  plan.prefixes = {{testing::Address("fd00:10::"), 32, 300, 0, 0}};
  plan.endpoints[0].addresses.push_back(testing::Address("fd00:10::1"));
  MapContents contents = BuildMapContents(plan);
  REQUIRE(contents.ipcache.size() == 1);
  CHECK(contents.ipcache[0].first.family == POLC_FAMILY_IPV6);
  CHECK(contents.ipcache[0].first.prefixlen == 64);
  CHECK(contents.ipcache[0].first.address[1] == 0);
  CHECK(contents.ipcache[0].first.address[0] == 0xfd);
  REQUIRE(contents.endpoints.size() == 3);
  CHECK(contents.endpoints[1].first.family == POLC_FAMILY_IPV6);
  CHECK(contents.endpoints[1].first.address[15] == 1);
}

}  // namespace
}  // namespace polc::codegen
