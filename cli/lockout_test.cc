// The lockout summary of `polc diff`: classes (DNS, kube-apiserver, host,
// kube-system before the rest), the representative flow of a lost set, and
// the rule of the new policies that denies it, asked of the reference
// evaluator (cilium-semantics.md 3.1 default deny, 3.4 egress).
#include "cli/lockout.h"

#include <catch2/catch.hpp>

#include "compiler/loader.h"

namespace polc::cli {
namespace {

using verifier::ConnectionSet;
using verifier::ConnectivityDiffEntry;
using verifier::ConnectivityPeer;
using verifier::ConnProtocol;
using verifier::ConnUniverse;

ConnectivityPeer Workload(std::string ns, std::string name) {
  ConnectivityPeer peer;
  peer.name = ns + "/" + name + "[Deployment]";
  peer.namespace_ = ns;
  peer.label = name + "[Deployment]";
  peer.flow_peer = ir::EndpointPeer{ns, name};
  return peer;
}

ConnectivityPeer Entity(std::string name) {
  ConnectivityPeer peer;
  peer.kind = ConnectivityPeer::Kind::kEntity;
  peer.name = "entity:" + name;
  peer.flow_peer = ir::EntityPeer{name};
  return peer;
}

ConnectionSet Tcp(uint32_t low, uint32_t high) {
  return ConnectionSet::Ports(ConnProtocol::kTcp, low, high);
}
ConnectionSet Udp(uint32_t port) {
  return ConnectionSet::Ports(ConnProtocol::kUdp, port, port);
}

TEST_CASE("lockout classes: DNS, kube-apiserver, host, kube-system, other", "[lockout]") {
  ConnectivityPeer web = Workload("shop", "web"), db = Workload("shop", "db");
  ConnectivityPeer coredns = Workload("kube-system", "coredns"), metrics = Workload("kube-system", "metrics-server");
  ConnectivityPeer api = Entity("kube-apiserver"), host = Entity("host"), remote = Entity("remote-node");
  ConnectivityPeer node;
  node.kind = ConnectivityPeer::Kind::kNode;
  node.name = "node:n1";
  node.flow_peer = ir::NodePeer{"n1"};

  ConnectivityPeer world;
  world.kind = ConnectivityPeer::Kind::kExternal;
  world.name = "0.0.0.0-255.255.255.255[External]";
  CHECK(ClassifyLostFlow(&web, &db, Udp(53)) == LockoutClass::kDns);  // port 53 only, any destination
  CHECK(ClassifyLostFlow(&web, &db, Udp(53).Union(Tcp(53, 53))) == LockoutClass::kDns);
  CHECK(ClassifyLostFlow(&web, &world, Tcp(50, 60)) == LockoutClass::kDns);  // TCP 53 inside a range, outside
  CHECK(ClassifyLostFlow(&web, &db, Tcp(50, 60)) == LockoutClass::kOther);   // ... but to an application pod
  CHECK(ClassifyLostFlow(&web, &db, ConnectionSet::All()) == LockoutClass::kOther);
  CHECK(ClassifyLostFlow(&web, &coredns, Tcp(9153, 9153)) == LockoutClass::kDns);  // the DNS server itself
  CHECK(ClassifyLostFlow(&web, &api, Tcp(6443, 6443)) == LockoutClass::kApiServer);
  CHECK(ClassifyLostFlow(&api, &web, Tcp(443, 443)) == LockoutClass::kApiServer);  // webhooks
  CHECK(ClassifyLostFlow(&host, &web, Tcp(8080, 8080)) == LockoutClass::kHost);    // health checks
  CHECK(ClassifyLostFlow(&web, &remote, Tcp(80, 80)) == LockoutClass::kHost);
  CHECK(ClassifyLostFlow(&node, &web, Tcp(80, 80)) == LockoutClass::kHost);
  CHECK(ClassifyLostFlow(&metrics, &web, Tcp(80, 80)) == LockoutClass::kKubeSystem);
  CHECK(ClassifyLostFlow(&web, &db, Tcp(5432, 5432)) == LockoutClass::kOther);
  CHECK(ClassifyLostFlow(nullptr, &db, Tcp(5432, 5432)) == LockoutClass::kOther);  // a peer gone from the new map
}

TEST_CASE("lockout representative flow: port 53 for DNS, else the first lost port, TCP first", "[lockout]") {
  using P = std::pair<ConnProtocol, uint32_t>;
  ConnectionSet dns = Tcp(1, 65535).Union(Udp(53));
  CHECK(RepresentativePort(dns, LockoutClass::kDns, ConnUniverse::kCilium) == P{ConnProtocol::kUdp, 53});
  CHECK(RepresentativePort(dns, LockoutClass::kOther, ConnUniverse::kCilium) == P{ConnProtocol::kTcp, 1});
  CHECK(RepresentativePort(Udp(5353).Union(Tcp(8080, 8090)), LockoutClass::kOther, ConnUniverse::kCilium) ==
        P{ConnProtocol::kTcp, 8080});
  ConnectionSet icmp = ConnectionSet::WholeProtocol(ConnProtocol::kIcmp);
  CHECK(RepresentativePort(icmp, LockoutClass::kOther, ConnUniverse::kCilium) == P{ConnProtocol::kIcmp, 0});
  // ICMP is not a connection under the Kubernetes universe (netpol-analyzer).
  CHECK_FALSE(RepresentativePort(icmp, LockoutClass::kOther, ConnUniverse::kKubernetes));
  CHECK(RepresentativePort(ConnectionSet::All(), LockoutClass::kOther, ConnUniverse::kKubernetes) ==
        P{ConnProtocol::kTcp, 1});
}

TEST_CASE("lockout order: system classes first, then by source and destination", "[lockout]") {
  auto make = [](LockoutClass c, std::string s, std::string d) {
    LockoutEntry e;
    e.klass = c;
    e.source = std::move(s);
    e.destination = std::move(d);
    return e;
  };
  std::vector<LockoutEntry> entries = {make(LockoutClass::kOther, "a", "b"), make(LockoutClass::kKubeSystem, "z", "a"),
                                       make(LockoutClass::kOther, "a", "a"), make(LockoutClass::kDns, "y", "k"),
                                       make(LockoutClass::kApiServer, "b", "c")};
  SortLockout(entries);
  std::vector<std::string> order;
  for (const LockoutEntry& e : entries)
    order.push_back(std::string(LockoutClassName(e.klass)) + " " + e.source + e.destination);
  CHECK(order == std::vector<std::string>{"dns yk", "kube-apiserver bc", "kube-system za", "other aa", "other ab"});
}

constexpr const char* kNewVersion = R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: x}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: client, namespace: shop}
spec:
  selector: {matchLabels: {app: client}}
  template:
    metadata: {labels: {app: client}}
    spec: {containers: [{name: c, image: x}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: coredns, namespace: kube-system}
spec:
  selector: {matchLabels: {k8s-app: kube-dns}}
  template:
    metadata: {labels: {k8s-app: kube-dns}}
    spec: {containers: [{name: c, image: x}]}
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: web}}
  ingress:
    - fromEndpoints: [{matchLabels: {app: client}}]
      toPorts: [{ports: [{port: "8080", protocol: TCP}]}]
  egress:
    - toEndpoints: [{matchLabels: {app: client}}]
)";

TEST_CASE("lockout asks the evaluator which rule of the new version denies each lost flow", "[lockout]") {
  compiler::LoadResult loaded = compiler::LoadText("new/web.yaml", kNewVersion, {});
  REQUIRE_FALSE(loaded.sink.HasErrors());
  verifier::Evaluator evaluator(loaded.policies, loaded.inventory, ir::Settings{});

  verifier::ConnectivityMap new_map, old_map;
  new_map.peers = {Workload("kube-system", "coredns"), Workload("shop", "client"), Workload("shop", "web")};
  old_map.peers = new_map.peers;
  old_map.peers.push_back(Workload("kube-system", "gone"));
  verifier::ConnectivityDiff diff;
  diff.universe = ConnUniverse::kCilium;
  auto entry = [](ConnectivityDiffEntry::Type type, std::string s, std::string d, ConnectionSet o, ConnectionSet n) {
    ConnectivityDiffEntry e;
    e.type = type;
    e.source = std::move(s);
    e.destination = std::move(d);
    e.old_connections = std::move(o);
    e.new_connections = std::move(n);
    return e;
  };
  using Type = ConnectivityDiffEntry::Type;
  diff.entries = {
      entry(Type::kChanged, "shop/client[Deployment]", "shop/web[Deployment]", ConnectionSet::All(), Tcp(8080, 8080)),
      entry(Type::kRemoved, "shop/web[Deployment]", "kube-system/coredns[Deployment]", ConnectionSet::All(), {}),
      entry(Type::kRemoved, "shop/web[Deployment]", "kube-system/gone[Deployment]", ConnectionSet::All(), {}),
      entry(Type::kAdded, "shop/client[Deployment]", "kube-system/coredns[Deployment]", {}, Tcp(1, 2)),
      // Changed but nothing lost: not a lockout.
      entry(Type::kChanged, "shop/web[Deployment]", "shop/client[Deployment]", Tcp(80, 80), Tcp(80, 81)),
  };
  std::vector<LockoutEntry> lockout = ComputeLockout(diff, old_map, new_map, evaluator, loaded.policies, loaded.files);
  REQUIRE(lockout.size() == 3);

  const LockoutEntry& dns = lockout[0];
  CHECK(dns.klass == LockoutClass::kDns);
  CHECK(dns.destination == "kube-system/coredns[Deployment]");
  CHECK(dns.flow == "UDP 53");
  CHECK(dns.verdict == "deny");
  CHECK(dns.denied_at == "egress");  // web's egress is default deny once the egress section exists (3.4)
  CHECK(dns.reason == "default-deny");
  CHECK_THAT(dns.decided_by, Catch::StartsWith("egress:"));
  CHECK_THAT(dns.enforcement, Catch::Contains("shop/web"));  // the policy that made egress default deny

  const LockoutEntry& gone = lockout[1];
  CHECK(gone.klass == LockoutClass::kKubeSystem);
  CHECK(gone.verdict.empty());
  CHECK_THAT(gone.note, Catch::Contains("kube-system/gone[Deployment] is not in the new version"));

  const LockoutEntry& other = lockout[2];
  CHECK(other.klass == LockoutClass::kOther);
  CHECK(other.flow == "TCP 1");
  CHECK(other.verdict == "deny");
  CHECK(other.denied_at == "ingress");
  CHECK(other.lost != "All Connections");

  std::string text = RenderLockoutText(lockout);
  CHECK_THAT(text, Catch::StartsWith("Lockout: 3 pairs lose connections (system flows first):\n"
                                     "  [dns] shop/web[Deployment] => kube-system/coredns[Deployment] : lost All "
                                     "Connections\n      UDP 53 is now denied (egress: "));
  CHECK(LockoutJson(lockout)[0]["class"] == "dns");
  CHECK(LockoutJson(lockout)[2]["deniedAt"] == "ingress");
  CHECK(RenderLockoutText({}).empty());
}

}  // namespace
}  // namespace polc::cli
