/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Neighbor Solicitation / Advertisement construction and validation
 * (RFC 4861) for the control lcore.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "lib/util/rd.h"
#include "nd.h"

enum {
	IPV6_HDR_LEN = sizeof(struct rte_ipv6_hdr),
	IPV6_VERSION = 6,
};

static const uint8_t ALL_NODES[16] = { 0xff, 0x02, [15] = 0x01 };

void nd_solicited_node(const uint8_t addr[16], uint8_t out[16])
{
	static const uint8_t pfx[13] = { 0xff, 0x02, [11] = 0x01, [12] = 0xff };

	memcpy(out, pfx, sizeof(pfx));
	memcpy(out + 13, addr + 13, 3);
}

/* 33:33 + the last four bytes of the IPv6 multicast address (RFC 2464 §7) */
static void mcast_mac(const uint8_t ip[16], uint8_t mac[6])
{
	mac[0] = 0x33;
	mac[1] = 0x33;
	memcpy(mac + 2, ip + 12, 4);
}

static bool is_multicast(const uint8_t a[16])
{
	return a[0] == 0xff;
}

static bool is_unspecified(const uint8_t a[16])
{
	static const uint8_t zero[16];

	return memcmp(a, zero, 16) == 0;
}

static uint32_t sum16(uint32_t sum, const uint8_t *p, uint32_t n)
{
	uint32_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

/* ICMPv6 checksum over the pseudo-header (RFC 8200 §8.1) and the message;
 * with the checksum field filled in, a correct message gives 0. */
static uint16_t icmp6_cksum(const uint8_t src[16], const uint8_t dst[16],
			    const uint8_t *msg, uint32_t len)
{
	uint32_t sum = 0;

	sum = sum16(sum, src, 16);
	sum = sum16(sum, dst, 16);
	sum += len >> 16;
	sum += len & 0xffff;
	sum += IPPROTO_ICMPV6;
	sum = sum16(sum, msg, len);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Ethernet, IPv6 and an ICMPv6 body of `len` bytes (type, code, checksum
 * 0, `word`, target, one link-layer option); returns the ICMPv6 start. */
static uint8_t *build(struct rte_mbuf *m, const uint8_t eth_dst[6],
		      const uint8_t eth_src[6], const uint8_t src[16],
		      const uint8_t dst[16], uint8_t type, uint32_t word,
		      const uint8_t target[16], uint8_t opt, const uint8_t lladdr[6])
{
	const uint16_t len = ND_NS_NA_MIN + ND_OPT_LLADDR_LEN;
	struct rte_ether_hdr *eth;
	struct rte_ipv6_hdr *ip;
	uint8_t *icmp;
	uint16_t ck;

	eth = (struct rte_ether_hdr *)rte_pktmbuf_append(m, sizeof(*eth) + sizeof(*ip) + len);
	if (eth == NULL)
		return NULL;
	memcpy(&eth->dst_addr, eth_dst, 6);
	memcpy(&eth->src_addr, eth_src, 6);
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
	ip = (struct rte_ipv6_hdr *)(eth + 1);
	ip->vtc_flow = rte_cpu_to_be_32((uint32_t)IPV6_VERSION << 28);
	ip->payload_len = rte_cpu_to_be_16(len);
	ip->proto = IPPROTO_ICMPV6;
	ip->hop_limits = ND_HOP_LIMIT; /* §7.1: receivers require it */
	memcpy(ip->src_addr, src, 16);
	memcpy(ip->dst_addr, dst, 16);
	icmp = (uint8_t *)(ip + 1);
	icmp[0] = type;
	icmp[1] = 0;
	icmp[2] = 0;
	icmp[3] = 0;
	icmp[4] = (uint8_t)(word >> 24);
	icmp[5] = (uint8_t)(word >> 16);
	icmp[6] = (uint8_t)(word >> 8);
	icmp[7] = (uint8_t)word;
	memcpy(icmp + 8, target, 16);
	icmp[24] = opt;
	icmp[25] = ND_OPT_LLADDR_LEN / ND_OPT_UNIT;
	memcpy(icmp + 26, lladdr, 6);
	ck = icmp6_cksum(src, dst, icmp, len);
	icmp[2] = (uint8_t)(ck >> 8);
	icmp[3] = (uint8_t)ck;
	return icmp;
}

int nd_build_ns(struct rte_mbuf *m, const uint8_t src_mac[6], const uint8_t src_ip[16],
		const uint8_t target[16], const uint8_t *dst_mac)
{
	uint8_t dst[16], mac[6];

	if (dst_mac == NULL) {
		nd_solicited_node(target, dst);
		mcast_mac(dst, mac);
	} else {
		memcpy(dst, target, 16);
		memcpy(mac, dst_mac, 6);
	}
	if (build(m, mac, src_mac, src_ip, dst, ND_TYPE_NS, 0, target,
		  ND_OPT_SRC_LLADDR, src_mac) == NULL)
		return -ENOSPC;
	return 0;
}

int nd_build_na(struct rte_mbuf *m, const uint8_t our_mac[6], const struct nd_msg *ns,
		bool router)
{
	uint8_t flags = ND_NA_FLAG_OVERRIDE | (router ? ND_NA_FLAG_ROUTER : 0);
	const uint8_t *dst = ns->src, *mac = ns->has_lladdr ? ns->lladdr : ns->eth_src;
	uint8_t all_mac[6];

	if (is_unspecified(ns->src)) {
		/* §7.2.4: a DAD probe is answered to all-nodes, unsolicited */
		dst = ALL_NODES;
		mcast_mac(ALL_NODES, all_mac);
		mac = all_mac;
	} else {
		flags |= ND_NA_FLAG_SOLICITED;
	}
	if (build(m, mac, our_mac, ns->target, dst, ND_TYPE_NA,
		  (uint32_t)flags << 24, ns->target, ND_OPT_TGT_LLADDR, our_mac) == NULL)
		return -ENOSPC;
	return 0;
}

/* Options after the target (§4.6): each of non-zero length, all inside
 * the message; remembers the link-layer option of the kind `want`. */
static int validate_options(struct rd *r, uint8_t want, struct nd_msg *out)
{
	while (r->left > 0) {
		uint8_t type = rd_u8(r);
		uint32_t len = (uint32_t)rd_u8(r) * ND_OPT_UNIT;
		struct rd o;

		if (!rd_ok(r) || len == 0) /* §7.1: "all included options have a length > 0" */
			return -EINVAL;
		o = rd_sub(r, len - 2);
		if (!rd_ok(&o))
			return -EINVAL;
		if (type == want && !out->has_lladdr) {
			/* RFC 2464 §8: Ethernet's option is 8 bytes */
			if (len != ND_OPT_LLADDR_LEN)
				return -EINVAL;
			rd_bytes(&o, out->lladdr, 6);
			out->has_lladdr = true;
		}
	}
	return 0;
}

int nd_parse(const struct rte_mbuf *m, uint16_t l3_off, struct nd_msg *out)
{
	uint8_t buf[IPV6_HDR_LEN + ND_MAX_LEN];
	const uint8_t *p;
	uint32_t avail, plen;
	uint8_t nh, hops, code;
	struct rd r, icmp;

	memset(out, 0, sizeof(*out));
	if (rte_pktmbuf_pkt_len(m) < (uint32_t)l3_off + IPV6_HDR_LEN)
		return -EINVAL;
	avail = RTE_MIN(rte_pktmbuf_pkt_len(m) - l3_off, (uint32_t)sizeof(buf));
	p = rte_pktmbuf_read(m, l3_off, avail, buf);
	if (p == NULL)
		return -EINVAL;
	if (l3_off >= RTE_ETHER_HDR_LEN) {
		/* rte_pktmbuf_read() copies only when the bytes straddle segments */
		const void *src = rte_pktmbuf_read(m, 6, 6, out->eth_src);

		if (src == NULL)
			return -EINVAL;
		memmove(out->eth_src, src, 6);
	}

	rd_init(&r, p, avail);
	if (rd_u8(&r) >> 4 != IPV6_VERSION)
		return -EINVAL;
	rd_skip(&r, 3);
	plen = rd_be16(&r);
	nh = rd_u8(&r);
	hops = rd_u8(&r);
	rd_bytes(&r, out->src, 16);
	rd_bytes(&r, out->dst, 16);
	/* the payload length must fit what arrived; past it is padding (and a
	 * payload longer than buf is no ND message we read) */
	icmp = rd_sub(&r, plen);
	if (!rd_ok(&r) || !rd_ok(&icmp) || nh != IPPROTO_ICMPV6 ||
	    hops != ND_HOP_LIMIT || plen < ND_NS_NA_MIN)
		return -EINVAL;
	if (icmp6_cksum(out->src, out->dst, icmp.p, plen) != 0)
		return -EINVAL;
	out->type = rd_u8(&icmp);
	code = rd_u8(&icmp);
	rd_skip(&icmp, 2);                      /* checksum, checked above */
	out->flags = rd_u8(&icmp);
	rd_skip(&icmp, 3);
	rd_bytes(&icmp, out->target, 16);
	if (!rd_ok(&icmp) || code != 0 || is_multicast(out->target))
		return -EINVAL;
	switch (out->type) {
	case ND_TYPE_NS: {
		uint8_t sn[16];

		out->flags = 0;                 /* reserved: ignored */
		if (validate_options(&icmp, ND_OPT_SRC_LLADDR, out) < 0)
			return -EINVAL;
		/* §7.1.1: a DAD probe goes to the solicited-node address and
		 * carries no source link-layer option */
		nd_solicited_node(out->target, sn);
		if (is_unspecified(out->src) &&
		    (memcmp(out->dst, sn, 16) != 0 || out->has_lladdr))
			return -EINVAL;
		return 0;
	}
	case ND_TYPE_NA:
		out->flags &= ND_NA_FLAG_ROUTER | ND_NA_FLAG_SOLICITED | ND_NA_FLAG_OVERRIDE;
		if (validate_options(&icmp, ND_OPT_TGT_LLADDR, out) < 0)
			return -EINVAL;
		/* §7.1.2: solicited answers are never multicast */
		if (is_multicast(out->dst) && (out->flags & ND_NA_FLAG_SOLICITED))
			return -EINVAL;
		return 0;
	default:
		return -EINVAL;
	}
}
