// RunLints and the one table of lint families.
#include "verifier/lints.h"

#include <array>

#include "verifier/lint_family.h"

namespace polc::verifier {

namespace {

using ir::RuleId;

constexpr RuleId kDirectionRules[] = {RuleId::kEmptyDirectionNoEffect, RuleId::kL4OnlyAllowsWorld,
                                      RuleId::kKnpPolicyTypesMismatch};
constexpr RuleId kPeerRules[] = {RuleId::kEmptyPeerList};
constexpr RuleId kEntityRules[] = {RuleId::kUnknownEntity, RuleId::kEntityNotInCrd};
constexpr RuleId kCidrRules[] = {RuleId::kCidrSinglePrivateIp};
constexpr RuleId kSelectorRules[] = {RuleId::kNamespaceLabelOverwritten, RuleId::kLongSelectorValueList,
                                     RuleId::kEmptyEndpointSelectorCcnp};
constexpr RuleId kL7Rules[] = {RuleId::kL7OnAllEndpoints};
constexpr RuleId kFqdnRules[] = {RuleId::kFqdnTooBroad, RuleId::kFqdnNeverMatches, RuleId::kFqdnDoubleStar};
constexpr RuleId kHttpRules[] = {RuleId::kInvalidHttpRegex, RuleId::kHttpPathNotAbsolute, RuleId::kHttpPathPrefix,
                                 RuleId::kHttpHeaderPresenceOnly};
constexpr RuleId kMetadataRules[] = {RuleId::kIgnoredAnnotation, RuleId::kDuplicatePolicyName,
                                     RuleId::kMissingNamespace};
constexpr RuleId kRuleAnalysisRules[] = {RuleId::kSelectorMatchesNothing, RuleId::kAllowDeadByDeny,
                                         RuleId::kRuleEntryShadowed, RuleId::kRedundantPolicy,
                                         RuleId::kSelectorMatchesNoPod};
constexpr RuleId kMapPressureRules[] = {RuleId::kPolicyMapPressure, RuleId::kPolicyMapOverflow};

constexpr std::array kLintFamilies = {
    LintFamily{"directions", LintDirections, kDirectionRules},
    LintFamily{"peers", LintPeers, kPeerRules},
    LintFamily{"entities", LintEntities, kEntityRules},
    LintFamily{"cidr", LintCidr, kCidrRules},
    LintFamily{"selectors", LintSelectors, kSelectorRules},
    LintFamily{"l7", LintL7, kL7Rules},
    LintFamily{"fqdn", LintFqdn, kFqdnRules},
    LintFamily{"http", LintHttp, kHttpRules},
    LintFamily{"metadata", LintMetadata, kMetadataRules},
    LintFamily{"rule_analysis", LintRuleAnalysis, kRuleAnalysisRules},
    LintFamily{"map_pressure", LintMapPressure, kMapPressureRules},
};

}  // namespace

std::span<const LintFamily> AllLintFamilies() {
  return kLintFamilies;
}

void LintContext::Report(const ir::Policy& policy, ir::RuleId rule, ir::SourceLocation location, std::string message,
                         std::string hint) const {
  if (!location.Known()) location = policy.meta.location;
  sink.Report(rule, location, std::move(message), std::move(hint), policy.object);
}

bool IsCilium(const ir::Policy& policy) {
  return policy.kind == ir::PolicyKind::kCiliumNetworkPolicy ||
         policy.kind == ir::PolicyKind::kCiliumClusterwideNetworkPolicy;
}

std::array<RuleSection, 4> Sections(const ir::Rule& rule) {
  return {RuleSection{"ingress", &rule.ingress, rule.ingress_location},
          RuleSection{"ingressDeny", &rule.ingress_deny, rule.ingress_deny_location},
          RuleSection{"egress", &rule.egress, rule.egress_location},
          RuleSection{"egressDeny", &rule.egress_deny, rule.egress_deny_location}};
}

void ForEachPeerRule(const ir::Policy& policy, const std::function<void(const ir::Rule&, const ir::PeerRule&)>& visit) {
  if (!IsCilium(policy)) return;
  for (const ir::Rule& rule : policy.rules) {
    for (const RuleSection& section : Sections(rule)) {
      if (!*section.rules) continue;
      for (const ir::PeerRule& peer : **section.rules) visit(rule, peer);
    }
  }
}

std::string PeerFieldName(const ir::PeerRule& peer, std::string_view suffix) {
  std::string name = peer.direction == ir::Direction::kIngress ? "from" : "to";
  name += suffix;
  return name;
}

void RunLints(const ir::PolicySet& policies, const ir::Settings& settings, ir::DiagnosticSink& sink) {
  const LintContext ctx{policies, settings, sink, nullptr};
  for (const LintFamily& family : kLintFamilies) family.run(ctx);
}

void RunLints(const ir::PolicySet& policies, const ir::Settings& settings, const ir::Inventory& inventory,
              ir::DiagnosticSink& sink) {
  const LintContext ctx{policies, settings, sink, &inventory};
  for (const LintFamily& family : kLintFamilies) family.run(ctx);
}

}  // namespace polc::verifier
