#include "codegen-bpf/generate_c.h"

#include <catch2/catch.hpp>
#include <string>

#include "codegen-bpf/build_object.h"
#include "tests/plan_fixtures.h"

namespace polc::codegen {
namespace {

bool Contains(const std::vector<uint8_t>& bytes, const std::string& text) {
  return std::search(bytes.begin(), bytes.end(), text.begin(), text.end()) != bytes.end();
}
bool Contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST_CASE("A hand-made plan compiles into an object with both programs, every map and BTF", "[codegen]") {
  BuildResult built = BuildObject(testing::SmallPlan());
  INFO(built.diagnostics);
  REQUIRE(built.ok);
  CHECK(built.diagnostics.empty());  // -Wall clean
  for (const char* name :
       {"polc_egress", "polc_ingress", "polc_endpoints", "polc_ipcache", "polc_policy", "polc_policy_exact", "polc_ct",
        "polc_events", ".maps", ".BTF", "polc_policy_key", "polc_event", "license"}) {
    INFO(name);
    CHECK(Contains(built.object, name));
  }
}

TEST_CASE("The same plan gives the same source and object bytes", "[codegen]") {
  BuildResult a = BuildObject(testing::SmallPlan());
  BuildResult b = BuildObject(testing::SmallPlan());
  REQUIRE(a.ok);
  CHECK(a.c_source == b.c_source);
  CHECK(a.object == b.object);
}

TEST_CASE("Only the features the plan uses are compiled in", "[codegen]") {
  ir::Plan plan = testing::SmallPlan();
  std::string full = GenerateBpfC(plan);
  CHECK(Contains(full, "POLC_POLICY_DENY"));
  CHECK(Contains(full, "IPPROTO_ICMPV6:"));
  CHECK_FALSE(Contains(full, "ETH_P_IPV6"));
  CHECK_FALSE(Contains(full, "IPPROTO_SCTP:"));
  CHECK_FALSE(Contains(full, "POLC_EP_AUDIT"));

  plan.entries = {{1, ir::Direction::kEgress, 257, 6, 5432, 5432, false, false, 2}};
  plan.features = {.ipv4 = true};
  std::string lean = GenerateBpfC(plan);
  CHECK_FALSE(Contains(lean, "POLC_POLICY_DENY"));
  CHECK_FALSE(Contains(lean, "IPPROTO_ICMP:"));
  CHECK_FALSE(Contains(lean, "POLC_POLICY_L7_PROXY"));
  BuildResult lean_built = BuildObject(plan);
  CHECK(lean_built.ok);
  CHECK(lean_built.diagnostics.empty());  // -Wall clean without deny, ICMP, L7

  // Features follow the contents even when the plan's flags lag.
  plan.endpoints[0].addresses.push_back(testing::Address("fd00::1"));
  plan.endpoints[1].audit = true;
  plan.entries.push_back({2, ir::Direction::kIngress, 0, 132, 3868, 3868, true, false, 5});
  ir::PlanFeatures f = EffectiveFeatures(plan);
  CHECK(f.ipv4);
  CHECK(f.ipv6);
  CHECK(f.audit);
  CHECK(f.deny);
  CHECK(f.sctp);
  std::string wide = GenerateBpfC(plan);
  CHECK(Contains(wide, "ETH_P_IPV6"));
  CHECK(Contains(wide, "IPPROTO_SCTP:"));
  CHECK(Contains(wide, "POLC_EP_AUDIT"));
  BuildResult built = BuildObject(plan);
  INFO(built.diagnostics);
  CHECK(built.ok);
  CHECK(built.diagnostics.empty());
}

TEST_CASE("An empty plan gives a valid program that passes everything", "[codegen]") {
  BuildResult built = BuildObject(ir::Plan{});
  INFO(built.diagnostics);
  CHECK(built.ok);
}

}  // namespace
}  // namespace polc::codegen
