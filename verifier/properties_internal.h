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
  // When the deciding side is abstract and the other side is an abstract pod
  // too (assertions between two pod sets): the other side's PodSpace, whose
  // variables follow or precede the deciding one's (PodSpace first_var).
  // `remote` is then that namespace's label-less pod, used only for what
  // every pod of it shares (not host, so no allow-localhost).
  const PodSpace* remote_space = nullptr;
};

// The pods for which this side allows `flow`.
bdd SideAllows(const SideInput& in, const PropertyContext& ctx, const Flow& flow, const PodSpace& space);
// The pods whose `direction` is enforced (3.1, 3.5).
bdd Enforced(ir::Direction direction, const PropertyContext& ctx, const PodSpace& space);

// The entries a replayed flow's verdict rests on: deciding and matching
// entries, and for a side denied by default deny the entries that enforce
// it, so every failure names a file and line (properties_flows.cc).
std::vector<RuleMatch> RuleTrail(const FlowResult& replay, const PropertyContext& ctx, const Flow& flow);

// dns and apiserver (properties_flows.cc), appended to `out`.
void VerifyDns(const PropertyContext& ctx, const std::vector<std::string>& scope, std::vector<PropertyResult>& out);
void VerifyApiserver(const PropertyContext& ctx, std::vector<PropertyResult>& out);
// One address per interval of `cidr` cut at every CIDR bound of the entries
// and the inventory addresses of its family, and at `extra_cidrs`
// (properties_host.cc).
std::vector<std::string> CidrRepresentatives(const PropertyContext& ctx, std::string_view cidr,
                                             const std::vector<std::string>& extra_cidrs = {});
// One port per interval of [low, high] on which every entry's port set for
// `protocol` is constant, named ports resolved against `destination`.
std::vector<uint16_t> PortRepresentatives(const PropertyContext& ctx, const Identity& destination,
                                          ir::Protocol protocol, uint32_t low, uint32_t high);

// host-lockout (properties_host.cc): one result per inventory node.
void VerifyHostLockout(const PropertyContext& ctx, const std::vector<std::string>& scope,
                       std::vector<PropertyResult>& out);

}  // namespace polc::verifier::internal
