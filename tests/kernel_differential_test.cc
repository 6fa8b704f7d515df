// Code generation exactness (issue 6): on random repositories
// (tests/random_policy.h, some endpoints dual-stack) and on the bundled
// examples, the generated program in the kernel gives, for every packet at
// both hooks, the verdict of verifier::EvaluatePlan on the same plan:
// pass/drop, and for each decision its event (verdict, drop reason, rule,
// remote identity, L7 mark). The conntrack map is emptied after every
// packet, since EvaluatePlan judges packets one at a time.
//
// Packets are drawn from the plan: endpoint addresses, prefix bounds and
// their neighbours, outside addresses; ports at every entry bound +-1 and
// at random; TCP, UDP, SCTP, ICMP, ICMPv6 and one protocol without ports.
//
// POLC_KERNEL_PLANS=N runs N random repositories (default 200, ~100k
// packets); POLC_KERNEL_SEED=S replays one.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <random>
#include <sstream>

#include "codegen-bpf/manifest.h"
#include "compiler/loader.h"
#include "tests/kernel_test_util.h"
#include "tests/plan_fixtures.h"
#include "tests/random_policy.h"
#include "tests/test_util.h"
#include "verifier/accepted_policies.h"
#include "verifier/datapath_plan.h"

namespace polc::testing {
namespace {

constexpr int kPacketsPerPlan = 500;

int EnvInt(const char* name, int fallback) {
  const char* value = std::getenv(name);
  return value == nullptr ? fallback : std::atoi(value);
}

class PacketSampler {
 public:
  PacketSampler(const ir::Plan& plan, std::mt19937& rng) : rng_(rng) {
    for (const ir::PlanEndpoint& e : plan.endpoints)
      for (const ir::PlanAddress& a : e.addresses) Add(a);
    for (const ir::PlanPrefix& p : plan.prefixes) {
      ir::PlanAddress first = p.address, last = p.address;
      int width = p.address.v6 ? 128 : 32;
      for (int bit = p.bits; bit < width; ++bit) last.bytes[static_cast<size_t>(bit / 8)] |= 0x80 >> (bit % 8);
      Add(first);
      Add(last);
      Add(Step(first, -1));
      Add(Step(last, +1));
      Add(Step(first, +1));
    }
    Add(Address("8.8.8.8"));
    Add(Address("172.31.255.1"));
    Add(Address("2001:db8:ffff::1"));
    for (const ir::PlanEntry& entry : plan.entries) {
      int first = entry.port_first, last = entry.port_last;
      for (int port : {first - 1, first, last, last + 1}) {
        if (port >= 0 && port <= 65535) ports_.push_back(static_cast<uint16_t>(port));
      }
    }
    ports_.insert(ports_.end(), {0, 53, 80, 443, 8080, 65535});
  }

  verifier::PlanPacket Next() {
    verifier::PlanPacket packet;
    bool v6 = addresses_[1].empty() ? false : addresses_[0].empty() ? true : Pick(3) == 0;
    const auto& pool = addresses_[v6 ? 1 : 0];
    packet.source = pool[Pick(pool.size())];
    packet.destination = pool[Pick(pool.size())];
    static const uint8_t kProtocols[] = {6, 6, 6, 17, 17, 132, 1, 58, 47};
    packet.protocol = kProtocols[Pick(std::size(kProtocols))];
    packet.source_port = Pick(4) == 0 ? ports_[Pick(ports_.size())] : static_cast<uint16_t>(1024 + Pick(60000));
    packet.destination_port = Pick(5) == 0 ? static_cast<uint16_t>(Pick(65536)) : ports_[Pick(ports_.size())];
    if (packet.protocol == 1 || packet.protocol == 58) {
      packet.icmp_type = static_cast<uint8_t>(Pick(3) == 0 ? Pick(256) : ports_[Pick(ports_.size())] & 0xff);
      packet.source_port = packet.destination_port = 0;
    }
    if (packet.protocol == 47) packet.source_port = packet.destination_port = 0;
    return packet;
  }

 private:
  size_t Pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  void Add(const ir::PlanAddress& a) { addresses_[a.v6 ? 1 : 0].push_back(a); }
  static ir::PlanAddress Step(ir::PlanAddress a, int delta) {
    int last = a.v6 ? 15 : 3;
    for (int i = last; i >= 0; --i) {
      uint8_t& b = a.bytes[static_cast<size_t>(i)];
      if (delta > 0 ? b++ != 0xff : b-- != 0) break;
    }
    return a;
  }
  std::mt19937& rng_;
  std::vector<ir::PlanAddress> addresses_[2];
  std::vector<uint16_t> ports_;
};

loader::PacketSpec Spec(const verifier::PlanPacket& p) {
  loader::PacketSpec spec;
  spec.v6 = p.source.v6;
  spec.source = p.source.bytes;
  spec.destination = p.destination.bytes;
  spec.protocol = p.protocol;
  spec.source_port = p.source_port;
  spec.destination_port = p.destination_port;
  spec.icmp_type = p.icmp_type;
  return spec;
}

std::string PacketText(const verifier::PlanPacket& p) {
  std::ostringstream out;
  out << codegen::AddressText(p.source) << ":" << p.source_port << " -> " << codegen::AddressText(p.destination) << ":"
      << p.destination_port << " proto " << int(p.protocol) << " icmp " << int(p.icmp_type);
  return out.str();
}

// The kernel's answer for one packet at one hook against EvaluatePlan's;
// empty when they agree.
std::string Compare(loader::LoadedObject& object, const ir::Plan& plan, const verifier::PlanPacket& packet,
                    ir::Direction direction) {
  const char* program = direction == ir::Direction::kEgress ? "polc_egress" : "polc_ingress";
  verifier::PlanVerdict want = verifier::EvaluatePlan(plan, packet, direction);
  loader::TestRunResult run = object.Run(program, loader::BuildPacket(Spec(packet)));
  std::string error;
  if (!object.Clear(POLC_MAP_CT, error)) return error;
  if (!run.ok) return run.error;
  std::vector<polc_event> events = object.TakeEvents();
  std::ostringstream why;
  bool pass = run.retval == 0;
  if (pass != want.allowed) why << "kernel " << (pass ? "passes" : "drops") << ", plan " << (want.allowed ? "allows" : "drops") << "; ";
  bool decided = want.reason != verifier::PlanDropReason::kNone || want.rule != 0;
  if (decided && events.size() != 1) why << events.size() << " events, want 1; ";
  if (!want.local && !events.empty()) why << "an event for a non-local packet; ";
  if (events.size() == 1) {
    const polc_event& e = events[0];
    int reason = want.reason == verifier::PlanDropReason::kDenyRule      ? POLC_REASON_DENY_RULE
                 : want.reason == verifier::PlanDropReason::kDefaultDeny ? POLC_REASON_DEFAULT_DENY
                                                                         : POLC_REASON_NONE;
    int verdict = want.audited ? POLC_VERDICT_AUDIT : want.allowed ? POLC_VERDICT_ALLOW : POLC_VERDICT_DROP;
    if (e.verdict != verdict) why << "event verdict " << int(e.verdict) << " want " << verdict << "; ";
    if (e.reason != reason) why << "event reason " << int(e.reason) << " want " << reason << "; ";
    if (e.rule != want.rule) why << "event rule " << e.rule << " want " << want.rule << "; ";
    if (e.endpoint != want.endpoint) why << "event endpoint " << e.endpoint << " want " << want.endpoint << "; ";
    if (e.remote_identity != want.remote_identity)
      why << "event identity " << e.remote_identity << " want " << want.remote_identity << "; ";
    if (((e.flags & POLC_EVENT_L7_PROXY) != 0) != want.needs_l7_proxy) why << "event L7 mark differs; ";
  }
  if (why.str().empty()) return "";
  return std::string(program) + " " + PacketText(packet) + ": " + why.str();
}

// Runs `packets` packets at both hooks; returns the number of disagreements
// (the first few are reported).
int RunDifferential(const ir::Plan& plan, std::mt19937& rng, int packets, const std::string& label) {
  std::unique_ptr<loader::LoadedObject> object = LoadPlan(plan);
  PacketSampler sampler(plan, rng);
  int failures = 0;
  for (int i = 0; i < packets; ++i) {
    verifier::PlanPacket packet = sampler.Next();
    for (ir::Direction direction : {ir::Direction::kEgress, ir::Direction::kIngress}) {
      std::string why = Compare(*object, plan, packet, direction);
      if (why.empty()) continue;
      if (++failures <= 3) FAIL_CHECK("DISAGREEMENT " << label << ": " << why);
    }
  }
  return failures;
}

TEST_CASE("Kernel verdicts equal EvaluatePlan on random repositories", "[kernel][codegen]") {
  if (!KERNEL_TESTS_CAN_RUN()) return;
  int plans = EnvInt("POLC_KERNEL_PLANS", 200);
  int only = EnvInt("POLC_KERNEL_SEED", -1);
  int total_packets = 0;
  int failures = 0;
  for (int seed = 1; seed <= plans; ++seed) {
    if (only >= 0 && seed != only) continue;
    verifier::test::RandomWorld w(static_cast<uint32_t>(seed));
    ir::Inventory inv = w.Inventory();
    ir::PolicySet set = w.Policies(inv);
    ir::Settings settings = w.RandomSettings(true);
    if (w.Chance(40)) {
      int i = 0;
      for (auto& e : inv.endpoints) e.ips.push_back("fd00:10::" + std::to_string(10 + i++));
    }
    ir::Plan plan = verifier::BuildDatapathPlan(set, inv, settings);
    std::mt19937 rng(static_cast<uint32_t>(seed));
    failures += RunDifferential(plan, rng, kPacketsPerPlan, "seed " + std::to_string(seed));
    total_packets += kPacketsPerPlan;
    if (failures > 20) break;
  }
  INFO(total_packets << " packets, each at both hooks");
  CHECK(failures == 0);
  CHECK(total_packets > 0);
}

TEST_CASE("Kernel verdicts equal EvaluatePlan on examples/zero-trust", "[kernel][codegen][examples]") {
  if (!KERNEL_TESTS_CAN_RUN()) return;
  compiler::LoadOptions options;
  compiler::LoadResult load = compiler::Load({SourceDir() + "/examples/zero-trust"}, options);
  ir::PolicySet accepted = verifier::AcceptedPolicies(load.policies, load.sink.diagnostics(), nullptr);
  REQUIRE_FALSE(accepted.policies.empty());
  // The example's workloads have no pod IPs; give each one, dual-stack, on
  // alternating nodes, so that every endpoint is local to the program.
  int i = 0;
  for (ir::Endpoint& e : load.inventory.endpoints) {
    if (e.ips.empty()) e.ips = {"10.244.7." + std::to_string(10 + i), "fd00:244::" + std::to_string(10 + i)};
    if (e.node.empty() && !load.inventory.nodes.empty())
      e.node = load.inventory.nodes[static_cast<size_t>(i) % load.inventory.nodes.size()].name;
    ++i;
  }
  ir::Plan plan = verifier::BuildDatapathPlan(accepted, load.inventory, options.settings);
  REQUIRE_FALSE(plan.endpoints.empty());
  REQUIRE_FALSE(plan.endpoints[0].addresses.empty());
  REQUIRE_FALSE(plan.entries.empty());
  std::mt19937 rng(42);
  CHECK(RunDifferential(plan, rng, 20000, "examples/zero-trust") == 0);

  // Per node, as `polc build --node` builds it.
  for (const ir::Node& node : load.inventory.nodes) {
    verifier::PlanOptions per_node;
    per_node.node = node.name;
    ir::Plan node_plan = verifier::BuildDatapathPlan(accepted, load.inventory, options.settings, per_node);
    CHECK(RunDifferential(node_plan, rng, 2000, "examples/zero-trust node " + node.name) == 0);
  }
}

}  // namespace
}  // namespace polc::testing
