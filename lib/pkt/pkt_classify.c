/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Classification of received frames on the worker lcores: Ethernet, ARP,
 * IPv4, IPv6 and, for datagrams addressed to the gateway, ICMP/ICMPv6/UDP/
 * ESP. Every header is read through struct rd; the verdict and the offsets
 * go to struct pkt_info. No allocation, no logs, no locks: callers count
 * drops.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "lib/pkt/pkt_classify.h"
#include "lib/pkt/pkt_ipv6.h"
#include "lib/pkt/pkt_wire.h"
#include "lib/util/rd.h"

enum {
	PREFETCH_AHEAD = 4, /* packets whose first line is fetched ahead */
};

/*
 * The frame being classified: `len` bytes readable at `p` (the first
 * segment), `wire` bytes in all. Headers are read from `p` only; the IPv6
 * upper-layer checksums sum every segment of `m` (NULL: flat buffer).
 */
struct frame {
	const uint8_t *p;
	uint32_t len;
	uint32_t wire;
	const struct rte_mbuf *m;
	bool ip_cksum_good;     /* the NIC verified the IPv4 header checksum */
};

static inline bool addr_is_local(const struct pkt_classify_ctx *ctx,
				 uint32_t a)
{
	unsigned int n = RTE_MIN(ctx->n_local, (unsigned int)PKT_LOCAL_ADDR_MAX);
	unsigned int i;

	for (i = 0; i < n; i++)
		if (ctx->local_addr[i] == a)
			return true;
	return false;
}

/*
 * RFC 1812 §5.3.7: a source on network 0 or 127, multicast (224/4) or
 * class E including the limited broadcast (240/4) is invalid. A source
 * equal to one of our own addresses is a spoof: we never receive our own.
 */
static inline bool src_is_martian(const struct pkt_classify_ctx *ctx,
				  uint32_t src)
{
	uint32_t a = src >> 24;

	if (a == 0 || a == 127 || a >= 224)
		return true;
	return addr_is_local(ctx, src);
}

/*
 * The broadcast or network address of one of our connected subnets (a
 * directed broadcast): not forwarded (RFC 2644), and never resolved with
 * ARP. /31 and /32 subnets have neither (RFC 3021).
 */
static inline bool is_directed_broadcast(const struct pkt_classify_ctx *ctx,
					 uint32_t dst)
{
	unsigned int n = RTE_MIN(ctx->n_local, (unsigned int)PKT_LOCAL_ADDR_MAX);
	unsigned int i;

	for (i = 0; i < n; i++) {
		uint8_t len = ctx->local_prefix_len[i];
		uint32_t host = len == 0 ? UINT32_MAX : ~(UINT32_MAX << (32 - len));

		if (len > 30 || ((dst ^ ctx->local_addr[i]) & ~host) != 0)
			continue;
		if ((dst & host) == host || (dst & host) == 0)
			return true;
	}
	return false;
}

/* RFC 1812 §5.3.7 / §4.2.3.1: never forward to 0/8, 127/8, multicast, or
 * class E (240/4, reserved, including the limited broadcast). */
static inline bool dst_is_unicast(uint32_t dst)
{
	uint32_t a = dst >> 24;

	return !(a == 0 || a == 127 || a >= 224);
}

/*
 * RFC 791 §3.1 / RFC 1071: the ones' complement sum of a good header is
 * 0xffff. `h` holds the `hlen` bytes (a multiple of 4) the caller has read.
 * Summed as native 32-bit words into 64 bits and folded: byte order does
 * not change a ones' complement sum (RFC 1071 §2(B)), and five or fifteen
 * words never carry out of 64 bits. rte_raw_cksum() is for any length and
 * costs three times as much on the 20 bytes every forwarded packet has.
 */
static inline bool ipv4_cksum_ok(const uint8_t *h, uint32_t hlen)
{
	uint64_t sum = 0;
	uint32_t i, w;

	for (i = 0; i < hlen; i += 4) {
		memcpy(&w, h + i, sizeof(w));
		sum += w;
	}
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

static enum pkt_drop classify_icmp(struct rd *r, struct pkt_info *info)
{
	uint8_t type = rd_u8(r);
	uint8_t code = rd_u8(r);

	rd_skip(r, PKT_ICMP_HDR_LEN - 2); /* checksum, identifier, sequence */
	if (unlikely(!rd_ok(r)))
		return PKT_DROP_ICMP_MALFORMED;
	if (type != PKT_ICMP_ECHO_REQUEST || code != PKT_ICMP_ECHO_CODE)
		return PKT_DROP_LOCAL_OTHER;
	info->payload_off = info->l4_off + PKT_ICMP_HDR_LEN;
	info->cls = PKT_CLASS_ICMP_ECHO;
	return PKT_DROP_NONE;
}

/* RFC 4303 §2: SPI and sequence number; SPI 0 is reserved (§2.1). */
static enum pkt_drop classify_esp(struct rd *r, struct pkt_info *info)
{
	uint32_t spi = rd_be32(r);

	rd_skip(r, 4); /* sequence number */
	if (unlikely(!rd_ok(r)))
		return PKT_DROP_ESP_SHORT;
	if (unlikely(spi == 0))
		return PKT_DROP_ESP_SPI_ZERO;
	info->payload_off = info->l4_off;
	info->cls = PKT_CLASS_ESP;
	return PKT_DROP_NONE;
}

/*
 * UDP 4500 (RFC 3948): one 0xFF byte is a keepalive (§2.3), four zero bytes
 * are the non-ESP marker in front of IKE (§2.2), anything else is ESP whose
 * first four bytes are a non-zero SPI (§2.1). `plen` is the UDP payload
 * length; `pl` reads it (possibly fewer bytes: first segment only).
 */
static enum pkt_drop classify_natt(struct rd *pl, uint32_t plen,
				   struct pkt_info *info)
{
	uint32_t lead;

	if (unlikely(plen < PKT_NATT_MARKER_LEN)) {
		uint8_t b = rd_u8(pl);

		if (plen == PKT_NATT_KEEPALIVE_LEN && rd_ok(pl) &&
		    b == PKT_NATT_KEEPALIVE_BYTE) {
			info->cls = PKT_CLASS_NATT_KEEPALIVE;
			return PKT_DROP_NONE;
		}
		return PKT_DROP_NATT_MALFORMED;
	}
	lead = rd_be32(pl);
	if (unlikely(!rd_ok(pl)))
		return PKT_DROP_NATT_MALFORMED; /* not in the first segment */
	if (lead == PKT_NATT_MARKER) {
		if (unlikely(plen < PKT_NATT_MARKER_LEN + PKT_IKE_HDR_LEN))
			return PKT_DROP_IKE_SHORT;
		info->cls = PKT_CLASS_IKE_NATT;
		return PKT_DROP_NONE;
	}
	if (unlikely(plen < PKT_ESP_HDR_LEN))
		return PKT_DROP_ESP_SHORT;
	info->cls = PKT_CLASS_ESP_UDP;
	return PKT_DROP_NONE;
}

/*
 * UDP to us. The length field must fit the IP payload; from here on the
 * UDP length is the payload's size (IP payload beyond it is ignored).
 */
static enum pkt_drop classify_udp(struct rd *r, uint32_t ip_pl, bool public,
				  struct pkt_info *info)
{
	uint16_t dport, ulen;
	uint32_t plen;
	struct rd pl;

	rd_skip(r, 2); /* source port */
	dport = rd_be16(r);
	ulen = rd_be16(r);
	rd_skip(r, 2); /* checksum: optional for ESP-in-UDP (RFC 3948 §2.1) */
	if (unlikely(!rd_ok(r) || ulen < PKT_UDP_HDR_LEN || ulen > ip_pl))
		return PKT_DROP_UDP_MALFORMED;
	info->payload_off = info->l4_off + PKT_UDP_HDR_LEN;
	if (!public)
		return PKT_DROP_LOCAL_OTHER; /* IKE and ESP face the peers only */
	plen = ulen - PKT_UDP_HDR_LEN;
	pl = rd_sub(r, RTE_MIN(r->left, plen));

	switch (dport) {
	case PKT_UDP_PORT_IKE:
		if (unlikely(plen < PKT_IKE_HDR_LEN))
			return PKT_DROP_IKE_SHORT;
		info->cls = PKT_CLASS_IKE;
		return PKT_DROP_NONE;
	case PKT_UDP_PORT_IKE_NATT:
		return classify_natt(&pl, plen, info);
	default:
		return PKT_DROP_LOCAL_OTHER;
	}
}

/* A whole datagram addressed to us; `r` reads its payload, ip_pl its size. */
static enum pkt_drop classify_local(const struct pkt_classify_ctx *ctx,
				    uint16_t port, uint8_t proto, struct rd *r,
				    uint32_t ip_pl, struct pkt_info *info)
{
	bool public = ctx->port[port].is_public;

	switch (proto) {
	case PKT_IPPROTO_ICMP:
		return classify_icmp(r, info);
	case PKT_IPPROTO_UDP:
		return classify_udp(r, ip_pl, public, info);
	case PKT_IPPROTO_ESP:
		if (!public)
			return PKT_DROP_LOCAL_OTHER;
		return classify_esp(r, info);
	default:
		return PKT_DROP_LOCAL_OTHER;
	}
}

/*
 * `r` reads the IPv4 header onwards (first segment); `l3_wire` is how many
 * bytes the whole frame holds after the Ethernet header.
 */
static enum pkt_drop classify_ipv4(const struct pkt_classify_ctx *ctx,
				   uint16_t port, const struct frame *fr,
				   struct rd *r, uint32_t l3_wire,
				   struct pkt_info *info)
{
	const uint8_t *hdr = r->p;
	uint8_t vihl, proto;
	uint16_t tot, frag;
	uint32_t hlen, src, dst;
	struct rd l4;

	vihl = rd_u8(r);
	rd_skip(r, 1); /* type of service */
	tot = rd_be16(r);
	rd_skip(r, 2); /* identification */
	frag = rd_be16(r);
	rd_skip(r, 1); /* time to live */
	proto = rd_u8(r);
	rd_skip(r, 2); /* header checksum: summed below */
	src = rd_be32(r);
	dst = rd_be32(r);
	if (unlikely(!rd_ok(r)))
		return PKT_DROP_IP_TRUNCATED;
	if (unlikely(vihl >> 4 != PKT_IPV4_VERSION))
		return PKT_DROP_IP_VERSION;
	hlen = (uint32_t)(vihl & 0x0f) * 4;
	if (unlikely(hlen < PKT_IPV4_HDR_MIN))
		return PKT_DROP_IP_HDR_LEN;
	if (unlikely(!rd_skip(r, hlen - PKT_IPV4_HDR_MIN))) /* options */
		return PKT_DROP_IP_TRUNCATED;
	if (unlikely(tot < hlen || tot > l3_wire))
		return PKT_DROP_IP_TOTAL_LEN;
	/* a NIC's "bad" verdict is checked again here, and counted as ours */
	if (!fr->ip_cksum_good && unlikely(!ipv4_cksum_ok(hdr, hlen)))
		return PKT_DROP_IP_CHECKSUM;
	if (unlikely(src_is_martian(ctx, src)))
		return PKT_DROP_IP_MARTIAN_SRC;
	if (unlikely(!dst_is_unicast(dst)))
		return PKT_DROP_IP_DST_NOT_UNICAST;

	info->l3_off = PKT_ETH_HDR_LEN;
	info->l4_off = (uint16_t)(PKT_ETH_HDR_LEN + hlen);
	info->payload_off = info->l4_off;
	info->ip_len = tot;
	info->family = 4;
	if (!addr_is_local(ctx, dst)) {
		if (unlikely(is_directed_broadcast(ctx, dst)))
			return PKT_DROP_IP_DST_NOT_UNICAST;
		/* transit: fragments and every protocol go on as they are */
		info->cls = PKT_CLASS_PLAIN;
		return PKT_DROP_NONE;
	}
	if (unlikely(frag & (PKT_IPV4_FLAG_MF | PKT_IPV4_FRAG_OFF_MASK)))
		return PKT_DROP_LOCAL_FRAGMENT;
	/* L4 reads stop at the datagram's end: Ethernet padding is not payload */
	l4 = rd_sub(r, RTE_MIN(r->left, tot - hlen));
	return classify_local(ctx, port, proto, &l4, tot - hlen, info);
}

/* RFC 826 for Ethernet/IPv4; request or reply for any target address. */
static enum pkt_drop classify_arp(struct rd *r, struct pkt_info *info)
{
	uint16_t htype = rd_be16(r);
	uint16_t ptype = rd_be16(r);
	uint8_t hlen = rd_u8(r);
	uint8_t plen = rd_u8(r);
	uint16_t op = rd_be16(r);

	rd_skip(r, 2 * (PKT_ARP_HLEN_ETHER + PKT_ARP_PLEN_IPV4)); /* sha spa tha tpa */
	if (unlikely(!rd_ok(r) || htype != PKT_ARP_HTYPE_ETHER ||
		     ptype != PKT_ARP_PTYPE_IPV4 || hlen != PKT_ARP_HLEN_ETHER ||
		     plen != PKT_ARP_PLEN_IPV4 ||
		     (op != PKT_ARP_OP_REQUEST && op != PKT_ARP_OP_REPLY)))
		return PKT_DROP_ARP_MALFORMED;
	info->l3_off = PKT_ETH_HDR_LEN;
	info->cls = PKT_CLASS_ARP;
	return PKT_DROP_NONE;
}

/* ---- IPv6 (RFC 8200) ---------------------------------------------------- */

/* The fixed header, copied out of the packet. */
struct ip6 {
	uint8_t src[PKT_IPV6_ADDR_LEN];
	uint8_t dst[PKT_IPV6_ADDR_LEN];
	uint16_t plen;   /* payload length */
	uint8_t nh;      /* next header */
	uint8_t hlim;    /* hop limit */
};

static inline unsigned int n_local6(const struct pkt_classify_ctx *ctx)
{
	return RTE_MIN(ctx->n_local6, (unsigned int)PKT_LOCAL6_MAX);
}

static inline bool addr6_is_local(const struct pkt_classify_ctx *ctx,
				  const uint8_t a[16])
{
	unsigned int n = n_local6(ctx);
	unsigned int i;

	for (i = 0; i < n; i++)
		if (memcmp(ctx->local6[i], a, PKT_IPV6_ADDR_LEN) == 0)
			return true;
	return false;
}

/*
 * RFC 4291 §2.7: a multicast source is invalid; ::1 never leaves a node
 * (§2.5.3); IPv4-mapped addresses never appear on the wire (§2.5.5.2, as
 * Linux's ip6_rcv_core); our own address is a spoof. :: is decided later:
 * only a DAD neighbor solicitation to us may carry it (RFC 4862 §5.4.2).
 */
static inline bool src6_is_martian(const struct pkt_classify_ctx *ctx,
				   const uint8_t src[16])
{
	return pkt_ipv6_addr_is_multicast(src) ||
	       pkt_ipv6_addr_is_loopback(src) ||
	       pkt_ipv6_addr_is_v4mapped(src) || addr6_is_local(ctx, src);
}

/*
 * The groups ND needs (RFC 4861 §2.3, RFC 4291 §2.8): all-nodes ff02::1,
 * all-routers ff02::2 (the gateway forwards, so it is a router), and the
 * solicited-node group of each of our addresses. Nothing else: no MLD, no
 * interface-local or wider scopes.
 */
static bool mcast6_is_ours(const struct pkt_classify_ctx *ctx,
			   const uint8_t dst[16])
{
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };
	static const uint8_t all_routers[16] = { 0xff, 0x02, [15] = 2 };
	unsigned int n = n_local6(ctx);
	unsigned int i;

	if (memcmp(dst, all_nodes, sizeof(all_nodes)) == 0 ||
	    memcmp(dst, all_routers, sizeof(all_routers)) == 0)
		return true;
	if (!pkt_ipv6_addr_is_solicited_node(dst))
		return false;
	for (i = 0; i < n; i++)
		if (memcmp(ctx->local6[i] + 13, dst + 13, 3) == 0)
			return true;
	return false;
}

/*
 * The subnet-router anycast address (prefix, interface id zero) of one of
 * our prefixes (RFC 4291 §2.6.1): we run no service on it and no host owns
 * it, so it is not forwarded onto the link (as IPv4 directed broadcasts).
 * /127 and /128 have none (RFC 6164 §6).
 */
static bool is_prefix_anycast(const uint8_t a[16], unsigned int len,
			      const uint8_t dst[16])
{
	unsigned int full = len / 8, i = full;
	uint8_t mask;

	if (len > 126 || memcmp(a, dst, full) != 0)
		return false;
	if (len % 8 != 0) {
		mask = (uint8_t)(0xff << (8 - len % 8));
		if (((a[i] ^ dst[i]) & mask) != 0 || (dst[i] & ~mask) != 0)
			return false;
		i++;
	}
	for (; i < PKT_IPV6_ADDR_LEN; i++)
		if (dst[i] != 0)
			return false;
	return true;
}

static bool is_subnet_anycast(const struct pkt_classify_ctx *ctx,
			      const uint8_t dst[16])
{
	unsigned int n = n_local6(ctx);
	unsigned int i;

	for (i = 0; i < n; i++)
		if (is_prefix_anycast(ctx->local6[i], ctx->local6_prefix_len[i],
				      dst))
			return true;
	return false;
}

/*
 * Ones' complement sum (RFC 1071) of `n` frame bytes from `off`, added to
 * *acc; false when they are not all there. Sums each segment on its own
 * and byte-swaps those starting at an odd count (RFC 1071 §2(B)).
 */
static bool frame_sum(const struct frame *fr, uint32_t off, uint32_t n,
		      uint32_t *acc)
{
	const struct rte_mbuf *seg;
	uint32_t done = 0;
	struct rd r;

	if (fr->m == NULL) {
		rd_init(&r, fr->p, fr->len);
		if (!rd_skip(&r, off) || !rd_need(&r, n))
			return false;
		*acc += rte_raw_cksum(r.p, n);
		return true;
	}
	if (off > fr->wire || n > fr->wire - off)
		return false;
	for (seg = fr->m; seg != NULL && done < n; seg = seg->next) {
		uint32_t sl = rte_pktmbuf_data_len(seg), take;
		uint16_t s;

		if (off >= sl) {
			off -= sl;
			continue;
		}
		take = RTE_MIN(sl - off, n - done);
		s = rte_raw_cksum(rte_pktmbuf_mtod_offset(seg, const uint8_t *,
							  off), take);
		*acc += (done & 1) ? rte_bswap16(s) : s;
		done += take;
		off = 0;
	}
	return done == n;
}

/*
 * RFC 8200 §8.1: the upper-layer checksum over the pseudo-header (source,
 * destination, upper-layer length, next header) and the `n` bytes of the
 * upper-layer packet at frame offset `off`, its checksum field included.
 * Not rte_ipv6_udptcp_cksum_verify(): that takes the length from the IPv6
 * payload length (UDP's own length is the one to use), needs the bytes
 * contiguous, and reads the header through a cast.
 */
static bool l4_cksum6_ok(const struct frame *fr, const struct ip6 *ip,
			 uint8_t proto, uint32_t off, uint32_t n)
{
	uint32_t sum = 0;

	if (!frame_sum(fr, off, n, &sum))
		return false;
	sum += rte_raw_cksum(ip->src, sizeof(ip->src));
	sum += rte_raw_cksum(ip->dst, sizeof(ip->dst));
	sum += rte_cpu_to_be_16((uint16_t)(n >> 16));
	sum += rte_cpu_to_be_16((uint16_t)n);
	sum += rte_cpu_to_be_16(proto);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

/*
 * Neighbor solicitation or advertisement (RFC 4861 §7.1.1, §7.1.2): hop
 * limit 255 proves it was not forwarded; code 0; at least header and
 * target. A solicitation from :: (DAD, RFC 4862 §5.4.2) goes to a
 * solicited-node group. Options and the target are the ND module's.
 */
static enum pkt_drop classify_nd(const struct ip6 *ip, uint8_t code,
				 struct pkt_info *info)
{
	if (unlikely(ip->hlim != PKT_IPV6_ND_HOP_LIMIT || code != 0 ||
		     ip->plen < PKT_ND_NS_NA_MIN))
		return PKT_DROP_ND_MALFORMED;
	if (unlikely(pkt_ipv6_addr_is_unspecified(ip->src) &&
		     !pkt_ipv6_addr_is_solicited_node(ip->dst)))
		return PKT_DROP_ND_MALFORMED;
	info->payload_off = info->l4_off + PKT_ICMP_HDR_LEN;
	info->cls = PKT_CLASS_ND;
	return PKT_DROP_NONE;
}

/* ICMPv6 to us (RFC 4443): the whole IPv6 payload is the message. */
static enum pkt_drop classify_icmp6(const struct frame *fr,
				    const struct ip6 *ip, struct rd *r,
				    bool mcast, struct pkt_info *info)
{
	uint8_t type = rd_u8(r);
	uint8_t code = rd_u8(r);

	rd_skip(r, PKT_ICMP_HDR_LEN - 2); /* checksum, message body */
	if (unlikely(!rd_ok(r)))
		return PKT_DROP_ICMP_MALFORMED;
	if (unlikely(pkt_ipv6_addr_is_unspecified(ip->src) &&
		     type != PKT_ICMP6_NEIGH_SOLICIT))
		return PKT_DROP_IP6_MARTIAN_SRC;
	switch (type) {
	case PKT_ICMP6_NEIGH_SOLICIT:
	case PKT_ICMP6_NEIGH_ADVERT:
		break;
	case PKT_ICMP6_ECHO_REQUEST:
		/* to a group: not answered (no source to answer from) */
		if (mcast || code != PKT_ICMP_ECHO_CODE)
			return PKT_DROP_LOCAL_OTHER;
		break;
	default: /* router solicitations too: we send no advertisements */
		return PKT_DROP_LOCAL_OTHER;
	}
	/* RFC 4443 §2.3: mandatory; summed only for what we pass on */
	if (unlikely(!l4_cksum6_ok(fr, ip, PKT_IPPROTO_ICMPV6, info->l4_off,
				   ip->plen)))
		return PKT_DROP_ICMP_MALFORMED;
	if (type != PKT_ICMP6_ECHO_REQUEST)
		return classify_nd(ip, code, info);
	info->payload_off = info->l4_off + PKT_ICMP_HDR_LEN;
	info->cls = PKT_CLASS_ICMP_ECHO;
	return PKT_DROP_NONE;
}

/*
 * UDP to us over IPv6. A zero checksum is invalid (RFC 8200 §8.1). IKE and
 * keepalives are checked here, for the control lcore trusts their
 * addresses and ports; ESP in UDP is not (ESP authenticates, RFC 3948 §2.1).
 */
static enum pkt_drop classify_udp6(const struct frame *fr,
				   const struct ip6 *ip, struct rd *r,
				   bool public, struct pkt_info *info)
{
	uint16_t dport, ulen, cksum;
	enum pkt_drop drop;
	uint32_t plen;
	struct rd pl;

	rd_skip(r, 2); /* source port */
	dport = rd_be16(r);
	ulen = rd_be16(r);
	cksum = rd_be16(r);
	if (unlikely(!rd_ok(r) || ulen < PKT_UDP_HDR_LEN || ulen > ip->plen ||
		     cksum == 0))
		return PKT_DROP_UDP_MALFORMED;
	info->payload_off = info->l4_off + PKT_UDP_HDR_LEN;
	if (!public)
		return PKT_DROP_LOCAL_OTHER; /* IKE and ESP face the peers only */
	plen = ulen - PKT_UDP_HDR_LEN;
	pl = rd_sub(r, RTE_MIN(r->left, plen));

	switch (dport) {
	case PKT_UDP_PORT_IKE:
		if (unlikely(plen < PKT_IKE_HDR_LEN))
			return PKT_DROP_IKE_SHORT;
		info->cls = PKT_CLASS_IKE;
		break;
	case PKT_UDP_PORT_IKE_NATT:
		drop = classify_natt(&pl, plen, info);
		if (drop != PKT_DROP_NONE || info->cls == PKT_CLASS_ESP_UDP)
			return drop;
		break;
	default:
		return PKT_DROP_LOCAL_OTHER;
	}
	if (unlikely(!l4_cksum6_ok(fr, ip, PKT_IPPROTO_UDP, info->l4_off, ulen)))
		return PKT_DROP_UDP_CHECKSUM;
	return PKT_DROP_NONE;
}

/* Extension headers (RFC 7045 §2) are not parsed for us yet. */
static inline bool is_ext_hdr(uint8_t nh)
{
	switch (nh) {
	case PKT_IPPROTO_HOPOPTS:
	case PKT_IPPROTO_ROUTING:
	case PKT_IPPROTO_FRAGMENT:
	case PKT_IPPROTO_AH:
	case PKT_IPPROTO_DSTOPTS:
	case PKT_IPPROTO_MOBILITY:
	case PKT_IPPROTO_HIP:
	case PKT_IPPROTO_SHIM6:
	case PKT_IPPROTO_EXP1:
	case PKT_IPPROTO_EXP2:
		return true;
	default:
		return false;
	}
}

/* A datagram to one of our addresses or groups; `r` reads its payload. */
static enum pkt_drop classify_local6(const struct pkt_classify_ctx *ctx,
				     uint16_t port, const struct frame *fr,
				     const struct ip6 *ip, struct rd *r,
				     bool mcast, struct pkt_info *info)
{
	bool public = ctx->port[port].is_public;

	if (ip->nh == PKT_IPPROTO_ICMPV6)
		return classify_icmp6(fr, ip, r, mcast, info);
	if (unlikely(pkt_ipv6_addr_is_unspecified(ip->src)))
		return PKT_DROP_IP6_MARTIAN_SRC;
	if (unlikely(mcast))
		return PKT_DROP_IP6_DST_NOT_UNICAST; /* groups are for ND only */
	if (unlikely(is_ext_hdr(ip->nh)))
		return PKT_DROP_IP6_EXT_LOCAL;
	switch (ip->nh) {
	case PKT_IPPROTO_UDP:
		return classify_udp6(fr, ip, r, public, info);
	case PKT_IPPROTO_ESP:
		if (!public)
			return PKT_DROP_LOCAL_OTHER;
		return classify_esp(r, info);
	default:
		return PKT_DROP_LOCAL_OTHER;
	}
}

/*
 * `r` reads the IPv6 header onwards (first segment). `gmac` is the
 * destination MAC when it is a 33:33 group address, else NULL.
 */
static enum pkt_drop classify_ipv6(const struct pkt_classify_ctx *ctx,
				   uint16_t port, const struct frame *fr,
				   struct rd *r, const uint8_t *gmac,
				   struct pkt_info *info)
{
	struct ip6 ip;
	uint32_t vtcfl;
	bool mcast;
	struct rd l4;

	vtcfl = rd_be32(r);
	ip.plen = rd_be16(r);
	ip.nh = rd_u8(r);
	ip.hlim = rd_u8(r);
	rd_bytes(r, ip.src, sizeof(ip.src));
	rd_bytes(r, ip.dst, sizeof(ip.dst));
	if (unlikely(!rd_ok(r)))
		return PKT_DROP_IP6_TRUNCATED;
	if (unlikely(vtcfl >> 28 != PKT_IPV6_VERSION))
		return PKT_DROP_IP6_VERSION;
	/* ip_len is 16 bits: a 65535-byte payload (65575 in all) cannot be
	 * told downstream, nor sent on any link the gateway has */
	if (unlikely(PKT_IPV6_HDR_LEN + (uint32_t)ip.plen >
		     RTE_MIN(fr->wire - PKT_ETH_HDR_LEN, (uint32_t)UINT16_MAX)))
		return PKT_DROP_IP6_PAYLOAD_LEN;
	mcast = pkt_ipv6_addr_is_multicast(ip.dst);
	/* a group frame carries the group it is mapped from (RFC 2464 §7) */
	if (unlikely(gmac != NULL &&
		     (!mcast || memcmp(gmac + 2, ip.dst + 12, 4) != 0)))
		return PKT_DROP_IP6_DST_NOT_UNICAST;
	if (unlikely(src6_is_martian(ctx, ip.src)))
		return PKT_DROP_IP6_MARTIAN_SRC;
	if (unlikely(mcast ? !mcast6_is_ours(ctx, ip.dst) :
			     pkt_ipv6_addr_is_unspecified(ip.dst) ||
			     pkt_ipv6_addr_is_loopback(ip.dst)))
		return PKT_DROP_IP6_DST_NOT_UNICAST;

	info->l3_off = PKT_ETH_HDR_LEN;
	info->l4_off = PKT_ETH_HDR_LEN + PKT_IPV6_HDR_LEN;
	info->payload_off = info->l4_off;
	info->ip_len = (uint16_t)(PKT_IPV6_HDR_LEN + ip.plen);
	info->family = 6;
	if (!mcast && !addr6_is_local(ctx, ip.dst)) {
		/* transit: extension headers go on unparsed */
		if (unlikely(pkt_ipv6_addr_is_unspecified(ip.src)))
			return PKT_DROP_IP6_MARTIAN_SRC;
		/* RFC 4291 §2.5.6: routers never forward link-local traffic */
		if (unlikely(pkt_ipv6_addr_is_link_local(ip.src) ||
			     pkt_ipv6_addr_is_link_local(ip.dst)))
			return PKT_DROP_IP6_LINK_LOCAL_TRANSIT;
		if (unlikely(is_subnet_anycast(ctx, ip.dst)))
			return PKT_DROP_IP6_DST_NOT_UNICAST;
		info->cls = PKT_CLASS_PLAIN;
		return PKT_DROP_NONE;
	}
	/* upper-layer reads stop at the payload's end: padding is not payload */
	l4 = rd_sub(r, RTE_MIN(r->left, (uint32_t)ip.plen));
	return classify_local6(ctx, port, fr, &ip, &l4, mcast, info);
}

/*
 * Ethernet: our unicast address, or group addresses for ARP and 33:33
 * groups for IPv6 (ND). No VLAN tags.
 */
static enum pkt_drop classify_l2(const struct pkt_classify_ctx *ctx,
				 uint16_t port, const struct frame *fr,
				 struct pkt_info *info)
{
	uint8_t dst[PKT_ETH_ADDR_LEN];
	uint16_t etype;
	bool group;
	struct rd r;

	rd_init(&r, fr->p, fr->len);
	rd_bytes(&r, dst, sizeof(dst));
	rd_skip(&r, PKT_ETH_ADDR_LEN); /* source address */
	etype = rd_be16(&r);
	if (unlikely(!rd_ok(&r)))
		return PKT_DROP_RUNT;
	if (unlikely(port >= ESPGW_MAX_PORTS))
		return PKT_DROP_L2_OTHER_HOST;
	group = dst[0] & PKT_ETH_ADDR_GROUP; /* multicast, broadcast too */
	if (unlikely(!group &&
		     memcmp(dst, ctx->port[port].mac, sizeof(dst)) != 0))
		return PKT_DROP_L2_OTHER_HOST;

	switch (etype) {
	case PKT_ETHERTYPE_ARP:
		return classify_arp(&r, info);
	case PKT_ETHERTYPE_IPV4:
		if (unlikely(group))
			return PKT_DROP_IP_DST_NOT_UNICAST;
		return classify_ipv4(ctx, port, fr, &r,
				     fr->wire - PKT_ETH_HDR_LEN, info);
	case PKT_ETHERTYPE_IPV6:
		if (unlikely(!ctx->port[port].has_ipv6))
			return PKT_DROP_ETHERTYPE;
		/* group frames: 33:33 only, never broadcast (RFC 2464 §7) */
		if (unlikely(group && (dst[0] != PKT_ETH_IPV6_MCAST ||
				       dst[1] != PKT_ETH_IPV6_MCAST)))
			return PKT_DROP_IP6_DST_NOT_UNICAST;
		return classify_ipv6(ctx, port, fr, &r, group ? dst : NULL,
				     info);
	default:
		return PKT_DROP_ETHERTYPE;
	}
}

static inline void set_drop(struct pkt_info *info, enum pkt_drop drop)
{
	*info = (struct pkt_info){ .cls = PKT_CLASS_DROP, .drop = (uint8_t)drop };
}

static void classify(const struct pkt_classify_ctx *ctx, uint16_t port,
		     const struct frame *fr, struct pkt_info *info)
{
	enum pkt_drop drop;

	*info = (struct pkt_info){ .cls = PKT_CLASS_DROP };
	drop = classify_l2(ctx, port, fr, info);
	if (unlikely(drop != PKT_DROP_NONE))
		set_drop(info, drop); /* no offsets: nothing downstream reads them */
}

void pkt_classify_frame(const struct pkt_classify_ctx *ctx, uint16_t port,
			const uint8_t *frame, uint32_t len,
			struct pkt_info *info)
{
	const struct frame fr = { .p = frame, .len = len, .wire = len };

	classify(ctx, port, &fr, info);
}

/*
 * Headers come from the first segment; lengths are checked against the
 * whole packet. Padding after the IP datagram is trimmed from the last
 * segment; padding longer than that segment would need segments freed
 * here, so such a frame (never a real Ethernet pad) is dropped instead.
 * l3_len is IHL * 4 for IPv4, 40 for IPv6 and the 28-byte ARP body for
 * ARP; drops are left untouched.
 */
static void classify_mbuf(const struct pkt_classify_ctx *ctx,
			  struct rte_mbuf *m, struct pkt_info *info)
{
	uint32_t wire = rte_pktmbuf_pkt_len(m);
	const struct frame fr = {
		.p = rte_pktmbuf_mtod(m, const uint8_t *),
		.len = RTE_MIN((uint32_t)rte_pktmbuf_data_len(m), wire),
		.wire = wire,
		.m = m,
		.ip_cksum_good = m->port < ESPGW_MAX_PORTS &&
			ctx->port[m->port].rx_ip_cksum_offload &&
			(m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) ==
				RTE_MBUF_F_RX_IP_CKSUM_GOOD,
	};
	uint32_t pad;

	classify(ctx, m->port, &fr, info);
	if (unlikely(info->cls == PKT_CLASS_DROP))
		return;
	if (info->cls == PKT_CLASS_ARP) {
		m->l2_len = PKT_ETH_HDR_LEN;
		m->l3_len = PKT_ARP_ETH_IPV4_LEN;
		return;
	}
	pad = wire - (info->l3_off + info->ip_len);
	if (pad != 0 && unlikely(pad > UINT16_MAX ||
				 rte_pktmbuf_trim(m, (uint16_t)pad) != 0)) {
		set_drop(info, PKT_DROP_IP_TOTAL_LEN);
		return;
	}
	m->l2_len = PKT_ETH_HDR_LEN;
	m->l3_len = info->l4_off - info->l3_off; /* IHL * 4, or 40 */
}

void pkt_classify_burst(const struct pkt_classify_ctx *ctx,
			struct rte_mbuf *mb[], uint16_t n,
			struct pkt_info info[])
{
	uint16_t i;

	for (i = 0; i < n && i < PREFETCH_AHEAD; i++)
		rte_prefetch0(rte_pktmbuf_mtod(mb[i], void *));
	for (i = 0; i < n; i++) {
		if (i + PREFETCH_AHEAD < n)
			rte_prefetch0(rte_pktmbuf_mtod(mb[i + PREFETCH_AHEAD],
						       void *));
		classify_mbuf(ctx, mb[i], &info[i]);
	}
}

const char *const pkt_class_names[PKT_CLASS_MAX] = {
	[PKT_CLASS_DROP] = "drop",
	[PKT_CLASS_PLAIN] = "plain",
	[PKT_CLASS_IKE] = "ike",
	[PKT_CLASS_IKE_NATT] = "ike_natt",
	[PKT_CLASS_NATT_KEEPALIVE] = "natt_keepalive",
	[PKT_CLASS_ESP_UDP] = "esp_udp",
	[PKT_CLASS_ESP] = "esp",
	[PKT_CLASS_ARP] = "arp",
	[PKT_CLASS_ICMP_ECHO] = "icmp_echo",
	[PKT_CLASS_ND] = "nd",
};

const char *const pkt_drop_names[PKT_DROP_MAX] = {
	[PKT_DROP_NONE] = "none",
	[PKT_DROP_RUNT] = "runt",
	[PKT_DROP_L2_OTHER_HOST] = "l2_other_host",
	[PKT_DROP_ETHERTYPE] = "ethertype",
	[PKT_DROP_ARP_MALFORMED] = "arp_malformed",
	[PKT_DROP_IP_TRUNCATED] = "ip_truncated",
	[PKT_DROP_IP_VERSION] = "ip_version",
	[PKT_DROP_IP_HDR_LEN] = "ip_hdr_len",
	[PKT_DROP_IP_TOTAL_LEN] = "ip_total_len",
	[PKT_DROP_IP_CHECKSUM] = "ip_checksum",
	[PKT_DROP_IP_MARTIAN_SRC] = "ip_martian_src",
	[PKT_DROP_IP_DST_NOT_UNICAST] = "ip_dst_not_unicast",
	[PKT_DROP_LOCAL_FRAGMENT] = "local_fragment",
	[PKT_DROP_UDP_MALFORMED] = "udp_malformed",
	[PKT_DROP_IKE_SHORT] = "ike_short",
	[PKT_DROP_NATT_MALFORMED] = "natt_malformed",
	[PKT_DROP_ESP_SHORT] = "esp_short",
	[PKT_DROP_ESP_SPI_ZERO] = "esp_spi_zero",
	[PKT_DROP_ICMP_MALFORMED] = "icmp_malformed",
	[PKT_DROP_LOCAL_OTHER] = "local_other",
	[PKT_DROP_IP6_TRUNCATED] = "ip6_truncated",
	[PKT_DROP_IP6_VERSION] = "ip6_version",
	[PKT_DROP_IP6_PAYLOAD_LEN] = "ip6_payload_len",
	[PKT_DROP_IP6_MARTIAN_SRC] = "ip6_martian_src",
	[PKT_DROP_IP6_DST_NOT_UNICAST] = "ip6_dst_not_unicast",
	[PKT_DROP_IP6_LINK_LOCAL_TRANSIT] = "ip6_link_local_transit",
	[PKT_DROP_IP6_EXT_LOCAL] = "ip6_ext_local",
	[PKT_DROP_UDP_CHECKSUM] = "udp_checksum",
	[PKT_DROP_ND_MALFORMED] = "nd_malformed",
};

const char *const pkt_drop_help[PKT_DROP_MAX] = {
	[PKT_DROP_NONE] = "not dropped",
	[PKT_DROP_RUNT] = "frame shorter than an Ethernet header (14 bytes)",
	[PKT_DROP_L2_OTHER_HOST] =
		"unicast frame for another MAC address, or unknown ingress port",
	[PKT_DROP_ETHERTYPE] =
		"ethertype neither IPv4 nor ARP, nor IPv6 on a port with IPv6 enabled (VLAN tags unsupported)",
	[PKT_DROP_ARP_MALFORMED] =
		"ARP under 28 bytes, not Ethernet/IPv4, or not request/reply",
	[PKT_DROP_IP_TRUNCATED] = "frame ends inside the IPv4 header or options",
	[PKT_DROP_IP_VERSION] = "IP version field is not 4",
	[PKT_DROP_IP_HDR_LEN] = "IPv4 header length (IHL) below 5 words",
	[PKT_DROP_IP_TOTAL_LEN] =
		"IPv4 total length below the header length or beyond the frame",
	[PKT_DROP_IP_CHECKSUM] = "IPv4 header checksum wrong",
	[PKT_DROP_IP_MARTIAN_SRC] =
		"source 0/8, 127/8, 224/4, 240/4 or one of ours (RFC 1812 5.3.7)",
	[PKT_DROP_IP_DST_NOT_UNICAST] =
		"destination 0/8, 127/8, multicast, broadcast, or L2 group frame",
	[PKT_DROP_LOCAL_FRAGMENT] =
		"IP fragment addressed to the gateway (no reassembly)",
	[PKT_DROP_UDP_MALFORMED] =
		"UDP to the gateway: short header, length field below 8 or past the IP payload, or IPv6 checksum 0",
	[PKT_DROP_IKE_SHORT] =
		"IKE on UDP 500/4500 shorter than its 28-byte header",
	[PKT_DROP_NATT_MALFORMED] =
		"UDP 4500 payload empty, or 1-3 bytes and not a 0xFF keepalive (RFC 3948)",
	[PKT_DROP_ESP_SHORT] =
		"ESP shorter than SPI and sequence number (8 bytes)",
	[PKT_DROP_ESP_SPI_ZERO] = "ESP with the reserved SPI 0 (RFC 4303 2.1)",
	[PKT_DROP_ICMP_MALFORMED] =
		"ICMP to the gateway shorter than its 8-byte header, or ICMPv6 checksum wrong",
	[PKT_DROP_LOCAL_OTHER] =
		"to the gateway but no service: other protocol, port or ICMP type (ICMPv6 echo to a group too), or IKE/ESP on a private port",
	[PKT_DROP_IP6_TRUNCATED] = "frame ends inside the 40-byte IPv6 header",
	[PKT_DROP_IP6_VERSION] = "IPv6 ethertype but the version field is not 6",
	[PKT_DROP_IP6_PAYLOAD_LEN] =
		"IPv6 payload length beyond the frame, or above 65495 (datagram over 64 KiB)",
	[PKT_DROP_IP6_MARTIAN_SRC] =
		"IPv6 source multicast, ::1, IPv4-mapped, one of ours, or :: other than a DAD neighbor solicitation",
	[PKT_DROP_IP6_DST_NOT_UNICAST] =
		"IPv6 destination ::, ::1, subnet-router anycast, a group ND does not use, non-ICMPv6 to a group, or unicast in an L2 group frame",
	[PKT_DROP_IP6_LINK_LOCAL_TRANSIT] =
		"IPv6 link-local source or destination on a packet not for the gateway (never forwarded, RFC 4291 2.5.6)",
	[PKT_DROP_IP6_EXT_LOCAL] =
		"IPv6 to the gateway with an extension header (fragment, hop-by-hop, routing, AH...): not supported",
	[PKT_DROP_UDP_CHECKSUM] =
		"IKE or NAT keepalive over IPv6 with a wrong UDP checksum",
	[PKT_DROP_ND_MALFORMED] =
		"neighbor solicitation/advertisement with hop limit not 255, code not 0, under 24 bytes, or DAD not to a solicited-node group",
};

/*
 * The tables are sized by the enums, so an entry past *_MAX fails to
 * compile; test_pkt checks that no entry in between is missing.
 */
_Static_assert(RTE_DIM(pkt_class_names) == PKT_CLASS_MAX, "pkt_class_names");
_Static_assert(RTE_DIM(pkt_drop_names) == PKT_DROP_MAX, "pkt_drop_names");
_Static_assert(RTE_DIM(pkt_drop_help) == PKT_DROP_MAX, "pkt_drop_help");
_Static_assert(PKT_CLASS_MAX <= UINT8_MAX && PKT_DROP_MAX <= UINT8_MAX,
	       "struct pkt_info stores class and drop in a byte");
