// Property tests of the reference evaluator on random policies and flows
// (issue 3, acceptance): a deny never allows more, an allow added to an
// enforced direction never denies more, no policy allows everything,
// `ingress: [{}]` denies all ingress, and the order of policies does not matter.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

#include "tests/evaluator_test_util.h"

namespace polc::verifier::test {
namespace {

class Generator {
 public:
  explicit Generator(uint32_t seed) : rng_(seed) {}

  int Pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }

  ir::LabelSelector Selector() {
    static const char* kApps[] = {"", "client", "server"};
    ir::LabelSelector selector;
    const char* app = kApps[Pick(3)];
    if (*app != '\0') selector.match_labels.push_back({ir::ParseLabelKey("app"), app, {}});
    return selector;
  }

  ir::PeerRule Peer(ir::Direction direction, bool deny) {
    ir::PeerRule peer;
    peer.direction = direction;
    peer.deny = deny;
    switch (Pick(5)) {
      case 0: peer.endpoints = std::vector<ir::LabelSelector>{Selector()}; break;
      case 1: peer.entities = std::vector<ir::Entity>{{std::vector<std::string>{"world", "cluster", "host", "all"}[Pick(4)], {}}}; break;
      case 2: peer.cidr = std::vector<ir::Cidr>{{Pick(2) == 0 ? "1.1.1.0/24" : "0.0.0.0/0", {}}}; break;
      case 3: break;  // L4-only (with ports below) or `{}`
      default: peer.endpoints = std::vector<ir::LabelSelector>{Selector(), Selector()}; break;
    }
    if (Pick(2) == 0) {
      ir::PortRule rule;
      static const char* kPorts[] = {"80", "8080", "http", "0"};
      ir::PortProtocol port;
      port.port = kPorts[Pick(4)];
      port.protocol = Pick(2) == 0 ? ir::Protocol::kTcp : ir::Protocol::kAny;
      rule.ports.push_back(port);
      peer.to_ports = std::vector<ir::PortRule>{rule};
    }
    return peer;
  }

  ir::Policy Policy(int index) {
    ir::Policy policy;
    policy.kind = Pick(3) == 0 ? ir::PolicyKind::kCiliumClusterwideNetworkPolicy : ir::PolicyKind::kCiliumNetworkPolicy;
    policy.meta.name = "p" + std::to_string(index);
    if (policy.kind == ir::PolicyKind::kCiliumNetworkPolicy) policy.meta.namespace_ = Pick(2) == 0 ? "app" : "other";
    ir::Rule rule;
    rule.endpoint_selector = Selector();
    for (ir::Direction direction : {ir::Direction::kIngress, ir::Direction::kEgress}) {
      for (bool deny : {false, true}) {
        int count = Pick(deny ? 4 : 3) == 0 ? 1 : 0;
        if (!deny) count += Pick(2);
        if (count == 0) continue;
        std::vector<ir::PeerRule> list;
        for (int i = 0; i < count; ++i) list.push_back(Peer(direction, deny));
        auto& section = direction == ir::Direction::kIngress ? (deny ? rule.ingress_deny : rule.ingress)
                                                             : (deny ? rule.egress_deny : rule.egress);
        section = std::move(list);
      }
    }
    policy.rules.push_back(std::move(rule));
    return policy;
  }

  Flow RandomFlow() {
    std::vector<ir::FlowPeer> peers = {Ep("app", "client"),  Ep("app", "server"), Ep("other", "client"),
                                       Ep("other", "server"), Ip("1.1.1.1"),        Entity("world"),
                                       Entity("host"),        NodeP("node-2")};
    static const char* kPorts[] = {"80", "8080", "8081", "53"};
    Flow flow = Tcp(peers[Pick(8)], peers[Pick(8)], kPorts[Pick(4)]);
    if (Pick(4) == 0) flow.protocol = ir::Protocol::kUdp;
    return flow;
  }

 private:
  std::mt19937 rng_;
};

bool Denied(const FlowResult& r) { return r.verdict == Verdict::kDeny; }

TEST_CASE("property: no policy allows everything; deny never allows more; allow never denies more in an enforced "
          "direction; order does not matter; ingress [{}] denies all ingress (3.2, 3.4, 4)",
          "[evaluator][property]") {
  ir::Inventory inventory = SmallInventory();
  ir::Settings settings;
  Generator gen(20261126);
  int checked = 0;
  for (int round = 0; round < 150; ++round) {
    ir::PolicySet set;
    int n = 1 + gen.Pick(3);
    for (int i = 0; i < n; ++i) set.policies.push_back(gen.Policy(i));

    // A deny entry added to the first policy.
    ir::PolicySet with_deny = set;
    ir::Rule& deny_rule = with_deny.policies[0].rules[0];
    ir::Direction deny_direction = gen.Pick(2) == 0 ? ir::Direction::kIngress : ir::Direction::kEgress;
    auto& deny_list = deny_direction == ir::Direction::kIngress ? deny_rule.ingress_deny : deny_rule.egress_deny;
    if (!deny_list) deny_list.emplace();
    deny_list->push_back(gen.Peer(deny_direction, true));

    // An allow entry added to a rule section that already has entries.
    ir::PolicySet with_allow = set;
    ir::Rule& allow_rule = with_allow.policies[0].rules[0];
    bool has_ingress = allow_rule.ingress && !allow_rule.ingress->empty();
    if (has_ingress) allow_rule.ingress->push_back(gen.Peer(ir::Direction::kIngress, false));

    ir::PolicySet reversed = set;
    std::reverse(reversed.policies.begin(), reversed.policies.end());

    ir::PolicySet lockdown = set;  // plus a CCNP `ingress: [{}]` for every endpoint
    ir::Policy deny_all;
    deny_all.kind = ir::PolicyKind::kCiliumClusterwideNetworkPolicy;
    deny_all.meta.name = "deny-all";
    ir::Rule all_rule;
    all_rule.endpoint_selector = ir::LabelSelector{};
    all_rule.ingress = std::vector<ir::PeerRule>{ir::PeerRule{}};
    deny_all.rules.push_back(all_rule);
    lockdown.policies.push_back(deny_all);

    Evaluator none({}, inventory, settings);
    Evaluator base(set, inventory, settings);
    Evaluator denied(with_deny, inventory, settings);
    Evaluator allowed(with_allow, inventory, settings);
    Evaluator rev(reversed, inventory, settings);
    Evaluator locked(lockdown, inventory, settings);
    for (int f = 0; f < 20; ++f) {
      Flow flow = gen.RandomFlow();
      FlowResult b = base.Evaluate(flow);
      REQUIRE_FALSE(b.error);
      CHECK(none.Evaluate(flow).verdict == Verdict::kAllow);
      if (Denied(b)) CHECK(Denied(denied.Evaluate(flow)));
      if (has_ingress && !Denied(b)) {
        FlowResult a = allowed.Evaluate(flow);
        // Only the ingress side changed; it cannot deny more.
        CHECK(a.ingress.verdict == Verdict::kAllow);
      }
      FlowResult r = rev.Evaluate(flow);
      CHECK(r.verdict == b.verdict);
      CHECK(r.denied_at == b.denied_at);
      CHECK(r.deny_reason == b.deny_reason);
      FlowResult l = locked.Evaluate(flow);
      // Managed destinations: ingress is default deny, so only allows already
      // there (or allow-localhost) remain; never more than before.
      if (Denied(b)) CHECK(Denied(l));
      ++checked;
    }
  }
  CHECK(checked == 3000);
}

TEST_CASE("property: ingress [{}] alone denies all ingress to managed endpoints except from the host (3.2, 3.6)",
          "[evaluator][property]") {
  constexpr std::string_view yaml = R"(
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: lockdown}
spec:
  endpointSelector: {}
  ingress: [{}]
)";
  Generator gen(7);
  for (int i = 0; i < 200; ++i) {
    Flow flow = gen.RandomFlow();
    FlowResult r = Eval(yaml, flow);
    bool to_pod = std::holds_alternative<ir::EndpointPeer>(flow.destination);
    // The host of the destination's own node: entity host, or node-2 for the
    // pods of namespace other (SmallInventory places them there).
    bool from_host = (std::holds_alternative<ir::EntityPeer>(flow.source) &&
                      std::get<ir::EntityPeer>(flow.source).name == "host") ||
                     (std::holds_alternative<ir::NodePeer>(flow.source) && to_pod &&
                      std::get<ir::EndpointPeer>(flow.destination).namespace_ == "other");
    INFO(r.ingress.explanation);
    if (to_pod && !from_host) {
      CHECK(r.denied_at == ir::Direction::kIngress);
    } else {
      CHECK(r.verdict == Verdict::kAllow);
    }
  }
}

}  // namespace
}  // namespace polc::verifier::test
