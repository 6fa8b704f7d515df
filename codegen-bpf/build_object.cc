#include "codegen-bpf/build_object.h"

#include "codegen-bpf/clang_compile.h"
#include "codegen-bpf/generate_c.h"

namespace polc::codegen {

BuildResult BuildObject(const ir::Plan& plan) {
  BuildResult result;
  result.c_source = GenerateBpfC(plan);
  result.features = EffectiveFeatures(plan);
  result.contents = BuildMapContents(plan);
  CompileResult compiled = CompileBpf(result.c_source);
  result.ok = compiled.ok;
  result.object = std::move(compiled.object);
  result.diagnostics = std::move(compiled.diagnostics);
  return result;
}

}  // namespace polc::codegen
