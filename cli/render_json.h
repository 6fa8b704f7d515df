// Machine-readable formats: polc's own JSON and SARIF 2.1.0 (for GitHub code
// scanning and other SARIF viewers). Both are deterministic: keys in a fixed
// order (nlohmann::ordered_json), findings in ir::SortDiagnostics order.
#pragma once

#include <string>

#include "cli/findings.h"

namespace polc::cli {

// {"findings": [{rule, severity, file, line, column, message, hint}, ...],
//  "suppressed": [... same keys + reason ...]   (only with show_suppressed),
//  "summary": {files, policies, errors, warnings, infos, suppressed}}
// Unknown file, line or column are null.
std::string RenderJson(const RenderInput& input);

}  // namespace polc::cli
