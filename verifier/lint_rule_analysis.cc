// Lint wrappers of the rule analysis (rule_analysis.h), reported in the style
// of Batfish's filterLineReachability (conventions.md 3): the entries that
// block a rule entry, and whether one has the opposite action.
//   selector-matches-nothing  a selector contradicting itself
//   allow-dead-by-deny        an allow covered by a deny (deny wins, section 4)
//   rule-entry-shadowed       an entry covered by one of the same action
//   redundant-policy          a policy covered by others, enforcement kept (3.4)
//   selector-matches-no-pod   with an inventory: a selector matching no pod
#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "verifier/lint_family.h"
#include "verifier/rule_analysis.h"

namespace polc::verifier {
namespace {

constexpr size_t kMaxListed = 3;

std::string Where(const ir::SourceLocation& location) {
  return location.Known() ? fmt::format(" (line {})", location.line) : "";
}

std::string PolicyLabel(const ir::Policy& policy) {
  std::string kind(ir::PolicyKindName(policy.kind));
  if (policy.meta.namespace_.empty()) return fmt::format("{} {}", kind, policy.meta.name);
  return fmt::format("{} {}/{}", kind, policy.meta.namespace_, policy.meta.name);
}

void ReportShadowed(const LintContext& ctx, const ShadowedEntry& entry) {
  const ir::Policy& policy = ctx.policies.policies[static_cast<size_t>(entry.policy)];
  // With an opposite action, name the entries of that action (the denies).
  std::vector<std::string> names;
  for (const BlockingEntry& b : entry.blocking) {
    if (entry.opposite_action && b.deny == entry.deny) continue;
    names.push_back(b.description + Where(b.location));
  }
  std::string blockers;
  for (size_t i = 0; i < names.size() && i < kMaxListed; ++i) blockers += (i == 0 ? "" : "; ") + names[i];
  if (names.size() > kMaxListed) blockers += fmt::format(" (and {} more)", names.size() - kMaxListed);
  if (entry.opposite_action) {
    ctx.Report(policy, ir::RuleId::kAllowDeadByDeny, entry.location,
               fmt::format("{} never allows anything: every subject, peer and port it matches is denied by {}; "
                           "deny always wins over allow (cilium-semantics.md 4)",
                           entry.description, blockers),
               "Remove the allow entry, or narrow the deny if the allow is meant to take effect.");
    return;
  }
  ctx.Report(policy, ir::RuleId::kRuleEntryShadowed, entry.location,
             fmt::format("{} never changes a verdict: everything it matches is already {} by {}", entry.description,
                         entry.deny ? "denied" : "allowed", blockers),
             "Remove the redundant entry, or merge it with the one that covers it.");
}

}  // namespace

void LintRuleAnalysis(const LintContext& ctx) {
  std::vector<ir::SourceLocation> unsatisfiable;  // not reported again as dangling
  for (const UnsatisfiableSelector& s : FindUnsatisfiableSelectors(ctx.policies)) {
    unsatisfiable.push_back(s.location);
    const ir::Policy& policy = ctx.policies.policies[static_cast<size_t>(s.policy)];
    ctx.Report(policy, ir::RuleId::kSelectorMatchesNothing, s.location,
               fmt::format("this selector matches no endpoint: on key `{}`, {} (a label has at most one value)",
                           s.key, s.reason),
               "Fix the requirements on that key; as written the rule using this selector has no effect.");
  }
  // Policies the API server or the agent rejects (1.13), and policies a later
  // one of the same name replaces, take no part: they neither cover others
  // nor are reported as covered.
  std::vector<int> original;  // index in the analysed set -> index in ctx.policies
  EntryAnalysis analysis = AnalyzeEntries(PoliciesInForce(ctx.policies, ctx.sink.diagnostics(), original), ctx.settings);
  auto remap = [&](int& index) { index = original[static_cast<size_t>(index)]; };
  for (RedundantPolicy& r : analysis.redundant) {
    remap(r.policy);
    for (int& other : r.covering_policies) remap(other);
  }
  for (ShadowedEntry& entry : analysis.shadowed) {
    remap(entry.policy);
    for (BlockingEntry& b : entry.blocking) remap(b.policy);
  }
  for (const RedundantPolicy& r : analysis.redundant) {
    const ir::Policy& policy = ctx.policies.policies[static_cast<size_t>(r.policy)];
    std::set<std::string> labels;
    for (int other : r.covering_policies) labels.insert(PolicyLabel(ctx.policies.policies[static_cast<size_t>(other)]));
    std::string covering;
    size_t listed = 0;
    for (const std::string& label : labels) {
      if (listed++ == kMaxListed) {
        covering += fmt::format(" and {} more", labels.size() - kMaxListed);
        break;
      }
      covering += (covering.empty() ? "" : ", ") + label;
    }
    ctx.Report(policy, ir::RuleId::kRedundantPolicy, Either(policy.meta.name_location, policy.meta.location),
               fmt::format("{} changes nothing: every entry is covered by entries of {}, which keep its subjects under "
                           "default deny",
                           PolicyLabel(policy), covering),
               "Delete the policy, or suppress this finding if it is kept on purpose.");
  }
  for (const ShadowedEntry& entry : analysis.shadowed) ReportShadowed(ctx, entry);
  if (ctx.inventory == nullptr) return;
  for (const DanglingSelector& d : FindDanglingSelectors(ctx.policies, *ctx.inventory, ctx.settings)) {
    if (d.location.Known() && std::find(unsatisfiable.begin(), unsatisfiable.end(), d.location) != unsatisfiable.end()) {
      continue;
    }
    const ir::Policy& policy = ctx.policies.policies[static_cast<size_t>(d.policy)];
    ctx.Report(policy, ir::RuleId::kSelectorMatchesNoPod, d.location,
               fmt::format("this {} selector matches no pod of the inventory in namespace {}", d.subject ? "subject" : "peer",
                           d.namespace_),
               d.subject ? "Check the labels against the workloads; the policy applies to no pod until one matches."
                         : "Check the labels against the workloads; the rule allows or denies no pod until one "
                           "matches.");
  }
}

}  // namespace polc::verifier
