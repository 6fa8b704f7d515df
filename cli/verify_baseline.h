// `polc verify --baseline OLD | --base-ref REV`: the pre-merge lockout gate
// reports only regressions (issue 5 section 1): a property result (property
// and scope) that held in the baseline and fails now, a system flow (DNS,
// kube-apiserver, host, kube-system) that the baseline allowed and the
// current version does not, and analysis findings the baseline did not have
// (so a policy-map overflow a change introduces fails the gate).
#pragma once

#include <vector>

#include "cli/lockout.h"
#include "cli/verify_analysis.h"
#include "verifier/properties.h"

namespace polc::cli {

// The results of `current` that fail while the result of the same property
// and scope in `baseline` held, in the order of `current`. A result whose
// property and scope the baseline lacks (a node that did not exist) did not
// hold before, so it is no regression.
std::vector<verifier::PropertyResult> PropertyRegressions(const std::vector<verifier::PropertyResult>& baseline,
                                                          const std::vector<verifier::PropertyResult>& current);

// The entries of a lockout summary that are system flows (every class but
// "other"), sorted as SortLockout sorts them (system flows first).
std::vector<LockoutEntry> SystemFlowRegressions(std::vector<LockoutEntry> lockout);

// The findings of `current` the baseline does not have, in the order of
// `current`. Findings are the same when rule, policy and key are (see
// AnalysisFinding), never by line, since lines move with every edit; each
// baseline finding excuses one current finding, so a second dead entry
// under the same key is still new.
std::vector<AnalysisFinding> NewAnalysisFindings(const std::vector<AnalysisFinding>& baseline,
                                                 std::vector<AnalysisFinding> current);

}  // namespace polc::cli
