/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Shared by esp_inb.c and esp_outb.c: burst bookkeeping (good packets kept
 * in order at the front, rejects behind with a reason, STYLE §3) and the
 * RFC 4106 nonce and AAD. Worker lcores.
 */
#ifndef ESPGW_ESP_PRIV_H
#define ESPGW_ESP_PRIV_H

#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_mbuf.h>

#include "lib/esp/esp.h"
#include "lib/sa/sa.h"
#include "lib/util/util.h"

/* The rejects of one chunk of at most ESPGW_MAX_BURST packets. */
struct esp_rejects {
	uint16_t n;
	uint8_t why[ESPGW_MAX_BURST];
	struct rte_mbuf *mb[ESPGW_MAX_BURST];
};

static inline void
esp_reject(struct esp_rejects *r, struct rte_mbuf *m, uint8_t why)
{
	r->mb[r->n] = m;
	r->why[r->n++] = why;
}

/* Put a chunk's rejects behind its ng good packets at mb[0 .. ng-1]. */
static inline void
esp_rejects_put(const struct esp_rejects *r, struct rte_mbuf *mb[],
		uint8_t drop[], uint16_t ng)
{
	memcpy(&mb[ng], r->mb, r->n * sizeof(mb[0]));
	memcpy(&drop[ng], r->why, r->n);
}

/*
 * Bursts above ESPGW_MAX_BURST go by chunks. Before: good [0, good),
 * rejects [good, at), the new chunk's good [at, at + ng) then its rejects.
 * Rotate so that all good packets come first; only for the second chunk on.
 */
static inline void
esp_chunk_merge(struct rte_mbuf *mb[], uint8_t drop[], uint16_t good,
		uint16_t at, uint16_t ng)
{
	struct rte_mbuf *tmp[ESPGW_MAX_BURST];

	if (at == good || ng == 0)
		return;
	memcpy(tmp, &mb[at], ng * sizeof(mb[0]));
	memmove(&mb[good + ng], &mb[good], (size_t)(at - good) * sizeof(mb[0]));
	memmove(&drop[good + ng], &drop[good], (size_t)(at - good));
	memcpy(&mb[good], tmp, ng * sizeof(mb[0]));
}

/* Which of the eight handler variants (ESN x NAT-T x outer IPv6) an SA's
 * flags select: bit 0 ESN, bit 1 NAT-T, bit 2 outer IPv6; the same order in
 * both directions' tables. */
static inline unsigned int
esp_variant(uint8_t sa_flags)
{
	return ((sa_flags & SA_F_ESN) ? 1u : 0u) | ((sa_flags & SA_F_NATT) ? 2u : 0u) |
	       ((sa_flags & SA_F_OUTER_V6) ? 4u : 0u);
}

/* IPv6 traffic class (RFC 8200 §3): bits 4-11 of the header. */
static inline uint8_t
esp_ip6_tc(const uint8_t *ip6)
{
	return (uint8_t)((ip6[0] << 4) | (ip6[1] >> 4));
}

/*
 * RFC 8200 §4 and the IANA "IPv6 Extension Header Types" registry: hop by
 * hop (0), routing (43), fragment (44), destination options (60), AH (51),
 * mobility (135), HIP (139), shim6 (140), experiments (253, 254). ESP is
 * inserted after the fixed header only, so a packet starting with one of
 * these cannot go out in transport mode.
 */
static inline bool
esp_ip6_ext_hdr(uint8_t nh)
{
	switch (nh) {
	case 0: case 43: case 44: case 51: case 60:
	case 135: case 139: case 140: case 253: case 254:
		return true;
	default:
		return false;
	}
}

/* The first @p len bits (0..128; more is 128) of @p a and @p prefix match. */
static inline bool
esp_prefix6_match(const uint8_t a[16], const uint8_t prefix[16], uint8_t len)
{
	unsigned int full, rem;

	if (len > 128)
		len = 128;
	full = len / 8u;
	rem = len % 8u;
	if (memcmp(a, prefix, full) != 0)
		return false;
	return rem == 0 ||
	       ((a[full] ^ prefix[full]) & (uint8_t)(0xff00u >> rem)) == 0;
}

/* RFC 4106 §4: nonce = 4-byte salt | 8-byte explicit IV. */
static inline void
esp_nonce(uint8_t nonce[AEAD_IV_LEN], const uint8_t salt[4], const uint8_t *iv)
{
	memcpy(nonce, salt, 4);
	memcpy(nonce + 4, iv, ESP_IV_LEN);
}

/*
 * RFC 4106 §5: AAD = SPI | seq (8 bytes), or with ESN SPI | seq high | seq
 * low (12 bytes). @p hdr is the ESP header on the wire. Returns the length.
 */
static __rte_always_inline uint32_t
esp_aad(uint8_t aad[AEAD_AAD_MAX], const uint8_t *hdr, uint64_t seq64,
	const bool esn)
{
	rte_be32_t hi;

	if (!esn) {
		memcpy(aad, hdr, ESP_HDR_LEN);
		return ESP_HDR_LEN;
	}
	hi = rte_cpu_to_be_32((uint32_t)(seq64 >> 32));
	memcpy(aad, hdr, 4);
	memcpy(aad + 4, &hi, 4);
	memcpy(aad + 8, hdr + 4, 4);
	return AEAD_AAD_MAX;
}

#endif /* ESPGW_ESP_PRIV_H */
