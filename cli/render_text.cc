#include "cli/render_text.h"

#include <algorithm>

#include <fmt/format.h>

namespace polc::cli {
namespace {

// ANSI SGR sequences, as clang uses them.
constexpr std::string_view kBold = "\033[1m";
constexpr std::string_view kRed = "\033[1;31m";
constexpr std::string_view kMagenta = "\033[1;35m";
constexpr std::string_view kCyan = "\033[1;36m";
constexpr std::string_view kGreen = "\033[1;32m";
constexpr std::string_view kReset = "\033[0m";

class Painter {
 public:
  explicit Painter(bool color) : color_(color) {}
  std::string operator()(std::string_view style, std::string_view text) const {
    return color_ ? fmt::format("{}{}{}", style, text, kReset) : std::string(text);
  }

 private:
  bool color_;
};

std::string_view SeverityStyle(ir::Severity severity) {
  switch (severity) {
    case ir::Severity::kError: return kRed;
    case ir::Severity::kWarning: return kMagenta;
    case ir::Severity::kInfo: return kCyan;
  }
  return kBold;
}

// Longest source line quoted in full under a finding.
constexpr size_t kMaxQuotedLine = 160;

// Spaces (tabs kept, so the caret lines up however tabs render) up to 1-based
// byte column `column`; UTF-8 continuation bytes take no width.
std::string CaretIndent(std::string_view line, uint32_t column) {
  std::string out;
  for (size_t i = 0; i + 1 < column && i < line.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(line[i]);
    if ((c & 0xC0) == 0x80) continue;
    out += c == '\t' ? '\t' : ' ';
  }
  return out;
}

std::string Where(const ir::FileTable& files, const ir::SourceLocation& location) {
  return location.Known() ? files.Format(location) : std::string("polc");
}

void RenderOne(const RenderInput& input, const ir::Diagnostic& d, const Painter& paint, std::string& out) {
  out += fmt::format("{}: {} {} [{}]\n", paint(kBold, Where(input.files, d.location)),
                     paint(SeverityStyle(d.severity), fmt::format("{}:", ir::SeverityName(d.severity))),
                     paint(kBold, d.message), ir::Info(d.rule).id);
  if (d.location.Known() && d.location.line > 0) {
    std::string_view line = input.files.Line(d.location.file, d.location.line);
    uint32_t column = d.location.column;
    // A minified JSON or flow-style file can put megabytes on one line: quote
    // only a window around the column, marked with "...".
    std::string_view prefix, suffix;
    if (line.size() > kMaxQuotedLine) {
      size_t center = column > 0 ? column - 1 : 0;
      size_t start = center > kMaxQuotedLine / 2 ? center - kMaxQuotedLine / 2 : 0;
      while (start > 0 && (static_cast<unsigned char>(line[start]) & 0xC0) == 0x80) --start;  // UTF-8 boundary
      size_t end = std::min(line.size(), start + kMaxQuotedLine);
      while (end < line.size() && (static_cast<unsigned char>(line[end]) & 0xC0) == 0x80) ++end;
      if (start > 0) prefix = "...";
      if (end < line.size()) suffix = "...";
      line = line.substr(start, end - start);
      column = column > start ? static_cast<uint32_t>(column - start + prefix.size()) : 0;
    }
    if (!line.empty()) {
      out += fmt::format("{}{}{}\n", prefix, line, suffix);
      if (column > 0) {
        std::string quoted = std::string(prefix) + std::string(line);
        out += fmt::format("{}{}\n", CaretIndent(quoted, column), paint(kGreen, "^"));
      }
    }
  }
  std::string_view hint = EffectiveHint(d);
  if (!hint.empty()) out += fmt::format("  {} {}\n", paint(kCyan, "hint:"), hint);
}

std::string Plural(size_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

}  // namespace

std::string SummaryLine(const Summary& s) {
  return fmt::format("{}, {}, {}, {}, {}, {} suppressed", Plural(s.files, "file", "files"),
                     Plural(s.policies, "policy", "policies"), Plural(s.errors, "error", "errors"),
                     Plural(s.warnings, "warning", "warnings"), Plural(s.infos, "info", "infos"), s.suppressed);
}

std::string RenderText(const RenderInput& input, const TextOptions& options) {
  Painter paint(options.color);
  std::string out;
  if (!options.quiet) {
    for (const ir::Diagnostic& d : input.findings.active) RenderOne(input, d, paint, out);
    if (input.show_suppressed) {
      for (const SuppressedFinding& s : input.findings.suppressed) {
        const ir::Diagnostic& d = s.diagnostic;
        out += fmt::format("{}: suppressed {}: {} [{}]\n  reason: {}\n", paint(kBold, Where(input.files, d.location)),
                           ir::SeverityName(d.severity), d.message, ir::Info(d.rule).id,
                           s.reason.empty() ? "(none given)" : s.reason);
      }
    }
  }
  if (options.summary) {
    out += paint(kBold, SummaryLine(input.summary));
    out += '\n';
  }
  return out;
}

bool UseColor(std::string_view mode, bool is_terminal, const char* no_color, const char* term) {
  if (mode == "always") return true;
  if (mode == "never") return false;
  if (no_color != nullptr && *no_color != '\0') return false;
  if (term != nullptr && std::string_view(term) == "dumb") return false;
  return is_terminal;
}

}  // namespace polc::cli
