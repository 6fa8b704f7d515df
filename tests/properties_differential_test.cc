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
#include <string>

#include "tests/random_policy.h"
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
  int failing = 0, holding = 0;
  for (uint32_t seed = first; seed < first + static_cast<uint32_t>(cases); ++seed) {
    test::RandomWorld world(seed);
    ir::Inventory inventory = world.Inventory();
    ir::PolicySet policies = world.Policies(inventory);
    ir::Settings settings = world.RandomSettings(false);
    if (world.Chance(5)) settings.enforcement = ir::EnforcementMode::kNever;
    ir::VerifyConfig config;
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
        ++failing;
        if (r.counterexample) INFO("replay: " << test::FlowText(r.counterexample->flow));
        CHECK(ReplayShowsFailure(r));
      } else {
        ++holding;
        CHECK(!r.counterexample);
      }
    }
    CHECK(checked == expected.fails.size());
  }
  // The generator must exercise both outcomes.
  CHECK(failing > 0);
  CHECK(holding > 0);
}

}  // namespace
}  // namespace polc::verifier
