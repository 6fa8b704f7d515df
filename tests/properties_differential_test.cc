// Issue 5 section 4: the symbolic properties (verifier/properties*.cc, BDDs
// over the pod abstraction) against brute force. For random small policy
// sets (tests/random_policy.h: pod label keys app and tier, no service
// account selectors) every pod of a namespace is enumerated independently of
// the abstraction (each key: every vocabulary value, one unmentioned value,
// absent) and judged by the reference evaluator with LabelsPeer flows; the
// property verdicts must agree, and every counterexample is replayed and
// must show the failure. Replay one case with POLC_PROPERTIES_SEED.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <set>
#include <string>

#include "tests/random_policy.h"
#include "verifier/ip_prefix.h"
#include "verifier/properties.h"

namespace polc::verifier {
namespace {

std::vector<ir::LabelsPeer> AllPods(const std::string& ns) {
  std::vector<std::string> apps = test::RandomWorld::kApps;
  std::vector<std::string> tiers = test::RandomWorld::kTiers;
  apps.push_back("zz-unmentioned");
  apps.push_back("");  // absent
  tiers.push_back("zz-unmentioned");
  tiers.push_back("");
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

Flow MakeFlow(ir::FlowPeer from, ir::FlowPeer to, ir::Protocol protocol, std::string port) {
  Flow flow;
  flow.source = std::move(from);
  flow.destination = std::move(to);
  flow.protocol = protocol;
  flow.port = std::move(port);
  return flow;
}

struct Expected {
  std::map<std::string, bool> fails;  // by property + scope
};

// The verdicts by brute force over every pod.
Expected BruteForce(const Evaluator& evaluator, const std::vector<std::string>& scope, const ir::VerifyConfig& config,
                    const ir::FlowPeer& dns) {
  Expected out;
  for (const auto& ns : scope) {
    bool ingress_open = false, egress_open = false, dns_fails = false;
    for (const auto& pod : AllPods(ns)) {
      FlowResult in = evaluator.Evaluate(MakeFlow(ir::EntityPeer{"world"}, pod, ir::Protocol::kTcp, "80"));
      FlowResult eg = evaluator.Evaluate(MakeFlow(pod, ir::EntityPeer{"world"}, ir::Protocol::kTcp, "80"));
      ingress_open |= !(in.ingress.enforced && in.ingress.default_deny);
      egress_open |= !(eg.egress.enforced && eg.egress.default_deny);
      if (eg.egress.enforced) {
        for (ir::Protocol p : {ir::Protocol::kUdp, ir::Protocol::kTcp}) {
          dns_fails |= evaluator.Evaluate(MakeFlow(pod, dns, p, "53")).verdict == Verdict::kDeny;
        }
      }
    }
    out.fails["default-deny|namespace " + ns + ", ingress"] = ingress_open;
    out.fails["default-deny|namespace " + ns + ", egress"] = egress_open;
    out.fails["dns|namespace " + ns] = dns_fails;
  }
  for (const auto& ns : config.apiserver_namespaces) {
    bool fails = false;
    for (const auto& pod : AllPods(ns)) {
      bool reaches = false;
      for (uint16_t port : config.apiserver_ports) {
        reaches |= evaluator.Evaluate(MakeFlow(pod, ir::EntityPeer{"kube-apiserver"}, ir::Protocol::kTcp,
                                               std::to_string(port)))
                       .verdict != Verdict::kDeny;
      }
      fails |= !reaches;
    }
    out.fails["apiserver|namespace " + ns] = fails;
  }
  return out;
}

// host-lockout by brute force: the default flows from every other node,
// every pod of every namespace (cluster) and every address of the admin
// CIDRs (kept small).
void BruteForceHosts(const Evaluator& evaluator, const ir::Inventory& inventory, const std::vector<std::string>& scope,
                     const ir::VerifyConfig& config, Expected& out) {
  std::set<std::string> namespaces(scope.begin(), scope.end());
  for (const auto& ns : inventory.namespaces) namespaces.insert(ns.name);
  for (const auto& node : inventory.nodes) {
    bool fails = false;
    auto refused = [&](ir::FlowPeer from, ir::Protocol protocol, uint16_t port) {
      Flow flow = MakeFlow(std::move(from), ir::NodePeer{node.name}, protocol, std::to_string(port));
      return evaluator.Evaluate(flow).ingress.verdict == Verdict::kDeny;  // the node's own ingress
    };
    for (const auto& other : inventory.nodes) {
      if (other.name == node.name) continue;
      for (auto [protocol, port] : std::vector<std::pair<ir::Protocol, uint16_t>>{
               {ir::Protocol::kTcp, 6443}, {ir::Protocol::kTcp, 10250}, {ir::Protocol::kTcp, 4240},
               {ir::Protocol::kTcp, 4244}, {ir::Protocol::kUdp, 8472}}) {
        fails |= refused(ir::NodePeer{other.name}, protocol, port);
      }
    }
    for (const auto& ns : namespaces) {
      for (const auto& pod : AllPods(ns)) {
        fails |= refused(pod, ir::Protocol::kTcp, 6443) || refused(pod, ir::Protocol::kTcp, 10250);
      }
    }
    for (const auto& cidr : config.admin_cidrs) {
      auto prefix = ParseIpPrefix(cidr);
      REQUIRE(prefix);
      uint32_t base = (uint32_t{prefix->address.bytes[0]} << 24) | (uint32_t{prefix->address.bytes[1]} << 16) |
                      (uint32_t{prefix->address.bytes[2]} << 8) | prefix->address.bytes[3];
      for (uint32_t i = 0; i < (uint32_t{1} << (32 - prefix->bits)); ++i) {
        uint32_t a = base + i;
        std::string ip = std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 255) + "." +
                         std::to_string((a >> 8) & 255) + "." + std::to_string(a & 255);
        fails |= refused(ir::IpPeer{ip}, ir::Protocol::kTcp, 22);
      }
    }
    out.fails["host-lockout|node " + node.name] = fails;
  }
}

// The counterexample shows the failure when replayed.
bool ReplayShowsFailure(const PropertyResult& r) {
  if (!r.counterexample) return false;
  const FlowResult& replay = r.counterexample->replay;
  if (replay.error) return false;
  if (r.property == "default-deny") {
    const DirectionResult& side = r.scope.ends_with("ingress") ? replay.ingress : replay.egress;
    return !(side.enforced && side.default_deny);
  }
  if (r.property == "dns") return replay.verdict == Verdict::kDeny && replay.egress.enforced;
  if (r.property == "host-lockout") return replay.ingress.verdict == Verdict::kDeny;
  return replay.verdict == Verdict::kDeny;
}

TEST_CASE("properties agree with brute force over every pod on random policy sets (issue 5 section 4)",
          "[properties-differential]") {
  uint32_t first = 1;
  int cases = 3000;
#ifdef __SANITIZE_ADDRESS__
  cases = 400;
#endif
  if (const char* seed = std::getenv("POLC_PROPERTIES_SEED")) {
    first = static_cast<uint32_t>(std::stoul(seed));
    cases = 1;
  }
  std::map<std::string, std::pair<int, int>> outcomes;  // property: fails, holds
  for (uint32_t seed = first; seed < first + static_cast<uint32_t>(cases); ++seed) {
    test::RandomWorld world(seed);
    ir::Inventory inventory = world.Inventory();
    ir::PolicySet policies = world.Policies(inventory);
    ir::Settings settings = world.RandomSettings(false);
    if (world.Chance(5)) settings.enforcement = ir::EnforcementMode::kNever;
    // Host policies: some clusterwide rules select nodes instead (2.2).
    settings.host_firewall = world.Chance(60);
    for (auto& policy : policies.policies) {
      if (policy.kind != ir::PolicyKind::kCiliumClusterwideNetworkPolicy) continue;
      for (auto& rule : policy.rules) {
        if (!world.Chance(50)) continue;
        rule.node_selector = world.Chance(50) ? ir::LabelSelector{} : rule.endpoint_selector;
        if (rule.node_selector && world.Chance(50)) {
          rule.node_selector->match_labels = {{ir::ParseLabelKey("zone"), world.Chance(50) ? "z1" : "z2", {}}};
          rule.node_selector->match_expressions.clear();
        }
        rule.endpoint_selector.reset();
      }
    }
    ir::VerifyConfig config;
    config.admin_cidrs = {world.Chance(50) ? "192.168.1.8/29" : "1.1.1.0/30"};
    config.extra_namespaces = {inventory.namespaces.front().name};
    if (world.Chance(50)) {
      // A DNS server among the inventory's pods, so its own ingress matters.
      config.dns_namespace = inventory.endpoints.front().namespace_;
      config.dns_labels = {{"app", inventory.endpoints.front().labels.at("app")}};
    }
    for (const auto& ns : inventory.namespaces) {
      if (world.Chance(50)) config.apiserver_namespaces.push_back(ns.name);
    }
    INFO("seed " << seed << "\n" << test::PolicyText(policies));

    std::vector<PropertyResult> results = VerifyProperties(policies, inventory, settings, config);
    Evaluator evaluator(policies, inventory, settings);
    // The DNS server as the verifier picks it.
    ir::FlowPeer dns = ir::LabelsPeer{config.dns_namespace, config.dns_labels, "default"};
    for (const auto& e : inventory.endpoints) {
      bool all = e.namespace_ == config.dns_namespace;
      for (const auto& [k, v] : config.dns_labels) all = all && e.labels.contains(k) && e.labels.at(k) == v;
      if (all) {
        dns = ir::EndpointPeer{e.namespace_, e.name};
        break;
      }
    }
    Expected expected = BruteForce(evaluator, PropertyScope(policies, config), config, dns);
    BruteForceHosts(evaluator, inventory, PropertyScope(policies, config), config, expected);
    size_t checked = 0;
    for (const auto& r : results) {
      if (r.verdict == PropertyVerdict::kNotApplicable) {
        CHECK(config.apiserver_namespaces.empty());
        continue;
      }
      std::string id = r.property + "|" + r.scope;
      INFO(id << ": " << r.summary);
      REQUIRE(expected.fails.contains(id));
      ++checked;
      bool fails = r.verdict == PropertyVerdict::kFails;
      CHECK(fails == expected.fails[id]);
      if (fails) {
        ++outcomes[r.property].first;
        if (r.counterexample) INFO("replay: " << test::FlowText(r.counterexample->flow));
        CHECK(ReplayShowsFailure(r));
      } else {
        ++outcomes[r.property].second;
        CHECK(!r.counterexample);
      }
    }
    CHECK(checked == expected.fails.size());
  }
  // The generator must exercise both outcomes of every property.
  if (cases > 1) {
    for (const char* property : {"default-deny", "dns", "apiserver", "host-lockout"}) {
      INFO(property << ": " << outcomes[property].first << " fail, " << outcomes[property].second << " hold");
      CHECK(outcomes[property].first > 0);
      CHECK(outcomes[property].second > 0);
    }
  }
}

}  // namespace
}  // namespace polc::verifier
