// The human format, as compilers print it (clang, ninja):
//
//   policies/web.yaml:12:9: error: unknown field 'fromEndpoint' ... [unknown-field]
//           fromEndpoint:
//           ^
//     hint: ...
//
// followed by a summary line. Colour is decided by the caller (UseColor).
#pragma once

#include <string>
#include <string_view>

#include "cli/findings.h"

namespace polc::cli {

struct TextOptions {
  bool color = false;
  bool quiet = false;    // only the summary line
  bool summary = true;   // end with the summary line
};

std::string RenderText(const RenderInput& input, const TextOptions& options);

// "3 files, 2 policies, 1 error, 2 warnings, 0 infos, 1 suppressed".
std::string SummaryLine(const Summary& summary);

// Whether to colour output: `mode` is auto|always|never; auto colours only a
// terminal (not TERM=dumb) and honours NO_COLOR (https://no-color.org): set
// and non-empty disables colour. `no_color` and `term` are the environment
// values, nullptr when unset.
bool UseColor(std::string_view mode, bool is_terminal, const char* no_color, const char* term);

}  // namespace polc::cli
