// The flows of an assertion as BDDs, and the finite representatives of
// ports, addresses, names and entities (see assertions_internal.h). Every
// representative stands for an interval or class on which every entry
// decides alike, which is what makes the answers exact.
#include <algorithm>
#include <set>

#include "verifier/assertions_internal.h"
#include "verifier/l7_match.h"

namespace polc::verifier::internal {
namespace {

// The entities of the PolicyTest peer table (the destinations `only`
// quantifies over besides pods, addresses and names).
constexpr std::array<std::string_view, 8> kEntities = {"host",   "remote-node", "world",   "kube-apiserver",
                                                       "health", "init",        "ingress", "unmanaged"};

// A name other than every name rules mention, for "any other name".
constexpr std::string_view kOtherName = "polc-other-name.invalid";

Flow MakeFlow(ir::FlowPeer source, ir::FlowPeer destination, PortCase port) {
  Flow flow;
  flow.source = std::move(source);
  flow.destination = std::move(destination);
  flow.protocol = port.protocol;
  flow.port = std::to_string(port.port);
  return flow;
}

PeerTarget Target(const PropertyContext& ctx, ir::FlowPeer peer, std::string text) {
  PeerTarget t{std::move(peer), {}, std::move(text)};
  t.resolved = ResolvePeer(t.peer, "", ctx.inventory, ctx.settings);
  return t;
}

ir::FqdnSelector FqdnOf(const std::string& text) {
  ir::FqdnSelector selector;
  if (text.find('*') != std::string::npos) {
    selector.match_pattern = text;
  } else {
    selector.match_name = text;
  }
  return selector;
}

// A name `selector` matches ('*' becomes "polc"), or nothing.
std::optional<std::string> Instance(const ir::FqdnSelector& selector, const ir::CiliumVersion& version) {
  std::string name = selector.match_name ? *selector.match_name : selector.match_pattern.value_or("");
  std::replace(name.begin(), name.end(), '*', '\x01');
  std::string out;
  for (char c : name) out += c == '\x01' ? std::string("polc") : std::string(1, c);
  if (out.empty() || !FqdnMatches(selector, out, version)) return std::nullopt;
  return out;
}

// Every name the entries' toFQDNs selectors stand for.
std::set<std::string> RuleNames(const PropertyContext& ctx) {
  std::set<std::string> names;
  for (const auto& entry : ctx.entries) {
    for (const auto& peer : entry.peers) {
      if (peer.kind != PeerMatcher::Kind::kFqdn) continue;
      if (auto name = Instance(peer.fqdn, ctx.settings.version)) names.insert(*name);
    }
  }
  return names;
}

void AddCuts(const ir::AssertionPort& p, std::set<uint32_t>& cuts) {
  if (p.port == 0) return;
  cuts.insert(p.port);
  cuts.insert(static_cast<uint32_t>(std::max(p.port, p.end_port)) + 1);
}

std::vector<ir::Protocol> Protocols(ir::Protocol protocol) {
  if (protocol == ir::Protocol::kAny) return {ir::Protocol::kTcp, ir::Protocol::kUdp, ir::Protocol::kSctp};
  return {protocol};
}

}  // namespace

bdd PodToPeerAllowed(const PropertyContext& ctx, const PodSpace& source, const PeerTarget& target, PortCase port) {
  Flow flow = MakeFlow(ir::LabelsPeer{source.Namespace(), {}, "default"}, target.peer, port);
  SideInput egress{ir::Direction::kEgress, true, nullptr, &target.resolved.seen, &target.resolved.self, port.port};
  SideInput ingress{ir::Direction::kIngress, false, &target.resolved, nullptr, &target.resolved.self, port.port};
  return SideAllows(egress, ctx, flow, source) & SideAllows(ingress, ctx, flow, source);
}

bdd PodToPodAllowed(const PropertyContext& ctx, const PodSpace& source, const PodSpace& destination, PortCase port) {
  Flow flow = MakeFlow(ir::LabelsPeer{source.Namespace(), {}, "default"},
                       ir::LabelsPeer{destination.Namespace(), {}, "default"}, port);
  // The label-less pods of both namespaces: what every pod there shares
  // (named ports: an abstract pod declares no container ports).
  Identity from = PodIdentity({}, source.Namespace(), "default", ctx.inventory, ctx.settings);
  Identity to = PodIdentity({}, destination.Namespace(), "default", ctx.inventory, ctx.settings);
  SideInput egress{ir::Direction::kEgress, true, nullptr, &to, &to, port.port, &destination};
  SideInput ingress{ir::Direction::kIngress, true, nullptr, &from, &to, port.port, &source};
  return SideAllows(egress, ctx, flow, source) & SideAllows(ingress, ctx, flow, destination);
}

std::vector<PortCase> PortCases(const PropertyContext& ctx, const Identity& destination,
                                const std::vector<ir::AssertionPort>& ports,
                                const std::vector<ir::AssertionPort>& cuts) {
  std::vector<ir::AssertionPort> ranges = ports;
  if (ranges.empty()) ranges.push_back(ir::AssertionPort{});
  std::set<uint32_t> extra;
  for (const auto& p : cuts) AddCuts(p, extra);
  std::vector<PortCase> out;
  for (const auto& range : ranges) {
    uint32_t low = range.port == 0 ? 1 : range.port;
    uint32_t high = range.port == 0 ? 65535 : std::max(range.port, range.end_port);
    for (ir::Protocol protocol : Protocols(range.protocol)) {
      std::set<uint32_t> reps;
      for (uint16_t p : PortRepresentatives(ctx, destination, protocol, low, high)) reps.insert(p);
      for (uint32_t c : extra) {
        if (c > low && c <= high) reps.insert(c);
      }
      for (uint32_t p : reps) {
        PortCase pc{protocol, static_cast<uint16_t>(p)};
        bool seen = std::any_of(out.begin(), out.end(),
                                [&](const PortCase& o) { return o.protocol == pc.protocol && o.port == pc.port; });
        if (!seen) out.push_back(pc);
      }
    }
  }
  return out;
}

bool PortCovered(const std::vector<ir::AssertionPort>& ports, PortCase port) {
  if (ports.empty()) return port.protocol == ir::Protocol::kTcp || port.protocol == ir::Protocol::kUdp ||
                            port.protocol == ir::Protocol::kSctp;
  return std::any_of(ports.begin(), ports.end(), [&](const ir::AssertionPort& p) {
    std::vector<ir::Protocol> protocols = Protocols(p.protocol);
    if (std::find(protocols.begin(), protocols.end(), port.protocol) == protocols.end()) return false;
    if (p.port == 0) return true;
    return port.port >= p.port && port.port <= std::max(p.port, p.end_port);
  });
}

std::vector<PeerTarget> PeerTargets(const PropertyContext& ctx, const ir::PeerSetSpec& to) {
  std::vector<PeerTarget> out;
  for (const auto& entity : to.entities) out.push_back(Target(ctx, ir::EntityPeer{entity}, "entity " + entity));
  for (const auto& cidr : to.cidrs) {
    // World addresses only, as toCIDR means them (2.4): an address of an
    // inventory pod or node is that pod or node.
    for (const auto& ip : CidrRepresentatives(ctx, cidr)) {
      PeerTarget t = Target(ctx, ir::IpPeer{ip}, "address " + ip);
      if (t.resolved.self.kind == IdentityKind::kWorld) out.push_back(std::move(t));
    }
  }
  std::set<std::string> rule_names = RuleNames(ctx);
  for (const auto& text : to.fqdns) {
    ir::FqdnSelector selector = FqdnOf(text);
    std::set<std::string> names;
    if (auto own = Instance(selector, ctx.settings.version)) names.insert(*own);
    for (const auto& name : rule_names) {
      if (FqdnMatches(selector, name, ctx.settings.version)) names.insert(name);
    }
    for (const auto& name : names) out.push_back(Target(ctx, ir::FqdnPeer{name}, "name " + name));
  }
  return out;
}

std::vector<PeerTarget> UniverseTargets(const PropertyContext& ctx, const std::vector<ir::AllowedPeer>& allowed) {
  std::vector<PeerTarget> out;
  for (std::string_view entity : kEntities) {
    out.push_back(Target(ctx, ir::EntityPeer{std::string(entity)}, "entity " + std::string(entity)));
  }
  // Each inventory node too: toNodes rules select nodes by their labels,
  // which the bare host and remote-node entities do not carry.
  for (const auto& node : ctx.inventory.nodes) out.push_back(Target(ctx, ir::NodePeer{node.name}, "node " + node.name));
  std::vector<std::string> cidrs;
  std::set<std::string> names = RuleNames(ctx);
  names.insert(std::string(kOtherName));
  for (const auto& a : allowed) {
    cidrs.insert(cidrs.end(), a.to.cidrs.begin(), a.to.cidrs.end());
    for (const auto& text : a.to.fqdns) {
      if (auto name = Instance(FqdnOf(text), ctx.settings.version)) names.insert(*name);
    }
  }
  for (std::string_view all : {"0.0.0.0/0", "::/0"}) {
    for (const auto& ip : CidrRepresentatives(ctx, all, cidrs)) {
      PeerTarget t = Target(ctx, ir::IpPeer{ip}, "address " + ip);
      if (t.resolved.self.kind == IdentityKind::kWorld) out.push_back(std::move(t));
    }
  }
  for (const auto& name : names) out.push_back(Target(ctx, ir::FqdnPeer{name}, "name " + name));
  return out;
}

bool PeerCovered(const PropertyContext& ctx, const ir::PeerSetSpec& to, const PeerTarget& target) {
  if (const auto* entity = std::get_if<ir::EntityPeer>(&target.peer)) {
    return std::find(to.entities.begin(), to.entities.end(), entity->name) != to.entities.end();
  }
  if (std::holds_alternative<ir::NodePeer>(target.peer)) {
    // A node is the entity it resolves to for a pod (the local host, or a
    // remote node).
    return std::any_of(to.entities.begin(), to.entities.end(), [&](const std::string& entity) {
      return (entity == "host" || entity == "remote-node") && target.resolved.seen.HasReserved(entity);
    });
  }
  if (const auto* ip = std::get_if<ir::IpPeer>(&target.peer)) {
    std::optional<IpAddress> address = ParseIpAddress(ip->address);
    return address && std::any_of(to.cidrs.begin(), to.cidrs.end(), [&](const std::string& cidr) {
             std::optional<IpPrefix> prefix = ParseIpPrefix(cidr);
             return prefix && prefix->Contains(*address);
           });
  }
  if (const auto* fqdn = std::get_if<ir::FqdnPeer>(&target.peer)) {
    return std::any_of(to.fqdns.begin(), to.fqdns.end(), [&](const std::string& text) {
      return FqdnMatches(FqdnOf(text), fqdn->name, ctx.settings.version);
    });
  }
  return false;
}

EffectiveSelector PodSelectorIn(const ir::PodSetSpec& pods, std::string_view namespace_) {
  return CnpSubject(pods.pod_selector, namespace_);
}

std::string PortCaseText(PortCase port) {
  return std::string(ir::ProtocolName(port.protocol)) + " " + std::to_string(port.port);
}

}  // namespace polc::verifier::internal
