// A small hand-made datapath plan for the eBPF backend tests (codegen-bpf/,
// loader/, kernel tests): two endpoints on one node, a CIDR, a node
// address, allow, deny, ICMP, a port range, default deny and a
// not-enforced direction. Built by hand so the backend is tested on its
// own, independently of verifier::BuildDatapathPlan.
#pragma once

#include <arpa/inet.h>

#include <string>

#include "ir/datapath_plan.h"

namespace polc::testing {

inline ir::PlanAddress Address(const std::string& text) {
  ir::PlanAddress address;
  if (inet_pton(AF_INET, text.c_str(), address.bytes.data()) != 1) {
    address.v6 = true;
    inet_pton(AF_INET6, text.c_str(), address.bytes.data());
  }
  return address;
}

// Identities: 256 shop/web, 257 shop/db, 0x01000000 cidr 10.0.0.0/8.
// Endpoint 1 web 10.1.0.1 (egress enforced, default deny; ingress not
// enforced); endpoint 2 db 10.1.0.2 (ingress enforced, default deny;
// egress not enforced). Rules: 1 db<-web TCP 5432; 2 web->db TCP 5432;
// 3 web->any UDP 53; 4 web->cidr TCP 443; 5 deny db<-any TCP 22;
// 6 db<-web ICMP echo; 7 web->cidr TCP 8000-8100.
inline ir::Plan SmallPlan() {
  ir::Plan plan;
  plan.nodes = {"node-1"};
  plan.identities = {{ir::kHostIdentity, "reserved:host", "host"},
                     {ir::kWorldIdentity, "reserved:world", "world"},
                     {ir::kRemoteNodeIdentity, "reserved:remote-node", "remote-node"},
                     {256, "k8s:app=web,k8s:io.kubernetes.pod.namespace=shop", "endpoint shop/web"},
                     {257, "k8s:app=db,k8s:io.kubernetes.pod.namespace=shop", "endpoint shop/db"},
                     {ir::kFirstCidrIdentity, "cidr:10.0.0.0/8,reserved:world", "cidr 10.0.0.0/8"}};
  plan.prefixes = {{Address("10.0.0.0"), 8, ir::kFirstCidrIdentity, 0, 0},
                   {Address("10.1.0.1"), 32, 256, 0, 0},
                   {Address("10.1.0.2"), 32, 257, 0, 0},
                   {Address("192.168.1.11"), 32, ir::kRemoteNodeIdentity, 1, ir::kHostIdentity}};
  ir::PlanEndpoint web;
  web.id = 1;
  web.namespace_ = "shop";
  web.name = "web";
  web.identity = 256;
  web.node = 1;
  web.addresses = {Address("10.1.0.1")};
  web.egress = {true, true};
  ir::PlanEndpoint db = web;
  db.id = 2;
  db.name = "db";
  db.identity = 257;
  db.addresses = {Address("10.1.0.2")};
  db.egress = {};
  db.ingress = {true, true};
  plan.endpoints = {web, db};
  for (uint32_t id = 1; id <= 7; ++id) {
    ir::PlanRule rule;
    rule.id = id;
    rule.policy = "CiliumNetworkPolicy shop/fixture";
    rule.description = "CiliumNetworkPolicy shop/fixture rule " + std::to_string(id);
    rule.deny = id == 5;
    plan.rules.push_back(rule);
  }
  using ir::Direction;
  plan.entries = {
      {1, Direction::kEgress, 0, 17, 53, 53, false, false, 3},
      {1, Direction::kEgress, 257, 6, 5432, 5432, false, false, 2},
      {1, Direction::kEgress, ir::kFirstCidrIdentity, 6, 443, 443, false, false, 4},
      {1, Direction::kEgress, ir::kFirstCidrIdentity, 6, 8000, 8100, false, false, 7},
      {2, Direction::kIngress, 0, 6, 22, 22, true, false, 5},
      {2, Direction::kIngress, 256, 1, 8, 8, false, false, 6},
      {2, Direction::kIngress, 256, 6, 5432, 5432, false, false, 1},
  };
  plan.features = {.ipv4 = true, .ipv6 = false, .deny = true, .icmp = true};
  return plan;
}

}  // namespace polc::testing
