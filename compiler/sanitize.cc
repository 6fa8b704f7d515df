#include "compiler/lower.h"

namespace polc::compiler {

// STUB: to be implemented (Cilium Sanitize()).
void Sanitize(const ir::PolicySet& policies, const ir::Settings& settings, ir::DiagnosticSink& sink) {
  (void)policies;
  (void)settings;
  (void)sink;
}

}  // namespace polc::compiler
