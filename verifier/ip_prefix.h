// IPv4/IPv6 addresses and prefixes for CIDR matching (cilium-semantics.md
// 1.4: a bare IP is a /32 or /128 prefix).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace polc::verifier {

struct IpAddress {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};  // IPv4 uses the first 4
  bool operator==(const IpAddress&) const = default;
};

struct IpPrefix {
  IpAddress address;
  int bits = 0;
  bool Contains(const IpAddress& ip) const;
  bool ContainsPrefix(const IpPrefix& other) const;
};

std::optional<IpAddress> ParseIpAddress(std::string_view text);
// "10.0.0.0/8", or a bare address (a host prefix).
std::optional<IpPrefix> ParseIpPrefix(std::string_view text);

}  // namespace polc::verifier
