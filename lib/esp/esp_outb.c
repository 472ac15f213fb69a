/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ESP outbound, tunnel and transport mode, AES-GCM-16 (RFC 4303 §3.3,
 * RFC 4106), raw or in UDP (RFC 3948 §2.1). Two passes per chunk: frame
 * every packet (sequence number, trailer, headers: a new outer IPv4 or IPv6
 * header for tunnel, the packet's own moved down for transport), then one
 * encrypt burst (and over IPv6 with NAT-T the UDP checksum of the result).
 * One always-inline body, specialised by constant mode and flags (ESN,
 * NAT-T, outer IPv6); tunnel mode branches per packet on the inner family
 * only. Worker lcore owning the SA.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>
#include <rte_udp.h>

#include "lib/esp/esp.h"
#include "lib/esp/esp_priv.h"

enum {
	OUTER_IP_LEN = 20,
	UDP_LEN = 8,
	NH_IPV4 = 4,
	NH_IPV6 = 41,
	OUTER_TTL = 64,
	OUTER_HLIM = 64,        /* IPv6 hop limit of the outer header */
	IP6_PLEN_OFF = 4,       /* RFC 8200 §3 */
	IP6_NH_OFF = 6,
	IP6_DST_OFF = 24,
	UDP_CKSUM_OFF = 6,
};

/*
 * The peer's binding, read once per call: every packet of one call leaves
 * with the same outer destination even while a NAT rebinding moves it
 * (the router resolves it once per group, worker.c).
 */
struct outb_peer {
	uint64_t peer;                  /* sa_peer_pack() */
	uint8_t peer6[16];              /* SA_F_OUTER_V6 */
};

struct outb_chunk {
	uint16_t n;
	const struct outb_peer *pr;
	struct aead_op op[ESPGW_MAX_BURST];
	bool ok[ESPGW_MAX_BURST];
	struct rte_mbuf *mb[ESPGW_MAX_BURST];
	uint32_t inner[ESPGW_MAX_BURST];
	uint8_t nonce[ESPGW_MAX_BURST][AEAD_IV_LEN];
	uint8_t aad[ESPGW_MAX_BURST][AEAD_AAD_MAX];
};

/*
 * Outer IPv4 (RFC 4301 §5.1.2.1): TOS copied from the inner header (DSCP,
 * and ECN as RFC 6040 normal mode), DF clear, TTL 64, and as identification
 * the low 16 bits of the ESP sequence number: unique per SA for 65536
 * packets (RFC 6864 §4.1) without a counter of its own.
 */
static inline void
outb_ip(uint8_t *p, const struct sa_outb *sa, uint64_t peer, uint64_t seq,
	uint32_t olen, uint8_t tos, const bool natt)
{
	/* stored field by field straight into the packet (packed structs):
	 * a header built on the stack and copied in reloads it with wider
	 * loads than the stores that built it, a store-forwarding stall
	 * measured at half of this function */
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)p;
	uint32_t dst = sa_peer_addr(peer), sum;

	/* the header checksum from the fields, in registers */
	sum = (uint32_t)(RTE_IPV4_VHL_DEF << 8 | tos) + olen + (uint16_t)seq +
	      (uint32_t)(OUTER_TTL << 8 | (natt ? IPPROTO_UDP : IPPROTO_ESP)) +
	      (sa->local >> 16) + (sa->local & 0xffff) + (dst >> 16) + (dst & 0xffff);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->type_of_service = tos;
	ip->total_length = rte_cpu_to_be_16((uint16_t)olen);
	ip->packet_id = rte_cpu_to_be_16((uint16_t)seq);
	ip->fragment_offset = 0;
	ip->time_to_live = OUTER_TTL;
	ip->next_proto_id = natt ? IPPROTO_UDP : IPPROTO_ESP;
	ip->hdr_checksum = rte_cpu_to_be_16((uint16_t)~sum);
	ip->src_addr = rte_cpu_to_be_32(sa->local);
	ip->dst_addr = rte_cpu_to_be_32(dst);
	if (natt) {
		/* RFC 3948 §2.1: checksum 0 over IPv4 */
		struct rte_udp_hdr *u = (struct rte_udp_hdr *)(p + OUTER_IP_LEN);

		u->src_port = rte_cpu_to_be_16(sa->local_port);
		u->dst_port = rte_cpu_to_be_16(sa_peer_port(peer));
		u->dgram_len = rte_cpu_to_be_16((uint16_t)(olen - OUTER_IP_LEN));
		u->dgram_cksum = 0;
	}
}

/*
 * Outer IPv6 (RFC 4301 §5.1.2.1 applied to RFC 8200 §3): traffic class
 * copied from the inner packet (DSCP, and ECN as RFC 6040 normal mode),
 * flow label 0, hop limit 64, sa->local6 -> sa->peer6. With NAT-T the UDP
 * header's checksum is left 0 here and computed once the ESP packet is
 * encrypted (outb_udp6_cksum()): over IPv6 it is mandatory (RFC 8200
 * §8.1), RFC 3948's checksum 0 being an IPv4 rule.
 */
static inline void
outb_ip6(uint8_t *p, const struct sa_outb *sa, const struct outb_peer *pr,
	 uint32_t olen, uint8_t tc, const bool natt)
{
	struct rte_ipv6_hdr ip = {
		.vtc_flow = rte_cpu_to_be_32(UINT32_C(6) << 28 | (uint32_t)tc << 20),
		.payload_len = rte_cpu_to_be_16((uint16_t)(olen - ESP_IP6_LEN)),
		.proto = natt ? IPPROTO_UDP : IPPROTO_ESP,
		.hop_limits = OUTER_HLIM,
	};

	memcpy(ip.src_addr, sa->local6, sizeof(ip.src_addr));
	memcpy(ip.dst_addr, pr->peer6, sizeof(ip.dst_addr));
	memcpy(p, &ip, sizeof(ip));
	if (natt) {
		struct rte_udp_hdr u = {
			.src_port = rte_cpu_to_be_16(sa->local_port),
			.dst_port = rte_cpu_to_be_16(sa_peer_port(pr->peer)),
			.dgram_len = rte_cpu_to_be_16((uint16_t)(olen - ESP_IP6_LEN)),
			.dgram_cksum = 0,
		};
		memcpy(p + ESP_IP6_LEN, &u, sizeof(u));
	}
}

/* IPv6 with NAT-T, once encrypted: the UDP checksum (RFC 768 over the
 * RFC 8200 §8.1 pseudo-header) of the outer packet at offset 14, IPv6
 * header without extensions and UDP behind it, checksum field 0. */
static inline void
outb_udp6_cksum(struct rte_mbuf *m)
{
	uint8_t *ip = rte_pktmbuf_mtod_offset(m, uint8_t *, ESP_L2_LEN);
	rte_be16_t w = rte_ipv6_udptcp_cksum((const struct rte_ipv6_hdr *)ip,
					     ip + ESP_IP6_LEN);

	memcpy(ip + ESP_IP6_LEN + UDP_CKSUM_OFF, &w, sizeof(w));
}

/* Ethernet room: zero addresses, the outer family's type. */
static inline void
outb_l2(uint8_t *p, const bool v6)
{
	memset(p, 0, ESP_L2_LEN);
	p[12] = (v6 ? RTE_ETHER_TYPE_IPV6 : RTE_ETHER_TYPE_IPV4) >> 8;
	p[13] = (v6 ? RTE_ETHER_TYPE_IPV6 : RTE_ETHER_TYPE_IPV4) & 0xff;
}

/*
 * Tunnel: the inner packet at offset 14, IPv4 (at least 20 bytes) or IPv6
 * (payload length consistent with the data, RFC 8200 §3); its next header
 * value (4 or 41) and TOS or traffic class, 0 if it is neither.
 */
static inline uint8_t
outb_inner(const struct rte_mbuf *m, uint32_t len, uint8_t *tos)
{
	const uint8_t *ip = rte_pktmbuf_mtod_offset(m, const uint8_t *, ESP_L2_LEN);
	rte_be16_t plen;

	if (unlikely(len < OUTER_IP_LEN))
		return 0;
	if ((ip[0] >> 4) == 4) {
		*tos = ip[1];
		return NH_IPV4;
	}
	if (unlikely((ip[0] >> 4) != 6 || len < ESP_IP6_LEN))
		return 0;
	memcpy(&plen, ip + IP6_PLEN_OFF, sizeof(plen));
	if (unlikely((uint32_t)rte_be_to_cpu_16(plen) + ESP_IP6_LEN != len))
		return 0;
	*tos = esp_ip6_tc(ip);
	return NH_IPV6;
}

/* Room, size and sequence number checks: a reject leaves the mbuf as it was. */
static __rte_always_inline uint8_t
outb_check(const struct sa_outb *sa, const struct rte_mbuf *m, uint32_t hdr,
	   uint32_t tail, uint32_t olen, const bool esn)
{
	if (unlikely(m->nb_segs != 1))
		return ESP_DROP_ESP_CHAINED;
	if (unlikely(olen > UINT16_MAX || (sa->mtu != 0 && olen > sa->mtu)))
		return ESP_DROP_TOO_BIG;
	if (unlikely(rte_pktmbuf_headroom(m) < hdr ||
		     rte_pktmbuf_tailroom(m) < tail))
		return ESP_DROP_NO_ROOM;
	/* RFC 4303 §3.3.3: the counter must not cycle; rekey instead */
	if (unlikely(esn ? sa->seq == UINT64_MAX : sa->seq >= UINT32_MAX))
		return ESP_DROP_SEQ_OVERFLOW;
	return ESP_DROP_NONE;
}

/* Trailer (RFC 4303 §2.4): padding 1, 2, 3, ..., pad length, next header. */
static inline void
outb_trailer(struct rte_mbuf *m, uint32_t pad, uint8_t nh)
{
	uint8_t *t = (uint8_t *)rte_pktmbuf_append(m,
			(uint16_t)(pad + ESP_TRAILER_LEN + ESP_ICV_LEN));
	uint32_t k;

	for (k = 0; k < pad; k++)
		t[k] = (uint8_t)(k + 1);
	t[pad] = (uint8_t)pad;
	t[pad + 1] = nh;
}

/*
 * ESP header and IV at @p p, and the op encrypting the @p ct bytes behind.
 * Nonce and AAD come from the same registers as the header, not read back
 * from it: 8-byte loads over the two 4-byte stores just made would stall.
 */
static __rte_always_inline void
outb_esp(const struct sa_outb *sa, struct outb_chunk *c, struct rte_mbuf *m,
	 uint8_t *p, uint64_t seq, uint32_t ct, uint32_t plen, const bool esn)
{
	const rte_be32_t spi = rte_cpu_to_be_32(sa->spi);
	const rte_be32_t lo = rte_cpu_to_be_32((uint32_t)seq);
	const rte_be32_t hi = rte_cpu_to_be_32((uint32_t)(seq >> 32));
	/* RFC 4106 §3.1: the IV must not repeat under a key; the 64-bit
	 * sequence number never does (RFC 4106 §8.1 suggests a counter) */
	const rte_be64_t iv = rte_cpu_to_be_64(seq);
	uint16_t j = c->n;

	memcpy(p, &spi, 4);
	memcpy(p + 4, &lo, 4);
	memcpy(p + ESP_HDR_LEN, &iv, ESP_IV_LEN);
	memcpy(c->nonce[j], sa->salt, 4);
	memcpy(c->nonce[j] + 4, &iv, ESP_IV_LEN);
	/* RFC 4106 §5: SPI | seq, or with ESN SPI | seq high | seq low */
	memcpy(c->aad[j], &spi, 4);
	if (esn) {
		memcpy(c->aad[j] + 4, &hi, 4);
		memcpy(c->aad[j] + 8, &lo, 4);
	} else {
		memcpy(c->aad[j] + 4, &lo, 4);
	}
	c->op[j] = (struct aead_op){
		.key = &sa->key, .mb = m, .iv = c->nonce[j], .aad = c->aad[j],
		.aad_len = esn ? AEAD_AAD_MAX : ESP_HDR_LEN,
		.data = p + ESP_HDR_LEN + ESP_IV_LEN, .len = ct,
		.tag = p + ESP_HDR_LEN + ESP_IV_LEN + ct,
	};
	c->mb[j] = m;
	c->inner[j] = plen;
	c->n++;
}

/* Pass 1, tunnel: frame one packet around its inner IPv4 or IPv6 at
 * offset 14, in an outer IPv4 or (v6) IPv6 header. */
static __rte_always_inline uint8_t
outb_prepare(struct sa_outb *sa, struct outb_chunk *c, struct rte_mbuf *m,
	     const bool esn, const bool natt, const bool v6)
{
	const uint32_t ohl = v6 ? ESP_IP6_LEN : OUTER_IP_LEN;
	const uint32_t hdr = ohl + (natt ? UDP_LEN : 0) + ESP_HDR_LEN + ESP_IV_LEN;
	uint32_t inner, pad, ct, olen;
	uint8_t *p, r, nh, tos = 0;
	uint64_t seq;

	if (unlikely(rte_pktmbuf_data_len(m) < ESP_L2_LEN + OUTER_IP_LEN))
		return ESP_DROP_INNER_MALFORMED;
	inner = rte_pktmbuf_data_len(m) - ESP_L2_LEN;
	/* per packet: one SA carries both inner families */
	nh = outb_inner(m, inner, &tos);
	if (unlikely(nh == 0))
		return ESP_DROP_INNER_MALFORMED;
	pad = -(inner + ESP_TRAILER_LEN) & 3;   /* RFC 4303 §2.4: 4-aligned */
	ct = inner + pad + ESP_TRAILER_LEN;
	olen = hdr + ct + ESP_ICV_LEN;
	r = outb_check(sa, m, hdr, pad + ESP_TRAILER_LEN + ESP_ICV_LEN, olen, esn);
	if (unlikely(r != ESP_DROP_NONE))
		return r;
	seq = ++sa->seq;
	outb_trailer(m, pad, nh);
	p = (uint8_t *)rte_pktmbuf_prepend(m, (uint16_t)hdr);
	outb_l2(p, v6);
	if (v6)
		outb_ip6(p + ESP_L2_LEN, sa, c->pr, olen, tos, natt);
	else
		outb_ip(p + ESP_L2_LEN, sa, c->pr->peer, seq, olen, tos, natt);
	p += hdr + ESP_L2_LEN - ESP_HDR_LEN - ESP_IV_LEN;  /* ESP header */
	outb_esp(sa, c, m, p, seq, ct, inner, esn);
	return ESP_DROP_NONE;
}

/*
 * Transport: the IPv4 header length of the packet at offset 14, 0 for one
 * that transport ESP cannot take: not IPv4, IHL below 5 or beyond the data,
 * or a fragment (RFC 4303 §3.3: applied to whole datagrams only).
 */
static inline uint32_t
outb_trs_hl(const struct rte_mbuf *m)
{
	const uint8_t *ip = rte_pktmbuf_mtod_offset(m, const uint8_t *, ESP_L2_LEN);
	uint32_t hl;
	rte_be16_t frag;

	if (unlikely(rte_pktmbuf_data_len(m) < ESP_L2_LEN + OUTER_IP_LEN))
		return 0;
	hl = (uint32_t)(ip[0] & RTE_IPV4_HDR_IHL_MASK) * 4;
	memcpy(&frag, ip + 6, sizeof(frag));
	if (unlikely((ip[0] >> 4) != 4 || hl < OUTER_IP_LEN ||
		     hl > (uint32_t)rte_pktmbuf_data_len(m) - ESP_L2_LEN ||
		     (rte_be_to_cpu_16(frag) &
		      (RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)) != 0))
		return 0;
	return hl;
}

/*
 * Transport (RFC 4303 §3.1.1): the IPv4 header at @p ip (moved down) gets
 * protocol ESP, or UDP and with NAT-T the peer's public address as
 * destination and a UDP header behind it (RFC 3948 §2.1, checksum 0).
 */
static inline void
outb_trs_ip(uint8_t *ip, uint32_t hl, const struct sa_outb *sa, uint64_t peer,
	    uint32_t olen, const bool natt)
{
	struct rte_ipv4_hdr *h = (struct rte_ipv4_hdr *)ip;   /* packed */

	h->next_proto_id = natt ? IPPROTO_UDP : IPPROTO_ESP;
	h->total_length = rte_cpu_to_be_16((uint16_t)olen);
	if (natt) {
		struct rte_udp_hdr u = {
			.src_port = rte_cpu_to_be_16(sa->local_port),
			.dst_port = rte_cpu_to_be_16(sa_peer_port(peer)),
			.dgram_len = rte_cpu_to_be_16((uint16_t)(olen - hl)),
			.dgram_cksum = 0,
		};

		h->dst_addr = rte_cpu_to_be_32(sa_peer_addr(peer));
		memcpy(ip + hl, &u, sizeof(u));
	}
	h->hdr_checksum = 0;
	h->hdr_checksum = rte_ipv4_cksum(h);
}

/*
 * With NAT-T in transport mode the destination becomes the peer's current
 * binding (its NAT). When that differs from the packet's own destination,
 * keep the transport checksum true to the header it will travel with, as
 * a NAT rewriting the address would (RFC 1624 incremental update): TCP,
 * UDP (IPv4 UDP without a checksum stays without), ICMPv6. The peer still
 * fixes up for its own NAT (RFC 3948 §3.1.2).
 */
static inline void
outb_trs_readdress(uint8_t *l4, uint32_t pl, uint8_t proto, const uint8_t *from,
		   const uint8_t *to, unsigned int n)
{
	uint32_t off, sum;
	rte_be16_t ck, w;
	unsigned int i;

	switch (proto) {
	case IPPROTO_TCP:
		off = 16;
		break;
	case IPPROTO_UDP:
		off = 6;
		break;
	case IPPROTO_ICMPV6:
		off = 2;
		break;
	default:
		return;     /* ICMP (IPv4) has no pseudo-header */
	}
	if (pl < off + 2 || memcmp(from, to, n) == 0)
		return;
	memcpy(&ck, l4 + off, sizeof(ck));
	if (proto == IPPROTO_UDP && ck == 0 && n == 4)
		return;
	sum = (uint16_t)~rte_be_to_cpu_16(ck);
	for (i = 0; i < n; i += 2) {
		memcpy(&w, from + i, sizeof(w));
		sum += (uint16_t)~rte_be_to_cpu_16(w);
		memcpy(&w, to + i, sizeof(w));
		sum += rte_be_to_cpu_16(w);
	}
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	ck = rte_cpu_to_be_16((uint16_t)~sum);
	if (proto == IPPROTO_UDP && ck == 0)
		ck = RTE_BE16(0xffff);
	memcpy(l4 + off, &ck, sizeof(ck));
}

/* Pass 1, transport: ESP between the packet's IPv4 header and payload. */
static __rte_always_inline uint8_t
outb_prepare_trs(struct sa_outb *sa, struct outb_chunk *c, struct rte_mbuf *m,
		 const bool esn, const bool natt)
{
	const uint32_t hdr = (natt ? UDP_LEN : 0) + ESP_HDR_LEN + ESP_IV_LEN;
	uint32_t hl = outb_trs_hl(m), len, pl, pad, ct, olen;
	uint8_t *p, *ip, nh, r;
	uint64_t seq;

	if (unlikely(hl == 0))
		return ESP_DROP_INNER_MALFORMED;
	len = rte_pktmbuf_data_len(m) - ESP_L2_LEN;
	pl = len - hl;
	pad = -(pl + ESP_TRAILER_LEN) & 3;      /* RFC 4303 §2.4: 4-aligned */
	ct = pl + pad + ESP_TRAILER_LEN;
	olen = hl + hdr + ct + ESP_ICV_LEN;
	r = outb_check(sa, m, hdr, pad + ESP_TRAILER_LEN + ESP_ICV_LEN, olen, esn);
	if (unlikely(r != ESP_DROP_NONE))
		return r;
	seq = ++sa->seq;
	ip = rte_pktmbuf_mtod_offset(m, uint8_t *, ESP_L2_LEN);
	nh = ip[9];
	if (natt) {
		rte_be32_t to = rte_cpu_to_be_32(sa_peer_addr(c->pr->peer));

		outb_trs_readdress(ip + hl, pl, nh, ip + 16, (const uint8_t *)&to, 4);
	}
	outb_trailer(m, pad, nh);
	/* checked room: the header moves down by hdr within the buffer */
	p = (uint8_t *)rte_pktmbuf_prepend(m, (uint16_t)hdr);
	memmove(ip - hdr, ip, hl);
	outb_l2(p, false);
	outb_trs_ip(p + ESP_L2_LEN, hl, sa, c->pr->peer, olen, natt);
	outb_esp(sa, c, m, p + ESP_L2_LEN + hl + (natt ? UDP_LEN : 0), seq, ct,
		 len, esn);
	return ESP_DROP_NONE;
}

/*
 * Transport over IPv6 (RFC 4303 §3.1.1): the fixed header at @p ip (moved
 * down) gets next header ESP, or UDP and with NAT-T the peer's address as
 * destination and a UDP header behind it (checksum computed after
 * encryption, outb_udp6_cksum()); the payload length covers what follows.
 */
static inline void
outb_trs_ip6(uint8_t *ip, const struct sa_outb *sa, const struct outb_peer *pr,
	     uint32_t olen, const bool natt)
{
	rte_be16_t plen = rte_cpu_to_be_16((uint16_t)(olen - ESP_IP6_LEN));

	ip[IP6_NH_OFF] = natt ? IPPROTO_UDP : IPPROTO_ESP;
	memcpy(ip + IP6_PLEN_OFF, &plen, sizeof(plen));
	if (natt) {
		struct rte_udp_hdr u = {
			.src_port = rte_cpu_to_be_16(sa->local_port),
			.dst_port = rte_cpu_to_be_16(sa_peer_port(pr->peer)),
			.dgram_len = plen,
			.dgram_cksum = 0,
		};

		memcpy(ip + IP6_DST_OFF, pr->peer6, sizeof(pr->peer6));
		memcpy(ip + ESP_IP6_LEN, &u, sizeof(u));
	}
}

/*
 * Pass 1, transport over IPv6: ESP between the packet's fixed header and
 * its payload. The packet must be IPv6 with a payload length matching the
 * data (inner_malformed), and carry no extension header (v6_ext_hdr): ESP
 * would have to go after the per-hop and routing headers (RFC 4303
 * §3.1.1), which is not supported; fragments are refused so too.
 */
static __rte_always_inline uint8_t
outb_prepare_trs6(struct sa_outb *sa, struct outb_chunk *c, struct rte_mbuf *m,
		  const bool esn, const bool natt)
{
	const uint32_t hdr = (natt ? UDP_LEN : 0) + ESP_HDR_LEN + ESP_IV_LEN;
	uint32_t len, pl, pad, ct, olen;
	uint8_t *p, *ip, nh, r;
	rte_be16_t plen;
	uint64_t seq;

	if (unlikely(rte_pktmbuf_data_len(m) < ESP_L2_LEN + ESP_IP6_LEN))
		return ESP_DROP_INNER_MALFORMED;
	len = rte_pktmbuf_data_len(m) - ESP_L2_LEN;
	ip = rte_pktmbuf_mtod_offset(m, uint8_t *, ESP_L2_LEN);
	memcpy(&plen, ip + IP6_PLEN_OFF, sizeof(plen));
	if (unlikely((ip[0] >> 4) != 6 ||
		     (uint32_t)rte_be_to_cpu_16(plen) + ESP_IP6_LEN != len))
		return ESP_DROP_INNER_MALFORMED;
	nh = ip[IP6_NH_OFF];
	if (unlikely(esp_ip6_ext_hdr(nh)))
		return ESP_DROP_V6_EXT_HDR;
	pl = len - ESP_IP6_LEN;
	pad = -(pl + ESP_TRAILER_LEN) & 3;      /* RFC 4303 §2.4: 4-aligned */
	ct = pl + pad + ESP_TRAILER_LEN;
	olen = ESP_IP6_LEN + hdr + ct + ESP_ICV_LEN;
	r = outb_check(sa, m, hdr, pad + ESP_TRAILER_LEN + ESP_ICV_LEN, olen, esn);
	if (unlikely(r != ESP_DROP_NONE))
		return r;
	seq = ++sa->seq;
	if (natt)
		outb_trs_readdress(ip + ESP_IP6_LEN, pl, nh, ip + IP6_DST_OFF,
				   c->pr->peer6, 16);
	outb_trailer(m, pad, nh);
	/* checked room: the header moves down by hdr within the buffer */
	p = (uint8_t *)rte_pktmbuf_prepend(m, (uint16_t)hdr);
	memmove(ip - hdr, ip, ESP_IP6_LEN);
	outb_l2(p, true);
	outb_trs_ip6(p + ESP_L2_LEN, sa, c->pr, olen, natt);
	outb_esp(sa, c, m, p + ESP_L2_LEN + ESP_IP6_LEN + (natt ? UDP_LEN : 0),
		 seq, ct, len, esn);
	return ESP_DROP_NONE;
}

static __rte_always_inline uint16_t
outb_chunk(struct sa_outb *sa, const struct aead_engine *eng, void *eng_ctx,
	   const struct outb_peer *pr, struct rte_mbuf *mb[], uint16_t n,
	   uint8_t drop[], const bool esn, const bool natt, const bool trs,
	   const bool v6)
{
	struct outb_chunk c;
	struct esp_rejects rej;
	uint16_t i, j, ng = 0;
	uint8_t r;

	c.n = 0;
	c.pr = pr;
	rej.n = 0;
	/* the outer headers go into headroom no one has touched yet: ask for
	 * those lines (and the tail's, for trailer and ICV) a burst ahead */
	for (i = 0; i < n; i++) {
		uint8_t *d = rte_pktmbuf_mtod(mb[i], uint8_t *);

		rte_prefetch0_write(d - RTE_CACHE_LINE_SIZE);
		rte_prefetch0_write(d + rte_pktmbuf_data_len(mb[i]));
	}
	for (i = 0; i < n; i++) {
		if (trs && v6)
			r = outb_prepare_trs6(sa, &c, mb[i], esn, natt);
		else if (trs)
			r = outb_prepare_trs(sa, &c, mb[i], esn, natt);
		else
			r = outb_prepare(sa, &c, mb[i], esn, natt, v6);
		if (unlikely(r != ESP_DROP_NONE))
			esp_reject(&rej, mb[i], r);
	}
	if (c.n != 0)
		eng->encrypt_burst(eng_ctx, c.op, c.n, c.ok);
	for (j = 0; j < c.n; j++) {
		if (unlikely(!c.ok[j])) {
			esp_reject(&rej, c.mb[j], ESP_DROP_CRYPTO_FAILED);
			continue;
		}
		if (v6 && natt)
			outb_udp6_cksum(c.mb[j]);
		mb[ng++] = c.mb[j];
		cnt_add(&sa->cnt.packets, 1);
		cnt_add(&sa->cnt.bytes, c.inner[j]);
	}
	esp_rejects_put(&rej, mb, drop, ng);
	return ng;
}

static __rte_always_inline uint16_t
outb_burst(struct sa_outb *sa, const struct aead_engine *eng, void *eng_ctx,
	   struct rte_mbuf *mb[], uint16_t n, uint8_t drop[], const bool esn,
	   const bool natt, const bool trs, const bool v6)
{
	uint16_t at, k, ng, good = 0;
	struct outb_peer pr;

	pr.peer = __atomic_load_n(&sa->peer, __ATOMIC_ACQUIRE);
	if (v6)
		memcpy(pr.peer6, sa->peer6, sizeof(pr.peer6));
	for (at = 0; at < n; at += k) {
		k = RTE_MIN((uint16_t)(n - at), (uint16_t)ESPGW_MAX_BURST);
		ng = outb_chunk(sa, eng, eng_ctx, &pr, mb + at, k, drop + at, esn,
				natt, trs, v6);
		esp_chunk_merge(mb, drop, good, at, ng);
		good += ng;
	}
	return good;
}

#define ESP_OUTB_VARIANT(name, esn, natt, trs, v6)                            \
static uint16_t                                                               \
name(struct sa_outb *sa, const struct aead_engine *eng, void *eng_ctx,        \
     struct rte_mbuf *mb[], uint16_t n, uint8_t drop[])                       \
{                                                                             \
	return outb_burst(sa, eng, eng_ctx, mb, n, drop, esn, natt, trs, v6); \
}

ESP_OUTB_VARIANT(outb_tun, false, false, false, false)
ESP_OUTB_VARIANT(outb_tun_esn, true, false, false, false)
ESP_OUTB_VARIANT(outb_tun_natt, false, true, false, false)
ESP_OUTB_VARIANT(outb_tun_esn_natt, true, true, false, false)
ESP_OUTB_VARIANT(outb_tun6, false, false, false, true)
ESP_OUTB_VARIANT(outb_tun6_esn, true, false, false, true)
ESP_OUTB_VARIANT(outb_tun6_natt, false, true, false, true)
ESP_OUTB_VARIANT(outb_tun6_esn_natt, true, true, false, true)
ESP_OUTB_VARIANT(outb_trs, false, false, true, false)
ESP_OUTB_VARIANT(outb_trs_esn, true, false, true, false)
ESP_OUTB_VARIANT(outb_trs_natt, false, true, true, false)
ESP_OUTB_VARIANT(outb_trs_esn_natt, true, true, true, false)
ESP_OUTB_VARIANT(outb_trs6, false, false, true, true)
ESP_OUTB_VARIANT(outb_trs6_esn, true, false, true, true)
ESP_OUTB_VARIANT(outb_trs6_natt, false, true, true, true)
ESP_OUTB_VARIANT(outb_trs6_esn_natt, true, true, true, true)

esp_outb_tun_fn
esp_outb_tun_select(const struct sa_outb *sa)
{
	static const esp_outb_tun_fn fn[8] = {
		outb_tun, outb_tun_esn, outb_tun_natt, outb_tun_esn_natt,
		outb_tun6, outb_tun6_esn, outb_tun6_natt, outb_tun6_esn_natt,
	};

	return fn[esp_variant(sa->flags)];
}

esp_outb_fn
esp_outb_trs_select(const struct sa_outb *sa)
{
	static const esp_outb_fn fn[8] = {
		outb_trs, outb_trs_esn, outb_trs_natt, outb_trs_esn_natt,
		outb_trs6, outb_trs6_esn, outb_trs6_natt, outb_trs6_esn_natt,
	};

	return fn[esp_variant(sa->flags)];
}

uint16_t
esp_outb_tun_burst(struct sa_outb *sa, const struct aead_engine *eng,
		   void *eng_ctx, struct rte_mbuf *mb[], uint16_t n,
		   uint8_t drop[])
{
	return esp_outb_tun_select(sa)(sa, eng, eng_ctx, mb, n, drop);
}

esp_outb_fn
esp_outb_select(const struct sa_outb *sa)
{
	if (sa->mode == SA_MODE_TUNNEL)
		return esp_outb_tun_select(sa);
	if (sa->mode == SA_MODE_TRANSPORT)
		return esp_outb_trs_select(sa);
	return NULL;
}
