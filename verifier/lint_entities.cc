// unknown-entity and entity-not-in-crd (cilium-semantics.md 5.1, 1.13).
//
// polc reports entity problems here rather than in Sanitize so that each bad
// entity gets exactly one finding: an unknown name makes the agent reject
// the rule ("unsupported entity"), and world-ipv4/world-ipv6, which the agent
// knows, are refused earlier by the CRD enum.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "verifier/lint_family.h"

namespace polc::verifier {

namespace {

// The CRD enum (ciliumnetworkpolicies.yaml), the same for 1.16-1.20.
constexpr std::array<std::string_view, 11> kCrdEntities = {"all",    "world",   "cluster",       "host",
                                                           "init",   "ingress", "unmanaged",     "remote-node",
                                                           "health", "none",    "kube-apiserver"};
// In EntitySelectorMapping but not in the CRD enum.
constexpr std::array<std::string_view, 2> kAgentOnlyEntities = {"world-ipv4", "world-ipv6"};

bool In(std::string_view name, const auto& list) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Levenshtein distance, small inputs only.
size_t Distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string HintFor(std::string_view name) {
  const std::string lower = Lower(name);
  if (lower == "kube-dns" || lower == "coredns" || lower == "dns") {
    return "DNS pods are not an entity: select them with toEndpoints, e.g. "
           "`{matchLabels: {k8s:io.kubernetes.pod.namespace: kube-system, k8s:k8s-app: kube-dns}}`.";
  }
  std::string_view best;
  size_t best_distance = 3;  // suggest only close matches
  for (std::string_view known : kCrdEntities) {
    const size_t d = Distance(lower, known);
    if (d < best_distance) {
      best = known;
      best_distance = d;
    }
  }
  if (!best.empty()) return fmt::format("Did you mean `{}`? Entity names are lower-case.", best);
  return "Use one of: all, world, cluster, host, init, ingress, unmanaged, remote-node, health, none, "
         "kube-apiserver; select pods with from/toEndpoints.";
}

void LintEntity(const LintContext& ctx, const ir::Policy& policy, const ir::PeerRule& peer, const ir::Entity& entity) {
  if (In(entity.name, kCrdEntities)) return;
  const std::string field = PeerFieldName(peer, "Entities");
  if (In(entity.name, kAgentOnlyEntities)) {
    ctx.Report(policy, ir::RuleId::kEntityNotInCrd, entity.location,
               fmt::format("`{}` in {} is known to the Cilium agent but not listed in the CRD enum, so the API "
                           "server rejects the policy (cilium-semantics.md 5.1)",
                           entity.name, field),
               fmt::format("Use `world`, or {} `{}` to select one address family.", PeerFieldName(peer, "CIDR"),
                           entity.name == "world-ipv4" ? "0.0.0.0/0" : "::/0"));
    return;
  }
  ctx.Report(policy, ir::RuleId::kUnknownEntity, entity.location,
             fmt::format("`{}` in {} is not an entity; the CRD enum rejects it, and the agent's Sanitize fails "
                         "with \"unsupported entity\" (cilium-semantics.md 5.1, 1.13)",
                         entity.name, field),
             HintFor(entity.name));
}

}  // namespace

void LintEntities(const LintContext& ctx) {
  for (const ir::Policy& policy : ctx.policies.policies) {
    ForEachPeerRule(policy, [&](const ir::Rule&, const ir::PeerRule& peer) {
      if (!peer.entities) return;
      for (const ir::Entity& entity : *peer.entities) LintEntity(ctx, policy, peer, entity);
    });
  }
}

}  // namespace polc::verifier
