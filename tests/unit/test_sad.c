/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for the SA database (lib/sa/sad.h):
 *  - create parameters and names (long names refused, no silent truncation);
 *  - add/find/del: -EEXIST, -ENOENT, SPI 0 and NULL refused, -ENOSPC at
 *    capacity and room again after a delete;
 *  - burst lookups through a cache: hits, misses (NULL), unknown SPIs never
 *    cached, more SPIs than cache entries so some share an index;
 *  - a seeded random run of adds/dels/finds/bursts against a naive
 *    reference map, with two caches, without and with an RCU variable;
 *  - RCU: a deleted SA reaches sa_free only after the reader reported
 *    quiescent, exactly once; the reader's cache stops returning it at once;
 *  - sad_free hands every SA, live or waiting, to sa_free exactly once;
 *  - a reader thread looking up in a loop while the main thread adds,
 *    deletes and reclaims for about a second: SAs carry a magic that
 *    sa_free poisons, and the reader must never see a poisoned one (the
 *    objects are really freed a little later, so ASan sees any late use).
 * SAD_SEED=n in the environment replaces the random seed.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_memory.h>
#include <rte_rcu_qsbr.h>

#include "lib/sa/sad.h"
#include "test_eal.h"

#define MAGIC_LIVE UINT64_C(0x5ad0a11ce5a11fe0)
#define MAGIC_DEAD UINT64_C(0xdeadbeefdeadbeef)

/* A test SA: what sa_free poisons and counts. */
struct tsa {
	uint64_t magic;
	uint32_t spi;
	uint32_t n_free;
};

struct free_log {
	unsigned int n;
	void *last;
};

static uint64_t seed;

/* ---- helpers -------------------------------------------------------------- */

static uint64_t rnd_state;

static uint64_t rnd(void)
{
	/* xorshift64* */
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return rnd_state * UINT64_C(2685821657736338717);
}

static uint32_t rnd_spi(void)
{
	uint32_t s;

	do
		s = (uint32_t)(rnd() >> 32);
	while (s == 0);
	return s;
}

static void tsa_free(void *arg, void *sa)
{
	struct free_log *log = arg;
	struct tsa *t = sa;

	assert_int_equal(t->magic, MAGIC_LIVE);  /* not freed twice */
	t->magic = MAGIC_DEAD;
	t->n_free++;
	log->n++;
	log->last = sa;
}

static struct sad *sad_new(const char *name, uint32_t capacity,
			   struct rte_rcu_qsbr *qsv, struct free_log *log)
{
	struct sad_params p = {
		.name = name,
		.socket = SOCKET_ID_ANY,
		.capacity = capacity,
		.qsv = qsv,
		.sa_free = tsa_free,
		.sa_free_arg = log,
	};
	struct sad *s = sad_create(&p);

	assert_non_null(s);
	return s;
}

static void tsa_init(struct tsa *t, uint32_t spi)
{
	t->magic = MAGIC_LIVE;
	t->spi = spi;
	t->n_free = 0;
}

/* An RCU variable for n readers; thread 0 registered and online. */
static struct rte_rcu_qsbr *qsv_new(uint32_t n)
{
	size_t sz = rte_rcu_qsbr_get_memsize(n);
	struct rte_rcu_qsbr *v = rte_zmalloc("test_sad_qsv", sz, RTE_CACHE_LINE_SIZE);

	assert_non_null(v);
	assert_int_equal(rte_rcu_qsbr_init(v, n), 0);
	assert_int_equal(rte_rcu_qsbr_thread_register(v, 0), 0);
	rte_rcu_qsbr_thread_online(v, 0);
	return v;
}

static void qsv_del(struct rte_rcu_qsbr *v)
{
	rte_rcu_qsbr_thread_offline(v, 0);
	assert_int_equal(rte_rcu_qsbr_thread_unregister(v, 0), 0);
	rte_free(v);
}

static void *lookup1(struct sad_cache *c, uint32_t spi)
{
	void *sa = (void *)1;

	sad_lookup_burst(c, &spi, 1, &sa);
	return sa;
}

/* ---- create ---------------------------------------------------------------- */

static void test_create_params(void **state)
{
	struct free_log log = { 0 };
	struct sad_params p = {
		.name = "sad_p", .socket = SOCKET_ID_ANY, .capacity = 8,
		.sa_free = tsa_free, .sa_free_arg = &log,
	};
	struct sad *a, *b;

	(void)state;
	assert_null(sad_create(NULL));
	assert_int_equal(rte_errno, EINVAL);
	p.capacity = 0;
	assert_null(sad_create(&p));
	assert_int_equal(rte_errno, EINVAL);
	p.capacity = 8;
	p.sa_free = NULL;
	assert_null(sad_create(&p));
	assert_int_equal(rte_errno, EINVAL);
	p.sa_free = tsa_free;
	p.name = NULL;
	assert_null(sad_create(&p));
	assert_int_equal(rte_errno, EINVAL);

	/* longer than the ring names derived from it can carry */
	p.name = "sad_name_that_is_far_too_long";
	assert_null(sad_create(&p));
	assert_int_equal(rte_errno, ENAMETOOLONG);

	/* the longest names accepted differ in their last character only:
	 * both must come up, with and without a defer queue */
	{
		struct rte_rcu_qsbr *v = qsv_new(1);

		p.qsv = v;
		p.name = "sad_twenty_one_char1";
		a = sad_create(&p);
		assert_non_null(a);
		p.name = "sad_twenty_one_char2";
		b = sad_create(&p);
		assert_non_null(b);
		/* the same name twice is refused */
		assert_null(sad_create(&p));
		sad_free(a);
		sad_free(b);
		p.name = "sad_twenty_one_char_1";  /* 21 characters */
		a = sad_create(&p);
		assert_non_null(a);
		p.name = "sad_twenty_one_char_2";
		b = sad_create(&p);
		assert_non_null(b);
		sad_free(a);
		sad_free(b);
		p.name = "sad_twenty_two_chars_1";  /* 22: one too many */
		assert_null(sad_create(&p));
		assert_int_equal(rte_errno, ENAMETOOLONG);
		qsv_del(v);
	}
	assert_int_equal(log.n, 0);
}

/* ---- add / find / del ----------------------------------------------------- */

static void test_add_find_del(void **state)
{
	enum { CAP = 8 };
	struct free_log log = { 0 };
	struct tsa t[CAP + 2];
	struct sad *s = sad_new("sad_basic", CAP, NULL, &log);
	uint32_t i;

	(void)state;
	for (i = 0; i < RTE_DIM(t); i++)
		tsa_init(&t[i], 0x1000 + i);

	assert_int_equal(sad_add(s, 0, &t[0]), -EINVAL);
	assert_int_equal(sad_add(s, 1, NULL), -EINVAL);
	assert_null(sad_find(s, 0));
	assert_int_equal(sad_del(s, 0), -ENOENT);

	assert_null(sad_find(s, t[0].spi));
	assert_int_equal(sad_del(s, t[0].spi), -ENOENT);
	assert_int_equal(sad_add(s, t[0].spi, &t[0]), 0);
	assert_ptr_equal(sad_find(s, t[0].spi), &t[0]);
	assert_int_equal(sad_add(s, t[0].spi, &t[1]), -EEXIST);
	assert_ptr_equal(sad_find(s, t[0].spi), &t[0]);

	for (i = 1; i < CAP; i++)
		assert_int_equal(sad_add(s, t[i].spi, &t[i]), 0);
	assert_int_equal(sad_add(s, t[CAP].spi, &t[CAP]), -ENOSPC);
	/* -EEXIST wins over -ENOSPC: the SPI is known */
	assert_int_equal(sad_add(s, t[3].spi, &t[CAP]), -EEXIST);
	for (i = 0; i < CAP; i++)
		assert_ptr_equal(sad_find(s, t[i].spi), &t[i]);
	assert_null(sad_find(s, t[CAP].spi));

	/* no RCU variable: the SA goes to sa_free at once */
	assert_int_equal(sad_del(s, t[2].spi), 0);
	assert_int_equal(log.n, 1);
	assert_ptr_equal(log.last, &t[2]);
	assert_int_equal(sad_del(s, t[2].spi), -ENOENT);
	assert_null(sad_find(s, t[2].spi));
	assert_int_equal(sad_reclaim(s), 0);

	/* room for one again */
	assert_int_equal(sad_add(s, t[CAP].spi, &t[CAP]), 0);
	assert_int_equal(sad_add(s, t[CAP + 1].spi, &t[CAP + 1]), -ENOSPC);
	assert_ptr_equal(sad_find(s, t[CAP].spi), &t[CAP]);

	/* the same SPI back after a delete, many times (key slots return) */
	for (i = 0; i < 100; i++) {
		assert_int_equal(sad_del(s, t[CAP].spi), 0);
		tsa_init(&t[CAP], t[CAP].spi);
		assert_int_equal(sad_add(s, t[CAP].spi, &t[CAP]), 0);
	}
	assert_int_equal(log.n, 101);

	sad_free(s);
	assert_int_equal(log.n, 101 + CAP);
	for (i = 0; i < CAP + 1; i++)
		assert_int_equal(t[i].magic, MAGIC_DEAD);
	assert_int_equal(t[CAP + 1].magic, MAGIC_LIVE);
}

/* ---- burst lookups --------------------------------------------------------- */

static void test_lookup_burst(void **state)
{
	/* more SAs than cache entries (256): by pigeonhole many share an index */
	enum { N = 600 };
	struct free_log log = { 0 };
	struct tsa *t = calloc(N, sizeof(*t));
	uint32_t *unknown = calloc(N, sizeof(*unknown));
	struct sad *s = sad_new("sad_burst", N, NULL, &log);
	struct sad_cache *c = sad_cache_create(s, SOCKET_ID_ANY);
	uint32_t spi[100];
	void *sa[100];
	unsigned int i, j, round, n;

	(void)state;
	assert_non_null(t);
	assert_non_null(unknown);
	assert_non_null(c);
	rnd_state = seed ^ 1;
	for (i = 0; i < N; i++) {
		do
			tsa_init(&t[i], rnd_spi());
		while (sad_add(s, t[i].spi, &t[i]) != 0);
	}
	for (i = 0; i < N; i++)
		do
			unknown[i] = rnd_spi();
		while (sad_find(s, unknown[i]) != NULL);

	/* empty burst */
	sad_lookup_burst(c, spi, 0, sa);

	for (round = 0; round < 200; round++) {
		n = 1 + (unsigned int)(rnd() % 64);
		if (round % 50 == 49)
			n = 100;  /* longer than the contract: cut, not overrun */
		for (j = 0; j < n; j++) {
			unsigned int k = (unsigned int)(rnd() % N);

			switch (rnd() % 8) {
			case 0:
				spi[j] = unknown[k];
				break;
			case 1:
				spi[j] = 0;
				break;
			case 2:
				/* same SPI as the one before: one burst,
				 * both hashed in bulk */
				spi[j] = j > 0 ? spi[j - 1] : t[k].spi;
				break;
			default:
				spi[j] = t[k].spi;
			}
			sa[j] = (void *)1;
		}
		sad_lookup_burst(c, spi, n, sa);
		for (j = 0; j < n; j++) {
			void *want = sad_find(s, spi[j]);

			assert_ptr_equal(sa[j], want);
			if (want != NULL)
				assert_int_equal(((struct tsa *)sa[j])->spi, spi[j]);
		}
		/* the same burst again: now mostly from the cache */
		memset(sa, 0xa5, sizeof(sa));
		sad_lookup_burst(c, spi, n, sa);
		for (j = 0; j < n; j++)
			assert_ptr_equal(sa[j], sad_find(s, spi[j]));
	}

	/* every SA against every other through one cache, in pairs: the
	 * colliding pairs must evict each other, never alias */
	for (i = 0; i < N; i++) {
		j = (i * 7 + 1) % N;
		spi[0] = t[i].spi;
		spi[1] = t[j].spi;
		spi[2] = t[i].spi;
		spi[3] = unknown[i];
		sad_lookup_burst(c, spi, 4, sa);
		assert_ptr_equal(sa[0], &t[i]);
		assert_ptr_equal(sa[1], &t[j]);
		assert_ptr_equal(sa[2], &t[i]);
		assert_null(sa[3]);
	}
	/* unknown SPIs stay unknown however often they are asked for */
	for (i = 0; i < N; i++) {
		assert_null(lookup1(c, unknown[i]));
		assert_null(lookup1(c, unknown[i]));
	}
	assert_null(lookup1(c, 0));
	for (i = 0; i < N; i++)
		assert_ptr_equal(lookup1(c, t[i].spi), &t[i]);

	sad_cache_free(c);
	sad_free(s);
	assert_int_equal(log.n, N);
	free(unknown);
	free(t);
}

/* ---- random run against a reference --------------------------------------- */

static void random_run(const char *name, bool rcu)
{
	enum { CAP = 64, POOL = 200, OPS = 40000, MAXOBJ = OPS + 1 };
	struct free_log log = { 0 };
	struct rte_rcu_qsbr *v = rcu ? qsv_new(1) : NULL;
	struct sad *s = sad_new(name, CAP, v, &log);
	struct sad_cache *c[2];
	uint32_t pool[POOL];
	struct tsa *ref[POOL] = { 0 };      /* the reference map */
	struct tsa *obj = calloc(MAXOBJ, sizeof(*obj));
	unsigned int n_obj = 0, n_live = 0, n_del = 0;
	uint32_t spi[64];
	void *sa[64];
	unsigned int i, j, op;

	assert_non_null(obj);
	c[0] = sad_cache_create(s, SOCKET_ID_ANY);
	c[1] = sad_cache_create(s, SOCKET_ID_ANY);
	assert_non_null(c[0]);
	assert_non_null(c[1]);
	rnd_state = seed ^ (rcu ? 3 : 2);
	for (i = 0; i < POOL; i++) {
		bool dup;

		do {
			/* a few small SPIs among the random ones */
			pool[i] = i < 8 ? i + 1 : rnd_spi();
			dup = false;
			for (j = 0; j < i; j++)
				dup |= pool[j] == pool[i];
		} while (dup);
	}

	for (op = 0; op < OPS; op++) {
		unsigned int k = (unsigned int)(rnd() % POOL);
		unsigned int what = (unsigned int)(rnd() % 16);
		int rc;

		if (what < 5) {
			struct tsa *t = &obj[n_obj];

			tsa_init(t, pool[k]);
			rc = sad_add(s, pool[k], t);
			if (ref[k] != NULL) {
				assert_int_equal(rc, -EEXIST);
			} else if (n_live == CAP) {
				assert_int_equal(rc, -ENOSPC);
			} else {
				assert_int_equal(rc, 0);
				ref[k] = t;
				n_obj++;
				n_live++;
			}
		} else if (what < 9) {
			rc = sad_del(s, pool[k]);
			if (ref[k] == NULL) {
				assert_int_equal(rc, -ENOENT);
			} else {
				assert_int_equal(rc, 0);
				/* freed at once without RCU; with it, not
				 * before thread 0 reports */
				assert_int_equal(ref[k]->magic,
						 rcu ? MAGIC_LIVE : MAGIC_DEAD);
				ref[k] = NULL;
				n_live--;
				n_del++;
			}
		} else if (what < 10) {
			assert_ptr_equal(sad_find(s, pool[k]), ref[k]);
		} else {
			struct sad_cache *cc = c[what & 1];
			unsigned int n = 1 + (unsigned int)(rnd() % 64);
			unsigned int idx[64];

			for (j = 0; j < n; j++) {
				idx[j] = (unsigned int)(rnd() % (POOL + 8));
				spi[j] = idx[j] < POOL ? pool[idx[j]] : rnd_spi();
			}
			sad_lookup_burst(cc, spi, n, sa);
			for (j = 0; j < n; j++) {
				if (idx[j] < POOL) {
					assert_ptr_equal(sa[j], ref[idx[j]]);
				} else {
					/* a random SPI that may or may not be
					 * in the pool */
					for (i = 0; i < POOL && pool[i] != spi[j]; i++)
						;
					assert_ptr_equal(sa[j], i < POOL ? ref[i] : NULL);
				}
				if (sa[j] != NULL)
					assert_int_equal(((struct tsa *)sa[j])->magic,
							 MAGIC_LIVE);
			}
		}
		if (rcu && op % 32 == 31) {
			/* caches belong to thread 0: it is between bursts */
			rte_rcu_qsbr_quiescent(v, 0);
			assert_int_equal(sad_reclaim(s), 0);
		}
		if (!rcu || op % 32 == 31)
			assert_int_equal(log.n, n_del);
		else
			assert_true(log.n <= n_del);
	}
	sad_cache_free(c[0]);
	sad_cache_free(c[1]);
	if (rcu)
		rte_rcu_qsbr_thread_offline(v, 0);
	sad_free(s);
	assert_int_equal(log.n, n_obj);
	for (i = 0; i < n_obj; i++)
		assert_int_equal(obj[i].n_free, 1);
	if (rcu) {
		rte_rcu_qsbr_thread_online(v, 0);
		qsv_del(v);
	}
	free(obj);
}

static void test_random_no_rcu(void **state)
{
	(void)state;
	random_run("sad_rnd", false);
}

static void test_random_rcu(void **state)
{
	(void)state;
	random_run("sad_rnd_rcu", true);
}

/* ---- RCU ------------------------------------------------------------------ */

static void test_rcu_grace(void **state)
{
	struct free_log log = { 0 };
	struct rte_rcu_qsbr *v = qsv_new(1);
	struct sad *s = sad_new("sad_rcu", 16, v, &log);
	struct sad_cache *c = sad_cache_create(s, SOCKET_ID_ANY);
	struct sad_cache *c2 = sad_cache_create(s, SOCKET_ID_ANY);
	struct tsa x, y, z;

	(void)state;
	assert_non_null(c);
	assert_non_null(c2);
	tsa_init(&x, 0xabcdef01);
	tsa_init(&y, 0xabcdef02);
	tsa_init(&z, 0xabcdef03);
	assert_int_equal(sad_add(s, x.spi, &x), 0);
	assert_int_equal(sad_add(s, y.spi, &y), 0);
	/* both caches hold x now */
	assert_ptr_equal(lookup1(c, x.spi), &x);
	assert_ptr_equal(lookup1(c, x.spi), &x);
	assert_ptr_equal(lookup1(c2, x.spi), &x);
	assert_ptr_equal(lookup1(c, y.spi), &y);

	assert_int_equal(sad_del(s, x.spi), 0);
	/* the reader has not reported: x must stay alive */
	assert_int_equal(log.n, 0);
	assert_int_equal(sad_reclaim(s), 1);
	assert_int_equal(sad_reclaim(s), 1);
	assert_int_equal(log.n, 0);
	assert_int_equal(x.magic, MAGIC_LIVE);
	/* but no cache hands it out any more (epoch), and y is still there */
	assert_null(lookup1(c, x.spi));
	assert_null(lookup1(c2, x.spi));
	assert_ptr_equal(lookup1(c, y.spi), &y);
	assert_null(sad_find(s, x.spi));
	/* the SPI can come back with another SA during the grace period */
	assert_int_equal(sad_add(s, x.spi, &z), 0);
	assert_ptr_equal(lookup1(c, x.spi), &z);
	assert_int_equal(log.n, 0);

	rte_rcu_qsbr_quiescent(v, 0);
	assert_int_equal(sad_reclaim(s), 0);
	assert_int_equal(log.n, 1);
	assert_ptr_equal(log.last, &x);
	assert_int_equal(x.n_free, 1);
	/* exactly once */
	rte_rcu_qsbr_quiescent(v, 0);
	assert_int_equal(sad_reclaim(s), 0);
	assert_int_equal(log.n, 1);

	/* an offline reader holds nothing up */
	rte_rcu_qsbr_thread_offline(v, 0);
	assert_int_equal(sad_del(s, y.spi), 0);
	assert_int_equal(sad_reclaim(s), 0);
	assert_int_equal(log.n, 2);
	assert_ptr_equal(log.last, &y);
	rte_rcu_qsbr_thread_online(v, 0);

	sad_cache_free(c);
	sad_cache_free(c2);
	sad_free(s);
	assert_int_equal(log.n, 3);
	assert_int_equal(z.n_free, 1);
	qsv_del(v);
}

/* Deleted SAs hold key slots until reclaimed; sad_add reclaims when it runs
 * out, and says -ENOSPC only while the reader really holds them. */
static void test_rcu_key_slots(void **state)
{
	enum { CAP = 16 };
	struct free_log log = { 0 };
	struct rte_rcu_qsbr *v = qsv_new(1);
	struct sad *s = sad_new("sad_slots", CAP, v, &log);
	struct tsa *t = calloc(20 * CAP, sizeof(*t));
	unsigned int i, added = 0, ok = 0, nospc = 0;

	(void)state;
	assert_non_null(t);
	/* churn one SA at a time without a quiescent report */
	for (i = 0; i < 20 * CAP; i++) {
		tsa_init(&t[i], 0x100 + i);
		if (sad_add(s, t[i].spi, &t[i]) == 0) {
			added++;
			ok++;
			assert_int_equal(sad_del(s, t[i].spi), 0);
		} else {
			nospc++;
			break;
		}
	}
	/* at least twice the capacity fit before the slots ran out */
	assert_true(ok >= 2 * CAP);
	assert_int_equal(nospc, 1);
	assert_int_equal(log.n, 0);
	/* once the reader reports, the add goes through (it reclaims) */
	rte_rcu_qsbr_quiescent(v, 0);
	tsa_init(&t[i], 0x100 + i);
	assert_int_equal(sad_add(s, t[i].spi, &t[i]), 0);
	added++;
	assert_int_equal(log.n, ok);
	assert_int_equal(sad_reclaim(s), 0);
	rte_rcu_qsbr_thread_offline(v, 0);
	sad_free(s);
	assert_int_equal(log.n, added);
	for (i = 0; i < 20 * CAP; i++)
		assert_int_equal(t[i].n_free, i < added ? 1 : 0);
	rte_rcu_qsbr_thread_online(v, 0);
	qsv_del(v);
	free(t);
}

static void test_free_all(void **state)
{
	enum { N = 50 };
	struct free_log log = { 0 };
	struct rte_rcu_qsbr *v = qsv_new(1);
	struct tsa t[N];
	struct sad *s;
	unsigned int i, pass;

	(void)state;
	for (pass = 0; pass < 2; pass++) {
		log.n = 0;
		s = sad_new("sad_free", N, pass ? v : NULL, &log);
		for (i = 0; i < N; i++) {
			tsa_init(&t[i], 0x7000 + i * 977);
			assert_int_equal(sad_add(s, t[i].spi, &t[i]), 0);
		}
		/* some deleted and, with RCU, still waiting */
		for (i = 0; i < N; i += 5)
			assert_int_equal(sad_del(s, t[i].spi), 0);
		if (pass) {
			assert_int_equal(log.n, 0);
			assert_int_equal(sad_reclaim(s), N / 5);
			/* sad_free waits for the grace period: the reader
			 * (this thread) goes offline first */
			rte_rcu_qsbr_thread_offline(v, 0);
		} else {
			assert_int_equal(log.n, N / 5);
		}
		sad_free(s);
		assert_int_equal(log.n, N);
		for (i = 0; i < N; i++)
			assert_int_equal(t[i].n_free, 1);
		if (pass)
			rte_rcu_qsbr_thread_online(v, 0);
	}
	sad_free(NULL);
	qsv_del(v);
}

/* ---- two threads ------------------------------------------------------------ */

#define MT_POOL 96
#define MT_QUARANTINE 512
#define MT_READER_ID 1

struct mt {
	struct sad *s;
	struct rte_rcu_qsbr *v;
	uint32_t pool[MT_POOL];
	bool stop;
	/* reader's results, read by main after join */
	uint64_t bursts, hits, misses, poisoned, wrong_spi;
	int reg_err;
	/* writer's quarantine: poisoned, freed for real when pushed out */
	struct tsa *q[MT_QUARANTINE];
	unsigned int q_head;
	uint64_t n_freed;
};

static void mt_sa_free(void *arg, void *sa)
{
	struct mt *m = arg;
	struct tsa *t = sa;
	struct tsa *old;

	__atomic_store_n(&t->magic, MAGIC_DEAD, __ATOMIC_RELAXED);
	t->n_free++;
	m->n_freed++;
	old = m->q[m->q_head];
	m->q[m->q_head] = t;
	m->q_head = (m->q_head + 1) % MT_QUARANTINE;
	free(old);
}

static void *mt_reader(void *arg)
{
	struct mt *m = arg;
	struct sad_cache *c = sad_cache_create(m->s, SOCKET_ID_ANY);
	uint64_t x = seed ^ 0x9e3779b97f4a7c15u;
	uint32_t spi[32];
	void *sa[32];
	unsigned int j;

	if (c == NULL || rte_rcu_qsbr_thread_register(m->v, MT_READER_ID) != 0) {
		m->reg_err = 1;
		sad_cache_free(c);
		return NULL;
	}
	rte_rcu_qsbr_thread_online(m->v, MT_READER_ID);
	while (!__atomic_load_n(&m->stop, __ATOMIC_ACQUIRE)) {
		for (j = 0; j < RTE_DIM(spi); j++) {
			x ^= x >> 12;
			x ^= x << 25;
			x ^= x >> 27;
			spi[j] = m->pool[(x * UINT64_C(2685821657736338717) >> 33) % MT_POOL];
		}
		sad_lookup_burst(c, spi, RTE_DIM(spi), sa);
		for (j = 0; j < RTE_DIM(spi); j++) {
			struct tsa *t = sa[j];

			if (t == NULL) {
				m->misses++;
				continue;
			}
			m->hits++;
			if (__atomic_load_n(&t->magic, __ATOMIC_RELAXED) != MAGIC_LIVE)
				m->poisoned++;
			if (t->spi != spi[j])
				m->wrong_spi++;
		}
		m->bursts++;
		rte_rcu_qsbr_quiescent(m->v, MT_READER_ID);
	}
	rte_rcu_qsbr_thread_offline(m->v, MT_READER_ID);
	rte_rcu_qsbr_thread_unregister(m->v, MT_READER_ID);
	sad_cache_free(c);
	return NULL;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_two_threads(void **state)
{
	struct mt *m = calloc(1, sizeof(*m));
	struct sad_params p = {
		.name = "sad_mt", .socket = SOCKET_ID_ANY, .capacity = MT_POOL,
		.sa_free = mt_sa_free,
	};
	size_t sz = rte_rcu_qsbr_get_memsize(2);
	bool live[MT_POOL] = { 0 };
	uint64_t n_alloc = 0, n_ops = 0, n_full = 0;
	pthread_t th;
	double end;
	unsigned int i;

	(void)state;
	assert_non_null(m);
	m->v = rte_zmalloc("test_sad_mt_qsv", sz, RTE_CACHE_LINE_SIZE);
	assert_non_null(m->v);
	/* thread 0 (this one) is not a reader: only the reader thread
	 * registers, so the writer never waits on itself */
	assert_int_equal(rte_rcu_qsbr_init(m->v, 2), 0);
	p.qsv = m->v;
	p.sa_free_arg = m;
	m->s = sad_create(&p);
	assert_non_null(m->s);
	rnd_state = seed ^ 4;
	for (i = 0; i < MT_POOL; i++) {
		unsigned int j;
		bool dup;

		do {
			m->pool[i] = rnd_spi();
			dup = false;
			for (j = 0; j < i; j++)
				dup |= m->pool[j] == m->pool[i];
		} while (dup);
	}

	assert_int_equal(pthread_create(&th, NULL, mt_reader, m), 0);
	end = now_s() + 1.0;
	while (now_s() < end) {
		for (i = 0; i < 64; i++, n_ops++) {
			unsigned int k = (unsigned int)(rnd() % MT_POOL);

			if (live[k]) {
				assert_int_equal(sad_del(m->s, m->pool[k]), 0);
				live[k] = false;
			} else {
				struct tsa *t = malloc(sizeof(*t));

				assert_non_null(t);
				tsa_init(t, m->pool[k]);
				if (sad_add(m->s, m->pool[k], t) == 0) {
					live[k] = true;
					n_alloc++;
				} else {
					/* every spare key slot is held by SAs
					 * the reader may still see: let it run
					 * (with 2 CPUs and a busy machine it
					 * can be descheduled for a while) */
					free(t);
					n_full++;
					sched_yield();
				}
			}
		}
		sad_reclaim(m->s);
	}
	__atomic_store_n(&m->stop, true, __ATOMIC_RELEASE);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(m->reg_err, 0);

	sad_free(m->s);
	assert_int_equal(m->n_freed, n_alloc);
	for (i = 0; i < MT_QUARANTINE; i++)
		free(m->q[i]);
	print_message("two threads: %" PRIu64 " ops, %" PRIu64 " SAs, reader %"
		      PRIu64 " bursts, %" PRIu64 " hits, %" PRIu64 " misses, %" PRIu64
		      " adds refused\n",
		      n_ops, n_alloc, m->bursts, m->hits, m->misses, n_full);
	assert_int_equal(m->poisoned, 0);
	assert_int_equal(m->wrong_spi, 0);
	assert_true(m->bursts > 100);
	assert_true(m->hits > 0);
	assert_true(m->misses > 0);
	assert_true(n_alloc > MT_QUARANTINE);  /* objects really got freed */
	rte_free(m->v);
	free(m);
}

/* ---- main ----------------------------------------------------------------- */

static int group_setup(void **state)
{
	const char *env = getenv("SAD_SEED");

	(void)state;
	seed = env != NULL ? strtoull(env, NULL, 0) : (uint64_t)time(NULL);
	if (seed == 0)
		seed = 1;
	printf("SAD_SEED=%" PRIu64 "\n", seed);
	return test_eal_start("test_sad");
}

static int group_teardown(void **state)
{
	(void)state;
	rte_eal_cleanup();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_params),
		cmocka_unit_test(test_add_find_del),
		cmocka_unit_test(test_lookup_burst),
		cmocka_unit_test(test_random_no_rcu),
		cmocka_unit_test(test_random_rcu),
		cmocka_unit_test(test_rcu_grace),
		cmocka_unit_test(test_rcu_key_slots),
		cmocka_unit_test(test_free_all),
		cmocka_unit_test(test_two_threads),
	};

	return cmocka_run_group_tests_name("sad", tests, group_setup, group_teardown);
}
