// `polc test`: run the PolicyTest documents of the inputs (or of --tests
// FILE) against their policies with the reference evaluator and report each
// case (policy-test-format.md). Loading and printing only; evaluation and
// judging are in cli/test_runner, the formats in cli/render_test_results.
#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace polc::cli {

struct TestOptions {
  std::vector<std::string> paths;
  std::string tests_file;        // empty: the PolicyTests of `paths`
  std::string format = "text";   // text|json|junit
  std::string config_path;       // empty: discover .polc.yaml
  std::string cilium_version;    // empty: the config's, else the default
  // Policies with error findings (rejected by the API server or the agent):
  // "fail" fails every test that uses them; "ignore" evaluates without them,
  // as the cluster would (cilium-semantics.md 1.13).
  std::string rejected_policies = "fail";
};

// Registers `polc test` on `app`; the callback stores the exit code.
void AddTestCommand(CLI::App& app, int& exit_code);

// Runs the command: the report on stdout, the load's findings on stderr.
// Exit codes: 0 every case passed, 1 a case failed (or a test could not be
// run because its policies or the test itself have errors), 2 usage error,
// bad config, no PolicyTest found, or an input that cannot be read or parsed.
int RunTest(const TestOptions& options);

}  // namespace polc::cli
