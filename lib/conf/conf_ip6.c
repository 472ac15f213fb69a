/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv6 relations of the configuration: which addresses an interface may
 * have (RFC 4291 §2.4 address types), subnets that must not overlap, and
 * on which interface an IPv6 next hop or static neighbour lives. Values are
 * parsed in conf_value.c; the IPv4 counterparts are in conf_load.c. Main
 * lcore at start-up only.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "conf_priv.h"

/* Addresses that are never a host on a link, whatever its prefix. */
const char *conf_ip6_special(const uint8_t a[16])
{
	static const uint8_t zero[16];
	static const uint8_t mapped[12] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
	};

	if (memcmp(a, zero, 16) == 0)
		return "is the unspecified address";
	if (memcmp(a, zero, 15) == 0 && a[15] == 1)
		return "is the loopback address";
	if (a[0] == 0xff)
		return "is a multicast address";
	if (memcmp(a, mapped, sizeof(mapped)) == 0)
		return "is an IPv4-mapped address";
	return NULL;
}

/* fe80::/10 (RFC 4291 §2.5.6): valid on one link only. */
bool conf_ip6_link_local(const uint8_t a[16])
{
	return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}

/* Global unicast 2000::/3 (RFC 4291 §2.4) or unique local fc00::/7 (RFC 4193). */
static bool global_or_ula(const uint8_t a[16])
{
	return (a[0] & 0xe0) == 0x20 || (a[0] & 0xfe) == 0xfc;
}

/*
 * All-zero host bits: the Subnet-Router anycast address (RFC 4291 §2.6.1).
 * /127 (RFC 6164) and /128 links have no such address.
 */
static bool subnet_router_anycast(const uint8_t a[16], unsigned int plen)
{
	uint8_t net[16];

	if (plen >= 127)
		return false;
	ip6_net(a, plen, net);
	return memcmp(net, a, 16) == 0;
}

static bool in_subnet6(const struct conf_iface *ifc, const uint8_t a[16])
{
	return ifc->has_addr6 && ip6_same_net(a, ifc->addr6, ifc->prefix6_len);
}

int conf_gateway_addr6(const struct conf *c, const uint8_t a[16])
{
	unsigned int i;

	for (i = 0; i < c->n_ifaces && i < CONF_IFACE_MAX; i++)
		if (c->ifaces[i].has_addr6 && memcmp(c->ifaces[i].addr6, a, 16) == 0)
			return (int)i;
	return -1;
}

int conf_iface_for_addr6(const struct conf *c, const uint8_t addr[16])
{
	unsigned int i;

	if (conf_ip6_link_local(addr))
		return -1;
	for (i = 0; i < c->n_ifaces && i < CONF_IFACE_MAX; i++)
		if (in_subnet6(&c->ifaces[i], addr))
			return (int)i;
	return -1;
}

/* Why `a` cannot be an interface's own address6 on a /plen, or NULL. */
static const char *iface6_problem(const uint8_t a[16], unsigned int plen)
{
	const char *why = conf_ip6_special(a);

	if (why != NULL)
		return why;
	if (conf_ip6_link_local(a))
		return "is link-local; address6 takes a global or unique local address";
	if (!global_or_ula(a))
		return "is not a global unicast (2000::/3) or unique local (fc00::/7) address";
	if (subnet_router_anycast(a, plen))
		return "is the subnet-router anycast address of its subnet (RFC 4291 §2.6.1)";
	return NULL;
}

int conf_check_iface6(struct loader *ld, unsigned int idx, const yaml_node_t *n)
{
	const struct conf_iface *a = &ld->c->ifaces[idx], *b;
	char s1[INET6_ADDRSTRLEN], s2[INET6_ADDRSTRLEN];
	uint8_t net_a[16], net_b[16];
	unsigned int j, plen;
	const char *why;

	if (!a->has_addr6)
		return 0;
	why = iface6_problem(a->addr6, a->prefix6_len);
	if (why != NULL)
		return conf_fail(ld, line_of(n), "address6 %s/%u %s",
				 conf_ip6_str(a->addr6, s1), a->prefix6_len, why);
	ip6_net(a->addr6, a->prefix6_len, net_a);
	for (j = 0; j < idx; j++) {
		b = &ld->c->ifaces[j];
		if (!b->has_addr6)
			continue;
		if (memcmp(a->addr6, b->addr6, 16) == 0)
			return conf_fail(ld, line_of(n),
					 "address6 %s is already used by interface %s (line %d)",
					 conf_ip6_str(a->addr6, s1), b->name, b->line);
		/* one connected route per subnet, as for IPv4 */
		plen = a->prefix6_len < b->prefix6_len ? a->prefix6_len : b->prefix6_len;
		if (ip6_same_net(a->addr6, b->addr6, plen)) {
			ip6_net(b->addr6, b->prefix6_len, net_b);
			return conf_fail(ld, line_of(n),
					 "subnet %s/%u overlaps interface %s (%s/%u, line %d)",
					 conf_ip6_str(net_a, s1), a->prefix6_len, b->name,
					 conf_ip6_str(net_b, s2), b->prefix6_len, b->line);
		}
	}
	return 0;
}

/*
 * The interface an IPv6 next hop or neighbour is on. A global (or ULA) one
 * must be on a connected IPv6 subnet, that of the named interface if one is
 * named; a link-local one is on no subnet, so its interface must be named.
 */
int conf_resolve_iface6(struct loader *ld, const yaml_node_t *addr_node,
			const yaml_node_t *if_node, const char *what,
			const uint8_t a[16], int *out)
{
	const struct conf *c = ld->c;
	char s[INET6_ADDRSTRLEN], name[CONF_NAME_MAX];
	int i, own, rc, line = line_of(addr_node);
	bool ll = conf_ip6_link_local(a);
	const char *why;

	conf_ip6_str(a, s);
	why = conf_ip6_special(a);
	if (why != NULL)
		return conf_fail(ld, line, "%s %s %s", what, s, why);
	if (if_node != NULL) {
		rc = conf_parse_name(ld, if_node, "interface", name);
		if (rc < 0)
			return rc;
		i = conf_find_iface(c, name);
		if (i < 0)
			return conf_fail(ld, line_of(if_node),
					 "interface '%s' is not defined", name);
		if (!c->ifaces[i].has_addr6)
			return conf_fail(ld, line, "%s %s: interface %s has no address6",
					 what, s, name);
		if (!ll && !in_subnet6(&c->ifaces[i], a))
			return conf_fail(ld, line, "%s %s is not on the subnet of interface %s",
					 what, s, name);
	} else if (ll) {
		return conf_fail(ld, line, "%s %s is link-local and needs 'interface'",
				 what, s);
	} else {
		i = conf_iface_for_addr6(c, a);
		if (i < 0)
			return conf_fail(ld, line, "%s %s is not on any connected subnet",
					 what, s);
	}
	own = conf_gateway_addr6(c, a);
	if (own >= 0)
		return conf_fail(ld, line, "%s %s is the gateway's own address (interface %s)",
				 what, s, c->ifaces[own].name);
	if (!ll && subnet_router_anycast(a, c->ifaces[i].prefix6_len))
		return conf_fail(ld, line,
				 "%s %s is the subnet-router anycast address of its subnet",
				 what, s);
	*out = i;
	return 0;
}
