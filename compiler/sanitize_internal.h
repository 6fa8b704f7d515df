// Pieces of the Cilium agent's Sanitize()/Validate() (cilium-semantics.md
// 1.13, pkg/policy/api/rule_validation.go), split by the IR node they check.
// Only compiler/sanitize*.cc include this header.
//
// Cilium stops at the first error of a rule; polc reports every error it
// finds, each at the offending node, because the author fixes them all in
// one pass. Checks that the CRD schema already rejects (enums, required
// fields, matchLabels value patterns) are the lowering's job and are not
// repeated here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "compiler/field_reader.h"
#include "ir/policy.h"

namespace polc::compiler::sanitize {

// Appended to messages: what happens to a policy that fails Sanitize.
inline constexpr std::string_view kRejected = "the agent rejects the whole policy and enforces none of its rules";

// ---- selectors (sanitize_selectors.cc) -------------------------------------

// Label keys and matchExpressions values as Kubernetes validates them
// (invalid-selector). `what` names the selector in messages.
void CheckSelector(const ir::LabelSelector& selector, std::string_view what, LowerContext& ctx);

// ---- L3 peers (sanitize_l3.cc) ---------------------------------------------

// A fromCIDR/toCIDR item: a prefix or a bare IP (invalid-cidr).
void CheckCidr(const ir::Cidr& cidr, LowerContext& ctx);
// A fromCIDRSet/toCIDRSet item: one source, prefix notation, excepts inside.
void CheckCidrRule(const ir::CidrRule& rule, LowerContext& ctx);
// An entity name Cilium knows (unknown-entity).
// A toFQDNs or rules.dns item: the characters Sanitize accepts (invalid-fqdn).
// Both matchName and matchPattern set is the CRD oneOf's (lowering).
void CheckFqdnSelector(const ir::FqdnSelector& selector, LowerContext& ctx);
// An icmps item: at most 40 fields, type names of the field's family.
void CheckIcmpRule(const ir::IcmpRule& rule, LowerContext& ctx);

// ---- ports and L7 (sanitize_ports.cc, sanitize_l7.cc) ----------------------

struct PortRuleScope {
  ir::Direction direction = ir::Direction::kIngress;
  bool deny = false;  // PortDenyRule: ports only
};

// One toPorts item: ports, TLS/listener placement and its L7 rules.
void CheckPortRule(const ir::PortRule& rule, const PortRuleScope& scope, LowerContext& ctx);

// The L7 rule bodies (http, kafka, l7) of one toPorts item.
void CheckHttpRule(const ir::HttpRule& rule, LowerContext& ctx);
void CheckKafkaRule(const ir::KafkaRule& rule, LowerContext& ctx);

// ---- small shared helpers (sanitize_ports.cc) ------------------------------

// pkg/iana IsSvcName: 1-15 characters, letters/digits/'-', at least one
// letter, no leading, trailing or doubled '-'.
bool IsIanaServiceName(std::string_view text);
// Go strconv.ParseUint(text, 0, bits): decimal, 0x/0o/0b prefixes, a leading
// 0 for octal, '_' between digits. nullopt on any error or overflow.
std::optional<uint64_t> ParseGoUint(std::string_view text, int bits);
// L7 rules are "present" when any of their fields is set, even to an empty
// list (Go's L7Rules.IsEmpty tests for nil, not for length).
bool HasL7(const ir::PortRule& rule);
bool IsExtendedProtocol(ir::Protocol protocol);

}  // namespace polc::compiler::sanitize
