// Connectivity maps as graphs: netpol-analyzer's dot writer (conventions.md
// section 2), and a mermaid flowchart for Markdown viewers.
//
// dot, as netpol-analyzer writes it: a `digraph {` holding one
// `subgraph "cluster_<ns>[namespace]"` per namespace (sorted) with every
// workload of that namespace (also those without connections), then the
// peers outside any namespace, then the edges; each group of lines sorted
// as text. Edges weigh 0.5 when source <= destination, else 1 (it keeps
// the layout stable). Cilium-only peers have no counterpart there; they
// stay outside the clusters with colours and shapes of their own (see
// cli/render_connectivity.h).
#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "cli/render_connectivity_internal.h"

namespace polc::cli::connectivity_internal {
namespace {

using verifier::ConnectivityEdge;
using verifier::ConnectivityMap;
using verifier::ConnectivityPeer;
using Kind = verifier::ConnectivityPeer::Kind;

// Go's %q for the ASCII range: quotes, backslash and control characters
// escaped; other bytes (UTF-8 text) kept.
std::string GoQuote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          char buffer[8];
          std::snprintf(buffer, sizeof buffer, "\\x%02x", static_cast<unsigned char>(c));
          out += buffer;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

struct DotStyle {
  std::string_view color;
  std::string_view shape;  // empty: graphviz's default ellipse
};

DotStyle StyleOf(Kind kind) {
  switch (kind) {
    case Kind::kWorkload: return {"blue", ""};
    case Kind::kExternal: return {"red2", ""};
    case Kind::kEntity: return {"darkorchid", "hexagon"};
    case Kind::kFqdn: return {"darkorange3", "box"};
    case Kind::kNode: return {"saddlebrown", "box3d"};
  }
  return {"blue", ""};
}

std::string DotPeerLine(const ConnectivityPeer& peer) {
  DotStyle style = StyleOf(peer.kind);
  // netpol-analyzer labels ranges with their full name, workloads short.
  std::string label = peer.kind == Kind::kExternal ? peer.name : GraphLabel(peer);
  std::string line = GoQuote(peer.name) + " [label=" + GoQuote(label) + " color=" + GoQuote(style.color) +
                     " fontcolor=" + GoQuote(style.color);
  if (!style.shape.empty()) line += " shape=" + std::string(style.shape);
  return line + "]";
}

// Mermaid labels are quoted; a quote inside one is written as an entity.
std::string MermaidText(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') {
      out += "#quot;";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string MermaidNode(const ConnectivityPeer& peer, size_t index) {
  std::string id = "p" + std::to_string(index);
  std::string label = MermaidText(peer.kind == Kind::kWorkload ? GraphLabel(peer) : peer.name);
  switch (peer.kind) {
    case Kind::kWorkload: return id + "[" + label + "]";
    case Kind::kExternal: return id + "([" + label + "])";
    case Kind::kEntity: return id + "{{" + label + "}}";
    case Kind::kFqdn: return id + ">" + label + "]";
    case Kind::kNode: return id + "[(" + label + ")]";
  }
  return id + "[" + label + "]";
}

// The peers a graph shows: every workload, and the others that some edge
// touches (a range or entity without connections says nothing).
std::vector<size_t> ShownPeers(const ConnectivityMap& map) {
  std::set<size_t> shown;
  for (size_t i = 0; i < map.peers.size(); ++i) {
    if (map.peers[i].kind == Kind::kWorkload) shown.insert(i);
  }
  for (const ConnectivityEdge* edge : SortedEdges(map)) {
    shown.insert(static_cast<size_t>(edge->source));
    shown.insert(static_cast<size_t>(edge->destination));
  }
  return {shown.begin(), shown.end()};
}

}  // namespace

std::string RenderDot(const ConnectivityMap& map) {
  std::map<std::string, std::vector<std::string>> namespaces;
  std::vector<std::string> outside;
  for (size_t index : ShownPeers(map)) {
    const ConnectivityPeer& peer = map.peers[index];
    if (peer.kind == Kind::kWorkload) {
      namespaces[peer.namespace_].push_back("\t\t" + DotPeerLine(peer));
    } else {
      outside.push_back("\t" + DotPeerLine(peer));
    }
  }
  std::vector<std::string> edges;
  for (const ConnectivityEdge* edge : SortedEdges(map)) {
    const std::string& source = Source(map, *edge).name;
    const std::string& destination = Destination(map, *edge).name;
    edges.push_back("\t" + GoQuote(source) + " -> " + GoQuote(destination) +
                    " [label=" + GoQuote(edge->connections.ToString(map.universe)) +
                    " color=\"gold2\" fontcolor=\"darkgreen\" weight=" + (source <= destination ? "0.5" : "1") + "]");
  }
  std::sort(outside.begin(), outside.end());
  std::sort(edges.begin(), edges.end());

  std::string out = "digraph {\n";
  for (auto& [name, lines] : namespaces) {
    std::sort(lines.begin(), lines.end());
    out += "\tsubgraph " + GoQuote("cluster_" + name + "[namespace]") + " {\n";
    out += "\t\tcolor=\"black\"\n\t\tfontcolor=\"black\"\n";
    for (const std::string& line : lines) out += line + "\n";
    out += "\t\tlabel=" + GoQuote(name + "[namespace]") + "\n\t}\n";
  }
  for (const std::string& line : outside) out += line + "\n";
  for (const std::string& line : edges) out += line + "\n";
  return out + "}\n";
}

std::string RenderMermaid(const ConnectivityMap& map) {
  std::map<std::string, std::vector<size_t>> namespaces;
  std::vector<size_t> outside;
  for (size_t index : ShownPeers(map)) {
    if (map.peers[index].kind == Kind::kWorkload) {
      namespaces[map.peers[index].namespace_].push_back(index);
    } else {
      outside.push_back(index);
    }
  }
  std::string out = "flowchart LR\n";
  size_t namespace_number = 0;
  for (const auto& [name, members] : namespaces) {
    // Subgraph ids are numbered: namespace names may hold '-' and '.'.
    out += "  subgraph ns" + std::to_string(namespace_number++) + "[" + MermaidText(name) + "]\n";
    for (size_t index : members) out += "    " + MermaidNode(map.peers[index], index) + "\n";
    out += "  end\n";
  }
  for (size_t index : outside) out += "  " + MermaidNode(map.peers[index], index) + "\n";
  for (const ConnectivityEdge* edge : SortedEdges(map)) {
    out += "  p" + std::to_string(edge->source) + " -->|" + MermaidText(edge->connections.ToString(map.universe)) +
           "| p" + std::to_string(edge->destination) + "\n";
  }
  return out;
}

}  // namespace polc::cli::connectivity_internal
