/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Security association database: inbound SPI -> SA runtime. The control
 * lcore adds and deletes; workers look SPIs up in bursts through a small
 * per-lcore cache in front of a shared lock-free rte_hash. A deleted SA's
 * runtime is handed to a free callback only after every worker registered
 * on the RCU (QSBR) variable has passed a quiescent state, so a worker
 * never touches a freed SA - neither through the hash nor through its cache.
 */
#ifndef ESPGW_SAD_H
#define ESPGW_SAD_H

#include <stdbool.h>
#include <stdint.h>

struct rte_rcu_qsbr;
struct sad;
struct sad_cache;

struct sad_params {
	const char *name;
	int socket;
	uint32_t capacity;          /* SAs */
	struct rte_rcu_qsbr *qsv;   /* NULL: no concurrent readers (tests, tools) */
	/* called on the control lcore once `sa` can no longer be seen */
	void (*sa_free)(void *arg, void *sa);
	void *sa_free_arg;
};

/** Create; NULL with rte_errno set (ENAMETOOLONG for a name over 21
 * characters: DPDK cuts the defer queue's ring name, and two tables whose
 * names differ only past the cut would collide). */
struct sad *sad_create(const struct sad_params *p);
/** Free; every SA still in it goes to sa_free. Workers must have stopped
 * looking up: with SAs still in their grace period it waits for the readers
 * (rte_rcu_qsbr_synchronize), so it must not run on an online reader. */
void sad_free(struct sad *s);

/** Control lcore: add spi -> sa. 0, -EEXIST, -EINVAL (spi 0 or sa NULL:
 * NULL means "unknown" to lookups), -ENOSPC at capacity live SAs - or below
 * it while as many again deleted SAs still wait out their grace period. */
int sad_add(struct sad *s, uint32_t spi, void *sa);
/** Control lcore: remove spi; its SA goes to sa_free after the grace period.
 * 0 or -ENOENT. Every delete clears every worker's cache (fine at rekey
 * rates, not for deleting SAs at packet rates). */
int sad_del(struct sad *s, uint32_t spi);
/** Control lcore: hand SAs whose grace period ended to sa_free; returns how
 * many are still waiting. Call periodically. */
unsigned int sad_reclaim(struct sad *s);

/** Control lcore / telemetry: the SA for spi, or NULL. */
void *sad_find(const struct sad *s, uint32_t spi);

/** A worker's cache (allocated on `socket`); one per worker lcore. */
struct sad_cache *sad_cache_create(struct sad *s, int socket);
void sad_cache_free(struct sad_cache *c);

/**
 * Worker: SAs for n SPIs (n <= 64), NULL where unknown. Hits in the cache
 * cost no hash lookup; misses are looked up in bulk and cached.
 */
void sad_lookup_burst(struct sad_cache *c, const uint32_t spi[], unsigned int n,
		      void *sa[]);

#endif /* ESPGW_SAD_H */
