// (Named lower_policytest.cc: the build treats every *_test.cc as a test source.)
#include "compiler/lower_policy_test.h"

namespace polc::compiler {

ir::PolicyTest LowerPolicyTest(const KubeObject& object, LowerContext&) {
  ir::PolicyTest test;
  test.name = object.meta.name;
  test.location = object.location;
  return test;
}

}  // namespace polc::compiler
