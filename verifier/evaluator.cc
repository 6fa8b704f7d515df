// The reference evaluator (cilium-semantics.md sections 2-7): each side of a
// flow decides on its own (the source at egress, the destination at
// ingress); the flow passes when both allow.
#include "verifier/evaluator.h"

#include <algorithm>

#include "verifier/evaluator_internal.h"
#include "verifier/l7_match.h"

namespace polc::verifier {

using internal::L3Matches;
using internal::PolicyEntry;
using internal::SelectsSubject;

std::string_view VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kAllow: return "allow";
    case Verdict::kDeny: return "deny";
    case Verdict::kAudit: return "audit";
  }
  return "allow";
}

struct Evaluator::State {
  ir::PolicySet policies;
  ir::Inventory inventory;
  ir::Settings settings;
  std::vector<PolicyEntry> entries;
};

Evaluator::Evaluator(const ir::PolicySet& policies, const ir::Inventory& inventory, const ir::Settings& settings)
    : state_(std::make_unique<State>(State{policies, inventory, settings, {}})) {
  // Entries point into the State's own copies.
  state_->entries = internal::BuildEntries(state_->policies, state_->inventory, state_->settings);
}

Evaluator::~Evaluator() = default;

namespace {

const char* DirectionName(ir::Direction direction) {
  return direction == ir::Direction::kIngress ? "ingress" : "egress";
}

RuleMatch ToMatch(const PolicyEntry& entry, bool has_l7) {
  RuleMatch match;
  match.policy = entry.policy;
  match.rule = entry.rule;
  match.entry = entry.entry;
  match.direction = entry.direction;
  match.deny = entry.deny;
  match.has_l7 = has_l7;
  match.location = entry.location;
  match.description = entry.description;
  return match;
}

RuleMatch Implicit(ir::Direction direction, std::string description) {
  RuleMatch match;
  match.direction = direction;
  match.description = std::move(description);
  return match;
}

struct L7Judgement {
  bool judged = false;   // the flow carried a request of a type the rules constrain
  bool allowed = true;
};

// 7.1-7.5: every request type the flow carries that these rules constrain.
L7Judgement JudgeL7(const std::vector<const ir::L7Rules*>& rules, const Flow& flow, const ir::Settings& settings) {
  L7Judgement out;
  for (const ir::L7Rules* l7 : rules) {
    bool ok = true;
    bool judged = false;
    if (flow.http && l7->http) {
      judged = true;
      ok = ok && HttpAllowed(*l7->http, *flow.http);
    }
    if (flow.dns && l7->dns) {
      judged = true;
      ok = ok && DnsAllowed(*l7->dns, flow.dns->query, settings.version);
    }
    if (flow.kafka && l7->kafka) {
      judged = true;
      ok = ok && KafkaAllowed(*l7->kafka, *flow.kafka);
    }
    if (!judged) continue;
    if (!out.judged) out.allowed = false;
    out.judged = true;
    if (ok) out.allowed = true;  // 7.4: rules are ORed
  }
  return out;
}

struct DirectionInput {
  ir::Direction direction;
  const ResolvedPeer* local;
  const Identity* remote;
  const Identity* destination;  // owns the named ports
  std::optional<uint16_t> port;
};

void Deny(DirectionResult& result, ir::DenyReason reason, std::optional<RuleMatch> deciding, std::string explanation,
          const ir::Settings& settings) {
  result.verdict = Verdict::kDeny;
  result.deny_reason = reason;
  result.deciding = std::move(deciding);
  result.explanation = std::move(explanation);
  // 8.4: audit mode lets BPF-level drops through; L7 refusals come from the proxy.
  if (settings.policy_audit_mode && reason != ir::DenyReason::kL7) {
    result.verdict = Verdict::kAudit;
    result.explanation += " (audit mode: allowed and logged as AUDIT)";
  }
}

DirectionResult EvaluateDirection(const DirectionInput& in, const std::vector<PolicyEntry>& entries, const Flow& flow,
                                  const ir::Settings& settings, std::vector<std::string>& warnings) {
  DirectionResult result;
  result.direction = in.direction;
  const Identity& self = in.local->self;
  const char* dir = DirectionName(in.direction);
  std::string who = self.description.empty() ? self.ToString() : self.description;
  if (!in.local->applies) {
    result.enforcement_reason = who + " has no policy of its own";
    result.explanation = "nothing is enforced at " + who;
    return result;
  }
  result.applies = true;
  // 3.5: never.
  if (settings.enforcement == ir::EnforcementMode::kNever) {
    result.enforcement_reason = "policy enforcement mode is never";
    result.explanation = "allowed: enforcement is off";
    return result;
  }
  bool host = self.kind == IdentityKind::kHost;
  if (host && !settings.host_firewall) {
    result.enforcement_reason = who + " is a host and the host firewall is off";
    result.explanation = "allowed: host policies are not enforced";
    return result;
  }
  std::vector<const PolicyEntry*> selecting;
  for (const auto& entry : entries) {
    if (entry.direction == in.direction && SelectsSubject(entry, self)) selecting.push_back(&entry);
  }
  // 3.1, 3.4, 3.5: enforcement and default deny.
  if (self.HasReserved("init")) {
    result.enforced = true;
    result.default_deny = true;
    result.enforcement_reason = "reserved:init endpoints are always enforced with default deny";
  } else if (settings.enforcement == ir::EnforcementMode::kAlways) {
    result.enforced = true;
    result.default_deny = true;
    result.enforcement_reason = "policy enforcement mode is always";
  } else if (selecting.empty()) {
    result.enforcement_reason = "no policy selects " + who + " for " + dir;
    result.explanation = "allowed: " + std::string(dir) + " is not enforced";
    return result;
  } else {
    result.enforced = true;
    result.default_deny = std::any_of(selecting.begin(), selecting.end(), [](const PolicyEntry* e) {
      return e->default_deny;
    });
    result.enforcement_reason = std::to_string(selecting.size()) + " " + dir + " rule entr" +
                                (selecting.size() == 1 ? "y selects " : "ies select ") + who + " (";
    constexpr size_t kNamed = 3;
    for (size_t i = 0; i < selecting.size() && i < kNamed; ++i) {
      result.enforcement_reason += (i > 0 ? ", " : "") + selecting[i]->description;
    }
    if (selecting.size() > kNamed) result.enforcement_reason += ", ...";
    result.enforcement_reason += result.default_deny
                                     ? "); default deny is on"
                                     : "); every one sets enableDefaultDeny false, so default deny is off";
  }

  // fromRequires of every selecting entry constrain all endpoint peers.
  std::vector<EffectiveSelector> requirements;
  for (const PolicyEntry* entry : selecting) {
    requirements.insert(requirements.end(), entry->requirements.begin(), entry->requirements.end());
  }
  // Match every selecting entry (L3 then L4).
  std::vector<const PolicyEntry*> denies, plain_allows, l7_allows;
  std::vector<std::vector<const ir::L7Rules*>> l7_rules;
  for (const PolicyEntry* entry : selecting) {
    if (!L3Matches(*entry, *in.remote, settings.version, requirements)) continue;
    internal::L4Match l4 = internal::MatchL4(*entry, flow, in.port, *in.destination, settings);
    if (!l4.matched) continue;
    bool has_l7 = !entry->deny && !l4.plain;
    result.matches.push_back(ToMatch(*entry, has_l7));
    if (entry->deny) {
      denies.push_back(entry);
    } else if (l4.plain) {
      plain_allows.push_back(entry);
    } else {
      l7_allows.push_back(entry);
      l7_rules.push_back(l4.l7);
    }
  }
  // Warnings of the selecting entries (e.g. a toServices that selects nothing).
  for (const PolicyEntry* entry : selecting) {
    for (const auto& w : entry->warnings) {
      if (std::find(warnings.begin(), warnings.end(), w) == warnings.end()) warnings.push_back(w);
    }
  }

  // 6.6: toFQDNs learns addresses only from DNS answers seen by the DNS
  // proxy, i.e. when an egress rule with `rules.dns` selects the endpoint.
  if (in.direction == ir::Direction::kEgress && !in.remote->fqdns.empty()) {
    bool fqdn_matched = false;
    for (const PolicyEntry* entry : plain_allows) {
      for (const auto& peer : entry->peers) {
        if (peer.kind == PeerMatcher::Kind::kFqdn && PeerMatches(peer, *in.remote, settings.version)) fqdn_matched = true;
      }
    }
    bool dns_proxy = std::any_of(selecting.begin(), selecting.end(), [](const PolicyEntry* e) {
      return e->ports && std::any_of(e->ports->begin(), e->ports->end(), [](const internal::PortSpec& p) {
               return p.l7 != nullptr && p.l7->dns.has_value();
             });
    });
    if (fqdn_matched && !dns_proxy) {
      warnings.push_back(who + ": toFQDNs matches " + in.remote->description +
                         ", but no egress rule with rules.dns selects it, so Cilium never learns the addresses (6.6)");
    }
  }
  // 4: deny wins over allow.
  if (!denies.empty()) {
    Deny(result, ir::DenyReason::kDenyRule, ToMatch(*denies.front(), false),
         "denied by " + denies.front()->description, settings);
    return result;
  }
  // 7.4: an L3/L4 allow without L7 makes the port's L7 a wildcard.
  if (!plain_allows.empty()) {
    result.deciding = ToMatch(*plain_allows.front(), false);
    result.explanation = "allowed by " + plain_allows.front()->description;
    return result;
  }
  // 3.4: enableDefaultDeny false adds a lowest-precedence allow-all; since
  // 1.18 it also appends an allow-all L7 rule.
  bool wildcard_default = !result.default_deny;
  if (!l7_allows.empty() && !(wildcard_default && settings.version.AtLeast(1, 18))) {
    std::vector<const ir::L7Rules*> all;
    for (const auto& rules : l7_rules) all.insert(all.end(), rules.begin(), rules.end());
    L7Judgement judgement = JudgeL7(all, flow, settings);
    if (judgement.judged && !judgement.allowed) {
      Deny(result, ir::DenyReason::kL7, ToMatch(*l7_allows.front(), true),
           "L3/L4 allowed by " + l7_allows.front()->description + ", but its L7 rules refuse the request", settings);
      return result;
    }
    const PolicyEntry* decider = l7_allows.front();
    for (size_t i = 0; i < l7_allows.size(); ++i) {
      if (JudgeL7(l7_rules[i], flow, settings).allowed) {
        decider = l7_allows[i];
        break;
      }
    }
    result.deciding = ToMatch(*decider, true);
    result.explanation = "allowed by " + decider->description +
                         (judgement.judged ? " (the L7 rules allow the request)" : " at L3/L4 (its L7 rules judge requests)");
    return result;
  }
  if (wildcard_default) {
    result.deciding = Implicit(in.direction, "allow-all added because no selecting rule enables default deny (3.4)");
    result.matches.push_back(*result.deciding);
    result.explanation = "allowed: " + std::string(dir) + " is enforced without default deny";
    return result;
  }
  // 3.6: allow-localhost (a Cilium deviation: the upstream specification
  // has no exception for the local host).
  if (in.direction == ir::Direction::kIngress && !host && in.remote->HasReserved("host") &&
      settings.allow_localhost == ir::AllowLocalhost::kAlways && settings.semantics == ir::Semantics::kCilium) {
    result.deciding = Implicit(in.direction, "allow-localhost: ingress from the local host is always allowed (3.6)");
    result.matches.push_back(*result.deciding);
    result.explanation = "allowed: traffic from the local host (--allow-localhost=always)";
    return result;
  }
  Deny(result, ir::DenyReason::kDefaultDeny, std::nullopt,
       "denied by default deny: no " + std::string(dir) + " rule allows it", settings);
  return result;
}

}  // namespace

FlowResult Evaluator::Evaluate(const Flow& flow) const {
  const State& s = *state_;
  FlowResult result;
  result.egress.direction = ir::Direction::kEgress;
  result.ingress.direction = ir::Direction::kIngress;
  std::string source_node = PeerNode(flow.source, s.inventory);
  std::string destination_node = PeerNode(flow.destination, s.inventory);
  ResolvedPeer source = ResolvePeer(flow.source, destination_node, s.inventory, s.settings);
  ResolvedPeer destination = ResolvePeer(flow.destination, source_node, s.inventory, s.settings);
  // An entity:host source next to an endpoint: the endpoint's own node.
  if (source_node.empty() && !destination.self.node.empty() && std::holds_alternative<ir::EntityPeer>(flow.source)) {
    source = ResolvePeer(flow.source, destination.self.node, s.inventory, s.settings);
  }
  for (const ResolvedPeer* peer : {&source, &destination}) {
    result.warnings.insert(result.warnings.end(), peer->warnings.begin(), peer->warnings.end());
    if (peer->error && !result.error) result.error = peer->error;
  }
  std::string port_error;
  std::optional<uint16_t> port = internal::ResolveFlowPort(flow, destination.self, &port_error);
  if (!port_error.empty() && !result.error) result.error = port_error;
  if (result.error) {
    result.verdict = Verdict::kDeny;
    return result;
  }
  result.egress = EvaluateDirection({ir::Direction::kEgress, &source, &destination.seen, &destination.self, port},
                                    s.entries, flow, s.settings, result.warnings);
  result.ingress = EvaluateDirection({ir::Direction::kIngress, &destination, &source.seen, &destination.self, port},
                                     s.entries, flow, s.settings, result.warnings);
  // Both sides must allow; the source's egress is checked first.
  for (const DirectionResult* side : {&result.egress, &result.ingress}) {
    if (side->verdict == Verdict::kDeny) {
      result.verdict = Verdict::kDeny;
      result.denied_at = side->direction;
      result.deny_reason = side->deny_reason;
      return result;
    }
  }
  for (const DirectionResult* side : {&result.egress, &result.ingress}) {
    if (side->verdict == Verdict::kAudit) {
      result.verdict = Verdict::kAudit;
      result.denied_at = side->direction;
      result.deny_reason = side->deny_reason;
      return result;
    }
  }
  return result;
}

}  // namespace polc::verifier
