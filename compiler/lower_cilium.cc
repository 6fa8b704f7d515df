// CiliumNetworkPolicy / CiliumClusterwideNetworkPolicy (cilium.io/v2): the
// object and its api.Rule specs (cilium-semantics.md 1.1), with the CRD's
// schema checks. Peers and ports live in lower_cilium_peers.cc and
// lower_cilium_ports.cc; Cilium's own Sanitize() runs later over the IR.
#include <fmt/format.h>

#include "compiler/field_versions.h"
#include "compiler/lower.h"
#include "compiler/lower_cilium_internal.h"
#include "compiler/lower_common.h"

namespace polc::compiler {
namespace cilium {

void RejectField(const FieldReader& reader, std::string_view key, std::string message, std::string hint) {
  if (!reader.ok() || reader.node().FindKey(key) == nullptr) return;
  reader.ctx().Report(ir::RuleId::kUnknownField, reader.KeyLocation(key), std::move(message), std::move(hint));
}

namespace {

// "[source:]key[=value]" as pkg/labels ParseLabel reads it: "$x" is
// reserved:x, no source means "unspec".
ir::Label ParseShortLabel(std::string_view text, ir::SourceLocation location) {
  ir::Label label;
  label.location = location;
  if (!text.empty() && text.front() == '$') {
    label.source = "reserved";
    text.remove_prefix(1);
  } else if (size_t colon = text.find(':'); colon != std::string_view::npos) {
    label.source = std::string(text.substr(0, colon));
    text.remove_prefix(colon + 1);
  }
  if (label.source.empty()) label.source = "unspec";
  size_t equals = text.find('=');
  label.key = std::string(text.substr(0, equals));
  if (equals != std::string_view::npos) label.value = std::string(text.substr(equals + 1));
  return label;
}

std::vector<ir::Label> LowerRuleLabels(const YamlNode& list, LowerContext& ctx) {
  std::vector<ir::Label> out;
  for (const YamlNode* item : list.items) {
    if (item->IsScalar()) {
      // Label.UnmarshalJSON accepts the short string form as well as the
      // object form the CRD documents.
      std::optional<std::string> text = ScalarString(*item, "a rule label", ctx);
      if (!text) continue;
      if (text->empty()) {
        ctx.Report(ir::RuleId::kInvalidValue, item->location, "a rule label cannot be empty; Cilium rejects it",
                   "write \"[source:]key[=value]\"");
        continue;
      }
      out.push_back(ParseShortLabel(*text, item->location));
      continue;
    }
    FieldReader reader(*item, "a rule label", {"key", "value", "source"}, ctx);
    if (!reader.ok() || !reader.Require("key")) continue;
    ir::Label label;
    label.location = item->location;
    label.key = reader.String("key").value_or("");
    label.value = reader.String("value").value_or("");
    label.source = reader.String("source").value_or("");
    out.push_back(std::move(label));
  }
  return out;
}

std::optional<ir::DefaultDeny> LowerDefaultDeny(const YamlNode& node, LowerContext& ctx) {
  FieldReader reader(node, "enableDefaultDeny", {"ingress", "egress"}, ctx);
  if (!reader.ok()) return std::nullopt;
  return ir::DefaultDeny{reader.Bool("ingress"), reader.Bool("egress"), node.location};
}

// log.value: CRD maxLength 32 and pattern ^\PC*$ (no control or other
// non-printing characters).
std::optional<ir::Located> LowerLog(const YamlNode& node, LowerContext& ctx) {
  FieldReader reader(node, "log", {"value"}, ctx);
  if (!reader.ok()) return std::nullopt;
  std::optional<ir::Located> value = LocatedField(reader, "value");
  if (!value) return ir::Located{"", node.location};
  if (CodePointCount(value->text) > 32) {
    ctx.Report(ir::RuleId::kInvalidValue, value->location,
               fmt::format("log value is {} characters; the CRD allows at most 32", CodePointCount(value->text)),
               "shorten the log value");
  }
  for (unsigned char c : value->text) {
    if (c < 0x20 || c == 0x7f) {
      ctx.Report(ir::RuleId::kInvalidValue, value->location,
                 "log value contains a control character; the CRD allows printable characters only",
                 "remove tabs, newlines and other control characters");
      break;
    }
  }
  return value;
}

// The CRD's oneOf endpointSelector|nodeSelector.
void CheckSelectorChoice(const FieldReader& reader, LowerContext& ctx) {
  bool endpoint = reader.Has("endpointSelector");
  bool node = reader.Has("nodeSelector");
  if (endpoint && node) {
    ctx.Report(ir::RuleId::kConflictingFields, reader.KeyLocation("nodeSelector"),
               "a rule has both endpointSelector and nodeSelector; the CRD allows exactly one",
               "keep endpointSelector for pods, or nodeSelector (clusterwide policies only) for nodes");
  } else if (!endpoint && !node) {
    ctx.Report(ir::RuleId::kMissingField, reader.location(),
               "a rule needs endpointSelector or nodeSelector; the API server rejects it without one",
               "add `endpointSelector: {}` to select every pod the policy applies to, or narrow it with matchLabels");
  }
}

// The CRD's anyOf ingress|ingressDeny|egress|egressDeny (present, even if
// empty). Cilium 1.16 accepted rules without sections; the CRD and the agent
// reject them since 1.17 (cilium-semantics.md 1.13, section 10).
void CheckSectionPresent(const FieldReader& reader, LowerContext& ctx) {
  if (ctx.settings.version.Before(1, 17)) return;
  for (std::string_view key : {"ingress", "ingressDeny", "egress", "egressDeny"}) {
    if (reader.node().Find(key) != nullptr) return;
  }
  ctx.Report(ir::RuleId::kMissingField, reader.location(),
             "a rule needs at least one of ingress, ingressDeny, egress, egressDeny; the API server rejects it",
             "add the section the policy is about; `ingress: [{}]` with enableDefaultDeny switches default deny on");
}

std::optional<ir::LabelSelector> SelectorField(const FieldReader& reader, std::string_view key) {
  const YamlNode* node = reader.Get(key);
  return node != nullptr ? LowerLabelSelector(*node, key, reader.ctx()) : std::nullopt;
}

ir::Rule LowerRule(const YamlNode& node, bool from_specs, LowerContext& ctx) {
  ir::Rule rule;
  rule.location = node.location;
  rule.from_specs = from_specs;
  FieldReader reader(node, from_specs ? "an item of specs" : "spec",
                     {"endpointSelector", "nodeSelector", "ingress", "ingressDeny", "egress", "egressDeny",
                      "enableDefaultDeny", "labels", "description", "log"},
                     ctx);
  if (!reader.ok()) return rule;
  CheckSelectorChoice(reader, ctx);
  CheckSectionPresent(reader, ctx);
  rule.endpoint_selector = SelectorField(reader, "endpointSelector");
  rule.node_selector = SelectorField(reader, "nodeSelector");

  struct Section {
    std::string_view key;
    ir::Direction direction;
    bool deny;
    std::optional<std::vector<ir::PeerRule>>* out;
    ir::SourceLocation* location;
  };
  const Section sections[] = {
      {"ingress", ir::Direction::kIngress, false, &rule.ingress, &rule.ingress_location},
      {"ingressDeny", ir::Direction::kIngress, true, &rule.ingress_deny, &rule.ingress_deny_location},
      {"egress", ir::Direction::kEgress, false, &rule.egress, &rule.egress_location},
      {"egressDeny", ir::Direction::kEgress, true, &rule.egress_deny, &rule.egress_deny_location},
  };
  for (const Section& section : sections) {
    const YamlNode* list = reader.Get(section.key);
    if (list == nullptr) continue;
    *section.location = reader.KeyLocation(section.key);
    *section.out = cilium::LowerPeerRules(*list, section.key, section.direction, section.deny, ctx);
  }

  if (const YamlNode* deny = reader.Get("enableDefaultDeny")) {
    if (CheckFieldVersion("enableDefaultDeny", reader.KeyLocation("enableDefaultDeny"), ctx)) {
      rule.enable_default_deny = LowerDefaultDeny(*deny, ctx);
    }
  }
  if (const YamlNode* labels = reader.List("labels")) rule.labels = LowerRuleLabels(*labels, ctx);
  if (std::optional<std::string> description = reader.String("description")) {
    rule.description = std::move(*description);
    rule.description_location = reader.Get("description")->location;
  }
  if (const YamlNode* log = reader.Get("log")) {
    if (CheckFieldVersion("log", reader.KeyLocation("log"), ctx)) rule.log = LowerLog(*log, ctx);
  }
  return rule;
}

void CheckMetadata(const FieldReader& root, LowerContext& ctx) {
  const YamlNode* metadata = root.Get("metadata");
  if (metadata == nullptr) {
    ctx.Report(ir::RuleId::kMissingField, root.location(), "the policy has no metadata; metadata.name is required",
               "add `metadata: {name: <policy-name>}`");
    return;
  }
  if (!metadata->IsMapping()) {
    ctx.Report(ir::RuleId::kWrongType, metadata->location,
               fmt::format("metadata must be an object, not {}", metadata->TypeName()));
    return;
  }
  const YamlNode* name = metadata->Find("name");
  if (name == nullptr || name->IsNull() || (name->IsScalar() && name->Resolve() == ScalarType::kNull)) {
    ctx.Report(ir::RuleId::kMissingField, metadata->location, "metadata.name is required; the policy is rejected",
               "add `name: <policy-name>` under metadata");
    return;
  }
  ScalarString(*name, "metadata.name", ctx);
}

}  // namespace
}  // namespace cilium

ir::Policy LowerCiliumPolicy(const KubeObject& object, LowerContext& ctx) {
  ir::Policy policy;
  policy.kind = object.kind == "CiliumNetworkPolicy" ? ir::PolicyKind::kCiliumNetworkPolicy
                                                     : ir::PolicyKind::kCiliumClusterwideNetworkPolicy;
  policy.api_version = object.api_version;
  policy.meta = object.meta;
  if (object.root == nullptr) return policy;
  FieldReader root(*object.root, object.kind, {"apiVersion", "kind", "metadata", "spec", "specs", "status"}, ctx);
  if (!root.ok()) return policy;
  cilium::CheckMetadata(root, ctx);

  const YamlNode* spec = root.Get("spec");
  const YamlNode* specs = root.List("specs");
  if (spec == nullptr && root.Get("specs") == nullptr) {
    ctx.Report(ir::RuleId::kMissingField, object.root->location,
               fmt::format("the {} has neither spec nor specs; the CRD requires one of them", object.kind),
               "put the rule under `spec:` (or a list of rules under `specs:`)");
  }
  if (spec != nullptr) policy.rules.push_back(cilium::LowerRule(*spec, false, ctx));
  if (specs != nullptr) {
    for (const YamlNode* item : specs->items) policy.rules.push_back(cilium::LowerRule(*item, true, ctx));
  }
  return policy;
}

}  // namespace polc::compiler
