/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Helpers every AEAD engine uses at set-up: context memory placed on the
 * worker's NUMA node, the shared log type, key length rules. Control lcore.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <numa.h>

#include "lib/crypto/aead_priv.h"

/* EAL option to change it: --log-level=espgw.crypto:debug */
RTE_LOG_REGISTER(aead_logtype, espgw.crypto, INFO);

/* Each context block starts with this header, one cache line long, so
 * that the caller's part stays 64-byte aligned and free needs no size. */
struct mem_hdr {
	size_t total;
	int numa;       /* 1: numa_alloc_onnode(), 0: aligned_alloc() */
};

enum { MEM_HDR = 64 };
_Static_assert(sizeof(struct mem_hdr) <= MEM_HDR, "header fits its line");

void *aead_ctx_mem_alloc(size_t size, int socket)
{
	size_t total = (MEM_HDR + size + MEM_HDR - 1) / MEM_HDR * MEM_HDR;
	struct mem_hdr *h;
	int numa = socket >= 0 && numa_available() >= 0;

	if (size == 0 || size > SIZE_MAX / 2) {
		errno = EINVAL;
		return NULL;
	}
	/* numa_alloc_onnode() hands out whole pages bound to the node */
	h = numa ? numa_alloc_onnode(total, socket) : aligned_alloc(MEM_HDR, total);
	if (h == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	memset(h, 0, total);
	h->total = total;
	h->numa = numa;
	return (uint8_t *)h + MEM_HDR;
}

void aead_ctx_mem_free(void *p)
{
	struct mem_hdr *h;

	if (p == NULL)
		return;
	h = (struct mem_hdr *)((uint8_t *)p - MEM_HDR);
	if (h->numa)
		numa_free(h, h->total);
	else
		free(h);
}

int aead_key_len_check(enum aead_alg alg, uint32_t key_len)
{
	switch (alg) {
	case AEAD_AES_GCM_128:
		return key_len == 16 ? 0 : -EINVAL;
	case AEAD_AES_GCM_256:
		return key_len == 32 ? 0 : -EINVAL;
	}
	return -ENOTSUP;
}
