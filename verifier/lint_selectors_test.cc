// Tests for lint_selectors.cc: namespace-label-overwritten (cilium-semantics.md
// 2.2), long-selector-value-list, ccnp-selects-everything (2.2).
#include <catch2/catch.hpp>

#include "verifier/lint_test_util.h"

namespace polc::verifier {
namespace {

using namespace test;  // NOLINT(build/namespaces): test-only helpers
using ir::RuleId;

ir::Policy Subject(ir::LabelSelector selector) {
  ir::Rule rule = WebRule(std::vector<ir::PeerRule>{Ingress(9)});
  rule.endpoint_selector = std::move(selector);
  return Cnp({rule});
}

TEST_CASE("2.2: a foreign namespace in a CNP endpointSelector is overwritten", "[lint][selectors]") {
  for (const char* key :
       {"io.kubernetes.pod.namespace", "k8s:io.kubernetes.pod.namespace", "any:io.kubernetes.pod.namespace"}) {
    const auto diagnostics = Lint(Subject(Selector({{"app", "web"}, {key, "staging"}}, 6)));
    INFO(key);
    REQUIRE(Count(diagnostics, RuleId::kNamespaceLabelOverwritten) == 1);
    const ir::Diagnostic& d = *Find(diagnostics, RuleId::kNamespaceLabelOverwritten);
    CHECK(d.location == At(6));
    CHECK(d.object == 7);
    CHECK_THAT(d.message, Catch::Contains("`prod`") && Catch::Contains("`staging`"));
  }
}

TEST_CASE("2.2: a matchExpression on the namespace key is reported", "[lint][selectors]") {
  ir::LabelSelector selector = Selector({{"app", "web"}}, 6);
  selector.match_expressions.push_back(
      Requirement("io.kubernetes.pod.namespace", ir::SelectorOperator::kIn, {"a", "b"}, 7));
  const auto diagnostics = Lint(Subject(selector));
  REQUIRE(Count(diagnostics, RuleId::kNamespaceLabelOverwritten) == 1);
  CHECK(Find(diagnostics, RuleId::kNamespaceLabelOverwritten)->location == At(7));
}

TEST_CASE("2.2: the policy's own namespace, other sources and CCNPs are not reported", "[lint][selectors]") {
  CHECK(Lint(Subject(Selector({{"app", "web"}, {"io.kubernetes.pod.namespace", "prod"}}, 6))).empty());
  CHECK(Lint(Subject(Selector({{"app", "web"}, {"reserved:io.kubernetes.pod.namespace", "x"}}, 6))).empty());
  ir::Rule rule = WebRule(std::vector<ir::PeerRule>{Ingress(9)});
  rule.endpoint_selector = Selector({{"io.kubernetes.pod.namespace", "staging"}}, 6);
  const auto diagnostics = Lint(Ccnp({rule}));
  INFO(Summary(diagnostics));
  CHECK(diagnostics.empty());
}

TEST_CASE("long In lists are reported above the threshold, anywhere in the policy", "[lint][selectors]") {
  std::vector<std::string> eleven;
  for (int i = 0; i < 11; ++i) eleven.push_back("svc" + std::to_string(i));
  std::vector<std::string> ten(eleven.begin(), eleven.begin() + 10);

  ir::LabelSelector peer_selector = Selector({}, 7);
  peer_selector.match_expressions.push_back(Requirement("app", ir::SelectorOperator::kNotIn, eleven, 8));
  const auto diagnostics = Lint(Cnp({WebRule(std::vector<ir::PeerRule>{FromEndpoints(Ingress(6), peer_selector)})}));
  REQUIRE(Count(diagnostics, RuleId::kLongSelectorValueList) == 1);
  CHECK(Find(diagnostics, RuleId::kLongSelectorValueList)->location == At(8));
  CHECK(Find(diagnostics, RuleId::kLongSelectorValueList)->severity == ir::Severity::kInfo);

  peer_selector.match_expressions[0].values = ten;
  const auto at_limit = Lint(Cnp({WebRule(std::vector<ir::PeerRule>{FromEndpoints(Ingress(6), peer_selector)})}));
  INFO(Summary(at_limit));
  CHECK(at_limit.empty());
}

TEST_CASE("2.2: CCNP `endpointSelector: {}` selects everything, a narrowed one does not", "[lint][selectors]") {
  ir::Rule rule = WebRule(std::vector<ir::PeerRule>{FromEndpoints(Ingress(6), Selector({{"app", "a"}}, 7))});
  rule.endpoint_selector = Selector({}, 5);
  const auto diagnostics = Lint(Ccnp({rule}));
  REQUIRE(Count(diagnostics, RuleId::kEmptyEndpointSelectorCcnp) == 1);
  CHECK(Find(diagnostics, RuleId::kEmptyEndpointSelectorCcnp)->location == At(5));

  rule.endpoint_selector = Selector({{"io.kubernetes.pod.namespace", "prod"}}, 5);
  CHECK(Lint(Ccnp({rule})).empty());
  // The same wildcard in a namespaced CNP means "this namespace": fine.
  rule.endpoint_selector = Selector({}, 5);
  CHECK(Lint(Cnp({rule})).empty());
}

}  // namespace
}  // namespace polc::verifier
