// The reports of `polc test`: text (one line per case, the trail of failed
// cases, then the summary line that CI tooling parses), JSON (ordered keys)
// and JUnit XML (one testsuite per PolicyTest, one testcase per case).
#pragma once

#include <string>

#include "cli/test_runner.h"

namespace polc::cli {

// "N passed, N failed": always the last line of the text report.
std::string TestSummaryLine(const TestReport& report);

// One line per case: "PASS  <test>/<case>  <verdict>  <deciding rule>"; a
// failed case is followed by its expectation, the mismatches and the whole
// trail, indented.
std::string RenderTestText(const TestReport& report);

std::string RenderTestJson(const TestReport& report);

std::string RenderTestJunit(const TestReport& report);

// Escapes text for XML content and attribute values (&, <, >, ", ', newlines
// in attributes as &#10;) and drops characters XML 1.0 forbids.
std::string XmlEscape(std::string_view text, bool attribute);

}  // namespace polc::cli
