// The cluster inventory: namespaces, endpoints (pods and workloads), services,
// nodes, and the name → address facts that give FQDN and kube-apiserver peers
// their addresses. Built from Kubernetes manifests (Namespace, Pod,
// Deployment, ...; a `kubectl get -A -o yaml` dump) and from the inline
// `inventory` of a PolicyTest. Plain value types, like the policy IR.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ir/policy.h"
#include "ir/source_location.h"

namespace polc::ir {

struct Namespace {
  std::string name;
  // Includes kubernetes.io/metadata.name=<name>, which the API server adds.
  std::map<std::string, std::string> labels;
  bool declared = true;  // false: only referenced (exists with the metadata.name label only)
  SourceLocation location;
  bool operator==(const Namespace&) const = default;
};

struct ContainerPort {
  std::string name;  // empty when unnamed
  uint16_t port = 0;
  Protocol protocol = Protocol::kTcp;
  bool operator==(const ContainerPort&) const = default;
};

// What an endpoint stands for in connectivity output (netpol-analyzer's
// `ns/name[Kind]`): a bare pod, the owner workload of a pod, or a workload
// resource standing for the pods of its template.
enum class WorkloadKind {
  kPod,
  kDeployment,
  kReplicaSet,
  kStatefulSet,
  kDaemonSet,
  kJob,
  kCronJob,
  kReplicationController,
  kTestEndpoint,  // inline in a PolicyTest
};
std::string_view WorkloadKindName(WorkloadKind kind);  // "Pod", "Deployment", ...

struct Endpoint {
  std::string name;        // the workload's name (owner for owned pods)
  std::string namespace_;  // empty in the manifest means "default"
  WorkloadKind kind = WorkloadKind::kPod;
  std::string pod_name;    // for pods: the pod's own name; empty for templates
  std::map<std::string, std::string> labels;  // pod (template) labels
  std::string service_account = "default";
  std::string node;                // node name, when placed
  std::vector<std::string> ips;    // pod IPs, when known
  std::vector<ContainerPort> ports;
  bool host_network = false;       // a host-network pod has the host identity
  SourceLocation location;
  bool operator==(const Endpoint&) const = default;
};

struct ServicePort {
  std::string name;
  uint16_t port = 0;
  std::string target_port;  // number text or a container port name; empty = same as port
  Protocol protocol = Protocol::kTcp;
  bool operator==(const ServicePort&) const = default;
};

struct InventoryService {
  std::string name;
  std::string namespace_;
  std::map<std::string, std::string> labels;  // metadata.labels, for k8sServiceSelector
  std::optional<std::map<std::string, std::string>> selector;  // nullopt: selector-less
  std::vector<ServicePort> ports;
  std::vector<std::string> cluster_ips;
  std::vector<std::string> endpoint_ips;  // backends of a selector-less Service, when given
  SourceLocation location;
  bool operator==(const InventoryService&) const = default;
};

struct Node {
  std::string name;
  std::map<std::string, std::string> labels;
  std::vector<std::string> ips;
  SourceLocation location;
  bool operator==(const Node&) const = default;
};

struct DnsRecord {  // a name and the addresses it resolves to
  std::string name;
  std::vector<std::string> ips;
  SourceLocation location;
  bool operator==(const DnsRecord&) const = default;
};

struct Inventory {
  std::vector<Namespace> namespaces;  // sorted by name
  std::vector<Endpoint> endpoints;    // in input order
  std::vector<InventoryService> services;
  std::vector<Node> nodes;
  std::vector<std::string> kube_apiserver_ips;
  std::vector<DnsRecord> dns;

  const Namespace* FindNamespace(std::string_view name) const;
  const Endpoint* FindEndpoint(std::string_view namespace_, std::string_view name) const;
  const Node* FindNode(std::string_view name) const;
  bool operator==(const Inventory&) const = default;
};

}  // namespace polc::ir
