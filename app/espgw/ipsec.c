/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Installing and removing SAs on the control lcore, the outbound SPD, and
 * the lifetime events workers raise. A removed SA disappears from the
 * tables at once and is wiped and freed after an RCU grace period: the
 * SAD does that for inbound SAs, a token list here for outbound ones.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "gw.h"
#include "ipsec.h"
#include "lib/esp/esp.h"
#include "lib/sa/replay.h"
#include "lib/sa/sad.h"
#include "lib/spd/spd.h"
#include "log.h"

enum {
	NATT_PORT = 4500,           /* RFC 3948 §2.1: our side of ESP in UDP */
	HANDOFF_RING = 1024,
	PENDING_MAX = IPSEC_SA_MAX,
};

/* Outbound SAs (and replaced SPDs) waiting for their RCU grace period. */
struct pending_free {
	void *p;
	bool is_spd;
	uint64_t token;
};
static struct pending_free pending[PENDING_MAX];
static unsigned int n_pending;

static void sa_inb_release(void *arg, void *sa)
{
	struct ipsec *ip = arg;
	struct sa_inb *in = sa;

	aead_key_wipe(ip->eng, &in->key);
	rte_free(in);
}

static void sa_outb_release(struct ipsec *ip, struct sa_outb *out)
{
	aead_key_wipe(ip->eng, &out->key);
	rte_free(out);
}

static int defer_free(struct ipsec *ip, void *p, bool is_spd)
{
	if (n_pending == PENDING_MAX) {
		/* never expected: wait out the grace period here instead */
		rte_rcu_qsbr_synchronize(ip->gw->qsv, RTE_QSBR_THRID_INVALID);
		if (is_spd)
			spd_free(p);
		else
			sa_outb_release(ip, p);
		return 0;
	}
	pending[n_pending++] = (struct pending_free){
		.p = p, .is_spd = is_spd, .token = rte_rcu_qsbr_start(ip->gw->qsv),
	};
	return 0;
}

static unsigned int reclaim(struct ipsec *ip, bool wait)
{
	unsigned int i = 0, done = 0;

	while (i < n_pending) {
		if (rte_rcu_qsbr_check(ip->gw->qsv, pending[i].token, wait) != 1) {
			i++;
			continue;
		}
		if (pending[i].is_spd)
			spd_free(pending[i].p);
		else
			sa_outb_release(ip, pending[i].p);
		pending[i] = pending[--n_pending];
		done++;
	}
	return done;
}

/* Path MTU towards a peer: the MTU of the interface the route leads to. */
static int path_mtu(const struct gw *gw, uint32_t peer, uint16_t *mtu)
{
	uint16_t nh = route_lookup(gw->rt, peer);
	int p;

	if (nh == ROUTE_NH_NONE)
		return -EHOSTUNREACH;
	p = gw->port_of_ethdev[gw->rt->nh[nh].port];
	*mtu = gw->ports[p].mtu;
	return 0;
}

static uint8_t sa_flags_of(const struct ipsec_sa_params *p)
{
	return (uint8_t)((p->esn ? SA_F_ESN : 0) | (p->natt ? SA_F_NATT : 0) |
			 (p->outer_v6 ? SA_F_OUTER_V6 : 0));
}

static int path_mtu6(const struct gw *gw, const uint8_t peer[16], uint16_t *mtu)
{
	uint16_t nh = route6_lookup(gw->rt6, peer);
	int p;

	if (nh == ROUTE6_NH_NONE)
		return -EHOSTUNREACH;
	p = gw->port_of_ethdev[gw->rt6->nh[nh].port];
	*mtu = gw->ports[p].mtu;
	return 0;
}

static int free_handle(const struct ipsec *ip, uint32_t *id)
{
	uint32_t i;

	for (i = 0; i < IPSEC_SA_MAX; i++)
		if (!ip->recs[i].used) {
			*id = i;
			return 0;
		}
	return -ENOSPC;
}

static int key_init(struct ipsec *ip, struct aead_key *k, const struct ipsec_sa_params *p)
{
	return ip->eng->key_init(ip->ctl_eng_ctx, k, p->alg, p->key, p->key_len);
}

static int add_inbound(struct ipsec *ip, const struct ipsec_sa_params *p, uint32_t id,
		       void **rt)
{
	size_t rw = replay_window_size_bytes(p->replay_window);
	struct sa_inb *sa;
	int rc;

	if (rw == 0 || (p->esn && p->replay_window == REPLAY_WINDOW_OFF))
		return -EINVAL;
	sa = rte_zmalloc("sa_inb", offsetof(struct sa_inb, rw) + rw, RTE_CACHE_LINE_SIZE);
	if (sa == NULL)
		return -ENOMEM;
	sa->spi = p->spi;
	sa->mode = (uint8_t)p->mode;
	sa->flags = sa_flags_of(p);
	memcpy(sa->salt, p->salt, sizeof(sa->salt));
	sa->owner = (uint16_t)(id % ip->gw->n_workers);
	sa->local = p->local;
	memcpy(sa->local6, p->local6, sizeof(sa->local6));
	memcpy(sa->peer6, p->peer6, sizeof(sa->peer6));
	sa->id = id;
	sa->partner_out = SA_NO_PARTNER;
	sa->sel = p->sel;
	sa->sel6 = p->sel6;
	sa->sel_families = p->sel_families;
	sa->life = p->life;
	sa->peer = sa_peer_pack(p->peer, p->natt ? p->peer_port : 0);
	rc = replay_window_init(&sa->rw, p->replay_window, p->esn);
	if (rc == 0 && esp_inb_select(sa) == NULL)
		rc = -ENOTSUP;
	if (rc == 0)
		rc = key_init(ip, &sa->key, p);
	if (rc == 0)
		rc = sad_add(ip->sad, p->spi, sa);
	if (rc != 0) {
		aead_key_wipe(ip->eng, &sa->key);
		rte_free(sa);
		return rc;
	}
	*rt = sa;
	return 0;
}

static int add_outbound(struct ipsec *ip, const struct ipsec_sa_params *p, uint32_t id,
			void **rt)
{
	struct sa_outb *sa;
	int rc;

	sa = rte_zmalloc("sa_outb", sizeof(*sa), RTE_CACHE_LINE_SIZE);
	if (sa == NULL)
		return -ENOMEM;
	sa->spi = p->spi;
	sa->mode = (uint8_t)p->mode;
	sa->flags = sa_flags_of(p);
	memcpy(sa->salt, p->salt, sizeof(sa->salt));
	sa->local = p->local;
	memcpy(sa->local6, p->local6, sizeof(sa->local6));
	memcpy(sa->peer6, p->peer6, sizeof(sa->peer6));
	sa->local_port = NATT_PORT;
	/* the worker checks the path MTU itself (DF set: ICMP; clear:
	 * fragment after encryption), so the ESP code must not refuse */
	sa->mtu = 0;
	sa->owner = (uint16_t)(id % ip->gw->n_workers);
	sa->id = id;
	sa->life = p->life;
	sa->peer = sa_peer_pack(p->peer, p->natt ? p->peer_port : 0);
	rc = p->outer_v6 ? path_mtu6(ip->gw, p->peer6, &sa->path_mtu) :
			   path_mtu(ip->gw, p->peer, &sa->path_mtu);
	if (rc == 0 && esp_outb_select(sa) == NULL)
		rc = -ENOTSUP;
	if (rc == 0)
		rc = key_init(ip, &sa->key, p);
	if (rc != 0) {
		aead_key_wipe(ip->eng, &sa->key);
		rte_free(sa);
		return rc;
	}
	__atomic_store_n(&ip->out[id], sa, __ATOMIC_RELEASE);
	*rt = sa;
	return 0;
}

int ipsec_sa_add(struct ipsec *ip, const struct ipsec_sa_params *p, uint32_t *id)
{
	struct ipsec_sa_rec *r;
	void *rt = NULL;
	uint32_t h;
	int rc;

	if (p->spi == 0 || p->key == NULL || p->salt == NULL)
		return -EINVAL;
	rc = free_handle(ip, &h);
	if (rc != 0)
		return rc;
	rc = p->inbound ? add_inbound(ip, p, h, &rt) : add_outbound(ip, p, h, &rt);
	if (rc != 0)
		return rc;
	rte_spinlock_lock(&ip->lock);
	r = &ip->recs[h];
	*r = (struct ipsec_sa_rec){
		.used = true, .inbound = p->inbound, .spi = p->spi, .rt = rt,
		.installed_ms = gw_now_ms(),
	};
	snprintf(r->name, sizeof(r->name), "%s", p->name != NULL ? p->name : "");
	rte_spinlock_unlock(&ip->lock);
	*id = h;
	return 0;
}

int ipsec_sa_del(struct ipsec *ip, uint32_t id)
{
	struct ipsec_sa_rec r;

	if (id >= IPSEC_SA_MAX || !ip->recs[id].used)
		return -ENOENT;
	rte_spinlock_lock(&ip->lock);
	r = ip->recs[id];
	ip->recs[id].used = false;
	ip->recs[id].rt = NULL;
	rte_spinlock_unlock(&ip->lock);
	if (r.inbound)
		return sad_del(ip->sad, r.spi);  /* frees through sa_inb_release */
	__atomic_store_n(&ip->out[id], NULL, __ATOMIC_RELEASE);
	return defer_free(ip, r.rt, false);
}

int ipsec_find_spi(struct ipsec *ip, uint32_t spi, uint32_t ids[2])
{
	uint32_t i;
	int n = 0;

	for (i = 0; i < IPSEC_SA_MAX && n < 2; i++)
		if (ip->recs[i].used && ip->recs[i].spi == spi)
			ids[n++] = i;
	return n;
}

unsigned int ipsec_keepalive(struct ipsec *ip, uint32_t addr, uint16_t port)
{
	const uint64_t bound = sa_peer_pack(addr, port);
	const uint64_t now = gw_now_ms();
	unsigned int i, n = 0;

	/* linear: keepalives come once per peer every ~20 s (RFC 3948 §4) */
	for (i = 0; i < IPSEC_SA_MAX; i++) {
		struct ipsec_sa_rec *r = &ip->recs[i];
		const struct sa_inb *sa = r->rt;

		if (!r->used || !r->inbound ||
		    (sa->flags & (SA_F_NATT | SA_F_OUTER_V6)) != SA_F_NATT ||
		    __atomic_load_n(&sa->peer, __ATOMIC_RELAXED) != bound)
			continue;
		__atomic_store_n(&r->keepalive_ms, now, __ATOMIC_RELAXED);
		n++;
	}
	return n;
}

unsigned int ipsec_keepalive6(struct ipsec *ip, const uint8_t addr[16], uint16_t port)
{
	const uint64_t now = gw_now_ms();
	unsigned int i, n = 0;

	for (i = 0; i < IPSEC_SA_MAX; i++) {
		struct ipsec_sa_rec *r = &ip->recs[i];
		const struct sa_inb *sa = r->rt;

		if (!r->used || !r->inbound || (sa->flags & (SA_F_NATT | SA_F_OUTER_V6)) !=
		    (SA_F_NATT | SA_F_OUTER_V6) ||
		    sa_peer_port(__atomic_load_n(&sa->peer, __ATOMIC_RELAXED)) != port ||
		    memcmp(sa->peer6, addr, 16) != 0)
			continue;
		__atomic_store_n(&r->keepalive_ms, now, __ATOMIC_RELAXED);
		n++;
	}
	return n;
}

static const char *sa_name(const struct ipsec *ip, uint32_t id)
{
	return id < IPSEC_SA_MAX && ip->recs[id].used ? ip->recs[id].name : "?";
}

static void handle_event(struct ipsec *ip, uintptr_t ev)
{
	uint32_t id = (uint32_t)(ev >> 2);

	if (id >= IPSEC_SA_MAX || !ip->recs[id].used)
		return;         /* already gone */
	if ((ev & 3) == IPSEC_EV_REBIND) {
		const struct sa_inb *sa = ip->recs[id].rt;
		uint64_t peer = __atomic_load_n(&sa->peer, __ATOMIC_RELAXED);
		uint32_t a4 = htonl(sa_peer_addr(peer));
		char a[INET6_ADDRSTRLEN];

		if (sa->flags & SA_F_OUTER_V6)
			inet_ntop(AF_INET6, sa->peer6, a, sizeof(a));
		else
			inet_ntop(AF_INET, &a4, a, sizeof(a));
		ip->rebinds++;
		GW_LOG(INFO, "SA %s (SPI 0x%08x): peer moved to %s%s%s:%u (NAT rebinding)",
		       sa_name(ip, id), ip->recs[id].spi, sa->flags & SA_F_OUTER_V6 ? "[" : "",
		       a, sa->flags & SA_F_OUTER_V6 ? "]" : "", sa_peer_port(peer));
		return;
	}
	if ((ev & 3) == IPSEC_EV_SOFT) {
		ip->soft_expired++;
		GW_LOG(NOTICE, "SA %s (SPI 0x%08x): soft lifetime reached",
		       sa_name(ip, id), ip->recs[id].spi);
		return;
	}
	ip->hard_expired++;
	GW_LOG(NOTICE, "SA %s (SPI 0x%08x): hard lifetime reached, removed",
	       sa_name(ip, id), ip->recs[id].spi);
	ipsec_sa_del(ip, id);
}

unsigned int ipsec_poll(struct ipsec *ip)
{
	void *ev[32];
	unsigned int i, n, work;

	n = rte_ring_sc_dequeue_burst(ip->events, ev, RTE_DIM(ev), NULL);
	for (i = 0; i < n; i++)
		handle_event(ip, (uintptr_t)ev[i]);
	work = n;
	if (n_pending > 0)
		work += reclaim(ip, false);
	sad_reclaim(ip->sad);
	return work;
}

/* ---- from the configuration ---------------------------------------------- */

static void params_from_conf(const struct conf *c, const struct conf_sa *s,
			     struct ipsec_sa_params *p)
{
	*p = (struct ipsec_sa_params){
		.name = s->name,
		.inbound = s->dir == CONF_SA_IN,
		.spi = s->spi,
		.mode = s->mode == CONF_SA_TRANSPORT ? SA_MODE_TRANSPORT : SA_MODE_TUNNEL,
		.alg = s->aead == CONF_AEAD_AES_GCM_256 ? AEAD_AES_GCM_256 : AEAD_AES_GCM_128,
		.key = s->key, .key_len = s->key_len, .salt = s->salt,
		.esn = s->esn != 0, .natt = s->natt != 0,
		.outer_v6 = s->family == CONF_FAMILY_V6,
		.local = s->local, .peer = s->peer, .peer_port = s->peer_port,
		.replay_window = s->replay_window,
		/* no selector: inner packets of both families */
		.sel_families = s->sel_family == CONF_FAMILY_V4 ? SA_SEL_V4 :
				s->sel_family == CONF_FAMILY_V6 ? SA_SEL_V6 :
				SA_SEL_V4 | SA_SEL_V6,
		.sel6 = {
			.src_len = s->sel6_src.len, .dst_len = s->sel6_dst.len,
		},
		.sel = {
			.src = s->sel_src.addr,
			.src_mask = s->sel_src.len == 0 ? 0 : UINT32_MAX << (32 - s->sel_src.len),
			.dst = s->sel_dst.addr,
			.dst_mask = s->sel_dst.len == 0 ? 0 : UINT32_MAX << (32 - s->sel_dst.len),
		},
		.life = {
			.soft_bytes = s->soft_bytes, .hard_bytes = s->hard_bytes,
			.soft_packets = s->soft_packets, .hard_packets = s->hard_packets,
		},
	};
	memcpy(p->local6, s->local6, sizeof(p->local6));
	memcpy(p->peer6, s->peer6, sizeof(p->peer6));
	memcpy(p->sel6.src, s->sel6_src.addr, sizeof(p->sel6.src));
	memcpy(p->sel6.dst, s->sel6_dst.addr, sizeof(p->sel6.dst));
	(void)c;
}

static int install_conf_sas(struct ipsec *ip, uint32_t handle_of[])
{
	const struct conf *c = ip->gw->conf;
	struct ipsec_sa_params p;
	unsigned int i;
	int rc;

	for (i = 0; i < c->n_sas; i++) {
		const struct conf_sa *s = &c->sas[i];

		params_from_conf(c, s, &p);
		rc = ipsec_sa_add(ip, &p, &handle_of[i]);
		explicit_bzero(&p, sizeof(p));
		if (rc != 0) {
			GW_LOG(ERR, "%s:%d: SA %s: not installed: %s%s", c->path, s->line,
			       s->name, rc == -EHOSTUNREACH ? "no route to the peer" :
			       rc == -ENOTSUP ? "the crypto engine or ESP code lacks it" :
			       strerror(-rc), "");
			return rc;
		}
	}
	return 0;
}

/* The rule as seen from the other side: a policy protecting A -> B also
 * covers B -> A, which must then arrive through ESP (RFC 4301 §5.2). */
static struct spd_rule mirrored(const struct spd_rule *r)
{
	struct spd_rule m = *r;

	m.src = r->dst;
	m.src_len = r->dst_len;
	m.dst = r->src;
	m.dst_len = r->src_len;
	memcpy(m.src6, r->dst6, sizeof(m.src6));
	memcpy(m.dst6, r->src6, sizeof(m.dst6));
	m.sport_lo = r->dport_lo;
	m.sport_hi = r->dport_hi;
	m.dport_lo = r->sport_lo;
	m.dport_hi = r->sport_hi;
	return m;
}

/* Static SAs come one direction each; an in and an out SA to the same
 * peer address are a pair, as IKE would have made them, so that a NAT
 * rebinding seen on the in SA moves the out SA's destination too. */
static void pair_conf_sas(struct ipsec *ip, const uint32_t handle_of[])
{
	const struct conf *c = ip->gw->conf;
	unsigned int i, j;

	for (i = 0; i < c->n_sas; i++) {
		const struct conf_sa *in = &c->sas[i];
		struct sa_inb *sa;

		if (in->dir != CONF_SA_IN || !in->natt)
			continue;
		sa = ip->recs[handle_of[i]].rt;
		for (j = 0; j < c->n_sas; j++) {
			const struct conf_sa *out = &c->sas[j];

			if (out->dir != CONF_SA_OUT || !out->natt || out->family != in->family ||
			    out->peer != in->peer || memcmp(out->peer6, in->peer6, 16) != 0)
				continue;
			if (sa->partner_out != SA_NO_PARTNER) {
				GW_LOG(WARNING, "%s:%d: SA %s: several out SAs go to its peer; "
				       "a NAT rebinding moves only %s", c->path, in->line,
				       in->name, sa_name(ip, sa->partner_out));
				break;
			}
			sa->partner_out = handle_of[j];
		}
	}
}

static int build_spd(struct ipsec *ip, const uint32_t handle_of[])
{
	const struct conf *c = ip->gw->conf;
	struct spd_builder *b, *bin;
	unsigned int i;
	int rc = 0;

	if (c->n_policies == 0)
		return 0;       /* no SPD: forward everything in the clear */
	b = spd_builder_create();
	bin = spd_builder_create();
	if (b == NULL || bin == NULL) {
		spd_builder_free(b);
		spd_builder_free(bin);
		return -ENOMEM;
	}
	for (i = 0; i < c->n_policies && rc == 0; i++) {
		const struct conf_policy *cp = &c->policies[i];
		struct spd_rule r = {
			.src = cp->src.addr, .src_len = cp->src.len,
			.dst = cp->dst.addr, .dst_len = cp->dst.len,
			.proto = cp->proto == CONF_PROTO_ANY ? SPD_PROTO_ANY : cp->proto,
			.sport_lo = cp->sport_lo, .sport_hi = cp->sport_hi,
			.dport_lo = cp->dport_lo, .dport_hi = cp->dport_hi,
			.priority = cp->priority,
			.action = cp->action == CONF_POLICY_PROTECT ? SPD_PROTECT :
				  cp->action == CONF_POLICY_BYPASS ? SPD_BYPASS : SPD_DISCARD,
			.sa = cp->action == CONF_POLICY_PROTECT ? handle_of[cp->sa] : 0,
			.family = cp->family == CONF_FAMILY_V6 ? SPD_FAMILY_IPV6 : SPD_FAMILY_IPV4,
		};

		struct spd_rule m;

		if (cp->family == CONF_FAMILY_V6) {
			r.src_len = cp->src6.len;
			r.dst_len = cp->dst6.len;
			memcpy(r.src6, cp->src6.addr, sizeof(r.src6));
			memcpy(r.dst6, cp->dst6.addr, sizeof(r.dst6));
		}
		m = mirrored(&r);

		rc = spd_builder_add(b, &r);
		if (rc == 0)
			rc = spd_builder_add(bin, &m);
		if (rc != 0)
			GW_LOG(ERR, "%s:%d: policy not added: %s", c->path, cp->line,
			       strerror(-rc));
	}
	if (rc == 0) {
		ip->spd = spd_build(b, (int)rte_socket_id());
		ip->spd_in = ip->spd == NULL ? NULL : spd_build(bin, (int)rte_socket_id());
		if (ip->spd == NULL || ip->spd_in == NULL) {
			rc = -rte_errno;
			GW_LOG(ERR, "building the SPD failed: %s", rte_strerror(rte_errno));
		}
	}
	spd_builder_free(b);
	spd_builder_free(bin);
	return rc;
}

static int create_engine(struct ipsec *ip)
{
	const struct conf *c = ip->gw->conf;
	unsigned int i;
	int rc;

	ip->eng = aead_engine_find(c->crypto.engine);
	if (ip->eng == NULL) {
		GW_LOG(ERR, "%s: crypto engine '%s' is not built in", c->path, c->crypto.engine);
		return -ENOTSUP;
	}
	if (ip->eng->setup != NULL) {
		rc = ip->eng->setup(c->crypto.device, ip->gw->n_workers + 1,
				    (int)rte_socket_id());
		if (rc != 0) {
			GW_LOG(ERR, "%s: crypto engine %s on '%s': %s", c->path,
			       ip->eng->name, c->crypto.device, strerror(-rc));
			return rc;
		}
	}
	ip->ctl_eng_ctx = ip->eng->ctx_create((int)rte_socket_id());
	if (ip->ctl_eng_ctx == NULL)
		return -ENOMEM;
	for (i = 0; i < ip->gw->n_workers; i++) {
		struct worker_ctx *w = ip->gw->workers[i];
		int socket = (int)rte_lcore_to_socket_id(w->lcore);

		w->eng = ip->eng;
		w->eng_ctx = ip->eng->ctx_create(socket);
		if (w->eng_ctx == NULL)
			return -ENOMEM;
	}
	return 0;
}

static int create_worker_state(struct ipsec *ip)
{
	char name[RTE_RING_NAMESIZE];
	unsigned int i;

	for (i = 0; i < ip->gw->n_workers; i++) {
		struct worker_ctx *w = ip->gw->workers[i];
		int socket = (int)rte_lcore_to_socket_id(w->lcore);

		w->ipsec = ip;
		w->sadc = sad_cache_create(ip->sad, socket);
		snprintf(name, sizeof(name), "espgw_handoff%u", i);
		w->handoff = rte_ring_create(name, HANDOFF_RING, socket, RING_F_SC_DEQ);
		if (w->sadc == NULL || w->handoff == NULL)
			return -ENOMEM;
	}
	return 0;
}

int ipsec_build(struct gw *gw)
{
	const struct conf *c = gw->conf;
	struct ipsec *ip;
	uint32_t *handle_of;
	int rc;

	ip = rte_zmalloc("ipsec", sizeof(*ip), RTE_CACHE_LINE_SIZE);
	if (ip == NULL)
		return -ENOMEM;
	gw->ipsec = ip;
	ip->gw = gw;
	rte_spinlock_init(&ip->lock);
	ip->out = rte_zmalloc("ipsec_out", IPSEC_SA_MAX * sizeof(ip->out[0]),
			      RTE_CACHE_LINE_SIZE);
	ip->events = rte_ring_create("espgw_sa_events", IPSEC_EVENT_RING,
				     (int)rte_socket_id(), RING_F_SC_DEQ);
	ip->sad = sad_create(&(struct sad_params){
		.name = "espgw_sad", .socket = (int)rte_socket_id(),
		.capacity = IPSEC_SA_MAX, .qsv = gw->qsv,
		.sa_free = sa_inb_release, .sa_free_arg = ip,
	});
	if (ip->out == NULL || ip->events == NULL || ip->sad == NULL)
		return -ENOMEM;
	rc = create_engine(ip);
	if (rc == 0)
		rc = create_worker_state(ip);
	if (rc != 0)
		return rc;
	handle_of = calloc(c->n_sas + 1, sizeof(*handle_of));
	if (handle_of == NULL)
		return -ENOMEM;
	rc = install_conf_sas(ip, handle_of);
	if (rc == 0) {
		pair_conf_sas(ip, handle_of);
		rc = build_spd(ip, handle_of);
	}
	free(handle_of);
	if (rc == 0 && c->n_sas > 0)
		GW_LOG(INFO, "IPsec: %u SAs, %u policies, crypto engine %s", c->n_sas,
		       c->n_policies, ip->eng->name);
	return rc;
}

void ipsec_free(struct ipsec *ip)
{
	unsigned int i;
	struct rte_mbuf *m;

	if (ip == NULL)
		return;
	for (i = 0; i < IPSEC_SA_MAX; i++)
		if (ip->recs[i].used)
			ipsec_sa_del(ip, i);
	while (n_pending > 0)
		reclaim(ip, true);
	for (i = 0; i < ip->gw->n_workers; i++)
		if (ip->gw->workers[i] != NULL)
			sad_cache_free(ip->gw->workers[i]->sadc);
	/* waits for the inbound grace periods; wipes the keys (and frees the
	 * engine's sessions) before the engine goes below */
	sad_free(ip->sad);
	spd_free(ip->spd);
	spd_free(ip->spd_in);
	for (i = 0; i < ip->gw->n_workers; i++) {
		struct worker_ctx *w = ip->gw->workers[i];

		if (w == NULL)
			continue;
		while (w->handoff != NULL && rte_ring_dequeue(w->handoff, (void **)&m) == 0)
			rte_pktmbuf_free(m);
		rte_ring_free(w->handoff);
		if (w->eng_ctx != NULL)
			ip->eng->ctx_free(w->eng_ctx);
	}
	if (ip->ctl_eng_ctx != NULL)
		ip->eng->ctx_free(ip->ctl_eng_ctx);
	if (ip->eng != NULL && ip->eng->teardown != NULL)
		ip->eng->teardown();
	rte_ring_free(ip->events);
	rte_free(ip->out);
	rte_free(ip);
}
