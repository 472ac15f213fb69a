/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Worker -> control hand-off: metadata registration and rings.
 */
#include <stdio.h>

#include <rte_errno.h>
#include <rte_ring.h>

#include "ctl.h"

int ctl_meta_offset = -1;

const char *const ctl_reason_names[CTL_REASON_MAX] = {
	[CTL_ARP] = "arp",
	[CTL_ICMP_ECHO] = "icmp_echo",
	[CTL_IKE] = "ike",
	[CTL_IKE_NATT] = "ike_natt",
	[CTL_TTL_EXCEEDED] = "ttl_exceeded",
	[CTL_NO_ROUTE] = "no_route",
	[CTL_NEED_NEIGH] = "need_neigh",
	[CTL_MTU_EXCEEDED] = "mtu_exceeded",
	[CTL_NATT_KEEPALIVE] = "natt_keepalive",
	[CTL_ND] = "nd",
	[CTL_HANDOFF_ESP_IN] = "handoff_esp_in",
	[CTL_HANDOFF_ESP_OUT] = "handoff_esp_out",
	[CTL_LOCAL_OUT] = "local_out",
};

int ctl_meta_register(void)
{
	static const struct rte_mbuf_dynfield desc = {
		.name = "espgw_ctl_meta",
		.size = sizeof(struct ctl_meta),
		.align = __alignof__(struct ctl_meta),
	};
	int off = rte_mbuf_dynfield_register(&desc);

	if (off < 0)
		return -rte_errno;
	ctl_meta_offset = off;
	return 0;
}

struct rte_ring *ctl_ring_create(unsigned int worker_id, unsigned int size,
				 int socket)
{
	char name[RTE_RING_NAMESIZE];

	snprintf(name, sizeof(name), "espgw_ctl_%u", worker_id);
	return rte_ring_create(name, size, socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
}
