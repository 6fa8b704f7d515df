// What `polc test` and `polc query` share before they evaluate anything: the
// config file (--config, else the nearest .polc.yaml), the --cilium-version
// flag, and printing the load's diagnostics to stderr. Same rules as
// `polc lint` (docs/CLI.md, "Configuration").
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "compiler/config.h"
#include "compiler/loader.h"

namespace polc::cli {

// Finds and parses the config file; problems are printed to stderr prefixed
// with "polc <command>:" and give nullopt (the caller exits 2).
std::optional<compiler::Config> LoadCommandConfig(std::string_view command, const std::string& config_path);

// The config's load options with --cilium-version (already validated) applied.
compiler::LoadOptions CommandLoadOptions(const compiler::Config& config, const std::string& cilium_version);

// The --cilium-version check shared by every command.
CLI::Validator CiliumVersionValidator();

// Prints the load's findings (errors and warnings, as `polc lint` shows them)
// to stderr. Returns true when an input could not be read or parsed.
bool PrintLoadDiagnostics(const compiler::LoadResult& result);

// "file:line:col: error: message [rule-id]" for the error diagnostics of a
// load that satisfy `keep` (by object index; -1 for findings not tied to an
// object).
std::vector<std::string> ErrorLines(const compiler::LoadResult& result, const std::function<bool(int)>& keep);

}  // namespace polc::cli
