// Internals of the connectivity engine: the peers it reasons about (with
// their identities resolved once) and how a single side of a connection is
// decided set-wise, i.e. for every protocol and port at once.
#pragma once

#include <string>
#include <vector>

#include "verifier/connectivity.h"
#include "verifier/evaluator_internal.h"
#include "verifier/identity.h"

namespace polc::verifier::internal {

struct EnginePeer {
  ConnectivityPeer peer;
  ResolvedPeer resolved;  // with no other node (node-relative peers are re-resolved per pair)
  bool workload = false;
  // Its identity, or whether it has a policy of its own, depends on the
  // other side's node (host, nodes, hostNetwork workloads) or it is a
  // managed non-workload endpoint (health, init): decided pair by pair.
  bool per_pair = false;
  bool as_source = true;       // external ranges: in the ingress partition
  bool as_destination = true;  // external ranges: in the egress partition
  std::string node;            // the node it runs on / is, for per-pair resolution
};

// The peers of the map (see ComputeConnectivity), sorted by display name.
std::vector<EnginePeer> BuildPeers(const ir::PolicySet& policies, const ir::Inventory& inventory,
                                   const ir::Settings& settings, const std::vector<PolicyEntry>& entries,
                                   bool all_entities, std::vector<std::string>& warnings);

// "10.0.0.0-10.255.255.255" style text of an address range.
std::string FormatAddressRange(const IpAddress& first, const IpAddress& last);

// The L4 part of an entry as a set: every protocol/port it allows, with
// named ports resolved against `destination` (2.5).
ConnectionSet EntryConnections(const PolicyEntry& entry, const Identity& destination);
// True when the entry names a port, so the answer depends on the destination.
bool EntryHasNamedPorts(const PolicyEntry& entry);

}  // namespace polc::verifier::internal
