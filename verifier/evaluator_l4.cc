// L4 matching of policy entries (cilium-semantics.md 1.5: ANY = TCP/UDP/SCTP,
// port "0"/empty = all, endPort ranges; 1.11: ICMP type only; 2.5: named
// ports resolve against the destination's container ports).
#include <charconv>
#include <string>

#include "verifier/evaluator_internal.h"

namespace polc::verifier::internal {
namespace {

std::optional<uint32_t> ParseNumber(std::string_view text) {
  uint32_t value = 0;
  if (text.empty()) return std::nullopt;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

bool ProtocolMatches(ir::Protocol rule, ir::Protocol flow) {
  if (rule == ir::Protocol::kAny) {
    return flow == ir::Protocol::kTcp || flow == ir::Protocol::kUdp || flow == ir::Protocol::kSctp;
  }
  return rule == flow;
}

// 2.5: a named port covers the destination's container port of that name
// (and protocol); undefined names install nothing.
std::optional<uint16_t> NamedPort(std::string_view name, ir::Protocol protocol, const Identity& destination) {
  if (destination.endpoint == nullptr) return std::nullopt;
  for (const auto& port : destination.endpoint->ports) {
    if (port.name == name && port.protocol == protocol) return port.port;
  }
  return std::nullopt;
}

bool PortMatches(const PortSpec& spec, const Flow& flow, std::optional<uint16_t> port, const Identity& destination) {
  if (!ProtocolMatches(spec.protocol, flow.protocol)) return false;
  if (flow.protocol == ir::Protocol::kIcmp || flow.protocol == ir::Protocol::kIcmpv6) {
    auto type = ParseNumber(spec.port);
    return flow.icmp_type && type && *type == *flow.icmp_type;
  }
  if (spec.port.empty() || spec.port == "0") return true;  // every port of the protocol
  if (!port) return false;
  if (auto number = ParseNumber(spec.port)) {
    uint32_t end = spec.end_port > static_cast<int32_t>(*number) ? static_cast<uint32_t>(spec.end_port) : *number;
    return *port >= *number && *port <= end;
  }
  auto named = NamedPort(spec.port, flow.protocol, destination);
  return named && *named == *port;
}

}  // namespace

std::optional<uint16_t> ResolveFlowPort(const Flow& flow, const Identity& destination, std::string* error) {
  if (flow.port.empty() || flow.protocol == ir::Protocol::kIcmp || flow.protocol == ir::Protocol::kIcmpv6) {
    return std::nullopt;
  }
  if (auto number = ParseNumber(flow.port)) {
    if (*number > 65535) {
      *error = "port " + flow.port + " is out of range";
      return std::nullopt;
    }
    return static_cast<uint16_t>(*number);
  }
  if (auto named = NamedPort(flow.port, flow.protocol, destination)) return named;
  *error = "port " + flow.port + " is not a number and not a " + std::string(ir::ProtocolName(flow.protocol)) +
           " container port name of the destination";
  return std::nullopt;
}

L4Match MatchL4(const PolicyEntry& entry, const Flow& flow, std::optional<uint16_t> port, const Identity& destination,
                const ir::Settings& settings) {
  (void)settings;
  L4Match match;
  if (!entry.ports) {  // no toPorts/icmps: every protocol and port
    match.matched = true;
    match.plain = true;
    return match;
  }
  for (const auto& spec : *entry.ports) {
    if (!PortMatches(spec, flow, port, destination)) continue;
    match.matched = true;
    if (spec.l7 == nullptr) {
      match.plain = true;
    } else {
      match.l7.push_back(spec.l7);
    }
  }
  return match;
}

}  // namespace polc::verifier::internal
