// polc's command line: subcommand dispatch. Each subcommand lives in its own
// file (cli/<name>_command.cc) and only chains library calls and renders.
#pragma once

namespace polc::cli {

// Exit codes, documented in `polc --help` and docs/CLI.md.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFindings = 1;  // findings at or above --fail-on, failed tests/properties
inline constexpr int kExitUsage = 2;     // usage error or unreadable input

int Main(int argc, char** argv);

}  // namespace polc::cli
