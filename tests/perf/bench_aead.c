/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * AEAD engine throughput: each engine, AES-GCM-128/-256, 64/512/1400-byte
 * payloads, bursts of ESPGW_MAX_BURST in place, 8-byte AAD (RFC 4106 §5);
 * median of seven ~0.3 s runs. Usage: bench_aead [engine-name]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/crypto/aead.h"
#include "lib/util/util.h"
#include "tests/perf/bench.h"

enum { BURST = ESPGW_MAX_BURST, MAX_LEN = 1400 };

struct bench_arg {
	const struct aead_engine *e;
	void *ctx;
	struct aead_op ops[BURST];
	bool ok[BURST];
	bool enc;
};

static struct aead_key key;
static uint8_t data[BURST][MAX_LEN] __attribute__((aligned(64)));
static uint8_t tags[BURST][AEAD_TAG_LEN], ivs[BURST][AEAD_IV_LEN];
static uint8_t aads[BURST][8];

/* Decrypt rounds after the first see tags that no longer match (the data
 * is plaintext by then): same work, GCM hashes and decrypts everything
 * before it compares. */
static void one_burst(void *p)
{
	struct bench_arg *a = p;

	if (a->enc)
		a->e->encrypt_burst(a->ctx, a->ops, BURST, a->ok);
	else
		a->e->decrypt_burst(a->ctx, a->ops, BURST, a->ok);
}

int main(int argc, char **argv)
{
	static const uint32_t sizes[] = { 64, 512, 1400 };
	static struct bench_arg a;
	const struct aead_engine *const *e;
	uint8_t raw[AEAD_KEY_MAX];
	unsigned int alg, s, i, dir;

	for (i = 0; i < sizeof(raw); i++)
		raw[i] = (uint8_t)(i * 37 + 11);
	memset(data, 0x5a, sizeof(data));
	printf("%-9s %-11s %5s %-4s %9s %11s %8s\n", "engine", "alg", "bytes", "dir",
	       "ns/op", "tsc-cyc/op", "Gbps");
	for (e = aead_engines; *e != NULL; e++) {
		if (argc > 1 && strcmp(argv[1], (*e)->name) != 0)
			continue;
		a.e = *e;
		a.ctx = a.e->ctx_create(0);
		if (a.ctx == NULL) {
			fprintf(stderr, "%s: no context\n", a.e->name);
			return 1;
		}
		for (alg = AEAD_AES_GCM_128; alg <= AEAD_AES_GCM_256; alg++) {
			if (a.e->key_init(a.ctx, &key, alg, raw, alg == AEAD_AES_GCM_128 ? 16 : 32)) {
				fprintf(stderr, "%s: key_init failed\n", a.e->name);
				return 1;
			}
			for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
				for (i = 0; i < BURST; i++) {
					ivs[i][11] = (uint8_t)i;
					a.ops[i] = (struct aead_op){ &key, ivs[i], aads[i], 8,
								     data[i], sizes[s], tags[i] };
				}
				for (dir = 0; dir < 2; dir++) {
					struct bench_result r;

					a.enc = dir == 0;
					r = bench_run(one_burst, &a, BURST);
					printf("%-9s %-11s %5u %-4s %9.1f %11.1f %8.2f\n", a.e->name,
					       alg == AEAD_AES_GCM_128 ? "aes-gcm-128" : "aes-gcm-256",
					       sizes[s], a.enc ? "enc" : "dec", r.ns_per_op,
					       r.tsc_per_op, sizes[s] * 8.0 / r.ns_per_op);
					fflush(stdout);
				}
			}
			aead_key_wipe(NULL, &key);
		}
		a.e->ctx_free(a.ctx);
	}
	return 0;
}
