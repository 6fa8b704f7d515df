// The analysis part of `polc verify` (issue 5 sections 2 and 3): rule
// analysis findings are notes that leave the exit code alone; a predicted
// policy map at 80% of bpf-policy-map-max is a warning, above it an error
// that makes verify exit 1 (cilium-semantics.md 8.1, 8.3). Each format.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <string>

#include "tests/test_util.h"

namespace polc::testing {
namespace {

constexpr const char* kMistakes = "--config examples/mistakes/verify/.polc.yaml examples/mistakes/verify ";

std::string Verify(const std::string& args) { return "cd " + SourceDir() + " && " + Binary() + " verify " + args; }

bool Has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A repository of one pod shop/web-1 (app=web) and a policy allowing world
// ingress on `entries` x 40 TCP ports: 40 * entries + 1 map entries (one
// identity, one key per port, plus the allow-all key of the egress
// direction), with bpf-policy-map-max 256.
std::string MapRepository(int entries) {
  std::string dir = "/tmp/polc-verify-analysis-" + std::to_string(getpid()) + "-" + std::to_string(entries);
  RunCommand("rm -rf " + dir + " && mkdir -p " + dir);
  std::ofstream(dir + "/.polc.yaml") << "settings:\n  bpfPolicyMapMax: 256\n";
  std::ofstream(dir + "/pods.yaml") << "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web-1\n  namespace: shop\n"
                                       "  labels:\n    app: web\nspec:\n  containers:\n    - name: web\n"
                                       "      image: nginx\nstatus:\n  podIP: 10.0.0.5\n";
  std::ofstream policy(dir + "/policy.yaml");
  policy << "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: many-ports\n  namespace: shop\n"
            "spec:\n  endpointSelector:\n    matchLabels:\n      app: web\n  ingress:\n    - fromEntities:\n"
            "        - world\n      toPorts:\n";
  for (int e = 0; e < entries; ++e) {
    policy << "        - ports:\n";
    for (int i = 0; i < 40; ++i) {
      policy << "            - port: \"" << 1000 + e * 40 + i << "\"\n              protocol: TCP\n";
    }
  }
  return dir;
}

TEST_CASE("polc verify analysis: a dead allow is a note with its blocking deny, exit unchanged", "[verify][analysis]") {
  // dead-allow.yaml: ingress[0] (line 14) is covered by ingressDeny[0] (line 21).
  CommandResult run = RunCommand(Verify(std::string(kMistakes) + "--require default-deny --namespace payments 2>&1"));
  INFO(run.output);
  CHECK(run.exit_code == 0);  // informational only
  CHECK(Has(run.output, "note     rule-analysis [allow-dead-by-deny] examples/mistakes/verify/dead-allow.yaml:14: "));
  CHECK(Has(run.output, "    blocked by (opposite action): CiliumNetworkPolicy payments/ledger-public ingressDeny[0] "
                        "[deny] (examples/mistakes/verify/dead-allow.yaml:21)\n"));
  CHECK(Has(run.output, "analysis: 1 finding: 0 error, 0 warning, 1 note"));

  CommandResult off = RunCommand(Verify(std::string(kMistakes) + "--require default-deny --namespace payments "
                                                                 "--no-analysis 2>&1"));
  CHECK(off.exit_code == 0);
  CHECK_FALSE(Has(off.output, "analysis"));
}

TEST_CASE("polc verify analysis: sarif and github carry the note", "[verify][analysis]") {
  CommandResult sarif = RunCommand(Verify(std::string(kMistakes) + "--format sarif 2>/dev/null"));
  INFO(sarif.output);
  CHECK(sarif.exit_code == 1);  // the properties of the example fail
  CHECK(Has(sarif.output, "\"ruleId\": \"rule-analysis\""));
  CHECK(Has(sarif.output, "\"level\": \"note\""));
  CHECK(Has(sarif.output, "\"lintRule\": \"allow-dead-by-deny\""));
  CHECK(Has(sarif.output, "\"uri\": \"examples/mistakes/verify/dead-allow.yaml\""));
  CommandResult github = RunCommand(Verify(std::string(kMistakes) + "--format github 2>/dev/null"));
  INFO(github.output);
  CHECK(Has(github.output, "::notice file=examples/mistakes/verify/dead-allow.yaml,line=14,title=polc verify%3A "
                           "rule-analysis::[allow-dead-by-deny]"));
  CHECK(Has(github.output, "%0Ablocked by: CiliumNetworkPolicy payments/ledger-public ingressDeny[0] [deny]"));
}

TEST_CASE("polc verify analysis: a policy map above bpf-policy-map-max fails (8.3)", "[verify][analysis]") {
  std::string dir = MapRepository(7);  // 281 entries > 256
  CommandResult run = RunCommand(Verify("--config " + dir + "/.polc.yaml " + dir + " --require apiserver 2>&1"));
  INFO(run.output);
  CHECK(run.exit_code == 1);
  CHECK(Has(run.output, "error    policy-map [policy-map-overflow] " + dir + "/policy.yaml:1: endpoint shop/web-1 is "
                        "predicted to need 281 BPF policy map entries, more than bpf-policy-map-max 256"));
  CommandResult json = RunCommand(Verify("--config " + dir + "/.polc.yaml " + dir + " --require apiserver --format json "
                                         "2>/dev/null"));
  CHECK(json.exit_code == 1);
  CHECK(Has(json.output, "\"rule\": \"policy-map-overflow\""));
  CHECK(Has(json.output, "\"analysisErrors\": 1"));
  CommandResult github = RunCommand(Verify("--config " + dir + "/.polc.yaml " + dir +
                                           " --require apiserver --format github 2>/dev/null"));
  CHECK(Has(github.output, "::error file=" + dir + "/policy.yaml,line=1,title=polc verify%3A policy-map::"));
  CommandResult off = RunCommand(Verify("--config " + dir + "/.polc.yaml " + dir + " --require apiserver --no-analysis "
                                        "2>/dev/null"));
  CHECK(off.exit_code == 0);
  RunCommand("rm -rf " + dir);
}

TEST_CASE("polc verify analysis: near bpf-policy-map-max is a warning, exit 0", "[verify][analysis]") {
  std::string dir = MapRepository(6);  // 241 entries: >= 80% of 256, not above it
  CommandResult run = RunCommand(Verify("--config " + dir + "/.polc.yaml " + dir + " --require apiserver 2>&1"));
  INFO(run.output);
  CHECK(run.exit_code == 0);
  CHECK(Has(run.output, "warning  policy-map [policy-map-pressure] "));
  CHECK(Has(run.output, "241 BPF policy map entries, at least 80% of bpf-policy-map-max 256"));
  CommandResult sarif = RunCommand(Verify("--config " + dir + "/.polc.yaml " + dir +
                                          " --require apiserver --format sarif 2>/dev/null"));
  CHECK(sarif.exit_code == 0);
  CHECK(Has(sarif.output, "\"ruleId\": \"policy-map\""));
  CHECK(Has(sarif.output, "\"level\": \"warning\""));
  RunCommand("rm -rf " + dir);
  std::string small = MapRepository(4);  // 161 entries, below 80%: nothing
  CommandResult quiet = RunCommand(Verify("--config " + small + "/.polc.yaml " + small + " --require apiserver 2>&1"));
  CHECK(quiet.exit_code == 0);
  CHECK(Has(quiet.output, "analysis: 0 findings"));
  RunCommand("rm -rf " + small);
}

}  // namespace
}  // namespace polc::testing
