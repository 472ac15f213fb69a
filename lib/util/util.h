/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Small things every lcore shares: burst size, single-writer counters.
 */
#ifndef ESPGW_UTIL_H
#define ESPGW_UTIL_H

#include <stdint.h>

enum {
	ESPGW_MAX_BURST = 32,  /* packets per rx/tx burst on worker lcores */
	ESPGW_MAX_PORTS = 32,  /* ethdev ports the gateway drives */
};

/*
 * Counters have exactly one writer (the lcore owning them) and are read by
 * the telemetry thread while they change. A relaxed load and store is a
 * plain add on x86, and keeps the concurrent read well-defined.
 */
static inline void cnt_add(uint64_t *c, uint64_t v)
{
	__atomic_store_n(c, __atomic_load_n(c, __ATOMIC_RELAXED) + v,
			 __ATOMIC_RELAXED);
}

static inline uint64_t cnt_read(const uint64_t *c)
{
	return __atomic_load_n(c, __ATOMIC_RELAXED);
}

#endif /* ESPGW_UTIL_H */
