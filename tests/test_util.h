// Helpers shared by the end-to-end tests: run a command, read and compare
// golden files (POLC_REBASE=1 rewrites them instead of comparing).
#pragma once

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>

namespace polc::testing {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout (stderr too when the command redirects it)
};

inline CommandResult RunCommand(const std::string& command) {
  CommandResult result;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.output.append(buffer.data(), n);
  int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

inline std::string ReadFileOrEmpty(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline bool RebaseRequested() {
  const char* value = std::getenv("POLC_REBASE");
  return value != nullptr && std::string(value) == "1";
}

// Returns the expected text, or writes `actual` as the new expectation when
// POLC_REBASE=1 (and returns it, so the comparison passes).
inline std::string Golden(const std::string& path, const std::string& actual) {
  if (RebaseRequested()) {
    std::ofstream(path, std::ios::binary) << actual;
    return actual;
  }
  return ReadFileOrEmpty(path);
}

inline std::string SourceDir() { return POLC_SOURCE_DIR; }
inline std::string Binary() { return POLC_BINARY; }

}  // namespace polc::testing
