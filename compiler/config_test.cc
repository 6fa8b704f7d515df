// .polc.yaml parsing: every key, and the did-you-mean findings that make a
// misspelt config as easy to fix as a misspelt policy.
#include "compiler/config.h"

#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>

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

TEST_CASE("config: bpfPolicyMapMax outside 256..65536 is refused (8.3)", "[config]") {
  Parsed p = Parse("settings:\n  bpfPolicyMapMax: 100\n");
  REQUIRE(p.diagnostics.size() == 1);
  CHECK(p.diagnostics[0].rule == ir::RuleId::kInvalidValue);
  CHECK(p.config.settings.bpf_policy_map_max == 16384);
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
  bpfPolicyMapMax: 4096
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
  CHECK(c.settings.bpf_policy_map_max == 4096);
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

TEST_CASE("config: no verify section keeps the verify defaults", "[config][verify]") {
  Parsed p = Parse("ciliumVersion: \"1.19\"\n");
  CHECK(p.diagnostics.empty());
  CHECK(p.config.verify == ir::VerifyConfig{});
  CHECK_FALSE(p.config.verify.location.Known());
}

TEST_CASE("config: every verify key is read", "[config][verify]") {
  Parsed p = Parse(R"(verify:
  require: [dns, default-deny, dns]
  namespaces: [payments, ops]
  dns:
    namespace: dns-system
    labels: {app: coredns}
  apiserver:
    namespaces: [shop]
    ports: [6443]
  hostLockout:
    adminCidrs: [10.20.0.0/16, "fd00::/8"]
    flows:
      - {name: ssh, from: "cidr:10.20.0.0/16", protocol: TCP, port: 22}
      - {name: etcd, from: control-plane, protocol: tcp, port: 2379, endPort: 2380}
      - {name: vxlan, from: remote-node, protocol: UDP, port: 8472, endPort: 8472}
)");
  INFO((p.diagnostics.empty() ? std::string() : p.diagnostics[0].message));
  REQUIRE(p.diagnostics.empty());
  const ir::VerifyConfig& v = p.config.verify;
  CHECK(v.location == ir::SourceLocation{0, 2, 3});
  CHECK(v.required == std::vector<std::string>{"dns", "default-deny"});  // duplicates dropped, order kept
  CHECK(v.namespaces.empty());  // only --namespace replaces the scope
  CHECK(v.extra_namespaces == std::vector<std::string>{"payments", "ops"});
  CHECK(v.dns_namespace == "dns-system");
  CHECK(v.dns_labels == std::map<std::string, std::string>{{"app", "coredns"}});
  CHECK(v.apiserver_namespaces == std::vector<std::string>{"shop"});
  CHECK(v.apiserver_ports == std::vector<uint16_t>{6443});
  CHECK(v.admin_cidrs == std::vector<std::string>{"10.20.0.0/16", "fd00::/8"});
  REQUIRE(v.host_flows.size() == 3);
  CHECK(v.host_flows[0] == ir::HostFlowRequirement{"ssh", "cidr:10.20.0.0/16", ir::Protocol::kTcp, 22, 0});
  CHECK(v.host_flows[1] == ir::HostFlowRequirement{"etcd", "control-plane", ir::Protocol::kTcp, 2379, 2380});
  CHECK(v.host_flows[2] == ir::HostFlowRequirement{"vxlan", "remote-node", ir::Protocol::kUdp, 8472, 0});
}

TEST_CASE("config: misspelt verify keys and property names get did-you-mean with their position",
          "[config][verify]") {
  Parsed p = Parse("verify:\n  requre: [dns]\n  require: [default-deni, dns]\n  dns:\n    label: {a: b}\n");
  REQUIRE(p.diagnostics.size() == 3);
  CHECK(p.diagnostics[0].rule == ir::RuleId::kUnknownField);
  CHECK(p.diagnostics[0].message == "unknown field 'requre' in 'verify'; did you mean 'require'?");
  CHECK(p.diagnostics[0].location == ir::SourceLocation{0, 2, 3});
  CHECK(p.diagnostics[1].rule == ir::RuleId::kInvalidValue);
  CHECK(p.diagnostics[1].message == "unknown property 'default-deni'; did you mean 'default-deny'?");
  CHECK(p.diagnostics[1].location == ir::SourceLocation{0, 3, 13});
  CHECK(p.diagnostics[1].hint == "use one of default-deny, dns, apiserver, host-lockout");
  CHECK(p.diagnostics[2].message == "unknown field 'label' in 'verify.dns'; did you mean 'labels'?");
  CHECK(p.diagnostics[2].location == ir::SourceLocation{0, 5, 5});
  CHECK(p.config.verify.required == std::vector<std::string>{"dns"});
  CHECK(p.config.verify.dns_labels == ir::VerifyConfig{}.dns_labels);  // the misspelt key changes nothing
}

TEST_CASE("config: bad verify values are reported where they are written", "[config][verify]") {
  Parsed p = Parse(R"(verify:
  namespaces: [Shop]
  apiserver: {ports: [0, 443]}
  hostLockout:
    adminCidrs: [10.20.0.0/33]
    flows:
      - {name: a, from: remote-nodes, port: 22}
      - {name: b, from: "cidr:nope", port: 22}
      - {name: c, from: cluster, protocol: ICMP, port: 22}
      - {name: d, from: cluster, port: 100, endPort: 90}
      - {from: cluster, port: 70000}
      - {name: f, from: cluster, port: 10250}
)");
  std::vector<std::string> messages;
  for (const ir::Diagnostic& d : p.diagnostics) messages.push_back(d.message);
  INFO(fmt::format("{}", fmt::join(messages, "\n")));
  REQUIRE(p.diagnostics.size() == 9);
  CHECK(p.diagnostics[0].location == ir::SourceLocation{0, 2, 16});
  CHECK(p.diagnostics[0].message.find("'Shop' in verify.namespaces is not a namespace name") == 0);
  CHECK(p.diagnostics[1].location == ir::SourceLocation{0, 3, 23});
  CHECK(p.diagnostics[1].message == "a port in verify.apiserver.ports must be 1 to 65535, not 0");
  CHECK(p.diagnostics[2].location == ir::SourceLocation{0, 5, 18});
  CHECK(p.diagnostics[3].message == "unknown flow source 'remote-nodes'; did you mean 'remote-node'?");
  CHECK(p.diagnostics[3].location == ir::SourceLocation{0, 7, 25});
  CHECK(p.diagnostics[4].message == "'nope' is not a CIDR in prefix notation");
  CHECK(p.diagnostics[5].message.find("unknown protocol 'ICMP'") == 0);
  CHECK(p.diagnostics[6].message == "endPort 90 is below port 100");
  // The entry without a name: missing-field at the entry, and the bad port.
  CHECK(p.diagnostics[7].rule == ir::RuleId::kMissingField);
  CHECK(p.diagnostics[7].location == ir::SourceLocation{0, 11, 9});
  CHECK(p.diagnostics[8].message == "port must be 1 to 65535, not 70000");
  const ir::VerifyConfig& v = p.config.verify;
  CHECK(v.extra_namespaces.empty());
  CHECK(v.apiserver_ports == std::vector<uint16_t>{443});
  CHECK(v.admin_cidrs.empty());
  // Only the one valid flow is kept: a half-read requirement would check the wrong thing.
  REQUIRE(v.host_flows.size() == 1);
  CHECK(v.host_flows[0].name == "f");
}

TEST_CASE("config: verify must be a mapping", "[config][verify]") {
  Parsed p = Parse("verify: [dns]\n");
  REQUIRE(p.diagnostics.size() == 1);
  CHECK(p.diagnostics[0].rule == ir::RuleId::kWrongType);
  CHECK(p.config.verify == ir::VerifyConfig{});
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
