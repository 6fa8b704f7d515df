#include "cli/diff_command.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

#include "cli/app.h"
#include "cli/git_snapshot.h"
#include "cli/lockout.h"
#include "cli/render_connectivity.h"
#include "verifier/connectivity_diff.h"
#include "verifier/evaluator.h"

namespace polc::cli {
namespace {

constexpr const char* kDiffFooter = R"(OLD and NEW are folders (or files) of policies and inventory manifests; with
--base-ref REV, the one PATH is NEW and OLD is the same PATH as it was at git
revision REV (a commit, branch or tag; a PATH absent at REV counts as empty).

Output (--format connlist), netpol-analyzer's diff format; ref1 is OLD:
  Connectivity diff:
  diff-type: changed, source: shop/web[Deployment], destination: shop/db[StatefulSet], ref1: TCP 5432, ref2: TCP 5432,5433

Lockout summary (stderr, so standard output stays netpol-analyzer's format):
every pair that loses connections, system flows first (DNS, kube-apiserver,
host, kube-system), each with a representative flow and the rule of NEW that
now denies it (file:line). --lockout json prints it as JSON, --lockout none
not at all.

Policies with errors (the API server or the agent rejects them) are named on
stderr and take no part, as in a cluster; an error in NEW exits 1. With
--rejected-policies drop the exit code stays 0; with ignore they are mapped
as written (as netpol-analyzer, which validates nothing).

Exit codes:
  0  the diff was written, and --fail-on (if given) found nothing
  1  the diff has an entry of the --fail-on kind (removed, changed, or any
     entry at all), or a policy of NEW has errors and --rejected-policies is
     fail (the default)
  2  usage error, bad config file, an input that cannot be read or parsed, or
     a git problem (unknown revision, PATH not in a work tree)

Examples:
  polc diff old-policies/ policies/
  polc diff --base-ref main policies/
  polc diff --base-ref origin/main policies/ --fail-on removed
  polc diff --base-ref HEAD~1 manifests/ --semantics kubernetes --format csv

Full reference: docs/CLI.md.)";

void PrintError(std::string_view message) {
  fmt::print(stderr, "polc diff: {}\n", message);
}

bool FailOn(const verifier::ConnectivityDiff& diff, const std::string& fail_on) {
  using Type = verifier::ConnectivityDiffEntry::Type;
  for (const verifier::ConnectivityDiffEntry& entry : diff.entries) {
    if (fail_on == "any") return true;
    if (fail_on == "removed" && entry.type == Type::kRemoved) return true;
    if (fail_on == "changed" && entry.type == Type::kChanged) return true;
  }
  return false;
}

}  // namespace

void AddDiffCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<DiffCommandOptions>();
  CLI::App* command = app.add_subcommand(
      "diff",
      "What a change adds to and removes from connectivity: the semantic diff of two versions, in "
      "netpol-analyzer's formats, with the flows that lose connectivity and the rules that now deny them.");
  command->footer(kDiffFooter);
  command->add_option("paths", options->paths, "OLD NEW (folders or files), or PATH with --base-ref")->required();
  command->add_option("--base-ref", options->base_ref, "Read OLD from this git revision of PATH");
  command->add_option("--format", options->format, "Output format: connlist (default), csv, md, json")
      ->check(CLI::IsMember({"connlist", "csv", "md", "json"}));
  command->add_option("-o,--output", options->output, "Write the diff to FILE instead of standard output");
  command->add_option("--lockout", options->lockout, "Lockout summary on stderr: text (default), json, none")
      ->check(CLI::IsMember({"text", "json", "none"}));
  command
      ->add_option("--fail-on", options->fail_on,
                   "Exit 1 when the diff has removed entries, changed entries, or any entry")
      ->check(CLI::IsMember({"removed", "changed", "any"}));
  AddMapSettingsOptions(*command, options->settings);
  command->callback([options, &exit_code] { exit_code = RunDiff(*options); });
}

int RunDiff(const DiffCommandOptions& options) {
  bool git = !options.base_ref.empty();
  if (git && options.paths.size() != 1) {
    PrintError("with --base-ref, give one PATH (its old version is read from git)");
    return kExitUsage;
  }
  if (!git && options.paths.size() != 2) {
    PrintError("give two versions, OLD NEW, or one PATH with --base-ref REV (see polc diff --help)");
    return kExitUsage;
  }
  std::optional<DiffFormat> format = ParseDiffFormat(options.format);
  if (!format) {
    PrintError(fmt::format("--format {}: unknown format", options.format));
    return kExitUsage;
  }
  std::optional<compiler::LoadOptions> load = MapLoadOptions("diff", options.settings);
  if (!load) return kExitUsage;

  // OLD: a folder, or PATH at REV through an in-memory file system with the
  // same file names, so findings name the files the user knows.
  std::unique_ptr<MapInputs> old_inputs;
  std::string old_label;
  if (git) {
    auto snapshot = ReadGitSnapshot(options.base_ref, options.paths[0]);
    if (auto* error = std::get_if<std::string>(&snapshot)) {
      PrintError(*error);
      return kExitUsage;
    }
    GitSnapshot& old = std::get<GitSnapshot>(snapshot);
    old_label = fmt::format("{} at {}", old.path, options.base_ref);
    if (old.files.empty())
      PrintError(fmt::format("{} has no input files at {}; the old version is empty", old.path, options.base_ref));
    compiler::LoadOptions old_load = *load;
    old_load.fs = old.fs.get();
    std::vector<std::string> paths;
    if (!old.files.empty()) paths.push_back(old.path);
    old_inputs = LoadMapInputs("diff", paths, old_load, options.settings.rejected_policies, false, old_label);
  } else {
    old_label = options.paths[0];
    old_inputs = LoadMapInputs("diff", {options.paths[0]}, *load, options.settings.rejected_policies, false, old_label);
  }
  // One version in memory at a time: the old inputs go once their map exists.
  bool old_unreadable = old_inputs->unreadable;
  verifier::ConnectivityMap old_map;
  if (!old_unreadable) old_map = ComputeMap("diff", *old_inputs, *load, options.settings, false, "computing the old map");
  old_inputs.reset();
  std::string new_path = git ? options.paths[0] : options.paths[1];
  std::unique_ptr<MapInputs> new_inputs =
      LoadMapInputs("diff", {new_path}, *load, options.settings.rejected_policies, true);
  if (old_unreadable || new_inputs->unreadable) {
    PrintError("an input cannot be read or parsed (see above)");
    return kExitUsage;
  }

  verifier::ConnectivityMap new_map =
      ComputeMap("diff", *new_inputs, *load, options.settings, false, "computing the new map");
  verifier::ConnectivityDiff diff = verifier::DiffConnectivity(old_map, new_map);
  if (!WriteOutput("diff", options.output, RenderDiff(diff, *format))) return kExitUsage;

  if (options.lockout != "none") {
    verifier::Evaluator evaluator(new_inputs->accepted, new_inputs->result.inventory, load->settings);
    std::vector<LockoutEntry> lockout =
        ComputeLockout(diff, old_map, new_map, evaluator, new_inputs->accepted, new_inputs->result.files);
    std::fflush(stdout);
    if (options.lockout == "json") {
      fmt::print(stderr, "{}\n", LockoutJson(lockout).dump(2));
    } else {
      fmt::print(stderr, "{}", RenderLockoutText(lockout));
    }
  }
  if (!options.fail_on.empty() && FailOn(diff, options.fail_on)) return kExitFindings;
  if (!new_inputs->rejected.empty() && options.settings.rejected_policies == "fail") return kExitFindings;
  return kExitOk;
}

}  // namespace polc::cli
