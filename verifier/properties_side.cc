// One side's verdict over every pod of a PodSpace: the evaluator's
// EvaluateDirection (verifier/evaluator.cc) written as BDD operations, for a
// flow without an L7 request. Kept line by line next to it:
//   allowed = not enforced, or (no matching deny and (a matching allow, or
//             no default deny, or allow-localhost)).
#include <algorithm>

#include "verifier/properties_internal.h"

namespace polc::verifier::internal {
namespace {

bdd Const(bool value) { return value ? bddtrue : bddfalse; }

}  // namespace

RuleMatch EntryRuleMatch(const PolicyEntry& entry) {
  RuleMatch match;
  match.policy = entry.policy;
  match.rule = entry.rule;
  match.entry = entry.entry;
  match.direction = entry.direction;
  match.deny = entry.deny;
  match.has_l7 = entry.ports && std::any_of(entry.ports->begin(), entry.ports->end(),
                                            [](const PortSpec& p) { return p.l7 != nullptr; });
  match.location = entry.location;
  match.description = entry.description;
  return match;
}

bdd Enforced(ir::Direction direction, const PropertyContext& ctx, const PodSpace& space) {
  if (ctx.settings.enforcement == ir::EnforcementMode::kNever) return bddfalse;
  if (ctx.settings.enforcement == ir::EnforcementMode::kAlways) return bddtrue;
  bdd out = bddfalse;
  for (const auto& entry : ctx.entries) {
    if (entry.direction == direction) out |= space.Subject(entry);
  }
  return out;
}

bdd SideAllows(const SideInput& in, const PropertyContext& ctx, const Flow& flow, const PodSpace& space) {
  const ir::Settings& settings = ctx.settings;
  // 3.5 never; 8.4 audit mode lets every L3/L4 drop through.
  if (settings.enforcement == ir::EnforcementMode::kNever || settings.policy_audit_mode) return bddtrue;
  const Identity* self = nullptr;
  if (!in.local_abstract) {
    if (!in.local->applies) return bddtrue;
    self = &in.local->self;
    if (self->kind == IdentityKind::kHost && !settings.host_firewall) return bddtrue;
  }
  std::vector<const PolicyEntry*> entries;
  std::vector<bdd> selects;
  for (const auto& entry : ctx.entries) {
    if (entry.direction != in.direction) continue;
    bdd sel = in.local_abstract ? space.Subject(entry) : Const(SelectsSubject(entry, *self));
    if (sel == bddfalse) continue;
    entries.push_back(&entry);
    selects.push_back(sel);
  }
  // 3.1, 3.4, 3.5: enforcement and default deny.
  bdd enforced = bddfalse;
  bdd default_deny = bddfalse;
  for (size_t i = 0; i < entries.size(); ++i) {
    enforced |= selects[i];
    if (entries[i]->default_deny) default_deny |= selects[i];
  }
  if (settings.enforcement == ir::EnforcementMode::kAlways || (self != nullptr && self->HasReserved("init"))) {
    enforced = bddtrue;
    default_deny = bddtrue;
  }
  auto matches_remote = [&](const EffectiveSelector& selector) {
    if (in.remote_space != nullptr) return in.remote_space->Selector(selector);
    return in.local_abstract ? Const(selector.Matches(*in.remote)) : space.Selector(selector);
  };
  // fromRequires/toRequires of every selecting entry constrain the remote
  // side of all endpoint peers.
  bdd requirements = bddtrue;
  for (size_t i = 0; i < entries.size(); ++i) {
    bdd all = bddtrue;
    for (const auto& r : entries[i]->requirements) all &= matches_remote(r);
    requirements &= (!selects[i]) | all;
  }
  bdd deny = bddfalse;
  bdd allow = bddfalse;
  for (size_t i = 0; i < entries.size(); ++i) {
    const PolicyEntry& entry = *entries[i];
    if (!MatchL4(entry, flow, in.port, *in.destination, settings).matched) continue;
    bdd l3 = bddfalse;
    if (entry.l3_wildcard) {
      l3 = bddtrue;
    } else {
      for (const auto& peer : entry.peers) {
        bdd m = in.remote_space != nullptr ? in.remote_space->Peer(peer, settings.version)
                : in.local_abstract           ? Const(PeerMatches(peer, *in.remote, settings.version))
                                              : space.Peer(peer, settings.version);
        if (peer.endpoint_peer) m &= requirements;
        l3 |= m;
      }
    }
    bdd matched = selects[i] & l3;
    if (entry.deny) {
      deny |= matched;
    } else {
      allow |= matched;  // plain, or L7 rules that judge no request here
    }
  }
  // 3.6: allow-localhost, when the remote side is the local host.
  bool localhost = in.direction == ir::Direction::kIngress && in.local_abstract && in.remote->HasReserved("host") &&
                   settings.allow_localhost == ir::AllowLocalhost::kAlways &&
                   settings.semantics == ir::Semantics::kCilium;
  return (!enforced) | ((!deny) & (allow | (!default_deny) | Const(localhost)));
}

}  // namespace polc::verifier::internal
