#include "compiler/yaml_prescan.h"

#include <algorithm>

#include <fmt/format.h>

namespace polc::compiler {
namespace {

class Prescanner {
 public:
  Prescanner(std::string_view text, const InputLimits& limits) : t_(text), limits_(limits) {}

  std::optional<PrescanProblem> Run() {
    size_t i = SkipDocumentMarker(0);
    size_t line_start = 0;
    uint64_t flow = 0;          // flow nesting depth; 0 is block context
    uint64_t commas = 0;        // flow commas in the whole file
    bool node_start = true;     // a node (so a quote or a bracket) may begin here
    while (i < t_.size()) {
      char c = t_[i];
      if (c == '\n') {
        line_start = ++i;
        if (flow == 0) node_start = true;
        if (size_t after = SkipDocumentMarker(i); after != i) {
          // A document marker ends any flow collection (YAML forbids one
          // inside), which also keeps a misjudged bracket from counting on.
          flow = 0;
          node_start = true;
          i = after;
        }
        continue;
      }
      if (c == ' ' || c == '\t' || c == '\r') {
        ++i;
        continue;
      }
      if (c == '#' && (i == line_start || t_[i - 1] == ' ' || t_[i - 1] == '\t')) {
        i = LineEnd(i);
        continue;
      }
      if (flow > 0) {
        switch (c) {
          case '[':
          case '{':
            if (++flow > limits_.max_depth) return TooDeep(i);
            node_start = true;
            ++i;
            continue;
          case ']':
          case '}':
            --flow;
            node_start = false;
            ++i;
            continue;
          case ',':
            // Each comma separates two nodes of the collection, so the file
            // has at least commas + 1 nodes.
            if (++commas >= limits_.max_nodes) return TooManyNodes(i);
            node_start = true;
            ++i;
            continue;
          case ':':
          case '?':
            node_start = true;
            ++i;
            continue;
          default: break;
        }
      } else if (node_start) {
        if ((c == '-' || c == '?' || c == ':') && SpaceOrEnd(i + 1)) {
          ++i;  // a block indicator; the node follows
          continue;
        }
        if (c == '[' || c == '{') {
          flow = 1;
          if (flow > limits_.max_depth) return TooDeep(i);
          ++i;
          continue;
        }
        if (c == '|' || c == '>') {
          i = SkipBlockScalar(i, line_start);
          continue;
        }
        if (c == '%' && i == line_start) {
          i = LineEnd(i);  // a directive
          continue;
        }
      } else {
        // Inside a plain scalar or after a complete node: only `: ` matters.
        if (c == ':' && SpaceOrEnd(i + 1)) node_start = true;
        ++i;
        continue;
      }
      // Both contexts, at the start of a node.
      if (node_start && (c == '"' || c == '\'')) {
        if (!SkipQuoted(i)) return std::nullopt;  // unterminated: the parser reports it
        node_start = false;
        continue;
      }
      if (node_start && (c == '&' || c == '!' || c == '*')) {
        while (i < t_.size() && !SpaceOrEnd(i) && (flow == 0 || !IsFlowIndicator(t_[i]))) ++i;
        node_start = c != '*';  // an anchor or tag is followed by its node
        continue;
      }
      node_start = false;
      ++i;
    }
    return std::nullopt;
  }

 private:
  static bool IsFlowIndicator(char c) { return c == '[' || c == ']' || c == '{' || c == '}' || c == ','; }

  bool SpaceOrEnd(size_t i) const {
    return i >= t_.size() || t_[i] == ' ' || t_[i] == '\t' || t_[i] == '\n' || t_[i] == '\r';
  }

  size_t LineEnd(size_t i) const {
    size_t end = t_.find('\n', i);
    return end == std::string_view::npos ? t_.size() : end;
  }

  // `---` or `...` at the start of a line, followed by a space or the end
  // of the line: returns the offset after it, else `i`.
  size_t SkipDocumentMarker(size_t i) const {
    std::string_view rest = t_.substr(i);
    if ((rest.starts_with("---") || rest.starts_with("...")) && SpaceOrEnd(i + 3)) return i + 3;
    return i;
  }

  // `i` is at the opening quote; on success leaves `i` after the closing one.
  bool SkipQuoted(size_t& i) const {
    char quote = t_[i];
    for (size_t k = i + 1; k < t_.size(); ++k) {
      if (quote == '"' && t_[k] == '\\') {
        ++k;  // an escape: skip the escaped character
      } else if (t_[k] == quote) {
        if (quote == '\'' && k + 1 < t_.size() && t_[k + 1] == '\'') {
          ++k;  // '' is an escaped single quote
          continue;
        }
        i = k + 1;
        return true;
      }
    }
    return false;
  }

  // `i` is at `|` or `>`. The content is every following line that is blank
  // or indented more than the line holding the indicator; returns the offset
  // of the newline before the first line that is not content.
  size_t SkipBlockScalar(size_t i, size_t line_start) const {
    size_t parent_indent = 0;
    while (line_start + parent_indent < t_.size() && t_[line_start + parent_indent] == ' ') ++parent_indent;
    size_t eol = LineEnd(i);
    while (eol < t_.size()) {
      size_t next = eol + 1;
      size_t k = next;
      while (k < t_.size() && t_[k] == ' ') ++k;
      bool blank = k >= t_.size() || t_[k] == '\n' || t_[k] == '\r';
      if (!blank && k - next <= parent_indent) return eol;
      eol = LineEnd(k);
    }
    return eol;
  }

  PrescanProblem At(ir::RuleId rule, size_t offset, std::string message) const {
    std::string_view prefix = t_.substr(0, offset);
    uint32_t line = static_cast<uint32_t>(std::count(prefix.begin(), prefix.end(), '\n')) + 1;
    size_t last_newline = prefix.rfind('\n');
    size_t column = offset - (last_newline == std::string_view::npos ? 0 : last_newline + 1) + 1;
    return {rule, line, static_cast<uint32_t>(column), std::move(message)};
  }

  PrescanProblem TooDeep(size_t offset) const {
    // The same words as the parser's own depth check.
    return At(ir::RuleId::kYamlTooDeep, offset,
              fmt::format("the document nests deeper than {} levels", limits_.max_depth));
  }

  PrescanProblem TooManyNodes(size_t offset) const {
    return At(ir::RuleId::kYamlTooLarge, offset,
              fmt::format("the file has more than {} YAML nodes (counting the items of its flow lists and "
                          "mappings)",
                          limits_.max_nodes));
  }

  std::string_view t_;
  const InputLimits& limits_;
};

}  // namespace

std::optional<PrescanProblem> PrescanFlowCollections(std::string_view text, const InputLimits& limits) {
  return Prescanner(text, limits).Run();
}

}  // namespace polc::compiler
