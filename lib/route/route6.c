/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv6 routing table over rte_fib6 (TRIE). Writes happen only while the
 * gateway is being built; lookups come from every lcore afterwards.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_fib6.h>

#include "route6.h"

/* The FIB under rt's name, or under its second name (for a rebuild). */
static struct rte_fib6 *fib_create(const struct route6_table *rt, bool alt)
{
	char name[sizeof(rt->name) + 1];
	struct rte_fib6_conf fc = {
		.type = RTE_FIB6_TRIE,
		.default_nh = ROUTE6_NH_NONE,
		.max_routes = ROUTE6_MAX,
		.trie = {
			/* 2-byte next hops: up to 32767 indices, 32 MiB tbl24 */
			.nh_sz = RTE_FIB6_TRIE_2B,
			.num_tbl8 = ROUTE6_TBL8,
		},
	};

	snprintf(name, sizeof(name), "%s%s", rt->name, alt ? "~" : "");
	return rte_fib6_create(name, rt->socket, &fc);
}

int route6_table_init(struct route6_table *rt, const char *name, int socket)
{
	memset(rt, 0, sizeof(*rt));
	rt->n_nh = 1; /* index 0 is "no route" */
	snprintf(rt->name, sizeof(rt->name), "%s", name);
	rt->socket = socket;
	rt->fib = fib_create(rt, false);
	if (rt->fib == NULL)
		return -rte_errno;
	return 0;
}

void route6_table_free(struct route6_table *rt)
{
	if (rt->fib != NULL)
		rte_fib6_free(rt->fib);
	rt->fib = NULL;
}

static int nh_index(struct route6_table *rt, const uint8_t *gw, uint16_t port,
		    uint16_t iface)
{
	struct route6_nh h = { .port = port, .iface = iface, .has_gw = gw != NULL };
	unsigned int i;

	if (gw != NULL)
		memcpy(h.gw, gw, sizeof(h.gw));
	for (i = 1; i < rt->n_nh; i++)
		if (rt->nh[i].has_gw == h.has_gw && rt->nh[i].port == port &&
		    memcmp(rt->nh[i].gw, h.gw, sizeof(h.gw)) == 0)
			return (int)i;
	if (rt->n_nh == ROUTE6_NH_MAX)
		return -ENOSPC;
	rt->nh[rt->n_nh] = h;
	return (int)rt->n_nh++;
}

/* a with the bits past len cleared */
static void mask_prefix(uint8_t out[16], const uint8_t a[16], uint8_t len)
{
	unsigned int i;

	for (i = 0; i < 16; i++) {
		unsigned int bits = len > 8 * i ? len - 8 * i : 0;

		out[i] = bits >= 8 ? a[i] : (uint8_t)(a[i] & (0xff00 >> bits));
	}
}

/* Do a and b agree on their first len bits? */
static bool same_bits(const uint8_t a[16], const uint8_t b[16], uint8_t len)
{
	uint8_t ma[16], mb[16];

	mask_prefix(ma, a, len);
	mask_prefix(mb, b, len);
	return memcmp(ma, mb, 16) == 0;
}

/* Does prefix/len end at ffff:...:ffff, i.e. are its host bits the last
 * addresses of the space? */
static bool reaches_top(const uint8_t prefix[16], uint8_t len)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		if (!(prefix[i / 8] & (0x80 >> (i % 8))))
			return false;
	return true;
}

static int find_route(const struct route6_table *rt, const uint8_t prefix[16],
		      uint8_t len)
{
	unsigned int i;

	for (i = 0; i < rt->n_routes; i++)
		if (rt->routes[i].prefix_len == len &&
		    memcmp(rt->routes[i].prefix, prefix, 16) == 0)
			return (int)i;
	return -1;
}

static bool has_inside(const struct route6_table *rt, const uint8_t prefix[16],
		       uint8_t len)
{
	unsigned int i;

	for (i = 0; i < rt->n_routes; i++)
		if (rt->routes[i].prefix_len > len &&
		    same_bits(rt->routes[i].prefix, prefix, len))
			return true;
	return false;
}

/*
 * DPDK 22.11 rte_fib6 (trie.c, modify_dp) has the IPv4 FIB's bug (see
 * route.c): when the prefix being added (or deleted, which rewrites it with
 * its parent's next hop) ends at ffff:...:ffff and routes inside it tile
 * that end, its left edge wraps to :: past them and install_to_dp(::, ::)
 * rewrites the whole table. E.g. 8000::/2, c000::/2, then 8000::/1 sends
 * every address, 1000:: included, to the /1; ::/1, 8000::/1, then ::/0
 * sends everything to the default route. And rte_fib6_delete() never gives
 * back the tbl8 groups a route took: in a FIB of 64 groups, adding and
 * deleting one /128 (13 groups) fails with -ENOSPC on the fifth add, with
 * or without a covering route. (Both seen on 22.11.11; test_route6.c's
 * random check fails on each without this.) So such an add, and every
 * delete, builds a new FIB, shortest prefix first so that no add ever has
 * a route inside it, in place of the old one (no lcore looks up while the
 * table is being built). `skip` is a route to leave out, or -1;
 * `len` > 128 adds no extra route.
 */
static int fib_rebuild(struct route6_table *rt, int skip, const uint8_t prefix[16],
		       unsigned int len, uint64_t nh)
{
	struct rte_fib6 *fib = fib_create(rt, !rt->fib_alt);
	unsigned int d, i;
	int rc = 0;

	if (fib == NULL)
		return -rte_errno;
	for (d = 0; d <= 128 && rc == 0; d++) {
		if (d == len)
			rc = rte_fib6_add(fib, prefix, (uint8_t)d, nh);
		for (i = 0; i < rt->n_routes && rc == 0; i++)
			if (rt->routes[i].prefix_len == d && (int)i != skip)
				rc = rte_fib6_add(fib, rt->routes[i].prefix, (uint8_t)d,
						  rt->routes[i].nh);
	}
	if (rc < 0) {
		rte_fib6_free(fib);
		return rc;
	}
	rte_fib6_free(rt->fib);
	rt->fib = fib;
	rt->fib_alt = !rt->fib_alt;
	return 0;
}

int route6_add(struct route6_table *rt, const uint8_t prefix[16], uint8_t prefix_len,
	       enum route_type type, const uint8_t *gw, uint16_t port, uint16_t iface)
{
	struct route6_entry *r;
	uint8_t p[16];
	int nh, rc;

	if (prefix_len > 128)
		return -EINVAL;
	/* rte_fib6 ignores host bits; so must the duplicate check and listing */
	mask_prefix(p, prefix, prefix_len);
	if (find_route(rt, p, prefix_len) >= 0)
		return -EEXIST;
	if (rt->n_routes == ROUTE6_MAX)
		return -ENOSPC;
	nh = nh_index(rt, gw, port, iface);
	if (nh < 0)
		return nh;
	if (reaches_top(p, prefix_len) && has_inside(rt, p, prefix_len))
		rc = fib_rebuild(rt, -1, p, prefix_len, (uint64_t)nh);
	else
		rc = rte_fib6_add(rt->fib, p, prefix_len, (uint64_t)nh);
	if (rc < 0)
		return rc;
	r = &rt->routes[rt->n_routes++];
	memcpy(r->prefix, p, sizeof(r->prefix));
	r->prefix_len = prefix_len;
	r->type = (uint8_t)type;
	r->nh = (uint16_t)nh;
	return 0;
}

int route6_del(struct route6_table *rt, const uint8_t prefix[16], uint8_t prefix_len)
{
	uint8_t p[16];
	int i, rc;

	if (prefix_len > 128)
		return -EINVAL;
	mask_prefix(p, prefix, prefix_len);
	i = find_route(rt, p, prefix_len);
	if (i < 0)
		return -ENOENT;
	rc = fib_rebuild(rt, i, p, 129, ROUTE6_NH_NONE);
	if (rc < 0)
		return rc;
	/* keep the listing in the order routes came */
	memmove(&rt->routes[i], &rt->routes[i + 1],
		sizeof(rt->routes[0]) * (rt->n_routes - (unsigned int)i - 1));
	rt->n_routes--;
	return 0;
}

void route6_lookup_bulk(const struct route6_table *rt, const uint8_t (*dst)[16],
			uint64_t *nh, unsigned int n)
{
	/* rte_fib6_lookup_bulk takes non-const ips but only reads them */
	rte_fib6_lookup_bulk(rt->fib, (uint8_t (*)[16])(uintptr_t)dst, nh, (int)n);
}

uint16_t route6_lookup(const struct route6_table *rt, const uint8_t dst[16])
{
	uint64_t nh = ROUTE6_NH_NONE;

	route6_lookup_bulk(rt, (const uint8_t (*)[16])dst, &nh, 1);
	return (uint16_t)nh;
}
