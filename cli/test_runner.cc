#include "cli/test_runner.h"

#include <map>
#include <set>

#include <fmt/format.h>

namespace polc::cli {
namespace {

constexpr std::string_view kNamespaceNameLabel = "kubernetes.io/metadata.name";

std::string LineOf(const ir::SourceLocation& location, const ir::FileTable& files) {
  if (!location.Known() || location.file >= files.size()) return {};
  return fmt::format("{}:{}", files.Path(location.file), location.line);
}

std::string FileOf(const ir::SourceLocation& location, const ir::FileTable& files) {
  return location.Known() && location.file < files.size() ? files.Path(location.file) : "";
}

std::string DeniedText(const verifier::FlowResult& result) {
  std::string text(verifier::VerdictName(result.verdict));
  if (result.denied_at) text += " at " + DirectionName(*result.denied_at);
  if (result.deny_reason) text += " (" + DenyReasonName(*result.deny_reason) + ")";
  return text;
}

}  // namespace

size_t TestReport::Passed() const {
  size_t passed = 0;
  for (const TestOutcome& test : tests) {
    for (const CaseOutcome& c : test.cases) passed += c.passed ? 1 : 0;
  }
  return passed;
}

size_t TestReport::Failed() const {
  size_t failed = 0;
  for (const TestOutcome& test : tests) {
    if (test.cases.empty() && !test.errors.empty()) ++failed;
    for (const CaseOutcome& c : test.cases) failed += c.passed ? 0 : 1;
  }
  return failed;
}

verifier::Flow FlowOf(const ir::TestCase& test_case) {
  verifier::Flow flow;
  flow.source = test_case.from;
  flow.destination = test_case.to;
  flow.protocol = test_case.protocol;
  flow.port = test_case.port;
  flow.icmp_type = test_case.icmp_type;
  flow.http = test_case.http;
  flow.dns = test_case.dns;
  flow.kafka = test_case.kafka;
  return flow;
}

std::string ExpectationText(const ir::TestCase& test_case) {
  std::string text = test_case.expect_audit ? "audit" : test_case.expect == ir::Expectation::kAllow ? "allow" : "deny";
  if (test_case.denied_at) text += " at " + DirectionName(*test_case.denied_at);
  if (test_case.reason) text += " (" + DenyReasonName(*test_case.reason) + ")";
  return text;
}

std::vector<std::string> Judge(const ir::TestCase& test_case, const verifier::FlowResult& result) {
  std::vector<std::string> mismatches;
  if (result.error) {
    mismatches.push_back(fmt::format("the flow cannot be evaluated: {}", *result.error));
    return mismatches;
  }
  bool denied = result.verdict != verifier::Verdict::kAllow;  // AUDIT is a deny that audit mode let through
  if (test_case.expect_audit) {
    if (result.verdict != verifier::Verdict::kAudit) {
      mismatches.push_back(fmt::format(
          "expected AUDIT (a deny that audit mode lets through), but the verdict is {}", DeniedText(result)));
    }
  } else if (test_case.expect == ir::Expectation::kAllow) {
    if (result.verdict == verifier::Verdict::kAudit) {
      mismatches.push_back(fmt::format("expected allow, but the flow passes only because of audit mode ({}); "
                                       "write expectAudit: true if that is intended",
                                       DeniedText(result)));
    } else if (result.verdict != verifier::Verdict::kAllow) {
      mismatches.push_back(fmt::format("expected allow, but the verdict is {}", DeniedText(result)));
    }
  } else if (result.verdict != verifier::Verdict::kDeny) {
    mismatches.push_back(fmt::format("expected deny, but the verdict is {}", DeniedText(result)));
  }
  // deniedAt and reason are about where and why the deny happened; they are
  // only compared when there is a deny to compare with.
  if (denied && test_case.denied_at && result.denied_at != test_case.denied_at) {
    mismatches.push_back(fmt::format("expected the deny at {}, but it is {}", DirectionName(*test_case.denied_at),
                                     result.denied_at ? "at " + DirectionName(*result.denied_at) : "not on one side"));
  }
  if (denied && test_case.reason && result.deny_reason != test_case.reason) {
    mismatches.push_back(fmt::format("expected reason {}, but it is {}", DenyReasonName(*test_case.reason),
                                     result.deny_reason ? DenyReasonName(*result.deny_reason) : "unknown"));
  }
  return mismatches;
}

TestOutcome RunPolicyTest(const ir::PolicyTest& test, const ir::FileTable& test_files,
                          const verifier::Evaluator& evaluator, const ir::PolicySet& policies,
                          const ir::FileTable& policy_files) {
  TestOutcome outcome;
  outcome.name = test.name;
  outcome.file = FileOf(test.location, test_files);
  for (const ir::TestCase& test_case : test.cases) {
    verifier::FlowResult result = evaluator.Evaluate(FlowOf(test_case));
    CaseOutcome c;
    c.name = test_case.name;
    c.location = LineOf(test_case.location, test_files);
    c.expected = ExpectationText(test_case);
    c.mismatches = Judge(test_case, result);
    c.passed = c.mismatches.empty();
    c.trail = MakeTrail(result, policies, policy_files);
    outcome.cases.push_back(std::move(c));
  }
  return outcome;
}

TestOutcome FailedPolicyTest(const ir::PolicyTest& test, const ir::FileTable& test_files,
                             std::vector<std::string> errors, std::string summary) {
  TestOutcome outcome;
  outcome.name = test.name;
  outcome.file = FileOf(test.location, test_files);
  outcome.errors = std::move(errors);
  outcome.error_summary = std::move(summary);
  for (const ir::TestCase& test_case : test.cases) {
    CaseOutcome c;
    c.name = test_case.name;
    c.location = LineOf(test_case.location, test_files);
    c.expected = ExpectationText(test_case);
    c.trail.verdict = "error";
    c.trail.error = "not evaluated: " + outcome.error_summary;
    c.mismatches.push_back(c.trail.error);
    outcome.cases.push_back(std::move(c));
  }
  return outcome;
}

ir::Inventory MergeInventory(const ir::Inventory& manifests, const ir::Inventory& inline_inventory) {
  ir::Inventory merged = manifests;
  std::map<std::string, ir::Namespace> namespaces;
  for (const ir::Namespace& ns : manifests.namespaces) namespaces[ns.name] = ns;
  for (const ir::Namespace& ns : inline_inventory.namespaces) {
    auto [it, inserted] = namespaces.try_emplace(ns.name, ns);
    if (inserted) continue;
    ir::Namespace& existing = it->second;
    if (!ns.declared) continue;  // a mere reference adds nothing
    if (!existing.declared) {
      existing = ns;
    } else {
      for (const auto& [key, value] : ns.labels) existing.labels[key] = value;
    }
  }
  auto append = [](auto& to, const auto& from) { to.insert(to.end(), from.begin(), from.end()); };
  append(merged.endpoints, inline_inventory.endpoints);
  append(merged.services, inline_inventory.services);
  append(merged.nodes, inline_inventory.nodes);
  append(merged.kube_apiserver_ips, inline_inventory.kube_apiserver_ips);
  append(merged.dns, inline_inventory.dns);

  std::set<std::string> used;
  for (const ir::Endpoint& endpoint : merged.endpoints) used.insert(endpoint.namespace_.empty() ? "default" : endpoint.namespace_);
  for (const ir::InventoryService& service : merged.services) used.insert(service.namespace_.empty() ? "default" : service.namespace_);
  for (const std::string& name : used) {
    if (namespaces.count(name) != 0) continue;
    ir::Namespace ns;
    ns.name = name;
    ns.declared = false;
    namespaces[name] = ns;
  }
  merged.namespaces.clear();
  for (auto& [name, ns] : namespaces) {
    ns.labels[std::string(kNamespaceNameLabel)] = name;  // the API server adds it to every namespace
    merged.namespaces.push_back(ns);                      // std::map order: sorted by name
  }
  return merged;
}

}  // namespace polc::cli
