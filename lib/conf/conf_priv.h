/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Private to lib/conf: the state of one load and the value parsers that
 * conf_load.c (structure, relations, public API) uses from conf_value.c
 * (one YAML scalar -> one checked C value, and the error text).
 */
#ifndef ESPGW_CONF_PRIV_H
#define ESPGW_CONF_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
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

/*
 * conf_value.c: one scalar node each; `key` names the value in messages.
 * Return 0, or -EINVAL with the error written (line of the node).
 */
int conf_scalar(struct loader *ld, const yaml_node_t *n, const char *key,
		const char **out);
int conf_parse_u32_range(struct loader *ld, const yaml_node_t *n,
			 const char *key, uint32_t min, uint32_t max,
			 uint32_t *out);
int conf_parse_ipv4(struct loader *ld, const yaml_node_t *n, const char *key,
		    uint32_t *out);
int conf_parse_prefix(struct loader *ld, const yaml_node_t *n, const char *key,
		      unsigned int min_len, uint32_t *addr, uint8_t *len);
int conf_parse_mac(struct loader *ld, const yaml_node_t *n, const char *key,
		   uint8_t mac[6]);
int conf_parse_name(struct loader *ld, const yaml_node_t *n, const char *key,
		    char out[CONF_NAME_MAX]);
int conf_parse_device(struct loader *ld, const yaml_node_t *n,
		      char out[CONF_DEVICE_MAX]);
int conf_parse_role(struct loader *ld, const yaml_node_t *n,
		    enum conf_role *out);
/* "a.b.c.d/len", 0..32, host bits zero (the message suggests the network) */
int conf_parse_network(struct loader *ld, const yaml_node_t *n, const char *key,
		       uint32_t *addr, uint8_t *len);
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
