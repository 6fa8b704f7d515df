// Label selector validation, as EndpointSelector.Sanitize/Validate does it
// (pkg/policy/api/selector.go): Kubernetes' ValidateLabelSelector over the
// selector after Cilium has rewritten each key into its "extended" form
// "<source>.<key>" ("app" -> "any.app", "k8s:app" -> "k8s.app",
// "$host" -> "reserved.host"). So the source counts towards the 63-character
// limit of a key without a '/' prefix, and towards the DNS-subdomain prefix
// of a key with one.
#include <fmt/format.h>

#include "compiler/lower_common.h"
#include "compiler/sanitize_internal.h"

namespace polc::compiler::sanitize {
namespace {

bool IsAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// k8s.io/apimachinery validation.IsQualifiedName; returns the reason, or
// empty when valid.
std::string QualifiedNameProblem(std::string_view key) {
  std::string_view name = key;
  size_t slash = key.find('/');
  if (slash != std::string_view::npos) {
    std::string_view prefix = key.substr(0, slash);
    name = key.substr(slash + 1);
    if (name.find('/') != std::string_view::npos) return "it contains more than one '/'";
    if (prefix.empty()) return "the prefix before '/' is empty";
    if (!IsDns1123Subdomain(prefix)) {
      return fmt::format("the prefix '{}' is not a DNS subdomain (lower-case letters, digits, '-' and '.')", prefix);
    }
  }
  if (name.empty()) return "the name part is empty";
  if (name.size() > 63) return fmt::format("the name part '{}' is longer than 63 characters", name);
  if (!IsAlnum(name.front()) || !IsAlnum(name.back())) {
    return fmt::format("the name part '{}' must start and end with a letter or digit", name);
  }
  for (char c : name) {
    if (!IsAlnum(c) && c != '-' && c != '_' && c != '.') {
      return fmt::format("the name part '{}' contains '{}'; only letters, digits, '-', '_' and '.' are allowed", name,
                         c);
    }
  }
  return {};
}

void CheckKey(const ir::LabelKey& key, ir::SourceLocation location, std::string_view what, LowerContext& ctx) {
  std::string extended = key.source + "." + key.name;
  std::string problem = QualifiedNameProblem(extended);
  if (problem.empty()) return;
  ctx.Report(ir::RuleId::kInvalidSelector, location,
             fmt::format("invalid label selector in {}: the key '{}' (validated by Cilium as '{}') is not a valid "
                         "label key: {}; {}",
                         what, key.ToString(), extended, problem, kRejected),
             "label keys are [prefix/]name: name at most 63 characters of letters, digits, '-', '_', '.', and "
             "Cilium counts the source (e.g. 'any.' or 'k8s.') as part of it");
}

}  // namespace

void CheckSelector(const ir::LabelSelector& selector, std::string_view what, LowerContext& ctx) {
  for (const ir::MatchLabel& label : selector.match_labels) CheckKey(label.key, label.location, what, ctx);
  for (const ir::SelectorRequirement& requirement : selector.match_expressions) {
    CheckKey(requirement.key, requirement.location, what, ctx);
    // matchLabels values are already checked by the CRD pattern (lowering);
    // matchExpressions values have no CRD pattern, so only Sanitize sees them.
    for (const std::string& value : requirement.values) {
      if (IsLabelValue(value)) continue;
      ctx.Report(ir::RuleId::kInvalidSelector, requirement.location,
                 fmt::format("invalid label selector in {}: '{}' in the values of key '{}' is not a valid label "
                             "value; {}",
                             what, value, requirement.key.ToString(), kRejected),
                 "label values are at most 63 characters of letters, digits, '-', '_' and '.', starting and "
                 "ending with a letter or digit");
    }
  }
}

}  // namespace polc::compiler::sanitize
