/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The gateway as a whole: what main builds from the configuration and hands
 * to every lcore. Shared parts are read-only once the lcores run; each lcore
 * writes only its own context and counters.
 */
#ifndef ESPGW_GW_H
#define ESPGW_GW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_timer.h>

#include "lib/conf/conf.h"
#include "lib/esp/esp.h"
#include "lib/pkt/pkt_classify.h"
#include "lib/route/neigh.h"
#include "lib/route/route.h"
#include "lib/route/route6.h"
#include "lib/util/util.h"

struct ipsec;
struct sad_cache;
struct rte_ring;
struct rte_rcu_qsbr;

/* Drops after classification, with the stage that decides them. Keep
 * gw_drop_names[]/gw_drop_help[] in step. */
enum gw_drop {
	GW_DROP_ESP_NO_SA,         /* worker: ESP with no inbound SA */
	GW_DROP_IKE_UNHANDLED,     /* control: IKE, no IKE engine in this build */
	GW_DROP_CTL_RING_FULL,     /* worker: control lcore backlog full */
	GW_DROP_TX_FULL,           /* TX queue did not take the packet */
	GW_DROP_NO_ROUTE,          /* no route (ICMP net unreachable sent) */
	GW_DROP_TTL_EXCEEDED,      /* TTL expired (ICMP time exceeded sent) */
	GW_DROP_MTU_DF,            /* too big with DF (ICMP frag needed sent) */
	GW_DROP_FRAG_FAILED,       /* too big without DF, fragmenting failed */
	GW_DROP_NEIGH_UNRESOLVED,  /* next hop never answered ARP */
	GW_DROP_NEIGH_HOLD_FULL,   /* too many packets waiting for one next hop */
	GW_DROP_NEIGH_TABLE_FULL,  /* no room for another neighbour */
	GW_DROP_ARP_IGNORED,       /* ARP neither for us nor about a known host */
	GW_DROP_NO_MBUF,           /* control lcore could not allocate a reply */
	GW_DROP_SA_EXPIRED,        /* the SA reached its hard lifetime */
	GW_DROP_SPD_DISCARD,       /* outbound policy says discard (or none matched) */
	GW_DROP_SPD_NO_SA,         /* protect policy whose SA is gone */
	GW_DROP_SPD_UNPROTECTED,   /* plain from outside where a policy wants ESP */
	GW_DROP_HANDOFF_FULL,      /* the SA's owner worker is backlogged */
	GW_DROP_ESP_TO_LOCAL,      /* decrypted packet addressed to the gateway */
	GW_DROP_KEEPALIVE_NO_SA,   /* NAT-T keepalive from no SA's binding */
	GW_DROP_ND_IGNORED,        /* NS/NA that failed RFC 4861 validation */
	GW_DROP_MAX
};

/* Things the control lcore does, counted for operators. */
enum gw_event {
	GW_EV_ARP_REPLY_SENT,
	GW_EV_ARP_REQUEST_SENT,
	GW_EV_ICMP_ECHO_REPLY,
	GW_EV_ICMP_ERROR_SENT,
	GW_EV_ICMP_RATE_LIMITED,
	GW_EV_HELD_RELEASED,       /* packets sent once their next hop answered */
	GW_EV_FRAGMENTS_SENT,
	GW_EV_NATT_KEEPALIVE,      /* a keepalive refreshed an SA's NAT binding */
	GW_EV_ND_SOLICIT_SENT,
	GW_EV_ND_ADVERT_SENT,
	GW_EV_MAX
};

/* One lcore's counters: written by that lcore only (cnt_add), read by the
 * telemetry thread. */
struct lcore_stats {
	uint64_t rx;               /* from the NIC (worker) or rings (control) */
	uint64_t tx;               /* handed to a NIC TX queue */
	uint64_t to_ctl;           /* worker: handed to the control lcore */
	uint64_t cls[PKT_CLASS_MAX];
	uint64_t cls_drop[PKT_DROP_MAX];
	uint64_t drop[GW_DROP_MAX];
	uint64_t ev[GW_EV_MAX];
	uint64_t esp_ok_in;        /* decrypted and passed every check */
	uint64_t esp_ok_out;       /* encrypted */
	uint64_t handoff;          /* passed to the SA's owner worker */
	uint64_t esp_drop[ESP_DROP_MAX];
} __rte_cache_aligned;

/* A configured interface bound to its ethdev. */
struct gw_port {
	uint16_t port_id;
	int iface;                 /* index into conf.ifaces */
	uint8_t mac[6];
	uint32_t addr;             /* 0 (and prefix_len 0): no IPv4 here */
	uint8_t prefix_len;
	bool has_v6;               /* an IPv6 address: addr6, and link-local ll6 */
	uint8_t prefix6_len;
	uint8_t addr6[16];
	uint8_t ll6[16];           /* fe80::/64 from the MAC (EUI-64) */
	uint16_t mtu;
	bool is_public;
	bool rss;
	bool rx_ip_cksum;          /* the NIC verifies IPv4 header checksums */
	bool ctrl_txq;             /* control lcore has its own TX queue here */
	int socket;
};

enum { GW_TXBUF = 2 * ESPGW_MAX_BURST };

/* Packets one lcore is about to send on one port. */
struct gw_txbuf {
	uint16_t n;
	struct rte_mbuf *pkts[GW_TXBUF];
};

struct gw;

struct worker_ctx {
	struct gw *gw;
	unsigned int id;           /* 0..n_workers-1: RX and TX queue number */
	unsigned int lcore;
	struct rte_ring *to_ctl;
	struct lcore_stats *stats;
	/* IPsec (ipsec.c sets these up) */
	struct ipsec *ipsec;
	const struct aead_engine *eng;
	void *eng_ctx;             /* this worker's engine context */
	struct sad_cache *sadc;    /* this worker's SPI cache */
	struct rte_ring *handoff;  /* packets of SAs this worker owns, from others */
	struct neigh_memo nmemo;   /* next hops this worker has looked up */
	struct gw_txbuf tx[ESPGW_MAX_PORTS];
} __rte_cache_aligned;

struct ctrl_ctx;

struct gw_options {
	const char *conf_path;
	bool check_only;
	unsigned int idle_sleep_us;   /* sleep after an empty poll round */
};

struct gw {
	struct conf *conf;
	struct gw_options opt;
	struct gw_port ports[CONF_IFACE_MAX];
	unsigned int n_ports;
	int8_t port_of_ethdev[ESPGW_MAX_PORTS]; /* ethdev id -> ports[] index, -1 */
	struct pkt_classify_ctx cls;
	struct route_table *rt;
	struct route6_table *rt6;
	struct neigh_table *neigh;
	struct rte_rcu_qsbr *qsv;
	struct rte_mempool *pool[RTE_MAX_NUMA_NODES];
	struct rte_mempool *indirect_pool;      /* fragmentation */
	unsigned int n_workers;
	unsigned int ctrl_lcore;
	struct worker_ctx *workers[RTE_MAX_LCORE];
	struct ctrl_ctx *ctrl;
	struct ipsec *ipsec;
	/* control -> worker 0, for ports without a control TX queue */
	struct rte_ring *ctrl_tx_ring;
	struct lcore_stats stats[RTE_MAX_LCORE];   /* workers, by lcore id */
	struct lcore_stats ctrl_stats;            /* the control lcore's */
	uint64_t start_tsc;
	uint32_t running;          /* cleared by SIGINT/SIGTERM */
};

static inline bool gw_running(const struct gw *gw)
{
	return __atomic_load_n(&gw->running, __ATOMIC_RELAXED) != 0;
}

static inline uint64_t gw_now_ms(void)
{
	return rte_get_timer_cycles() * 1000 / rte_get_timer_hz();
}

/* Send what b holds on (port, queue); what the queue refuses is a counted
 * drop. Used by workers and the control lcore alike, each on its own queue. */
static inline void gw_txbuf_flush(struct gw_txbuf *b, uint16_t port, uint16_t queue,
				  struct lcore_stats *st)
{
	uint16_t sent;

	if (b->n == 0)
		return;
	sent = rte_eth_tx_burst(port, queue, b->pkts, b->n);
	cnt_add(&st->tx, sent);
	if (unlikely(sent < b->n)) {
		cnt_add(&st->drop[GW_DROP_TX_FULL], b->n - sent);
		rte_pktmbuf_free_bulk(&b->pkts[sent], b->n - sent);
	}
	b->n = 0;
}

/* gw.c: build and tear down */
int gw_build(struct gw *gw, struct conf *conf);
void gw_teardown(struct gw *gw);
const struct gw_port *gw_port_by_ethdev(const struct gw *gw, uint16_t port_id);

/* ipsec.c: see ipsec.h */

/* worker.c */
int worker_main(void *arg);
unsigned int worker_poll(struct worker_ctx *w);
void worker_flush(struct worker_ctx *w);
void worker_online(struct worker_ctx *w);
void worker_offline(struct worker_ctx *w);

/* ctrl.c */
struct ctrl_ctx *ctrl_create(struct gw *gw);
void ctrl_free(struct ctrl_ctx *c);
unsigned int ctrl_poll(struct ctrl_ctx *c);
int ctrl_main(void *arg);

/* stats.c */
extern const char *const gw_drop_names[GW_DROP_MAX];
extern const char *const gw_drop_help[GW_DROP_MAX];
extern const char *const gw_event_names[GW_EV_MAX];
void stats_sum(const struct gw *gw, struct lcore_stats *total);
void stats_print(const struct gw *gw, FILE *f);

/* telemetry.c */
int telemetry_register(struct gw *gw);

#endif /* ESPGW_GW_H */
