// BPF C text -> ELF object bytes, compiled in process by the Clang/LLVM 19
// libraries (design-brief.md "Datapath"): no clang binary, no kernel or libc
// headers. The source and the embedded headers (codegen-bpf/bpf/) live in an
// in-memory file system under fixed names, so the same text always gives the
// same bytes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace polc::codegen {

struct CompileResult {
  bool ok = false;
  std::vector<uint8_t> object;  // ELF (bpfel) with BTF and a libbpf `.maps` section
  std::string diagnostics;      // the compiler's warnings and errors, as clang prints them
};

// Compiles `source` as "/polc/polc.bpf.c" for target bpfel (-O2 -g, cpu v3).
// The source may include "polc_maps.h" and "polc_runtime.h". Thread-safe.
[[nodiscard]] CompileResult CompileBpf(const std::string& source);

}  // namespace polc::codegen
