// The identity universe and the ipcache of the datapath plan (issue 6):
// which identity every address has, as the reference evaluator sees it.
//
// Addresses the inventory owns (pods, nodes, the API server, the DNS
// snapshot's answers for toFQDNs names) become host prefixes whose identity
// is what ResolvePeer gives for that address, seen from another node and,
// where it differs (a node is `host` on itself), from its own node. Every
// prefix a policy mentions (CIDR, except, CIDR group, toServices backend)
// becomes a CIDR identity whose representative is an address of the prefix
// in no longer prefix, so it stands for every address that maps to it.
#include <arpa/inet.h>

#include <algorithm>
#include <set>
#include <tuple>

#include "verifier/datapath_plan_internal.h"
#include "verifier/l7_match.h"

namespace polc::verifier::plan_internal {
namespace {

__extension__ typedef unsigned __int128 Uint128;

// Any name that is not a node: ResolvePeer then sees nodes as remote-node.
constexpr std::string_view kElsewhere = "\x01elsewhere";

Uint128 ToInteger(const IpAddress& ip) {
  Uint128 value = 0;
  int bytes = ip.v6 ? 16 : 4;
  for (int i = 0; i < bytes; ++i) value = (value << 8) | ip.bytes[static_cast<size_t>(i)];
  return value;
}

IpAddress FromInteger(Uint128 value, bool v6) {
  IpAddress ip;
  ip.v6 = v6;
  for (int i = (v6 ? 16 : 4) - 1; i >= 0; --i) {
    ip.bytes[static_cast<size_t>(i)] = static_cast<uint8_t>(value & 0xff);
    value >>= 8;
  }
  return ip;
}

struct Range {
  Uint128 first = 0, last = 0;
};

Range PrefixRange(const IpAddress& address, int bits) {
  int host_bits = (address.v6 ? 128 : 32) - bits;
  Uint128 mask = host_bits >= 128 ? ~Uint128{0} : ((Uint128{1} << host_bits) - 1);
  Uint128 first = ToInteger(address) & ~mask;
  return {first, first | mask};
}

// The first address of `target` in none of `covered`, if any.
std::optional<Uint128> FirstFree(Range target, std::vector<Range> covered) {
  std::sort(covered.begin(), covered.end(), [](const Range& a, const Range& b) { return a.first < b.first; });
  Uint128 cursor = target.first;
  for (const Range& r : covered) {
    if (r.last < cursor) continue;
    if (r.first > cursor) return cursor;
    if (r.last >= target.last) return std::nullopt;
    cursor = r.last + 1;
  }
  return cursor;
}

// One prefix of the table while it is built.
struct TablePrefix {
  IpAddress network;
  int bits = 0;
  bool owned = false;  // an address the inventory gives a pod, node, API server or DNS answer
  std::string text;    // owned: as the inventory writes it
};
using PrefixKey = std::tuple<bool, Uint128, int>;

// What a prefix resolves to before identity numbers exist.
struct PendingPrefix {
  TablePrefix prefix;
  Identity seen;         // from another node (or from anywhere)
  const ir::Endpoint* endpoint = nullptr;
  std::optional<Identity> local;  // from its own node, when different
  std::string node;
};

std::string CidrLabel(const IpAddress& network, int bits) {
  std::string text = FormatPlanAddress(ToPlanAddress(network)) + "/" + std::to_string(bits);
  if (network.v6) std::replace(text.begin(), text.end(), ':', '-');  // 2.1: IPv6 CIDR labels
  return "cidr:" + text;
}

bool IsWorld(const Identity& identity) { return identity.kind == IdentityKind::kWorld; }

// Non-world identities by key; numbered once all are known.
struct Registry {
  struct Item {
    Identity seen;
    std::set<std::string> descriptions;
    std::vector<const ir::Endpoint*> endpoints;
  };
  std::map<std::string, Item> items;

  std::string Add(const Identity& seen, const ir::Endpoint* endpoint, bool named_port_identities) {
    std::string key = IdentityKey(seen, endpoint, named_port_identities);
    Item& item = items.try_emplace(key, Item{seen, {}, {}}).first->second;
    item.descriptions.insert(seen.description.empty() ? seen.ToString() : seen.description);
    if (endpoint != nullptr && std::find(item.endpoints.begin(), item.endpoints.end(), endpoint) == item.endpoints.end()) {
      item.endpoints.push_back(endpoint);
    }
    return key;
  }
};

uint32_t ReservedNumber(const Identity& identity) {
  static const std::vector<std::pair<std::string_view, uint32_t>> kNumbers = {
      {"unmanaged", 3}, {"health", 4}, {"init", 5}, {"ingress", 8}};
  for (const auto& [name, number] : kNumbers) {
    if (identity.HasReserved(name)) return number;
  }
  return 0;
}

void SortEndpoints(std::vector<const ir::Endpoint*>& endpoints) {
  std::sort(endpoints.begin(), endpoints.end(), [](const ir::Endpoint* a, const ir::Endpoint* b) {
    return std::tie(a->namespace_, a->name, a->pod_name) < std::tie(b->namespace_, b->name, b->pod_name);
  });
}

}  // namespace

ir::PlanAddress ToPlanAddress(const IpAddress& ip) { return ir::PlanAddress{ip.v6, ip.bytes}; }
IpAddress FromPlanAddress(const ir::PlanAddress& address) { return IpAddress{address.v6, address.bytes}; }

std::string FormatPlanAddress(const ir::PlanAddress& address) {
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(address.v6 ? AF_INET6 : AF_INET, address.bytes.data(), text, sizeof text);
  return text;
}

uint32_t Universe::NodeIndex(const std::string& name) const {
  auto it = std::lower_bound(nodes.begin(), nodes.end(), name);
  return it != nodes.end() && *it == name ? static_cast<uint32_t>(it - nodes.begin()) + 1 : 0;
}

const UniverseIdentity* Universe::Find(uint32_t id) const {
  auto it = std::lower_bound(identities.begin(), identities.end(), id,
                             [](const UniverseIdentity& u, uint32_t v) { return u.id < v; });
  return it != identities.end() && it->id == id ? &*it : nullptr;
}

std::string IdentityKey(const Identity& identity, const ir::Endpoint* endpoint, bool named_port_identities) {
  switch (identity.kind) {
    case IdentityKind::kHost: return "host";
    case IdentityKind::kRemoteNode: return "node " + identity.ToString();
    case IdentityKind::kReserved: return "reserved " + identity.ToString();
    case IdentityKind::kWorld: return "world " + identity.ToString();
    case IdentityKind::kEndpoint: break;
  }
  std::string key = "endpoint " + identity.ToString();
  if (named_port_identities && endpoint != nullptr) {
    std::vector<std::string> ports;
    for (const auto& p : endpoint->ports) {
      if (!p.name.empty()) ports.push_back(p.name + ":" + std::to_string(p.port) + "/" + std::string(ir::ProtocolName(p.protocol)));
    }
    std::sort(ports.begin(), ports.end());
    key += " |";
    for (const auto& p : ports) key += " " + p;
  }
  return key;
}

Universe BuildUniverse(const std::vector<internal::PolicyEntry>& entries, const ir::Inventory& inventory,
                       const ir::Settings& settings, bool named_port_identities) {
  Universe u;
  u.named_port_identities = named_port_identities;
  std::set<std::string> node_names;
  for (const auto& node : inventory.nodes) node_names.insert(node.name);
  for (const auto& endpoint : inventory.endpoints) {
    if (!endpoint.node.empty()) node_names.insert(endpoint.node);
  }
  u.nodes.assign(node_names.begin(), node_names.end());

  // Addresses the inventory owns, in the evaluator's order of precedence
  // (ResolvePeer decides which of them an address is).
  std::vector<std::string> owned;
  for (const auto& endpoint : inventory.endpoints) owned.insert(owned.end(), endpoint.ips.begin(), endpoint.ips.end());
  for (const auto& node : inventory.nodes) owned.insert(owned.end(), node.ips.begin(), node.ips.end());
  owned.insert(owned.end(), inventory.kube_apiserver_ips.begin(), inventory.kube_apiserver_ips.end());
  // toFQDNs peers: the DNS snapshot's addresses of the names they match (6.7).
  std::map<std::string, bool> fqdn_resolved;  // selector text -> has an address
  for (const auto& entry : entries) {
    for (const auto& peer : entry.peers) {
      if (peer.kind != PeerMatcher::Kind::kFqdn) continue;
      std::string text = peer.fqdn.match_name.value_or(peer.fqdn.match_pattern.value_or(""));
      bool& resolved = fqdn_resolved[text];
      for (const auto& record : inventory.dns) {
        if (record.ips.empty() || !FqdnMatches(peer.fqdn, record.name, settings.version)) continue;
        resolved = true;
        owned.insert(owned.end(), record.ips.begin(), record.ips.end());
      }
    }
  }
  for (const auto& [text, resolved] : fqdn_resolved) {
    if (!resolved) u.unresolved_fqdns.push_back(text);
  }

  std::map<PrefixKey, TablePrefix> table;
  for (const auto& text : owned) {
    auto ip = ParseIpAddress(text);
    if (!ip) {
      u.warnings.push_back("address " + text + " of the inventory does not parse; it is not in the ipcache");
      continue;
    }
    int bits = ip->v6 ? 128 : 32;
    table.try_emplace(PrefixKey{ip->v6, ToInteger(*ip), bits}, TablePrefix{*ip, bits, true, text});
  }
  for (const auto& entry : entries) {
    for (const auto& peer : entry.peers) {
      if (peer.kind != PeerMatcher::Kind::kCidr) continue;
      std::vector<IpPrefix> prefixes = peer.except;
      prefixes.push_back(peer.prefix);
      for (const auto& p : prefixes) {
        Range r = PrefixRange(p.address, p.bits);
        // An owned address keeps its own identity (2.4: ipBlock never selects pods).
        table.try_emplace(PrefixKey{p.address.v6, r.first, p.bits},
                          TablePrefix{FromInteger(r.first, p.address.v6), p.bits, false, ""});
      }
    }
  }
  // A Service's cluster IP is its backend to the evaluator; the plan does no
  // service translation, so representatives avoid those addresses.
  std::vector<IpAddress> avoid;
  for (const auto& svc : inventory.services) {
    for (const auto& text : svc.cluster_ips) {
      if (auto ip = ParseIpAddress(text)) avoid.push_back(*ip);
    }
  }
  if (!avoid.empty()) {
    u.warnings.push_back("Service cluster IPs are not translated by the plan: packets to a cluster IP are judged "
                         "by the ipcache identity of the address, not by the Service's backend");
  }
  auto covered_inside = [&](const Range& target, int bits, bool v6) {
    std::vector<Range> covered;
    for (const auto& [key, p] : table) {
      if (std::get<0>(key) != v6 || p.bits <= bits) continue;
      Range r = PrefixRange(p.network, p.bits);
      if (r.first >= target.first && r.last <= target.last) covered.push_back(r);
    }
    for (const auto& ip : avoid) {
      if (ip.v6 == v6) covered.push_back({ToInteger(ip), ToInteger(ip)});
    }
    return covered;
  };

  // Resolve every prefix with the evaluator's ResolvePeer.
  std::vector<PendingPrefix> pending;
  for (const auto& [key, p] : table) {
    PendingPrefix item;
    item.prefix = p;
    std::string text = p.text;
    if (!p.owned) {
      Range r = PrefixRange(p.network, p.bits);
      auto rep = FirstFree(r, covered_inside(r, p.bits, p.network.v6));
      if (!rep) continue;  // every address has a longer prefix: nothing maps here
      text = FormatPlanAddress(ToPlanAddress(FromInteger(*rep, p.network.v6)));
    }
    ir::FlowPeer peer = ir::IpPeer{text};
    item.node = p.owned ? PeerNode(peer, inventory) : "";
    ResolvedPeer remote = ResolvePeer(peer, item.node.empty() ? "" : kElsewhere, inventory, settings);
    item.seen = remote.seen;
    item.endpoint = remote.self.endpoint;
    if (!item.node.empty()) {
      ResolvedPeer local = ResolvePeer(peer, item.node, inventory, settings);
      if (local.seen.ToString() != remote.seen.ToString() || local.seen.kind != remote.seen.kind) item.local = local.seen;
    }
    if (!p.owned && !IsWorld(item.seen)) {
      u.warnings.push_back("the representative " + text + " of a policy prefix is not a world address");
    }
    pending.push_back(std::move(item));
  }
  // The outside addresses of each family in no prefix: world (2, or 9/10
  // per family when they are judged differently; decided with the entries).
  std::optional<IpAddress> world_rep[2];
  for (int v6 = 0; v6 < 2; ++v6) {
    Range all = PrefixRange(IpAddress{v6 == 1, {}}, 0);
    if (auto rep = FirstFree(all, covered_inside(all, -1, v6 == 1))) world_rep[v6] = FromInteger(*rep, v6 == 1);
  }

  // Number the identities.
  Registry registry;
  for (const auto& endpoint : inventory.endpoints) {  // also endpoints without addresses
    ResolvedPeer r = ResolveEndpointPeer(endpoint, "", inventory, settings);
    registry.Add(r.seen, r.self.endpoint, named_port_identities);
  }
  for (std::string_view name : {"unmanaged", "health", "init", "ingress"}) {
    registry.Add(*ReservedIdentity(name), nullptr, named_port_identities);
  }
  std::vector<std::string> keys_of(pending.size()), local_keys_of(pending.size());
  for (size_t i = 0; i < pending.size(); ++i) {
    if (!IsWorld(pending[i].seen)) keys_of[i] = registry.Add(pending[i].seen, pending[i].endpoint, named_port_identities);
    if (pending[i].local) local_keys_of[i] = registry.Add(*pending[i].local, pending[i].endpoint, named_port_identities);
  }
  uint32_t next_endpoint = ir::kFirstEndpointIdentity, next_node = ir::kFirstNodeIdentity;
  bool used_remote_node = false, used_apiserver = false;
  std::set<uint32_t> reserved_used;
  auto add_identity = [&](uint32_t id, Identity seen, std::string labels, std::string description,
                          std::vector<const ir::Endpoint*> endpoints) {
    SortEndpoints(endpoints);
    u.plan_identities.push_back({id, std::move(labels), std::move(description)});
    u.identities.push_back({id, std::move(seen), std::move(endpoints)});
  };
  for (auto& [key, item] : registry.items) {  // keys sorted: numbering in label order
    uint32_t id = 0;
    std::string labels = item.seen.ToString();
    std::string description = *item.descriptions.begin();
    switch (item.seen.kind) {
      case IdentityKind::kHost:
        id = ir::kHostIdentity;
        labels = "reserved:host";
        description = "host (the endpoint's own node)";
        break;
      case IdentityKind::kEndpoint: id = next_endpoint++; break;
      case IdentityKind::kRemoteNode:
        if (!item.seen.HasReserved("kube-apiserver") && !used_remote_node) {
          id = ir::kRemoteNodeIdentity;
          used_remote_node = true;
        } else if (item.seen.HasReserved("kube-apiserver") && !used_apiserver) {
          id = 7;
          used_apiserver = true;
        } else {
          id = next_node++;
        }
        break;
      case IdentityKind::kReserved:
      case IdentityKind::kWorld:
        id = ReservedNumber(item.seen);
        if (id == 0 || !reserved_used.insert(id).second) id = next_node++;
        break;
    }
    u.by_key[key] = id;
    add_identity(id, item.seen, labels, description, item.endpoints);
  }
  uint32_t next_cidr = ir::kFirstCidrIdentity;
  for (size_t i = 0; i < pending.size(); ++i) {
    const PendingPrefix& item = pending[i];
    ir::PlanPrefix prefix;
    prefix.address = ToPlanAddress(item.prefix.network);
    prefix.bits = item.prefix.bits;
    if (IsWorld(item.seen)) {
      prefix.identity = next_cidr++;
      std::string cidr = CidrLabel(item.prefix.network, item.prefix.bits);
      std::string description = cidr.substr(5);
      description = (item.prefix.owned ? "address " : "cidr ") + description;
      if (!item.seen.fqdns.empty()) description += " (DNS answer for " + item.seen.fqdns.front() + ")";
      add_identity(prefix.identity, item.seen, cidr + "," + item.seen.ToString(), description, {});
    } else {
      prefix.identity = u.by_key.at(keys_of[i]);
    }
    if (item.local) {
      prefix.node = u.NodeIndex(item.node);
      prefix.local_identity = u.by_key.at(local_keys_of[i]);
    }
    u.prefixes.push_back(prefix);
  }
  for (int v6 = 0; v6 < 2; ++v6) {
    if (!world_rep[v6]) continue;
    uint32_t id = v6 == 1 ? ir::kWorldIpv6Identity : ir::kWorldIpv4Identity;
    std::string text = FormatPlanAddress(ToPlanAddress(*world_rep[v6]));
    Identity seen = ResolvePeer(ir::IpPeer{text}, "", inventory, settings).seen;
    add_identity(id, seen, v6 == 1 ? "reserved:world-ipv6" : "reserved:world-ipv4",
                 v6 == 1 ? "world (IPv6 outside every prefix)" : "world (IPv4 outside every prefix)", {});
    u.prefixes.push_back({ir::PlanAddress{v6 == 1, {}}, 0, id, 0, 0});
  }
  std::sort(u.prefixes.begin(), u.prefixes.end(), [](const ir::PlanPrefix& a, const ir::PlanPrefix& b) {
    return std::tie(a.address, a.bits) < std::tie(b.address, b.bits);
  });
  std::sort(u.identities.begin(), u.identities.end(),
            [](const UniverseIdentity& a, const UniverseIdentity& b) { return a.id < b.id; });
  std::sort(u.plan_identities.begin(), u.plan_identities.end(),
            [](const ir::PlanIdentity& a, const ir::PlanIdentity& b) { return a.id < b.id; });
  return u;
}

}  // namespace polc::verifier::plan_internal
