// User-written assertions (PropertySet documents, docs/PROPERTIES.md;
// issue 5 "assertions"): "every pod of these sets may / may not reach those
// peers on these ports", or "reaches nothing but ...", proved for every
// possible pod of the sets, not only the inventory's.
//
// A pod-to-pod statement is decided on two pod abstractions (PodSpace) in
// one BDD variable order, the source's block first: the source's egress
// and the destination's ingress are both BDDs over both blocks, since each
// side's peer selectors read the other side's labels. Ports are cut into
// intervals at every bound an entry or the statement mentions, addresses at
// every CIDR bound, so one representative per interval decides it exactly.
// A failure carries a concrete counterexample (two pods' labels, or a pod
// and a peer, and a flow) replayed through the reference evaluator.
#pragma once

#include <string>
#include <vector>

#include "ir/inventory.h"
#include "ir/policy.h"
#include "ir/property_set.h"
#include "ir/settings.h"
#include "verifier/properties.h"

namespace polc::verifier {

// The property name of an assertion's result: "assertion:<name>".
std::string AssertionProperty(const ir::Assertion& assertion);

// Proves the assertions of `sets` in input order: all when `required` is
// empty or names "assertions", else those whose property name it names. A
// result's scope names the PropertySet and the statement's sets.
std::vector<PropertyResult> VerifyAssertions(const ir::PolicySet& policies, const ir::Inventory& inventory,
                                             const ir::Settings& settings, const std::vector<ir::PropertySet>& sets,
                                             const std::vector<std::string>& required = {});

// The namespaces a statement's pod set quantifies over: its `namespace`,
// or those of the inventory, of namespaced policies and of every
// statement's `namespace` whose labels its namespaceSelector matches (all of
// them when the set names neither).
std::vector<std::string> AssertionNamespaces(const ir::PodSetSpec& pods, const ir::PolicySet& policies,
                                             const ir::Inventory& inventory, const ir::Settings& settings,
                                             const std::vector<ir::PropertySet>& sets);

}  // namespace polc::verifier
