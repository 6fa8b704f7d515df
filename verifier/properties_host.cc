// host-lockout: every node of the inventory keeps receiving the flows it
// needs under host policies (nodeSelector entries, --enable-host-firewall;
// cilium-semantics.md 2.2, 5.1). Only the node's ingress is judged: a
// source's own egress policy is not the node's lockout. Sources: "cluster" is every possible pod of
// every namespace (PodSpace, the node's ingress and the pod's egress) and
// every other node; "remote-node" every other node; "control-plane" every
// other control-plane node (for control-plane nodes); "cidr:P" every IPv4
// address of P, cut into intervals at every bound a CIDR peer or an
// inventory address makes (one address per interval decides it).
#include <algorithm>
#include <set>

#include "verifier/properties_internal.h"

namespace polc::verifier::internal {
namespace {

constexpr int kMaxPortsPerFlow = 64;

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

std::optional<uint32_t> V4(std::string_view text) {
  auto ip = ParseIpAddress(text);
  if (!ip || ip->v6) return std::nullopt;
  return (uint32_t{ip->bytes[0]} << 24) | (uint32_t{ip->bytes[1]} << 16) | (uint32_t{ip->bytes[2]} << 8) | ip->bytes[3];
}

std::string V4Text(uint32_t a) {
  return std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 255) + "." + std::to_string((a >> 8) & 255) + "." +
         std::to_string(a & 255);
}

void AddPrefixBounds(const IpPrefix& p, std::set<uint64_t>& cuts) {
  if (p.address.v6) return;
  uint32_t a = (uint32_t{p.address.bytes[0]} << 24) | (uint32_t{p.address.bytes[1]} << 16) |
               (uint32_t{p.address.bytes[2]} << 8) | p.address.bytes[3];
  uint64_t size = uint64_t{1} << (32 - p.bits);
  uint64_t start = a & ~(size - 1) & 0xffffffffu;
  cuts.insert(start);
  cuts.insert(start + size);
}

// One address per interval of `cidr` that every mentioned bound cuts.
std::vector<std::string> Representatives(const PropertyContext& ctx, std::string_view cidr) {
  auto prefix = ParseIpPrefix(cidr);
  if (!prefix || prefix->address.v6) return {};
  std::set<uint64_t> cuts;
  for (const auto& entry : ctx.entries) {
    for (const auto& peer : entry.peers) {
      if (peer.kind != PeerMatcher::Kind::kCidr) continue;
      AddPrefixBounds(peer.prefix, cuts);
      for (const auto& e : peer.except) AddPrefixBounds(e, cuts);
    }
  }
  auto add_ip = [&](const std::string& text) {
    if (auto a = V4(text)) {
      cuts.insert(*a);
      cuts.insert(uint64_t{*a} + 1);
    }
  };
  for (const auto& e : ctx.inventory.endpoints) std::for_each(e.ips.begin(), e.ips.end(), add_ip);
  for (const auto& n : ctx.inventory.nodes) std::for_each(n.ips.begin(), n.ips.end(), add_ip);
  std::for_each(ctx.inventory.kube_apiserver_ips.begin(), ctx.inventory.kube_apiserver_ips.end(), add_ip);
  std::set<uint64_t> own;
  AddPrefixBounds(*prefix, own);
  uint64_t lo = *own.begin(), hi = *own.rbegin();
  std::vector<std::string> out = {V4Text(static_cast<uint32_t>(lo))};
  for (uint64_t c : cuts) {
    if (c > lo && c < hi) out.push_back(V4Text(static_cast<uint32_t>(c)));
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
      std::vector<uint16_t> ports;
      uint16_t last = req.end_port > req.port ? req.end_port : req.port;
      for (uint32_t p = req.port; p <= last && ports.size() < kMaxPortsPerFlow; ++p) ports.push_back(static_cast<uint16_t>(p));
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
