// Internal to the inventory frontend: reading one manifest object
// (lower_inventory_read.cc) for the collapsing and checks of
// lower_inventory.cc.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "compiler/field_reader.h"
#include "compiler/loader.h"
#include "compiler/lower_inventory.h"
#include "ir/inventory.h"

namespace polc::compiler::inventory {

inline constexpr std::string_view kMetadataNameLabel = "kubernetes.io/metadata.name";

std::optional<ir::WorkloadKind> WorkloadKindOf(std::string_view kind);

struct OwnerRef {
  std::string kind;  // may be empty when the manifest omits it
  std::string name;
};

// One Pod or workload object, before owner collapsing.
struct Record {
  ir::Endpoint endpoint;  // name/kind are the object's own
  std::optional<OwnerRef> owner;
  int object = -1;
  ir::SourceLocation namespace_location;
  bool is_pod = false;
  bool dropped = false;  // replaced by a later duplicate
};

// metadata.namespace, "default" when absent (kubectl's default).
std::string NamespaceOf(const KubeObject& object);
// metadata.name's location, else the object's.
ir::SourceLocation NameLocation(const KubeObject& object);

// A Pod (labels, spec, status IPs, owner) or a workload (its pod template).
Record ReadWorkload(const KubeObject& object, int index, LowerContext& ctx);
ir::InventoryService ReadService(const KubeObject& object, ServiceSite& site, LowerContext& ctx);
ir::Node ReadNode(const KubeObject& object, LowerContext& ctx);
ir::Namespace ReadNamespace(const KubeObject& object, LowerContext& ctx);

}  // namespace polc::compiler::inventory
