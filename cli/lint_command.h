// `polc lint`: load, validate and lint policy files, then render the findings
// for a terminal or a CI system. This file only chains library calls
// (config, loader, lints, findings) and picks a renderer.
#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace polc::cli {

struct LintOptions {
  std::vector<std::string> paths;
  std::string format = "text";   // text|json|sarif|github (markdown with --list-rules)
  std::string fail_on = "error";  // error|warning|info|never
  std::string config_path;        // empty: discover .polc.yaml
  std::string cilium_version;     // empty: the config's, else the default
  bool dump_ir = false;
  bool list_rules = false;
  bool show_suppressed = false;
  bool quiet = false;
  std::string color = "auto";  // auto|always|never
};

// Registers `polc lint` on `app`; the callback stores the exit code.
void AddLintCommand(CLI::App& app, int& exit_code);

// Runs the command, printing to stdout (results) and stderr (usage and
// config errors). Returns the exit code (cli/app.h).
int RunLint(const LintOptions& options);

}  // namespace polc::cli
