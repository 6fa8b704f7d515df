// The answer of `polc query`, in the style of netpol-analyzer's explain
// output: a header naming the connection, then per verdict the sides with the
// policies and rules that decided them ("CNP ns/name // egress rule #1").
#pragma once

#include <string>

#include "cli/flow_trail.h"
#include "verifier/evaluator.h"

namespace polc::cli {

// "TCP 8080", "ICMP type 8", "UDP 53 (DNS one.one.one.one)", "TCP 80 (GET /)".
std::string ConnectionText(const verifier::Flow& flow);

std::string RenderQueryText(const verifier::Flow& flow, const FlowTrail& trail);

// {"from", "to", "connection", "verdict", "deniedAt", "reason", "egress", "ingress", "warnings"} (ordered).
std::string RenderQueryJson(const verifier::Flow& flow, const FlowTrail& trail);

}  // namespace polc::cli
