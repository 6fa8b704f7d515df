// The whole backend in one call: plan -> BPF C -> ELF object + map
// contents. What `polc build` and the kernel tests use.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "codegen-bpf/map_contents.h"
#include "ir/datapath_plan.h"

namespace polc::codegen {

struct BuildResult {
  bool ok = false;
  std::string c_source;          // the generated program
  std::vector<uint8_t> object;   // the ELF object, when ok
  MapContents contents;          // what the loader writes into the maps
  ir::PlanFeatures features;     // compiled in (EffectiveFeatures)
  std::string diagnostics;       // the compiler's, when any
};

// Deterministic: an equal plan gives the same source and object bytes.
[[nodiscard]] BuildResult BuildObject(const ir::Plan& plan);

}  // namespace polc::codegen
