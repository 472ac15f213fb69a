/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Gateway configuration: the YAML file an operator writes, loaded and checked
 * in one go before anything starts. Called from the main lcore at start-up
 * (and by `espgw --check`); never from workers. No DPDK dependency, so the
 * loader is unit-tested and fuzzed on its own.
 *
 * Addresses are IPv4, host byte order (what rte_fib and rte_hash keys want).
 */
#ifndef ESPGW_CONF_H
#define ESPGW_CONF_H

#include <stdint.h>
#include <stddef.h>

enum {
	CONF_NAME_MAX = 32,     /* interface name, incl. NUL */
	CONF_DEVICE_MAX = 128,  /* DPDK ethdev name, incl. NUL */
	CONF_IFACE_MAX = 16,
	CONF_ROUTE_MAX = 1024,
	CONF_NEIGH_MAX = 1024,
	CONF_ERR_MAX = 512,
};

enum conf_role {
	CONF_ROLE_PUBLIC = 1,   /* faces the peers: IKE and ESP arrive here */
	CONF_ROLE_PRIVATE = 2,  /* faces the protected network */
};

struct conf_iface {
	char name[CONF_NAME_MAX];      /* operator's name, e.g. "wan0" */
	char device[CONF_DEVICE_MAX];  /* ethdev name: "net_tap0", "0000:03:00.0" */
	enum conf_role role;
	uint32_t addr;                 /* gateway's own address on this link */
	uint8_t prefix_len;            /* connected subnet: addr/prefix_len */
	uint16_t mtu;                  /* IP MTU; default 1500 */
	int line;                      /* where it was defined, for later errors */
};

struct conf_route {
	uint32_t prefix;               /* network address, host bits zero */
	uint8_t prefix_len;
	uint32_t via;                  /* next hop, on a connected subnet */
	int iface;                     /* index into conf.ifaces */
	int line;
};

struct conf_neigh {
	uint32_t addr;
	uint8_t mac[6];
	int iface;                     /* index into conf.ifaces */
	int line;
};

/* Tunables of the neighbour (ARP) machinery; defaults in conf_defaults(). */
struct conf_neigh_settings {
	uint32_t reachable_ms;         /* a learned entry is re-probed after this */
	uint32_t retrans_ms;           /* interval between ARP requests */
	uint32_t max_probes;           /* unanswered requests before giving up */
	uint32_t hold_packets;         /* packets held per unresolved neighbour */
};

struct conf {
	char path[512];                /* file it was read from */
	struct conf_iface ifaces[CONF_IFACE_MAX];
	unsigned int n_ifaces;
	struct conf_route routes[CONF_ROUTE_MAX];
	unsigned int n_routes;
	struct conf_neigh neighs[CONF_NEIGH_MAX];
	unsigned int n_neighs;
	struct conf_neigh_settings neigh;
	uint32_t icmp_rate;            /* ICMP errors sent per second, 0 = none */
};

/**
 * Load and validate a configuration file.
 *
 * @param path  file to read
 * @param out   filled on success; left zeroed or partial on failure
 * @param err   on failure: "PATH:LINE: what is wrong" (or "PATH: ..." when
 *              the problem has no line, e.g. the file cannot be opened)
 * @param errlen size of err
 * @return 0 on success, -EINVAL for a bad file, -errno when unreadable.
 */
int conf_load(const char *path, struct conf *out, char *err, size_t errlen);

/** Same as conf_load() on a buffer; `name` stands in for the path in errors. */
int conf_load_buf(const char *name, const char *buf, size_t len,
		  struct conf *out, char *err, size_t errlen);

/** Fill the defaults every loaded configuration starts from. */
void conf_defaults(struct conf *c);

/** Index of the interface whose connected subnet holds addr, or -1. */
int conf_iface_for_addr(const struct conf *c, uint32_t addr);

#endif /* ESPGW_CONF_H */
