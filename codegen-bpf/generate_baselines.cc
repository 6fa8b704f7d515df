// The parse code below is the IPv4 TCP/UDP subset of generate_c.cc's, word
// for word, so the baselines and polc's program differ only in what they do
// after parsing. The parsed fields are folded into the return value: without
// that, clang drops a parse whose result nothing reads, and the "floor"
// would measure an empty program.
#include "codegen-bpf/generate_baselines.h"

#include <algorithm>
#include <cstring>

namespace polc::codegen {
namespace {

constexpr const char* kHead = R"(/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/* A baseline of polc's datapath bench (codegen-bpf/generate_baselines.h). */
#include "polc_runtime.h"
#include "polc_maps.h"

struct packet {
	__u8 family;
	__u8 protocol;
	__be16 sport;
	__be16 dport;
	__u8 saddr[16];
	__u8 daddr[16];
};

static __always_inline void parse_l4(struct packet *pkt, void *l4, void *data_end)
{
	switch (pkt->protocol) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	{
		struct l4ports *ports = l4;

		if ((void *)(ports + 1) > data_end)
			return;
		pkt->sport = ports->source;
		pkt->dport = ports->dest;
		return;
	}
	}
}

static __always_inline int parse_packet(struct __sk_buff *skb, struct packet *pkt)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > data_end)
		return 0;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);

		if ((void *)(ip + 1) > data_end || ip->ihl < 5)
			return 0;
		pkt->family = POLC_FAMILY_IPV4;
		pkt->protocol = ip->protocol;
		__builtin_memcpy(pkt->saddr, &ip->saddr, 4);
		__builtin_memcpy(pkt->daddr, &ip->daddr, 4);
		if (!(ip->frag_off & bpf_htons(0x1fff)))
			parse_l4(pkt, (void *)ip + ip->ihl * 4, data_end);
		return 1;
	}
	return 0;
}

)";

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

std::string GenerateFloorC() { return std::string(kHead) + kFloor + kTail; }

std::string GenerateFloorLookupC(uint32_t max_entries) {
  std::string program = kFloorLookup;
  program.replace(program.find("@MAX@"), 5, std::to_string(max_entries));
  return std::string(kHead) + program + kTail;
}

std::string GenerateLinearScanC(uint32_t rules) {
  std::string program = kScan;
  for (size_t at = program.find("@RULES@"); at != std::string::npos; at = program.find("@RULES@"))
    program.replace(at, 7, std::to_string(rules));
  return std::string(kHead) + program + kTail;
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
