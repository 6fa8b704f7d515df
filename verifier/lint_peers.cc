// empty-peer-list: an explicitly empty peer list (cilium-semantics.md 3.3).
//
// Cilium distinguishes an absent peer field (no L3 constraint) from an empty
// one. mergeEndpointSelectors returns "no selectors" for an empty
// fromEndpoints/fromNodes/fromEntities/fromCIDR/fromCIDRSet (and the to*
// twins), so the rule selects nothing. toFQDNs, toServices and to/fromGroups
// are not in that check: an empty one leaves the L3 list empty, which with
// toPorts/icmps means "every destination" (3.3, code reading) — worse than
// nothing, so those get a different message.
#include <fmt/format.h>

#include <string>
#include <string_view>

#include "verifier/lint_family.h"

namespace polc::verifier {

namespace {

bool IsEmpty(const auto& list) {
  return list.has_value() && list->empty();
}
bool NonEmpty(const auto& list) {
  return list.has_value() && !list->empty();
}

void ReportSelectsNothing(const LintContext& ctx, const ir::Policy& policy, const ir::PeerRule& peer,
                          std::string_view suffix, ir::SourceLocation key) {
  const std::string field = PeerFieldName(peer, suffix);
  ctx.Report(policy, ir::RuleId::kEmptyPeerList, Either(key, peer.location),
             fmt::format("`{}: []` is an empty list: Cilium selects no peer from it, so this rule {} nothing "
                         "(cilium-semantics.md 3.3)",
                         field, peer.deny ? "denies" : "allows"),
             fmt::format("Write `{}: [{{}}]` to select every endpoint, or remove `{}` to drop the L3 constraint.",
                         field, field));
}

void ReportNotAConstraint(const LintContext& ctx, const ir::Policy& policy, const ir::PeerRule& peer,
                          std::string_view field, ir::SourceLocation key) {
  const bool has_l4 = NonEmpty(peer.to_ports) || NonEmpty(peer.icmps);
  std::string effect = has_l4
                           ? "with toPorts/icmps the rule then allows those ports to every destination, world included"
                           : "the rule selects no peer";
  ctx.Report(policy, ir::RuleId::kEmptyPeerList, Either(key, peer.location),
             fmt::format("`{}: []` is an empty list, and Cilium does not count an empty {} as an L3 constraint: "
                         "{} (cilium-semantics.md 3.3, code reading)",
                         field, field, effect),
             fmt::format("List the peers in `{}`, or remove it.", field));
}

void LintPeerRule(const LintContext& ctx, const ir::Policy& policy, const ir::PeerRule& peer) {
  const ir::PeerFieldLocations& at = peer.field_locations;
  if (IsEmpty(peer.endpoints)) ReportSelectsNothing(ctx, policy, peer, "Endpoints", at.endpoints);
  if (IsEmpty(peer.nodes)) ReportSelectsNothing(ctx, policy, peer, "Nodes", at.nodes);
  if (IsEmpty(peer.entities)) ReportSelectsNothing(ctx, policy, peer, "Entities", at.entities);
  if (IsEmpty(peer.cidr)) ReportSelectsNothing(ctx, policy, peer, "CIDR", at.cidr);
  if (IsEmpty(peer.cidr_set)) ReportSelectsNothing(ctx, policy, peer, "CIDRSet", at.cidr_set);
  if (IsEmpty(peer.services)) ReportNotAConstraint(ctx, policy, peer, "toServices", at.services);
  if (IsEmpty(peer.fqdns)) ReportNotAConstraint(ctx, policy, peer, "toFQDNs", at.fqdns);
  if (IsEmpty(peer.groups)) ReportNotAConstraint(ctx, policy, peer, PeerFieldName(peer, "Groups"), at.groups);
}

}  // namespace

void LintPeers(const LintContext& ctx) {
  for (const ir::Policy& policy : ctx.policies.policies) {
    ForEachPeerRule(policy, [&](const ir::Rule&, const ir::PeerRule& peer) { LintPeerRule(ctx, policy, peer); });
  }
}

}  // namespace polc::verifier
