/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for lib/spd: numbered table cases (actions, default, priorities
 * and ties, prefix lengths 0..32, port range edges, protocol any/specific,
 * fragments, IP options, malformed packets, rule validation), then a seeded
 * random check of spd_lookup_burst() against a naive linear first-match
 * (after wg selftest/allowedips.c). Then the same for IPv6 (prefix lengths
 * 0..128, extension headers, short and odd packets) and for both families
 * in one builder and one burst, with its own random check.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "lib/spd/spd.h"
#include "test_eal.h"

#define A(a, b, c, d) \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

enum { L3_OFF = 14, BURST = 50 };   /* BURST > ESPGW_MAX_BURST on purpose */

static struct rte_mempool *pool;

/* ---- helpers -------------------------------------------------------------- */

struct pkt {
	uint32_t src, dst;
	uint8_t proto;
	uint16_t sport, dport;
	uint16_t frag;          /* host order flags|offset field */
	uint8_t ihl;            /* 32-bit words; 0 means 5 */
	int16_t trunc;          /* >0: cut the packet to this many bytes after l3 */
	uint8_t version;        /* 0 means 4 */
};

/* Write p into m at L3_OFF: IPv4 header (options filled with 0x01 NOPs,
 * whose bytes would make wrong "ports" 0x0101), then 8 bytes of L4. */
static void pkt_fill(struct rte_mbuf *m, const struct pkt *p, uint16_t off)
{
	uint8_t ihl = p->ihl != 0 ? p->ihl : 5;
	uint16_t len = off + ihl * 4 + 8;
	struct rte_ipv4_hdr *ip;
	uint8_t *d;

	rte_pktmbuf_reset(m);
	d = (uint8_t *)rte_pktmbuf_append(m, len);
	assert_non_null(d);
	memset(d, 0xee, off);
	ip = (struct rte_ipv4_hdr *)(d + off);
	memset(ip, 0x01, ihl * 4);
	ip->version_ihl = (uint8_t)((p->version != 0 ? p->version : 4) << 4 | ihl);
	ip->type_of_service = 0;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(ihl * 4 + 8));
	ip->packet_id = 0;
	ip->fragment_offset = rte_cpu_to_be_16(p->frag);
	ip->time_to_live = 64;
	ip->next_proto_id = p->proto;
	ip->hdr_checksum = 0;
	ip->src_addr = rte_cpu_to_be_32(p->src);
	ip->dst_addr = rte_cpu_to_be_32(p->dst);
	d += off + ihl * 4;
	d[0] = (uint8_t)(p->sport >> 8);
	d[1] = (uint8_t)p->sport;
	d[2] = (uint8_t)(p->dport >> 8);
	d[3] = (uint8_t)p->dport;
	memset(d + 4, 0x5a, 4);
	if (p->trunc > 0)
		assert_int_equal(rte_pktmbuf_trim(m, (uint16_t)(len - off - p->trunc)), 0);
}

static uint32_t lookup1(const struct spd *s, const struct pkt *p)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint16_t off = L3_OFF;
	uint32_t r = 0xdeadbeef;

	assert_non_null(m);
	pkt_fill(m, p, off);
	spd_lookup_burst(s, &m, &off, 1, &r);
	rte_pktmbuf_free(m);
	return r;
}

static struct spd_rule rule_any(void)
{
	return (struct spd_rule){
		.proto = SPD_PROTO_ANY,
		.sport_hi = UINT16_MAX, .dport_hi = UINT16_MAX,
		.action = SPD_BYPASS,
	};
}

static struct spd *build(struct spd_builder *b)
{
	struct spd *s = spd_build(b, SOCKET_ID_ANY);

	assert_non_null(s);
	return s;
}

#define R_PROT(sa) spd_result(SPD_PROTECT, (sa))
#define R_BYP spd_result(SPD_BYPASS, 0)
#define R_DISC spd_result(SPD_DISCARD, 0)

/* ---- table cases ---------------------------------------------------------- */

/* 1. No rules: DISCARD (RFC 4301 §5.1), or the configured default. */
static void test_spd_default(void **state)
{
	struct spd_builder *b = spd_builder_create();
	struct pkt p = { .src = A(10, 0, 0, 1), .dst = A(10, 0, 0, 2), .proto = IPPROTO_UDP };
	struct spd *s;
	uint32_t r;

	(void)state;
	assert_non_null(b);
	s = build(b);
	assert_int_equal(spd_count(s), 0);
	r = lookup1(s, &p);
	assert_int_equal(r, R_DISC);
	assert_int_equal(spd_action(r), SPD_DISCARD);
	spd_free(s);

	assert_int_equal(spd_builder_set_default(b, SPD_BYPASS, 0), 0);
	s = build(b);
	assert_int_equal(lookup1(s, &p), R_BYP);
	spd_free(s);

	assert_int_equal(spd_builder_set_default(b, SPD_PROTECT, 77), 0);
	s = build(b);
	r = lookup1(s, &p);
	assert_int_equal(spd_action(r), SPD_PROTECT);
	assert_int_equal(spd_sa(r), 77);
	spd_free(s);
	spd_builder_free(b);
}

/* 2. The three actions, the SA index round trip, and a miss. */
static void test_spd_actions(void **state)
{
	struct spd_builder *b = spd_builder_create();
	struct spd_rule r = rule_any();
	struct pkt p = { .src = A(10, 1, 2, 3), .proto = IPPROTO_TCP, .sport = 1234, .dport = 80 };
	struct spd *s;

	(void)state;
	r.src = A(10, 0, 0, 0), r.src_len = 8;
	r.dst = A(192, 168, 1, 0), r.dst_len = 24;
	r.proto = IPPROTO_TCP, r.dport_lo = 80, r.dport_hi = 80;
	r.action = SPD_PROTECT, r.sa = SPD_SA_MAX;
	assert_int_equal(spd_builder_add(b, &r), 0);
	r.dport_lo = 443, r.dport_hi = 443, r.action = SPD_BYPASS, r.sa = 0;
	assert_int_equal(spd_builder_add(b, &r), 0);
	r.dport_lo = 22, r.dport_hi = 22, r.action = SPD_DISCARD;
	assert_int_equal(spd_builder_add(b, &r), 0);
	assert_int_equal(spd_builder_set_default(b, SPD_PROTECT, 5), 0);
	s = build(b);
	assert_int_equal(spd_count(s), 3);

	p.dst = A(192, 168, 1, 9);
	assert_int_equal(lookup1(s, &p), R_PROT(SPD_SA_MAX));
	assert_int_equal(spd_sa(lookup1(s, &p)), SPD_SA_MAX);
	p.dport = 443;
	assert_int_equal(lookup1(s, &p), R_BYP);
	p.dport = 22;
	assert_int_equal(lookup1(s, &p), R_DISC);
	p.dport = 23;                           /* miss: default */
	assert_int_equal(lookup1(s, &p), R_PROT(5));
	p.dport = 80, p.dst = A(192, 168, 2, 9);
	assert_int_equal(lookup1(s, &p), R_PROT(5));
	p.dst = A(192, 168, 1, 9), p.src = A(11, 0, 0, 1);
	assert_int_equal(lookup1(s, &p), R_PROT(5));
	spd_free(s);
	spd_builder_free(b);
}

/* 3. Lower priority number first, whatever the order of addition; equal
 * priorities: first added wins, both ways round. */
static void test_spd_priority(void **state)
{
	struct pkt p = { .src = A(10, 0, 0, 1), .dst = A(10, 0, 0, 2), .proto = IPPROTO_UDP,
			 .sport = 500, .dport = 500 };
	struct spd_rule broad = rule_any(), narrow = rule_any();
	struct spd_builder *b;
	struct spd *s;
	int order;

	(void)state;
	broad.priority = 10, broad.action = SPD_BYPASS;
	narrow.priority = 5, narrow.action = SPD_PROTECT, narrow.sa = 1;
	narrow.dst = A(10, 0, 0, 2), narrow.dst_len = 32;
	for (order = 0; order < 2; order++) {
		b = spd_builder_create();
		assert_int_equal(spd_builder_add(b, order ? &narrow : &broad), 0);
		assert_int_equal(spd_builder_add(b, order ? &broad : &narrow), 0);
		s = build(b);
		assert_int_equal(lookup1(s, &p), R_PROT(1));
		p.dst = A(10, 0, 0, 3);
		assert_int_equal(lookup1(s, &p), R_BYP);
		p.dst = A(10, 0, 0, 2);
		spd_free(s);
		spd_builder_free(b);
	}
	/* Ties: same priority, overlapping; the first added decides. */
	narrow.priority = broad.priority;
	for (order = 0; order < 2; order++) {
		b = spd_builder_create();
		assert_int_equal(spd_builder_add(b, order ? &narrow : &broad), 0);
		assert_int_equal(spd_builder_add(b, order ? &broad : &narrow), 0);
		s = build(b);
		assert_int_equal(lookup1(s, &p), order ? R_PROT(1) : R_BYP);
		spd_free(s);
		spd_builder_free(b);
	}
	/* Extremes of the priority space and many ties in a row. */
	b = spd_builder_create();
	for (order = 0; order < 40; order++) {
		narrow.priority = UINT32_MAX, narrow.sa = (uint32_t)order;
		assert_int_equal(spd_builder_add(b, &narrow), 0);
	}
	broad.priority = 0, broad.src = A(10, 0, 0, 9), broad.src_len = 32;
	assert_int_equal(spd_builder_add(b, &broad), 0);
	s = build(b);
	assert_int_equal(lookup1(s, &p), R_PROT(0));
	p.src = A(10, 0, 0, 9);
	assert_int_equal(lookup1(s, &p), R_BYP);
	spd_free(s);
	spd_builder_free(b);
}

/* 4. Every prefix length on src and on dst: the base address, the last host
 * bit, and the last network bit flipped. */
static void test_spd_prefix_len(void **state)
{
	const uint32_t base = A(172, 29, 183, 77);
	int len, side;

	(void)state;
	for (side = 0; side < 2; side++) {
		for (len = 0; len <= 32; len++) {
			struct spd_builder *b = spd_builder_create();
			struct spd_rule r = rule_any();
			struct pkt p = { .src = A(1, 1, 1, 1), .dst = A(2, 2, 2, 2),
					 .proto = IPPROTO_ICMP };
			uint32_t *a = side ? &p.dst : &p.src;
			struct spd *s;

			r.action = SPD_PROTECT, r.sa = (uint32_t)len;
			if (side)
				r.dst = base, r.dst_len = (uint8_t)len;
			else
				r.src = base, r.src_len = (uint8_t)len;
			assert_int_equal(spd_builder_add(b, &r), 0);
			s = build(b);
			*a = base;
			assert_int_equal(lookup1(s, &p), R_PROT(len));
			if (len < 32) {
				*a = base ^ 1;
				assert_int_equal(lookup1(s, &p), R_PROT(len));
				*a = base ^ (UINT32_C(1) << (31 - len));  /* first host bit */
				assert_int_equal(lookup1(s, &p), R_PROT(len));
			}
			if (len > 0) {
				*a = base ^ (UINT32_C(1) << (32 - len));  /* last net bit */
				assert_int_equal(lookup1(s, &p), R_DISC);
			}
			spd_free(s);
			spd_builder_free(b);
		}
	}
}

/* 5. Port range edges, both directions, TCP and UDP. */
static void test_spd_ports(void **state)
{
	static const struct {
		uint16_t lo, hi, port;
		bool hit;
	} t[] = {
		{ 1000, 2000, 999, false }, { 1000, 2000, 1000, true },
		{ 1000, 2000, 1500, true }, { 1000, 2000, 2000, true },
		{ 1000, 2000, 2001, false }, { 0, 0, 0, true }, { 0, 0, 1, false },
		{ 65535, 65535, 65535, true }, { 65535, 65535, 65534, false },
		{ 0, 65535, 0, true }, { 0, 65535, 65535, true },
		{ 256, 256, 256, true }, { 256, 256, 1, false },  /* byte order */
		{ 1, 1, 256, false }, { 255, 256, 255, true }, { 255, 256, 257, false },
	};
	unsigned int i;
	int dir, proto;

	(void)state;
	for (proto = 0; proto < 2; proto++) {
		for (dir = 0; dir < 2; dir++) {
			for (i = 0; i < RTE_DIM(t); i++) {
				struct spd_builder *b = spd_builder_create();
				struct spd_rule r = rule_any();
				struct pkt p = { .proto = proto ? IPPROTO_UDP : IPPROTO_TCP,
						 .sport = 7, .dport = 7 };
				struct spd *s;

				r.proto = p.proto, r.action = SPD_PROTECT, r.sa = i;
				if (dir)
					r.dport_lo = t[i].lo, r.dport_hi = t[i].hi, p.dport = t[i].port;
				else
					r.sport_lo = t[i].lo, r.sport_hi = t[i].hi, p.sport = t[i].port;
				assert_int_equal(spd_builder_add(b, &r), 0);
				s = build(b);
				assert_int_equal(lookup1(s, &p), t[i].hit ? R_PROT(i) : R_DISC);
				spd_free(s);
				spd_builder_free(b);
			}
		}
	}
}

/* 6. A specific protocol against any; ICMP has no ports (read as 0). */
static void test_spd_proto(void **state)
{
	struct spd_builder *b = spd_builder_create();
	struct spd_rule r = rule_any();
	struct pkt p = { .src = A(10, 0, 0, 1), .dst = A(10, 0, 0, 2), .sport = 53, .dport = 53 };
	struct spd *s;

	(void)state;
	r.proto = IPPROTO_UDP, r.action = SPD_PROTECT, r.sa = 17, r.priority = 1;
	assert_int_equal(spd_builder_add(b, &r), 0);
	r.proto = IPPROTO_ICMP, r.sa = 1;
	assert_int_equal(spd_builder_add(b, &r), 0);
	r.proto = 0, r.sa = 100;                  /* HOPOPT: 0 is a protocol too */
	assert_int_equal(spd_builder_add(b, &r), 0);
	r.proto = SPD_PROTO_ANY, r.action = SPD_BYPASS, r.sa = 0, r.priority = 2;
	assert_int_equal(spd_builder_add(b, &r), 0);
	s = build(b);
	p.proto = IPPROTO_UDP;
	assert_int_equal(lookup1(s, &p), R_PROT(17));
	p.proto = IPPROTO_ICMP;
	assert_int_equal(lookup1(s, &p), R_PROT(1));
	p.proto = 0;
	assert_int_equal(lookup1(s, &p), R_PROT(100));
	p.proto = IPPROTO_TCP;
	assert_int_equal(lookup1(s, &p), R_BYP);
	p.proto = IPPROTO_ESP;
	assert_int_equal(lookup1(s, &p), R_BYP);
	p.proto = 255;
	assert_int_equal(lookup1(s, &p), R_BYP);
	spd_free(s);
	spd_builder_free(b);

	/* ICMP "ports" are 0: a TCP/UDP-style port rule never sees type/code. */
	b = spd_builder_create();
	r = rule_any();
	r.proto = IPPROTO_UDP, r.sport_lo = 0, r.sport_hi = 0, r.action = SPD_PROTECT, r.sa = 3;
	assert_int_equal(spd_builder_add(b, &r), 0);
	s = build(b);
	p.proto = IPPROTO_UDP, p.sport = 0;
	assert_int_equal(lookup1(s, &p), R_PROT(3));
	p.sport = 8;
	assert_int_equal(lookup1(s, &p), R_DISC);
	spd_free(s);
	spd_builder_free(b);
}

/* 7. Fragments: first fragment (MF, offset 0) has ports; later ones match
 * with ports 0 (RFC 4301 §4.4.1 OPAQUE). */
static void test_spd_fragments(void **state)
{
	struct spd_builder *b = spd_builder_create();
	struct spd_rule r = rule_any();
	struct pkt p = { .src = A(10, 0, 0, 1), .dst = A(10, 0, 0, 2), .proto = IPPROTO_TCP,
			 .sport = 40000, .dport = 80 };
	struct spd *s;

	(void)state;
	r.proto = IPPROTO_TCP, r.dport_lo = 80, r.dport_hi = 80, r.action = SPD_PROTECT,
		r.sa = 80, r.priority = 1;
	assert_int_equal(spd_builder_add(b, &r), 0);
	r.dport_lo = 0, r.dport_hi = 10, r.sa = 10, r.priority = 2;
	assert_int_equal(spd_builder_add(b, &r), 0);
	r.dport_lo = 0, r.dport_hi = UINT16_MAX, r.action = SPD_BYPASS, r.sa = 0, r.priority = 3;
	r.proto = IPPROTO_UDP;
	assert_int_equal(spd_builder_add(b, &r), 0);
	s = build(b);
	assert_int_equal(lookup1(s, &p), R_PROT(80));
	p.frag = RTE_IPV4_HDR_MF_FLAG;                         /* first fragment */
	assert_int_equal(lookup1(s, &p), R_PROT(80));
	p.frag = RTE_IPV4_HDR_DF_FLAG;
	assert_int_equal(lookup1(s, &p), R_PROT(80));
	p.frag = RTE_IPV4_HDR_MF_FLAG | 185;                   /* middle */
	assert_int_equal(lookup1(s, &p), R_PROT(10));
	p.frag = 1;                                            /* last */
	assert_int_equal(lookup1(s, &p), R_PROT(10));
	p.frag = RTE_IPV4_HDR_OFFSET_MASK;
	assert_int_equal(lookup1(s, &p), R_PROT(10));
	p.proto = IPPROTO_UDP;                                 /* full-range rule */
	assert_int_equal(lookup1(s, &p), R_BYP);
	/* A later fragment needs no L4 bytes at all. */
	p.proto = IPPROTO_TCP, p.trunc = 20;
	assert_int_equal(lookup1(s, &p), R_PROT(10));
	spd_free(s);
	spd_builder_free(b);
}

/* 8. IP options: ports are found after IHL words, for every IHL. */
static void test_spd_options(void **state)
{
	struct spd_builder *b = spd_builder_create();
	struct spd_rule r = rule_any();
	struct pkt p = { .src = A(10, 0, 0, 1), .dst = A(10, 0, 0, 2), .proto = IPPROTO_UDP,
			 .sport = 4500, .dport = 4500 };
	struct spd *s;
	uint8_t ihl;

	(void)state;
	r.proto = IPPROTO_UDP, r.sport_lo = r.sport_hi = 4500, r.dport_lo = r.dport_hi = 4500;
	r.action = SPD_PROTECT, r.sa = 9;
	assert_int_equal(spd_builder_add(b, &r), 0);
	r.sport_lo = r.sport_hi = 0x0101, r.dport_lo = r.dport_hi = 0x0101, r.sa = 1;
	assert_int_equal(spd_builder_add(b, &r), 0);   /* would match option bytes */
	s = build(b);
	for (ihl = 5; ihl <= 15; ihl++) {
		p.ihl = ihl;
		assert_int_equal(lookup1(s, &p), R_PROT(9));
	}
	spd_free(s);
	spd_builder_free(b);
}

/* 9. Packets that cannot be classified are discarded, whatever the default. */
static void test_spd_malformed(void **state)
{
	struct spd_builder *b = spd_builder_create();
	struct pkt ok = { .src = A(10, 0, 0, 1), .dst = A(10, 0, 0, 2), .proto = IPPROTO_TCP,
			  .sport = 1, .dport = 2 };
	struct pkt p;
	struct spd *s;

	(void)state;
	assert_int_equal(spd_builder_set_default(b, SPD_BYPASS, 0), 0);
	s = build(b);
	assert_int_equal(lookup1(s, &ok), R_BYP);
	p = ok, p.version = 6;
	assert_int_equal(lookup1(s, &p), R_DISC);
	p = ok, p.ihl = 4;
	assert_int_equal(lookup1(s, &p), R_DISC);
	p = ok, p.trunc = 19;                           /* short IPv4 header */
	assert_int_equal(lookup1(s, &p), R_DISC);
	p = ok, p.ihl = 8, p.trunc = 31;                /* options cut */
	assert_int_equal(lookup1(s, &p), R_DISC);
	p = ok, p.trunc = 23;                           /* ports cut */
	assert_int_equal(lookup1(s, &p), R_DISC);
	p = ok, p.trunc = 24;                           /* ports just there */
	assert_int_equal(lookup1(s, &p), R_BYP);
	p = ok, p.proto = IPPROTO_ICMP, p.trunc = 20;   /* no L4 needed */
	assert_int_equal(lookup1(s, &p), R_BYP);
	spd_free(s);
	spd_builder_free(b);
}

/* 10. Rule and default validation. */
static void test_spd_validate(void **state)
{
	struct spd_builder *b = spd_builder_create();
	struct spd_rule r;

	(void)state;
	r = rule_any(), r.src_len = 33;
	assert_int_equal(spd_builder_add(b, &r), -EINVAL);
	r = rule_any(), r.dst_len = 33;
	assert_int_equal(spd_builder_add(b, &r), -EINVAL);
	r = rule_any(), r.proto = SPD_PROTO_ANY + 1;
	assert_int_equal(spd_builder_add(b, &r), -EINVAL);
	r = rule_any(), r.dport_lo = 10;                /* ports, proto any */
	assert_int_equal(spd_builder_add(b, &r), -EINVAL);
	r = rule_any(), r.proto = IPPROTO_ICMP, r.sport_hi = 8;
	assert_int_equal(spd_builder_add(b, &r), -EINVAL);
	r = rule_any(), r.proto = IPPROTO_TCP, r.sport_lo = 9, r.sport_hi = 8;
	assert_int_equal(spd_builder_add(b, &r), -EINVAL);
	r = rule_any(), r.proto = IPPROTO_UDP, r.dport_lo = 9, r.dport_hi = 8;
	assert_int_equal(spd_builder_add(b, &r), -EINVAL);
	r = rule_any(), r.action = (enum spd_action)0;
	assert_int_equal(spd_builder_add(b, &r), -EINVAL);
	r = rule_any(), r.action = (enum spd_action)4;
	assert_int_equal(spd_builder_add(b, &r), -EINVAL);
	r = rule_any(), r.action = SPD_PROTECT, r.sa = SPD_SA_MAX + 1;
	assert_int_equal(spd_builder_add(b, &r), -EINVAL);
	assert_int_equal(spd_builder_count(b), 0);
	r = rule_any(), r.proto = IPPROTO_TCP, r.dport_lo = 9, r.dport_hi = 9;
	assert_int_equal(spd_builder_add(b, &r), 0);
	r = rule_any(), r.proto = IPPROTO_ICMP;
	assert_int_equal(spd_builder_add(b, &r), 0);
	assert_int_equal(spd_builder_count(b), 2);
	assert_int_equal(spd_builder_set_default(b, (enum spd_action)0, 0), -EINVAL);
	assert_int_equal(spd_builder_set_default(b, SPD_PROTECT, SPD_SA_MAX + 1), -EINVAL);
	spd_builder_free(b);
	spd_builder_free(NULL);
	spd_free(NULL);
}

/* 11. Rebuild: two SPDs from one builder live side by side (RCU window);
 * host bits beyond the prefix are ignored. */
static void test_spd_rebuild(void **state)
{
	struct spd_builder *b = spd_builder_create();
	struct spd_rule r = rule_any();
	struct pkt p = { .src = A(10, 0, 0, 1), .dst = A(10, 9, 9, 9), .proto = IPPROTO_UDP };
	struct spd *s1, *s2;

	(void)state;
	r.dst = A(10, 9, 9, 9), r.dst_len = 16, r.action = SPD_PROTECT, r.sa = 1;
	r.priority = 10;
	assert_int_equal(spd_builder_add(b, &r), 0);
	s1 = build(b);
	r.dst = A(10, 9, 9, 9), r.dst_len = 32, r.priority = 0, r.sa = 2;
	assert_int_equal(spd_builder_add(b, &r), 0);
	s2 = build(b);
	assert_int_equal(lookup1(s1, &p), R_PROT(1));
	assert_int_equal(lookup1(s2, &p), R_PROT(2));
	p.dst = A(10, 9, 0, 0);
	assert_int_equal(lookup1(s1, &p), R_PROT(1));
	assert_int_equal(lookup1(s2, &p), R_PROT(1));
	spd_free(s1);
	assert_int_equal(lookup1(s2, &p), R_PROT(1));
	spd_free(s2);
	spd_builder_free(b);
}

/* ---- random check against a linear first-match --------------------------- */

static uint64_t rng_state;

static uint32_t rnd(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * UINT64_C(2685821657736338717)) >> 32);
}

static const uint32_t addr_pool[] = {
	A(10, 0, 0, 0), A(10, 0, 1, 0), A(10, 128, 0, 0), A(192, 168, 0, 0),
	A(192, 168, 255, 255), A(0, 0, 0, 0), A(255, 255, 255, 255), A(172, 16, 5, 1),
};
static const uint16_t port_pool[] = { 0, 1, 79, 80, 81, 500, 4500, 1023, 1024,
				      255, 256, 65534, 65535 };
static const uint8_t proto_pool[] = { IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP, IPPROTO_ESP, 0 };

static uint32_t rnd_addr(void)
{
	/* One rnd() per statement: a seed replays the same on any compiler. */
	uint32_t a = addr_pool[rnd() % RTE_DIM(addr_pool)];
	uint32_t low = (UINT32_C(1) << (rnd() % 33 / 2)) - 1;

	/* Disturb a few low bits so prefixes split both ways. */
	a ^= rnd() & low;
	if (rnd() % 4 == 0)
		a ^= UINT32_C(1) << (rnd() % 32);
	return a;
}

static uint16_t rnd_port(void)
{
	return rnd() % 4 == 0 ? (uint16_t)rnd() : port_pool[rnd() % RTE_DIM(port_pool)];
}

static void rnd_range(uint16_t *lo, uint16_t *hi)
{
	uint16_t a = rnd_port(), b = rnd_port();

	if (rnd() % 3 == 0) {
		*lo = 0, *hi = UINT16_MAX;
		return;
	}
	*lo = RTE_MIN(a, b), *hi = RTE_MAX(a, b);
}

/* min_len > 0: no wildcard addresses, so the default gets its share too. */
static void rnd_rule(struct spd_rule *r, unsigned int min_len)
{
	*r = rule_any();
	r->src = rnd_addr(), r->src_len = (uint8_t)(min_len + rnd() % (33 - min_len));
	r->dst = rnd_addr(), r->dst_len = (uint8_t)(min_len + rnd() % (33 - min_len));
	if (min_len == 0 && rnd() % 4 == 0)
		r->src_len = 0;
	if (rnd() % 4 != 0) {
		r->proto = proto_pool[rnd() % RTE_DIM(proto_pool)];
		if (r->proto == IPPROTO_TCP || r->proto == IPPROTO_UDP) {
			rnd_range(&r->sport_lo, &r->sport_hi);
			rnd_range(&r->dport_lo, &r->dport_hi);
		}
	}
	r->priority = rnd() % 50;       /* plenty of ties */
	r->action = (enum spd_action)(1 + rnd() % 3);
	r->sa = r->action == SPD_PROTECT ? rnd() & SPD_SA_MAX : 0;
}

static bool in_prefix(uint32_t a, uint32_t net, uint8_t len)
{
	return len == 0 || ((a ^ net) >> (32 - len)) == 0;
}

/* The obvious SPD: scan everything, keep the best (priority, index). */
static uint32_t ref_lookup(const struct spd_rule *rules, unsigned int n, uint32_t def,
			   const struct pkt *p, unsigned int *hits)
{
	bool ports = (p->frag & RTE_IPV4_HDR_OFFSET_MASK) == 0 &&
		(p->proto == IPPROTO_TCP || p->proto == IPPROTO_UDP);
	uint16_t sp = ports ? p->sport : 0, dp = ports ? p->dport : 0;
	const struct spd_rule *best = NULL;
	unsigned int i;

	for (i = 0; i < n; i++) {
		const struct spd_rule *r = &rules[i];

		if (!in_prefix(p->src, r->src, r->src_len) ||
		    !in_prefix(p->dst, r->dst, r->dst_len) ||
		    (r->proto != SPD_PROTO_ANY && r->proto != p->proto) ||
		    sp < r->sport_lo || sp > r->sport_hi ||
		    dp < r->dport_lo || dp > r->dport_hi)
			continue;
		if (best == NULL || r->priority < best->priority)
			best = r;
	}
	if (best == NULL)
		return def;
	(*hits)++;
	return spd_result(best->action, best->sa);
}

static void random_round(uint64_t seed, unsigned int n_rules, unsigned int n_pkts,
			 unsigned int min_len)
{
	struct spd_rule *rules = calloc(n_rules, sizeof(*rules));
	struct spd_builder *b = spd_builder_create();
	struct rte_mbuf *mb[BURST];
	struct pkt p[BURST];
	uint16_t off[BURST];
	uint32_t res[BURST], def;
	uint16_t n;
	unsigned int i, j, done, hits = 0, total = 0;
	struct spd *s;

	assert_non_null(rules);
	rng_state = seed;
	def = rnd() % 2 ? R_DISC : R_BYP;
	assert_int_equal(spd_builder_set_default(b, spd_action(def), 0), 0);
	for (i = 0; i < n_rules; i++) {
		rnd_rule(&rules[i], min_len);
		assert_int_equal(spd_builder_add(b, &rules[i]), 0);
	}
	s = build(b);
	assert_int_equal(rte_pktmbuf_alloc_bulk(pool, mb, BURST), 0);
	for (done = 0; done < n_pkts; done += n) {
		n = (uint16_t)(1 + rnd() % BURST);
		for (j = 0; j < n; j++) {
			/* Aim at a rule's addresses half the time so deep
			 * rules get hit, not just the wide ones. */
			const struct spd_rule *r = &rules[rnd() % n_rules];

			memset(&p[j], 0, sizeof(p[j]));
			p[j].src = rnd() % 2 ? r->src ^ (rnd() % 4) : rnd_addr();
			p[j].dst = rnd() % 2 ? r->dst ^ (rnd() % 4) : rnd_addr();
			p[j].proto = rnd() % 8 == 0 ? (uint8_t)rnd() :
				proto_pool[rnd() % RTE_DIM(proto_pool)];
			p[j].sport = rnd() % 2 ? r->sport_lo : rnd_port();
			p[j].dport = rnd() % 2 ? r->dport_hi : rnd_port();
			p[j].frag = rnd() % 8 == 0 ? (uint16_t)(rnd() & 0x3fff) : 0;
			p[j].ihl = (uint8_t)(rnd() % 4 == 0 ? 5 + rnd() % 11 : 5);
			off[j] = (uint16_t)(rnd() % 3 * 14);
			pkt_fill(mb[j], &p[j], off[j]);
		}
		spd_lookup_burst(s, mb, off, n, res);
		total += n;
		for (j = 0; j < n; j++) {
			uint32_t want = ref_lookup(rules, n_rules, def, &p[j], &hits);

			if (res[j] != want)
				fail_msg("seed %" PRIu64 " pkt %u: got %#x want %#x "
					 "(src %#x dst %#x proto %u sp %u dp %u frag %#x)",
					 seed, done + j, res[j], want, p[j].src, p[j].dst,
					 p[j].proto, p[j].sport, p[j].dport, p[j].frag);
		}
	}
	/* The packets must reach the rules, not just the default. */
	print_message("seed %" PRIu64 ": %u rules, %u packets, %u matched a rule\n",
		      seed, n_rules, total, hits);
	assert_true(n_rules < 10 || hits > total / 4);
	assert_true(n_rules < 10 || min_len == 0 || hits < total - total / 8);
	rte_pktmbuf_free_bulk(mb, BURST);
	spd_free(s);
	spd_builder_free(b);
	free(rules);
}

/* 12. Several seeds, several rule-set sizes, 30000+ packets each. */
static void test_spd_random(void **state)
{
	(void)state;
	random_round(1, 1, 5000, 0);
	random_round(2, 17, 20000, 0);
	random_round(3, 300, 40000, 0);
	random_round(4, 300, 40000, 8);
	random_round(0x5eed5eedULL, 500, 40000, 4);
	assert_true(rte_mempool_full(pool));
}

/* ---- IPv6 and mixed families -------------------------------------------- */

struct pkt6 {
	uint8_t src[16], dst[16];
	uint8_t nh;             /* next header */
	uint16_t sport, dport;  /* written right after the fixed header */
	int16_t trunc;          /* >0: cut the packet to this many bytes after l3 */
	uint8_t version;        /* 0 means 6 */
	uint8_t split;          /* >0: second segment starts this far into l3 */
};

enum { V6_LEN = 40 + 8 };

/* Write p into m at off: IPv6 fixed header, then 8 bytes that read as
 * ports whatever the next header says (so a wrong walk would show). */
static void pkt6_fill(struct rte_mbuf *m, const struct pkt6 *p, uint16_t off)
{
	uint16_t len = off + V6_LEN;
	struct rte_ipv6_hdr *ip;
	uint8_t *d;

	rte_pktmbuf_reset(m);
	d = (uint8_t *)rte_pktmbuf_append(m, len);
	assert_non_null(d);
	memset(d, 0xee, off);
	ip = (struct rte_ipv6_hdr *)(d + off);
	ip->vtc_flow = rte_cpu_to_be_32((uint32_t)(p->version != 0 ? p->version : 6) << 28 |
					0x0badc0deu >> 4);
	ip->payload_len = rte_cpu_to_be_16(8);
	ip->proto = p->nh;
	ip->hop_limits = 64;
	memcpy(ip->src_addr, p->src, 16);
	memcpy(ip->dst_addr, p->dst, 16);
	d += off + 40;
	d[0] = (uint8_t)(p->sport >> 8);
	d[1] = (uint8_t)p->sport;
	d[2] = (uint8_t)(p->dport >> 8);
	d[3] = (uint8_t)p->dport;
	memset(d + 4, 0x5a, 4);
	if (p->trunc > 0)
		assert_int_equal(rte_pktmbuf_trim(m, (uint16_t)(len - off - p->trunc)), 0);
}

/* Like pkt6_fill, then move everything from off + p->split on into a
 * second segment. */
static struct rte_mbuf *pkt6_alloc(const struct pkt6 *p, uint16_t off)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool), *m2;
	uint16_t cut = off + p->split, tail;
	uint8_t *d;

	assert_non_null(m);
	pkt6_fill(m, p, off);
	if (p->split == 0 || cut >= m->data_len)
		return m;
	m2 = rte_pktmbuf_alloc(pool);
	assert_non_null(m2);
	tail = (uint16_t)(m->data_len - cut);
	d = (uint8_t *)rte_pktmbuf_append(m2, tail);
	assert_non_null(d);
	memcpy(d, rte_pktmbuf_mtod_offset(m, uint8_t *, cut), tail);
	assert_int_equal(rte_pktmbuf_trim(m, tail), 0);
	assert_int_equal(rte_pktmbuf_chain(m, m2), 0);
	assert_int_equal(m->nb_segs, 2);
	return m;
}

static uint32_t lookup6(const struct spd *s, const struct pkt6 *p)
{
	struct rte_mbuf *m = pkt6_alloc(p, L3_OFF);
	uint16_t off = L3_OFF;
	uint32_t r = 0xdeadbeef;

	spd_lookup_burst(s, &m, &off, 1, &r);
	rte_pktmbuf_free(m);
	return r;
}

/* A packet of exactly these len bytes at l3 offset off. */
static uint32_t lookup_raw(const struct spd *s, const void *bytes, uint16_t len, uint16_t off)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint32_t r = 0xdeadbeef;
	uint8_t *d;

	assert_non_null(m);
	d = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(L3_OFF + len));
	assert_non_null(d);
	memset(d, 0xee, L3_OFF);
	memcpy(d + L3_OFF, bytes, len);
	spd_lookup_burst(s, &m, &off, 1, &r);
	rte_pktmbuf_free(m);
	return r;
}

static void a6(uint8_t a[16], const char *str)
{
	assert_int_equal(inet_pton(AF_INET6, str, a), 1);
}

/* Flip bit i of a, 0 being the most significant bit of a[0]. */
static void flip6(uint8_t a[16], unsigned int i)
{
	a[i / 8] ^= (uint8_t)(0x80 >> (i % 8));
}

static struct spd_rule rule6_any(void)
{
	struct spd_rule r = rule_any();

	r.family = SPD_FAMILY_IPV6;
	return r;
}

/* 13. Every IPv6 prefix length (so 0, 1, 63, 64, 65, 127, 128 and the word
 * edges 31..33, 95..97) on src and on dst: the base address, the last bit,
 * the first host bit, and the last network bit flipped. */
static void test_spd6_prefix_len(void **state)
{
	uint8_t base[16];
	int len, side;

	(void)state;
	a6(base, "2001:db8:85a3:7f1e:9c2b:4d60:a1b2:c3d5");
	for (side = 0; side < 2; side++) {
		for (len = 0; len <= 128; len++) {
			struct spd_builder *b = spd_builder_create();
			struct spd_rule r = rule6_any();
			struct pkt6 p = { .nh = IPPROTO_ICMPV6 };
			uint8_t *a = side ? p.dst : p.src;
			struct spd *s;

			a6(p.src, "2001:db8::1");
			a6(p.dst, "2001:db8::2");
			r.action = SPD_PROTECT, r.sa = (uint32_t)len;
			r.src = UINT32_MAX, r.dst = UINT32_MAX;   /* IPv4 fields: ignored */
			if (side)
				memcpy(r.dst6, base, 16), r.dst_len = (uint8_t)len;
			else
				memcpy(r.src6, base, 16), r.src_len = (uint8_t)len;
			assert_int_equal(spd_builder_add(b, &r), 0);
			s = build(b);
			memcpy(a, base, 16);
			assert_int_equal(lookup6(s, &p), R_PROT(len));
			if (len < 128) {
				flip6(a, 127);
				assert_int_equal(lookup6(s, &p), R_PROT(len));
				memcpy(a, base, 16);
				flip6(a, (unsigned int)len);      /* first host bit */
				assert_int_equal(lookup6(s, &p), R_PROT(len));
			}
			if (len > 0) {
				memcpy(a, base, 16);
				flip6(a, (unsigned int)len - 1);  /* last net bit */
				assert_int_equal(lookup6(s, &p), R_DISC);
			}
			spd_free(s);
			spd_builder_free(b);
		}
	}
}

/* 14. IPv6 ports (range edges, both directions, TCP and UDP) and protocols:
 * specific against any, ICMPv6 and ESP without ports, 59 (no next header). */
static void test_spd6_ports_proto(void **state)
{
	static const struct {
		uint16_t lo, hi, port;
		bool hit;
	} t[] = {
		{ 1000, 2000, 999, false }, { 1000, 2000, 1000, true },
		{ 1000, 2000, 2000, true }, { 1000, 2000, 2001, false },
		{ 0, 0, 0, true }, { 0, 0, 1, false }, { 65535, 65535, 65535, true },
		{ 256, 256, 256, true }, { 256, 256, 1, false }, { 1, 1, 256, false },
	};
	struct spd_builder *b;
	struct spd_rule r;
	struct pkt6 p;
	struct spd *s;
	unsigned int i;
	int dir, proto;

	(void)state;
	for (proto = 0; proto < 2; proto++) {
		for (dir = 0; dir < 2; dir++) {
			for (i = 0; i < RTE_DIM(t); i++) {
				b = spd_builder_create();
				r = rule6_any();
				p = (struct pkt6){ .nh = proto ? IPPROTO_UDP : IPPROTO_TCP,
						   .sport = 7, .dport = 7 };
				r.proto = p.nh, r.action = SPD_PROTECT, r.sa = i;
				if (dir)
					r.dport_lo = t[i].lo, r.dport_hi = t[i].hi, p.dport = t[i].port;
				else
					r.sport_lo = t[i].lo, r.sport_hi = t[i].hi, p.sport = t[i].port;
				assert_int_equal(spd_builder_add(b, &r), 0);
				s = build(b);
				assert_int_equal(lookup6(s, &p), t[i].hit ? R_PROT(i) : R_DISC);
				spd_free(s);
				spd_builder_free(b);
			}
		}
	}

	b = spd_builder_create();
	r = rule6_any();
	r.proto = IPPROTO_UDP, r.action = SPD_PROTECT, r.sa = 17, r.priority = 1;
	assert_int_equal(spd_builder_add(b, &r), 0);
	r.proto = IPPROTO_ICMPV6, r.sa = 58;
	assert_int_equal(spd_builder_add(b, &r), 0);
	r.proto = IPPROTO_ESP, r.sa = 50;
	assert_int_equal(spd_builder_add(b, &r), 0);
	r.proto = IPPROTO_NONE, r.sa = 59;
	assert_int_equal(spd_builder_add(b, &r), 0);
	r.proto = IPPROTO_TCP, r.dport_lo = r.dport_hi = 0, r.sa = 6;
	assert_int_equal(spd_builder_add(b, &r), 0);
	r = rule6_any(), r.priority = 2;
	assert_int_equal(spd_builder_add(b, &r), 0);
	s = build(b);
	p = (struct pkt6){ .sport = 53, .dport = 53 };
	p.nh = IPPROTO_UDP;
	assert_int_equal(lookup6(s, &p), R_PROT(17));
	p.nh = IPPROTO_ICMPV6;
	assert_int_equal(lookup6(s, &p), R_PROT(58));
	p.nh = IPPROTO_ESP;
	assert_int_equal(lookup6(s, &p), R_PROT(50));
	p.nh = IPPROTO_NONE;
	assert_int_equal(lookup6(s, &p), R_PROT(59));
	p.nh = IPPROTO_TCP;                             /* dport 53, not 0 */
	assert_int_equal(lookup6(s, &p), R_BYP);
	p.dport = 0;
	assert_int_equal(lookup6(s, &p), R_PROT(6));
	p.nh = IPPROTO_SCTP;                            /* no ports read */
	assert_int_equal(lookup6(s, &p), R_BYP);
	spd_free(s);
	spd_builder_free(b);
}

/* 15. Extension headers are not walked: protocol and ports are OPAQUE, so
 * only proto-any rules match, even when TCP/80 follows the header and even
 * for a rule naming the extension header's own number; no bytes after the
 * fixed header are needed. */
static void test_spd6_ext_hdr(void **state)
{
	static const uint8_t ext[] = { 0, 43, 44, 51, 60, 135, 139, 140, 253, 254 };
	struct spd_builder *b = spd_builder_create();
	struct spd_rule r = rule6_any();
	struct pkt6 p = { .sport = 40000, .dport = 80 };
	struct spd *s, *s_any;
	unsigned int i;

	(void)state;
	r.proto = IPPROTO_TCP, r.dport_lo = r.dport_hi = 80, r.action = SPD_PROTECT;
	r.sa = 1, r.priority = 1;
	assert_int_equal(spd_builder_add(b, &r), 0);
	r = rule6_any(), r.action = SPD_PROTECT, r.priority = 2;
	for (i = 0; i < RTE_DIM(ext); i++) {
		r.proto = ext[i], r.sa = 100 + ext[i];
		assert_int_equal(spd_builder_add(b, &r), 0);
	}
	r.proto = IPPROTO_TCP, r.sa = 4;                /* full port range */
	assert_int_equal(spd_builder_add(b, &r), 0);
	s = build(b);
	r = rule6_any(), r.priority = 9;                /* anything: BYPASS */
	assert_int_equal(spd_builder_add(b, &r), 0);
	s_any = build(b);

	p.nh = IPPROTO_TCP;
	assert_int_equal(lookup6(s, &p), R_PROT(1));
	p.dport = 81;
	assert_int_equal(lookup6(s, &p), R_PROT(4));
	p.dport = 80;
	for (i = 0; i < RTE_DIM(ext); i++) {
		p.nh = ext[i], p.trunc = 0;
		assert_int_equal(lookup6(s, &p), R_DISC);
		assert_int_equal(lookup6(s_any, &p), R_BYP);
		p.trunc = 40;
		assert_int_equal(lookup6(s_any, &p), R_BYP);
	}
	/* IPv4 keeps proto 0 (HOPOPT) and 51 (AH) as plain protocols. */
	{
		struct spd_builder *b4 = spd_builder_create();
		struct spd_rule r4 = rule_any();
		struct pkt p4 = { .src = A(10, 0, 0, 1), .dst = A(10, 0, 0, 2), .proto = 0 };
		struct spd *s4;

		r4.proto = 0, r4.action = SPD_PROTECT, r4.sa = 100;
		assert_int_equal(spd_builder_add(b4, &r4), 0);
		r4.proto = IPPROTO_AH, r4.sa = 151;
		assert_int_equal(spd_builder_add(b4, &r4), 0);
		s4 = build(b4);
		assert_int_equal(lookup1(s4, &p4), R_PROT(100));
		p4.proto = IPPROTO_AH;
		assert_int_equal(lookup1(s4, &p4), R_PROT(151));
		spd_free(s4);
		spd_builder_free(b4);
	}
	spd_free(s);
	spd_free(s_any);
	spd_builder_free(b);
}

/* 16. Priorities across families: one global (priority, addition) order,
 * applied to each family; rules never match the other family. */
static void test_spd6_priority(void **state)
{
	struct spd_rule v4all = rule_any(), v6all = rule6_any(), v6net = rule6_any();
	struct pkt p4 = { .src = A(10, 0, 0, 1), .dst = A(10, 0, 0, 2), .proto = IPPROTO_UDP };
	struct pkt6 p6 = { .nh = IPPROTO_UDP };
	struct spd_builder *b;
	struct spd *s;
	int order, i;

	(void)state;
	a6(p6.src, "2001:db8:1::1");
	a6(p6.dst, "2001:db8:2::2");
	v4all.priority = 10, v4all.action = SPD_PROTECT, v4all.sa = 4;
	v6all.priority = 10, v6all.action = SPD_BYPASS;
	v6net.priority = 5, v6net.action = SPD_PROTECT, v6net.sa = 6;
	a6(v6net.dst6, "2001:db8:2::"), v6net.dst_len = 48;
	/* Lower priority first, whatever the order of addition. */
	for (order = 0; order < 2; order++) {
		b = spd_builder_create();
		assert_int_equal(spd_builder_add(b, order ? &v6net : &v6all), 0);
		assert_int_equal(spd_builder_add(b, &v4all), 0);
		assert_int_equal(spd_builder_add(b, order ? &v6all : &v6net), 0);
		s = build(b);
		assert_int_equal(spd_count(s), 3);
		assert_int_equal(lookup6(s, &p6), R_PROT(6));
		assert_int_equal(lookup1(s, &p4), R_PROT(4));
		p6.dst[5] ^= 1;                         /* outside the /48 */
		assert_int_equal(lookup6(s, &p6), R_BYP);
		p6.dst[5] ^= 1;
		spd_free(s);
		spd_builder_free(b);
	}
	/* Ties: the first added decides, with v4 rules in between. */
	v6net.priority = 10;
	for (order = 0; order < 2; order++) {
		b = spd_builder_create();
		assert_int_equal(spd_builder_add(b, &v4all), 0);
		assert_int_equal(spd_builder_add(b, order ? &v6net : &v6all), 0);
		v4all.sa = 44;
		assert_int_equal(spd_builder_add(b, &v4all), 0);
		v4all.sa = 4;
		assert_int_equal(spd_builder_add(b, order ? &v6all : &v6net), 0);
		s = build(b);
		assert_int_equal(lookup6(s, &p6), order ? R_PROT(6) : R_BYP);
		assert_int_equal(lookup1(s, &p4), R_PROT(4));
		spd_free(s);
		spd_builder_free(b);
	}
	/* Many ties of both families interleaved, then a priority-0 rule of
	 * each family added last. */
	b = spd_builder_create();
	for (i = 0; i < 40; i++) {
		v6net.priority = UINT32_MAX, v6net.sa = (uint32_t)i;
		v4all.priority = UINT32_MAX, v4all.sa = 1000 + (uint32_t)i;
		assert_int_equal(spd_builder_add(b, (i & 1) ? &v6net : &v4all), 0);
	}
	s = build(b);
	assert_int_equal(lookup6(s, &p6), R_PROT(1));
	assert_int_equal(lookup1(s, &p4), R_PROT(1000));
	spd_free(s);
	v6all.priority = 0, memcpy(v6all.src6, p6.src, 16), v6all.src_len = 128;
	assert_int_equal(spd_builder_add(b, &v6all), 0);
	v4all.priority = 0, v4all.action = SPD_DISCARD, v4all.sa = 0;
	assert_int_equal(spd_builder_add(b, &v4all), 0);
	s = build(b);
	assert_int_equal(lookup6(s, &p6), R_BYP);
	assert_int_equal(lookup1(s, &p4), R_DISC);
	p6.src[15] ^= 1;
	assert_int_equal(lookup6(s, &p6), R_PROT(1));
	spd_free(s);
	spd_builder_free(b);

	/* Match-all rules of one family leave the other to the default. */
	b = spd_builder_create();
	assert_int_equal(spd_builder_set_default(b, SPD_PROTECT, 99), 0);
	v4all = rule_any();
	assert_int_equal(spd_builder_add(b, &v4all), 0);
	s = build(b);
	assert_int_equal(lookup1(s, &p4), R_BYP);
	assert_int_equal(lookup6(s, &p6), R_PROT(99));
	spd_free(s);
	spd_builder_free(b);
	b = spd_builder_create();
	assert_int_equal(spd_builder_set_default(b, SPD_PROTECT, 98), 0);
	v6all = rule6_any();
	assert_int_equal(spd_builder_add(b, &v6all), 0);
	s = build(b);
	assert_int_equal(lookup1(s, &p4), R_PROT(98));
	assert_int_equal(lookup6(s, &p6), R_BYP);
	spd_free(s);
	spd_builder_free(b);
}

/* 17. IPv6 packets that cannot be classified are discarded, whatever the
 * default; a header split over two segments is read whole. */
static void test_spd6_malformed(void **state)
{
	struct spd_builder *b = spd_builder_create();
	struct pkt6 ok = { .nh = IPPROTO_UDP, .sport = 500, .dport = 4500 };
	struct spd_rule r = rule6_any();
	uint8_t raw[V6_LEN];
	struct pkt6 p;
	struct spd *s;
	unsigned int v, cut;

	(void)state;
	a6(ok.src, "fe80::1");
	a6(ok.dst, "2001:db8::ffff:1");
	assert_int_equal(spd_builder_set_default(b, SPD_BYPASS, 0), 0);
	r.proto = IPPROTO_UDP, r.dport_lo = r.dport_hi = 4500, r.action = SPD_PROTECT;
	r.sa = 45, r.dst6[0] = 0x20, r.dst_len = 8;
	memcpy(r.src6, ok.src, 16), r.src_len = 128;
	assert_int_equal(spd_builder_add(b, &r), 0);
	s = build(b);
	assert_int_equal(lookup6(s, &ok), R_PROT(45));
	p = ok, p.trunc = 39;                           /* short fixed header */
	assert_int_equal(lookup6(s, &p), R_DISC);
	p = ok, p.trunc = 40;                           /* ports missing */
	assert_int_equal(lookup6(s, &p), R_DISC);
	p = ok, p.trunc = 43;                           /* ports cut */
	assert_int_equal(lookup6(s, &p), R_DISC);
	p = ok, p.trunc = 44;                           /* ports just there */
	assert_int_equal(lookup6(s, &p), R_PROT(45));
	p = ok, p.nh = IPPROTO_TCP, p.trunc = 43;
	assert_int_equal(lookup6(s, &p), R_DISC);
	p = ok, p.nh = IPPROTO_ICMPV6, p.trunc = 40;    /* no L4 needed */
	assert_int_equal(lookup6(s, &p), R_BYP);
	p = ok, p.nh = IPPROTO_ICMPV6, p.trunc = 39;
	assert_int_equal(lookup6(s, &p), R_DISC);
	for (v = 1; v < 16; v++) {                      /* neither 4 nor 6 */
		if (v == 4 || v == 6)
			continue;
		p = ok, p.version = (uint8_t)v;
		assert_int_equal(lookup6(s, &p), R_DISC);
	}
	/* Every split point of a two-segment packet reads the same. */
	for (cut = 1; cut < V6_LEN; cut++) {
		p = ok, p.split = (uint8_t)cut;
		assert_int_equal(lookup6(s, &p), R_PROT(45));
		p.trunc = 43;
		assert_int_equal(lookup6(s, &p), R_DISC);
	}
	/* Raw odd packets: nothing at all at l3, one byte, l3 past the end. */
	memset(raw, 0, sizeof(raw));
	assert_int_equal(lookup_raw(s, raw, 0, L3_OFF), R_DISC);
	raw[0] = 0x60;
	assert_int_equal(lookup_raw(s, raw, 1, L3_OFF), R_DISC);
	raw[0] = 0x45;
	assert_int_equal(lookup_raw(s, raw, 1, L3_OFF), R_DISC);
	assert_int_equal(lookup_raw(s, raw, 20, L3_OFF + 21), R_DISC);
	raw[0] = 0x60, raw[6] = IPPROTO_ICMPV6;
	assert_int_equal(lookup_raw(s, raw, 40, L3_OFF), R_BYP);
	raw[0] = 0x00;                                  /* version 0 */
	assert_int_equal(lookup_raw(s, raw, 40, L3_OFF), R_DISC);
	raw[0] = 0x65;                                  /* low nibble is not IHL */
	assert_int_equal(lookup_raw(s, raw, 40, L3_OFF), R_BYP);
	assert_int_equal(lookup_raw(s, raw, 40, L3_OFF + 1), R_DISC);
	spd_free(s);
	spd_builder_free(b);
}

/* 18. Validation of the new fields. */
static void test_spd6_validate(void **state)
{
	struct spd_builder *b = spd_builder_create();
	struct spd_rule r;
	static const uint8_t bad_family[] = { 1, 2, 3, 5, 7, 10, 41, 255 };
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(bad_family); i++) {
		r = rule_any(), r.family = bad_family[i];
		assert_int_equal(spd_builder_add(b, &r), -EINVAL);
	}
	r = rule_any(), r.family = SPD_FAMILY_IPV4, r.src_len = 33;
	assert_int_equal(spd_builder_add(b, &r), -EINVAL);
	r = rule_any(), r.family = SPD_FAMILY_IPV4, r.dst_len = 33;
	assert_int_equal(spd_builder_add(b, &r), -EINVAL);
	r = rule6_any(), r.src_len = 129;
	assert_int_equal(spd_builder_add(b, &r), -EINVAL);
	r = rule6_any(), r.dst_len = 255;
	assert_int_equal(spd_builder_add(b, &r), -EINVAL);
	r = rule6_any(), r.dport_lo = 1;                /* ports, proto any */
	assert_int_equal(spd_builder_add(b, &r), -EINVAL);
	r = rule6_any(), r.proto = IPPROTO_ICMPV6, r.sport_hi = 1;
	assert_int_equal(spd_builder_add(b, &r), -EINVAL);
	r = rule6_any(), r.proto = IPPROTO_TCP, r.dport_lo = 2, r.dport_hi = 1;
	assert_int_equal(spd_builder_add(b, &r), -EINVAL);
	r = rule6_any(), r.action = SPD_PROTECT, r.sa = SPD_SA_MAX + 1;
	assert_int_equal(spd_builder_add(b, &r), -EINVAL);
	assert_int_equal(spd_builder_count(b), 0);
	r = rule6_any(), r.src_len = 128, r.dst_len = 128;
	assert_int_equal(spd_builder_add(b, &r), 0);
	r = rule6_any(), r.src_len = 33;                /* fine for IPv6 */
	assert_int_equal(spd_builder_add(b, &r), 0);
	r = rule_any(), r.family = SPD_FAMILY_IPV4, r.src_len = 32, r.dst_len = 32;
	assert_int_equal(spd_builder_add(b, &r), 0);
	assert_int_equal(spd_builder_count(b), 3);
	spd_builder_free(b);
}

/* 19. Mixed bursts longer than ESPGW_MAX_BURST: v4, v6 and bad packets in
 * any order, each result in its own slot; same as looked up one by one. */
static void test_spd6_mixed_burst(void **state)
{
	struct spd_builder *b = spd_builder_create();
	struct rte_mbuf *mb[BURST];
	uint16_t off[BURST];
	uint32_t res[BURST], want[BURST];
	struct spd_rule r;
	struct spd *s;
	unsigned int i, round;

	(void)state;
	assert_int_equal(spd_builder_set_default(b, SPD_BYPASS, 0), 0);
	for (i = 0; i < BURST; i++) {
		r = rule6_any(), r.action = SPD_PROTECT, r.sa = i;
		a6(r.dst6, "2001:db8::"), r.dst6[15] = (uint8_t)i, r.dst_len = 128;
		assert_int_equal(spd_builder_add(b, &r), 0);
		r = rule_any(), r.action = SPD_PROTECT, r.sa = 1000 + i;
		r.dst = A(10, 0, 0, i), r.dst_len = 32;
		assert_int_equal(spd_builder_add(b, &r), 0);
	}
	s = build(b);
	rng_state = 77;
	for (round = 0; round < 200; round++) {
		uint16_t n = (uint16_t)(1 + rnd() % BURST);

		for (i = 0; i < n; i++) {
			unsigned int kind = rnd() % 8;

			off[i] = (uint16_t)(rnd() % 3 * 14);
			mb[i] = rte_pktmbuf_alloc(pool);
			assert_non_null(mb[i]);
			if (kind < 3) {
				struct pkt p = { .src = A(1, 2, 3, 4), .dst = A(10, 0, 0, i),
						 .proto = IPPROTO_UDP, .sport = 1, .dport = 2 };

				want[i] = R_PROT(1000 + i);
				if (kind == 2)                  /* cut ports */
					p.trunc = 23, want[i] = R_DISC;
				pkt_fill(mb[i], &p, off[i]);
			} else if (kind < 7) {
				struct pkt6 p = { .nh = IPPROTO_TCP, .sport = 3, .dport = 4 };

				a6(p.src, "2001:db8:ffff::1");
				a6(p.dst, "2001:db8::"), p.dst[15] = (uint8_t)i;
				want[i] = R_PROT(i);
				if (kind == 5)                  /* not our /128 */
					p.dst[14] = 1, want[i] = R_BYP;
				if (kind == 6)                  /* bad version */
					p.version = 5, want[i] = R_DISC;
				pkt6_fill(mb[i], &p, off[i]);
			} else {
				struct pkt6 p = { .nh = IPPROTO_UDP, .trunc = 30 };

				pkt6_fill(mb[i], &p, off[i]);   /* short IPv6 */
				want[i] = R_DISC;
			}
		}
		memset(res, 0xa5, sizeof(res));
		spd_lookup_burst(s, mb, off, n, res);
		for (i = 0; i < n; i++)
			if (res[i] != want[i])
				fail_msg("round %u pkt %u/%u: got %#x want %#x", round, i, n,
					 res[i], want[i]);
		assert_int_equal(res[n < BURST ? n : BURST - 1], n < BURST ? 0xa5a5a5a5 : want[n - 1]);
		rte_pktmbuf_free_bulk(mb, n);
	}
	spd_lookup_burst(s, mb, off, 0, res);           /* n = 0: nothing read */
	spd_free(s);
	spd_builder_free(b);
	assert_true(rte_mempool_full(pool));
}

/* ---- random check, both families ----------------------------------------- */

static const char *const addr6_pool[] = {
	"2001:db8::", "2001:db8:0:1::", "2001:db8:8000::", "::", "fe80::1",
	"ff02::1", "::ffff:10.0.0.1", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff",
	"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "2001:db8:1:2:3:4:5:6",
};
static const uint8_t len6_pool[] = { 0, 1, 7, 8, 31, 32, 33, 48, 63, 64, 65, 95, 96, 97,
				     120, 127, 128 };
static const uint8_t proto6_pool[] = { IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMPV6,
				       IPPROTO_ESP, IPPROTO_NONE, 0, IPPROTO_FRAGMENT };

static void rnd_addr6(uint8_t a[16])
{
	static const uint8_t edge[] = { 0, 31, 32, 63, 64, 65, 95, 96, 126, 127 };
	unsigned int k = rnd() % 4, i;

	a6(a, addr6_pool[rnd() % RTE_DIM(addr6_pool)]);
	/* A few flipped bits, often at the edges of the 32-bit words. */
	for (i = 0; i < k; i++)
		flip6(a, rnd() % 2 ? edge[rnd() % RTE_DIM(edge)] : rnd() % 128);
	if (rnd() % 4 == 0)
		a[15] ^= (uint8_t)rnd();
}

static uint8_t rnd_len6(unsigned int min_len)
{
	uint8_t len = rnd() % 2 ? len6_pool[rnd() % RTE_DIM(len6_pool)] : (uint8_t)(rnd() % 129);

	return len < min_len ? (uint8_t)min_len : len;
}

static void rnd_rule6(struct spd_rule *r, unsigned int min_len)
{
	*r = rule6_any();
	rnd_addr6(r->src6), r->src_len = rnd_len6(min_len);
	rnd_addr6(r->dst6), r->dst_len = rnd_len6(min_len);
	r->src = rnd(), r->dst = rnd();                 /* ignored for IPv6 */
	if (rnd() % 4 != 0) {
		r->proto = proto6_pool[rnd() % RTE_DIM(proto6_pool)];
		if (r->proto == IPPROTO_TCP || r->proto == IPPROTO_UDP) {
			rnd_range(&r->sport_lo, &r->sport_hi);
			rnd_range(&r->dport_lo, &r->dport_hi);
		}
	}
	r->priority = rnd() % 50;
	r->action = (enum spd_action)(1 + rnd() % 3);
	r->sa = r->action == SPD_PROTECT ? rnd() & SPD_SA_MAX : 0;
}

static bool in_prefix6(const uint8_t a[16], const uint8_t net[16], uint8_t len)
{
	unsigned int full = len / 8, rest = len % 8;

	if (memcmp(a, net, full) != 0)
		return false;
	return rest == 0 || ((a[full] ^ net[full]) >> (8 - rest)) == 0;
}

static bool ext_hdr6(uint8_t nh)
{
	return nh == 0 || nh == 43 || nh == 44 || nh == 51 || nh == 60 || nh == 135 ||
		nh == 139 || nh == 140 || nh == 253 || nh == 254;
}

/* The obvious IPv6 SPD over the v6 rules of a mixed list. */
static uint32_t ref6_lookup(const struct spd_rule *rules, unsigned int n, uint32_t def,
			    const struct pkt6 *p, unsigned int *hits)
{
	unsigned int len = p->trunc > 0 ? (unsigned int)p->trunc : V6_LEN;
	bool opaque = ext_hdr6(p->nh);
	bool ports = !opaque && (p->nh == IPPROTO_TCP || p->nh == IPPROTO_UDP);
	uint16_t sp = ports ? p->sport : 0, dp = ports ? p->dport : 0;
	const struct spd_rule *best = NULL;
	unsigned int i;

	if ((p->version != 0 && p->version != 6) || len < 40 || (ports && len < 44))
		return R_DISC;
	for (i = 0; i < n; i++) {
		const struct spd_rule *r = &rules[i];

		if (r->family != SPD_FAMILY_IPV6 ||
		    !in_prefix6(p->src, r->src6, r->src_len) ||
		    !in_prefix6(p->dst, r->dst6, r->dst_len) ||
		    (r->proto != SPD_PROTO_ANY && (opaque || r->proto != p->nh)) ||
		    sp < r->sport_lo || sp > r->sport_hi ||
		    dp < r->dport_lo || dp > r->dport_hi)
			continue;
		if (best == NULL || r->priority < best->priority)
			best = r;
	}
	if (best == NULL)
		return def;
	(*hits)++;
	return spd_result(best->action, best->sa);
}

/* Half the packets aim at rule r as a whole (addresses, protocol, ports)
 * so that long IPv6 prefixes get hit, with a low bit flipped now and then
 * so that /127 and /128 split both ways. */
static void rnd_pkt6(struct pkt6 *p, const struct spd_rule *r)
{
	bool aim = r != NULL && rnd() % 2;

	memset(p, 0, sizeof(*p));
	if (aim) {
		memcpy(p->src, r->src6, 16);
		memcpy(p->dst, r->dst6, 16);
		if (rnd() % 4 == 0)
			p->src[15] ^= (uint8_t)(rnd() % 4);
		if (rnd() % 4 == 0)
			p->dst[15] ^= (uint8_t)(rnd() % 4);
	} else {
		rnd_addr6(p->src);
		rnd_addr6(p->dst);
	}
	if (aim && r->proto != SPD_PROTO_ANY && rnd() % 4 != 0)
		p->nh = (uint8_t)r->proto;
	else
		p->nh = rnd() % 8 == 0 ? (uint8_t)rnd() :
			proto6_pool[rnd() % RTE_DIM(proto6_pool)];
	p->sport = aim && rnd() % 2 ? r->sport_lo : rnd_port();
	p->dport = aim && rnd() % 2 ? r->dport_hi : rnd_port();
	if (rnd() % 32 == 0)
		p->trunc = (int16_t)(36 + rnd() % 10);
	if (rnd() % 64 == 0)
		p->version = (uint8_t)(rnd() % 16);
	if (rnd() % 16 == 0)
		p->split = (uint8_t)(1 + rnd() % (V6_LEN - 1));
}

static void rnd_pkt4(struct pkt *p, const struct spd_rule *r)
{
	memset(p, 0, sizeof(*p));
	p->src = r != NULL && rnd() % 2 ? r->src ^ (rnd() % 4) : rnd_addr();
	p->dst = r != NULL && rnd() % 2 ? r->dst ^ (rnd() % 4) : rnd_addr();
	p->proto = rnd() % 8 == 0 ? (uint8_t)rnd() : proto_pool[rnd() % RTE_DIM(proto_pool)];
	p->sport = r != NULL && rnd() % 2 ? r->sport_lo : rnd_port();
	p->dport = r != NULL && rnd() % 2 ? r->dport_hi : rnd_port();
	p->frag = rnd() % 8 == 0 ? (uint16_t)(rnd() & 0x3fff) : 0;
}

/* pct4: share of IPv4 rules and packets, in percent. */
static void random_round6(uint64_t seed, unsigned int n_rules, unsigned int n_pkts,
			  unsigned int min_len, unsigned int pct4)
{
	struct spd_rule *rules = calloc(n_rules, sizeof(*rules));
	struct spd_rule *rules4 = calloc(n_rules, sizeof(*rules4));
	const struct spd_rule *rules6[1024];
	struct spd_builder *b = spd_builder_create();
	struct rte_mbuf *mb[BURST];
	struct pkt p4[BURST];
	struct pkt6 p6[BURST];
	bool is6[BURST];
	uint16_t off[BURST];
	uint32_t res[BURST], def;
	unsigned int i, j, done, n4 = 0, n6 = 0, hits = 0, total = 0, total6 = 0;
	uint64_t t0, t1;
	uint16_t n;
	struct spd *s;

	assert_non_null(rules);
	assert_non_null(rules4);
	assert_true(n_rules <= RTE_DIM(rules6));
	rng_state = seed;
	def = rnd() % 2 ? R_DISC : spd_result(SPD_PROTECT, 12345);
	assert_int_equal(spd_builder_set_default(b, spd_action(def), spd_sa(def)), 0);
	for (i = 0; i < n_rules; i++) {
		if (rnd() % 100 < pct4) {
			rnd_rule(&rules[i], min_len > 32 ? 32 : min_len);
			rules4[n4++] = rules[i];        /* the v4 subsequence, in order */
		} else {
			rnd_rule6(&rules[i], min_len);
			rules6[n6++] = &rules[i];
		}
		assert_int_equal(spd_builder_add(b, &rules[i]), 0);
	}
	t0 = rte_get_timer_cycles();
	s = build(b);
	t1 = rte_get_timer_cycles();
	for (done = 0; done < n_pkts; done += n) {
		n = (uint16_t)(1 + rnd() % BURST);
		for (j = 0; j < n; j++) {
			off[j] = (uint16_t)(rnd() % 3 * 14);
			is6[j] = rnd() % 100 >= pct4;
			if (is6[j]) {
				rnd_pkt6(&p6[j], n6 > 0 ? rules6[rnd() % n6] : NULL);
				mb[j] = pkt6_alloc(&p6[j], off[j]);
			} else {
				rnd_pkt4(&p4[j], n4 > 0 ? &rules4[rnd() % n4] : NULL);
				mb[j] = rte_pktmbuf_alloc(pool);
				assert_non_null(mb[j]);
				pkt_fill(mb[j], &p4[j], off[j]);
			}
		}
		spd_lookup_burst(s, mb, off, n, res);
		total += n;
		for (j = 0; j < n; j++) {
			uint32_t want;

			if (is6[j]) {
				want = ref6_lookup(rules, n_rules, def, &p6[j], &hits);
				total6++;
			} else {
				want = ref_lookup(rules4, n4, def, &p4[j], &hits);
			}
			if (res[j] != want)
				fail_msg("seed %" PRIu64 " pkt %u (v%d): got %#x want %#x",
					 seed, done + j, is6[j] ? 6 : 4, res[j], want);
		}
		rte_pktmbuf_free_bulk(mb, n);
	}
	print_message("seed %" PRIu64 ": %u rules (%u v6), %u packets (%u v6), %u matched a "
		      "rule; build %.1f ms\n", seed, n_rules, n6, total, total6, hits,
		      (double)(t1 - t0) * 1e3 / (double)rte_get_timer_hz());
	assert_true(n_rules < 10 || hits > total / 4);
	assert_true(n_rules < 10 || min_len == 0 || hits < total - total / 8);
	spd_free(s);
	spd_builder_free(b);
	free(rules);
	free(rules4);
}

/* 20. Random rules and packets of both families against the linear
 * first-match; IPv6 only, mostly IPv6, and even mixes. */
static void test_spd6_random(void **state)
{
	(void)state;
	random_round6(11, 1, 5000, 0, 0);
	random_round6(12, 17, 20000, 0, 0);
	random_round6(13, 300, 40000, 0, 0);
	random_round6(14, 300, 40000, 16, 0);
	random_round6(15, 200, 40000, 0, 50);
	random_round6(16, 500, 40000, 8, 25);
	random_round6(0x6eed6eedULL, 1000, 40000, 4, 10);
	assert_true(rte_mempool_full(pool));
}

/* ---- main ----------------------------------------------------------------- */

static int group_setup(void **state)
{
	(void)state;
	pool = test_eal_start_pool("test_spd", 511);
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
		cmocka_unit_test(test_spd_default),
		cmocka_unit_test(test_spd_actions),
		cmocka_unit_test(test_spd_priority),
		cmocka_unit_test(test_spd_prefix_len),
		cmocka_unit_test(test_spd_ports),
		cmocka_unit_test(test_spd_proto),
		cmocka_unit_test(test_spd_fragments),
		cmocka_unit_test(test_spd_options),
		cmocka_unit_test(test_spd_malformed),
		cmocka_unit_test(test_spd_validate),
		cmocka_unit_test(test_spd_rebuild),
		cmocka_unit_test(test_spd_random),
		cmocka_unit_test(test_spd6_prefix_len),
		cmocka_unit_test(test_spd6_ports_proto),
		cmocka_unit_test(test_spd6_ext_hdr),
		cmocka_unit_test(test_spd6_priority),
		cmocka_unit_test(test_spd6_malformed),
		cmocka_unit_test(test_spd6_validate),
		cmocka_unit_test(test_spd6_mixed_burst),
		cmocka_unit_test(test_spd6_random),
	};

	return cmocka_run_group_tests_name("spd", tests, group_setup, group_teardown);
}
