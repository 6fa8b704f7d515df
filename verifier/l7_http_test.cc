// Tests for l7_http.cc: HTTP rules as Envoy evaluates them (cilium-semantics.md 7.1-7.4).
#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

#include "verifier/l7_match.h"

namespace polc::verifier {
namespace {

ir::Located L(std::string text) { return ir::Located{std::move(text), {}}; }

ir::HttpRequest Get(std::string path, std::map<std::string, std::string> headers = {}) {
  ir::HttpRequest request;
  request.method = "GET";
  request.path = std::move(path);
  request.host = "api.example.com";
  request.headers = std::move(headers);
  return request;
}

ir::HttpRule PathRule(std::string path) {
  ir::HttpRule rule;
  rule.path = L(std::move(path));
  return rule;
}

TEST_CASE("7.4: an empty HTTP rule matches every request", "[l7][http]") {
  CHECK(HttpRuleMatches(ir::HttpRule{}, Get("/")));
  CHECK(HttpRuleMatches(ir::HttpRule{}, Get("/anything/at/all", {{"X", "y"}})));
  CHECK(HttpAllowed({ir::HttpRule{}}, Get("/x")));
}

TEST_CASE("7.4: an empty list of HTTP rules allows nothing", "[l7][http]") {
  CHECK_FALSE(HttpAllowed({}, Get("/")));
}

TEST_CASE("7.1: path is an RE2 full match, not a prefix or substring", "[l7][http]") {
  CHECK(HttpRuleMatches(PathRule("/status"), Get("/status")));
  CHECK_FALSE(HttpRuleMatches(PathRule("/status"), Get("/status/x")));  // gh cilium/cilium#13280
  CHECK_FALSE(HttpRuleMatches(PathRule("/status"), Get("/a/status")));
  CHECK(HttpRuleMatches(PathRule("/status.*"), Get("/status/x")));
  CHECK(HttpRuleMatches(PathRule("/public/[0-9]+"), Get("/public/42")));
  CHECK_FALSE(HttpRuleMatches(PathRule("/public/[0-9]+"), Get("/public/42a")));
  // \d{3} does not match 1234 (Envoy string.proto example of full matching).
  CHECK_FALSE(HttpRuleMatches(PathRule("/\\d{3}"), Get("/1234")));
  CHECK(HttpRuleMatches(PathRule("/\\d{3}"), Get("/123")));
}

TEST_CASE("7.1: RE2 syntax, not POSIX or PCRE", "[l7][http]") {
  // RE2 has no backreferences: the pattern does not compile and matches nothing.
  CHECK_FALSE(HttpRuleMatches(PathRule("/(a)\\1"), Get("/aa")));
  // POSIX bracket classes work inside brackets in RE2.
  CHECK(HttpRuleMatches(PathRule("/[[:digit:]]+"), Get("/123")));
  // An alternation is anchored as a whole: /a|/b full-matches /b only when the whole value is /b.
  CHECK(HttpRuleMatches(PathRule("/a|/b"), Get("/b")));
  CHECK_FALSE(HttpRuleMatches(PathRule("/a|/b"), Get("/bc")));
}

TEST_CASE("7.1: method and host are full matches too", "[l7][http]") {
  ir::HttpRule rule;
  rule.method = L("GET|HEAD");
  CHECK(HttpRuleMatches(rule, Get("/")));
  ir::HttpRequest post = Get("/");
  post.method = "POST";
  CHECK_FALSE(HttpRuleMatches(rule, post));
  rule.method = L("GE");
  CHECK_FALSE(HttpRuleMatches(rule, Get("/")));  // not a prefix match

  ir::HttpRule host;
  host.host = L("api\\.example\\.com");
  CHECK(HttpRuleMatches(host, Get("/")));
  ir::HttpRequest other = Get("/");
  other.host = "api.example.com.evil.io";
  CHECK_FALSE(HttpRuleMatches(host, other));
}

TEST_CASE("7.4: the fields of one rule are ANDed", "[l7][http]") {
  ir::HttpRule rule;
  rule.method = L("GET");
  rule.path = L("/v1/.*");
  CHECK(HttpRuleMatches(rule, Get("/v1/items")));
  CHECK_FALSE(HttpRuleMatches(rule, Get("/v2/items")));
  ir::HttpRequest put = Get("/v1/items");
  put.method = "PUT";
  CHECK_FALSE(HttpRuleMatches(rule, put));
}

TEST_CASE("7.4: the rules of a list are ORed", "[l7][http]") {
  const std::vector<ir::HttpRule> rules = {PathRule("/a"), PathRule("/b")};
  CHECK(HttpAllowed(rules, Get("/a")));
  CHECK(HttpAllowed(rules, Get("/b")));
  CHECK_FALSE(HttpAllowed(rules, Get("/c")));
}

ir::HttpRule HeaderRule(std::string entry) {
  ir::HttpRule rule;
  rule.headers.push_back(L(std::move(entry)));
  return rule;
}

TEST_CASE("7.2: 'Name: value' and 'Name value' are exact value matches", "[l7][http]") {
  for (const char* entry : {"X-Key: secret", "X-Key secret", "X-Key:: secret"}) {
    INFO(entry);
    CHECK(HttpRuleMatches(HeaderRule(entry), Get("/", {{"X-Key", "secret"}})));
    CHECK_FALSE(HttpRuleMatches(HeaderRule(entry), Get("/", {{"X-Key", "secret2"}})));
    CHECK_FALSE(HttpRuleMatches(HeaderRule(entry), Get("/", {{"X-Key", "Secret"}})));
    CHECK_FALSE(HttpRuleMatches(HeaderRule(entry), Get("/")));
  }
  // Only the first space splits: the value keeps its inner spaces.
  CHECK(HttpRuleMatches(HeaderRule("X-Key: a b"), Get("/", {{"X-Key", "a b"}})));
  CHECK_FALSE(HttpRuleMatches(HeaderRule("X-Key: a b"), Get("/", {{"X-Key", "a"}})));
}

TEST_CASE("7.2: a single token is a presence check", "[l7][http]") {
  CHECK(HttpRuleMatches(HeaderRule("X-Key"), Get("/", {{"X-Key", "anything"}})));
  CHECK(HttpRuleMatches(HeaderRule("X-Key"), Get("/", {{"X-Key", ""}})));
  CHECK_FALSE(HttpRuleMatches(HeaderRule("X-Key"), Get("/", {{"X-Other", "v"}})));
}

TEST_CASE("7.2 gotcha: 'X-Key:v' without a space asks for a header named 'X-Key:v'", "[l7][http]") {
  CHECK_FALSE(HttpRuleMatches(HeaderRule("X-Key:v"), Get("/", {{"X-Key", "v"}})));
  CHECK(HttpRuleMatches(HeaderRule("X-Key:v"), Get("/", {{"X-Key:v", "whatever"}})));
}

TEST_CASE("7.2: header names are case-insensitive, values are not", "[l7][http]") {
  CHECK(HttpRuleMatches(HeaderRule("x-key: V"), Get("/", {{"X-KEY", "V"}})));
  CHECK(HttpRuleMatches(HeaderRule("X-KEY"), Get("/", {{"x-key", "1"}})));
  CHECK_FALSE(HttpRuleMatches(HeaderRule("x-key: V"), Get("/", {{"X-KEY", "v"}})));
}

ir::HttpRule HeaderMatchRule(std::string name, std::string value, ir::HeaderMismatch mismatch) {
  ir::HttpRule rule;
  ir::HeaderMatch match;
  match.name = std::move(name);
  match.value = std::move(value);
  match.mismatch = mismatch;
  rule.header_matches.push_back(match);
  return rule;
}

TEST_CASE("7.3: headerMatches without a mismatch action fail on a mismatch", "[l7][http]") {
  const ir::HttpRule rule = HeaderMatchRule("X-Token", "abc", ir::HeaderMismatch::kNone);
  CHECK(HttpRuleMatches(rule, Get("/", {{"X-Token", "abc"}})));
  CHECK(HttpRuleMatches(rule, Get("/", {{"x-token", "abc"}})));
  CHECK_FALSE(HttpRuleMatches(rule, Get("/", {{"X-Token", "abcd"}})));
  CHECK_FALSE(HttpRuleMatches(rule, Get("/")));
}

TEST_CASE("7.3: headerMatches with no value and no secret require presence", "[l7][http]") {
  const ir::HttpRule rule = HeaderMatchRule("X-Token", "", ir::HeaderMismatch::kNone);
  CHECK(HttpRuleMatches(rule, Get("/", {{"X-Token", "anything"}})));
  CHECK_FALSE(HttpRuleMatches(rule, Get("/")));
}

TEST_CASE("7.3: a mismatch action (LOG/ADD/DELETE/REPLACE) lets the request through", "[l7][http]") {
  for (auto action : {ir::HeaderMismatch::kLog, ir::HeaderMismatch::kAdd, ir::HeaderMismatch::kDelete,
                      ir::HeaderMismatch::kReplace}) {
    INFO(static_cast<int>(action));
    const ir::HttpRule rule = HeaderMatchRule("X-Token", "abc", action);
    CHECK(HttpRuleMatches(rule, Get("/", {{"X-Token", "abc"}})));
    CHECK(HttpRuleMatches(rule, Get("/", {{"X-Token", "wrong"}})));
    CHECK(HttpRuleMatches(rule, Get("/")));
  }
  // The other fields still decide.
  ir::HttpRule rule = HeaderMatchRule("X-Token", "abc", ir::HeaderMismatch::kLog);
  rule.path = L("/ok");
  CHECK_FALSE(HttpRuleMatches(rule, Get("/not-ok")));
}

TEST_CASE("7.3: a secret's value is unknown offline, so a failing secret match never matches", "[l7][http]") {
  ir::HttpRule rule = HeaderMatchRule("X-Token", "", ir::HeaderMismatch::kNone);
  rule.header_matches[0].secret = ir::SecretRef{"ns", "token"};
  CHECK_FALSE(HttpRuleMatches(rule, Get("/", {{"X-Token", "abc"}})));
  CHECK_FALSE(HttpRuleMatches(rule, Get("/")));
  // With a mismatch action the value does not decide the verdict at all.
  rule.header_matches[0].mismatch = ir::HeaderMismatch::kReplace;
  CHECK(HttpRuleMatches(rule, Get("/")));
}

TEST_CASE("7.2/7.3: headers and headerMatches are ANDed with each other", "[l7][http]") {
  ir::HttpRule rule = HeaderMatchRule("X-Token", "abc", ir::HeaderMismatch::kNone);
  rule.headers.push_back(L("X-Tenant"));
  CHECK(HttpRuleMatches(rule, Get("/", {{"X-Token", "abc"}, {"X-Tenant", "t"}})));
  CHECK_FALSE(HttpRuleMatches(rule, Get("/", {{"X-Token", "abc"}})));
  CHECK_FALSE(HttpRuleMatches(rule, Get("/", {{"X-Tenant", "t"}})));
}

TEST_CASE("7.1: many requests over the same patterns (compiled once) stay correct", "[l7][http]") {
  const std::vector<ir::HttpRule> rules = {PathRule("/item/[0-9]+"), PathRule("/health")};
  for (int i = 0; i < 200; ++i) {
    CHECK(HttpAllowed(rules, Get("/item/" + std::to_string(i))));
  }
  CHECK_FALSE(HttpAllowed(rules, Get("/item/x")));
}

}  // namespace
}  // namespace polc::verifier
