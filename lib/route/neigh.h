/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Neighbour table, IPv4 (ARP) and IPv6 (ND). Workers read it lock-free: an
 * rte_hash in RW_CONCURRENCY_LF mode maps (address, port) to a slot whose
 * MAC word they load atomically. Only the control lcore writes; deleted
 * slots come back after an RCU (QSBR) grace period, so a worker never reads
 * a reused slot. The telemetry thread reads the control state under a
 * spinlock that workers never touch.
 *
 * IPv6 has an rte_hash of its own (struct neigh_key6) beside the IPv4 one,
 * and slots of its own after the IPv4 ones in the same arrays; one state
 * machine, one lock, one tick and one walk serve both. Two hashes rather
 * than one over a wider key: the IPv4 key, neigh_lookup_bulk() and the
 * hash the workers probe stay byte for byte what they were (8-byte keys;
 * a 20-byte key would hash 2.5 times the bytes and need every IPv4 key
 * widened per packet), and each hash keeps its key slots one to one with
 * its family's entry slots, which the RCU reclaim in neigh.c relies on.
 */
#ifndef ESPGW_NEIGH_H
#define ESPGW_NEIGH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rte_common.h>
#include <rte_hash.h>
#include <rte_spinlock.h>

struct rte_mbuf;
struct rte_rcu_qsbr;

enum neigh_state {
	NEIGH_FREE = 0,
	NEIGH_INCOMPLETE,       /* ARP request / NS sent, no answer yet */
	NEIGH_REACHABLE,        /* confirmed within reachable_ms */
	NEIGH_PROBE,            /* confirmation aged out: MAC still used, re-asked;
				 * for IPv6 also RFC 4861 STALE (see neigh_confirm6) */
	NEIGH_STATIC,           /* from the configuration, never changes */
	NEIGH_STATE_MAX
};

/* What the caller does with a packet it asked neigh_resolve() about. */
enum neigh_verdict {
	NEIGH_SEND,             /* resolved: *mac_word holds the address */
	NEIGH_HELD_NEW,         /* held; new entry, send the first ARP request */
	NEIGH_HELD,             /* held; a request is already outstanding */
	NEIGH_DROP_HOLD_FULL,   /* not held: the entry's queue is full */
	NEIGH_DROP_TABLE_FULL,  /* not held: no free entry */
};

#define NEIGH_MAC_VALID (UINT64_C(1) << 63)

/* Keys are 8-byte aligned: the CRC32 hash reads them 8 bytes at a time. */
struct neigh_key {
	uint32_t addr;          /* host order */
	uint16_t port;
	uint16_t zero;          /* keys are hashed as bytes: keep it 0 */
} __rte_aligned(8);

struct neigh_key6 {
	uint8_t addr[16];       /* network order */
	uint16_t port;
	uint16_t zero;          /* keys are hashed as bytes: keep it 0 */
} __rte_aligned(8);

/* What the IPv6 hash keys on: the fields, not the alignment padding. */
#define NEIGH_KEY6_LEN (offsetof(struct neigh_key6, zero) + sizeof(uint16_t))

enum neigh_family {
	NEIGH_INET = 4,
	NEIGH_INET6 = 6,
};

/* What an ND message said, for neigh_confirm6() (RFC 4861 §7.2.3-7.2.5). */
enum neigh_nd_flags {
	NEIGH_ND_NS = 1 << 0,        /* an NS for one of our addresses carrying
				      * a source link-layer option: may create */
	NEIGH_ND_SOLICITED = 1 << 1, /* an NA with S set: reachability confirmed */
	NEIGH_ND_OVERRIDE = 1 << 2,  /* an NA with O set */
};

struct neigh_params {
	uint32_t capacity;      /* entries */
	uint32_t hold_packets;  /* per unresolved entry */
	uint32_t reachable_ms;
	uint32_t retrans_ms;
	uint32_t max_probes;
	uint32_t capacity6;     /* IPv6 entries; 0: as many as capacity */
};

/* Control-lcore state of one entry. */
struct neigh_entry {
	uint32_t addr;          /* IPv4; 0 for IPv6 */
	uint16_t port;
	uint8_t state;          /* enum neigh_state */
	uint8_t probes;         /* requests sent since the last answer */
	uint8_t mac[6];
	uint16_t n_held;
	uint64_t confirmed_ms;  /* last answer heard */
	uint64_t next_ms;       /* next request due */
	struct rte_mbuf **held;
	uint8_t addr6[16];      /* IPv6 (network order); zeros for IPv4 */
	uint8_t family;         /* enum neigh_family */
};

struct neigh_table {
	struct rte_hash *hash;  /* IPv4: struct neigh_key -> slot */
	uint64_t *mac_word;     /* read by workers: MAC | NEIGH_MAC_VALID, or 0;
				 * n_slots + 1 words, the last always 0 */
	struct neigh_entry *ent;        /* n_slots: IPv4 [0, capacity),
					 * IPv6 [capacity, n_slots) */
	struct rte_mbuf **held_store;
	uint32_t *free_slots;   /* IPv4 */
	uint32_t n_free;
	struct rte_hash *hash6; /* IPv6: struct neigh_key6 -> slot */
	uint32_t *free_slots6;
	uint32_t n_free6;
	uint32_t n_slots;       /* capacity + capacity6 */
	struct neigh_params p;
	bool deferred_free;     /* slots come back through RCU */
	/* bumped (release) after every key added to or removed from either
	 * hash: what a struct neigh_memo learnt under an older value may
	 * name a slot that is no longer the key's */
	uint32_t gen;
	rte_spinlock_t lock;    /* control lcore vs telemetry thread */
};

/* Callbacks neigh_tick() drives the control lcore with. */
struct neigh_ops {
	/* Send an ARP request for addr on port; mac is NULL for broadcast,
	 * else the address to ask unicast (refreshing a known entry). */
	void (*solicit)(void *arg, uint32_t addr, uint16_t port, const uint8_t *mac);
	/* A held packet whose neighbour never answered. */
	void (*drop)(void *arg, struct rte_mbuf *m);
	/* Optional: send an NS for addr on port; mac is NULL for multicast to
	 * the solicited-node address, else the address to probe unicast
	 * (RFC 4861 §7.2.2, §7.3.3). Without it IPv6 entries are never
	 * solicited and fail after max_probes retransmission intervals. */
	void (*solicit6)(void *arg, const uint8_t addr[16], uint16_t port,
			 const uint8_t *mac);
};

/**
 * Create a table. With qsv non-NULL, freed slots are reclaimed only after
 * every reader registered on qsv went through a quiescent state.
 * Returns NULL with rte_errno set on failure.
 */
struct neigh_table *neigh_table_create(const char *name, int socket,
				       const struct neigh_params *p,
				       struct rte_rcu_qsbr *qsv);

/** Free the table and every packet still held. */
void neigh_table_free(struct neigh_table *t);

/** Permanent entry from the configuration; 0, -EEXIST or -ENOSPC. */
int neigh_add_static(struct neigh_table *t, uint32_t addr, uint16_t port,
		     const uint8_t mac[6]);

/**
 * Control lcore: a packet needs the MAC of addr on port. Either it can go
 * (NEIGH_SEND, *mac_word set), or the table keeps it until the answer, or
 * the caller frees it (NEIGH_DROP_*).
 */
enum neigh_verdict neigh_resolve(struct neigh_table *t, uint32_t addr,
				 uint16_t port, struct rte_mbuf *m,
				 uint64_t now_ms, uint64_t *mac_word);

/**
 * Control lcore: addr on port is at mac (an ARP request or reply said so).
 * Updates an existing entry, or creates one when `create` (RFC 826: only
 * when the ARP was for us). Packets held for it are moved to flush[]
 * (at most flush_max); returns how many.
 */
unsigned int neigh_confirm(struct neigh_table *t, uint32_t addr, uint16_t port,
			   const uint8_t mac[6], uint64_t now_ms, bool create,
			   struct rte_mbuf **flush, unsigned int flush_max);

/** Permanent IPv6 entry from the configuration; 0, -EEXIST or -ENOSPC. */
int neigh_add_static6(struct neigh_table *t, const uint8_t addr[16], uint16_t port,
		      const uint8_t mac[6]);

/** neigh_resolve() for an IPv6 neighbour: NEIGH_HELD_NEW asks the caller
 * to send the first (multicast) NS. */
enum neigh_verdict neigh_resolve6(struct neigh_table *t, const uint8_t addr[16],
				  uint16_t port, struct rte_mbuf *m,
				  uint64_t now_ms, uint64_t *mac_word);

/**
 * Control lcore: an NS or NA (nd_flags, enum neigh_nd_flags) said addr on
 * port is at mac (NULL: an NA without a target link-layer option). Per
 * RFC 4861 §7.2.3 and §7.2.5, with STALE as NEIGH_PROBE:
 *  - no entry: an NS with a MAC creates one, STALE; an NA creates nothing;
 *  - INCOMPLETE: takes the MAC (none: ignored), REACHABLE when solicited,
 *    else STALE; held packets go out;
 *  - REACHABLE/PROBE: a different MAC without override (an NS overrides)
 *    only turns REACHABLE into STALE; otherwise the MAC is taken, and the
 *    entry is REACHABLE when solicited, STALE when the MAC changed, else
 *    as it was;
 *  - STATIC: never changes.
 * Held packets are moved to flush[] (at most flush_max); returns how many.
 */
unsigned int neigh_confirm6(struct neigh_table *t, const uint8_t addr[16], uint16_t port,
			    const uint8_t *mac, uint64_t now_ms, unsigned int nd_flags,
			    struct rte_mbuf **flush, unsigned int flush_max);

/** Control lcore, periodically: retransmit, age, give up (both families). */
void neigh_tick(struct neigh_table *t, uint64_t now_ms,
		const struct neigh_ops *ops, void *arg);

/** Visit every live entry, IPv4 and IPv6 (e->family), under the table lock
 * (telemetry thread). */
void neigh_foreach(struct neigh_table *t,
		   void (*fn)(void *arg, const struct neigh_entry *e, uint64_t now_ms),
		   void *arg, uint64_t now_ms);

extern const char *const neigh_state_names[NEIGH_STATE_MAX];

/**
 * Worker lcores: MAC words for n keys (n <= RTE_HASH_LOOKUP_BULK_MAX);
 * 0 where the neighbour is unknown or unresolved.
 */
static inline void neigh_lookup_bulk(const struct neigh_table *t,
				     const struct neigh_key *keys[],
				     unsigned int n, uint64_t mac_word[])
{
	void *data[RTE_HASH_LOOKUP_BULK_MAX];
	uint64_t hits = 0;
	unsigned int i;

	if (n == 0)
		return;
	rte_hash_lookup_bulk_data(t->hash, (const void **)keys, n, &hits, data);
	for (i = 0; i < n; i++)
		mac_word[i] = (hits >> i) & 1 ?
			__atomic_load_n(&t->mac_word[(uintptr_t)data[i]],
					__ATOMIC_ACQUIRE) : 0;
}

/** neigh_lookup_bulk() for IPv6 neighbours. */
static inline void neigh_lookup_bulk6(const struct neigh_table *t,
				      const struct neigh_key6 *keys[],
				      unsigned int n, uint64_t mac_word[])
{
	void *data[RTE_HASH_LOOKUP_BULK_MAX];
	uint64_t hits = 0;
	unsigned int i;

	if (n == 0)
		return;
	rte_hash_lookup_bulk_data(t->hash6, (const void **)keys, n, &hits, data);
	for (i = 0; i < n; i++)
		mac_word[i] = (hits >> i) & 1 ?
			__atomic_load_n(&t->mac_word[(uintptr_t)data[i]],
					__ATOMIC_ACQUIRE) : 0;
}

/*
 * One worker's memo of (address, port) -> slot in front of the shared
 * hashes: most packets go to a few next hops, and a direct-mapped probe is
 * a fifth of an rte_hash lookup. An entry counts only under the table
 * generation it was learnt in; the MAC word itself is always read from the
 * table, so a MAC change or an entry going unresolved is seen at once. A
 * slot named by an entry cannot be reused while the worker is inside the
 * poll round that read the generation (slots come back after an RCU grace
 * period). Zeroed memory is an empty memo (the table's generation starts
 * at 1). Conflicting keys only cost misses.
 */
enum { NEIGH_MEMO_SIZE = 256 };

struct neigh_memo {
	struct {
		uint32_t addr;
		uint16_t port;
		uint32_t slot;
		uint32_t gen;
	} v4[NEIGH_MEMO_SIZE];
	struct {
		uint8_t addr[16];
		uint16_t port;
		uint32_t slot;
		uint32_t gen;
	} v6[NEIGH_MEMO_SIZE];
};

static inline unsigned int neigh_memo_index(uint32_t a, uint16_t port)
{
	/* Fibonacci hashing: the high bits of a multiplicative hash */
	return (uint32_t)((a ^ (uint32_t)port << 16) * UINT32_C(0x9E3779B1)) >> 24;
}

static inline unsigned int neigh_memo_index6(const uint8_t a[16], uint16_t port)
{
	uint32_t w0, w3;

	memcpy(&w0, a + 8, 4);
	memcpy(&w3, a + 12, 4);
	return neigh_memo_index(w0 ^ w3, port);
}

/** neigh_lookup_bulk() through the worker's memo @p mm. */
static inline void neigh_lookup_bulk_memo(const struct neigh_table *t,
					  struct neigh_memo *mm,
					  const struct neigh_key *keys[],
					  unsigned int n, uint64_t mac_word[])
{
	const uint32_t gen = __atomic_load_n(&t->gen, __ATOMIC_ACQUIRE);
	const struct neigh_key *miss[RTE_HASH_LOOKUP_BULK_MAX];
	uint8_t at[RTE_HASH_LOOKUP_BULK_MAX];
	void *data[RTE_HASH_LOOKUP_BULK_MAX];
	unsigned int i, j, n_miss = 0;
	uint64_t hits = 0;

	for (i = 0; i < n; i++) {
		const struct neigh_key *k = keys[i];
		unsigned int h = neigh_memo_index(k->addr, k->port);

		if (mm->v4[h].gen == gen && mm->v4[h].addr == k->addr &&
		    mm->v4[h].port == k->port) {
			mac_word[i] = __atomic_load_n(&t->mac_word[mm->v4[h].slot],
						      __ATOMIC_ACQUIRE);
			continue;
		}
		miss[n_miss] = k;
		at[n_miss++] = (uint8_t)i;
	}
	if (n_miss == 0)
		return;
	rte_hash_lookup_bulk_data(t->hash, (const void **)miss, n_miss, &hits, data);
	for (j = 0; j < n_miss; j++) {
		const struct neigh_key *k = miss[j];
		unsigned int h = neigh_memo_index(k->addr, k->port);
		uint32_t slot = (uint32_t)(uintptr_t)data[j];

		if (!((hits >> j) & 1)) {
			mac_word[at[j]] = 0;
			continue;
		}
		mm->v4[h].addr = k->addr;
		mm->v4[h].port = k->port;
		mm->v4[h].slot = slot;
		mm->v4[h].gen = gen;
		mac_word[at[j]] = __atomic_load_n(&t->mac_word[slot], __ATOMIC_ACQUIRE);
	}
}

/** neigh_lookup_bulk6() through the worker's memo @p mm. */
static inline void neigh_lookup_bulk6_memo(const struct neigh_table *t,
					   struct neigh_memo *mm,
					   const struct neigh_key6 *keys[],
					   unsigned int n, uint64_t mac_word[])
{
	const uint32_t gen = __atomic_load_n(&t->gen, __ATOMIC_ACQUIRE);
	const struct neigh_key6 *miss[RTE_HASH_LOOKUP_BULK_MAX];
	uint8_t at[RTE_HASH_LOOKUP_BULK_MAX];
	void *data[RTE_HASH_LOOKUP_BULK_MAX];
	unsigned int i, j, n_miss = 0;
	uint64_t hits = 0;

	for (i = 0; i < n; i++) {
		const struct neigh_key6 *k = keys[i];
		unsigned int h = neigh_memo_index6(k->addr, k->port);

		if (mm->v6[h].gen == gen && mm->v6[h].port == k->port &&
		    memcmp(mm->v6[h].addr, k->addr, 16) == 0) {
			mac_word[i] = __atomic_load_n(&t->mac_word[mm->v6[h].slot],
						      __ATOMIC_ACQUIRE);
			continue;
		}
		miss[n_miss] = k;
		at[n_miss++] = (uint8_t)i;
	}
	if (n_miss == 0)
		return;
	rte_hash_lookup_bulk_data(t->hash6, (const void **)miss, n_miss, &hits, data);
	for (j = 0; j < n_miss; j++) {
		const struct neigh_key6 *k = miss[j];
		unsigned int h = neigh_memo_index6(k->addr, k->port);
		uint32_t slot = (uint32_t)(uintptr_t)data[j];

		if (!((hits >> j) & 1)) {
			mac_word[at[j]] = 0;
			continue;
		}
		memcpy(mm->v6[h].addr, k->addr, 16);
		mm->v6[h].port = k->port;
		mm->v6[h].slot = slot;
		mm->v6[h].gen = gen;
		mac_word[at[j]] = __atomic_load_n(&t->mac_word[slot], __ATOMIC_ACQUIRE);
	}
}

/** The six MAC bytes packed in a word (byte order as on the wire). */
static inline void neigh_mac_from_word(uint64_t w, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)(w >> (8 * i));
}

static inline uint64_t neigh_word_from_mac(const uint8_t mac[6])
{
	uint64_t w = NEIGH_MAC_VALID;

	for (int i = 0; i < 6; i++)
		w |= (uint64_t)mac[i] << (8 * i);
	return w;
}

#endif /* ESPGW_NEIGH_H */
