// `polc verify --baseline OLD | --base-ref REV`: the pre-merge lockout gate
// reports only regressions (issue 5 section 1): a property result (property
// and scope) that held in the baseline and fails now, and a system flow
// (DNS, kube-apiserver, host, kube-system) that the baseline allowed and the
// current version does not.
#pragma once

#include <vector>

#include "cli/lockout.h"
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

}  // namespace polc::cli
