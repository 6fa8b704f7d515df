#include "compiler/field_reader.h"

#include <algorithm>
#include <charconv>
#include <vector>

#include <fmt/format.h>

#include "compiler/suggest.h"

namespace polc::compiler {

FieldReader::FieldReader(const YamlNode& node, std::string_view what, std::initializer_list<std::string_view> known,
                         LowerContext& ctx, std::span<const FieldAlias> aliases)
    : node_(node), what_(what), ctx_(ctx) {
  if (!node.IsMapping()) {
    ok_ = false;
    ctx.Report(ir::RuleId::kWrongType, node.location,
               fmt::format("{} must be an object, not {}", what, node.TypeName()));
    return;
  }
  std::vector<std::string_view> candidates(known.begin(), known.end());
  for (const auto& [key, value] : node.entries) {
    if (!key->IsScalar()) {
      ctx.Report(ir::RuleId::kWrongType, key->location, fmt::format("keys of {} must be strings", what));
      continue;
    }
    if (std::find(candidates.begin(), candidates.end(), key->scalar) != candidates.end()) continue;
    std::string hint;
    std::string message = fmt::format("unknown field '{}' in {}", key->scalar, what);
    const FieldAlias* alias = nullptr;
    for (const FieldAlias& a : aliases) {
      if (a.written == key->scalar) alias = &a;
    }
    if (alias != nullptr) {
      message += fmt::format("; did you mean '{}'?", alias->meant);
      hint = std::string(alias->why);
    } else if (auto suggestion = Suggest(key->scalar, candidates)) {
      message += fmt::format("; did you mean '{}'?", *suggestion);
    } else {
      hint = fmt::format("known fields: {}", fmt::join(candidates, ", "));
    }
    ctx.Report(ir::RuleId::kUnknownField, key->location, std::move(message), std::move(hint));
  }
}

const YamlNode* FieldReader::Get(std::string_view key) const {
  if (!ok_) return nullptr;
  const YamlNode* value = node_.Find(key);
  if (value == nullptr || value->IsNull()) return nullptr;
  if (value->IsScalar() && value->Resolve() == ScalarType::kNull) return nullptr;
  return value;
}

ir::SourceLocation FieldReader::KeyLocation(std::string_view key) const {
  const YamlNode* k = ok_ ? node_.FindKey(key) : nullptr;
  return k != nullptr ? k->location : node_.location;
}

std::optional<std::string> ScalarString(const YamlNode& node, std::string_view what, LowerContext& ctx) {
  if (node.IsScalar() && node.Resolve() == ScalarType::kString) return node.scalar;
  ctx.Report(ir::RuleId::kWrongType, node.location,
             fmt::format("{} must be a string, not {}", what, node.TypeName()),
             node.IsScalar() ? fmt::format("quote the value: \"{}\"", node.scalar) : std::string());
  return std::nullopt;
}

std::optional<int64_t> ScalarInt(const YamlNode& node, std::string_view what, LowerContext& ctx) {
  if (node.IsScalar() && node.Resolve() == ScalarType::kInt) {
    int64_t value = 0;
    std::string_view text = node.scalar;
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec == std::errc() && end == text.data() + text.size()) return value;
    ctx.Report(ir::RuleId::kInvalidValue, node.location, fmt::format("{} is not a usable integer: {}", what, node.scalar));
    return std::nullopt;
  }
  ctx.Report(ir::RuleId::kWrongType, node.location, fmt::format("{} must be an integer, not {}", what, node.TypeName()));
  return std::nullopt;
}

bool ExpectList(const YamlNode& node, std::string_view what, LowerContext& ctx) {
  if (node.IsSequence()) return true;
  ctx.Report(ir::RuleId::kWrongType, node.location, fmt::format("{} must be a list, not {}", what, node.TypeName()),
             node.IsMapping() ? "write the object as a list item, prefixed with '- '" : std::string());
  return false;
}

std::optional<std::string> FieldReader::String(std::string_view key) const {
  const YamlNode* value = Get(key);
  if (value == nullptr) return std::nullopt;
  return ScalarString(*value, fmt::format("'{}'", key), ctx_);
}

std::optional<int64_t> FieldReader::Int(std::string_view key) const {
  const YamlNode* value = Get(key);
  if (value == nullptr) return std::nullopt;
  return ScalarInt(*value, fmt::format("'{}'", key), ctx_);
}

std::optional<bool> FieldReader::Bool(std::string_view key) const {
  const YamlNode* value = Get(key);
  if (value == nullptr) return std::nullopt;
  if (value->IsScalar() && value->Resolve() == ScalarType::kBool) {
    static const std::string_view kTrue[] = {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"};
    return std::find(std::begin(kTrue), std::end(kTrue), value->scalar) != std::end(kTrue);
  }
  ctx_.Report(ir::RuleId::kWrongType, value->location,
              fmt::format("'{}' must be a boolean, not {}", key, value->TypeName()));
  return std::nullopt;
}

const YamlNode* FieldReader::List(std::string_view key) const {
  const YamlNode* value = Get(key);
  if (value == nullptr) return nullptr;
  return ExpectList(*value, fmt::format("'{}'", key), ctx_) ? value : nullptr;
}

const YamlNode* FieldReader::Map(std::string_view key) const {
  const YamlNode* value = Get(key);
  if (value == nullptr) return nullptr;
  if (value->IsMapping()) return value;
  ctx_.Report(ir::RuleId::kWrongType, value->location,
              fmt::format("'{}' must be an object, not {}", key, value->TypeName()));
  return nullptr;
}

std::optional<std::vector<std::string>> FieldReader::StringList(std::string_view key) const {
  const YamlNode* list = List(key);
  if (list == nullptr) return std::nullopt;
  std::vector<std::string> out;
  for (const YamlNode* item : list->items) {
    if (auto s = ScalarString(*item, fmt::format("an item of '{}'", key), ctx_)) out.push_back(std::move(*s));
  }
  return out;
}

std::optional<std::map<std::string, std::string>> FieldReader::StringMap(std::string_view key) const {
  const YamlNode* map = Map(key);
  if (map == nullptr) return std::nullopt;
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : map->entries) {
    if (!k->IsScalar()) continue;
    if (auto s = ScalarString(*v, fmt::format("the value of '{}' in '{}'", k->scalar, key), ctx_)) {
      out[k->scalar] = std::move(*s);
    }
  }
  return out;
}

bool FieldReader::Require(std::string_view key) const {
  if (!ok_) return false;
  if (Get(key) != nullptr) return true;
  ctx_.Report(ir::RuleId::kMissingField, node_.location, fmt::format("{} requires the field '{}'", what_, key));
  return false;
}

}  // namespace polc::compiler
