// The reference evaluator: one flow in, Cilium's verdict and the rule trail
// out. It is the executable definition of cilium-semantics.md sections 2-7
// and is written to mirror the reference, plainly, rather than to be fast:
// every faster engine (connectivity classes, symbolic proofs, the BPF
// datapath) is tested against it.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ir/inventory.h"
#include "ir/policy.h"
#include "ir/policy_test.h"
#include "ir/settings.h"
#include "ir/source_location.h"

namespace polc::verifier {

// A flow in the forward direction (replies of an allowed connection are not
// judged again, as in Cilium's connection tracking).
struct Flow {
  ir::FlowPeer source;
  ir::FlowPeer destination;
  ir::Protocol protocol = ir::Protocol::kTcp;
  std::string port;                 // number text, or a destination container port name; empty = none
  std::optional<uint8_t> icmp_type; // with ICMP / ICMPV6
  std::optional<ir::HttpRequest> http;
  std::optional<ir::DnsQuery> dns;
  std::optional<ir::KafkaRequest> kafka;
};

enum class Verdict { kAllow, kDeny, kAudit };
std::string_view VerdictName(Verdict verdict);  // "allow", "deny", "audit"

// One rule entry that matched the flow in one direction.
struct RuleMatch {
  int policy = -1;               // index into PolicySet::policies; -1 for implicit rules
  int rule = -1;                 // index into Policy::rules (CNP/CCNP) or -1
  int entry = -1;                // index into the ingress/egress/... list, or the KNP rule
  ir::Direction direction = ir::Direction::kIngress;
  bool deny = false;
  bool has_l7 = false;
  ir::SourceLocation location;   // of the entry
  std::string description;       // e.g. "CiliumNetworkPolicy shop/backend ingress[0]"
};

// The decision at one side: the source's egress or the destination's ingress.
struct DirectionResult {
  ir::Direction direction = ir::Direction::kIngress;
  bool applies = false;            // false when that side has no policy of its own (world, ip, fqdn)
  bool enforced = false;
  bool default_deny = false;
  std::string enforcement_reason;  // why enforcement is on or off here, in words
  Verdict verdict = Verdict::kAllow;
  std::optional<ir::DenyReason> deny_reason;
  std::vector<RuleMatch> matches;  // every entry that matched, allows and denies
  std::optional<RuleMatch> deciding;
  std::string explanation;         // one sentence: what decided
};

struct FlowResult {
  DirectionResult egress;   // at the source
  DirectionResult ingress;  // at the destination
  Verdict verdict = Verdict::kAllow;
  std::optional<ir::Direction> denied_at;
  std::optional<ir::DenyReason> deny_reason;
  std::vector<std::string> warnings;  // e.g. an unresolved toServices, an unknown endpoint
  std::optional<std::string> error;   // the flow cannot be evaluated (unknown endpoint, bad port)
};

class Evaluator {
 public:
  Evaluator(const ir::PolicySet& policies, const ir::Inventory& inventory, const ir::Settings& settings);
  ~Evaluator();
  Evaluator(const Evaluator&) = delete;
  Evaluator& operator=(const Evaluator&) = delete;

  FlowResult Evaluate(const Flow& flow) const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace polc::verifier
