// Connectivity maps and diffs as text: netpol-analyzer's formats (connlist
// txt, csv, md, json, dot; diff txt, csv, md, json), byte-compatible with
// that tool (conventions.md section 2), plus mermaid and polc's own table.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "ir/source_location.h"
#include "verifier/connectivity.h"
#include "verifier/connectivity_diff.h"

namespace polc::cli {

enum class MapFormat { kConnlist, kCsv, kMd, kJson, kDot, kMermaid, kText };
std::optional<MapFormat> ParseMapFormat(std::string_view name);  // "connlist", "csv", ...

// With `explain`, connlist/text add the rule trail under each line and json
// adds a "rules" array per connection; other formats ignore it. `files`,
// when given, turns rule locations into "path:line:col".
//
// Every non-empty output ends with a newline (print it as is). The
// netpol-analyzer formats follow that tool's writers: lines sorted by
// (source, destination); csv quoted as Go's encoding/csv; dot with one
// cluster per namespace holding every workload, external ranges red2,
// edge weight 0.5 when source <= destination else 1. Cilium-only peers
// (not in netpol-analyzer) stay outside the namespace clusters in dot:
// entities darkorchid hexagons, FQDN names darkorange3 boxes, nodes
// saddlebrown box3d. `mermaid` is a `flowchart LR` with one subgraph per
// namespace (workloads as rectangles, ranges as stadiums, entities as
// hexagons, FQDN names as flags, nodes as cylinders) and edges labelled
// with the connections. `text` is an aligned SOURCE/DESTINATION/CONNECTIONS
// table with a summary line.
std::string RenderConnectivity(const verifier::ConnectivityMap& map, MapFormat format, bool explain,
                               const ir::FileTable* files = nullptr);

enum class DiffFormat { kConnlist, kCsv, kMd, kJson };
std::optional<DiffFormat> ParseDiffFormat(std::string_view name);

// netpol-analyzer prints nothing at all for an empty diff (in every
// format); so do connlist/csv/md here. json, polc's own, prints "[]".
std::string RenderDiff(const verifier::ConnectivityDiff& diff, DiffFormat format);

}  // namespace polc::cli
