/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker's ESP stages. Inbound: SPI -> SA through the per-lcore cache,
 * packets grouped by SA, one decrypt burst per group. Outbound: SPD lookup
 * for the burst, grouped by SA, checks that need the whole packet (TTL,
 * DF against the path MTU), one encrypt burst per group. Results join the
 * burst's forwarding list.
 *
 * One writer per SA: an SA belongs to one worker (sa->owner), which alone
 * moves its replay window, sequence number and counters, so none of them
 * needs an atomic. A packet that arrives on another worker (RSS spreads
 * the flows of one outbound SA; a NAT rebinding moves an inbound one) is
 * passed to the owner over its hand-off ring and keeps its order there.
 */
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_ip.h>
#include <rte_ring.h>

#include "ipsec.h"
#include "lib/pkt/pkt_ipv4.h"
#include "lib/sa/sad.h"
#include "lib/spd/spd.h"
#include "worker_priv.h"

enum {
	TUNNEL_IP_LEN = 20,
	TUNNEL_IP6_LEN = 40,
	NATT_UDP_LEN = 8,
};

/* Collect the packets of mb[from..n) whose key equals key[from] into g[],
 * marking them done; returns how many. Bursts are short and usually hold
 * one or a few SAs, so a linear pass beats sorting. */
static uint16_t group_of(void *const key[], uint16_t from, uint16_t n, bool done[],
			 struct rte_mbuf *const mb[], const uint16_t off[],
			 struct rte_mbuf *g[], uint16_t goff[])
{
	uint16_t j, k = 0;

	for (j = from; j < n; j++) {
		if (done[j] || key[j] != key[from])
			continue;
		done[j] = true;
		g[k] = mb[j];
		goff[k++] = off[j];
	}
	return k;
}

static void handoff(struct worker_ctx *w, struct burst_sort *s, uint16_t owner,
		    enum ctl_reason why, uint32_t sa_id, struct rte_mbuf *g[],
		    const uint16_t off[], uint16_t k)
{
	struct rte_ring *r = w->gw->workers[owner]->handoff;
	uint16_t i, q;

	for (i = 0; i < k; i++) {
		struct ctl_meta *md = ctl_meta(g[i]);

		md->reason = (uint8_t)why;
		md->esp_off = off[i];
		md->l3_off = off[i];
		md->sa_id = sa_id;
	}
	q = (uint16_t)rte_ring_mp_enqueue_burst(r, (void **)g, k, NULL);
	cnt_add(&w->stats->handoff, q);
	for (i = q; i < k; i++)
		drop(w, s, g[i], GW_DROP_HANDOFF_FULL);
}

/* Tell the control lcore once per limit; if its ring is full, the next
 * burst of the SA tries again. */
static void lifetime_check(struct worker_ctx *w, uint32_t id, const struct sa_lifetime *l,
			   const struct sa_counters *c, uint8_t *expiry)
{
	static const enum ipsec_event_kind kind[2] = { IPSEC_EV_SOFT, IPSEC_EV_HARD };
	const uint64_t bytes[2] = { l->soft_bytes, l->hard_bytes };
	const uint64_t pkts[2] = { l->soft_packets, l->hard_packets };
	unsigned int i;

	for (i = 0; i < 2; i++) {
		uint8_t flag = i == 0 ? SA_EXPIRY_SOFT : SA_EXPIRY_HARD;

		if (*expiry & flag)
			continue;
		if ((bytes[i] != 0 && c->bytes >= bytes[i]) ||
		    (pkts[i] != 0 && c->packets >= pkts[i])) {
			uintptr_t ev = ipsec_event_word(id, kind[i]);

			if (rte_ring_mp_enqueue(w->ipsec->events, (void *)ev) == 0)
				*expiry |= flag;
		}
	}
}

static inline bool has_lifetime(const struct sa_lifetime *l)
{
	return (l->soft_bytes | l->hard_bytes | l->soft_packets | l->hard_packets) != 0;
}

/*
 * How many of the k packets g[] an SA may still carry before a hard limit
 * (packets, or bytes of inner packets); the rest are dropped, so a limit
 * is never passed. Outbound sizes are exact; inbound, before decryption,
 * the ESP payload less the minimal trailer bounds the inner packet from
 * above (a transport packet also gets its IP header back: up to 60 bytes),
 * so an inbound SA stops at or just before its byte limit.
 */
static uint16_t hard_room(const struct sa_lifetime *l, const struct sa_counters *c,
			  struct rte_mbuf *const g[], const uint16_t off[], uint16_t k,
			  bool inbound, bool trs)
{
	uint64_t pk = c->packets, by = c->bytes;
	uint16_t i;

	if (likely(l->hard_packets == 0 && l->hard_bytes == 0))
		return k;
	for (i = 0; i < k; i++) {
		uint32_t dl = rte_pktmbuf_data_len(g[i]), len;

		if (inbound) {
			uint32_t fixed = (uint32_t)off[i] + ESP_HDR_LEN + ESP_IV_LEN +
					 ESP_ICV_LEN + ESP_TRAILER_LEN;

			len = (dl > fixed ? dl - fixed : 0) + (trs ? 60 : 0);
		} else {
			len = dl - ESP_L2_LEN;
		}
		if ((l->hard_packets != 0 && pk + 1 > l->hard_packets) ||
		    (l->hard_bytes != 0 && by + len > l->hard_bytes))
			break;
		pk++;
		by += len;
	}
	return i;
}

/* A packet was refused for the hard limit: the SA is used up even if its
 * counters stop just short of it. */
static void hard_reached(struct worker_ctx *w, uint32_t id, uint8_t *expiry)
{
	if (!(*expiry & SA_EXPIRY_HARD) &&
	    rte_ring_mp_enqueue(w->ipsec->events,
				(void *)ipsec_event_word(id, IPSEC_EV_HARD)) == 0)
		*expiry |= SA_EXPIRY_HARD;
}

static inline bool is_local(const struct gw *gw, uint32_t dst)
{
	unsigned int i;

	for (i = 0; i < gw->cls.n_local; i++)
		if (gw->cls.local_addr[i] == dst)
			return true;
	return false;
}

static inline bool is_local6(const struct gw *gw, const uint8_t dst[16])
{
	unsigned int i;

	for (i = 0; i < gw->cls.n_local6; i++)
		if (memcmp(gw->cls.local6[i], dst, 16) == 0)
			return true;
	return false;
}

static void count_rejects(struct worker_ctx *w, struct burst_sort *s, struct rte_mbuf *g[],
			  const uint8_t why[], uint16_t from, uint16_t k, uint64_t *sa_drops)
{
	uint16_t i;

	for (i = from; i < k; i++) {
		cnt_add(&w->stats->esp_drop[why[i]], 1);
		s->drop[s->n_drop++] = g[i];
	}
	*sa_drops += k - from;
}

static void expired(struct worker_ctx *w, struct burst_sort *s, struct rte_mbuf *g[],
		    uint16_t from, uint16_t k, uint64_t *sa_drops)
{
	uint16_t i;

	for (i = from; i < k; i++)
		drop(w, s, g[i], GW_DROP_SA_EXPIRED);
	*sa_drops += k - from;
}

/* ---- inbound -------------------------------------------------------------- */

/* As deliver_local() for IPv6: an ICMPv6 echo request right after the fixed
 * header (no extension headers) goes to the control lcore. */
static void deliver_local6(struct worker_ctx *w, struct burst_sort *s, struct rte_mbuf *m,
			   const struct rte_ipv6_hdr *ip)
{
	const uint8_t *icmp = (const uint8_t *)(ip + 1);

	if (ip->proto == IPPROTO_ICMPV6 && rte_be_to_cpu_16(ip->payload_len) >= 8 &&
	    rte_pktmbuf_data_len(m) >= ESP_L2_LEN + 40 + 8 &&
	    icmp[0] == 128 && icmp[1] == 0) {
		to_ctl(s, m, CTL_ICMP_ECHO, ESP_L2_LEN);
		return;
	}
	drop(w, s, m, GW_DROP_ESP_TO_LOCAL);
}

/* A decrypted packet for the gateway itself: through a tunnel (a ping to
 * the inside address) or in transport mode. The control lcore answers
 * echo requests, and its reply goes through the SPD like all it sends;
 * nothing else is served through tunnels yet. ESP checked the header. */
static void deliver_local(struct worker_ctx *w, struct burst_sort *s, struct rte_mbuf *m,
			  const struct rte_ipv4_hdr *ip)
{
	const uint16_t ihl = (uint16_t)((ip->version_ihl & 0xf) * 4);
	const uint8_t *icmp = (const uint8_t *)ip + ihl;

	if (ip->next_proto_id == IPPROTO_ICMP &&
	    rte_be_to_cpu_16(ip->total_length) >= ihl + 8 &&
	    rte_pktmbuf_data_len(m) >= ESP_L2_LEN + ihl + 8 &&
	    (ip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_OFFSET_MASK |
						     RTE_IPV4_HDR_MF_FLAG)) == 0 &&
	    icmp[0] == RTE_IP_ICMP_ECHO_REQUEST && icmp[1] == 0) {
		to_ctl(s, m, CTL_ICMP_ECHO, ESP_L2_LEN);
		return;
	}
	drop(w, s, m, GW_DROP_ESP_TO_LOCAL);
}

/* The ESP code moved an SA's peer binding (an authenticated packet came
 * from a new address or port): its out SA follows, and the control lcore
 * logs it. The in SA's owner is the only writer of the out SA's peer;
 * its owner reads it with an acquire load per packet. */
static void rebound(struct worker_ctx *w, const struct sa_inb *sa)
{
	struct sa_outb *out = NULL;
	uint64_t peer = __atomic_load_n(&sa->peer, __ATOMIC_RELAXED);

	if (sa->partner_out != SA_NO_PARTNER)
		out = __atomic_load_n(&w->ipsec->out[sa->partner_out], __ATOMIC_ACQUIRE);
	if (out != NULL) {
		/* IPv6: the address first, then the word that publishes it; an
		 * out SA owned by another worker may read a torn address for
		 * the packets of that instant (rebinding is rare) */
		if (sa->flags & SA_F_OUTER_V6)
			memcpy(out->peer6, sa->peer6, sizeof(out->peer6));
		__atomic_store_n(&out->peer, peer, __ATOMIC_RELEASE);
	}
	rte_ring_mp_enqueue(w->ipsec->events, (void *)ipsec_event_word(sa->id, IPSEC_EV_REBIND));
}

static void inbound_group(struct worker_ctx *w, struct burst_sort *s, struct sa_inb *sa,
			  struct rte_mbuf *g[], uint16_t off[], uint16_t k)
{
	const uint64_t peer_before = sa->peer;
	const bool natt6 = (sa->flags & (SA_F_NATT | SA_F_OUTER_V6)) ==
			   (SA_F_NATT | SA_F_OUTER_V6);
	uint8_t peer6_before[16];
	uint8_t why[ESPGW_MAX_BURST];
	uint16_t i, ok, room;
	bool used_up = false;

	if (unlikely(sa->owner != w->id)) {
		handoff(w, s, sa->owner, CTL_HANDOFF_ESP_IN, sa->id, g, off, k);
		return;
	}
	room = unlikely(sa->expiry & SA_EXPIRY_HARD) ? 0 :
		hard_room(&sa->life, &sa->cnt, g, off, k, true, sa->mode == SA_MODE_TRANSPORT);
	if (unlikely(room < k)) {
		expired(w, s, g, room, k, &sa->drops);
		used_up = true;
	}
	if (room == 0)
		goto out;
	if (natt6)   /* over IPv6 the address can move without the port */
		memcpy(peer6_before, sa->peer6, sizeof(peer6_before));
	ok = esp_inb_select(sa)(sa, w->eng, w->eng_ctx, g, off, room, why);
	cnt_add(&w->stats->esp_ok_in, ok);
	count_rejects(w, s, g, why, ok, room, &sa->drops);
	if (unlikely(sa->peer != peer_before ||
		     (natt6 && memcmp(sa->peer6, peer6_before, sizeof(peer6_before)) != 0)))
		rebound(w, sa);
	for (i = 0; i < ok; i++) {
		const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(
			g[i], const struct rte_ipv4_hdr *, ESP_L2_LEN);

		if ((ip->version_ihl >> 4) == 6) {
			const struct rte_ipv6_hdr *ip6 = (const struct rte_ipv6_hdr *)ip;

			if (unlikely(is_local6(w->gw, ip6->dst_addr)))
				deliver_local6(w, s, g[i], ip6);
			else
				to_fwd(s, g[i], ESP_L2_LEN, 0);
		} else if (unlikely(is_local(w->gw, rte_be_to_cpu_32(ip->dst_addr))))
			deliver_local(w, s, g[i], ip);
		else
			to_fwd(s, g[i], ESP_L2_LEN, 0);
	}
out:
	/* soft first: the control lcore hears of it before the SA goes */
	if (unlikely(has_lifetime(&sa->life)))
		lifetime_check(w, sa->id, &sa->life, &sa->cnt, &sa->expiry);
	if (unlikely(used_up))
		hard_reached(w, sa->id, &sa->expiry);
}

void worker_esp_inbound(struct worker_ctx *w, struct burst_sort *s,
			struct rte_mbuf *mb[], const uint16_t esp_off[], uint16_t n)
{
	uint32_t spi[ESPGW_MAX_BURST];
	void *sa[ESPGW_MAX_BURST];
	bool done[ESPGW_MAX_BURST] = { false };
	struct rte_mbuf *g[ESPGW_MAX_BURST];
	uint16_t goff[ESPGW_MAX_BURST];
	uint16_t i, k;

	if (unlikely(n == 0 || n > ESPGW_MAX_BURST))
		return;
	for (i = 0; i < n; i++) {
		rte_be32_t v;

		/* classify saw at least the SPI and sequence number */
		memcpy(&v, rte_pktmbuf_mtod_offset(mb[i], const uint8_t *, esp_off[i]), 4);
		spi[i] = rte_be_to_cpu_32(v);
	}
	sad_lookup_burst(w->sadc, spi, n, sa);
	for (i = 0; i < n; i++) {
		if (done[i])
			continue;
		if (unlikely(sa[i] == NULL)) {
			done[i] = true;
			drop(w, s, mb[i], GW_DROP_ESP_NO_SA);
			continue;
		}
		k = group_of(sa, i, n, done, mb, esp_off, g, goff);
		inbound_group(w, s, sa[i], g, goff, k);
	}
}

/* ---- outbound ------------------------------------------------------------- */

/* Largest inner packet that fits the path MTU once encapsulated: what an
 * ICMP "fragmentation needed" tells the sender (RFC 1191, RFC 4301 §8.2). */
static uint16_t inner_mtu(const struct sa_outb *sa)
{
	uint32_t hdr = ESP_HDR_LEN + ESP_IV_LEN + ESP_ICV_LEN +
		(sa->mode != SA_MODE_TUNNEL ? 0 :
		 (sa->flags & SA_F_OUTER_V6) ? TUNNEL_IP6_LEN : TUNNEL_IP_LEN) +
		((sa->flags & SA_F_NATT) ? NATT_UDP_LEN : 0);
	uint32_t room;

	if (sa->path_mtu <= hdr + ESP_TRAILER_LEN + 68)
		return 68;      /* RFC 791: every link carries 68 */
	/* the ESP payload is padded to 4 bytes and ends with 2 trailer bytes */
	room = ((sa->path_mtu - hdr) & ~3u) - ESP_TRAILER_LEN;
	return (uint16_t)room;
}

/* Per packet before encryption: TTL (a forwarded inner packet, RFC 4301
 * §5.1.2; not the gateway's own, RFC 1812 §4.2.2.9), DF against the path
 * MTU. Survivors stay in g[], in order. */
static uint16_t outbound_checks(struct worker_ctx *w, struct burst_sort *s,
				const struct sa_outb *sa, struct rte_mbuf *g[], uint16_t k,
				bool own)
{
	const uint16_t mtu_in = inner_mtu(sa);
	uint16_t i, n = 0;

	for (i = 0; i < k; i++) {
		struct rte_mbuf *m = g[i];
		struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *,
								  ESP_L2_LEN);

		if ((ip->version_ihl >> 4) == 6) {
			struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)ip;

			if (unlikely(ip6->hop_limits <= 1) && !own) {
				to_ctl(s, m, CTL_TTL_EXCEEDED, ESP_L2_LEN);
				continue;
			}
			/* IPv6 is never fragmented on the way (RFC 8200 §5) */
			if (unlikely(rte_be_to_cpu_16(ip6->payload_len) + 40u > mtu_in)) {
				ctl_meta(m)->mtu = mtu_in;
				to_ctl(s, m, CTL_MTU_EXCEEDED, ESP_L2_LEN);
				continue;
			}
			if (!own)
				ip6->hop_limits--;
			g[n++] = m;
			continue;
		}
		if (unlikely(ip->time_to_live <= 1) && !own) {
			to_ctl(s, m, CTL_TTL_EXCEEDED, ESP_L2_LEN);
			continue;
		}
		if (unlikely(rte_be_to_cpu_16(ip->total_length) > mtu_in) &&
		    (ip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG))) {
			ctl_meta(m)->mtu = mtu_in;
			to_ctl(s, m, CTL_MTU_EXCEEDED, ESP_L2_LEN);
			continue;
		}
		/* too big without DF: encrypted whole, the ESP packet is
		 * fragmented on the way out (forwarding's MTU check) */
		if (!own)
			pkt_ipv4_ttl_decrement(ip);
		g[n++] = m;
	}
	return n;
}

static void outbound_group(struct worker_ctx *w, struct burst_sort *s, struct sa_outb *sa,
			   struct rte_mbuf *g[], uint16_t off[], uint16_t k, bool own)
{
	uint8_t why[ESPGW_MAX_BURST];
	uint16_t i, ok, room;
	bool used_up = false;

	if (unlikely(sa->owner != w->id)) {
		handoff(w, s, sa->owner, CTL_HANDOFF_ESP_OUT, sa->id, g, off, k);
		return;
	}
	room = unlikely(sa->expiry & SA_EXPIRY_HARD) ? 0 :
		hard_room(&sa->life, &sa->cnt, g, off, k, false, false);
	if (unlikely(room < k)) {
		expired(w, s, g, room, k, &sa->drops);
		used_up = true;
	}
	room = outbound_checks(w, s, sa, g, room, own);
	if (room == 0)
		goto out;
	ok = esp_outb_select(sa)(sa, w->eng, w->eng_ctx, g, room, why);
	cnt_add(&w->stats->esp_ok_out, ok);
	count_rejects(w, s, g, why, ok, room, &sa->drops);
	if (sa->mode == SA_MODE_TUNNEL) {
		worker_forward_same_dst(w, s, g, ok);
	} else {
		for (i = 0; i < ok; i++)
			to_fwd(s, g[i], ESP_L2_LEN, 1);
	}
out:
	if (unlikely(has_lifetime(&sa->life)))
		lifetime_check(w, sa->id, &sa->life, &sa->cnt, &sa->expiry);
	if (unlikely(used_up))
		hard_reached(w, sa->id, &sa->expiry);
}

/* Group packets by SA and encrypt; sa[i] NULL entries were handled. own:
 * the gateway's packets, not forwarded ones. */
static void outbound_by_sa(struct worker_ctx *w, struct burst_sort *s, void *sa[],
			   struct rte_mbuf *mb[], const uint16_t l3[], uint16_t n, bool own)
{
	bool done[ESPGW_MAX_BURST] = { false };
	struct rte_mbuf *g[ESPGW_MAX_BURST];
	uint16_t goff[ESPGW_MAX_BURST];
	uint16_t i, k;

	for (i = 0; i < n; i++) {
		if (done[i])
			continue;
		k = group_of(sa, i, n, done, mb, l3, g, goff);
		outbound_group(w, s, sa[i], g, goff, k, own);
	}
}

void worker_esp_outbound(struct worker_ctx *w, struct burst_sort *s,
			 struct rte_mbuf *mb[], const uint16_t l3_off[], uint16_t n)
{
	const struct ipsec *ip = w->ipsec;
	uint32_t res[ESPGW_MAX_BURST];
	void *sa[ESPGW_MAX_BURST];
	struct rte_mbuf *p[ESPGW_MAX_BURST];
	uint16_t pl3[ESPGW_MAX_BURST];
	uint16_t i, np = 0;

	spd_lookup_burst(ip->spd, mb, l3_off, n, res);
	for (i = 0; i < n; i++) {
		switch (spd_action(res[i])) {
		case SPD_BYPASS:
			to_fwd(s, mb[i], l3_off[i], 0);
			break;
		case SPD_PROTECT:
			sa[np] = __atomic_load_n(&ip->out[spd_sa(res[i])], __ATOMIC_ACQUIRE);
			if (unlikely(sa[np] == NULL || l3_off[i] != ESP_L2_LEN)) {
				drop(w, s, mb[i], GW_DROP_SPD_NO_SA);
				break;
			}
			pl3[np] = l3_off[i];
			p[np++] = mb[i];
			break;
		default:
			drop(w, s, mb[i], GW_DROP_SPD_DISCARD);
			break;
		}
	}
	if (np > 0)
		outbound_by_sa(w, s, sa, p, pl3, np, false);
}

void worker_esp_local_out(struct worker_ctx *w, struct burst_sort *s,
			  struct rte_mbuf *mb[], uint16_t n)
{
	const struct ipsec *ip = w->ipsec;
	uint32_t res[ESPGW_MAX_BURST];
	uint16_t l3[ESPGW_MAX_BURST];
	void *sa[ESPGW_MAX_BURST];
	struct rte_mbuf *p[ESPGW_MAX_BURST];
	uint16_t i, np = 0;

	if (unlikely(n == 0 || n > ESPGW_MAX_BURST))
		return;
	for (i = 0; i < n; i++)
		l3[i] = ESP_L2_LEN;
	spd_lookup_burst(ip->spd, mb, l3, n, res);
	for (i = 0; i < n; i++) {
		if (spd_action(res[i]) == SPD_PROTECT) {
			sa[np] = __atomic_load_n(&ip->out[spd_sa(res[i])], __ATOMIC_ACQUIRE);
			if (sa[np] != NULL) {
				p[np++] = mb[i];
				continue;
			}
		}
		/* no protect policy: the gateway's own traffic (ICMP errors,
		 * later IKE) leaves in the clear; the default discard is for
		 * what the protected network sends */
		to_fwd(s, mb[i], ESP_L2_LEN, 1);
	}
	if (np > 0)
		outbound_by_sa(w, s, sa, p, l3, np, true);
}

void worker_esp_plain_inbound(struct worker_ctx *w, struct burst_sort *s,
			      struct rte_mbuf *mb[], const uint16_t l3_off[], uint16_t n)
{
	uint32_t res[ESPGW_MAX_BURST];
	uint16_t i;

	spd_lookup_burst(w->ipsec->spd_in, mb, l3_off, n, res);
	for (i = 0; i < n; i++) {
		switch (spd_action(res[i])) {
		case SPD_BYPASS:
			to_fwd(s, mb[i], l3_off[i], 0);
			break;
		case SPD_PROTECT:
			/* e.g. spoofed from a tunnel's address range */
			drop(w, s, mb[i], GW_DROP_SPD_UNPROTECTED);
			break;
		default:
			drop(w, s, mb[i], GW_DROP_SPD_DISCARD);
			break;
		}
	}
}

/* ---- hand-off: packets of SAs this worker owns, from other workers -------- */

void worker_esp_handoff_poll(struct worker_ctx *w, struct burst_sort *s)
{
	struct rte_mbuf *mb[ESPGW_MAX_BURST];
	struct rte_mbuf *in[ESPGW_MAX_BURST], *out[ESPGW_MAX_BURST];
	uint16_t in_off[ESPGW_MAX_BURST], out_l3[ESPGW_MAX_BURST];
	void *sa[ESPGW_MAX_BURST];
	uint16_t i, n, n_in = 0, n_out = 0;

	n = (uint16_t)rte_ring_sc_dequeue_burst(w->handoff, (void **)mb, ESPGW_MAX_BURST,
						NULL);
	for (i = 0; i < n; i++) {
		const struct ctl_meta *md = ctl_meta(mb[i]);

		if (md->reason == CTL_HANDOFF_ESP_IN) {
			in_off[n_in] = md->esp_off;
			in[n_in++] = mb[i];
			continue;
		}
		/* the SA may have gone since the other worker saw it */
		sa[n_out] = md->sa_id < IPSEC_SA_MAX ?
			__atomic_load_n(&w->ipsec->out[md->sa_id], __ATOMIC_ACQUIRE) : NULL;
		if (sa[n_out] == NULL) {
			drop(w, s, mb[i], GW_DROP_SPD_NO_SA);
			continue;
		}
		out_l3[n_out] = md->l3_off;
		out[n_out++] = mb[i];
	}
	if (n_in > 0)
		worker_esp_inbound(w, s, in, in_off, n_in);
	if (n_out > 0)
		outbound_by_sa(w, s, sa, out, out_l3, n_out, false);
	worker_burst_finish(w, s);
}
