// What `polc connectivity` and `polc diff` share: the semantic settings
// flags (--semantics, --cilium-version, --config, --rejected-policies,
// --all-entities), loading one version of a repository, and the policies
// that take part in its map (those the API server and the agent accept,
// cilium-semantics.md 1.13).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/config.h"
#include "compiler/loader.h"
#include "ir/policy.h"
#include "verifier/connectivity.h"

namespace CLI {
class App;
}

namespace polc::cli {

struct MapSettingsOptions {
  std::string config_path;
  std::string cilium_version;
  std::string semantics = "cilium";  // cilium | kubernetes
  // Policies with errors (the API server or the agent rejects them): "fail"
  // and "drop" leave them out, as the cluster would (fail also exits 1);
  // "ignore" ignores the errors and maps them as written, as netpol-analyzer
  // (which validates nothing) does.
  std::string rejected_policies = "fail";  // fail | drop | ignore
  bool all_entities = false;
};

// Registers the options above on a subcommand.
void AddMapSettingsOptions(CLI::App& command, MapSettingsOptions& options);

// The config file and flags as load options (settings.semantics included);
// nullopt after printing the problem when the config file is bad.
std::optional<compiler::LoadOptions> MapLoadOptions(std::string_view command, const MapSettingsOptions& options);

struct MapInputs {
  compiler::LoadResult result;
  ir::PolicySet accepted;             // the policies that take part
  std::vector<std::string> rejected;  // "CiliumNetworkPolicy ns/name", each rejected policy
  bool unreadable = false;            // an input could not be read or parsed (exit 2)
};

// Loads `paths`. With `print_findings`, every finding is printed to stderr
// as `polc lint` prints it; otherwise only errors, each line prefixed with
// `label` (e.g. "old version (main): "). Policies with errors are named on
// stderr and left out, or kept when `rejected_policies` is "ignore".
std::unique_ptr<MapInputs> LoadMapInputs(std::string_view command, const std::vector<std::string>& paths,
                                         const compiler::LoadOptions& options, const std::string& rejected_policies,
                                         bool print_findings, std::string_view label = {});

// Computes the map of `inputs`, with a progress bar on a terminal ("<verb>
// N/M"), and prints its warnings to stderr prefixed with "polc <command>: ".
verifier::ConnectivityMap ComputeMap(std::string_view command, const MapInputs& inputs,
                                     const compiler::LoadOptions& options, const MapSettingsOptions& settings,
                                     bool explain, std::string_view verb);

// Writes `text` to `path`, or stdout when `path` is empty; false (after
// printing the problem) when the file cannot be written.
bool WriteOutput(std::string_view command, const std::string& path, const std::string& text);

}  // namespace polc::cli
