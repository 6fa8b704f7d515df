// L7 matching as Cilium's proxies do it (cilium-semantics.md sections 6 and 7):
// HTTP rules as Envoy evaluates them (RE2, full match), DNS names against
// matchName/matchPattern per Cilium version, and Kafka requests. Pure
// functions over IR values, used by the reference evaluator.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ir/policy.h"
#include "ir/policy_test.h"
#include "ir/settings.h"

namespace polc::verifier {

// 7.1-7.3: every field of the rule must match (AND); an empty rule matches
// every request. Path, method and host are RE2 full matches; `headers`
// entries are exact-value or presence checks (7.2); headerMatches compare
// values exactly, and a mismatch with an action (LOG/ADD/DELETE/REPLACE)
// still lets the request through (7.3).
bool HttpRuleMatches(const ir::HttpRule& rule, const ir::HttpRequest& request);
// 7.4: the rules of a list are ORed.
bool HttpAllowed(const std::vector<ir::HttpRule>& rules, const ir::HttpRequest& request);

// 6.1: lower-case and append the final dot.
std::string NormalizeDnsName(std::string_view name);
// 6.2-6.5: whether `name` matches the FQDN selector (matchName exactly after
// normalisation, or matchPattern with the version's wildcard rules).
bool FqdnMatches(const ir::FqdnSelector& selector, std::string_view name, const ir::CiliumVersion& version);
bool DnsAllowed(const std::vector<ir::FqdnSelector>& rules, std::string_view query, const ir::CiliumVersion& version);

// 1.8 / 7.5: Kafka rules (role expansion, apiKey, apiVersion, clientID, topic).
bool KafkaRuleMatches(const ir::KafkaRule& rule, const ir::KafkaRequest& request);
bool KafkaAllowed(const std::vector<ir::KafkaRule>& rules, const ir::KafkaRequest& request);

}  // namespace polc::verifier
