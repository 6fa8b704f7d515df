#include "ir/inventory.h"

namespace polc::ir {

std::string_view WorkloadKindName(WorkloadKind kind) {
  switch (kind) {
    case WorkloadKind::kPod: return "Pod";
    case WorkloadKind::kDeployment: return "Deployment";
    case WorkloadKind::kReplicaSet: return "ReplicaSet";
    case WorkloadKind::kStatefulSet: return "StatefulSet";
    case WorkloadKind::kDaemonSet: return "DaemonSet";
    case WorkloadKind::kJob: return "Job";
    case WorkloadKind::kCronJob: return "CronJob";
    case WorkloadKind::kReplicationController: return "ReplicationController";
    case WorkloadKind::kTestEndpoint: return "Endpoint";
  }
  return "Pod";
}

namespace {

// The manifest convention: a namespaced object without a namespace lands in
// "default" (what kubectl apply does without -n).
std::string_view EffectiveNamespace(std::string_view ns) {
  return ns.empty() ? std::string_view("default") : ns;
}

}  // namespace

const Namespace* Inventory::FindNamespace(std::string_view name) const {
  for (const Namespace& ns : namespaces) {
    if (ns.name == name) return &ns;
  }
  return nullptr;
}

const Endpoint* Inventory::FindEndpoint(std::string_view namespace_, std::string_view name) const {
  namespace_ = EffectiveNamespace(namespace_);
  // The workload name first (`ns/name[Kind]` is how endpoints are shown),
  // then a pod's own name, so `ns/<pod>` also finds a pod that collapsed
  // into its owner.
  for (const Endpoint& endpoint : endpoints) {
    if (endpoint.name == name && EffectiveNamespace(endpoint.namespace_) == namespace_) return &endpoint;
  }
  for (const Endpoint& endpoint : endpoints) {
    if (endpoint.pod_name == name && EffectiveNamespace(endpoint.namespace_) == namespace_) return &endpoint;
  }
  return nullptr;
}

const Node* Inventory::FindNode(std::string_view name) const {
  for (const Node& node : nodes) {
    if (node.name == name) return &node;
  }
  return nullptr;
}

}  // namespace polc::ir
