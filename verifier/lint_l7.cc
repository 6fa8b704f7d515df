// l7-on-all-endpoints: L7 rules in a rule whose subject is `endpointSelector: {}`.
//
// HTTP (and, up to 1.19, Kafka and generic L7) rules redirect the matching
// traffic of every selected pod through Envoy (cilium-semantics.md 7.1, 7.4),
// which costs latency and proxy capacity for the whole namespace (CNP) or
// cluster (CCNP). DNS rules are left out on purpose: they go to the agent's
// own DNS proxy, and a namespace-wide DNS rule is the documented way to make
// toFQDNs work (6.6).
#include <fmt/format.h>

#include "verifier/lint_family.h"

namespace polc::verifier {

namespace {

bool UsesEnvoy(const ir::L7Rules& rules) {
  return rules.http || rules.kafka || rules.l7;
}

// The first proxied L7 block of `rule`, or nullptr.
const ir::L7Rules* FirstEnvoyRules(const ir::Rule& rule) {
  for (const RuleSection& section : Sections(rule)) {
    if (!*section.rules) continue;
    for (const ir::PeerRule& peer : **section.rules) {
      if (peer.deny || !peer.to_ports) continue;
      for (const ir::PortRule& port_rule : *peer.to_ports) {
        if (port_rule.rules && UsesEnvoy(*port_rule.rules)) return &*port_rule.rules;
      }
    }
  }
  return nullptr;
}

}  // namespace

void LintL7(const LintContext& ctx) {
  for (const ir::Policy& policy : ctx.policies.policies) {
    if (!IsCilium(policy)) continue;
    const bool clusterwide = policy.kind == ir::PolicyKind::kCiliumClusterwideNetworkPolicy;
    for (const ir::Rule& rule : policy.rules) {
      if (!rule.endpoint_selector || !rule.endpoint_selector->IsWildcard()) continue;
      const ir::L7Rules* l7 = FirstEnvoyRules(rule);
      if (l7 == nullptr) continue;
      ctx.Report(policy, ir::RuleId::kL7OnAllEndpoints, l7->location,
                 fmt::format("this L7 rule applies to `endpointSelector: {{}}`, so Cilium sends the matching "
                             "traffic of every pod {} through the Envoy proxy (cilium-semantics.md 7.1)",
                             clusterwide ? "in the cluster" : "in the namespace"),
                 "Select only the pods that need L7 filtering in endpointSelector, and allow the rest at L3/L4.");
    }
  }
}

}  // namespace polc::verifier
