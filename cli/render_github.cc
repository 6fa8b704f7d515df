#include "cli/render_github.h"

#include <fmt/format.h>

#include "cli/render_text.h"

namespace polc::cli {
namespace {

std::string_view Command(ir::Severity severity) {
  switch (severity) {
    case ir::Severity::kError: return "error";
    case ir::Severity::kWarning: return "warning";
    case ir::Severity::kInfo: return "notice";
  }
  return "warning";
}

}  // namespace

std::string EscapeGithubData(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '%': out += "%25"; break;
      case '\r': out += "%0D"; break;
      case '\n': out += "%0A"; break;
      default: out += c;
    }
  }
  return out;
}

std::string EscapeGithubProperty(std::string_view text) {
  std::string out;
  for (char c : EscapeGithubData(text)) {
    switch (c) {
      case ':': out += "%3A"; break;
      case ',': out += "%2C"; break;
      default: out += c;
    }
  }
  return out;
}

std::string RenderGithub(const RenderInput& input, bool quiet) {
  std::string out;
  if (!quiet) {
    for (const ir::Diagnostic& d : input.findings.active) {
      std::string properties;
      if (d.location.Known() && d.location.file < input.files.size()) {
        properties += fmt::format("file={},", EscapeGithubProperty(input.files.Path(d.location.file)));
        if (d.location.line > 0) properties += fmt::format("line={},", d.location.line);
        if (d.location.column > 0) properties += fmt::format("col={},", d.location.column);
      }
      properties += fmt::format("title={}", EscapeGithubProperty(ir::Info(d.rule).id));
      std::string message = fmt::format("{}\nhint: {}", d.message, EffectiveHint(d));
      out += fmt::format("::{} {}::{}\n", Command(d.severity), properties, EscapeGithubData(message));
    }
  }
  out += SummaryLine(input.summary);
  out += '\n';
  return out;
}

}  // namespace polc::cli
