// The cluster inventory from Kubernetes manifests (issue 3 section 1):
// Namespace, Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job,
// CronJob, ReplicationController, Service and Node objects of the inputs
// (items of `kind: List` dumps included; the loader flattens them).
//
// Manifests are read loosely: they describe the cluster rather than being
// applied by polc, so unknown fields are ignored and a field of the wrong type
// is a warning (inventory-invalid-field) that drops the field, never an error.
#pragma once

#include <vector>

#include "compiler/loader.h"
#include "ir/diagnostic.h"
#include "ir/inventory.h"

namespace polc::compiler {

// Builds the inventory from every ObjectClass::kInventory object.
//
// Owner collapsing (netpol-analyzer's convention, `ns/name[Kind]`): a pod's
// controller ownerReference names its workload. A ReplicaSet of the inputs
// that a Deployment owns shows as that Deployment, a Job a CronJob owns as
// that CronJob. An owner ReplicaSet that is not in the inputs shows as
// `ns/<replicaset-name>[ReplicaSet]`: guessing the Deployment from the
// `<deployment>-<hash>` name is unreliable (names may contain dashes), and it
// is what netpol-analyzer prints for such pods. Pods with the same owner are
// one endpoint (IPs merged; labels, ports and node of the first pod), and a
// workload object whose pods are in the inputs is represented once, by its
// pods' facts under the workload's name and kind.
//
// Warnings: inventory-duplicate, inventory-undeclared-namespace (only when
// the inputs declare at least one Namespace), inventory-service-selects-nothing
// (only when the inventory has endpoints at all), inventory-invalid-field.
ir::Inventory LowerInventory(const std::vector<KubeObject>& objects, ir::DiagnosticSink& sink);

// Adds every namespace that an endpoint or service uses but no Namespace
// declares (declared = false, labels {kubernetes.io/metadata.name: <name>}
// only), fills in the metadata.name label of declared ones, and sorts the
// namespaces by name.
void CompleteNamespaces(ir::Inventory& inventory);

// Where a service was written, for findings about it.
struct ServiceSite {
  ir::SourceLocation selector;  // the `selector` key
  int object = -1;              // index into LoadResult::objects
};

// Reports inventory-service-selects-nothing for each Service with a selector
// that matches no endpoint of its namespace. `sites` is parallel to
// inventory.services (missing entries: the service's own location). Nothing
// is reported when the inventory has no endpoints at all: the inputs then
// describe no workloads, so no selector can be checked.
void CheckServiceSelectors(const ir::Inventory& inventory, const std::vector<ServiceSite>& sites,
                           ir::DiagnosticSink& sink);

}  // namespace polc::compiler
