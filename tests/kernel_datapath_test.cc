// The generated program in the kernel (issue 6): every object must pass the
// kernel verifier, and BPF_PROG_TEST_RUN must give the verdicts of the
// lookup contract on packet fixtures (Katran's tester style: name, packet,
// expected verdict and event), with Cilium-like connection tracking.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tests/kernel_test_util.h"
#include "tests/plan_fixtures.h"

namespace polc::testing {
namespace {

constexpr int kPass = 0;  // TC_ACT_OK
constexpr int kDrop = 2;  // TC_ACT_SHOT

loader::PacketSpec Packet(const std::string& source, const std::string& destination, uint8_t protocol,
                          uint16_t source_port, uint16_t destination_port, uint8_t icmp_type = 0) {
  loader::PacketSpec spec;
  loader::ParseAddress(source, spec.source, spec.v6);
  loader::ParseAddress(destination, spec.destination, spec.v6);
  spec.protocol = protocol;
  spec.source_port = source_port;
  spec.destination_port = destination_port;
  spec.icmp_type = icmp_type;
  return spec;
}

struct Fixture {
  std::string name;
  const char* program;
  loader::PacketSpec packet;
  int verdict;
  int event_verdict;  // 0: no event
  int reason = POLC_REASON_NONE;
  uint32_t rule = 0;
  uint32_t remote_identity = 0;
};

TEST_CASE("Packet fixtures through BPF_PROG_TEST_RUN give the plan's verdicts and events", "[kernel][codegen]") {
  if (!KERNEL_TESTS_CAN_RUN()) return;
  std::unique_ptr<loader::LoadedObject> object = LoadPlan(SmallPlan());
  const uint32_t cidr = ir::kFirstCidrIdentity;
  const std::vector<Fixture> fixtures = {
      {"web -> db TCP 5432 (identity entry)", "polc_egress", Packet("10.1.0.1", "10.1.0.2", 6, 40000, 5432), kPass,
       POLC_VERDICT_ALLOW, POLC_REASON_NONE, 2, 257},
      {"web -> db TCP 5433 (default deny)", "polc_egress", Packet("10.1.0.1", "10.1.0.2", 6, 40000, 5433), kDrop,
       POLC_VERDICT_DROP, POLC_REASON_DEFAULT_DENY, 0, 257},
      {"web -> world UDP 53 (wildcard entry)", "polc_egress", Packet("10.1.0.1", "8.8.8.8", 17, 40000, 53), kPass,
       POLC_VERDICT_ALLOW, POLC_REASON_NONE, 3, ir::kWorldIdentity},
      {"web -> world TCP 53 (protocol differs)", "polc_egress", Packet("10.1.0.1", "8.8.8.8", 6, 40000, 53), kDrop,
       POLC_VERDICT_DROP, POLC_REASON_DEFAULT_DENY, 0, ir::kWorldIdentity},
      {"web -> cidr TCP 443", "polc_egress", Packet("10.1.0.1", "10.9.9.9", 6, 40000, 443), kPass, POLC_VERDICT_ALLOW,
       POLC_REASON_NONE, 4, cidr},
      {"web -> world TCP 443 (outside the cidr)", "polc_egress", Packet("10.1.0.1", "11.0.0.1", 6, 40000, 443), kDrop,
       POLC_VERDICT_DROP, POLC_REASON_DEFAULT_DENY, 0, ir::kWorldIdentity},
      {"web -> cidr TCP 8000 (range start)", "polc_egress", Packet("10.1.0.1", "10.9.9.9", 6, 40000, 8000), kPass,
       POLC_VERDICT_ALLOW, POLC_REASON_NONE, 7, cidr},
      {"web -> cidr TCP 8063 (inside a masked block)", "polc_egress", Packet("10.1.0.1", "10.9.9.9", 6, 1, 8063), kPass,
       POLC_VERDICT_ALLOW, POLC_REASON_NONE, 7, cidr},
      {"web -> cidr TCP 8100 (range end)", "polc_egress", Packet("10.1.0.1", "10.9.9.9", 6, 40000, 8100), kPass,
       POLC_VERDICT_ALLOW, POLC_REASON_NONE, 7, cidr},
      {"web -> cidr TCP 8101 (past the range)", "polc_egress", Packet("10.1.0.1", "10.9.9.9", 6, 40000, 8101), kDrop,
       POLC_VERDICT_DROP, POLC_REASON_DEFAULT_DENY, 0, cidr},
      {"web -> cidr TCP 7999 (before the range)", "polc_egress", Packet("10.1.0.1", "10.9.9.9", 6, 40000, 7999), kDrop,
       POLC_VERDICT_DROP, POLC_REASON_DEFAULT_DENY, 0, cidr},
      {"web -> node address: remote-node elsewhere, host on its node", "polc_egress",
       Packet("10.1.0.1", "192.168.1.11", 6, 40000, 22), kDrop, POLC_VERDICT_DROP, POLC_REASON_DEFAULT_DENY, 0,
       ir::kHostIdentity},
      {"db <- web TCP 5432", "polc_ingress", Packet("10.1.0.1", "10.1.0.2", 6, 40000, 5432), kPass, POLC_VERDICT_ALLOW,
       POLC_REASON_NONE, 1, 256},
      {"db <- web TCP 22 (deny rule)", "polc_ingress", Packet("10.1.0.1", "10.1.0.2", 6, 40000, 22), kDrop,
       POLC_VERDICT_DROP, POLC_REASON_DENY_RULE, 5, 256},
      {"db <- world TCP 22 (deny rule, wildcard)", "polc_ingress", Packet("1.2.3.4", "10.1.0.2", 6, 40000, 22), kDrop,
       POLC_VERDICT_DROP, POLC_REASON_DENY_RULE, 5, ir::kWorldIdentity},
      {"db <- web ICMP echo request", "polc_ingress", Packet("10.1.0.1", "10.1.0.2", 1, 0, 0, 8), kPass,
       POLC_VERDICT_ALLOW, POLC_REASON_NONE, 6, 256},
      {"db <- web ICMP timestamp (type 13)", "polc_ingress", Packet("10.1.0.1", "10.1.0.2", 1, 0, 0, 13), kDrop,
       POLC_VERDICT_DROP, POLC_REASON_DEFAULT_DENY, 0, 256},
      {"db <- web UDP 5432", "polc_ingress", Packet("10.1.0.1", "10.1.0.2", 17, 40000, 5432), kDrop, POLC_VERDICT_DROP,
       POLC_REASON_DEFAULT_DENY, 0, 256},
      {"db <- web GRE (no ports)", "polc_ingress", Packet("10.1.0.1", "10.1.0.2", 47, 0, 0), kDrop, POLC_VERDICT_DROP,
       POLC_REASON_DEFAULT_DENY, 0, 256},
      {"db egress is not enforced", "polc_egress", Packet("10.1.0.2", "8.8.8.8", 6, 40000, 25), kPass, 0},
      {"web ingress is not enforced", "polc_ingress", Packet("8.8.8.8", "10.1.0.1", 6, 40000, 25), kPass, 0},
      {"not a local endpoint (egress)", "polc_egress", Packet("10.5.5.5", "10.1.0.2", 6, 40000, 22), kPass, 0},
      {"not a local endpoint (ingress)", "polc_ingress", Packet("10.1.0.2", "10.5.5.5", 6, 40000, 22), kPass, 0},
      {"IPv6 is not compiled in: passes", "polc_ingress", Packet("fd00::1", "fd00::2", 6, 40000, 22), kPass, 0},
  };
  for (const Fixture& fixture : fixtures) {
    INFO(fixture.name);
    std::string error;
    REQUIRE(object->Clear(POLC_MAP_CT, error));
    object->TakeEvents();
    CHECK(RunPacket(*object, fixture.program, fixture.packet) == fixture.verdict);
    std::vector<polc_event> events = object->TakeEvents();
    if (fixture.event_verdict == 0) {
      CHECK(events.empty());
      continue;
    }
    REQUIRE(events.size() == 1);
    CHECK(events[0].verdict == fixture.event_verdict);
    CHECK(events[0].reason == fixture.reason);
    CHECK(events[0].rule == fixture.rule);
    CHECK(events[0].remote_identity == fixture.remote_identity);
    CHECK(events[0].direction == (std::string(fixture.program) == "polc_egress" ? POLC_DIR_EGRESS : POLC_DIR_INGRESS));
    CHECK(events[0].protocol == fixture.packet.protocol);
    CHECK(events[0].endpoint != 0);
  }
}

TEST_CASE("A frame that is not IP passes", "[kernel][codegen]") {
  if (!KERNEL_TESTS_CAN_RUN()) return;
  std::unique_ptr<loader::LoadedObject> object = LoadPlan(SmallPlan());
  std::vector<uint8_t> arp(60, 0);
  arp[12] = 0x08;
  arp[13] = 0x06;
  loader::TestRunResult result = object->Run("polc_egress", arp);
  REQUIRE(result.ok);
  CHECK(result.retval == kPass);
}

// Web's ingress enforced with default deny and no entries, so only replies
// reach it; web may open 6000 to db, which db's ingress does not allow, and
// ping the CIDR.
ir::Plan ConntrackPlan() {
  ir::Plan plan = SmallPlan();
  plan.endpoints[0].ingress = {true, true};
  plan.entries.insert(plan.entries.begin() + 2, {1, ir::Direction::kEgress, 257, 6, 6000, 6000, false, false, 2});
  plan.entries.insert(plan.entries.begin() + 3,
                      {1, ir::Direction::kEgress, ir::kFirstCidrIdentity, 1, 8, 8, false, false, 6});
  return plan;
}

TEST_CASE("Conntrack: replies of an allowed connection pass, unsolicited packets are judged by policy",
          "[kernel][codegen]") {
  if (!KERNEL_TESTS_CAN_RUN()) return;
  std::unique_ptr<loader::LoadedObject> object = LoadPlan(ConntrackPlan());
  auto request = Packet("10.1.0.1", "10.9.9.9", 6, 40000, 443);
  auto reply = Packet("10.9.9.9", "10.1.0.1", 6, 443, 40000);

  SECTION("an unsolicited packet is dropped by default deny") {
    CHECK(RunPacket(*object, "polc_ingress", reply) == kDrop);
  }
  SECTION("the reply of an allowed connection passes, without a policy event") {
    CHECK(RunPacket(*object, "polc_egress", request) == kPass);
    object->TakeEvents();
    CHECK(RunPacket(*object, "polc_ingress", reply) == kPass);
    CHECK(object->TakeEvents().empty());
    CHECK(RunPacket(*object, "polc_egress", request) == kPass);  // established
    // Another tuple is not a reply.
    CHECK(RunPacket(*object, "polc_ingress", Packet("10.9.9.9", "10.1.0.1", 6, 444, 40000)) == kDrop);
    CHECK(RunPacket(*object, "polc_ingress", Packet("10.9.9.9", "10.1.0.1", 17, 443, 40000)) == kDrop);
    CHECK(object->Count(POLC_MAP_CT) == 1);
  }
  SECTION("a dropped request opens nothing") {
    CHECK(RunPacket(*object, "polc_egress", Packet("10.1.0.1", "11.0.0.1", 6, 40000, 443)) == kDrop);
    CHECK(RunPacket(*object, "polc_ingress", Packet("11.0.0.1", "10.1.0.1", 6, 443, 40000)) == kDrop);
    CHECK(object->Count(POLC_MAP_CT) == 0);
  }
  SECTION("the ICMP echo reply of an allowed echo request passes") {
    CHECK(RunPacket(*object, "polc_ingress", Packet("10.9.9.9", "10.1.0.1", 1, 0, 0, 0)) == kDrop);  // unsolicited
    CHECK(RunPacket(*object, "polc_egress", Packet("10.1.0.1", "10.9.9.9", 1, 0, 0, 8)) == kPass);
    CHECK(RunPacket(*object, "polc_ingress", Packet("10.9.9.9", "10.1.0.1", 1, 0, 0, 0)) == kPass);
  }
  SECTION("an entry at one endpoint's egress does not open the other endpoint's ingress") {
    auto packet = Packet("10.1.0.1", "10.1.0.2", 6, 40000, 6000);
    CHECK(RunPacket(*object, "polc_egress", packet) == kPass);
    CHECK(RunPacket(*object, "polc_ingress", packet) == kDrop);
  }
  SECTION("replies to a not-enforced direction's connections pass the enforced one") {
    // db's egress is not enforced; its connections are tracked, so the reply
    // passes db's enforced ingress.
    CHECK(RunPacket(*object, "polc_egress", Packet("10.1.0.2", "8.8.8.8", 17, 5353, 53)) == kPass);
    CHECK(RunPacket(*object, "polc_ingress", Packet("8.8.8.8", "10.1.0.2", 17, 53, 5353)) == kPass);
    CHECK(RunPacket(*object, "polc_ingress", Packet("8.8.8.8", "10.1.0.2", 17, 53, 5354)) == kDrop);
  }
}

TEST_CASE("Audit mode turns drops into audited passes with an event", "[kernel][codegen]") {
  if (!KERNEL_TESTS_CAN_RUN()) return;
  ir::Plan plan = SmallPlan();
  plan.endpoints[1].audit = true;
  std::unique_ptr<loader::LoadedObject> object = LoadPlan(plan);
  CHECK(RunPacket(*object, "polc_ingress", Packet("10.1.0.1", "10.1.0.2", 6, 40000, 22)) == kPass);
  std::vector<polc_event> events = object->TakeEvents();
  REQUIRE(events.size() == 1);
  CHECK(events[0].verdict == POLC_VERDICT_AUDIT);
  CHECK(events[0].reason == POLC_REASON_DENY_RULE);
  CHECK(events[0].rule == 5);
}

TEST_CASE("IPv6, SCTP and the L7 proxy mark in the kernel", "[kernel][codegen]") {
  if (!KERNEL_TESTS_CAN_RUN()) return;
  ir::Plan plan = SmallPlan();
  plan.endpoints[1].addresses.push_back(Address("fd00:10::2"));
  plan.prefixes.push_back({Address("fd00:10::"), 64, 300, 0, 0});
  plan.entries.push_back({2, ir::Direction::kIngress, 300, 6, 80, 80, false, true, 8});
  plan.entries.push_back({2, ir::Direction::kIngress, 300, 58, 128, 128, false, false, 9});
  plan.entries.push_back({2, ir::Direction::kIngress, 300, 132, 3868, 3868, false, false, 10});
  std::unique_ptr<loader::LoadedObject> object = LoadPlan(plan);
  CHECK(RunPacket(*object, "polc_ingress", Packet("fd00:10::7", "fd00:10::2", 6, 40000, 80)) == kPass);
  std::vector<polc_event> events = object->TakeEvents();
  REQUIRE(events.size() == 1);
  CHECK(events[0].rule == 8);
  CHECK(events[0].flags == POLC_EVENT_L7_PROXY);
  CHECK(events[0].family == POLC_FAMILY_IPV6);
  CHECK(RunPacket(*object, "polc_ingress", Packet("fd00:10::7", "fd00:10::2", 6, 40000, 81)) == kDrop);
  CHECK(RunPacket(*object, "polc_ingress", Packet("fd00:10::7", "fd00:10::2", 58, 0, 0, 128)) == kPass);
  CHECK(RunPacket(*object, "polc_ingress", Packet("fd00:10::7", "fd00:10::2", 58, 0, 0, 1)) == kDrop);
  CHECK(RunPacket(*object, "polc_ingress", Packet("fd00:10::7", "fd00:10::2", 132, 1, 3868)) == kPass);
  CHECK(RunPacket(*object, "polc_ingress", Packet("fd00:99::7", "fd00:10::2", 6, 40000, 80)) == kDrop);  // world
  // The IPv4 address of the same endpoint is still judged.
  CHECK(RunPacket(*object, "polc_ingress", Packet("10.1.0.1", "10.1.0.2", 6, 40000, 5432)) == kPass);
}

TEST_CASE("A program the kernel rejects gives the verifier log", "[kernel][codegen]") {
  if (!KERNEL_TESTS_CAN_RUN()) return;
  // Reads past the packet without a bounds check.
  const std::string source = R"(#include "polc_runtime.h"
SEC("tc")
int polc_egress(struct __sk_buff *skb)
{
	unsigned char *data = (void *)(long)skb->data;
	return data[100];
}
char _license[] SEC("license") = "GPL";
)";
  codegen::CompileResult compiled = codegen::CompileBpf(source);
  REQUIRE(compiled.ok);
  loader::LoadError error;
  CHECK(loader::LoadedObject::Load(compiled.object, error) == nullptr);
  CHECK(error.message.find("loading the object") != std::string::npos);
  CHECK(error.verifier_log.find("invalid access to packet") != std::string::npos);
}

}  // namespace
}  // namespace polc::testing
