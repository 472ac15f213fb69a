/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Configuration values: each function takes one YAML scalar and yields one
 * checked C value (number in range, IPv4 address or prefix, MAC, name), or
 * writes "PATH:LINE: what is wrong" for the node's line. Also the error
 * formatter every part of the loader reports through.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "conf_priv.h"

/*
 * Write "NAME:LINE: message" (or "NAME: message" when line is 0) and return
 * -EINVAL. Values quoted back come from the file: control bytes are masked
 * so a crafted value cannot drive the operator's terminal.
 */
int conf_fail(struct loader *ld, int line, const char *fmt, ...)
{
	va_list ap;
	size_t n;
	int w;

	if (ld->err == NULL || ld->errlen == 0)
		return -EINVAL;
	if (line > 0)
		w = snprintf(ld->err, ld->errlen, "%s:%d: ", ld->name, line);
	else
		w = snprintf(ld->err, ld->errlen, "%s: ", ld->name);
	n = w < 0 ? 0 : (size_t)w;
	if (n < ld->errlen) {
		va_start(ap, fmt);
		vsnprintf(ld->err + n, ld->errlen - n, fmt, ap);
		va_end(ap);
	}
	for (n = 0; ld->err[n] != '\0'; n++)
		if ((unsigned char)ld->err[n] < 0x20 || ld->err[n] == 0x7f)
			ld->err[n] = '?';
	return -EINVAL;
}

const char *conf_kind_name(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_SCALAR_NODE:
		return "a scalar";
	case YAML_SEQUENCE_NODE:
		return "a sequence";
	case YAML_MAPPING_NODE:
		return "a mapping";
	default:
		return "empty";
	}
}

/* A scalar's text; "\0" escapes would make C string compares lie. */
int conf_scalar(struct loader *ld, const yaml_node_t *n, const char *key,
		const char **out)
{
	if (n->type != YAML_SCALAR_NODE)
		return conf_fail(ld, line_of(n), "'%s' must be a scalar, not %s",
				 key, conf_kind_name(n));
	if (strlen((const char *)n->data.scalar.value) != n->data.scalar.length)
		return conf_fail(ld, line_of(n), "'%s' contains a NUL character", key);
	*out = (const char *)n->data.scalar.value;
	return 0;
}

const char *conf_ip_str(uint32_t a, char buf[INET_ADDRSTRLEN])
{
	struct in_addr in = { .s_addr = htonl(a) };

	if (inet_ntop(AF_INET, &in, buf, INET_ADDRSTRLEN) == NULL)
		snprintf(buf, INET_ADDRSTRLEN, "?");
	return buf;
}

/* Pure decimal: digits only, no sign, no leading zero (YAML 1.1 octal). */
static bool dec_u32(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (s[0] == '\0' || (s[0] == '0' && s[1] != '\0'))
		return false;
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > max)        /* keeps v from wrapping on long input */
			v = max + 1;
	}
	*out = v;
	return true;
}

int conf_parse_u32_range(struct loader *ld, const yaml_node_t *n,
			 const char *key, uint32_t min, uint32_t max,
			   uint32_t *out)
{
	const char *s;
	uint64_t v;
	int rc;

	rc = conf_scalar(ld, n, key, &s);
	if (rc < 0)
		return rc;
	if (!dec_u32(s, max, &v))
		return conf_fail(ld, line_of(n), "%s '%.64s' is not a decimal number",
				 key, s);
	if (v < min || v > max)
		return conf_fail(ld, line_of(n), "%s %.64s is out of range (%u..%u)",
				 key, s, min, max);
	*out = (uint32_t)v;
	return 0;
}

/* Dotted quad via inet_pton, which refuses leading zeros and extra text. */
static int ipv4_text(struct loader *ld, int line, const char *key,
		     const char *shown, const char *text, uint32_t *out)
{
	struct in_addr a;

	if (strchr(shown, ':') != NULL)
		return conf_fail(ld, line, "IPv6 is not supported yet: %s '%.64s'",
				 key, shown);
	if (inet_pton(AF_INET, text, &a) != 1)
		return conf_fail(ld, line, "%s '%.64s' is not an IPv4 address",
				 key, shown);
	*out = ntohl(a.s_addr);
	return 0;
}

int conf_parse_ipv4(struct loader *ld, const yaml_node_t *n, const char *key,
		    uint32_t *out)
{
	const char *s;
	int rc;

	rc = conf_scalar(ld, n, key, &s);
	if (rc < 0)
		return rc;
	return ipv4_text(ld, line_of(n), key, s, s, out);
}

/* "a.b.c.d/len" with min_len <= len <= 32; host bits are the caller's call. */
int conf_parse_prefix(struct loader *ld, const yaml_node_t *n,
		      const char *key, unsigned int min_len,
			uint32_t *addr, uint8_t *len)
{
	char text[INET_ADDRSTRLEN];
	const char *s, *slash;
	uint64_t plen;
	int rc;

	rc = conf_scalar(ld, n, key, &s);
	if (rc < 0)
		return rc;
	slash = strchr(s, '/');
	if (slash == NULL && strchr(s, ':') == NULL)
		return conf_fail(ld, line_of(n),
				 "%s '%.64s' needs a prefix length, e.g. 192.0.2.1/24",
				 key, s);
	if (slash == NULL || (size_t)(slash - s) >= sizeof(text))
		return ipv4_text(ld, line_of(n), key, s, "", addr);
	memcpy(text, s, (size_t)(slash - s));
	text[slash - s] = '\0';
	rc = ipv4_text(ld, line_of(n), key, s, text, addr);
	if (rc < 0)
		return rc;
	if (!dec_u32(slash + 1, 32, &plen) || plen < min_len || plen > 32)
		return conf_fail(ld, line_of(n), "%s '%.64s': prefix length must be %u..32",
				 key, s, min_len);
	*len = (uint8_t)plen;
	return 0;
}

static int hex_nibble(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Six hex pairs joined by ':'; a static entry must name one unicast host. */
int conf_parse_mac(struct loader *ld, const yaml_node_t *n, const char *key,
		   uint8_t mac[6])
{
	const char *s;
	int i, hi, lo, rc;

	rc = conf_scalar(ld, n, key, &s);
	if (rc < 0)
		return rc;
	if (strlen(s) != 17)
		goto bad;
	for (i = 0; i < 6; i++) {
		hi = hex_nibble(s[3 * i]);
		lo = hex_nibble(s[3 * i + 1]);
		if (hi < 0 || lo < 0 || (i < 5 && s[3 * i + 2] != ':'))
			goto bad;
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	if (mac[0] & 1)
		return conf_fail(ld, line_of(n), "%s %s is a multicast address", key, s);
	if ((mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]) == 0)
		return conf_fail(ld, line_of(n), "%s %s is all zeros", key, s);
	return 0;
bad:
	return conf_fail(ld, line_of(n),
			 "%s '%.64s' is not a MAC address (expected xx:xx:xx:xx:xx:xx)",
			 key, s);
}

static bool name_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' || ch == '-';
}

/* Interface names end up in logs and telemetry paths: keep them tame. */
int conf_parse_name(struct loader *ld, const yaml_node_t *n, const char *key,
		    char out[CONF_NAME_MAX])
{
	const char *s;
	size_t i;
	int rc;

	rc = conf_scalar(ld, n, key, &s);
	if (rc < 0)
		return rc;
	for (i = 0; s[i] != '\0'; i++)
		if (!name_char(s[i]))
			break;
	if (i == 0 || s[i] != '\0' || i >= CONF_NAME_MAX)
		return conf_fail(ld, line_of(n),
				 "%s '%.64s' must be 1..%d characters of A-Z a-z 0-9 _ . -",
				 key, s, CONF_NAME_MAX - 1);
	memcpy(out, s, i + 1);
	return 0;
}

/* An ethdev name, possibly with devargs: printable, no blanks. */
int conf_parse_device(struct loader *ld, const yaml_node_t *n,
		      char out[CONF_DEVICE_MAX])
{
	const char *s;
	size_t i;
	int rc;

	rc = conf_scalar(ld, n, "device", &s);
	if (rc < 0)
		return rc;
	for (i = 0; s[i] != '\0'; i++)
		if (s[i] <= ' ' || s[i] >= 0x7f)
			break;
	if (i == 0 || s[i] != '\0' || i >= CONF_DEVICE_MAX)
		return conf_fail(ld, line_of(n),
				 "device '%.64s' must be 1..%d printable characters without blanks",
				 s, CONF_DEVICE_MAX - 1);
	memcpy(out, s, i + 1);
	return 0;
}

int conf_parse_role(struct loader *ld, const yaml_node_t *n,
		    enum conf_role *out)
{
	const char *s;
	int rc;

	rc = conf_scalar(ld, n, "role", &s);
	if (rc < 0)
		return rc;
	if (strcmp(s, "public") == 0)
		*out = CONF_ROLE_PUBLIC;
	else if (strcmp(s, "private") == 0)
		*out = CONF_ROLE_PRIVATE;
	else
		return conf_fail(ld, line_of(n), "role '%.64s' must be public or private", s);
	return 0;
}
