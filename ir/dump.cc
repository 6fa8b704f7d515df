// Deterministic text dump of the IR (see ir/dump.h).
//
// Why this shape: golden tests diff dumps line by line, so every field of
// ir/policy.h gets its own line (or its own entry in a one-line `{...}` for
// small leaf structs), named exactly as in the header so a reviewer can map a
// line to a member. Absent optionals are omitted and present-but-empty lists
// print as `[]`, because Cilium gives the two different meanings
// (cilium-semantics.md 3.3). Empty non-optional containers carry no
// information and are omitted. Nothing depends on pointer values: maps are
// std::map (sorted) and lists keep source order.
#include "ir/dump.h"

#include <fmt/format.h>

#include <string_view>
#include <vector>

namespace polc::ir {
namespace {

std::string Quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string QuoteList(const std::vector<std::string>& items) {
  std::vector<std::string> quoted;
  for (const std::string& item : items) quoted.push_back(Quote(item));
  return fmt::format("[{}]", fmt::join(quoted, ", "));
}

std::string_view Bool(bool value) {
  return value ? "true" : "false";
}

// No `default:` in these switches, so -Wswitch flags a new enumerator here.
std::string_view OperatorName(SelectorOperator op) {
  switch (op) {
    case SelectorOperator::kIn: return "In";
    case SelectorOperator::kNotIn: return "NotIn";
    case SelectorOperator::kExists: return "Exists";
    case SelectorOperator::kDoesNotExist: return "DoesNotExist";
  }
  return "?";
}

std::string_view DirectionName(Direction direction) {
  switch (direction) {
    case Direction::kIngress: return "Ingress";
    case Direction::kEgress: return "Egress";
  }
  return "?";
}

std::string_view MismatchName(HeaderMismatch mismatch) {
  switch (mismatch) {
    case HeaderMismatch::kNone: return "none";
    case HeaderMismatch::kLog: return "LOG";
    case HeaderMismatch::kAdd: return "ADD";
    case HeaderMismatch::kDelete: return "DELETE";
    case HeaderMismatch::kReplace: return "REPLACE";
  }
  return "?";
}

std::string_view FamilyName(IcmpFamily family) {
  switch (family) {
    case IcmpFamily::kIPv4: return "IPv4";
    case IcmpFamily::kIPv6: return "IPv6";
  }
  return "?";
}

std::string_view AuthModeName(AuthMode mode) {
  switch (mode) {
    case AuthMode::kDisabled: return "disabled";
    case AuthMode::kRequired: return "required";
    case AuthMode::kTestAlwaysFail: return "test-always-fail";
  }
  return "?";
}

class Printer {
 public:
  explicit Printer(const FileTable& files) : files_(files) {}

  std::string Take() { return std::move(out_); }

  // " @line:col" relative to the current policy's file; a location in another
  // file names it, an unknown location prints nothing.
  std::string At(const SourceLocation& loc) const {
    if (!loc.Known()) return {};
    if (loc.file != file_) {
      std::string path = loc.file < files_.size() ? files_.Path(loc.file) : fmt::format("file#{}", loc.file);
      return fmt::format(" @{}:{}:{}", path, loc.line, loc.column);
    }
    return fmt::format(" @{}:{}", loc.line, loc.column);
  }

  void SetFile(FileId file) { file_ = file; }

  void Line(std::string_view text) {
    out_.append(static_cast<size_t>(indent_) * 2, ' ');
    out_ += text;
    out_ += '\n';
  }
  void Field(std::string_view name, std::string_view value, const SourceLocation& loc = {}) {
    Line(fmt::format("{}: {}{}", name, value, At(loc)));
  }
  void Open(std::string_view header, const SourceLocation& loc = {}) {
    Line(fmt::format("{}{}", header, At(loc)));
    ++indent_;
  }
  void Close() { --indent_; }

  // A list of structs: `name:` then `[i] @loc` headers with the fields below.
  template <typename T, typename F>
  void List(std::string_view name, const std::vector<T>& items, F&& each) {
    if (items.empty()) {
      Field(name, "[]");
      return;
    }
    Open(fmt::format("{}:", name));
    for (size_t i = 0; i < items.size(); ++i) {
      Open(fmt::format("[{}]", i), items[i].location);
      each(items[i]);
      Close();
    }
    Close();
  }
  template <typename T, typename F>
  void OptionalList(std::string_view name, const std::optional<std::vector<T>>& items, F&& each) {
    if (items) List(name, *items, each);
  }
  template <typename T, typename F>
  void NonEmptyList(std::string_view name, const std::vector<T>& items, F&& each) {
    if (!items.empty()) List(name, items, each);
  }
  // A list of one-line items: `- text @loc`.
  template <typename T, typename F>
  void LeafList(std::string_view name, const std::vector<T>& items, F&& text) {
    if (items.empty()) {
      Field(name, "[]");
      return;
    }
    Open(fmt::format("{}:", name));
    for (const T& item : items) Line(fmt::format("- {}{}", text(item), At(item.location)));
    Close();
  }
  void StringMap(std::string_view name, const std::map<std::string, std::string>& map) {
    if (map.empty()) return;
    Open(fmt::format("{}:", name));
    for (const auto& [key, value] : map) Field(Quote(key), Quote(value));
    Close();
  }

 private:
  const FileTable& files_;
  FileId file_ = kNoFile;
  std::string out_;
  int indent_ = 0;
};

std::string CidrText(const Cidr& cidr) {
  return Quote(cidr.text);
}
std::string LocatedText(const Located& located) {
  return Quote(located.text);
}
std::string EntityText(const Entity& entity) {
  return Quote(entity.name);
}

std::string SecretText(const SecretRef& secret) {
  return fmt::format("{{namespace: {}, name: {}}}", Quote(secret.namespace_), Quote(secret.name));
}

// The lists of a non-wildcard selector, one line per requirement.
void DumpSelectorBody(Printer& p, const LabelSelector& selector) {
  if (!selector.match_labels.empty()) {
    p.LeafList("match_labels", selector.match_labels, [](const MatchLabel& label) {
      return fmt::format("{{key: {}, value: {}}}", Quote(label.key.ToString()), Quote(label.value));
    });
  }
  if (!selector.match_expressions.empty()) {
    p.LeafList("match_expressions", selector.match_expressions, [](const SelectorRequirement& req) {
      return fmt::format("{{key: {}, operator: {}, values: {}}}", Quote(req.key.ToString()), OperatorName(req.op),
                         QuoteList(req.values));
    });
  }
}

void DumpSelector(Printer& p, std::string_view name, const LabelSelector& selector) {
  if (selector.IsWildcard()) {
    p.Field(name, "{}", selector.location);
    return;
  }
  p.Open(name, selector.location);
  DumpSelectorBody(p, selector);
  p.Close();
}

// Items print as `[i] @loc` followed by the body, or `[i] {} @loc` for `{}`.
void DumpSelectorList(Printer& p, std::string_view name, const std::optional<std::vector<LabelSelector>>& list) {
  if (!list) return;
  if (list->empty()) {
    p.Field(name, "[]");
    return;
  }
  p.Open(fmt::format("{}:", name));
  for (size_t i = 0; i < list->size(); ++i) {
    const LabelSelector& selector = (*list)[i];
    if (selector.IsWildcard()) {
      p.Line(fmt::format("[{}] {{}}{}", i, p.At(selector.location)));
      continue;
    }
    p.Open(fmt::format("[{}]", i), selector.location);
    DumpSelectorBody(p, selector);
    p.Close();
  }
  p.Close();
}

void DumpCidrRule(Printer& p, const CidrRule& rule) {
  if (rule.cidr) p.Field("cidr", CidrText(*rule.cidr), rule.cidr->location);
  if (rule.cidr_group_ref) p.Field("cidr_group_ref", Quote(*rule.cidr_group_ref));
  if (rule.cidr_group_selector) DumpSelector(p, "cidr_group_selector", *rule.cidr_group_selector);
  if (!rule.except.empty()) p.LeafList("except", rule.except, CidrText);
}

void DumpAwsGroup(Printer& p, const AwsGroup& group) {
  if (!group.security_group_ids.empty()) p.Field("security_group_ids", QuoteList(group.security_group_ids));
  if (!group.security_group_names.empty()) p.Field("security_group_names", QuoteList(group.security_group_names));
  p.Field("region", Quote(group.region));
  p.StringMap("labels", group.labels);
}

void DumpService(Printer& p, const Service& service) {
  if (const auto* ref = std::get_if<ServiceReference>(&service.target)) {
    p.Field("k8s_service", fmt::format("{{name: {}, namespace: {}}}", Quote(ref->name), Quote(ref->namespace_)));
  } else if (const auto* sel = std::get_if<ServiceSelector>(&service.target)) {
    p.Open("k8s_service_selector");
    DumpSelector(p, "selector", sel->selector);
    p.Field("namespace", Quote(sel->namespace_));
    p.Close();
  }
}

std::string FqdnText(const FqdnSelector& fqdn) {
  std::vector<std::string> parts;
  if (fqdn.match_name) parts.push_back("match_name: " + Quote(*fqdn.match_name));
  if (fqdn.match_pattern) parts.push_back("match_pattern: " + Quote(*fqdn.match_pattern));
  return fmt::format("{{{}}}", fmt::join(parts, ", "));
}

void DumpTls(Printer& p, std::string_view name, const std::optional<TlsContext>& tls) {
  if (!tls) return;
  p.Open(name, tls->location);
  if (tls->secret) p.Field("secret", SecretText(*tls->secret));
  p.Field("trusted_ca", Quote(tls->trusted_ca));
  p.Field("certificate", Quote(tls->certificate));
  p.Field("private_key", Quote(tls->private_key));
  p.Close();
}

void DumpHttp(Printer& p, const HttpRule& rule) {
  if (rule.path) p.Field("path", LocatedText(*rule.path), rule.path->location);
  if (rule.method) p.Field("method", LocatedText(*rule.method), rule.method->location);
  if (rule.host) p.Field("host", LocatedText(*rule.host), rule.host->location);
  if (!rule.headers.empty()) p.LeafList("headers", rule.headers, LocatedText);
  p.NonEmptyList("header_matches", rule.header_matches, [&](const HeaderMatch& match) {
    p.Field("name", Quote(match.name));
    p.Field("value", Quote(match.value));
    if (match.secret) p.Field("secret", SecretText(*match.secret));
    p.Field("mismatch", MismatchName(match.mismatch));
  });
}

void DumpL7(Printer& p, const std::optional<L7Rules>& rules) {
  if (!rules) return;
  p.Open("rules", rules->location);
  p.OptionalList("http", rules->http, [&](const HttpRule& rule) { DumpHttp(p, rule); });
  p.OptionalList("kafka", rules->kafka, [&](const KafkaRule& rule) {
    p.Field("role", Quote(rule.role));
    p.Field("api_key", Quote(rule.api_key));
    p.Field("api_version", Quote(rule.api_version));
    p.Field("client_id", Quote(rule.client_id));
    p.Field("topic", Quote(rule.topic));
  });
  if (rules->dns) p.LeafList("dns", *rules->dns, FqdnText);
  if (rules->l7_proto) p.Field("l7_proto", Quote(*rules->l7_proto));
  p.OptionalList("l7", rules->l7, [&](const GenericL7Rule& rule) { p.StringMap("fields", rule.fields); });
  p.Close();
}

void DumpPortRule(Printer& p, const PortRule& rule) {
  if (!rule.ports.empty()) {
    p.LeafList("ports", rule.ports, [&](const PortProtocol& port) {
      return fmt::format("{{port: {}{}, end_port: {}{}, protocol: {}{}, protocol_given: {}}}", Quote(port.port),
                         p.At(port.port_location), port.end_port, p.At(port.end_port_location),
                         ProtocolName(port.protocol), p.At(port.protocol_location), Bool(port.protocol_given));
    });
  }
  DumpTls(p, "terminating_tls", rule.terminating_tls);
  DumpTls(p, "originating_tls", rule.originating_tls);
  if (!rule.server_names.empty()) p.LeafList("server_names", rule.server_names, LocatedText);
  if (rule.listener) {
    p.Open("listener", rule.listener->location);
    p.Field("envoy_config_kind", Quote(rule.listener->envoy_config_kind));
    p.Field("envoy_config_name", Quote(rule.listener->envoy_config_name));
    p.Field("name", Quote(rule.listener->name));
    p.Field("priority", std::to_string(rule.listener->priority));
    p.Close();
  }
  DumpL7(p, rule.rules);
}

// Where the keys of a PeerRule were written; only the known ones.
void DumpFieldLocations(Printer& p, const PeerFieldLocations& keys) {
  const std::pair<std::string_view, const SourceLocation*> kKeys[] = {
      {"endpoints", &keys.endpoints}, {"requires", &keys.requires_}, {"cidr", &keys.cidr},
      {"cidr_set", &keys.cidr_set},   {"entities", &keys.entities},  {"nodes", &keys.nodes},
      {"groups", &keys.groups},       {"services", &keys.services},  {"fqdns", &keys.fqdns},
      {"to_ports", &keys.to_ports},   {"icmps", &keys.icmps},        {"authentication", &keys.authentication},
  };
  bool any = false;
  for (const auto& [name, loc] : kKeys) any = any || loc->Known();
  if (!any) return;
  p.Open("field_locations:");
  for (const auto& [name, loc] : kKeys) {
    if (loc->Known()) p.Line(fmt::format("{}{}", name, p.At(*loc)));
  }
  p.Close();
}

void DumpPeerRule(Printer& p, const PeerRule& rule) {
  p.Field("direction", DirectionName(rule.direction));
  p.Field("deny", Bool(rule.deny));
  DumpSelectorList(p, "endpoints", rule.endpoints);
  DumpSelectorList(p, "requires", rule.requires_);
  if (rule.cidr) p.LeafList("cidr", *rule.cidr, CidrText);
  p.OptionalList("cidr_set", rule.cidr_set, [&](const CidrRule& cidr) { DumpCidrRule(p, cidr); });
  if (rule.entities) p.LeafList("entities", *rule.entities, EntityText);
  DumpSelectorList(p, "nodes", rule.nodes);
  p.OptionalList("groups", rule.groups, [&](const AwsGroup& group) { DumpAwsGroup(p, group); });
  p.OptionalList("services", rule.services, [&](const Service& service) { DumpService(p, service); });
  if (rule.fqdns) p.LeafList("fqdns", *rule.fqdns, FqdnText);
  p.OptionalList("to_ports", rule.to_ports, [&](const PortRule& port_rule) { DumpPortRule(p, port_rule); });
  p.OptionalList("icmps", rule.icmps, [&](const IcmpRule& icmp) {
    p.LeafList("fields", icmp.fields, [](const IcmpField& field) {
      return fmt::format("{{family: {}, type: {}, type_name: {}}}", FamilyName(field.family), field.type,
                         Quote(field.type_name));
    });
  });
  if (rule.authentication) {
    p.Field("authentication", fmt::format("{{mode: {}}}", AuthModeName(rule.authentication->mode)),
            rule.authentication->location);
  }
  DumpFieldLocations(p, rule.field_locations);
}

void DumpRule(Printer& p, const Rule& rule) {
  if (rule.endpoint_selector) DumpSelector(p, "endpoint_selector", *rule.endpoint_selector);
  if (rule.node_selector) DumpSelector(p, "node_selector", *rule.node_selector);
  auto peer_rule = [&](const PeerRule& peer) { DumpPeerRule(p, peer); };
  p.OptionalList("ingress", rule.ingress, peer_rule);
  p.OptionalList("ingress_deny", rule.ingress_deny, peer_rule);
  p.OptionalList("egress", rule.egress, peer_rule);
  p.OptionalList("egress_deny", rule.egress_deny, peer_rule);
  if (const auto& dd = rule.enable_default_deny) {
    std::vector<std::string> parts;
    if (dd->ingress) parts.push_back(fmt::format("ingress: {}", Bool(*dd->ingress)));
    if (dd->egress) parts.push_back(fmt::format("egress: {}", Bool(*dd->egress)));
    p.Field("enable_default_deny", fmt::format("{{{}}}", fmt::join(parts, ", ")), dd->location);
  }
  if (!rule.labels.empty()) {
    p.LeafList("labels", rule.labels, [](const Label& label) {
      return fmt::format("{{source: {}, key: {}, value: {}}}", Quote(label.source), Quote(label.key),
                         Quote(label.value));
    });
  }
  p.Field("description", Quote(rule.description), rule.description_location);
  if (rule.log) p.Field("log", LocatedText(*rule.log), rule.log->location);
  p.Field("from_specs", Bool(rule.from_specs));
  // Keys of the four sections, e.g. where `ingress: []` was written.
  const std::pair<std::string_view, const SourceLocation*> kSectionKeys[] = {
      {"ingress_location", &rule.ingress_location},
      {"ingress_deny_location", &rule.ingress_deny_location},
      {"egress_location", &rule.egress_location},
      {"egress_deny_location", &rule.egress_deny_location},
  };
  for (const auto& [name, loc] : kSectionKeys) {
    if (loc->Known()) p.Line(fmt::format("{}{}", name, p.At(*loc)));
  }
}

void DumpNetworkPolicy(Printer& p, const NetworkPolicySpec& spec) {
  p.Open("network_policy", spec.location);
  DumpSelector(p, "pod_selector", spec.pod_selector);
  if (spec.policy_types) {
    std::vector<std::string_view> names;
    for (Direction d : *spec.policy_types) names.push_back(DirectionName(d));
    p.Field("policy_types", fmt::format("[{}]", fmt::join(names, ", ")), spec.policy_types_location);
  }
  auto rule = [&](const NetworkPolicyRule& r) {
    p.OptionalList("peers", r.peers, [&](const NetworkPolicyPeer& peer) {
      if (peer.pod_selector) DumpSelector(p, "pod_selector", *peer.pod_selector);
      if (peer.namespace_selector) DumpSelector(p, "namespace_selector", *peer.namespace_selector);
      if (peer.ip_block) {
        p.Open("ip_block", peer.ip_block->location);
        p.Field("cidr", CidrText(peer.ip_block->cidr), peer.ip_block->cidr.location);
        if (!peer.ip_block->except.empty()) p.LeafList("except", peer.ip_block->except, CidrText);
        p.Close();
      }
    });
    if (r.ports) {
      p.LeafList("ports", *r.ports, [](const NetworkPolicyPort& port) {
        std::string text = fmt::format("{{protocol: {}", ProtocolName(port.protocol));
        if (port.port) text += ", port: " + Quote(*port.port);
        if (port.end_port) text += fmt::format(", end_port: {}", *port.end_port);
        return text + "}";
      });
    }
  };
  p.OptionalList("ingress", spec.ingress, rule);
  p.OptionalList("egress", spec.egress, rule);
  p.Close();
}

void DumpMeta(Printer& p, const ObjectMeta& meta) {
  p.Open("meta", meta.location);
  p.Field("name", Quote(meta.name), meta.name_location);
  p.Field("namespace", Quote(meta.namespace_), meta.namespace_location);
  p.StringMap("labels", meta.labels);
  if (!meta.annotations.empty()) {
    p.Open("annotations:");
    for (const auto& [key, value] : meta.annotations) {
      auto at = meta.annotation_locations.find(key);
      p.Field(Quote(key), Quote(value), at == meta.annotation_locations.end() ? SourceLocation{} : at->second);
    }
    p.Close();
  }
  p.Close();
}

// The file line comes first so that every location below is relative to it.
void DumpHeader(Printer& p, const FileTable& files, const ObjectMeta& meta, std::string_view api_version, int object) {
  FileId file = meta.location.file;
  p.SetFile(kNoFile);
  if (file != kNoFile) {
    p.Field("file", Quote(file < files.size() ? files.Path(file) : fmt::format("file#{}", file)));
  }
  p.SetFile(file);
  p.Field("api_version", Quote(api_version));
  p.Field("object", std::to_string(object));
  DumpMeta(p, meta);
}

}  // namespace

std::string Dump(const PolicySet& policies, const FileTable& files) {
  Printer p(files);
  for (size_t i = 0; i < policies.policies.size(); ++i) {
    const Policy& policy = policies.policies[i];
    p.Open(fmt::format("policy[{}]: {}", i, PolicyKindName(policy.kind)));
    DumpHeader(p, files, policy.meta, policy.api_version, policy.object);
    p.NonEmptyList("rules", policy.rules, [&](const Rule& rule) { DumpRule(p, rule); });
    if (policy.network_policy) DumpNetworkPolicy(p, *policy.network_policy);
    p.Close();
  }
  for (size_t i = 0; i < policies.cidr_groups.size(); ++i) {
    const CidrGroup& group = policies.cidr_groups[i];
    p.Open(fmt::format("cidr_group[{}]", i));
    DumpHeader(p, files, group.meta, group.api_version, group.object);
    p.LeafList("external_cidrs", group.external_cidrs, CidrText);
    p.Close();
  }
  return p.Take();
}

}  // namespace polc::ir
