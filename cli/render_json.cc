#include "cli/render_json.h"

#include <nlohmann/json.hpp>

namespace polc::cli {
namespace {

using Json = nlohmann::ordered_json;

Json FindingJson(const ir::FileTable& files, const ir::Diagnostic& d) {
  Json j;
  j["rule"] = ir::Info(d.rule).id;
  j["severity"] = ir::SeverityName(d.severity);
  j["file"] = d.location.Known() && d.location.file < files.size() ? Json(files.Path(d.location.file)) : Json(nullptr);
  j["line"] = d.location.line > 0 ? Json(d.location.line) : Json(nullptr);
  j["column"] = d.location.column > 0 ? Json(d.location.column) : Json(nullptr);
  j["message"] = d.message;
  j["hint"] = EffectiveHint(d);
  return j;
}

}  // namespace

std::string RenderJson(const RenderInput& input) {
  Json root;
  root["findings"] = Json::array();
  for (const ir::Diagnostic& d : input.findings.active) root["findings"].push_back(FindingJson(input.files, d));
  if (input.show_suppressed) {
    root["suppressed"] = Json::array();
    for (const SuppressedFinding& s : input.findings.suppressed) {
      Json j = FindingJson(input.files, s.diagnostic);
      j["reason"] = s.reason;
      root["suppressed"].push_back(std::move(j));
    }
  }
  const Summary& s = input.summary;
  root["summary"] = Json{{"files", s.files},       {"policies", s.policies}, {"errors", s.errors},
                         {"warnings", s.warnings}, {"infos", s.infos},       {"suppressed", s.suppressed}};
  return root.dump(2) + "\n";
}

}  // namespace polc::cli
