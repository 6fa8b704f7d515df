#include "verifier/accepted_policies.h"

#include <set>

namespace polc::verifier {

ir::PolicySet AcceptedPolicies(const ir::PolicySet& policies, const std::vector<ir::Diagnostic>& diagnostics,
                               std::vector<int>* rejected) {
  std::set<int> bad;
  for (const auto& d : diagnostics) {
    if (d.severity == ir::Severity::kError && d.object >= 0) bad.insert(d.object);
  }
  ir::PolicySet out;
  for (size_t i = 0; i < policies.policies.size(); ++i) {
    const ir::Policy& policy = policies.policies[i];
    if (policy.object >= 0 && bad.count(policy.object) > 0) {
      if (rejected != nullptr) rejected->push_back(static_cast<int>(i));
      continue;
    }
    out.policies.push_back(policy);
  }
  for (const auto& group : policies.cidr_groups) {
    if (group.object < 0 || bad.count(group.object) == 0) out.cidr_groups.push_back(group);
  }
  return out;
}

}  // namespace polc::verifier
