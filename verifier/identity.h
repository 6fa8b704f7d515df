// Cilium's label model (cilium-semantics.md 2.1) and the reserved identities
// (5.1, 5.2): what identity each side of a flow has, as the other side's
// policy sees it, and what the side itself is when it is a policy subject.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ir/inventory.h"
#include "ir/policy_test.h"
#include "ir/settings.h"
#include "verifier/ip_prefix.h"

namespace polc::verifier {

struct IdentityLabel {
  std::string source;  // k8s, reserved, ...
  std::string key;
  std::string value;
  auto operator<=>(const IdentityLabel&) const = default;
  bool operator==(const IdentityLabel&) const = default;
};

// What kind of thing carries an identity; decides whether it has a policy
// of its own and how subjects are selected (2.2: hosts only via nodeSelector).
enum class IdentityKind { kEndpoint, kHost, kRemoteNode, kWorld, kReserved };

struct Identity {
  IdentityKind kind = IdentityKind::kWorld;
  std::vector<IdentityLabel> labels;  // sorted, unique
  std::optional<IpAddress> ip;        // world/CIDR identities: the address
  std::vector<std::string> fqdns;     // names that resolve to this world address (6.7)
  const ir::Endpoint* endpoint = nullptr;  // for named ports (2.5)
  std::string node;                   // the node it runs on / is, when known
  std::string description;            // e.g. "endpoint shop/web", "reserved:world"

  bool HasLabel(std::string_view source, std::string_view key) const;
  bool HasReserved(std::string_view name) const { return HasLabel("reserved", name); }
  void Add(std::string source, std::string key, std::string value = "");
  std::string ToString() const;  // "k8s:app=web,reserved:host"
};

// Label constants (pkg/k8s/apis/cilium.io/const.go).
inline constexpr std::string_view kPodNamespaceLabel = "io.kubernetes.pod.namespace";
inline constexpr std::string_view kNamespaceLabelsPrefix = "io.cilium.k8s.namespace.labels.";
inline constexpr std::string_view kServiceAccountLabel = "io.cilium.k8s.policy.serviceaccount";
inline constexpr std::string_view kClusterLabel = "io.cilium.k8s.policy.cluster";

// 2.1: a pod's identity from its labels, namespace and service account.
Identity PodIdentity(const std::map<std::string, std::string>& labels, std::string_view namespace_,
                     std::string_view service_account, const ir::Inventory& inventory, const ir::Settings& settings);
// 5.1/5.2: the local host (identity 1), with node labels; it also carries
// reserved:kube-apiserver when an apiserver address is one of its IPs.
Identity HostIdentity(const ir::Node* node, const ir::Inventory& inventory, const ir::Settings& settings);
// 5.1: another node (identity 6; node labels with --enable-node-selector-labels).
Identity RemoteNodeIdentity(const ir::Node* node, const ir::Inventory& inventory, const ir::Settings& settings);
// A reserved identity by entity name (world, kube-apiserver, health, ...).
std::optional<Identity> ReservedIdentity(std::string_view entity);
// A world/CIDR identity for an address outside the cluster.
Identity WorldIdentity(std::optional<IpAddress> ip, std::string description);

// One side of a flow: its identity as seen by the other side's policy, and
// what it is as a policy subject.
struct ResolvedPeer {
  Identity seen;         // as the other side's policy sees it
  Identity self;         // as a subject of its own policies
  bool applies = false;  // false: no policy of its own (world, ip, fqdn, remote sides)
  std::vector<std::string> warnings;
  std::optional<std::string> error;
};

// Resolves `peer`, given the node the other side runs on (empty if unknown):
// a node peer is `host` when it is that node, else `remote-node`; an `ip`
// peer takes the identity of whatever the inventory places there (ipBlock
// never matches pods, 2.4); an `fqdn` peer is world with its DNS names.
ResolvedPeer ResolvePeer(const ir::FlowPeer& peer, std::string_view other_node, const ir::Inventory& inventory,
                         const ir::Settings& settings);
// ResolvePeer for one inventory endpoint (EndpointPeer resolves by name,
// which is ambiguous when two workloads of different kinds share one).
ResolvedPeer ResolveEndpointPeer(const ir::Endpoint& endpoint, std::string_view other_node,
                                 const ir::Inventory& inventory, const ir::Settings& settings);
// The node a peer runs on, when known (endpoint placement, node peers).
std::string PeerNode(const ir::FlowPeer& peer, const ir::Inventory& inventory);

}  // namespace polc::verifier
