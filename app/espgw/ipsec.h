/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The gateway's IPsec state, control side: installing and removing SAs
 * (from the configuration now, from IKE later - through the same calls),
 * the outbound policy database, lifetime events from the workers, and the
 * records telemetry reads. Control lcore only, except where a function
 * says otherwise; workers read the published tables (gw.h ipsec_* inlines).
 */
#ifndef ESPGW_IPSEC_H
#define ESPGW_IPSEC_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_spinlock.h>

#include "lib/conf/conf.h"
#include "lib/crypto/aead.h"
#include "lib/sa/sa.h"

struct gw;
struct rte_ring;
struct rte_rcu_qsbr_dq;
struct sad;
struct spd;

enum {
	IPSEC_SA_MAX = 16384,       /* SA handles, both directions */
	IPSEC_EVENT_RING = 4096,
};

/* Everything needed to install one SA; keys are copied and not kept. */
struct ipsec_sa_params {
	const char *name;
	bool inbound;
	uint32_t spi;
	enum sa_mode mode;
	enum aead_alg alg;
	const uint8_t *key;
	uint32_t key_len;
	const uint8_t *salt;        /* 4 bytes */
	bool esn;
	bool natt;
	bool outer_v6;              /* outer IPv6: local6/peer6, else local/peer */
	uint32_t local;             /* our outer address */
	uint32_t peer;              /* the peer's outer address */
	uint8_t local6[16], peer6[16];
	uint16_t peer_port;         /* natt */
	uint32_t replay_window;     /* inbound: 0 (off) or a power of two */
	/* inbound: inner families (enum sa_sel_family) and their selectors */
	uint8_t sel_families;
	struct sa_selector sel;
	struct sa_selector6 sel6;
	struct sa_lifetime life;
};

/* The control lcore's record of an installed SA (telemetry reads it under
 * ipsec.lock). */
struct ipsec_sa_rec {
	char name[CONF_NAME_MAX];
	bool used;
	bool inbound;
	uint32_t spi;
	void *rt;                   /* struct sa_inb * or struct sa_outb * */
	uint64_t installed_ms;
	uint64_t keepalive_ms;      /* last NAT-T keepalive from its binding, 0: none */
};

/* Why a worker tells the control lcore about an SA (ipsec_event()). */
enum ipsec_event_kind {
	IPSEC_EV_SOFT = 1,
	IPSEC_EV_HARD = 2,
	IPSEC_EV_REBIND = 3,        /* NAT rebinding moved an SA's peer */
};

struct ipsec {
	struct gw *gw;
	const struct aead_engine *eng;
	void *ctl_eng_ctx;          /* the control lcore's: key schedules */
	struct sad *sad;            /* inbound, by SPI */
	/* outbound SAs by handle, published with a store-release; workers load
	 * with acquire; freed after an RCU grace period */
	struct sa_outb **out;
	struct spd *spd;            /* NULL: no policies, nothing is protected */
	/* the same policies mirrored, for plain packets from the public side:
	 * a protect match means it should have come through ESP */
	struct spd *spd_in;
	struct rte_ring *events;    /* workers -> control: ipsec_event() */
	struct rte_rcu_qsbr_dq *dq; /* outbound SAs waiting for their grace period */
	rte_spinlock_t lock;        /* recs, against the telemetry thread */
	struct ipsec_sa_rec recs[IPSEC_SA_MAX];
	uint64_t soft_expired, hard_expired, rebinds;
};

/* Events are one word: handle << 2 | kind. */
static inline uintptr_t ipsec_event_word(uint32_t id, enum ipsec_event_kind k)
{
	return (uintptr_t)id << 2 | (uintptr_t)k;
}

/** Main lcore, before workers start: engine, SAD, SAs and policies from
 * the configuration. Errors are logged with the file and line; -errno. */
int ipsec_build(struct gw *gw);
void ipsec_free(struct ipsec *ip);

/** Install an SA; on success *id is its handle (what policies name).
 * -EEXIST (inbound SPI taken), -ENOSPC, -EINVAL, -ENOTSUP (engine). */
int ipsec_sa_add(struct ipsec *ip, const struct ipsec_sa_params *p, uint32_t *id);
/** Remove an SA: workers stop seeing it at once; its keys are wiped and
 * its memory freed after the RCU grace period. 0 or -ENOENT. */
int ipsec_sa_del(struct ipsec *ip, uint32_t id);

/** Control loop: lifetime events, deferred frees. Returns work done. */
unsigned int ipsec_poll(struct ipsec *ip);

/** Control lcore: a NAT-T keepalive from addr:port refreshes the binding
 * of every inbound NAT-T SA bound there (their last_seen); returns how many.
 * It cannot move a binding: it is not authenticated. */
unsigned int ipsec_keepalive(struct ipsec *ip, uint32_t addr, uint16_t port);
unsigned int ipsec_keepalive6(struct ipsec *ip, const uint8_t addr[16], uint16_t port);

/** Telemetry thread: handles of SAs with this SPI (in and/or out). */
int ipsec_find_spi(struct ipsec *ip, uint32_t spi, uint32_t ids[2]);

#endif /* ESPGW_IPSEC_H */
