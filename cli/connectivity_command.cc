#include "cli/connectivity_command.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

#include "cli/app.h"
#include "cli/connectivity_filter.h"
#include "cli/render_connectivity.h"

namespace polc::cli {
namespace {

constexpr const char* kConnectivityFooter =
    R"(The map covers every workload of the inventory (the Kubernetes manifests among
the inputs; pods collapse into their owner, as in netpol-analyzer), the
external address ranges split at every CIDR bound the rules mention, and, under
Cilium semantics, the entities, FQDN names and nodes the rules name (every
entity with --all-entities).

Output (--format connlist), netpol-analyzer's format, one line per ordered pair:
  SRC => DST : CONN        e.g. shop/web[Deployment] => shop/db[StatefulSet] : TCP 5432
Cilium peers appear as entity:NAME, fqdn:NAME and node:NAME.

Filters (netpol-analyzer's meaning):
  --focus-workload W     pairs with W on either side; W is name, ns/name or
                         ns/name[Kind] (repeatable, or comma-separated)
  --focus-direction D    with --focus-workload: only ingress into it or egress
                         out of it
  --focus-conn P-N       pairs that allow protocol P port N (tcp-8080), showing
                         only that port; connlist prints
                         'Permitted connections on TCP 8080:' and 'SRC => DST'

Policies with errors (the API server or the agent rejects them) are named on
stderr and take no part, as in a cluster; the exit code is then 1. With
--rejected-policies drop they take no part and the exit code stays 0; with
--rejected-policies ignore they are mapped as written (netpol-analyzer
validates nothing, so its goldens need this).

Exit codes:
  0  the map was written
  1  a policy has errors (the map is written without it) and
     --rejected-policies is fail (the default)
  2  usage error, bad config file, or an input that cannot be read or parsed

Examples:
  polc connectivity policies/ cluster/
  polc connectivity --semantics kubernetes manifests/ --format csv
  polc connectivity policies/ cluster/ --focus-workload shop/web --focus-direction ingress
  polc connectivity policies/ cluster/ --focus-conn udp-53
  polc connectivity policies/ cluster/ --explain --focus-workload web
  polc connectivity policies/ cluster/ --format dot -o map.dot && dot -Tsvg map.dot > map.svg

Full reference: docs/CLI.md.)";

void PrintError(std::string_view message) {
  fmt::print(stderr, "polc connectivity: {}\n", message);
}

}  // namespace

void AddConnectivityCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ConnectivityCommandOptions>();
  CLI::App* command = app.add_subcommand(
      "connectivity",
      "Which workloads can talk to which, on which ports: the connectivity map of policies + inventory, in "
      "netpol-analyzer's formats.");
  command->footer(kConnectivityFooter);
  command->add_option("paths", options->paths, "Files or folders with policies and inventory manifests")->required();
  command
      ->add_option("--format", options->format,
                   "Output format: connlist (default, netpol-analyzer's text), csv, md, json, dot, mermaid, text")
      ->check(CLI::IsMember({"connlist", "csv", "md", "json", "dot", "mermaid", "text"}));
  command->add_option("-o,--output", options->output, "Write the map to FILE instead of standard output");
  command
      ->add_option("--focus-workload", options->focus_workloads,
                   "Only pairs with this workload on either side: name, ns/name or ns/name[Kind] (repeatable, "
                   "comma-separated)")
      ->delimiter(',');
  command
      ->add_option("--focus-direction", options->focus_direction,
                   "With --focus-workload: only connections into it (ingress) or out of it (egress)")
      ->check(CLI::IsMember({"ingress", "egress"}));
  command->add_option("--focus-conn", options->focus_conn,
                      "Only pairs that allow this protocol and port, e.g. tcp-8080 (shows only that port)");
  command->add_flag("--explain", options->explain, "Add the rules behind each pair (connlist, text, json)");
  AddMapSettingsOptions(*command, options->settings);
  command->callback([options, &exit_code] { exit_code = RunConnectivity(*options); });
}

int RunConnectivity(const ConnectivityCommandOptions& options) {
  ConnectivityFilter filter;
  filter.workloads = options.focus_workloads;
  if (options.focus_direction == "ingress") filter.direction = ir::Direction::kIngress;
  if (options.focus_direction == "egress") filter.direction = ir::Direction::kEgress;
  if (!options.focus_conn.empty()) {
    auto conn = ParseFocusConn(options.focus_conn);
    if (auto* error = std::get_if<std::string>(&conn)) {
      PrintError(*error);
      return kExitUsage;
    }
    filter.conn = std::get<FocusConn>(conn);
  }
  std::optional<MapFormat> format = ParseMapFormat(options.format);
  if (!format) {
    PrintError(fmt::format("--format {}: unknown format", options.format));
    return kExitUsage;
  }
  std::optional<compiler::LoadOptions> load = MapLoadOptions("connectivity", options.settings);
  if (!load) return kExitUsage;
  std::unique_ptr<MapInputs> inputs =
      LoadMapInputs("connectivity", options.paths, *load, options.settings.rejected_policies,
                    /*print_findings=*/true);
  if (inputs->unreadable) {
    PrintError("an input cannot be read or parsed (see above)");
    return kExitUsage;
  }
  verifier::ConnectivityMap map =
      ComputeMap("connectivity", *inputs, *load, options.settings, options.explain, "computing the map");
  for (const std::string& warning : ApplyConnectivityFilter(filter, map)) PrintError("warning: " + warning);
  // netpol-analyzer's connlist under --focus-conn names the port once, in a
  // header, instead of on every line.
  std::string text = filter.conn && *format == MapFormat::kConnlist && !options.explain
                         ? RenderFocusConnConnlist(map, *filter.conn)
                         : RenderConnectivity(map, *format, options.explain, &inputs->result.files);
  if (!WriteOutput("connectivity", options.output, text)) return kExitUsage;
  if (!inputs->rejected.empty() && options.settings.rejected_policies == "fail") return kExitFindings;
  return kExitOk;
}

}  // namespace polc::cli
