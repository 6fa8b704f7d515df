// Rule analysis (issue 5 section 2), in the style of Batfish's
// filterLineReachability (conventions.md 3): selectors that match nothing on
// their own, rule entries that other entries already decide, policies that
// change nothing, and selectors that match no pod of the inventory.
//
// Every answer is sound: a finding is only made when containment is proved
// syntactically (see the .cc). Anything the analysis cannot compare (named
// ports, L7 rules that differ, listeners, TLS, authentication, FQDNs,
// fromRequires) is left unreported, never guessed.
#pragma once

#include <string>
#include <vector>

#include "ir/diagnostic.h"
#include "ir/inventory.h"
#include "ir/policy.h"
#include "ir/settings.h"

namespace polc::verifier {

// 1. A label selector that no label set can satisfy (finite reasoning per
// key over the selector's own requirements).
struct UnsatisfiableSelector {
  int policy = -1;  // index into PolicySet::policies
  ir::SourceLocation location;  // the selector
  std::string key;              // the contradictory key ("k8s:app")
  std::string reason;           // e.g. "In [a] and NotIn [a]"
};
std::vector<UnsatisfiableSelector> FindUnsatisfiableSelectors(const ir::PolicySet& policies);

// 2. A rule entry (one element of ingress/ingressDeny/egress/egressDeny, or
// of a NetworkPolicy's ingress/egress) that never takes effect.
struct BlockingEntry {
  int policy = -1;
  std::string description;  // "CiliumNetworkPolicy prod/web ingressDeny[0]"
  ir::SourceLocation location;
  bool deny = false;
};
struct ShadowedEntry {
  int policy = -1;
  std::string description;
  ir::SourceLocation location;
  bool deny = false;
  // At least one blocking entry has the opposite action (an allow made dead
  // by a deny); otherwise the entry is redundant next to the same action.
  bool opposite_action = false;
  std::vector<BlockingEntry> blocking;
};
// 3. A policy every entry of which is covered by other policies' entries,
// and whose removal keeps every subject's enforcement.
struct RedundantPolicy {
  int policy = -1;
  std::vector<int> covering_policies;  // sorted, unique
};
struct EntryAnalysis {
  std::vector<ShadowedEntry> shadowed;
  std::vector<RedundantPolicy> redundant;
};
EntryAnalysis AnalyzeEntries(const ir::PolicySet& policies, const ir::Settings& settings);

// The policies in force: without rejected ones (an error finding on their
// object, 1.13) and without ones a later policy of the same kind, namespace
// and name replaces. `original[i]` is the index in `policies` of the i-th
// policy of the result.
ir::PolicySet PoliciesInForce(const ir::PolicySet& policies, const std::vector<ir::Diagnostic>& diagnostics,
                              std::vector<int>& original);

// 4. Selectors matching no endpoint of the inventory, decided only where the
// inventory has endpoints in the namespace the selector is confined to (or
// any endpoint, for selectors not confined to one namespace).
struct DanglingSelector {
  int policy = -1;
  ir::SourceLocation location;
  bool subject = false;    // endpointSelector/podSelector; else a peer
  std::string namespace_;  // the namespace it is confined to; empty: any
};
std::vector<DanglingSelector> FindDanglingSelectors(const ir::PolicySet& policies, const ir::Inventory& inventory,
                                                    const ir::Settings& settings);

}  // namespace polc::verifier
