#include "ir/diagnostic.h"

#include <algorithm>
#include <array>
#include <tuple>

namespace polc::ir {
namespace {

constexpr std::array kRules = {
#define POLC_RULE(name, id, severity, category, summary, help) \
  RuleInfo{RuleId::name, id, Severity::severity, RuleCategory::category, summary, help},
#include "ir/diagnostic_rules.def"
#undef POLC_RULE
};

}  // namespace

std::span<const RuleInfo> AllRules() { return kRules; }

const RuleInfo& Info(RuleId rule) { return kRules[static_cast<size_t>(rule)]; }

std::optional<RuleId> RuleFromId(std::string_view id) {
  for (const RuleInfo& info : kRules) {
    if (info.id == id) return info.rule;
  }
  return std::nullopt;
}

std::string_view SeverityName(Severity severity) {
  switch (severity) {
    case Severity::kInfo: return "info";
    case Severity::kWarning: return "warning";
    case Severity::kError: return "error";
  }
  return "error";
}

std::optional<Severity> SeverityFromName(std::string_view name) {
  if (name == "info") return Severity::kInfo;
  if (name == "warning") return Severity::kWarning;
  if (name == "error") return Severity::kError;
  return std::nullopt;
}

std::string_view CategoryName(RuleCategory category) {
  switch (category) {
    case RuleCategory::kInput: return "input";
    case RuleCategory::kSchema: return "schema";
    case RuleCategory::kCilium: return "cilium";
    case RuleCategory::kLint: return "lint";
    case RuleCategory::kPerformance: return "performance";
  }
  return "lint";
}

void SortDiagnostics(std::vector<Diagnostic>& diagnostics) {
  std::stable_sort(diagnostics.begin(), diagnostics.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.location, Info(a.rule).id, a.message) < std::tie(b.location, Info(b.rule).id, b.message);
  });
}

void DiagnosticSink::Report(RuleId rule, SourceLocation location, std::string message, std::string hint,
                            int object) {
  diagnostics_.push_back(
      Diagnostic{rule, Info(rule).default_severity, location, std::move(message), std::move(hint), object});
}

bool DiagnosticSink::HasErrors() const {
  return std::any_of(diagnostics_.begin(), diagnostics_.end(),
                     [](const Diagnostic& d) { return d.severity == Severity::kError; });
}

}  // namespace polc::ir
