// Test helpers for netpol-analyzer's golden outputs
// (../shared/conformance/netpol-analyzer/expected): read a connlist golden
// (`SRC => DST : CONN` lines) back into a ConnectivityMap, so the renderers
// and the diff can be checked against that tool's other goldens without the
// connectivity engine. Also the golden folder and newline stripping.
#pragma once

#include <algorithm>
#include <map>
#include <sstream>
#include <string>

#include "tests/test_util.h"
#include "verifier/connection_set.h"
#include "verifier/connectivity.h"

namespace polc::testing {

inline std::string NetpolGoldenDir() { return SourceDir() + "/../shared/conformance/netpol-analyzer"; }

// netpol-analyzer's harness compares after removing every newline.
inline std::string WithoutNewlines(std::string text) {
  text.erase(std::remove(text.begin(), text.end(), '\n'), text.end());
  return text;
}

// "All Connections", or "TCP 80,443,UDP 53-54" (the CONN grammar).
inline verifier::ConnectionSet ParseConn(const std::string& text) {
  using verifier::ConnProtocol;
  if (text == "All Connections") return verifier::ConnectionSet::All();
  verifier::ConnectionSet set;
  const std::map<std::string, ConnProtocol> protocols = {{"ICMP", ConnProtocol::kIcmp},
                                                         {"ICMPv6", ConnProtocol::kIcmpv6},
                                                         {"SCTP", ConnProtocol::kSctp},
                                                         {"TCP", ConnProtocol::kTcp},
                                                         {"UDP", ConnProtocol::kUdp}};
  std::optional<ConnProtocol> current;
  std::stringstream tokens(text);
  std::string token;
  while (std::getline(tokens, token, ',')) {
    size_t space = token.find(' ');
    if (space != std::string::npos) {
      current = protocols.at(token.substr(0, space));
      token = token.substr(space + 1);
    }
    if (!current) continue;
    size_t dash = token.find('-');
    uint32_t low = static_cast<uint32_t>(std::stoul(token.substr(0, dash)));
    uint32_t high = dash == std::string::npos ? low : static_cast<uint32_t>(std::stoul(token.substr(dash + 1)));
    set[*current].Add(low, high);
  }
  return set;
}

// A map with the peers and edges a connlist golden lists (workloads without
// connections are not in it).
inline verifier::ConnectivityMap MapFromConnlist(const std::string& text) {
  verifier::ConnectivityMap map;
  map.universe = verifier::ConnUniverse::kKubernetes;
  std::map<std::string, int> index;
  auto peer = [&](const std::string& name) {
    auto it = index.find(name);
    if (it != index.end()) return it->second;
    verifier::ConnectivityPeer p;
    p.name = name;
    if (name.ends_with("[External]")) {
      p.kind = verifier::ConnectivityPeer::Kind::kExternal;
      p.label = name;
    } else {
      size_t slash = name.find('/');
      p.namespace_ = name.substr(0, slash);
      p.label = name.substr(slash + 1);
    }
    map.peers.push_back(p);
    return index[name] = static_cast<int>(map.peers.size()) - 1;
  };
  std::stringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    size_t arrow = line.find(" => ");
    size_t colon = line.find(" : ", arrow == std::string::npos ? 0 : arrow);
    if (arrow == std::string::npos || colon == std::string::npos) continue;
    verifier::ConnectivityEdge edge;
    edge.source = peer(line.substr(0, arrow));
    edge.destination = peer(line.substr(arrow + 4, colon - arrow - 4));
    edge.connections = ParseConn(line.substr(colon + 3));
    map.edges.push_back(edge);
  }
  return map;
}

}  // namespace polc::testing
