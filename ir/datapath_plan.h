// The datapath plan (design-brief.md "Datapath", issue 6): everything the
// kernel needs to enforce a policy set, resolved from the IR by the
// verifier (verifier/datapath_plan.h builds it with the reference
// evaluator's semantics) and turned into maps, BPF C and a manifest by
// codegen-bpf/. Plain data, so codegen-bpf/ needs no verifier internals.
//
// Lookup contract (what the generated program does, and what
// EvaluatePlan in verifier/datapath_plan.h simulates):
//   1. The endpoint: for egress the packet's source address, for ingress its
//      destination address, looked up in `endpoints`. Not a local endpoint:
//      the packet passes untouched.
//   2. Not enforced in that direction: allow.
//   3. The remote identity: the longest prefix of `prefixes` holding the
//      remote address; `local_identity` instead of `identity` when the
//      prefix's node is the endpoint's node; no prefix: kWorldIdentity.
//   4. Two lookups among the endpoint's entries for the direction: the
//      remote identity's entries and the wildcard (identity 0) entries,
//      each holding the packet's protocol and port. Within one (endpoint,
//      direction, remote identity) the entries of one protocol are disjoint,
//      and an entry of protocol 0 (any) holds a packet only when no entry of
//      the packet's own protocol does (as a longest-prefix match on
//      (protocol, port) in an LPM trie gives: cilium-semantics.md 8.1). Where
//      a protocol-0 entry exists, the plan gives every protocol it also
//      lists there entries for all ports, so each lookup finds at most one.
//      Deny from either wins; else allow from either (one without
//      needs_l7_proxy first, then the lower rule id); else default deny
//      (when `default_deny`; a direction that is enforced without default
//      deny allows what no entry decides).
//   5. Audit mode on the endpoint: a deny becomes an audited allow.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "ir/policy.h"
#include "ir/source_location.h"

namespace polc::ir {

// Cilium's reserved identity numbers (cilium-semantics.md 5.1).
inline constexpr uint32_t kAnyIdentity = 0;  // the wildcard of an entry
inline constexpr uint32_t kHostIdentity = 1;
inline constexpr uint32_t kWorldIdentity = 2;
inline constexpr uint32_t kRemoteNodeIdentity = 6;
// Endpoint label-set identities are numbered from here, in sorted label order.
inline constexpr uint32_t kFirstEndpointIdentity = 256;
// CIDR identities are local identities (8.2), numbered from here in prefix order.
inline constexpr uint32_t kFirstCidrIdentity = 0x01000000;
// Dual-stack world (5.2): used instead of kWorldIdentity when IPv4 and IPv6
// outside addresses are judged differently (e.g. entity world-ipv4).
inline constexpr uint32_t kWorldIpv4Identity = 9;
inline constexpr uint32_t kWorldIpv6Identity = 10;
// Remote-node identities with node labels (5.2 scope 0x02), and any other
// label set of a reserved kind beyond the canonical numbers, from here.
inline constexpr uint32_t kFirstNodeIdentity = 0x02000000;

struct PlanAddress {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};  // IPv4 uses the first 4
  auto operator<=>(const PlanAddress&) const = default;
};

struct PlanIdentity {
  uint32_t id = 0;
  std::string labels;       // "k8s:app=web,k8s:io.kubernetes.pod.namespace=shop" or "reserved:world"
  std::string description;  // "endpoint shop/web", "cidr 10.0.0.0/8", ...
  bool operator==(const PlanIdentity&) const = default;
};

// One ipcache entry: addresses of `address/bits` have `identity`, except
// seen from an endpoint on `node`, where they have `local_identity` (node
// addresses are `host` on their own node and `remote-node` elsewhere).
struct PlanPrefix {
  PlanAddress address;
  int bits = 0;
  uint32_t identity = 0;
  uint32_t node = 0;            // index + 1 into Plan::nodes; 0 = none
  uint32_t local_identity = 0;  // when node != 0
  bool operator==(const PlanPrefix&) const = default;
};

struct PlanDirection {
  bool enforced = false;
  bool default_deny = false;
  bool operator==(const PlanDirection&) const = default;
};

struct PlanEndpoint {
  uint32_t id = 0;  // 1.. in (namespace, name) order; then, with the host firewall, the nodes
  std::string namespace_;  // empty for a node (host firewall: its host policies apply)
  std::string name;
  uint32_t identity = 0;
  uint32_t node = 0;  // index + 1 into Plan::nodes; 0 = unknown
  std::vector<PlanAddress> addresses;
  PlanDirection ingress;
  PlanDirection egress;
  bool audit = false;
  bool operator==(const PlanEndpoint&) const = default;
};

// The rule an entry came from, for verdict events and `polc monitor`.
struct PlanRule {
  uint32_t id = 0;          // 1..; 0 means "no rule" (default deny)
  std::string policy;       // "CiliumNetworkPolicy shop/backend"
  std::string description;  // "CiliumNetworkPolicy shop/backend ingress[0]"
  SourceLocation location;
  bool deny = false;
  bool operator==(const PlanRule&) const = default;
};

// Protocol numbers as on the wire; 0 = any protocol (ports then cover all).
inline constexpr uint8_t kPlanAnyProtocol = 0;

struct PlanEntry {
  uint32_t endpoint = 0;
  Direction direction = Direction::kIngress;
  uint32_t remote_identity = kAnyIdentity;
  uint8_t protocol = kPlanAnyProtocol;  // 6 TCP, 17 UDP, 132 SCTP, 1 ICMP, 58 ICMPv6
  uint16_t port_first = 0;              // ICMP/ICMPv6: the type
  uint16_t port_last = 65535;
  bool deny = false;
  bool needs_l7_proxy = false;  // allowed at L3/L4, L7 rules apply in the proxy
  uint32_t rule = 0;            // PlanRule::id
  bool operator==(const PlanEntry&) const = default;
};

// What the generated program must support (issue 6: only what is used).
struct PlanFeatures {
  bool ipv4 = false;
  bool ipv6 = false;
  bool deny = false;
  bool icmp = false;
  bool sctp = false;
  bool audit = false;
  bool l7 = false;
  bool operator==(const PlanFeatures&) const = default;
};

struct Plan {
  std::vector<std::string> nodes;  // sorted node names
  std::vector<PlanIdentity> identities;  // sorted by id
  std::vector<PlanPrefix> prefixes;      // sorted by (family, address, bits)
  std::vector<PlanEndpoint> endpoints;   // sorted by id
  std::vector<PlanRule> rules;           // sorted by id
  // Sorted by (endpoint, direction, remote_identity, protocol, port_first);
  // disjoint within one (endpoint, direction, remote_identity).
  std::vector<PlanEntry> entries;
  PlanFeatures features;
  std::vector<std::string> unresolved_fqdns;  // toFQDNs names with no address in the DNS snapshot
  std::vector<std::string> warnings;          // what the kernel cannot enforce as the evaluator judges
  bool operator==(const Plan&) const = default;
};

}  // namespace polc::ir
