// libFuzzer target for the whole frontend: bytes in as one file, through
// LoadText (input checks, bounded YAML parse, classify, lower, sanitize) and
// the lints. Besides crashes and sanitizer reports it checks the invariants
// every consumer of diagnostics relies on.
//
// Run it with scripts/fuzz.sh SECONDS.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "compiler/loader.h"
#include "ir/diagnostic.h"
#include "verifier/lints.h"

namespace {

// __builtin_trap so a violated invariant is reported as a crash with the input.
void Require(bool condition) {
  if (!condition) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  polc::compiler::LoadOptions options;
  // Keep each run short; the limits themselves are tested in
  // tests/hostile_input_test.cc.
  options.collect.limits.max_nodes = 100'000;
  polc::compiler::LoadResult result = polc::compiler::LoadText("fuzz.yaml", text, options);
  polc::verifier::RunLints(result.policies, options.settings, result.sink);

  size_t lines = 1;
  for (char c : text) lines += c == '\n';
  for (const polc::ir::Diagnostic& d : result.sink.diagnostics()) {
    Require(!d.message.empty());
    if (!d.location.Known()) continue;
    Require(d.location.file < result.files.size());
    // yaml-cpp may place a mark one line past the last line break.
    Require(d.location.line <= lines + 1);
    (void)result.files.Format(d.location);
    (void)result.files.Line(d.location.file, d.location.line);
  }
  for (const polc::compiler::KubeObject& object : result.objects) Require(object.root != nullptr);
  return 0;
}
