// Findings. Libraries append Diagnostics to a vector and never print; the CLI
// renders them (text with caret, JSON, SARIF, GitHub annotations).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ir/source_location.h"

namespace polc::ir {

enum class Severity { kInfo, kWarning, kError };
enum class RuleCategory { kInput, kSchema, kCilium, kLint, kPerformance };

enum class RuleId {
#define POLC_RULE(name, id, severity, category, summary, help) name,
#include "ir/diagnostic_rules.def"
#undef POLC_RULE
};

struct RuleInfo {
  RuleId rule;
  std::string_view id;
  Severity default_severity;
  RuleCategory category;
  std::string_view summary;
  std::string_view help;
};

// Every rule, in table order.
std::span<const RuleInfo> AllRules();
const RuleInfo& Info(RuleId rule);
std::optional<RuleId> RuleFromId(std::string_view id);

std::string_view SeverityName(Severity severity);  // "error", "warning", "info"
std::optional<Severity> SeverityFromName(std::string_view name);
std::string_view CategoryName(RuleCategory category);

struct Diagnostic {
  RuleId rule;
  Severity severity;
  SourceLocation location;
  std::string message;  // what is wrong, and what Cilium makes of it
  std::string hint;     // how to fix it; empty means "see the rule's help"
  // Index of the Kubernetes object (into LoadResult::objects) the finding is
  // about, for annotation-based suppression; -1 when not tied to an object.
  int object = -1;

  bool operator==(const Diagnostic&) const = default;
};

// Sorts by file, line, column, then rule id and message, so output is stable
// whatever order the passes ran in.
void SortDiagnostics(std::vector<Diagnostic>& diagnostics);

// Collects diagnostics with the rule's default severity.
class DiagnosticSink {
 public:
  void Report(RuleId rule, SourceLocation location, std::string message, std::string hint = {},
              int object = -1);
  std::vector<Diagnostic>& diagnostics() { return diagnostics_; }
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }
  bool HasErrors() const;

 private:
  std::vector<Diagnostic> diagnostics_;
};

}  // namespace polc::ir
