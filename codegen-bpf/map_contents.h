// The plan (ir/datapath_plan.h) as map entries, in the layouts of the one
// shared header (codegen-bpf/bpf/polc_maps.h). Port ranges become
// prefix-aligned masked ports as Cilium stores them (cilium-semantics.md
// 8.1). The order is deterministic: the plan's order, each range's pieces
// from low to high, so the manifest and the maps are the same bytes for the
// same plan.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "codegen-bpf/bpf/polc_maps.h"
#include "ir/datapath_plan.h"

namespace polc::codegen {

// One prefix-aligned block of ports: `port` with the low 16 - `bits` bits
// free (bits = 16: exactly `port`; bits = 0: every port).
struct MaskedPort {
  uint16_t port = 0;
  int bits = 16;
  bool operator==(const MaskedPort&) const = default;
};

// The fewest aligned blocks covering [first, last] (first <= last), low to
// high (Cilium's PortRangeToMaskedPorts).
std::vector<MaskedPort> MaskedPorts(uint16_t first, uint16_t last);

struct MapContents {
  std::vector<std::pair<polc_endpoint_key, polc_endpoint_value>> endpoints;
  std::vector<std::pair<polc_ipcache_key, polc_ipcache_value>> ipcache;
  // Entries with fewer than 16 port bits (or protocol 0): the LPM trie.
  std::vector<std::pair<polc_policy_key, polc_policy_value>> policy;
  // Entries of exactly one port / ICMP type: the hash map, looked up first.
  std::vector<std::pair<polc_policy_exact_key, polc_policy_value>> policy_exact;
};

MapContents BuildMapContents(const ir::Plan& plan);

// A map's entries as raw bytes, as the loader writes them and the manifest
// lists them.
struct RawMapEntry {
  std::vector<uint8_t> key;
  std::vector<uint8_t> value;
};
struct RawMap {
  std::string name;  // POLC_MAP_*
  std::vector<RawMapEntry> entries;
};
std::vector<RawMap> RawMaps(const MapContents& contents);

// Key builders shared with the tests.
polc_endpoint_key EndpointKey(const ir::PlanAddress& address);
polc_ipcache_key IpcacheKey(const ir::PlanAddress& address, int bits);

}  // namespace polc::codegen
