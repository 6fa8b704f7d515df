// `polc query`: one flow in, the verdict and an explanation out, naming each
// policy and rule that matched with its file:line (in the style of
// netpol-analyzer's explain output). Peers use the syntax of cli/peer_syntax.h.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "cli/peer_syntax.h"
#include "verifier/evaluator.h"

namespace CLI {
class App;
}

namespace polc::cli {

struct QueryOptions {
  std::vector<std::string> paths;
  std::string from;
  std::string to;
  std::string protocol;                  // empty: TCP, or ICMP with --icmp-type
  std::string port;                      // number or a destination container port name
  std::optional<int> icmp_type;
  std::string http;                      // "GET /path" (a bare "/path" means GET)
  std::vector<std::string> http_headers; // "Name: value"
  std::string http_host;
  std::string dns;
  std::string format = "text";           // text|json
  std::string config_path;
  std::string cilium_version;
  bool fail_on_deny = false;
};

// Registers `polc query` on `app`; the callback stores the exit code.
void AddQueryCommand(CLI::App& app, int& exit_code);

// Builds the flow from the options; an error message on bad input.
std::variant<verifier::Flow, std::string> QueryFlow(const QueryOptions& options);

// Exit codes: 0 the query was answered (whatever the verdict), 1 the flow is
// denied and --fail-on-deny was given, 2 usage error, bad config, unreadable
// input, or a flow that cannot be evaluated (an endpoint that is not in the
// inventory). Policies with errors take no part, as in a cluster.
int RunQuery(const QueryOptions& options);

}  // namespace polc::cli
