// Issue 4: `polc connectivity` and `polc diff` reproduce netpol-analyzer's
// outputs on its own golden cases (conventions.md section 2), read in place
// from ../shared/conformance/netpol-analyzer. As in that tool's harness,
// both sides are compared after removing every newline.
#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/netpol_golden_util.h"
#include "tests/test_util.h"

namespace polc::testing {
namespace {

constexpr std::string_view kConnlistSuffix = "_connlist_output.";
constexpr std::string_view kDiffPrefix = "diff_between_";
constexpr std::string_view kDiffMiddle = "_and_";

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

// A readable account of a mismatch: the first differing lines, with a few
// lines of context, and the sizes.
std::string Mismatch(const std::string& expected, const std::string& actual) {
  std::vector<std::string> want = Lines(expected);
  std::vector<std::string> got = Lines(actual);
  size_t first = 0;
  while (first < want.size() && first < got.size() && want[first] == got[first]) ++first;
  std::ostringstream out;
  out << "expected " << want.size() << " lines, got " << got.size() << "; first difference at line " << first + 1
      << "\n";
  size_t from = first >= 2 ? first - 2 : 0;
  for (size_t i = from; i < first; ++i) out << "  " << want[i] << "\n";
  for (size_t i = first; i < std::min(want.size(), first + 5); ++i) out << "- " << want[i] << "\n";
  for (size_t i = first; i < std::min(got.size(), first + 5); ++i) out << "+ " << got[i] << "\n";
  return out.str();
}

// The command that should print `file`, or "" when the name fits no pattern.
std::string CommandFor(const std::string& file) {
  const std::string cases = NetpolGoldenDir() + "/cases/";
  const std::string common = " --semantics kubernetes --rejected-policies ignore ";
  size_t suffix = file.find(kConnlistSuffix);
  if (suffix != std::string::npos) {
    std::string case_name = file.substr(0, suffix);
    std::string extension = file.substr(suffix + kConnlistSuffix.size());
    std::string format = extension == "txt" ? "connlist" : extension;
    return Binary() + " connectivity" + common + "--format " + format + " '" + cases + case_name + "'";
  }
  if (file.starts_with(kDiffPrefix) && file.ends_with(".txt")) {
    // diff_between_<NEW>_and_<OLD>.txt; ref1 (the first argument) is OLD.
    std::string middle = file.substr(kDiffPrefix.size(), file.size() - kDiffPrefix.size() - 4);
    size_t split = middle.find(kDiffMiddle);
    if (split == std::string::npos) return "";
    std::string new_case = middle.substr(0, split);
    std::string old_case = middle.substr(split + kDiffMiddle.size());
    return Binary() + " diff" + common + "'" + cases + old_case + "' '" + cases + new_case + "'";
  }
  return "";
}

TEST_CASE("conformance: polc connectivity and diff reproduce the netpol-analyzer goldens", "[conformance]") {
  const std::string expected_dir = NetpolGoldenDir() + "/expected";
  REQUIRE(std::filesystem::is_directory(expected_dir));
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(expected_dir)) {
    if (entry.is_regular_file()) files.push_back(entry.path().filename().string());
  }
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() == 32);  // every golden of the folder, none skipped

  size_t checked = 0;
  for (const std::string& file : files) {
    std::string command = CommandFor(file);
    INFO(file << "\n$ " << command);
    REQUIRE(!command.empty());  // a golden this test does not know how to produce
    CommandResult result = RunCommand(command + " 2>/dev/null");
    std::string expected = ReadFileOrEmpty(expected_dir + "/" + file);
    CHECK(result.exit_code == 0);
    bool same = WithoutNewlines(result.output) == WithoutNewlines(expected);
    if (!same) UNSCOPED_INFO(Mismatch(expected, result.output));
    CHECK(same);
    ++checked;
  }
  CHECK(checked == files.size());
}

}  // namespace
}  // namespace polc::testing
