// The bundled examples: the zero-trust repository lints clean, and each file
// of examples/mistakes produces the findings recorded in its golden file.
#include <catch2/catch.hpp>

#include "tests/test_util.h"

namespace polc::testing {
namespace {

TEST_CASE("examples/zero-trust lints clean", "[examples]") {
  CommandResult run = RunCommand("cd " + SourceDir() + " && " + Binary() +
                                 " lint --color never --fail-on info --config examples/zero-trust/.polc.yaml "
                                 "examples/zero-trust 2>&1");
  INFO(run.output);
  CHECK(run.exit_code == 0);
}

TEST_CASE("examples/zero-trust passes its own policy unit tests", "[examples]") {
  CommandResult run = RunCommand("cd " + SourceDir() + " && " + Binary() + " test examples/zero-trust 2>&1");
  INFO(run.output);
  CHECK(run.exit_code == 0);
  CHECK(run.output.find("12 passed, 0 failed") != std::string::npos);
}

TEST_CASE("examples/mistakes findings match the golden file", "[examples]") {
  CommandResult run =
      RunCommand("cd " + SourceDir() + " && " + Binary() + " lint --color never examples/mistakes 2>&1");
  CHECK(run.exit_code == 1);
  std::string expected = Golden(SourceDir() + "/examples/mistakes/expected.txt", run.output);
  CHECK(run.output == expected);
}

}  // namespace
}  // namespace polc::testing
