#include "verifier/ip_prefix.h"

#include <arpa/inet.h>

#include <string>

namespace polc::verifier {

std::optional<IpAddress> ParseIpAddress(std::string_view text) {
  std::string copy(text);
  IpAddress ip;
  if (inet_pton(AF_INET, copy.c_str(), ip.bytes.data()) == 1) return ip;
  if (inet_pton(AF_INET6, copy.c_str(), ip.bytes.data()) == 1) {
    ip.v6 = true;
    return ip;
  }
  return std::nullopt;
}

std::optional<IpPrefix> ParseIpPrefix(std::string_view text) {
  size_t slash = text.find('/');
  auto ip = ParseIpAddress(text.substr(0, slash));
  if (!ip) return std::nullopt;
  int max_bits = ip->v6 ? 128 : 32;
  int bits = max_bits;
  if (slash != std::string_view::npos) {
    std::string_view digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3) return std::nullopt;
    bits = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') return std::nullopt;
      bits = bits * 10 + (c - '0');
    }
    if (bits > max_bits) return std::nullopt;
  }
  return IpPrefix{*ip, bits};
}

bool IpPrefix::Contains(const IpAddress& ip) const {
  if (ip.v6 != address.v6) return false;
  for (int i = 0; i < bits; ++i) {
    int byte = i / 8;
    int mask = 0x80 >> (i % 8);
    if ((ip.bytes[byte] & mask) != (address.bytes[byte] & mask)) return false;
  }
  return true;
}

bool IpPrefix::ContainsPrefix(const IpPrefix& other) const {
  return other.bits >= bits && Contains(other.address);
}

}  // namespace polc::verifier
