// Tests for lint_entities.cc: unknown-entity, entity-not-in-crd
// (cilium-semantics.md 5.1, 1.13).
#include <catch2/catch.hpp>

#include "verifier/lint_test_util.h"

namespace polc::verifier {
namespace {

using namespace test;  // NOLINT(build/namespaces): test-only helpers
using ir::RuleId;

ir::Policy ToEntity(std::string name) {
  ir::PeerRule peer = Egress(6);
  peer.entities = std::vector<ir::Entity>{{std::move(name), At(7, 9)}};
  return Cnp({WebRule(std::nullopt, std::vector<ir::PeerRule>{peer})});
}

TEST_CASE("5.1: `kube-dns` is not an entity", "[lint][entities]") {
  const auto diagnostics = Lint(ToEntity("kube-dns"));
  REQUIRE(Count(diagnostics, RuleId::kUnknownEntity) == 1);
  const ir::Diagnostic& d = *Find(diagnostics, RuleId::kUnknownEntity);
  CHECK(d.location == At(7, 9));
  CHECK(d.object == 7);
  CHECK(d.severity == ir::Severity::kError);
  CHECK_THAT(d.message, Catch::Contains("toEntities") && Catch::Contains("unsupported entity"));
  CHECK_THAT(d.hint, Catch::Contains("toEndpoints"));
}

TEST_CASE("5.1: a misspelt entity gets a did-you-mean hint", "[lint][entities]") {
  const auto diagnostics = Lint(ToEntity("remote-nodes"));
  REQUIRE(Count(diagnostics, RuleId::kUnknownEntity) == 1);
  CHECK_THAT(Find(diagnostics, RuleId::kUnknownEntity)->hint, Catch::Contains("`remote-node`"));
  CHECK_THAT(Find(Lint(ToEntity("World")), RuleId::kUnknownEntity)->hint, Catch::Contains("`world`"));
}

TEST_CASE("5.1: world-ipv4 / world-ipv6 pass the agent but not the CRD enum", "[lint][entities]") {
  for (const char* name : {"world-ipv4", "world-ipv6"}) {
    const auto diagnostics = Lint(ToEntity(name));
    CHECK(Count(diagnostics, RuleId::kEntityNotInCrd) == 1);
    CHECK(Count(diagnostics, RuleId::kUnknownEntity) == 0);
  }
  CHECK_THAT(Find(Lint(ToEntity("world-ipv6")), RuleId::kEntityNotInCrd)->hint, Catch::Contains("::/0"));
}

TEST_CASE("5.1: every CRD entity is accepted", "[lint][entities]") {
  for (const char* name : {"all", "world", "cluster", "host", "init", "ingress", "unmanaged", "remote-node", "health",
                           "none", "kube-apiserver"}) {
    const auto diagnostics = Lint(ToEntity(name));
    INFO(name << ": " << Summary(diagnostics));
    CHECK(diagnostics.empty());
  }
}

}  // namespace
}  // namespace polc::verifier
