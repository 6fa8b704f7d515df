// Issue 6: "every example and every corpus repository that has an inventory
// builds, and the kernel verifier accepts the programs". Runs the built
// `polc build ... --check` (the path users take) on every repository found:
// each examples/ folder, each file of the Cilium corpus, each case folder of
// netpol-analyzer's conformance corpus (read in place from ../shared), whose
// files declare a workload. The repositories are discovered, not listed, and
// each must give at least one endpoint, so a corpus whose inventory stops
// loading fails here instead of being skipped.
#include <stdlib.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "tests/kernel_test_util.h"
#include "tests/netpol_golden_util.h"
#include "tests/test_util.h"

namespace polc::testing {
namespace {

namespace fs = std::filesystem;

// A workload's `kind:` line, in YAML ("kind: Pod", "- kind: Pod") or JSON
// ("kind": "Pod"); Pods, their owners, and what owns those.
const std::regex kWorkloadKind(
    R"re((^|\n)[ \t-]*"?kind"?[ \t]*:[ \t]*"?(Pod|Deployment|ReplicaSet|StatefulSet|DaemonSet|Job|CronJob|ReplicationController)"?[ \t]*[,\r\n}])re");

bool IsManifest(const fs::path& path) {
  std::string extension = path.extension().string();
  return extension == ".yaml" || extension == ".yml" || extension == ".json";
}

bool DeclaresWorkload(const fs::path& file) {
  return IsManifest(file) && std::regex_search(ReadFileOrEmpty(file.string()), kWorkloadKind);
}

bool HasWorkload(const fs::path& repository) {
  if (fs::is_regular_file(repository)) return DeclaresWorkload(repository);
  for (const auto& entry : fs::recursive_directory_iterator(repository)) {
    if (entry.is_regular_file() && DeclaresWorkload(entry.path())) return true;
  }
  return false;
}

struct Repository {
  std::string path;    // a folder or one file
  std::string config;  // its .polc.yaml, when it has one
};

std::vector<Repository> Discover() {
  std::vector<fs::path> candidates;
  for (const auto& entry : fs::directory_iterator(SourceDir() + "/examples")) {
    if (entry.is_directory()) candidates.push_back(entry.path());
  }
  const fs::path cilium = SourceDir() + "/../shared/corpus/cilium";
  if (fs::is_directory(cilium)) {
    for (const auto& entry : fs::recursive_directory_iterator(cilium)) {
      if (entry.is_regular_file() && IsManifest(entry.path())) candidates.push_back(entry.path());
    }
  }
  const fs::path netpol = NetpolGoldenDir() + "/cases";
  if (fs::is_directory(netpol)) {
    for (const auto& entry : fs::directory_iterator(netpol)) {
      if (entry.is_directory()) candidates.push_back(entry.path());
    }
  }
  std::sort(candidates.begin(), candidates.end());
  std::vector<Repository> repositories;
  for (const fs::path& candidate : candidates) {
    if (!HasWorkload(candidate)) continue;
    fs::path config = candidate / ".polc.yaml";
    repositories.push_back({candidate.string(), fs::is_regular_file(config) ? config.string() : ""});
  }
  return repositories;
}

size_t CountUnder(const std::vector<Repository>& repositories, const std::string& prefix) {
  return std::count_if(repositories.begin(), repositories.end(),
                       [&](const Repository& r) { return r.path.starts_with(prefix); });
}

TEST_CASE("every example and corpus repository with an inventory builds and loads", "[kernel][corpus-build]") {
  if (!KERNEL_TESTS_CAN_RUN()) return;
  std::vector<Repository> repositories = Discover();
  // Floors at today's counts, so a corpus that moves or stops declaring
  // workloads fails rather than shrinking the run.
  CHECK(CountUnder(repositories, SourceDir() + "/examples/") >= 2);
  CHECK(CountUnder(repositories, SourceDir() + "/../shared/corpus/cilium/") >= 8);
  CHECK(CountUnder(repositories, NetpolGoldenDir() + "/cases/") >= 21);

  std::string pattern = (fs::temp_directory_path() / "polc-corpus-test-XXXXXX").string();
  REQUIRE(mkdtemp(pattern.data()) != nullptr);
  const fs::path scratch = pattern;
  size_t checked = 0;
  for (const Repository& repository : repositories) {
    const std::string object = (scratch / "o.bpf.o").string();
    const std::string manifest = (scratch / "m.json").string();
    // drop: policies with errors are left out, as the cluster would; the
    // rest must build and load.
    std::string command = Binary() + " build '" + repository.path + "' -o " + object + " --manifest " + manifest +
                          " --check --rejected-policies drop";
    if (!repository.config.empty()) command += " --config '" + repository.config + "'";
    CommandResult result = RunCommand(command + " 2>&1");
    INFO(repository.path << "\n" << result.output);
    CHECK(result.exit_code == 0);
    CHECK(result.output.find("the kernel accepts the object") != std::string::npos);
    nlohmann::json parsed = nlohmann::json::parse(ReadFileOrEmpty(manifest), nullptr, /*allow_exceptions=*/false);
    REQUIRE(parsed.is_object());
    CHECK(parsed["endpoints"].size() > 0);
    if (result.exit_code == 0 && !parsed["endpoints"].empty()) ++checked;
    fs::remove(manifest);
  }
  std::error_code ec;
  fs::remove_all(scratch, ec);
  WARN(checked << " of " << repositories.size() << " repositories built and loaded");
  CHECK(checked == repositories.size());
}

}  // namespace
}  // namespace polc::testing
