#include "compiler/suggest.h"

#include <array>

#include <catch2/catch.hpp>

namespace polc::compiler {
namespace {

TEST_CASE("EditDistance counts insertions, deletions, substitutions and transpositions", "[suggest]") {
  CHECK(EditDistance("toEndpoints", "toEndpoints") == 0);
  CHECK(EditDistance("toEndpoint", "toEndpoints") == 1);
  CHECK(EditDistance("ruels", "rules") == 1);  // adjacent swap
  CHECK(EditDistance("abc", "xyz") == 3);
}

TEST_CASE("Suggest proposes close candidates only", "[suggest]") {
  constexpr std::array<std::string_view, 4> kFields = {"toEndpoints", "toPorts", "toCIDRSet", "rules"};
  CHECK(Suggest("toEndpoint", kFields) == "toEndpoints");
  CHECK(Suggest("toports", kFields) == "toPorts");  // case only
  CHECK(Suggest("ruels", kFields) == "rules");
  CHECK_FALSE(Suggest("authentication", kFields).has_value());
}

}  // namespace
}  // namespace polc::compiler
