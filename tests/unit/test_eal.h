/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * EAL for unit tests: no hugepages, no PCI, no telemetry, and a file prefix
 * of the test's own with --no-shconf, so tests run in parallel without
 * meeting. (Not --in-memory: DPDK 22.11 makes --no-huge imply --legacy-mem
 * and refuses the two together.)
 */
#ifndef ESPGW_TEST_EAL_H
#define ESPGW_TEST_EAL_H

#include <stdio.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_mbuf.h>

/* Start EAL for test `name`; 0 or -1. */
static inline int test_eal_start(const char *name)
{
	static char prefix[64];
	static char *argv[] = { NULL, "--no-huge", "-m", "256", "--no-pci",
				"--no-shconf", prefix, "--no-telemetry",
				"--log-level=error", NULL };

	argv[0] = (char *)(uintptr_t)name;
	snprintf(prefix, sizeof(prefix), "--file-prefix=%s", name);
	return rte_eal_init((int)RTE_DIM(argv) - 1, argv) < 0 ? -1 : 0;
}

/* Start EAL and make a pool of n mbufs named after the test; NULL on error. */
static inline struct rte_mempool *test_eal_start_pool(const char *name, unsigned int n)
{
	if (test_eal_start(name) < 0)
		return NULL;
	return rte_pktmbuf_pool_create(name, n, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				       SOCKET_ID_ANY);
}

#endif /* ESPGW_TEST_EAL_H */
