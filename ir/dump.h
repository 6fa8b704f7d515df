// Deterministic text dump of the IR, used by `polc lint --dump-ir` and by
// golden tests (testdata/ir/). The format is line-oriented and indented, one
// field per line, absent optional fields omitted, locations as line:col.
#pragma once

#include <string>

#include "ir/policy.h"
#include "ir/source_location.h"

namespace polc::ir {

std::string Dump(const PolicySet& policies, const FileTable& files);

}  // namespace polc::ir
