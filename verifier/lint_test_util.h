// Test-only helpers: build small IR policies by hand and run the lints on
// them. Locations are synthetic (file 0, the given line) so tests can check
// that a finding points at the offending node.
#pragma once

#include <algorithm>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "ir/diagnostic.h"
#include "ir/policy.h"
#include "ir/settings.h"
#include "verifier/lints.h"

namespace polc::verifier::test {

inline ir::SourceLocation At(uint32_t line, uint32_t column = 1) {
  return {0, line, column};
}

inline ir::LabelSelector Selector(std::initializer_list<std::pair<std::string, std::string>> labels,
                                  uint32_t line = 0) {
  ir::LabelSelector selector;
  selector.location = At(line);
  for (const auto& [key, value] : labels) {
    selector.match_labels.push_back({ir::ParseLabelKey(key), value, At(line)});
  }
  return selector;
}

inline ir::SelectorRequirement Requirement(std::string key, ir::SelectorOperator op, std::vector<std::string> values,
                                           uint32_t line) {
  return {ir::ParseLabelKey(key), op, std::move(values), At(line)};
}

inline ir::PeerRule Peer(ir::Direction direction, uint32_t line, bool deny = false) {
  ir::PeerRule peer;
  peer.direction = direction;
  peer.deny = deny;
  peer.location = At(line);
  return peer;
}
inline ir::PeerRule Ingress(uint32_t line) {
  return Peer(ir::Direction::kIngress, line);
}
inline ir::PeerRule Egress(uint32_t line) {
  return Peer(ir::Direction::kEgress, line);
}

inline ir::PeerRule FromEndpoints(ir::PeerRule peer, ir::LabelSelector selector) {
  peer.endpoints = std::vector<ir::LabelSelector>{std::move(selector)};
  return peer;
}

inline ir::PortProtocol Port(std::string port, ir::Protocol protocol = ir::Protocol::kTcp, uint32_t line = 0) {
  ir::PortProtocol p;
  p.port = std::move(port);
  p.protocol = protocol;
  p.protocol_given = true;
  p.location = At(line);
  p.port_location = At(line);
  return p;
}

inline ir::PortRule Ports(std::initializer_list<std::string> ports, uint32_t line = 0) {
  ir::PortRule rule;
  rule.location = At(line);
  for (const std::string& port : ports) rule.ports.push_back(Port(port, ir::Protocol::kTcp, line));
  return rule;
}

inline ir::PortRule HttpPorts(std::string port, std::vector<ir::HttpRule> http, uint32_t line) {
  ir::PortRule rule = Ports({std::move(port)}, line);
  rule.rules.emplace();
  rule.rules->location = At(line);
  rule.rules->http = std::move(http);
  return rule;
}

inline ir::PortRule DnsPorts(std::vector<ir::FqdnSelector> dns, uint32_t line) {
  ir::PortRule rule;
  rule.location = At(line);
  rule.ports.push_back(Port("53", ir::Protocol::kUdp, line));
  rule.rules.emplace();
  rule.rules->location = At(line);
  rule.rules->dns = std::move(dns);
  return rule;
}

inline ir::Located Text(std::string text, uint32_t line) {
  return {std::move(text), At(line)};
}

inline ir::FqdnSelector MatchName(std::string name, uint32_t line) {
  ir::FqdnSelector s;
  s.match_name = std::move(name);
  s.location = At(line);
  return s;
}
inline ir::FqdnSelector MatchPattern(std::string pattern, uint32_t line) {
  ir::FqdnSelector s;
  s.match_pattern = std::move(pattern);
  s.location = At(line);
  return s;
}

// One rule selecting app=web (line 5), with the given sections.
inline ir::Rule WebRule(std::optional<std::vector<ir::PeerRule>> ingress,
                        std::optional<std::vector<ir::PeerRule>> egress = std::nullopt) {
  ir::Rule rule;
  rule.location = At(4);
  rule.endpoint_selector = Selector({{"app", "web"}}, 5);
  rule.ingress = std::move(ingress);
  rule.egress = std::move(egress);
  return rule;
}

inline ir::Policy Cnp(std::vector<ir::Rule> rules, std::string name = "web", std::string ns = "prod") {
  ir::Policy policy;
  policy.kind = ir::PolicyKind::kCiliumNetworkPolicy;
  policy.api_version = "cilium.io/v2";
  policy.meta.name = std::move(name);
  policy.meta.namespace_ = std::move(ns);
  policy.meta.location = At(1);
  policy.meta.name_location = At(3, 9);
  policy.rules = std::move(rules);
  policy.object = 7;  // any value: tests check that findings carry it
  return policy;
}

inline ir::Policy Ccnp(std::vector<ir::Rule> rules, std::string name = "web") {
  ir::Policy policy = Cnp(std::move(rules), std::move(name), "");
  policy.kind = ir::PolicyKind::kCiliumClusterwideNetworkPolicy;
  return policy;
}

inline std::vector<ir::Diagnostic> Lint(const ir::PolicySet& set, const ir::Settings& settings = {}) {
  ir::DiagnosticSink sink;
  RunLints(set, settings, sink);
  return sink.diagnostics();
}

inline std::vector<ir::Diagnostic> Lint(const ir::Policy& policy, const ir::Settings& settings = {}) {
  ir::PolicySet set;
  set.policies.push_back(policy);
  return Lint(set, settings);
}

inline size_t Count(const std::vector<ir::Diagnostic>& diagnostics, ir::RuleId rule) {
  return static_cast<size_t>(std::count_if(diagnostics.begin(), diagnostics.end(),
                                           [rule](const ir::Diagnostic& d) { return d.rule == rule; }));
}

inline const ir::Diagnostic* Find(const std::vector<ir::Diagnostic>& diagnostics, ir::RuleId rule) {
  auto it =
      std::find_if(diagnostics.begin(), diagnostics.end(), [rule](const ir::Diagnostic& d) { return d.rule == rule; });
  return it == diagnostics.end() ? nullptr : &*it;
}

// "rule-id@line" for every finding, for readable test failures.
inline std::string Summary(const std::vector<ir::Diagnostic>& diagnostics) {
  std::string out;
  for (const ir::Diagnostic& d : diagnostics) {
    out += std::string(ir::Info(d.rule).id) + "@" + std::to_string(d.location.line) + " ";
  }
  return out;
}

inline ir::Settings Version(int major, int minor) {
  ir::Settings settings;
  settings.version = {major, minor};
  return settings;
}

}  // namespace polc::verifier::test
