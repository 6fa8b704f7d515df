// Internals of VerifyAssertions (verifier/assertions*.cc): the flows of a
// statement as BDDs over one or two pod blocks, and the finite sets of
// ports, addresses, names and entities that stand for all of them.
#pragma once

#include <string>
#include <vector>

#include "ir/property_set.h"
#include "verifier/properties_internal.h"

namespace polc::verifier::internal {

// A destination that is not an abstract pod: an entity, an address, a DNS
// name.
struct PeerTarget {
  ir::FlowPeer peer;
  ResolvedPeer resolved;
  std::string text;  // "entity world", "10.0.0.1", "api.stripe.com"
};

struct PortCase {
  ir::Protocol protocol = ir::Protocol::kTcp;
  uint16_t port = 0;
};

// The pods of `source` allowed to send (protocol, port) to `target`: the
// pod's egress and the target's ingress.
bdd PodToPeerAllowed(const PropertyContext& ctx, const PodSpace& source, const PeerTarget& target, PortCase port);
// The pairs (source pod, destination pod) allowed: the source's egress and
// the destination's ingress, over both blocks (`destination` must start at
// source.EndVar()).
bdd PodToPodAllowed(const PropertyContext& ctx, const PodSpace& source, const PodSpace& destination, PortCase port);

// One (protocol, port) per interval of `ports` (empty: every port of TCP,
// UDP and SCTP) on which every entry's port set is constant and every bound
// of `cuts` is respected, so the representatives decide the whole ranges.
std::vector<PortCase> PortCases(const PropertyContext& ctx, const Identity& destination,
                                const std::vector<ir::AssertionPort>& ports,
                                const std::vector<ir::AssertionPort>& cuts = {});
bool PortCovered(const std::vector<ir::AssertionPort>& ports, PortCase port);

// The concrete destinations that stand for the non-pod members of `to`:
// each entity; per CIDR one world address per interval cut at every CIDR
// bound (addresses of inventory pods and nodes are left out: they are pods
// and nodes, which statements name as such);
// per name itself, per pattern every toFQDNs name of the entries it matches
// and one instance of its own.
std::vector<PeerTarget> PeerTargets(const PropertyContext& ctx, const ir::PeerSetSpec& to);
// Every non-pod destination a pod could send to, for `only`: the entities,
// every inventory node,
// one world address per interval of IPv4 and IPv6 (cut at every CIDR bound
// of the entries and of `allowed`; addresses of pods and nodes are left to
// the pod and entity destinations), and the DNS names the entries and
// `allowed` mention plus one name none mentions.
std::vector<PeerTarget> UniverseTargets(const PropertyContext& ctx, const std::vector<ir::AllowedPeer>& allowed);
// Whether the non-pod target is a member of `to`.
bool PeerCovered(const PropertyContext& ctx, const ir::PeerSetSpec& to, const PeerTarget& target);

// The selector of a pod set's pods within `namespace_`.
EffectiveSelector PodSelectorIn(const ir::PodSetSpec& pods, std::string_view namespace_);

std::string PortCaseText(PortCase port);

}  // namespace polc::verifier::internal
