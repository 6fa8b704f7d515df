// `polc verify` with user-written assertions (PropertySet documents, issue
// 5 section 1): the zero-trust example's assertions hold, the mistakes
// example's fail with counterexamples, --require / --properties select
// them, every format names them, and a PropertySet with errors is exit 2.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <string>

#include "tests/test_util.h"

namespace polc::testing {
namespace {

std::string Verify(const std::string& args) { return "cd " + SourceDir() + " && " + Binary() + " verify " + args; }

constexpr const char* kZeroTrust = "--config examples/zero-trust/.polc.yaml examples/zero-trust ";
constexpr const char* kMistakes = "--config examples/mistakes/verify/.polc.yaml examples/mistakes/verify ";

TEST_CASE("examples/zero-trust proves its assertions", "[examples][verify][assertions]") {
  CommandResult run = RunCommand(Verify(std::string(kZeroTrust) + "--require assertions 2>&1"));
  INFO(run.output);
  CHECK(run.exit_code == 0);
  for (const char* name : {"frontend-reaches-backend", "only-backend-reaches-postgres",
                           "prod-namespaces-never-reach-postgres", "backend-egress"}) {
    INFO(name);
    CHECK(run.output.find(std::string("holds  assertion:") + name + " [PropertySet shop-promises: ") !=
          std::string::npos);
  }
  CHECK(run.output.find("default-deny [") == std::string::npos);  // not required
  CHECK(run.output.find("FAILS") == std::string::npos);
}

TEST_CASE("examples/mistakes/verify: assertions fail with a replayed counterexample", "[examples][verify][assertions]") {
  CommandResult run = RunCommand(Verify(std::string(kMistakes) + "--require assertions 2>&1"));
  INFO(run.output);
  CHECK(run.exit_code == 1);
  CHECK(run.output.find("FAILS  assertion:payments-api-reaches-db [") != std::string::npos);
  CHECK(run.output.find("FAILS  assertion:blog-reaches-only-dns [") != std::string::npos);
  // The database refuses the API: the replay denies it at the ingress, and
  // the rule trail names the payments policy with file:line.
  CHECK(run.output.find("cannot send TCP 5432 to a pod of namespace payments with labels {app: db") !=
        std::string::npos);
  CHECK(run.output.find("replay: deny") != std::string::npos);
  CHECK(run.output.find("examples/mistakes/verify/no-dns.yaml:") != std::string::npos);

  // One assertion by name; an unknown name is a usage error with a hint.
  CommandResult one = RunCommand(Verify(std::string(kMistakes) + "--require assertion:blog-reaches-only-dns 2>&1"));
  INFO(one.output);
  CHECK(one.exit_code == 1);
  CHECK(one.output.find("assertion:payments-api-reaches-db") == std::string::npos);
  CHECK(one.output.find("FAILS  assertion:blog-reaches-only-dns [") != std::string::npos);
  CommandResult typo = RunCommand(Verify(std::string(kMistakes) + "--require assertion:blog-reaches-only-dsn 2>&1"));
  CHECK(typo.exit_code == 2);
  CHECK(typo.output.find("did you mean 'assertion:blog-reaches-only-dns'?") != std::string::npos);
}

TEST_CASE("polc verify: assertions in json, sarif and github", "[examples][verify][assertions]") {
  CommandResult json =
      RunCommand(Verify(std::string(kMistakes) + "--require assertions --format json 2>/dev/null"));
  CHECK(json.exit_code == 1);
  CHECK(json.output.find("\"property\": \"assertion:payments-api-reaches-db\"") != std::string::npos);
  CommandResult sarif =
      RunCommand(Verify(std::string(kMistakes) + "--require assertions --format sarif 2>/dev/null"));
  CHECK(sarif.exit_code == 1);
  CHECK(sarif.output.find("\"ruleId\": \"assertion:blog-reaches-only-dns\"") != std::string::npos);
  CHECK(sarif.output.find("\"id\": \"assertion:blog-reaches-only-dns\"") != std::string::npos);  // a rule entry
  CommandResult github =
      RunCommand(Verify(std::string(kMistakes) + "--require assertions --format github 2>/dev/null"));
  CHECK(github.exit_code == 1);
  CHECK(github.output.find("assertion%3Apayments-api-reaches-db::") != std::string::npos);
}

TEST_CASE("polc verify --properties; a PropertySet with errors is exit 2", "[examples][verify][assertions]") {
  std::string dir = "/tmp/polc-verify-assertions-test-" + std::to_string(getpid());
  RunCommand("rm -rf " + dir + " && mkdir -p " + dir);
  {
    std::ofstream good(dir + "/good.yaml");
    good << "apiVersion: polc.io/v1alpha1\nkind: PropertySet\nmetadata: {name: extra}\nspec:\n  assertions:\n"
            "    - name: legacy-never-reaches-frontend\n"
            "      from: {namespace: legacy}\n"
            "      to: {namespace: shop, podSelector: {matchLabels: {app: frontend}}}\n"
            "      expect: deny\n"
            "    - name: frontend-reaches-world\n"
            "      from: {namespace: shop, podSelector: {matchLabels: {app: frontend}}}\n"
            "      to: {entities: [world]}\n"
            "      ports: [{port: 443, protocol: TCP}]\n"
            "      expect: allow\n";
    std::ofstream bad(dir + "/bad.yaml");
    bad << "apiVersion: polc.io/v1alpha1\nkind: PropertySet\nmetadata: {name: typo}\nspec:\n  assertions:\n"
           "    - name: a\n      from: {namespace: shop}\n      to: {namespace: legacy}\n      expect: dney\n";
  }
  CommandResult run = RunCommand(Verify(std::string(kZeroTrust) + "--properties " + dir +
                                        "/good.yaml --require assertion:legacy-never-reaches-frontend,"
                                        "assertion:frontend-reaches-world 2>&1"));
  INFO(run.output);
  CHECK(run.exit_code == 1);
  CHECK(run.output.find("holds  assertion:legacy-never-reaches-frontend [PropertySet extra: ") != std::string::npos);
  CHECK(run.output.find("FAILS  assertion:frontend-reaches-world [") != std::string::npos);
  CHECK(run.output.find("assertion:backend-egress") == std::string::npos);

  CommandResult bad = RunCommand(Verify(std::string(kZeroTrust) + "--properties " + dir + "/bad.yaml 2>&1"));
  INFO(bad.output);
  CHECK(bad.exit_code == 2);
  CHECK(bad.output.find("bad.yaml:9:15: error: 'dney' is not an expectation") != std::string::npos);
  CHECK(bad.output.find("did you mean 'deny'?") != std::string::npos);

  // The same statement name in two PropertySets would give two results of one name.
  RunCommand("sed 's/name: extra/name: extra-copy/' " + dir + "/good.yaml > " + dir + "/copy.yaml");
  CommandResult twice = RunCommand(Verify(std::string(kZeroTrust) + "--properties " + dir + "/good.yaml --properties " +
                                          dir + "/copy.yaml 2>&1"));
  INFO(twice.output);
  CHECK(twice.exit_code == 2);
  CHECK(twice.output.find("both have an assertion named 'frontend-reaches-world'") != std::string::npos);
  RunCommand("rm -rf " + dir);
}

TEST_CASE("polc verify: a failure no rule decided is annotated at its assertion", "[examples][verify][assertions]") {
  // blog's egress is not enforced and kube-system has no ingress policy, so
  // no rule decides the flow: the annotation points at the statement.
  std::string file = "/tmp/polc-verify-assertions-at-" + std::to_string(getpid()) + ".yaml";
  {
    std::ofstream out(file);
    out << "apiVersion: polc.io/v1alpha1\nkind: PropertySet\nmetadata: {name: at}\nspec:\n  assertions:\n"
           "    - name: blog-never-reaches-kube-system\n"
           "      from: {namespace: blog}\n"
           "      to: {namespace: kube-system}\n"
           "      expect: deny\n";
  }
  CommandResult run = RunCommand(Verify(std::string(kMistakes) + "--properties " + file +
                                        " --require assertions --format github 2>/dev/null"));
  INFO(run.output);
  CHECK(run.exit_code == 1);
  size_t at = run.output.find("::error file=" + file + ",line=6,title=");
  REQUIRE(at != std::string::npos);
  CHECK(run.output.find("assertion%3Ablog-never-reaches-kube-system::", at) != std::string::npos);
  RunCommand("rm -f " + file);
}

}  // namespace
}  // namespace polc::testing
