#include "cli/verify_baseline.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <tuple>
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

std::vector<AnalysisFinding> NewAnalysisFindings(const std::vector<AnalysisFinding>& baseline,
                                                 std::vector<AnalysisFinding> current) {
  std::map<std::tuple<std::string, std::string, std::string>, size_t> before;
  for (const AnalysisFinding& f : baseline) ++before[{f.rule, f.policy, f.key}];
  std::erase_if(current, [&](const AnalysisFinding& f) {
    auto it = before.find({f.rule, f.policy, f.key});
    if (it == before.end() || it->second == 0) return false;
    --it->second;
    return true;
  });
  return current;
}

}  // namespace polc::cli
