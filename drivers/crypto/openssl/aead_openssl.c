/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * AEAD engine "openssl": ESP AES-GCM-128/256 (RFC 4106) through OpenSSL 3
 * EVP. The reference the tests hold the fast engines against: correct,
 * not fast (the key schedule is redone for every op). One context per lcore.
 */
#include <errno.h>
#include <string.h>

#include <openssl/evp.h>
#include <rte_branch_prediction.h>
#include <rte_errno.h>

#include "lib/crypto/aead.h"
#include "lib/crypto/aead_priv.h"

enum { N_ALG = 2 };

struct ossl_ctx {
	/* one EVP context per algorithm, bound to its cipher once, so an op
	 * only loads key and IV (no cipher fetch, no allocation) */
	EVP_CIPHER_CTX *evp[N_ALG];
};

static void ossl_ctx_free(void *ctx)
{
	struct ossl_ctx *c = ctx;
	unsigned int a;

	if (c == NULL)
		return;
	for (a = 0; a < N_ALG; a++)
		EVP_CIPHER_CTX_free(c->evp[a]); /* cleans the key schedule */
	aead_ctx_mem_free(c);
}

static void *ossl_ctx_create(int socket)
{
	const EVP_CIPHER *cipher[N_ALG] = { EVP_aes_128_gcm(), EVP_aes_256_gcm() };
	struct ossl_ctx *c;
	unsigned int a;

	c = aead_ctx_mem_alloc(sizeof(*c), socket);
	if (c == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	for (a = 0; a < N_ALG; a++) {
		c->evp[a] = EVP_CIPHER_CTX_new();
		if (c->evp[a] == NULL ||
		    EVP_CipherInit_ex(c->evp[a], cipher[a], NULL, NULL, NULL, 1) != 1)
			goto fail;
		/* 12 is OpenSSL's default; RFC 4106 §4 fixes it, say so */
		if (EVP_CIPHER_CTX_ctrl(c->evp[a], EVP_CTRL_GCM_SET_IVLEN,
					AEAD_IV_LEN, NULL) != 1)
			goto fail;
	}
	return c;
fail:
	AEAD_LOG(ERR, "openssl: cannot set up AES-GCM contexts");
	ossl_ctx_free(c);
	rte_errno = ENOTSUP;
	return NULL;
}

/* The raw key is all this engine needs: EVP expands it per op. */
static int ossl_key_init(void *ctx, struct aead_key *k, enum aead_alg alg,
			 const uint8_t *key, uint32_t key_len)
{
	int rc = aead_key_len_check(alg, key_len);

	if (rc != 0)
		return rc;
	explicit_bzero(k, sizeof(*k));
	memcpy(k->data, key, key_len);
	k->alg = alg;
	k->key_len = key_len;
	return 0;
}

static inline unsigned int alg_index(const struct aead_key *k)
{
	return (unsigned int)k->alg - 1u;
}

/* One RFC 5116 operation, in place. enc: writes op->tag; !enc: checks it
 * (EVP_DecryptFinal_ex compares with CRYPTO_memcmp, in constant time). */
static bool gcm_op(EVP_CIPHER_CTX *e, struct aead_op *op, int enc)
{
	uint8_t none[AEAD_TAG_LEN]; /* Final's output: GCM leaves it empty */
	int outl;

	if (EVP_CipherInit_ex(e, NULL, NULL, op->key->data, op->iv, enc) != 1)
		return false;
	if (op->aad_len > 0 &&
	    EVP_CipherUpdate(e, NULL, &outl, op->aad, (int)op->aad_len) != 1)
		return false;
	if (op->len > 0 &&
	    EVP_CipherUpdate(e, op->data, &outl, op->data, (int)op->len) != 1)
		return false;
	if (!enc && EVP_CIPHER_CTX_ctrl(e, EVP_CTRL_GCM_SET_TAG, AEAD_TAG_LEN,
					op->tag) != 1)
		return false;
	/* GCM is a stream mode: Final writes no bytes; decrypting, it is
	 * where the tag is checked */
	if (EVP_CipherFinal_ex(e, none, &outl) != 1)
		return false;
	return !enc || EVP_CIPHER_CTX_ctrl(e, EVP_CTRL_GCM_GET_TAG, AEAD_TAG_LEN,
					   op->tag) == 1;
}

static uint16_t ossl_burst(struct ossl_ctx *c, struct aead_op ops[], uint16_t n,
			   bool ok[], int enc)
{
	uint16_t i, good = 0;

	for (i = 0; i < n; i++) {
		unsigned int a = alg_index(ops[i].key);

		ok[i] = likely(a < N_ALG) && gcm_op(c->evp[a], &ops[i], enc);
		good += ok[i];
	}
	return good;
}

static uint16_t ossl_encrypt_burst(void *ctx, struct aead_op ops[], uint16_t n,
				   bool ok[])
{
	return ossl_burst(ctx, ops, n, ok, 1);
}

/* As with every engine: on failure the data is already plaintext; the
 * caller drops the packet. */
static uint16_t ossl_decrypt_burst(void *ctx, struct aead_op ops[], uint16_t n,
				   bool ok[])
{
	return ossl_burst(ctx, ops, n, ok, 0);
}

const struct aead_engine aead_engine_openssl = {
	.name = "openssl",
	.ctx_create = ossl_ctx_create,
	.ctx_free = ossl_ctx_free,
	.key_init = ossl_key_init,
	.encrypt_burst = ossl_encrypt_burst,
	.decrypt_burst = ossl_decrypt_burst,
};
