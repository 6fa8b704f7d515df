// Lint wrapper of the policy-map prediction (map_pressure.h, cilium-semantics
// 8.1, 8.3): warn at 80% of bpf-policy-map-max, error above it.
#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

#include "verifier/lint_family.h"
#include "verifier/map_pressure.h"
#include "verifier/rule_analysis.h"

namespace polc::verifier {

void LintMapPressure(const LintContext& ctx) {
  if (ctx.inventory == nullptr || ctx.inventory->endpoints.empty()) return;
  const size_t limit = std::clamp<uint32_t>(ctx.settings.bpf_policy_map_max, 256, 65536);
  // Rejected policies install nothing (1.13).
  std::vector<int> original;  // index in the analysed set -> index in ctx.policies
  const ir::PolicySet accepted = PoliciesInForce(ctx.policies, ctx.sink.diagnostics(), original);
  for (EndpointMapPressure& p : PredictPolicyMaps(accepted, *ctx.inventory, ctx.settings)) {
    for (auto& entry : p.policies) entry.first = original[static_cast<size_t>(entry.first)];
    if (p.entries * 5 < limit * 4) continue;
    const bool overflow = p.entries > limit;
    std::string top;
    for (size_t i = 0; i < p.policies.size() && i < 3; ++i) {
      const ir::Policy& policy = ctx.policies.policies[static_cast<size_t>(p.policies[i].first)];
      top += fmt::format("{}{}/{} ({} {})", top.empty() ? "" : ", ", policy.meta.namespace_.empty() ? "-" : policy.meta.namespace_,
                         policy.meta.name, p.policies[i].second, p.policies[i].second == 1 ? "entry" : "entries");
    }
    std::string message = fmt::format(
        "endpoint {} is predicted to need {} BPF policy map entries, {} bpf-policy-map-max {}; most come from {} "
        "(one entry per remote identity, direction, protocol and port prefix, cilium-semantics.md 8.1)",
        p.name, p.entries, overflow ? "more than" : "at least 80% of", limit, top.empty() ? "no policy" : top);
    const ir::RuleId rule = overflow ? ir::RuleId::kPolicyMapOverflow : ir::RuleId::kPolicyMapPressure;
    if (p.policies.empty()) {
      ctx.sink.Report(rule, p.endpoint->location, std::move(message), "");
      continue;
    }
    const ir::Policy& worst = ctx.policies.policies[static_cast<size_t>(p.policies.front().first)];
    ctx.Report(worst, rule, worst.meta.location, std::move(message),
               overflow ? "Over the limit the agent fails to regenerate the endpoint (8.3): merge ports into ranges, "
                          "select fewer identities, or raise --bpf-policy-map-max (settings.bpfPolicyMapMax)."
                        : "Merge ports into ranges or select fewer identities before the map fills up (8.3).");
  }
}

}  // namespace polc::verifier
