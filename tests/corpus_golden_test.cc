// Every policy of Cilium's own repository (../shared/corpus/cilium) is linted
// at each supported Cilium version, and the findings are compared with a
// reviewed golden file per version (testdata/corpus/). A change in what polc
// reports on real policies shows up as a diff to review; POLC_REBASE=1
// rewrites the goldens.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "compiler/loader.h"
#include "tests/test_util.h"
#include "verifier/lints.h"

namespace polc::testing {
namespace {

std::string LintCorpus(const ir::CiliumVersion& version) {
  compiler::LoadOptions options;
  options.settings.version = version;
  std::string root = SourceDir() + "/../shared/corpus/cilium";
  compiler::LoadResult result = compiler::Load({root}, options);
  verifier::RunLints(result.policies, options.settings, result.sink);
  ir::SortDiagnostics(result.sink.diagnostics());
  std::string out = fmt::format("# polc lint ../shared/corpus/cilium at Cilium {}: {} files, {} policies\n",
                                version.ToString(), result.files_read, result.policies.policies.size());
  for (const ir::Diagnostic& d : result.sink.diagnostics()) {
    std::string path = result.files.Path(d.location.file).substr(root.size() + 1);
    out += fmt::format("{}:{}:{}: {} [{}] {}\n", path, d.location.line, d.location.column,
                       ir::SeverityName(d.severity), ir::Info(d.rule).id, d.message);
  }
  return out;
}

TEST_CASE("corpus findings per Cilium version match the reviewed goldens", "[corpus]") {
  for (int minor = 16; minor <= 20; ++minor) {
    ir::CiliumVersion version{1, minor};
    std::string actual = LintCorpus(version);
    std::string expected =
        Golden(fmt::format("{}/testdata/corpus/cilium-1.{}.golden", SourceDir(), minor), actual);
    INFO("Cilium " << version.ToString() << " (rebase with POLC_REBASE=1 after reviewing the diff)");
    CHECK(actual == expected);
  }
}

}  // namespace
}  // namespace polc::testing
