// Issue 3 section 4: every test of Cilium's own connectivity suite
// (../shared/conformance/cilium-connectivity/, transcribed to PolicyTest)
// passes under `polc test`, run in place on the shared folder. Also the
// hand-derived semantics goldens of testdata/semantics, the same way.
#include <algorithm>
#include <filesystem>
#include <string>

#include <cstdio>

#include <catch2/catch.hpp>

#include "tests/test_util.h"

namespace polc::testing {
namespace {

std::string ConformanceDir() { return SourceDir() + "/../shared/conformance/cilium-connectivity/tests"; }

// The summary line: the last line of the output.
std::string LastLine(const std::string& output) {
  std::string text = output;
  if (!text.empty() && text.back() == '\n') text.pop_back();
  size_t newline = text.rfind('\n');
  return newline == std::string::npos ? text : text.substr(newline + 1);
}

// The number of passed cases in a "N passed, 0 failed" summary line, or -1
// when the line has another shape or something failed.
int PassedCount(const std::string& summary) {
  int passed = -1;
  char rest[32] = {};
  if (std::sscanf(summary.c_str(), "%d passed, 0 failed%31s", &passed, rest) != 1) return -1;
  return passed;
}

// Runs `polc test` on one file and checks the run is clean: exit 0, the
// summary line saying nothing failed, and at least one case run.
void CheckPolicyTestFile(const std::string& path) {
  CommandResult r = RunCommand(Binary() + " test '" + path + "' 2>&1");
  INFO(path << "\n" << r.output);
  CHECK(r.exit_code == 0);
  CHECK(PassedCount(LastLine(r.output)) > 0);
}

std::vector<std::string> YamlFiles(const std::string& dir) {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    std::string ext = entry.path().extension().string();
    if (entry.is_regular_file() && (ext == ".yaml" || ext == ".yml")) files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST_CASE("conformance: Cilium connectivity tests pass under polc test", "[conformance]") {
  std::vector<std::string> files = YamlFiles(ConformanceDir());
  REQUIRE(files.size() >= 16);  // README.md lists 16 tests
  for (const std::string& file : files) {
    SECTION(std::filesystem::path(file).filename().string()) { CheckPolicyTestFile(file); }
  }
}

// Some goldens (10-versions) check what a cluster does with a policy the
// agent rejects, so rejected policies take no part here, as in the cluster.
TEST_CASE("conformance: testdata/semantics goldens pass under polc test", "[conformance]") {
  std::string dir = SourceDir() + "/testdata/semantics";
  REQUIRE(std::filesystem::is_directory(dir));
  CommandResult r = RunCommand("cd " + SourceDir() + " && " + Binary() + " test --rejected-policies ignore testdata/semantics 2>&1");
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK(PassedCount(LastLine(r.output)) >= 200);  // 235 hand-derived cases when written
}

}  // namespace
}  // namespace polc::testing
