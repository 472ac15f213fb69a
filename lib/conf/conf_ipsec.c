/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IPsec part of the configuration: data-path crypto ("settings:
 * crypto:"), static SAs ("sas:") and outbound policies ("policies:"). Each
 * item is checked as it is read; names, SPIs and the SAs policies refer to
 * are checked once the whole list is in. Main lcore at start-up only. Key
 * and salt text is never quoted back in a message.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_priv.h"

enum {
	DEF_REPLAY_WINDOW = 128,
	DEF_NATT_PORT = 4500,          /* RFC 3948 §2 */
	DEF_PRIORITY = 1000,
	SPI_MIN = 256,                 /* 1..255 reserved, 0 invalid: RFC 4303 §2.1 */
	REPLAY_MIN = 64,
	REPLAY_MAX = 65536,
	IPPROTO_NUM_TCP = 6,
	IPPROTO_NUM_UDP = 17,
	IPPROTO_NUM_ICMP = 1,
};

enum { CR_ENGINE, CR_DEVICE, CR_N };
enum {
	SA_NAME, SA_DIRECTION, SA_SPI, SA_MODE, SA_AEAD, SA_KEY, SA_SALT, SA_ESN,
	SA_REPLAY, SA_LOCAL, SA_PEER, SA_NATT, SA_PEER_PORT, SA_SELECTOR,
	SA_LIFETIME, SA_N
};
enum { SEL_SRC, SEL_DST, SEL_N };
enum { LT_SOFT_BYTES, LT_HARD_BYTES, LT_SOFT_PACKETS, LT_HARD_PACKETS, LT_N };
enum {
	PO_SRC, PO_DST, PO_FAMILY, PO_PROTO, PO_SPORT, PO_DPORT, PO_PRIORITY,
	PO_ACTION, PO_SA, PO_N
};
_Static_assert((int)SA_N <= KEYS_MAX && (int)PO_N <= KEYS_MAX &&
	       (int)CR_N <= KEYS_MAX, "raise KEYS_MAX");

static const char *const crypto_keys[CR_N] = { "engine", "device" };
static const char *const sa_keys[SA_N] = {
	"name", "direction", "spi", "mode", "aead", "key", "salt", "esn",
	"replay_window", "local", "peer", "nat_t", "peer_port", "selector",
	"lifetime",
};
static const char *const sel_keys[SEL_N] = { "src", "dst" };
static const char *const lt_keys[LT_N] = {
	"soft_bytes", "hard_bytes", "soft_packets", "hard_packets",
};
static const char *const policy_keys[PO_N] = {
	"src", "dst", "family", "proto", "sport", "dport", "priority", "action", "sa",
};

static const struct section crypto_sec = {
	.what = "settings.crypto", .keys = crypto_keys, .n_keys = CR_N,
};
static const struct section sa_sec = {
	.what = "sa", .keys = sa_keys, .n_keys = SA_N,
	.required = (1u << SA_NAME) | (1u << SA_DIRECTION) | (1u << SA_SPI) |
		    (1u << SA_AEAD) | (1u << SA_KEY) | (1u << SA_SALT) |
		    (1u << SA_PEER),
};
static const struct section sel_sec = {
	.what = "sa.selector", .keys = sel_keys, .n_keys = SEL_N,
};
static const struct section lt_sec = {
	.what = "sa.lifetime", .keys = lt_keys, .n_keys = LT_N,
};
static const struct section policy_sec = {
	.what = "policy", .keys = policy_keys, .n_keys = PO_N,
	.required = 1u << PO_ACTION,
};

/* Word tables, indexed by the enum value minus one. */
static const char *const engine_words[] = { "ipsec-mb", "openssl", "cryptodev" };
enum { ENGINE_CRYPTODEV = 2 };
static const char *const dir_words[] = { "in", "out" };
static const char *const mode_words[] = { "tunnel", "transport" };
static const char *const aead_words[] = { "aes-gcm-128", "aes-gcm-256" };
static const uint8_t aead_key_len[] = { 16, 32 };
static const char *const action_words[] = { "protect", "bypass", "discard" };
static const char *const family_words[] = { "ipv4", "ipv6" };

/* ---- settings: crypto: ------------------------------------------------ */

int conf_parse_crypto(struct loader *ld, const yaml_node_t *node)
{
	struct conf_crypto *cr = &ld->c->crypto;
	yaml_node_t *v[CR_N];
	unsigned int e = 0;
	int rc;

	if (conf_is_null(node))
		return 0;
	rc = conf_read_map(ld, node, &crypto_sec, v);
	if (rc == 0 && v[CR_ENGINE] != NULL)
		rc = conf_parse_word(ld, v[CR_ENGINE], "engine", engine_words, 3, &e);
	if (rc < 0)
		return rc;
	snprintf(cr->engine, sizeof(cr->engine), "%s", engine_words[e]);
	if (e != ENGINE_CRYPTODEV && v[CR_DEVICE] != NULL)
		return conf_fail(ld, line_of(v[CR_DEVICE]),
				 "device is only for engine cryptodev, not %s",
				 engine_words[e]);
	if (e == ENGINE_CRYPTODEV && v[CR_DEVICE] == NULL)
		return conf_fail(ld, line_of(node),
				 "settings.crypto is missing 'device' (engine cryptodev needs a cryptodev name)");
	if (e == ENGINE_CRYPTODEV)
		return conf_parse_device(ld, v[CR_DEVICE], cr->device);
	return 0;
}

/* ---- sas: ------------------------------------------------------------- */

/* src into p4 or p6, as its family says. */
static void set_prefix(const struct conf_ip *a, uint8_t len, struct conf_prefix *p4,
		       struct conf_prefix6 *p6)
{
	if (a->family == CONF_FAMILY_V6) {
		memcpy(p6->addr, a->v6, 16);
		p6->len = len;
	} else {
		p4->addr = a->v4;
		p4->len = len;
	}
}

/*
 * The src and dst prefixes of a selector or a policy: each optional, both
 * of one family. *family is that family, or 0 when neither is given.
 */
static int parse_src_dst(struct loader *ld, const yaml_node_t *src,
			 const yaml_node_t *dst, const char *what, uint8_t *family,
			 struct conf_prefix *s4, struct conf_prefix *d4,
			 struct conf_prefix6 *s6, struct conf_prefix6 *d6)
{
	struct conf_ip a, b;
	uint8_t la, lb;
	int rc = 0;

	a.family = b.family = 0;
	if (src != NULL)
		rc = conf_parse_ip_network(ld, src, "src", &a, &la);
	if (rc == 0 && dst != NULL)
		rc = conf_parse_ip_network(ld, dst, "dst", &b, &lb);
	if (rc < 0)
		return rc;
	if (src != NULL && dst != NULL && a.family != b.family)
		return conf_fail(ld, line_of(dst), "%ssrc is %s but dst is %s", what,
				 conf_family_name(a.family), conf_family_name(b.family));
	if (src != NULL)
		set_prefix(&a, la, s4, s6);
	if (dst != NULL)
		set_prefix(&b, lb, d4, d6);
	*family = src != NULL ? a.family : b.family;
	return 0;
}

static int parse_selector(struct loader *ld, const yaml_node_t *node,
			  struct conf_sa *sa)
{
	yaml_node_t *v[SEL_N];
	int rc;

	if (conf_is_null(node))
		return 0;
	rc = conf_read_map(ld, node, &sel_sec, v);
	if (rc == 0)
		rc = parse_src_dst(ld, v[SEL_SRC], v[SEL_DST], "selector ",
				   &sa->sel_family, &sa->sel_src, &sa->sel_dst,
				   &sa->sel6_src, &sa->sel6_dst);
	return rc;
}

static int parse_lifetime(struct loader *ld, const yaml_node_t *node,
			  struct conf_sa *sa)
{
	uint64_t *dst[LT_N] = {
		&sa->soft_bytes, &sa->hard_bytes, &sa->soft_packets, &sa->hard_packets,
	};
	yaml_node_t *v[LT_N];
	unsigned int i;
	int rc;

	if (conf_is_null(node))
		return 0;
	rc = conf_read_map(ld, node, &lt_sec, v);
	for (i = 0; rc == 0 && i < LT_N; i++)
		if (v[i] != NULL)
			rc = conf_parse_u64(ld, v[i], lt_keys[i], dst[i]);
	if (rc < 0)
		return rc;
	/* soft warns (rekey) before hard kills: it must come first */
	for (i = 0; i < LT_N; i += 2)
		if (*dst[i] != 0 && *dst[i + 1] != 0 && *dst[i] >= *dst[i + 1])
			return conf_fail(ld, line_of(v[i]),
					 "%s %llu must be less than %s %llu",
					 lt_keys[i], (unsigned long long)*dst[i],
					 lt_keys[i + 1], (unsigned long long)*dst[i + 1]);
	return 0;
}

static bool has_family(const struct conf_iface *ifc, unsigned int family)
{
	return family == CONF_FAMILY_V6 ? ifc->has_addr6 : ifc->prefix_len != 0;
}

/* An explicit local: one of our public addresses, of either family. */
static int sa_local(struct loader *ld, const yaml_node_t *lnode,
		    struct conf_ip *local)
{
	const struct conf *c = ld->c;
	char s[INET6_ADDRSTRLEN];
	int own, rc;

	rc = conf_parse_ip(ld, lnode, "local", local);
	if (rc < 0)
		return rc;
	own = local->family == CONF_FAMILY_V6 ? conf_gateway_addr6(c, local->v6) :
	      conf_gateway_addr(c, local->v4);
	if (own >= 0 && c->ifaces[own].role == CONF_ROLE_PUBLIC)
		return 0;
	if (own >= 0)
		return conf_fail(ld, line_of(lnode),
				 "local %s is the address of interface %s, which is not public",
				 conf_ipx_str(local, s), c->ifaces[own].name);
	return conf_fail(ld, line_of(lnode),
			 "local %s is not the address of a public interface",
			 conf_ipx_str(local, s));
}

/* No local: the first public interface with an address of the peer's family. */
static int sa_default_local(struct loader *ld, const yaml_node_t *node,
			    struct conf_ip *local, unsigned int family)
{
	const struct conf *c = ld->c;
	unsigned int i;

	for (i = 0; i < c->n_ifaces; i++) {
		const struct conf_iface *ifc = &c->ifaces[i];

		if (ifc->role != CONF_ROLE_PUBLIC || !has_family(ifc, family))
			continue;
		memset(local, 0, sizeof(*local));
		local->family = (uint8_t)family;
		if (family == CONF_FAMILY_V6)
			memcpy(local->v6, ifc->addr6, 16);
		else
			local->v4 = ifc->addr;
		return 0;
	}
	return conf_fail(ld, line_of(node),
			 "sa has no 'local' and no public interface has an %s address",
			 conf_family_name(family));
}

static int sa_peer(struct loader *ld, const yaml_node_t *pnode, struct conf_ip *p)
{
	char s[INET6_ADDRSTRLEN];
	const char *why;
	uint32_t a;
	int own, rc;

	rc = conf_parse_ip(ld, pnode, "peer", p);
	if (rc < 0)
		return rc;
	conf_ipx_str(p, s);
	if (p->family == CONF_FAMILY_V6) {
		why = conf_ip6_special(p->v6);
		if (why != NULL)
			return conf_fail(ld, line_of(pnode), "peer %s %s", s, why);
		if (conf_ip6_link_local(p->v6))
			return conf_fail(ld, line_of(pnode),
					 "peer %s is link-local; an SA's peer needs a routable address",
					 s);
		own = conf_gateway_addr6(ld->c, p->v6);
	} else {
		a = p->v4;
		if ((a >> 24) == 0 || (a >> 24) == 127 || a >= 0xe0000000u)
			return conf_fail(ld, line_of(pnode),
					 "peer %s is not a unicast address", s);
		own = conf_gateway_addr(ld->c, a);
	}
	if (own >= 0)
		return conf_fail(ld, line_of(pnode),
				 "peer %s is the gateway's own address (interface %s)",
				 s, ld->c->ifaces[own].name);
	return 0;
}

/*
 * local and peer: one outer family. An explicit local is checked before
 * the peer; with none at all, a missing public interface is reported first.
 */
static int sa_addresses(struct loader *ld, const yaml_node_t *node,
			yaml_node_t **v, struct conf_sa *sa)
{
	const struct conf *c = ld->c;
	struct conf_ip local, peer;
	unsigned int i;
	int rc;

	if (v[SA_LOCAL] == NULL) {
		for (i = 0; i < c->n_ifaces; i++)
			if (c->ifaces[i].role == CONF_ROLE_PUBLIC)
				break;
		if (i == c->n_ifaces)
			return conf_fail(ld, line_of(node),
					 "sa has no 'local' and no interface has role public");
	} else {
		rc = sa_local(ld, v[SA_LOCAL], &local);
		if (rc < 0)
			return rc;
	}
	rc = sa_peer(ld, v[SA_PEER], &peer);
	if (rc < 0)
		return rc;
	if (v[SA_LOCAL] != NULL && local.family != peer.family)
		return conf_fail(ld, line_of(v[SA_PEER]), "local is %s but peer is %s",
				 conf_family_name(local.family),
				 conf_family_name(peer.family));
	if (v[SA_LOCAL] == NULL) {
		rc = sa_default_local(ld, node, &local, peer.family);
		if (rc < 0)
			return rc;
	}
	sa->family = peer.family;
	sa->local = local.v4;
	sa->peer = peer.v4;
	memcpy(sa->local6, local.v6, 16);
	memcpy(sa->peer6, peer.v6, 16);
	/* transport keeps the packet's own header: inner family = outer */
	if (sa->mode == CONF_SA_TRANSPORT && sa->sel_family != 0 &&
	    sa->sel_family != sa->family)
		return conf_fail(ld, line_of(v[SA_SELECTOR]),
				 "selector is %s but this transport SA's peer is %s "
				 "(transport carries packets of its outer family)",
				 conf_family_name(sa->sel_family),
				 conf_family_name(sa->family));
	return 0;
}

/* The keys that only make sense one way round. */
static int sa_direction_keys(struct loader *ld, yaml_node_t **v, struct conf_sa *sa)
{
	int rc = 0;

	if (sa->dir == CONF_SA_OUT) {
		if (v[SA_REPLAY] != NULL)
			return conf_fail(ld, line_of(v[SA_REPLAY]),
					 "replay_window is only for in SAs");
		if (v[SA_SELECTOR] != NULL)
			return conf_fail(ld, line_of(v[SA_SELECTOR]),
					 "selector is only for in SAs (policies choose what an out SA carries)");
		return 0;
	}
	sa->replay_window = DEF_REPLAY_WINDOW;
	if (v[SA_REPLAY] != NULL)
		rc = conf_parse_u32_range(ld, v[SA_REPLAY], "replay_window",
					  0, REPLAY_MAX, &sa->replay_window);
	if (rc < 0)
		return rc;
	/* 0 turns anti-replay off (RFC 4303 §3.4.3 leaves it to the
	 * receiver); ESN needs the window to infer the high half */
	if (sa->replay_window == 0 && sa->esn)
		return conf_fail(ld, line_of(v[SA_REPLAY]),
				 "replay_window 0 (anti-replay off) cannot be used with esn: "
				 "the high half of a sequence number is inferred from the window");
	if (sa->replay_window != 0 &&
	    (sa->replay_window < REPLAY_MIN ||
	     (sa->replay_window & (sa->replay_window - 1)) != 0))
		return conf_fail(ld, line_of(v[SA_REPLAY]),
				 "replay_window %u is not 0 (off) nor a power of two %u..%u",
				 sa->replay_window, REPLAY_MIN, REPLAY_MAX);
	if (v[SA_SELECTOR] != NULL)
		rc = parse_selector(ld, v[SA_SELECTOR], sa);
	return rc;
}

static int sa_natt(struct loader *ld, yaml_node_t **v, struct conf_sa *sa)
{
	uint32_t port = DEF_NATT_PORT;
	int rc = 0;

	if (v[SA_NATT] != NULL)
		rc = conf_parse_bool(ld, v[SA_NATT], "nat_t", &sa->natt);
	if (rc < 0)
		return rc;
	if (v[SA_PEER_PORT] != NULL && !sa->natt)
		return conf_fail(ld, line_of(v[SA_PEER_PORT]),
				 "peer_port needs nat_t: true");
	if (v[SA_PEER_PORT] != NULL)
		rc = conf_parse_u32_range(ld, v[SA_PEER_PORT], "peer_port", 1, 65535,
					  &port);
	if (rc == 0 && sa->natt)
		sa->peer_port = (uint16_t)port;
	return rc;
}

static int parse_sa(struct loader *ld, yaml_node_t *node, unsigned int idx)
{
	struct conf_sa *sa = &ld->c->sas[idx];
	unsigned int dir = 0, mode = 0, aead = 0;
	yaml_node_t *v[SA_N];
	int rc;

	rc = conf_read_map(ld, node, &sa_sec, v);
	if (rc == 0)
		rc = conf_parse_name(ld, v[SA_NAME], "name", sa->name);
	if (rc == 0)
		rc = conf_parse_word(ld, v[SA_DIRECTION], "direction", dir_words, 2, &dir);
	if (rc == 0)
		rc = conf_parse_u32_hex(ld, v[SA_SPI], "spi", SPI_MIN, UINT32_MAX,
					"0 is invalid, 1..255 reserved: RFC 4303 §2.1",
					&sa->spi);
	if (rc == 0 && v[SA_MODE] != NULL)
		rc = conf_parse_word(ld, v[SA_MODE], "mode", mode_words, 2, &mode);
	if (rc == 0)
		rc = conf_parse_word(ld, v[SA_AEAD], "aead", aead_words, 2, &aead);
	if (rc < 0)
		return rc;
	sa->dir = (enum conf_sa_dir)(dir + 1);
	sa->mode = (enum conf_sa_mode)(mode + 1);
	sa->aead = (enum conf_aead)(aead + 1);
	sa->key_len = aead_key_len[aead];
	rc = conf_parse_secret(ld, v[SA_KEY], "key", sa->key_len, aead_words[aead],
			       sa->key);
	if (rc == 0)
		rc = conf_parse_secret(ld, v[SA_SALT], "salt", CONF_SALT_LEN,
				       "AES-GCM (RFC 4106 §4)", sa->salt);
	if (rc == 0 && v[SA_ESN] != NULL)
		rc = conf_parse_bool(ld, v[SA_ESN], "esn", &sa->esn);
	if (rc == 0)
		rc = sa_direction_keys(ld, v, sa);
	if (rc == 0)
		rc = sa_addresses(ld, node, v, sa);
	if (rc == 0)
		rc = sa_natt(ld, v, sa);
	if (rc == 0 && v[SA_LIFETIME] != NULL)
		rc = parse_lifetime(ld, v[SA_LIFETIME], sa);
	sa->line = line_of(node);
	return rc;
}

/* ---- uniqueness and references, once every SA is in ------------------- */

/* SA index sorted by name (ties: file order), for duplicates and lookups. */
struct by_name {
	const char *name;
	unsigned int idx;
};

struct by_spi {
	uint64_t key;           /* dir << 32 | spi: unique per direction */
	unsigned int idx;
};

static int cmp_name(const void *a, const void *b)
{
	const struct by_name *x = a, *y = b;
	int r = strcmp(x->name, y->name);

	if (r != 0)
		return r;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int cmp_spi(const void *a, const void *b)
{
	const struct by_spi *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* bsearch: names are unique by then, so the name alone finds the SA. */
static int cmp_name_only(const void *a, const void *b)
{
	const struct by_name *x = a, *y = b;

	return strcmp(x->name, y->name);
}

/* The value node of `key` in the idx-th item of a list section. */
static yaml_node_t *item_value(struct loader *ld, const yaml_node_t *seq,
			       unsigned int idx, const char *key)
{
	return conf_map_get(ld, conf_node_at(ld, seq->data.sequence.items.start[idx]),
			    key);
}

/*
 * Report the duplicate that comes first in the file: of each run of equal
 * keys, every item but the run's first is a duplicate of that first one.
 */
static int check_names(struct loader *ld, const yaml_node_t *seq,
		       const struct by_name *nm, unsigned int n)
{
	const struct conf_sa *sas = ld->c->sas;
	unsigned int i, first = 0, dup = n, orig = 0;

	for (i = 1; i < n; i++) {
		if (strcmp(nm[i].name, nm[first].name) != 0) {
			first = i;
			continue;
		}
		if (dup == n || nm[i].idx < dup) {
			dup = nm[i].idx;
			orig = nm[first].idx;
		}
	}
	if (dup == n)
		return 0;
	return conf_fail(ld, line_of(item_value(ld, seq, dup, "name")),
			 "duplicate SA name '%s' (first at line %d)",
			 sas[dup].name, sas[orig].line);
}

static int check_spis(struct loader *ld, const yaml_node_t *seq, unsigned int n)
{
	const struct conf_sa *sas = ld->c->sas;
	unsigned int i, first = 0, dup = n, orig = 0;
	struct by_spi *sp;

	sp = malloc((n ? n : 1) * sizeof(*sp));
	if (sp == NULL) {
		conf_fail(ld, 0, "out of memory");
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		sp[i].key = (uint64_t)sas[i].dir << 32 | sas[i].spi;
		sp[i].idx = i;
	}
	qsort(sp, n, sizeof(*sp), cmp_spi);
	for (i = 1; i < n; i++) {
		if (sp[i].key != sp[first].key) {
			first = i;
			continue;
		}
		if (dup == n || sp[i].idx < dup) {
			dup = sp[i].idx;
			orig = sp[first].idx;
		}
	}
	free(sp);
	if (dup == n)
		return 0;
	return conf_fail(ld, line_of(item_value(ld, seq, dup, "spi")),
			 "spi 0x%x is already used by %s SA %s (line %d)",
			 sas[dup].spi, dir_words[sas[dup].dir - 1], sas[orig].name,
			 sas[orig].line);
}

/* Each protect policy's `sa` to the index of an out SA. */
static int resolve_policies(struct loader *ld, const yaml_node_t *seq,
			    const struct by_name *nm, unsigned int n_sas)
{
	struct conf *c = ld->c;
	struct by_name want, *hit;
	const struct conf_sa *sa;
	const yaml_node_t *sn;
	unsigned int i;

	for (i = 0; i < c->n_policies; i++) {
		struct conf_policy *po = &c->policies[i];

		if (po->action != CONF_POLICY_PROTECT)
			continue;
		sn = item_value(ld, seq, i, "sa");
		want.name = (const char *)sn->data.scalar.value;
		want.idx = 0;
		hit = n_sas == 0 ? NULL :
		      bsearch(&want, nm, n_sas, sizeof(*nm), cmp_name_only);
		if (hit == NULL)
			return conf_fail(ld, po->line, "policy refers to unknown SA '%s'",
					 want.name);
		sa = &c->sas[hit->idx];
		if (sa->dir != CONF_SA_OUT)
			return conf_fail(ld, po->line,
					 "policy refers to SA %s (line %d), which is an in SA; protect needs an out SA",
					 want.name, sa->line);
		/* a tunnel carries either family; transport only its own */
		if (sa->mode == CONF_SA_TRANSPORT && sa->family != po->family)
			return conf_fail(ld, po->line,
					 "policy is %s but SA %s (line %d) is a transport SA to an %s peer; "
					 "transport carries packets of its outer family",
					 conf_family_name(po->family), want.name, sa->line,
					 conf_family_name(sa->family));
		po->sa = (int)hit->idx;
	}
	return 0;
}

/* ---- policies: -------------------------------------------------------- */

static int parse_proto(struct loader *ld, const yaml_node_t *n, uint16_t *out)
{
	static const char *const words[] = { "any", "tcp", "udp", "icmp" };
	static const uint16_t num[] = {
		CONF_PROTO_ANY, IPPROTO_NUM_TCP, IPPROTO_NUM_UDP, IPPROTO_NUM_ICMP,
	};
	const char *s;
	unsigned int i;
	uint32_t p;
	int rc;

	rc = conf_scalar(ld, n, "proto", &s);
	if (rc < 0)
		return rc;
	if (s[0] >= '0' && s[0] <= '9') {
		rc = conf_parse_u32_range(ld, n, "proto", 0, 255, &p);
		if (rc == 0)
			*out = (uint16_t)p;
		return rc;
	}
	for (i = 0; i < 4; i++)
		if (strcmp(s, words[i]) == 0) {
			*out = num[i];
			return 0;
		}
	return conf_fail(ld, line_of(n),
			 "proto '%.64s' must be any, tcp, udp, icmp or a number 0..255", s);
}

static int parse_ports(struct loader *ld, yaml_node_t **v, struct conf_policy *po)
{
	char proto[8];
	int rc = 0;

	po->sport_hi = po->dport_hi = 65535;
	if (v[PO_SPORT] == NULL && v[PO_DPORT] == NULL)
		return 0;
	if (po->proto != IPPROTO_NUM_TCP && po->proto != IPPROTO_NUM_UDP) {
		if (po->proto == CONF_PROTO_ANY)
			snprintf(proto, sizeof(proto), "any");
		else if (po->proto == IPPROTO_NUM_ICMP)
			snprintf(proto, sizeof(proto), "icmp");
		else
			snprintf(proto, sizeof(proto), "%u", po->proto);
		return conf_fail(ld, line_of(v[PO_SPORT] ? v[PO_SPORT] : v[PO_DPORT]),
				 "%s needs proto tcp or udp, not %s",
				 v[PO_SPORT] ? "sport" : "dport", proto);
	}
	if (v[PO_SPORT] != NULL)
		rc = conf_parse_port_range(ld, v[PO_SPORT], "sport", &po->sport_lo,
					   &po->sport_hi);
	if (rc == 0 && v[PO_DPORT] != NULL)
		rc = conf_parse_port_range(ld, v[PO_DPORT], "dport", &po->dport_lo,
					   &po->dport_hi);
	return rc;
}

/*
 * src, dst and family: prefixes of one family, which `family:` (needed only
 * for an IPv6 policy without prefixes) must not contradict. IPv4 when
 * nothing says.
 */
static int policy_family(struct loader *ld, yaml_node_t **v, struct conf_policy *po)
{
	const yaml_node_t *an;
	const char *text;
	unsigned int f = 0;
	uint8_t fam;
	int rc;

	rc = parse_src_dst(ld, v[PO_SRC], v[PO_DST], "", &fam, &po->src, &po->dst,
			   &po->src6, &po->dst6);
	if (rc == 0 && v[PO_FAMILY] != NULL)
		rc = conf_parse_word(ld, v[PO_FAMILY], "family", family_words, 2, &f);
	if (rc < 0)
		return rc;
	f = f == 1 ? CONF_FAMILY_V6 : CONF_FAMILY_V4;
	po->family = fam != 0 ? fam : (uint8_t)f;
	if (v[PO_FAMILY] == NULL || fam == 0 || fam == f)
		return 0;
	/* quote the prefix that says otherwise (a scalar, read above) */
	an = v[PO_SRC] != NULL ? v[PO_SRC] : v[PO_DST];
	text = (const char *)an->data.scalar.value;
	return conf_fail(ld, line_of(v[PO_FAMILY]), "family %s contradicts %s %.64s (%s)",
			 family_words[f == CONF_FAMILY_V6],
			 an == v[PO_SRC] ? "src" : "dst", text, conf_family_name(fam));
}

static int parse_policy(struct loader *ld, yaml_node_t *node, unsigned int idx)
{
	struct conf_policy *po = &ld->c->policies[idx];
	char name[CONF_NAME_MAX];
	unsigned int act = 0;
	yaml_node_t *v[PO_N];
	int rc;

	po->proto = CONF_PROTO_ANY;
	po->priority = DEF_PRIORITY;
	po->sa = -1;
	po->line = line_of(node);
	rc = conf_read_map(ld, node, &policy_sec, v);
	if (rc == 0)
		rc = policy_family(ld, v, po);
	if (rc == 0 && v[PO_PROTO] != NULL)
		rc = parse_proto(ld, v[PO_PROTO], &po->proto);
	if (rc == 0)
		rc = parse_ports(ld, v, po);
	if (rc == 0 && v[PO_PRIORITY] != NULL)
		rc = conf_parse_u32_range(ld, v[PO_PRIORITY], "priority", 0, UINT32_MAX,
					  &po->priority);
	if (rc == 0)
		rc = conf_parse_word(ld, v[PO_ACTION], "action", action_words, 3, &act);
	if (rc < 0)
		return rc;
	po->action = (enum conf_policy_action)(act + 1);
	if (po->action == CONF_POLICY_PROTECT && v[PO_SA] == NULL)
		return conf_fail(ld, po->line, "policy with action protect needs 'sa'");
	if (po->action != CONF_POLICY_PROTECT && v[PO_SA] != NULL)
		return conf_fail(ld, line_of(v[PO_SA]), "sa is only for action protect, not %s",
				 action_words[act]);
	/* the name is resolved once every SA is known (resolve_policies) */
	if (v[PO_SA] != NULL)
		return conf_parse_name(ld, v[PO_SA], "sa", name);
	return 0;
}

int conf_parse_ipsec(struct loader *ld, const yaml_node_t *sas,
		     const yaml_node_t *policies)
{
	struct conf *c = ld->c;
	struct by_name *nm;
	unsigned int i;
	int rc;

	rc = conf_parse_list(ld, sas, "sas", CONF_SA_MAX, parse_sa, &c->n_sas);
	if (rc < 0)
		return rc;
	nm = malloc((c->n_sas ? c->n_sas : 1) * sizeof(*nm));
	if (nm == NULL) {
		conf_fail(ld, 0, "out of memory");
		return -ENOMEM;
	}
	for (i = 0; i < c->n_sas; i++) {
		nm[i].name = c->sas[i].name;
		nm[i].idx = i;
	}
	qsort(nm, c->n_sas, sizeof(*nm), cmp_name);
	rc = check_names(ld, sas, nm, c->n_sas);
	if (rc == 0)
		rc = check_spis(ld, sas, c->n_sas);
	if (rc == 0)
		rc = conf_parse_list(ld, policies, "policies", CONF_POLICY_MAX,
				     parse_policy, &c->n_policies);
	if (rc == 0)
		rc = resolve_policies(ld, policies, nm, c->n_sas);
	free(nm);
	return rc;
}
