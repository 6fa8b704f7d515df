// Ingress/egress rules and their L3 peers (cilium-semantics.md 1.2-1.4): the
// from*/to* fields, toServices, toFQDNs, authentication. The IR keeps each
// peer kind once; the direction says whether it was written from* or to*.
#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "compiler/field_versions.h"
#include "compiler/lower_cilium_internal.h"
#include "compiler/lower_common.h"

namespace polc::compiler::cilium {
namespace {

constexpr std::string_view kIngressWhy =
    "ingress rules name where traffic comes from, with from* fields; to* fields belong in egress rules";
constexpr std::string_view kEgressWhy =
    "egress rules name where traffic goes to, with to* fields; from* fields belong in ingress rules";

constexpr std::string_view kAuthWhy = "mutual authentication is `authentication: {mode: required}`";

constexpr std::array<FieldAlias, 8> kIngressAliases = {{
    {"auth", "authentication", kAuthWhy},
    {"toEndpoints", "fromEndpoints", kIngressWhy},
    {"toRequires", "fromRequires", kIngressWhy},
    {"toCIDR", "fromCIDR", kIngressWhy},
    {"toCIDRSet", "fromCIDRSet", kIngressWhy},
    {"toEntities", "fromEntities", kIngressWhy},
    {"toGroups", "fromGroups", kIngressWhy},
    {"toNodes", "fromNodes", kIngressWhy},
}};
constexpr std::array<FieldAlias, 8> kEgressAliases = {{
    {"auth", "authentication", kAuthWhy},
    {"fromEndpoints", "toEndpoints", kEgressWhy},
    {"fromRequires", "toRequires", kEgressWhy},
    {"fromCIDR", "toCIDR", kEgressWhy},
    {"fromCIDRSet", "toCIDRSet", kEgressWhy},
    {"fromEntities", "toEntities", kEgressWhy},
    {"fromGroups", "toGroups", kEgressWhy},
    {"fromNodes", "toNodes", kEgressWhy},
}};

// Entities are kept as written. Their CRD enum (and world-ipv4/world-ipv6,
// which only the agent knows) is checked once, by verifier/lint_entities.cc
// (unknown-entity, entity-not-in-crd), so each bad name gets one finding.
std::optional<std::vector<ir::Entity>> LowerEntities(const YamlNode& list, std::string_view key, LowerContext& ctx) {
  std::optional<std::vector<ir::Located>> names = LowerLocatedStringList(list, fmt::format("'{}'", key), ctx);
  if (!names) return std::nullopt;
  std::vector<ir::Entity> out;
  for (ir::Located& name : *names) out.push_back({std::move(name.text), name.location});
  return out;
}

std::optional<ir::CidrRule> LowerCidrRule(const YamlNode& node, LowerContext& ctx) {
  FieldReader reader(node, "a CIDRSet entry", {"cidr", "cidrGroupRef", "cidrGroupSelector", "except"}, ctx);
  if (!reader.ok()) return std::nullopt;
  ir::CidrRule rule;
  rule.location = node.location;
  int sources = reader.Has("cidr") + reader.Has("cidrGroupRef") + reader.Has("cidrGroupSelector");
  if (sources == 0) {
    ctx.Report(ir::RuleId::kMissingField, node.location,
               "a CIDRSet entry needs one of cidr, cidrGroupRef, cidrGroupSelector", "add `cidr: 10.0.0.0/8`");
  } else if (sources > 1) {
    ctx.Report(ir::RuleId::kConflictingFields, node.location,
               "a CIDRSet entry may have only one of cidr, cidrGroupRef, cidrGroupSelector; the CRD rejects it",
               "split the entry into one entry per source");
  }
  if (std::optional<ir::Located> cidr = LocatedField(reader, "cidr")) rule.cidr = ir::Cidr{cidr->text, cidr->location};
  if (std::optional<ir::Located> ref = LocatedField(reader, "cidrGroupRef")) {
    if (!IsDns1123Subdomain(ref->text)) {
      ctx.Report(ir::RuleId::kInvalidValue, ref->location,
                 fmt::format("cidrGroupRef '{}' is not a CiliumCIDRGroup name (DNS-1123 subdomain, at most 253 "
                             "characters); the API server rejects it",
                             ref->text),
                 "use lower-case letters, digits, '-' and '.'");
    }
    rule.cidr_group_ref = std::move(ref->text);
  }
  if (const YamlNode* selector = reader.Get("cidrGroupSelector")) {
    if (CheckFieldVersion("cidrGroupSelector", reader.KeyLocation("cidrGroupSelector"), ctx)) {
      rule.cidr_group_selector = LowerLabelSelector(*selector, "cidrGroupSelector", ctx);
    }
  }
  if (const YamlNode* except = reader.Get("except")) {
    rule.except = LowerCidrList(*except, "'except'", ctx).value_or(std::vector<ir::Cidr>{});
  }
  return rule;
}

std::optional<ir::AwsGroup> LowerGroup(const YamlNode& node, LowerContext& ctx) {
  FieldReader reader(node, "a groups entry", {"aws"}, ctx);
  if (!reader.ok()) return std::nullopt;
  ir::AwsGroup group;
  group.location = node.location;
  const YamlNode* aws = reader.Get("aws");
  if (aws == nullptr) return group;
  FieldReader fields(*aws, "aws", {"securityGroupsIds", "securityGroupsNames", "region", "labels"}, ctx);
  group.security_group_ids = fields.StringList("securityGroupsIds").value_or(std::vector<std::string>{});
  group.security_group_names = fields.StringList("securityGroupsNames").value_or(std::vector<std::string>{});
  group.region = fields.String("region").value_or("");
  group.labels = fields.StringMap("labels").value_or(std::map<std::string, std::string>{});
  return group;
}

std::optional<ir::Service> LowerService(const YamlNode& node, LowerContext& ctx) {
  FieldReader reader(node, "a toServices entry", {"k8sService", "k8sServiceSelector"}, ctx);
  if (!reader.ok()) return std::nullopt;
  bool by_name = reader.Has("k8sService");
  bool by_selector = reader.Has("k8sServiceSelector");
  if (!by_name && !by_selector) {
    ctx.Report(ir::RuleId::kMissingField, node.location,
               "a toServices entry needs k8sService or k8sServiceSelector; without one it selects nothing",
               "add `k8sService: {serviceName: <name>, namespace: <ns>}`");
    return std::nullopt;
  }
  if (by_name && by_selector) {
    ctx.Report(ir::RuleId::kConflictingFields, reader.KeyLocation("k8sServiceSelector"),
               "a toServices entry names both k8sService and k8sServiceSelector; use one per entry",
               "split it into two toServices entries");
  }
  ir::Service service;
  service.location = node.location;
  if (by_name) {
    FieldReader ref(*reader.Get("k8sService"), "k8sService", {"serviceName", "namespace"}, ctx);
    service.target = ir::ServiceReference{ref.String("serviceName").value_or(""), ref.String("namespace").value_or("")};
    return service;
  }
  FieldReader sel(*reader.Get("k8sServiceSelector"), "k8sServiceSelector", {"selector", "namespace"}, ctx);
  ir::ServiceSelector target;
  if (sel.Require("selector")) {
    target.selector = LowerLabelSelector(*sel.Get("selector"), "selector", ctx).value_or(ir::LabelSelector{});
  }
  target.namespace_ = sel.String("namespace").value_or("");
  service.target = std::move(target);
  return service;
}

template <typename T, typename F>
std::optional<std::vector<T>> LowerObjectList(const YamlNode& list, std::string_view key, LowerContext& ctx, F lower) {
  if (!ExpectList(list, fmt::format("'{}'", key), ctx)) return std::nullopt;
  std::vector<T> out;
  for (const YamlNode* item : list.items) {
    if (std::optional<T> value = lower(*item)) out.push_back(std::move(*value));
  }
  return out;
}

std::optional<ir::Authentication> LowerAuthentication(const YamlNode& node, LowerContext& ctx) {
  FieldReader reader(node, "authentication", {"mode"}, ctx);
  if (!reader.ok() || !reader.Require("mode")) return std::nullopt;
  std::optional<ir::Located> mode = LocatedField(reader, "mode");
  if (!mode) return std::nullopt;
  ir::Authentication auth;
  auth.location = node.location;
  if (mode->text == "disabled") {
    auth.mode = ir::AuthMode::kDisabled;
  } else if (mode->text == "required") {
    auth.mode = ir::AuthMode::kRequired;
  } else if (mode->text == "test-always-fail") {
    auth.mode = ir::AuthMode::kTestAlwaysFail;
  } else {
    ctx.Report(ir::RuleId::kInvalidValue, mode->location,
               fmt::format("authentication mode '{}' is not known; the API server rejects the policy", mode->text),
               "use disabled, required or test-always-fail");
    return std::nullopt;
  }
  return auth;
}

// The reader of one rule, with the field list of its kind (IngressRule,
// IngressDenyRule, EgressRule, EgressDenyRule). Fields that exist only in
// other kinds are listed too, so RejectField can explain them.
FieldReader MakeReader(const YamlNode& node, std::string_view what, ir::Direction direction, LowerContext& ctx) {
  if (direction == ir::Direction::kIngress) {
    return FieldReader(node, what,
                       {"fromEndpoints", "fromRequires", "fromCIDR", "fromCIDRSet", "fromEntities", "fromGroups",
                        "fromNodes", "toPorts", "icmps", "authentication", "toFQDNs", "toServices"},
                       ctx, kIngressAliases);
  }
  return FieldReader(node, what,
                     {"toEndpoints", "toRequires", "toCIDR", "toCIDRSet", "toEntities", "toGroups", "toNodes",
                      "toServices", "toFQDNs", "toPorts", "icmps", "authentication"},
                     ctx, kEgressAliases);
}

ir::PeerRule LowerPeerRule(const YamlNode& node, std::string_view section, ir::Direction direction, bool deny,
                           LowerContext& ctx) {
  ir::PeerRule rule;
  rule.direction = direction;
  rule.deny = deny;
  rule.location = node.location;
  std::string what = fmt::format("an {} rule", section);
  FieldReader reader = MakeReader(node, what, direction, ctx);
  if (!reader.ok()) return rule;
  bool ingress = direction == ir::Direction::kIngress;
  if (ingress) {
    RejectField(reader, "toFQDNs", fmt::format("unknown field 'toFQDNs' in {}: toFQDNs is egress-only", what),
                "DNS names only describe destinations; move the rule under egress");
    RejectField(reader, "toServices", fmt::format("unknown field 'toServices' in {}: toServices is egress-only", what),
                "select the backends with fromEndpoints instead");
  } else if (deny) {
    RejectField(reader, "toFQDNs", fmt::format("unknown field 'toFQDNs' in {}: deny rules cannot have toFQDNs", what),
                "deny the addresses with toCIDR/toCIDRSet, or allow only the names you want with an egress rule");
  }
  if (deny) {
    RejectField(reader, "authentication",
                fmt::format("unknown field 'authentication' in {}: deny rules cannot require authentication", what),
                "move authentication to an allow rule");
  }
  auto key = [&](std::string_view base) { return fmt::format("{}{}", ingress ? "from" : "to", base); };
  auto where = [&](std::string_view name) { return reader.KeyLocation(name); };
  ir::PeerFieldLocations& at = rule.field_locations;

  if (const YamlNode* n = reader.Get(key("Endpoints"))) {
    at.endpoints = where(key("Endpoints"));
    rule.endpoints = LowerLabelSelectorList(*n, fmt::format("'{}'", key("Endpoints")), ctx);
  }
  if (const YamlNode* n = reader.Get(key("Requires"))) {
    at.requires_ = where(key("Requires"));
    // Since 1.19 the CRD keeps the field as a list with maxItems 0, so only a
    // non-empty list is an error.
    bool empty = n->IsSequence() && n->items.empty();
    if (empty || CheckFieldVersion(key("Requires"), at.requires_, ctx)) {
      rule.requires_ = LowerLabelSelectorList(*n, fmt::format("'{}'", key("Requires")), ctx);
    }
  }
  if (const YamlNode* n = reader.Get(key("CIDR"))) {
    at.cidr = where(key("CIDR"));
    rule.cidr = LowerCidrList(*n, fmt::format("'{}'", key("CIDR")), ctx);
  }
  if (const YamlNode* n = reader.Get(key("CIDRSet"))) {
    at.cidr_set = where(key("CIDRSet"));
    rule.cidr_set = LowerObjectList<ir::CidrRule>(*n, key("CIDRSet"), ctx,
                                                  [&](const YamlNode& item) { return LowerCidrRule(item, ctx); });
  }
  if (const YamlNode* n = reader.Get(key("Entities"))) {
    at.entities = where(key("Entities"));
    rule.entities = LowerEntities(*n, key("Entities"), ctx);
  }
  if (const YamlNode* n = reader.Get(key("Nodes"))) {
    at.nodes = where(key("Nodes"));
    if (CheckFieldVersion(key("Nodes"), at.nodes, ctx)) {
      rule.nodes = LowerLabelSelectorList(*n, fmt::format("'{}'", key("Nodes")), ctx);
    }
  }
  if (const YamlNode* n = reader.Get(key("Groups"))) {
    at.groups = where(key("Groups"));
    rule.groups = LowerObjectList<ir::AwsGroup>(*n, key("Groups"), ctx,
                                                [&](const YamlNode& item) { return LowerGroup(item, ctx); });
  }
  if (const YamlNode* n = reader.Get("toServices"); n != nullptr && !ingress) {
    at.services = where("toServices");
    rule.services = LowerObjectList<ir::Service>(*n, "toServices", ctx,
                                                 [&](const YamlNode& item) { return LowerService(item, ctx); });
  }
  if (const YamlNode* n = reader.Get("toFQDNs"); n != nullptr && !ingress && !deny) {
    at.fqdns = where("toFQDNs");
    rule.fqdns = LowerObjectList<ir::FqdnSelector>(
        *n, "toFQDNs", ctx, [&](const YamlNode& item) { return LowerFqdnSelector(item, "a toFQDNs entry", ctx); });
  }
  if (const YamlNode* n = reader.Get("toPorts")) {
    at.to_ports = where("toPorts");
    rule.to_ports = LowerPortRules(*n, direction, deny, ctx);
  }
  if (const YamlNode* n = reader.Get("icmps")) {
    at.icmps = where("icmps");
    rule.icmps = LowerIcmpRules(*n, ctx);
  }
  if (const YamlNode* n = reader.Get("authentication"); n != nullptr && !deny) {
    at.authentication = where("authentication");
    rule.authentication = LowerAuthentication(*n, ctx);
  }
  return rule;
}

}  // namespace

std::optional<std::vector<ir::PeerRule>> LowerPeerRules(const YamlNode& list, std::string_view section,
                                                        ir::Direction direction, bool deny, LowerContext& ctx) {
  if (!ExpectList(list, fmt::format("'{}'", section), ctx)) return std::nullopt;
  std::vector<ir::PeerRule> out;
  for (const YamlNode* item : list.items) out.push_back(LowerPeerRule(*item, section, direction, deny, ctx));
  return out;
}

}  // namespace polc::compiler::cilium
