/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Private to lib/conf: the state of one load and the value parsers that
 * conf_load.c (structure, relations, public API) uses from conf_value.c
 * (one YAML scalar -> one checked C value, and the error text).
 */
#ifndef ESPGW_CONF_PRIV_H
#define ESPGW_CONF_PRIV_H

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

#endif /* ESPGW_CONF_PRIV_H */
