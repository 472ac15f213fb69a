/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMP echo replies and error messages (RFC 792, RFC 1812 §4.3.2).
 */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "icmp.h"

enum {
	ICMP_TYPE_ECHO_REPLY = 0,
	ICMP_TYPE_DEST_UNREACH = 3,
	ICMP_TYPE_ECHO_REQUEST = 8,
	ICMP_TYPE_TIME_EXCEEDED = 11,
	ICMP_CODE_NET_UNREACH = 0,
	ICMP_CODE_FRAG_NEEDED = 4,
	ICMP_CODE_TTL_EXCEEDED = 0,
	ICMP_REPLY_TTL = 64,
};

static uint16_t icmp_cksum(const void *p, uint32_t len)
{
	return (uint16_t)~rte_raw_cksum(p, len);
}

void icmp_echo_reply_in_place(struct rte_mbuf *m, uint16_t l3_off)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, l3_off);
	uint16_t ihl = (uint16_t)((ip->version_ihl & 0xf) * 4);
	uint16_t icmp_len = (uint16_t)(rte_be_to_cpu_16(ip->total_length) - ihl);
	struct rte_icmp_hdr *icmp = (struct rte_icmp_hdr *)((uint8_t *)ip + ihl);
	rte_be32_t a = ip->src_addr;

	ip->src_addr = ip->dst_addr;
	ip->dst_addr = a;
	ip->time_to_live = ICMP_REPLY_TTL;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	icmp->icmp_type = ICMP_TYPE_ECHO_REPLY;
	icmp->icmp_cksum = 0;
	icmp->icmp_cksum = icmp_cksum(icmp, icmp_len);
}

static bool is_icmp_error_type(uint8_t type)
{
	/* the error types of RFC 792/1812; queries (echo, timestamp) are not */
	return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

/* RFC 1812 §4.3.2.7: the source must name one host; not 0/8, loopback,
 * multicast, class E or the limited broadcast. */
static bool is_unicast_src(uint32_t a)
{
	uint8_t top = (uint8_t)(a >> 24);

	return top != 0 && top != 127 && top < 224;
}

bool icmp_error_allowed(const struct rte_mbuf *orig, uint16_t l3_off)
{
	const struct rte_ipv4_hdr *ip =
		rte_pktmbuf_mtod_offset(orig, const struct rte_ipv4_hdr *, l3_off);
	uint16_t frag = rte_be_to_cpu_16(ip->fragment_offset);
	uint16_t ihl = (uint16_t)((ip->version_ihl & 0xf) * 4);
	const uint8_t *l4 = (const uint8_t *)ip + ihl;

	if ((frag & RTE_IPV4_HDR_OFFSET_MASK) != 0)
		return false;
	if (!is_unicast_src(rte_be_to_cpu_32(ip->src_addr)))
		return false;
	if (ip->next_proto_id == IPPROTO_ICMP &&
	    rte_pktmbuf_data_len(orig) > l3_off + ihl &&
	    is_icmp_error_type(l4[0]))
		return false;
	return true;
}

static void error_type_code(enum icmp_error err, uint8_t *type, uint8_t *code)
{
	switch (err) {
	case ICMP_ERR_NET_UNREACH:
		*type = ICMP_TYPE_DEST_UNREACH;
		*code = ICMP_CODE_NET_UNREACH;
		break;
	case ICMP_ERR_FRAG_NEEDED:
		*type = ICMP_TYPE_DEST_UNREACH;
		*code = ICMP_CODE_FRAG_NEEDED;
		break;
	case ICMP_ERR_TTL_EXCEEDED:
	default:
		*type = ICMP_TYPE_TIME_EXCEEDED;
		*code = ICMP_CODE_TTL_EXCEEDED;
		break;
	}
}

struct rte_mbuf *icmp_error_build(struct rte_mempool *pool,
				  const struct rte_mbuf *orig, uint16_t l3_off,
				  enum icmp_error err, uint32_t src, uint16_t mtu)
{
	const struct rte_ipv4_hdr *oip =
		rte_pktmbuf_mtod_offset(orig, const struct rte_ipv4_hdr *, l3_off);
	const uint32_t hdrs = sizeof(struct rte_ipv4_hdr) + sizeof(struct rte_icmp_hdr);
	uint32_t quote = rte_pktmbuf_pkt_len(orig) - l3_off;
	struct rte_ipv4_hdr *ip;
	struct rte_icmp_hdr *icmp;
	struct rte_mbuf *m;
	const void *q;
	uint8_t *p;

	if (quote > rte_be_to_cpu_16(oip->total_length))
		quote = rte_be_to_cpu_16(oip->total_length);
	if (quote > ICMP_ERR_MAX_IP_LEN - hdrs)
		quote = ICMP_ERR_MAX_IP_LEN - hdrs;
	m = rte_pktmbuf_alloc(pool);
	if (m == NULL)
		return NULL;
	p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(RTE_ETHER_HDR_LEN + hdrs + quote));
	if (p == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memset(p, 0, RTE_ETHER_HDR_LEN);
	((struct rte_ether_hdr *)p)->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ip = (struct rte_ipv4_hdr *)(p + RTE_ETHER_HDR_LEN);
	icmp = (struct rte_icmp_hdr *)(ip + 1);
	*ip = (struct rte_ipv4_hdr){
		.version_ihl = RTE_IPV4_VHL_DEF,
		.total_length = rte_cpu_to_be_16((uint16_t)(hdrs + quote)),
		.time_to_live = ICMP_REPLY_TTL,
		.next_proto_id = IPPROTO_ICMP,
		.src_addr = rte_cpu_to_be_32(src),
		.dst_addr = oip->src_addr,
	};
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	memset(icmp, 0, sizeof(*icmp));
	error_type_code(err, &icmp->icmp_type, &icmp->icmp_code);
	if (err == ICMP_ERR_FRAG_NEEDED) /* RFC 1191 §4: next-hop MTU, low half */
		icmp->icmp_seq_nb = rte_cpu_to_be_16(mtu);
	q = rte_pktmbuf_read(orig, l3_off, quote, icmp + 1);
	if (q == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	if (q != (const void *)(icmp + 1)) /* contiguous: read gave a pointer */
		memcpy(icmp + 1, q, quote);
	icmp->icmp_cksum = icmp_cksum(icmp, sizeof(*icmp) + quote);
	m->l2_len = RTE_ETHER_HDR_LEN;
	m->l3_len = sizeof(*ip);
	return m;
}
