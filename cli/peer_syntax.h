// The one-line peer syntax of `polc query --from/--to` (issue 3 section 5):
// the peer forms of the PolicyTest format (policy-test-format.md, "Peers")
// written as KIND:VALUE, plus `ns/name` as the short form of an endpoint.
//
//   endpoint:ns/name   ip:1.2.3.4   entity:world   node:n1   fqdn:name
//   labels:ns/k=v,k2=v2  (an anonymous pod; serviceAccount via sa=NAME is
//                         not a label: write labels:ns/k=v;sa=NAME)
//   ns/name            (short for endpoint:ns/name)
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "ir/policy_test.h"

namespace polc::cli {

struct PeerSyntaxError {
  std::string message;  // what is wrong, with the accepted forms
};

// Parses one peer. Never throws; an error names the accepted forms and, for an
// unknown kind, the closest known one.
std::variant<ir::FlowPeer, PeerSyntaxError> ParsePeer(std::string_view text);

// The inverse, used in reports: "endpoint:ns/name", "entity:world", ...
std::string FormatPeer(const ir::FlowPeer& peer);

}  // namespace polc::cli
