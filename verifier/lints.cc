#include "verifier/lints.h"

namespace polc::verifier {

// STUB: to be implemented.
void RunLints(const ir::PolicySet& policies, const ir::Settings& settings, ir::DiagnosticSink& sink) {
  (void)policies;
  (void)settings;
  (void)sink;
}

}  // namespace polc::verifier
