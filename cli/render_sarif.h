// SARIF 2.1.0 output, shaped for GitHub code scanning: one run whose driver
// lists every rule of the table (ruleIndex points into it), and a `results`
// array that is present even when empty (GitHub rejects a run without it).
// Suppressed findings appear, with their reason as an inSource suppression,
// only with --show-suppressed.
#pragma once

#include <string>
#include <string_view>

#include "cli/findings.h"

namespace polc::cli {

inline constexpr std::string_view kPolcVersion = "0.1.0";

std::string RenderSarif(const RenderInput& input);

// A path as given on the command line, as a SARIF relative URI reference:
// bytes outside RFC 3986's unreserved and sub-delim set are percent-encoded.
std::string PathToUri(std::string_view path);

}  // namespace polc::cli
