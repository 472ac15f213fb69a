/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for ESP inbound, tunnel and transport (esp_inb_select()).
 * The first input byte picks the AEAD engine (bit 0: ipsec-mb, openssl) and
 * the SA (bits 1-3: the scapy vector of tests/unit/esp_vectors.h, i.e.
 * GCM-128/256 x raw/NAT-T x ESN off/on, with that vector's key, salt and
 * SPI; with bit 5 transport mode and the first esp_trs_vectors[] entry of
 * the same key length and flags), bit 4 "seal", bit 6 (transport) an IPv4
 * header of 24 bytes (a router alert option), bit 7 an IPv6 outer header
 * (SA_F_OUTER_V6: tunnel, the first esp6_vectors[] entry with an IPv6
 * outer header and the same key length and flags; transport, the first
 * esp_trs6_vectors[] entry so); the rest is the ESP packet from the SPI
 * on. Tunnel SAs carry both inner families (sel_families 3), so IPv6 in
 * IPv4 and IPv4 in IPv6 are reached too. Sealed, the bytes between the IV and
 * the ICV are plaintext that the target encrypts and tags with the SA's key
 * first, so that the checks behind the ICV (trailer, inner header,
 * selector, transport's next header and NAT-T checksum fix) see arbitrary
 * input too, not only the seeds'. The target puts it behind 14 bytes of
 * Ethernet room, an outer IPv4 header 192.0.2.1 -> 198.51.100.2 (IPv6:
 * 2001:db8::1 -> 2001:db8:ffff::2) and, with NAT-T, a UDP header 4500 ->
 * 4501, all lengths consistent with the input.
 *
 * Every input starts from the same SA state (replay window of 64 whose top,
 * received, is the vector's sequence number - 10; NAT-T peer elsewhere), so
 * inputs are independent. The mbuf's headroom and tailroom are poisoned for
 * ASan: a read outside the packet is caught although the mempool memory is
 * not the sanitizer's. Checked after each burst: one packet in, 0 or 1 good;
 * a good one is a blank Ethernet header and an inner IPv4 or IPv6 packet
 * filling the rest, within the selector of its family (transport: the
 * outer header's addresses and options, protocol the next header, not 4,
 * 41 or 59, header checksum right, and with NAT-T a TCP or UDP (IPv6: and
 * ICMPv6) checksum that verifies), the window records it and NAT-T
 * rebinds; a reject has an inbound
 * drop reason and leaves window and peer as they were unless authenticated,
 * and the mbuf untouched when refused before decrypt; the pool gets every
 * mbuf back.
 *
 * Seeds: tests/fuzz/corpus/esp_inb/, the ESP part of each vector behind
 * its selector byte, for both engines (vecN_<engine>.bin): they decrypt;
 * and sealed (vecN_<engine>_seal.bin): ESP header, IV, the vector's inner
 * packet, padding, next header 4 and 16 bytes for the ICV; the same for
 * transport (trsN_<engine>[_seal].bin: the transport payload and its
 * protocol as next header), some with the 24-byte header; and for IPv6
 * (vec6N_*, trs6N_*): the IPv6-outer SAs' vectors, sealed with an IPv4 and
 * an IPv6 inner packet, and sealed IPv6 inner packets in IPv4 (v6in4N_*).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "lib/esp/esp.h"
#include "lib/esp/esp_priv.h"

#include "../unit/esp_vectors.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#include <sanitizer/asan_interface.h>
#include <sanitizer/lsan_interface.h>
#define FUZZ_LSAN_OFF() __lsan_disable()
#define FUZZ_LSAN_ON() __lsan_enable()
#define FUZZ_POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define FUZZ_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#endif
#endif
#ifndef FUZZ_POISON
#define FUZZ_POISON(p, n) ((void)(p), (void)(n))
#define FUZZ_UNPOISON(p, n) ((void)(p), (void)(n))
#define FUZZ_LSAN_OFF() ((void)0)
#define FUZZ_LSAN_ON() ((void)0)
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum {
	WIN = 64,
	NVEC = RTE_DIM(esp_vectors),
	NENG = 2,
	L2 = ESP_L2_LEN,
	PEER_PORT = 4500,          /* UDP source of the outer packet */
	NMODE = 4,                 /* tunnel, transport; over IPv4, IPv6 */
	F_SEAL = 0x10,
	F_TRS = 0x20,
	F_OPT = 0x40,
	F_V6 = 0x80,
	IP6_LEN = 40,
};

static const char *const engine_names[NENG] = { "ipsec-mb", "openssl" };

static struct rte_mempool *pool;
static unsigned int pool_avail;
static const struct aead_engine *engines[NENG];
static void *engine_ctx[NENG];
static struct sa_inb *sas[NMODE][NENG][NVEC];
static size_t sa_size;
/* window and peer every input starts from, per mode and vector */
static struct replay_window *rw0[NMODE][NVEC];
static const uint64_t peer0 = UINT64_C(0x0a0b0c0d1234);
static const uint8_t peer6_0[16] = { 0x20, 0x01, 0x0d, 0xb8, 0xee, [15] = 9 };
/* the ESP bytes handed to inbound */
static uint8_t sent[RTE_MBUF_DEFAULT_DATAROOM];

static void check(int ok)
{
	if (!ok)
		__builtin_trap();
}

/* SA parameters of a vector: tunnel's, or transport's (same shape). */
struct fuzz_sa {
	uint32_t key_len, natt, esn, spi;
	const uint8_t *salt, *key;
	uint64_t seq;
};
static struct fuzz_sa params[NMODE][NVEC];

/* tunnel selectors: the vectors' inner packets, 10.1.0.x -> 10.2.0.7 and
 * 2001:db8:1::x -> 2001:db8:2::7; transport IPv6: 2001:db8::/32 both */
static const uint8_t sel6_src[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1 };
static const uint8_t sel6_dst[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 2 };

static struct sa_inb *sa_new(const struct aead_engine *eng, void *ctx,
			     const struct fuzz_sa *v, bool trs, bool v6)
{
	struct sa_inb *sa = aligned_alloc(64, RTE_ALIGN_CEIL(sa_size, 64));

	check(sa != NULL);
	memset(sa, 0, sa_size);
	sa->spi = v->spi;
	sa->mode = trs ? SA_MODE_TRANSPORT : SA_MODE_TUNNEL;
	sa->flags = (v->esn ? SA_F_ESN : 0) | (v->natt ? SA_F_NATT : 0);
	memcpy(sa->salt, v->salt, sizeof(sa->salt));
	sa->local = ESP_VEC_PEER;
	if (trs) {
		/* transport: the packet's own addresses, 192.0.2.1 -> 198.51.100.2 */
		sa->sel.src = ESP_VEC_LOCAL & UINT32_C(0xffff0000);
		sa->sel.dst = ESP_VEC_PEER & UINT32_C(0xffff0000);
	} else {
		/* the vectors' inner packets: 10.1.0.x -> 10.2.0.7 */
		sa->sel.src = UINT32_C(0x0a010000);
		sa->sel.dst = UINT32_C(0x0a020000);
	}
	sa->sel.src_mask = UINT32_C(0xffff0000);
	sa->sel.dst_mask = UINT32_C(0xffff0000);
	if (v6) {
		sa->flags |= SA_F_OUTER_V6;
		memcpy(sa->local6, esp_vec_peer6, 16);
	}
	if (trs && v6) {
		sa->sel_families = SA_SEL_V6;
		memcpy(sa->sel6.src, esp_vec_local6, 16);
		memcpy(sa->sel6.dst, esp_vec_peer6, 16);
		sa->sel6.src_len = sa->sel6.dst_len = 32;
	} else if (!trs) {
		sa->sel_families = SA_SEL_V4 | SA_SEL_V6;
		memcpy(sa->sel6.src, sel6_src, 16);
		memcpy(sa->sel6.dst, sel6_dst, 16);
		sa->sel6.src_len = sa->sel6.dst_len = 48;
	}
	check(eng->key_init(ctx, &sa->key, v->key_len == 16 ? AEAD_AES_GCM_128 :
			    AEAD_AES_GCM_256, v->key, v->key_len) == 0);
	return sa;
}

/* params[0][i]: tunnel vector i; params[1][i]: the first transport vector
 * of the same key length and flags; params[2][i] and [3][i]: the same with
 * an IPv6 outer header (esp6_vectors[], esp_trs6_vectors[]). */
static void params_init(void)
{
	unsigned int i, k;

	for (i = 0; i < NVEC; i++) {
		const struct esp_vector *v = &esp_vectors[i];

		params[0][i] = (struct fuzz_sa){ v->key_len, v->natt, v->esn,
			v->spi, v->salt, v->key, v->seq };
		for (k = 0; k < RTE_DIM(esp_trs_vectors); k++) {
			const struct esp_trs_vector *t = &esp_trs_vectors[k];

			if (t->key_len == v->key_len && t->natt == v->natt &&
			    t->esn == v->esn)
				break;
		}
		check(k < RTE_DIM(esp_trs_vectors));
		params[1][i] = (struct fuzz_sa){ esp_trs_vectors[k].key_len,
			esp_trs_vectors[k].natt, esp_trs_vectors[k].esn,
			esp_trs_vectors[k].spi, esp_trs_vectors[k].salt,
			esp_trs_vectors[k].key, esp_trs_vectors[k].seq };
		for (k = 0; k < RTE_DIM(esp6_vectors); k++) {
			const struct esp6_vector *w = &esp6_vectors[k];

			if (w->outer6 && w->key_len == v->key_len &&
			    w->natt == v->natt && w->esn == v->esn)
				break;
		}
		check(k < RTE_DIM(esp6_vectors));
		params[2][i] = (struct fuzz_sa){ esp6_vectors[k].key_len,
			esp6_vectors[k].natt, esp6_vectors[k].esn,
			esp6_vectors[k].spi, esp6_vectors[k].salt,
			esp6_vectors[k].key, esp6_vectors[k].seq };
		for (k = 0; k < RTE_DIM(esp_trs6_vectors); k++) {
			const struct esp_trs_vector *t = &esp_trs6_vectors[k];

			if (t->key_len == v->key_len && t->natt == v->natt &&
			    t->esn == v->esn)
				break;
		}
		check(k < RTE_DIM(esp_trs6_vectors));
		params[3][i] = (struct fuzz_sa){ esp_trs6_vectors[k].key_len,
			esp_trs6_vectors[k].natt, esp_trs6_vectors[k].esn,
			esp_trs6_vectors[k].spi, esp_trs6_vectors[k].salt,
			esp_trs6_vectors[k].key, esp_trs6_vectors[k].seq };
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char *eal_argv[] = { "fuzz", "--no-huge", "-m", "256", "--no-pci",
			     "--no-shconf", "--file-prefix=fuzz_esp",
			     "--no-telemetry", "--log-level=error", NULL };
	unsigned int e, i, t;
	uint64_t s;

	(void)argc;
	(void)argv;
	check(rte_eal_init((int)RTE_DIM(eal_argv) - 1, eal_argv) >= 0);
	pool = rte_pktmbuf_pool_create("fuzz_esp", 63, 0, 0,
				       RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	check(pool != NULL);
	pool_avail = rte_mempool_avail_count(pool);
	sa_size = sizeof(struct sa_inb) + replay_window_size_bytes(WIN);
	params_init();
	for (t = 0; t < NMODE; t++)
		for (i = 0; i < NVEC; i++) {
			const struct fuzz_sa *v = &params[t][i];
			struct replay_window *w = malloc(replay_window_size_bytes(WIN));

			check(w != NULL);
			check(replay_window_init(w, WIN, v->esn) == 0);
			/* one packet received, 10 below the vector's: ESN then
			 * finds the vector's epoch, and a duplicate is possible */
			s = v->seq - 10;
			w->top = s - 1;
			check(replay_window_update(w, s) == REPLAY_OK);
			check(w->top == s);
			rw0[t][i] = w;
		}
	/* engine contexts live in rte_malloc memory, which LeakSanitizer
	 * does not scan: what they point to would show as leaked at exit */
	FUZZ_LSAN_OFF();
	for (e = 0; e < NENG; e++) {
		engines[e] = aead_engine_find(engine_names[e]);
		check(engines[e] != NULL);
		engine_ctx[e] = engines[e]->ctx_create(0);
		check(engine_ctx[e] != NULL);
		for (t = 0; t < NMODE; t++)
			for (i = 0; i < NVEC; i++)
				sas[t][e][i] = sa_new(engines[e], engine_ctx[e],
						      &params[t][i], t & 1, t >= 2);
	}
	FUZZ_LSAN_ON();
	return 0;
}

/* Outer IPv6 (and UDP, checksum 0: inbound does not verify it) in front of
 * @p len bytes of ESP, as the vectors. */
static uint16_t outer_headers6(uint8_t *p, uint32_t len, bool natt)
{
	uint32_t plen = (natt ? 8 : 0) + len;
	struct rte_udp_hdr udp = {
		.src_port = rte_cpu_to_be_16(PEER_PORT),
		.dst_port = rte_cpu_to_be_16(ESP_VEC_NATT_DPORT),
		.dgram_len = rte_cpu_to_be_16((uint16_t)(8 + len)),
	};

	memset(p, 0, L2 + IP6_LEN);
	p[12] = 0x86;
	p[13] = 0xdd;
	p[L2] = 0x60;
	p[L2 + 4] = (uint8_t)(plen >> 8);
	p[L2 + 5] = (uint8_t)plen;
	p[L2 + 6] = natt ? IPPROTO_UDP : IPPROTO_ESP;
	p[L2 + 7] = 64;
	memcpy(p + L2 + 8, esp_vec_local6, 16);
	memcpy(p + L2 + 24, esp_vec_peer6, 16);
	if (!natt)
		return L2 + IP6_LEN;
	memcpy(p + L2 + IP6_LEN, &udp, sizeof(udp));
	return L2 + IP6_LEN + 8;
}

/* Outer IPv4 (and UDP) in front of @p len bytes of ESP, as the vectors;
 * @p hl 24 adds a router alert option (RFC 2113). */
static uint16_t outer_headers(uint8_t *p, uint32_t len, bool natt, uint32_t hl)
{
	struct rte_ipv4_hdr ip = {
		.version_ihl = (uint8_t)(0x40 | hl / 4),
		.total_length = rte_cpu_to_be_16((uint16_t)(hl + (natt ? 8 : 0) + len)),
		.time_to_live = 64,
		.next_proto_id = natt ? IPPROTO_UDP : IPPROTO_ESP,
		.src_addr = rte_cpu_to_be_32(ESP_VEC_LOCAL),
		.dst_addr = rte_cpu_to_be_32(ESP_VEC_PEER),
	};
	struct rte_udp_hdr udp = {
		.src_port = rte_cpu_to_be_16(PEER_PORT),
		.dst_port = rte_cpu_to_be_16(ESP_VEC_NATT_DPORT),
		.dgram_len = rte_cpu_to_be_16((uint16_t)(8 + len)),
	};

	memset(p, 0, L2);
	p[12] = 0x08;
	memcpy(p + L2, &ip, sizeof(ip));
	if (hl > 20) {
		static const uint8_t ra[4] = { 0x94, 0x04, 0x00, 0x00 };

		memcpy(p + L2 + 20, ra, sizeof(ra));
	}
	ip.hdr_checksum = rte_ipv4_cksum((const struct rte_ipv4_hdr *)(p + L2));
	memcpy(p + L2 + 10, &ip.hdr_checksum, 2);
	if (!natt)
		return (uint16_t)(L2 + hl);
	memcpy(p + L2 + hl, &udp, sizeof(udp));
	return (uint16_t)(L2 + hl + 8);
}

/* Encrypt and tag in place what inbound will decrypt, as a peer would. */
static void seal(const struct sa_inb *sa, const struct aead_engine *eng,
		 void *ctx, uint8_t *esp, uint32_t len, bool esn)
{
	uint8_t nonce[AEAD_IV_LEN], aad[AEAD_AAD_MAX];
	uint32_t ct = len - ESP_HDR_LEN - ESP_IV_LEN - ESP_ICV_LEN;
	struct aead_op op;
	rte_be32_t seql;
	uint64_t s64;
	bool ok;

	memcpy(&seql, esp + 4, sizeof(seql));
	/* the high half inbound will assume; nothing to seal if refused */
	if (replay_window_check(&sa->rw, rte_be_to_cpu_32(seql), &s64) != REPLAY_OK)
		return;
	esp_nonce(nonce, sa->salt, esp + ESP_HDR_LEN);
	op = (struct aead_op){
		.key = &sa->key,
		.iv = nonce,
		.aad = aad,
		.aad_len = esp_aad(aad, esp, s64, esn),
		.data = esp + ESP_HDR_LEN + ESP_IV_LEN,
		.len = ct,
		.tag = esp + ESP_HDR_LEN + ESP_IV_LEN + ct,
	};
	check(eng->encrypt_burst(ctx, &op, 1, &ok) == 1 && ok);
}

/* ASan: only the packet's bytes may be touched */
static void poison_around(struct rte_mbuf *m)
{
	uint8_t *buf = m->buf_addr;
	uint32_t end = m->data_off + rte_pktmbuf_data_len(m);

	FUZZ_POISON(buf, m->data_off);
	FUZZ_POISON(buf + end, m->buf_len - end);
}

static void unpoison(struct rte_mbuf *m)
{
	FUZZ_UNPOISON(m->buf_addr, m->buf_len);
}

static bool before_decrypt(uint8_t r)
{
	return r == ESP_DROP_ESP_SHORT || r == ESP_DROP_ESP_BAD_LEN ||
	       r == ESP_DROP_ESP_CHAINED || r == ESP_DROP_OUTER_MALFORMED ||
	       r == ESP_DROP_REPLAY_DUP ||
	       r == ESP_DROP_REPLAY_OLD || r == ESP_DROP_REPLAY_ZERO ||
	       r == ESP_DROP_REPLAY_WRAP;
}

/* Authenticated and recorded, refused after: the window moved, the peer
 * binding did not. */
static bool after_update(uint8_t r)
{
	return r == ESP_DROP_BAD_PAD || r == ESP_DROP_BAD_NEXT_HEADER ||
	       r == ESP_DROP_DUMMY || r == ESP_DROP_INNER_MALFORMED ||
	       r == ESP_DROP_SELECTOR_MISMATCH;
}

/* an inner IPv6 packet filling the mbuf, within sel6 */
static void check_good6(const struct sa_inb *sa, const struct rte_mbuf *m)
{
	static const uint8_t eth[L2] = { [12] = 0x86, [13] = 0xdd };
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t len = rte_pktmbuf_data_len(m);

	check(m->nb_segs == 1 && rte_pktmbuf_pkt_len(m) == len);
	check(len >= L2 + IP6_LEN && memcmp(p, eth, L2) == 0);
	check(m->l2_len == L2 && m->l3_len == IP6_LEN);
	check((p[L2] >> 4) == 6 && (uint32_t)(p[L2 + 4] << 8 | p[L2 + 5]) + IP6_LEN == len - L2);
	check((sa->sel_families & SA_SEL_V6) != 0);
	check(esp_prefix6_match(p + L2 + 8, sa->sel6.src, sa->sel6.src_len));
	check(esp_prefix6_match(p + L2 + 24, sa->sel6.dst, sa->sel6.dst_len));
	check(sa->cnt.packets == 1 && sa->cnt.bytes == len - L2);
}

static void check_good(const struct sa_inb *sa, const struct rte_mbuf *m)
{
	static const uint8_t eth[L2] = { [12] = 0x08 };
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t len = rte_pktmbuf_data_len(m);
	struct rte_ipv4_hdr ip;
	uint32_t src, dst;

	if (len >= L2 && p[12] == 0x86) {
		check(sa->mode == SA_MODE_TUNNEL);
		check_good6(sa, m);
		return;
	}
	check(m->nb_segs == 1 && rte_pktmbuf_pkt_len(m) == len);
	check(len >= L2 + sizeof(ip));
	check(memcmp(p, eth, L2) == 0);
	memcpy(&ip, p + L2, sizeof(ip));
	check((ip.version_ihl >> 4) == 4 && (ip.version_ihl & 0xf) >= 5);
	check((uint32_t)(ip.version_ihl & 0xf) * 4 <= len - L2);
	check(rte_be_to_cpu_16(ip.total_length) == len - L2);
	src = rte_be_to_cpu_32(ip.src_addr);
	dst = rte_be_to_cpu_32(ip.dst_addr);
	check(((src ^ sa->sel.src) & sa->sel.src_mask) == 0);
	check(((dst ^ sa->sel.dst) & sa->sel.dst_mask) == 0);
	check(sa->cnt.packets == 1 && sa->cnt.bytes == len - L2);
}

/* Transport: the header received at 14 (@p hdr, @p hl bytes), moved up
 * against the payload with protocol, length and checksum rewritten. */
static void check_good_trs(const struct sa_inb *sa, const struct rte_mbuf *m,
			   const uint8_t *hdr, uint32_t hl, bool natt)
{
	const uint8_t *ip = rte_pktmbuf_mtod(m, const uint8_t *) + L2;
	const struct rte_ipv4_hdr *h = (const struct rte_ipv4_hdr *)ip;
	uint32_t len = rte_pktmbuf_data_len(m) - L2;
	uint8_t nh = ip[9];

	check_good(sa, m);
	check(m->l2_len == L2 && m->l3_len == hl && (ip[0] & 0xf) * 4 == hl);
	check(len >= hl);
	/* all but protocol, length and checksum as received */
	check(memcmp(ip, hdr, 2) == 0 && memcmp(ip + 4, hdr + 4, 5) == 0 &&
	      memcmp(ip + 12, hdr + 12, hl - 12) == 0);
	check(nh != 4 && nh != 41 && nh != 59);
	check(rte_ipv4_cksum(h) == 0);
	if (natt && nh == IPPROTO_TCP)
		check(rte_ipv4_udptcp_cksum_verify(h, ip + hl) == 0);
	if (natt && nh == IPPROTO_UDP && (ip[hl + 6] | ip[hl + 7]) != 0)
		check(rte_ipv4_udptcp_cksum_verify(h, ip + hl) == 0);
}

/* Transport over IPv6: the header received (@p hdr) moved up against the
 * payload, next header and payload length rewritten. */
static void check_good_trs6(const struct sa_inb *sa, const struct rte_mbuf *m,
			    const uint8_t *hdr, bool natt)
{
	const uint8_t *ip = rte_pktmbuf_mtod(m, const uint8_t *) + L2;
	uint8_t nh = ip[6];

	check_good6(sa, m);
	check(memcmp(ip, hdr, 4) == 0 && memcmp(ip + 7, hdr + 7, IP6_LEN - 7) == 0);
	check(nh != 4 && nh != 41 && nh != 59);
	if (natt && (nh == IPPROTO_TCP || nh == IPPROTO_UDP || nh == IPPROTO_ICMPV6))
		check(rte_ipv6_udptcp_cksum_verify((const struct rte_ipv6_hdr *)ip,
						   ip + IP6_LEN) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct fuzz_sa *v;
	const struct aead_engine *eng;
	struct sa_inb *sa;
	struct rte_mbuf *m, *mb[1];
	uint8_t drop[1] = { 0xff }, *p, hdr[IP6_LEN];
	uint32_t len, seql, hl;
	uint64_t top0, peer_ok;
	uint16_t off, n;
	unsigned int e, i, t;
	bool natt, trs, v6;

	if (size < 1)
		return 0;
	e = data[0] & 1;
	i = (data[0] >> 1) & 7;
	trs = (data[0] & F_TRS) != 0;
	v6 = (data[0] & F_V6) != 0;
	t = (trs ? 1 : 0) + (v6 ? 2 : 0);
	/* the tunnel contract has no outer options; IPv6: no extensions */
	hl = v6 ? IP6_LEN : trs && (data[0] & F_OPT) ? 24 : 20;
	v = &params[t][i];
	eng = engines[e];
	sa = sas[t][e][i];
	natt = v->natt != 0;
	len = (uint32_t)(size - 1);
	if (len > RTE_MBUF_DEFAULT_DATAROOM - (L2 + IP6_LEN + 8))
		return 0;

	/* the same SA state for every input */
	memcpy(&sa->rw, rw0[t][i], replay_window_size_bytes(WIN));
	sa->peer = peer0;
	memcpy(sa->peer6, peer6_0, 16);
	sa->cnt.packets = 0;
	sa->cnt.bytes = 0;
	top0 = sa->rw.top;

	m = rte_pktmbuf_alloc(pool);
	check(m != NULL);
	p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(L2 + hl + (natt ? 8 : 0) + len));
	check(p != NULL);
	off = v6 ? outer_headers6(p, len, natt) : outer_headers(p, len, natt, hl);
	memcpy(hdr, p + L2, hl);
	if (len != 0)
		memcpy(p + off, data + 1, len);
	if ((data[0] & F_SEAL) && len >= ESP_HDR_LEN + ESP_IV_LEN + ESP_ICV_LEN)
		seal(sa, eng, engine_ctx[e], p + off, len, v->esn != 0);
	if (len != 0)
		memcpy(sent, p + off, len);
	poison_around(m);

	mb[0] = m;
	n = esp_inb_select(sa)(sa, eng, engine_ctx[e], mb, &off, 1, drop);
	check(n <= 1 && mb[0] == m);
	/* NAT-T rebinds to the outer source (IPv6: peer6 and the port) */
	peer_ok = !natt ? peer0 : v6 ? sa_peer_pack(sa_peer_addr(peer0), PEER_PORT) :
		  sa_peer_pack(ESP_VEC_LOCAL, PEER_PORT);
	if (n == 1) {
		if (trs && v6)
			check_good_trs6(sa, m, hdr, natt);
		else if (trs)
			check_good_trs(sa, m, hdr, hl, natt);
		else
			check_good(sa, m);
		check(sa->rw.top >= top0);
		check(sa->peer == peer_ok);
		check(memcmp(sa->peer6, natt && v6 ? esp_vec_local6 : peer6_0, 16) == 0);
	} else {
		uint8_t r = drop[0];

		check(r > ESP_DROP_NONE && r <= ESP_DROP_SELECTOR_MISMATCH);
		check(sa->cnt.packets == 0 && sa->cnt.bytes == 0);
		check(m->nb_segs == 1 && m->data_off == RTE_PKTMBUF_HEADROOM &&
		      rte_pktmbuf_data_len(m) == off + len);
		if (before_decrypt(r))
			check(len == 0 || memcmp(rte_pktmbuf_mtod_offset(m, uint8_t *, off),
						 sent, len) == 0);
		if (after_update(r)) {
			/* the window moved; the NAT binding moves only for
			 * packets that pass every check (RFC 3948 §3.5) */
			check(sa->rw.top >= top0);
			check(sa->peer == peer0);
			check(memcmp(sa->peer6, peer6_0, 16) == 0);
		} else {
			check(sa->rw.top == top0 && sa->peer == peer0);
			check(memcmp(sa->peer6, peer6_0, 16) == 0);
			check(memcmp(&sa->rw, rw0[t][i], replay_window_size_bytes(WIN)) == 0);
		}
		/* a short packet cannot reach the replay check */
		if (len >= 8 && r != ESP_DROP_ESP_SHORT && r != ESP_DROP_ESP_BAD_LEN) {
			memcpy(&seql, data + 1 + 4, sizeof(seql));
			if (rte_be_to_cpu_32(seql) == 0 && !v->esn)
				check(r == ESP_DROP_REPLAY_ZERO);
		}
	}
	unpoison(m);
	rte_pktmbuf_free(m);
	check(rte_mempool_avail_count(pool) == pool_avail);
	return 0;
}
