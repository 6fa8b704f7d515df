// `polc test` and `polc query` end to end, through the binary (issue 3
// sections 4 and 5; policy-test-format.md): output shape, exit codes, JSON and
// JUnit validity, the trail of a failed case, errors in tests and policies.
// Fixtures: testdata/test_command/.
#include <regex>
#include <sstream>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tests/test_util.h"

namespace polc::testing {
namespace {

constexpr const char* kDir = "testdata/test_command";

CommandResult Polc(const std::string& args) {
  return RunCommand("cd " + SourceDir() + " && " + Binary() + " " + args);
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The one-line-per-case shape CI tooling relies on.
const std::regex kCaseLine(R"(^(PASS|FAIL)  [^/]+/.+  (allow|deny|audit|error)  .+$)");

TEST_CASE("polc test: one line per case, summary last, exit 0 when all pass", "[test-command]") {
  CommandResult r = Polc(fmt::format("test {}/basic", kDir));
  INFO(r.output);
  CHECK(r.exit_code == 0);
  std::vector<std::string> lines = Lines(r.output);
  REQUIRE(lines.size() == 6);
  for (size_t i = 0; i < 5; ++i) CHECK(std::regex_match(lines[i], kCaseLine));
  CHECK(lines[0] == "PASS  web/client reaches web on 8080  allow  egress: no policy, ingress: "
                    "testdata/test_command/basic/web-policy.yaml:11");
  CHECK(lines[2] == "PASS  web/client cannot reach web on 9090  deny  ingress: default deny");
  CHECK(lines[5] == "5 passed, 0 failed");
}

TEST_CASE("polc test: a failed case prints the whole trail and exits 1", "[test-command]") {
  CommandResult r = Polc(fmt::format("test {}/failing", kDir));
  INFO(r.output);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.output, Catch::StartsWith("FAIL  web-wrong/other reaches web  deny  ingress: default deny\n"));
  CHECK_THAT(r.output, Catch::Contains("    case: testdata/test_command/failing/web-test.yaml:15\n"));
  CHECK_THAT(r.output, Catch::Contains("    why: expected allow, but the verdict is deny at ingress (default-deny)\n"));
  // Both directions, each with its enforcement and decision.
  CHECK_THAT(r.output, Catch::Contains("    egress (at the source): allow\n"));
  CHECK_THAT(r.output, Catch::Contains("    ingress (at the destination): deny (default-deny)\n"));
  CHECK_THAT(r.output, Catch::Contains("      enforcement: on, default deny"));
  CHECK_THAT(r.output, Catch::Contains("      decided by: default deny (no rule allows it)\n"));
  CHECK_THAT(r.output, Catch::Contains("PASS  web-wrong/web reaches other  allow"));
  CHECK_THAT(r.output, Catch::EndsWith("\n1 passed, 1 failed\n"));
}

TEST_CASE("polc test --format json: ordered keys, summary, trail", "[test-command]") {
  CommandResult r = Polc(fmt::format("test --format json {}/failing", kDir));
  CHECK(r.exit_code == 1);
  nlohmann::ordered_json j = nlohmann::ordered_json::parse(r.output);
  CHECK(j.begin().key() == "tests");
  CHECK(j["summary"] == nlohmann::ordered_json{{"passed", 1}, {"failed", 1}});
  REQUIRE(j["tests"].size() == 1);
  const auto& test = j["tests"][0];
  REQUIRE(test["cases"].size() == 2);
  CHECK(test["name"] == "web-wrong");
  CHECK(test["file"] == "testdata/test_command/failing/web-test.yaml");
  CHECK(test["cases"][0]["result"] == "fail");
  CHECK(test["cases"][0]["verdict"] == "deny");
  CHECK(test["cases"][0]["trail"]["deniedAt"] == "ingress");
  CHECK(test["cases"][0]["trail"]["ingress"]["defaultDeny"] == true);
  CHECK(test["cases"][1]["result"] == "pass");
}

TEST_CASE("polc test --format junit: testsuites, a testsuite per PolicyTest, failure with the trail",
          "[test-command]") {
  CommandResult r = Polc(fmt::format("test --format junit {}/failing {}/basic", kDir, kDir));
  CHECK(r.exit_code == 1);
  const std::string& xml = r.output;
  CHECK_THAT(xml, Catch::StartsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                                    "<testsuites name=\"polc test\" tests=\"7\" failures=\"1\">\n"));
  CHECK_THAT(xml, Catch::Contains("<testsuite name=\"web-wrong\" tests=\"2\" failures=\"1\""));
  CHECK_THAT(xml, Catch::Contains("<testsuite name=\"web\" tests=\"5\" failures=\"0\""));
  CHECK_THAT(xml, Catch::Contains("<failure message=\"case: testdata/test_command/failing/web-test.yaml:15&#10;"));
  CHECK_THAT(xml, Catch::Contains("ingress (at the destination): deny (default-deny)"));
  // Balanced elements: every suite and failing case is closed.
  auto count = [&xml](const std::string& s) {
    size_t n = 0;
    for (size_t at = xml.find(s); at != std::string::npos; at = xml.find(s, at + 1)) ++n;
    return n;
  };
  CHECK(count("<testsuite ") == 2);
  CHECK(count("</testsuite>") == 2);
  CHECK(count("<testcase ") == 7);
  CHECK(count("<failure ") == 1);
  CHECK(count("</failure>") == 1);
  CHECK_THAT(xml, Catch::EndsWith("</testsuites>\n"));
}

TEST_CASE("polc test: a typo in a PolicyTest is an error with did-you-mean, and the test fails", "[test-command]") {
  CommandResult r = Polc(fmt::format("test {}/typo 2>&1", kDir));
  INFO(r.output);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.output, Catch::Contains("testdata/test_command/typo/web-test.yaml:15:7"));
  CHECK_THAT(r.output, Catch::Contains("did you mean 'expect'?"));
  CHECK_THAT(r.output, Catch::Contains("FAIL  web-typo"));
  CHECK_THAT(r.output, Catch::EndsWith("0 passed, 1 failed\n"));
}

TEST_CASE("polc test: policies with errors fail the test with file:line:col", "[test-command]") {
  CommandResult r = Polc(fmt::format("test {}/bad-policy 2>/dev/null", kDir));
  INFO(r.output);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.output, Catch::StartsWith("FAIL  web-bad-policy/client reaches web  error  policies have errors\n"));
  CHECK_THAT(r.output, Catch::Contains("testdata/test_command/bad-policy/web-policy.yaml:11:7: error: "));
  CHECK_THAT(r.output, Catch::Contains("[unknown-field]"));
  CHECK_THAT(r.output, Catch::EndsWith("\n0 passed, 1 failed\n"));
}

TEST_CASE("polc test: spec.policies relative to the test file, with their manifests as inventory",
          "[test-command]") {
  CommandResult r = Polc(fmt::format("test {}/spec-policies/tests", kDir));
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Contains("PASS  web-spec-policies/client reaches web by port name  allow  egress: no "
                                       "policy, ingress: testdata/test_command/spec-policies/policies/web-policy.yaml:11"));
  CHECK_THAT(r.output, Catch::EndsWith("\n2 passed, 0 failed\n"));
}

// Section 10: toServices + toPorts is rejected by the 1.16 agent and accepted
// since 1.17. The same inputs are loaded under each test's ciliumVersion.
TEST_CASE("polc test: spec.settings.ciliumVersion reloads the inputs under that version", "[test-command]") {
  CommandResult strict = Polc(fmt::format("test {}/settings 2>/dev/null", kDir));
  INFO(strict.output);
  CHECK(strict.exit_code == 1);
  CHECK_THAT(strict.output, Catch::StartsWith("FAIL  settings-1.16/client reaches web on 8080  error  policies have errors\n"));
  CHECK_THAT(strict.output, Catch::Contains("testdata/test_command/settings/client-egress.yaml:15:11: error: "));
  CHECK_THAT(strict.output, Catch::Contains("[unsupported-combination]"));
  CHECK_THAT(strict.output, Catch::Contains("PASS  settings-1.17/client reaches web on 8080  allow  egress: "
                                            "testdata/test_command/settings/client-egress.yaml:12, ingress: no policy\n"));
  CHECK_THAT(strict.output, Catch::Contains("PASS  settings-1.17/client cannot reach web on 9090  deny  egress: default deny\n"));
  CHECK_THAT(strict.output, Catch::EndsWith("\n2 passed, 2 failed\n"));
  // --rejected-policies ignore: at 1.16 the rejected policy takes no part, so
  // nothing selects the client and 9090 is allowed too (the case says deny).
  CommandResult ignore = Polc(fmt::format("test --rejected-policies ignore {}/settings 2>/dev/null", kDir));
  CHECK(ignore.exit_code == 1);
  CHECK_THAT(ignore.output, Catch::Contains("PASS  settings-1.16/client reaches web on 8080  allow  egress: no policy"));
  CHECK_THAT(ignore.output, Catch::Contains("FAIL  settings-1.16/client cannot reach web on 9090  allow  egress: no policy"));
  CHECK_THAT(ignore.output, Catch::EndsWith("\n3 passed, 1 failed\n"));
}

TEST_CASE("polc test --tests FILE reads the tests from FILE and the policies from PATH", "[test-command]") {
  CommandResult r = Polc(fmt::format("test {0}/basic/web-policy.yaml --tests {0}/basic/web-test.yaml", kDir));
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::EndsWith("\n5 passed, 0 failed\n"));
  // The same tests without the policies: web is not selected, every flow is allowed.
  CommandResult alone = Polc(fmt::format("test --tests {0}/basic/web-test.yaml", kDir));
  CHECK(alone.exit_code == 1);
  CHECK_THAT(alone.output, Catch::EndsWith("\n3 passed, 2 failed\n"));
}

TEST_CASE("polc test: exit 2 for unreadable inputs, no PolicyTest, bad flags", "[test-command]") {
  CHECK(Polc(fmt::format("test {}/no-such-folder 2>/dev/null", kDir)).exit_code == 2);
  CommandResult none = Polc(fmt::format("test {}/basic/web-policy.yaml 2>&1", kDir));
  CHECK(none.exit_code == 2);
  CHECK_THAT(none.output, Catch::Contains("no PolicyTest found"));
  CHECK(Polc("test 2>/dev/null").exit_code == 2);
  CHECK(Polc(fmt::format("test --format xml {}/basic 2>/dev/null", kDir)).exit_code == 2);
  CHECK(Polc(fmt::format("test --cilium-version 1.9 {}/basic 2>/dev/null", kDir)).exit_code == 2);
}

TEST_CASE("polc query: verdict and explanation with file:line, and exit codes", "[query-command]") {
  std::string policies = fmt::format("{}/spec-policies/policies", kDir);
  CommandResult allowed = Polc(fmt::format("query {} --from shop/client --to shop/web --port 8080", policies));
  INFO(allowed.output);
  CHECK(allowed.exit_code == 0);
  CHECK_THAT(allowed.output, Catch::Contains("Connection between endpoint:shop/client => endpoint:shop/web:"));
  CHECK_THAT(allowed.output, Catch::Contains("Allowed TCP 8080 due to the following policies // rules:"));
  CHECK_THAT(allowed.output, Catch::Contains("CNP shop/web-ingress"));
  CHECK_THAT(allowed.output, Catch::Contains("(testdata/test_command/spec-policies/policies/web-policy.yaml:11)"));
  CHECK_THAT(allowed.output, Catch::EndsWith("verdict: allow\n"));

  std::string denied_args = fmt::format("query {} --from shop/client --to endpoint:shop/web --port 9090", policies);
  CommandResult denied = Polc(denied_args);
  CHECK(denied.exit_code == 0);  // answered; the verdict is in the output
  CHECK_THAT(denied.output, Catch::Contains("default deny: no rule allows this connection"));
  CHECK_THAT(denied.output, Catch::EndsWith("verdict: deny (denied at ingress, default-deny)\n"));
  CHECK(Polc(denied_args + " --fail-on-deny").exit_code == 1);

  nlohmann::ordered_json j = nlohmann::ordered_json::parse(Polc(denied_args + " --format json").output);
  CHECK(j.begin().key() == "from");
  CHECK(j["to"] == "endpoint:shop/web");
  CHECK(j["connection"] == "TCP 9090");
  CHECK(j["verdict"] == "deny");
  CHECK(j["deniedAt"] == "ingress");
  CHECK(j["reason"] == "default-deny");
}

TEST_CASE("polc query: labels, ip and named-port peers", "[query-command]") {
  std::string policies = fmt::format("{}/spec-policies/policies", kDir);
  // An anonymous pod with the client's labels is allowed like the client (2.1).
  CommandResult labels = Polc(fmt::format("query {} --from labels:shop/app=client --to shop/web --port 8080", policies));
  CHECK(labels.exit_code == 0);
  CHECK_THAT(labels.output, Catch::EndsWith("verdict: allow\n"));
  // An address no endpoint has is world, which the policy does not allow.
  CommandResult world = Polc(fmt::format("query {} --from ip:8.8.8.8 --to shop/web --port 8080", policies));
  CHECK_THAT(world.output, Catch::Contains("Connection between ip:8.8.8.8 => endpoint:shop/web:"));
  CHECK_THAT(world.output, Catch::EndsWith("verdict: deny (denied at ingress, default-deny)\n"));
  // A named port of the destination (the pod's containerPort http = 8080).
  CommandResult named =
      Polc(fmt::format("query {} --from shop/client --to shop/web --port http --http 'GET /x'", policies));
  CHECK_THAT(named.output, Catch::Contains("Allowed TCP http (GET /x) due to"));
  CHECK_THAT(named.output, Catch::EndsWith("verdict: allow\n"));
  // An endpoint that is not in the inventory cannot be evaluated: exit 2.
  CommandResult unknown = Polc(fmt::format("query {} --from shop/nope --to shop/web --port 8080 2>&1", policies));
  CHECK(unknown.exit_code == 2);
  CHECK_THAT(unknown.output, Catch::Contains("shop/nope"));
}

TEST_CASE("polc query: bad peers and flags are usage errors (exit 2) with a hint", "[query-command]") {
  std::string policies = fmt::format("{}/spec-policies/policies", kDir);
  CommandResult typo = Polc(fmt::format("query {} --from entity:wrold --to shop/web 2>&1", policies));
  CHECK(typo.exit_code == 2);
  CHECK_THAT(typo.output, Catch::Contains("did you mean 'world'?"));
  CHECK(Polc(fmt::format("query {} --from shop/client --to shop/web --protocol TPC 2>/dev/null", policies)).exit_code == 2);
  CHECK(Polc(fmt::format("query {} --from shop/client --to shop/web --port 70000 2>/dev/null", policies)).exit_code == 2);
  CHECK(Polc(fmt::format("query {} --from shop/client --to shop/web --http GET 2>/dev/null", policies)).exit_code == 2);
  CHECK(Polc(fmt::format("query {} --to shop/web 2>/dev/null", policies)).exit_code == 2);
}

}  // namespace
}  // namespace polc::testing
