/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Outbound security policy database (RFC 4301 §4.4.1), IPv4 and IPv6, over
 * DPDK's rte_acl. The control lcore collects rules of both families in one
 * spd_builder and compiles them with spd_build() into an immutable struct
 * spd (one rte_acl context per family); workers call spd_lookup_burst() on
 * the published one. Rebuilding makes a new spd; the old one is freed by
 * the control lcore after an RCU grace period.
 */
#ifndef ESPGW_SPD_H
#define ESPGW_SPD_H

#include <stdint.h>

struct rte_mbuf;
struct spd;
struct spd_builder;

/*
 * What to do with a matching packet (RFC 4301 §4.4.1: PROTECT, BYPASS,
 * DISCARD). Never 0, so a packed result is never 0 either (rte_acl uses a
 * userdata of 0 to mean "no match").
 */
enum spd_action {
	SPD_PROTECT = 1,        /* encrypt with the rule's SA */
	SPD_BYPASS = 2,         /* forward in the clear */
	SPD_DISCARD = 3,        /* drop */
};

enum {
	SPD_PROTO_ANY = 256,    /* spd_rule.proto: any IP protocol */
	SPD_RESULT_SHIFT = 30,  /* result = action << 30 | sa */
	SPD_SA_MAX = (1u << SPD_RESULT_SHIFT) - 1,  /* largest SA index */
	SPD_RULES_MAX = 65536,  /* both families together */
};

/* spd_rule.family: which addresses the rule has; 0 means IPv4. */
enum spd_family {
	SPD_FAMILY_IPV4 = 4,
	SPD_FAMILY_IPV6 = 6,
};

/*
 * One policy. An IPv4 rule (family 0 or SPD_FAMILY_IPV4) uses src and dst,
 * in host order; an IPv6 rule (SPD_FAMILY_IPV6) uses src6 and dst6, in
 * network order, and ignores src and dst. A rule only ever matches packets
 * of its own family. Bits beyond the prefix length are ignored. Ports are
 * inclusive ranges in host order; a range other than 0..65535 needs proto
 * TCP or UDP (ICMP type/code and the other selectors of RFC 4301 §4.4.1.1
 * are not supported yet).
 */
struct spd_rule {
	uint32_t src;
	uint32_t dst;
	uint8_t src_len;        /* 0..32 (IPv4), 0..128 (IPv6) */
	uint8_t dst_len;        /* 0..32 (IPv4), 0..128 (IPv6) */
	uint16_t proto;         /* IPPROTO_* or SPD_PROTO_ANY */
	uint16_t sport_lo, sport_hi;
	uint16_t dport_lo, dport_hi;
	uint32_t priority;      /* lower is matched first; ties: first added */
	enum spd_action action;
	uint32_t sa;            /* PROTECT only: opaque SA index <= SPD_SA_MAX */
	uint8_t family;         /* 0 or SPD_FAMILY_IPV4, or SPD_FAMILY_IPV6 */
	uint8_t src6[16];       /* IPv6 only, network order */
	uint8_t dst6[16];       /* IPv6 only, network order */
};

/* A lookup result: action in the top two bits, SA index below. */
static inline enum spd_action spd_action(uint32_t r)
{
	return (enum spd_action)(r >> SPD_RESULT_SHIFT);
}

static inline uint32_t spd_sa(uint32_t r)
{
	return r & SPD_SA_MAX;
}

static inline uint32_t spd_result(enum spd_action a, uint32_t sa)
{
	return (uint32_t)a << SPD_RESULT_SHIFT | (sa & SPD_SA_MAX);
}

/* ---- control lcore: spd.c ------------------------------------------------ */

/**
 * New empty builder. A packet that matches no rule gets DISCARD (RFC 4301
 * §5.1: traffic no policy allows is dropped) unless spd_builder_set_default()
 * says otherwise. Returns NULL and sets rte_errno on failure.
 */
struct spd_builder *spd_builder_create(void);

/** Free a builder; NULL is fine. SPDs built from it stay valid. */
void spd_builder_free(struct spd_builder *b);

/**
 * Result for packets no rule matches, of either family, taken by the
 * following spd_build() calls. Returns 0, or -EINVAL for a bad action or SA index.
 */
int spd_builder_set_default(struct spd_builder *b, enum spd_action a, uint32_t sa);

/**
 * Append a rule (copied). Returns 0; -EINVAL for a family other than 0, 4
 * or 6, a prefix length above 32 (IPv4) or 128 (IPv6), an empty port range, ports on a protocol other than TCP/UDP, a bad action
 * or an SA index above SPD_SA_MAX; -ENOSPC past SPD_RULES_MAX; -ENOMEM.
 */
int spd_builder_add(struct spd_builder *b, const struct spd_rule *r);

/** Number of rules added so far, both families. */
unsigned int spd_builder_count(const struct spd_builder *b);

/**
 * Compile the builder's rules into a new immutable SPD on `socket`. The
 * builder is left as it was, so more rules can be added and built again.
 * Returns NULL and sets rte_errno on failure.
 *
 * Rules are ordered by (priority, order of addition): rte_acl returns the
 * match with the highest rte_acl priority and does not say which of several
 * with equal priority wins, so every rule gets a distinct rte_acl priority
 * from its rank in that order. The order is one over both families; each
 * family's rules then go to their own rte_acl context, so "lowest priority
 * first, ties in order of addition" holds for the packets of each family.
 */
struct spd *spd_build(const struct spd_builder *b, int socket);

/**
 * Free an SPD. RCU contract: workers read the published pointer once per
 * burst and report quiescent (rte_rcu_qsbr_quiescent) between bursts. To
 * replace it the control lcore publishes the new pointer (store-release),
 * waits for a grace period (rte_rcu_qsbr_synchronize, or a defer queue
 * from lib/ctl), then calls spd_free() on the old one. NULL is fine.
 */
void spd_free(struct spd *s);

/** Number of rules compiled into s, both families. */
unsigned int spd_count(const struct spd *s);

/* ---- worker lcores: spd.c ------------------------------------------------ */

/**
 * Look up n outbound IPv4 and IPv6 packets, in any mix; the IP header of
 * mb[i] starts l3_off[i] bytes into its data, and its version nibble picks
 * the family. result[i] gets spd_result(action, sa) of the first matching
 * rule of that family, or the default. Mbufs are only read; the caller
 * keeps them. No allocation, no locks; safe on any lcore while s is alive.
 *
 * Selectors are taken from the packet, never from its length fields:
 *  - IPv4 options are skipped by IHL;
 *  - ports come from TCP and UDP only; they read as 0 for every other
 *    protocol (ICMP and ICMPv6 included) and for non-first IPv4 fragments,
 *    which carry no L4 header (RFC 4301 §4.4.1: OPAQUE ports). Such packets
 *    match only rules whose port ranges include 0: the full-range ones, in
 *    practice;
 *  - IPv6: the protocol is the fixed header's next header, ports follow
 *    the fixed header. Extension headers are not walked yet: when the next
 *    header is one (hop-by-hop 0, routing 43, fragment 44, AH 51,
 *    destination options 60, mobility 135, HIP 139, shim6 140, experimental
 *    253 and 254) protocol and ports are OPAQUE (RFC 4301 §4.4.1.1) and the
 *    packet matches only rules with proto SPD_PROTO_ANY (whose ports are
 *    full range). A rule for proto 0 (HOPOPT) thus never matches IPv6.
 *    ESP (50) is not walked either but is the protocol, as for IPv4, and
 *    so is 59 (no next header);
 *  - a packet too short for its IP header (20 bytes and IHL for IPv4, 40
 *    for IPv6) or, when it has TCP/UDP ports to read, for its ports; an
 *    IPv4 one with IHL < 5; or one whose version is neither 4 nor 6, gets
 *    DISCARD whatever the rules and the default say.
 */
void spd_lookup_burst(const struct spd *s, struct rte_mbuf *mb[],
		      const uint16_t l3_off[], uint16_t n, uint32_t result[]);

#endif /* ESPGW_SPD_H */
