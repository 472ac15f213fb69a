/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Port profiles: capability-driven ethdev configuration.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_log.h>

#include "port.h"

static void fill_conf(const struct rte_eth_dev_info *info,
		      const struct port_req *req, struct rte_eth_conf *conf,
		      struct port_state *st)
{
	uint64_t want_rss = RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP | RTE_ETH_RSS_TCP;

	memset(conf, 0, sizeof(*conf));
	/* RSS only matters with several queues, and only where it exists */
	if (req->nb_rxq > 1 && (info->flow_type_rss_offloads & want_rss) != 0) {
		conf->rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf->rx_adv_conf.rss_conf.rss_hf = info->flow_type_rss_offloads & want_rss;
		st->rss = true;
	}
	if (info->rx_offload_capa & RTE_ETH_RX_OFFLOAD_IPV4_CKSUM) {
		conf->rxmode.offloads |= RTE_ETH_RX_OFFLOAD_IPV4_CKSUM;
		st->rx_ip_cksum = true;
	}
	if (info->tx_offload_capa & RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE)
		conf->txmode.offloads |= RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE;
}

static int setup_queues(uint16_t port_id, const struct port_req *req,
			struct port_state *st, int socket, char *err, size_t errlen)
{
	uint16_t q;
	int rc;

	for (q = 0; q < req->nb_rxq; q++) {
		rc = rte_eth_rx_queue_setup(port_id, q, st->nb_rxd, socket, NULL, req->pool);
		if (rc < 0) {
			snprintf(err, errlen, "port %u: RX queue %u setup failed: %s",
				 port_id, q, strerror(-rc));
			return rc;
		}
	}
	for (q = 0; q < st->nb_txq; q++) {
		rc = rte_eth_tx_queue_setup(port_id, q, st->nb_txd, socket, NULL);
		if (rc < 0) {
			snprintf(err, errlen, "port %u: TX queue %u setup failed: %s",
				 port_id, q, strerror(-rc));
			return rc;
		}
	}
	return 0;
}

int port_start(uint16_t port_id, const struct port_req *req,
	       struct port_state *st, char *err, size_t errlen)
{
	struct rte_eth_dev_info info;
	struct rte_eth_conf conf;
	struct rte_ether_addr mac;
	int socket, rc;

	memset(st, 0, sizeof(*st));
	rc = rte_eth_dev_info_get(port_id, &info);
	if (rc < 0) {
		snprintf(err, errlen, "port %u: no device info: %s", port_id, strerror(-rc));
		return rc;
	}
	snprintf(st->driver, sizeof(st->driver), "%s", info.driver_name);
	if (req->nb_rxq > info.max_rx_queues || req->min_txq > info.max_tx_queues) {
		snprintf(err, errlen,
			 "port %u (%s): needs %u RX and %u TX queues (one per worker), device "
			 "has %u/%u; use fewer worker lcores or give the device more queues "
			 "(e.g. net_af_packet qpairs=N)",
			 port_id, info.driver_name, req->nb_rxq, req->min_txq,
			 info.max_rx_queues, info.max_tx_queues);
		return -EINVAL;
	}
	/* Devices whose queues come in pairs (af_packet, pcap) may have no
	 * spare TX queue for the control lcore; the caller then shares one. */
	st->nb_txq = RTE_MIN(req->nb_txq, info.max_tx_queues);
	fill_conf(&info, req, &conf, st);
	rc = rte_eth_dev_configure(port_id, req->nb_rxq, st->nb_txq, &conf);
	if (rc < 0 && st->nb_txq > req->min_txq) {
		/* some PMDs (net_tap) want as many TX as RX queues: share */
		st->nb_txq = req->min_txq;
		rc = rte_eth_dev_configure(port_id, req->nb_rxq, st->nb_txq, &conf);
	}
	if (rc < 0) {
		snprintf(err, errlen, "port %u (%s): configure failed: %s",
			 port_id, info.driver_name, strerror(-rc));
		return rc;
	}
	st->nb_rxd = req->nb_rxd;
	st->nb_txd = req->nb_txd;
	rc = rte_eth_dev_adjust_nb_rx_tx_desc(port_id, &st->nb_rxd, &st->nb_txd);
	if (rc < 0) {
		snprintf(err, errlen, "port %u: descriptor counts refused: %s",
			 port_id, strerror(-rc));
		return rc;
	}
	/* Virtual devices (af_packet, pcap) may not support an MTU change: the
	 * caller decides whether the device's own MTU is acceptable. */
	st->mtu_set = rte_eth_dev_set_mtu(port_id, req->mtu) == 0;
	socket = rte_eth_dev_socket_id(port_id);
	st->socket = socket;
	rc = setup_queues(port_id, req, st, socket < 0 ? SOCKET_ID_ANY : socket, err, errlen);
	if (rc < 0)
		return rc;
	rc = rte_eth_dev_start(port_id);
	if (rc < 0) {
		snprintf(err, errlen, "port %u (%s): start failed: %s",
			 port_id, info.driver_name, strerror(-rc));
		return rc;
	}
	rte_eth_macaddr_get(port_id, &mac);
	memcpy(st->mac, mac.addr_bytes, 6);
	return 0;
}

void port_stop(uint16_t port_id)
{
	rte_eth_dev_stop(port_id);
	rte_eth_dev_close(port_id);
}
