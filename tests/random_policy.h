// Test-only generator of small random worlds for the evaluator property tests
// (issue 3, acceptance): an inventory (namespaces, nodes, endpoints with
// labels and named container ports), policy sets built directly as IR
// (CNP, CCNP and NetworkPolicy, allow and deny sections, enableDefaultDeny,
// empty lists) and flows. Every draw comes from one std::mt19937 so a failing
// case is reproduced from its seed alone. Nothing generated carries L7 rules:
// the properties are about L3/L4 verdicts (sections 3 and 4).
#pragma once

#include <algorithm>
#include <cstdint>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "ir/dump.h"
#include "ir/inventory.h"
#include "ir/policy.h"
#include "ir/settings.h"
#include "verifier/evaluator.h"

namespace polc::verifier::test {

class RandomWorld {
 public:
  explicit RandomWorld(uint32_t seed) : rng_(seed) {}

  int Pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  bool Chance(int percent) { return Pick(100) < percent; }
  template <typename T>
  const T& OneOf(const std::vector<T>& items) { return items[static_cast<size_t>(Pick(static_cast<int>(items.size())))]; }
  std::mt19937& rng() { return rng_; }

  // 2-3 namespaces, 2 nodes, 3-6 endpoints with labels over {app, tier} and
  // container ports drawn from a few named ports (2.5).
  ir::Inventory Inventory() {
    ir::Inventory inv;
    const std::vector<std::pair<std::string, std::string>> kNamespaces = {{"shop", "a"}, {"web", "b"}, {"ops", "a"}};
    int namespaces = 2 + Pick(2);
    for (int i = 0; i < namespaces; ++i) {
      const auto& [name, team] = kNamespaces[static_cast<size_t>(i)];
      inv.namespaces.push_back({name, {{"kubernetes.io/metadata.name", name}, {"team", team}}, true, {}});
    }
    std::sort(inv.namespaces.begin(), inv.namespaces.end(),
              [](const ir::Namespace& a, const ir::Namespace& b) { return a.name < b.name; });
    inv.nodes.push_back({"node-1", {{"kubernetes.io/hostname", "node-1"}, {"zone", "z1"}}, {"192.168.1.11"}, {}});
    inv.nodes.push_back({"node-2", {{"kubernetes.io/hostname", "node-2"}, {"zone", "z2"}}, {"192.168.1.12"}, {}});
    const std::vector<ir::ContainerPort> kPorts = {{"http", 8080, ir::Protocol::kTcp},
                                                   {"dns", 53, ir::Protocol::kUdp},
                                                   {"metrics", 9090, ir::Protocol::kTcp},
                                                   {"sig", 3868, ir::Protocol::kSctp}};
    int endpoints = 3 + Pick(4);
    for (int i = 0; i < endpoints; ++i) {
      ir::Endpoint e;
      e.name = "ep" + std::to_string(i);
      e.namespace_ = inv.namespaces[static_cast<size_t>(Pick(namespaces))].name;
      e.labels["app"] = OneOf(kApps);
      if (Chance(60)) e.labels["tier"] = OneOf(kTiers);
      e.node = Chance(50) ? "node-1" : "node-2";
      e.ips = {"10.0." + std::to_string(e.node == "node-1" ? 1 : 2) + "." + std::to_string(10 + i)};
      for (const auto& port : kPorts) {
        if (Chance(40)) e.ports.push_back(port);
      }
      inv.endpoints.push_back(std::move(e));
    }
    return inv;
  }

  ir::LabelSelector Selector(bool with_namespace_labels) {
    ir::LabelSelector s;
    int n = Pick(3);  // 0 = wildcard `{}`
    for (int i = 0; i < n; ++i) {
      int what = Pick(with_namespace_labels ? 4 : 2);
      if (what == 0) {
        s.match_labels.push_back({ir::ParseLabelKey(Chance(50) ? "app" : "k8s:app"), OneOf(kApps), {}});
      } else if (what == 1) {
        ir::SelectorRequirement r;
        r.key = ir::ParseLabelKey(Chance(50) ? "tier" : "app");
        r.op = static_cast<ir::SelectorOperator>(Pick(4));
        if (r.op == ir::SelectorOperator::kIn || r.op == ir::SelectorOperator::kNotIn) {
          const auto& vocabulary = r.key.name == "tier" ? kTiers : kApps;
          r.values.push_back(OneOf(vocabulary));
          if (Chance(40)) r.values.push_back(OneOf(vocabulary));
        }
        s.match_expressions.push_back(std::move(r));
      } else if (what == 2) {
        s.match_labels.push_back(
            {ir::ParseLabelKey("k8s:io.kubernetes.pod.namespace"), OneOf(std::vector<std::string>{"shop", "web", "ops"}), {}});
      } else {
        s.match_labels.push_back({ir::ParseLabelKey("k8s:io.cilium.k8s.namespace.labels.team"), Chance(50) ? "a" : "b", {}});
      }
    }
    return s;
  }

  ir::PortProtocol Port() {
    ir::PortProtocol p;
    static const std::vector<std::string> kNumbers = {"80", "8080", "53", "9090", "3868", "0", "http", "dns", "sig"};
    p.port = OneOf(kNumbers);
    if (Chance(15)) {
      p.port = "8000";
      p.end_port = 8100;
    }
    const std::vector<ir::Protocol> kProtocols = {ir::Protocol::kTcp, ir::Protocol::kUdp, ir::Protocol::kSctp,
                                                  ir::Protocol::kAny};
    p.protocol = OneOf(kProtocols);
    p.protocol_given = p.protocol != ir::Protocol::kAny || Chance(50);
    return p;
  }

  // One element of ingress/ingressDeny/egress/egressDeny: at most one L3
  // field (Sanitize forbids combining them, 1.13), then toPorts or icmps.
  ir::PeerRule Peer(ir::Direction direction, bool deny) {
    ir::PeerRule peer;
    peer.direction = direction;
    peer.deny = deny;
    switch (Pick(7)) {
      case 0: break;  // no L3: `{}` or L4-only
      case 1:
      case 2: {
        std::vector<ir::LabelSelector> list;
        int n = Chance(10) ? 0 : 1 + Pick(2);  // `fromEndpoints: []` selects nothing (3.3)
        for (int i = 0; i < n; ++i) list.push_back(Selector(true));
        peer.endpoints = std::move(list);
        break;
      }
      case 3: {
        static const std::vector<std::string> kEntities = {"world", "cluster", "host", "remote-node", "all",
                                                           "kube-apiserver", "world-ipv4"};
        std::vector<ir::Entity> list;
        int n = 1 + Pick(2);
        for (int i = 0; i < n; ++i) list.push_back({OneOf(kEntities), {}});
        peer.entities = std::move(list);
        break;
      }
      case 4: {
        static const std::vector<std::string> kCidrs = {"0.0.0.0/0", "1.1.1.0/24", "8.8.8.8", "10.0.0.0/8",
                                                        "192.168.1.0/24"};
        std::vector<ir::Cidr> list;
        int n = 1 + Pick(2);
        for (int i = 0; i < n; ++i) list.push_back({OneOf(kCidrs), {}});
        peer.cidr = std::move(list);
        break;
      }
      case 5: {
        static const std::vector<std::pair<std::string, std::string>> kSets = {
            {"0.0.0.0/0", "10.0.0.0/8"}, {"1.1.0.0/16", "1.1.1.0/24"}, {"192.168.0.0/16", "192.168.1.12/32"}};
        std::vector<ir::CidrRule> list;
        int n = 1 + Pick(2);
        for (int i = 0; i < n; ++i) {
          const auto& [cidr, except] = OneOf(kSets);
          ir::CidrRule rule;
          rule.cidr = ir::Cidr{cidr, {}};
          if (Chance(70)) rule.except.push_back({except, {}});
          list.push_back(std::move(rule));
        }
        peer.cidr_set = std::move(list);
        break;
      }
      default: peer.endpoints = std::vector<ir::LabelSelector>{Selector(true)}; break;
    }
    int l4 = Pick(10);
    if (l4 < 4) {
      std::vector<ir::PortRule> rules;
      int n = 1 + Pick(2);
      for (int i = 0; i < n; ++i) {
        ir::PortRule rule;
        int ports = 1 + Pick(2);
        for (int j = 0; j < ports; ++j) rule.ports.push_back(Port());
        rules.push_back(std::move(rule));
      }
      peer.to_ports = std::move(rules);
    } else if (l4 == 4) {
      ir::IcmpRule rule;
      rule.fields.push_back({ir::IcmpFamily::kIPv4, static_cast<uint8_t>(Chance(50) ? 8 : 0), "", {}});
      if (Chance(30)) rule.fields.push_back({ir::IcmpFamily::kIPv4, 3, "", {}});
      peer.icmps = std::vector<ir::IcmpRule>{rule};
    }
    return peer;
  }

  // A list section: absent (most often), empty, or 1-3 entries.
  std::optional<std::vector<ir::PeerRule>> Section(ir::Direction direction, bool deny) {
    int roll = Pick(10);
    if (roll < (deny ? 7 : 4)) return std::nullopt;
    std::vector<ir::PeerRule> list;
    if (roll == 9) return list;  // `ingress: []` has no effect (3.2)
    int n = 1 + Pick(3);
    for (int i = 0; i < n; ++i) list.push_back(Peer(direction, deny));
    return list;
  }

  ir::Rule CiliumRule() {
    ir::Rule rule;
    rule.endpoint_selector = Selector(false);
    rule.ingress = Section(ir::Direction::kIngress, false);
    rule.ingress_deny = Section(ir::Direction::kIngress, true);
    rule.egress = Section(ir::Direction::kEgress, false);
    rule.egress_deny = Section(ir::Direction::kEgress, true);
    if (!rule.ingress && !rule.ingress_deny && !rule.egress && !rule.egress_deny) {
      rule.ingress = std::vector<ir::PeerRule>{Peer(ir::Direction::kIngress, false)};
    }
    if (Chance(15)) {
      ir::DefaultDeny dd;
      if (Chance(70)) dd.ingress = Chance(50);
      if (Chance(70)) dd.egress = Chance(50);
      rule.enable_default_deny = dd;
    }
    return rule;
  }

  ir::NetworkPolicyRule KnpRule() {
    ir::NetworkPolicyRule rule;
    int peers = Pick(4);  // 0: absent (all peers)
    if (peers > 0) {
      std::vector<ir::NetworkPolicyPeer> list;
      for (int i = 0; i < peers - 1; ++i) {
        ir::NetworkPolicyPeer peer;
        switch (Pick(4)) {
          case 0: peer.pod_selector = Selector(false); break;
          case 1: peer.namespace_selector = NamespaceSelector(); break;
          case 2:
            peer.pod_selector = Selector(false);
            peer.namespace_selector = NamespaceSelector();
            break;
          default: {
            ir::IpBlock block;
            block.cidr = {Chance(50) ? "0.0.0.0/0" : "1.1.0.0/16", {}};
            if (Chance(60)) block.except.push_back({Chance(50) ? "1.1.1.0/24" : "10.0.0.0/8", {}});
            peer.ip_block = block;
          }
        }
        list.push_back(std::move(peer));
      }
      rule.peers = std::move(list);
    }
    if (Chance(50)) {
      std::vector<ir::NetworkPolicyPort> ports;
      int n = Pick(3);
      for (int i = 0; i < n; ++i) {
        ir::NetworkPolicyPort port;
        const std::vector<ir::Protocol> kProtocols = {ir::Protocol::kTcp, ir::Protocol::kUdp, ir::Protocol::kSctp};
        port.protocol = OneOf(kProtocols);
        int what = Pick(4);
        if (what == 0) port.port = OneOf(std::vector<std::string>{"80", "8080", "53", "3868"});
        if (what == 1) port.port = OneOf(std::vector<std::string>{"http", "dns", "sig"});
        if (what == 2) {
          port.port = "8000";
          port.end_port = 8100;
        }
        ports.push_back(std::move(port));
      }
      rule.ports = std::move(ports);
    }
    return rule;
  }

  ir::LabelSelector NamespaceSelector() {
    ir::LabelSelector s;
    if (Chance(60)) s.match_labels.push_back({ir::ParseLabelKey("team"), Chance(50) ? "a" : "b", {}});
    return s;
  }

  ir::Policy RandomPolicy(int index, const ir::Inventory& inv) {
    ir::Policy policy;
    policy.meta.name = "p" + std::to_string(index);
    int kind = Pick(10);
    std::string ns = inv.namespaces[static_cast<size_t>(Pick(static_cast<int>(inv.namespaces.size())))].name;
    if (kind < 3) {
      policy.kind = ir::PolicyKind::kNetworkPolicy;
      policy.meta.namespace_ = ns;
      ir::NetworkPolicySpec spec;
      spec.pod_selector = Selector(false);
      for (ir::Direction d : {ir::Direction::kIngress, ir::Direction::kEgress}) {
        if (Chance(40)) continue;
        std::vector<ir::NetworkPolicyRule> rules;
        int n = Pick(3);
        for (int i = 0; i < n; ++i) rules.push_back(KnpRule());
        (d == ir::Direction::kIngress ? spec.ingress : spec.egress) = std::move(rules);
      }
      if (Chance(40)) {
        std::vector<ir::Direction> types;
        if (Chance(70)) types.push_back(ir::Direction::kIngress);
        if (Chance(60)) types.push_back(ir::Direction::kEgress);
        if (!types.empty()) spec.policy_types = types;
      }
      policy.network_policy = std::move(spec);
      return policy;
    }
    policy.kind = kind < 5 ? ir::PolicyKind::kCiliumClusterwideNetworkPolicy : ir::PolicyKind::kCiliumNetworkPolicy;
    if (policy.kind == ir::PolicyKind::kCiliumNetworkPolicy) policy.meta.namespace_ = ns;
    int rules = Chance(80) ? 1 : 2;  // `spec` or `specs`
    for (int i = 0; i < rules; ++i) {
      policy.rules.push_back(CiliumRule());
      policy.rules.back().from_specs = rules > 1;
    }
    return policy;
  }

  ir::PolicySet Policies(const ir::Inventory& inv, int max_policies = 4) {
    ir::PolicySet set;
    int n = Pick(max_policies + 1);
    for (int i = 0; i < n; ++i) set.policies.push_back(RandomPolicy(i, inv));
    return set;
  }

  // Settings under which the ordering properties hold: any supported version,
  // enforcement default (mostly) or always, either allow-localhost, and now
  // and then audit mode (8.4). Host firewall stays off.
  ir::Settings RandomSettings(bool audit) {
    ir::Settings settings;
    settings.version = {1, 16 + Pick(5)};
    settings.enforcement = Chance(85) ? ir::EnforcementMode::kDefault : ir::EnforcementMode::kAlways;
    settings.allow_localhost = Chance(50) ? ir::AllowLocalhost::kAlways : ir::AllowLocalhost::kPolicy;
    settings.policy_audit_mode = audit && Chance(10);
    return settings;
  }

  // A flow peer: an inventory endpoint (by name or by its IP), a node (by
  // name or IP), an entity, an outside IP, or an anonymous labelled pod.
  ir::FlowPeer RandomPeer(const ir::Inventory& inv, bool allow_labels) {
    int roll = Pick(20);
    const ir::Endpoint& e = inv.endpoints[static_cast<size_t>(Pick(static_cast<int>(inv.endpoints.size())))];
    if (roll < 9) return ir::EndpointPeer{e.namespace_, e.name};
    if (roll < 11) return ir::IpPeer{e.ips.front()};
    if (roll < 12) return ir::NodePeer{Chance(50) ? "node-1" : "node-2"};
    if (roll < 13) return ir::IpPeer{Chance(50) ? "192.168.1.11" : "192.168.1.12"};
    if (roll < 16) return ir::EntityPeer{OneOf(std::vector<std::string>{"world", "host", "remote-node"})};
    if (roll < 18 || !allow_labels) return ir::IpPeer{OneOf(std::vector<std::string>{"1.1.1.1", "8.8.8.8", "10.9.9.9", "192.168.1.12"})};
    ir::LabelsPeer labels;
    labels.namespace_ = inv.namespaces.front().name;
    labels.labels["app"] = OneOf(kApps);
    return labels;
  }

  // At least one side is an inventory endpoint, so some policy can apply.
  Flow RandomFlow(const ir::Inventory& inv) {
    Flow flow;
    flow.source = RandomPeer(inv, true);
    flow.destination = RandomPeer(inv, false);
    const ir::Endpoint& e = inv.endpoints[static_cast<size_t>(Pick(static_cast<int>(inv.endpoints.size())))];
    if (!std::holds_alternative<ir::EndpointPeer>(flow.source) && !std::holds_alternative<ir::EndpointPeer>(flow.destination)) {
      flow.destination = ir::EndpointPeer{e.namespace_, e.name};
    }
    SetL4(flow, inv);
    return flow;
  }

  void SetL4(Flow& flow, const ir::Inventory& inv) {
    int roll = Pick(10);
    if (roll < 1) {
      flow.protocol = ir::Protocol::kIcmp;
      flow.icmp_type = static_cast<uint8_t>(OneOf(std::vector<int>{0, 3, 8}));
      return;
    }
    flow.protocol = roll < 6 ? ir::Protocol::kTcp : roll < 9 ? ir::Protocol::kUdp : ir::Protocol::kSctp;
    flow.port = OneOf(std::vector<std::string>{"80", "8080", "53", "9090", "3868", "8050", "443"});
    // Now and then a named port the destination has (2.5).
    if (const auto* to = std::get_if<ir::EndpointPeer>(&flow.destination); to != nullptr && Chance(15)) {
      const ir::Endpoint* e = inv.FindEndpoint(to->namespace_, to->name);
      if (e != nullptr && !e->ports.empty()) {
        const ir::ContainerPort& port = e->ports[static_cast<size_t>(Pick(static_cast<int>(e->ports.size())))];
        flow.port = port.name;
        flow.protocol = port.protocol;
      }
    }
  }

  static inline const std::vector<std::string> kApps = {"api", "db", "web"};
  static inline const std::vector<std::string> kTiers = {"front", "back"};

 private:
  std::mt19937 rng_;
};

// ---- printing, for failure messages -----------------------------------------

inline std::string PeerText(const ir::FlowPeer& peer) {
  if (const auto* p = std::get_if<ir::EndpointPeer>(&peer)) return "endpoint:" + p->namespace_ + "/" + p->name;
  if (const auto* p = std::get_if<ir::NodePeer>(&peer)) return "node:" + p->name;
  if (const auto* p = std::get_if<ir::EntityPeer>(&peer)) return "entity:" + p->name;
  if (const auto* p = std::get_if<ir::IpPeer>(&peer)) return "ip:" + p->address;
  if (const auto* p = std::get_if<ir::FqdnPeer>(&peer)) return "fqdn:" + p->name;
  const auto& l = std::get<ir::LabelsPeer>(peer);
  std::string out = "labels:" + l.namespace_ + "{";
  for (const auto& [k, v] : l.labels) out += k + "=" + v + ",";
  return out + "}";
}

inline std::string FlowText(const Flow& flow) {
  std::string out = PeerText(flow.source) + " -> " + PeerText(flow.destination) + " " +
                    std::string(ir::ProtocolName(flow.protocol));
  if (!flow.port.empty()) out += "/" + flow.port;
  if (flow.icmp_type) out += " type " + std::to_string(*flow.icmp_type);
  return out;
}

inline std::string InventoryText(const ir::Inventory& inv) {
  std::ostringstream out;
  for (const auto& ns : inv.namespaces) {
    out << "namespace " << ns.name << " team=" << ns.labels.at("team") << "\n";
  }
  for (const auto& e : inv.endpoints) {
    out << "endpoint " << e.namespace_ << "/" << e.name << " on " << e.node << " ip " << e.ips.front() << " labels";
    for (const auto& [k, v] : e.labels) out << " " << k << "=" << v;
    out << " ports";
    for (const auto& p : e.ports) out << " " << p.name << ":" << p.port << "/" << ir::ProtocolName(p.protocol);
    out << "\n";
  }
  return out.str();
}

inline std::string PolicyText(const ir::PolicySet& set) {
  ir::FileTable files;
  return ir::Dump(set, files);
}

inline std::string MatchText(const RuleMatch& m) {
  std::ostringstream out;
  out << m.policy << "/" << m.rule << "/" << m.entry << (m.direction == ir::Direction::kIngress ? " in" : " eg")
      << (m.deny ? " deny" : " allow") << (m.has_l7 ? " l7" : "") << " @" << m.location.file << ":"
      << m.location.line << ":" << m.location.column << " " << m.description;
  return out.str();
}

inline std::string DirectionText(const DirectionResult& d) {
  std::ostringstream out;
  out << (d.direction == ir::Direction::kIngress ? "ingress" : "egress") << ": " << VerdictName(d.verdict)
      << " applies=" << d.applies << " enforced=" << d.enforced << " default_deny=" << d.default_deny;
  if (d.deny_reason) out << " reason=" << static_cast<int>(*d.deny_reason);
  out << "\n  enforcement: " << d.enforcement_reason << "\n  explanation: " << d.explanation << "\n";
  for (const auto& m : d.matches) out << "  match " << MatchText(m) << "\n";
  if (d.deciding) out << "  deciding " << MatchText(*d.deciding) << "\n";
  return out.str();
}

// Every field of a result, trail included: equal text means equal results.
inline std::string ResultText(const FlowResult& r) {
  std::ostringstream out;
  out << "verdict " << VerdictName(r.verdict);
  if (r.denied_at) out << " denied_at=" << (*r.denied_at == ir::Direction::kIngress ? "ingress" : "egress");
  if (r.deny_reason) out << " reason=" << static_cast<int>(*r.deny_reason);
  if (r.error) out << " error=" << *r.error;
  out << "\n" << DirectionText(r.egress) << DirectionText(r.ingress);
  for (const auto& w : r.warnings) out << "warning: " << w << "\n";
  return out.str();
}

}  // namespace polc::verifier::test
