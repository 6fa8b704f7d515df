// The report of `polc verify`: one line per property result (verdict,
// property, scope, summary) and, for a failure, the evidence: the
// counterexample pod and flow, the reference evaluator's replay of that flow
// and the rule trail with file:line. With a baseline the report holds only
// the regressions (see cli/verify_baseline.h). Formats: text, json (stable
// key order), sarif (the properties as rules, failures as results) and
// github (workflow commands that annotate the pull request).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/lockout.h"
#include "cli/verify_analysis.h"
#include "ir/policy.h"
#include "ir/source_location.h"
#include "verifier/properties.h"

namespace polc::cli {

enum class VerifyFormat { kText, kJson, kSarif, kGithub };
std::optional<VerifyFormat> ParseVerifyFormat(std::string_view name);  // text|json|sarif|github

struct VerifyReport {
  // What to report: every result, or only the regressions with a baseline.
  std::vector<verifier::PropertyResult> results;
  size_t checked = 0;  // property results computed (before keeping only regressions)
  std::vector<std::string> scope;  // the namespaces of the namespace-scoped properties
  // Set in regression mode: what the results are compared with ("old/" or
  // "policies/ at main").
  std::optional<std::string> baseline;
  std::vector<LockoutEntry> lost_system_flows;  // regression mode: system flows the baseline allowed
  // Rule analysis and policy-map pressure (cli/verify_analysis.h); not run
  // with --no-analysis; in regression mode only the findings the baseline
  // does not have (NewAnalysisFindings).
  bool analysis_run = false;
  std::vector<AnalysisFinding> analysis;
};

// True when the report holds a failing property, a lost system flow or an
// analysis error (a policy map above bpf-policy-map-max): exit 1.
bool VerifyFailed(const VerifyReport& report);

// `policies` are the policies the results' rule indexes point into, `files`
// resolves their locations.
std::string RenderVerify(const VerifyReport& report, VerifyFormat format, const ir::PolicySet& policies,
                         const ir::FileTable& files);

}  // namespace polc::cli
