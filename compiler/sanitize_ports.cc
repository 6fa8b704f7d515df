// Sanitize checks of one toPorts item (PortRule / PortDenyRule) and its
// PortProtocols: pkg/policy/api/rule_validation.go PortRule.Validate,
// PortProtocol.Validate, L7Rules.Validate. cilium-semantics.md 1.5, 1.6,
// 1.13 "Ports", "TLS / listener", 7.7.
#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "compiler/sanitize_internal.h"

namespace polc::compiler::sanitize {

bool IsIanaServiceName(std::string_view text) {
  if (text.empty() || text.size() > 15) return false;
  if (text.front() == '-' || text.back() == '-' || text.find("--") != std::string_view::npos) return false;
  bool letter = false;
  for (char c : text) {
    bool is_letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    letter = letter || is_letter;
    if (!is_letter && !(c >= '0' && c <= '9') && c != '-') return false;
  }
  return letter;
}

namespace {

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// strconv's underscoreOK: '_' only between digits (a base prefix counts as
// a digit).
bool UnderscoresOk(std::string_view text) {
  char saw = '^';
  size_t i = 0;
  bool hex = false;
  if (text.size() >= 2 && text[0] == '0' && (Lower(text[1]) == 'b' || Lower(text[1]) == 'o' || Lower(text[1]) == 'x')) {
    i = 2;
    saw = '0';
    hex = Lower(text[1]) == 'x';
  }
  for (; i < text.size(); ++i) {
    char c = Lower(text[i]);
    if ((c >= '0' && c <= '9') || (hex && c >= 'a' && c <= 'f')) {
      saw = '0';
      continue;
    }
    if (c == '_') {
      if (saw != '0') return false;
      saw = '_';
      continue;
    }
    if (saw == '_') return false;
    saw = '!';
  }
  return saw != '_';
}

}  // namespace

std::optional<uint64_t> ParseGoUint(std::string_view text, int bits) {
  if (text.empty()) return std::nullopt;
  std::string_view digits = text;
  uint64_t base = 10;
  if (text[0] == '0') {
    char marker = text.size() >= 3 ? Lower(text[1]) : '\0';
    base = marker == 'b' ? 2 : marker == 'o' ? 8 : marker == 'x' ? 16 : 8;
    digits = text.substr(marker == 'b' || marker == 'o' || marker == 'x' ? 2 : 1);
  }
  uint64_t max = bits >= 64 ? UINT64_MAX : (uint64_t{1} << bits) - 1;
  uint64_t value = 0;
  bool underscores = false;
  for (char raw : digits) {
    char c = Lower(raw);
    if (c == '_') {
      underscores = true;
      continue;
    }
    uint64_t digit = 0;
    if (c >= '0' && c <= '9') {
      digit = static_cast<uint64_t>(c - '0');
    } else if (c >= 'a' && c <= 'z') {
      digit = static_cast<uint64_t>(c - 'a' + 10);
    } else {
      return std::nullopt;
    }
    if (digit >= base) return std::nullopt;
    if (value > (max - digit) / base) return std::nullopt;  // overflow
    value = value * base + digit;
  }
  if (underscores && !UnderscoresOk(text)) return std::nullopt;
  return value;
}

bool HasL7(const ir::PortRule& rule) {
  if (!rule.rules) return false;
  const ir::L7Rules& l7 = *rule.rules;
  return l7.http || l7.kafka || l7.dns || (l7.l7_proto && !l7.l7_proto->empty()) || l7.l7;
}

bool IsExtendedProtocol(ir::Protocol protocol) {
  switch (protocol) {
    case ir::Protocol::kVrrp:
    case ir::Protocol::kIgmp:
    case ir::Protocol::kGre:
    case ir::Protocol::kIpip:
    case ir::Protocol::kIpv6:
    case ir::Protocol::kEsp:
    case ir::Protocol::kAh: return true;
    default: return false;
  }
}

namespace {

// PortProtocol.Validate; returns true when the port is the number 0.
bool CheckPortProtocol(const ir::PortProtocol& port, bool has_dns, LowerContext& ctx) {
  const ir::Settings& settings = ctx.settings;
  bool extended = IsExtendedProtocol(port.protocol);
  std::string_view protocol = ir::ProtocolName(port.protocol);
  if (extended && settings.version.AtLeast(1, 19) && !settings.enable_extended_ip_protocols) {
    // Without the option an empty port fails Validate ("port must be
    // specified"); with port "0" the rule loads but the datapath, compiled
    // without extended-protocol support, never matches it.
    ctx.Report(ir::RuleId::kFeatureDisabled, port.location,
               port.port.empty()
                   ? fmt::format("protocol {} has no port, which needs the agent option "
                                 "--enable-extended-ip-protocols (off in the settings): without it the agent requires "
                                 "a port ('port must be specified'); {}",
                                 protocol, kRejected)
                   : fmt::format("protocol {} is an extended IP protocol: with --enable-extended-ip-protocols off (in "
                                 "the settings) the datapath does not handle it, so this entry never matches",
                                 protocol),
               "set settings.enableExtendedIPProtocols: true (and enable it on the agent), or remove the entry");
  }
  if (port.port.empty()) {
    // Since 1.19 the option (not the protocol) lifts the requirement.
    bool allowed = settings.version.AtLeast(1, 19) && settings.enable_extended_ip_protocols;
    if (!allowed && !extended) {
      ctx.Report(ir::RuleId::kInvalidPort, port.location,
                 fmt::format("port must be specified; {}", kRejected),
                 "give a port number (\"0\" means every port of the protocol) or a named port");
    }
    return false;
  }
  if (IsIanaServiceName(port.port)) return false;  // a named port
  if (extended && port.port != "0") {
    ctx.Report(ir::RuleId::kInvalidPort, port.port_location,
               fmt::format("protocol {} has no ports: port must be empty or 0, not '{}'; {}", protocol, port.port,
                           kRejected),
               "remove the port");
    return false;
  }
  std::optional<uint64_t> number = ParseGoUint(port.port, 16);
  if (!number) {
    ctx.Report(ir::RuleId::kInvalidPort, port.port_location,
               fmt::format("unable to parse port '{}': it is neither a number 0-65535 nor a service name (at most 15 "
                           "letters, digits and '-', with at least one letter); {}",
                           port.port, kRejected),
               {});
    return false;
  }
  if (has_dns && port.end_port > static_cast<int64_t>(*number)) {
    ctx.Report(ir::RuleId::kDnsRulePort, port.location,
               fmt::format("DNS rules do not support port ranges (port {}, endPort {}); {}", *number, port.end_port,
                           kRejected),
               "remove endPort; DNS proxying needs a single port such as \"53\"");
  }
  return *number == 0;
}

void CheckTooManyPorts(const ir::PortRule& rule, LowerContext& ctx) {
  if (rule.ports.size() <= 40) return;
  // At the first port: the line where the CRD's maxItems finding also lands.
  ctx.Report(ir::RuleId::kTooManyPorts, rule.ports.front().location,
             fmt::format("too many ports ({}), the max is 40 per toPorts entry; {}", rule.ports.size(), kRejected),
             {});
}

// L7Rules.Validate: the bodies, DNS ports, one L7 type per toPorts entry.
void CheckL7Rules(const ir::L7Rules& rules, const ir::PortRule& port_rule, LowerContext& ctx) {
  std::vector<std::string_view> types;
  if (rules.http) {
    types.push_back("http");
    for (const ir::HttpRule& http : *rules.http) CheckHttpRule(http, ctx);
  }
  if (rules.kafka) {
    types.push_back("kafka");
    for (const ir::KafkaRule& kafka : *rules.kafka) CheckKafkaRule(kafka, ctx);
  }
  if (rules.dns) {
    types.push_back("dns");
    if (port_rule.ports.empty()) {
      ctx.Report(ir::RuleId::kDnsRulePort, rules.location,
                 fmt::format("port 53 must be specified for DNS rules: this toPorts entry has no ports; {}",
                             kRejected),
                 "add `ports: [{port: \"53\", protocol: ANY}]`");
    }
    for (const ir::FqdnSelector& dns : *rules.dns) CheckFqdnSelector(dns, ctx);
  }
  bool has_proto = rules.l7_proto && !rules.l7_proto->empty();
  if (rules.l7 && !has_proto) {
    ctx.Report(ir::RuleId::kInvalidL7, rules.location,
               fmt::format("'l7' may only be specified when a 'l7proto' is also specified; {}", kRejected),
               "add `l7proto: <parser name>`, or remove `l7`");
  }
  if (has_proto) types.push_back("l7proto");
  if (types.size() > 1) {
    ctx.Report(ir::RuleId::kInvalidL7, rules.location,
               fmt::format("multiple L7 protocol rule types specified in a single rule ({}); {}",
                           fmt::join(types, ", "), kRejected),
               "use one L7 type per toPorts entry; put the others in separate entries");
  }
}

}  // namespace

void CheckPortRule(const ir::PortRule& rule, const PortRuleScope& scope, LowerContext& ctx) {
  CheckTooManyPorts(rule, ctx);
  if (scope.deny) {
    // PortDenyRule.Validate: ports only.
    for (const ir::PortProtocol& port : rule.ports) CheckPortProtocol(port, /*has_dns=*/false, ctx);
    return;
  }
  bool ingress = scope.direction == ir::Direction::kIngress;
  bool has_l7 = HasL7(rule);
  bool has_dns = rule.rules && rule.rules->dns && !rule.rules->dns->empty();
  if (ingress && has_dns) {
    ctx.Report(ir::RuleId::kInvalidL7, rule.rules->location,
               fmt::format("DNS rules are not allowed on ingress; {}", kRejected),
               "DNS rules belong on egress toPorts (the pod's DNS queries); remove them here");
  }
  if (!rule.server_names.empty() && has_l7 && !rule.terminating_tls) {
    ctx.Report(ir::RuleId::kInvalidTls, rule.server_names.front().location,
               fmt::format("serverNames are not allowed with L7 rules without TLS termination; {}", kRejected),
               "add terminatingTLS (and originatingTLS) so the proxy can see the requests, or drop the L7 rules");
  }
  for (const ir::Located& name : rule.server_names) {
    if (!name.text.empty()) continue;
    ctx.Report(ir::RuleId::kInvalidTls, name.location,
               fmt::format("empty server name is not allowed; {}", kRejected), "remove the empty entry");
  }
  bool have_zero_port = false;
  for (const ir::PortProtocol& port : rule.ports) {
    have_zero_port = CheckPortProtocol(port, has_dns, ctx) || have_zero_port;
    // DNS rules may use TCP, UDP or ANY; every other L7 type needs TCP.
    if (has_l7 && !has_dns && port.protocol != ir::Protocol::kTcp) {
      ctx.Report(ir::RuleId::kL7NonTcp, port.location,
                 fmt::format("L7 rules can only apply to TCP (not {}{}) except for DNS rules; {}",
                             ir::ProtocolName(port.protocol), port.protocol_given ? "" : ", the default when protocol is omitted",
                             kRejected),
                 "set `protocol: TCP` on this port");
    }
  }
  if (rule.listener) {
    if (ingress) {
      ctx.Report(ir::RuleId::kInvalidTls, rule.listener->location,
                 fmt::format("listener '{}' is not allowed on ingress (only egress is supported); {}",
                             rule.listener->name, kRejected),
                 "move the listener to an egress rule");
    }
    if (has_l7) {
      ctx.Report(ir::RuleId::kInvalidTls, rule.listener->location,
                 fmt::format("listener '{}' is not allowed with L7 rules; {}", rule.listener->name, kRejected),
                 "remove the `rules`, or the listener");
    }
  }
  if (!has_l7) return;
  if (have_zero_port) {
    ctx.Report(ir::RuleId::kInvalidL7, rule.rules->location,
               fmt::format("L7 rules can not be used when a port is 0 (all ports); {}", kRejected),
               "name the port(s) the L7 traffic uses");
  }
  CheckL7Rules(*rule.rules, rule, ctx);
}

}  // namespace polc::compiler::sanitize
