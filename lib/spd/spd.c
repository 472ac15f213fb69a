/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Outbound SPD over rte_acl: the builder and spd_build() run on the control
 * lcore, spd_lookup_burst() on workers. See spd.h for the RCU contract.
 */
#include <assert.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_acl.h>
#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_errno.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "lib/spd/spd.h"
#include "lib/util/util.h"

/*
 * What rte_acl classifies: the 5-tuple in network byte order, as in the
 * packet. rte_acl wants a 1-byte first field and the others grouped into
 * 4-byte input words (both ports share one); it loads whole 4-byte words,
 * so the padding after proto keeps every load inside the struct.
 */
struct spd_tuple {
	uint8_t proto;
	uint8_t pad[3];
	uint32_t src;
	uint32_t dst;
	uint16_t sport;
	uint16_t dport;
} __rte_packed;

static_assert(sizeof(struct spd_tuple) == 16, "spd_tuple layout");

enum spd_field {
	F_PROTO,
	F_SRC,
	F_DST,
	F_SPORT,
	F_DPORT,
	F_NUM,
};

RTE_ACL_RULE_DEF(spd_acl_rule, F_NUM);

static const struct rte_acl_field_def spd_defs[F_NUM] = {
	[F_PROTO] = { .type = RTE_ACL_FIELD_TYPE_BITMASK, .size = sizeof(uint8_t),
		      .field_index = F_PROTO, .input_index = 0,
		      .offset = offsetof(struct spd_tuple, proto) },
	[F_SRC] = { .type = RTE_ACL_FIELD_TYPE_MASK, .size = sizeof(uint32_t),
		    .field_index = F_SRC, .input_index = 1,
		    .offset = offsetof(struct spd_tuple, src) },
	[F_DST] = { .type = RTE_ACL_FIELD_TYPE_MASK, .size = sizeof(uint32_t),
		    .field_index = F_DST, .input_index = 2,
		    .offset = offsetof(struct spd_tuple, dst) },
	[F_SPORT] = { .type = RTE_ACL_FIELD_TYPE_RANGE, .size = sizeof(uint16_t),
		      .field_index = F_SPORT, .input_index = 3,
		      .offset = offsetof(struct spd_tuple, sport) },
	[F_DPORT] = { .type = RTE_ACL_FIELD_TYPE_RANGE, .size = sizeof(uint16_t),
		      .field_index = F_DPORT, .input_index = 3,
		      .offset = offsetof(struct spd_tuple, dport) },
};

struct spd_builder {
	struct spd_rule *rules;
	unsigned int n;
	unsigned int cap;
	uint32_t def;           /* packed result when nothing matches */
};

struct spd {
	struct rte_acl_ctx *acl;  /* NULL when there are no rules */
	uint32_t def;
	unsigned int n;
};

/* ---- control ------------------------------------------------------------- */

static bool action_ok(enum spd_action a, uint32_t sa)
{
	return (a == SPD_PROTECT || a == SPD_BYPASS || a == SPD_DISCARD) &&
		sa <= SPD_SA_MAX;
}

struct spd_builder *spd_builder_create(void)
{
	struct spd_builder *b = calloc(1, sizeof(*b));

	if (b == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	/* RFC 4301 §5.1: deny what no policy allows. */
	b->def = spd_result(SPD_DISCARD, 0);
	return b;
}

void spd_builder_free(struct spd_builder *b)
{
	if (b == NULL)
		return;
	free(b->rules);
	free(b);
}

int spd_builder_set_default(struct spd_builder *b, enum spd_action a, uint32_t sa)
{
	if (!action_ok(a, sa))
		return -EINVAL;
	b->def = spd_result(a, a == SPD_PROTECT ? sa : 0);
	return 0;
}

static bool ports_any(const struct spd_rule *r)
{
	return r->sport_lo == 0 && r->sport_hi == UINT16_MAX &&
		r->dport_lo == 0 && r->dport_hi == UINT16_MAX;
}

int spd_builder_add(struct spd_builder *b, const struct spd_rule *r)
{
	if (r->src_len > 32 || r->dst_len > 32 || r->proto > SPD_PROTO_ANY ||
	    r->sport_lo > r->sport_hi || r->dport_lo > r->dport_hi ||
	    !action_ok(r->action, r->sa))
		return -EINVAL;
	/* Ports exist only in TCP and UDP headers (RFC 4301 §4.4.1.1). */
	if (!ports_any(r) && r->proto != IPPROTO_TCP && r->proto != IPPROTO_UDP)
		return -EINVAL;
	if (b->n >= SPD_RULES_MAX)
		return -ENOSPC;
	if (b->n == b->cap) {
		unsigned int cap = b->cap != 0 ? b->cap * 2 : 16;
		struct spd_rule *p = realloc(b->rules, cap * sizeof(*p));

		if (p == NULL)
			return -ENOMEM;
		b->rules = p;
		b->cap = cap;
	}
	b->rules[b->n++] = *r;
	return 0;
}

unsigned int spd_builder_count(const struct spd_builder *b)
{
	return b->n;
}

/* Order by priority, then by order of addition (first added first). */
static int rank_cmp(const void *pa, const void *pb, void *arg)
{
	const struct spd_rule *rules = arg;
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;

	if (rules[a].priority != rules[b].priority)
		return rules[a].priority < rules[b].priority ? -1 : 1;
	return a < b ? -1 : a > b;
}

static uint32_t prefix_mask(uint8_t len)
{
	return len == 0 ? 0 : UINT32_MAX << (32 - len);
}

static void acl_rule_fill(struct spd_acl_rule *ar, const struct spd_rule *r,
			  int32_t acl_prio)
{
	memset(ar, 0, sizeof(*ar));
	ar->data.category_mask = 1;
	ar->data.priority = acl_prio;
	/* Never 0: rte_acl reports "no match" as userdata 0. */
	ar->data.userdata = spd_result(r->action,
				       r->action == SPD_PROTECT ? r->sa : 0);
	/* Rule values are host order; rte_acl compares them with the
	 * network-order input itself. */
	if (r->proto != SPD_PROTO_ANY) {
		ar->field[F_PROTO].value.u8 = (uint8_t)r->proto;
		ar->field[F_PROTO].mask_range.u8 = UINT8_MAX;
	}
	ar->field[F_SRC].value.u32 = r->src & prefix_mask(r->src_len);
	ar->field[F_SRC].mask_range.u32 = r->src_len;
	ar->field[F_DST].value.u32 = r->dst & prefix_mask(r->dst_len);
	ar->field[F_DST].mask_range.u32 = r->dst_len;
	ar->field[F_SPORT].value.u16 = r->sport_lo;
	ar->field[F_SPORT].mask_range.u16 = r->sport_hi;
	ar->field[F_DPORT].value.u16 = r->dport_lo;
	ar->field[F_DPORT].mask_range.u16 = r->dport_hi;
}

struct spd *spd_build(const struct spd_builder *b, int socket)
{
	struct rte_acl_config cfg = { .num_categories = 1, .num_fields = F_NUM };
	struct spd_acl_rule ar;
	struct rte_acl_param prm;
	char name[RTE_ACL_NAMESIZE];
	uint32_t *order = NULL;
	struct spd *s;
	unsigned int i;
	int rc = 0;

	s = rte_zmalloc_socket("spd", sizeof(*s), RTE_CACHE_LINE_SIZE, socket);
	if (s == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	s->def = b->def;
	s->n = b->n;
	if (b->n == 0)
		return s;       /* rte_acl refuses to build an empty context */

	order = malloc(b->n * sizeof(*order));
	if (order == NULL) {
		rc = ENOMEM;
		goto fail;
	}
	for (i = 0; i < b->n; i++)
		order[i] = i;
	qsort_r(order, b->n, sizeof(*order), rank_cmp, b->rules);

	/* rte_acl names must be unique among live contexts; s is. */
	snprintf(name, sizeof(name), "spd_%p", (void *)s);
	prm = (struct rte_acl_param){
		.name = name,
		.socket_id = socket,
		.rule_size = RTE_ACL_RULE_SZ(F_NUM),
		.max_rule_num = b->n,
	};
	s->acl = rte_acl_create(&prm);
	if (s->acl == NULL) {
		rc = rte_errno;
		goto fail;
	}
	/*
	 * rte_acl picks the highest priority; for equal ones its documentation
	 * says nothing, and the code decides by layout: results of different
	 * tries merge with "saved <= new" (the trie finishing last wins),
	 * within a trie the build merge keeps one. Not the order of addition,
	 * so rank i in (priority, insertion) order gets MAX - i: all distinct,
	 * and the first added of equal-priority rules wins (RFC 4301 §4.4.1:
	 * the SPD is ordered, the first match applies).
	 */
	for (i = 0; i < b->n; i++) {
		acl_rule_fill(&ar, &b->rules[order[i]],
			      (int32_t)(RTE_ACL_MAX_PRIORITY - i));
		rc = -rte_acl_add_rules(s->acl, (const struct rte_acl_rule *)&ar, 1);
		if (rc != 0)
			goto fail;
	}
	memcpy(cfg.defs, spd_defs, sizeof(spd_defs));
	rc = -rte_acl_build(s->acl, &cfg);
	if (rc != 0)
		goto fail;
	free(order);
	return s;
fail:
	free(order);
	spd_free(s);
	rte_errno = rc;
	return NULL;
}

void spd_free(struct spd *s)
{
	if (s == NULL)
		return;
	rte_acl_free(s->acl);
	rte_free(s);
}

unsigned int spd_count(const struct spd *s)
{
	return s->n;
}

/* ---- workers ------------------------------------------------------------- */

/*
 * Fill t from the IPv4 header at off; false when the packet cannot be
 * classified. Reads through rte_pktmbuf_read, so headers split over
 * segments are fine, and bounds come from the mbuf, not from total_length.
 */
static inline bool tuple_load(const struct rte_mbuf *m, uint32_t off,
			      struct spd_tuple *t)
{
	struct rte_ipv4_hdr ipb;
	const struct rte_ipv4_hdr *ip;
	uint32_t ports, ihl;
	const uint32_t *pp;

	ip = rte_pktmbuf_read(m, off, sizeof(*ip), &ipb);
	if (unlikely(ip == NULL || (ip->version_ihl >> 4) != 4))
		return false;
	ihl = (uint32_t)(ip->version_ihl & RTE_IPV4_HDR_IHL_MASK) * 4;
	if (unlikely(ihl < sizeof(*ip) || off + ihl > m->pkt_len))
		return false;
	t->proto = ip->next_proto_id;
	t->src = ip->src_addr;
	t->dst = ip->dst_addr;
	t->sport = 0;
	t->dport = 0;
	/* Non-first fragments carry no ports (RFC 4301 §4.4.1: OPAQUE). */
	if ((ip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_OFFSET_MASK)) != 0 ||
	    (t->proto != IPPROTO_TCP && t->proto != IPPROTO_UDP))
		return true;
	pp = rte_pktmbuf_read(m, off + ihl, sizeof(ports), &ports);
	if (unlikely(pp == NULL))
		return false;
	memcpy(&t->sport, pp, sizeof(uint16_t) * 2);   /* stays network order */
	return true;
}

static void lookup_chunk(const struct spd *s, struct rte_mbuf *mb[],
			 const uint16_t l3_off[], uint16_t n, uint32_t result[])
{
	struct spd_tuple t[ESPGW_MAX_BURST];
	const uint8_t *data[ESPGW_MAX_BURST];
	uint64_t bad = 0;
	uint16_t i;

	RTE_BUILD_BUG_ON(ESPGW_MAX_BURST > 64);
	for (i = 0; i < n; i++) {
		data[i] = (const uint8_t *)&t[i];
		if (unlikely(!tuple_load(mb[i], l3_off[i], &t[i]))) {
			bad |= UINT64_C(1) << i;
			memset(&t[i], 0, sizeof(t[i]));
		}
	}
	if (s->acl != NULL)
		rte_acl_classify(s->acl, data, result, n, 1);
	else
		memset(result, 0, n * sizeof(*result));
	for (i = 0; i < n; i++) {
		if (unlikely(bad & (UINT64_C(1) << i)))
			result[i] = spd_result(SPD_DISCARD, 0);
		else if (result[i] == 0)
			result[i] = s->def;
	}
}

void spd_lookup_burst(const struct spd *s, struct rte_mbuf *mb[],
		      const uint16_t l3_off[], uint16_t n, uint32_t result[])
{
	uint16_t i, k;

	for (i = 0; i < n; i += k) {
		k = RTE_MIN((uint16_t)(n - i), (uint16_t)ESPGW_MAX_BURST);
		lookup_chunk(s, mb + i, l3_off + i, k, result + i);
	}
}
