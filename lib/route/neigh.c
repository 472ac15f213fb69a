/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Neighbour table: the control lcore's ARP state machine (RFC 826, with the
 * probe/aging behaviour of RFC 1122 §2.3.2.1), which IPv6 neighbours share
 * (RFC 4861 §7.3.2 states folded onto it), over lock-free hashes that
 * workers read. See neigh.h for who calls what.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_debug.h>
#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_random.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>

#include "neigh.h"

const char *const neigh_state_names[NEIGH_STATE_MAX] = {
	[NEIGH_FREE] = "free",
	[NEIGH_INCOMPLETE] = "incomplete",
	[NEIGH_REACHABLE] = "reachable",
	[NEIGH_PROBE] = "probe",
	[NEIGH_STATIC] = "static",
};

/* One family's hash and free slots, so one body serves both. */
struct half {
	struct rte_hash *hash;
	uint32_t *free_slots;
	uint32_t *n_free;
	bool v6;
};

static struct half half_of(struct neigh_table *t, bool v6)
{
	return v6 ? (struct half){ t->hash6, t->free_slots6, &t->n_free6, true } :
		    (struct half){ t->hash, t->free_slots, &t->n_free, false };
}

/* A slot's key, IPv4 or IPv6, as rte_hash reads it. */
union key {
	struct neigh_key k4;
	struct neigh_key6 k6;
};

static union key key4(uint32_t addr, uint16_t port)
{
	return (union key){ .k4 = { .addr = addr, .port = port } };
}

static union key key6(const uint8_t addr[16], uint16_t port)
{
	union key k = { .k6 = { .port = port } };

	memcpy(k.k6.addr, addr, sizeof(k.k6.addr));
	return k;
}

/* Called by rte_hash once no worker can still see the deleted key; IPv4
 * and IPv6 slots are told apart by where they lie. */
static void slot_reclaim(void *p, void *key_data)
{
	struct neigh_table *t = p;
	uint32_t slot = (uint32_t)(uintptr_t)key_data;

	if (slot < t->p.capacity)
		t->free_slots[t->n_free++] = slot;
	else
		t->free_slots6[t->n_free6++] = slot;
}

static int setup_rcu(struct neigh_table *t, struct rte_hash *h, struct rte_rcu_qsbr *qsv)
{
	struct rte_hash_rcu_config rc = {
		.v = qsv,
		.mode = RTE_HASH_QSBR_MODE_DQ,
		.key_data_ptr = t,
		.free_key_data_func = slot_reclaim,
	};

	if (qsv == NULL)
		return 0;
	if (rte_hash_rcu_qsbr_add(h, &rc) != 0) /* 1 on error, not -errno */
		return -1;
	t->deferred_free = true;
	return 0;
}

struct neigh_table *neigh_table_create(const char *name, int socket,
				       const struct neigh_params *p,
				       struct rte_rcu_qsbr *qsv)
{
	struct rte_hash_parameters hp = {
		.name = name,
		.entries = p->capacity,
		.key_len = sizeof(struct neigh_key),
		/* SSE4.2 CRC32, seeded per start: keys come from the network */
		.hash_func = rte_hash_crc,
		.hash_func_init_val = (uint32_t)rte_rand(),
		.socket_id = socket,
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF,
	};
	char name6[RTE_HASH_NAMESIZE];
	struct neigh_table *t;
	uint32_t i, cap6;

	cap6 = p->capacity6 != 0 ? p->capacity6 : p->capacity;
	/* slot numbers and the spare one must fit in 32 bits */
	if (p->capacity == 0 || p->hold_packets == 0 ||
	    (uint64_t)p->capacity + cap6 >= UINT32_MAX) {
		rte_errno = EINVAL;
		return NULL;
	}
	t = rte_zmalloc_socket("neigh", sizeof(*t), 0, socket);
	if (t == NULL)
		goto nomem;
	t->p = *p;
	t->p.capacity6 = cap6;
	t->n_slots = p->capacity + cap6;
	t->gen = 1;     /* a zeroed struct neigh_memo knows nothing */
	rte_spinlock_init(&t->lock);
	/* one more than n_slots: the spare word insert() points readers at */
	t->mac_word = rte_zmalloc_socket("neigh_mac", sizeof(uint64_t) * (t->n_slots + 1),
					 RTE_CACHE_LINE_SIZE, socket);
	t->ent = rte_zmalloc_socket("neigh_ent", sizeof(*t->ent) * t->n_slots, 0, socket);
	t->held_store = rte_zmalloc_socket("neigh_held", sizeof(struct rte_mbuf *) *
					   t->n_slots * p->hold_packets, 0, socket);
	t->free_slots = rte_zmalloc_socket("neigh_free", sizeof(uint32_t) * p->capacity,
					   0, socket);
	t->free_slots6 = rte_zmalloc_socket("neigh_free6", sizeof(uint32_t) * cap6,
					    0, socket);
	if (t->mac_word == NULL || t->ent == NULL || t->held_store == NULL ||
	    t->free_slots == NULL || t->free_slots6 == NULL)
		goto nomem;
	for (i = 0; i < t->n_slots; i++)
		t->ent[i].held = &t->held_store[(size_t)i * p->hold_packets];
	/* lowest slots first out, as before IPv6 came */
	for (i = 0; i < p->capacity; i++)
		t->free_slots[t->n_free++] = p->capacity - 1 - i;
	for (i = 0; i < cap6; i++)
		t->free_slots6[t->n_free6++] = t->n_slots - 1 - i;
	t->hash = rte_hash_create(&hp);
	if (t->hash == NULL)
		goto fail;
	if (setup_rcu(t, t->hash, qsv) < 0)
		goto fail;
	/* A prefix, not a suffix: rte_hash names its RCU defer queue after
	 * the first 19 characters of the hash's, and a suffix would give a
	 * long name's IPv6 queue the name of its IPv4 one. */
	snprintf(name6, sizeof(name6), "6%s", name);
	hp.name = name6;
	hp.entries = cap6;
	hp.key_len = NEIGH_KEY6_LEN;
	t->hash6 = rte_hash_create(&hp);
	if (t->hash6 == NULL)
		goto fail;
	if (setup_rcu(t, t->hash6, qsv) < 0)
		goto fail;
	return t;
nomem:
	rte_errno = ENOMEM;
fail:
	neigh_table_free(t);
	return NULL;
}

void neigh_table_free(struct neigh_table *t)
{
	uint32_t i, j;

	if (t == NULL)
		return;
	for (i = 0; t->ent != NULL && i < t->n_slots; i++)
		for (j = 0; j < t->ent[i].n_held; j++)
			rte_pktmbuf_free(t->ent[i].held[j]);
	rte_hash_free(t->hash);
	rte_hash_free(t->hash6);
	rte_free(t->mac_word);
	rte_free(t->ent);
	rte_free(t->held_store);
	rte_free(t->free_slots);
	rte_free(t->free_slots6);
	rte_free(t);
}

static int find(struct neigh_table *t, bool v6, const union key *k)
{
	struct half h = half_of(t, v6);
	void *data;

	if (rte_hash_lookup_data(h.hash, k, &data) < 0)
		return -1;
	return (int)(uintptr_t)data;
}

/* A new entry for key k (its address copied from k) in the family's slots. */
static int insert(struct neigh_table *t, bool v6, const union key *k,
		  enum neigh_state state)
{
	struct half h = half_of(t, v6);
	struct neigh_entry *e;
	uint32_t slot;

	if (*h.n_free == 0 && t->deferred_free) {
		/* Slots waiting out a grace period come back when rte_hash
		 * reclaims, which it does on a delete or when it runs out of
		 * key slots; with every slot waiting there may be no delete to
		 * come. Adding the key makes it reclaim (each family's key
		 * slots and entry slots are one to one). Until the data is set
		 * below, readers find the spare slot, whose MAC word is always
		 * 0: unresolved. */
		if (rte_hash_add_key_data(h.hash, k, (void *)(uintptr_t)t->n_slots) < 0)
			return -ENOSPC;
		RTE_VERIFY(*h.n_free > 0);
	}
	if (*h.n_free == 0)
		return -ENOSPC;
	slot = h.free_slots[--*h.n_free];
	e = &t->ent[slot];
	*e = (struct neigh_entry){ .state = (uint8_t)state, .held = e->held };
	if (v6) {
		memcpy(e->addr6, k->k6.addr, sizeof(e->addr6));
		e->port = k->k6.port;
		e->family = NEIGH_INET6;
	} else {
		e->addr = k->k4.addr;
		e->port = k->k4.port;
		e->family = NEIGH_INET;
	}
	__atomic_store_n(&t->mac_word[slot], 0, __ATOMIC_RELEASE);
	if (rte_hash_add_key_data(h.hash, k, (void *)(uintptr_t)slot) < 0) {
		e->state = NEIGH_FREE;
		h.free_slots[(*h.n_free)++] = slot;
		return -ENOSPC;
	}
	/* workers' memos (struct neigh_memo) may know k at the spare slot */
	__atomic_fetch_add(&t->gen, 1, __ATOMIC_RELEASE);
	return (int)slot;
}

/* Remove an entry; its held packets go to ops->drop. */
static void remove_entry(struct neigh_table *t, uint32_t slot,
			 const struct neigh_ops *ops, void *arg)
{
	struct neigh_entry *e = &t->ent[slot];
	bool v6 = e->family == NEIGH_INET6;
	struct half h = half_of(t, v6);
	union key k = v6 ? key6(e->addr6, e->port) : key4(e->addr, e->port);
	uint16_t i;
	int32_t pos;

	/* Workers that still find the key see "unresolved" and hand the
	 * packet to us; they never see a MAC that is no longer true. */
	__atomic_store_n(&t->mac_word[slot], 0, __ATOMIC_RELEASE);
	for (i = 0; i < e->n_held; i++)
		ops->drop(arg, e->held[i]);
	e->n_held = 0;
	e->state = NEIGH_FREE;
	pos = rte_hash_del_key(h.hash, &k);
	/* after the delete: a memo filled under the new generation cannot
	 * hold the key any more */
	__atomic_fetch_add(&t->gen, 1, __ATOMIC_RELEASE);
	if (!t->deferred_free && pos >= 0) {
		/* no concurrent readers: the key slot can go back now */
		rte_hash_free_key_with_position(h.hash, pos);
		h.free_slots[(*h.n_free)++] = slot;
	}
}

static void set_mac(struct neigh_table *t, uint32_t slot, const uint8_t mac[6])
{
	memcpy(t->ent[slot].mac, mac, 6);
	__atomic_store_n(&t->mac_word[slot], neigh_word_from_mac(mac),
			 __ATOMIC_RELEASE);
}

static int add_static(struct neigh_table *t, bool v6, const union key *k,
		      const uint8_t mac[6])
{
	int slot;

	rte_spinlock_lock(&t->lock);
	if (find(t, v6, k) >= 0) {
		rte_spinlock_unlock(&t->lock);
		return -EEXIST;
	}
	slot = insert(t, v6, k, NEIGH_STATIC);
	if (slot >= 0)
		set_mac(t, (uint32_t)slot, mac);
	rte_spinlock_unlock(&t->lock);
	return slot < 0 ? slot : 0;
}

int neigh_add_static(struct neigh_table *t, uint32_t addr, uint16_t port,
		     const uint8_t mac[6])
{
	union key k = key4(addr, port);

	return add_static(t, false, &k, mac);
}

int neigh_add_static6(struct neigh_table *t, const uint8_t addr[16], uint16_t port,
		      const uint8_t mac[6])
{
	union key k = key6(addr, port);

	return add_static(t, true, &k, mac);
}

static enum neigh_verdict resolve(struct neigh_table *t, bool v6, const union key *k,
				  struct rte_mbuf *m, uint64_t now_ms, uint64_t *mac_word)
{
	enum neigh_verdict v = NEIGH_HELD;
	struct neigh_entry *e;
	int slot;

	rte_spinlock_lock(&t->lock);
	slot = find(t, v6, k);
	if (slot >= 0 && t->mac_word[slot] != 0) {
		*mac_word = t->mac_word[slot];
		v = NEIGH_SEND;
		goto out;
	}
	if (slot < 0) {
		slot = insert(t, v6, k, NEIGH_INCOMPLETE);
		if (slot < 0) {
			v = NEIGH_DROP_TABLE_FULL;
			goto out;
		}
		e = &t->ent[slot];
		e->probes = 1;
		e->next_ms = now_ms + t->p.retrans_ms;
		v = NEIGH_HELD_NEW;
	}
	e = &t->ent[slot];
	if (e->n_held >= t->p.hold_packets) {
		v = NEIGH_DROP_HOLD_FULL;
		goto out;
	}
	e->held[e->n_held++] = m;
out:
	rte_spinlock_unlock(&t->lock);
	return v;
}

enum neigh_verdict neigh_resolve(struct neigh_table *t, uint32_t addr,
				 uint16_t port, struct rte_mbuf *m,
				 uint64_t now_ms, uint64_t *mac_word)
{
	union key k = key4(addr, port);

	return resolve(t, false, &k, m, now_ms, mac_word);
}

enum neigh_verdict neigh_resolve6(struct neigh_table *t, const uint8_t addr[16],
				  uint16_t port, struct rte_mbuf *m,
				  uint64_t now_ms, uint64_t *mac_word)
{
	union key k = key6(addr, port);

	return resolve(t, true, &k, m, now_ms, mac_word);
}

/* Move up to flush_max held packets, oldest first, to flush[]. */
static unsigned int release(struct neigh_entry *e, struct rte_mbuf **flush,
			    unsigned int flush_max)
{
	unsigned int n = 0;

	while (e->n_held > 0 && n < flush_max) {
		flush[n++] = e->held[0];
		memmove(&e->held[0], &e->held[1], sizeof(e->held[0]) * --e->n_held);
	}
	return n;
}

static void set_reachable(struct neigh_entry *e, uint64_t now_ms)
{
	e->state = NEIGH_REACHABLE;
	e->probes = 0;
	e->confirmed_ms = now_ms;
}

unsigned int neigh_confirm(struct neigh_table *t, uint32_t addr, uint16_t port,
			   const uint8_t mac[6], uint64_t now_ms, bool create,
			   struct rte_mbuf **flush, unsigned int flush_max)
{
	union key k = key4(addr, port);
	struct neigh_entry *e;
	unsigned int n = 0;
	int slot;

	rte_spinlock_lock(&t->lock);
	slot = find(t, false, &k);
	if (slot < 0 && create)
		slot = insert(t, false, &k, NEIGH_REACHABLE);
	if (slot < 0)
		goto out;
	e = &t->ent[slot];
	if (e->state == NEIGH_STATIC)
		goto out;
	set_mac(t, (uint32_t)slot, mac);
	set_reachable(e, now_ms);
	n = release(e, flush, flush_max);
out:
	rte_spinlock_unlock(&t->lock);
	return n;
}

/*
 * RFC 4861 STALE: the MAC is used but unconfirmed. Here it is PROBE from
 * the next tick on, with no DELAY state in between: the neighbour gets
 * max_probes unicast NS (§7.3.3) and is dropped if it answers none, as
 * an aged IPv4 entry is.
 */
static void set_stale(struct neigh_entry *e, uint64_t now_ms)
{
	e->state = NEIGH_PROBE;
	e->probes = 0;
	e->next_ms = now_ms;
}

unsigned int neigh_confirm6(struct neigh_table *t, const uint8_t addr[16], uint16_t port,
			    const uint8_t *mac, uint64_t now_ms, unsigned int nd_flags,
			    struct rte_mbuf **flush, unsigned int flush_max)
{
	union key k = key6(addr, port);
	bool solicited = (nd_flags & NEIGH_ND_SOLICITED) != 0;
	/* an NS's source link-layer option always overrides (§7.2.3) */
	bool override = (nd_flags & (NEIGH_ND_OVERRIDE | NEIGH_ND_NS)) != 0;
	struct neigh_entry *e;
	unsigned int n = 0;
	bool changed;
	int slot;

	if (nd_flags & NEIGH_ND_NS)
		solicited = false; /* an NS confirms nothing */
	rte_spinlock_lock(&t->lock);
	slot = find(t, true, &k);
	if (slot < 0) {
		/* §7.2.5: an NA for no entry is dropped; §7.2.3: an NS with a
		 * source link-layer option creates one, STALE */
		if (!(nd_flags & NEIGH_ND_NS) || mac == NULL)
			goto out;
		slot = insert(t, true, &k, NEIGH_PROBE);
		if (slot < 0)
			goto out;
		e = &t->ent[slot];
		set_mac(t, (uint32_t)slot, mac);
		e->confirmed_ms = now_ms;
		set_stale(e, now_ms);
		goto out;
	}
	e = &t->ent[slot];
	if (e->state == NEIGH_STATIC)
		goto out;
	if (e->state == NEIGH_INCOMPLETE) {
		/* §7.2.5: no target link-layer option, nothing to learn */
		if (mac == NULL)
			goto out;
		set_mac(t, (uint32_t)slot, mac);
		if (solicited)
			set_reachable(e, now_ms);
		else
			set_stale(e, now_ms);
		n = release(e, flush, flush_max);
		goto out;
	}
	changed = mac != NULL && memcmp(e->mac, mac, 6) != 0;
	if (changed && !override) {
		/* §7.2.5: keep the MAC, but it is now in doubt */
		if (e->state == NEIGH_REACHABLE)
			set_stale(e, now_ms);
		goto out;
	}
	if (changed)
		set_mac(t, (uint32_t)slot, mac);
	if (solicited)
		set_reachable(e, now_ms);
	else if (changed)
		set_stale(e, now_ms);
	/* entries past INCOMPLETE hold nothing, but a flush costs nothing */
	n = release(e, flush, flush_max);
out:
	rte_spinlock_unlock(&t->lock);
	return n;
}

/* Ask again for an entry's address: ARP or NS by family, unicast when the
 * entry has a MAC in doubt. IPv6 without ops->solicit6 just counts. */
static void solicit(const struct neigh_entry *e, const struct neigh_ops *ops, void *arg)
{
	const uint8_t *mac = e->state == NEIGH_PROBE ? e->mac : NULL;

	if (e->family == NEIGH_INET6) {
		if (ops->solicit6 != NULL)
			ops->solicit6(arg, e->addr6, e->port, mac);
		return;
	}
	ops->solicit(arg, e->addr, e->port, mac);
}

/* One entry's timers: age, retransmit, or give up and remove it. */
static void tick_entry(struct neigh_table *t, uint32_t slot, uint64_t now_ms,
		       const struct neigh_ops *ops, void *arg)
{
	struct neigh_entry *e = &t->ent[slot];

	switch (e->state) {
	case NEIGH_REACHABLE:
		if (now_ms - e->confirmed_ms < t->p.reachable_ms)
			return;
		/* keep forwarding with the old MAC while we re-ask */
		e->state = NEIGH_PROBE;
		e->probes = 0;
		e->next_ms = now_ms;
		/* fall through */
	case NEIGH_PROBE:
	case NEIGH_INCOMPLETE:
		if (now_ms < e->next_ms)
			return;
		if (e->probes >= t->p.max_probes) {
			remove_entry(t, slot, ops, arg);
			return;
		}
		e->probes++;
		e->next_ms = now_ms + t->p.retrans_ms;
		solicit(e, ops, arg);
		return;
	default:
		return;
	}
}

void neigh_tick(struct neigh_table *t, uint64_t now_ms,
		const struct neigh_ops *ops, void *arg)
{
	uint32_t i;

	rte_spinlock_lock(&t->lock);
	for (i = 0; i < t->n_slots; i++)
		if (t->ent[i].state != NEIGH_FREE)
			tick_entry(t, i, now_ms, ops, arg);
	rte_spinlock_unlock(&t->lock);
}

void neigh_foreach(struct neigh_table *t,
		   void (*fn)(void *arg, const struct neigh_entry *e, uint64_t now_ms),
		   void *arg, uint64_t now_ms)
{
	uint32_t i;

	rte_spinlock_lock(&t->lock);
	for (i = 0; i < t->n_slots; i++)
		if (t->ent[i].state != NEIGH_FREE)
			fn(arg, &t->ent[i], now_ms);
	rte_spinlock_unlock(&t->lock);
}
