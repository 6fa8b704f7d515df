// "Did you mean ...?" for misspelt field names, enum values and rule ids.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace polc::compiler {

// Edit distance (Levenshtein plus adjacent transpositions), case-sensitive.
size_t EditDistance(std::string_view a, std::string_view b);

// The closest candidate, if it is close enough to be a plausible typo:
// a case-insensitive match, or an edit distance of at most max(1, len/3).
std::optional<std::string> Suggest(std::string_view word, std::span<const std::string_view> candidates);

}  // namespace polc::compiler
