/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Neighbour table: the control lcore's ARP state machine (RFC 826, with the
 * probe/aging behaviour of RFC 1122 §2.3.2.1) over a lock-free hash that
 * workers read. See neigh.h for who calls what.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_debug.h>
#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_jhash.h>
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

/* Called by rte_hash once no worker can still see the deleted key. */
static void slot_reclaim(void *p, void *key_data)
{
	struct neigh_table *t = p;

	t->free_slots[t->n_free++] = (uint32_t)(uintptr_t)key_data;
}

static int setup_rcu(struct neigh_table *t, struct rte_rcu_qsbr *qsv)
{
	struct rte_hash_rcu_config rc = {
		.v = qsv,
		.mode = RTE_HASH_QSBR_MODE_DQ,
		.key_data_ptr = t,
		.free_key_data_func = slot_reclaim,
	};

	if (qsv == NULL)
		return 0;
	if (rte_hash_rcu_qsbr_add(t->hash, &rc) != 0) /* 1 on error, not -errno */
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
		.hash_func = rte_jhash,
		.socket_id = socket,
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF,
	};
	struct neigh_table *t;
	uint32_t i;

	if (p->capacity == 0 || p->hold_packets == 0) {
		rte_errno = EINVAL;
		return NULL;
	}
	t = rte_zmalloc_socket("neigh", sizeof(*t), 0, socket);
	if (t == NULL)
		goto nomem;
	t->p = *p;
	rte_spinlock_init(&t->lock);
	/* one more than capacity: the spare word insert() points readers at */
	t->mac_word = rte_zmalloc_socket("neigh_mac", sizeof(uint64_t) * (p->capacity + 1),
					 RTE_CACHE_LINE_SIZE, socket);
	t->ent = rte_zmalloc_socket("neigh_ent", sizeof(*t->ent) * p->capacity, 0, socket);
	t->held_store = rte_zmalloc_socket("neigh_held", sizeof(struct rte_mbuf *) *
					   p->capacity * p->hold_packets, 0, socket);
	t->free_slots = rte_zmalloc_socket("neigh_free", sizeof(uint32_t) * p->capacity,
					   0, socket);
	if (t->mac_word == NULL || t->ent == NULL || t->held_store == NULL ||
	    t->free_slots == NULL)
		goto nomem;
	for (i = 0; i < p->capacity; i++) {
		t->ent[i].held = &t->held_store[(size_t)i * p->hold_packets];
		t->free_slots[t->n_free++] = p->capacity - 1 - i;
	}
	t->hash = rte_hash_create(&hp);
	if (t->hash == NULL)
		goto fail;
	if (setup_rcu(t, qsv) < 0)
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
	for (i = 0; t->ent != NULL && i < t->p.capacity; i++)
		for (j = 0; j < t->ent[i].n_held; j++)
			rte_pktmbuf_free(t->ent[i].held[j]);
	rte_hash_free(t->hash);
	rte_free(t->mac_word);
	rte_free(t->ent);
	rte_free(t->held_store);
	rte_free(t->free_slots);
	rte_free(t);
}

static int find(const struct neigh_table *t, uint32_t addr, uint16_t port)
{
	struct neigh_key k = { .addr = addr, .port = port };
	void *data;

	if (rte_hash_lookup_data(t->hash, &k, &data) < 0)
		return -1;
	return (int)(uintptr_t)data;
}

static int insert(struct neigh_table *t, uint32_t addr, uint16_t port,
		  enum neigh_state state)
{
	struct neigh_key k = { .addr = addr, .port = port };
	struct neigh_entry *e;
	uint32_t slot;

	if (t->n_free == 0 && t->deferred_free) {
		/* Slots waiting out a grace period come back when rte_hash
		 * reclaims, which it does on a delete or when it runs out of
		 * key slots; with every slot waiting there may be no delete to
		 * come. Adding the key makes it reclaim (its key slots and ours
		 * are one to one). Until the data is set below, readers find
		 * the spare slot, whose MAC word is always 0: unresolved. */
		if (rte_hash_add_key_data(t->hash, &k,
					  (void *)(uintptr_t)t->p.capacity) < 0)
			return -ENOSPC;
		RTE_VERIFY(t->n_free > 0);
	}
	if (t->n_free == 0)
		return -ENOSPC;
	slot = t->free_slots[--t->n_free];
	e = &t->ent[slot];
	*e = (struct neigh_entry){ .addr = addr, .port = port,
				   .state = (uint8_t)state, .held = e->held };
	__atomic_store_n(&t->mac_word[slot], 0, __ATOMIC_RELEASE);
	if (rte_hash_add_key_data(t->hash, &k, (void *)(uintptr_t)slot) < 0) {
		e->state = NEIGH_FREE;
		t->free_slots[t->n_free++] = slot;
		return -ENOSPC;
	}
	return (int)slot;
}

/* Remove an entry; its held packets go to ops->drop. */
static void remove_entry(struct neigh_table *t, uint32_t slot,
			 const struct neigh_ops *ops, void *arg)
{
	struct neigh_entry *e = &t->ent[slot];
	struct neigh_key k = { .addr = e->addr, .port = e->port };
	uint16_t i;
	int32_t pos;

	/* Workers that still find the key see "unresolved" and hand the
	 * packet to us; they never see a MAC that is no longer true. */
	__atomic_store_n(&t->mac_word[slot], 0, __ATOMIC_RELEASE);
	for (i = 0; i < e->n_held; i++)
		ops->drop(arg, e->held[i]);
	e->n_held = 0;
	e->state = NEIGH_FREE;
	pos = rte_hash_del_key(t->hash, &k);
	if (!t->deferred_free && pos >= 0) {
		/* no concurrent readers: the key slot can go back now */
		rte_hash_free_key_with_position(t->hash, pos);
		t->free_slots[t->n_free++] = slot;
	}
}

static void set_mac(struct neigh_table *t, uint32_t slot, const uint8_t mac[6])
{
	memcpy(t->ent[slot].mac, mac, 6);
	__atomic_store_n(&t->mac_word[slot], neigh_word_from_mac(mac),
			 __ATOMIC_RELEASE);
}

int neigh_add_static(struct neigh_table *t, uint32_t addr, uint16_t port,
		     const uint8_t mac[6])
{
	int slot;

	rte_spinlock_lock(&t->lock);
	if (find(t, addr, port) >= 0) {
		rte_spinlock_unlock(&t->lock);
		return -EEXIST;
	}
	slot = insert(t, addr, port, NEIGH_STATIC);
	if (slot >= 0)
		set_mac(t, (uint32_t)slot, mac);
	rte_spinlock_unlock(&t->lock);
	return slot < 0 ? slot : 0;
}

enum neigh_verdict neigh_resolve(struct neigh_table *t, uint32_t addr,
				 uint16_t port, struct rte_mbuf *m,
				 uint64_t now_ms, uint64_t *mac_word)
{
	enum neigh_verdict v = NEIGH_HELD;
	struct neigh_entry *e;
	int slot;

	rte_spinlock_lock(&t->lock);
	slot = find(t, addr, port);
	if (slot >= 0 && t->mac_word[slot] != 0) {
		*mac_word = t->mac_word[slot];
		v = NEIGH_SEND;
		goto out;
	}
	if (slot < 0) {
		slot = insert(t, addr, port, NEIGH_INCOMPLETE);
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

unsigned int neigh_confirm(struct neigh_table *t, uint32_t addr, uint16_t port,
			   const uint8_t mac[6], uint64_t now_ms, bool create,
			   struct rte_mbuf **flush, unsigned int flush_max)
{
	struct neigh_entry *e;
	unsigned int n = 0;
	int slot;

	rte_spinlock_lock(&t->lock);
	slot = find(t, addr, port);
	if (slot < 0 && create)
		slot = insert(t, addr, port, NEIGH_REACHABLE);
	if (slot < 0)
		goto out;
	e = &t->ent[slot];
	if (e->state == NEIGH_STATIC)
		goto out;
	set_mac(t, (uint32_t)slot, mac);
	e->state = NEIGH_REACHABLE;
	e->probes = 0;
	e->confirmed_ms = now_ms;
	while (e->n_held > 0 && n < flush_max) {
		flush[n++] = e->held[0];
		memmove(&e->held[0], &e->held[1], sizeof(e->held[0]) * --e->n_held);
	}
out:
	rte_spinlock_unlock(&t->lock);
	return n;
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
		ops->solicit(arg, e->addr, e->port,
			     e->state == NEIGH_PROBE ? e->mac : NULL);
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
	for (i = 0; i < t->p.capacity; i++)
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
	for (i = 0; i < t->p.capacity; i++)
		if (t->ent[i].state != NEIGH_FREE)
			fn(arg, &t->ent[i], now_ms);
	rte_spinlock_unlock(&t->lock);
}
