// Lints about label selectors:
//   namespace-label-overwritten  a namespace match in a CNP subject (2.2)
//   long-selector-value-list     In/NotIn lists longer than kMaxSelectorValues
//   ccnp-selects-everything      `endpointSelector: {}` in a CCNP (2.2)
#include <fmt/format.h>

#include <functional>
#include <string>
#include <string_view>

#include "verifier/lint_family.h"

namespace polc::verifier {

// More values than this in one In/NotIn requirement is reported. Each value
// is a separate label match, and selectors over many values tend to be
// hand-maintained lists of workloads that a shared label would express.
inline constexpr size_t kMaxSelectorValues = 10;

namespace {

constexpr std::string_view kPodNamespaceLabel = "io.kubernetes.pod.namespace";

bool IsNamespaceKey(const ir::LabelKey& key) {
  return key.name == kPodNamespaceLabel && (key.source == "k8s" || key.source == "any");
}

// ParseToCiliumRule forces k8s:io.kubernetes.pod.namespace=<policy ns> into
// a CNP's endpointSelector, replacing a matchLabels entry for that key (the
// agent logs "illegal namespace match"); a matchExpression on it is ANDed with
// the forced value. A matchLabels value equal to the policy's own namespace
// changes nothing and is not reported.
void LintNamespaceLabel(const LintContext& ctx, const ir::Policy& policy, const ir::LabelSelector& selector) {
  const std::string& ns = policy.meta.namespace_;
  const std::string target = ns.empty() ? "the namespace the policy is created in" : fmt::format("`{}`", ns);
  for (const ir::MatchLabel& label : selector.match_labels) {
    if (!IsNamespaceKey(label.key) || (!ns.empty() && label.value == ns)) continue;
    ctx.Report(policy, ir::RuleId::kNamespaceLabelOverwritten, label.location,
               fmt::format("Cilium replaces `{}: {}` in a CiliumNetworkPolicy's endpointSelector with the "
                           "policy's own namespace ({}), so the policy never applies to namespace `{}` "
                           "(cilium-semantics.md 2.2)",
                           label.key.name, label.value, target, label.value),
               "Create the policy in that namespace instead (metadata.namespace), or use a "
               "CiliumClusterwideNetworkPolicy to select pods of other namespaces.");
  }
  for (const ir::SelectorRequirement& requirement : selector.match_expressions) {
    if (!IsNamespaceKey(requirement.key)) continue;
    ctx.Report(policy, ir::RuleId::kNamespaceLabelOverwritten, requirement.location,
               fmt::format("a CiliumNetworkPolicy only ever selects pods of its own namespace ({}): Cilium adds "
                           "`{}` = that namespace to the endpointSelector, so this expression can only narrow "
                           "it, never reach other namespaces (cilium-semantics.md 2.2)",
                           target, kPodNamespaceLabel),
               "Remove the expression; use a CiliumClusterwideNetworkPolicy to select pods of several "
               "namespaces.");
  }
}

// Every label selector of a policy: subjects, peers, service and CIDR-group
// selectors, and NetworkPolicy pod/namespace selectors.
void ForEachSelector(const ir::Policy& policy, const std::function<void(const ir::LabelSelector&)>& visit) {
  for (const ir::Rule& rule : policy.rules) {
    if (rule.endpoint_selector) visit(*rule.endpoint_selector);
    if (rule.node_selector) visit(*rule.node_selector);
  }
  ForEachPeerRule(policy, [&](const ir::Rule&, const ir::PeerRule& peer) {
    for (const auto* list : {&peer.endpoints, &peer.requires_, &peer.nodes}) {
      if (*list) {
        for (const ir::LabelSelector& selector : **list) visit(selector);
      }
    }
    if (peer.services) {
      for (const ir::Service& service : *peer.services) {
        if (const auto* s = std::get_if<ir::ServiceSelector>(&service.target)) visit(s->selector);
      }
    }
    if (peer.cidr_set) {
      for (const ir::CidrRule& rule : *peer.cidr_set) {
        if (rule.cidr_group_selector) visit(*rule.cidr_group_selector);
      }
    }
  });
  if (!policy.network_policy) return;
  const ir::NetworkPolicySpec& spec = *policy.network_policy;
  visit(spec.pod_selector);
  for (const auto* rules : {&spec.ingress, &spec.egress}) {
    if (!*rules) continue;
    for (const ir::NetworkPolicyRule& rule : **rules) {
      if (!rule.peers) continue;
      for (const ir::NetworkPolicyPeer& peer : *rule.peers) {
        if (peer.pod_selector) visit(*peer.pod_selector);
        if (peer.namespace_selector) visit(*peer.namespace_selector);
      }
    }
  }
}

void LintLongValueLists(const LintContext& ctx, const ir::Policy& policy) {
  ForEachSelector(policy, [&](const ir::LabelSelector& selector) {
    for (const ir::SelectorRequirement& requirement : selector.match_expressions) {
      if (requirement.op != ir::SelectorOperator::kIn && requirement.op != ir::SelectorOperator::kNotIn) continue;
      if (requirement.values.size() <= kMaxSelectorValues) continue;
      ctx.Report(policy, ir::RuleId::kLongSelectorValueList, requirement.location,
                 fmt::format("`{}` {} lists {} values (more than {}): such lists drift from the workloads they "
                             "mean, and every value can add identities, and so policy map entries, to what the "
                             "selector matches",
                             requirement.key.name, requirement.op == ir::SelectorOperator::kIn ? "In" : "NotIn",
                             requirement.values.size(), kMaxSelectorValues),
                 "Give the selected workloads a shared label and select on it.");
    }
  });
}

// A CCNP gets no namespace added to its subject, so `{}` selects every
// endpoint the agent manages, reserved:health included (2.2).
void LintCcnpWildcard(const LintContext& ctx, const ir::Policy& policy) {
  if (policy.kind != ir::PolicyKind::kCiliumClusterwideNetworkPolicy) return;
  for (const ir::Rule& rule : policy.rules) {
    if (!rule.endpoint_selector || !rule.endpoint_selector->IsWildcard()) continue;
    ctx.Report(policy, ir::RuleId::kEmptyEndpointSelectorCcnp, rule.endpoint_selector->location,
               "`endpointSelector: {}` in a CiliumClusterwideNetworkPolicy selects every endpoint in every "
               "namespace, including the cluster-health endpoints (cilium-semantics.md 2.2)",
               "Narrow the selector (e.g. by k8s:io.kubernetes.pod.namespace) if that is not intended; keep "
               "health traffic allowed if you make every endpoint default-deny.");
  }
}

}  // namespace

void LintSelectors(const LintContext& ctx) {
  for (const ir::Policy& policy : ctx.policies.policies) {
    if (policy.kind == ir::PolicyKind::kCiliumNetworkPolicy) {
      for (const ir::Rule& rule : policy.rules) {
        if (rule.endpoint_selector) LintNamespaceLabel(ctx, policy, *rule.endpoint_selector);
      }
    }
    LintLongValueLists(ctx, policy);
    LintCcnpWildcard(ctx, policy);
  }
}

}  // namespace polc::verifier
