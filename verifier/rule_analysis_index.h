// A namespace index for the rule analysis and the policy-map prediction
// (issue 5 sections 2 and 3). Both compare every rule entry with every other
// entry, or with every identity; on 10k policies over 500 namespaces that
// made `polc verify` spend three quarters of its time on pairs that can
// never match (bench/README.md). Most selectors are confined to one
// namespace (2.2, 2.4: Cilium and Kubernetes add
// `io.kubernetes.pod.namespace In [ns]`), so pairs are only formed inside a
// namespace, plus with selectors that name no namespace.
//
// The pruning is sound, never a heuristic: a selector with a requirement
// `k8s:`/`any:io.kubernetes.pod.namespace In V` matches only identities
// carrying such a label with a value in V, and covers (rule_analysis_entries.cc
// `Implies`) only selectors with a requirement `In W` on that key, W ⊆ V.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "verifier/identity.h"
#include "verifier/selector.h"

namespace polc::verifier::internal {

// The values of the selector's first requirement `io.kubernetes.pod.namespace
// In [...]` with source k8s or any; nullptr when it has none (it may select
// identities of any namespace, or none).
const std::vector<std::string>* ConfiningNamespaces(const EffectiveSelector& selector);

// The namespace values an identity carries (labels on
// io.kubernetes.pod.namespace, any source); empty for reserved and CIDR
// identities.
std::vector<std::string> IdentityNamespaces(const Identity& identity);

// The first value of each `io.kubernetes.pod.namespace In [...]` requirement
// of the selector (any source). A selector confined to V can only contain a
// selector that has one of these values in V.
std::vector<std::string> ContainedNamespaces(const EffectiveSelector& selector);

// Identities by label (key and value, any source): a selector is only tried
// on the identities carrying a value that one of its `In` requirements names
// (the requirement naming the fewest), which it needs to match at all.
class IdentityLabelIndex {
 public:
  explicit IdentityLabelIndex(const std::vector<Identity>& identities);
  // The indexes of the identities `selector` may match, in increasing
  // order, without duplicates; all of them when it has no `In` requirement.
  void Candidates(const EffectiveSelector& selector, std::vector<size_t>& out) const;

 private:
  size_t size_ = 0;
  std::unordered_map<std::string, std::vector<size_t>> by_label_;  // "key\nvalue"
};

// Items (indexes) filed by the namespaces they are confined to.
class NamespaceIndex {
 public:
  // `namespaces` nullptr: the item is confined to no namespace and is a
  // candidate for every query.
  void Add(size_t item, const std::vector<std::string>* namespaces);
  // The items confined to none of the namespaces or to one of `namespaces`,
  // in increasing order, without duplicates.
  void Candidates(const std::vector<std::string>& namespaces, std::vector<size_t>& out) const;

 private:
  std::vector<size_t> unconfined_;
  std::unordered_map<std::string, std::vector<size_t>> by_namespace_;
};

}  // namespace polc::verifier::internal
