/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Worker lcore poll loop: RX burst -> classify -> ESP in/out (worker_esp.c)
 * -> forward or hand to the control lcore -> TX burst. No locks, no allocation, no logging here; every
 * packet that does not leave is counted under a reason and freed in bulk.
 */
#include <unistd.h>

#include <rte_branch_prediction.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "gw.h"
#include "ipsec.h"
#include "lib/ctl/ctl.h"
#include "lib/pkt/pkt_ipv4.h"
#include "lib/route/neigh.h"
#include "worker_priv.h"

static void sort_burst(struct worker_ctx *w, struct rte_mbuf *mb[], uint16_t n,
		       const struct pkt_info info[], struct burst_sort *s)
{
	const struct gw *gw = w->gw;
	/* with policies, plain packets go through the SPD (RFC 4301 §5.1)
	 * or its mirror image (§5.2), by the side they came from */
	const bool has_spd = gw->ipsec->spd != NULL;
	uint16_t i;

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = mb[i];

		cnt_add(&w->stats->cls[info[i].cls], 1);
		switch (info[i].cls) {
		case PKT_CLASS_PLAIN:
			if (has_spd) {
				/* out[]: to the SPD of the side it came from */
				s->out_l3[s->n_out] = info[i].l3_off;
				s->out[s->n_out++] = m;
			} else {
				to_fwd(s, m, info[i].l3_off, 0);
			}
			break;
		case PKT_CLASS_ARP:
			to_ctl(s, m, CTL_ARP, info[i].l3_off);
			break;
		case PKT_CLASS_ICMP_ECHO:
			to_ctl(s, m, CTL_ICMP_ECHO, info[i].l3_off);
			break;
		case PKT_CLASS_ND:
			to_ctl(s, m, CTL_ND, info[i].l3_off);
			break;
		case PKT_CLASS_IKE:
			to_ctl(s, m, CTL_IKE, info[i].l3_off);
			break;
		case PKT_CLASS_IKE_NATT:
			to_ctl(s, m, CTL_IKE_NATT, info[i].l3_off);
			break;
		case PKT_CLASS_NATT_KEEPALIVE:
			/* rare (one per peer every ~20 s): the control lcore
			 * finds the SAs bound to its address and port */
			to_ctl(s, m, CTL_NATT_KEEPALIVE, info[i].l3_off);
			break;
		case PKT_CLASS_ESP:
			s->esp_off[s->n_esp] = info[i].l4_off;
			s->esp[s->n_esp++] = m;
			break;
		case PKT_CLASS_ESP_UDP:
			s->esp_off[s->n_esp] = info[i].payload_off;
			s->esp[s->n_esp++] = m;
			break;
		default:
			cnt_add(&w->stats->cls_drop[info[i].drop], 1);
			s->drop[s->n_drop++] = m;
			break;
		}
	}
}

/*
 * Route, check TTL and MTU, resolve the next hop's MAC, rewrite L2, queue.
 * Two passes: FIB lookups for the whole burst, then neighbour lookups for
 * what survived, so both tables are probed in bulk.
 */
/* Ethernet addresses of the resolved next hops, then TX; a next hop with
 * no MAC yet sends its packet to the control lcore to resolve. */
static void l2_send(struct worker_ctx *w, struct burst_sort *s, struct rte_mbuf *go[],
		    const uint16_t ports[], const uint64_t macw[], uint16_t n, rte_be16_t type)
{
	const struct gw *gw = w->gw;
	uint16_t i;

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = go[i];
		struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);

		if (unlikely(macw[i] == 0)) {
			to_ctl(s, m, CTL_NEED_NEIGH, (uint16_t)m->l2_len);
			continue;
		}
		neigh_mac_from_word(macw[i], eth->dst_addr.addr_bytes);
		memcpy(eth->src_addr.addr_bytes, gw->ports[gw->port_of_ethdev[ports[i]]].mac, 6);
		eth->ether_type = type;
		tx_enqueue(w, ports[i], m);
	}
}

/*
 * IPv6 forwarding (RFC 8200): the same two passes over the IPv6 FIB and
 * the IPv6 neighbours. Hop limit instead of TTL, no header checksum, and
 * never fragmented on the way: too big is an ICMPv6 Packet Too Big.
 */
static void forward6(struct worker_ctx *w, struct burst_sort *s, struct rte_mbuf *mb[],
		     const uint16_t l3[], const uint8_t own[], uint16_t n)
{
	const struct gw *gw = w->gw;
	uint8_t dst[ESPGW_MAX_BURST][16];
	uint64_t nh[ESPGW_MAX_BURST];
	struct neigh_key6 keys[ESPGW_MAX_BURST];
	const struct neigh_key6 *kp[ESPGW_MAX_BURST];
	uint64_t macw[ESPGW_MAX_BURST];
	struct rte_mbuf *go[ESPGW_MAX_BURST];
	uint16_t ports[ESPGW_MAX_BURST];
	uint16_t i, n_go = 0;

	for (i = 0; i < n; i++) {
		const struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod_offset(
			mb[i], const struct rte_ipv6_hdr *, l3[i]);
		memcpy(dst[i], ip->dst_addr, 16);
	}
	route6_lookup_bulk(gw->rt6, (const uint8_t (*)[16])dst, nh, n);
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = mb[i];
		struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, l3[i]);
		const struct route6_nh *h = &gw->rt6->nh[nh[i]];
		const struct gw_port *out;
		struct ctl_meta *md;

		if (unlikely(nh[i] == ROUTE6_NH_NONE)) {
			to_ctl(s, m, CTL_NO_ROUTE, l3[i]);
			continue;
		}
		if (unlikely(ip->hop_limits <= 1 && !own[i])) {
			to_ctl(s, m, CTL_TTL_EXCEEDED, l3[i]);
			continue;
		}
		out = &gw->ports[gw->port_of_ethdev[h->port]];
		md = ctl_meta(m);
		md->out_port = h->port;
		memcpy(md->nh6, h->has_gw ? h->gw : dst[i], 16);
		if (unlikely(rte_be_to_cpu_16(ip->payload_len) + 40u > out->mtu)) {
			md->mtu = out->mtu;
			to_ctl(s, m, CTL_MTU_EXCEEDED, l3[i]);
			continue;
		}
		if (!own[i])
			ip->hop_limits--;
		memset(&keys[n_go], 0, sizeof(keys[n_go]));
		memcpy(keys[n_go].addr, md->nh6, 16);
		keys[n_go].port = h->port;
		ports[n_go] = h->port;
		kp[n_go] = &keys[n_go];
		go[n_go++] = m;
	}
	neigh_lookup_bulk6_memo(gw->neigh, &w->nmemo, kp, n_go, macw);
	l2_send(w, s, go, ports, macw, n_go, RTE_BE16(RTE_ETHER_TYPE_IPV6));
}

/* Move the IPv6 packets of s->fwd to their own pass; IPv4 stays in order. */
static void forward_split6(struct worker_ctx *w, struct burst_sort *s)
{
	struct rte_mbuf *m6[ESPGW_MAX_BURST];
	uint16_t l6[ESPGW_MAX_BURST];
	uint8_t o6[ESPGW_MAX_BURST];
	uint16_t i, n4 = 0, n6 = 0;

	for (i = 0; i < s->n_fwd; i++) {
		const uint8_t v = rte_pktmbuf_mtod_offset(s->fwd[i], const uint8_t *,
							   s->fwd_l3[i])[0] >> 4;

		if (v == 6) {
			m6[n6] = s->fwd[i];
			l6[n6] = s->fwd_l3[i];
			o6[n6++] = s->fwd_own[i];
			continue;
		}
		s->fwd[n4] = s->fwd[i];
		s->fwd_l3[n4] = s->fwd_l3[i];
		s->fwd_own[n4++] = s->fwd_own[i];
	}
	s->n_fwd = n4;
	if (n6 > 0)
		forward6(w, s, m6, l6, o6, n6);
}

static void forward_burst(struct worker_ctx *w, struct burst_sort *s)
{
	const struct gw *gw = w->gw;
	uint32_t dst[ESPGW_MAX_BURST];
	uint64_t nh[ESPGW_MAX_BURST];
	struct neigh_key keys[ESPGW_MAX_BURST];
	const struct neigh_key *kp[ESPGW_MAX_BURST];
	uint64_t macw[ESPGW_MAX_BURST];
	struct rte_mbuf *go[ESPGW_MAX_BURST];
	uint16_t ports[ESPGW_MAX_BURST];
	uint16_t i, n_go = 0;

	forward_split6(w, s);
	for (i = 0; i < s->n_fwd; i++) {
		const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(
			s->fwd[i], const struct rte_ipv4_hdr *, s->fwd_l3[i]);
		dst[i] = rte_be_to_cpu_32(ip->dst_addr);
	}
	route_lookup_bulk(gw->rt, dst, nh, s->n_fwd);

	for (i = 0; i < s->n_fwd; i++) {
		struct rte_mbuf *m = s->fwd[i];
		struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(
			m, struct rte_ipv4_hdr *, s->fwd_l3[i]);
		const struct route_nh *h = &gw->rt->nh[nh[i]];
		const struct gw_port *out;
		struct ctl_meta *md;

		if (unlikely(nh[i] == ROUTE_NH_NONE)) {
			to_ctl(s, m, CTL_NO_ROUTE, s->fwd_l3[i]);
			continue;
		}
		if (unlikely(ip->time_to_live <= 1 && !s->fwd_own[i])) {
			to_ctl(s, m, CTL_TTL_EXCEEDED, s->fwd_l3[i]);
			continue;
		}
		out = &gw->ports[gw->port_of_ethdev[h->port]];
		md = ctl_meta(m);
		md->out_port = h->port;
		md->nh_addr = h->gw != 0 ? h->gw : dst[i];
		if (unlikely(rte_be_to_cpu_16(ip->total_length) > out->mtu)) {
			/* as received: an ICMP error quotes it unchanged */
			md->mtu = out->mtu;
			to_ctl(s, m, CTL_MTU_EXCEEDED, s->fwd_l3[i]);
			continue;
		}
		if (!s->fwd_own[i])
			pkt_ipv4_ttl_decrement(ip);
		keys[n_go] = (struct neigh_key){ .addr = md->nh_addr, .port = h->port };
		ports[n_go] = h->port;
		kp[n_go] = &keys[n_go];
		go[n_go++] = m;
	}
	neigh_lookup_bulk_memo(gw->neigh, &w->nmemo, kp, n_go, macw);
	l2_send(w, s, go, ports, macw, n_go, RTE_BE16(RTE_ETHER_TYPE_IPV4));
}

/*
 * The next hop of one outer destination at offset 14 of m (IPv4 or IPv6):
 * its port and MAC word, or false when it has no route or no resolved
 * neighbour yet (the general path sends such packets to the control lcore).
 */
static bool next_hop_of(struct worker_ctx *w, const struct rte_mbuf *m,
			uint16_t *port, uint64_t *macw)
{
	const struct gw *gw = w->gw;
	const uint8_t *ip = rte_pktmbuf_mtod_offset(m, const uint8_t *, ESP_L2_LEN);
	uint64_t nh;

	if ((ip[0] >> 4) == 6) {
		const struct route6_nh *h;
		struct neigh_key6 key = { .zero = 0 };
		const struct neigh_key6 *kp = &key;
		uint8_t dst[16];

		memcpy(dst, ip + 24, 16);
		route6_lookup_bulk(gw->rt6, (const uint8_t (*)[16])dst, &nh, 1);
		if (nh == ROUTE6_NH_NONE)
			return false;
		h = &gw->rt6->nh[nh];
		memcpy(key.addr, h->has_gw ? h->gw : dst, 16);
		key.port = h->port;
		neigh_lookup_bulk6_memo(gw->neigh, &w->nmemo, &kp, 1, macw);
		*port = h->port;
	} else {
		const struct route_nh *h;
		struct neigh_key key = { .zero = 0 };
		const struct neigh_key *kp = &key;
		rte_be32_t be;
		uint32_t dst;

		memcpy(&be, ip + 16, sizeof(be));
		dst = rte_be_to_cpu_32(be);
		route_lookup_bulk(gw->rt, &dst, &nh, 1);
		if (nh == ROUTE_NH_NONE)
			return false;
		h = &gw->rt->nh[nh];
		key.addr = h->gw != 0 ? h->gw : dst;
		key.port = h->port;
		neigh_lookup_bulk_memo(gw->neigh, &w->nmemo, &kp, 1, macw);
		*port = h->port;
	}
	return *macw != 0;
}

/*
 * What one tunnel-mode ESP call produced: packets to one outer destination
 * (esp.h), so one route and one neighbour lookup serve them all, and their
 * headers, which the cipher has just written around, are not read again.
 * A next hop not resolved yet, or a packet above the port's MTU, sends the
 * whole group the general way (control lcore, fragmentation), in order.
 */
void worker_forward_same_dst(struct worker_ctx *w, struct burst_sort *s,
			     struct rte_mbuf *g[], uint16_t n)
{
	const struct gw *gw = w->gw;
	const struct gw_port *out = NULL;
	uint64_t macw = 0;
	uint16_t i, port = 0;
	rte_be16_t type;

	if (n == 0)
		return;
	if (next_hop_of(w, g[0], &port, &macw)) {
		out = &gw->ports[gw->port_of_ethdev[port]];
		for (i = 0; i < n; i++)
			if (unlikely(rte_pktmbuf_pkt_len(g[i]) - ESP_L2_LEN > out->mtu))
				out = NULL;
	}
	if (out == NULL) {
		for (i = 0; i < n; i++)
			to_fwd(s, g[i], ESP_L2_LEN, 1);
		return;
	}
	type = rte_pktmbuf_mtod(g[0], const struct rte_ether_hdr *)->ether_type;
	for (i = 0; i < n; i++) {
		struct rte_ether_hdr *eth = rte_pktmbuf_mtod(g[i], struct rte_ether_hdr *);

		neigh_mac_from_word(macw, eth->dst_addr.addr_bytes);
		memcpy(eth->src_addr.addr_bytes, out->mac, 6);
		eth->ether_type = type;
		tx_enqueue(w, port, g[i]);
	}
}

void worker_burst_finish(struct worker_ctx *w, struct burst_sort *s)
{
	unsigned int q;

	if (s->n_fwd > 0)
		forward_burst(w, s);
	if (s->n_ctl > 0) {
		q = rte_ring_sp_enqueue_burst(w->to_ctl, (void **)s->ctl, s->n_ctl, NULL);
		cnt_add(&w->stats->to_ctl, q);
		if (unlikely(q < s->n_ctl)) {
			cnt_add(&w->stats->drop[GW_DROP_CTL_RING_FULL], s->n_ctl - q);
			rte_pktmbuf_free_bulk(&s->ctl[q], s->n_ctl - q);
		}
	}
	if (s->n_drop > 0)
		rte_pktmbuf_free_bulk(s->drop, s->n_drop);
	s->n_fwd = s->n_esp = s->n_out = s->n_ctl = s->n_drop = 0;
}

static void process_burst(struct worker_ctx *w, struct rte_mbuf *mb[], uint16_t n)
{
	struct pkt_info info[ESPGW_MAX_BURST];
	struct burst_sort s;

	s.n_fwd = s.n_esp = s.n_out = s.n_ctl = s.n_drop = 0;
	pkt_classify_burst(&w->gw->cls, mb, n, info);
	sort_burst(w, mb, n, info, &s);
	if (s.n_esp > 0)
		worker_esp_inbound(w, &s, s.esp, s.esp_off, s.n_esp);
	if (s.n_out > 0) {
		if (w->gw->ports[w->gw->port_of_ethdev[mb[0]->port]].is_public)
			worker_esp_plain_inbound(w, &s, s.out, s.out_l3, s.n_out);
		else
			worker_esp_outbound(w, &s, s.out, s.out_l3, s.n_out);
	}
	worker_burst_finish(w, &s);
}

/* Worker 0 sends what the control lcore originates on ports that have no
 * control TX queue (m->port says where). */
static void send_for_ctrl(struct worker_ctx *w)
{
	struct rte_mbuf *mb[ESPGW_MAX_BURST];
	unsigned int i, n;

	struct rte_mbuf *local[ESPGW_MAX_BURST];
	unsigned int n_local = 0;

	n = rte_ring_sc_dequeue_burst(w->gw->ctrl_tx_ring, (void **)mb,
				      ESPGW_MAX_BURST, NULL);
	for (i = 0; i < n; i++) {
		if (unlikely(ctl_meta(mb[i])->reason == CTL_LOCAL_OUT))
			local[n_local++] = mb[i];
		else
			tx_enqueue(w, mb[i]->port, mb[i]);
	}
	if (n_local > 0) {
		struct burst_sort s;

		s.n_fwd = s.n_esp = s.n_out = s.n_ctl = s.n_drop = 0;
		worker_esp_local_out(w, &s, local, (uint16_t)n_local);
		worker_burst_finish(w, &s);
	}
}

/* One round over every port; returns the number of packets received. */
unsigned int worker_poll(struct worker_ctx *w)
{
	const struct gw *gw = w->gw;
	struct rte_mbuf *mb[ESPGW_MAX_BURST];
	unsigned int i, total = 0;
	uint16_t n;

	for (i = 0; i < gw->n_ports; i++) {
		n = rte_eth_rx_burst(gw->ports[i].port_id, (uint16_t)w->id, mb,
				     ESPGW_MAX_BURST);
		if (n == 0)
			continue;
		cnt_add(&w->stats->rx, n);
		total += n;
		process_burst(w, mb, n);
	}
	if (w->id == 0)
		send_for_ctrl(w);
	if (unlikely(!rte_ring_empty(w->handoff))) {
		struct burst_sort s;

		s.n_fwd = s.n_esp = s.n_out = s.n_ctl = s.n_drop = 0;
		worker_esp_handoff_poll(w, &s);
	}
	worker_flush(w);
	/* nothing of the shared tables is held across rounds */
	rte_rcu_qsbr_quiescent(gw->qsv, w->id);
	return total;
}

void worker_flush(struct worker_ctx *w)
{
	unsigned int i;

	for (i = 0; i < w->gw->n_ports; i++)
		tx_flush_port(w, w->gw->ports[i].port_id);
}

void worker_online(struct worker_ctx *w)
{
	rte_rcu_qsbr_thread_register(w->gw->qsv, w->id);
	rte_rcu_qsbr_thread_online(w->gw->qsv, w->id);
}

void worker_offline(struct worker_ctx *w)
{
	rte_rcu_qsbr_thread_offline(w->gw->qsv, w->id);
	rte_rcu_qsbr_thread_unregister(w->gw->qsv, w->id);
}

int worker_main(void *arg)
{
	struct worker_ctx *w = arg;
	unsigned int idle_us = w->gw->opt.idle_sleep_us;

	worker_online(w);
	while (gw_running(w->gw)) {
		if (worker_poll(w) == 0 && idle_us != 0) {
			/* for shared/virtual machines: give the core back */
			rte_rcu_qsbr_thread_offline(w->gw->qsv, w->id);
			usleep(idle_us);
			rte_rcu_qsbr_thread_online(w->gw->qsv, w->id);
		}
	}
	worker_flush(w);
	worker_offline(w);
	return 0;
}
