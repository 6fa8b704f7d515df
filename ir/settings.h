// Semantic settings: which Cilium version's rules apply and the agent options
// that change what a policy means (cilium-semantics.md sections 3, 8, 10).
// Every consumer reads these from one value so that lint, evaluation and code
// generation can never disagree about the target.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace polc::ir {

struct CiliumVersion {
  int major = 1;
  int minor = 19;

  bool AtLeast(int maj, int min) const { return major > maj || (major == maj && minor >= min); }
  bool Before(int maj, int min) const { return !AtLeast(maj, min); }
  std::string ToString() const;
  bool operator==(const CiliumVersion&) const = default;
};

inline constexpr CiliumVersion kOldestSupportedVersion{1, 16};
inline constexpr CiliumVersion kNewestSupportedVersion{1, 20};
inline constexpr CiliumVersion kDefaultVersion{1, 19};

// Parses "1.19" (also "v1.19" and "1.19.3"; the patch level is ignored).
// Returns nullopt for malformed text or a version outside 1.16..1.20.
std::optional<CiliumVersion> ParseCiliumVersion(std::string_view text);

enum class EnforcementMode { kDefault, kAlways, kNever };
enum class AllowLocalhost { kAlways, kPolicy };
// Whose meaning NetworkPolicy has: Cilium's translation (the default), or
// the upstream specification where Cilium deviates from it (docs/SEMANTICS.md
// lists each deviation; CiliumNetworkPolicy keeps Cilium's meaning).
enum class Semantics { kCilium, kKubernetes };

struct Settings {
  CiliumVersion version = kDefaultVersion;
  EnforcementMode enforcement = EnforcementMode::kDefault;
  std::string cluster_name = "default";
  AllowLocalhost allow_localhost = AllowLocalhost::kAlways;
  // --policy-default-local-cluster; unset means the version's default
  // (false in 1.18 and earlier, true since 1.19).
  std::optional<bool> policy_default_local_cluster;
  bool host_firewall = false;                   // --enable-host-firewall
  bool enable_l7_proxy = true;                  // --enable-l7-proxy
  bool enable_icmp_rules = true;                // --enable-icmp-rules
  bool enable_node_selector_labels = false;     // --enable-node-selector-labels (fromNodes/toNodes)
  bool enable_extended_ip_protocols = false;    // --enable-extended-ip-protocols (1.19+)
  bool enable_non_default_deny_policies = true; // --enable-non-default-deny-policies (1.17+)
  bool policy_audit_mode = false;               // --policy-audit-mode
  Semantics semantics = Semantics::kCilium;     // --semantics
  uint32_t bpf_policy_map_max = 16384;          // --bpf-policy-map-max, clamped to [256, 65536] (8.3)

  bool PolicyDefaultLocalCluster() const {
    return policy_default_local_cluster.value_or(version.AtLeast(1, 19));
  }
  bool operator==(const Settings&) const = default;
};

std::string_view EnforcementModeName(EnforcementMode mode);
std::optional<EnforcementMode> ParseEnforcementMode(std::string_view text);

}  // namespace polc::ir
