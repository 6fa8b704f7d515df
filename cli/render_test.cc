// Golden strings for every output format over one fixed, small set of
// findings: an error with a caret, a warning with its own hint, an info with
// no location, and one suppressed finding.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli/render_github.h"
#include "cli/render_json.h"
#include "cli/render_rules.h"
#include "cli/render_sarif.h"
#include "cli/render_text.h"

namespace polc::cli {
namespace {

struct Fixture {
  ir::FileTable files;
  Findings findings;
  Summary summary{1, 1, 1, 1, 1, 1};

  Fixture() {
    files.Add("policies/web.yaml",
              "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nspec:\n  ingress:\n  - fromEndpoint: []\n");
    findings.active = {
        {ir::RuleId::kMissingNamespace, ir::Severity::kWarning, {0, 1, 1}, "policy has no namespace",
         "Set metadata.namespace, e.g. 100%: a,b", 0},
        {ir::RuleId::kUnknownField, ir::Severity::kError, {0, 5, 5},
         "unknown field 'fromEndpoint' in an ingress rule; did you mean 'fromEndpoints'?", "", 0},
        {ir::RuleId::kHttpPathPrefix, ir::Severity::kInfo, {}, "path \"/api\" is full-match", "", -1},
    };
    findings.suppressed = {{{ir::RuleId::kL4OnlyAllowsWorld, ir::Severity::kWarning, {0, 4, 3},
                             "ingress admits world", "", 0},
                            "public"}};
  }
  RenderInput Input(bool show_suppressed = false) const { return {files, findings, summary, show_suppressed}; }
};

TEST_CASE("render: text with source line, caret, hint and summary", "[render]") {
  Fixture f;
  CHECK(RenderText(f.Input(), {}) ==
        "policies/web.yaml:1:1: warning: policy has no namespace [missing-namespace]\n"
        "apiVersion: cilium.io/v2\n"
        "^\n"
        "  hint: Set metadata.namespace, e.g. 100%: a,b\n"
        "policies/web.yaml:5:5: error: unknown field 'fromEndpoint' in an ingress rule; did you mean "
        "'fromEndpoints'? [unknown-field]\n"
        "  - fromEndpoint: []\n"
        "    ^\n"
        "  hint: Check the spelling: unknown fields are rejected (by the API server in policies, by polc in its own files).\n"
        "polc: info: path \"/api\" is full-match [http-path-full-match]\n"
        "  hint: Append `.*` (e.g. `/api/.*`) to match a prefix.\n"
        "1 file, 1 policy, 1 error, 1 warning, 1 info, 1 suppressed\n");
}

TEST_CASE("render: text --quiet prints only the summary; --show-suppressed adds reasons", "[render]") {
  Fixture f;
  CHECK(RenderText(f.Input(), {.quiet = true}) == "1 file, 1 policy, 1 error, 1 warning, 1 info, 1 suppressed\n");
  std::string shown = RenderText(f.Input(true), {});
  CHECK(shown.find("policies/web.yaml:4:3: suppressed warning: ingress admits world [l4-only-allows-world]\n"
                   "  reason: public\n") != std::string::npos);
  CHECK(RenderText(f.Input(), {}).find("suppressed warning") == std::string::npos);
}

TEST_CASE("render: summary wording pluralises", "[render]") {
  CHECK(SummaryLine({2, 0, 3, 0, 2, 0}) == "2 files, 0 policies, 3 errors, 0 warnings, 2 infos, 0 suppressed");
}

TEST_CASE("render: colour wraps severity, location and caret in ANSI codes", "[render]") {
  Fixture f;
  std::string colored = RenderText(f.Input(), {.color = true});
  CHECK(colored.find("\033[1;31merror:\033[0m") != std::string::npos);
  CHECK(colored.find("\033[1;32m^\033[0m") != std::string::npos);
  CHECK(RenderText(f.Input(), {}).find('\033') == std::string::npos);
}

TEST_CASE("render: the caret keeps tabs and skips UTF-8 continuation bytes", "[render]") {
  ir::FileTable files;
  files.Add("t.yaml", "\tn\xC3\xA9: x\n");  // tab, 'n', 'é' (2 bytes), ':' ...
  Findings findings;
  findings.active = {{ir::RuleId::kYamlSyntax, ir::Severity::kError, {0, 1, 6}, "bad", "h", -1}};
  std::string out = RenderText({files, findings, {}, false}, {.summary = false});
  CHECK(out == "t.yaml:1:6: error: bad [yaml-syntax]\n\tn\xC3\xA9: x\n\t   ^\n  hint: h\n");
}

TEST_CASE("render: a very long source line is quoted as a window around the column", "[render]") {
  ir::FileTable files;
  std::string line = "[" + std::string(1000, 'a') + "x" + std::string(1000, 'b') + "]";
  files.Add("flow.yaml", line + "\n");
  Findings findings;
  findings.active = {{ir::RuleId::kYamlTooLarge, ir::Severity::kError, {0, 1, 1002}, "too many nodes", "", -1}};
  std::string out = RenderText({files, findings, Summary{}, false}, {});
  std::string quoted = out.substr(out.find('\n') + 1);
  quoted = quoted.substr(0, quoted.find('\n'));
  CHECK(quoted.size() == 160 + 6);  // the window and two "..."
  CHECK(quoted.starts_with("...a"));
  CHECK(quoted.ends_with("b..."));
  // The caret still sits under the 'x' at column 1002.
  std::string caret_line = out.substr(out.find('\n', out.find('\n') + 1) + 1);
  caret_line = caret_line.substr(0, caret_line.find('\n'));
  REQUIRE(caret_line.find('^') != std::string::npos);
  CHECK(quoted[caret_line.find('^')] == 'x');
}

TEST_CASE("render: UseColor honours --color, terminals, NO_COLOR and TERM=dumb", "[render]") {
  CHECK(UseColor("auto", true, nullptr, "xterm"));
  CHECK_FALSE(UseColor("auto", false, nullptr, "xterm"));
  CHECK_FALSE(UseColor("auto", true, "1", "xterm"));
  CHECK(UseColor("auto", true, "", "xterm"));  // NO_COLOR set but empty does not count
  CHECK_FALSE(UseColor("auto", true, nullptr, "dumb"));
  CHECK(UseColor("always", false, "1", nullptr));  // an explicit flag wins
  CHECK_FALSE(UseColor("never", true, nullptr, nullptr));
}

TEST_CASE("render: json with fixed key order, nulls for unknown positions", "[render]") {
  Fixture f;
  CHECK(RenderJson(f.Input()) == R"({
  "findings": [
    {
      "rule": "missing-namespace",
      "severity": "warning",
      "file": "policies/web.yaml",
      "line": 1,
      "column": 1,
      "message": "policy has no namespace",
      "hint": "Set metadata.namespace, e.g. 100%: a,b"
    },
    {
      "rule": "unknown-field",
      "severity": "error",
      "file": "policies/web.yaml",
      "line": 5,
      "column": 5,
      "message": "unknown field 'fromEndpoint' in an ingress rule; did you mean 'fromEndpoints'?",
      "hint": "Check the spelling: unknown fields are rejected (by the API server in policies, by polc in its own files)."
    },
    {
      "rule": "http-path-full-match",
      "severity": "info",
      "file": null,
      "line": null,
      "column": null,
      "message": "path \"/api\" is full-match",
      "hint": "Append `.*` (e.g. `/api/.*`) to match a prefix."
    }
  ],
  "summary": {
    "files": 1,
    "policies": 1,
    "errors": 1,
    "warnings": 1,
    "infos": 1,
    "suppressed": 1
  }
}
)");
  auto shown = nlohmann::json::parse(RenderJson(f.Input(true)));
  REQUIRE(shown["suppressed"].size() == 1);
  CHECK(shown["suppressed"][0]["reason"] == "public");
}

// The rule list is checked separately (it grows as rules are added).
std::string SarifWithoutRules(const RenderInput& input, nlohmann::ordered_json& rules) {
  auto sarif = nlohmann::ordered_json::parse(RenderSarif(input));
  rules = sarif["runs"][0]["tool"]["driver"]["rules"];
  sarif["runs"][0]["tool"]["driver"]["rules"] = "<rules>";
  return sarif.dump(2);
}

TEST_CASE("render: sarif with no findings still has a results array", "[render]") {
  ir::FileTable files;
  Findings none;
  nlohmann::ordered_json rules;
  CHECK(SarifWithoutRules({files, none, {}, false}, rules) == R"({
  "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
  "version": "2.1.0",
  "runs": [
    {
      "tool": {
        "driver": {
          "name": "polc",
          "version": "0.1.0",
          "rules": "<rules>"
        }
      },
      "results": []
    }
  ]
})");
  // One rule per table entry, in table order, so ruleIndex is the enum value.
  REQUIRE(rules.size() == ir::AllRules().size());
  size_t index = static_cast<size_t>(ir::RuleId::kUnknownField);
  CHECK(rules[index].dump() ==
        R"j({"id":"unknown-field","shortDescription":{"text":"A field that the schema does not define."},)j"
        R"j("fullDescription":{"text":"A field that the schema does not define. (category: schema)"},)j"
        R"j("help":{"text":"Check the spelling: unknown fields are rejected (by the API server in policies, by polc in its own files)."},)j"
        R"j("defaultConfiguration":{"level":"error"},"properties":{"category":"schema"}})j");
}

TEST_CASE("render: sarif results with levels, regions and suppressions", "[render]") {
  Fixture f;
  nlohmann::ordered_json rules;
  auto sarif = nlohmann::ordered_json::parse(RenderSarif(f.Input(true)));
  const auto& results = sarif["runs"][0]["results"];
  REQUIRE(results.size() == 4);
  CHECK(results[0].dump() ==
        R"({"ruleId":"missing-namespace","ruleIndex":)" + std::to_string(static_cast<int>(ir::RuleId::kMissingNamespace)) +
            R"(,"level":"warning","message":{"text":"policy has no namespace\nHint: Set metadata.namespace, e.g. 100%: a,b"},)"
            R"("locations":[{"physicalLocation":{"artifactLocation":{"uri":"policies/web.yaml"},)"
            R"("region":{"startLine":1,"startColumn":1}}}]})");
  CHECK(results[1]["level"] == "error");
  CHECK(results[2]["level"] == "note");
  CHECK(results[2]["locations"].empty());  // no file: no location at all
  CHECK(results[3]["suppressions"].dump() == R"([{"kind":"inSource","justification":"public"}])");
  CHECK(nlohmann::ordered_json::parse(RenderSarif(f.Input()))["runs"][0]["results"].size() == 3);
}

TEST_CASE("render: sarif uri percent-encodes what a URI cannot hold", "[render]") {
  CHECK(PathToUri("policies/a b%.yaml") == "policies/a%20b%25.yaml");
  CHECK(PathToUri("./x/y-z_1.yaml") == "./x/y-z_1.yaml");
}

TEST_CASE("render: github workflow commands with GitHub's escaping", "[render]") {
  Fixture f;
  CHECK(RenderGithub(f.Input(), false) ==
        "::warning file=policies/web.yaml,line=1,col=1,title=missing-namespace::policy has no namespace%0A"
        "hint: Set metadata.namespace, e.g. 100%25: a,b\n"
        "::error file=policies/web.yaml,line=5,col=5,title=unknown-field::unknown field 'fromEndpoint' in an "
        "ingress rule; did you mean 'fromEndpoints'?%0Ahint: Check the spelling: unknown fields are rejected (by "
        "the API server in policies, by polc in its own files).\n"
        "::notice title=http-path-full-match::path \"/api\" is full-match%0A"
        "hint: Append `.*` (e.g. `/api/.*`) to match a prefix.\n"
        "1 file, 1 policy, 1 error, 1 warning, 1 info, 1 suppressed\n");
  CHECK(EscapeGithubData("a%b\r\nc:d,e") == "a%25b%0D%0Ac:d,e");
  CHECK(EscapeGithubProperty("dir,x/a:b%.yaml") == "dir%2Cx/a%3Ab%25.yaml");
}

TEST_CASE("render: --list-rules lists every rule in every format", "[render]") {
  std::string text = RenderRulesText();
  auto json = nlohmann::json::parse(RenderRulesJson());
  std::string markdown = RenderRulesMarkdown();
  REQUIRE(json.size() == ir::AllRules().size());
  for (const ir::RuleInfo& info : ir::AllRules()) {
    INFO(info.id);
    CHECK(text.find(std::string(info.id) + " ") != std::string::npos);
    CHECK(markdown.find("| `" + std::string(info.id) + "` |") != std::string::npos);
  }
  CHECK(json[0]["id"] == "input-unreadable");
  CHECK(json[0]["severity"] == "error");
  CHECK(json[0]["category"] == "input");
}

}  // namespace
}  // namespace polc::cli
