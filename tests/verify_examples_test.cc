// `polc verify` on the bundled examples (issue 5 section 5): the zero-trust
// repository proves every built-in property, and each file of
// examples/mistakes/verify makes one property fail, with golden output.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>

#include "tests/test_util.h"

namespace polc::testing {
namespace {

constexpr const char* kRequire = " ";  // every built-in property
constexpr const char* kProperties[] = {"default-deny", "dns", "apiserver", "host-lockout"};

std::string Verify(const std::string& args) {
  return "cd " + SourceDir() + " && " + Binary() + " verify " + args;
}

TEST_CASE("examples/zero-trust proves every built-in property", "[examples][verify]") {
  CommandResult run = RunCommand(Verify(std::string("--config examples/zero-trust/.polc.yaml examples/zero-trust") + kRequire + "2>&1"));
  INFO(run.output);
  CHECK(run.exit_code == 0);
  for (const char* property : kProperties) {
    INFO(property);
    CHECK(run.output.find(std::string("holds  ") + property + " [") != std::string::npos);
  }
  CHECK(run.output.find("FAILS") == std::string::npos);
  CHECK(run.output.find(" 0 fail, 0 n/a\n") != std::string::npos);
}

TEST_CASE("examples/mistakes/verify: each property fails, as in the golden file", "[examples][verify]") {
  CommandResult run =
      RunCommand(Verify(std::string("--config examples/mistakes/verify/.polc.yaml examples/mistakes/verify") + kRequire +
                        "2>&1"));
  CHECK(run.exit_code == 1);
  for (const char* property : kProperties) {
    INFO(property);
    CHECK(run.output.find(std::string("FAILS  ") + property + " [") != std::string::npos);
  }
  std::string expected = Golden(SourceDir() + "/examples/mistakes/verify/expected.txt", run.output);
  CHECK(run.output == expected);
}

TEST_CASE("examples/mistakes/verify: the json report names each failing property", "[examples][verify]") {
  CommandResult run = RunCommand(Verify(std::string("--config examples/mistakes/verify/.polc.yaml examples/mistakes/verify") +
                                        kRequire + "--format json 2>/dev/null"));
  CHECK(run.exit_code == 1);
  std::string expected = Golden(SourceDir() + "/examples/mistakes/verify/expected-json.txt", run.output);
  CHECK(run.output == expected);
}

TEST_CASE("polc verify: --require narrows, unknown property is a usage error", "[examples][verify]") {
  CommandResult run = RunCommand(Verify(
      "--config examples/mistakes/verify/.polc.yaml examples/mistakes/verify --require default-deny 2>&1"));
  CHECK(run.exit_code == 1);
  CHECK(run.output.find("FAILS  default-deny [") != std::string::npos);
  CHECK(run.output.find("dns [") == std::string::npos);
  run = RunCommand(Verify("examples/mistakes/verify --require default-deni 2>&1"));
  CHECK(run.exit_code == 2);
  CHECK(run.output.find("did you mean 'default-deny'?") != std::string::npos);
  run = RunCommand(Verify("examples/zero-trust --baseline a --base-ref b 2>&1"));
  CHECK(run.exit_code == 2);
}

TEST_CASE("polc verify --namespace replaces the scope", "[examples][verify]") {
  // Only `payments` is in scope, and it is under default deny both ways.
  CommandResult run = RunCommand(Verify(
      "--config examples/mistakes/verify/.polc.yaml examples/mistakes/verify --require default-deny "
      "--namespace payments 2>&1"));
  INFO(run.output);
  CHECK(run.exit_code == 0);
  CHECK(run.output.find("holds  default-deny [namespace payments, egress]") != std::string::npos);
  CHECK(run.output.find("blog") == std::string::npos);
}

TEST_CASE("polc verify --baseline: only regressions; a change that breaks DNS is one", "[examples][verify]") {
  // Baseline: zero-trust. Now: zero-trust without its DNS policy.
  std::string dir = "/tmp/polc-verify-baseline-test-" + std::to_string(getpid());
  RunCommand("rm -rf " + dir + " && mkdir -p " + dir + " && cp -r " + SourceDir() + "/examples/zero-trust " + dir +
             "/now && rm " + dir + "/now/policies/baseline/allow-dns.yaml");
  CommandResult same = RunCommand(Verify("--config examples/zero-trust/.polc.yaml examples/zero-trust --baseline "
                                         "examples/zero-trust 2>&1"));
  INFO(same.output);
  CHECK(same.exit_code == 0);
  CHECK(same.output.find("regressions only") != std::string::npos);
  CommandResult broken = RunCommand(Verify("--config examples/zero-trust/.polc.yaml " + dir +
                                           "/now --baseline examples/zero-trust 2>&1"));
  INFO(broken.output);
  CHECK(broken.exit_code == 1);
  CHECK(broken.output.find("regressions only, against examples/zero-trust") != std::string::npos);
  CHECK(broken.output.find("FAILS  dns [") != std::string::npos);
  CHECK(broken.output.find("[dns] ") != std::string::npos);  // a lost system flow
  CHECK(broken.output.find("holds ") == std::string::npos);
  RunCommand("rm -rf " + dir);
}

}  // namespace
}  // namespace polc::testing
