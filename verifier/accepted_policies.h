// What Cilium actually enforces: the API server refuses an object with a
// schema error and the agent refuses a rule its Sanitize rejects
// (cilium-semantics.md 1.13), so such a policy takes no part in evaluation.
// Callers of the Evaluator (polc test, polc query) pass the loaded policies
// through this first.
#pragma once

#include <vector>

#include "ir/diagnostic.h"
#include "ir/policy.h"

namespace polc::verifier {

// The policies (and CIDR groups) without an error-severity finding on their
// object. `rejected`, when given, receives the indexes of dropped policies.
ir::PolicySet AcceptedPolicies(const ir::PolicySet& policies, const std::vector<ir::Diagnostic>& diagnostics,
                               std::vector<int>* rejected = nullptr);

}  // namespace polc::verifier
