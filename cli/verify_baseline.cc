#include "cli/verify_baseline.h"

#include <algorithm>
#include <set>
#include <string>
#include <utility>

namespace polc::cli {

std::vector<verifier::PropertyResult> PropertyRegressions(const std::vector<verifier::PropertyResult>& baseline,
                                                          const std::vector<verifier::PropertyResult>& current) {
  std::set<std::pair<std::string, std::string>> held;
  for (const verifier::PropertyResult& r : baseline) {
    if (r.verdict == verifier::PropertyVerdict::kHolds) held.emplace(r.property, r.scope);
  }
  std::vector<verifier::PropertyResult> out;
  for (const verifier::PropertyResult& r : current) {
    if (r.verdict == verifier::PropertyVerdict::kFails && held.count({r.property, r.scope})) out.push_back(r);
  }
  return out;
}

std::vector<LockoutEntry> SystemFlowRegressions(std::vector<LockoutEntry> lockout) {
  std::erase_if(lockout, [](const LockoutEntry& e) { return e.klass == LockoutClass::kOther; });
  SortLockout(lockout);
  return lockout;
}

}  // namespace polc::cli
