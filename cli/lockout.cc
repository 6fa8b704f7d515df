#include "cli/lockout.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <tuple>

#include "cli/flow_trail.h"

namespace polc::cli {
namespace {

using verifier::ConnectionSet;
using verifier::ConnectivityPeer;
using verifier::ConnProtocol;

bool IsEntity(const ConnectivityPeer* peer, std::initializer_list<std::string_view> names) {
  if (peer == nullptr) return false;
  const auto* entity = std::get_if<ir::EntityPeer>(&peer->flow_peer);
  return entity != nullptr && std::find(names.begin(), names.end(), entity->name) != names.end();
}

// The workload's own name: "kube-system/coredns[Deployment]" -> "coredns".
std::string_view WorkloadName(const ConnectivityPeer* peer) {
  if (peer == nullptr || peer->kind != ConnectivityPeer::Kind::kWorkload) return {};
  std::string_view name = peer->name;
  if (size_t open = name.rfind('['); open != std::string_view::npos) name = name.substr(0, open);
  if (size_t slash = name.find('/'); slash != std::string_view::npos) name = name.substr(slash + 1);
  return name;
}

bool NameContains(const ConnectivityPeer* peer, std::string_view part) {
  return WorkloadName(peer).find(part) != std::string_view::npos;
}

bool HasPort(const ConnectionSet& set, ConnProtocol protocol, uint32_t port) {
  return set[protocol].Contains(port);
}

ir::Protocol ToIrProtocol(ConnProtocol protocol) {
  switch (protocol) {
    case ConnProtocol::kIcmp: return ir::Protocol::kIcmp;
    case ConnProtocol::kIcmpv6: return ir::Protocol::kIcmpv6;
    case ConnProtocol::kSctp: return ir::Protocol::kSctp;
    case ConnProtocol::kTcp: return ir::Protocol::kTcp;
    case ConnProtocol::kUdp: return ir::Protocol::kUdp;
  }
  return ir::Protocol::kTcp;
}

const ConnectivityPeer* FindPeer(const verifier::ConnectivityMap& map, const std::string& name) {
  // Peers are sorted by name (verifier/connectivity.h).
  auto it = std::lower_bound(map.peers.begin(), map.peers.end(), name,
                             [](const ConnectivityPeer& peer, const std::string& n) { return peer.name < n; });
  if (it != map.peers.end() && it->name == name) return &*it;
  for (const ConnectivityPeer& peer : map.peers) {  // in case the order differs
    if (peer.name == name) return &peer;
  }
  return nullptr;
}

}  // namespace

std::string_view LockoutClassName(LockoutClass c) {
  switch (c) {
    case LockoutClass::kDns: return "dns";
    case LockoutClass::kApiServer: return "kube-apiserver";
    case LockoutClass::kHost: return "host";
    case LockoutClass::kKubeSystem: return "kube-system";
    case LockoutClass::kOther: return "other";
  }
  return "other";
}

LockoutClass ClassifyLostFlow(const ConnectivityPeer* source, const ConnectivityPeer* destination,
                              const ConnectionSet& lost) {
  // Port 53 alone is DNS anywhere; among other ports it is DNS only towards a
  // peer outside the cluster's workloads (an external resolver), since
  // "everything but 8080" to an application pod is not a DNS problem.
  bool port53 = HasPort(lost, ConnProtocol::kUdp, 53) || HasPort(lost, ConnProtocol::kTcp, 53);
  ConnectionSet dns =
      ConnectionSet::Ports(ConnProtocol::kUdp, 53, 53).Union(ConnectionSet::Ports(ConnProtocol::kTcp, 53, 53));
  bool only_dns = lost.Subtract(dns).Empty();
  bool to_workload = destination != nullptr && destination->kind == ConnectivityPeer::Kind::kWorkload;
  if ((port53 && (only_dns || !to_workload)) || NameContains(destination, "kube-dns") ||
      NameContains(destination, "coredns")) {
    return LockoutClass::kDns;
  }
  if (IsEntity(source, {"kube-apiserver"}) || IsEntity(destination, {"kube-apiserver"}) ||
      NameContains(source, "kube-apiserver") || NameContains(destination, "kube-apiserver")) {
    return LockoutClass::kApiServer;
  }
  auto is_host = [](const ConnectivityPeer* peer) {
    return peer != nullptr && (IsEntity(peer, {"host", "remote-node"}) || peer->kind == ConnectivityPeer::Kind::kNode);
  };
  if (is_host(source) || is_host(destination)) return LockoutClass::kHost;
  auto in_kube_system = [](const ConnectivityPeer* peer) {
    return peer != nullptr && peer->kind == ConnectivityPeer::Kind::kWorkload && peer->namespace_ == "kube-system";
  };
  if (in_kube_system(source) || in_kube_system(destination)) return LockoutClass::kKubeSystem;
  return LockoutClass::kOther;
}

std::optional<std::pair<ConnProtocol, uint32_t>> RepresentativePort(const ConnectionSet& lost, LockoutClass c,
                                                                    verifier::ConnUniverse universe) {
  if (c == LockoutClass::kDns) {
    if (HasPort(lost, ConnProtocol::kUdp, 53)) return std::pair{ConnProtocol::kUdp, 53u};
    if (HasPort(lost, ConnProtocol::kTcp, 53)) return std::pair{ConnProtocol::kTcp, 53u};
  }
  for (ConnProtocol protocol :
       {ConnProtocol::kTcp, ConnProtocol::kUdp, ConnProtocol::kSctp, ConnProtocol::kIcmp, ConnProtocol::kIcmpv6}) {
    bool icmp = protocol == ConnProtocol::kIcmp || protocol == ConnProtocol::kIcmpv6;
    if (icmp && universe == verifier::ConnUniverse::kKubernetes) continue;
    const auto& intervals = lost[protocol].intervals();
    if (!intervals.empty()) return std::pair{protocol, intervals.front().first};
  }
  return std::nullopt;
}

void SortLockout(std::vector<LockoutEntry>& entries) {
  std::stable_sort(entries.begin(), entries.end(), [](const LockoutEntry& a, const LockoutEntry& b) {
    return std::tie(a.klass, a.source, a.destination) < std::tie(b.klass, b.source, b.destination);
  });
}

std::vector<LockoutEntry> ComputeLockout(const verifier::ConnectivityDiff& diff,
                                         const verifier::ConnectivityMap& old_map,
                                         const verifier::ConnectivityMap& new_map, const verifier::Evaluator& evaluator,
                                         const ir::PolicySet& policies, const ir::FileTable& files) {
  std::vector<LockoutEntry> entries;
  for (const verifier::ConnectivityDiffEntry& d : diff.entries) {
    if (d.type == verifier::ConnectivityDiffEntry::Type::kAdded) continue;
    ConnectionSet lost = d.old_connections.Subtract(d.new_connections);
    if (lost.Empty()) continue;
    const ConnectivityPeer* source = FindPeer(new_map, d.source);
    const ConnectivityPeer* destination = FindPeer(new_map, d.destination);
    LockoutEntry entry;
    entry.source = d.source;
    entry.destination = d.destination;
    entry.lost = lost.ToString(diff.universe);
    entry.note = d.workloads_info;
    // Classify with what is known of each side, even a peer gone from the new map.
    const ConnectivityPeer* old_source = source != nullptr ? source : FindPeer(old_map, d.source);
    const ConnectivityPeer* old_destination = destination != nullptr ? destination : FindPeer(old_map, d.destination);
    entry.klass = ClassifyLostFlow(old_source, old_destination, lost);
    auto port = RepresentativePort(lost, entry.klass, diff.universe);
    if (port) entry.flow = fmt::format("{} {}", verifier::ConnProtocolName(port->first), port->second);
    if (source == nullptr || destination == nullptr || !port) {
      // A peer that no longer exists is not denied by any rule.
      if (entry.note.empty()) {
        entry.note = fmt::format("{} is not in the new version", source == nullptr ? d.source : d.destination);
      }
      entries.push_back(std::move(entry));
      continue;
    }
    verifier::Flow flow;
    flow.source = source->flow_peer;
    flow.destination = destination->flow_peer;
    flow.protocol = ToIrProtocol(port->first);
    if (port->first == ConnProtocol::kIcmp || port->first == ConnProtocol::kIcmpv6) {
      flow.icmp_type = static_cast<uint8_t>(port->second);
    } else {
      flow.port = std::to_string(port->second);
    }
    verifier::FlowResult result = evaluator.Evaluate(flow);
    FlowTrail trail = MakeTrail(result, policies, files);
    entry.verdict = trail.verdict;
    entry.denied_at = trail.denied_at;
    entry.reason = trail.deny_reason;
    entry.decided_by = DecidingSummary(trail);
    if (!trail.denied_at.empty()) {
      const TrailSide& side = trail.denied_at == "egress" ? trail.egress : trail.ingress;
      entry.explanation = side.explanation;
      // A default deny has no rule of its own: name what turned enforcement on.
      if (side.default_deny && !side.deciding) entry.enforcement = side.enforcement_reason;
    }
    if (result.verdict == verifier::Verdict::kAllow && !result.error) {
      entry.note = "the reference evaluator allows this flow: the connectivity engine and the evaluator disagree";
    }
    entries.push_back(std::move(entry));
  }
  SortLockout(entries);
  return entries;
}

std::string RenderLockoutText(const std::vector<LockoutEntry>& entries) {
  if (entries.empty()) return {};
  bool one = entries.size() == 1;
  std::string out = fmt::format("Lockout: {} pair{} lose{} connections (system flows first):\n", entries.size(),
                                one ? "" : "s", one ? "s" : "");
  for (const LockoutEntry& e : entries) {
    out += fmt::format("  [{}] {} => {} : lost {}\n", LockoutClassName(e.klass), e.source, e.destination, e.lost);
    if (!e.verdict.empty()) {
      std::string verdict = e.verdict == "deny" ? "denied" : e.verdict == "audit" ? "audited" : e.verdict;
      out += fmt::format("      {} is now {}", e.flow, verdict);
      if (!e.decided_by.empty()) out += fmt::format(" ({})", e.decided_by);
      out += "\n";
      if (!e.explanation.empty()) out += fmt::format("      {}\n", e.explanation);
      if (!e.enforcement.empty()) out += fmt::format("      enforced: {}\n", e.enforcement);
    }
    if (!e.note.empty()) out += fmt::format("      note: {}\n", e.note);
  }
  return out;
}

nlohmann::ordered_json LockoutJson(const std::vector<LockoutEntry>& entries) {
  using Json = nlohmann::ordered_json;
  Json out = Json::array();
  auto or_null = [](const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); };
  for (const LockoutEntry& e : entries) {
    Json j;
    j["class"] = LockoutClassName(e.klass);
    j["source"] = e.source;
    j["destination"] = e.destination;
    j["lost"] = e.lost;
    j["flow"] = or_null(e.flow);
    j["verdict"] = or_null(e.verdict);
    j["deniedAt"] = or_null(e.denied_at);
    j["reason"] = or_null(e.reason);
    j["decidedBy"] = or_null(e.decided_by);
    j["explanation"] = or_null(e.explanation);
    j["enforcement"] = or_null(e.enforcement);
    j["note"] = or_null(e.note);
    out.push_back(std::move(j));
  }
  return out;
}

}  // namespace polc::cli
