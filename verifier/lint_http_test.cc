// Tests for lint_http.cc: invalid-http-regex on host (cilium-semantics.md 1.7),
// http-path-not-absolute and http-path-full-match (7.1),
// http-header-presence-only (7.2).
#include <catch2/catch.hpp>

#include "verifier/lint_test_util.h"

namespace polc::verifier {
namespace {

using namespace test;  // NOLINT(build/namespaces): test-only helpers
using ir::RuleId;

ir::Policy WithHttp(ir::HttpRule http) {
  ir::PeerRule peer = FromEndpoints(Ingress(6), Selector({{"app", "api"}}, 7));
  peer.to_ports = std::vector<ir::PortRule>{HttpPorts("80", {std::move(http)}, 8)};
  return Cnp({WebRule(std::vector<ir::PeerRule>{peer})});
}

ir::HttpRule Path(std::string path) {
  ir::HttpRule http;
  http.path = Text(std::move(path), 10);
  return http;
}

TEST_CASE("1.7: an invalid RE2 host is reported at the host", "[lint][http]") {
  ir::HttpRule http;
  http.host = Text("api.(example.com", 11);
  const auto diagnostics = Lint(WithHttp(http));
  REQUIRE(Count(diagnostics, RuleId::kInvalidHttpRegex) == 1);
  const ir::Diagnostic& d = *Find(diagnostics, RuleId::kInvalidHttpRegex);
  CHECK(d.location == At(11));
  CHECK(d.object == 7);
  CHECK(d.severity == ir::Severity::kError);
  CHECK_THAT(d.message, Catch::Contains("missing )"));
}

TEST_CASE("1.7: a valid host regex is not reported", "[lint][http]") {
  ir::HttpRule http;
  http.host = Text("api\\.example\\.com(:443)?", 11);
  const auto diagnostics = Lint(WithHttp(http));
  INFO(Summary(diagnostics));
  CHECK(diagnostics.empty());
}

TEST_CASE("7.1: paths that cannot start with '/' never match", "[lint][http]") {
  for (const char* path : {"api/v1", "v1/.*", "(api|v1)/x", "[a-z]+/x"}) {
    const auto diagnostics = Lint(WithHttp(Path(path)));
    INFO(path);
    REQUIRE(Count(diagnostics, RuleId::kHttpPathNotAbsolute) == 1);
    CHECK(Find(diagnostics, RuleId::kHttpPathNotAbsolute)->location == At(10));
  }
}

TEST_CASE("7.1: regexes that can produce a '/' first are not reported", "[lint][http]") {
  for (const char* path :
       {"/api/v1", "/api/.*", ".*", "(/a|/b)", "[/]x", "/", "^/x$", "\\/x", ".*/health", "/v1/[^/]+"}) {
    const auto diagnostics = Lint(WithHttp(Path(path)));
    INFO(path << ": " << Summary(diagnostics));
    CHECK(diagnostics.empty());
  }
}

TEST_CASE("7.1: a literal path ending in '/' matches only itself (info)", "[lint][http]") {
  const auto diagnostics = Lint(WithHttp(Path("/api/")));
  REQUIRE(Count(diagnostics, RuleId::kHttpPathPrefix) == 1);
  CHECK(Find(diagnostics, RuleId::kHttpPathPrefix)->severity == ir::Severity::kInfo);
  CHECK_THAT(Find(diagnostics, RuleId::kHttpPathPrefix)->hint, Catch::Contains("`/api/.*`"));
  CHECK(Lint(WithHttp(Path("/api/.*"))).empty());
}

TEST_CASE("7.2: `X-Key:v` without a space is only a presence check", "[lint][http]") {
  ir::HttpRule http;
  http.headers = {Text("X-Token:abc", 12)};
  const auto diagnostics = Lint(WithHttp(http));
  REQUIRE(Count(diagnostics, RuleId::kHttpHeaderPresenceOnly) == 1);
  const ir::Diagnostic& d = *Find(diagnostics, RuleId::kHttpHeaderPresenceOnly);
  CHECK(d.location == At(12));
  CHECK_THAT(d.hint, Catch::Contains("`X-Token: abc`"));
}

TEST_CASE("7.2: `X-Key: v`, `X-Key v`, `X-Key` and `X-Key:` are what they look like", "[lint][http]") {
  ir::HttpRule http;
  http.headers = {Text("X-Token: abc", 12), Text("X-Token abc", 13), Text("X-Token", 14), Text("X-Token:", 15)};
  const auto diagnostics = Lint(WithHttp(http));
  INFO(Summary(diagnostics));
  CHECK(diagnostics.empty());
}

}  // namespace
}  // namespace polc::verifier
