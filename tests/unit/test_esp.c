/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for lib/esp, run against every AEAD engine:
 *  - scapy's packets (esp_vectors.h, GCM-128/256, raw/NAT-T, ESN off/on)
 *    decrypt to exactly the inner bytes, and esp_outb reproduces them byte
 *    for byte from the same sequence number;
 *  - round trip outb -> inb for inner payloads 0..1500, bursts above
 *    ESPGW_MAX_BURST with rejects mixed in;
 *  - every ICV bit flip, replay dup/old, bad pad, next header 41, every
 *    truncation, inner malformed, selector mismatch, NAT-T rebound only
 *    after a valid ICV, outbound sequence overflow, too big;
 *  - transport mode (RFC 4303 §3.1.1; esp_trs_vectors: ICMP, UDP, TCP,
 *    IHL 5 and 6, raw and NAT-T): scapy's packets decrypt to scapy's plain
 *    packet (NAT-T: after the NAT, checksum fixed as RFC 3948 §3.1.2) and
 *    our encryption is scapy's; round trips 0..1500 with IHL 5 and 6;
 *    every bit flip, replay, trailer and next header table, truncations,
 *    IHL against esp_off, selector, rebinding only after the ICV, the
 *    checksum left alone without NAT-T, outbound refusals;
 *  - IPv6 (esp6_vectors: v4-in-v6, v6-in-v4, v6-in-v6; esp_trs6_vectors:
 *    transport over IPv6; ICMPv6, UDP, TCP; raw and NAT-T, whose UDP
 *    checksum over IPv6 is computed): scapy's packets both ways byte for
 *    byte; round trips 0..1500 with both inner families in each burst;
 *    every ESP byte forged; every truncation, esp_off not right after the
 *    fixed header, its version and next header; sel6 prefixes and
 *    sel_families (0: IPv4 only); rebinding of peer6 only after the ICV;
 *    inner checks against the next header; the extension header refusal;
 *  - the mempool has as many free mbufs after each test as before.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rte_eal.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "lib/esp/esp.h"
#include "lib/esp/esp_priv.h"
#include "lib/util/util.h"

#include "esp_vectors.h"
#include "test_eal.h"

/* RTE_IPV4 shifts ints: UBSan objects above 127.x */
#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | \
			 (uint32_t)(c) << 8 | (uint32_t)(d))

enum { WIN = 128, NVEC = RTE_DIM(esp_vectors), L2 = ESP_L2_LEN,
       NTRS = RTE_DIM(esp_trs_vectors) };

static struct rte_mempool *pool;
static const struct aead_engine *eng;
static void *ctx;
static unsigned int pool_avail;

/* ---- helpers ------------------------------------------------------------ */

static struct sa_inb *inb_new(const struct esp_vector *v)
{
	size_t sz = sizeof(struct sa_inb) + replay_window_size_bytes(WIN);
	struct sa_inb *sa = aligned_alloc(64, RTE_ALIGN_CEIL(sz, 64));

	assert_non_null(sa);
	memset(sa, 0, sz);
	sa->spi = v->spi;
	sa->mode = SA_MODE_TUNNEL;
	sa->flags = (v->esn ? SA_F_ESN : 0) | (v->natt ? SA_F_NATT : 0);
	memcpy(sa->salt, v->salt, 4);
	sa->local = ESP_VEC_LOCAL;
	sa->peer = sa_peer_pack(ESP_VEC_LOCAL, 4500);   /* outer src of vectors */
	assert_int_equal(eng->key_init(ctx, &sa->key, v->key_len == 16 ?
				       AEAD_AES_GCM_128 : AEAD_AES_GCM_256,
				       v->key, v->key_len), 0);
	assert_int_equal(replay_window_init(&sa->rw, WIN, v->esn), 0);
	/* put the window just below the vector so ESN finds its epoch */
	sa->rw.top = v->seq - 10;
	return sa;
}

static struct sa_outb *outb_new(const struct esp_vector *v)
{
	struct sa_outb *sa = aligned_alloc(64, RTE_ALIGN_CEIL(sizeof(*sa), 64));

	assert_non_null(sa);
	memset(sa, 0, sizeof(*sa));
	sa->spi = v->spi;
	sa->mode = SA_MODE_TUNNEL;
	sa->flags = (v->esn ? SA_F_ESN : 0) | (v->natt ? SA_F_NATT : 0);
	memcpy(sa->salt, v->salt, 4);
	sa->local = ESP_VEC_LOCAL;
	sa->local_port = 4500;
	sa->peer = sa_peer_pack(ESP_VEC_PEER, ESP_VEC_NATT_DPORT);
	sa->seq = v->seq - 1;
	assert_int_equal(eng->key_init(ctx, &sa->key, v->key_len == 16 ?
				       AEAD_AES_GCM_128 : AEAD_AES_GCM_256,
				       v->key, v->key_len), 0);
	return sa;
}

/* mbuf holding 14 zero bytes then @p len bytes of @p p */
static struct rte_mbuf *mb_with(const uint8_t *p, uint32_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint8_t *d;

	assert_non_null(m);
	d = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(L2 + len));
	assert_non_null(d);
	memset(d, 0, L2);
	if (len != 0)
		memcpy(d + L2, p, len);
	return m;
}

static uint16_t esp_off_of(const struct esp_vector *v)
{
	return L2 + 20 + (v->natt ? 8 : 0);
}

/* one packet through inbound; returns the drop reason (0: accepted) */
static uint8_t inb_one(struct sa_inb *sa, struct rte_mbuf *m, uint16_t off)
{
	struct rte_mbuf *mb[1] = { m };
	uint8_t drop[1] = { 0xff };
	uint16_t n = esp_inb_select(sa)(sa, eng, ctx, mb, &off, 1, drop);

	assert_ptr_equal(mb[0], m);
	return n == 1 ? ESP_DROP_NONE : drop[0];
}

/* inner IPv4 packet: 20-byte header (src, dst) and @p pl payload bytes */
static uint32_t make_inner(uint8_t *buf, uint32_t src, uint32_t dst, uint32_t pl)
{
	struct rte_ipv4_hdr ip = {
		.version_ihl = RTE_IPV4_VHL_DEF,
		.total_length = rte_cpu_to_be_16((uint16_t)(20 + pl)),
		.time_to_live = 9,
		.next_proto_id = 253,  /* RFC 3692 experimentation */
		.src_addr = rte_cpu_to_be_32(src),
		.dst_addr = rte_cpu_to_be_32(dst),
	};
	uint32_t i;

	ip.hdr_checksum = rte_ipv4_cksum(&ip);
	memcpy(buf, &ip, sizeof(ip));
	for (i = 0; i < pl; i++)
		buf[20 + i] = (uint8_t)(i * 7 + pl);
	return 20 + pl;
}

/* outbound one packet; returns the mbuf (ESP) or fails the test */
static struct rte_mbuf *outb_one(struct sa_outb *sa, const uint8_t *inner,
				 uint32_t len)
{
	struct rte_mbuf *mb[1] = { mb_with(inner, len) };
	uint8_t drop[1];

	assert_int_equal(esp_outb_select(sa)(sa, eng, ctx, mb, 1, drop), 1);
	return mb[0];
}

static int test_setup(void **state)
{
	pool_avail = rte_mempool_avail_count(pool);
	return 0;
}

static int test_teardown(void **state)
{
	/* no mbuf leaked by the library or the test */
	assert_int_equal(rte_mempool_avail_count(pool), pool_avail);
	return 0;
}

/* ---- known answers from scapy ------------------------------------------ */

static void test_vectors_inb(void **state)
{
	static const uint8_t eth[L2] = { [12] = 0x08 };
	unsigned int i;

	for (i = 0; i < NVEC; i++) {
		const struct esp_vector *v = &esp_vectors[i];
		struct sa_inb *sa = inb_new(v);
		struct rte_mbuf *m = mb_with(v->outer, v->outer_len);

		assert_int_equal(inb_one(sa, m, esp_off_of(v)), ESP_DROP_NONE);
		assert_int_equal(rte_pktmbuf_data_len(m), L2 + v->inner_len);
		assert_memory_equal(rte_pktmbuf_mtod(m, uint8_t *), eth, L2);
		assert_memory_equal(rte_pktmbuf_mtod(m, uint8_t *) + L2, v->inner,
				    v->inner_len);
		assert_true(sa->rw.top == v->seq);
		assert_true(sa->cnt.packets == 1 && sa->cnt.bytes == v->inner_len);
		rte_pktmbuf_free(m);
		free(sa);
	}
}

static void test_vectors_outb(void **state)
{
	static const uint8_t eth[L2] = { [12] = 0x08 };
	unsigned int i;

	for (i = 0; i < NVEC; i++) {
		const struct esp_vector *v = &esp_vectors[i];
		struct sa_outb *sa = outb_new(v);
		struct rte_mbuf *m = outb_one(sa, v->inner, v->inner_len);

		const uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *);

		/* the whole outer packet, IPv4 header included, is scapy's,
		 * but for the UDP length: scapy 2.5 writes 8 (it sizes the
		 * UDP header before adding ESP), ours is RFC 768's */
		assert_int_equal(rte_pktmbuf_data_len(m), L2 + v->outer_len);
		assert_memory_equal(p, eth, L2);
		if (v->natt) {
			assert_memory_equal(p + L2, v->outer, 24);
			assert_int_equal(p[L2 + 24] << 8 | p[L2 + 25], v->outer_len - 20);
			assert_memory_equal(p + L2 + 26, v->outer + 26, v->outer_len - 26);
		} else {
			assert_memory_equal(p + L2, v->outer, v->outer_len);
		}
		assert_true(sa->seq == v->seq);
		rte_pktmbuf_free(m);
		free(sa);
	}
}

/* ---- round trip ---------------------------------------------------------- */

static void roundtrip(const struct esp_vector *v)
{
	static uint8_t inner[1520];
	struct sa_inb *in = inb_new(v);
	struct sa_outb *out = outb_new(v);
	struct rte_mbuf *mb[ESPGW_MAX_BURST];
	uint16_t off[ESPGW_MAX_BURST];
	uint8_t drop[ESPGW_MAX_BURST];
	uint32_t pl, k, len[ESPGW_MAX_BURST];

	in->sel = (struct sa_selector){ 0 };
	for (pl = 0; pl <= 1500; pl += k) {
		for (k = 0; k < ESPGW_MAX_BURST && pl + k <= 1500; k++) {
			len[k] = make_inner(inner, IP4(10, 1, 0, 1),
					    IP4(10, 2, 0, 1), pl + k);
			mb[k] = mb_with(inner, len[k]);
			off[k] = esp_off_of(v);
		}
		assert_int_equal(esp_outb_tun_burst(out, eng, ctx, mb, (uint16_t)k, drop), k);
		assert_int_equal(esp_inb_tun_burst(in, eng, ctx, mb, off, (uint16_t)k, drop), k);
		for (k = 0; k < ESPGW_MAX_BURST && pl + k <= 1500; k++) {
			make_inner(inner, IP4(10, 1, 0, 1), IP4(10, 2, 0, 1), pl + k);
			assert_int_equal(rte_pktmbuf_data_len(mb[k]), L2 + len[k]);
			assert_memory_equal(rte_pktmbuf_mtod(mb[k], uint8_t *) + L2,
					    inner, len[k]);
			rte_pktmbuf_free(mb[k]);
		}
	}
	assert_true(in->rw.top == out->seq);
	free(in);
	free(out);
}

static void test_roundtrip(void **state)
{
	unsigned int i;

	for (i = 0; i < NVEC; i++)
		roundtrip(&esp_vectors[i]);
}

/* 70 packets (three chunks), every third corrupted: order kept, rejects
 * behind with their reasons. */
static void test_big_burst(void **state)
{
	const struct esp_vector *v = &esp_vectors[2];
	struct sa_inb *in = inb_new(v);
	struct sa_outb *out = outb_new(v);
	struct rte_mbuf *mb[70], *orig[70];
	uint16_t off[70];
	uint8_t drop[70], inner[64];
	uint32_t i, len, ng;

	for (i = 0; i < 70; i++) {
		len = make_inner(inner, 1, 2, i % 40);
		mb[i] = mb_with(inner, len);
		off[i] = esp_off_of(v);
	}
	assert_int_equal(esp_outb_tun_burst(out, eng, ctx, mb, 70, drop), 70);
	for (i = 0; i < 70; i++) {
		orig[i] = mb[i];
		if (i % 3 == 0)   /* last byte: the ICV */
			rte_pktmbuf_mtod(mb[i], uint8_t *)[rte_pktmbuf_data_len(mb[i]) - 1] ^= 1;
	}
	ng = esp_inb_tun_burst(in, eng, ctx, mb, off, 70, drop);
	assert_int_equal(ng, 70 - 24);
	for (i = 0; i < ng; i++) {
		assert_ptr_equal(mb[i], orig[i + i / 2 + 1]);
		assert_int_equal(rte_pktmbuf_data_len(mb[i]),
				 L2 + 20 + (i + i / 2 + 1) % 40);
	}
	for (i = ng; i < 70; i++)
		assert_int_equal(drop[i], ESP_DROP_AUTH_FAILED);
	for (i = 0; i < 70; i++)
		rte_pktmbuf_free(mb[i]);
	free(in);
	free(out);
}

/* ---- negative ------------------------------------------------------------ */

static void test_icv_bitflip(void **state)
{
	const struct esp_vector *v = &esp_vectors[1];   /* ESN on */
	struct sa_inb *sa = inb_new(v);
	size_t wsz = replay_window_size_bytes(WIN);
	uint8_t *win = malloc(wsz);
	uint32_t bit;

	memcpy(win, &sa->rw, wsz);
	for (bit = 0; bit < ESP_ICV_LEN * 8; bit++) {
		struct rte_mbuf *m = mb_with(v->outer, v->outer_len);
		uint8_t *icv = rte_pktmbuf_mtod(m, uint8_t *) + L2 + v->outer_len - ESP_ICV_LEN;

		icv[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		assert_int_equal(inb_one(sa, m, esp_off_of(v)), ESP_DROP_AUTH_FAILED);
		assert_memory_equal(win, &sa->rw, wsz);   /* window unchanged */
		rte_pktmbuf_free(m);
	}
	assert_true(sa->cnt.packets == 0);
	{
		struct rte_mbuf *m = mb_with(v->outer, v->outer_len);

		assert_int_equal(inb_one(sa, m, esp_off_of(v)), ESP_DROP_NONE);
		rte_pktmbuf_free(m);
	}
	free(win);
	free(sa);
}

static void test_replay(void **state)
{
	const struct esp_vector *v = &esp_vectors[0];
	struct sa_outb *out = outb_new(v);
	struct sa_inb *in = inb_new(v);
	uint8_t inner[64];
	uint32_t len = make_inner(inner, 1, 2, 10), i;
	struct rte_mbuf *first = outb_one(out, inner, len), *m;
	struct rte_mbuf *copy = mb_with(rte_pktmbuf_mtod(first, uint8_t *) + L2,
					rte_pktmbuf_data_len(first) - L2);
	struct rte_mbuf *copy2 = mb_with(rte_pktmbuf_mtod(first, uint8_t *) + L2,
					 rte_pktmbuf_data_len(first) - L2);

	assert_int_equal(inb_one(in, first, esp_off_of(v)), ESP_DROP_NONE);
	assert_int_equal(inb_one(in, copy, esp_off_of(v)), ESP_DROP_REPLAY_DUP);
	for (i = 0; i < WIN; i++) {      /* move the window past it */
		m = outb_one(out, inner, len);
		assert_int_equal(inb_one(in, m, esp_off_of(v)), ESP_DROP_NONE);
		rte_pktmbuf_free(m);
	}
	assert_int_equal(inb_one(in, copy2, esp_off_of(v)), ESP_DROP_REPLAY_OLD);
	rte_pktmbuf_free(first);
	rte_pktmbuf_free(copy);
	rte_pktmbuf_free(copy2);
	free(in);
	free(out);
}

/*
 * Raw ESP, no ESN (vector 0's SA): encrypt @p pt (inner, pad, pad length,
 * next header) with the engine directly, framed like esp_outb's output.
 */
static struct rte_mbuf *craft_natt(const struct sa_outb *sa, uint32_t seq,
				   const uint8_t *pt, uint32_t ptlen, bool natt)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint32_t u = natt ? 8 : 0, olen = 20 + u + 16 + ptlen + ESP_ICV_LEN;
	uint8_t *p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(L2 + olen));
	uint8_t *esp = p + L2 + 20 + u, nonce[AEAD_IV_LEN];
	struct rte_ipv4_hdr ip = {
		.version_ihl = RTE_IPV4_VHL_DEF, .time_to_live = 64,
		.total_length = rte_cpu_to_be_16((uint16_t)olen),
		.next_proto_id = natt ? IPPROTO_UDP : IPPROTO_ESP,
		.src_addr = rte_cpu_to_be_32(ESP_VEC_LOCAL),
		.dst_addr = rte_cpu_to_be_32(ESP_VEC_PEER),
	};
	rte_be32_t w;
	uint64_t iv = rte_cpu_to_be_64(seq);
	struct aead_op op;
	bool ok;

	memset(p, 0, L2);
	memcpy(p + L2, &ip, sizeof(ip));
	if (natt) {
		struct rte_udp_hdr udp = {
			.src_port = rte_cpu_to_be_16(4500),
			.dst_port = rte_cpu_to_be_16(4500),
			.dgram_len = rte_cpu_to_be_16((uint16_t)(olen - 20)),
		};

		memcpy(p + L2 + 20, &udp, sizeof(udp));
	}
	w = rte_cpu_to_be_32(sa->spi);
	memcpy(esp, &w, 4);
	w = rte_cpu_to_be_32(seq);
	memcpy(esp + 4, &w, 4);
	memcpy(esp + 8, &iv, 8);
	memcpy(esp + 16, pt, ptlen);
	memcpy(nonce, sa->salt, 4);
	memcpy(nonce + 4, &iv, 8);
	op = (struct aead_op){ .key = &sa->key, .iv = nonce, .aad = esp,
			       .aad_len = 8, .data = esp + 16, .len = ptlen,
			       .tag = esp + 16 + ptlen };
	assert_int_equal(eng->encrypt_burst(ctx, &op, 1, &ok), 1);
	return m;
}

static struct rte_mbuf *craft(const struct sa_outb *sa, uint32_t seq,
			      const uint8_t *pt, uint32_t ptlen)
{
	return craft_natt(sa, seq, pt, ptlen, false);
}

static void test_trailer(void **state)
{
	const struct esp_vector *v = &esp_vectors[0];
	struct sa_outb *out = outb_new(v);
	struct sa_inb *in = inb_new(v);
	uint8_t pt[64];
	uint32_t len = make_inner(pt, 1, 2, 9);   /* 29: pad 1 */
	static const struct {
		uint8_t pad[3], padlen, nh, tot_delta, want;
	} cases[] = {
		{ { 1 }, 1, 4, 0, ESP_DROP_NONE },
		{ { 2 }, 1, 4, 0, ESP_DROP_BAD_PAD },
		{ { 0 }, 1, 4, 0, ESP_DROP_BAD_PAD },
		{ { 1 }, 200, 4, 0, ESP_DROP_BAD_PAD },   /* beyond the data */
		{ { 1 }, 1, 41, 0, ESP_DROP_INNER_MALFORMED },   /* IPv4 as IPv6 */
		{ { 1 }, 1, 6, 0, ESP_DROP_BAD_NEXT_HEADER },
		{ { 1 }, 1, 4, 1, ESP_DROP_INNER_MALFORMED },
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(cases); i++) {
		uint8_t buf[64];
		struct rte_mbuf *m;

		memcpy(buf, pt, len);
		buf[3] = (uint8_t)(buf[3] + cases[i].tot_delta);
		buf[len] = cases[i].pad[0];
		buf[len + 1] = cases[i].padlen;
		buf[len + 2] = cases[i].nh;
		m = craft(out, (uint32_t)v->seq + i, buf, len + 3);
		assert_int_equal(inb_one(in, m, esp_off_of(v)), cases[i].want);
		rte_pktmbuf_free(m);
	}
	free(in);
	free(out);
}

/* Every truncation: refused without a crash (ASan), nothing accepted. */
static void test_truncate(void **state)
{
	unsigned int i;
	uint32_t t;

	for (i = 0; i < NVEC; i++) {
		const struct esp_vector *v = &esp_vectors[i];
		struct sa_inb *sa = inb_new(v);

		for (t = 0; t < v->outer_len; t++) {
			struct rte_mbuf *m = mb_with(v->outer, t);
			uint8_t r = inb_one(sa, m, esp_off_of(v));
			uint32_t hl = esp_off_of(v) - L2;
			uint32_t esp = t > hl ? t - hl : 0;

			if (esp < 34)
				assert_int_equal(r, ESP_DROP_ESP_SHORT);
			else if (esp % 4 != 0)
				assert_int_equal(r, ESP_DROP_ESP_BAD_LEN);
			else   /* aligned: the ICV is read from the wrong place */
				assert_int_equal(r, ESP_DROP_AUTH_FAILED);
			rte_pktmbuf_free(m);
		}
		assert_true(sa->rw.top == v->seq - 10);
		free(sa);
	}
}

static void test_selector(void **state)
{
	const struct esp_vector *v = &esp_vectors[4];
	struct sa_inb *sa = inb_new(v);
	struct rte_mbuf *m = mb_with(v->outer, v->outer_len);

	/* inner is 10.1.0.9 -> 10.2.0.7 */
	sa->sel = (struct sa_selector){ .src = IP4(10, 1, 0, 0),
		.src_mask = 0xffffff00, .dst = IP4(10, 3, 0, 0),
		.dst_mask = 0xffff0000 };
	assert_int_equal(inb_one(sa, m, esp_off_of(v)), ESP_DROP_SELECTOR_MISMATCH);
	rte_pktmbuf_free(m);
	sa->sel.dst = IP4(10, 2, 0, 0);
	sa->rw.top = v->seq - 10;
	memset(sa->rw.bmp, 0, (sa->rw.mask + 1) * sizeof(uint64_t));
	m = mb_with(v->outer, v->outer_len);
	assert_int_equal(inb_one(sa, m, esp_off_of(v)), ESP_DROP_NONE);
	rte_pktmbuf_free(m);
	free(sa);
}

/* set the outer source address and UDP source port of an ESP-in-UDP mbuf */
static void set_src(struct rte_mbuf *m, uint32_t addr, uint16_t port)
{
	uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *) + L2;
	rte_be32_t a = rte_cpu_to_be_32(addr);
	rte_be16_t s = rte_cpu_to_be_16(port);

	memcpy(p + 12, &a, 4);
	memcpy(p + 20, &s, 2);
}

static void test_natt_rebind(void **state)
{
	const struct esp_vector *v = &esp_vectors[3];   /* NAT-T, ESN */
	struct sa_outb *out = outb_new(v);
	struct sa_inb *in = inb_new(v);
	uint64_t home = in->peer;
	uint8_t inner[64];
	uint32_t len = make_inner(inner, 1, 2, 30);
	struct rte_mbuf *a = outb_one(out, inner, len);
	struct rte_mbuf *b = outb_one(out, inner, len);
	struct rte_mbuf *a2 = mb_with(rte_pktmbuf_mtod(a, uint8_t *) + L2,
				      rte_pktmbuf_data_len(a) - L2);

	/* forged (bad ICV) from a new place: the binding stays */
	set_src(b, IP4(203, 0, 113, 9), 6000);
	rte_pktmbuf_mtod(b, uint8_t *)[rte_pktmbuf_data_len(b) - 1] ^= 0x80;
	assert_int_equal(inb_one(in, b, esp_off_of(v)), ESP_DROP_AUTH_FAILED);
	assert_true(in->peer == home);
	/* authentic from a new port: moves */
	set_src(a, IP4(203, 0, 113, 7), 4600);
	assert_int_equal(inb_one(in, a, esp_off_of(v)), ESP_DROP_NONE);
	assert_true(in->peer == sa_peer_pack(IP4(203, 0, 113, 7), 4600));
	/* replay of an authentic packet from elsewhere: does not */
	set_src(a2, IP4(203, 0, 113, 66), 4700);
	assert_int_equal(inb_one(in, a2, esp_off_of(v)), ESP_DROP_REPLAY_DUP);
	assert_true(in->peer == sa_peer_pack(IP4(203, 0, 113, 7), 4600));
	rte_pktmbuf_free(a);
	rte_pktmbuf_free(b);
	rte_pktmbuf_free(a2);
	free(in);
	free(out);
}

/* An authentic packet that fails a later check (here the selector) does
 * not move the binding either: only packets that pass everything do. */
static void test_natt_rebind_after_checks(void **state)
{
	const struct esp_vector *v = &esp_vectors[3];   /* NAT-T, ESN */
	struct sa_outb *out = outb_new(v);
	struct sa_inb *in = inb_new(v);
	const uint64_t home = in->peer;
	uint8_t inner[64];
	uint32_t len = make_inner(inner, 1, 2, 30);
	struct rte_mbuf *a = outb_one(out, inner, len);
	struct rte_mbuf *b = outb_one(out, inner, len);

	(void)state;
	in->sel = (struct sa_selector){ .src = IP4(10, 0, 0, 0), .src_mask = 0xff000000 };
	set_src(a, IP4(203, 0, 113, 7), 4600);
	assert_int_equal(inb_one(in, a, esp_off_of(v)), ESP_DROP_SELECTOR_MISMATCH);
	assert_true(in->peer == home);
	in->sel = (struct sa_selector){ 0 };
	set_src(b, IP4(203, 0, 113, 7), 4600);
	assert_int_equal(inb_one(in, b, esp_off_of(v)), ESP_DROP_NONE);
	assert_true(in->peer == sa_peer_pack(IP4(203, 0, 113, 7), 4600));
	rte_pktmbuf_free(a);
	rte_pktmbuf_free(b);
	free(in);
	free(out);
}

/* ESN: the epoch of a number depends on the window, which moves only after
 * a chunk; a burst whose earlier packets move the window far must give the
 * same verdicts as the packets one by one (RFC 4303 Appendix A). */
static void test_esn_burst_epoch(void **state)
{
	const uint64_t seqs[] = { 1, 0x80000000u, 0xfffffff0u, UINT64_C(0x100000005),
				  0xfffffff1u, 3 };
	const uint8_t want[] = { ESP_DROP_NONE, ESP_DROP_NONE, ESP_DROP_NONE, ESP_DROP_NONE,
				 ESP_DROP_NONE, ESP_DROP_AUTH_FAILED };
	const unsigned int n = RTE_DIM(seqs);
	const struct esp_vector *v = &esp_vectors[1];   /* ESN, raw */
	struct sa_outb *out = outb_new(v);
	struct sa_inb *in = inb_new(v);
	struct rte_mbuf *mb[RTE_DIM(seqs)];
	uint16_t off[RTE_DIM(seqs)];
	uint8_t inner[64], drop[RTE_DIM(seqs)];
	uint32_t len = make_inner(inner, 1, 2, 20);
	unsigned int i, bad = 0;
	uint16_t ok;

	(void)state;
	in->rw.top = 0;
	for (i = 0; i < n; i++) {
		out->seq = seqs[i] - 1;
		mb[i] = outb_one(out, inner, len);
		off[i] = esp_off_of(v);
	}
	/* 3 of epoch 0 is left of the window (top 2^32 + 5): read as epoch 1,
	 * it fails the ICV, which covers the high half */
	ok = esp_inb_select(in)(in, eng, ctx, mb, off, (uint16_t)n, drop);
	for (i = 0; i < n; i++)
		bad += want[i] != ESP_DROP_NONE;
	assert_int_equal(ok, n - bad);
	assert_int_equal(drop[n - 1], ESP_DROP_AUTH_FAILED);
	assert_true(in->rw.top == UINT64_C(0x100000005));
	for (i = 0; i < n; i++)
		rte_pktmbuf_free(mb[i]);
	free(in);
	free(out);
}

static void test_seq_overflow(void **state)
{
	struct esp_vector v = esp_vectors[0];
	struct sa_outb *out = outb_new(&v);
	struct sa_inb *in;
	uint8_t inner[64], drop[1];
	uint32_t len = make_inner(inner, 1, 2, 5);
	struct rte_mbuf *m = outb_one((out->seq = UINT32_MAX - 1, out), inner, len);
	struct rte_mbuf *mb[1] = { mb_with(inner, len) };

	rte_pktmbuf_free(m);
	assert_int_equal(esp_outb_tun_burst(out, eng, ctx, mb, 1, drop), 0);
	assert_int_equal(drop[0], ESP_DROP_SEQ_OVERFLOW);
	assert_int_equal(rte_pktmbuf_data_len(mb[0]), L2 + len);   /* untouched */
	assert_true(out->seq == UINT32_MAX);
	rte_pktmbuf_free(mb[0]);
	free(out);
	/* with ESN the counter goes on into epoch 1 and decrypts */
	v = esp_vectors[1];
	v.seq = (uint64_t)UINT32_MAX + 1;
	out = outb_new(&v);
	in = inb_new(&v);
	m = outb_one(out, inner, len);
	assert_true(out->seq == (uint64_t)UINT32_MAX + 1);
	assert_int_equal(inb_one(in, m, esp_off_of(&v)), ESP_DROP_NONE);
	assert_true(in->rw.top == (uint64_t)UINT32_MAX + 1);
	rte_pktmbuf_free(m);
	free(in);
	free(out);
}

static void test_too_big(void **state)
{
	const struct esp_vector *v = &esp_vectors[2];
	struct sa_outb *out = outb_new(v);
	uint8_t inner[1500], drop[1];
	uint32_t len = make_inner(inner, 1, 2, 1400);
	struct rte_mbuf *mb[1] = { mb_with(inner, len) };

	/* 20 + 8 + 16 + 1420 + 2 (pad) + 2 + 16 = 1484 */
	out->mtu = 1483;
	assert_int_equal(esp_outb_tun_burst(out, eng, ctx, mb, 1, drop), 0);
	assert_int_equal(drop[0], ESP_DROP_TOO_BIG);
	assert_true(out->seq == v->seq - 1);
	assert_int_equal(rte_pktmbuf_data_len(mb[0]), L2 + len);
	out->mtu = 1484;
	assert_int_equal(esp_outb_tun_burst(out, eng, ctx, mb, 1, drop), 1);
	assert_int_equal(rte_pktmbuf_data_len(mb[0]), L2 + 1484);
	rte_pktmbuf_free(mb[0]);
	free(out);
}

/* ---- transport mode -------------------------------------------------------- */

/* The tunnel helpers' SA fields, from a transport vector. */
static struct esp_vector trs_as_vec(const struct esp_trs_vector *t)
{
	struct esp_vector v = {
		.key_len = t->key_len, .natt = t->natt, .esn = t->esn,
		.spi = t->spi, .seq = t->seq, .key = t->key,
	};

	memcpy(v.salt, t->salt, 4);
	return v;
}

static struct sa_inb *trs_inb_new(const struct esp_trs_vector *t)
{
	struct esp_vector v = trs_as_vec(t);
	struct sa_inb *sa = inb_new(&v);

	sa->mode = SA_MODE_TRANSPORT;
	return sa;
}

static struct sa_outb *trs_outb_new(const struct esp_trs_vector *t)
{
	struct esp_vector v = trs_as_vec(t);
	struct sa_outb *sa = outb_new(&v);

	sa->mode = SA_MODE_TRANSPORT;
	/* the vectors' destination is the peer's address: NAT-T keeps it */
	sa->peer = sa_peer_pack(ESP_VEC_PEER, ESP_VEC_NATT_DPORT);
	return sa;
}

/* esp_off of a received transport packet: after its IHL (and UDP) */
static uint16_t trs_off(const uint8_t *ip, bool natt)
{
	return (uint16_t)(L2 + (ip[0] & 0xf) * 4 + (natt ? 8 : 0));
}

/* first vector with these flags */
static const struct esp_trs_vector *trs_vec(bool natt, bool esn)
{
	unsigned int i;

	for (i = 0; i < NTRS; i++)
		if (esp_trs_vectors[i].natt == natt && esp_trs_vectors[i].esn == esn)
			return &esp_trs_vectors[i];
	fail();
	return NULL;
}

static void test_trs_select(void **state)
{
	const struct esp_trs_vector *t = &esp_trs_vectors[0];
	struct sa_inb *in = trs_inb_new(t);
	struct sa_outb *out = trs_outb_new(t);
	esp_inb_fn fi[16];
	esp_outb_fn fo[16];
	unsigned int f, g;

	/* mode x ESN x NAT-T x outer IPv6: sixteen handlers each way */
	for (f = 0; f < 16; f++) {
		in->mode = out->mode = f < 8 ? SA_MODE_TUNNEL : SA_MODE_TRANSPORT;
		in->flags = out->flags = (uint8_t)((f & 3) | (f & 4 ? SA_F_OUTER_V6 : 0));
		fi[f] = esp_inb_select(in);
		fo[f] = esp_outb_select(out);
		assert_non_null(fi[f]);
		assert_non_null(fo[f]);
		if (f < 8) {
			assert_ptr_equal(fi[f], esp_inb_tun_select(in));
			assert_ptr_equal(fo[f], esp_outb_tun_select(out));
		} else {
			assert_ptr_equal(fi[f], esp_inb_trs_select(in));
			assert_ptr_equal(fo[f], esp_outb_trs_select(out));
		}
		for (g = 0; g < f; g++)
			assert_true(fi[g] != fi[f] && fo[g] != fo[f]);
	}
	in->mode = out->mode = 0;
	assert_null(esp_inb_select(in));
	assert_null(esp_outb_select(out));
	free(in);
	free(out);
}

/* the TCP or UDP (checksum not 0) of an IPv4 packet verifies */
static void assert_l4_cksum_ok(const uint8_t *ip)
{
	const struct rte_ipv4_hdr *h = (const struct rte_ipv4_hdr *)ip;
	uint32_t hl = (ip[0] & 0xf) * 4;

	if (h->next_proto_id == IPPROTO_UDP &&
	    ip[hl + 6] == 0 && ip[hl + 7] == 0)
		return;
	if (h->next_proto_id == IPPROTO_UDP || h->next_proto_id == IPPROTO_TCP)
		assert_int_equal(rte_ipv4_udptcp_cksum_verify(h, ip + hl), 0);
}

static void test_trs_vectors_inb(void **state)
{
	static const uint8_t eth[L2] = { [12] = 0x08 };
	unsigned int i;

	for (i = 0; i < NTRS; i++) {
		const struct esp_trs_vector *t = &esp_trs_vectors[i];
		struct sa_inb *sa = trs_inb_new(t);
		struct rte_mbuf *m = mb_with(t->rx, t->rx_len);
		const uint8_t *p;

		assert_int_equal(inb_one(sa, m, trs_off(t->rx, t->natt)), ESP_DROP_NONE);
		p = rte_pktmbuf_mtod(m, const uint8_t *);
		assert_int_equal(rte_pktmbuf_data_len(m), L2 + t->dec_len);
		assert_int_equal(rte_pktmbuf_pkt_len(m), L2 + t->dec_len);
		assert_int_equal(m->l2_len, L2);
		assert_int_equal(m->l3_len, (t->dec[0] & 0xf) * 4);
		assert_memory_equal(p, eth, L2);
		assert_memory_equal(p + L2, t->dec, t->dec_len);
		assert_l4_cksum_ok(p + L2);
		assert_true(sa->rw.top == t->seq);
		assert_true(sa->cnt.packets == 1 && sa->cnt.bytes == t->dec_len);
		if (t->natt)
			assert_true(sa->peer == sa_peer_pack(ESP_VEC_NAT_PUB,
							     ESP_VEC_NAT_PORT));
		rte_pktmbuf_free(m);
		free(sa);
	}
}

static void test_trs_vectors_outb(void **state)
{
	static const uint8_t eth[L2] = { [12] = 0x08 };
	unsigned int i;

	for (i = 0; i < NTRS; i++) {
		const struct esp_trs_vector *t = &esp_trs_vectors[i];
		struct sa_outb *sa = trs_outb_new(t);
		struct rte_mbuf *m = outb_one(sa, t->plain, t->plain_len);
		const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);

		assert_int_equal(rte_pktmbuf_data_len(m), L2 + t->esp_len);
		assert_memory_equal(p, eth, L2);
		assert_memory_equal(p + L2, t->esp, t->esp_len);
		assert_true(sa->seq == t->seq);
		assert_true(sa->cnt.packets == 1 && sa->cnt.bytes == t->plain_len);
		rte_pktmbuf_free(m);
		free(sa);
	}
}

/*
 * A plain packet for transport round trips: 192.0.2.1 -> 198.51.100.2 (the
 * NAT-T destination the SA writes, so the packet comes back equal), IHL 5
 * or 6 (router alert), @p pl bytes of IP payload: UDP with its checksum
 * from 8 bytes on, protocol 253 below.
 */
static uint32_t make_trs(uint8_t *buf, uint32_t pl, bool opt)
{
	uint32_t hl = opt ? 24 : 20, i;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)buf;
	struct rte_udp_hdr u;
	rte_be16_t ck;

	memset(buf, 0, hl);
	ip->version_ihl = (uint8_t)(0x40 | hl / 4);
	ip->total_length = rte_cpu_to_be_16((uint16_t)(hl + pl));
	ip->packet_id = rte_cpu_to_be_16((uint16_t)pl);
	ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
	ip->time_to_live = 17;
	ip->next_proto_id = pl >= 8 ? IPPROTO_UDP : 253;
	ip->src_addr = rte_cpu_to_be_32(ESP_VEC_LOCAL);
	ip->dst_addr = rte_cpu_to_be_32(ESP_VEC_PEER);
	if (opt) {
		buf[20] = 0x94;
		buf[21] = 4;
	}
	for (i = 0; i < pl; i++)
		buf[hl + i] = (uint8_t)(i * 13 + pl);
	if (pl >= 8) {
		u = (struct rte_udp_hdr){ .src_port = rte_cpu_to_be_16(7),
			.dst_port = rte_cpu_to_be_16(9),
			.dgram_len = rte_cpu_to_be_16((uint16_t)pl) };
		memcpy(buf + hl, &u, sizeof(u));
		ck = rte_ipv4_udptcp_cksum(ip, buf + hl);
		memcpy(buf + hl + 6, &ck, 2);
	}
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	return hl + pl;
}

static void test_trs_roundtrip(void **state)
{
	static uint8_t plain[1600];
	struct rte_mbuf *mb[ESPGW_MAX_BURST];
	uint16_t off[ESPGW_MAX_BURST];
	uint8_t drop[ESPGW_MAX_BURST];
	uint32_t pl, k, f, len[ESPGW_MAX_BURST];

	for (f = 0; f < 4; f++) {
		const struct esp_trs_vector *t = trs_vec(f & 1, f >> 1);
		struct sa_inb *in = trs_inb_new(t);
		struct sa_outb *out = trs_outb_new(t);

		for (pl = 0; pl <= 1500; pl += k) {
			for (k = 0; k < ESPGW_MAX_BURST && pl + k <= 1500; k++) {
				len[k] = make_trs(plain, pl + k, k & 1);
				mb[k] = mb_with(plain, len[k]);
				off[k] = (uint16_t)(L2 + (k & 1 ? 24 : 20) + (t->natt ? 8 : 0));
			}
			assert_int_equal(esp_outb_select(out)(out, eng, ctx, mb,
							      (uint16_t)k, drop), k);
			assert_int_equal(esp_inb_select(in)(in, eng, ctx, mb, off,
							    (uint16_t)k, drop), k);
			for (k = 0; k < ESPGW_MAX_BURST && pl + k <= 1500; k++) {
				make_trs(plain, pl + k, k & 1);
				assert_int_equal(rte_pktmbuf_data_len(mb[k]), L2 + len[k]);
				assert_int_equal(mb[k]->l3_len, k & 1 ? 24 : 20);
				assert_memory_equal(rte_pktmbuf_mtod(mb[k], uint8_t *) + L2,
						    plain, len[k]);
				rte_pktmbuf_free(mb[k]);
			}
		}
		assert_true(in->rw.top == out->seq);
		free(in);
		free(out);
	}
}

/* Every bit of the ESP packet (SPI to ICV) flipped: refused before any
 * state moves; the sequence number's bits may fall out of the window. */
static void test_trs_bitflip(void **state)
{
	size_t wsz = replay_window_size_bytes(WIN);
	uint8_t *win = malloc(wsz);
	unsigned int f;

	for (f = 0; f < 2; f++) {
		const struct esp_trs_vector *t = trs_vec(f, f);
		struct sa_inb *sa = trs_inb_new(t);
		uint16_t off = trs_off(t->rx, t->natt);
		uint64_t peer = sa->peer;
		uint32_t bit, nbits = (t->rx_len - (off - L2)) * 8;

		memcpy(win, &sa->rw, wsz);
		for (bit = 0; bit < nbits; bit++) {
			struct rte_mbuf *m = mb_with(t->rx, t->rx_len);
			uint8_t *esp = rte_pktmbuf_mtod(m, uint8_t *) + off;
			uint8_t r;

			esp[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			r = inb_one(sa, m, off);
			if (bit / 8 >= 4 && bit / 8 < 8)
				assert_true(r == ESP_DROP_AUTH_FAILED ||
					    r == ESP_DROP_REPLAY_OLD ||
					    r == ESP_DROP_REPLAY_ZERO);
			else
				assert_int_equal(r, ESP_DROP_AUTH_FAILED);
			assert_memory_equal(win, &sa->rw, wsz);
			assert_true(sa->peer == peer);
			rte_pktmbuf_free(m);
		}
		assert_true(sa->cnt.packets == 0);
		free(sa);
	}
	free(win);
}

static void test_trs_replay(void **state)
{
	/* no ESN: with ESN a number left of the window is the next epoch's */
	const struct esp_trs_vector *t = trs_vec(true, false);
	struct sa_outb *out = trs_outb_new(t);
	struct sa_inb *in = trs_inb_new(t);
	uint8_t plain[64];
	uint32_t len = make_trs(plain, 12, true), i;
	uint16_t off = L2 + 24 + 8;
	struct rte_mbuf *first = outb_one(out, plain, len), *m;
	struct rte_mbuf *copy = mb_with(rte_pktmbuf_mtod(first, uint8_t *) + L2,
					rte_pktmbuf_data_len(first) - L2);
	struct rte_mbuf *copy2 = mb_with(rte_pktmbuf_mtod(first, uint8_t *) + L2,
					 rte_pktmbuf_data_len(first) - L2);

	assert_int_equal(inb_one(in, first, off), ESP_DROP_NONE);
	assert_int_equal(inb_one(in, copy, off), ESP_DROP_REPLAY_DUP);
	for (i = 0; i < WIN; i++) {
		m = outb_one(out, plain, len);
		assert_int_equal(inb_one(in, m, off), ESP_DROP_NONE);
		rte_pktmbuf_free(m);
	}
	assert_int_equal(inb_one(in, copy2, off), ESP_DROP_REPLAY_OLD);
	assert_true(in->cnt.packets == WIN + 1);
	rte_pktmbuf_free(first);
	rte_pktmbuf_free(copy);
	rte_pktmbuf_free(copy2);
	free(in);
	free(out);
}

/* Decrypted payload, trailer and next header, raw and NAT-T (no ESN). */
static void test_trs_trailer(void **state)
{
	/* pl + npad + 2 is a multiple of 4 (else esp_bad_len) */
	static const struct {
		uint8_t natt, pl, npad, bad_pad, padlen, nh, want;
	} cases[] = {
		{ 0, 22, 0, 0, 0, 1, ESP_DROP_NONE },     /* ICMP */
		{ 0, 21, 1, 0, 1, 253, ESP_DROP_NONE },
		{ 0, 21, 1, 1, 1, 253, ESP_DROP_BAD_PAD },
		{ 0, 21, 1, 0, 200, 253, ESP_DROP_BAD_PAD },
		{ 0, 22, 0, 0, 0, 4, ESP_DROP_BAD_NEXT_HEADER },
		{ 0, 22, 0, 0, 0, 41, ESP_DROP_BAD_NEXT_HEADER },
		{ 0, 22, 0, 0, 0, 59, ESP_DROP_DUMMY },
		{ 0, 10, 0, 0, 0, 6, ESP_DROP_NONE },     /* short TCP: not ours */
		{ 1, 22, 0, 0, 0, 59, ESP_DROP_DUMMY },
		{ 1, 22, 0, 0, 0, 41, ESP_DROP_BAD_NEXT_HEADER },
		{ 1, 10, 0, 0, 0, 6, ESP_DROP_INNER_MALFORMED },   /* < 20 */
		{ 1, 19, 3, 0, 3, 6, ESP_DROP_INNER_MALFORMED },
		{ 1, 7, 3, 0, 3, 17, ESP_DROP_INNER_MALFORMED },   /* < 8 */
		{ 1, 8, 2, 0, 2, 17, ESP_DROP_NONE },
		{ 1, 20, 2, 0, 2, 6, ESP_DROP_NONE },
		{ 1, 0, 2, 0, 2, 1, ESP_DROP_NONE },     /* nothing to fix */
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(cases); i++) {
		const struct esp_trs_vector *t = trs_vec(cases[i].natt, false);
		struct sa_outb *out = trs_outb_new(t);
		struct sa_inb *in = trs_inb_new(t);
		uint8_t buf[64];
		uint32_t pl = cases[i].pl, k, np = cases[i].npad;
		struct rte_mbuf *m;
		uint16_t off = L2 + 20 + (cases[i].natt ? 8 : 0);
		const uint8_t *ip;

		for (k = 0; k < pl; k++)
			buf[k] = (uint8_t)(0x31 * k + i);
		for (k = 0; k < np; k++)
			buf[pl + k] = (uint8_t)(k + 1 + cases[i].bad_pad);
		buf[pl + np] = cases[i].padlen;
		buf[pl + np + 1] = cases[i].nh;
		m = craft_natt(out, (uint32_t)t->seq, buf, pl + np + 2, cases[i].natt);
		assert_int_equal(inb_one(in, m, off), cases[i].want);
		if (cases[i].want == ESP_DROP_NONE) {
			ip = rte_pktmbuf_mtod(m, const uint8_t *) + L2;
			assert_int_equal(rte_pktmbuf_data_len(m), L2 + 20 + pl);
			assert_int_equal(ip[9], cases[i].nh);
			assert_int_equal(ip[2] << 8 | ip[3], 20 + pl);
			assert_int_equal(rte_ipv4_cksum((const struct rte_ipv4_hdr *)ip), 0);
			if (cases[i].natt)
				assert_l4_cksum_ok(ip);
			else   /* the sender's bytes, untouched */
				assert_memory_equal(ip + 20, buf, pl);
		}
		rte_pktmbuf_free(m);
		free(in);
		free(out);
	}
}

/* Every truncation of every vector, and IHL not leading to esp_off. */
static void test_trs_truncate(void **state)
{
	unsigned int i;
	uint32_t t;

	for (i = 0; i < NTRS; i++) {
		const struct esp_trs_vector *v = &esp_trs_vectors[i];
		struct sa_inb *sa = trs_inb_new(v);
		uint16_t off = trs_off(v->rx, v->natt);
		uint32_t hl = off - L2;

		for (t = 0; t < v->rx_len; t++) {
			struct rte_mbuf *m = mb_with(v->rx, t);
			uint8_t r = inb_one(sa, m, off);
			uint32_t esp = t > hl ? t - hl : 0;

			if (esp < 34)   /* IP, UDP, ESP header, IV, ICV */
				assert_int_equal(r, ESP_DROP_ESP_SHORT);
			else if (esp % 4 != 0)
				assert_int_equal(r, ESP_DROP_ESP_BAD_LEN);
			else
				assert_int_equal(r, ESP_DROP_AUTH_FAILED);
			assert_int_equal(rte_pktmbuf_data_len(m), L2 + t);
			rte_pktmbuf_free(m);
		}
		assert_true(sa->rw.top == v->seq - 10);
		free(sa);
	}
}

static void test_trs_outer_malformed(void **state)
{
	const struct esp_trs_vector *t = &esp_trs_vectors[2];   /* IHL 6 */
	struct sa_inb *sa = trs_inb_new(t);
	static const struct { uint8_t vihl; int8_t doff; } cases[] = {
		{ 0x45, 0 },    /* IHL 5 but esp_off after 24 bytes */
		{ 0x47, 0 },
		{ 0x44, 0 },
		{ 0x66, 0 },    /* not IPv4 */
		{ 0x46, 4 },
		{ 0x46, -4 },
	};
	unsigned int i;

	assert_int_equal(t->rx[0], 0x46);
	for (i = 0; i < RTE_DIM(cases); i++) {
		struct rte_mbuf *m = mb_with(t->rx, t->rx_len);

		rte_pktmbuf_mtod(m, uint8_t *)[L2] = cases[i].vihl;
		assert_int_equal(inb_one(sa, m, (uint16_t)(L2 + 24 + cases[i].doff)),
				 ESP_DROP_OUTER_MALFORMED);
		rte_pktmbuf_free(m);
	}
	assert_true(sa->rw.top == t->seq - 10);
	free(sa);
}

/* Selector over the packet's own addresses; without NAT-T a checksum that
 * the outer header no longer matches is left as sent. */
static void test_trs_selector(void **state)
{
	const struct esp_trs_vector *t = &esp_trs_vectors[2];   /* raw TCP */
	struct sa_inb *sa = trs_inb_new(t);
	struct rte_mbuf *m = mb_with(t->rx, t->rx_len);
	uint16_t off = trs_off(t->rx, false);
	rte_be32_t a = rte_cpu_to_be_32(ESP_VEC_NAT_PUB);
	const uint8_t *ip;

	assert_int_equal(t->proto, IPPROTO_TCP);
	sa->sel = (struct sa_selector){ .src = ESP_VEC_LOCAL, .src_mask = ~0u,
		.dst = IP4(198, 51, 100, 0), .dst_mask = 0xffffff00 };
	memcpy(rte_pktmbuf_mtod(m, uint8_t *) + L2 + 12, &a, 4);
	assert_int_equal(inb_one(sa, m, off), ESP_DROP_SELECTOR_MISMATCH);
	rte_pktmbuf_free(m);
	sa->sel.src = ESP_VEC_NAT_PUB;
	sa->rw.top = t->seq - 10;
	memset(sa->rw.bmp, 0, (sa->rw.mask + 1) * sizeof(uint64_t));
	m = mb_with(t->rx, t->rx_len);
	memcpy(rte_pktmbuf_mtod(m, uint8_t *) + L2 + 12, &a, 4);
	assert_int_equal(inb_one(sa, m, off), ESP_DROP_NONE);
	ip = rte_pktmbuf_mtod(m, const uint8_t *) + L2;
	assert_memory_equal(ip + 12, &a, 4);
	assert_memory_equal(ip + 20, t->plain + 20, t->plain_len - 20);
	assert_int_not_equal(rte_ipv4_udptcp_cksum_verify(
		(const struct rte_ipv4_hdr *)ip, ip + 24), 0);
	rte_pktmbuf_free(m);
	free(sa);
}

static void test_trs_natt_rebind(void **state)
{
	const struct esp_trs_vector *t = trs_vec(true, true);
	struct sa_inb *in = trs_inb_new(t);
	uint64_t home = in->peer;
	uint16_t off = trs_off(t->rx, true);
	struct rte_mbuf *a = mb_with(t->rx, t->rx_len);
	struct rte_mbuf *b = mb_with(t->rx, t->rx_len);
	struct rte_mbuf *a2 = mb_with(t->rx, t->rx_len);

	/* forged (bad ICV) from a new place: the binding stays */
	set_src(b, IP4(203, 0, 113, 9), 6000);
	rte_pktmbuf_mtod(b, uint8_t *)[rte_pktmbuf_data_len(b) - 1] ^= 0x80;
	assert_int_equal(inb_one(in, b, off), ESP_DROP_AUTH_FAILED);
	assert_true(in->peer == home);
	/* authentic: moves to the NAT's address and port */
	assert_int_equal(inb_one(in, a, off), ESP_DROP_NONE);
	assert_true(in->peer == sa_peer_pack(ESP_VEC_NAT_PUB, ESP_VEC_NAT_PORT));
	/* replay from elsewhere: does not */
	set_src(a2, IP4(203, 0, 113, 66), 4700);
	assert_int_equal(inb_one(in, a2, off), ESP_DROP_REPLAY_DUP);
	assert_true(in->peer == sa_peer_pack(ESP_VEC_NAT_PUB, ESP_VEC_NAT_PORT));
	rte_pktmbuf_free(a);
	rte_pktmbuf_free(b);
	rte_pktmbuf_free(a2);
	free(in);
}

/* one packet through transport outbound; the drop reason (0: sent) */
static uint8_t trs_outb_drop(struct sa_outb *sa, struct rte_mbuf *m)
{
	struct rte_mbuf *mb[1] = { m };
	uint8_t drop[1] = { 0xff };

	return esp_outb_select(sa)(sa, eng, ctx, mb, 1, drop) == 1 ?
		ESP_DROP_NONE : drop[0];
}

static void test_trs_outb_refuse(void **state)
{
	const struct esp_trs_vector *t = trs_vec(true, false);
	struct sa_outb *out = trs_outb_new(t);
	uint8_t plain[1600], save[1600];
	uint32_t len = make_trs(plain, 1400, true), olen;
	struct rte_mbuf *m;
	uint8_t *ip;

	/* 24 + 8 + 16 + 1400 + 2 (pad) + 2 + 16 = 1468 */
	olen = 24 + 8 + 16 + 1400 + 2 + 2 + 16;
	out->mtu = (uint16_t)(olen - 1);
	m = mb_with(plain, len);
	assert_int_equal(trs_outb_drop(out, m), ESP_DROP_TOO_BIG);
	assert_int_equal(rte_pktmbuf_data_len(m), L2 + len);
	assert_memory_equal(rte_pktmbuf_mtod(m, uint8_t *) + L2, plain, len);
	assert_true(out->seq == t->seq - 1);
	out->mtu = (uint16_t)olen;
	assert_int_equal(trs_outb_drop(out, m), ESP_DROP_NONE);
	assert_int_equal(rte_pktmbuf_data_len(m), L2 + olen);
	rte_pktmbuf_free(m);
	out->mtu = 0;
	/* fragments, not IPv4, IHL beyond the data or below 5 */
	len = make_trs(plain, 30, false);
	memcpy(save, plain, len);
	plain[6] = 0x20;    /* MF */
	m = mb_with(plain, len);
	assert_int_equal(trs_outb_drop(out, m), ESP_DROP_INNER_MALFORMED);
	rte_pktmbuf_free(m);
	memcpy(plain, save, len);
	plain[7] = 1;       /* offset 8 */
	m = mb_with(plain, len);
	assert_int_equal(trs_outb_drop(out, m), ESP_DROP_INNER_MALFORMED);
	rte_pktmbuf_free(m);
	memcpy(plain, save, len);
	plain[0] = 0x4f;
	m = mb_with(plain, 40);
	assert_int_equal(trs_outb_drop(out, m), ESP_DROP_INNER_MALFORMED);
	rte_pktmbuf_free(m);
	plain[0] = 0x44;
	m = mb_with(plain, len);
	assert_int_equal(trs_outb_drop(out, m), ESP_DROP_INNER_MALFORMED);
	rte_pktmbuf_free(m);
	plain[0] = 0x65;
	m = mb_with(plain, len);
	assert_int_equal(trs_outb_drop(out, m), ESP_DROP_INNER_MALFORMED);
	rte_pktmbuf_free(m);
	m = mb_with(plain, 19);
	assert_int_equal(trs_outb_drop(out, m), ESP_DROP_INNER_MALFORMED);
	rte_pktmbuf_free(m);
	/* no headroom for UDP, ESP header and IV (24): unchanged */
	m = rte_pktmbuf_alloc(pool);
	m->data_off = 23;
	ip = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(L2 + len));
	memcpy(ip + L2, save, len);
	assert_int_equal(trs_outb_drop(out, m), ESP_DROP_NO_ROOM);
	assert_int_equal(m->data_off, 23);
	assert_memory_equal(ip + L2, save, len);
	rte_pktmbuf_free(m);
	assert_true(out->seq == t->seq);
	/* sequence numbers used up */
	out->seq = UINT32_MAX;
	m = mb_with(save, len);
	assert_int_equal(trs_outb_drop(out, m), ESP_DROP_SEQ_OVERFLOW);
	rte_pktmbuf_free(m);
	free(out);
}

/* NAT-T outbound: the destination becomes the peer's public address, the
 * source stays; the result decrypts back with the destination changed. */
static void test_trs_natt_dst(void **state)
{
	const struct esp_trs_vector *t = trs_vec(true, false);
	struct sa_outb *out = trs_outb_new(t);
	struct sa_inb *in = trs_inb_new(t);
	uint8_t plain[128];
	uint32_t len = make_trs(plain, 40, false);
	rte_be32_t pub = rte_cpu_to_be_32(ESP_VEC_NAT_PUB), src;
	struct rte_mbuf *m;
	const uint8_t *ip;

	out->peer = sa_peer_pack(ESP_VEC_NAT_PUB, ESP_VEC_NAT_PORT);
	m = outb_one(out, plain, len);
	ip = rte_pktmbuf_mtod(m, const uint8_t *) + L2;
	memcpy(&src, plain + 12, 4);
	assert_memory_equal(ip + 12, &src, 4);
	assert_memory_equal(ip + 16, &pub, 4);
	assert_int_equal(ip[9], IPPROTO_UDP);
	assert_int_equal(rte_ipv4_cksum((const struct rte_ipv4_hdr *)ip), 0);
	assert_int_equal(ip[22] << 8 | ip[23], ESP_VEC_NAT_PORT);
	assert_int_equal(ip[20] << 8 | ip[21], 4500);
	assert_int_equal(inb_one(in, m, L2 + 28), ESP_DROP_NONE);
	ip = rte_pktmbuf_mtod(m, const uint8_t *) + L2;
	assert_memory_equal(ip + 16, &pub, 4);
	assert_memory_equal(ip + 20, plain + 20, 6);   /* UDP ports, length */
	assert_l4_cksum_ok(ip);
	rte_pktmbuf_free(m);
	free(in);
	free(out);
}

/* ---- IPv6 ------------------------------------------------------------------ */

enum { NVEC6 = RTE_DIM(esp6_vectors), NTRS6 = RTE_DIM(esp_trs6_vectors) };

static uint16_t ohl_of(bool outer6)
{
	return outer6 ? 40 : 20;
}

static uint16_t esp6_off(const struct esp6_vector *v)
{
	return (uint16_t)(L2 + ohl_of(v->outer6) + (v->natt ? 8 : 0));
}

static struct esp_vector v6_as_vec(const struct esp6_vector *w)
{
	struct esp_vector v = {
		.key_len = w->key_len, .natt = w->natt, .esn = w->esn,
		.spi = w->spi, .seq = w->seq, .key = w->key,
	};

	memcpy(v.salt, w->salt, 4);
	return v;
}

/* inbound SA of a v6 vector: both families, any address */
static struct sa_inb *inb6_new(const struct esp6_vector *w)
{
	struct esp_vector v = v6_as_vec(w);
	struct sa_inb *sa = inb_new(&v);

	if (w->outer6)
		sa->flags |= SA_F_OUTER_V6;
	sa->sel_families = SA_SEL_V4 | SA_SEL_V6;
	memcpy(sa->local6, esp_vec_peer6, 16);
	memcpy(sa->peer6, esp_vec_local6, 16);   /* outer src of vectors */
	return sa;
}

static struct sa_outb *outb6_new(const struct esp6_vector *w)
{
	struct esp_vector v = v6_as_vec(w);
	struct sa_outb *sa = outb_new(&v);

	if (w->outer6)
		sa->flags |= SA_F_OUTER_V6;
	memcpy(sa->local6, esp_vec_local6, 16);
	memcpy(sa->peer6, esp_vec_peer6, 16);
	return sa;
}

/* back to the window inb_new() set */
static void rw_reset(struct sa_inb *sa, uint64_t seq)
{
	sa->rw.top = seq - 10;
	memset(sa->rw.bmp, 0, (sa->rw.mask + 1) * sizeof(uint64_t));
}

static const struct esp6_vector *vec6(bool outer6, bool inner6, bool natt, bool esn)
{
	unsigned int i;

	for (i = 0; i < NVEC6; i++)
		if (esp6_vectors[i].outer6 == outer6 && esp6_vectors[i].inner6 == inner6 &&
		    esp6_vectors[i].natt == natt && esp6_vectors[i].esn == esn)
			return &esp6_vectors[i];
	fail();
	return NULL;
}

/* inner IPv6 packet 2001:db8:1::1 -> 2001:db8:2::7, next header 253,
 * @p pl payload bytes */
static uint32_t make_inner6(uint8_t *buf, uint32_t pl)
{
	static const uint8_t src[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 1 };
	uint32_t i;

	memset(buf, 0, 40);
	buf[0] = 0x6b;          /* traffic class 0xb2, flow label 0x2345 */
	buf[1] = 0x22;
	buf[2] = 0x23;
	buf[3] = 0x45;
	buf[4] = (uint8_t)(pl >> 8);
	buf[5] = (uint8_t)pl;
	buf[6] = 253;
	buf[7] = 9;
	memcpy(buf + 8, src, 16);
	memcpy(buf + 24, esp_vec_inner6_dst, 16);
	for (i = 0; i < pl; i++)
		buf[40 + i] = (uint8_t)(i * 5 + pl);
	return 40 + pl;
}

static void assert_eth(const struct rte_mbuf *m, bool v6)
{
	uint8_t eth[L2] = { 0 };

	eth[12] = v6 ? 0x86 : 0x08;
	eth[13] = v6 ? 0xdd : 0x00;
	assert_memory_equal(rte_pktmbuf_mtod(m, const uint8_t *), eth, L2);
}

/* the outer UDP checksum of an IPv6 NAT-T packet verifies (not 0) */
static void assert_udp6_ok(const struct rte_mbuf *m)
{
	const uint8_t *ip = rte_pktmbuf_mtod(m, const uint8_t *) + L2;

	assert_int_equal(ip[6], IPPROTO_UDP);
	assert_true(ip[46] != 0 || ip[47] != 0);
	assert_int_equal(rte_ipv6_udptcp_cksum_verify(
		(const struct rte_ipv6_hdr *)ip, ip + 40), 0);
}

static void test_v6_vectors_inb(void **state)
{
	unsigned int i;

	for (i = 0; i < NVEC6; i++) {
		const struct esp6_vector *v = &esp6_vectors[i];
		struct sa_inb *sa = inb6_new(v);
		struct rte_mbuf *m = mb_with(v->outer, v->outer_len);

		assert_int_equal(inb_one(sa, m, esp6_off(v)), ESP_DROP_NONE);
		assert_int_equal(rte_pktmbuf_data_len(m), L2 + v->inner_len);
		assert_eth(m, v->inner6);
		assert_memory_equal(rte_pktmbuf_mtod(m, uint8_t *) + L2, v->inner,
				    v->inner_len);
		assert_int_equal(m->l2_len, L2);
		assert_int_equal(m->l3_len, v->inner6 ? 40 : 20);
		assert_true(sa->rw.top == v->seq);
		assert_true(sa->cnt.packets == 1 && sa->cnt.bytes == v->inner_len);
		assert_true(sa_peer_port(sa->peer) == 4500);
		assert_memory_equal(sa->peer6, esp_vec_local6, 16);
		rte_pktmbuf_free(m);
		free(sa);
	}
}

static void test_v6_vectors_outb(void **state)
{
	unsigned int i;

	for (i = 0; i < NVEC6; i++) {
		const struct esp6_vector *v = &esp6_vectors[i];
		struct sa_outb *sa = outb6_new(v);
		struct rte_mbuf *m = outb_one(sa, v->inner, v->inner_len);

		/* the whole packet is scapy's (the generator fixed scapy's
		 * NAT-T UDP length, and over IPv6 its checksum) */
		assert_int_equal(rte_pktmbuf_data_len(m), L2 + v->outer_len);
		assert_eth(m, v->outer6);
		assert_memory_equal(rte_pktmbuf_mtod(m, uint8_t *) + L2, v->outer,
				    v->outer_len);
		if (v->outer6 && v->natt)
			assert_udp6_ok(m);
		assert_true(sa->seq == v->seq);
		assert_true(sa->cnt.packets == 1 && sa->cnt.bytes == v->inner_len);
		rte_pktmbuf_free(m);
		free(sa);
	}
}

/* Both inner families mixed in each burst, 0..1500 bytes of payload, over
 * every outer family and flag combination (one vector's SA each). */
static void test_v6_roundtrip(void **state)
{
	static uint8_t inner[1600];
	struct rte_mbuf *mb[ESPGW_MAX_BURST];
	uint16_t off[ESPGW_MAX_BURST];
	uint8_t drop[ESPGW_MAX_BURST];
	uint32_t pl, k, f, len[ESPGW_MAX_BURST];

	for (f = 0; f < 8; f++) {
		const struct esp6_vector *v = vec6(f & 4, true, f & 2, f & 1);
		struct sa_inb *in = inb6_new(v);
		struct sa_outb *out = outb6_new(v);

		for (pl = 0; pl <= 1500; pl += k) {
			for (k = 0; k < ESPGW_MAX_BURST && pl + k <= 1500; k++) {
				len[k] = (k + f) & 1 ? make_inner6(inner, pl + k) :
					 make_inner(inner, IP4(10, 1, 0, 1),
						    IP4(10, 2, 0, 1), pl + k);
				mb[k] = mb_with(inner, len[k]);
				off[k] = esp6_off(v);
			}
			assert_int_equal(esp_outb_select(out)(out, eng, ctx, mb,
							      (uint16_t)k, drop), k);
			for (k = 0; k < ESPGW_MAX_BURST && pl + k <= 1500; k++) {
				assert_eth(mb[k], v->outer6);
				if (v->outer6 && v->natt)
					assert_udp6_ok(mb[k]);
			}
			assert_int_equal(esp_inb_select(in)(in, eng, ctx, mb, off,
							    (uint16_t)k, drop), k);
			for (k = 0; k < ESPGW_MAX_BURST && pl + k <= 1500; k++) {
				bool i6 = (k + f) & 1;

				if (i6)
					make_inner6(inner, pl + k);
				else
					make_inner(inner, IP4(10, 1, 0, 1),
						   IP4(10, 2, 0, 1), pl + k);
				assert_int_equal(rte_pktmbuf_data_len(mb[k]), L2 + len[k]);
				assert_eth(mb[k], i6);
				assert_memory_equal(rte_pktmbuf_mtod(mb[k], uint8_t *) + L2,
						    inner, len[k]);
				rte_pktmbuf_free(mb[k]);
			}
		}
		assert_true(in->rw.top == out->seq);
		free(in);
		free(out);
	}
}

/* Every byte of the ESP packet (SPI to ICV) changed: refused, window and
 * binding unchanged; the sequence number may fall out of the window. */
static void test_v6_forgery(void **state)
{
	size_t wsz = replay_window_size_bytes(WIN);
	uint8_t *win = malloc(wsz);
	unsigned int i;

	for (i = 0; i < NVEC6; i++) {
		const struct esp6_vector *v = &esp6_vectors[i];
		struct sa_inb *sa = inb6_new(v);
		uint16_t off = esp6_off(v);
		uint64_t peer = sa->peer;
		uint32_t b, nb = v->outer_len - (off - L2);

		memcpy(win, &sa->rw, wsz);
		for (b = 0; b < nb; b++) {
			struct rte_mbuf *m = mb_with(v->outer, v->outer_len);
			uint8_t r;

			rte_pktmbuf_mtod(m, uint8_t *)[off + b] ^= (uint8_t)(1u << (b % 8));
			r = inb_one(sa, m, off);
			if (b >= 4 && b < 8)
				assert_true(r == ESP_DROP_AUTH_FAILED ||
					    r == ESP_DROP_REPLAY_OLD ||
					    r == ESP_DROP_REPLAY_ZERO);
			else
				assert_int_equal(r, ESP_DROP_AUTH_FAILED);
			assert_memory_equal(win, &sa->rw, wsz);
			assert_true(sa->peer == peer);
			assert_memory_equal(sa->peer6, esp_vec_local6, 16);
			rte_pktmbuf_free(m);
		}
		assert_true(sa->cnt.packets == 0);
		free(sa);
	}
	free(win);
}

/* Every truncation of the IPv6-outer vectors, esp_off not right after the
 * fixed header, and the header's version and next header. */
static void test_v6_truncate(void **state)
{
	unsigned int i, c;
	uint32_t t;

	for (i = 0; i < NVEC6; i++) {
		const struct esp6_vector *v = &esp6_vectors[i];
		struct sa_inb *sa = inb6_new(v);
		uint16_t off = esp6_off(v);
		static const int8_t doff[] = { -8, -4, -1, 1, 4, 8, -20 };

		for (t = 0; t < v->outer_len; t++) {
			struct rte_mbuf *m = mb_with(v->outer, t);
			uint8_t r = inb_one(sa, m, off);
			uint32_t esp = L2 + t > off ? L2 + t - off : 0;

			if (esp < 34)   /* ESP header, IV, trailer, ICV */
				assert_int_equal(r, ESP_DROP_ESP_SHORT);
			else if (esp % 4 != 0)
				assert_int_equal(r, ESP_DROP_ESP_BAD_LEN);
			else
				assert_int_equal(r, ESP_DROP_AUTH_FAILED);
			assert_int_equal(rte_pktmbuf_data_len(m), L2 + t);
			rte_pktmbuf_free(m);
		}
		if (v->outer6) {
			for (c = 0; c < RTE_DIM(doff); c++) {
				struct rte_mbuf *m = mb_with(v->outer, v->outer_len);

				assert_int_equal(inb_one(sa, m, (uint16_t)(off + doff[c])),
						 ESP_DROP_OUTER_MALFORMED);
				rte_pktmbuf_free(m);
			}
			for (c = 0; c < 4; c++) {
				struct rte_mbuf *m = mb_with(v->outer, v->outer_len);
				uint8_t *ip = rte_pktmbuf_mtod(m, uint8_t *) + L2;

				if (c == 0)
					ip[0] = 0x46;           /* version 4 */
				else if (c == 1)
					ip[6] = v->natt ? 50 : 17;
				else if (c == 2)
					ip[6] = 0;              /* hop by hop */
				else
					ip[6] = 60;             /* dest. options */
				assert_int_equal(inb_one(sa, m, off), ESP_DROP_OUTER_MALFORMED);
				rte_pktmbuf_free(m);
			}
		}
		assert_true(sa->rw.top == v->seq - 10);
		free(sa);
	}
}

static void test_v6_prefix(void **state)
{
	static const uint8_t p[16] = { 0x20, 0x01, 0x0d, 0xb8, 0xab, 0xcd, [15] = 0x80 };
	static const struct { uint8_t byte, xor, len; bool match; } cases[] = {
		{ 0, 0x00, 0, true }, { 0, 0x80, 0, true }, { 0, 0x80, 1, false },
		{ 0, 0x01, 7, true }, { 0, 0x01, 8, false }, { 5, 0x01, 47, true },
		{ 5, 0x01, 48, false }, { 4, 0x08, 36, true }, { 4, 0x08, 37, false },
		{ 15, 0x01, 127, true }, { 15, 0x01, 128, false },
		{ 15, 0x01, 200, false }, { 15, 0x00, 128, true },
		{ 15, 0x80, 120, true }, { 15, 0x80, 121, false },
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(cases); i++) {
		uint8_t a[16];

		memcpy(a, p, 16);
		a[cases[i].byte] ^= cases[i].xor;
		assert_int_equal(esp_prefix6_match(a, p, cases[i].len), cases[i].match);
	}
}

/* sel6 over the inner IPv6 addresses, sel_families for each family;
 * sel_families 0 is IPv4 only (SAs made before IPv6). */
static void test_v6_selector(void **state)
{
	const struct esp6_vector *v6 = vec6(true, true, false, false);
	const struct esp6_vector *v4 = vec6(true, false, false, false);
	static const uint8_t src[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1 };
	static const struct {
		bool inner6;
		uint8_t fam, src_len, dst_len, src_xor, dst_xor, want;
	} cases[] = {
		{ true, 3, 48, 128, 0, 0, ESP_DROP_NONE },
		{ true, 2, 0, 0, 0, 0, ESP_DROP_NONE },
		{ true, 2, 48, 0, 0x01, 0, ESP_DROP_SELECTOR_MISMATCH },
		{ true, 2, 47, 0, 0x01, 0, ESP_DROP_NONE },
		{ true, 2, 0, 128, 0, 0x80, ESP_DROP_SELECTOR_MISMATCH },
		{ true, 2, 0, 120, 0, 0x80, ESP_DROP_NONE },
		{ true, 0, 0, 0, 0, 0, ESP_DROP_SELECTOR_MISMATCH },
		{ true, 1, 0, 0, 0, 0, ESP_DROP_SELECTOR_MISMATCH },
		{ false, 0, 0, 0, 0, 0, ESP_DROP_NONE },
		{ false, 1, 0, 0, 0, 0, ESP_DROP_NONE },
		{ false, 3, 0, 0, 0, 0, ESP_DROP_NONE },
		{ false, 2, 0, 0, 0, 0, ESP_DROP_SELECTOR_MISMATCH },
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(cases); i++) {
		const struct esp6_vector *v = cases[i].inner6 ? v6 : v4;
		struct sa_inb *sa = inb6_new(v);
		struct rte_mbuf *m = mb_with(v->outer, v->outer_len);

		sa->sel_families = cases[i].fam;
		memcpy(sa->sel6.src, src, 16);
		sa->sel6.src[5] ^= cases[i].src_xor;
		memcpy(sa->sel6.dst, esp_vec_inner6_dst, 16);
		sa->sel6.dst[15] ^= cases[i].dst_xor;
		sa->sel6.src_len = cases[i].src_len;
		sa->sel6.dst_len = cases[i].dst_len;
		assert_int_equal(inb_one(sa, m, esp6_off(v)), cases[i].want);
		/* authenticated: the window moved either way */
		assert_true(sa->rw.top == v->seq);
		rte_pktmbuf_free(m);
		free(sa);
	}
	/* an IPv4-only SA of before: sel_families 0, v4 in v4 as always */
	{
		const struct esp_vector *w = &esp_vectors[0];
		struct sa_inb *sa = inb_new(w);
		struct rte_mbuf *m = mb_with(w->outer, w->outer_len);

		assert_int_equal(sa->sel_families, 0);
		assert_int_equal(inb_one(sa, m, esp_off_of(w)), ESP_DROP_NONE);
		rte_pktmbuf_free(m);
		sa->sel_families = SA_SEL_V6;
		rw_reset(sa, w->seq);
		m = mb_with(w->outer, w->outer_len);
		assert_int_equal(inb_one(sa, m, esp_off_of(w)), ESP_DROP_SELECTOR_MISMATCH);
		rte_pktmbuf_free(m);
		free(sa);
	}
}

/* set the IPv6 outer source address and UDP source port */
static void set_src6(struct rte_mbuf *m, uint8_t last, uint16_t port)
{
	uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *) + L2;
	rte_be16_t s = rte_cpu_to_be_16(port);

	memcpy(p + 8, esp_vec_nat_pub6, 16);
	p[23] = last;
	memcpy(p + 40, &s, 2);
}

/* NAT-T over IPv6: the binding moves only for an authentic, new packet */
static void test_v6_natt_rebind(void **state)
{
	const struct esp6_vector *v = vec6(true, true, true, true);
	struct sa_inb *in = inb6_new(v);
	uint64_t home = in->peer;
	uint16_t off = esp6_off(v);
	struct rte_mbuf *a = mb_with(v->outer, v->outer_len);
	struct rte_mbuf *b = mb_with(v->outer, v->outer_len);
	struct rte_mbuf *a2 = mb_with(v->outer, v->outer_len);
	uint8_t want[16];

	memcpy(want, esp_vec_nat_pub6, 16);
	want[15] = 0x77;
	set_src6(b, 0x99, 6000);
	rte_pktmbuf_mtod(b, uint8_t *)[rte_pktmbuf_data_len(b) - 1] ^= 0x80;
	assert_int_equal(inb_one(in, b, off), ESP_DROP_AUTH_FAILED);
	assert_true(in->peer == home);
	assert_memory_equal(in->peer6, esp_vec_local6, 16);
	set_src6(a, 0x77, 4600);
	assert_int_equal(inb_one(in, a, off), ESP_DROP_NONE);
	assert_memory_equal(in->peer6, want, 16);
	assert_int_equal(sa_peer_port(in->peer), 4600);
	assert_true(sa_peer_addr(in->peer) == sa_peer_addr(home));
	set_src6(a2, 0x66, 4700);
	assert_int_equal(inb_one(in, a2, off), ESP_DROP_REPLAY_DUP);
	assert_memory_equal(in->peer6, want, 16);
	assert_int_equal(sa_peer_port(in->peer), 4600);
	/* same address, only the port changes: moves too */
	in->rw.top = v->seq - 10;
	memset(in->rw.bmp, 0, (in->rw.mask + 1) * sizeof(uint64_t));
	rte_pktmbuf_free(a2);
	a2 = mb_with(v->outer, v->outer_len);
	set_src6(a2, 0x77, 4800);
	assert_int_equal(inb_one(in, a2, off), ESP_DROP_NONE);
	assert_memory_equal(in->peer6, want, 16);
	assert_int_equal(sa_peer_port(in->peer), 4800);
	rte_pktmbuf_free(a);
	rte_pktmbuf_free(b);
	rte_pktmbuf_free(a2);
	free(in);
}

/* ESP over IPv6 (NAT-T: UDP 4500 -> 4500, checksum 0, not verified),
 * encrypting @p pt with the engine directly (no ESN). */
static struct rte_mbuf *craft6(const struct sa_outb *sa, uint32_t seq,
			       const uint8_t *pt, uint32_t ptlen, bool natt)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint32_t u = natt ? 8 : 0, olen = 40 + u + 16 + ptlen + ESP_ICV_LEN;
	uint8_t *p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(L2 + olen));
	uint8_t *esp = p + L2 + 40 + u, nonce[AEAD_IV_LEN];
	rte_be32_t w;
	uint64_t iv = rte_cpu_to_be_64(seq);
	struct aead_op op;
	bool ok;

	memset(p, 0, L2 + 40 + u);
	p[12] = 0x86;
	p[13] = 0xdd;
	p[L2] = 0x60;
	p[L2 + 4] = (uint8_t)((olen - 40) >> 8);
	p[L2 + 5] = (uint8_t)(olen - 40);
	p[L2 + 6] = natt ? IPPROTO_UDP : IPPROTO_ESP;
	p[L2 + 7] = 64;
	memcpy(p + L2 + 8, esp_vec_local6, 16);
	memcpy(p + L2 + 24, esp_vec_peer6, 16);
	if (natt) {
		p[L2 + 40] = 0x11;
		p[L2 + 41] = 0x94;
		p[L2 + 42] = 0x11;
		p[L2 + 43] = 0x94;
		p[L2 + 44] = (uint8_t)((olen - 40) >> 8);
		p[L2 + 45] = (uint8_t)(olen - 40);
	}
	w = rte_cpu_to_be_32(sa->spi);
	memcpy(esp, &w, 4);
	w = rte_cpu_to_be_32(seq);
	memcpy(esp + 4, &w, 4);
	memcpy(esp + 8, &iv, 8);
	memcpy(esp + 16, pt, ptlen);
	memcpy(nonce, sa->salt, 4);
	memcpy(nonce + 4, &iv, 8);
	op = (struct aead_op){ .key = &sa->key, .iv = nonce, .aad = esp,
			       .aad_len = 8, .data = esp + 16, .len = ptlen,
			       .tag = esp + 16 + ptlen };
	assert_int_equal(eng->encrypt_burst(ctx, &op, 1, &ok), 1);
	return m;
}

/* Tunnel over IPv6: next header against the inner packet, after the ICV. */
static void test_v6_inner(void **state)
{
	const struct esp6_vector *v = vec6(true, true, false, false);
	struct sa_outb *out = outb6_new(v);
	struct sa_inb *in = inb6_new(v);
	static const struct {
		uint8_t six, nh;
		int8_t len_delta;
		uint8_t ver, want;
	} cases[] = {
		{ 1, 41, 0, 6, ESP_DROP_NONE },
		{ 0, 4, 0, 4, ESP_DROP_NONE },
		{ 1, 41, 1, 6, ESP_DROP_INNER_MALFORMED },
		{ 1, 41, -1, 6, ESP_DROP_INNER_MALFORMED },
		{ 1, 41, 0, 4, ESP_DROP_INNER_MALFORMED },
		{ 0, 41, 0, 4, ESP_DROP_INNER_MALFORMED },  /* IPv4 as 41 */
		{ 1, 4, 0, 6, ESP_DROP_INNER_MALFORMED },   /* IPv6 as 4 */
		{ 1, 6, 0, 6, ESP_DROP_BAD_NEXT_HEADER },
		{ 1, 59, 0, 6, ESP_DROP_DUMMY },
		{ 2, 41, 0, 6, ESP_DROP_INNER_MALFORMED },  /* 38 bytes */
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(cases); i++) {
		uint8_t buf[128];
		uint32_t len, pad;
		struct rte_mbuf *m;

		if (cases[i].six == 2) {
			len = make_inner6(buf, 0) - 2;
		} else if (cases[i].six) {
			len = make_inner6(buf, 30);
			buf[5] = (uint8_t)(buf[5] + cases[i].len_delta);
			buf[0] = (uint8_t)((buf[0] & 0x0f) | cases[i].ver << 4);
		} else {
			len = make_inner(buf, IP4(10, 1, 0, 1), IP4(10, 2, 0, 1), 30);
		}
		pad = -(len + 2) & 3;
		memset(buf + len, 0, pad);
		for (uint32_t k = 0; k < pad; k++)
			buf[len + k] = (uint8_t)(k + 1);
		buf[len + pad] = (uint8_t)pad;
		buf[len + pad + 1] = cases[i].nh;
		m = craft6(out, (uint32_t)v->seq + i, buf, len + pad + 2, false);
		assert_int_equal(inb_one(in, m, L2 + 40), cases[i].want);
		if (cases[i].want == ESP_DROP_NONE) {
			assert_eth(m, cases[i].six);
			assert_int_equal(rte_pktmbuf_data_len(m), L2 + len);
			assert_memory_equal(rte_pktmbuf_mtod(m, uint8_t *) + L2, buf, len);
		}
		rte_pktmbuf_free(m);
	}
	free(in);
	free(out);
}

static uint8_t outb_drop(struct sa_outb *sa, struct rte_mbuf *m)
{
	struct rte_mbuf *mb[1] = { m };
	uint8_t drop[1] = { 0xff };

	return esp_outb_select(sa)(sa, eng, ctx, mb, 1, drop) == 1 ?
		ESP_DROP_NONE : drop[0];
}

/* Tunnel outbound: inner family by the version, its length; too big. */
static void test_v6_outb_refuse(void **state)
{
	const struct esp6_vector *v = vec6(true, true, true, false);
	struct sa_outb *out = outb6_new(v);
	uint8_t buf[1600];
	uint32_t len, olen;
	struct rte_mbuf *m;
	const uint8_t *ip;

	len = make_inner6(buf, 100);
	buf[0] = 0x5b;
	m = mb_with(buf, len);
	assert_int_equal(outb_drop(out, m), ESP_DROP_INNER_MALFORMED);
	rte_pktmbuf_free(m);
	len = make_inner6(buf, 100);
	m = mb_with(buf, len - 1);
	assert_int_equal(outb_drop(out, m), ESP_DROP_INNER_MALFORMED);
	rte_pktmbuf_free(m);
	m = mb_with(buf, 39);
	assert_int_equal(outb_drop(out, m), ESP_DROP_INNER_MALFORMED);
	rte_pktmbuf_free(m);
	assert_true(out->seq == v->seq - 1);
	/* 40 + 8 + 16 + 1440 + 2 (pad) + 2 + 16 = 1524 */
	len = make_inner6(buf, 1400);
	olen = 40 + 8 + 16 + len + 2 + 2 + 16;
	out->mtu = (uint16_t)(olen - 1);
	m = mb_with(buf, len);
	assert_int_equal(outb_drop(out, m), ESP_DROP_TOO_BIG);
	assert_int_equal(rte_pktmbuf_data_len(m), L2 + len);
	assert_memory_equal(rte_pktmbuf_mtod(m, uint8_t *) + L2, buf, len);
	out->mtu = (uint16_t)olen;
	assert_int_equal(outb_drop(out, m), ESP_DROP_NONE);
	assert_int_equal(rte_pktmbuf_data_len(m), L2 + olen);
	ip = rte_pktmbuf_mtod(m, const uint8_t *) + L2;
	/* traffic class of the inner (0xb2), flow label 0, hop limit 64 */
	assert_int_equal(ip[0], 0x6b);
	assert_int_equal(ip[1], 0x20);
	assert_int_equal(ip[2] | ip[3], 0);
	assert_int_equal(ip[4] << 8 | ip[5], olen - 40);
	assert_int_equal(ip[7], 64);
	assert_memory_equal(ip + 8, esp_vec_local6, 16);
	assert_memory_equal(ip + 24, esp_vec_peer6, 16);
	assert_int_equal(ip[44] << 8 | ip[45], olen - 40);
	assert_udp6_ok(m);
	rte_pktmbuf_free(m);
	free(out);
}

/* ---- transport over IPv6 ----------------------------------------------- */

static struct sa_inb *trs6_inb_new(const struct esp_trs_vector *t)
{
	struct sa_inb *sa = trs_inb_new(t);

	sa->flags |= SA_F_OUTER_V6;
	sa->sel_families = SA_SEL_V6;
	memcpy(sa->local6, esp_vec_peer6, 16);
	memcpy(sa->peer6, esp_vec_local6, 16);
	return sa;
}

static struct sa_outb *trs6_outb_new(const struct esp_trs_vector *t)
{
	struct sa_outb *sa = trs_outb_new(t);

	sa->flags |= SA_F_OUTER_V6;
	memcpy(sa->local6, esp_vec_local6, 16);
	memcpy(sa->peer6, esp_vec_peer6, 16);
	return sa;
}

static const struct esp_trs_vector *trs6_vec(bool natt, bool esn, uint32_t proto)
{
	unsigned int i;

	for (i = 0; i < NTRS6; i++)
		if (esp_trs6_vectors[i].natt == natt && esp_trs6_vectors[i].esn == esn &&
		    (proto == 0 || esp_trs6_vectors[i].proto == proto))
			return &esp_trs6_vectors[i];
	fail();
	return NULL;
}

/* the TCP, UDP or ICMPv6 checksum of an IPv6 packet verifies */
static void assert_l4_cksum6_ok(const uint8_t *ip)
{
	const struct rte_ipv6_hdr *h = (const struct rte_ipv6_hdr *)ip;

	if (h->proto == IPPROTO_UDP || h->proto == IPPROTO_TCP ||
	    h->proto == IPPROTO_ICMPV6)
		assert_int_equal(rte_ipv6_udptcp_cksum_verify(h, ip + 40), 0);
}

static void test_trs6_vectors(void **state)
{
	unsigned int i;

	for (i = 0; i < NTRS6; i++) {
		const struct esp_trs_vector *t = &esp_trs6_vectors[i];
		struct sa_inb *in = trs6_inb_new(t);
		struct sa_outb *out = trs6_outb_new(t);
		struct rte_mbuf *m = mb_with(t->rx, t->rx_len);
		const uint8_t *p;

		assert_int_equal(inb_one(in, m, (uint16_t)(L2 + 40 + (t->natt ? 8 : 0))),
				 ESP_DROP_NONE);
		p = rte_pktmbuf_mtod(m, const uint8_t *);
		assert_int_equal(rte_pktmbuf_data_len(m), L2 + t->dec_len);
		assert_int_equal(rte_pktmbuf_pkt_len(m), L2 + t->dec_len);
		assert_int_equal(m->l2_len, L2);
		assert_int_equal(m->l3_len, 40);
		assert_eth(m, true);
		assert_memory_equal(p + L2, t->dec, t->dec_len);
		if (t->natt)
			assert_l4_cksum6_ok(p + L2);
		assert_true(in->rw.top == t->seq);
		assert_true(in->cnt.packets == 1 && in->cnt.bytes == t->dec_len);
		if (t->natt) {
			assert_memory_equal(in->peer6, esp_vec_nat_pub6, 16);
			assert_int_equal(sa_peer_port(in->peer), ESP_VEC_NAT_PORT);
		}
		rte_pktmbuf_free(m);
		m = outb_one(out, t->plain, t->plain_len);
		p = rte_pktmbuf_mtod(m, const uint8_t *);
		assert_int_equal(rte_pktmbuf_data_len(m), L2 + t->esp_len);
		assert_eth(m, true);
		assert_memory_equal(p + L2, t->esp, t->esp_len);
		if (t->natt)
			assert_udp6_ok(m);
		assert_true(out->seq == t->seq);
		assert_true(out->cnt.packets == 1 && out->cnt.bytes == t->plain_len);
		rte_pktmbuf_free(m);
		free(in);
		free(out);
	}
}

/* transport IPv6 plain packet esp_vec_local6 -> esp_vec_peer6: UDP with
 * its checksum from 8 bytes of payload on, next header 253 below */
static uint32_t make_trs6(uint8_t *buf, uint32_t pl)
{
	uint32_t i;
	rte_be16_t ck;

	memset(buf, 0, 40);
	buf[0] = 0x60;
	buf[1] = 0x01;
	buf[2] = 0x23;
	buf[3] = 0x45;
	buf[4] = (uint8_t)(pl >> 8);
	buf[5] = (uint8_t)pl;
	buf[6] = pl >= 8 ? IPPROTO_UDP : IPPROTO_PIM;  /* no checksum to fix */
	buf[7] = 17;
	memcpy(buf + 8, esp_vec_local6, 16);
	memcpy(buf + 24, esp_vec_peer6, 16);
	for (i = 0; i < pl; i++)
		buf[40 + i] = (uint8_t)(i * 13 + pl);
	if (pl >= 8) {
		struct rte_udp_hdr u = { .src_port = rte_cpu_to_be_16(7),
			.dst_port = rte_cpu_to_be_16(9),
			.dgram_len = rte_cpu_to_be_16((uint16_t)pl) };

		memcpy(buf + 40, &u, sizeof(u));
		ck = rte_ipv6_udptcp_cksum((const struct rte_ipv6_hdr *)buf, buf + 40);
		memcpy(buf + 46, &ck, 2);
	}
	return 40 + pl;
}

static void test_trs6_roundtrip(void **state)
{
	static uint8_t plain[1600];
	struct rte_mbuf *mb[ESPGW_MAX_BURST];
	uint16_t off[ESPGW_MAX_BURST];
	uint8_t drop[ESPGW_MAX_BURST];
	uint32_t pl, k, f, len[ESPGW_MAX_BURST];

	for (f = 0; f < 4; f++) {
		const struct esp_trs_vector *t = trs6_vec(f & 1, f >> 1, 0);
		struct sa_inb *in = trs6_inb_new(t);
		struct sa_outb *out = trs6_outb_new(t);

		for (pl = 0; pl <= 1500; pl += k) {
			for (k = 0; k < ESPGW_MAX_BURST && pl + k <= 1500; k++) {
				len[k] = make_trs6(plain, pl + k);
				mb[k] = mb_with(plain, len[k]);
				off[k] = (uint16_t)(L2 + 40 + (t->natt ? 8 : 0));
			}
			assert_int_equal(esp_outb_select(out)(out, eng, ctx, mb,
							      (uint16_t)k, drop), k);
			if (t->natt)
				for (k = 0; k < ESPGW_MAX_BURST && pl + k <= 1500; k++)
					assert_udp6_ok(mb[k]);
			assert_int_equal(esp_inb_select(in)(in, eng, ctx, mb, off,
							    (uint16_t)k, drop), k);
			for (k = 0; k < ESPGW_MAX_BURST && pl + k <= 1500; k++) {
				make_trs6(plain, pl + k);
				assert_int_equal(rte_pktmbuf_data_len(mb[k]), L2 + len[k]);
				assert_int_equal(mb[k]->l3_len, 40);
				assert_memory_equal(rte_pktmbuf_mtod(mb[k], uint8_t *) + L2,
						    plain, len[k]);
				rte_pktmbuf_free(mb[k]);
			}
		}
		assert_true(in->rw.top == out->seq);
		free(in);
		free(out);
	}
}

/* Outbound transport over IPv6: extension headers refused, the packet as
 * it was; inconsistent packets; NAT-T destination and UDP checksum. */
static void test_trs6_outb_refuse(void **state)
{
	static const uint8_t ext[] = { 0, 43, 44, 60, 51, 135, 139, 140, 253, 254 };
	const struct esp_trs_vector *t = trs6_vec(true, false, 0);
	struct sa_outb *out = trs6_outb_new(t);
	uint8_t plain[256];
	uint32_t len = make_trs6(plain, 60), i;
	struct rte_mbuf *m;
	const uint8_t *ip;

	for (i = 0; i < RTE_DIM(ext); i++) {
		plain[6] = ext[i];
		m = mb_with(plain, len);
		assert_int_equal(outb_drop(out, m), ESP_DROP_V6_EXT_HDR);
		assert_int_equal(m->data_off, RTE_PKTMBUF_HEADROOM);
		assert_int_equal(rte_pktmbuf_data_len(m), L2 + len);
		assert_memory_equal(rte_pktmbuf_mtod(m, uint8_t *) + L2, plain, len);
		rte_pktmbuf_free(m);
	}
	assert_true(out->seq == t->seq - 1);
	assert_string_equal(esp_drop_names[ESP_DROP_V6_EXT_HDR], "v6_ext_hdr");
	len = make_trs6(plain, 60);
	m = mb_with(plain, len - 1);
	assert_int_equal(outb_drop(out, m), ESP_DROP_INNER_MALFORMED);
	rte_pktmbuf_free(m);
	m = mb_with(plain, 39);
	assert_int_equal(outb_drop(out, m), ESP_DROP_INNER_MALFORMED);
	rte_pktmbuf_free(m);
	/* an IPv4 packet on an IPv6 transport SA */
	len = make_trs(plain, 40, false);
	m = mb_with(plain, len);
	assert_int_equal(outb_drop(out, m), ESP_DROP_INNER_MALFORMED);
	rte_pktmbuf_free(m);
	assert_true(out->seq == t->seq - 1);
	/* NAT-T: destination = peer6, source kept, UDP to the peer's port */
	memcpy(out->peer6, esp_vec_nat_pub6, 16);
	out->peer = sa_peer_pack(0, ESP_VEC_NAT_PORT);
	len = make_trs6(plain, 60);
	m = mb_with(plain, len);
	assert_int_equal(outb_drop(out, m), ESP_DROP_NONE);
	ip = rte_pktmbuf_mtod(m, const uint8_t *) + L2;
	assert_memory_equal(ip, plain, 4);      /* version, class, flow */
	assert_int_equal(ip[6], IPPROTO_UDP);
	assert_int_equal(ip[7], 17);
	assert_memory_equal(ip + 8, esp_vec_local6, 16);
	assert_memory_equal(ip + 24, esp_vec_nat_pub6, 16);
	assert_int_equal(ip[40] << 8 | ip[41], 4500);
	assert_int_equal(ip[42] << 8 | ip[43], ESP_VEC_NAT_PORT);
	assert_udp6_ok(m);
	rte_pktmbuf_free(m);
	/* too big against the SA MTU: 40 + 8 + 16 + 60 + 2 + 2 + 16 = 144 */
	out->mtu = 143;
	m = mb_with(plain, len);
	assert_int_equal(outb_drop(out, m), ESP_DROP_TOO_BIG);
	assert_memory_equal(rte_pktmbuf_mtod(m, uint8_t *) + L2, plain, len);
	out->mtu = 144;
	assert_int_equal(outb_drop(out, m), ESP_DROP_NONE);
	assert_int_equal(rte_pktmbuf_data_len(m), L2 + 144);
	rte_pktmbuf_free(m);
	free(out);
}

/* Inbound transport over IPv6: trailer and next header, the NAT-T
 * checksum fix (UDP 0 computed, ICMPv6, short headers), esp_off, the
 * header's version and next header, selector, every truncation. */
static void test_trs6_inb(void **state)
{
	static const struct {
		uint8_t natt, pl, npad, nh, want;
	} cases[] = {
		{ 0, 22, 0, 58, ESP_DROP_NONE },
		{ 0, 22, 0, 4, ESP_DROP_BAD_NEXT_HEADER },
		{ 0, 22, 0, 41, ESP_DROP_BAD_NEXT_HEADER },
		{ 0, 22, 0, 59, ESP_DROP_DUMMY },
		{ 0, 10, 0, 6, ESP_DROP_NONE },          /* short TCP: not ours */
		{ 1, 10, 0, 6, ESP_DROP_INNER_MALFORMED },
		{ 1, 7, 3, 17, ESP_DROP_INNER_MALFORMED },
		{ 1, 3, 3, 58, ESP_DROP_INNER_MALFORMED },
		{ 1, 4, 2, 58, ESP_DROP_NONE },
		{ 1, 8, 2, 17, ESP_DROP_NONE },          /* UDP checksum 0 */
		{ 1, 20, 2, 6, ESP_DROP_NONE },
		{ 1, 30, 0, 58, ESP_DROP_NONE },
		{ 1, 22, 0, 253, ESP_DROP_NONE },        /* nothing to fix */
	};
	unsigned int i;
	uint32_t tr;

	for (i = 0; i < RTE_DIM(cases); i++) {
		const struct esp_trs_vector *t = trs6_vec(cases[i].natt, false, 0);
		struct sa_outb *out = trs6_outb_new(t);
		struct sa_inb *in = trs6_inb_new(t);
		uint8_t buf[64];
		uint32_t pl = cases[i].pl, k, np = cases[i].npad;
		struct rte_mbuf *m;
		const uint8_t *ip;

		for (k = 0; k < pl; k++)
			buf[k] = (uint8_t)(0x31 * k + i);
		if (cases[i].nh == 17 && pl >= 8) {
			buf[4] = 0;
			buf[5] = pl;
			buf[6] = buf[7] = 0;
		}
		for (k = 0; k < np; k++)
			buf[pl + k] = (uint8_t)(k + 1);
		buf[pl + np] = (uint8_t)np;
		buf[pl + np + 1] = cases[i].nh;
		m = craft6(out, (uint32_t)t->seq, buf, pl + np + 2, cases[i].natt);
		assert_int_equal(inb_one(in, m, (uint16_t)(L2 + 40 + (cases[i].natt ? 8 : 0))),
				 cases[i].want);
		if (cases[i].want == ESP_DROP_NONE) {
			ip = rte_pktmbuf_mtod(m, const uint8_t *) + L2;
			assert_int_equal(rte_pktmbuf_data_len(m), L2 + 40 + pl);
			assert_int_equal(ip[6], cases[i].nh);
			assert_int_equal(ip[4] << 8 | ip[5], pl);
			assert_eth(m, true);
			if (cases[i].natt)
				assert_l4_cksum6_ok(ip);
			else
				assert_memory_equal(ip + 40, buf, pl);
		}
		rte_pktmbuf_free(m);
		free(in);
		free(out);
	}
	/* esp_off, version, next header; selector and family */
	for (i = 0; i < 8; i++) {
		const struct esp_trs_vector *t = trs6_vec(i & 1, false, 0);
		struct sa_inb *in = trs6_inb_new(t);
		struct rte_mbuf *m = mb_with(t->rx, t->rx_len);
		uint16_t off = (uint16_t)(L2 + 40 + (t->natt ? 8 : 0));
		uint8_t *ip = rte_pktmbuf_mtod(m, uint8_t *) + L2, want;

		want = ESP_DROP_OUTER_MALFORMED;
		if (i / 2 == 0)
			off = (uint16_t)(off + 8);
		else if (i / 2 == 1)
			ip[0] = 0x45;
		else if (i / 2 == 2)
			ip[6] = 43;
		else {
			in->sel_families = 0;   /* IPv4 only */
			want = ESP_DROP_SELECTOR_MISMATCH;
		}
		assert_int_equal(inb_one(in, m, off), want);
		rte_pktmbuf_free(m);
		free(in);
	}
	{
		const struct esp_trs_vector *t = trs6_vec(false, false, 0);
		struct sa_inb *in = trs6_inb_new(t);
		static const uint8_t pfx[16] = { 0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff };
		struct rte_mbuf *m = mb_with(t->rx, t->rx_len);

		memcpy(in->sel6.dst, pfx, 16);
		in->sel6.dst_len = 32;
		in->sel6.dst[3] ^= 1;
		assert_int_equal(inb_one(in, m, L2 + 40), ESP_DROP_SELECTOR_MISMATCH);
		rte_pktmbuf_free(m);
		in->sel6.dst[3] ^= 1;
		rw_reset(in, t->seq);
		m = mb_with(t->rx, t->rx_len);
		assert_int_equal(inb_one(in, m, L2 + 40), ESP_DROP_NONE);
		rte_pktmbuf_free(m);
		free(in);
	}
	for (i = 0; i < NTRS6; i += 5) {
		const struct esp_trs_vector *t = &esp_trs6_vectors[i];
		struct sa_inb *sa = trs6_inb_new(t);
		uint16_t off = (uint16_t)(L2 + 40 + (t->natt ? 8 : 0));

		for (tr = 0; tr < t->rx_len; tr++) {
			struct rte_mbuf *m = mb_with(t->rx, tr);
			uint8_t r = inb_one(sa, m, off);
			uint32_t esp = L2 + tr > off ? L2 + tr - off : 0;

			if (esp < 34)   /* ESP header, IV, trailer, ICV */
				assert_int_equal(r, ESP_DROP_ESP_SHORT);
			else if (esp % 4 != 0)
				assert_int_equal(r, ESP_DROP_ESP_BAD_LEN);
			else
				assert_int_equal(r, ESP_DROP_AUTH_FAILED);
			rte_pktmbuf_free(m);
		}
		assert_true(sa->rw.top == t->seq - 10);
		free(sa);
	}
}

static void test_names(void **state)
{
	unsigned int i;

	for (i = 0; i < ESP_DROP_MAX; i++)
		assert_true(esp_drop_names[i] != NULL && esp_drop_help[i] != NULL);
	assert_string_equal(esp_drop_names[ESP_DROP_AUTH_FAILED], "auth_failed");
	assert_string_equal(esp_drop_names[ESP_DROP_DUMMY], "dummy");
	assert_string_equal(esp_drop_names[ESP_DROP_OUTER_MALFORMED], "outer_malformed");
}

/* ---- main ------------------------------------------------------------------ */

static int group_setup(void **state)
{
	ctx = eng->ctx_create(0);
	return ctx == NULL ? -1 : 0;
}

static int group_teardown(void **state)
{
	eng->ctx_free(ctx);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_names, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_vectors_inb, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_vectors_outb, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_roundtrip, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_big_burst, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_icv_bitflip, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_replay, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_trailer, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_truncate, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_selector, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_natt_rebind, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_natt_rebind_after_checks, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_esn_burst_epoch, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_seq_overflow, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_too_big, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_trs_select, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_trs_vectors_inb, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_trs_vectors_outb, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_trs_roundtrip, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_trs_bitflip, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_trs_replay, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_trs_trailer, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_trs_truncate, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_trs_outer_malformed, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_trs_selector, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_trs_natt_rebind, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_trs_outb_refuse, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_trs_natt_dst, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_v6_vectors_inb, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_v6_vectors_outb, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_v6_roundtrip, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_v6_forgery, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_v6_truncate, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_v6_prefix, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_v6_selector, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_v6_natt_rebind, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_v6_inner, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_v6_outb_refuse, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_trs6_vectors, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_trs6_roundtrip, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_trs6_outb_refuse, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_trs6_inb, test_setup, test_teardown),
	};
	static const char *const engines[] = { "ipsec-mb", "openssl" };
	char name[64];
	unsigned int i;
	int failed = 0;

	pool = test_eal_start_pool("test_esp", 1023);
	if (pool == NULL)
		return 1;
	for (i = 0; i < RTE_DIM(engines); i++) {
		eng = aead_engine_find(engines[i]);
		if (eng == NULL)
			return 1;
		snprintf(name, sizeof(name), "esp_%s", engines[i]);
		failed += cmocka_run_group_tests_name(name, tests, group_setup,
						      group_teardown);
	}
	rte_mempool_free(pool);
	rte_eal_cleanup();
	return failed != 0;
}
