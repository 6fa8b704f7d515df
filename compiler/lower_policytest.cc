// PolicyTest lowering (see lower_policy_test.h). Named lower_policytest.cc
// because the build treats every *_test.cc as a test source.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <set>

#include "compiler/k8s_validation.h"
#include "compiler/lower_cilium_internal.h"
#include "compiler/lower_inventory.h"
#include "compiler/lower_policy_test.h"
#include "compiler/polc_document.h"
#include "compiler/suggest.h"

namespace polc::compiler {
namespace {

std::string DidYouMean(std::string_view word, std::span<const std::string_view> candidates, std::string_view fallback) {
  std::optional<std::string> suggestion = Suggest(word, candidates);
  return suggestion ? fmt::format("did you mean '{}'?", *suggestion) : std::string(fallback);
}

std::string JoinNames(std::span<const std::string_view> names) {
  std::string out;
  for (std::string_view name : names) out += fmt::format("{}{}", out.empty() ? "" : ", ", name);
  return out;
}

// A string field restricted to `allowed`; reports invalid-value with a
// did-you-mean otherwise.
std::optional<std::string> EnumField(const FieldReader& reader, std::string_view key,
                                     std::span<const std::string_view> allowed) {
  std::optional<std::string> text = reader.String(key);
  if (!text) return std::nullopt;
  if (std::find(allowed.begin(), allowed.end(), *text) != allowed.end()) return text;
  reader.ctx().Report(ir::RuleId::kInvalidValue, reader.Get(key)->location,
                      fmt::format("'{}' is not a valid {}; polc cannot run this test", *text, key),
                      DidYouMean(*text, allowed, fmt::format("use one of: {}", JoinNames(allowed))));
  return std::nullopt;
}

ir::TestSettings LowerSettings(const YamlNode& node, LowerContext& ctx) {
  ir::TestSettings settings;
  FieldReader reader(node, "the PolicyTest settings",
                     {"ciliumVersion", "policyEnforcementMode", "clusterName", "allowLocalhost",
                      "policyDefaultLocalCluster", "hostFirewall"},
                     ctx);
  if (!reader.ok()) return settings;
  if (const YamlNode* version = reader.Get("ciliumVersion")) {
    if (version->IsScalar() && version->Resolve() == ScalarType::kFloat) {
      // `1.20` unquoted is the number 1.2: insist on quotes so it cannot be misread.
      ctx.Report(ir::RuleId::kWrongType, version->location,
                 fmt::format("'ciliumVersion' must be a string, not the number {}", version->scalar),
                 fmt::format("quote it: ciliumVersion: \"{}\"", version->scalar));
    } else if (std::optional<std::string> text = reader.String("ciliumVersion")) {
      settings.version = ir::ParseCiliumVersion(*text);
      if (!settings.version) {
        ctx.Report(ir::RuleId::kInvalidValue, version->location,
                   fmt::format("ciliumVersion '{}' is not a Cilium version polc knows", *text),
                   fmt::format("use a version from {} to {}, such as \"{}\"", ir::kOldestSupportedVersion.ToString(),
                               ir::kNewestSupportedVersion.ToString(), ir::kDefaultVersion.ToString()));
      }
    }
  }
  static constexpr std::array<std::string_view, 3> kModes = {"default", "always", "never"};
  if (std::optional<std::string> mode = EnumField(reader, "policyEnforcementMode", kModes)) {
    settings.enforcement = ir::ParseEnforcementMode(*mode);
  }
  settings.cluster_name = reader.String("clusterName");
  static constexpr std::array<std::string_view, 2> kLocalhost = {"always", "policy"};
  if (std::optional<std::string> localhost = EnumField(reader, "allowLocalhost", kLocalhost)) {
    settings.allow_localhost = *localhost == "always" ? ir::AllowLocalhost::kAlways : ir::AllowLocalhost::kPolicy;
  }
  settings.policy_default_local_cluster = reader.Bool("policyDefaultLocalCluster");
  settings.host_firewall = reader.Bool("hostFirewall");
  return settings;
}

std::optional<ir::FlowPeer> LowerPeer(const YamlNode& node, std::string_view side, LowerContext& ctx) {
  std::string what = fmt::format("the '{}' peer", side);
  FieldReader reader(node, what, {"endpoint", "labels", "node", "entity", "ip", "fqdn"}, ctx);
  if (!reader.ok()) return std::nullopt;
  std::vector<std::string_view> given;
  for (const auto& [key, value] : node.entries) {
    if (key->IsScalar() && !value->IsNull() && reader.Has(key->scalar)) given.push_back(key->scalar);
  }
  if (given.empty()) {
    ctx.Report(ir::RuleId::kMissingField, node.location, fmt::format("{} names no peer", what),
               "write exactly one of endpoint, labels, node, entity, ip, fqdn");
    return std::nullopt;
  }
  if (given.size() > 1) {
    ctx.Report(ir::RuleId::kConflictingFields, reader.KeyLocation(given[1]),
               fmt::format("{} has both '{}' and '{}'; a peer is exactly one of them", what, given[0], given[1]),
               "split it into two cases");
    return std::nullopt;
  }
  std::string_view key = given[0];
  const YamlNode& value = *reader.Get(key);
  if (key == "labels") {
    FieldReader labels(value, "a labels peer", {"namespace", "labels", "serviceAccount"}, ctx);
    if (!labels.ok() || !labels.Require("namespace")) return std::nullopt;
    ir::LabelsPeer peer;
    peer.namespace_ = labels.String("namespace").value_or("");
    peer.labels = labels.StringMap("labels").value_or(std::map<std::string, std::string>{});
    if (std::optional<std::string> account = labels.String("serviceAccount")) peer.service_account = *account;
    return peer;
  }
  std::optional<std::string> text = reader.String(key);
  if (!text) return std::nullopt;
  if (text->empty()) {
    ctx.Report(ir::RuleId::kInvalidValue, value.location, fmt::format("'{}' of {} is empty", key, what));
    return std::nullopt;
  }
  if (key == "endpoint") {
    size_t slash = text->find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == text->size() ||
        text->find('/', slash + 1) != std::string::npos) {
      ctx.Report(ir::RuleId::kInvalidValue, value.location, fmt::format("endpoint '{}' is not NAMESPACE/NAME", *text),
                 fmt::format("write the namespace too, e.g. default/{}", *text));
      return std::nullopt;
    }
    return ir::EndpointPeer{text->substr(0, slash), text->substr(slash + 1)};
  }
  if (key == "node") return ir::NodePeer{*text};
  if (key == "entity") {
    if (std::find(kPolcEntities.begin(), kPolcEntities.end(), *text) == kPolcEntities.end()) {
      ctx.Report(ir::RuleId::kInvalidValue, value.location, fmt::format("'{}' is not an entity of a test peer", *text),
                 DidYouMean(*text, kPolcEntities, fmt::format("use one of: {}", JoinNames(kPolcEntities))));
      return std::nullopt;
    }
    return ir::EntityPeer{*text};
  }
  if (key == "ip") {
    std::string as_prefix = *text + (text->find(':') != std::string::npos ? "/128" : "/32");
    if (text->find('/') != std::string::npos || !k8s::ParseCidr(as_prefix)) {
      ctx.Report(ir::RuleId::kInvalidValue, value.location, fmt::format("ip '{}' is not an IP address", *text),
                 "write one address such as 192.0.2.1 or 2001:db8::1 (no prefix length)");
      return std::nullopt;
    }
    return ir::IpPeer{*text};
  }
  return ir::FqdnPeer{*text};
}

// `port`: a number 1-65535 (written as a number or a quoted number) or the
// name of a destination container port.
std::optional<std::string> LowerPort(const YamlNode& value, LowerContext& ctx) {
  if (!value.IsScalar() || (value.Resolve() != ScalarType::kInt && value.Resolve() != ScalarType::kString)) {
    ctx.Report(ir::RuleId::kWrongType, value.location,
               fmt::format("'port' must be a number or a port name, not {}", value.TypeName()));
    return std::nullopt;
  }
  const std::string& text = value.scalar;
  bool numeric = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (numeric) {
    if (text.size() > 5 || std::stoi(text) < 1 || std::stoi(text) > 65535) {
      ctx.Report(ir::RuleId::kInvalidValue, value.location, fmt::format("port {} is outside 1-65535", text));
      return std::nullopt;
    }
    return std::to_string(std::stoi(text));  // "080" -> "80"
  }
  if (text.empty() || text.size() > 15) {
    ctx.Report(ir::RuleId::kInvalidValue, value.location,
               fmt::format("port '{}' is neither a number nor a container port name (1-15 characters)", text));
    return std::nullopt;
  }
  return text;
}

std::optional<uint8_t> LowerIcmpType(const YamlNode& node, ir::Protocol protocol, LowerContext& ctx) {
  FieldReader reader(node, "'icmp'", {"type"}, ctx);
  if (!reader.ok() || !reader.Require("type")) return std::nullopt;
  const YamlNode& type = *reader.Get("type");
  bool v6 = protocol == ir::Protocol::kIcmpv6;
  if (type.IsScalar() && type.Resolve() == ScalarType::kInt) {
    std::optional<int64_t> number = reader.Int("type");
    if (number && *number >= 0 && *number <= 255) return static_cast<uint8_t>(*number);
    ctx.Report(ir::RuleId::kInvalidValue, type.location, fmt::format("ICMP type {} is outside 0-255", type.scalar));
    return std::nullopt;
  }
  std::optional<std::string> name = reader.String("type");
  if (!name) return std::nullopt;
  if (std::optional<uint8_t> number = cilium::IcmpTypeByName(*name, v6)) return number;
  std::vector<std::string_view> names = cilium::IcmpTypeNames(v6);
  ctx.Report(ir::RuleId::kInvalidValue, type.location,
             fmt::format("'{}' is not an {} type name", *name, v6 ? "ICMPv6" : "ICMP"),
             DidYouMean(*name, names, "use a number 0-255 or a name such as EchoRequest"));
  return std::nullopt;
}

std::optional<ir::HttpRequest> LowerHttp(const YamlNode& node, LowerContext& ctx) {
  FieldReader reader(node, "'http'", {"method", "path", "host", "headers"}, ctx);
  if (!reader.ok()) return std::nullopt;
  ir::HttpRequest request;
  request.method = reader.String("method").value_or("GET");
  request.path = reader.String("path").value_or("/");
  request.host = reader.String("host").value_or("");
  // A header value is text on the wire, so `X-Count: 1` means "1" (unlike
  // label maps, where the API server insists on strings).
  if (const YamlNode* headers = reader.Map("headers")) {
    for (const auto& [key, value] : headers->entries) {
      if (!key->IsScalar()) continue;
      if (value->IsMapping() || value->IsSequence()) {
        ctx.Report(ir::RuleId::kWrongType, value->location,
                   fmt::format("the value of header '{}' must be text, not {}", key->scalar, value->TypeName()));
        continue;
      }
      request.headers[key->scalar] = value->scalar;
    }
  }
  return request;
}

std::optional<ir::KafkaRequest> LowerKafka(const YamlNode& node, LowerContext& ctx) {
  FieldReader reader(node, "'kafka'", {"apiKey", "topic", "clientID", "apiVersion"}, ctx);
  if (!reader.ok()) return std::nullopt;
  ir::KafkaRequest request;
  request.api_key = reader.String("apiKey").value_or("");
  request.topic = reader.String("topic").value_or("");
  request.client_id = reader.String("clientID").value_or("");
  if (const YamlNode* version = reader.Get("apiVersion")) {
    // A number (0, 1, ...) whether written quoted or not, as in the policy's kafka rule.
    if (version->IsScalar() && (version->Resolve() == ScalarType::kInt || version->Resolve() == ScalarType::kString)) {
      request.api_version = version->scalar;
    } else {
      ctx.Report(ir::RuleId::kWrongType, version->location,
                 fmt::format("'apiVersion' must be a number, not {}", version->TypeName()));
    }
  }
  return request;
}

std::optional<ir::TestCase> LowerCase(const YamlNode& node, std::set<std::string>& names, LowerContext& ctx) {
  FieldReader reader(node, "a test case",
                     {"name", "from", "to", "protocol", "port", "icmp", "http", "dns", "kafka", "expect", "deniedAt",
                      "reason", "expectAudit"},
                     ctx);
  if (!reader.ok()) return std::nullopt;
  ir::TestCase test_case;
  test_case.location = node.location;
  bool ok = reader.Require("name") & reader.Require("from") & reader.Require("to") & reader.Require("expect");
  if (std::optional<std::string> name = reader.String("name")) {
    test_case.name = *name;
    if (!names.insert(*name).second) {
      ctx.Report(ir::RuleId::kInvalidValue, reader.Get("name")->location,
                 fmt::format("another case of this PolicyTest is also named '{}'", *name),
                 "give every case a unique name, so reports say which one failed");
      ok = false;
    }
  }
  std::optional<ir::FlowPeer> from, to;
  if (const YamlNode* peer = reader.Get("from")) from = LowerPeer(*peer, "from", ctx);
  if (const YamlNode* peer = reader.Get("to")) to = LowerPeer(*peer, "to", ctx);
  ok = ok && from && to;
  if (from) test_case.from = *from;
  if (to) test_case.to = *to;

  static constexpr std::array<std::string_view, 5> kProtocols = {"TCP", "UDP", "SCTP", "ICMP", "ICMPv6"};
  if (reader.Has("protocol")) {
    std::optional<std::string> protocol = EnumField(reader, "protocol", kProtocols);
    if (!protocol) {
      ok = false;
    } else {
      test_case.protocol = *protocol == "ICMPv6" ? ir::Protocol::kIcmpv6 : *ir::ParseProtocol(*protocol);
    }
  }
  bool icmp = test_case.protocol == ir::Protocol::kIcmp || test_case.protocol == ir::Protocol::kIcmpv6;
  if (const YamlNode* port = reader.Get("port")) {
    if (icmp) {
      ctx.Report(ir::RuleId::kConflictingFields, reader.KeyLocation("port"),
                 fmt::format("'port' with protocol {}: ICMP has no ports", ir::ProtocolName(test_case.protocol)),
                 "use icmp: {type: ...} instead");
      ok = false;
    } else if (std::optional<std::string> text = LowerPort(*port, ctx)) {
      test_case.port = *text;
    } else {
      ok = false;
    }
  }
  if (const YamlNode* icmp_node = reader.Get("icmp")) {
    if (!icmp) {
      ctx.Report(ir::RuleId::kConflictingFields, reader.KeyLocation("icmp"),
                 fmt::format("'icmp' needs protocol ICMP or ICMPv6, not {}", ir::ProtocolName(test_case.protocol)),
                 "add protocol: ICMP (or ICMPv6)");
      ok = false;
    } else {
      test_case.icmp_type = LowerIcmpType(*icmp_node, test_case.protocol, ctx);
      ok = ok && test_case.icmp_type.has_value();
    }
  }
  if (const YamlNode* http = reader.Get("http")) test_case.http = LowerHttp(*http, ctx);
  if (const YamlNode* dns = reader.Get("dns")) {
    FieldReader dns_reader(*dns, "'dns'", {"query"}, ctx);
    if (dns_reader.ok() && dns_reader.Require("query")) {
      if (std::optional<std::string> query = dns_reader.String("query")) test_case.dns = ir::DnsQuery{*query};
    }
  }
  if (const YamlNode* kafka = reader.Get("kafka")) test_case.kafka = LowerKafka(*kafka, ctx);
  int l7 = (reader.Has("http") ? 1 : 0) + (reader.Has("dns") ? 1 : 0) + (reader.Has("kafka") ? 1 : 0);
  if (l7 > 1) {
    ctx.Report(ir::RuleId::kConflictingFields, node.location, "a case carries at most one of http, dns and kafka",
               "split it into one case per request");
    ok = false;
  }

  static constexpr std::array<std::string_view, 2> kExpect = {"allow", "deny"};
  if (std::optional<std::string> expect = EnumField(reader, "expect", kExpect)) {
    test_case.expect = *expect == "allow" ? ir::Expectation::kAllow : ir::Expectation::kDeny;
  } else {
    ok = false;
  }
  static constexpr std::array<std::string_view, 2> kSides = {"egress", "ingress"};
  static constexpr std::array<std::string_view, 3> kReasons = {"default-deny", "deny-rule", "l7"};
  for (std::string_view key : {std::string_view("deniedAt"), std::string_view("reason")}) {
    if (!reader.Has(key) || test_case.expect != ir::Expectation::kAllow || !reader.Has("expect")) continue;
    ctx.Report(ir::RuleId::kConflictingFields, reader.KeyLocation(key),
               fmt::format("'{}' only goes with expect: deny", key), fmt::format("remove '{}'", key));
    ok = false;
  }
  if (std::optional<std::string> side = EnumField(reader, "deniedAt", kSides)) {
    test_case.denied_at = *side == "egress" ? ir::Direction::kEgress : ir::Direction::kIngress;
  } else if (reader.Has("deniedAt")) {
    ok = false;
  }
  if (std::optional<std::string> reason = EnumField(reader, "reason", kReasons)) {
    test_case.reason = *reason == "default-deny" ? ir::DenyReason::kDefaultDeny
                       : *reason == "deny-rule"  ? ir::DenyReason::kDenyRule
                                                 : ir::DenyReason::kL7;
  } else if (reader.Has("reason")) {
    ok = false;
  }
  test_case.expect_audit = reader.Bool("expectAudit").value_or(false);
  if (!ok) return std::nullopt;
  return test_case;
}

}  // namespace

ir::PolicyTest LowerPolicyTest(const KubeObject& object, LowerContext& ctx) {
  ir::PolicyTest test;
  test.name = object.meta.name;
  test.location = object.location;
  const YamlNode* spec_node = ReadPolcDocumentSpec(object, "PolicyTest", ctx);
  if (spec_node == nullptr) return test;
  FieldReader spec(*spec_node, "the PolicyTest spec", {"policies", "settings", "inventory", "cases"}, ctx);
  test.policies = spec.StringList("policies");
  if (const YamlNode* settings = spec.Get("settings")) test.settings = LowerSettings(*settings, ctx);
  if (const YamlNode* inventory = spec.Get("inventory")) test.inventory = LowerInlineInventory(*inventory, ctx);
  CompleteNamespaces(test.inventory);
  if (!spec.Require("cases")) return test;
  const YamlNode* cases = spec.List("cases");
  if (cases == nullptr) return test;
  std::set<std::string> names;
  for (const YamlNode* item : cases->items) {
    if (std::optional<ir::TestCase> test_case = LowerCase(*item, names, ctx))
      test.cases.push_back(std::move(*test_case));
  }
  return test;
}

}  // namespace polc::compiler
