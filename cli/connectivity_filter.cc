#include "cli/connectivity_filter.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace polc::cli {
namespace {

using verifier::ConnectivityEdge;
using verifier::ConnectivityMap;
using verifier::ConnectivityPeer;
using verifier::ConnProtocol;

std::string Upper(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::toupper(c); });
  return out;
}

// "ns/web[Deployment]" -> "ns/web"; "host[Entity]" -> "host".
std::string_view WithoutKind(std::string_view name) {
  if (name.ends_with("]")) {
    size_t open = name.rfind('[');
    if (open != std::string_view::npos && open > 0) return name.substr(0, open);
  }
  return name;
}

}  // namespace

std::variant<FocusConn, std::string> ParseFocusConn(std::string_view text) {
  size_t dash = text.find('-');
  if (dash == std::string_view::npos || text.find('-', dash + 1) != std::string_view::npos) {
    return fmt::format("--focus-conn {}: write PROTOCOL-PORT, e.g. tcp-8080", text);
  }
  std::string protocol = Upper(text.substr(0, dash));
  std::string_view number = text.substr(dash + 1);
  FocusConn conn;
  if (protocol == "TCP") {
    conn.protocol = ConnProtocol::kTcp;
  } else if (protocol == "UDP") {
    conn.protocol = ConnProtocol::kUdp;
  } else if (protocol == "SCTP") {
    conn.protocol = ConnProtocol::kSctp;
  } else if (protocol == "ICMP") {
    conn.protocol = ConnProtocol::kIcmp;
  } else if (protocol == "ICMPV6") {
    conn.protocol = ConnProtocol::kIcmpv6;
  } else {
    return fmt::format("--focus-conn {}: protocol '{}' is not TCP, UDP, SCTP, ICMP or ICMPv6", text,
                       text.substr(0, dash));
  }
  uint32_t value = 0;
  auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), value);
  bool ok = !number.empty() && error == std::errc() && end == number.data() + number.size() &&
            value >= verifier::ConnProtocolMin(conn.protocol) && value <= verifier::ConnProtocolMax(conn.protocol);
  if (!ok) {
    bool icmp = conn.protocol == ConnProtocol::kIcmp || conn.protocol == ConnProtocol::kIcmpv6;
    return fmt::format("--focus-conn {}: '{}' is not {}", text, number,
                       icmp ? "an ICMP type (0-255)" : "a port number (1-65535)");
  }
  conn.port = value;
  return conn;
}

bool PeerMatchesFocus(const ConnectivityPeer& peer, std::string_view focus) {
  if (focus.empty()) return false;
  if (peer.name == focus) return true;
  std::string_view bare = WithoutKind(peer.name);
  if (bare == focus) return true;
  if (peer.kind != ConnectivityPeer::Kind::kWorkload) {
    // "entity:host", "node:node-1", "fqdn:api.example.com" also match without the prefix.
    size_t colon = bare.find(':');
    return colon != std::string_view::npos && bare.substr(colon + 1) == focus;
  }
  // netpol-analyzer: the workload's name alone, or namespace/name.
  std::string_view name = bare;
  if (!peer.namespace_.empty() && name.starts_with(peer.namespace_ + "/"))
    name.remove_prefix(peer.namespace_.size() + 1);
  return name == focus || peer.label == focus;
}

std::vector<std::string> ApplyConnectivityFilter(const ConnectivityFilter& filter, ConnectivityMap& map) {
  std::vector<std::string> warnings;
  if (filter.Empty()) return warnings;
  std::vector<bool> focus(map.peers.size(), filter.workloads.empty());
  if (!filter.workloads.empty()) {
    size_t missing = 0;
    for (const std::string& workload : filter.workloads) {
      bool found = false;
      for (size_t i = 0; i < map.peers.size(); ++i) {
        if (PeerMatchesFocus(map.peers[i], workload)) focus[i] = found = true;
      }
      if (!found) {
        ++missing;
        warnings.push_back(fmt::format("Workload {} does not exist in the input resources.", workload));
      }
    }
    if (missing == filter.workloads.size()) warnings.push_back("Connectivity map report will be empty.");
  }
  // Plain flags rather than an optional: GCC 12 misreads the optional's
  // comparisons as uses of uninitialized memory.
  bool only_ingress = false, only_egress = false;
  if (filter.direction && filter.workloads.empty()) {
    warnings.push_back("--focus-direction applies only with --focus-workload; it is ignored");
  } else if (filter.direction) {
    only_ingress = *filter.direction == ir::Direction::kIngress;
    only_egress = !only_ingress;
  }
  std::optional<verifier::ConnectionSet> conn;
  if (filter.conn) conn = filter.conn->Set();

  std::vector<ConnectivityEdge> kept;
  for (ConnectivityEdge& edge : map.edges) {
    bool from_focus = focus[edge.source], to_focus = focus[edge.destination];
    if (only_ingress && !to_focus) continue;
    if (only_egress && !from_focus) continue;
    if (!from_focus && !to_focus) continue;
    if (conn) {
      verifier::ConnectionSet only = edge.connections.Intersect(*conn);
      if (only != *conn) continue;  // the focus port is not (wholly) allowed
      edge.connections = std::move(only);
    }
    kept.push_back(std::move(edge));
  }
  // Keep the focus workloads and every peer an edge still touches.
  std::vector<bool> used(map.peers.size(), false);
  for (size_t i = 0; i < map.peers.size(); ++i) used[i] = !filter.workloads.empty() && focus[i];
  if (filter.workloads.empty()) std::fill(used.begin(), used.end(), true);
  for (const ConnectivityEdge& edge : kept) used[edge.source] = used[edge.destination] = true;
  std::vector<int> index(map.peers.size(), -1);
  std::vector<ConnectivityPeer> peers;
  for (size_t i = 0; i < map.peers.size(); ++i) {
    if (!used[i]) continue;
    index[i] = static_cast<int>(peers.size());
    peers.push_back(std::move(map.peers[i]));
  }
  for (ConnectivityEdge& edge : kept) {
    edge.source = index[edge.source];
    edge.destination = index[edge.destination];
  }
  map.peers = std::move(peers);
  map.edges = std::move(kept);
  return warnings;
}

std::string RenderFocusConnConnlist(const ConnectivityMap& map, const FocusConn& conn) {
  std::string out = fmt::format("Permitted connections on {}:\n", conn.Set().ToString(map.universe));
  for (const ConnectivityEdge& edge : map.edges) {
    out += fmt::format("{} => {}\n", map.peers[edge.source].name, map.peers[edge.destination].name);
  }
  return out;
}

}  // namespace polc::cli
