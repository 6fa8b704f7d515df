// Tests for lint_metadata.cc: ignored-annotation (cilium-semantics.md 8.4),
// duplicate-policy-name, missing-namespace.
#include <catch2/catch.hpp>

#include "verifier/lint_test_util.h"

namespace polc::verifier {
namespace {

using namespace test;  // NOLINT(build/namespaces): test-only helpers
using ir::RuleId;

ir::Policy Plain(std::string name = "web", std::string ns = "prod") {
  return Cnp({WebRule(std::vector<ir::PeerRule>{FromEndpoints(Ingress(6), Selector({{"app", "api"}}, 7))})},
             std::move(name), std::move(ns));
}

ir::PolicySet SetOf(std::vector<ir::Policy> policies) {
  ir::PolicySet set;
  set.policies = std::move(policies);
  return set;
}

TEST_CASE("8.4: cilium.io/policy-audit-mode and cilium.io/encrypt are ignored", "[lint][metadata]") {
  for (const char* key : {"cilium.io/policy-audit-mode", "cilium.io/encrypt"}) {
    ir::Policy policy = Plain();
    policy.meta.annotations[key] = "true";
    const auto diagnostics = Lint(policy);
    INFO(key);
    REQUIRE(Count(diagnostics, RuleId::kIgnoredAnnotation) == 1);
    const ir::Diagnostic& d = *Find(diagnostics, RuleId::kIgnoredAnnotation);
    CHECK(d.location == At(1));
    CHECK(d.object == 7);
    CHECK_THAT(d.message, Catch::Contains(key));
  }
}

TEST_CASE("8.4: other annotations are not reported", "[lint][metadata]") {
  ir::Policy policy = Plain();
  policy.meta.annotations["description"] = "audit me";
  policy.meta.annotations["polc.io/ignore-l4-only-allows-world"] = "reviewed";
  CHECK(Lint(policy).empty());
}

TEST_CASE("two policies with the same kind, namespace and name", "[lint][metadata]") {
  ir::Policy second = Plain();
  second.meta.name_location = At(20, 9);
  second.object = 8;
  const auto diagnostics = Lint(SetOf({Plain(), second}));
  REQUIRE(Count(diagnostics, RuleId::kDuplicatePolicyName) == 1);
  const ir::Diagnostic& d = *Find(diagnostics, RuleId::kDuplicatePolicyName);
  CHECK(d.location == At(20, 9));
  CHECK(d.object == 8);
  CHECK_THAT(d.message, Catch::Contains("line 3") && Catch::Contains("`prod`"));
}

TEST_CASE("the same name in another namespace or of another kind is fine", "[lint][metadata]") {
  ir::Policy other_ns = Plain("web", "staging");
  ir::Policy knp = Plain();
  knp.kind = ir::PolicyKind::kNetworkPolicy;
  knp.rules.clear();
  knp.network_policy = ir::NetworkPolicySpec{};
  const auto diagnostics = Lint(SetOf({Plain(), other_ns, knp}));
  INFO(Summary(diagnostics));
  CHECK(diagnostics.empty());
}

TEST_CASE("namespaced policies without a namespace do not clash (applied with kubectl -n)", "[lint][metadata]") {
  CHECK(Count(Lint(SetOf({Plain("web", ""), Plain("web", "")})), RuleId::kDuplicatePolicyName) == 0);
}

TEST_CASE("clusterwide policies clash by name whatever their namespace field", "[lint][metadata]") {
  ir::Policy a = Ccnp({WebRule(std::vector<ir::PeerRule>{FromEndpoints(Ingress(6), Selector({{"app", "x"}}, 7))})});
  ir::Policy b = a;
  b.meta.namespace_ = "ignored";
  CHECK(Count(Lint(SetOf({a, b})), RuleId::kDuplicatePolicyName) == 1);
}

TEST_CASE("missing namespace is reported only where the file pins others", "[lint][metadata]") {
  ir::Policy without = Plain("db", "");
  // Alone, as in Cilium's own examples (applied with kubectl -n): fine.
  CHECK(Lint(without).empty());
  // Next to a policy that sets its namespace in the same file: reported.
  const auto mixed = Lint(SetOf({Plain(), without}));
  REQUIRE(Count(mixed, RuleId::kMissingNamespace) == 1);
  CHECK(Find(mixed, RuleId::kMissingNamespace)->location == At(3, 9));
  // The pinned policy in another file does not count.
  ir::Policy elsewhere = Plain();
  elsewhere.meta.location.file = 1;
  CHECK(Count(Lint(SetOf({elsewhere, without})), RuleId::kMissingNamespace) == 0);
}

}  // namespace
}  // namespace polc::verifier
