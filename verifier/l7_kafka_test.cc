// Tests for l7_kafka.cc: Kafka rules (cilium-semantics.md 1.8 and 7.5).
#include <catch2/catch.hpp>

#include <string>

#include "verifier/l7_match.h"

namespace polc::verifier {
namespace {

ir::KafkaRequest Request(std::string api_key, std::string topic = "orders") {
  ir::KafkaRequest request;
  request.api_key = std::move(api_key);
  request.api_version = "3";
  request.client_id = "billing";
  request.topic = std::move(topic);
  return request;
}

ir::KafkaRule Role(std::string role) {
  ir::KafkaRule rule;
  rule.role = std::move(role);
  return rule;
}

TEST_CASE("1.8: role produce = produce, metadata, apiversions", "[l7][kafka]") {
  for (const char* key : {"produce", "metadata", "apiversions", "Produce"}) {
    INFO(key);
    CHECK(KafkaRuleMatches(Role("produce"), Request(key)));
  }
  for (const char* key : {"fetch", "offsets", "offsetcommit", "joingroup", "createtopics", "deletetopics"}) {
    INFO(key);
    CHECK_FALSE(KafkaRuleMatches(Role("produce"), Request(key)));
  }
}

TEST_CASE("1.8: role consume covers the consumer-group protocol", "[l7][kafka]") {
  for (const char* key : {"fetch", "offsets", "metadata", "offsetcommit", "offsetfetch", "findcoordinator",
                          "joingroup", "heartbeat", "leavegroup", "syncgroup", "apiversions"}) {
    INFO(key);
    CHECK(KafkaRuleMatches(Role("consume"), Request(key)));
  }
  for (const char* key : {"produce", "createtopics", "deletetopics", "saslhandshake"}) {
    INFO(key);
    CHECK_FALSE(KafkaRuleMatches(Role("consume"), Request(key)));
  }
}

TEST_CASE("1.8: apiKey is a case-insensitive name match", "[l7][kafka]") {
  ir::KafkaRule rule;
  rule.api_key = "Fetch";
  CHECK(KafkaRuleMatches(rule, Request("fetch")));
  CHECK(KafkaRuleMatches(rule, Request("FETCH")));
  CHECK_FALSE(KafkaRuleMatches(rule, Request("produce")));
}

TEST_CASE("1.8: apiVersion, clientID and topic are exact when set", "[l7][kafka]") {
  ir::KafkaRule rule;
  rule.api_key = "produce";
  rule.api_version = "3";
  CHECK(KafkaRuleMatches(rule, Request("produce")));
  ir::KafkaRequest v2 = Request("produce");
  v2.api_version = "2";
  CHECK_FALSE(KafkaRuleMatches(rule, v2));
  v2.api_version = "03";  // an int16 in Cilium: the same version as 3
  CHECK(KafkaRuleMatches(rule, v2));

  ir::KafkaRule client;
  client.client_id = "billing";
  CHECK(KafkaRuleMatches(client, Request("fetch")));
  ir::KafkaRequest other = Request("fetch");
  other.client_id = "Billing";
  CHECK_FALSE(KafkaRuleMatches(client, other));

  ir::KafkaRule topic = Role("produce");
  topic.topic = "orders";
  CHECK(KafkaRuleMatches(topic, Request("produce", "orders")));
  CHECK_FALSE(KafkaRuleMatches(topic, Request("produce", "Orders")));
  CHECK_FALSE(KafkaRuleMatches(topic, Request("produce", "orders-dlq")));
  CHECK_FALSE(KafkaRuleMatches(topic, Request("produce", "")));
}

TEST_CASE("7.5: an empty Kafka rule matches every request; lists are ORed", "[l7][kafka]") {
  CHECK(KafkaRuleMatches(ir::KafkaRule{}, Request("createtopics", "")));
  ir::KafkaRule only_topic;
  only_topic.topic = "orders";
  CHECK(KafkaRuleMatches(only_topic, Request("deletetopics")));  // no role/apiKey: any key

  ir::KafkaRule payments = Role("consume");
  payments.topic = "payments";
  const std::vector<ir::KafkaRule> rules = {Role("produce"), payments};
  CHECK(KafkaAllowed(rules, Request("produce", "anything")));
  CHECK(KafkaAllowed(rules, Request("fetch", "payments")));
  CHECK_FALSE(KafkaAllowed(rules, Request("fetch", "orders")));
  CHECK_FALSE(KafkaAllowed({}, Request("produce")));
}

}  // namespace
}  // namespace polc::verifier
