// `polc verify PATH...` (issue 5): proves the built-in properties
// (default-deny, dns, apiserver, host-lockout) for every possible pod, not
// only the pods of the inventory, and prints each verdict with its evidence.
// With --baseline OLD or --base-ref REV it is the pre-merge lockout gate and
// reports only regressions. The proofs come from verifier/properties.h, the
// text from cli/render_verify.h, the regression filter from
// cli/verify_baseline.h.
#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace polc::cli {

struct VerifyCommandOptions {
  std::vector<std::string> paths;
  std::vector<std::string> require;     // --require (comma-separated or repeated); empty: config, else all
  std::vector<std::string> namespaces;  // --namespace: replaces the scope
  std::string format = "text";          // text|json|sarif|github
  std::string output;                   // empty: stdout
  std::string baseline;                 // --baseline OLD
  std::string base_ref;                 // --base-ref REV
  std::string config_path;
  std::string cilium_version;
  std::vector<std::string> properties;  // --properties FILE: PropertySet files (also found among the paths)
  bool no_analysis = false;  // --no-analysis: skip rule analysis and policy-map pressure
  std::string rejected_policies = "fail";  // fail|drop|ignore, as polc connectivity
};

// Registers `polc verify` on `app`; the callback stores the exit code.
void AddVerifyCommand(CLI::App& app, int& exit_code);

// Exit codes: 0 every required property holds (with a baseline: no
// regression); 1 one fails (a regression), or a policy has errors and
// --rejected-policies is fail; 2 usage error, bad config, an input that
// cannot be read or parsed, or a git problem.
int RunVerify(const VerifyCommandOptions& options);

}  // namespace polc::cli
