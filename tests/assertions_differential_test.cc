// Issue 5 section 1: user-written assertions (verifier/assertions*.cc, BDDs
// over two pod blocks) against brute force. For random small policy sets
// (tests/random_policy.h) and random statements (namespaces by name or by
// namespaceSelector), every pod of the source and destination namespaces (each key: every vocabulary value, one
// unmentioned value, absent), every port that bounds a class of the
// generator's port vocabulary and every address of the statement's small
// CIDRs is judged by the reference evaluator. allow/deny statements must
// agree exactly. For `only`, whose destinations (every address, every name)
// brute force can only sample, a failure brute force finds must be found,
// and every counterexample must be replayed as an allowed flow to an
// unlisted destination. Replay one case with POLC_ASSERTIONS_SEED.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <set>
#include <string>

#include "tests/random_policy.h"
#include "verifier/assertions.h"
#include "verifier/identity.h"
#include "verifier/ip_prefix.h"

namespace polc::verifier {
namespace {

std::vector<ir::LabelsPeer> AllPods(const std::string& ns) {
  std::vector<std::string> apps = test::RandomWorld::kApps;
  std::vector<std::string> tiers = test::RandomWorld::kTiers;
  apps.insert(apps.end(), {"zz-unmentioned", ""});
  tiers.insert(tiers.end(), {"zz-unmentioned", ""});
  std::vector<ir::LabelsPeer> out;
  for (const auto& app : apps) {
    for (const auto& tier : tiers) {
      ir::LabelsPeer pod;
      pod.namespace_ = ns;
      if (!app.empty()) pod.labels["app"] = app;
      if (!tier.empty()) pod.labels["tier"] = tier;
      out.push_back(pod);
    }
  }
  return out;
}

// Every port where some port set of the generator (80, 8080, 53, 9090,
// 3868, 8000-8100, named ports that abstract pods never declare) changes,
// and its neighbours: one member of every class.
const std::vector<uint16_t> kPorts = {1,    52,   53,   54,   79,   80,   81,   3867, 3868, 3869,  7999, 8000,
                                      8001, 8079, 8080, 8081, 8099, 8100, 8101, 9089, 9090, 9091, 65535};
const std::vector<std::string> kStatementCidrs = {"1.1.1.0/30", "192.168.1.8/29", "8.8.8.8/32", "10.0.1.8/30"};
const std::vector<std::string> kEntities = {"world", "host", "kube-apiserver", "remote-node"};

// A Kubernetes label selector on a pod's labels (keys "app", "k8s:app", "tier").
bool SelectorMatches(const ir::LabelSelector& s, const std::map<std::string, std::string>& labels) {
  for (const auto& m : s.match_labels) {
    auto it = labels.find(m.key.name);
    if (it == labels.end() || it->second != m.value) return false;
  }
  for (const auto& r : s.match_expressions) {
    auto it = labels.find(r.key.name);
    bool in = it != labels.end() && std::find(r.values.begin(), r.values.end(), it->second) != r.values.end();
    switch (r.op) {
      case ir::SelectorOperator::kIn: if (!in) return false; break;
      case ir::SelectorOperator::kNotIn: if (in) return false; break;
      case ir::SelectorOperator::kExists: if (it == labels.end()) return false; break;
      case ir::SelectorOperator::kDoesNotExist: if (it != labels.end()) return false; break;
    }
  }
  return true;
}

std::vector<std::string> NamespacesOf(const ir::PodSetSpec& pods, const ir::Inventory& inventory) {
  if (!pods.namespace_selector) return {pods.namespace_};
  std::vector<std::string> out;
  for (const auto& ns : inventory.namespaces) {
    if (SelectorMatches(*pods.namespace_selector, ns.labels)) out.push_back(ns.name);
  }
  return out;
}

// Every pod of the source set, over all its namespaces.
std::vector<ir::LabelsPeer> SourcePods(const ir::PodSetSpec& from, const ir::Inventory& inventory) {
  std::vector<ir::LabelsPeer> out;
  for (const auto& ns : NamespacesOf(from, inventory)) {
    for (const auto& pod : AllPods(ns)) {
      if (SelectorMatches(from.pod_selector, pod.labels)) out.push_back(pod);
    }
  }
  return out;
}

bool InPodSet(const ir::PodSetSpec& pods, const ir::LabelsPeer& pod, const ir::Inventory& inventory) {
  std::vector<std::string> namespaces = NamespacesOf(pods, inventory);
  return std::find(namespaces.begin(), namespaces.end(), pod.namespace_) != namespaces.end() &&
         SelectorMatches(pods.pod_selector, pod.labels);
}

// kPorts plus the bounds of the statement's own ranges, so a range that
// cuts a class is tried on both sides of the cut.
std::vector<uint16_t> BrutePorts(const std::vector<ir::AssertionPort>& ports) {
  std::set<uint16_t> out(kPorts.begin(), kPorts.end());
  for (const auto& p : ports) {
    if (p.port == 0) continue;
    out.insert(p.port);
    out.insert(std::max(p.port, p.end_port));
  }
  return {out.begin(), out.end()};
}

bool PortIn(const std::vector<ir::AssertionPort>& ports, ir::Protocol protocol, uint16_t port) {
  if (ports.empty()) return true;
  for (const auto& p : ports) {
    if (p.protocol != ir::Protocol::kAny && p.protocol != protocol) continue;
    if (p.port == 0 || (port >= p.port && port <= std::max(p.port, p.end_port))) return true;
  }
  return false;
}

std::vector<std::string> Addresses(const std::string& cidr) {
  auto prefix = ParseIpPrefix(cidr);
  REQUIRE(prefix);
  uint32_t base = (uint32_t{prefix->address.bytes[0]} << 24) | (uint32_t{prefix->address.bytes[1]} << 16) |
                  (uint32_t{prefix->address.bytes[2]} << 8) | prefix->address.bytes[3];
  std::vector<std::string> out;
  for (uint32_t i = 0; i < (uint32_t{1} << (32 - prefix->bits)); ++i) {
    uint32_t a = base + i;
    out.push_back(std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 255) + "." +
                  std::to_string((a >> 8) & 255) + "." + std::to_string(a & 255));
  }
  return out;
}

bool InCidrs(const std::vector<std::string>& cidrs, const std::string& address) {
  auto ip = ParseIpAddress(address);
  return ip && std::any_of(cidrs.begin(), cidrs.end(), [&](const std::string& c) {
           auto p = ParseIpPrefix(c);
           return p && p->Contains(*ip);
         });
}

// Random statements over the generator's vocabulary.
struct StatementMaker {
  test::RandomWorld& world;
  const ir::Inventory& inventory;

  ir::PodSetSpec Pods() {
    ir::PodSetSpec pods;
    if (world.Chance(30)) {
      pods.namespace_selector = ir::LabelSelector{};
      pods.namespace_selector->match_labels.push_back({ir::ParseLabelKey("team"), world.Chance(50) ? "a" : "b", {}});
    } else {
      pods.namespace_ = world.OneOf(inventory.namespaces).name;
    }
    pods.pod_selector = world.Selector(false);
    return pods;
  }
  std::vector<ir::AssertionPort> Ports() {
    std::vector<ir::AssertionPort> out;
    if (world.Chance(20)) return out;  // any port
    int n = 1 + world.Pick(2);
    for (int i = 0; i < n; ++i) {
      ir::AssertionPort p;
      p.protocol = world.OneOf(std::vector<ir::Protocol>{ir::Protocol::kTcp, ir::Protocol::kUdp, ir::Protocol::kAny});
      p.port = world.OneOf(std::vector<uint16_t>{53, 80, 8080, 8050, 9090, 1});
      if (world.Chance(20)) p.end_port = static_cast<uint16_t>(p.port + world.OneOf(std::vector<uint16_t>{1, 60, 100}));
      out.push_back(p);
    }
    return out;
  }
  ir::PeerSetSpec Peers() {
    ir::PeerSetSpec to;
    if (world.Chance(65)) {
      to.pods = Pods();
    } else if (world.Chance(50)) {
      to.entities.push_back(world.OneOf(kEntities));
    } else {
      to.cidrs.push_back(world.OneOf(kStatementCidrs));
    }
    return to;
  }
  ir::Assertion Make(int index) {
    ir::Assertion a;
    a.name = "s" + std::to_string(index);
    a.from = Pods();
    int kind = world.Pick(10);
    if (kind < 7) {
      a.expect = kind < 4 ? ir::AssertionExpect::kDeny : ir::AssertionExpect::kAllow;
      a.to = Peers();
      a.ports = Ports();
    } else {
      a.expect = ir::AssertionExpect::kOnly;
      int n = world.Pick(3);
      for (int i = 0; i < n; ++i) a.only.push_back(ir::AllowedPeer{Peers(), Ports(), {}});
    }
    return a;
  }
};

std::vector<ir::Protocol> ProtocolsOf(const std::vector<ir::AssertionPort>& ports) {
  bool any = ports.empty();
  std::set<ir::Protocol> out;
  for (const auto& p : ports) {
    if (p.protocol == ir::Protocol::kAny) any = true;
    out.insert(p.protocol);
  }
  if (any) return {ir::Protocol::kTcp, ir::Protocol::kUdp, ir::Protocol::kSctp};
  return {out.begin(), out.end()};
}

Flow MakeFlow(ir::FlowPeer from, ir::FlowPeer to, ir::Protocol protocol, uint16_t port) {
  Flow flow;
  flow.source = std::move(from);
  flow.destination = std::move(to);
  flow.protocol = protocol;
  flow.port = std::to_string(port);
  return flow;
}

bool Allowed(const FlowResult& r) { return r.verdict != Verdict::kDeny; }

// The non-pod destinations of `to` that brute force tries: the entities,
// and every world address of the CIDRs (an inventory pod's or node's
// address is that pod or node, as in toCIDR).
std::vector<ir::FlowPeer> PeerDestinations(const ir::PeerSetSpec& to, const ir::Inventory& inventory,
                                           const ir::Settings& settings) {
  std::vector<ir::FlowPeer> out;
  for (const auto& e : to.entities) out.push_back(ir::EntityPeer{e});
  for (const auto& c : to.cidrs) {
    for (const auto& ip : Addresses(c)) {
      if (ResolvePeer(ir::IpPeer{ip}, "", inventory, settings).self.kind == IdentityKind::kWorld) {
        out.push_back(ir::IpPeer{ip});
      }
    }
  }
  return out;
}

// allow/deny by brute force: does some flow contradict the statement?
bool BruteFails(const Evaluator& evaluator, const ir::Inventory& inventory, const ir::Settings& settings,
                const ir::Assertion& a) {
  const bool want_allow = a.expect == ir::AssertionExpect::kAllow;
  std::vector<ir::FlowPeer> destinations;
  if (a.to.pods) {
    for (const auto& ns : NamespacesOf(*a.to.pods, inventory)) {
      for (const auto& pod : AllPods(ns)) {
        if (SelectorMatches(a.to.pods->pod_selector, pod.labels)) destinations.push_back(pod);
      }
    }
  } else {
    destinations = PeerDestinations(a.to, inventory, settings);
  }
  const std::vector<uint16_t> ports = BrutePorts(a.ports);
  for (const auto& src : SourcePods(a.from, inventory)) {
    for (const auto& dst : destinations) {
      for (ir::Protocol protocol : ProtocolsOf(a.ports)) {
        for (uint16_t port : ports) {
          if (!PortIn(a.ports, protocol, port)) continue;
          if (Allowed(evaluator.Evaluate(MakeFlow(src, dst, protocol, port))) != want_allow) return true;
        }
      }
    }
  }
  return false;
}

// Whether `only` lists the flow's destination and port.
bool Listed(const ir::Assertion& a, const Flow& flow, const ir::Inventory& inventory) {
  uint16_t port = static_cast<uint16_t>(std::stoi(flow.port));
  for (const auto& allowed : a.only) {
    if (!PortIn(allowed.ports, flow.protocol, port)) continue;
    if (flow.protocol != ir::Protocol::kTcp && flow.protocol != ir::Protocol::kUdp &&
        flow.protocol != ir::Protocol::kSctp) {
      continue;
    }
    if (const auto* pod = std::get_if<ir::LabelsPeer>(&flow.destination)) {
      if (allowed.to.pods && InPodSet(*allowed.to.pods, *pod, inventory)) return true;
    } else if (const auto* e = std::get_if<ir::EntityPeer>(&flow.destination)) {
      if (std::find(allowed.to.entities.begin(), allowed.to.entities.end(), e->name) != allowed.to.entities.end())
        return true;
    } else if (const auto* ip = std::get_if<ir::IpPeer>(&flow.destination)) {
      if (InCidrs(allowed.to.cidrs, ip->address)) return true;
    } else if (std::holds_alternative<ir::NodePeer>(flow.destination)) {
      // A pod without a node sees every node as its local host.
      if (std::find(allowed.to.entities.begin(), allowed.to.entities.end(), "host") != allowed.to.entities.end())
        return true;
    }
  }
  return false;
}

// `only` by brute force over a sample of destinations: every pod of every
// inventory namespace, the entities, a few addresses.
bool BruteOnlyFails(const Evaluator& evaluator, const ir::Inventory& inventory, const ir::Assertion& a) {
  std::vector<ir::FlowPeer> destinations;
  for (const auto& ns : inventory.namespaces) {
    for (const auto& pod : AllPods(ns.name)) destinations.push_back(pod);
  }
  for (const auto& e : kEntities) destinations.push_back(ir::EntityPeer{e});
  for (const auto& node : inventory.nodes) destinations.push_back(ir::NodePeer{node.name});
  for (const char* ip : {"1.1.1.1", "1.1.0.5", "8.8.8.8", "8.8.8.9", "10.1.2.3", "192.168.1.9", "192.168.2.1",
                         "11.0.0.1", "0.0.0.1"}) {
    destinations.push_back(ir::IpPeer{ip});
  }
  std::vector<ir::AssertionPort> listed;
  for (const auto& allowed : a.only) listed.insert(listed.end(), allowed.ports.begin(), allowed.ports.end());
  const std::vector<uint16_t> ports = BrutePorts(listed);
  for (const auto& src : SourcePods(a.from, inventory)) {
    for (const auto& dst : destinations) {
      for (ir::Protocol protocol : {ir::Protocol::kTcp, ir::Protocol::kUdp, ir::Protocol::kSctp}) {
        for (uint16_t port : ports) {
          Flow flow = MakeFlow(src, dst, protocol, port);
          if (Listed(a, flow, inventory)) continue;
          if (Allowed(evaluator.Evaluate(flow))) return true;
        }
      }
    }
  }
  return false;
}

// The counterexample contradicts the statement when replayed.
bool ReplayContradicts(const PropertyResult& r, const ir::Assertion& a, const ir::Inventory& inventory) {
  if (!r.counterexample || r.counterexample->replay.error) return false;
  const Flow& flow = r.counterexample->flow;
  const auto* src = std::get_if<ir::LabelsPeer>(&flow.source);
  if (src == nullptr || !InPodSet(a.from, *src, inventory)) return false;
  bool allowed = Allowed(r.counterexample->replay);
  switch (a.expect) {
    case ir::AssertionExpect::kAllow: return !allowed;
    case ir::AssertionExpect::kDeny: return allowed;
    case ir::AssertionExpect::kOnly: return allowed && !Listed(a, flow, inventory);
  }
  return false;
}

TEST_CASE("assertions agree with brute force over every pod and flow on random policy sets (issue 5 section 1)",
          "[assertions-differential]") {
  uint32_t first = 1;
  int cases = 2000;
#ifdef __SANITIZE_ADDRESS__
  cases = 300;
#endif
  if (const char* seed = std::getenv("POLC_ASSERTIONS_SEED")) {
    first = static_cast<uint32_t>(std::stoul(seed));
    cases = 1;
  }
  std::map<ir::AssertionExpect, std::pair<int, int>> outcomes;  // fails, holds
  int only_beyond_sample = 0;
  for (uint32_t seed = first; seed < first + static_cast<uint32_t>(cases); ++seed) {
    test::RandomWorld world(seed);
    ir::Inventory inventory = world.Inventory();
    ir::PolicySet policies = world.Policies(inventory);
    ir::Settings settings = world.RandomSettings(false);
    StatementMaker maker{world, inventory};
    ir::PropertySet set;
    set.name = "random";
    set.assertions.push_back(maker.Make(0));
    INFO("seed " << seed << "\n" << test::PolicyText(policies));

    std::vector<PropertyResult> results = VerifyAssertions(policies, inventory, settings, {set});
    REQUIRE(results.size() == 1);
    const PropertyResult& r = results[0];
    const ir::Assertion& a = set.assertions[0];
    INFO(r.scope << ": " << r.summary);
    Evaluator evaluator(policies, inventory, settings);
    bool fails = r.verdict == PropertyVerdict::kFails;
    if (r.verdict == PropertyVerdict::kNotApplicable) continue;
    if (fails) {
      INFO("replay: " << test::FlowText(r.counterexample->flow) << "\n" << test::ResultText(r.counterexample->replay));
      CHECK(ReplayContradicts(r, a, inventory));
      ++outcomes[a.expect].first;
    } else {
      CHECK(!r.counterexample);
      ++outcomes[a.expect].second;
    }
    if (a.expect == ir::AssertionExpect::kOnly) {
      bool brute = BruteOnlyFails(evaluator, inventory, a);
      if (brute) CHECK(fails);
      if (fails && !brute) ++only_beyond_sample;
    } else {
      CHECK(fails == BruteFails(evaluator, inventory, settings, a));
    }
  }
  if (cases > 1) {
    for (auto expect : {ir::AssertionExpect::kAllow, ir::AssertionExpect::kDeny, ir::AssertionExpect::kOnly}) {
      INFO(static_cast<int>(expect) << ": " << outcomes[expect].first << " fail, " << outcomes[expect].second
                                    << " hold; only failures beyond the sample: " << only_beyond_sample);
      CHECK(outcomes[expect].first > 0);
      CHECK(outcomes[expect].second > 0);
    }
  }
}

}  // namespace
}  // namespace polc::verifier
