// VerifyProperties: the scope, the order of results, and default-deny
// (cilium-semantics.md 3.1, 3.4, 3.5): every possible pod of a namespace is
// enforced with default deny in each direction.
#include "verifier/properties.h"

#include <algorithm>
#include <set>

#include "verifier/properties_internal.h"

namespace polc::verifier {

std::string_view PropertyVerdictName(PropertyVerdict verdict) {
  switch (verdict) {
    case PropertyVerdict::kHolds: return "holds";
    case PropertyVerdict::kFails: return "fails";
    case PropertyVerdict::kNotApplicable: return "n/a";
  }
  return "holds";
}

std::vector<std::string> PropertyScope(const ir::PolicySet& policies, const ir::VerifyConfig& config) {
  std::set<std::string> scope;
  if (!config.namespaces.empty()) {
    scope.insert(config.namespaces.begin(), config.namespaces.end());
  } else {
    for (const auto& policy : policies.policies) {
      if (policy.kind == ir::PolicyKind::kCiliumClusterwideNetworkPolicy) continue;
      scope.insert(policy.meta.namespace_.empty() ? "default" : policy.meta.namespace_);
    }
    scope.insert(config.extra_namespaces.begin(), config.extra_namespaces.end());
  }
  return {scope.begin(), scope.end()};
}

namespace internal {
namespace {

const char* DirectionName(ir::Direction direction) {
  return direction == ir::Direction::kIngress ? "ingress" : "egress";
}

// A flow through the open direction of `pod`: from (ingress) or to (egress)
// the world, else the pod itself, on a few ports; the first one the
// evaluator allows (a deny rule may still block each of them: the replay
// then shows the direction without default deny).
Counterexample OpenFlow(const PropertyContext& ctx, const ir::LabelsPeer& pod, ir::Direction direction,
                        std::string description) {
  std::optional<Counterexample> first;
  for (const ir::FlowPeer& other : {ir::FlowPeer(ir::EntityPeer{"world"}), ir::FlowPeer(pod)}) {
    for (ir::Protocol protocol : {ir::Protocol::kTcp, ir::Protocol::kUdp}) {
      for (const char* port : {"80", "443", "8080", "1", "65535"}) {
        Counterexample cex;
        cex.flow.source = direction == ir::Direction::kIngress ? other : ir::FlowPeer(pod);
        cex.flow.destination = direction == ir::Direction::kIngress ? ir::FlowPeer(pod) : other;
        cex.flow.protocol = protocol;
        cex.flow.port = port;
        cex.description = description;
        cex.replay = ctx.evaluator.Evaluate(cex.flow);
        if (cex.replay.verdict != Verdict::kDeny) return cex;
        if (!first) first = std::move(cex);
      }
    }
  }
  return *first;
}

void VerifyDefaultDeny(const PropertyContext& ctx, const std::vector<std::string>& scope,
                       std::vector<PropertyResult>& out) {
  for (const auto& ns : scope) {
    PodSpace space(ns, ctx.entries, ctx.inventory, ctx.settings);
    for (ir::Direction direction : {ir::Direction::kIngress, ir::Direction::kEgress}) {
      PropertyResult result;
      result.property = "default-deny";
      result.scope = "namespace " + ns + ", " + DirectionName(direction);
      bdd covered = bddfalse;
      std::vector<const PolicyEntry*> enforcing;
      for (const auto& entry : ctx.entries) {
        if (entry.direction != direction || !entry.default_deny) continue;
        bdd sel = space.Subject(entry) & space.Domain();
        if (sel == bddfalse) continue;
        covered |= sel;
        enforcing.push_back(&entry);
      }
      if (ctx.settings.enforcement == ir::EnforcementMode::kAlways) covered = bddtrue;
      if (ctx.settings.enforcement == ir::EnforcementMode::kNever) covered = bddfalse;
      bdd open = space.Domain() & !covered;
      if (open == bddfalse) {
        result.verdict = PropertyVerdict::kHolds;
        if (ctx.settings.enforcement == ir::EnforcementMode::kAlways) {
          result.summary = std::string("policy enforcement mode is always: every pod of ") + ns + " is under " +
                           DirectionName(direction) + " default deny";
        } else {
          result.summary = std::string("every possible pod of ") + ns + " is selected by an " +
                           DirectionName(direction) + " rule that enables default deny";
          for (const PolicyEntry* e : enforcing) result.rules.push_back(EntryRuleMatch(*e));
        }
        out.push_back(std::move(result));
        continue;
      }
      ir::LabelsPeer pod = space.Witness(open);
      std::string why;
      Identity self = PodIdentity(pod.labels, pod.namespace_, pod.service_account, ctx.inventory, ctx.settings);
      if (ctx.settings.enforcement == ir::EnforcementMode::kNever) {
        why = "policy enforcement mode is never, so nothing is enforced";
      } else {
        for (const auto& entry : ctx.entries) {
          if (entry.direction == direction && !entry.host_subject && entry.subject.Matches(self)) {
            result.rules.push_back(EntryRuleMatch(entry));
          }
        }
        why = result.rules.empty()
                  ? std::string("is selected by no ") + DirectionName(direction) + " rule, so " +
                        DirectionName(direction) + " is not enforced"
                  : std::string("is selected only by ") + DirectionName(direction) +
                        " rules that set enableDefaultDeny false, so everything they do not deny is allowed";
      }
      std::string description = space.Describe(pod) + " " + why;
      result.verdict = PropertyVerdict::kFails;
      result.summary = std::string("some pods of ") + ns + " are not under " + DirectionName(direction) +
                       " default deny, e.g. " + description;
      result.counterexample = OpenFlow(ctx, pod, direction, description);
      out.push_back(std::move(result));
    }
  }
}

bool Required(const ir::VerifyConfig& config, std::string_view property) {
  return config.required.empty() ||
         std::find(config.required.begin(), config.required.end(), property) != config.required.end();
}

}  // namespace
}  // namespace internal

std::vector<PropertyResult> VerifyProperties(const ir::PolicySet& policies, const ir::Inventory& inventory,
                                             const ir::Settings& settings, const ir::VerifyConfig& config) {
  Evaluator evaluator(policies, inventory, settings);
  internal::PropertyContext ctx{policies, inventory, settings, config,
                                internal::BuildEntries(policies, inventory, settings), evaluator};
  std::vector<std::string> scope = PropertyScope(policies, config);
  std::vector<PropertyResult> out;
  auto lock = internal::BddLock();
  if (internal::Required(config, "default-deny")) internal::VerifyDefaultDeny(ctx, scope, out);
  if (internal::Required(config, "dns")) internal::VerifyDns(ctx, scope, out);
  if (internal::Required(config, "apiserver")) internal::VerifyApiserver(ctx, out);
  if (internal::Required(config, "host-lockout")) internal::VerifyHostLockout(ctx, scope, out);
  return out;
}

}  // namespace polc::verifier
