/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ESP inbound, tunnel and transport mode, AES-GCM-16 (RFC 4303 §3.4,
 * RFC 4106), raw or in UDP (RFC 3948). Two passes per chunk: parse and check
 * the replay window, then one decrypt burst, then verify the trailer and
 * either strip the outer packet (tunnel) or move the IPv4 or IPv6 header up
 * to the decrypted payload (transport). One always-inline body, specialised
 * by constant mode and flags (ESN, NAT-T, outer IPv6); tunnel mode branches
 * per packet on the inner family only. Worker lcore owning the SA.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "lib/esp/esp.h"
#include "lib/esp/esp_priv.h"

enum {
	/* RFC 4303 §2 + RFC 4106 §3: header, IV, pad length, next header, ICV */
	ESP_MIN_LEN = ESP_HDR_LEN + ESP_IV_LEN + ESP_TRAILER_LEN + ESP_ICV_LEN,
	OUTER_IP_LEN = 20,
	UDP_LEN = 8,
	IP6_NH_OFF = 6,         /* RFC 8200 §3: next header */
	IP6_SRC_OFF = 8,
	IP6_DST_OFF = 24,
	NH_IPV4 = 4,            /* IANA protocol number of IP-in-IP */
	NH_IPV6 = 41,
	NH_NONE = 59,           /* RFC 4303 §2.6: dummy packet (TFC) */
	TCP_CKSUM_OFF = 16,     /* RFC 9293 §3.1 */
	UDP_CKSUM_OFF = 6,      /* RFC 768 */
	ICMP6_CKSUM_OFF = 2,    /* RFC 4443 §2.1 */
	ICMP6_MIN_LEN = 4,      /* type, code, checksum */
};

const char *const esp_drop_names[ESP_DROP_MAX] = {
	[ESP_DROP_NONE] = "ok",
	[ESP_DROP_ESP_SHORT] = "esp_short",
	[ESP_DROP_ESP_BAD_LEN] = "esp_bad_len",
	[ESP_DROP_ESP_CHAINED] = "esp_chained",
	[ESP_DROP_OUTER_MALFORMED] = "outer_malformed",
	[ESP_DROP_REPLAY_DUP] = "replay_dup",
	[ESP_DROP_REPLAY_OLD] = "replay_old",
	[ESP_DROP_REPLAY_ZERO] = "replay_zero",
	[ESP_DROP_REPLAY_WRAP] = "replay_wrap",
	[ESP_DROP_AUTH_FAILED] = "auth_failed",
	[ESP_DROP_BAD_PAD] = "bad_pad",
	[ESP_DROP_BAD_NEXT_HEADER] = "bad_next_header",
	[ESP_DROP_DUMMY] = "dummy",
	[ESP_DROP_INNER_MALFORMED] = "inner_malformed",
	[ESP_DROP_SELECTOR_MISMATCH] = "selector_mismatch",
	[ESP_DROP_SEQ_OVERFLOW] = "seq_overflow",
	[ESP_DROP_NO_ROOM] = "no_room",
	[ESP_DROP_TOO_BIG] = "too_big",
	[ESP_DROP_CRYPTO_FAILED] = "crypto_failed",
	[ESP_DROP_V6_EXT_HDR] = "v6_ext_hdr",
};

const char *const esp_drop_help[ESP_DROP_MAX] = {
	[ESP_DROP_NONE] = "packet processed",
	[ESP_DROP_ESP_SHORT] = "ESP packet shorter than header, IV, trailer and ICV",
	[ESP_DROP_ESP_BAD_LEN] = "ESP payload not a multiple of 4 bytes (RFC 4303 2.4)",
	[ESP_DROP_ESP_CHAINED] = "packet in several mbuf segments, not supported",
	[ESP_DROP_OUTER_MALFORMED] = "transport: IPv4 header length (IHL) does not end where ESP (or its UDP header) starts; IPv6: ESP (or its UDP header) not right after the fixed 40-byte header",
	[ESP_DROP_REPLAY_DUP] = "sequence number already received",
	[ESP_DROP_REPLAY_OLD] = "sequence number left of the anti-replay window",
	[ESP_DROP_REPLAY_ZERO] = "sequence number 0",
	[ESP_DROP_REPLAY_WRAP] = "ESN: the 64-bit sequence number would cycle",
	[ESP_DROP_AUTH_FAILED] = "ICV did not verify (forged, corrupted or wrong key)",
	[ESP_DROP_BAD_PAD] = "authenticated, but pad length or pad bytes wrong (RFC 4303 2.4)",
	[ESP_DROP_BAD_NEXT_HEADER] = "authenticated, but the next header is not allowed (tunnel: not IPv4 or IPv6; transport: IP in IP, 4 or 41)",
	[ESP_DROP_DUMMY] = "authenticated dummy packet (next header 59, RFC 4303 2.6), discarded as the RFC requires",
	[ESP_DROP_INNER_MALFORMED] = "inner IPv4 or IPv6 header inconsistent with the decrypted length; transport: TCP/UDP/ICMPv6 shorter than its header (NAT-T), or outbound a fragment",
	[ESP_DROP_SELECTOR_MISMATCH] = "inner addresses outside the SA traffic selector, or of an address family the SA does not carry (RFC 4301 5.2)",
	[ESP_DROP_SEQ_OVERFLOW] = "outbound sequence numbers used up: the SA must be rekeyed",
	[ESP_DROP_NO_ROOM] = "no headroom or tailroom in the mbuf for ESP",
	[ESP_DROP_TOO_BIG] = "ESP packet would exceed the path MTU of the SA",
	[ESP_DROP_CRYPTO_FAILED] = "the AEAD engine refused the operation",
	[ESP_DROP_V6_EXT_HDR] = "IPv6 extension headers before the transport payload are not supported",
};

_Static_assert(RTE_DIM(esp_drop_names) == ESP_DROP_MAX, "esp_drop_names");
_Static_assert(RTE_DIM(esp_drop_help) == ESP_DROP_MAX, "esp_drop_help");

static const uint8_t replay_drop[REPLAY_VERDICT_MAX] = {
	[REPLAY_OK] = ESP_DROP_NONE,
	[REPLAY_DUP] = ESP_DROP_REPLAY_DUP,
	[REPLAY_OLD] = ESP_DROP_REPLAY_OLD,
	[REPLAY_ZERO] = ESP_DROP_REPLAY_ZERO,
	[REPLAY_WRAP] = ESP_DROP_REPLAY_WRAP,
};

/* Prepared packets of one chunk, index j: what pass 2 needs. */
struct inb_chunk {
	uint16_t n;
	struct aead_op op[ESPGW_MAX_BURST];
	bool ok[ESPGW_MAX_BURST];
	struct rte_mbuf *mb[ESPGW_MAX_BURST];
	uint16_t off[ESPGW_MAX_BURST];
	uint8_t hl[ESPGW_MAX_BURST];        /* transport: IP header length */
	uint64_t seq64[ESPGW_MAX_BURST];
	uint8_t nonce[ESPGW_MAX_BURST][AEAD_IV_LEN];
	uint8_t aad[ESPGW_MAX_BURST][AEAD_AAD_MAX];
};

/*
 * Transport: the IPv4 header at 14 is kept, so its length must bring us
 * exactly to the ESP header (or to the UDP header before it). Classify
 * computed esp_off from the same IHL; this re-derives it from the bytes.
 */
static inline uint8_t
inb_trs_hl(const struct rte_mbuf *m, uint16_t off, const bool natt,
	   uint8_t *hl)
{
	uint8_t vihl = *rte_pktmbuf_mtod_offset(m, const uint8_t *, ESP_L2_LEN);
	uint32_t len = (uint32_t)(vihl & RTE_IPV4_HDR_IHL_MASK) * 4;

	if (unlikely((vihl >> 4) != 4 || len < OUTER_IP_LEN ||
		     ESP_L2_LEN + len + (natt ? UDP_LEN : 0) != off))
		return ESP_DROP_OUTER_MALFORMED;
	*hl = (uint8_t)len;
	return ESP_DROP_NONE;
}

/*
 * IPv6 outer (tunnel) or packet (transport): the fixed header at 14, ESP or
 * UDP right behind it. Classify hands over only such packets (extension
 * headers before ESP are not supported); this re-checks it from the bytes:
 * esp_off was checked by the caller, here the version and next header.
 */
static inline uint8_t
inb_ip6_hdr(const struct rte_mbuf *m, const bool natt)
{
	const uint8_t *ip = rte_pktmbuf_mtod_offset(m, const uint8_t *, ESP_L2_LEN);

	if (unlikely((ip[0] >> 4) != 6 ||
		     ip[IP6_NH_OFF] != (natt ? IPPROTO_UDP : IPPROTO_ESP)))
		return ESP_DROP_OUTER_MALFORMED;
	return ESP_DROP_NONE;
}

/* Pass 1: lengths (RFC 4303 §2.4), replay check before decrypt (§3.4.3). */
static __rte_always_inline uint8_t
inb_prepare(const struct sa_inb *sa, struct inb_chunk *c, struct rte_mbuf *m,
	    uint16_t off, const bool esn, const bool natt, const bool trs,
	    const bool v6)
{
	const uint16_t min_off = ESP_L2_LEN + (v6 ? ESP_IP6_LEN : OUTER_IP_LEN) +
				 (natt ? UDP_LEN : 0);
	uint16_t j = c->n;
	uint32_t len, ct;
	uint8_t *esp, r;
	rte_be32_t seql;
	enum replay_verdict v;

	if (unlikely(m->nb_segs != 1))
		return ESP_DROP_ESP_CHAINED;
	/* IPv6: no extension headers, so ESP sits at one place only */
	if (v6 && unlikely(off != min_off))
		return ESP_DROP_OUTER_MALFORMED;
	len = rte_pktmbuf_data_len(m);
	if (unlikely(off < min_off || off > len || len - off < ESP_MIN_LEN))
		return ESP_DROP_ESP_SHORT;
	if (v6) {
		r = inb_ip6_hdr(m, natt);
		if (unlikely(r != ESP_DROP_NONE))
			return r;
		c->hl[j] = ESP_IP6_LEN;
	} else if (trs) {
		r = inb_trs_hl(m, off, natt, &c->hl[j]);
		if (unlikely(r != ESP_DROP_NONE))
			return r;
	}
	ct = len - off - ESP_HDR_LEN - ESP_IV_LEN - ESP_ICV_LEN;
	/* GCM needs no block alignment, but IV + ciphertext is 4-aligned */
	if (unlikely((ct + ESP_IV_LEN) & 3))
		return ESP_DROP_ESP_BAD_LEN;
	esp = rte_pktmbuf_mtod_offset(m, uint8_t *, off);
	memcpy(&seql, esp + 4, sizeof(seql));
	v = replay_window_check_inline(&sa->rw, rte_be_to_cpu_32(seql),
				       &c->seq64[j], esn);
	if (unlikely(v != REPLAY_OK))
		return replay_drop[v];
	esp_nonce(c->nonce[j], sa->salt, esp + ESP_HDR_LEN);
	c->op[j] = (struct aead_op){
		.key = &sa->key,
		.mb = m,
		.iv = c->nonce[j],
		.aad = c->aad[j],
		.aad_len = esp_aad(c->aad[j], esp, c->seq64[j], esn),
		.data = esp + ESP_HDR_LEN + ESP_IV_LEN,
		.len = ct,
		.tag = esp + ESP_HDR_LEN + ESP_IV_LEN + ct,
	};
	c->mb[j] = m;
	c->off[j] = off;
	c->n++;
	return ESP_DROP_NONE;
}

/* Where an ESP-in-UDP packet came from, read before the outer headers
 * are removed. */
struct inb_from {
	uint32_t addr;              /* IPv4, host order */
	uint16_t port;
	uint8_t addr6[16];
};

static inline void
inb_natt_from(const struct rte_mbuf *m, uint16_t off, const bool v6, struct inb_from *f)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	rte_be32_t src;
	rte_be16_t sport;

	memcpy(&sport, p + off - UDP_LEN, sizeof(sport));
	f->port = rte_be_to_cpu_16(sport);
	if (v6) {
		memcpy(f->addr6, p + ESP_L2_LEN + IP6_SRC_OFF, sizeof(f->addr6));
	} else {
		memcpy(&src, p + ESP_L2_LEN + 12, sizeof(src));
		f->addr = rte_be_to_cpu_32(src);
	}
}

/* RFC 3948 §3.5 (and RFC 7296 §2.23): follow the peer behind a NAT, but
 * only for packets that passed every check (the caller's job). Over IPv6
 * the address goes to sa->peer6 (plain stores: the owner is the only
 * writer and reader on the data path; telemetry may see a torn address for
 * an instant), the port to the low bits of sa->peer. */
static inline void
inb_natt_rebind(struct sa_inb *sa, const struct inb_from *f, const bool v6)
{
	uint64_t old = __atomic_load_n(&sa->peer, __ATOMIC_RELAXED);
	uint64_t now;

	if (v6) {
		if (likely(f->port == sa_peer_port(old) &&
			   memcmp(sa->peer6, f->addr6, sizeof(sa->peer6)) == 0))
			return;
		memcpy(sa->peer6, f->addr6, sizeof(sa->peer6));
		now = sa_peer_pack(sa_peer_addr(old), f->port);
	} else {
		now = sa_peer_pack(f->addr, f->port);
		if (likely(now == old))
			return;
	}
	__atomic_store_n(&sa->peer, now, __ATOMIC_RELEASE);
}

/* Trailer (RFC 4303 §2.4): pad bytes 1, 2, 3, ... Returns the payload
 * length through @p inner and the next header through @p nh. */
static inline uint8_t
inb_trailer(const uint8_t *pt, uint32_t ct, uint32_t *inner, uint8_t *nh)
{
	uint32_t pad = pt[ct - 2], k;

	if (unlikely(pad + ESP_TRAILER_LEN > ct))
		return ESP_DROP_BAD_PAD;
	for (k = 0; k < pad; k++)
		if (unlikely(pt[ct - 2 - pad + k] != k + 1))
			return ESP_DROP_BAD_PAD;
	*nh = pt[ct - 1];
	*inner = ct - ESP_TRAILER_LEN - pad;
	return ESP_DROP_NONE;
}

/* Next header (RFC 4303 §2.6): 59 marks a dummy packet, discarded in both
 * modes; a tunnel carries IPv4 or IPv6; transport carries anything but IP
 * in IP (that is tunnel mode, RFC 4301 §4.1). */
static __rte_always_inline uint8_t
inb_next_header(uint8_t nh, const bool trs)
{
	if (unlikely(nh == NH_NONE))
		return ESP_DROP_DUMMY;
	if (trs)
		return unlikely(nh == NH_IPV4 || nh == NH_IPV6) ?
			ESP_DROP_BAD_NEXT_HEADER : ESP_DROP_NONE;
	return unlikely(nh != NH_IPV4 && nh != NH_IPV6) ?
		ESP_DROP_BAD_NEXT_HEADER : ESP_DROP_NONE;
}

/* sa->sel_families: 0 is IPv4 only, as before IPv6 existed. */
static inline bool
inb_family_ok(const struct sa_inb *sa, const bool v6)
{
	if (v6)
		return (sa->sel_families & SA_SEL_V6) != 0;
	return sa->sel_families == 0 || (sa->sel_families & SA_SEL_V4) != 0;
}

/* RFC 4301 §5.2: the IPv6 packet's addresses must match sa->sel6. */
static inline uint8_t
inb_selector6(const struct sa_inb *sa, const uint8_t *ip6)
{
	if (unlikely(!inb_family_ok(sa, true) ||
		     !esp_prefix6_match(ip6 + IP6_SRC_OFF, sa->sel6.src,
					sa->sel6.src_len) ||
		     !esp_prefix6_match(ip6 + IP6_DST_OFF, sa->sel6.dst,
					sa->sel6.dst_len)))
		return ESP_DROP_SELECTOR_MISMATCH;
	return ESP_DROP_NONE;
}

/* RFC 4301 §5.2: the packet's addresses must match the SA's selector. */
static inline uint8_t
inb_selector(const struct sa_inb *sa, const uint8_t *ip)
{
	rte_be32_t a;
	uint32_t src, dst;

	if (unlikely(!inb_family_ok(sa, false)))
		return ESP_DROP_SELECTOR_MISMATCH;
	memcpy(&a, ip + 12, sizeof(a));
	src = rte_be_to_cpu_32(a);
	memcpy(&a, ip + 16, sizeof(a));
	dst = rte_be_to_cpu_32(a);
	if (unlikely(((src ^ sa->sel.src) & sa->sel.src_mask) != 0 ||
		     ((dst ^ sa->sel.dst) & sa->sel.dst_mask) != 0))
		return ESP_DROP_SELECTOR_MISMATCH;
	return ESP_DROP_NONE;
}

/* Tunnel: inner IPv4 header against the decrypted length, then the
 * selector over the inner addresses. Its header length through @p l3. */
static inline uint8_t
inb_inner4(const struct sa_inb *sa, const uint8_t *pt, uint32_t len,
	   uint8_t *l3)
{
	struct rte_ipv4_hdr ip;

	if (unlikely(len < sizeof(ip)))
		return ESP_DROP_INNER_MALFORMED;
	memcpy(&ip, pt, sizeof(ip));
	if (unlikely((ip.version_ihl >> 4) != 4 ||
		     (ip.version_ihl & 0xf) < 5 ||
		     (uint32_t)(ip.version_ihl & 0xf) * 4 > len ||
		     rte_be_to_cpu_16(ip.total_length) != len))
		return ESP_DROP_INNER_MALFORMED;
	*l3 = (uint8_t)((ip.version_ihl & 0xf) * 4);
	return inb_selector(sa, pt);
}

/* Tunnel: inner IPv6 header (RFC 8200 §3) against the decrypted length
 * (no jumbograms: a 0 payload length is a 40-byte packet), then sel6. */
static inline uint8_t
inb_inner6(const struct sa_inb *sa, const uint8_t *pt, uint32_t len)
{
	rte_be16_t plen;

	if (unlikely(len < ESP_IP6_LEN))
		return ESP_DROP_INNER_MALFORMED;
	memcpy(&plen, pt + 4, sizeof(plen));
	if (unlikely((pt[0] >> 4) != 6 ||
		     (uint32_t)rte_be_to_cpu_16(plen) + ESP_IP6_LEN != len))
		return ESP_DROP_INNER_MALFORMED;
	return inb_selector6(sa, pt);
}

/* Tunnel: the inner packet by the next header, 4 or 41 (checked). */
static inline uint8_t
inb_inner(const struct sa_inb *sa, const uint8_t *pt, uint32_t len, uint8_t nh,
	  uint8_t *l3)
{
	if (nh == NH_IPV4)
		return inb_inner4(sa, pt, len, l3);
	*l3 = ESP_IP6_LEN;
	return inb_inner6(sa, pt, len);
}

/*
 * Transport, with NAT-T: where the TCP or UDP checksum lies in the payload,
 * 0 for none to fix. RFC 3948 §3.1.2: the sender summed addresses that a NAT
 * changed, so the checksum is recomputed once the packet is rebuilt; a
 * payload too short for its header cannot be fixed and is refused.
 */
static __rte_always_inline uint8_t
inb_trs_cksum_at(uint8_t nh, const uint8_t *pt, uint32_t inner, uint32_t *at,
		 const bool v6)
{
	*at = 0;
	if (nh == IPPROTO_TCP) {
		if (unlikely(inner < sizeof(struct rte_tcp_hdr)))
			return ESP_DROP_INNER_MALFORMED;
		*at = TCP_CKSUM_OFF;
	} else if (nh == IPPROTO_UDP) {
		if (unlikely(inner < sizeof(struct rte_udp_hdr)))
			return ESP_DROP_INNER_MALFORMED;
		/* RFC 768: over IPv4 0 is no checksum, it stays none; over
		 * IPv6 it is not allowed (RFC 8200 §8.1): compute one */
		if (v6 || pt[UDP_CKSUM_OFF] != 0 || pt[UDP_CKSUM_OFF + 1] != 0)
			*at = UDP_CKSUM_OFF;
	} else if (v6 && nh == IPPROTO_ICMPV6) {
		/* RFC 4443 §2.3: ICMPv6 sums the pseudo-header too */
		if (unlikely(inner < ICMP6_MIN_LEN))
			return ESP_DROP_INNER_MALFORMED;
		*at = ICMP6_CKSUM_OFF;
	}
	return ESP_DROP_NONE;
}

/* Blank Ethernet header, and the NIC's checksum verdicts were about the
 * packet as received: forget them. */
static inline void
inb_l2(struct rte_mbuf *m, const bool v6)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);

	memset(eth, 0, sizeof(*eth));
	eth->ether_type = rte_cpu_to_be_16(v6 ? RTE_ETHER_TYPE_IPV6 :
					   RTE_ETHER_TYPE_IPV4);
	m->ol_flags &= ~(RTE_MBUF_F_RX_IP_CKSUM_MASK | RTE_MBUF_F_RX_L4_CKSUM_MASK |
			 RTE_MBUF_F_RX_OUTER_IP_CKSUM_BAD |
			 RTE_MBUF_F_RX_OUTER_L4_CKSUM_MASK);
	m->l2_len = ESP_L2_LEN;
}

/* Tunnel: leave the inner packet at offset 14 after a blank Ethernet
 * header of the inner family's type. */
static inline void
inb_strip(struct rte_mbuf *m, uint16_t off, uint32_t inner, bool v6,
	  uint8_t l3)
{
	uint16_t start = off + ESP_HDR_LEN + ESP_IV_LEN;

	rte_pktmbuf_trim(m, (uint16_t)(rte_pktmbuf_data_len(m) - start - inner));
	rte_pktmbuf_adj(m, (uint16_t)(start - ESP_L2_LEN));
	inb_l2(m, v6);
	m->l3_len = l3;
}

/*
 * Transport (RFC 4303 §3.1.1): move the IPv4 header (options too) from 14
 * up against the decrypted payload, drop the ESP (and UDP) header and the
 * trailer, then protocol = next header, total length and header checksum,
 * and with NAT-T the TCP/UDP checksum at @p ck (0: none) over the header's
 * addresses. TTL, ID, flags and TOS stay the sender's.
 */
static inline void
inb_trs_rebuild(struct rte_mbuf *m, uint16_t off, uint32_t hl, uint32_t inner,
		uint8_t nh, uint32_t ck)
{
	uint16_t start = off + ESP_HDR_LEN + ESP_IV_LEN;
	uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *), *ip;
	struct rte_ipv4_hdr *h;
	rte_be16_t w;

	memmove(p + start - hl, p + ESP_L2_LEN, hl);
	rte_pktmbuf_trim(m, (uint16_t)(rte_pktmbuf_data_len(m) - start - inner));
	rte_pktmbuf_adj(m, (uint16_t)(start - hl - ESP_L2_LEN));
	inb_l2(m, false);
	m->l3_len = hl;
	ip = rte_pktmbuf_mtod_offset(m, uint8_t *, ESP_L2_LEN);
	h = (struct rte_ipv4_hdr *)ip;      /* packed: any alignment */
	h->next_proto_id = nh;
	h->total_length = rte_cpu_to_be_16((uint16_t)(hl + inner));
	h->hdr_checksum = 0;
	h->hdr_checksum = rte_ipv4_cksum(h);
	if (ck != 0) {
		memset(ip + hl + ck, 0, sizeof(w));
		w = rte_ipv4_udptcp_cksum(h, ip + hl);
		memcpy(ip + hl + ck, &w, sizeof(w));
	}
}

/*
 * Transport over IPv6 (RFC 4303 §3.1.1): as inb_trs_rebuild() with the
 * fixed 40-byte header: next header and payload length rewritten (RFC 8200
 * has no header checksum), with NAT-T the TCP, UDP or ICMPv6 checksum at
 * @p ck over the IPv6 pseudo-header (RFC 8200 §8.1).
 */
static inline void
inb_trs_rebuild6(struct rte_mbuf *m, uint16_t off, uint32_t inner, uint8_t nh,
		 uint32_t ck)
{
	uint16_t start = off + ESP_HDR_LEN + ESP_IV_LEN;
	uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *), *ip;
	struct rte_ipv6_hdr *h;
	rte_be16_t w;

	memmove(p + start - ESP_IP6_LEN, p + ESP_L2_LEN, ESP_IP6_LEN);
	rte_pktmbuf_trim(m, (uint16_t)(rte_pktmbuf_data_len(m) - start - inner));
	rte_pktmbuf_adj(m, (uint16_t)(start - ESP_IP6_LEN - ESP_L2_LEN));
	inb_l2(m, true);
	m->l3_len = ESP_IP6_LEN;
	ip = rte_pktmbuf_mtod_offset(m, uint8_t *, ESP_L2_LEN);
	h = (struct rte_ipv6_hdr *)ip;      /* packed: any alignment */
	h->proto = nh;
	h->payload_len = rte_cpu_to_be_16((uint16_t)inner);
	if (ck != 0) {
		memset(ip + ESP_IP6_LEN + ck, 0, sizeof(w));
		w = rte_ipv6_udptcp_cksum(h, ip + ESP_IP6_LEN);
		memcpy(ip + ESP_IP6_LEN + ck, &w, sizeof(w));
	}
}

/* Pass 2 for prepared packet j. */
static __rte_always_inline uint8_t
inb_finish(struct sa_inb *sa, struct inb_chunk *c, uint16_t j, const bool natt,
	   const bool trs, const bool v6)
{
	const struct aead_op *op = &c->op[j];
	struct rte_mbuf *m = c->mb[j];
	enum replay_verdict v;
	uint32_t inner = 0, ck = 0, plen;
	uint8_t r, nh = 0, l3 = 0;
	const uint8_t *ip;
	struct inb_from from;

	if (unlikely(!c->ok[j]))
		return ESP_DROP_AUTH_FAILED;
	if (natt)
		inb_natt_from(m, c->off[j], v6, &from);
	/* §3.4.3: the window moves only once the ICV verified; re-checked,
	 * as an earlier packet of this burst may have taken the number */
	v = replay_window_update(&sa->rw, c->seq64[j]);
	if (unlikely(v != REPLAY_OK))
		return replay_drop[v];
	r = inb_trailer(op->data, op->len, &inner, &nh);
	if (likely(r == ESP_DROP_NONE))
		r = inb_next_header(nh, trs);
	if (unlikely(r != ESP_DROP_NONE))
		return r;
	if (trs) {
		/* the addresses are the outer header's, not encrypted */
		ip = rte_pktmbuf_mtod_offset(m, const uint8_t *, ESP_L2_LEN);
		r = v6 ? inb_selector6(sa, ip) : inb_selector(sa, ip);
		if (likely(r == ESP_DROP_NONE) && natt)
			r = inb_trs_cksum_at(nh, op->data, inner, &ck, v6);
		if (unlikely(r != ESP_DROP_NONE))
			return r;
		if (v6)
			inb_trs_rebuild6(m, c->off[j], inner, nh, ck);
		else
			inb_trs_rebuild(m, c->off[j], c->hl[j], inner, nh, ck);
		plen = c->hl[j] + inner;
	} else {
		/* per packet: one SA carries both inner families */
		r = inb_inner(sa, op->data, inner, nh, &l3);
		if (unlikely(r != ESP_DROP_NONE))
			return r;
		inb_strip(m, c->off[j], inner, nh == NH_IPV6, l3);
		plen = inner;
	}
	/* RFC 3948 §3.5: only a packet that passed every check moves it */
	if (natt)
		inb_natt_rebind(sa, &from, v6);
	cnt_add(&sa->cnt.packets, 1);
	cnt_add(&sa->cnt.bytes, plen);
	return ESP_DROP_NONE;
}

/*
 * ESN: the high half of a number is inferred from the window (RFC 4303
 * Appendix A), but the window moves only after a whole chunk is decrypted.
 * Would the earlier packets of this chunk, if authentic, move it so that
 * this one's inference changes (near 2^32 boundaries, after a large jump)?
 * Then the chunk ends before it, and it is inferred again once the window
 * has moved - as if processed one by one. Unauthenticated numbers only
 * decide where a chunk ends, never whether a packet is accepted.
 */
static inline bool
inb_esn_depends(const struct sa_inb *sa, const struct rte_mbuf *m, uint16_t off,
		uint64_t provisional_top)
{
	struct replay_window w = { .top = provisional_top, .size = sa->rw.size };
	uint64_t now = 0, later = 0;
	rte_be32_t seql;
	enum replay_verdict a, b;

	if (provisional_top == sa->rw.top ||
	    rte_pktmbuf_data_len(m) < (uint32_t)off + ESP_HDR_LEN)
		return false;
	memcpy(&seql, rte_pktmbuf_mtod_offset(m, const uint8_t *, off + 4), sizeof(seql));
	a = replay_esn_seq64(&sa->rw, rte_be_to_cpu_32(seql), &now);
	b = replay_esn_seq64(&w, rte_be_to_cpu_32(seql), &later);
	return a != b || (a == REPLAY_OK && now != later);
}

/* One chunk of at most ESPGW_MAX_BURST: good packets first, in order.
 * *used: how many of mb[] it took (fewer than n when ESN splits it). */
static __rte_always_inline uint16_t
inb_chunk(struct sa_inb *sa, const struct aead_engine *eng, void *eng_ctx,
	  struct rte_mbuf *mb[], const uint16_t esp_off[], uint16_t n,
	  uint8_t drop[], const bool esn, const bool natt, const bool trs,
	  const bool v6, uint16_t *used)
{
	struct inb_chunk c;
	struct esp_rejects rej;
	uint64_t top = sa->rw.top;
	uint16_t i, j, ng = 0;
	uint8_t r;

	c.n = 0;
	rej.n = 0;
	for (i = 0; i < n; i++) {
		if (esn && unlikely(inb_esn_depends(sa, mb[i], esp_off[i], top)))
			break;
		r = inb_prepare(sa, &c, mb[i], esp_off[i], esn, natt, trs, v6);
		if (unlikely(r != ESP_DROP_NONE))
			esp_reject(&rej, mb[i], r);
		else if (esn && c.seq64[c.n - 1] > top)
			top = c.seq64[c.n - 1];
	}
	*used = i;
	if (c.n != 0)
		eng->decrypt_burst(eng_ctx, c.op, c.n, c.ok);
	for (j = 0; j < c.n; j++) {
		r = inb_finish(sa, &c, j, natt, trs, v6);
		if (likely(r == ESP_DROP_NONE))
			mb[ng++] = c.mb[j];
		else
			esp_reject(&rej, c.mb[j], r);
	}
	esp_rejects_put(&rej, mb, drop, ng);
	return ng;
}

static __rte_always_inline uint16_t
inb_burst(struct sa_inb *sa, const struct aead_engine *eng, void *eng_ctx,
	  struct rte_mbuf *mb[], const uint16_t esp_off[], uint16_t n,
	  uint8_t drop[], const bool esn, const bool natt, const bool trs,
	  const bool v6)
{
	uint16_t at, k, ng, good = 0;

	for (at = 0; at < n; at += k) {
		k = RTE_MIN((uint16_t)(n - at), (uint16_t)ESPGW_MAX_BURST);
		ng = inb_chunk(sa, eng, eng_ctx, mb + at, esp_off + at, k,
			       drop + at, esn, natt, trs, v6, &k);
		esp_chunk_merge(mb, drop, good, at, ng);
		good += ng;
	}
	return good;
}

#define ESP_INB_VARIANT(name, esn, natt, trs, v6)                             \
static uint16_t                                                               \
name(struct sa_inb *sa, const struct aead_engine *eng, void *eng_ctx,         \
     struct rte_mbuf *mb[], const uint16_t esp_off[], uint16_t n,             \
     uint8_t drop[])                                                          \
{                                                                             \
	return inb_burst(sa, eng, eng_ctx, mb, esp_off, n, drop, esn, natt,   \
			 trs, v6);                                            \
}

ESP_INB_VARIANT(inb_tun, false, false, false, false)
ESP_INB_VARIANT(inb_tun_esn, true, false, false, false)
ESP_INB_VARIANT(inb_tun_natt, false, true, false, false)
ESP_INB_VARIANT(inb_tun_esn_natt, true, true, false, false)
ESP_INB_VARIANT(inb_tun6, false, false, false, true)
ESP_INB_VARIANT(inb_tun6_esn, true, false, false, true)
ESP_INB_VARIANT(inb_tun6_natt, false, true, false, true)
ESP_INB_VARIANT(inb_tun6_esn_natt, true, true, false, true)
ESP_INB_VARIANT(inb_trs, false, false, true, false)
ESP_INB_VARIANT(inb_trs_esn, true, false, true, false)
ESP_INB_VARIANT(inb_trs_natt, false, true, true, false)
ESP_INB_VARIANT(inb_trs_esn_natt, true, true, true, false)
ESP_INB_VARIANT(inb_trs6, false, false, true, true)
ESP_INB_VARIANT(inb_trs6_esn, true, false, true, true)
ESP_INB_VARIANT(inb_trs6_natt, false, true, true, true)
ESP_INB_VARIANT(inb_trs6_esn_natt, true, true, true, true)

esp_inb_tun_fn
esp_inb_tun_select(const struct sa_inb *sa)
{
	static const esp_inb_tun_fn fn[8] = {
		inb_tun, inb_tun_esn, inb_tun_natt, inb_tun_esn_natt,
		inb_tun6, inb_tun6_esn, inb_tun6_natt, inb_tun6_esn_natt,
	};

	return fn[esp_variant(sa->flags)];
}

esp_inb_fn
esp_inb_trs_select(const struct sa_inb *sa)
{
	static const esp_inb_fn fn[8] = {
		inb_trs, inb_trs_esn, inb_trs_natt, inb_trs_esn_natt,
		inb_trs6, inb_trs6_esn, inb_trs6_natt, inb_trs6_esn_natt,
	};

	return fn[esp_variant(sa->flags)];
}

uint16_t
esp_inb_tun_burst(struct sa_inb *sa, const struct aead_engine *eng,
		  void *eng_ctx, struct rte_mbuf *mb[], const uint16_t esp_off[],
		  uint16_t n, uint8_t drop[])
{
	/* once per burst; a caller that keeps the pointer skips even this */
	return esp_inb_tun_select(sa)(sa, eng, eng_ctx, mb, esp_off, n, drop);
}

esp_inb_fn
esp_inb_select(const struct sa_inb *sa)
{
	if (sa->mode == SA_MODE_TUNNEL)
		return esp_inb_tun_select(sa);
	if (sa->mode == SA_MODE_TRANSPORT)
		return esp_inb_trs_select(sa);
	return NULL;
}
