/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMPv6 echo replies and error messages (RFC 4443 §2.4, §3, §4.2) for the
 * control lcore.
 */
#include <netinet/in.h>
#include <stdbool.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_errno.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "icmp6.h"
#include "lib/util/rd.h"

enum {
	IPV6_HDR_LEN = sizeof(struct rte_ipv6_hdr),
	IPV6_VERSION = 6,
	ICMP6_HDR_LEN = 8,              /* type, code, checksum, 4-byte field */
	ICMP6_TYPE_DEST_UNREACH = 1,
	ICMP6_TYPE_PKT_TOO_BIG = 2,
	ICMP6_TYPE_TIME_EXCEEDED = 3,
	ICMP6_TYPE_INFO_MIN = 128,      /* §2.1: below are error messages */
	ICMP6_TYPE_ECHO_REPLY = 129,
	ICMP6_CODE_NO_ROUTE = 0,
	ICMP6_CODE_ADDR_UNREACH = 3,
	ICMP6_CODE_PKT_TOO_BIG = 0,
	ICMP6_CODE_HOP_LIMIT = 0,
	ICMP6_HOP_LIMIT = 64,
	/* §2.4(c): what of the original fits after our own headers */
	ICMP6_ERR_MAX_QUOTE = ICMP6_ERR_MAX_IP_LEN - IPV6_HDR_LEN - ICMP6_HDR_LEN,
};

_Static_assert(sizeof(struct rte_ipv6_hdr) == 40, "IPv6 fixed header");

/* The fields of an IPv6 fixed header this file looks at. */
struct ip6 {
	uint16_t plen;
	uint8_t nh;
	uint8_t src[16];
	uint8_t dst[16];
};

static bool is_multicast(const uint8_t a[16])
{
	return a[0] == 0xff;
}

static bool is_unspecified(const uint8_t a[16])
{
	static const uint8_t zero[16];

	return memcmp(a, zero, sizeof(zero)) == 0;
}

static bool is_loopback(const uint8_t a[16])
{
	static const uint8_t lo[16] = { [15] = 1 };

	return memcmp(a, lo, sizeof(lo)) == 0;
}

/* Copy out orig's IPv6 fixed header at l3_off; false when orig holds less
 * than one or it is not version 6. */
static bool read_ip6(const struct rte_mbuf *orig, uint16_t l3_off, struct ip6 *out)
{
	uint8_t buf[IPV6_HDR_LEN];
	const void *p = rte_pktmbuf_read(orig, l3_off, sizeof(buf), buf);
	struct rd r;

	if (p == NULL)
		return false;
	rd_init(&r, p, sizeof(buf));
	if (rd_u8(&r) >> 4 != IPV6_VERSION)
		return false;
	rd_skip(&r, 3);
	out->plen = rd_be16(&r);
	out->nh = rd_u8(&r);
	rd_skip(&r, 1);
	rd_bytes(&r, out->src, 16);
	rd_bytes(&r, out->dst, 16);
	return rd_ok(&r);
}

/*
 * One's complement sum of len bytes of m from off, across segments, in the
 * byte order of rte_raw_cksum(). The caller has checked off + len <= pkt_len.
 * Not rte_raw_cksum_mbuf(): in 22.11 it truncates a segment's unreduced sum
 * to 16 bits before byte-swapping it when the segment starts at an odd
 * offset into the range, so chains with odd-length segments sum wrong.
 */
static uint32_t sum_mbuf(const struct rte_mbuf *m, uint32_t off, uint32_t len)
{
	uint32_t sum = 0, done = 0;

	while (m != NULL && off >= rte_pktmbuf_data_len(m)) {
		off -= rte_pktmbuf_data_len(m);
		m = m->next;
	}
	while (m != NULL && done < len) {
		uint32_t n = RTE_MIN(rte_pktmbuf_data_len(m) - off, len - done);
		uint16_t s = rte_raw_cksum(rte_pktmbuf_mtod_offset(m, const void *, off), n);

		if (done & 1) /* this piece's bytes sit in the other half-words */
			s = rte_bswap16(s);
		sum += s;
		done += n;
		off = 0;
		m = m->next;
	}
	return sum;
}

/* ICMPv6 checksum (§2.3) of the message of ip->payload_len bytes at off in
 * m, checksum field zero: pseudo-header (RFC 8200 §8.1) plus the message.
 * rte_ipv6_phdr_cksum() takes the length and next header (58) from ip. */
static uint16_t icmp6_cksum(const struct rte_mbuf *m, const struct rte_ipv6_hdr *ip,
			    uint32_t off)
{
	uint32_t sum = sum_mbuf(m, off, rte_be_to_cpu_16(ip->payload_len));

	sum += rte_ipv6_phdr_cksum(ip, 0);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	/* no 0 -> 0xffff as for UDP: ICMPv6 sends a computed 0 as 0 */
	return (uint16_t)~sum;
}

void icmp6_echo_reply_in_place(struct rte_mbuf *m, uint16_t l3_off)
{
	const uint32_t l4_off = (uint32_t)l3_off + IPV6_HDR_LEN;
	struct rte_ipv6_hdr *ip;
	uint8_t *icmp, a[16];
	uint16_t ck;
	uint32_t plen;

	if (unlikely(rte_pktmbuf_data_len(m) < l4_off + ICMP6_HDR_LEN))
		return;
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, l3_off);
	icmp = rte_pktmbuf_mtod_offset(m, uint8_t *, l4_off);
	plen = rte_be_to_cpu_16(ip->payload_len);
	if (unlikely(*(const uint8_t *)ip >> 4 != IPV6_VERSION ||
		     ip->proto != IPPROTO_ICMPV6 || plen < ICMP6_HDR_LEN ||
		     l4_off + plen > rte_pktmbuf_pkt_len(m)))
		return;
	memcpy(a, ip->src_addr, 16);
	memcpy(ip->src_addr, ip->dst_addr, 16);
	memcpy(ip->dst_addr, a, 16);
	ip->hop_limits = ICMP6_HOP_LIMIT;
	icmp[0] = ICMP6_TYPE_ECHO_REPLY;
	icmp[2] = 0;
	icmp[3] = 0;
	ck = icmp6_cksum(m, ip, l4_off);
	memcpy(icmp + 2, &ck, sizeof(ck));
}

bool icmp6_error_allowed(const struct rte_mbuf *orig, uint16_t l3_off,
			 enum icmp6_error err)
{
	const uint32_t l4_off = (uint32_t)l3_off + IPV6_HDR_LEN;
	struct ip6 ip;

	if (!read_ip6(orig, l3_off, &ip))
		return false;
	/* §2.4(e.6): the source must name a single node */
	if (is_unspecified(ip.src) || is_multicast(ip.src) || is_loopback(ip.src))
		return false;
	/* §2.4(e.3): not about a packet to a group, but Packet Too Big (so
	 * path MTU discovery works for multicast, §3.2) */
	if (is_multicast(ip.dst) && err != ICMP6_ERR_PKT_TOO_BIG)
		return false;
	/* §2.4(e.1): never about an error message; a type byte we cannot see
	 * (payload length 0, truncated packet) might be one */
	if (ip.nh == IPPROTO_ICMPV6) {
		uint8_t tb;
		const uint8_t *type;

		if (ip.plen < 1)
			return false;
		type = rte_pktmbuf_read(orig, l4_off, 1, &tb);
		if (type == NULL || *type < ICMP6_TYPE_INFO_MIN)
			return false;
	}
	return true;
}

static void error_type_code(enum icmp6_error err, uint8_t *type, uint8_t *code)
{
	switch (err) {
	case ICMP6_ERR_NO_ROUTE:
		*type = ICMP6_TYPE_DEST_UNREACH;
		*code = ICMP6_CODE_NO_ROUTE;
		break;
	case ICMP6_ERR_ADDR_UNREACH:
		*type = ICMP6_TYPE_DEST_UNREACH;
		*code = ICMP6_CODE_ADDR_UNREACH;
		break;
	case ICMP6_ERR_PKT_TOO_BIG:
		*type = ICMP6_TYPE_PKT_TOO_BIG;
		*code = ICMP6_CODE_PKT_TOO_BIG;
		break;
	case ICMP6_ERR_HOP_LIMIT:
	default:
		*type = ICMP6_TYPE_TIME_EXCEEDED;
		*code = ICMP6_CODE_HOP_LIMIT;
		break;
	}
}

struct rte_mbuf *icmp6_error_build(struct rte_mempool *pool,
				   const struct rte_mbuf *orig, uint16_t l3_off,
				   enum icmp6_error err, const uint8_t src[16],
				   uint32_t mtu)
{
	const uint16_t hdrs = IPV6_HDR_LEN + ICMP6_HDR_LEN;
	struct rte_ether_hdr *eth;
	struct rte_ipv6_hdr *ip;
	struct rte_mbuf *m;
	struct ip6 o;
	uint32_t quote;
	uint8_t *icmp;
	const void *q;
	uint16_t ck;

	if (!read_ip6(orig, l3_off, &o)) {
		rte_errno = EINVAL;
		return NULL;
	}
	/* the original packet: its payload length, not link padding, and not
	 * more than arrived */
	quote = RTE_MIN(rte_pktmbuf_pkt_len(orig) - l3_off, IPV6_HDR_LEN + (uint32_t)o.plen);
	quote = RTE_MIN(quote, (uint32_t)ICMP6_ERR_MAX_QUOTE);
	m = rte_pktmbuf_alloc(pool);
	if (m == NULL) {
		rte_errno = ENOBUFS;
		return NULL;
	}
	eth = (struct rte_ether_hdr *)rte_pktmbuf_append(m,
			(uint16_t)(RTE_ETHER_HDR_LEN + hdrs + quote));
	if (eth == NULL) {
		rte_errno = ENOBUFS;
		goto fail;
	}
	memset(eth, 0, sizeof(*eth));
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
	ip = (struct rte_ipv6_hdr *)(eth + 1);
	ip->vtc_flow = rte_cpu_to_be_32((uint32_t)IPV6_VERSION << 28);
	ip->payload_len = rte_cpu_to_be_16((uint16_t)(ICMP6_HDR_LEN + quote));
	ip->proto = IPPROTO_ICMPV6;
	ip->hop_limits = ICMP6_HOP_LIMIT;
	memcpy(ip->src_addr, src, 16);
	memcpy(ip->dst_addr, o.src, 16);
	icmp = (uint8_t *)(ip + 1);
	memset(icmp, 0, ICMP6_HDR_LEN);
	error_type_code(err, &icmp[0], &icmp[1]);
	if (err == ICMP6_ERR_PKT_TOO_BIG) { /* §3.2: next-hop link MTU */
		rte_be32_t be = rte_cpu_to_be_32(mtu);

		memcpy(icmp + 4, &be, sizeof(be));
	}
	q = rte_pktmbuf_read(orig, l3_off, quote, icmp + ICMP6_HDR_LEN);
	if (q == NULL) { /* cannot happen: quote is within pkt_len */
		rte_errno = EINVAL;
		goto fail;
	}
	if (q != icmp + ICMP6_HDR_LEN) /* contiguous: read gave a pointer */
		memcpy(icmp + ICMP6_HDR_LEN, q, quote);
	ck = icmp6_cksum(m, ip, RTE_ETHER_HDR_LEN + IPV6_HDR_LEN);
	memcpy(icmp + 2, &ck, sizeof(ck));
	m->l2_len = RTE_ETHER_HDR_LEN;
	m->l3_len = IPV6_HDR_LEN;
	return m;
fail:
	rte_pktmbuf_free(m);
	return NULL;
}
