// The peers of a connectivity map: inventory workloads; external address
// ranges split at every CIDR bound the rules of a direction mention (as
// netpol-analyzer splits them: sources by ingress CIDRs, destinations by
// egress CIDRs); and, under Cilium semantics, the entities, FQDN names and
// nodes that rules name, which netpol-analyzer does not know.
#include <algorithm>
#include <map>
#include <set>

#include "verifier/connectivity_internal.h"

namespace polc::verifier::internal {
namespace {

__extension__ typedef unsigned __int128 Uint128;

Uint128 ToInteger(const IpAddress& ip) {
  Uint128 value = 0;
  int bytes = ip.v6 ? 16 : 4;
  for (int i = 0; i < bytes; ++i) value = (value << 8) | ip.bytes[static_cast<size_t>(i)];
  return value;
}

IpAddress FromInteger(Uint128 value, bool v6) {
  IpAddress ip;
  ip.v6 = v6;
  int bytes = v6 ? 16 : 4;
  for (int i = bytes - 1; i >= 0; --i) {
    ip.bytes[static_cast<size_t>(i)] = static_cast<uint8_t>(value & 0xff);
    value >>= 8;
  }
  return ip;
}

int AddressBits(bool v6) { return v6 ? 128 : 32; }

// The addresses of a prefix as [first, last].
std::pair<Uint128, Uint128> PrefixRange(const IpPrefix& prefix) {
  int host_bits = AddressBits(prefix.address.v6) - prefix.bits;
  Uint128 mask = host_bits >= 128 ? ~Uint128{0} : ((Uint128{1} << host_bits) - 1);
  Uint128 first = ToInteger(prefix.address) & ~mask;
  return {first, first | mask};
}

// Cuts the address space where a CIDR rule's set (the prefix minus its
// excepts, adjacent excepts merged) starts and ends. netpol-analyzer cuts
// the same way, so `except: [10.0.0.0/9, 10.128.0.0/9]` gives one range.
void AddCidrBounds(const PeerMatcher& matcher, std::set<Uint128>& bounds) {
  auto [first, last] = PrefixRange(matcher.prefix);
  std::vector<std::pair<Uint128, Uint128>> holes;
  for (const auto& except : matcher.except) {
    if (except.address.v6 == matcher.prefix.address.v6) holes.push_back(PrefixRange(except));
  }
  std::sort(holes.begin(), holes.end());
  Uint128 cursor = first;
  bool open = true;  // [cursor, ...] is still inside the set
  auto cut_interval = [&](Uint128 low, Uint128 high) {
    bounds.insert(low);
    if (high != ~Uint128{0}) bounds.insert(high + 1);
  };
  for (const auto& [low, high] : holes) {
    if (high < cursor || low > last) continue;
    if (low > cursor) cut_interval(cursor, low - 1);
    if (high >= last) {
      open = false;
      break;
    }
    cursor = std::max(cursor, high + 1);
  }
  if (open) cut_interval(cursor, last);
}

std::string FormatIpv4(const IpAddress& ip) {
  return std::to_string(ip.bytes[0]) + "." + std::to_string(ip.bytes[1]) + "." + std::to_string(ip.bytes[2]) + "." +
         std::to_string(ip.bytes[3]);
}

// RFC 5952: lower case, the longest run of two or more zero groups as "::".
std::string FormatIpv6(const IpAddress& ip) {
  std::array<unsigned, 8> groups{};
  for (size_t i = 0; i < 8; ++i) groups[i] = (unsigned{ip.bytes[2 * i]} << 8) | ip.bytes[2 * i + 1];
  int best = -1, best_len = 0;
  for (int i = 0; i < 8;) {
    if (groups[static_cast<size_t>(i)] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && groups[static_cast<size_t>(j)] == 0) ++j;
    if (j - i > best_len && j - i >= 2) {
      best = i;
      best_len = j - i;
    }
    i = j;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  auto hex = [&](unsigned v) {
    std::string s;
    do {
      s.insert(s.begin(), kHex[v & 0xf]);
      v >>= 4;
    } while (v != 0);
    return s;
  };
  std::string out;
  for (int i = 0; i < 8; ++i) {
    if (i == best) {
      out += "::";
      i += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    out += hex(groups[static_cast<size_t>(i)]);
  }
  return out;
}

std::string FormatAddress(const IpAddress& ip) { return ip.v6 ? FormatIpv6(ip) : FormatIpv4(ip); }

// The partition of one family's address space at `bounds`, as ranges.
std::vector<std::pair<IpAddress, IpAddress>> Partition(const std::set<Uint128>& bounds, bool v6) {
  std::vector<Uint128> cuts(bounds.begin(), bounds.end());
  Uint128 space_end = v6 ? ~Uint128{0} : ((Uint128{1} << 32) - 1);  // last address
  std::vector<std::pair<IpAddress, IpAddress>> out;
  Uint128 start = 0;
  for (Uint128 cut : cuts) {
    if (cut == 0 || cut > space_end) continue;
    out.push_back({FromInteger(start, v6), FromInteger(cut - 1, v6)});
    start = cut;
  }
  out.push_back({FromInteger(start, v6), FromInteger(space_end, v6)});
  return out;
}

void AddEntity(std::set<std::string>& entities, const std::string& name) {
  if (name == "all" || name == "cluster") {
    for (const char* e : {"host", "remote-node", "kube-apiserver"}) entities.insert(e);
  } else if (name.rfind("world", 0) != 0) {
    entities.insert(name);  // world is what the external ranges show
  }
}

std::string FqdnRepresentative(const ir::FqdnSelector& selector) {
  if (selector.match_name) return *selector.match_name;
  // A name the pattern matches: each `*` (and a leading `**.`) becomes one label.
  std::string pattern = selector.match_pattern.value_or("*");
  std::string out;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '*') {
      if (i + 1 < pattern.size() && pattern[i + 1] == '*') ++i;
      out += "x";
    } else {
      out += pattern[i];
    }
  }
  return out;
}

}  // namespace

std::string FormatAddressRange(const IpAddress& first, const IpAddress& last) {
  return FormatAddress(first) + "-" + FormatAddress(last);
}

std::vector<EnginePeer> BuildPeers(const ir::PolicySet& policies, const ir::Inventory& inventory,
                                   const ir::Settings& settings, const std::vector<PolicyEntry>& entries,
                                   bool all_entities, std::vector<std::string>& warnings) {
  (void)policies;
  (void)warnings;
  bool cilium = settings.semantics == ir::Semantics::kCilium;
  std::map<std::string, EnginePeer> by_name;

  for (const auto& endpoint : inventory.endpoints) {
    EnginePeer p;
    std::string ns = endpoint.namespace_.empty() ? "default" : endpoint.namespace_;
    std::string kind(ir::WorkloadKindName(endpoint.kind));
    p.peer.kind = ConnectivityPeer::Kind::kWorkload;
    p.peer.name = ns + "/" + endpoint.name + "[" + kind + "]";
    p.peer.namespace_ = ns;
    p.peer.label = endpoint.name + "[" + kind + "]";
    p.peer.endpoint = static_cast<int>(&endpoint - inventory.endpoints.data());
    p.peer.flow_peer = ir::EndpointPeer{ns, endpoint.name};
    p.resolved = ResolveEndpointPeer(endpoint, "", inventory, settings);
    p.workload = true;
    p.per_pair = endpoint.host_network && cilium;
    p.node = endpoint.node;
    by_name.try_emplace(p.peer.name, std::move(p));  // the first of two same-named workloads stands
  }

  // External ranges per direction; entities, FQDNs and nodes that rules name.
  std::set<Uint128> bounds[2][2];  // [direction][v6]
  bool family_used[2][2] = {{true, false}, {true, false}};
  std::set<std::string> entities;
  std::map<std::string, std::string> fqdns;  // display name -> representative
  bool nodes_named = false;
  for (const auto& entry : entries) {
    int d = entry.direction == ir::Direction::kIngress ? 0 : 1;
    if (entry.host_subject) nodes_named = true;
    for (const auto& m : entry.peers) {
      if (m.kind == PeerMatcher::Kind::kCidr) {
        bool v6 = m.prefix.address.v6;
        family_used[d][v6 ? 1 : 0] = true;
        AddCidrBounds(m, bounds[d][v6 ? 1 : 0]);
      } else if (m.kind == PeerMatcher::Kind::kFqdn) {
        std::string shown = m.fqdn.match_name ? *m.fqdn.match_name : m.fqdn.match_pattern.value_or("*");
        fqdns.emplace("fqdn:" + shown, FqdnRepresentative(m.fqdn));
      } else if (m.text.rfind("entity ", 0) == 0) {
        AddEntity(entities, m.text.substr(7));
      } else if (m.text.rfind("nodes ", 0) == 0) {
        nodes_named = true;
      }
    }
  }
  // Addresses the inventory places (pods, nodes, the API server, Service
  // cluster IPs) keep their own identity (2.4, 5.1): a range stands for its
  // other addresses, and its representative is the first of those.
  std::set<Uint128> owned[2];
  auto own = [&](const std::string& text) {
    if (auto ip = ParseIpAddress(text)) owned[ip->v6 ? 1 : 0].insert(ToInteger(*ip));
  };
  for (const auto& endpoint : inventory.endpoints) std::for_each(endpoint.ips.begin(), endpoint.ips.end(), own);
  for (const auto& node : inventory.nodes) std::for_each(node.ips.begin(), node.ips.end(), own);
  for (const auto& svc : inventory.services) std::for_each(svc.cluster_ips.begin(), svc.cluster_ips.end(), own);
  std::for_each(inventory.kube_apiserver_ips.begin(), inventory.kube_apiserver_ips.end(), own);
  for (int d = 0; d < 2; ++d) {
    for (int v6 = 0; v6 < 2; ++v6) {
      if (!family_used[d][v6]) continue;
      for (const auto& [first, last] : Partition(bounds[d][v6], v6 == 1)) {
        Uint128 representative = ToInteger(first);
        Uint128 end = ToInteger(last);
        const std::set<Uint128>& taken = owned[v6];
        for (auto it = taken.lower_bound(representative); it != taken.end() && *it == representative;
             it = taken.lower_bound(representative)) {
          if (representative == end) break;
          ++representative;
        }
        if (taken.count(representative) != 0) continue;  // every address of the range is in the cluster
        IpAddress shown = FromInteger(representative, v6 == 1);
        std::string name = FormatAddressRange(first, last) + "[External]";
        auto [it, inserted] = by_name.try_emplace(name);
        EnginePeer& p = it->second;
        if (inserted) {
          p.peer.kind = ConnectivityPeer::Kind::kExternal;
          p.peer.name = name;
          p.peer.label = name;
          p.peer.address = FormatAddress(shown);
          p.peer.flow_peer = ir::IpPeer{p.peer.address};
          p.resolved.seen = WorldIdentity(shown, "external " + name);
          p.resolved.self = p.resolved.seen;
          p.as_source = false;
          p.as_destination = false;
        }
        (d == 0 ? p.as_source : p.as_destination) = true;
      }
    }
  }
  if (!cilium) return [&] {
    std::vector<EnginePeer> out;
    for (auto& [name, p] : by_name) out.push_back(std::move(p));
    return out;
  }();

  if (all_entities) {
    for (const char* e : {"host", "remote-node", "kube-apiserver", "health", "init", "ingress", "unmanaged"}) {
      entities.insert(e);
    }
  }
  for (const auto& name : entities) {
    EnginePeer p;
    p.peer.kind = ConnectivityPeer::Kind::kEntity;
    p.peer.name = "entity:" + name;
    p.peer.label = p.peer.name;
    p.peer.flow_peer = ir::EntityPeer{name};
    p.resolved = ResolvePeer(p.peer.flow_peer, "", inventory, settings);
    // host is the other side's own node; health and init have policies.
    p.per_pair = name == "host" || p.resolved.applies;
    by_name.emplace(p.peer.name, std::move(p));
  }
  for (const auto& [name, representative] : fqdns) {
    EnginePeer p;
    p.peer.kind = ConnectivityPeer::Kind::kFqdn;
    p.peer.name = name;
    p.peer.label = name;
    p.peer.flow_peer = ir::FqdnPeer{representative};
    p.resolved = ResolvePeer(p.peer.flow_peer, "", inventory, settings);
    // toFQDNs is egress only: a name is a destination; traffic from its
    // addresses is world traffic, which the external ranges show.
    p.as_source = false;
    by_name.emplace(p.peer.name, std::move(p));
  }
  if (nodes_named) {
    for (const auto& node : inventory.nodes) {
      EnginePeer p;
      p.peer.kind = ConnectivityPeer::Kind::kNode;
      p.peer.name = "node:" + node.name;
      p.peer.label = p.peer.name;
      p.peer.flow_peer = ir::NodePeer{node.name};
      p.resolved = ResolvePeer(p.peer.flow_peer, "", inventory, settings);
      p.per_pair = true;
      p.node = node.name;
      by_name.emplace(p.peer.name, std::move(p));
    }
  }
  std::vector<EnginePeer> out;
  out.reserve(by_name.size());
  for (auto& [name, p] : by_name) out.push_back(std::move(p));
  return out;
}

}  // namespace polc::verifier::internal
