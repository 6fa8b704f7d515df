#include "compiler/field_versions.h"

#include <array>

#include <fmt/format.h>

namespace polc::compiler {
namespace {

constexpr ir::CiliumVersion V(int major, int minor) { return ir::CiliumVersion{major, minor}; }

// Sources: cilium-semantics.md section 10 and the CRD history named there.
const std::array<FieldVersion, 11> kFieldVersions = {{
    {"enableDefaultDeny", V(1, 16), std::nullopt, std::nullopt, ""},
    {"endPort", V(1, 16), std::nullopt, std::nullopt, ""},
    {"fromNodes", V(1, 16), std::nullopt, std::nullopt, ""},
    {"toNodes", V(1, 16), std::nullopt, std::nullopt, ""},
    {"cidrGroupSelector", V(1, 17), std::nullopt, std::nullopt, "use cidrGroupRef to name one CiliumCIDRGroup"},
    {"log", V(1, 18), std::nullopt, std::nullopt, "the rule log annotation for Hubble"},
    {"fromRequires", V(1, 16), V(1, 17), V(1, 19),
     "requirements on peers were dropped; add the labels to each fromEndpoints selector"},
    {"toRequires", V(1, 16), V(1, 17), V(1, 19),
     "requirements on peers were dropped; add the labels to each toEndpoints selector"},
    {"kafka", V(1, 16), std::nullopt, V(1, 20), "Kafka L7 rules were removed with the proxylib"},
    {"l7proto", V(1, 16), std::nullopt, V(1, 20), "generic L7 (proxylib) rules were removed"},
    {"l7", V(1, 16), std::nullopt, V(1, 20), "generic L7 (proxylib) rules were removed"},
}};

// Extended IP protocols are a field value, not a field; they share the table
// through this pseudo-entry.
constexpr FieldVersion kExtendedProtocols = {"extended-protocol", V(1, 19), std::nullopt, std::nullopt,
                                             "VRRP, IGMP, GRE, IPIP, IPV6, ESP and AH need 1.19+"};

}  // namespace

std::span<const FieldVersion> FieldVersions() { return kFieldVersions; }

const FieldVersion* FindFieldVersion(std::string_view field) {
  if (field == kExtendedProtocols.field) return &kExtendedProtocols;
  for (const FieldVersion& entry : kFieldVersions) {
    if (entry.field == field) return &entry;
  }
  return nullptr;
}

bool CheckFieldVersion(std::string_view field, ir::SourceLocation location, LowerContext& ctx,
                       std::string_view shown) {
  const FieldVersion* entry = FindFieldVersion(field);
  if (entry == nullptr) return true;
  if (shown.empty()) shown = field;
  const ir::CiliumVersion& version = ctx.settings.version;
  std::string note = entry->note.empty() ? std::string() : fmt::format(" ({})", entry->note);
  if (version.Before(entry->since.major, entry->since.minor)) {
    ctx.Report(ir::RuleId::kUnsupportedInVersion, location,
               fmt::format("{} is not available in Cilium {}: it was added in {}{}", shown, version.ToString(),
                           entry->since.ToString(), note),
               fmt::format("remove it, or set ciliumVersion to {} or later", entry->since.ToString()));
    return false;
  }
  if (entry->removed && version.AtLeast(entry->removed->major, entry->removed->minor)) {
    ctx.Report(ir::RuleId::kUnsupportedInVersion, location,
               fmt::format("{} was removed in Cilium {}; Cilium {} rejects it{}", shown, entry->removed->ToString(),
                           version.ToString(), note),
               "remove it, or set ciliumVersion to an older version if the cluster runs one");
    return false;
  }
  if (entry->deprecated && version.AtLeast(entry->deprecated->major, entry->deprecated->minor)) {
    std::string removal =
        entry->removed ? fmt::format(" and removed in {}", entry->removed->ToString()) : std::string();
    ctx.Report(ir::RuleId::kDeprecatedField, location,
               fmt::format("{} is deprecated since Cilium {}{}{}", shown, entry->deprecated->ToString(), removal,
                           note));
  }
  return true;
}

}  // namespace polc::compiler
