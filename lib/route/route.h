/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4 routing table: rte_fib (DIR-24-8) maps a destination to a next-hop
 * index; the next-hop array says which port and which neighbour address.
 * Built by the main lcore before workers start and read-only afterwards, so
 * workers and the control lcore look up without any synchronisation.
 */
#ifndef ESPGW_ROUTE_H
#define ESPGW_ROUTE_H

#include <stdbool.h>
#include <stdint.h>

struct rte_fib;

enum {
	ROUTE_NH_NONE = 0,      /* FIB default: no route */
	ROUTE_NH_MAX = 4096,
	ROUTE_MAX = 8192,
};

enum route_type {
	ROUTE_CONNECTED = 1,    /* subnet of one of our interfaces */
	ROUTE_STATIC = 2,       /* from the configuration, via a next hop */
};

/* Where a next hop leads. gw == 0: on-link, the packet's own destination
 * is the neighbour to resolve. */
struct route_nh {
	uint32_t gw;
	uint16_t port;
	uint16_t iface;
};

/* One configured route, kept for listing (telemetry). */
struct route_entry {
	uint32_t prefix;
	uint8_t prefix_len;
	uint8_t type;           /* enum route_type */
	uint16_t nh;            /* index into route_table.nh */
};

struct route_table {
	struct rte_fib *fib;
	struct route_nh nh[ROUTE_NH_MAX];
	unsigned int n_nh;      /* nh[0] is ROUTE_NH_NONE, unused */
	struct route_entry routes[ROUTE_MAX];
	unsigned int n_routes;
	char name[24];          /* the FIB's, to build a new one beside it */
	int socket;
	bool fib_alt;           /* the FIB has the second name: name + "~" */
};

/** Create the FIB on `socket`; returns 0 or -errno (rte_errno set). */
int route_table_init(struct route_table *rt, const char *name, int socket);

/** Free the FIB. Safe on a zeroed or half-initialised table. */
void route_table_free(struct route_table *rt);

/**
 * Add a route; next hops with the same (gw, port) share one index.
 * Returns 0, -EEXIST for a duplicate prefix, -ENOSPC when full.
 */
int route_add(struct route_table *rt, uint32_t prefix, uint8_t prefix_len,
	      enum route_type type, uint32_t gw, uint16_t port, uint16_t iface);

/** Look up n destinations (host order); nh[i] is ROUTE_NH_NONE on a miss. */
void route_lookup_bulk(const struct route_table *rt, const uint32_t *dst,
		       uint64_t *nh, unsigned int n);

/** Single lookup, for the control lcore. */
uint16_t route_lookup(const struct route_table *rt, uint32_t dst);

#endif /* ESPGW_ROUTE_H */
