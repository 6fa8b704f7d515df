// Lowering of Kubernetes NetworkPolicy (networking.k8s.io/v1) into the IR,
// with the checks the API server applies (pkg/apis/networking/validation in
// Kubernetes): a NetworkPolicy that fails them is never stored, so Cilium
// never sees it.
//
// Absent and empty lists are kept apart (`ingress: []`, `from: []`,
// `ports: []`) because the translation depends on it (cilium-semantics.md
// 2.4: a missing or empty `from` allows every source, while an empty
// `ingress` with policyTypes Ingress is a default deny).
#include <fmt/format.h>

#include <algorithm>
#include <cstdint>

#include "compiler/k8s_validation.h"
#include "compiler/lower.h"
#include "compiler/lower_common.h"
#include "compiler/suggest.h"

namespace polc::compiler {
namespace {

constexpr std::string_view kRejects = "the API server rejects the NetworkPolicy";

// Names from CiliumNetworkPolicy or the other direction that authors reach for.
constexpr FieldAlias kSpecAliases[] = {
    {"endpointSelector", "podSelector", "a NetworkPolicy selects its pods with podSelector"},
    {"ingressDeny", "ingress", "NetworkPolicy has no deny rules; use a CiliumNetworkPolicy for ingressDeny"},
    {"egressDeny", "egress", "NetworkPolicy has no deny rules; use a CiliumNetworkPolicy for egressDeny"},
};
constexpr FieldAlias kIngressAliases[] = {
    {"to", "from", "ingress rules name their peers under 'from'"},
    {"fromEndpoints", "from", "NetworkPolicy peers go under 'from' as podSelector/namespaceSelector/ipBlock"},
    {"toPorts", "ports", "NetworkPolicy lists ports under 'ports'"},
};
constexpr FieldAlias kEgressAliases[] = {
    {"from", "to", "egress rules name their peers under 'to'"},
    {"toEndpoints", "to", "NetworkPolicy peers go under 'to' as podSelector/namespaceSelector/ipBlock"},
    {"toPorts", "ports", "NetworkPolicy lists ports under 'ports'"},
};

// A `null` list item decodes to the zero value of its Go struct, so it is
// read like `{}` (Kubernetes' JSON conventions).
bool IsNullItem(const YamlNode& node) {
  return node.IsNull() || (node.IsScalar() && node.Resolve() == ScalarType::kNull);
}

std::optional<ir::LabelSelector> SelectorField(const FieldReader& reader, std::string_view key, LowerContext& ctx) {
  const YamlNode* node = reader.Get(key);
  if (node == nullptr) return std::nullopt;
  return LowerLabelSelector(*node, key, ctx);
}

std::optional<ir::IpBlock> LowerIpBlock(const YamlNode& node, LowerContext& ctx) {
  FieldReader reader(node, "ipBlock", {"cidr", "except"}, ctx);
  if (!reader.ok()) return std::nullopt;
  ir::IpBlock block;
  block.location = node.location;
  if (!reader.Require("cidr")) return std::nullopt;
  std::optional<ir::Located> cidr = LocatedField(reader, "cidr");
  if (!cidr) return std::nullopt;
  block.cidr = {cidr->text, cidr->location};
  std::optional<k8s::Prefix> outer = k8s::ParseCidr(cidr->text);
  if (!outer) {
    ctx.Report(ir::RuleId::kInvalidCidr, cidr->location,
               fmt::format("ipBlock.cidr '{}' is not a CIDR; {}", cidr->text, kRejects),
               "write a prefix such as 10.0.0.0/8 (a bare IP needs /32 or /128)");
  }
  if (const YamlNode* except = reader.Get("except")) {
    if (auto list = LowerCidrList(*except, "'except'", ctx)) block.except = std::move(*list);
  }
  for (const ir::Cidr& item : block.except) {
    std::optional<k8s::Prefix> inner = k8s::ParseCidr(item.text);
    if (!inner) {
      ctx.Report(ir::RuleId::kInvalidCidr, item.location,
                 fmt::format("ipBlock.except '{}' is not a CIDR; {}", item.text, kRejects),
                 "write a prefix such as 10.1.0.0/16");
    } else if (outer && !k8s::IsStrictSubset(*inner, *outer)) {
      ctx.Report(
          ir::RuleId::kInvalidCidr, item.location,
          fmt::format("ipBlock.except '{}' is not a strict subset of cidr '{}'; {}", item.text, cidr->text, kRejects),
          "each except must lie inside cidr and be a longer prefix");
    }
  }
  return block;
}

std::optional<ir::NetworkPolicyPeer> LowerPeer(const YamlNode& node, std::string_view what, LowerContext& ctx) {
  if (IsNullItem(node)) {
    ctx.Report(ir::RuleId::kMissingField, node.location,
               fmt::format("{} is null, so it specifies no peer; {}", what, kRejects),
               "give podSelector, namespaceSelector or ipBlock");
    ir::NetworkPolicyPeer peer;
    peer.location = node.location;
    return peer;
  }
  FieldReader reader(node, what, {"podSelector", "namespaceSelector", "ipBlock"}, ctx);
  if (!reader.ok()) return std::nullopt;
  ir::NetworkPolicyPeer peer;
  peer.location = node.location;
  peer.pod_selector = SelectorField(reader, "podSelector", ctx);
  peer.namespace_selector = SelectorField(reader, "namespaceSelector", ctx);
  if (const YamlNode* block = reader.Get("ipBlock")) peer.ip_block = LowerIpBlock(*block, ctx);
  bool has_selector = reader.Has("podSelector") || reader.Has("namespaceSelector");
  if (reader.Has("ipBlock") && has_selector) {
    ctx.Report(ir::RuleId::kConflictingFields, reader.KeyLocation("ipBlock"),
               fmt::format("a peer may not combine ipBlock with podSelector or namespaceSelector; {}", kRejects),
               "put the ipBlock in its own list item");
  } else if (node.entries.empty()) {  // with other keys, unknown-field already says what is wrong
    ctx.Report(ir::RuleId::kMissingField, node.location,
               fmt::format("{} must specify podSelector, namespaceSelector or ipBlock; {}", what, kRejects),
               "to allow every peer, remove the whole peer list instead");
  }
  return peer;
}

// `port` is an int-or-string: an unquoted number is a port number, anything
// written as a string is a port name (so "80" in quotes is an invalid name).
std::optional<std::string> LowerPortValue(const YamlNode& node, LowerContext& ctx, std::optional<int64_t>& number) {
  if (node.IsScalar() && node.Resolve() == ScalarType::kInt) {
    number = ScalarInt(node, "'port'", ctx);
    if (!number) return std::nullopt;
    if (*number < 1 || *number > 65535) {
      ctx.Report(ir::RuleId::kInvalidValue, node.location,
                 fmt::format("port {} is outside 1-65535; {}", *number, kRejects),
                 "use a port number from 1 to 65535, or remove `port` to allow all ports");
    }
    return std::to_string(*number);
  }
  std::optional<std::string> name = ScalarString(node, "'port'", ctx);
  if (!name) return std::nullopt;
  if (!k8s::IsPortName(*name)) {
    bool digits = !name->empty() && name->find_first_not_of("0123456789") == std::string::npos;
    ctx.Report(ir::RuleId::kInvalidValue, node.location,
               fmt::format("port '{}' is not a valid port name; {}", *name, kRejects),
               digits ? fmt::format("a quoted number is read as a name; write `port: {}` without quotes", *name)
                      : "port names are 1-15 lower-case letters, digits and '-', with at least one letter");
  }
  return name;
}

std::optional<ir::NetworkPolicyPort> LowerPort(const YamlNode& node, LowerContext& ctx) {
  ir::NetworkPolicyPort port;
  port.location = node.location;
  if (IsNullItem(node)) return port;  // TCP, all ports
  FieldReader reader(node, "a NetworkPolicy port", {"protocol", "port", "endPort"}, ctx);
  if (!reader.ok()) return std::nullopt;
  if (std::optional<std::string> protocol = reader.String("protocol")) {
    static constexpr std::string_view kProtocols[] = {"TCP", "UDP", "SCTP"};
    if (std::find(std::begin(kProtocols), std::end(kProtocols), *protocol) != std::end(kProtocols)) {
      port.protocol = *ir::ParseProtocol(*protocol);
    } else {
      std::optional<std::string> suggestion = Suggest(*protocol, kProtocols);
      ctx.Report(ir::RuleId::kInvalidValue, reader.Get("protocol")->location,
                 fmt::format("protocol '{}' is not supported by NetworkPolicy{}; {}", *protocol,
                             suggestion ? fmt::format(" (did you mean '{}'?)", *suggestion) : "", kRejects),
                 "use TCP, UDP or SCTP (upper-case); omit protocol for TCP");
    }
  }
  std::optional<int64_t> number;
  if (const YamlNode* value = reader.Get("port")) port.port = LowerPortValue(*value, ctx, number);
  if (std::optional<int64_t> end = reader.Int("endPort")) {
    const YamlNode* end_node = reader.Get("endPort");
    if (!reader.Has("port")) {
      ctx.Report(ir::RuleId::kMissingField, end_node->location,
                 fmt::format("endPort needs a numeric port to start the range; {}", kRejects), "add `port: <first>`");
    } else if (!number && port.port) {
      ctx.Report(ir::RuleId::kConflictingFields, end_node->location,
                 fmt::format("endPort may not be used with the named port '{}'; {}", *port.port, kRejects),
                 "use a numeric port, or remove endPort");
    } else if (*end < 1 || *end > 65535) {
      ctx.Report(ir::RuleId::kInvalidValue, end_node->location,
                 fmt::format("endPort {} is outside 1-65535; {}", *end, kRejects), "use a port from 1 to 65535");
    } else if (number && *end < *number) {
      ctx.Report(ir::RuleId::kInvalidValue, end_node->location,
                 fmt::format("endPort {} is less than port {}; {}", *end, *number, kRejects),
                 "endPort must be greater than or equal to port");
    }
    port.end_port = static_cast<int32_t>(std::clamp<int64_t>(*end, INT32_MIN, INT32_MAX));
  }
  return port;
}

ir::NetworkPolicyRule LowerRule(const YamlNode& node, ir::Direction direction, LowerContext& ctx) {
  ir::NetworkPolicyRule rule;
  rule.location = node.location;
  if (IsNullItem(node)) return rule;
  bool ingress = direction == ir::Direction::kIngress;
  std::string_view peers_key = ingress ? "from" : "to";
  FieldReader reader(
      node, ingress ? "an ingress rule" : "an egress rule", {peers_key, "ports"}, ctx,
      ingress ? std::span<const FieldAlias>(kIngressAliases) : std::span<const FieldAlias>(kEgressAliases));
  if (const YamlNode* peers = reader.List(peers_key)) {
    rule.peers.emplace();
    std::string what = fmt::format("a '{}' peer", peers_key);
    for (const YamlNode* item : peers->items) {
      if (auto peer = LowerPeer(*item, what, ctx)) rule.peers->push_back(std::move(*peer));
    }
  }
  if (const YamlNode* ports = reader.List("ports")) {
    rule.ports.emplace();
    for (const YamlNode* item : ports->items) {
      if (auto port = LowerPort(*item, ctx)) rule.ports->push_back(std::move(*port));
    }
  }
  return rule;
}

std::optional<std::vector<ir::NetworkPolicyRule>> LowerRules(const FieldReader& spec, ir::Direction direction,
                                                             LowerContext& ctx) {
  const YamlNode* list = spec.List(direction == ir::Direction::kIngress ? "ingress" : "egress");
  if (list == nullptr) return std::nullopt;
  std::vector<ir::NetworkPolicyRule> rules;
  for (const YamlNode* item : list->items) rules.push_back(LowerRule(*item, direction, ctx));
  return rules;
}

std::optional<std::vector<ir::Direction>> LowerPolicyTypes(const FieldReader& spec, LowerContext& ctx) {
  const YamlNode* list = spec.List("policyTypes");
  if (list == nullptr) return std::nullopt;
  static constexpr std::string_view kTypes[] = {"Ingress", "Egress"};
  std::vector<ir::Direction> types;
  for (const YamlNode* item : list->items) {
    std::optional<std::string> text = ScalarString(*item, "an item of 'policyTypes'", ctx);
    if (!text) continue;
    std::optional<ir::Direction> direction;
    if (*text == "Ingress") direction = ir::Direction::kIngress;
    if (*text == "Egress") direction = ir::Direction::kEgress;
    if (!direction) {
      std::optional<std::string> suggestion = Suggest(*text, kTypes);
      ctx.Report(ir::RuleId::kInvalidValue, item->location,
                 fmt::format("policyTypes value '{}' is not Ingress or Egress{}; {}", *text,
                             suggestion ? fmt::format(" (did you mean '{}'?)", *suggestion) : "", kRejects),
                 "use Ingress and/or Egress, spelt with a capital letter");
      continue;
    }
    if (std::find(types.begin(), types.end(), *direction) != types.end()) {
      ctx.Report(ir::RuleId::kInvalidValue, item->location,
                 fmt::format("policyTypes lists '{}' twice; {}", *text, kRejects), "remove the duplicate");
      continue;
    }
    types.push_back(*direction);
  }
  return types;
}

std::optional<ir::NetworkPolicySpec> LowerSpec(const FieldReader& root, LowerContext& ctx) {
  const YamlNode* node = root.Get("spec");
  if (node == nullptr) {
    ctx.Report(ir::RuleId::kMissingField, root.location(),
               "the NetworkPolicy has no spec; spec.podSelector is required", "add `spec: {podSelector: {}}`");
    return std::nullopt;
  }
  FieldReader spec(*node, "the NetworkPolicy spec", {"podSelector", "ingress", "egress", "policyTypes"}, ctx,
                   kSpecAliases);
  if (!spec.ok()) return std::nullopt;
  ir::NetworkPolicySpec out;
  out.location = node->location;
  out.pod_selector.location = node->location;
  if (spec.Has("podSelector")) {
    if (auto selector = SelectorField(spec, "podSelector", ctx)) out.pod_selector = std::move(*selector);
  } else {
    // The OpenAPI schema marks it required (kubectl's validation rejects the
    // object); decoded without it, the selector is {} and selects every pod
    // of the namespace, which is rarely what an omission meant.
    ctx.Report(ir::RuleId::kMissingField, node->location,
               "spec.podSelector is required; without it the policy would select every pod in its namespace",
               "add `podSelector: {}` to select every pod on purpose, or a matchLabels selector");
  }
  out.ingress = LowerRules(spec, ir::Direction::kIngress, ctx);
  out.egress = LowerRules(spec, ir::Direction::kEgress, ctx);
  out.policy_types = LowerPolicyTypes(spec, ctx);
  if (out.policy_types) out.policy_types_location = spec.KeyLocation("policyTypes");
  return out;
}

}  // namespace

ir::Policy LowerNetworkPolicy(const KubeObject& object, LowerContext& ctx) {
  ir::Policy policy;
  policy.kind = ir::PolicyKind::kNetworkPolicy;
  policy.api_version = object.api_version;
  policy.meta = object.meta;
  FieldReader root(*object.root, "a NetworkPolicy", {"apiVersion", "kind", "metadata", "spec", "status"}, ctx);
  if (object.api_version != "networking.k8s.io/v1") {
    const YamlNode* api_version = object.root->Find("apiVersion");
    ctx.Report(ir::RuleId::kInvalidValue, api_version != nullptr ? api_version->location : object.location,
               fmt::format("apiVersion '{}' is not served for NetworkPolicy; only networking.k8s.io/v1 is",
                           object.api_version),
               "use apiVersion: networking.k8s.io/v1");
  }
  k8s::CheckObjectMeta(root, "NetworkPolicy", /*namespaced=*/true, ctx);
  policy.network_policy = LowerSpec(root, ctx);
  return policy;
}

}  // namespace polc::compiler
