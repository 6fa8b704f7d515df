#include "verifier/pod_space.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace polc::verifier::internal {
namespace {

constexpr int kInitialNodes = 100000;
constexpr int kCacheSize = 10000;

// Keys whose value is fixed by the namespace and cluster (2.1).
bool ConstantKey(std::string_view key) {
  return key == kPodNamespaceLabel || key.starts_with(kNamespaceLabelsPrefix) || key == kClusterLabel;
}

bool PodSource(std::string_view source) { return source == "k8s" || source == "any"; }

bool IsAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// Called for every requirement of every selector once per namespace, so
// plain character tests rather than a search in `inner`.
bool NamePart(std::string_view name, size_t max, bool allow_underscore) {
  if (name.empty() || name.size() > max || !IsAlnum(name.front()) || !IsAlnum(name.back())) return false;
  return std::all_of(name.begin(), name.end(), [&](char c) {
    return IsAlnum(c) || c == '-' || c == '.' || (allow_underscore && c == '_');
  });
}

// A Kubernetes label key ([DNS-subdomain prefix/]name): a key no pod can
// carry (e.g. "k8s:app" from a NetworkPolicy key written with a source) is
// absent from every pod.
bool ValidPodLabelKey(std::string_view key) {
  size_t slash = key.find('/');
  if (slash == std::string_view::npos) return NamePart(key, 63, true);
  return NamePart(key.substr(0, slash), 253, false) && NamePart(key.substr(slash + 1), 63, true);
}

// A requirement no pod label variable decides: fixed by the namespace, or
// on a label no pod carries.
bool ConstantRequirement(const LabelRequirement& req) {
  return !PodSource(req.source) || ConstantKey(req.key) || !ValidPodLabelKey(req.key);
}

void Collect(const EffectiveSelector& selector, std::map<std::string, std::set<std::string>>& out) {
  for (const auto& req : selector.requirements) {
    if (ConstantRequirement(req)) continue;
    auto& values = out[req.key];
    values.insert(req.values.begin(), req.values.end());
  }
}

}  // namespace

std::unique_lock<std::mutex> BddLock() {
  static std::mutex mutex;
  static std::once_flag once;
  std::unique_lock<std::mutex> lock(mutex);
  std::call_once(once, [] {
    bdd_init(kInitialNodes, kCacheSize);
    bdd_gbc_hook(nullptr);  // BuDDy prints a line per garbage collection otherwise
    bdd_setvarnum(2);
  });
  return lock;
}

PodSpace::PodSpace(std::string namespace_name, const std::vector<PolicyEntry>& entries, const ir::Inventory& inventory,
                   const ir::Settings& settings, const std::vector<EffectiveSelector>& extra, int first_var)
    : namespace_(std::move(namespace_name)) {
  base_ = PodIdentity({}, namespace_, "default", inventory, settings);
  // Only selectors that can match a pod of this namespace contribute keys:
  // in a repository of many namespaces most selectors are scoped to another
  // one, and their keys cannot change a verdict here.
  std::map<std::string, std::set<std::string>> mentioned;
  mentioned[std::string(kServiceAccountLabel)];  // every pod has one
  auto collect = [&](const EffectiveSelector& selector) {
    if (ConstantsMatch(selector)) Collect(selector, mentioned);
  };
  for (const auto& entry : entries) {
    collect(entry.subject);
    for (const auto& r : entry.requirements) collect(r);
    for (const auto& peer : entry.peers) {
      for (const auto& s : peer.selectors) collect(s);
    }
  }
  for (const auto& s : extra) collect(s);

  int next = first_var;
  for (const auto& [name, values] : mentioned) {
    Key key;
    key.name = name;
    key.values.assign(values.begin(), values.end());
    key.service_account = name == kServiceAccountLabel;
    // A value no rule mentions stands for every such value.
    for (int i = 1;; ++i) {
      std::string candidate = "polc-other-" + std::to_string(i);
      if (!values.contains(candidate)) {
        key.other = candidate;
        break;
      }
    }
    key.first_var = next;
    next += key.Size();
    key_index_.emplace(key.name, keys_.size());
    keys_.push_back(std::move(key));
  }
  if (bdd_varnum() < next) bdd_setvarnum(next);
  end_var_ = next;

  domain_ = bddtrue;
  for (const auto& key : keys_) {
    // Exactly one of the key's variables, built bottom-up in linear time (a
    // key such as `app` can have thousands of mentioned values):
    // none(i) = !x_i & none(i+1); one(i) = x_i ? none(i+1) : one(i+1).
    bdd none = bddtrue;
    bdd one = bddfalse;
    for (int i = key.Size() - 1; i >= 0; --i) {
      bdd x = Var(key, i);
      one = bdd_ite(x, none, one);
      none = (!x) & none;
    }
    domain_ &= one;
  }
}

const PodSpace::Key* PodSpace::FindKey(std::string_view name) const {
  auto it = key_index_.find(name);
  return it == key_index_.end() ? nullptr : &keys_[it->second];
}

bool PodSpace::ConstantsMatch(const EffectiveSelector& selector) const {
  for (const auto& req : selector.requirements) {
    if (!ConstantRequirement(req)) continue;
    if (!RequirementMatches(req, base_)) return false;
  }
  return true;
}

bdd PodSpace::Requirement(const LabelRequirement& req) const {
  const Key* key = PodSource(req.source) ? FindKey(req.key) : nullptr;
  if (key == nullptr) {
    // A constant of the namespace (or a label no pod carries): decided on
    // the namespace's label-less pod, exactly as the evaluator would.
    return RequirementMatches(req, base_) ? bddtrue : bddfalse;
  }
  bdd in = bddfalse;
  for (const auto& value : req.values) {
    auto it = std::find(key->values.begin(), key->values.end(), value);
    if (it != key->values.end()) in |= Var(*key, static_cast<int>(it - key->values.begin()));
  }
  bdd absent = key->service_account ? bddfalse : Var(*key, key->Size() - 1);
  switch (req.op) {
    case ir::SelectorOperator::kIn: return in;
    case ir::SelectorOperator::kNotIn: return !in;
    case ir::SelectorOperator::kExists: return !absent;
    case ir::SelectorOperator::kDoesNotExist: return absent;
  }
  return bddfalse;
}

bdd PodSpace::Selector(const EffectiveSelector& selector) const {
  if (!ConstantsMatch(selector)) return bddfalse;  // cheap, and most selectors of other namespaces stop here
  bdd out = bddtrue;
  for (const auto& req : selector.requirements) {
    out &= Requirement(req);
    if (out == bddfalse) break;
  }
  return out;
}

bdd PodSpace::Peer(const PeerMatcher& matcher, const ir::CiliumVersion& /*version*/) const {
  switch (matcher.kind) {
    case PeerMatcher::Kind::kAll: return bddtrue;
    case PeerMatcher::Kind::kSelectors: {
      bdd out = bddfalse;
      for (const auto& s : matcher.selectors) out |= Selector(s);
      return out;
    }
    case PeerMatcher::Kind::kCidr:     // 2.4: never pods
    case PeerMatcher::Kind::kFqdn:     // 6.7: world identities only
    case PeerMatcher::Kind::kNothing: return bddfalse;
  }
  return bddfalse;
}

bdd PodSpace::Subject(const PolicyEntry& entry) const {
  if (entry.host_subject) return bddfalse;
  return Selector(entry.subject);
}

ir::LabelsPeer PodSpace::PodOf(const std::vector<int>& choice) const {
  ir::LabelsPeer pod;
  pod.namespace_ = namespace_;
  for (size_t k = 0; k < keys_.size(); ++k) {
    const Key& key = keys_[k];
    int i = choice[k];
    std::string value;
    if (i < static_cast<int>(key.values.size())) {
      value = key.values[static_cast<size_t>(i)];
    } else if (i == static_cast<int>(key.values.size())) {
      value = key.other;
    } else {
      continue;  // absent
    }
    if (key.service_account) {
      pod.service_account = value;
    } else {
      pod.labels[key.name] = value;
    }
  }
  return pod;
}

ir::LabelsPeer PodSpace::Witness(const bdd& set) const {
  // A full assignment of (set AND Domain), so exactly one value per key.
  bdd cube = bdd_fullsatone(set & domain_);
  std::vector<int> choice;
  for (const auto& key : keys_) {
    int chosen = key.Size() - 1;
    for (int i = 0; i < key.Size(); ++i) {
      if ((cube & Var(key, i)) != bddfalse) {
        chosen = i;
        break;
      }
    }
    choice.push_back(chosen);
  }
  return PodOf(choice);
}

std::string PodSpace::Describe(const ir::LabelsPeer& pod) const {
  std::string labels;
  for (const auto& [k, v] : pod.labels) labels += (labels.empty() ? "" : ", ") + k + ": " + v;
  return "a pod of namespace " + pod.namespace_ + " with labels {" + labels + "} and service account " +
         pod.service_account;
}

}  // namespace polc::verifier::internal
