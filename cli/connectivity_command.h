// `polc connectivity PATH...`: the workload-level connectivity map of a
// repository (policies + inventory), in netpol-analyzer's formats
// (conventions.md section 2) or polc's own, with netpol-analyzer's focus
// filters (cli/connectivity_filter.h). The map itself comes from
// verifier/connectivity.h, the text from cli/render_connectivity.h.
#pragma once

#include <string>
#include <vector>

#include "cli/map_inputs.h"

namespace CLI {
class App;
}

namespace polc::cli {

struct ConnectivityCommandOptions {
  std::vector<std::string> paths;
  MapSettingsOptions settings;
  std::string format = "connlist";  // connlist|csv|md|json|dot|mermaid|text
  std::string output;               // empty: stdout
  std::vector<std::string> focus_workloads;
  std::string focus_direction;  // ingress|egress|""
  std::string focus_conn;       // "tcp-8080"|""
  bool explain = false;
};

// Registers `polc connectivity` on `app`; the callback stores the exit code.
void AddConnectivityCommand(CLI::App& app, int& exit_code);

// Exit codes: 0 the map was written; 1 a policy has errors and
// --rejected-policies is fail (the map is still written, without it); 2 usage
// error, bad config, or an input that cannot be read or parsed.
int RunConnectivity(const ConnectivityCommandOptions& options);

}  // namespace polc::cli
