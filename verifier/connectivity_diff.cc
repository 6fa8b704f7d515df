// The semantic diff, computed the way netpol-analyzer's `diff` does it
// (conventions.md section 2), so `polc diff` prints the same lines:
//
//  1. External address ranges of both maps are cut into their common
//     refinement (every bound either map uses), so an edge to
//     10.0.0.0-10.255.255.255 in one map and to 10.0.0.0-10.0.255.255 plus
//     10.1.0.0-10.255.255.255 in the other compare piece by piece.
//  2. Every ordered pair is keyed by (source name, destination name) and
//     holds the old and the new connections, when present.
//  3. Pieces of address space that share the other end and the same pair of
//     connection texts are merged back into maximal contiguous ranges.
//  4. Pairs present on both sides with different connections are
//     "changed", old-only ones "removed", new-only ones "added"; for the
//     last two a workload that exists on one side only is named in
//     workloads-diff-info.
//
// Entries are sorted by category (changed, added, removed), then by their
// text line, as netpol-analyzer sorts the lines it prints.
#include "verifier/connectivity_diff.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <map>
#include <set>
#include <tuple>

namespace polc::verifier {
namespace {

constexpr std::string_view kExternalSuffix = "[External]";

struct Ipv4Range {
  uint32_t low = 0;
  uint32_t high = 0;
};

std::optional<uint32_t> ParseIpv4(std::string_view text) {
  uint32_t value = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (text.empty() || text.front() != '.') return std::nullopt;
      text.remove_prefix(1);
    }
    unsigned octet = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), octet);
    if (error != std::errc() || end == text.data() || octet > 255) return std::nullopt;
    text.remove_prefix(static_cast<size_t>(end - text.data()));
    value = (value << 8) | octet;
  }
  if (!text.empty()) return std::nullopt;
  return value;
}

std::string FormatIpv4(uint32_t value) {
  return std::to_string(value >> 24) + "." + std::to_string((value >> 16) & 0xff) + "." +
         std::to_string((value >> 8) & 0xff) + "." + std::to_string(value & 0xff);
}

std::string RangeName(uint32_t low, uint32_t high) {
  return FormatIpv4(low) + "-" + FormatIpv4(high) + std::string(kExternalSuffix);
}

// "A-B[External]" with IPv4 A <= B; nullopt for anything else (IPv6
// ranges and other names are then compared as opaque names).
std::optional<Ipv4Range> ParseRange(const ConnectivityPeer& peer) {
  if (peer.kind != ConnectivityPeer::Kind::kExternal) return std::nullopt;
  std::string_view name = peer.name;
  if (!name.ends_with(kExternalSuffix)) return std::nullopt;
  name.remove_suffix(kExternalSuffix.size());
  size_t dash = name.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  std::optional<uint32_t> low = ParseIpv4(name.substr(0, dash));
  std::optional<uint32_t> high = ParseIpv4(name.substr(dash + 1));
  if (!low || !high || *low > *high) return std::nullopt;
  return Ipv4Range{*low, *high};
}

// One end of a pair after refinement: a named peer, or an IPv4 piece.
struct End {
  std::string name;
  bool workload = false;           // may be named in workloads-diff-info
  std::optional<Ipv4Range> range;  // set for refined external pieces
};

struct Sides {
  End source;
  End destination;
  std::optional<ConnectionSet> old_connections;
  std::optional<ConnectionSet> new_connections;
};

using PairKey = std::pair<std::string, std::string>;

// The cut points (first addresses of pieces) of the common refinement.
std::set<uint64_t> CutPoints(const ConnectivityMap& a, const ConnectivityMap& b) {
  std::set<uint64_t> cuts;
  for (const ConnectivityMap* map : {&a, &b}) {
    for (const ConnectivityPeer& peer : map->peers) {
      if (std::optional<Ipv4Range> range = ParseRange(peer)) {
        cuts.insert(range->low);
        cuts.insert(static_cast<uint64_t>(range->high) + 1);
      }
    }
  }
  return cuts;
}

// The pieces of `range` between consecutive cut points.
std::vector<Ipv4Range> Refine(const Ipv4Range& range, const std::set<uint64_t>& cuts) {
  std::vector<Ipv4Range> pieces;
  uint64_t start = range.low;
  const uint64_t end = static_cast<uint64_t>(range.high) + 1;
  for (auto it = cuts.upper_bound(start); start < end; ++it) {
    uint64_t next = (it == cuts.end() || *it > end) ? end : *it;
    pieces.push_back({static_cast<uint32_t>(start), static_cast<uint32_t>(next - 1)});
    start = next;
  }
  return pieces;
}

std::vector<End> EndsOf(const ConnectivityPeer& peer, const std::set<uint64_t>& cuts) {
  std::optional<Ipv4Range> range = ParseRange(peer);
  if (!range) return {End{peer.name, peer.kind == ConnectivityPeer::Kind::kWorkload, std::nullopt}};
  std::vector<End> ends;
  for (const Ipv4Range& piece : Refine(*range, cuts)) ends.push_back(End{RangeName(piece.low, piece.high), false, piece});
  return ends;
}

void AddEdges(const ConnectivityMap& map, bool is_old, const std::set<uint64_t>& cuts, std::map<PairKey, Sides>& pairs) {
  for (const ConnectivityEdge& edge : map.edges) {
    if (edge.source < 0 || edge.destination < 0) continue;
    const auto& peers = map.peers;
    if (static_cast<size_t>(edge.source) >= peers.size() || static_cast<size_t>(edge.destination) >= peers.size()) continue;
    for (const End& source : EndsOf(peers[static_cast<size_t>(edge.source)], cuts)) {
      for (const End& destination : EndsOf(peers[static_cast<size_t>(edge.destination)], cuts)) {
        Sides& sides = pairs[{source.name, destination.name}];
        sides.source = source;
        sides.destination = destination;
        (is_old ? sides.old_connections : sides.new_connections) = edge.connections;
      }
    }
  }
}

std::string ConnText(const std::optional<ConnectionSet>& connections, ConnUniverse universe) {
  return connections ? connections->ToString(universe) : std::string();
}

// Step 3: pairs with an external piece at one end are grouped by the other
// end and both connection texts; each group's pieces are merged into
// maximal contiguous ranges.
std::map<PairKey, Sides> MergeRanges(std::map<PairKey, Sides> pairs, ConnUniverse universe) {
  std::map<PairKey, Sides> out;
  // (range is at the destination, other end's name, old text, new text)
  using GroupKey = std::tuple<bool, std::string, std::string, std::string>;
  std::map<GroupKey, std::vector<const Sides*>> groups;
  for (const auto& [key, sides] : pairs) {
    bool destination_range = sides.destination.range.has_value();
    bool source_range = sides.source.range.has_value();
    if (!destination_range && !source_range) {
      out.emplace(key, sides);
      continue;
    }
    const End& other = destination_range ? sides.source : sides.destination;
    groups[{destination_range, other.name, ConnText(sides.old_connections, universe),
            ConnText(sides.new_connections, universe)}]
        .push_back(&sides);
  }
  for (const auto& [group_key, members] : groups) {
    const bool destination_range = std::get<0>(group_key);
    std::vector<Ipv4Range> ranges;
    for (const Sides* sides : members) ranges.push_back(*(destination_range ? sides->destination : sides->source).range);
    std::sort(ranges.begin(), ranges.end(), [](const Ipv4Range& a, const Ipv4Range& b) { return a.low < b.low; });
    std::vector<Ipv4Range> merged;
    for (const Ipv4Range& range : ranges) {
      if (!merged.empty() && static_cast<uint64_t>(range.low) <= static_cast<uint64_t>(merged.back().high) + 1) {
        merged.back().high = std::max(merged.back().high, range.high);
      } else {
        merged.push_back(range);
      }
    }
    const Sides& first = *members.front();
    for (const Ipv4Range& range : merged) {
      Sides sides = first;
      End& piece = destination_range ? sides.destination : sides.source;
      piece.name = RangeName(range.low, range.high);
      piece.range = range;
      out[{sides.source.name, sides.destination.name}] = std::move(sides);
    }
  }
  return out;
}

std::set<std::string> WorkloadNames(const ConnectivityMap& map) {
  std::set<std::string> names;
  for (const ConnectivityPeer& peer : map.peers) {
    if (peer.kind == ConnectivityPeer::Kind::kWorkload) names.insert(peer.name);
  }
  return names;
}

// "workload A added", "workload A and B removed", or "" (netpol-analyzer's
// workloads-diff-info).
std::string WorkloadsInfo(const Sides& sides, ConnectivityDiffEntry::Type type, const std::set<std::string>& other_side) {
  bool source_gone = sides.source.workload && !other_side.contains(sides.source.name);
  bool destination_gone = sides.destination.workload && !other_side.contains(sides.destination.name);
  if (!source_gone && !destination_gone) return "";
  std::string info = "workload ";
  if (source_gone) info += sides.source.name;
  if (source_gone && destination_gone) info += " and ";
  if (destination_gone) info += sides.destination.name;
  info += " ";
  info += DiffTypeName(type);
  return info;
}

// The txt line the entry prints as; the sort key within a category.
std::string SortLine(const ConnectivityDiffEntry& e, ConnUniverse universe) {
  std::string line = "diff-type: " + std::string(DiffTypeName(e.type)) + ", source: " + e.source +
                     ", destination: " + e.destination + ", ref1: " + e.old_connections.ToString(universe) +
                     ", ref2: " + e.new_connections.ToString(universe);
  if (!e.workloads_info.empty()) line += ", workloads-diff-info: " + e.workloads_info;
  return line;
}

int CategoryRank(ConnectivityDiffEntry::Type type) {
  switch (type) {
    case ConnectivityDiffEntry::Type::kChanged: return 0;
    case ConnectivityDiffEntry::Type::kAdded: return 1;
    case ConnectivityDiffEntry::Type::kRemoved: return 2;
  }
  return 3;
}

}  // namespace

std::string_view DiffTypeName(ConnectivityDiffEntry::Type type) {
  switch (type) {
    case ConnectivityDiffEntry::Type::kAdded: return "added";
    case ConnectivityDiffEntry::Type::kRemoved: return "removed";
    case ConnectivityDiffEntry::Type::kChanged: return "changed";
  }
  return "changed";
}

ConnectivityDiff DiffConnectivity(const ConnectivityMap& old_map, const ConnectivityMap& new_map) {
  ConnectivityDiff diff;
  diff.universe = old_map.universe;
  const std::set<uint64_t> cuts = CutPoints(old_map, new_map);
  std::map<PairKey, Sides> pairs;
  AddEdges(old_map, /*is_old=*/true, cuts, pairs);
  AddEdges(new_map, /*is_old=*/false, cuts, pairs);
  pairs = MergeRanges(std::move(pairs), diff.universe);

  const std::set<std::string> old_workloads = WorkloadNames(old_map);
  const std::set<std::string> new_workloads = WorkloadNames(new_map);
  for (const auto& [key, sides] : pairs) {
    ConnectivityDiffEntry entry;
    entry.source = sides.source.name;
    entry.destination = sides.destination.name;
    if (sides.old_connections && sides.new_connections) {
      // Compared as printed: under Kubernetes semantics protocols outside
      // the universe never show, so they never make a pair "changed".
      if (sides.old_connections->ToString(diff.universe) == sides.new_connections->ToString(diff.universe)) continue;
      entry.type = ConnectivityDiffEntry::Type::kChanged;
      entry.old_connections = *sides.old_connections;
      entry.new_connections = *sides.new_connections;
    } else if (sides.old_connections) {
      entry.type = ConnectivityDiffEntry::Type::kRemoved;
      entry.old_connections = *sides.old_connections;
      entry.workloads_info = WorkloadsInfo(sides, entry.type, new_workloads);
    } else if (sides.new_connections) {
      entry.type = ConnectivityDiffEntry::Type::kAdded;
      entry.new_connections = *sides.new_connections;
      entry.workloads_info = WorkloadsInfo(sides, entry.type, old_workloads);
    } else {
      continue;
    }
    diff.entries.push_back(std::move(entry));
  }

  std::vector<std::pair<std::string, size_t>> order;
  for (size_t i = 0; i < diff.entries.size(); ++i) order.emplace_back(SortLine(diff.entries[i], diff.universe), i);
  std::sort(order.begin(), order.end(), [&](const auto& a, const auto& b) {
    int rank_a = CategoryRank(diff.entries[a.second].type);
    int rank_b = CategoryRank(diff.entries[b.second].type);
    if (rank_a != rank_b) return rank_a < rank_b;
    return a.first < b.first;
  });
  std::vector<ConnectivityDiffEntry> sorted;
  sorted.reserve(order.size());
  for (const auto& [line, index] : order) sorted.push_back(std::move(diff.entries[index]));
  diff.entries = std::move(sorted);
  return diff;
}

}  // namespace polc::verifier
