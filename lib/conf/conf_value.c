/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Configuration values: each function takes one YAML scalar and yields one
 * checked C value (number in range, IPv4 or IPv6 address or prefix, MAC,
 * name), or writes "PATH:LINE: what is wrong" for the node's line. Also the
 * error formatter every part of the loader reports through.
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

/* RFC 5952 canonical text, as inet_ntop writes it. */
const char *conf_ip6_str(const uint8_t a[16], char buf[INET6_ADDRSTRLEN])
{
	if (inet_ntop(AF_INET6, a, buf, INET6_ADDRSTRLEN) == NULL)
		snprintf(buf, INET6_ADDRSTRLEN, "?");
	return buf;
}

const char *conf_ipx_str(const struct conf_ip *a, char buf[INET6_ADDRSTRLEN])
{
	if (a->family == CONF_FAMILY_V6)
		return conf_ip6_str(a->v6, buf);
	return conf_ip_str(a->v4, buf);
}

const char *conf_family_name(unsigned int family)
{
	return family == CONF_FAMILY_V6 ? "IPv6" : "IPv4";
}

enum num { NUM_OK, NUM_BAD, NUM_RANGE };

/*
 * Pure decimal: digits only, no sign, no leading zero (YAML 1.1 octal).
 * NUM_RANGE when above max, checked before each step so nothing wraps.
 */
static enum num dec_num(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	bool over = false;
	uint64_t v = 0;
	unsigned int d;
	size_t i;

	if (len == 0 || (s[0] == '0' && len > 1))
		return NUM_BAD;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return NUM_BAD;
		d = (unsigned int)(s[i] - '0');
		if (over || v > (max - d) / 10)
			over = true;
		else
			v = v * 10 + d;
	}
	if (over)
		return NUM_RANGE;
	*out = v;
	return NUM_OK;
}

static int hex_nibble(char ch);

/* "0x" and 1+ hex digits; leading zeros are fine. */
static enum num hex_num(const char *s, uint64_t max, uint64_t *out)
{
	bool over = false;
	uint64_t v = 0;
	size_t i;
	int d;

	if (s[0] != '0' || s[1] != 'x' || s[2] == '\0')
		return NUM_BAD;
	for (i = 2; s[i] != '\0'; i++) {
		d = hex_nibble(s[i]);
		if (d < 0)
			return NUM_BAD;
		if (over || v > (max - (unsigned int)d) / 16)
			over = true;
		else
			v = v * 16 + (unsigned int)d;
	}
	if (over)
		return NUM_RANGE;
	*out = v;
	return NUM_OK;
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
	switch (dec_num(s, strlen(s), max, &v)) {
	case NUM_BAD:
		return conf_fail(ld, line_of(n), "%s '%.64s' is not a decimal number",
				 key, s);
	case NUM_RANGE:
		v = (uint64_t)max + 1;
		break;
	case NUM_OK:
		break;
	}
	if (v < min || v > max)
		return conf_fail(ld, line_of(n), "%s %.64s is out of range (%u..%u)",
				 key, s, min, max);
	*out = (uint32_t)v;
	return 0;
}

/*
 * One address, IPv6 when the text has a ':' (is_v6), else IPv4; inet_pton
 * either way, which refuses leading zeros, zone ids and extra text. `shown`
 * is the whole value for messages, `text` its address part; `want` is 0
 * (either family) or the one family the key takes.
 */
static int addr_text(struct loader *ld, int line, const char *key,
		     const char *shown, const char *text, bool is_v6,
		     unsigned int want, struct conf_ip *out)
{
	struct in_addr a;

	memset(out, 0, sizeof(*out));
	if (is_v6 && want == CONF_FAMILY_V4)
		return conf_fail(ld, line, "%s '%.64s' is IPv6: write it as %s6",
				 key, shown, key);
	if (!is_v6 && want == CONF_FAMILY_V6)
		return conf_fail(ld, line, "%s '%.64s' is not an IPv6 address",
				 key, shown);
	if (is_v6) {
		if (inet_pton(AF_INET6, text, out->v6) != 1)
			return conf_fail(ld, line, "%s '%.64s' is not an IPv6 address",
					 key, shown);
		out->family = CONF_FAMILY_V6;
		return 0;
	}
	if (inet_pton(AF_INET, text, &a) != 1)
		return conf_fail(ld, line, "%s '%.64s' is not an IPv4 address",
				 key, shown);
	out->family = CONF_FAMILY_V4;
	out->v4 = ntohl(a.s_addr);
	return 0;
}

int conf_parse_ip(struct loader *ld, const yaml_node_t *n, const char *key,
		  struct conf_ip *out)
{
	const char *s;
	int rc;

	rc = conf_scalar(ld, n, key, &s);
	if (rc < 0)
		return rc;
	return addr_text(ld, line_of(n), key, s, s, strchr(s, ':') != NULL, 0, out);
}

/*
 * "addr/len", min_len <= len <= 32 (IPv4) or 128 (IPv6); host bits are the
 * caller's call. The family is the address part's: a ':' makes it IPv6.
 */
int conf_parse_ip_prefix(struct loader *ld, const yaml_node_t *n,
			 const char *key, unsigned int min_len, unsigned int want,
			 struct conf_ip *addr, uint8_t *len)
{
	char text[INET6_ADDRSTRLEN];
	const char *s, *slash;
	unsigned int max;
	uint64_t plen;
	size_t alen;
	bool v6, fam_ok;
	int rc;

	rc = conf_scalar(ld, n, key, &s);
	if (rc < 0)
		return rc;
	slash = strchr(s, '/');
	alen = slash != NULL ? (size_t)(slash - s) : strlen(s);
	v6 = memchr(s, ':', alen) != NULL;
	fam_ok = want == 0 || want == (v6 ? CONF_FAMILY_V6 : CONF_FAMILY_V4);
	if (slash == NULL && fam_ok)   /* else addr_text names the family */
		return conf_fail(ld, line_of(n),
				 "%s '%.64s' needs a prefix length, e.g. %s",
				 key, s, v6 ? "2001:db8::1/64" : "192.0.2.1/24");
	/* too long for any address: inet_pton of "" says so */
	text[0] = '\0';
	if (alen < sizeof(text)) {
		memcpy(text, s, alen);
		text[alen] = '\0';
	}
	rc = addr_text(ld, line_of(n), key, s, text, v6, want, addr);
	if (rc < 0)
		return rc;
	max = v6 ? 128 : 32;
	if (dec_num(slash + 1, strlen(slash + 1), max, &plen) != NUM_OK ||
	    plen < min_len)
		return conf_fail(ld, line_of(n), "%s '%.64s': prefix length must be %u..%u",
				 key, s, min_len, max);
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

int conf_parse_ip_network(struct loader *ld, const yaml_node_t *n,
			  const char *key, struct conf_ip *addr, uint8_t *len)
{
	char s1[INET6_ADDRSTRLEN], s2[INET6_ADDRSTRLEN];
	struct conf_ip net;
	uint32_t mask;
	int rc;

	rc = conf_parse_ip_prefix(ld, n, key, 0, 0, addr, len);
	if (rc < 0)
		return rc;
	net = *addr;
	if (addr->family == CONF_FAMILY_V6) {
		ip6_net(addr->v6, *len, net.v6);
		if (memcmp(net.v6, addr->v6, 16) == 0)
			return 0;
	} else {
		mask = prefix_mask(*len);
		net.v4 = addr->v4 & mask;
		if (net.v4 == addr->v4)
			return 0;
	}
	return conf_fail(ld, line_of(n), "%s/%u has host bits set; did you mean %s/%u?",
			 conf_ipx_str(addr, s1), *len, conf_ipx_str(&net, s2), *len);
}

int conf_parse_u64(struct loader *ld, const yaml_node_t *n, const char *key,
		   uint64_t *out)
{
	const char *s;
	int rc;

	rc = conf_scalar(ld, n, key, &s);
	if (rc < 0)
		return rc;
	switch (dec_num(s, strlen(s), UINT64_MAX, out)) {
	case NUM_BAD:
		return conf_fail(ld, line_of(n), "%s '%.64s' is not a decimal number",
				 key, s);
	case NUM_RANGE:
		return conf_fail(ld, line_of(n), "%s %.64s is out of range (0..%llu)",
				 key, s, (unsigned long long)UINT64_MAX);
	case NUM_OK:
		break;
	}
	return 0;
}

/* `why`, when not NULL, is added to the range message in parentheses. */
int conf_parse_u32_hex(struct loader *ld, const yaml_node_t *n, const char *key,
		       uint32_t min, uint32_t max, const char *why, uint32_t *out)
{
	const char *s;
	enum num r;
	uint64_t v;
	int rc;

	rc = conf_scalar(ld, n, key, &s);
	if (rc < 0)
		return rc;
	if (s[0] == '0' && s[1] == 'x')
		r = hex_num(s, max, &v);
	else
		r = dec_num(s, strlen(s), max, &v);
	if (r == NUM_BAD)
		return conf_fail(ld, line_of(n),
				 "%s '%.64s' is not a number (decimal or 0x-hex)", key, s);
	if (r == NUM_RANGE || v < min)
		return conf_fail(ld, line_of(n), "%s %.64s is out of range (%u..%u%s%s)",
				 key, s, min, max, why ? "; " : "", why ? why : "");
	*out = (uint32_t)v;
	return 0;
}

/* Only the two spellings an operator means; YAML 1.1's yes/on/y are not. */
int conf_parse_bool(struct loader *ld, const yaml_node_t *n, const char *key,
		    uint8_t *out)
{
	static const char *const words[] = { "false", "true" };
	unsigned int i;
	int rc;

	rc = conf_parse_word(ld, n, key, words, 2, &i);
	if (rc == 0)
		*out = (uint8_t)i;
	return rc;
}

int conf_parse_word(struct loader *ld, const yaml_node_t *n, const char *key,
		    const char *const *words, unsigned int n_words,
		    unsigned int *out)
{
	char list[128];
	size_t off = 0;
	const char *s;
	unsigned int i;
	int rc, w;

	rc = conf_scalar(ld, n, key, &s);
	if (rc < 0)
		return rc;
	for (i = 0; i < n_words; i++)
		if (strcmp(s, words[i]) == 0) {
			*out = i;
			return 0;
		}
	list[0] = '\0';
	for (i = 0; i < n_words && off < sizeof(list); i++) {
		w = snprintf(list + off, sizeof(list) - off, "%s%s",
			     i == 0 ? "" : i + 1 == n_words ? " or " : ", ", words[i]);
		if (w < 0)
			break;
		off += (size_t)w;
	}
	return conf_fail(ld, line_of(n), "%s '%.64s' must be %s", key, s, list);
}

int conf_parse_port_range(struct loader *ld, const yaml_node_t *n,
			  const char *key, uint16_t *lo, uint16_t *hi)
{
	uint64_t a, b;
	const char *s, *dash;
	int rc;

	rc = conf_scalar(ld, n, key, &s);
	if (rc < 0)
		return rc;
	dash = strchr(s, '-');
	if (dash == NULL) {
		if (dec_num(s, strlen(s), 65535, &a) != NUM_OK)
			goto bad;
		b = a;
	} else if (dec_num(s, (size_t)(dash - s), 65535, &a) != NUM_OK ||
		   dec_num(dash + 1, strlen(dash + 1), 65535, &b) != NUM_OK) {
		goto bad;
	}
	if (a > b)
		return conf_fail(ld, line_of(n),
				 "%s range %.64s is reversed (write %u-%u)",
				 key, s, (unsigned int)b, (unsigned int)a);
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return 0;
bad:
	return conf_fail(ld, line_of(n),
			 "%s '%.64s' must be a port or a range N-M (0..65535)", key, s);
}

int conf_parse_secret(struct loader *ld, const yaml_node_t *n, const char *key,
		      size_t want, const char *what, uint8_t *out)
{
	const char *s;
	size_t i, digits;
	int rc;

	rc = conf_scalar(ld, n, key, &s);
	if (rc < 0)
		return rc;
	if (s[0] != '0' || s[1] != 'x')
		return conf_fail(ld, line_of(n),
				 "%s must be written as 0x followed by hex digits", key);
	s += 2;
	digits = strlen(s);
	for (i = 0; i < digits; i++)
		if (hex_nibble(s[i]) < 0)     /* position only: never the text */
			return conf_fail(ld, line_of(n),
					 "%s: character %zu is not a hex digit",
					 key, i + 3);
	if (digits % 2 != 0)
		return conf_fail(ld, line_of(n),
				 "%s has an odd number of hex digits (%zu)", key, digits);
	if (digits / 2 != want)
		return conf_fail(ld, line_of(n), "%s has %zu bytes, %s needs %zu",
				 key, digits / 2, what, want);
	for (i = 0; i < want; i++)
		out[i] = (uint8_t)(hex_nibble(s[2 * i]) << 4 | hex_nibble(s[2 * i + 1]));
	return 0;
}
