// Times each stage of `polc lint` separately, to see what dominates:
//
//   stage_times PATH...
//
// It runs the same steps as compiler::Load and cli's RunLint, in order, using
// the pipeline's public steps (CollectInputs, ParseYaml, ClassifyDocuments,
// LowerObjects, RunLints), and prints one line per stage with wall seconds.
// Built by bench/lint_bench.sh against the libraries of a polc build; not
// part of the CMake build because it is a measuring tool, not a product.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "compiler/input_files.h"
#include "compiler/loader.h"
#include "compiler/yaml_tree.h"
#include "verifier/lints.h"

namespace {

double Since(std::chrono::steady_clock::time_point& start) {
  auto now = std::chrono::steady_clock::now();
  double seconds = std::chrono::duration<double>(now - start).count();
  start = now;
  return seconds;
}

// Resident memory now, in MB (VmRSS), so each stage's growth shows.
long RssMb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("VmRSS:")) return std::stol(line.substr(6)) / 1024;
  }
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace polc;
  std::vector<std::string> paths(argv + 1, argv + argc);
  compiler::LoadOptions options;
  compiler::LoadResult result;
  auto clock = std::chrono::steady_clock::now();

  std::vector<ir::FileId> ids =
      compiler::CollectInputs(paths, options.collect, compiler::RealFileSystem(), result.files, result.sink);
  double read = Since(clock);
  long read_rss = RssMb();

  for (ir::FileId id : ids) {
    compiler::ParseOutcome outcome =
        compiler::ParseYaml(result.files.Contents(id), id, options.collect.limits, result.sink);
    result.documents += outcome.file.documents.size();
    result.yaml.push_back(std::move(outcome.file));
  }
  double parse = Since(clock);
  long parse_rss = RssMb();

  for (const compiler::YamlFile& file : result.yaml) compiler::ClassifyDocuments(file, result.objects, result.sink);
  double classify = Since(clock);

  compiler::LowerObjects(result, options.settings);  // lowering and Sanitize
  double lower = Since(clock);
  long lower_rss = RssMb();

  verifier::RunLints(result.policies, options.settings, result.sink);
  double lint = Since(clock);
  long lint_rss = RssMb();

  double total = read + parse + classify + lower + lint;
  auto row = [&](const char* stage, double seconds, long rss = -1) {
    std::printf("%-26s %8.3f s %5.1f%%", stage, seconds, total > 0 ? 100 * seconds / total : 0.0);
    if (rss >= 0) std::printf("   RSS after: %5ld MB", rss);
    std::printf("\n");
  };
  size_t nodes = 0;
  size_t bytes = 0;
  for (const compiler::YamlFile& file : result.yaml) nodes += file.arena.size();
  for (ir::FileId id : ids) bytes += result.files.Contents(id).size();
  std::printf("files %zu, documents %zu, objects %zu, policies %zu, diagnostics %zu\n", ids.size(),
              result.documents, result.objects.size(), result.policies.policies.size(),
              result.sink.diagnostics().size());
  std::printf("input %.1f MB, YAML nodes %zu (%zu bytes each, %.0f MB)\n", bytes / 1048576.0, nodes,
              sizeof(compiler::YamlNode), nodes * sizeof(compiler::YamlNode) / 1048576.0);
  row("read + input checks", read, read_rss);
  row("YAML parse (yaml-cpp+tree)", parse, parse_rss);
  row("classify", classify);
  row("lower + sanitize", lower, lower_rss);
  row("lints", lint, lint_rss);
  row("total", total);
  return 0;
}
