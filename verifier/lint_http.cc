// HTTP rule lints (cilium-semantics.md 1.7, 7.1, 7.2):
//   invalid-http-regex         `host` is not valid RE2 (path/method are
//                              checked by Sanitize; host is not, 1.7)
//   http-path-not-absolute     a path regex no request path can match
//   http-path-full-match       a literal path ending in '/' (info)
//   http-header-presence-only  `X-Key:v` without a space
//
// Envoy matches :path and :authority with RE2 safe_regex, full match (7.1), so
// RE2 is the right judge here, not std::regex.
#include <fmt/format.h>
#include <re2/re2.h>

#include <string>
#include <string_view>

#include "verifier/lint_family.h"

namespace polc::verifier {

namespace {

RE2::Options QuietOptions() {
  RE2::Options options;
  options.set_log_errors(false);
  return options;
}

void LintHost(const LintContext& ctx, const ir::Policy& policy, const ir::Located& host) {
  const RE2 re(host.text, QuietOptions());
  if (re.ok()) return;
  ctx.Report(policy, ir::RuleId::kInvalidHttpRegex, host.location,
             fmt::format("host `{}` is not a valid RE2 regular expression ({}); Cilium does not check `host`, "
                         "so the policy is accepted but Envoy cannot use the rule (cilium-semantics.md 1.7, 7.1)",
                         host.text, re.error()),
             "Fix the regular expression; escape dots in host names (`api\\.example\\.com`).");
}

// Whether some string starting with '/' can fully match `path`. Uses RE2's
// PossibleMatchRange over the anchored regex: every match lies in
// [min, max], and the strings starting with '/' are exactly those in
// ["/", "0"). Returns true when RE2 cannot tell (e.g. a leading `.*`).
bool CanMatchAbsolutePath(const std::string& path) {
  const RE2 re("^(?:" + path + ")$", QuietOptions());
  if (!re.ok()) return true;  // invalid regexes are Sanitize's (invalid-http-regex)
  std::string min;
  std::string max;
  if (!re.PossibleMatchRange(&min, &max, 8)) return true;
  return !(max < "/") && min < "0";
}

bool IsLiteral(std::string_view text) {
  return text.find_first_of(".[]()*+?{}|^$\\") == std::string_view::npos;
}

void LintPath(const LintContext& ctx, const ir::Policy& policy, const ir::Located& path) {
  if (path.text.empty()) return;  // no constraint
  if (!CanMatchAbsolutePath(path.text)) {
    ctx.Report(policy, ir::RuleId::kHttpPathNotAbsolute, path.location,
               fmt::format("path `{}` cannot match any request path: request paths start with '/', and Envoy "
                           "matches the whole path against the regex (cilium-semantics.md 7.1)",
                           path.text),
               fmt::format("Start the path with '/', e.g. `/{}`.", path.text));
    return;
  }
  if (path.text.size() > 1 && path.text.back() == '/' && IsLiteral(path.text)) {
    ctx.Report(policy, ir::RuleId::kHttpPathPrefix, path.location,
               fmt::format("path `{}` is a full-match regex: it matches only `{}` itself, not the paths below it "
                           "(cilium-semantics.md 7.1)",
                           path.text, path.text),
               fmt::format("Write `{}.*` to allow every path under it.", path.text));
  }
}

// `headers` entries are split on the first space (7.2); an entry without a
// space is a presence check for a header with that whole name, so `X-Key:v`
// asks for a header literally named "X-Key:v". A lone trailing ':' is
// trimmed by Cilium and is fine.
void LintHeader(const LintContext& ctx, const ir::Policy& policy, const ir::Located& header) {
  const std::string& text = header.text;
  if (text.find(' ') != std::string::npos) return;
  const size_t colon = text.find(':', 1);
  if (colon == std::string::npos || colon + 1 >= text.size()) return;
  const std::string name = text.substr(0, colon);
  const std::string value = text.substr(colon + 1);
  ctx.Report(policy, ir::RuleId::kHttpHeaderPresenceOnly, header.location,
             fmt::format("headers entry `{}` has no space, so Cilium only checks that a header named `{}` is "
                         "present; it does not match header `{}` with value `{}` (cilium-semantics.md 7.2)",
                         text, text, name, value),
             fmt::format("Write `{}: {}` (with a space) to match the value.", name, value));
}

void LintHttpRule(const LintContext& ctx, const ir::Policy& policy, const ir::HttpRule& rule) {
  if (rule.host) LintHost(ctx, policy, *rule.host);
  if (rule.path) LintPath(ctx, policy, *rule.path);
  for (const ir::Located& header : rule.headers) LintHeader(ctx, policy, header);
}

}  // namespace

void LintHttp(const LintContext& ctx) {
  for (const ir::Policy& policy : ctx.policies.policies) {
    ForEachPeerRule(policy, [&](const ir::Rule&, const ir::PeerRule& peer) {
      if (!peer.to_ports) return;
      for (const ir::PortRule& port_rule : *peer.to_ports) {
        if (!port_rule.rules || !port_rule.rules->http) continue;
        for (const ir::HttpRule& rule : *port_rule.rules->http) LintHttpRule(ctx, policy, rule);
      }
    });
  }
}

}  // namespace polc::verifier
