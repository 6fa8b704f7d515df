// Differential test of the connectivity engine (issue 4, section 3): on
// random repositories (tests/random_policy.h, enriched here with port
// ranges, random CIDR blocks with excepts and ICMP types) the map that
// ComputeConnectivity builds must agree with the reference evaluator on every
// sampled (source peer, destination peer, protocol, port): the evaluator
// allows the flow exactly when the map has an edge for the pair whose
// ConnectionSet contains (protocol, port). Samples take their peers from the
// map itself; an external range is asked about at its representative address
// and also at its last address and a random address inside it, which checks
// that the ranges are split wherever the answer changes (an address the
// inventory gives a pod or node is that pod or node, not an external
// address, so random picks skip those). Ports are taken at
// every bound a policy or a container port mentions, the bound +-1, 1, 65535
// and at random. Both semantics, enforcement default/always/never, audit
// mode off (AUDIT would count as a refusal, cilium-semantics.md 8.4).
//
// Under Semantics::kKubernetes only TCP, UDP and SCTP are compared: the
// upstream NetworkPolicy specification (and netpol-analyzer) has no ICMP.
//
// A disagreement prints the seed, the settings, the inventory, the policies
// (ir::Dump), the flow, the evaluator's trail and the edge, so the case is
// replayed from the seed alone.
#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "tests/random_policy.h"
#include "verifier/connection_set.h"
#include "verifier/connectivity.h"

namespace polc::verifier::test {
namespace {

// Repositories and samples per repository. Sanitizer builds (Debug,
// ASan+UBSan) and unoptimised Debug builds evaluate far more slowly, so they
// check fewer (still tens of thousands of flows). Measured on the shared
// 2-core machine: RelWithDebInfo 100k flows ~1 s; -O0 50k flows 4.6 s;
// -O0 ASan+UBSan 12k flows 4.1 s (so 24k ~8 s). POLC_DIFFERENTIAL_REPOSITORIES
// overrides the count for a longer hunt; POLC_DIFFERENTIAL_SEED=N replays one.
#if defined(__SANITIZE_ADDRESS__)
constexpr int kDefaultRepositories = 800;
constexpr int kSamples = 30;
#elif !defined(NDEBUG)
constexpr int kDefaultRepositories = 1000;
constexpr int kSamples = 50;
#else
constexpr int kDefaultRepositories = 2000;
constexpr int kSamples = 50;
#endif
// Failures printed in full (POLC_DIFFERENTIAL_PRINT overrides); the rest are counted.
const int kMaxPrinted = [] {
  const char* text = std::getenv("POLC_DIFFERENTIAL_PRINT");
  return text != nullptr && std::atoi(text) > 0 ? std::atoi(text) : 8;
}();

int Repositories() {
  if (const char* text = std::getenv("POLC_DIFFERENTIAL_REPOSITORIES")) {
    int n = std::atoi(text);
    if (n > 0) return n;
  }
  return kDefaultRepositories;
}

// ---- IPv4 helpers -----------------------------------------------------------

std::optional<uint32_t> ParseIpv4(const std::string& text) {
  unsigned a = 0, b = 0, c = 0, d = 0;
  char tail = 0;
  if (std::sscanf(text.c_str(), "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) != 4) return std::nullopt;
  if (a > 255 || b > 255 || c > 255 || d > 255) return std::nullopt;
  return (a << 24) | (b << 16) | (c << 8) | d;
}

std::string Ipv4Text(uint32_t v) {
  return std::to_string(v >> 24) + "." + std::to_string((v >> 16) & 255) + "." + std::to_string((v >> 8) & 255) +
         "." + std::to_string(v & 255);
}

std::string PrefixText(uint32_t address, int length) {
  uint32_t mask = length == 0 ? 0 : ~uint32_t{0} << (32 - length);
  return Ipv4Text(address & mask) + "/" + std::to_string(length);
}

// The first and last address of an external peer, from its display name
// ("1.1.0.0-1.1.0.255[External]"; a single address may be printed alone).
std::optional<std::pair<uint32_t, uint32_t>> ExternalRange(const ConnectivityPeer& peer) {
  std::string name = peer.name;
  if (auto bracket = name.find('['); bracket != std::string::npos) name.resize(bracket);
  auto dash = name.find('-');
  auto first = ParseIpv4(name.substr(0, dash));
  auto last = dash == std::string::npos ? first : ParseIpv4(name.substr(dash + 1));
  if (!first || !last || *first > *last) return std::nullopt;
  return std::make_pair(*first, *last);
}

// ---- which role an external range plays ------------------------------------------

// The engine splits the outside addresses twice, as netpol-analyzer does:
// source ranges at the CIDR bounds the ingress rules mention, destination
// ranges at those the egress rules mention (connectivity.h). A range is
// asked about only in a role whose partition it is a cell of.
using Cuts = std::set<uint64_t>;  // the first address of each cell; 0 always

std::optional<std::pair<uint64_t, uint64_t>> PrefixRange(const std::string& text) {
  std::string address = text;
  int length = 32;
  if (auto slash = text.find('/'); slash != std::string::npos) {
    address = text.substr(0, slash);
    length = std::atoi(text.c_str() + slash + 1);
  }
  auto value = ParseIpv4(address);
  if (!value || length < 0 || length > 32) return std::nullopt;  // IPv6: not generated
  uint64_t size = uint64_t{1} << (32 - length);
  uint64_t first = *value & ~(size - 1);
  return std::make_pair(first, first + size - 1);
}

// Cuts where the set of one CIDR rule (its prefix minus its excepts; an
// except outside the prefix removes nothing) starts and ends. Where an
// except only touches or overlaps another, the set has no bound between
// them, so neither does the partition (netpol-analyzer cuts the same way).
void AddCut(Cuts& cuts, const std::string& cidr, const std::vector<ir::Cidr>& excepts) {
  auto prefix = PrefixRange(cidr);
  if (!prefix) return;
  std::vector<std::pair<uint64_t, uint64_t>> holes;
  for (const auto& e : excepts) {
    auto hole = PrefixRange(e.text);
    if (!hole || hole->second < prefix->first || hole->first > prefix->second) continue;
    holes.emplace_back(std::max(hole->first, prefix->first), std::min(hole->second, prefix->second));
  }
  std::sort(holes.begin(), holes.end());
  uint64_t cursor = prefix->first;  // the set goes on from here
  auto interval = [&](uint64_t low, uint64_t high) {
    cuts.insert(low);
    if (high + 1 < (uint64_t{1} << 32)) cuts.insert(high + 1);
  };
  for (const auto& [low, high] : holes) {
    if (high < cursor) continue;
    if (low > cursor) interval(cursor, low - 1);
    cursor = high + 1;
  }
  if (cursor <= prefix->second) interval(cursor, prefix->second);
}

void AddCuts(Cuts& cuts, const ir::PeerRule& peer) {
  if (peer.cidr) {
    for (const auto& c : *peer.cidr) AddCut(cuts, c.text, {});
  }
  if (peer.cidr_set) {
    for (const auto& rule : *peer.cidr_set) {
      if (rule.cidr) AddCut(cuts, rule.cidr->text, rule.except);
    }
  }
}

// [0] ingress (source ranges), [1] egress (destination ranges).
// Under the upstream specification a NetworkPolicy's rules of a direction
// its policyTypes leaves out are ignored (absent policyTypes: Ingress, and
// Egress when there are egress rules), so they cut nothing; Cilium
// translates both lists whatever policyTypes says.
std::array<Cuts, 2> CidrCuts(const ir::PolicySet& set, ir::Semantics semantics) {
  std::array<Cuts, 2> cuts = {Cuts{0}, Cuts{0}};
  for (const auto& policy : set.policies) {
    for (const auto& rule : policy.rules) {
      for (const auto* section : {&rule.ingress, &rule.ingress_deny}) {
        if (*section) for (const auto& peer : **section) AddCuts(cuts[0], peer);
      }
      for (const auto* section : {&rule.egress, &rule.egress_deny}) {
        if (*section) for (const auto& peer : **section) AddCuts(cuts[1], peer);
      }
    }
    if (!policy.network_policy) continue;
    for (int d = 0; d < 2; ++d) {
      const auto& spec = *policy.network_policy;
      const auto& rules = d == 0 ? spec.ingress : spec.egress;
      if (!rules) continue;
      if (semantics == ir::Semantics::kKubernetes) {
        auto direction = d == 0 ? ir::Direction::kIngress : ir::Direction::kEgress;
        bool affected = spec.policy_types ? std::find(spec.policy_types->begin(), spec.policy_types->end(),
                                                      direction) != spec.policy_types->end()
                                          : (d == 0 || !rules->empty());
        if (!affected) continue;
      }
      for (const auto& r : *rules) {
        if (!r.peers) continue;
        for (const auto& peer : *r.peers) {
          if (!peer.ip_block) continue;
          AddCut(cuts[static_cast<size_t>(d)], peer.ip_block->cidr.text, peer.ip_block->except);
        }
      }
    }
  }
  return cuts;
}

// [first, last] is exactly one cell of the partition.
bool IsCell(const Cuts& cuts, uint32_t first, uint32_t last) {
  if (cuts.count(first) == 0) return false;
  auto next = cuts.upper_bound(first);
  uint64_t end = next == cuts.end() ? (uint64_t{1} << 32) : *next;
  return uint64_t{last} + 1 == end;
}

std::string CutsText(const Cuts& cuts) {
  std::string out;
  for (uint64_t c : cuts) out += (out.empty() ? "" : " ") + Ipv4Text(static_cast<uint32_t>(c));
  return out;
}

// ---- enriching the random policies -------------------------------------------

// Random prefixes around a few bases, some overlapping the generator's own
// CIDRs (1.1.0.0/16, 10.0.0.0/8, 192.168.0.0/16), with excepts inside them.
ir::CidrRule RandomCidrRule(RandomWorld& w) {
  static const std::vector<uint32_t> kBases = {*ParseIpv4("1.1.1.0"),     *ParseIpv4("8.8.8.8"),
                                               *ParseIpv4("10.0.0.0"),    *ParseIpv4("172.16.5.0"),
                                               *ParseIpv4("192.168.1.0"), *ParseIpv4("203.0.113.77")};
  uint32_t base = w.OneOf(kBases) ^ static_cast<uint32_t>(w.Pick(256));
  int length = w.OneOf(std::vector<int>{0, 8, 12, 16, 20, 24, 26, 30, 32});
  ir::CidrRule rule;
  rule.cidr = ir::Cidr{PrefixText(base, length), {}};
  int excepts = length >= 31 ? 0 : w.Pick(3);
  for (int i = 0; i < excepts; ++i) {
    int sub = length + 1 + w.Pick(32 - length);
    uint32_t inside = base ^ (static_cast<uint32_t>(w.rng()()) & (length == 0 ? ~uint32_t{0} : ~(~uint32_t{0} << (32 - length))));
    rule.except.push_back({PrefixText(inside, sub), {}});
  }
  return rule;
}

std::pair<int, int> RandomRange(RandomWorld& w) {
  int low = w.OneOf(std::vector<int>{1, 53, 80, 443, 1024, 3868, 8080, 9090, 30000, 65000, 1 + w.Pick(65535)});
  int width = w.OneOf(std::vector<int>{0, 1, 10, 1000, w.Pick(65535)});
  return {low, std::min(65535, low + width)};
}

void EnrichPeer(RandomWorld& w, ir::PeerRule& peer) {
  if (peer.to_ports && w.Chance(50)) {
    for (auto& rule : *peer.to_ports) {
      for (auto& port : rule.ports) {
        if (!w.Chance(50)) continue;
        auto [low, high] = RandomRange(w);
        port.port = std::to_string(low);
        port.end_port = high > low ? high : 0;
      }
    }
  }
  if (peer.cidr_set && w.Chance(60)) peer.cidr_set->push_back(RandomCidrRule(w));
  if (peer.icmps && w.Chance(50)) {
    peer.icmps->front().fields.push_back({ir::IcmpFamily::kIPv4, static_cast<uint8_t>(w.Pick(256)), "", {}});
  }
}

void Enrich(RandomWorld& w, ir::PolicySet& set) {
  for (auto& policy : set.policies) {
    for (auto& rule : policy.rules) {
      for (auto* section : {&rule.ingress, &rule.ingress_deny, &rule.egress, &rule.egress_deny}) {
        if (!*section) continue;
        for (auto& peer : **section) EnrichPeer(w, peer);
      }
    }
    if (!policy.network_policy) continue;
    for (auto* rules : {&policy.network_policy->ingress, &policy.network_policy->egress}) {
      if (!*rules) continue;
      for (auto& r : **rules) {
        if (r.ports && w.Chance(50)) {
          for (auto& port : *r.ports) {
            if (!w.Chance(50)) continue;
            auto [low, high] = RandomRange(w);
            port.port = std::to_string(low);
            port.end_port = high > low ? std::optional<int32_t>(high) : std::nullopt;
          }
        }
        if (r.peers) {
          for (auto& peer : *r.peers) {
            if (!peer.ip_block || !w.Chance(60)) continue;
            ir::CidrRule block = RandomCidrRule(w);
            peer.ip_block->cidr = *block.cidr;
            peer.ip_block->except = block.except;
          }
        }
      }
    }
  }
}

// ---- what to sample -----------------------------------------------------------

void AddAround(std::set<uint32_t>& out, int64_t value, uint32_t low, uint32_t high) {
  for (int64_t v : {value - 1, value, value + 1}) {
    if (v >= low && v <= high) out.insert(static_cast<uint32_t>(v));
  }
}

// Every port bound the policies and container ports mention, with its
// neighbours, and the ends of the port space.
std::vector<uint32_t> InterestingPorts(const ir::PolicySet& set, const ir::Inventory& inv) {
  std::set<uint32_t> out = {1, 65535};
  auto number = [](const std::string& text) -> std::optional<int64_t> {
    if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos || text.size() > 6) return std::nullopt;
    return std::stoll(text);
  };
  for (const auto& policy : set.policies) {
    for (const auto& rule : policy.rules) {
      for (const auto* section : {&rule.ingress, &rule.ingress_deny, &rule.egress, &rule.egress_deny}) {
        if (!*section) continue;
        for (const auto& peer : **section) {
          if (!peer.to_ports) continue;
          for (const auto& pr : *peer.to_ports) {
            for (const auto& p : pr.ports) {
              if (auto n = number(p.port)) AddAround(out, *n, 1, 65535);
              if (p.end_port > 0) AddAround(out, p.end_port, 1, 65535);
            }
          }
        }
      }
    }
    if (!policy.network_policy) continue;
    for (const auto* rules : {&policy.network_policy->ingress, &policy.network_policy->egress}) {
      if (!*rules) continue;
      for (const auto& r : **rules) {
        if (!r.ports) continue;
        for (const auto& p : *r.ports) {
          if (p.port) {
            if (auto n = number(*p.port)) AddAround(out, *n, 1, 65535);
          }
          if (p.end_port) AddAround(out, *p.end_port, 1, 65535);
        }
      }
    }
  }
  for (const auto& e : inv.endpoints) {
    for (const auto& p : e.ports) AddAround(out, p.port, 1, 65535);
  }
  return {out.begin(), out.end()};
}

std::vector<uint32_t> InterestingIcmpTypes(const ir::PolicySet& set) {
  std::set<uint32_t> out = {0, 255};
  for (const auto& policy : set.policies) {
    for (const auto& rule : policy.rules) {
      for (const auto* section : {&rule.ingress, &rule.ingress_deny, &rule.egress, &rule.egress_deny}) {
        if (!*section) continue;
        for (const auto& peer : **section) {
          if (!peer.icmps) continue;
          for (const auto& icmp : *peer.icmps) {
            for (const auto& f : icmp.fields) AddAround(out, f.type, 0, 255);
          }
        }
      }
    }
  }
  return {out.begin(), out.end()};
}

// ---- printing -----------------------------------------------------------------

std::string KindName(ConnectivityPeer::Kind kind) {
  switch (kind) {
    case ConnectivityPeer::Kind::kWorkload: return "workload";
    case ConnectivityPeer::Kind::kExternal: return "external";
    case ConnectivityPeer::Kind::kEntity: return "entity";
    case ConnectivityPeer::Kind::kFqdn: return "fqdn";
    case ConnectivityPeer::Kind::kNode: return "node";
  }
  return "?";
}

// Every per-protocol interval, whatever the universe prints.
std::string SetText(const ConnectionSet& set) {
  std::string out;
  for (size_t i = 0; i < kConnProtocolCount; ++i) {
    auto protocol = static_cast<ConnProtocol>(i);
    if (set[protocol].Empty()) continue;
    if (!out.empty()) out += " ";
    out += std::string(ConnProtocolName(protocol)) + ":" + set[protocol].ToString();
  }
  return out.empty() ? "(empty)" : out;
}

std::string EdgeText(const ConnectivityMap& map, const ConnectivityEdge& edge) {
  std::ostringstream out;
  out << map.peers[static_cast<size_t>(edge.source)].name << " => " << map.peers[static_cast<size_t>(edge.destination)].name
      << " : " << SetText(edge.connections) << (edge.l7 ? " l7" : "") << " egress_reason=" << edge.egress_reason
      << " ingress_reason=" << edge.ingress_reason;
  for (const auto& rule : edge.rules) {
    out << "\n    rule " << (rule.direction == ir::Direction::kIngress ? "in" : "eg") << (rule.deny ? " deny " : " allow ")
        << rule.description;
  }
  return out.str();
}

// The whole map as text: equal text means equal maps.
std::string MapText(const ConnectivityMap& map) {
  std::ostringstream out;
  out << "universe " << static_cast<int>(map.universe) << "\n";
  for (const auto& p : map.peers) {
    out << "peer " << KindName(p.kind) << " " << p.name << " ns=" << p.namespace_ << " label=" << p.label
        << " endpoint=" << p.endpoint << " flow=" << PeerText(p.flow_peer) << " address=" << p.address << "\n";
  }
  for (const auto& e : map.edges) out << "edge " << EdgeText(map, e) << "\n";
  for (const auto& w : map.warnings) out << "warning " << w << "\n";
  return out.str();
}

std::string SettingsText(const ir::Settings& s) {
  return std::string("semantics=") + (s.semantics == ir::Semantics::kCilium ? "cilium" : "kubernetes") +
         " enforcement=" + std::string(ir::EnforcementModeName(s.enforcement)) + " version=" + s.version.ToString() +
         " allow-localhost=" + (s.allow_localhost == ir::AllowLocalhost::kAlways ? "always" : "policy") +
         " audit=" + (s.policy_audit_mode ? "on" : "off");
}

struct Totals {
  int checked = 0, allowed = 0, denied = 0, external = 0, inside = 0, entity_or_node = 0;
  int disagreements = 0, structural = 0, edges = 0;
};

// ---- the test -------------------------------------------------------------------

void CheckStructure(uint32_t seed, const ir::Settings& settings, const ConnectivityMap& map, Totals& totals) {
  auto fail = [&](const std::string& what) {
    ++totals.structural;
    if (totals.structural <= kMaxPrinted) FAIL_CHECK("seed " << seed << " " << SettingsText(settings) << ": " << what);
  };
  for (size_t i = 1; i < map.peers.size(); ++i) {
    if (!(map.peers[i - 1].name < map.peers[i].name)) fail("peers not sorted or duplicated: " + map.peers[i - 1].name + ", " + map.peers[i].name);
  }
  const int n = static_cast<int>(map.peers.size());
  for (size_t i = 0; i < map.edges.size(); ++i) {
    const auto& e = map.edges[i];
    if (e.source < 0 || e.source >= n || e.destination < 0 || e.destination >= n) {
      fail("edge with a peer index out of range");
      continue;
    }
    if (e.source == e.destination) fail("self edge " + EdgeText(map, e));
    if (e.connections.Empty() || e.connections.ToString(map.universe) == "No Connections") {
      fail("empty edge " + EdgeText(map, e));
    }
    const auto& s = map.peers[static_cast<size_t>(e.source)];
    const auto& d = map.peers[static_cast<size_t>(e.destination)];
    if (s.kind != ConnectivityPeer::Kind::kWorkload && d.kind != ConnectivityPeer::Kind::kWorkload) {
      fail("edge between two non-workload peers " + EdgeText(map, e));
    }
    if (i > 0) {
      const auto& p = map.edges[i - 1];
      auto key = [&](const ConnectivityEdge& x) {
        return std::make_pair(map.peers[static_cast<size_t>(x.source)].name, map.peers[static_cast<size_t>(x.destination)].name);
      };
      if (p.source >= 0 && p.source < n && p.destination >= 0 && p.destination < n && !(key(p) < key(e))) {
        fail("edges not sorted or duplicated: " + EdgeText(map, p) + " / " + EdgeText(map, e));
      }
    }
  }
}

TEST_CASE("connectivity engine agrees with the reference evaluator on random repositories (issue 4 section 3)",
          "[connectivity][differential]") {
  Totals totals;
  const int repositories = Repositories();
  // POLC_DIFFERENTIAL_SEED=40123 replays one repository.
  const char* only = std::getenv("POLC_DIFFERENTIAL_SEED");
  const int first_round = only != nullptr ? std::atoi(only) - 40000 : 0;
  const int last_round = only != nullptr ? first_round + 1 : repositories;
  for (int round = first_round; round < last_round; ++round) {
    const uint32_t seed = 40000 + static_cast<uint32_t>(round);
    RandomWorld world(seed);
    ir::Inventory inv = world.Inventory();
    ir::PolicySet set = world.Policies(inv, 5);
    Enrich(world, set);
    ir::Settings settings;
    settings.version = {1, 16 + world.Pick(5)};
    settings.allow_localhost = world.Chance(50) ? ir::AllowLocalhost::kAlways : ir::AllowLocalhost::kPolicy;
    settings.semantics = round % 2 == 0 ? ir::Semantics::kCilium : ir::Semantics::kKubernetes;
    settings.enforcement = static_cast<ir::EnforcementMode>((round / 2) % 3);
    settings.policy_audit_mode = false;
    const bool kubernetes = settings.semantics == ir::Semantics::kKubernetes;

    ConnectivityMap map = ComputeConnectivity(set, inv, settings);
    CheckStructure(seed, settings, map, totals);
    totals.edges += static_cast<int>(map.edges.size());
    if (round % 10 == 0) {  // determinism: a second run gives the identical map
      std::string a = MapText(map);
      std::string b = MapText(ComputeConnectivity(set, inv, settings));
      if (a != b) {
        ++totals.structural;
        FAIL_CHECK("seed " << seed << " " << SettingsText(settings) << ": two runs differ\n--- first\n" << a
                           << "--- second\n" << b);
      }
    }

    std::map<std::pair<int, int>, const ConnectivityEdge*> edges;
    for (const auto& e : map.edges) edges[{e.source, e.destination}] = &e;
    // The roles of each peer: an external range is a source where it is a
    // cell of the ingress partition, a destination where it is one of the
    // egress partition; other peers play both.
    const std::array<Cuts, 2> cuts = CidrCuts(set, settings.semantics);
    const int n = static_cast<int>(map.peers.size());
    std::vector<bool> as_source(static_cast<size_t>(n), true), as_destination(static_cast<size_t>(n), true);
    for (int i = 0; i < n; ++i) {
      const ConnectivityPeer& peer = map.peers[static_cast<size_t>(i)];
      if (peer.kind == ConnectivityPeer::Kind::kFqdn) as_source[static_cast<size_t>(i)] = false;  // toFQDNs: egress only
      if (peer.kind != ConnectivityPeer::Kind::kExternal) continue;
      auto range = ExternalRange(peer);
      if (!range) continue;
      bool src = IsCell(cuts[0], range->first, range->second);
      bool dst = IsCell(cuts[1], range->first, range->second);
      if (!src && !dst) {
        ++totals.structural;
        if (totals.structural <= kMaxPrinted) {
          FAIL_CHECK("seed " << seed << " " << SettingsText(settings) << ": external peer " << peer.name
                             << " is a cell of neither the ingress partition (cuts " << CutsText(cuts[0])
                             << ") nor the egress partition (cuts " << CutsText(cuts[1]) << ")");
        }
        continue;  // asked about in both roles
      }
      as_source[static_cast<size_t>(i)] = src;
      as_destination[static_cast<size_t>(i)] = dst;
    }
    for (const auto& e : map.edges) {
      if (e.source < 0 || e.source >= n || e.destination < 0 || e.destination >= n) continue;
      if (!as_source[static_cast<size_t>(e.source)] || !as_destination[static_cast<size_t>(e.destination)]) {
        ++totals.structural;
        if (totals.structural <= kMaxPrinted) {
          FAIL_CHECK("seed " << seed << " " << SettingsText(settings) << ": edge uses an external range in a role "
                             << "it does not have (ingress cuts " << CutsText(cuts[0]) << "; egress cuts "
                             << CutsText(cuts[1]) << "): " << EdgeText(map, e));
        }
      }
    }
    std::vector<std::pair<int, int>> pairs;
    for (int s = 0; s < n; ++s) {
      for (int d = 0; d < n; ++d) {
        bool workload = map.peers[static_cast<size_t>(s)].kind == ConnectivityPeer::Kind::kWorkload ||
                        map.peers[static_cast<size_t>(d)].kind == ConnectivityPeer::Kind::kWorkload;
        if (s != d && workload && as_source[static_cast<size_t>(s)] && as_destination[static_cast<size_t>(d)]) {
          pairs.emplace_back(s, d);
        }
      }
    }
    if (pairs.empty()) continue;
    std::set<std::string> cluster_ips;
    for (const auto& e : inv.endpoints) cluster_ips.insert(e.ips.begin(), e.ips.end());
    for (const auto& node : inv.nodes) cluster_ips.insert(node.ips.begin(), node.ips.end());
    const std::vector<uint32_t> ports = InterestingPorts(set, inv);
    const std::vector<uint32_t> icmp_types = InterestingIcmpTypes(set);
    Evaluator eval(set, inv, settings);

    // Where an external peer is asked about: its representative, its last
    // address, or a random address inside it (not one the inventory gives
    // a pod or node, which is not an external address at all).
    auto ask_as = [&](const ConnectivityPeer& peer) -> ir::FlowPeer {
      if (peer.kind != ConnectivityPeer::Kind::kExternal) {
        if (peer.kind != ConnectivityPeer::Kind::kWorkload) ++totals.entity_or_node;
        return peer.flow_peer;
      }
      ++totals.external;
      auto range = ExternalRange(peer);
      int roll = world.Pick(3);
      if (!range || roll == 0) return peer.flow_peer;
      uint32_t address = roll == 1 ? range->second
                                   : range->first + static_cast<uint32_t>(std::uniform_int_distribution<uint64_t>(
                                                        0, uint64_t{range->second} - range->first)(world.rng()));
      if (cluster_ips.count(Ipv4Text(address)) > 0) return peer.flow_peer;
      ++totals.inside;
      return ir::IpPeer{Ipv4Text(address)};
    };

    for (int k = 0; k < kSamples; ++k) {
      // Half the samples on pairs with an edge, so allows are well covered.
      std::pair<int, int> pair;
      if (!map.edges.empty() && world.Chance(50)) {
        const auto& e = map.edges[static_cast<size_t>(world.Pick(static_cast<int>(map.edges.size())))];
        pair = {e.source, e.destination};
        if (map.peers[static_cast<size_t>(pair.first)].kind != ConnectivityPeer::Kind::kWorkload &&
            map.peers[static_cast<size_t>(pair.second)].kind != ConnectivityPeer::Kind::kWorkload) {
          pair = world.OneOf(pairs);  // reported by CheckStructure already
        }
      } else {
        pair = world.OneOf(pairs);
      }
      auto found = edges.find(pair);
      const ConnectivityEdge* edge = found == edges.end() ? nullptr : found->second;
      const ConnectivityPeer& from = map.peers[static_cast<size_t>(pair.first)];
      const ConnectivityPeer& to = map.peers[static_cast<size_t>(pair.second)];

      Flow flow;
      flow.source = ask_as(from);
      flow.destination = ask_as(to);
      ConnProtocol protocol;
      uint32_t value;
      int roll = world.Pick(kubernetes ? 9 : 10);
      if (roll == 9) {
        protocol = ConnProtocol::kIcmp;
        flow.protocol = ir::Protocol::kIcmp;
        value = world.Chance(80) ? world.OneOf(icmp_types) : static_cast<uint32_t>(world.Pick(256));
        flow.icmp_type = static_cast<uint8_t>(value);
      } else {
        protocol = roll < 5 ? ConnProtocol::kTcp : roll < 8 ? ConnProtocol::kUdp : ConnProtocol::kSctp;
        flow.protocol = roll < 5 ? ir::Protocol::kTcp : roll < 8 ? ir::Protocol::kUdp : ir::Protocol::kSctp;
        int how = world.Pick(10);
        if (how < 6) {
          value = world.OneOf(ports);
        } else if (how < 8 && edge != nullptr && !edge->connections[protocol].Empty()) {
          // At a bound of the edge's own intervals, or just outside it.
          const auto& intervals = edge->connections[protocol].intervals();
          const auto& [low, high] = intervals[static_cast<size_t>(world.Pick(static_cast<int>(intervals.size())))];
          std::vector<uint32_t> near = {low, high};
          if (low > 1) near.push_back(low - 1);
          if (high < 65535) near.push_back(high + 1);
          value = world.OneOf(near);
        } else {
          value = static_cast<uint32_t>(1 + world.Pick(65535));
        }
        flow.port = std::to_string(value);
      }

      FlowResult result = eval.Evaluate(flow);
      ++totals.checked;
      if (result.error) {
        ++totals.disagreements;
        if (totals.disagreements <= kMaxPrinted) {
          FAIL_CHECK("seed " << seed << " " << SettingsText(settings) << ": the evaluator cannot evaluate the flow "
                             << FlowText(flow) << " made from peers " << from.name << " -> " << to.name << ": "
                             << *result.error);
        }
        continue;
      }
      const bool evaluator_allows = result.verdict == Verdict::kAllow;
      const bool map_allows = edge != nullptr && edge->connections[protocol].Contains(value);
      (evaluator_allows ? totals.allowed : totals.denied) += 1;
      if (evaluator_allows == map_allows) continue;
      ++totals.disagreements;
      if (totals.disagreements > kMaxPrinted) continue;
      FAIL_CHECK("DISAGREEMENT seed " << seed << " " << SettingsText(settings) << "\n"
                                      << "pair " << from.name << " (" << KindName(from.kind) << ", flow peer "
                                      << PeerText(from.flow_peer) << ") -> " << to.name << " (" << KindName(to.kind)
                                      << ", flow peer " << PeerText(to.flow_peer) << ")\n"
                                      << "flow " << FlowText(flow) << "\n"
                                      << "evaluator: " << (evaluator_allows ? "ALLOW" : "DENY") << ", map: "
                                      << (map_allows ? "ALLOW" : "DENY") << "\n"
                                      << "edge: " << (edge != nullptr ? EdgeText(map, *edge) : std::string("(none)"))
                                      << "\n--- evaluator trail\n" << ResultText(result) << "--- inventory\n"
                                      << InventoryText(inv) << "--- policies\n" << PolicyText(set) << "--- map\n"
                                      << MapText(map));
    }
  }
  INFO("checked " << totals.checked << " flows in " << repositories << " repositories: " << totals.allowed
                  << " allowed, " << totals.denied << " denied, " << totals.external << " external sides ("
                  << totals.inside << " at an address other than the representative), " << totals.entity_or_node
                  << " entity/node sides, " << totals.edges << " edges; " << totals.disagreements
                  << " disagreements, " << totals.structural << " structural failures");
  CHECK(totals.disagreements == 0);
  CHECK(totals.structural == 0);
  // Not vacuous: thousands of flows, both verdicts, external ranges probed
  // inside, entities and nodes met.
  if (only != nullptr) return;
  CHECK(totals.checked >= repositories * kSamples / 2);
  CHECK(totals.allowed > totals.checked / 10);
  CHECK(totals.denied > totals.checked / 10);
  CHECK(totals.inside > repositories / 4);
  CHECK(totals.entity_or_node > 0);
}

}  // namespace
}  // namespace polc::verifier::test
