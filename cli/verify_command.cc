#include "cli/verify_command.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <memory>
#include <set>

#include "cli/app.h"
#include "cli/command_setup.h"
#include "cli/git_snapshot.h"
#include "cli/lockout.h"
#include "cli/map_inputs.h"
#include "cli/render_verify.h"
#include "cli/verify_baseline.h"
#include "compiler/suggest.h"
#include "ir/verify_config.h"
#include "verifier/assertions.h"
#include "verifier/connectivity_diff.h"
#include "verifier/evaluator.h"
#include "verifier/properties.h"

namespace polc::cli {
namespace {

constexpr const char* kVerifyFooter = R"(Properties (all by default; choose with --require or verify.require):
  default-deny  every possible pod of each namespace in scope is under
                enforcement with default deny, ingress and egress
  dns           every possible pod under egress enforcement reaches kube-dns
                on UDP and TCP 53, and its DNS rules allow its toFQDNs names
  apiserver     every pod of verify.apiserver.namespaces reaches kube-apiserver
  host-lockout  host policies keep SSH from the admin CIDRs, 6443/10250 from
                the cluster, health, Hubble, VXLAN/Geneve, etcd between
                control-plane nodes

Assertions: the statements of every PropertySet document (polc.io/v1alpha1)
among the inputs or in --properties FILE, each a result named
assertion:NAME (docs/PROPERTIES.md): "pods of A may / may not reach B on
these ports", or "pods of A reach nothing but ...". --require assertions
selects them all, --require assertion:NAME one.

Scope: the namespaces that hold a namespaced policy, plus verify.namespaces;
--namespace NS (repeatable) replaces it. The proof covers every pod that
could be scheduled there, not only the pods of the inventory.

Output (--format text), one line per result, evidence under a failure:
  FAILS  dns [namespace shop]: ...
      counterexample: ...   flow: ...   replay: ...   rules: ...   trail: ...
then the analysis (skip with --no-analysis; with a baseline, new findings only):
  note     rule-analysis [allow-dead-by-deny] FILE:LINE: ...
      blocked by (opposite action): ... [deny] (FILE:LINE)
  error    policy-map [policy-map-overflow] FILE:LINE: endpoint ... needs N
Rule-analysis findings are notes; a policy map at 80% of bpf-policy-map-max
is a warning; above it an error, and verify exits 1.

With --baseline OLD (a folder) or --base-ref REV (PATH as it was at a git
revision) only regressions are reported: a property (and scope) that held in
OLD and fails now, and a system flow (DNS, kube-apiserver, host,
kube-system) that OLD allowed and PATH does not, and analysis findings OLD
did not have (same rule, policy and entry or endpoint; lines may move), so a
policy-map overflow a change introduces fails. Both versions are judged
over the scope of PATH.

Exit codes:
  0  every required property holds (with a baseline: no regression)
  1  a property fails (a regression), an endpoint's predicted policy map
     exceeds bpf-policy-map-max, or a policy has errors and
     --rejected-policies is fail (the default)
  2  usage error, bad config file, an input that cannot be read or parsed, or
     a git problem

Examples:
  polc verify policies/ cluster/
  polc verify policies/ --require default-deny,dns --namespace shop
  polc verify policies/ --properties properties.yaml --require assertions
  polc verify policies/ --format sarif > verify.sarif
  polc verify --base-ref origin/main policies/ --format github

Full reference: docs/CLI.md.)";

void PrintError(std::string_view message) {
  fmt::print(stderr, "polc verify: {}\n", message);
}

// --require names, checked against the built-in properties ("assertions"
// and "assertion:NAME" are checked once the PropertySets are loaded).
bool CheckRequired(const std::vector<std::string>& names) {
  for (const std::string& name : names) {
    if (std::find(ir::kBuiltinProperties.begin(), ir::kBuiltinProperties.end(), name) !=
            ir::kBuiltinProperties.end() ||
        name == "assertions" || name.starts_with("assertion:")) {
      continue;
    }
    std::string message = fmt::format("--require {}: unknown property", name);
    if (auto suggestion = compiler::Suggest(name, ir::kBuiltinProperties)) {
      message += fmt::format("; did you mean '{}'?", *suggestion);
    }
    PrintError(fmt::format("{} (known: {})", message, fmt::join(ir::kBuiltinProperties, ", ")));
    return false;
  }
  return true;
}

std::vector<std::string> Unique(const std::vector<std::string>& names) {
  std::vector<std::string> out;
  for (const std::string& name : names) {
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
  }
  return out;
}

// The baseline's inputs: a folder, or PATH at REV read from git under the
// same file names.
std::unique_ptr<MapInputs> LoadBaseline(const VerifyCommandOptions& options, const compiler::LoadOptions& load,
                                        std::string& label, bool& git_error) {
  if (!options.base_ref.empty()) {
    auto snapshot = ReadGitSnapshot(options.base_ref, options.paths[0]);
    if (auto* error = std::get_if<std::string>(&snapshot)) {
      PrintError(*error);
      git_error = true;
      return nullptr;
    }
    GitSnapshot& old = std::get<GitSnapshot>(snapshot);
    label = fmt::format("{} at {}", old.path, options.base_ref);
    if (old.files.empty())
      PrintError(fmt::format("{} has no input files at {}; the baseline is empty", old.path, options.base_ref));
    compiler::LoadOptions old_load = load;
    old_load.fs = old.fs.get();
    std::vector<std::string> paths;
    if (!old.files.empty()) paths.push_back(old.path);
    // The snapshot's file system need only outlive the load: LoadMapInputs
    // keeps the IR, the inventory and the file table, not the files.
    return LoadMapInputs("verify", paths, old_load, options.rejected_policies, false, label);
  }
  label = options.baseline;
  return LoadMapInputs("verify", {options.baseline}, load, options.rejected_policies, false, label);
}

// A PropertySet with errors is an input error (exit 2): an assertion
// dropped for a typo must not let the run pass. --require assertion:NAME
// must name a loaded assertion.
bool CheckAssertions(const std::vector<ir::PropertySet>& sets, const ir::DiagnosticSink& sink,
                     const std::vector<std::string>& required) {
  std::set<int> objects;
  std::vector<std::string> names;
  for (const ir::PropertySet& set : sets) {
    objects.insert(set.object);
    for (const ir::Assertion& a : set.assertions) names.push_back(verifier::AssertionProperty(a));
  }
  bool errors = std::any_of(sink.diagnostics().begin(), sink.diagnostics().end(), [&](const ir::Diagnostic& d) {
    return d.severity == ir::Severity::kError && objects.contains(d.object);
  });
  if (errors) {
    PrintError("a PropertySet has errors (see above); fix them so that every assertion is proved");
    return false;
  }
  std::vector<std::string> sorted = names;
  std::sort(sorted.begin(), sorted.end());
  if (auto dup = std::adjacent_find(sorted.begin(), sorted.end()); dup != sorted.end()) {
    PrintError(fmt::format("two PropertySets both have an assertion named '{}'; rename one so that each result "
                           "names one statement",
                           dup->substr(std::string_view("assertion:").size())));
    return false;
  }
  for (const std::string& name : required) {
    if (!name.starts_with("assertion:") || std::find(names.begin(), names.end(), name) != names.end()) continue;
    std::string message = fmt::format("--require {}: no PropertySet of the inputs has this assertion", name);
    if (auto suggestion = compiler::Suggest(name, std::vector<std::string_view>(names.begin(), names.end()))) {
      message += fmt::format("; did you mean '{}'?", *suggestion);
    }
    PrintError(message);
    return false;
  }
  return true;
}

}  // namespace

void AddVerifyCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<VerifyCommandOptions>();
  CLI::App* command = app.add_subcommand(
      "verify",
      "Prove properties for every possible pod (default deny, DNS, API server reach, no host lockout), with a "
      "counterexample and its rule trail when one fails; with a baseline, the pre-merge lockout gate.");
  command->footer(kVerifyFooter);
  command->add_option("paths", options->paths, "Files or folders with policies and inventory manifests")->required();
  command
      ->add_option("--require", options->require,
                   "Properties to prove: default-deny, dns, apiserver, host-lockout (comma-separated or repeated; "
                   "default: verify.require in the config, else all)")
      ->delimiter(',');
  command->add_option("--namespace", options->namespaces,
                      "Prove the namespace-scoped properties for this namespace (repeatable); replaces the scope");
  command->add_option("--format", options->format, "Output format: text (default), json, sarif, github")
      ->check(CLI::IsMember({"text", "json", "sarif", "github"}));
  command->add_option("-o,--output", options->output, "Write the report to FILE instead of standard output");
  command->add_option("--baseline", options->baseline,
                      "Report only regressions against this older version (a folder)");
  command->add_option("--base-ref", options->base_ref,
                      "Report only regressions against PATH as it was at this git revision");
  command->add_option("--cilium-version", options->cilium_version, "Cilium version whose semantics apply, 1.16 to 1.20")
      ->check(CiliumVersionValidator());
  command->add_option("--config", options->config_path,
                      "Config file (default: the nearest .polc.yaml in the working directory or a parent)");
  command
      ->add_option("--rejected-policies", options->rejected_policies,
                   "Policies with errors (the API server or the agent rejects them): fail (default) leaves them "
                   "out, as the cluster would, and exits 1; drop leaves them out; ignore verifies them as written")
      ->check(CLI::IsMember({"fail", "drop", "ignore"}));
  command->add_option("--properties", options->properties,
                      "A file of PropertySet documents (user-written assertions) to prove as well (repeatable)");
  command->add_flag("--no-analysis", options->no_analysis,
                    "Skip the rule analysis and the policy-map pressure part of the report");
  command->callback([options, &exit_code] { exit_code = RunVerify(*options); });
}

int RunVerify(const VerifyCommandOptions& options) {
  if (!options.baseline.empty() && !options.base_ref.empty()) {
    PrintError("give --baseline OLD or --base-ref REV, not both");
    return kExitUsage;
  }
  if (!options.base_ref.empty() && options.paths.size() != 1) {
    PrintError("with --base-ref, give one PATH (its old version is read from git)");
    return kExitUsage;
  }
  std::optional<VerifyFormat> format = ParseVerifyFormat(options.format);
  if (!format) {
    PrintError(fmt::format("--format {}: unknown format", options.format));
    return kExitUsage;
  }
  if (!CheckRequired(options.require)) return kExitUsage;
  std::optional<compiler::Config> config = LoadCommandConfig("verify", options.config_path);
  if (!config) return kExitUsage;
  compiler::LoadOptions load = CommandLoadOptions(*config, options.cilium_version);

  // Flags override the config file: --require replaces verify.require,
  // --namespace replaces the scope.
  ir::VerifyConfig verify = config->verify;
  if (!options.require.empty()) verify.required = Unique(options.require);
  if (!options.namespaces.empty()) verify.namespaces = Unique(options.namespaces);

  std::vector<std::string> paths = options.paths;
  paths.insert(paths.end(), options.properties.begin(), options.properties.end());
  std::unique_ptr<MapInputs> inputs =
      LoadMapInputs("verify", paths, load, options.rejected_policies, /*print_findings=*/true);
  if (inputs->unreadable) {
    PrintError("an input cannot be read or parsed (see above)");
    return kExitUsage;
  }
  const std::vector<ir::PropertySet>& property_sets = inputs->result.property_sets;
  if (!CheckAssertions(property_sets, inputs->result.sink, verify.required)) return kExitUsage;
  VerifyReport report;
  report.results = verifier::VerifyProperties(inputs->accepted, inputs->result.inventory, load.settings, verify);
  std::vector<verifier::PropertyResult> assertions = verifier::VerifyAssertions(
      inputs->accepted, inputs->result.inventory, load.settings, property_sets, verify.required);
  report.results.insert(report.results.end(), assertions.begin(), assertions.end());
  report.scope = verifier::PropertyScope(inputs->accepted, verify);
  report.checked = report.results.size();
  // The analysis part (rule analysis, policy-map pressure); a regression run
  // keeps only the findings the baseline does not have (below).
  if (!options.no_analysis) {
    report.analysis_run = true;
    report.analysis =
        AnalyzeForVerify(inputs->accepted, inputs->result.inventory, load.settings, inputs->result.files);
  }

  if (!options.baseline.empty() || !options.base_ref.empty()) {
    std::string label;
    bool git_error = false;
    std::unique_ptr<MapInputs> old_inputs = LoadBaseline(options, load, label, git_error);
    if (git_error) return kExitUsage;
    if (old_inputs->unreadable) {
      PrintError(fmt::format("the baseline {} cannot be read or parsed (see above)", label));
      return kExitUsage;
    }
    // The baseline is judged over the current scope, so that a namespace the
    // change adds is compared with what the baseline did there.
    ir::VerifyConfig old_verify = verify;
    old_verify.namespaces = report.scope;
    std::vector<verifier::PropertyResult> old_results =
        verifier::VerifyProperties(old_inputs->accepted, old_inputs->result.inventory, load.settings, old_verify);
    // The current statements, judged on the old version too.
    std::vector<verifier::PropertyResult> old_assertions = verifier::VerifyAssertions(
        old_inputs->accepted, old_inputs->result.inventory, load.settings, property_sets, verify.required);
    old_results.insert(old_results.end(), old_assertions.begin(), old_assertions.end());
    report.results = PropertyRegressions(old_results, report.results);
    if (report.analysis_run) {
      report.analysis = NewAnalysisFindings(AnalyzeForVerify(old_inputs->accepted, old_inputs->result.inventory,
                                                             load.settings, old_inputs->result.files),
                                            std::move(report.analysis));
    }

    // System flows: the connectivity diff's lockout summary, system classes only.
    MapSettingsOptions map_settings;
    map_settings.all_entities = true;  // kube-apiserver, host, remote-node are peers even when no rule names them
    verifier::ConnectivityMap old_map =
        ComputeMap("verify", *old_inputs, load, map_settings, false, "computing the baseline's map");
    old_inputs.reset();
    verifier::ConnectivityMap new_map = ComputeMap("verify", *inputs, load, map_settings, false, "computing the map");
    verifier::ConnectivityDiff diff = verifier::DiffConnectivity(old_map, new_map);
    verifier::Evaluator evaluator(inputs->accepted, inputs->result.inventory, load.settings);
    report.lost_system_flows = SystemFlowRegressions(
        ComputeLockout(diff, old_map, new_map, evaluator, inputs->accepted, inputs->result.files));
    report.baseline = label;
  }

  std::string text = RenderVerify(report, *format, inputs->accepted, inputs->result.files);
  if (!WriteOutput("verify", options.output, text)) return kExitUsage;
  if (VerifyFailed(report)) return kExitFindings;
  if (!inputs->rejected.empty() && options.rejected_policies == "fail") return kExitFindings;
  return kExitOk;
}

}  // namespace polc::cli
