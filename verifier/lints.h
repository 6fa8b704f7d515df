// Lints beyond schema validity: policies Cilium accepts that probably do not
// do what their author meant (cilium-semantics.md sections 2-7).
#pragma once

#include "ir/diagnostic.h"
#include "ir/policy.h"
#include "ir/settings.h"

namespace polc::verifier {

void RunLints(const ir::PolicySet& policies, const ir::Settings& settings, ir::DiagnosticSink& sink);

}  // namespace polc::verifier
