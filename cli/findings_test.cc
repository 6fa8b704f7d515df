// Suppression, rule overrides, summary counts and exit codes of `polc lint`.
#include "cli/findings.h"

#include <catch2/catch.hpp>

#include "cli/app.h"

namespace polc::cli {
namespace {

ir::Diagnostic Make(ir::RuleId rule, uint32_t line, int object = -1) {
  return ir::Diagnostic{rule, ir::Info(rule).default_severity, {0, line, 1}, "m", "", object};
}

std::vector<compiler::KubeObject> Objects(std::map<std::string, std::string> annotations_of_first) {
  std::vector<compiler::KubeObject> objects(2);
  objects[0].meta.annotations = std::move(annotations_of_first);
  return objects;
}

TEST_CASE("findings: an ignore annotation suppresses only its rule on only its object", "[findings]") {
  auto objects = Objects({{"polc.io/ignore-l4-only-allows-world", "public web server"}});
  std::vector<ir::Diagnostic> in = {Make(ir::RuleId::kL4OnlyAllowsWorld, 3, 0),
                                    Make(ir::RuleId::kL4OnlyAllowsWorld, 9, 1),  // other object
                                    Make(ir::RuleId::kMissingNamespace, 2, 0)};  // other rule
  Findings f = ApplyRuleConfig(in, objects, {});
  REQUIRE(f.suppressed.size() == 1);
  CHECK(f.suppressed[0].diagnostic == in[0]);
  CHECK(f.suppressed[0].reason == "public web server");
  REQUIRE(f.active.size() == 2);
  CHECK(f.active[0] == in[2]);  // sorted by line
  CHECK(f.active[1] == in[1]);
  Summary s = Summarize(f, 4, 2);
  CHECK(s == Summary{4, 2, 0, 2, 0, 1});
}

TEST_CASE("findings: diagnostics without an object are never suppressed", "[findings]") {
  auto objects = Objects({{"polc.io/ignore-yaml-syntax", "x"}});
  Findings f = ApplyRuleConfig({Make(ir::RuleId::kYamlSyntax, 1, -1)}, objects, {});
  CHECK(f.suppressed.empty());
  CHECK(f.active.size() == 1);
}

TEST_CASE("findings: rules.disable drops findings without counting them as suppressed", "[findings]") {
  compiler::RuleConfig rules;
  rules.disabled.insert(ir::RuleId::kHttpPathPrefix);
  Findings f = ApplyRuleConfig({Make(ir::RuleId::kHttpPathPrefix, 1), Make(ir::RuleId::kEmptyRule, 2)}, {}, rules);
  REQUIRE(f.active.size() == 1);
  CHECK(f.active[0].rule == ir::RuleId::kEmptyRule);
  CHECK(f.suppressed.empty());
}

TEST_CASE("findings: rules.severity overrides the default severity", "[findings]") {
  compiler::RuleConfig rules;
  rules.severity[ir::RuleId::kMissingNamespace] = ir::Severity::kError;
  rules.severity[ir::RuleId::kEmptyRule] = ir::Severity::kInfo;
  Findings f = ApplyRuleConfig({Make(ir::RuleId::kMissingNamespace, 1), Make(ir::RuleId::kEmptyRule, 2)}, {}, rules);
  REQUIRE(f.active.size() == 2);
  CHECK(f.active[0].severity == ir::Severity::kError);
  CHECK(f.active[1].severity == ir::Severity::kInfo);
  CHECK(LintExitCode(f.active, ir::Severity::kError) == kExitFindings);
}

TEST_CASE("findings: unknown-suppression for an annotation naming no rule, with did-you-mean", "[findings]") {
  compiler::LoadResult loaded = compiler::LoadText("cm.yaml", R"(apiVersion: v1
kind: ConfigMap
metadata:
  name: x
  annotations:
    polc.io/ignore-empty-rul: "typo"
    polc.io/ignore-empty-rule: "fine"
    other.io/ignore-whatever: "not ours"
)", {});
  REQUIRE(loaded.objects.size() == 1);
  ir::DiagnosticSink sink;
  CheckSuppressionAnnotations(loaded.objects, sink);
  REQUIRE(sink.diagnostics().size() == 1);
  const ir::Diagnostic& d = sink.diagnostics()[0];
  CHECK(d.rule == ir::RuleId::kUnknownSuppression);
  CHECK(d.severity == ir::Severity::kWarning);
  CHECK(d.location == ir::SourceLocation{0, 6, 5});
  CHECK(d.object == 0);
  CHECK(d.message.find("did you mean 'polc.io/ignore-empty-rule'?") != std::string::npos);
}

TEST_CASE("findings: exit codes 0/1/2 and --fail-on", "[findings]") {
  std::vector<ir::Diagnostic> warning = {Make(ir::RuleId::kMissingNamespace, 1)};
  std::vector<ir::Diagnostic> info = {Make(ir::RuleId::kHttpPathPrefix, 1)};
  std::vector<ir::Diagnostic> input_error = {Make(ir::RuleId::kYamlSyntax, 1)};
  CHECK(LintExitCode({}, ir::Severity::kInfo) == kExitOk);
  CHECK(LintExitCode(warning, ir::Severity::kError) == kExitOk);
  CHECK(LintExitCode(warning, ir::Severity::kWarning) == kExitFindings);
  CHECK(LintExitCode(info, ir::Severity::kWarning) == kExitOk);
  CHECK(LintExitCode(info, ir::Severity::kInfo) == kExitFindings);
  CHECK(LintExitCode(warning, std::nullopt) == kExitOk);
  // Unreadable input is exit 2 whatever --fail-on says.
  CHECK(LintExitCode(input_error, std::nullopt) == kExitUsage);
  // ... but a non-error of category input (a skipped document) is not.
  std::vector<ir::Diagnostic> skipped = {Make(ir::RuleId::kNotKubernetesObject, 1)};
  CHECK(LintExitCode(skipped, ir::Severity::kError) == kExitOk);
  // ... and raised to error by the config it is a failing finding, not exit 2.
  skipped[0].severity = ir::Severity::kError;
  CHECK(LintExitCode(skipped, ir::Severity::kError) == kExitFindings);
}

TEST_CASE("findings: the hint falls back to the rule's help", "[findings]") {
  ir::Diagnostic d = Make(ir::RuleId::kEmptyRule, 1);
  CHECK(EffectiveHint(d) == ir::Info(ir::RuleId::kEmptyRule).help);
  d.hint = "specific";
  CHECK(EffectiveHint(d) == "specific");
}

}  // namespace
}  // namespace polc::cli
