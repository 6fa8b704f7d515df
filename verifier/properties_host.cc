// host-lockout: every node of the inventory keeps receiving the flows it
// needs under host policies (nodeSelector entries, --enable-host-firewall;
// cilium-semantics.md 2.2, 5.1). Only the node's ingress is judged: a
// source's own egress policy is not the node's lockout. Sources: "cluster" is every possible pod of
// every namespace (PodSpace, the node's ingress and the pod's egress) and
// every other node; "remote-node" every other node; "control-plane" every
// other control-plane node (for control-plane nodes); "cidr:P" every
// address of P (IPv4 or IPv6), cut into intervals at every bound a CIDR peer
// of the same family or an inventory address makes (one address per
// interval decides it, since every entry matches all of an interval or none).
// Ports likewise: the required range is cut at every bound of every entry's
// port set for the protocol (EntryConnections, named ports resolved against
// the node), and one port per interval is checked, so the whole range is
// decided exactly.
#include <algorithm>
#include <set>

#include "verifier/connection_set.h"
#include "verifier/connectivity_internal.h"
#include "verifier/properties_internal.h"

namespace polc::verifier::internal {
namespace {

// Addresses of either family as numbers; IPv4 uses the low 32 bits.
__extension__ typedef unsigned __int128 Address;

std::vector<ir::HostFlowRequirement> Requirements(const ir::VerifyConfig& config) {
  if (!config.host_flows.empty()) return config.host_flows;
  std::vector<ir::HostFlowRequirement> out;
  for (const auto& cidr : config.admin_cidrs) out.push_back({"ssh", "cidr:" + cidr, ir::Protocol::kTcp, 22, 0});
  out.push_back({"kube-apiserver", "cluster", ir::Protocol::kTcp, 6443, 0});
  out.push_back({"kubelet", "cluster", ir::Protocol::kTcp, 10250, 0});
  out.push_back({"cilium-health", "remote-node", ir::Protocol::kTcp, 4240, 0});
  out.push_back({"hubble", "remote-node", ir::Protocol::kTcp, 4244, 0});
  out.push_back({"vxlan", "remote-node", ir::Protocol::kUdp, 8472, 0});
  out.push_back({"etcd", "control-plane", ir::Protocol::kTcp, 2379, 2380});
  return out;
}

bool ControlPlane(const ir::Node& node) { return node.labels.contains("node-role.kubernetes.io/control-plane"); }

int Width(bool v6) { return v6 ? 128 : 32; }

Address ToNumber(const IpAddress& ip) {
  Address a = 0;
  for (int i = 0; i < (ip.v6 ? 16 : 4); ++i) a = (a << 8) | ip.bytes[static_cast<size_t>(i)];
  return a;
}

std::string ToText(Address a, bool v6) {
  if (!v6) {
    uint32_t v = static_cast<uint32_t>(a);
    return std::to_string(v >> 24) + "." + std::to_string((v >> 16) & 255) + "." + std::to_string((v >> 8) & 255) +
           "." + std::to_string(v & 255);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text;
  for (int group = 7; group >= 0; --group) {
    unsigned value = static_cast<unsigned>((a >> (16 * group)) & 0xffff);
    std::string digits;
    do {
      digits.insert(digits.begin(), kHex[value & 15]);
      value >>= 4;
    } while (value != 0);
    text += digits + (group == 0 ? "" : ":");
  }
  return text;
}

// [first, last] of a prefix; the end of a range is kept inclusive so that
// ::/0 needs no 129-bit number.
std::pair<Address, Address> Bounds(const IpPrefix& p) {
  const int free_bits = Width(p.address.v6) - p.bits;
  Address size_minus_one = free_bits >= 128 ? ~Address{0} : ((Address{1} << free_bits) - 1);
  Address first = ToNumber(p.address) & ~size_minus_one;
  return {first, first + size_minus_one};
}

// Cuts are the first addresses of intervals: a prefix starts one at its
// first address and one after its last.
void AddPrefixCuts(const IpPrefix& p, bool v6, std::set<Address>& cuts) {
  if (p.address.v6 != v6) return;
  auto [first, last] = Bounds(p);
  cuts.insert(first);
  if (last != ~Address{0}) cuts.insert(last + 1);
}

// One address per interval of `cidr` that every mentioned bound of its
// family cuts.
std::vector<std::string> Representatives(const PropertyContext& ctx, std::string_view cidr,
                                         const std::vector<std::string>& extra_cidrs = {}) {
  auto prefix = ParseIpPrefix(cidr);
  if (!prefix) return {};
  const bool v6 = prefix->address.v6;
  std::set<Address> cuts;
  for (const auto& extra : extra_cidrs) {
    if (auto p = ParseIpPrefix(extra)) AddPrefixCuts(*p, v6, cuts);
  }
  for (const auto& entry : ctx.entries) {
    for (const auto& peer : entry.peers) {
      if (peer.kind != PeerMatcher::Kind::kCidr) continue;
      AddPrefixCuts(peer.prefix, v6, cuts);
      for (const auto& e : peer.except) AddPrefixCuts(e, v6, cuts);
    }
  }
  auto add_ip = [&](const std::string& text) {
    auto ip = ParseIpAddress(text);
    if (!ip || ip->v6 != v6) return;
    AddPrefixCuts(IpPrefix{*ip, Width(v6)}, v6, cuts);
  };
  for (const auto& e : ctx.inventory.endpoints) std::for_each(e.ips.begin(), e.ips.end(), add_ip);
  for (const auto& n : ctx.inventory.nodes) std::for_each(n.ips.begin(), n.ips.end(), add_ip);
  std::for_each(ctx.inventory.kube_apiserver_ips.begin(), ctx.inventory.kube_apiserver_ips.end(), add_ip);
  auto [lo, hi] = Bounds(*prefix);
  std::vector<std::string> out = {ToText(lo, v6)};
  for (Address c : cuts) {
    if (c > lo && c <= hi) out.push_back(ToText(c, v6));
  }
  return out;
}

// One port per interval of [low, high] on which every entry's port set for
// `protocol` is constant (named ports resolved against the node, 2.5).
std::vector<uint16_t> RepresentativePorts(const PropertyContext& ctx, const Identity& node, ir::Protocol protocol,
                                          uint32_t low, uint32_t high) {
  std::vector<uint16_t> out = {static_cast<uint16_t>(low)};
  std::optional<ConnProtocol> conn = ToConnProtocol(protocol);
  if (!conn) {  // not a port protocol: fall back to every port of the range
    for (uint32_t p = low + 1; p <= high; ++p) out.push_back(static_cast<uint16_t>(p));
    return out;
  }
  std::set<uint32_t> cuts;
  for (const auto& entry : ctx.entries) {
    const ConnectionSet connections = EntryConnections(entry, node);  // outlives the loop
    for (const auto& [first, last] : connections[*conn].intervals()) {
      cuts.insert(first);
      cuts.insert(last + 1);
    }
  }
  for (uint32_t c : cuts) {
    if (c > low && c <= high) out.push_back(static_cast<uint16_t>(c));
  }
  return out;
}

Flow HostFlow(ir::FlowPeer from, const ir::Node& node, const ir::HostFlowRequirement& req, uint16_t port) {
  Flow flow;
  flow.source = std::move(from);
  flow.destination = ir::NodePeer{node.name};
  flow.protocol = req.protocol;
  flow.port = std::to_string(port);
  return flow;
}

}  // namespace

std::vector<std::string> CidrRepresentatives(const PropertyContext& ctx, std::string_view cidr,
                                             const std::vector<std::string>& extra_cidrs) {
  return Representatives(ctx, cidr, extra_cidrs);
}

std::vector<uint16_t> PortRepresentatives(const PropertyContext& ctx, const Identity& destination,
                                          ir::Protocol protocol, uint32_t low, uint32_t high) {
  return RepresentativePorts(ctx, destination, protocol, low, high);
}

void VerifyHostLockout(const PropertyContext& ctx, const std::vector<std::string>& scope,
                       std::vector<PropertyResult>& out) {
  std::vector<ir::HostFlowRequirement> requirements = Requirements(ctx.config);
  std::set<std::string> namespaces(scope.begin(), scope.end());
  for (const auto& ns : ctx.inventory.namespaces) namespaces.insert(ns.name);
  std::vector<const ir::Node*> nodes;
  for (const auto& n : ctx.inventory.nodes) nodes.push_back(&n);
  std::sort(nodes.begin(), nodes.end(), [](const ir::Node* a, const ir::Node* b) { return a->name < b->name; });
  for (const ir::Node* node : nodes) {
    PropertyResult result;
    result.property = "host-lockout";
    result.scope = "node " + node->name;
    ResolvedPeer host = ResolvePeer(ir::NodePeer{node->name}, "", ctx.inventory, ctx.settings);
    for (const auto& req : requirements) {
      if (result.counterexample) break;
      const uint32_t last = req.end_port > req.port ? req.end_port : req.port;
      std::vector<uint16_t> ports = RepresentativePorts(ctx, host.self, req.protocol, req.port, last);
      std::vector<ir::FlowPeer> sources;
      bool pods = false;
      if (req.from == "cluster" || req.from == "remote-node" || req.from == "control-plane") {
        if (req.from == "control-plane" && !ControlPlane(*node)) continue;
        for (const ir::Node* other : nodes) {
          if (other == node || (req.from == "control-plane" && !ControlPlane(*other))) continue;
          sources.push_back(ir::NodePeer{other->name});
        }
        pods = req.from == "cluster";
      } else if (req.from.starts_with("cidr:")) {
        for (const auto& ip : Representatives(ctx, req.from.substr(5))) sources.push_back(ir::IpPeer{ip});
      }
      for (uint16_t port : ports) {
        if (result.counterexample) break;
        for (const auto& source : sources) {
          Flow flow = HostFlow(source, *node, req, port);
          FlowResult replay = ctx.evaluator.Evaluate(flow);
          if (replay.ingress.verdict != Verdict::kDeny) continue;
          result.counterexample = Counterexample{flow, req.name + ": " + node->name + " refuses " +
                                                           std::string(ir::ProtocolName(req.protocol)) + " " +
                                                           std::to_string(port) + " from " + req.from,
                                                 replay};
          break;
        }
        if (!pods || result.counterexample) continue;
        for (const auto& ns : namespaces) {
          PodSpace space(ns, ctx.entries, ctx.inventory, ctx.settings);
          Flow flow = HostFlow(ir::LabelsPeer{ns, {}, "default"}, *node, req, port);
          std::string error;
          std::optional<uint16_t> resolved = ResolveFlowPort(flow, host.self, &error);
          SideInput ingress{ir::Direction::kIngress, false, &host, nullptr, &host.self, resolved};
          bdd bad = space.Domain() & !SideAllows(ingress, ctx, flow, space);
          if (bad == bddfalse) continue;
          ir::LabelsPeer pod = space.Witness(bad);
          flow.source = pod;
          result.counterexample = Counterexample{flow,
                                                 req.name + ": " + node->name + " refuses " +
                                                     std::string(ir::ProtocolName(req.protocol)) + " " +
                                                     std::to_string(port) + " from " + space.Describe(pod),
                                                 ctx.evaluator.Evaluate(flow)};
          break;
        }
      }
    }
    if (result.counterexample) {
      result.verdict = PropertyVerdict::kFails;
      result.summary = result.counterexample->description;
      const FlowResult& replay = result.counterexample->replay;
      for (const DirectionResult* side : {&replay.egress, &replay.ingress}) {
        for (const auto& m : side->matches) {
          if (m.policy >= 0) result.rules.push_back(m);
        }
      }
    } else {
      result.verdict = PropertyVerdict::kHolds;
      result.summary = "node " + node->name + " keeps every required flow (" + std::to_string(requirements.size()) +
                       " requirements)";
    }
    out.push_back(std::move(result));
  }
}

}  // namespace polc::verifier::internal
