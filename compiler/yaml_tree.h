// A bounded YAML/JSON loader that keeps the position of every node.
//
// yaml-cpp's node API hides positions of keys and expands nothing, so we
// build our own tree from its event parser. This is also where hostile input
// is stopped: nesting depth and the number of nodes a document expands to
// (aliases count as the full size of what they refer to, so an alias bomb is
// caught before anything walks it) are limited, and the parse stops at the
// first violation with one diagnostic.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ir/diagnostic.h"
#include "ir/source_location.h"

namespace polc::compiler {

struct InputLimits {
  uint64_t max_file_bytes = 32ull << 20;  // 32 MiB
  uint32_t max_depth = 64;                // real policies nest ~12 levels
  uint64_t max_nodes = 2'000'000;         // per file, after alias expansion
};

// How a plain (unquoted) scalar resolves, following the YAML 1.1 rules that
// kubectl's sigs.k8s.io/yaml applies (so `yes` is a bool and `080` an int).
enum class ScalarType { kNull, kBool, kInt, kFloat, kString };

class YamlNode {
 public:
  enum class Kind { kNull, kScalar, kSequence, kMapping };
  using Entry = std::pair<const YamlNode*, const YamlNode*>;  // key, value

  Kind kind = Kind::kNull;
  std::string scalar;  // the text of a scalar (empty for null)
  bool quoted = false; // written in quotes or as a block scalar: always a string
  std::string tag;     // explicit tag such as "!!str", empty when none
  bool flow = false;   // a collection written in flow style: [..] or {..}
  std::vector<const YamlNode*> items;  // kSequence
  std::vector<Entry> entries;          // kMapping, in source order
  ir::SourceLocation location;
  uint64_t expanded_size = 1;  // nodes in this subtree, aliases expanded

  bool IsNull() const { return kind == Kind::kNull; }
  bool IsScalar() const { return kind == Kind::kScalar; }
  bool IsSequence() const { return kind == Kind::kSequence; }
  bool IsMapping() const { return kind == Kind::kMapping; }

  // The value for `key` in a mapping, or nullptr.
  const YamlNode* Find(std::string_view key) const;
  // The key node for `key` in a mapping (for locations), or nullptr.
  const YamlNode* FindKey(std::string_view key) const;

  ScalarType Resolve() const;
  // "null", "boolean", "integer", "number", "string", "list" or "object",
  // as the Kubernetes API names JSON types in its errors.
  std::string_view TypeName() const;
};

struct YamlDocument {
  const YamlNode* root = nullptr;  // nullptr for an empty document
  ir::SourceLocation location;     // where the document starts
};

// The parsed contents of one file. Owns all of its nodes.
struct YamlFile {
  ir::FileId file = ir::kNoFile;
  std::vector<YamlDocument> documents;
  std::deque<YamlNode> arena;
};

// Parses every document in `text`. On a syntax error or a limit violation it
// reports one diagnostic and returns the documents completed before it;
// `ok` is false then.
struct ParseOutcome {
  YamlFile file;
  bool ok = true;
};
ParseOutcome ParseYaml(std::string_view text, ir::FileId file, const InputLimits& limits, ir::DiagnosticSink& sink);

}  // namespace polc::compiler
