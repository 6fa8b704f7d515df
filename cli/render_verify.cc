#include "cli/render_verify.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "cli/flow_trail.h"
#include "cli/peer_syntax.h"
#include "cli/render_github.h"
#include "cli/render_query.h"
#include "cli/render_sarif.h"

namespace polc::cli {
namespace {

using Json = nlohmann::ordered_json;
using verifier::PropertyResult;
using verifier::PropertyVerdict;

constexpr std::string_view kSystemFlowRule = "system-flow-lost";

struct PropertyInfo {
  std::string_view id;
  std::string_view summary;
  std::string_view level = "error";  // SARIF defaultConfiguration
};

// The SARIF rules of `polc verify`: the built-in properties, then the
// regression a baseline run adds. Order is part of the output (ruleIndex).
constexpr PropertyInfo kProperties[] = {
    {"default-deny",
     "Every possible pod of each namespace in scope is under policy enforcement with default deny in both "
     "directions."},
    {"dns",
     "Every possible pod under egress enforcement can reach the cluster DNS server on UDP and TCP port 53, and the "
     "DNS rules let through the names its toFQDNs rules select."},
    {"apiserver", "Every pod of the chosen namespaces can reach the kube-apiserver."},
    {"host-lockout",
     "Host policies keep the flows a node needs: SSH from the admin networks, the API server and kubelet, health, "
     "Hubble, the tunnel, etcd."},
    {kSystemFlowRule,
     "A system flow (DNS, kube-apiserver, host, kube-system) that the baseline allowed is no longer allowed."},
    {"rule-analysis",
     "A rule that never takes effect (with the rules that block it), a selector that matches nothing, a policy "
     "that changes nothing, or a selector that matches no pod of the inventory. Informational.",
     "note"},
    {"policy-map",
     "An endpoint's predicted BPF policy-map entries near bpf-policy-map-max (warning) or above it (error).",
     "warning"},
};

// A location as file and line, for SARIF and GitHub annotations.
struct FileLine {
  std::string file;
  int line = 0;
};

// What a failing result shows, resolved once for every format.
struct Evidence {
  std::string flow;        // "labels:shop/app=x => entity:kube-apiserver TCP 443"
  std::string connection;  // "TCP 443"
  std::string from;
  std::string to;
  std::optional<FlowTrail> replay;
  std::vector<TrailRule> rules;
  std::optional<FileLine> at;  // where to annotate: the rule that decided, else the first rule
};

std::optional<FileLine> ToFileLine(const ir::SourceLocation& location, const ir::FileTable& files) {
  if (!location.Known() || location.file >= files.size()) return std::nullopt;
  return FileLine{files.Path(location.file), static_cast<int>(location.line)};
}

Evidence MakeEvidence(const PropertyResult& result, const ir::PolicySet& policies, const ir::FileTable& files) {
  Evidence e;
  for (const verifier::RuleMatch& match : result.rules) e.rules.push_back(MakeTrailRule(match, policies, files));
  if (const auto& cx = result.counterexample) {
    e.from = FormatPeer(cx->flow.source);
    e.to = FormatPeer(cx->flow.destination);
    e.connection = ConnectionText(cx->flow);
    e.flow = fmt::format("{} => {} {}", e.from, e.to, e.connection);
    e.replay = MakeTrail(cx->replay, policies, files);
    // The rule that decided the replayed flow on the side that denied it.
    const verifier::FlowResult& r = cx->replay;
    if (r.denied_at) {
      const verifier::DirectionResult& side = *r.denied_at == ir::Direction::kEgress ? r.egress : r.ingress;
      if (side.deciding) e.at = ToFileLine(side.deciding->location, files);
    }
  }
  for (const verifier::RuleMatch& match : result.rules) {
    if (e.at) break;
    e.at = ToFileLine(match.location, files);
  }
  if (!e.at) e.at = ToFileLine(result.location, files);  // an assertion that no rule decided
  return e;
}

// As verifier::PropertyVerdictName; spelt here so the renderer does not
// depend on the properties engine.
std::string_view VerdictName(PropertyVerdict verdict) {
  switch (verdict) {
    case PropertyVerdict::kHolds: return "holds";
    case PropertyVerdict::kFails: return "fails";
    case PropertyVerdict::kNotApplicable: return "n/a";
  }
  return "n/a";
}

// "holds", "FAILS", "n/a" padded so that the property names line up.
std::string VerdictColumn(PropertyVerdict verdict) {
  switch (verdict) {
    case PropertyVerdict::kHolds: return "holds";
    case PropertyVerdict::kFails: return "FAILS";
    case PropertyVerdict::kNotApplicable: return "n/a  ";
  }
  return "?    ";
}

// "CNP shop/web // ingress[0] [deny] (policies/web.yaml:12)"
std::string RuleLine(const TrailRule& rule) {
  std::string text = rule.policy.empty() ? "implicit rule" : rule.policy;
  std::string description = rule.description;
  if (!rule.policy.empty() && description.rfind(rule.policy + " ", 0) == 0) {
    description = description.substr(rule.policy.size() + 1);
  }
  if (!description.empty() && description != rule.policy) text += " // " + description;
  if (rule.deny) text += " [deny]";
  if (rule.has_l7) text += " [L7]";
  if (!rule.location.empty()) text += " (" + rule.location + ")";
  return text;
}

struct Counts {
  size_t holds = 0, fails = 0, not_applicable = 0;
};

Counts Count(const std::vector<PropertyResult>& results) {
  Counts c;
  for (const PropertyResult& r : results) {
    if (r.verdict == PropertyVerdict::kHolds) ++c.holds;
    if (r.verdict == PropertyVerdict::kFails) ++c.fails;
    if (r.verdict == PropertyVerdict::kNotApplicable) ++c.not_applicable;
  }
  return c;
}

std::string Plural(size_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

std::string SummaryLine(const VerifyReport& report) {
  if (report.baseline) {
    return fmt::format("regressions only (baseline: {}): {} regressed, {} lost; {} checked\n", *report.baseline,
                       Plural(report.results.size(), "property", "properties"),
                       Plural(report.lost_system_flows.size(), "system flow", "system flows"),
                       Plural(report.checked, "property result", "property results"));
  }
  Counts c = Count(report.results);
  return fmt::format("{}: {} hold, {} fail, {} n/a\n", Plural(report.results.size(), "property result", "property results"),
                     c.holds, c.fails, c.not_applicable);
}

std::string FindingWhere(const AnalysisFinding& f) {
  if (f.file.empty()) return "";
  return f.line > 0 ? fmt::format("{}:{}", f.file, f.line) : f.file;
}

std::string BlockerLine(const AnalysisBlocker& b) {
  std::string text = b.description + (b.deny ? " [deny]" : " [allow]");
  if (!b.location.empty()) text += " (" + b.location + ")";
  return text;
}

struct AnalysisCounts {
  size_t notes = 0, warnings = 0, errors = 0;
};

AnalysisCounts CountAnalysis(const std::vector<AnalysisFinding>& findings) {
  AnalysisCounts c;
  for (const AnalysisFinding& f : findings) {
    if (f.level == AnalysisLevel::kNote) ++c.notes;
    if (f.level == AnalysisLevel::kWarning) ++c.warnings;
    if (f.level == AnalysisLevel::kError) ++c.errors;
  }
  return c;
}

// "analysis:" then one line per finding:
//   error    policy-map [policy-map-overflow] a.yaml:3: ...
//   note     rule-analysis [allow-dead-by-deny] a.yaml:9: ...
//       blocked by (opposite action): CNP shop/x ingressDeny[0] [deny] (a.yaml:20)
std::string AnalysisText(const VerifyReport& report) {
  if (!report.analysis_run) return "";
  std::string out;
  if (!report.analysis.empty()) out += "analysis:\n";
  for (const AnalysisFinding& f : report.analysis) {
    std::string where = FindingWhere(f);
    out += fmt::format("{:<8} {} [{}] {}{}\n", AnalysisLevelName(f.level), f.part, f.rule, where.empty() ? "" : where + ": ",
                       f.message);
    for (const AnalysisBlocker& b : f.blocking) {
      out += fmt::format("    blocked by{}: {}\n", f.opposite_action && b.deny ? " (opposite action)" : "", BlockerLine(b));
    }
  }
  AnalysisCounts c = CountAnalysis(report.analysis);
  out += fmt::format("analysis: {}: {} error, {} warning, {} note (errors fail)\n",
                     Plural(report.analysis.size(), "finding", "findings"), c.errors, c.warnings, c.notes);
  return out;
}

std::string RenderText(const VerifyReport& report, const ir::PolicySet& policies, const ir::FileTable& files) {
  std::string out;
  if (report.baseline) out += fmt::format("regressions only, against {}\n", *report.baseline);
  for (const PropertyResult& r : report.results) {
    out += fmt::format("{}  {} [{}]: {}\n", VerdictColumn(r.verdict), r.property, r.scope, r.summary);
    if (r.verdict != PropertyVerdict::kFails) continue;
    Evidence e = MakeEvidence(r, policies, files);
    if (r.counterexample) {
      out += fmt::format("    counterexample: {}\n", r.counterexample->description);
      out += fmt::format("    flow: {}\n", e.flow);
      out += fmt::format("    replay: {} ({})\n", e.replay->verdict, DecidingSummary(*e.replay));
    }
    if (!e.rules.empty()) {
      out += "    rules:\n";
      for (const TrailRule& rule : e.rules) out += fmt::format("      {}\n", RuleLine(rule));
    }
    if (e.replay) {
      out += "    trail:\n";
      out += RenderTrailText(*e.replay, "      ");
    }
  }
  if (report.baseline && !report.lost_system_flows.empty()) out += RenderLockoutText(report.lost_system_flows);
  out += AnalysisText(report);
  out += SummaryLine(report);
  return out;
}

Json ResultJson(const PropertyResult& r, const ir::PolicySet& policies, const ir::FileTable& files) {
  Evidence e = MakeEvidence(r, policies, files);
  Json j;
  j["property"] = r.property;
  j["scope"] = r.scope;
  j["verdict"] = VerdictName(r.verdict);
  j["summary"] = r.summary;
  if (r.counterexample) {
    Json cx;
    cx["description"] = r.counterexample->description;
    cx["from"] = e.from;
    cx["to"] = e.to;
    cx["connection"] = e.connection;
    cx["replay"] = TrailJson(*e.replay);
    j["counterexample"] = std::move(cx);
  } else {
    j["counterexample"] = nullptr;
  }
  j["rules"] = Json::array();
  for (const TrailRule& rule : e.rules) j["rules"].push_back(TrailRuleJson(rule));
  return j;
}

Json FindingJson(const AnalysisFinding& f) {
  Json j;
  j["part"] = f.part;
  j["rule"] = f.rule;
  j["level"] = AnalysisLevelName(f.level);
  std::string where = FindingWhere(f);
  j["location"] = where.empty() ? Json(nullptr) : Json(where);
  j["message"] = f.message;
  j["oppositeAction"] = f.opposite_action;
  j["blocking"] = Json::array();
  for (const AnalysisBlocker& b : f.blocking) {
    j["blocking"].push_back(Json{{"description", b.description},
                                 {"location", b.location.empty() ? Json(nullptr) : Json(b.location)},
                                 {"action", b.deny ? "deny" : "allow"}});
  }
  return j;
}

std::string RenderJson(const VerifyReport& report, const ir::PolicySet& policies, const ir::FileTable& files) {
  Json root;
  root["regressionsOnly"] = report.baseline.has_value();
  root["baseline"] = report.baseline ? Json(*report.baseline) : Json(nullptr);
  root["scope"] = report.scope;
  root["results"] = Json::array();
  for (const PropertyResult& r : report.results) root["results"].push_back(ResultJson(r, policies, files));
  root["lostSystemFlows"] = LockoutJson(report.lost_system_flows);
  if (report.analysis_run) {
    root["analysis"] = Json::array();
    for (const AnalysisFinding& f : report.analysis) root["analysis"].push_back(FindingJson(f));
  } else {
    root["analysis"] = nullptr;
  }
  Counts c = Count(report.results);
  AnalysisCounts ac = CountAnalysis(report.analysis);
  root["summary"] = Json{{"checked", report.checked},
                         {"holds", c.holds},
                         {"fails", c.fails},
                         {"notApplicable", c.not_applicable},
                         {"lostSystemFlows", report.lost_system_flows.size()},
                         {"analysisErrors", ac.errors},
                         {"analysisWarnings", ac.warnings},
                         {"analysisNotes", ac.notes}};
  return root.dump(2) + "\n";
}

// The file:line in a lockout entry's "ingress: policies/web.yaml:12".
std::optional<FileLine> LockoutFileLine(const LockoutEntry& entry) {
  std::string_view text = entry.decided_by;
  size_t colon_space = text.find(": ");
  if (colon_space == std::string_view::npos) return std::nullopt;
  text = text.substr(colon_space + 2);
  text = text.substr(0, text.find(", "));
  size_t last = text.rfind(':');
  if (last == std::string_view::npos || last == 0) return std::nullopt;
  int line = 0;
  std::string_view digits = text.substr(last + 1);
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), line);
  if (ec != std::errc() || end != digits.data() + digits.size() || line <= 0) return std::nullopt;
  return FileLine{std::string(text.substr(0, last)), line};
}

std::string LockoutMessage(const LockoutEntry& e) {
  std::string text = fmt::format("[{}] {} => {} : lost {}", LockoutClassName(e.klass), e.source, e.destination, e.lost);
  if (!e.flow.empty()) text += fmt::format("; {} is now {}", e.flow, e.verdict);
  if (!e.decided_by.empty()) text += fmt::format(" ({})", e.decided_by);
  if (!e.note.empty()) text += fmt::format("; {}", e.note);
  return text;
}

std::string ResultMessage(const PropertyResult& r, const Evidence& e) {
  std::string text = fmt::format("{} [{}]: {}", r.property, r.scope, r.summary);
  if (r.counterexample) {
    text += fmt::format("\ncounterexample: {}\nflow: {}\nreplay: {} ({})", r.counterexample->description, e.flow,
                        e.replay->verdict, DecidingSummary(*e.replay));
  }
  for (const TrailRule& rule : e.rules) text += fmt::format("\nrule: {}", RuleLine(rule));
  return text;
}

Json SarifLocations(const std::optional<FileLine>& at) {
  Json locations = Json::array();
  if (!at) return locations;
  Json physical;
  physical["artifactLocation"] = Json{{"uri", PathToUri(at->file)}};
  if (at->line > 0) physical["region"] = Json{{"startLine", at->line}};
  locations.push_back(Json{{"physicalLocation", std::move(physical)}});
  return locations;
}

size_t RuleIndex(std::string_view id) {
  for (size_t i = 0; i < std::size(kProperties); ++i) {
    if (kProperties[i].id == id) return i;
  }
  return std::size(kProperties);  // not reached for built-in properties
}

std::string FindingMessage(const AnalysisFinding& f) {
  std::string text = fmt::format("[{}] {}", f.rule, f.message);
  for (const AnalysisBlocker& b : f.blocking) text += fmt::format("\nblocked by: {}", BlockerLine(b));
  return text;
}

std::optional<FileLine> FindingFileLine(const AnalysisFinding& f) {
  if (f.file.empty()) return std::nullopt;
  return FileLine{f.file, f.line};
}

std::string RenderSarifReport(const VerifyReport& report, const ir::PolicySet& policies, const ir::FileTable& files) {
  Json driver;
  driver["name"] = "polc";
  driver["version"] = kPolcVersion;
  driver["rules"] = Json::array();
  for (const PropertyInfo& info : kProperties) {
    Json rule;
    rule["id"] = info.id;
    rule["shortDescription"] = Json{{"text", info.summary}};
    rule["defaultConfiguration"] = Json{{"level", info.level}};
    rule["properties"] = Json{{"category", info.level == "error" ? "property" : "analysis"}};
    driver["rules"].push_back(std::move(rule));
  }
  // User-written assertions (PropertySet documents) are rules of their own,
  // after the built-in ones, in report order.
  std::vector<std::string> assertions;
  for (const PropertyResult& r : report.results) {
    if (RuleIndex(r.property) < std::size(kProperties) ||
        std::find(assertions.begin(), assertions.end(), r.property) != assertions.end()) {
      continue;
    }
    assertions.push_back(r.property);
    Json rule;
    rule["id"] = r.property;
    rule["shortDescription"] = Json{{"text", "A user-written assertion (PropertySet): " + r.scope}};
    rule["defaultConfiguration"] = Json{{"level", "error"}};
    rule["properties"] = Json{{"category", "assertion"}};
    driver["rules"].push_back(std::move(rule));
  }
  Json run;
  run["tool"] = Json{{"driver", std::move(driver)}};
  run["results"] = Json::array();  // GitHub rejects a run without it
  for (const PropertyResult& r : report.results) {
    if (r.verdict != PropertyVerdict::kFails) continue;
    Evidence e = MakeEvidence(r, policies, files);
    Json result;
    result["ruleId"] = r.property;
    if (size_t index = RuleIndex(r.property); index < std::size(kProperties)) {
      result["ruleIndex"] = index;
    } else if (auto it = std::find(assertions.begin(), assertions.end(), r.property); it != assertions.end()) {
      result["ruleIndex"] = std::size(kProperties) + static_cast<size_t>(it - assertions.begin());
    }
    result["level"] = "error";
    result["message"] = Json{{"text", ResultMessage(r, e)}};
    result["locations"] = SarifLocations(e.at);
    run["results"].push_back(std::move(result));
  }
  for (const LockoutEntry& entry : report.lost_system_flows) {
    Json result;
    result["ruleId"] = kSystemFlowRule;
    result["ruleIndex"] = RuleIndex(kSystemFlowRule);
    result["level"] = "error";
    result["message"] = Json{{"text", LockoutMessage(entry)}};
    result["locations"] = SarifLocations(LockoutFileLine(entry));
    run["results"].push_back(std::move(result));
  }
  for (const AnalysisFinding& f : report.analysis) {
    Json result;
    result["ruleId"] = f.part;
    result["ruleIndex"] = RuleIndex(f.part);
    result["level"] = AnalysisLevelName(f.level);
    result["message"] = Json{{"text", FindingMessage(f)}};
    result["locations"] = SarifLocations(FindingFileLine(f));
    result["properties"] = Json{{"lintRule", f.rule}};
    run["results"].push_back(std::move(result));
  }
  Json root;
  root["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json";
  root["version"] = "2.1.0";
  root["runs"] = Json::array({std::move(run)});
  return root.dump(2) + "\n";
}

std::string GithubCommand(const std::optional<FileLine>& at, std::string_view title, const std::string& message,
                          std::string_view command = "error") {
  std::string properties;
  if (at) {
    properties += fmt::format("file={},", EscapeGithubProperty(at->file));
    if (at->line > 0) properties += fmt::format("line={},", at->line);
  }
  properties += fmt::format("title={}", EscapeGithubProperty(title));
  return fmt::format("::{} {}::{}\n", command, properties, EscapeGithubData(message));
}

std::string RenderGithubReport(const VerifyReport& report, const ir::PolicySet& policies,
                               const ir::FileTable& files) {
  std::string out;
  for (const PropertyResult& r : report.results) {
    if (r.verdict != PropertyVerdict::kFails) continue;
    Evidence e = MakeEvidence(r, policies, files);
    out += GithubCommand(e.at, fmt::format("polc verify: {}", r.property), ResultMessage(r, e));
  }
  for (const LockoutEntry& entry : report.lost_system_flows) {
    out += GithubCommand(LockoutFileLine(entry), fmt::format("polc verify: {}", kSystemFlowRule),
                         LockoutMessage(entry));
  }
  for (const AnalysisFinding& f : report.analysis) {
    std::string_view command = f.level == AnalysisLevel::kError     ? "error"
                               : f.level == AnalysisLevel::kWarning ? "warning"
                                                                    : "notice";
    out += GithubCommand(FindingFileLine(f), fmt::format("polc verify: {}", f.part), FindingMessage(f), command);
  }
  out += SummaryLine(report);
  return out;
}

}  // namespace

std::optional<VerifyFormat> ParseVerifyFormat(std::string_view name) {
  if (name == "text") return VerifyFormat::kText;
  if (name == "json") return VerifyFormat::kJson;
  if (name == "sarif") return VerifyFormat::kSarif;
  if (name == "github") return VerifyFormat::kGithub;
  return std::nullopt;
}

bool VerifyFailed(const VerifyReport& report) {
  if (!report.lost_system_flows.empty()) return true;
  for (const AnalysisFinding& f : report.analysis) {
    if (f.level == AnalysisLevel::kError) return true;
  }
  for (const PropertyResult& r : report.results) {
    if (r.verdict == PropertyVerdict::kFails) return true;
  }
  return false;
}

std::string RenderVerify(const VerifyReport& report, VerifyFormat format, const ir::PolicySet& policies,
                         const ir::FileTable& files) {
  switch (format) {
    case VerifyFormat::kText: return RenderText(report, policies, files);
    case VerifyFormat::kJson: return RenderJson(report, policies, files);
    case VerifyFormat::kSarif: return RenderSarifReport(report, policies, files);
    case VerifyFormat::kGithub: return RenderGithubReport(report, policies, files);
  }
  return {};
}

}  // namespace polc::cli
