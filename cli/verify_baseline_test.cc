// Tests for the analysis half of the baseline gate (verify_baseline.h):
// findings are matched by rule, policy and key, never by line, and each
// baseline finding excuses one current finding.
#include "cli/verify_baseline.h"

#include <catch2/catch.hpp>

namespace polc::cli {
namespace {

AnalysisFinding Finding(std::string rule, std::string policy, std::string key, int line) {
  AnalysisFinding f;
  f.rule = std::move(rule);
  f.policy = std::move(policy);
  f.key = std::move(key);
  f.file = "p.yaml";
  f.line = line;
  f.level = f.rule == "policy-map-overflow" ? AnalysisLevel::kError : AnalysisLevel::kNote;
  return f;
}

TEST_CASE("NewAnalysisFindings: moved lines are no new finding, another rule or key is", "[verify][baseline]") {
  const std::vector<AnalysisFinding> baseline = {
      Finding("rule-entry-shadowed", "CiliumNetworkPolicy shop/a", "CiliumNetworkPolicy shop/a ingress[1]", 10),
      Finding("policy-map-pressure", "", "endpoint shop/web-1", 3)};
  std::vector<AnalysisFinding> current = {
      Finding("rule-entry-shadowed", "CiliumNetworkPolicy shop/a", "CiliumNetworkPolicy shop/a ingress[1]", 14),
      Finding("policy-map-overflow", "", "endpoint shop/web-1", 3),  // pressure became overflow: new
      Finding("rule-entry-shadowed", "CiliumNetworkPolicy shop/b", "CiliumNetworkPolicy shop/b ingress[1]", 10)};
  const std::vector<AnalysisFinding> added = NewAnalysisFindings(baseline, current);
  REQUIRE(added.size() == 2);
  CHECK(added[0].rule == "policy-map-overflow");
  CHECK(added[1].policy == "CiliumNetworkPolicy shop/b");
}

TEST_CASE("NewAnalysisFindings: one baseline finding excuses one current finding", "[verify][baseline]") {
  const AnalysisFinding dangling = Finding("selector-matches-no-pod", "CiliumNetworkPolicy shop/a", "peer shop", 7);
  std::vector<AnalysisFinding> current = {dangling, dangling};
  current[1].line = 9;
  const std::vector<AnalysisFinding> added = NewAnalysisFindings({dangling}, current);
  REQUIRE(added.size() == 1);
  CHECK(added[0].line == 9);
  CHECK(NewAnalysisFindings({dangling, dangling}, current).empty());
  CHECK(NewAnalysisFindings({}, current).size() == 2);
}

}  // namespace
}  // namespace polc::cli
