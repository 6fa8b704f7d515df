// The lints over Cilium's own policies (../shared/corpus/cilium). These are
// valid, reviewed examples, so lints that claim "this can never work" must
// stay silent on them; the advisory ones (l4-only-allows-world, ...) may
// fire and their counts are printed for review (`polc_tests "[lint-corpus]" -s`).
#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "compiler/loader.h"
#include "verifier/lints.h"

namespace polc::verifier {
namespace {

std::string CorpusRoot() {
  const char* dir = std::getenv("POLC_SOURCE_DIR");
  return std::string(dir != nullptr ? dir : POLC_SOURCE_DIR) + "/../shared/corpus/cilium";
}

std::vector<ir::Diagnostic> LintPaths(const std::vector<std::string>& paths, size_t* policies = nullptr) {
  compiler::LoadOptions options;
  compiler::LoadResult result = compiler::Load(paths, options);
  if (policies != nullptr) *policies = result.policies.policies.size();
  ir::DiagnosticSink sink;
  RunLints(result.policies, options.settings, sink);
  return sink.diagnostics();
}

TEST_CASE("the simple L3 example (examples/policies/l3/simple/l3.yaml) lints clean", "[lint][lint-corpus]") {
  size_t policies = 0;
  const auto diagnostics = LintPaths({CorpusRoot() + "/examples/policies/l3/simple/l3.yaml"}, &policies);
  CHECK(policies == 1);
  for (const ir::Diagnostic& d : diagnostics) FAIL_CHECK(ir::Info(d.rule).id << ": " << d.message);
}

std::map<std::string_view, int> CountCorpusFindings() {
  size_t policies = 0;
  const auto diagnostics = LintPaths({CorpusRoot()}, &policies);
  REQUIRE(policies > 100);  // the corpus holds ~105 CNP/CCNP/KNP documents (cilium-semantics.md 9.1)
  std::map<std::string_view, int> per_rule;
  for (const ir::Diagnostic& d : diagnostics) ++per_rule[ir::Info(d.rule).id];
  return per_rule;
}

// Hidden (run with `polc_tests "[lint-corpus-counts]"`): prints the count of
// findings per rule on the corpus, for review.
TEST_CASE("lint finding counts on the Cilium corpus", "[.][lint-corpus-counts]") {
  for (const auto& [id, count] : CountCorpusFindings()) WARN(id << ": " << count);
}

TEST_CASE("lints on the whole Cilium corpus", "[lint][lint-corpus]") {
  std::map<std::string_view, int> per_rule = CountCorpusFindings();
  for (const auto& [id, count] : per_rule) UNSCOPED_INFO(id << ": " << count);

  // Cilium's examples are applied and tested by Cilium's CI, so nothing in
  // them is rejected by the CRD or can never match.
  for (std::string_view id : {"unknown-entity", "entity-not-in-crd", "fqdn-never-matches", "http-path-not-absolute",
                              "invalid-http-regex", "namespace-label-overwritten", "knp-policy-types-mismatch",
                              "selector-matches-nothing"}) {
    INFO(id);
    CHECK(per_rule[id] == 0);
  }
  // `matchPattern: "*"` in DNS rules is all over the examples (6.6) and must
  // not count as too broad; no example uses a broad toFQDNs pattern.
  CHECK(per_rule["fqdn-too-broad"] == 0);
  // Ports-only ingress rules do occur (e.g. l7/http/http.yaml, l4/multi_rule.yaml):
  // they really do admit world, so the lint must see them.
  CHECK(per_rule["l4-only-allows-world"] >= 2);
}

}  // namespace
}  // namespace polc::verifier
