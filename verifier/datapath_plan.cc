// BuildDatapathPlan (issue 6): the policy entries of the reference
// evaluator, the identity universe and ipcache (datapath_plan_universe.cc),
// the local endpoints and their resolved entries (datapath_plan_entries.cc).
//
// Determinism: policies are put in a canonical order (kind, namespace,
// name) before rule ids are given, endpoints are numbered in (namespace,
// name) order, identities in label order and prefixes in address order, so
// the same inputs in any order give an equal plan.
#include "verifier/datapath_plan.h"

#include <algorithm>
#include <tuple>

#include "verifier/datapath_plan_internal.h"

namespace polc::verifier {
namespace {

using plan_internal::Universe;

std::string PolicyName(const ir::Policy& policy) {
  std::string name(ir::PolicyKindName(policy.kind));
  if (policy.kind == ir::PolicyKind::kCiliumClusterwideNetworkPolicy) return name + " " + policy.meta.name;
  return name + " " + (policy.meta.namespace_.empty() ? "default" : policy.meta.namespace_) + "/" + policy.meta.name;
}

bool UsesEgressNamedPorts(const std::vector<internal::PolicyEntry>& entries) {
  for (const auto& entry : entries) {
    if (entry.direction != ir::Direction::kEgress || !entry.ports) continue;
    for (const auto& spec : *entry.ports) {
      bool icmp = spec.protocol == ir::Protocol::kIcmp || spec.protocol == ir::Protocol::kIcmpv6;
      if (!icmp && !spec.port.empty() && spec.port.find_first_not_of("0123456789") != std::string::npos) return true;
    }
  }
  return false;
}

void AddWarning(std::vector<std::string>& warnings, std::string warning) {
  if (std::find(warnings.begin(), warnings.end(), warning) == warnings.end()) warnings.push_back(std::move(warning));
}

// World is one identity (2) unless IPv4 and IPv6 outside addresses get
// different entries somewhere (entity world-ipv4, say); then 9 and 10 with
// their /0 prefixes stay, as in a dual-stack Cilium (5.2).
void MergeWorld(ir::Plan& plan) {
  auto has = [&](uint32_t id) {
    return std::any_of(plan.identities.begin(), plan.identities.end(), [&](const ir::PlanIdentity& i) { return i.id == id; });
  };
  bool v4 = has(ir::kWorldIpv4Identity), v6 = has(ir::kWorldIpv6Identity);
  if (!v4 && !v6) return;
  if (v4 && v6) {
    auto of = [&](uint32_t id) {
      std::vector<ir::PlanEntry> out;
      for (auto e : plan.entries) {
        if (e.remote_identity != id) continue;
        e.remote_identity = 0;
        out.push_back(e);
      }
      return out;
    };
    if (of(ir::kWorldIpv4Identity) != of(ir::kWorldIpv6Identity)) return;
  }
  uint32_t kept = v4 ? ir::kWorldIpv4Identity : ir::kWorldIpv6Identity;
  auto world = [](uint32_t id) { return id == ir::kWorldIpv4Identity || id == ir::kWorldIpv6Identity; };
  std::erase_if(plan.prefixes, [&](const ir::PlanPrefix& p) { return p.bits == 0 && world(p.identity); });
  std::erase_if(plan.entries, [&](const ir::PlanEntry& e) { return world(e.remote_identity) && e.remote_identity != kept; });
  for (auto& e : plan.entries) {
    if (e.remote_identity == kept) e.remote_identity = ir::kWorldIdentity;
  }
  std::erase_if(plan.identities, [&](const ir::PlanIdentity& i) { return world(i.id) && i.id != kept; });
  for (auto& i : plan.identities) {
    if (i.id != kept) continue;
    i.id = ir::kWorldIdentity;
    i.labels = "reserved:world";
    i.description = "world (outside every prefix)";
  }
  std::sort(plan.identities.begin(), plan.identities.end(),
            [](const ir::PlanIdentity& a, const ir::PlanIdentity& b) { return a.id < b.id; });
}

void SetFeatures(ir::Plan& plan) {
  auto& f = plan.features;
  for (const auto& endpoint : plan.endpoints) {
    for (const auto& address : endpoint.addresses) (address.v6 ? f.ipv6 : f.ipv4) = true;
    f.audit = f.audit || endpoint.audit;
  }
  for (const auto& entry : plan.entries) {
    f.deny = f.deny || entry.deny;
    f.icmp = f.icmp || entry.protocol == 1 || entry.protocol == 58;
    f.sctp = f.sctp || entry.protocol == 132;
    f.l7 = f.l7 || entry.needs_l7_proxy;
  }
}

}  // namespace

ir::Plan BuildDatapathPlan(const ir::PolicySet& policies, const ir::Inventory& inventory,
                           const ir::Settings& settings, const PlanOptions& options) {
  ir::PolicySet sorted = policies;
  std::stable_sort(sorted.policies.begin(), sorted.policies.end(), [](const ir::Policy& a, const ir::Policy& b) {
    return std::tie(a.kind, a.meta.namespace_, a.meta.name) < std::tie(b.kind, b.meta.namespace_, b.meta.name);
  });
  const std::vector<internal::PolicyEntry> entries = internal::BuildEntries(sorted, inventory, settings);
  Universe universe = plan_internal::BuildUniverse(entries, inventory, settings, UsesEgressNamedPorts(entries));

  ir::Plan plan;
  plan.nodes = universe.nodes;
  plan.identities = universe.plan_identities;
  plan.prefixes = universe.prefixes;
  plan.unresolved_fqdns = universe.unresolved_fqdns;
  std::vector<std::string>& warnings = plan.warnings;
  for (const auto& w : universe.warnings) AddWarning(warnings, w);
  for (size_t i = 0; i < entries.size(); ++i) {
    const auto& entry = entries[i];
    plan.rules.push_back({static_cast<uint32_t>(i) + 1, PolicyName(sorted.policies[static_cast<size_t>(entry.policy)]),
                          entry.description, entry.location, entry.deny});
    for (const auto& w : entry.warnings) AddWarning(warnings, w);
  }
  plan_internal::RuleIds rule_ids;
  rule_ids.allow_localhost = static_cast<uint32_t>(entries.size()) + 1;

  std::vector<const ir::Endpoint*> local;
  for (const auto& endpoint : inventory.endpoints) {
    if (!options.node || endpoint.node == *options.node) local.push_back(&endpoint);
  }
  auto ns_of = [](const ir::Endpoint* e) { return e->namespace_.empty() ? std::string("default") : e->namespace_; };
  std::stable_sort(local.begin(), local.end(), [&](const ir::Endpoint* a, const ir::Endpoint* b) {
    return std::make_tuple(ns_of(a), a->name, a->pod_name, a->kind) < std::make_tuple(ns_of(b), b->name, b->pod_name, b->kind);
  });
  plan_internal::EntryIndex index = plan_internal::IndexEntries(entries, universe);
  std::vector<ir::PlanAddress> seen_addresses;
  for (const ir::Endpoint* e : local) {
    ir::PlanEndpoint out;
    out.id = static_cast<uint32_t>(plan.endpoints.size()) + 1;
    out.namespace_ = ns_of(e);
    out.name = e->name;
    ResolvedPeer resolved = ResolveEndpointPeer(*e, "", inventory, settings);
    out.identity = universe.by_key.at(plan_internal::IdentityKey(resolved.seen, resolved.self.endpoint,
                                                                 universe.named_port_identities));
    out.node = universe.NodeIndex(e->node);
    for (const auto& text : e->ips) {
      auto ip = ParseIpAddress(text);
      if (!ip) continue;
      ir::PlanAddress address = plan_internal::ToPlanAddress(*ip);
      if (std::find(seen_addresses.begin(), seen_addresses.end(), address) != seen_addresses.end()) {
        AddWarning(warnings, "address " + text + " belongs to more than one local endpoint; the first one judges it");
      }
      seen_addresses.push_back(address);
      out.addresses.push_back(address);
    }
    out.audit = settings.policy_audit_mode;
    if (e->node.empty() && !inventory.nodes.empty()) {
      AddWarning(warnings, "endpoint " + out.namespace_ + "/" + out.name +
                               " has no node: node addresses are remote-node to it here, while the evaluator sees "
                               "every node as its host");
    }
    bool named_ports = std::any_of(e->ports.begin(), e->ports.end(), [](const ir::ContainerPort& p) { return !p.name.empty(); });
    if (e->host_network && named_ports && universe.named_port_identities) {
      AddWarning(warnings, "hostNetwork endpoint " + out.namespace_ + "/" + out.name +
                               " shares the host identity: egress named ports to it are resolved per identity");
    }
    plan_internal::Subject subject{e, resolved.self, HostIdentity(inventory.FindNode(e->node), inventory, settings),
                                   out.id};
    plan_internal::AddDirectionEntries(universe, entries, index, subject, ir::Direction::kIngress, settings, rule_ids,
                                       out.ingress, plan.entries, warnings);
    plan_internal::AddDirectionEntries(universe, entries, index, subject, ir::Direction::kEgress, settings, rule_ids,
                                       out.egress, plan.entries, warnings);
    plan.endpoints.push_back(std::move(out));
  }
  // With the host firewall the nodes are local endpoints too (after the
  // pods, namespace empty), judged by host policies (nodeSelector, 2.2). An
  // address a hostNetwork pod already has stays with that pod: the
  // evaluator finds the pod first, with the same host identity.
  if (settings.host_firewall) {
    std::vector<const ir::Node*> nodes;
    for (const auto& node : inventory.nodes) {
      if (!options.node || node.name == *options.node) nodes.push_back(&node);
    }
    std::stable_sort(nodes.begin(), nodes.end(), [](const ir::Node* a, const ir::Node* b) { return a->name < b->name; });
    for (const ir::Node* node : nodes) {
      ir::PlanEndpoint out;
      out.id = static_cast<uint32_t>(plan.endpoints.size()) + 1;
      out.name = node->name;
      out.identity = ir::kHostIdentity;
      out.node = universe.NodeIndex(node->name);
      for (const auto& text : node->ips) {
        auto ip = ParseIpAddress(text);
        if (!ip) continue;
        ir::PlanAddress address = plan_internal::ToPlanAddress(*ip);
        if (std::find(seen_addresses.begin(), seen_addresses.end(), address) != seen_addresses.end()) continue;
        seen_addresses.push_back(address);
        out.addresses.push_back(address);
      }
      out.audit = settings.policy_audit_mode;
      Identity host = HostIdentity(node, inventory, settings);
      plan_internal::Subject subject{nullptr, host, host, out.id};
      plan_internal::AddDirectionEntries(universe, entries, index, subject, ir::Direction::kIngress, settings,
                                         rule_ids, out.ingress, plan.entries, warnings);
      plan_internal::AddDirectionEntries(universe, entries, index, subject, ir::Direction::kEgress, settings,
                                         rule_ids, out.egress, plan.entries, warnings);
      plan.endpoints.push_back(std::move(out));
    }
  }
  if (rule_ids.allow_localhost_used) {
    plan.rules.push_back({rule_ids.allow_localhost, "",
                          "allow-localhost: ingress from the local host is always allowed (3.6)", {}, false});
  }
  MergeWorld(plan);
  std::sort(plan.entries.begin(), plan.entries.end(), [](const ir::PlanEntry& a, const ir::PlanEntry& b) {
    return std::tie(a.endpoint, a.direction, a.remote_identity, a.protocol, a.port_first) <
           std::tie(b.endpoint, b.direction, b.remote_identity, b.protocol, b.port_first);
  });
  SetFeatures(plan);
  return plan;
}

}  // namespace polc::verifier
