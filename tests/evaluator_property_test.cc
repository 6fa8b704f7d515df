// Property tests of the reference evaluator (issue 3, acceptance) over random
// inventories, policy sets (CNP, CCNP, NetworkPolicy built as IR by
// tests/random_policy.h) and flows. Each test uses a fixed seed per round and
// prints it, the inventory, the policies (ir::Dump), the flow and both results
// when a property fails, so a failure is reproduced by its seed alone.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "tests/random_policy.h"

namespace polc::verifier::test {
namespace {

// (policy set, flow) cases checked per property. Sanitizer builds (Debug,
// ASan+UBSan) are much slower; they still check a thousand and more.
#if defined(__SANITIZE_ADDRESS__)
constexpr int kCases = 1500;
#else
constexpr int kCases = 5000;
#endif
constexpr int kFlowsPerRound = 10;

// What a failure prints: everything needed to replay and read the case.
std::string Report(uint32_t seed, const ir::Inventory& inv, const ir::PolicySet& before, const ir::PolicySet& after,
                   const Flow& flow, const FlowResult& a, const FlowResult& b) {
  return "seed " + std::to_string(seed) + "\n--- inventory\n" + InventoryText(inv) + "--- policies before\n" +
         PolicyText(before) + "--- policies after\n" + PolicyText(after) + "--- flow " + FlowText(flow) +
         "\n--- result before\n" + ResultText(a) + "--- result after\n" + ResultText(b);
}

// The flow peer as the evaluator identifies it: an IP the inventory places
// on a pod or a node is that pod or node (2.4, 6.7).
ir::FlowPeer Canonical(const ir::FlowPeer& peer, const ir::Inventory& inv) {
  const auto* ip = std::get_if<ir::IpPeer>(&peer);
  if (ip == nullptr) return peer;
  for (const auto& e : inv.endpoints) {
    if (e.ips.front() == ip->address) return ir::EndpointPeer{e.namespace_, e.name};
  }
  for (const auto& n : inv.nodes) {
    if (n.ips.front() == ip->address) return ir::NodePeer{n.name};
  }
  return peer;
}

// A pod enforces its own policy (no generated pod uses hostNetwork).
bool IsPod(const ir::FlowPeer& peer, const ir::Inventory& inv) {
  ir::FlowPeer c = Canonical(peer, inv);
  return std::holds_alternative<ir::EndpointPeer>(c) || std::holds_alternative<ir::LabelsPeer>(c);
}

// The source is the host of the destination pod's own node (3.6).
bool FromLocalHost(const Flow& flow, const ir::Inventory& inv) {
  ir::FlowPeer to = Canonical(flow.destination, inv);
  const auto* pod = std::get_if<ir::EndpointPeer>(&to);
  if (pod == nullptr) return false;
  const ir::Endpoint* e = inv.FindEndpoint(pod->namespace_, pod->name);
  ir::FlowPeer from = Canonical(flow.source, inv);
  if (const auto* entity = std::get_if<ir::EntityPeer>(&from)) return entity->name == "host";
  if (const auto* node = std::get_if<ir::NodePeer>(&from)) return e != nullptr && node->name == e->node;
  return false;
}

bool IsDeny(Verdict v) { return v == Verdict::kDeny; }
// Denied, or logged as AUDIT where a deny would have applied (8.4).
bool Refused(Verdict v) { return v != Verdict::kAllow; }

std::vector<ir::PeerRule>& List(ir::Rule& rule, ir::Direction direction, bool deny) {
  auto& section = direction == ir::Direction::kIngress ? (deny ? rule.ingress_deny : rule.ingress)
                                                       : (deny ? rule.egress_deny : rule.egress);
  if (!section) section.emplace();
  return *section;
}

// Indices of the CNP/CCNP policies of a set.
std::vector<size_t> CiliumPolicies(const ir::PolicySet& set) {
  std::vector<size_t> out;
  for (size_t i = 0; i < set.policies.size(); ++i) {
    if (set.policies[i].kind != ir::PolicyKind::kNetworkPolicy) out.push_back(i);
  }
  return out;
}

// A new CNP (in a random namespace) or CCNP with one rule.
ir::Policy NewCiliumPolicy(RandomWorld& world, const ir::Inventory& inv, const std::string& name) {
  ir::Policy policy;
  policy.meta.name = name;
  if (world.Chance(70)) {
    policy.kind = ir::PolicyKind::kCiliumNetworkPolicy;
    policy.meta.namespace_ = inv.namespaces[static_cast<size_t>(world.Pick(static_cast<int>(inv.namespaces.size())))].name;
  } else {
    policy.kind = ir::PolicyKind::kCiliumClusterwideNetworkPolicy;
  }
  ir::Rule rule;
  rule.endpoint_selector = world.Selector(false);
  policy.rules.push_back(std::move(rule));
  return policy;
}

// Section 4: deny wins over allow, and a deny-only policy also turns on
// default deny for its direction; both only ever deny more. So adding one
// ingressDeny/egressDeny entry, to an existing rule or in a new policy, never
// turns a DENY into an ALLOW, overall or at either side. Settings are random
// (version, enforcement default/always, allow-localhost, audit mode); under
// audit mode "denied" reads "denied or AUDIT" (8.4).
TEST_CASE("property: an added deny entry never allows more (4, 3.4)", "[evaluator][property]") {
  int checked = 0, denied_before = 0, flipped = 0;
  for (int round = 0; round * kFlowsPerRound < kCases; ++round) {
    const uint32_t seed = 4000 + static_cast<uint32_t>(round);
    RandomWorld world(seed);
    ir::Inventory inv = world.Inventory();
    ir::PolicySet before = world.Policies(inv);
    ir::PolicySet after = before;
    ir::Direction direction = world.Chance(50) ? ir::Direction::kIngress : ir::Direction::kEgress;
    std::vector<size_t> cilium = CiliumPolicies(after);
    if (cilium.empty() || world.Chance(40)) {
      after.policies.push_back(NewCiliumPolicy(world, inv, "added-deny"));
      List(after.policies.back().rules[0], direction, true).push_back(world.Peer(direction, true));
    } else {
      ir::Policy& policy = after.policies[cilium[static_cast<size_t>(world.Pick(static_cast<int>(cilium.size())))]];
      ir::Rule& rule = policy.rules[static_cast<size_t>(world.Pick(static_cast<int>(policy.rules.size())))];
      List(rule, direction, true).push_back(world.Peer(direction, true));
    }
    ir::Settings settings = world.RandomSettings(true);
    Evaluator eval_before(before, inv, settings);
    Evaluator eval_after(after, inv, settings);
    for (int f = 0; f < kFlowsPerRound; ++f) {
      Flow flow = world.RandomFlow(inv);
      FlowResult a = eval_before.Evaluate(flow);
      FlowResult b = eval_after.Evaluate(flow);
      REQUIRE_FALSE(a.error);
      bool ok = (!Refused(a.verdict) || Refused(b.verdict)) &&
                (!Refused(a.egress.verdict) || Refused(b.egress.verdict)) &&
                (!Refused(a.ingress.verdict) || Refused(b.ingress.verdict));
      if (!ok) FAIL_CHECK(Report(seed, inv, before, after, flow, a, b));
      denied_before += Refused(a.verdict) ? 1 : 0;
      flipped += !Refused(a.verdict) && Refused(b.verdict) ? 1 : 0;
      ++checked;
    }
  }
  CHECK(checked >= kCases);
  // Not vacuous: denies exist before, and the added denies do deny more.
  CHECK(denied_before > kCases / 10);
  CHECK(flipped > kCases / 50);
}

// Sections 3.1 and 3.4: an allow entry only adds an allow, but it may also
// switch a direction on (3.1) or turn default deny on (3.4: the per-rule
// default is true), and either can deny more. So the property is stated per
// side of the flow: if before the change that side was already enforced WITH
// default deny and allowed the flow, adding an allow entry (to any CNP/CCNP
// rule or NetworkPolicy, in either direction) leaves it allowed. Adding an
// allow in a NEW policy whose rule sets enableDefaultDeny false for both
// directions never denies more at all: it cannot turn default deny on, and
// where it switches a direction on, Cilium adds the wildcard allow (3.4).
// No L7 is generated, so an added allow cannot bring an L7 refusal (7.4).
// Under enforcement `always` every pod side is already default deny (3.5).
TEST_CASE("property: an added allow entry never denies more in a direction already default-deny (3.1, 3.4)",
          "[evaluator][property]") {
  int checked = 0, conditioned = 0;
  for (int round = 0; round * kFlowsPerRound < kCases; ++round) {
    const uint32_t seed = 5000 + static_cast<uint32_t>(round);
    RandomWorld world(seed);
    ir::Inventory inv = world.Inventory();
    ir::PolicySet before = world.Policies(inv);
    ir::PolicySet after = before;
    ir::Direction direction = world.Chance(50) ? ir::Direction::kIngress : ir::Direction::kEgress;
    bool unconditional = false;
    int where = before.policies.empty() ? 0 : world.Pick(3);
    if (where == 0) {
      after.policies.push_back(NewCiliumPolicy(world, inv, "added-allow"));
      ir::Rule& rule = after.policies.back().rules[0];
      List(rule, direction, false).push_back(world.Peer(direction, false));
      unconditional = world.Chance(50);
      if (unconditional) rule.enable_default_deny = ir::DefaultDeny{false, false, {}};
    } else {
      ir::Policy& policy = after.policies[static_cast<size_t>(world.Pick(static_cast<int>(after.policies.size())))];
      if (policy.network_policy) {
        auto& rules = direction == ir::Direction::kIngress ? policy.network_policy->ingress : policy.network_policy->egress;
        if (!rules) rules.emplace();
        rules->push_back(world.KnpRule());
      } else {
        ir::Rule& rule = policy.rules[static_cast<size_t>(world.Pick(static_cast<int>(policy.rules.size())))];
        List(rule, direction, false).push_back(world.Peer(direction, false));
      }
    }
    ir::Settings settings = world.RandomSettings(true);
    Evaluator eval_before(before, inv, settings);
    Evaluator eval_after(after, inv, settings);
    for (int f = 0; f < kFlowsPerRound; ++f) {
      Flow flow = world.RandomFlow(inv);
      FlowResult a = eval_before.Evaluate(flow);
      FlowResult b = eval_after.Evaluate(flow);
      REQUIRE_FALSE(a.error);
      bool ok = true;
      for (auto side : {&FlowResult::egress, &FlowResult::ingress}) {
        const DirectionResult& x = a.*side;
        const DirectionResult& y = b.*side;
        bool holds = unconditional || (x.enforced && x.default_deny);
        if (x.direction != direction) holds = true;  // that side's entries did not change
        if (holds && !Refused(x.verdict) && Refused(y.verdict)) ok = false;
        if (holds && x.verdict == Verdict::kAllow) ++conditioned;
      }
      if (!ok) FAIL_CHECK(Report(seed, inv, before, after, flow, a, b));
      ++checked;
    }
  }
  CHECK(checked >= kCases);
  CHECK(conditioned > kCases / 2);  // the condition is not vacuous
}

// Section 3.5: with no policy at all, `default` and `never` allow every flow;
// `always` enforces both directions of every pod with default deny, so only
// flows between sides without policy of their own pass, plus ingress from the
// pod's own host under allow-localhost (3.6). The host firewall is off, so
// hosts and nodes enforce nothing.
TEST_CASE("property: no policy allows everything; enforcement always/never (3.5, 3.6)", "[evaluator][property]") {
  int checked = 0, allowed_under_always = 0;
  for (int round = 0; round * kFlowsPerRound < kCases; ++round) {
    const uint32_t seed = 6000 + static_cast<uint32_t>(round);
    RandomWorld world(seed);
    ir::Inventory inv = world.Inventory();
    ir::Settings settings;
    settings.enforcement = static_cast<ir::EnforcementMode>(world.Pick(3));
    settings.allow_localhost = world.Chance(50) ? ir::AllowLocalhost::kAlways : ir::AllowLocalhost::kPolicy;
    ir::PolicySet none;
    Evaluator eval(none, inv, settings);
    for (int f = 0; f < kFlowsPerRound; ++f) {
      Flow flow = world.RandomFlow(inv);
      FlowResult r = eval.Evaluate(flow);
      REQUIRE_FALSE(r.error);
      Verdict expected = Verdict::kAllow;
      if (settings.enforcement == ir::EnforcementMode::kAlways) {
        bool egress_denied = IsPod(flow.source, inv);
        bool ingress_denied = IsPod(flow.destination, inv) &&
                              !(settings.allow_localhost == ir::AllowLocalhost::kAlways && FromLocalHost(flow, inv));
        if (egress_denied || ingress_denied) expected = Verdict::kDeny;
        if (!egress_denied && !ingress_denied) ++allowed_under_always;
      }
      if (r.verdict != expected) {
        FAIL_CHECK("seed " << seed << " enforcement " << ir::EnforcementModeName(settings.enforcement)
                           << " allow-localhost " << static_cast<int>(settings.allow_localhost) << "\n"
                           << InventoryText(inv) << "flow " << FlowText(flow) << "\nexpected "
                           << VerdictName(expected) << "\n" << ResultText(r));
      }
      ++checked;
    }
  }
  CHECK(checked >= kCases);
  CHECK(allowed_under_always > 0);
}

// Section 3.2: a CNP `ingress: [{}]` selecting a pod puts its ingress into
// default deny and allows nothing, so with every other ingress allow removed
// (egress, deny sections and NetworkPolicies without ingress rules stay) each
// ingress flow to the pod is denied, except from the pod's own host under
// allow-localhost (3.6), which only an ingress deny rule can still refuse (4).
TEST_CASE("property: a CNP ingress [{}] denies all ingress to the pods it selects (3.2, 3.6)", "[evaluator][property]") {
  int checked = 0, from_host = 0;
  for (int round = 0; round * kFlowsPerRound < kCases; ++round) {
    const uint32_t seed = 7000 + static_cast<uint32_t>(round);
    RandomWorld world(seed);
    ir::Inventory inv = world.Inventory();
    ir::PolicySet set = world.Policies(inv);
    for (auto& policy : set.policies) {
      for (auto& rule : policy.rules) rule.ingress.reset();
      if (policy.network_policy) policy.network_policy->ingress.reset();
    }
    const ir::Endpoint& target = inv.endpoints[static_cast<size_t>(world.Pick(static_cast<int>(inv.endpoints.size())))];
    ir::Policy lockdown;
    lockdown.meta.name = "lockdown";
    lockdown.meta.namespace_ = target.namespace_;
    ir::Rule rule;
    rule.endpoint_selector = ir::LabelSelector{};
    if (world.Chance(50)) rule.endpoint_selector->match_labels.push_back({ir::ParseLabelKey("app"), target.labels.at("app"), {}});
    rule.ingress = std::vector<ir::PeerRule>{ir::PeerRule{}};
    lockdown.rules.push_back(rule);
    set.policies.insert(set.policies.begin() + world.Pick(static_cast<int>(set.policies.size()) + 1), lockdown);
    ir::Settings settings;
    settings.enforcement = world.Chance(80) ? ir::EnforcementMode::kDefault : ir::EnforcementMode::kAlways;
    settings.allow_localhost = world.Chance(50) ? ir::AllowLocalhost::kAlways : ir::AllowLocalhost::kPolicy;
    Evaluator eval(set, inv, settings);
    for (int f = 0; f < kFlowsPerRound; ++f) {
      Flow flow;
      flow.source = world.RandomPeer(inv, true);
      flow.destination = world.Chance(80) ? ir::FlowPeer{ir::EndpointPeer{target.namespace_, target.name}}
                                          : ir::FlowPeer{ir::IpPeer{target.ips.front()}};
      world.SetL4(flow, inv);
      FlowResult r = eval.Evaluate(flow);
      REQUIRE_FALSE(r.error);
      bool local = settings.allow_localhost == ir::AllowLocalhost::kAlways && FromLocalHost(flow, inv);
      bool ok = local ? (r.ingress.verdict == Verdict::kAllow || r.ingress.deny_reason == ir::DenyReason::kDenyRule)
                      : IsDeny(r.ingress.verdict) && r.ingress.enforced && r.ingress.default_deny;
      if (local) ++from_host;
      if (!ok) {
        FAIL_CHECK("seed " << seed << " allow-localhost " << static_cast<int>(settings.allow_localhost) << "\n"
                           << InventoryText(inv) << PolicyText(set) << "flow " << FlowText(flow) << "\n"
                           << ResultText(r));
      }
      ++checked;
    }
  }
  CHECK(checked >= kCases);
  CHECK(from_host > 0);
}

template <typename T>
void Shuffle(std::vector<T>& items, std::mt19937& rng) {
  std::shuffle(items.begin(), items.end(), rng);
}

template <typename T>
void Shuffle(std::optional<std::vector<T>>& items, std::mt19937& rng) {
  if (items) std::shuffle(items->begin(), items->end(), rng);
}

void Shuffle(ir::LabelSelector& s, std::mt19937& rng) {
  Shuffle(s.match_labels, rng);
  Shuffle(s.match_expressions, rng);
  for (auto& r : s.match_expressions) Shuffle(r.values, rng);
}

void Shuffle(ir::PeerRule& peer, std::mt19937& rng) {
  Shuffle(peer.endpoints, rng);
  if (peer.endpoints) {
    for (auto& s : *peer.endpoints) Shuffle(s, rng);
  }
  Shuffle(peer.entities, rng);
  Shuffle(peer.cidr, rng);
  Shuffle(peer.cidr_set, rng);
  if (peer.cidr_set) {
    for (auto& c : *peer.cidr_set) Shuffle(c.except, rng);
  }
  Shuffle(peer.to_ports, rng);
  if (peer.to_ports) {
    for (auto& p : *peer.to_ports) Shuffle(p.ports, rng);
  }
  Shuffle(peer.icmps, rng);
  if (peer.icmps) {
    for (auto& i : *peer.icmps) Shuffle(i.fields, rng);
  }
}

// Every list whose order Cilium ignores: policies (files), rules of `specs`,
// entries, peers, selectors' terms, port rules and ports.
ir::PolicySet Shuffled(ir::PolicySet set, std::mt19937& rng) {
  Shuffle(set.policies, rng);
  for (auto& policy : set.policies) {
    Shuffle(policy.rules, rng);
    for (auto& rule : policy.rules) {
      if (rule.endpoint_selector) Shuffle(*rule.endpoint_selector, rng);
      for (auto* section : {&rule.ingress, &rule.ingress_deny, &rule.egress, &rule.egress_deny}) {
        Shuffle(*section, rng);
        if (*section) {
          for (auto& peer : **section) Shuffle(peer, rng);
        }
      }
    }
    if (policy.network_policy) {
      auto& spec = *policy.network_policy;
      Shuffle(spec.pod_selector, rng);
      Shuffle(spec.policy_types, rng);
      for (auto* rules : {&spec.ingress, &spec.egress}) {
        Shuffle(*rules, rng);
        if (!*rules) continue;
        for (auto& r : **rules) {
          Shuffle(r.peers, rng);
          Shuffle(r.ports, rng);
        }
      }
    }
  }
  return set;
}

// The verdict is a function of the set of rules (4: deny wins whatever the
// order; 3.1: enforcement is an OR over entries), so shuffling every list
// gives the same verdict, denied_at, deny_reason and per-side decisions.
TEST_CASE("property: the verdict does not depend on the order of policies, rules, entries, peers or ports (3.1, 4)",
          "[evaluator][property]") {
  int checked = 0, allowed = 0, by_default_deny = 0, by_deny_rule = 0;
  for (int round = 0; round * kFlowsPerRound < kCases; ++round) {
    const uint32_t seed = 8000 + static_cast<uint32_t>(round);
    RandomWorld world(seed);
    ir::Inventory inv = world.Inventory();
    ir::PolicySet before = world.Policies(inv, 5);
    ir::PolicySet after = Shuffled(before, world.rng());
    ir::Settings settings = world.RandomSettings(true);
    Evaluator eval_before(before, inv, settings);
    Evaluator eval_after(after, inv, settings);
    for (int f = 0; f < kFlowsPerRound; ++f) {
      Flow flow = world.RandomFlow(inv);
      FlowResult a = eval_before.Evaluate(flow);
      FlowResult b = eval_after.Evaluate(flow);
      REQUIRE_FALSE(a.error);
      bool ok = a.verdict == b.verdict && a.denied_at == b.denied_at && a.deny_reason == b.deny_reason;
      for (auto side : {&FlowResult::egress, &FlowResult::ingress}) {
        const DirectionResult& x = a.*side;
        const DirectionResult& y = b.*side;
        ok = ok && x.verdict == y.verdict && x.deny_reason == y.deny_reason && x.enforced == y.enforced &&
             x.default_deny == y.default_deny && x.matches.size() == y.matches.size();
      }
      if (!ok) FAIL_CHECK(Report(seed, inv, before, after, flow, a, b));
      allowed += a.verdict == Verdict::kAllow ? 1 : 0;
      by_default_deny += a.deny_reason == ir::DenyReason::kDefaultDeny ? 1 : 0;
      by_deny_rule += a.deny_reason == ir::DenyReason::kDenyRule ? 1 : 0;
      ++checked;
    }
  }
  CHECK(checked >= kCases);
  // Every kind of outcome occurs, so the comparison is not vacuous.
  CHECK(allowed > kCases / 10);
  CHECK(by_default_deny > kCases / 20);
  CHECK(by_deny_rule > kCases / 50);
}

// The evaluator is a pure function: the same flow evaluated twice, or by a
// second evaluator built from the same inputs, gives identical results, trail
// included.
TEST_CASE("property: evaluation is deterministic, trail included", "[evaluator][property]") {
  int checked = 0;
  for (int round = 0; round * kFlowsPerRound < kCases; ++round) {
    const uint32_t seed = 9000 + static_cast<uint32_t>(round);
    RandomWorld world(seed);
    ir::Inventory inv = world.Inventory();
    ir::PolicySet set = world.Policies(inv, 5);
    ir::Settings settings = world.RandomSettings(true);
    Evaluator first(set, inv, settings);
    Evaluator second(set, inv, settings);
    for (int f = 0; f < kFlowsPerRound; ++f) {
      Flow flow = world.RandomFlow(inv);
      std::string a = ResultText(first.Evaluate(flow));
      std::string again = ResultText(first.Evaluate(flow));
      std::string b = ResultText(second.Evaluate(flow));
      if (a != again || a != b) {
        FAIL_CHECK("seed " << seed << "\n" << InventoryText(inv) << PolicyText(set) << "flow " << FlowText(flow)
                           << "\n--- first\n" << a << "--- again\n" << again << "--- second evaluator\n" << b);
      }
      ++checked;
    }
  }
  CHECK(checked >= kCases);
}

}  // namespace
}  // namespace polc::verifier::test
