// Judging PolicyTest cases (policy-test-format.md, "Semantics of a case") and
// the three report formats of `polc test`, on hand-built evaluator results so
// they do not depend on the evaluator.
#include "cli/test_runner.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli/render_test_results.h"

namespace polc::cli {
namespace {

verifier::FlowResult Allowed() {
  verifier::FlowResult result;
  result.egress.direction = ir::Direction::kEgress;
  result.ingress.direction = ir::Direction::kIngress;
  return result;
}

verifier::FlowResult Denied(ir::Direction at, ir::DenyReason reason, verifier::Verdict verdict = verifier::Verdict::kDeny) {
  verifier::FlowResult result = Allowed();
  result.verdict = verdict;
  result.denied_at = at;
  result.deny_reason = reason;
  verifier::DirectionResult& side = at == ir::Direction::kEgress ? result.egress : result.ingress;
  side.applies = side.enforced = true;
  side.default_deny = reason == ir::DenyReason::kDefaultDeny;
  side.verdict = verdict;
  side.deny_reason = reason;
  return result;
}

ir::TestCase Expect(ir::Expectation expect) {
  ir::TestCase c;
  c.name = "c";
  c.expect = expect;
  return c;
}

TEST_CASE("judge: expect allow/deny against the overall verdict", "[test-runner]") {
  CHECK(Judge(Expect(ir::Expectation::kAllow), Allowed()).empty());
  CHECK(Judge(Expect(ir::Expectation::kDeny), Denied(ir::Direction::kEgress, ir::DenyReason::kDefaultDeny)).empty());
  auto wrong = Judge(Expect(ir::Expectation::kAllow), Denied(ir::Direction::kIngress, ir::DenyReason::kDenyRule));
  REQUIRE(wrong.size() == 1);
  CHECK(wrong[0] == "expected allow, but the verdict is deny at ingress (deny-rule)");
  auto missed = Judge(Expect(ir::Expectation::kDeny), Allowed());
  REQUIRE(missed.size() == 1);
  CHECK(missed[0] == "expected deny, but the verdict is allow");
}

TEST_CASE("judge: deniedAt and reason are compared when given", "[test-runner]") {
  ir::TestCase c = Expect(ir::Expectation::kDeny);
  c.denied_at = ir::Direction::kEgress;
  c.reason = ir::DenyReason::kDefaultDeny;
  CHECK(Judge(c, Denied(ir::Direction::kEgress, ir::DenyReason::kDefaultDeny)).empty());
  auto side = Judge(c, Denied(ir::Direction::kIngress, ir::DenyReason::kDefaultDeny));
  REQUIRE(side.size() == 1);
  CHECK(side[0] == "expected the deny at egress, but it is at ingress");
  auto reason = Judge(c, Denied(ir::Direction::kEgress, ir::DenyReason::kL7));
  REQUIRE(reason.size() == 1);
  CHECK(reason[0] == "expected reason default-deny, but it is l7");
  // An allowed flow fails on the verdict alone; no side or reason to compare.
  CHECK(Judge(c, Allowed()).size() == 1);
}

TEST_CASE("judge: expectAudit wants the AUDIT verdict, and allow does not accept AUDIT silently", "[test-runner]") {
  ir::TestCase audit = Expect(ir::Expectation::kAllow);
  audit.expect_audit = true;
  auto audited = Denied(ir::Direction::kIngress, ir::DenyReason::kDefaultDeny, verifier::Verdict::kAudit);
  CHECK(Judge(audit, audited).empty());
  CHECK_THAT(Judge(audit, Allowed()).at(0), Catch::StartsWith("expected AUDIT"));
  CHECK_THAT(Judge(Expect(ir::Expectation::kAllow), audited).at(0), Catch::Contains("expectAudit: true"));
}

TEST_CASE("judge: an evaluation error fails the case", "[test-runner]") {
  verifier::FlowResult result = Allowed();
  result.error = "unknown endpoint shop/nope";
  auto mismatches = Judge(Expect(ir::Expectation::kAllow), result);
  REQUIRE(mismatches.size() == 1);
  CHECK_THAT(mismatches[0], Catch::Contains("unknown endpoint shop/nope"));
}

TEST_CASE("merge inventory: inline after manifests, namespaces declared anywhere, undeclared ones added",
          "[test-runner]") {
  ir::Inventory manifests;
  ir::Namespace shop;
  shop.name = "shop";
  shop.labels = {{"team", "a"}};
  manifests.namespaces.push_back(shop);
  ir::Endpoint web;
  web.name = "web";
  web.namespace_ = "shop";
  manifests.endpoints.push_back(web);
  ir::Inventory inline_inventory;
  ir::Namespace shop2 = shop;
  shop2.labels = {{"team", "b"}, {"tier", "1"}};
  inline_inventory.namespaces.push_back(shop2);
  ir::Endpoint db;
  db.name = "db";
  db.namespace_ = "data";
  inline_inventory.endpoints.push_back(db);
  inline_inventory.dns.push_back(ir::DnsRecord{"example.com", {"1.2.3.4"}, {}});

  ir::Inventory merged = MergeInventory(manifests, inline_inventory);
  REQUIRE(merged.endpoints.size() == 2);
  CHECK(merged.endpoints[0].name == "web");
  CHECK(merged.endpoints[1].name == "db");
  CHECK(merged.dns.size() == 1);
  REQUIRE(merged.namespaces.size() == 2);
  CHECK(merged.namespaces[0].name == "data");
  CHECK_FALSE(merged.namespaces[0].declared);
  CHECK(merged.namespaces[0].labels == std::map<std::string, std::string>{{"kubernetes.io/metadata.name", "data"}});
  CHECK(merged.namespaces[1].name == "shop");
  CHECK(merged.namespaces[1].labels == std::map<std::string, std::string>{
                                           {"kubernetes.io/metadata.name", "shop"}, {"team", "b"}, {"tier", "1"}});
}

TrailSide Side(std::string direction) {
  TrailSide side;
  side.direction = std::move(direction);
  side.applies = side.enforced = true;
  side.verdict = "allow";
  return side;
}

TestReport SampleReport() {
  TestReport report;
  TestOutcome test;
  test.name = "web";
  test.file = "tests/web.yaml";
  CaseOutcome pass;
  pass.name = "client reaches web";
  pass.passed = true;
  pass.expected = "allow";
  pass.trail.verdict = "allow";
  pass.trail.egress.direction = "egress";
  pass.trail.ingress = Side("ingress");
  pass.trail.ingress.deciding = TrailRule{"p/web.yaml:12", "CiliumNetworkPolicy shop/web", "ingress[0]", false, false};
  pass.trail.ingress.matches.push_back(*pass.trail.ingress.deciding);
  test.cases.push_back(pass);
  CaseOutcome fail;
  fail.name = "world <blocked> & \"quoted\"";
  fail.location = "tests/web.yaml:30";
  fail.expected = "deny";
  fail.trail.verdict = "allow";
  fail.trail.egress.direction = "egress";
  fail.trail.ingress = Side("ingress");
  fail.trail.ingress.enforcement_reason = "selected by CiliumNetworkPolicy shop/web";
  fail.trail.ingress.deciding = TrailRule{"p/web.yaml:20", "CiliumNetworkPolicy shop/web", "ingress[1]", false, false};
  fail.trail.ingress.matches.push_back(*fail.trail.ingress.deciding);
  fail.mismatches.push_back("expected deny, but the verdict is allow");
  test.cases.push_back(fail);
  report.tests.push_back(test);
  return report;
}

TEST_CASE("test report text: one line per case, trail of failures, summary last", "[test-runner]") {
  std::string text = RenderTestText(SampleReport());
  CHECK_THAT(text, Catch::StartsWith("PASS  web/client reaches web  allow  egress: no policy, ingress: p/web.yaml:12\n"
                                     "FAIL  web/world <blocked> & \"quoted\"  allow  egress: no policy, ingress: p/web.yaml:20\n"));
  CHECK_THAT(text, Catch::Contains("    why: expected deny, but the verdict is allow\n"));
  CHECK_THAT(text, Catch::Contains("    case: tests/web.yaml:30\n"));
  CHECK_THAT(text, Catch::Contains("matched allow: p/web.yaml:20 (ingress[1])"));
  CHECK_THAT(text, Catch::Contains("selected by CiliumNetworkPolicy shop/web"));
  CHECK_THAT(text, Catch::EndsWith("\n1 passed, 1 failed\n"));
  // The trail is printed only for failed cases.
  CHECK(text.find("p/web.yaml:12 (ingress[0])") == std::string::npos);
}

TEST_CASE("test report json: ordered keys and the summary", "[test-runner]") {
  nlohmann::ordered_json j = nlohmann::ordered_json::parse(RenderTestJson(SampleReport()));
  CHECK(j.begin().key() == "tests");
  CHECK(j["summary"]["passed"] == 1);
  CHECK(j["summary"]["failed"] == 1);
  const auto& cases = j["tests"][0]["cases"];
  REQUIRE(cases.size() == 2);
  CHECK(cases[0]["result"] == "pass");
  CHECK(cases[1]["result"] == "fail");
  CHECK(cases[1]["mismatches"][0] == "expected deny, but the verdict is allow");
  CHECK(cases[1]["trail"]["ingress"]["deciding"]["location"] == "p/web.yaml:20");
  std::vector<std::string> keys;
  for (auto it = cases[1].begin(); it != cases[1].end(); ++it) keys.push_back(it.key());
  CHECK(keys == std::vector<std::string>{"name", "location", "result", "expected", "verdict", "deciding", "mismatches",
                                         "trail"});
}

TEST_CASE("test report junit: suites per test, failure message with the trail, escaped", "[test-runner]") {
  std::string xml = RenderTestJunit(SampleReport());
  CHECK_THAT(xml, Catch::StartsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"polc test\" tests=\"2\" failures=\"1\">"));
  CHECK_THAT(xml, Catch::Contains("<testsuite name=\"web\" tests=\"2\" failures=\"1\""));
  CHECK_THAT(xml, Catch::Contains("<testcase name=\"client reaches web\" classname=\"web\"/>"));
  CHECK_THAT(xml, Catch::Contains("<testcase name=\"world &lt;blocked&gt; &amp; &quot;quoted&quot;\" classname=\"web\">"));
  CHECK_THAT(xml, Catch::Contains("<failure message=\"case: tests/web.yaml:30&#10;expected: deny&#10;why: expected deny"));
  CHECK_THAT(xml, Catch::Contains("p/web.yaml:20"));
  CHECK_THAT(xml, Catch::EndsWith("</testsuites>\n"));
  CHECK(XmlEscape(std::string("a\x01z"), false) == "az");
}

TEST_CASE("test report: a test that cannot run fails every case and lists its errors", "[test-runner]") {
  ir::FileTable files;
  ir::FileId id = files.Add("tests/t.yaml", "a\nb\nc\n");
  ir::PolicyTest test;
  test.name = "t";
  test.location = {id, 1, 1};
  ir::TestCase c1 = Expect(ir::Expectation::kAllow);
  c1.name = "one";
  c1.location = {id, 3, 7};
  ir::TestCase c2 = Expect(ir::Expectation::kDeny);
  c2.name = "two";
  test.cases = {c1, c2};
  TestReport report;
  report.tests.push_back(FailedPolicyTest(test, files, {"p.yaml:11:7: error: unknown field [unknown-field]"},
                                          "policies have errors"));
  CHECK(report.Failed() == 2);
  std::string text = RenderTestText(report);
  CHECK_THAT(text, Catch::StartsWith("FAIL  t/one  error  policies have errors\n    case: tests/t.yaml:3\n"));
  CHECK_THAT(text, Catch::Contains("    policies have errors:\n      p.yaml:11:7: error: unknown field [unknown-field]\n"));
  CHECK_THAT(text, Catch::Contains("FAIL  t/two  error  policies have errors\n"));
  CHECK_THAT(text, Catch::EndsWith("\n0 passed, 2 failed\n"));
  // A PolicyTest too broken to have cases still counts once.
  TestOutcome broken;
  broken.name = "broken";
  broken.errors = {"x.yaml:1:1: error: missing field [missing-field]"};
  broken.error_summary = "the PolicyTest has errors";
  TestReport only_broken;
  only_broken.tests.push_back(broken);
  CHECK(RenderTestText(only_broken) ==
        "FAIL  broken  error  the PolicyTest has errors\n    x.yaml:1:1: error: missing field [missing-field]\n"
        "0 passed, 1 failed\n");
  CHECK_THAT(RenderTestJunit(only_broken), Catch::Contains("type=\"error\""));
}

}  // namespace
}  // namespace polc::cli
