/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control lcore's IPv6: neighbour discovery (RFC 4861: answer
 * solicitations for our addresses, learn from solicitations and
 * advertisements, solicit next hops), echo replies, ICMPv6 errors (RFC
 * 4443) and output through the IPv6 FIB. The IPv4 counterparts are in
 * ctrl_l3.c; the state machine is the shared neighbour table's.
 */
#include <string.h>

#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_ring.h>

#include "ctrl_priv.h"
#include "ipsec.h"
#include "lib/ctl/ctl.h"
#include "lib/route/icmp6.h"
#include "lib/route/nd.h"
#include "lib/route/neigh.h"
#include "lib/route/route6.h"
#include "log.h"

enum { FLUSH_MAX = 64 };

static const struct gw_port *port_of(const struct ctrl_ctx *c, uint16_t port_id)
{
	return gw_port_by_ethdev(c->gw, port_id);
}

static bool is_link_local(const uint8_t a[16])
{
	return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}

static bool ours(const struct gw_port *p, const uint8_t a[16])
{
	return p->has_v6 && (memcmp(a, p->addr6, 16) == 0 || memcmp(a, p->ll6, 16) == 0);
}

void ctrl_nd_solicit(void *arg, const uint8_t addr[16], uint16_t port, const uint8_t *mac)
{
	struct ctrl_ctx *c = arg;
	const struct gw_port *p = port_of(c, port);
	struct rte_mbuf *m;

	if (p == NULL || !p->has_v6)
		return;
	m = rte_pktmbuf_alloc(c->pool);
	if (m == NULL) {
		cnt_add(&c->stats->drop[GW_DROP_NO_MBUF], 1);
		return;
	}
	/* from the address on the target's subnet: link-local for link-local
	 * next hops, else the global one (RFC 4861 §7.2.2) */
	if (nd_build_ns(m, p->mac, is_link_local(addr) ? p->ll6 : p->addr6, addr, mac) < 0) {
		rte_pktmbuf_free(m);
		return;
	}
	m->port = port;
	cnt_add(&c->stats->ev[GW_EV_ND_SOLICIT_SENT], 1);
	ctrl_tx(c, port, m);
}

void ctrl_nd_input(struct ctrl_ctx *c, struct rte_mbuf *m, uint16_t l3_off)
{
	const struct gw_port *p = port_of(c, m->port);
	struct rte_mbuf *flush[FLUSH_MAX];
	struct nd_msg nd;
	unsigned int i, n = 0, flags;
	static const uint8_t unspecified[16];

	if (p == NULL || nd_parse(m, l3_off, &nd) < 0) {
		ctrl_drop(c, m, GW_DROP_ND_IGNORED);
		return;
	}
	if (nd.type == ND_TYPE_NS) {
		flags = NEIGH_ND_NS;
		if (memcmp(nd.src, unspecified, 16) != 0 && nd.has_lladdr)
			n = neigh_confirm6(c->gw->neigh, nd.src, m->port, nd.lladdr, gw_now_ms(),
					   flags, flush, RTE_DIM(flush));
	} else {
		flags = (nd.flags & ND_NA_FLAG_SOLICITED ? NEIGH_ND_SOLICITED : 0) |
			(nd.flags & ND_NA_FLAG_OVERRIDE ? NEIGH_ND_OVERRIDE : 0);
		n = neigh_confirm6(c->gw->neigh, nd.target, m->port,
				   nd.has_lladdr ? nd.lladdr : NULL, gw_now_ms(), flags, flush,
				   RTE_DIM(flush));
	}
	for (i = 0; i < n; i++) {
		const uint8_t *mac = nd.type == ND_TYPE_NS ? nd.lladdr : nd.lladdr;

		ctrl_send_to_neigh(c, flush[i], m->port, neigh_word_from_mac(mac));
	}
	cnt_add(&c->stats->ev[GW_EV_HELD_RELEASED], n);
	if (nd.type == ND_TYPE_NS && ours(p, nd.target)) {
		struct rte_mbuf *na = rte_pktmbuf_alloc(c->pool);

		if (na == NULL) {
			ctrl_drop(c, m, GW_DROP_NO_MBUF);
			return;
		}
		if (nd_build_na(na, p->mac, &nd, true) == 0) {
			na->port = m->port;
			cnt_add(&c->stats->ev[GW_EV_ND_ADVERT_SENT], 1);
			ctrl_tx(c, m->port, na);
		} else {
			rte_pktmbuf_free(na);
		}
	}
	rte_pktmbuf_free(m);
}

void ctrl_neigh_output6(struct ctrl_ctx *c, struct rte_mbuf *m, uint16_t port,
			const uint8_t nh[16])
{
	uint64_t mac_word = 0;
	enum neigh_verdict v = neigh_resolve6(c->gw->neigh, nh, port, m, gw_now_ms(),
					      &mac_word);

	if (ctrl_neigh_verdict(c, m, port, v, mac_word))
		ctrl_nd_solicit(c, nh, port, NULL);
}

void ctrl_route_output6(struct ctrl_ctx *c, struct rte_mbuf *m)
{
	const struct rte_ipv6_hdr *ip =
		rte_pktmbuf_mtod_offset(m, const struct rte_ipv6_hdr *, RTE_ETHER_HDR_LEN);
	uint16_t nh;
	const struct route6_nh *h;

	/* link-local: no route, the link it came from (m->port: the answer
	 * or error keeps its request's port) */
	if (is_link_local(ip->dst_addr)) {
		if (port_of(c, m->port) == NULL) {
			ctrl_drop(c, m, GW_DROP_NO_ROUTE);
			return;
		}
		ctrl_neigh_output6(c, m, m->port, ip->dst_addr);
		return;
	}
	nh = route6_lookup(c->gw->rt6, ip->dst_addr);
	h = &c->gw->rt6->nh[nh];
	if (nh == ROUTE6_NH_NONE) {
		ctrl_drop(c, m, GW_DROP_NO_ROUTE);
		return;
	}
	ctrl_neigh_output6(c, m, h->port, h->has_gw ? h->gw : ip->dst_addr);
}

void ctrl_icmp6_echo(struct ctrl_ctx *c, struct rte_mbuf *m, uint16_t l3_off)
{
	icmp6_echo_reply_in_place(m, l3_off);
	cnt_add(&c->stats->ev[GW_EV_ICMP_ECHO_REPLY], 1);
	ctrl_ip_output(c, m);
}

void ctrl_icmp6_error(struct ctrl_ctx *c, struct rte_mbuf *m, uint16_t l3_off, int err,
		      uint32_t mtu)
{
	const struct gw_port *in = port_of(c, m->port);
	const struct rte_ipv6_hdr *ip =
		rte_pktmbuf_mtod_offset(m, const struct rte_ipv6_hdr *, l3_off);
	struct rte_mbuf *e;

	if (in == NULL || !in->has_v6 ||
	    !icmp6_error_allowed(m, l3_off, (enum icmp6_error)err))
		return;
	if (!ctrl_icmp_rate_ok(c)) {
		cnt_add(&c->stats->ev[GW_EV_ICMP_RATE_LIMITED], 1);
		return;
	}
	e = icmp6_error_build(c->pool, m, l3_off, (enum icmp6_error)err,
			      is_link_local(ip->src_addr) ? in->ll6 : in->addr6, mtu);
	if (e == NULL) {
		cnt_add(&c->stats->drop[GW_DROP_NO_MBUF], 1);
		return;
	}
	e->port = m->port;
	cnt_add(&c->stats->ev[GW_EV_ICMP_ERROR_SENT], 1);
	ctrl_ip_output(c, e);
}
