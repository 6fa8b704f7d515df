// Pieces shared by the connectivity renderers (render_connectivity.cc for
// the tables, json and diffs; render_connectivity_graph.cc for dot and
// mermaid). Not part of the CLI's interface.
#pragma once

#include <string>
#include <vector>

#include "verifier/connectivity.h"

namespace polc::cli::connectivity_internal {

// The edges of `map` that have both ends, sorted by (source name,
// destination name) byte-wise, as netpol-analyzer sorts its lines.
std::vector<const verifier::ConnectivityEdge*> SortedEdges(const verifier::ConnectivityMap& map);

const verifier::ConnectivityPeer& Source(const verifier::ConnectivityMap& map, const verifier::ConnectivityEdge& edge);
const verifier::ConnectivityPeer& Destination(const verifier::ConnectivityMap& map,
                                              const verifier::ConnectivityEdge& edge);

// The short name a graph node shows: the peer's label, or for workloads
// without one the part of the name after the namespace.
std::string GraphLabel(const verifier::ConnectivityPeer& peer);

std::string RenderDot(const verifier::ConnectivityMap& map);
std::string RenderMermaid(const verifier::ConnectivityMap& map);

}  // namespace polc::cli::connectivity_internal
