/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv6 routing table: rte_fib6 (TRIE) maps a destination to a next-hop
 * index; the next-hop array says which port and which neighbour address.
 * Like route.h: built by the main lcore before workers start and read-only
 * afterwards, so workers and the control lcore look up without any
 * synchronisation. Addresses are 16 bytes in network order.
 */
#ifndef ESPGW_ROUTE6_H
#define ESPGW_ROUTE6_H

#include <stdbool.h>
#include <stdint.h>

#include "route.h" /* enum route_type */

struct rte_fib6;

enum {
	ROUTE6_NH_NONE = 0,     /* FIB default: no route */
	ROUTE6_NH_MAX = 4096,
	ROUTE6_MAX = 8192,
	/* rte_fib6 tbl8 groups (512 bytes each with 2-byte next hops): a
	 * prefix longer than /24 needs one per byte past the third that it
	 * does not share with a route already there, so a lone /64 takes 5
	 * and a lone /128 13. route6_add() returns -ENOSPC when they run out. */
	ROUTE6_TBL8 = 1 << 14,
};

/* Where a next hop leads. has_gw == 0: on-link, the packet's own
 * destination is the neighbour to resolve (gw is all zeros). */
struct route6_nh {
	uint8_t gw[16];
	uint16_t port;
	uint16_t iface;
	uint8_t has_gw;
};

/* One configured route, kept for listing (telemetry). */
struct route6_entry {
	uint8_t prefix[16];     /* host bits zero */
	uint8_t prefix_len;
	uint8_t type;           /* enum route_type */
	uint16_t nh;            /* index into route6_table.nh */
};

struct route6_table {
	struct rte_fib6 *fib;
	struct route6_nh nh[ROUTE6_NH_MAX];
	unsigned int n_nh;      /* nh[0] is ROUTE6_NH_NONE, unused */
	struct route6_entry routes[ROUTE6_MAX];
	unsigned int n_routes;  /* in the order they were added */
	char name[24];          /* the FIB's, to build a new one beside it */
	int socket;
	bool fib_alt;           /* the FIB has the second name: name + "~" */
};

/** Create the FIB on `socket`; returns 0 or -errno (rte_errno set). */
int route6_table_init(struct route6_table *rt, const char *name, int socket);

/** Free the FIB. Safe on a zeroed or half-initialised table, and twice. */
void route6_table_free(struct route6_table *rt);

/**
 * Add a route via gw (NULL: on-link); next hops with the same (gw, port)
 * share one index. Host bits of prefix are ignored. Main lcore, before
 * workers look up. Returns 0, -EINVAL for a length over 128, -EEXIST for
 * a duplicate prefix, -ENOSPC when routes, next hops or FIB memory run out.
 */
int route6_add(struct route6_table *rt, const uint8_t prefix[16], uint8_t prefix_len,
	       enum route_type type, const uint8_t *gw, uint16_t port, uint16_t iface);

/**
 * Remove a route (its next hop index stays allocated). Rebuilds the FIB,
 * so like route6_add() only while no lcore looks up. Returns 0, -EINVAL,
 * -ENOENT, or -ENOMEM/-ENOSPC with the table unchanged.
 */
int route6_del(struct route6_table *rt, const uint8_t prefix[16], uint8_t prefix_len);

/** Look up n destinations; nh[i] is ROUTE6_NH_NONE on a miss. Any lcore. */
void route6_lookup_bulk(const struct route6_table *rt, const uint8_t (*dst)[16],
			uint64_t *nh, unsigned int n);

/** Single lookup, for the control lcore. */
uint16_t route6_lookup(const struct route6_table *rt, const uint8_t dst[16]);

#endif /* ESPGW_ROUTE6_H */
