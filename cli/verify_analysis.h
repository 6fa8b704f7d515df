// The analysis part of `polc verify` (issue 5 sections 2 and 3): the rule
// analysis of verifier/rule_analysis.h (rules that never take effect, with
// the rules that block them and whether one has the opposite action;
// self-contradicting selectors; policies that change nothing; with an
// inventory, selectors that match no pod) and the policy-map prediction of
// verifier/map_pressure.h for every endpoint of the inventory.
//
// Rule-analysis findings are informational (level note) and do not change
// the exit code; an endpoint at 80% or more of bpf-policy-map-max is a
// warning, one above it an error that makes `polc verify` fail (exit 1),
// because the agent cannot regenerate that endpoint (cilium-semantics.md 8.3).
// The same findings are lint rules (verifier/lint_rule_analysis.cc,
// verifier/lint_map_pressure.cc); here they are computed on the policies in
// force only.
#pragma once

#include <string>
#include <vector>

#include "ir/inventory.h"
#include "ir/policy.h"
#include "ir/settings.h"
#include "ir/source_location.h"

namespace polc::cli {

enum class AnalysisLevel { kNote, kWarning, kError };
std::string_view AnalysisLevelName(AnalysisLevel level);  // "note", "warning", "error"

// A rule entry that decides what a shadowed entry would match.
struct AnalysisBlocker {
  std::string description;  // "CiliumNetworkPolicy shop/deny ingressDeny[0]"
  std::string location;     // "policies/deny.yaml:12", or empty
  bool deny = false;
};

struct AnalysisFinding {
  std::string part;   // "rule-analysis" or "policy-map"
  std::string rule;   // the lint rule id: allow-dead-by-deny, rule-entry-shadowed, redundant-policy,
                      // selector-matches-nothing, selector-matches-no-pod, policy-map-pressure, policy-map-overflow
  AnalysisLevel level = AnalysisLevel::kNote;
  std::string file;   // where the finding is, for annotations; empty when unknown
  int line = 0;
  std::string message;
  // Shadowed entries: the entries that block it; `opposite_action` when one
  // of them has the other action (an allow made dead by a deny).
  std::vector<AnalysisBlocker> blocking;
  bool opposite_action = false;
  // What identifies the finding across two versions (--baseline compares
  // rule, policy and key; lines move, so they are no part of it): the policy
  // ("CiliumNetworkPolicy shop/web"), and within it the entry, the selector's
  // contradiction or the selector's kind and namespace. Policy-map findings
  // name the endpoint as key and no policy, because the top contributor
  // changes with every policy that adds keys.
  std::string policy;
  std::string key;
};

// Every finding over `policies` (the policies in force), sorted by file,
// line, rule. Map pressure is predicted only when the inventory has endpoints.
std::vector<AnalysisFinding> AnalyzeForVerify(const ir::PolicySet& policies, const ir::Inventory& inventory,
                                              const ir::Settings& settings, const ir::FileTable& files);

}  // namespace polc::cli
