// Reference evaluator: enforcement, default deny, deny rules
// (cilium-semantics.md sections 3 and 4).
#include <catch2/catch.hpp>

#include "tests/evaluator_test_util.h"

namespace polc::verifier::test {
namespace {

std::string Cnp(std::string_view body) {
  return "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: p, namespace: app}\nspec:\n"
         "  endpointSelector: {matchLabels: {app: server}}\n" +
         std::string(body);
}

TEST_CASE("3.1 enforcement is per direction", "[evaluator]") {
  std::string yaml = Cnp("  ingress:\n    - fromEndpoints: [{matchLabels: {app: client}}]\n");
  FlowResult r = Eval(yaml, Tcp(Ep("app", "server"), Entity("world"), "443"));
  CHECK(Allowed(r));
  CHECK_FALSE(r.egress.enforced);
  CHECK_FALSE(r.ingress.applies);  // world has no policy of its own
  FlowResult in = Eval(yaml, Tcp(Ep("app", "client"), Ep("app", "server"), "80"));
  CHECK(Allowed(in));
  CHECK(in.ingress.enforced);
  CHECK(in.ingress.default_deny);
  CHECK(in.ingress.enforcement_reason.find("CiliumNetworkPolicy app/p ingress[0]") != std::string::npos);
  REQUIRE(in.ingress.deciding.has_value());
  CHECK(in.ingress.deciding->location.line == 7);
  CHECK(in.ingress.deciding->description == "CiliumNetworkPolicy app/p ingress[0]");
}

TEST_CASE("3.2 CNP ingress: [] has no effect; ingress: [{}] denies all", "[evaluator]") {
  ir::Settings v116;
  v116.version = {1, 16};  // 1.17+ rejects a rule whose lists are all empty
  CHECK(Allowed(Eval(Cnp("  ingress: []\n"), Tcp(Ep("app", "client"), Ep("app", "server"), "80"), v116)));
  FlowResult r = Eval(Cnp("  ingress: [{}]\n"), Tcp(Ep("app", "client"), Ep("app", "server"), "80"));
  CHECK(r.verdict == Verdict::kDeny);
  CHECK(r.denied_at == ir::Direction::kIngress);
  CHECK(r.deny_reason == ir::DenyReason::kDefaultDeny);
  CHECK(r.ingress.matches.empty());
}

TEST_CASE("3.3 empty peer list selects nothing; absent L3 with toPorts is every peer incl. world", "[evaluator]") {
  std::string empty = Cnp("  ingress:\n    - fromEndpoints: []\n      toPorts: [{ports: [{port: '80'}]}]\n");
  CHECK_FALSE(Allowed(Eval(empty, Tcp(Ep("app", "client"), Ep("app", "server"), "80"))));
  std::string l4 = Cnp("  ingress:\n    - toPorts: [{ports: [{port: '80'}]}]\n");
  CHECK(Allowed(Eval(l4, Tcp(Ip("8.8.8.8"), Ep("app", "server"), "80"))));
  CHECK(Allowed(Eval(l4, Tcp(Ep("other", "client"), Ep("app", "server"), "80"))));
  CHECK_FALSE(Allowed(Eval(l4, Tcp(Ip("8.8.8.8"), Ep("app", "server"), "81"))));
}

TEST_CASE("3.4 enableDefaultDeny false: allowed unless a deny matches; ORed across rules", "[evaluator]") {
  std::string off = Cnp(
      "  enableDefaultDeny: {ingress: false}\n"
      "  ingress:\n    - fromEndpoints: [{matchLabels: {app: client}}]\n"
      "  ingressDeny:\n    - fromEntities: [world]\n");
  FlowResult other = Eval(off, Tcp(Ep("other", "client"), Ep("app", "server"), "80"));
  CHECK(Allowed(other));
  CHECK(other.ingress.enforced);
  CHECK_FALSE(other.ingress.default_deny);
  FlowResult world = Eval(off, Tcp(Ip("8.8.8.8"), Ep("app", "server"), "80"));
  CHECK(world.deny_reason == ir::DenyReason::kDenyRule);
  // Another policy that keeps the default: default deny is on for the endpoint.
  std::string both = off + "---\n" + Cnp("  ingress:\n    - fromEndpoints: [{matchLabels: {app: x}}]\n");
  both.replace(both.rfind("name: p"), 7, "name: q");
  CHECK_FALSE(Allowed(Eval(both, Tcp(Ep("other", "client"), Ep("app", "server"), "80"))));
  // --enable-non-default-deny-policies=false forces default deny.
  ir::Settings forced;
  forced.enable_non_default_deny_policies = false;
  // (Sanitize reports the ignored flag as an error; the agent still loads the rule.)
  CHECK_FALSE(Allowed(Eval(off, Tcp(Ep("other", "client"), Ep("app", "server"), "80"), forced, SmallInventory(),
                           /*errors_expected=*/true)));
}

TEST_CASE("3.5 enforcement modes always / never; init is always enforced", "[evaluator]") {
  std::string none = Cnp("  egress:\n    - toEntities: [world]\n");
  ir::Settings always;
  always.enforcement = ir::EnforcementMode::kAlways;
  FlowResult r = Eval(none, Tcp(Ep("other", "client"), Ep("other", "server"), "80"), always);
  CHECK(r.verdict == Verdict::kDeny);
  CHECK(r.denied_at == ir::Direction::kEgress);
  ir::Settings never;
  never.enforcement = ir::EnforcementMode::kNever;
  CHECK(Allowed(Eval(Cnp("  ingress: [{}]\n"), Tcp(Ep("app", "client"), Ep("app", "server"), "80"), never)));
  FlowResult init = Eval(none, Tcp(Entity("init"), Ep("other", "server"), "80"));
  CHECK(init.denied_at == ir::Direction::kEgress);
  CHECK(init.egress.enforcement_reason.find("init") != std::string::npos);
}

TEST_CASE("3.5 host policies apply only with the host firewall", "[evaluator]") {
  constexpr std::string_view yaml = R"(
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: h}
spec:
  nodeSelector: {matchLabels: {zone: z1}}
  ingress:
    - fromEntities: [cluster]
)";
  CHECK(Allowed(Eval(yaml, Tcp(Ip("8.8.8.8"), NodeP("node-1"), "22"))));
  ir::Settings firewall;
  firewall.host_firewall = true;
  FlowResult r = Eval(yaml, Tcp(Ip("8.8.8.8"), NodeP("node-1"), "22"), firewall);
  CHECK(r.denied_at == ir::Direction::kIngress);
  CHECK(Allowed(Eval(yaml, Tcp(Ip("8.8.8.8"), NodeP("node-2"), "22"), firewall)));
  CHECK(Allowed(Eval(yaml, Tcp(Ep("app", "client"), NodeP("node-1"), "22"), firewall)));
}

TEST_CASE("3.6 allow-localhost: ingress from the host under default deny", "[evaluator]") {
  std::string yaml = Cnp("  ingress:\n    - fromEndpoints: [{matchLabels: {app: client}}]\n");
  FlowResult r = Eval(yaml, Tcp(Entity("host"), Ep("app", "server"), "80"));
  CHECK(Allowed(r));
  REQUIRE(r.ingress.deciding.has_value());
  CHECK(r.ingress.deciding->policy == -1);
  ir::Settings policy;
  policy.allow_localhost = ir::AllowLocalhost::kPolicy;
  CHECK_FALSE(Allowed(Eval(yaml, Tcp(Entity("host"), Ep("app", "server"), "80"), policy)));
  // A node of another node is remote-node, not localhost.
  CHECK_FALSE(Allowed(Eval(yaml, Tcp(NodeP("node-2"), Ep("app", "server"), "80"))));
}

TEST_CASE("4 deny wins over allow; L3 allow + L4 deny", "[evaluator]") {
  std::string yaml = Cnp(
      "  ingress:\n    - fromEndpoints: [{matchLabels: {app: client}}]\n"
      "  ingressDeny:\n    - toPorts: [{ports: [{port: '80', protocol: TCP}]}]\n");
  FlowResult r = Eval(yaml, Tcp(Ep("app", "client"), Ep("app", "server"), "80"));
  CHECK(r.verdict == Verdict::kDeny);
  CHECK(r.deny_reason == ir::DenyReason::kDenyRule);
  REQUIRE(r.ingress.deciding.has_value());
  CHECK(r.ingress.deciding->deny);
  CHECK(r.ingress.matches.size() == 2);
  CHECK(Allowed(Eval(yaml, Tcp(Ep("app", "client"), Ep("app", "server"), "81"))));
  Flow ping = Tcp(Ep("app", "client"), Ep("app", "server"), "");
  ping.protocol = ir::Protocol::kIcmp;
  ping.icmp_type = 8;
  CHECK(Allowed(Eval(yaml, ping)));
}

TEST_CASE("4 a deny-only policy turns on default deny; deny across kinds", "[evaluator]") {
  std::string deny_only = Cnp("  ingressDeny:\n    - fromEntities: [world]\n");
  FlowResult r = Eval(deny_only, Tcp(Ep("app", "client"), Ep("app", "server"), "80"));
  CHECK(r.deny_reason == ir::DenyReason::kDefaultDeny);
  std::string knp_allow = deny_only +
                          "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: k, "
                          "namespace: app}\nspec:\n  podSelector: {}\n  ingress: [{}]\n";
  CHECK(Allowed(Eval(knp_allow, Tcp(Ep("app", "client"), Ep("app", "server"), "80"))));
  FlowResult world = Eval(knp_allow, Tcp(Ip("8.8.8.8"), Ep("app", "server"), "80"));
  CHECK(world.deny_reason == ir::DenyReason::kDenyRule);
}

TEST_CASE("4 audit mode: a deny becomes AUDIT", "[evaluator]") {
  ir::Settings audit;
  audit.policy_audit_mode = true;
  FlowResult r = Eval(Cnp("  ingress: [{}]\n"), Tcp(Ep("app", "client"), Ep("app", "server"), "80"), audit);
  CHECK(r.verdict == Verdict::kAudit);
  CHECK(r.denied_at == ir::Direction::kIngress);
}

}  // namespace
}  // namespace polc::verifier::test
