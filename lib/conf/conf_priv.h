/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Private to lib/conf: the state of one load and the value parsers that
 * conf_load.c (structure, relations, public API) uses from conf_value.c
 * (one YAML scalar -> one checked C value, and the error text), and the
 * IPv6 relations of conf_ip6.c.
 */
#ifndef ESPGW_CONF_PRIV_H
#define ESPGW_CONF_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include <arpa/inet.h>
#include <yaml.h>

#include "conf.h"

/* State of one load; passed explicitly, nothing global. */
struct loader {
	const char *name;       /* path or buffer name, prefix of every error */
	char *err;
	size_t errlen;
	yaml_document_t doc;
	struct conf *c;
};

/* libyaml marks count lines from 0, operators from 1. */
static inline int line_of(const yaml_node_t *n)
{
	return (int)n->start_mark.line + 1;
}

static inline uint32_t prefix_mask(unsigned int len)
{
	return len == 0 ? 0 : UINT32_MAX << (32 - len);
}

/* out = a with all but the first len (0..128) bits cleared. */
static inline void ip6_net(const uint8_t a[16], unsigned int len, uint8_t out[16])
{
	unsigned int i, bits;

	for (i = 0; i < 16; i++) {
		bits = len > 8 * i ? len - 8 * i : 0;
		out[i] = bits >= 8 ? a[i] :
			 (uint8_t)(a[i] & (uint8_t)(0xff00u >> bits));
	}
}

/* The first len bits of a and b are equal. */
static inline bool ip6_same_net(const uint8_t a[16], const uint8_t b[16],
				unsigned int len)
{
	uint8_t na[16], nb[16];

	ip6_net(a, len, na);
	ip6_net(b, len, nb);
	return memcmp(na, nb, 16) == 0;
}

/* An address of either family, as one scalar yields it. */
struct conf_ip {
	uint8_t family;         /* CONF_FAMILY_V4 or CONF_FAMILY_V6 */
	uint32_t v4;            /* host order */
	uint8_t v6[16];         /* network order */
};

enum { KEYS_MAX = 16 };   /* most keys any one mapping accepts ("sas") */

/* The keys one kind of mapping accepts; bit i of `required` marks keys[i]. */
struct section {
	const char *what;                   /* "interface", used in messages */
	const char *const *keys;
	unsigned int n_keys;
	unsigned int required;
	const char *const *reserved;        /* known, but refused */
	unsigned int n_reserved;
};

/* One item of a list section, written to index idx of its array. */
typedef int (*conf_item_fn)(struct loader *ld, yaml_node_t *node, unsigned int idx);

/* conf_load.c: structure shared by every section */
yaml_node_t *conf_node_at(struct loader *ld, int id);
bool conf_is_null(const yaml_node_t *n);
int conf_read_map(struct loader *ld, const yaml_node_t *map,
		  const struct section *s, yaml_node_t **vals);
yaml_node_t *conf_map_get(struct loader *ld, const yaml_node_t *map,
			  const char *key);
int conf_parse_list(struct loader *ld, const yaml_node_t *seq, const char *key,
		    unsigned int max, conf_item_fn item, unsigned int *count);
int conf_gateway_addr(const struct conf *c, uint32_t a);
int conf_find_iface(const struct conf *c, const char *name);

/* conf_ip6.c: IPv6 addresses of interfaces, next hops and neighbours */
const char *conf_ip6_special(const uint8_t a[16]);
bool conf_ip6_link_local(const uint8_t a[16]);
int conf_gateway_addr6(const struct conf *c, const uint8_t a[16]);
/* interface idx's address6 (value node n) against itself and the ones before */
int conf_check_iface6(struct loader *ld, unsigned int idx, const yaml_node_t *n);
/* like resolve_iface() in conf_load.c, for an IPv6 next hop or neighbour */
int conf_resolve_iface6(struct loader *ld, const yaml_node_t *addr_node,
			const yaml_node_t *if_node, const char *what,
			const uint8_t a[16], int *out);

/* conf_ipsec.c: "settings: crypto:", then "sas:" and "policies:" together
 * (policies name SAs that may come later in the file) */
int conf_parse_crypto(struct loader *ld, const yaml_node_t *node);
int conf_parse_ipsec(struct loader *ld, const yaml_node_t *sas,
		     const yaml_node_t *policies);

/* conf_value.c: messages */
int conf_fail(struct loader *ld, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
const char *conf_kind_name(const yaml_node_t *n);
const char *conf_ip_str(uint32_t a, char buf[INET_ADDRSTRLEN]);
const char *conf_ip6_str(const uint8_t a[16], char buf[INET6_ADDRSTRLEN]);
const char *conf_ipx_str(const struct conf_ip *a, char buf[INET6_ADDRSTRLEN]);
const char *conf_family_name(unsigned int family);   /* "IPv4", "IPv6" */

/*
 * conf_value.c: one scalar node each; `key` names the value in messages.
 * Return 0, or -EINVAL with the error written (line of the node).
 */
int conf_scalar(struct loader *ld, const yaml_node_t *n, const char *key,
		const char **out);
int conf_parse_u32_range(struct loader *ld, const yaml_node_t *n,
			 const char *key, uint32_t min, uint32_t max,
			 uint32_t *out);
/* an address of either family, no prefix length */
int conf_parse_ip(struct loader *ld, const yaml_node_t *n, const char *key,
		  struct conf_ip *out);
/* "addr/len", min_len..32 or ..128; want: 0 (either family) or the family */
int conf_parse_ip_prefix(struct loader *ld, const yaml_node_t *n,
			 const char *key, unsigned int min_len, unsigned int want,
			 struct conf_ip *addr, uint8_t *len);
int conf_parse_mac(struct loader *ld, const yaml_node_t *n, const char *key,
		   uint8_t mac[6]);
int conf_parse_name(struct loader *ld, const yaml_node_t *n, const char *key,
		    char out[CONF_NAME_MAX]);
int conf_parse_device(struct loader *ld, const yaml_node_t *n,
		      char out[CONF_DEVICE_MAX]);
int conf_parse_role(struct loader *ld, const yaml_node_t *n,
		    enum conf_role *out);
/* a prefix of either family, host bits zero (the message suggests the network) */
int conf_parse_ip_network(struct loader *ld, const yaml_node_t *n,
			  const char *key, struct conf_ip *addr, uint8_t *len);
int conf_parse_u64(struct loader *ld, const yaml_node_t *n, const char *key,
		   uint64_t *out);
/* decimal or 0x-hex, min..max */
int conf_parse_u32_hex(struct loader *ld, const yaml_node_t *n, const char *key,
		       uint32_t min, uint32_t max, const char *why, uint32_t *out);
int conf_parse_bool(struct loader *ld, const yaml_node_t *n, const char *key,
		    uint8_t *out);
/* one of words[]; *out is its index */
int conf_parse_word(struct loader *ld, const yaml_node_t *n, const char *key,
		    const char *const *words, unsigned int n_words,
		    unsigned int *out);
/* "N" or "N-M", N <= M, each 0..65535 */
int conf_parse_port_range(struct loader *ld, const yaml_node_t *n,
			  const char *key, uint16_t *lo, uint16_t *hi);
/*
 * Key material: "0x" and exactly `want` bytes of hex, `what` naming who
 * needs that many ("aes-gcm-256"). Messages never quote the text; nothing
 * is written to out unless the whole value is good.
 */
int conf_parse_secret(struct loader *ld, const yaml_node_t *n, const char *key,
		      size_t want, const char *what, uint8_t *out);

#endif /* ESPGW_CONF_PRIV_H */
