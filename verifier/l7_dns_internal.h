// Internal to l7_dns.cc and its tests: matchPattern against a name exactly as
// given, without normalising the name first. Cilium's matchpattern tests work
// at this level (a name without the final dot is rejected there, while the
// DNS proxy would have added the dot); FqdnMatches normalises, then calls it.
#pragma once

#include <string_view>

#include "ir/settings.h"

namespace polc::verifier::internal {

bool MatchPatternMatchesRaw(std::string_view pattern, std::string_view name, const ir::CiliumVersion& version);

}  // namespace polc::verifier::internal
