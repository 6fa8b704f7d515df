// The connectivity renderers: netpol-analyzer's formats checked against that
// tool's goldens (conventions.md section 2) by reading a connlist golden
// back into a map, so the renderers are tested without the engine; and
// small hand-built maps for peer kinds, escaping, empty maps and --explain.
#include "cli/render_connectivity.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/netpol_golden_util.h"

namespace polc::cli {
namespace {

using testing::MapFromConnlist;
using testing::NetpolGoldenDir;
using testing::ReadFileOrEmpty;
using testing::WithoutNewlines;
using verifier::ConnectionSet;
using verifier::ConnectivityMap;
using verifier::ConnectivityPeer;
using Kind = verifier::ConnectivityPeer::Kind;

std::string Expected(const std::string& name) {
  std::string path = NetpolGoldenDir() + "/expected/" + name;
  REQUIRE(std::filesystem::exists(path));
  return ReadFileOrEmpty(path);
}

ConnectivityMap GoldenMap(const std::string& case_name) {
  return MapFromConnlist(Expected(case_name + "_connlist_output.txt"));
}

TEST_CASE("render: every connlist golden round-trips through the connlist writer", "[render-connectivity]") {
  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(NetpolGoldenDir() + "/expected")) {
    std::string name = entry.path().filename().string();
    if (!name.ends_with("_connlist_output.txt")) continue;
    std::string golden = ReadFileOrEmpty(entry.path().string());
    INFO(name);
    CHECK(WithoutNewlines(RenderConnectivity(MapFromConnlist(golden), MapFormat::kConnlist, false)) ==
          WithoutNewlines(golden));
    ++checked;
  }
  CHECK(checked == 21);  // the connlist .txt goldens of the folder
}

TEST_CASE("render: csv md json and dot match the netpol-analyzer goldens", "[render-connectivity]") {
  for (const std::string case_name : {"netpol-analysis-example-minimal", "onlineboutique", "onlineboutique_workloads"}) {
    ConnectivityMap map = GoldenMap(case_name);
    for (const auto& [format, extension] : std::vector<std::pair<MapFormat, std::string>>{
             {MapFormat::kCsv, "csv"}, {MapFormat::kMd, "md"}, {MapFormat::kJson, "json"}, {MapFormat::kDot, "dot"}}) {
      std::string path = NetpolGoldenDir() + "/expected/" + case_name + "_connlist_output." + extension;
      if (!std::filesystem::exists(path)) continue;
      INFO(case_name << "." << extension);
      CHECK(WithoutNewlines(RenderConnectivity(map, format, false)) == WithoutNewlines(ReadFileOrEmpty(path)));
    }
  }
}

TEST_CASE("render: diffs of connlist goldens match the netpol-analyzer diff goldens", "[render-connectivity]") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"semanticDiff-orig-topologies-policy-a", "semanticDiff-orig-topologies-no-policy"},
      {"semanticDiff-same-topologies-new1", "semanticDiff-same-topologies-old1"},
      {"semanticDiff-same-topologies-new2", "semanticDiff-same-topologies-old2"},
  };
  for (const auto& [new_case, old_case] : cases) {
    INFO(new_case << " vs " << old_case);
    verifier::ConnectivityDiff diff = verifier::DiffConnectivity(GoldenMap(old_case), GoldenMap(new_case));
    std::string expected = Expected("diff_between_" + new_case + "_and_" + old_case + ".txt");
    CHECK(WithoutNewlines(RenderDiff(diff, DiffFormat::kConnlist)) == WithoutNewlines(expected));
  }
}

// A map with one peer of every kind, a quote in a name, and explain data.
ConnectivityMap MixedMap() {
  ConnectivityMap map;
  map.universe = verifier::ConnUniverse::kCilium;
  auto add = [&](Kind kind, std::string name, std::string ns, std::string label) {
    ConnectivityPeer p;
    p.kind = kind;
    p.name = std::move(name);
    p.namespace_ = std::move(ns);
    p.label = std::move(label);
    map.peers.push_back(p);
  };
  add(Kind::kExternal, "0.0.0.0-9.255.255.255[External]", "", "");
  add(Kind::kFqdn, "fqdn:api.example.com[FQDN]", "", "");
  add(Kind::kEntity, "host[Entity]", "", "");
  add(Kind::kNode, "node-1[Node]", "", "");
  add(Kind::kWorkload, "shop/db[Deployment]", "shop", "db[Deployment]");
  add(Kind::kWorkload, "shop/idle[Deployment]", "shop", "idle[Deployment]");
  add(Kind::kWorkload, "shop/we\"b[Pod]", "shop", "we\"b[Pod]");
  auto edge = [&](int from, int to, ConnectionSet connections) {
    verifier::ConnectivityEdge e;
    e.source = from;
    e.destination = to;
    e.connections = std::move(connections);
    map.edges.push_back(e);
    return &map.edges.back();
  };
  edge(2, 4, ConnectionSet::All());
  edge(3, 6, ConnectionSet::Ports(verifier::ConnProtocol::kTcp, 80, 81));
  edge(6, 1, ConnectionSet::Ports(verifier::ConnProtocol::kTcp, 443, 443));
  verifier::ConnectivityEdge* explained = edge(6, 4, ConnectionSet::Ports(verifier::ConnProtocol::kUdp, 53, 53));
  explained->egress_reason = "egress not enforced at shop/we\"b[Pod]";
  verifier::ConnectivityRule rule;
  rule.direction = ir::Direction::kIngress;
  rule.description = "NetworkPolicy shop/db ingress[0]";
  rule.location = {0, 12, 5};
  explained->rules.push_back(rule);
  return map;
}

TEST_CASE("render: Cilium peers and quotes and explain in connlist and json", "[render-connectivity]") {
  ConnectivityMap map = MixedMap();
  std::string connlist = RenderConnectivity(map, MapFormat::kConnlist, false);
  CHECK(connlist ==
        "host[Entity] => shop/db[Deployment] : All Connections\n"
        "node-1[Node] => shop/we\"b[Pod] : TCP 80-81\n"
        "shop/we\"b[Pod] => fqdn:api.example.com[FQDN] : TCP 443\n"
        "shop/we\"b[Pod] => shop/db[Deployment] : UDP 53\n");
  std::string explained = RenderConnectivity(map, MapFormat::kConnlist, true);
  CHECK(explained.find("shop/we\"b[Pod] => shop/db[Deployment] : UDP 53\n"
                       "    egress: egress not enforced at shop/we\"b[Pod]\n"
                       "    ingress allow: NetworkPolicy shop/db ingress[0] (line 12:5)\n") != std::string::npos);

  nlohmann::json json = nlohmann::json::parse(RenderConnectivity(map, MapFormat::kJson, true));
  REQUIRE(json.size() == 4);
  CHECK(json[1]["dst"] == "shop/we\"b[Pod]");
  CHECK(json[3]["rules"].size() == 1);
  CHECK(json[3]["rules"][0]["direction"] == "ingress");
  CHECK(json[3]["egress_reason"] == "egress not enforced at shop/we\"b[Pod]");
  CHECK(!nlohmann::json::parse(RenderConnectivity(map, MapFormat::kJson, false))[3].contains("rules"));
}

TEST_CASE("render: csv quotes as Go's encoding/csv", "[render-connectivity]") {
  ConnectivityMap map = MixedMap();
  map.edges[0].connections = ConnectionSet::Ports(verifier::ConnProtocol::kTcp, 80, 80);
  map.edges[0].connections[verifier::ConnProtocol::kUdp].Add(53, 53);
  std::string csv = RenderConnectivity(map, MapFormat::kCsv, false);
  CHECK(csv.find("host[Entity],shop/db[Deployment],\"TCP 80,UDP 53\"\n") != std::string::npos);
  CHECK(csv.find("node-1[Node],\"shop/we\"\"b[Pod]\",TCP 80-81\n") != std::string::npos);
}

TEST_CASE("render: dot gives Cilium peers their own colours and shapes", "[render-connectivity]") {
  std::string dot = RenderConnectivity(MixedMap(), MapFormat::kDot, false);
  CHECK(dot.find("\t\"host[Entity]\" [label=\"host[Entity]\" color=\"darkorchid\" fontcolor=\"darkorchid\" shape=hexagon]\n") !=
        std::string::npos);
  CHECK(dot.find("color=\"darkorange3\" fontcolor=\"darkorange3\" shape=box]") != std::string::npos);
  CHECK(dot.find("color=\"saddlebrown\" fontcolor=\"saddlebrown\" shape=box3d]") != std::string::npos);
  // Workloads without connections are still in their namespace cluster.
  CHECK(dot.find("\t\t\"shop/idle[Deployment]\" [label=\"idle[Deployment]\" color=\"blue\"") != std::string::npos);
  // Quotes escaped as Go's %q does; the range without edges is left out.
  CHECK(dot.find("\"shop/we\\\"b[Pod]\"") != std::string::npos);
  CHECK(dot.find("0.0.0.0-9.255.255.255") == std::string::npos);
  CHECK(dot.find("\tsubgraph \"cluster_shop[namespace]\" {\n") != std::string::npos);
}

TEST_CASE("render: mermaid flowchart with a subgraph per namespace", "[render-connectivity]") {
  std::string mermaid = RenderConnectivity(MixedMap(), MapFormat::kMermaid, false);
  CHECK(mermaid.rfind("flowchart LR\n", 0) == 0);
  CHECK(mermaid.find("  subgraph ns0[\"shop\"]\n    p4[\"db[Deployment]\"]\n") != std::string::npos);
  CHECK(mermaid.find("p6[\"we#quot;b[Pod]\"]") != std::string::npos);
  CHECK(mermaid.find("  p2{{\"host[Entity]\"}}\n") != std::string::npos);
  CHECK(mermaid.find("  p3 -->|\"TCP 80-81\"| p6\n") != std::string::npos);
}

TEST_CASE("render: text table is aligned and ends with a summary", "[render-connectivity]") {
  std::string text = RenderConnectivity(MixedMap(), MapFormat::kText, false);
  std::istringstream lines(text);
  std::string header, first;
  std::getline(lines, header);
  std::getline(lines, first);
  CHECK(header.find("DESTINATION") == first.find("shop/db[Deployment]"));
  CHECK(header.find("CONNECTIONS") == first.find("All Connections"));
  CHECK(text.ends_with("4 connections between 7 peers\n"));
}

TEST_CASE("render: an empty map", "[render-connectivity]") {
  ConnectivityMap empty;
  CHECK(RenderConnectivity(empty, MapFormat::kConnlist, false).empty());
  CHECK(RenderConnectivity(empty, MapFormat::kCsv, false) == "src,dst,conn\n");
  CHECK(RenderConnectivity(empty, MapFormat::kJson, false) == "[]\n");
  CHECK(RenderConnectivity(empty, MapFormat::kDot, false) == "digraph {\n}\n");
  CHECK(RenderConnectivity(empty, MapFormat::kText, false) == "0 connections between 0 peers\n");
}

verifier::ConnectivityDiff SmallDiff() {
  verifier::ConnectivityDiff diff;
  diff.universe = verifier::ConnUniverse::kKubernetes;
  verifier::ConnectivityDiffEntry removed;
  removed.type = verifier::ConnectivityDiffEntry::Type::kRemoved;
  removed.source = "a/x[Deployment]";
  removed.destination = "a/y[Deployment]";
  removed.old_connections = ConnectionSet::Ports(verifier::ConnProtocol::kTcp, 80, 80);
  removed.old_connections[verifier::ConnProtocol::kTcp].Add(90, 90);
  removed.workloads_info = "workload a/y[Deployment] removed";
  verifier::ConnectivityDiffEntry changed;
  changed.source = "a/y[Deployment]";
  changed.destination = "a/x[Deployment]";
  changed.old_connections = ConnectionSet::All();
  changed.new_connections = ConnectionSet::Ports(verifier::ConnProtocol::kUdp, 53, 53);
  diff.entries = {removed, changed};  // deliberately out of order
  return diff;
}

TEST_CASE("render: diff formats", "[render-connectivity]") {
  verifier::ConnectivityDiff diff = SmallDiff();
  CHECK(RenderDiff(diff, DiffFormat::kConnlist) ==
        "Connectivity diff:\n"
        "diff-type: changed, source: a/y[Deployment], destination: a/x[Deployment], ref1: All Connections, ref2: UDP 53\n"
        "diff-type: removed, source: a/x[Deployment], destination: a/y[Deployment], ref1: TCP 80,90, ref2: No "
        "Connections, workloads-diff-info: workload a/y[Deployment] removed\n");
  CHECK(RenderDiff(diff, DiffFormat::kCsv) ==
        "diff-type,source,destination,ref1,ref2,workloads-diff-info\n"
        "changed,a/y[Deployment],a/x[Deployment],All Connections,UDP 53,\n"
        "removed,a/x[Deployment],a/y[Deployment],\"TCP 80,90\",No Connections,workload a/y[Deployment] removed\n");
  CHECK(RenderDiff(diff, DiffFormat::kMd) ==
        "| diff-type | source | destination | ref1 | ref2 | workloads-diff-info |\n"
        "|-----------|--------|-------------|------|------|---------------------|\n"
        "| changed | a/y[Deployment] | a/x[Deployment] | All Connections | UDP 53 |  |\n"
        "| removed | a/x[Deployment] | a/y[Deployment] | TCP 80,90 | No Connections | workload a/y[Deployment] removed |\n");
  nlohmann::json json = nlohmann::json::parse(RenderDiff(diff, DiffFormat::kJson));
  REQUIRE(json.size() == 2);
  CHECK(json[0]["diff-type"] == "changed");
  CHECK(json[1]["ref1"] == "TCP 80,90");
  CHECK(json[1]["workloads-diff-info"] == "workload a/y[Deployment] removed");
}

TEST_CASE("render: an empty diff prints nothing (json: an empty array)", "[render-connectivity]") {
  verifier::ConnectivityDiff empty;
  CHECK(RenderDiff(empty, DiffFormat::kConnlist).empty());
  CHECK(RenderDiff(empty, DiffFormat::kCsv).empty());
  CHECK(RenderDiff(empty, DiffFormat::kMd).empty());
  CHECK(RenderDiff(empty, DiffFormat::kJson) == "[]\n");
}

TEST_CASE("render: format names", "[render-connectivity]") {
  CHECK(ParseMapFormat("connlist") == MapFormat::kConnlist);
  CHECK(ParseMapFormat("txt") == MapFormat::kConnlist);
  CHECK(ParseMapFormat("mermaid") == MapFormat::kMermaid);
  CHECK(ParseMapFormat("text") == MapFormat::kText);
  CHECK(!ParseMapFormat("svg"));
  CHECK(ParseDiffFormat("md") == DiffFormat::kMd);
  CHECK(!ParseDiffFormat("dot"));
}

}  // namespace
}  // namespace polc::cli
