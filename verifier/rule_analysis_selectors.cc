// Rule analysis, selector part: selectors that match nothing on their own
// (Batfish's INDEPENDENTLY_UNMATCHABLE, conventions.md 3) and selectors that
// match no endpoint of the inventory.
#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include <fmt/format.h>

#include "verifier/identity.h"
#include "verifier/rule_analysis.h"
#include "verifier/selector.h"

namespace polc::verifier {
namespace {

std::string Join(const std::set<std::string>& values) {
  std::string out;
  for (const std::string& v : values) out += (out.empty() ? "" : ", ") + v;
  return "[" + out + "]";
}

// What one selector requires of one label key (source and name exactly as
// written: a label has at most one value per key, so the requirements on a
// key are satisfiable iff some value, or absence, passes all of them).
struct KeyConstraints {
  std::vector<std::set<std::string>> in;  // every In list (matchLabels are In [v])
  std::set<std::string> not_in;
  bool exists = false;
  bool does_not_exist = false;
};

// Why no label set satisfies `c`, or empty when one does.
std::string Contradiction(const KeyConstraints& c) {
  bool must_exist = c.exists || !c.in.empty();
  if (c.does_not_exist && must_exist) {
    return c.exists ? "Exists together with DoesNotExist" : "a required value together with DoesNotExist";
  }
  if (c.in.empty()) return {};
  std::set<std::string> candidates = c.in.front();
  for (size_t i = 1; i < c.in.size(); ++i) {
    std::set<std::string> next;
    std::set_intersection(candidates.begin(), candidates.end(), c.in[i].begin(), c.in[i].end(),
                          std::inserter(next, next.begin()));
    candidates = std::move(next);
  }
  if (candidates.empty()) {
    std::string lists;
    for (const auto& values : c.in) lists += (lists.empty() ? "" : " and ") + Join(values);
    return fmt::format("the value must be in {}, which have no value in common", lists);
  }
  for (const std::string& v : c.not_in) candidates.erase(v);
  if (candidates.empty()) return "every value it may take is excluded by NotIn " + Join(c.not_in);
  return {};
}

void CheckSelector(const ir::LabelSelector& selector, int policy, bool skip_namespace_key,
                   std::vector<UnsatisfiableSelector>& out) {
  std::map<std::string, KeyConstraints> by_key;
  for (const ir::MatchLabel& label : selector.match_labels) {
    by_key[label.key.ToString()].in.push_back({label.value});
  }
  for (const ir::SelectorRequirement& r : selector.match_expressions) {
    KeyConstraints& c = by_key[r.key.ToString()];
    switch (r.op) {
      case ir::SelectorOperator::kIn:
        if (r.values.empty()) continue;  // rejected by Sanitize (invalid-selector)
        c.in.push_back({r.values.begin(), r.values.end()});
        break;
      case ir::SelectorOperator::kNotIn: c.not_in.insert(r.values.begin(), r.values.end()); break;
      case ir::SelectorOperator::kExists: c.exists = true; break;
      case ir::SelectorOperator::kDoesNotExist: c.does_not_exist = true; break;
    }
  }
  for (const auto& [key, constraints] : by_key) {
    // 2.2: Cilium replaces namespace matches in a CNP subject, so they
    // cannot make it empty.
    if (skip_namespace_key && (key == std::string("k8s:") + std::string(kPodNamespaceLabel) ||
                               key == std::string("any:") + std::string(kPodNamespaceLabel))) {
      continue;
    }
    std::string reason = Contradiction(constraints);
    if (reason.empty()) continue;
    out.push_back({policy, selector.location, key, std::move(reason)});
    return;  // one finding per selector
  }
}

}  // namespace

std::vector<UnsatisfiableSelector> FindUnsatisfiableSelectors(const ir::PolicySet& policies) {
  std::vector<UnsatisfiableSelector> out;
  for (size_t p = 0; p < policies.policies.size(); ++p) {
    const ir::Policy& policy = policies.policies[p];
    const int index = static_cast<int>(p);
    auto check = [&](const ir::LabelSelector& s) { CheckSelector(s, index, false, out); };
    for (const ir::Rule& rule : policy.rules) {
      if (rule.endpoint_selector) {
        CheckSelector(*rule.endpoint_selector, index, policy.kind == ir::PolicyKind::kCiliumNetworkPolicy, out);
      }
      if (rule.node_selector) check(*rule.node_selector);
      for (const auto* section : {&rule.ingress, &rule.ingress_deny, &rule.egress, &rule.egress_deny}) {
        if (!*section) continue;
        for (const ir::PeerRule& peer : **section) {
          for (const auto* list : {&peer.endpoints, &peer.requires_, &peer.nodes}) {
            if (*list) std::for_each((*list)->begin(), (*list)->end(), check);
          }
          if (peer.services) {
            for (const ir::Service& service : *peer.services) {
              if (const auto* s = std::get_if<ir::ServiceSelector>(&service.target)) check(s->selector);
            }
          }
          if (peer.cidr_set) {
            for (const ir::CidrRule& c : *peer.cidr_set) {
              if (c.cidr_group_selector) check(*c.cidr_group_selector);
            }
          }
        }
      }
    }
    if (!policy.network_policy) continue;
    check(policy.network_policy->pod_selector);
    for (const auto* rules : {&policy.network_policy->ingress, &policy.network_policy->egress}) {
      if (!*rules) continue;
      for (const ir::NetworkPolicyRule& rule : **rules) {
        if (!rule.peers) continue;
        for (const ir::NetworkPolicyPeer& peer : *rule.peers) {
          if (peer.pod_selector) check(*peer.pod_selector);
          if (peer.namespace_selector) check(*peer.namespace_selector);
        }
      }
    }
  }
  return out;
}

namespace {

// The namespaces a scoped selector is confined to: the values of its one
// `io.kubernetes.pod.namespace In [...]` requirement; empty when it is not
// confined, or when it uses label sources other than k8s/any (entities,
// reserved labels: not pods).
std::set<std::string> ConfinedNamespaces(const EffectiveSelector& selector) {
  std::set<std::string> out;
  for (const LabelRequirement& r : selector.requirements) {
    if (r.source != "k8s" && r.source != "any") return {};
    if (r.key != kPodNamespaceLabel || r.op != ir::SelectorOperator::kIn) continue;
    if (!out.empty()) return {};  // two namespace requirements: leave it to the other analyses
    out.insert(r.values.begin(), r.values.end());
  }
  return out;
}

struct PodIndex {
  std::map<std::string, std::vector<Identity>> by_namespace;
};

PodIndex IndexPods(const ir::Inventory& inventory, const ir::Settings& settings) {
  PodIndex index;
  for (const ir::Endpoint& endpoint : inventory.endpoints) {
    std::string ns = endpoint.namespace_.empty() ? "default" : endpoint.namespace_;
    Identity identity = PodIdentity(endpoint.labels, ns, endpoint.service_account, inventory, settings);
    identity.endpoint = &endpoint;
    index.by_namespace[ns].push_back(std::move(identity));
  }
  return index;
}

// True when the inventory has endpoints in every namespace the selector is
// confined to, and none of them matches.
bool Dangling(const EffectiveSelector& selector, const PodIndex& pods, std::string& namespaces) {
  std::set<std::string> confined = ConfinedNamespaces(selector);
  if (confined.empty()) return false;
  for (const std::string& ns : confined) {
    auto it = pods.by_namespace.find(ns);
    if (it == pods.by_namespace.end() || it->second.empty()) return false;
    for (const Identity& identity : it->second) {
      if (selector.Matches(identity)) return false;
    }
  }
  namespaces.clear();
  for (const std::string& ns : confined) namespaces += (namespaces.empty() ? "" : ", ") + ns;
  return true;
}

}  // namespace

std::vector<DanglingSelector> FindDanglingSelectors(const ir::PolicySet& policies, const ir::Inventory& inventory,
                                                    const ir::Settings& settings) {
  std::vector<DanglingSelector> out;
  if (inventory.endpoints.empty()) return out;
  const PodIndex pods = IndexPods(inventory, settings);
  for (size_t p = 0; p < policies.policies.size(); ++p) {
    const ir::Policy& policy = policies.policies[p];
    const int index = static_cast<int>(p);
    const std::string ns = policy.meta.namespace_.empty() ? "default" : policy.meta.namespace_;
    std::string where;
    if (policy.network_policy) {
      const ir::NetworkPolicySpec& spec = *policy.network_policy;
      if (Dangling(KnpSubject(spec.pod_selector, ns), pods, where)) {
        out.push_back({index, spec.pod_selector.location, true, where});
      }
      for (const auto* rules : {&spec.ingress, &spec.egress}) {
        if (!*rules) continue;
        for (const ir::NetworkPolicyRule& rule : **rules) {
          if (!rule.peers) continue;
          for (const ir::NetworkPolicyPeer& peer : *rule.peers) {
            if (!peer.pod_selector || peer.namespace_selector || peer.ip_block) continue;
            PeerMatcher matcher = KnpPeerMatcher(peer, ns, settings);
            if (matcher.kind != PeerMatcher::Kind::kSelectors || matcher.selectors.size() != 1) continue;
            if (Dangling(matcher.selectors.front(), pods, where)) {
              out.push_back({index, peer.pod_selector->location, false, where});
            }
          }
        }
      }
      continue;
    }
    for (const ir::Rule& rule : policy.rules) {
      if (!rule.endpoint_selector || rule.node_selector) continue;
      EffectiveSelector subject = policy.kind == ir::PolicyKind::kCiliumNetworkPolicy
                                      ? CnpSubject(*rule.endpoint_selector, ns)
                                      : FromLabelSelector(*rule.endpoint_selector);
      if (Dangling(subject, pods, where)) out.push_back({index, rule.endpoint_selector->location, true, where});
      for (const auto* section : {&rule.ingress, &rule.ingress_deny, &rule.egress, &rule.egress_deny}) {
        if (!*section) continue;
        for (const ir::PeerRule& peer : **section) {
          if (!peer.endpoints) continue;
          for (const ir::LabelSelector& s : *peer.endpoints) {
            PeerMatcher matcher = EndpointPeerMatcher(s, policy.kind, ns, false, settings);
            if (matcher.kind != PeerMatcher::Kind::kSelectors || matcher.selectors.size() != 1) continue;
            if (Dangling(matcher.selectors.front(), pods, where)) out.push_back({index, s.location, false, where});
          }
        }
      }
    }
  }
  return out;
}

}  // namespace polc::verifier
