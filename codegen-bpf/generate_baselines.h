// The datapath bench's baselines (issue 6; bench/datapath_bench.sh): three
// tc programs that bound what polc's generated program costs per packet.
// Each parses Ethernet + IPv4 + TCP/UDP ports with the same code as polc's
// program and is compiled by the same in-process compiler (CompileBpf).
//   floor        parse and return TC_ACT_OK: nothing cheaper can judge a packet
//   floor+lookup the floor plus one hash lookup keyed by the 5-tuple (the
//                conntrack key's layout): the cheapest stateful design
//   linear scan  the floor plus every rule tried in order until one matches
//                (a bpf_loop over an array map): how a design without a
//                keyed lookup grows with the rules
// Not used by `polc build`; only the bench and its tests.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace polc::codegen {

// The one program of every baseline object.
inline constexpr const char* kBaselineProgram = "baseline";
// floor+lookup's hash map: key struct polc_ct_key, value struct polc_ct_value.
inline constexpr const char* kBaselineMap = "baseline_flows";
// The linear scan's rules: an array map, key __u32 index, value ScanRuleBytes.
inline constexpr const char* kBaselineRulesMap = "baseline_rules";

std::string GenerateFloorC();
std::string GenerateFloorLookupC(uint32_t max_entries);

// A rule of the linear scan: IPv4 source address (network order bytes),
// protocol and a destination port range; the first that matches allows.
struct ScanRule {
  std::array<uint8_t, 4> source{};
  uint8_t protocol = 6;
  uint16_t port_first = 0;
  uint16_t port_last = 0;
};
// Scans `rules` rules (the array map's size); packets no rule matches are
// dropped after every rule was tried.
std::string GenerateLinearScanC(uint32_t rules);
// A rule as the array map's value (12 bytes: source, protocol, pad, ports
// in host order, pad).
std::vector<uint8_t> ScanRuleBytes(const ScanRule& rule);

}  // namespace polc::codegen
