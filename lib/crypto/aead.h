/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * AEAD for the ESP data path (RFC 4106 AES-GCM): one interface, several
 * engines (drivers/crypto: Intel IPsec-MB, DPDK cryptodev; OpenSSL as the
 * reference the tests compare against). The engine is chosen once, in the
 * configuration; a worker calls it per burst through the ops table.
 *
 * Key schedules are precomputed when an SA is installed (control lcore) and
 * wiped when it dies. Each worker owns one engine context (for IPsec-MB, its
 * IMB_MGR); nothing is shared between lcores on the hot path.
 */
#ifndef ESPGW_AEAD_H
#define ESPGW_AEAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum aead_alg {
	AEAD_AES_GCM_128 = 1,   /* 16-byte key */
	AEAD_AES_GCM_256,       /* 32-byte key */
};

enum {
	AEAD_IV_LEN = 12,       /* RFC 4106: 4-byte salt + 8-byte explicit IV */
	AEAD_TAG_LEN = 16,      /* ICV of ESP AES-GCM-16 */
	AEAD_AAD_MAX = 12,      /* SPI + 64-bit ESN sequence number */
	AEAD_KEY_MAX = 32,
	/* engine-private precomputed key data: round keys and GHASH tables */
	AEAD_KEY_DATA_SIZE = 1024,
};

/* A precomputed key, owned by an SA's data-path runtime. */
struct aead_key {
	enum aead_alg alg;
	uint32_t key_len;
	uint8_t data[AEAD_KEY_DATA_SIZE] __attribute__((aligned(64)));
};

/* One operation of a burst, in place: data is replaced by its ciphertext
 * (encrypt) or plaintext (decrypt). */
struct aead_op {
	const struct aead_key *key;
	/* the mbuf (one segment) that data and tag lie in, or NULL for a plain
	 * buffer: engines that work on mbufs (cryptodev) use it to avoid a copy */
	struct rte_mbuf *mb;
	const uint8_t *iv;      /* AEAD_IV_LEN bytes */
	const uint8_t *aad;
	uint32_t aad_len;       /* 8, or 12 with ESN */
	uint8_t *data;
	uint32_t len;
	uint8_t *tag;           /* AEAD_TAG_LEN: written (encrypt), checked (decrypt) */
};

struct rte_mbuf;

struct aead_engine {
	const char *name;
	/* optional, control lcore, once before any ctx_create: the device the
	 * engine drives ("cryptodev": a cryptodev name) and how many contexts
	 * (worker lcores) will be created. 0 or -errno. */
	int (*setup)(const char *device, unsigned int n_ctx, int socket);
	/* optional: undo setup() once every context is freed */
	void (*teardown)(void);
	/* per-lcore context (socket: where to allocate); NULL on failure */
	void *(*ctx_create)(int socket);
	void (*ctx_free)(void *ctx);
	/* precompute; 0 or -EINVAL (bad length) / -ENOTSUP (engine lacks it) */
	int (*key_init)(void *ctx, struct aead_key *k, enum aead_alg alg,
			const uint8_t *key, uint32_t key_len);
	/* optional: release what key_init holds outside k (a cryptodev session);
	 * aead_key_wipe() calls it before clearing k */
	void (*key_free)(struct aead_key *k);
	/* n operations; ok[i] tells whether op i succeeded (decrypt: the tag
	 * verified, compared in constant time). Returns how many succeeded. */
	uint16_t (*encrypt_burst)(void *ctx, struct aead_op ops[], uint16_t n, bool ok[]);
	uint16_t (*decrypt_burst)(void *ctx, struct aead_op ops[], uint16_t n, bool ok[]);
};

/** Wipe a key schedule (explicit_bzero), after eng->key_free when the
 * engine has one: call when the SA dies. */
void aead_key_wipe(const struct aead_engine *eng, struct aead_key *k);

/** Engines compiled in; NULL-terminated. */
extern const struct aead_engine *const aead_engines[];

/** Engine by its configuration name ("ipsec-mb", "openssl", ...), or NULL. */
const struct aead_engine *aead_engine_find(const char *name);

#endif /* ESPGW_AEAD_H */
