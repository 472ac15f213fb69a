/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Port profiles: bring an ethdev up the way the gateway needs it, asking the
 * device what it can do instead of assuming (virtual devices lack RSS and
 * checksum offloads; physical NICs have them). Main lcore, at start-up.
 */
#ifndef ESPGW_PORT_H
#define ESPGW_PORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rte_mempool;

struct port_req {
	uint16_t nb_rxq;        /* one per worker */
	uint16_t nb_txq;        /* wanted: one per worker + one for the control lcore */
	uint16_t min_txq;       /* acceptable: one per worker */
	uint16_t nb_rxd, nb_txd;
	uint16_t mtu;           /* IP MTU */
	struct rte_mempool *pool;
};

/* What the port ended up with. */
struct port_state {
	uint8_t mac[6];
	bool rss;               /* RSS spreads flows over the RX queues */
	bool rx_ip_cksum;       /* NIC verifies IPv4 header checksums */
	bool mtu_set;           /* device accepted the MTU */
	int socket;             /* NUMA socket, or -1 when unknown */
	uint16_t nb_rxd, nb_txd;
	uint16_t nb_txq;        /* what the device gave, min_txq..nb_txq */
	char driver[32];
};

/**
 * Configure, set up queues and start `port_id`.
 * Returns 0, or -errno with a sentence in err naming the port and the step.
 */
int port_start(uint16_t port_id, const struct port_req *req,
	       struct port_state *st, char *err, size_t errlen);

/** Stop and close the port (ignores errors: used on the way out). */
void port_stop(uint16_t port_id);

#endif /* ESPGW_PORT_H */
