// The connectivity engine: which peers of a repository can open connections
// to which, on which protocols and ports, under Cilium's semantics (or the
// upstream NetworkPolicy specification with Semantics::kKubernetes). It
// computes the answer set-wise, over equivalence classes of peers and port
// intervals (docs/DESIGN.md "Connectivity engine"), and agrees exactly with
// the reference evaluator (verifier/evaluator.h) on every flow: a
// differential test checks that on random repositories.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "ir/inventory.h"
#include "ir/policy.h"
#include "ir/policy_test.h"
#include "ir/settings.h"
#include "ir/source_location.h"
#include "verifier/connection_set.h"

namespace polc::verifier {

// One node of the map.
struct ConnectivityPeer {
  enum class Kind {
    kWorkload,  // an inventory endpoint: "ns/name[Deployment]"
    kExternal,  // an address range outside the cluster: "0.0.0.0-9.255.255.255[External]"
    kEntity,    // a Cilium entity: "entity:host", "entity:kube-apiserver", ...
    kFqdn,      // a toFQDNs name or pattern, as a destination only: "fqdn:api.example.com"
    kNode,      // an inventory node: "node:node-1"
  };
  Kind kind = Kind::kWorkload;
  std::string name;        // the display name, as in netpol-analyzer for workloads and ranges
  std::string namespace_;  // workloads only
  std::string label;       // short form for graphs: "name[Deployment]"; else the name
  int endpoint = -1;       // index into Inventory::endpoints (workloads)
  ir::FlowPeer flow_peer;  // the same peer in the PolicyTest/evaluator peer model
  // External ranges: the first address of the range that the inventory does
  // not place (pods, nodes, API server, Service cluster IPs keep their own
  // identity); any such address of the range gives the same answer.
  std::string address;
};

// A rule entry that contributed to an edge (for --explain).
struct ConnectivityRule {
  ir::Direction direction = ir::Direction::kIngress;
  bool deny = false;
  bool l7 = false;             // the allowed ports carry L7 rules (allowed at L3/L4, judged by the proxy)
  std::string description;     // "NetworkPolicy shop/db ingress[0]", "allow-localhost (3.6)", ...
  ir::SourceLocation location;
  bool operator==(const ConnectivityRule&) const = default;
};

struct ConnectivityEdge {
  int source = -1;       // index into ConnectivityMap::peers
  int destination = -1;
  ConnectionSet connections;  // never empty
  bool l7 = false;            // some allowed port is subject to L7 rules
  // Filled with ConnectivityOptions::explain: the allow entries that
  // matched at the source's egress and the destination's ingress, and the
  // deny entries that removed something. Empty when a side is not enforced.
  std::vector<ConnectivityRule> rules;
  std::string egress_reason;   // e.g. "egress not enforced at default/web[Deployment]"
  std::string ingress_reason;
};

struct ConnectivityMap {
  std::vector<ConnectivityPeer> peers;  // sorted by name
  std::vector<ConnectivityEdge> edges;  // sorted by (source name, destination name); no self pairs
  ConnUniverse universe = ConnUniverse::kCilium;
  std::vector<std::string> warnings;    // evaluator gaps met, unresolved names, ...
};

struct ConnectivityOptions {
  bool explain = false;
  // Show every Cilium entity as a peer, not only those a rule names.
  bool all_entities = false;
  // Called now and then with (work done, work in total), for a progress bar.
  std::function<void(size_t, size_t)> progress;
};

// The peers are: every inventory endpoint (owner-collapsed workloads); the
// external address ranges, split at every CIDR bound the rules of that
// direction mention (sources at ingress CIDRs, destinations at egress CIDRs,
// as netpol-analyzer does); under Cilium semantics also the entities, FQDN
// names and nodes that rules name. Pairs of two non-workload peers are not
// computed (neither side has a policy of its own).
ConnectivityMap ComputeConnectivity(const ir::PolicySet& policies, const ir::Inventory& inventory,
                                    const ir::Settings& settings, const ConnectivityOptions& options = {});

}  // namespace polc::verifier
