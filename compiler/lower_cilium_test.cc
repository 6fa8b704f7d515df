// CiliumNetworkPolicy / CiliumClusterwideNetworkPolicy lowering: every field
// group of cilium-semantics.md section 1 reaches the IR with its location,
// and the CRD schema checks report at the offending node.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <catch2/catch.hpp>

#include "compiler/field_versions.h"
#include "compiler/loader.h"
#include "compiler/lower_common.h"

namespace polc::compiler {
namespace {

using ir::RuleId;

LoadResult LoadCnp(std::string_view yaml, std::string_view version = "1.19") {
  LoadOptions options;
  options.settings.version = *ir::ParseCiliumVersion(version);
  return LoadText("p.yaml", yaml, options);
}

std::vector<ir::Diagnostic> Findings(const LoadResult& result, RuleId rule) {
  std::vector<ir::Diagnostic> out;
  for (const ir::Diagnostic& d : result.sink.diagnostics()) {
    if (d.rule == rule) out.push_back(d);
  }
  return out;
}

bool HasAt(const LoadResult& result, RuleId rule, uint32_t line, uint32_t column) {
  for (const ir::Diagnostic& d : result.sink.diagnostics()) {
    if (d.rule == rule && d.location.line == line && d.location.column == column) return true;
  }
  return false;
}

std::vector<ir::Diagnostic> SchemaErrors(const LoadResult& result) {
  std::vector<ir::Diagnostic> out;
  for (const ir::Diagnostic& d : result.sink.diagnostics()) {
    if (ir::Info(d.rule).category == ir::RuleCategory::kSchema && d.severity == ir::Severity::kError) {
      out.push_back(d);
    }
  }
  return out;
}

std::string Describe(const LoadResult& result) {
  std::ostringstream out;
  for (const ir::Diagnostic& d : result.sink.diagnostics()) {
    out << result.files.Format(d.location) << ": " << ir::Info(d.rule).id << ": " << d.message << "\n";
  }
  return out.str();
}

bool At(const ir::SourceLocation& location, uint32_t line, uint32_t column) {
  return location.line == line && location.column == column;
}

const ir::Rule& OnlyRule(const LoadResult& result) {
  REQUIRE(result.policies.policies.size() == 1);
  REQUIRE(result.policies.policies[0].rules.size() == 1);
  return result.policies.policies[0].rules[0];
}

// ---- top level (1.1) --------------------------------------------------------

TEST_CASE("cnp 1.1: spec then specs, selectors, labels, description, log, enableDefaultDeny", "[lower_cilium]") {
  LoadResult r = LoadCnp(R"(apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: p
  namespace: ns
spec:
  description: first
  endpointSelector:
    matchLabels:
      app: web
      k8s:io.kubernetes.pod.namespace: ns
    matchExpressions:
    - {key: tier, operator: In, values: [a, b]}
  enableDefaultDeny: {ingress: false, egress: true}
  labels:
  - "k8s:team=blue"
  - "$host"
  - "plain"
  - {key: owner, value: me, source: custom}
  log: {value: "hello"}
  ingress: []
specs:
- nodeSelector: {}
  egressDeny: [{}]
)");
  INFO(Describe(r));
  REQUIRE(SchemaErrors(r).empty());
  const ir::Policy& policy = r.policies.policies.at(0);
  CHECK(policy.kind == ir::PolicyKind::kCiliumNetworkPolicy);
  REQUIRE(policy.rules.size() == 2);
  const ir::Rule& spec = policy.rules[0];
  CHECK_FALSE(spec.from_specs);
  CHECK(At(spec.location, 7, 3));
  CHECK(spec.description == "first");
  CHECK(At(spec.description_location, 7, 16));
  REQUIRE(spec.endpoint_selector);
  CHECK(At(spec.endpoint_selector->location, 9, 5));
  REQUIRE(spec.endpoint_selector->match_labels.size() == 2);
  CHECK(spec.endpoint_selector->match_labels[0].key == ir::LabelKey{"any", "app"});
  CHECK(spec.endpoint_selector->match_labels[0].value == "web");
  CHECK(At(spec.endpoint_selector->match_labels[0].location, 10, 7));
  CHECK(spec.endpoint_selector->match_labels[1].key == ir::LabelKey{"k8s", "io.kubernetes.pod.namespace"});
  REQUIRE(spec.endpoint_selector->match_expressions.size() == 1);
  const ir::SelectorRequirement& req = spec.endpoint_selector->match_expressions[0];
  CHECK(req.key == ir::LabelKey{"any", "tier"});
  CHECK(req.op == ir::SelectorOperator::kIn);
  CHECK(req.values == std::vector<std::string>{"a", "b"});
  CHECK(At(req.location, 13, 7));
  REQUIRE(spec.enable_default_deny);
  CHECK(spec.enable_default_deny->ingress == false);
  CHECK(spec.enable_default_deny->egress == true);
  CHECK(At(spec.enable_default_deny->location, 14, 22));
  REQUIRE(spec.labels.size() == 4);
  CHECK(spec.labels[0] == ir::Label{"k8s", "team", "blue", spec.labels[0].location});
  CHECK(At(spec.labels[0].location, 16, 5));
  CHECK(spec.labels[1].source == "reserved");
  CHECK(spec.labels[1].key == "host");
  CHECK(spec.labels[2].source == "unspec");
  CHECK(spec.labels[2].key == "plain");
  CHECK(spec.labels[3].source == "custom");
  CHECK(spec.labels[3].key == "owner");
  CHECK(spec.labels[3].value == "me");
  REQUIRE(spec.log);
  CHECK(spec.log->text == "hello");
  CHECK(At(spec.log->location, 20, 16));
  // 3.2: `ingress: []` is present but empty.
  REQUIRE(spec.ingress);
  CHECK(spec.ingress->empty());
  CHECK(At(spec.ingress_location, 21, 3));
  CHECK_FALSE(spec.egress);
  CHECK_FALSE(spec.egress_location.Known());

  const ir::Rule& second = policy.rules[1];
  CHECK(second.from_specs);
  CHECK_FALSE(second.endpoint_selector);
  REQUIRE(second.node_selector);
  CHECK(second.node_selector->IsWildcard());
  REQUIRE(second.egress_deny);
  REQUIRE(second.egress_deny->size() == 1);
  CHECK((*second.egress_deny)[0].deny);
  CHECK((*second.egress_deny)[0].direction == ir::Direction::kEgress);
}

TEST_CASE("cnp 1.1: missing name, missing spec and specs", "[lower_cilium]") {
  LoadResult r = LoadCnp(R"(apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata:
  labels: {a: b}
)");
  CHECK(HasAt(r, RuleId::kMissingField, 4, 3));  // metadata.name
  CHECK(HasAt(r, RuleId::kMissingField, 1, 1));  // spec || specs
  REQUIRE(r.policies.policies.size() == 1);
  CHECK(r.policies.policies[0].kind == ir::PolicyKind::kCiliumClusterwideNetworkPolicy);
  CHECK(r.policies.policies[0].rules.empty());
}

TEST_CASE("cnp 1.1: oneOf endpointSelector|nodeSelector and anyOf sections", "[lower_cilium]") {
  LoadResult both = LoadCnp(R"(apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: p}
spec:
  endpointSelector: {}
  nodeSelector: {}
  ingress: [{}]
)");
  CHECK(HasAt(both, RuleId::kConflictingFields, 6, 3));

  LoadResult neither = LoadCnp(R"(apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: p}
spec:
  description: nothing
)");
  CHECK(Findings(neither, RuleId::kMissingField).size() == 2);  // selector, and no section (1.17+)
  CHECK(HasAt(neither, RuleId::kMissingField, 5, 3));

  // Cilium 1.16 still accepted rules without sections.
  LoadResult old = LoadCnp(R"(apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: p}
spec:
  endpointSelector: {}
)",
                           "1.16");
  INFO(Describe(old));
  CHECK(SchemaErrors(old).empty());
}

TEST_CASE("cnp: nodeSelector in a CiliumNetworkPolicy is still lowered", "[lower_cilium]") {
  LoadResult r = LoadCnp(R"(apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: p}
spec:
  nodeSelector: {matchLabels: {role: worker}}
  ingress: [{}]
)");
  const ir::Rule& rule = OnlyRule(r);
  REQUIRE(rule.node_selector);
  CHECK(rule.node_selector->match_labels.at(0).value == "worker");
  CHECK(SchemaErrors(r).empty());
}

// ---- peers (1.2-1.4) ------------------------------------------------------

TEST_CASE("cnp 1.2: ingress peers round-trip with locations", "[lower_cilium]") {
  LoadResult r = LoadCnp(R"(apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: p}
spec:
  endpointSelector: {}
  ingress:
  - fromEndpoints: [{matchLabels: {app: a}}]
    authentication: {mode: required}
  - fromCIDR: [10.0.0.0/8, 1.2.3.4]
  - fromCIDRSet:
    - {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}
    - cidrGroupRef: my-group
    - cidrGroupSelector: {matchLabels: {env: prod}}
  - fromEntities: [world, cluster]
  - fromNodes: []
  - fromGroups:
    - aws: {securityGroupsIds: [sg-1], securityGroupsNames: [web], region: us-east-1, labels: {k: v}}
  - fromEndpoints: []
)");
  INFO(Describe(r));
  REQUIRE(SchemaErrors(r).empty());
  const ir::Rule& rule = OnlyRule(r);
  REQUIRE(rule.ingress);
  const std::vector<ir::PeerRule>& in = *rule.ingress;
  REQUIRE(in.size() == 7);
  CHECK(in[0].direction == ir::Direction::kIngress);
  CHECK_FALSE(in[0].deny);
  CHECK(At(in[0].location, 7, 5));
  REQUIRE(in[0].endpoints);
  CHECK(At(in[0].field_locations.endpoints, 7, 5));
  CHECK(At(in[0].endpoints->at(0).location, 7, 21));
  REQUIRE(in[0].authentication);
  CHECK(in[0].authentication->mode == ir::AuthMode::kRequired);
  REQUIRE(in[1].cidr);
  CHECK(in[1].cidr->at(1).text == "1.2.3.4");
  CHECK(At(in[1].cidr->at(1).location, 9, 28));
  REQUIRE(in[2].cidr_set);
  REQUIRE(in[2].cidr_set->size() == 3);
  CHECK(in[2].cidr_set->at(0).cidr->text == "10.0.0.0/8");
  CHECK(in[2].cidr_set->at(0).except.at(0).text == "10.1.0.0/16");
  CHECK(in[2].cidr_set->at(1).cidr_group_ref == "my-group");
  REQUIRE(in[2].cidr_set->at(2).cidr_group_selector);
  CHECK(in[2].cidr_set->at(2).cidr_group_selector->match_labels.at(0).value == "prod");
  REQUIRE(in[3].entities);
  CHECK(in[3].entities->at(1).name == "cluster");
  CHECK(At(in[3].entities->at(1).location, 14, 27));
  REQUIRE(in[4].nodes);  // present but empty
  CHECK(in[4].nodes->empty());
  REQUIRE(in[5].groups);
  const ir::AwsGroup& group = in[5].groups->at(0);
  CHECK(group.security_group_ids == std::vector<std::string>{"sg-1"});
  CHECK(group.security_group_names == std::vector<std::string>{"web"});
  CHECK(group.region == "us-east-1");
  CHECK(group.labels.at("k") == "v");
  // 3.3: `fromEndpoints: []` is present and selects nothing; absent is no constraint.
  REQUIRE(in[6].endpoints);
  CHECK(in[6].endpoints->empty());
  CHECK(At(in[6].field_locations.endpoints, 18, 5));
  CHECK_FALSE(in[6].cidr);
  CHECK_FALSE(in[6].field_locations.cidr.Known());
}

TEST_CASE("cnp 1.3: egress peers, toServices, toFQDNs", "[lower_cilium]") {
  LoadResult r = LoadCnp(R"(apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: p}
spec:
  endpointSelector: {}
  egress:
  - toServices:
    - k8sService: {serviceName: db, namespace: data}
    - k8sServiceSelector: {selector: {matchLabels: {x: z}}, namespace: other}
  - toFQDNs:
    - matchName: example.com
    - matchPattern: "*.example.com"
  - toEndpoints: [{}]
    toRequires: []
  egressDeny:
  - toServices: [{k8sService: {serviceName: db}}]
)");
  INFO(Describe(r));
  REQUIRE(SchemaErrors(r).empty());
  const ir::Rule& rule = OnlyRule(r);
  const std::vector<ir::PeerRule>& out = *rule.egress;
  REQUIRE(out.size() == 3);
  REQUIRE(out[0].services);
  const auto& ref = std::get<ir::ServiceReference>(out[0].services->at(0).target);
  CHECK(ref.name == "db");
  CHECK(ref.namespace_ == "data");
  CHECK(At(out[0].services->at(0).location, 8, 7));
  const auto& sel = std::get<ir::ServiceSelector>(out[0].services->at(1).target);
  CHECK(sel.namespace_ == "other");
  CHECK(sel.selector.match_labels.at(0).value == "z");
  REQUIRE(out[1].fqdns);
  CHECK(out[1].fqdns->at(0).match_name == "example.com");
  CHECK(out[1].fqdns->at(1).match_pattern == "*.example.com");
  CHECK(At(out[1].fqdns->at(1).location, 12, 7));
  REQUIRE(out[2].endpoints);
  CHECK(out[2].endpoints->at(0).IsWildcard());
  REQUIRE(out[2].requires_);  // `[]` is accepted by the 1.19 CRD (maxItems 0)
  CHECK(out[2].requires_->empty());
  REQUIRE(rule.egress_deny);
  CHECK(rule.egress_deny->at(0).services);
}

TEST_CASE("cnp: did-you-mean for direction mix-ups and typos", "[lower_cilium]") {
  LoadResult r = LoadCnp(R"(apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: p}
spec:
  endpointSelector: {}
  ingress:
  - toEndpoints: [{}]
  - toFQDNs: [{matchName: a.com}]
  egress:
  - fromEndpoints: [{}]
  - toEndpoint: [{}]
  - fromCIDR: [1.1.1.1/32]
)");
  auto unknown = Findings(r, RuleId::kUnknownField);
  REQUIRE(unknown.size() == 5);
  CHECK(HasAt(r, RuleId::kUnknownField, 7, 5));
  CHECK(unknown[0].message.find("did you mean 'fromEndpoints'?") != std::string::npos);
  CHECK(unknown[0].hint.find("egress") != std::string::npos);
  CHECK(HasAt(r, RuleId::kUnknownField, 8, 5));
  CHECK(unknown[1].message.find("toFQDNs is egress-only") != std::string::npos);
  CHECK(HasAt(r, RuleId::kUnknownField, 10, 5));
  CHECK(unknown[2].message.find("did you mean 'toEndpoints'?") != std::string::npos);
  CHECK(HasAt(r, RuleId::kUnknownField, 11, 5));
  CHECK(unknown[3].message.find("did you mean 'toEndpoints'?") != std::string::npos);
  CHECK(unknown[4].message.find("did you mean 'toCIDR'?") != std::string::npos);
  // The ingress toFQDNs is not lowered into the IR.
  CHECK_FALSE(OnlyRule(r).ingress->at(1).fqdns);
}

TEST_CASE("cnp 1.2/1.3: deny rules take ports only, no toFQDNs, no authentication", "[lower_cilium]") {
  LoadResult r = LoadCnp(R"(apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: p}
spec:
  endpointSelector: {}
  ingressDeny:
  - fromEntities: [world]
    authentication: {mode: required}
    toPorts:
    - ports: [{port: "80", protocol: TCP}]
      rules: {http: [{}]}
      serverNames: [a.com]
  egressDeny:
  - toFQDNs: [{matchName: a.com}]
)");
  auto unknown = Findings(r, RuleId::kUnknownField);
  REQUIRE(unknown.size() == 4);
  CHECK(HasAt(r, RuleId::kUnknownField, 8, 5));
  CHECK(HasAt(r, RuleId::kUnknownField, 11, 7));
  CHECK(unknown[1].message.find("deny rules cannot have L7 rules") != std::string::npos);
  CHECK(HasAt(r, RuleId::kUnknownField, 12, 7));
  CHECK(HasAt(r, RuleId::kUnknownField, 14, 5));
  const ir::Rule& rule = OnlyRule(r);
  const ir::PeerRule& deny = rule.ingress_deny->at(0);
  CHECK(deny.deny);
  CHECK_FALSE(deny.authentication);
  REQUIRE(deny.to_ports);
  CHECK_FALSE(deny.to_ports->at(0).rules);
  CHECK(deny.to_ports->at(0).ports.at(0).port == "80");
  CHECK_FALSE(rule.egress_deny->at(0).fqdns);
}

TEST_CASE("cnp 1.4: CIDRSet oneOf and cidrGroupRef pattern; entities kept as written", "[lower_cilium]") {
  LoadResult r = LoadCnp(R"(apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: p}
spec:
  endpointSelector: {}
  egress:
  - toCIDRSet:
    - {cidr: 10.0.0.0/8, cidrGroupRef: g}
    - {except: [10.0.0.0/9]}
    - cidrGroupRef: Bad_Name
  - toEntities: [worl, world-ipv4]
)");
  CHECK(HasAt(r, RuleId::kConflictingFields, 8, 7));
  CHECK(HasAt(r, RuleId::kMissingField, 9, 7));
  CHECK(HasAt(r, RuleId::kInvalidValue, 10, 21));
  // The entity enum is verifier/lint_entities.cc's (one finding per name), so
  // lowering keeps the names and reports nothing about them.
  CHECK_FALSE(HasAt(r, RuleId::kInvalidValue, 11, 18));
  const std::vector<ir::Entity>& entities = *OnlyRule(r).egress->at(1).entities;
  REQUIRE(entities.size() == 2);
  CHECK(entities[0].name == "worl");
  CHECK(entities[1].name == "world-ipv4");
  CHECK(At(entities[1].location, 11, 24));
}

// ---- ports (1.5) ------------------------------------------------------------

TEST_CASE("cnp 1.5: ports, TLS, serverNames, listener round-trip", "[lower_cilium]") {
  LoadResult r = LoadCnp(R"(apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: p}
spec:
  endpointSelector: {}
  egress:
  - toPorts:
    - ports:
      - {port: "8000", endPort: 8080, protocol: TCP}
      - port: HTTP-Alt
      - {protocol: UDP}
      terminatingTLS: {secret: {namespace: ns, name: s}, trustedCA: ca, certificate: c, privateKey: k}
      originatingTLS: {secret: {name: o}}
      serverNames: ["*.example.com", api.example.com]
    - ports: [{port: "443"}]
      listener: {envoyConfig: {kind: CiliumEnvoyConfig, name: cec}, name: l1, priority: 5}
)");
  INFO(Describe(r));
  REQUIRE(SchemaErrors(r).empty());
  const std::vector<ir::PortRule>& ports = *OnlyRule(r).egress->at(0).to_ports;
  REQUIRE(ports.size() == 2);
  const ir::PortProtocol& first = ports[0].ports.at(0);
  CHECK(first.port == "8000");
  CHECK(first.end_port == 8080);
  CHECK(first.protocol == ir::Protocol::kTcp);
  CHECK(first.protocol_given);
  CHECK(At(first.location, 9, 9));
  CHECK(At(first.port_location, 9, 16));
  CHECK(At(first.end_port_location, 9, 33));
  CHECK(At(first.protocol_location, 9, 49));
  CHECK(ports[0].ports.at(1).port == "http-alt");  // IANA names are case-insensitive
  CHECK_FALSE(ports[0].ports.at(1).protocol_given);
  CHECK(ports[0].ports.at(1).protocol == ir::Protocol::kAny);
  CHECK(ports[0].ports.at(2).port.empty());
  CHECK(ports[0].ports.at(2).protocol == ir::Protocol::kUdp);
  REQUIRE(ports[0].terminating_tls);
  CHECK(ports[0].terminating_tls->secret == ir::SecretRef{"ns", "s"});
  CHECK(ports[0].terminating_tls->trusted_ca == "ca");
  CHECK(ports[0].terminating_tls->certificate == "c");
  CHECK(ports[0].terminating_tls->private_key == "k");
  CHECK(At(ports[0].terminating_tls->location, 12, 23));
  CHECK(ports[0].originating_tls->secret == ir::SecretRef{"", "o"});
  REQUIRE(ports[0].server_names.size() == 2);
  CHECK(ports[0].server_names[0].text == "*.example.com");
  CHECK(At(ports[0].server_names[1].location, 14, 38));
  REQUIRE(ports[1].listener);
  CHECK(ports[1].listener->envoy_config_kind == "CiliumEnvoyConfig");
  CHECK(ports[1].listener->envoy_config_name == "cec");
  CHECK(ports[1].listener->name == "l1");
  CHECK(ports[1].listener->priority == 5);
}

TEST_CASE("cnp 1.5: port schema errors", "[lower_cilium]") {
  LoadResult r = LoadCnp(R"(apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: p}
spec:
  endpointSelector: {}
  egress:
  - toPorts:
    - ports:
      - port: 80
      - {port: "80", protocol: tcp}
      - {port: "80", protocol: ICMP}
      - {port: "80", endPort: 70000}
      - {port: "-/-"}
      - port: [80]
      listener: {envoyConfig: {kind: Other, name: x}, name: l, priority: 0}
      serverNames: []
)");
  auto wrong = Findings(r, RuleId::kWrongType);
  REQUIRE(wrong.size() == 2);
  CHECK(HasAt(r, RuleId::kWrongType, 9, 15));
  CHECK(wrong[0].hint == "quote it: port: \"80\"");
  CHECK(HasAt(r, RuleId::kWrongType, 14, 15));
  CHECK(HasAt(r, RuleId::kInvalidValue, 10, 32));
  auto invalid = Findings(r, RuleId::kInvalidValue);
  CHECK(std::any_of(invalid.begin(), invalid.end(),
                    [](const ir::Diagnostic& d) { return d.hint.find("write TCP") != std::string::npos; }));
  CHECK(HasAt(r, RuleId::kInvalidValue, 11, 32));
  CHECK(HasAt(r, RuleId::kInvalidValue, 12, 31));
  CHECK(HasAt(r, RuleId::kInvalidValue, 13, 16));
  CHECK(HasAt(r, RuleId::kInvalidValue, 15, 38));  // listener kind
  CHECK(HasAt(r, RuleId::kInvalidValue, 15, 74));  // priority
  CHECK(HasAt(r, RuleId::kInvalidValue, 16, 20));  // serverNames minItems
  // The unquoted number is still kept so later passes see the port.
  CHECK(OnlyRule(r).egress->at(0).to_ports->at(0).ports.at(0).port == "80");
}

TEST_CASE("cnp 1.5: more than 40 ports is too-many-ports at the list", "[lower_cilium]") {
  std::string yaml = R"(apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: p}
spec:
  endpointSelector: {}
  ingress:
  - toPorts:
    - ports:
)";
  for (int i = 0; i < 41; ++i) yaml += "      - port: \"" + std::to_string(1000 + i) + "\"\n";
  LoadResult r = LoadCnp(yaml);
  CHECK(HasAt(r, RuleId::kTooManyPorts, 9, 7));
  CHECK(OnlyRule(r).ingress->at(0).to_ports->at(0).ports.size() == 41);
}

// ---- L7 (1.6-1.10) ----------------------------------------------------------

TEST_CASE("cnp 1.6-1.9: http, dns, kafka, l7proto and l7 round-trip", "[lower_cilium]") {
  LoadResult r = LoadCnp(R"(apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: p}
spec:
  endpointSelector: {}
  ingress:
  - toPorts:
    - ports: [{port: "80", protocol: TCP}]
      rules:
        http:
        - path: /api/.*
          method: GET
          host: example.com
          headers: ["X-A: b"]
          headerMatches:
          - {name: X-Token, value: v, mismatch: REPLACE, secret: {namespace: ns, name: tok}}
        kafka:
        - {role: produce, apiKey: fetch, apiVersion: "1", clientID: c, topic: t}
        l7proto: myproto
        l7: [{cmd: READ}]
  egress:
  - toPorts:
    - ports: [{port: "53", protocol: ANY}]
      rules:
        dns: [{matchPattern: "*"}, {matchName: cilium.io}]
)");
  INFO(Describe(r));
  REQUIRE(SchemaErrors(r).empty());
  const ir::Rule& rule = OnlyRule(r);
  const ir::L7Rules& in = *rule.ingress->at(0).to_ports->at(0).rules;
  REQUIRE(in.http);
  const ir::HttpRule& http = in.http->at(0);
  CHECK(http.path->text == "/api/.*");
  CHECK(At(http.path->location, 11, 17));
  CHECK(http.method->text == "GET");
  CHECK(http.host->text == "example.com");
  CHECK(http.headers.at(0).text == "X-A: b");
  const ir::HeaderMatch& hm = http.header_matches.at(0);
  CHECK(hm.name == "X-Token");
  CHECK(hm.value == "v");
  CHECK(hm.mismatch == ir::HeaderMismatch::kReplace);
  CHECK(hm.secret == ir::SecretRef{"ns", "tok"});
  REQUIRE(in.kafka);
  CHECK(in.kafka->at(0) == ir::KafkaRule{"produce", "fetch", "1", "c", "t", in.kafka->at(0).location});
  CHECK(in.l7_proto == "myproto");
  REQUIRE(in.l7);
  CHECK(in.l7->at(0).fields.at("cmd") == "READ");
  const ir::L7Rules& out = *rule.egress->at(0).to_ports->at(0).rules;
  REQUIRE(out.dns);
  CHECK(out.dns->at(0).match_pattern == "*");
  CHECK(out.dns->at(1).match_name == "cilium.io");
}

TEST_CASE("cnp 1.7/1.10: FQDN and header match schema errors", "[lower_cilium]") {
  LoadResult r = LoadCnp(R"(apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: p}
spec:
  endpointSelector: {}
  egress:
  - toFQDNs:
    - {matchName: a.com, matchPattern: "*.a.com"}
    - {}
    - matchName: "*.a.com"
    - matchPattern: "a..com"
  - toPorts:
    - ports: [{port: "80", protocol: TCP}]
      rules:
        http: [{headerMatches: [{value: x, mismatch: drop}]}]
)");
  CHECK(HasAt(r, RuleId::kConflictingFields, 8, 26));
  CHECK(HasAt(r, RuleId::kMissingField, 9, 7));
  CHECK(HasAt(r, RuleId::kInvalidValue, 10, 18));
  CHECK(HasAt(r, RuleId::kInvalidValue, 11, 21));
  CHECK(HasAt(r, RuleId::kMissingField, 15, 33));  // headerMatches name
  CHECK(HasAt(r, RuleId::kInvalidValue, 15, 54));  // mismatch enum
}

// ---- ICMP (1.11) and authentication (1.12) ---------------------------------

TEST_CASE("cnp 1.11: icmps by number and by family-specific name", "[lower_cilium]") {
  LoadResult r = LoadCnp(R"(apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: p}
spec:
  endpointSelector: {}
  ingress:
  - icmps:
    - fields:
      - type: 8
      - {family: IPv6, type: EchoRequest}
      - {type: "0"}
      - {type: EchoRequest}
      - {family: IPv6, type: Redirect}
      - type: 256
      - {family: ipv6, type: 1}
      - {family: IPv6}
  - authentication: {mode: sometimes}
)");
  const ir::Rule& rule = OnlyRule(r);
  const std::vector<ir::IcmpField>& fields = rule.ingress->at(0).icmps->at(0).fields;
  REQUIRE(fields.size() == 4);
  CHECK(fields[0].type == 8);
  CHECK(fields[0].family == ir::IcmpFamily::kIPv4);
  CHECK(fields[0].type_name.empty());
  CHECK(At(fields[0].location, 9, 9));
  CHECK(fields[1].type == 128);
  CHECK(fields[1].family == ir::IcmpFamily::kIPv6);
  CHECK(fields[1].type_name == "EchoRequest");
  CHECK(fields[2].type == 0);
  CHECK(fields[3].type == 8);  // EchoRequest in IPv4 is 8
  CHECK(HasAt(r, RuleId::kInvalidIcmp, 13, 30));  // Redirect is IPv4-only
  CHECK(HasAt(r, RuleId::kInvalidIcmp, 14, 15));  // > 255
  CHECK(HasAt(r, RuleId::kInvalidValue, 15, 18));  // family enum is case-sensitive
  CHECK(HasAt(r, RuleId::kMissingField, 16, 9));   // type is required
  CHECK(HasAt(r, RuleId::kInvalidValue, 17, 28));  // authentication mode
}

TEST_CASE("cnp 1.11: more than 40 ICMP fields", "[lower_cilium]") {
  std::string yaml = R"(apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: p}
spec:
  endpointSelector: {}
  egress:
  - icmps:
    - fields:
)";
  for (int i = 0; i < 41; ++i) yaml += "      - type: " + std::to_string(i) + "\n";
  LoadResult r = LoadCnp(yaml);
  CHECK(HasAt(r, RuleId::kTooManyPorts, 9, 7));
}

// ---- selectors ---------------------------------------------------------------

TEST_CASE("lower_common: label selector operator and values checks", "[lower_cilium]") {
  LoadResult r = LoadCnp(R"(apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: p}
spec:
  endpointSelector:
    matchLabels: {app: "-bad-", n: 3}
    matchExpressions:
    - {key: a, operator: in, values: [x]}
    - {key: b, operator: In}
    - {key: c, operator: Exists, values: [x]}
    - {operator: DoesNotExist}
  ingress: [{}]
)");
  CHECK(HasAt(r, RuleId::kInvalidValue, 6, 24));
  CHECK(HasAt(r, RuleId::kWrongType, 6, 36));
  CHECK(HasAt(r, RuleId::kInvalidSelector, 8, 26));
  CHECK(HasAt(r, RuleId::kInvalidSelector, 9, 7));
  CHECK(HasAt(r, RuleId::kInvalidSelector, 10, 34));
  CHECK(HasAt(r, RuleId::kMissingField, 11, 7));
  CHECK(IsDns1123Subdomain("a.b-c"));
  CHECK_FALSE(IsDns1123Subdomain("a..b"));
  CHECK_FALSE(IsDns1123Subdomain("-a"));
  CHECK(IsLabelValue(""));
  CHECK_FALSE(IsLabelValue(std::string(64, 'a')));
}

// ---- versions (section 10) --------------------------------------------------

TEST_CASE("cnp 10: version-gated fields, both ways", "[lower_cilium]") {
  constexpr std::string_view kYaml = R"(apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: p}
spec:
  endpointSelector: {}
  log: {value: x}
  ingress:
  - fromRequires: [{matchLabels: {a: b}}]
  egress:
  - toCIDRSet: [{cidrGroupSelector: {}}]
  - toPorts:
    - ports: [{port: "0", protocol: GRE}]
    - ports: [{port: "80", protocol: TCP}]
      rules: {kafka: [{topic: t}]}
)";
  LoadResult v16 = LoadCnp(kYaml, "1.16");
  CHECK(HasAt(v16, RuleId::kUnsupportedInVersion, 6, 3));    // log: 1.18
  CHECK(HasAt(v16, RuleId::kUnsupportedInVersion, 10, 18));  // cidrGroupSelector: 1.17
  CHECK(HasAt(v16, RuleId::kUnsupportedInVersion, 12, 37));  // GRE: 1.19
  CHECK_FALSE(HasAt(v16, RuleId::kUnsupportedInVersion, 8, 5));
  CHECK(Findings(v16, RuleId::kDeprecatedField).empty());
  CHECK_FALSE(OnlyRule(v16).log);
  CHECK(OnlyRule(v16).ingress->at(0).requires_);

  LoadResult v17 = LoadCnp(kYaml, "1.17");
  CHECK(HasAt(v17, RuleId::kDeprecatedField, 8, 5));  // fromRequires deprecated
  CHECK_FALSE(HasAt(v17, RuleId::kUnsupportedInVersion, 10, 18));

  LoadResult v19 = LoadCnp(kYaml, "1.19");
  CHECK(HasAt(v19, RuleId::kUnsupportedInVersion, 8, 5));  // fromRequires removed
  CHECK(Findings(v19, RuleId::kUnsupportedInVersion).size() == 1);
  CHECK(OnlyRule(v19).log->text == "x");
  CHECK(OnlyRule(v19).egress->at(1).to_ports->at(0).ports.at(0).protocol == ir::Protocol::kGre);
  CHECK(OnlyRule(v19).egress->at(1).to_ports->at(1).rules->kafka);

  LoadResult v20 = LoadCnp(kYaml, "1.20");
  CHECK(HasAt(v20, RuleId::kUnsupportedInVersion, 14, 15));  // kafka removed
  CHECK_FALSE(OnlyRule(v20).egress->at(1).to_ports->at(1).rules->kafka);
}

TEST_CASE("field_versions: table lookups", "[lower_cilium]") {
  REQUIRE(FindFieldVersion("log") != nullptr);
  CHECK(FindFieldVersion("log")->since == ir::CiliumVersion{1, 18});
  CHECK(FindFieldVersion("fromRequires")->removed == ir::CiliumVersion{1, 19});
  CHECK(FindFieldVersion("extended-protocol") != nullptr);
  CHECK(FindFieldVersion("endpointSelector") == nullptr);
}

TEST_CASE("cnp: log value limits", "[lower_cilium]") {
  LoadResult r = LoadCnp(R"(apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: p}
spec:
  endpointSelector: {}
  log: {value: "0123456789012345678901234567890123"}
  ingress: [{}]
)");
  CHECK(HasAt(r, RuleId::kInvalidValue, 6, 16));
}

// ---- the real-world corpus --------------------------------------------------

// Schema errors in ../shared/corpus/cilium that Cilium's CRD really gives.
// Each entry: file (relative to the corpus), line, rule id, and why.
struct KnownSchemaError {
  std::string_view file;
  uint32_t line;
  std::string_view rule;
  std::string_view why;
};
const KnownSchemaError kKnownCorpusErrors[] = {
    {"test/k8s/manifests/cnp-second-namespaces/templates/policy.yaml", 13, "wrong-type",
     "an unrendered Helm template: `{{ .Values.Namespace }}` is a YAML flow mapping, so the matchLabels value is an "
     "object; the API server rejects it as `must be of type string` (Helm renders it before applying)"},
    {"examples/policies/auth/auth.yaml", 13, "unknown-field",
     "`auth` is not a field of EgressRule in the CRD (it is `authentication: {mode: ...}`); the API server's strict "
     "field validation rejects it (older kubectl pruned it silently, so the rule never required auth)"},
    {"examples/policies/l3/requires/requires.yaml", 11, "unsupported-in-version",
     "fromRequires was removed in 1.19: the CRD keeps it as a list of strings with maxItems 0 "
     "(cilium-semantics.md 1.2, section 10), so a non-empty list of selectors is rejected"},
};

TEST_CASE("cnp corpus: no schema errors at 1.19 except verified ones", "[lower_cilium][corpus]") {
  namespace fs = std::filesystem;
  fs::path root = fs::path(POLC_SOURCE_DIR) / ".." / "shared" / "corpus" / "cilium";
  REQUIRE(fs::is_directory(root));
  size_t policies = 0;
  std::vector<std::string> unexpected;
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    std::string ext = entry.path().extension().string();
    if (ext != ".yaml" && ext != ".yml" && ext != ".json") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    std::string relative = fs::relative(entry.path(), root).generic_string();
    LoadResult r = LoadCnp(text.str(), "1.19");
    for (const ir::Policy& policy : r.policies.policies) {
      if (policy.kind != ir::PolicyKind::kNetworkPolicy) ++policies;
    }
    for (const ir::Diagnostic& d : SchemaErrors(r)) {
      if (d.object < 0 || r.objects.at(d.object).api_version != "cilium.io/v2") continue;
      if (r.objects.at(d.object).object_class != ObjectClass::kPolicy) continue;
      bool known = std::any_of(std::begin(kKnownCorpusErrors), std::end(kKnownCorpusErrors),
                               [&](const KnownSchemaError& k) {
                                 return k.file == relative && k.line == d.location.line && k.rule == ir::Info(d.rule).id;
                               });
      if (!known) {
        unexpected.push_back(relative + ":" + std::to_string(d.location.line) + ":" +
                             std::to_string(d.location.column) + ": " + std::string(ir::Info(d.rule).id) + ": " +
                             d.message);
      }
    }
  }
  std::ostringstream all;
  for (const std::string& u : unexpected) all << u << "\n";
  INFO(all.str());
  CHECK(policies > 100);
  CHECK(unexpected.empty());
}

}  // namespace
}  // namespace polc::compiler

namespace polc::compiler {
namespace {

TEST_CASE("cnp 3.3: null is absent, [] is present; auth is a did-you-mean for authentication", "[lower_cilium]") {
  LoadResult r = LoadCnp(R"(apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: p}
spec:
  endpointSelector: {}
  ingress: [{fromEndpoints: null, toPorts: []}]
  egress: ~
  egressDeny:
  - auth: {mode: required}
)");
  const ir::Rule& rule = OnlyRule(r);
  CHECK_FALSE(rule.egress);
  CHECK_FALSE(rule.egress_location.Known());
  const ir::PeerRule& in = rule.ingress->at(0);
  CHECK_FALSE(in.endpoints);
  REQUIRE(in.to_ports);
  CHECK(in.to_ports->empty());
  auto unknown = Findings(r, RuleId::kUnknownField);
  REQUIRE(unknown.size() == 1);
  CHECK(unknown[0].message.find("did you mean 'authentication'?") != std::string::npos);
  CHECK(HasAt(r, RuleId::kUnknownField, 9, 5));
}

}  // namespace
}  // namespace polc::compiler
