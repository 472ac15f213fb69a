/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4 routing table over rte_fib. Writes happen only while the gateway is
 * being built; lookups come from every lcore afterwards.
 */
#include <errno.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_fib.h>

#include "route.h"

int route_table_init(struct route_table *rt, const char *name, int socket)
{
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

	memset(rt, 0, sizeof(*rt));
	rt->n_nh = 1; /* index 0 is "no route" */
	rt->fib = rte_fib_create(name, socket, &fc);
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

int route_add(struct route_table *rt, uint32_t prefix, uint8_t prefix_len,
	      enum route_type type, uint32_t gw, uint16_t port, uint16_t iface)
{
	unsigned int i;
	int nh, rc;

	for (i = 0; i < rt->n_routes; i++)
		if (rt->routes[i].prefix == prefix &&
		    rt->routes[i].prefix_len == prefix_len)
			return -EEXIST;
	if (rt->n_routes == ROUTE_MAX)
		return -ENOSPC;
	nh = nh_index(rt, gw, port, iface);
	if (nh < 0)
		return nh;
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
