// The semantic diff of two connectivity maps (netpol-analyzer's `diff`):
// for every ordered pair of peers whose connections differ, what the old
// map (ref1) and the new map (ref2) allow. Peers are matched by display
// name, so a workload that exists on one side only shows as added/removed.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "verifier/connection_set.h"
#include "verifier/connectivity.h"

namespace polc::verifier {

struct ConnectivityDiffEntry {
  enum class Type { kAdded, kRemoved, kChanged };
  Type type = Type::kChanged;
  std::string source;       // peer display names
  std::string destination;
  ConnectionSet old_connections;  // ref1 (empty: "No Connections")
  ConnectionSet new_connections;  // ref2
  // netpol-analyzer's workloads-diff-info: e.g. "workload default/x[Deployment] added"
  // when a side of the pair exists in one map only; empty otherwise.
  std::string workloads_info;
};

struct ConnectivityDiff {
  std::vector<ConnectivityDiffEntry> entries;  // sorted as netpol-analyzer sorts them
  ConnUniverse universe = ConnUniverse::kCilium;
};

std::string_view DiffTypeName(ConnectivityDiffEntry::Type type);  // "added", "removed", "changed"

ConnectivityDiff DiffConnectivity(const ConnectivityMap& old_map, const ConnectivityMap& new_map);

}  // namespace polc::verifier
