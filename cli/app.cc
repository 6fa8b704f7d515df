#include "cli/app.h"

#include <CLI/CLI.hpp>

#include "cli/build_command.h"
#include "cli/connectivity_command.h"
#include "cli/diff_command.h"
#include "cli/lint_command.h"
#include "cli/query_command.h"
#include "cli/test_command.h"
#include "cli/verify_command.h"

namespace polc::cli {
namespace {

constexpr const char* kDescription =
    "polc: a compiler and static verifier for Kubernetes network policy (CiliumNetworkPolicy,\n"
    "CiliumClusterwideNetworkPolicy, NetworkPolicy). It checks policies the way the API server and\n"
    "the Cilium agent of the chosen version do, then lints what Cilium accepts but probably does not\n"
    "do what was meant.";

constexpr const char* kFooter = R"(Exit codes (every subcommand):
  0  success
  1  findings at or above --fail-on (or failed tests/properties)
  2  usage error, bad config file, or unreadable/unparseable input

Examples:
  polc lint policies/
  polc lint --format sarif policies/ > polc.sarif
  polc lint --help
  polc test policies/ tests/
  polc query policies/ cluster/ --from shop/web --to shop/db --port 5432
  polc connectivity policies/ cluster/
  polc diff --base-ref main policies/ --fail-on removed
  polc verify policies/ cluster/
  polc build policies/ cluster/ -o polc.bpf.o --manifest polc.json

Run 'polc <subcommand> --help' for its options. Reference: docs/CLI.md.)";

}  // namespace

int Main(int argc, char** argv) {
  CLI::App app{kDescription, "polc"};
  app.footer(kFooter);
  app.require_subcommand(1);
  app.set_version_flag("--version", "polc 0.1.0");
  int exit_code = kExitOk;
  AddLintCommand(app, exit_code);
  AddTestCommand(app, exit_code);
  AddQueryCommand(app, exit_code);
  AddConnectivityCommand(app, exit_code);
  AddDiffCommand(app, exit_code);
  AddVerifyCommand(app, exit_code);
  AddBuildCommand(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  return exit_code;
}

}  // namespace polc::cli
