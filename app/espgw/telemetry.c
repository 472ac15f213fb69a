/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * espgw's commands on DPDK's telemetry socket (dpdk-telemetry.py works
 * as it is): /espgw/info, /espgw/stats, /espgw/routes, /espgw/neighbours.
 * Handlers run on the telemetry thread, never on a worker: they read
 * counters with relaxed loads and the neighbour table under its lock.
 * 22.11 allows only [A-Za-z0-9_/] in names and no dicts inside arrays, so
 * lists of routes or neighbours are dicts keyed "0", "1", ... whose values
 * are dicts holding the addresses.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_telemetry.h>

#include "gw.h"
#include "lib/route/neigh.h"
#include "telemetry_priv.h"

struct gw *tel_gw;

const char *tel_ipv4_str(uint32_t a, char *buf, size_t len)
{
	uint32_t be = htonl(a);

	return inet_ntop(AF_INET, &be, buf, (socklen_t)len);
}

static void add_counters(struct rte_tel_data *d, const char *prefix,
			 const char *const names[], const uint64_t *v, unsigned int n)
{
	char key[RTE_TEL_MAX_STRING_LEN];
	unsigned int i;

	for (i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "%s_%s", prefix, names[i]);
		rte_tel_data_add_dict_u64(d, key, cnt_read(&v[i]));
	}
}

static void fill_stats(struct rte_tel_data *d, const struct lcore_stats *s)
{
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "rx", cnt_read(&s->rx));
	rte_tel_data_add_dict_u64(d, "tx", cnt_read(&s->tx));
	rte_tel_data_add_dict_u64(d, "to_control", cnt_read(&s->to_ctl));
	add_counters(d, "class", pkt_class_names, s->cls, PKT_CLASS_MAX);
	/* cls_drop[PKT_DROP_NONE] is never counted */
	add_counters(d, "drop", pkt_drop_names + 1, s->cls_drop + 1, PKT_DROP_MAX - 1);
	add_counters(d, "drop", gw_drop_names, s->drop, GW_DROP_MAX);
	add_counters(d, "event", gw_event_names, s->ev, GW_EV_MAX);
	rte_tel_data_add_dict_u64(d, "esp_decrypted", cnt_read(&s->esp_ok_in));
	rte_tel_data_add_dict_u64(d, "esp_encrypted", cnt_read(&s->esp_ok_out));
	rte_tel_data_add_dict_u64(d, "esp_handoff", cnt_read(&s->handoff));
	/* esp_drop[ESP_DROP_NONE] is never counted */
	add_counters(d, "esp_drop", esp_drop_names + 1, s->esp_drop + 1, ESP_DROP_MAX - 1);
}

static int add_stats_container(struct rte_tel_data *d, const char *name,
			       const struct lcore_stats *s)
{
	struct rte_tel_data *c = rte_tel_data_alloc();

	if (c == NULL)
		return -ENOMEM;
	fill_stats(c, s);
	return rte_tel_data_add_dict_container(d, name, c, 0);
}

/* /espgw/stats            totals, the control lcore and each worker
 * /espgw/stats,total      just the totals (also: control, or an lcore id) */
static int cmd_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct lcore_stats total;
	char name[32];
	unsigned int i;

	stats_sum(tel_gw, &total);
	if (params != NULL && *params != '\0') {
		if (strcmp(params, "total") == 0) {
			fill_stats(d, &total);
			return 0;
		}
		if (strcmp(params, "control") == 0) {
			fill_stats(d, &tel_gw->ctrl_stats);
			return 0;
		}
		for (i = 0; i < tel_gw->n_workers; i++)
			if ((unsigned long)atol(params) == tel_gw->workers[i]->lcore) {
				fill_stats(d, tel_gw->workers[i]->stats);
				return 0;
			}
		return -EINVAL;
	}
	rte_tel_data_start_dict(d);
	add_stats_container(d, "total", &total);
	add_stats_container(d, "control", &tel_gw->ctrl_stats);
	for (i = 0; i < tel_gw->n_workers; i++) {
		snprintf(name, sizeof(name), "lcore_%u", tel_gw->workers[i]->lcore);
		add_stats_container(d, name, tel_gw->workers[i]->stats);
	}
	return 0;
}

static int cmd_info(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct gw *gw = tel_gw;
	struct rte_tel_data *workers = rte_tel_data_alloc();
	struct rte_tel_data *ifaces = rte_tel_data_alloc();
	unsigned int i;

	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "version", ESPGW_VERSION);
	rte_tel_data_add_dict_string(d, "config", gw->conf->path);
	rte_tel_data_add_dict_u64(d, "uptime_s",
				  (rte_get_timer_cycles() - gw->start_tsc) / rte_get_timer_hz());
	rte_tel_data_add_dict_u64(d, "control_lcore", gw->ctrl_lcore);
	if (workers != NULL) {
		rte_tel_data_start_array(workers, RTE_TEL_U64_VAL);
		for (i = 0; i < gw->n_workers; i++)
			rte_tel_data_add_array_u64(workers, gw->workers[i]->lcore);
		rte_tel_data_add_dict_container(d, "worker_lcores", workers, 0);
	}
	if (ifaces != NULL) {
		rte_tel_data_start_array(ifaces, RTE_TEL_STRING_VAL);
		for (i = 0; i < gw->n_ports; i++)
			rte_tel_data_add_array_string(ifaces, gw->conf->ifaces[i].name);
		rte_tel_data_add_dict_container(d, "interfaces", ifaces, 0);
	}
	return 0;
}

static void add_iface(struct rte_tel_data *c, uint16_t port_id)
{
	const struct gw_port *p = gw_port_by_ethdev(tel_gw, port_id);

	rte_tel_data_add_dict_string(c, "interface",
				     p != NULL ? tel_gw->conf->ifaces[p->iface].name : "?");
	rte_tel_data_add_dict_u64(c, "port", port_id);
}

/* /espgw/routes: {"0": {prefix, type, via, interface, port}, ...} */
/* IPv6 routes after the IPv4 ones, numbered on from `at` */
static int add_routes6(struct rte_tel_data *d, unsigned int at)
{
	const struct route6_table *rt = tel_gw->rt6;
	char pfx[INET6_ADDRSTRLEN + 8], a[INET6_ADDRSTRLEN], key[16];
	unsigned int i;

	for (i = 0; rt != NULL && i < rt->n_routes && at + i < RTE_TEL_MAX_DICT_ENTRIES; i++) {
		const struct route6_entry *r = &rt->routes[i];
		const struct route6_nh *nh = &rt->nh[r->nh];
		struct rte_tel_data *c = rte_tel_data_alloc();

		if (c == NULL)
			return -ENOMEM;
		rte_tel_data_start_dict(c);
		snprintf(pfx, sizeof(pfx), "%s/%u", inet_ntop(AF_INET6, r->prefix, a, sizeof(a)),
			 r->prefix_len);
		rte_tel_data_add_dict_string(c, "prefix", pfx);
		rte_tel_data_add_dict_string(c, "type",
					     r->type == ROUTE_CONNECTED ? "connected" : "static");
		rte_tel_data_add_dict_string(c, "via", nh->has_gw ?
					     inet_ntop(AF_INET6, nh->gw, a, sizeof(a)) : "on-link");
		add_iface(c, nh->port);
		snprintf(key, sizeof(key), "%u", at + i);
		rte_tel_data_add_dict_container(d, key, c, 0);
	}
	return 0;
}

static int cmd_routes(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct route_table *rt = tel_gw->rt;
	char pfx[64], a[INET_ADDRSTRLEN], key[16];
	unsigned int i;

	rte_tel_data_start_dict(d);
	for (i = 0; i < rt->n_routes && i < RTE_TEL_MAX_DICT_ENTRIES; i++) {
		const struct route_entry *r = &rt->routes[i];
		const struct route_nh *nh = &rt->nh[r->nh];
		struct rte_tel_data *c = rte_tel_data_alloc();

		if (c == NULL)
			return -ENOMEM;
		rte_tel_data_start_dict(c);
		snprintf(pfx, sizeof(pfx), "%s/%u", tel_ipv4_str(r->prefix, a, sizeof(a)),
			 r->prefix_len);
		rte_tel_data_add_dict_string(c, "prefix", pfx);
		rte_tel_data_add_dict_string(c, "type",
					     r->type == ROUTE_CONNECTED ? "connected" : "static");
		rte_tel_data_add_dict_string(c, "via", nh->gw != 0 ?
					     tel_ipv4_str(nh->gw, a, sizeof(a)) : "on-link");
		add_iface(c, nh->port);
		snprintf(key, sizeof(key), "%u", i);
		rte_tel_data_add_dict_container(d, key, c, 0);
	}
	return add_routes6(d, i);
}

struct neigh_dump {
	struct rte_tel_data *d;
	unsigned int n;
};


static void dump_neigh(void *arg, const struct neigh_entry *e, uint64_t now_ms)
{
	struct neigh_dump *nd = arg;
	char a[INET_ADDRSTRLEN], a6[INET6_ADDRSTRLEN], mac[24], key[16];
	struct rte_tel_data *c;

	if (nd->n >= RTE_TEL_MAX_DICT_ENTRIES || (c = rte_tel_data_alloc()) == NULL)
		return;
	snprintf(key, sizeof(key), "%u", nd->n++);
	rte_tel_data_start_dict(c);
	if (e->family == NEIGH_INET6)
		rte_tel_data_add_dict_string(c, "address", inet_ntop(AF_INET6, e->addr6, a6,
								       sizeof(a6)));
	else
		rte_tel_data_add_dict_string(c, "address", tel_ipv4_str(e->addr, a, sizeof(a)));
	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", e->mac[0],
		 e->mac[1], e->mac[2], e->mac[3], e->mac[4], e->mac[5]);
	rte_tel_data_add_dict_string(c, "mac", e->state == NEIGH_INCOMPLETE ? "" : mac);
	rte_tel_data_add_dict_string(c, "state", neigh_state_names[e->state]);
	add_iface(c, e->port);
	rte_tel_data_add_dict_u64(c, "held", e->n_held);
	if (e->state == NEIGH_REACHABLE || e->state == NEIGH_PROBE)
		rte_tel_data_add_dict_u64(c, "confirmed_ms_ago", now_ms - e->confirmed_ms);
	rte_tel_data_add_dict_container(nd->d, key, c, 0);
}

/* /espgw/neighbours: {"0": {address, mac, state, interface, port, held}, ...} */
static int cmd_neighbours(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct neigh_dump nd = { .d = d };

	rte_tel_data_start_dict(d);
	neigh_foreach(tel_gw->neigh, dump_neigh, &nd, gw_now_ms());
	return 0;
}

int telemetry_register(struct gw *gw)
{
	tel_gw = gw;
	if (rte_telemetry_register_cmd("/espgw/info", cmd_info,
			"Gateway version, configuration, lcores and interfaces") < 0 ||
	    rte_telemetry_register_cmd("/espgw/stats", cmd_stats,
			"Counters: all, or one of total|control|<lcore id>. Param: optional") < 0 ||
	    rte_telemetry_register_cmd("/espgw/routes", cmd_routes,
			"IPv4 and IPv6 routes with next hop and interface") < 0 ||
	    rte_telemetry_register_cmd("/espgw/neighbours", cmd_neighbours,
			"ARP and IPv6 ND neighbours: MAC, state, interface, held packets") < 0 ||
	    telemetry_sa_register() < 0)
		return -EINVAL;
	return 0;
}
