// Lowering of CiliumCIDRGroup into the IR, checked against its CRD
// (/work/shared/reference/crds/ciliumcidrgroups.yaml): `spec` and
// `spec.externalCIDRs` are required, each item is a string of `format: cidr`.
//
// The CRD serves cilium.io/v2 (since Cilium 1.18, cilium/cilium#38940) and
// the deprecated cilium.io/v2alpha1 (since 1.14), so the accepted
// apiVersion depends on the target version in the settings.
#include <fmt/format.h>

#include "compiler/k8s_validation.h"
#include "compiler/lower.h"
#include "compiler/lower_common.h"

namespace polc::compiler {
namespace {

void CheckApiVersion(const KubeObject& object, LowerContext& ctx) {
  const YamlNode* node = object.root->Find("apiVersion");
  ir::SourceLocation location = node != nullptr ? node->location : object.location;
  const ir::CiliumVersion& version = ctx.settings.version;
  if (object.api_version == "cilium.io/v2") {
    if (version.Before(1, 18)) {
      ctx.Report(ir::RuleId::kUnsupportedInVersion, location,
                 fmt::format("CiliumCIDRGroup is served as cilium.io/v2 only since Cilium 1.18; Cilium {} does not "
                             "know this apiVersion and the object is rejected",
                             version.ToString()),
                 "use apiVersion: cilium.io/v2alpha1 for this Cilium version");
    }
  } else if (object.api_version == "cilium.io/v2alpha1") {
    if (version.AtLeast(1, 18)) {
      ctx.Report(ir::RuleId::kDeprecatedField, location,
                 fmt::format("cilium.io/v2alpha1 CiliumCIDRGroup is deprecated since Cilium 1.18 (targeting {})",
                             version.ToString()),
                 "use apiVersion: cilium.io/v2; the spec is the same");
    }
  } else {
    ctx.Report(ir::RuleId::kInvalidValue, location,
               fmt::format("apiVersion '{}' is not served for CiliumCIDRGroup", object.api_version),
               "use apiVersion: cilium.io/v2 (Cilium 1.18+) or cilium.io/v2alpha1");
  }
}

}  // namespace

ir::CidrGroup LowerCidrGroup(const KubeObject& object, LowerContext& ctx) {
  ir::CidrGroup group;
  group.api_version = object.api_version;
  group.meta = object.meta;
  CheckApiVersion(object, ctx);
  FieldReader root(*object.root, "a CiliumCIDRGroup", {"apiVersion", "kind", "metadata", "spec"}, ctx);
  k8s::CheckObjectMeta(root, "CiliumCIDRGroup", /*namespaced=*/false, ctx);
  if (!root.Require("spec")) return group;
  const YamlNode* spec_node = root.Map("spec");
  if (spec_node == nullptr) return group;
  FieldReader spec(*spec_node, "the CiliumCIDRGroup spec", {"externalCIDRs"}, ctx);
  if (!spec.Require("externalCIDRs")) return group;
  std::optional<std::vector<ir::Cidr>> cidrs = LowerCidrList(*spec.Get("externalCIDRs"), "'externalCIDRs'", ctx);
  if (!cidrs) return group;
  for (const ir::Cidr& cidr : *cidrs) {
    // `format: cidr` is checked by the API server with Go's net.ParseCIDR:
    // prefix notation only, a bare IP is rejected. (Go also rejects IPv4
    // parts with leading zeros, which ParseCidr lets through.)
    if (!k8s::ParseCidr(cidr.text)) {
      ctx.Report(
          ir::RuleId::kInvalidCidr, cidr.location,
          fmt::format("externalCIDRs item '{}' is not a CIDR; the API server rejects the CiliumCIDRGroup", cidr.text),
          "write a prefix such as 192.0.2.0/24 (a single address needs /32 or /128)");
    }
  }
  group.external_cidrs = std::move(*cidrs);
  return group;
}

}  // namespace polc::compiler
