// HTTP rules as Cilium's Envoy filter evaluates them (cilium-semantics.md 7.1-7.4;
// pkg/envoy/policy envoy_l7_rules_translator.go getHTTPRule).
#include <optional>
#include <string>
#include <string_view>

#include "verifier/l7_match.h"
#include "verifier/l7_regex_cache.h"

namespace polc::verifier {
namespace {

char LowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (LowerAscii(a[i]) != LowerAscii(b[i])) return false;
  }
  return true;
}

// HTTP header names are case-insensitive (Envoy lower-cases them); values are
// compared as sent.
const std::string* FindHeader(const ir::HttpRequest& request, std::string_view name) {
  for (const auto& [key, value] : request.headers) {
    if (EqualsIgnoreCase(key, name)) return &value;
  }
  return nullptr;
}

// 7.2: "Name value" / "Name: value" is an exact value match; a single token
// is a presence check on a header with exactly that name, so "X-Key:v" asks
// for a header literally called "X-Key:v".
bool HeaderEntryMatches(std::string_view entry, const ir::HttpRequest& request) {
  const size_t space = entry.find(' ');
  if (space == std::string_view::npos) return FindHeader(request, entry) != nullptr;
  std::string_view name = entry.substr(0, space);
  while (!name.empty() && name.back() == ':') name.remove_suffix(1);
  const std::string_view value = entry.substr(space + 1);
  const std::string* actual = FindHeader(request, name);
  return actual != nullptr && *actual == value;
}

// 7.3. With a mismatch action (LOG, ADD, DELETE, REPLACE) Cilium's filter
// logs or rewrites the header and lets the request through, so the entry
// never decides the verdict. Without one (FAIL, the default), an inline value
// is an exact match and an empty value with no secret is a presence check.
// A secret's value lives in the cluster and polc cannot know it offline: the
// entry is treated as not matching, the conservative answer (the request is
// denied unless another rule allows it).
bool HeaderMatchMatches(const ir::HeaderMatch& match, const ir::HttpRequest& request) {
  if (match.mismatch != ir::HeaderMismatch::kNone) return true;
  if (match.secret.has_value()) return false;
  const std::string* actual = FindHeader(request, match.name);
  if (actual == nullptr) return false;
  return match.value.empty() || *actual == match.value;
}

// 7.1: path, method and host are Envoy safe_regex matchers: RE2, whole value.
bool FieldMatches(const std::optional<ir::Located>& pattern, std::string_view value) {
  return !pattern.has_value() || internal::RegexFullMatch(pattern->text, value);
}

}  // namespace

bool HttpRuleMatches(const ir::HttpRule& rule, const ir::HttpRequest& request) {
  if (!FieldMatches(rule.path, request.path)) return false;
  if (!FieldMatches(rule.method, request.method)) return false;
  if (!FieldMatches(rule.host, request.host)) return false;
  for (const auto& entry : rule.headers) {
    if (!HeaderEntryMatches(entry.text, request)) return false;
  }
  for (const auto& match : rule.header_matches) {
    if (!HeaderMatchMatches(match, request)) return false;
  }
  return true;
}

bool HttpAllowed(const std::vector<ir::HttpRule>& rules, const ir::HttpRequest& request) {
  for (const auto& rule : rules) {
    if (HttpRuleMatches(rule, request)) return true;
  }
  return false;
}

}  // namespace polc::verifier
