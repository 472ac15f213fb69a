/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Timing for tests/perf: run a burst function for ~0.3 s, seven times, keep
 * the median. Time from CLOCK_MONOTONIC, cycles from the TSC (reference
 * cycles: a fixed rate whatever the core clock does).
 */
#ifndef ESPGW_BENCH_H
#define ESPGW_BENCH_H

#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include <x86intrin.h>

enum { BENCH_RUNS = 7 };
#define BENCH_RUN_NS 300e6

struct bench_result {
	double ns_per_op;
	double tsc_per_op;
};

static inline double bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static inline int bench_cmp(const void *a, const void *b)
{
	const struct bench_result *x = a, *y = b;

	return (x->ns_per_op > y->ns_per_op) - (x->ns_per_op < y->ns_per_op);
}

/* One run of ~0.3 s; fn(arg) processes ops_per_call operations. */
static inline struct bench_result bench_once(void (*fn)(void *), void *arg,
					     unsigned int ops_per_call)
{
	struct bench_result r;
	double t0, t1;
	uint64_t c0, c1, calls = 0;
	unsigned int k;

	for (k = 0; k < 16; k++)      /* warm caches and branch predictors */
		fn(arg);
	t0 = bench_now_ns();
	c0 = __rdtsc();
	do {
		for (k = 0; k < 16; k++)
			fn(arg);
		calls += 16;
		t1 = bench_now_ns();
	} while (t1 - t0 < BENCH_RUN_NS);
	c1 = __rdtsc();
	r.ns_per_op = (t1 - t0) / (double)(calls * ops_per_call);
	r.tsc_per_op = (double)(c1 - c0) / (double)(calls * ops_per_call);
	return r;
}

/* Median of r[0..BENCH_RUNS) (sorts r). */
static inline struct bench_result bench_median(struct bench_result *r)
{
	qsort(r, BENCH_RUNS, sizeof(r[0]), bench_cmp);
	return r[BENCH_RUNS / 2];
}

/* BENCH_RUNS runs back to back; the median. */
static inline struct bench_result bench_run(void (*fn)(void *), void *arg,
					    unsigned int ops_per_call)
{
	struct bench_result r[BENCH_RUNS];
	unsigned int i;

	for (i = 0; i < BENCH_RUNS; i++)
		r[i] = bench_once(fn, arg, ops_per_call);
	return bench_median(r);
}

#endif /* ESPGW_BENCH_H */
