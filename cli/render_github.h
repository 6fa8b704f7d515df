// GitHub Actions workflow commands: each finding becomes an annotation on the
// pull request's diff, e.g.
//   ::error file=policies/web.yaml,line=12,col=9,title=unknown-field::unknown field ...
// (warning and notice for the other severities). The summary line follows as
// plain log output.
#pragma once

#include <string>
#include <string_view>

#include "cli/findings.h"

namespace polc::cli {

std::string RenderGithub(const RenderInput& input, bool quiet);

// GitHub's escaping of a command's message: % \r \n.
std::string EscapeGithubData(std::string_view text);
// ... and of a property value, which also escapes : and ,.
std::string EscapeGithubProperty(std::string_view text);

}  // namespace polc::cli
