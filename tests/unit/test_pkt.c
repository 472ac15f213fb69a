/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for lib/pkt: pkt_classify_frame() on frames built byte by byte
 * here (numbered case tables, IPv4 and IPv6, over DESIGN.md's classification
 * table and every drop reason, truncation at every length, every UDP length
 * field), builder output cross-checked against scapy, and
 * pkt_classify_burst() on real mbufs (IPv6 checksums across segments).
 * Frames are classified from heap buffers of their exact size, so ASan
 * reports any read past the end (the 65536-value UDP length sweep runs in
 * place and repeats its boundary values from heap copies).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "lib/pkt/pkt_classify.h"
#include "lib/pkt/pkt_ipv6.h"
#include "lib/pkt/pkt_wire.h"
#include "test_eal.h"

#define A(a, b, c, d) \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

#define US_PUB A(192, 0, 2, 1)       /* gateway, public side */
#define US_PRIV A(10, 0, 0, 1)       /* gateway, private side */
#define PEER A(198, 51, 100, 7)      /* remote peer / NAT */
#define LAN_HOST A(10, 0, 0, 50)     /* protected network */
#define REMOTE A(203, 0, 113, 9)     /* somewhere behind the peer */

static const uint8_t MAC_US0[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t MAC_US1[6] = { 0x02, 0, 0, 0, 0, 0x02 };
static const uint8_t MAC_PEER[6] = { 0x02, 0, 0, 0, 0, 0xaa };
static const uint8_t MAC_OTHER[6] = { 0x02, 0, 0, 0, 0, 0xbb };
static const uint8_t MAC_BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t MAC_MCAST[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
static const uint8_t MAC_ZERO[6];
static const uint8_t MAC_US3[6] = { 0x02, 0, 0, 0, 0, 0x03 };
static const uint8_t MAC_US4[6] = { 0x02, 0, 0, 0, 0, 0x04 };

/* IPv6 addresses; the gateway's are in ctx.local6 in this order */
#define IP6_US_PUB { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 1 }   /* 2001:db8:1::1/64 */
#define IP6_US_PRIV { 0xfd, 0, 0, 0, 0, 0, 0, 1, [15] = 1 }     /* fd00:0:0:1::1/64 */
#define IP6_LL3 { 0xfe, 0x80, [11] = 0xff, [12] = 0xfe, [15] = 3 } /* fe80::ff:fe00:3 */
#define IP6_LL4 { 0xfe, 0x80, [11] = 0xff, [12] = 0xfe, [15] = 4 }
static const uint8_t US6_PUB[16] = IP6_US_PUB;
static const uint8_t US6_PRIV[16] = IP6_US_PRIV;
static const uint8_t LL3[16] = IP6_LL3;
static const uint8_t LL4[16] = IP6_LL4;
static const uint8_t PEER6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0x99, [15] = 7 };
static const uint8_t PEER_LL[16] = { 0xfe, 0x80, [15] = 0xaa };
static const uint8_t LAN6[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 1, [15] = 0x50 };
static const uint8_t REMOTE6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0x77, [15] = 9 };
static const uint8_t UNSPEC6[16];
static const uint8_t LOOP6[16] = { [15] = 1 };
static const uint8_t MAPPED6[16] = { [10] = 0xff, [11] = 0xff, 192, 0, 2, 1 };
static const uint8_t ALL_NODES[16] = { 0xff, 0x02, [15] = 1 };
static const uint8_t ALL_ROUTERS[16] = { 0xff, 0x02, [15] = 2 };
static const uint8_t SNM_1[16] = { 0xff, 0x02, [11] = 1, [12] = 0xff, [15] = 1 }; /* ff02::1:ff00:1 */
static const uint8_t SNM_3[16] = { 0xff, 0x02, [11] = 1, [12] = 0xff, [15] = 3 };
static const uint8_t SNM_99[16] = { 0xff, 0x02, [11] = 1, [12] = 0xff, [15] = 0x99 };

/*
 * Port 0: public, checksum verified in software.
 * Port 1: private, IPv4 checksum offload on (the NIC's "good" is trusted).
 * Port 2, 5..: unconfigured (zero MAC, private).
 * Ports 0 and 1 are IPv4 only (IPv6 dropped as "ethertype"); ports 3
 * (public, checksum verified) and 4 (private) are dual-stack.
 */
static struct pkt_classify_ctx ctx = {
	.local_addr = { US_PUB, US_PRIV },
	.local_prefix_len = { 24, 8 },  /* 192.0.2.0/24, 10.0.0.0/8 */
	.n_local = 2,
	.port = {
		[0] = { .mac = { 0x02, 0, 0, 0, 0, 0x01 }, .is_public = 1,
			.rx_ip_cksum_offload = 0 },
		[1] = { .mac = { 0x02, 0, 0, 0, 0, 0x02 }, .is_public = 0,
			.rx_ip_cksum_offload = 1 },
		[3] = { .mac = { 0x02, 0, 0, 0, 0, 0x03 }, .is_public = 1,
			.rx_ip_cksum_offload = 0, .has_ipv6 = 1 },
		[4] = { .mac = { 0x02, 0, 0, 0, 0, 0x04 }, .is_public = 0,
			.rx_ip_cksum_offload = 1, .has_ipv6 = 1 },
	},
	.local6 = { IP6_US_PUB, IP6_US_PRIV, IP6_LL3, IP6_LL4 },
	.local6_prefix_len = { 64, 64, 64, 64 },
	.n_local6 = 4,
};

/* ---- frame builder ------------------------------------------------------ */

enum { FB_MAX = 512 };

struct fb {
	uint8_t b[FB_MAX];
	uint32_t len;
	uint32_t l3, l4; /* where ipv4()/udp() put their headers */
};

static void put(struct fb *f, const void *p, uint32_t n)
{
	assert_true(f->len + n <= FB_MAX);
	memcpy(f->b + f->len, p, n);
	f->len += n;
}

static void put8(struct fb *f, uint8_t v) { put(f, &v, 1); }

static void put16(struct fb *f, uint16_t v)
{
	put8(f, (uint8_t)(v >> 8));
	put8(f, (uint8_t)v);
}

static void put32(struct fb *f, uint32_t v)
{
	put16(f, (uint16_t)(v >> 16));
	put16(f, (uint16_t)v);
}

static void fill(struct fb *f, uint8_t v, uint32_t n)
{
	while (n--)
		put8(f, v);
}

static void set16(struct fb *f, uint32_t off, uint16_t v)
{
	f->b[off] = (uint8_t)(v >> 8);
	f->b[off + 1] = (uint8_t)v;
}

static uint16_t get16(const struct fb *f, uint32_t off)
{
	return (uint16_t)(f->b[off] << 8 | f->b[off + 1]);
}

/* RFC 1071, written independently of the library, byte at a time. */
static uint16_t csum(const uint8_t *p, uint32_t n, uint32_t sum)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		sum += (i & 1) ? p[i] : (uint32_t)p[i] << 8;
	while (sum > 0xffff)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void eth(struct fb *f, const uint8_t dst[6], uint16_t type)
{
	f->len = 0;
	put(f, dst, 6);
	put(f, MAC_PEER, 6);
	put16(f, type);
}

/* IPv4 header with scapy's defaults (id 1, ttl 64); options are NOPs. */
static void ipv4(struct fb *f, uint8_t ihl, uint16_t frag, uint8_t proto,
		 uint32_t src, uint32_t dst)
{
	f->l3 = f->len;
	put8(f, (uint8_t)(0x40 | ihl));
	put8(f, 0);        /* tos */
	put16(f, 0);       /* total length: ipv4_finish() */
	put16(f, 1);       /* id */
	put16(f, frag);
	put8(f, 64);       /* ttl */
	put8(f, proto);
	put16(f, 0);       /* checksum: ipv4_finish() */
	put32(f, src);
	put32(f, dst);
	fill(f, 0x01, (uint32_t)ihl * 4 - 20); /* NOP options */
}

static void ipv4_cksum(struct fb *f)
{
	uint32_t hlen = (uint32_t)(f->b[f->l3] & 0x0f) * 4;

	if (hlen < 20)
		hlen = 20;
	set16(f, f->l3 + 10, 0);
	set16(f, f->l3 + 10, csum(f->b + f->l3, hlen, 0));
}

static void ipv4_finish(struct fb *f)
{
	set16(f, f->l3 + 2, (uint16_t)(f->len - f->l3));
	ipv4_cksum(f);
}

static void udp(struct fb *f, uint16_t sport, uint16_t dport)
{
	f->l4 = f->len;
	put16(f, sport);
	put16(f, dport);
	put16(f, 0); /* length: udp_finish() */
	put16(f, 0); /* checksum: udp_finish() */
}

/* RFC 768 checksum over the pseudo header; 0 is sent as 0xffff. */
static void udp_cksum(struct fb *f)
{
	uint32_t n = f->len - f->l4;
	uint8_t ph[12];
	uint16_t c;

	memcpy(ph, f->b + f->l3 + 12, 8);
	ph[8] = 0;
	ph[9] = PKT_IPPROTO_UDP;
	ph[10] = (uint8_t)(n >> 8);
	ph[11] = (uint8_t)n;
	set16(f, f->l4 + 6, 0);
	c = csum(ph, sizeof(ph), 0);
	c = csum(f->b + f->l4, n, (uint16_t)~c);
	set16(f, f->l4 + 6, c ? c : 0xffff);
}

static void udp_finish(struct fb *f)
{
	set16(f, f->l4 + 4, (uint16_t)(f->len - f->l4));
	udp_cksum(f);
}

static void icmp_echo(struct fb *f, uint16_t id, uint16_t seq,
		      const char *data)
{
	f->l4 = f->len;
	put8(f, PKT_ICMP_ECHO_REQUEST);
	put8(f, 0);
	put16(f, 0);
	put16(f, id);
	put16(f, seq);
	put(f, data, (uint32_t)strlen(data));
	set16(f, f->l4 + 2, csum(f->b + f->l4, f->len - f->l4, 0));
}

static void esp(struct fb *f, uint32_t spi, uint32_t seq, uint8_t byte,
		uint32_t n)
{
	put32(f, spi);
	put32(f, seq);
	fill(f, byte, n);
}

/* RFC 7296 §3.1 header of a message with no payloads. */
static void ike_hdr(struct fb *f, uint8_t spi_i, uint8_t spi_r, uint8_t exch,
		    uint32_t msgid)
{
	fill(f, spi_i, 8);
	fill(f, spi_r, 8);
	put8(f, 0);    /* next payload: none */
	put8(f, 0x20); /* version 2.0 */
	put8(f, exch);
	put8(f, 0x08); /* initiator */
	put32(f, msgid);
	put32(f, PKT_IKE_HDR_LEN);
}

static void arp(struct fb *f, uint16_t op, uint32_t spa, uint32_t tpa)
{
	f->l3 = f->len;
	put16(f, PKT_ARP_HTYPE_ETHER);
	put16(f, PKT_ARP_PTYPE_IPV4);
	put8(f, 6);
	put8(f, 4);
	put16(f, op);
	put(f, MAC_PEER, 6);
	put32(f, spa);
	put(f, MAC_ZERO, 6);
	put32(f, tpa);
}

/* ---- the valid frames (also generated by scapy, see test_scapy) -------- */

static void f_ike(struct fb *f, uint8_t ihl)
{
	eth(f, MAC_US0, PKT_ETHERTYPE_IPV4);
	ipv4(f, ihl, 0, PKT_IPPROTO_UDP, PEER, US_PUB);
	udp(f, 500, 500);
	ike_hdr(f, 0x01, 0x00, 34, 0);
	udp_finish(f);
	ipv4_finish(f);
}

static void f_ike_natt(struct fb *f)
{
	eth(f, MAC_US0, PKT_ETHERTYPE_IPV4);
	ipv4(f, 5, 0, PKT_IPPROTO_UDP, PEER, US_PUB);
	udp(f, 61234, 4500);
	put32(f, 0); /* non-ESP marker */
	ike_hdr(f, 0x01, 0x02, 35, 1);
	udp_finish(f);
	ipv4_finish(f);
}

static void f_keepalive(struct fb *f)
{
	eth(f, MAC_US0, PKT_ETHERTYPE_IPV4);
	ipv4(f, 5, 0, PKT_IPPROTO_UDP, PEER, US_PUB);
	udp(f, 61234, 4500);
	put8(f, PKT_NATT_KEEPALIVE_BYTE);
	udp_finish(f);
	ipv4_finish(f);
}

static void f_esp_udp(struct fb *f)
{
	eth(f, MAC_US0, PKT_ETHERTYPE_IPV4);
	ipv4(f, 5, 0, PKT_IPPROTO_UDP, PEER, US_PUB);
	udp(f, 61234, 4500);
	esp(f, 0x12345678, 1, 0xaa, 16);
	udp_finish(f);
	ipv4_finish(f);
}

static void f_esp(struct fb *f)
{
	eth(f, MAC_US0, PKT_ETHERTYPE_IPV4);
	ipv4(f, 5, 0, PKT_IPPROTO_ESP, PEER, US_PUB);
	f->l4 = f->len;
	esp(f, 0x12345678, 1, 0xaa, 16);
	ipv4_finish(f);
}

static void f_icmp(struct fb *f)
{
	eth(f, MAC_US0, PKT_ETHERTYPE_IPV4);
	ipv4(f, 5, 0, PKT_IPPROTO_ICMP, PEER, US_PUB);
	icmp_echo(f, 0x4242, 7, "ping");
	ipv4_finish(f);
}

static void f_arp(struct fb *f)
{
	eth(f, MAC_BCAST, PKT_ETHERTYPE_ARP);
	arp(f, PKT_ARP_OP_REQUEST, A(192, 0, 2, 2), US_PUB);
}

static void f_ike5(struct fb *f) { f_ike(f, 5); }
static void f_ike15(struct fb *f) { f_ike(f, 15); }

/* ---- classify from an exact-size heap copy ----------------------------- */

static struct pkt_info classify_n(uint16_t port, const uint8_t *p, uint32_t len)
{
	uint8_t *copy = malloc(len ? len : 1);
	struct pkt_info info;

	assert_non_null(copy);
	if (len)
		memcpy(copy, p, len);
	memset(&info, 0xa5, sizeof(info));
	pkt_classify_frame(&ctx, port, copy, len, &info);
	free(copy);
	return info;
}

static struct pkt_info classify_fb(uint16_t port, const struct fb *f)
{
	return classify_n(port, f->b, f->len);
}

static const char *cls_name(unsigned int c)
{
	return c < PKT_CLASS_MAX ? pkt_class_names[c] : "?";
}

static const char *drop_name(unsigned int d)
{
	return d < PKT_DROP_MAX ? pkt_drop_names[d] : "?";
}

/* Prints and counts a mismatch; tests assert the count at the end. */
static unsigned int expect(const char *what, unsigned int n,
			   const struct pkt_info *got, uint8_t cls, uint8_t drop)
{
	if (got->cls == cls && got->drop == drop)
		return 0;
	print_error("%s %u: got %s/%s, want %s/%s\n", what, n,
		    cls_name(got->cls), drop_name(got->drop), cls_name(cls),
		    drop_name(drop));
	return 1;
}

/* Offsets every non-drop class must report (zero for DROP). */
static unsigned int expect_offsets(const char *what, unsigned int n,
				   const struct pkt_info *got, uint32_t l3,
				   uint32_t l4, uint32_t ip_len)
{
	uint32_t pl = l4;

	switch (got->cls) {
	case PKT_CLASS_DROP:
		l3 = l4 = pl = ip_len = 0;
		break;
	case PKT_CLASS_ARP:
		l4 = pl = ip_len = 0;
		break;
	case PKT_CLASS_IKE:
	case PKT_CLASS_IKE_NATT:
	case PKT_CLASS_NATT_KEEPALIVE:
	case PKT_CLASS_ESP_UDP:
	case PKT_CLASS_ICMP_ECHO:
	case PKT_CLASS_ND:
		pl = l4 + 8;
		break;
	default: /* ESP: payload is the ESP header; PLAIN: nothing parsed */
		break;
	}
	if (got->l3_off == l3 && got->l4_off == l4 && got->payload_off == pl &&
	    got->ip_len == ip_len)
		return 0;
	print_error("%s %u: offsets l3 %u l4 %u pl %u ip_len %u, want %u %u %u %u\n",
		    what, n, got->l3_off, got->l4_off, got->payload_off,
		    got->ip_len, l3, l4, pl, ip_len);
	return 1;
}

/* ---- the numbered case table ------------------------------------------- */

enum { D_US, D_BCAST, D_MCAST, D_OTHER };       /* destination MAC */
enum { K_IPV4, K_ARP, K_RAW };                  /* what follows Ethernet */

struct poke {
	uint8_t width; /* 0: unused; 1, 2 or 4 bytes */
	uint16_t at;   /* frame offset */
	uint32_t val;
};

#define POKE8(a, v) { .width = 1, .at = (a), .val = (v) }
#define POKE16(a, v) { .width = 2, .at = (a), .val = (v) }
#define POKE32(a, v) { .width = 4, .at = (a), .val = (v) }
#define IP_VIHL 14
#define IP_SRC (14 + 12)
#define IP_DST (14 + 16)
#define ARP_F(o) (14 + (o))

struct spec {
	uint8_t kind;
	uint8_t dmac;
	uint16_t etype;        /* K_RAW: the ethertype */
	uint16_t arp_op;       /* K_ARP: 0 is a request */
	uint8_t ihl;           /* 0: 5 */
	uint8_t proto;
	bool raw_l4;           /* proto UDP without the builder's UDP header */
	uint16_t frag;
	uint32_t src, dst;     /* 0: PEER, US_PUB */
	uint16_t sport, dport; /* sport 0: same as dport */
	uint16_t pl_len;       /* UDP payload, or the IP payload */
	uint8_t pl[48];        /* its first bytes; the rest are zero */
	int16_t tot_adj, ulen_adj;
	bool bad_cksum;
	uint16_t pad;          /* Ethernet padding after the datagram */
	uint16_t cut;          /* bytes removed from the end */
	struct poke poke[4];   /* applied before the checksums */
};

struct tcase {
	const char *name;
	uint16_t port;
	struct spec s;
	uint8_t cls, drop;
};

#define OK(c) .cls = PKT_CLASS_##c, .drop = PKT_DROP_NONE
#define NO(d) .cls = PKT_CLASS_DROP, .drop = PKT_DROP_##d
#define UDP PKT_IPPROTO_UDP
#define ESP PKT_IPPROTO_ESP
#define ICMP PKT_IPPROTO_ICMP
#define ECHO_PL .pl = { 8, 0, 0, 0, 0x42, 0x42, 0, 1 }
#define SPI_PL .pl = { 0x12, 0x34, 0x56, 0x78, 0, 0, 0, 1 }
#define MF PKT_IPV4_FLAG_MF
#define DF PKT_IPV4_FLAG_DF

static const struct tcase cases[] = {
	/* DESIGN.md: UDP dst 500 → IKE */
	{ "ike 500", 0, { .proto = UDP, .dport = 500, .pl_len = 28 }, OK(IKE) },
	{ "ike 500 from 4500", 0, { .proto = UDP, .sport = 4500, .dport = 500, .pl_len = 48 }, OK(IKE) },
	{ "ike 500 DF", 0, { .proto = UDP, .dport = 500, .frag = DF, .pl_len = 28 }, OK(IKE) },
	{ "ike 500 to private addr on public port", 0, { .proto = UDP, .dport = 500, .dst = US_PRIV, .pl_len = 28 }, OK(IKE) },
	{ "ike 500 IHL 6", 0, { .proto = UDP, .ihl = 6, .dport = 500, .pl_len = 28 }, OK(IKE) },
	{ "ike 500 IHL 15", 0, { .proto = UDP, .ihl = 15, .dport = 500, .pl_len = 28 }, OK(IKE) },
	{ "ike 500 padded to 60", 0, { .proto = UDP, .dport = 500, .pl_len = 28, .pad = 4 }, OK(IKE) },
	/* UDP 4500, non-ESP marker → IKE after NAT-T float (RFC 3948 §2.2) */
	{ "ike 4500", 0, { .proto = UDP, .sport = 61234, .dport = 4500, .pl_len = 32 }, OK(IKE_NATT) },
	{ "ike 4500 longer", 0, { .proto = UDP, .dport = 4500, .pl_len = 48 }, OK(IKE_NATT) },
	/* UDP 4500, single 0xFF → NAT keepalive (RFC 3948 §2.3) */
	{ "keepalive", 0, { .proto = UDP, .sport = 61234, .dport = 4500, .pl_len = 1, .pl = { 0xff } }, OK(NATT_KEEPALIVE) },
	{ "keepalive padded to 60", 0, { .proto = UDP, .dport = 4500, .pl_len = 1, .pl = { 0xff }, .pad = 17 }, OK(NATT_KEEPALIVE) },
	{ "keepalive, IP payload longer than UDP length", 0, { .proto = UDP, .dport = 4500, .pl_len = 4, .pl = { 0xff, 0xff, 0xff, 0xff }, .ulen_adj = -3 }, OK(NATT_KEEPALIVE) },
	/* UDP 4500, anything else → ESP in UDP, SPI first */
	{ "esp-in-udp, header only", 0, { .proto = UDP, .dport = 4500, .pl_len = 8, SPI_PL }, OK(ESP_UDP) },
	{ "esp-in-udp", 0, { .proto = UDP, .sport = 61234, .dport = 4500, .pl_len = 48, SPI_PL }, OK(ESP_UDP) },
	{ "esp-in-udp, SPI 0xff000000", 0, { .proto = UDP, .dport = 4500, .pl_len = 8, .pl = { 0xff } }, OK(ESP_UDP) },
	{ "esp-in-udp, SPI 1", 0, { .proto = UDP, .dport = 4500, .pl_len = 8, .pl = { 0, 0, 0, 1 } }, OK(ESP_UDP) },
	/* IP protocol 50 → ESP */
	{ "esp, header only", 0, { .proto = ESP, .pl_len = 8, SPI_PL }, OK(ESP) },
	{ "esp", 0, { .proto = ESP, .pl_len = 48, SPI_PL }, OK(ESP) },
	{ "esp, SPI 1", 0, { .proto = ESP, .pl_len = 8, .pl = { 0, 0, 0, 1 } }, OK(ESP) },
	{ "esp padded", 0, { .proto = ESP, .pl_len = 8, SPI_PL, .pad = 18 }, OK(ESP) },
	/* ARP and ICMP echo → control lcore */
	{ "arp request, broadcast", 0, { .kind = K_ARP, .dmac = D_BCAST }, OK(ARP) },
	{ "arp request, broadcast, private port", 1, { .kind = K_ARP, .dmac = D_BCAST }, OK(ARP) },
	{ "arp reply, unicast", 0, { .kind = K_ARP, .arp_op = 2 }, OK(ARP) },
	{ "arp request, multicast", 0, { .kind = K_ARP, .dmac = D_MCAST }, OK(ARP) },
	{ "arp padded to 60", 0, { .kind = K_ARP, .dmac = D_BCAST, .pad = 18 }, OK(ARP) },
	{ "icmp echo", 0, { .proto = ICMP, .pl_len = 12, ECHO_PL }, OK(ICMP_ECHO) },
	{ "icmp echo, header only", 0, { .proto = ICMP, .pl_len = 8, ECHO_PL }, OK(ICMP_ECHO) },
	{ "icmp echo, private side", 1, { .proto = ICMP, .src = LAN_HOST, .dst = US_PRIV, .pl_len = 8, ECHO_PL }, OK(ICMP_ECHO) },
	{ "icmp echo, other address of ours", 0, { .proto = ICMP, .dst = US_PRIV, .pl_len = 8, ECHO_PL }, OK(ICMP_ECHO) },
	{ "icmp echo, bad cksum, offload port, no NIC verdict", 1, { .proto = ICMP, .src = LAN_HOST, .dst = US_PRIV, .pl_len = 8, ECHO_PL, .bad_cksum = true }, NO(IP_CHECKSUM) },
	/* plain traffic in transit */
	{ "plain from LAN", 1, { .proto = UDP, .src = LAN_HOST, .dst = REMOTE, .dport = 53, .pl_len = 20 }, OK(PLAIN) },
	{ "plain on public side", 0, { .proto = 6, .src = REMOTE, .dst = LAN_HOST, .pl_len = 20 }, OK(PLAIN) },
	{ "plain fragment MF", 1, { .proto = UDP, .src = LAN_HOST, .dst = REMOTE, .frag = MF, .dport = 9, .pl_len = 40 }, OK(PLAIN) },
	{ "plain fragment offset", 1, { .proto = UDP, .raw_l4 = true, .src = LAN_HOST, .dst = REMOTE, .frag = 100, .pl_len = 3 }, OK(PLAIN) },
	{ "plain UDP 500 not to us", 0, { .proto = UDP, .dst = REMOTE, .dport = 500, .pl_len = 2 }, OK(PLAIN) },
	{ "plain ESP not to us, SPI 0", 0, { .proto = ESP, .dst = REMOTE, .pl_len = 2 }, OK(PLAIN) },
	{ "plain, zero payload", 1, { .proto = 99, .src = LAN_HOST, .dst = REMOTE }, OK(PLAIN) },
	{ "class E destination not forwarded (RFC 1812 5.3.7)", 1, { .proto = 6, .src = LAN_HOST, .dst = A(240, 0, 0, 1) }, NO(IP_DST_NOT_UNICAST) },
	{ "plain with IHL 15", 1, { .proto = 6, .ihl = 15, .src = LAN_HOST, .dst = REMOTE, .pl_len = 20 }, OK(PLAIN) },
	{ "plain padded", 1, { .proto = 6, .src = LAN_HOST, .dst = REMOTE, .pl_len = 4, .pad = 22 }, OK(PLAIN) },
	/* runt */
	{ "runt 13 bytes", 0, { .kind = K_RAW, .etype = 0x0800, .cut = 1 }, NO(RUNT) },
	/* l2_other_host */
	{ "unicast to another MAC", 0, { .proto = UDP, .dport = 500, .pl_len = 28, .dmac = D_OTHER }, NO(L2_OTHER_HOST) },
	{ "arp unicast to another MAC", 0, { .kind = K_ARP, .dmac = D_OTHER }, NO(L2_OTHER_HOST) },
	{ "port 0's MAC on port 1", 1, { .proto = ICMP, .pl_len = 8, ECHO_PL, .dmac = D_OTHER }, NO(L2_OTHER_HOST) },
	{ "port 32 (out of range)", 32, { .kind = K_ARP, .dmac = D_BCAST }, NO(L2_OTHER_HOST) },
	{ "port 0xffff", 0xffff, { .proto = UDP, .dport = 500, .pl_len = 28 }, NO(L2_OTHER_HOST) },
	/* ethertype */
	{ "802.1Q", 0, { .kind = K_RAW, .etype = PKT_ETHERTYPE_VLAN, .pl_len = 46 }, NO(ETHERTYPE) },
	{ "802.1ad", 0, { .kind = K_RAW, .etype = PKT_ETHERTYPE_QINQ, .pl_len = 46 }, NO(ETHERTYPE) },
	{ "IPv6", 0, { .kind = K_RAW, .etype = PKT_ETHERTYPE_IPV6, .pl_len = 46 }, NO(ETHERTYPE) },
	{ "802.3 length field", 0, { .kind = K_RAW, .etype = 46, .pl_len = 46 }, NO(ETHERTYPE) },
	{ "ethertype, broadcast", 0, { .kind = K_RAW, .dmac = D_BCAST, .etype = 0x88cc, .pl_len = 46 }, NO(ETHERTYPE) },
	{ "ethertype only", 0, { .kind = K_RAW, .etype = 0x1234 }, NO(ETHERTYPE) },
	/* arp_malformed */
	{ "arp 27 bytes", 0, { .kind = K_ARP, .dmac = D_BCAST, .cut = 1 }, NO(ARP_MALFORMED) },
	{ "arp op 0", 0, { .kind = K_ARP, .dmac = D_BCAST, .poke = { POKE16(ARP_F(6), 0) } }, NO(ARP_MALFORMED) },
	{ "arp op 3 (RARP)", 0, { .kind = K_ARP, .dmac = D_BCAST, .poke = { POKE16(ARP_F(6), 3) } }, NO(ARP_MALFORMED) },
	{ "arp htype 6", 0, { .kind = K_ARP, .dmac = D_BCAST, .poke = { POKE16(ARP_F(0), 6) } }, NO(ARP_MALFORMED) },
	{ "arp ptype IPv6", 0, { .kind = K_ARP, .dmac = D_BCAST, .poke = { POKE16(ARP_F(2), 0x86dd) } }, NO(ARP_MALFORMED) },
	{ "arp hlen 8", 0, { .kind = K_ARP, .dmac = D_BCAST, .poke = { POKE8(ARP_F(4), 8) } }, NO(ARP_MALFORMED) },
	{ "arp plen 16", 0, { .kind = K_ARP, .dmac = D_BCAST, .poke = { POKE8(ARP_F(5), 16) } }, NO(ARP_MALFORMED) },
	/* ip_truncated */
	{ "ipv4 19 bytes", 0, { .kind = K_RAW, .etype = 0x0800, .pl_len = 19, .pl = { 0x45 } }, NO(IP_TRUNCATED) },
	{ "ipv4 no header", 0, { .kind = K_RAW, .etype = 0x0800 }, NO(IP_TRUNCATED) },
	{ "ipv4 options cut", 0, { .proto = UDP, .ihl = 8, .dport = 500, .cut = 8 + 1 }, NO(IP_TRUNCATED) },
	/* ip_version */
	{ "version 6", 0, { .proto = UDP, .dport = 500, .pl_len = 28, .poke = { POKE8(IP_VIHL, 0x65) } }, NO(IP_VERSION) },
	{ "version 0", 0, { .proto = UDP, .dport = 500, .pl_len = 28, .poke = { POKE8(IP_VIHL, 0x05) } }, NO(IP_VERSION) },
	{ "version 15", 1, { .proto = 6, .src = LAN_HOST, .dst = REMOTE, .poke = { POKE8(IP_VIHL, 0xf5) } }, NO(IP_VERSION) },
	/* ip_hdr_len */
	{ "IHL 4", 0, { .proto = UDP, .dport = 500, .pl_len = 28, .poke = { POKE8(IP_VIHL, 0x44) } }, NO(IP_HDR_LEN) },
	{ "IHL 0", 1, { .proto = 6, .src = LAN_HOST, .dst = REMOTE, .poke = { POKE8(IP_VIHL, 0x40) } }, NO(IP_HDR_LEN) },
	/* ip_total_len */
	{ "total length one past the frame", 0, { .proto = UDP, .dport = 500, .pl_len = 28, .tot_adj = 1 }, NO(IP_TOTAL_LEN) },
	{ "total length 19", 0, { .proto = ESP, .pl_len = 8, SPI_PL, .tot_adj = -9 }, NO(IP_TOTAL_LEN) },
	{ "total length 0", 1, { .proto = 6, .src = LAN_HOST, .dst = REMOTE, .pl_len = 20, .tot_adj = -40 }, NO(IP_TOTAL_LEN) },
	{ "total length below IHL 6", 0, { .proto = ESP, .ihl = 6, .pl_len = 8, SPI_PL, .tot_adj = -9 }, NO(IP_TOTAL_LEN) },
	{ "total length 65535", 1, { .proto = 6, .src = LAN_HOST, .dst = REMOTE, .pl_len = 20, .poke = { POKE16(14 + 2, 0xffff) } }, NO(IP_TOTAL_LEN) },
	{ "frame cut inside UDP payload", 0, { .proto = UDP, .dport = 500, .pl_len = 28, .cut = 1 }, NO(IP_TOTAL_LEN) },
	/* ip_checksum */
	{ "bad header checksum", 0, { .proto = UDP, .dport = 500, .pl_len = 28, .bad_cksum = true }, NO(IP_CHECKSUM) },
	{ "bad checksum, transit", 0, { .proto = 6, .src = REMOTE, .dst = LAN_HOST, .bad_cksum = true }, NO(IP_CHECKSUM) },
	{ "bad checksum with options", 0, { .proto = ESP, .ihl = 9, .pl_len = 8, SPI_PL, .bad_cksum = true }, NO(IP_CHECKSUM) },
	/* ip_martian_src (RFC 1812 §5.3.7) */
	{ "src 0.0.0.0", 0, { .proto = UDP, .dport = 500, .pl_len = 28, .poke = { POKE32(IP_SRC, 0) } }, NO(IP_MARTIAN_SRC) },
	{ "src 0.1.2.3", 0, { .proto = UDP, .dport = 500, .pl_len = 28, .src = A(0, 1, 2, 3) }, NO(IP_MARTIAN_SRC) },
	{ "src 127.0.0.1", 0, { .proto = ESP, .pl_len = 8, SPI_PL, .src = A(127, 0, 0, 1) }, NO(IP_MARTIAN_SRC) },
	{ "src 224.0.0.5", 0, { .proto = ESP, .pl_len = 8, SPI_PL, .src = A(224, 0, 0, 5) }, NO(IP_MARTIAN_SRC) },
	{ "src 239.255.255.250", 1, { .proto = 6, .src = A(239, 255, 255, 250), .dst = REMOTE }, NO(IP_MARTIAN_SRC) },
	{ "src 240.0.0.1", 1, { .proto = 6, .src = A(240, 0, 0, 1), .dst = REMOTE }, NO(IP_MARTIAN_SRC) },
	{ "src 255.255.255.255", 0, { .proto = UDP, .dport = 500, .pl_len = 28, .src = A(255, 255, 255, 255) }, NO(IP_MARTIAN_SRC) },
	{ "src is ours (public)", 0, { .proto = UDP, .dport = 500, .pl_len = 28, .src = US_PUB }, NO(IP_MARTIAN_SRC) },
	{ "src is ours (private), transit", 1, { .proto = 6, .src = US_PRIV, .dst = REMOTE }, NO(IP_MARTIAN_SRC) },
	/* ip_dst_not_unicast */
	{ "dst 224.0.0.1", 0, { .proto = UDP, .dport = 500, .pl_len = 28, .dst = A(224, 0, 0, 1) }, NO(IP_DST_NOT_UNICAST) },
	{ "dst 239.1.2.3", 1, { .proto = UDP, .src = LAN_HOST, .dport = 5353, .dst = A(239, 1, 2, 3) }, NO(IP_DST_NOT_UNICAST) },
	{ "dst 255.255.255.255", 1, { .proto = UDP, .src = LAN_HOST, .dport = 67, .dst = A(255, 255, 255, 255) }, NO(IP_DST_NOT_UNICAST) },
	{ "dst 0.0.0.0", 0, { .proto = UDP, .dport = 500, .pl_len = 28, .poke = { POKE32(IP_DST, 0) } }, NO(IP_DST_NOT_UNICAST) },
	{ "dst 0.1.2.3", 0, { .proto = ESP, .pl_len = 8, SPI_PL, .dst = A(0, 1, 2, 3) }, NO(IP_DST_NOT_UNICAST) },
	/* directed broadcasts of our subnets are not forwarded (RFC 2644) */
	{ "dst subnet broadcast from outside", 0, { .proto = UDP, .dport = 53, .dst = A(10, 255, 255, 255) }, NO(IP_DST_NOT_UNICAST) },
	{ "dst subnet network address", 0, { .proto = UDP, .dport = 53, .dst = A(10, 0, 0, 0) }, NO(IP_DST_NOT_UNICAST) },
	{ "dst own subnet broadcast from inside", 1, { .proto = UDP, .src = LAN_HOST, .dport = 137, .dst = A(10, 255, 255, 255) }, NO(IP_DST_NOT_UNICAST) },
	{ "dst public subnet broadcast", 1, { .proto = UDP, .src = LAN_HOST, .dport = 137, .dst = A(192, 0, 2, 255) }, NO(IP_DST_NOT_UNICAST) },
	{ "dst next to the subnet broadcast is a host", 1, { .proto = UDP, .src = LAN_HOST, .dport = 137, .dst = A(192, 0, 2, 254) }, OK(PLAIN) },
	{ "dst broadcast of a subnet not ours is forwarded", 1, { .proto = UDP, .src = LAN_HOST, .dport = 137, .dst = A(203, 0, 113, 255) }, OK(PLAIN) },
	{ "dst 127.0.0.1", 0, { .proto = ESP, .pl_len = 8, SPI_PL, .dst = A(127, 0, 0, 1) }, NO(IP_DST_NOT_UNICAST) },
	{ "ipv4 to us in a broadcast frame", 0, { .proto = UDP, .dport = 500, .pl_len = 28, .dmac = D_BCAST }, NO(IP_DST_NOT_UNICAST) },
	{ "ipv4 to us in a multicast frame", 0, { .proto = ESP, .pl_len = 8, SPI_PL, .dmac = D_MCAST }, NO(IP_DST_NOT_UNICAST) },
	/* local_fragment */
	{ "MF to us", 0, { .proto = UDP, .dport = 500, .pl_len = 28, .frag = MF }, NO(LOCAL_FRAGMENT) },
	{ "offset 1 to us", 0, { .proto = UDP, .raw_l4 = true, .pl_len = 28, .frag = 1 }, NO(LOCAL_FRAGMENT) },
	{ "offset 0x1fff to us", 0, { .proto = ESP, .pl_len = 8, SPI_PL, .frag = 0x1fff }, NO(LOCAL_FRAGMENT) },
	{ "MF|DF to us", 0, { .proto = ICMP, .pl_len = 8, ECHO_PL, .frag = MF | DF }, NO(LOCAL_FRAGMENT) },
	/* udp_malformed */
	{ "udp header 7 bytes", 0, { .proto = UDP, .raw_l4 = true, .pl_len = 7, .pl = { 0x11, 0x94, 0x11, 0x94, 0, 7 } }, NO(UDP_MALFORMED) },
	{ "udp header 7 bytes + padding", 0, { .proto = UDP, .dport = 4500, .tot_adj = -1, .pad = 1 }, NO(UDP_MALFORMED) },
	{ "udp empty IP payload", 0, { .proto = UDP, .raw_l4 = true }, NO(UDP_MALFORMED) },
	{ "udp length 7", 0, { .proto = UDP, .dport = 4500, .pl_len = 1, .pl = { 0xff }, .ulen_adj = -2 }, NO(UDP_MALFORMED) },
	{ "udp length 0", 0, { .proto = UDP, .dport = 500, .pl_len = 28, .ulen_adj = -36 }, NO(UDP_MALFORMED) },
	{ "udp length past IP payload", 0, { .proto = UDP, .dport = 500, .pl_len = 28, .ulen_adj = 1 }, NO(UDP_MALFORMED) },
	{ "udp length past IP, into padding", 0, { .proto = UDP, .dport = 500, .pl_len = 28, .ulen_adj = 4, .pad = 4 }, NO(UDP_MALFORMED) },
	{ "udp length bad on private port", 1, { .proto = UDP, .dport = 500, .dst = US_PRIV, .pl_len = 28, .ulen_adj = 1 }, NO(UDP_MALFORMED) },
	/* ike_short */
	{ "ike 500, 27 bytes", 0, { .proto = UDP, .dport = 500, .pl_len = 27 }, NO(IKE_SHORT) },
	{ "ike 500, empty", 0, { .proto = UDP, .dport = 500 }, NO(IKE_SHORT) },
	{ "ike 500, 28 bytes by IP, 27 by UDP", 0, { .proto = UDP, .dport = 500, .pl_len = 28, .ulen_adj = -1 }, NO(IKE_SHORT) },
	{ "ike 4500, marker + 27", 0, { .proto = UDP, .dport = 4500, .pl_len = 31 }, NO(IKE_SHORT) },
	{ "ike 4500, marker only", 0, { .proto = UDP, .dport = 4500, .pl_len = 4 }, NO(IKE_SHORT) },
	/* natt_malformed */
	{ "4500 empty", 0, { .proto = UDP, .dport = 4500 }, NO(NATT_MALFORMED) },
	{ "4500 one byte 0x00", 0, { .proto = UDP, .dport = 4500, .pl_len = 1 }, NO(NATT_MALFORMED) },
	{ "4500 one byte 0xfe", 0, { .proto = UDP, .dport = 4500, .pl_len = 1, .pl = { 0xfe } }, NO(NATT_MALFORMED) },
	{ "4500 ff ff", 0, { .proto = UDP, .dport = 4500, .pl_len = 2, .pl = { 0xff, 0xff } }, NO(NATT_MALFORMED) },
	{ "4500 three bytes", 0, { .proto = UDP, .dport = 4500, .pl_len = 3, .pl = { 0xff, 0, 0 } }, NO(NATT_MALFORMED) },
	/* esp_short */
	{ "esp-in-udp 4 bytes", 0, { .proto = UDP, .dport = 4500, .pl_len = 4, SPI_PL }, NO(ESP_SHORT) },
	{ "esp-in-udp 7 bytes", 0, { .proto = UDP, .dport = 4500, .pl_len = 7, SPI_PL }, NO(ESP_SHORT) },
	{ "esp 7 bytes", 0, { .proto = ESP, .pl_len = 7, SPI_PL }, NO(ESP_SHORT) },
	{ "esp empty", 0, { .proto = ESP }, NO(ESP_SHORT) },
	{ "esp 7 bytes + padding", 0, { .proto = ESP, .pl_len = 7, SPI_PL, .pad = 20 }, NO(ESP_SHORT) },
	/* esp_spi_zero (RFC 4303 §2.1) */
	{ "esp SPI 0", 0, { .proto = ESP, .pl_len = 8 }, NO(ESP_SPI_ZERO) },
	{ "esp SPI 0, long", 0, { .proto = ESP, .pl_len = 48, .pl = { 0, 0, 0, 0, 0, 0, 0, 1 } }, NO(ESP_SPI_ZERO) },
	/* icmp_malformed */
	{ "icmp 7 bytes", 0, { .proto = ICMP, .pl_len = 7, ECHO_PL }, NO(ICMP_MALFORMED) },
	{ "icmp empty", 0, { .proto = ICMP }, NO(ICMP_MALFORMED) },
	{ "icmp 7 bytes + padding", 1, { .proto = ICMP, .dst = US_PRIV, .src = LAN_HOST, .pl_len = 7, ECHO_PL, .pad = 30 }, NO(ICMP_MALFORMED) },
	/* local_other */
	{ "tcp to us", 0, { .proto = 6, .pl_len = 20 }, NO(LOCAL_OTHER) },
	{ "udp 53 to us", 0, { .proto = UDP, .dport = 53, .pl_len = 12 }, NO(LOCAL_OTHER) },
	{ "udp 4501 to us", 0, { .proto = UDP, .dport = 4501, .pl_len = 8, SPI_PL }, NO(LOCAL_OTHER) },
	{ "udp sport 500 dport 501", 0, { .proto = UDP, .sport = 500, .dport = 501, .pl_len = 28 }, NO(LOCAL_OTHER) },
	{ "icmp echo reply", 0, { .proto = ICMP, .pl_len = 8, .pl = { 0, 0 } }, NO(LOCAL_OTHER) },
	{ "icmp echo code 1", 0, { .proto = ICMP, .pl_len = 8, .pl = { 8, 1 } }, NO(LOCAL_OTHER) },
	{ "icmp unreachable", 0, { .proto = ICMP, .pl_len = 36, .pl = { 3, 3 } }, NO(LOCAL_OTHER) },
	{ "ike 500 on private port", 1, { .proto = UDP, .dport = 500, .dst = US_PRIV, .src = LAN_HOST, .pl_len = 28 }, NO(LOCAL_OTHER) },
	{ "ike 500 to public addr via private port", 1, { .proto = UDP, .dport = 500, .src = LAN_HOST, .pl_len = 28 }, NO(LOCAL_OTHER) },
	{ "ike 4500 on private port", 1, { .proto = UDP, .dport = 4500, .dst = US_PRIV, .src = LAN_HOST, .pl_len = 32 }, NO(LOCAL_OTHER) },
	{ "keepalive on private port", 1, { .proto = UDP, .dport = 4500, .dst = US_PRIV, .src = LAN_HOST, .pl_len = 1, .pl = { 0xff } }, NO(LOCAL_OTHER) },
	{ "esp-in-udp on private port", 1, { .proto = UDP, .dport = 4500, .dst = US_PRIV, .src = LAN_HOST, .pl_len = 40, SPI_PL }, NO(LOCAL_OTHER) },
	{ "4500 empty on private port", 1, { .proto = UDP, .dport = 4500, .dst = US_PRIV, .src = LAN_HOST }, NO(LOCAL_OTHER) },
	{ "ike 500 short on private port", 1, { .proto = UDP, .dport = 500, .dst = US_PRIV, .src = LAN_HOST, .pl_len = 3 }, NO(LOCAL_OTHER) },
	{ "esp on private port", 1, { .proto = ESP, .dst = US_PRIV, .src = LAN_HOST, .pl_len = 40, SPI_PL }, NO(LOCAL_OTHER) },
	{ "esp short on private port", 1, { .proto = ESP, .dst = US_PRIV, .src = LAN_HOST, .pl_len = 3 }, NO(LOCAL_OTHER) },
	{ "esp on unconfigured port 2 (MAC 0, private)", 2, { .proto = ESP, .pl_len = 8, SPI_PL }, NO(LOCAL_OTHER) },
	{ "gre to us", 0, { .proto = 47, .pl_len = 4 }, NO(LOCAL_OTHER) },
	{ "IPv4-in-IPv4 to us, empty", 0, { .proto = 4 }, NO(LOCAL_OTHER) },
};

static void apply_poke(struct fb *f, const struct poke *p)
{
	uint32_t i;

	for (i = 0; i < p->width; i++)
		f->b[p->at + i] = (uint8_t)(p->val >> (8 * (p->width - 1 - i)));
}

static const uint8_t *dmac_of(uint8_t d, uint16_t port)
{
	switch (d) {
	case D_BCAST:
		return MAC_BCAST;
	case D_MCAST:
		return MAC_MCAST;
	case D_OTHER:
		return port == 1 ? MAC_US0 : MAC_OTHER;
	default:
		return port < ESPGW_MAX_PORTS ? ctx.port[port].mac : MAC_US0;
	}
}

/* Builds s into f; returns the datagram's total length (0 for non-IPv4). */
static uint32_t build(const struct spec *s, uint16_t port, struct fb *f)
{
	uint32_t i, tot = 0;
	uint16_t etype = s->kind == K_ARP ? PKT_ETHERTYPE_ARP :
			 s->kind == K_RAW ? s->etype : PKT_ETHERTYPE_IPV4;

	assert_true(s->pl_len <= FB_MAX / 2);
	eth(f, dmac_of(s->dmac, port), etype);
	if (s->kind == K_ARP)
		arp(f, s->arp_op ? s->arp_op : PKT_ARP_OP_REQUEST,
		    A(192, 0, 2, 2), US_PUB);
	if (s->kind == K_IPV4)
		ipv4(f, s->ihl ? s->ihl : 5, s->frag, s->proto,
		     s->src ? s->src : PEER, s->dst ? s->dst : US_PUB);
	if (s->kind == K_IPV4 && s->proto == UDP && !s->raw_l4)
		udp(f, s->sport ? s->sport : s->dport, s->dport);
	else
		f->l4 = f->len;
	for (i = 0; i < s->pl_len; i++)
		put8(f, i < sizeof(s->pl) ? s->pl[i] : 0);
	if (s->kind == K_IPV4 && s->proto == ICMP && s->pl_len >= 4) {
		set16(f, f->l4 + 2, 0);
		set16(f, f->l4 + 2, csum(f->b + f->l4, f->len - f->l4, 0));
	}
	if (s->kind == K_IPV4) {
		tot = (uint32_t)((int32_t)(f->len - f->l3) + s->tot_adj);
		set16(f, f->l3 + 2, (uint16_t)tot);
		if (s->proto == UDP && !s->raw_l4) {
			set16(f, f->l4 + 4, (uint16_t)(f->len - f->l4 + s->ulen_adj));
			udp_cksum(f);
		}
	}
	for (i = 0; i < RTE_DIM(s->poke); i++)
		apply_poke(f, &s->poke[i]);
	if (s->kind == K_IPV4) {
		ipv4_cksum(f);
		if (s->bad_cksum)
			f->b[f->l3 + 11] ^= 0x01;
	}
	fill(f, 0, s->pad);
	assert_true(s->cut <= f->len);
	f->len -= s->cut;
	return tot;
}

static void test_table(void **state)
{
	unsigned int fails = 0;
	size_t i;

	(void)state;
	for (i = 0; i < RTE_DIM(cases); i++) {
		const struct tcase *c = &cases[i];
		struct pkt_info got;
		struct fb f;
		uint32_t tot = build(&c->s, c->port, &f);

		got = classify_fb(c->port, &f);
		if (expect(c->name, (unsigned int)i + 1, &got, c->cls, c->drop) ||
		    expect_offsets(c->name, (unsigned int)i + 1, &got,
				   PKT_ETH_HDR_LEN, f.l4, tot))
			fails++;
	}
	print_message("%zu table cases\n", RTE_DIM(cases));
	assert_int_equal(fails, 0);
}

/* ---- IPv6: builder ------------------------------------------------------ */

enum { P6_PUB = 3, P6_PRIV = 4 }; /* the dual-stack ports */

/* IPv6 header with scapy's defaults (traffic class 0, flow label 0). */
static void ipv6(struct fb *f, uint8_t nh, uint8_t hlim, const uint8_t src[16],
		 const uint8_t dst[16])
{
	f->l3 = f->len;
	put32(f, 0x60000000);
	put16(f, 0);       /* payload length: ipv6_finish() */
	put8(f, nh);
	put8(f, hlim);
	put(f, src, 16);
	put(f, dst, 16);
	f->l4 = f->len;
}

static void ipv6_finish(struct fb *f)
{
	set16(f, f->l3 + 4, (uint16_t)(f->len - f->l3 - 40));
}

/* RFC 8200 §8.1 pseudo-header sum, then the n upper-layer bytes at l4. */
static uint16_t cksum6(const struct fb *f, uint8_t nh, uint32_t n)
{
	uint8_t ph[40] = { 0 };
	uint16_t c;

	memcpy(ph, f->b + f->l3 + 8, 32);
	ph[34] = (uint8_t)(n >> 8);
	ph[35] = (uint8_t)n;
	ph[39] = nh;
	c = csum(ph, sizeof(ph), 0);
	return csum(f->b + f->l4, n, (uint16_t)~c);
}

/* UDP checksum over the UDP length; 0 goes out as 0xffff (RFC 8200 §8.1). */
static void udp6_cksum(struct fb *f)
{
	uint16_t c;

	set16(f, f->l4 + 6, 0);
	c = cksum6(f, PKT_IPPROTO_UDP, get16(f, f->l4 + 4));
	set16(f, f->l4 + 6, c ? c : 0xffff);
}

static void udp6_finish(struct fb *f)
{
	set16(f, f->l4 + 4, (uint16_t)(f->len - f->l4));
	udp6_cksum(f);
}

static void icmp6_cksum(struct fb *f, uint32_t n)
{
	set16(f, f->l4 + 2, 0);
	set16(f, f->l4 + 2, cksum6(f, PKT_IPPROTO_ICMPV6, n));
}

static void icmp6_finish(struct fb *f)
{
	icmp6_cksum(f, f->len - f->l4);
}

static void f6_ike(struct fb *f)
{
	eth(f, MAC_US3, PKT_ETHERTYPE_IPV6);
	ipv6(f, PKT_IPPROTO_UDP, 64, PEER6, US6_PUB);
	udp(f, 500, 500);
	ike_hdr(f, 0x01, 0x00, 34, 0);
	ipv6_finish(f);
	udp6_finish(f);
}

static void f6_ike_natt(struct fb *f)
{
	eth(f, MAC_US3, PKT_ETHERTYPE_IPV6);
	ipv6(f, PKT_IPPROTO_UDP, 64, PEER6, US6_PUB);
	udp(f, 61234, 4500);
	put32(f, 0); /* non-ESP marker */
	ike_hdr(f, 0x01, 0x02, 35, 1);
	ipv6_finish(f);
	udp6_finish(f);
}

static void f6_keepalive(struct fb *f)
{
	eth(f, MAC_US3, PKT_ETHERTYPE_IPV6);
	ipv6(f, PKT_IPPROTO_UDP, 64, PEER6, US6_PUB);
	udp(f, 61234, 4500);
	put8(f, PKT_NATT_KEEPALIVE_BYTE);
	ipv6_finish(f);
	udp6_finish(f);
}

static void f6_esp_udp(struct fb *f)
{
	eth(f, MAC_US3, PKT_ETHERTYPE_IPV6);
	ipv6(f, PKT_IPPROTO_UDP, 64, PEER6, US6_PUB);
	udp(f, 61234, 4500);
	esp(f, 0x12345678, 1, 0xaa, 16);
	ipv6_finish(f);
	udp6_finish(f);
}

static void f6_esp(struct fb *f)
{
	eth(f, MAC_US3, PKT_ETHERTYPE_IPV6);
	ipv6(f, PKT_IPPROTO_ESP, 64, PEER6, US6_PUB);
	esp(f, 0x12345678, 1, 0xaa, 16);
	ipv6_finish(f);
}

static void f6_echo(struct fb *f)
{
	eth(f, MAC_US3, PKT_ETHERTYPE_IPV6);
	ipv6(f, PKT_IPPROTO_ICMPV6, 64, PEER6, US6_PUB);
	put8(f, PKT_ICMP6_ECHO_REQUEST);
	put8(f, 0);
	put16(f, 0);
	put16(f, 0x4242);
	put16(f, 7);
	put(f, "ping", 4);
	ipv6_finish(f);
	icmp6_finish(f);
}

/* NS/NA: type, code 0, checksum, flags/reserved, target, one LL option. */
static void nd_msg(struct fb *f, uint8_t type, uint32_t flags,
		   const uint8_t tgt[16], uint8_t opt)
{
	put8(f, type);
	put8(f, 0);
	put16(f, 0);
	put32(f, flags);
	put(f, tgt, 16);
	if (opt) {
		put8(f, opt);
		put8(f, 1); /* 8 bytes */
		put(f, MAC_PEER, 6);
	}
	ipv6_finish(f);
	icmp6_finish(f);
}

/* DAD (RFC 4862 §5.4.2): from ::, to the target's solicited-node group. */
static void f6_ns_dad(struct fb *f)
{
	static const uint8_t mac[6] = { 0x33, 0x33, 0xff, 0, 0, 0x01 };

	eth(f, mac, PKT_ETHERTYPE_IPV6);
	ipv6(f, PKT_IPPROTO_ICMPV6, 255, UNSPEC6, SNM_1);
	nd_msg(f, PKT_ICMP6_NEIGH_SOLICIT, 0, US6_PUB, 0);
}

/* Unicast NS (NUD) for our link-local, with the source's LL address. */
static void f6_ns(struct fb *f)
{
	eth(f, MAC_US3, PKT_ETHERTYPE_IPV6);
	ipv6(f, PKT_IPPROTO_ICMPV6, 255, PEER_LL, LL3);
	nd_msg(f, PKT_ICMP6_NEIGH_SOLICIT, 0, LL3, 1);
}

/* Unsolicited NA (override) to all-nodes. */
static void f6_na(struct fb *f)
{
	static const uint8_t mac[6] = { 0x33, 0x33, 0, 0, 0, 0x01 };

	eth(f, mac, PKT_ETHERTYPE_IPV6);
	ipv6(f, PKT_IPPROTO_ICMPV6, 255, PEER_LL, ALL_NODES);
	nd_msg(f, PKT_ICMP6_NEIGH_ADVERT, 0x20000000, PEER_LL, 2);
}

/* Transit from the protected network (port 4). */
static void f6_plain(struct fb *f)
{
	eth(f, MAC_US4, PKT_ETHERTYPE_IPV6);
	ipv6(f, PKT_IPPROTO_UDP, 64, LAN6, REMOTE6);
	udp(f, 53, 53);
	fill(f, 0, 20);
	ipv6_finish(f);
	udp6_finish(f);
}

/* ---- IPv6: the numbered case table -------------------------------------- */

enum { D_GRP = 10, D_GRP_BAD };  /* 33:33 + the group's low 32 bits, or not */

struct spec6 {
	uint8_t dmac;           /* D_US by default */
	uint8_t nh;
	bool raw_l4;            /* next header UDP without the builder's header */
	const uint8_t *src, *dst; /* NULL: PEER6, US6_PUB */
	uint8_t hlim;           /* 0: 64 */
	uint16_t sport, dport;  /* sport 0: same as dport */
	uint16_t pl_len;        /* UDP payload, or the IPv6 payload */
	uint8_t pl[48];
	int16_t plen_adj, ulen_adj;
	bool bad_cksum;         /* UDP or ICMPv6 checksum off by one bit */
	bool zero_cksum;        /* UDP checksum 0 */
	uint16_t pad, cut;
	struct poke poke[2];    /* applied after the checksums */
};

struct tcase6 {
	const char *name;
	uint16_t port;
	struct spec6 s;
	uint8_t cls, drop;
};

#define UDP6 PKT_IPPROTO_UDP
#define ICMP6 PKT_IPPROTO_ICMPV6
#define IP6_F(o) (14 + (o))
#define ECHO6_PL .pl = { 128, 0, 0, 0, 0x42, 0x42, 0, 7, 'p', 'i', 'n', 'g' }
/* NS/NA with their target: our public address, our link-local, the peer's */
#define NS_PUB .pl = { 135, [8] = 0x20, 0x01, 0x0d, 0xb8, 0, 1, [23] = 1 }
#define NS_LL3 .pl = { 135, [8] = 0xfe, 0x80, [19] = 0xff, [20] = 0xfe, [23] = 3 }
#define NA_PEER .pl = { 136, 0, 0, 0, 0x20, [8] = 0xfe, 0x80, [23] = 0xaa }
#define ND_OK .nh = ICMP6, .hlim = 255

static const struct tcase6 cases6[] = {
	/* DESIGN.md's table over IPv6 (public dual-stack port 3) */
	{ "v6 ike 500", P6_PUB, { .nh = UDP6, .dport = 500, .pl_len = 28 }, OK(IKE) },
	{ "v6 ike 500, longer", P6_PUB, { .nh = UDP6, .sport = 4500, .dport = 500, .pl_len = 47 }, OK(IKE) },
	{ "v6 ike 500 to our private address", P6_PUB, { .nh = UDP6, .dport = 500, .dst = US6_PRIV, .pl_len = 28 }, OK(IKE) },
	{ "v6 ike 500 from a link-local peer", P6_PUB, { .nh = UDP6, .dport = 500, .src = PEER_LL, .dst = LL3, .pl_len = 28 }, OK(IKE) },
	{ "v6 ike 500 padded", P6_PUB, { .nh = UDP6, .dport = 500, .pl_len = 28, .pad = 9 }, OK(IKE) },
	{ "v6 ike 500, IPv6 payload longer than UDP", P6_PUB, { .nh = UDP6, .dport = 500, .pl_len = 31, .ulen_adj = -3 }, OK(IKE) },
	{ "v6 ike 4500", P6_PUB, { .nh = UDP6, .sport = 61234, .dport = 4500, .pl_len = 32 }, OK(IKE_NATT) },
	{ "v6 ike 4500, odd length", P6_PUB, { .nh = UDP6, .dport = 4500, .pl_len = 33, .pl = { 0, 0, 0, 0, 0xff, 0xff, 0xff } }, OK(IKE_NATT) },
	{ "v6 keepalive", P6_PUB, { .nh = UDP6, .sport = 61234, .dport = 4500, .pl_len = 1, .pl = { 0xff } }, OK(NATT_KEEPALIVE) },
	{ "v6 keepalive padded", P6_PUB, { .nh = UDP6, .dport = 4500, .pl_len = 1, .pl = { 0xff }, .pad = 20 }, OK(NATT_KEEPALIVE) },
	{ "v6 esp-in-udp", P6_PUB, { .nh = UDP6, .dport = 4500, .pl_len = 48, SPI_PL }, OK(ESP_UDP) },
	{ "v6 esp-in-udp, header only", P6_PUB, { .nh = UDP6, .dport = 4500, .pl_len = 8, SPI_PL }, OK(ESP_UDP) },
	{ "v6 esp-in-udp, bad checksum not verified", P6_PUB, { .nh = UDP6, .dport = 4500, .pl_len = 48, SPI_PL, .bad_cksum = true }, OK(ESP_UDP) },
	{ "v6 esp", P6_PUB, { .nh = ESP, .pl_len = 48, SPI_PL }, OK(ESP) },
	{ "v6 esp, header only", P6_PUB, { .nh = ESP, .pl_len = 8, SPI_PL }, OK(ESP) },
	{ "v6 esp padded", P6_PUB, { .nh = ESP, .pl_len = 8, SPI_PL, .pad = 10 }, OK(ESP) },
	{ "v6 echo", P6_PUB, { .nh = ICMP6, .pl_len = 12, ECHO6_PL }, OK(ICMP_ECHO) },
	{ "v6 echo, header only", P6_PUB, { .nh = ICMP6, .pl_len = 8, ECHO6_PL }, OK(ICMP_ECHO) },
	{ "v6 echo, odd length", P6_PUB, { .nh = ICMP6, .pl_len = 13, ECHO6_PL }, OK(ICMP_ECHO) },
	{ "v6 echo to our link-local", P6_PUB, { .nh = ICMP6, .src = PEER_LL, .dst = LL3, .pl_len = 8, ECHO6_PL }, OK(ICMP_ECHO) },
	{ "v6 echo, private side", P6_PRIV, { .nh = ICMP6, .src = LAN6, .dst = US6_PRIV, .pl_len = 8, ECHO6_PL }, OK(ICMP_ECHO) },
	{ "v6 echo, hop limit 1", P6_PUB, { .nh = ICMP6, .hlim = 1, .pl_len = 8, ECHO6_PL }, OK(ICMP_ECHO) },
	/* ND (RFC 4861 §7.1): NS and NA, hop limit 255 */
	{ "ns to solicited-node", P6_PUB, { ND_OK, .src = PEER_LL, .dst = SNM_1, .dmac = D_GRP, .pl_len = 24, NS_PUB }, OK(ND) },
	{ "ns to solicited-node, unicast frame", P6_PUB, { ND_OK, .src = PEER_LL, .dst = SNM_1, .pl_len = 24, NS_PUB }, OK(ND) },
	{ "ns to solicited-node of our link-local", P6_PUB, { ND_OK, .src = PEER_LL, .dst = SNM_3, .dmac = D_GRP, .pl_len = 32, NS_LL3 }, OK(ND) },
	{ "ns unicast (NUD)", P6_PUB, { ND_OK, .src = PEER_LL, .dst = LL3, .pl_len = 32, NS_LL3 }, OK(ND) },
	{ "ns from a global address", P6_PUB, { ND_OK, .dst = US6_PUB, .pl_len = 24, NS_PUB }, OK(ND) },
	{ "ns DAD from ::", P6_PUB, { ND_OK, .src = UNSPEC6, .dst = SNM_1, .dmac = D_GRP, .pl_len = 24, NS_PUB }, OK(ND) },
	{ "ns DAD from ::, unicast frame", P6_PUB, { ND_OK, .src = UNSPEC6, .dst = SNM_1, .pl_len = 24, NS_PUB }, OK(ND) },
	{ "ns on the private port", P6_PRIV, { ND_OK, .src = LAN6, .dst = SNM_1, .dmac = D_GRP, .pl_len = 24, NS_PUB }, OK(ND) },
	{ "na to all-nodes", P6_PUB, { ND_OK, .src = PEER_LL, .dst = ALL_NODES, .dmac = D_GRP, .pl_len = 32, NA_PEER }, OK(ND) },
	{ "na unicast", P6_PUB, { ND_OK, .src = PEER_LL, .dst = LL3, .pl_len = 24, NA_PEER }, OK(ND) },
	{ "na to all-routers", P6_PRIV, { ND_OK, .src = LAN6, .dst = ALL_ROUTERS, .dmac = D_GRP, .pl_len = 24, NA_PEER }, OK(ND) },
	{ "ns padded", P6_PUB, { ND_OK, .src = PEER_LL, .dst = SNM_1, .dmac = D_GRP, .pl_len = 24, NS_PUB, .pad = 4 }, OK(ND) },
	/* transit: extension headers are not parsed */
	{ "v6 plain from LAN", P6_PRIV, { .nh = UDP6, .src = LAN6, .dst = REMOTE6, .dport = 53, .pl_len = 20 }, OK(PLAIN) },
	{ "v6 plain on the public side", P6_PUB, { .nh = 6, .src = REMOTE6, .dst = LAN6, .pl_len = 20 }, OK(PLAIN) },
	{ "v6 plain, hop-by-hop header", P6_PRIV, { .nh = 0, .src = LAN6, .dst = REMOTE6, .pl_len = 16, .pl = { 59, 1 } }, OK(PLAIN) },
	{ "v6 plain fragment", P6_PRIV, { .nh = 44, .src = LAN6, .dst = REMOTE6, .pl_len = 16, .pl = { 17, 0, 0, 1 } }, OK(PLAIN) },
	{ "v6 plain, no next header, empty", P6_PRIV, { .nh = 59, .src = LAN6, .dst = REMOTE6 }, OK(PLAIN) },
	{ "v6 plain ESP not to us, SPI 0", P6_PUB, { .nh = ESP, .dst = REMOTE6, .pl_len = 2 }, OK(PLAIN) },
	{ "v6 plain UDP 500 not to us, checksum 0", P6_PUB, { .nh = UDP6, .dst = REMOTE6, .dport = 500, .pl_len = 3, .zero_cksum = true }, OK(PLAIN) },
	{ "v6 plain, hop limit 0 (forwarding's call)", P6_PRIV, { .nh = 6, .src = LAN6, .dst = REMOTE6, .hlim = 0, .poke = { POKE8(IP6_F(7), 0) } }, OK(PLAIN) },
	{ "v6 plain to a host of our subnet", P6_PUB, { .nh = 6, .dst = (const uint8_t[16]){ 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 2 } }, OK(PLAIN) },
	{ "v6 plain from v4-mapped-like but not mapped", P6_PRIV, { .nh = 6, .src = (const uint8_t[16]){ [10] = 0xff, [11] = 0xfe, 1 }, .dst = REMOTE6 }, OK(PLAIN) },
	{ "v6 plain padded", P6_PRIV, { .nh = 6, .src = LAN6, .dst = REMOTE6, .pl_len = 4, .pad = 17 }, OK(PLAIN) },
	/* ethertype: IPv6 on a port without has_ipv6 */
	{ "v6 ike on IPv4-only port 0", 0, { .nh = UDP6, .dmac = D_US, .dport = 500, .pl_len = 28 }, NO(ETHERTYPE) },
	{ "v6 plain on IPv4-only port 1", 1, { .nh = 6, .src = LAN6, .dst = REMOTE6 }, NO(ETHERTYPE) },
	{ "v6 ns on unconfigured port 2", 2, { ND_OK, .src = PEER_LL, .dst = SNM_1, .dmac = D_GRP, .pl_len = 24, NS_PUB }, NO(ETHERTYPE) },
	/* l2_other_host, runt */
	{ "v6 unicast to another MAC", P6_PUB, { .nh = UDP6, .dport = 500, .pl_len = 28, .dmac = D_OTHER }, NO(L2_OTHER_HOST) },
	{ "v6 runt", P6_PUB, { .nh = 6, .cut = 40 + 1 }, NO(RUNT) },
	/* ip6_truncated */
	{ "v6 header 39 bytes", P6_PUB, { .nh = 6, .cut = 1 }, NO(IP6_TRUNCATED) },
	{ "v6 ethertype only", P6_PUB, { .nh = 6, .cut = 40 }, NO(IP6_TRUNCATED) },
	{ "v6 ns header 39 bytes in a group frame", P6_PUB, { ND_OK, .src = PEER_LL, .dst = SNM_1, .dmac = D_GRP, .cut = 1 }, NO(IP6_TRUNCATED) },
	/* ip6_version */
	{ "v6 version 4", P6_PUB, { .nh = UDP6, .dport = 500, .pl_len = 28, .poke = { POKE8(IP6_F(0), 0x40) } }, NO(IP6_VERSION) },
	{ "v6 version 0", P6_PRIV, { .nh = 6, .src = LAN6, .dst = REMOTE6, .poke = { POKE8(IP6_F(0), 0x00) } }, NO(IP6_VERSION) },
	{ "v6 version 15", P6_PUB, { ND_OK, .src = PEER_LL, .dst = SNM_1, .dmac = D_GRP, .pl_len = 24, NS_PUB, .poke = { POKE8(IP6_F(0), 0xf0) } }, NO(IP6_VERSION) },
	{ "v6 version 7, IPv4 ethertype-like bytes", P6_PUB, { .nh = ESP, .pl_len = 8, SPI_PL, .poke = { POKE8(IP6_F(0), 0x7f) } }, NO(IP6_VERSION) },
	/* ip6_payload_len */
	{ "v6 payload length one past the frame", P6_PUB, { .nh = UDP6, .dport = 500, .pl_len = 28, .plen_adj = 1 }, NO(IP6_PAYLOAD_LEN) },
	{ "v6 payload length 65535", P6_PRIV, { .nh = 6, .src = LAN6, .dst = REMOTE6, .pl_len = 20, .poke = { POKE16(IP6_F(4), 0xffff) } }, NO(IP6_PAYLOAD_LEN) },
	{ "v6 frame cut inside the payload", P6_PUB, { .nh = ESP, .pl_len = 16, SPI_PL, .cut = 1 }, NO(IP6_PAYLOAD_LEN) },
	{ "v6 payload length into padding", P6_PUB, { .nh = ESP, .pl_len = 8, SPI_PL, .plen_adj = 4, .pad = 3 }, NO(IP6_PAYLOAD_LEN) },
	/* ip6_martian_src */
	{ "v6 src multicast", P6_PUB, { .nh = UDP6, .dport = 500, .pl_len = 28, .src = ALL_NODES }, NO(IP6_MARTIAN_SRC) },
	{ "v6 src ::1", P6_PUB, { .nh = ESP, .pl_len = 8, SPI_PL, .src = LOOP6 }, NO(IP6_MARTIAN_SRC) },
	{ "v6 src v4-mapped", P6_PRIV, { .nh = 6, .src = MAPPED6, .dst = REMOTE6 }, NO(IP6_MARTIAN_SRC) },
	{ "v6 src is ours", P6_PUB, { .nh = UDP6, .dport = 500, .pl_len = 28, .src = US6_PUB }, NO(IP6_MARTIAN_SRC) },
	{ "v6 src is our link-local, transit", P6_PRIV, { .nh = 6, .src = LL4, .dst = REMOTE6 }, NO(IP6_MARTIAN_SRC) },
	{ "v6 src ::, transit", P6_PRIV, { .nh = 6, .src = UNSPEC6, .dst = REMOTE6 }, NO(IP6_MARTIAN_SRC) },
	{ "v6 src ::, ike to us", P6_PUB, { .nh = UDP6, .dport = 500, .pl_len = 28, .src = UNSPEC6 }, NO(IP6_MARTIAN_SRC) },
	{ "v6 src ::, esp to us", P6_PUB, { .nh = ESP, .pl_len = 8, SPI_PL, .src = UNSPEC6 }, NO(IP6_MARTIAN_SRC) },
	{ "v6 src ::, echo to us", P6_PUB, { .nh = ICMP6, .pl_len = 8, ECHO6_PL, .src = UNSPEC6 }, NO(IP6_MARTIAN_SRC) },
	{ "v6 src ::, na to all-nodes", P6_PUB, { ND_OK, .src = UNSPEC6, .dst = ALL_NODES, .dmac = D_GRP, .pl_len = 24, NA_PEER }, NO(IP6_MARTIAN_SRC) },
	{ "v6 src ::, fragment to us", P6_PUB, { .nh = 44, .src = UNSPEC6, .pl_len = 8 }, NO(IP6_MARTIAN_SRC) },
	/* ip6_dst_not_unicast */
	{ "v6 dst ::", P6_PUB, { .nh = UDP6, .dport = 500, .pl_len = 28, .dst = UNSPEC6 }, NO(IP6_DST_NOT_UNICAST) },
	{ "v6 dst ::1", P6_PUB, { .nh = ESP, .pl_len = 8, SPI_PL, .dst = LOOP6 }, NO(IP6_DST_NOT_UNICAST) },
	{ "v6 dst ff02::16 (MLDv2 reports)", P6_PUB, { .nh = 0, .dst = (const uint8_t[16]){ 0xff, 0x02, [15] = 0x16 }, .dmac = D_GRP, .pl_len = 8 }, NO(IP6_DST_NOT_UNICAST) },
	{ "v6 dst ff01::1 (interface-local)", P6_PUB, { .nh = ICMP6, .dst = (const uint8_t[16]){ 0xff, 0x01, [15] = 1 }, .dmac = D_GRP, .pl_len = 8, ECHO6_PL }, NO(IP6_DST_NOT_UNICAST) },
	{ "v6 dst ff05::2 (site-local routers)", P6_PRIV, { .nh = 6, .src = LAN6, .dst = (const uint8_t[16]){ 0xff, 0x05, [15] = 2 }, .dmac = D_GRP }, NO(IP6_DST_NOT_UNICAST) },
	{ "v6 dst ff0e::1 in a unicast frame", P6_PRIV, { .nh = UDP6, .src = LAN6, .dport = 9, .dst = (const uint8_t[16]){ 0xff, 0x0e, [15] = 1 } }, NO(IP6_DST_NOT_UNICAST) },
	{ "ns to a solicited-node group not ours", P6_PUB, { ND_OK, .src = PEER_LL, .dst = SNM_99, .dmac = D_GRP, .pl_len = 24, NS_PUB }, NO(IP6_DST_NOT_UNICAST) },
	{ "v6 udp to all-nodes", P6_PUB, { .nh = UDP6, .dport = 500, .pl_len = 28, .dst = ALL_NODES, .dmac = D_GRP }, NO(IP6_DST_NOT_UNICAST) },
	{ "v6 esp to a solicited-node group", P6_PUB, { .nh = ESP, .pl_len = 8, SPI_PL, .dst = SNM_1, .dmac = D_GRP }, NO(IP6_DST_NOT_UNICAST) },
	{ "v6 fragment to all-nodes", P6_PUB, { .nh = 44, .pl_len = 8, .dst = ALL_NODES, .dmac = D_GRP }, NO(IP6_DST_NOT_UNICAST) },
	{ "v6 in a broadcast frame", P6_PUB, { ND_OK, .src = PEER_LL, .dst = SNM_1, .dmac = D_BCAST, .pl_len = 24, NS_PUB }, NO(IP6_DST_NOT_UNICAST) },
	{ "v6 in an IPv4 multicast frame", P6_PUB, { ND_OK, .src = PEER_LL, .dst = ALL_NODES, .dmac = D_MCAST, .pl_len = 24, NA_PEER }, NO(IP6_DST_NOT_UNICAST) },
	{ "v6 33:33 frame not matching the group", P6_PUB, { ND_OK, .src = PEER_LL, .dst = SNM_1, .dmac = D_GRP_BAD, .pl_len = 24, NS_PUB }, NO(IP6_DST_NOT_UNICAST) },
	{ "v6 unicast dst in a 33:33 frame", P6_PUB, { .nh = UDP6, .dport = 500, .pl_len = 28, .dmac = D_GRP }, NO(IP6_DST_NOT_UNICAST) },
	{ "v6 broadcast frame, truncated header", P6_PUB, { .nh = 6, .dmac = D_BCAST, .cut = 30 }, NO(IP6_DST_NOT_UNICAST) },
	{ "v6 dst subnet-router anycast (public)", P6_PRIV, { .nh = 6, .src = LAN6, .dst = (const uint8_t[16]){ 0x20, 0x01, 0x0d, 0xb8, 0, 1 } }, NO(IP6_DST_NOT_UNICAST) },
	{ "v6 dst subnet-router anycast (private)", P6_PUB, { .nh = 6, .dst = (const uint8_t[16]){ 0xfd, 0, 0, 0, 0, 0, 0, 1 } }, NO(IP6_DST_NOT_UNICAST) },
	/* ip6_link_local_transit (RFC 4291 §2.5.6) */
	{ "v6 link-local src, transit", P6_PRIV, { .nh = 6, .src = (const uint8_t[16]){ 0xfe, 0x80, [15] = 0x50 }, .dst = REMOTE6 }, NO(IP6_LINK_LOCAL_TRANSIT) },
	{ "v6 link-local dst not ours", P6_PUB, { .nh = UDP6, .dport = 500, .pl_len = 28, .dst = PEER_LL }, NO(IP6_LINK_LOCAL_TRANSIT) },
	{ "v6 link-local dst fe80::/10 upper half", P6_PRIV, { .nh = 6, .src = LAN6, .dst = (const uint8_t[16]){ 0xfe, 0xbf, [15] = 1 } }, NO(IP6_LINK_LOCAL_TRANSIT) },
	{ "v6 port 3's link-local via port 4 is ours", P6_PRIV, { .nh = ICMP6, .src = LAN6, .dst = LL3, .pl_len = 8, ECHO6_PL }, OK(ICMP_ECHO) },
	/* ip6_ext_local: extension headers to us (RFC 7045 §2) */
	{ "v6 hop-by-hop to us", P6_PUB, { .nh = 0, .pl_len = 8, .pl = { 17 } }, NO(IP6_EXT_LOCAL) },
	{ "v6 routing header to us", P6_PUB, { .nh = 43, .pl_len = 8 }, NO(IP6_EXT_LOCAL) },
	{ "v6 fragment to us", P6_PUB, { .nh = 44, .pl_len = 8, .pl = { 17, 0, 0, 1 } }, NO(IP6_EXT_LOCAL) },
	{ "v6 fragment to us, private side", P6_PRIV, { .nh = 44, .src = LAN6, .dst = US6_PRIV, .pl_len = 8 }, NO(IP6_EXT_LOCAL) },
	{ "v6 AH to us", P6_PUB, { .nh = 51, .pl_len = 24 }, NO(IP6_EXT_LOCAL) },
	{ "v6 destination options to us", P6_PUB, { .nh = 60, .pl_len = 8 }, NO(IP6_EXT_LOCAL) },
	{ "v6 mobility header to us", P6_PUB, { .nh = 135, .pl_len = 8 }, NO(IP6_EXT_LOCAL) },
	{ "v6 HIP to us", P6_PUB, { .nh = 139, .pl_len = 8 }, NO(IP6_EXT_LOCAL) },
	{ "v6 shim6 to us", P6_PUB, { .nh = 140, .pl_len = 8 }, NO(IP6_EXT_LOCAL) },
	{ "v6 experimental 253 to us", P6_PUB, { .nh = 253 }, NO(IP6_EXT_LOCAL) },
	{ "v6 experimental 254 to us", P6_PUB, { .nh = 254, .pl_len = 8 }, NO(IP6_EXT_LOCAL) },
	/* udp_checksum: IKE and keepalives are verified */
	{ "v6 ike 500 bad checksum", P6_PUB, { .nh = UDP6, .dport = 500, .pl_len = 28, .bad_cksum = true }, NO(UDP_CHECKSUM) },
	{ "v6 ike 4500 bad checksum", P6_PUB, { .nh = UDP6, .dport = 4500, .pl_len = 32, .bad_cksum = true }, NO(UDP_CHECKSUM) },
	{ "v6 keepalive bad checksum", P6_PUB, { .nh = UDP6, .dport = 4500, .pl_len = 1, .pl = { 0xff }, .bad_cksum = true }, NO(UDP_CHECKSUM) },
	{ "v6 ike 500, checksum over the IPv6 payload not UDP length", P6_PUB, { .nh = UDP6, .dport = 500, .pl_len = 31, .pl = { [28] = 1, 2, 3 }, .ulen_adj = -3, .poke = { POKE8(IP6_F(40 + 8 + 28), 0x7f) } }, OK(IKE) },
	{ "v6 ike 500, a source bit flipped", P6_PUB, { .nh = UDP6, .dport = 500, .pl_len = 28, .poke = { POKE8(IP6_F(8 + 15), 0x06) } }, NO(UDP_CHECKSUM) },
	{ "v6 ike 500, destination changed to our other link-local", P6_PUB, { .nh = UDP6, .dport = 500, .pl_len = 28, .src = PEER_LL, .dst = LL3, .poke = { POKE8(IP6_F(24 + 15), 4) } }, NO(UDP_CHECKSUM) },
	/* udp_malformed */
	{ "v6 udp checksum 0, ike", P6_PUB, { .nh = UDP6, .dport = 500, .pl_len = 28, .zero_cksum = true }, NO(UDP_MALFORMED) },
	{ "v6 udp checksum 0, esp-in-udp", P6_PUB, { .nh = UDP6, .dport = 4500, .pl_len = 48, SPI_PL, .zero_cksum = true }, NO(UDP_MALFORMED) },
	{ "v6 udp checksum 0, keepalive", P6_PUB, { .nh = UDP6, .dport = 4500, .pl_len = 1, .pl = { 0xff }, .zero_cksum = true }, NO(UDP_MALFORMED) },
	{ "v6 udp checksum 0, private port", P6_PRIV, { .nh = UDP6, .src = LAN6, .dst = US6_PRIV, .dport = 53, .pl_len = 8, .zero_cksum = true }, NO(UDP_MALFORMED) },
	{ "v6 udp header 7 bytes", P6_PUB, { .nh = UDP6, .raw_l4 = true, .pl_len = 7, .pl = { 0x11, 0x94, 0x11, 0x94, 0, 7 } }, NO(UDP_MALFORMED) },
	{ "v6 udp length past the payload", P6_PUB, { .nh = UDP6, .dport = 500, .pl_len = 28, .ulen_adj = 1 }, NO(UDP_MALFORMED) },
	{ "v6 udp length 7", P6_PUB, { .nh = UDP6, .dport = 4500, .pl_len = 1, .pl = { 0xff }, .ulen_adj = -2 }, NO(UDP_MALFORMED) },
	{ "v6 udp length 0 (no jumbograms)", P6_PUB, { .nh = UDP6, .dport = 500, .pl_len = 28, .ulen_adj = -36 }, NO(UDP_MALFORMED) },
	/* ike_short, natt_malformed, esp_short, esp_spi_zero over IPv6 */
	{ "v6 ike 500, 27 bytes", P6_PUB, { .nh = UDP6, .dport = 500, .pl_len = 27 }, NO(IKE_SHORT) },
	{ "v6 ike 4500, marker + 27", P6_PUB, { .nh = UDP6, .dport = 4500, .pl_len = 31 }, NO(IKE_SHORT) },
	{ "v6 4500 empty", P6_PUB, { .nh = UDP6, .dport = 4500 }, NO(NATT_MALFORMED) },
	{ "v6 4500 one byte 0xfe", P6_PUB, { .nh = UDP6, .dport = 4500, .pl_len = 1, .pl = { 0xfe } }, NO(NATT_MALFORMED) },
	{ "v6 esp-in-udp 7 bytes", P6_PUB, { .nh = UDP6, .dport = 4500, .pl_len = 7, SPI_PL }, NO(ESP_SHORT) },
	{ "v6 esp 7 bytes", P6_PUB, { .nh = ESP, .pl_len = 7, SPI_PL }, NO(ESP_SHORT) },
	{ "v6 esp empty, padded", P6_PUB, { .nh = ESP, .pad = 10 }, NO(ESP_SHORT) },
	{ "v6 esp SPI 0", P6_PUB, { .nh = ESP, .pl_len = 8 }, NO(ESP_SPI_ZERO) },
	/* icmp_malformed: short, or checksum wrong (RFC 4443 §2.3) */
	{ "v6 icmp 7 bytes", P6_PUB, { .nh = ICMP6, .pl_len = 7, ECHO6_PL }, NO(ICMP_MALFORMED) },
	{ "v6 icmp empty", P6_PUB, { .nh = ICMP6 }, NO(ICMP_MALFORMED) },
	{ "v6 echo bad checksum", P6_PUB, { .nh = ICMP6, .pl_len = 12, ECHO6_PL, .bad_cksum = true }, NO(ICMP_MALFORMED) },
	{ "v6 echo bad checksum, private port", P6_PRIV, { .nh = ICMP6, .src = LAN6, .dst = US6_PRIV, .pl_len = 8, ECHO6_PL, .bad_cksum = true }, NO(ICMP_MALFORMED) },
	{ "v6 ns bad checksum", P6_PUB, { ND_OK, .src = PEER_LL, .dst = SNM_1, .dmac = D_GRP, .pl_len = 24, NS_PUB, .bad_cksum = true }, NO(ICMP_MALFORMED) },
	{ "v6 ns DAD bad checksum", P6_PUB, { ND_OK, .src = UNSPEC6, .dst = SNM_1, .dmac = D_GRP, .pl_len = 24, NS_PUB, .bad_cksum = true }, NO(ICMP_MALFORMED) },
	{ "v6 echo, checksum without the pseudo-header", P6_PUB, { .nh = ICMP6, .pl_len = 8, .pl = { 128, 0, 0x7f, 0xff } }, NO(ICMP_MALFORMED) },
	/* nd_malformed (RFC 4861 §7.1.1, §7.1.2) */
	{ "ns hop limit 254", P6_PUB, { .nh = ICMP6, .hlim = 254, .src = PEER_LL, .dst = SNM_1, .dmac = D_GRP, .pl_len = 24, NS_PUB }, NO(ND_MALFORMED) },
	{ "ns hop limit 64", P6_PUB, { .nh = ICMP6, .src = PEER_LL, .dst = LL3, .pl_len = 24, NS_LL3 }, NO(ND_MALFORMED) },
	{ "na hop limit 1", P6_PUB, { .nh = ICMP6, .hlim = 1, .src = PEER_LL, .dst = ALL_NODES, .dmac = D_GRP, .pl_len = 24, NA_PEER }, NO(ND_MALFORMED) },
	{ "ns code 1", P6_PUB, { ND_OK, .src = PEER_LL, .dst = SNM_1, .dmac = D_GRP, .pl_len = 24, .pl = { 135, 1 } }, NO(ND_MALFORMED) },
	{ "ns 23 bytes", P6_PUB, { ND_OK, .src = PEER_LL, .dst = SNM_1, .dmac = D_GRP, .pl_len = 23, NS_PUB }, NO(ND_MALFORMED) },
	{ "na 8 bytes", P6_PUB, { ND_OK, .src = PEER_LL, .dst = LL3, .pl_len = 8, NA_PEER }, NO(ND_MALFORMED) },
	{ "ns DAD to a unicast address", P6_PUB, { ND_OK, .src = UNSPEC6, .dst = US6_PUB, .pl_len = 24, NS_PUB }, NO(ND_MALFORMED) },
	{ "ns DAD to all-nodes", P6_PUB, { ND_OK, .src = UNSPEC6, .dst = ALL_NODES, .dmac = D_GRP, .pl_len = 24, NS_PUB }, NO(ND_MALFORMED) },
	/* local_other */
	{ "v6 router solicitation to all-routers", P6_PRIV, { ND_OK, .src = LAN6, .dst = ALL_ROUTERS, .dmac = D_GRP, .pl_len = 8, .pl = { 133 } }, NO(LOCAL_OTHER) },
	{ "v6 router advertisement", P6_PUB, { ND_OK, .src = PEER_LL, .dst = ALL_NODES, .dmac = D_GRP, .pl_len = 16, .pl = { 134 } }, NO(LOCAL_OTHER) },
	{ "v6 redirect", P6_PUB, { ND_OK, .src = PEER_LL, .dst = LL3, .pl_len = 40, .pl = { 137 } }, NO(LOCAL_OTHER) },
	{ "v6 echo to all-nodes", P6_PUB, { .nh = ICMP6, .src = PEER_LL, .dst = ALL_NODES, .dmac = D_GRP, .pl_len = 8, ECHO6_PL }, NO(LOCAL_OTHER) },
	{ "v6 echo reply", P6_PUB, { .nh = ICMP6, .pl_len = 8, .pl = { 129 } }, NO(LOCAL_OTHER) },
	{ "v6 echo code 1", P6_PUB, { .nh = ICMP6, .pl_len = 8, .pl = { 128, 1 } }, NO(LOCAL_OTHER) },
	{ "v6 packet too big", P6_PUB, { .nh = ICMP6, .pl_len = 48, .pl = { 2, 0, 0, 0, 0, 0, 5, 0 } }, NO(LOCAL_OTHER) },
	{ "v6 packet too big, bad checksum: not summed", P6_PUB, { .nh = ICMP6, .pl_len = 48, .pl = { 2, 0, 0, 0, 0, 0, 5, 0 }, .bad_cksum = true }, NO(LOCAL_OTHER) },
	{ "v6 echo code 1, bad checksum: not summed", P6_PUB, { .nh = ICMP6, .pl_len = 8, .pl = { 128, 1 }, .bad_cksum = true }, NO(LOCAL_OTHER) },
	{ "v6 tcp to us", P6_PUB, { .nh = 6, .pl_len = 20 }, NO(LOCAL_OTHER) },
	{ "v6 no next header to us", P6_PUB, { .nh = 59 }, NO(LOCAL_OTHER) },
	{ "v6 icmp (v4) to us", P6_PUB, { .nh = 1, .pl_len = 8, ECHO_PL }, NO(LOCAL_OTHER) },
	{ "v6 udp 53 to us", P6_PUB, { .nh = UDP6, .dport = 53, .pl_len = 12 }, NO(LOCAL_OTHER) },
	{ "v6 ike 500 on the private port", P6_PRIV, { .nh = UDP6, .src = LAN6, .dst = US6_PRIV, .dport = 500, .pl_len = 28 }, NO(LOCAL_OTHER) },
	{ "v6 ike 500 bad checksum on the private port", P6_PRIV, { .nh = UDP6, .src = LAN6, .dst = US6_PRIV, .dport = 500, .pl_len = 28, .bad_cksum = true }, NO(LOCAL_OTHER) },
	{ "v6 esp on the private port", P6_PRIV, { .nh = ESP, .src = LAN6, .dst = US6_PRIV, .pl_len = 8, SPI_PL }, NO(LOCAL_OTHER) },
};

static const uint8_t *dmac6_of(const struct spec6 *s, uint16_t port,
			       const uint8_t dst[16], uint8_t mac[6])
{
	switch (s->dmac) {
	case D_GRP:
	case D_GRP_BAD:
		pkt_ipv6_mcast_mac(dst, mac);
		if (s->dmac == D_GRP_BAD)
			mac[5] ^= 0x01;
		return mac;
	default:
		return dmac_of(s->dmac, port);
	}
}

/* Builds s into f; returns the IPv6 datagram's length (40 + payload). */
static uint32_t build6(const struct spec6 *s, uint16_t port, struct fb *f)
{
	const uint8_t *src = s->src ? s->src : PEER6;
	const uint8_t *dst = s->dst ? s->dst : US6_PUB;
	uint32_t i, plen, avail;
	uint8_t mac[6];

	assert_true(s->pl_len <= FB_MAX / 2);
	eth(f, dmac6_of(s, port, dst, mac), PKT_ETHERTYPE_IPV6);
	ipv6(f, s->nh, s->hlim ? s->hlim : 64, src, dst);
	if (s->nh == UDP6 && !s->raw_l4)
		udp(f, s->sport ? s->sport : s->dport, s->dport);
	for (i = 0; i < s->pl_len; i++)
		put8(f, i < sizeof(s->pl) ? s->pl[i] : 0);
	avail = f->len - f->l4;
	plen = (uint32_t)((int32_t)avail + s->plen_adj);
	set16(f, f->l3 + 4, (uint16_t)plen);
	if (s->nh == UDP6 && !s->raw_l4) {
		uint32_t ulen = (uint32_t)((int32_t)avail + s->ulen_adj);

		set16(f, f->l4 + 4, (uint16_t)ulen);
		if (ulen <= avail)
			udp6_cksum(f);
		if (s->zero_cksum)
			set16(f, f->l4 + 6, 0);
		if (s->bad_cksum)
			f->b[f->l4 + 7] ^= 0x01;
	}
	if (s->nh == ICMP6 && avail >= 4 && get16(f, f->l4 + 2) == 0) {
		icmp6_cksum(f, RTE_MIN(plen, avail));
		if (s->bad_cksum)
			f->b[f->l4 + 3] ^= 0x01;
	}
	for (i = 0; i < RTE_DIM(s->poke); i++)
		apply_poke(f, &s->poke[i]);
	fill(f, 0, s->pad);
	assert_true(s->cut <= f->len);
	f->len -= s->cut;
	return 40 + plen;
}

static struct pkt_info classify_ctx_n(const struct pkt_classify_ctx *c,
				      uint16_t port, const uint8_t *p,
				      uint32_t len)
{
	uint8_t *copy = malloc(len ? len : 1);
	struct pkt_info info;

	assert_non_null(copy);
	if (len)
		memcpy(copy, p, len);
	memset(&info, 0xa5, sizeof(info));
	pkt_classify_frame(c, port, copy, len, &info);
	free(copy);
	return info;
}

/* family and rsvd as the class says: 6 here, 0 for drops, rsvd always 0 */
static unsigned int expect_family(const char *what, unsigned int n,
				  const struct pkt_info *got, uint8_t family)
{
	uint8_t want = got->cls == PKT_CLASS_DROP || got->cls == PKT_CLASS_ARP ?
		       0 : family;

	if (got->family == want && got->rsvd == 0)
		return 0;
	print_error("%s %u: family %u rsvd %u, want %u\n", what, n, got->family,
		    got->rsvd, want);
	return 1;
}

static void test_table6(void **state)
{
	unsigned int fails = 0;
	size_t i;

	(void)state;
	for (i = 0; i < RTE_DIM(cases6); i++) {
		const struct tcase6 *c = &cases6[i];
		struct pkt_info got;
		struct fb f;
		uint32_t ip_len = build6(&c->s, c->port, &f);

		got = classify_fb(c->port, &f);
		if (expect(c->name, (unsigned int)i + 1, &got, c->cls, c->drop) ||
		    expect_offsets(c->name, (unsigned int)i + 1, &got,
				   PKT_ETH_HDR_LEN, f.l4, ip_len) ||
		    expect_family(c->name, (unsigned int)i + 1, &got, 6))
			fails++;
	}
	print_message("%zu IPv6 table cases\n", RTE_DIM(cases6));
	assert_int_equal(fails, 0);
}

/* Every class and every drop reason appears in the table at least once. */
static void test_table_coverage(void **state)
{
	bool cls[PKT_CLASS_MAX] = { false }, drop[PKT_DROP_MAX] = { false };
	size_t i;

	(void)state;
	for (i = 0; i < RTE_DIM(cases); i++) {
		cls[cases[i].cls] = true;
		drop[cases[i].drop] = true;
	}
	for (i = 0; i < RTE_DIM(cases6); i++) {
		cls[cases6[i].cls] = true;
		drop[cases6[i].drop] = true;
	}
	for (i = 0; i < PKT_CLASS_MAX; i++)
		if (!cls[i])
			fail_msg("class %s not in the table", pkt_class_names[i]);
	for (i = 0; i < PKT_DROP_MAX; i++)
		if (!drop[i])
			fail_msg("drop %s not in the table", pkt_drop_names[i]);
}

/* ---- names ------------------------------------------------------------- */

static void check_names(const char *const *names, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		const char *s = names[i];

		assert_non_null(s);
		assert_true(s[0] >= 'a' && s[0] <= 'z');
		for (j = 0; s[j]; j++)
			assert_true((s[j] >= 'a' && s[j] <= 'z') ||
				    (s[j] >= '0' && s[j] <= '9') || s[j] == '_');
		for (j = 0; j < i; j++)
			assert_string_not_equal(s, names[j]);
	}
}

static void test_names(void **state)
{
	size_t i;

	(void)state;
	check_names(pkt_class_names, PKT_CLASS_MAX);
	check_names(pkt_drop_names, PKT_DROP_MAX);
	for (i = 0; i < PKT_DROP_MAX; i++) {
		assert_non_null(pkt_drop_help[i]);
		assert_true(strlen(pkt_drop_help[i]) > 8);
		assert_null(strchr(pkt_drop_help[i], '\n'));
	}
	assert_string_equal(pkt_class_names[PKT_CLASS_DROP], "drop");
	assert_string_equal(pkt_class_names[PKT_CLASS_ESP_UDP], "esp_udp");
	assert_string_equal(pkt_class_names[PKT_CLASS_NATT_KEEPALIVE], "natt_keepalive");
	assert_string_equal(pkt_class_names[PKT_CLASS_ICMP_ECHO], "icmp_echo");
	assert_string_equal(pkt_drop_names[PKT_DROP_RUNT], "runt");
	assert_string_equal(pkt_drop_names[PKT_DROP_IP_CHECKSUM], "ip_checksum");
	assert_string_equal(pkt_drop_names[PKT_DROP_IP_DST_NOT_UNICAST], "ip_dst_not_unicast");
	assert_string_equal(pkt_drop_names[PKT_DROP_LOCAL_OTHER], "local_other");
}

/* ---- builder against scapy --------------------------------------------- */

struct scapy_vec {
	const char *expr; /* the scapy expression that printed hex */
	void (*build)(struct fb *f);
	const char *hex;
	uint8_t cls;
};

/*
 * Generated once with python3-scapy 2.5.0:
 *   E = Ether(dst="02:00:00:00:00:01", src="02:00:00:00:00:aa")
 *   I = IP(src="198.51.100.7", dst="192.0.2.1")
 *   bytes(E/I/...).hex()
 */
static const struct scapy_vec scapy_vecs[] = {
	{ "E/I/UDP(sport=500,dport=500)/IKEv2(init_SPI=b'\\x01'*8,exch_type=34,flags='Initiator')",
	  f_ike5,
	  "0200000000010200000000aa0800450000380001000040118e78c6336407c00002"
	  "0101f401f40024e939010101010101010100000000000000000020220800000000"
	  "0000001c", PKT_CLASS_IKE },
	{ "E/I/UDP(sport=61234,dport=4500)/Raw(b'\\x00'*4)/IKEv2(init_SPI=b'\\x01'*8,"
	  "resp_SPI=b'\\x02'*8,exch_type=35,flags='Initiator',id=1)",
	  f_ike_natt,
	  "0200000000010200000000aa08004500003c0001000040118e74c6336407c00002"
	  "01ef3211940028e34900000000010101010101010102020202020202020020230800"
	  "0000010000001c", PKT_CLASS_IKE_NATT },
	{ "E/I/UDP(sport=61234,dport=4500)/Raw(b'\\xff')",
	  f_keepalive,
	  "0200000000010200000000aa08004500001d0001000040118e93c6336407c00002"
	  "01ef321194000913d8ff", PKT_CLASS_NATT_KEEPALIVE },
	{ "E/I/UDP(sport=61234,dport=4500)/ESP(spi=0x12345678,seq=1,data=b'\\xaa'*16)",
	  f_esp_udp,
	  "0200000000010200000000aa0800450000340001000040118e7cc6336407c00002"
	  "01ef321194002054a81234567800000001aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	  PKT_CLASS_ESP_UDP },
	{ "E/I/ESP(spi=0x12345678,seq=1,data=b'\\xaa'*16)",
	  f_esp,
	  "0200000000010200000000aa08004500002c0001000040328e63c6336407c00002"
	  "011234567800000001aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", PKT_CLASS_ESP },
	{ "E/I/ICMP(type=8,code=0,id=0x4242,seq=7)/Raw(b'ping')",
	  f_icmp,
	  "0200000000010200000000aa0800450000200001000040018ea0c6336407c00002"
	  "010800d6e54242000770696e67", PKT_CLASS_ICMP_ECHO },
	{ "Ether(dst='ff:ff:ff:ff:ff:ff',src='02:00:00:00:00:aa')/ARP(op=1,"
	  "hwsrc='02:00:00:00:00:aa',psrc='192.0.2.2',hwdst='00:00:00:00:00:00',"
	  "pdst='192.0.2.1')",
	  f_arp,
	  "ffffffffffff0200000000aa080600010800060400010200000000aac0000202"
	  "000000000000c0000201", PKT_CLASS_ARP },
};

static uint32_t unhex(const char *h, uint8_t *out, uint32_t max)
{
	uint32_t n = 0;

	for (; h[0] && h[1]; h += 2) {
		unsigned int v;

		assert_true(n < max);
		assert_int_equal(sscanf(h, "%2x", &v), 1);
		out[n++] = (uint8_t)v;
	}
	return n;
}

static void test_scapy(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < RTE_DIM(scapy_vecs); i++) {
		const struct scapy_vec *v = &scapy_vecs[i];
		uint8_t want[FB_MAX];
		struct pkt_info got;
		struct fb f;
		uint32_t n = unhex(v->hex, want, sizeof(want));

		v->build(&f);
		if (f.len != n || memcmp(f.b, want, n) != 0)
			fail_msg("builder differs from scapy for %s", v->expr);
		got = classify_n(0, want, n);
		assert_int_equal(got.cls, v->cls);
		assert_int_equal(got.drop, PKT_DROP_NONE);
	}
}

/* ---- truncation at every length ---------------------------------------- */

static void (*const base_frames[])(struct fb *) = {
	f_ike5, f_ike15, f_ike_natt, f_keepalive, f_esp_udp, f_esp, f_icmp,
	f_arp,
};

static uint8_t truncated_reason(const struct fb *f, uint32_t len)
{
	bool is_arp = get16(f, 12) == PKT_ETHERTYPE_ARP;
	uint32_t hlen = (uint32_t)(f->b[14] & 0x0f) * 4;

	if (len < PKT_ETH_HDR_LEN)
		return PKT_DROP_RUNT;
	if (is_arp)
		return PKT_DROP_ARP_MALFORMED;
	if (len < PKT_ETH_HDR_LEN + hlen)
		return PKT_DROP_IP_TRUNCATED;
	return PKT_DROP_IP_TOTAL_LEN;
}

static void test_truncation(void **state)
{
	unsigned int fails = 0, runs = 0;
	size_t i;

	(void)state;
	for (i = 0; i < RTE_DIM(base_frames); i++) {
		struct pkt_info got;
		struct fb f;
		uint32_t len;

		base_frames[i](&f);
		got = classify_fb(0, &f);
		assert_int_not_equal(got.cls, PKT_CLASS_DROP);
		for (len = 0; len < f.len; len++, runs++) {
			got = classify_n(0, f.b, len);
			fails += expect("truncated frame", (unsigned int)(i * 1000 + len), &got,
					PKT_CLASS_DROP, truncated_reason(&f, len));
			fails += expect_offsets("truncated frame", (unsigned int)(i * 1000 + len),
						&got, 0, 0, 0);
		}
	}
	print_message("%u truncated frames\n", runs);
	assert_int_equal(fails, 0);
}

/*
 * Shrinking the payload with consistent IP and UDP lengths: the L4 rules
 * say which reason, never a read past the datagram.
 */
static void test_short_payloads(void **state)
{
	static const struct {
		uint8_t proto, raw_l4;
		uint16_t dport, max;
		uint8_t first; /* payload bytes are this, then zero */
		uint8_t short_reason, full_cls;
		uint16_t full_at;
	} s[] = {
		{ ESP, 0, 0, 16, 0x12, PKT_DROP_ESP_SHORT, PKT_CLASS_ESP, 8 },
		{ ICMP, 0, 0, 16, 8, PKT_DROP_ICMP_MALFORMED, PKT_CLASS_ICMP_ECHO, 8 },
		{ UDP, 1, 0, 8, 0x01, PKT_DROP_UDP_MALFORMED, PKT_CLASS_DROP, 99 },
		{ UDP, 0, 500, 40, 0x01, PKT_DROP_IKE_SHORT, PKT_CLASS_IKE, 28 },
		{ UDP, 0, 4500, 40, 0x00, PKT_DROP_NATT_MALFORMED, PKT_CLASS_DROP, 99 },
	};
	unsigned int fails = 0;
	size_t i;
	uint16_t p;

	(void)state;
	for (i = 0; i < RTE_DIM(s); i++) {
		for (p = 0; p <= s[i].max; p++) {
			struct spec sp = { .proto = s[i].proto,
					   .raw_l4 = s[i].raw_l4,
					   .dport = s[i].dport, .pl_len = p,
					   .pl = { s[i].first } };
			uint8_t cls = PKT_CLASS_DROP, drop = s[i].short_reason;
			struct pkt_info got;
			struct fb f;

			if (s[i].dport == 4500 && p >= 4)
				drop = p < 32 ? PKT_DROP_IKE_SHORT : PKT_DROP_NONE;
			if (s[i].dport == 4500 && p >= 32)
				cls = PKT_CLASS_IKE_NATT;
			if (p >= s[i].full_at) {
				cls = s[i].full_cls;
				drop = PKT_DROP_NONE;
			}
			build(&sp, 0, &f);
			got = classify_fb(0, &f);
			fails += expect("short payload", (unsigned int)(i * 1000 + p),
					&got, cls, drop);
		}
	}
	assert_int_equal(fails, 0);
}

/* ---- every UDP length field on port 4500 (and 500, and private) -------- */

static uint8_t udp_len_want(uint32_t ulen, uint32_t ip_pl, uint8_t first,
			    uint16_t dport, bool public, uint8_t *cls)
{
	uint32_t p = ulen - 8;

	*cls = PKT_CLASS_DROP;
	if (ulen < 8 || ulen > ip_pl)
		return PKT_DROP_UDP_MALFORMED;
	if (!public)
		return PKT_DROP_LOCAL_OTHER;
	if (dport == 500) {
		if (p < 28)
			return PKT_DROP_IKE_SHORT;
		*cls = PKT_CLASS_IKE;
		return PKT_DROP_NONE;
	}
	if (p == 1 && first == 0xff) {
		*cls = PKT_CLASS_NATT_KEEPALIVE;
		return PKT_DROP_NONE;
	}
	if (p < 4)
		return PKT_DROP_NATT_MALFORMED;
	if (first == 0) { /* the payload is all zero: marker */
		if (p < 32)
			return PKT_DROP_IKE_SHORT;
		*cls = PKT_CLASS_IKE_NATT;
		return PKT_DROP_NONE;
	}
	if (p < 8)
		return PKT_DROP_ESP_SHORT;
	*cls = PKT_CLASS_ESP_UDP;
	return PKT_DROP_NONE;
}

static void test_udp_len_all(void **state)
{
	static const struct {
		uint16_t port, dport;
		uint8_t first;
	} v[] = {
		{ 0, 4500, 0xff }, /* keepalive byte, then an ESP SPI */
		{ 0, 4500, 0x00 }, /* marker, then IKE */
		{ 0, 4500, 0x12 },
		{ 0, 500, 0x00 },
		{ 1, 4500, 0xff },
	};
	unsigned int fails = 0;
	size_t i;
	uint32_t ulen;

	(void)state;
	for (i = 0; i < RTE_DIM(v); i++) {
		struct spec sp = { .proto = UDP, .dport = v[i].dport,
				   .dst = v[i].port ? US_PRIV : US_PUB,
				   .src = v[i].port ? LAN_HOST : PEER,
				   .pl_len = 48,
				   .pl = { v[i].first, v[i].first, v[i].first, v[i].first },
				   .pad = 6 };
		struct fb f;

		build(&sp, v[i].port, &f);
		for (ulen = 0; ulen <= UINT16_MAX; ulen++) {
			struct pkt_info got;
			uint8_t cls, drop;

			set16(&f, f.l4 + 4, (uint16_t)ulen);
			drop = udp_len_want(ulen, 8 + 48, v[i].first, v[i].dport,
					    v[i].port == 0, &cls);
			pkt_classify_frame(&ctx, v[i].port, f.b, f.len, &got);
			fails += expect("udp length", ulen, &got, cls, drop);
			if (fails > 20)
				fail();
		}
		/* the boundary lengths again from exact-size heap copies */
		for (ulen = 0; ulen <= 8 + 48 + 8; ulen++) {
			struct pkt_info got;
			uint8_t cls, drop;

			set16(&f, f.l4 + 4, (uint16_t)ulen);
			drop = udp_len_want(ulen, 8 + 48, v[i].first, v[i].dport,
					    v[i].port == 0, &cls);
			got = classify_fb(v[i].port, &f);
			fails += expect("udp length (heap)", ulen, &got, cls, drop);
		}
	}
	assert_int_equal(fails, 0);
}

/* ---- IP options, padding, ports ---------------------------------------- */

static void test_ip_options(void **state)
{
	uint8_t ihl;

	(void)state;
	for (ihl = 5; ihl <= 15; ihl++) {
		struct pkt_info got;
		struct fb f;

		f_ike(&f, ihl);
		got = classify_fb(0, &f);
		assert_int_equal(got.cls, PKT_CLASS_IKE);
		assert_int_equal(got.l3_off, 14);
		assert_int_equal(got.l4_off, 14 + ihl * 4);
		assert_int_equal(got.payload_off, 14 + ihl * 4 + 8);
		assert_int_equal(got.ip_len, ihl * 4 + 8 + 28);
		if (ihl == 5)
			continue;
		/* the checksum covers the options */
		f.b[14 + 20] ^= 0x80;
		got = classify_fb(0, &f);
		assert_int_equal(got.drop, PKT_DROP_IP_CHECKSUM);
		/* a flat frame carries no NIC verdict: summed on port 1 too */
		memcpy(f.b, MAC_US1, 6);
		got = classify_fb(1, &f);
		assert_int_equal(got.drop, PKT_DROP_IP_CHECKSUM);
	}
}

static void test_padding(void **state)
{
	size_t i;
	uint32_t pad;

	(void)state;
	for (i = 0; i < RTE_DIM(base_frames); i++) {
		struct pkt_info want, got;
		struct fb f;
		uint32_t len;

		base_frames[i](&f);
		want = classify_fb(0, &f);
		len = f.len;
		for (pad = 1; pad <= 64; pad++) {
			fill(&f, (uint8_t)pad, 1); /* non-zero padding too */
			got = classify_fb(0, &f);
			assert_memory_equal(&got, &want, sizeof(got));
		}
		if (want.cls != PKT_CLASS_ARP)
			assert_int_equal(want.ip_len, len - 14);
	}
}

static void test_ports(void **state)
{
	static const uint16_t ports[] = { 2, 3, 31, 32, 33, 255, 1000, 0xffff };
	size_t i;

	(void)state;
	for (i = 0; i < RTE_DIM(ports); i++) {
		struct pkt_info got;
		struct fb f;

		f_arp(&f);
		got = classify_fb(ports[i], &f);
		if (ports[i] < ESPGW_MAX_PORTS)
			assert_int_equal(got.cls, PKT_CLASS_ARP);
		else
			assert_int_equal(got.drop, PKT_DROP_L2_OTHER_HOST);
		f_esp(&f);
		got = classify_fb(ports[i], &f);
		assert_int_equal(got.drop, PKT_DROP_L2_OTHER_HOST);
		got = classify_n(ports[i], f.b, 13);
		assert_int_equal(got.drop, PKT_DROP_RUNT);
	}
}

/* n_local beyond the array is clamped, not followed. */
static void test_n_local_clamped(void **state)
{
	struct pkt_classify_ctx *big = calloc(1, sizeof(*big));
	struct pkt_info got;
	struct fb f;

	(void)state;
	assert_non_null(big);
	*big = ctx;
	big->n_local = 1000000;
	big->local_addr[PKT_LOCAL_ADDR_MAX - 1] = REMOTE;
	f_esp(&f);
	pkt_classify_frame(big, 0, f.b, f.len, &got);
	assert_int_equal(got.cls, PKT_CLASS_ESP);
	big->n_local = 0; /* no address of ours: everything is transit */
	pkt_classify_frame(big, 0, f.b, f.len, &got);
	assert_int_equal(got.cls, PKT_CLASS_PLAIN);
	free(big);
}

/* ---- IPv6: builder against scapy ---------------------------------------- */

struct scapy6_vec {
	const char *expr;
	void (*build)(struct fb *f);
	uint16_t port;
	const char *hex;
	uint8_t cls;
};

/*
 * Generated once with python3-scapy 2.5.0:
 *   E = Ether(dst="02:00:00:00:00:03", src="02:00:00:00:00:aa")
 *   I = IPv6(src="2001:db8:99::7", dst="2001:db8:1::1")
 *   bytes(E/I/...).hex()
 */
static const struct scapy6_vec scapy6_vecs[] = {
	{ "E/I/UDP(sport=500,dport=500)/IKEv2(init_SPI=b'\\x01'*8,exch_type=34,flags='Initiator')",
	  f6_ike, P6_PUB,
	  "0200000000030200000000aa86dd600000000024114020010db8009900000000000000"
	  "00000720010db800010000000000000000000101f401f4002479620101010101010101"
	  "000000000000000000202208000000000000001c", PKT_CLASS_IKE },
	{ "E/I/UDP(sport=61234,dport=4500)/Raw(b'\\x00'*4)/IKEv2(init_SPI=b'\\x01'*8,"
	  "resp_SPI=b'\\x02'*8,exch_type=35,flags='Initiator',id=1)",
	  f6_ike_natt, P6_PUB,
	  "0200000000030200000000aa86dd600000000028114020010db8009900000000000000"
	  "00000720010db8000100000000000000000001ef32119400287372000000000101010101"
	  "010101020202020202020200202308000000010000001c", PKT_CLASS_IKE_NATT },
	{ "E/I/UDP(sport=61234,dport=4500)/Raw(b'\\xff')",
	  f6_keepalive, P6_PUB,
	  "0200000000030200000000aa86dd600000000009114020010db8009900000000000000"
	  "00000720010db8000100000000000000000001ef3211940009a400ff",
	  PKT_CLASS_NATT_KEEPALIVE },
	{ "E/I/UDP(sport=61234,dport=4500)/ESP(spi=0x12345678,seq=1,data=b'\\xaa'*16)",
	  f6_esp_udp, P6_PUB,
	  "0200000000030200000000aa86dd600000000020114020010db8009900000000000000"
	  "00000720010db8000100000000000000000001ef3211940020e4d01234567800000001"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", PKT_CLASS_ESP_UDP },
	{ "E/I/ESP(spi=0x12345678,seq=1,data=b'\\xaa'*16)",
	  f6_esp, P6_PUB,
	  "0200000000030200000000aa86dd600000000018324020010db8009900000000000000"
	  "00000720010db80001000000000000000000011234567800000001aaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaa", PKT_CLASS_ESP },
	{ "E/I/ICMPv6EchoRequest(id=0x4242,seq=7,data=b'ping')",
	  f6_echo, P6_PUB,
	  "0200000000030200000000aa86dd60000000000c3a4020010db8009900000000000000"
	  "00000720010db80001000000000000000000018000028b4242000770696e67",
	  PKT_CLASS_ICMP_ECHO },
	{ "Ether(dst='33:33:ff:00:00:01',src=...)/IPv6(src='::',dst='ff02::1:ff00:1',"
	  "hlim=255)/ICMPv6ND_NS(tgt='2001:db8:1::1')",
	  f6_ns_dad, P6_PUB,
	  "3333ff0000010200000000aa86dd6000000000183aff000000000000000000000000000"
	  "00000ff0200000000000000000001ff00000187004cec0000000020010db80001000000"
	  "00000000000001", PKT_CLASS_ND },
	{ "E/IPv6(src='fe80::aa',dst='fe80::ff:fe00:3',hlim=255)/ICMPv6ND_NS("
	  "tgt='fe80::ff:fe00:3')/ICMPv6NDOptSrcLLAddr(lladdr='02:00:00:00:00:aa')",
	  f6_ns, P6_PUB,
	  "0200000000030200000000aa86dd6000000000203afffe8000000000000000000000000"
	  "000aafe80000000000000000000fffe00000387007ac700000000fe8000000000000000"
	  "0000fffe00000301010200000000aa", PKT_CLASS_ND },
	{ "Ether(dst='33:33:00:00:00:01',src=...)/IPv6(src='fe80::aa',dst='ff02::1',"
	  "hlim=255)/ICMPv6ND_NA(tgt='fe80::aa',R=0,S=0,O=1)/ICMPv6NDOptDstLLAddr("
	  "lladdr='02:00:00:00:00:aa')",
	  f6_na, P6_PUB,
	  "3333000000010200000000aa86dd6000000000203afffe8000000000000000000000000"
	  "000aaff020000000000000000000000000001880055a020000000fe8000000000000000"
	  "000000000000aa02010200000000aa", PKT_CLASS_ND },
	{ "Ether(dst='02:00:00:00:00:04',src=...)/IPv6(src='fd00:0:0:1::50',"
	  "dst='2001:db8:77::9')/UDP(sport=53,dport=53)/Raw(b'\\x00'*20)",
	  f6_plain, P6_PRIV,
	  "0200000000040200000000aa86dd60000000001c1140fd0000000000000100000000000"
	  "0005020010db800770000000000000000000900350035001cd3c1000000000000000000"
	  "0000000000000000000000", PKT_CLASS_PLAIN },
};

static void test_scapy6(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < RTE_DIM(scapy6_vecs); i++) {
		const struct scapy6_vec *v = &scapy6_vecs[i];
		uint8_t want[FB_MAX];
		struct pkt_info got;
		struct fb f;
		uint32_t n = unhex(v->hex, want, sizeof(want));

		v->build(&f);
		if (f.len != n || memcmp(f.b, want, n) != 0)
			fail_msg("builder differs from scapy for %s", v->expr);
		got = classify_n(v->port, want, n);
		assert_int_equal(got.cls, v->cls);
		assert_int_equal(got.drop, PKT_DROP_NONE);
		assert_int_equal(got.family, 6);
		assert_int_equal(got.l3_off, 14);
		assert_int_equal(got.l4_off, 54);
		assert_int_equal(got.ip_len, n - 14);
	}
}

/* pkt_ipv6.h helpers; EUI-64 checked against scapy's in6_mactoifaceid(). */
static void test_ipv6_helpers(void **state)
{
	static const uint8_t mac2[6] = { 0x00, 0x1b, 0x21, 0x0a, 0xbc, 0xde };
	static const uint8_t ll2[16] = { 0xfe, 0x80, [8] = 0x02, 0x1b, 0x21, 0xff,
					 0xfe, 0x0a, 0xbc, 0xde };
	uint8_t a[16], mac[6];
	struct rte_ipv6_hdr h = { .hop_limits = 2 };

	(void)state;
	pkt_ipv6_link_local_from_mac(MAC_US3, a);
	assert_memory_equal(a, LL3, 16); /* fe80::ff:fe00:3 */
	pkt_ipv6_link_local_from_mac(mac2, a);
	assert_memory_equal(a, ll2, 16); /* fe80::21b:21ff:fe0a:bcde */
	assert_true(pkt_ipv6_addr_is_link_local(a));
	pkt_ipv6_solicited_node(US6_PUB, a);
	assert_memory_equal(a, SNM_1, 16);
	assert_true(pkt_ipv6_addr_is_solicited_node(a));
	assert_false(pkt_ipv6_addr_is_solicited_node(ALL_NODES));
	pkt_ipv6_mcast_mac(SNM_1, mac);
	assert_memory_equal(mac, ((const uint8_t[6]){ 0x33, 0x33, 0xff, 0, 0, 1 }), 6);
	assert_true(pkt_ipv6_addr_is_multicast(ALL_ROUTERS));
	assert_true(pkt_ipv6_addr_is_unspecified(UNSPEC6));
	assert_false(pkt_ipv6_addr_is_unspecified(LOOP6));
	assert_true(pkt_ipv6_addr_is_loopback(LOOP6));
	assert_true(pkt_ipv6_addr_is_v4mapped(MAPPED6));
	assert_false(pkt_ipv6_addr_is_v4mapped(US6_PUB));
	assert_false(pkt_ipv6_addr_is_link_local(US6_PRIV));
	assert_true(pkt_ipv6_addr_is_link_local(((const uint8_t[16]){ 0xfe, 0xbf })));
	assert_false(pkt_ipv6_addr_is_link_local(((const uint8_t[16]){ 0xfe, 0xc0 })));
	pkt_ipv6_hop_limit_decrement(&h);
	assert_int_equal(h.hop_limits, 1);
}

/* ---- IPv6: truncation, padding, short payloads, UDP lengths ------------- */

static void (*const base6_frames[])(struct fb *) = {
	f6_ike, f6_ike_natt, f6_keepalive, f6_esp_udp, f6_esp, f6_echo,
	f6_ns_dad, f6_ns, f6_na, f6_plain,
};

static uint16_t base6_port(const struct fb *f)
{
	return f->b[5] == 0x04 ? P6_PRIV : P6_PUB; /* f6_plain is for port 4 */
}

static void test_truncation6(void **state)
{
	unsigned int fails = 0, runs = 0;
	size_t i;

	(void)state;
	for (i = 0; i < RTE_DIM(base6_frames); i++) {
		struct pkt_info got;
		struct fb f;
		uint32_t len;
		uint16_t port;

		base6_frames[i](&f);
		port = base6_port(&f);
		got = classify_fb(port, &f);
		assert_int_not_equal(got.cls, PKT_CLASS_DROP);
		for (len = 0; len < f.len; len++, runs++) {
			uint8_t want = len < 14 ? PKT_DROP_RUNT :
				       len < 54 ? PKT_DROP_IP6_TRUNCATED :
				       PKT_DROP_IP6_PAYLOAD_LEN;

			got = classify_n(port, f.b, len);
			fails += expect("truncated v6 frame", (unsigned int)(i * 1000 + len),
					&got, PKT_CLASS_DROP, want);
			fails += expect_offsets("truncated v6 frame", (unsigned int)(i * 1000 + len),
						&got, 0, 0, 0);
			fails += expect_family("truncated v6 frame", (unsigned int)(i * 1000 + len),
					       &got, 0);
		}
	}
	print_message("%u truncated IPv6 frames\n", runs);
	assert_int_equal(fails, 0);
}

static void test_padding6(void **state)
{
	size_t i;
	uint32_t pad;

	(void)state;
	for (i = 0; i < RTE_DIM(base6_frames); i++) {
		struct pkt_info want, got;
		struct fb f;
		uint32_t len;
		uint16_t port;

		base6_frames[i](&f);
		port = base6_port(&f);
		want = classify_fb(port, &f);
		len = f.len;
		assert_int_equal(want.ip_len, len - 14);
		assert_int_equal(want.family, 6);
		for (pad = 1; pad <= 64; pad++) {
			fill(&f, (uint8_t)pad, 1); /* non-zero padding too */
			got = classify_fb(port, &f);
			assert_memory_equal(&got, &want, sizeof(got));
		}
	}
}

/* Consistent lengths and checksums, payload 0..max: the reason by size. */
static void test_short_payloads6(void **state)
{
	static const struct {
		uint8_t nh, hlim;
		uint16_t dport, max;
		const uint8_t *dst;
		uint8_t first; /* payload bytes are this, then zero */
		uint8_t short_reason, full_cls;
		uint16_t full_at;
	} s[] = {
		{ ESP, 0, 0, 16, NULL, 0x12, PKT_DROP_ESP_SHORT, PKT_CLASS_ESP, 8 },
		{ ICMP6, 0, 0, 16, NULL, 128, PKT_DROP_ICMP_MALFORMED, PKT_CLASS_ICMP_ECHO, 8 },
		{ ICMP6, 255, 0, 40, SNM_1, 135, PKT_DROP_ICMP_MALFORMED, PKT_CLASS_ND, 24 },
		{ ICMP6, 255, 0, 40, ALL_NODES, 136, PKT_DROP_ICMP_MALFORMED, PKT_CLASS_ND, 24 },
		{ UDP6, 0, 500, 40, NULL, 0x01, PKT_DROP_IKE_SHORT, PKT_CLASS_IKE, 28 },
		{ UDP6, 0, 4500, 40, NULL, 0x00, PKT_DROP_NATT_MALFORMED, PKT_CLASS_DROP, 99 },
	};
	unsigned int fails = 0;
	size_t i;
	uint16_t p;

	(void)state;
	for (i = 0; i < RTE_DIM(s); i++) {
		for (p = 0; p <= s[i].max; p++) {
			struct spec6 sp = { .nh = s[i].nh, .hlim = s[i].hlim,
					    .dport = s[i].dport, .dst = s[i].dst,
					    .dmac = s[i].dst ? D_GRP : D_US,
					    .src = s[i].dst ? PEER_LL : NULL,
					    .pl_len = p, .pl = { s[i].first } };
			uint8_t cls = PKT_CLASS_DROP, drop = s[i].short_reason;
			struct pkt_info got;
			struct fb f;

			if (s[i].full_cls == PKT_CLASS_ND && p >= 8)
				drop = PKT_DROP_ND_MALFORMED;
			if (s[i].dport == 4500 && p >= 4)
				drop = p < 32 ? PKT_DROP_IKE_SHORT : PKT_DROP_NONE;
			if (s[i].dport == 4500 && p >= 32)
				cls = PKT_CLASS_IKE_NATT;
			if (p >= s[i].full_at) {
				cls = s[i].full_cls;
				drop = PKT_DROP_NONE;
			}
			build6(&sp, P6_PUB, &f);
			got = classify_fb(P6_PUB, &f);
			fails += expect("short v6 payload", (unsigned int)(i * 1000 + p),
					&got, cls, drop);
		}
	}
	assert_int_equal(fails, 0);
}

/* Every UDP length, the checksum recomputed over it when it fits. */
static void test_udp_len_all6(void **state)
{
	static const struct {
		uint16_t port, dport;
		uint8_t first;
	} v[] = {
		{ P6_PUB, 4500, 0xff },
		{ P6_PUB, 4500, 0x00 },
		{ P6_PUB, 4500, 0x12 },
		{ P6_PUB, 500, 0x00 },
		{ P6_PRIV, 4500, 0xff },
	};
	unsigned int fails = 0;
	size_t i;
	uint32_t ulen;

	(void)state;
	for (i = 0; i < RTE_DIM(v); i++) {
		struct spec6 sp = { .nh = UDP6, .dport = v[i].dport,
				    .dst = v[i].port == P6_PRIV ? US6_PRIV : US6_PUB,
				    .src = v[i].port == P6_PRIV ? LAN6 : PEER6,
				    .pl_len = 48,
				    .pl = { v[i].first, v[i].first, v[i].first, v[i].first },
				    .pad = 6 };
		struct fb f;

		build6(&sp, v[i].port, &f);
		for (ulen = 0; ulen <= UINT16_MAX; ulen++) {
			struct pkt_info got;
			uint8_t cls, drop;

			set16(&f, f.l4 + 4, (uint16_t)ulen);
			if (ulen <= 8 + 48)
				udp6_cksum(&f);
			drop = udp_len_want(ulen, 8 + 48, v[i].first, v[i].dport,
					    v[i].port == P6_PUB, &cls);
			if (ulen <= 8 + 48 + 8) {
				got = classify_fb(v[i].port, &f);
				fails += expect("v6 udp length (heap)", ulen, &got, cls, drop);
			}
			pkt_classify_frame(&ctx, v[i].port, f.b, f.len, &got);
			fails += expect("v6 udp length", ulen, &got, cls, drop);
			if (fails > 20)
				fail();
		}
	}
	assert_int_equal(fails, 0);
}

/* 40 + payload length must fit ip_len (16 bits); a 64 KiB frame shows it. */
static void test_ip6_len_max(void **state)
{
	uint32_t len = 14 + 40 + 65535;
	uint8_t *b = calloc(1, len);
	struct pkt_info got;
	struct fb f;

	(void)state;
	assert_non_null(b);
	f6_plain(&f);
	memcpy(b, f.b, 14 + 40);
	b[14 + 4] = 0xff; /* payload length 65535: 65575 bytes in all */
	b[14 + 5] = 0xff;
	pkt_classify_frame(&ctx, P6_PRIV, b, len, &got);
	assert_int_equal(got.drop, PKT_DROP_IP6_PAYLOAD_LEN);
	b[14 + 5] = 0xd7; /* 65495: 65535 in all */
	pkt_classify_frame(&ctx, P6_PRIV, b, len, &got);
	assert_int_equal(got.cls, PKT_CLASS_PLAIN);
	assert_int_equal(got.ip_len, 65535);
	free(b);
}

/* IPv4 is classified the same on ports with has_ipv6 set. */
static void test_ipv4_on_dual_stack(void **state)
{
	struct pkt_classify_ctx *dual = calloc(1, sizeof(*dual));
	unsigned int fails = 0;
	size_t i;

	(void)state;
	assert_non_null(dual);
	*dual = ctx;
	for (i = 0; i < ESPGW_MAX_PORTS; i++)
		dual->port[i].has_ipv6 = 1;
	for (i = 0; i < RTE_DIM(cases); i++) {
		const struct tcase *c = &cases[i];
		struct pkt_info want, got;
		struct fb f;

		if (c->s.kind == K_RAW && c->s.etype == PKT_ETHERTYPE_IPV6)
			continue;
		build(&c->s, c->port, &f);
		want = classify_fb(c->port, &f);
		got = classify_ctx_n(dual, c->port, f.b, f.len);
		if (memcmp(&want, &got, sizeof(got)) != 0) {
			print_error("case %zu (%s) differs on a dual-stack port\n",
				    i + 1, c->name);
			fails++;
		}
		fails += expect_family(c->name, (unsigned int)i + 1, &want, 4);
	}
	free(dual);
	assert_int_equal(fails, 0);
}

/* n_local6 beyond the array is clamped; without addresses all is transit. */
static void test_n_local6_clamped(void **state)
{
	struct pkt_classify_ctx *big = calloc(1, sizeof(*big));
	struct pkt_info got;
	struct fb f;

	(void)state;
	assert_non_null(big);
	*big = ctx;
	big->n_local6 = 1000000;
	f6_esp(&f);
	got = classify_ctx_n(big, P6_PUB, f.b, f.len);
	assert_int_equal(got.cls, PKT_CLASS_ESP);
	memcpy(big->local6[PKT_LOCAL6_MAX - 1], PEER6, 16); /* the last is read */
	got = classify_ctx_n(big, P6_PUB, f.b, f.len);
	assert_int_equal(got.drop, PKT_DROP_IP6_MARTIAN_SRC);
	big->n_local6 = 0;
	got = classify_ctx_n(big, P6_PUB, f.b, f.len);
	assert_int_equal(got.cls, PKT_CLASS_PLAIN);
	f6_ns_dad(&f); /* no solicited-node group of ours left */
	got = classify_ctx_n(big, P6_PUB, f.b, f.len);
	assert_int_equal(got.drop, PKT_DROP_IP6_DST_NOT_UNICAST);
	/* /127 and /128 have no subnet-router anycast (RFC 6164) */
	*big = ctx;
	big->local6_prefix_len[0] = 127;
	{
		struct spec6 sp = { .nh = 6, .src = LAN6,
				    .dst = (const uint8_t[16]){ 0x20, 0x01, 0x0d, 0xb8, 0, 1 } };

		build6(&sp, P6_PRIV, &f);
		got = classify_ctx_n(big, P6_PRIV, f.b, f.len);
		assert_int_equal(got.cls, PKT_CLASS_PLAIN);
		big->local6_prefix_len[0] = 48; /* 2001:db8:1::/48 */
		got = classify_ctx_n(big, P6_PRIV, f.b, f.len);
		assert_int_equal(got.drop, PKT_DROP_IP6_DST_NOT_UNICAST);
		big->local6_prefix_len[0] = 32; /* 2001:db8::/32: ::1:0:... is a host */
		got = classify_ctx_n(big, P6_PRIV, f.b, f.len);
		assert_int_equal(got.cls, PKT_CLASS_PLAIN);
	}
	free(big);
}

/* ---- pkt_classify_burst on mbufs ---------------------------------------- */

static struct rte_mempool *pool;

static int eal_setup(void **state)
{
	(void)state;
	if (pool != NULL)
		return 0;
	pool = test_eal_start_pool("test_pkt", 255);
	return pool ? 0 : -1;
}

/* One mbuf, or two chained at `split` when 0 < split < len. */
static struct rte_mbuf *mbuf_of(const uint8_t *p, uint32_t len, uint16_t port,
				uint32_t split)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool), *t;
	uint32_t first = (split && split < len) ? split : len;
	char *d;

	assert_non_null(m);
	d = rte_pktmbuf_append(m, (uint16_t)first);
	assert_non_null(d);
	memcpy(d, p, first);
	m->port = port;
	if (first < len) {
		t = rte_pktmbuf_alloc(pool);
		assert_non_null(t);
		d = rte_pktmbuf_append(t, (uint16_t)(len - first));
		assert_non_null(d);
		memcpy(d, p + first, len - first);
		assert_int_equal(rte_pktmbuf_chain(m, t), 0);
	}
	return m;
}

static void padded(struct fb *f, uint32_t to)
{
	if (f->len < to)
		fill(f, 0, to - f->len);
}

static void test_burst_single(void **state)
{
	struct rte_mbuf *mb[4];
	struct pkt_info info[4];
	unsigned int avail = rte_mempool_avail_count(pool);
	struct fb f;
	int i;

	(void)state;
	f_keepalive(&f); /* 43 bytes, padded to 60 */
	padded(&f, 60);
	mb[0] = mbuf_of(f.b, f.len, 0, 0);
	f_ike(&f, 7);
	padded(&f, 128);
	mb[1] = mbuf_of(f.b, f.len, 0, 0);
	f_arp(&f);
	padded(&f, 60);
	mb[2] = mbuf_of(f.b, f.len, 1, 0);
	f_esp(&f);
	padded(&f, 60);
	mb[3] = mbuf_of(f.b, f.len, 1, 0); /* wrong MAC for port 1 */

	pkt_classify_burst(&ctx, mb, 4, info);

	assert_int_equal(info[0].cls, PKT_CLASS_NATT_KEEPALIVE);
	assert_int_equal(info[0].ip_len, 29);
	assert_int_equal(rte_pktmbuf_pkt_len(mb[0]), 43);
	assert_int_equal(rte_pktmbuf_data_len(mb[0]), 43);
	assert_int_equal(mb[0]->l2_len, 14);
	assert_int_equal(mb[0]->l3_len, 20);

	assert_int_equal(info[1].cls, PKT_CLASS_IKE);
	assert_int_equal(rte_pktmbuf_pkt_len(mb[1]), 14 + 28 + 8 + 28);
	assert_int_equal(rte_pktmbuf_data_len(mb[1]), 14 + 28 + 8 + 28);
	assert_int_equal(mb[1]->l2_len, 14);
	assert_int_equal(mb[1]->l3_len, 28);

	assert_int_equal(info[2].cls, PKT_CLASS_ARP);
	assert_int_equal(rte_pktmbuf_pkt_len(mb[2]), 60); /* ARP: not trimmed */
	assert_int_equal(mb[2]->l2_len, 14);
	assert_int_equal(mb[2]->l3_len, 28);

	assert_int_equal(info[3].drop, PKT_DROP_L2_OTHER_HOST);
	assert_int_equal(rte_pktmbuf_pkt_len(mb[3]), 60); /* drops untouched */
	assert_int_equal(mb[3]->l2_len, 0);
	assert_int_equal(mb[3]->l3_len, 0);

	for (i = 0; i < 4; i++)
		rte_pktmbuf_free(mb[i]);
	assert_int_equal(rte_mempool_avail_count(pool), avail);
}

/*
 * The NIC's IPv4 checksum verdict (mbuf ol_flags) is trusted only on a port
 * whose offload is on (port 1), and only when it says "good": "bad",
 * "unknown" and "none" are summed in software, as is everything on a port
 * without the offload (port 0), whatever its flags claim.
 */
static void test_burst_rx_cksum_offload(void **state)
{
	static const struct {
		uint16_t port;
		uint64_t flags;
		bool corrupt;
		uint8_t want;
	} c[] = {
		{ 1, RTE_MBUF_F_RX_IP_CKSUM_GOOD, true, PKT_DROP_LOCAL_OTHER },
		{ 1, RTE_MBUF_F_RX_IP_CKSUM_BAD, true, PKT_DROP_IP_CHECKSUM },
		{ 1, RTE_MBUF_F_RX_IP_CKSUM_UNKNOWN, true, PKT_DROP_IP_CHECKSUM },
		{ 1, RTE_MBUF_F_RX_IP_CKSUM_NONE, true, PKT_DROP_IP_CHECKSUM },
		{ 1, RTE_MBUF_F_RX_IP_CKSUM_BAD, false, PKT_DROP_LOCAL_OTHER },
		{ 0, RTE_MBUF_F_RX_IP_CKSUM_GOOD, true, PKT_DROP_IP_CHECKSUM },
		{ 0, RTE_MBUF_F_RX_IP_CKSUM_GOOD, false, PKT_DROP_NONE },
	};
	unsigned int avail = rte_mempool_avail_count(pool);
	size_t i;

	(void)state;
	for (i = 0; i < RTE_DIM(c); i++) {
		struct rte_mbuf *m;
		struct pkt_info info;
		struct fb f;

		f_ike(&f, 6);   /* to us, UDP port 500, options included */
		memcpy(f.b, c[i].port == 1 ? MAC_US1 : MAC_US0, 6);
		if (c[i].corrupt)
			f.b[14 + 20] ^= 0x80;   /* in the option: header only */
		m = mbuf_of(f.b, f.len, c[i].port, 0);
		m->ol_flags = c[i].flags;
		pkt_classify_burst(&ctx, &m, 1, &info);
		/* past the checksum: IKE on public port 0; private port 1
		 * takes no IKE (local_other) */
		assert_int_equal(info.drop, c[i].want);
		assert_int_equal(info.cls, c[i].want == PKT_DROP_NONE ?
				 PKT_CLASS_IKE : PKT_CLASS_DROP);
		rte_pktmbuf_free(m);
	}
	assert_int_equal(rte_mempool_avail_count(pool), avail);
}

static void test_burst_multiseg(void **state)
{
	struct rte_mbuf *mb[6];
	struct pkt_info info[6];
	unsigned int avail = rte_mempool_avail_count(pool);
	struct fb f;
	uint32_t full;
	int i;

	(void)state;
	/* 0: ESP-in-UDP split after the headers: pkt_len > data_len */
	f_esp_udp(&f);
	fill(&f, 0xbb, 200);
	set16(&f, f.l4 + 4, (uint16_t)(f.len - f.l4));
	ipv4_finish(&f);
	full = f.len;
	mb[0] = mbuf_of(f.b, f.len, 0, 60);
	/* 1: same with 10 bytes of padding in the last segment: trimmed */
	fill(&f, 0, 10);
	mb[1] = mbuf_of(f.b, f.len, 0, 60);
	/* 2: IP total length beyond pkt_len (but within the first segment) */
	f.len = full;
	set16(&f, f.l3 + 2, (uint16_t)(full - 14 + 1));
	ipv4_cksum(&f);
	mb[2] = mbuf_of(f.b, f.len, 0, 100);
	/* 3: only part of the IP header in the first segment */
	f_esp(&f);
	mb[3] = mbuf_of(f.b, f.len, 0, 30);
	/* 4: padding longer than the last segment: cannot trim, dropped */
	f_esp(&f);
	full = f.len;
	fill(&f, 0, 10);
	mb[4] = mbuf_of(f.b, f.len, 0, full + 5);
	/* 5: ESP SPI in the first segment, rest elsewhere */
	f_esp(&f);
	mb[5] = mbuf_of(f.b, f.len, 0, 14 + 20 + 8);

	pkt_classify_burst(&ctx, mb, 6, info);

	assert_int_equal(info[0].cls, PKT_CLASS_ESP_UDP);
	assert_int_equal(mb[0]->nb_segs, 2);
	assert_int_equal(rte_pktmbuf_pkt_len(mb[0]), 14 + 20 + 8 + 24 + 200);
	assert_int_equal(info[0].ip_len, 20 + 8 + 24 + 200);
	assert_int_equal(mb[0]->l2_len, 14);
	assert_int_equal(mb[0]->l3_len, 20);

	assert_int_equal(info[1].cls, PKT_CLASS_ESP_UDP);
	assert_int_equal(rte_pktmbuf_pkt_len(mb[1]), 14 + 20 + 8 + 24 + 200);
	assert_int_equal(rte_pktmbuf_data_len(mb[1]), 60);
	assert_int_equal(mb[1]->next->data_len, 14 + 20 + 8 + 24 + 200 - 60);

	assert_int_equal(info[2].drop, PKT_DROP_IP_TOTAL_LEN);
	assert_int_equal(info[3].drop, PKT_DROP_IP_TRUNCATED);
	assert_int_equal(info[4].drop, PKT_DROP_IP_TOTAL_LEN);
	assert_int_equal(rte_pktmbuf_pkt_len(mb[4]), 58 + 10); /* untouched */
	assert_int_equal(info[5].cls, PKT_CLASS_ESP);
	assert_int_equal(info[5].payload_off, 34);

	for (i = 0; i < 6; i++)
		rte_pktmbuf_free(mb[i]);
	assert_int_equal(rte_mempool_avail_count(pool), avail);
}

/* A full burst of the table's frames gives what the flat classify gives. */
static void test_burst_matches_frame(void **state)
{
	struct rte_mbuf *mb[ESPGW_MAX_BURST];
	struct pkt_info info[ESPGW_MAX_BURST], want[ESPGW_MAX_BURST];
	unsigned int avail = rte_mempool_avail_count(pool);
	size_t base, i, n;

	(void)state;
	for (base = 0; base < RTE_DIM(cases); base += n) {
		n = RTE_MIN(RTE_DIM(cases) - base, (size_t)ESPGW_MAX_BURST);
		for (i = 0; i < n; i++) {
			const struct tcase *c = &cases[base + i];
			struct fb f;

			build(&c->s, c->port, &f);
			want[i] = classify_fb(c->port, &f);
			mb[i] = mbuf_of(f.b, f.len, c->port, 0);
		}
		pkt_classify_burst(&ctx, mb, (uint16_t)n, info);
		for (i = 0; i < n; i++) {
			const struct tcase *c = &cases[base + i];

			if (memcmp(&info[i], &want[i], sizeof(info[i])) != 0)
				fail_msg("burst differs for case %zu (%s)",
					 base + i + 1, c->name);
			if (info[i].cls != PKT_CLASS_DROP &&
			    info[i].cls != PKT_CLASS_ARP)
				assert_int_equal(rte_pktmbuf_pkt_len(mb[i]),
						 14u + info[i].ip_len);
			rte_pktmbuf_free(mb[i]);
		}
	}
	assert_int_equal(rte_mempool_avail_count(pool), avail);
}

/*
 * IPv6 through mbufs: padding trimmed, l3_len 40, and the checksums summed
 * across segments for every split point (odd ones swap bytes, RFC 1071
 * §2(B)), with segment sums large enough to carry.
 */
static void test_burst6(void **state)
{
	struct rte_mbuf *mb[4];
	struct pkt_info info[4];
	unsigned int avail = rte_mempool_avail_count(pool);
	struct fb f;
	int i;

	(void)state;
	f6_keepalive(&f); /* 63 bytes */
	padded(&f, 80);
	mb[0] = mbuf_of(f.b, f.len, P6_PUB, 0);
	f6_ns_dad(&f);
	padded(&f, 128);
	mb[1] = mbuf_of(f.b, f.len, P6_PUB, 0);
	f6_plain(&f);
	padded(&f, 90);
	mb[2] = mbuf_of(f.b, f.len, P6_PRIV, 0);
	f6_esp(&f);
	memcpy(f.b, MAC_US0, 6);
	mb[3] = mbuf_of(f.b, f.len, 0, 0); /* IPv4-only port */

	pkt_classify_burst(&ctx, mb, 4, info);

	assert_int_equal(info[0].cls, PKT_CLASS_NATT_KEEPALIVE);
	assert_int_equal(info[0].family, 6);
	assert_int_equal(info[0].ip_len, 49);
	assert_int_equal(rte_pktmbuf_pkt_len(mb[0]), 63);
	assert_int_equal(rte_pktmbuf_data_len(mb[0]), 63);
	assert_int_equal(mb[0]->l2_len, 14);
	assert_int_equal(mb[0]->l3_len, 40);
	assert_int_equal(info[1].cls, PKT_CLASS_ND);
	assert_int_equal(rte_pktmbuf_pkt_len(mb[1]), 78);
	assert_int_equal(mb[1]->l3_len, 40);
	assert_int_equal(info[2].cls, PKT_CLASS_PLAIN);
	assert_int_equal(rte_pktmbuf_pkt_len(mb[2]), 82);
	assert_int_equal(info[3].drop, PKT_DROP_ETHERTYPE);
	assert_int_equal(rte_pktmbuf_pkt_len(mb[3]), 78);
	for (i = 0; i < 4; i++)
		rte_pktmbuf_free(mb[i]);
	assert_int_equal(rte_mempool_avail_count(pool), avail);
}

static void test_burst6_split_cksum(void **state)
{
	static void (*const build[])(struct fb *) = { f6_ike, f6_echo, f6_ns };
	unsigned int avail = rte_mempool_avail_count(pool);
	unsigned int fails = 0;
	size_t k;

	(void)state;
	for (k = 0; k < RTE_DIM(build) * 2; k++) {
		bool big = k >= RTE_DIM(build);
		struct fb f;
		uint32_t split, ck_off;
		uint8_t cls;

		build[k % RTE_DIM(build)](&f);
		if (big) { /* 0xff bytes: every segment's 16-bit sum carries */
			fill(&f, 0xff, 301);
			ipv6_finish(&f);
			if (f.b[20] == PKT_IPPROTO_UDP)
				udp6_finish(&f);
			else
				icmp6_finish(&f);
		}
		cls = classify_fb(P6_PUB, &f).cls;
		assert_int_not_equal(cls, PKT_CLASS_DROP);
		ck_off = f.l4 + (f.b[20] == PKT_IPPROTO_UDP ? 6 : 2);
		for (split = 14 + 40 + 8; split < f.len; split++) {
			struct rte_mbuf *m[2];
			struct pkt_info info[2];

			m[0] = mbuf_of(f.b, f.len, P6_PUB, split);
			f.b[ck_off + 1] ^= 0x10;
			m[1] = mbuf_of(f.b, f.len, P6_PUB, split);
			f.b[ck_off + 1] ^= 0x10;
			pkt_classify_burst(&ctx, m, 2, info);
			fails += expect("split checksum", (unsigned int)(k * 1000 + split),
					&info[0], cls, PKT_DROP_NONE);
			fails += expect("split bad checksum", (unsigned int)(k * 1000 + split),
					&info[1], PKT_CLASS_DROP,
					f.b[20] == PKT_IPPROTO_UDP ? PKT_DROP_UDP_CHECKSUM :
					PKT_DROP_ICMP_MALFORMED);
			rte_pktmbuf_free(m[0]);
			rte_pktmbuf_free(m[1]);
		}
	}
	assert_int_equal(fails, 0);
	assert_int_equal(rte_mempool_avail_count(pool), avail);
}

/* The IPv6 table through pkt_classify_burst gives what the flat call gives. */
static void test_burst6_matches_frame(void **state)
{
	struct rte_mbuf *mb[ESPGW_MAX_BURST];
	struct pkt_info info[ESPGW_MAX_BURST], want[ESPGW_MAX_BURST];
	unsigned int avail = rte_mempool_avail_count(pool);
	size_t base, i, n;

	(void)state;
	for (base = 0; base < RTE_DIM(cases6); base += n) {
		n = RTE_MIN(RTE_DIM(cases6) - base, (size_t)ESPGW_MAX_BURST);
		for (i = 0; i < n; i++) {
			const struct tcase6 *c = &cases6[base + i];
			struct fb f;

			build6(&c->s, c->port, &f);
			want[i] = classify_fb(c->port, &f);
			mb[i] = mbuf_of(f.b, f.len, c->port, 0);
		}
		pkt_classify_burst(&ctx, mb, (uint16_t)n, info);
		for (i = 0; i < n; i++) {
			const struct tcase6 *c = &cases6[base + i];

			if (memcmp(&info[i], &want[i], sizeof(info[i])) != 0)
				fail_msg("burst differs for v6 case %zu (%s)",
					 base + i + 1, c->name);
			if (info[i].cls != PKT_CLASS_DROP) {
				assert_int_equal(rte_pktmbuf_pkt_len(mb[i]),
						 14u + info[i].ip_len);
				assert_int_equal(mb[i]->l3_len, 40);
			}
			rte_pktmbuf_free(mb[i]);
		}
	}
	assert_int_equal(rte_mempool_avail_count(pool), avail);
}

static int group_teardown(void **state)
{
	(void)state;
	if (pool != NULL) {
		rte_mempool_free(pool);
		pool = NULL;
		rte_eal_cleanup();
	}
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_table_coverage),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_scapy),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_short_payloads),
		cmocka_unit_test(test_udp_len_all),
		cmocka_unit_test(test_ip_options),
		cmocka_unit_test(test_padding),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_n_local_clamped),
		cmocka_unit_test(test_table6),
		cmocka_unit_test(test_scapy6),
		cmocka_unit_test(test_ipv6_helpers),
		cmocka_unit_test(test_truncation6),
		cmocka_unit_test(test_padding6),
		cmocka_unit_test(test_short_payloads6),
		cmocka_unit_test(test_udp_len_all6),
		cmocka_unit_test(test_ip6_len_max),
		cmocka_unit_test(test_ipv4_on_dual_stack),
		cmocka_unit_test(test_n_local6_clamped),
		cmocka_unit_test_setup(test_burst_single, eal_setup),
		cmocka_unit_test_setup(test_burst_rx_cksum_offload, eal_setup),
		cmocka_unit_test_setup(test_burst_multiseg, eal_setup),
		cmocka_unit_test_setup(test_burst_matches_frame, eal_setup),
		cmocka_unit_test_setup(test_burst6, eal_setup),
		cmocka_unit_test_setup(test_burst6_split_cksum, eal_setup),
		cmocka_unit_test_setup(test_burst6_matches_frame, eal_setup),
	};

	return cmocka_run_group_tests_name("pkt", tests, NULL, group_teardown);
}
