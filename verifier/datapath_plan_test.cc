// The datapath plan (issue 6), feature by feature: each case builds a plan
// from YAML policies and checks EvaluatePlan on packets, the entries or
// prefixes that carry the feature, and that the reference evaluator judges
// the same packet alike.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

#include "tests/evaluator_test_util.h"
#include "verifier/datapath_plan.h"
#include "verifier/datapath_plan_internal.h"

namespace polc::verifier::test {
namespace {

// SmallInventory with an IPv6 address for every endpoint and node.
ir::Inventory PlanInventory() {
  ir::Inventory inv = SmallInventory();
  int i = 1;
  for (auto& e : inv.endpoints) e.ips.push_back("fd00::" + std::to_string(i++));
  inv.nodes[0].ips.push_back("fd00::1:11");
  inv.nodes[1].ips.push_back("fd00::1:12");
  return inv;
}

struct Fixture {
  ir::PolicySet policies;
  ir::Inventory inventory;
  ir::Settings settings;
  ir::Plan plan;
};

Fixture Build(std::string_view yaml, ir::Settings settings = {}, ir::Inventory inventory = PlanInventory()) {
  compiler::LoadOptions options;
  options.settings = settings;
  compiler::LoadResult load = compiler::LoadText("policy.yaml", yaml, options);
  for (const auto& d : load.sink.diagnostics()) {
    INFO(d.message);
    CHECK(d.severity != ir::Severity::kError);
  }
  Fixture f{load.policies, std::move(inventory), settings, {}};
  f.plan = BuildDatapathPlan(f.policies, f.inventory, f.settings);
  return f;
}

ir::PlanAddress Addr(const std::string& text) { return plan_internal::ToPlanAddress(*ParseIpAddress(text)); }

struct Packet {
  std::string from, to;
  uint8_t protocol = 6;
  uint16_t port = 80;
};

PlanPacket ToPlanPacket(const Packet& p) {
  PlanPacket packet;
  packet.source = Addr(p.from);
  packet.destination = Addr(p.to);
  packet.protocol = p.protocol;
  packet.destination_port = p.port;
  packet.icmp_type = static_cast<uint8_t>(p.port);
  return packet;
}

// The plan's verdict at `direction`, checked against the evaluator's for the
// same packet (both sides given by address).
PlanVerdict Judge(const Fixture& f, const Packet& p, ir::Direction direction) {
  PlanVerdict verdict = EvaluatePlan(f.plan, ToPlanPacket(p), direction);
  Flow flow;
  flow.source = ir::IpPeer{p.from};
  flow.destination = ir::IpPeer{p.to};
  bool icmp = p.protocol == 1 || p.protocol == 58;
  flow.protocol = p.protocol == 6 ? ir::Protocol::kTcp : p.protocol == 17 ? ir::Protocol::kUdp
                  : p.protocol == 132 ? ir::Protocol::kSctp : p.protocol == 1 ? ir::Protocol::kIcmp
                                                                              : ir::Protocol::kIcmpv6;
  if (icmp) {
    flow.icmp_type = static_cast<uint8_t>(p.port);
  } else {
    flow.port = std::to_string(p.port);
  }
  Evaluator evaluator(f.policies, f.inventory, f.settings);
  FlowResult result = evaluator.Evaluate(flow);
  const DirectionResult& side = direction == ir::Direction::kIngress ? result.ingress : result.egress;
  INFO("packet " << p.from << " -> " << p.to << " proto " << int{p.protocol} << " port " << p.port);
  CHECK(verdict.allowed == (side.verdict != Verdict::kDeny));
  CHECK(verdict.audited == (side.verdict == Verdict::kAudit));
  return verdict;
}

bool Allows(const Fixture& f, const Packet& p, ir::Direction direction) { return Judge(f, p, direction).allowed; }

const ir::PlanRule* RuleOf(const ir::Plan& plan, uint32_t id) {
  for (const auto& r : plan.rules) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

const ir::PlanPrefix* PrefixOf(const ir::Plan& plan, const std::string& address, int bits) {
  for (const auto& p : plan.prefixes) {
    if (p.address == Addr(address) && p.bits == bits) return &p;
  }
  return nullptr;
}

constexpr ir::Direction kIn = ir::Direction::kIngress;
constexpr ir::Direction kOut = ir::Direction::kEgress;
const std::string kClient = "10.244.1.10", kServer = "10.244.1.20", kOtherClient = "10.244.2.10",
                  kOtherServer = "10.244.2.20";

std::string Cnp(std::string_view name, std::string_view app, std::string_view body) {
  return "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: " + std::string(name) +
         ", namespace: app}\nspec:\n  endpointSelector: {matchLabels: {app: " + std::string(app) + "}}\n" +
         std::string(body);
}

TEST_CASE("plan: CIDR with except leaves the except prefix's identity out", "[datapath-plan]") {
  Fixture f = Build(Cnp("c", "client",
                        "  egress:\n  - toCIDRSet: [{cidr: 10.0.0.0/8, except: [10.1.0.0/16]}]\n"
                        "    toPorts: [{ports: [{port: '443', protocol: TCP}]}]\n"));
  const ir::PlanPrefix* cidr = PrefixOf(f.plan, "10.0.0.0", 8);
  const ir::PlanPrefix* except = PrefixOf(f.plan, "10.1.0.0", 16);
  REQUIRE(cidr != nullptr);
  REQUIRE(except != nullptr);
  CHECK(cidr->identity >= ir::kFirstCidrIdentity);
  CHECK(except->identity >= ir::kFirstCidrIdentity);
  CHECK(cidr->identity != except->identity);
  auto allowed_for = [&](uint32_t identity) {
    return std::any_of(f.plan.entries.begin(), f.plan.entries.end(), [&](const ir::PlanEntry& e) {
      return e.remote_identity == identity && !e.deny && e.direction == kOut;
    });
  };
  CHECK(allowed_for(cidr->identity));
  CHECK_FALSE(allowed_for(except->identity));
  CHECK(Allows(f, {kClient, "10.2.3.4", 6, 443}, kOut));
  CHECK_FALSE(Allows(f, {kClient, "10.1.2.3", 6, 443}, kOut));
  CHECK_FALSE(Allows(f, {kClient, "10.2.3.4", 6, 444}, kOut));
  // A pod inside the CIDR keeps its own identity (2.4): not allowed.
  CHECK_FALSE(Allows(f, {kClient, kOtherServer, 6, 443}, kOut));
  PlanVerdict v = Judge(f, {kClient, "10.1.2.3", 6, 443}, kOut);
  CHECK(v.reason == PlanDropReason::kDefaultDeny);
  CHECK(v.remote_identity == except->identity);
}

TEST_CASE("plan: deny wins over allow, and names its rule", "[datapath-plan]") {
  Fixture f = Build(Cnp("s", "server",
                        "  ingress:\n  - fromEntities: [all]\n"
                        "  ingressDeny:\n  - fromEndpoints: [{matchLabels: {app: client}}]\n"
                        "    toPorts: [{ports: [{port: '80', protocol: TCP}]}]\n"));
  PlanVerdict denied = Judge(f, {kClient, kServer, 6, 80}, kIn);
  CHECK_FALSE(denied.allowed);
  CHECK(denied.reason == PlanDropReason::kDenyRule);
  REQUIRE(RuleOf(f.plan, denied.rule) != nullptr);
  CHECK(RuleOf(f.plan, denied.rule)->deny);
  CHECK(RuleOf(f.plan, denied.rule)->description == "CiliumNetworkPolicy app/s ingressDeny[0]");
  CHECK(Allows(f, {kClient, kServer, 6, 81}, kIn));
  CHECK(Allows(f, {kClient, kServer, 17, 80}, kIn));
  CHECK(Allows(f, {kClient, kServer, 1, 8}, kIn));
  CHECK(Allows(f, {kOtherClient, kServer, 6, 80}, kIn));  // another namespace: not the deny's peer
  CHECK(f.plan.features.deny);
}

TEST_CASE("plan: a protocol-0 allow and a port deny of one identity stay disjoint per protocol", "[datapath-plan]") {
  Fixture f = Build(Cnp("s", "server",
                        "  ingress:\n  - fromEndpoints: [{matchLabels: {app: client}}]\n"
                        "  ingressDeny:\n  - fromEndpoints: [{matchLabels: {app: client}}]\n"
                        "    toPorts: [{ports: [{port: '80', protocol: TCP}]}]\n"));
  // Within one (endpoint, direction, remote): entries of one protocol never overlap.
  for (size_t i = 0; i < f.plan.entries.size(); ++i) {
    for (size_t j = i + 1; j < f.plan.entries.size(); ++j) {
      const auto& a = f.plan.entries[i];
      const auto& b = f.plan.entries[j];
      if (a.endpoint != b.endpoint || a.direction != b.direction || a.remote_identity != b.remote_identity ||
          a.protocol != b.protocol) {
        continue;
      }
      CHECK((a.port_last < b.port_first || b.port_last < a.port_first));
    }
  }
  CHECK_FALSE(Allows(f, {kClient, kServer, 6, 80}, kIn));
  CHECK(Allows(f, {kClient, kServer, 6, 79}, kIn));
  CHECK(Allows(f, {kClient, kServer, 6, 81}, kIn));
  CHECK(Allows(f, {kClient, kServer, 132, 80}, kIn));
  CHECK_FALSE(Allows(f, {kOtherClient, kServer, 6, 81}, kIn));
}

TEST_CASE("plan: named ports resolve against the subject (ingress) and the destination (egress)", "[datapath-plan]") {
  Fixture in = Build(Cnp("s", "server", "  ingress:\n  - toPorts: [{ports: [{port: http, protocol: TCP}]}]\n"));
  CHECK(Allows(in, {kClient, kServer, 6, 8080}, kIn));
  CHECK_FALSE(Allows(in, {kClient, kServer, 6, 8081}, kIn));
  std::string egress =
      "apiVersion: cilium.io/v2\nkind: CiliumClusterwideNetworkPolicy\nmetadata: {name: c}\nspec:\n"
      "  endpointSelector: {matchLabels: {app: client}}\n"
      "  egress:\n  - toEndpoints: [{}]\n    toPorts: [{ports: [{port: http, protocol: TCP}]}]\n";
  Fixture out = Build(egress);
  CHECK(Allows(out, {kClient, kServer, 6, 8080}, kOut));
  CHECK_FALSE(Allows(out, {kClient, kServer, 6, 8081}, kOut));
  CHECK(Allows(out, {kClient, kOtherServer, 6, 8081}, kOut));
  CHECK_FALSE(Allows(out, {kClient, kOtherServer, 6, 8080}, kOut));
}

TEST_CASE("plan: ICMP types are the port of an ICMP entry", "[datapath-plan]") {
  Fixture f = Build(Cnp("s", "server",
                        "  ingress:\n  - icmps: [{fields: [{type: 8}, {family: IPv6, type: EchoRequest}]}]\n"));
  CHECK(std::any_of(f.plan.entries.begin(), f.plan.entries.end(), [](const ir::PlanEntry& e) {
    return e.protocol == 1 && e.port_first == 8 && e.port_last == 8 && e.remote_identity == ir::kAnyIdentity;
  }));
  CHECK(Allows(f, {kClient, kServer, 1, 8}, kIn));
  CHECK_FALSE(Allows(f, {kClient, kServer, 1, 0}, kIn));
  CHECK_FALSE(Allows(f, {kClient, kServer, 6, 8}, kIn));
  CHECK(Allows(f, {"fd00::1", "fd00::2", 58, 128}, kIn));
  CHECK_FALSE(Allows(f, {"fd00::1", "fd00::2", 58, 129}, kIn));
  CHECK(f.plan.features.icmp);
  CHECK(f.plan.features.ipv6);
}

TEST_CASE("plan: an L4-only rule is a wildcard-identity entry", "[datapath-plan]") {
  Fixture f = Build(Cnp("s", "server", "  ingress:\n  - toPorts: [{ports: [{port: '8000', endPort: 8010, protocol: UDP}]}]\n"));
  std::vector<ir::PlanEntry> entries;
  for (const auto& e : f.plan.entries) {
    if (e.direction == kIn && e.remote_identity != ir::kHostIdentity) entries.push_back(e);
  }
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].remote_identity == ir::kAnyIdentity);
  CHECK(entries[0].protocol == 17);
  CHECK(entries[0].port_first == 8000);
  CHECK(entries[0].port_last == 8010);
  CHECK(Allows(f, {"8.8.8.8", kServer, 17, 8010}, kIn));
  CHECK_FALSE(Allows(f, {"8.8.8.8", kServer, 17, 8011}, kIn));
  CHECK_FALSE(Allows(f, {"8.8.8.8", kServer, 17, 7999}, kIn));
}

TEST_CASE("plan: audit mode lets drops through, audited", "[datapath-plan]") {
  ir::Settings settings;
  settings.policy_audit_mode = true;
  Fixture f = Build(Cnp("s", "server", "  ingress:\n  - fromEndpoints: [{matchLabels: {app: client}}]\n"), settings);
  PlanVerdict v = Judge(f, {kOtherClient, kServer, 6, 80}, kIn);
  CHECK(v.allowed);
  CHECK(v.audited);
  CHECK(v.reason == PlanDropReason::kDefaultDeny);
  PlanVerdict ok = Judge(f, {kClient, kServer, 6, 80}, kIn);
  CHECK(ok.allowed);
  CHECK_FALSE(ok.audited);
  CHECK(f.plan.features.audit);
}

TEST_CASE("plan: enableDefaultDeny false allows what no entry decides", "[datapath-plan]") {
  Fixture f = Build(Cnp("s", "server",
                        "  enableDefaultDeny: {ingress: false}\n"
                        "  ingressDeny:\n  - fromEntities: [world]\n"));
  const ir::PlanEndpoint& server = f.plan.endpoints[1];
  REQUIRE(server.name == "server");
  CHECK(server.ingress.enforced);
  CHECK_FALSE(server.ingress.default_deny);
  CHECK(Allows(f, {kClient, kServer, 6, 80}, kIn));
  PlanVerdict v = Judge(f, {"8.8.8.8", kServer, 6, 80}, kIn);
  CHECK_FALSE(v.allowed);
  CHECK(v.reason == PlanDropReason::kDenyRule);
  CHECK_FALSE(Allows(f, {"2001:db8::1", kServer, 6, 80}, kIn));
}

TEST_CASE("plan: a node is host on its own node and remote-node elsewhere", "[datapath-plan]") {
  Fixture f = Build(Cnp("c", "client", "  egress:\n  - toEntities: [host]\n"));
  const ir::PlanPrefix* node1 = PrefixOf(f.plan, "192.168.1.11", 32);
  REQUIRE(node1 != nullptr);
  CHECK(node1->node != 0);
  CHECK(f.plan.nodes[node1->node - 1] == "node-1");
  CHECK(node1->local_identity == ir::kHostIdentity);
  CHECK(node1->identity != ir::kHostIdentity);
  // app/client runs on node-1.
  CHECK(Allows(f, {kClient, "192.168.1.11", 6, 10250}, kOut));
  CHECK(Allows(f, {kClient, "fd00::1:11", 6, 10250}, kOut));
  CHECK_FALSE(Allows(f, {kClient, "192.168.1.12", 6, 10250}, kOut));
  // Allow-localhost (3.6): the own node may always reach the endpoint.
  Fixture g = Build(Cnp("s", "server", "  ingress:\n  - fromEndpoints: [{matchLabels: {app: client}}]\n"));
  CHECK(Allows(g, {"192.168.1.11", kServer, 6, 22}, kIn));
  CHECK_FALSE(Allows(g, {"192.168.1.12", kServer, 6, 22}, kIn));
}

TEST_CASE("plan: L7 ports are allowed at L3/L4 and need the proxy", "[datapath-plan]") {
  Fixture f = Build(Cnp("s", "server",
                        "  ingress:\n  - toPorts: [{ports: [{port: '8080', protocol: TCP}], rules: {http: [{method: GET}]}}]\n"));
  PlanVerdict v = Judge(f, {kClient, kServer, 6, 8080}, kIn);
  CHECK(v.allowed);
  CHECK(v.needs_l7_proxy);
  CHECK(f.plan.features.l7);
  CHECK_FALSE(Allows(f, {kClient, kServer, 6, 8081}, kIn));
}

TEST_CASE("plan: toFQDNs peers take the DNS snapshot's addresses; unresolved names are listed", "[datapath-plan]") {
  Fixture f = Build(Cnp("c", "client",
                        "  egress:\n  - toFQDNs: [{matchName: one.one.one.one}, {matchName: nowhere.example}]\n"
                        "    toPorts: [{ports: [{port: '443', protocol: TCP}]}]\n"
                        "  - toPorts: [{ports: [{port: '53', protocol: UDP}], rules: {dns: [{matchPattern: '*'}]}}]\n"));
  const ir::PlanPrefix* one = PrefixOf(f.plan, "1.1.1.1", 32);
  REQUIRE(one != nullptr);
  CHECK(one->identity >= ir::kFirstCidrIdentity);
  CHECK(Allows(f, {kClient, "1.1.1.1", 6, 443}, kOut));
  CHECK_FALSE(Allows(f, {kClient, "1.1.1.2", 6, 443}, kOut));
  CHECK(f.plan.unresolved_fqdns == std::vector<std::string>{"nowhere.example"});
}

TEST_CASE("plan: deterministic, whatever the order of policies and endpoints", "[datapath-plan]") {
  std::string yaml = Cnp("a", "server", "  ingress:\n  - fromEndpoints: [{matchLabels: {app: client}}]\n") + "---\n" +
                     Cnp("b", "client", "  egress:\n  - toCIDR: [1.1.1.0/24]\n  - toEntities: [world-ipv4]\n    toPorts: [{ports: [{port: '53'}]}]\n") +
                     "---\n" +
                     Cnp("c", "server", "  ingressDeny:\n  - fromCIDRSet: [{cidr: 0.0.0.0/0, except: [10.0.0.0/8]}]\n");
  Fixture f = Build(yaml);
  CHECK(BuildDatapathPlan(f.policies, f.inventory, f.settings) == f.plan);
  std::mt19937 rng(7);
  for (int round = 0; round < 5; ++round) {
    ir::PolicySet policies = f.policies;
    ir::Inventory inventory = f.inventory;
    std::shuffle(policies.policies.begin(), policies.policies.end(), rng);
    std::shuffle(inventory.endpoints.begin(), inventory.endpoints.end(), rng);
    CHECK(BuildDatapathPlan(policies, inventory, f.settings) == f.plan);
  }
  // 0.0.0.0/0 is a policy prefix here, so IPv4 outside addresses have its
  // CIDR identity; IPv6 ones are world (2), judged without world-ipv4.
  REQUIRE(PrefixOf(f.plan, "0.0.0.0", 0) != nullptr);
  CHECK(PrefixOf(f.plan, "0.0.0.0", 0)->identity >= ir::kFirstCidrIdentity);
  CHECK(PrefixOf(f.plan, "::", 0) == nullptr);
  CHECK(Allows(f, {kClient, "8.8.8.8", 17, 53}, kOut));
  CHECK_FALSE(Allows(f, {kClient, "2001:db8::8", 17, 53}, kOut));
  CHECK(Judge(f, {kClient, "2001:db8::8", 17, 53}, kOut).remote_identity == ir::kWorldIdentity);
}

TEST_CASE("plan: world is 9 and 10 only when the families are judged differently", "[datapath-plan]") {
  Fixture split = Build(Cnp("b", "client", "  egress:\n  - toEntities: [world-ipv4]\n"));
  REQUIRE(PrefixOf(split.plan, "0.0.0.0", 0) != nullptr);
  REQUIRE(PrefixOf(split.plan, "::", 0) != nullptr);
  CHECK(PrefixOf(split.plan, "0.0.0.0", 0)->identity == ir::kWorldIpv4Identity);
  CHECK(PrefixOf(split.plan, "::", 0)->identity == ir::kWorldIpv6Identity);
  CHECK(Allows(split, {kClient, "8.8.8.8", 6, 80}, kOut));
  CHECK_FALSE(Allows(split, {kClient, "2001:db8::8", 6, 80}, kOut));
  Fixture one = Build(Cnp("b", "client", "  egress:\n  - toEntities: [world]\n"));
  CHECK(PrefixOf(one.plan, "0.0.0.0", 0) == nullptr);
  CHECK(PrefixOf(one.plan, "::", 0) == nullptr);
  CHECK(Judge(one, {kClient, "8.8.8.8", 6, 80}, kOut).remote_identity == ir::kWorldIdentity);
  CHECK(Allows(one, {kClient, "2001:db8::8", 6, 80}, kOut));
  CHECK_FALSE(Allows(one, {kClient, kServer, 6, 80}, kOut));
}

TEST_CASE("plan: only the chosen node's endpoints are local", "[datapath-plan]") {
  Fixture f = Build(Cnp("s", "server", "  ingress:\n  - fromEndpoints: [{matchLabels: {app: client}}]\n"));
  ir::Plan node2 = BuildDatapathPlan(f.policies, f.inventory, f.settings, PlanOptions{"node-2"});
  REQUIRE(node2.endpoints.size() == 2);
  for (const auto& e : node2.endpoints) CHECK(node2.nodes[e.node - 1] == "node-2");
  PlanPacket packet = ToPlanPacket({kClient, kServer, 6, 80});
  CHECK_FALSE(EvaluatePlan(node2, packet, kIn).local);
  CHECK(EvaluatePlan(f.plan, packet, kIn).local);
  CHECK(node2.prefixes == f.plan.prefixes);  // the ipcache is the cluster's
}

TEST_CASE("plan: fromRequires narrows the endpoint peers of the subject (1.18)", "[datapath-plan]") {
  ir::Settings settings;
  settings.version = {1, 18};
  Fixture f = Build(Cnp("s", "server",
                        "  ingress:\n  - fromRequires: [{matchLabels: {app: client}}]\n"
                        "  - fromEndpoints: [{}]\n    toPorts: [{ports: [{port: '80', protocol: TCP}]}]\n"),
                    settings);
  CHECK(Allows(f, {kClient, kServer, 6, 80}, kIn));
  CHECK_FALSE(Allows(f, {kServer, kServer, 6, 80}, kIn));  // app=server lacks the requirement
  CHECK_FALSE(Allows(f, {kClient, kServer, 6, 81}, kIn));
}

TEST_CASE("plan: what it cannot judge as the evaluator does is a warning", "[datapath-plan]") {
  ir::Settings settings;
  settings.host_firewall = true;
  ir::Inventory inventory = PlanInventory();
  inventory.services[0].cluster_ips = {"10.96.0.10"};
  inventory.endpoints[0].node.clear();
  Fixture f = Build(Cnp("s", "server", "  ingress:\n  - fromEndpoints: [{matchLabels: {app: client}}]\n"), settings,
                    inventory);
  auto has = [&](std::string_view text) {
    return std::any_of(f.plan.warnings.begin(), f.plan.warnings.end(),
                       [&](const std::string& w) { return w.find(text) != std::string::npos; });
  };
  CHECK_FALSE(has("host firewall"));
  CHECK(has("cluster IPs"));
  CHECK(has("app/client has no node"));
  Fixture clean = Build(Cnp("s", "server", "  ingress:\n  - fromEndpoints: [{matchLabels: {app: client}}]\n"));
  CHECK(clean.plan.warnings.empty());
}

TEST_CASE("plan: with the host firewall the nodes are endpoints judged by host policies", "[datapath-plan]") {
  ir::Settings settings;
  settings.host_firewall = true;
  std::string yaml =
      "apiVersion: cilium.io/v2\nkind: CiliumClusterwideNetworkPolicy\nmetadata: {name: h}\nspec:\n"
      "  nodeSelector: {matchLabels: {zone: z1}}\n"
      "  ingress:\n  - fromEntities: [remote-node]\n    toPorts: [{ports: [{port: '22', protocol: TCP}]}]\n";
  Fixture f = Build(yaml, settings);
  REQUIRE(f.plan.endpoints.size() == 6);
  const ir::PlanEndpoint& node1 = f.plan.endpoints[4];
  CHECK(node1.name == "node-1");
  CHECK(node1.namespace_.empty());
  CHECK(node1.identity == ir::kHostIdentity);
  CHECK(node1.ingress.enforced);
  CHECK_FALSE(f.plan.endpoints[5].ingress.enforced);  // node-2 is in zone z2
  CHECK(Allows(f, {"192.168.1.12", "192.168.1.11", 6, 22}, kIn));
  CHECK_FALSE(Allows(f, {"192.168.1.12", "192.168.1.11", 6, 23}, kIn));
  CHECK_FALSE(Allows(f, {kClient, "192.168.1.11", 6, 22}, kIn));  // a pod is not remote-node
  CHECK(Allows(f, {kClient, "192.168.1.12", 6, 22}, kIn));
  CHECK(Judge(f, {"192.168.1.12", "192.168.1.11", 6, 22}, kIn).local);
}

TEST_CASE("plan: CIDR groups and selector-less Service backends are CIDR identities", "[datapath-plan]") {
  ir::Inventory inventory = PlanInventory();
  ir::InventoryService external;
  external.name = "db";
  external.namespace_ = "app";
  external.endpoint_ips = {"172.16.0.5"};
  inventory.services.push_back(external);
  std::string yaml =
      "apiVersion: cilium.io/v2alpha1\nkind: CiliumCIDRGroup\nmetadata: {name: partners}\n"
      "spec:\n  externalCIDRs: [198.51.100.0/24, '2001:db8:5::/48']\n---\n" +
      Cnp("c", "client",
          "  egress:\n  - toCIDRSet: [{cidrGroupRef: partners}]\n"
          "  - toServices: [{k8sService: {serviceName: db}}]\n    toPorts: [{ports: [{port: '5432', protocol: TCP}]}]\n");
  Fixture f = Build(yaml, {}, inventory);
  for (const auto& [address, bits] : std::vector<std::pair<std::string, int>>{
           {"198.51.100.0", 24}, {"2001:db8:5::", 48}, {"172.16.0.5", 32}}) {
    INFO(address << "/" << bits);
    REQUIRE(PrefixOf(f.plan, address, bits) != nullptr);
    CHECK(PrefixOf(f.plan, address, bits)->identity >= ir::kFirstCidrIdentity);
  }
  CHECK(Allows(f, {kClient, "198.51.100.9", 6, 443}, kOut));
  CHECK(Allows(f, {"fd00::1", "2001:db8:5::9", 6, 443}, kOut));
  CHECK_FALSE(Allows(f, {kClient, "198.51.101.9", 6, 443}, kOut));
  CHECK(Allows(f, {kClient, "172.16.0.5", 6, 5432}, kOut));
  CHECK_FALSE(Allows(f, {kClient, "172.16.0.5", 6, 5433}, kOut));
  CHECK_FALSE(Allows(f, {kClient, "172.16.0.6", 6, 5432}, kOut));
}

}  // namespace
}  // namespace polc::verifier::test
