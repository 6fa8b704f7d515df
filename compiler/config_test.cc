// .polc.yaml parsing: every key, and the did-you-mean findings that make a
// misspelt config as easy to fix as a misspelt policy.
#include "compiler/config.h"

#include <map>

#include <catch2/catch.hpp>

namespace polc::compiler {
namespace {

struct Parsed {
  Config config;
  std::vector<ir::Diagnostic> diagnostics;
};

Parsed Parse(std::string_view text) {
  ir::DiagnosticSink sink;
  Parsed out{ParseConfig(text, 0, sink), {}};
  out.diagnostics = sink.diagnostics();
  ir::SortDiagnostics(out.diagnostics);
  return out;
}

TEST_CASE("config: empty file is the default config", "[config]") {
  Parsed p = Parse("");
  CHECK(p.diagnostics.empty());
  CHECK_FALSE(p.config.cilium_version.has_value());
  CHECK(p.config.settings == ir::Settings{});
  CHECK(p.config.rules == RuleConfig{});
  CHECK(p.config.ignore_paths.empty());
  CHECK(p.config.limits.max_depth == InputLimits{}.max_depth);
}

TEST_CASE("config: every key is read", "[config]") {
  Parsed p = Parse(R"(ciliumVersion: "1.17"
settings:
  policyEnforcementMode: always
  clusterName: east
  allowLocalhost: policy
  policyDefaultLocalCluster: false
  hostFirewall: true
  enableL7Proxy: false
  enableIcmpRules: false
  enableNodeSelectorLabels: true
  enableExtendedIpProtocols: true
  enableNonDefaultDenyPolicies: false
  policyAuditMode: true
rules:
  disable: [http-path-full-match, ipblock-pod-range]
  severity:
    l4-only-allows-world: error
    missing-namespace: info
ignorePaths: ["**/charts/**", "vendor/*"]
limits: {maxFileBytes: 1000, maxDepth: 20, maxNodes: 5000}
)");
  INFO((p.diagnostics.empty() ? std::string() : p.diagnostics[0].message));
  REQUIRE(p.diagnostics.empty());
  const Config& c = p.config;
  CHECK(c.cilium_version == ir::CiliumVersion{1, 17});
  CHECK(c.settings.version == ir::CiliumVersion{1, 17});
  CHECK(c.settings.enforcement == ir::EnforcementMode::kAlways);
  CHECK(c.settings.cluster_name == "east");
  CHECK(c.settings.allow_localhost == ir::AllowLocalhost::kPolicy);
  CHECK(c.settings.policy_default_local_cluster == false);
  CHECK(c.settings.host_firewall);
  CHECK_FALSE(c.settings.enable_l7_proxy);
  CHECK_FALSE(c.settings.enable_icmp_rules);
  CHECK(c.settings.enable_node_selector_labels);
  CHECK(c.settings.enable_extended_ip_protocols);
  CHECK_FALSE(c.settings.enable_non_default_deny_policies);
  CHECK(c.settings.policy_audit_mode);
  CHECK(c.rules.disabled == std::set<ir::RuleId>{ir::RuleId::kHttpPathPrefix, ir::RuleId::kIpBlockMatchesPods});
  CHECK(c.rules.severity == std::map<ir::RuleId, ir::Severity>{
                                {ir::RuleId::kL4OnlyAllowsWorld, ir::Severity::kError},
                                {ir::RuleId::kMissingNamespace, ir::Severity::kInfo}});
  CHECK(c.ignore_paths == std::vector<std::string>{"**/charts/**", "vendor/*"});
  CHECK(c.limits.max_file_bytes == 1000);
  CHECK(c.limits.max_depth == 20);
  CHECK(c.limits.max_nodes == 5000);
}

TEST_CASE("config: unquoted ciliumVersion (a YAML float) is accepted", "[config]") {
  Parsed p = Parse("ciliumVersion: 1.20\n");
  CHECK(p.diagnostics.empty());
  CHECK(p.config.settings.version == ir::CiliumVersion{1, 20});
}

TEST_CASE("config: unsupported ciliumVersion names the supported range (semantics section 10)", "[config]") {
  Parsed p = Parse("ciliumVersion: \"1.12\"\n");
  REQUIRE(p.diagnostics.size() == 1);
  CHECK(p.diagnostics[0].rule == ir::RuleId::kInvalidValue);
  CHECK(p.diagnostics[0].message.find("1.16 to 1.20") != std::string::npos);
  CHECK(p.diagnostics[0].location == ir::SourceLocation{0, 1, 16});
  CHECK_FALSE(p.config.cilium_version.has_value());
}

TEST_CASE("config: misspelt keys get did-you-mean with their position", "[config]") {
  Parsed p = Parse("ciliumVersoin: \"1.18\"\nsettings:\n  hostFirewal: true\n");
  REQUIRE(p.diagnostics.size() == 2);
  CHECK(p.diagnostics[0].rule == ir::RuleId::kUnknownField);
  CHECK(p.diagnostics[0].message == "unknown field 'ciliumVersoin' in the config file; did you mean 'ciliumVersion'?");
  CHECK(p.diagnostics[0].location == ir::SourceLocation{0, 1, 1});
  CHECK(p.diagnostics[1].message == "unknown field 'hostFirewal' in 'settings'; did you mean 'hostFirewall'?");
  CHECK(p.diagnostics[1].location == ir::SourceLocation{0, 3, 3});
}

TEST_CASE("config: unknown rule ids get did-you-mean from the rule table", "[config]") {
  Parsed p = Parse("rules:\n  disable: [empty-rul]\n  severity:\n    fqdn-to-broad: info\n    empty-rule: fatal\n");
  REQUIRE(p.diagnostics.size() == 3);
  CHECK(p.diagnostics[0].rule == ir::RuleId::kInvalidValue);
  CHECK(p.diagnostics[0].message == "unknown rule id 'empty-rul' in rules.disable; did you mean 'empty-rule'?");
  CHECK(p.diagnostics[0].location == ir::SourceLocation{0, 2, 13});
  CHECK(p.diagnostics[1].message == "unknown rule id 'fqdn-to-broad' in rules.severity; did you mean 'fqdn-too-broad'?");
  CHECK(p.diagnostics[2].message.starts_with("unknown severity 'fatal'"));
  CHECK(p.config.rules.disabled.empty());
  CHECK(p.config.rules.severity.empty());
}

TEST_CASE("config: wrong types and bad values are reported", "[config]") {
  Parsed p = Parse("settings:\n  hostFirewall: maybe\n  policyEnforcementMode: sometimes\nlimits:\n  maxDepth: 0\n");
  REQUIRE(p.diagnostics.size() == 3);
  CHECK(p.diagnostics[0].rule == ir::RuleId::kWrongType);  // "maybe" is not a boolean
  CHECK(p.diagnostics[0].location == ir::SourceLocation{0, 2, 17});
  CHECK(p.diagnostics[1].rule == ir::RuleId::kInvalidValue);
  CHECK(p.diagnostics[2].rule == ir::RuleId::kInvalidValue);
  CHECK(p.config.limits.max_depth == InputLimits{}.max_depth);
}

TEST_CASE("config: YAML syntax errors are reported, not thrown", "[config]") {
  Parsed p = Parse("rules: [unclosed\n");
  REQUIRE(p.diagnostics.size() == 1);
  CHECK(p.diagnostics[0].rule == ir::RuleId::kYamlSyntax);
}

class FakeFs final : public FileSystem {
 public:
  std::set<std::string> files;
  Type Stat(const std::string& path) const override { return files.count(path) ? Type::kFile : Type::kMissing; }
  std::vector<std::string> List(const std::string&) const override { return {}; }
  std::optional<uint64_t> Size(const std::string&) const override { return std::nullopt; }
  std::optional<std::string> Read(const std::string&, uint64_t) const override { return std::nullopt; }
  std::optional<std::string> ReadStdin(uint64_t) const override { return std::nullopt; }
};

TEST_CASE("config: discovery walks up to the nearest .polc.yaml", "[config]") {
  FakeFs fs;
  fs.files = {"/repo/.polc.yaml", "/repo/sub/deeper/.polc.yaml"};
  CHECK(FindConfigFile("/repo/a/b", fs) == "/repo/.polc.yaml");
  CHECK(FindConfigFile("/repo/a/b/", fs) == "/repo/.polc.yaml");
  CHECK(FindConfigFile("/repo", fs) == "/repo/.polc.yaml");
  CHECK(FindConfigFile("/repo/sub/deeper/x", fs) == "/repo/sub/deeper/.polc.yaml");
  CHECK(FindConfigFile("/elsewhere/x", fs) == std::nullopt);
  fs.files = {"/.polc.yaml"};
  CHECK(FindConfigFile("/a", fs) == "/.polc.yaml");
}

}  // namespace
}  // namespace polc::compiler
