#include "compiler/lower.h"

namespace polc::compiler {

// STUB: to be implemented (CNP/CCNP lowering).
ir::Policy LowerCiliumPolicy(const KubeObject& object, LowerContext& ctx) {
  (void)ctx;
  ir::Policy policy;
  policy.kind = object.kind == "CiliumNetworkPolicy" ? ir::PolicyKind::kCiliumNetworkPolicy
                                                     : ir::PolicyKind::kCiliumClusterwideNetworkPolicy;
  policy.api_version = object.api_version;
  policy.meta = object.meta;
  return policy;
}

}  // namespace polc::compiler
