#include "cli/flow_trail.h"

#include <fmt/format.h>

namespace polc::cli {
namespace {

using Json = nlohmann::ordered_json;

std::string LineOf(const ir::SourceLocation& location, const ir::FileTable& files) {
  if (!location.Known() || location.file >= files.size()) return {};
  if (location.line == 0) return files.Path(location.file);
  return fmt::format("{}:{}", files.Path(location.file), location.line);
}

TrailRule MakeRule(const verifier::RuleMatch& match, const ir::PolicySet& policies, const ir::FileTable& files) {
  TrailRule rule;
  rule.location = LineOf(match.location, files);
  if (match.policy >= 0 && static_cast<size_t>(match.policy) < policies.policies.size()) {
    const ir::Policy& policy = policies.policies[match.policy];
    rule.policy = policy.meta.namespace_.empty()
                      ? fmt::format("{} {}", ir::PolicyKindName(policy.kind), policy.meta.name)
                      : fmt::format("{} {}/{}", ir::PolicyKindName(policy.kind), policy.meta.namespace_,
                                    policy.meta.name);
    if (rule.location.empty()) rule.location = LineOf(policy.meta.location, files);
  }
  rule.description = match.description;
  rule.deny = match.deny;
  rule.has_l7 = match.has_l7;
  return rule;
}

TrailSide MakeSide(const verifier::DirectionResult& side, const ir::PolicySet& policies, const ir::FileTable& files) {
  TrailSide out;
  out.direction = DirectionName(side.direction);
  out.applies = side.applies;
  out.enforced = side.enforced;
  out.default_deny = side.default_deny;
  out.enforcement_reason = side.enforcement_reason;
  out.verdict = std::string(verifier::VerdictName(side.verdict));
  if (side.deny_reason) out.deny_reason = DenyReasonName(*side.deny_reason);
  for (const verifier::RuleMatch& match : side.matches) out.matches.push_back(MakeRule(match, policies, files));
  if (side.deciding) out.deciding = MakeRule(*side.deciding, policies, files);
  out.explanation = side.explanation;
  return out;
}

// "p.yaml:12 (CiliumNetworkPolicy ns/name egress[0])", the deciding rule of a side.
std::string RuleText(const TrailRule& rule) {
  std::string what = rule.description.empty() ? rule.policy : rule.description;
  if (rule.location.empty()) return what.empty() ? "an implicit rule" : what;
  return what.empty() ? rule.location : fmt::format("{} ({})", rule.location, what);
}

// What decided one side, briefly: its rule's file:line, or why there is none.
std::string SideDecision(const TrailSide& side) {
  if (!side.applies || !side.enforced) return "no policy";
  if (side.deciding && !side.deciding->location.empty()) return side.deciding->location;
  if (side.deciding) return RuleText(*side.deciding);
  if (side.verdict != "allow") return side.default_deny ? "default deny" : side.deny_reason;
  return "allowed";
}

Json SideJson(const TrailSide& side) {
  Json j;
  j["direction"] = side.direction;
  j["applies"] = side.applies;
  j["enforced"] = side.enforced;
  j["defaultDeny"] = side.default_deny;
  j["enforcementReason"] = side.enforcement_reason;
  j["verdict"] = side.verdict;
  j["denyReason"] = side.deny_reason.empty() ? Json(nullptr) : Json(side.deny_reason);
  j["matches"] = Json::array();
  for (const TrailRule& rule : side.matches) j["matches"].push_back(TrailRuleJson(rule));
  j["deciding"] = side.deciding ? TrailRuleJson(*side.deciding) : Json(nullptr);
  j["explanation"] = side.explanation;
  return j;
}

void AppendSide(std::string& out, const TrailSide& side, std::string_view where, std::string_view indent) {
  out += fmt::format("{}{} ({}): {}", indent, side.direction, where, side.verdict);
  if (!side.deny_reason.empty()) out += fmt::format(" ({})", side.deny_reason);
  out += "\n";
  std::string inner = std::string(indent) + "  ";
  if (!side.applies) {
    out += fmt::format("{}no policy applies on this side (an external peer has none of its own)\n", inner);
  } else {
    out += fmt::format("{}enforcement: {}{}{}\n", inner, side.enforced ? "on" : "off",
                       side.enforced && side.default_deny ? ", default deny" : "",
                       side.enforcement_reason.empty() ? "" : " - " + side.enforcement_reason);
  }
  for (const TrailRule& rule : side.matches) {
    out += fmt::format("{}matched {}{}: {}\n", inner, rule.deny ? "deny" : "allow", rule.has_l7 ? " (L7)" : "",
                       RuleText(rule));
  }
  if (side.applies && side.enforced && side.matches.empty()) out += fmt::format("{}no rule matched\n", inner);
  if (side.deciding) {
    out += fmt::format("{}decided by: {}\n", inner, RuleText(*side.deciding));
  } else if (side.applies && side.enforced && side.verdict != "allow") {
    out += fmt::format("{}decided by: {}\n", inner, side.default_deny ? "default deny (no rule allows it)" : "no rule");
  }
  if (!side.explanation.empty()) out += fmt::format("{}{}\n", inner, side.explanation);
}

}  // namespace

Json TrailRuleJson(const TrailRule& rule) {
  Json j;
  j["location"] = rule.location.empty() ? Json(nullptr) : Json(rule.location);
  j["policy"] = rule.policy.empty() ? Json(nullptr) : Json(rule.policy);
  j["description"] = rule.description;
  j["action"] = rule.deny ? "deny" : "allow";
  j["l7"] = rule.has_l7;
  return j;
}

std::string DenyReasonName(ir::DenyReason reason) {
  switch (reason) {
    case ir::DenyReason::kDefaultDeny: return "default-deny";
    case ir::DenyReason::kDenyRule: return "deny-rule";
    case ir::DenyReason::kL7: return "l7";
  }
  return "default-deny";
}

std::string DirectionName(ir::Direction direction) {
  return direction == ir::Direction::kEgress ? "egress" : "ingress";
}

TrailRule MakeTrailRule(const verifier::RuleMatch& match, const ir::PolicySet& policies, const ir::FileTable& files) {
  return MakeRule(match, policies, files);
}

FlowTrail MakeTrail(const verifier::FlowResult& result, const ir::PolicySet& policies, const ir::FileTable& files) {
  FlowTrail trail;
  trail.egress = MakeSide(result.egress, policies, files);
  trail.ingress = MakeSide(result.ingress, policies, files);
  trail.verdict = result.error ? "error" : std::string(verifier::VerdictName(result.verdict));
  if (result.denied_at) trail.denied_at = DirectionName(*result.denied_at);
  if (result.deny_reason) trail.deny_reason = DenyReasonName(*result.deny_reason);
  trail.warnings = result.warnings;
  if (result.error) trail.error = *result.error;
  return trail;
}

std::string DecidingSummary(const FlowTrail& trail) {
  if (!trail.error.empty()) return "error: " + trail.error;
  if (trail.verdict != "allow" && !trail.denied_at.empty()) {
    const TrailSide& side = trail.denied_at == "egress" ? trail.egress : trail.ingress;
    return fmt::format("{}: {}", side.direction, SideDecision(side));
  }
  return fmt::format("egress: {}, ingress: {}", SideDecision(trail.egress), SideDecision(trail.ingress));
}

std::string RenderTrailText(const FlowTrail& trail, std::string_view indent) {
  std::string out;
  if (!trail.error.empty()) out += fmt::format("{}error: {}\n", indent, trail.error);
  AppendSide(out, trail.egress, "at the source", indent);
  AppendSide(out, trail.ingress, "at the destination", indent);
  out += fmt::format("{}verdict: {}", indent, trail.verdict);
  if (!trail.denied_at.empty()) out += fmt::format(", denied at {}", trail.denied_at);
  if (!trail.deny_reason.empty()) out += fmt::format(" ({})", trail.deny_reason);
  out += "\n";
  for (const std::string& warning : trail.warnings) out += fmt::format("{}warning: {}\n", indent, warning);
  return out;
}

Json TrailJson(const FlowTrail& trail) {
  Json j;
  j["verdict"] = trail.verdict;
  j["deniedAt"] = trail.denied_at.empty() ? Json(nullptr) : Json(trail.denied_at);
  j["reason"] = trail.deny_reason.empty() ? Json(nullptr) : Json(trail.deny_reason);
  j["egress"] = SideJson(trail.egress);
  j["ingress"] = SideJson(trail.ingress);
  j["warnings"] = trail.warnings;
  j["error"] = trail.error.empty() ? Json(nullptr) : Json(trail.error);
  return j;
}

}  // namespace polc::cli
