// The "lockout" summary of `polc diff`: every pair of peers that loses
// connections in the new version, with the rule of the new policies that now
// denies a representative flow, system flows first (DNS, kube-apiserver,
// host, kube-system), because losing those breaks a cluster rather than one
// application.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ir/policy.h"
#include "ir/source_location.h"
#include "verifier/connection_set.h"
#include "verifier/connectivity.h"
#include "verifier/connectivity_diff.h"
#include "verifier/evaluator.h"

namespace polc::cli {

// In report order.
enum class LockoutClass { kDns, kApiServer, kHost, kKubeSystem, kOther };
std::string_view LockoutClassName(LockoutClass c);  // "dns", "kube-apiserver", "host", "kube-system", "other"

// The class of a lost flow: DNS when the destination is kube-dns/coredns, or
// the lost connections are only port 53 (UDP/TCP), or include port 53 to a
// peer that is not a workload (an external resolver); kube-apiserver when a
// side is the kube-apiserver (entity or workload); host when a side is the
// host or remote-node entity or a node; kube-system when a side lives in that
// namespace. `source`/`destination` may be null (a peer only in the old map).
LockoutClass ClassifyLostFlow(const verifier::ConnectivityPeer* source, const verifier::ConnectivityPeer* destination,
                              const verifier::ConnectionSet& lost);

// The flow the evaluator is asked about: port 53 for DNS losses (UDP first),
// else the lowest port of the first protocol lost in the order TCP, UDP,
// SCTP, ICMP, ICMPv6 (protocols outside `universe` are skipped).
std::optional<std::pair<verifier::ConnProtocol, uint32_t>> RepresentativePort(const verifier::ConnectionSet& lost,
                                                                              LockoutClass c,
                                                                              verifier::ConnUniverse universe);

struct LockoutEntry {
  LockoutClass klass = LockoutClass::kOther;
  std::string source;  // display names
  std::string destination;
  std::string lost;         // CONN text of old - new
  std::string flow;         // the representative, "UDP 53"; empty when none
  std::string verdict;      // the evaluator's verdict on the flow in the new version: deny | audit | allow | error
  std::string denied_at;    // egress | ingress | ""
  std::string reason;       // default-deny | deny-rule | l7 | ""
  std::string decided_by;   // "ingress: policies/web.yaml:12" (cli::DecidingSummary)
  std::string explanation;  // the deciding side's one-sentence explanation
  std::string enforcement;  // why that side is enforced (names the policies selecting it), for default deny
  std::string note;         // e.g. "workload shop/web[Deployment] removed"
};

// Sort key: class, then source, then destination.
void SortLockout(std::vector<LockoutEntry>& entries);

// One entry per removed/changed diff entry that lost something, evaluated
// with `evaluator` (built on the NEW policies `policies`, whose rule
// locations `files` resolves). Peers are looked up by name in the maps.
std::vector<LockoutEntry> ComputeLockout(const verifier::ConnectivityDiff& diff,
                                         const verifier::ConnectivityMap& old_map,
                                         const verifier::ConnectivityMap& new_map, const verifier::Evaluator& evaluator,
                                         const ir::PolicySet& policies, const ir::FileTable& files);

// Text for stderr; empty when nothing is lost.
std::string RenderLockoutText(const std::vector<LockoutEntry>& entries);
nlohmann::ordered_json LockoutJson(const std::vector<LockoutEntry>& entries);

}  // namespace polc::cli
