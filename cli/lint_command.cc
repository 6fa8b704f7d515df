#include "cli/lint_command.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/app.h"
#include "cli/command_setup.h"
#include "cli/findings.h"
#include "cli/progress.h"
#include "cli/render_github.h"
#include "cli/render_json.h"
#include "cli/render_rules.h"
#include "cli/render_sarif.h"
#include "cli/render_text.h"
#include "compiler/config.h"
#include "compiler/loader.h"
#include "ir/dump.h"
#include "verifier/lints.h"

namespace polc::cli {
namespace {

constexpr const char* kLintFooter = R"(Exit codes:
  0  no finding at or above --fail-on
  1  a finding at or above --fail-on (default: error)
  2  usage error, bad config file, or an input that cannot be read or parsed
     (any error of category input: input-unreadable, input-too-large,
     input-encoding, yaml-syntax, yaml-too-deep, yaml-too-many-nodes,
     duplicate-key)

Configuration: --config FILE, else the nearest .polc.yaml in the working
directory or a parent (keys: ciliumVersion, settings, rules.disable,
rules.severity, ignorePaths, limits). Flags override the file.

Suppress a finding on one object with an annotation naming its rule:
  metadata:
    annotations:
      polc.io/ignore-l4-only-allows-world: "public web server"

Examples:
  polc lint policies/
  polc lint --format sarif policies/ > polc.sarif
  polc lint --format github --fail-on warning policies/
  kubectl get cnp -A -o yaml | polc lint -
  polc lint --list-rules --format markdown > docs/RULES.md

Full reference: docs/CLI.md; every rule: docs/RULES.md.)";

void PrintError(std::string_view message) { fmt::print(stderr, "polc lint: {}\n", message); }

bool IsTerminal(FILE* stream) { return isatty(fileno(stream)) != 0; }

bool ColorFor(const LintOptions& options, FILE* stream) {
  return UseColor(options.color, IsTerminal(stream), std::getenv("NO_COLOR"), std::getenv("TERM"));
}

int ListRules(const LintOptions& options) {
  if (options.format == "text") {
    fmt::print("{}", RenderRulesText());
  } else if (options.format == "json") {
    fmt::print("{}", RenderRulesJson());
  } else if (options.format == "markdown") {
    fmt::print("{}", RenderRulesMarkdown());
  } else {
    PrintError(fmt::format("--list-rules supports --format text, json or markdown, not {}", options.format));
    return kExitUsage;
  }
  return kExitOk;
}

// Finds, reads and parses the config file. Problems are printed to stderr
// (text, with the source line) and make the result nullopt.
void Render(const LintOptions& options, const RenderInput& input) {
  if (options.format == "json") {
    fmt::print("{}", RenderJson(input));
  } else if (options.format == "sarif") {
    fmt::print("{}", RenderSarif(input));
  } else if (options.format == "github") {
    fmt::print("{}", RenderGithub(input, options.quiet));
  } else {
    fmt::print("{}", RenderText(input, TextOptions{.color = ColorFor(options, stdout), .quiet = options.quiet}));
  }
}

}  // namespace

void AddLintCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<LintOptions>();
  CLI::App* lint = app.add_subcommand(
      "lint", "Validate and lint policy files: schema, Cilium's Sanitize() for the chosen version, and lints.");
  lint->footer(kLintFooter);
  lint->add_option("paths", options->paths,
                   "Files or folders (searched recursively for .yaml/.yml/.json), or - for stdin");
  lint->add_option("--format", options->format,
                   "Output format: text (default), json, sarif (2.1.0), github (workflow commands); "
                   "markdown with --list-rules")
      ->check(CLI::IsMember({"text", "json", "sarif", "github", "markdown"}));
  lint->add_option("--fail-on", options->fail_on,
                   "Exit 1 when a finding has this severity or higher: error (default), warning, info, never")
      ->check(CLI::IsMember({"error", "warning", "info", "never"}));
  lint->add_option("--config", options->config_path,
                   "Config file (default: the nearest .polc.yaml in the working directory or a parent)");
  CLI::Validator version_check(
      [](std::string& text) -> std::string {
        if (ir::ParseCiliumVersion(text)) return {};
        return fmt::format("'{}' is not a supported Cilium version; use {} to {} (e.g. 1.19)", text,
                           ir::kOldestSupportedVersion.ToString(), ir::kNewestSupportedVersion.ToString());
      },
      "1.16..1.20");
  lint->add_option("--cilium-version", options->cilium_version,
                   fmt::format("Cilium version whose rules apply, {} to {} (default {}; overrides ciliumVersion)",
                               ir::kOldestSupportedVersion.ToString(), ir::kNewestSupportedVersion.ToString(),
                               ir::kDefaultVersion.ToString()))
      ->check(version_check);
  lint->add_flag("--dump-ir", options->dump_ir, "Print the typed IR to stdout (findings go to stderr)");
  lint->add_flag("--list-rules", options->list_rules,
                 "List every rule (id, default severity, category, summary); --format text, json or markdown");
  lint->add_flag("--show-suppressed", options->show_suppressed,
                 "Also list findings suppressed by polc.io/ignore-<rule-id> annotations, with their reason");
  lint->add_option("--color", options->color, "Colour: auto (default; a terminal, unless NO_COLOR is set), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  lint->add_flag("--quiet,-q", options->quiet, "Print only the summary line (text and github formats)");
  lint->callback([options, &exit_code] { exit_code = RunLint(*options); });
}

int RunLint(const LintOptions& options) {
  if (options.list_rules) return ListRules(options);
  if (options.format == "markdown") {
    PrintError("--format markdown is only for --list-rules");
    return kExitUsage;
  }
  if (options.paths.empty()) {
    PrintError("no input; give files, folders, or - for stdin (see polc lint --help)");
    return kExitUsage;
  }
  std::optional<compiler::Config> config = LoadCommandConfig("lint", options.config_path);
  if (!config) return kExitUsage;
  compiler::LoadOptions load_options = CommandLoadOptions(*config, options.cilium_version);
  load_options.progress = TerminalProgress("linting");
  compiler::LoadResult result = compiler::Load(options.paths, load_options);
  verifier::RunLints(result.policies, load_options.settings, result.inventory, result.sink);
  CheckSuppressionAnnotations(result.objects, result.sink);
  Findings findings = ApplyRuleConfig(std::move(result.sink.diagnostics()), result.objects, config->rules);
  RenderInput input{result.files, findings, Summarize(findings, result.files_read, result.policies.policies.size()),
                    options.show_suppressed};

  if (options.dump_ir) {
    fmt::print("{}", ir::Dump(result.policies, result.files));
    fmt::print(stderr, "{}", RenderText(input, TextOptions{.color = ColorFor(options, stderr)}));
  } else {
    Render(options, input);
  }
  std::optional<ir::Severity> fail_on;
  if (options.fail_on != "never") fail_on = ir::SeverityFromName(options.fail_on);
  return LintExitCode(findings.active, fail_on);
}

}  // namespace polc::cli
