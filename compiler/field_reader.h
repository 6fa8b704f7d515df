// Schema checking while lowering YAML into IR.
//
// Every object in the schema is read through a FieldReader, which knows the
// object's field names. It reports unknown fields with a did-you-mean hint,
// and the typed getters report wrong types at the offending node, so one
// lowering function both validates and builds its IR node. The JSON
// conventions of the Kubernetes API apply: a `null` value is the same as an
// absent field.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/yaml_tree.h"
#include "ir/diagnostic.h"
#include "ir/settings.h"

namespace polc::compiler {

// Shared state while lowering one object.
struct LowerContext {
  ir::DiagnosticSink& sink;
  const ir::Settings& settings;
  int object = -1;  // index into LoadResult::objects

  void Report(ir::RuleId rule, ir::SourceLocation location, std::string message, std::string hint = {}) {
    sink.Report(rule, location, std::move(message), std::move(hint), object);
  }
};

// A field known in the opposite direction or under another name: reported as
// "X is not a field of Y; did you mean Z?" with an explanation.
struct FieldAlias {
  std::string_view written;
  std::string_view meant;
  std::string_view why;
};

class FieldReader {
 public:
  // `what` names the object in messages ("an ingress rule", "toPorts entry").
  // A non-mapping node is reported as wrong-type and yields a reader whose
  // getters all return nothing.
  FieldReader(const YamlNode& node, std::string_view what, std::initializer_list<std::string_view> known,
              LowerContext& ctx, std::span<const FieldAlias> aliases = {});

  bool ok() const { return ok_; }
  const YamlNode& node() const { return node_; }
  ir::SourceLocation location() const { return node_.location; }

  // The value node, or nullptr when absent or null.
  const YamlNode* Get(std::string_view key) const;
  // Location of the key itself (better for "field X ..." messages).
  ir::SourceLocation KeyLocation(std::string_view key) const;
  bool Has(std::string_view key) const { return Get(key) != nullptr; }

  // Typed getters: report wrong-type and return nullopt on a mismatch.
  std::optional<std::string> String(std::string_view key) const;
  std::optional<int64_t> Int(std::string_view key) const;
  std::optional<bool> Bool(std::string_view key) const;
  // A sequence node (nullptr when absent; wrong-type reported when not a list).
  const YamlNode* List(std::string_view key) const;
  // A mapping node (nullptr when absent; wrong-type reported when not an object).
  const YamlNode* Map(std::string_view key) const;
  std::optional<std::vector<std::string>> StringList(std::string_view key) const;
  std::optional<std::map<std::string, std::string>> StringMap(std::string_view key) const;

  // Reports missing-field unless `key` is present. Returns whether present.
  bool Require(std::string_view key) const;

  LowerContext& ctx() const { return ctx_; }

 private:
  const YamlNode& node_;
  std::string what_;
  LowerContext& ctx_;
  bool ok_ = true;
};

// Stand-alone typed conversions, for list items and the like.
std::optional<std::string> ScalarString(const YamlNode& node, std::string_view what, LowerContext& ctx);
std::optional<int64_t> ScalarInt(const YamlNode& node, std::string_view what, LowerContext& ctx);
bool ExpectList(const YamlNode& node, std::string_view what, LowerContext& ctx);

}  // namespace polc::compiler
