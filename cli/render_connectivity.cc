// Connectivity maps and diffs in netpol-analyzer's text formats
// (conventions.md section 2), which users of that tool compare with byte
// for byte, plus polc's own aligned table and the --explain trail.
#include "cli/render_connectivity.h"

#include <algorithm>
#include <array>

#include <nlohmann/json.hpp>

#include "cli/render_connectivity_internal.h"

namespace polc::cli {
namespace connectivity_internal {

std::vector<const verifier::ConnectivityEdge*> SortedEdges(const verifier::ConnectivityMap& map) {
  std::vector<const verifier::ConnectivityEdge*> edges;
  for (const verifier::ConnectivityEdge& edge : map.edges) {
    bool valid = edge.source >= 0 && edge.destination >= 0 && static_cast<size_t>(edge.source) < map.peers.size() &&
                 static_cast<size_t>(edge.destination) < map.peers.size();
    if (valid) edges.push_back(&edge);
  }
  std::stable_sort(edges.begin(), edges.end(), [&](const auto* a, const auto* b) {
    const std::string& a_source = Source(map, *a).name;
    const std::string& b_source = Source(map, *b).name;
    if (a_source != b_source) return a_source < b_source;
    return Destination(map, *a).name < Destination(map, *b).name;
  });
  return edges;
}

const verifier::ConnectivityPeer& Source(const verifier::ConnectivityMap& map, const verifier::ConnectivityEdge& edge) {
  return map.peers[static_cast<size_t>(edge.source)];
}

const verifier::ConnectivityPeer& Destination(const verifier::ConnectivityMap& map,
                                              const verifier::ConnectivityEdge& edge) {
  return map.peers[static_cast<size_t>(edge.destination)];
}

std::string GraphLabel(const verifier::ConnectivityPeer& peer) {
  if (!peer.label.empty()) return peer.label;
  if (peer.kind == verifier::ConnectivityPeer::Kind::kWorkload) {
    size_t slash = peer.name.find('/');
    if (slash != std::string::npos) return peer.name.substr(slash + 1);
  }
  return peer.name;
}

}  // namespace connectivity_internal

namespace {

using Json = nlohmann::ordered_json;
using connectivity_internal::Destination;
using connectivity_internal::SortedEdges;
using connectivity_internal::Source;
using verifier::ConnectivityDiff;
using verifier::ConnectivityDiffEntry;
using verifier::ConnectivityEdge;
using verifier::ConnectivityMap;
using verifier::ConnectivityRule;

// Lines joined by '\n', with a final newline unless there are none.
std::string JoinLines(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) out += line + "\n";
  return out;
}

// One CSV field as Go's encoding/csv writes it: quoted (quotes doubled)
// when it holds a comma, quote or line break, or starts with a space.
std::string CsvField(const std::string& field) {
  bool quote = field.find_first_of(",\"\r\n") != std::string::npos ||
               (!field.empty() && (field.front() == ' ' || field.front() == '\t'));
  if (!quote) return field;
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string CsvRow(const std::vector<std::string>& fields) {
  std::string row;
  for (size_t i = 0; i < fields.size(); ++i) row += (i ? "," : "") + CsvField(fields[i]);
  return row;
}

std::string MdRow(const std::vector<std::string>& fields) {
  std::string row = "|";
  for (const std::string& field : fields) row += " " + field + " |";
  return row;
}

std::string Location(const ConnectivityRule& rule, const ir::FileTable* files) {
  if (!rule.location.Known()) return "";
  if (files != nullptr && rule.location.file < files->size()) return files->Format(rule.location);
  if (rule.location.line == 0) return "";
  return "line " + std::to_string(rule.location.line) + ":" + std::to_string(rule.location.column);
}

// "ingress allow (L7): NetworkPolicy shop/db ingress[0] (shop.yaml:12:5)"
std::string RuleText(const ConnectivityRule& rule, const ir::FileTable* files) {
  std::string text = rule.direction == ir::Direction::kIngress ? "ingress" : "egress";
  text += rule.deny ? " deny" : " allow";
  if (rule.l7) text += " (L7)";
  text += ": " + rule.description;
  std::string where = Location(rule, files);
  if (!where.empty()) text += " (" + where + ")";
  return text;
}

// The --explain trail of one edge, each line indented by `indent`.
std::vector<std::string> ExplainLines(const ConnectivityEdge& edge, const ir::FileTable* files,
                                      std::string_view indent) {
  std::vector<std::string> lines;
  if (!edge.egress_reason.empty()) lines.push_back(std::string(indent) + "egress: " + edge.egress_reason);
  if (!edge.ingress_reason.empty()) lines.push_back(std::string(indent) + "ingress: " + edge.ingress_reason);
  for (const ConnectivityRule& rule : edge.rules) lines.push_back(std::string(indent) + RuleText(rule, files));
  return lines;
}

std::string RenderConnlist(const ConnectivityMap& map, bool explain, const ir::FileTable* files) {
  std::vector<std::string> lines;
  for (const ConnectivityEdge* edge : SortedEdges(map)) {
    lines.push_back(Source(map, *edge).name + " => " + Destination(map, *edge).name + " : " +
                    edge->connections.ToString(map.universe));
    if (explain) {
      for (std::string& line : ExplainLines(*edge, files, "    ")) lines.push_back(std::move(line));
    }
  }
  return JoinLines(lines);
}

std::string RenderCsv(const ConnectivityMap& map) {
  std::vector<std::string> lines = {"src,dst,conn"};
  for (const ConnectivityEdge* edge : SortedEdges(map)) {
    lines.push_back(
        CsvRow({Source(map, *edge).name, Destination(map, *edge).name, edge->connections.ToString(map.universe)}));
  }
  return JoinLines(lines);
}

std::string RenderMd(const ConnectivityMap& map) {
  std::vector<std::string> lines = {"| src | dst | conn |", "|-----|-----|------|"};
  for (const ConnectivityEdge* edge : SortedEdges(map)) {
    lines.push_back(
        MdRow({Source(map, *edge).name, Destination(map, *edge).name, edge->connections.ToString(map.universe)}));
  }
  return JoinLines(lines);
}

std::string RenderJsonMap(const ConnectivityMap& map, bool explain, const ir::FileTable* files) {
  Json root = Json::array();
  for (const ConnectivityEdge* edge : SortedEdges(map)) {
    Json item;
    item["src"] = Source(map, *edge).name;
    item["dst"] = Destination(map, *edge).name;
    item["conn"] = edge->connections.ToString(map.universe);
    if (explain) {
      if (!edge->egress_reason.empty()) item["egress_reason"] = edge->egress_reason;
      if (!edge->ingress_reason.empty()) item["ingress_reason"] = edge->ingress_reason;
      item["rules"] = Json::array();
      for (const ConnectivityRule& rule : edge->rules) {
        Json r;
        r["direction"] = rule.direction == ir::Direction::kIngress ? "ingress" : "egress";
        r["deny"] = rule.deny;
        r["l7"] = rule.l7;
        r["description"] = rule.description;
        std::string where = Location(rule, files);
        r["location"] = where.empty() ? Json(nullptr) : Json(where);
        item["rules"].push_back(std::move(r));
      }
    }
    root.push_back(std::move(item));
  }
  return root.dump(2) + "\n";
}

std::string Pad(const std::string& text, size_t width) {
  return text.size() >= width ? text : text + std::string(width - text.size(), ' ');
}

std::string Plural(size_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

std::string RenderText(const ConnectivityMap& map, bool explain, const ir::FileTable* files) {
  std::vector<const ConnectivityEdge*> edges = SortedEdges(map);
  size_t source_width = std::string_view("SOURCE").size();
  size_t destination_width = std::string_view("DESTINATION").size();
  for (const ConnectivityEdge* edge : edges) {
    source_width = std::max(source_width, Source(map, *edge).name.size());
    destination_width = std::max(destination_width, Destination(map, *edge).name.size());
  }
  std::vector<std::string> lines;
  if (!edges.empty()) lines.push_back(Pad("SOURCE", source_width) + "  " + Pad("DESTINATION", destination_width) + "  CONNECTIONS");
  for (const ConnectivityEdge* edge : edges) {
    lines.push_back(Pad(Source(map, *edge).name, source_width) + "  " +
                    Pad(Destination(map, *edge).name, destination_width) + "  " +
                    edge->connections.ToString(map.universe));
    if (explain) {
      for (std::string& line : ExplainLines(*edge, files, "    ")) lines.push_back(std::move(line));
    }
  }
  size_t l7 = static_cast<size_t>(std::count_if(edges.begin(), edges.end(), [](const auto* e) { return e->l7; }));
  std::string summary = Plural(edges.size(), "connection", "connections") + " between " +
                        Plural(map.peers.size(), "peer", "peers");
  if (l7 > 0) summary += ", " + std::to_string(l7) + " subject to L7 rules";
  lines.push_back(summary);
  return JoinLines(lines);
}

// ---- diffs ----

std::vector<std::string> DiffFields(const ConnectivityDiffEntry& e, verifier::ConnUniverse universe) {
  return {std::string(verifier::DiffTypeName(e.type)), e.source, e.destination, e.old_connections.ToString(universe),
          e.new_connections.ToString(universe), e.workloads_info};
}

std::string DiffTxtLine(const std::vector<std::string>& f) {
  std::string line = "diff-type: " + f[0] + ", source: " + f[1] + ", destination: " + f[2] + ", ref1: " + f[3] +
                     ", ref2: " + f[4];
  if (!f[5].empty()) line += ", workloads-diff-info: " + f[5];
  return line;
}

// netpol-analyzer sorts each category's formatted lines on their own and
// prints changed, then added, then removed.
std::vector<std::string> DiffLines(const ConnectivityDiff& diff,
                                   std::string (*format)(const std::vector<std::string>&)) {
  using Type = ConnectivityDiffEntry::Type;
  std::vector<std::string> out;
  for (Type type : {Type::kChanged, Type::kAdded, Type::kRemoved}) {
    std::vector<std::string> lines;
    for (const ConnectivityDiffEntry& e : diff.entries) {
      if (e.type == type) lines.push_back(format(DiffFields(e, diff.universe)));
    }
    std::sort(lines.begin(), lines.end());
    out.insert(out.end(), lines.begin(), lines.end());
  }
  return out;
}

std::string DiffCsvLine(const std::vector<std::string>& fields) { return CsvRow(fields); }
std::string DiffMdLine(const std::vector<std::string>& fields) { return MdRow(fields); }

constexpr std::array<const char*, 6> kDiffColumns = {"diff-type", "source", "destination",
                                                     "ref1",      "ref2",   "workloads-diff-info"};

std::string RenderDiffJson(const ConnectivityDiff& diff) {
  Json root = Json::array();
  using Type = ConnectivityDiffEntry::Type;
  for (Type type : {Type::kChanged, Type::kAdded, Type::kRemoved}) {
    std::vector<std::vector<std::string>> rows;
    for (const ConnectivityDiffEntry& e : diff.entries) {
      if (e.type == type) rows.push_back(DiffFields(e, diff.universe));
    }
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return DiffTxtLine(a) < DiffTxtLine(b); });
    for (const auto& row : rows) {
      Json item;
      for (size_t i = 0; i < kDiffColumns.size(); ++i) item[kDiffColumns[i]] = row[i];
      root.push_back(std::move(item));
    }
  }
  return root.dump(2) + "\n";
}

}  // namespace

std::optional<MapFormat> ParseMapFormat(std::string_view name) {
  if (name == "connlist" || name == "txt") return MapFormat::kConnlist;
  if (name == "csv") return MapFormat::kCsv;
  if (name == "md") return MapFormat::kMd;
  if (name == "json") return MapFormat::kJson;
  if (name == "dot") return MapFormat::kDot;
  if (name == "mermaid") return MapFormat::kMermaid;
  if (name == "text") return MapFormat::kText;
  return std::nullopt;
}

std::optional<DiffFormat> ParseDiffFormat(std::string_view name) {
  if (name == "connlist" || name == "txt") return DiffFormat::kConnlist;
  if (name == "csv") return DiffFormat::kCsv;
  if (name == "md") return DiffFormat::kMd;
  if (name == "json") return DiffFormat::kJson;
  return std::nullopt;
}

std::string RenderConnectivity(const ConnectivityMap& map, MapFormat format, bool explain, const ir::FileTable* files) {
  switch (format) {
    case MapFormat::kConnlist: return RenderConnlist(map, explain, files);
    case MapFormat::kCsv: return RenderCsv(map);
    case MapFormat::kMd: return RenderMd(map);
    case MapFormat::kJson: return RenderJsonMap(map, explain, files);
    case MapFormat::kDot: return connectivity_internal::RenderDot(map);
    case MapFormat::kMermaid: return connectivity_internal::RenderMermaid(map);
    case MapFormat::kText: return RenderText(map, explain, files);
  }
  return "";
}

std::string RenderDiff(const ConnectivityDiff& diff, DiffFormat format) {
  if (format == DiffFormat::kJson) return RenderDiffJson(diff);
  if (diff.entries.empty()) return "";
  std::vector<std::string> lines;
  switch (format) {
    case DiffFormat::kConnlist:
      lines.push_back("Connectivity diff:");
      break;
    case DiffFormat::kCsv:
      lines.push_back(CsvRow({kDiffColumns.begin(), kDiffColumns.end()}));
      break;
    case DiffFormat::kMd:
      lines.push_back(MdRow({kDiffColumns.begin(), kDiffColumns.end()}));
      lines.push_back("|-----------|--------|-------------|------|------|---------------------|");
      break;
    case DiffFormat::kJson: break;
  }
  auto* line_format = format == DiffFormat::kCsv  ? &DiffCsvLine
                      : format == DiffFormat::kMd ? &DiffMdLine
                                                  : &DiffTxtLine;
  for (std::string& line : DiffLines(diff, line_format)) lines.push_back(std::move(line));
  return JoinLines(lines);
}

}  // namespace polc::cli
