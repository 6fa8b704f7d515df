// PropertySet documents (docs/PROPERTIES.md): every field reaches
// ir::PropertySet, and every mistake is an error at its node, so that a typo
// never turns into a weaker assertion that silently holds.
#include <fmt/format.h>

#include <catch2/catch.hpp>

#include "compiler/config.h"
#include "compiler/loader.h"

namespace polc::compiler {
namespace {

using ir::RuleId;

LoadResult LoadYaml(std::string_view text) { return LoadText("p.yaml", text, LoadOptions{}); }

std::string Describe(const LoadResult& result) {
  std::string out;
  for (const ir::Diagnostic& d : result.sink.diagnostics()) {
    out += fmt::format("{}:{} [{}] {} | {}\n", d.location.line, d.location.column, ir::Info(d.rule).id, d.message,
                       d.hint);
  }
  return out.empty() ? "(no diagnostics)" : out;
}

const ir::Diagnostic* Find(const LoadResult& result, RuleId rule, uint32_t line, uint32_t column) {
  for (const ir::Diagnostic& d : result.sink.diagnostics()) {
    if (d.rule == rule && d.location.line == line && d.location.column == column) return &d;
  }
  return nullptr;
}

constexpr std::string_view kGood = R"(apiVersion: polc.io/v1alpha1
kind: PropertySet
metadata:
  name: shop
spec:
  assertions:
    - name: dev-never-reaches-prod
      from: {namespaceSelector: {matchLabels: {env: dev}}}
      to: {namespaceSelector: {matchLabels: {env: prod}}}
      expect: deny
    - name: web-to-api
      from: {namespace: shop, podSelector: {matchLabels: {app: web}}}
      to: {namespace: shop, podSelector: {matchExpressions: [{key: app, operator: In, values: [api]}]}}
      ports: [{port: 8080, protocol: TCP}, {port: "9000", endPort: 9100}]
      expect: allow
    - name: payments-egress
      from: {namespace: payments}
      only:
        - to: {fqdns: ["*.stripe.com"], cidrs: [10.0.0.0/8], entities: [kube-apiserver]}
          ports: [{port: 443, protocol: TCP}]
        - to: {namespace: kube-system, podSelector: {matchLabels: {k8s-app: kube-dns}}}
          ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]
)";

TEST_CASE("a PropertySet lowers every statement form", "[property-set]") {
  LoadResult result = LoadYaml(kGood);
  INFO(Describe(result));
  CHECK(result.sink.diagnostics().empty());
  REQUIRE(result.property_sets.size() == 1);
  const ir::PropertySet& set = result.property_sets[0];
  CHECK(set.name == "shop");
  CHECK(set.object == 0);
  REQUIRE(set.assertions.size() == 3);

  const ir::Assertion& deny = set.assertions[0];
  CHECK(deny.name == "dev-never-reaches-prod");
  CHECK(deny.expect == ir::AssertionExpect::kDeny);
  REQUIRE(deny.from.namespace_selector);
  CHECK(deny.from.namespace_selector->match_labels.size() == 1);
  CHECK(deny.from.pod_selector.IsWildcard());
  REQUIRE(deny.to.pods);
  CHECK(deny.ports.empty());
  CHECK(deny.location.line == 7);

  const ir::Assertion& allow = set.assertions[1];
  CHECK(allow.expect == ir::AssertionExpect::kAllow);
  CHECK(allow.from.namespace_ == "shop");
  CHECK(allow.from.pod_selector.match_labels.size() == 1);
  REQUIRE(allow.to.pods);
  CHECK(allow.to.pods->pod_selector.match_expressions.size() == 1);
  REQUIRE(allow.ports.size() == 2);
  CHECK(allow.ports[0].protocol == ir::Protocol::kTcp);
  CHECK(allow.ports[0].port == 8080);
  CHECK(allow.ports[0].end_port == 0);
  CHECK(allow.ports[1].protocol == ir::Protocol::kAny);
  CHECK(allow.ports[1].port == 9000);
  CHECK(allow.ports[1].end_port == 9100);

  const ir::Assertion& only = set.assertions[2];
  CHECK(only.expect == ir::AssertionExpect::kOnly);
  REQUIRE(only.only.size() == 2);
  CHECK(only.only[0].to.fqdns == std::vector<std::string>{"*.stripe.com"});
  CHECK(only.only[0].to.cidrs == std::vector<std::string>{"10.0.0.0/8"});
  CHECK(only.only[0].to.entities == std::vector<std::string>{"kube-apiserver"});
  CHECK(!only.only[0].to.pods);
  REQUIRE(only.only[1].to.pods);
  CHECK(only.only[1].to.pods->namespace_ == "kube-system");
  CHECK(only.only[1].ports.size() == 2);
}

// One assertion per case, spliced into a set; the error is at line:column.
struct BadCase {
  const char* what;
  const char* assertion;  // the YAML of one list item, indented by 4
  RuleId rule;
  uint32_t line;
  uint32_t column;
  const char* hint;  // a part of the message or hint, or ""
};

TEST_CASE("PropertySet mistakes are errors at their node", "[property-set]") {
  const BadCase cases[] = {
      {"misspelt field", "    - name: a\n      form: {namespace: x}\n      to: {namespace: yy}\n      expect: deny\n",
       RuleId::kUnknownField, 7, 7, "from"},
      {"misspelt expect", "    - name: a\n      from: {namespace: x}\n      to: {namespace: yy}\n      expect: denny\n",
       RuleId::kInvalidValue, 9, 15, "deny"},
      {"missing to", "    - name: a\n      from: {namespace: x}\n      expect: deny\n", RuleId::kMissingField, 6, 7,
       ""},
      {"namespace and namespaceSelector",
       "    - name: a\n      from: {namespace: x, namespaceSelector: {}}\n      to: {namespace: yy}\n      expect: deny\n",
       RuleId::kConflictingFields, 7, 28, "keep one"},
      {"pods and entities", "    - name: a\n      from: {namespace: x}\n      to: {namespace: y, entities: [world]}\n"
                            "      expect: deny\n",
       RuleId::kConflictingFields, 8, 11, "two statements"},
      {"unknown entity", "    - name: a\n      from: {namespace: x}\n      to: {entities: [wrold]}\n      expect: deny\n",
       RuleId::kInvalidValue, 8, 23, "world"},
      {"bad cidr", "    - name: a\n      from: {namespace: x}\n      to: {cidrs: [10.0.0/8]}\n      expect: deny\n",
       RuleId::kInvalidValue, 8, 20, "prefix"},
      {"port out of range",
       "    - name: a\n      from: {namespace: x}\n      to: {namespace: yy}\n      ports: [{port: 70000}]\n"
       "      expect: deny\n",
       RuleId::kInvalidValue, 9, 22, ""},
      {"named port", "    - name: a\n      from: {namespace: x}\n      to: {namespace: yy}\n      ports: [{port: http}]\n"
                     "      expect: deny\n",
       RuleId::kInvalidValue, 9, 22, "named ports"},
      {"endPort below port",
       "    - name: a\n      from: {namespace: x}\n      to: {namespace: yy}\n"
       "      ports: [{port: 90, endPort: 80}]\n      expect: deny\n",
       RuleId::kInvalidValue, 9, 35, ""},
      {"bad protocol", "    - name: a\n      from: {namespace: x}\n      to: {namespace: yy}\n"
                       "      ports: [{port: 80, protocol: TPC}]\n      expect: deny\n",
       RuleId::kInvalidValue, 9, 36, "TCP"},
      {"only with expect", "    - name: a\n      from: {namespace: x}\n      expect: deny\n"
                           "      only: [{to: {entities: [world]}}]\n",
       RuleId::kConflictingFields, 8, 7, "only"},
      {"from with entities", "    - name: a\n      from: {entities: [world]}\n      to: {namespace: yy}\n      expect: deny\n",
       RuleId::kUnknownField, 7, 14, ""},
      {"no namespace", "    - name: a\n      from: {podSelector: {}}\n      to: {namespace: yy}\n      expect: deny\n",
       RuleId::kMissingField, 7, 13, "namespace"},
      {"uppercase namespace", "    - name: a\n      from: {namespace: Shop}\n      to: {namespace: yy}\n      expect: deny\n",
       RuleId::kInvalidValue, 7, 25, "lower-case"},
  };
  for (const BadCase& c : cases) {
    std::string yaml = std::string("apiVersion: polc.io/v1alpha1\nkind: PropertySet\nmetadata: {name: s}\nspec:\n") +
                       "  assertions:\n" + c.assertion;
    LoadResult result = LoadYaml(yaml);
    INFO(c.what << "\n" << yaml << "\n" << Describe(result));
    const ir::Diagnostic* d = Find(result, c.rule, c.line, c.column);
    REQUIRE(d != nullptr);
    CHECK(d->severity == ir::Severity::kError);
    CHECK((d->message + " " + d->hint).find(c.hint) != std::string::npos);
    REQUIRE(result.property_sets.size() == 1);
    CHECK(result.property_sets[0].assertions.empty());  // dropped, not proved half-read
  }
}

TEST_CASE("PropertySet: duplicate names, unknown apiVersion, missing spec", "[property-set]") {
  LoadResult dup = LoadYaml(R"(apiVersion: polc.io/v1alpha1
kind: PropertySet
metadata: {name: s}
spec:
  assertions:
    - {name: a, from: {namespace: x}, to: {namespace: yy}, expect: deny}
    - {name: a, from: {namespace: x}, to: {namespace: zz}, expect: allow}
)");
  INFO(Describe(dup));
  CHECK(Find(dup, RuleId::kInvalidValue, 7, 14) != nullptr);
  REQUIRE(dup.property_sets.size() == 1);
  CHECK(dup.property_sets[0].assertions.size() == 1);

  LoadResult version = LoadYaml("apiVersion: polc.io/v9\nkind: PropertySet\nmetadata: {name: s}\nspec: {assertions: []}\n");
  INFO(Describe(version));
  const ir::Diagnostic* d = Find(version, RuleId::kInvalidValue, 1, 13);
  REQUIRE(d != nullptr);
  CHECK(d->hint == "use apiVersion: polc.io/v1alpha1");

  LoadResult no_spec = LoadYaml("apiVersion: polc.io/v1alpha1\nkind: PropertySet\nmetadata: {name: s}\n");
  CHECK(Find(no_spec, RuleId::kMissingField, 1, 1) != nullptr);

  // Not polc.io: not a PropertySet (another tool's kind of the same name).
  LoadResult other = LoadYaml("apiVersion: example.com/v1\nkind: PropertySet\nmetadata: {name: s}\n");
  CHECK(other.property_sets.empty());
}

TEST_CASE("config: verify.require names assertions", "[property-set][config]") {
  ir::DiagnosticSink sink;
  Config config = ParseConfig("verify:\n  require: [dns, assertions, \"assertion:a\", assertoins]\n", 0, sink);
  REQUIRE(sink.diagnostics().size() == 1);  // only the misspelt name
  CHECK(sink.diagnostics()[0].location.column == 45);
  CHECK(config.verify.required == std::vector<std::string>{"dns", "assertions", "assertion:a"});
}

}  // namespace
}  // namespace polc::compiler
