#include "cli/render_test_results.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace polc::cli {
namespace {

using Json = nlohmann::ordered_json;

std::string FailureText(const TestOutcome& test, const CaseOutcome& c, std::string_view indent) {
  std::string out;
  if (!c.location.empty()) out += fmt::format("{}case: {}\n", indent, c.location);
  out += fmt::format("{}expected: {}\n", indent, c.expected);
  for (const std::string& mismatch : c.mismatches) out += fmt::format("{}why: {}\n", indent, mismatch);
  if (!test.errors.empty()) {
    out += fmt::format("{}{}:\n", indent, test.error_summary);
    for (const std::string& error : test.errors) out += fmt::format("{}  {}\n", indent, error);
    return out;
  }
  out += RenderTrailText(c.trail, indent);
  return out;
}

std::string Verdict(const CaseOutcome& c) { return c.trail.verdict.empty() ? "error" : c.trail.verdict; }

std::string Deciding(const TestOutcome& test, const CaseOutcome& c) {
  if (!test.errors.empty()) return test.error_summary;
  return DecidingSummary(c.trail);
}

}  // namespace

std::string TestSummaryLine(const TestReport& report) {
  return fmt::format("{} passed, {} failed", report.Passed(), report.Failed());
}

std::string RenderTestText(const TestReport& report) {
  std::string out;
  for (const TestOutcome& test : report.tests) {
    if (test.cases.empty() && !test.errors.empty()) {
      out += fmt::format("FAIL  {}  error  {}\n", test.name, test.error_summary);
      for (const std::string& error : test.errors) out += fmt::format("    {}\n", error);
      continue;
    }
    for (const CaseOutcome& c : test.cases) {
      out += fmt::format("{}  {}/{}  {}  {}\n", c.passed ? "PASS" : "FAIL", test.name, c.name, Verdict(c),
                         Deciding(test, c));
      if (!c.passed) out += FailureText(test, c, "    ");
    }
  }
  out += TestSummaryLine(report) + "\n";
  return out;
}

std::string RenderTestJson(const TestReport& report) {
  Json root;
  root["tests"] = Json::array();
  for (const TestOutcome& test : report.tests) {
    Json t;
    t["name"] = test.name;
    t["file"] = test.file;
    t["errors"] = test.errors;
    t["cases"] = Json::array();
    for (const CaseOutcome& c : test.cases) {
      Json j;
      j["name"] = c.name;
      j["location"] = c.location.empty() ? Json(nullptr) : Json(c.location);
      j["result"] = c.passed ? "pass" : "fail";
      j["expected"] = c.expected;
      j["verdict"] = Verdict(c);
      j["deciding"] = Deciding(test, c);
      j["mismatches"] = c.mismatches;
      j["trail"] = TrailJson(c.trail);
      t["cases"].push_back(std::move(j));
    }
    root["tests"].push_back(std::move(t));
  }
  root["summary"] = Json{{"passed", report.Passed()}, {"failed", report.Failed()}};
  return root.dump(2) + "\n";
}

std::string XmlEscape(std::string_view text, bool attribute) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    unsigned char u = static_cast<unsigned char>(ch);
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += attribute ? "&quot;" : "\""; break;
      case '\'': out += attribute ? "&apos;" : "'"; break;
      case '\n': out += attribute ? "&#10;" : "\n"; break;
      case '\t': out += attribute ? "&#9;" : "\t"; break;
      case '\r': out += "&#13;"; break;
      default:
        if (u < 0x20) break;  // not allowed in XML 1.0, even escaped
        out += ch;
    }
  }
  return out;
}

std::string RenderTestJunit(const TestReport& report) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<testsuites name=\"polc test\" tests=\"{}\" failures=\"{}\">\n",
                     report.Passed() + report.Failed(), report.Failed());
  for (const TestOutcome& test : report.tests) {
    size_t failures = 0;
    for (const CaseOutcome& c : test.cases) failures += c.passed ? 0 : 1;
    size_t count = test.cases.size();
    if (test.cases.empty() && !test.errors.empty()) count = failures = 1;
    out += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\" file=\"{}\">\n",
                       XmlEscape(test.name, true), count, failures, XmlEscape(test.file, true));
    if (test.cases.empty() && !test.errors.empty()) {
      std::string body;
      for (const std::string& error : test.errors) body += error + "\n";
      out += fmt::format("    <testcase name=\"{}\" classname=\"{}\">\n", XmlEscape(test.name, true),
                         XmlEscape(test.name, true));
      out += fmt::format("      <failure message=\"{}\" type=\"error\">{}</failure>\n", XmlEscape(body, true),
                         XmlEscape(body, false));
      out += "    </testcase>\n";
    }
    for (const CaseOutcome& c : test.cases) {
      out += fmt::format("    <testcase name=\"{}\" classname=\"{}\"", XmlEscape(c.name, true), XmlEscape(test.name, true));
      if (c.passed) {
        out += "/>\n";
        continue;
      }
      std::string trail = FailureText(test, c, "");
      out += ">\n";
      out += fmt::format("      <failure message=\"{}\" type=\"mismatch\">{}</failure>\n", XmlEscape(trail, true),
                         XmlEscape(trail, false));
      out += "    </testcase>\n";
    }
    out += "  </testsuite>\n";
  }
  out += "</testsuites>\n";
  return out;
}

}  // namespace polc::cli
