// Internals of the reference evaluator: the policy entries Cilium creates
// from the rules (cilium-semantics.md 3.1: one per element of ingress,
// ingressDeny, egress, egressDeny; 2.4 for NetworkPolicy) and their L4 part.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ir/inventory.h"
#include "ir/policy.h"
#include "ir/settings.h"
#include "verifier/evaluator.h"
#include "verifier/identity.h"
#include "verifier/selector.h"

namespace polc::verifier::internal {

// One port (or ICMP type) of an entry, with the L7 rules that come with it.
struct PortSpec {
  ir::Protocol protocol = ir::Protocol::kAny;
  std::string port;  // number, name, or empty/"0" = all; ICMP: the type
  int32_t end_port = 0;
  const ir::L7Rules* l7 = nullptr;  // set when the port carries http/dns/kafka rules
};

struct PolicyEntry {
  int policy = -1;
  int rule = -1;
  int entry = -1;
  ir::Direction direction = ir::Direction::kIngress;
  bool deny = false;
  // Subject (2.2, 2.4): endpoints via the selector; hosts via nodeSelector.
  bool host_subject = false;
  EffectiveSelector subject;
  // L3: wildcard, or the union of `peers` (an empty union selects nothing, 3.3).
  bool l3_wildcard = false;
  std::vector<PeerMatcher> peers;
  // fromRequires/toRequires (before 1.19): ANDed into the endpoint peers of
  // every entry that selects the same endpoint in this direction.
  std::vector<EffectiveSelector> requirements;
  // L4: nullopt = every protocol and port.
  std::optional<std::vector<PortSpec>> ports;
  bool default_deny = true;  // this entry's enableDefaultDeny for its direction (3.4)
  ir::SourceLocation location;
  std::string description;
  std::vector<std::string> warnings;  // e.g. an unresolved toServices (section 11)
};

std::vector<PolicyEntry> BuildEntries(const ir::PolicySet& policies, const ir::Inventory& inventory,
                                      const ir::Settings& settings);

// 2.2: endpoints are selected by endpointSelector, hosts only by nodeSelector.
bool SelectsSubject(const PolicyEntry& entry, const Identity& self);

// The entry's L3 part matches `remote`; `requirements` are the
// fromRequires/toRequires of every entry selecting the subject, ANDed into
// endpoint peers.
bool L3Matches(const PolicyEntry& entry, const Identity& remote, const ir::CiliumVersion& version,
               const std::vector<EffectiveSelector>& requirements);

// What an entry's L4 part makes of a flow.
struct L4Match {
  bool matched = false;
  bool plain = false;                      // some matching port has no L7 rules
  std::vector<const ir::L7Rules*> l7;      // L7 rules of the matching ports
};

// `destination` owns the container ports that named ports resolve against
// (2.5: ingress: the subject's own ports; egress: the destination's; both
// are the flow's destination). `port` is the flow's port number, if any.
L4Match MatchL4(const PolicyEntry& entry, const Flow& flow, std::optional<uint16_t> port,
                const Identity& destination, const ir::Settings& settings);

// Resolves a flow port given as a number or a destination container port name.
std::optional<uint16_t> ResolveFlowPort(const Flow& flow, const Identity& destination, std::string* error);

}  // namespace polc::verifier::internal
