// ir::Plan -> BPF C: two tc classifiers, polc_egress and polc_ingress, that
// implement the lookup contract of ir/datapath_plan.h with Cilium-like
// connection tracking and verdict events (docs/DESIGN.md "eBPF backend").
// The program keeps policy in maps (codegen-bpf/map_contents.h) and contains
// only the features the plan uses: no IPv6 parsing without IPv6 addresses,
// no deny ranking without deny entries, no ICMP or SCTP parsing unless an
// entry names them, no audit branch without an audited endpoint.
#pragma once

#include <string>

#include "ir/datapath_plan.h"

namespace polc::codegen {

// The features the generated program compiles in: the plan's own, widened
// by what its entries, prefixes and endpoints actually use, so a plan whose
// feature flags lag its contents still gets a correct program.
ir::PlanFeatures EffectiveFeatures(const ir::Plan& plan);

// Map sizes: room for the plan's entries and for later updates (the node
// loader refreshes FQDN addresses and endpoints without a rebuild).
struct MapSizes {
  uint32_t endpoints = 0;
  uint32_t ipcache = 0;
  uint32_t policy = 0;
  uint32_t policy_exact = 0;
  uint32_t ct = 0;
  uint32_t events_bytes = 0;
};
MapSizes ChooseMapSizes(const ir::Plan& plan);

// `struct packet`, parse_l4 and parse_packet for the features `f` (also
// the parse of the bench's baselines, codegen-bpf/generate_baselines.h).
std::string GenerateParseC(const ir::PlanFeatures& f);

// The program text; includes "polc_runtime.h" and "polc_maps.h"
// (codegen-bpf/bpf/). Deterministic.
std::string GenerateBpfC(const ir::Plan& plan);

}  // namespace polc::codegen
