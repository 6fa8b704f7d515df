#include "cli/findings.h"

#include <algorithm>
#include <tuple>

#include <fmt/format.h>

#include "cli/app.h"
#include "compiler/suggest.h"

namespace polc::cli {
namespace {

// The location of the annotation key `key` in the object's YAML, falling back
// to the object itself.
ir::SourceLocation AnnotationLocation(const compiler::KubeObject& object, std::string_view key) {
  if (object.root == nullptr) return object.location;
  const compiler::YamlNode* metadata = object.root->Find("metadata");
  const compiler::YamlNode* annotations = metadata != nullptr ? metadata->Find("annotations") : nullptr;
  const compiler::YamlNode* key_node = annotations != nullptr ? annotations->FindKey(key) : nullptr;
  return key_node != nullptr ? key_node->location : object.location;
}

// The reason of the annotation suppressing `rule` on the diagnostic's object.
std::optional<std::string> SuppressionReason(const ir::Diagnostic& d, std::span<const compiler::KubeObject> objects) {
  if (d.object < 0 || static_cast<size_t>(d.object) >= objects.size()) return std::nullopt;
  const auto& annotations = objects[static_cast<size_t>(d.object)].meta.annotations;
  auto it = annotations.find(fmt::format("{}{}", kIgnoreAnnotationPrefix, ir::Info(d.rule).id));
  if (it == annotations.end()) return std::nullopt;
  return it->second;
}

}  // namespace

void CheckSuppressionAnnotations(std::span<const compiler::KubeObject> objects, ir::DiagnosticSink& sink) {
  std::vector<std::string_view> ids;
  for (const ir::RuleInfo& info : ir::AllRules()) ids.push_back(info.id);
  for (size_t i = 0; i < objects.size(); ++i) {
    for (const auto& [key, value] : objects[i].meta.annotations) {
      if (!key.starts_with(kIgnoreAnnotationPrefix)) continue;
      std::string_view id = std::string_view(key).substr(kIgnoreAnnotationPrefix.size());
      if (ir::RuleFromId(id)) continue;
      std::string message = fmt::format("annotation '{}' names no polc rule, so it suppresses nothing", key);
      std::string hint;
      if (auto suggestion = compiler::Suggest(id, ids)) {
        message += fmt::format("; did you mean '{}{}'?", kIgnoreAnnotationPrefix, *suggestion);
      } else {
        hint = "`polc lint --list-rules` lists every rule id";
      }
      sink.Report(ir::RuleId::kUnknownSuppression, AnnotationLocation(objects[i], key), std::move(message),
                  std::move(hint), static_cast<int>(i));
    }
  }
}

Findings ApplyRuleConfig(std::vector<ir::Diagnostic> diagnostics, std::span<const compiler::KubeObject> objects,
                         const compiler::RuleConfig& rules) {
  Findings out;
  for (ir::Diagnostic& d : diagnostics) {
    if (rules.disabled.count(d.rule)) continue;
    if (auto it = rules.severity.find(d.rule); it != rules.severity.end()) d.severity = it->second;
    if (auto reason = SuppressionReason(d, objects)) {
      out.suppressed.push_back(SuppressedFinding{std::move(d), std::move(*reason)});
    } else {
      out.active.push_back(std::move(d));
    }
  }
  ir::SortDiagnostics(out.active);
  // The same order as ir::SortDiagnostics, so both lists read alike.
  std::stable_sort(out.suppressed.begin(), out.suppressed.end(),
                   [](const SuppressedFinding& a, const SuppressedFinding& b) {
                     const ir::Diagnostic& x = a.diagnostic;
                     const ir::Diagnostic& y = b.diagnostic;
                     return std::tie(x.location, ir::Info(x.rule).id, x.message) <
                            std::tie(y.location, ir::Info(y.rule).id, y.message);
                   });
  return out;
}

Summary Summarize(const Findings& findings, size_t files, size_t policies) {
  Summary summary{files, policies, 0, 0, 0, findings.suppressed.size()};
  for (const ir::Diagnostic& d : findings.active) {
    switch (d.severity) {
      case ir::Severity::kError: ++summary.errors; break;
      case ir::Severity::kWarning: ++summary.warnings; break;
      case ir::Severity::kInfo: ++summary.infos; break;
    }
  }
  return summary;
}

int LintExitCode(std::span<const ir::Diagnostic> active, std::optional<ir::Severity> fail_on) {
  // Only the input rules that mean "could not be read" (error by default);
  // not-a-kubernetes-object raised to error by the config is a finding.
  bool input_failed = std::any_of(active.begin(), active.end(), [](const ir::Diagnostic& d) {
    const ir::RuleInfo& info = ir::Info(d.rule);
    return d.severity == ir::Severity::kError && info.category == ir::RuleCategory::kInput &&
           info.default_severity == ir::Severity::kError;
  });
  if (input_failed) return kExitUsage;
  if (!fail_on) return kExitOk;
  bool failed = std::any_of(active.begin(), active.end(), [&](const ir::Diagnostic& d) { return d.severity >= *fail_on; });
  return failed ? kExitFindings : kExitOk;
}

std::string_view EffectiveHint(const ir::Diagnostic& diagnostic) {
  return diagnostic.hint.empty() ? ir::Info(diagnostic.rule).help : std::string_view(diagnostic.hint);
}

}  // namespace polc::cli
