#include "cli/test_command.h"

#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <set>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/app.h"
#include "cli/command_setup.h"
#include "cli/findings.h"
#include "cli/render_test_results.h"
#include "cli/test_runner.h"
#include "compiler/loader.h"
#include "verifier/accepted_policies.h"
#include "verifier/evaluator.h"

namespace polc::cli {
namespace {

constexpr const char* kTestFooter = R"(Each PolicyTest names its policies (spec.policies, relative to the test file)
or uses the policies of the inputs; its inventory is the inputs' manifests
(or those of spec.policies) plus its inline inventory; spec.settings override
the config and flags.

Output (text): one line per case, then the summary line
  PASS  <test>/<case>  <verdict>  <deciding rule as file:line, or 'default deny' / 'no policy'>
  FAIL  ...            (followed by the expectation, the mismatch and the whole rule trail)
  N passed, N failed

Policies with errors (the API server or the agent rejects them) fail the tests
that use them; with --rejected-policies ignore they take no part, as in a
cluster, and the errors are only printed.

Exit codes:
  0  every case passed
  1  a case failed, or a test could not be run (its policies have errors)
  2  usage error, bad config file, no PolicyTest found, or an input that
     cannot be read or parsed

Examples:
  polc test policies/ tests/
  polc test policies/ --tests tests/web.yaml
  polc test --format junit policies/ tests/ > polc-tests.xml

Full reference: docs/CLI.md; the file format: policy-test-format.md.)";

void PrintError(std::string_view message) { fmt::print(stderr, "polc test: {}\n", message); }

// One loaded set of inputs (the command's, or a test's spec.policies).
struct LoadedSet {
  compiler::LoadResult result;
  std::vector<std::string> errors;  // policy errors that fail the tests using this set
  ir::PolicySet accepted;           // the policies Cilium would accept (cilium-semantics.md 1.13)
  bool unreadable = false;          // a file could not be read or parsed: always fails the tests
};

bool IsPolicyTestObject(const compiler::LoadResult& result, int object) {
  return object >= 0 && static_cast<size_t>(object) < result.objects.size() &&
         result.objects[object].object_class == compiler::ObjectClass::kPolicyTest;
}

std::unique_ptr<LoadedSet> LoadSet(const std::vector<std::string>& paths, compiler::LoadOptions options,
                                   const ir::Settings& settings) {
  options.settings = settings;
  auto set = std::make_unique<LoadedSet>();
  if (paths.empty()) return set;  // `policies: []`: no policies at all
  set->result = compiler::Load(paths, options);
  // Errors in PolicyTest documents belong to those tests, not to the policies.
  const compiler::LoadResult& result = set->result;
  set->errors = ErrorLines(result, [&result](int object) { return !IsPolicyTestObject(result, object); });
  set->accepted = verifier::AcceptedPolicies(result.policies, result.sink.diagnostics());
  set->unreadable = LintExitCode(result.sink.diagnostics(), std::nullopt) == kExitUsage;
  return set;
}

std::vector<std::string> ResolvePolicyPaths(const ir::PolicyTest& test, const std::string& test_file) {
  std::filesystem::path base = std::filesystem::path(test_file).parent_path();
  std::vector<std::string> paths;
  for (const std::string& path : *test.policies) {
    std::filesystem::path p(path);
    paths.push_back(p.is_absolute() || base.empty() ? p.lexically_normal().string()
                                                    : (base / p).lexically_normal().string());
  }
  return paths;
}

// Runs the tests of one load (`tests_load`: where the PolicyTests were found).
class Runner {
 public:
  Runner(const compiler::LoadOptions& options, const std::vector<std::string>& input_paths, LoadedSet* inputs,
         bool fail_on_rejected)
      : options_(options), input_paths_(input_paths), inputs_(inputs), fail_on_rejected_(fail_on_rejected) {}

  void Run(const compiler::LoadResult& tests_load, TestReport& report) {
    std::set<int> objects_with_tests;
    for (const ir::PolicyTest& test : tests_load.tests) {
      objects_with_tests.insert(test.object);
      report.tests.push_back(RunOne(tests_load, test));
    }
    // A PolicyTest document so broken that no test came out of it must not
    // disappear from the report.
    for (size_t i = 0; i < tests_load.objects.size(); ++i) {
      const compiler::KubeObject& object = tests_load.objects[i];
      if (object.object_class != compiler::ObjectClass::kPolicyTest || objects_with_tests.count(int(i)) != 0) continue;
      TestOutcome outcome;
      outcome.name = object.meta.name.empty() ? tests_load.files.Format(object.location) : object.meta.name;
      outcome.errors = ErrorLines(tests_load, [i](int o) { return o == int(i); });
      outcome.error_summary = "the PolicyTest has errors";
      if (outcome.errors.empty()) outcome.errors.push_back("the PolicyTest could not be read");
      report.tests.push_back(std::move(outcome));
    }
  }

 private:
  TestOutcome RunOne(const compiler::LoadResult& tests_load, const ir::PolicyTest& test) {
    std::vector<std::string> test_errors = ErrorLines(tests_load, [&test](int o) { return o == test.object; });
    if (!test_errors.empty()) {
      return FailedPolicyTest(test, tests_load.files, std::move(test_errors), "the PolicyTest has errors");
    }
    ir::Settings settings = test.settings.ApplyTo(options_.settings);
    LoadedSet* set = nullptr;
    if (test.policies) {
      std::string test_file = tests_load.files.Path(test.location.file);
      std::unique_ptr<LoadedSet> own = LoadSet(ResolvePolicyPaths(test, test_file), options_, settings);
      PrintLoadDiagnostics(own->result);
      return Evaluate(tests_load, test, *own, settings);
    }
    if (settings == options_.settings) {
      set = inputs_;
    } else {
      // Another version or setting changes what Sanitize accepts: load the
      // inputs again under the test's settings (once per distinct settings).
      auto [it, inserted] = reloaded_.try_emplace(SettingsKey(settings));
      if (inserted) it->second = LoadSet(input_paths_, options_, settings);
      set = it->second.get();
    }
    return Evaluate(tests_load, test, *set, settings);
  }

  TestOutcome Evaluate(const compiler::LoadResult& tests_load, const ir::PolicyTest& test, const LoadedSet& set,
                       const ir::Settings& settings) {
    if ((fail_on_rejected_ || set.unreadable) && !set.errors.empty()) {
      return FailedPolicyTest(test, tests_load.files, set.errors, "policies have errors");
    }
    // Rule indexes in the results refer to the set the evaluator was given.
    ir::Inventory inventory = MergeInventory(set.result.inventory, test.inventory);
    verifier::Evaluator evaluator(set.accepted, inventory, settings);
    return RunPolicyTest(test, tests_load.files, evaluator, set.accepted, set.result.files);
  }

  static std::string SettingsKey(const ir::Settings& s) {
    return fmt::format("{}|{}|{}|{}|{}|{}", s.version.ToString(), ir::EnforcementModeName(s.enforcement),
                       s.cluster_name, int(s.allow_localhost),
                       s.policy_default_local_cluster ? int(*s.policy_default_local_cluster) : -1, s.host_firewall);
  }

  const compiler::LoadOptions& options_;
  const std::vector<std::string>& input_paths_;
  LoadedSet* inputs_;
  bool fail_on_rejected_;
  std::map<std::string, std::unique_ptr<LoadedSet>> reloaded_;
};

}  // namespace

void AddTestCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<TestOptions>();
  CLI::App* test = app.add_subcommand(
      "test", "Run PolicyTest files: check that the policies allow and deny the flows they list, as Cilium would.");
  test->footer(kTestFooter);
  test->add_option("paths", options->paths,
                   "Files or folders with policies, inventory manifests and PolicyTests (searched recursively)");
  test->add_option("--tests", options->tests_file,
                   "Read the PolicyTests from FILE only (the policies still come from PATH...)");
  test->add_option("--format", options->format, "Output format: text (default), json, junit (JUnit XML)")
      ->check(CLI::IsMember({"text", "json", "junit"}));
  test->add_option("--config", options->config_path,
                   "Config file (default: the nearest .polc.yaml in the working directory or a parent)");
  test->add_option("--rejected-policies", options->rejected_policies,
                   "Policies with errors (Cilium rejects them): fail (default) fails the tests that use them; "
                   "ignore evaluates without them, as the cluster would")
      ->check(CLI::IsMember({"fail", "ignore"}));
  test->add_option("--cilium-version", options->cilium_version,
                   "Cilium version whose semantics apply, 1.16 to 1.20 (a test's spec.settings.ciliumVersion wins)")
      ->check(CiliumVersionValidator());
  test->callback([options, &exit_code] { exit_code = RunTest(*options); });
}

int RunTest(const TestOptions& options) {
  if (options.paths.empty() && options.tests_file.empty()) {
    PrintError("no input; give files or folders with PolicyTests, or --tests FILE (see polc test --help)");
    return kExitUsage;
  }
  std::optional<compiler::Config> config = LoadCommandConfig("test", options.config_path);
  if (!config) return kExitUsage;
  compiler::LoadOptions load_options = CommandLoadOptions(*config, options.cilium_version);

  // With only --tests FILE, the inputs are that file (it may hold policies too).
  std::vector<std::string> input_paths = options.paths;
  if (input_paths.empty()) input_paths.push_back(options.tests_file);
  std::unique_ptr<LoadedSet> inputs = LoadSet(input_paths, load_options, load_options.settings);
  bool unreadable = PrintLoadDiagnostics(inputs->result);
  std::unique_ptr<LoadedSet> tests_set;
  const compiler::LoadResult* tests_load = &inputs->result;
  if (!options.tests_file.empty() && !options.paths.empty()) {
    tests_set = LoadSet({options.tests_file}, load_options, load_options.settings);
    unreadable = PrintLoadDiagnostics(tests_set->result) || unreadable;
    tests_load = &tests_set->result;
  }
  if (unreadable) {
    PrintError("an input cannot be read or parsed (see above)");
    return kExitUsage;
  }
  bool any_test_object = false;
  for (const compiler::KubeObject& object : tests_load->objects) {
    any_test_object = any_test_object || object.object_class == compiler::ObjectClass::kPolicyTest;
  }
  if (!any_test_object) {
    PrintError(options.tests_file.empty() ? "no PolicyTest found in the inputs"
                                          : fmt::format("no PolicyTest found in {}", options.tests_file));
    return kExitUsage;
  }

  TestReport report;
  Runner runner(load_options, input_paths, inputs.get(), options.rejected_policies == "fail");
  runner.Run(*tests_load, report);

  if (options.format == "json") {
    fmt::print("{}", RenderTestJson(report));
  } else if (options.format == "junit") {
    fmt::print("{}", RenderTestJunit(report));
  } else {
    fmt::print("{}", RenderTestText(report));
  }
  return report.Failed() == 0 ? kExitOk : kExitFindings;
}

}  // namespace polc::cli
