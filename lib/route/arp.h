/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ARP messages the control lcore sends (RFC 826): requests to resolve next
 * hops and replies for the gateway's own addresses.
 */
#ifndef ESPGW_ARP_H
#define ESPGW_ARP_H

#include <stdint.h>

struct rte_mbuf;

/* The fields of a received Ethernet/IPv4 ARP packet, host order. */
struct arp_msg {
	uint16_t op;            /* RTE_ARP_OP_REQUEST or _REPLY */
	uint8_t sha[6];         /* sender hardware address */
	uint32_t spa;           /* sender protocol address */
	uint8_t tha[6];
	uint32_t tpa;
};

/** Read an ARP packet at l3_off (already validated by the classifier). */
int arp_parse(const struct rte_mbuf *m, uint16_t l3_off, struct arp_msg *out);

/**
 * Fill m (empty, from a pool) with an ARP request for `target` from
 * (src_mac, src_ip). dst_mac NULL: broadcast; else unicast (refresh).
 * Returns 0 or -ENOSPC.
 */
int arp_build_request(struct rte_mbuf *m, const uint8_t src_mac[6],
		      uint32_t src_ip, uint32_t target, const uint8_t *dst_mac);

/**
 * Turn the request in m into the reply that says `our_ip` is at `our_mac`,
 * addressed to the requester. m keeps its buffer.
 */
void arp_reply_in_place(struct rte_mbuf *m, uint16_t l3_off,
			const uint8_t our_mac[6], uint32_t our_ip);

#endif /* ESPGW_ARP_H */
