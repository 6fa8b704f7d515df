// The parse code is generate_c.cc's own (GenerateParseC) for IPv4 with TCP
// and UDP, so the baselines and polc's program differ only in what they do
// after parsing. The parsed fields are folded into the return value: without
// that, clang drops a parse whose result nothing reads, and the "floor"
// would measure an empty program.
#include "codegen-bpf/generate_baselines.h"

#include <algorithm>
#include <cstring>

#include "codegen-bpf/generate_c.h"

namespace polc::codegen {
namespace {

constexpr const char* kHead = R"(/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/* A baseline of polc's datapath bench (codegen-bpf/generate_baselines.h). */
#include "polc_runtime.h"
#include "polc_maps.h"

)";

// The header and polc's parse for IPv4 with TCP and UDP.
std::string Head() {
  ir::PlanFeatures ipv4;
  ipv4.ipv4 = true;
  return kHead + GenerateParseC(ipv4);
}

constexpr const char* kTail = R"(
char _license[] SEC("license") = "Dual MIT/GPL";
)";

constexpr const char* kFloor = R"(/* Every parsed field, folded: keeps clang from dropping the parse. */
static __always_inline __u32 fold(const struct packet *pkt)
{
	__u32 s, d;

	__builtin_memcpy(&s, pkt->saddr, 4);
	__builtin_memcpy(&d, pkt->daddr, 4);
	return s ^ d ^ ((__u32)pkt->sport << 16 | pkt->dport) ^ ((__u32)pkt->family << 8 | pkt->protocol);
}

SEC("tc")
int baseline(struct __sk_buff *skb)
{
	struct packet pkt = {};

	if (!parse_packet(skb, &pkt))
		return TC_ACT_OK;
	/* Never true for a parsed packet's fold in practice; clang cannot know. */
	return fold(&pkt) == 0xdeadbeef ? TC_ACT_SHOT : TC_ACT_OK;
}
)";

constexpr const char* kFloorLookup = R"(struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct polc_ct_key);
	__type(value, struct polc_ct_value);
	__uint(max_entries, @MAX@);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} baseline_flows SEC(".maps");

SEC("tc")
int baseline(struct __sk_buff *skb)
{
	struct packet pkt = {};
	struct polc_ct_key key = {};

	if (!parse_packet(skb, &pkt))
		return TC_ACT_OK;
	key.family = pkt.family;
	key.protocol = pkt.protocol;
	key.direction = POLC_DIR_INGRESS;
	key.sport = pkt.sport;
	key.dport = pkt.dport;
	__builtin_memcpy(key.saddr, pkt.saddr, 16);
	__builtin_memcpy(key.daddr, pkt.daddr, 16);
	return bpf_map_lookup_elem(&baseline_flows, &key) ? TC_ACT_OK : TC_ACT_SHOT;
}
)";

// The scan is a bpf_loop (kernel 5.17) over an array of rules, not an
// unrolled `if` chain: clang -O2 took over 10 minutes on a 10k-rule chain
// (we stopped it), and the kernel verifier stops a straight-line chain near
// 8k pending branches (BPF_COMPLEXITY_LIMIT_JMP_SEQ); a bounded C loop is
// simulated once per rule up to the 1M-instruction limit. bpf_loop's
// callback is verified once, so every rule count loads.
constexpr const char* kScan = R"(#define BPF_MAP_TYPE_ARRAY 2

struct scan_rule {
	__u32 source; /* IPv4, as loaded from the packet */
	__u8 protocol;
	__u8 pad;
	__u16 port_first;
	__u16 port_last;
	__u16 pad2;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct scan_rule);
	__uint(max_entries, @RULES@);
} baseline_rules SEC(".maps");

static long (*bpf_loop)(__u32 nr_loops, void *callback_fn, void *callback_ctx, __u64 flags) = (void *)181;

struct scan {
	__u32 source;
	__u16 port;
	__u8 protocol;
	__u8 allowed;
};

static long scan_one(__u32 index, void *ctx)
{
	struct scan *s = ctx;
	struct scan_rule *rule = bpf_map_lookup_elem(&baseline_rules, &index);

	if (!rule)
		return 1;
	if (rule->source == s->source && rule->protocol == s->protocol && s->port >= rule->port_first &&
	    s->port <= rule->port_last) {
		s->allowed = 1;
		return 1;
	}
	return 0;
}

SEC("tc")
int baseline(struct __sk_buff *skb)
{
	struct packet pkt = {};
	struct scan s = {};

	if (!parse_packet(skb, &pkt))
		return TC_ACT_OK;
	__builtin_memcpy(&s.source, pkt.saddr, 4);
	s.port = bpf_ntohs(pkt.dport);
	s.protocol = pkt.protocol;
	/* The rules in order; the first that matches allows. */
	bpf_loop(@RULES@, scan_one, &s, 0);
	return s.allowed ? TC_ACT_OK : TC_ACT_SHOT;
}
)";

}  // namespace

std::string GenerateFloorC() { return Head() + kFloor + kTail; }

std::string GenerateFloorLookupC(uint32_t max_entries) {
  std::string program = kFloorLookup;
  program.replace(program.find("@MAX@"), 5, std::to_string(max_entries));
  return Head() + program + kTail;
}

std::string GenerateLinearScanC(uint32_t rules) {
  std::string program = kScan;
  for (size_t at = program.find("@RULES@"); at != std::string::npos; at = program.find("@RULES@"))
    program.replace(at, 7, std::to_string(rules));
  return Head() + program + kTail;
}

std::vector<uint8_t> ScanRuleBytes(const ScanRule& rule) {
  std::vector<uint8_t> bytes(12, 0);
  std::copy(rule.source.begin(), rule.source.end(), bytes.begin());
  bytes[4] = rule.protocol;
  std::memcpy(&bytes[6], &rule.port_first, 2);
  std::memcpy(&bytes[8], &rule.port_last, 2);
  return bytes;
}

}  // namespace polc::codegen
