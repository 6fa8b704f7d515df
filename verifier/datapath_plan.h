// Builds the datapath plan (ir/datapath_plan.h) from a policy set and its
// inventory with the reference evaluator's semantics, and simulates the
// kernel's lookup on it. The simulation is what the generated BPF program
// must compute; tests hold it equal to the evaluator (plan exactness) and
// the kernel's verdicts equal to it (code generation exactness).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "ir/datapath_plan.h"
#include "ir/inventory.h"
#include "ir/policy.h"
#include "ir/settings.h"

namespace polc::verifier {

// Local endpoints are the inventory's endpoints (optionally only those on
// `node`); addresses of `toFQDNs` names come from `inventory.dns` (the DNS
// snapshot); names without an address are listed in `unresolved_fqdns`.
// Deterministic: the same inputs give an equal plan.
struct PlanOptions {
  std::optional<std::string> node;  // only this node's endpoints are local
};
ir::Plan BuildDatapathPlan(const ir::PolicySet& policies, const ir::Inventory& inventory,
                           const ir::Settings& settings, const PlanOptions& options = {});

// One packet as a tc program sees it (addresses of one family).
struct PlanPacket {
  ir::PlanAddress source;
  ir::PlanAddress destination;
  uint8_t protocol = 6;  // wire protocol number
  uint16_t source_port = 0;
  uint16_t destination_port = 0;  // ICMP/ICMPv6: unused
  uint8_t icmp_type = 0;
};

enum class PlanDropReason { kNone, kDefaultDeny, kDenyRule };

// The verdict of the lookup contract (ir/datapath_plan.h) at one endpoint
// hook: egress judges packets whose source is a local endpoint, ingress
// packets whose destination is one.
struct PlanVerdict {
  bool local = false;     // false: no local endpoint on that side; the packet passes
  bool allowed = true;    // after audit: an audited drop is allowed
  bool audited = false;   // would have been dropped, audit mode let it pass
  PlanDropReason reason = PlanDropReason::kNone;  // why it is (or would be) dropped
  uint32_t rule = 0;      // the deciding PlanRule id (0: default deny or not enforced)
  uint32_t endpoint = 0;
  uint32_t remote_identity = 0;
  bool needs_l7_proxy = false;
};

PlanVerdict EvaluatePlan(const ir::Plan& plan, const PlanPacket& packet, ir::Direction direction);

}  // namespace polc::verifier
