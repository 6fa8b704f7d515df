// Pieces of the CiliumNetworkPolicy lowering shared between its files:
// lower_cilium.cc (object and api.Rule), lower_cilium_peers.cc (ingress and
// egress rules with their L3 peers) and lower_cilium_ports.cc (toPorts, L7,
// ICMP). Not a public interface; lower.h is.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "compiler/field_reader.h"
#include "compiler/yaml_tree.h"
#include "ir/policy.h"

namespace polc::compiler::cilium {

// One of `ingress`, `ingressDeny`, `egress`, `egressDeny` (a list node).
std::optional<std::vector<ir::PeerRule>> LowerPeerRules(const YamlNode& list, std::string_view section,
                                                        ir::Direction direction, bool deny, LowerContext& ctx);

// `toPorts` of a rule. Deny rules take ports only (PortDenyRule).
std::optional<std::vector<ir::PortRule>> LowerPortRules(const YamlNode& list, ir::Direction direction, bool deny,
                                                        LowerContext& ctx);

// `icmps` of a rule.
std::optional<std::vector<ir::IcmpRule>> LowerIcmpRules(const YamlNode& list, LowerContext& ctx);

// The ICMP (v6 = false) or ICMPv6 type a name stands for (cilium-semantics.md
// 1.11), and the names of a family (for did-you-mean). Also used by PolicyTest.
std::optional<uint8_t> IcmpTypeByName(std::string_view name, bool v6);
std::vector<std::string_view> IcmpTypeNames(bool v6);

// A toFQDNs item or an L7 dns rule: exactly one of matchName/matchPattern.
std::optional<ir::FqdnSelector> LowerFqdnSelector(const YamlNode& node, std::string_view what, LowerContext& ctx);

// Reports a field that the schema of this object does not have although it
// exists elsewhere (e.g. `rules` in a deny rule), as unknown-field.
void RejectField(const FieldReader& reader, std::string_view key, std::string message, std::string hint);

}  // namespace polc::compiler::cilium
