// The lint families behind RunLints, and the helpers they share.
//
// Each family lives in its own lint_<family>.cc, reads only the IR and
// reports through LintContext so every finding carries the policy's object
// index (annotation suppression keys on it). The families are listed once,
// in kLintFamilies (lints.cc); a test checks that every lint/performance rule
// in ir/diagnostic_rules.def is owned by exactly one family or is explicitly
// left to another layer.
#pragma once

#include <array>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ir/diagnostic.h"
#include "ir/inventory.h"
#include "ir/policy.h"
#include "ir/settings.h"

namespace polc::verifier {

struct LintContext {
  const ir::PolicySet& policies;
  const ir::Settings& settings;
  ir::DiagnosticSink& sink;
  // The cluster inventory, when the inputs have one (inventory lints stay
  // quiet without it).
  const ir::Inventory* inventory = nullptr;

  // Reports `rule` about `policy`. An unknown location (IR built without
  // positions, or a node the IR does not locate) falls back to the document.
  void Report(const ir::Policy& policy, ir::RuleId rule, ir::SourceLocation location, std::string message,
              std::string hint) const;
};

using LintFunction = void (*)(const LintContext& ctx);

struct LintFamily {
  std::string_view name;  // the file it lives in: lint_<name>.cc
  LintFunction run;
  std::span<const ir::RuleId> rules;  // the rules this family reports
};

// Every family, in the order RunLints runs them.
std::span<const LintFamily> AllLintFamilies();

// ---- families (one per lint_<name>.cc) --------------------------------------
void LintDirections(
    const LintContext& ctx);             // empty-direction-no-effect, l4-only-allows-world, knp-policy-types-mismatch
void LintPeers(const LintContext& ctx);  // empty-peer-list
void LintEntities(const LintContext& ctx);  // unknown-entity, entity-not-in-crd
void LintCidr(const LintContext& ctx);      // cidr-single-private-ip
void LintSelectors(
    const LintContext& ctx);          // namespace-label-overwritten, long-selector-value-list, ccnp-selects-everything
void LintL7(const LintContext& ctx);  // l7-on-all-endpoints
void LintFqdn(const LintContext& ctx);      // fqdn-too-broad, fqdn-never-matches, fqdn-double-star
void LintHttp(const LintContext& ctx);      // invalid-http-regex (host), http-path-*, http-header-presence-only
void LintMetadata(const LintContext& ctx);  // ignored-annotation, duplicate-policy-name, missing-namespace
// selector-matches-nothing, allow-dead-by-deny, rule-entry-shadowed, redundant-policy, selector-matches-no-pod
void LintRuleAnalysis(const LintContext& ctx);
void LintMapPressure(const LintContext& ctx);  // policy-map-pressure, policy-map-overflow

// ---- walking helpers ----------------------------------------------------------

bool IsCilium(const ir::Policy& policy);  // CNP or CCNP

// The four sections of a rule, in source order, with their YAML names.
struct RuleSection {
  std::string_view name;  // "ingress", "ingressDeny", "egress", "egressDeny"
  const std::optional<std::vector<ir::PeerRule>>* rules;
  ir::SourceLocation key_location;  // of the section's key; unknown when absent
};
std::array<RuleSection, 4> Sections(const ir::Rule& rule);

// Calls `visit` for every element of ingress/ingressDeny/egress/egressDeny of
// every rule of a CNP/CCNP (nothing for a NetworkPolicy).
void ForEachPeerRule(const ir::Policy& policy, const std::function<void(const ir::Rule&, const ir::PeerRule&)>& visit);

// `preferred` if known, else `fallback`.
inline ir::SourceLocation Either(ir::SourceLocation preferred, ir::SourceLocation fallback) {
  return preferred.Known() ? preferred : fallback;
}

// The YAML name of a peer field in a rule's direction: PeerFieldName(peer,
// "Endpoints") is "fromEndpoints" on ingress, "toEndpoints" on egress.
std::string PeerFieldName(const ir::PeerRule& peer, std::string_view suffix);

}  // namespace polc::verifier
