// toPorts (PortRule / PortDenyRule), L7 rules, FQDN selectors and ICMP
// (cilium-semantics.md 1.5-1.11), with the CRD's types, enums, patterns,
// ranges and list limits.
#include <algorithm>
#include <array>
#include <cctype>

#include <fmt/format.h>

#include "compiler/field_versions.h"
#include "compiler/lower_cilium_internal.h"
#include "compiler/lower_common.h"
#include "compiler/suggest.h"

namespace polc::compiler::cilium {
namespace {

constexpr size_t kMaxPorts = 40;       // CRD maxItems of ports and of icmps[].fields
constexpr size_t kMaxNameLength = 255;  // matchName, matchPattern, serverNames

bool IsAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
bool IsAlpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }

// The CRD port pattern is
//   ^(6553[0-5]|...|[0-9]{1,4})|([a-zA-Z0-9]-?)*[a-zA-Z](-?[a-zA-Z0-9])*$
// and, the alternation binding loosest, the API server accepts any text that
// starts with a digit or ends in an IANA-name-like run. Anything stricter is
// Sanitize's "unable to parse port".
bool MatchesCrdPortPattern(std::string_view text) {
  if (!text.empty() && text.front() >= '0' && text.front() <= '9') return true;
  for (size_t start = 0; start < text.size(); ++start) {
    std::string_view tail = text.substr(start);
    if (!IsAlnum(tail.front()) || !IsAlnum(tail.back())) continue;
    bool ok = true;
    bool letter = false;
    for (size_t i = 0; i < tail.size() && ok; ++i) {
      if (tail[i] == '-') {
        ok = tail[i + 1] != '-';  // no "--"; the last char is alphanumeric
      } else {
        ok = IsAlnum(tail[i]);
        letter = letter || IsAlpha(tail[i]);
      }
    }
    if (ok && letter) return true;
  }
  return false;
}

// ^([-a-zA-Z0-9_]+[.]?)+$ (matchName) and ^([-a-zA-Z0-9_*]+[.]?)+$
// (matchPattern, serverNames): no leading dot, no empty label.
bool MatchesDnsPattern(std::string_view text, bool allow_star) {
  if (text.empty() || text.front() == '.') return false;
  char previous = 0;
  for (char c : text) {
    bool ok = IsAlnum(c) || c == '-' || c == '_' || (allow_star && c == '*') || (c == '.' && previous != '.');
    if (!ok) return false;
    previous = c;
  }
  return true;
}

void CheckDnsName(const ir::Located& value, std::string_view field, bool allow_star, LowerContext& ctx) {
  if (CodePointCount(value.text) > kMaxNameLength) {
    ctx.Report(ir::RuleId::kInvalidValue, value.location,
               fmt::format("{} is longer than {} characters; the API server rejects it", field, kMaxNameLength));
  } else if (!MatchesDnsPattern(value.text, allow_star)) {
    ctx.Report(ir::RuleId::kInvalidValue, value.location,
               fmt::format("{} '{}' does not match the CRD pattern; the API server rejects it", field, value.text),
               allow_star ? "use letters, digits, '-', '_', '*' and single dots between labels"
                          : "use letters, digits, '-', '_' and single dots between labels; wildcards need matchPattern");
  }
}

constexpr std::array<std::string_view, 11> kProtocols = {"TCP",  "UDP", "SCTP", "ANY", "VRRP", "IGMP",
                                                         "GRE",  "IPIP", "IPV6", "ESP", "AH"};

std::optional<ir::PortProtocol> LowerPortProtocol(const YamlNode& node, LowerContext& ctx) {
  FieldReader reader(node, "a ports entry", {"port", "endPort", "protocol"}, ctx);
  if (!reader.ok()) return std::nullopt;
  ir::PortProtocol port;
  port.location = node.location;
  if (const YamlNode* value = reader.Get("port")) {
    port.port_location = value->location;
    if (value->IsScalar() && value->Resolve() == ScalarType::kInt) {
      ctx.Report(ir::RuleId::kWrongType, value->location,
                 fmt::format("port must be a string, not an integer; the CRD types it as a string and the API server "
                             "rejects `port: {}`",
                             value->scalar),
                 fmt::format("quote it: port: \"{}\"", value->scalar));
      port.port = value->scalar;  // keep the number so later passes still see the port
    } else if (std::optional<std::string> text = ScalarString(*value, "'port'", ctx)) {
      if (!MatchesCrdPortPattern(*text)) {
        ctx.Report(ir::RuleId::kInvalidValue, value->location,
                   fmt::format("port '{}' is neither a number nor a port name; the API server rejects it", *text),
                   "write a number 0-65535 or an IANA service name such as \"http\"");
      }
      // IANA service names are case-insensitive; Sanitize lower-cases them.
      std::transform(text->begin(), text->end(), text->begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      port.port = std::move(*text);
    }
  }
  if (const YamlNode* value = reader.Get("endPort")) {
    port.end_port_location = value->location;
    if (CheckFieldVersion("endPort", reader.KeyLocation("endPort"), ctx)) {
      if (std::optional<int64_t> end = reader.Int("endPort")) {
        if (*end < 0 || *end > 65535) {
          ctx.Report(ir::RuleId::kInvalidValue, value->location,
                     fmt::format("endPort {} is outside 0-65535; the API server rejects it", *end));
        } else {
          port.end_port = static_cast<int32_t>(*end);
        }
      }
    }
  }
  if (const YamlNode* value = reader.Get("protocol")) {
    port.protocol_location = value->location;
    if (std::optional<std::string> text = reader.String("protocol")) {
      std::optional<ir::Protocol> protocol = std::find(kProtocols.begin(), kProtocols.end(), *text) != kProtocols.end()
                                                 ? ir::ParseProtocol(*text)
                                                 : std::nullopt;
      if (!protocol) {
        std::string upper = *text;
        std::transform(upper.begin(), upper.end(), upper.begin(),
                       [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
        std::string hint = fmt::format("use one of: {}", fmt::join(kProtocols, ", "));
        if (upper == "ICMP" || upper == "ICMPV6") {
          hint = "ICMP is not a toPorts protocol; match ICMP types with `icmps: [{fields: [...]}]`";
        } else if (std::find(kProtocols.begin(), kProtocols.end(), upper) != kProtocols.end()) {
          hint = fmt::format("the CRD enum is case-sensitive: write {}", upper);
        }
        ctx.Report(ir::RuleId::kInvalidValue, value->location,
                   fmt::format("protocol '{}' is not accepted; the API server rejects the policy", *text),
                   std::move(hint));
      } else {
        bool extended = *protocol != ir::Protocol::kTcp && *protocol != ir::Protocol::kUdp &&
                        *protocol != ir::Protocol::kSctp && *protocol != ir::Protocol::kAny;
        if (!extended || CheckFieldVersion("extended-protocol", value->location, ctx, fmt::format("protocol {}", *text))) {
          port.protocol = *protocol;
          port.protocol_given = true;
        }
      }
    }
  }
  return port;
}

std::optional<ir::SecretRef> LowerSecret(const YamlNode& node, LowerContext& ctx) {
  FieldReader reader(node, "secret", {"namespace", "name"}, ctx);
  if (!reader.ok()) return std::nullopt;
  reader.Require("name");
  return ir::SecretRef{reader.String("namespace").value_or(""), reader.String("name").value_or("")};
}

std::optional<ir::TlsContext> LowerTls(const YamlNode& node, std::string_view key, LowerContext& ctx) {
  FieldReader reader(node, key, {"secret", "trustedCA", "certificate", "privateKey"}, ctx);
  if (!reader.ok()) return std::nullopt;
  ir::TlsContext tls;
  tls.location = node.location;
  if (reader.Require("secret")) tls.secret = LowerSecret(*reader.Get("secret"), ctx);
  tls.trusted_ca = reader.String("trustedCA").value_or("");
  tls.certificate = reader.String("certificate").value_or("");
  tls.private_key = reader.String("privateKey").value_or("");
  return tls;
}

std::optional<ir::Listener> LowerListener(const YamlNode& node, LowerContext& ctx) {
  FieldReader reader(node, "listener", {"envoyConfig", "name", "priority"}, ctx);
  if (!reader.ok()) return std::nullopt;
  ir::Listener listener;
  listener.location = node.location;
  if (reader.Require("envoyConfig")) {
    FieldReader config(*reader.Get("envoyConfig"), "envoyConfig", {"kind", "name"}, ctx);
    if (std::optional<ir::Located> kind = LocatedField(config, "kind")) {
      if (kind->text != "CiliumEnvoyConfig" && kind->text != "CiliumClusterwideEnvoyConfig") {
        ctx.Report(ir::RuleId::kInvalidValue, kind->location,
                   fmt::format("envoyConfig kind '{}' is not accepted; the API server rejects it", kind->text),
                   "use CiliumEnvoyConfig or CiliumClusterwideEnvoyConfig");
      }
      listener.envoy_config_kind = std::move(kind->text);
    }
    if (config.Require("name")) {
      if (std::optional<ir::Located> name = LocatedField(config, "name")) {
        if (name->text.empty()) ctx.Report(ir::RuleId::kInvalidValue, name->location, "envoyConfig name is empty");
        listener.envoy_config_name = std::move(name->text);
      }
    }
  }
  if (reader.Require("name")) {
    if (std::optional<ir::Located> name = LocatedField(reader, "name")) {
      if (name->text.empty()) ctx.Report(ir::RuleId::kInvalidValue, name->location, "listener name is empty");
      listener.name = std::move(name->text);
    }
  }
  if (std::optional<int64_t> priority = reader.Int("priority")) {
    if (*priority < 1 || *priority > 100) {
      ctx.Report(ir::RuleId::kInvalidValue, reader.Get("priority")->location,
                 fmt::format("listener priority {} is outside 1-100; the API server rejects it", *priority));
    } else {
      listener.priority = static_cast<int32_t>(*priority);
    }
  }
  return listener;
}

std::optional<ir::HeaderMatch> LowerHeaderMatch(const YamlNode& node, LowerContext& ctx) {
  FieldReader reader(node, "a headerMatches entry", {"name", "value", "secret", "mismatch"}, ctx);
  if (!reader.ok()) return std::nullopt;
  ir::HeaderMatch match;
  match.location = node.location;
  if (reader.Require("name")) match.name = reader.String("name").value_or("");
  match.value = reader.String("value").value_or("");
  if (const YamlNode* secret = reader.Get("secret")) match.secret = LowerSecret(*secret, ctx);
  if (std::optional<ir::Located> mismatch = LocatedField(reader, "mismatch")) {
    static constexpr std::array<std::pair<std::string_view, ir::HeaderMismatch>, 4> kActions = {{
        {"LOG", ir::HeaderMismatch::kLog},
        {"ADD", ir::HeaderMismatch::kAdd},
        {"DELETE", ir::HeaderMismatch::kDelete},
        {"REPLACE", ir::HeaderMismatch::kReplace},
    }};
    auto it = std::find_if(kActions.begin(), kActions.end(), [&](const auto& a) { return a.first == mismatch->text; });
    if (it == kActions.end()) {
      ctx.Report(ir::RuleId::kInvalidValue, mismatch->location,
                 fmt::format("mismatch '{}' is not accepted; the API server rejects it", mismatch->text),
                 "use LOG, ADD, DELETE or REPLACE");
    } else {
      match.mismatch = it->second;
    }
  }
  return match;
}

std::optional<ir::HttpRule> LowerHttpRule(const YamlNode& node, LowerContext& ctx) {
  FieldReader reader(node, "an http rule", {"path", "method", "host", "headers", "headerMatches"}, ctx);
  if (!reader.ok()) return std::nullopt;
  ir::HttpRule rule;
  rule.location = node.location;
  rule.path = LocatedField(reader, "path");
  rule.method = LocatedField(reader, "method");
  rule.host = LocatedField(reader, "host");
  if (const YamlNode* headers = reader.Get("headers")) {
    rule.headers = LowerLocatedStringList(*headers, "'headers'", ctx).value_or(std::vector<ir::Located>{});
  }
  if (const YamlNode* matches = reader.List("headerMatches")) {
    for (const YamlNode* item : matches->items) {
      if (auto match = LowerHeaderMatch(*item, ctx)) rule.header_matches.push_back(std::move(*match));
    }
  }
  return rule;
}

std::optional<ir::KafkaRule> LowerKafkaRule(const YamlNode& node, LowerContext& ctx) {
  FieldReader reader(node, "a kafka rule", {"role", "apiKey", "apiVersion", "clientID", "topic"}, ctx);
  if (!reader.ok()) return std::nullopt;
  return ir::KafkaRule{reader.String("role").value_or(""),     reader.String("apiKey").value_or(""),
                       reader.String("apiVersion").value_or(""), reader.String("clientID").value_or(""),
                       reader.String("topic").value_or(""),    node.location};
}

std::optional<ir::GenericL7Rule> LowerGenericL7Rule(const YamlNode& node, LowerContext& ctx) {
  if (!node.IsMapping()) {
    ctx.Report(ir::RuleId::kWrongType, node.location,
               fmt::format("an l7 rule must be an object of strings, not {}", node.TypeName()));
    return std::nullopt;
  }
  ir::GenericL7Rule rule;
  rule.location = node.location;
  for (const auto& [key, value] : node.entries) {
    if (!key->IsScalar()) continue;
    if (auto text = ScalarString(*value, fmt::format("l7 field '{}'", key->scalar), ctx)) rule.fields[key->scalar] = *text;
  }
  return rule;
}

template <typename T, typename F>
std::optional<std::vector<T>> ListOf(const FieldReader& reader, std::string_view key, F lower) {
  const YamlNode* list = reader.List(key);
  if (list == nullptr) return std::nullopt;
  std::vector<T> out;
  for (const YamlNode* item : list->items) {
    if (std::optional<T> value = lower(*item)) out.push_back(std::move(*value));
  }
  return out;
}

std::optional<ir::L7Rules> LowerL7Rules(const YamlNode& node, LowerContext& ctx) {
  FieldReader reader(node, "rules", {"http", "kafka", "dns", "l7proto", "l7"}, ctx);
  if (!reader.ok()) return std::nullopt;
  ir::L7Rules rules;
  rules.location = node.location;
  rules.http = ListOf<ir::HttpRule>(reader, "http", [&](const YamlNode& n) { return LowerHttpRule(n, ctx); });
  rules.dns = ListOf<ir::FqdnSelector>(reader, "dns",
                                       [&](const YamlNode& n) { return LowerFqdnSelector(n, "a dns rule", ctx); });
  // Removed in 1.20 with the proxylib (field_versions.cc).
  if (reader.Has("kafka") && CheckFieldVersion("kafka", reader.KeyLocation("kafka"), ctx)) {
    rules.kafka = ListOf<ir::KafkaRule>(reader, "kafka", [&](const YamlNode& n) { return LowerKafkaRule(n, ctx); });
  }
  if (reader.Has("l7proto") && CheckFieldVersion("l7proto", reader.KeyLocation("l7proto"), ctx)) {
    rules.l7_proto = reader.String("l7proto");
  }
  if (reader.Has("l7") && CheckFieldVersion("l7", reader.KeyLocation("l7"), ctx)) {
    rules.l7 = ListOf<ir::GenericL7Rule>(reader, "l7", [&](const YamlNode& n) { return LowerGenericL7Rule(n, ctx); });
  }
  return rules;
}

std::optional<ir::PortRule> LowerPortRule(const YamlNode& node, bool deny, LowerContext& ctx) {
  FieldReader reader(node, deny ? "a toPorts entry of a deny rule" : "a toPorts entry",
                     {"ports", "terminatingTLS", "originatingTLS", "serverNames", "listener", "rules"}, ctx);
  if (!reader.ok()) return std::nullopt;
  ir::PortRule rule;
  rule.location = node.location;
  if (const YamlNode* ports = reader.List("ports")) {
    if (ports->items.size() > kMaxPorts) {
      ctx.Report(ir::RuleId::kTooManyPorts, ports->location,
                 fmt::format("{} ports in one toPorts entry; the CRD allows at most {}", ports->items.size(), kMaxPorts),
                 "split the entry, or cover consecutive ports with endPort");
    }
    for (const YamlNode* item : ports->items) {
      if (auto port = LowerPortProtocol(*item, ctx)) rule.ports.push_back(std::move(*port));
    }
  }
  if (deny) {
    // PortDenyRule has `ports` only (cilium-semantics.md 1.5).
    for (std::string_view key : {"rules", "terminatingTLS", "originatingTLS", "serverNames", "listener"}) {
      RejectField(reader, key,
                  fmt::format("unknown field '{}' in a toPorts entry of a deny rule: deny rules cannot have L7 rules, "
                              "TLS, serverNames or listeners",
                              key),
                  "a deny rule drops whole ports; put L7 filtering in an allow rule");
    }
    return rule;
  }
  if (const YamlNode* tls = reader.Get("terminatingTLS")) rule.terminating_tls = LowerTls(*tls, "terminatingTLS", ctx);
  if (const YamlNode* tls = reader.Get("originatingTLS")) rule.originating_tls = LowerTls(*tls, "originatingTLS", ctx);
  if (const YamlNode* names = reader.Get("serverNames")) {
    if (auto list = LowerLocatedStringList(*names, "'serverNames'", ctx)) {
      if (list->empty()) {
        ctx.Report(ir::RuleId::kInvalidValue, names->location,
                   "serverNames is an empty list; the CRD requires at least one name", "remove it, or list names");
      }
      for (const ir::Located& name : *list) CheckDnsName(name, "server name", true, ctx);
      rule.server_names = std::move(*list);
    }
  }
  if (const YamlNode* listener = reader.Get("listener")) rule.listener = LowerListener(*listener, ctx);
  if (const YamlNode* rules = reader.Get("rules")) rule.rules = LowerL7Rules(*rules, ctx);
  return rule;
}

// ICMP type names per family (cilium-semantics.md 1.11).
struct IcmpName {
  std::string_view name;
  uint8_t type;
};
constexpr std::array<IcmpName, 14> kIcmpV4Names = {{
    {"EchoReply", 0}, {"DestinationUnreachable", 3}, {"Redirect", 5}, {"Echo", 8}, {"EchoRequest", 8},
    {"RouterAdvertisement", 9}, {"RouterSelection", 10}, {"TimeExceeded", 11}, {"ParameterProblem", 12},
    {"Timestamp", 13}, {"TimestampReply", 14}, {"Photuris", 40}, {"ExtendedEchoRequest", 42},
    {"ExtendedEchoReply", 43},
}};
constexpr std::array<IcmpName, 27> kIcmpV6Names = {{
    {"DestinationUnreachable", 1}, {"PacketTooBig", 2}, {"TimeExceeded", 3}, {"ParameterProblem", 4},
    {"EchoRequest", 128}, {"EchoReply", 129}, {"MulticastListenerQuery", 130}, {"MulticastListenerReport", 131},
    {"MulticastListenerDone", 132}, {"RouterSolicitation", 133}, {"RouterAdvertisement", 134},
    {"NeighborSolicitation", 135}, {"NeighborAdvertisement", 136}, {"RedirectMessage", 137},
    {"RouterRenumbering", 138}, {"ICMPNodeInformationQuery", 139}, {"ICMPNodeInformationResponse", 140},
    {"InverseNeighborDiscoverySolicitation", 141}, {"InverseNeighborDiscoveryAdvertisement", 142},
    {"HomeAgentAddressDiscoveryRequest", 144}, {"HomeAgentAddressDiscoveryReply", 145},
    {"MobilePrefixSolicitation", 146}, {"MobilePrefixAdvertisement", 147},
    {"DuplicateAddressRequestCodeSuffix", 157}, {"DuplicateAddressConfirmationCodeSuffix", 158},
    {"ExtendedEchoRequest", 160}, {"ExtendedEchoReply", 161},
}};

std::optional<ir::IcmpField> LowerIcmpField(const YamlNode& node, LowerContext& ctx) {
  FieldReader reader(node, "an ICMP field", {"family", "type"}, ctx);
  if (!reader.ok()) return std::nullopt;
  ir::IcmpField field;
  field.location = node.location;
  if (std::optional<ir::Located> family = LocatedField(reader, "family")) {
    if (family->text == "IPv6") {
      field.family = ir::IcmpFamily::kIPv6;
    } else if (family->text != "IPv4") {
      ctx.Report(ir::RuleId::kInvalidValue, family->location,
                 fmt::format("ICMP family '{}' is not accepted; the API server rejects it", family->text),
                 "use IPv4 or IPv6 (case-sensitive)");
      return std::nullopt;
    }
  }
  if (!reader.Require("type")) return std::nullopt;
  const YamlNode& type = *reader.Get("type");
  bool v6 = field.family == ir::IcmpFamily::kIPv6;
  if (!type.IsScalar() || (type.Resolve() != ScalarType::kInt && type.Resolve() != ScalarType::kString)) {
    ctx.Report(ir::RuleId::kWrongType, type.location,
               fmt::format("ICMP type must be an integer or a type name, not {}", type.TypeName()));
    return std::nullopt;
  }
  const std::string& text = type.scalar;
  bool numeric = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (numeric) {
    if (text.size() > 3 || std::stoi(text) > 255) {
      ctx.Report(ir::RuleId::kInvalidIcmp, type.location,
                 fmt::format("ICMP type {} is outside 0-255; Cilium rejects the policy", text));
      return std::nullopt;
    }
    field.type = static_cast<uint8_t>(std::stoi(text));
    return field;
  }
  std::span<const IcmpName> names = v6 ? std::span<const IcmpName>(kIcmpV6Names) : kIcmpV4Names;
  auto it = std::find_if(names.begin(), names.end(), [&](const IcmpName& n) { return n.name == text; });
  if (it == names.end()) {
    std::vector<std::string_view> candidates;
    for (const IcmpName& n : names) candidates.push_back(n.name);
    std::optional<std::string> suggestion = Suggest(text, candidates);
    ctx.Report(ir::RuleId::kInvalidIcmp, type.location,
               fmt::format("'{}' is not an ICMP type name of family {}{}; Cilium rejects the policy", text,
                           v6 ? "IPv6" : "IPv4",
                           suggestion ? fmt::format("; did you mean '{}'?", *suggestion) : std::string()),
               "use a number 0-255 or a type name of that family; set `family: IPv6` for ICMPv6 names");
    return std::nullopt;
  }
  field.type = it->type;
  field.type_name = text;
  return field;
}

}  // namespace

std::optional<ir::FqdnSelector> LowerFqdnSelector(const YamlNode& node, std::string_view what, LowerContext& ctx) {
  FieldReader reader(node, what, {"matchName", "matchPattern"}, ctx);
  if (!reader.ok()) return std::nullopt;
  ir::FqdnSelector selector;
  selector.location = node.location;
  bool name = reader.Has("matchName");
  bool pattern = reader.Has("matchPattern");
  if (name && pattern) {
    ctx.Report(ir::RuleId::kConflictingFields, reader.KeyLocation("matchPattern"),
               fmt::format("{} has both matchName and matchPattern; only one is allowed", what),
               "split it into two entries");
  } else if (!name && !pattern) {
    ctx.Report(ir::RuleId::kMissingField, node.location, fmt::format("{} needs matchName or matchPattern", what),
               "add `matchName: example.com` or `matchPattern: \"*.example.com\"`");
  }
  if (std::optional<ir::Located> value = LocatedField(reader, "matchName")) {
    CheckDnsName(*value, "matchName", false, ctx);
    selector.match_name = std::move(value->text);
  }
  if (std::optional<ir::Located> value = LocatedField(reader, "matchPattern")) {
    CheckDnsName(*value, "matchPattern", true, ctx);
    selector.match_pattern = std::move(value->text);
  }
  return selector;
}

std::optional<std::vector<ir::PortRule>> LowerPortRules(const YamlNode& list, ir::Direction direction, bool deny,
                                                        LowerContext& ctx) {
  (void)direction;  // ingress and egress PortRules have the same schema
  if (!ExpectList(list, "'toPorts'", ctx)) return std::nullopt;
  std::vector<ir::PortRule> out;
  for (const YamlNode* item : list.items) {
    if (auto rule = LowerPortRule(*item, deny, ctx)) out.push_back(std::move(*rule));
  }
  return out;
}

std::optional<std::vector<ir::IcmpRule>> LowerIcmpRules(const YamlNode& list, LowerContext& ctx) {
  if (!ExpectList(list, "'icmps'", ctx)) return std::nullopt;
  std::vector<ir::IcmpRule> out;
  for (const YamlNode* item : list.items) {
    FieldReader reader(*item, "an icmps entry", {"fields"}, ctx);
    if (!reader.ok()) continue;
    ir::IcmpRule rule;
    rule.location = item->location;
    if (const YamlNode* fields = reader.List("fields")) {
      if (fields->items.size() > kMaxPorts) {
        ctx.Report(ir::RuleId::kTooManyPorts, fields->location,
                   fmt::format("{} ICMP fields in one icmps entry; the CRD allows at most {}", fields->items.size(),
                               kMaxPorts),
                   "split the entry");
      }
      for (const YamlNode* field : fields->items) {
        if (auto value = LowerIcmpField(*field, ctx)) rule.fields.push_back(*value);
      }
    }
    out.push_back(std::move(rule));
  }
  return out;
}

std::optional<uint8_t> IcmpTypeByName(std::string_view name, bool v6) {
  std::span<const IcmpName> names = v6 ? std::span<const IcmpName>(kIcmpV6Names) : kIcmpV4Names;
  for (const IcmpName& entry : names) {
    if (entry.name == name) return entry.type;
  }
  return std::nullopt;
}

std::vector<std::string_view> IcmpTypeNames(bool v6) {
  std::span<const IcmpName> names = v6 ? std::span<const IcmpName>(kIcmpV6Names) : kIcmpV4Names;
  std::vector<std::string_view> out;
  for (const IcmpName& entry : names) out.push_back(entry.name);
  return out;
}

}  // namespace polc::compiler::cilium
