// The L4 part of a policy entry as a connection set (cilium-semantics.md
// 1.5: ANY = TCP/UDP/SCTP, port 0/empty = all, endPort ranges; 1.11: ICMP
// types; 2.5: named ports resolve against the destination's container
// ports). Mirrors MatchL4 in evaluator_l4.cc, for all ports at once.
#include <charconv>

#include "verifier/connectivity_internal.h"

namespace polc::verifier::internal {
namespace {

std::optional<uint32_t> Number(std::string_view text) {
  uint32_t value = 0;
  if (text.empty()) return std::nullopt;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

std::vector<ConnProtocol> Protocols(ir::Protocol protocol) {
  if (protocol == ir::Protocol::kAny) return {ConnProtocol::kTcp, ConnProtocol::kUdp, ConnProtocol::kSctp};
  if (auto p = ToConnProtocol(protocol)) return {*p};
  return {};  // extended IP protocols: not part of connection sets
}

ir::Protocol ToIrProtocol(ConnProtocol protocol) {
  switch (protocol) {
    case ConnProtocol::kTcp: return ir::Protocol::kTcp;
    case ConnProtocol::kUdp: return ir::Protocol::kUdp;
    case ConnProtocol::kSctp: return ir::Protocol::kSctp;
    case ConnProtocol::kIcmp: return ir::Protocol::kIcmp;
    case ConnProtocol::kIcmpv6: return ir::Protocol::kIcmpv6;
  }
  return ir::Protocol::kTcp;
}

}  // namespace

bool EntryHasNamedPorts(const PolicyEntry& entry) {
  if (!entry.ports) return false;
  for (const auto& spec : *entry.ports) {
    bool icmp = spec.protocol == ir::Protocol::kIcmp || spec.protocol == ir::Protocol::kIcmpv6;
    if (!icmp && !spec.port.empty() && !Number(spec.port)) return true;
  }
  return false;
}

ConnectionSet EntryConnections(const PolicyEntry& entry, const Identity& destination) {
  if (!entry.ports) return ConnectionSet::All();
  ConnectionSet out;
  for (const auto& spec : *entry.ports) {
    for (ConnProtocol protocol : Protocols(spec.protocol)) {
      if (protocol == ConnProtocol::kIcmp || protocol == ConnProtocol::kIcmpv6) {
        if (auto type = Number(spec.port); type && *type <= 255) out[protocol].Add(*type, *type);
        continue;
      }
      if (spec.port.empty() || spec.port == "0") {
        out.UnionWith(ConnectionSet::WholeProtocol(protocol));
      } else if (auto number = Number(spec.port)) {
        uint32_t end = spec.end_port > static_cast<int32_t>(*number) ? static_cast<uint32_t>(spec.end_port) : *number;
        out.UnionWith(ConnectionSet::Ports(protocol, *number, end));
      } else if (destination.endpoint != nullptr) {
        for (const auto& port : destination.endpoint->ports) {
          if (port.name == spec.port && port.protocol == ToIrProtocol(protocol) && port.port != 0) {
            out[protocol].Add(port.port, port.port);
            break;  // the evaluator takes the first container port of that name
          }
        }
      }
    }
  }
  return out;
}

}  // namespace polc::verifier::internal
