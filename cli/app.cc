#include "cli/app.h"

#include <CLI/CLI.hpp>

#include "cli/lint_command.h"

namespace polc::cli {

int Main(int argc, char** argv) {
  CLI::App app{
      "polc: a compiler and static verifier for Kubernetes network policy (CiliumNetworkPolicy,\n"
      "CiliumClusterwideNetworkPolicy, NetworkPolicy).\n\n"
      "Exit codes: 0 success; 1 findings at or above --fail-on (or failed tests/properties);\n"
      "2 usage error or unreadable input.",
      "polc"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "polc 0.1.0");
  int exit_code = kExitOk;
  AddLintCommand(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  return exit_code;
}

}  // namespace polc::cli
