// Sanitize checks of L7 rule bodies: HTTP (pkg/policy/api/http.go) and Kafka
// (proxy pkg/policy/api/kafka/kafka.go). cilium-semantics.md 1.7, 1.8.
#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

#include <fmt/format.h>
#include <re2/re2.h>

#include "compiler/sanitize_internal.h"

namespace polc::compiler::sanitize {
namespace {

// Cilium compiles path and method with Go's regexp, whose syntax is RE2's.
void CheckRegex(const std::optional<ir::Located>& field, std::string_view name, LowerContext& ctx) {
  if (!field || field->text.empty()) return;
  RE2::Options options;
  options.set_log_errors(false);
  RE2 regex(field->text, options);
  if (regex.ok()) return;
  ctx.Report(ir::RuleId::kInvalidHttpRegex, field->location,
             fmt::format("HTTP {} '{}' is not a valid regular expression ({}); {}", name, field->text, regex.error(),
                         kRejected),
             "escape regex metacharacters such as '(', '[', '*', '?' with '\\', or fix the expression");
}

}  // namespace

void CheckHttpRule(const ir::HttpRule& rule, LowerContext& ctx) {
  CheckRegex(rule.path, "path", ctx);
  CheckRegex(rule.method, "method", ctx);
  for (const ir::HeaderMatch& match : rule.header_matches) {
    if (match.name.empty()) {
      ctx.Report(ir::RuleId::kInvalidHeaderMatch, match.location,
                 fmt::format("header name missing in a headerMatches entry; {}", kRejected),
                 "add `name: <header>`");
    }
    if (match.secret && match.secret->name.empty()) {
      ctx.Report(ir::RuleId::kInvalidHeaderMatch, match.location,
                 fmt::format("secret name missing in the headerMatches entry for '{}'; {}", match.name, kRejected),
                 "give the secret's name (and namespace)");
    }
  }
}

namespace {

// Kafka's API keys by name (KafkaAPIKeyMap in the Cilium proxy's kafka
// package); matched case-insensitively.
constexpr std::array<std::string_view, 34> kKafkaApiKeys = {
    "produce",         "fetch",           "offsets",         "metadata",        "leaderandisr",
    "stopreplica",     "updatemetadata",  "controlledshutdown", "offsetcommit", "offsetfetch",
    "findcoordinator", "joingroup",       "heartbeat",       "leavegroup",      "syncgroup",
    "describegroups",  "listgroups",      "saslhandshake",   "apiversions",     "createtopics",
    "deletetopics",    "deleterecords",   "initproducerid",  "offsetforleaderepoch", "addpartitionstotxn",
    "addoffsetstotxn", "endtxn",          "writetxnmarkers", "txnoffsetcommit", "describeacls",
    "createacls",      "deleteacls",      "describeconfigs", "alterconfigs"};

std::string ToLower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// Go strconv.ParseInt(text, 10, 16): optional sign, decimal digits.
bool IsInt16(std::string_view text) {
  if (!text.empty() && text.front() == '+') {
    text.remove_prefix(1);
    if (text.empty() || text.front() == '-') return false;
  }
  int value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size() && value >= -32768 && value <= 32767;
}

}  // namespace

void CheckKafkaRule(const ir::KafkaRule& rule, LowerContext& ctx) {
  auto report = [&](std::string what, std::string hint) {
    ctx.Report(ir::RuleId::kInvalidKafka, rule.location, fmt::format("{}; {}", what, kRejected), std::move(hint));
  };
  if (!rule.role.empty() && !rule.api_key.empty()) {
    report(fmt::format("cannot set both role '{}' and apiKey '{}'", rule.role, rule.api_key),
           "use role for the produce/consume bundles, or apiKey for one request type, in separate entries");
  }
  if (!rule.api_key.empty()) {
    std::string key = ToLower(rule.api_key);
    if (std::find(kKafkaApiKeys.begin(), kKafkaApiKeys.end(), key) == kKafkaApiKeys.end()) {
      report(fmt::format("invalid Kafka apiKey '{}'", rule.api_key),
             "use a Kafka API key name such as produce, fetch, metadata, offsetcommit or createtopics");
    }
  }
  if (!rule.role.empty()) {
    std::string role = ToLower(rule.role);
    if (role != "produce" && role != "consume") {
      report(fmt::format("invalid Kafka role '{}'", rule.role), "role is produce or consume");
    }
  }
  if (!rule.api_version.empty() && !IsInt16(rule.api_version)) {
    report(fmt::format("invalid Kafka apiVersion '{}': it must be a 16-bit integer", rule.api_version),
           "write the version number, e.g. \"2\"");
  }
  if (rule.topic.size() > 255) {
    report(fmt::format("Kafka topic exceeds the maximum length of 255 ({} characters)", rule.topic.size()), {});
  } else if (!rule.topic.empty() && !std::all_of(rule.topic.begin(), rule.topic.end(), [](char c) {
               return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
             })) {
    report(fmt::format("invalid Kafka topic name '{}'", rule.topic),
           "topics use letters, digits, '.', '_' and '-' only; wildcards are not supported");
  }
}

}  // namespace polc::compiler::sanitize
