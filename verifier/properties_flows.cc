// dns and apiserver: flows every possible pod of a namespace must be allowed
// (both the pod's egress and, for a pod destination, its ingress), and the
// toFQDNs names a pod's DNS rules must let the proxy see (6.6).
#include <algorithm>

#include "verifier/l7_match.h"
#include "verifier/properties_internal.h"

namespace polc::verifier::internal {
namespace {

struct Target {
  ir::FlowPeer peer;
  ResolvedPeer resolved;
};

Target Resolve(const PropertyContext& ctx, ir::FlowPeer peer) {
  Target t{std::move(peer), {}};
  t.resolved = ResolvePeer(t.peer, "", ctx.inventory, ctx.settings);
  return t;
}

// The DNS server: an inventory endpoint with the labels, else anonymous.
Target DnsServer(const PropertyContext& ctx) {
  for (const auto& e : ctx.inventory.endpoints) {
    if (e.namespace_ != ctx.config.dns_namespace) continue;
    bool all = std::all_of(ctx.config.dns_labels.begin(), ctx.config.dns_labels.end(), [&](const auto& kv) {
      auto it = e.labels.find(kv.first);
      return it != e.labels.end() && it->second == kv.second;
    });
    if (all) return Resolve(ctx, ir::EndpointPeer{e.namespace_, e.name});
  }
  return Resolve(ctx, ir::LabelsPeer{ctx.config.dns_namespace, ctx.config.dns_labels, "default"});
}

Flow FlowTo(const ir::FlowPeer& source, const Target& to, ir::Protocol protocol, uint16_t port) {
  Flow flow;
  flow.source = source;
  flow.destination = to.peer;
  flow.protocol = protocol;
  flow.port = std::to_string(port);
  return flow;
}

// The pods of `space` for which the flow from the pod to `to` passes.
bdd FlowAllowed(const PropertyContext& ctx, const PodSpace& space, const Target& to, ir::Protocol protocol,
                uint16_t port) {
  Flow flow = FlowTo(ir::LabelsPeer{space.Namespace(), {}, "default"}, to, protocol, port);
  std::string error;
  std::optional<uint16_t> resolved = ResolveFlowPort(flow, to.resolved.self, &error);
  SideInput egress{ir::Direction::kEgress, true, nullptr, &to.resolved.seen, &to.resolved.self, resolved};
  SideInput ingress{ir::Direction::kIngress, false, &to.resolved, nullptr, &to.resolved.self, resolved};
  return SideAllows(egress, ctx, flow, space) & SideAllows(ingress, ctx, flow, space);
}

// Who decided the replayed flow, for the rule trail.
// A readable name for a flow target: "kube-system/coredns" for an inventory
// endpoint, "a pod of kube-system with k8s-app=kube-dns" otherwise.
std::string TargetName(const Target& target) {
  if (const auto* e = std::get_if<ir::EndpointPeer>(&target.peer)) return e->namespace_ + "/" + e->name;
  if (const auto* l = std::get_if<ir::LabelsPeer>(&target.peer)) {
    std::string labels;
    for (const auto& [key, value] : l->labels) labels += (labels.empty() ? "" : ",") + key + "=" + value;
    return "a pod of " + l->namespace_ + " with " + (labels.empty() ? "no labels" : labels);
  }
  return target.resolved.self.ToString();
}

// The entries a replay's decision rests on: the deciding and matching
// entries and, for a side denied by default deny (no entry decided), the
// entries of that direction that select the side and so enforce it, so
// every failure names a file and line.
std::vector<RuleMatch> Trail(const FlowResult& replay, const PropertyContext& ctx, const Flow& flow) {
  std::vector<RuleMatch> out;
  for (const DirectionResult* side : {&replay.egress, &replay.ingress}) {
    if (side->deny_reason == ir::DenyReason::kDefaultDeny && !side->deciding) {
      bool egress = side->direction == ir::Direction::kEgress;
      ResolvedPeer local = ResolvePeer(egress ? flow.source : flow.destination, "", ctx.inventory, ctx.settings);
      for (const auto& entry : ctx.entries) {
        if (entry.direction == side->direction && SelectsSubject(entry, local.self)) {
          out.push_back(EntryRuleMatch(entry));
        }
      }
    }
    if (side->deciding && side->deciding->policy >= 0) out.push_back(*side->deciding);
    for (const auto& m : side->matches) {
      if (m.policy >= 0 && std::find_if(out.begin(), out.end(), [&](const RuleMatch& o) {
                             return o.policy == m.policy && o.rule == m.rule && o.entry == m.entry &&
                                    o.direction == m.direction && o.deny == m.deny;
                           }) == out.end()) {
        out.push_back(m);
      }
    }
  }
  return out;
}

// A name `selector` matches, to ask the DNS rules about (6.1-6.4).
std::optional<std::string> NameOf(const ir::FqdnSelector& selector, const ir::CiliumVersion& version) {
  std::string name;
  if (selector.match_name) {
    name = *selector.match_name;
  } else if (selector.match_pattern) {
    for (char c : *selector.match_pattern) {
      if (c == '*') {
        name += "polc";
      } else {
        name += c;
      }
    }
  } else {
    return std::nullopt;
  }
  if (!FqdnMatches(selector, name, version)) return std::nullopt;
  return name;
}

// 6.6: the pods selected by `fqdn_entry` for which no egress rule with
// rules.dns that selects them allows `name`.
bdd NeverLearned(const PropertyContext& ctx, const PodSpace& space, const PolicyEntry& fqdn_entry,
                 const std::string& name) {
  bdd proxied = bddfalse;
  for (const auto& entry : ctx.entries) {
    if (entry.direction != ir::Direction::kEgress || entry.deny || !entry.ports) continue;
    bool allows = std::any_of(entry.ports->begin(), entry.ports->end(), [&](const PortSpec& p) {
      return p.l7 != nullptr && p.l7->dns && DnsAllowed(*p.l7->dns, name, ctx.settings.version);
    });
    if (allows) proxied |= space.Subject(entry);
  }
  return space.Domain() & space.Subject(fqdn_entry) & !proxied;
}

}  // namespace

std::vector<RuleMatch> RuleTrail(const FlowResult& replay, const PropertyContext& ctx, const Flow& flow) {
  return Trail(replay, ctx, flow);
}

void VerifyDns(const PropertyContext& ctx, const std::vector<std::string>& scope, std::vector<PropertyResult>& out) {
  Target dns = DnsServer(ctx);
  for (const auto& ns : scope) {
    PodSpace space(ns, ctx.entries, ctx.inventory, ctx.settings);
    PropertyResult result;
    result.property = "dns";
    result.scope = "namespace " + ns;
    bdd enforced = space.Domain() & Enforced(ir::Direction::kEgress, ctx, space);
    bdd udp = FlowAllowed(ctx, space, dns, ir::Protocol::kUdp, 53);
    bdd tcp = FlowAllowed(ctx, space, dns, ir::Protocol::kTcp, 53);
    bdd bad = enforced & !(udp & tcp);
    std::string server = "the DNS server (" + TargetName(dns) + ")";
    if (bad != bddfalse) {
      // The witness comes from the failing protocol's set, so its flow fails.
      ir::Protocol protocol = (bad & !udp) != bddfalse ? ir::Protocol::kUdp : ir::Protocol::kTcp;
      ir::LabelsPeer pod = space.Witness(protocol == ir::Protocol::kUdp ? bad & !udp : bad & !tcp);
      Counterexample cex;
      cex.flow = FlowTo(pod, dns, protocol, 53);
      cex.replay = ctx.evaluator.Evaluate(cex.flow);
      cex.description = space.Describe(pod) + " is under egress enforcement and cannot send " +
                        (protocol == ir::Protocol::kUdp ? "UDP" : "TCP") + " 53 to " + server;
      result.verdict = PropertyVerdict::kFails;
      result.summary = "some pods of " + ns + " cannot reach DNS, e.g. " + cex.description;
      result.rules = Trail(cex.replay, ctx, cex.flow);
      result.counterexample = std::move(cex);
      out.push_back(std::move(result));
      continue;
    }
    // 6.6: every toFQDNs name of an entry that selects a pod must pass its DNS rules.
    for (const auto& entry : ctx.entries) {
      if (result.counterexample) break;
      if (entry.direction != ir::Direction::kEgress || entry.deny ||
          ctx.settings.enforcement == ir::EnforcementMode::kNever) {
        continue;
      }
      for (const auto& peer : entry.peers) {
        if (peer.kind != PeerMatcher::Kind::kFqdn) continue;
        std::optional<std::string> name = NameOf(peer.fqdn, ctx.settings.version);
        if (!name) continue;
        bdd never = NeverLearned(ctx, space, entry, *name);
        if (never == bddfalse) continue;
        ir::LabelsPeer pod = space.Witness(never);
        Counterexample cex;
        cex.flow = FlowTo(pod, dns, ir::Protocol::kUdp, 53);
        cex.flow.dns = ir::DnsQuery{*name};
        cex.replay = ctx.evaluator.Evaluate(cex.flow);
        cex.description = space.Describe(pod) + " may connect to " + *name + " (" + entry.description +
                          "), but no egress rule with rules.dns that selects it allows the query, so Cilium never "
                          "learns the addresses (6.6)";
        result.verdict = PropertyVerdict::kFails;
        result.summary = "a toFQDNs name of " + ns + " is never learned: " + cex.description;
        result.rules.push_back(EntryRuleMatch(entry));
        result.counterexample = std::move(cex);
        break;
      }
    }
    if (!result.counterexample) {
      result.verdict = PropertyVerdict::kHolds;
      result.summary = "every possible pod of " + ns + " under egress enforcement reaches " + server +
                       " on UDP and TCP 53, and its DNS rules allow every toFQDNs name that applies to it";
    }
    out.push_back(std::move(result));
  }
}

void VerifyApiserver(const PropertyContext& ctx, std::vector<PropertyResult>& out) {
  if (ctx.config.apiserver_namespaces.empty() || ctx.config.apiserver_ports.empty()) {
    PropertyResult result;
    result.property = "apiserver";
    result.scope = "cluster";
    result.verdict = PropertyVerdict::kNotApplicable;
    result.summary = "no namespace must reach kube-apiserver (apiserver_namespaces is empty)";
    out.push_back(std::move(result));
    return;
  }
  Target api = Resolve(ctx, ir::EntityPeer{"kube-apiserver"});
  std::vector<std::string> namespaces = ctx.config.apiserver_namespaces;
  std::sort(namespaces.begin(), namespaces.end());
  namespaces.erase(std::unique(namespaces.begin(), namespaces.end()), namespaces.end());
  for (const auto& ns : namespaces) {
    PodSpace space(ns, ctx.entries, ctx.inventory, ctx.settings);
    PropertyResult result;
    result.property = "apiserver";
    result.scope = "namespace " + ns;
    bdd reaches = bddfalse;
    for (uint16_t port : ctx.config.apiserver_ports) reaches |= FlowAllowed(ctx, space, api, ir::Protocol::kTcp, port);
    bdd bad = space.Domain() & !reaches;
    std::string ports;
    for (uint16_t port : ctx.config.apiserver_ports) ports += (ports.empty() ? "" : ", ") + std::to_string(port);
    if (bad == bddfalse) {
      result.verdict = PropertyVerdict::kHolds;
      result.summary = "every possible pod of " + ns + " reaches kube-apiserver on TCP " + ports;
      out.push_back(std::move(result));
      continue;
    }
    ir::LabelsPeer pod = space.Witness(bad);
    Counterexample cex;
    cex.flow = FlowTo(pod, api, ir::Protocol::kTcp, ctx.config.apiserver_ports.front());
    cex.replay = ctx.evaluator.Evaluate(cex.flow);
    cex.description = space.Describe(pod) + " reaches kube-apiserver on none of TCP " + ports;
    result.verdict = PropertyVerdict::kFails;
    result.summary = "some pods of " + ns + " cannot reach kube-apiserver, e.g. " + cex.description;
    result.rules = Trail(cex.replay, ctx, cex.flow);
    result.counterexample = std::move(cex);
    out.push_back(std::move(result));
  }
}

}  // namespace polc::verifier::internal
