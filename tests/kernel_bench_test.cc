// ns per packet of the generated program against the three
// baselines (codegen-bpf/generate_baselines.h), measured by the kernel with
// BPF_PROG_TEST_RUN's repeat count (Katran's tester, conventions.md 5), at
// 10, 1k, 10k and 100k rules. Hidden from the default run:
// bench/datapath_bench.sh runs it and prints the table.
//
// A rule is one plan entry of the measured endpoint's ingress (one remote
// identity x one TCP port): identity 256 + i / 1000, port 1000 + i % 1000,
// so the policy map holds `rules` entries for that endpoint. Paths:
//   established  the same allowed packet again: the first run opens the
//                connection, every measured run hits conntrack
//   new          a packet no entry allows (default deny): the conntrack
//                lookups (own and reply tuple) miss, then the ipcache and both
//                policy lookups run and a drop event is written. A drop
//                opens no connection, so every repeated run is a first
//                packet; an allowed first packet cannot be repeated (its run
//                opens the connection). The run also writes the ring buffer,
//                which fills after a few thousand events, after which the
//                reservation fails fast, so the event costs less than in a
//                cluster that reads its events.
#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <cstring>
#include <fmt/format.h>
#include <map>

#include "codegen-bpf/clang_compile.h"
#include "codegen-bpf/generate_baselines.h"
#include "tests/kernel_test_util.h"
#include "tests/plan_fixtures.h"

namespace polc::testing {
namespace {

constexpr int kRepeat = 200000;
constexpr int kRuleCounts[] = {10, 1000, 10000, 100000};

ir::Plan RulesPlan(int rules) {
  ir::Plan plan = SmallPlan();
  plan.entries.clear();
  for (int i = 0; i < rules; ++i) {
    uint32_t identity = 256 + static_cast<uint32_t>(i / 1000);
    uint16_t port = static_cast<uint16_t>(1000 + i % 1000);
    plan.entries.push_back({2, ir::Direction::kIngress, identity, 6, port, port, false, false, 1});
  }
  return plan;
}

loader::PacketSpec Tcp(const char* source, const char* destination, uint16_t port) {
  loader::PacketSpec spec;
  loader::ParseAddress(source, spec.source, spec.v6);
  loader::ParseAddress(destination, spec.destination, spec.v6);
  spec.source_port = 40000;
  spec.destination_port = port;
  return spec;
}

// From identity 256 (10.1.0.1) to endpoint 2 (10.1.0.2): port 1000 is
// allowed at every rule count, port 999 by none.
const loader::PacketSpec kAllowed = Tcp("10.1.0.1", "10.1.0.2", 1000);
const loader::PacketSpec kDenied = Tcp("10.1.0.1", "10.1.0.2", 999);

std::vector<uint8_t> FlowKey(const loader::PacketSpec& packet) {
  polc_ct_key key{};
  key.family = POLC_FAMILY_IPV4;
  key.protocol = packet.protocol;
  key.direction = POLC_DIR_INGRESS;
  key.sport = static_cast<polc_u16>(packet.source_port >> 8 | packet.source_port << 8);
  key.dport = static_cast<polc_u16>(packet.destination_port >> 8 | packet.destination_port << 8);
  std::memcpy(key.saddr, packet.source.data(), 4);
  std::memcpy(key.daddr, packet.destination.data(), 4);
  const uint8_t* bytes = reinterpret_cast<const uint8_t*>(&key);
  return {bytes, bytes + sizeof(key)};
}

std::unique_ptr<loader::LoadedObject> LoadBaseline(const std::string& source,
                                                   const std::vector<loader::MapFill>& fills) {
  codegen::CompileResult compiled = codegen::CompileBpf(source);
  INFO(compiled.diagnostics);
  REQUIRE(compiled.ok);
  loader::LoadError error;
  std::unique_ptr<loader::LoadedObject> loaded = loader::LoadedObject::Load(compiled.object, error);
  INFO(error.message << "\n" << error.verifier_log);
  REQUIRE(loaded != nullptr);
  std::string fill_error;
  INFO(fill_error);
  REQUIRE(loaded->Fill(fills, fill_error));
  return loaded;
}

uint32_t Measure(loader::LoadedObject& object, const char* program, const loader::PacketSpec& packet, int expected,
                 int repeat = kRepeat) {
  loader::TestRunResult result = object.Run(program, loader::BuildPacket(packet), repeat);
  INFO(result.error);
  REQUIRE(result.ok);
  CHECK(result.retval == expected);
  return result.duration_ns;
}

TEST_CASE("datapath ns per packet against the baselines", "[.][datapath-bench]") {
  if (!KERNEL_TESTS_CAN_RUN()) return;
  constexpr int kOk = 0;
  constexpr int kShot = 2;
  std::unique_ptr<loader::LoadedObject> floor_object = LoadBaseline(codegen::GenerateFloorC(), {});
  uint32_t floor_ns = Measure(*floor_object, codegen::kBaselineProgram, kAllowed, kOk);

  // rules -> {established, new, floor+lookup, linear scan}
  std::map<int, std::array<uint32_t, 4>> figures;
  std::map<int, uint32_t> not_local_ns;
  for (int rules : kRuleCounts) {
    std::unique_ptr<loader::LoadedObject> polc = LoadPlan(RulesPlan(rules));
    Measure(*polc, "polc_ingress", kAllowed, kOk, 1);  // opens the connection
    REQUIRE(polc->Count(POLC_MAP_CT) == 1);
    uint32_t established = Measure(*polc, "polc_ingress", kAllowed, kOk);
    uint32_t fresh = Measure(*polc, "polc_ingress", kDenied, kShot);
    CHECK(polc->Count(POLC_MAP_CT) == 1);  // the drops opened nothing
    // Parse + the endpoint lookup (a miss) alone: what established pays
    // beyond floor+lookup.
    not_local_ns[rules] = Measure(*polc, "polc_ingress", Tcp("10.5.5.5", "10.6.6.6", 80), kOk);
    polc.reset();

    // floor+lookup: as many flows as rules, the packet's among them.
    loader::MapFill flows{codegen::kBaselineMap, {{FlowKey(kAllowed), std::vector<uint8_t>(8, 0)}}};
    for (int i = 1; i < rules; ++i) {
      loader::PacketSpec other = kAllowed;
      other.source_port = static_cast<uint16_t>(i % 60000);
      other.destination[3] = static_cast<uint8_t>(i / 60000 + 3);
      flows.entries.push_back({FlowKey(other), std::vector<uint8_t>(8, 0)});
    }
    std::unique_ptr<loader::LoadedObject> lookup =
        LoadBaseline(codegen::GenerateFloorLookupC(static_cast<uint32_t>(rules) + 16), {flows});
    uint32_t lookup_ns = Measure(*lookup, codegen::kBaselineProgram, kAllowed, kOk);
    lookup.reset();

    // Linear scan: the same rules as polc's plan, source addresses for the
    // identities; the denied packet matches none, so every rule is tried.
    loader::MapFill scan_rules{codegen::kBaselineRulesMap, {}};
    for (int i = 0; i < rules; ++i) {
      codegen::ScanRule rule;
      rule.source = {10, 1, static_cast<uint8_t>(i / 1000 / 250), static_cast<uint8_t>(1 + i / 1000 % 250)};
      rule.port_first = rule.port_last = static_cast<uint16_t>(1000 + i % 1000);
      uint32_t index = static_cast<uint32_t>(i);
      const uint8_t* key = reinterpret_cast<const uint8_t*>(&index);
      scan_rules.entries.push_back({{key, key + 4}, codegen::ScanRuleBytes(rule)});
    }
    std::unique_ptr<loader::LoadedObject> scan =
        LoadBaseline(codegen::GenerateLinearScanC(static_cast<uint32_t>(rules)), {scan_rules});
    // Fewer repeats as the scan grows, so 100k rules take seconds, not minutes.
    int scan_repeat = std::max(200, kRepeat / std::max(1, rules / 100));
    uint32_t scan_ns = Measure(*scan, codegen::kBaselineProgram, kDenied, kShot, scan_repeat);
    figures[rules] = {established, fresh, lookup_ns, scan_ns};
  }

  // What the new path's growth follows: the same 100k entries moved to
  // another endpoint (endpoint 1's egress) next to the measured endpoint's
  // 10: the map is as large, the measured endpoint's part of the trie small.
  ir::Plan elsewhere = RulesPlan(100000);
  for (size_t i = 10; i < elsewhere.entries.size(); ++i) {
    elsewhere.entries[i].endpoint = 1;
    elsewhere.entries[i].direction = ir::Direction::kEgress;
  }
  std::unique_ptr<loader::LoadedObject> other = LoadPlan(elsewhere);
  uint32_t elsewhere_ns = Measure(*other, "polc_ingress", kDenied, kShot);
  other.reset();

  std::string table = fmt::format("floor (parse, return): {} ns/packet\n", floor_ns);
  table += fmt::format("new, 10 rules here + 99990 on another endpoint: {} ns\n", elsewhere_ns);
  table += fmt::format("polc, parse + endpoint miss: {} ns (10 rules), {} ns (100k)\n",
                       not_local_ns[10], not_local_ns[100000]);
  table += fmt::format("{:>7} {:>12} {:>6} {:>10} {:>6} {:>13} {:>16}\n", "rules", "established", "x lkp",
                       "new (drop)", "x lkp", "floor+lookup", "linear scan");
  for (const auto& [rules, f] : figures) {
    double lookup = std::max<uint32_t>(f[2], 1);
    table += fmt::format("{:>7} {:>9} ns {:>5.2f}x {:>7} ns {:>5.2f}x {:>10} ns {:>13} ns\n", rules, f[0],
                         f[0] / lookup, f[1], f[1] / lookup, f[2], f[3]);
  }
  auto spread = [&](int column) {
    uint32_t low = UINT32_MAX;
    uint32_t high = 0;
    for (const auto& [rules, f] : figures) {
      low = std::min(low, f[column]);
      high = std::max(high, f[column]);
    }
    return 100.0 * (high - low) / std::max<uint32_t>(low, 1);
  };
  table += fmt::format("spread 10 -> 100k rules (max-min)/min: established {:.0f} %, new {:.0f} %\n", spread(0),
                       spread(1));
  WARN("datapath-bench\n" << table);
}

}  // namespace
}  // namespace polc::testing
