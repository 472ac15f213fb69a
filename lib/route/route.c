/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4 routing table over rte_fib. Writes happen only while the gateway is
 * being built; lookups come from every lcore afterwards.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_fib.h>

#include "route.h"

/* The FIB under rt's name, or under its second name (for a rebuild). */
static struct rte_fib *fib_create(const struct route_table *rt, bool alt)
{
	char name[sizeof(rt->name) + 1];
	struct rte_fib_conf fc = {
		.type = RTE_FIB_DIR24_8,
		.default_nh = ROUTE_NH_NONE,
		.max_routes = ROUTE_MAX,
		.dir24_8 = {
			/* 2-byte next hops: up to 32767 indices, 32 MiB tbl24 */
			.nh_sz = RTE_FIB_DIR24_8_2B,
			.num_tbl8 = 1 << 10,
		},
	};

	snprintf(name, sizeof(name), "%s%s", rt->name, alt ? "~" : "");
	return rte_fib_create(name, rt->socket, &fc);
}

int route_table_init(struct route_table *rt, const char *name, int socket)
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

void route_table_free(struct route_table *rt)
{
	if (rt->fib != NULL)
		rte_fib_free(rt->fib);
	rt->fib = NULL;
}

static int nh_index(struct route_table *rt, uint32_t gw, uint16_t port,
		    uint16_t iface)
{
	unsigned int i;

	for (i = 1; i < rt->n_nh; i++)
		if (rt->nh[i].gw == gw && rt->nh[i].port == port)
			return (int)i;
	if (rt->n_nh == ROUTE_NH_MAX)
		return -ENOSPC;
	rt->nh[rt->n_nh] = (struct route_nh){ .gw = gw, .port = port, .iface = iface };
	return (int)rt->n_nh++;
}

static uint32_t depth_mask(uint8_t len)
{
	return len == 0 ? 0 : UINT32_MAX << (32 - len);
}

/* Is r strictly inside prefix/len? */
static bool inside(const struct route_entry *r, uint32_t prefix, uint8_t len)
{
	return r->prefix_len > len && ((r->prefix ^ prefix) & depth_mask(len)) == 0;
}

/*
 * DPDK 22.11 rte_fib (dir24_8.c, modify_fib) rewrites the whole table when
 * the prefix being added ends at 255.255.255.255 and routes inside it reach
 * that end: its left edge wraps to 0 past them, and install_to_fib(0, 0)
 * means "everything" (as for 0/0). Deleting and re-adding the routes inside
 * is no way round it: rte_fib_delete() leaks tbl8 groups when a route has
 * its parent's next hop. So such a prefix gets a new FIB, filled shortest
 * prefix first so that no add ever has a route inside it, in place of the
 * old one (no lcore looks up while the table is being built).
 */
static int fib_rebuild(struct route_table *rt, uint32_t prefix, uint8_t len,
		       uint64_t nh)
{
	struct rte_fib *fib = fib_create(rt, !rt->fib_alt);
	unsigned int d, i;
	int rc = 0;

	if (fib == NULL)
		return -rte_errno;
	for (d = 0; d <= 32 && rc == 0; d++) {
		if (d == len)
			rc = rte_fib_add(fib, prefix, len, nh);
		for (i = 0; i < rt->n_routes && rc == 0; i++)
			if (rt->routes[i].prefix_len == d)
				rc = rte_fib_add(fib, rt->routes[i].prefix, (uint8_t)d,
						 rt->routes[i].nh);
	}
	if (rc < 0) {
		rte_fib_free(fib);
		return rc;
	}
	rte_fib_free(rt->fib);
	rt->fib = fib;
	rt->fib_alt = !rt->fib_alt;
	return 0;
}

static bool has_inside(const struct route_table *rt, uint32_t prefix, uint8_t len)
{
	unsigned int i;

	for (i = 0; i < rt->n_routes; i++)
		if (inside(&rt->routes[i], prefix, len))
			return true;
	return false;
}

int route_add(struct route_table *rt, uint32_t prefix, uint8_t prefix_len,
	      enum route_type type, uint32_t gw, uint16_t port, uint16_t iface)
{
	unsigned int i;
	int nh, rc;

	if (prefix_len > 32)
		return -EINVAL;
	/* rte_fib ignores host bits; so must the duplicate check and listing */
	prefix &= depth_mask(prefix_len);
	for (i = 0; i < rt->n_routes; i++)
		if (rt->routes[i].prefix == prefix &&
		    rt->routes[i].prefix_len == prefix_len)
			return -EEXIST;
	if (rt->n_routes == ROUTE_MAX)
		return -ENOSPC;
	nh = nh_index(rt, gw, port, iface);
	if (nh < 0)
		return nh;
	if ((prefix | ~depth_mask(prefix_len)) == UINT32_MAX &&
	    has_inside(rt, prefix, prefix_len))
		rc = fib_rebuild(rt, prefix, prefix_len, (uint64_t)nh);
	else
		rc = rte_fib_add(rt->fib, prefix, prefix_len, (uint64_t)nh);
	if (rc < 0)
		return rc;
	rt->routes[rt->n_routes++] = (struct route_entry){
		.prefix = prefix, .prefix_len = prefix_len,
		.type = (uint8_t)type, .nh = (uint16_t)nh,
	};
	return 0;
}

void route_lookup_bulk(const struct route_table *rt, const uint32_t *dst,
		       uint64_t *nh, unsigned int n)
{
	/* rte_fib_lookup_bulk takes non-const ips but only reads them */
	rte_fib_lookup_bulk(rt->fib, (uint32_t *)(uintptr_t)dst, nh, (int)n);
}

uint16_t route_lookup(const struct route_table *rt, uint32_t dst)
{
	uint64_t nh = ROUTE_NH_NONE;

	route_lookup_bulk(rt, &dst, &nh, 1);
	return (uint16_t)nh;
}
