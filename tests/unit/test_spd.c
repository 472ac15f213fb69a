/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for lib/spd: numbered table cases (actions, default, priorities
 * and ties, prefix lengths 0..32, port range edges, protocol any/specific,
 * fragments, IP options, malformed packets, rule validation), then a seeded
 * random check of spd_lookup_burst() against a naive linear first-match
 * (after wg selftest/allowedips.c).
 */
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
	};

	return cmocka_run_group_tests_name("spd", tests, group_setup, group_teardown);
}
