// Reference evaluator: ports, ICMP, CIDR, toServices, FQDN peers, L7
// (cilium-semantics.md 1.4, 1.5, 1.11, 6, 7, 11).
#include <catch2/catch.hpp>

#include "tests/evaluator_test_util.h"
#include "verifier/accepted_policies.h"

namespace polc::verifier::test {
namespace {

std::string ClientEgress(std::string_view body) {
  return "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: c, namespace: app}\nspec:\n"
         "  endpointSelector: {matchLabels: {app: client}}\n  egress:\n" +
         std::string(body);
}

TEST_CASE("1.5 ANY is TCP/UDP/SCTP, port 0 is all ports, endPort ranges", "[evaluator]") {
  std::string any = ClientEgress("    - toPorts: [{ports: [{port: '53'}]}]\n");
  Flow udp = Tcp(Ep("app", "client"), Ip("8.8.8.8"), "53");
  udp.protocol = ir::Protocol::kUdp;
  CHECK(Allowed(Eval(any, udp)));
  Flow icmp = Tcp(Ep("app", "client"), Ip("8.8.8.8"), "");
  icmp.protocol = ir::Protocol::kIcmp;
  icmp.icmp_type = 8;
  CHECK_FALSE(Allowed(Eval(any, icmp)));
  std::string zero = ClientEgress("    - toPorts: [{ports: [{port: '0', protocol: TCP}]}]\n");
  CHECK(Allowed(Eval(zero, Tcp(Ep("app", "client"), Ip("8.8.8.8"), "12345"))));
  CHECK_FALSE(Allowed(Eval(zero, udp)));
  std::string range = ClientEgress("    - toPorts: [{ports: [{port: '8000', endPort: 8010, protocol: TCP}]}]\n");
  CHECK(Allowed(Eval(range, Tcp(Ep("app", "client"), Ip("8.8.8.8"), "8010"))));
  CHECK_FALSE(Allowed(Eval(range, Tcp(Ep("app", "client"), Ip("8.8.8.8"), "8011"))));
}

TEST_CASE("1.11 ICMP rules match the type only, per family", "[evaluator]") {
  std::string yaml = ClientEgress("    - icmps: [{fields: [{type: 8, family: IPv4}]}]\n");
  Flow ping = Tcp(Ep("app", "client"), Ip("8.8.8.8"), "");
  ping.protocol = ir::Protocol::kIcmp;
  ping.icmp_type = 8;
  CHECK(Allowed(Eval(yaml, ping)));
  ping.icmp_type = 0;
  CHECK_FALSE(Allowed(Eval(yaml, ping)));
  ping.icmp_type = 8;
  ping.protocol = ir::Protocol::kIcmpv6;
  CHECK_FALSE(Allowed(Eval(yaml, ping)));
  CHECK_FALSE(Allowed(Eval(yaml, Tcp(Ep("app", "client"), Ip("8.8.8.8"), "80"))));
}

TEST_CASE("1.4 CIDR, CIDRSet except, CIDR groups; a bare IP is a host prefix", "[evaluator]") {
  std::string cidr = ClientEgress("    - toCIDR: [1.1.1.1]\n");
  CHECK(Allowed(Eval(cidr, Tcp(Ep("app", "client"), Ip("1.1.1.1"), "443"))));
  CHECK_FALSE(Allowed(Eval(cidr, Tcp(Ep("app", "client"), Ip("1.1.1.2"), "443"))));
  std::string set = ClientEgress("    - toCIDRSet: [{cidr: 0.0.0.0/0, except: [10.0.0.0/8]}]\n");
  CHECK(Allowed(Eval(set, Tcp(Ep("app", "client"), Ip("8.8.8.8"), "443"))));
  CHECK_FALSE(Allowed(Eval(set, Tcp(Ep("app", "client"), Ip("10.1.1.1"), "443"))));
  CHECK(Allowed(Eval(set, Tcp(Ep("app", "client"), Entity("world"), "443"))));
  // Pods are never selected by CIDR (2.4).
  CHECK_FALSE(Allowed(Eval(set, Tcp(Ep("app", "client"), Ep("other", "server"), "443"))));
  std::string group = ClientEgress("    - toCIDRSet: [{cidrGroupRef: dns-servers}]\n") +
                      "---\napiVersion: cilium.io/v2alpha1\nkind: CiliumCIDRGroup\nmetadata: {name: dns-servers}\n"
                      "spec:\n  externalCIDRs: [8.8.8.0/24]\n";
  CHECK(Allowed(Eval(group, Tcp(Ep("app", "client"), Ip("8.8.8.8"), "53"))));
  CHECK_FALSE(Allowed(Eval(group, Tcp(Ep("app", "client"), Ip("9.9.9.9"), "53"))));
}

TEST_CASE("11 toServices: resolved to the service's pods; unresolved selects nothing with a warning",
          "[evaluator]") {
  std::string yaml = ClientEgress("    - toServices: [{k8sService: {serviceName: server, namespace: app}}]\n");
  CHECK(Allowed(Eval(yaml, Tcp(Ep("app", "client"), Ep("app", "server"), "8080"))));
  CHECK_FALSE(Allowed(Eval(yaml, Tcp(Ep("app", "client"), Ep("other", "server"), "8080"))));
  std::string missing = ClientEgress("    - toServices: [{k8sService: {serviceName: nope, namespace: app}}]\n");
  FlowResult r = Eval(missing, Tcp(Ep("app", "client"), Ep("app", "server"), "8080"));
  CHECK(r.verdict == Verdict::kDeny);
  REQUIRE_FALSE(r.warnings.empty());
  CHECK(r.warnings[0].find("app/nope") != std::string::npos);
}

TEST_CASE("1.3 toServices k8sServiceSelector selects Services by their labels, in the policy's namespace",
          "[evaluator]") {
  std::string yaml = ClientEgress(
      "    - toServices: [{k8sServiceSelector: {selector: {matchLabels: {tier: backend}}}}]\n");
  CHECK(Allowed(Eval(yaml, Tcp(Ep("app", "client"), Ep("app", "server"), "8080"))));
  std::string other_labels = ClientEgress(
      "    - toServices: [{k8sServiceSelector: {selector: {matchLabels: {tier: frontend}}}}]\n");
  FlowResult r = Eval(other_labels, Tcp(Ep("app", "client"), Ep("app", "server"), "8080"));
  CHECK(r.verdict == Verdict::kDeny);
  REQUIRE_FALSE(r.warnings.empty());
  CHECK(r.warnings[0].find("matches no Service") != std::string::npos);
  std::string other_namespace = ClientEgress(
      "    - toServices: [{k8sServiceSelector: {selector: {matchLabels: {tier: backend}}, namespace: other}}]\n");
  CHECK_FALSE(Allowed(Eval(other_namespace, Tcp(Ep("app", "client"), Ep("app", "server"), "8080"))));
}

TEST_CASE("6.7 toFQDNs selects the addresses of the name, not others", "[evaluator]") {
  std::string yaml = ClientEgress(
      "    - toFQDNs: [{matchName: one.one.one.one}]\n"
      "    - toEndpoints: [{matchLabels: {io.kubernetes.pod.namespace: kube-system}}]\n"
      "      toPorts: [{ports: [{port: '53', protocol: ANY}], rules: {dns: [{matchPattern: '*'}]}}]\n");
  CHECK(Allowed(Eval(yaml, Tcp(Ep("app", "client"), Fqdn("one.one.one.one"), "443"))));
  CHECK(Allowed(Eval(yaml, Tcp(Ep("app", "client"), Ip("1.1.1.1"), "443"))));
  CHECK_FALSE(Allowed(Eval(yaml, Tcp(Ep("app", "client"), Fqdn("example.com"), "443"))));
  CHECK(Eval(yaml, Tcp(Ep("app", "client"), Fqdn("one.one.one.one"), "443")).warnings.empty());
  // 6.6: without a DNS rule the proxy never sees the answers: a warning.
  std::string no_dns = ClientEgress("    - toFQDNs: [{matchName: one.one.one.one}]\n");
  FlowResult r = Eval(no_dns, Tcp(Ep("app", "client"), Fqdn("one.one.one.one"), "443"));
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0].find("rules.dns") != std::string::npos);
}

constexpr std::string_view kHttp = R"(
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: h, namespace: app}
spec:
  endpointSelector: {matchLabels: {app: server}}
  ingress:
    - fromEndpoints: [{matchLabels: {app: client}}]
      toPorts:
        - ports: [{port: '8080', protocol: TCP}]
          rules:
            http: [{method: GET, path: /public.*}]
)";

TEST_CASE("7.1 HTTP L7: allowed request, refused request (l7), no request judged at L4", "[evaluator]") {
  Flow flow = Tcp(Ep("app", "client"), Ep("app", "server"), "8080");
  FlowResult plain = Eval(kHttp, flow);
  CHECK(Allowed(plain));
  REQUIRE(plain.ingress.deciding.has_value());
  CHECK(plain.ingress.deciding->has_l7);
  flow.http = ir::HttpRequest{"GET", "/public/x", "", {}};
  CHECK(Allowed(Eval(kHttp, flow)));
  flow.http = ir::HttpRequest{"POST", "/public/x", "", {}};
  FlowResult refused = Eval(kHttp, flow);
  CHECK(refused.verdict == Verdict::kDeny);
  CHECK(refused.deny_reason == ir::DenyReason::kL7);
  CHECK(refused.denied_at == ir::Direction::kIngress);
  // Audit mode does not change the proxy's answer.
  ir::Settings audit;
  audit.policy_audit_mode = true;
  CHECK(Eval(kHttp, flow, audit).verdict == Verdict::kDeny);
}

TEST_CASE("7.4 an L3/L4 allow without L7 on the same port makes L7 a wildcard", "[evaluator]") {
  std::string yaml = std::string(kHttp) + "    - fromEndpoints: [{matchLabels: {app: client}}]\n";
  Flow flow = Tcp(Ep("app", "client"), Ep("app", "server"), "8080");
  flow.http = ir::HttpRequest{"POST", "/private", "", {}};
  CHECK(Allowed(Eval(yaml, flow)));
}

TEST_CASE("3.4 enableDefaultDeny false: L7 is enforced before 1.18, a wildcard since", "[evaluator]") {
  std::string yaml(kHttp);
  yaml.replace(yaml.find("  ingress:"), 0, "  enableDefaultDeny: {ingress: false}\n");
  Flow flow = Tcp(Ep("app", "client"), Ep("app", "server"), "8080");
  flow.http = ir::HttpRequest{"POST", "/private", "", {}};
  CHECK(Allowed(Eval(yaml, flow)));
  ir::Settings v117;
  v117.version = {1, 17};
  CHECK(Eval(yaml, flow, v117).deny_reason == ir::DenyReason::kL7);
}

TEST_CASE("6 DNS L7 rules judge the query", "[evaluator]") {
  std::string yaml = ClientEgress(
      "    - toEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: other}}]\n"
      "      toPorts: [{ports: [{port: '53', protocol: UDP}], rules: {dns: [{matchPattern: '*.cilium.io'}]}}]\n");
  Flow flow = Tcp(Ep("app", "client"), Ep("other", "server"), "53");
  flow.protocol = ir::Protocol::kUdp;
  flow.dns = ir::DnsQuery{"docs.cilium.io"};
  CHECK(Allowed(Eval(yaml, flow)));
  flow.dns = ir::DnsQuery{"example.com"};
  CHECK(Eval(yaml, flow).deny_reason == ir::DenyReason::kL7);
}

TEST_CASE("1.13 a policy Cilium rejects takes no part: AcceptedPolicies", "[evaluator]") {
  // Rule without sections: rejected by the agent from 1.17 (section 10).
  std::string yaml = ClientEgress("    - toEntities: [world]\n") +
                     "---\napiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: bad, namespace: app}\n"
                     "spec:\n  endpointSelector: {}\n  ingress: []\n";
  compiler::LoadOptions options;
  compiler::LoadResult load = compiler::LoadText("p.yaml", yaml, options);
  std::vector<int> rejected;
  ir::PolicySet accepted = AcceptedPolicies(load.policies, load.sink.diagnostics(), &rejected);
  REQUIRE(accepted.policies.size() == 1);
  CHECK(accepted.policies[0].meta.name == "c");
  CHECK(rejected == std::vector<int>{1});
}

TEST_CASE("11 an unresolved toServices warns once per evaluation", "[evaluator]") {
  std::string missing = ClientEgress("    - toServices: [{k8sService: {serviceName: nope, namespace: app}}]\n");
  FlowResult r = Eval(missing, Tcp(Ep("app", "client"), Ip("8.8.8.8"), "80"));
  CHECK(r.warnings.size() == 1);
}

}  // namespace
}  // namespace polc::verifier::test
