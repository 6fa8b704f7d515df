// Connection sets: interval arithmetic and netpol-analyzer's CONN text
// (conventions.md section 2).
#include <catch2/catch.hpp>

#include "verifier/connection_set.h"

namespace polc::verifier {
namespace {

TEST_CASE("IntervalSet: union merges overlapping and adjacent intervals", "[connection-set]") {
  IntervalSet set = IntervalSet::Range(80, 80).Union(IntervalSet::Range(81, 90)).Union(IntervalSet::Range(100, 200));
  CHECK(set.ToString() == "80-90,100-200");
  set.Add(91, 99);
  CHECK(set.ToString() == "80-200");
  CHECK(IntervalSet::Range(5, 4).Empty());
}

TEST_CASE("IntervalSet: intersect and subtract", "[connection-set]") {
  IntervalSet a = IntervalSet::Range(1, 100).Union(IntervalSet::Range(200, 300));
  IntervalSet b = IntervalSet::Range(50, 250);
  CHECK(a.Intersect(b).ToString() == "50-100,200-250");
  CHECK(a.Subtract(b).ToString() == "1-49,251-300");
  CHECK(b.Subtract(a).ToString() == "101-199");
  CHECK(a.Subtract(a).Empty());
  CHECK(a.Subtract(IntervalSet::Range(1, 1)).ToString() == "2-100,200-300");
  CHECK(IntervalSet::Range(0, 65535).Subtract(IntervalSet::Range(5353, 5353)).ToString() == "0-5352,5354-65535");
  CHECK(a.Contains(100));
  CHECK_FALSE(a.Contains(101));
  CHECK(a.Contains(200));
  CHECK_FALSE(a.Contains(0));
}

TEST_CASE("ConnectionSet: CONN text as netpol-analyzer prints it", "[connection-set]") {
  CHECK(ConnectionSet::All().ToString(ConnUniverse::kCilium) == "All Connections");
  CHECK(ConnectionSet::None().ToString(ConnUniverse::kCilium) == "No Connections");
  ConnectionSet dns = ConnectionSet::Ports(ConnProtocol::kUdp, 53, 53).Union(ConnectionSet::Ports(ConnProtocol::kTcp, 53, 53));
  CHECK(dns.ToString(ConnUniverse::kKubernetes) == "TCP 53,UDP 53");  // protocols in alphabetical order
  ConnectionSet web = ConnectionSet::Ports(ConnProtocol::kTcp, 8080, 8081).Union(ConnectionSet::Ports(ConnProtocol::kTcp, 80, 80));
  CHECK(web.ToString(ConnUniverse::kKubernetes) == "TCP 80,8080-8081");
}

TEST_CASE("ConnectionSet: ICMP belongs to Cilium's universe only", "[connection-set]") {
  ConnectionSet l4 = ConnectionSet::WholeProtocol(ConnProtocol::kTcp)
                         .Union(ConnectionSet::WholeProtocol(ConnProtocol::kUdp))
                         .Union(ConnectionSet::WholeProtocol(ConnProtocol::kSctp));
  // Every TCP/UDP/SCTP port is everything NetworkPolicy can express ...
  CHECK(l4.IsAll(ConnUniverse::kKubernetes));
  CHECK(l4.ToString(ConnUniverse::kKubernetes) == "All Connections");
  // ... but under Cilium an L4 rule does not let ICMP through.
  CHECK_FALSE(l4.IsAll(ConnUniverse::kCilium));
  CHECK(l4.ToString(ConnUniverse::kCilium) == "SCTP 1-65535,TCP 1-65535,UDP 1-65535");
  ConnectionSet ping = ConnectionSet::Ports(ConnProtocol::kIcmp, 8, 8);
  CHECK(ping.ToString(ConnUniverse::kCilium) == "ICMP 8");
  CHECK(ping.ToString(ConnUniverse::kKubernetes) == "No Connections");
}

TEST_CASE("ConnectionSet: set algebra per protocol", "[connection-set]") {
  ConnectionSet all = ConnectionSet::All();
  ConnectionSet deny = ConnectionSet::Ports(ConnProtocol::kUdp, 5353, 5353);
  ConnectionSet rest = all.Subtract(deny);
  CHECK(rest.ToString(ConnUniverse::kKubernetes) == "SCTP 1-65535,TCP 1-65535,UDP 1-5352,5354-65535");
  CHECK(rest.Union(deny) == all);
  CHECK(rest.Intersect(deny).Empty());
  CHECK(ConnectionSet::Ports(ConnProtocol::kTcp, 0, 70000)[ConnProtocol::kTcp].ToString() == "1-65535");  // clamped
}

}  // namespace
}  // namespace polc::verifier
