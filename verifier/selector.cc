#include "verifier/selector.h"

#include <algorithm>

#include "verifier/l7_match.h"

namespace polc::verifier {
namespace {

bool SourceMatches(std::string_view selector_source, std::string_view label_source) {
  // 2.1: an `any` selector key matches a label of any source.
  return selector_source == "any" || selector_source == label_source;
}

LabelRequirement Equals(std::string source, std::string key, std::string value) {
  return {std::move(source), std::move(key), ir::SelectorOperator::kIn, {std::move(value)}};
}

LabelRequirement Exists(std::string source, std::string key) {
  return {std::move(source), std::move(key), ir::SelectorOperator::kExists, {}};
}

// 2.4: Kubernetes selector keys get the k8s: source.
std::string K8sKeyName(const ir::LabelKey& key) {
  return key.source == "any" ? key.name : key.source + ":" + key.name;
}

EffectiveSelector AsK8s(const ir::LabelSelector& selector, std::string_view key_prefix) {
  EffectiveSelector out;
  for (const auto& label : selector.match_labels) {
    out.requirements.push_back(Equals("k8s", std::string(key_prefix) + K8sKeyName(label.key), label.value));
  }
  for (const auto& req : selector.match_expressions) {
    out.requirements.push_back({"k8s", std::string(key_prefix) + K8sKeyName(req.key), req.op, req.values});
  }
  return out;
}

void AddClusterScope(EffectiveSelector& selector, const ir::Settings& settings) {
  // 2.3 item 3: only with --policy-default-local-cluster (default true from 1.19).
  if (settings.PolicyDefaultLocalCluster() && !selector.HasKey(kClusterLabel)) {
    selector.requirements.push_back(Equals("k8s", std::string(kClusterLabel), settings.cluster_name));
  }
}

PeerMatcher Selectors(std::vector<EffectiveSelector> selectors, std::string text) {
  PeerMatcher matcher;
  matcher.kind = PeerMatcher::Kind::kSelectors;
  matcher.selectors = std::move(selectors);
  matcher.text = std::move(text);
  return matcher;
}

EffectiveSelector Reserved(std::string_view name) {
  EffectiveSelector selector;
  selector.requirements.push_back(Equals("reserved", std::string(name), ""));
  return selector;
}

}  // namespace

// Kubernetes label selector semantics: In needs the key with one of the
// values; NotIn and DoesNotExist also match when the key is absent.
bool RequirementMatches(const LabelRequirement& req, const Identity& identity) {
  bool has_key = false;
  bool value_in = false;
  for (const auto& label : identity.labels) {
    if (label.key != req.key || !SourceMatches(req.source, label.source)) continue;
    has_key = true;
    if (std::find(req.values.begin(), req.values.end(), label.value) != req.values.end()) value_in = true;
  }
  switch (req.op) {
    case ir::SelectorOperator::kIn: return value_in;
    case ir::SelectorOperator::kNotIn: return !value_in;
    case ir::SelectorOperator::kExists: return has_key;
    case ir::SelectorOperator::kDoesNotExist: return !has_key;
  }
  return false;
}

bool EffectiveSelector::Matches(const Identity& identity) const {
  return std::all_of(requirements.begin(), requirements.end(),
                     [&](const LabelRequirement& req) { return RequirementMatches(req, identity); });
}

bool EffectiveSelector::HasKey(std::string_view key) const {
  return std::any_of(requirements.begin(), requirements.end(), [&](const LabelRequirement& r) {
    return (r.source == "k8s" || r.source == "any") && r.key == key;
  });
}

bool EffectiveSelector::HasKeyPrefix(std::string_view prefix) const {
  return std::any_of(requirements.begin(), requirements.end(), [&](const LabelRequirement& r) {
    return (r.source == "k8s" || r.source == "any") && r.key.starts_with(prefix);
  });
}

bool EffectiveSelector::HasSource(std::string_view source) const {
  return std::any_of(requirements.begin(), requirements.end(),
                     [&](const LabelRequirement& r) { return r.source == source; });
}

std::string EffectiveSelector::ToString() const {
  if (requirements.empty()) return "{}";
  std::string out;
  for (const auto& req : requirements) {
    if (!out.empty()) out += ", ";
    out += req.source + ":" + req.key;
    switch (req.op) {
      case ir::SelectorOperator::kIn:
        out += req.values.size() == 1 ? "=" + req.values[0] : " in (...)";
        break;
      case ir::SelectorOperator::kNotIn: out += " notin (...)"; break;
      case ir::SelectorOperator::kExists: out += " exists"; break;
      case ir::SelectorOperator::kDoesNotExist: out += " !exists"; break;
    }
  }
  return out;
}

EffectiveSelector FromLabelSelector(const ir::LabelSelector& selector) {
  EffectiveSelector out;
  for (const auto& label : selector.match_labels) {
    out.requirements.push_back(Equals(label.key.source, label.key.name, label.value));
  }
  for (const auto& req : selector.match_expressions) {
    out.requirements.push_back({req.key.source, req.key.name, req.op, req.values});
  }
  return out;
}

// 2.2: the agent overwrites any namespace match with the policy's namespace.
EffectiveSelector CnpSubject(const ir::LabelSelector& selector, std::string_view namespace_) {
  EffectiveSelector out = FromLabelSelector(selector);
  std::erase_if(out.requirements, [](const LabelRequirement& r) {
    return (r.source == "k8s" || r.source == "any") && r.key == kPodNamespaceLabel;
  });
  out.requirements.push_back(Equals("k8s", std::string(kPodNamespaceLabel), std::string(namespace_)));
  return out;
}

// 2.4: subject = podSelector (k8s: keys) + the policy's namespace.
EffectiveSelector KnpSubject(const ir::LabelSelector& pod_selector, std::string_view namespace_) {
  EffectiveSelector out = AsK8s(pod_selector, "");
  out.requirements.push_back(Equals("k8s", std::string(kPodNamespaceLabel), std::string(namespace_)));
  return out;
}

bool PeerMatches(const PeerMatcher& matcher, const Identity& identity, const ir::CiliumVersion& version) {
  switch (matcher.kind) {
    case PeerMatcher::Kind::kNothing: return false;
    case PeerMatcher::Kind::kAll: return true;
    case PeerMatcher::Kind::kSelectors:
      return std::any_of(matcher.selectors.begin(), matcher.selectors.end(),
                         [&](const EffectiveSelector& s) { return s.Matches(identity); });
    case PeerMatcher::Kind::kCidr: {
      // CIDR selectors select world/CIDR identities only (2.4: never pods;
      // nodes only with --policy-cidr-match-mode=nodes, not modelled).
      if (identity.kind != IdentityKind::kWorld) return false;
      if (!identity.ip) return matcher.prefix.bits == 0;  // the world entity: 0.0.0.0/0 or ::/0
      if (!matcher.prefix.Contains(*identity.ip)) return false;
      return std::none_of(matcher.except.begin(), matcher.except.end(),
                          [&](const IpPrefix& e) { return e.Contains(*identity.ip); });
    }
    case PeerMatcher::Kind::kFqdn:
      // 6.7: learned addresses get fqdn: labels; in-cluster addresses keep
      // their own identity, so only world identities match.
      if (identity.kind != IdentityKind::kWorld) return false;
      return std::any_of(identity.fqdns.begin(), identity.fqdns.end(),
                         [&](const std::string& name) { return FqdnMatches(matcher.fqdn, name, version); });
  }
  return false;
}

// 2.3: reserved selectors untouched; else namespace scoping (CNP: the
// policy's namespace unless namespace labels are selected; CCNP: any
// namespace unless the subject is reserved:init), then cluster scoping.
PeerMatcher EndpointPeerMatcher(const ir::LabelSelector& selector, ir::PolicyKind kind, std::string_view namespace_,
                                bool subject_has_init, const ir::Settings& settings) {
  EffectiveSelector out = FromLabelSelector(selector);
  if (!out.HasSource("reserved")) {
    if (!out.HasKey(kPodNamespaceLabel)) {
      if (kind == ir::PolicyKind::kCiliumNetworkPolicy) {
        if (!out.HasKeyPrefix(kNamespaceLabelsPrefix)) {
          out.requirements.push_back(Equals("k8s", std::string(kPodNamespaceLabel), std::string(namespace_)));
        }
      } else if (!subject_has_init) {
        out.requirements.push_back(Exists("k8s", std::string(kPodNamespaceLabel)));
      }
    }
    AddClusterScope(out, settings);
  }
  std::string text = out.ToString();
  PeerMatcher matcher = Selectors({std::move(out)}, "endpoints " + text);
  matcher.endpoint_peer = true;
  return matcher;
}

// 2.3 item 4: remote-node plus the node labels, plus the cluster filter.
PeerMatcher NodePeerMatcher(const ir::LabelSelector& selector, const ir::Settings& settings) {
  EffectiveSelector out = FromLabelSelector(selector);
  out.requirements.push_back(Exists("reserved", "remote-node"));
  AddClusterScope(out, settings);
  std::string text = out.ToString();
  return Selectors({std::move(out)}, "nodes " + text);
}

// 5.1 EntitySelectorMapping.
PeerMatcher EntityMatcher(std::string_view entity, const ir::Settings& settings) {
  std::string text = "entity " + std::string(entity);
  if (entity == "all") {
    PeerMatcher all;
    all.kind = PeerMatcher::Kind::kAll;
    all.text = text;
    return all;
  }
  if (entity == "world") {
    return Selectors({Reserved("world"), Reserved("world-ipv4"), Reserved("world-ipv6")}, text);
  }
  if (entity == "cluster") {
    std::vector<EffectiveSelector> selectors;
    for (std::string_view name :
         {"host", "remote-node", "init", "ingress", "health", "unmanaged", "kube-apiserver"}) {
      selectors.push_back(Reserved(name));
    }
    EffectiveSelector local;
    local.requirements.push_back(Equals("k8s", std::string(kClusterLabel), settings.cluster_name));
    selectors.push_back(std::move(local));
    return Selectors(std::move(selectors), text);
  }
  for (std::string_view name : {"world-ipv4", "world-ipv6", "host", "remote-node", "kube-apiserver", "ingress", "init",
                                "health", "unmanaged"}) {
    if (entity == name) return Selectors({Reserved(name)}, text);
  }
  PeerMatcher none;  // `none` and unknown entities select nothing
  none.text = text;
  return none;
}

PeerMatcher CidrMatcher(std::string_view cidr, const std::vector<ir::Cidr>& except) {
  PeerMatcher matcher;
  matcher.text = "CIDR " + std::string(cidr);
  auto prefix = ParseIpPrefix(cidr);
  if (!prefix) return matcher;  // invalid: Sanitize reports it; selects nothing
  matcher.kind = PeerMatcher::Kind::kCidr;
  matcher.prefix = *prefix;
  for (const auto& e : except) {
    if (auto p = ParseIpPrefix(e.text)) matcher.except.push_back(*p);
    matcher.text += " except " + e.text;
  }
  return matcher;
}

std::vector<PeerMatcher> CidrRuleMatchers(const ir::CidrRule& rule, const std::vector<ir::CidrGroup>& groups) {
  std::vector<PeerMatcher> out;
  if (rule.cidr) {
    out.push_back(CidrMatcher(rule.cidr->text, rule.except));
    return out;
  }
  for (const auto& group : groups) {
    bool selected = false;
    if (rule.cidr_group_ref) selected = group.meta.name == *rule.cidr_group_ref;
    if (rule.cidr_group_selector) {
      Identity labels;  // the group's own labels, matched as a selector would
      for (const auto& [key, value] : group.meta.labels) labels.Add("k8s", key, value);
      selected = FromLabelSelector(*rule.cidr_group_selector).Matches(labels);
    }
    if (!selected) continue;
    for (const auto& cidr : group.external_cidrs) {
      PeerMatcher matcher = CidrMatcher(cidr.text, rule.except);
      matcher.text += " (CiliumCIDRGroup " + group.meta.name + ")";
      out.push_back(std::move(matcher));
    }
  }
  return out;  // an unknown group selects nothing
}

// 2.4 peers.
PeerMatcher KnpPeerMatcher(const ir::NetworkPolicyPeer& peer, std::string_view namespace_,
                           const ir::Settings& settings) {
  if (peer.ip_block) return CidrMatcher(peer.ip_block->cidr.text, peer.ip_block->except);
  EffectiveSelector out;
  if (peer.namespace_selector) {
    out = AsK8s(*peer.namespace_selector, kNamespaceLabelsPrefix);
    if (peer.namespace_selector->IsWildcard()) out.requirements.push_back(Exists("k8s", std::string(kPodNamespaceLabel)));
  }
  if (peer.pod_selector) {
    EffectiveSelector pods = AsK8s(*peer.pod_selector, "");
    out.requirements.insert(out.requirements.end(), pods.requirements.begin(), pods.requirements.end());
    if (!peer.namespace_selector) {
      out.requirements.push_back(Equals("k8s", std::string(kPodNamespaceLabel), std::string(namespace_)));
    }
  }
  if (!peer.namespace_selector && !peer.pod_selector) {
    PeerMatcher none;  // rejected by the API server; selects nothing here
    none.text = "empty NetworkPolicy peer";
    return none;
  }
  AddClusterScope(out, settings);
  std::string text = out.ToString();
  return Selectors({std::move(out)}, "endpoints " + text);
}

}  // namespace polc::verifier
