// The focus filters of `polc connectivity`, with netpol-analyzer's meaning
// (its `list --focusworkload`, `--focus-direction`, `--focus-conn`):
//   * --focus-workload W (repeatable, comma-separated): keep the pairs with a
//     focus workload on either side. W is `name`, `ns/name`, or the display
//     name with its kind (`ns/name[Deployment]`); polc also accepts the
//     display name of a Cilium peer (`entity:kube-apiserver`, `node:node-1`,
//     `fqdn:api.example.com`) or that name without its prefix.
//   * --focus-direction ingress|egress: with --focus-workload, only the
//     connections into (ingress) or out of (egress) a focus workload; alone
//     it has no meaning and is ignored with a warning.
//   * --focus-conn PROTOCOL-PORT (`tcp-8080`): keep the pairs whose allowed
//     connections contain that one port, and show only it. netpol-analyzer's
//     connlist then prints `Permitted connections on TCP 8080:` and bare
//     `SRC => DST` lines (RenderFocusConnConnlist).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "ir/policy.h"
#include "verifier/connection_set.h"
#include "verifier/connectivity.h"

namespace polc::cli {

struct FocusConn {
  verifier::ConnProtocol protocol = verifier::ConnProtocol::kTcp;
  uint32_t port = 0;  // the ICMP type for ICMP/ICMPv6
  verifier::ConnectionSet Set() const { return verifier::ConnectionSet::Ports(protocol, port, port); }
};

// "tcp-8080", "UDP-53" (any case); polc also takes "icmp-8" / "icmpv6-128"
// (a message type, 0-255). An error message for anything else.
std::variant<FocusConn, std::string> ParseFocusConn(std::string_view text);

struct ConnectivityFilter {
  std::vector<std::string> workloads;  // empty: no workload focus
  std::optional<ir::Direction> direction;
  std::optional<FocusConn> conn;
  bool Empty() const { return workloads.empty() && !direction && !conn; }
};

// Whether `peer` is the workload named `focus` (forms above).
bool PeerMatchesFocus(const verifier::ConnectivityPeer& peer, std::string_view focus);

// Filters `map` in place: edges first, then the peers no edge touches unless
// they are focus workloads (as netpol-analyzer keeps them in its dot graph);
// edge indexes are rewritten. Returns warnings in netpol-analyzer's words
// (a focus workload that does not exist, --focus-direction alone).
std::vector<std::string> ApplyConnectivityFilter(const ConnectivityFilter& filter, verifier::ConnectivityMap& map);

// netpol-analyzer's connlist under --focus-conn:
//   Permitted connections on TCP 8080:
//   SRC => DST
std::string RenderFocusConnConnlist(const verifier::ConnectivityMap& map, const FocusConn& conn);

}  // namespace polc::cli
