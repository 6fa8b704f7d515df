// Effective selectors (cilium-semantics.md 2.1-2.4, 5.1, 1.4): what a policy
// selector means once Cilium has added namespace and cluster scoping, and
// what each kind of L3 peer (endpoints, entities, nodes, CIDRs, FQDNs)
// selects among identities.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ir/policy.h"
#include "ir/settings.h"
#include "verifier/identity.h"
#include "verifier/ip_prefix.h"

namespace polc::verifier {

struct LabelRequirement {
  std::string source;  // "any" matches a label of any source (2.1)
  std::string key;
  ir::SelectorOperator op = ir::SelectorOperator::kIn;
  std::vector<std::string> values;
};

// One requirement against an identity's labels (2.1: `any` matches every source).
bool RequirementMatches(const LabelRequirement& requirement, const Identity& identity);

// A label selector after scoping: requirements ANDed.
struct EffectiveSelector {
  std::vector<LabelRequirement> requirements;
  bool Matches(const Identity& identity) const;
  bool HasKey(std::string_view key) const;             // with source k8s or any
  bool HasKeyPrefix(std::string_view prefix) const;    // with source k8s or any
  bool HasSource(std::string_view source) const;
  std::string ToString() const;
};

EffectiveSelector FromLabelSelector(const ir::LabelSelector& selector);

// 2.2: CNP subjects are forced into the policy's namespace; CCNP subjects
// are used as written. KNP (2.4): podSelector keys are k8s: + namespace.
EffectiveSelector CnpSubject(const ir::LabelSelector& selector, std::string_view namespace_);
EffectiveSelector KnpSubject(const ir::LabelSelector& pod_selector, std::string_view namespace_);

// What one item of a peer list selects. Alternatives are ORed.
struct PeerMatcher {
  enum class Kind { kSelectors, kAll, kCidr, kFqdn, kNothing };
  Kind kind = Kind::kNothing;
  std::vector<EffectiveSelector> selectors;  // kSelectors
  IpPrefix prefix;                           // kCidr
  std::vector<IpPrefix> except;              // kCidr
  ir::FqdnSelector fqdn;                     // kFqdn
  std::string text;                          // what it is, for the trail
  bool endpoint_peer = false;                // from fromEndpoints/toEndpoints (fromRequires applies)
};

bool PeerMatches(const PeerMatcher& matcher, const Identity& identity, const ir::CiliumVersion& version);

// 2.3: a fromEndpoints/toEndpoints selector of a CNP/CCNP with namespace
// and cluster scoping.
PeerMatcher EndpointPeerMatcher(const ir::LabelSelector& selector, ir::PolicyKind kind, std::string_view namespace_,
                                bool subject_has_init, const ir::Settings& settings);
// 2.3 item 4: fromNodes/toNodes.
PeerMatcher NodePeerMatcher(const ir::LabelSelector& selector, const ir::Settings& settings);
// 5.1: fromEntities/toEntities.
PeerMatcher EntityMatcher(std::string_view entity, const ir::Settings& settings);
// 1.4: a CIDR (bare IP = host prefix) with excepts; world only (never pods or nodes).
PeerMatcher CidrMatcher(std::string_view cidr, const std::vector<ir::Cidr>& except);
// 1.4: fromCIDRSet/toCIDRSet item, with CiliumCIDRGroup references.
std::vector<PeerMatcher> CidrRuleMatchers(const ir::CidrRule& rule, const std::vector<ir::CidrGroup>& groups);
// 2.4: a NetworkPolicy peer (podSelector / namespaceSelector / both / ipBlock).
PeerMatcher KnpPeerMatcher(const ir::NetworkPolicyPeer& peer, std::string_view namespace_,
                           const ir::Settings& settings);

}  // namespace polc::verifier
