#include "cli/render_sarif.h"

#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace polc::cli {
namespace {

using Json = nlohmann::ordered_json;

std::string_view SarifLevel(ir::Severity severity) {
  switch (severity) {
    case ir::Severity::kError: return "error";
    case ir::Severity::kWarning: return "warning";
    case ir::Severity::kInfo: return "note";
  }
  return "warning";
}

Json RuleJson(const ir::RuleInfo& info) {
  Json rule;
  rule["id"] = info.id;
  rule["shortDescription"] = Json{{"text", info.summary}};
  rule["fullDescription"] = Json{{"text", fmt::format("{} (category: {})", info.summary, ir::CategoryName(info.category))}};
  rule["help"] = Json{{"text", info.help}};
  rule["defaultConfiguration"] = Json{{"level", SarifLevel(info.default_severity)}};
  rule["properties"] = Json{{"category", ir::CategoryName(info.category)}};
  return rule;
}

Json ResultJson(const ir::FileTable& files, const ir::Diagnostic& d) {
  Json result;
  result["ruleId"] = ir::Info(d.rule).id;
  result["ruleIndex"] = static_cast<size_t>(d.rule);
  result["level"] = SarifLevel(d.severity);
  std::string text = d.hint.empty() ? d.message : fmt::format("{}\nHint: {}", d.message, d.hint);
  result["message"] = Json{{"text", text}};
  result["locations"] = Json::array();
  if (d.location.Known() && d.location.file < files.size()) {
    Json physical;
    physical["artifactLocation"] = Json{{"uri", PathToUri(files.Path(d.location.file))}};
    if (d.location.line > 0) {
      Json region;
      region["startLine"] = d.location.line;
      if (d.location.column > 0) region["startColumn"] = d.location.column;
      physical["region"] = std::move(region);
    }
    result["locations"].push_back(Json{{"physicalLocation", std::move(physical)}});
  }
  return result;
}

}  // namespace

std::string PathToUri(std::string_view path) {
  std::string out;
  for (char ch : path) {
    unsigned char c = static_cast<unsigned char>(ch);
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 std::string_view("-._~/!$&'()*+,;=:@").find(ch) != std::string_view::npos;
    out += plain ? std::string(1, ch) : fmt::format("%{:02X}", c);
  }
  return out;
}

std::string RenderSarif(const RenderInput& input) {
  Json driver;
  driver["name"] = "polc";
  driver["version"] = kPolcVersion;
  // No informationUri: it is optional in SARIF 2.1.0 and polc has no public
  // home page yet; a made-up address would send users nowhere.
  driver["rules"] = Json::array();
  for (const ir::RuleInfo& info : ir::AllRules()) driver["rules"].push_back(RuleJson(info));

  Json run;
  run["tool"] = Json{{"driver", std::move(driver)}};
  run["results"] = Json::array();  // always present, even when empty
  for (const ir::Diagnostic& d : input.findings.active) run["results"].push_back(ResultJson(input.files, d));
  if (input.show_suppressed) {
    for (const SuppressedFinding& s : input.findings.suppressed) {
      Json result = ResultJson(input.files, s.diagnostic);
      result["suppressions"] = Json::array({Json{{"kind", "inSource"}, {"justification", s.reason}}});
      run["results"].push_back(std::move(result));
    }
  }

  Json root;
  root["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json";
  root["version"] = "2.1.0";
  root["runs"] = Json::array({std::move(run)});
  return root.dump(2) + "\n";
}

}  // namespace polc::cli
