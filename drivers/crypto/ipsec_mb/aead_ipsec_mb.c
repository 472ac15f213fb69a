/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * AEAD engine "ipsec-mb": ESP AES-GCM-128/256 (RFC 4106) on Intel IPsec-MB.
 * One context, holding an IMB_MGR, per worker lcore; single-buffer GCM calls
 * in place, op after op (they beat the job API on bursts of 32:
 * tests/perf/bench_imb_api.c). Keys are expanded on the control lcore.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <intel-ipsec-mb.h>
#include <rte_branch_prediction.h>
#include <rte_errno.h>

#include "lib/crypto/aead.h"
#include "lib/crypto/aead_priv.h"
#include "lib/crypto/ct.h"

/* struct gcm_key_data (round keys + GHASH powers of H) lives in
 * aead_key.data; IPsec-MB wants it 16-byte aligned, the SA runtime gives 64 */
_Static_assert(sizeof(struct gcm_key_data) <= AEAD_KEY_DATA_SIZE,
	       "gcm_key_data fits in aead_key.data");
_Static_assert(offsetof(struct aead_key, data) % 64 == 0,
	       "aead_key.data starts a cache line");
_Static_assert(_Alignof(struct aead_key) >= 64, "aead_key is cache aligned");

/* aead_alg - 1 indexes the per-algorithm function tables */
_Static_assert(AEAD_AES_GCM_128 == 1 && AEAD_AES_GCM_256 == 2, "alg numbering");
enum { N_ALG = 2 };

struct imb_ctx {
	IMB_MGR *mgr;
	/* what IMB_AES{128,256}_GCM_{ENC,DEC} call through, fetched once so a
	 * burst mixing 128- and 256-bit SAs indexes instead of branching */
	aes_gcm_enc_dec_t enc[N_ALG];
	aes_gcm_enc_dec_t dec[N_ALG];
	aes_gcm_pre_t pre[N_ALG];
	IMB_ARCH arch;
	/* scratch state of one single-buffer call (GHASH accumulator, counter) */
	struct gcm_context_data gctx;
};

enum { CTX_HDR = (sizeof(struct imb_ctx) + 63) / 64 * 64 };

static const char *arch_name(IMB_ARCH a)
{
	switch (a) {
	case IMB_ARCH_NOAESNI: return "no-aesni (emulated AES)";
	case IMB_ARCH_SSE: return "sse";
	case IMB_ARCH_AVX: return "avx";
	case IMB_ARCH_AVX2: return "avx2";
	case IMB_ARCH_AVX512: return "avx512";
	default: return "unknown";
	}
}

static void *imb_ctx_create(int socket)
{
	struct imb_ctx *c;
	int err;

	c = aead_ctx_mem_alloc(CTX_HDR + imb_get_mb_mgr_size(), socket);
	if (c == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	/* the manager goes right after our header, on the same NUMA node */
	c->mgr = imb_set_pointers_mb_mgr((uint8_t *)c + CTX_HDR, 0, 1);
	init_mb_mgr_auto(c->mgr, &c->arch);
	err = imb_get_errno(c->mgr);
	if (err != 0 || c->arch == IMB_ARCH_NONE) {
		AEAD_LOG(ERR, "ipsec-mb: init_mb_mgr_auto failed: %s",
			 err ? imb_get_strerror(err) : "no usable architecture");
		aead_ctx_mem_free(c);
		rte_errno = ENOTSUP;
		return NULL;
	}
	c->enc[0] = c->mgr->gcm128_enc;
	c->enc[1] = c->mgr->gcm256_enc;
	c->dec[0] = c->mgr->gcm128_dec;
	c->dec[1] = c->mgr->gcm256_dec;
	c->pre[0] = c->mgr->gcm128_pre;
	c->pre[1] = c->mgr->gcm256_pre;
	AEAD_LOG(INFO, "ipsec-mb %s: %s%s, socket %d", imb_get_version_str(),
		 arch_name(c->arch),
		 (c->mgr->features & IMB_FEATURE_VAES) ? " with VAES/VPCLMULQDQ" : "",
		 socket);
	if (c->arch == IMB_ARCH_NOAESNI)
		AEAD_LOG(WARNING, "ipsec-mb: CPU without AES-NI, expect a slow data path");
	return c;
}

static void imb_ctx_free(void *ctx)
{
	struct imb_ctx *c = ctx;

	if (c == NULL)
		return;
	/* the scratch holds key-derived GHASH state of the last op */
	explicit_bzero(&c->gctx, sizeof(c->gctx));
	aead_ctx_mem_free(c);
}

static int imb_key_init(void *ctx, struct aead_key *k, enum aead_alg alg,
			const uint8_t *key, uint32_t key_len)
{
	struct imb_ctx *c = ctx;
	int rc = aead_key_len_check(alg, key_len);

	if (rc != 0)
		return rc;
	explicit_bzero(k, sizeof(*k));
	/* IMB_AES{128,256}_GCM_PRE: expand the key and precompute H^i */
	c->pre[alg - 1](key, (struct gcm_key_data *)k->data);
	if (imb_get_errno(c->mgr) != 0) {
		explicit_bzero(k, sizeof(*k));
		return -EINVAL;
	}
	k->alg = alg;
	k->key_len = key_len;
	return 0;
}

/* 0..N_ALG-1 for a usable key; anything else (a wiped key has alg 0) fails
 * the op instead of encrypting under an all-zero schedule */
static inline unsigned int alg_index(const struct aead_key *k)
{
	return (unsigned int)k->alg - 1u;
}

static uint16_t imb_encrypt_burst(void *ctx, struct aead_op ops[], uint16_t n,
				  bool ok[])
{
	struct imb_ctx *c = ctx;
	uint16_t i, good = 0;

	for (i = 0; i < n; i++) {
		struct aead_op *op = &ops[i];
		unsigned int a = alg_index(op->key);

		if (unlikely(a >= N_ALG)) {
			ok[i] = false;
			continue;
		}
		/* RFC 4106 §3-§6: nonce = salt | explicit IV (12 bytes),
		 * AAD = SPI | sequence number, ICV = the full 16-byte tag */
		c->enc[a]((const struct gcm_key_data *)op->key->data, &c->gctx,
			  op->data, op->data, op->len, op->iv, op->aad,
			  op->aad_len, op->tag, AEAD_TAG_LEN);
		/* set only by a NULL pointer with a non-zero length */
		ok[i] = imb_get_errno(c->mgr) == 0;
		good += ok[i];
	}
	return good;
}

/*
 * In place: on a bad tag the plaintext has already overwritten the
 * ciphertext (GCM decrypts and authenticates in one pass). ok[i] is then
 * false and the caller must drop the packet without looking at its data
 * (RFC 5116 §2.2: no plaintext is released on failure).
 */
static uint16_t imb_decrypt_burst(void *ctx, struct aead_op ops[], uint16_t n,
				  bool ok[])
{
	struct imb_ctx *c = ctx;
	uint8_t tag[AEAD_TAG_LEN];
	uint16_t i, good = 0;

	for (i = 0; i < n; i++) {
		struct aead_op *op = &ops[i];
		unsigned int a = alg_index(op->key);

		if (unlikely(a >= N_ALG)) {
			ok[i] = false;
			continue;
		}
		c->dec[a]((const struct gcm_key_data *)op->key->data, &c->gctx,
			  op->data, op->data, op->len, op->iv, op->aad,
			  op->aad_len, tag, AEAD_TAG_LEN);
		ok[i] = imb_get_errno(c->mgr) == 0 &&
			ct_memeq(tag, op->tag, AEAD_TAG_LEN);
		good += ok[i];
	}
	/* the expected tag of a forged packet is what a forger wants */
	explicit_bzero(tag, sizeof(tag));
	return good;
}

const struct aead_engine aead_engine_ipsec_mb = {
	.name = "ipsec-mb",
	.ctx_create = imb_ctx_create,
	.ctx_free = imb_ctx_free,
	.key_init = imb_key_init,
	.encrypt_burst = imb_encrypt_burst,
	.decrypt_burst = imb_decrypt_burst,
};
