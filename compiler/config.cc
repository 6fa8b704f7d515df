#include "compiler/config.h"

#include <array>
#include <filesystem>
#include <vector>

#include <fmt/format.h>

#include "compiler/field_reader.h"
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
                      "enableExtendedIpProtocols", "enableNonDefaultDenyPolicies", "policyAuditMode"},
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
  FieldReader top(*root, "the config file", {"ciliumVersion", "settings", "rules", "ignorePaths", "limits"}, ctx);
  if (!top.ok()) return config;
  ReadVersion(top, ctx, config);
  ReadSettings(top, ctx, config.settings);
  ReadRules(top, ctx, config.rules);
  if (auto globs = top.StringList("ignorePaths")) config.ignore_paths = std::move(*globs);
  ReadLimits(top, ctx, config.limits);
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
