#include "cli/render_query.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/peer_syntax.h"

namespace polc::cli {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view kRuler =
    "--------------------------------------------------------------------------------";

// netpol-analyzer's short policy kinds: "NP ns/name"; ours add CNP and CCNP.
std::string ShortPolicy(const std::string& policy) {
  constexpr std::pair<std::string_view, std::string_view> kShort[] = {
      {"CiliumClusterwideNetworkPolicy ", "CCNP "},
      {"CiliumNetworkPolicy ", "CNP "},
      {"NetworkPolicy ", "NP "},
  };
  for (const auto& [long_name, short_name] : kShort) {
    if (policy.rfind(long_name, 0) == 0) return std::string(short_name) + policy.substr(long_name.size());
  }
  return policy;
}

std::string RuleLine(const TrailRule& rule) {
  std::string text = rule.policy.empty() ? "implicit rule" : ShortPolicy(rule.policy);
  // The evaluator's description usually repeats the policy ("CiliumNetworkPolicy
  // ns/name ingress[0]"); keep only the part that names the rule.
  std::string description = rule.description;
  if (!rule.policy.empty() && description.rfind(rule.policy + " ", 0) == 0) {
    description = description.substr(rule.policy.size() + 1);
  }
  if (!description.empty()) text += " // " + description;
  if (rule.deny) text += " [deny]";
  if (rule.has_l7) text += " [L7]";
  if (!rule.location.empty()) text += " (" + rule.location + ")";
  return text;
}

std::string SideState(const TrailSide& side) {
  if (side.verdict == "deny") return "Denied";
  if (side.verdict == "audit") return "Audited";
  return "Allowed";
}

void AppendSide(std::string& out, const TrailSide& side, std::string_view title) {
  out += fmt::format("\t\t{} ({})\n", title, SideState(side));
  if (!side.applies) {
    out += "\t\t\tno policy of its own: an external peer\n";
    return;
  }
  if (!side.enforced) {
    out += fmt::format("\t\t\tnot enforced{}\n", side.enforcement_reason.empty() ? "" : ": " + side.enforcement_reason);
    return;
  }
  if (!side.enforcement_reason.empty()) out += fmt::format("\t\t\tenforced: {}\n", side.enforcement_reason);
  // The deciding rule first, then the others that matched too.
  if (side.deciding) out += fmt::format("\t\t\t{}\n", RuleLine(*side.deciding));
  for (const TrailRule& rule : side.matches) {
    if (side.deciding && rule.location == side.deciding->location && rule.description == side.deciding->description) {
      continue;
    }
    out += fmt::format("\t\t\talso matched: {}\n", RuleLine(rule));
  }
  if (!side.deciding && side.verdict != "allow") {
    out += side.default_deny ? "\t\t\tdefault deny: no rule allows this connection\n" : "\t\t\tno rule allows it\n";
  }
  if (!side.explanation.empty()) out += fmt::format("\t\t\t({})\n", side.explanation);
}

}  // namespace

std::string ConnectionText(const verifier::Flow& flow) {
  std::string text(ir::ProtocolName(flow.protocol));
  if (flow.icmp_type) text += fmt::format(" type {}", *flow.icmp_type);
  if (!flow.port.empty()) text += " " + flow.port;
  if (flow.http) text += fmt::format(" ({} {})", flow.http->method, flow.http->path);
  if (flow.dns) text += fmt::format(" (DNS {})", flow.dns->query);
  if (flow.kafka) text += fmt::format(" (Kafka {} {})", flow.kafka->api_key, flow.kafka->topic);
  return text;
}

std::string RenderQueryText(const verifier::Flow& flow, const FlowTrail& trail) {
  std::string out;
  out += fmt::format("{}\nConnection between {} => {}:\n\n", kRuler, FormatPeer(flow.source),
                     FormatPeer(flow.destination));
  if (!trail.error.empty()) {
    out += fmt::format("\tcannot be evaluated: {}\n", trail.error);
  } else {
    std::string state = trail.verdict == "deny" ? "Denied" : trail.verdict == "audit" ? "Audited (would be denied)" : "Allowed";
    out += fmt::format("{} connections:\n\t{} {} due to the following policies // rules:\n", state,
                       trail.verdict == "deny" ? "Denied" : "Allowed", ConnectionText(flow));
    AppendSide(out, trail.egress, "Egress");
    AppendSide(out, trail.ingress, "Ingress");
  }
  for (const std::string& warning : trail.warnings) out += fmt::format("\nwarning: {}\n", warning);
  out += fmt::format("\nverdict: {}", trail.verdict);
  if (!trail.denied_at.empty()) out += fmt::format(" (denied at {}", trail.denied_at);
  if (!trail.denied_at.empty()) out += trail.deny_reason.empty() ? ")" : fmt::format(", {})", trail.deny_reason);
  out += "\n";
  return out;
}

std::string RenderQueryJson(const verifier::Flow& flow, const FlowTrail& trail) {
  Json j;
  j["from"] = FormatPeer(flow.source);
  j["to"] = FormatPeer(flow.destination);
  j["connection"] = ConnectionText(flow);
  Json body = TrailJson(trail);
  for (auto it = body.begin(); it != body.end(); ++it) j[it.key()] = it.value();
  return j.dump(2) + "\n";
}

}  // namespace polc::cli
