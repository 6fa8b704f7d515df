// A set of connections between two peers: for each protocol the ports (TCP,
// UDP, SCTP: 1-65535) or message types (ICMP, ICMPv6: 0-255) it covers, as
// sorted disjoint intervals. Printed in netpol-analyzer's CONN grammar
// (`All Connections`, `TCP 80,443,UDP 53`), so connectivity maps and diffs
// compare byte for byte with that tool (conventions.md section 2).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "ir/policy.h"

namespace polc::verifier {

// The protocols a connection set distinguishes, in CONN print order
// (alphabetical, as netpol-analyzer prints them).
enum class ConnProtocol : uint8_t { kIcmp, kIcmpv6, kSctp, kTcp, kUdp };
inline constexpr size_t kConnProtocolCount = 5;
std::string_view ConnProtocolName(ConnProtocol protocol);  // "ICMP", "ICMPv6", "SCTP", "TCP", "UDP"
// nullopt for kAny and the extended IP protocols.
std::optional<ConnProtocol> ToConnProtocol(ir::Protocol protocol);
uint32_t ConnProtocolMax(ConnProtocol protocol);  // 65535 for ports, 255 for ICMP types
uint32_t ConnProtocolMin(ConnProtocol protocol);  // 1 for ports, 0 for ICMP types

// Sorted, disjoint, non-adjacent closed intervals.
class IntervalSet {
 public:
  using Interval = std::pair<uint32_t, uint32_t>;
  IntervalSet() = default;
  static IntervalSet Range(uint32_t low, uint32_t high);  // empty when low > high

  void Add(uint32_t low, uint32_t high);
  IntervalSet Union(const IntervalSet& other) const;
  IntervalSet Intersect(const IntervalSet& other) const;
  IntervalSet Subtract(const IntervalSet& other) const;
  bool Contains(uint32_t value) const;
  bool Empty() const { return intervals_.empty(); }
  const std::vector<Interval>& intervals() const { return intervals_; }
  std::string ToString() const;  // "80,443,8000-8080"
  bool operator==(const IntervalSet&) const = default;
  auto operator<=>(const IntervalSet&) const = default;

 private:
  std::vector<Interval> intervals_;
};

// Which protocols "everything" means: Cilium semantics include ICMP and
// ICMPv6; Kubernetes NetworkPolicy (and netpol-analyzer) only TCP, UDP, SCTP.
enum class ConnUniverse { kCilium, kKubernetes };

class ConnectionSet {
 public:
  ConnectionSet() = default;
  static ConnectionSet All();  // every protocol, every port/type
  static ConnectionSet None() { return {}; }
  static ConnectionSet Ports(ConnProtocol protocol, uint32_t low, uint32_t high);
  static ConnectionSet WholeProtocol(ConnProtocol protocol);

  IntervalSet& operator[](ConnProtocol protocol) { return by_protocol_[static_cast<size_t>(protocol)]; }
  const IntervalSet& operator[](ConnProtocol protocol) const { return by_protocol_[static_cast<size_t>(protocol)]; }

  ConnectionSet Union(const ConnectionSet& other) const;
  ConnectionSet Intersect(const ConnectionSet& other) const;
  ConnectionSet Subtract(const ConnectionSet& other) const;
  void UnionWith(const ConnectionSet& other);
  bool Empty() const;
  // Every protocol of the universe is complete (the rest are ignored).
  bool IsAll(ConnUniverse universe) const;
  // netpol-analyzer's CONN: "All Connections" when IsAll, else protocols in
  // alphabetical order with their ports, comma-joined ("TCP 80,UDP 53");
  // a protocol of the universe without ports is omitted; "No Connections"
  // when empty. Protocols outside the universe are not printed.
  std::string ToString(ConnUniverse universe) const;
  bool operator==(const ConnectionSet&) const = default;
  auto operator<=>(const ConnectionSet&) const = default;

 private:
  std::array<IntervalSet, kConnProtocolCount> by_protocol_;
};

}  // namespace polc::verifier
