// Tests for rule_analysis.h and its lints (lint_rule_analysis.cc): Batfish
// style filterLineReachability (conventions.md 3) over Cilium's entries
// (cilium-semantics.md 3.1, 3.4, section 4 deny semantics).
#include <catch2/catch.hpp>

#include "verifier/lint_test_util.h"
#include "verifier/rule_analysis.h"

namespace polc::verifier {
namespace {

using namespace test;  // NOLINT(build/namespaces): test-only helpers
using ir::RuleId;
using ir::SelectorOperator;

ir::Policy WithPeerSelector(ir::LabelSelector selector) {
  return Cnp({WebRule(std::vector<ir::PeerRule>{FromEndpoints(Ingress(6), std::move(selector))})});
}

TEST_CASE("selector-matches-nothing: contradictions on one key", "[lint][rule-analysis]") {
  ir::LabelSelector in_notin = Selector({}, 7);
  in_notin.match_expressions = {Requirement("app", SelectorOperator::kIn, {"a"}, 8),
                                Requirement("app", SelectorOperator::kNotIn, {"a"}, 9)};
  ir::LabelSelector disjoint = Selector({}, 7);
  disjoint.match_expressions = {Requirement("app", SelectorOperator::kIn, {"a"}, 8),
                                Requirement("app", SelectorOperator::kIn, {"b"}, 9)};
  ir::LabelSelector exists_dne = Selector({}, 7);
  exists_dne.match_expressions = {Requirement("app", SelectorOperator::kExists, {}, 8),
                                  Requirement("app", SelectorOperator::kDoesNotExist, {}, 9)};
  ir::LabelSelector label_vs_expr = Selector({{"app", "a"}}, 7);
  label_vs_expr.match_expressions = {Requirement("app", SelectorOperator::kIn, {"b"}, 8)};
  for (const ir::LabelSelector& s : {in_notin, disjoint, exists_dne, label_vs_expr}) {
    const auto d = Lint(WithPeerSelector(s));
    INFO(Summary(d));
    REQUIRE(Count(d, RuleId::kSelectorMatchesNothing) == 1);
    CHECK(Find(d, RuleId::kSelectorMatchesNothing)->location == At(7));
    CHECK(Find(d, RuleId::kSelectorMatchesNothing)->object == 7);
  }
}

TEST_CASE("selector-matches-nothing: satisfiable selectors are quiet", "[lint][rule-analysis]") {
  ir::LabelSelector overlap = Selector({}, 7);
  overlap.match_expressions = {Requirement("app", SelectorOperator::kIn, {"a", "b"}, 8),
                               Requirement("app", SelectorOperator::kNotIn, {"a"}, 9),
                               Requirement("tier", SelectorOperator::kDoesNotExist, {}, 10)};
  ir::LabelSelector other_keys = Selector({{"app", "a"}}, 7);
  other_keys.match_expressions = {Requirement("k8s:app", SelectorOperator::kNotIn, {"a"}, 8)};  // other source
  ir::LabelSelector notin_only = Selector({}, 7);
  notin_only.match_expressions = {Requirement("app", SelectorOperator::kNotIn, {"a"}, 8),
                                  Requirement("app", SelectorOperator::kExists, {}, 9)};
  for (const ir::LabelSelector& s : {overlap, other_keys, notin_only}) {
    const auto d = Lint(WithPeerSelector(s));
    INFO(Summary(d));
    CHECK(Count(d, RuleId::kSelectorMatchesNothing) == 0);
  }
}

ir::PeerRule PortsPeer(ir::PeerRule peer, std::initializer_list<std::string> ports) {
  peer.to_ports = std::vector<ir::PortRule>{Ports(ports, peer.location.line)};
  return peer;
}

ir::Rule DenyRule(std::vector<ir::PeerRule> deny) {
  ir::Rule rule = WebRule(std::nullopt);
  rule.ingress_deny = std::move(deny);
  return rule;
}

TEST_CASE("allow-dead-by-deny: an allow inside a deny of another policy (section 4)", "[lint][rule-analysis]") {
  ir::PolicySet set;
  // allow app=db on 5432 (line 6) vs deny from every endpoint of prod on 5000-6000 (line 20)
  set.policies.push_back(
      Cnp({WebRule(std::vector<ir::PeerRule>{PortsPeer(FromEndpoints(Ingress(6), Selector({{"app", "db"}}, 7)),
                                                       {"5432"})})},
          "allow"));
  ir::PeerRule deny = FromEndpoints(Peer(ir::Direction::kIngress, 20, true), Selector({}, 21));
  deny.to_ports = std::vector<ir::PortRule>{Ports({"5000"}, 20)};
  (*deny.to_ports)[0].ports[0].end_port = 6000;
  set.policies.push_back(Cnp({DenyRule({deny})}, "deny"));
  const auto d = Lint(set);
  INFO(Summary(d));
  REQUIRE(Count(d, RuleId::kAllowDeadByDeny) == 1);
  const ir::Diagnostic& f = *Find(d, RuleId::kAllowDeadByDeny);
  CHECK(f.location == At(6));
  CHECK_THAT(f.message, Catch::Contains("prod/deny ingressDeny[0]") && Catch::Contains("line 20"));
  // The deny also turns default deny on for app=web (section 4), so the
  // allow policy as a whole changes nothing either.
  REQUIRE(Count(d, RuleId::kRedundantPolicy) == 1);
  CHECK_THAT(Find(d, RuleId::kRedundantPolicy)->message, Catch::Contains("prod/allow changes nothing"));
}

TEST_CASE("allow-dead-by-deny: a deny on fewer ports, or another namespace, blocks nothing", "[lint][rule-analysis]") {
  for (int variant = 0; variant < 2; ++variant) {
    ir::PolicySet set;
    set.policies.push_back(Cnp(
        {WebRule(std::vector<ir::PeerRule>{PortsPeer(FromEndpoints(Ingress(6), Selector({{"app", "db"}}, 7)),
                                                     {"5432", "6432"})})},
        "allow"));
    ir::PeerRule deny = FromEndpoints(Peer(ir::Direction::kIngress, 20, true), Selector({}, 21));
    deny.to_ports = std::vector<ir::PortRule>{Ports({"5432"}, 20)};
    if (variant == 1) deny.to_ports = std::nullopt;
    set.policies.push_back(Cnp({DenyRule({deny})}, "deny", variant == 1 ? "staging" : "prod"));
    const auto d = Lint(set);
    INFO(variant << ": " << Summary(d));
    CHECK(Count(d, RuleId::kAllowDeadByDeny) == 0);
    CHECK(Count(d, RuleId::kRuleEntryShadowed) == 0);
  }
}

TEST_CASE("allow-dead-by-deny: a clusterwide deny blocks a namespaced allow unless confined elsewhere",
          "[lint][rule-analysis]") {
  // The analysis compares only entries whose subjects can contain each other
  // (rule_analysis_index.h): an unconfined CCNP subject is compared with
  // every namespace, one confined to [staging, prod] with prod, one confined
  // to [staging] not.
  for (int variant = 0; variant < 3; ++variant) {
    ir::PolicySet set;
    set.policies.push_back(
        Cnp({WebRule(std::vector<ir::PeerRule>{FromEndpoints(Ingress(6), Selector({{"app", "db"}}, 7))})}, "allow"));
    ir::Rule deny = DenyRule({FromEndpoints(Peer(ir::Direction::kIngress, 20, true), Selector({}, 21))});
    if (variant > 0) {
      std::vector<std::string> namespaces = {"staging"};
      if (variant == 1) namespaces.push_back("prod");
      deny.endpoint_selector->match_expressions = {
          Requirement("k8s:io.kubernetes.pod.namespace", SelectorOperator::kIn, namespaces, 5)};
    }
    set.policies.push_back(Ccnp({deny}, "deny"));
    const auto d = Lint(set);
    INFO(variant << ": " << Summary(d));
    CHECK(Count(d, RuleId::kAllowDeadByDeny) == (variant < 2 ? 1u : 0u));
  }
}

TEST_CASE("rule-entry-shadowed: an allow inside a broader allow, the later of two equal ones", "[lint][rule-analysis]") {
  // entry 0: app=db, ports 80; entry 1: every endpoint of prod, all ports.
  ir::Policy policy = Cnp({WebRule(std::vector<ir::PeerRule>{
      PortsPeer(FromEndpoints(Ingress(6), Selector({{"app", "db"}, {"tier", "x"}}, 7)), {"80"}),
      FromEndpoints(Ingress(9), Selector({{"app", "db"}}, 10))})});
  auto d = Lint(policy);
  INFO(Summary(d));
  REQUIRE(Count(d, RuleId::kRuleEntryShadowed) == 1);
  CHECK(Find(d, RuleId::kRuleEntryShadowed)->location == At(6));
  CHECK_THAT(Find(d, RuleId::kRuleEntryShadowed)->message, Catch::Contains("ingress[1]"));

  // Two identical entries: only the second is reported.
  ir::Policy twins = Cnp({WebRule(std::vector<ir::PeerRule>{FromEndpoints(Ingress(6), Selector({{"app", "db"}}, 7)),
                                                             FromEndpoints(Ingress(9), Selector({{"app", "db"}}, 10))})});
  d = Lint(twins);
  REQUIRE(Count(d, RuleId::kRuleEntryShadowed) == 1);
  CHECK(Find(d, RuleId::kRuleEntryShadowed)->location == At(9));
}

TEST_CASE("rule-entry-shadowed: L7 rules, other labels, named ports are not compared", "[lint][rule-analysis]") {
  ir::HttpRule get;
  get.method = Text("GET", 8);
  ir::PeerRule l7 = FromEndpoints(Ingress(6), Selector({{"app", "db"}}, 7));
  l7.to_ports = std::vector<ir::PortRule>{HttpPorts("80", {get}, 8)};
  ir::PeerRule plain = PortsPeer(FromEndpoints(Ingress(9), Selector({{"app", "db"}}, 10)), {"80"});
  auto d = Lint(Cnp({WebRule(std::vector<ir::PeerRule>{l7, plain})}));
  INFO(Summary(d));
  CHECK(Count(d, RuleId::kRuleEntryShadowed) == 0);

  ir::PeerRule other = PortsPeer(FromEndpoints(Ingress(6), Selector({{"app", "cache"}}, 7)), {"80"});
  CHECK(Count(Lint(Cnp({WebRule(std::vector<ir::PeerRule>{other, plain})})), RuleId::kRuleEntryShadowed) == 0);

  ir::PeerRule named = PortsPeer(FromEndpoints(Ingress(6), Selector({{"app", "db"}}, 7)), {"http"});
  ir::PeerRule named2 = PortsPeer(FromEndpoints(Ingress(9), Selector({{"app", "db"}}, 10)), {"http"});
  CHECK(Count(Lint(Cnp({WebRule(std::vector<ir::PeerRule>{named, named2})})), RuleId::kRuleEntryShadowed) == 0);
}

TEST_CASE("redundant-policy: a policy covered by another, but not one that only enables default deny",
          "[lint][rule-analysis]") {
  ir::PolicySet set;
  set.policies.push_back(Cnp({WebRule(std::vector<ir::PeerRule>{FromEndpoints(Ingress(6), Selector({}, 7))})}, "broad"));
  set.policies.push_back(
      Cnp({WebRule(std::vector<ir::PeerRule>{FromEndpoints(Ingress(16), Selector({{"app", "db"}}, 17))})}, "narrow"));
  auto d = Lint(set);
  INFO(Summary(d));
  REQUIRE(Count(d, RuleId::kRedundantPolicy) == 1);
  CHECK(Find(d, RuleId::kRedundantPolicy)->location == At(3, 9));
  CHECK_THAT(Find(d, RuleId::kRedundantPolicy)->message, Catch::Contains("prod/narrow") && Catch::Contains("prod/broad"));
  CHECK(Count(d, RuleId::kRuleEntryShadowed) == 0);  // reported once, as the policy

  // The covering policy has enableDefaultDeny.ingress: false, so the narrow
  // one is what puts app=web under default deny (3.4): not redundant.
  set.policies[0].rules[0].enable_default_deny = ir::DefaultDeny{false, std::nullopt, At(4)};
  d = Lint(set);
  CHECK(Count(d, RuleId::kRedundantPolicy) == 0);

  // A default-deny-only policy (`ingress: [{}]`) next to nothing else is not redundant.
  ir::PolicySet lone;
  lone.policies.push_back(Cnp({WebRule(std::vector<ir::PeerRule>{Ingress(6)})}, "deny-all"));
  CHECK(Count(Lint(lone), RuleId::kRedundantPolicy) == 0);
}

TEST_CASE("redundant-policy: the later of two identical policies only", "[lint][rule-analysis]") {
  ir::PolicySet set;
  for (const char* name : {"a", "b"}) {
    set.policies.push_back(
        Cnp({WebRule(std::vector<ir::PeerRule>{PortsPeer(FromEndpoints(Ingress(6), Selector({{"app", "db"}}, 7)),
                                                         {"80"})})},
            name));
  }
  const auto d = Lint(set);
  INFO(Summary(d));
  REQUIRE(Count(d, RuleId::kRedundantPolicy) == 1);
  CHECK_THAT(Find(d, RuleId::kRedundantPolicy)->message, Catch::Contains("prod/b changes nothing"));
}

TEST_CASE("redundant-policy: rejected and replaced policies cover nothing (1.13)", "[lint][rule-analysis]") {
  ir::PolicySet set;
  for (const char* name : {"a", "b"}) {
    set.policies.push_back(
        Cnp({WebRule(std::vector<ir::PeerRule>{FromEndpoints(Ingress(6), Selector({{"app", "db"}}, 7))})}, name));
    set.policies.back().object = static_cast<int>(set.policies.size());
  }
  ir::DiagnosticSink sink;
  sink.Report(RuleId::kInvalidPort, At(2), "rejected", "", 1);  // an error on policy a's object
  RunLints(set, ir::Settings{}, sink);
  CHECK(Count(sink.diagnostics(), RuleId::kRedundantPolicy) == 0);

  set.policies[1].meta.name = "a";  // the same name: the second replaces the first
  CHECK(Count(Lint(set), RuleId::kRedundantPolicy) == 0);
}

ir::Inventory Pods() {
  ir::Inventory inventory;
  ir::Endpoint web;
  web.name = "web";
  web.namespace_ = "prod";
  web.labels = {{"app", "web"}};
  inventory.endpoints.push_back(web);
  ir::Endpoint db = web;
  db.name = "db";
  db.labels = {{"app", "db"}};
  inventory.endpoints.push_back(db);
  return inventory;
}

std::vector<ir::Diagnostic> LintWith(const ir::Policy& policy, const ir::Inventory& inventory) {
  ir::PolicySet set;
  set.policies.push_back(policy);
  ir::DiagnosticSink sink;
  RunLints(set, ir::Settings{}, inventory, sink);
  return sink.diagnostics();
}

TEST_CASE("selector-matches-no-pod: subjects and peers against the inventory", "[lint][rule-analysis]") {
  ir::Policy policy = WithPeerSelector(Selector({{"app", "cache"}}, 7));
  auto d = LintWith(policy, Pods());
  INFO(Summary(d));
  REQUIRE(Count(d, RuleId::kSelectorMatchesNoPod) == 1);
  CHECK(Find(d, RuleId::kSelectorMatchesNoPod)->location == At(7));
  CHECK(Find(d, RuleId::kSelectorMatchesNoPod)->severity == ir::Severity::kInfo);

  policy.rules[0].endpoint_selector = Selector({{"app", "api"}}, 5);
  d = LintWith(policy, Pods());
  CHECK(Count(d, RuleId::kSelectorMatchesNoPod) == 2);

  // Matching pods, no inventory, or no pod in that namespace: quiet.
  CHECK(Count(LintWith(WithPeerSelector(Selector({{"app", "db"}}, 7)), Pods()), RuleId::kSelectorMatchesNoPod) == 0);
  CHECK(Count(Lint(policy), RuleId::kSelectorMatchesNoPod) == 0);
  // A selector that matches nothing at all is reported once, as such.
  ir::LabelSelector contradiction = Selector({}, 7);
  contradiction.match_expressions = {Requirement("app", SelectorOperator::kExists, {}, 8),
                                     Requirement("app", SelectorOperator::kDoesNotExist, {}, 9)};
  d = LintWith(WithPeerSelector(contradiction), Pods());
  CHECK(Count(d, RuleId::kSelectorMatchesNothing) == 1);
  CHECK(Count(d, RuleId::kSelectorMatchesNoPod) == 0);
  ir::Inventory elsewhere = Pods();
  for (auto& e : elsewhere.endpoints) e.namespace_ = "staging";
  CHECK(Count(LintWith(policy, elsewhere), RuleId::kSelectorMatchesNoPod) == 0);
}

}  // namespace
}  // namespace polc::verifier
