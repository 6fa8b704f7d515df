// Tests for the lint table (lints.cc): every lint/performance rule has one
// owner, and RunLints runs every family.
#include <catch2/catch.hpp>
#include <map>
#include <set>

#include "verifier/lint_family.h"
#include "verifier/lint_test_util.h"

namespace polc::verifier {
namespace {

using ir::RuleId;

TEST_CASE("each rule is owned by at most one lint family", "[lint]") {
  std::map<RuleId, std::string_view> owner;
  for (const LintFamily& family : AllLintFamilies()) {
    for (RuleId rule : family.rules) {
      INFO(ir::Info(rule).id << " in " << family.name);
      CHECK(owner.emplace(rule, family.name).second);
    }
  }
  // Lint and performance rules not reported here, and where they live.
  const std::set<RuleId> elsewhere = {
      RuleId::kIpBlockMatchesPods,  // needs the pod inventory (semantics layer)
      RuleId::kUnknownSuppression,  // about suppression annotations (cli/)
      // About inventory manifests, reported by their frontend (compiler/lower_inventory.cc).
      RuleId::kInventoryUndeclaredNamespace,
      RuleId::kInventoryDuplicate,
      RuleId::kInventoryServiceSelectsNothing,
      RuleId::kInventoryInvalidField,
  };
  for (const ir::RuleInfo& info : ir::AllRules()) {
    if (info.category != ir::RuleCategory::kLint && info.category != ir::RuleCategory::kPerformance) continue;
    if (elsewhere.contains(info.rule)) continue;
    INFO(info.id);
    CHECK(owner.contains(info.rule));
  }
}

TEST_CASE("an empty policy set produces no findings", "[lint]") {
  CHECK(test::Lint(ir::PolicySet{}).empty());
}

}  // namespace
}  // namespace polc::verifier
