// Lints about directions and what turns them on:
//   empty-direction-no-effect  (cilium-semantics.md 3.1, 3.2)
//   l4-only-allows-world       (3.3)
//   knp-policy-types-mismatch  (2.4, 11)
#include <fmt/format.h>

#include <algorithm>
#include <string>

#include "verifier/lint_family.h"

namespace polc::verifier {

namespace {

bool IsEmptyList(const std::optional<std::vector<ir::PeerRule>>& section) {
  return section.has_value() && section->empty();
}

// `ingress: []` creates no policy entry: entries are made one per element
// (RulesToPolicyEntries), and enableDefaultDeny only sets a flag on those
// entries, so neither the default deny nor anything else follows from an
// empty list (3.2). `ingress: [{}]` is the form that turns default deny on.
void LintEmptyDirections(const LintContext& ctx, const ir::Policy& policy) {
  for (const ir::Rule& rule : policy.rules) {
    const auto sections = Sections(rule);
    // A rule whose every section is an empty list is rejected by Sanitize
    // since 1.17 (empty-rule, reported there); do not report it twice.
    const bool all_empty = std::all_of(sections.begin(), sections.end(), [](const RuleSection& s) {
      return !s.rules->has_value() || (*s.rules)->empty();
    });
    if (all_empty && ctx.settings.version.AtLeast(1, 17)) continue;
    for (const RuleSection& section : sections) {
      if (!IsEmptyList(*section.rules)) continue;
      const bool deny = section.name.ends_with("Deny");
      std::string message =
          deny ? fmt::format(
                     "`{}: []` is an empty list: Cilium creates no entry from it, so it denies nothing "
                     "and has no effect (cilium-semantics.md 3.2)",
                     section.name)
               : fmt::format(
                     "`{}: []` is an empty list: Cilium creates no {} entry from it, so the selected "
                     "pods do not become {} default-deny and this section has no effect "
                     "(cilium-semantics.md 3.2)",
                     section.name, section.name, section.name);
      std::string hint = deny ? fmt::format("Remove `{}: []`, or list the peers to deny.", section.name)
                              : fmt::format(
                                    "Write `{0}: [{{}}]` (one empty rule) to deny all {0} traffic; enableDefaultDeny "
                                    "alone does not help, because it only applies to the entries of a non-empty list.",
                                    section.name);
      ctx.Report(policy, ir::RuleId::kEmptyDirectionNoEffect, Either(section.key_location, rule.location),
                 std::move(message), std::move(hint));
    }
  }
}

bool NonEmpty(const auto& list) {
  return list.has_value() && !list->empty();
}

// An allow rule with ports but no L3 field gets a wildcard L3 selector
// (createL4Filter: len(L3)==0 selects every identity), so it admits world,
// host and every pod on those ports (3.3). Only ingress: egress to any
// destination on a port (e.g. DNS) is the usual intent.
void LintL4OnlyIngress(const LintContext& ctx, const ir::Policy& policy) {
  ForEachPeerRule(policy, [&](const ir::Rule&, const ir::PeerRule& peer) {
    if (peer.direction != ir::Direction::kIngress || peer.deny || peer.HasL3()) return;
    if (!NonEmpty(peer.to_ports) && !NonEmpty(peer.icmps)) return;
    const std::string_view what = NonEmpty(peer.to_ports) ? "toPorts" : "icmps";
    ctx.Report(policy, ir::RuleId::kL4OnlyAllowsWorld, peer.location,
               fmt::format("this ingress rule has {} but no from* field, so Cilium allows those ports from "
                           "every identity: other pods, the host, remote nodes and the internet (world) "
                           "(cilium-semantics.md 3.3)",
                           what),
               "Add fromEndpoints, fromEntities or fromCIDR to say who may connect; if any source is really "
               "meant, write `fromEntities: [all]` to make that explicit.");
  });
}

bool Contains(const std::vector<ir::Direction>& types, ir::Direction direction) {
  return std::find(types.begin(), types.end(), direction) != types.end();
}

// Kubernetes reads spec.ingress/spec.egress only for the directions listed
// in policyTypes. Cilium's translation (ParseNetworkPolicy) walks both lists
// whatever policyTypes says (2.4), so which of the two wins is open
// (question 11); either way the author's intent is unclear.
void LintPolicyTypes(const LintContext& ctx, const ir::Policy& policy) {
  if (policy.kind != ir::PolicyKind::kNetworkPolicy || !policy.network_policy) return;
  const ir::NetworkPolicySpec& spec = *policy.network_policy;
  if (!spec.policy_types) return;  // absent: Kubernetes derives the types from the lists
  const ir::SourceLocation where = spec.policy_types_location.Known() ? spec.policy_types_location : spec.location;
  if (NonEmpty(spec.ingress) && !Contains(*spec.policy_types, ir::Direction::kIngress)) {
    ctx.Report(policy, ir::RuleId::kKnpPolicyTypesMismatch, where,
               "policyTypes does not list Ingress, so Kubernetes ignores spec.ingress, yet Cilium's translation "
               "still builds ingress allow entries from it (cilium-semantics.md 2.4; open question 11, not "
               "verified on a cluster): the policy means different things to different implementations",
               "Add Ingress to policyTypes if the ingress rules are meant, or delete spec.ingress.");
  }
  if (NonEmpty(spec.egress) && !Contains(*spec.policy_types, ir::Direction::kEgress)) {
    ctx.Report(policy, ir::RuleId::kKnpPolicyTypesMismatch, where,
               "policyTypes does not list Egress, so Kubernetes ignores spec.egress and leaves egress open, yet "
               "Cilium's translation still builds egress allow entries from it, which would make the pods egress "
               "default-deny (cilium-semantics.md 2.4 code reading; open question 11, not verified on a cluster)",
               "Add Egress to policyTypes if the egress rules are meant, or delete spec.egress.");
  }
}

}  // namespace

void LintDirections(const LintContext& ctx) {
  for (const ir::Policy& policy : ctx.policies.policies) {
    if (IsCilium(policy)) {
      LintEmptyDirections(ctx, policy);
      LintL4OnlyIngress(ctx, policy);
    } else {
      LintPolicyTypes(ctx, policy);
    }
  }
}

}  // namespace polc::verifier
