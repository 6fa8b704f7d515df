// TestSettings of ir/policy_test.h (not named policy_test.cc: the build treats *_test.cc as tests).
#include "ir/policy_test.h"

namespace polc::ir {

Settings TestSettings::ApplyTo(Settings base) const {
  if (version) base.version = *version;
  if (enforcement) base.enforcement = *enforcement;
  if (cluster_name) base.cluster_name = *cluster_name;
  if (allow_localhost) base.allow_localhost = *allow_localhost;
  if (policy_default_local_cluster) base.policy_default_local_cluster = *policy_default_local_cluster;
  if (host_firewall) base.host_firewall = *host_firewall;
  return base;
}

}  // namespace polc::ir
