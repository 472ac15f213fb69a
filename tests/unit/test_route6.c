/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for IPv6 in lib/route:
 *  - route6: fixed cases over every prefix-length class (/0, /1, /24, /64,
 *    /127, /128, ffff:...:ffff/128), connected vs static, longest match,
 *    delete; the DPDK 22.11 rte_fib6 edge cases route6.c works around; then
 *    a seeded random check of route6_lookup_bulk() (and route6_lookup())
 *    against a naive linear longest-prefix match, with deletes mixed in;
 *  - neigh IPv6: static, resolve/hold/confirm, ND (RFC 4861) updates, NS
 *    retransmission and probing on a fake clock, with and without
 *    ops->solicit6, bulk lookup, IPv4 and IPv6 side by side, and RCU-safe
 *    reuse of slots (one reader, thread id 0, driven by hand);
 *  - nd: NS/NA built byte for byte as scapy builds them, and RFC 4861 §7.1
 *    validation of received ones (one scapy frame per rule broken).
 * Every test that touches mbufs checks the pool is as full afterwards.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_rcu_qsbr.h>

#include "lib/route/nd.h"
#include "lib/route/neigh.h"
#include "lib/route/route6.h"
#include "test_eal.h"

static struct rte_mempool *pool;

/* ---- helpers -------------------------------------------------------------- */

/* An address from up to eight 16-bit groups, the rest zero: IP6(0x2001, 0xdb8). */
struct a6 {
	uint8_t b[16];
};

static struct a6 ip6_of(const uint16_t *g, unsigned int n)
{
	struct a6 a = { { 0 } };
	unsigned int i;

	for (i = 0; i < n && i < 8; i++) {
		a.b[2 * i] = (uint8_t)(g[i] >> 8);
		a.b[2 * i + 1] = (uint8_t)g[i];
	}
	return a;
}

#define IP6(...) ip6_of((const uint16_t[]){ __VA_ARGS__ }, \
			sizeof((const uint16_t[]){ __VA_ARGS__ }) / sizeof(uint16_t)).b

static const uint8_t ALL1[16] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};
static const uint8_t ZERO[16];

static const uint8_t MAC_PEER[6] = { 0x02, 0, 0, 0, 0, 0xaa };
static const uint8_t MAC_PEER2[6] = { 0x02, 0, 0, 0, 0, 0xbb };
static const uint8_t MAC_X[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };

/* A small packet whose first 4 bytes say which one it is. */
static struct rte_mbuf *tagged(uint32_t tag)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint32_t *d;

	assert_non_null(m);
	d = (uint32_t *)rte_pktmbuf_append(m, sizeof(*d));
	assert_non_null(d);
	*d = tag;
	return m;
}

static uint32_t tag_of(const struct rte_mbuf *m)
{
	return *rte_pktmbuf_mtod(m, const uint32_t *);
}

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* splitmix64 */
	uint64_t z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static uint32_t rnd_below(uint32_t n) { return (uint32_t)(rnd() % n); }

static void rnd_addr(uint8_t a[16])
{
	uint64_t x = rnd(), y = rnd();

	memcpy(a, &x, 8);
	memcpy(a + 8, &y, 8);
}

static void mask6(uint8_t a[16], unsigned int len)
{
	unsigned int i;

	for (i = 0; i < 16; i++) {
		unsigned int bits = len > 8 * i ? len - 8 * i : 0;

		if (bits < 8)
			a[i] &= (uint8_t)(0xff00 >> bits);
	}
}

static bool match6(const uint8_t a[16], const uint8_t p[16], unsigned int len)
{
	uint8_t x[16];

	memcpy(x, a, 16);
	mask6(x, len);
	return memcmp(x, p, 16) == 0;
}

/* a + d (d = +1 or -1), wrapping */
static void step6(uint8_t a[16], int d)
{
	int i;

	for (i = 15; i >= 0; i--) {
		a[i] = (uint8_t)(a[i] + d);
		if (a[i] != (d > 0 ? 0x00 : 0xff))
			break;
	}
}

static const char *str6(const uint8_t a[16], char *buf)
{
	unsigned int i;

	for (i = 0; i < 8; i++)
		sprintf(buf + 5 * i, "%02x%02x%s", a[2 * i], a[2 * i + 1], i < 7 ? ":" : "");
	return buf;
}

/* ---- route6: fixed cases --------------------------------------------------- */

static struct route6_table *rt_new(const char *name)
{
	struct route6_table *rt = calloc(1, sizeof(*rt));

	assert_non_null(rt);
	assert_int_equal(route6_table_init(rt, name, SOCKET_ID_ANY), 0);
	return rt;
}

static void rt_del(struct route6_table *rt)
{
	route6_table_free(rt);
	route6_table_free(rt); /* idempotent */
	free(rt);
}

/* gateway (all zeros when on-link) and port dst resolves to; false on a miss */
static bool via(const struct route6_table *rt, const uint8_t dst[16], uint8_t gw[16],
		uint16_t *port)
{
	uint16_t nh = route6_lookup(rt, dst);

	if (nh == ROUTE6_NH_NONE)
		return false;
	assert_true(nh < rt->n_nh);
	assert_int_equal(rt->nh[nh].has_gw, memcmp(rt->nh[nh].gw, ZERO, 16) != 0);
	memcpy(gw, rt->nh[nh].gw, 16);
	*port = rt->nh[nh].port;
	return true;
}

#define ASSERT_VIA(rt, dst, want_gw, want_port) do {                       \
		uint8_t gw_[16];                                             \
		uint16_t port_ = 0xffff;                                     \
		assert_true(via(rt, dst, gw_, &port_));                      \
		assert_memory_equal(gw_, (want_gw), 16);                     \
		assert_int_equal(port_, (want_port));                        \
	} while (0)

#define ASSERT_MISS(rt, dst) \
	assert_int_equal(route6_lookup(rt, dst), ROUTE6_NH_NONE)

static void test_route6_table(void **state)
{
	struct route6_table *rt = rt_new("rt6_fixed");
	uint8_t g1[16], g2[16], g3[16], g4[16], a[16];

	(void)state;
	memcpy(g1, IP6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1), 16);
	memcpy(g2, IP6(0x2001, 0xdb8, 1, 0, 0, 0, 0, 1), 16);
	memcpy(g3, IP6(0xfe80, 0, 0, 0, 0, 0, 0, 0x99), 16);
	memcpy(g4, IP6(0x2001, 0xdb8, 1, 0, 0, 0, 0, 2), 16);
	assert_int_equal(rt->n_nh, 1);
	assert_int_equal(rt->n_routes, 0);
	ASSERT_MISS(rt, IP6(0x2001, 0xdb8));
	ASSERT_MISS(rt, ZERO);
	ASSERT_MISS(rt, ALL1);

	/* connected /64s: on-link */
	assert_int_equal(route6_add(rt, IP6(0x2001, 0xdb8, 0, 0), 64, ROUTE_CONNECTED,
				    NULL, 0, 0), 0);
	assert_int_equal(route6_add(rt, IP6(0x2001, 0xdb8, 1, 0), 64, ROUTE_CONNECTED,
				    NULL, 1, 1), 0);
	/* statics of every length class: /16 /24 (tbl24 only) /48 /127 /128 */
	assert_int_equal(route6_add(rt, IP6(0x2001), 16, ROUTE_STATIC, g1, 0, 0), 0);
	assert_int_equal(route6_add(rt, IP6(0x2001, 0x0d00), 24, ROUTE_STATIC, g2, 1, 1), 0);
	assert_int_equal(route6_add(rt, IP6(0x2001, 0xdb8, 0x100), 48, ROUTE_STATIC,
				    g2, 1, 1), 0);
	assert_int_equal(route6_add(rt, IP6(0x2001, 0xdb8, 0x100, 0, 0, 0, 0, 0x10), 127,
				    ROUTE_STATIC, g4, 1, 1), 0);
	assert_int_equal(route6_add(rt, IP6(0x2001, 0xdb8, 0x100, 0, 0, 0, 0, 0x11), 128,
				    ROUTE_STATIC, g1, 0, 0), 0);
	/* a static route on-link is not a connected one */
	assert_int_equal(route6_add(rt, IP6(0x2001, 0xdb8, 2, 0), 64, ROUTE_STATIC,
				    NULL, 1, 1), 0);
	assert_int_equal(rt->n_routes, 8);

	/* longest match at the edges of each */
	ASSERT_VIA(rt, IP6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1), ZERO, 0);
	ASSERT_VIA(rt, IP6(0x2001, 0xdb8, 0, 0, 0xffff, 0xffff, 0xffff, 0xffff), ZERO, 0);
	ASSERT_VIA(rt, IP6(0x2001, 0xdb8, 1, 0, 0, 0, 0, 5), ZERO, 1);
	ASSERT_VIA(rt, IP6(0x2001, 0xdb8, 2, 0, 0, 0, 0, 5), ZERO, 1);
	ASSERT_VIA(rt, IP6(0x2001, 0xdb8, 3), g2, 1);          /* the /24 */
	ASSERT_VIA(rt, IP6(0x2001, 0x0dff, 0xffff), g2, 1);
	ASSERT_VIA(rt, IP6(0x2001, 0x0e00), g1, 0);            /* the /16 */
	ASSERT_VIA(rt, IP6(0x2001, 0x0cff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff),
		   g1, 0);
	ASSERT_VIA(rt, IP6(0x2001, 0xdb8, 0x100, 0, 0, 0, 0, 0x0f), g2, 1);
	ASSERT_VIA(rt, IP6(0x2001, 0xdb8, 0x100, 0, 0, 0, 0, 0x10), g4, 1);  /* /127 */
	ASSERT_VIA(rt, IP6(0x2001, 0xdb8, 0x100, 0, 0, 0, 0, 0x11), g1, 0);  /* /128 */
	ASSERT_VIA(rt, IP6(0x2001, 0xdb8, 0x100, 0, 0, 0, 0, 0x12), g2, 1);
	ASSERT_VIA(rt, IP6(0x2001, 0xdb8, 0x100, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff),
		   g2, 1);
	ASSERT_MISS(rt, IP6(0x2002));
	ASSERT_MISS(rt, IP6(0x2000, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff));
	ASSERT_MISS(rt, ZERO);
	ASSERT_MISS(rt, ALL1);

	/* duplicates, also spelled with host bits set; bad length */
	assert_int_equal(route6_add(rt, IP6(0x2001, 0xdb8, 0, 0), 64, ROUTE_STATIC, g1, 0, 0),
			 -EEXIST);
	assert_int_equal(route6_add(rt, IP6(0x2001, 0xdb8, 0, 0, 1, 2, 3, 4), 64,
				    ROUTE_CONNECTED, NULL, 0, 0), -EEXIST);
	assert_int_equal(route6_add(rt, IP6(0x2001, 0xdb8, 0x100, 0, 0, 0, 0, 0x11), 127,
				    ROUTE_STATIC, g3, 0, 0), -EEXIST);
	assert_int_equal(route6_add(rt, IP6(0x2001), 129, ROUTE_STATIC, g1, 0, 0), -EINVAL);
	assert_int_equal(rt->n_routes, 8);
	ASSERT_VIA(rt, IP6(0x2001, 0xdb8, 0x100, 0, 0, 0, 0, 0x10), g4, 1);

	/* the top of the space: ffff:...:ffff/128 and a /127 under it */
	assert_int_equal(route6_add(rt, ALL1, 128, ROUTE_STATIC, g3, 2, 2), 0);
	ASSERT_VIA(rt, ALL1, g3, 2);
	memcpy(a, ALL1, 16);
	a[15] = 0xfe;
	ASSERT_MISS(rt, a);
	assert_int_equal(route6_add(rt, a, 127, ROUTE_STATIC, g1, 0, 0), 0);
	ASSERT_VIA(rt, a, g1, 0);
	ASSERT_VIA(rt, ALL1, g3, 2);
	a[15] = 0xfd;
	ASSERT_MISS(rt, a);

	/* default route; more specific ones still win */
	assert_int_equal(route6_add(rt, ZERO, 0, ROUTE_STATIC, g3, 2, 2), 0);
	assert_int_equal(route6_add(rt, IP6(0x1234), 0, ROUTE_STATIC, g3, 2, 2), -EEXIST);
	ASSERT_VIA(rt, ZERO, g3, 2);
	ASSERT_VIA(rt, a, g3, 2);
	ASSERT_VIA(rt, IP6(0x2002), g3, 2);
	ASSERT_VIA(rt, ALL1, g3, 2);
	a[15] = 0xfe;
	ASSERT_VIA(rt, a, g1, 0);
	ASSERT_VIA(rt, IP6(0x2001, 0xdb8, 0x100, 0, 0, 0, 0, 0x11), g1, 0);
	ASSERT_VIA(rt, IP6(0x2001, 0xdb8, 1, 0, 0, 0, 0, 5), ZERO, 1);

	/* the listing and shared next hops: (on-link,0) (on-link,1) (g1,0)
	 * (g2,1) (g4,1) (g3,2) + slot 0 */
	assert_int_equal(rt->n_routes, 11);
	assert_int_equal(rt->n_nh, 7);
	assert_memory_equal(rt->routes[0].prefix, IP6(0x2001, 0xdb8), 16);
	assert_int_equal(rt->routes[0].prefix_len, 64);
	assert_int_equal(rt->routes[0].type, ROUTE_CONNECTED);
	assert_int_equal(rt->routes[7].type, ROUTE_STATIC);
	assert_int_equal(rt->routes[7].nh, rt->routes[1].nh); /* on-link, port 1 */
	assert_int_equal(rt->routes[3].nh, rt->routes[4].nh); /* g2, port 1 */
	assert_int_equal(rt->routes[2].nh, rt->routes[6].nh); /* g1, port 0 */
	assert_int_not_equal(rt->routes[0].nh, rt->routes[1].nh);
	assert_int_equal(rt->routes[8].nh, rt->routes[10].nh);
	assert_int_equal(rt->routes[10].prefix_len, 0);
	assert_memory_equal(rt->routes[10].prefix, ZERO, 16);
	assert_false(rt->nh[rt->routes[1].nh].has_gw);
	assert_int_equal(rt->nh[rt->routes[1].nh].iface, 1);
	assert_true(rt->nh[rt->routes[2].nh].has_gw);
	assert_memory_equal(rt->nh[rt->routes[2].nh].gw, g1, 16);
	/* same gateway, other port: another next hop */
	assert_int_equal(route6_add(rt, IP6(0x3000), 8, ROUTE_STATIC, g1, 2, 2), 0);
	assert_int_equal(rt->n_nh, 8);

	/* delete: the /128 falls back to the /127, the /48 to the /24 */
	assert_int_equal(route6_del(rt, IP6(0x2001, 0xdb8, 0x100, 0, 0, 0, 0, 0x11), 128), 0);
	assert_int_equal(route6_del(rt, IP6(0x2001, 0xdb8, 0x100, 0, 0, 0, 0, 0x11), 128),
			 -ENOENT);
	assert_int_equal(route6_del(rt, IP6(0x2001), 129), -EINVAL);
	ASSERT_VIA(rt, IP6(0x2001, 0xdb8, 0x100, 0, 0, 0, 0, 0x11), g4, 1);
	assert_int_equal(route6_del(rt, IP6(0x2001, 0xdb8, 0x100, 0, 0, 0, 0, 0x10), 127), 0);
	ASSERT_VIA(rt, IP6(0x2001, 0xdb8, 0x100, 0, 0, 0, 0, 0x11), g2, 1);
	/* with host bits: deletes the /48 */
	assert_int_equal(route6_del(rt, IP6(0x2001, 0xdb8, 0x100, 7), 48), 0);
	ASSERT_VIA(rt, IP6(0x2001, 0xdb8, 0x100, 0, 0, 0, 0, 0x11), g2, 1); /* /24, g2 too */
	assert_int_equal(route6_del(rt, IP6(0x2001, 0x0d00), 24), 0);
	ASSERT_VIA(rt, IP6(0x2001, 0xdb8, 0x100, 0, 0, 0, 0, 0x11), g1, 0); /* /16 */
	ASSERT_VIA(rt, IP6(0x2001, 0xdb8, 1, 0, 0, 0, 0, 5), ZERO, 1);    /* untouched */
	/* the default goes: misses again, the rest stays */
	assert_int_equal(route6_del(rt, ZERO, 0), 0);
	ASSERT_MISS(rt, IP6(0x2002));
	ASSERT_MISS(rt, ZERO);
	ASSERT_VIA(rt, ALL1, g3, 2);
	/* the listing closed up, in order */
	assert_int_equal(rt->n_routes, 7);
	assert_int_equal(rt->routes[2].prefix_len, 16);
	assert_int_equal(rt->routes[3].prefix_len, 64);
	assert_memory_equal(rt->routes[3].prefix, IP6(0x2001, 0xdb8, 2), 16);
	assert_int_equal(rt->routes[6].prefix_len, 8);
	/* and it can come back */
	assert_int_equal(route6_add(rt, IP6(0x2001, 0xdb8, 0x100), 48, ROUTE_STATIC,
				    g4, 1, 1), 0);
	ASSERT_VIA(rt, IP6(0x2001, 0xdb8, 0x100, 0, 0, 0, 0, 0x11), g4, 1);

	/* bulk agrees with single lookups */
	{
		uint8_t dst[6][16];
		uint64_t nh[6];
		unsigned int i;

		memcpy(dst[0], IP6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1), 16);
		memcpy(dst[1], IP6(0x2001, 0xdb8, 0x100, 0, 0, 0, 0, 0x11), 16);
		memcpy(dst[2], ALL1, 16);
		memcpy(dst[3], ZERO, 16);
		memcpy(dst[4], IP6(0x3000, 1), 16);
		memcpy(dst[5], IP6(0x2001, 0xdb8, 2, 0, 0, 0, 0, 9), 16);
		memset(nh, 0xff, sizeof(nh));
		route6_lookup_bulk(rt, (const uint8_t (*)[16])dst, nh, RTE_DIM(dst));
		for (i = 0; i < RTE_DIM(dst); i++)
			assert_int_equal(nh[i], route6_lookup(rt, dst[i]));
		assert_int_equal(nh[3], ROUTE6_NH_NONE);
		assert_int_not_equal(nh[4], ROUTE6_NH_NONE);
	}
	rt_del(rt);
}

/*
 * What DPDK 22.11's rte_fib6 gets wrong on its own (route6.c works round
 * each): adding a prefix that ends at ffff:...:ffff after routes inside it
 * tile that end rewrites the whole table; deleting one does the same with
 * the parent's next hop; and deletes never give tbl8 groups back.
 */
static void test_route6_fib_edges(void **state)
{
	struct route6_table *rt = rt_new("rt6_edges");
	uint8_t g1[16], g2[16], g3[16], g4[16], g5[16], a[16];
	unsigned int i;

	(void)state;
	memcpy(g1, IP6(0xfe80, 0, 0, 0, 0, 0, 0, 1), 16);
	memcpy(g2, IP6(0xfe80, 0, 0, 0, 0, 0, 0, 2), 16);
	memcpy(g3, IP6(0xfe80, 0, 0, 0, 0, 0, 0, 3), 16);
	memcpy(g4, IP6(0xfe80, 0, 0, 0, 0, 0, 0, 4), 16);
	memcpy(g5, IP6(0xfe80, 0, 0, 0, 0, 0, 0, 5), 16);
	/* 8000::/2 + c000::/2, then the /1 they tile */
	assert_int_equal(route6_add(rt, IP6(0x8000), 2, ROUTE_STATIC, g1, 0, 0), 0);
	assert_int_equal(route6_add(rt, IP6(0xc000), 2, ROUTE_STATIC, g2, 0, 0), 0);
	assert_int_equal(route6_add(rt, IP6(0x8000), 1, ROUTE_STATIC, g3, 0, 0), 0);
	ASSERT_MISS(rt, IP6(0x1000));
	ASSERT_VIA(rt, IP6(0x9000), g1, 0);
	ASSERT_VIA(rt, IP6(0xd000), g2, 0);
	ASSERT_VIA(rt, ALL1, g2, 0);
	/* ::/1 too, then the default: every half has its own */
	assert_int_equal(route6_add(rt, ZERO, 1, ROUTE_STATIC, g4, 0, 0), 0);
	assert_int_equal(route6_add(rt, ZERO, 0, ROUTE_STATIC, g5, 0, 0), 0);
	ASSERT_VIA(rt, IP6(0x1000), g4, 0);
	ASSERT_VIA(rt, IP6(0x9000), g1, 0);
	ASSERT_VIA(rt, ALL1, g2, 0);
	ASSERT_VIA(rt, ZERO, g4, 0);
	/* deleting the tiled /1: its parent's next hop, also tiled, is no hit */
	assert_int_equal(route6_del(rt, IP6(0x8000), 1), 0);
	ASSERT_VIA(rt, IP6(0x1000), g4, 0);
	ASSERT_VIA(rt, IP6(0x9000), g1, 0);
	ASSERT_VIA(rt, IP6(0xd000), g2, 0);
	/* down at /128: ffff..fe/128 + ffff..ff/128, then the /127 and /120 */
	memcpy(a, ALL1, 16);
	a[15] = 0xfe;
	assert_int_equal(route6_add(rt, a, 128, ROUTE_STATIC, g1, 1, 1), 0);
	assert_int_equal(route6_add(rt, ALL1, 128, ROUTE_STATIC, g2, 1, 1), 0);
	assert_int_equal(route6_add(rt, a, 127, ROUTE_STATIC, g3, 1, 1), 0);
	a[15] = 0;
	assert_int_equal(route6_add(rt, a, 120, ROUTE_STATIC, g4, 1, 1), 0);
	ASSERT_VIA(rt, ALL1, g2, 1);
	a[15] = 0xfe;
	ASSERT_VIA(rt, a, g1, 1);
	a[15] = 0xfd;
	ASSERT_VIA(rt, a, g4, 1);
	ASSERT_VIA(rt, IP6(0x1000), g4, 0);
	ASSERT_VIA(rt, IP6(0xfeff), g2, 0);
	assert_int_equal(route6_del(rt, a, 120), 0);
	ASSERT_VIA(rt, a, g2, 0);
	ASSERT_VIA(rt, ALL1, g2, 1);
	ASSERT_VIA(rt, IP6(0x1000), g4, 0);
	rt_del(rt);

	/* Fill the tbl8 groups with /128s under a /32 (each its own path),
	 * then delete one and add another: with rte_fib6_delete() the groups
	 * of the deleted one would never come back and the add would fail. */
	rt = rt_new("rt6_leak");
	assert_int_equal(route6_add(rt, IP6(0x2001, 0xdb8), 32, ROUTE_STATIC, g1, 0, 0), 0);
	for (i = 0;; i++) {
		int rc;

		memcpy(a, IP6(0x2001, 0xdb8, (uint16_t)i, 0, (uint16_t)i, 0, 0, (uint16_t)i), 16);
		rc = route6_add(rt, a, 128, ROUTE_STATIC, g2, 0, 0);
		if (rc == -ENOSPC)
			break;
		assert_int_equal(rc, 0);
		assert_true(i < ROUTE6_TBL8);
	}
	print_message("route6: %u /128s fill %u tbl8 groups\n", i, ROUTE6_TBL8);
	assert_true(i > ROUTE6_TBL8 / 13 - 2);
	assert_int_equal(rt->n_routes, i + 1);
	ASSERT_VIA(rt, a, g1, 0); /* the refused one is not there */
	for (unsigned int k = 0; k < 4; k++) {
		uint8_t d[16];

		memcpy(d, IP6(0x2001, 0xdb8, (uint16_t)k, 0, (uint16_t)k, 0, 0, (uint16_t)k), 16);
		assert_int_equal(route6_del(rt, d, 128), 0);
		ASSERT_VIA(rt, d, g1, 0);
		memcpy(a, IP6(0x2001, 0xdb8, (uint16_t)(i + k), 0, (uint16_t)(i + k), 0, 0,
			      (uint16_t)(i + k)), 16);
		assert_int_equal(route6_add(rt, a, 128, ROUTE_STATIC, g3, 0, 0), 0);
		ASSERT_VIA(rt, a, g3, 0);
		memcpy(d, IP6(0x2001, 0xdb8, (uint16_t)(k + 10), 0, (uint16_t)(k + 10), 0, 0,
			      (uint16_t)(k + 10)), 16);
		ASSERT_VIA(rt, d, g2, 0);
	}
	rt_del(rt);
}

/* ---- route6: random check against a linear reference ---------------------- */

struct ref_route {
	uint8_t prefix[16];     /* host bits zero */
	uint8_t len;
	uint8_t gw[16];         /* zeros: on-link */
	uint16_t port;
};

enum {
	RAND_ADDS = 1500,
	RAND_DELS = 60,
	RAND_LOOKUPS = 20000,
	RAND_BATCH = 64,
};

struct ref_table {
	struct ref_route r[RAND_ADDS + 1];
	unsigned int n;
};

/* The slow obvious way: index of the longest matching route, or -1. */
static int ref_lookup(const struct ref_table *ref, const uint8_t a[16])
{
	int best = -1;
	unsigned int i;

	for (i = 0; i < ref->n; i++)
		if (match6(a, ref->r[i].prefix, ref->r[i].len) &&
		    (best < 0 || ref->r[i].len > ref->r[best].len))
			best = (int)i;
	return best;
}

static int ref_find(const struct ref_table *ref, const uint8_t p[16], uint8_t len)
{
	unsigned int i;

	for (i = 0; i < ref->n; i++)
		if (ref->r[i].len == len && memcmp(ref->r[i].prefix, p, 16) == 0)
			return (int)i;
	return -1;
}

static void rand_dst(const struct ref_table *ref, uint8_t a[16])
{
	const struct ref_route *r;
	uint8_t h[16];
	unsigned int i;

	rnd_addr(a);
	if (ref->n == 0 || rnd_below(10) < 3)
		return;
	r = &ref->r[rnd_below(ref->n)];
	memcpy(h, a, 16);                       /* random host bits */
	memcpy(a, r->prefix, 16);
	for (i = r->len; i < 128; i++)
		if (h[i / 8] & (0x80 >> (i % 8)))
			a[i / 8] |= (uint8_t)(0x80 >> (i % 8));
		else
			a[i / 8] &= (uint8_t)~(0x80 >> (i % 8));
	switch (rnd_below(6)) {
	case 0:                                 /* first address */
		mask6(a, r->len);
		break;
	case 1:                                 /* last address */
		for (i = r->len; i < 128; i++)
			a[i / 8] |= (uint8_t)(0x80 >> (i % 8));
		break;
	case 2:                                 /* just below */
		mask6(a, r->len);
		step6(a, -1);
		break;
	case 3:                                 /* just above */
		for (i = r->len; i < 128; i++)
			a[i / 8] |= (uint8_t)(0x80 >> (i % 8));
		step6(a, 1);
		break;
	default:
		break;
	}
}

static void check_lookups(const struct route6_table *rt, const struct ref_table *ref,
			  unsigned int count)
{
	uint8_t dst[RAND_BATCH][16];
	uint64_t nh[RAND_BATCH];
	unsigned int done, i, n;
	char b1[48], b2[48];

	for (done = 0; done < count; done += n) {
		n = RTE_MIN((unsigned int)RAND_BATCH, count - done);
		n = 1 + rnd_below(n); /* odd batch sizes too */
		for (i = 0; i < n; i++)
			rand_dst(ref, dst[i]);
		memset(nh, 0xa5, sizeof(nh));
		route6_lookup_bulk(rt, (const uint8_t (*)[16])dst, nh, n);
		for (i = 0; i < n; i++) {
			int want = ref_lookup(ref, dst[i]);

			if (nh[i] != route6_lookup(rt, dst[i]))
				fail_msg("%s: bulk nh %u, single nh %u", str6(dst[i], b1),
					 (unsigned int)nh[i], route6_lookup(rt, dst[i]));
			if (want < 0) {
				if (nh[i] != ROUTE6_NH_NONE)
					fail_msg("%s: want no route, got nh %u",
						 str6(dst[i], b1), (unsigned int)nh[i]);
				continue;
			}
			if (nh[i] == ROUTE6_NH_NONE || nh[i] >= rt->n_nh ||
			    memcmp(rt->nh[nh[i]].gw, ref->r[want].gw, 16) != 0 ||
			    rt->nh[nh[i]].port != ref->r[want].port)
				fail_msg("%s: want %s/%u port %u, got nh %u",
					 str6(dst[i], b1), str6(ref->r[want].prefix, b2),
					 ref->r[want].len, ref->r[want].port,
					 (unsigned int)nh[i]);
		}
	}
}

static void test_route6_random(void **state)
{
	struct ref_table *ref = calloc(1, sizeof(*ref));
	struct route6_table *rt = rt_new("rt6_rand");
	uint8_t gws[24][16];
	uint64_t seed = UINT64_C(0x6573706736);
	const char *env = getenv("ROUTE_TEST_SEED");
	unsigned int i, n_dup = 0, n_top = 0, n_del = 0, n_nospc = 0;

	(void)state;
	assert_non_null(ref);
	if (env != NULL)
		seed = strtoull(env, NULL, 0);
	print_message("route6 random check: ROUTE_TEST_SEED=0x%llx\n",
		      (unsigned long long)seed);
	rng_state = seed;
	for (i = 0; i < RTE_DIM(gws); i++)
		rnd_addr(gws[i]);

	for (i = 0; i < RAND_ADDS; i++) {
		const struct ref_route *base = ref->n ? &ref->r[rnd_below(ref->n)] : NULL;
		uint32_t kind = rnd_below(24);
		uint8_t arg[16];
		struct ref_route r;
		int rc, dup;

		memset(&r, 0, sizeof(r));
		if (base == NULL || kind < 5) {         /* fresh, any length */
			r.len = (uint8_t)rnd_below(129);
			rnd_addr(r.prefix);
		} else if (kind < 14) {                 /* nested inside base */
			if (base->len == 128)
				continue;
			r.len = (uint8_t)(base->len + 1 +
					  rnd_below(RTE_MIN(16, 128 - base->len)));
			rnd_addr(r.prefix);
			for (unsigned int b = 0; b < base->len; b++)
				if (base->prefix[b / 8] & (0x80 >> (b % 8)))
					r.prefix[b / 8] |= (uint8_t)(0x80 >> (b % 8));
				else
					r.prefix[b / 8] &= (uint8_t)~(0x80 >> (b % 8));
		} else if (kind < 17) {                 /* covering base */
			if (base->len == 0)
				continue;
			r.len = (uint8_t)rnd_below(base->len);
			memcpy(r.prefix, base->prefix, 16);
		} else if (kind < 19) {                 /* base's sibling */
			if (base->len == 0)
				continue;
			r.len = base->len;
			memcpy(r.prefix, base->prefix, 16);
			r.prefix[(r.len - 1) / 8] ^= (uint8_t)(0x80 >> ((r.len - 1) % 8));
		} else if (kind < 22) {                 /* ends at ffff:...:ffff */
			r.len = (uint8_t)rnd_below(129);
			memcpy(r.prefix, ALL1, 16);
			n_top++;
		} else if (kind < 23) {                 /* starts at :: */
			r.len = (uint8_t)rnd_below(129);
		} else {                                /* same prefix again */
			r = *base;
		}
		mask6(r.prefix, r.len);
		if (rnd_below(6) != 0)
			memcpy(r.gw, gws[rnd_below(RTE_DIM(gws))], 16);
		r.port = (uint16_t)rnd_below(3);
		/* a quarter of the time, hand route6_add host bits to ignore */
		memcpy(arg, r.prefix, 16);
		if (r.len < 128 && rnd_below(4) == 0) {
			uint8_t h[16];

			rnd_addr(h);
			for (unsigned int b = r.len; b < 128; b++)
				if (h[b / 8] & (0x80 >> (b % 8)))
					arg[b / 8] |= (uint8_t)(0x80 >> (b % 8));
		}
		dup = ref_find(ref, r.prefix, r.len);
		rc = route6_add(rt, arg, r.len, ROUTE_STATIC,
				memcmp(r.gw, ZERO, 16) != 0 ? r.gw : NULL, r.port, r.port);
		if (dup >= 0) {
			assert_int_equal(rc, -EEXIST);
			n_dup++;
			continue;
		}
		if (rc == -ENOSPC) {                    /* out of tbl8: unchanged */
			n_nospc++;
			continue;
		}
		if (rc != 0)
			fail_msg("route6_add(/%u) = %d", r.len, rc);
		ref->r[ref->n++] = r;
		assert_int_equal(rt->n_routes, ref->n);
		if (ref->n % 250 == 0)
			check_lookups(rt, ref, 2000);
		/* now and then a delete of a random one */
		if (rnd_below(RAND_ADDS / RAND_DELS) == 0) {
			unsigned int k = rnd_below(ref->n);

			assert_int_equal(route6_del(rt, ref->r[k].prefix, ref->r[k].len), 0);
			assert_int_equal(route6_del(rt, ref->r[k].prefix, ref->r[k].len),
					 -ENOENT);
			memmove(&ref->r[k], &ref->r[k + 1],
				sizeof(ref->r[0]) * (ref->n - k - 1));
			ref->n--;
			n_del++;
			check_lookups(rt, ref, 200);
		}
	}
	print_message("route6 random check: %u routes, %u duplicates refused, %u at the "
		      "top, %u deleted, %u out of tbl8, %u next hops\n",
		      ref->n, n_dup, n_top, n_del, n_nospc, rt->n_nh - 1);
	assert_true(ref->n > RAND_ADDS / 2);
	assert_true(n_dup > 0);
	assert_true(n_del > 0);
	check_lookups(rt, ref, RAND_LOOKUPS);

	/* the listing matches the reference, in order */
	assert_int_equal(rt->n_routes, ref->n);
	for (i = 0; i < ref->n; i++) {
		const struct route6_entry *e = &rt->routes[i];

		assert_memory_equal(e->prefix, ref->r[i].prefix, 16);
		assert_int_equal(e->prefix_len, ref->r[i].len);
		assert_memory_equal(rt->nh[e->nh].gw, ref->r[i].gw, 16);
		assert_int_equal(rt->nh[e->nh].port, ref->r[i].port);
	}

	/* with a default route nothing misses */
	if (ref_find(ref, ZERO, 0) < 0) {
		assert_int_equal(route6_add(rt, ZERO, 0, ROUTE_STATIC, gws[0], 2, 2), 0);
		ref->r[ref->n].len = 0;
		memset(ref->r[ref->n].prefix, 0, 16);
		memcpy(ref->r[ref->n].gw, gws[0], 16);
		ref->r[ref->n++].port = 2;
	}
	check_lookups(rt, ref, RAND_LOOKUPS / 4);

	rt_del(rt);
	free(ref);
}

/* ---- neigh, IPv6 ------------------------------------------------------------ */

enum {
	N_HOLD = 4,
	N_REACH = 30000,
	N_RETRANS = 1000,
	N_PROBES = 3,
	SMALL = 8, /* rte_hash's minimum */
};

struct rec {
	unsigned int n_solicit, n_solicit6;
	struct {
		uint8_t addr[16];
		uint32_t addr4;
		uint16_t port;
		bool mcast;
		uint8_t mac[6];
		uint64_t at;
	} sol[64], sol6[64];
	unsigned int n_drop;
	uint32_t dropped[64];   /* tags, in order */
	uint64_t now;
};

static void rec_solicit(void *arg, uint32_t addr, uint16_t port, const uint8_t *mac)
{
	struct rec *r = arg;

	assert_true(r->n_solicit < RTE_DIM(r->sol));
	r->sol[r->n_solicit].addr4 = addr;
	r->sol[r->n_solicit].port = port;
	r->sol[r->n_solicit].mcast = mac == NULL;
	if (mac != NULL)
		memcpy(r->sol[r->n_solicit].mac, mac, 6);
	r->sol[r->n_solicit].at = r->now;
	r->n_solicit++;
}

static void rec_solicit6(void *arg, const uint8_t addr[16], uint16_t port,
			 const uint8_t *mac)
{
	struct rec *r = arg;

	assert_true(r->n_solicit6 < RTE_DIM(r->sol6));
	memcpy(r->sol6[r->n_solicit6].addr, addr, 16);
	r->sol6[r->n_solicit6].port = port;
	r->sol6[r->n_solicit6].mcast = mac == NULL;
	if (mac != NULL)
		memcpy(r->sol6[r->n_solicit6].mac, mac, 6);
	r->sol6[r->n_solicit6].at = r->now;
	r->n_solicit6++;
}

static void rec_drop(void *arg, struct rte_mbuf *m)
{
	struct rec *r = arg;

	assert_true(r->n_drop < RTE_DIM(r->dropped));
	r->dropped[r->n_drop++] = tag_of(m);
	rte_pktmbuf_free(m);
}

static const struct neigh_ops rec_ops = {
	.solicit = rec_solicit, .drop = rec_drop, .solicit6 = rec_solicit6,
};
/* as the app had it before IPv6: no solicit6 */
static const struct neigh_ops rec_ops4 = { .solicit = rec_solicit, .drop = rec_drop };

static void tick(struct neigh_table *t, struct rec *r, uint64_t now)
{
	r->now = now;
	neigh_tick(t, now, &rec_ops, r);
}

/* A tick every 100 ms over (from, to]. */
static void run_ticks(struct neigh_table *t, struct rec *r, uint64_t from, uint64_t to)
{
	uint64_t now;

	for (now = from + 100; now <= to; now += 100)
		tick(t, r, now);
}

static struct neigh_table *nt_new(uint32_t capacity, uint32_t capacity6,
				  struct rte_rcu_qsbr *qsv)
{
	static unsigned int seq;
	const struct neigh_params p = {
		.capacity = capacity, .hold_packets = N_HOLD, .reachable_ms = N_REACH,
		.retrans_ms = N_RETRANS, .max_probes = N_PROBES, .capacity6 = capacity6,
	};
	struct neigh_table *t;
	char name[32];

	snprintf(name, sizeof(name), "nt6_%u", seq++);
	t = neigh_table_create(name, SOCKET_ID_ANY, &p, qsv);
	assert_non_null(t);
	return t;
}

/* What a worker sees. */
static uint64_t wlookup6(const struct neigh_table *t, const uint8_t addr[16], uint16_t port)
{
	struct neigh_key6 k = { .port = port };
	const struct neigh_key6 *kp[1] = { &k };
	uint64_t w = 0xdead;

	memcpy(k.addr, addr, 16);
	neigh_lookup_bulk6(t, kp, 1, &w);
	return w;
}

static uint64_t wlookup(const struct neigh_table *t, uint32_t addr, uint16_t port)
{
	const struct neigh_key k = { .addr = addr, .port = port };
	const struct neigh_key *kp[1] = { &k };
	uint64_t w = 0xdead;

	neigh_lookup_bulk(t, kp, 1, &w);
	return w;
}

static void assert_word_mac(uint64_t w, const uint8_t mac[6])
{
	uint8_t got[6];

	assert_true(w & NEIGH_MAC_VALID);
	neigh_mac_from_word(w, got);
	assert_memory_equal(got, mac, 6);
}

struct seen {
	unsigned int n, n6;
	struct neigh_entry e[24];
	const struct neigh_entry *p[24];
};

static void seen_fn(void *arg, const struct neigh_entry *e, uint64_t now_ms)
{
	struct seen *s = arg;

	(void)now_ms;
	assert_true(s->n < RTE_DIM(s->e));
	assert_int_not_equal(e->state, NEIGH_FREE);
	assert_true(e->family == NEIGH_INET || e->family == NEIGH_INET6);
	if (e->family == NEIGH_INET6)
		assert_int_equal(e->addr, 0);
	else
		assert_memory_equal(e->addr6, ZERO, 16);
	s->n6 += e->family == NEIGH_INET6;
	s->p[s->n] = e;
	s->e[s->n++] = *e;
}

static struct seen visit(struct neigh_table *t)
{
	struct seen s = { 0 };

	neigh_foreach(t, seen_fn, &s, 0);
	return s;
}

static const struct neigh_entry *entry6(struct neigh_table *t, const uint8_t addr[16],
					uint16_t port)
{
	struct seen s = visit(t);
	const struct neigh_entry *found = NULL;
	unsigned int i;

	for (i = 0; i < s.n; i++)
		if (s.e[i].family == NEIGH_INET6 && s.e[i].port == port &&
		    memcmp(s.e[i].addr6, addr, 16) == 0) {
			assert_null(found);
			found = s.p[i];
		}
	return found;
}

#define N1 IP6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0x50)
#define N2 IP6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0x51)
#define N3 IP6(0xfe80, 0, 0, 0, 0x200, 0, 0, 0xaa)

static void test_neigh6_static(void **state)
{
	unsigned int avail = rte_mempool_avail_count(pool);
	struct neigh_table *t = nt_new(64, 0, NULL);
	struct rte_mbuf *flush[4], *m;
	struct rec r = { 0 };
	uint64_t w = 0;

	(void)state;
	assert_int_equal(t->p.capacity6, 64); /* 0: as many as IPv4 */
	assert_int_equal(neigh_add_static6(t, N1, 0, MAC_PEER), 0);
	assert_int_equal(neigh_add_static6(t, N1, 0, MAC_PEER2), -EEXIST);
	assert_int_equal(neigh_add_static6(t, N1, 1, MAC_PEER2), 0); /* other port */
	assert_word_mac(wlookup6(t, N1, 0), MAC_PEER);
	assert_word_mac(wlookup6(t, N1, 1), MAC_PEER2);
	assert_int_equal(wlookup6(t, N1, 2), 0);
	assert_int_equal(wlookup6(t, N2, 0), 0);

	m = tagged(1);
	assert_int_equal(neigh_resolve6(t, N1, 0, m, 0, &w), NEIGH_SEND);
	assert_word_mac(w, MAC_PEER);
	rte_pktmbuf_free(m);
	/* no ND message and no time changes it */
	assert_int_equal(neigh_confirm6(t, N1, 0, MAC_X, 5, NEIGH_ND_NS, flush, 4), 0);
	assert_int_equal(neigh_confirm6(t, N1, 0, MAC_X, 5,
					NEIGH_ND_SOLICITED | NEIGH_ND_OVERRIDE, flush, 4), 0);
	tick(t, &r, UINT64_C(1) << 40);
	assert_int_equal(r.n_solicit + r.n_solicit6 + r.n_drop, 0);
	assert_word_mac(wlookup6(t, N1, 0), MAC_PEER);
	assert_int_equal(entry6(t, N1, 0)->state, NEIGH_STATIC);
	assert_int_equal(entry6(t, N1, 0)->family, NEIGH_INET6);
	assert_memory_equal(entry6(t, N1, 0)->mac, MAC_PEER, 6);
	neigh_table_free(t);
	assert_int_equal(rte_mempool_avail_count(pool), avail);
}

static void test_neigh6_hold_confirm(void **state)
{
	unsigned int avail = rte_mempool_avail_count(pool);
	struct neigh_table *t = nt_new(64, 0, NULL);
	struct rte_mbuf *flush[8], *m;
	uint64_t w = 0;
	unsigned int i, n;

	(void)state;
	assert_int_equal(neigh_resolve6(t, N1, 1, tagged(100), 10, &w), NEIGH_HELD_NEW);
	assert_int_equal(wlookup6(t, N1, 1), 0);
	assert_int_equal(entry6(t, N1, 1)->state, NEIGH_INCOMPLETE);
	for (i = 1; i < N_HOLD; i++)
		assert_int_equal(neigh_resolve6(t, N1, 1, tagged(100 + i), 10 + i, &w),
				 NEIGH_HELD);
	m = tagged(999);
	assert_int_equal(neigh_resolve6(t, N1, 1, m, 20, &w), NEIGH_DROP_HOLD_FULL);
	rte_pktmbuf_free(m);
	assert_int_equal(neigh_resolve6(t, N1, 0, tagged(200), 20, &w), NEIGH_HELD_NEW);

	/* §7.2.5: an NA without a target link-layer option teaches nothing */
	assert_int_equal(neigh_confirm6(t, N1, 1, NULL, 25, NEIGH_ND_SOLICITED, flush, 8), 0);
	assert_int_equal(entry6(t, N1, 1)->state, NEIGH_INCOMPLETE);
	/* the solicited NA releases them in order: REACHABLE */
	n = neigh_confirm6(t, N1, 1, MAC_PEER, 30, NEIGH_ND_SOLICITED | NEIGH_ND_OVERRIDE,
			   flush, RTE_DIM(flush));
	assert_int_equal(n, N_HOLD);
	for (i = 0; i < n; i++) {
		assert_int_equal(tag_of(flush[i]), 100 + i);
		rte_pktmbuf_free(flush[i]);
	}
	assert_word_mac(wlookup6(t, N1, 1), MAC_PEER);
	assert_int_equal(entry6(t, N1, 1)->state, NEIGH_REACHABLE);
	assert_int_equal(entry6(t, N1, 1)->confirmed_ms, 30);
	assert_int_equal(entry6(t, N1, 1)->n_held, 0);
	m = tagged(1000);
	assert_int_equal(neigh_resolve6(t, N1, 1, m, 31, &w), NEIGH_SEND);
	assert_word_mac(w, MAC_PEER);
	rte_pktmbuf_free(m);
	assert_int_equal(wlookup6(t, N1, 0), 0);

	/* flush_max smaller than the queue; an unsolicited NA: STALE (PROBE) */
	for (i = 0; i < 3; i++)
		assert_int_equal(neigh_resolve6(t, N2, 1, tagged(300 + i), 40, &w),
				 i == 0 ? NEIGH_HELD_NEW : NEIGH_HELD);
	n = neigh_confirm6(t, N2, 1, MAC_PEER2, 50, NEIGH_ND_OVERRIDE, flush, 2);
	assert_int_equal(n, 2);
	assert_int_equal(tag_of(flush[0]), 300);
	assert_int_equal(tag_of(flush[1]), 301);
	rte_pktmbuf_free(flush[0]);
	rte_pktmbuf_free(flush[1]);
	assert_int_equal(entry6(t, N2, 1)->state, NEIGH_PROBE);
	assert_word_mac(wlookup6(t, N2, 1), MAC_PEER2);
	n = neigh_confirm6(t, N2, 1, MAC_PEER2, 51, NEIGH_ND_SOLICITED, flush, 2);
	assert_int_equal(n, 1);
	assert_int_equal(tag_of(flush[0]), 302);
	rte_pktmbuf_free(flush[0]);
	assert_int_equal(entry6(t, N2, 1)->state, NEIGH_REACHABLE);

	/* bulk lookup over a mix */
	{
		struct neigh_key6 k[5] = {
			{ .port = 1 }, { .port = 0 }, { .port = 1 }, { .port = 0 },
			{ .port = 1 },
		};
		const struct neigh_key6 *kp[RTE_DIM(k)];
		uint64_t words[RTE_DIM(k)];

		memcpy(k[0].addr, N1, 16);
		memcpy(k[1].addr, N1, 16);
		memcpy(k[2].addr, N2, 16);
		memcpy(k[3].addr, N2, 16);
		memcpy(k[4].addr, N3, 16);
		for (i = 0; i < RTE_DIM(k); i++)
			kp[i] = &k[i];
		memset(words, 0xff, sizeof(words));
		neigh_lookup_bulk6(t, kp, RTE_DIM(k), words);
		assert_word_mac(words[0], MAC_PEER);
		assert_int_equal(words[1], 0);
		assert_word_mac(words[2], MAC_PEER2);
		assert_int_equal(words[3], 0);
		assert_int_equal(words[4], 0);
		neigh_lookup_bulk6(t, kp, 0, words); /* n = 0 is fine */
	}
	/* (N1, 0) still holds 200: the table frees it */
	neigh_table_free(t);
	assert_int_equal(rte_mempool_avail_count(pool), avail);
}

/* RFC 4861 §7.2.3 (NS) and §7.2.5 (NA) on existing and missing entries. */
static void test_neigh6_nd_updates(void **state)
{
	struct neigh_table *t = nt_new(64, 0, NULL);
	struct rte_mbuf *flush[4];
	struct rec r = { 0 };

	(void)state;
	/* an NA for nobody creates nothing, solicited or not */
	assert_int_equal(neigh_confirm6(t, N3, 0, MAC_PEER, 0,
					NEIGH_ND_SOLICITED | NEIGH_ND_OVERRIDE, flush, 4), 0);
	assert_int_equal(neigh_confirm6(t, N3, 0, MAC_PEER, 0, NEIGH_ND_OVERRIDE, flush, 4), 0);
	assert_int_equal(visit(t).n, 0);
	/* an NS without a source link-layer option neither */
	assert_int_equal(neigh_confirm6(t, N3, 0, NULL, 0, NEIGH_ND_NS, flush, 4), 0);
	assert_int_equal(visit(t).n, 0);
	/* an NS with one: STALE, its MAC in use, a unicast probe at the next tick */
	assert_int_equal(neigh_confirm6(t, N3, 0, MAC_PEER, 100, NEIGH_ND_NS, flush, 4), 0);
	assert_int_equal(entry6(t, N3, 0)->state, NEIGH_PROBE);
	assert_word_mac(wlookup6(t, N3, 0), MAC_PEER);
	tick(t, &r, 100);
	assert_int_equal(r.n_solicit6, 1);
	assert_false(r.sol6[0].mcast);
	assert_memory_equal(r.sol6[0].mac, MAC_PEER, 6);
	assert_memory_equal(r.sol6[0].addr, N3, 16);
	assert_int_equal(r.n_solicit, 0);
	/* the same NS again changes nothing (the S bit is ignored on an NS) */
	assert_int_equal(neigh_confirm6(t, N3, 0, MAC_PEER, 150,
					NEIGH_ND_NS | NEIGH_ND_SOLICITED, flush, 4), 0);
	assert_int_equal(entry6(t, N3, 0)->state, NEIGH_PROBE);
	assert_int_equal(entry6(t, N3, 0)->probes, 1);
	/* the solicited answer: REACHABLE */
	assert_int_equal(neigh_confirm6(t, N3, 0, MAC_PEER, 200, NEIGH_ND_SOLICITED,
					flush, 4), 0);
	assert_int_equal(entry6(t, N3, 0)->state, NEIGH_REACHABLE);
	assert_int_equal(entry6(t, N3, 0)->confirmed_ms, 200);
	assert_int_equal(entry6(t, N3, 0)->probes, 0);
	/* a solicited NA without the option: confirms the MAC it has */
	assert_int_equal(neigh_confirm6(t, N3, 0, NULL, 300, NEIGH_ND_SOLICITED, flush, 4), 0);
	assert_int_equal(entry6(t, N3, 0)->confirmed_ms, 300);
	assert_word_mac(wlookup6(t, N3, 0), MAC_PEER);
	/* another MAC without override: kept, but REACHABLE turns STALE */
	assert_int_equal(neigh_confirm6(t, N3, 0, MAC_PEER2, 400, NEIGH_ND_SOLICITED,
					flush, 4), 0);
	assert_int_equal(entry6(t, N3, 0)->state, NEIGH_PROBE);
	assert_word_mac(wlookup6(t, N3, 0), MAC_PEER);
	assert_int_equal(entry6(t, N3, 0)->confirmed_ms, 300);
	/* ...and a second one in STALE is ignored altogether */
	assert_int_equal(neigh_confirm6(t, N3, 0, MAC_PEER2, 450, 0, flush, 4), 0);
	assert_int_equal(entry6(t, N3, 0)->state, NEIGH_PROBE);
	assert_word_mac(wlookup6(t, N3, 0), MAC_PEER);
	/* with override and solicited: new MAC, REACHABLE */
	assert_int_equal(neigh_confirm6(t, N3, 0, MAC_PEER2, 500,
					NEIGH_ND_SOLICITED | NEIGH_ND_OVERRIDE, flush, 4), 0);
	assert_int_equal(entry6(t, N3, 0)->state, NEIGH_REACHABLE);
	assert_word_mac(wlookup6(t, N3, 0), MAC_PEER2);
	/* unsolicited override with the same MAC: nothing changes */
	assert_int_equal(neigh_confirm6(t, N3, 0, MAC_PEER2, 600, NEIGH_ND_OVERRIDE,
					flush, 4), 0);
	assert_int_equal(entry6(t, N3, 0)->state, NEIGH_REACHABLE);
	assert_int_equal(entry6(t, N3, 0)->confirmed_ms, 500);
	/* unsolicited override, new MAC: taken, STALE */
	assert_int_equal(neigh_confirm6(t, N3, 0, MAC_X, 700, NEIGH_ND_OVERRIDE, flush, 4), 0);
	assert_int_equal(entry6(t, N3, 0)->state, NEIGH_PROBE);
	assert_word_mac(wlookup6(t, N3, 0), MAC_X);
	/* an NS from a new MAC: taken, STALE */
	assert_int_equal(neigh_confirm6(t, N3, 0, MAC_PEER, 800,
					NEIGH_ND_SOLICITED | NEIGH_ND_OVERRIDE, flush, 4), 0);
	assert_int_equal(neigh_confirm6(t, N3, 0, MAC_X, 900, NEIGH_ND_NS, flush, 4), 0);
	assert_int_equal(entry6(t, N3, 0)->state, NEIGH_PROBE);
	assert_word_mac(wlookup6(t, N3, 0), MAC_X);
	/* an NS for an INCOMPLETE entry: STALE with its packets released */
	{
		uint64_t w = 0;

		assert_int_equal(neigh_resolve6(t, N2, 0, tagged(5), 1000, &w), NEIGH_HELD_NEW);
		assert_int_equal(neigh_confirm6(t, N2, 0, MAC_PEER, 1001, NEIGH_ND_NS,
						flush, 4), 1);
		assert_int_equal(tag_of(flush[0]), 5);
		rte_pktmbuf_free(flush[0]);
		assert_int_equal(entry6(t, N2, 0)->state, NEIGH_PROBE);
		assert_word_mac(wlookup6(t, N2, 0), MAC_PEER);
	}
	neigh_table_free(t);
}

static void test_neigh6_incomplete_timeout(void **state)
{
	unsigned int avail = rte_mempool_avail_count(pool);
	struct neigh_table *t = nt_new(64, 0, NULL);
	const uint64_t t0 = 5000;
	struct rec r = { 0 };
	uint64_t w = 0, now;
	unsigned int i;

	(void)state;
	/* NS 1 goes out with HELD_NEW (the caller's job) */
	assert_int_equal(neigh_resolve6(t, N1, 1, tagged(1), t0, &w), NEIGH_HELD_NEW);
	assert_int_equal(neigh_resolve6(t, N1, 1, tagged(2), t0 + 10, &w), NEIGH_HELD);
	for (now = t0; now <= t0 + 6 * N_RETRANS; now += 100) {
		tick(t, &r, now);
		tick(t, &r, now);
	}
	/* NS 2..max_probes every retrans_ms, multicast, through solicit6 only */
	assert_int_equal(r.n_solicit, 0);
	assert_int_equal(r.n_solicit6, N_PROBES - 1);
	for (i = 0; i < r.n_solicit6; i++) {
		assert_memory_equal(r.sol6[i].addr, N1, 16);
		assert_int_equal(r.sol6[i].port, 1);
		assert_true(r.sol6[i].mcast);
		assert_int_equal(r.sol6[i].at, t0 + (i + 1) * N_RETRANS);
	}
	assert_int_equal(r.n_drop, 2);
	assert_int_equal(r.dropped[0], 1);
	assert_int_equal(r.dropped[1], 2);
	assert_null(entry6(t, N1, 1));
	assert_int_equal(wlookup6(t, N1, 1), 0);

	/* without ops->solicit6 the entry fails on the same schedule, silently */
	memset(&r, 0, sizeof(r));
	assert_int_equal(neigh_resolve6(t, N2, 0, tagged(7), 0, &w), NEIGH_HELD_NEW);
	for (now = 100; now < N_PROBES * N_RETRANS; now += 100) {
		r.now = now;
		neigh_tick(t, now, &rec_ops4, &r);
	}
	assert_non_null(entry6(t, N2, 0));
	assert_int_equal(entry6(t, N2, 0)->probes, N_PROBES);
	r.now = now;
	neigh_tick(t, now, &rec_ops4, &r);
	assert_null(entry6(t, N2, 0));
	assert_int_equal(r.n_drop, 1);
	assert_int_equal(r.dropped[0], 7);
	assert_int_equal(r.n_solicit + r.n_solicit6, 0);
	assert_int_equal(neigh_resolve6(t, N2, 0, tagged(8), now, &w), NEIGH_HELD_NEW);
	neigh_table_free(t);
	assert_int_equal(rte_mempool_avail_count(pool), avail);
}

static void test_neigh6_probe(void **state)
{
	struct neigh_table *t = nt_new(64, 0, NULL);
	struct rte_mbuf *flush[4];
	struct rec r = { 0 };
	uint64_t t1;
	unsigned int i;

	(void)state;
	assert_int_equal(neigh_confirm6(t, N1, 1, MAC_PEER, 0, NEIGH_ND_NS, flush, 4), 0);
	assert_int_equal(neigh_confirm6(t, N1, 1, MAC_PEER, 0, NEIGH_ND_SOLICITED, flush, 4), 0);
	assert_int_equal(entry6(t, N1, 1)->state, NEIGH_REACHABLE);
	tick(t, &r, N_REACH - 1);
	assert_int_equal(entry6(t, N1, 1)->state, NEIGH_REACHABLE);
	assert_int_equal(r.n_solicit6, 0);
	/* aged: PROBE, asked unicast at the MAC it had, which stays in use */
	tick(t, &r, N_REACH);
	assert_int_equal(entry6(t, N1, 1)->state, NEIGH_PROBE);
	assert_int_equal(r.n_solicit6, 1);
	assert_false(r.sol6[0].mcast);
	assert_memory_equal(r.sol6[0].mac, MAC_PEER, 6);
	assert_word_mac(wlookup6(t, N1, 1), MAC_PEER);
	/* answered: REACHABLE again */
	t1 = N_REACH + 10;
	assert_int_equal(neigh_confirm6(t, N1, 1, MAC_PEER, t1, NEIGH_ND_SOLICITED, flush, 4), 0);
	assert_int_equal(entry6(t, N1, 1)->state, NEIGH_REACHABLE);
	/* ages again, nobody answers: max_probes unicast NS, then gone */
	memset(&r, 0, sizeof(r));
	for (i = 0; i <= N_PROBES; i++) {
		tick(t, &r, t1 + N_REACH + (uint64_t)i * N_RETRANS - 1);
		tick(t, &r, t1 + N_REACH + (uint64_t)i * N_RETRANS);
		if (i < N_PROBES) {
			assert_int_equal(r.n_solicit6, i + 1);
			assert_false(r.sol6[i].mcast);
			assert_word_mac(wlookup6(t, N1, 1), MAC_PEER);
		}
	}
	assert_int_equal(r.n_solicit6, N_PROBES);
	assert_null(entry6(t, N1, 1));
	assert_int_equal(wlookup6(t, N1, 1), 0);
	neigh_table_free(t);
}

/* IPv4 and IPv6 entries with the same bytes and ports stay apart, each
 * family fills on its own, and one tick and one walk serve both. */
static void test_neigh6_side_by_side(void **state)
{
	unsigned int avail = rte_mempool_avail_count(pool);
	struct neigh_table *t = nt_new(SMALL, SMALL, NULL);
	/* 10.0.0.1 in host order is 0x0a000001; these IPv6 addresses start
	 * with the same bytes, either way round */
	const uint32_t v4 = 0x0a000001;
	uint8_t a6[16], b6[16];
	struct rte_mbuf *flush[4], *m;
	struct rec r = { 0 };
	struct seen s;
	uint64_t w = 0;
	uint32_t i;

	(void)state;
	memcpy(a6, IP6(0x0a00, 0x0001), 16);
	memcpy(b6, IP6(0x0100, 0x000a), 16);
	assert_int_equal(neigh_add_static(t, v4, 0, MAC_PEER), 0);
	assert_int_equal(wlookup6(t, a6, 0), 0);
	assert_int_equal(wlookup6(t, b6, 0), 0);
	assert_int_equal(neigh_add_static6(t, a6, 0, MAC_PEER2), 0);
	assert_int_equal(neigh_add_static6(t, b6, 0, MAC_X), 0);
	assert_word_mac(wlookup(t, v4, 0), MAC_PEER);
	assert_word_mac(wlookup6(t, a6, 0), MAC_PEER2);
	assert_word_mac(wlookup6(t, b6, 0), MAC_X);
	assert_int_equal(neigh_add_static(t, v4, 0, MAC_X), -EEXIST);

	/* fill both families */
	for (i = 0; i < SMALL - 1; i++)
		assert_int_equal(neigh_resolve(t, 0x0a010000 + i, 0, tagged(i), 0, &w),
				 NEIGH_HELD_NEW);
	for (i = 0; i < SMALL - 2; i++) {
		uint8_t a[16];

		memcpy(a, N1, 16);
		a[15] = (uint8_t)i;
		assert_int_equal(neigh_resolve6(t, a, 0, tagged(100 + i), 0, &w),
				 NEIGH_HELD_NEW);
	}
	s = visit(t);
	assert_int_equal(s.n, 2 * SMALL);
	assert_int_equal(s.n6, SMALL);
	/* each full on its own */
	m = tagged(900);
	assert_int_equal(neigh_resolve6(t, N3, 0, m, 0, &w), NEIGH_DROP_TABLE_FULL);
	assert_int_equal(neigh_resolve(t, 0x0a020000, 0, m, 0, &w), NEIGH_DROP_TABLE_FULL);
	rte_pktmbuf_free(m);
	assert_int_equal(neigh_add_static6(t, N3, 0, MAC_X), -ENOSPC);
	assert_int_equal(neigh_confirm6(t, N3, 0, MAC_X, 0, NEIGH_ND_NS, flush, 4), 0);
	assert_int_equal(neigh_confirm(t, 0x0a020001, 0, MAC_X, 0, true, flush, 4), 0);
	assert_int_equal(visit(t).n, 2 * SMALL);

	/* one tick: ARP for the IPv4 ones, NS for the IPv6 ones */
	tick(t, &r, N_RETRANS);
	assert_int_equal(r.n_solicit, SMALL - 1);
	assert_int_equal(r.n_solicit6, SMALL - 2);
	for (i = 0; i < r.n_solicit6; i++)
		assert_memory_equal(r.sol6[i].addr, N1, 15);
	for (i = 0; i < r.n_solicit; i++)
		assert_int_equal(r.sol[i].addr4 >> 16, 0x0a01);
	/* a confirm of one family does not touch the other's twin */
	assert_int_equal(neigh_confirm(t, 0x20010db8, 0, MAC_X, 0, false, flush, 4), 0);
	/* all the unresolved go; statics stay; IPv6 slots free for IPv6 */
	run_ticks(t, &r, N_RETRANS, N_PROBES * N_RETRANS);
	assert_int_equal(r.n_drop, 2 * SMALL - 3);
	s = visit(t);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.n6, 2);
	assert_word_mac(wlookup(t, v4, 0), MAC_PEER);
	assert_word_mac(wlookup6(t, a6, 0), MAC_PEER2);
	for (i = 0; i < SMALL - 2; i++) {
		uint8_t a[16];

		memcpy(a, N2, 16);
		a[14] = (uint8_t)i;
		assert_int_equal(neigh_resolve6(t, a, 0, tagged(200 + i), 0, &w),
				 NEIGH_HELD_NEW);
	}
	assert_int_equal(visit(t).n6, SMALL);
	neigh_table_free(t);
	assert_int_equal(rte_mempool_avail_count(pool), avail);
}

static struct rte_rcu_qsbr *qsv_new(void)
{
	size_t sz = rte_rcu_qsbr_get_memsize(1);
	struct rte_rcu_qsbr *v = rte_zmalloc("test_qsv6", sz, RTE_CACHE_LINE_SIZE);

	assert_non_null(v);
	assert_int_equal(rte_rcu_qsbr_init(v, 1), 0);
	assert_int_equal(rte_rcu_qsbr_thread_register(v, 0), 0);
	rte_rcu_qsbr_thread_online(v, 0);
	return v;
}

static void qsv_del(struct rte_rcu_qsbr *v)
{
	rte_rcu_qsbr_thread_offline(v, 0);
	assert_int_equal(rte_rcu_qsbr_thread_unregister(v, 0), 0);
	rte_free(v);
}

/* An IPv6 slot a reader may still hold is not handed out before the
 * reader reports, and then comes back to IPv6 (not IPv4). All entries of
 * both families expire in one tick, five rounds over. */
static void test_neigh6_rcu(void **state)
{
	unsigned int avail = rte_mempool_avail_count(pool);
	struct rte_rcu_qsbr *v = qsv_new();
	struct neigh_table *t = nt_new(SMALL, SMALL, v);
	struct rec r = { 0 };
	uint64_t w = 0, now = 0;
	struct rte_mbuf *m;
	uint32_t round, i, slot;
	const struct neigh_entry *e;

	(void)state;
	assert_true(t->deferred_free);
	for (round = 0; round < 5; round++) {
		for (i = 0; i < SMALL; i++) {
			uint8_t a[16];

			memcpy(a, N1, 16);
			a[13] = (uint8_t)round;
			a[15] = (uint8_t)i;
			assert_int_equal(neigh_resolve6(t, a, 0, tagged(i), now, &w),
					 NEIGH_HELD_NEW);
			assert_int_equal(neigh_resolve(t, 0x0a070000 + (round << 8) + i, 0,
						       tagged(i), now, &w), NEIGH_HELD_NEW);
		}
		m = tagged(99);
		assert_int_equal(neigh_resolve6(t, N3, 0, m, now, &w), NEIGH_DROP_TABLE_FULL);
		rte_pktmbuf_free(m);
		memset(&r, 0, sizeof(r));
		run_ticks(t, &r, now, now + N_PROBES * N_RETRANS - 100);
		assert_int_equal(r.n_drop, 0);
		now += N_PROBES * N_RETRANS;
		tick(t, &r, now); /* all of them at once */
		assert_int_equal(r.n_drop, 2 * SMALL);
		assert_int_equal(visit(t).n, 0);
		for (i = 0; i < t->n_slots; i++)
			assert_int_equal(t->mac_word[i], 0);
		/* reader has not reported: nothing is free yet */
		m = tagged(98);
		assert_int_equal(neigh_resolve6(t, N3, 0, m, now, &w), NEIGH_DROP_TABLE_FULL);
		assert_int_equal(neigh_resolve(t, 0x0a060000, 0, m, now, &w),
				 NEIGH_DROP_TABLE_FULL);
		rte_pktmbuf_free(m);
		rte_rcu_qsbr_quiescent(v, 0);
	}
	/* after the grace period: an IPv6 entry lands in an IPv6 slot */
	assert_int_equal(neigh_resolve6(t, N3, 0, tagged(7), now, &w), NEIGH_HELD_NEW);
	e = entry6(t, N3, 0);
	assert_non_null(e);
	slot = (uint32_t)(e - t->ent);
	assert_true(slot >= t->p.capacity && slot < t->n_slots);
	assert_int_equal(neigh_confirm6(t, N3, 0, MAC_PEER, now, NEIGH_ND_SOLICITED,
					(struct rte_mbuf *[1]){ NULL }, 0), 0);
	assert_word_mac(wlookup6(t, N3, 0), MAC_PEER);
	rte_rcu_qsbr_quiescent(v, 0);
	neigh_table_free(t);
	qsv_del(v);
	assert_int_equal(rte_mempool_avail_count(pool), avail);
}

/* ---- ND ------------------------------------------------------------------- */

/* Frames scapy 2.5.0 built (the expression above each); US = 02:00:00:00:00:01,
 * PEER = 02:00:00:00:00:aa. Bad ones carry correct checksums, so each fails
 * only the check it is named after. */
/* Ether(dst='33:33:ff:00:00:50',src=US)/IPv6(src='2001:db8::1',dst='ff02::1:ff00:50',hlim=255)/ICMPv6ND_NS(tgt='2001:db8::50')/ICMPv6NDOptSrcLLAddr(lladdr=US) */
static const char NS_MCAST[] =
	"3333ff00005002000000000186dd6000000000203aff20010db8000000000000"
	"000000000001ff0200000000000000000001ff00005087001b8b000000002001"
	"0db80000000000000000000000500101020000000001";
/* Ether(dst=PEER,src=US)/IPv6(src='2001:db8::1',dst='2001:db8::50',hlim=255)/ICMPv6ND_NS(tgt='2001:db8::50')/ICMPv6NDOptSrcLLAddr(lladdr=US) */
static const char NS_UCAST[] =
	"0200000000aa02000000000186dd6000000000203aff20010db8000000000000"
	"00000000000120010db80000000000000000000000508700ebd6000000002001"
	"0db80000000000000000000000500101020000000001";
/* Ether(dst=PEER,src=US)/IPv6(src='2001:db8::1',dst='2001:db8::50',hlim=255)/ICMPv6ND_NA(tgt='2001:db8::1',R=1,S=1,O=1)/ICMPv6NDOptDstLLAddr(lladdr=US) */
static const char NA_REPLY[] =
	"0200000000aa02000000000186dd6000000000203aff20010db8000000000000"
	"00000000000120010db800000000000000000000005088000a25e00000002001"
	"0db80000000000000000000000010201020000000001";
/* Ether(dst='33:33:00:00:00:01',src=US)/IPv6(src='2001:db8::1',dst='ff02::1',hlim=255)/ICMPv6ND_NA(tgt='2001:db8::1',R=0,S=0,O=1)/ICMPv6NDOptDstLLAddr(lladdr=US) */
static const char NA_DAD[] =
	"33330000000102000000000186dd6000000000203aff20010db8000000000000"
	"000000000001ff0200000000000000000000000000018800f92a200000002001"
	"0db80000000000000000000000010201020000000001";
/* Ether(dst='33:33:ff:00:00:01',src='02:00:00:00:00:cc')/IPv6(src='2001:db8::50',dst='ff02::1:ff00:1',hlim=255)/ICMPv6ND_NS(tgt='2001:db8::1')/ICMPv6NDOptSrcLLAddr(lladdr=PEER) */
static const char IN_NS[] =
	"3333ff0000010200000000cc86dd6000000000203aff20010db8000000000000"
	"000000000050ff0200000000000000000001ff00000187001b31000000002001"
	"0db800000000000000000000000101010200000000aa";
/* Ether(dst=US,src=PEER)/IPv6(src='2001:db8::50',dst='2001:db8::1',hlim=255)/ICMPv6ND_NS(tgt='2001:db8::1') */
static const char IN_NS_NOOPT[] =
	"0200000000010200000000aa86dd6000000000183aff20010db8000000000000"
	"00000000005020010db80000000000000000000000018700ef2f000000002001"
	"0db8000000000000000000000001";
/* Ether(dst='33:33:ff:00:00:01',src=PEER)/IPv6(src='::',dst='ff02::1:ff00:1',hlim=255)/ICMPv6ND_NS(tgt='2001:db8::1') */
static const char IN_NS_DAD[] =
	"3333ff0000010200000000aa86dd6000000000183aff00000000000000000000"
	"000000000000ff0200000000000000000001ff00000187004ced000000002001"
	"0db8000000000000000000000001";
/* Ether(dst=US,src=PEER)/IPv6(src='2001:db8::50',dst='2001:db8::1',hlim=255)/ICMPv6ND_NA(tgt='2001:db8::50',R=0,S=1,O=1)/ICMPv6NDOptDstLLAddr(lladdr=PEER) */
static const char IN_NA[] =
	"0200000000010200000000aa86dd6000000000203aff20010db8000000000000"
	"00000000005020010db80000000000000000000000018800892d600000002001"
	"0db800000000000000000000005002010200000000aa";
/* Ether(dst=US,src=PEER)/IPv6(src='2001:db8::50',dst='2001:db8::1',hlim=255)/ICMPv6ND_NS(tgt='2001:db8::1')/Raw(b'\x0e\x01\x01\x02\x03\x04\x05\x06')/ICMPv6NDOptSrcLLAddr(lladdr=PEER) */
static const char IN_NS_OPTS[] =
	"0200000000010200000000aa86dd6000000000283aff20010db8000000000000"
	"00000000005020010db80000000000000000000000018700d467000000002001"
	"0db80000000000000000000000010e0101020304050601010200000000aa";
/* Ether(dst=US,src=PEER)/IPv6(src='2001:db8::50',dst='2001:db8::1',hlim=64)/ICMPv6ND_NS(tgt='2001:db8::1')/ICMPv6NDOptSrcLLAddr(lladdr=PEER) */
static const char BAD_HLIM[] =
	"0200000000010200000000aa86dd6000000000203a4020010db8000000000000"
	"00000000005020010db80000000000000000000000018700eb7c000000002001"
	"0db800000000000000000000000101010200000000aa";
/* Ether(dst=US,src=PEER)/IPv6(src='2001:db8::50',dst='2001:db8::1',hlim=255)/ICMPv6ND_NS(tgt='2001:db8::1',code=1)/ICMPv6NDOptSrcLLAddr(lladdr=PEER) */
static const char BAD_CODE[] =
	"0200000000010200000000aa86dd6000000000203aff20010db8000000000000"
	"00000000005020010db80000000000000000000000018701eb7b000000002001"
	"0db800000000000000000000000101010200000000aa";
/* Ether(dst=US,src=PEER)/IPv6(src='2001:db8::50',dst='2001:db8::1',hlim=255)/ICMPv6ND_NA(tgt='ff02::1',S=1)/ICMPv6NDOptDstLLAddr(lladdr=PEER) */
static const char BAD_TGT_MCAST[] =
	"0200000000010200000000aa86dd6000000000203aff20010db8000000000000"
	"00000000005020010db800000000000000000000000188003832e0000000ff02"
	"000000000000000000000000000102010200000000aa";
/* Ether(dst=US,src=PEER)/IPv6(src='2001:db8::50',dst='2001:db8::1',hlim=255)/ICMPv6ND_NS(tgt='2001:db8::1')/Raw(b'\x0e\x00\x01\x02\x03\x04\x05\x06') */
static const char BAD_OPT_LEN0[] =
	"0200000000010200000000aa86dd6000000000203aff20010db8000000000000"
	"00000000005020010db80000000000000000000000018700d81b000000002001"
	"0db80000000000000000000000010e00010203040506";
/* Ether(dst=US,src=PEER)/IPv6(src='2001:db8::50',dst='2001:db8::1',hlim=255)/ICMPv6ND_NS(tgt='2001:db8::1')/Raw(b'\x01\x02\x02\x00\x00\x00\x00\xaa') */
static const char BAD_OPT_OVER[] =
	"0200000000010200000000aa86dd6000000000203aff20010db8000000000000"
	"00000000005020010db80000000000000000000000018700eb7b000000002001"
	"0db800000000000000000000000101020200000000aa";
/* Ether(dst=US,src=PEER)/IPv6(src='2001:db8::50',dst='2001:db8::1',hlim=255,nh=58)/Raw(short20()) */
/* short20(): ICMPv6ND_NS(tgt='2001:db8::1') cut to 20 bytes, checksum redone */
static const char BAD_SHORT[] =
	"0200000000010200000000aa86dd6000000000143aff20010db8000000000000"
	"00000000005020010db80000000000000000000000018700ef34000000002001"
	"0db80000000000000000";
/* Ether(dst='33:33:ff:00:00:01',src=PEER)/IPv6(src='::',dst='ff02::1:ff00:1',hlim=255)/ICMPv6ND_NS(tgt='2001:db8::1')/ICMPv6NDOptSrcLLAddr(lladdr=PEER) */
static const char BAD_DAD_OPT[] =
	"3333ff0000010200000000aa86dd6000000000203aff00000000000000000000"
	"000000000000ff0200000000000000000001ff0000018700493a000000002001"
	"0db800000000000000000000000101010200000000aa";
/* Ether(dst=US,src=PEER)/IPv6(src='::',dst='2001:db8::1',hlim=255)/ICMPv6ND_NS(tgt='2001:db8::1') */
static const char BAD_DAD_DST[] =
	"0200000000010200000000aa86dd6000000000183aff00000000000000000000"
	"00000000000020010db800000000000000000000000187001d39000000002001"
	"0db8000000000000000000000001";
/* Ether(dst='33:33:00:00:00:01',src=PEER)/IPv6(src='2001:db8::50',dst='ff02::1',hlim=255)/ICMPv6ND_NA(tgt='2001:db8::50',S=1,O=1)/ICMPv6NDOptDstLLAddr(lladdr=PEER) */
static const char BAD_NA_MCAST_S[] =
	"3333000000010200000000aa86dd6000000000203aff20010db8000000000000"
	"000000000050ff020000000000000000000000000001880037e3e00000002001"
	"0db800000000000000000000005002010200000000aa";
/* Ether(dst=US,src=PEER)/IPv6(src='2001:db8::50',dst='2001:db8::1',hlim=255)/ICMPv6ND_NS(tgt='2001:db8::1')/Raw(b'\x01\x02'+b'\xaa'*14) */
static const char BAD_LLA_LEN[] =
	"0200000000010200000000aa86dd6000000000283aff20010db8000000000000"
	"00000000005020010db800000000000000000000000187004373000000002001"
	"0db80000000000000000000000010102aaaaaaaaaaaaaaaaaaaaaaaaaaaa";
/* Ether(dst=US,src=PEER)/IPv6(src='2001:db8::50',dst='2001:db8::1',hlim=255)/ICMPv6ND_RS()/Raw(b'\0'*20) */
static const char BAD_TYPE[] =
	"0200000000010200000000aa86dd60000000001c3aff20010db8000000000000"
	"00000000005020010db800000000000000000000000185001ee6000000000000"
	"000000000000000000000000000000000000";

static size_t unhex(const char *s, uint8_t *out, size_t max)
{
	size_t n = 0;
	unsigned int v;

	while (s[0] != '\0' && s[1] != '\0') {
		assert_true(n < max);
		assert_int_equal(sscanf(s, "%2x", &v), 1);
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

/* One mbuf holding p, or two chained at `split` when 0 < split < len. */
static struct rte_mbuf *mbuf_of(const uint8_t *p, uint32_t len, uint32_t split)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool), *t;
	uint32_t first = (split != 0 && split < len) ? split : len;
	char *d;

	assert_non_null(m);
	d = rte_pktmbuf_append(m, (uint16_t)first);
	assert_non_null(d);
	memcpy(d, p, first);
	if (first < len) {
		t = rte_pktmbuf_alloc(pool);
		assert_non_null(t);
		d = rte_pktmbuf_append(t, (uint16_t)(len - first));
		assert_non_null(d);
		memcpy(d, p + first, len - first);
		assert_int_equal(rte_pktmbuf_chain(m, t), 0);
	}
	return m;
}

static struct rte_mbuf *mbuf_hex(const char *hex, uint32_t split)
{
	uint8_t f[256];
	size_t n = unhex(hex, f, sizeof(f));

	return mbuf_of(f, (uint32_t)n, split);
}

static void assert_mbuf_hex(const struct rte_mbuf *m, const char *hex)
{
	uint8_t exp[256], buf[256];
	size_t n = unhex(hex, exp, sizeof(exp));
	const uint8_t *got;

	assert_int_equal(rte_pktmbuf_pkt_len(m), n);
	got = rte_pktmbuf_read(m, 0, (uint32_t)n, buf);
	assert_non_null(got);
	assert_memory_equal(got, exp, n);
}

static int parse_hex(const char *hex, struct nd_msg *out)
{
	struct rte_mbuf *m = mbuf_hex(hex, 0);
	int rc = nd_parse(m, 14, out);

	rte_pktmbuf_free(m);
	return rc;
}

static const uint8_t US[6] = { 0x02, 0, 0, 0, 0, 0x01 };

static void test_nd_build(void **state)
{
	unsigned int avail = rte_mempool_avail_count(pool);
	struct rte_mbuf *m;
	struct nd_msg ns;
	uint8_t sn[16];

	(void)state;
	nd_solicited_node(IP6(0x2001, 0xdb8, 0, 0, 0, 0, 0x1234, 0x5678), sn);
	assert_memory_equal(sn, IP6(0xff02, 0, 0, 0, 0, 1, 0xff34, 0x5678), 16);

	/* address resolution: multicast to the solicited-node address */
	m = rte_pktmbuf_alloc(pool);
	assert_int_equal(nd_build_ns(m, US, IP6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1),
				     IP6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0x50), NULL), 0);
	assert_mbuf_hex(m, NS_MCAST);
	rte_pktmbuf_free(m);
	/* probe: unicast */
	m = rte_pktmbuf_alloc(pool);
	assert_int_equal(nd_build_ns(m, US, IP6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1),
				     IP6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0x50), MAC_PEER), 0);
	assert_mbuf_hex(m, NS_UCAST);
	rte_pktmbuf_free(m);

	/* answers: to the source link-layer option, not the frame's source */
	assert_int_equal(parse_hex(IN_NS, &ns), 0);
	m = rte_pktmbuf_alloc(pool);
	assert_int_equal(nd_build_na(m, US, &ns, true), 0);
	assert_mbuf_hex(m, NA_REPLY);
	rte_pktmbuf_free(m);
	/* no option: the frame's source */
	assert_int_equal(parse_hex(IN_NS_NOOPT, &ns), 0);
	assert_false(ns.has_lladdr);
	m = rte_pktmbuf_alloc(pool);
	assert_int_equal(nd_build_na(m, US, &ns, true), 0);
	assert_mbuf_hex(m, NA_REPLY);
	rte_pktmbuf_free(m);
	/* a DAD probe: all-nodes, not solicited */
	assert_int_equal(parse_hex(IN_NS_DAD, &ns), 0);
	m = rte_pktmbuf_alloc(pool);
	assert_int_equal(nd_build_na(m, US, &ns, false), 0);
	assert_mbuf_hex(m, NA_DAD);
	rte_pktmbuf_free(m);

	/* no room */
	m = rte_pktmbuf_alloc(pool);
	assert_non_null(rte_pktmbuf_append(m, (uint16_t)(rte_pktmbuf_tailroom(m) - 40)));
	assert_int_equal(nd_build_ns(m, US, ZERO, ZERO, NULL), -ENOSPC);
	assert_int_equal(nd_build_na(m, US, &ns, false), -ENOSPC);
	rte_pktmbuf_free(m);
	assert_int_equal(rte_mempool_avail_count(pool), avail);
}

static void test_nd_parse(void **state)
{
	unsigned int avail = rte_mempool_avail_count(pool);
	const uint8_t CC[6] = { 0x02, 0, 0, 0, 0, 0xcc };
	const struct {
		const char *name, *hex;
	} bad[] = {
		{ "hop limit 64", BAD_HLIM }, { "code 1", BAD_CODE },
		{ "multicast target", BAD_TGT_MCAST }, { "option length 0", BAD_OPT_LEN0 },
		{ "option past the end", BAD_OPT_OVER }, { "ICMPv6 length 20", BAD_SHORT },
		{ "DAD with source option", BAD_DAD_OPT },
		{ "DAD not to solicited-node", BAD_DAD_DST },
		{ "multicast NA with S", BAD_NA_MCAST_S },
		{ "link-layer option of 16 bytes", BAD_LLA_LEN }, { "an RS", BAD_TYPE },
	};
	struct rte_mbuf *m;
	struct nd_msg msg;
	uint8_t f[256];
	size_t n;
	unsigned int i, split;

	(void)state;
	assert_int_equal(parse_hex(IN_NS, &msg), 0);
	assert_int_equal(msg.type, ND_TYPE_NS);
	assert_int_equal(msg.flags, 0);
	assert_true(msg.has_lladdr);
	assert_memory_equal(msg.lladdr, MAC_PEER, 6);
	assert_memory_equal(msg.eth_src, CC, 6);
	assert_memory_equal(msg.src, IP6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0x50), 16);
	assert_memory_equal(msg.dst, IP6(0xff02, 0, 0, 0, 0, 1, 0xff00, 1), 16);
	assert_memory_equal(msg.target, IP6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1), 16);

	assert_int_equal(parse_hex(IN_NA, &msg), 0);
	assert_int_equal(msg.type, ND_TYPE_NA);
	assert_int_equal(msg.flags, ND_NA_FLAG_SOLICITED | ND_NA_FLAG_OVERRIDE);
	assert_true(msg.has_lladdr);
	assert_memory_equal(msg.lladdr, MAC_PEER, 6);
	assert_memory_equal(msg.target, IP6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0x50), 16);

	assert_int_equal(parse_hex(IN_NS_DAD, &msg), 0);
	assert_false(msg.has_lladdr);
	assert_memory_equal(msg.src, ZERO, 16);
	/* an unknown option is skipped */
	assert_int_equal(parse_hex(IN_NS_OPTS, &msg), 0);
	assert_true(msg.has_lladdr);
	assert_memory_equal(msg.lladdr, MAC_PEER, 6);
	/* what we build reads back */
	assert_int_equal(parse_hex(NS_MCAST, &msg), 0);
	assert_memory_equal(msg.lladdr, US, 6);
	assert_int_equal(parse_hex(NA_REPLY, &msg), 0);
	assert_int_equal(msg.flags, ND_NA_FLAG_ROUTER | ND_NA_FLAG_SOLICITED |
				    ND_NA_FLAG_OVERRIDE);
	assert_int_equal(parse_hex(NA_DAD, &msg), 0);

	/* chained anywhere, and with link padding after the payload */
	n = unhex(IN_NS, f, sizeof(f));
	for (split = 1; split < n; split += 7) {
		m = mbuf_of(f, (uint32_t)n, split);
		assert_int_equal(nd_parse(m, 14, &msg), 0);
		assert_memory_equal(msg.lladdr, MAC_PEER, 6);
		rte_pktmbuf_free(m);
	}
	f[n] = 0;
	f[n + 1] = 0;
	m = mbuf_of(f, (uint32_t)n + 2, 0);
	assert_int_equal(nd_parse(m, 14, &msg), 0);
	rte_pktmbuf_free(m);

	/* each bad one */
	for (i = 0; i < RTE_DIM(bad); i++) {
		print_message("  %s\n", bad[i].name);
		assert_int_equal(parse_hex(bad[i].hex, &msg), -EINVAL);
	}
	/* truncated: every length short of the whole */
	for (i = 0; i < n; i++) {
		m = mbuf_of(f, (uint32_t)i, 0);
		assert_int_equal(nd_parse(m, 14, &msg), -EINVAL);
		rte_pktmbuf_free(m);
	}
	/* one bit anywhere in the IPv6 addresses or ICMPv6 part: checksum */
	for (i = 14 + 8; i < n; i++) {
		f[i] ^= 0x10;
		m = mbuf_of(f, (uint32_t)n, 0);
		assert_int_equal(nd_parse(m, 14, &msg), -EINVAL);
		rte_pktmbuf_free(m);
		f[i] ^= 0x10;
	}
	/* not IPv6, not ICMPv6 */
	f[14] = 0x45;
	m = mbuf_of(f, (uint32_t)n, 0);
	assert_int_equal(nd_parse(m, 14, &msg), -EINVAL);
	rte_pktmbuf_free(m);
	f[14] = 0x60;
	f[20] = 17;
	m = mbuf_of(f, (uint32_t)n, 0);
	assert_int_equal(nd_parse(m, 14, &msg), -EINVAL);
	rte_pktmbuf_free(m);
	assert_int_equal(rte_mempool_avail_count(pool), avail);
}

/* ---- main ----------------------------------------------------------------- */

static int group_setup(void **state)
{
	(void)state;
	pool = test_eal_start_pool("test_route6", 511);
	return pool != NULL ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	rte_mempool_free(pool);
	pool = NULL;
	rte_eal_cleanup();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_route6_table),
		cmocka_unit_test(test_route6_fib_edges),
		cmocka_unit_test(test_route6_random),
		cmocka_unit_test(test_neigh6_static),
		cmocka_unit_test(test_neigh6_hold_confirm),
		cmocka_unit_test(test_neigh6_nd_updates),
		cmocka_unit_test(test_neigh6_incomplete_timeout),
		cmocka_unit_test(test_neigh6_probe),
		cmocka_unit_test(test_neigh6_side_by_side),
		cmocka_unit_test(test_neigh6_rcu),
		cmocka_unit_test(test_nd_build),
		cmocka_unit_test(test_nd_parse),
	};

	return cmocka_run_group_tests_name("route6", tests, group_setup, group_teardown);
}
