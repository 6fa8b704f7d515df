// The entries of one endpoint and direction (issue 6): the evaluator's
// policy entries that select the endpoint, matched at L3 against every
// identity of the universe, turned into (protocol, port range) pieces, and
// resolved per (endpoint, direction, remote identity) into disjoint entries
// that decide as EvaluateDirection does: deny first (4), then an allow
// without L7 rules, then one with (7.4), then allow-localhost (3.6); the
// first rule in policy order reports.
#include <algorithm>
#include <charconv>
#include <set>

#include "verifier/datapath_plan_internal.h"

namespace polc::verifier::plan_internal {
namespace {

using internal::PolicyEntry;
using internal::PortSpec;

// How a piece decides; a lower rank wins (EvaluateDirection's order).
enum Rank { kDenyRank = 0, kPlainRank = 1, kL7Rank = 2, kLocalhostRank = 3 };

struct Piece {
  uint8_t protocol = ir::kPlanAnyProtocol;
  uint32_t first = 0, last = 65535;
  int rank = kPlainRank;
  uint32_t rule = 0;
};

std::optional<uint32_t> ParseNumber(std::string_view text) {
  uint32_t value = 0;
  if (text.empty()) return std::nullopt;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

// Wire numbers of the protocols a port spec names (1.5: ANY = TCP, UDP, SCTP).
std::vector<uint8_t> WireProtocols(ir::Protocol protocol) {
  switch (protocol) {
    case ir::Protocol::kAny: return {6, 17, 132};
    case ir::Protocol::kTcp: return {6};
    case ir::Protocol::kUdp: return {17};
    case ir::Protocol::kSctp: return {132};
    case ir::Protocol::kIcmp: return {1};
    case ir::Protocol::kIcmpv6: return {58};
    case ir::Protocol::kVrrp: return {112};
    case ir::Protocol::kIgmp: return {2};
    case ir::Protocol::kGre: return {47};
    case ir::Protocol::kIpip: return {4};
    case ir::Protocol::kIpv6: return {41};
    case ir::Protocol::kEsp: return {50};
    case ir::Protocol::kAh: return {51};
  }
  return {};
}

ir::Protocol FromWire(uint8_t wire) {
  switch (wire) {
    case 17: return ir::Protocol::kUdp;
    case 132: return ir::Protocol::kSctp;
    default: return ir::Protocol::kTcp;
  }
}

bool IsNamed(const PortSpec& spec) {
  bool icmp = spec.protocol == ir::Protocol::kIcmp || spec.protocol == ir::Protocol::kIcmpv6;
  return !icmp && !spec.port.empty() && spec.port != "0" && !ParseNumber(spec.port);
}

// The pieces of a spec that do not depend on the remote (evaluator_l4.cc
// PortMatches): ICMP types, all ports, numbers and ranges.
void FixedPieces(const PortSpec& spec, int rank, uint32_t rule, std::vector<Piece>& out) {
  for (uint8_t wire : WireProtocols(spec.protocol)) {
    if (wire == 1 || wire == 58) {  // only the type; a type above 255 never matches
      auto type = ParseNumber(spec.port);
      if (type && *type <= 255) out.push_back({wire, *type, *type, rank, rule});
      continue;
    }
    if (spec.port.empty() || spec.port == "0") {
      out.push_back({wire, 0, 65535, rank, rule});
      continue;
    }
    auto number = ParseNumber(spec.port);
    if (!number || *number > 65535) continue;
    uint32_t end = spec.end_port > static_cast<int32_t>(*number) ? static_cast<uint32_t>(spec.end_port) : *number;
    out.push_back({wire, *number, std::min<uint32_t>(end, 65535), rank, rule});
  }
}

// 2.5: a named port is the container port of that name and protocol of
// `owners` (ingress: the subject; egress: the destination's endpoints).
void NamedPieces(const PortSpec& spec, const std::vector<const ir::Endpoint*>& owners, int rank, uint32_t rule,
                 std::vector<Piece>& out) {
  for (uint8_t wire : WireProtocols(spec.protocol)) {
    for (const ir::Endpoint* owner : owners) {
      for (const auto& port : owner->ports) {
        if (port.name == spec.port && port.protocol == FromWire(wire)) out.push_back({wire, port.port, port.port, rank, rule});
      }
    }
  }
}

int EntryRank(const PolicyEntry& entry, const PortSpec* spec) {
  if (entry.deny) return kDenyRank;
  return spec != nullptr && spec->l7 != nullptr ? kL7Rank : kPlainRank;
}

// The decision of the pieces covering one point: lowest rank, lowest rule.
struct Decision {
  int rank = -1;  // -1: nothing covers
  uint32_t rule = 0;
  bool operator==(const Decision&) const = default;
};

Decision Decide(const std::vector<const Piece*>& covering) {
  Decision d;
  for (const Piece* p : covering) {
    if (d.rank < 0 || p->rank < d.rank || (p->rank == d.rank && p->rule < d.rule)) d = {p->rank, p->rule};
  }
  return d;
}

ir::PlanEntry MakeEntry(uint32_t endpoint, ir::Direction direction, uint32_t remote, uint8_t protocol, uint32_t first,
                        uint32_t last, const Decision& d) {
  ir::PlanEntry e;
  e.endpoint = endpoint;
  e.direction = direction;
  e.remote_identity = remote;
  e.protocol = protocol;
  e.port_first = static_cast<uint16_t>(first);
  e.port_last = static_cast<uint16_t>(last);
  e.deny = d.rank == kDenyRank;
  e.needs_l7_proxy = d.rank == kL7Rank;
  e.rule = d.rule;
  return e;
}

// Disjoint entries of one protocol from its pieces: cut at every bound,
// decide each interval, merge neighbours that decide alike.
void Sweep(uint32_t endpoint, ir::Direction direction, uint32_t remote, uint8_t protocol,
           const std::vector<const Piece*>& pieces, std::vector<ir::PlanEntry>& out) {
  std::set<uint32_t> bounds;
  for (const Piece* p : pieces) {
    bounds.insert(p->first);
    bounds.insert(p->last + 1);
  }
  std::vector<uint32_t> cuts(bounds.begin(), bounds.end());
  std::optional<ir::PlanEntry> open;
  Decision open_decision;
  for (size_t i = 0; i + 1 < cuts.size(); ++i) {
    uint32_t first = cuts[i], last = cuts[i + 1] - 1;
    std::vector<const Piece*> covering;
    for (const Piece* p : pieces) {
      if (p->first <= first && p->last >= last) covering.push_back(p);
    }
    Decision d = Decide(covering);
    if (open && d == open_decision && open->port_last + 1u == first) {
      open->port_last = static_cast<uint16_t>(last);
      continue;
    }
    if (open) out.push_back(*open);
    open.reset();
    if (d.rank < 0) continue;
    open = MakeEntry(endpoint, direction, remote, protocol, first, last, d);
    open_decision = d;
  }
  if (open) out.push_back(*open);
}

// One (endpoint, direction, remote identity): protocol-0 pieces stand alone
// and are also folded into every protocol that has pieces of its own, so
// the protocol's entries cover all its ports (the contract in
// ir/datapath_plan.h, step 4).
void Resolve(uint32_t endpoint, ir::Direction direction, uint32_t remote, const std::vector<Piece>& pieces,
             std::vector<ir::PlanEntry>& out) {
  std::vector<const Piece*> any;
  std::map<uint8_t, std::vector<const Piece*>> by_protocol;
  for (const Piece& p : pieces) {
    if (p.protocol == ir::kPlanAnyProtocol) {
      any.push_back(&p);
    } else {
      by_protocol[p.protocol].push_back(&p);
    }
  }
  if (!any.empty()) Sweep(endpoint, direction, remote, ir::kPlanAnyProtocol, any, out);
  for (auto& [protocol, list] : by_protocol) {
    list.insert(list.end(), any.begin(), any.end());
    Sweep(endpoint, direction, remote, protocol, list, out);
  }
}

// The namespaces an entry's subject selector requires (an `In` on the pod
// namespace label, as CNP and NetworkPolicy subjects always have), if any.
std::optional<std::vector<std::string>> SubjectNamespaces(const PolicyEntry& entry) {
  for (const auto& r : entry.subject.requirements) {
    if (r.key == kPodNamespaceLabel && (r.source == "k8s" || r.source == "any") && r.op == ir::SelectorOperator::kIn) {
      return r.values;
    }
  }
  return std::nullopt;
}

// Candidate entries for a subject, in entry order; SelectsSubject decides.
std::vector<size_t> Candidates(const EntryIndex& index, const Identity& self) {
  std::vector<size_t> out = index.unscoped;
  for (const auto& label : self.labels) {
    if (label.key != kPodNamespaceLabel) continue;
    auto it = index.by_namespace.find(label.value);
    if (it != index.by_namespace.end()) out.insert(out.end(), it->second.begin(), it->second.end());
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// The universe identities an entry's L3 part can match: a superset, which
// L3Matches then decides (fromRequires only narrows it further).
std::vector<size_t> L3Candidates(const EntryIndex& index, const PolicyEntry& entry) {
  std::vector<size_t> all(index.identities);
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  if (entry.l3_wildcard) return all;
  std::vector<size_t> out;
  auto append = [&](const std::vector<size_t>& list) { out.insert(out.end(), list.begin(), list.end()); };
  for (const auto& peer : entry.peers) {
    switch (peer.kind) {
      case PeerMatcher::Kind::kNothing: break;
      case PeerMatcher::Kind::kAll: return all;
      case PeerMatcher::Kind::kCidr:
      case PeerMatcher::Kind::kFqdn: append(index.world); break;
      case PeerMatcher::Kind::kSelectors:
        for (const auto& selector : peer.selectors) {
          // The narrowest `In`/`Exists` requirement (all are ANDed).
          std::optional<std::vector<size_t>> narrowest;
          for (const auto& r : selector.requirements) {
            std::vector<size_t> these;
            if (r.op == ir::SelectorOperator::kExists) {
              if (auto it = index.by_key.find(r.key); it != index.by_key.end()) these = it->second;
            } else if (r.op == ir::SelectorOperator::kIn && !r.values.empty()) {
              for (const auto& value : r.values) {
                auto it = index.by_label.find({r.key, value});
                if (it != index.by_label.end()) these.insert(these.end(), it->second.begin(), it->second.end());
              }
            } else {
              continue;
            }
            if (!narrowest || these.size() < narrowest->size()) narrowest = std::move(these);
          }
          if (!narrowest) return all;
          append(*narrowest);
        }
        break;
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace

EntryIndex IndexEntries(const std::vector<PolicyEntry>& entries, const Universe& universe) {
  EntryIndex index;
  index.identities = universe.identities.size();
  for (size_t i = 0; i < universe.identities.size(); ++i) {
    const Identity& seen = universe.identities[i].seen;
    if (seen.kind == IdentityKind::kWorld) index.world.push_back(i);
    for (const auto& label : seen.labels) {  // any source: a superset for every requirement source
      index.by_label[{label.key, label.value}].push_back(i);
      auto& keyed = index.by_key[label.key];
      if (keyed.empty() || keyed.back() != i) keyed.push_back(i);
    }
  }
  index.l3.resize(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    auto namespaces = SubjectNamespaces(entries[i]);
    if (!namespaces) {
      index.unscoped.push_back(i);
      continue;
    }
    for (const auto& ns : *namespaces) index.by_namespace[ns].push_back(i);
  }
  return index;
}

void AddDirectionEntries(const Universe& universe, const std::vector<PolicyEntry>& entries, EntryIndex& index,
                         const Subject& subject, ir::Direction direction, const ir::Settings& settings,
                         RuleIds& rules, ir::PlanDirection& out_direction, std::vector<ir::PlanEntry>& out,
                         std::vector<std::string>& warnings) {
  out_direction = {};
  const Identity& self = subject.self;
  bool host = self.kind == IdentityKind::kHost;
  // 3.5 never; host policies only with the host firewall.
  if (settings.enforcement == ir::EnforcementMode::kNever) return;
  if (host && !settings.host_firewall) return;
  std::vector<const PolicyEntry*> selecting;
  for (size_t i : Candidates(index, self)) {
    const PolicyEntry& entry = entries[i];
    if (entry.direction == direction && internal::SelectsSubject(entry, self)) selecting.push_back(&entry);
  }
  // 3.1, 3.4, 3.5.
  if (self.HasReserved("init") || settings.enforcement == ir::EnforcementMode::kAlways) {
    out_direction = {true, true};
  } else if (selecting.empty()) {
    return;
  } else {
    out_direction.enforced = true;
    out_direction.default_deny =
        std::any_of(selecting.begin(), selecting.end(), [](const PolicyEntry* e) { return e->default_deny; });
  }
  std::vector<EffectiveSelector> requirements;
  for (const PolicyEntry* entry : selecting) {
    requirements.insert(requirements.end(), entry->requirements.begin(), entry->requirements.end());
  }

  // The remotes: every identity of the universe, identity 1 being the
  // endpoint's own host.
  std::vector<const Identity*> remotes;
  for (const auto& u : universe.identities) remotes.push_back(u.id == ir::kHostIdentity ? &subject.host : &u.seen);
  std::map<uint32_t, std::vector<Piece>> groups;  // remote identity (0 = any) -> pieces
  std::vector<const ir::Endpoint*> own;  // a node has no container ports
  if (subject.endpoint != nullptr) own.push_back(subject.endpoint);
  bool ingress = direction == ir::Direction::kIngress;
  for (const PolicyEntry* entry : selecting) {
    size_t entry_index = static_cast<size_t>(entry - entries.data());
    uint32_t rule = static_cast<uint32_t>(entry_index) + 1;
    std::vector<char> matched;
    if (requirements.empty()) {  // the same for every subject: computed once
      std::vector<char>& cached = index.l3[entry_index];
      if (cached.empty()) {
        cached.assign(remotes.size(), 0);
        for (size_t i : L3Candidates(index, *entry)) {
          cached[i] = internal::L3Matches(*entry, universe.identities[i].seen, settings.version, requirements);
        }
      }
      matched = cached;
    } else {
      matched.assign(remotes.size(), 0);
      for (size_t i : L3Candidates(index, *entry)) {
        matched[i] = internal::L3Matches(*entry, *remotes[i], settings.version, requirements);
      }
    }
    for (size_t i = 0; i < remotes.size(); ++i) {  // identity 1 is this endpoint's own host
      if (universe.identities[i].id == ir::kHostIdentity) {
        matched[i] = internal::L3Matches(*entry, *remotes[i], settings.version, requirements);
      }
    }
    bool all = !remotes.empty() && std::all_of(matched.begin(), matched.end(), [](char b) { return b != 0; });
    if (std::none_of(matched.begin(), matched.end(), [](char b) { return b != 0; })) continue;
    // Pieces that hold for every matched remote, and egress named ports,
    // which depend on the remote's container ports.
    std::vector<Piece> fixed;
    std::vector<const PortSpec*> per_remote;
    if (!entry->ports) {
      fixed.push_back({ir::kPlanAnyProtocol, 0, 65535, EntryRank(*entry, nullptr), rule});
    } else {
      for (const auto& spec : *entry->ports) {
        if (!IsNamed(spec)) {
          FixedPieces(spec, EntryRank(*entry, &spec), rule, fixed);
        } else if (ingress) {
          NamedPieces(spec, own, EntryRank(*entry, &spec), rule, fixed);
        } else {
          per_remote.push_back(&spec);
        }
      }
    }
    if (all) {
      auto& group = groups[ir::kAnyIdentity];
      group.insert(group.end(), fixed.begin(), fixed.end());
    }
    for (size_t i = 0; i < remotes.size(); ++i) {
      if (!matched[i]) continue;
      const UniverseIdentity& u = universe.identities[i];
      auto& group = groups[u.id];
      if (!all) group.insert(group.end(), fixed.begin(), fixed.end());
      for (const PortSpec* spec : per_remote) NamedPieces(*spec, u.endpoints, EntryRank(*entry, spec), rule, group);
    }
  }
  // 3.6: allow-localhost, below every rule of the policy.
  if (ingress && out_direction.default_deny && !host && settings.allow_localhost == ir::AllowLocalhost::kAlways &&
      settings.semantics == ir::Semantics::kCilium && universe.Find(ir::kHostIdentity) != nullptr) {
    rules.allow_localhost_used = true;
    groups[ir::kHostIdentity].push_back({ir::kPlanAnyProtocol, 0, 65535, kLocalhostRank, rules.allow_localhost});
  }
  for (const auto& [remote, pieces] : groups) Resolve(subject.id, direction, remote, pieces, out);
  (void)warnings;
}

}  // namespace polc::verifier::plan_internal
