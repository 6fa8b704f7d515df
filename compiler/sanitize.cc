// The Cilium agent's rule validation (Rule.Sanitize before 1.20,
// Rule.Validate in 1.20; pkg/policy/api/rule_validation.go) for the chosen
// version and agent options, over CNP/CCNP rules: cilium-semantics.md 1.13
// with the limits of 1.4-1.12 and the version table of section 10.
//
// This file walks rules and their ingress/egress sections and checks what
// depends on the section as a whole (peer-kind exclusivity, placement of
// L7/ICMP, agent options); the checks of single nodes live in
// sanitize_{selectors,l3,ports,l7}.cc.
//
// Kubernetes NetworkPolicy is not checked here: the API server validates it
// strictly, and its lowering reports what it would reject.
#include <algorithm>
#include <set>
#include <tuple>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "compiler/lower.h"
#include "compiler/sanitize_internal.h"

namespace polc::compiler {
namespace {

using sanitize::kRejected;

// One non-empty peer field of a section, for the exclusivity check.
struct PeerKind {
  std::string name;  // "fromEndpoints", "toFQDNs", ...
  ir::SourceLocation location;
};

// Reported at the field's key when the lowering recorded it, else at its
// first item.
template <typename T>
void AddKind(std::vector<PeerKind>& kinds, const std::optional<std::vector<T>>& field, ir::SourceLocation key,
             const ir::PeerRule& peer, std::string_view ingress_name, std::string_view egress_name) {
  if (!field || field->empty()) return;  // Cilium counts items, so `[]` is no kind
  std::string_view name = peer.direction == ir::Direction::kIngress ? ingress_name : egress_name;
  kinds.push_back({std::string(name), key.Known() ? key : field->front().location});
}

// "combining X and Y is not supported yet": each section may use one peer
// kind (IngressCommonRule/EgressCommonRule Validate). fromRequires is not a
// peer kind; toFQDNs counts on egress allow rules.
void CheckPeerKinds(const ir::PeerRule& peer, LowerContext& ctx) {
  std::vector<PeerKind> kinds;
  const ir::PeerFieldLocations& at = peer.field_locations;
  AddKind(kinds, peer.endpoints, at.endpoints, peer, "fromEndpoints", "toEndpoints");
  AddKind(kinds, peer.cidr, at.cidr, peer, "fromCIDR", "toCIDR");
  AddKind(kinds, peer.cidr_set, at.cidr_set, peer, "fromCIDRSet", "toCIDRSet");
  AddKind(kinds, peer.entities, at.entities, peer, "fromEntities", "toEntities");
  AddKind(kinds, peer.nodes, at.nodes, peer, "fromNodes", "toNodes");
  AddKind(kinds, peer.groups, at.groups, peer, "fromGroups", "toGroups");
  if (peer.direction == ir::Direction::kEgress) {
    AddKind(kinds, peer.services, at.services, peer, "", "toServices");
    AddKind(kinds, peer.fqdns, at.fqdns, peer, "", "toFQDNs");
  }
  if (kinds.size() < 2) return;
  std::stable_sort(kinds.begin(), kinds.end(),
                   [](const PeerKind& a, const PeerKind& b) { return a.location < b.location; });
  std::vector<std::string> names;
  for (const PeerKind& kind : kinds) names.push_back(kind.name);
  ctx.Report(ir::RuleId::kUnsupportedCombination, kinds[1].location,
             fmt::format("combining {} in one rule is not supported; {}", fmt::join(names, " and "), kRejected),
             fmt::format("put each peer kind in its own {} rule; the rules are ORed",
                         peer.direction == ir::Direction::kIngress ? "ingress" : "egress"));
}

// Placement of L7 rules in allow sections: proxy option, host policies.
void CheckL7Placement(const ir::PeerRule& peer, bool host_policy, LowerContext& ctx) {
  if (!peer.to_ports) return;
  bool ingress = peer.direction == ir::Direction::kIngress;
  for (const ir::PortRule& port_rule : *peer.to_ports) {
    if (!sanitize::HasL7(port_rule)) continue;
    const ir::L7Rules& rules = *port_rule.rules;
    if (!ctx.settings.enable_l7_proxy) {
      ctx.Report(ir::RuleId::kFeatureDisabled, rules.location,
                 fmt::format("L7 policy is not supported since the L7 proxy is not enabled (--enable-l7-proxy is "
                             "off in the settings); {}",
                             kRejected),
                 "enable the L7 proxy (settings.enableL7Proxy and the agent's --enable-l7-proxy), or remove `rules`");
    }
    if (!host_policy) continue;
    if (ingress) {
      ctx.Report(ir::RuleId::kInvalidL7, rules.location,
                 fmt::format("L7 policy is not supported on host ingress yet (this rule has a nodeSelector); {}",
                             kRejected),
                 "remove `rules`; host policies filter at L3/L4 only on ingress");
      continue;
    }
    // Host egress supports DNS rules only.
    for (auto [present, name] : {std::pair{rules.http && !rules.http->empty(), "HTTP"},
                                 std::pair{rules.kafka && !rules.kafka->empty(), "Kafka"}}) {
      if (!present) continue;
      ctx.Report(ir::RuleId::kInvalidL7, rules.location,
                 fmt::format("L7 protocol {} is not supported on host egress yet (this rule has a nodeSelector); {}",
                             name, kRejected),
                 "host egress policies support DNS rules only; remove the other L7 rules");
    }
  }
}

void CheckSections(const ir::PeerRule& peer, LowerContext& ctx) {
  const ir::Settings& settings = ctx.settings;
  bool has_ports = peer.to_ports && !peer.to_ports->empty();
  if (peer.services && !peer.services->empty() && has_ports && settings.version.Before(1, 17)) {
    ctx.Report(ir::RuleId::kUnsupportedCombination, peer.to_ports->front().location,
               fmt::format("combining toServices and toPorts is not supported before Cilium 1.17 (the settings "
                           "target {}); {}",
                           settings.version.ToString(), kRejected),
               "set ciliumVersion 1.17+, or select the service's pods with toEndpoints and toPorts");
  }
  if (peer.icmps && !peer.icmps->empty()) {
    if (!settings.enable_icmp_rules) {
      ctx.Report(ir::RuleId::kFeatureDisabled, peer.icmps->front().location,
                 fmt::format("ICMP rules can only be applied when the \"enable-icmp-rules\" flag is set (off in the "
                             "settings); {}",
                             kRejected),
                 "enable settings.enableICMPRules (and the agent's --enable-icmp-rules), or remove `icmps`");
    }
    if (has_ports) {
      ctx.Report(ir::RuleId::kUnsupportedCombination, peer.icmps->front().location,
                 fmt::format("the icmps block may only be present without toPorts; {}", kRejected),
                 "define a separate rule for toPorts");
    }
  }
  if (peer.nodes && !peer.nodes->empty() && !settings.enable_node_selector_labels) {
    std::string_view field = peer.direction == ir::Direction::kIngress ? "fromNodes" : "toNodes";
    ctx.Report(ir::RuleId::kFeatureDisabled, peer.nodes->front().location,
               fmt::format("{} rules can only be applied when the \"enable-node-selector-labels\" flag is set (off "
                           "in the settings); {}",
                           field, kRejected),
               "enable settings.enableNodeSelectorLabels (and the agent's --enable-node-selector-labels), or use "
               "the remote-node/host entities");
  }
}

void CheckPeerNodes(const ir::PeerRule& peer, LowerContext& ctx) {
  bool ingress = peer.direction == ir::Direction::kIngress;
  auto selectors = [&](const std::optional<std::vector<ir::LabelSelector>>& list, std::string_view in,
                       std::string_view out) {
    if (!list) return;
    for (const ir::LabelSelector& selector : *list) sanitize::CheckSelector(selector, ingress ? in : out, ctx);
  };
  selectors(peer.endpoints, "fromEndpoints", "toEndpoints");
  selectors(peer.requires_, "fromRequires", "toRequires");
  selectors(peer.nodes, "fromNodes", "toNodes");
  if (peer.cidr) {
    for (const ir::Cidr& cidr : *peer.cidr) sanitize::CheckCidr(cidr, ctx);
  }
  if (peer.cidr_set) {
    for (const ir::CidrRule& rule : *peer.cidr_set) sanitize::CheckCidrRule(rule, ctx);
  }
  if (peer.fqdns) {
    for (const ir::FqdnSelector& fqdn : *peer.fqdns) sanitize::CheckFqdnSelector(fqdn, ctx);
  }
  if (peer.icmps) {
    for (const ir::IcmpRule& icmp : *peer.icmps) sanitize::CheckIcmpRule(icmp, ctx);
  }
  if (peer.to_ports) {
    sanitize::PortRuleScope scope{peer.direction, peer.deny};
    for (const ir::PortRule& port_rule : *peer.to_ports) sanitize::CheckPortRule(port_rule, scope, ctx);
  }
}

void CheckPeerRule(const ir::PeerRule& peer, bool host_policy, LowerContext& ctx) {
  CheckPeerKinds(peer, ctx);
  CheckSections(peer, ctx);
  if (!peer.deny) CheckL7Placement(peer, host_policy, ctx);
  CheckPeerNodes(peer, ctx);
}

bool Empty(const std::optional<std::vector<ir::PeerRule>>& section) { return !section || section->empty(); }

// Having both or neither of endpointSelector/nodeSelector is rejected by the
// CRD's oneOf before the agent sees the rule; the lowering reports it.
void CheckSubject(const ir::Policy& policy, const ir::Rule& rule, LowerContext& ctx) {
  if (rule.node_selector && policy.kind == ir::PolicyKind::kCiliumNetworkPolicy) {
    ctx.Report(ir::RuleId::kNodeSelectorInCnp, rule.node_selector->location,
               fmt::format("a CiliumNetworkPolicy rule cannot have nodeSelector; {}", kRejected),
               "host policies must be CiliumClusterwideNetworkPolicy objects");
  }
  if (rule.endpoint_selector) sanitize::CheckSelector(*rule.endpoint_selector, "endpointSelector", ctx);
  if (rule.node_selector) sanitize::CheckSelector(*rule.node_selector, "nodeSelector", ctx);
}

void CheckDefaultDeny(const ir::Rule& rule, LowerContext& ctx) {
  const ir::Settings& settings = ctx.settings;
  if (!rule.enable_default_deny || settings.enable_non_default_deny_policies || settings.version.Before(1, 17)) {
    return;
  }
  const ir::DefaultDeny& deny = *rule.enable_default_deny;
  std::vector<std::string_view> off;
  if (deny.ingress == false) off.push_back("ingress");
  if (deny.egress == false) off.push_back("egress");
  if (off.empty()) return;
  ctx.Report(ir::RuleId::kFeatureDisabled, deny.location,
             fmt::format("enableDefaultDeny.{}: false has no effect: with --enable-non-default-deny-policies off "
                         "(in the settings) the agent forces default deny on for both directions",
                         fmt::join(off, "/")),
             "enable settings.enableNonDefaultDenyPolicies (and the agent option), or allow the extra traffic "
             "explicitly");
}

void CheckRule(const ir::Policy& policy, const ir::Rule& rule, LowerContext& ctx) {
  if (ctx.settings.version.AtLeast(1, 17) && Empty(rule.ingress) && Empty(rule.ingress_deny) && Empty(rule.egress) &&
      Empty(rule.egress_deny)) {
    ctx.Report(ir::RuleId::kEmptyRule, rule.location,
               fmt::format("a rule must have at least one of ingress, ingressDeny, egress, egressDeny with an entry "
                           "(empty lists do not count, since Cilium 1.17); {}",
                           kRejected),
               "add a rule entry (`ingress: [{}]` denies all ingress), or delete the rule");
  }
  CheckSubject(policy, rule, ctx);
  CheckDefaultDeny(rule, ctx);
  bool host_policy = rule.node_selector.has_value();
  for (const auto* section : {&rule.ingress, &rule.ingress_deny, &rule.egress, &rule.egress_deny}) {
    if (!*section) continue;
    for (const ir::PeerRule& peer : **section) CheckPeerRule(peer, host_policy, ctx);
  }
}

}  // namespace

void Sanitize(const ir::PolicySet& policies, const ir::Settings& settings, ir::DiagnosticSink& sink) {
  // An object the API server rejects never reaches the agent, and a finding
  // on a line that already has an error (usually the same problem seen by the
  // CRD schema, e.g. a pattern or maxItems) adds only noise. So Sanitize
  // findings on a line where the object already has an error are dropped.
  std::set<std::tuple<int, ir::FileId, uint32_t>> lines_with_errors;
  for (const ir::Diagnostic& d : sink.diagnostics()) {
    if (d.severity == ir::Severity::kError) lines_with_errors.emplace(d.object, d.location.file, d.location.line);
  }
  ir::DiagnosticSink found;
  for (const ir::Policy& policy : policies.policies) {
    if (policy.kind == ir::PolicyKind::kNetworkPolicy) continue;
    LowerContext ctx{found, settings, policy.object};
    for (const ir::Rule& rule : policy.rules) CheckRule(policy, rule, ctx);
  }
  for (ir::Diagnostic& d : found.diagnostics()) {
    bool known = d.location.Known() && lines_with_errors.contains({d.object, d.location.file, d.location.line});
    if (!known) sink.diagnostics().push_back(std::move(d));
  }
}

}  // namespace polc::compiler
