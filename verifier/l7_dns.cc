// DNS names against matchName / matchPattern, per Cilium version
// (cilium-semantics.md section 6; pkg/fqdn/matchpattern, pkg/fqdn/dns).
//
// A pattern is turned into an anchored RE2 expression the way Cilium does it,
// then matched against the normalised query name:
//   * a run of `*` is `[-a-zA-Z0-9_]*`: zero or more DNS characters within
//     one label (6.2);
//   * a match-all pattern selects every well-formed name (6.3);
//   * since 1.19 a leading `**.` is one or more whole labels (6.4); before,
//     it is just a `*` run, so `**.x` behaves like `*.x`.
#include <string>
#include <string_view>

#include "verifier/l7_dns_internal.h"
#include "verifier/l7_match.h"
#include "verifier/l7_regex_cache.h"

namespace polc::verifier {
namespace {

constexpr std::string_view kDnsChar = "[-a-zA-Z0-9_]";
// 6.3: one or more labels each ending in a dot, or the root alone.
constexpr std::string_view kMatchAllRegex = "(^([-a-zA-Z0-9_]+[.])+$)|(^[.]$)";
// 6.4: the expansion of a leading `**.`.
constexpr std::string_view kLabelsPrefixRegex = "([-a-zA-Z0-9_]+([.][-a-zA-Z0-9_]+)*)[.]";

std::string_view TrimSpace(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::string LowerAscii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// 6.1/6.3: which patterns select everything. 1.18 and earlier: only `*`.
// Since 1.19 any run of `*` with at most one final dot (`**`, `*.`, `**.`).
bool IsMatchAll(std::string_view pattern, const ir::CiliumVersion& version) {
  if (pattern == "*") return true;
  if (version.Before(1, 19)) return false;
  if (!pattern.empty() && pattern.back() == '.') pattern.remove_suffix(1);
  return !pattern.empty() && pattern.find_first_not_of('*') == std::string_view::npos;
}

bool IsRegexMeta(char c) {
  return std::string_view("\\^$.|?*+()[]{}").find(c) != std::string_view::npos;
}

// The anchored expression for a normalised, non-match-all pattern.
std::string PatternRegex(std::string_view pattern, const ir::CiliumVersion& version) {
  std::string regex = "^";
  if (version.AtLeast(1, 19) && pattern.substr(0, 3) == "**.") {
    regex += kLabelsPrefixRegex;
    pattern.remove_prefix(3);
  }
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '*') {
      while (i + 1 < pattern.size() && pattern[i + 1] == '*') ++i;
      regex += kDnsChar;
      regex += '*';
    } else if (c == '.') {
      regex += "[.]";
    } else {
      // Sanitize allows only DNS characters here; anything else is quoted so
      // that an unchecked pattern still means its literal text.
      if (IsRegexMeta(c)) regex += '\\';
      regex += c;
    }
  }
  regex += '$';
  return regex;
}

}  // namespace

bool internal::MatchPatternMatchesRaw(std::string_view pattern, std::string_view name,
                                      const ir::CiliumVersion& version) {
  const std::string lowered = LowerAscii(TrimSpace(pattern));
  if (IsMatchAll(lowered, version)) return RegexFullMatch(kMatchAllRegex, name);
  return RegexFullMatch(PatternRegex(NormalizeDnsName(lowered), version), name);
}

// An empty name stays empty rather than becoming the root ".": a query with no
// name is not a DNS name and must not match a match-all pattern.
std::string NormalizeDnsName(std::string_view name) {
  std::string out = LowerAscii(TrimSpace(name));
  if (!out.empty() && out.back() != '.') out += '.';
  return out;
}

bool FqdnMatches(const ir::FqdnSelector& selector, std::string_view name, const ir::CiliumVersion& version) {
  const std::string normalized = NormalizeDnsName(name);
  if (selector.match_name.has_value()) {
    return !normalized.empty() && NormalizeDnsName(*selector.match_name) == normalized;
  }
  if (selector.match_pattern.has_value()) {
    return !normalized.empty() && internal::MatchPatternMatchesRaw(*selector.match_pattern, normalized, version);
  }
  return false;
}

bool DnsAllowed(const std::vector<ir::FqdnSelector>& rules, std::string_view query, const ir::CiliumVersion& version) {
  for (const auto& rule : rules) {
    if (FqdnMatches(rule, query, version)) return true;
  }
  return false;
}

}  // namespace polc::verifier
