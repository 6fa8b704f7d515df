// A quick pass over the raw text before yaml-cpp sees it, to bound the
// memory of flow collections ([...] and {...}, and so every JSON file).
//
// Why: yaml-cpp 0.7 cannot tell whether a flow collection is the key of an
// implicit mapping (`[a, b]: c`) until it has scanned to its end, so it
// tokenizes the whole collection before emitting the first event. The event
// handler's depth and node limits therefore fire only after every token is
// in memory (about 250 bytes each): a 30 MB `[[[[...` or `[a,a,a,...` file
// exhausts 3 GB. This pass finds the same violations from the text alone.
//
// It is a lexer, not a parser: it tracks comments, quoted strings and block
// scalars only well enough to count flow brackets and commas. It reports a
// problem only when the flow nesting itself exceeds the depth limit, or when
// flow commas alone prove the file has more nodes than the node limit (each
// comma separates two nodes), so on well-formed input it agrees with the
// full parse; anything it misjudges is still caught by the parse.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "compiler/yaml_tree.h"
#include "ir/diagnostic.h"

namespace polc::compiler {

struct PrescanProblem {
  ir::RuleId rule;
  uint32_t line = 0;    // 1-based
  uint32_t column = 0;  // 1-based
  std::string message;
};

std::optional<PrescanProblem> PrescanFlowCollections(std::string_view text, const InputLimits& limits);

}  // namespace polc::compiler
