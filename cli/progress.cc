#include "cli/progress.h"

#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>

#include <fmt/format.h>

namespace polc::cli {

std::function<void(size_t, size_t)> TerminalProgress(std::string verb, std::string unit) {
  if (isatty(STDERR_FILENO) == 0) return {};
  using Clock = std::chrono::steady_clock;
  struct State {
    Clock::time_point last = Clock::now();
    size_t width = 0;  // length of the line drawn last, 0 when none
  };
  auto state = std::make_shared<State>();
  // Lines are erased by overwriting them with spaces rather than with an ANSI
  // escape, so NO_COLOR and TERM=dumb terminals never see control sequences.
  if (!unit.empty()) unit.insert(unit.begin(), ' ');
  return [verb = std::move(verb), unit = std::move(unit), state](size_t done, size_t total) {
    if (done == total) {
      if (state->width > 0) fmt::print(stderr, "\r{}\r", std::string(state->width, ' '));
      state->width = 0;
      return;
    }
    auto now = Clock::now();
    if (now - state->last < std::chrono::milliseconds(100)) return;
    state->last = now;
    std::string line = fmt::format("{} {}/{}{}", verb, done, total, unit);
    std::string padding(state->width > line.size() ? state->width - line.size() : 0, ' ');
    fmt::print(stderr, "\r{}{}", line, padding);
    state->width = line.size();
  };
}

}  // namespace polc::cli
