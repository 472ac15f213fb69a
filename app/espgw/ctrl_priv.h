/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control lcore internals shared by ctrl.c (loop, dispatch, TX) and
 * ctrl_l3.c (ARP, ICMP, fragmentation, next-hop resolution).
 */
#ifndef ESPGW_CTRL_PRIV_H
#define ESPGW_CTRL_PRIV_H

#include "gw.h"
#include "lib/route/neigh.h"

struct ctrl_ctx {
	struct gw *gw;
	struct lcore_stats *stats;
	uint16_t txq;                 /* the control lcore's own TX queue */
	struct rte_mempool *pool;     /* for packets we originate */
	struct gw_txbuf tx[ESPGW_MAX_PORTS];
	struct rte_timer neigh_timer;
	uint64_t icmp_mtokens;        /* ICMP error budget, 1/1000 token units */
	uint64_t icmp_refill_ms;
};

/* ctrl.c */
void ctrl_tx(struct ctrl_ctx *c, uint16_t port, struct rte_mbuf *m);
void ctrl_drop(struct ctrl_ctx *c, struct rte_mbuf *m, enum gw_drop why);

/* ctrl_l3.c */
void ctrl_arp_input(struct ctrl_ctx *c, struct rte_mbuf *m, uint16_t l3_off);
void ctrl_arp_solicit(void *arg, uint32_t addr, uint16_t port, const uint8_t *mac);
void ctrl_neigh_drop(void *arg, struct rte_mbuf *m);
void ctrl_neigh_output(struct ctrl_ctx *c, struct rte_mbuf *m, uint16_t port,
		       uint32_t nh_addr);
void ctrl_ip_output(struct ctrl_ctx *c, struct rte_mbuf *m);
/* ctrl_ip_output() without the SPD: route, resolve, send */
void ctrl_route_output(struct ctrl_ctx *c, struct rte_mbuf *m);
void ctrl_route_output4(struct ctrl_ctx *c, struct rte_mbuf *m);
/* act on what neigh_resolve*() said about m; true: a new entry, solicit */
bool ctrl_neigh_verdict(struct ctrl_ctx *c, struct rte_mbuf *m, uint16_t port,
			enum neigh_verdict v, uint64_t mac_word);
/* Ethernet addresses for a resolved next hop, then send */
void ctrl_send_to_neigh(struct ctrl_ctx *c, struct rte_mbuf *m, uint16_t port,
			uint64_t mac_word);

/* token bucket of settings.icmp_rate, both families */
bool ctrl_icmp_rate_ok(struct ctrl_ctx *c);

/* ctrl_ip6.c: IPv6 - neighbour discovery, echo, errors, output */
void ctrl_nd_input(struct ctrl_ctx *c, struct rte_mbuf *m, uint16_t l3_off);
void ctrl_nd_solicit(void *arg, const uint8_t addr[16], uint16_t port, const uint8_t *mac);
void ctrl_neigh_output6(struct ctrl_ctx *c, struct rte_mbuf *m, uint16_t port,
			const uint8_t nh[16]);
void ctrl_route_output6(struct ctrl_ctx *c, struct rte_mbuf *m);
void ctrl_icmp6_echo(struct ctrl_ctx *c, struct rte_mbuf *m, uint16_t l3_off);
/* an ICMPv6 error about m (not consumed), from the ingress port's address */
void ctrl_icmp6_error(struct ctrl_ctx *c, struct rte_mbuf *m, uint16_t l3_off, int err,
		      uint32_t mtu);
/* a NAT-T keepalive: refresh the bindings of the SAs of its sender */
void ctrl_natt_keepalive(struct ctrl_ctx *c, struct rte_mbuf *m, uint16_t l3_off);
void ctrl_icmp_echo(struct ctrl_ctx *c, struct rte_mbuf *m, uint16_t l3_off);
void ctrl_icmp_error(struct ctrl_ctx *c, struct rte_mbuf *m, uint16_t l3_off,
		     int err, uint16_t mtu);
void ctrl_too_big(struct ctrl_ctx *c, struct rte_mbuf *m);

#endif /* ESPGW_CTRL_PRIV_H */
