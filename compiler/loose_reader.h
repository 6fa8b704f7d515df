// Loose reading of Kubernetes manifests that describe the cluster (the
// inventory). They are not applied by polc, so unknown fields are ignored;
// a field of the wrong type or with an unusable value is reported as the
// warning inventory-invalid-field and dropped, never as an error.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/field_reader.h"
#include "compiler/yaml_tree.h"

namespace polc::compiler {

class LooseReader {
 public:
  // `node` may be nullptr (an absent object: every getter returns nothing).
  LooseReader(const YamlNode* node, std::string_view what, LowerContext& ctx);

  bool ok() const { return node_ != nullptr; }
  // The value node, or nullptr when absent or null.
  const YamlNode* Get(std::string_view key) const;
  ir::SourceLocation KeyLocation(std::string_view key) const;

  // Any scalar, as written (a number is kept as its text).
  std::optional<std::string> String(std::string_view key) const;
  std::optional<int64_t> Int(std::string_view key) const;
  std::optional<bool> Bool(std::string_view key) const;
  const YamlNode* Map(std::string_view key) const;
  const YamlNode* List(std::string_view key) const;
  // Entries whose value is not a scalar are reported and skipped.
  std::map<std::string, std::string> StringMap(std::string_view key) const;
  std::vector<std::string> StringList(std::string_view key) const;

  // Reports inventory-invalid-field at `location`.
  void Warn(ir::SourceLocation location, std::string message) const;
  std::string_view what() const { return what_; }
  LowerContext& ctx() const { return ctx_; }

 private:
  void WrongType(std::string_view key, const YamlNode& value, std::string_view expected) const;

  const YamlNode* node_ = nullptr;
  std::string what_;
  LowerContext& ctx_;
};

// A scalar's text as a decimal integer, nullopt when it is not one.
std::optional<int64_t> ParseDecimal(const YamlNode& node);

}  // namespace polc::compiler
