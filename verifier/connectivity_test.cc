// The connectivity engine on small hand-written repositories: one case per
// mechanism (default deny, deny rules, named ports, CIDR cuts, entities,
// explain), and the documented deviations between Cilium's meaning and the
// upstream NetworkPolicy specification (docs/SEMANTICS.md), each shown on
// both the engine and the reference evaluator.
#include <catch2/catch.hpp>

#include <map>
#include <string>

#include "compiler/loader.h"
#include "verifier/connectivity.h"
#include "verifier/evaluator.h"

namespace polc::verifier {
namespace {

constexpr const char* kInventory = R"(
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {team: a}}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec: {containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: shop, labels: {app: db}}
spec: {containers: [{name: c, ports: [{name: sql, containerPort: 5432}]}]}
)";

struct Loaded {
  compiler::LoadResult load;
  ir::Settings settings;
};

Loaded Load(const std::string& policies, ir::Semantics semantics = ir::Semantics::kCilium) {
  compiler::LoadOptions options;
  options.settings.semantics = semantics;
  Loaded out{compiler::LoadText("repo.yaml", std::string(kInventory) + "---\n" + policies, options), options.settings};
  for (const auto& d : out.load.sink.diagnostics()) {
    INFO(d.message);
    CHECK(d.severity != ir::Severity::kError);
  }
  return out;
}

// "src => dst" -> CONN text.
std::map<std::string, std::string> Edges(const ConnectivityMap& map) {
  std::map<std::string, std::string> out;
  for (const auto& e : map.edges) {
    out[map.peers[static_cast<size_t>(e.source)].name + " => " + map.peers[static_cast<size_t>(e.destination)].name] =
        e.connections.ToString(map.universe);
  }
  return out;
}

std::map<std::string, std::string> Map(const std::string& policies, ir::Semantics semantics = ir::Semantics::kCilium,
                                       ConnectivityOptions options = {}) {
  Loaded l = Load(policies, semantics);
  return Edges(ComputeConnectivity(l.load.policies, l.load.inventory, l.settings, options));
}

std::string At(const std::map<std::string, std::string>& edges, const std::string& key) {
  auto it = edges.find(key);
  return it == edges.end() ? "none" : it->second;
}

constexpr const char* kWeb = "shop/web[Pod]";
constexpr const char* kDb = "shop/db[Pod]";
constexpr const char* kWorld = "0.0.0.0-255.255.255.255[External]";

std::string Pair(const char* a, const char* b) { return std::string(a) + " => " + b; }

TEST_CASE("connectivity: no policy means every pair and the world, both ways", "[connectivity]") {
  auto edges = Map("");
  CHECK(At(edges, Pair(kWeb, kDb)) == "All Connections");
  CHECK(At(edges, Pair(kDb, kWeb)) == "All Connections");
  CHECK(At(edges, Pair(kWorld, kDb)) == "All Connections");
  CHECK(At(edges, Pair(kDb, kWorld)) == "All Connections");
  CHECK(edges.size() == 6);  // no self pairs, no world => world
}

TEST_CASE("connectivity: default deny with one allow (3.1, 3.4)", "[connectivity]") {
  auto edges = Map(R"(
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: web}}}]
    ports: [{port: 5432}]
)");
  CHECK(At(edges, Pair(kWeb, kDb)) == "TCP 5432");
  CHECK(At(edges, Pair(kWorld, kDb)) == "none");
  CHECK(At(edges, Pair(kDb, kWeb)) == "All Connections");
}

TEST_CASE("connectivity: deny rules remove ports from allows (4)", "[connectivity]") {
  auto edges = Map(R"(
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: db, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: db}}
  ingress:
  - fromEndpoints: [{matchLabels: {app: web}}]
    toPorts: [{ports: [{port: "5000", endPort: 6000, protocol: TCP}]}]
  ingressDeny:
  - fromEndpoints: [{}]
    toPorts: [{ports: [{port: "5432", protocol: TCP}]}]
)");
  CHECK(At(edges, Pair(kWeb, kDb)) == "TCP 5000-5431,5433-6000");
}

TEST_CASE("connectivity: named ports resolve against the destination (2.5)", "[connectivity]") {
  auto edges = Map(R"(
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: web}}
  egress:
  - toEndpoints: [{}]
    toPorts: [{ports: [{port: sql, protocol: TCP}, {port: http, protocol: TCP}]}]
)");
  CHECK(At(edges, Pair(kWeb, kDb)) == "TCP 5432");  // db has no `http` port
  CHECK(At(edges, Pair(kWeb, kWorld)) == "none");
}

TEST_CASE("connectivity: external ranges are cut where CIDR sets start and end", "[connectivity]") {
  ConnectivityOptions options;
  Loaded l = Load(R"(
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.0.0.0/9, 10.128.0.0/10]}}]
)");
  ConnectivityMap map = ComputeConnectivity(l.load.policies, l.load.inventory, l.settings, options);
  std::vector<std::string> sources, destinations;
  for (const auto& p : map.peers) {
    if (p.kind == ConnectivityPeer::Kind::kExternal) sources.push_back(p.name);
  }
  // Adjacent excepts merge: the set is 10.192.0.0/10; ingress cuts apply to
  // sources, the egress side (no CIDRs) is one range.
  CHECK(sources == std::vector<std::string>{"0.0.0.0-10.191.255.255[External]", kWorld,
                                            "10.192.0.0-10.255.255.255[External]",
                                            "11.0.0.0-255.255.255.255[External]"});
  auto edges = Edges(map);
  CHECK(At(edges, Pair("10.192.0.0-10.255.255.255[External]", kDb)) == "All Connections");
  CHECK(At(edges, Pair("0.0.0.0-10.191.255.255[External]", kDb)) == "none");
  CHECK(At(edges, Pair(kDb, kWorld)) == "All Connections");
}

TEST_CASE("connectivity: entities named by rules are peers under Cilium semantics only", "[connectivity]") {
  const char* policy = R"(
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: web}}
  egress:
  - toEntities: [kube-apiserver]
    toPorts: [{ports: [{port: "443", protocol: TCP}]}]
)";
  auto edges = Map(policy);
  CHECK(At(edges, Pair(kWeb, "entity:kube-apiserver")) == "TCP 443");
  CHECK(At(edges, Pair(kDb, "entity:kube-apiserver")) == "All Connections");
  CHECK(At(edges, Pair(kWeb, kDb)) == "none");
  auto upstream = Map(policy, ir::Semantics::kKubernetes);
  CHECK(At(upstream, Pair(kWeb, "entity:kube-apiserver")) == "none");
}

TEST_CASE("connectivity: explain names the entries on both sides", "[connectivity]") {
  ConnectivityOptions options;
  options.explain = true;
  Loaded l = Load(R"(
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: web}}}]
)");
  ConnectivityMap map = ComputeConnectivity(l.load.policies, l.load.inventory, l.settings, options);
  const ConnectivityEdge* edge = nullptr;
  for (const auto& e : map.edges) {
    if (map.peers[static_cast<size_t>(e.source)].name == kWeb && map.peers[static_cast<size_t>(e.destination)].name == kDb) {
      edge = &e;
    }
  }
  REQUIRE(edge != nullptr);
  REQUIRE(edge->rules.size() == 1);
  CHECK(edge->rules[0].direction == ir::Direction::kIngress);
  CHECK(edge->rules[0].description.find("ingress[0]") != std::string::npos);
  CHECK(edge->rules[0].location.line > 0);
  CHECK(edge->egress_reason.find("no policy selects") != std::string::npos);
}

// ---- Deviations from the upstream specification (docs/SEMANTICS.md) ----

TEST_CASE("deviation 1: policyTypes [Ingress] with egress rules", "[connectivity][deviation]") {
  const char* policy = R"(
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress]
  ingress: [{}]
  egress:
  - to: [{podSelector: {matchLabels: {app: db}}}]
    ports: [{port: 5432}]
)";
  // Cilium translates the egress list whatever policyTypes says (2.4).
  CHECK(At(Map(policy), Pair(kWeb, kWorld)) == "none");
  CHECK(At(Map(policy), Pair(kWeb, kDb)) == "TCP 5432");
  // The specification ignores rules of directions policyTypes leaves out.
  CHECK(At(Map(policy, ir::Semantics::kKubernetes), Pair(kWeb, kWorld)) == "All Connections");
  CHECK(At(Map(policy, ir::Semantics::kKubernetes), Pair(kWeb, kDb)) == "All Connections");
}

TEST_CASE("deviation 2: ingress from the local host under default deny", "[connectivity][deviation]") {
  const char* policy = R"(
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Ingress]
)";
  ConnectivityOptions options;
  options.all_entities = true;
  CHECK(At(Map(policy, ir::Semantics::kCilium, options), Pair("entity:host", kDb)) == "All Connections");
  for (ir::Semantics semantics : {ir::Semantics::kCilium, ir::Semantics::kKubernetes}) {
    Loaded l = Load(policy, semantics);
    Evaluator evaluator(l.load.policies, l.load.inventory, l.settings);
    Flow flow;
    flow.source = ir::EntityPeer{"host"};
    flow.destination = ir::EndpointPeer{"shop", "db"};
    flow.port = "5432";
    // allow-localhost (3.6) is Cilium's; the specification has no exception.
    CHECK((evaluator.Evaluate(flow).verdict == Verdict::kAllow) == (semantics == ir::Semantics::kCilium));
  }
}

TEST_CASE("deviation 3: hostNetwork pods", "[connectivity][deviation]") {
  const char* policy = R"(
apiVersion: v1
kind: Pod
metadata: {name: agent, namespace: shop, labels: {app: agent}}
spec: {hostNetwork: true, containers: [{name: c}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: agent, namespace: shop}
spec:
  podSelector: {matchLabels: {app: agent}}
  policyTypes: [Ingress]
)";
  // Cilium: the host identity; a pod-selecting policy does not apply to it.
  CHECK(At(Map(policy), Pair(kWeb, "shop/agent[Pod]")) == "All Connections");
  // netpol-analyzer and polc --semantics kubernetes: an ordinary pod.
  CHECK(At(Map(policy, ir::Semantics::kKubernetes), Pair(kWeb, "shop/agent[Pod]")) == "none");
}

TEST_CASE("deviation 4: a rule for every TCP/UDP/SCTP port is not every connection under Cilium",
          "[connectivity][deviation]") {
  const char* policy = R"(
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - ports: [{port: 1, endPort: 65535, protocol: TCP}, {port: 1, endPort: 65535, protocol: UDP},
            {port: 1, endPort: 65535, protocol: SCTP}]
)";
  // Cilium drops ICMP for an endpoint whose ingress rules all name ports.
  CHECK(At(Map(policy), Pair(kWeb, kDb)) == "SCTP 1-65535,TCP 1-65535,UDP 1-65535");
  CHECK(At(Map(policy, ir::Semantics::kKubernetes), Pair(kWeb, kDb)) == "All Connections");
}

TEST_CASE("connectivity: the same inputs give the same map", "[connectivity]") {
  const char* policy = R"(
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db, namespace: shop}
spec:
  podSelector: {}
  ingress:
  - from: [{ipBlock: {cidr: 192.168.0.0/16, except: [192.168.1.0/24]}}, {podSelector: {}}]
)";
  CHECK(Map(policy) == Map(policy));
}

}  // namespace
}  // namespace polc::verifier
