/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SA telemetry: /espgw/sa/list and /espgw/sa/info,SPI (or ,NAME). Runs on
 * the telemetry thread and reads the SA records under ipsec.lock, so an SA
 * cannot be removed while it is being described. Never a key, salt or key
 * schedule: only what identifies an SA and what it did.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_telemetry.h>

#include "gw.h"
#include "ipsec.h"
#include "telemetry_priv.h"

static const char *mode_name(uint8_t mode)
{
	return mode == SA_MODE_TRANSPORT ? "transport" : "tunnel";
}

static const char *aead_name(enum aead_alg a)
{
	return a == AEAD_AES_GCM_256 ? "aes-gcm-256" : "aes-gcm-128";
}

static void add_addr(struct rte_tel_data *d, const char *key, uint32_t a)
{
	char buf[INET_ADDRSTRLEN];

	rte_tel_data_add_dict_string(d, key, tel_ipv4_str(a, buf, sizeof(buf)));
}

static void add_prefix(struct rte_tel_data *d, const char *key, uint32_t a, uint32_t mask)
{
	char buf[INET_ADDRSTRLEN], out[INET_ADDRSTRLEN + 4];

	snprintf(out, sizeof(out), "%s/%d", tel_ipv4_str(a, buf, sizeof(buf)),
		 mask == 0 ? 0 : 32 - __builtin_ctz(mask));
	rte_tel_data_add_dict_string(d, key, out);
}

static void add_prefix6(struct rte_tel_data *d, const char *key, const uint8_t a[16],
			uint8_t len)
{
	char buf[INET6_ADDRSTRLEN], out[INET6_ADDRSTRLEN + 5];

	snprintf(out, sizeof(out), "%s/%u", inet_ntop(AF_INET6, a, buf, sizeof(buf)), len);
	rte_tel_data_add_dict_string(d, key, out);
}

static void add_common(struct rte_tel_data *d, const struct ipsec_sa_rec *r,
		       uint8_t mode, uint8_t flags, const struct aead_key *k,
		       uint16_t owner, uint32_t local, const uint64_t *peerp,
		       const uint8_t *local6, const uint8_t *peer6)
{
	char a6[INET6_ADDRSTRLEN];
	/* the binding moves with NAT rebinding: read it once */
	uint64_t peer = __atomic_load_n(peerp, __ATOMIC_RELAXED);
	char spi[16];

	snprintf(spi, sizeof(spi), "0x%08" PRIx32, r->spi);
	rte_tel_data_add_dict_string(d, "name", r->name);
	rte_tel_data_add_dict_string(d, "direction", r->inbound ? "in" : "out");
	rte_tel_data_add_dict_string(d, "spi", spi);
	rte_tel_data_add_dict_string(d, "mode", mode_name(mode));
	rte_tel_data_add_dict_string(d, "aead", aead_name(k->alg));
	rte_tel_data_add_dict_int(d, "esn", (flags & SA_F_ESN) != 0);
	rte_tel_data_add_dict_int(d, "nat_t", (flags & SA_F_NATT) != 0);
	if (flags & SA_F_OUTER_V6) {
		/* peer6 moves with rebinding too; telemetry may catch it half
		 * written (sa.h), which is cosmetic */
		rte_tel_data_add_dict_string(d, "local", inet_ntop(AF_INET6, local6, a6, sizeof(a6)));
		rte_tel_data_add_dict_string(d, "peer", inet_ntop(AF_INET6, peer6, a6, sizeof(a6)));
	} else {
		add_addr(d, "local", local);
		add_addr(d, "peer", sa_peer_addr(peer));
	}
	if (flags & SA_F_NATT)
		rte_tel_data_add_dict_int(d, "peer_port", sa_peer_port(peer));
	rte_tel_data_add_dict_int(d, "worker", owner);
}

static void add_life(struct rte_tel_data *d, const struct sa_lifetime *l,
		     const struct sa_counters *c, const uint64_t *drops,
		     const uint8_t *expiryp)
{
	uint8_t expiry = __atomic_load_n(expiryp, __ATOMIC_RELAXED);

	rte_tel_data_add_dict_u64(d, "packets", cnt_read(&c->packets));
	rte_tel_data_add_dict_u64(d, "bytes", cnt_read(&c->bytes));
	rte_tel_data_add_dict_u64(d, "drops", cnt_read(drops));
	rte_tel_data_add_dict_u64(d, "soft_packets", l->soft_packets);
	rte_tel_data_add_dict_u64(d, "hard_packets", l->hard_packets);
	rte_tel_data_add_dict_u64(d, "soft_bytes", l->soft_bytes);
	rte_tel_data_add_dict_u64(d, "hard_bytes", l->hard_bytes);
	rte_tel_data_add_dict_string(d, "state",
				     expiry & SA_EXPIRY_HARD ? "hard_expired" :
				     expiry & SA_EXPIRY_SOFT ? "soft_expired" : "active");
}

static void describe(struct rte_tel_data *d, const struct ipsec_sa_rec *r)
{
	rte_tel_data_start_dict(d);
	if (r->inbound) {
		const struct sa_inb *sa = r->rt;

		add_common(d, r, sa->mode, sa->flags, &sa->key, sa->owner, sa->local,
			   &sa->peer, sa->local6, sa->peer6);
		if (sa->sel_families == 0 || (sa->sel_families & SA_SEL_V4)) {
			add_prefix(d, "selector_src", sa->sel.src, sa->sel.src_mask);
			add_prefix(d, "selector_dst", sa->sel.dst, sa->sel.dst_mask);
		}
		if (sa->sel_families & SA_SEL_V6) {
			add_prefix6(d, "selector6_src", sa->sel6.src, sa->sel6.src_len);
			add_prefix6(d, "selector6_dst", sa->sel6.dst, sa->sel6.dst_len);
		}
		if (sa->flags & SA_F_NATT)
			rte_tel_data_add_dict_u64(d, "keepalive_age_ms",
						  r->keepalive_ms == 0 ? 0 :
						  gw_now_ms() - __atomic_load_n(&r->keepalive_ms,
									__ATOMIC_RELAXED));
		rte_tel_data_add_dict_u64(d, "replay_window", sa->rw.size);
		rte_tel_data_add_dict_u64(d, "replay_top", cnt_read(&sa->rw.top));
		add_life(d, &sa->life, &sa->cnt, &sa->drops, &sa->expiry);
	} else {
		const struct sa_outb *sa = r->rt;

		add_common(d, r, sa->mode, sa->flags, &sa->key, sa->owner, sa->local,
			   &sa->peer, sa->local6, sa->peer6);
		rte_tel_data_add_dict_u64(d, "seq", cnt_read(&sa->seq));
		rte_tel_data_add_dict_int(d, "path_mtu", sa->path_mtu);
		add_life(d, &sa->life, &sa->cnt, &sa->drops, &sa->expiry);
	}
}

/* /espgw/sa/list: {"in": ["0x00001001", ...], "out": [...]}; SPIs as hex
 * strings, the way operators and strongSwan write them. */
static int cmd_sa_list(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct ipsec *ip = tel_gw->ipsec;
	struct rte_tel_data *dir[2];
	char spi[16];
	unsigned int i, k;

	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	for (k = 0; k < 2; k++) {
		dir[k] = rte_tel_data_alloc();
		if (dir[k] == NULL)
			return -ENOMEM;
		rte_tel_data_start_array(dir[k], RTE_TEL_STRING_VAL);
	}
	rte_spinlock_lock(&ip->lock);
	for (i = 0; i < IPSEC_SA_MAX; i++) {
		const struct ipsec_sa_rec *r = &ip->recs[i];

		if (!r->used)
			continue;
		snprintf(spi, sizeof(spi), "0x%08" PRIx32, r->spi);
		rte_tel_data_add_array_string(dir[r->inbound ? 0 : 1], spi);
	}
	rte_spinlock_unlock(&ip->lock);
	rte_tel_data_add_dict_container(d, "in", dir[0], 0);
	rte_tel_data_add_dict_container(d, "out", dir[1], 0);
	return 0;
}

/* Find by SPI (decimal or 0x-hex) or by name. */
static int find(struct ipsec *ip, const char *params, uint32_t ids[2])
{
	char *end;
	unsigned long v;
	uint32_t i;

	errno = 0;
	v = strtoul(params, &end, 0);
	if (errno == 0 && *end == '\0' && end != params && v <= UINT32_MAX)
		return ipsec_find_spi(ip, (uint32_t)v, ids);
	for (i = 0; i < IPSEC_SA_MAX; i++)
		if (ip->recs[i].used && strcmp(ip->recs[i].name, params) == 0) {
			ids[0] = i;
			return 1;
		}
	return 0;
}

/* /espgw/sa/info,SPI: {"in": {...}, "out": {...}} with the direction(s)
 * that SPI exists in (our inbound SPIs are unique; an outbound one is the
 * peer's choice and may equal one of ours). /espgw/sa/info,NAME: one SA. */
static int cmd_sa_info(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct ipsec *ip = tel_gw->ipsec;
	uint32_t ids[2];
	int i, n;

	(void)cmd;
	if (params == NULL || *params == '\0')
		return -EINVAL;
	rte_tel_data_start_dict(d);
	rte_spinlock_lock(&ip->lock);
	n = find(ip, params, ids);
	for (i = 0; i < n; i++) {
		const struct ipsec_sa_rec *r = &ip->recs[ids[i]];
		struct rte_tel_data *c = rte_tel_data_alloc();

		if (c == NULL)
			break;
		describe(c, r);
		rte_tel_data_add_dict_container(d, r->inbound ? "in" : "out", c, 0);
	}
	rte_spinlock_unlock(&ip->lock);
	return n > 0 ? 0 : -ENOENT;
}

int telemetry_sa_register(void)
{
	int rc = rte_telemetry_register_cmd("/espgw/sa/list", cmd_sa_list,
					    "SPIs of the installed SAs, by direction");

	if (rc == 0)
		rc = rte_telemetry_register_cmd("/espgw/sa/info", cmd_sa_info,
						"One SA by SPI or name: addresses, counters, "
						"lifetimes, state (never keys). Param: SPI or name");
	return rc;
}
