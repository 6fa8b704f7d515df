// Policy entries from the rules: cilium-semantics.md 3.1 (one entry per list
// element), 2.2-2.4 (subjects and peers), 3.3 (empty vs absent), 3.4
// (enableDefaultDeny), 2.4 (NetworkPolicy translation), section 11
// (unresolved toServices select nothing).
#include <algorithm>
#include <string>

#include "verifier/evaluator_internal.h"

namespace polc::verifier::internal {
namespace {

std::string PolicyNamespace(const ir::Policy& policy) {
  return policy.meta.namespace_.empty() ? "default" : policy.meta.namespace_;
}

std::string PolicyName(const ir::Policy& policy) {
  std::string name(ir::PolicyKindName(policy.kind));
  if (policy.kind == ir::PolicyKind::kCiliumClusterwideNetworkPolicy) return name + " " + policy.meta.name;
  return name + " " + PolicyNamespace(policy) + "/" + policy.meta.name;
}

bool SubjectHasInit(const ir::Rule& rule) {
  if (!rule.endpoint_selector) return false;
  for (const auto& label : rule.endpoint_selector->match_labels) {
    if (label.key.source == "reserved" && label.key.name == "init") return true;
  }
  for (const auto& req : rule.endpoint_selector->match_expressions) {
    if (req.key.source == "reserved" && req.key.name == "init") return true;
  }
  return false;
}

// The backends of one Service: the pods of its selector in its namespace, or
// the endpoint IPs of a selector-less Service (1.3, pkg/policy/k8s/service.go).
void AddServiceBackends(const ir::InventoryService& svc, const std::string& svc_ns, PolicyEntry& entry) {
  std::string name = "service " + svc_ns + "/" + svc.name;
  if (svc.selector) {
    EffectiveSelector selector;
    for (const auto& [key, value] : *svc.selector) {
      selector.requirements.push_back({"k8s", key, ir::SelectorOperator::kIn, {value}});
    }
    selector.requirements.push_back({"k8s", std::string(kPodNamespaceLabel), ir::SelectorOperator::kIn, {svc_ns}});
    PeerMatcher matcher;
    matcher.kind = PeerMatcher::Kind::kSelectors;
    matcher.selectors.push_back(std::move(selector));
    matcher.text = name + " (pods of its selector)";
    entry.peers.push_back(std::move(matcher));
    return;
  }
  for (const auto& ip : svc.endpoint_ips) {
    PeerMatcher matcher = CidrMatcher(ip, {});
    matcher.text = name + " backend " + ip;
    entry.peers.push_back(std::move(matcher));
  }
}

// toServices (1.3): k8sService names one Service; k8sServiceSelector selects
// Services by their labels. An empty namespace means the policy's namespace
// for a CiliumNetworkPolicy and any namespace for a clusterwide policy.
void AddServicePeers(const ir::Service& service, const std::string& policy_namespace, const ir::Inventory& inventory,
                     PolicyEntry& entry) {
  auto namespace_matches = [&](const std::string& wanted, const std::string& svc_ns) {
    std::string ns = wanted.empty() ? policy_namespace : wanted;
    return ns.empty() || ns == svc_ns;
  };
  bool found = false;
  if (const auto* ref = std::get_if<ir::ServiceReference>(&service.target)) {
    for (const auto& svc : inventory.services) {
      std::string svc_ns = svc.namespace_.empty() ? "default" : svc.namespace_;
      if (svc.name != ref->name || !namespace_matches(ref->namespace_, svc_ns)) continue;
      AddServiceBackends(svc, svc_ns, entry);
      found = true;
    }
    if (!found) {
      std::string ns = ref->namespace_.empty() ? policy_namespace : ref->namespace_;
      entry.warnings.push_back(entry.description + ": toServices names Service " + (ns.empty() ? "" : ns + "/") +
                               ref->name + ", which is not in the inventory; it selects nothing");
    }
    return;
  }
  const auto& by_labels = std::get<ir::ServiceSelector>(service.target);
  EffectiveSelector selector = FromLabelSelector(by_labels.selector);
  for (const auto& svc : inventory.services) {
    std::string svc_ns = svc.namespace_.empty() ? "default" : svc.namespace_;
    if (!namespace_matches(by_labels.namespace_, svc_ns)) continue;
    Identity service_labels;
    for (const auto& [key, value] : svc.labels) service_labels.Add("k8s", key, value);
    if (!selector.Matches(service_labels)) continue;
    AddServiceBackends(svc, svc_ns, entry);
    found = true;
  }
  if (!found) {
    entry.warnings.push_back(entry.description +
                             ": toServices k8sServiceSelector matches no Service of the inventory; it selects nothing");
  }
}

void AddPortRules(const ir::PeerRule& peer, PolicyEntry& entry, const ir::Settings& settings) {
  bool has_ports = peer.to_ports && !peer.to_ports->empty();
  bool has_icmps = peer.icmps && !peer.icmps->empty();
  if (!has_ports && !has_icmps) return;
  std::vector<PortSpec> specs;
  if (has_ports) {
    for (const auto& port_rule : *peer.to_ports) {
      const ir::L7Rules* l7 = nullptr;
      if (port_rule.rules && settings.enable_l7_proxy &&
          (port_rule.rules->http || port_rule.rules->dns || port_rule.rules->kafka)) {
        l7 = &*port_rule.rules;
      }
      if (port_rule.ports.empty()) specs.push_back({ir::Protocol::kAny, "", 0, l7});
      for (const auto& pp : port_rule.ports) specs.push_back({pp.protocol, pp.port, pp.end_port, l7});
    }
  }
  if (has_icmps) {  // 1.11: only the type is matched
    for (const auto& icmp : *peer.icmps) {
      for (const auto& field : icmp.fields) {
        ir::Protocol protocol = field.family == ir::IcmpFamily::kIPv6 ? ir::Protocol::kIcmpv6 : ir::Protocol::kIcmp;
        specs.push_back({protocol, std::to_string(field.type), 0, nullptr});
      }
    }
  }
  entry.ports = std::move(specs);
}

PolicyEntry CiliumEntry(const ir::Policy& policy, int p, const ir::Rule& rule, int r, const ir::PeerRule& peer, int e,
                        const std::string& section, const ir::Inventory& inventory, const ir::PolicySet& policies,
                        const ir::Settings& settings) {
  PolicyEntry entry;
  entry.policy = p;
  entry.rule = r;
  entry.entry = e;
  entry.direction = peer.direction;
  entry.deny = peer.deny;
  entry.location = peer.location;
  std::string prefix = policy.rules.size() > 1 || rule.from_specs ? "specs[" + std::to_string(r) + "]." : "";
  entry.description = PolicyName(policy) + " " + prefix + section + "[" + std::to_string(e) + "]";
  std::string ns = PolicyNamespace(policy);

  // Subject (2.2).
  if (rule.node_selector) {
    entry.host_subject = true;
    entry.subject = FromLabelSelector(*rule.node_selector);
  } else if (rule.endpoint_selector) {
    entry.subject = policy.kind == ir::PolicyKind::kCiliumNetworkPolicy ? CnpSubject(*rule.endpoint_selector, ns)
                                                                         : FromLabelSelector(*rule.endpoint_selector);
  }

  // 3.4: enableDefaultDeny per direction, default true.
  if (rule.enable_default_deny) {
    const auto& flag =
        peer.direction == ir::Direction::kIngress ? rule.enable_default_deny->ingress : rule.enable_default_deny->egress;
    entry.default_deny = flag.value_or(true);
  }
  if (!settings.enable_non_default_deny_policies) entry.default_deny = true;

  // L3 (2.3, 3.3, 5.1, 1.4): each present list adds what it selects.
  bool init = SubjectHasInit(rule);
  if (peer.endpoints) {
    for (const auto& s : *peer.endpoints) {
      entry.peers.push_back(EndpointPeerMatcher(s, policy.kind, ns, init, settings));
    }
  }
  if (peer.requires_) {
    for (const auto& s : *peer.requires_) {
      PeerMatcher scoped = EndpointPeerMatcher(s, policy.kind, ns, init, settings);
      entry.requirements.push_back(scoped.selectors.front());
    }
  }
  if (peer.nodes) {
    for (const auto& s : *peer.nodes) entry.peers.push_back(NodePeerMatcher(s, settings));
  }
  if (peer.entities) {
    for (const auto& entity : *peer.entities) entry.peers.push_back(EntityMatcher(entity.name, settings));
  }
  if (peer.cidr) {
    for (const auto& cidr : *peer.cidr) entry.peers.push_back(CidrMatcher(cidr.text, {}));
  }
  if (peer.cidr_set) {
    for (const auto& cidr_rule : *peer.cidr_set) {
      for (auto& matcher : CidrRuleMatchers(cidr_rule, policies.cidr_groups)) entry.peers.push_back(std::move(matcher));
    }
  }
  if (peer.fqdns) {
    for (const auto& fqdn : *peer.fqdns) {
      PeerMatcher matcher;
      matcher.kind = PeerMatcher::Kind::kFqdn;
      matcher.fqdn = fqdn;
      matcher.text = "FQDN " + fqdn.match_name.value_or(fqdn.match_pattern.value_or(""));
      entry.peers.push_back(std::move(matcher));
    }
  }
  if (peer.groups && !peer.groups->empty()) {
    entry.warnings.push_back(entry.description +
                             ": fromGroups/toGroups (AWS security groups) cannot be resolved offline; they select nothing here");
  }
  if (peer.services) {
    for (const auto& service : *peer.services) AddServicePeers(service, ns, inventory, entry);
  }
  AddPortRules(peer, entry, settings);
  // 3.2/3.3: no L3 field with toPorts/icmps is L4-only with wildcard L3;
  // no L3 and no L4 (`- {}`) installs nothing.
  entry.l3_wildcard = !peer.HasL3() && entry.ports.has_value();
  return entry;
}

void AddCiliumEntries(const ir::Policy& policy, int p, const ir::Inventory& inventory, const ir::PolicySet& policies,
                      const ir::Settings& settings, std::vector<PolicyEntry>& out) {
  for (size_t r = 0; r < policy.rules.size(); ++r) {
    const ir::Rule& rule = policy.rules[r];
    if (!rule.endpoint_selector && !rule.node_selector) continue;
    auto add = [&](const std::optional<std::vector<ir::PeerRule>>& list, const char* section) {
      if (!list) return;
      for (size_t e = 0; e < list->size(); ++e) {
        out.push_back(CiliumEntry(policy, p, rule, static_cast<int>(r), (*list)[e], static_cast<int>(e), section,
                                  inventory, policies, settings));
      }
    };
    add(rule.ingress, "ingress");
    add(rule.ingress_deny, "ingressDeny");
    add(rule.egress, "egress");
    add(rule.egress_deny, "egressDeny");
  }
}

bool HasType(const std::optional<std::vector<ir::Direction>>& types, ir::Direction direction) {
  return types && std::find(types->begin(), types->end(), direction) != types->end();
}

// 2.4: NetworkPolicy translation.
void AddNetworkPolicyEntries(const ir::Policy& policy, int p, const ir::Settings& settings,
                             std::vector<PolicyEntry>& out) {
  const ir::NetworkPolicySpec& spec = *policy.network_policy;
  std::string ns = PolicyNamespace(policy);
  auto base = [&](ir::Direction direction, int e, ir::SourceLocation location, std::string description) {
    PolicyEntry entry;
    entry.policy = p;
    entry.entry = e;
    entry.direction = direction;
    entry.subject = KnpSubject(spec.pod_selector, ns);
    entry.location = location;
    entry.description = PolicyName(policy) + " " + description;
    return entry;
  };
  for (ir::Direction direction : {ir::Direction::kIngress, ir::Direction::kEgress}) {
    bool ingress = direction == ir::Direction::kIngress;
    const auto& rules = ingress ? spec.ingress : spec.egress;
    const char* section = ingress ? "ingress" : "egress";
    size_t count = rules ? rules->size() : 0;
    if (settings.semantics == ir::Semantics::kKubernetes) {
      // The upstream specification: a direction is isolated only when
      // policyTypes lists it (absent policyTypes: Ingress, plus Egress when
      // there are egress rules); rules of other directions are ignored.
      // Cilium instead translates both lists whatever policyTypes says.
      bool affected = spec.policy_types ? HasType(spec.policy_types, direction) : (ingress || count > 0);
      if (!affected) continue;
      if (count == 0) {
        ir::SourceLocation location = spec.policy_types_location.Known() ? spec.policy_types_location : spec.location;
        out.push_back(base(direction, -1, location, std::string("default deny ") + section + " (policyTypes)"));
        continue;
      }
    }
    for (size_t e = 0; e < count; ++e) {
      const ir::NetworkPolicyRule& rule = (*rules)[e];
      PolicyEntry entry = base(direction, static_cast<int>(e), rule.location,
                               std::string(section) + "[" + std::to_string(e) + "]");
      // Missing or empty from/to: every peer, world included.
      entry.l3_wildcard = !rule.peers || rule.peers->empty();
      if (rule.peers) {
        for (const auto& peer : *rule.peers) entry.peers.push_back(KnpPeerMatcher(peer, ns, settings));
      }
      if (rule.ports && !rule.ports->empty()) {
        std::vector<PortSpec> specs;
        for (const auto& port : *rule.ports) {
          specs.push_back({port.protocol, port.port.value_or(""), port.end_port.value_or(0), nullptr});
        }
        entry.ports = std::move(specs);
      }
      out.push_back(std::move(entry));
    }
    // Default deny: ingress when there are no ingress rules and policyTypes
    // has Ingress or lacks Egress; egress only when policyTypes has Egress.
    bool default_deny_entry = count == 0 && (ingress ? (HasType(spec.policy_types, ir::Direction::kIngress) ||
                                                        !HasType(spec.policy_types, ir::Direction::kEgress))
                                                     : HasType(spec.policy_types, ir::Direction::kEgress));
    if (default_deny_entry) {
      ir::SourceLocation location = spec.policy_types_location.Known() ? spec.policy_types_location : spec.location;
      out.push_back(base(direction, -1, location, std::string("default deny ") + section + " (policyTypes)"));
    }
  }
}

}  // namespace

bool SelectsSubject(const PolicyEntry& entry, const Identity& self) {
  bool host = self.kind == IdentityKind::kHost;
  return entry.host_subject == host && entry.subject.Matches(self);
}

bool L3Matches(const PolicyEntry& entry, const Identity& remote, const ir::CiliumVersion& version,
               const std::vector<EffectiveSelector>& requirements) {
  if (entry.l3_wildcard) return true;
  return std::any_of(entry.peers.begin(), entry.peers.end(), [&](const PeerMatcher& m) {
    if (!PeerMatches(m, remote, version)) return false;
    if (!m.endpoint_peer) return true;
    return std::all_of(requirements.begin(), requirements.end(),
                       [&](const EffectiveSelector& r) { return r.Matches(remote); });
  });
}

std::vector<PolicyEntry> BuildEntries(const ir::PolicySet& policies, const ir::Inventory& inventory,
                                      const ir::Settings& settings) {
  std::vector<PolicyEntry> out;
  for (size_t p = 0; p < policies.policies.size(); ++p) {
    const ir::Policy& policy = policies.policies[p];
    if (policy.kind == ir::PolicyKind::kNetworkPolicy) {
      if (policy.network_policy) AddNetworkPolicyEntries(policy, static_cast<int>(p), settings, out);
    } else {
      AddCiliumEntries(policy, static_cast<int>(p), inventory, policies, settings, out);
    }
  }
  return out;
}

}  // namespace polc::verifier::internal
