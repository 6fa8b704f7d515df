/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * The one definition of every polc map key, map value and ring-buffer event
 * (design-brief.md "Datapath"; style.md 10). The generated BPF C includes it
 * from the in-memory file system of the in-process compiler; the C++ side
 * (codegen-bpf/map_contents.cc, loader/) includes it from the source tree.
 * Plain C without system headers, so both compilers read the same bytes, and
 * every size is checked statically on both sides: the two cannot drift.
 *
 * Layouts follow Cilium (cilium-semantics.md 8) where they can, with one
 * difference: polc has one policy map for all endpoints of an object, keyed
 * by the endpoint id, instead of one map per endpoint, so that one object
 * built offline holds the whole node.
 */
#ifndef POLC_MAPS_H_
#define POLC_MAPS_H_

typedef unsigned char polc_u8;
typedef unsigned short polc_u16;
typedef unsigned int polc_u32;
typedef unsigned long long polc_u64;

#ifdef __cplusplus
#define POLC_STATIC_ASSERT(cond, msg) static_assert(cond, msg)
#else
#define POLC_STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)
#endif

/* Address families as stored in keys (Cilium's ipcache uses 1 and 2 too). */
#define POLC_FAMILY_IPV4 1
#define POLC_FAMILY_IPV6 2

/* Directions, as in Cilium's policy key (0 ingress, 1 egress). */
#define POLC_DIR_INGRESS 0
#define POLC_DIR_EGRESS 1

/*
 * polc_endpoints (HASH): a local endpoint's address -> the endpoint.
 * IPv4 addresses use the first 4 bytes of `address`, the rest is zero.
 */
struct polc_endpoint_key {
	polc_u8 family;
	polc_u8 pad[3];
	polc_u8 address[16];
};

#define POLC_EP_ENFORCED 0x1     /* policy applies in this direction */
#define POLC_EP_DEFAULT_DENY 0x2 /* what no entry allows is dropped */
#define POLC_EP_AUDIT 0x4        /* drops become audited passes (8.4) */
/*
 * Which policy lookups can hit for this endpoint and direction, so the
 * program skips the others (computed from the entries by map_contents.cc):
 * entries of a specific remote identity in polc_policy_exact / polc_policy,
 * wildcard-identity (0) entries in polc_policy_exact / polc_policy.
 */
#define POLC_EP_EXACT 0x8
#define POLC_EP_LPM 0x10
#define POLC_EP_ANY_EXACT 0x20
#define POLC_EP_ANY_LPM 0x40

struct polc_endpoint_value {
	polc_u32 endpoint;  /* PlanEndpoint::id, 1.. */
	polc_u32 identity;  /* the endpoint's own identity */
	polc_u32 node;      /* Plan::nodes index + 1; 0 = unknown */
	polc_u8 flags[2];   /* [POLC_DIR_INGRESS], [POLC_DIR_EGRESS]: POLC_EP_* */
	polc_u8 pad[2];
};

/*
 * polc_ipcache (LPM_TRIE): address prefix -> identity (8.2). prefixlen counts
 * the 32 static bits of family + pad, then the address prefix bits.
 */
struct polc_ipcache_key {
	polc_u32 prefixlen;
	polc_u8 family;
	polc_u8 pad[3];
	polc_u8 address[16];
};
#define POLC_IPCACHE_STATIC_PREFIX 32

struct polc_ipcache_value {
	polc_u32 identity;
	polc_u32 node;           /* nonzero: the prefix belongs to this node */
	polc_u32 local_identity; /* identity seen from an endpoint on `node` */
};

/*
 * polc_policy (LPM_TRIE): (endpoint, remote identity, direction, protocol,
 * port prefix) -> the entry (8.1). prefixlen = 72 static bits (endpoint,
 * identity, direction), + 8 when the protocol is given, + 0..16 port bits.
 * Identity 0 is the wildcard; protocol 0 is any protocol (then no port
 * bits). For ICMP the port is the type. The port is in network order.
 */
struct polc_policy_key {
	polc_u32 prefixlen;
	polc_u32 endpoint;
	polc_u32 remote_identity;
	polc_u8 direction;
	polc_u8 protocol;
	polc_u16 dport; /* network byte order */
};
#define POLC_POLICY_STATIC_PREFIX 72
#define POLC_POLICY_FULL_PREFIX 96

/*
 * polc_policy_exact (HASH): the entries of polc_policy_key whose port prefix
 * is all 16 bits (one port, one ICMP type; protocol != 0), which are kept
 * here instead of in polc_policy. Such an entry is the longest possible
 * match, so a hit here is what the trie would return; on a miss the trie
 * (holding the rest) is asked. Fields as in polc_policy_key.
 */
struct polc_policy_exact_key {
	polc_u32 endpoint;
	polc_u32 remote_identity;
	polc_u8 direction;
	polc_u8 protocol;
	polc_u16 dport; /* network byte order */
};

#define POLC_POLICY_DENY 0x1     /* a deny rule's entry: deny wins */
#define POLC_POLICY_L7_PROXY 0x2 /* allowed at L3/L4; L7 rules need the proxy */

struct polc_policy_value {
	polc_u32 rule; /* PlanRule::id, for verdict events */
	polc_u8 flags; /* POLC_POLICY_* */
	polc_u8 pad[3];
};

/*
 * polc_ct (LRU_HASH): connection tracking. The key is the tuple of the
 * packet that opened the connection, at the hook that judged it; a reply is
 * found by looking up its reversed tuple with the opposite direction, so the
 * egress hook of one endpoint and the ingress hook of another keep separate
 * entries for the same connection (as Cilium's TUPLE_F_OUT / TUPLE_F_IN).
 * ICMP: sport 0, dport the type (an echo reply matches its request).
 */
struct polc_ct_key {
	polc_u8 family;
	polc_u8 protocol;
	polc_u8 direction;
	polc_u8 pad;
	polc_u16 sport; /* network byte order */
	polc_u16 dport; /* network byte order */
	polc_u8 saddr[16];
	polc_u8 daddr[16];
};

struct polc_ct_value {
	polc_u32 rule;  /* the rule that allowed the connection (0: not enforced) */
	polc_u32 flags; /* POLC_CT_* */
};
#define POLC_CT_AUDITED 0x1 /* opened by an audited drop */

/* Verdicts and drop reasons of a polc_event. */
#define POLC_VERDICT_ALLOW 1 /* a new connection allowed by policy */
#define POLC_VERDICT_DROP 2
#define POLC_VERDICT_AUDIT 3 /* would be dropped; audit mode let it pass */

#define POLC_REASON_NONE 0
#define POLC_REASON_DEFAULT_DENY 1 /* no entry allows it (Cilium -133) */
#define POLC_REASON_DENY_RULE 2    /* a deny entry matched (Cilium -181) */

#define POLC_EVENT_L7_PROXY 0x1 /* the allowing entry needs the L7 proxy */

/* polc_events (RINGBUF): one event per policy decision on a new packet. */
struct polc_event {
	polc_u32 endpoint;
	polc_u32 remote_identity;
	polc_u32 rule; /* 0: default deny or not enforced */
	polc_u8 verdict;
	polc_u8 reason;
	polc_u8 direction;
	polc_u8 family;
	polc_u8 protocol;
	polc_u8 flags; /* POLC_EVENT_* */
	polc_u16 sport; /* host byte order */
	polc_u16 dport; /* host byte order; ICMP: the type */
	polc_u8 pad[2];
	polc_u8 saddr[16];
	polc_u8 daddr[16];
};

POLC_STATIC_ASSERT(sizeof(struct polc_endpoint_key) == 20, "polc_endpoint_key layout");
POLC_STATIC_ASSERT(sizeof(struct polc_endpoint_value) == 16, "polc_endpoint_value layout");
POLC_STATIC_ASSERT(sizeof(struct polc_ipcache_key) == 24, "polc_ipcache_key layout");
POLC_STATIC_ASSERT(sizeof(struct polc_ipcache_value) == 12, "polc_ipcache_value layout");
POLC_STATIC_ASSERT(sizeof(struct polc_policy_key) == 16, "polc_policy_key layout");
POLC_STATIC_ASSERT(sizeof(struct polc_policy_exact_key) == 12, "polc_policy_exact_key layout");
POLC_STATIC_ASSERT(sizeof(struct polc_policy_value) == 8, "polc_policy_value layout");
POLC_STATIC_ASSERT(sizeof(struct polc_ct_key) == 40, "polc_ct_key layout");
POLC_STATIC_ASSERT(sizeof(struct polc_ct_value) == 8, "polc_ct_value layout");
POLC_STATIC_ASSERT(sizeof(struct polc_event) == 56, "polc_event layout");

/* Map names, as in the object and the manifest. */
#define POLC_MAP_ENDPOINTS "polc_endpoints"
#define POLC_MAP_IPCACHE "polc_ipcache"
#define POLC_MAP_POLICY "polc_policy"
#define POLC_MAP_POLICY_EXACT "polc_policy_exact"
#define POLC_MAP_CT "polc_ct"
#define POLC_MAP_EVENTS "polc_events"

#endif /* POLC_MAPS_H_ */
