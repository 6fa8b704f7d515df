// DiffConnectivity on small hand-built maps, and on netpol-analyzer's own
// connlist goldens against its diff goldens (conventions.md section 2).
#include "verifier/connectivity_diff.h"

#include <filesystem>

#include <catch2/catch.hpp>

#include "tests/netpol_golden_util.h"

namespace polc::verifier {
namespace {

using Kind = ConnectivityPeer::Kind;
using Type = ConnectivityDiffEntry::Type;

ConnectionSet Tcp(uint32_t port) { return ConnectionSet::Ports(ConnProtocol::kTcp, port, port); }

class MapBuilder {
 public:
  MapBuilder() { map_.universe = ConnUniverse::kKubernetes; }
  MapBuilder& Workload(const std::string& name) {
    ConnectivityPeer p;
    p.kind = Kind::kWorkload;
    p.name = name;
    p.namespace_ = name.substr(0, name.find('/'));
    map_.peers.push_back(p);
    return *this;
  }
  MapBuilder& Peer(Kind kind, const std::string& name) {
    ConnectivityPeer p;
    p.kind = kind;
    p.name = name;
    map_.peers.push_back(p);
    return *this;
  }
  MapBuilder& Edge(const std::string& from, const std::string& to, ConnectionSet connections) {
    ConnectivityEdge e;
    e.source = Index(from);
    e.destination = Index(to);
    e.connections = std::move(connections);
    map_.edges.push_back(e);
    return *this;
  }
  ConnectivityMap Build() const { return map_; }

 private:
  int Index(const std::string& name) const {
    for (size_t i = 0; i < map_.peers.size(); ++i) {
      if (map_.peers[i].name == name) return static_cast<int>(i);
    }
    FAIL("no peer " << name);
    return -1;
  }
  ConnectivityMap map_;
};

const std::string kA = "default/a[Deployment]";
const std::string kB = "default/b[Deployment]";
const std::string kC = "default/c[Deployment]";
const std::string kAll = "0.0.0.0-255.255.255.255[External]";

TEST_CASE("diff: equal maps have no entries", "[connectivity-diff]") {
  ConnectivityMap map = MapBuilder().Workload(kA).Workload(kB).Edge(kA, kB, Tcp(80)).Build();
  CHECK(DiffConnectivity(map, map).entries.empty());
}

TEST_CASE("diff: changed connections keep both sides and no workloads info", "[connectivity-diff]") {
  ConnectivityMap old_map = MapBuilder().Workload(kA).Workload(kB).Edge(kA, kB, Tcp(80)).Build();
  ConnectivityMap new_map = MapBuilder().Workload(kA).Workload(kB).Edge(kA, kB, ConnectionSet::All()).Build();
  ConnectivityDiff diff = DiffConnectivity(old_map, new_map);
  REQUIRE(diff.entries.size() == 1);
  const ConnectivityDiffEntry& e = diff.entries[0];
  CHECK(e.type == Type::kChanged);
  CHECK(e.source == kA);
  CHECK(e.destination == kB);
  CHECK(e.old_connections.ToString(diff.universe) == "TCP 80");
  CHECK(e.new_connections.ToString(diff.universe) == "All Connections");
  CHECK(e.workloads_info.empty());
}

TEST_CASE("diff: a connection to a new workload is added and names the workload", "[connectivity-diff]") {
  ConnectivityMap old_map = MapBuilder().Workload(kA).Workload(kB).Build();
  ConnectivityMap new_map =
      MapBuilder().Workload(kA).Workload(kB).Workload(kC).Edge(kA, kC, Tcp(80)).Edge(kA, kB, Tcp(90)).Build();
  ConnectivityDiff diff = DiffConnectivity(old_map, new_map);
  REQUIRE(diff.entries.size() == 2);
  // Sorted by their text line: b before c.
  CHECK(diff.entries[0].destination == kB);
  CHECK(diff.entries[0].type == Type::kAdded);
  CHECK(diff.entries[0].workloads_info.empty());  // both ends existed before
  CHECK(diff.entries[0].old_connections.Empty());
  CHECK(diff.entries[1].destination == kC);
  CHECK(diff.entries[1].workloads_info == "workload " + kC + " added");
}

TEST_CASE("diff: both ends removed are named with 'and'", "[connectivity-diff]") {
  ConnectivityMap old_map = MapBuilder().Workload(kA).Workload(kB).Edge(kA, kB, Tcp(80)).Build();
  ConnectivityMap new_map = MapBuilder().Workload(kC).Build();
  ConnectivityDiff diff = DiffConnectivity(old_map, new_map);
  REQUIRE(diff.entries.size() == 1);
  CHECK(diff.entries[0].type == Type::kRemoved);
  CHECK(diff.entries[0].new_connections.Empty());
  CHECK(diff.entries[0].workloads_info == "workload " + kA + " and " + kB + " removed");
}

TEST_CASE("diff: entries come changed then added then removed", "[connectivity-diff]") {
  ConnectivityMap old_map =
      MapBuilder().Workload(kA).Workload(kB).Workload(kC).Edge(kA, kB, Tcp(1)).Edge(kA, kC, Tcp(2)).Build();
  ConnectivityMap new_map =
      MapBuilder().Workload(kA).Workload(kB).Workload(kC).Edge(kA, kB, Tcp(3)).Edge(kC, kA, Tcp(4)).Build();
  ConnectivityDiff diff = DiffConnectivity(old_map, new_map);
  REQUIRE(diff.entries.size() == 3);
  CHECK(diff.entries[0].type == Type::kChanged);
  CHECK(diff.entries[1].type == Type::kAdded);
  CHECK(diff.entries[2].type == Type::kRemoved);
}

TEST_CASE("diff: external ranges are compared on their common refinement and merged back", "[connectivity-diff]") {
  ConnectivityMap old_map = MapBuilder().Workload(kA).Peer(Kind::kExternal, kAll).Edge(kAll, kA, ConnectionSet::All()).Build();
  const std::string low = "0.0.0.0-9.255.255.255[External]";
  const std::string mid = "10.0.0.0-10.255.255.255[External]";
  const std::string high = "11.0.0.0-255.255.255.255[External]";
  ConnectivityMap new_map = MapBuilder()
                                .Workload(kA)
                                .Peer(Kind::kExternal, low)
                                .Peer(Kind::kExternal, mid)
                                .Peer(Kind::kExternal, high)
                                .Edge(low, kA, ConnectionSet::All())
                                .Edge(mid, kA, Tcp(80))
                                .Edge(high, kA, ConnectionSet::All())
                                .Build();
  ConnectivityDiff diff = DiffConnectivity(old_map, new_map);
  REQUIRE(diff.entries.size() == 1);
  CHECK(diff.entries[0].type == Type::kChanged);
  CHECK(diff.entries[0].source == mid);
  CHECK(diff.entries[0].new_connections.ToString(diff.universe) == "TCP 80");

  // The low and high pieces lose their connection: two removed ranges, not
  // merged (they do not touch), with no workloads info (ranges are not workloads).
  ConnectivityMap only_mid = MapBuilder().Workload(kA).Peer(Kind::kExternal, mid).Edge(mid, kA, ConnectionSet::All()).Build();
  diff = DiffConnectivity(old_map, only_mid);
  REQUIRE(diff.entries.size() == 2);
  CHECK(diff.entries[0].source == low);
  CHECK(diff.entries[1].source == high);
  CHECK(diff.entries[0].type == Type::kRemoved);
  CHECK(diff.entries[0].workloads_info.empty());
}

TEST_CASE("diff: touching pieces with the same change merge into one range", "[connectivity-diff]") {
  const std::string first = "10.0.0.0-10.0.0.255[External]";
  const std::string second = "10.0.1.0-10.0.1.255[External]";
  ConnectivityMap old_map = MapBuilder()
                                .Workload(kA)
                                .Peer(Kind::kExternal, first)
                                .Peer(Kind::kExternal, second)
                                .Edge(kA, first, Tcp(53))
                                .Edge(kA, second, Tcp(53))
                                .Build();
  ConnectivityMap new_map = MapBuilder().Workload(kA).Build();
  ConnectivityDiff diff = DiffConnectivity(old_map, new_map);
  REQUIRE(diff.entries.size() == 1);
  CHECK(diff.entries[0].destination == "10.0.0.0-10.0.1.255[External]");
  CHECK(diff.entries[0].type == Type::kRemoved);
}

TEST_CASE("diff: protocols outside the Kubernetes universe make no change", "[connectivity-diff]") {
  ConnectionSet with_icmp = Tcp(80);
  with_icmp[ConnProtocol::kIcmp].Add(0, 255);
  ConnectivityMap old_map = MapBuilder().Workload(kA).Workload(kB).Edge(kA, kB, with_icmp).Build();
  ConnectivityMap new_map = MapBuilder().Workload(kA).Workload(kB).Edge(kA, kB, Tcp(80)).Build();
  CHECK(DiffConnectivity(old_map, new_map).entries.empty());
  old_map.universe = new_map.universe = ConnUniverse::kCilium;
  CHECK(DiffConnectivity(old_map, new_map).entries.size() == 1);
}

TEST_CASE("diff: Cilium-only peers are matched by name and never called workloads", "[connectivity-diff]") {
  const std::string host = "host[Entity]";
  ConnectivityMap old_map = MapBuilder().Workload(kA).Peer(Kind::kEntity, host).Edge(host, kA, Tcp(80)).Build();
  ConnectivityMap new_map = MapBuilder().Workload(kA).Build();
  ConnectivityDiff diff = DiffConnectivity(old_map, new_map);
  REQUIRE(diff.entries.size() == 1);
  CHECK(diff.entries[0].source == host);
  CHECK(diff.entries[0].workloads_info.empty());
}

TEST_CASE("diff: DiffTypeName", "[connectivity-diff]") {
  CHECK(DiffTypeName(Type::kAdded) == "added");
  CHECK(DiffTypeName(Type::kRemoved) == "removed");
  CHECK(DiffTypeName(Type::kChanged) == "changed");
}

}  // namespace
}  // namespace polc::verifier
