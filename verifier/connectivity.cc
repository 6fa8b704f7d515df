// The connectivity engine (docs/DESIGN.md "Connectivity engine").
//
// Each side of a connection decides on its own (the source at egress, the
// destination at ingress), so the connections from S to D are
// Egress(S, D) ∩ Ingress(D, S), each a set over protocols and port
// intervals computed from the matching entries at once (allows minus denies)
// instead of flow by flow. Two things keep the work near the size of the
// answer instead of |peers|²:
//  * a label index finds the peers each selector can match, so each entry
//    knows its subjects and candidate remotes without scanning every peer;
//  * a pair is only examined when one of its sides can let it through: a
//    source whose egress is restricted looks only at the remotes of its
//    allow entries, and an open source only at destinations whose ingress is
//    open or names it (a reverse index).
#include "verifier/connectivity.h"

#include <algorithm>
#include <map>
#include <unordered_map>

#include "verifier/connectivity_internal.h"

namespace polc::verifier {

using internal::EnginePeer;
using internal::PolicyEntry;

namespace {

int DirectionIndex(ir::Direction direction) { return direction == ir::Direction::kIngress ? 0 : 1; }

// Label postings over a fixed list of identities; answers "which of them
// can a selector match" with a superset that the caller verifies.
class LabelIndex {
 public:
  explicit LabelIndex(std::vector<const Identity*> identities) : identities_(std::move(identities)) {
    for (size_t i = 0; i < identities_.size(); ++i) {
      for (const auto& label : identities_[i]->labels) {
        by_key_value_[label.key + '\0' + label.value].push_back(static_cast<int>(i));
        auto& keyed = by_key_[label.key];
        if (keyed.empty() || keyed.back() != static_cast<int>(i)) keyed.push_back(static_cast<int>(i));
      }
    }
  }

  // Sets *all when no requirement narrows the search.
  std::vector<int> Candidates(const EffectiveSelector& selector, bool* all) const {
    const std::vector<int>* best = nullptr;
    std::vector<int> best_union;
    bool best_is_union = false;
    size_t best_size = SIZE_MAX;
    for (const auto& req : selector.requirements) {
      if (req.op == ir::SelectorOperator::kExists) {
        auto it = by_key_.find(req.key);
        size_t size = it == by_key_.end() ? 0 : it->second.size();
        if (size < best_size) {
          best_size = size;
          best = it == by_key_.end() ? &empty_ : &it->second;
          best_is_union = false;
        }
      } else if (req.op == ir::SelectorOperator::kIn) {
        std::vector<int> merged;
        for (const auto& value : req.values) {
          auto it = by_key_value_.find(req.key + '\0' + value);
          if (it == by_key_value_.end()) continue;
          std::vector<int> next;
          std::set_union(merged.begin(), merged.end(), it->second.begin(), it->second.end(), std::back_inserter(next));
          merged.swap(next);
        }
        if (merged.size() < best_size) {
          best_size = merged.size();
          best_union = std::move(merged);
          best_is_union = true;
        }
      }
    }
    *all = best_size == SIZE_MAX;
    if (*all) return {};
    return best_is_union ? best_union : *best;
  }

  size_t size() const { return identities_.size(); }

 private:
  std::vector<const Identity*> identities_;
  std::unordered_map<std::string, std::vector<int>> by_key_value_;
  std::unordered_map<std::string, std::vector<int>> by_key_;
  std::vector<int> empty_;
};

// How a subject stands in one direction (mirrors EvaluateDirection, 3.1-3.5).
struct SubjectState {
  bool open = true;  // nothing is enforced: every connection passes this side
  bool default_deny = false;
  std::string reason;
  std::vector<int> selecting;  // entries selecting it in this direction
  std::vector<EffectiveSelector> requirements;
};

struct SideOutcome {
  ConnectionSet allowed;
  bool l7 = false;
  std::vector<int> allows;  // entries that matched (explain)
  std::vector<int> denies;
  bool localhost = false;   // allow-localhost applied
  bool wildcard_default = false;
};

class Engine {
 public:
  Engine(const ir::PolicySet& policies, const ir::Inventory& inventory, const ir::Settings& settings,
         const ConnectivityOptions& options)
      : inventory_(inventory), settings_(settings), options_(options) {
    entries_ = internal::BuildEntries(policies, inventory, settings);
    peers_ = internal::BuildPeers(policies, inventory, settings, entries_, options.all_entities, warnings_);
    for (const auto& entry : entries_) {
      for (const auto& w : entry.warnings) AddWarning(w);
    }
    entry_ports_.resize(entries_.size());
    for (size_t e = 0; e < entries_.size(); ++e) {
      if (!internal::EntryHasNamedPorts(entries_[e])) {
        entry_ports_[e] = internal::EntryConnections(entries_[e], Identity{});
      }
    }
  }

  ConnectivityMap Run() {
    ConnectivityMap map;
    map.universe = settings_.semantics == ir::Semantics::kKubernetes ? ConnUniverse::kKubernetes : ConnUniverse::kCilium;
    for (const auto& p : peers_) map.peers.push_back(p.peer);
    IndexFastPeers();
    std::vector<ConnectivityEdge> edges;
    RunFastPairs(edges);
    RunPerPairPeers(edges);
    std::sort(edges.begin(), edges.end(), [](const ConnectivityEdge& a, const ConnectivityEdge& b) {
      return std::pair(a.source, a.destination) < std::pair(b.source, b.destination);
    });
    map.edges = std::move(edges);
    map.warnings = std::move(warnings_);
    return map;
  }

 private:
  void AddWarning(const std::string& warning) {
    if (std::find(warnings_.begin(), warnings_.end(), warning) == warnings_.end()) warnings_.push_back(warning);
  }

  SubjectState MakeSubject(const ResolvedPeer& local, ir::Direction direction, std::vector<int> selecting) const {
    SubjectState s;
    const Identity& self = local.self;
    if (!local.applies) {
      s.reason = "no policy of its own";
      return s;
    }
    if (settings_.enforcement == ir::EnforcementMode::kNever) {
      s.reason = "policy enforcement mode is never";
      return s;
    }
    if (self.kind == IdentityKind::kHost && !settings_.host_firewall) {
      s.reason = "a host, and the host firewall is off";
      return s;
    }
    s.selecting = std::move(selecting);
    const char* dir = direction == ir::Direction::kIngress ? "ingress" : "egress";
    if (self.HasReserved("init") || settings_.enforcement == ir::EnforcementMode::kAlways) {
      s.open = false;
      s.default_deny = true;
      s.reason = self.HasReserved("init") ? "reserved:init is always enforced" : "policy enforcement mode is always";
    } else if (s.selecting.empty()) {
      s.reason = std::string("no policy selects it for ") + dir;
      return s;
    } else {
      s.open = false;
      s.default_deny = std::any_of(s.selecting.begin(), s.selecting.end(),
                                   [&](int e) { return entries_[static_cast<size_t>(e)].default_deny; });
      s.reason = std::string(dir) + " enforced by " + std::to_string(s.selecting.size()) + " rule entr" +
                 (s.selecting.size() == 1 ? "y" : "ies") + (s.default_deny ? " with default deny" : " without default deny");
    }
    for (int e : s.selecting) {
      const auto& reqs = entries_[static_cast<size_t>(e)].requirements;
      s.requirements.insert(s.requirements.end(), reqs.begin(), reqs.end());
    }
    return s;
  }

  // Subjects that are not indexed (per-pair peers): scan, cached by identity.
  const SubjectState& ScannedSubject(const ResolvedPeer& local, ir::Direction direction) {
    std::string key = std::to_string(DirectionIndex(direction)) + (local.applies ? "a" : "n") +
                      std::to_string(static_cast<int>(local.self.kind)) + local.self.ToString();
    auto it = scanned_.find(key);
    if (it != scanned_.end()) return it->second;
    std::vector<int> selecting;
    if (local.applies) {
      for (size_t e = 0; e < entries_.size(); ++e) {
        if (entries_[e].direction == direction && internal::SelectsSubject(entries_[e], local.self)) {
          selecting.push_back(static_cast<int>(e));
        }
      }
    }
    return scanned_.emplace(key, MakeSubject(local, direction, std::move(selecting))).first->second;
  }

  ConnectionSet Ports(int e, const Identity& destination) const {
    const auto& cached = entry_ports_[static_cast<size_t>(e)];
    if (cached) return *cached;
    return internal::EntryConnections(entries_[static_cast<size_t>(e)], destination);
  }

  // One side's allowed connections toward/from `remote` (3.4, 3.6, 4).
  SideOutcome Decide(const SubjectState& subject, ir::Direction direction, const Identity& self,
                     const Identity& remote, const Identity& destination) const {
    SideOutcome out;
    if (subject.open) {
      out.allowed = ConnectionSet::All();
      return out;
    }
    ConnectionSet allow, deny;
    for (int e : subject.selecting) {
      const PolicyEntry& entry = entries_[static_cast<size_t>(e)];
      if (!internal::L3Matches(entry, remote, settings_.version, subject.requirements)) continue;
      ConnectionSet ports = Ports(e, destination);
      if (ports.Empty()) continue;
      if (entry.deny) {
        deny.UnionWith(ports);
        out.denies.push_back(e);
      } else {
        allow.UnionWith(ports);
        out.allows.push_back(e);
        if (entry.ports && std::any_of(entry.ports->begin(), entry.ports->end(),
                                       [](const internal::PortSpec& p) { return p.l7 != nullptr; })) {
          out.l7 = true;
        }
      }
    }
    if (!subject.default_deny) {
      allow = ConnectionSet::All();
      out.wildcard_default = true;
    }
    if (direction == ir::Direction::kIngress && self.kind != IdentityKind::kHost && remote.HasReserved("host") &&
        settings_.allow_localhost == ir::AllowLocalhost::kAlways && settings_.semantics == ir::Semantics::kCilium) {
      allow = ConnectionSet::All();
      out.localhost = true;
    }
    out.allowed = allow.Subtract(deny);
    return out;
  }

  void IndexFastPeers() {
    size_t n = peers_.size();
    for (int d = 0; d < 2; ++d) subjects_[d].assign(n, SubjectState{});
    std::vector<const Identity*> self_ids, seen_ids;
    for (const auto& p : peers_) {
      self_ids.push_back(&p.resolved.self);
      seen_ids.push_back(&p.resolved.seen);
    }
    LabelIndex self_index(self_ids), seen_index(seen_ids);
    std::vector<std::vector<int>> selecting[2];
    selecting[0].resize(n);
    selecting[1].resize(n);
    entry_remotes_.assign(entries_.size(), {});
    entry_all_remotes_.assign(entries_.size(), false);
    std::vector<int> non_workloads;
    for (size_t i = 0; i < n; ++i) {
      if (!peers_[i].workload && !peers_[i].per_pair) non_workloads.push_back(static_cast<int>(i));
    }
    for (size_t e = 0; e < entries_.size(); ++e) {
      const PolicyEntry& entry = entries_[e];
      int d = DirectionIndex(entry.direction);
      bool all = false;
      std::vector<int> candidates = self_index.Candidates(entry.subject, &all);
      auto consider_subject = [&](int i) {
        const EnginePeer& p = peers_[static_cast<size_t>(i)];
        if (p.per_pair || !p.resolved.applies) return;
        if (internal::SelectsSubject(entry, p.resolved.self)) selecting[d][static_cast<size_t>(i)].push_back(static_cast<int>(e));
      };
      if (all) {
        for (size_t i = 0; i < n; ++i) consider_subject(static_cast<int>(i));
      } else {
        for (int i : candidates) consider_subject(i);
      }
      // Candidate remotes of the entry's L3 part (fast peers only).
      if (entry.deny) continue;  // only allows can let a pair through
      if (entry.l3_wildcard) {
        entry_all_remotes_[e] = true;
        continue;
      }
      std::vector<int> remotes;
      auto consider_remote = [&](int i, const PeerMatcher& m) {
        const EnginePeer& p = peers_[static_cast<size_t>(i)];
        if (!p.per_pair && PeerMatches(m, p.resolved.seen, settings_.version)) remotes.push_back(i);
      };
      for (const auto& m : entry.peers) {
        if (m.kind == PeerMatcher::Kind::kAll) {
          entry_all_remotes_[e] = true;
          break;
        }
        if (m.kind == PeerMatcher::Kind::kSelectors) {
          for (const auto& selector : m.selectors) {
            bool every = false;
            std::vector<int> found = seen_index.Candidates(selector, &every);
            if (every) {
              for (size_t i = 0; i < n; ++i) consider_remote(static_cast<int>(i), m);
            } else {
              for (int i : found) consider_remote(i, m);
            }
          }
        } else {
          for (int i : non_workloads) consider_remote(i, m);
        }
      }
      if (entry_all_remotes_[e]) continue;
      std::sort(remotes.begin(), remotes.end());
      remotes.erase(std::unique(remotes.begin(), remotes.end()), remotes.end());
      entry_remotes_[e] = std::move(remotes);
    }
    for (size_t i = 0; i < n; ++i) {
      if (peers_[i].per_pair) continue;
      for (int d = 0; d < 2; ++d) {
        ir::Direction direction = d == 0 ? ir::Direction::kIngress : ir::Direction::kEgress;
        subjects_[d][i] = MakeSubject(peers_[i].resolved, direction, std::move(selecting[d][i]));
      }
    }
  }

  // Whether a side can let through pairs its allow entries do not name.
  bool SideIsOpen(const SubjectState& s) const {
    if (s.open || !s.default_deny) return true;
    return std::any_of(s.selecting.begin(), s.selecting.end(), [&](int e) {
      return !entries_[static_cast<size_t>(e)].deny && entry_all_remotes_[static_cast<size_t>(e)];
    });
  }

  void AddRules(const SideOutcome& side, ir::Direction direction, ConnectivityEdge& edge) const {
    for (const auto* list : {&side.allows, &side.denies}) {
      for (int e : *list) {
        const PolicyEntry& entry = entries_[static_cast<size_t>(e)];
        ConnectivityRule rule;
        rule.direction = direction;
        rule.deny = entry.deny;
        rule.l7 = !entry.deny && side.l7;
        rule.description = entry.description;
        rule.location = entry.location;
        edge.rules.push_back(std::move(rule));
      }
    }
    if (side.wildcard_default || side.localhost) {
      ConnectivityRule rule;
      rule.direction = direction;
      rule.description = side.localhost ? "allow-localhost: ingress from the local host is allowed (3.6)"
                                        : "allow-all: no selecting rule enables default deny (3.4)";
      edge.rules.push_back(std::move(rule));
    }
  }

  void Emit(int source, int destination, const ResolvedPeer& src, const ResolvedPeer& dst, const SubjectState& egress,
            const SubjectState& ingress, std::vector<ConnectivityEdge>& edges) const {
    SideOutcome out = Decide(egress, ir::Direction::kEgress, src.self, dst.seen, dst.self);
    if (out.allowed.Empty()) return;
    SideOutcome in = Decide(ingress, ir::Direction::kIngress, dst.self, src.seen, dst.self);
    ConnectionSet both = out.allowed.Intersect(in.allowed);
    if (settings_.semantics == ir::Semantics::kKubernetes) {
      // NetworkPolicy speaks of TCP, UDP and SCTP only; ICMP is not part of
      // its connections (netpol-analyzer's universe).
      both[ConnProtocol::kIcmp] = {};
      both[ConnProtocol::kIcmpv6] = {};
    }
    if (both.Empty()) return;
    ConnectivityEdge edge;
    edge.source = source;
    edge.destination = destination;
    edge.connections = std::move(both);
    edge.l7 = out.l7 || in.l7;
    if (options_.explain) {
      AddRules(out, ir::Direction::kEgress, edge);
      AddRules(in, ir::Direction::kIngress, edge);
      edge.egress_reason = "egress at " + peers_[static_cast<size_t>(source)].peer.name + ": " + egress.reason;
      edge.ingress_reason = "ingress at " + peers_[static_cast<size_t>(destination)].peer.name + ": " + ingress.reason;
    }
    edges.push_back(std::move(edge));
  }

  bool PairWanted(const EnginePeer& s, const EnginePeer& d) const {
    return &s != &d && (s.workload || d.workload) && s.as_source && d.as_destination;
  }

  void RunFastPairs(std::vector<ConnectivityEdge>& edges) {
    size_t n = peers_.size();
    std::vector<int> open_ingress;
    std::vector<std::vector<int>> reverse(n);
    for (size_t i = 0; i < n; ++i) {
      if (peers_[i].per_pair) continue;
      const SubjectState& in = subjects_[0][i];
      if (SideIsOpen(in)) {
        open_ingress.push_back(static_cast<int>(i));
        continue;
      }
      for (int e : in.selecting) {
        if (entries_[static_cast<size_t>(e)].deny) continue;
        for (int s : entry_remotes_[static_cast<size_t>(e)]) reverse[static_cast<size_t>(s)].push_back(static_cast<int>(i));
      }
    }
    std::vector<size_t> stamp(n, SIZE_MAX);
    for (size_t s = 0; s < n; ++s) {
      if (options_.progress && s % 256 == 0) options_.progress(s, n);
      const EnginePeer& src = peers_[s];
      if (src.per_pair || !src.as_source) continue;
      const SubjectState& egress = subjects_[1][s];
      std::vector<int> candidates;
      auto add = [&](int d) {
        if (stamp[static_cast<size_t>(d)] == s) return;
        stamp[static_cast<size_t>(d)] = s;
        candidates.push_back(d);
      };
      if (SideIsOpen(egress)) {
        for (int d : open_ingress) add(d);
        for (int d : reverse[s]) add(d);
      } else {
        for (int e : egress.selecting) {
          if (entries_[static_cast<size_t>(e)].deny) continue;
          for (int d : entry_remotes_[static_cast<size_t>(e)]) add(d);
        }
      }
      for (int d : candidates) {
        const EnginePeer& dst = peers_[static_cast<size_t>(d)];
        if (dst.per_pair || !PairWanted(src, dst)) continue;
        Emit(static_cast<int>(s), d, src.resolved, dst.resolved, egress, subjects_[0][static_cast<size_t>(d)], edges);
      }
    }
    if (options_.progress) options_.progress(n, n);
  }

  // Pairs with a node-relative or managed non-workload peer, one by one.
  void RunPerPairPeers(std::vector<ConnectivityEdge>& edges) {
    size_t n = peers_.size();
    for (size_t p = 0; p < n; ++p) {
      if (!peers_[p].per_pair) continue;
      for (size_t q = 0; q < n; ++q) {
        if (q == p || (peers_[q].per_pair && q < p)) continue;
        const EnginePeer& a = peers_[p];
        const EnginePeer& b = peers_[q];
        if (!a.workload && !b.workload) continue;
        ResolvedPeer ra = Resolve(a, b.node);
        ResolvedPeer rb = b.per_pair ? Resolve(b, a.node) : b.resolved;
        auto state = [&](const EnginePeer& peer, size_t index, const ResolvedPeer& r, int d) -> const SubjectState& {
          if (!peer.per_pair) return subjects_[d][index];
          return ScannedSubject(r, d == 0 ? ir::Direction::kIngress : ir::Direction::kEgress);
        };
        if (PairWanted(a, b)) {
          Emit(static_cast<int>(p), static_cast<int>(q), ra, rb, state(a, p, ra, 1), state(b, q, rb, 0), edges);
        }
        if (PairWanted(b, a)) {
          Emit(static_cast<int>(q), static_cast<int>(p), rb, ra, state(b, q, rb, 1), state(a, p, ra, 0), edges);
        }
      }
    }
  }

  ResolvedPeer Resolve(const EnginePeer& peer, const std::string& other_node) const {
    if (peer.workload) {
      return ResolveEndpointPeer(inventory_.endpoints[static_cast<size_t>(peer.peer.endpoint)], other_node, inventory_,
                                 settings_);
    }
    return ResolvePeer(peer.peer.flow_peer, other_node, inventory_, settings_);
  }

  const ir::Inventory& inventory_;
  const ir::Settings& settings_;
  const ConnectivityOptions& options_;
  std::vector<PolicyEntry> entries_;
  std::vector<std::optional<ConnectionSet>> entry_ports_;
  std::vector<EnginePeer> peers_;
  std::vector<std::string> warnings_;
  std::vector<SubjectState> subjects_[2];  // [ingress, egress] per peer
  std::vector<std::vector<int>> entry_remotes_;
  std::vector<bool> entry_all_remotes_;
  std::map<std::string, SubjectState> scanned_;
};

}  // namespace

ConnectivityMap ComputeConnectivity(const ir::PolicySet& policies, const ir::Inventory& inventory,
                                    const ir::Settings& settings, const ConnectivityOptions& options) {
  Engine engine(policies, inventory, settings, options);
  return engine.Run();
}

}  // namespace polc::verifier
