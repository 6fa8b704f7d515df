// The IR dump: deterministic, complete (a change in any one field changes the
// dump), absent optionals omitted and present-empty lists shown as `[]`.
#include "ir/dump.h"

#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <functional>
#include <utility>

namespace polc::ir {
namespace {

SourceLocation L(uint32_t line, uint32_t column) {
  return {0, line, column};
}

// Builds a T field by field: brace initialisation would stop compiling
// (-Wmissing-field-initializers) whenever ir/policy.h gains a member.
template <typename T, typename F>
T Make(F&& set) {
  T value{};
  set(value);
  return value;
}

Cidr C(std::string text, SourceLocation loc) {
  return Make<Cidr>([&](Cidr& c) {
    c.text = std::move(text);
    c.location = loc;
  });
}
Located Loc(std::string text, SourceLocation loc) {
  return Make<Located>([&](Located& l) {
    l.text = std::move(text);
    l.location = loc;
  });
}
LabelSelector Wildcard(SourceLocation loc) {
  return Make<LabelSelector>([&](LabelSelector& s) { s.location = loc; });
}

LabelSelector Selector(std::string key, std::string value, uint32_t line) {
  LabelSelector selector;
  selector.match_labels.push_back(Make<MatchLabel>([&](MatchLabel& m) {
    m.key = ParseLabelKey(key);
    m.value = value;
    m.location = L(line, 20);
  }));
  selector.match_expressions.push_back(Make<SelectorRequirement>([&](SelectorRequirement& r) {
    r.key = ParseLabelKey("tier");
    r.values = {"a", "b"};
    r.location = L(line, 30);
  }));
  selector.location = L(line, 10);
  return selector;
}

FqdnSelector Fqdn(std::optional<std::string> name, std::optional<std::string> pattern, SourceLocation loc) {
  return Make<FqdnSelector>([&](FqdnSelector& f) {
    f.match_name = std::move(name);
    f.match_pattern = std::move(pattern);
    f.location = loc;
  });
}

SecretRef Secret(std::string ns, std::string name) {
  return Make<SecretRef>([&](SecretRef& s) {
    s.namespace_ = std::move(ns);
    s.name = std::move(name);
  });
}

PortRule RichPortRule() {
  PortRule port_rule;
  port_rule.ports = {Make<PortProtocol>([](PortProtocol& p) {
    p.port = "80";
    p.end_port = 90;
    p.protocol = Protocol::kTcp;
    p.protocol_given = true;
    p.location = L(24, 11);
    p.port_location = L(24, 17);
    p.end_port_location = L(24, 30);
    p.protocol_location = L(24, 45);
  })};
  port_rule.terminating_tls = Make<TlsContext>([](TlsContext& t) {
    t.secret = Secret("ns", "cert");
    t.trusted_ca = "ca";
    t.certificate = "crt";
    t.private_key = "key";
    t.location = L(25, 9);
  });
  port_rule.originating_tls = Make<TlsContext>([](TlsContext& t) {
    t.trusted_ca = "ca2";
    t.location = L(26, 9);
  });
  port_rule.server_names = {Loc("api.example.com", L(27, 11))};
  port_rule.listener = Make<Listener>([](Listener& l) {
    l.envoy_config_kind = "CiliumEnvoyConfig";
    l.envoy_config_name = "envoy";
    l.name = "listener";
    l.priority = 10;
    l.location = L(28, 9);
  });
  L7Rules l7;
  HttpRule http;
  http.path = Loc("/api/.*", L(30, 15));
  http.method = Loc("GET", L(31, 15));
  http.host = Loc("a.example.com", L(32, 15));
  http.headers = {Loc("X-A: b", L(33, 15))};
  http.header_matches = {Make<HeaderMatch>([](HeaderMatch& h) {
    h.name = "X-B";
    h.value = "c";
    h.secret = Secret("ns", "s");
    h.mismatch = HeaderMismatch::kLog;
    h.location = L(34, 15);
  })};
  http.location = L(30, 11);
  l7.http = {http};
  l7.kafka = {Make<KafkaRule>([](KafkaRule& k) {
    k.role = "produce";
    k.api_version = "1";
    k.client_id = "client";
    k.topic = "topic";
    k.location = L(35, 11);
  })};
  l7.dns = {Fqdn(std::nullopt, "*.svc", L(36, 11))};
  l7.l7_proto = "envoy.filters.x";
  l7.l7 = {Make<GenericL7Rule>([](GenericL7Rule& g) {
    g.fields = {{"action", "allow"}};
    g.location = L(37, 11);
  })};
  l7.location = L(29, 9);
  port_rule.rules = l7;
  port_rule.location = L(24, 9);
  return port_rule;
}

PeerRule RichPeer() {
  PeerRule peer;
  peer.direction = Direction::kEgress;
  peer.endpoints = {Selector("k8s:app", "db", 10), Wildcard(L(11, 9))};
  peer.requires_ = {Selector("env", "prod", 12)};
  peer.cidr = {C("10.0.0.0/8", L(13, 9))};
  CidrRule cidr_rule;
  cidr_rule.cidr = C("192.168.0.0/16", L(14, 15));
  cidr_rule.cidr_group_ref = "vpn";
  cidr_rule.cidr_group_selector = Selector("group", "x", 15);
  cidr_rule.except = {C("192.168.1.0/24", L(16, 11))};
  cidr_rule.location = L(14, 9);
  peer.cidr_set = {cidr_rule};
  peer.entities = {Make<Entity>([](Entity& e) {
    e.name = "world";
    e.location = L(17, 9);
  })};
  peer.nodes = {Selector("node", "n1", 18)};
  peer.groups = {Make<AwsGroup>([](AwsGroup& g) {
    g.security_group_ids = {"sg-1"};
    g.security_group_names = {"web"};
    g.region = "us-east-1";
    g.labels = {{"k", "v"}};
    g.location = L(19, 9);
  })};
  peer.services = {Make<Service>([](Service& s) {
                     s.target = Make<ServiceReference>([](ServiceReference& r) {
                       r.name = "api";
                       r.namespace_ = "prod";
                     });
                     s.location = L(20, 9);
                   }),
                   Make<Service>([](Service& s) {
                     s.target = Make<ServiceSelector>([](ServiceSelector& r) {
                       r.selector = Selector("svc", "s", 21);
                       r.namespace_ = "other";
                     });
                     s.location = L(21, 9);
                   })};
  peer.fqdns = {Fqdn("example.com", std::nullopt, L(22, 9)), Fqdn(std::nullopt, "*.example.com", L(23, 9))};
  peer.to_ports = {RichPortRule()};
  peer.icmps = {Make<IcmpRule>([](IcmpRule& r) {
    r.fields = {Make<IcmpField>([](IcmpField& f) {
      f.family = IcmpFamily::kIPv6;
      f.type = 128;
      f.type_name = "EchoRequest";
      f.location = L(38, 11);
    })};
    r.location = L(38, 9);
  })};
  peer.authentication = Make<Authentication>([](Authentication& a) {
    a.mode = AuthMode::kRequired;
    a.location = L(39, 9);
  });
  peer.location = L(9, 7);
  peer.field_locations.endpoints = L(10, 7);
  peer.field_locations.to_ports = L(24, 7);
  peer.field_locations.authentication = L(39, 7);
  return peer;
}

ObjectMeta Meta(std::string name, std::string ns, uint32_t line) {
  return Make<ObjectMeta>([&](ObjectMeta& m) {
    m.name = std::move(name);
    m.namespace_ = std::move(ns);
    m.location = L(line, 1);
    m.name_location = L(line + 2, 9);
    if (!m.namespace_.empty()) m.namespace_location = L(line + 3, 14);
  });
}

Policy RichNetworkPolicy() {
  NetworkPolicySpec spec;
  spec.pod_selector = Selector("app", "knp", 52);
  NetworkPolicyPeer both;
  both.pod_selector = Selector("app", "x", 55);
  both.namespace_selector = Wildcard(L(56, 26));
  both.location = L(55, 7);
  NetworkPolicyPeer block;
  block.ip_block = Make<IpBlock>([](IpBlock& b) {
    b.cidr = C("10.0.0.0/8", L(57, 20));
    b.except = {C("10.1.0.0/16", L(58, 20))};
    b.location = L(57, 9);
  });
  block.location = L(57, 7);
  NetworkPolicyRule ingress;
  ingress.peers = {both, block};
  ingress.ports = {Make<NetworkPolicyPort>([](NetworkPolicyPort& p) {
    p.protocol = Protocol::kUdp;
    p.port = "53";
    p.end_port = 60;
    p.location = L(59, 9);
  })};
  ingress.location = L(54, 5);
  NetworkPolicyRule egress;
  egress.peers = std::vector<NetworkPolicyPeer>{};
  egress.ports = std::vector<NetworkPolicyPort>{};
  egress.location = L(61, 5);
  spec.ingress = {ingress};
  spec.egress = {egress};
  spec.policy_types = {Direction::kIngress, Direction::kEgress};
  spec.policy_types_location = L(53, 3);
  spec.location = L(51, 3);
  Policy knp;
  knp.kind = PolicyKind::kNetworkPolicy;
  knp.api_version = "networking.k8s.io/v1";
  knp.meta = Meta("np", "prod", 47);
  knp.network_policy = spec;
  knp.object = 1;
  return knp;
}

// A policy set in which every struct of ir/policy.h occurs, with every
// optional field present and every list non-empty.
PolicySet Rich() {
  Rule rule;
  rule.endpoint_selector = Selector("app", "web", 6);
  rule.node_selector = Selector("kubernetes.io/os", "linux", 7);
  rule.ingress = {Make<PeerRule>([](PeerRule& p) { p.location = L(8, 7); })};
  rule.ingress_deny = std::vector<PeerRule>{};
  rule.egress = {RichPeer()};
  rule.egress_deny = std::vector<PeerRule>{};
  rule.enable_default_deny = Make<DefaultDeny>([](DefaultDeny& d) {
    d.ingress = true;
    d.egress = false;
    d.location = L(40, 5);
  });
  rule.labels = {Make<Label>([](Label& l) {
    l.source = "k8s";
    l.key = "team";
    l.value = "a";
    l.location = L(41, 7);
  })};
  rule.description = "all of it";
  rule.log = Loc("audit", L(42, 12));
  rule.location = L(5, 3);
  rule.ingress_location = L(8, 5);
  rule.ingress_deny_location = L(8, 40);
  rule.egress_location = L(9, 5);
  rule.egress_deny_location = L(43, 5);
  rule.description_location = L(42, 5);
  rule.from_specs = true;

  Policy cnp;
  cnp.kind = PolicyKind::kCiliumNetworkPolicy;
  cnp.api_version = "cilium.io/v2";
  cnp.meta = Meta("web", "prod", 1);
  cnp.meta.labels = {{"l", "1"}};
  cnp.meta.annotations = {{"a", "2"}};
  cnp.rules = {rule};
  cnp.object = 0;

  CidrGroup group;
  group.api_version = "cilium.io/v2";
  group.meta = Meta("vpn", "", 70);
  group.external_cidrs = {C("10.48.0.0/24", L(74, 5))};
  group.object = 2;

  PolicySet set;
  set.policies = {cnp, RichNetworkPolicy()};
  set.cidr_groups = {group};
  return set;
}

FileTable Files() {
  FileTable files;
  files.Add("policies/all.yaml", "");
  files.Add("other.yaml", "");
  return files;
}

TEST_CASE("Dump is deterministic and names the file once per policy", "[dump]") {
  PolicySet set = Rich();
  FileTable files = Files();
  std::string dump = Dump(set, files);
  CHECK(dump == Dump(Rich(), files));
  size_t count = 0;
  for (size_t at = dump.find("file: \"policies/all.yaml\""); at != std::string::npos;
       at = dump.find("file: \"policies/all.yaml\"", at + 1)) {
    ++count;
  }
  CHECK(count == 3);  // two policies and one CIDR group
  CHECK(dump.starts_with("policy[0]: CiliumNetworkPolicy\n  file: \"policies/all.yaml\"\n"));
  CHECK_THAT(dump, Catch::Contains("\n  meta @1:1\n    name: \"web\" @3:9\n"));
  CHECK_THAT(dump, Catch::Contains("policy[1]: NetworkPolicy"));
  CHECK_THAT(dump, Catch::Contains("cidr_group[0]"));
  // policies keep their input order
  CHECK(dump.find("policy[0]: CiliumNetworkPolicy") < dump.find("policy[1]: NetworkPolicy"));
}

TEST_CASE("Dump shows present-empty lists as [] and omits absent optionals (semantics 3.3)", "[dump]") {
  PolicySet set = Rich();
  FileTable files = Files();
  std::string dump = Dump(set, files);
  CHECK_THAT(dump, Catch::Contains("ingress_deny: []"));
  CHECK_THAT(dump, Catch::Contains("peers: []"));
  CHECK_THAT(dump, Catch::Contains("ports: []"));
  set.policies[0].rules[0].ingress_deny.reset();
  set.policies[1].network_policy->egress->front().peers.reset();
  std::string without = Dump(set, files);
  CHECK_THAT(without, !Catch::Contains("ingress_deny:"));
  CHECK_THAT(without, !Catch::Contains("peers: []"));
  // A wildcard selector is printed as {} so it cannot be mistaken for absent.
  CHECK_THAT(dump, Catch::Contains("namespace_selector: {} @56:26"));
}

TEST_CASE("Dump prints a location in another file with its path", "[dump]") {
  PolicySet set = Rich();
  set.policies[0].rules[0].location = {1, 7, 3};
  CHECK_THAT(Dump(set, Files()), Catch::Contains("[0] @other.yaml:7:3"));
}

TEST_CASE("Dump quotes strings so that empty and odd values stay visible", "[dump]") {
  PolicySet set = Rich();
  set.policies[0].rules[0].description = "a \"b\"\n\tc";
  CHECK_THAT(Dump(set, Files()), Catch::Contains(R"(description: "a \"b\"\n\tc")"));
}

// One mutation per field: if the dump forgot a field, the two dumps would be
// equal. The list is representative of every struct, not exhaustive.
TEST_CASE("Dump changes when any one field changes", "[dump]") {
  using Mutation = std::pair<std::string_view, std::function<void(PolicySet&)>>;
  auto cnp_rule = [](PolicySet& s) -> Rule& { return s.policies[0].rules[0]; };
  auto peer = [&](PolicySet& s) -> PeerRule& { return cnp_rule(s).egress->front(); };
  auto port_rule = [&](PolicySet& s) -> PortRule& { return peer(s).to_ports->front(); };
  auto l7 = [&](PolicySet& s) -> L7Rules& { return *port_rule(s).rules; };
  auto knp = [](PolicySet& s) -> NetworkPolicySpec& { return *s.policies[1].network_policy; };
  const std::vector<Mutation> mutations = {
      {"Policy::kind", [](PolicySet& s) { s.policies[0].kind = PolicyKind::kCiliumClusterwideNetworkPolicy; }},
      {"Policy::api_version", [](PolicySet& s) { s.policies[0].api_version = "cilium.io/v3"; }},
      {"Policy::object", [](PolicySet& s) { s.policies[0].object = 7; }},
      {"ObjectMeta::name", [](PolicySet& s) { s.policies[0].meta.name = "x"; }},
      {"ObjectMeta::namespace_", [](PolicySet& s) { s.policies[0].meta.namespace_ = "x"; }},
      {"ObjectMeta::labels", [](PolicySet& s) { s.policies[0].meta.labels["l"] = "x"; }},
      {"ObjectMeta::annotations", [](PolicySet& s) { s.policies[0].meta.annotations["b"] = "x"; }},
      {"ObjectMeta::annotation_locations", [](PolicySet& s) {
         s.policies[0].meta.annotations["b"] = "x";
         s.policies[0].meta.annotation_locations["b"] = L(9, 5);
       }},
      {"ObjectMeta::location", [](PolicySet& s) { s.policies[0].meta.location.line = 2; }},
      {"ObjectMeta::name_location", [](PolicySet& s) { s.policies[0].meta.name_location.column = 1; }},
      {"ObjectMeta::namespace_location", [](PolicySet& s) { s.policies[0].meta.namespace_location.line = 1; }},
      {"file of a policy", [](PolicySet& s) { s.policies[1].meta.location.file = 1; }},
      {"Rule::endpoint_selector absent", [&](PolicySet& s) { cnp_rule(s).endpoint_selector.reset(); }},
      {"Rule::node_selector", [&](PolicySet& s) { cnp_rule(s).node_selector->match_labels[0].value = "x"; }},
      {"Rule::ingress empty", [&](PolicySet& s) { cnp_rule(s).ingress->clear(); }},
      {"Rule::egress_deny absent", [&](PolicySet& s) { cnp_rule(s).egress_deny.reset(); }},
      {"Rule::enable_default_deny", [&](PolicySet& s) { cnp_rule(s).enable_default_deny->egress.reset(); }},
      {"Rule::labels", [&](PolicySet& s) { cnp_rule(s).labels[0].source = "any"; }},
      {"Rule::description", [&](PolicySet& s) { cnp_rule(s).description.clear(); }},
      {"Rule::log", [&](PolicySet& s) { cnp_rule(s).log->text = "x"; }},
      {"Rule::location", [&](PolicySet& s) { cnp_rule(s).location.column = 4; }},
      {"Rule::ingress_location", [&](PolicySet& s) { cnp_rule(s).ingress_location = {}; }},
      {"Rule::ingress_deny_location", [&](PolicySet& s) { cnp_rule(s).ingress_deny_location.line = 1; }},
      {"Rule::egress_location", [&](PolicySet& s) { cnp_rule(s).egress_location.column = 1; }},
      {"Rule::egress_deny_location", [&](PolicySet& s) { cnp_rule(s).egress_deny_location = {}; }},
      {"Rule::description_location", [&](PolicySet& s) { cnp_rule(s).description_location = {}; }},
      {"Rule::from_specs", [&](PolicySet& s) { cnp_rule(s).from_specs = false; }},
      {"PeerFieldLocations::endpoints", [&](PolicySet& s) { peer(s).field_locations.endpoints.line = 1; }},
      {"PeerFieldLocations::icmps", [&](PolicySet& s) { peer(s).field_locations.icmps = L(38, 7); }},
      {"PeerFieldLocations::authentication", [&](PolicySet& s) { peer(s).field_locations.authentication = {}; }},
      {"PortProtocol::end_port_location", [&](PolicySet& s) { port_rule(s).ports[0].end_port_location = {}; }},
      {"PortProtocol::protocol_location", [&](PolicySet& s) { port_rule(s).ports[0].protocol_location.line = 1; }},
      {"MatchLabel::key", [&](PolicySet& s) { cnp_rule(s).endpoint_selector->match_labels[0].key.source = "k8s"; }},
      {"MatchLabel::location", [&](PolicySet& s) { cnp_rule(s).endpoint_selector->match_labels[0].location = {}; }},
      {"SelectorRequirement::op",
       [&](PolicySet& s) { cnp_rule(s).endpoint_selector->match_expressions[0].op = SelectorOperator::kNotIn; }},
      {"SelectorRequirement::values",
       [&](PolicySet& s) { cnp_rule(s).endpoint_selector->match_expressions[0].values.pop_back(); }},
      {"PeerRule::direction", [&](PolicySet& s) { peer(s).direction = Direction::kIngress; }},
      {"PeerRule::deny", [&](PolicySet& s) { peer(s).deny = true; }},
      {"PeerRule::endpoints wildcard item", [&](PolicySet& s) { peer(s).endpoints->pop_back(); }},
      {"PeerRule::requires_ empty", [&](PolicySet& s) { peer(s).requires_->clear(); }},
      {"PeerRule::cidr", [&](PolicySet& s) { peer(s).cidr->front().text = "11.0.0.0/8"; }},
      {"CidrRule::cidr", [&](PolicySet& s) { peer(s).cidr_set->front().cidr.reset(); }},
      {"CidrRule::cidr_group_ref", [&](PolicySet& s) { peer(s).cidr_set->front().cidr_group_ref = "x"; }},
      {"CidrRule::cidr_group_selector", [&](PolicySet& s) { peer(s).cidr_set->front().cidr_group_selector.reset(); }},
      {"CidrRule::except", [&](PolicySet& s) { peer(s).cidr_set->front().except[0].location.line = 1; }},
      {"PeerRule::entities", [&](PolicySet& s) { peer(s).entities->front().name = "all"; }},
      {"PeerRule::nodes", [&](PolicySet& s) { peer(s).nodes.reset(); }},
      {"AwsGroup::security_group_ids", [&](PolicySet& s) { peer(s).groups->front().security_group_ids.clear(); }},
      {"AwsGroup::security_group_names", [&](PolicySet& s) { peer(s).groups->front().security_group_names[0] = "x"; }},
      {"AwsGroup::region", [&](PolicySet& s) { peer(s).groups->front().region = "x"; }},
      {"AwsGroup::labels", [&](PolicySet& s) { peer(s).groups->front().labels.clear(); }},
      {"ServiceReference::namespace_",
       [&](PolicySet& s) { std::get<ServiceReference>(peer(s).services->front().target).namespace_ = "x"; }},
      {"ServiceSelector::selector",
       [&](PolicySet& s) { std::get<ServiceSelector>(peer(s).services->back().target).selector = {}; }},
      {"ServiceSelector::namespace_",
       [&](PolicySet& s) { std::get<ServiceSelector>(peer(s).services->back().target).namespace_ = ""; }},
      {"FqdnSelector::match_name", [&](PolicySet& s) { peer(s).fqdns->front().match_name = "x.com"; }},
      {"FqdnSelector::match_pattern", [&](PolicySet& s) { peer(s).fqdns->back().match_pattern.reset(); }},
      {"PortProtocol::port", [&](PolicySet& s) { port_rule(s).ports[0].port = "81"; }},
      {"PortProtocol::end_port", [&](PolicySet& s) { port_rule(s).ports[0].end_port = 0; }},
      {"PortProtocol::protocol", [&](PolicySet& s) { port_rule(s).ports[0].protocol = Protocol::kSctp; }},
      {"PortProtocol::protocol_given", [&](PolicySet& s) { port_rule(s).ports[0].protocol_given = false; }},
      {"PortProtocol::location", [&](PolicySet& s) { port_rule(s).ports[0].location.line = 1; }},
      {"PortProtocol::port_location", [&](PolicySet& s) { port_rule(s).ports[0].port_location.line = 1; }},
      {"TlsContext::secret", [&](PolicySet& s) { port_rule(s).terminating_tls->secret->name = "x"; }},
      {"TlsContext::trusted_ca", [&](PolicySet& s) { port_rule(s).originating_tls->trusted_ca = "x"; }},
      {"TlsContext::certificate", [&](PolicySet& s) { port_rule(s).terminating_tls->certificate = "x"; }},
      {"TlsContext::private_key", [&](PolicySet& s) { port_rule(s).terminating_tls->private_key = "x"; }},
      {"PortRule::server_names", [&](PolicySet& s) { port_rule(s).server_names[0].text = "x"; }},
      {"Listener::envoy_config_kind", [&](PolicySet& s) { port_rule(s).listener->envoy_config_kind = "x"; }},
      {"Listener::envoy_config_name", [&](PolicySet& s) { port_rule(s).listener->envoy_config_name = "x"; }},
      {"Listener::name", [&](PolicySet& s) { port_rule(s).listener->name = "x"; }},
      {"Listener::priority", [&](PolicySet& s) { port_rule(s).listener->priority = 1; }},
      {"HttpRule::path", [&](PolicySet& s) { l7(s).http->front().path.reset(); }},
      {"HttpRule::method", [&](PolicySet& s) { l7(s).http->front().method->text = "PUT"; }},
      {"HttpRule::host", [&](PolicySet& s) { l7(s).http->front().host->location.column = 1; }},
      {"HttpRule::headers", [&](PolicySet& s) { l7(s).http->front().headers.clear(); }},
      {"HeaderMatch::name", [&](PolicySet& s) { l7(s).http->front().header_matches[0].name = "x"; }},
      {"HeaderMatch::value", [&](PolicySet& s) { l7(s).http->front().header_matches[0].value = "x"; }},
      {"HeaderMatch::secret", [&](PolicySet& s) { l7(s).http->front().header_matches[0].secret.reset(); }},
      {"HeaderMatch::mismatch",
       [&](PolicySet& s) { l7(s).http->front().header_matches[0].mismatch = HeaderMismatch::kReplace; }},
      {"KafkaRule::role", [&](PolicySet& s) { l7(s).kafka->front().role = "consume"; }},
      {"KafkaRule::api_key", [&](PolicySet& s) { l7(s).kafka->front().api_key = "x"; }},
      {"KafkaRule::api_version", [&](PolicySet& s) { l7(s).kafka->front().api_version = "x"; }},
      {"KafkaRule::client_id", [&](PolicySet& s) { l7(s).kafka->front().client_id = "x"; }},
      {"KafkaRule::topic", [&](PolicySet& s) { l7(s).kafka->front().topic = "x"; }},
      {"L7Rules::dns", [&](PolicySet& s) { l7(s).dns->clear(); }},
      {"L7Rules::l7_proto", [&](PolicySet& s) { l7(s).l7_proto.reset(); }},
      {"GenericL7Rule::fields", [&](PolicySet& s) { l7(s).l7->front().fields["action"] = "deny"; }},
      {"L7Rules::location", [&](PolicySet& s) { l7(s).location.line = 1; }},
      {"IcmpField::family", [&](PolicySet& s) { peer(s).icmps->front().fields[0].family = IcmpFamily::kIPv4; }},
      {"IcmpField::type", [&](PolicySet& s) { peer(s).icmps->front().fields[0].type = 129; }},
      {"IcmpField::type_name", [&](PolicySet& s) { peer(s).icmps->front().fields[0].type_name = ""; }},
      {"Authentication::mode", [&](PolicySet& s) { peer(s).authentication->mode = AuthMode::kTestAlwaysFail; }},
      {"PeerRule::location", [&](PolicySet& s) { peer(s).location.column = 1; }},
      {"NetworkPolicySpec::pod_selector", [&](PolicySet& s) { knp(s).pod_selector = {}; }},
      {"NetworkPolicySpec::policy_types", [&](PolicySet& s) { knp(s).policy_types->pop_back(); }},
      {"NetworkPolicySpec::policy_types_location", [&](PolicySet& s) { knp(s).policy_types_location.line = 1; }},
      {"NetworkPolicySpec::ingress absent", [&](PolicySet& s) { knp(s).ingress.reset(); }},
      {"NetworkPolicySpec::egress empty", [&](PolicySet& s) { knp(s).egress->clear(); }},
      {"NetworkPolicySpec::location", [&](PolicySet& s) { knp(s).location.line = 1; }},
      {"NetworkPolicyRule::ports absent", [&](PolicySet& s) { knp(s).egress->front().ports.reset(); }},
      {"NetworkPolicyPeer::pod_selector",
       [&](PolicySet& s) { knp(s).ingress->front().peers->front().pod_selector.reset(); }},
      {"NetworkPolicyPeer::namespace_selector",
       [&](PolicySet& s) { knp(s).ingress->front().peers->front().namespace_selector.reset(); }},
      {"IpBlock::cidr", [&](PolicySet& s) { knp(s).ingress->front().peers->back().ip_block->cidr.text = "x"; }},
      {"IpBlock::except", [&](PolicySet& s) { knp(s).ingress->front().peers->back().ip_block->except.clear(); }},
      {"IpBlock::location", [&](PolicySet& s) { knp(s).ingress->front().peers->back().ip_block->location = {}; }},
      {"NetworkPolicyPort::protocol",
       [&](PolicySet& s) { knp(s).ingress->front().ports->front().protocol = Protocol::kTcp; }},
      {"NetworkPolicyPort::port", [&](PolicySet& s) { knp(s).ingress->front().ports->front().port.reset(); }},
      {"NetworkPolicyPort::end_port", [&](PolicySet& s) { knp(s).ingress->front().ports->front().end_port.reset(); }},
      {"NetworkPolicyPort::location", [&](PolicySet& s) { knp(s).ingress->front().ports->front().location.line = 1; }},
      {"CidrGroup::api_version", [](PolicySet& s) { s.cidr_groups[0].api_version = "cilium.io/v2alpha1"; }},
      {"CidrGroup::meta", [](PolicySet& s) { s.cidr_groups[0].meta.name = "x"; }},
      {"CidrGroup::external_cidrs", [](PolicySet& s) { s.cidr_groups[0].external_cidrs[0].text = "x"; }},
      {"CidrGroup::object", [](PolicySet& s) { s.cidr_groups[0].object = 9; }},
  };
  FileTable files = Files();
  const std::string base = Dump(Rich(), files);
  for (const auto& [name, mutate] : mutations) {
    PolicySet changed = Rich();
    mutate(changed);
    INFO(name);
    REQUIRE_FALSE(changed == Rich());  // the mutation itself must change the IR
    CHECK(Dump(changed, files) != base);
  }
}

// ---- every field is covered -------------------------------------------------
//
// The number of members of each IR struct, found by trying aggregate
// initialisation with N convertible-to-anything values. When a field is added
// to ir/policy.h this count changes and the test below fails until the dump
// covers the field and kDumpedFields is updated.

struct AnyValue {
  template <typename T>
  operator T() const;  // NOLINT: only used in unevaluated contexts
};

template <typename T, size_t... I>
constexpr bool InitializableWith(std::index_sequence<I...>) {
  return requires {
    T{(void(I), AnyValue{})...};
  };
}

template <typename T, size_t N = 0>
constexpr size_t FieldCount() {
  if constexpr (N > 64) {
    return N;
  } else if constexpr (!InitializableWith<T>(std::make_index_sequence<N + 1>{})) {
    return N;
  } else {
    return FieldCount<T, N + 1>();
  }
}

struct Coverage {
  std::string_view type;
  size_t fields;
  size_t dumped;  // fields ir/dump.cc prints
};

TEST_CASE("Dump covers every field of every IR struct", "[dump]") {
  const Coverage kDumpedFields[] = {
      {"LabelKey", FieldCount<LabelKey>(), 2},
      {"SelectorRequirement", FieldCount<SelectorRequirement>(), 4},
      {"MatchLabel", FieldCount<MatchLabel>(), 3},
      {"LabelSelector", FieldCount<LabelSelector>(), 3},
      {"Label", FieldCount<Label>(), 4},
      {"Cidr", FieldCount<Cidr>(), 2},
      {"CidrRule", FieldCount<CidrRule>(), 5},
      {"Entity", FieldCount<Entity>(), 2},
      {"AwsGroup", FieldCount<AwsGroup>(), 5},
      {"ServiceReference", FieldCount<ServiceReference>(), 2},
      {"ServiceSelector", FieldCount<ServiceSelector>(), 2},
      {"Service", FieldCount<Service>(), 2},
      {"FqdnSelector", FieldCount<FqdnSelector>(), 3},
      {"PortProtocol", FieldCount<PortProtocol>(), 8},
      {"SecretRef", FieldCount<SecretRef>(), 2},
      {"TlsContext", FieldCount<TlsContext>(), 5},
      {"Listener", FieldCount<Listener>(), 5},
      {"HeaderMatch", FieldCount<HeaderMatch>(), 5},
      {"Located", FieldCount<Located>(), 2},
      {"HttpRule", FieldCount<HttpRule>(), 6},
      {"KafkaRule", FieldCount<KafkaRule>(), 6},
      {"GenericL7Rule", FieldCount<GenericL7Rule>(), 2},
      {"L7Rules", FieldCount<L7Rules>(), 6},
      {"PortRule", FieldCount<PortRule>(), 7},
      {"IcmpField", FieldCount<IcmpField>(), 4},
      {"IcmpRule", FieldCount<IcmpRule>(), 2},
      {"Authentication", FieldCount<Authentication>(), 2},
      {"PeerFieldLocations", FieldCount<PeerFieldLocations>(), 12},
      {"PeerRule", FieldCount<PeerRule>(), 16},
      {"DefaultDeny", FieldCount<DefaultDeny>(), 3},
      {"Rule", FieldCount<Rule>(), 17},
      {"IpBlock", FieldCount<IpBlock>(), 3},
      {"NetworkPolicyPeer", FieldCount<NetworkPolicyPeer>(), 4},
      {"NetworkPolicyPort", FieldCount<NetworkPolicyPort>(), 4},
      {"NetworkPolicyRule", FieldCount<NetworkPolicyRule>(), 3},
      {"NetworkPolicySpec", FieldCount<NetworkPolicySpec>(), 6},
      {"ObjectMeta", FieldCount<ObjectMeta>(), 8},
      {"Policy", FieldCount<Policy>(), 6},
      {"CidrGroup", FieldCount<CidrGroup>(), 4},
      {"PolicySet", FieldCount<PolicySet>(), 2},
  };
  for (const Coverage& c : kDumpedFields) {
    INFO("ir::" << c.type << " has " << c.fields << " fields but ir/dump.cc prints " << c.dumped
                << ": dump the new field, then update kDumpedFields");
    CHECK(c.fields == c.dumped);
  }
}

}  // namespace
}  // namespace polc::ir
