// FQDN lints over toFQDNs and DNS L7 rules (rules.dns), cilium-semantics.md 6:
//   fqdn-never-matches  names/patterns no DNS name can match
//   fqdn-too-broad      toFQDNs patterns whose only fixed part is at most one label
//   fqdn-double-star    `**.` before 1.19, and `**` where it is just `*`
//
// Matching model (6.1-6.4): names and patterns are lower-cased and given a
// trailing dot; each run of `*` matches zero or more of [-a-zA-Z0-9_] and never
// crosses a dot; since 1.19 a leading `**.` matches one or more whole labels.
// Characters the agent's Sanitize rejects (every non-DNS character in
// matchName; in matchPattern since 1.19) are left to Sanitize (invalid-fqdn).
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "verifier/lint_family.h"

namespace polc::verifier {

namespace {

constexpr size_t kMaxLabelLength = 63;  // RFC 1035
constexpr size_t kMaxNameLength = 253;

struct FqdnText {
  std::string_view field;  // "toFQDNs" or "rules.dns"
  std::string_view kind;   // "matchName" or "matchPattern"
  const std::string& text;
  ir::SourceLocation location;
  bool pattern() const { return kind == "matchPattern"; }
};

// Lower-cased, without the one trailing dot Cilium would add anyway.
std::string Normalize(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!out.empty() && out.back() == '.') out.pop_back();
  return out;
}

std::vector<std::string_view> SplitLabels(std::string_view name) {
  std::vector<std::string_view> labels;
  size_t start = 0;
  while (true) {
    const size_t dot = name.find('.', start);
    labels.push_back(name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) return labels;
    start = dot + 1;
  }
}

bool IsDnsChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}
bool AllStars(std::string_view label) {
  return !label.empty() && label.find_first_not_of('*') == label.npos;
}

// Why no DNS name can match, or empty.
std::string NeverMatchesReason(const LintContext& ctx, const FqdnText& fqdn, const std::string& name) {
  if (name.empty()) return "it has no label at all";
  if (name.front() == '.') return "it starts with '.', and DNS names never have an empty first label";
  if (name.find("..") != std::string::npos) return "it contains an empty label (`..`)";
  // Sanitize rejects other characters in matchName always and in matchPattern
  // since 1.19; before that, only []+{}, were rejected (6.5).
  if (fqdn.pattern() && ctx.settings.version.Before(1, 19)) {
    for (char c : name) {
      if (IsDnsChar(c) || c == '.' || c == '*' || std::string_view("[]+{},").find(c) != std::string_view::npos) {
        continue;
      }
      return fmt::format("it contains '{}', which never occurs in a DNS name (letters, digits, '-', '_')", c);
    }
  }
  size_t fixed_total = 0;
  for (std::string_view label : SplitLabels(name)) {
    const size_t fixed =
        static_cast<size_t>(std::count_if(label.begin(), label.end(), [](char c) { return c != '*'; }));
    if (fixed > kMaxLabelLength) return fmt::format("a label is longer than {} characters", kMaxLabelLength);
    fixed_total += fixed + 1;
  }
  if (fixed_total > kMaxNameLength) return fmt::format("it is longer than {} characters", kMaxNameLength);
  return {};
}

// Why a pattern matches too much, or empty.
std::string TooBroadReason(const LintContext& ctx, const std::string& name) {
  if (name.find('*') == std::string::npos) return {};
  const std::vector<std::string_view> labels = SplitLabels(name);
  const auto fixed = std::count_if(labels.begin(), labels.end(), [](std::string_view l) { return !AllStars(l); });
  if (fixed == 0) {
    // main treats any run of `*` as match-all; 1.18 only `*` itself (6.3).
    if (labels.size() == 1 && (labels[0] == "*" || ctx.settings.version.AtLeast(1, 19))) {
      return "it matches every DNS name";
    }
    const bool spans = labels.front() == "**" && ctx.settings.version.AtLeast(1, 19);
    return fmt::format("it has no fixed label, so it matches every name of {} labels{}", labels.size(),
                       spans ? " or more" : "");
  }
  const std::string_view last = labels.back();
  if (fixed == 1 && !AllStars(last) && last.find('*') == std::string_view::npos) {
    return fmt::format(
        "its only fixed part is the top-level label `{}`, so it matches names under the whole "
        "`.{}` domain",
        last, last);
  }
  return {};
}

void Check(const LintContext& ctx, const ir::Policy& policy, const FqdnText& fqdn) {
  const std::string name = Normalize(fqdn.text);
  if (std::string reason = NeverMatchesReason(ctx, fqdn, name); !reason.empty()) {
    ctx.Report(policy, ir::RuleId::kFqdnNeverMatches, fqdn.location,
               fmt::format("{} `{}` in {} can never match a DNS query: {} (cilium-semantics.md 6.1, 6.5)", fqdn.kind,
                           fqdn.text, fqdn.field, reason),
               "Write a name of labels separated by single dots, e.g. `api.example.com`; in patterns `*` stands "
               "for part of one label.");
    return;
  }
  if (!fqdn.pattern()) return;
  // Only toFQDNs decides which destinations are allowed. A DNS rule only
  // filters which queries the proxy answers, and `matchPattern: "*"` there is
  // the documented way to let toFQDNs see every response (6.6; Cilium's own
  // examples use it throughout), so breadth in rules.dns is not reported.
  if (std::string reason = fqdn.field == "toFQDNs" ? TooBroadReason(ctx, name) : std::string(); !reason.empty()) {
    ctx.Report(policy, ir::RuleId::kFqdnTooBroad, fqdn.location,
               fmt::format("matchPattern `{}` in {} is too broad: {} (cilium-semantics.md 6.2, 6.3)", fqdn.text,
                           fqdn.field, reason),
               "Narrow the pattern to the domains you mean, e.g. `*.example.com`.");
  }
  const std::vector<std::string_view> labels = SplitLabels(name);
  const bool all_stars = std::all_of(labels.begin(), labels.end(), AllStars);
  if (all_stars) return;  // match-all or its depth-limited cousins: reported as too broad
  if (labels.size() > 1 && labels.front() == "**" && ctx.settings.version.Before(1, 19)) {
    ctx.Report(policy, ir::RuleId::kFqdnDoubleStar, fqdn.location,
               fmt::format("`**.` in matchPattern `{}` means \"one or more labels\" only since Cilium 1.19; in {} "
                           "it matches exactly one label, like `*.` (cilium-semantics.md 6.4)",
                           fqdn.text, ctx.settings.version.ToString()),
               "Set ciliumVersion to 1.19 or later if that is the target, or list each subdomain depth "
               "(`*.x`, `*.*.x`).");
    return;
  }
  const size_t first_double = name.find("**");
  const bool leading_prefix = labels.front() == "**" && labels.size() > 1;
  if (first_double != std::string::npos && !(leading_prefix && name.find("**", 2) == std::string::npos)) {
    ctx.Report(policy, ir::RuleId::kFqdnDoubleStar, fqdn.location,
               fmt::format("`**` in matchPattern `{}` is not a leading `**.` prefix, so it behaves like `*` and "
                           "stays within one label (cilium-semantics.md 6.2, 6.4)",
                           fqdn.text),
               "Use `*` inside a label, and `**.` only at the start of the pattern.");
  }
}

void CheckSelectors(const LintContext& ctx, const ir::Policy& policy, std::string_view field,
                    const std::vector<ir::FqdnSelector>& selectors) {
  for (const ir::FqdnSelector& selector : selectors) {
    if (selector.match_name) Check(ctx, policy, {field, "matchName", *selector.match_name, selector.location});
    if (selector.match_pattern) {
      Check(ctx, policy, {field, "matchPattern", *selector.match_pattern, selector.location});
    }
  }
}

}  // namespace

void LintFqdn(const LintContext& ctx) {
  for (const ir::Policy& policy : ctx.policies.policies) {
    ForEachPeerRule(policy, [&](const ir::Rule&, const ir::PeerRule& peer) {
      if (peer.fqdns) CheckSelectors(ctx, policy, "toFQDNs", *peer.fqdns);
      if (!peer.to_ports) return;
      for (const ir::PortRule& port_rule : *peer.to_ports) {
        if (port_rule.rules && port_rule.rules->dns) CheckSelectors(ctx, policy, "rules.dns", *port_rule.rules->dns);
      }
    });
  }
}

}  // namespace polc::verifier
