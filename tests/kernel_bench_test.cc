// ns per packet of the generated program, measured by the kernel with
// BPF_PROG_TEST_RUN's repeat count (Katran's tester, conventions.md 5).
// Hidden from the default run: bench/datapath_bench.sh runs it and prints
// the figures. Plans: one endpoint with 1, 1000 or 16000 TCP entries (LPM
// lookups cost about the key's prefix depth, little the number of entries).
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "tests/kernel_test_util.h"
#include "tests/plan_fixtures.h"

namespace polc::testing {
namespace {

constexpr int kRepeat = 200000;

// `entries` TCP allow entries on distinct ports for endpoint 2's ingress
// from identity 256, plus a deny; endpoint addresses as in SmallPlan.
ir::Plan WidePlan(int entries) {
  ir::Plan plan = SmallPlan();
  plan.entries.clear();
  plan.entries.push_back({2, ir::Direction::kIngress, 0, 6, 22, 22, true, false, 5});
  for (int i = 0; i < entries; ++i) {
    uint16_t port = static_cast<uint16_t>(1000 + 2 * i);
    plan.entries.push_back({2, ir::Direction::kIngress, 256, 6, port, port, false, false, 1});
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

TEST_CASE("datapath ns per packet", "[.][datapath-bench]") {
  if (!KERNEL_TESTS_CAN_RUN()) return;
  struct Case {
    const char* name;
    loader::PacketSpec packet;
  };
  const std::vector<Case> cases = {
      {"not local (one hash lookup)", Tcp("10.5.5.5", "10.6.6.6", 80)},
      // The first run opens a connection; the other runs hit conntrack.
      {"allowed (then conntrack hits)", Tcp("10.1.0.1", "10.1.0.2", 1000)},
      // Drops open nothing: every run does the whole lookup and an event
      // (once the ring buffer is full, a failed reservation).
      {"dropped by default deny", Tcp("10.1.0.1", "10.1.0.2", 1001)},
      {"dropped by a deny rule", Tcp("10.1.0.1", "10.1.0.2", 22)},
  };
  for (int entries : {1, 1000, 16000}) {
    std::unique_ptr<loader::LoadedObject> object = LoadPlan(WidePlan(entries));
    for (const Case& c : cases) {
      loader::TestRunResult result = object->Run("polc_ingress", loader::BuildPacket(c.packet), kRepeat);
      REQUIRE(result.ok);
      std::string error;
      REQUIRE(object->Clear(POLC_MAP_CT, error));
      object->TakeEvents();
      WARN(fmt::format("{:>6} entries  {:<30} {:>5} ns/packet", entries, c.name, result.duration_ns));
    }
  }
}

}  // namespace
}  // namespace polc::testing
