/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4 header edits of forwarding, shared by the worker and control lcores.
 */
#ifndef ESPGW_PKT_IPV4_H
#define ESPGW_PKT_IPV4_H

#include <rte_byteorder.h>
#include <rte_ip.h>

/* TTL - 1 with the RFC 1624 incremental checksum update (as Linux's
 * ip_decrease_ttl): the end-around carry keeps 0xFFFF out. */
static inline void pkt_ipv4_ttl_decrement(struct rte_ipv4_hdr *ip)
{
	uint32_t check = ip->hdr_checksum;

	check += rte_cpu_to_be_16(0x0100);
	ip->hdr_checksum = (uint16_t)(check + (check >= 0xFFFF));
	ip->time_to_live--;
}

#endif /* ESPGW_PKT_IPV4_H */
