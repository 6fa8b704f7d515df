#include "verifier/rule_analysis_index.h"

#include <algorithm>

namespace polc::verifier::internal {

const std::vector<std::string>* ConfiningNamespaces(const EffectiveSelector& selector) {
  for (const LabelRequirement& r : selector.requirements) {
    if (r.key == kPodNamespaceLabel && r.op == ir::SelectorOperator::kIn && (r.source == "k8s" || r.source == "any")) {
      return &r.values;
    }
  }
  return nullptr;
}

std::vector<std::string> IdentityNamespaces(const Identity& identity) {
  std::vector<std::string> out;
  for (const IdentityLabel& label : identity.labels) {
    if (label.key == kPodNamespaceLabel) out.push_back(label.value);
  }
  return out;
}

std::vector<std::string> ContainedNamespaces(const EffectiveSelector& selector) {
  std::vector<std::string> out;
  for (const LabelRequirement& r : selector.requirements) {
    if (r.key == kPodNamespaceLabel && r.op == ir::SelectorOperator::kIn && !r.values.empty()) {
      out.push_back(r.values.front());
    }
  }
  return out;
}

namespace {

std::string LabelKey(std::string_view key, std::string_view value) {
  std::string out(key);
  out += '\n';
  out += value;
  return out;
}

}  // namespace

IdentityLabelIndex::IdentityLabelIndex(const std::vector<Identity>& identities) : size_(identities.size()) {
  for (size_t i = 0; i < identities.size(); ++i) {
    for (const IdentityLabel& label : identities[i].labels) {
      std::vector<size_t>& list = by_label_[LabelKey(label.key, label.value)];
      if (list.empty() || list.back() != i) list.push_back(i);  // one label per source
    }
  }
}

void IdentityLabelIndex::Candidates(const EffectiveSelector& selector, std::vector<size_t>& out) const {
  const LabelRequirement* best = nullptr;
  size_t best_count = 0;
  for (const LabelRequirement& r : selector.requirements) {
    if (r.op != ir::SelectorOperator::kIn) continue;
    size_t count = 0;
    for (const std::string& value : r.values) {
      auto it = by_label_.find(LabelKey(r.key, value));
      if (it != by_label_.end()) count += it->second.size();
    }
    if (best == nullptr || count < best_count) {
      best = &r;
      best_count = count;
    }
  }
  out.clear();
  if (best == nullptr) {
    for (size_t i = 0; i < size_; ++i) out.push_back(i);
    return;
  }
  for (const std::string& value : best->values) {
    auto it = by_label_.find(LabelKey(best->key, value));
    if (it != by_label_.end()) out.insert(out.end(), it->second.begin(), it->second.end());
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
}

void NamespaceIndex::Add(size_t item, const std::vector<std::string>* namespaces) {
  if (namespaces == nullptr) {
    unconfined_.push_back(item);
    return;
  }
  for (const std::string& ns : *namespaces) by_namespace_[ns].push_back(item);
}

void NamespaceIndex::Candidates(const std::vector<std::string>& namespaces, std::vector<size_t>& out) const {
  out = unconfined_;
  for (const std::string& ns : namespaces) {
    auto it = by_namespace_.find(ns);
    if (it != by_namespace_.end()) out.insert(out.end(), it->second.begin(), it->second.end());
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
}

}  // namespace polc::verifier::internal
