#include "cli/command_setup.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>

#include "cli/findings.h"
#include "cli/render_text.h"

namespace polc::cli {

std::optional<compiler::Config> LoadCommandConfig(std::string_view command, const std::string& config_path) {
  const compiler::FileSystem& fs = compiler::RealFileSystem();
  std::optional<std::string> path;
  if (!config_path.empty()) {
    path = config_path;
    if (fs.Stat(*path) != compiler::FileSystem::Type::kFile) {
      fmt::print(stderr, "polc {}: --config {}: no such file\n", command, *path);
      return std::nullopt;
    }
  } else {
    std::error_code ec;
    std::filesystem::path cwd = std::filesystem::current_path(ec);
    if (!ec) path = compiler::FindConfigFile(cwd.string(), fs);
    if (path) {
      std::filesystem::path relative = std::filesystem::proximate(*path, cwd, ec);
      if (!ec && !relative.empty()) path = relative.string();
    }
  }
  if (!path) return compiler::Config{};
  constexpr uint64_t kMaxConfigBytes = 1 << 20;
  std::optional<std::string> text = fs.Read(*path, kMaxConfigBytes);
  if (!text || text->size() > kMaxConfigBytes) {
    fmt::print(stderr, "polc {}: cannot read the config file {}\n", command, *path);
    return std::nullopt;
  }
  ir::FileTable files;
  ir::FileId id = files.Add(*path, *text);
  ir::DiagnosticSink sink;
  compiler::Config config = compiler::ParseConfig(files.Contents(id), id, sink);
  if (sink.diagnostics().empty()) return config;
  Findings findings;
  findings.active = sink.diagnostics();
  ir::SortDiagnostics(findings.active);
  // The rules' own help speaks of policies and the API server; point at the
  // config reference instead.
  for (ir::Diagnostic& d : findings.active) {
    if (d.hint.empty()) d.hint = "docs/CLI.md lists every key of .polc.yaml and its values";
  }
  // Only the findings: a summary line would count the config as a linted file.
  RenderInput input{files, findings, Summarize(findings, 1, 0), false};
  fmt::print(stderr, "{}", RenderText(input, TextOptions{.summary = false}));
  if (!sink.HasErrors()) return config;
  fmt::print(stderr, "polc {}: the config file {} has errors\n", command, *path);
  return std::nullopt;
}

compiler::LoadOptions CommandLoadOptions(const compiler::Config& config, const std::string& cilium_version) {
  compiler::LoadOptions options;
  options.settings = config.settings;
  if (!cilium_version.empty()) {
    options.settings.version = ir::ParseCiliumVersion(cilium_version).value_or(ir::kDefaultVersion);
  }
  options.collect.limits = config.limits;
  options.collect.ignore_globs = config.ignore_paths;
  return options;
}

CLI::Validator CiliumVersionValidator() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        if (ir::ParseCiliumVersion(text)) return {};
        return fmt::format("'{}' is not a supported Cilium version; use {} to {} (e.g. 1.19)", text,
                           ir::kOldestSupportedVersion.ToString(), ir::kNewestSupportedVersion.ToString());
      },
      "1.16..1.20");
}

bool PrintLoadDiagnostics(const compiler::LoadResult& result) {
  Findings findings;
  for (const ir::Diagnostic& d : result.sink.diagnostics()) {
    if (d.severity != ir::Severity::kInfo) findings.active.push_back(d);
  }
  ir::SortDiagnostics(findings.active);
  if (!findings.active.empty()) {
    bool color = isatty(fileno(stderr)) != 0 && UseColor("auto", true, std::getenv("NO_COLOR"), std::getenv("TERM"));
    RenderInput input{result.files, findings, Summarize(findings, result.files_read, result.policies.policies.size()),
                      false};
    fmt::print(stderr, "{}", RenderText(input, TextOptions{.color = color, .summary = false}));
  }
  return LintExitCode(findings.active, std::nullopt) == 2;
}

std::vector<std::string> ErrorLines(const compiler::LoadResult& result, const std::function<bool(int)>& keep) {
  std::vector<ir::Diagnostic> errors;
  for (const ir::Diagnostic& d : result.sink.diagnostics()) {
    if (d.severity == ir::Severity::kError && keep(d.object)) errors.push_back(d);
  }
  ir::SortDiagnostics(errors);
  std::vector<std::string> lines;
  for (const ir::Diagnostic& d : errors) {
    std::string where = d.location.Known() ? result.files.Format(d.location) : "polc";
    lines.push_back(fmt::format("{}: error: {} [{}]", where, d.message, ir::Info(d.rule).id));
  }
  return lines;
}

}  // namespace polc::cli
