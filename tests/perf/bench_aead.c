/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * AEAD engine throughput: each engine, AES-GCM-128/-256, 64/512/1400-byte
 * payloads, bursts of ESPGW_MAX_BURST in place, 8-byte AAD (RFC 4106 §5);
 * median of seven ~0.3 s runs.
 * Usage: bench_aead [engine-name] [--cryptodev DEVICE]
 * (or ESPGW_BENCH_CRYPTODEV=DEVICE). With a device, EAL starts and the
 * "cryptodev" engine runs on it; DEVICE crypto_* is created as a vdev
 * without hugepages (crypto_aesni_gcm0, crypto_aesni_mb0, crypto_openssl0),
 * anything else is looked for among probed (PCI) devices, with hugepages.
 * Then every engine works on data inside mbufs, as lib/esp hands it over
 * (op->mb set, 64 bytes of headers first), and "cdev-copy" is the
 * cryptodev engine on plain buffers (its copying slow path).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_mbuf.h>

#include "lib/crypto/aead.h"
#include "lib/util/util.h"
#include "tests/perf/bench.h"

enum { BURST = ESPGW_MAX_BURST, MAX_LEN = 1400, HDR = 64 };

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
static struct rte_mbuf *mbs[BURST];   /* with a cryptodev: the data lives here */

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

/* EAL for DEVICE, and BURST packets holding the data; 0 or -1. */
static int eal_start(const char *dev)
{
	static char vdev[128];
	char *sw[] = { "bench_aead", "--no-huge", "-m", "512", "--no-pci",
		       "--no-shconf", "--file-prefix=bench_aead", "--no-telemetry",
		       "--log-level=error", "--vdev", vdev, NULL };
	char *hw[] = { "bench_aead", "--file-prefix=bench_aead", "--no-telemetry",
		       "--log-level=error", NULL };
	bool is_vdev = strncmp(dev, "crypto_", 7) == 0;
	struct rte_mempool *mp;
	unsigned int i;

	snprintf(vdev, sizeof(vdev), "%s", dev);
	if (rte_eal_init(is_vdev ? 11 : 4, is_vdev ? sw : hw) < 0)
		return -1;
	mp = rte_pktmbuf_pool_create("bench_aead", 2 * BURST, 0, 0,
				     RTE_PKTMBUF_HEADROOM + HDR + MAX_LEN + AEAD_TAG_LEN,
				     SOCKET_ID_ANY);
	if (mp == NULL || rte_pktmbuf_alloc_bulk(mp, mbs, BURST) != 0)
		return -1;
	for (i = 0; i < BURST; i++) {
		char *p = rte_pktmbuf_append(mbs[i], HDR + MAX_LEN + AEAD_TAG_LEN);

		if (p == NULL)
			return -1;
		memset(p, 0x5a, HDR + MAX_LEN + AEAD_TAG_LEN);
	}
	return 0;
}

/* One engine (on mbufs when there are any, unless plain), both key sizes,
 * all sizes, both directions. */
static int bench_engine(struct bench_arg *a, const char *label, bool plain)
{
	static const uint32_t sizes[] = { 64, 512, 1400 };
	uint8_t raw[AEAD_KEY_MAX];
	unsigned int alg, s, i, dir;

	for (i = 0; i < sizeof(raw); i++)
		raw[i] = (uint8_t)(i * 37 + 11);
	for (alg = AEAD_AES_GCM_128; alg <= AEAD_AES_GCM_256; alg++) {
		if (a->e->key_init(a->ctx, &key, alg, raw, alg == AEAD_AES_GCM_128 ? 16 : 32)) {
			fprintf(stderr, "%s: key_init failed\n", label);
			return -1;
		}
		for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
			for (i = 0; i < BURST; i++) {
				struct rte_mbuf *m = plain ? NULL : mbs[i];
				uint8_t *d = m != NULL ? rte_pktmbuf_mtod(m, uint8_t *) + HDR
						       : data[i];

				ivs[i][11] = (uint8_t)i;
				a->ops[i] = (struct aead_op){
					.key = &key, .mb = m, .iv = ivs[i], .aad = aads[i],
					.aad_len = 8, .data = d, .len = sizes[s],
					.tag = m != NULL ? d + sizes[s] : tags[i],
				};
			}
			for (dir = 0; dir < 2; dir++) {
				struct bench_result r;

				a->enc = dir == 0;
				r = bench_run(one_burst, a, BURST);
				printf("%-9s %-11s %5u %-4s %9.1f %11.1f %8.2f\n", label,
				       alg == AEAD_AES_GCM_128 ? "aes-gcm-128" : "aes-gcm-256",
				       sizes[s], a->enc ? "enc" : "dec", r.ns_per_op,
				       r.tsc_per_op, sizes[s] * 8.0 / r.ns_per_op);
				fflush(stdout);
			}
		}
		aead_key_wipe(a->e, &key);
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct bench_arg a;
	const struct aead_engine *const *e;
	const char *only = NULL, *dev = getenv("ESPGW_BENCH_CRYPTODEV");
	int i, rc = 0;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--cryptodev") == 0 && i + 1 < argc)
			dev = argv[++i];
		else if (argv[i][0] != '-')
			only = argv[i];
		else {
			fprintf(stderr, "usage: %s [engine] [--cryptodev DEVICE]\n", argv[0]);
			return 2;
		}
	}
	if (dev != NULL && eal_start(dev) < 0) {
		fprintf(stderr, "EAL for %s: %s\n", dev, rte_strerror(rte_errno));
		return 1;
	}
	memset(data, 0x5a, sizeof(data));
	printf("%-9s %-11s %5s %-4s %9s %11s %8s\n", "engine", "alg", "bytes", "dir",
	       "ns/op", "tsc-cyc/op", "Gbps");
	for (e = aead_engines; *e != NULL && rc == 0; e++) {
		if (only != NULL && strcmp(only, (*e)->name) != 0)
			continue;
		if ((*e)->setup != NULL) {
			if (dev == NULL)
				continue;   /* needs a device: --cryptodev */
			if ((*e)->setup(dev, 1, -1) != 0) {
				fprintf(stderr, "%s: setup on %s failed\n", (*e)->name, dev);
				return 1;
			}
		}
		a.e = *e;
		a.ctx = a.e->ctx_create(0);
		if (a.ctx == NULL) {
			fprintf(stderr, "%s: no context\n", a.e->name);
			return 1;
		}
		rc = bench_engine(&a, a.e->name, dev == NULL);
		if (rc == 0 && a.e->setup != NULL)
			rc = bench_engine(&a, "cdev-copy", true);
		a.e->ctx_free(a.ctx);
		if (a.e->teardown != NULL)
			a.e->teardown();
	}
	if (dev != NULL)
		rte_eal_cleanup();
	return rc != 0;
}
