/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What AEAD engines (drivers/crypto/) share with the registry and nothing
 * else does: their ops tables, context memory on a NUMA socket, the log
 * type, the key length check. Control lcore only; nothing here is hot.
 */
#ifndef ESPGW_AEAD_PRIV_H
#define ESPGW_AEAD_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include <rte_log.h>

#include "lib/crypto/aead.h"

/* Engines, one per drivers/crypto/<name>/aead_<name>.c */
extern const struct aead_engine aead_engine_ipsec_mb;
extern const struct aead_engine aead_engine_openssl;
extern const struct aead_engine aead_engine_cryptodev;

extern int aead_logtype;
#define AEAD_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, aead_logtype, "crypto: " fmt "\n", ## __VA_ARGS__)

/*
 * Zeroed memory for a per-lcore engine context, 64-byte aligned, on the
 * given NUMA node (libnuma, so it works before and without EAL); socket < 0
 * means anywhere. NULL and errno on failure.
 */
void *aead_ctx_mem_alloc(size_t size, int socket);
void aead_ctx_mem_free(void *p);

/* 0 when key_len is the length alg requires (RFC 4106 §8.1, without the
 * 4-byte salt, which travels in the IV), -EINVAL when not, -ENOTSUP when
 * alg is unknown. */
int aead_key_len_check(enum aead_alg alg, uint32_t key_len);

#endif /* ESPGW_AEAD_PRIV_H */
