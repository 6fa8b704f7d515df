// What `polc lint` makes of the raw diagnostics before rendering them: the
// config's `rules.disable` and `rules.severity`, per-object suppression by
// `polc.io/ignore-<rule-id>: "<reason>"` annotations, the summary counts and
// the exit code. Kept apart from the renderers so every output format agrees
// on which findings exist and how many were suppressed.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/config.h"
#include "compiler/loader.h"
#include "ir/diagnostic.h"

namespace polc::cli {

inline constexpr std::string_view kIgnoreAnnotationPrefix = "polc.io/ignore-";

struct SuppressedFinding {
  ir::Diagnostic diagnostic;
  std::string reason;  // the annotation's value
  bool operator==(const SuppressedFinding&) const = default;
};

struct Findings {
  std::vector<ir::Diagnostic> active;         // sorted (ir::SortDiagnostics)
  std::vector<SuppressedFinding> suppressed;  // sorted likewise
};

struct Summary {
  size_t files = 0;
  size_t policies = 0;
  size_t errors = 0;
  size_t warnings = 0;
  size_t infos = 0;
  size_t suppressed = 0;
  bool operator==(const Summary&) const = default;
};

// Everything a renderer needs. Suppressed findings are shown only when
// `show_suppressed` is set; they are always counted in `summary`.
struct RenderInput {
  const ir::FileTable& files;
  const Findings& findings;
  Summary summary;
  bool show_suppressed = false;
};

// Reports unknown-suppression for every `polc.io/ignore-<id>` annotation
// whose id is not in the rule table, at the annotation's key.
void CheckSuppressionAnnotations(std::span<const compiler::KubeObject> objects, ir::DiagnosticSink& sink);

// Drops findings of disabled rules (they are not counted anywhere), applies
// severity overrides, then moves findings whose object carries a matching
// ignore annotation to `suppressed`. Both lists come out sorted.
Findings ApplyRuleConfig(std::vector<ir::Diagnostic> diagnostics, std::span<const compiler::KubeObject> objects,
                         const compiler::RuleConfig& rules);

Summary Summarize(const Findings& findings, size_t files, size_t policies);

// The exit code of a lint run (see cli/app.h): 2 when an input could not be
// read or parsed (an error of a category-input rule whose default severity
// is error: input-unreadable, yaml-syntax, duplicate-key, ...), else 1 when a
// finding is at or above `fail_on` (nullopt: never fail), else 0.
int LintExitCode(std::span<const ir::Diagnostic> active, std::optional<ir::Severity> fail_on);

// The diagnostic's own hint, or the rule's help when it has none.
std::string_view EffectiveHint(const ir::Diagnostic& diagnostic);

}  // namespace polc::cli
