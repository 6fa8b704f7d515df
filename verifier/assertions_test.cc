// Hand cases of user-written assertions (PropertySet, issue 5 section 1):
// each statement form holding and failing, every counterexample replayed
// through the reference evaluator, where it must contradict the statement.
#include "verifier/assertions.h"

#include <catch2/catch.hpp>

#include <string>

#include "compiler/loader.h"
#include "tests/evaluator_test_util.h"

namespace polc::verifier {
namespace {

struct Run {
  std::vector<PropertyResult> results;
  const PropertyResult& Get(std::string_view property) const {
    for (const auto& r : results) {
      if (r.property == property) return r;
    }
    FAIL("no result for " << property);
    return results.front();
  }
};

// Policies and PropertySets in one text.
Run Verify(std::string_view yaml, ir::Settings settings = {}) {
  compiler::LoadOptions options;
  options.settings = settings;
  compiler::LoadResult load = compiler::LoadText("all.yaml", yaml, options);
  for (const auto& d : load.sink.diagnostics()) {
    INFO(d.message);
    CHECK(d.severity != ir::Severity::kError);
  }
  return {VerifyAssertions(load.policies, test::SmallInventory(), settings, load.property_sets)};
}

bool Denied(const PropertyResult& r) {
  REQUIRE(r.counterexample);
  INFO(r.counterexample->description);
  CHECK(!r.counterexample->replay.error);
  return r.counterexample->replay.verdict == Verdict::kDeny;
}

const ir::LabelsPeer& Pod(const ir::FlowPeer& peer) {
  REQUIRE(std::holds_alternative<ir::LabelsPeer>(peer));
  return std::get<ir::LabelsPeer>(peer);
}

// app (team a) may only talk within app on TCP 8080 to app=server; other
// (team b) has no policy at all.
constexpr std::string_view kPolicies = R"(
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: app-egress, namespace: app}
spec:
  endpointSelector: {}
  egress:
    - toEndpoints: [{matchLabels: {app: server}}]
      toPorts: [{ports: [{port: "8080", protocol: TCP}]}]
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: server-ingress, namespace: app}
spec:
  endpointSelector: {matchLabels: {app: server}}
  ingress:
    - fromEndpoints: [{matchLabels: {app: client}}]
      toPorts: [{ports: [{port: "8080", protocol: TCP}]}]
---
)";

TEST_CASE("assertion deny between namespaces: holds, and fails with a replayed pod pair", "[assertions]") {
  Run run = Verify(std::string(kPolicies) + R"(
apiVersion: polc.io/v1alpha1
kind: PropertySet
metadata: {name: isolation}
spec:
  assertions:
    - name: a-never-reaches-b
      from: {namespaceSelector: {matchLabels: {team: a}}}
      to: {namespaceSelector: {matchLabels: {team: b}}}
      expect: deny
    - name: b-never-reaches-a
      from: {namespaceSelector: {matchLabels: {team: b}}}
      to: {namespace: app}
      expect: deny
)");
  REQUIRE(run.results.size() == 2);
  const PropertyResult& holds = run.Get("assertion:a-never-reaches-b");
  CHECK(holds.verdict == PropertyVerdict::kHolds);
  CHECK(holds.scope.find("PropertySet isolation") != std::string::npos);
  CHECK(!holds.counterexample);

  // other has no egress policy, and server admits app=client on 8080 from
  // any namespace? No: fromEndpoints is scoped to app, so only pods of app
  // that are not servers (no ingress policy) are reachable.
  const PropertyResult& fails = run.Get("assertion:b-never-reaches-a");
  REQUIRE(fails.verdict == PropertyVerdict::kFails);
  REQUIRE(fails.counterexample);
  CHECK(!Denied(fails));  // the evaluator allows it too
  CHECK(Pod(fails.counterexample->flow.source).namespace_ == "other");
  const ir::LabelsPeer& to = Pod(fails.counterexample->flow.destination);
  CHECK(to.namespace_ == "app");
  CHECK((to.labels.count("app") == 0 || to.labels.at("app") != "server"));
}

TEST_CASE("assertion allow on ports: holds on the allowed port, fails on another", "[assertions]") {
  Run run = Verify(std::string(kPolicies) + R"(
apiVersion: polc.io/v1alpha1
kind: PropertySet
metadata: {name: shop}
spec:
  assertions:
    - name: client-to-server
      from: {namespace: app, podSelector: {matchLabels: {app: client}}}
      to: {namespace: app, podSelector: {matchLabels: {app: server}}}
      ports: [{port: 8080, protocol: TCP}]
      expect: allow
    - name: client-to-server-range
      from: {namespace: app, podSelector: {matchLabels: {app: client}}}
      to: {namespace: app, podSelector: {matchLabels: {app: server}}}
      ports: [{port: 8000, endPort: 8100, protocol: TCP}]
      expect: allow
    - name: web-to-server
      from: {namespace: app, podSelector: {matchLabels: {app: web}}}
      to: {namespace: app, podSelector: {matchLabels: {app: server}}}
      ports: [{port: 8080, protocol: TCP}]
      expect: allow
)");
  CHECK(run.Get("assertion:client-to-server").verdict == PropertyVerdict::kHolds);

  const PropertyResult& range = run.Get("assertion:client-to-server-range");
  REQUIRE(range.verdict == PropertyVerdict::kFails);
  CHECK(Denied(range));
  CHECK(range.counterexample->flow.port != "8080");
  CHECK(!range.rules.empty());  // the default deny's enforcing entries, with locations
  for (const auto& rule : range.rules) CHECK(rule.location.line > 0);

  const PropertyResult& web = run.Get("assertion:web-to-server");
  REQUIRE(web.verdict == PropertyVerdict::kFails);
  CHECK(Denied(web));
  CHECK(Pod(web.counterexample->flow.source).labels.at("app") == "web");
  CHECK(web.counterexample->replay.denied_at == ir::Direction::kIngress);
}

TEST_CASE("assertion to entities, CIDRs and names", "[assertions]") {
  Run run = Verify(std::string(kPolicies) + R"(
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: other-egress, namespace: other}
spec:
  endpointSelector: {}
  egress:
    - toCIDR: [10.1.0.0/16]
    - toFQDNs: [{matchPattern: "*.stripe.com"}]
      toPorts: [{ports: [{port: "443", protocol: TCP}]}]
---
apiVersion: polc.io/v1alpha1
kind: PropertySet
metadata: {name: world}
spec:
  assertions:
    - name: app-no-world
      from: {namespace: app}
      to: {entities: [world], cidrs: [0.0.0.0/0]}
      expect: deny
    - name: other-no-10-8
      from: {namespace: other}
      to: {cidrs: [10.0.0.0/8]}
      expect: deny
    - name: other-stripe
      from: {namespace: other}
      to: {fqdns: ["*.stripe.com"]}
      ports: [{port: 443, protocol: TCP}]
      expect: allow
    - name: other-stripe-80
      from: {namespace: other}
      to: {fqdns: [api.stripe.com]}
      ports: [{port: 80, protocol: TCP}]
      expect: allow
)");
  INFO(run.Get("assertion:app-no-world").summary);
  CHECK(run.Get("assertion:app-no-world").verdict == PropertyVerdict::kHolds);
  const PropertyResult& cidr = run.Get("assertion:other-no-10-8");
  REQUIRE(cidr.verdict == PropertyVerdict::kFails);
  CHECK(!Denied(cidr));
  REQUIRE(std::holds_alternative<ir::IpPeer>(cidr.counterexample->flow.destination));
  CHECK(std::get<ir::IpPeer>(cidr.counterexample->flow.destination).address.starts_with("10.1."));
  CHECK(run.Get("assertion:other-stripe").verdict == PropertyVerdict::kHolds);
  const PropertyResult& port80 = run.Get("assertion:other-stripe-80");
  REQUIRE(port80.verdict == PropertyVerdict::kFails);
  CHECK(Denied(port80));
}

constexpr std::string_view kOnly = R"(
apiVersion: polc.io/v1alpha1
kind: PropertySet
metadata: {name: egress}
spec:
  assertions:
    - name: payments-only
      from: {namespace: other}
      only:
        - to: {fqdns: ["*.stripe.com"]}
          ports: [{port: 443, protocol: TCP}]
        - to: {namespace: kube-system, podSelector: {matchLabels: {k8s-app: kube-dns}}}
          ports: [{port: 53}]
)";

constexpr std::string_view kPayments = R"(
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: payments, namespace: other}
spec:
  endpointSelector: {}
  egress:
    - toEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: kube-system, k8s-app: kube-dns}}]
      toPorts: [{ports: [{port: "53", protocol: ANY}], rules: {dns: [{matchPattern: "*"}]}}]
    - toFQDNs: [{matchPattern: "*.stripe.com"}]
      toPorts: [{ports: [{port: "443", protocol: TCP}]}]
---
)";

TEST_CASE("assertion only: holds when egress allows just the listed peers", "[assertions]") {
  Run run = Verify(std::string(kPayments) + std::string(kOnly));
  const PropertyResult& r = run.Get("assertion:payments-only");
  INFO(r.summary);
  CHECK(r.verdict == PropertyVerdict::kHolds);
}

TEST_CASE("assertion only: fails on an extra peer, an extra port, or a wider pod set", "[assertions]") {
  struct Case {
    const char* what;
    const char* extra_rule;
  };
  const Case cases[] = {
      {"world on 80", "    - toEntities: [world]\n      toPorts: [{ports: [{port: \"80\", protocol: TCP}]}]\n"},
      {"stripe on 8443", "    - toFQDNs: [{matchName: api.stripe.com}]\n      toPorts: [{ports: [{port: \"8443\"}]}]\n"},
      {"every kube-system pod", "    - toEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: kube-system}}]\n"},
      {"a CIDR", "    - toCIDR: [192.0.2.0/24]\n"},
      {"kube-apiserver", "    - toEntities: [kube-apiserver]\n"},
  };
  for (const Case& c : cases) {
    std::string policies = std::string(kPayments);
    policies.insert(policies.find("---"), c.extra_rule);
    Run run = Verify(policies + std::string(kOnly));
    const PropertyResult& r = run.Get("assertion:payments-only");
    INFO(c.what << ": " << r.summary);
    REQUIRE(r.verdict == PropertyVerdict::kFails);
    CHECK(!Denied(r));  // the evaluator lets the unlisted flow through
    CHECK(Pod(r.counterexample->flow.source).namespace_ == "other");
  }
}

TEST_CASE("assertion selection and n/a", "[assertions]") {
  compiler::LoadResult load = compiler::LoadText("p.yaml", R"(
apiVersion: polc.io/v1alpha1
kind: PropertySet
metadata: {name: s}
spec:
  assertions:
    - {name: one, from: {namespace: app}, to: {namespace: other}, expect: allow}
    - {name: two, from: {namespaceSelector: {matchLabels: {team: nobody}}}, to: {namespace: other}, expect: deny}
)",
                                                 {});
  REQUIRE(load.property_sets.size() == 1);
  auto all = VerifyAssertions(load.policies, test::SmallInventory(), {}, load.property_sets);
  REQUIRE(all.size() == 2);
  CHECK(all[0].verdict == PropertyVerdict::kHolds);  // no policy: everything is allowed
  CHECK(all[1].verdict == PropertyVerdict::kNotApplicable);
  auto two = VerifyAssertions(load.policies, test::SmallInventory(), {}, load.property_sets, {"assertion:two"});
  REQUIRE(two.size() == 1);
  CHECK(two[0].property == "assertion:two");
  // Built-in names alone select no assertion; "assertions" selects all.
  CHECK(VerifyAssertions(load.policies, test::SmallInventory(), {}, load.property_sets, {"dns"}).empty());
  CHECK(VerifyAssertions(load.policies, test::SmallInventory(), {}, load.property_sets, {"assertions"}).size() == 2);
}

}  // namespace
}  // namespace polc::verifier
