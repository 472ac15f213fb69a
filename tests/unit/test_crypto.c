/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for lib/crypto, run against every engine in aead_engines[]:
 *  - known answers (gcm_vectors.h, generated at build time): Wycheproof
 *    aes_gcm_test.json, NIST CAVP gcmEncryptExtIV / gcmDecrypt, the ESP
 *    cases of draft-mcgrew-gcm-test-01; all with 96-bit IV, 128-bit tag;
 *  - every bit of ciphertext, tag, AAD and IV flipped in turn is rejected,
 *    and a bad op in a burst does not disturb its neighbours;
 *  - seeded random ops (lengths 0..2048) equal OpenSSL's, and every engine
 *    decrypts every other engine's output; key init errors; key wiping.
 * Vectors run in bursts of ESPGW_MAX_BURST, each op in its own exact-size
 * heap buffer so ASan sees any overrun by our code. The same tests run over
 * the cryptodev engine on each software cryptodev (EAL with vdevs, no
 * hugepages), plus its mbuf path and its setup/context rules.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rte_cryptodev.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "lib/crypto/aead.h"
#include "lib/crypto/ct.h"
#include "lib/util/util.h"

#include "gcm_vectors.h"

enum { BURST = ESPGW_MAX_BURST, RAND_MAX_LEN = 2048, RAND_MAX_AAD = 64 };

/* Engine under test and its context, plus OpenSSL as the reference. */
struct fixture {
	const struct aead_engine *e;
	void *ctx;
	const struct aead_engine *ref;
	void *ref_ctx;
};

static const struct aead_engine *group_engine; /* set before each group */

/*
 * The cryptodev engine runs on each of these software devices in turn
 * (DPDK 22.11: aesni_gcm and aesni_mb are both drivers/crypto/ipsec_mb).
 * cdev_name is the one set up now, NULL between devices: engines with a
 * setup() only take part in a test while it is set.
 */
static const char *const cdev_devices[] = {
	"crypto_aesni_gcm0", "crypto_aesni_mb0", "crypto_openssl0",
};
enum { CDEV_N_CTX = 4 };    /* fixture, test_ctx_any_socket, cross, spare */
static const char *cdev_name;

/* Packets for the mbuf path: ESP-sized headroom games fit in 4 KiB */
enum { MB_ROOM = 4096 };
static struct rte_mempool *mb_pool;

static bool engine_usable(const struct aead_engine *e)
{
	return e->setup == NULL || cdev_name != NULL;
}

/* Key schedules for one burst; the type makes them 64-byte aligned. */
static struct aead_key keys[BURST];

/* ---- helpers -------------------------------------------------------------- */

static uint64_t rng_state;

/* splitmix64: small, seedable, good enough to pick test inputs */
static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint32_t rnd_below(uint32_t n)
{
	return (uint32_t)(rnd() % n);
}

static void rnd_fill(uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)rnd();
}

static void seed_rng(void)
{
	const char *s = getenv("CRYPTO_TEST_SEED");

	rng_state = s != NULL ? strtoull(s, NULL, 0) : 0x4106u;
	print_message("random inputs: CRYPTO_TEST_SEED=%#llx\n",
		      (unsigned long long)rng_state);
}

static enum aead_alg alg_of(uint32_t key_len)
{
	return key_len == 32 ? AEAD_AES_GCM_256 : AEAD_AES_GCM_128;
}

/* Exact-size copy (malloc(0) may return NULL: keep one byte then). */
static uint8_t *dup_bytes(const uint8_t *p, size_t n)
{
	uint8_t *d = malloc(n ? n : 1);

	assert_non_null(d);
	if (n)
		memcpy(d, p, n);
	return d;
}

static void free_ops(struct aead_op ops[], uint16_t n)
{
	uint16_t i;

	for (i = 0; i < n; i++) {
		free(ops[i].data);
		free(ops[i].tag);
		free((void *)(uintptr_t)ops[i].aad);
		free((void *)(uintptr_t)ops[i].iv);
	}
}

static uint16_t count_ok(const bool ok[], uint16_t n)
{
	uint16_t i, c = 0;

	for (i = 0; i < n; i++)
		c += ok[i];
	return c;
}

static int group_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->e = group_engine;
	f->ref = aead_engine_find("openssl");
	assert_non_null(f->ref);
	/* socket 0 takes the libnuma path, the reference any memory */
	f->ctx = f->e->ctx_create(0);
	f->ref_ctx = f->ref->ctx_create(-1);
	assert_non_null(f->ctx);
	assert_non_null(f->ref_ctx);
	*state = f;
	return 0;
}

static unsigned int cdev_sessions_free(const char *dev, unsigned int *size);

static int group_teardown(void **state)
{
	struct fixture *f = *state;
	unsigned int size;

	/* every test wiped its keys through the engine: no session left out */
	if (f->e->setup != NULL && cdev_sessions_free(cdev_name, &size) != size)
		fail_msg("%s on %s: %u of %u sessions not given back", f->e->name,
			 cdev_name, size - cdev_sessions_free(cdev_name, &size), size);
	f->e->ctx_free(f->ctx);
	f->ref->ctx_free(f->ref_ctx);
	free(f);
	return 0;
}

/* ---- known-answer vectors -------------------------------------------------- */

static void need_vectors(size_t n, size_t at_least)
{
#ifdef GCM_VECTORS_MISSING
	fail_msg("test vectors missing: %s", GCM_VECTORS_MISSING);
#endif
	if (n < at_least)
		fail_msg("only %zu vectors, expected at least %zu", n, at_least);
}

#define VFAIL(f, v, fmt, ...) \
	fail_msg("%s: %s #%u: " fmt, (f)->e->name, (v)->src, (v)->id, ## __VA_ARGS__)

/*
 * Run vs[0..n) through the engine in bursts. enc: every case with a
 * plaintext and result VALID must give exactly ct and tag. dec: VALID
 * must verify and give pt; INVALID must be refused; ACCEPTABLE (Wycheproof:
 * legal but odd inputs, none so far with 96-bit IV and 128-bit tag) may go
 * either way, but if it verifies the plaintext must be right. Returns how
 * many cases ran.
 */
static size_t run_vectors(struct fixture *f, const struct gcm_vec *vs, size_t n, bool enc)
{
	struct aead_op ops[BURST];
	const struct gcm_vec *pick[BURST];
	bool ok[BURST];
	size_t i = 0, ran = 0;

	while (i < n) {
		uint16_t m = 0, good, j;

		for (; i < n && m < BURST; i++) {
			const struct gcm_vec *v = &vs[i];

			if (enc && (v->result != GCM_VALID || v->pt == NULL))
				continue;
			assert_int_equal(f->e->key_init(f->ctx, &keys[m], alg_of(v->key_len),
							 v->key, v->key_len), 0);
			ops[m] = (struct aead_op){
				.key = &keys[m],
				.iv = dup_bytes(v->iv, AEAD_IV_LEN),
				.aad = dup_bytes(v->aad, v->aad_len),
				.aad_len = v->aad_len,
				.data = dup_bytes(enc ? v->pt : v->ct, v->len),
				.len = v->len,
				.tag = dup_bytes(v->tag, AEAD_TAG_LEN),
			};
			if (enc)
				memset(ops[m].tag, 0xa5, AEAD_TAG_LEN);
			pick[m++] = v;
		}
		memset(ok, 0x55, sizeof(ok)); /* neither true nor false */
		good = enc ? f->e->encrypt_burst(f->ctx, ops, m, ok)
			   : f->e->decrypt_burst(f->ctx, ops, m, ok);
		assert_int_equal(good, count_ok(ok, m));
		for (j = 0; j < m; j++) {
			const struct gcm_vec *v = pick[j];

			if (enc) {
				if (!ok[j])
					VFAIL(f, v, "encrypt failed");
				if (memcmp(ops[j].data, v->ct, v->len) != 0)
					VFAIL(f, v, "wrong ciphertext (len %u)", v->len);
				if (memcmp(ops[j].tag, v->tag, AEAD_TAG_LEN) != 0)
					VFAIL(f, v, "wrong tag");
			} else if (v->result == GCM_VALID) {
				if (!ok[j])
					VFAIL(f, v, "valid case refused");
				if (memcmp(ops[j].data, v->pt, v->len) != 0)
					VFAIL(f, v, "wrong plaintext");
			} else if (v->result == GCM_INVALID) {
				if (ok[j])
					VFAIL(f, v, "invalid case accepted");
			} else if (ok[j] && memcmp(ops[j].data, v->pt, v->len) != 0) {
				VFAIL(f, v, "acceptable case verified to a wrong plaintext");
			}
			aead_key_wipe(f->e, &keys[j]);
		}
		free_ops(ops, m);
		ran += m;
	}
	return ran;
}

static void test_wycheproof(void **state)
{
	struct fixture *f = *state;
	size_t e, d;

	need_vectors(gcm_vec_wycheproof_n, 100);
	e = run_vectors(f, gcm_vec_wycheproof, gcm_vec_wycheproof_n, true);
	d = run_vectors(f, gcm_vec_wycheproof, gcm_vec_wycheproof_n, false);
	print_message("%s: wycheproof %zu encrypted, %zu decrypted\n", f->e->name, e, d);
}

static void test_nist_encrypt(void **state)
{
	struct fixture *f = *state;
	size_t e, d;

	need_vectors(gcm_vec_nist_enc_n, 500);
	e = run_vectors(f, gcm_vec_nist_enc, gcm_vec_nist_enc_n, true);
	/* and back */
	d = run_vectors(f, gcm_vec_nist_enc, gcm_vec_nist_enc_n, false);
	print_message("%s: CAVP encrypt files: %zu encrypted, %zu decrypted\n",
		      f->e->name, e, d);
}

static void test_nist_decrypt(void **state)
{
	struct fixture *f = *state;
	size_t e, d;

	need_vectors(gcm_vec_nist_dec_n, 500);
	d = run_vectors(f, gcm_vec_nist_dec, gcm_vec_nist_dec_n, false);
	/* the cases that verify also encrypt to their ciphertext */
	e = run_vectors(f, gcm_vec_nist_dec, gcm_vec_nist_dec_n, true);
	print_message("%s: CAVP decrypt files: %zu decrypted, %zu encrypted\n",
		      f->e->name, d, e);
}

static void test_esp_draft(void **state)
{
	struct fixture *f = *state;

	need_vectors(gcm_vec_esp_n, 4);
	assert_int_equal(run_vectors(f, gcm_vec_esp, gcm_vec_esp_n, true), gcm_vec_esp_n);
	assert_int_equal(run_vectors(f, gcm_vec_esp, gcm_vec_esp_n, false), gcm_vec_esp_n);
}

/* GCM spec (McGrew-Viega) test case 1: zero key and IV, nothing else; with
 * NULL data and AAD pointers, as an ESP packet never has but callers may. */
static void test_empty_null(void **state)
{
	static const uint8_t zero[32];
	static const uint8_t t1[AEAD_TAG_LEN] = {
		0x58, 0xe2, 0xfc, 0xce, 0xfa, 0x7e, 0x30, 0x61,
		0x36, 0x7f, 0x1d, 0x57, 0xa4, 0xe7, 0x45, 0x5a,
	};
	struct fixture *f = *state;
	uint8_t tag[AEAD_TAG_LEN];
	struct aead_op op = { .key = &keys[0], .iv = zero, .tag = tag };
	bool ok;

	assert_int_equal(f->e->key_init(f->ctx, &keys[0], AEAD_AES_GCM_128, zero, 16), 0);
	assert_int_equal(f->e->encrypt_burst(f->ctx, &op, 1, &ok), 1);
	assert_true(ok);
	assert_memory_equal(tag, t1, sizeof(t1));
	assert_int_equal(f->e->decrypt_burst(f->ctx, &op, 1, &ok), 1);
	tag[15] ^= 1;
	assert_int_equal(f->e->decrypt_burst(f->ctx, &op, 1, &ok), 0);
	assert_false(ok);
	assert_int_equal(f->e->encrypt_burst(f->ctx, &op, 0, &ok), 0);
	aead_key_wipe(f->e, &keys[0]);
}

/* ---- tampering ------------------------------------------------------------ */

/* One random sealed message: key, iv, aad, pt -> ct, tag (via OpenSSL). */
struct msg {
	struct aead_key key;    /* for the engine under test */
	uint8_t raw[AEAD_KEY_MAX];
	uint32_t key_len;
	uint8_t iv[AEAD_IV_LEN];
	uint8_t aad[RAND_MAX_AAD];
	uint32_t aad_len, len;
	uint8_t pt[RAND_MAX_LEN], ct[RAND_MAX_LEN];
	uint8_t tag[AEAD_TAG_LEN];
};

static void msg_make(struct fixture *f, struct msg *m, enum aead_alg alg,
		     uint32_t aad_len, uint32_t len)
{
	uint32_t key_len = alg == AEAD_AES_GCM_256 ? 32 : 16;
	struct aead_key rk;
	struct aead_op op;
	bool ok;

	m->key_len = key_len;
	rnd_fill(m->raw, key_len);
	rnd_fill(m->iv, sizeof(m->iv));
	rnd_fill(m->aad, aad_len);
	rnd_fill(m->pt, len);
	m->aad_len = aad_len;
	m->len = len;
	memcpy(m->ct, m->pt, len);
	assert_int_equal(f->e->key_init(f->ctx, &m->key, alg, m->raw, key_len), 0);
	assert_int_equal(f->ref->key_init(f->ref_ctx, &rk, alg, m->raw, key_len), 0);
	op = (struct aead_op){ .key = &rk, .iv = m->iv, .aad = m->aad, .aad_len = aad_len,
			       .data = m->ct, .len = len, .tag = m->tag };
	assert_int_equal(f->ref->encrypt_burst(f->ref_ctx, &op, 1, &ok), 1);
	assert_true(ok);
	aead_key_wipe(f->ref, &rk);
}

/* A decrypt op on fresh heap copies of m, ready to be tampered with. */
static struct aead_op msg_op(const struct msg *m)
{
	return (struct aead_op){
		.key = &m->key,
		.iv = dup_bytes(m->iv, AEAD_IV_LEN),
		.aad = dup_bytes(m->aad, m->aad_len),
		.aad_len = m->aad_len,
		.data = dup_bytes(m->ct, m->len),
		.len = m->len,
		.tag = dup_bytes(m->tag, AEAD_TAG_LEN),
	};
}

/* Bit b of the concatenation ct | tag | aad | iv of op. */
static void flip(struct aead_op *op, uint32_t b)
{
	uint32_t byte = b / 8, bit = b % 8;

	if (byte < op->len) {
		op->data[byte] ^= 1u << bit;
		return;
	}
	byte -= op->len;
	if (byte < AEAD_TAG_LEN) {
		op->tag[byte] ^= 1u << bit;
		return;
	}
	byte -= AEAD_TAG_LEN;
	if (byte < op->aad_len) {
		((uint8_t *)(uintptr_t)op->aad)[byte] ^= 1u << bit;
		return;
	}
	byte -= op->aad_len;
	((uint8_t *)(uintptr_t)op->iv)[byte] ^= 1u << bit;
}

/* Every single-bit change anywhere is refused, ESP-sized message with ESN
 * AAD (12 bytes), both key sizes; then random flips in random messages. */
static void test_bitflip(void **state)
{
	static struct msg m;
	struct fixture *f = *state;
	struct aead_op ops[BURST];
	bool ok[BURST];
	uint32_t bits, b, k;
	unsigned int a, round;

	for (a = AEAD_AES_GCM_128; a <= AEAD_AES_GCM_256; a++) {
		msg_make(f, &m, a, AEAD_AAD_MAX, 61);
		bits = (m.len + AEAD_TAG_LEN + m.aad_len + AEAD_IV_LEN) * 8;
		for (b = 0; b < bits; b += BURST) {
			uint16_t n = (uint16_t)(bits - b < BURST ? bits - b : BURST);

			for (k = 0; k < n; k++) {
				ops[k] = msg_op(&m);
				flip(&ops[k], b + k);
			}
			assert_int_equal(f->e->decrypt_burst(f->ctx, ops, n, ok), 0);
			for (k = 0; k < n; k++)
				if (ok[k])
					fail_msg("%s: flipped bit %u accepted", f->e->name, b + k);
			free_ops(ops, n);
		}
		aead_key_wipe(f->e, &m.key);
	}
	for (round = 0; round < 200; round++) {
		msg_make(f, &m, 1 + rnd_below(2), rnd_below(RAND_MAX_AAD + 1),
			 rnd_below(RAND_MAX_LEN + 1));
		bits = (m.len + AEAD_TAG_LEN + m.aad_len + AEAD_IV_LEN) * 8;
		ops[0] = msg_op(&m);
		ops[1] = msg_op(&m);
		b = rnd_below(bits);
		flip(&ops[1], b);
		assert_int_equal(f->e->decrypt_burst(f->ctx, ops, 2, ok), 1);
		if (!ok[0] || memcmp(ops[0].data, m.pt, m.len) != 0)
			fail_msg("%s: untouched copy refused (len %u)", f->e->name, m.len);
		if (ok[1])
			fail_msg("%s: bit %u of %u flipped, accepted", f->e->name, b, bits);
		free_ops(ops, 2);
		aead_key_wipe(f->e, &m.key);
	}
}

/* A burst where every third op is forged: the verdicts match op by op, the
 * count is right, and the good ops decrypt correctly around the bad ones. */
static void test_burst_verdicts(void **state)
{
	static struct msg m[BURST];
	struct fixture *f = *state;
	struct aead_op ops[BURST];
	bool ok[BURST];
	uint16_t i, good = 0;

	for (i = 0; i < BURST; i++) {
		msg_make(f, &m[i], 1 + i % 2, i % 3 == 1 ? 12 : 8, 40 + 37 * i);
		ops[i] = msg_op(&m[i]);
		if (i % 3 == 0)
			ops[i].tag[i % AEAD_TAG_LEN] ^= 0x80;
		else
			good++;
	}
	assert_int_equal(f->e->decrypt_burst(f->ctx, ops, BURST, ok), good);
	for (i = 0; i < BURST; i++) {
		assert_int_equal(ok[i], i % 3 != 0);
		if (ok[i])
			assert_memory_equal(ops[i].data, m[i].pt, m[i].len);
		aead_key_wipe(f->e, &m[i].key);
	}
	free_ops(ops, BURST);
}

/* ---- keys ------------------------------------------------------------------ */

static void test_key_init_errors(void **state)
{
	static const uint8_t raw[AEAD_KEY_MAX] = { 1, 2, 3 };
	struct fixture *f = *state;
	struct aead_key *k = &keys[0];

	assert_int_equal(f->e->key_init(f->ctx, k, AEAD_AES_GCM_128, raw, 32), -EINVAL);
	assert_int_equal(f->e->key_init(f->ctx, k, AEAD_AES_GCM_256, raw, 16), -EINVAL);
	assert_int_equal(f->e->key_init(f->ctx, k, AEAD_AES_GCM_128, raw, 24), -EINVAL);
	assert_int_equal(f->e->key_init(f->ctx, k, AEAD_AES_GCM_256, raw, 0), -EINVAL);
	assert_int_equal(f->e->key_init(f->ctx, k, (enum aead_alg)0, raw, 16), -ENOTSUP);
	assert_int_equal(f->e->key_init(f->ctx, k, (enum aead_alg)3, raw, 32), -ENOTSUP);
	assert_int_equal(f->e->key_init(f->ctx, k, AEAD_AES_GCM_256, raw, 32), 0);
	assert_int_equal(k->alg, AEAD_AES_GCM_256);
	assert_int_equal(k->key_len, 32);
	aead_key_wipe(f->e, k);
}

/* After aead_key_wipe every byte of the key is zero, and the engines refuse
 * to use it (rather than encrypt under an all-zero schedule). */
static void test_key_wipe(void **state)
{
	static const uint8_t raw[AEAD_KEY_MAX] = { 0xde, 0xad, 0xbe, 0xef };
	static const uint8_t zero[sizeof(struct aead_key)];
	struct fixture *f = *state;
	struct aead_key *k = &keys[0];
	uint8_t iv[AEAD_IV_LEN] = { 0 }, data[64] = { 0 }, tag[AEAD_TAG_LEN];
	struct aead_op op = { .key = k, .iv = iv, .data = data, .len = sizeof(data),
			      .tag = tag };
	unsigned int a;
	size_t i;
	bool ok = true;

	for (a = AEAD_AES_GCM_128; a <= AEAD_AES_GCM_256; a++) {
		assert_int_equal(f->e->key_init(f->ctx, k, a, raw, a == 1 ? 16 : 32), 0);
		assert_memory_not_equal(k, zero, sizeof(*k));
		aead_key_wipe(f->e, k);
		/* not assert_memory_equal: it would print what is left of the key */
		for (i = 0; i < sizeof(*k); i++)
			if (((const uint8_t *)k)[i] != 0)
				fail_msg("byte %zu of the key survived aead_key_wipe", i);
		assert_int_equal(f->e->encrypt_burst(f->ctx, &op, 1, &ok), 0);
		assert_false(ok);
		ok = true;
		assert_int_equal(f->e->decrypt_burst(f->ctx, &op, 1, &ok), 0);
		assert_false(ok);
	}
	aead_key_wipe(NULL, NULL); /* allowed, like free(NULL) */
}

static void test_ctx_any_socket(void **state)
{
	struct fixture *f = *state;
	void *c = f->e->ctx_create(-1);

	assert_non_null(c);
	f->e->ctx_free(c);
	f->e->ctx_free(NULL);
}

/* ---- across engines ---------------------------------------------------------- */

/*
 * Seeded random bursts (mixed key sizes, AAD 0..64 bytes, mostly ESP's 8
 * and 12, data 0..2048 bytes): every engine's ciphertext and tag equal
 * OpenSSL's, and every engine verifies and decrypts every engine's output.
 */
static void test_cross_random(void **state)
{
	static struct msg x[BURST];
	static struct aead_key ek[8][BURST];
	static uint8_t out_ct[8][BURST][RAND_MAX_LEN], out_tag[8][BURST][AEAD_TAG_LEN];
	const struct aead_engine *const *e;
	const struct aead_engine *eng[8];
	struct fixture ref;
	void *ctx[8] = { NULL };
	struct aead_op ops[BURST];
	bool ok[BURST];
	unsigned int ne = 0, i, k, j, round, ops_total = 0;

	(void)state;
	seed_rng();
	for (e = aead_engines; *e != NULL; e++) {
		if (!engine_usable(*e))
			continue;
		assert_true(ne < 8);
		eng[ne] = *e;
		ctx[ne] = (*e)->ctx_create(-1);
		assert_non_null(ctx[ne]);
		ne++;
	}
	ref.e = ref.ref = aead_engine_find("openssl");
	ref.ctx = ref.ref_ctx = ref.e->ctx_create(-1);
	assert_non_null(ref.ctx);
	for (round = 0; round < 64; round++) {
		uint16_t n = (uint16_t)(1 + rnd_below(BURST));

		for (j = 0; j < n; j++) {
			uint32_t aad_len = rnd_below(4) ? (rnd_below(2) ? 8 : 12)
							: rnd_below(RAND_MAX_AAD + 1);

			msg_make(&ref, &x[j], 1 + rnd_below(2), aad_len,
				 rnd_below(RAND_MAX_LEN + 1));
			for (i = 0; i < ne; i++)
				assert_int_equal(eng[i]->key_init(ctx[i], &ek[i][j],
						 x[j].key.alg, x[j].raw, x[j].key_len), 0);
		}
		/* each engine encrypts the plaintexts: same bytes as OpenSSL */
		for (k = 0; k < ne; k++) {
			for (j = 0; j < n; j++) {
				ops[j] = msg_op(&x[j]);
				ops[j].key = &ek[k][j];
				memcpy(ops[j].data, x[j].pt, x[j].len);
			}
			assert_int_equal(eng[k]->encrypt_burst(ctx[k], ops, n, ok), n);
			for (j = 0; j < n; j++) {
				if (memcmp(ops[j].data, x[j].ct, x[j].len) != 0 ||
				    memcmp(ops[j].tag, x[j].tag, AEAD_TAG_LEN) != 0)
					fail_msg("%s differs from openssl: round %u op %u "
						 "(len %u, aad %u)", eng[k]->name,
						 round, j, x[j].len, x[j].aad_len);
				memcpy(out_ct[k][j], ops[j].data, x[j].len);
				memcpy(out_tag[k][j], ops[j].tag, AEAD_TAG_LEN);
			}
			free_ops(ops, n);
		}
		/* engine i opens what engine k sealed */
		for (i = 0; i < ne; i++)
			for (k = 0; k < ne; k++) {
				for (j = 0; j < n; j++) {
					ops[j] = msg_op(&x[j]);
					ops[j].key = &ek[i][j];
					memcpy(ops[j].data, out_ct[k][j], x[j].len);
					memcpy(ops[j].tag, out_tag[k][j], AEAD_TAG_LEN);
				}
				if (eng[i]->decrypt_burst(ctx[i], ops, n, ok) != n)
					fail_msg("%s refused %s's output, round %u",
						 eng[i]->name, eng[k]->name, round);
				for (j = 0; j < n; j++)
					assert_memory_equal(ops[j].data, x[j].pt, x[j].len);
				free_ops(ops, n);
			}
		for (j = 0; j < n; j++) {
			aead_key_wipe(ref.e, &x[j].key);
			for (i = 0; i < ne; i++)
				aead_key_wipe(eng[i], &ek[i][j]);
		}
		ops_total += n;
	}
	print_message("cross: %u random ops x %u engines\n", ops_total, ne);
	for (i = 0; i < ne; i++)
		eng[i]->ctx_free(ctx[i]);
	ref.e->ctx_free(ref.ctx);
}

/* ---- the mbuf path ---------------------------------------------------------- */

/*
 * Data and tag inside a one-segment mbuf (op->mb set), as lib/esp hands
 * them over: headroom, then 0..64 bytes of "headers", then data and tag.
 * Random sizes 0..2000: ciphertext and tag equal OpenSSL's, decrypt gives
 * the plaintext back, a forged tag is refused. Engines that do not use
 * op->mb just see plain pointers.
 */
static void test_mbuf_path(void **state)
{
	static struct msg x[BURST];
	struct fixture *f = *state;
	struct rte_mbuf *mb[BURST];
	struct aead_op ops[BURST];
	bool ok[BURST];
	unsigned int round;
	uint16_t j, n, good;

	for (round = 0; round < 24; round++) {
		n = (uint16_t)(1 + rnd_below(BURST));
		assert_int_equal(rte_pktmbuf_alloc_bulk(mb_pool, mb, n), 0);
		for (j = 0; j < n; j++) {
			uint32_t off = rnd_below(65), len = rnd_below(2001);
			uint8_t *p;

			msg_make(f, &x[j], 1 + rnd_below(2), rnd_below(2) ? 8 : 12, len);
			p = (uint8_t *)rte_pktmbuf_append(mb[j], (uint16_t)(off + len + AEAD_TAG_LEN));
			assert_non_null(p);
			memset(p, 0xee, off);
			memcpy(p + off, x[j].pt, len);
			ops[j] = (struct aead_op){
				.key = &x[j].key, .mb = mb[j], .iv = x[j].iv,
				.aad = x[j].aad, .aad_len = x[j].aad_len,
				.data = p + off, .len = len, .tag = p + off + len,
			};
		}
		assert_int_equal(f->e->encrypt_burst(f->ctx, ops, n, ok), n);
		for (j = 0; j < n; j++) {
			if (memcmp(ops[j].data, x[j].ct, x[j].len) != 0 ||
			    memcmp(ops[j].tag, x[j].tag, AEAD_TAG_LEN) != 0)
				fail_msg("%s: mbuf op %u (len %u) differs from openssl",
					 f->e->name, j, x[j].len);
			/* the bytes before the data are not the device's */
			if (ops[j].data != rte_pktmbuf_mtod(mb[j], uint8_t *) &&
			    ops[j].data[-1] != 0xee)
				fail_msg("%s: mbuf op %u: header byte changed", f->e->name, j);
		}
		assert_int_equal(f->e->decrypt_burst(f->ctx, ops, n, ok), n);
		for (j = 0; j < n; j++)
			assert_memory_equal(ops[j].data, x[j].pt, x[j].len);
		/* seal again, then forge every other tag */
		assert_int_equal(f->e->encrypt_burst(f->ctx, ops, n, ok), n);
		for (j = 0; j < n; j += 2)
			ops[j].tag[j % AEAD_TAG_LEN] ^= 0x01;
		good = f->e->decrypt_burst(f->ctx, ops, n, ok);
		assert_int_equal(good, n / 2);
		for (j = 0; j < n; j++) {
			assert_int_equal(ok[j], j % 2 == 1);
			if (ok[j])
				assert_memory_equal(ops[j].data, x[j].pt, x[j].len);
			aead_key_wipe(f->e, &x[j].key);
		}
		rte_pktmbuf_free_bulk(mb, n);
	}
}

/* ---- cryptodev: setup and context rules ------------------------------------ */

/* Free sessions in the engine's pool (named in aead_cryptodev.c), so a
 * test can see that every key gave its sessions back. */
static unsigned int cdev_sessions_free(const char *dev, unsigned int *size)
{
	char name[RTE_MEMPOOL_NAMESIZE];
	struct rte_mempool *mp;

	snprintf(name, sizeof(name), "cdev_sess_%d", rte_cryptodev_get_dev_id(dev));
	mp = rte_mempool_lookup(name);
	assert_non_null(mp);
	*size = mp->size;
	return rte_mempool_avail_count(mp);
}

static void test_cdev_control(void **state)
{
	static const uint8_t raw[32] = { 7 };
	const struct aead_engine *e = aead_engine_find("cryptodev");
	const char *dev = *(const char **)*state;
	struct rte_cryptodev_info info;
	void *c[CDEV_N_CTX + 1];
	struct aead_key k, stale;
	uint8_t iv[AEAD_IV_LEN] = { 0 }, aad[8] = { 0 }, data[100] = { 0 }, tag[16];
	uint8_t *p;
	struct aead_op op = { .key = &k, .iv = iv, .aad = aad, .aad_len = 8,
			      .data = data, .len = sizeof(data), .tag = tag };
	struct rte_mbuf *m;
	unsigned int i, size;
	bool ok;

	assert_non_null(e);
	assert_non_null(e->setup);
	assert_non_null(e->teardown);
	assert_non_null(e->key_free);
	/* nothing works before setup */
	assert_null(e->ctx_create(-1));
	assert_int_equal(rte_errno, ENODEV);
	assert_int_equal(e->key_init(NULL, &k, AEAD_AES_GCM_128, raw, 16), -ENODEV);
	e->teardown(); /* harmless */
	/* bad arguments fail cleanly and leave nothing set up */
	assert_int_equal(e->setup("crypto_nonexistent0", 1, -1), -ENODEV);
	assert_int_equal(e->setup(NULL, 1, -1), -EINVAL);
	assert_int_equal(e->setup(dev, 0, -1), -EINVAL);
	assert_true(rte_cryptodev_get_dev_id(dev) >= 0);
	rte_cryptodev_info_get((uint8_t)rte_cryptodev_get_dev_id(dev), &info);
	assert_int_equal(e->setup(dev, info.max_nb_queue_pairs + 1, -1), -ENOSPC);
	assert_null(e->ctx_create(-1));

	assert_int_equal(e->setup(dev, 2, -1), 0);
	assert_int_equal(e->setup(dev, 2, -1), -EALREADY);
	assert_int_equal(e->setup("crypto_nonexistent0", 2, -1), -EALREADY);
	/* one context per queue pair, and a freed one can be taken again */
	c[0] = e->ctx_create(-1);
	c[1] = e->ctx_create(0);
	assert_non_null(c[0]);
	assert_non_null(c[1]);
	assert_null(e->ctx_create(-1));
	assert_int_equal(rte_errno, ENOSPC);
	e->ctx_free(c[0]);
	c[0] = e->ctx_create(-1);
	assert_non_null(c[0]);
	e->ctx_free(NULL);

	/* a key works, and gives its 4 sessions back when wiped */
	i = cdev_sessions_free(dev, &size);
	assert_int_equal(i, size);
	assert_int_equal(e->key_init(c[0], &k, AEAD_AES_GCM_256, raw, 32), 0);
	assert_int_equal(cdev_sessions_free(dev, &size), size - 4);
	assert_int_equal(e->encrypt_burst(c[0], &op, 1, &ok), 1);
	assert_true(ok);
	assert_int_equal(e->decrypt_burst(c[1], &op, 1, &ok), 1);
	assert_true(ok);
	/* mbuf geometry the engine refuses: data or tag outside the segment */
	m = rte_pktmbuf_alloc(mb_pool);
	assert_non_null(m);
	p = (uint8_t *)rte_pktmbuf_append(m, 64);
	assert_non_null(p);
	op.mb = m;
	op.data = p;
	op.len = 60;    /* the tag would run past data_len */
	op.tag = p + 60;
	assert_int_equal(e->encrypt_burst(c[0], &op, 1, &ok), 0);
	assert_false(ok);
	op.data = p - 1; /* before the packet */
	op.len = 8;
	op.tag = p + 16;
	assert_int_equal(e->encrypt_burst(c[0], &op, 1, &ok), 0);
	assert_false(ok);
	op.data = p;
	assert_int_equal(e->encrypt_burst(c[0], &op, 1, &ok), 1);
	assert_true(ok);
	rte_pktmbuf_free(m);
	op.mb = NULL;
	op.data = data;
	op.len = sizeof(data);
	/* more than a burst at once */
	{
		struct aead_op many[2 * BURST + 3];
		bool oks[2 * BURST + 3];

		for (i = 0; i < RTE_DIM(many); i++)
			many[i] = op;
		assert_int_equal(e->encrypt_burst(c[0], many, RTE_DIM(many), oks),
				 RTE_DIM(many));
	}
	aead_key_wipe(e, &k);
	assert_int_equal(cdev_sessions_free(dev, &size), size);

	/* a key that outlives its setup is refused after the next one, and
	 * wiping it then does not free another setup's sessions. (A stale
	 * copy: a key really left alive over teardown leaks what the PMD
	 * holds for its sessions, crypto_openssl's EVP contexts.) */
	assert_int_equal(e->key_init(c[0], &k, AEAD_AES_GCM_128, raw, 16), 0);
	memcpy(&stale, &k, sizeof(k));
	aead_key_wipe(e, &k);
	e->ctx_free(c[0]);
	e->ctx_free(c[1]);
	e->teardown();
	e->teardown();
	assert_int_equal(e->setup(dev, 1, -1), 0);
	c[0] = e->ctx_create(-1);
	assert_non_null(c[0]);
	assert_null(e->ctx_create(-1));
	assert_int_equal(e->key_init(c[0], &k, AEAD_AES_GCM_128, raw, 16), 0);
	op.key = &stale;
	assert_int_equal(e->encrypt_burst(c[0], &op, 1, &ok), 0);
	assert_false(ok);
	aead_key_wipe(e, &stale);
	assert_int_equal(cdev_sessions_free(dev, &size), size - 4);
	op.key = &k;
	assert_int_equal(e->encrypt_burst(c[0], &op, 1, &ok), 1);
	assert_true(ok);
	aead_key_wipe(e, &k);
	assert_int_equal(cdev_sessions_free(dev, &size), size);
	e->ctx_free(c[0]);
	e->teardown();
}

/* ---- registry and ct_memeq --------------------------------------------------- */

static void test_registry(void **state)
{
	const struct aead_engine *const *e, *const *g;

	(void)state;
	assert_non_null(aead_engines[0]);
	for (e = aead_engines; *e != NULL; e++) {
		assert_non_null((*e)->name);
		assert_non_null((*e)->ctx_create);
		assert_non_null((*e)->ctx_free);
		assert_non_null((*e)->key_init);
		assert_non_null((*e)->encrypt_burst);
		assert_non_null((*e)->decrypt_burst);
		assert_ptr_equal(aead_engine_find((*e)->name), *e);
		for (g = aead_engines; g != e; g++)
			assert_string_not_equal((*g)->name, (*e)->name);
	}
	assert_non_null(aead_engine_find("ipsec-mb"));
	assert_non_null(aead_engine_find("openssl"));
	assert_non_null(aead_engine_find("cryptodev"));
	assert_null(aead_engine_find("ipsec"));
	assert_null(aead_engine_find(""));
	assert_null(aead_engine_find(NULL));
}

static void test_ct_memeq(void **state)
{
	uint8_t a[64], b[64];
	size_t n, i;
	unsigned int bit;

	(void)state;
	for (i = 0; i < sizeof(a); i++)
		a[i] = b[i] = (uint8_t)(i * 7 + 1);
	assert_true(ct_memeq(a, b, 0));
	for (n = 1; n <= sizeof(a); n++) {
		assert_true(ct_memeq(a, b, n));
		for (i = 0; i < n; i++)
			for (bit = 0; bit < 8; bit++) {
				b[i] ^= (uint8_t)(1u << bit);
				assert_false(ct_memeq(a, b, n));
				b[i] ^= (uint8_t)(1u << bit);
			}
	}
	/* a difference past n does not count */
	b[10] ^= 0xff;
	assert_true(ct_memeq(a, b, 10));
}

/* EAL without hugepages or PCI, with the software cryptodevs as vdevs
 * (here, not in test_eal.h: the other tests need no crypto devices). */
static int eal_start(void)
{
	static char *argv[] = {
		"test_crypto", "--no-huge", "-m", "512", "--no-pci", "--no-shconf",
		"--file-prefix=test_crypto", "--no-telemetry", "--log-level=error",
		"--vdev", "crypto_aesni_gcm0", "--vdev", "crypto_aesni_mb0",
		"--vdev", "crypto_openssl0", NULL,
	};

	if (rte_eal_init((int)RTE_DIM(argv) - 1, argv) < 0)
		return -1;
	mb_pool = rte_pktmbuf_pool_create("test_crypto_mb", 2 * BURST, 0, 0,
					  RTE_PKTMBUF_HEADROOM + MB_ROOM, SOCKET_ID_ANY);
	return mb_pool != NULL ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest common[] = {
		cmocka_unit_test(test_registry),
		cmocka_unit_test(test_ct_memeq),
		cmocka_unit_test(test_cross_random),
	};
	const struct CMUnitTest per_engine[] = {
		cmocka_unit_test(test_wycheproof),
		cmocka_unit_test(test_nist_encrypt),
		cmocka_unit_test(test_nist_decrypt),
		cmocka_unit_test(test_esp_draft),
		cmocka_unit_test(test_empty_null),
		cmocka_unit_test(test_bitflip),
		cmocka_unit_test(test_burst_verdicts),
		cmocka_unit_test(test_mbuf_path),
		cmocka_unit_test(test_key_init_errors),
		cmocka_unit_test(test_key_wipe),
		cmocka_unit_test(test_ctx_any_socket),
	};
	const struct CMUnitTest per_device[] = {
		cmocka_unit_test(test_cross_random),
	};
	const struct aead_engine *const *e;
	const struct aead_engine *cd = aead_engine_find("cryptodev");
	char name[64];
	const char *dev;
	unsigned int d;
	int failed, rc;

	if (eal_start() < 0) {
		fprintf(stderr, "test_crypto: EAL with crypto vdevs: %s\n",
			rte_strerror(rte_errno));
		return 1;
	}
	failed = cmocka_run_group_tests_name("crypto", common, NULL, NULL);
	for (e = aead_engines; *e != NULL; e++) {
		if (!engine_usable(*e))
			continue;
		group_engine = *e;
		rng_state = 0x5116; /* per group, so each engine sees the same inputs */
		snprintf(name, sizeof(name), "crypto_%s", (*e)->name);
		failed += cmocka_run_group_tests_name(name, per_engine, group_setup,
						      group_teardown);
	}
	/* the cryptodev engine, on each device in turn */
	for (d = 0; d < RTE_DIM(cdev_devices); d++) {
		const struct CMUnitTest control[] = {
			cmocka_unit_test_prestate(test_cdev_control, &dev),
		};

		dev = cdev_devices[d];
		snprintf(name, sizeof(name), "cryptodev_control_%s", dev);
		failed += cmocka_run_group_tests_name(name, control, NULL, NULL);
		rc = cd->setup(dev, CDEV_N_CTX, -1);
		if (rc != 0) {
			fprintf(stderr, "cryptodev setup on %s: %s\n", dev, strerror(-rc));
			failed++;
			continue;
		}
		cdev_name = dev;
		group_engine = cd;
		rng_state = 0x5116;
		snprintf(name, sizeof(name), "crypto_cryptodev_%s", dev);
		failed += cmocka_run_group_tests_name(name, per_engine, group_setup,
						      group_teardown);
		snprintf(name, sizeof(name), "crypto_cross_%s", dev);
		failed += cmocka_run_group_tests_name(name, per_device, NULL, NULL);
		cd->teardown();
		cdev_name = NULL;
	}
	rte_mempool_free(mb_pool);
	rte_eal_cleanup();
	return failed != 0;
}
