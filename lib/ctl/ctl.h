/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packets a worker hands to the control lcore, and why. Each worker owns one
 * single-producer/single-consumer ring to the control lcore, so handing off
 * is one lock-free enqueue; a full ring is a counted drop, never a wait.
 * The reason travels in an mbuf dynamic field.
 */
#ifndef ESPGW_CTL_H
#define ESPGW_CTL_H

#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>

struct rte_ring;

enum ctl_reason {
	CTL_ARP = 1,            /* ARP request or reply */
	CTL_ICMP_ECHO,          /* echo request to the gateway */
	CTL_IKE,                /* IKE on UDP 500 */
	CTL_IKE_NATT,           /* IKE on UDP 4500 behind the non-ESP marker */
	CTL_TTL_EXCEEDED,       /* forwarding: TTL would reach 0 */
	CTL_NO_ROUTE,           /* forwarding: no route to the destination */
	CTL_NEED_NEIGH,         /* forwarding: next hop's MAC unknown */
	CTL_MTU_EXCEEDED,       /* forwarding: larger than the egress MTU */
	CTL_NATT_KEEPALIVE,     /* 0xFF on UDP 4500 (RFC 3948 §2.3) */
	CTL_ND,                 /* IPv6 neighbor solicitation or advertisement */
	/* between workers (not for the control lcore): to the SA's owner */
	CTL_HANDOFF_ESP_IN,     /* ESP at esp_off, look the SPI up again */
	CTL_HANDOFF_ESP_OUT,    /* plain IPv4 at l3_off, for SA handle sa_id */
	/* control -> worker 0 */
	CTL_LOCAL_OUT,          /* the gateway's own IPv4 packet: SPD, then route */
	CTL_REASON_MAX
};

/* What the worker already learnt about the packet. */
struct ctl_meta {
	uint8_t reason;         /* enum ctl_reason */
	uint8_t pad;
	uint16_t out_port;      /* CTL_NEED_NEIGH, CTL_MTU_EXCEEDED */
	uint16_t l3_off;        /* IPv4/IPv6/ARP header */
	uint16_t mtu;           /* CTL_MTU_EXCEEDED: egress MTU */
	/* the mbuf's dynamic field space is small (other libraries take some
	 * of its 36 bytes), so what no reason needs together is shared */
	union {
		uint32_t nh_addr;   /* CTL_NEED_NEIGH, CTL_MTU_EXCEEDED: IPv4 next hop */
		uint8_t nh6[16];    /* the same for IPv6 */
		struct {
			uint16_t esp_off;   /* CTL_HANDOFF_ESP_IN */
			uint16_t pad2;
			uint32_t sa_id;     /* CTL_HANDOFF_ESP_OUT */
		};
	};
};

_Static_assert(sizeof(struct ctl_meta) <= 24, "ctl_meta must fit the mbuf's dynamic fields");

/* Offset of struct ctl_meta in every mbuf, set once by ctl_meta_register()
 * before any lcore starts (process-wide, like DPDK's own dynfield offsets). */
extern int ctl_meta_offset;

/** Register the dynamic field; 0 or -rte_errno. Call after rte_eal_init. */
int ctl_meta_register(void);

static inline struct ctl_meta *ctl_meta(struct rte_mbuf *m)
{
	return RTE_MBUF_DYNFIELD(m, ctl_meta_offset, struct ctl_meta *);
}

/** SP/SC ring from worker `worker_id` to the control lcore, NULL on error. */
struct rte_ring *ctl_ring_create(unsigned int worker_id, unsigned int size,
				 int socket);

extern const char *const ctl_reason_names[CTL_REASON_MAX];

#endif /* ESPGW_CTL_H */
