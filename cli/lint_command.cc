#include "cli/lint_command.h"

#include <iostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/app.h"
#include "compiler/loader.h"
#include "verifier/lints.h"

namespace polc::cli {

void AddLintCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<LintOptions>();
  CLI::App* lint = app.add_subcommand("lint", "Validate and lint policy files (schema, Cilium Sanitize, lints).");
  lint->add_option("paths", options->paths, "Files or folders (recursive; .yaml/.yml/.json), or - for stdin");
  lint->add_option("--format", options->format, "Output format")
      ->check(CLI::IsMember({"text", "json", "sarif", "github"}));
  lint->add_flag("--dump-ir", options->dump_ir, "Print the typed IR instead of findings");
  lint->callback([options, &exit_code] { exit_code = RunLint(*options); });
}

int RunLint(const LintOptions& options) {
  compiler::LoadOptions load_options;
  compiler::LoadResult result = compiler::Load(options.paths, load_options);
  verifier::RunLints(result.policies, load_options.settings, result.sink);
  auto& diagnostics = result.sink.diagnostics();
  ir::SortDiagnostics(diagnostics);
  for (const ir::Diagnostic& d : diagnostics) {
    fmt::print("{}: {}: {} [{}]\n", result.files.Format(d.location), ir::SeverityName(d.severity), d.message,
               ir::Info(d.rule).id);
  }
  return result.sink.HasErrors() ? kExitFindings : kExitOk;
}

}  // namespace polc::cli
