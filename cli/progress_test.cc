#include "cli/progress.h"

#include <unistd.h>

#include <catch2/catch.hpp>

namespace polc::cli {
namespace {

TEST_CASE("progress is drawn only when stderr is a terminal", "[cli][progress]") {
  // Scripted and CI runs (stderr redirected) must produce no progress bytes.
  bool terminal = isatty(STDERR_FILENO) != 0;
  CHECK(static_cast<bool>(TerminalProgress("linting")) == terminal);
}

}  // namespace
}  // namespace polc::cli
