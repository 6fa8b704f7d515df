// Tests of compiler::Sanitize over IR built directly (cilium-semantics.md
// 1.13 and the limits of 1.4-1.12; version and option dependence from
// section 10). Each check is tested with its rule id and location, and the
// version/option-dependent ones in both directions.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "compiler/lower.h"
#include "compiler/sanitize_internal.h"
#include "ir/diagnostic.h"
#include "ir/policy.h"
#include "ir/settings.h"

namespace polc::compiler {
namespace {

using ir::RuleId;

ir::SourceLocation At(uint32_t line) { return {0, line, 3}; }

ir::Settings Version(int major, int minor) {
  ir::Settings settings;
  settings.version = {major, minor};
  return settings;
}

ir::LabelSelector Selector(std::vector<std::pair<std::string, std::string>> labels = {}, uint32_t line = 2) {
  ir::LabelSelector selector;
  selector.location = At(line);
  for (auto& [key, value] : labels) selector.match_labels.push_back({ir::ParseLabelKey(key), value, At(line)});
  return selector;
}

ir::PeerRule Peer(ir::Direction direction, uint32_t line = 10, bool deny = false) {
  ir::PeerRule peer;
  peer.direction = direction;
  peer.deny = deny;
  peer.location = At(line);
  return peer;
}

ir::PortProtocol Port(std::string port, ir::Protocol protocol, uint32_t line, int32_t end_port = 0) {
  ir::PortProtocol p;
  p.port = std::move(port);
  p.protocol = protocol;
  p.protocol_given = protocol != ir::Protocol::kAny;
  p.end_port = end_port;
  p.location = At(line);
  p.port_location = ir::SourceLocation{0, line, 9};
  return p;
}

ir::PortRule Ports(std::vector<ir::PortProtocol> ports, uint32_t line = 20) {
  ir::PortRule rule;
  rule.ports = std::move(ports);
  rule.location = At(line);
  return rule;
}

ir::L7Rules Http(uint32_t line = 30) {
  ir::L7Rules rules;
  rules.location = At(line);
  ir::HttpRule http;
  http.location = At(line + 1);
  rules.http = std::vector<ir::HttpRule>{http};
  return rules;
}

ir::L7Rules Dns(uint32_t line = 30) {
  ir::L7Rules rules;
  rules.location = At(line);
  ir::FqdnSelector dns;
  dns.match_pattern = "*";
  dns.location = At(line + 1);
  rules.dns = std::vector<ir::FqdnSelector>{dns};
  return rules;
}

// A CiliumNetworkPolicy with one rule (endpointSelector {}) holding `peer`
// in the section of its direction and kind.
ir::PolicySet WithPeer(const ir::PeerRule& peer, ir::PolicyKind kind = ir::PolicyKind::kCiliumNetworkPolicy,
                       bool host = false) {
  ir::Rule rule;
  rule.location = At(1);
  if (host) {
    rule.node_selector = Selector();
  } else {
    rule.endpoint_selector = Selector();
  }
  std::vector<ir::PeerRule> section{peer};
  if (peer.direction == ir::Direction::kIngress) {
    (peer.deny ? rule.ingress_deny : rule.ingress) = section;
  } else {
    (peer.deny ? rule.egress_deny : rule.egress) = section;
  }
  ir::Policy policy;
  policy.kind = kind;
  policy.object = 0;
  policy.rules.push_back(rule);
  ir::PolicySet set;
  set.policies.push_back(policy);
  return set;
}

ir::PolicySet WithRule(const ir::Rule& rule, ir::PolicyKind kind = ir::PolicyKind::kCiliumNetworkPolicy) {
  ir::Policy policy;
  policy.kind = kind;
  policy.object = 0;
  policy.rules.push_back(rule);
  ir::PolicySet set;
  set.policies.push_back(policy);
  return set;
}

ir::KafkaRule Kafka(std::string role, std::string api_key, std::string api_version, std::string topic) {
  ir::KafkaRule rule;
  rule.role = std::move(role);
  rule.api_key = std::move(api_key);
  rule.api_version = std::move(api_version);
  rule.topic = std::move(topic);
  return rule;
}

std::vector<ir::Diagnostic> Run(const ir::PolicySet& set, const ir::Settings& settings = {}) {
  ir::DiagnosticSink sink;
  Sanitize(set, settings, sink);
  return sink.diagnostics();
}

// Number of findings of `rule` at `line` (0: any line).
size_t Count(const std::vector<ir::Diagnostic>& diagnostics, RuleId rule, uint32_t line = 0) {
  return static_cast<size_t>(std::count_if(diagnostics.begin(), diagnostics.end(), [&](const ir::Diagnostic& d) {
    return d.rule == rule && (line == 0 || d.location.line == line);
  }));
}

std::string Ids(const std::vector<ir::Diagnostic>& diagnostics) {
  std::string out;
  for (const ir::Diagnostic& d : diagnostics) {
    out += std::string(ir::Info(d.rule).id) + "@" + std::to_string(d.location.line) + ": " + d.message + "\n";
  }
  return out;
}

}  // namespace

TEST_CASE("1.13 a valid rule has no findings", "[sanitize]") {
  ir::PeerRule peer = Peer(ir::Direction::kEgress);
  peer.endpoints = std::vector<ir::LabelSelector>{Selector({{"k8s:app.kubernetes.io/name", "db"}}, 11)};
  ir::PortRule ports = Ports({Port("80", ir::Protocol::kTcp, 21), Port("http", ir::Protocol::kTcp, 22)});
  ports.rules = Http();
  peer.to_ports = std::vector<ir::PortRule>{ports};
  auto found = Run(WithPeer(peer));
  INFO(Ids(found));
  CHECK(found.empty());
}

TEST_CASE("1.13 empty-rule: no section entries, since 1.17 only", "[sanitize]") {
  ir::Rule rule;
  rule.location = At(4);
  rule.endpoint_selector = Selector();
  rule.ingress = std::vector<ir::PeerRule>{};  // `ingress: []` does not count
  CHECK(Count(Run(WithRule(rule), Version(1, 17)), RuleId::kEmptyRule, 4) == 1);
  CHECK(Count(Run(WithRule(rule), Version(1, 19)), RuleId::kEmptyRule, 4) == 1);
  CHECK(Count(Run(WithRule(rule), Version(1, 16)), RuleId::kEmptyRule) == 0);
  rule.egress_deny = std::vector<ir::PeerRule>{Peer(ir::Direction::kEgress, 5, true)};
  CHECK(Count(Run(WithRule(rule), Version(1, 19)), RuleId::kEmptyRule) == 0);
}

TEST_CASE("1.1 node-selector-in-cnp: only clusterwide policies may use nodeSelector", "[sanitize]") {
  ir::Rule rule;
  rule.location = At(1);
  rule.node_selector = Selector({}, 3);
  rule.ingress = std::vector<ir::PeerRule>{Peer(ir::Direction::kIngress)};
  CHECK(Count(Run(WithRule(rule)), RuleId::kNodeSelectorInCnp, 3) == 1);
  CHECK(Count(Run(WithRule(rule, ir::PolicyKind::kCiliumClusterwideNetworkPolicy)), RuleId::kNodeSelectorInCnp) == 0);
}

TEST_CASE("1.13 invalid-selector: label keys and matchExpressions values as Kubernetes validates them",
          "[sanitize]") {
  auto run_with = [](ir::LabelSelector selector) {
    ir::PeerRule peer = Peer(ir::Direction::kIngress);
    peer.endpoints = std::vector<ir::LabelSelector>{std::move(selector)};
    return Run(WithPeer(peer));
  };
  SECTION("valid keys, including source prefixes and $host") {
    auto found = run_with(Selector({{"k8s:app", "x"},
                                    {"$host", ""},
                                    {"io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name", "default"},
                                    {"reserved:world", ""}}));
    INFO(Ids(found));
    CHECK(found.empty());
  }
  SECTION("a space in a key") { CHECK(Count(run_with(Selector({{"my app", "x"}}, 12)), RuleId::kInvalidSelector, 12) == 1); }
  SECTION("the source counts towards the 63-character name limit") {
    std::string key(60, 'a');  // "any." + 60 = 64 characters
    CHECK(Count(run_with(Selector({{key, "x"}}, 12)), RuleId::kInvalidSelector, 12) == 1);
    CHECK(run_with(Selector({{std::string(59, 'a'), "x"}}, 12)).empty());
  }
  SECTION("an upper-case prefix") {
    CHECK(Count(run_with(Selector({{"Example.com/app", "x"}}, 12)), RuleId::kInvalidSelector, 12) == 1);
  }
  SECTION("a matchExpressions value that is not a label value") {
    ir::LabelSelector selector = Selector();
    selector.match_expressions.push_back({ir::ParseLabelKey("app"), ir::SelectorOperator::kIn, {"ok", "-bad"}, At(13)});
    CHECK(Count(run_with(selector), RuleId::kInvalidSelector, 13) == 1);
  }
  SECTION("endpointSelector is checked too") {
    ir::Rule rule;
    rule.location = At(1);
    rule.endpoint_selector = Selector({{"k8s:bad key", "x"}}, 2);
    rule.ingress = std::vector<ir::PeerRule>{Peer(ir::Direction::kIngress)};
    CHECK(Count(Run(WithRule(rule)), RuleId::kInvalidSelector, 2) == 1);
  }
}

TEST_CASE("1.13 unsupported-combination: peer kinds are pairwise exclusive", "[sanitize]") {
  SECTION("ingress fromEndpoints + fromCIDR, reported at the later one") {
    ir::PeerRule peer = Peer(ir::Direction::kIngress);
    peer.endpoints = std::vector<ir::LabelSelector>{Selector({}, 11)};
    peer.cidr = std::vector<ir::Cidr>{{"10.0.0.0/8", At(14)}};
    auto found = Run(WithPeer(peer));
    CHECK(Count(found, RuleId::kUnsupportedCombination, 14) == 1);
    CHECK(found.at(0).message.find("fromEndpoints and fromCIDR") != std::string::npos);
  }
  SECTION("egress toFQDNs + toEntities") {
    ir::PeerRule peer = Peer(ir::Direction::kEgress);
    peer.entities = std::vector<ir::Entity>{{"world", At(11)}};
    peer.fqdns = std::vector<ir::FqdnSelector>{{"example.com", std::nullopt, At(12)}};
    CHECK(Count(Run(WithPeer(peer)), RuleId::kUnsupportedCombination, 12) == 1);
  }
  SECTION("deny sections too") {
    ir::PeerRule peer = Peer(ir::Direction::kIngress, 10, true);
    peer.entities = std::vector<ir::Entity>{{"world", At(11)}};
    peer.nodes = std::vector<ir::LabelSelector>{Selector({}, 12)};
    ir::Settings settings;
    settings.enable_node_selector_labels = true;
    CHECK(Count(Run(WithPeer(peer), settings), RuleId::kUnsupportedCombination, 12) == 1);
  }
  SECTION("an empty list is not a peer kind, nor is fromRequires") {
    ir::PeerRule peer = Peer(ir::Direction::kIngress);
    peer.endpoints = std::vector<ir::LabelSelector>{Selector({}, 11)};
    peer.cidr = std::vector<ir::Cidr>{};
    peer.requires_ = std::vector<ir::LabelSelector>{Selector({}, 12)};
    CHECK(Count(Run(WithPeer(peer)), RuleId::kUnsupportedCombination) == 0);
  }
}

TEST_CASE("1.13/10 toServices + toPorts: rejected up to 1.16, allowed since 1.17", "[sanitize]") {
  ir::PeerRule peer = Peer(ir::Direction::kEgress);
  peer.services = std::vector<ir::Service>{{ir::ServiceReference{"db", ""}, At(11)}};
  peer.to_ports = std::vector<ir::PortRule>{Ports({Port("5432", ir::Protocol::kTcp, 21)}, 20)};
  CHECK(Count(Run(WithPeer(peer), Version(1, 16)), RuleId::kUnsupportedCombination, 20) == 1);
  CHECK(Count(Run(WithPeer(peer), Version(1, 17)), RuleId::kUnsupportedCombination) == 0);
}

TEST_CASE("1.13 icmps: not with toPorts; needs enable-icmp-rules", "[sanitize]") {
  ir::PeerRule peer = Peer(ir::Direction::kEgress);
  ir::IcmpRule icmp;
  icmp.location = At(15);
  icmp.fields.push_back({ir::IcmpFamily::kIPv4, 8, "", At(16)});
  peer.icmps = std::vector<ir::IcmpRule>{icmp};
  CHECK(Run(WithPeer(peer)).empty());

  ir::Settings off;
  off.enable_icmp_rules = false;
  CHECK(Count(Run(WithPeer(peer), off), RuleId::kFeatureDisabled, 15) == 1);

  peer.to_ports = std::vector<ir::PortRule>{Ports({Port("80", ir::Protocol::kTcp, 21)})};
  CHECK(Count(Run(WithPeer(peer)), RuleId::kUnsupportedCombination, 15) == 1);
}

TEST_CASE("1.11 invalid-icmp and too-many-ports for ICMP fields", "[sanitize]") {
  ir::PeerRule peer = Peer(ir::Direction::kIngress);
  ir::IcmpRule icmp;
  icmp.location = At(15);
  icmp.fields.push_back({ir::IcmpFamily::kIPv4, 128, "EchoRequest", At(16)});  // valid in both
  icmp.fields.push_back({ir::IcmpFamily::kIPv4, 135, "NeighborSolicitation", At(17)});  // IPv6 only
  icmp.fields.push_back({ir::IcmpFamily::kIPv6, 10, "RouterSelection", At(18)});  // IPv4 only
  peer.icmps = std::vector<ir::IcmpRule>{icmp};
  auto found = Run(WithPeer(peer));
  CHECK(Count(found, RuleId::kInvalidIcmp, 16) == 0);
  CHECK(Count(found, RuleId::kInvalidIcmp, 17) == 1);
  CHECK(Count(found, RuleId::kInvalidIcmp, 18) == 1);

  ir::IcmpRule many;
  many.location = At(40);
  for (uint32_t i = 0; i < 41; ++i) many.fields.push_back({ir::IcmpFamily::kIPv4, 8, "", At(41 + i)});
  peer.icmps = std::vector<ir::IcmpRule>{many};
  CHECK(Count(Run(WithPeer(peer)), RuleId::kTooManyPorts, 41) == 1);
  many.fields.pop_back();
  peer.icmps = std::vector<ir::IcmpRule>{many};
  CHECK(Count(Run(WithPeer(peer)), RuleId::kTooManyPorts) == 0);
}

TEST_CASE("1.13 fromNodes/toNodes need enable-node-selector-labels", "[sanitize]") {
  ir::PeerRule peer = Peer(ir::Direction::kEgress);
  peer.nodes = std::vector<ir::LabelSelector>{Selector({{"node-role", "x"}}, 11)};
  CHECK(Count(Run(WithPeer(peer)), RuleId::kFeatureDisabled, 11) == 1);
  ir::Settings on;
  on.enable_node_selector_labels = true;
  CHECK(Run(WithPeer(peer), on).empty());
}

TEST_CASE("1.13 L7 needs the L7 proxy (enable-l7-proxy)", "[sanitize]") {
  ir::PeerRule peer = Peer(ir::Direction::kIngress);
  ir::PortRule ports = Ports({Port("80", ir::Protocol::kTcp, 21)});
  ports.rules = Http(30);
  peer.to_ports = std::vector<ir::PortRule>{ports};
  CHECK(Run(WithPeer(peer)).empty());
  ir::Settings off;
  off.enable_l7_proxy = false;
  CHECK(Count(Run(WithPeer(peer), off), RuleId::kFeatureDisabled, 30) == 1);
}

TEST_CASE("1.13 invalid-l7: DNS rules are not allowed on ingress", "[sanitize]") {
  ir::PortRule ports = Ports({Port("53", ir::Protocol::kUdp, 21)});
  ports.rules = Dns(30);
  ir::PeerRule ingress = Peer(ir::Direction::kIngress);
  ingress.to_ports = std::vector<ir::PortRule>{ports};
  CHECK(Count(Run(WithPeer(ingress)), RuleId::kInvalidL7, 30) == 1);
  ir::PeerRule egress = Peer(ir::Direction::kEgress);
  egress.to_ports = std::vector<ir::PortRule>{ports};
  CHECK(Run(WithPeer(egress)).empty());
}

TEST_CASE("1.13 invalid-l7: host policies: no L7 on ingress, only DNS on egress", "[sanitize]") {
  const auto ccnp = ir::PolicyKind::kCiliumClusterwideNetworkPolicy;
  ir::PortRule http = Ports({Port("80", ir::Protocol::kTcp, 21)});
  http.rules = Http(30);
  ir::PortRule dns = Ports({Port("53", ir::Protocol::kAny, 21)});
  dns.rules = Dns(30);

  ir::PeerRule ingress = Peer(ir::Direction::kIngress);
  ingress.to_ports = std::vector<ir::PortRule>{http};
  CHECK(Count(Run(WithPeer(ingress, ccnp, /*host=*/true)), RuleId::kInvalidL7, 30) == 1);
  CHECK(Run(WithPeer(ingress, ccnp, /*host=*/false)).empty());

  ir::PeerRule egress = Peer(ir::Direction::kEgress);
  egress.to_ports = std::vector<ir::PortRule>{http};
  CHECK(Count(Run(WithPeer(egress, ccnp, true)), RuleId::kInvalidL7, 30) == 1);
  egress.to_ports = std::vector<ir::PortRule>{dns};
  CHECK(Run(WithPeer(egress, ccnp, true)).empty());
}

TEST_CASE("1.6 invalid-l7: one L7 type per toPorts entry; l7 needs l7proto", "[sanitize]") {
  ir::PeerRule peer = Peer(ir::Direction::kEgress);
  ir::PortRule ports = Ports({Port("80", ir::Protocol::kTcp, 21)});
  ports.rules = Http(30);
  ports.rules->kafka = std::vector<ir::KafkaRule>{};
  peer.to_ports = std::vector<ir::PortRule>{ports};
  CHECK(Count(Run(WithPeer(peer)), RuleId::kInvalidL7, 30) == 1);

  ir::L7Rules generic;
  generic.location = At(30);
  generic.l7 = std::vector<ir::GenericL7Rule>{};
  ports.rules = generic;
  peer.to_ports = std::vector<ir::PortRule>{ports};
  CHECK(Count(Run(WithPeer(peer)), RuleId::kInvalidL7, 30) == 1);
  ports.rules->l7_proto = "r2d2";
  peer.to_ports = std::vector<ir::PortRule>{ports};
  CHECK(Run(WithPeer(peer)).empty());
}

TEST_CASE("1.13/7.7 l7-non-tcp: HTTP/Kafka need TCP; omitted protocol is ANY; DNS is exempt", "[sanitize]") {
  ir::PeerRule peer = Peer(ir::Direction::kEgress);
  ir::PortRule ports = Ports({Port("80", ir::Protocol::kAny, 21), Port("81", ir::Protocol::kUdp, 22),
                              Port("82", ir::Protocol::kTcp, 23)});
  ports.rules = Http(30);
  peer.to_ports = std::vector<ir::PortRule>{ports};
  auto found = Run(WithPeer(peer));
  CHECK(Count(found, RuleId::kL7NonTcp, 21) == 1);
  CHECK(Count(found, RuleId::kL7NonTcp, 22) == 1);
  CHECK(Count(found, RuleId::kL7NonTcp, 23) == 0);

  ports.rules = Dns(30);
  peer.to_ports = std::vector<ir::PortRule>{ports};
  CHECK(Count(Run(WithPeer(peer)), RuleId::kL7NonTcp) == 0);
}

TEST_CASE("1.13 invalid-l7: L7 rules cannot use port 0", "[sanitize]") {
  ir::PeerRule peer = Peer(ir::Direction::kEgress);
  ir::PortRule ports = Ports({Port("0", ir::Protocol::kTcp, 21)});
  ports.rules = Http(30);
  peer.to_ports = std::vector<ir::PortRule>{ports};
  CHECK(Count(Run(WithPeer(peer)), RuleId::kInvalidL7, 30) == 1);
}

TEST_CASE("1.13 dns-rule-port: DNS needs ports and no range", "[sanitize]") {
  ir::PeerRule peer = Peer(ir::Direction::kEgress);
  ir::PortRule no_ports = Ports({});
  no_ports.rules = Dns(30);
  peer.to_ports = std::vector<ir::PortRule>{no_ports};
  CHECK(Count(Run(WithPeer(peer)), RuleId::kDnsRulePort, 30) == 1);

  ir::PortRule range = Ports({Port("53", ir::Protocol::kUdp, 21, 60)});
  range.rules = Dns(30);
  peer.to_ports = std::vector<ir::PortRule>{range};
  CHECK(Count(Run(WithPeer(peer)), RuleId::kDnsRulePort, 21) == 1);

  // endPort below port means a single port (1.5), so no range.
  ir::PortRule single = Ports({Port("53", ir::Protocol::kUdp, 21, 10)});
  single.rules = Dns(30);
  peer.to_ports = std::vector<ir::PortRule>{single};
  CHECK(Run(WithPeer(peer)).empty());
}

TEST_CASE("1.13 too-many-ports: more than 40 ports, allow and deny", "[sanitize]") {
  std::vector<ir::PortProtocol> ports;
  for (uint32_t i = 0; i < 41; ++i) ports.push_back(Port(std::to_string(1000 + i), ir::Protocol::kTcp, 21 + i));
  for (bool deny : {false, true}) {
    ir::PeerRule peer = Peer(ir::Direction::kIngress, 10, deny);
    peer.to_ports = std::vector<ir::PortRule>{Ports(ports)};
    CHECK(Count(Run(WithPeer(peer)), RuleId::kTooManyPorts, 21) == 1);
    peer.to_ports->front().ports.pop_back();
    CHECK(Run(WithPeer(peer)).empty());
  }
}

TEST_CASE("1.5 invalid-port: numbers 0-65535 or IANA service names", "[sanitize]") {
  auto port_finding = [](std::string port, bool deny = false) {
    ir::PeerRule peer = Peer(ir::Direction::kIngress, 10, deny);
    peer.to_ports = std::vector<ir::PortRule>{Ports({Port(std::move(port), ir::Protocol::kTcp, 21)})};
    return Count(Run(WithPeer(peer)), RuleId::kInvalidPort, 21);
  };
  CHECK(port_finding("0") == 0);
  CHECK(port_finding("65535") == 0);
  CHECK(port_finding("http") == 0);
  CHECK(port_finding("http-8080") == 0);
  CHECK(port_finding("65536") == 1);
  CHECK(port_finding("65536", /*deny=*/true) == 1);
  CHECK(port_finding("a-too-long-service") == 1);  // 18 characters: not a name, not a number
  CHECK(port_finding("09") == 1);                  // Go reads a leading 0 as octal
  CHECK(port_finding("80 ") == 1);
  CHECK(port_finding("") == 1);                    // port must be specified
}

TEST_CASE("1.5/10 extended protocols: 1.19 option, no port", "[sanitize]") {
  ir::PeerRule peer = Peer(ir::Direction::kEgress);
  peer.to_ports = std::vector<ir::PortRule>{Ports({Port("", ir::Protocol::kVrrp, 21)})};
  ir::Settings on = Version(1, 19);
  on.enable_extended_ip_protocols = true;
  CHECK(Run(WithPeer(peer), on).empty());
  auto off = Run(WithPeer(peer), Version(1, 19));
  CHECK(Count(off, RuleId::kFeatureDisabled, 21) == 1);
  CHECK(Count(off, RuleId::kInvalidPort) == 0);

  peer.to_ports = std::vector<ir::PortRule>{Ports({Port("112", ir::Protocol::kVrrp, 21)})};
  CHECK(Count(Run(WithPeer(peer), on), RuleId::kInvalidPort, 21) == 1);
  peer.to_ports = std::vector<ir::PortRule>{Ports({Port("0", ir::Protocol::kGre, 21)})};
  CHECK(Run(WithPeer(peer), on).empty());

  // The option lets a TCP port be empty too (the check is on the option).
  peer.to_ports = std::vector<ir::PortRule>{Ports({Port("", ir::Protocol::kTcp, 21)})};
  CHECK(Run(WithPeer(peer), on).empty());
  CHECK(Count(Run(WithPeer(peer), Version(1, 19)), RuleId::kInvalidPort, 21) == 1);
}

TEST_CASE("1.4 invalid-cidr: fromCIDR/toCIDR accept prefixes and bare IPs", "[sanitize]") {
  auto cidr_finding = [](std::string text) {
    ir::PeerRule peer = Peer(ir::Direction::kEgress);
    peer.cidr = std::vector<ir::Cidr>{{std::move(text), At(11)}};
    return Count(Run(WithPeer(peer)), RuleId::kInvalidCidr, 11);
  };
  CHECK(cidr_finding("10.0.0.0/8") == 0);
  CHECK(cidr_finding("10.1.2.3/8") == 0);  // host bits may be set
  CHECK(cidr_finding("10.0.0.1") == 0);
  CHECK(cidr_finding("2001:db8::/32") == 0);
  CHECK(cidr_finding("fe80::1%eth0") == 0);  // ParseAddr takes zones
  CHECK(cidr_finding("10.0.0.0/33") == 1);
  CHECK(cidr_finding("10.0.0.0/08") == 1);
  CHECK(cidr_finding("010.0.0.0/8") == 1);
  CHECK(cidr_finding("10.0.0") == 1);
  CHECK(cidr_finding("") == 1);
}

TEST_CASE("1.4 invalid-cidr: CIDR set entries", "[sanitize]") {
  auto set_findings = [](ir::CidrRule rule, const ir::Settings& settings = {}) {
    rule.location = At(11);
    ir::PeerRule peer = Peer(ir::Direction::kEgress);
    peer.cidr_set = std::vector<ir::CidrRule>{std::move(rule)};
    return Run(WithPeer(peer), settings);
  };
  ir::CidrRule rule;
  rule.cidr = ir::Cidr{"10.0.0.0/8", At(12)};
  rule.except = {{"10.1.0.0/16", At(13)}};
  CHECK(set_findings(rule).empty());

  SECTION("prefix notation is required") {
    rule.cidr = ir::Cidr{"10.0.0.1", At(12)};
    rule.except.clear();
    CHECK(Count(set_findings(rule), RuleId::kInvalidCidr, 12) == 1);
  }
  SECTION("except outside, other family, unparsable") {
    rule.except = {{"192.168.0.0/16", At(13)}, {"::/0", At(14)}, {"10.1.0.1", At(15)}};
    auto found = set_findings(rule);
    CHECK(Count(found, RuleId::kInvalidCidr, 13) == 1);
    CHECK(Count(found, RuleId::kInvalidCidr, 14) == 1);
    CHECK(Count(found, RuleId::kInvalidCidr, 15) == 1);
  }
  SECTION("an except shorter than its cidr: rejected since 1.20") {
    rule.cidr = ir::Cidr{"10.0.0.0/16", At(12)};
    rule.except = {{"10.0.0.0/8", At(13)}};
    CHECK(Count(set_findings(rule, Version(1, 20)), RuleId::kInvalidCidr, 13) == 1);
    CHECK(set_findings(rule, Version(1, 19)).empty());
  }
  SECTION("one of cidr, cidrGroupRef, cidrGroupSelector") {
    ir::CidrRule none;
    CHECK(Count(set_findings(none), RuleId::kInvalidCidr, 11) == 1);
    rule.cidr_group_ref = "group";
    CHECK(Count(set_findings(rule, Version(1, 17)), RuleId::kInvalidCidr, 11) == 1);
    CHECK(set_findings(rule, Version(1, 16)).empty());
    ir::CidrRule ref_only;
    ref_only.cidr_group_ref = "group";
    CHECK(set_findings(ref_only).empty());
  }
}

TEST_CASE("1.13 invalid-tls: serverNames need TLS termination with L7; no empty names", "[sanitize]") {
  ir::PeerRule peer = Peer(ir::Direction::kEgress);
  ir::PortRule ports = Ports({Port("443", ir::Protocol::kTcp, 21)});
  ports.server_names = {{"api.example.com", At(25)}};
  peer.to_ports = std::vector<ir::PortRule>{ports};
  CHECK(Run(WithPeer(peer)).empty());  // SNI filtering alone is fine

  ports.rules = Http(30);
  peer.to_ports = std::vector<ir::PortRule>{ports};
  CHECK(Count(Run(WithPeer(peer)), RuleId::kInvalidTls, 25) == 1);
  ports.terminating_tls = ir::TlsContext{};
  peer.to_ports = std::vector<ir::PortRule>{ports};
  CHECK(Run(WithPeer(peer)).empty());

  ports.server_names.push_back({"", At(26)});
  peer.to_ports = std::vector<ir::PortRule>{ports};
  CHECK(Count(Run(WithPeer(peer)), RuleId::kInvalidTls, 26) == 1);
}

TEST_CASE("1.13 invalid-tls: listeners are egress only and exclude L7 rules", "[sanitize]") {
  ir::PortRule ports = Ports({Port("80", ir::Protocol::kTcp, 21)});
  ports.listener = ir::Listener{"CiliumEnvoyConfig", "cec", "listener", 0, At(27)};
  ir::PeerRule egress = Peer(ir::Direction::kEgress);
  egress.to_ports = std::vector<ir::PortRule>{ports};
  CHECK(Run(WithPeer(egress)).empty());
  ir::PeerRule ingress = Peer(ir::Direction::kIngress);
  ingress.to_ports = std::vector<ir::PortRule>{ports};
  CHECK(Count(Run(WithPeer(ingress)), RuleId::kInvalidTls, 27) == 1);
  ports.rules = Http(30);
  egress.to_ports = std::vector<ir::PortRule>{ports};
  CHECK(Count(Run(WithPeer(egress)), RuleId::kInvalidTls, 27) == 1);
}

TEST_CASE("1.7 invalid-http-regex and invalid-header-match", "[sanitize]") {
  ir::PeerRule peer = Peer(ir::Direction::kIngress);
  ir::PortRule ports = Ports({Port("80", ir::Protocol::kTcp, 21)});
  ir::L7Rules rules = Http(30);
  ir::HttpRule& http = rules.http->front();
  http.path = ir::Located{"/api/(v1", At(32)};
  http.method = ir::Located{"GET|POST", At(33)};
  http.host = ir::Located{"(", At(34)};  // host is not validated by Cilium
  http.header_matches.push_back({"", "v", std::nullopt, ir::HeaderMismatch::kNone, At(35)});
  http.header_matches.push_back({"X-Token", "", ir::SecretRef{"ns", ""}, ir::HeaderMismatch::kNone, At(36)});
  http.header_matches.push_back({"X-Ok", "", ir::SecretRef{"ns", "s"}, ir::HeaderMismatch::kLog, At(37)});
  ports.rules = rules;
  peer.to_ports = std::vector<ir::PortRule>{ports};
  auto found = Run(WithPeer(peer));
  INFO(Ids(found));
  CHECK(Count(found, RuleId::kInvalidHttpRegex, 32) == 1);
  CHECK(Count(found, RuleId::kInvalidHttpRegex) == 1);
  CHECK(Count(found, RuleId::kInvalidHeaderMatch, 35) == 1);
  CHECK(Count(found, RuleId::kInvalidHeaderMatch, 36) == 1);
  CHECK(Count(found, RuleId::kInvalidHeaderMatch) == 2);
}

TEST_CASE("1.8 invalid-kafka: role/apiKey, apiVersion, topic", "[sanitize]") {
  auto kafka_findings = [](ir::KafkaRule rule) {
    rule.location = At(32);
    ir::L7Rules rules;
    rules.location = At(30);
    rules.kafka = std::vector<ir::KafkaRule>{rule};
    ir::PortRule ports = Ports({Port("9092", ir::Protocol::kTcp, 21)});
    ports.rules = rules;
    ir::PeerRule peer = Peer(ir::Direction::kEgress);
    peer.to_ports = std::vector<ir::PortRule>{ports};
    return Count(Run(WithPeer(peer)), RuleId::kInvalidKafka, 32);
  };
  CHECK(kafka_findings(Kafka("produce", "", "", "orders.v1_x-y")) == 0);
  CHECK(kafka_findings(Kafka("", "Produce", "-1", "")) == 0);  // case-insensitive names
  CHECK(kafka_findings(Kafka("", "CreateTopics", "", "")) == 0);
  CHECK(kafka_findings(Kafka("consume", "fetch", "", "")) == 1);
  CHECK(kafka_findings(Kafka("", "bogus", "", "")) == 1);
  CHECK(kafka_findings(Kafka("admin", "", "", "")) == 1);
  CHECK(kafka_findings(Kafka("", "", "70000", "")) == 1);
  CHECK(kafka_findings(Kafka("", "", "v2", "")) == 1);
  CHECK(kafka_findings(Kafka("", "", "", "orders/*")) == 1);
  CHECK(kafka_findings(Kafka("", "", "", std::string(256, 't'))) == 1);
  CHECK(kafka_findings(Kafka("", "", "", std::string(255, 't'))) == 0);
}

TEST_CASE("6.5 invalid-fqdn: matchName/matchPattern characters per version", "[sanitize]") {
  auto fqdn_findings = [](std::optional<std::string> name, std::optional<std::string> pattern,
                          ir::CiliumVersion version) {
    ir::PeerRule peer = Peer(ir::Direction::kEgress);
    peer.fqdns = std::vector<ir::FqdnSelector>{{std::move(name), std::move(pattern), At(11)}};
    ir::Settings settings;
    settings.version = version;
    return Count(Run(WithPeer(peer), settings), RuleId::kInvalidFqdn, 11);
  };
  const ir::CiliumVersion v18{1, 18}, v19{1, 19};
  CHECK(fqdn_findings("api.example.com", std::nullopt, v19) == 0);
  CHECK(fqdn_findings("_srv._tcp.example.com", std::nullopt, v19) == 0);
  CHECK(fqdn_findings("api.example.com/x", std::nullopt, v18) == 1);
  CHECK(fqdn_findings(std::nullopt, "*.example.com", v19) == 0);
  CHECK(fqdn_findings(std::nullopt, "**.example.com", v19) == 0);
  CHECK(fqdn_findings(std::nullopt, "[a-z].example.com", v18) == 1);
  CHECK(fqdn_findings(std::nullopt, "[a-z].example.com", v19) == 1);
  // <= 1.18 rejects only []+{}, (and what breaks the generated regex).
  CHECK(fqdn_findings(std::nullopt, "a/b.example.com", v18) == 0);
  CHECK(fqdn_findings(std::nullopt, "a/b.example.com", v19) == 1);
  CHECK(fqdn_findings(std::nullopt, "(a.example.com", v18) == 1);
  CHECK(fqdn_findings(std::nullopt, std::string(250, 'a') + ".com.x", v19) == 1);  // > 255
}

TEST_CASE("1.13 unknown entities are left to the unknown-entity lint (reported once)", "[sanitize]") {
  ir::PeerRule peer = Peer(ir::Direction::kIngress);
  peer.entities = std::vector<ir::Entity>{{"World", At(14)}, {"pods", At(15)}};
  CHECK(Count(Run(WithPeer(peer)), RuleId::kUnknownEntity) == 0);
}

TEST_CASE("3.4 enableDefaultDeny false is overridden without enable-non-default-deny-policies", "[sanitize]") {
  ir::Rule rule;
  rule.location = At(1);
  rule.endpoint_selector = Selector();
  rule.ingress = std::vector<ir::PeerRule>{Peer(ir::Direction::kIngress)};
  rule.enable_default_deny = ir::DefaultDeny{false, std::nullopt, At(6)};
  CHECK(Run(WithRule(rule)).empty());
  ir::Settings off;
  off.enable_non_default_deny_policies = false;
  CHECK(Count(Run(WithRule(rule), off), RuleId::kFeatureDisabled, 6) == 1);
  rule.enable_default_deny = ir::DefaultDeny{true, true, At(6)};
  CHECK(Run(WithRule(rule), off).empty());
}

TEST_CASE("Sanitize skips NetworkPolicy and lines that already have an error", "[sanitize]") {
  ir::PeerRule peer = Peer(ir::Direction::kIngress);
  peer.cidr = std::vector<ir::Cidr>{{"10.0.0.0/33", At(11)}};
  ir::PolicySet set = WithPeer(peer);

  ir::DiagnosticSink sink;
  sink.Report(RuleId::kInvalidValue, At(11), "schema says no", {}, 0);
  Sanitize(set, {}, sink);
  CHECK(sink.diagnostics().size() == 1);  // the schema finding only

  ir::DiagnosticSink other_object;
  other_object.Report(RuleId::kInvalidValue, At(11), "another object", {}, 5);
  Sanitize(set, {}, other_object);
  CHECK(Count(other_object.diagnostics(), RuleId::kInvalidCidr, 11) == 1);

  set.policies.front().kind = ir::PolicyKind::kNetworkPolicy;
  CHECK(Run(set).empty());
}

TEST_CASE("1.5 Go port parsing and IANA service names", "[sanitize]") {
  using sanitize::IsIanaServiceName;
  using sanitize::ParseGoUint;
  CHECK(ParseGoUint("80", 16) == 80u);
  CHECK(ParseGoUint("0", 16) == 0u);
  CHECK(ParseGoUint("010", 16) == 8u);
  CHECK(ParseGoUint("0x50", 16) == 80u);
  CHECK(ParseGoUint("1_000", 16) == 1000u);
  CHECK_FALSE(ParseGoUint("1__0", 16));
  CHECK_FALSE(ParseGoUint("_1", 16));
  CHECK_FALSE(ParseGoUint("65536", 16));
  CHECK_FALSE(ParseGoUint("-1", 16));
  CHECK_FALSE(ParseGoUint("08", 16));
  CHECK(IsIanaServiceName("http"));
  CHECK(IsIanaServiceName("h2c-8080"));
  CHECK(IsIanaServiceName("0x50"));  // a name, not hex (Cilium's comment says so)
  CHECK_FALSE(IsIanaServiceName("8080"));
  CHECK_FALSE(IsIanaServiceName("-http"));
  CHECK_FALSE(IsIanaServiceName("ht--tp"));
  CHECK_FALSE(IsIanaServiceName("abcdefghijklmnop"));  // 16
}

}  // namespace polc::compiler
