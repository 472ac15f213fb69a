/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control lcore as a router host: ARP (RFC 826), next-hop resolution
 * with held packets, ICMP echo and errors (RFC 792, RFC 1812 §4.3) under a
 * rate limit, and fragmentation of datagrams too big for the egress MTU.
 */
#include <rte_arp.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_ip_frag.h>

#include <rte_ring.h>

#include "ctrl_priv.h"
#include "ipsec.h"
#include "lib/ctl/ctl.h"
#include "lib/pkt/pkt_ipv4.h"
#include "lib/route/arp.h"
#include "lib/route/icmp.h"
#include "lib/route/neigh.h"

enum { FRAG_MAX = RTE_LIBRTE_IP_FRAG_MAX_FRAG };

static const struct gw_port *port_of(const struct ctrl_ctx *c, uint16_t port_id)
{
	return gw_port_by_ethdev(c->gw, port_id);
}

/* L2 header for a resolved next hop; the IPv4 or IPv6 packet starts at
 * byte 14. */
void ctrl_send_to_neigh(struct ctrl_ctx *c, struct rte_mbuf *m, uint16_t port,
			uint64_t mac_word)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	const uint8_t version = rte_pktmbuf_mtod_offset(m, const uint8_t *,
							 RTE_ETHER_HDR_LEN)[0] >> 4;

	neigh_mac_from_word(mac_word, eth->dst_addr.addr_bytes);
	memcpy(eth->src_addr.addr_bytes, port_of(c, port)->mac, 6);
	eth->ether_type = rte_cpu_to_be_16(version == 6 ? RTE_ETHER_TYPE_IPV6 :
					   RTE_ETHER_TYPE_IPV4);
	ctrl_tx(c, port, m);
}

bool ctrl_neigh_verdict(struct ctrl_ctx *c, struct rte_mbuf *m, uint16_t port,
			enum neigh_verdict v, uint64_t mac_word)
{
	switch (v) {
	case NEIGH_SEND:
		ctrl_send_to_neigh(c, m, port, mac_word);
		return false;
	case NEIGH_HELD_NEW:
		return true;
	case NEIGH_HELD:
		return false;
	case NEIGH_DROP_HOLD_FULL:
		ctrl_drop(c, m, GW_DROP_NEIGH_HOLD_FULL);
		return false;
	case NEIGH_DROP_TABLE_FULL:
	default:
		ctrl_drop(c, m, GW_DROP_NEIGH_TABLE_FULL);
		return false;
	}
}

void ctrl_neigh_output(struct ctrl_ctx *c, struct rte_mbuf *m, uint16_t port,
		       uint32_t nh_addr)
{
	uint64_t mac_word = 0;
	enum neigh_verdict v = neigh_resolve(c->gw->neigh, nh_addr, port, m, gw_now_ms(),
					     &mac_word);

	if (ctrl_neigh_verdict(c, m, port, v, mac_word))
		ctrl_arp_solicit(c, nh_addr, port, NULL);
}

/* A packet the gateway originates: IPv4 at byte 14, L2 still to fill. */
/* IPv6 link-local: stays on its link, no policy could tunnel it */
static bool link_local6(const struct rte_mbuf *m)
{
	const uint8_t *ip = rte_pktmbuf_mtod_offset(m, const uint8_t *, RTE_ETHER_HDR_LEN);

	return (ip[0] >> 4) == 6 && ip[24] == 0xfe && (ip[25] & 0xc0) == 0x80;
}

void ctrl_ip_output(struct ctrl_ctx *c, struct rte_mbuf *m)
{
	if (c->gw->ipsec->spd != NULL && !link_local6(m)) {
		/* what we originate obeys the policies too (RFC 4301 §5.1):
		 * an echo reply into a tunnel is encrypted. Worker 0 owns the
		 * SPD path; it routes the packet itself. */
		ctl_meta(m)->reason = CTL_LOCAL_OUT;
		if (rte_ring_sp_enqueue(c->gw->ctrl_tx_ring, m) != 0)
			ctrl_drop(c, m, GW_DROP_TX_FULL);
		return;
	}
	ctrl_route_output(c, m);
}

void ctrl_route_output(struct ctrl_ctx *c, struct rte_mbuf *m)
{
	if ((rte_pktmbuf_mtod_offset(m, const uint8_t *, RTE_ETHER_HDR_LEN)[0] >> 4) == 6) {
		ctrl_route_output6(c, m);
		return;
	}
	ctrl_route_output4(c, m);
}

void ctrl_route_output4(struct ctrl_ctx *c, struct rte_mbuf *m)
{
	const struct rte_ipv4_hdr *ip =
		rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, RTE_ETHER_HDR_LEN);
	uint32_t dst = rte_be_to_cpu_32(ip->dst_addr);
	uint16_t nh = route_lookup(c->gw->rt, dst);
	const struct route_nh *h = &c->gw->rt->nh[nh];

	if (nh == ROUTE_NH_NONE) {
		ctrl_drop(c, m, GW_DROP_NO_ROUTE);
		return;
	}
	ctrl_neigh_output(c, m, h->port, h->gw != 0 ? h->gw : dst);
}

void ctrl_natt_keepalive(struct ctrl_ctx *c, struct rte_mbuf *m, uint16_t l3_off)
{
	const struct rte_ipv4_hdr *ip =
		rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, l3_off);
	const struct rte_udp_hdr *udp;
	unsigned int n;

	/* classify checked the IP and UDP headers (IPv6: none in between) */
	if ((ip->version_ihl >> 4) == 6) {
		const struct rte_ipv6_hdr *ip6 = (const struct rte_ipv6_hdr *)ip;

		udp = (const struct rte_udp_hdr *)(ip6 + 1);
		n = ipsec_keepalive6(c->gw->ipsec, ip6->src_addr,
				     rte_be_to_cpu_16(udp->src_port));
	} else {
		udp = (const struct rte_udp_hdr *)
			((const uint8_t *)ip + (ip->version_ihl & 0xf) * 4);
		n = ipsec_keepalive(c->gw->ipsec, rte_be_to_cpu_32(ip->src_addr),
				    rte_be_to_cpu_16(udp->src_port));
	}
	if (n == 0) {
		ctrl_drop(c, m, GW_DROP_KEEPALIVE_NO_SA);
		return;
	}
	cnt_add(&c->stats->ev[GW_EV_NATT_KEEPALIVE], 1);
	rte_pktmbuf_free(m);
}

void ctrl_neigh_drop(void *arg, struct rte_mbuf *m)
{
	ctrl_drop(arg, m, GW_DROP_NEIGH_UNRESOLVED);
}

void ctrl_arp_solicit(void *arg, uint32_t addr, uint16_t port, const uint8_t *mac)
{
	struct ctrl_ctx *c = arg;
	const struct gw_port *p = port_of(c, port);
	struct rte_mbuf *m = rte_pktmbuf_alloc(c->pool);

	if (m == NULL) {
		cnt_add(&c->stats->drop[GW_DROP_NO_MBUF], 1);
		return;
	}
	if (arp_build_request(m, p->mac, p->addr, addr, mac) < 0) {
		ctrl_drop(c, m, GW_DROP_NO_MBUF);
		return;
	}
	cnt_add(&c->stats->ev[GW_EV_ARP_REQUEST_SENT], 1);
	ctrl_tx(c, port, m);
}

static bool on_link(const struct gw_port *p, uint32_t addr)
{
	uint32_t mask = p->prefix_len == 0 ? 0 : UINT32_MAX << (32 - p->prefix_len);

	return (addr & mask) == (p->addr & mask);
}

void ctrl_arp_input(struct ctrl_ctx *c, struct rte_mbuf *m, uint16_t l3_off)
{
	const struct gw_port *p = port_of(c, m->port);
	struct rte_mbuf *flush[64];
	struct arp_msg a;
	unsigned int i, n;
	bool for_us, learnt = false;

	if (p == NULL || arp_parse(m, l3_off, &a) < 0) {
		ctrl_drop(c, m, GW_DROP_ARP_IGNORED);
		return;
	}
	for_us = a.tpa == p->addr;
	/* Learn only senders on this link, never our own address (RFC 826:
	 * create an entry only when the request is for us). */
	if (a.spa != 0 && a.spa != p->addr && on_link(p, a.spa) &&
	    !rte_is_multicast_ether_addr((const struct rte_ether_addr *)a.sha)) {
		const struct neigh_key k = { .addr = a.spa, .port = m->port };

		/* used only if it creates (for us) or updates a known entry;
		 * else it is ignored, and counted so below */
		learnt = for_us || rte_hash_lookup(c->gw->neigh->hash, &k) >= 0;
		n = neigh_confirm(c->gw->neigh, a.spa, m->port, a.sha, gw_now_ms(),
				  for_us, flush, RTE_DIM(flush));
		for (i = 0; i < n; i++)
			ctrl_send_to_neigh(c, flush[i], m->port, neigh_word_from_mac(a.sha));
		cnt_add(&c->stats->ev[GW_EV_HELD_RELEASED], n);
	}
	if (a.op == RTE_ARP_OP_REQUEST && for_us) {
		arp_reply_in_place(m, l3_off, p->mac, p->addr);
		cnt_add(&c->stats->ev[GW_EV_ARP_REPLY_SENT], 1);
		ctrl_tx(c, m->port, m);
		return;
	}
	if (learnt) {
		rte_pktmbuf_free(m);
		return;
	}
	ctrl_drop(c, m, GW_DROP_ARP_IGNORED);
}

void ctrl_icmp_echo(struct ctrl_ctx *c, struct rte_mbuf *m, uint16_t l3_off)
{
	/* replies leave through the routing table like anything we send */
	icmp_echo_reply_in_place(m, l3_off);
	cnt_add(&c->stats->ev[GW_EV_ICMP_ECHO_REPLY], 1);
	ctrl_ip_output(c, m);
}

bool ctrl_icmp_rate_ok(struct ctrl_ctx *c)
{
	uint64_t now = gw_now_ms();
	uint64_t rate = c->gw->conf->icmp_rate;

	/* token bucket in thousandths of a token: rate per second, a burst
	 * of at most one second's worth */
	c->icmp_mtokens += (now - c->icmp_refill_ms) * rate;
	c->icmp_refill_ms = now;
	if (c->icmp_mtokens > rate * 1000)
		c->icmp_mtokens = rate * 1000;
	if (c->icmp_mtokens < 1000)
		return false;
	c->icmp_mtokens -= 1000;
	return true;
}

/* Send an ICMP error about m (not consumed) from the ingress address. */
void ctrl_icmp_error(struct ctrl_ctx *c, struct rte_mbuf *m, uint16_t l3_off,
		     int err, uint16_t mtu)
{
	const struct gw_port *in = port_of(c, m->port);
	struct rte_mbuf *e;

	if (in == NULL || !icmp_error_allowed(m, l3_off))
		return;
	if (!ctrl_icmp_rate_ok(c)) {
		cnt_add(&c->stats->ev[GW_EV_ICMP_RATE_LIMITED], 1);
		return;
	}
	e = icmp_error_build(c->pool, m, l3_off, (enum icmp_error)err, in->addr, mtu);
	if (e == NULL) {
		cnt_add(&c->stats->drop[GW_DROP_NO_MBUF], 1);
		return;
	}
	cnt_add(&c->stats->ev[GW_EV_ICMP_ERROR_SENT], 1);
	ctrl_ip_output(c, e);
}

/* Bigger than the egress MTU: ICMP "fragmentation needed" when DF is set
 * (RFC 1191), else fragment (RFC 791) and send each piece on. */
void ctrl_too_big(struct ctrl_ctx *c, struct rte_mbuf *m)
{
	const struct ctl_meta md = *ctl_meta(m);
	struct rte_ipv4_hdr *ip =
		rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, md.l3_off);
	struct rte_mbuf *frag[FRAG_MAX];
	int32_t n, i;

	if (ip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG)) {
		ctrl_icmp_error(c, m, md.l3_off, ICMP_ERR_FRAG_NEEDED, md.mtu);
		ctrl_drop(c, m, GW_DROP_MTU_DF);
		return;
	}
	pkt_ipv4_ttl_decrement(ip); /* the worker left it as received */
	rte_pktmbuf_adj(m, md.l3_off);
	n = rte_ipv4_fragment_packet(m, frag, FRAG_MAX, md.mtu, c->pool,
				     c->gw->indirect_pool);
	rte_pktmbuf_free(m); /* fragments hold their own references */
	if (n < 0) {
		cnt_add(&c->stats->drop[GW_DROP_FRAG_FAILED], 1);
		return;
	}
	for (i = 0; i < n; i++) {
		struct rte_ipv4_hdr *fip = rte_pktmbuf_mtod(frag[i], struct rte_ipv4_hdr *);

		/* rte_ipv4_fragment_packet() leaves the header checksum 0 */
		fip->hdr_checksum = 0;
		fip->hdr_checksum = rte_ipv4_cksum(fip);
		if (rte_pktmbuf_prepend(frag[i], RTE_ETHER_HDR_LEN) == NULL) {
			ctrl_drop(c, frag[i], GW_DROP_FRAG_FAILED);
			continue;
		}
		frag[i]->port = md.out_port;
		ctrl_neigh_output(c, frag[i], md.out_port, md.nh_addr);
	}
	cnt_add(&c->stats->ev[GW_EV_FRAGMENTS_SENT], (uint64_t)n);
}
