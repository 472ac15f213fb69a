/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Configuration loader: reads the operator's YAML file with libyaml, checks
 * its structure (keys, kinds, counts) and the relations between values
 * (subnets, next hops, static neighbours), and fills struct conf; single
 * values are parsed in conf_value.c, IPv6 relations checked in conf_ip6.c.
 * Main lcore at start-up only. Every
 * problem is reported as "PATH:LINE: what is wrong"; nothing here logs or exits.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <yaml.h>

#include "conf_priv.h"

/* Limits on the input, so a hostile or broken file costs little. */
enum {
	FILE_MAX = 4 << 20,     /* a real configuration is a few KiB */
	DEPTH_MAX = 8,          /* the format nests 4 deep; refuse deeper junk early */
	/* > 1 + 16*11 + 1024*7 + 1024*7 + settings + 8192 SAs of at most 47
	 * (15 keys, selector, lifetime) + 8192 policies of at most 17 */
	NODES_MAX = 1 << 20,
	READ_CHUNK = 64 << 10,
};

/* Defaults an operator gets by leaving a key out. */
enum {
	DEF_MTU = 1500,
	DEF_REACHABLE_MS = 30000,
	DEF_RETRANS_MS = 1000,
	DEF_MAX_PROBES = 3,
	DEF_HOLD_PACKETS = 8,
	DEF_ICMP_RATE = 100,
};
#define DEF_ENGINE "ipsec-mb"

enum {
	TOP_INTERFACES, TOP_ROUTES, TOP_NEIGHBOURS, TOP_SETTINGS, TOP_SAS,
	TOP_POLICIES, TOP_N
};
enum { IF_NAME, IF_DEVICE, IF_ROLE, IF_ADDRESS, IF_ADDRESS6, IF_MTU, IF_N };
enum { RT_PREFIX, RT_VIA, RT_IFACE, RT_N };
enum { NB_ADDRESS, NB_MAC, NB_IFACE, NB_N };
enum { ST_NEIGHBOUR, ST_ICMP_RATE, ST_CRYPTO, ST_N };
enum { SN_REACHABLE, SN_RETRANS, SN_PROBES, SN_HOLD, SN_N };
_Static_assert((int)TOP_N <= KEYS_MAX && (int)IF_N <= KEYS_MAX &&
	       (int)RT_N <= KEYS_MAX && (int)NB_N <= KEYS_MAX &&
	       (int)ST_N <= KEYS_MAX && (int)SN_N <= KEYS_MAX, "raise KEYS_MAX");

static const char *const top_keys[TOP_N] = {
	"interfaces", "routes", "neighbours", "settings", "sas", "policies",
};
/* Taken by the IKE releases; refusing them beats silently ignoring them. */
static const char *const top_reserved[] = {
	"connections", "secrets",
};
static const char *const iface_keys[IF_N] = {
	"name", "device", "role", "address", "address6", "mtu",
};
static const char *const route_keys[RT_N] = { "prefix", "via", "interface" };
static const char *const neigh_keys[NB_N] = { "address", "mac", "interface" };
static const char *const settings_keys[ST_N] = { "neighbour", "icmp_rate", "crypto" };
static const char *const nset_keys[SN_N] = {
	"reachable_ms", "retrans_ms", "max_probes", "hold_packets",
};

static const struct section top_sec = {
	.what = "configuration", .keys = top_keys, .n_keys = TOP_N,
	.required = 1u << TOP_INTERFACES,
	.reserved = top_reserved,
	.n_reserved = sizeof(top_reserved) / sizeof(top_reserved[0]),
};
static const struct section iface_sec = {
	.what = "interface", .keys = iface_keys, .n_keys = IF_N,
	/* and address or address6 or both: parse_interface() */
	.required = (1u << IF_NAME) | (1u << IF_DEVICE) | (1u << IF_ROLE),
};
static const struct section route_sec = {
	.what = "route", .keys = route_keys, .n_keys = RT_N,
	.required = (1u << RT_PREFIX) | (1u << RT_VIA),
};
static const struct section neigh_sec = {
	.what = "neighbour", .keys = neigh_keys, .n_keys = NB_N,
	.required = (1u << NB_ADDRESS) | (1u << NB_MAC),
};
static const struct section settings_sec = {
	.what = "settings", .keys = settings_keys, .n_keys = ST_N,
};
static const struct section nset_sec = {
	.what = "settings.neighbour", .keys = nset_keys, .n_keys = SN_N,
};

/* Reader errors carry a byte offset, not a mark: count the lines. */
static int line_at_offset(const char *buf, size_t len, size_t off)
{
	int line = 1;
	size_t i;

	for (i = 0; i < off && i < len; i++)
		if (buf[i] == '\n')
			line++;
	return line;
}

static int syntax_error(struct loader *ld, const yaml_parser_t *p,
			const char *buf, size_t len)
{
	int line;

	if (p->error == YAML_MEMORY_ERROR) {
		conf_fail(ld, 0, "out of memory while parsing");
		return -ENOMEM;
	}
	if (p->error == YAML_READER_ERROR)
		line = line_at_offset(buf, len, p->problem_offset);
	else
		line = (int)p->problem_mark.line + 1;
	/* the context mark is where the broken construct began */
	if (p->context != NULL)
		return conf_fail(ld, line, "YAML syntax error: %s (%s at line %d)",
				 p->problem ? p->problem : "unknown problem",
				 p->context, (int)p->context_mark.line + 1);
	return conf_fail(ld, line, "YAML syntax error: %s",
			 p->problem ? p->problem : "unknown problem");
}

/* ---- first pass: stream shape, on events ----------------------------- */

struct scan {
	int depth;
	unsigned int docs;
	unsigned long nodes;
};

/*
 * Aliases let a few bytes expand into an exponential tree (billion laughs)
 * and the format has no use for them, so anchors are refused outright.
 */
static int scan_event(struct loader *ld, const yaml_event_t *ev, struct scan *st)
{
	int line = (int)ev->start_mark.line + 1;
	const yaml_char_t *anchor = NULL;

	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		return conf_fail(ld, line, "anchors and aliases are not allowed");
	case YAML_DOCUMENT_START_EVENT:
		if (++st->docs > 1)
			return conf_fail(ld, line, "only one YAML document is allowed");
		return 0;
	case YAML_SCALAR_EVENT:
		anchor = ev->data.scalar.anchor;
		break;
	case YAML_SEQUENCE_START_EVENT:
		anchor = ev->data.sequence_start.anchor;
		st->depth++;
		break;
	case YAML_MAPPING_START_EVENT:
		anchor = ev->data.mapping_start.anchor;
		st->depth++;
		break;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		st->depth--;
		return 0;
	default:
		return 0;
	}
	if (anchor != NULL)
		return conf_fail(ld, line, "anchors and aliases are not allowed");
	if (st->depth > DEPTH_MAX)
		return conf_fail(ld, line, "nested deeper than %d levels", DEPTH_MAX);
	if (++st->nodes > NODES_MAX)
		return conf_fail(ld, line, "more than %d YAML nodes", NODES_MAX);
	return 0;
}

/*
 * Key text passes through libyaml's input copies, events and nodes: clear
 * them before libyaml frees them, so keys do not linger in freed memory.
 * (Its scanner's growing scratch strings are out of reach.)
 */
static void wipe_parser(yaml_parser_t *p)
{
	if (p->raw_buffer.start != NULL)
		explicit_bzero(p->raw_buffer.start,
			       (size_t)(p->raw_buffer.end - p->raw_buffer.start));
	if (p->buffer.start != NULL)
		explicit_bzero(p->buffer.start,
			       (size_t)(p->buffer.end - p->buffer.start));
}

static void wipe_event(yaml_event_t *ev)
{
	if (ev->type == YAML_SCALAR_EVENT && ev->data.scalar.value != NULL)
		explicit_bzero(ev->data.scalar.value, ev->data.scalar.length);
}

static void wipe_document(yaml_document_t *doc)
{
	yaml_node_t *n;

	for (n = doc->nodes.start; n != NULL && n < doc->nodes.top; n++)
		if (n->type == YAML_SCALAR_NODE && n->data.scalar.value != NULL)
			explicit_bzero(n->data.scalar.value, n->data.scalar.length);
}

/* Syntax, aliases, document count and size, before anything is built. */
static int scan_stream(struct loader *ld, const char *buf, size_t len)
{
	struct scan st = { 0, 0, 0 };
	yaml_parser_t p;
	yaml_event_t ev;
	bool done = false;
	int rc = 0;

	if (!yaml_parser_initialize(&p)) {
		conf_fail(ld, 0, "out of memory");
		return -ENOMEM;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	while (rc == 0 && !done) {
		if (!yaml_parser_parse(&p, &ev)) {
			rc = syntax_error(ld, &p, buf, len);
			break;
		}
		rc = scan_event(ld, &ev, &st);
		done = ev.type == YAML_STREAM_END_EVENT;
		wipe_event(&ev);
		yaml_event_delete(&ev);
	}
	wipe_parser(&p);
	yaml_parser_delete(&p);
	if (rc == 0 && st.docs == 0)
		rc = conf_fail(ld, 0, "empty configuration");
	return rc;
}

/* ---- node helpers ---------------------------------------------------- */

yaml_node_t *conf_node_at(struct loader *ld, int id)
{
	return yaml_document_get_node(&ld->doc, id);
}

/* `key:` with nothing after it, or `~`: an optional section left empty. */
bool conf_is_null(const yaml_node_t *n)
{
	const char *v;

	if (n->type != YAML_SCALAR_NODE ||
	    n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	v = (const char *)n->data.scalar.value;
	return strcmp(v, "") == 0 || strcmp(v, "~") == 0 ||
	       strcmp(v, "null") == 0 || strcmp(v, "Null") == 0 ||
	       strcmp(v, "NULL") == 0;
}

static int find_key(const char *const *keys, unsigned int n, const char *k)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (strcmp(keys[i], k) == 0)
			return (int)i;
	return -1;
}

static void join_keys(const struct section *s, char *buf, size_t len)
{
	size_t off = 0;
	unsigned int i;
	int w;

	buf[0] = '\0';
	for (i = 0; i < s->n_keys && off < len; i++) {
		w = snprintf(buf + off, len - off, "%s%s", i ? ", " : "", s->keys[i]);
		if (w < 0)
			break;
		off += (size_t)w;
	}
}

/* Index of a mapping key in the section's table; unknown keys are errors. */
static int key_index(struct loader *ld, const yaml_node_t *k,
		     const struct section *s)
{
	char expected[192];
	const char *text;
	int idx, rc;

	if (k->type != YAML_SCALAR_NODE)
		return conf_fail(ld, line_of(k), "keys in %s must be scalars, not %s",
				 s->what, conf_kind_name(k));
	rc = conf_scalar(ld, k, "key", &text);
	if (rc < 0)
		return rc;
	idx = find_key(s->keys, s->n_keys, text);
	if (idx >= 0)
		return idx;
	if (find_key(s->reserved, s->n_reserved, text) >= 0)
		return conf_fail(ld, line_of(k),
				 "'%s' is reserved for IPsec and not supported by this version",
				 text);
	join_keys(s, expected, sizeof(expected));
	return conf_fail(ld, line_of(k), "unknown key '%.64s' in %s (expected %s)",
			 text, s->what, expected);
}

/*
 * Check a mapping against its section and hand back the value node of each
 * known key (NULL when absent). Unknown, duplicate and missing keys stop here.
 */
int conf_read_map(struct loader *ld, const yaml_node_t *map,
		  const struct section *s, yaml_node_t **vals)
{
	int key_line[KEYS_MAX] = { 0 };
	const yaml_node_pair_t *p;
	yaml_node_t *k;
	unsigned int i;
	int idx;

	if (map->type != YAML_MAPPING_NODE)
		return conf_fail(ld, line_of(map), "%s must be a mapping, not %s",
				 s->what, conf_kind_name(map));
	for (i = 0; i < s->n_keys; i++)
		vals[i] = NULL;
	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		k = conf_node_at(ld, p->key);
		idx = key_index(ld, k, s);
		if (idx < 0)
			return idx;
		if (key_line[idx] != 0)
			return conf_fail(ld, line_of(k),
					 "duplicate key '%s' in %s (first at line %d)",
					 s->keys[idx], s->what, key_line[idx]);
		key_line[idx] = line_of(k);
		vals[idx] = conf_node_at(ld, p->value);
	}
	for (i = 0; i < s->n_keys; i++)
		if ((s->required & (1u << i)) && vals[i] == NULL)
			return conf_fail(ld, line_of(map), "%s is missing '%s'",
					 s->what, s->keys[i]);
	return 0;
}

/* Value of `key` in a mapping already checked by conf_read_map(), or NULL. */
yaml_node_t *conf_map_get(struct loader *ld, const yaml_node_t *map,
			  const char *key)
{
	const yaml_node_pair_t *p;
	yaml_node_t *k;

	if (map->type != YAML_MAPPING_NODE)
		return NULL;
	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		k = conf_node_at(ld, p->key);
		if (k->type == YAML_SCALAR_NODE &&
		    strcmp((const char *)k->data.scalar.value, key) == 0)
			return conf_node_at(ld, p->value);
	}
	return NULL;
}

/* ---- semantic checks ------------------------------------------------- */

/* prefix_len 0: an IPv6-only interface, on no IPv4 subnet */
static bool in_subnet(const struct conf_iface *ifc, uint32_t a)
{
	return ifc->prefix_len != 0 &&
	       ((a ^ ifc->addr) & prefix_mask(ifc->prefix_len)) == 0;
}

/* Why `a` cannot be a host on a /plen link, or NULL when it can. */
static const char *host_problem(uint32_t a, unsigned int plen)
{
	uint32_t host = ~prefix_mask(plen);

	if ((a >> 24) == 0 || (a >> 24) == 127 || a >= 0xe0000000u)
		return "is not a unicast host address";
	if (plen <= 30 && (a & host) == 0)
		return "is the network address of its subnet";
	if (plen <= 30 && (a & host) == host)
		return "is the broadcast address of its subnet";
	return NULL;
}

int conf_find_iface(const struct conf *c, const char *name)
{
	unsigned int i;

	for (i = 0; i < c->n_ifaces; i++)
		if (strcmp(c->ifaces[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* Interface on which `a` is the gateway's own address, or -1. */
int conf_gateway_addr(const struct conf *c, uint32_t a)
{
	unsigned int i;

	for (i = 0; i < c->n_ifaces; i++)
		if (c->ifaces[i].prefix_len != 0 && c->ifaces[i].addr == a)
			return (int)i;
	return -1;
}

static int check_iface_pair(struct loader *ld, const struct conf_iface *a,
			    const struct conf_iface *b, yaml_node_t **v)
{
	unsigned int plen = a->prefix_len < b->prefix_len ? a->prefix_len : b->prefix_len;
	uint32_t net_a = a->addr & prefix_mask(a->prefix_len);
	uint32_t net_b = b->addr & prefix_mask(b->prefix_len);
	char s1[INET_ADDRSTRLEN], s2[INET_ADDRSTRLEN];

	if (strcmp(a->name, b->name) == 0)
		return conf_fail(ld, line_of(v[IF_NAME]),
				 "duplicate interface name '%s' (first at line %d)",
				 a->name, b->line);
	if (strcmp(a->device, b->device) == 0)
		return conf_fail(ld, line_of(v[IF_DEVICE]),
				 "device '%s' is already used by interface %s (line %d)",
				 a->device, b->name, b->line);
	if (a->prefix_len == 0 || b->prefix_len == 0)
		return 0;           /* IPv6-only: conf_check_iface6() */
	if (a->addr == b->addr)
		return conf_fail(ld, line_of(v[IF_ADDRESS]),
				 "address %s is already used by interface %s (line %d)",
				 conf_ip_str(a->addr, s1), b->name, b->line);
	/* one connected route per subnet, or forwarding would be ambiguous */
	if (((a->addr ^ b->addr) & prefix_mask(plen)) == 0)
		return conf_fail(ld, line_of(v[IF_ADDRESS]),
				 "subnet %s/%u overlaps interface %s (%s/%u, line %d)",
				 conf_ip_str(net_a, s1), a->prefix_len, b->name,
				 conf_ip_str(net_b, s2), b->prefix_len, b->line);
	return 0;
}

/* Interface idx against itself and every interface before it. */
static int check_iface(struct loader *ld, unsigned int idx, yaml_node_t **v)
{
	const struct conf_iface *ifc = &ld->c->ifaces[idx];
	char s[INET_ADDRSTRLEN];
	const char *why;
	unsigned int j;
	int rc;

	why = ifc->prefix_len != 0 ? host_problem(ifc->addr, ifc->prefix_len) : NULL;
	if (why != NULL)
		return conf_fail(ld, line_of(v[IF_ADDRESS]), "address %s/%u %s",
				 conf_ip_str(ifc->addr, s), ifc->prefix_len, why);
	for (j = 0; j < idx; j++) {
		rc = check_iface_pair(ld, ifc, &ld->c->ifaces[j], v);
		if (rc < 0)
			return rc;
	}
	return conf_check_iface6(ld, idx, v[IF_ADDRESS6]);
}

/*
 * Interface a next hop or neighbour lives on: the named one, which must hold
 * the address, or the one whose subnet does. Not the gateway's own address.
 */
static int resolve_iface(struct loader *ld, const yaml_node_t *addr_node,
			 const yaml_node_t *if_node, const char *what,
			 uint32_t a, int *out)
{
	const struct conf *c = ld->c;
	char s[INET_ADDRSTRLEN], name[CONF_NAME_MAX];
	int i, own, rc, line = line_of(addr_node);
	const char *why;

	if (if_node != NULL) {
		rc = conf_parse_name(ld, if_node, "interface", name);
		if (rc < 0)
			return rc;
		i = conf_find_iface(c, name);
		if (i < 0)
			return conf_fail(ld, line_of(if_node),
					 "interface '%s' is not defined", name);
		if (!in_subnet(&c->ifaces[i], a))
			return conf_fail(ld, line, "%s %s is not on the subnet of interface %s",
					 what, conf_ip_str(a, s), name);
	} else {
		i = conf_iface_for_addr(c, a);
		if (i < 0)
			return conf_fail(ld, line, "%s %s is not on any connected subnet",
					 what, conf_ip_str(a, s));
	}
	own = conf_gateway_addr(c, a);
	if (own >= 0)
		return conf_fail(ld, line, "%s %s is the gateway's own address (interface %s)",
				 what, conf_ip_str(a, s), c->ifaces[own].name);
	why = host_problem(a, c->ifaces[i].prefix_len);
	if (why != NULL)
		return conf_fail(ld, line, "%s %s %s", what, conf_ip_str(a, s), why);
	*out = i;
	return 0;
}

static bool same_route(const struct conf_route *a, const struct conf_route *b)
{
	if (a->family != b->family || a->prefix_len != b->prefix_len)
		return false;
	if (a->family == CONF_FAMILY_V6)
		return memcmp(a->prefix6, b->prefix6, 16) == 0;
	return a->prefix == b->prefix;
}

static int check_route(struct loader *ld, unsigned int idx, yaml_node_t **v)
{
	struct conf_route *r = &ld->c->routes[idx];
	char s[INET6_ADDRSTRLEN];
	unsigned int j;
	int rc;

	if (r->family == CONF_FAMILY_V6)
		rc = conf_resolve_iface6(ld, v[RT_VIA], v[RT_IFACE], "via", r->via6,
					 &r->iface);
	else
		rc = resolve_iface(ld, v[RT_VIA], v[RT_IFACE], "via", r->via, &r->iface);
	if (rc < 0)
		return rc;
	for (j = 0; j < idx; j++) {
		const struct conf_route *o = &ld->c->routes[j];

		if (same_route(o, r))
			return conf_fail(ld, line_of(v[RT_PREFIX]),
					 "duplicate route %s/%u (first at line %d)",
					 r->family == CONF_FAMILY_V6 ?
					 conf_ip6_str(r->prefix6, s) : conf_ip_str(r->prefix, s),
					 r->prefix_len, o->line);
	}
	return 0;
}

static int check_neigh(struct loader *ld, unsigned int idx, yaml_node_t **v)
{
	struct conf_neigh *nb = &ld->c->neighs[idx];
	bool v6 = nb->family == CONF_FAMILY_V6;
	char s[INET6_ADDRSTRLEN];
	unsigned int j;
	int rc;

	if (v6)
		rc = conf_resolve_iface6(ld, v[NB_ADDRESS], v[NB_IFACE], "neighbour",
					 nb->addr6, &nb->iface);
	else
		rc = resolve_iface(ld, v[NB_ADDRESS], v[NB_IFACE], "neighbour",
				   nb->addr, &nb->iface);
	if (rc < 0)
		return rc;
	for (j = 0; j < idx; j++) {
		const struct conf_neigh *o = &ld->c->neighs[j];

		if (o->family != nb->family || o->iface != nb->iface ||
		    (v6 ? memcmp(o->addr6, nb->addr6, 16) != 0 : o->addr != nb->addr))
			continue;
		return conf_fail(ld, line_of(v[NB_ADDRESS]),
				 "duplicate neighbour %s on %s (first at line %d)",
				 v6 ? conf_ip6_str(nb->addr6, s) : conf_ip_str(nb->addr, s),
				 ld->c->ifaces[nb->iface].name, o->line);
	}
	return 0;
}

/* ---- sections -------------------------------------------------------- */

static int parse_interface(struct loader *ld, yaml_node_t *node, unsigned int idx)
{
	struct conf_iface *ifc = &ld->c->ifaces[idx];
	yaml_node_t *v[IF_N];
	uint32_t mtu = DEF_MTU;
	struct conf_ip a;
	int rc;

	rc = conf_read_map(ld, node, &iface_sec, v);
	if (rc == 0 && v[IF_ADDRESS] == NULL && v[IF_ADDRESS6] == NULL)
		rc = conf_fail(ld, line_of(node),
			       "interface is missing 'address' or 'address6'");
	if (rc == 0)
		rc = conf_parse_name(ld, v[IF_NAME], "name", ifc->name);
	if (rc == 0)
		rc = conf_parse_device(ld, v[IF_DEVICE], ifc->device);
	if (rc == 0)
		rc = conf_parse_role(ld, v[IF_ROLE], &ifc->role);
	if (rc == 0 && v[IF_ADDRESS] != NULL) {
		rc = conf_parse_ip_prefix(ld, v[IF_ADDRESS], "address", 1,
					  CONF_FAMILY_V4, &a, &ifc->prefix_len);
		ifc->addr = a.v4;
	}
	if (rc == 0 && v[IF_ADDRESS6] != NULL) {
		rc = conf_parse_ip_prefix(ld, v[IF_ADDRESS6], "address6", 1,
					  CONF_FAMILY_V6, &a, &ifc->prefix6_len);
		memcpy(ifc->addr6, a.v6, 16);
		ifc->has_addr6 = rc == 0;
	}
	if (rc == 0 && v[IF_MTU] != NULL)
		rc = conf_parse_u32_range(ld, v[IF_MTU], "mtu", 576, 9000, &mtu);
	if (rc < 0)
		return rc;
	ifc->mtu = (uint16_t)mtu;
	ifc->line = line_of(node);
	return check_iface(ld, idx, v);
}

static int parse_route(struct loader *ld, yaml_node_t *node, unsigned int idx)
{
	struct conf_route *r = &ld->c->routes[idx];
	struct conf_ip pfx, via;
	yaml_node_t *v[RT_N];
	int rc;

	rc = conf_read_map(ld, node, &route_sec, v);
	if (rc == 0)
		rc = conf_parse_ip_network(ld, v[RT_PREFIX], "prefix", &pfx,
					   &r->prefix_len);
	if (rc == 0)
		rc = conf_parse_ip(ld, v[RT_VIA], "via", &via);
	if (rc < 0)
		return rc;
	if (pfx.family != via.family)
		return conf_fail(ld, line_of(v[RT_VIA]), "route prefix is %s but via is %s",
				 conf_family_name(pfx.family), conf_family_name(via.family));
	r->family = pfx.family;
	r->prefix = pfx.v4;
	r->via = via.v4;
	memcpy(r->prefix6, pfx.v6, 16);
	memcpy(r->via6, via.v6, 16);
	r->line = line_of(node);
	return check_route(ld, idx, v);
}

static int parse_neighbour(struct loader *ld, yaml_node_t *node, unsigned int idx)
{
	struct conf_neigh *nb = &ld->c->neighs[idx];
	yaml_node_t *v[NB_N];
	struct conf_ip a;
	int rc;

	rc = conf_read_map(ld, node, &neigh_sec, v);
	if (rc == 0)
		rc = conf_parse_ip(ld, v[NB_ADDRESS], "address", &a);
	if (rc == 0)
		rc = conf_parse_mac(ld, v[NB_MAC], "mac", nb->mac);
	if (rc < 0)
		return rc;
	nb->family = a.family;
	nb->addr = a.v4;
	memcpy(nb->addr6, a.v6, 16);
	nb->line = line_of(node);
	return check_neigh(ld, idx, v);
}

/*
 * A list section: each item parsed and checked in order, the count raised
 * as it goes so checks see exactly the items before them.
 */
int conf_parse_list(struct loader *ld, const yaml_node_t *seq, const char *key,
		    unsigned int max, conf_item_fn item, unsigned int *count)
{
	const yaml_node_item_t *it;
	unsigned int i = 0;
	int rc;

	if (seq == NULL || conf_is_null(seq))
		return 0;
	if (seq->type != YAML_SEQUENCE_NODE)
		return conf_fail(ld, line_of(seq), "'%s' must be a sequence, not %s",
				 key, conf_kind_name(seq));
	for (it = seq->data.sequence.items.start; it < seq->data.sequence.items.top; it++) {
		yaml_node_t *n = conf_node_at(ld, *it);

		if (i == max)
			return conf_fail(ld, line_of(n), "too many %s (at most %u)", key, max);
		rc = item(ld, n, i);
		if (rc < 0)
			return rc;
		*count = ++i;
	}
	return 0;
}

static int parse_nset(struct loader *ld, const yaml_node_t *node)
{
	struct conf_neigh_settings *ns = &ld->c->neigh;
	static const uint32_t lim[SN_N][2] = {
		[SN_REACHABLE] = { 1000, 3600000 },
		[SN_RETRANS] = { 100, 60000 },
		[SN_PROBES] = { 1, 10 },
		[SN_HOLD] = { 1, 64 },
	};
	uint32_t *dst[SN_N] = {
		&ns->reachable_ms, &ns->retrans_ms, &ns->max_probes, &ns->hold_packets,
	};
	yaml_node_t *v[SN_N];
	unsigned int i;
	int rc;

	if (conf_is_null(node))
		return 0;
	rc = conf_read_map(ld, node, &nset_sec, v);
	for (i = 0; rc == 0 && i < SN_N; i++)
		if (v[i] != NULL)
			rc = conf_parse_u32_range(ld, v[i], nset_keys[i], lim[i][0],
						  lim[i][1], dst[i]);
	return rc;
}

static int parse_settings(struct loader *ld, const yaml_node_t *node)
{
	yaml_node_t *v[ST_N];
	int rc;

	if (node == NULL || conf_is_null(node))
		return 0;
	rc = conf_read_map(ld, node, &settings_sec, v);
	if (rc == 0 && v[ST_NEIGHBOUR] != NULL)
		rc = parse_nset(ld, v[ST_NEIGHBOUR]);
	if (rc == 0 && v[ST_ICMP_RATE] != NULL)
		rc = conf_parse_u32_range(ld, v[ST_ICMP_RATE], "icmp_rate", 0, 100000,
					  &ld->c->icmp_rate);
	if (rc == 0 && v[ST_CRYPTO] != NULL)
		rc = conf_parse_crypto(ld, v[ST_CRYPTO]);
	return rc;
}

/* Interfaces first: routes, neighbours and SAs are checked against them. */
static int parse_top(struct loader *ld)
{
	struct conf *c = ld->c;
	yaml_node_t *root = yaml_document_get_root_node(&ld->doc);
	yaml_node_t *v[TOP_N];
	int rc;

	if (root == NULL || conf_is_null(root))
		return conf_fail(ld, 0, "empty configuration");
	rc = conf_read_map(ld, root, &top_sec, v);
	if (rc == 0)
		rc = conf_parse_list(ld, v[TOP_INTERFACES], "interfaces", CONF_IFACE_MAX,
				parse_interface, &c->n_ifaces);
	if (rc == 0 && c->n_ifaces == 0)
		rc = conf_fail(ld, line_of(v[TOP_INTERFACES]), "no interfaces configured");
	if (rc == 0)
		rc = conf_parse_list(ld, v[TOP_ROUTES], "routes", CONF_ROUTE_MAX,
				parse_route, &c->n_routes);
	if (rc == 0)
		rc = conf_parse_list(ld, v[TOP_NEIGHBOURS], "neighbours", CONF_NEIGH_MAX,
				parse_neighbour, &c->n_neighs);
	if (rc == 0)
		rc = parse_settings(ld, v[TOP_SETTINGS]);
	if (rc == 0)
		rc = conf_parse_ipsec(ld, v[TOP_SAS], v[TOP_POLICIES]);
	return rc;
}

/* Second pass: build the node tree (no aliases left to expand) and walk it. */
static int load_document(struct loader *ld, const char *buf, size_t len)
{
	yaml_parser_t p;
	int rc;

	if (!yaml_parser_initialize(&p)) {
		conf_fail(ld, 0, "out of memory");
		return -ENOMEM;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&p, &ld->doc)) {
		/* libyaml has already freed the partial document */
		rc = syntax_error(ld, &p, buf, len);
		wipe_parser(&p);
		yaml_parser_delete(&p);
		return rc;
	}
	wipe_parser(&p);
	yaml_parser_delete(&p);
	rc = parse_top(ld);
	wipe_document(&ld->doc);
	yaml_document_delete(&ld->doc);
	return rc;
}

/* ---- public ---------------------------------------------------------- */

void conf_defaults(struct conf *c)
{
	memset(c, 0, sizeof(*c));
	c->neigh.reachable_ms = DEF_REACHABLE_MS;
	c->neigh.retrans_ms = DEF_RETRANS_MS;
	c->neigh.max_probes = DEF_MAX_PROBES;
	c->neigh.hold_packets = DEF_HOLD_PACKETS;
	c->icmp_rate = DEF_ICMP_RATE;
	snprintf(c->crypto.engine, sizeof(c->crypto.engine), "%s", DEF_ENGINE);
}

void conf_wipe(struct conf *c)
{
	struct conf_sa *sa;

	if (c == NULL)
		return;
	/* every slot, not n_sas: a failed load may have keyed the next one */
	for (sa = c->sas; sa < c->sas + CONF_SA_MAX; sa++) {
		explicit_bzero(sa->key, sizeof(sa->key));
		explicit_bzero(sa->salt, sizeof(sa->salt));
	}
}

int conf_iface_for_addr(const struct conf *c, uint32_t addr)
{
	unsigned int i;

	for (i = 0; i < c->n_ifaces && i < CONF_IFACE_MAX; i++)
		if (in_subnet(&c->ifaces[i], addr))
			return (int)i;
	return -1;
}

int conf_load_buf(const char *name, const char *buf, size_t len,
		  struct conf *out, char *err, size_t errlen)
{
	struct loader ld = {
		.name = name != NULL ? name : "<buffer>",
		.err = err,
		.errlen = errlen,
		.c = out,
	};
	int rc;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (out == NULL || (buf == NULL && len > 0))
		return conf_fail(&ld, 0, "invalid arguments");
	conf_defaults(out);
	snprintf(out->path, sizeof(out->path), "%s", ld.name);
	if (len > FILE_MAX)
		return conf_fail(&ld, 0, "file is larger than %d MiB", FILE_MAX >> 20);
	if (buf == NULL)
		buf = "";
	rc = scan_stream(&ld, buf, len);
	if (rc == 0)
		rc = load_document(&ld, buf, len);
	if (rc < 0)     /* keys of the SAs before the bad line */
		conf_wipe(out);
	return rc;
}

/* Read at most FILE_MAX + 1 bytes: enough to know the file is too large. */
static int read_file(const char *path, char **bufp, size_t *lenp)
{
	size_t cap = 0, len = 0;
	char *buf = NULL, *nb;
	ssize_t n;
	int fd, rc = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		if (len == cap) {
			if (cap > FILE_MAX)
				break;      /* conf_load_buf() reports the size */
			cap = cap == 0 ? READ_CHUNK : cap * 2;
			if (cap > FILE_MAX + 1)
				cap = FILE_MAX + 1;
			nb = realloc(buf, cap);
			if (nb == NULL) {
				rc = -ENOMEM;
				break;
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			rc = -errno;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (rc < 0) {
		free(buf);
		return rc;
	}
	*bufp = buf;
	*lenp = len;
	return 0;
}

int conf_load(const char *path, struct conf *out, char *err, size_t errlen)
{
	struct loader ld = { .name = path, .err = err, .errlen = errlen };
	char *buf = NULL;
	size_t len = 0;
	int rc;

	if (path == NULL || out == NULL) {
		ld.name = "<none>";
		return conf_fail(&ld, 0, "invalid arguments");
	}
	rc = read_file(path, &buf, &len);
	if (rc < 0) {
		conf_defaults(out);
		conf_fail(&ld, 0, "%s", strerror(-rc));
		return rc;
	}
	rc = conf_load_buf(path, buf, len, out, err, errlen);
	if (buf != NULL)
		explicit_bzero(buf, len);
	free(buf);
	return rc;
}
