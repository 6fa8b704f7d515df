// Reference evaluator throughput: loads a policy repository and the flows of
// a generated PolicyTest (bench/gen_flows.py), builds one Evaluator and
// evaluates the flows repeatedly for at least two seconds.
//
//   eval_bench POLICYDIR FLOWDIR
//
// Prints the load and setup times, flows per second and the verdict mix (so
// a run where every flow errors out is noticed). Built by bench/eval_bench.sh
// against the build's static libraries, like stage_times.
#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/test_runner.h"  // FlowOf: a case as a flow, as polc test builds it
#include "compiler/loader.h"
#include "verifier/evaluator.h"

namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }


}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    fmt::print(stderr, "usage: eval_bench POLICYDIR FLOWDIR\n");
    return 2;
  }
  auto start = Clock::now();
  polc::compiler::LoadOptions options;
  polc::compiler::LoadResult loaded = polc::compiler::Load({argv[1], argv[2]}, options);
  double load_seconds = Seconds(start);
  if (loaded.tests.empty()) {
    fmt::print(stderr, "eval_bench: no PolicyTest in {}\n", argv[2]);
    return 2;
  }
  const polc::ir::PolicyTest& test = loaded.tests.front();
  // The test's inline inventory (DNS, kube-apiserver) joins the manifests'.
  polc::ir::Inventory inventory = loaded.inventory;
  for (const auto& record : test.inventory.dns) inventory.dns.push_back(record);
  for (const auto& ip : test.inventory.kube_apiserver_ips) inventory.kube_apiserver_ips.push_back(ip);
  std::vector<polc::verifier::Flow> flows;
  for (const polc::ir::TestCase& c : test.cases) flows.push_back(polc::cli::FlowOf(c));

  start = Clock::now();
  polc::verifier::Evaluator evaluator(loaded.policies, inventory, options.settings);
  double setup_seconds = Seconds(start);

  std::map<std::string, size_t> verdicts;
  for (const auto& flow : flows) {
    polc::verifier::FlowResult result = evaluator.Evaluate(flow);
    verdicts[result.error ? "error" : std::string(polc::verifier::VerdictName(result.verdict))]++;
  }
  size_t evaluated = 0;
  size_t denied = 0;  // used below, so the calls cannot be optimised away
  start = Clock::now();
  double elapsed = 0;
  do {
    for (const auto& flow : flows) {
      denied += evaluator.Evaluate(flow).verdict == polc::verifier::Verdict::kDeny ? 1 : 0;
      ++evaluated;
    }
    elapsed = Seconds(start);
  } while (elapsed < 2.0);

  fmt::print("policies: {}, endpoints: {}, flows: {}\n", loaded.policies.policies.size(), inventory.endpoints.size(),
             flows.size());
  fmt::print("load (read, parse, lower, Sanitize, inventory): {:.3f} s\n", load_seconds);
  fmt::print("evaluator setup: {:.3f} s\n", setup_seconds);
  fmt::print("evaluated {} flows in {:.3f} s: {:.0f} flows/s ({:.1f} us/flow)\n", evaluated, elapsed,
             evaluated / elapsed, elapsed * 1e6 / evaluated);
  std::string mix;
  for (const auto& [verdict, count] : verdicts) mix += fmt::format("{}{} {}", mix.empty() ? "" : ", ", verdict, count);
  fmt::print("verdicts (one pass): {}; denied in the timed passes: {}\n", mix, denied);
  return 0;
}
