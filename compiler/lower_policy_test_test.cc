// PolicyTest documents (../shared/reference/policy-test-format.md): every
// field reaches ir::PolicyTest, and every mistake is an error at its node,
// "so that a typo never turns into a silently passing test".
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "compiler/loader.h"

namespace polc::compiler {
namespace {

using ir::RuleId;

LoadResult LoadYaml(std::string_view text) {
  return LoadText("t.yaml", text, LoadOptions{});
}

std::string Describe(const LoadResult& result) {
  std::string out;
  for (const ir::Diagnostic& d : result.sink.diagnostics()) {
    out +=
        fmt::format("{}:{} [{}] {} | {}\n", d.location.line, d.location.column, ir::Info(d.rule).id, d.message, d.hint);
  }
  return out.empty() ? "(no diagnostics)" : out;
}

const ir::Diagnostic* Find(const LoadResult& result, RuleId rule, uint32_t line, uint32_t column) {
  for (const ir::Diagnostic& d : result.sink.diagnostics()) {
    if (d.rule == rule && d.location.line == line && d.location.column == column) return &d;
  }
  return nullptr;
}

size_t Errors(const LoadResult& result) {
  size_t n = 0;
  for (const ir::Diagnostic& d : result.sink.diagnostics()) n += d.severity == ir::Severity::kError ? 1 : 0;
  return n;
}

constexpr std::string_view kFull = R"(apiVersion: polc.io/v1alpha1
kind: PolicyTest
metadata:
  name: full
spec:
  policies: [../policies, one.yaml]
  settings:
    ciliumVersion: "1.18"
    policyEnforcementMode: always
    clusterName: c1
    allowLocalhost: policy
    policyDefaultLocalCluster: false
    hostFirewall: true
  inventory:
    namespaces:
      - {name: ns1, labels: {team: sre}}
    nodes:
      - {name: node-1, labels: {zone: a}, ips: [192.168.1.10]}
    endpoints:
      - name: client
        namespace: ns1
        labels: {app: client}
        serviceAccount: sa1
        node: node-1
        ips: [10.0.1.10]
        ports:
          - {name: http, port: 8080, protocol: TCP}
          - {port: 53, protocol: UDP}
        hostNetwork: false
      - {name: other, namespace: ns2, labels: {app: other}}
    services:
      - {name: echo, namespace: ns1, selector: {app: client}, ports: [{port: 80, targetPort: http, protocol: TCP}]}
    kubeAPIServer:
      ips: [192.168.1.1]
    dns:
      - {name: one.one.one.one, ips: [1.1.1.1, 1.0.0.1]}
  cases:
    - name: endpoint to labels
      from: {endpoint: ns1/client}
      to: {labels: {namespace: ns2, labels: {app: x}, serviceAccount: sa2}}
      port: 8080
      http: {method: POST, path: /p, host: example.com, headers: {X-Key: v, X-N: 1}}
      expect: allow
    - name: node to entity
      from: {node: node-1}
      to: {entity: kube-apiserver}
      protocol: UDP
      port: http
      dns: {query: one.one.one.one}
      expect: deny
      deniedAt: egress
      reason: default-deny
    - name: ip to fqdn
      from: {ip: "10.0.0.1"}
      to: {fqdn: one.one.one.one}
      protocol: ICMP
      icmp: {type: EchoRequest}
      expect: deny
      deniedAt: ingress
      reason: deny-rule
      expectAudit: true
    - name: icmpv6 by name, kafka
      from: {entity: world}
      to: {endpoint: ns1/client}
      protocol: ICMPv6
      icmp: {type: 128}
      expect: deny
      reason: l7
    - name: kafka
      from: {entity: host}
      to: {endpoint: ns1/client}
      protocol: SCTP
      port: "9092"
      kafka: {apiKey: produce, topic: t, clientID: c, apiVersion: 2}
      expect: allow
)";

TEST_CASE("PolicyTest: every field of the format reaches the IR", "[policy-test]") {
  LoadResult r = LoadYaml(kFull);
  INFO(Describe(r));
  CHECK(r.sink.diagnostics().empty());
  REQUIRE(r.tests.size() == 1);
  const ir::PolicyTest& t = r.tests[0];
  CHECK(t.name == "full");
  CHECK(t.object == 0);
  CHECK(t.location.line == 1);
  CHECK(t.policies == std::vector<std::string>{"../policies", "one.yaml"});
  CHECK(t.settings.version == ir::CiliumVersion{1, 18});
  CHECK(t.settings.enforcement == ir::EnforcementMode::kAlways);
  CHECK(t.settings.cluster_name == "c1");
  CHECK(t.settings.allow_localhost == ir::AllowLocalhost::kPolicy);
  CHECK(t.settings.policy_default_local_cluster == false);
  CHECK(t.settings.host_firewall == true);
  ir::Settings applied = t.settings.ApplyTo(ir::Settings{});
  CHECK(applied.version == ir::CiliumVersion{1, 18});
  CHECK(applied.host_firewall);
  CHECK_FALSE(applied.PolicyDefaultLocalCluster());
  CHECK(ir::TestSettings{}.ApplyTo(applied) == applied);  // unset fields keep the base

  const ir::Inventory& inv = t.inventory;
  // ns2 is used by an endpoint but not declared: metadata.name label only.
  REQUIRE(inv.namespaces.size() == 2);
  CHECK(inv.namespaces[0].labels ==
        std::map<std::string, std::string>{{"team", "sre"}, {"kubernetes.io/metadata.name", "ns1"}});
  CHECK(inv.namespaces[1].name == "ns2");
  CHECK_FALSE(inv.namespaces[1].declared);
  CHECK(inv.namespaces[1].labels == std::map<std::string, std::string>{{"kubernetes.io/metadata.name", "ns2"}});
  REQUIRE(inv.nodes.size() == 1);
  CHECK(inv.nodes[0].ips == std::vector<std::string>{"192.168.1.10"});
  CHECK(inv.nodes[0].labels.at("zone") == "a");
  REQUIRE(inv.endpoints.size() == 2);
  const ir::Endpoint& client = inv.endpoints[0];
  CHECK(client.kind == ir::WorkloadKind::kTestEndpoint);
  CHECK(client.namespace_ == "ns1");
  CHECK(client.service_account == "sa1");
  CHECK(client.node == "node-1");
  CHECK(client.ips == std::vector<std::string>{"10.0.1.10"});
  CHECK(client.ports ==
        std::vector<ir::ContainerPort>{{"http", 8080, ir::Protocol::kTcp}, {"", 53, ir::Protocol::kUdp}});
  CHECK_FALSE(client.host_network);
  CHECK(client.location.line == 20);
  CHECK(inv.endpoints[1].service_account == "default");
  REQUIRE(inv.services.size() == 1);
  CHECK(inv.services[0].ports == std::vector<ir::ServicePort>{{"", 80, "http", ir::Protocol::kTcp}});
  CHECK(inv.kube_apiserver_ips == std::vector<std::string>{"192.168.1.1"});
  REQUIRE(inv.dns.size() == 1);
  CHECK(inv.dns[0].ips == std::vector<std::string>{"1.1.1.1", "1.0.0.1"});

  REQUIRE(t.cases.size() == 5);
  const ir::TestCase& c0 = t.cases[0];
  CHECK(c0.name == "endpoint to labels");
  CHECK(c0.location.line == 38);
  CHECK(std::get<ir::EndpointPeer>(c0.from) == ir::EndpointPeer{"ns1", "client"});
  CHECK(std::get<ir::LabelsPeer>(c0.to) == ir::LabelsPeer{"ns2", {{"app", "x"}}, "sa2"});
  CHECK(c0.protocol == ir::Protocol::kTcp);  // default
  CHECK(c0.port == "8080");
  REQUIRE(c0.http.has_value());
  CHECK(*c0.http == ir::HttpRequest{"POST", "/p", "example.com", {{"X-Key", "v"}, {"X-N", "1"}}});
  CHECK(c0.expect == ir::Expectation::kAllow);
  CHECK_FALSE(c0.denied_at.has_value());
  const ir::TestCase& c1 = t.cases[1];
  CHECK(std::get<ir::NodePeer>(c1.from).name == "node-1");
  CHECK(std::get<ir::EntityPeer>(c1.to).name == "kube-apiserver");
  CHECK(c1.protocol == ir::Protocol::kUdp);
  CHECK(c1.port == "http");
  CHECK(c1.dns == ir::DnsQuery{"one.one.one.one"});
  CHECK(c1.expect == ir::Expectation::kDeny);
  CHECK(c1.denied_at == ir::Direction::kEgress);
  CHECK(c1.reason == ir::DenyReason::kDefaultDeny);
  const ir::TestCase& c2 = t.cases[2];
  CHECK(std::get<ir::IpPeer>(c2.from).address == "10.0.0.1");
  CHECK(std::get<ir::FqdnPeer>(c2.to).name == "one.one.one.one");
  CHECK(c2.protocol == ir::Protocol::kIcmp);
  CHECK(c2.icmp_type == 8);  // EchoRequest in ICMP (cilium-semantics.md 1.11)
  CHECK(c2.denied_at == ir::Direction::kIngress);
  CHECK(c2.reason == ir::DenyReason::kDenyRule);
  CHECK(c2.expect_audit);
  CHECK(t.cases[3].protocol == ir::Protocol::kIcmpv6);
  CHECK(t.cases[3].icmp_type == 128);
  CHECK(t.cases[3].reason == ir::DenyReason::kL7);
  const ir::TestCase& c4 = t.cases[4];
  CHECK(c4.protocol == ir::Protocol::kSctp);
  CHECK(c4.port == "9092");
  CHECK(c4.kafka == ir::KafkaRequest{"produce", "2", "c", "t"});
}

TEST_CASE("PolicyTest: ICMP type names depend on the family", "[policy-test]") {
  LoadResult r = LoadYaml(R"(apiVersion: polc.io/v1alpha1
kind: PolicyTest
metadata: {name: icmp}
spec:
  cases:
    - {name: a, from: {entity: world}, to: {entity: host}, protocol: ICMPv6, icmp: {type: EchoRequest}, expect: allow}
    - {name: b, from: {entity: world}, to: {entity: host}, protocol: ICMP, icmp: {type: NeighborSolicitation}, expect: allow}
)");
  INFO(Describe(r));
  REQUIRE(r.tests.size() == 1);
  REQUIRE(r.tests[0].cases.size() == 1);
  CHECK(r.tests[0].cases[0].icmp_type == 128);
  CHECK(Find(r, RuleId::kInvalidValue, 7, 89) != nullptr);  // an ICMPv6 name with ICMP
}

// One mistake per line; each is reported at its node with the schema rule.
TEST_CASE("PolicyTest: mistakes are errors at their node", "[policy-test]") {
  LoadResult r = LoadYaml(R"(apiVersion: polc.io/v1alpha1
kind: PolicyTest
metadata: {name: bad}
spec:
  setings: {}
  settings: {ciliumVersion: 1.19, policyEnforcementMode: allways, allowLocalhost: never}
  inventory: {endpoints: [{name: a, ips: [10.0.0.300]}], dns: [{ips: [1.1.1.1]}]}
  cases:
    - {name: c1, from: {endpoint: ns/a}, to: {endpoint: ns/b}, expect: alow}
    - {name: c1, from: {endpoint: ns/a}, to: {endpoint: ns/b}, expect: allow}
    - {name: c3, from: {endpoint: a}, to: {entity: wrold}, expect: deny}
    - {name: c4, from: {endpoint: ns/a, ip: 10.0.0.1}, to: {}, expect: deny}
    - {name: c5, from: {ip: 10.0.0.0/8}, to: {node: x}, protocol: tcp, expect: deny}
    - {name: c6, from: {node: x}, to: {node: x}, expect: allow, deniedAt: egress, reason: l7}
    - {name: c7, from: {node: x}, to: {node: x}, expect: deny, deniedAt: sideways, reason: because}
    - {name: c8, from: {node: x}, to: {node: x}, protocol: ICMP, port: 80, expect: deny}
    - {name: c9, from: {node: x}, to: {node: x}, port: 70000, icmp: {type: 8}, expect: deny}
    - {name: c10, from: {node: x}, to: {node: x}, port: [1], http: {}, dns: {}, expect: deny, expectAudit: maybe}
    - {from: {node: x}, to: {node: x}, expected: allow}
    - {name: c12, from: {labels: {labels: {a: b}}}, to: {node: x}, http: {methd: GET}, expect: deny}
)");
  INFO(Describe(r));
  auto expect_at = [&](RuleId rule, uint32_t line, uint32_t column) {
    INFO(ir::Info(rule).id << " at " << line << ":" << column);
    CHECK(Find(r, rule, line, column) != nullptr);
  };
  expect_at(RuleId::kUnknownField, 5, 3);         // setings -> did you mean settings
  expect_at(RuleId::kWrongType, 6, 29);           // unquoted 1.19 is a number
  expect_at(RuleId::kInvalidValue, 6, 58);        // allways
  expect_at(RuleId::kInvalidValue, 6, 83);        // never
  expect_at(RuleId::kInvalidValue, 7, 43);        // 10.0.0.300
  expect_at(RuleId::kMissingField, 7, 64);        // dns record without name
  expect_at(RuleId::kInvalidValue, 9, 72);        // alow
  expect_at(RuleId::kInvalidValue, 10, 14);       // duplicate case name
  expect_at(RuleId::kInvalidValue, 11, 35);       // endpoint without namespace
  expect_at(RuleId::kInvalidValue, 11, 52);       // wrold -> did you mean world
  expect_at(RuleId::kConflictingFields, 12, 41);  // endpoint + ip
  expect_at(RuleId::kMissingField, 12, 60);       // empty peer
  expect_at(RuleId::kInvalidValue, 13, 29);       // ip with a prefix
  expect_at(RuleId::kInvalidValue, 13, 67);       // tcp (case-sensitive)
  expect_at(RuleId::kConflictingFields, 14, 65);  // deniedAt with allow
  expect_at(RuleId::kConflictingFields, 14, 83);  // reason with allow
  expect_at(RuleId::kInvalidValue, 15, 74);       // sideways
  expect_at(RuleId::kInvalidValue, 15, 92);       // because
  expect_at(RuleId::kConflictingFields, 16, 66);  // ICMP with a port
  expect_at(RuleId::kInvalidValue, 17, 56);       // port 70000
  expect_at(RuleId::kConflictingFields, 17, 63);  // icmp with TCP
  expect_at(RuleId::kWrongType, 18, 57);          // port: [1]
  expect_at(RuleId::kConflictingFields, 18, 7);   // http + dns
  expect_at(RuleId::kMissingField, 18, 77);       // dns without query
  expect_at(RuleId::kWrongType, 18, 108);         // expectAudit: maybe
  expect_at(RuleId::kMissingField, 19, 7);        // case without name
  expect_at(RuleId::kUnknownField, 19, 40);       // expected -> expect
  expect_at(RuleId::kMissingField, 20, 34);       // labels peer without namespace
  expect_at(RuleId::kUnknownField, 20, 75);       // methd -> method
  const ir::Diagnostic* typo = Find(r, RuleId::kUnknownField, 19, 40);
  REQUIRE(typo != nullptr);
  CHECK_THAT(typo->message + typo->hint, Catch::Contains("expect"));
  const ir::Diagnostic* entity = Find(r, RuleId::kInvalidValue, 11, 52);
  REQUIRE(entity != nullptr);
  CHECK_THAT(entity->hint, Catch::Contains("did you mean 'world'?"));
  // A case with a mistake is dropped (here: all of them), never run half-read.
  REQUIRE(r.tests.size() == 1);
  CHECK(r.tests[0].cases.empty());
}

TEST_CASE("PolicyTest: metadata.name, spec and cases are required; apiVersion checked", "[policy-test]") {
  LoadResult r = LoadYaml(R"(apiVersion: polc.io/v1beta9
kind: PolicyTest
metadata: {namespace: x}
spec: {policies: [a]}
)");
  INFO(Describe(r));
  CHECK(Find(r, RuleId::kInvalidValue, 1, 13) != nullptr);
  CHECK(Find(r, RuleId::kMissingField, 3, 11) != nullptr);
  CHECK(Find(r, RuleId::kMissingField, 4, 7) != nullptr);
  CHECK(Errors(r) == 3);
}

TEST_CASE("PolicyTest: inline inventory duplicates and selector-less services", "[policy-test]") {
  LoadResult r = LoadYaml(R"(apiVersion: polc.io/v1alpha1
kind: PolicyTest
metadata: {name: dup}
spec:
  inventory:
    endpoints:
      - {name: a, namespace: x, labels: {app: a}}
      - {name: a, namespace: x}
    services:
      - {name: s, namespace: x, selector: {app: b}}
  cases: []
)");
  INFO(Describe(r));
  CHECK(Errors(r) == 0);
  CHECK(Find(r, RuleId::kInventoryDuplicate, 8, 9) != nullptr);
  CHECK(Find(r, RuleId::kInventoryServiceSelectsNothing, 10, 33) != nullptr);
  REQUIRE(r.tests.size() == 1);
  CHECK(r.tests[0].inventory.endpoints.size() == 1);
}

// Cilium's own connectivity tests, transcribed (issue 3 section 4).
TEST_CASE("PolicyTest: every cilium-connectivity test loads without errors", "[policy-test][conformance]") {
  std::filesystem::path dir =
      std::filesystem::path(POLC_SOURCE_DIR) / "../shared/conformance/cilium-connectivity/tests";
  REQUIRE(std::filesystem::is_directory(dir));
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".yaml") continue;
    LoadResult r = Load({entry.path().string()}, LoadOptions{});
    INFO(entry.path().filename().string() << "\n" << Describe(r));
    CHECK(Errors(r) == 0);
    REQUIRE(r.tests.size() == 1);
    CHECK(r.tests[0].cases.size() > 0);
    CHECK(r.tests[0].inventory.endpoints.size() > 0);
    CHECK(r.tests[0].policies.has_value());
    ++files;
  }
  CHECK(files >= 16);
}

}  // namespace
}  // namespace polc::compiler
