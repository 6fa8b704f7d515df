#include "compiler/loose_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <iterator>

namespace polc::compiler {

LooseReader::LooseReader(const YamlNode* node, std::string_view what, LowerContext& ctx) : what_(what), ctx_(ctx) {
  if (node == nullptr || node->IsNull()) return;
  if (!node->IsMapping()) {
    Warn(node->location, fmt::format("{} is {}, not an object; polc ignores it", what_, node->TypeName()));
    return;
  }
  node_ = node;
}

const YamlNode* LooseReader::Get(std::string_view key) const {
  if (node_ == nullptr) return nullptr;
  const YamlNode* value = node_->Find(key);
  return value == nullptr || value->IsNull() ? nullptr : value;
}

ir::SourceLocation LooseReader::KeyLocation(std::string_view key) const {
  if (node_ == nullptr) return {};
  const YamlNode* k = node_->FindKey(key);
  return k != nullptr ? k->location : node_->location;
}

void LooseReader::Warn(ir::SourceLocation location, std::string message) const {
  ctx_.Report(ir::RuleId::kInventoryInvalidField, location, std::move(message),
              "fix the value; compare with what `kubectl get -o yaml` shows for this kind");
}

void LooseReader::WrongType(std::string_view key, const YamlNode& value, std::string_view expected) const {
  Warn(value.location,
       fmt::format("'{}' of {} is {}, not {}; polc ignores the field", key, what_, value.TypeName(), expected));
}

std::optional<std::string> LooseReader::String(std::string_view key) const {
  const YamlNode* value = Get(key);
  if (value == nullptr) return std::nullopt;
  if (!value->IsScalar()) {
    WrongType(key, *value, "a string");
    return std::nullopt;
  }
  return value->scalar;
}

std::optional<int64_t> ParseDecimal(const YamlNode& node) {
  if (!node.IsScalar() || node.quoted) return std::nullopt;
  int64_t out = 0;
  const char* begin = node.scalar.data();
  const char* end = begin + node.scalar.size();
  auto [ptr, ec] = std::from_chars(begin, end, out);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return out;
}

std::optional<int64_t> LooseReader::Int(std::string_view key) const {
  const YamlNode* value = Get(key);
  if (value == nullptr) return std::nullopt;
  std::optional<int64_t> out = ParseDecimal(*value);
  if (!out) WrongType(key, *value, "an integer");
  return out;
}

std::optional<bool> LooseReader::Bool(std::string_view key) const {
  const YamlNode* value = Get(key);
  if (value == nullptr) return std::nullopt;
  if (value->IsScalar() && value->Resolve() == ScalarType::kBool) {
    static const std::string_view kTrue[] = {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"};
    return std::find(std::begin(kTrue), std::end(kTrue), value->scalar) != std::end(kTrue);
  }
  WrongType(key, *value, "a boolean");
  return std::nullopt;
}

const YamlNode* LooseReader::Map(std::string_view key) const {
  const YamlNode* value = Get(key);
  if (value == nullptr) return nullptr;
  if (!value->IsMapping()) {
    WrongType(key, *value, "an object");
    return nullptr;
  }
  return value;
}

const YamlNode* LooseReader::List(std::string_view key) const {
  const YamlNode* value = Get(key);
  if (value == nullptr) return nullptr;
  if (!value->IsSequence()) {
    WrongType(key, *value, "a list");
    return nullptr;
  }
  return value;
}

std::map<std::string, std::string> LooseReader::StringMap(std::string_view key) const {
  std::map<std::string, std::string> out;
  const YamlNode* map = Map(key);
  if (map == nullptr) return out;
  for (const auto& [k, v] : map->entries) {
    if (!k->IsScalar()) continue;
    if (v->IsNull()) {
      out[k->scalar] = "";  // `key:` with no value is the empty string to kubectl
    } else if (!v->IsScalar()) {
      Warn(v->location, fmt::format("'{}' in '{}' of {} is {}, not a string; polc ignores it", k->scalar, key, what_,
                                    v->TypeName()));
    } else {
      out[k->scalar] = v->scalar;
    }
  }
  return out;
}

std::vector<std::string> LooseReader::StringList(std::string_view key) const {
  std::vector<std::string> out;
  const YamlNode* list = List(key);
  if (list == nullptr) return out;
  for (const YamlNode* item : list->items) {
    if (item->IsScalar()) {
      out.push_back(item->scalar);
    } else {
      Warn(item->location,
           fmt::format("an item of '{}' of {} is {}, not a string; polc ignores it", key, what_, item->TypeName()));
    }
  }
  return out;
}

}  // namespace polc::compiler
