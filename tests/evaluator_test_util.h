// Test-only helpers for the evaluator tests: policies from YAML through
// compiler::LoadText, a small hand-built inventory, and flow builders.
#pragma once

#include <catch2/catch.hpp>

#include <string>
#include <string_view>

#include "compiler/loader.h"
#include "verifier/evaluator.h"

namespace polc::verifier::test {

// Two namespaces (app: team=a, other: team=b), two nodes, a client and a
// server per namespace, a server with named ports.
inline ir::Inventory SmallInventory() {
  ir::Inventory inv;
  inv.namespaces.push_back({"app", {{"kubernetes.io/metadata.name", "app"}, {"team", "a"}}, true, {}});
  inv.namespaces.push_back({"other", {{"kubernetes.io/metadata.name", "other"}, {"team", "b"}}, true, {}});
  inv.nodes.push_back({"node-1", {{"kubernetes.io/hostname", "node-1"}, {"zone", "z1"}}, {"192.168.1.11"}, {}});
  inv.nodes.push_back({"node-2", {{"kubernetes.io/hostname", "node-2"}, {"zone", "z2"}}, {"192.168.1.12"}, {}});
  auto endpoint = [&](std::string ns, std::string name, std::string app, std::string node, std::string ip) {
    ir::Endpoint e;
    e.name = std::move(name);
    e.namespace_ = std::move(ns);
    e.labels = {{"app", std::move(app)}};
    e.node = std::move(node);
    e.ips = {std::move(ip)};
    return e;
  };
  inv.endpoints.push_back(endpoint("app", "client", "client", "node-1", "10.244.1.10"));
  inv.endpoints.back().service_account = "client";
  inv.endpoints.push_back(endpoint("app", "server", "server", "node-1", "10.244.1.20"));
  inv.endpoints.back().ports = {{"http", 8080, ir::Protocol::kTcp}, {"metrics", 9090, ir::Protocol::kTcp}};
  inv.endpoints.push_back(endpoint("other", "client", "client", "node-2", "10.244.2.10"));
  inv.endpoints.push_back(endpoint("other", "server", "server", "node-2", "10.244.2.20"));
  inv.endpoints.back().ports = {{"http", 8081, ir::Protocol::kTcp}};
  ir::InventoryService server;
  server.name = "server";
  server.namespace_ = "app";
  server.labels = {{"tier", "backend"}};
  server.selector = std::map<std::string, std::string>{{"app", "server"}};
  server.ports = {{"", 8080, "", ir::Protocol::kTcp}};
  inv.services.push_back(std::move(server));
  inv.kube_apiserver_ips = {"192.168.1.11"};
  inv.dns.push_back({"one.one.one.one", {"1.1.1.1"}, {}});
  return inv;
}

inline ir::FlowPeer Ep(std::string ns, std::string name) { return ir::EndpointPeer{std::move(ns), std::move(name)}; }
inline ir::FlowPeer Entity(std::string name) { return ir::EntityPeer{std::move(name)}; }
inline ir::FlowPeer Ip(std::string address) { return ir::IpPeer{std::move(address)}; }
inline ir::FlowPeer NodeP(std::string name) { return ir::NodePeer{std::move(name)}; }
inline ir::FlowPeer Fqdn(std::string name) { return ir::FqdnPeer{std::move(name)}; }

inline Flow Tcp(ir::FlowPeer from, ir::FlowPeer to, std::string port) {
  Flow flow;
  flow.source = std::move(from);
  flow.destination = std::move(to);
  flow.port = std::move(port);
  return flow;
}

// Loads `yaml` and evaluates `flow`; unless `errors_expected`, checks that
// the policies load without errors (so a typo cannot pass a test).
inline FlowResult Eval(std::string_view yaml, const Flow& flow, ir::Settings settings = {},
                       const ir::Inventory& inventory = SmallInventory(), bool errors_expected = false) {
  compiler::LoadOptions options;
  options.settings = settings;
  compiler::LoadResult load = compiler::LoadText("policy.yaml", yaml, options);
  if (!errors_expected) {
    for (const auto& d : load.sink.diagnostics()) {
      INFO(d.message);
      CHECK(d.severity != ir::Severity::kError);
    }
  }
  Evaluator evaluator(load.policies, inventory, settings);
  return evaluator.Evaluate(flow);
}

inline bool Allowed(const FlowResult& r) { return r.verdict == Verdict::kAllow && !r.error; }

}  // namespace polc::verifier::test
