#include "ir/policy.h"

#include <array>

namespace polc::ir {

std::string LabelKey::ToString() const { return source + ":" + name; }

LabelKey ParseLabelKey(std::string_view text) {
  // pkg/labels/labels.go parseSource: "$host" is short for reserved:host; the
  // text before the first ':' is the source; no ':' means source "any".
  if (!text.empty() && text.front() == '$') return {"reserved", std::string(text.substr(1))};
  size_t colon = text.find(':');
  if (colon == std::string_view::npos) return {"any", std::string(text)};
  return {std::string(text.substr(0, colon)), std::string(text.substr(colon + 1))};
}

namespace {
constexpr std::array<std::pair<Protocol, std::string_view>, 13> kProtocolNames = {{
    {Protocol::kAny, "ANY"},
    {Protocol::kTcp, "TCP"},
    {Protocol::kUdp, "UDP"},
    {Protocol::kSctp, "SCTP"},
    {Protocol::kIcmp, "ICMP"},
    {Protocol::kIcmpv6, "ICMPV6"},
    {Protocol::kVrrp, "VRRP"},
    {Protocol::kIgmp, "IGMP"},
    {Protocol::kGre, "GRE"},
    {Protocol::kIpip, "IPIP"},
    {Protocol::kIpv6, "IPV6"},
    {Protocol::kEsp, "ESP"},
    {Protocol::kAh, "AH"},
}};
}  // namespace

std::string_view ProtocolName(Protocol protocol) {
  for (const auto& [value, name] : kProtocolNames) {
    if (value == protocol) return name;
  }
  return "ANY";
}

std::optional<Protocol> ParseProtocol(std::string_view upper_case_name) {
  for (const auto& [value, name] : kProtocolNames) {
    if (name == upper_case_name) return value;
  }
  return std::nullopt;
}

std::string_view PolicyKindName(PolicyKind kind) {
  switch (kind) {
    case PolicyKind::kCiliumNetworkPolicy: return "CiliumNetworkPolicy";
    case PolicyKind::kCiliumClusterwideNetworkPolicy: return "CiliumClusterwideNetworkPolicy";
    case PolicyKind::kNetworkPolicy: return "NetworkPolicy";
  }
  return "CiliumNetworkPolicy";
}

}  // namespace polc::ir
