#include "compiler/lower_common.h"

#include <array>

#include <fmt/format.h>

namespace polc::compiler {
namespace {

bool IsAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

std::optional<ir::SelectorOperator> ParseOperator(std::string_view text) {
  if (text == "In") return ir::SelectorOperator::kIn;
  if (text == "NotIn") return ir::SelectorOperator::kNotIn;
  if (text == "Exists") return ir::SelectorOperator::kExists;
  if (text == "DoesNotExist") return ir::SelectorOperator::kDoesNotExist;
  return std::nullopt;
}

std::optional<ir::SelectorRequirement> LowerRequirement(const YamlNode& node, std::string_view what,
                                                        LowerContext& ctx) {
  FieldReader reader(node, fmt::format("a matchExpressions entry of {}", what), {"key", "operator", "values"}, ctx);
  if (!reader.ok()) return std::nullopt;
  ir::SelectorRequirement requirement;
  requirement.location = node.location;
  bool has_key = reader.Require("key");
  bool has_operator = reader.Require("operator");
  std::optional<std::string> key = has_key ? reader.String("key") : std::nullopt;
  std::optional<std::string> op_text = has_operator ? reader.String("operator") : std::nullopt;
  std::optional<std::vector<std::string>> values = reader.StringList("values");
  if (key) requirement.key = ir::ParseLabelKey(*key);
  if (values) requirement.values = std::move(*values);
  if (!op_text) return key ? std::optional(requirement) : std::nullopt;

  std::optional<ir::SelectorOperator> op = ParseOperator(*op_text);
  const YamlNode* op_node = reader.Get("operator");
  if (!op) {
    ctx.Report(ir::RuleId::kInvalidSelector, op_node->location,
               fmt::format("unknown selector operator '{}'; the selector is rejected", *op_text),
               "use one of In, NotIn, Exists, DoesNotExist (case-sensitive)");
    return std::nullopt;
  }
  requirement.op = *op;
  bool set_based = *op == ir::SelectorOperator::kIn || *op == ir::SelectorOperator::kNotIn;
  if (set_based && requirement.values.empty()) {
    ctx.Report(ir::RuleId::kInvalidSelector, node.location,
               fmt::format("operator {} needs at least one value; the selector is rejected", *op_text),
               "add `values: [...]`, or use Exists/DoesNotExist");
  } else if (!set_based && reader.Has("values") && !requirement.values.empty()) {
    ctx.Report(ir::RuleId::kInvalidSelector, reader.KeyLocation("values"),
               fmt::format("operator {} takes no values; the selector is rejected", *op_text),
               "remove `values`, or use In/NotIn");
  }
  return requirement;
}

}  // namespace

std::optional<ir::LabelSelector> LowerLabelSelector(const YamlNode& node, std::string_view what, LowerContext& ctx) {
  FieldReader reader(node, what, {"matchLabels", "matchExpressions"}, ctx);
  if (!reader.ok()) return std::nullopt;
  ir::LabelSelector selector;
  selector.location = node.location;
  if (const YamlNode* labels = reader.Map("matchLabels")) {
    for (const auto& [key, value] : labels->entries) {
      if (!key->IsScalar()) {
        ctx.Report(ir::RuleId::kWrongType, key->location, fmt::format("keys of matchLabels in {} must be strings", what));
        continue;
      }
      std::optional<std::string> text =
          value->IsNull() ? std::optional<std::string>("")
                          : ScalarString(*value, fmt::format("the matchLabels value of '{}'", key->scalar), ctx);
      if (!text) continue;
      if (!IsLabelValue(*text)) {
        ctx.Report(ir::RuleId::kInvalidValue, value->location,
                   fmt::format("'{}' is not a valid label value; the API server rejects the policy", *text),
                   "label values are at most 63 characters of letters, digits, '-', '_' and '.', "
                   "starting and ending with a letter or digit");
      }
      selector.match_labels.push_back({ir::ParseLabelKey(key->scalar), std::move(*text), key->location});
    }
  }
  if (const YamlNode* expressions = reader.List("matchExpressions")) {
    for (const YamlNode* item : expressions->items) {
      if (auto requirement = LowerRequirement(*item, what, ctx)) {
        selector.match_expressions.push_back(std::move(*requirement));
      }
    }
  }
  return selector;
}

std::optional<std::vector<ir::LabelSelector>> LowerLabelSelectorList(const YamlNode& node, std::string_view what,
                                                                     LowerContext& ctx) {
  if (!ExpectList(node, what, ctx)) return std::nullopt;
  std::vector<ir::LabelSelector> out;
  for (const YamlNode* item : node.items) {
    if (auto selector = LowerLabelSelector(*item, fmt::format("an item of {}", what), ctx)) {
      out.push_back(std::move(*selector));
    }
  }
  return out;
}

std::optional<ir::Located> LowerLocatedString(const YamlNode& node, std::string_view what, LowerContext& ctx) {
  std::optional<std::string> text = ScalarString(node, what, ctx);
  if (!text) return std::nullopt;
  return ir::Located{std::move(*text), node.location};
}

std::optional<ir::Located> LocatedField(const FieldReader& reader, std::string_view key) {
  const YamlNode* node = reader.Get(key);
  if (node == nullptr) return std::nullopt;
  return LowerLocatedString(*node, fmt::format("'{}'", key), reader.ctx());
}

std::optional<std::vector<ir::Located>> LowerLocatedStringList(const YamlNode& node, std::string_view what,
                                                               LowerContext& ctx) {
  if (!ExpectList(node, what, ctx)) return std::nullopt;
  std::vector<ir::Located> out;
  for (const YamlNode* item : node.items) {
    if (auto located = LowerLocatedString(*item, fmt::format("an item of {}", what), ctx)) {
      out.push_back(std::move(*located));
    }
  }
  return out;
}

std::optional<std::vector<ir::Cidr>> LowerCidrList(const YamlNode& node, std::string_view what, LowerContext& ctx) {
  std::optional<std::vector<ir::Located>> texts = LowerLocatedStringList(node, what, ctx);
  if (!texts) return std::nullopt;
  std::vector<ir::Cidr> out;
  out.reserve(texts->size());
  for (ir::Located& text : *texts) out.push_back({std::move(text.text), text.location});
  return out;
}

bool IsDns1123Subdomain(std::string_view text) {
  if (text.empty() || text.size() > 253) return false;
  size_t start = 0;
  while (start <= text.size()) {
    size_t dot = text.find('.', start);
    std::string_view label = text.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty()) return false;
    for (char c : label) {
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
    }
    if (label.front() == '-' || label.back() == '-') return false;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return true;
}

bool IsLabelValue(std::string_view text) {
  if (text.empty()) return true;
  if (text.size() > 63 || !IsAlnum(text.front()) || !IsAlnum(text.back())) return false;
  for (char c : text) {
    if (!IsAlnum(c) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

size_t CodePointCount(std::string_view text) {
  size_t count = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

}  // namespace polc::compiler
