// Hostile input (issue acceptance): alias bombs, excessive nesting, oversized,
// binary and non-UTF-8 files, unterminated quotes and friends. Each must give
// exactly one error of the expected rule, with file:line:col where a position
// means something, exit code 2 from the binary, quickly, without crashing and
// in bounded memory. Every case runs through the library (LoadText) and
// through build/polc; the inputs are generated into a temporary folder at test
// time, never committed.
//
// The time limits are bounds, not benchmarks (bench/ measures). Under
// sanitizers or in a Debug build everything runs several times slower, so the
// bounds are scaled there.
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include <sys/resource.h>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "compiler/input_files.h"
#include "compiler/loader.h"
#include "ir/diagnostic.h"

namespace polc {
namespace {

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define POLC_TEST_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define POLC_TEST_ASAN 1
#endif

#if defined(POLC_TEST_ASAN) || !defined(NDEBUG)
constexpr double kSlowdown = 10;
#else
constexpr double kSlowdown = 1;
#endif
constexpr double kErrorSeconds = 1.0 * kSlowdown;  // "well under a second" for every rejection

double SecondsOf(const std::function<void()>& call) {
  auto start = std::chrono::steady_clock::now();
  call();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// CPU seconds of this process, for the multi-second cases: on a machine
// shared with parallel builds, wall time there measures the neighbours.
double CpuSecondsOf(const std::function<void()>& call) {
  std::clock_t start = std::clock();
  call();
  return static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC;
}

// ---- generated inputs ------------------------------------------------------

// "Billion laughs": 9 levels of 9 aliases each, 9^9 = 387 million scalars
// once expanded, in 342 bytes.
std::string AliasBomb() {
  std::string text = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n";
  for (char level = 'b'; level <= 'i'; ++level) {
    char prev = static_cast<char>(level - 1);
    text += fmt::format("{0}: &{0} [", level);
    for (int i = 0; i < 9; ++i) text += fmt::format("{}*{}", i ? "," : "", prev);
    text += "]\n";
  }
  return text;
}

std::string Repeat(std::string_view piece, size_t times) {
  std::string out;
  out.reserve(piece.size() * times);
  for (size_t i = 0; i < times; ++i) out += piece;
  return out;
}

// Block mappings nested `levels` deep, two spaces per level.
std::string DeepBlock(int levels) {
  std::string text;
  for (int i = 0; i < levels; ++i) text += std::string(2 * i, ' ') + "k:\n";
  return text + std::string(2 * levels, ' ') + "x: 1\n";
}

std::string SmallObject(int i) {
  return fmt::format("---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{}\n  namespace: ns{}\n", i, i % 7);
}

// ---- running -----------------------------------------------------------------

struct Expectation {
  ir::RuleId rule;
  uint32_t line = 0;  // 0: a file-level problem without a position
  uint32_t column = 0;
};

int CountErrors(const std::vector<ir::Diagnostic>& diagnostics) {
  int n = 0;
  for (const ir::Diagnostic& d : diagnostics) n += d.severity == ir::Severity::kError;
  return n;
}

// Library: exactly one error, of the expected rule and position, in time.
void CheckLibrary(const std::string& text, const Expectation& want,
                  const compiler::LoadOptions& options = compiler::LoadOptions()) {
  compiler::LoadResult result;
  double seconds = SecondsOf([&] { result = compiler::LoadText("input.yaml", text, options); });
  const auto& diagnostics = result.sink.diagnostics();
  INFO("first diagnostic: " << (diagnostics.empty() ? std::string("none") : diagnostics.front().message));
  REQUIRE(CountErrors(diagnostics) == 1);
  const ir::Diagnostic* error = nullptr;
  for (const ir::Diagnostic& d : diagnostics) {
    if (d.severity == ir::Severity::kError) error = &d;
  }
  CHECK(ir::Info(error->rule).id == ir::Info(want.rule).id);
  CHECK(result.files.Path(error->location.file) == "input.yaml");
  CHECK(error->location.line == want.line);
  if (want.column != 0) CHECK(error->location.column == want.column);
  CHECK(seconds < kErrorSeconds);
}

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "polc-hostile-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string Write(const std::string& name, const std::string& contents) const {
    std::string path = (path_ / name).string();
    std::ofstream(path, std::ios::binary) << contents;
    return path;
  }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

struct Run {
  int exit_code = -1;
  std::string output;
  double seconds = 0;      // wall time, a guard against hangs
  double cpu_seconds = 0;  // the child's user+system CPU time: the bound that
                           // does not depend on how busy the machine is
};

double ChildrenCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_CHILDREN, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// Runs build/polc under an address-space limit of 1 GiB, so an input that
// makes it allocate without bound fails the test instead of the machine.
// (ASan reserves terabytes of address space up front, so not under ASan; the
// library checks still bound memory there.)
Run RunPolc(const std::string& args) {
#ifdef POLC_TEST_ASAN
  std::string command = fmt::format("'{}' {} 2>&1", POLC_BINARY, args);
#else
  std::string command = fmt::format("prlimit --as={} -- '{}' {} 2>&1", 1ull << 30, POLC_BINARY, args);
#endif
  Run run;
  double cpu_before = ChildrenCpuSeconds();
  run.seconds = SecondsOf([&] {
    FILE* pipe = popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    char buffer[4096];
    size_t n;
    while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) run.output.append(buffer, n);
    int status = pclose(pipe);
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  });
  run.cpu_seconds = ChildrenCpuSeconds() - cpu_before;
  return run;
}

size_t CountOccurrences(std::string_view text, std::string_view needle) {
  size_t n = 0;
  for (size_t pos = text.find(needle); pos != std::string_view::npos; pos = text.find(needle, pos + 1)) ++n;
  return n;
}

// Binary: one error line `path[:line:col]: error: ... [rule-id]`, exit code 2
// (input-category errors), in time, within 1 GiB.
void CheckBinary(const TempDir& dir, const std::string& name, const std::string& text, const Expectation& want) {
  std::string path = dir.Write(name, text);
  Run run = RunPolc(fmt::format("lint '{}'", path));
  INFO("output: " << run.output.substr(0, 2000));
  CHECK(CountOccurrences(run.output, ": error: ") == 1);
  CHECK(CountOccurrences(run.output, fmt::format("[{}]", ir::Info(want.rule).id)) == 1);
  std::string where = want.line == 0 ? path + ": error: " : fmt::format("{}:{}:", path, want.line);
  CHECK(run.output.find(where) != std::string::npos);
  CHECK(run.exit_code == 2);
  CHECK(run.cpu_seconds < kErrorSeconds);
  CHECK(run.seconds < 10 * kErrorSeconds);  // no hang, even on a loaded machine
}

long PeakRssKb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("VmHWM:")) return std::stol(line.substr(6));
  }
  return -1;
}

// ---- cases -------------------------------------------------------------------

TEST_CASE("hostile: alias bomb stops at the node limit, fast and in bounded memory", "[hostile]") {
  long before = PeakRssKb();
  CheckLibrary(AliasBomb(), {ir::RuleId::kYamlTooLarge, 7, 14});
  long after = PeakRssKb();
  // The peak can only have grown by what this load allocated; expanding the
  // aliases would need tens of gigabytes.
  CHECK(after - before < 64 * 1024 * static_cast<long>(kSlowdown));
  TempDir dir;
  CheckBinary(dir, "bomb.yaml", AliasBomb(), {ir::RuleId::kYamlTooLarge, 7, 14});
}

TEST_CASE("hostile: an alias inside the node it names is an error, not a cycle", "[hostile]") {
  CheckLibrary("a: &a [*a]\n", {ir::RuleId::kYamlTooLarge, 1, 8});
  TempDir dir;
  CheckBinary(dir, "recursive.yaml", "a: &a [*a]\n", {ir::RuleId::kYamlTooLarge, 1, 8});
}

TEST_CASE("hostile: block nesting deeper than max_depth", "[hostile]") {
  CheckLibrary(DeepBlock(100), {ir::RuleId::kYamlTooDeep, 65});
  compiler::LoadOptions shallow;
  shallow.collect.limits.max_depth = 8;
  CheckLibrary(DeepBlock(10), {ir::RuleId::kYamlTooDeep, 9}, shallow);
  // Exactly at the limit is fine.
  compiler::LoadResult ok = compiler::LoadText("input.yaml", DeepBlock(60), {});
  CHECK(CountErrors(ok.sink.diagnostics()) == 0);
  TempDir dir;
  CheckBinary(dir, "deep.yaml", DeepBlock(100), {ir::RuleId::kYamlTooDeep, 65});
}

TEST_CASE("hostile: a million nested flow brackets", "[hostile]") {
  // yaml-cpp scans a whole flow collection before emitting its first event;
  // the prescan (compiler/yaml_prescan.h) stops this before that.
  std::string open = Repeat("[", 1'000'000);
  CheckLibrary(open, {ir::RuleId::kYamlTooDeep, 1, 65});
  CheckLibrary(open + Repeat("]", 1'000'000), {ir::RuleId::kYamlTooDeep, 1, 65});
  CheckLibrary(Repeat("{a: ", 1'000'000), {ir::RuleId::kYamlTooDeep, 1, 257});
  CheckLibrary(Repeat("[\n", 1'000'000), {ir::RuleId::kYamlTooDeep, 65, 1});
  TempDir dir;
  CheckBinary(dir, "flow.yaml", open, {ir::RuleId::kYamlTooDeep, 1, 65});
}

TEST_CASE("hostile: a flat flow list with more items than max_nodes", "[hostile]") {
  compiler::LoadOptions options;
  options.collect.limits.max_nodes = 100'000;
  CheckLibrary("[" + Repeat("a,", 200'000) + "a]\n", {ir::RuleId::kYamlTooLarge, 1, 200'001}, options);
  // 30 MB (under the 32 MiB file limit) of `[a,a,...`: before the prescan,
  // polc ran out of 3 GB here.
  TempDir dir;
  CheckBinary(dir, "flat.yaml", "[" + Repeat("a,", 15'000'000) + "a]\n",
              {ir::RuleId::kYamlTooLarge, 1, 4'000'001});
}

TEST_CASE("hostile: file larger than max_file_bytes", "[hostile]") {
  compiler::LoadOptions options;
  options.collect.limits.max_file_bytes = 1000;
  CheckLibrary("# " + std::string(2000, 'x') + "\n", {ir::RuleId::kInputTooLarge}, options);
  TempDir dir;
  // A sparse 33 MiB file: the size is checked before anything is read.
  std::string path = dir.Write("big.yaml", "");
  std::filesystem::resize_file(path, 33ull << 20);
  Run run = RunPolc(fmt::format("lint '{}'", path));
  INFO(run.output);
  CHECK(CountOccurrences(run.output, ": error: ") == 1);
  CHECK(run.output.find(path + ": error: ") != std::string::npos);
  CHECK(run.output.find("[input-too-large]") != std::string::npos);
  CHECK(run.exit_code == 2);
  CHECK(run.cpu_seconds < kErrorSeconds);
  CHECK(run.seconds < 10 * kErrorSeconds);  // no hang, even on a loaded machine
}

TEST_CASE("hostile: invalid UTF-8 is reported at its byte", "[hostile]") {
  std::string text = "apiVersion: v1\nkind: x\xff\n";
  CheckLibrary(text, {ir::RuleId::kInputEncoding, 2, 8});
  CheckLibrary("a: \xC0\xAF\n", {ir::RuleId::kInputEncoding, 1, 4});      // overlong '/'
  CheckLibrary("a: \xED\xA0\x80\n", {ir::RuleId::kInputEncoding, 1, 4});  // a surrogate
  TempDir dir;
  CheckBinary(dir, "latin1.yaml", text, {ir::RuleId::kInputEncoding, 2, 8});
}

TEST_CASE("hostile: binary files (NUL bytes)", "[hostile]") {
  std::string text("apiVersion: v1\n\0\x01\x02kind: Pod\n", 28);
  CheckLibrary(text, {ir::RuleId::kInputEncoding});
  TempDir dir;
  CheckBinary(dir, "blob.yaml", text, {ir::RuleId::kInputEncoding});
}

TEST_CASE("hostile: unterminated quotes", "[hostile]") {
  // yaml-cpp 0.7 accepts these when a line break follows the quote; the tree
  // builder checks for the closing quote itself.
  std::string dq = "apiVersion: v1\nkind: \"Pod\nmetadata: {}\n";
  CheckLibrary(dq, {ir::RuleId::kYamlSyntax, 2, 7});
  CheckLibrary("a: 'it''s\n", {ir::RuleId::kYamlSyntax, 1, 4});
  CheckLibrary("a: \"abc", {ir::RuleId::kYamlSyntax, 1, 8});  // yaml-cpp's own check
  // Escaped quotes are not closing ones, and closed strings are fine.
  compiler::LoadResult ok = compiler::LoadText("input.yaml", "a: \"x\\\"y\"\nb: 'it''s'\n", {});
  CHECK(CountErrors(ok.sink.diagnostics()) == 0);
  TempDir dir;
  CheckBinary(dir, "quote.yaml", dq, {ir::RuleId::kYamlSyntax, 2, 7});
}

TEST_CASE("hostile: tab indentation", "[hostile]") {
  std::string text = "apiVersion: v1\nkind: Pod\nmetadata:\n\tname: x\n";
  CheckLibrary(text, {ir::RuleId::kYamlSyntax, 4});
  TempDir dir;
  CheckBinary(dir, "tabs.yaml", text, {ir::RuleId::kYamlSyntax, 4});
}

TEST_CASE("hostile: a repeated key", "[hostile]") {
  std::string text = "apiVersion: v1\nkind: ConfigMap\nkind: Pod\nmetadata: {name: x}\n";
  CheckLibrary(text, {ir::RuleId::kDuplicateKey, 3, 1});
  TempDir dir;
  CheckBinary(dir, "dup.yaml", text, {ir::RuleId::kDuplicateKey, 3, 1});
}

TEST_CASE("hostile: many documents past max_nodes give one error", "[hostile]") {
  compiler::LoadOptions options;
  options.collect.limits.max_nodes = 100'000;
  // The 100,001st node is the empty document that starts on line 100,001; its
  // (null) content is placed on the next line.
  CheckLibrary(Repeat("---\n", 200'000), {ir::RuleId::kYamlTooLarge, 100'002}, options);
  // It is not blamed on aliases.
  compiler::LoadResult result = compiler::LoadText("input.yaml", Repeat("--- {}\n", 200'000), options);
  REQUIRE(CountErrors(result.sink.diagnostics()) == 1);
  CHECK(result.sink.diagnostics().back().message.find("alias") == std::string::npos);
}

TEST_CASE("hostile: the flow prescan ignores brackets in strings, comments and block scalars", "[hostile]") {
  // A prescan false positive would reject a valid file, so each place where a
  // `[` is only text must stay silent even far past max_depth.
  std::string many = Repeat("[", 200);
  std::string commas = Repeat(",", 300);
  compiler::LoadOptions options;
  options.collect.limits.max_nodes = 200;  // the commas alone would exceed it
  for (const std::string& text : {
           "a: \"" + many + commas + "\"\n",                      // double-quoted
           "a: '" + many + commas + "'\n",                          // single-quoted
           "a: 'it''s " + many + "'\nb: x\n",                       // '' escape
           "a: \"\\\" " + many + "\"\n",                          // \" escape
           "a: x # " + many + commas + "\n",                          // comment
           "# " + many + "\na: 1\n",                                 // comment line
           "a: |\n  " + many + "\n  " + commas + "\nb: 1\n",           // literal block
           "- >-\n    " + many + "\n- x\n",                          // folded block in a list
           "a: x" + many + commas + "\n",                             // inside a plain scalar
           "path: /api/[a-z]+/" + many + "\n",
           "[\"" + many + commas + "\", '" + many + "']\n",            // quoted inside a flow list
       }) {
    compiler::LoadResult result = compiler::LoadText("input.yaml", text, options);
    INFO(text.substr(0, 60));
    CHECK(CountErrors(result.sink.diagnostics()) == 0);
  }
  // Unclosed brackets before a document marker, more after it: one error.
  compiler::LoadResult broken = compiler::LoadText("input.yaml", Repeat("[", 40) + "\n---\n" + Repeat("[", 40), {});
  CHECK(CountErrors(broken.sink.diagnostics()) == 1);
}

// ---- big but valid: accepted, in time linear in the size ---------------------

TEST_CASE("hostile: a very long single line is accepted", "[hostile]") {
  std::string text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  blob: " +
                     std::string(4 << 20, 'x') + "\n";
  compiler::LoadResult result;
  double seconds = CpuSecondsOf([&] { result = compiler::LoadText("input.yaml", text, {}); });
  CHECK(CountErrors(result.sink.diagnostics()) == 0);
  CHECK(result.objects.size() == 1);
  CHECK(seconds < 2 * kSlowdown);
}

TEST_CASE("hostile: 10 MB of small documents is parsed in seconds", "[hostile]") {
  // The YAML parse runs at about 7 MB/s on the reference machine (bench/README.md);
  // under sanitizers the file is made ten times smaller instead.
  const size_t target = static_cast<size_t>((10 << 20) / kSlowdown);
  std::string text;
  int count = 0;
  while (text.size() < target) text += SmallObject(count++);
  compiler::LoadResult result;
  double seconds = CpuSecondsOf([&] { result = compiler::LoadText("input.yaml", text, {}); });
  CHECK(CountErrors(result.sink.diagnostics()) == 0);
  CHECK(result.objects.size() == static_cast<size_t>(count));
  // About 2 s of CPU on the reference machine; a quadratic step would be far
  // above this.
  CHECK(seconds < 6 * kSlowdown);
}

TEST_CASE("hostile: a hundred thousand empty documents", "[hostile]") {
  compiler::LoadResult result;
  double seconds = SecondsOf([&] { result = compiler::LoadText("input.yaml", Repeat("---\n", 100'000), {}); });
  CHECK(result.sink.diagnostics().empty());
  CHECK(result.documents == 100'000);
  CHECK(seconds < kErrorSeconds);
}

// ---- LoadText applies the file checks (MemoryFileSystem) -----------------

TEST_CASE("hostile: LoadText strips a byte-order mark like file input", "[hostile]") {
  compiler::LoadResult result =
      compiler::LoadText("input.yaml", "\xEF\xBB\xBF" "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\n", {});
  CHECK(result.sink.diagnostics().empty());
  REQUIRE(result.objects.size() == 1);
  CHECK(result.objects[0].api_version == "v1");
}

TEST_CASE("MemoryFileSystem: folders are implied by paths and walked in order", "[hostile]") {
  compiler::MemoryFileSystem fs;
  fs.AddFile("repo/b.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: b}\n");
  fs.AddFile("repo/sub/a.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n");
  fs.AddFile("repo/notes.txt", "not read");
  fs.AddFile("repo/bad.json", std::string("{\0}", 3));
  CHECK(fs.Stat("repo") == compiler::FileSystem::Type::kDirectory);
  CHECK(fs.Stat("repo/sub/a.yaml") == compiler::FileSystem::Type::kFile);
  CHECK(fs.Stat("rep") == compiler::FileSystem::Type::kMissing);
  compiler::LoadOptions options;
  options.fs = &fs;
  compiler::LoadResult result = compiler::Load({"repo"}, options);
  REQUIRE(result.objects.size() == 2);
  CHECK(result.objects[0].meta.name == "b");
  CHECK(result.objects[1].meta.name == "a");
  REQUIRE(CountErrors(result.sink.diagnostics()) == 1);
  CHECK(result.sink.diagnostics()[0].rule == ir::RuleId::kInputEncoding);
}

}  // namespace
}  // namespace polc
