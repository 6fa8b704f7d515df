// examples/policy-map (issue 5 section 3) with golden output: with
// bpf-policy-map-max 256, edge/api-1 is near the limit (warning) and
// edge/web-1 above it (error, exit 1), each naming its top policies; the
// README derives the numbers (cilium-semantics.md 8.1). And the baseline
// gate on it: an overflow a change introduces fails, a change that only
// moves lines reports nothing (verify_baseline.h).
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>

#include "tests/test_util.h"

namespace polc::testing {
namespace {

constexpr const char* kConfig = "--config examples/policy-map/.polc.yaml ";

std::string Verify(const std::string& args) { return "cd " + SourceDir() + " && " + Binary() + " verify " + args; }

bool Has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A copy of the example under /tmp, to change.
std::string CopyExample(const std::string& name) {
  std::string dir = "/tmp/polc-policy-map-" + std::to_string(getpid()) + "-" + name;
  RunCommand("rm -rf " + dir + " && mkdir -p " + dir + " && cp -r " + SourceDir() + "/examples/policy-map/cluster " +
             SourceDir() + "/examples/policy-map/policies " + dir);
  return dir;
}

TEST_CASE("examples/policy-map: one endpoint near bpf-policy-map-max, one above it", "[examples][verify][policy-map]") {
  CommandResult run = RunCommand(Verify(std::string(kConfig) + "examples/policy-map 2>&1"));
  INFO(run.output);
  CHECK(run.exit_code == 1);  // the overflow is an error
  CHECK(Has(run.output, "warning  policy-map [policy-map-pressure] examples/policy-map/policies/api-partners.yaml:"));
  CHECK(Has(run.output, "endpoint edge/api-1 is predicted to need 209 BPF policy map entries"));
  CHECK(Has(run.output, "error    policy-map [policy-map-overflow] examples/policy-map/policies/web-partners.yaml:"));
  CHECK(Has(run.output, "endpoint edge/web-1 is predicted to need 304 BPF policy map entries"));
  CHECK(Has(run.output, "CiliumNetworkPolicy edge/web-partners (160 entries"));
  CHECK(Has(run.output, "CiliumNetworkPolicy edge/web-admin (144 entries"));
  CHECK(Has(run.output, "CiliumNetworkPolicy edge/api-metrics (1 entry, "));
  std::string expected = Golden(SourceDir() + "/examples/policy-map/expected.txt", run.output);
  CHECK(run.output == expected);

  // The lint rules say the same.
  CommandResult lint =
      RunCommand("cd " + SourceDir() + " && " + Binary() + " lint " + kConfig + "examples/policy-map 2>&1");
  INFO(lint.output);
  CHECK(lint.exit_code == 1);
  CHECK(Has(lint.output, "[policy-map-overflow]"));
  CHECK(Has(lint.output, "[policy-map-pressure]"));
}

TEST_CASE("polc verify --baseline: a policy-map overflow a change introduces fails the gate",
          "[verify][baseline][policy-map]") {
  // Baseline: the example without web-admin (web-1 needs 160 entries, api-1
  // is already near the limit). Now: the example, web-1 overflows.
  std::string old = CopyExample("old");
  RunCommand("rm " + old + "/policies/web-admin.yaml");
  CommandResult run = RunCommand(Verify(std::string(kConfig) + "examples/policy-map --baseline " + old + " 2>&1"));
  INFO(run.output);
  CHECK(run.exit_code == 1);
  CHECK(Has(run.output, "regressions only, against " + old));
  CHECK(Has(run.output, "error    policy-map [policy-map-overflow] "));
  CHECK(Has(run.output, "endpoint edge/web-1 is predicted to need 304"));
  CHECK_FALSE(Has(run.output, "policy-map-pressure"));  // api-1 was near the limit before
  CHECK(Has(run.output, "analysis: 1 finding: 1 error, 0 warning, 0 note"));

  // The other way round nothing is new: the change removes the overflow.
  CommandResult fixed = RunCommand(Verify(std::string(kConfig) + old + " --baseline examples/policy-map 2>&1"));
  INFO(fixed.output);
  CHECK(fixed.exit_code == 0);
  CHECK(Has(fixed.output, "analysis: 0 findings"));
  RunCommand("rm -rf " + old);
}

TEST_CASE("polc verify --baseline: a change that only moves lines adds no finding", "[verify][baseline][policy-map]") {
  // Now: every policy file gets three comment lines on top, so every finding
  // moves; the rule-analysis example (a dead allow) likewise.
  std::string moved = CopyExample("moved");
  RunCommand("cd " + moved + "/policies && for f in *.yaml; do printf '# moved\\n# down\\n# three lines\\n' | "
             "cat - $f > $f.new && mv $f.new $f; done");
  CommandResult run = RunCommand(Verify(std::string(kConfig) + moved + " --baseline examples/policy-map 2>&1"));
  INFO(run.output);
  CHECK(run.exit_code == 0);
  CHECK(Has(run.output, "analysis: 0 findings"));
  // Without the baseline the moved copy has both findings, at the new lines.
  CommandResult plain = RunCommand(Verify(std::string(kConfig) + moved + " 2>&1"));
  CHECK(plain.exit_code == 1);
  CHECK(Has(plain.output, moved + "/policies/web-partners.yaml:7: endpoint edge/web-1"));
  RunCommand("rm -rf " + moved);

  std::string dead = "/tmp/polc-policy-map-" + std::to_string(getpid()) + "-dead";
  RunCommand("rm -rf " + dead + " && mkdir -p " + dead + " && cd " + SourceDir() +
             "/examples/mistakes/verify && for f in *.yaml; do printf '# moved\\n' | cat - $f > " + dead +
             "/$f; done");
  const std::string mistakes = "--config examples/mistakes/verify/.polc.yaml " + dead + " --require default-deny";
  CommandResult before = RunCommand(Verify(mistakes + " 2>&1"));
  INFO(before.output);
  CHECK(Has(before.output, "[allow-dead-by-deny] " + dead + "/dead-allow.yaml:15: "));  // was line 14
  CommandResult gated = RunCommand(Verify(mistakes + " --baseline examples/mistakes/verify 2>&1"));
  INFO(gated.output);
  CHECK(gated.exit_code == 0);
  CHECK(Has(gated.output, "analysis: 0 findings"));
  RunCommand("rm -rf " + dead);
}

}  // namespace
}  // namespace polc::testing
