// EvaluatePlan: the lookup contract of ir/datapath_plan.h, step by step and
// literally, because the generated BPF program is tested against it. No
// shortcut here may depend on how the plan was built.
#include <algorithm>
#include <tuple>

#include "verifier/datapath_plan.h"

namespace polc::verifier {
namespace {

bool PrefixHolds(const ir::PlanPrefix& prefix, const ir::PlanAddress& address) {
  if (prefix.address.v6 != address.v6) return false;
  for (int i = 0; i < prefix.bits; ++i) {
    int mask = 0x80 >> (i % 8);
    if ((prefix.address.bytes[static_cast<size_t>(i / 8)] & mask) != (address.bytes[static_cast<size_t>(i / 8)] & mask)) {
      return false;
    }
  }
  return true;
}

// Step 3: the longest prefix holding the address; its local identity seen
// from an endpoint on the prefix's node; no prefix: world.
uint32_t RemoteIdentity(const ir::Plan& plan, const ir::PlanEndpoint& endpoint, const ir::PlanAddress& remote) {
  const ir::PlanPrefix* best = nullptr;
  for (const auto& prefix : plan.prefixes) {
    if (PrefixHolds(prefix, remote) && (best == nullptr || prefix.bits > best->bits)) best = &prefix;
  }
  if (best == nullptr) return ir::kWorldIdentity;
  if (best->node != 0 && best->node == endpoint.node) return best->local_identity;
  return best->identity;
}

// Step 4, one lookup: the entry of the packet's protocol holding the port,
// else the protocol-0 entry holding it.
const ir::PlanEntry* Lookup(const ir::Plan& plan, uint32_t endpoint, ir::Direction direction, uint32_t remote,
                            uint8_t protocol, uint16_t port) {
  auto key = [](const ir::PlanEntry& e) { return std::make_tuple(e.endpoint, e.direction, e.remote_identity); };
  auto wanted = std::make_tuple(endpoint, direction, remote);
  auto first = std::lower_bound(plan.entries.begin(), plan.entries.end(), wanted,
                                [&](const ir::PlanEntry& e, const auto& w) { return key(e) < w; });
  const ir::PlanEntry* any = nullptr;
  for (auto it = first; it != plan.entries.end() && key(*it) == wanted; ++it) {
    if (port < it->port_first || port > it->port_last) continue;
    if (it->protocol == protocol) return &*it;
    if (it->protocol == ir::kPlanAnyProtocol && any == nullptr) any = &*it;
  }
  return any;
}

// Deny first; between two of the same kind, an allow without the proxy,
// then the lower rule id.
const ir::PlanEntry* Stronger(const ir::PlanEntry* a, const ir::PlanEntry* b) {
  if (a == nullptr) return b;
  if (b == nullptr) return a;
  auto rank = [](const ir::PlanEntry* e) { return std::make_tuple(!e->deny, e->needs_l7_proxy, e->rule); };
  return rank(b) < rank(a) ? b : a;
}

}  // namespace

PlanVerdict EvaluatePlan(const ir::Plan& plan, const PlanPacket& packet, ir::Direction direction) {
  PlanVerdict verdict;
  bool ingress = direction == ir::Direction::kIngress;
  const ir::PlanAddress& local = ingress ? packet.destination : packet.source;
  const ir::PlanAddress& remote = ingress ? packet.source : packet.destination;
  // Step 1: the local endpoint.
  const ir::PlanEndpoint* endpoint = nullptr;
  for (const auto& e : plan.endpoints) {
    if (std::find(e.addresses.begin(), e.addresses.end(), local) != e.addresses.end()) {
      endpoint = &e;
      break;
    }
  }
  if (endpoint == nullptr) return verdict;
  verdict.local = true;
  verdict.endpoint = endpoint->id;
  // Step 2.
  const ir::PlanDirection& dir = ingress ? endpoint->ingress : endpoint->egress;
  verdict.remote_identity = RemoteIdentity(plan, *endpoint, remote);
  if (!dir.enforced) return verdict;
  // Step 4.
  bool icmp = packet.protocol == 1 || packet.protocol == 58;
  uint16_t port = icmp ? packet.icmp_type : packet.destination_port;
  const ir::PlanEntry* found =
      Stronger(Lookup(plan, endpoint->id, direction, verdict.remote_identity, packet.protocol, port),
               Lookup(plan, endpoint->id, direction, ir::kAnyIdentity, packet.protocol, port));
  if (found != nullptr && !found->deny) {
    verdict.rule = found->rule;
    verdict.needs_l7_proxy = found->needs_l7_proxy;
    return verdict;
  }
  if (found == nullptr && !dir.default_deny) return verdict;
  verdict.allowed = false;
  verdict.reason = found != nullptr ? PlanDropReason::kDenyRule : PlanDropReason::kDefaultDeny;
  verdict.rule = found != nullptr ? found->rule : 0;
  // Step 5.
  if (endpoint->audit) {
    verdict.allowed = true;
    verdict.audited = true;
  }
  return verdict;
}

}  // namespace polc::verifier
