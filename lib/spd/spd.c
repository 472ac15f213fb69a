/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Outbound SPD over rte_acl, one context per IP family: the builder and
 * spd_build() run on the control lcore, spd_lookup_burst() on workers.
 * See spd.h for the RCU contract.
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
 * What rte_acl classifies for IPv4: the 5-tuple in network byte order, as
 * in the packet. rte_acl wants a 1-byte first field and the others grouped
 * into 4-byte input words (both ports share one); it loads whole 4-byte
 * words, so the padding after proto keeps every load inside the struct.
 */
struct spd_tuple4 {
	uint8_t proto;
	uint8_t pad[3];
	uint32_t src;
	uint32_t dst;
	uint16_t sport;
	uint16_t dport;
} __rte_packed;

static_assert(sizeof(struct spd_tuple4) == 16, "spd_tuple4 layout");

enum spd4_field {
	F4_PROTO,
	F4_SRC,
	F4_DST,
	F4_SPORT,
	F4_DPORT,
	F4_NUM,
};

RTE_ACL_RULE_DEF(spd4_acl_rule, F4_NUM);

static const struct rte_acl_field_def spd4_defs[F4_NUM] = {
	[F4_PROTO] = { .type = RTE_ACL_FIELD_TYPE_BITMASK, .size = sizeof(uint8_t),
		       .field_index = F4_PROTO, .input_index = 0,
		       .offset = offsetof(struct spd_tuple4, proto) },
	[F4_SRC] = { .type = RTE_ACL_FIELD_TYPE_MASK, .size = sizeof(uint32_t),
		     .field_index = F4_SRC, .input_index = 1,
		     .offset = offsetof(struct spd_tuple4, src) },
	[F4_DST] = { .type = RTE_ACL_FIELD_TYPE_MASK, .size = sizeof(uint32_t),
		     .field_index = F4_DST, .input_index = 2,
		     .offset = offsetof(struct spd_tuple4, dst) },
	[F4_SPORT] = { .type = RTE_ACL_FIELD_TYPE_RANGE, .size = sizeof(uint16_t),
		       .field_index = F4_SPORT, .input_index = 3,
		       .offset = offsetof(struct spd_tuple4, sport) },
	[F4_DPORT] = { .type = RTE_ACL_FIELD_TYPE_RANGE, .size = sizeof(uint16_t),
		       .field_index = F4_DPORT, .input_index = 3,
		       .offset = offsetof(struct spd_tuple4, dport) },
};

/*
 * The same for IPv6, laid out as in DPDK's ACL guide: each 128-bit address
 * as four 4-byte MASK fields (a /n prefix is then four masks of 32, ..., 0
 * bits, and the build drops words that are wild in every rule). `opaque` is
 * non-zero when the next header is an extension header, which is not
 * walked: rules with a specific protocol require it to be 0, so such a
 * packet never matches them whatever its next-header byte says. It has an
 * input word of its own, since rte_acl fields come in whole 4-byte words.
 */
struct spd_tuple6 {
	uint8_t proto;
	uint8_t pad[3];
	uint32_t src[4];
	uint32_t dst[4];
	uint16_t sport;
	uint16_t dport;
	uint32_t opaque;
} __rte_packed;

static_assert(sizeof(struct spd_tuple6) == 44, "spd_tuple6 layout");

enum spd6_field {
	F6_PROTO,
	F6_SRC,                         /* four words: F6_SRC .. F6_SRC + 3 */
	F6_DST = F6_SRC + 4,            /* four words */
	F6_SPORT = F6_DST + 4,
	F6_DPORT,
	F6_OPAQUE,
	F6_NUM,
};

RTE_ACL_RULE_DEF(spd6_acl_rule, F6_NUM);

#define ADDR6_DEF(f, member, w) \
	[(f) + (w)] = { .type = RTE_ACL_FIELD_TYPE_MASK, .size = sizeof(uint32_t), \
			.field_index = (f) + (w), .input_index = (f) + (w), \
			.offset = offsetof(struct spd_tuple6, member) + \
				  (w) * sizeof(uint32_t) }

/* Input words: 0 proto, 1..4 src, 5..8 dst, 9 ports, 10 opaque. */
static const struct rte_acl_field_def spd6_defs[F6_NUM] = {
	[F6_PROTO] = { .type = RTE_ACL_FIELD_TYPE_BITMASK, .size = sizeof(uint8_t),
		       .field_index = F6_PROTO, .input_index = 0,
		       .offset = offsetof(struct spd_tuple6, proto) },
	ADDR6_DEF(F6_SRC, src, 0), ADDR6_DEF(F6_SRC, src, 1),
	ADDR6_DEF(F6_SRC, src, 2), ADDR6_DEF(F6_SRC, src, 3),
	ADDR6_DEF(F6_DST, dst, 0), ADDR6_DEF(F6_DST, dst, 1),
	ADDR6_DEF(F6_DST, dst, 2), ADDR6_DEF(F6_DST, dst, 3),
	[F6_SPORT] = { .type = RTE_ACL_FIELD_TYPE_RANGE, .size = sizeof(uint16_t),
		       .field_index = F6_SPORT, .input_index = 9,
		       .offset = offsetof(struct spd_tuple6, sport) },
	[F6_DPORT] = { .type = RTE_ACL_FIELD_TYPE_RANGE, .size = sizeof(uint16_t),
		       .field_index = F6_DPORT, .input_index = 9,
		       .offset = offsetof(struct spd_tuple6, dport) },
	[F6_OPAQUE] = { .type = RTE_ACL_FIELD_TYPE_BITMASK, .size = sizeof(uint32_t),
			.field_index = F6_OPAQUE, .input_index = 10,
			.offset = offsetof(struct spd_tuple6, opaque) },
};

/*
 * IPv6 next-header values that are extension headers (IANA "IPv6 Extension
 * Header Types", RFC 8200 §4) and would have to be walked to find the
 * upper-layer protocol. ESP is in that registry too but nothing after it
 * is readable, so it is the protocol, as for IPv4.
 */
enum ipv6_ext_hdr {
	IPV6_EXT_HOPOPTS = 0,
	IPV6_EXT_ROUTING = 43,
	IPV6_EXT_FRAGMENT = 44,
	IPV6_EXT_AH = 51,
	IPV6_EXT_DSTOPTS = 60,
	IPV6_EXT_MOBILITY = 135,
	IPV6_EXT_HIP = 139,
	IPV6_EXT_SHIM6 = 140,
	IPV6_EXT_EXP1 = 253,            /* RFC 3692 experimentation */
	IPV6_EXT_EXP2 = 254,
};

enum {
	IPV6_HDR_LEN = 40,              /* fixed header, RFC 8200 §3 */
};

struct spd_builder {
	struct spd_rule *rules;
	unsigned int n;
	unsigned int cap;
	uint32_t def;           /* packed result when nothing matches */
};

struct spd {
	struct rte_acl_ctx *acl4;  /* NULL when there are no IPv4 rules */
	struct rte_acl_ctx *acl6;  /* NULL when there are no IPv6 rules */
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

static bool is_v6(const struct spd_rule *r)
{
	return r->family == SPD_FAMILY_IPV6;
}

int spd_builder_add(struct spd_builder *b, const struct spd_rule *r)
{
	unsigned int max_len;

	switch (r->family) {
	case 0:
	case SPD_FAMILY_IPV4:
		max_len = 32;
		break;
	case SPD_FAMILY_IPV6:
		max_len = 128;
		break;
	default:
		return -EINVAL;
	}
	if (r->src_len > max_len || r->dst_len > max_len || r->proto > SPD_PROTO_ANY ||
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

/* Never 0: rte_acl reports "no match" as userdata 0. */
static uint32_t rule_result(const struct spd_rule *r)
{
	return spd_result(r->action, r->action == SPD_PROTECT ? r->sa : 0);
}

static int acl4_add(struct rte_acl_ctx *acl, const struct spd_rule *r, int32_t acl_prio)
{
	struct spd4_acl_rule ar;

	memset(&ar, 0, sizeof(ar));
	ar.data.category_mask = 1;
	ar.data.priority = acl_prio;
	ar.data.userdata = rule_result(r);
	/* Rule values are host order; rte_acl compares them with the
	 * network-order input itself. */
	if (r->proto != SPD_PROTO_ANY) {
		ar.field[F4_PROTO].value.u8 = (uint8_t)r->proto;
		ar.field[F4_PROTO].mask_range.u8 = UINT8_MAX;
	}
	ar.field[F4_SRC].value.u32 = r->src & prefix_mask(r->src_len);
	ar.field[F4_SRC].mask_range.u32 = r->src_len;
	ar.field[F4_DST].value.u32 = r->dst & prefix_mask(r->dst_len);
	ar.field[F4_DST].mask_range.u32 = r->dst_len;
	ar.field[F4_SPORT].value.u16 = r->sport_lo;
	ar.field[F4_SPORT].mask_range.u16 = r->sport_hi;
	ar.field[F4_DPORT].value.u16 = r->dport_lo;
	ar.field[F4_DPORT].mask_range.u16 = r->dport_hi;
	return -rte_acl_add_rules(acl, (const struct rte_acl_rule *)&ar, 1);
}

/* One /len IPv6 prefix as four 32-bit words in host order, each a /0../32. */
static void addr6_fill(struct rte_acl_field f[4], const uint8_t a[16], uint8_t len)
{
	unsigned int w;

	for (w = 0; w < 4; w++) {
		unsigned int before = 32 * w;   /* prefix bits in earlier words */
		uint8_t wl = len <= before ? 0 : (uint8_t)RTE_MIN(len - before, 32u);
		uint32_t v = (uint32_t)a[4 * w] << 24 | (uint32_t)a[4 * w + 1] << 16 |
			     (uint32_t)a[4 * w + 2] << 8 | a[4 * w + 3];

		f[w].value.u32 = v & prefix_mask(wl);
		f[w].mask_range.u32 = wl;
	}
}

static int acl6_add(struct rte_acl_ctx *acl, const struct spd_rule *r, int32_t acl_prio)
{
	struct spd6_acl_rule ar;

	memset(&ar, 0, sizeof(ar));
	ar.data.category_mask = 1;
	ar.data.priority = acl_prio;
	ar.data.userdata = rule_result(r);
	if (r->proto != SPD_PROTO_ANY) {
		ar.field[F6_PROTO].value.u8 = (uint8_t)r->proto;
		ar.field[F6_PROTO].mask_range.u8 = UINT8_MAX;
		/* A known protocol: not behind an unwalked extension header. */
		ar.field[F6_OPAQUE].value.u32 = 0;
		ar.field[F6_OPAQUE].mask_range.u32 = UINT32_MAX;
	}
	addr6_fill(&ar.field[F6_SRC], r->src6, r->src_len);
	addr6_fill(&ar.field[F6_DST], r->dst6, r->dst_len);
	ar.field[F6_SPORT].value.u16 = r->sport_lo;
	ar.field[F6_SPORT].mask_range.u16 = r->sport_hi;
	ar.field[F6_DPORT].value.u16 = r->dport_lo;
	ar.field[F6_DPORT].mask_range.u16 = r->dport_hi;
	return -rte_acl_add_rules(acl, (const struct rte_acl_rule *)&ar, 1);
}

/*
 * Create the rte_acl context of one family for n rules in *acl, or leave it
 * NULL when n is 0 (rte_acl refuses to build an empty context). Returns 0
 * or a positive errno.
 */
static int acl_create(struct rte_acl_ctx **acl, const char *tag, const struct spd *s,
		      int socket, unsigned int n, unsigned int num_fields)
{
	char name[RTE_ACL_NAMESIZE];
	struct rte_acl_param prm;

	if (n == 0)
		return 0;
	/* rte_acl names must be unique among live contexts; s is. */
	snprintf(name, sizeof(name), "%s_%p", tag, (const void *)s);
	prm = (struct rte_acl_param){
		.name = name,
		.socket_id = socket,
		.rule_size = RTE_ACL_RULE_SZ(num_fields),
		.max_rule_num = n,
	};
	*acl = rte_acl_create(&prm);
	return *acl != NULL ? 0 : rte_errno;
}

static int acl_build(struct rte_acl_ctx *acl, const struct rte_acl_field_def *defs,
		     unsigned int num_fields)
{
	struct rte_acl_config cfg = { .num_categories = 1, .num_fields = num_fields };

	if (acl == NULL)
		return 0;
	memcpy(cfg.defs, defs, num_fields * sizeof(*defs));
	return -rte_acl_build(acl, &cfg);
}

struct spd *spd_build(const struct spd_builder *b, int socket)
{
	uint32_t *order = NULL;
	unsigned int i, n6 = 0;
	struct spd *s;
	int rc = 0;

	s = rte_zmalloc_socket("spd", sizeof(*s), RTE_CACHE_LINE_SIZE, socket);
	if (s == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	s->def = b->def;
	s->n = b->n;
	if (b->n == 0)
		return s;

	order = malloc(b->n * sizeof(*order));
	if (order == NULL) {
		rc = ENOMEM;
		goto fail;
	}
	for (i = 0; i < b->n; i++) {
		order[i] = i;
		n6 += is_v6(&b->rules[i]);
	}
	qsort_r(order, b->n, sizeof(*order), rank_cmp, b->rules);

	rc = acl_create(&s->acl4, "spd4", s, socket, b->n - n6, F4_NUM);
	if (rc == 0)
		rc = acl_create(&s->acl6, "spd6", s, socket, n6, F6_NUM);
	if (rc != 0)
		goto fail;
	/*
	 * rte_acl picks the highest priority; for equal ones its documentation
	 * says nothing, and the code decides by layout: results of different
	 * tries merge with "saved <= new" (the trie finishing last wins),
	 * within a trie the build merge keeps one. Not the order of addition,
	 * so rank i in (priority, insertion) order gets MAX - i: all distinct,
	 * and the first added of equal-priority rules wins (RFC 4301 §4.4.1:
	 * the SPD is ordered, the first match applies). The rank is taken over
	 * both families; each context sees a subsequence of it, which keeps
	 * the order within the family.
	 */
	for (i = 0; i < b->n && rc == 0; i++) {
		const struct spd_rule *r = &b->rules[order[i]];
		int32_t prio = (int32_t)(RTE_ACL_MAX_PRIORITY - i);

		rc = is_v6(r) ? acl6_add(s->acl6, r, prio) : acl4_add(s->acl4, r, prio);
	}
	if (rc == 0)
		rc = acl_build(s->acl4, spd4_defs, F4_NUM);
	if (rc == 0)
		rc = acl_build(s->acl6, spd6_defs, F6_NUM);
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
	rte_acl_free(s->acl4);
	rte_acl_free(s->acl6);
	rte_free(s);
}

unsigned int spd_count(const struct spd *s)
{
	return s->n;
}

/* ---- workers ------------------------------------------------------------- */

/* The IP version nibble at off, or 0 when the packet has no byte there. */
static inline uint8_t ip_version(const struct rte_mbuf *m, uint32_t off)
{
	const uint8_t *v;
	uint8_t vb;

	v = rte_pktmbuf_read(m, off, sizeof(vb), &vb);
	return v != NULL ? *v >> 4 : 0;
}

/*
 * Fill t from the IPv4 header at off; false when the packet cannot be
 * classified. Reads through rte_pktmbuf_read, so headers split over
 * segments are fine, and bounds come from the mbuf, not from total_length.
 */
static inline bool tuple4_load(const struct rte_mbuf *m, uint32_t off,
			       struct spd_tuple4 *t)
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

static inline bool ipv6_ext_hdr(uint8_t nh)
{
	switch (nh) {
	case IPV6_EXT_HOPOPTS:
	case IPV6_EXT_ROUTING:
	case IPV6_EXT_FRAGMENT:
	case IPV6_EXT_AH:
	case IPV6_EXT_DSTOPTS:
	case IPV6_EXT_MOBILITY:
	case IPV6_EXT_HIP:
	case IPV6_EXT_SHIM6:
	case IPV6_EXT_EXP1:
	case IPV6_EXT_EXP2:
		return true;
	default:
		return false;
	}
}

/*
 * Fill t from the IPv6 fixed header at off; false when the packet cannot
 * be classified. Copies through rte_pktmbuf_read like tuple4_load, so the
 * ACL input never points into the packet. Extension headers are not
 * walked (see spd_lookup_burst in spd.h).
 */
static inline bool tuple6_load(const struct rte_mbuf *m, uint32_t off,
			       struct spd_tuple6 *t)
{
	struct rte_ipv6_hdr ipb;
	const struct rte_ipv6_hdr *ip;
	uint32_t ports;
	const uint32_t *pp;

	RTE_BUILD_BUG_ON(sizeof(*ip) != IPV6_HDR_LEN);
	ip = rte_pktmbuf_read(m, off, sizeof(*ip), &ipb);
	if (unlikely(ip == NULL || (ip->vtc_flow & rte_cpu_to_be_32(0xf0000000)) !=
		     rte_cpu_to_be_32(0x60000000)))
		return false;
	t->proto = ip->proto;
	memcpy(t->src, ip->src_addr, sizeof(t->src));
	memcpy(t->dst, ip->dst_addr, sizeof(t->dst));
	t->sport = 0;
	t->dport = 0;
	t->opaque = 0;
	if (unlikely(ipv6_ext_hdr(t->proto))) {
		t->opaque = UINT32_MAX;     /* RFC 4301 §4.4.1.1: OPAQUE */
		return true;
	}
	if (t->proto != IPPROTO_TCP && t->proto != IPPROTO_UDP)
		return true;
	pp = rte_pktmbuf_read(m, off + IPV6_HDR_LEN, sizeof(ports), &ports);
	if (unlikely(pp == NULL))
		return false;
	memcpy(&t->sport, pp, sizeof(uint16_t) * 2);   /* stays network order */
	return true;
}

/* Classify the k gathered inputs of one family, scatter to result[idx[j]]. */
static inline void classify_scatter(const struct rte_acl_ctx *acl, const uint8_t *data[],
				    const uint16_t idx[], uint16_t k, uint32_t def,
				    uint32_t result[])
{
	uint32_t r[ESPGW_MAX_BURST];
	uint16_t j;

	if (k == 0)
		return;
	if (acl == NULL) {
		for (j = 0; j < k; j++)
			result[idx[j]] = def;
		return;
	}
	rte_acl_classify(acl, data, r, k, 1);
	for (j = 0; j < k; j++)
		result[idx[j]] = r[j] != 0 ? r[j] : def;
}

/*
 * Gather each family's tuples, one rte_acl_classify() per family, scatter
 * the results back in the original order. Packets that cannot be
 * classified keep the DISCARD written first.
 */
static void lookup_chunk(const struct spd *s, struct rte_mbuf *mb[],
			 const uint16_t l3_off[], uint16_t n, uint32_t result[])
{
	struct spd_tuple4 t4[ESPGW_MAX_BURST];
	struct spd_tuple6 t6[ESPGW_MAX_BURST];
	const uint8_t *d4[ESPGW_MAX_BURST], *d6[ESPGW_MAX_BURST];
	uint16_t i4[ESPGW_MAX_BURST], i6[ESPGW_MAX_BURST];
	uint16_t i, n4 = 0, n6 = 0;

	for (i = 0; i < n; i++) {
		result[i] = spd_result(SPD_DISCARD, 0);
		switch (ip_version(mb[i], l3_off[i])) {
		case 4:
			if (likely(tuple4_load(mb[i], l3_off[i], &t4[n4]))) {
				d4[n4] = (const uint8_t *)&t4[n4];
				i4[n4++] = i;
			}
			break;
		case 6:
			if (likely(tuple6_load(mb[i], l3_off[i], &t6[n6]))) {
				d6[n6] = (const uint8_t *)&t6[n6];
				i6[n6++] = i;
			}
			break;
		default:
			break;
		}
	}
	classify_scatter(s->acl4, d4, i4, n4, s->def, result);
	classify_scatter(s->acl6, d6, i6, n6, s->def, result);
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
