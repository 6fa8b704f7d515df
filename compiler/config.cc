#include "compiler/config.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <filesystem>
#include <span>
#include <vector>

#include <fmt/format.h>

#include "compiler/field_reader.h"
#include "compiler/k8s_validation.h"
#include "compiler/suggest.h"

namespace polc::compiler {
namespace {

// Rule ids as candidates for did-you-mean.
std::vector<std::string_view> RuleIds() {
  std::vector<std::string_view> ids;
  for (const ir::RuleInfo& info : ir::AllRules()) ids.push_back(info.id);
  return ids;
}

// A rule id written in the config; reports invalid-value (with a suggestion)
// when the table has no such rule.
std::optional<ir::RuleId> ReadRuleId(const YamlNode& node, std::string_view where, LowerContext& ctx) {
  std::optional<std::string> text = ScalarString(node, fmt::format("a rule id in {}", where), ctx);
  if (!text) return std::nullopt;
  if (auto rule = ir::RuleFromId(*text)) return rule;
  std::vector<std::string_view> ids = RuleIds();
  std::string message = fmt::format("unknown rule id '{}' in {}", *text, where);
  if (auto suggestion = Suggest(*text, ids)) message += fmt::format("; did you mean '{}'?", *suggestion);
  ctx.Report(ir::RuleId::kInvalidValue, node.location, std::move(message),
             "`polc lint --list-rules` lists every rule id");
  return std::nullopt;
}

void ReadRules(const FieldReader& top, LowerContext& ctx, RuleConfig& rules) {
  const YamlNode* node = top.Map("rules");
  if (node == nullptr) return;
  FieldReader reader(*node, "'rules'", {"disable", "severity"}, ctx);
  if (const YamlNode* disable = reader.List("disable")) {
    for (const YamlNode* item : disable->items) {
      if (auto rule = ReadRuleId(*item, "rules.disable", ctx)) rules.disabled.insert(*rule);
    }
  }
  if (const YamlNode* severity = reader.Map("severity")) {
    static constexpr std::array<std::string_view, 3> kSeverities = {"error", "warning", "info"};
    for (const auto& [key, value] : severity->entries) {
      std::optional<ir::RuleId> rule = ReadRuleId(*key, "rules.severity", ctx);
      std::optional<std::string> level = ScalarString(*value, "a severity in rules.severity", ctx);
      if (!level) continue;
      std::optional<ir::Severity> parsed = ir::SeverityFromName(*level);
      if (!parsed) {
        std::string message = fmt::format("unknown severity '{}' in rules.severity", *level);
        if (auto suggestion = Suggest(*level, kSeverities)) message += fmt::format("; did you mean '{}'?", *suggestion);
        ctx.Report(ir::RuleId::kInvalidValue, value->location, std::move(message), "use error, warning or info");
        continue;
      }
      if (rule) rules.severity[*rule] = *parsed;
    }
  }
}

void ReadSettings(const FieldReader& top, LowerContext& ctx, ir::Settings& settings) {
  const YamlNode* node = top.Map("settings");
  if (node == nullptr) return;
  FieldReader reader(*node, "'settings'",
                     {"policyEnforcementMode", "clusterName", "allowLocalhost", "policyDefaultLocalCluster",
                      "hostFirewall", "enableL7Proxy", "enableIcmpRules", "enableNodeSelectorLabels",
                      "enableExtendedIpProtocols", "enableNonDefaultDenyPolicies", "policyAuditMode",
                      "bpfPolicyMapMax"},
                     ctx);
  if (auto mode = reader.String("policyEnforcementMode")) {
    if (auto parsed = ir::ParseEnforcementMode(*mode)) {
      settings.enforcement = *parsed;
    } else {
      ctx.Report(ir::RuleId::kInvalidValue, reader.Get("policyEnforcementMode")->location,
                 fmt::format("unknown policyEnforcementMode '{}'", *mode), "use default, always or never");
    }
  }
  if (auto name = reader.String("clusterName")) settings.cluster_name = *name;
  if (auto allow = reader.String("allowLocalhost")) {
    if (*allow == "always") {
      settings.allow_localhost = ir::AllowLocalhost::kAlways;
    } else if (*allow == "policy") {
      settings.allow_localhost = ir::AllowLocalhost::kPolicy;
    } else {
      ctx.Report(ir::RuleId::kInvalidValue, reader.Get("allowLocalhost")->location,
                 fmt::format("unknown allowLocalhost '{}'", *allow), "use always or policy");
    }
  }
  if (auto b = reader.Bool("policyDefaultLocalCluster")) settings.policy_default_local_cluster = *b;
  struct BoolField {
    std::string_view key;
    bool ir::Settings::*field;
  };
  static constexpr BoolField kBools[] = {
      {"hostFirewall", &ir::Settings::host_firewall},
      {"enableL7Proxy", &ir::Settings::enable_l7_proxy},
      {"enableIcmpRules", &ir::Settings::enable_icmp_rules},
      {"enableNodeSelectorLabels", &ir::Settings::enable_node_selector_labels},
      {"enableExtendedIpProtocols", &ir::Settings::enable_extended_ip_protocols},
      {"enableNonDefaultDenyPolicies", &ir::Settings::enable_non_default_deny_policies},
      {"policyAuditMode", &ir::Settings::policy_audit_mode},
  };
  for (const BoolField& f : kBools) {
    if (auto b = reader.Bool(f.key)) settings.*f.field = *b;
  }
  // --bpf-policy-map-max: the agent accepts 256..65536 (cilium-semantics.md 8.3).
  if (auto max = reader.Int("bpfPolicyMapMax")) {
    if (*max < 256 || *max > 65536) {
      ctx.Report(ir::RuleId::kInvalidValue, reader.Get("bpfPolicyMapMax")->location,
                 fmt::format("settings.bpfPolicyMapMax must be between 256 and 65536, not {}", *max),
                 "use the agent's --bpf-policy-map-max value (default 16384)");
    } else {
      settings.bpf_policy_map_max = static_cast<uint32_t>(*max);
    }
  }
}

void ReadLimits(const FieldReader& top, LowerContext& ctx, InputLimits& limits) {
  const YamlNode* node = top.Map("limits");
  if (node == nullptr) return;
  FieldReader reader(*node, "'limits'", {"maxFileBytes", "maxDepth", "maxNodes"}, ctx);
  auto positive = [&](std::string_view key) -> std::optional<int64_t> {
    std::optional<int64_t> value = reader.Int(key);
    if (value && *value <= 0) {
      ctx.Report(ir::RuleId::kInvalidValue, reader.Get(key)->location,
                 fmt::format("limits.{} must be positive, not {}", key, *value));
      return std::nullopt;
    }
    return value;
  };
  if (auto v = positive("maxFileBytes")) limits.max_file_bytes = static_cast<uint64_t>(*v);
  if (auto v = positive("maxDepth")) {
    if (*v > UINT32_MAX) {
      ctx.Report(ir::RuleId::kInvalidValue, reader.Get("maxDepth")->location, "limits.maxDepth is too large");
    } else {
      limits.max_depth = static_cast<uint32_t>(*v);
    }
  }
  if (auto v = positive("maxNodes")) limits.max_nodes = static_cast<uint64_t>(*v);
}

// An unknown name among `candidates`, reported as invalid-value with the
// closest known one.
void ReportUnknownName(const YamlNode& node, std::string_view text, std::string_view what,
                       std::span<const std::string_view> candidates, LowerContext& ctx) {
  std::string message = fmt::format("unknown {} '{}'", what, text);
  if (auto suggestion = Suggest(text, candidates)) message += fmt::format("; did you mean '{}'?", *suggestion);
  std::string known;
  for (std::string_view candidate : candidates) known += fmt::format("{}{}", known.empty() ? "" : ", ", candidate);
  ctx.Report(ir::RuleId::kInvalidValue, node.location, std::move(message), fmt::format("use one of {}", known));
}

// A port 1-65535 (`what` names it in messages); nullopt after reporting.
std::optional<uint16_t> ReadPort(const YamlNode& node, std::string_view what, LowerContext& ctx) {
  std::optional<int64_t> value = ScalarInt(node, what, ctx);
  if (!value) return std::nullopt;
  if (*value < 1 || *value > 65535) {
    ctx.Report(ir::RuleId::kInvalidValue, node.location, fmt::format("{} must be 1 to 65535, not {}", what, *value));
    return std::nullopt;
  }
  return static_cast<uint16_t>(*value);
}

std::vector<std::string> ReadNamespaces(const FieldReader& reader, std::string_view key, std::string_view where,
                                        LowerContext& ctx) {
  std::vector<std::string> out;
  const YamlNode* list = reader.List(key);
  if (list == nullptr) return out;
  for (const YamlNode* item : list->items) {
    std::optional<std::string> name = ScalarString(*item, fmt::format("a namespace in {}", where), ctx);
    if (!name) continue;
    if (!k8s::IsDns1123Label(*name)) {
      ctx.Report(ir::RuleId::kInvalidValue, item->location,
                 fmt::format("'{}' in {} is not a namespace name (lower-case letters, digits and '-')", *name, where));
      continue;
    }
    out.push_back(std::move(*name));
  }
  return out;
}

// One `hostLockout.flows` entry: {name, from, protocol, port, endPort}.
std::optional<ir::HostFlowRequirement> ReadHostFlow(const YamlNode& node, LowerContext& ctx) {
  FieldReader reader(node, "a verify.hostLockout.flows entry", {"name", "from", "protocol", "port", "endPort"}, ctx);
  if (!reader.ok()) return std::nullopt;
  bool complete = true;
  for (std::string_view key : {"name", "from", "port"}) complete = reader.Require(key) && complete;
  ir::HostFlowRequirement flow;
  if (auto name = reader.String("name")) flow.name = *name;
  if (auto from = reader.String("from")) {
    static constexpr std::array<std::string_view, 4> kFroms = {"cidr:", "cluster", "remote-node", "control-plane"};
    const YamlNode& at = *reader.Get("from");
    if (from->starts_with("cidr:")) {
      if (!k8s::ParseCidr(std::string_view(*from).substr(5))) {
        ctx.Report(ir::RuleId::kInvalidValue, at.location,
                   fmt::format("'{}' is not a CIDR in prefix notation", from->substr(5)),
                   "write e.g. cidr:10.20.0.0/16");
        complete = false;
      }
    } else if (*from != "cluster" && *from != "remote-node" && *from != "control-plane") {
      ReportUnknownName(at, *from, "flow source", kFroms, ctx);
      complete = false;
    }
    flow.from = *from;
  }
  if (auto protocol = reader.String("protocol")) {
    static constexpr std::array<std::string_view, 3> kProtocols = {"TCP", "UDP", "SCTP"};
    std::string upper = *protocol;  // the config, unlike a policy, takes any case
    std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
    std::optional<ir::Protocol> parsed = ir::ParseProtocol(upper);
    if (parsed && (*parsed == ir::Protocol::kTcp || *parsed == ir::Protocol::kUdp || *parsed == ir::Protocol::kSctp)) {
      flow.protocol = *parsed;
    } else {
      ReportUnknownName(*reader.Get("protocol"), *protocol, "protocol", kProtocols, ctx);
      complete = false;
    }
  }
  if (const YamlNode* port = reader.Get("port")) {
    if (auto value = ReadPort(*port, "port", ctx)) flow.port = *value; else complete = false;
  }
  if (const YamlNode* end = reader.Get("endPort")) {
    if (auto value = ReadPort(*end, "endPort", ctx)) {
      if (*value < flow.port) {
        ctx.Report(ir::RuleId::kInvalidValue, end->location,
                   fmt::format("endPort {} is below port {}", *value, flow.port));
        complete = false;
      } else {
        flow.end_port = *value == flow.port ? 0 : *value;
      }
    } else {
      complete = false;
    }
  }
  if (!complete) return std::nullopt;
  return flow;
}

void ReadVerify(const FieldReader& top, LowerContext& ctx, ir::VerifyConfig& verify) {
  const YamlNode* node = top.Map("verify");
  if (node == nullptr) return;
  verify.location = node->location;
  FieldReader reader(*node, "'verify'", {"require", "namespaces", "dns", "apiserver", "hostLockout"}, ctx);
  if (const YamlNode* require = reader.List("require")) {
    for (const YamlNode* item : require->items) {
      std::optional<std::string> name = ScalarString(*item, "a property in verify.require", ctx);
      if (!name) continue;
      // "assertions" and "assertion:NAME" select PropertySet statements,
      // which polc verify checks once the inputs are loaded.
      bool assertion = *name == "assertions" || name->starts_with("assertion:");
      if (!assertion && std::find(ir::kBuiltinProperties.begin(), ir::kBuiltinProperties.end(), *name) ==
                            ir::kBuiltinProperties.end()) {
        ReportUnknownName(*item, *name, "property", ir::kBuiltinProperties, ctx);
      } else if (std::find(verify.required.begin(), verify.required.end(), *name) == verify.required.end()) {
        verify.required.push_back(std::move(*name));
      }
    }
  }
  verify.extra_namespaces = ReadNamespaces(reader, "namespaces", "verify.namespaces", ctx);
  if (const YamlNode* dns = reader.Map("dns")) {
    FieldReader dns_reader(*dns, "'verify.dns'", {"namespace", "labels"}, ctx);
    if (auto ns = dns_reader.String("namespace")) verify.dns_namespace = *ns;
    if (auto labels = dns_reader.StringMap("labels")) {
      if (labels->empty()) {
        ctx.Report(ir::RuleId::kInvalidValue, dns_reader.Get("labels")->location,
                   "verify.dns.labels is empty, which would make every pod of the namespace the DNS server",
                   "give the DNS server's labels, e.g. {k8s-app: kube-dns}");
      } else {
        verify.dns_labels = std::move(*labels);
      }
    }
  }
  if (const YamlNode* apiserver = reader.Map("apiserver")) {
    FieldReader api_reader(*apiserver, "'verify.apiserver'", {"namespaces", "ports"}, ctx);
    verify.apiserver_namespaces = ReadNamespaces(api_reader, "namespaces", "verify.apiserver.namespaces", ctx);
    if (const YamlNode* ports = api_reader.List("ports")) {
      verify.apiserver_ports.clear();
      for (const YamlNode* item : ports->items) {
        if (auto port = ReadPort(*item, "a port in verify.apiserver.ports", ctx)) verify.apiserver_ports.push_back(*port);
      }
    }
  }
  if (const YamlNode* host = reader.Map("hostLockout")) {
    FieldReader host_reader(*host, "'verify.hostLockout'", {"adminCidrs", "flows"}, ctx);
    if (const YamlNode* cidrs = host_reader.List("adminCidrs")) {
      for (const YamlNode* item : cidrs->items) {
        std::optional<std::string> cidr = ScalarString(*item, "a CIDR in verify.hostLockout.adminCidrs", ctx);
        if (!cidr) continue;
        if (!k8s::ParseCidr(*cidr)) {
          ctx.Report(ir::RuleId::kInvalidValue, item->location,
                     fmt::format("'{}' in verify.hostLockout.adminCidrs is not a CIDR in prefix notation", *cidr),
                     "write e.g. 10.20.0.0/16");
          continue;
        }
        verify.admin_cidrs.push_back(std::move(*cidr));
      }
    }
    if (const YamlNode* flows = host_reader.List("flows")) {
      for (const YamlNode* item : flows->items) {
        if (auto flow = ReadHostFlow(*item, ctx)) verify.host_flows.push_back(std::move(*flow));
      }
    }
  }
}

void ReadVersion(const FieldReader& top, LowerContext& ctx, Config& config) {
  const YamlNode* node = top.Get("ciliumVersion");
  if (node == nullptr) return;
  // Unquoted `1.18` is a YAML float; its text is what we want either way.
  if (!node->IsScalar()) {
    ctx.Report(ir::RuleId::kWrongType, node->location,
               fmt::format("'ciliumVersion' must be a string such as \"1.19\", not {}", node->TypeName()));
    return;
  }
  if (auto version = ir::ParseCiliumVersion(node->scalar)) {
    config.cilium_version = *version;
    config.settings.version = *version;
    return;
  }
  ctx.Report(ir::RuleId::kInvalidValue, node->location,
             fmt::format("ciliumVersion '{}' is not supported; polc knows Cilium {} to {}", node->scalar,
                         ir::kOldestSupportedVersion.ToString(), ir::kNewestSupportedVersion.ToString()),
             "write the minor version in quotes, e.g. ciliumVersion: \"1.19\"");
}

}  // namespace

Config ParseConfig(std::string_view text, ir::FileId file, ir::DiagnosticSink& sink) {
  Config config;
  // The config itself is read with the default limits: it is small and
  // trusted no more than the policies.
  ParseOutcome parsed = ParseYaml(text, file, InputLimits{}, sink);
  if (!parsed.ok) return config;
  const YamlNode* root = nullptr;
  for (const YamlDocument& document : parsed.file.documents) {
    if (document.root == nullptr || document.root->IsNull()) continue;
    if (root != nullptr) {
      sink.Report(ir::RuleId::kInvalidValue, document.location,
                  "a config file holds one YAML document; this one is ignored");
      continue;
    }
    root = document.root;
  }
  if (root == nullptr) return config;
  const ir::Settings defaults;
  LowerContext ctx{sink, defaults};
  FieldReader top(*root, "the config file", {"ciliumVersion", "settings", "rules", "ignorePaths", "limits", "verify"}, ctx);
  if (!top.ok()) return config;
  ReadVersion(top, ctx, config);
  ReadSettings(top, ctx, config.settings);
  ReadRules(top, ctx, config.rules);
  if (auto globs = top.StringList("ignorePaths")) config.ignore_paths = std::move(*globs);
  ReadLimits(top, ctx, config.limits);
  ReadVerify(top, ctx, config.verify);
  return config;
}

std::optional<std::string> FindConfigFile(const std::string& directory, const FileSystem& fs) {
  std::filesystem::path dir = std::filesystem::path(directory).lexically_normal();
  if (!dir.has_filename() && dir.has_parent_path()) dir = dir.parent_path();  // "a/b/" -> "a/b"
  while (true) {
    std::filesystem::path candidate = dir / kConfigFileName;
    if (fs.Stat(candidate.string()) == FileSystem::Type::kFile) return candidate.string();
    std::filesystem::path parent = dir.parent_path();
    if (parent.empty() || parent == dir) return std::nullopt;
    dir = parent;
  }
}

}  // namespace polc::compiler
