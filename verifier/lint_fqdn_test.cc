// Tests for lint_fqdn.cc: fqdn-too-broad, fqdn-never-matches, fqdn-double-star
// (cilium-semantics.md 6.1-6.5).
#include <catch2/catch.hpp>

#include "verifier/lint_test_util.h"

namespace polc::verifier {
namespace {

using namespace test;  // NOLINT(build/namespaces): test-only helpers
using ir::RuleId;

ir::Policy ToFqdn(ir::FqdnSelector selector) {
  ir::PeerRule peer = Egress(6);
  peer.fqdns = std::vector<ir::FqdnSelector>{std::move(selector)};
  peer.to_ports = std::vector<ir::PortRule>{Ports({"443"}, 8)};
  return Cnp({WebRule(std::nullopt, std::vector<ir::PeerRule>{peer})});
}

ir::Policy DnsRule(ir::FqdnSelector selector) {
  ir::PeerRule peer = FromEndpoints(Egress(6), Selector({{"k8s:k8s-app", "kube-dns"}}, 7));
  peer.to_ports = std::vector<ir::PortRule>{DnsPorts({std::move(selector)}, 8)};
  return Cnp({WebRule(std::nullopt, std::vector<ir::PeerRule>{peer})});
}

TEST_CASE("6.3: `*`, `**.` and `*.com` are too broad", "[lint][fqdn]") {
  for (const char* pattern : {"*", "**.", "*.", "*.com", "*.COM.", "*.*.io", "*.*"}) {
    const auto diagnostics = Lint(ToFqdn(MatchPattern(pattern, 9)));
    INFO(pattern << ": " << Summary(diagnostics));
    REQUIRE(Count(diagnostics, RuleId::kFqdnTooBroad) == 1);
    CHECK(Find(diagnostics, RuleId::kFqdnTooBroad)->location == At(9));
    CHECK(Find(diagnostics, RuleId::kFqdnTooBroad)->object == 7);
  }
  CHECK_THAT(Find(Lint(ToFqdn(MatchPattern("*.com", 9))), RuleId::kFqdnTooBroad)->message, Catch::Contains("`.com`"));
}

TEST_CASE("6.2: patterns with two fixed labels and plain names are fine", "[lint][fqdn]") {
  for (const char* pattern : {"*.example.com", "api.example.com", "sub*.x.io", "*.*.svc.cluster.local", "com"}) {
    const auto diagnostics = Lint(ToFqdn(MatchPattern(pattern, 9)));
    INFO(pattern << ": " << Summary(diagnostics));
    CHECK(diagnostics.empty());
  }
  CHECK(Lint(ToFqdn(MatchName("api.example.com.", 9))).empty());
}

TEST_CASE("6.1: names and patterns no DNS name can match", "[lint][fqdn]") {
  for (const char* text : {".example.com", "a..example.com", ""}) {
    INFO(text);
    CHECK(Count(Lint(ToFqdn(MatchName(text, 9))), RuleId::kFqdnNeverMatches) == 1);
    CHECK(Count(Lint(ToFqdn(MatchPattern(text, 9))), RuleId::kFqdnNeverMatches) == 1);
  }
  const std::string long_label(64, 'a');
  CHECK(Count(Lint(ToFqdn(MatchName(long_label + ".com", 9))), RuleId::kFqdnNeverMatches) == 1);
  CHECK(Lint(ToFqdn(MatchName(std::string(63, 'a') + ".com", 9))).empty());
}

TEST_CASE("6.5: odd characters: 1.18 patterns are linted, the rest is Sanitize's", "[lint][fqdn]") {
  const auto v118 = Lint(ToFqdn(MatchPattern("https://*.example.com", 9)), Version(1, 18));
  REQUIRE(Count(v118, RuleId::kFqdnNeverMatches) == 1);
  CHECK_THAT(Find(v118, RuleId::kFqdnNeverMatches)->message, Catch::Contains("':'"));
  // Since 1.19 Sanitize rejects the pattern (invalid-fqdn); matchName always.
  CHECK(Count(Lint(ToFqdn(MatchPattern("https://*.example.com", 9)), Version(1, 19)), RuleId::kFqdnNeverMatches) == 0);
  CHECK(Count(Lint(ToFqdn(MatchName("example.com/x", 9)), Version(1, 18)), RuleId::kFqdnNeverMatches) == 0);
}

TEST_CASE("6.4: `**.` before 1.19 matches one label only", "[lint][fqdn]") {
  const auto v118 = Lint(ToFqdn(MatchPattern("**.cilium.io", 9)), Version(1, 18));
  REQUIRE(Count(v118, RuleId::kFqdnDoubleStar) == 1);
  CHECK_THAT(Find(v118, RuleId::kFqdnDoubleStar)->message, Catch::Contains("1.18"));
  const auto v119 = Lint(ToFqdn(MatchPattern("**.cilium.io", 9)), Version(1, 19));
  INFO(Summary(v119));
  CHECK(v119.empty());
}

TEST_CASE("6.4: `**` that is not a leading prefix behaves like `*`", "[lint][fqdn]") {
  const auto diagnostics = Lint(ToFqdn(MatchPattern("api.**.example.com", 9)), Version(1, 19));
  REQUIRE(Count(diagnostics, RuleId::kFqdnDoubleStar) == 1);
  CHECK(Lint(ToFqdn(MatchPattern("api.*.example.com", 9)), Version(1, 19)).empty());
}

TEST_CASE("6.6: DNS L7 rules (rules.dns) are checked for names that never match", "[lint][fqdn]") {
  const auto diagnostics = Lint(DnsRule(MatchPattern("api..example.org", 9)));
  REQUIRE(Count(diagnostics, RuleId::kFqdnNeverMatches) == 1);
  CHECK_THAT(Find(diagnostics, RuleId::kFqdnNeverMatches)->message, Catch::Contains("rules.dns"));
  CHECK(Count(Lint(DnsRule(MatchPattern("**.example.org", 9)), Version(1, 18)), RuleId::kFqdnDoubleStar) == 1);
}

TEST_CASE("6.6: `matchPattern: \"*\"` in rules.dns is the documented DNS visibility rule, not too broad",
          "[lint][fqdn]") {
  for (const char* pattern : {"*", "*.org"}) {
    const auto diagnostics = Lint(DnsRule(MatchPattern(pattern, 9)));
    INFO(pattern << ": " << Summary(diagnostics));
    CHECK(diagnostics.empty());
  }
}

}  // namespace
}  // namespace polc::verifier
