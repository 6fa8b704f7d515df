// VerifyAssertions: each statement of each PropertySet decided on the pod
// abstraction (assertions.h), with a replayed counterexample on failure.
#include "verifier/assertions.h"

#include <algorithm>
#include <set>

#include "verifier/assertions_internal.h"

namespace polc::verifier {
namespace internal {
namespace {

// Pods of an unlisted namespace (one without labels beyond its name), so
// that `only` also covers namespaces that are neither in the inventory nor
// named by a policy or statement.
constexpr std::string_view kOtherNamespace = "polc-other-namespace";

std::string KeyText(const ir::LabelKey& key) { return key.source == "any" ? key.name : key.ToString(); }

std::string_view OperatorText(ir::SelectorOperator op) {
  switch (op) {
    case ir::SelectorOperator::kIn: return "In";
    case ir::SelectorOperator::kNotIn: return "NotIn";
    case ir::SelectorOperator::kExists: return "Exists";
    case ir::SelectorOperator::kDoesNotExist: return "DoesNotExist";
  }
  return "In";
}

std::string SelectorText(const ir::LabelSelector& selector) {
  std::string out;
  for (const auto& m : selector.match_labels) {
    out += (out.empty() ? "" : ",") + KeyText(m.key) + "=" + m.value;
  }
  for (const auto& r : selector.match_expressions) {
    std::string values;
    for (const auto& v : r.values) values += (values.empty() ? "" : ",") + v;
    out += (out.empty() ? "" : ",") + KeyText(r.key) + " " + std::string(OperatorText(r.op)) +
           (values.empty() ? "" : " (" + values + ")");
  }
  return out;
}

std::string PodSetText(const ir::PodSetSpec& pods) {
  std::string ns = pods.namespace_selector ? "namespaces {" + SelectorText(*pods.namespace_selector) + "}"
                                           : "namespace " + pods.namespace_;
  if (pods.pod_selector.IsWildcard()) return "every pod of " + ns;
  return "pods {" + SelectorText(pods.pod_selector) + "} of " + ns;
}

std::string PeerSetText(const ir::PeerSetSpec& to) {
  if (to.pods) return PodSetText(*to.pods);
  std::string out;
  auto add = [&](std::string_view what, const std::vector<std::string>& items) {
    if (items.empty()) return;
    std::string list;
    for (const auto& i : items) list += (list.empty() ? "" : ", ") + i;
    out += (out.empty() ? "" : "; ") + std::string(what) + " " + list;
  };
  add("entities", to.entities);
  add("cidrs", to.cidrs);
  add("fqdns", to.fqdns);
  return out;
}

std::string PortsText(const std::vector<ir::AssertionPort>& ports) {
  if (ports.empty()) return "any port";
  std::string out;
  for (const auto& p : ports) {
    std::string text = std::string(ir::ProtocolName(p.protocol));
    if (p.protocol == ir::Protocol::kAny) text = "any protocol";
    text += p.port == 0 ? " any port" : " " + std::to_string(p.port);
    if (p.end_port != 0) text += "-" + std::to_string(p.end_port);
    out += (out.empty() ? "" : ", ") + text;
  }
  return out;
}

struct Decider {
  const PropertyContext& ctx;
  const ir::PolicySet& policies;
  const std::vector<ir::PropertySet>& sets;

  std::vector<std::string> Namespaces(const ir::PodSetSpec& pods) const {
    return AssertionNamespaces(pods, policies, ctx.inventory, ctx.settings, sets);
  }

  // Fills `result` with a failure: the symbolic witness `flow`, replayed
  // through the reference evaluator, with the rules its verdict rests on.
  void Fail(PropertyResult& result, Flow flow, const std::string& description) const {
    Counterexample cex;
    cex.flow = std::move(flow);
    cex.replay = ctx.evaluator.Evaluate(cex.flow);
    cex.description = description;
    result.verdict = PropertyVerdict::kFails;
    result.summary = description;
    result.rules = RuleTrail(cex.replay, ctx, cex.flow);
    result.counterexample = std::move(cex);
  }

  static Flow FlowOf(ir::FlowPeer from, ir::FlowPeer to, PortCase port) {
    Flow flow;
    flow.source = std::move(from);
    flow.destination = std::move(to);
    flow.protocol = port.protocol;
    flow.port = std::to_string(port.port);
    return flow;
  }

  // expect: allow | deny.
  void AllowDeny(const ir::Assertion& a, PropertyResult& result) const {
    const bool want_allow = a.expect == ir::AssertionExpect::kAllow;
    const char* verb = want_allow ? "cannot send" : "can send";
    for (const auto& src_ns : Namespaces(a.from)) {
      EffectiveSelector from_sel = PodSelectorIn(a.from, src_ns);
      if (a.to.pods) {
        for (const auto& dst_ns : Namespaces(*a.to.pods)) {
          EffectiveSelector to_sel = PodSelectorIn(*a.to.pods, dst_ns);
          PodSpace src(src_ns, ctx.entries, ctx.inventory, ctx.settings, {from_sel});
          PodSpace dst(dst_ns, ctx.entries, ctx.inventory, ctx.settings, {to_sel}, src.EndVar());
          bdd scope = src.Domain() & src.Selector(from_sel) & dst.Domain() & dst.Selector(to_sel);
          if (scope == bddfalse) continue;
          Identity dst_base = PodIdentity({}, dst_ns, "default", ctx.inventory, ctx.settings);
          for (PortCase pc : PortCases(ctx, dst_base, a.ports)) {
            bdd allowed = PodToPodAllowed(ctx, src, dst, pc);
            bdd bad = scope & (want_allow ? !allowed : allowed);
            if (bad == bddfalse) continue;
            bdd cube = bdd_fullsatone(bad);
            ir::LabelsPeer from = src.Witness(cube);
            ir::LabelsPeer to = dst.Witness(cube);
            Fail(result, FlowOf(from, to, pc),
                 src.Describe(from) + " " + verb + " " + PortCaseText(pc) + " to " + dst.Describe(to));
            return;
          }
        }
        continue;
      }
      PodSpace src(src_ns, ctx.entries, ctx.inventory, ctx.settings, {from_sel});
      bdd scope = src.Domain() & src.Selector(from_sel);
      if (scope == bddfalse) continue;
      for (const PeerTarget& target : PeerTargets(ctx, a.to)) {
        for (PortCase pc : PortCases(ctx, target.resolved.self, a.ports)) {
          bdd allowed = PodToPeerAllowed(ctx, src, target, pc);
          bdd bad = scope & (want_allow ? !allowed : allowed);
          if (bad == bddfalse) continue;
          ir::LabelsPeer from = src.Witness(bad);
          Fail(result, FlowOf(from, target.peer, pc),
               src.Describe(from) + " " + verb + " " + PortCaseText(pc) + " to " + target.text);
          return;
        }
      }
    }
  }

  // only: every allowed flow goes to a listed peer on a listed port.
  void Only(const ir::Assertion& a, PropertyResult& result) const {
    std::vector<ir::AssertionPort> cuts;
    for (const auto& allowed : a.only) cuts.insert(cuts.end(), allowed.ports.begin(), allowed.ports.end());
    std::set<std::string> universe;
    // A pod set naming no namespace stands for every known namespace.
    for (const auto& ns : Namespaces(ir::PodSetSpec{})) universe.insert(ns);
    universe.insert(std::string(kOtherNamespace));
    std::vector<PeerTarget> targets = UniverseTargets(ctx, a.only);
    for (const auto& src_ns : Namespaces(a.from)) {
      EffectiveSelector from_sel = PodSelectorIn(a.from, src_ns);
      for (const auto& dst_ns : universe) {
        // The allowed pod sets of this namespace, with their ports.
        std::vector<std::pair<EffectiveSelector, const ir::AllowedPeer*>> listed;
        std::vector<EffectiveSelector> extra;
        for (const auto& allowed : a.only) {
          if (!allowed.to.pods) continue;
          std::vector<std::string> in = Namespaces(*allowed.to.pods);
          if (std::find(in.begin(), in.end(), dst_ns) == in.end()) continue;
          listed.emplace_back(PodSelectorIn(*allowed.to.pods, dst_ns), &allowed);
          extra.push_back(listed.back().first);
        }
        PodSpace src(src_ns, ctx.entries, ctx.inventory, ctx.settings, {from_sel});
        PodSpace dst(dst_ns, ctx.entries, ctx.inventory, ctx.settings, extra, src.EndVar());
        bdd scope = src.Domain() & src.Selector(from_sel) & dst.Domain();
        if (scope == bddfalse) continue;
        Identity dst_base = PodIdentity({}, dst_ns, "default", ctx.inventory, ctx.settings);
        for (PortCase pc : PortCases(ctx, dst_base, {}, cuts)) {
          bdd covered = bddfalse;
          for (const auto& [selector, allowed] : listed) {
            if (PortCovered(allowed->ports, pc)) covered |= dst.Selector(selector);
          }
          bdd bad = scope & !covered;
          if (bad == bddfalse) continue;
          bad &= PodToPodAllowed(ctx, src, dst, pc);
          if (bad == bddfalse) continue;
          bdd cube = bdd_fullsatone(bad);
          ir::LabelsPeer from = src.Witness(cube);
          ir::LabelsPeer to = dst.Witness(cube);
          Fail(result, FlowOf(from, to, pc),
               src.Describe(from) + " can send " + PortCaseText(pc) + " to " + dst.Describe(to) +
                   ", which the statement does not list");
          return;
        }
      }
      PodSpace src(src_ns, ctx.entries, ctx.inventory, ctx.settings, {from_sel});
      bdd scope = src.Domain() & src.Selector(from_sel);
      if (scope == bddfalse) continue;
      for (const PeerTarget& target : targets) {
        for (PortCase pc : PortCases(ctx, target.resolved.self, {}, cuts)) {
          bool covered = std::any_of(a.only.begin(), a.only.end(), [&](const ir::AllowedPeer& allowed) {
            return !allowed.to.pods && PortCovered(allowed.ports, pc) && PeerCovered(ctx, allowed.to, target);
          });
          if (covered) continue;
          bdd bad = scope & PodToPeerAllowed(ctx, src, target, pc);
          if (bad == bddfalse) continue;
          ir::LabelsPeer from = src.Witness(bad);
          Fail(result, FlowOf(from, target.peer, pc),
               src.Describe(from) + " can send " + PortCaseText(pc) + " to " + target.text +
                   ", which the statement does not list");
          return;
        }
      }
    }
  }
};

}  // namespace
}  // namespace internal

std::string AssertionProperty(const ir::Assertion& assertion) { return "assertion:" + assertion.name; }

std::vector<std::string> AssertionNamespaces(const ir::PodSetSpec& pods, const ir::PolicySet& policies,
                                             const ir::Inventory& inventory, const ir::Settings& settings,
                                             const std::vector<ir::PropertySet>& sets) {
  if (!pods.namespace_selector && !pods.namespace_.empty()) return {pods.namespace_};
  std::set<std::string> known;
  for (const auto& ns : inventory.namespaces) known.insert(ns.name);
  for (const auto& policy : policies.policies) {
    if (policy.kind == ir::PolicyKind::kCiliumClusterwideNetworkPolicy) continue;
    known.insert(policy.meta.namespace_.empty() ? "default" : policy.meta.namespace_);
  }
  auto add = [&](const ir::PodSetSpec& p) {
    if (!p.namespace_selector && !p.namespace_.empty()) known.insert(p.namespace_);
  };
  for (const auto& set : sets) {
    for (const auto& a : set.assertions) {
      add(a.from);
      if (a.to.pods) add(*a.to.pods);
      for (const auto& allowed : a.only) {
        if (allowed.to.pods) add(*allowed.to.pods);
      }
    }
  }
  if (!pods.namespace_selector) return {known.begin(), known.end()};  // every known namespace
  // A NetworkPolicy peer with only a namespaceSelector selects the pods of
  // the namespaces whose labels match: the same test, on a label-less pod.
  ir::NetworkPolicyPeer peer;
  peer.namespace_selector = pods.namespace_selector;
  PeerMatcher matcher = KnpPeerMatcher(peer, "", settings);
  std::vector<std::string> out;
  for (const auto& ns : known) {
    Identity pod = PodIdentity({}, ns, "default", inventory, settings);
    if (PeerMatches(matcher, pod, settings.version)) out.push_back(ns);
  }
  return out;
}

std::vector<PropertyResult> VerifyAssertions(const ir::PolicySet& policies, const ir::Inventory& inventory,
                                             const ir::Settings& settings, const std::vector<ir::PropertySet>& sets,
                                             const std::vector<std::string>& required) {
  std::vector<PropertyResult> out;
  auto named = [&](std::string_view name) {
    return std::find(required.begin(), required.end(), name) != required.end();
  };
  const bool all = required.empty() || named("assertions");
  Evaluator evaluator(policies, inventory, settings);
  ir::VerifyConfig config;
  internal::PropertyContext ctx{policies, inventory, settings, config,
                                internal::BuildEntries(policies, inventory, settings), evaluator};
  internal::Decider decider{ctx, policies, sets};
  auto lock = internal::BddLock();
  for (const auto& set : sets) {
    for (const auto& a : set.assertions) {
      std::string property = AssertionProperty(a);
      if (!all && !named(property)) continue;
      PropertyResult result;
      result.property = property;
      result.location = a.location;
      std::string to = a.expect == ir::AssertionExpect::kOnly ? "only listed peers" : internal::PeerSetText(a.to);
      result.scope = "PropertySet " + set.name + ": " + internal::PodSetText(a.from) + " -> " + to;
      if (decider.Namespaces(a.from).empty()) {
        result.verdict = PropertyVerdict::kNotApplicable;
        result.summary = "no known namespace matches the 'from' set";
        out.push_back(std::move(result));
        continue;
      }
      if (a.expect == ir::AssertionExpect::kOnly) {
        decider.Only(a, result);
      } else {
        decider.AllowDeny(a, result);
      }
      if (result.verdict != PropertyVerdict::kFails) {
        std::string what;
        switch (a.expect) {
          case ir::AssertionExpect::kAllow:
            what = "may send " + internal::PortsText(a.ports) + " to " + internal::PeerSetText(a.to);
            break;
          case ir::AssertionExpect::kDeny:
            what = "is denied " + internal::PortsText(a.ports) + " to " + internal::PeerSetText(a.to);
            break;
          case ir::AssertionExpect::kOnly: {
            std::string list;
            for (const auto& allowed : a.only) {
              list += (list.empty() ? "" : "; ") + internal::PeerSetText(allowed.to) + " on " +
                      internal::PortsText(allowed.ports);
            }
            what = "reaches nothing but " + list;
            break;
          }
        }
        result.verdict = PropertyVerdict::kHolds;
        result.summary = "every possible pod of the 'from' set (" + internal::PodSetText(a.from) + ") " + what;
      }
      out.push_back(std::move(result));
    }
  }
  return out;
}

}  // namespace polc::verifier
