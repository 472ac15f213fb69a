/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the worker's stages share: the per-burst sort of packets by where
 * they go next, and the small inlines that queue, hand over and drop.
 * worker.c: RX, classify, forward, TX; worker_esp.c: the ESP stages.
 */
#ifndef ESPGW_WORKER_PRIV_H
#define ESPGW_WORKER_PRIV_H

#include <rte_mbuf.h>

#include "gw.h"
#include "lib/ctl/ctl.h"

/* Packets of one burst sorted by where they go next. Every packet is in
 * exactly one list, so none can overflow. */
struct burst_sort {
	/* to route: plain transit, decrypted inner packets, our ESP output */
	struct rte_mbuf *fwd[ESPGW_MAX_BURST];
	uint16_t fwd_l3[ESPGW_MAX_BURST];
	uint8_t fwd_own[ESPGW_MAX_BURST]; /* we built the IP header: keep TTL */
	uint16_t n_fwd;
	/* ESP to decrypt: offset of the ESP header */
	struct rte_mbuf *esp[ESPGW_MAX_BURST];
	uint16_t esp_off[ESPGW_MAX_BURST];
	uint16_t n_esp;
	/* plain packets from the protected side, for the SPD */
	struct rte_mbuf *out[ESPGW_MAX_BURST];
	uint16_t out_l3[ESPGW_MAX_BURST];
	uint16_t n_out;
	struct rte_mbuf *ctl[ESPGW_MAX_BURST];
	uint16_t n_ctl;
	struct rte_mbuf *drop[ESPGW_MAX_BURST];
	uint16_t n_drop;
};

static inline void tx_flush_port(struct worker_ctx *w, uint16_t port)
{
	gw_txbuf_flush(&w->tx[port], port, (uint16_t)w->id, w->stats);
}

static inline void tx_enqueue(struct worker_ctx *w, uint16_t port, struct rte_mbuf *m)
{
	struct gw_txbuf *b = &w->tx[port];

	b->pkts[b->n++] = m;
	if (unlikely(b->n == GW_TXBUF))
		tx_flush_port(w, port);
}

static inline void to_ctl(struct burst_sort *s, struct rte_mbuf *m,
			  enum ctl_reason why, uint16_t l3_off)
{
	struct ctl_meta *md = ctl_meta(m);

	md->reason = (uint8_t)why;
	md->l3_off = l3_off;
	s->ctl[s->n_ctl++] = m;
}

static inline void to_fwd(struct burst_sort *s, struct rte_mbuf *m,
			  uint16_t l3_off, uint8_t own)
{
	s->fwd_l3[s->n_fwd] = l3_off;
	s->fwd_own[s->n_fwd] = own;
	s->fwd[s->n_fwd++] = m;
}

static inline void drop(struct worker_ctx *w, struct burst_sort *s,
			struct rte_mbuf *m, enum gw_drop why)
{
	cnt_add(&w->stats->drop[why], 1);
	s->drop[s->n_drop++] = m;
}

void worker_esp_inbound(struct worker_ctx *w, struct burst_sort *s,
			struct rte_mbuf *mb[], const uint16_t esp_off[], uint16_t n);
void worker_esp_outbound(struct worker_ctx *w, struct burst_sort *s,
			 struct rte_mbuf *mb[], const uint16_t l3_off[], uint16_t n);
/* plain packets from a public interface, against the mirrored policies */
void worker_esp_plain_inbound(struct worker_ctx *w, struct burst_sort *s,
			      struct rte_mbuf *mb[], const uint16_t l3_off[], uint16_t n);
void worker_esp_handoff_poll(struct worker_ctx *w, struct burst_sort *s);
/* the gateway's own packets (IPv4 at 14): protect per the SPD, or route */
void worker_esp_local_out(struct worker_ctx *w, struct burst_sort *s,
			  struct rte_mbuf *mb[], uint16_t n);
/* worker.c: one tunnel-mode ESP output burst, all to one outer destination */
void worker_forward_same_dst(struct worker_ctx *w, struct burst_sort *s,
			     struct rte_mbuf *g[], uint16_t n);
/* worker.c: route what s->fwd holds, then hand s->ctl over and free
 * s->drop; s is empty afterwards */
void worker_burst_finish(struct worker_ctx *w, struct burst_sort *s);

#endif /* ESPGW_WORKER_PRIV_H */
