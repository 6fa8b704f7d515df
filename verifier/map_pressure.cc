// Policy-map size prediction (cilium-semantics.md 8.1, 8.3); the model is
// described in map_pressure.h.
#include "verifier/map_pressure.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <tuple>

#include "verifier/evaluator_internal.h"
#include "verifier/identity.h"
#include "verifier/ip_prefix.h"
#include "verifier/rule_analysis_index.h"

namespace polc::verifier {

size_t PortRangePrefixCount(uint32_t low, uint32_t high) {
  size_t count = 0;
  uint32_t start = low;
  while (start <= high && start <= 0xFFFF) {
    uint32_t size = 1;
    // The largest aligned block starting at `start` that stays inside the range.
    while (size < 0x10000 && start % (size * 2) == 0 && start + size * 2 - 1 <= high) size *= 2;
    ++count;
    start += size;
  }
  return count;
}

namespace {

using internal::PolicyEntry;

// (identity, protocol, port, port prefix length); the direction is kept apart.
using Key = std::tuple<uint32_t, uint8_t, uint32_t, uint8_t>;
constexpr uint32_t kWildcardIdentity = 0;

uint8_t ProtocolNumber(ir::Protocol protocol) {
  switch (protocol) {
    case ir::Protocol::kAny: return 0;
    case ir::Protocol::kTcp: return 6;
    case ir::Protocol::kUdp: return 17;
    case ir::Protocol::kSctp: return 132;
    case ir::Protocol::kIcmp: return 1;
    case ir::Protocol::kIcmpv6: return 58;
    case ir::Protocol::kVrrp: return 112;
    case ir::Protocol::kIgmp: return 2;
    case ir::Protocol::kGre: return 47;
    case ir::Protocol::kIpip: return 4;
    case ir::Protocol::kIpv6: return 41;
    case ir::Protocol::kEsp: return 50;
    case ir::Protocol::kAh: return 51;
  }
  return 0;
}

std::optional<uint32_t> Number(const std::string& text) {
  if (text.empty() || text.size() > 5 || !std::all_of(text.begin(), text.end(), ::isdigit)) return std::nullopt;
  return static_cast<uint32_t>(std::stoul(text));
}

// The (protocol, port, prefix length) parts of an entry's keys (8.1).
std::vector<std::tuple<uint8_t, uint32_t, uint8_t>> PortKeys(const PolicyEntry& entry) {
  std::vector<std::tuple<uint8_t, uint32_t, uint8_t>> out;
  if (!entry.ports) {
    out.emplace_back(0, 0, 0);
    return out;
  }
  for (const internal::PortSpec& spec : *entry.ports) {
    const bool any_port = spec.port.empty() || spec.port == "0";
    if (spec.protocol == ir::Protocol::kAny && any_port) {
      out.emplace_back(0, 0, 0);
      continue;
    }
    std::vector<uint8_t> protocols;
    if (spec.protocol == ir::Protocol::kAny) {
      protocols = {6, 17, 132};
    } else {
      protocols = {ProtocolNumber(spec.protocol)};
    }
    for (uint8_t protocol : protocols) {
      if (any_port) {
        out.emplace_back(protocol, 0, 0);
        continue;
      }
      auto number = Number(spec.port);
      if (!number) {  // a named port: one port (the number it resolves to)
        out.emplace_back(protocol, 0x10000 + static_cast<uint32_t>(std::hash<std::string>{}(spec.port) % 0xFFFF),
                         16);
        continue;
      }
      uint32_t high = spec.end_port > static_cast<int32_t>(*number) ? static_cast<uint32_t>(spec.end_port) : *number;
      uint32_t start = *number;
      while (start <= high && start <= 0xFFFF) {
        uint32_t size = 1;
        uint8_t bits = 16;
        while (size < 0x10000 && start % (size * 2) == 0 && start + size * 2 - 1 <= high) {
          size *= 2;
          --bits;
        }
        out.emplace_back(protocol, start, bits);
        start += size;
      }
    }
  }
  return out;
}

std::string PrefixId(const IpPrefix& prefix) {
  std::string id = prefix.address.v6 ? "cidr6:" : "cidr4:";
  for (size_t i = 0; i < (prefix.address.v6 ? 16u : 4u); ++i) id += std::to_string(prefix.address.bytes[i]) + ".";
  return id + "/" + std::to_string(prefix.bits);
}

struct Universe {
  std::vector<Identity> identities;  // index + 1 is the key's identity
  std::vector<std::optional<IpPrefix>> prefixes;  // CIDR identities
};

Universe BuildUniverse(const std::vector<PolicyEntry>& entries, const ir::Inventory& inventory,
                       const ir::Settings& settings) {
  Universe u;
  std::set<std::string> seen;
  auto add = [&](Identity identity, std::optional<IpPrefix> prefix, const std::string& id) {
    if (!seen.insert(id).second) return;
    u.identities.push_back(std::move(identity));
    u.prefixes.push_back(prefix);
  };
  for (const ir::Endpoint& endpoint : inventory.endpoints) {
    if (endpoint.host_network) continue;
    std::string ns = endpoint.namespace_.empty() ? "default" : endpoint.namespace_;
    Identity identity = PodIdentity(endpoint.labels, ns, endpoint.service_account, inventory, settings);
    std::string id = identity.ToString();
    add(std::move(identity), std::nullopt, id);
  }
  for (std::string_view name :
       {"host", "remote-node", "world", "health", "init", "unmanaged", "ingress", "kube-apiserver"}) {
    if (auto identity = ReservedIdentity(name)) add(*identity, std::nullopt, "reserved:" + std::string(name));
  }
  for (const PolicyEntry& entry : entries) {
    for (const PeerMatcher& peer : entry.peers) {
      if (peer.kind != PeerMatcher::Kind::kCidr) continue;
      std::vector<IpPrefix> prefixes = peer.except;
      prefixes.push_back(peer.prefix);
      for (const IpPrefix& prefix : prefixes) {
        std::string id = PrefixId(prefix);
        add(WorldIdentity(prefix.address, id), prefix, id);
      }
    }
  }
  return u;
}

bool Selects(const PeerMatcher& peer, const Universe& u, size_t i, const ir::Settings& settings) {
  if (peer.kind == PeerMatcher::Kind::kCidr) {
    const auto& prefix = u.prefixes[i];
    if (!prefix || !peer.prefix.ContainsPrefix(*prefix)) return false;
    return std::none_of(peer.except.begin(), peer.except.end(),
                        [&](const IpPrefix& e) { return e.ContainsPrefix(*prefix); });
  }
  if (peer.kind == PeerMatcher::Kind::kFqdn) return false;
  return PeerMatches(peer, u.identities[i], settings.version);
}

// The remote identities of an entry's keys.
std::vector<uint32_t> RemoteIdentities(const PolicyEntry& entry, const Universe& u,
                                       const internal::IdentityLabelIndex& labels, const ir::Settings& settings) {
  if (entry.l3_wildcard) return {kWildcardIdentity};
  std::set<uint32_t> out;
  std::vector<size_t> candidates;
  for (const PeerMatcher& peer : entry.peers) {
    if (peer.kind == PeerMatcher::Kind::kAll) {
      out.insert(kWildcardIdentity);
      continue;
    }
    if (peer.kind == PeerMatcher::Kind::kSelectors) {
      // Only identities with a label the selector requires are tried
      // (rule_analysis_index.h). CIDR identities carry reserved:world
      // (8.2), so the world entity selects them.
      for (const EffectiveSelector& selector : peer.selectors) {
        labels.Candidates(selector, candidates);
        for (size_t i : candidates) {
          if (selector.Matches(u.identities[i])) out.insert(static_cast<uint32_t>(i + 1));
        }
      }
      continue;
    }
    for (size_t i = 0; i < u.identities.size(); ++i) {
      if (Selects(peer, u, i, settings)) out.insert(static_cast<uint32_t>(i + 1));
    }
  }
  return {out.begin(), out.end()};
}

}  // namespace

std::vector<EndpointMapPressure> PredictPolicyMaps(const ir::PolicySet& policies, const ir::Inventory& inventory,
                                                   const ir::Settings& settings) {
  std::vector<EndpointMapPressure> out;
  if (inventory.endpoints.empty()) return out;
  const std::vector<PolicyEntry> entries = internal::BuildEntries(policies, inventory, settings);
  const Universe universe = BuildUniverse(entries, inventory, settings);
  const internal::IdentityLabelIndex labels(universe.identities);
  // Each entry's keys, computed once (direction first).
  std::vector<std::vector<std::pair<int, Key>>> entry_keys(entries.size());
  std::vector<bool> keys_built(entries.size(), false);
  auto keys_of = [&](size_t e) -> const std::vector<std::pair<int, Key>>& {
    if (!keys_built[e]) {
      keys_built[e] = true;
      const PolicyEntry& entry = entries[e];
      const int direction = entry.direction == ir::Direction::kIngress ? 0 : 1;
      const auto ports = PortKeys(entry);
      for (uint32_t identity : RemoteIdentities(entry, universe, labels, settings)) {
        for (const auto& [protocol, port, bits] : ports) {
          entry_keys[e].emplace_back(direction, Key{identity, protocol, port, bits});
        }
      }
    }
    return entry_keys[e];
  };
  // Only entries whose subject can select the endpoint's namespace are tried.
  internal::NamespaceIndex subjects;
  for (size_t e = 0; e < entries.size(); ++e) subjects.Add(e, internal::ConfiningNamespaces(entries[e].subject));
  std::vector<size_t> candidates;
  for (const ir::Endpoint& endpoint : inventory.endpoints) {
    if (endpoint.host_network) continue;
    std::string ns = endpoint.namespace_.empty() ? "default" : endpoint.namespace_;
    Identity self = PodIdentity(endpoint.labels, ns, endpoint.service_account, inventory, settings);
    self.endpoint = &endpoint;
    std::set<std::pair<int, Key>> keys;
    std::map<int, std::set<std::pair<int, Key>>> by_policy;
    bool selected[2] = {false, false};
    subjects.Candidates(internal::IdentityNamespaces(self), candidates);
    for (size_t e : candidates) {
      const PolicyEntry& entry = entries[e];
      if (entry.host_subject || !entry.subject.Matches(self)) continue;
      selected[entry.direction == ir::Direction::kIngress ? 0 : 1] = true;
      for (const auto& key : keys_of(e)) {
        keys.insert(key);
        by_policy[entry.policy].insert(key);
      }
    }
    // A direction without entries allows everything: one wildcard key.
    for (int direction : {0, 1}) {
      if (!selected[direction]) keys.insert({direction, Key{kWildcardIdentity, 0, 0, 0}});
    }
    EndpointMapPressure result;
    result.endpoint = &endpoint;
    result.name = ns + "/" + (endpoint.pod_name.empty() ? endpoint.name : endpoint.pod_name);
    result.entries = keys.size();
    for (const auto& [policy, set] : by_policy) result.policies.emplace_back(policy, set.size());
    std::stable_sort(result.policies.begin(), result.policies.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    out.push_back(std::move(result));
  }
  return out;
}

}  // namespace polc::verifier
