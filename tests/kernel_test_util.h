// What the kernel tests share: the privilege gate (skip with a clear
// message where BPF cannot be loaded; fail under CI=true, where the suite
// runs as root and the kernel tests must run), a loaded object filled from
// a plan's map contents, and running a packet through one of its programs.
#pragma once

#include <catch2/catch.hpp>
#include <cstdlib>
#include <memory>
#include <string>

#include "codegen-bpf/build_object.h"
#include "codegen-bpf/clang_compile.h"
#include "loader/bpf_loader.h"
#include "loader/packet.h"

namespace polc::testing {

inline bool InCi() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

// Use as: if (!KERNEL_TESTS_CAN_RUN()) return;
#define KERNEL_TESTS_CAN_RUN()                                                                   \
  ([] {                                                                                          \
    std::optional<std::string> reason = polc::loader::BpfUnavailableReason();                    \
    if (!reason) return true;                                                                    \
    if (polc::testing::InCi()) FAIL("kernel tests must run under CI=true, but: " << *reason);   \
    WARN("SKIPPED kernel test (set CI=true to make this a failure): " << *reason);              \
    return false;                                                                                \
  }())

inline std::vector<loader::MapFill> MapFills(const codegen::MapContents& contents) {
  std::vector<loader::MapFill> fills;
  for (const codegen::RawMap& map : codegen::RawMaps(contents)) {
    loader::MapFill fill{map.name, {}};
    for (const codegen::RawMapEntry& entry : map.entries) fill.entries.push_back({entry.key, entry.value});
    fills.push_back(std::move(fill));
  }
  return fills;
}

// Builds, loads and fills; REQUIREs each step.
inline std::unique_ptr<loader::LoadedObject> LoadPlan(const ir::Plan& plan) {
  codegen::BuildResult built = codegen::BuildObject(plan);
  INFO(built.diagnostics);
  REQUIRE(built.ok);
  loader::LoadError error;
  std::unique_ptr<loader::LoadedObject> loaded = loader::LoadedObject::Load(built.object, error);
  INFO(error.message << "\n" << error.verifier_log);
  REQUIRE(loaded != nullptr);
  std::string fill_error;
  INFO(fill_error);
  REQUIRE(loaded->Fill(MapFills(built.contents), fill_error));
  return loaded;
}

inline int RunPacket(loader::LoadedObject& object, const char* program, const loader::PacketSpec& spec) {
  loader::TestRunResult result = object.Run(program, loader::BuildPacket(spec));
  INFO(result.error);
  REQUIRE(result.ok);
  return result.retval;
}

}  // namespace polc::testing
