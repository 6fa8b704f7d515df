#include "compiler/lower.h"

namespace polc::compiler {

// STUB: to be implemented (NetworkPolicy lowering).
ir::Policy LowerNetworkPolicy(const KubeObject& object, LowerContext& ctx) {
  (void)ctx;
  ir::Policy policy;
  policy.kind = ir::PolicyKind::kNetworkPolicy;
  policy.api_version = object.api_version;
  policy.meta = object.meta;
  return policy;
}

// STUB: to be implemented.
ir::CidrGroup LowerCidrGroup(const KubeObject& object, LowerContext& ctx) {
  (void)ctx;
  ir::CidrGroup group;
  group.api_version = object.api_version;
  group.meta = object.meta;
  return group;
}

}  // namespace polc::compiler
