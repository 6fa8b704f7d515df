#include "compiler/yaml_tree.h"

#include "compiler/yaml_prescan.h"

#include <exception>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

namespace polc::compiler {

const YamlNode* YamlNode::Find(std::string_view key) const {
  for (const auto& [k, v] : entries) {
    if (k->IsScalar() && k->scalar == key) return v;
  }
  return nullptr;
}

const YamlNode* YamlNode::FindKey(std::string_view key) const {
  for (const auto& [k, v] : entries) {
    if (k->IsScalar() && k->scalar == key) return k;
  }
  return nullptr;
}

namespace {

bool IsYaml11Null(std::string_view s) { return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL"; }

bool IsYaml11Bool(std::string_view s) {
  static const std::unordered_set<std::string_view> kWords = {
      "y",  "Y",  "yes",  "Yes",  "YES",  "n",     "N",     "no",    "No", "NO", "true", "True",
      "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF"};
  return kWords.count(s) > 0;
}

bool AllOf(std::string_view s, const char* alphabet) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c != '_' && std::string_view(alphabet).find(c) == std::string_view::npos) return false;
  }
  return true;
}

bool IsYaml11Int(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) return AllOf(s.substr(2), "0123456789abcdefABCDEF");
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) return AllOf(s.substr(2), "01");
  return AllOf(s, "0123456789") && s.front() != '_';
}

bool IsYaml11Float(std::string_view s) {
  if (s == ".inf" || s == ".Inf" || s == ".INF" || s == "-.inf" || s == "+.inf" || s == ".nan" || s == ".NaN" ||
      s == ".NAN") {
    return true;
  }
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  size_t i = 0;
  size_t digits = 0;
  while (i < s.size() && (isdigit(static_cast<unsigned char>(s[i])) || s[i] == '_')) ++i, ++digits;
  bool dot = false;
  if (i < s.size() && s[i] == '.') {
    dot = true;
    ++i;
    while (i < s.size() && isdigit(static_cast<unsigned char>(s[i]))) ++i, ++digits;
  }
  if (digits == 0) return false;
  bool exponent = false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    exponent = true;
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    size_t start = i;
    while (i < s.size() && isdigit(static_cast<unsigned char>(s[i]))) ++i;
    if (i == start) return false;
  }
  return i == s.size() && (dot || exponent);
}

// Thrown from the event handler to abort yaml-cpp's parse on a limit.
struct LimitExceeded {
  ir::RuleId rule;
  ir::SourceLocation location;
  std::string message;
};

class TreeBuilder : public YAML::EventHandler {
 public:
  TreeBuilder(std::string_view text, YamlFile& out, const InputLimits& limits, ir::DiagnosticSink& sink)
      : text_(text), out_(out), limits_(limits), sink_(sink) {}

  void OnDocumentStart(const YAML::Mark& mark) override {
    stack_.clear();
    pending_key_.clear();
    anchors_.clear();
    document_ = YamlDocument{nullptr, Loc(mark)};
  }
  void OnDocumentEnd() override { out_.documents.push_back(document_); }

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    YamlNode& node = NewNode(YamlNode::Kind::kNull, mark);
    Attach(node, anchor);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto it = anchors_.find(anchor);
    if (it == anchors_.end()) return;  // yaml-cpp reports unknown anchors itself
    YamlNode* target = it->second;
    if (open_.count(target)) {
      throw LimitExceeded{ir::RuleId::kYamlTooLarge, Loc(mark), "an alias refers to a node that contains it"};
    }
    alias_nodes_ += target->expanded_size;
    Count(target->expanded_size, mark);
    AttachExisting(target);
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    if (tag == "!") CheckQuoteClosed(mark);
    YamlNode& node = NewNode(YamlNode::Kind::kScalar, mark);
    node.scalar = value;
    SetTag(node, tag);
    Attach(node, anchor);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value style) override {
    OpenContainer(YamlNode::Kind::kSequence, mark, tag, anchor).flow = style == YAML::EmitterStyle::Flow;
  }
  void OnSequenceEnd() override { CloseContainer(); }
  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value style) override {
    OpenContainer(YamlNode::Kind::kMapping, mark, tag, anchor).flow = style == YAML::EmitterStyle::Flow;
  }
  void OnMapEnd() override {
    YamlNode* map = stack_.back();
    ApplyMergeKeys(*map);
    CheckDuplicateKeys(*map);
    CloseContainer();
  }

 private:
  ir::SourceLocation Loc(const YAML::Mark& mark) const {
    return {out_.file, static_cast<uint32_t>(mark.line + 1), static_cast<uint32_t>(mark.column + 1)};
  }

  void Count(uint64_t nodes, const YAML::Mark& mark) {
    total_nodes_ += nodes;
    if (total_nodes_ > limits_.max_nodes) {
      // Only blame aliases when they make up most of the count.
      bool bomb = alias_nodes_ * 2 > total_nodes_;
      throw LimitExceeded{ir::RuleId::kYamlTooLarge, Loc(mark),
                          bomb ? fmt::format("the file expands to more than {} YAML nodes (aliases counted in full); "
                                             "this looks like an alias bomb",
                                             limits_.max_nodes)
                               : fmt::format("the file has more than {} YAML nodes", limits_.max_nodes)};
    }
  }

  // yaml-cpp 0.7 accepts a quoted scalar that is never closed when a line
  // break follows the opening quote somewhere (`name: "abc` + newline + EOF),
  // silently swallowing the rest of the file into the string. `mark` is where
  // the scalar starts; find its closing quote in the text ourselves.
  void CheckQuoteClosed(const YAML::Mark& mark) const {
    if (mark.pos < 0 || static_cast<size_t>(mark.pos) >= text_.size()) return;
    size_t start = static_cast<size_t>(mark.pos);
    char quote = text_[start];
    if (quote != '"' && quote != '\'') return;  // a block scalar or an explicit tag
    for (size_t k = start + 1; k < text_.size(); ++k) {
      if (quote == '"' && text_[k] == '\\') {
        ++k;
      } else if (text_[k] == quote) {
        if (quote == '\'' && k + 1 < text_.size() && text_[k + 1] == '\'') {
          ++k;
          continue;
        }
        return;
      }
    }
    throw LimitExceeded{ir::RuleId::kYamlSyntax, Loc(mark),
                        fmt::format("YAML syntax error: the quoted string that starts here is never closed "
                                    "(no matching {} before the end of the file)",
                                    quote == '"' ? "\"" : "'")};
  }

  YamlNode& NewNode(YamlNode::Kind kind, const YAML::Mark& mark) {
    Count(1, mark);
    YamlNode& node = out_.arena.emplace_back();
    node.kind = kind;
    node.location = Loc(mark);
    return node;
  }

  static void SetTag(YamlNode& node, const std::string& tag) {
    // yaml-cpp reports "?" for plain scalars and "!" for quoted/block ones.
    if (tag == "!") {
      node.quoted = true;
    } else if (tag != "?" && !tag.empty()) {
      node.tag = tag;
      if (tag == "tag:yaml.org,2002:str" || tag == "!!str") node.quoted = true;
    }
  }

  YamlNode& OpenContainer(YamlNode::Kind kind, const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor) {
    if (stack_.size() >= limits_.max_depth) {
      throw LimitExceeded{ir::RuleId::kYamlTooDeep, Loc(mark),
                          fmt::format("the document nests deeper than {} levels", limits_.max_depth)};
    }
    YamlNode& node = NewNode(kind, mark);
    if (tag != "?" && tag != "!" && !tag.empty()) node.tag = tag;
    Attach(node, anchor);
    stack_.push_back(&node);
    pending_key_.push_back(nullptr);
    open_.insert(&node);
    return node;
  }

  void CloseContainer() {
    YamlNode* node = stack_.back();
    uint64_t size = 1;
    if (node->IsSequence()) {
      for (const YamlNode* item : node->items) size += item->expanded_size;
    } else {
      for (const auto& [k, v] : node->entries) size += k->expanded_size + v->expanded_size;
      // yaml-cpp marks a block mapping where its start token was scanned,
      // which after comment lines can be the line above the first key; the
      // first key is where a reader looks for the object.
      if (!node->flow && !node->entries.empty()) node->location = node->entries.front().first->location;
    }
    node->expanded_size = size;
    open_.erase(node);
    stack_.pop_back();
    pending_key_.pop_back();
  }

  void Attach(YamlNode& node, YAML::anchor_t anchor) {
    if (anchor != YAML::NullAnchor) anchors_[anchor] = &node;
    AttachExisting(&node);
  }

  void AttachExisting(const YamlNode* node) {
    if (stack_.empty()) {
      document_.root = node;
      return;
    }
    YamlNode* parent = stack_.back();
    if (parent->IsSequence()) {
      parent->items.push_back(node);
    } else if (pending_key_.back() == nullptr) {
      pending_key_.back() = node;
    } else {
      parent->entries.emplace_back(pending_key_.back(), node);
      pending_key_.back() = nullptr;
    }
  }

  // YAML 1.1 merge keys (`<<: *base`), which kubectl honours.
  void ApplyMergeKeys(YamlNode& map) {
    bool has_merge = false;
    for (const auto& [k, v] : map.entries) {
      if (k->IsScalar() && !k->quoted && k->scalar == "<<") has_merge = true;
    }
    if (!has_merge) return;
    std::vector<YamlNode::Entry> own;
    std::vector<const YamlNode*> sources;
    for (const auto& entry : map.entries) {
      const auto& [k, v] = entry;
      if (k->IsScalar() && !k->quoted && k->scalar == "<<") {
        if (v->IsMapping()) sources.push_back(v);
        if (v->IsSequence()) {
          for (const YamlNode* item : v->items) {
            if (item->IsMapping()) sources.push_back(item);
          }
        }
      } else {
        own.push_back(entry);
      }
    }
    std::unordered_set<std::string_view> seen;
    for (const auto& [k, v] : own) {
      if (k->IsScalar()) seen.insert(k->scalar);
    }
    for (const YamlNode* source : sources) {
      for (const auto& entry : source->entries) {
        if (entry.first->IsScalar() && seen.insert(entry.first->scalar).second) own.push_back(entry);
      }
    }
    map.entries = std::move(own);
  }

  void CheckDuplicateKeys(const YamlNode& map) {
    std::unordered_map<std::string_view, const YamlNode*> seen;
    for (const auto& [k, v] : map.entries) {
      if (!k->IsScalar()) continue;
      auto [it, inserted] = seen.emplace(k->scalar, k);
      if (!inserted) {
        sink_.Report(ir::RuleId::kDuplicateKey, k->location,
                     fmt::format("duplicate key '{}' (first defined at line {})", k->scalar, it->second->location.line),
                     "remove one of the two entries");
      }
    }
  }

  std::string_view text_;
  YamlFile& out_;
  const InputLimits& limits_;
  ir::DiagnosticSink& sink_;
  YamlDocument document_;
  std::vector<YamlNode*> stack_;
  std::vector<const YamlNode*> pending_key_;
  std::unordered_map<YAML::anchor_t, YamlNode*> anchors_;
  std::unordered_set<const YamlNode*> open_;
  uint64_t total_nodes_ = 0;
  uint64_t alias_nodes_ = 0;  // of total_nodes_, those added by expanding aliases
};

}  // namespace

ScalarType YamlNode::Resolve() const {
  if (kind == Kind::kNull) return ScalarType::kNull;
  if (kind != Kind::kScalar) return ScalarType::kString;
  if (quoted) return ScalarType::kString;
  if (!tag.empty()) {
    if (tag == "tag:yaml.org,2002:int" || tag == "!!int") return ScalarType::kInt;
    if (tag == "tag:yaml.org,2002:bool" || tag == "!!bool") return ScalarType::kBool;
    if (tag == "tag:yaml.org,2002:float" || tag == "!!float") return ScalarType::kFloat;
    if (tag == "tag:yaml.org,2002:null" || tag == "!!null") return ScalarType::kNull;
  }
  if (IsYaml11Null(scalar)) return ScalarType::kNull;
  if (IsYaml11Bool(scalar)) return ScalarType::kBool;
  if (IsYaml11Int(scalar)) return ScalarType::kInt;
  if (IsYaml11Float(scalar)) return ScalarType::kFloat;
  return ScalarType::kString;
}

std::string_view YamlNode::TypeName() const {
  switch (kind) {
    case Kind::kNull: return "null";
    case Kind::kSequence: return "list";
    case Kind::kMapping: return "object";
    case Kind::kScalar: break;
  }
  switch (Resolve()) {
    case ScalarType::kNull: return "null";
    case ScalarType::kBool: return "boolean";
    case ScalarType::kInt: return "integer";
    case ScalarType::kFloat: return "number";
    case ScalarType::kString: return "string";
  }
  return "string";
}

ParseOutcome ParseYaml(std::string_view text, ir::FileId file, const InputLimits& limits, ir::DiagnosticSink& sink) {
  ParseOutcome outcome;
  outcome.file.file = file;
  if (auto problem = PrescanFlowCollections(text, limits)) {
    sink.Report(problem->rule, {file, problem->line, problem->column}, problem->message);
    outcome.ok = false;
    return outcome;
  }
  std::istringstream stream{std::string(text)};
  TreeBuilder builder(text, outcome.file, limits, sink);
  try {
    YAML::Parser parser(stream);
    while (parser.HandleNextDocument(builder)) {
    }
  } catch (const LimitExceeded& e) {
    sink.Report(e.rule, e.location, e.message);
    outcome.ok = false;
  } catch (const YAML::DeepRecursion& e) {
    sink.Report(ir::RuleId::kYamlTooDeep, {file, static_cast<uint32_t>(e.mark.line + 1),
                                           static_cast<uint32_t>(e.mark.column + 1)},
                "the document nests too deeply for the YAML parser");
    outcome.ok = false;
  } catch (const YAML::Exception& e) {
    ir::SourceLocation loc{file, 1, 1};
    if (!e.mark.is_null()) {
      loc = {file, static_cast<uint32_t>(e.mark.line + 1), static_cast<uint32_t>(e.mark.column + 1)};
    }
    sink.Report(ir::RuleId::kYamlSyntax, loc, fmt::format("YAML syntax error: {}", e.msg));
    outcome.ok = false;
  }
  return outcome;
}

}  // namespace polc::compiler
