// The lints end to end: YAML through compiler::LoadText (lowering and
// Sanitize) into RunLints. These check that findings point at the offending
// YAML node (line:column) and carry the policy's object index, and that the
// nearest correct policy lints clean.
#include <catch2/catch.hpp>
#include <string>
#include <string_view>

#include "compiler/loader.h"
#include "verifier/lint_test_util.h"

namespace polc::verifier {
namespace {

using ir::RuleId;
using test::Count;
using test::Find;
using test::Summary;

struct Linted {
  std::vector<ir::Diagnostic> load;   // lowering + Sanitize
  std::vector<ir::Diagnostic> lints;  // RunLints only
};

Linted LintYaml(std::string_view yaml, const ir::Settings& settings = {}) {
  compiler::LoadOptions options;
  options.settings = settings;
  compiler::LoadResult result = compiler::LoadText("policy.yaml", yaml, options);
  ir::DiagnosticSink sink;
  RunLints(result.policies, settings, sink);
  return {result.sink.diagnostics(), sink.diagnostics()};
}

// Line and column of the first occurrence of `needle` in `yaml`, 1-based.
ir::SourceLocation Where(std::string_view yaml, std::string_view needle) {
  const size_t at = yaml.find(needle);
  REQUIRE(at != std::string_view::npos);
  const size_t line_start = yaml.rfind('\n', at) == std::string_view::npos ? 0 : yaml.rfind('\n', at) + 1;
  const auto line = static_cast<uint32_t>(std::count(yaml.begin(), yaml.begin() + at, '\n') + 1);
  return {0, line, static_cast<uint32_t>(at - line_start + 1)};
}

constexpr std::string_view kHeader = R"(apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: web
  namespace: prod
spec:
  endpointSelector:
    matchLabels:
      app: web
)";

std::string Cnp(std::string_view sections) {
  return std::string(kHeader) + std::string(sections);
}

TEST_CASE("yaml 3.2: `ingress: []` next to egress rules", "[lint][yaml]") {
  const std::string yaml = Cnp(R"(  ingress: []
  egress:
  - toEndpoints:
    - matchLabels: {k8s:k8s-app: kube-dns, k8s:io.kubernetes.pod.namespace: kube-system}
)");
  const Linted linted = LintYaml(yaml);
  INFO(Summary(linted.load) << "| " << Summary(linted.lints));
  CHECK(linted.load.empty());
  REQUIRE(Count(linted.lints, RuleId::kEmptyDirectionNoEffect) == 1);
  const ir::Diagnostic& d = *Find(linted.lints, RuleId::kEmptyDirectionNoEffect);
  CHECK(d.location == Where(yaml, "ingress: []"));
  CHECK(d.object == 0);

  const std::string fixed = Cnp(R"(  ingress:
  - {}
  egress:
  - toEndpoints:
    - matchLabels: {k8s:k8s-app: kube-dns, k8s:io.kubernetes.pod.namespace: kube-system}
)");
  const Linted clean = LintYaml(fixed);
  INFO(Summary(clean.lints));
  CHECK(clean.lints.empty());
}

TEST_CASE("yaml 3.3: `fromEndpoints: []` and a ports-only ingress rule", "[lint][yaml]") {
  const std::string yaml = Cnp(R"(  ingress:
  - fromEndpoints: []
  - toPorts:
    - ports:
      - port: "8080"
        protocol: TCP
)");
  const Linted linted = LintYaml(yaml);
  CHECK(linted.load.empty());
  REQUIRE(Count(linted.lints, RuleId::kEmptyPeerList) == 1);
  CHECK(Find(linted.lints, RuleId::kEmptyPeerList)->location == Where(yaml, "fromEndpoints: []"));
  REQUIRE(Count(linted.lints, RuleId::kL4OnlyAllowsWorld) == 1);
  CHECK(Find(linted.lints, RuleId::kL4OnlyAllowsWorld)->location.line == Where(yaml, "- toPorts:").line);

  const Linted clean = LintYaml(Cnp(R"(  ingress:
  - fromEndpoints:
    - matchLabels: {app: api}
    toPorts:
    - ports:
      - port: "8080"
        protocol: TCP
)"));
  INFO(Summary(clean.lints));
  CHECK(clean.lints.empty());
}

TEST_CASE("yaml 2.2/6/7: selector namespace, FQDN and HTTP findings point at their nodes", "[lint][yaml]") {
  const std::string yaml = R"(apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: web
  namespace: prod
spec:
  endpointSelector:
    matchLabels:
      app: web
      io.kubernetes.pod.namespace: staging
  egress:
  - toFQDNs:
    - matchPattern: "*.com"
    toPorts:
    - ports:
      - port: "443"
        protocol: TCP
  ingress:
  - fromEndpoints:
    - matchLabels: {app: api}
    toPorts:
    - ports:
      - port: "80"
        protocol: TCP
      rules:
        http:
        - path: "v1/items"
          headers: ["X-Key:v"]
)";
  const Linted linted = LintYaml(yaml);
  INFO(Summary(linted.load) << "| " << Summary(linted.lints));
  CHECK(Find(linted.lints, RuleId::kNamespaceLabelOverwritten)->location.line ==
        Where(yaml, "io.kubernetes.pod.namespace: staging").line);
  CHECK(Find(linted.lints, RuleId::kFqdnTooBroad)->location.line == Where(yaml, "matchPattern").line);
  CHECK(Find(linted.lints, RuleId::kHttpPathNotAbsolute)->location == Where(yaml, "\"v1/items\""));
  CHECK(Find(linted.lints, RuleId::kHttpHeaderPresenceOnly)->location == Where(yaml, "\"X-Key:v\""));
}

TEST_CASE("yaml 2.4/11: NetworkPolicy policyTypes mismatch, and the KNP default deny", "[lint][yaml]") {
  const std::string yaml = R"(apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web
  namespace: prod
spec:
  podSelector:
    matchLabels:
      app: web
  policyTypes:
  - Egress
  ingress:
  - from:
    - podSelector:
        matchLabels:
          app: api
)";
  const Linted linted = LintYaml(yaml);
  CHECK(linted.load.empty());
  REQUIRE(Count(linted.lints, RuleId::kKnpPolicyTypesMismatch) == 1);
  CHECK(Find(linted.lints, RuleId::kKnpPolicyTypesMismatch)->location.line == Where(yaml, "policyTypes").line);

  // 2.4: `ingress: []` with policyTypes [Ingress] IS default deny in a KNP.
  const Linted deny_all = LintYaml(R"(apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: deny-ingress
  namespace: prod
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress: []
)");
  INFO(Summary(deny_all.load) << "| " << Summary(deny_all.lints));
  CHECK(deny_all.load.empty());
  CHECK(deny_all.lints.empty());
}

}  // namespace
}  // namespace polc::verifier
