// A verifier::FlowResult made printable: rule locations resolved to
// "file:line" through the FileTable of the load that produced the policies,
// so reports can outlive that load (each PolicyTest may load its own
// policies). Shared by `polc test` (the trail of a failed case) and
// `polc query` (the explanation), in text and JSON.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ir/policy.h"
#include "ir/source_location.h"
#include "verifier/evaluator.h"

namespace polc::cli {

struct TrailRule {
  std::string location;     // "file:line", or "" for implicit rules
  std::string policy;       // "CiliumNetworkPolicy ns/name", or "" for implicit rules
  std::string description;  // the evaluator's description of the entry
  bool deny = false;
  bool has_l7 = false;
};

struct TrailSide {
  std::string direction;  // "egress" (at the source) | "ingress" (at the destination)
  bool applies = false;
  bool enforced = false;
  bool default_deny = false;
  std::string enforcement_reason;
  std::string verdict;      // allow | deny | audit
  std::string deny_reason;  // default-deny | deny-rule | l7 | ""
  std::vector<TrailRule> matches;
  std::optional<TrailRule> deciding;
  std::string explanation;
};

struct FlowTrail {
  TrailSide egress;
  TrailSide ingress;
  std::string verdict;  // allow | deny | audit | error
  std::string denied_at;
  std::string deny_reason;
  std::vector<std::string> warnings;
  std::string error;
};

FlowTrail MakeTrail(const verifier::FlowResult& result, const ir::PolicySet& policies, const ir::FileTable& files);
// One rule entry made printable (used by `polc verify` for a property's rules).
TrailRule MakeTrailRule(const verifier::RuleMatch& match, const ir::PolicySet& policies, const ir::FileTable& files);

std::string DenyReasonName(ir::DenyReason reason);  // default-deny | deny-rule | l7
std::string DirectionName(ir::Direction direction);  // ingress | egress

// What decided, in one short phrase for a report line: for a denied flow the
// side and its rule ("egress: p.yaml:12" or "egress: default deny"); for an
// allowed one both sides ("egress: p.yaml:12, ingress: no policy").
std::string DecidingSummary(const FlowTrail& trail);

// The full trail, one fact per line, each line prefixed with `indent`.
std::string RenderTrailText(const FlowTrail& trail, std::string_view indent);

nlohmann::ordered_json TrailJson(const FlowTrail& trail);
// One rule as JSON: location, policy, description, action, l7.
nlohmann::ordered_json TrailRuleJson(const TrailRule& rule);

}  // namespace polc::cli
