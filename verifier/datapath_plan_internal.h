// Internals of the datapath plan builder (verifier/datapath_plan.h): the
// identity universe with its ipcache prefixes (datapath_plan_universe.cc)
// and the per endpoint and direction entries (datapath_plan_entries.cc).
//
// The plan is exact by construction: every identity carries a
// representative, the Identity the reference evaluator sees for every
// address that the ipcache maps to it, and entries are computed by asking
// the evaluator's own matchers (SelectsSubject, L3Matches) about those
// representatives. An address maps to the identity of its longest prefix,
// and prefixes nest or are disjoint, so an address lies in a policy CIDR or
// except exactly when its longest prefix does: one representative per
// prefix (an address of the prefix in no longer one) stands for them all.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ir/datapath_plan.h"
#include "ir/inventory.h"
#include "ir/settings.h"
#include "verifier/evaluator_internal.h"
#include "verifier/identity.h"
#include "verifier/ip_prefix.h"

namespace polc::verifier::plan_internal {

ir::PlanAddress ToPlanAddress(const IpAddress& ip);
IpAddress FromPlanAddress(const ir::PlanAddress& address);
std::string FormatPlanAddress(const ir::PlanAddress& address);

// One identity of the universe.
struct UniverseIdentity {
  uint32_t id = 0;
  // What the evaluator sees for the addresses of this identity. For
  // kHostIdentity it is replaced per endpoint by the host of its own node.
  Identity seen;
  // The inventory endpoints whose addresses have this identity; egress
  // named ports resolve against their container ports (2.5).
  std::vector<const ir::Endpoint*> endpoints;
};

struct Universe {
  std::vector<UniverseIdentity> identities;  // sorted by id
  std::vector<ir::PlanIdentity> plan_identities;
  std::vector<ir::PlanPrefix> prefixes;  // sorted
  std::vector<std::string> nodes;        // sorted node names
  std::map<std::string, uint32_t> by_key;  // IdentityKey -> id (not world/CIDR)
  bool named_port_identities = false;
  std::vector<std::string> warnings;
  std::vector<std::string> unresolved_fqdns;

  uint32_t NodeIndex(const std::string& name) const;  // index + 1; 0 = none
  const UniverseIdentity* Find(uint32_t id) const;
};

// The key that tells identities apart: the label set, plus the endpoint's
// named container ports when egress rules use named ports (then two pods
// with equal labels but different named ports must not share an identity,
// or the plan could not resolve the name per destination as the evaluator
// does).
std::string IdentityKey(const Identity& identity, const ir::Endpoint* endpoint, bool named_port_identities);

Universe BuildUniverse(const std::vector<internal::PolicyEntry>& entries, const ir::Inventory& inventory,
                       const ir::Settings& settings, bool named_port_identities);

// One local endpoint as a policy subject.
struct Subject {
  const ir::Endpoint* endpoint = nullptr;  // null for a node (host firewall)
  Identity self;  // as a subject of its own policies
  Identity host;  // the host of its own node: what identity 1 is for it
  uint32_t id = 0;
};

// Rule ids: entries[i] is rule i + 1; the allow-localhost rule (3.6) follows.
struct RuleIds {
  uint32_t allow_localhost = 0;
  bool allow_localhost_used = false;
};

// Shared by all endpoints, so that a cluster of thousands of endpoints does
// not match every entry against every subject and identity again: the
// entries a subject of a namespace can be selected by (an exact
// SelectsSubject still decides), and each entry's L3 matches over the
// universe, computed once (without fromRequires, which depends on the
// subject; identity 1 is per endpoint and always asked).
struct EntryIndex {
  std::map<std::string, std::vector<size_t>> by_namespace;  // entries whose subject requires the namespace
  std::vector<size_t> unscoped;                             // all other entries
  std::vector<std::vector<char>> l3;                        // per entry, per universe identity; empty = not yet
  // Universe identities (indices) by label, so a peer selector is tried
  // only on identities that carry a label its `In`/`Exists` requirement needs.
  std::map<std::pair<std::string, std::string>, std::vector<size_t>> by_label;  // (key, value)
  std::map<std::string, std::vector<size_t>> by_key;
  std::vector<size_t> world;  // CIDR and world identities (CIDR and FQDN peers)
  size_t identities = 0;
};
EntryIndex IndexEntries(const std::vector<internal::PolicyEntry>& entries, const Universe& universe);

// Fills `direction` (enforcement, default deny) and appends the resolved
// entries of one endpoint and direction, as the evaluator judges (3.1-3.6, 4).
void AddDirectionEntries(const Universe& universe, const std::vector<internal::PolicyEntry>& entries,
                         EntryIndex& index, const Subject& subject, ir::Direction direction,
                         const ir::Settings& settings, RuleIds& rules, ir::PlanDirection& out_direction,
                         std::vector<ir::PlanEntry>& out, std::vector<std::string>& warnings);

}  // namespace polc::verifier::plan_internal
