// Sanitize through the whole frontend (compiler::LoadText / Load: lowering
// then Sanitize): findings land at the YAML node that causes them, and
// Cilium's own policies (../shared/corpus/cilium) at 1.19 give only the
// Sanitize errors the agent would really give. cilium-semantics.md 1.13.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <string>
#include <utility>

#include "compiler/loader.h"
#include "ir/diagnostic.h"

namespace polc::compiler {
namespace {

LoadResult LoadYaml(std::string_view text, ir::CiliumVersion version = ir::kDefaultVersion) {
  LoadOptions options;
  options.settings.version = version;
  return LoadText("policy.yaml", text, options);
}

bool IsSanitizeRule(ir::RuleId rule) { return ir::Info(rule).category == ir::RuleCategory::kCilium; }

// "rule-id@line:column" for every Cilium-category finding.
std::set<std::string> SanitizeFindings(const LoadResult& result) {
  std::set<std::string> out;
  for (const ir::Diagnostic& d : result.sink.diagnostics()) {
    if (!IsSanitizeRule(d.rule)) continue;
    out.insert(std::string(ir::Info(d.rule).id) + "@" + std::to_string(d.location.line) + ":" +
               std::to_string(d.location.column));
  }
  return out;
}

constexpr std::string_view kHeader = R"(apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: p
  namespace: default
spec:
  endpointSelector: {}
)";

}  // namespace

TEST_CASE("YAML 1.13/7.7 l7-non-tcp at the port whose protocol was omitted", "[sanitize][yaml]") {
  std::string text = std::string(kHeader) + R"(  ingress:
  - toPorts:
    - ports:
      - port: "80"
      rules:
        http:
        - path: /api
)";
  CHECK(SanitizeFindings(LoadYaml(text)) == std::set<std::string>{"l7-non-tcp@11:9"});
}

TEST_CASE("YAML 1.13 dns-rule-port and DNS on ingress", "[sanitize][yaml]") {
  std::string text = std::string(kHeader) + R"(  egress:
  - toPorts:
    - rules:
        dns:
        - matchPattern: "*"
  ingress:
  - toPorts:
    - ports:
      - port: "53"
        protocol: UDP
      rules:
        dns:
        - matchName: example.com
)";
  CHECK(SanitizeFindings(LoadYaml(text)) == std::set<std::string>{"dns-rule-port@11:9", "invalid-l7@19:9"});
}

TEST_CASE("YAML 1.13 peer kinds and invalid CIDR set entries", "[sanitize][yaml]") {
  std::string text = std::string(kHeader) + R"(  egress:
  - toEndpoints:
    - {}
    toCIDRSet:
    - cidr: 10.0.0.0/8
      except:
      - 192.168.0.0/16
)";
  CHECK(SanitizeFindings(LoadYaml(text)) ==
        std::set<std::string>{"unsupported-combination@11:5", "invalid-cidr@14:9"});
}

TEST_CASE("YAML 1.13/10 empty-rule: `ingress: []` alone, since 1.17", "[sanitize][yaml]") {
  std::string text = std::string(kHeader) + "  ingress: []\n";
  CHECK(SanitizeFindings(LoadYaml(text, {1, 17})) == std::set<std::string>{"empty-rule@7:3"});
  CHECK(SanitizeFindings(LoadYaml(text, {1, 16})).empty());
}

TEST_CASE("YAML corpus at 1.19: only the Sanitize errors Cilium gives", "[sanitize][yaml][corpus]") {
  LoadOptions options;
  options.settings.version = {1, 19};
  std::string root = std::string(POLC_SOURCE_DIR) + "/../shared/corpus/cilium/";
  LoadResult result = Load({root}, options);
  std::set<std::pair<std::string, std::string>> found;
  for (const ir::Diagnostic& d : result.sink.diagnostics()) {
    if (!IsSanitizeRule(d.rule) || d.rule == ir::RuleId::kUnknownEntity) continue;
    std::string path = result.files.Path(d.location.file);
    if (path.rfind(root, 0) == 0) path = path.substr(root.size());
    found.emplace(path, std::string(ir::Info(d.rule).id));
  }
  // fromNodes needs --enable-node-selector-labels (off by default); the
  // extended protocols need --enable-extended-ip-protocols (off by default);
  // three test manifests keep a NODE_WITHOUT_CILIUM_IP template placeholder.
  std::set<std::pair<std::string, std::string>> expected = {
      {"examples/policies/l3/entities/customnodes.yaml", "feature-disabled"},
      {"examples/policies/host/allow-extended-protocols.yaml", "feature-disabled"},
      {"test/k8s/manifests/ccnp-host-ingress-from-cidr-to-ports.yaml", "invalid-cidr"},
      {"test/k8s/manifests/ccnp-host-policy-nodeport-tests.yaml", "invalid-cidr"},
      {"test/k8s/manifests/cnp-ingress-from-cidr-to-ports.yaml", "invalid-cidr"},
  };
  CHECK(found == expected);
}

}  // namespace polc::compiler
