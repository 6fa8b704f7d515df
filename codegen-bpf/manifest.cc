#include "codegen-bpf/manifest.h"

#include <arpa/inet.h>

#include <nlohmann/json.hpp>

#include "codegen-bpf/generate_c.h"

namespace polc::codegen {
namespace {

using nlohmann::ordered_json;

std::string Hex(const std::vector<uint8_t>& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (uint8_t b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 0xf];
  }
  return out;
}

std::string KeyAddress(uint8_t family, const uint8_t* bytes) {
  ir::PlanAddress address;
  address.v6 = family == POLC_FAMILY_IPV6;
  std::copy(bytes, bytes + 16, address.bytes.begin());
  return AddressText(address);
}

uint16_t FromNetwork(uint16_t value) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(&value);
  return static_cast<uint16_t>(bytes[0] << 8 | bytes[1]);
}

std::string DirectionName(uint8_t direction) { return direction == POLC_DIR_EGRESS ? "egress" : "ingress"; }

ordered_json DirectionFlags(uint8_t flags) {
  return {{"enforced", (flags & POLC_EP_ENFORCED) != 0},
          {"defaultDeny", (flags & POLC_EP_DEFAULT_DENY) != 0},
          {"audit", (flags & POLC_EP_AUDIT) != 0},
          {"lookups", {{"exact", (flags & POLC_EP_EXACT) != 0},
                       {"lpm", (flags & POLC_EP_LPM) != 0},
                       {"anyIdentityExact", (flags & POLC_EP_ANY_EXACT) != 0},
                       {"anyIdentityLpm", (flags & POLC_EP_ANY_LPM) != 0}}}};
}

// Each map with its definition and entries: raw bytes for the loader, the
// fields decoded for people.
ordered_json Maps(const BuildResult& built, const MapSizes& sizes) {
  ordered_json maps = ordered_json::array();
  const std::vector<RawMap> raw = RawMaps(built.contents);
  auto map = [&](const char* name, const char* type, size_t key, size_t value, uint32_t max, const RawMap* entries,
                 auto decode) {
    ordered_json m = {{"name", name}, {"type", type}, {"keySize", key}, {"valueSize", value}, {"maxEntries", max}};
    ordered_json list = ordered_json::array();
    if (entries != nullptr) {
      for (size_t i = 0; i < entries->entries.size(); ++i) {
        ordered_json e = {{"key", Hex(entries->entries[i].key)}, {"value", Hex(entries->entries[i].value)}};
        e["decoded"] = decode(i);
        list.push_back(std::move(e));
      }
    }
    m["entries"] = std::move(list);
    maps.push_back(std::move(m));
  };
  const MapContents& c = built.contents;
  map(POLC_MAP_ENDPOINTS, "hash", sizeof(polc_endpoint_key), sizeof(polc_endpoint_value), sizes.endpoints, &raw[0],
      [&](size_t i) {
        const auto& [k, v] = c.endpoints[i];
        return ordered_json{{"address", KeyAddress(k.family, k.address)},
                            {"endpoint", v.endpoint},
                            {"identity", v.identity},
                            {"node", v.node},
                            {"ingress", DirectionFlags(v.flags[POLC_DIR_INGRESS])},
                            {"egress", DirectionFlags(v.flags[POLC_DIR_EGRESS])}};
      });
  map(POLC_MAP_IPCACHE, "lpm_trie", sizeof(polc_ipcache_key), sizeof(polc_ipcache_value), sizes.ipcache, &raw[1],
      [&](size_t i) {
        const auto& [k, v] = c.ipcache[i];
        return ordered_json{
            {"prefix", KeyAddress(k.family, k.address) + "/" + std::to_string(k.prefixlen - POLC_IPCACHE_STATIC_PREFIX)},
            {"identity", v.identity},
            {"node", v.node},
            {"localIdentity", v.local_identity}};
      });
  map(POLC_MAP_POLICY, "lpm_trie", sizeof(polc_policy_key), sizeof(polc_policy_value), sizes.policy, &raw[2],
      [&](size_t i) {
        const auto& [k, v] = c.policy[i];
        int bits = static_cast<int>(k.prefixlen) - POLC_POLICY_STATIC_PREFIX;
        ordered_json d = {{"endpoint", k.endpoint},
                          {"remoteIdentity", k.remote_identity},
                          {"direction", DirectionName(k.direction)},
                          {"protocol", k.protocol}};
        if (bits > 8) {
          d["port"] = FromNetwork(k.dport);
          d["portPrefixBits"] = bits - 8;
        }
        d["rule"] = v.rule;
        d["deny"] = (v.flags & POLC_POLICY_DENY) != 0;
        d["needsL7Proxy"] = (v.flags & POLC_POLICY_L7_PROXY) != 0;
        return d;
      });
  map(POLC_MAP_POLICY_EXACT, "hash", sizeof(polc_policy_exact_key), sizeof(polc_policy_value), sizes.policy_exact,
      &raw[3], [&](size_t i) {
        const auto& [k, v] = c.policy_exact[i];
        return ordered_json{{"endpoint", k.endpoint},
                            {"remoteIdentity", k.remote_identity},
                            {"direction", DirectionName(k.direction)},
                            {"protocol", k.protocol},
                            {"port", FromNetwork(k.dport)},
                            {"rule", v.rule},
                            {"deny", (v.flags & POLC_POLICY_DENY) != 0},
                            {"needsL7Proxy", (v.flags & POLC_POLICY_L7_PROXY) != 0}};
      });
  auto none = [](size_t) { return ordered_json(); };
  map(POLC_MAP_CT, "lru_hash", sizeof(polc_ct_key), sizeof(polc_ct_value), sizes.ct, nullptr, none);
  map(POLC_MAP_EVENTS, "ringbuf", 0, 0, sizes.events_bytes, nullptr, none);
  return maps;
}

}  // namespace

std::string AddressText(const ir::PlanAddress& address) {
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(address.v6 ? AF_INET6 : AF_INET, address.bytes.data(), text, sizeof(text));
  return text;
}

std::string RenderManifest(const ir::Plan& plan, const BuildResult& built, const ir::FileTable* files,
                           const std::string& object_name) {
  ordered_json m;
  m["schemaVersion"] = kManifestSchemaVersion;
  m["object"] = object_name;
  m["programs"] = ordered_json::array({{{"name", "polc_egress"}, {"section", "tc"}, {"hook", "endpoint egress"}},
                                       {{"name", "polc_ingress"}, {"section", "tc"}, {"hook", "endpoint ingress"}}});
  const ir::PlanFeatures& f = built.features;
  m["features"] = {{"ipv4", f.ipv4}, {"ipv6", f.ipv6}, {"deny", f.deny}, {"icmp", f.icmp},
                   {"sctp", f.sctp}, {"audit", f.audit}, {"l7", f.l7}};
  m["nodes"] = plan.nodes;
  m["maps"] = Maps(built, ChooseMapSizes(plan));

  ordered_json identities = ordered_json::array();
  for (const ir::PlanIdentity& identity : plan.identities)
    identities.push_back({{"id", identity.id}, {"labels", identity.labels}, {"description", identity.description}});
  m["identities"] = std::move(identities);

  ordered_json rules = ordered_json::array();
  for (const ir::PlanRule& rule : plan.rules) {
    ordered_json r = {{"id", rule.id}, {"policy", rule.policy}, {"description", rule.description}, {"deny", rule.deny}};
    if (files != nullptr && rule.location.Known() && rule.location.file < files->size()) {
      r["file"] = files->Path(rule.location.file);
      r["line"] = rule.location.line;
      r["column"] = rule.location.column;
    }
    rules.push_back(std::move(r));
  }
  m["rules"] = std::move(rules);

  ordered_json endpoints = ordered_json::array();
  for (const ir::PlanEndpoint& endpoint : plan.endpoints) {
    ordered_json addresses = ordered_json::array();
    for (const ir::PlanAddress& address : endpoint.addresses) addresses.push_back(AddressText(address));
    auto direction = [](const ir::PlanDirection& d) {
      return ordered_json{{"enforced", d.enforced}, {"defaultDeny", d.default_deny}};
    };
    endpoints.push_back({{"id", endpoint.id},
                         {"namespace", endpoint.namespace_},
                         {"name", endpoint.name},
                         {"identity", endpoint.identity},
                         {"node", endpoint.node == 0 || endpoint.node > plan.nodes.size()
                                      ? ordered_json()
                                      : ordered_json(plan.nodes[endpoint.node - 1])},
                         {"addresses", std::move(addresses)},
                         {"ingress", direction(endpoint.ingress)},
                         {"egress", direction(endpoint.egress)},
                         {"audit", endpoint.audit}});
  }
  m["endpoints"] = std::move(endpoints);
  m["unresolvedFqdns"] = plan.unresolved_fqdns;
  m["warnings"] = plan.warnings;
  return m.dump(2) + "\n";
}

}  // namespace polc::codegen
