// Lowering of each policy kind from its YAML tree to IR, with schema checks.
#pragma once

#include "compiler/field_reader.h"
#include "compiler/loader.h"
#include "ir/policy.h"

namespace polc::compiler {

// CiliumNetworkPolicy / CiliumClusterwideNetworkPolicy (cilium.io/v2).
ir::Policy LowerCiliumPolicy(const KubeObject& object, LowerContext& ctx);
// networking.k8s.io/v1 NetworkPolicy.
ir::Policy LowerNetworkPolicy(const KubeObject& object, LowerContext& ctx);
// cilium.io/v2alpha1 or v2 CiliumCIDRGroup.
ir::CidrGroup LowerCidrGroup(const KubeObject& object, LowerContext& ctx);

// The Cilium agent's Sanitize() for the chosen version (cilium-semantics.md
// 1.13), over the whole policy set.
void Sanitize(const ir::PolicySet& policies, const ir::Settings& settings, ir::DiagnosticSink& sink);

}  // namespace polc::compiler
