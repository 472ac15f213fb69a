/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Building the gateway from a loaded configuration on the main lcore:
 * ethdevs, mbuf pools on the ports' NUMA sockets, routing and neighbour
 * tables, RCU, hand-off rings and lcore contexts. And taking it down.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "drivers/net/port.h"
#include "gw.h"
#include "ipsec.h"
#include "lib/ctl/ctl.h"
#include "lib/pkt/pkt_ipv6.h"
#include "lib/route/neigh.h"
#include "log.h"

enum {
	RXD = 1024,
	TXD = 1024,
	CTL_RING_SIZE = 1024,
	POOL_CACHE = 256,
	NEIGH_CAPACITY = 4096,
	NEIGH_HELD_BUDGET = 8192, /* mbufs the neighbour table may hold in all */
};

const struct gw_port *gw_port_by_ethdev(const struct gw *gw, uint16_t port_id)
{
	if (port_id >= ESPGW_MAX_PORTS || gw->port_of_ethdev[port_id] < 0)
		return NULL;
	return &gw->ports[gw->port_of_ethdev[port_id]];
}

static int find_ports(struct gw *gw)
{
	const struct conf *conf = gw->conf;
	unsigned int i;
	uint16_t pid;

	memset(gw->port_of_ethdev, -1, sizeof(gw->port_of_ethdev));
	for (i = 0; i < conf->n_ifaces; i++) {
		const struct conf_iface *ci = &conf->ifaces[i];
		struct gw_port *p = &gw->ports[i];

		if (rte_eth_dev_get_port_by_name(ci->device, &pid) != 0) {
			GW_LOG(ERR, "%s:%d: interface %s: no DPDK device named '%s' "
			       "(%u devices probed; add it with -a or --vdev)",
			       conf->path, ci->line, ci->name, ci->device,
			       rte_eth_dev_count_avail());
			return -ENODEV;
		}
		if (pid >= ESPGW_MAX_PORTS) {
			GW_LOG(ERR, "interface %s: port id %u above %u", ci->name, pid,
			       ESPGW_MAX_PORTS - 1);
			return -ERANGE;
		}
		*p = (struct gw_port){
			.port_id = pid, .iface = (int)i, .addr = ci->addr,
			.prefix_len = ci->prefix_len, .mtu = ci->mtu,
			.is_public = ci->role == CONF_ROLE_PUBLIC,
			.socket = rte_eth_dev_socket_id(pid),
			.has_v6 = ci->has_addr6 != 0, .prefix6_len = ci->prefix6_len,
		};
		memcpy(p->addr6, ci->addr6, sizeof(p->addr6));
		gw->port_of_ethdev[pid] = (int8_t)i;
	}
	gw->n_ports = conf->n_ifaces;
	return 0;
}

static unsigned int socket_of(int s)
{
	return s < 0 ? 0 : (unsigned int)s;
}

/* One pool per socket that has ports: RX rings, TX rings, lcore caches,
 * hand-off rings and held packets must all fit with room to spare. */
static int create_pools(struct gw *gw)
{
	unsigned int need[RTE_MAX_NUMA_NODES] = { 0 };
	unsigned int i, s, lcores = gw->n_workers + 1;
	char name[RTE_MEMPOOL_NAMESIZE];

	for (i = 0; i < gw->n_ports; i++)
		need[socket_of(gw->ports[i].socket)] +=
			gw->n_workers * RXD + (gw->n_workers + 1) * TXD;
	for (s = 0; s < RTE_MAX_NUMA_NODES; s++) {
		unsigned int n;

		if (need[s] == 0)
			continue;
		n = need[s] + lcores * (POOL_CACHE + 2 * GW_TXBUF) +
		    gw->n_workers * CTL_RING_SIZE + NEIGH_HELD_BUDGET;
		snprintf(name, sizeof(name), "espgw_pool_%u", s);
		gw->pool[s] = rte_pktmbuf_pool_create(name, n, POOL_CACHE, 0,
						      RTE_MBUF_DEFAULT_BUF_SIZE, (int)s);
		if (gw->pool[s] == NULL) {
			GW_LOG(ERR, "cannot create %u mbufs on socket %u: %s (give EAL more "
			       "memory: -m / --socket-mem)", n, s, rte_strerror(rte_errno));
			return -rte_errno;
		}
	}
	gw->indirect_pool = rte_pktmbuf_pool_create("espgw_indirect", 4095, 64, 0, 0,
						    (int)socket_of(gw->ports[0].socket));
	return gw->indirect_pool == NULL ? -rte_errno : 0;
}

static int build_routes(struct gw *gw)
{
	const struct conf *conf = gw->conf;
	unsigned int i;
	int rc;

	gw->rt = rte_zmalloc("espgw_routes", sizeof(*gw->rt), RTE_CACHE_LINE_SIZE);
	if (gw->rt == NULL)
		return -ENOMEM;
	rc = route_table_init(gw->rt, "espgw_fib", (int)socket_of(gw->ports[0].socket));
	if (rc < 0) {
		GW_LOG(ERR, "cannot create the routing table: %s", rte_strerror(-rc));
		return rc;
	}
	for (i = 0; i < gw->n_ports; i++) {
		const struct gw_port *p = &gw->ports[i];
		uint32_t mask = p->prefix_len == 0 ? 0 : UINT32_MAX << (32 - p->prefix_len);

		if (p->prefix_len == 0)
			continue;       /* IPv6 only */
		rc = route_add(gw->rt, p->addr & mask, p->prefix_len, ROUTE_CONNECTED, 0,
			       p->port_id, (uint16_t)i);
		if (rc < 0)
			return rc;
	}
	for (i = 0; i < conf->n_routes; i++) {
		const struct conf_route *r = &conf->routes[i];

		if (r->family == CONF_FAMILY_V6)
			continue;
		rc = route_add(gw->rt, r->prefix, r->prefix_len, ROUTE_STATIC, r->via,
			       gw->ports[r->iface].port_id, (uint16_t)r->iface);
		if (rc < 0) {
			GW_LOG(ERR, "%s:%d: route not added: %s", conf->path, r->line,
			       strerror(-rc));
			return rc;
		}
	}
	return 0;
}

/* The IPv6 FIB: each interface's connected prefix, then static routes. */
static int build_routes6(struct gw *gw)
{
	const struct conf *conf = gw->conf;
	unsigned int i, b;
	int rc;

	gw->rt6 = rte_zmalloc("espgw_routes6", sizeof(*gw->rt6), RTE_CACHE_LINE_SIZE);
	if (gw->rt6 == NULL)
		return -ENOMEM;
	rc = route6_table_init(gw->rt6, "espgw_fib6", (int)socket_of(gw->ports[0].socket));
	if (rc < 0) {
		GW_LOG(ERR, "cannot create the IPv6 routing table: %s", rte_strerror(-rc));
		return rc;
	}
	for (i = 0; i < gw->n_ports; i++) {
		const struct gw_port *p = &gw->ports[i];
		uint8_t net[16];

		if (!p->has_v6)
			continue;
		memcpy(net, p->addr6, sizeof(net));
		for (b = p->prefix6_len; b < 128; b++)
			net[b / 8] &= (uint8_t)~(0x80u >> (b % 8));
		rc = route6_add(gw->rt6, net, p->prefix6_len, ROUTE_CONNECTED, NULL,
				p->port_id, (uint16_t)i);
		if (rc < 0)
			return rc;
	}
	for (i = 0; i < conf->n_routes; i++) {
		const struct conf_route *r = &conf->routes[i];

		if (r->family != CONF_FAMILY_V6)
			continue;
		rc = route6_add(gw->rt6, r->prefix6, r->prefix_len, ROUTE_STATIC, r->via6,
				gw->ports[r->iface].port_id, (uint16_t)r->iface);
		if (rc < 0) {
			GW_LOG(ERR, "%s:%d: route not added: %s", conf->path, r->line,
			       strerror(-rc));
			return rc;
		}
	}
	return 0;
}

static int build_neighbours(struct gw *gw)
{
	const struct conf *conf = gw->conf;
	struct neigh_params np = {
		.capacity = NEIGH_CAPACITY,
		.hold_packets = conf->neigh.hold_packets,
		.reachable_ms = conf->neigh.reachable_ms,
		.retrans_ms = conf->neigh.retrans_ms,
		.max_probes = conf->neigh.max_probes,
	};
	size_t sz = rte_rcu_qsbr_get_memsize(gw->n_workers);
	unsigned int i;

	gw->qsv = rte_zmalloc("espgw_qsbr", sz, RTE_CACHE_LINE_SIZE);
	if (gw->qsv == NULL || rte_rcu_qsbr_init(gw->qsv, gw->n_workers) != 0)
		return -ENOMEM;
	gw->neigh = neigh_table_create("espgw_neigh", (int)socket_of(gw->ports[0].socket),
				       &np, gw->qsv);
	if (gw->neigh == NULL) {
		GW_LOG(ERR, "cannot create the neighbour table: %s", rte_strerror(rte_errno));
		return -rte_errno;
	}
	for (i = 0; i < conf->n_neighs; i++) {
		const struct conf_neigh *n = &conf->neighs[i];

		int rc = n->family == CONF_FAMILY_V6 ?
			neigh_add_static6(gw->neigh, n->addr6, gw->ports[n->iface].port_id, n->mac) :
			neigh_add_static(gw->neigh, n->addr, gw->ports[n->iface].port_id, n->mac);

		if (rc < 0) {
			GW_LOG(ERR, "%s:%d: static neighbour not added", conf->path, n->line);
			return -ENOSPC;
		}
	}
	return 0;
}

static int start_ports(struct gw *gw)
{
	char err[256];
	unsigned int i;
	int rc;

	for (i = 0; i < gw->n_ports; i++) {
		struct gw_port *p = &gw->ports[i];
		struct port_req req = {
			.nb_rxq = (uint16_t)gw->n_workers,
			.nb_txq = (uint16_t)(gw->n_workers + 1),
			.min_txq = (uint16_t)gw->n_workers,
			.nb_rxd = RXD, .nb_txd = TXD, .mtu = p->mtu,
			.pool = gw->pool[socket_of(p->socket)],
		};
		struct port_state st;

		rc = port_start(p->port_id, &req, &st, err, sizeof(err));
		if (rc < 0) {
			GW_LOG(ERR, "interface %s: %s", gw->conf->ifaces[i].name, err);
			return rc;
		}
		memcpy(p->mac, st.mac, 6);
		/* neighbour discovery arrives on solicited-node groups */
		if (p->has_v6 && rte_eth_allmulticast_enable(p->port_id) != 0)
			GW_LOG(WARNING, "interface %s: multicast reception not enabled; "
			       "IPv6 neighbour solicitations may not arrive",
			       gw->conf->ifaces[i].name);
		p->rss = st.rss;
		p->rx_ip_cksum = st.rx_ip_cksum;
		p->ctrl_txq = st.nb_txq > gw->n_workers;
		if (!st.mtu_set)
			GW_LOG(WARNING, "interface %s (%s): device did not take MTU %u; "
			       "forwarding still enforces it", gw->conf->ifaces[i].name,
			       st.driver, p->mtu);
		GW_LOG(INFO, "interface %s: port %u %s %02x:%02x:%02x:%02x:%02x:%02x "
		       "%u queue(s)%s%s%s, socket %d", gw->conf->ifaces[i].name, p->port_id,
		       st.driver, p->mac[0], p->mac[1], p->mac[2], p->mac[3], p->mac[4],
		       p->mac[5], gw->n_workers, st.rss ? " RSS" : "",
		       st.rx_ip_cksum ? ", IPv4 checksum offload" : "",
		       p->ctrl_txq ? "" : ", control sends through worker 0", p->socket);
	}
	return 0;
}

static void build_classifier(struct gw *gw)
{
	unsigned int i;

	memset(&gw->cls, 0, sizeof(gw->cls));
	for (i = 0; i < gw->n_ports; i++) {
		struct gw_port *p = &gw->ports[i];

		if (p->prefix_len != 0) {
			gw->cls.local_prefix_len[gw->cls.n_local] = p->prefix_len;
			gw->cls.local_addr[gw->cls.n_local++] = p->addr;
		}
		if (p->has_v6) {
			pkt_ipv6_link_local_from_mac(p->mac, p->ll6);
			memcpy(gw->cls.local6[gw->cls.n_local6], p->addr6, 16);
			gw->cls.local6_prefix_len[gw->cls.n_local6++] = p->prefix6_len;
			memcpy(gw->cls.local6[gw->cls.n_local6], p->ll6, 16);
			gw->cls.local6_prefix_len[gw->cls.n_local6++] = 64;
			gw->cls.port[p->port_id].has_ipv6 = 1;
		}
		memcpy(gw->cls.port[p->port_id].mac, p->mac, 6);
		gw->cls.port[p->port_id].is_public = p->is_public;
		gw->cls.port[p->port_id].rx_ip_cksum_offload = p->rx_ip_cksum;
	}
}

static int register_meta(struct gw *gw)
{
	(void)gw;
	return ctl_meta_register();
}

static int build_ctrl(struct gw *gw)
{
	build_classifier(gw);
	gw->ctrl = ctrl_create(gw);
	return gw->ctrl == NULL ? -ENOMEM : 0;
}

static void warn_cross_socket(const struct gw *gw, unsigned int lcore, int socket)
{
	unsigned int p;

	for (p = 0; p < gw->n_ports; p++)
		if (gw->ports[p].socket >= 0 && gw->ports[p].socket != socket)
			GW_LOG(WARNING, "worker lcore %u is on socket %d, interface %s on "
			       "socket %d: every packet crosses the interconnect",
			       lcore, socket, gw->conf->ifaces[p].name, gw->ports[p].socket);
}

static int build_workers(struct gw *gw)
{
	unsigned int lcores[RTE_MAX_LCORE];
	unsigned int lcore, n = 0, i;

	RTE_LCORE_FOREACH_WORKER(lcore)
		lcores[n++] = lcore;
	if (n == 0) /* single lcore: the main lcore is worker 0 as well */
		lcores[n++] = gw->ctrl_lcore;
	for (i = 0; i < gw->n_workers; i++) {
		int socket = (int)rte_lcore_to_socket_id(lcores[i]);
		struct worker_ctx *w;

		w = rte_zmalloc_socket("worker", sizeof(*w), RTE_CACHE_LINE_SIZE, socket);
		gw->workers[i] = w;
		if (w == NULL)
			return -ENOMEM;
		*w = (struct worker_ctx){ .gw = gw, .id = i, .lcore = lcores[i],
					  .stats = &gw->stats[lcores[i]] };
		w->to_ctl = ctl_ring_create(i, CTL_RING_SIZE, socket);
		if (w->to_ctl == NULL)
			return -rte_errno;
		warn_cross_socket(gw, lcores[i], socket);
	}
	gw->ctrl_tx_ring = rte_ring_create("espgw_ctrl_tx", CTL_RING_SIZE,
					   (int)rte_lcore_to_socket_id(lcores[0]),
					   RING_F_SP_ENQ | RING_F_SC_DEQ);
	return gw->ctrl_tx_ring == NULL ? -rte_errno : 0;
}

int gw_build(struct gw *gw, struct conf *conf)
{
	/* in order; each logs its own configuration errors */
	static const struct {
		const char *what;
		int (*fn)(struct gw *gw);
	} steps[] = {
		{ "mbuf metadata", register_meta },
		{ "ports", find_ports },
		{ "mbuf pools", create_pools },
		{ "IPv4 routes", build_routes },
		{ "IPv6 routes", build_routes6 },
		{ "neighbours", build_neighbours },
		{ "lcores", build_workers },
		{ "IPsec", ipsec_build },
		{ "starting the ports", start_ports },
		{ "the control lcore", build_ctrl },
	};
	unsigned int i;
	int rc = 0;

	gw->conf = conf;
	gw->ctrl_lcore = rte_get_main_lcore();
	gw->n_workers = rte_lcore_count() > 1 ? rte_lcore_count() - 1 : 1;
	gw->start_tsc = rte_get_timer_cycles();
	for (i = 0; i < RTE_DIM(steps) && rc == 0; i++) {
		rc = steps[i].fn(gw);
		if (rc != 0)
			GW_LOG(ERR, "start-up: %s: %s", steps[i].what, strerror(-rc));
		if (steps[i].fn == ipsec_build)
			conf_wipe(conf); /* the keys are in the data path now, or nowhere */
	}
	return rc;
}

void gw_teardown(struct gw *gw)
{
	unsigned int i;
	struct rte_mbuf *m;

	for (i = 0; i < gw->n_ports; i++)
		port_stop(gw->ports[i].port_id);
	ctrl_free(gw->ctrl);
	ipsec_free(gw->ipsec);
	for (i = 0; i < gw->n_workers; i++) {
		struct worker_ctx *w = gw->workers[i];

		if (w == NULL)
			continue;
		while (w->to_ctl != NULL && rte_ring_dequeue(w->to_ctl, (void **)&m) == 0)
			rte_pktmbuf_free(m);
		rte_ring_free(w->to_ctl);
		rte_free(w);
	}
	while (gw->ctrl_tx_ring != NULL && rte_ring_dequeue(gw->ctrl_tx_ring, (void **)&m) == 0)
		rte_pktmbuf_free(m);
	rte_ring_free(gw->ctrl_tx_ring);
	neigh_table_free(gw->neigh);
	rte_free(gw->qsv);
	if (gw->rt != NULL)
		route_table_free(gw->rt);
	rte_free(gw->rt);
	if (gw->rt6 != NULL)
		route6_table_free(gw->rt6);
	rte_free(gw->rt6);
	for (i = 0; i < RTE_MAX_NUMA_NODES; i++)
		rte_mempool_free(gw->pool[i]);
	rte_mempool_free(gw->indirect_pool);
}
