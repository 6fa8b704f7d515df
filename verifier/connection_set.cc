// Interval arithmetic for connection sets; the CONN text follows
// netpol-analyzer (conventions.md section 2).
#include "verifier/connection_set.h"

#include <algorithm>

namespace polc::verifier {

std::string_view ConnProtocolName(ConnProtocol protocol) {
  switch (protocol) {
    case ConnProtocol::kIcmp: return "ICMP";
    case ConnProtocol::kIcmpv6: return "ICMPv6";
    case ConnProtocol::kSctp: return "SCTP";
    case ConnProtocol::kTcp: return "TCP";
    case ConnProtocol::kUdp: return "UDP";
  }
  return "TCP";
}

std::optional<ConnProtocol> ToConnProtocol(ir::Protocol protocol) {
  switch (protocol) {
    case ir::Protocol::kTcp: return ConnProtocol::kTcp;
    case ir::Protocol::kUdp: return ConnProtocol::kUdp;
    case ir::Protocol::kSctp: return ConnProtocol::kSctp;
    case ir::Protocol::kIcmp: return ConnProtocol::kIcmp;
    case ir::Protocol::kIcmpv6: return ConnProtocol::kIcmpv6;
    default: return std::nullopt;
  }
}

namespace {
bool IsIcmp(ConnProtocol protocol) { return protocol == ConnProtocol::kIcmp || protocol == ConnProtocol::kIcmpv6; }
}  // namespace

uint32_t ConnProtocolMax(ConnProtocol protocol) { return IsIcmp(protocol) ? 255 : 65535; }
uint32_t ConnProtocolMin(ConnProtocol protocol) { return IsIcmp(protocol) ? 0 : 1; }

IntervalSet IntervalSet::Range(uint32_t low, uint32_t high) {
  IntervalSet set;
  if (low <= high) set.intervals_.push_back({low, high});
  return set;
}

void IntervalSet::Add(uint32_t low, uint32_t high) { *this = Union(Range(low, high)); }

IntervalSet IntervalSet::Union(const IntervalSet& other) const {
  std::vector<Interval> all;
  all.reserve(intervals_.size() + other.intervals_.size());
  std::merge(intervals_.begin(), intervals_.end(), other.intervals_.begin(), other.intervals_.end(),
             std::back_inserter(all));
  IntervalSet out;
  for (const auto& [low, high] : all) {
    // Merge overlapping and adjacent intervals, so equal sets compare equal.
    if (!out.intervals_.empty() && low <= out.intervals_.back().second + 1) {
      out.intervals_.back().second = std::max(out.intervals_.back().second, high);
    } else {
      out.intervals_.push_back({low, high});
    }
  }
  return out;
}

IntervalSet IntervalSet::Intersect(const IntervalSet& other) const {
  IntervalSet out;
  size_t i = 0, j = 0;
  while (i < intervals_.size() && j < other.intervals_.size()) {
    uint32_t low = std::max(intervals_[i].first, other.intervals_[j].first);
    uint32_t high = std::min(intervals_[i].second, other.intervals_[j].second);
    if (low <= high) out.intervals_.push_back({low, high});
    if (intervals_[i].second < other.intervals_[j].second) {
      ++i;
    } else {
      ++j;
    }
  }
  return out;
}

IntervalSet IntervalSet::Subtract(const IntervalSet& other) const {
  IntervalSet out;
  size_t j = 0;
  for (auto [low, high] : intervals_) {
    while (j < other.intervals_.size() && other.intervals_[j].second < low) ++j;
    uint64_t cursor = low;
    size_t k = j;
    while (k < other.intervals_.size() && other.intervals_[k].first <= high) {
      if (other.intervals_[k].first > cursor) {
        out.intervals_.push_back({static_cast<uint32_t>(cursor), other.intervals_[k].first - 1});
      }
      cursor = std::max<uint64_t>(cursor, uint64_t{other.intervals_[k].second} + 1);
      ++k;
    }
    if (cursor <= high) out.intervals_.push_back({static_cast<uint32_t>(cursor), high});
  }
  return out;
}

bool IntervalSet::Contains(uint32_t value) const {
  auto it = std::upper_bound(intervals_.begin(), intervals_.end(), Interval{value, UINT32_MAX});
  if (it == intervals_.begin()) return false;
  --it;
  return value >= it->first && value <= it->second;
}

std::string IntervalSet::ToString() const {
  std::string out;
  for (const auto& [low, high] : intervals_) {
    if (!out.empty()) out += ',';
    out += std::to_string(low);
    if (high != low) out += '-' + std::to_string(high);
  }
  return out;
}

ConnectionSet ConnectionSet::WholeProtocol(ConnProtocol protocol) {
  ConnectionSet set;
  set[protocol] = IntervalSet::Range(ConnProtocolMin(protocol), ConnProtocolMax(protocol));
  return set;
}

ConnectionSet ConnectionSet::All() {
  ConnectionSet set;
  for (size_t p = 0; p < kConnProtocolCount; ++p) set.UnionWith(WholeProtocol(static_cast<ConnProtocol>(p)));
  return set;
}

ConnectionSet ConnectionSet::Ports(ConnProtocol protocol, uint32_t low, uint32_t high) {
  ConnectionSet set;
  set[protocol] = IntervalSet::Range(std::max(low, ConnProtocolMin(protocol)), std::min(high, ConnProtocolMax(protocol)));
  return set;
}

ConnectionSet ConnectionSet::Union(const ConnectionSet& other) const {
  ConnectionSet out;
  for (size_t p = 0; p < kConnProtocolCount; ++p) out.by_protocol_[p] = by_protocol_[p].Union(other.by_protocol_[p]);
  return out;
}

ConnectionSet ConnectionSet::Intersect(const ConnectionSet& other) const {
  ConnectionSet out;
  for (size_t p = 0; p < kConnProtocolCount; ++p) {
    out.by_protocol_[p] = by_protocol_[p].Intersect(other.by_protocol_[p]);
  }
  return out;
}

ConnectionSet ConnectionSet::Subtract(const ConnectionSet& other) const {
  ConnectionSet out;
  for (size_t p = 0; p < kConnProtocolCount; ++p) {
    out.by_protocol_[p] = by_protocol_[p].Subtract(other.by_protocol_[p]);
  }
  return out;
}

void ConnectionSet::UnionWith(const ConnectionSet& other) { *this = Union(other); }

bool ConnectionSet::Empty() const {
  return std::all_of(by_protocol_.begin(), by_protocol_.end(), [](const IntervalSet& s) { return s.Empty(); });
}

namespace {
bool InUniverse(ConnProtocol protocol, ConnUniverse universe) {
  return universe == ConnUniverse::kCilium || !IsIcmp(protocol);
}
}  // namespace

bool ConnectionSet::IsAll(ConnUniverse universe) const {
  for (size_t p = 0; p < kConnProtocolCount; ++p) {
    auto protocol = static_cast<ConnProtocol>(p);
    if (!InUniverse(protocol, universe)) continue;
    if (by_protocol_[p] != WholeProtocol(protocol)[protocol]) return false;
  }
  return true;
}

std::string ConnectionSet::ToString(ConnUniverse universe) const {
  if (IsAll(universe)) return "All Connections";
  std::string out;
  for (size_t p = 0; p < kConnProtocolCount; ++p) {
    auto protocol = static_cast<ConnProtocol>(p);
    if (!InUniverse(protocol, universe) || by_protocol_[p].Empty()) continue;
    if (!out.empty()) out += ',';
    out += std::string(ConnProtocolName(protocol)) + ' ' + by_protocol_[p].ToString();
  }
  return out.empty() ? "No Connections" : out;
}

}  // namespace polc::verifier
