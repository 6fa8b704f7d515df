// The focus filters of `polc connectivity` on hand-built maps (no engine):
// netpol-analyzer's --focusworkload (name or ns/name, either side),
// --focus-direction (only with a focus workload) and --focus-conn
// (protocol-port, kept only where wholly allowed, shown alone).
#include "cli/connectivity_filter.h"

#include <catch2/catch.hpp>

namespace polc::cli {
namespace {

using verifier::ConnectionSet;
using verifier::ConnectivityEdge;
using verifier::ConnectivityMap;
using verifier::ConnectivityPeer;
using verifier::ConnProtocol;

ConnectivityPeer Workload(std::string ns, std::string name, std::string kind = "Deployment") {
  ConnectivityPeer peer;
  peer.kind = ConnectivityPeer::Kind::kWorkload;
  peer.name = ns + "/" + name + "[" + kind + "]";
  peer.namespace_ = ns;
  peer.label = name + "[" + kind + "]";
  peer.flow_peer = ir::EndpointPeer{ns, name};
  return peer;
}

ConnectivityPeer Entity(std::string name) {
  ConnectivityPeer peer;
  peer.kind = ConnectivityPeer::Kind::kEntity;
  peer.name = "entity:" + name;
  peer.label = peer.name;
  peer.flow_peer = ir::EntityPeer{name};
  return peer;
}

ConnectivityEdge Edge(int source, int destination, ConnectionSet connections) {
  ConnectivityEdge edge;
  edge.source = source;
  edge.destination = destination;
  edge.connections = std::move(connections);
  return edge;
}

// Peers (sorted by name): 0 default/a, 1 default/b, 2 default/c, 3 entity:kube-apiserver.
ConnectivityMap Sample() {
  ConnectivityMap map;
  map.universe = verifier::ConnUniverse::kKubernetes;
  map.peers = {Workload("default", "a"), Workload("default", "b"), Workload("default", "c", "StatefulSet"),
               Entity("kube-apiserver")};
  map.edges = {Edge(0, 1, ConnectionSet::All()), Edge(1, 0, ConnectionSet::Ports(ConnProtocol::kTcp, 80, 80)),
               Edge(1, 2, ConnectionSet::Ports(ConnProtocol::kTcp, 8000, 9000)),
               Edge(2, 3, ConnectionSet::Ports(ConnProtocol::kTcp, 6443, 6443))};
  return map;
}

std::vector<std::string> Lines(const ConnectivityMap& map) {
  std::vector<std::string> lines;
  for (const ConnectivityEdge& edge : map.edges) {
    lines.push_back(map.peers.at(edge.source).name + " => " + map.peers.at(edge.destination).name + " : " +
                    edge.connections.ToString(map.universe));
  }
  return lines;
}

TEST_CASE("focus-conn: netpol-analyzer's PROTOCOL-PORT syntax, any case", "[connectivity-filter]") {
  auto tcp = ParseFocusConn("tcp-8080");
  REQUIRE(std::holds_alternative<FocusConn>(tcp));
  CHECK(std::get<FocusConn>(tcp).protocol == ConnProtocol::kTcp);
  CHECK(std::get<FocusConn>(tcp).port == 8080);
  auto udp = ParseFocusConn("UDP-53");
  REQUIRE(std::holds_alternative<FocusConn>(udp));
  CHECK(std::get<FocusConn>(udp).Set() == ConnectionSet::Ports(ConnProtocol::kUdp, 53, 53));
  auto icmp = ParseFocusConn("icmp-0");  // polc: a message type for ICMP
  REQUIRE(std::holds_alternative<FocusConn>(icmp));
  CHECK(std::get<FocusConn>(icmp).protocol == ConnProtocol::kIcmp);
  for (const char* bad :
       {"tcp8080", "tcp-0", "tcp-65536", "http-80", "tcp-80-90", "tcp-", "-80", "icmp-256", "tcp-8a"}) {
    INFO(bad);
    CHECK(std::holds_alternative<std::string>(ParseFocusConn(bad)));
  }
  CHECK(std::get<std::string>(ParseFocusConn("http-80")) ==
        "--focus-conn http-80: protocol 'http' is not TCP, UDP, SCTP, ICMP or ICMPv6");
}

TEST_CASE("focus-workload: name, ns/name, display name; Cilium peers with or without prefix", "[connectivity-filter]") {
  ConnectivityPeer a = Workload("default", "a");
  for (const char* name : {"a", "default/a", "default/a[Deployment]", "a[Deployment]"}) {
    INFO(name);
    CHECK(PeerMatchesFocus(a, name));
  }
  for (const char* name : {"b", "default", "other/a", "default/a[Pod]", ""}) {
    INFO(name);
    CHECK_FALSE(PeerMatchesFocus(a, name));
  }
  ConnectivityPeer api = Entity("kube-apiserver");
  CHECK(PeerMatchesFocus(api, "kube-apiserver"));
  CHECK(PeerMatchesFocus(api, "entity:kube-apiserver"));
  CHECK_FALSE(PeerMatchesFocus(api, "host"));
}

TEST_CASE("focus-workload keeps pairs with it on either side and the peers they touch", "[connectivity-filter]") {
  ConnectivityMap map = Sample();
  ConnectivityFilter filter;
  filter.workloads = {"a"};
  CHECK(ApplyConnectivityFilter(filter, map).empty());
  CHECK(Lines(map) == std::vector<std::string>{"default/a[Deployment] => default/b[Deployment] : All Connections",
                                               "default/b[Deployment] => default/a[Deployment] : TCP 80"});
  // c and the entity no longer appear in any pair: dropped, indexes rewritten.
  REQUIRE(map.peers.size() == 2);
  CHECK(map.peers[1].name == "default/b[Deployment]");
}

TEST_CASE("focus-direction: ingress into / egress out of the focus workload only", "[connectivity-filter]") {
  ConnectivityMap ingress = Sample();
  ConnectivityFilter filter;
  filter.workloads = {"default/b"};
  filter.direction = ir::Direction::kIngress;
  ApplyConnectivityFilter(filter, ingress);
  CHECK(Lines(ingress) == std::vector<std::string>{"default/a[Deployment] => default/b[Deployment] : All Connections"});

  ConnectivityMap egress = Sample();
  filter.direction = ir::Direction::kEgress;
  ApplyConnectivityFilter(filter, egress);
  CHECK(Lines(egress) == std::vector<std::string>{"default/b[Deployment] => default/a[Deployment] : TCP 80",
                                                  "default/b[Deployment] => default/c[StatefulSet] : TCP 8000-9000"});
}

TEST_CASE("focus-direction without focus-workload is ignored with a warning", "[connectivity-filter]") {
  ConnectivityMap map = Sample();
  ConnectivityFilter filter;
  filter.direction = ir::Direction::kIngress;
  std::vector<std::string> warnings = ApplyConnectivityFilter(filter, map);
  REQUIRE(warnings.size() == 1);
  CHECK_THAT(warnings[0], Catch::Contains("--focus-workload"));
  CHECK(map.edges.size() == 4);
}

TEST_CASE("focus-conn keeps pairs that allow the whole port and shows only it", "[connectivity-filter]") {
  ConnectivityMap map = Sample();
  ConnectivityFilter filter;
  filter.conn = std::get<FocusConn>(ParseFocusConn("tcp-8080"));
  ApplyConnectivityFilter(filter, map);
  CHECK(Lines(map) == std::vector<std::string>{"default/a[Deployment] => default/b[Deployment] : TCP 8080",
                                               "default/b[Deployment] => default/c[StatefulSet] : TCP 8080"});
  CHECK(map.peers.size() == 4);  // no workload focus: every peer stays (dot lists them all)
  CHECK(RenderFocusConnConnlist(map, *filter.conn) ==
        "Permitted connections on TCP 8080:\n"
        "default/a[Deployment] => default/b[Deployment]\n"
        "default/b[Deployment] => default/c[StatefulSet]\n");
}

TEST_CASE("focus filters combine; an unknown workload is warned as netpol-analyzer does", "[connectivity-filter]") {
  ConnectivityMap map = Sample();
  ConnectivityFilter filter;
  filter.workloads = {"c", "nope"};
  filter.conn = std::get<FocusConn>(ParseFocusConn("tcp-6443"));
  std::vector<std::string> warnings = ApplyConnectivityFilter(filter, map);
  CHECK(warnings == std::vector<std::string>{"Workload nope does not exist in the input resources."});
  CHECK(Lines(map) == std::vector<std::string>{"default/c[StatefulSet] => entity:kube-apiserver : TCP 6443"});

  ConnectivityMap none = Sample();
  ConnectivityFilter missing;
  missing.workloads = {"nope"};
  CHECK(ApplyConnectivityFilter(missing, none).back() == "Connectivity map report will be empty.");
  CHECK(none.edges.empty());
  CHECK(none.peers.empty());
}

}  // namespace
}  // namespace polc::cli
