// Rule analysis, entry part: entries that never take effect (Batfish's
// BLOCKING_LINES, conventions.md 3) and policies that change nothing.
//
// Containment is decided syntactically and only when it is certain:
//  * subjects/selectors: A ⊆ B when each requirement of B is implied by one
//    requirement of A on the same key (equal or stronger), so `{}` (within
//    its scoping) covers everything;
//  * peers: each alternative of A lies in one alternative of B (selectors as
//    above, CIDRs by prefix containment with excepts, FQDNs only if equal,
//    `all`/L3 wildcard cover every peer);
//  * ports: interval containment of the entries' connection sets; named
//    ports and extended IP protocols are never compared;
//  * an allow with L7 rules, a listener, TLS, serverNames or authentication
//    is only covered by an identical allow, or by a deny;
//  * enforcement (3.4): an entry that turns default deny on is only covered
//    by one that does too;
//  * fromRequires anywhere in the set disables the analysis.
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <tuple>

#include "verifier/accepted_policies.h"
#include "verifier/connectivity_internal.h"
#include "verifier/evaluator_internal.h"
#include "verifier/rule_analysis.h"
#include "verifier/rule_analysis_index.h"

namespace polc::verifier {
namespace {

using internal::PolicyEntry;

bool Implies(const LabelRequirement& a, const LabelRequirement& b) {
  if (a.key != b.key) return false;
  const bool positive_b = b.op == ir::SelectorOperator::kIn || b.op == ir::SelectorOperator::kExists;
  // "any:" in B matches a label of any source; for negated requirements keep
  // the sources equal.
  if (a.source != b.source && !(positive_b && b.source == "any")) return false;
  auto subset = [](const std::vector<std::string>& x, const std::vector<std::string>& y) {
    return std::all_of(x.begin(), x.end(), [&](const std::string& v) { return std::find(y.begin(), y.end(), v) != y.end(); });
  };
  auto disjoint = [](const std::vector<std::string>& x, const std::vector<std::string>& y) {
    return std::none_of(x.begin(), x.end(), [&](const std::string& v) { return std::find(y.begin(), y.end(), v) != y.end(); });
  };
  switch (b.op) {
    case ir::SelectorOperator::kIn:
      return a.op == ir::SelectorOperator::kIn && !a.values.empty() && subset(a.values, b.values);
    case ir::SelectorOperator::kExists:
      return a.op == ir::SelectorOperator::kExists || (a.op == ir::SelectorOperator::kIn && !a.values.empty());
    case ir::SelectorOperator::kNotIn:
      return (a.op == ir::SelectorOperator::kIn && !a.values.empty() && disjoint(a.values, b.values)) ||
             (a.op == ir::SelectorOperator::kNotIn && subset(b.values, a.values)) ||
             a.op == ir::SelectorOperator::kDoesNotExist;
    case ir::SelectorOperator::kDoesNotExist: return a.op == ir::SelectorOperator::kDoesNotExist;
  }
  return false;
}

// Every identity `a` matches, `b` matches.
bool SelectorSubset(const EffectiveSelector& a, const EffectiveSelector& b) {
  return std::all_of(b.requirements.begin(), b.requirements.end(), [&](const LabelRequirement& rb) {
    return std::any_of(a.requirements.begin(), a.requirements.end(),
                       [&](const LabelRequirement& ra) { return Implies(ra, rb); });
  });
}

bool PrefixOverlaps(const IpPrefix& x, const IpPrefix& y) {
  return x.ContainsPrefix(y) || y.ContainsPrefix(x);
}

bool PeerSubset(const PeerMatcher& a, const PeerMatcher& b) {
  using Kind = PeerMatcher::Kind;
  if (a.kind == Kind::kNothing || b.kind == Kind::kAll) return true;
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case Kind::kSelectors:
      return std::all_of(a.selectors.begin(), a.selectors.end(), [&](const EffectiveSelector& sa) {
        return std::any_of(b.selectors.begin(), b.selectors.end(),
                           [&](const EffectiveSelector& sb) { return SelectorSubset(sa, sb); });
      });
    case Kind::kCidr:
      if (!b.prefix.ContainsPrefix(a.prefix)) return false;
      return std::all_of(b.except.begin(), b.except.end(), [&](const IpPrefix& e) {
        if (!PrefixOverlaps(e, a.prefix)) return true;
        return std::any_of(a.except.begin(), a.except.end(), [&](const IpPrefix& ae) { return ae.ContainsPrefix(e); }) &&
               !e.ContainsPrefix(a.prefix);
      });
    case Kind::kFqdn: return a.fqdn.match_name == b.fqdn.match_name && a.fqdn.match_pattern == b.fqdn.match_pattern;
    default: return false;
  }
}

bool MatchesNothing(const PolicyEntry& e) {
  if (e.l3_wildcard) return false;
  return std::all_of(e.peers.begin(), e.peers.end(),
                     [](const PeerMatcher& p) { return p.kind == PeerMatcher::Kind::kNothing; });
}

bool PeersSubset(const PolicyEntry& a, const PolicyEntry& b) {
  const bool b_all = b.l3_wildcard || std::any_of(b.peers.begin(), b.peers.end(), [](const PeerMatcher& p) {
                       return p.kind == PeerMatcher::Kind::kAll;
                     });
  if (b_all) return true;
  if (a.l3_wildcard) return false;
  return std::all_of(a.peers.begin(), a.peers.end(), [&](const PeerMatcher& pa) {
    return std::any_of(b.peers.begin(), b.peers.end(), [&](const PeerMatcher& pb) { return PeerSubset(pa, pb); });
  });
}

bool ComparableProtocol(ir::Protocol protocol) {
  return protocol == ir::Protocol::kAny || ToConnProtocol(protocol).has_value();
}

bool HasL7(const PolicyEntry& e) {
  return e.ports && std::any_of(e.ports->begin(), e.ports->end(),
                                [](const internal::PortSpec& s) { return s.l7 != nullptr; });
}

bool SamePorts(const PolicyEntry& a, const PolicyEntry& b) {
  if (a.ports.has_value() != b.ports.has_value()) return false;
  if (!a.ports) return true;
  if (a.ports->size() != b.ports->size()) return false;
  for (size_t i = 0; i < a.ports->size(); ++i) {
    const internal::PortSpec& x = (*a.ports)[i];
    const internal::PortSpec& y = (*b.ports)[i];
    if (x.protocol != y.protocol || x.port != y.port || x.end_port != y.end_port) return false;
    if ((x.l7 == nullptr) != (y.l7 == nullptr) || (x.l7 && !(*x.l7 == *y.l7))) return false;
  }
  return true;
}

// Per entry facts computed once.
struct EntryFacts {
  bool comparable_ports = true;  // no named port, no extended protocol
  bool extras = false;           // listener/TLS/serverNames/auth/l7proto/generic l7: allow side only
  ConnectionSet connections;
};

bool PortsSubset(const PolicyEntry& a, const EntryFacts& fa, const PolicyEntry& b, const EntryFacts& fb) {
  if (!b.ports) return true;
  if (!a.ports || !fa.comparable_ports || !fb.comparable_ports) return false;
  return fa.connections.Subtract(fb.connections).Empty();
}

const ir::PeerRule* SourceRule(const ir::PolicySet& policies, const PolicyEntry& e) {
  if (e.rule < 0 || e.entry < 0) return nullptr;
  const ir::Policy& policy = policies.policies[static_cast<size_t>(e.policy)];
  if (static_cast<size_t>(e.rule) >= policy.rules.size()) return nullptr;
  const ir::Rule& rule = policy.rules[static_cast<size_t>(e.rule)];
  const auto& list = e.direction == ir::Direction::kIngress ? (e.deny ? rule.ingress_deny : rule.ingress)
                                                            : (e.deny ? rule.egress_deny : rule.egress);
  if (!list || static_cast<size_t>(e.entry) >= list->size()) return nullptr;
  return &(*list)[static_cast<size_t>(e.entry)];
}

bool HasExtras(const ir::PeerRule* peer) {
  if (peer == nullptr) return false;
  if (peer->authentication && peer->authentication->mode != ir::AuthMode::kDisabled) return true;
  if (!peer->to_ports) return false;
  return std::any_of(peer->to_ports->begin(), peer->to_ports->end(), [](const ir::PortRule& r) {
    return r.listener || r.terminating_tls || r.originating_tls || !r.server_names.empty() ||
           (r.rules && (r.rules->l7_proto || r.rules->l7));
  });
}

EntryFacts Facts(const ir::PolicySet& policies, const PolicyEntry& e) {
  EntryFacts f;
  f.extras = HasExtras(SourceRule(policies, e));
  if (e.ports) {
    f.comparable_ports = !internal::EntryHasNamedPorts(e) &&
                         std::all_of(e.ports->begin(), e.ports->end(),
                                     [](const internal::PortSpec& s) { return ComparableProtocol(s.protocol); });
    if (f.comparable_ports) f.connections = internal::EntryConnections(e, Identity{});
  }
  return f;
}

// B decides everything A matches, so A never takes effect. `matches_nothing`
// entries (enforcement only) are covered by any entry that keeps enforcement.
bool Covers(const PolicyEntry& b, const EntryFacts& fb, const PolicyEntry& a, const EntryFacts& fa) {
  if (a.direction != b.direction || a.host_subject != b.host_subject) return false;
  if (a.deny && !b.deny) return false;
  if (a.default_deny && !b.default_deny) return false;
  if (!SelectorSubset(a.subject, b.subject)) return false;
  if (MatchesNothing(a)) return true;
  if (!PeersSubset(a, b)) return false;
  if (!a.deny && !b.deny) {  // allow next to allow: L7 and extras must be identical
    if (fa.extras || fb.extras) return false;
    if (HasL7(a) || HasL7(b)) return SamePorts(a, b);
  }
  return PortsSubset(a, fa, b, fb);
}

}  // namespace

ir::PolicySet PoliciesInForce(const ir::PolicySet& policies, const std::vector<ir::Diagnostic>& diagnostics,
                              std::vector<int>& original) {
  std::vector<int> rejected;
  ir::PolicySet accepted = AcceptedPolicies(policies, diagnostics, &rejected);
  std::set<int> out_of_force(rejected.begin(), rejected.end());
  std::map<std::tuple<ir::PolicyKind, std::string, std::string>, int> last;
  for (size_t i = 0; i < policies.policies.size(); ++i) {
    const ir::Policy& policy = policies.policies[i];
    std::string ns = policy.kind == ir::PolicyKind::kCiliumClusterwideNetworkPolicy
                         ? ""
                         : (policy.meta.namespace_.empty() ? "default" : policy.meta.namespace_);
    auto [it, inserted] = last.try_emplace({policy.kind, ns, policy.meta.name}, static_cast<int>(i));
    if (!inserted) {
      out_of_force.insert(it->second);  // the later one replaces it
      it->second = static_cast<int>(i);
    }
  }
  ir::PolicySet in_force;
  in_force.cidr_groups = std::move(accepted.cidr_groups);
  original.clear();
  for (size_t i = 0; i < policies.policies.size(); ++i) {
    if (out_of_force.contains(static_cast<int>(i))) continue;
    in_force.policies.push_back(policies.policies[i]);
    original.push_back(static_cast<int>(i));
  }
  return in_force;
}

EntryAnalysis AnalyzeEntries(const ir::PolicySet& policies, const ir::Settings& settings) {
  EntryAnalysis out;
  const std::vector<PolicyEntry> entries = internal::BuildEntries(policies, ir::Inventory{}, settings);
  if (std::any_of(entries.begin(), entries.end(), [](const PolicyEntry& e) { return !e.requirements.empty(); })) {
    return out;
  }
  std::vector<EntryFacts> facts;
  facts.reserve(entries.size());
  for (const PolicyEntry& e : entries) facts.push_back(Facts(policies, e));

  // For each entry, the entries that cover it (ties: the earlier one wins).
  auto blocks = [&](size_t b, size_t a) {
    if (a == b || !Covers(entries[b], facts[b], entries[a], facts[a])) return false;
    if (entries[a].deny == entries[b].deny && Covers(entries[a], facts[a], entries[b], facts[b])) return b < a;
    return true;
  };
  // An entry with warnings (unresolved toServices, fromGroups) stands for
  // more than the analysis sees; it is never judged covered.
  auto judged = [&](size_t a) { return entries[a].warnings.empty(); };
  // Only entries whose subject can contain a's are compared with it
  // (rule_analysis_index.h), in index order as if all were scanned.
  internal::NamespaceIndex subjects;
  for (size_t b = 0; b < entries.size(); ++b) subjects.Add(b, internal::ConfiningNamespaces(entries[b].subject));
  std::vector<size_t> candidates;
  auto candidates_of = [&](size_t a) -> const std::vector<size_t>& {
    subjects.Candidates(internal::ContainedNamespaces(entries[a].subject), candidates);
    return candidates;
  };

  std::map<int, std::vector<size_t>> by_policy;
  for (size_t a = 0; a < entries.size(); ++a) by_policy[entries[a].policy].push_back(a);

  // 3. Policies that change nothing.
  std::set<int> redundant;
  for (const auto& [policy, members] : by_policy) {
    std::set<int> covering;
    bool all = true;
    for (size_t a : members) {
      bool found = false;
      if (judged(a)) {
        for (size_t b : candidates_of(a)) {
          if (entries[b].policy == policy || !blocks(b, a)) continue;
          covering.insert(entries[b].policy);
          found = true;
          break;
        }
      }
      if (!found) {
        all = false;
        break;
      }
    }
    if (!all) continue;
    redundant.insert(policy);
    out.redundant.push_back({policy, std::vector<int>(covering.begin(), covering.end())});
  }

  // 2. Entries that never take effect.
  for (size_t a = 0; a < entries.size(); ++a) {
    const PolicyEntry& entry = entries[a];
    if (!judged(a) || MatchesNothing(entry)) continue;
    ShadowedEntry shadowed{entry.policy, entry.description, entry.location, entry.deny, false, {}};
    for (size_t b : candidates_of(a)) {
      if (!blocks(b, a)) continue;
      shadowed.blocking.push_back({entries[b].policy, entries[b].description, entries[b].location, entries[b].deny});
      if (entries[b].deny != entry.deny) shadowed.opposite_action = true;
    }
    if (shadowed.blocking.empty()) continue;
    // A redundant policy is reported once, as a whole, unless a deny kills it.
    if (!shadowed.opposite_action && redundant.contains(entry.policy)) continue;
    out.shadowed.push_back(std::move(shadowed));
  }
  return out;
}

}  // namespace polc::verifier
