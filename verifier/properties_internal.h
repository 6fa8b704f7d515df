// Internals of VerifyProperties (verifier/properties*.cc): the shared
// context and the symbolic form of one side's verdict (the evaluator's
// EvaluateDirection, cilium-semantics.md 3.1-3.5 and 4, over every pod of a
// PodSpace at once).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "verifier/evaluator.h"
#include "verifier/evaluator_internal.h"
#include "verifier/pod_space.h"
#include "verifier/properties.h"

namespace polc::verifier::internal {

struct PropertyContext {
  const ir::PolicySet& policies;
  const ir::Inventory& inventory;
  const ir::Settings& settings;
  const ir::VerifyConfig& config;
  std::vector<PolicyEntry> entries;
  const Evaluator& evaluator;
};

RuleMatch EntryRuleMatch(const PolicyEntry& entry);

// One side of a flow whose other side is the abstract pod, or which is the
// abstract pod itself. The flow carries no L7 request: L7 rules count as
// allowing at L3/L4 (their requests are judged by the proxy later).
struct SideInput {
  ir::Direction direction = ir::Direction::kEgress;
  bool local_abstract = true;          // the side deciding is the abstract pod
  const ResolvedPeer* local = nullptr;  // the concrete deciding side (when !local_abstract)
  const Identity* remote = nullptr;     // the concrete other side (when local_abstract)
  const Identity* destination = nullptr;  // concrete destination (named ports, 2.5)
  std::optional<uint16_t> port;
};

// The pods for which this side allows `flow`.
bdd SideAllows(const SideInput& in, const PropertyContext& ctx, const Flow& flow, const PodSpace& space);
// The pods whose `direction` is enforced (3.1, 3.5).
bdd Enforced(ir::Direction direction, const PropertyContext& ctx, const PodSpace& space);

// dns and apiserver (properties_flows.cc), appended to `out`.
void VerifyDns(const PropertyContext& ctx, const std::vector<std::string>& scope, std::vector<PropertyResult>& out);
void VerifyApiserver(const PropertyContext& ctx, std::vector<PropertyResult>& out);
// host-lockout (properties_host.cc): one result per inventory node.
void VerifyHostLockout(const PropertyContext& ctx, const std::vector<std::string>& scope,
                       std::vector<PropertyResult>& out);

}  // namespace polc::verifier::internal
