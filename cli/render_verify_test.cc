// The report of `polc verify` (issue 5 section 5) in every format, from
// hand-built property results, and the regression filter of --baseline
// (section 1). The properties themselves are tested with the verifier.
#include "cli/render_verify.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli/verify_baseline.h"

namespace polc::cli {
namespace {

using verifier::PropertyResult;
using verifier::PropertyVerdict;

struct Fixture {
  ir::FileTable files;
  ir::PolicySet policies;
  Fixture() {
    files.Add("policies/shop.yaml", "");
    ir::Policy policy;
    policy.meta.name = "web";
    policy.meta.namespace_ = "shop";
    policies.policies.push_back(policy);
  }
};

PropertyResult Holds(std::string property, std::string scope) {
  PropertyResult r;
  r.property = std::move(property);
  r.scope = std::move(scope);
  r.verdict = PropertyVerdict::kHolds;
  r.summary = "every possible pod is under default deny in both directions";
  return r;
}

// dns fails for an abstract pod of shop: its egress is under default deny
// and no rule allows UDP 53 to kube-dns.
PropertyResult DnsFails(std::string scope = "namespace shop") {
  PropertyResult r;
  r.property = "dns";
  r.scope = std::move(scope);
  r.verdict = PropertyVerdict::kFails;
  r.summary = "a pod under egress enforcement cannot reach kube-dns on UDP 53";
  verifier::Counterexample cx;
  cx.flow.source = ir::LabelsPeer{"shop", {{"app", "x"}}, "default"};
  cx.flow.destination = ir::LabelsPeer{"kube-system", {{"k8s-app", "kube-dns"}}, "default"};
  cx.flow.protocol = ir::Protocol::kUdp;
  cx.flow.port = "53";
  cx.description = "a pod of namespace shop with labels {app: x}";
  cx.replay.verdict = verifier::Verdict::kDeny;
  cx.replay.denied_at = ir::Direction::kEgress;
  cx.replay.deny_reason = ir::DenyReason::kDefaultDeny;
  cx.replay.egress.direction = ir::Direction::kEgress;
  cx.replay.egress.applies = true;
  cx.replay.egress.enforced = true;
  cx.replay.egress.default_deny = true;
  cx.replay.egress.verdict = verifier::Verdict::kDeny;
  cx.replay.egress.deny_reason = ir::DenyReason::kDefaultDeny;
  cx.replay.ingress.applies = true;
  r.counterexample = cx;
  verifier::RuleMatch rule;
  rule.policy = 0;
  rule.direction = ir::Direction::kEgress;
  rule.location = ir::SourceLocation{0, 12, 5};
  rule.description = "CiliumNetworkPolicy shop/web egress[0]";
  r.rules.push_back(rule);
  return r;
}

VerifyReport TwoResults() {
  VerifyReport report;
  report.results = {Holds("default-deny", "namespace shop"), DnsFails()};
  report.checked = 2;
  report.scope = {"shop"};
  return report;
}

TEST_CASE("verify text: one line per result, evidence under a failure", "[verify-render]") {
  Fixture f;
  std::string text = RenderVerify(TwoResults(), VerifyFormat::kText, f.policies, f.files);
  INFO(text);
  CHECK(text.starts_with(
      "holds  default-deny [namespace shop]: every possible pod is under default deny in both directions\n"
      "FAILS  dns [namespace shop]: a pod under egress enforcement cannot reach kube-dns on UDP 53\n"
      "    counterexample: a pod of namespace shop with labels {app: x}\n"
      "    flow: labels:shop/app=x => labels:kube-system/k8s-app=kube-dns UDP 53\n"
      "    replay: deny (egress: default deny)\n"
      "    rules:\n"
      "      CiliumNetworkPolicy shop/web // egress[0] (policies/shop.yaml:12)\n"
      "    trail:\n"
      "      egress (at the source): deny (default-deny)\n"));
  CHECK(text.ends_with("2 property results: 1 hold, 1 fail, 0 n/a\n"));
  CHECK(text.find("regressions only") == std::string::npos);
}

TEST_CASE("verify json: stable key order, counterexample with its replay", "[verify-render]") {
  Fixture f;
  auto j = nlohmann::ordered_json::parse(RenderVerify(TwoResults(), VerifyFormat::kJson, f.policies, f.files));
  std::vector<std::string> keys;
  for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
  CHECK(keys ==
        std::vector<std::string>{"regressionsOnly", "baseline", "scope", "results", "lostSystemFlows", "analysis", "summary"});
  CHECK(j["analysis"].is_null());  // the analysis did not run
  CHECK(j["regressionsOnly"] == false);
  CHECK(j["scope"] == nlohmann::json::array({"shop"}));
  REQUIRE(j["results"].size() == 2);
  CHECK(j["results"][0]["verdict"] == "holds");
  CHECK(j["results"][0]["counterexample"].is_null());
  const auto& dns = j["results"][1];
  keys.clear();
  for (auto it = dns.begin(); it != dns.end(); ++it) keys.push_back(it.key());
  CHECK(keys == std::vector<std::string>{"property", "scope", "verdict", "summary", "counterexample", "rules"});
  CHECK(dns["verdict"] == "fails");
  CHECK(dns["counterexample"]["from"] == "labels:shop/app=x");
  CHECK(dns["counterexample"]["connection"] == "UDP 53");
  CHECK(dns["counterexample"]["replay"]["verdict"] == "deny");
  CHECK(dns["counterexample"]["replay"]["deniedAt"] == "egress");
  CHECK(dns["rules"][0]["location"] == "policies/shop.yaml:12");
  CHECK(j["summary"]["fails"] == 1);
  CHECK(j["summary"]["holds"] == 1);
}

TEST_CASE("verify sarif: properties are rules, failures are results at the rule's file:line", "[verify-render]") {
  Fixture f;
  auto j = nlohmann::json::parse(RenderVerify(TwoResults(), VerifyFormat::kSarif, f.policies, f.files));
  CHECK(j["version"] == "2.1.0");
  const auto& run = j["runs"][0];
  const auto& rules = run["tool"]["driver"]["rules"];
  REQUIRE(rules.size() == 7);
  CHECK(rules[0]["id"] == "default-deny");
  CHECK(rules[1]["id"] == "dns");
  CHECK(rules[3]["id"] == "host-lockout");
  CHECK(rules[4]["id"] == "system-flow-lost");
  CHECK(rules[5]["id"] == "rule-analysis");
  CHECK(rules[5]["defaultConfiguration"]["level"] == "note");
  CHECK(rules[6]["id"] == "policy-map");
  CHECK(rules[6]["defaultConfiguration"]["level"] == "warning");
  REQUIRE(run["results"].size() == 1);  // the property that holds is no result
  const auto& result = run["results"][0];
  CHECK(result["ruleId"] == "dns");
  CHECK(result["ruleIndex"] == 1);
  CHECK(result["level"] == "error");
  const auto& physical = result["locations"][0]["physicalLocation"];
  CHECK(physical["artifactLocation"]["uri"] == "policies/shop.yaml");
  CHECK(physical["region"]["startLine"] == 12);
  CHECK(result["message"]["text"].get<std::string>().find("flow: labels:shop/app=x") != std::string::npos);
}

TEST_CASE("verify sarif: a run with every property holding has an empty results array", "[verify-render]") {
  Fixture f;
  VerifyReport report;
  report.results = {Holds("default-deny", "namespace shop")};
  auto j = nlohmann::json::parse(RenderVerify(report, VerifyFormat::kSarif, f.policies, f.files));
  CHECK(j["runs"][0]["results"].is_array());
  CHECK(j["runs"][0]["results"].empty());
  CHECK_FALSE(VerifyFailed(report));
}

TEST_CASE("verify github: one ::error per failure with file and line, then the summary", "[verify-render]") {
  Fixture f;
  std::string text = RenderVerify(TwoResults(), VerifyFormat::kGithub, f.policies, f.files);
  INFO(text);
  CHECK(text.starts_with("::error file=policies/shop.yaml,line=12,title=polc verify%3A dns::dns [namespace shop]: "
                         "a pod under egress enforcement cannot reach kube-dns on UDP 53%0Acounterexample: "));
  CHECK(text.find("::error title=") == std::string::npos);
  CHECK(text.find("default-deny [") == std::string::npos);  // holds: no annotation
  CHECK(text.ends_with("\n2 property results: 1 hold, 1 fail, 0 n/a\n"));
}

TEST_CASE("verify: exit status follows failures and lost system flows", "[verify-render]") {
  VerifyReport report = TwoResults();
  CHECK(VerifyFailed(report));
  report.results.pop_back();
  CHECK_FALSE(VerifyFailed(report));
  PropertyResult na = Holds("apiserver", "cluster");
  na.verdict = PropertyVerdict::kNotApplicable;
  report.results.push_back(na);
  CHECK_FALSE(VerifyFailed(report));
  report.lost_system_flows.push_back(LockoutEntry{});
  CHECK(VerifyFailed(report));
}

TEST_CASE("verify baseline: a regression is a property and scope that held before and fails now",
          "[verify-baseline]") {
  std::vector<PropertyResult> before = {Holds("dns", "namespace shop"), DnsFails("namespace web"),
                                        Holds("default-deny", "namespace shop")};
  PropertyResult dd_fails = DnsFails("namespace shop");
  dd_fails.property = "default-deny";
  std::vector<PropertyResult> now = {DnsFails("namespace ops"),   // not in the baseline: no regression
                                     DnsFails("namespace web"),   // failed before too
                                     DnsFails("namespace shop"),  // held before: regression
                                     dd_fails,                    // held before: regression
                                     Holds("dns", "namespace x")};
  std::vector<PropertyResult> regressions = PropertyRegressions(before, now);
  REQUIRE(regressions.size() == 2);
  CHECK(regressions[0].property == "dns");
  CHECK(regressions[0].scope == "namespace shop");
  CHECK(regressions[1].property == "default-deny");
  CHECK(PropertyRegressions(now, before).empty());  // a fix is no regression
}

TEST_CASE("verify baseline: only system flows count, DNS first", "[verify-baseline]") {
  LockoutEntry other;
  other.klass = LockoutClass::kOther;
  other.source = "shop/web[Deployment]";
  LockoutEntry host;
  host.klass = LockoutClass::kHost;
  host.source = "entity:remote-node";
  LockoutEntry dns;
  dns.klass = LockoutClass::kDns;
  dns.source = "shop/web[Deployment]";
  std::vector<LockoutEntry> kept = SystemFlowRegressions({other, host, dns});
  REQUIRE(kept.size() == 2);
  CHECK(kept[0].klass == LockoutClass::kDns);
  CHECK(kept[1].klass == LockoutClass::kHost);
}

TEST_CASE("verify regressions-only report: says so, lists lost system flows with their rule", "[verify-render]") {
  Fixture f;
  VerifyReport report;
  report.results = {DnsFails()};
  report.checked = 3;
  report.baseline = "old/";
  LockoutEntry lost;
  lost.klass = LockoutClass::kDns;
  lost.source = "shop/web[Deployment]";
  lost.destination = "kube-system/coredns[Deployment]";
  lost.lost = "UDP 53";
  lost.flow = "UDP 53";
  lost.verdict = "deny";
  lost.decided_by = "ingress: policies/dns.yaml:7";
  report.lost_system_flows = {lost};
  std::string text = RenderVerify(report, VerifyFormat::kText, f.policies, f.files);
  INFO(text);
  CHECK(text.starts_with("regressions only, against old/\nFAILS  dns [namespace shop]"));
  CHECK(text.find("[dns] shop/web[Deployment] => kube-system/coredns[Deployment] : lost UDP 53") != std::string::npos);
  CHECK(text.ends_with(
      "regressions only (baseline: old/): 1 property regressed, 1 system flow lost; 3 property results checked\n"));
  auto sarif = nlohmann::json::parse(RenderVerify(report, VerifyFormat::kSarif, f.policies, f.files));
  const auto& results = sarif["runs"][0]["results"];
  REQUIRE(results.size() == 2);
  CHECK(results[1]["ruleId"] == "system-flow-lost");
  CHECK(results[1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "policies/dns.yaml");
  CHECK(results[1]["locations"][0]["physicalLocation"]["region"]["startLine"] == 7);
  auto json = nlohmann::json::parse(RenderVerify(report, VerifyFormat::kJson, f.policies, f.files));
  CHECK(json["regressionsOnly"] == true);
  CHECK(json["baseline"] == "old/");
  CHECK(json["lostSystemFlows"][0]["class"] == "dns");
}

// The analysis part (cli/verify_analysis.h): notes and warnings leave the
// verdict alone, an error (a policy map above bpf-policy-map-max, 8.3) fails.
VerifyReport WithAnalysis(AnalysisLevel map_level) {
  VerifyReport report;
  report.results = {Holds("default-deny", "namespace shop")};
  report.analysis_run = true;
  AnalysisFinding dead;
  dead.part = "rule-analysis";
  dead.rule = "allow-dead-by-deny";
  dead.file = "policies/shop.yaml";
  dead.line = 9;
  dead.message = "ingress[0] never allows anything";
  dead.opposite_action = true;
  dead.blocking = {{"CiliumNetworkPolicy shop/x ingress[1]", "policies/shop.yaml:14", false},
                   {"CiliumNetworkPolicy shop/deny ingressDeny[0]", "policies/deny.yaml:20", true}};
  AnalysisFinding map;
  map.part = "policy-map";
  map.rule = map_level == AnalysisLevel::kError ? "policy-map-overflow" : "policy-map-pressure";
  map.level = map_level;
  map.file = "policies/shop.yaml";
  map.line = 1;
  map.message = "endpoint shop/web-1 is predicted to need many entries";
  report.analysis = {map, dead};
  return report;
}

TEST_CASE("verify analysis: text lists findings with their blocking rules; only an error fails", "[verify-render]") {
  Fixture f;
  VerifyReport warn = WithAnalysis(AnalysisLevel::kWarning);
  CHECK_FALSE(VerifyFailed(warn));
  CHECK(VerifyFailed(WithAnalysis(AnalysisLevel::kError)));
  std::string text = RenderVerify(warn, VerifyFormat::kText, f.policies, f.files);
  INFO(text);
  CHECK(text.find("analysis:\nwarning  policy-map [policy-map-pressure] policies/shop.yaml:1: endpoint shop/web-1") !=
        std::string::npos);
  CHECK(text.find("note     rule-analysis [allow-dead-by-deny] policies/shop.yaml:9: ingress[0] never allows") !=
        std::string::npos);
  // Only the deny is marked as the opposite action.
  CHECK(text.find("    blocked by: CiliumNetworkPolicy shop/x ingress[1] [allow] (policies/shop.yaml:14)\n") !=
        std::string::npos);
  CHECK(text.find("    blocked by (opposite action): CiliumNetworkPolicy shop/deny ingressDeny[0] [deny] "
                  "(policies/deny.yaml:20)\n") != std::string::npos);
  CHECK(text.find("analysis: 2 findings: 0 error, 1 warning, 1 note") != std::string::npos);
}

TEST_CASE("verify analysis: json, sarif and github", "[verify-render]") {
  Fixture f;
  VerifyReport report = WithAnalysis(AnalysisLevel::kError);
  auto j = nlohmann::json::parse(RenderVerify(report, VerifyFormat::kJson, f.policies, f.files));
  REQUIRE(j["analysis"].size() == 2);
  CHECK(j["analysis"][0]["level"] == "error");
  CHECK(j["analysis"][1]["oppositeAction"] == true);
  CHECK(j["analysis"][1]["location"] == "policies/shop.yaml:9");
  CHECK(j["analysis"][1]["blocking"][1]["action"] == "deny");
  CHECK(j["analysis"][1]["blocking"][1]["location"] == "policies/deny.yaml:20");
  CHECK(j["summary"]["analysisErrors"] == 1);
  CHECK(j["summary"]["analysisNotes"] == 1);

  auto sarif = nlohmann::json::parse(RenderVerify(report, VerifyFormat::kSarif, f.policies, f.files));
  const auto& results = sarif["runs"][0]["results"];
  REQUIRE(results.size() == 2);
  CHECK(results[0]["ruleId"] == "policy-map");
  CHECK(results[0]["ruleIndex"] == 6);
  CHECK(results[0]["level"] == "error");
  CHECK(results[1]["ruleId"] == "rule-analysis");
  CHECK(results[1]["level"] == "note");
  CHECK(results[1]["properties"]["lintRule"] == "allow-dead-by-deny");
  CHECK(results[1]["locations"][0]["physicalLocation"]["region"]["startLine"] == 9);

  std::string github = RenderVerify(report, VerifyFormat::kGithub, f.policies, f.files);
  CHECK(github.find("::error file=policies/shop.yaml,line=1,title=polc verify%3A policy-map::[policy-map-overflow]") !=
        std::string::npos);
  CHECK(github.find("::notice file=policies/shop.yaml,line=9,title=polc verify%3A rule-analysis::") !=
        std::string::npos);
}

}  // namespace
}  // namespace polc::cli
