// Lints about the policy objects themselves:
//   ignored-annotation     annotations guides recommend but Cilium never reads (8.4)
//   duplicate-policy-name  same kind, namespace and name twice
//   missing-namespace      a namespaced policy without metadata.namespace
#include <fmt/format.h>

#include <array>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <tuple>

#include "verifier/lint_family.h"

namespace polc::verifier {

namespace {

struct IgnoredAnnotation {
  std::string_view key;
  std::string_view why;  // what Cilium does instead
  std::string_view hint;
};

constexpr std::array<IgnoredAnnotation, 2> kIgnoredAnnotations = {{
    {"cilium.io/policy-audit-mode",
     "Cilium has no audit-mode annotation (pkg/annotation has none); audit mode is an agent option or a "
     "per-endpoint setting, so this policy is enforced normally (cilium-semantics.md 8.4)",
     "Use the agent option --policy-audit-mode (Helm policyAuditMode), or `cilium-dbg endpoint config <id> "
     "PolicyAuditMode=Enabled` for one endpoint, and delete the annotation."},
    {"cilium.io/encrypt",
     "Cilium reads no encryption annotation on policies; traffic is encrypted only when the agent enables IPsec "
     "or WireGuard for the whole cluster (cilium-semantics.md 8.4 lists the only policy-related switches)",
     "Enable transparent encryption on the agent (encryption.enabled, type ipsec or wireguard) and delete the "
     "annotation."},
}};

void LintAnnotations(const LintContext& ctx, const ir::Policy& policy) {
  for (const IgnoredAnnotation& ignored : kIgnoredAnnotations) {
    auto it = policy.meta.annotations.find(std::string(ignored.key));
    if (it == policy.meta.annotations.end()) continue;
    auto at = policy.meta.annotation_locations.find(std::string(ignored.key));
    ctx.Report(policy, ir::RuleId::kIgnoredAnnotation,
               at != policy.meta.annotation_locations.end() ? at->second : policy.meta.location,
               fmt::format("annotation `{}: {}` has no effect: {}", ignored.key, it->second, ignored.why),
               std::string(ignored.hint));
  }
}

bool IsNamespaced(ir::PolicyKind kind) {
  return kind != ir::PolicyKind::kCiliumClusterwideNetworkPolicy;
}

ir::SourceLocation NameLocation(const ir::Policy& policy) {
  return policy.meta.name_location.Known() ? policy.meta.name_location : policy.meta.location;
}

// kubectl apply keeps one object per kind/namespace/name: the later document
// replaces the earlier one, which is then silently not in force.
void LintDuplicates(const LintContext& ctx) {
  using Key = std::tuple<ir::PolicyKind, std::string, std::string>;
  std::map<Key, const ir::Policy*> seen;
  for (const ir::Policy& policy : ctx.policies.policies) {
    if (policy.meta.name.empty()) continue;  // missing-field, reported by lowering
    // A namespaced policy without a namespace lands wherever it is applied
    // (`kubectl -n`, kustomize): two of them need not collide.
    if (IsNamespaced(policy.kind) && policy.meta.namespace_.empty()) continue;
    const std::string ns = IsNamespaced(policy.kind) ? policy.meta.namespace_ : std::string();
    auto [it, inserted] = seen.emplace(Key{policy.kind, ns, policy.meta.name}, &policy);
    if (inserted) continue;
    const ir::SourceLocation first = NameLocation(*it->second);
    const ir::SourceLocation here = NameLocation(policy);
    const std::string where =
        first.file == here.file ? fmt::format("at line {}", first.line) : std::string("in another input file");
    const std::string in_ns = IsNamespaced(policy.kind) ? fmt::format(" in namespace `{}`", ns) : std::string();
    ctx.Report(policy, ir::RuleId::kDuplicatePolicyName, here,
               fmt::format("a {} named `{}`{} is already defined {}; applied together, this one replaces it, so "
                           "only one of the two is ever in force",
                           ir::PolicyKindName(policy.kind), policy.meta.name, in_ns, where),
               "Rename one of them, or merge their rules (a CiliumNetworkPolicy may hold several in `specs`).");
  }
}

// Cilium's own examples omit metadata.namespace on purpose (they are applied
// with `kubectl -n`), so a missing namespace alone is normal. It is reported
// only when the same file sets the namespace of another namespaced policy:
// then the file pins namespaces, and this one lands wherever kubectl's
// context points.
void LintMissingNamespaces(const LintContext& ctx) {
  std::set<ir::FileId> files_with_namespaces;
  for (const ir::Policy& policy : ctx.policies.policies) {
    if (IsNamespaced(policy.kind) && !policy.meta.namespace_.empty()) {
      files_with_namespaces.insert(policy.meta.location.file);
    }
  }
  for (const ir::Policy& policy : ctx.policies.policies) {
    if (!IsNamespaced(policy.kind) || !policy.meta.namespace_.empty()) continue;
    if (!files_with_namespaces.contains(policy.meta.location.file)) continue;
    ctx.Report(policy, ir::RuleId::kMissingNamespace, NameLocation(policy),
               fmt::format("{} `{}` has no metadata.namespace while other policies in this file set one: it "
                           "is created in whatever namespace kubectl's context uses, and a namespaced policy "
                           "only ever applies to pods of its own namespace (cilium-semantics.md 2.2, 2.4)",
                           ir::PolicyKindName(policy.kind), policy.meta.name),
               "Set metadata.namespace.");
  }
}

}  // namespace

void LintMetadata(const LintContext& ctx) {
  for (const ir::Policy& policy : ctx.policies.policies) LintAnnotations(ctx, policy);
  LintDuplicates(ctx);
  LintMissingNamespaces(ctx);
}

}  // namespace polc::verifier
