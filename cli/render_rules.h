// `polc lint --list-rules`: the rule table (ir/diagnostic_rules.def) as a
// text table, JSON, or the Markdown of docs/RULES.md. docs/RULES.md is this
// output verbatim; tests/cli_test.cc fails when the two differ.
#pragma once

#include <string>

namespace polc::cli {

std::string RenderRulesText();
std::string RenderRulesJson();
std::string RenderRulesMarkdown();

}  // namespace polc::cli
