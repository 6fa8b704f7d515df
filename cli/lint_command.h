#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace polc::cli {

struct LintOptions {
  std::vector<std::string> paths;
  std::string format = "text";
  std::string fail_on = "error";
  std::string config_path;
  std::string cilium_version;
  bool dump_ir = false;
  bool list_rules = false;
  bool show_suppressed = false;
  std::string color = "auto";
};

// Registers `polc lint` on `app`; the callback stores the exit code.
void AddLintCommand(CLI::App& app, int& exit_code);

int RunLint(const LintOptions& options);

}  // namespace polc::cli
