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

#include "lib/esp/esp.h"
#include "lib/util/util.h"

#include "esp_vectors.h"
#include "test_eal.h"

/* RTE_IPV4 shifts ints: UBSan objects above 127.x */
#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | \
			 (uint32_t)(c) << 8 | (uint32_t)(d))

enum { WIN = 128, NVEC = RTE_DIM(esp_vectors), L2 = ESP_L2_LEN };

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
	uint16_t n = esp_inb_tun_burst(sa, eng, ctx, mb, &off, 1, drop);

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

	assert_int_equal(esp_outb_tun_burst(sa, eng, ctx, mb, 1, drop), 1);
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
static struct rte_mbuf *craft(const struct sa_outb *sa, uint32_t seq,
			      const uint8_t *pt, uint32_t ptlen)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint32_t olen = 20 + 16 + ptlen + ESP_ICV_LEN;
	uint8_t *p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(L2 + olen));
	uint8_t *esp = p + L2 + 20, nonce[AEAD_IV_LEN];
	struct rte_ipv4_hdr ip = {
		.version_ihl = RTE_IPV4_VHL_DEF, .time_to_live = 64,
		.total_length = rte_cpu_to_be_16((uint16_t)olen),
		.next_proto_id = IPPROTO_ESP,
		.src_addr = rte_cpu_to_be_32(ESP_VEC_LOCAL),
		.dst_addr = rte_cpu_to_be_32(ESP_VEC_PEER),
	};
	rte_be32_t w;
	uint64_t iv = rte_cpu_to_be_64(seq);
	struct aead_op op;
	bool ok;

	memset(p, 0, L2);
	memcpy(p + L2, &ip, sizeof(ip));
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
		{ { 1 }, 1, 41, 0, ESP_DROP_BAD_NEXT_HEADER },
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

static void test_names(void **state)
{
	unsigned int i;

	for (i = 0; i < ESP_DROP_MAX; i++)
		assert_true(esp_drop_names[i] != NULL && esp_drop_help[i] != NULL);
	assert_string_equal(esp_drop_names[ESP_DROP_AUTH_FAILED], "auth_failed");
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
		cmocka_unit_test_setup_teardown(test_seq_overflow, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_too_big, test_setup, test_teardown),
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
