// Golden IR dumps: every testdata/ir/<name>.yaml is loaded and its IR dump
// (ir/dump.h), followed by its findings, is compared with
// testdata/ir/<name>.ir. New pairs are picked up by listing the folder.
//
// POLC_REBASE=1 (or scripts/rebase-goldens.sh) rewrites the .ir files
// instead of comparing; review the diff like code.
#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <vector>

#include "compiler/loader.h"
#include "ir/dump.h"
#include "tests/test_util.h"

namespace polc::testing {
namespace {

namespace fs = std::filesystem;

std::string DumpWithFindings(const std::string& relative_path, const std::string& text) {
  compiler::LoadResult result = compiler::LoadText(relative_path, text, compiler::LoadOptions{});
  std::string out = ir::Dump(result.policies, result.files);
  ir::SortDiagnostics(result.sink.diagnostics());
  if (!result.sink.diagnostics().empty()) out += "# findings\n";
  for (const ir::Diagnostic& d : result.sink.diagnostics()) {
    out += fmt::format("# {}:{}: {} [{}] {}\n", d.location.line, d.location.column, ir::SeverityName(d.severity),
                       ir::Info(d.rule).id, d.message);
  }
  return out;
}

std::vector<std::string> Stems(const fs::path& dir, std::string_view extension) {
  std::vector<std::string> stems;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == extension) stems.push_back(entry.path().stem());
  }
  std::sort(stems.begin(), stems.end());
  return stems;
}

TEST_CASE("IR dumps of testdata/ir match the reviewed goldens", "[golden-ir]") {
  const fs::path dir = fs::path(SourceDir()) / "testdata" / "ir";
  std::vector<std::string> inputs = Stems(dir, ".yaml");
  REQUIRE(inputs.size() >= 4);
  for (const std::string& stem : inputs) {
    std::string relative = fmt::format("testdata/ir/{}.yaml", stem);
    std::string actual = DumpWithFindings(relative, ReadFileOrEmpty((dir / (stem + ".yaml")).string()));
    std::string expected = Golden((dir / (stem + ".ir")).string(), actual);
    INFO(relative << ": the dump differs from " << stem
                  << ".ir; if the change is intended, run scripts/rebase-goldens.sh and review the diff");
    CHECK(actual == expected);
  }
  // An expectation without its input is a renamed or deleted case.
  for (const std::string& stem : Stems(dir, ".ir")) {
    INFO("testdata/ir/" << stem << ".ir has no " << stem << ".yaml");
    CHECK(std::find(inputs.begin(), inputs.end(), stem) != inputs.end());
  }
}

}  // namespace
}  // namespace polc::testing
