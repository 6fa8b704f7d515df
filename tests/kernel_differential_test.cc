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
// packets); POLC_KERNEL_SEED=S replays one. Random plans made directly from
// the contract (port ranges, nested prefixes, protocol-0 entries) test the
// code generation alone: POLC_KERNEL_RANDOM_PLANS=N (default 100).
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

// A random plan straight from the contract, without the plan builder:
// nested IPv4/IPv6 prefixes (some of a node, with a local identity),
// endpoints with random enforcement, default deny and audit, and per
// (endpoint, direction, identity) disjoint random port ranges per protocol,
// allow, deny or L7, with random rule ids; where a protocol-0 entry exists,
// the protocols listed beside it cover every port (the contract's rule).
ir::Plan RandomPlan(std::mt19937& rng) {
  auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
  ir::Plan plan;
  plan.nodes = {"node-1", "node-2"};
  std::vector<uint32_t> identities = {ir::kHostIdentity, ir::kWorldIdentity, ir::kRemoteNodeIdentity, 256, 257, 258};
  const char* kBases[] = {"10.0.0.0", "10.1.0.0", "10.1.2.0", "192.168.1.11", "fd00::", "fd00:1::", "fd00:1::5"};
  const int kBits[] = {8, 16, 24, 32, 16, 32, 128};
  for (int i = 0; i < 7; ++i) {
    if (pick(4) == 0) continue;
    ir::PlanPrefix prefix{Address(kBases[i]), kBits[i], ir::kFirstCidrIdentity + static_cast<uint32_t>(i), 0, 0};
    if (i == 3 || i == 6) {
      prefix.identity = ir::kRemoteNodeIdentity;
      prefix.node = static_cast<uint32_t>(1 + pick(2));
      prefix.local_identity = ir::kHostIdentity;
    }
    plan.prefixes.push_back(prefix);
    identities.push_back(prefix.identity);
  }
  int endpoints = 1 + pick(4);
  for (int e = 0; e < endpoints; ++e) {
    ir::PlanEndpoint endpoint;
    endpoint.id = static_cast<uint32_t>(e + 1);
    endpoint.name = "ep" + std::to_string(e);
    endpoint.identity = 256 + static_cast<uint32_t>(pick(3));
    endpoint.node = static_cast<uint32_t>(pick(3));
    endpoint.addresses.push_back(Address("10.1.2." + std::to_string(10 + e)));
    if (pick(2) == 0) endpoint.addresses.push_back(Address("fd00:1::" + std::to_string(10 + e)));
    endpoint.ingress = {pick(5) != 0, pick(4) != 0};
    endpoint.egress = {pick(5) != 0, pick(4) != 0};
    endpoint.audit = pick(8) == 0;
    plan.endpoints.push_back(endpoint);
  }
  for (uint32_t rule = 1; rule <= 12; ++rule) plan.rules.push_back({rule, "p", "p rule", {}, false});
  const uint8_t kProtocols[] = {1, 6, 17, 58, 132};
  for (const ir::PlanEndpoint& endpoint : plan.endpoints) {
    for (ir::Direction direction : {ir::Direction::kIngress, ir::Direction::kEgress}) {
      std::vector<uint32_t> remotes = {ir::kAnyIdentity};
      for (uint32_t id : identities)
        if (pick(3) == 0) remotes.push_back(id);
      std::sort(remotes.begin(), remotes.end());
      remotes.erase(std::unique(remotes.begin(), remotes.end()), remotes.end());
      for (uint32_t remote : remotes) {
        auto entry = [&](uint8_t protocol, int first, int last) {
          ir::PlanEntry out{endpoint.id, direction, remote, protocol, static_cast<uint16_t>(first),
                            static_cast<uint16_t>(last)};
          int kind = pick(6);
          out.deny = kind == 0;
          out.needs_l7_proxy = kind == 1;
          out.rule = static_cast<uint32_t>(1 + pick(12));
          plan.entries.push_back(out);
        };
        bool any = pick(4) == 0;
        if (any) entry(0, 0, 65535);
        for (uint8_t protocol : kProtocols) {
          if (pick(2) == 0) continue;
          int max = protocol == 1 || protocol == 58 ? 255 : 65535;
          std::vector<int> cuts = {0, max + 1};
          for (int i = pick(5); i > 0; --i) cuts.push_back(pick(max + 1));
          std::sort(cuts.begin(), cuts.end());
          cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
          for (size_t i = 0; i + 1 < cuts.size(); ++i) {
            if (any || pick(2) == 0) entry(protocol, cuts[i], i + 2 == cuts.size() && any ? 65535 : cuts[i + 1] - 1);
          }
        }
      }
    }
  }
  std::sort(plan.entries.begin(), plan.entries.end(), [](const ir::PlanEntry& a, const ir::PlanEntry& b) {
    return std::tie(a.endpoint, a.direction, a.remote_identity, a.protocol, a.port_first) <
           std::tie(b.endpoint, b.direction, b.remote_identity, b.protocol, b.port_first);
  });
  return plan;
}

TEST_CASE("Kernel verdicts equal EvaluatePlan on random plans", "[kernel][codegen]") {
  if (!KERNEL_TESTS_CAN_RUN()) return;
  int plans = EnvInt("POLC_KERNEL_RANDOM_PLANS", 100);
  int failures = 0;
  for (int seed = 1; seed <= plans && failures <= 20; ++seed) {
    std::mt19937 rng(static_cast<uint32_t>(seed) * 7919u);
    ir::Plan plan = RandomPlan(rng);
    failures += RunDifferential(plan, rng, 300, "random plan " + std::to_string(seed));
  }
  CHECK(failures == 0);
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
