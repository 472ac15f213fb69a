/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Which IPsec-MB API suits drivers/crypto/ipsec_mb for ESP AES-GCM bursts of
 * 32: single-buffer IMB_AES{128,256}_GCM_ENC/DEC op after op, or the job API
 * (IMB_SUBMIT_BURST, checked and _NOCHECK)? 64/512/1400 bytes, enc and dec.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <intel-ipsec-mb.h>

#include "tests/perf/bench.h"

enum { BURST = 32, MAX_LEN = 1400, TAG = 16, IV = 12, AAD = 8 };

enum api { SINGLE, JOB_BURST, JOB_BURST_NOCHECK, N_API };
static const char *const api_name[] = { "single-call", "submit_burst", "burst_nocheck" };

struct arg {
	IMB_MGR *m;
	enum api api;
	bool enc;
	IMB_KEY_SIZE_BYTES ksz;
	uint32_t len;
	bool ok[BURST];
};

static struct gcm_key_data kd __attribute__((aligned(64)));
static struct gcm_context_data gctx;
static uint8_t data[BURST][MAX_LEN] __attribute__((aligned(64)));
static uint8_t tags[BURST][TAG], calc[BURST][TAG], ivs[BURST][IV], aads[BURST][AAD];

static bool tag_eq(const uint8_t *a, const uint8_t *b)
{
	uint8_t d = 0;
	unsigned int i;

	for (i = 0; i < TAG; i++)
		d |= a[i] ^ b[i];
	return d == 0;
}

static void single(struct arg *a)
{
	unsigned int i;

	for (i = 0; i < BURST; i++) {
		if (a->enc && a->ksz == IMB_KEY_128_BYTES)
			IMB_AES128_GCM_ENC(a->m, &kd, &gctx, data[i], data[i], a->len, ivs[i],
					   aads[i], AAD, tags[i], TAG);
		else if (a->enc)
			IMB_AES256_GCM_ENC(a->m, &kd, &gctx, data[i], data[i], a->len, ivs[i],
					   aads[i], AAD, tags[i], TAG);
		else if (a->ksz == IMB_KEY_128_BYTES)
			IMB_AES128_GCM_DEC(a->m, &kd, &gctx, data[i], data[i], a->len, ivs[i],
					   aads[i], AAD, calc[i], TAG);
		else
			IMB_AES256_GCM_DEC(a->m, &kd, &gctx, data[i], data[i], a->len, ivs[i],
					   aads[i], AAD, calc[i], TAG);
		a->ok[i] = a->enc || tag_eq(calc[i], tags[i]);
	}
}

static void job_burst(struct arg *a)
{
	IMB_JOB *jobs[BURST];
	uint32_t n, i, done;

	n = IMB_GET_NEXT_BURST(a->m, BURST, jobs);
	while (n < BURST) {
		IMB_FLUSH_BURST(a->m, BURST, jobs);
		n = IMB_GET_NEXT_BURST(a->m, BURST, jobs);
	}
	for (i = 0; i < BURST; i++) {
		IMB_JOB *j = jobs[i];

		j->cipher_mode = IMB_CIPHER_GCM;
		j->hash_alg = IMB_AUTH_AES_GMAC;
		j->cipher_direction = a->enc ? IMB_DIR_ENCRYPT : IMB_DIR_DECRYPT;
		j->chain_order = a->enc ? IMB_ORDER_CIPHER_HASH : IMB_ORDER_HASH_CIPHER;
		j->key_len_in_bytes = a->ksz;
		j->enc_keys = &kd;
		j->dec_keys = &kd;
		j->src = data[i];
		j->dst = data[i];
		j->cipher_start_src_offset_in_bytes = 0;
		j->msg_len_to_cipher_in_bytes = a->len;
		j->hash_start_src_offset_in_bytes = 0;
		j->msg_len_to_hash_in_bytes = a->len;
		j->iv = ivs[i];
		j->iv_len_in_bytes = IV;
		j->u.GCM.aad = aads[i];
		j->u.GCM.aad_len_in_bytes = AAD;
		j->auth_tag_output = a->enc ? tags[i] : calc[i];
		j->auth_tag_output_len_in_bytes = TAG;
		j->user_data = (void *)(uintptr_t)i;
	}
	done = a->api == JOB_BURST ? IMB_SUBMIT_BURST(a->m, BURST, jobs)
				   : IMB_SUBMIT_BURST_NOCHECK(a->m, BURST, jobs);
	if (done == 0 && imb_get_errno(a->m) != 0) {
		fprintf(stderr, "submit_burst: %s\n", imb_get_strerror(imb_get_errno(a->m)));
		exit(1);
	}
	while (done < BURST)
		done += IMB_FLUSH_BURST(a->m, BURST - done, jobs + done);
	for (i = 0; i < BURST; i++) {
		uint32_t k = (uint32_t)(uintptr_t)jobs[i]->user_data;

		a->ok[k] = jobs[i]->status == IMB_STATUS_COMPLETED &&
			   (a->enc || tag_eq(calc[k], tags[k]));
	}
}

static void one(void *p)
{
	struct arg *a = p;

	if (a->api == SINGLE)
		single(a);
	else
		job_burst(a);
}

int main(void)
{
	static const uint32_t sizes[] = { 64, 512, 1400 };
	static uint8_t key[32];
	static struct arg a;
	IMB_ARCH arch;
	unsigned int k, s, dir, api, i;

	a.m = alloc_mb_mgr(0);
	if (a.m == NULL)
		return 1;
	init_mb_mgr_auto(a.m, &arch);
	printf("IPsec-MB %s, arch %d (5 = avx512), VAES %s; bursts of %d, in place\n",
	       imb_get_version_str(), (int)arch,
	       (a.m->features & IMB_FEATURE_VAES) ? "yes" : "no", BURST);
	printf("%-7s %5s %-4s %-14s %9s %11s %9s\n", "alg", "bytes", "dir", "api", "ns/op",
	       "tsc-cyc/op", "best-ns");
	for (i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)i;
	for (k = 0; k < 2; k++) {
		a.ksz = k ? IMB_KEY_256_BYTES : IMB_KEY_128_BYTES;
		if (k)
			IMB_AES256_GCM_PRE(a.m, key, &kd);
		else
			IMB_AES128_GCM_PRE(a.m, key, &kd);
		for (s = 0; s < 3; s++)
			for (dir = 0; dir < 2; dir++) {
				struct bench_result r[N_API][BENCH_RUNS], med;
				unsigned int run;

				a.len = sizes[s];
				a.enc = dir == 0;
				/* the APIs take turns, so a busy neighbour slows all alike */
				for (run = 0; run < BENCH_RUNS; run++)
					for (api = SINGLE; api < N_API; api++) {
						a.api = api;
						r[api][run] = bench_once(one, &a, BURST);
					}
				for (api = SINGLE; api < N_API; api++) {
					med = bench_median(r[api]);
					printf("gcm-%-3d %5u %-4s %-14s %9.1f %11.1f %9.1f\n",
					       k ? 256 : 128, sizes[s], a.enc ? "enc" : "dec",
					       api_name[api], med.ns_per_op, med.tsc_per_op,
					       r[api][0].ns_per_op);
				}
				fflush(stdout);
			}
	}
	free_mb_mgr(a.m);
	return 0;
}
