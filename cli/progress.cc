#include "cli/progress.h"

#include <unistd.h>

#include <chrono>
#include <memory>

#include <fmt/format.h>

namespace polc::cli {

std::function<void(size_t, size_t)> TerminalProgress(std::string verb) {
  if (isatty(STDERR_FILENO) == 0) return {};
  using Clock = std::chrono::steady_clock;
  auto last = std::make_shared<Clock::time_point>(Clock::now());
  return [verb = std::move(verb), last](size_t done, size_t total) {
    if (done == total) {
      fmt::print(stderr, "\r\033[K");  // erase the progress line
      return;
    }
    auto now = Clock::now();
    if (now - *last < std::chrono::milliseconds(100)) return;
    *last = now;
    fmt::print(stderr, "\r\033[K{} {}/{} files", verb, done, total);
  };
}

}  // namespace polc::cli
