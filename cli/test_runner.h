// Running PolicyTest cases (policy-test-format.md) against the reference
// evaluator and judging them: the part of `polc test` that is neither loading
// nor printing, so it can be tested on hand-built values. Results carry
// resolved "file:line" strings (FlowTrail), not IR locations, because each
// PolicyTest may load its own policies into its own FileTable.
#pragma once

#include <string>
#include <vector>

#include "cli/flow_trail.h"
#include "ir/inventory.h"
#include "ir/policy.h"
#include "ir/policy_test.h"
#include "ir/settings.h"
#include "verifier/evaluator.h"

namespace polc::cli {

struct CaseOutcome {
  std::string name;
  std::string location;  // of the case, "file:line"
  bool passed = false;
  std::string expected;  // "allow", "deny at egress (default-deny)", "audit", ...
  FlowTrail trail;
  std::vector<std::string> mismatches;  // why it failed, one sentence each
};

struct TestOutcome {
  std::string name;
  std::string file;  // the PolicyTest's file
  // Problems that make every case of the test fail: policy files with errors
  // ("file:line:col: message [rule]"), unreadable spec.policies paths, or
  // errors in the PolicyTest itself; `error_summary` says which, briefly.
  std::vector<std::string> errors;
  std::string error_summary;
  std::vector<CaseOutcome> cases;
};

struct TestReport {
  std::vector<TestOutcome> tests;
  size_t Passed() const;
  size_t Failed() const;  // failed cases, plus one per failed test without cases
};

// The flow a case describes.
verifier::Flow FlowOf(const ir::TestCase& test_case);

// Compares the evaluator's result with the case's expectations (section
// "Semantics of a case"): expect allow/deny against the overall verdict,
// deniedAt and reason when given, expectAudit against the AUDIT verdict.
// Returns the mismatches in words; empty means the case passes.
std::vector<std::string> Judge(const ir::TestCase& test_case, const verifier::FlowResult& result);

// "allow", "deny", "deny at egress (default-deny)", "audit", ...
std::string ExpectationText(const ir::TestCase& test_case);

// Runs every case of `test` against one evaluator. `test_files` holds the
// test's file, `policy_files` the policies' (they differ when the test names
// its own spec.policies).
TestOutcome RunPolicyTest(const ir::PolicyTest& test, const ir::FileTable& test_files,
                          const verifier::Evaluator& evaluator, const ir::PolicySet& policies,
                          const ir::FileTable& policy_files);

// An outcome whose cases all fail because of `errors` (the policies could not
// be loaded, or the test itself has errors: `summary` says which, e.g.
// "policies have errors"); every case is listed so the counts stay per case.
TestOutcome FailedPolicyTest(const ir::PolicyTest& test, const ir::FileTable& test_files,
                             std::vector<std::string> errors, std::string summary);

// The manifests' inventory merged with a test's inline inventory: lists are
// concatenated (inline endpoints after the manifests'), a namespace declared
// in either is declared (inline labels win), and a namespace used by an
// endpoint or service but declared nowhere exists with the
// kubernetes.io/metadata.name label only.
ir::Inventory MergeInventory(const ir::Inventory& manifests, const ir::Inventory& inline_inventory);

}  // namespace polc::cli
