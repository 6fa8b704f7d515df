// Policy map pressure (issue 5 section 3): how many BPF policy-map entries
// Cilium installs for each endpoint of the inventory, with the key model of
// cilium-semantics.md 8.1, compared with bpf-policy-map-max (8.3).
//
// Model (8.1): one key per distinct (direction, remote identity, protocol,
// port prefix), for allow and deny entries alike:
//  * remote identities: each distinct pod label set of the inventory, the
//    reserved identities (host, remote-node, world, health, init, unmanaged,
//    ingress, kube-apiserver), and one CIDR identity per prefix the policies
//    name (cidrs and excepts; a CIDR peer selects the prefixes inside it and
//    outside its excepts). An L3 wildcard or `all` is identity 0 (one key).
//  * ports: no L4 = protocol 0, any port (1 key); ANY with a port = TCP, UDP
//    and SCTP; a port range = its prefix-aligned masked ports
//    (PortRangeToMaskedPorts); ICMP = one key per type. A named port counts
//    as one port per protocol.
//  * a direction no entry selects the endpoint in gets one allow-all key.
// FQDN peers are learned at run time and not counted.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "ir/inventory.h"
#include "ir/policy.h"
#include "ir/settings.h"

namespace polc::verifier {

struct EndpointMapPressure {
  const ir::Endpoint* endpoint = nullptr;
  std::string name;   // "ns/name"
  size_t entries = 0;  // predicted policy-map entries
  // Policies by the number of keys their entries produce, largest first.
  std::vector<std::pair<int, size_t>> policies;
};

// The number of prefix-aligned blocks covering [low, high] of a 16-bit port
// space (keysForRange / PortRangeToMaskedPorts, 8.1).
size_t PortRangePrefixCount(uint32_t low, uint32_t high);

// One result per inventory endpoint that is not host-network, in inventory order.
std::vector<EndpointMapPressure> PredictPolicyMaps(const ir::PolicySet& policies, const ir::Inventory& inventory,
                                                   const ir::Settings& settings);

}  // namespace polc::verifier
