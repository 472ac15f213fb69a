/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Security association database (see sad.h for who calls what).
 *
 * Shared part: an rte_hash (4-byte SPI key, SA pointer as data) created
 * RW_CONCURRENCY_LF, so workers look up without locks while the control
 * lcore adds and deletes. In that mode a delete unlinks the key from its
 * bucket but keeps the key slot, because a reader may still be comparing
 * it; the slot goes back with rte_hash_free_key_with_position().
 *
 * Reclamation: our own RCU defer queue (not rte_hash's built-in one, which
 * reclaims only from later adds and deletes, so a quiet table would keep
 * deleted SAs forever). sad_del() enqueues {sa, key position}; once the
 * grace period has ended, sad_reclaim() (or sad_add() when it runs out of
 * key slots, or sad_free()) frees the key slot and hands the SA to sa_free.
 *
 * Per-lcore part: a direct-mapped cache in front of the hash; see
 * sad_lookup_burst() for why it can never hand out a freed SA.
 */
#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_debug.h>
#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>
#include <rte_random.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring_core.h>

#include "sad.h"

#define SAD_CACHE_BITS 8
#define SAD_CACHE_SIZE (1u << SAD_CACHE_BITS)
#define SAD_CACHE_MASK (SAD_CACHE_SIZE - 1)
#define SAD_BURST_MAX RTE_HASH_LOOKUP_BULK_MAX

/*
 * Longest name we accept. DPDK truncates derived object names silently:
 * the defer queue's ring is "RCU_DQ_<name>" and the hash's key ring
 * "HT_<name>", both within RTE_RING_NAMESIZE - 1 characters. Two SADs
 * whose names differ only past the cut would collide (create fails with
 * EEXIST, or worse, in someone else's table); refusing long names keeps
 * the name the user gave the whole identity.
 */
#define SAD_DQ_PREFIX "RCU_DQ_"
#define SAD_NAME_MAX (RTE_RING_NAMESIZE - 1 - (sizeof(SAD_DQ_PREFIX) - 1))

/* Hard upper bound on capacity: hash entries are twice the capacity. */
#define SAD_CAPACITY_MAX (1u << 24)

/* What the defer queue carries for one deleted SA (size a multiple of 4,
 * as rte_rcu_qsbr_dq requires). */
struct sad_dq_elem {
	void *sa;
	uint32_t pos;       /* rte_hash key position, from rte_hash_del_key() */
	uint32_t pad;
};

struct sad {
	/* read by workers: one line, written only by sad_del() (epoch) */
	uint64_t epoch;
	struct rte_hash *h;

	/* control lcore only */
	struct rte_rcu_qsbr_dq *dq __rte_cache_aligned;
	struct rte_rcu_qsbr *qsv;
	void (*sa_free)(void *arg, void *sa);
	void *sa_free_arg;
	uint32_t capacity;
	uint32_t n_live;     /* in the hash */
	uint32_t n_deferred; /* deleted, waiting in dq */
	char name[SAD_NAME_MAX + 1];
};

struct sad_cache_entry {
	uint32_t spi;       /* 0: empty (SPI 0 is never added) */
	void *sa;
};

struct sad_cache {
	const struct sad *s;
	uint64_t epoch;     /* s->epoch when the entries were last valid */
	struct sad_cache_entry e[SAD_CACHE_SIZE] __rte_cache_aligned;
};

static_assert(sizeof(struct sad_dq_elem) % 4 == 0, "dq element: multiple of 4");

/* Direct-mapped index. A peer picks the SPIs we look up, so the mask is
 * what keeps them in bounds; only SPIs the hash knows get cached, so a
 * peer cannot evict entries with made-up SPIs. */
static inline uint32_t cache_idx(uint32_t spi)
{
	return ((spi * 2654435761u) >> (32 - SAD_CACHE_BITS)) & SAD_CACHE_MASK;
}

static void release(struct sad *s, void *sa, uint32_t pos)
{
	int rc = rte_hash_free_key_with_position(s->h, (int32_t)pos);

	RTE_VERIFY(rc == 0);
	s->sa_free(s->sa_free_arg, sa);
}

/* Defer-queue callback: the grace period of these SAs has ended. */
static void dq_free(void *p, void *e, unsigned int n)
{
	struct sad *s = p;
	struct sad_dq_elem el;
	unsigned int i;

	for (i = 0; i < n; i++) {
		/* the queue's buffer carries no alignment guarantee */
		memcpy(&el, (char *)e + (size_t)i * sizeof(el), sizeof(el));
		s->n_deferred--;
		release(s, el.sa, el.pos);
	}
}

struct sad *sad_create(const struct sad_params *p)
{
	struct rte_hash_parameters hp = { 0 };
	struct rte_rcu_qsbr_dq_parameters dp = { 0 };
	uint32_t entries;
	struct sad *s;

	if (p == NULL || p->name == NULL || p->sa_free == NULL ||
	    p->capacity == 0 || p->capacity > SAD_CAPACITY_MAX) {
		rte_errno = EINVAL;
		return NULL;
	}
	if (p->name[0] == '\0' || strlen(p->name) > SAD_NAME_MAX) {
		rte_errno = ENAMETOOLONG;
		return NULL;
	}
	s = rte_zmalloc_socket("sad", sizeof(*s), RTE_CACHE_LINE_SIZE, p->socket);
	if (s == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	snprintf(s->name, sizeof(s->name), "%s", p->name);
	s->qsv = p->qsv;
	s->sa_free = p->sa_free;
	s->sa_free_arg = p->sa_free_arg;
	s->capacity = p->capacity;

	/*
	 * Twice the capacity in key slots: up to `capacity` live SAs plus as
	 * many deleted ones still waiting out a grace period before sad_add()
	 * has to reclaim. Buckets only ever hold live keys, so the table stays
	 * at most half full and cuckoo insertion does not fail before we say
	 * -ENOSPC ourselves.
	 */
	entries = RTE_MAX(2 * p->capacity, 16u);
	hp.name = s->name;
	hp.entries = entries;
	hp.key_len = sizeof(uint32_t);
	hp.hash_func = rte_hash_crc;
	hp.hash_func_init_val = (uint32_t)rte_rand();
	hp.socket_id = p->socket;
	hp.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF;
	s->h = rte_hash_create(&hp);
	if (s->h == NULL)
		goto fail;

	if (s->qsv != NULL) {
		/* Every queued element holds one key slot, so a queue as long
		 * as the key store can never be full. Reclaim is explicit:
		 * trigger above size turns automatic reclaim off. */
		dp.name = s->name;
		dp.flags = RTE_RCU_QSBR_DQ_MT_UNSAFE;
		dp.size = entries;
		dp.esize = sizeof(struct sad_dq_elem);
		dp.trigger_reclaim_limit = UINT32_MAX;
		dp.max_reclaim_size = 0;
		dp.free_fn = dq_free;
		dp.p = s;
		dp.v = s->qsv;
		s->dq = rte_rcu_qsbr_dq_create(&dp);
		if (s->dq == NULL)
			goto fail;
	}
	return s;
fail:
	{
		int err = rte_errno;

		rte_hash_free(s->h);
		rte_free(s);
		rte_errno = err;
	}
	return NULL;
}

void sad_free(struct sad *s)
{
	const void *key;
	void *data;
	uint32_t next = 0;
	int32_t pos;

	if (s == NULL)
		return;
	if (s->dq != NULL) {
		/* Deleted SAs leave the queue only after their grace period;
		 * wait for it if needed (registered readers must be offline or
		 * keep reporting quiescent). */
		if (sad_reclaim(s) != 0) {
			rte_rcu_qsbr_synchronize(s->qsv, RTE_QSBR_THRID_INVALID);
			RTE_VERIFY(sad_reclaim(s) == 0);
		}
		RTE_VERIFY(rte_rcu_qsbr_dq_delete(s->dq) == 0);
	}
	/* The caller guarantees no worker looks up any more. */
	while ((pos = rte_hash_iterate(s->h, &key, &data, &next)) >= 0)
		s->sa_free(s->sa_free_arg, data);
	rte_hash_free(s->h);
	rte_free(s);
}

int sad_add(struct sad *s, uint32_t spi, void *sa)
{
	int32_t rc;

	if (spi == 0 || sa == NULL)
		return -EINVAL;
	if (rte_hash_lookup(s->h, &spi) >= 0)
		return -EEXIST;
	if (s->n_live >= s->capacity)
		return -ENOSPC;
	rc = rte_hash_add_key_data(s->h, &spi, sa);
	if (rc == -ENOSPC && s->dq != NULL) {
		/* key slots held by SAs still in their grace period */
		sad_reclaim(s);
		rc = rte_hash_add_key_data(s->h, &spi, sa);
	}
	if (rc < 0)
		return rc == -ENOSPC ? -ENOSPC : -EINVAL;
	s->n_live++;
	return 0;
}

int sad_del(struct sad *s, uint32_t spi)
{
	struct sad_dq_elem el = { 0 };
	int32_t pos;
	void *sa;

	if (spi == 0)
		return -ENOENT;
	if (rte_hash_lookup_data(s->h, &spi, &sa) < 0)
		return -ENOENT;
	pos = rte_hash_del_key(s->h, &spi);
	RTE_VERIFY(pos >= 0);
	s->n_live--;
	/*
	 * Unlinked from the hash; now make every cache drop it. The bump is
	 * ordered after the unlink and before the grace period starts below
	 * (rte_rcu_qsbr_start() inside the enqueue): see sad_lookup_burst().
	 */
	__atomic_fetch_add(&s->epoch, 1, __ATOMIC_RELEASE);
	if (s->dq == NULL) {
		release(s, sa, (uint32_t)pos);  /* no concurrent readers */
		return 0;
	}
	el.sa = sa;
	el.pos = (uint32_t)pos;
	if (unlikely(rte_rcu_qsbr_dq_enqueue(s->dq, &el) != 0)) {
		/* Cannot happen (the queue is as long as the key store); if it
		 * does, wait the grace period out here rather than leak. */
		rte_rcu_qsbr_synchronize(s->qsv, RTE_QSBR_THRID_INVALID);
		release(s, sa, (uint32_t)pos);
		return 0;
	}
	s->n_deferred++;
	return 0;
}

unsigned int sad_reclaim(struct sad *s)
{
	unsigned int pending = 0;

	if (s->dq == NULL)
		return 0;
	if (rte_rcu_qsbr_dq_reclaim(s->dq, UINT32_MAX, NULL, &pending, NULL) != 0)
		return s->n_deferred;
	return pending;
}

void *sad_find(const struct sad *s, uint32_t spi)
{
	void *sa;

	if (spi == 0 || rte_hash_lookup_data(s->h, &spi, &sa) < 0)
		return NULL;
	return sa;
}

struct sad_cache *sad_cache_create(struct sad *s, int socket)
{
	struct sad_cache *c;

	c = rte_zmalloc_socket("sad_cache", sizeof(*c), RTE_CACHE_LINE_SIZE, socket);
	if (c == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	c->s = s;
	c->epoch = __atomic_load_n(&s->epoch, __ATOMIC_ACQUIRE);
	return c;
}

void sad_cache_free(struct sad_cache *c)
{
	rte_free(c);
}

/*
 * Why a cached pointer is never a freed SA, with QSBR:
 *
 * sad_del() unlinks the SPI from the hash, bumps `epoch` (release), and only
 * then starts the grace period (rte_rcu_qsbr_start(): a release increment
 * of the token). The SA is freed once every online reader has reported
 * quiescent with a counter >= that token. A worker reports quiescent
 * between bursts, by loading the token (acquire) and storing it; loading
 * the new token synchronises with the start, which came after the epoch
 * bump, so every burst the worker begins after that report reads the new
 * epoch below and clears its cache before using it - and, the unlink being
 * older still, does not find the SA in the hash either. So the SA can only
 * have come out of this cache (or the hash) in a burst that ran before the
 * worker's quiescent report, and the writer waits for that report before
 * it frees. A worker that reads the old epoch in a burst after the delete
 * has not reported yet: still inside the grace period, the SA still alive.
 * Caching a hash hit taken under the old epoch is covered the same way:
 * the entry is dropped at the first burst after the report.
 */
static void lookup_chunk(struct sad_cache *c, const uint32_t spi[],
			 unsigned int n, void *sa[])
{
	const void *keys[SAD_BURST_MAX];
	void *data[SAD_BURST_MAX];
	uint8_t miss[SAD_BURST_MAX];
	uint64_t hits = 0;
	unsigned int i, m = 0;

	for (i = 0; i < n; i++) {
		const struct sad_cache_entry *ce = &c->e[cache_idx(spi[i])];

		/* an empty entry has spi 0, and SPI 0 never matches: it
		 * falls through to the hash, which never holds it */
		if (likely(ce->spi == spi[i] && spi[i] != 0)) {
			sa[i] = ce->sa;
			continue;
		}
		sa[i] = NULL;
		keys[m] = &spi[i];
		miss[m++] = (uint8_t)i;
	}
	if (m == 0)
		return;
	if (unlikely(rte_hash_lookup_bulk_data(c->s->h, keys, m, &hits, data) < 0))
		return;
	for (i = 0; i < m; i++) {
		struct sad_cache_entry *ce;
		unsigned int k = miss[i];

		if (!(hits & (UINT64_C(1) << i)))
			continue;  /* unknown: stays NULL, never cached */
		sa[k] = data[i];
		ce = &c->e[cache_idx(spi[k])];
		ce->spi = spi[k];
		ce->sa = data[i];
	}
}

void sad_lookup_burst(struct sad_cache *c, const uint32_t spi[], unsigned int n,
		      void *sa[])
{
	uint64_t ep = __atomic_load_n(&c->s->epoch, __ATOMIC_ACQUIRE);
	unsigned int done, k;

	if (unlikely(ep != c->epoch)) {
		memset(c->e, 0, sizeof(c->e));
		c->epoch = ep;
	}
	/* n <= 64 by contract; longer bursts are cut rather than overrun */
	for (done = 0; done < n; done += k) {
		k = RTE_MIN(n - done, (unsigned int)SAD_BURST_MAX);
		lookup_chunk(c, &spi[done], k, &sa[done]);
	}
}
