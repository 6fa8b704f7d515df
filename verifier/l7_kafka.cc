// Kafka requests against Kafka rules (cilium-semantics.md 1.8 and 7.5). Kafka
// rules exist up to 1.19; the evaluator decides whether the version has them,
// this file only says whether a request fits a rule.
#include <algorithm>
#include <array>
#include <charconv>
#include <optional>
#include <string>
#include <string_view>

#include "verifier/l7_match.h"

namespace polc::verifier {
namespace {

std::string LowerAscii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// 1.8: the API keys a role stands for.
constexpr std::array<std::string_view, 3> kProduceKeys = {"produce", "metadata", "apiversions"};
constexpr std::array<std::string_view, 11> kConsumeKeys = {
    "fetch",     "offsets",   "metadata",   "offsetcommit", "offsetfetch", "findcoordinator",
    "joingroup", "heartbeat", "leavegroup", "syncgroup",    "apiversions"};

template <size_t N>
bool Contains(const std::array<std::string_view, N>& keys, std::string_view key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

bool RoleAllows(std::string_view role, std::string_view api_key) {
  const std::string lowered_role = LowerAscii(role);
  if (lowered_role == "produce") return Contains(kProduceKeys, api_key);
  if (lowered_role == "consume") return Contains(kConsumeKeys, api_key);
  return false;  // Sanitize rejects other roles
}

std::optional<int> ParseVersion(std::string_view text) {
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// apiVersion is an int16 in Cilium, so "01" and "1" are the same version.
bool VersionMatches(std::string_view rule, std::string_view request) {
  const auto rule_number = ParseVersion(rule);
  const auto request_number = ParseVersion(request);
  if (rule_number.has_value() && request_number.has_value()) return *rule_number == *request_number;
  return rule == request;
}

}  // namespace

// Every field that is set must match; an empty field matches anything. A
// request without a topic does not match a rule that names one.
bool KafkaRuleMatches(const ir::KafkaRule& rule, const ir::KafkaRequest& request) {
  const std::string api_key = LowerAscii(request.api_key);
  if (!rule.role.empty() && !RoleAllows(rule.role, api_key)) return false;
  if (!rule.api_key.empty() && LowerAscii(rule.api_key) != api_key) return false;
  if (!rule.api_version.empty() && !VersionMatches(rule.api_version, request.api_version)) return false;
  if (!rule.client_id.empty() && rule.client_id != request.client_id) return false;
  if (!rule.topic.empty() && rule.topic != request.topic) return false;
  return true;
}

bool KafkaAllowed(const std::vector<ir::KafkaRule>& rules, const ir::KafkaRequest& request) {
  for (const auto& rule : rules) {
    if (KafkaRuleMatches(rule, request)) return true;
  }
  return false;
}

}  // namespace polc::verifier
