// Reference evaluator: selectors, scoping, KNP translation, entities
// (cilium-semantics.md sections 2 and 5).
#include <catch2/catch.hpp>

#include "tests/evaluator_test_util.h"

namespace polc::verifier::test {
namespace {

constexpr std::string_view kCnpFromAll = R"(
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: p, namespace: app}
spec:
  endpointSelector: {matchLabels: {app: server}}
  ingress:
    - fromEndpoints: [{}]
)";

TEST_CASE("2.1 pod identity: namespace labels select across namespaces", "[evaluator]") {
  constexpr std::string_view yaml = R"(
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: p, namespace: app}
spec:
  endpointSelector: {matchLabels: {app: server}}
  ingress:
    - fromEndpoints: [{matchLabels: {io.cilium.k8s.namespace.labels.team: b}}]
)";
  CHECK(Allowed(Eval(yaml, Tcp(Ep("other", "client"), Ep("app", "server"), "8080"))));
  FlowResult same_ns = Eval(yaml, Tcp(Ep("app", "client"), Ep("app", "server"), "8080"));
  CHECK(same_ns.verdict == Verdict::kDeny);
  CHECK(same_ns.denied_at == ir::Direction::kIngress);
}

TEST_CASE("2.1 label sources: k8s: matches pod labels, reserved: does not", "[evaluator]") {
  std::string yaml(kCnpFromAll);
  std::string k8s = yaml;
  k8s.replace(k8s.find("[{}]"), 4, "[{matchLabels: {k8s:app: client}}]");
  CHECK(Allowed(Eval(k8s, Tcp(Ep("app", "client"), Ep("app", "server"), "80"))));
  std::string reserved = yaml;
  reserved.replace(reserved.find("[{}]"), 4, "[{matchLabels: {reserved:app: client}}]");
  CHECK_FALSE(Allowed(Eval(reserved, Tcp(Ep("app", "client"), Ep("app", "server"), "80"))));
}

TEST_CASE("2.1 service account label selects", "[evaluator]") {
  std::string yaml(kCnpFromAll);
  yaml.replace(yaml.find("[{}]"), 4, "[{matchLabels: {io.cilium.k8s.policy.serviceaccount: client}}]");
  CHECK(Allowed(Eval(yaml, Tcp(Ep("app", "client"), Ep("app", "server"), "80"))));
  CHECK_FALSE(Allowed(Eval(yaml, Tcp(Ep("app", "server"), Ep("app", "server"), "80"))));
}

TEST_CASE("2.2 CNP subject is forced into the policy namespace; CCNP is not", "[evaluator]") {
  constexpr std::string_view cnp = R"(
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: p, namespace: app}
spec:
  endpointSelector: {matchLabels: {io.kubernetes.pod.namespace: other}}
  ingress: [{}]
)";
  // The namespace match is overwritten: app/server is selected, other/server is not.
  CHECK_FALSE(Allowed(Eval(cnp, Tcp(Ep("app", "client"), Ep("app", "server"), "80"))));
  CHECK(Allowed(Eval(cnp, Tcp(Ep("app", "client"), Ep("other", "server"), "80"))));
  constexpr std::string_view ccnp = R"(
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: p}
spec:
  endpointSelector: {}
  ingress: [{}]
)";
  CHECK_FALSE(Allowed(Eval(ccnp, Tcp(Ep("app", "client"), Ep("other", "server"), "80"))));
  // 2.2: the host is not selected by endpointSelector.
  ir::Settings firewall;
  firewall.host_firewall = true;
  CHECK(Allowed(Eval(ccnp, Tcp(Ep("app", "client"), NodeP("node-1"), "22"), firewall)));
}

TEST_CASE("2.3 CNP peer {} is the policy namespace only; CCNP peer {} is every pod, not world", "[evaluator]") {
  CHECK(Allowed(Eval(kCnpFromAll, Tcp(Ep("app", "client"), Ep("app", "server"), "80"))));
  CHECK_FALSE(Allowed(Eval(kCnpFromAll, Tcp(Ep("other", "client"), Ep("app", "server"), "80"))));
  constexpr std::string_view ccnp = R"(
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: p}
spec:
  endpointSelector: {matchLabels: {app: server}}
  ingress:
    - fromEndpoints: [{}]
)";
  CHECK(Allowed(Eval(ccnp, Tcp(Ep("other", "client"), Ep("app", "server"), "80"))));
  FlowResult world = Eval(ccnp, Tcp(Entity("world"), Ep("app", "server"), "80"));
  CHECK(world.verdict == Verdict::kDeny);
  CHECK(world.deny_reason == ir::DenyReason::kDefaultDeny);
  CHECK_FALSE(Allowed(Eval(ccnp, Tcp(Entity("remote-node"), Ep("app", "server"), "80"))));
}

TEST_CASE("2.3 reserved peer selectors get no namespace or cluster scoping", "[evaluator]") {
  std::string yaml(kCnpFromAll);
  yaml.replace(yaml.find("[{}]"), 4, "[{matchLabels: {reserved:host: ''}}]");
  ir::Settings settings;
  settings.allow_localhost = ir::AllowLocalhost::kPolicy;
  CHECK(Allowed(Eval(yaml, Tcp(Entity("host"), Ep("app", "server"), "80"), settings)));
}

TEST_CASE("2.3 cluster scoping: an explicit other cluster does not match local pods", "[evaluator]") {
  std::string yaml(kCnpFromAll);
  yaml.replace(yaml.find("[{}]"), 4, "[{matchLabels: {io.cilium.k8s.policy.cluster: east}}]");
  CHECK_FALSE(Allowed(Eval(yaml, Tcp(Ep("app", "client"), Ep("app", "server"), "80"))));
  ir::Settings east;
  east.cluster_name = "east";
  CHECK(Allowed(Eval(yaml, Tcp(Ep("app", "client"), Ep("app", "server"), "80"), east)));
}

TEST_CASE("2.3 fromNodes selects remote nodes by node labels", "[evaluator]") {
  constexpr std::string_view yaml = R"(
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: p, namespace: app}
spec:
  endpointSelector: {matchLabels: {app: server}}
  ingress:
    - fromNodes: [{matchLabels: {zone: z2}}]
)";
  ir::Settings settings;
  settings.enable_node_selector_labels = true;
  CHECK(Allowed(Eval(yaml, Tcp(NodeP("node-2"), Ep("app", "server"), "80"), settings)));
  ir::Inventory inv = SmallInventory();
  inv.nodes.push_back({"node-3", {{"zone", "z3"}}, {"192.168.1.13"}, {}});
  CHECK_FALSE(Allowed(Eval(yaml, Tcp(NodeP("node-3"), Ep("app", "server"), "80"), settings, inv)));
}

constexpr std::string_view kKnpHeader = R"(
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: k, namespace: app}
spec:
  podSelector: {matchLabels: {app: server}}
)";

TEST_CASE("2.4 KNP podSelector / namespaceSelector / both", "[evaluator]") {
  std::string pods = std::string(kKnpHeader) + "  ingress:\n    - from: [{podSelector: {matchLabels: {app: client}}}]\n";
  CHECK(Allowed(Eval(pods, Tcp(Ep("app", "client"), Ep("app", "server"), "80"))));
  CHECK_FALSE(Allowed(Eval(pods, Tcp(Ep("other", "client"), Ep("app", "server"), "80"))));
  std::string ns = std::string(kKnpHeader) + "  ingress:\n    - from: [{namespaceSelector: {matchLabels: {team: b}}}]\n";
  CHECK(Allowed(Eval(ns, Tcp(Ep("other", "server"), Ep("app", "server"), "80"))));
  CHECK_FALSE(Allowed(Eval(ns, Tcp(Ep("app", "client"), Ep("app", "server"), "80"))));
  std::string all_ns = std::string(kKnpHeader) + "  ingress:\n    - from: [{namespaceSelector: {}}]\n";
  CHECK(Allowed(Eval(all_ns, Tcp(Ep("other", "server"), Ep("app", "server"), "80"))));
  CHECK_FALSE(Allowed(Eval(all_ns, Tcp(Entity("world"), Ep("app", "server"), "80"))));
  std::string both = std::string(kKnpHeader) +
                     "  ingress:\n    - from: [{namespaceSelector: {matchLabels: {team: b}}, podSelector: "
                     "{matchLabels: {app: client}}}]\n";
  CHECK(Allowed(Eval(both, Tcp(Ep("other", "client"), Ep("app", "server"), "80"))));
  CHECK_FALSE(Allowed(Eval(both, Tcp(Ep("other", "server"), Ep("app", "server"), "80"))));
  CHECK_FALSE(Allowed(Eval(both, Tcp(Ep("app", "client"), Ep("app", "server"), "80"))));
}

TEST_CASE("2.4 KNP ipBlock never matches pod addresses, only world", "[evaluator]") {
  std::string yaml = std::string(kKnpHeader) +
                     "  ingress:\n    - from: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.9.0.0/16]}}]\n";
  CHECK_FALSE(Allowed(Eval(yaml, Tcp(Ip("10.244.1.10"), Ep("app", "server"), "80"))));
  CHECK(Allowed(Eval(yaml, Tcp(Ip("10.1.2.3"), Ep("app", "server"), "80"))));
  CHECK_FALSE(Allowed(Eval(yaml, Tcp(Ip("10.9.2.3"), Ep("app", "server"), "80"))));
}

TEST_CASE("2.4 KNP empty from is every peer incl. world; missing port is all ports; protocol defaults to TCP",
          "[evaluator]") {
  std::string yaml = std::string(kKnpHeader) + "  ingress:\n    - ports: [{port: 80}]\n";
  CHECK(Allowed(Eval(yaml, Tcp(Entity("world"), Ep("app", "server"), "80"))));
  Flow udp = Tcp(Entity("world"), Ep("app", "server"), "80");
  udp.protocol = ir::Protocol::kUdp;
  CHECK_FALSE(Allowed(Eval(yaml, udp)));
  std::string all = std::string(kKnpHeader) + "  ingress:\n    - from: []\n";
  CHECK(Allowed(Eval(all, Tcp(Ip("8.8.8.8"), Ep("app", "server"), "5555"))));
}

TEST_CASE("2.4 KNP endPort ranges and named ports", "[evaluator]") {
  std::string range = std::string(kKnpHeader) + "  ingress:\n    - ports: [{port: 8000, endPort: 8100}]\n";
  CHECK(Allowed(Eval(range, Tcp(Ep("app", "client"), Ep("app", "server"), "8100"))));
  CHECK_FALSE(Allowed(Eval(range, Tcp(Ep("app", "client"), Ep("app", "server"), "8101"))));
  std::string named = std::string(kKnpHeader) + "  ingress:\n    - ports: [{port: http}]\n";
  CHECK(Allowed(Eval(named, Tcp(Ep("app", "client"), Ep("app", "server"), "8080"))));
  CHECK(Allowed(Eval(named, Tcp(Ep("app", "client"), Ep("app", "server"), "http"))));
  CHECK_FALSE(Allowed(Eval(named, Tcp(Ep("app", "client"), Ep("app", "server"), "9090"))));
}

TEST_CASE("2.4 KNP default deny by policyTypes: ingress [] with [Ingress] denies; egress only with Egress",
          "[evaluator]") {
  std::string ingress = std::string(kKnpHeader) + "  policyTypes: [Ingress]\n  ingress: []\n";
  FlowResult r = Eval(ingress, Tcp(Ep("app", "client"), Ep("app", "server"), "80"));
  CHECK(r.verdict == Verdict::kDeny);
  CHECK(r.denied_at == ir::Direction::kIngress);
  CHECK(r.deny_reason == ir::DenyReason::kDefaultDeny);
  // No policyTypes and no rules: ingress isolated (lacks Egress), egress not.
  std::string bare(kKnpHeader);
  CHECK_FALSE(Allowed(Eval(bare, Tcp(Ep("app", "client"), Ep("app", "server"), "80"))));
  CHECK(Allowed(Eval(bare, Tcp(Ep("app", "server"), Entity("world"), "80"))));
  std::string egress = std::string(kKnpHeader) + "  policyTypes: [Egress]\n";
  FlowResult e = Eval(egress, Tcp(Ep("app", "server"), Entity("world"), "80"));
  CHECK(e.denied_at == ir::Direction::kEgress);
  CHECK(Allowed(Eval(egress, Tcp(Ep("app", "client"), Ep("app", "server"), "80"))));
}

TEST_CASE("2.5 named ports: ingress resolves on the subject, egress on the destination", "[evaluator]") {
  constexpr std::string_view yaml = R"(
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: p}
spec:
  endpointSelector: {matchLabels: {app: client}}
  egress:
    - toPorts: [{ports: [{port: http, protocol: TCP}]}]
)";
  CHECK(Allowed(Eval(yaml, Tcp(Ep("app", "client"), Ep("app", "server"), "8080"))));
  CHECK(Allowed(Eval(yaml, Tcp(Ep("app", "client"), Ep("other", "server"), "8081"))));
  CHECK_FALSE(Allowed(Eval(yaml, Tcp(Ep("app", "client"), Ep("other", "server"), "8080"))));
  // A destination without that name: nothing is installed.
  CHECK_FALSE(Allowed(Eval(yaml, Tcp(Ep("app", "client"), Ip("1.1.1.1"), "8080"))));
}

TEST_CASE("5.1 entities: world, all, cluster, none", "[evaluator]") {
  auto from = [](std::string entity) {
    return std::string(kCnpFromAll).replace(std::string(kCnpFromAll).find("fromEndpoints: [{}]"), 19,
                                            "fromEntities: [" + entity + "]");
  };
  ir::Settings no_localhost;
  no_localhost.allow_localhost = ir::AllowLocalhost::kPolicy;
  CHECK(Allowed(Eval(from("world"), Tcp(Ip("8.8.8.8"), Ep("app", "server"), "80"))));
  CHECK(Allowed(Eval(from("world"), Tcp(Fqdn("one.one.one.one"), Ep("app", "server"), "80"))));
  CHECK_FALSE(Allowed(Eval(from("world"), Tcp(Ep("app", "client"), Ep("app", "server"), "80"))));
  CHECK(Allowed(Eval(from("all"), Tcp(Ip("8.8.8.8"), Ep("app", "server"), "80"))));
  CHECK(Allowed(Eval(from("cluster"), Tcp(Ep("other", "client"), Ep("app", "server"), "80"))));
  CHECK(Allowed(Eval(from("cluster"), Tcp(NodeP("node-2"), Ep("app", "server"), "80"), no_localhost)));
  CHECK(Allowed(Eval(from("cluster"), Tcp(Entity("health"), Ep("app", "server"), "80"))));
  CHECK_FALSE(Allowed(Eval(from("cluster"), Tcp(Ip("8.8.8.8"), Ep("app", "server"), "80"))));
  CHECK_FALSE(Allowed(Eval(from("none"), Tcp(Ep("app", "client"), Ep("app", "server"), "80"))));
  CHECK(Allowed(Eval(from("remote-node"), Tcp(NodeP("node-2"), Ep("app", "server"), "80"), no_localhost)));
  CHECK_FALSE(Allowed(Eval(from("remote-node"), Tcp(NodeP("node-1"), Ep("app", "server"), "80"), no_localhost)));
  CHECK(Allowed(Eval(from("host"), Tcp(NodeP("node-1"), Ep("app", "server"), "80"), no_localhost)));
}

TEST_CASE("5.1 kube-apiserver: identity 7, and the host when the apiserver runs on it", "[evaluator]") {
  constexpr std::string_view yaml = R"(
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: p, namespace: app}
spec:
  endpointSelector: {matchLabels: {app: client}}
  egress:
    - toEntities: [kube-apiserver]
)";
  CHECK(Allowed(Eval(yaml, Tcp(Ep("app", "client"), Entity("kube-apiserver"), "443"))));
  // The apiserver address 192.168.1.11 is node-1, the client's own node: host identity + kube-apiserver.
  CHECK(Allowed(Eval(yaml, Tcp(Ep("app", "client"), Ip("192.168.1.11"), "443"))));
  CHECK_FALSE(Allowed(Eval(yaml, Tcp(Ep("app", "client"), Ip("192.168.1.12"), "443"))));
}

TEST_CASE("5.2 an ip peer takes the identity the inventory places there", "[evaluator]") {
  CHECK(Allowed(Eval(kCnpFromAll, Tcp(Ip("10.244.1.10"), Ep("app", "server"), "80"))));
  CHECK_FALSE(Allowed(Eval(kCnpFromAll, Tcp(Ip("10.244.2.10"), Ep("app", "server"), "80"))));
  // A Service cluster IP is its backend (service translation happens before policy).
  ir::Inventory inv = SmallInventory();
  inv.services[0].cluster_ips = {"10.96.0.10"};
  constexpr std::string_view to_server = R"(
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: c, namespace: app}
spec:
  endpointSelector: {matchLabels: {app: client}}
  egress:
    - toEndpoints: [{matchLabels: {app: server}}]
)";
  FlowResult via_service = Eval(to_server, Tcp(Ep("app", "client"), Ip("10.96.0.10"), "8080"), {}, inv);
  CHECK(Allowed(via_service));
  CHECK_FALSE(Allowed(Eval(to_server, Tcp(Ep("app", "client"), Ip("10.96.0.11"), "8080"), {}, inv)));
  CHECK(via_service.warnings.size() == 1);
  FlowResult unknown = Eval(kCnpFromAll, Tcp(Ep("app", "nope"), Ep("app", "server"), "80"));
  CHECK(unknown.error.has_value());
}

TEST_CASE("2.3 cluster scoping: a pod of another cluster is not a peer since 1.19", "[evaluator]") {
  ir::LabelsPeer remote{"app", {{"app", "client"}, {"io.cilium.k8s.policy.cluster", "cluster-2"}}, "default"};
  CHECK_FALSE(Allowed(Eval(kCnpFromAll, Tcp(remote, Ep("app", "server"), "80"))));
  ir::Settings v118;
  v118.version = {1, 18};  // --policy-default-local-cluster defaults to false
  CHECK(Allowed(Eval(kCnpFromAll, Tcp(remote, Ep("app", "server"), "80"), v118)));
}

TEST_CASE("10 fromRequires (before 1.19) is ANDed into the endpoint peers", "[evaluator]") {
  constexpr std::string_view yaml = R"(
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: p, namespace: app}
spec:
  endpointSelector: {matchLabels: {app: server}}
  ingress:
    - fromEndpoints: [{}]
      fromRequires: [{matchLabels: {app: client}}]
)";
  ir::Settings v117;
  v117.version = {1, 17};
  CHECK(Allowed(Eval(yaml, Tcp(Ep("app", "client"), Ep("app", "server"), "80"), v117)));
  FlowResult r = Eval(yaml, Tcp(Ep("app", "server"), Ep("app", "server"), "80"), v117);
  CHECK(r.deny_reason == ir::DenyReason::kDefaultDeny);
}

}  // namespace
}  // namespace polc::verifier::test
