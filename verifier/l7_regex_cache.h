// A process-wide cache of compiled RE2 programs keyed by pattern text. The
// reference evaluator matches every HTTP field and DNS pattern once per flow,
// and a policy test runs thousands of flows over the same few patterns, so
// compiling each pattern once matters. Internal to the L7 matchers.
#pragma once

#include <string_view>

namespace polc::verifier::internal {

// Whether `text` matches the whole of `pattern` (RE2 syntax, as Envoy's
// safe_regex and Go's regexp use). A pattern RE2 cannot compile matches
// nothing: Sanitize already rejects such policies, so the evaluator only sees
// one when it is run on an unchecked IR.
bool RegexFullMatch(std::string_view pattern, std::string_view text);

}  // namespace polc::verifier::internal
