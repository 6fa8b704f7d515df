// Tests for rule_analysis_index.h: the indexes only ever leave out pairs
// that cannot match, checked by brute force on random repositories
// (tests/random_policy.h: CNP, CCNP and NetworkPolicy over 2-3 namespaces,
// namespace-label peers), and they do leave pairs out.
#include "verifier/rule_analysis_index.h"

#include <catch2/catch.hpp>

#include <algorithm>

#include "tests/random_policy.h"
#include "verifier/evaluator_internal.h"

namespace polc::verifier::internal {
namespace {

LabelRequirement In(std::string key, std::vector<std::string> values, std::string source = "k8s") {
  return {std::move(source), std::move(key), ir::SelectorOperator::kIn, std::move(values)};
}

TEST_CASE("NamespaceIndex: unconfined items always, confined ones by namespace, in order", "[rule-analysis][index]") {
  NamespaceIndex index;
  const std::vector<std::string> shop = {"shop"};
  const std::vector<std::string> both = {"shop", "web"};
  const std::vector<std::string> none;
  index.Add(0, &shop);
  index.Add(1, nullptr);
  index.Add(2, &both);
  index.Add(3, &none);  // In []: matches nothing, never a candidate
  std::vector<size_t> out;
  index.Candidates({"shop"}, out);
  CHECK(out == std::vector<size_t>{0, 1, 2});
  index.Candidates({"web", "shop"}, out);
  CHECK(out == std::vector<size_t>{0, 1, 2});  // 2 once
  index.Candidates({"ops"}, out);
  CHECK(out == std::vector<size_t>{1});
  index.Candidates({}, out);
  CHECK(out == std::vector<size_t>{1});
}

TEST_CASE("ConfiningNamespaces / ContainedNamespaces read the namespace requirement", "[rule-analysis][index]") {
  EffectiveSelector s;
  s.requirements = {In("app", {"web"}), In(std::string(kPodNamespaceLabel), {"shop", "web"})};
  REQUIRE(ConfiningNamespaces(s) != nullptr);
  CHECK(*ConfiningNamespaces(s) == std::vector<std::string>{"shop", "web"});
  CHECK(ContainedNamespaces(s) == std::vector<std::string>{"shop"});
  EffectiveSelector reserved;  // another source does not confine
  reserved.requirements = {In(std::string(kPodNamespaceLabel), {"shop"}, "reserved")};
  CHECK(ConfiningNamespaces(reserved) == nullptr);
  CHECK(ContainedNamespaces(reserved) == std::vector<std::string>{"shop"});
  EffectiveSelector not_in;
  not_in.requirements = {{"k8s", std::string(kPodNamespaceLabel), ir::SelectorOperator::kNotIn, {"shop"}}};
  CHECK(ConfiningNamespaces(not_in) == nullptr);
  CHECK(ContainedNamespaces(not_in).empty());
}

TEST_CASE("IdentityLabelIndex: the In requirement naming the fewest identities", "[rule-analysis][index]") {
  std::vector<Identity> ids(4);
  ids[0].Add("k8s", "app", "web");
  ids[0].Add("k8s", "tier", "front");
  ids[1].Add("k8s", "app", "web");
  ids[2].Add("k8s", "app", "db");
  ids[2].Add("k8s", "tier", "front");
  ids[3].Add("reserved", "world");
  const IdentityLabelIndex index(ids);
  std::vector<size_t> out;
  EffectiveSelector s;
  s.requirements = {In("app", {"web", "db"}), In("tier", {"front"})};
  index.Candidates(s, out);
  CHECK(out == std::vector<size_t>{0, 2});  // tier names 2 identities, app 3
  EffectiveSelector exists;
  exists.requirements = {{"any", "app", ir::SelectorOperator::kExists, {}}};
  index.Candidates(exists, out);
  CHECK(out == std::vector<size_t>{0, 1, 2, 3});  // no In requirement: every identity
  EffectiveSelector world;
  world.requirements = {In("world", {""}, "reserved")};
  index.Candidates(world, out);
  CHECK(out == std::vector<size_t>{3});
}

TEST_CASE("indexes are sound on random repositories: every match is a candidate", "[rule-analysis][index]") {
  size_t matches = 0, pruned = 0;
  for (uint32_t seed = 1; seed <= 300; ++seed) {
    test::RandomWorld world(seed);
    const ir::Inventory inventory = world.Inventory();
    const ir::PolicySet policies = world.Policies(inventory, 6);
    const ir::Settings settings = world.RandomSettings(false);
    const std::vector<PolicyEntry> entries = BuildEntries(policies, inventory, settings);
    std::vector<Identity> ids;
    for (const ir::Endpoint& e : inventory.endpoints) {
      ids.push_back(PodIdentity(e.labels, e.namespace_, e.service_account, inventory, settings));
    }
    for (const char* entity : {"world", "host", "remote-node", "kube-apiserver", "health"}) {
      if (auto id = ReservedIdentity(entity)) ids.push_back(*id);
    }
    NamespaceIndex subjects;
    for (size_t e = 0; e < entries.size(); ++e) subjects.Add(e, ConfiningNamespaces(entries[e].subject));
    const IdentityLabelIndex labels(ids);
    std::vector<size_t> candidates;
    for (size_t i = 0; i < ids.size(); ++i) {
      subjects.Candidates(IdentityNamespaces(ids[i]), candidates);
      pruned += entries.size() - candidates.size();
      for (size_t e = 0; e < entries.size(); ++e) {
        if (!entries[e].subject.Matches(ids[i])) continue;
        ++matches;
        INFO("seed " << seed << " subject " << entries[e].subject.ToString() << " identity " << ids[i].ToString());
        CHECK(std::binary_search(candidates.begin(), candidates.end(), e));
      }
    }
    for (const PolicyEntry& entry : entries) {
      for (const PeerMatcher& peer : entry.peers) {
        for (const EffectiveSelector& selector : peer.selectors) {
          labels.Candidates(selector, candidates);
          pruned += ids.size() - candidates.size();
          for (size_t i = 0; i < ids.size(); ++i) {
            if (!selector.Matches(ids[i])) continue;
            ++matches;
            INFO("seed " << seed << " peer " << selector.ToString() << " identity " << ids[i].ToString());
            CHECK(std::binary_search(candidates.begin(), candidates.end(), i));
          }
        }
      }
    }
  }
  CHECK(matches > 1000);  // the check is not vacuous
  CHECK(pruned > 1000);   // and the indexes leave pairs out
}

}  // namespace
}  // namespace polc::verifier::internal
