#include "cli/query_command.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <memory>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/app.h"
#include "cli/command_setup.h"
#include "cli/flow_trail.h"
#include "cli/render_query.h"
#include "compiler/loader.h"
#include "verifier/accepted_policies.h"

namespace polc::cli {
namespace {

constexpr const char* kQueryFooter = R"(Peers (--from, --to):
  endpoint:NS/NAME   an endpoint of the inventory (NS/NAME for short)
  labels:NS/K=V,K2=V2[;sa=ACCOUNT]   an anonymous pod with these labels
  node:NAME          a node of the inventory
  entity:NAME        host, remote-node, world, kube-apiserver, health, init, ingress, unmanaged
  ip:ADDRESS         whatever the inventory places there, else world
  fqdn:NAME          an external name (addresses from the inventory's dns)

The inventory comes from the Kubernetes manifests among the inputs (Namespace,
Pod, Deployment, ..., Service, Node).

Exit codes:
  0  the query was answered, whatever the verdict
  1  the flow is denied and --fail-on-deny was given
  2  usage error, bad config file, unreadable input, or a flow that cannot be
     evaluated (e.g. an endpoint not in the inventory)

Policies with errors (rejected by the API server or the agent) take no part,
as in a cluster; each is named on stderr.

Examples:
  polc query policies/ cluster/ --from shop/frontend --to shop/backend --port 8080
  polc query policies/ --from shop/frontend --to fqdn:api.example.com --port 443
  polc query policies/ --from shop/client --to shop/web --port 80 --http 'GET /admin'
  polc query policies/ --from shop/web --to entity:world --protocol ICMP --icmp-type 8

Full reference: docs/CLI.md.)";

void PrintError(std::string_view message) { fmt::print(stderr, "polc query: {}\n", message); }

std::string Upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::toupper(c); });
  return text;
}

std::variant<ir::HttpRequest, std::string> ParseHttp(const QueryOptions& options) {
  ir::HttpRequest request;
  std::string_view text = options.http;
  size_t space = text.find(' ');
  if (space == std::string_view::npos) {
    if (text.empty() || text.front() != '/') return fmt::format("--http '{}': write 'METHOD /path' (e.g. 'GET /')", text);
    request.method = "GET";
    request.path = std::string(text);
  } else {
    request.method = std::string(text.substr(0, space));
    request.path = std::string(text.substr(text.find_first_not_of(' ', space)));
    if (request.path.empty() || request.path.front() != '/') {
      return fmt::format("--http '{}': the path must start with '/'", text);
    }
  }
  request.host = options.http_host;
  for (const std::string& header : options.http_headers) {
    size_t colon = header.find(':');
    if (colon == std::string::npos || colon == 0) return fmt::format("--http-header '{}': write 'Name: value'", header);
    std::string value = header.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    request.headers[header.substr(0, colon)] = value;
  }
  return request;
}

}  // namespace

std::variant<verifier::Flow, std::string> QueryFlow(const QueryOptions& options) {
  verifier::Flow flow;
  auto from = ParsePeer(options.from);
  if (auto* error = std::get_if<PeerSyntaxError>(&from)) return "--from " + error->message;
  auto to = ParsePeer(options.to);
  if (auto* error = std::get_if<PeerSyntaxError>(&to)) return "--to " + error->message;
  flow.source = std::get<ir::FlowPeer>(from);
  flow.destination = std::get<ir::FlowPeer>(to);

  std::string protocol = options.protocol.empty() ? (options.icmp_type ? "ICMP" : "TCP") : Upper(options.protocol);
  std::optional<ir::Protocol> parsed = ir::ParseProtocol(protocol);
  if (!parsed || *parsed == ir::Protocol::kAny) {
    return fmt::format("--protocol {}: use TCP, UDP, SCTP, ICMP or ICMPv6", options.protocol);
  }
  flow.protocol = *parsed;
  bool icmp = flow.protocol == ir::Protocol::kIcmp || flow.protocol == ir::Protocol::kIcmpv6;
  if (options.icmp_type) {
    if (!icmp) return "--icmp-type needs --protocol ICMP or ICMPv6";
    if (*options.icmp_type < 0 || *options.icmp_type > 255) return "--icmp-type must be 0 to 255";
    flow.icmp_type = static_cast<uint8_t>(*options.icmp_type);
  }
  if (!options.port.empty()) {
    if (icmp) return "--port does not apply to ICMP; use --icmp-type";
    bool numeric = std::all_of(options.port.begin(), options.port.end(), [](unsigned char c) { return std::isdigit(c); });
    if (numeric && (options.port.size() > 5 || std::stoi(options.port) < 1 || std::stoi(options.port) > 65535)) {
      return fmt::format("--port {}: a port is 1 to 65535 (or a container port name)", options.port);
    }
    flow.port = options.port;
  }
  if (!options.http.empty()) {
    auto http = ParseHttp(options);
    if (auto* error = std::get_if<std::string>(&http)) return *error;
    flow.http = std::get<ir::HttpRequest>(http);
  } else if (!options.http_headers.empty() || !options.http_host.empty()) {
    return "--http-header and --http-host need --http";
  }
  if (!options.dns.empty()) {
    if (flow.http) return "--dns and --http cannot be combined: one L7 request per connection";
    flow.dns = ir::DnsQuery{options.dns};
  }
  return flow;
}

void AddQueryCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<QueryOptions>();
  CLI::App* query = app.add_subcommand(
      "query", "Is this flow allowed, and by which rule? The verdict of each side with the policies that decide it.");
  query->footer(kQueryFooter);
  query->add_option("paths", options->paths, "Files or folders with policies and inventory manifests")->required();
  query->add_option("--from", options->from, "Source peer (endpoint:NS/NAME, NS/NAME, ip:, entity:, node:, fqdn:, labels:)")
      ->required();
  query->add_option("--to", options->to, "Destination peer, same forms as --from")->required();
  query->add_option("--protocol", options->protocol, "TCP (default), UDP, SCTP, ICMP, ICMPv6");
  query->add_option("--port", options->port, "Destination port: a number, or a container port name of the destination");
  query->add_option("--icmp-type", options->icmp_type, "ICMP type (implies --protocol ICMP)");
  query->add_option("--http", options->http, "An HTTP request on the connection: 'METHOD /path'");
  query->add_option("--http-header", options->http_headers, "A header of the HTTP request: 'Name: value' (repeatable)");
  query->add_option("--http-host", options->http_host, "The Host of the HTTP request");
  query->add_option("--dns", options->dns, "A DNS query on the connection (usually with --port 53)");
  query->add_option("--format", options->format, "Output format: text (default), json")
      ->check(CLI::IsMember({"text", "json"}));
  query->add_option("--config", options->config_path,
                    "Config file (default: the nearest .polc.yaml in the working directory or a parent)");
  query->add_option("--cilium-version", options->cilium_version, "Cilium version whose semantics apply, 1.16 to 1.20")
      ->check(CiliumVersionValidator());
  query->add_flag("--fail-on-deny", options->fail_on_deny, "Exit 1 when the flow is denied");
  query->callback([options, &exit_code] { exit_code = RunQuery(*options); });
}

int RunQuery(const QueryOptions& options) {
  auto flow_or_error = QueryFlow(options);
  if (auto* error = std::get_if<std::string>(&flow_or_error)) {
    PrintError(*error);
    return kExitUsage;
  }
  const verifier::Flow& flow = std::get<verifier::Flow>(flow_or_error);
  std::optional<compiler::Config> config = LoadCommandConfig("query", options.config_path);
  if (!config) return kExitUsage;
  compiler::LoadOptions load_options = CommandLoadOptions(*config, options.cilium_version);
  compiler::LoadResult result = compiler::Load(options.paths, load_options);
  if (PrintLoadDiagnostics(result)) {
    PrintError("an input cannot be read or parsed (see above)");
    return kExitUsage;
  }
  // As in a cluster, policies the API server or the agent rejects take no
  // part (cilium-semantics.md 1.13); say so, since the answer depends on it.
  std::vector<int> rejected;
  ir::PolicySet accepted = verifier::AcceptedPolicies(result.policies, result.sink.diagnostics(), &rejected);
  for (int index : rejected) {
    const ir::Policy& policy = result.policies.policies[index];
    PrintError(fmt::format("{} {}{}{} has errors (see above): Cilium rejects it, so it takes no part in the answer",
                           ir::PolicyKindName(policy.kind), policy.meta.namespace_,
                           policy.meta.namespace_.empty() ? "" : "/", policy.meta.name));
  }
  verifier::Evaluator evaluator(accepted, result.inventory, load_options.settings);
  verifier::FlowResult flow_result = evaluator.Evaluate(flow);
  FlowTrail trail = MakeTrail(flow_result, accepted, result.files);
  if (options.format == "json") {
    fmt::print("{}", RenderQueryJson(flow, trail));
  } else {
    fmt::print("{}", RenderQueryText(flow, trail));
  }
  if (flow_result.error) {
    PrintError(*flow_result.error);
    return kExitUsage;
  }
  if (options.fail_on_deny && flow_result.verdict == verifier::Verdict::kDeny) return kExitFindings;
  return kExitOk;
}

}  // namespace polc::cli
