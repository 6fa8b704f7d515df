// Progress of long runs, shown on stderr only when it is a terminal, so
// scripted and CI output stays exactly the same.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

namespace polc::cli {

// Returns a callback for compiler::LoadOptions::progress that redraws
// "<verb> N/M <unit>" on stderr at most ten times a second and clears the line
// when done; an empty function when stderr is not a terminal.
std::function<void(size_t, size_t)> TerminalProgress(std::string verb, std::string unit = "files");

}  // namespace polc::cli
