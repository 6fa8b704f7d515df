// Lints beyond schema validity: policies Cilium accepts that probably do not
// do what their author meant (cilium-semantics.md sections 2-7).
#pragma once

#include "ir/diagnostic.h"
#include "ir/inventory.h"
#include "ir/policy.h"
#include "ir/settings.h"

namespace polc::verifier {

void RunLints(const ir::PolicySet& policies, const ir::Settings& settings, ir::DiagnosticSink& sink);
// With the cluster inventory: also the lints that need pods (dangling
// selectors, policy map pressure).
void RunLints(const ir::PolicySet& policies, const ir::Settings& settings, const ir::Inventory& inventory,
              ir::DiagnosticSink& sink);

}  // namespace polc::verifier
