/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control lcore: drains the workers' hand-off rings, answers what a router
 * answers itself (ARP, ICMP), holds packets for unresolved next hops, and
 * runs the timers. It sends on a TX queue of its own on each port, so no
 * worker queue is ever shared.
 */
#include <unistd.h>

#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_ring.h>

#include "ctrl_priv.h"
#include "ipsec.h"
#include "lib/ctl/ctl.h"
#include "lib/route/icmp.h"
#include "lib/route/icmp6.h"
#include "lib/route/neigh.h"
#include "log.h"

enum {
	NEIGH_TICK_MS = 100,
	CTRL_IDLE_US = 50,
};

static void neigh_timer_cb(struct rte_timer *tim, void *arg)
{
	static const struct neigh_ops ops = {
		.solicit = ctrl_arp_solicit,
		.solicit6 = ctrl_nd_solicit,
		.drop = ctrl_neigh_drop,
	};
	struct ctrl_ctx *c = arg;

	neigh_tick(c->gw->neigh, gw_now_ms(), &ops, c);
}

struct ctrl_ctx *ctrl_create(struct gw *gw)
{
	unsigned int socket = rte_lcore_to_socket_id(gw->ctrl_lcore);
	struct ctrl_ctx *c;
	uint64_t hz = rte_get_timer_hz();

	c = rte_zmalloc_socket("ctrl", sizeof(*c), RTE_CACHE_LINE_SIZE, (int)socket);
	if (c == NULL)
		return NULL;
	c->gw = gw;
	c->stats = &gw->ctrl_stats;
	c->txq = (uint16_t)gw->n_workers;
	c->pool = gw->pool[socket] != NULL ? gw->pool[socket] : gw->pool[gw->ports[0].socket < 0 ? 0 : gw->ports[0].socket];
	c->icmp_mtokens = (uint64_t)gw->conf->icmp_rate * 1000;
	c->icmp_refill_ms = gw_now_ms();
	rte_timer_subsystem_init();
	rte_timer_init(&c->neigh_timer);
	if (rte_timer_reset(&c->neigh_timer, hz * NEIGH_TICK_MS / 1000, PERIODICAL,
			    gw->ctrl_lcore, neigh_timer_cb, c) < 0) {
		rte_free(c);
		return NULL;
	}
	return c;
}

void ctrl_free(struct ctrl_ctx *c)
{
	unsigned int i;

	if (c == NULL)
		return;
	rte_timer_stop_sync(&c->neigh_timer);
	for (i = 0; i < ESPGW_MAX_PORTS; i++)
		rte_pktmbuf_free_bulk(c->tx[i].pkts, c->tx[i].n);
	rte_free(c);
}

static void tx_flush(struct ctrl_ctx *c, uint16_t port)
{
	gw_txbuf_flush(&c->tx[port], port, c->txq, c->stats);
}

void ctrl_tx(struct ctrl_ctx *c, uint16_t port, struct rte_mbuf *m)
{
	struct gw_txbuf *b = &c->tx[port];

	if (!gw_port_by_ethdev(c->gw, port)->ctrl_txq) {
		/* no queue of our own here: worker 0 sends it for us */
		m->port = port;
		ctl_meta(m)->reason = 0;   /* as it is, not CTL_LOCAL_OUT */
		if (rte_ring_sp_enqueue(c->gw->ctrl_tx_ring, m) != 0)
			ctrl_drop(c, m, GW_DROP_TX_FULL);
		return; /* worker 0 counts it when it leaves */
	}
	b->pkts[b->n++] = m;
	if (b->n == GW_TXBUF)
		tx_flush(c, port);
}

void ctrl_drop(struct ctrl_ctx *c, struct rte_mbuf *m, enum gw_drop why)
{
	cnt_add(&c->stats->drop[why], 1);
	rte_pktmbuf_free(m);
}

/* The IPv6 side of the forwarding errors: ICMPv6, never fragmentation. */
static bool dispatch6(struct ctrl_ctx *c, struct rte_mbuf *m, const struct ctl_meta *md)
{
	switch (md->reason) {
	case CTL_ICMP_ECHO:
		ctrl_icmp6_echo(c, m, md->l3_off);
		return true;
	case CTL_NEED_NEIGH:
		ctrl_neigh_output6(c, m, md->out_port, md->nh6);
		return true;
	case CTL_TTL_EXCEEDED:
		ctrl_icmp6_error(c, m, md->l3_off, ICMP6_ERR_HOP_LIMIT, 0);
		ctrl_drop(c, m, GW_DROP_TTL_EXCEEDED);
		return true;
	case CTL_NO_ROUTE:
		ctrl_icmp6_error(c, m, md->l3_off, ICMP6_ERR_NO_ROUTE, 0);
		ctrl_drop(c, m, GW_DROP_NO_ROUTE);
		return true;
	case CTL_MTU_EXCEEDED:
		/* RFC 8200 §5: routers do not fragment IPv6 */
		ctrl_icmp6_error(c, m, md->l3_off, ICMP6_ERR_PKT_TOO_BIG, md->mtu);
		ctrl_drop(c, m, GW_DROP_MTU_DF);
		return true;
	default:
		return false;
	}
}

static void dispatch(struct ctrl_ctx *c, struct rte_mbuf *m)
{
	const struct ctl_meta *md = ctl_meta(m);

	if (md->reason != CTL_ARP && md->reason != CTL_ND &&
	    (rte_pktmbuf_mtod_offset(m, const uint8_t *, md->l3_off)[0] >> 4) == 6 &&
	    dispatch6(c, m, md))
		return;
	switch (md->reason) {
	case CTL_ND:
		ctrl_nd_input(c, m, md->l3_off);
		break;
	case CTL_ARP:
		ctrl_arp_input(c, m, md->l3_off);
		break;
	case CTL_ICMP_ECHO:
		ctrl_icmp_echo(c, m, md->l3_off);
		break;
	case CTL_NEED_NEIGH:
		ctrl_neigh_output(c, m, md->out_port, md->nh_addr);
		break;
	case CTL_TTL_EXCEEDED:
		ctrl_icmp_error(c, m, md->l3_off, ICMP_ERR_TTL_EXCEEDED, 0);
		ctrl_drop(c, m, GW_DROP_TTL_EXCEEDED);
		break;
	case CTL_NO_ROUTE:
		ctrl_icmp_error(c, m, md->l3_off, ICMP_ERR_NET_UNREACH, 0);
		ctrl_drop(c, m, GW_DROP_NO_ROUTE);
		break;
	case CTL_MTU_EXCEEDED:
		ctrl_too_big(c, m);
		break;
	case CTL_NATT_KEEPALIVE:
		ctrl_natt_keepalive(c, m, md->l3_off);
		break;
	case CTL_IKE:
	case CTL_IKE_NATT:
	default:
		/* recognised and counted by the worker; no IKE engine yet */
		ctrl_drop(c, m, GW_DROP_IKE_UNHANDLED);
		break;
	}
}

unsigned int ctrl_poll(struct ctrl_ctx *c)
{
	struct gw *gw = c->gw;
	struct rte_mbuf *mb[ESPGW_MAX_BURST];
	unsigned int w, i, n, total = 0;

	for (w = 0; w < gw->n_workers; w++) {
		n = rte_ring_sc_dequeue_burst(gw->workers[w]->to_ctl, (void **)mb,
					      ESPGW_MAX_BURST, NULL);
		cnt_add(&c->stats->rx, n);
		total += n;
		for (i = 0; i < n; i++)
			dispatch(c, mb[i]);
	}
	total += ipsec_poll(gw->ipsec);
	rte_timer_manage();
	for (i = 0; i < gw->n_ports; i++)
		tx_flush(c, gw->ports[i].port_id);
	return total;
}

int ctrl_main(void *arg)
{
	struct ctrl_ctx *c = arg;
	struct gw *gw = c->gw;
	/* Without worker lcores the main lcore also does the workers' job. */
	struct worker_ctx *w = gw->workers[0]->lcore == gw->ctrl_lcore ?
		gw->workers[0] : NULL;
	unsigned int busy;

	if (w != NULL)
		worker_online(w);
	while (gw_running(gw)) {
		busy = ctrl_poll(c);
		if (w != NULL)
			busy += worker_poll(w);
		/* Alone, the control lcore may nap: nothing it does is per-packet
		 * fast. Sharing the lcore with a worker, it naps only if asked. */
		if (busy == 0 && (w == NULL || gw->opt.idle_sleep_us != 0))
			usleep(w == NULL && gw->opt.idle_sleep_us == 0 ?
			       CTRL_IDLE_US : gw->opt.idle_sleep_us);
	}
	if (w != NULL) {
		worker_flush(w);
		worker_offline(w);
	}
	return 0;
}
