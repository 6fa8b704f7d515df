// Internal to verifier/ (it exposes BuDDy's bdd.h): the finite abstraction of
// every pod that could ever run in one namespace (design-brief.md "Symbolic
// reasoning"). Only the label keys and values that selectors mention can
// change a verdict, so per mentioned pod label key the domain is the
// mentioned values + "another value" + "absent"; the service account
// (io.cilium.k8s.policy.serviceaccount, always present) ranges over the
// mentioned names + "another name". Everything else a pod identity carries
// (namespace, namespace labels, cluster; cilium-semantics.md 2.1) is a
// constant of the namespace, and reserved:* labels are never on a pod.
//
// Encoding: one BDD variable per (key, value) pair, exactly one true per key
// (`Domain()`). Selectors become BDDs exactly (In/NotIn/Exists/DoesNotExist
// with Kubernetes semantics: NotIn and DoesNotExist match an absent key).
//
// BuDDy has process-wide state: every PodSpace reuses variables from
// `first_var` (0 unless given), so BDDs of two PodSpaces must never be mixed
// unless the second starts at the first's EndVar(), and only one thread may
// use BuDDy at a time (see BddLock).
#pragma once

#include <bdd.h>

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "ir/inventory.h"
#include "ir/policy_test.h"
#include "ir/settings.h"
#include "verifier/evaluator_internal.h"
#include "verifier/identity.h"
#include "verifier/selector.h"

namespace polc::verifier::internal {

// Initialises BuDDy once per process and serialises its use.
std::unique_lock<std::mutex> BddLock();

class PodSpace {
 public:
  struct Key {
    std::string name;                 // pod label key, or kServiceAccountLabel
    std::vector<std::string> values;  // mentioned values, sorted
    bool service_account = false;     // no "absent" value
    std::string other;                // the concrete "another value" of witnesses
    int first_var = 0;                // variables: values..., other, [absent]
    int Size() const { return static_cast<int>(values.size()) + (service_account ? 1 : 2); }
  };

  // The keys and values are collected from every selector of `entries`
  // (subjects, peers, requirements) and of `extra`.
  // `first_var` places the space's variables after those of another space,
  // so two spaces (a flow's source and destination pods) share one BDD
  // variable order and their BDDs may be mixed (verifier/assertions*.cc).
  PodSpace(std::string namespace_name, const std::vector<PolicyEntry>& entries, const ir::Inventory& inventory,
           const ir::Settings& settings, const std::vector<EffectiveSelector>& extra = {}, int first_var = 0);

  const std::string& Namespace() const { return namespace_; }
  const std::vector<Key>& Keys() const { return keys_; }
  // The valid assignments: exactly one value per key.
  const bdd& Domain() const { return domain_; }
  // One past the last variable of this space (first_var of a space after it).
  int EndVar() const { return end_var_; }

  bdd Selector(const EffectiveSelector& selector) const;
  bdd Requirement(const LabelRequirement& requirement) const;
  // What a peer matcher selects among the pods of this namespace (CIDR and
  // FQDN peers select world identities only, never pods).
  bdd Peer(const PeerMatcher& matcher, const ir::CiliumVersion& version) const;
  // 2.2: endpoint subjects (never nodeSelector entries).
  bdd Subject(const PolicyEntry& entry) const;

  // A concrete pod of `set` (which must intersect Domain()): another value
  // becomes a value no rule mentions, absent omits the key.
  ir::LabelsPeer Witness(const bdd& set) const;
  // The pod of one assignment: index i of key k is values[i], then other,
  // then absent. For tests that enumerate the domain.
  ir::LabelsPeer PodOf(const std::vector<int>& choice) const;
  std::string Describe(const ir::LabelsPeer& pod) const;

 private:
  bdd Var(const Key& key, int index) const { return bdd_ithvar(key.first_var + index); }
  const Key* FindKey(std::string_view name) const;

  std::string namespace_;
  // False when a requirement on a namespace constant (namespace, namespace
  // labels, cluster, non-pod sources) already excludes every pod here.
  bool ConstantsMatch(const EffectiveSelector& selector) const;

  std::vector<Key> keys_;
  std::map<std::string, size_t, std::less<>> key_index_;
  Identity base_;  // the constants: a pod of the namespace without labels
  bdd domain_;
  int end_var_ = 0;
};

}  // namespace polc::verifier::internal
