/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ARP request/reply construction and parsing for the control lcore.
 */
#include <errno.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "arp.h"

int arp_parse(const struct rte_mbuf *m, uint16_t l3_off, struct arp_msg *out)
{
	const struct rte_arp_hdr *a;

	if (rte_pktmbuf_data_len(m) < l3_off + sizeof(*a))
		return -EINVAL;
	a = rte_pktmbuf_mtod_offset(m, const struct rte_arp_hdr *, l3_off);
	out->op = rte_be_to_cpu_16(a->arp_opcode);
	memcpy(out->sha, &a->arp_data.arp_sha, 6);
	memcpy(out->tha, &a->arp_data.arp_tha, 6);
	out->spa = rte_be_to_cpu_32(a->arp_data.arp_sip);
	out->tpa = rte_be_to_cpu_32(a->arp_data.arp_tip);
	return 0;
}

static void fill_arp(struct rte_arp_hdr *a, uint16_t op,
		     const uint8_t sha[6], uint32_t spa,
		     const uint8_t tha[6], uint32_t tpa)
{
	a->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	a->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	a->arp_hlen = RTE_ETHER_ADDR_LEN;
	a->arp_plen = 4;
	a->arp_opcode = rte_cpu_to_be_16(op);
	memcpy(&a->arp_data.arp_sha, sha, 6);
	a->arp_data.arp_sip = rte_cpu_to_be_32(spa);
	memcpy(&a->arp_data.arp_tha, tha, 6);
	a->arp_data.arp_tip = rte_cpu_to_be_32(tpa);
}

int arp_build_request(struct rte_mbuf *m, const uint8_t src_mac[6],
		      uint32_t src_ip, uint32_t target, const uint8_t *dst_mac)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t zero[6];
	struct rte_ether_hdr *eth;
	struct rte_arp_hdr *a;

	eth = (struct rte_ether_hdr *)rte_pktmbuf_append(m, sizeof(*eth) + sizeof(*a));
	if (eth == NULL)
		return -ENOSPC;
	memcpy(&eth->dst_addr, dst_mac != NULL ? dst_mac : bcast, 6);
	memcpy(&eth->src_addr, src_mac, 6);
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP);
	a = (struct rte_arp_hdr *)(eth + 1);
	/* RFC 826: target hardware address is unknown in a request */
	fill_arp(a, RTE_ARP_OP_REQUEST, src_mac, src_ip, zero, target);
	return 0;
}

void arp_reply_in_place(struct rte_mbuf *m, uint16_t l3_off,
			const uint8_t our_mac[6], uint32_t our_ip)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_arp_hdr *a = rte_pktmbuf_mtod_offset(m, struct rte_arp_hdr *, l3_off);
	uint8_t asker_mac[6];
	uint32_t asker_ip = rte_be_to_cpu_32(a->arp_data.arp_sip);

	memcpy(asker_mac, &a->arp_data.arp_sha, 6);
	memcpy(&eth->dst_addr, asker_mac, 6);
	memcpy(&eth->src_addr, our_mac, 6);
	fill_arp(a, RTE_ARP_OP_REPLY, our_mac, our_ip, asker_mac, asker_ip);
	/* drop any Ethernet padding the request carried */
	rte_pktmbuf_trim(m, (uint16_t)(rte_pktmbuf_pkt_len(m) - l3_off - sizeof(*a)));
}
