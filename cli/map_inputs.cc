#include "cli/map_inputs.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <set>

#include "cli/app.h"
#include "cli/command_setup.h"
#include "cli/findings.h"
#include "cli/progress.h"
#include "verifier/accepted_policies.h"

namespace polc::cli {

void AddMapSettingsOptions(CLI::App& command, MapSettingsOptions& options) {
  command
      .add_option("--semantics", options.semantics,
                  "Whose meaning NetworkPolicy has: cilium (default, as the Cilium agent enforces it) or kubernetes "
                  "(the upstream specification, as netpol-analyzer reads it)")
      ->check(CLI::IsMember({"cilium", "kubernetes"}));
  command.add_option("--cilium-version", options.cilium_version, "Cilium version whose semantics apply, 1.16 to 1.20")
      ->check(CiliumVersionValidator());
  command.add_option("--config", options.config_path,
                     "Config file (default: the nearest .polc.yaml in the working directory or a parent)");
  command
      .add_option("--rejected-policies", options.rejected_policies,
                  "Policies with errors (the API server or the agent rejects them): fail (default) leaves them "
                  "out, as the cluster would, and exits 1; drop leaves them out; ignore maps them as written, as "
                  "netpol-analyzer does")
      ->check(CLI::IsMember({"fail", "drop", "ignore"}));
  command.add_flag("--all-entities", options.all_entities,
                   "Show every Cilium entity (host, remote-node, kube-apiserver, world, ...) as a peer, not only "
                   "those a rule names");
}

std::optional<compiler::LoadOptions> MapLoadOptions(std::string_view command, const MapSettingsOptions& options) {
  std::optional<compiler::Config> config = LoadCommandConfig(command, options.config_path);
  if (!config) return std::nullopt;
  compiler::LoadOptions load = CommandLoadOptions(*config, options.cilium_version);
  load.settings.semantics = options.semantics == "kubernetes" ? ir::Semantics::kKubernetes : ir::Semantics::kCilium;
  return load;
}

std::unique_ptr<MapInputs> LoadMapInputs(std::string_view command, const std::vector<std::string>& paths,
                                         const compiler::LoadOptions& options, const std::string& rejected_policies,
                                         bool print_findings, std::string_view label) {
  auto inputs = std::make_unique<MapInputs>();
  if (paths.empty()) return inputs;  // an empty version (a folder that did not exist yet)
  compiler::LoadOptions load = options;
  load.progress = TerminalProgress(label.empty() ? "loading" : fmt::format("loading {}", label));
  inputs->result = compiler::Load(paths, load);
  const compiler::LoadResult& result = inputs->result;
  if (print_findings) {
    inputs->unreadable = PrintLoadDiagnostics(result);
  } else {
    inputs->unreadable = LintExitCode(result.sink.diagnostics(), std::nullopt) == kExitUsage;
    for (const std::string& line : ErrorLines(result, [](int) { return true; })) {
      fmt::print(stderr, "{}{}\n", label.empty() ? "" : fmt::format("{}: ", label), line);
    }
  }
  std::vector<int> rejected;
  inputs->accepted = verifier::AcceptedPolicies(result.policies, result.sink.diagnostics(), &rejected);
  bool keep = rejected_policies == "ignore";
  if (keep) inputs->accepted = result.policies;
  for (int index : rejected) {
    const ir::Policy& policy = result.policies.policies[index];
    std::string name = fmt::format("{} {}{}{}", ir::PolicyKindName(policy.kind), policy.meta.namespace_,
                                   policy.meta.namespace_.empty() ? "" : "/", policy.meta.name);
    fmt::print(stderr, "polc {}: {}{} has errors (see above): {}\n", command,
               label.empty() ? "" : fmt::format("{}: ", label), name,
               keep ? "a cluster would reject it; it is mapped as written (--rejected-policies ignore)"
                    : "Cilium rejects it, so it takes no part in the map");
    inputs->rejected.push_back(std::move(name));
  }
  // Past this point only the IR, the inventory and the file table are used;
  // the YAML trees of a 20k-workload repository take more memory than its map.
  inputs->result.yaml.clear();
  inputs->result.yaml.shrink_to_fit();
  inputs->result.objects.clear();
  inputs->result.objects.shrink_to_fit();
  inputs->result.policies = {};
  return inputs;
}

verifier::ConnectivityMap ComputeMap(std::string_view command, const MapInputs& inputs,
                                     const compiler::LoadOptions& options, const MapSettingsOptions& settings,
                                     bool explain, std::string_view verb) {
  verifier::ConnectivityOptions engine;
  engine.explain = explain;
  engine.all_entities = settings.all_entities;
  engine.progress = TerminalProgress(std::string(verb), "");
  verifier::ConnectivityMap map =
      verifier::ComputeConnectivity(inputs.accepted, inputs.result.inventory, options.settings, engine);
  if (engine.progress) engine.progress(1, 1);  // done: clears the progress line whatever the engine reported last
  std::set<std::string> seen;
  for (const std::string& warning : map.warnings) {
    if (seen.insert(warning).second) fmt::print(stderr, "polc {}: warning: {}\n", command, warning);
  }
  return map;
}

bool WriteOutput(std::string_view command, const std::string& path, const std::string& text) {
  if (path.empty() || path == "-") {
    fmt::print("{}", text);
    std::fflush(stdout);
    return true;
  }
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  if (!out) {
    fmt::print(stderr, "polc {}: cannot write {}\n", command, path);
    return false;
  }
  return true;
}

}  // namespace polc::cli
