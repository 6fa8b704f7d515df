#include "codegen-bpf/map_contents.h"

#include <cstring>
#include <map>

namespace polc::codegen {
namespace {

// Network byte order whatever the host's.
uint16_t ToNetwork(uint16_t port) {
  const uint8_t bytes[2] = {static_cast<uint8_t>(port >> 8), static_cast<uint8_t>(port & 0xff)};
  uint16_t value;
  std::memcpy(&value, bytes, 2);
  return value;
}

uint8_t DirectionCode(ir::Direction direction) {
  return direction == ir::Direction::kEgress ? POLC_DIR_EGRESS : POLC_DIR_INGRESS;
}

uint8_t DirectionFlags(const ir::PlanDirection& direction, bool audit) {
  uint8_t flags = 0;
  if (direction.enforced) flags |= POLC_EP_ENFORCED;
  if (direction.default_deny) flags |= POLC_EP_DEFAULT_DENY;
  if (audit) flags |= POLC_EP_AUDIT;
  return flags;
}

template <typename T>
std::vector<uint8_t> Bytes(const T& value) {
  std::vector<uint8_t> bytes(sizeof(T));
  std::memcpy(bytes.data(), &value, sizeof(T));
  return bytes;
}

template <typename K, typename V>
RawMap Raw(const char* name, const std::vector<std::pair<K, V>>& entries) {
  RawMap map{name, {}};
  for (const auto& [key, value] : entries) map.entries.push_back({Bytes(key), Bytes(value)});
  return map;
}

}  // namespace

std::vector<MaskedPort> MaskedPorts(uint16_t first, uint16_t last) {
  std::vector<MaskedPort> out;
  uint32_t port = first;
  while (port <= last) {
    // The largest block that starts at `port` (aligned) and ends by `last`.
    int free_bits = 0;
    while (free_bits < 16) {
      uint32_t size = 1u << (free_bits + 1);
      if (port % size != 0 || port + size - 1 > last) break;
      ++free_bits;
    }
    out.push_back({static_cast<uint16_t>(port), 16 - free_bits});
    port += 1u << free_bits;
  }
  return out;
}

polc_endpoint_key EndpointKey(const ir::PlanAddress& address) {
  polc_endpoint_key key{};
  key.family = address.v6 ? POLC_FAMILY_IPV6 : POLC_FAMILY_IPV4;
  std::memcpy(key.address, address.bytes.data(), address.v6 ? 16 : 4);
  return key;
}

polc_ipcache_key IpcacheKey(const ir::PlanAddress& address, int bits) {
  polc_ipcache_key key{};
  key.prefixlen = POLC_IPCACHE_STATIC_PREFIX + static_cast<uint32_t>(bits);
  key.family = address.v6 ? POLC_FAMILY_IPV6 : POLC_FAMILY_IPV4;
  // Bits past the prefix are zero, as the kernel's trie expects of a key it stores.
  for (int i = 0; i < bits; ++i) {
    size_t byte = static_cast<size_t>(i / 8);
    key.address[byte] |= static_cast<uint8_t>(address.bytes[byte] & (0x80 >> (i % 8)));
  }
  return key;
}

namespace {

// The POLC_EP_EXACT / _LPM / _ANY_EXACT / _ANY_LPM bit of an entry.
uint8_t LookupFlag(uint32_t remote_identity, bool exact) {
  if (remote_identity == ir::kAnyIdentity) return exact ? POLC_EP_ANY_EXACT : POLC_EP_ANY_LPM;
  return exact ? POLC_EP_EXACT : POLC_EP_LPM;
}

}  // namespace

MapContents BuildMapContents(const ir::Plan& plan) {
  MapContents contents;
  // (endpoint id, direction) -> which policy lookups can hit.
  std::map<std::pair<uint32_t, uint8_t>, uint8_t> lookups;
  for (const ir::PlanEntry& entry : plan.entries) {
    polc_policy_value value{};
    value.rule = entry.rule;
    if (entry.deny) value.flags |= POLC_POLICY_DENY;
    if (entry.needs_l7_proxy) value.flags |= POLC_POLICY_L7_PROXY;
    polc_policy_key key{};
    key.endpoint = entry.endpoint;
    key.remote_identity = entry.remote_identity;
    key.direction = DirectionCode(entry.direction);
    uint8_t& flags = lookups[{entry.endpoint, key.direction}];
    if (entry.protocol == ir::kPlanAnyProtocol) {
      // Any protocol: no protocol and no port bits (8.1: the protocol is
      // wildcarded only with the port).
      key.prefixlen = POLC_POLICY_STATIC_PREFIX;
      contents.policy.push_back({key, value});
      flags |= LookupFlag(entry.remote_identity, false);
      continue;
    }
    key.protocol = entry.protocol;
    for (const MaskedPort& masked : MaskedPorts(entry.port_first, entry.port_last)) {
      if (masked.bits == 16) {
        // One port: the longest possible match, so the hash map holds it.
        polc_policy_exact_key exact{};
        exact.endpoint = key.endpoint;
        exact.remote_identity = key.remote_identity;
        exact.direction = key.direction;
        exact.protocol = key.protocol;
        exact.dport = ToNetwork(masked.port);
        contents.policy_exact.push_back({exact, value});
        flags |= LookupFlag(entry.remote_identity, true);
        continue;
      }
      key.prefixlen = POLC_POLICY_STATIC_PREFIX + 8 + static_cast<uint32_t>(masked.bits);
      key.dport = ToNetwork(masked.port);
      contents.policy.push_back({key, value});
      flags |= LookupFlag(entry.remote_identity, false);
    }
  }
  for (const ir::PlanEndpoint& endpoint : plan.endpoints) {
    polc_endpoint_value value{};
    value.endpoint = endpoint.id;
    value.identity = endpoint.identity;
    value.node = endpoint.node;
    value.flags[POLC_DIR_INGRESS] = DirectionFlags(endpoint.ingress, endpoint.audit);
    value.flags[POLC_DIR_EGRESS] = DirectionFlags(endpoint.egress, endpoint.audit);
    for (uint8_t dir : {POLC_DIR_INGRESS, POLC_DIR_EGRESS}) {
      auto found = lookups.find({endpoint.id, dir});
      if (found != lookups.end()) value.flags[dir] |= found->second;
    }
    for (const ir::PlanAddress& address : endpoint.addresses) contents.endpoints.push_back({EndpointKey(address), value});
  }
  for (const ir::PlanPrefix& prefix : plan.prefixes) {
    polc_ipcache_value value{};
    value.identity = prefix.identity;
    value.node = prefix.node;
    value.local_identity = prefix.local_identity;
    contents.ipcache.push_back({IpcacheKey(prefix.address, prefix.bits), value});
  }
  return contents;
}

std::vector<RawMap> RawMaps(const MapContents& contents) {
  return {Raw(POLC_MAP_ENDPOINTS, contents.endpoints), Raw(POLC_MAP_IPCACHE, contents.ipcache),
          Raw(POLC_MAP_POLICY, contents.policy), Raw(POLC_MAP_POLICY_EXACT, contents.policy_exact)};
}

}  // namespace polc::codegen
