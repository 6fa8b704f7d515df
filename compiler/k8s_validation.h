// What the Kubernetes API server validates for built-in objects and for the
// CRD `format: cidr`, shared by the NetworkPolicy and CiliumCIDRGroup
// frontends (compiler/lower_network_policy.cc, lower_cidr_group.cc).
//
// These are API-server rules, not Cilium's: an object failing them never
// reaches the agent. Cilium's own CIDR parsing (which also accepts bare IPs)
// lives in Sanitize.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "compiler/field_reader.h"
#include "ir/policy.h"

namespace polc::compiler::k8s {

// A CIDR in prefix notation as k8s.io/utils/net ParseCIDRSloppy reads it
// (IPv4 parts may have leading zeros). The address is masked to the prefix.
struct Prefix {
  bool v6 = false;
  uint8_t bytes[16] = {};
  int bits = 0;
};
std::optional<Prefix> ParseCidr(std::string_view text);

// `inner` lies inside `outer` and is strictly longer (NetworkPolicy ipBlock
// except: "must be a strict subset of cidr").
bool IsStrictSubset(const Prefix& inner, const Prefix& outer);

// IsValidPortName: 1-15 of [a-z0-9-], at least one letter, no "--", no
// leading or trailing '-'.
bool IsPortName(std::string_view text);

// RFC 1123 label (namespace names): <=63 of [a-z0-9-], alphanumeric ends.
bool IsDns1123Label(std::string_view text);

// metadata of an object read by `root`: must be an object whose `name` is a
// DNS-1123 subdomain; `namespace` (namespaced kinds) a DNS-1123 label;
// labels and annotations string maps; only ObjectMeta fields.
// `kind` names the object in messages.
void CheckObjectMeta(const FieldReader& root, std::string_view kind, bool namespaced, LowerContext& ctx);

}  // namespace polc::compiler::k8s
