// cidr-single-private-ip: a CIDR peer that is one private address.
//
// A /32 inside 10/8, 172.16/12 or 192.168/16 (or an IPv6 ULA /128) is almost
// always a pod or Service IP copied from `kubectl get`. Those IPs change, and
// CIDR peers never select pods anyway: a pod keeps its endpoint identity, so
// the CIDR identity never matches its traffic (cilium-semantics.md 2.4
// ipBlock, 6.7, 8.2).
#include <arpa/inet.h>
#include <fmt/format.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "verifier/lint_family.h"

namespace polc::verifier {

namespace {

struct Address {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};
};

// The address of a single-host CIDR ("10.0.0.7", "10.0.0.7/32", "fd00::1/128"),
// or nullopt for anything wider or malformed (malformed CIDRs are Sanitize's).
std::optional<Address> SingleHost(std::string_view text) {
  std::string ip(text);
  std::optional<int> bits;
  if (size_t slash = ip.find('/'); slash != std::string::npos) {
    const std::string suffix = ip.substr(slash + 1);
    if (suffix.empty() || suffix.size() > 3 || suffix.find_first_not_of("0123456789") != std::string::npos) {
      return std::nullopt;
    }
    bits = std::stoi(suffix);
    ip.resize(slash);
  }
  Address address;
  if (inet_pton(AF_INET, ip.c_str(), address.bytes.data()) == 1) {
    if (bits && *bits != 32) return std::nullopt;
    return address;
  }
  if (inet_pton(AF_INET6, ip.c_str(), address.bytes.data()) == 1) {
    if (bits && *bits != 128) return std::nullopt;
    address.v6 = true;
    return address;
  }
  return std::nullopt;
}

bool IsPrivate(const Address& a) {
  if (a.v6) return (a.bytes[0] & 0xfe) == 0xfc;  // fc00::/7 unique local
  return a.bytes[0] == 10 || (a.bytes[0] == 172 && (a.bytes[1] & 0xf0) == 16) ||
         (a.bytes[0] == 192 && a.bytes[1] == 168);
}

void Check(const LintContext& ctx, const ir::Policy& policy, const ir::Cidr& cidr, std::string_view field,
           std::string_view selector_field) {
  const std::optional<Address> address = SingleHost(cidr.text);
  if (!address || !IsPrivate(*address)) return;
  ctx.Report(policy, ir::RuleId::kCidrSinglePrivateIp, cidr.location,
             fmt::format("`{}` in {} is a single private address, probably a pod or Service IP: those IPs "
                         "change, and Cilium never matches pod traffic by CIDR because pods keep their endpoint "
                         "identity (cilium-semantics.md 2.4, 8.2)",
                         cidr.text, field),
             fmt::format("Select the pod by its labels with {}; keep CIDR rules for addresses outside the "
                         "cluster.",
                         selector_field));
}

}  // namespace

void LintCidr(const LintContext& ctx) {
  for (const ir::Policy& policy : ctx.policies.policies) {
    ForEachPeerRule(policy, [&](const ir::Rule&, const ir::PeerRule& peer) {
      const std::string selector_field = PeerFieldName(peer, "Endpoints");
      if (peer.cidr) {
        for (const ir::Cidr& cidr : *peer.cidr) Check(ctx, policy, cidr, PeerFieldName(peer, "CIDR"), selector_field);
      }
      if (peer.cidr_set) {
        for (const ir::CidrRule& rule : *peer.cidr_set) {
          if (rule.cidr) Check(ctx, policy, *rule.cidr, PeerFieldName(peer, "CIDRSet"), selector_field);
        }
      }
    });
    if (policy.kind != ir::PolicyKind::kNetworkPolicy || !policy.network_policy) continue;
    const ir::NetworkPolicySpec& spec = *policy.network_policy;
    for (const auto* rules : {&spec.ingress, &spec.egress}) {
      if (!*rules) continue;
      for (const ir::NetworkPolicyRule& rule : **rules) {
        if (!rule.peers) continue;
        for (const ir::NetworkPolicyPeer& peer : *rule.peers) {
          if (peer.ip_block) Check(ctx, policy, peer.ip_block->cidr, "ipBlock", "podSelector/namespaceSelector");
        }
      }
    }
  }
}

}  // namespace polc::verifier
