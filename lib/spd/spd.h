/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Outbound security policy database (RFC 4301 §4.4.1), IPv4 only, over
 * DPDK's rte_acl. The control lcore collects rules in a spd_builder and
 * compiles them with spd_build() into an immutable struct spd; workers call
 * spd_lookup_burst() on the published one. Rebuilding makes a new spd; the
 * old one is freed by the control lcore after an RCU grace period.
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
	SPD_RULES_MAX = 65536,
};

/*
 * One policy. Addresses in host order; bits beyond the prefix length are
 * ignored. Ports are inclusive ranges in host order; a range other than
 * 0..65535 needs proto TCP or UDP (ICMP type/code and the other selectors
 * of RFC 4301 §4.4.1.1 are not supported yet).
 */
struct spd_rule {
	uint32_t src;
	uint32_t dst;
	uint8_t src_len;        /* 0..32 */
	uint8_t dst_len;        /* 0..32 */
	uint16_t proto;         /* IPPROTO_* or SPD_PROTO_ANY */
	uint16_t sport_lo, sport_hi;
	uint16_t dport_lo, dport_hi;
	uint32_t priority;      /* lower is matched first; ties: first added */
	enum spd_action action;
	uint32_t sa;            /* PROTECT only: opaque SA index <= SPD_SA_MAX */
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
 * Result for packets no rule matches, taken by the following spd_build()
 * calls. Returns 0, or -EINVAL for a bad action or SA index.
 */
int spd_builder_set_default(struct spd_builder *b, enum spd_action a, uint32_t sa);

/**
 * Append a rule (copied). Returns 0; -EINVAL for a prefix length above 32,
 * an empty port range, ports on a protocol other than TCP/UDP, a bad action
 * or an SA index above SPD_SA_MAX; -ENOSPC past SPD_RULES_MAX; -ENOMEM.
 */
int spd_builder_add(struct spd_builder *b, const struct spd_rule *r);

/** Number of rules added so far. */
unsigned int spd_builder_count(const struct spd_builder *b);

/**
 * Compile the builder's rules into a new immutable SPD on `socket`. The
 * builder is left as it was, so more rules can be added and built again.
 * Returns NULL and sets rte_errno on failure.
 *
 * Rules are ordered by (priority, order of addition): rte_acl returns the
 * match with the highest rte_acl priority and does not say which of several
 * with equal priority wins, so every rule gets a distinct rte_acl priority
 * from its rank in that order.
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

/** Number of rules compiled into s. */
unsigned int spd_count(const struct spd *s);

/* ---- worker lcores: spd.c ------------------------------------------------ */

/**
 * Look up n outbound IPv4 packets; the IPv4 header of mb[i] starts l3_off[i]
 * bytes into its data. result[i] gets spd_result(action, sa) of the first
 * matching rule, or the default. Mbufs are only read; the caller keeps them.
 * No allocation, no locks; safe on any lcore while s is alive.
 *
 * Selectors are taken from the packet, never from its length fields:
 *  - IP options are skipped by IHL;
 *  - ports come from TCP and UDP only; they read as 0 for every other
 *    protocol (ICMP included) and for non-first fragments, which carry no
 *    L4 header (RFC 4301 §4.4.1: OPAQUE ports). Such packets match only
 *    rules whose port ranges include 0: the full-range ones, in practice;
 *  - a packet too short for its IPv4 header (or, when a first fragment of
 *    TCP/UDP, for its ports), or not IPv4, or with IHL < 5, gets DISCARD
 *    whatever the rules and the default say.
 */
void spd_lookup_burst(const struct spd *s, struct rte_mbuf *mb[],
		      const uint16_t l3_off[], uint16_t n, uint32_t result[]);

#endif /* ESPGW_SPD_H */
