// `polc verify`: properties proved for every possible pod (issue 5), not
// only the pods of the inventory. The pods of a namespace are abstracted
// finitely (design-brief.md "Symbolic reasoning": per label key the values
// rules mention plus "another value" plus "absent"; likewise service
// accounts), the abstraction is encoded in BDDs (BuDDy), and each property
// is decided exactly on it. A failing property comes with a concrete
// counterexample (a pod's labels and a flow) that the reference evaluator
// is asked about again (`replay`), so the evidence never rests on the
// symbolic engine alone.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ir/inventory.h"
#include "ir/policy.h"
#include "ir/policy_test.h"
#include "ir/settings.h"
#include "ir/source_location.h"
#include "ir/verify_config.h"
#include "verifier/evaluator.h"

namespace polc::verifier {

enum class PropertyVerdict { kHolds, kFails, kNotApplicable };
std::string_view PropertyVerdictName(PropertyVerdict verdict);  // "holds", "fails", "n/a"

struct Counterexample {
  Flow flow;                // source/destination as PolicyTest peers (a LabelsPeer for an abstract pod)
  std::string description;  // e.g. "a pod of namespace shop with labels {app: x} is selected by no ingress policy"
  FlowResult replay;        // the reference evaluator's verdict and trail on `flow`
};

struct PropertyResult {
  std::string property;  // "default-deny", "dns", "apiserver", "host-lockout"
  std::string scope;     // "namespace shop", "namespace shop, ingress", "node node-1", ...
  PropertyVerdict verdict = PropertyVerdict::kHolds;
  std::string summary;   // one sentence, what holds or what fails
  std::optional<Counterexample> counterexample;  // with kFails
  // The rules that matter for the verdict (the policies that enforce default
  // deny, the entry that denies DNS, ...), with their locations.
  std::vector<RuleMatch> rules;
  // The statement of a user-written assertion (verifier/assertions.h);
  // unset for the built-in properties.
  ir::SourceLocation location;
};

// The built-in properties of `config.required` (all when empty), in the
// order default-deny, dns, apiserver, host-lockout; within one property by
// scope name. Deterministic.
std::vector<PropertyResult> VerifyProperties(const ir::PolicySet& policies, const ir::Inventory& inventory,
                                             const ir::Settings& settings, const ir::VerifyConfig& config);

// The namespaces the namespace-scoped properties cover (see VerifyConfig).
std::vector<std::string> PropertyScope(const ir::PolicySet& policies, const ir::VerifyConfig& config);

}  // namespace polc::verifier
