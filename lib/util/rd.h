/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Bounded reader over untrusted bytes. Every read checks what is left first
 * and fails in one place, so parsers never cast packet bytes to a struct and
 * check afterwards (STYLE.md §4). Once a read fails the reader stays failed,
 * so a parser can read a whole header and test rd_ok() once.
 */
#ifndef ESPGW_RD_H
#define ESPGW_RD_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

struct rd {
	const uint8_t *p;
	uint32_t left;
	bool failed;
};

static inline void rd_init(struct rd *r, const void *buf, uint32_t len)
{
	r->p = buf;
	r->left = len;
	r->failed = false;
}

static inline bool rd_ok(const struct rd *r) { return !r->failed; }

/* Offset of the read position from `base`, the buffer rd_init() was given. */
static inline uint32_t rd_off(const struct rd *r, const void *base)
{
	return (uint32_t)(r->p - (const uint8_t *)base);
}

static inline bool rd_need(struct rd *r, uint32_t n)
{
	if (r->failed || r->left < n) {
		r->failed = true;
		return false;
	}
	return true;
}

static inline bool rd_skip(struct rd *r, uint32_t n)
{
	if (!rd_need(r, n))
		return false;
	r->p += n;
	r->left -= n;
	return true;
}

static inline bool rd_bytes(struct rd *r, void *dst, uint32_t n)
{
	if (!rd_need(r, n))
		return false;
	memcpy(dst, r->p, n);
	r->p += n;
	r->left -= n;
	return true;
}

static inline uint8_t rd_u8(struct rd *r)
{
	uint8_t v = 0;

	if (rd_need(r, 1)) {
		v = r->p[0];
		r->p++;
		r->left--;
	}
	return v;
}

/* Network byte order in, host order out. */
static inline uint16_t rd_be16(struct rd *r)
{
	uint16_t v = 0;

	if (rd_need(r, 2)) {
		v = (uint16_t)(r->p[0] << 8 | r->p[1]);
		r->p += 2;
		r->left -= 2;
	}
	return v;
}

static inline uint32_t rd_be32(struct rd *r)
{
	uint32_t v = 0;

	if (rd_need(r, 4)) {
		v = (uint32_t)r->p[0] << 24 | (uint32_t)r->p[1] << 16 |
		    (uint32_t)r->p[2] << 8 | r->p[3];
		r->p += 4;
		r->left -= 4;
	}
	return v;
}

/* A sub-reader over the next n bytes; the parent skips them. */
static inline struct rd rd_sub(struct rd *r, uint32_t n)
{
	struct rd s = { .p = r->p, .left = 0, .failed = true };

	if (rd_need(r, n)) {
		s.left = n;
		s.failed = false;
		r->p += n;
		r->left -= n;
	}
	return s;
}

#endif /* ESPGW_RD_H */
