/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for lib/pkt: pkt_classify_frame() on frames built byte by byte
 * here (numbered case table over DESIGN.md's classification table and every
 * drop reason, truncation at every length, every UDP length field), builder
 * output cross-checked against scapy, and pkt_classify_burst() on real mbufs.
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

/*
 * Port 0: public, checksum verified in software.
 * Port 1: private, NIC checked the checksum (verify off).
 * Port 2..: unconfigured (zero MAC, private).
 */
static struct pkt_classify_ctx ctx = {
	.local_addr = { US_PUB, US_PRIV },
	.local_prefix_len = { 24, 8 },  /* 192.0.2.0/24, 10.0.0.0/8 */
	.n_local = 2,
	.port = {
		[0] = { .mac = { 0x02, 0, 0, 0, 0, 0x01 }, .is_public = 1,
			.verify_ip_cksum = 1 },
		[1] = { .mac = { 0x02, 0, 0, 0, 0, 0x02 }, .is_public = 0,
			.verify_ip_cksum = 0 },
	},
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
	{ "icmp echo, bad cksum, NIC verified", 1, { .proto = ICMP, .src = LAN_HOST, .dst = US_PRIV, .pl_len = 8, ECHO_PL, .bad_cksum = true }, OK(ICMP_ECHO) },
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
		/* ...unless the NIC checked it: port 1, private */
		memcpy(f.b, MAC_US1, 6);
		got = classify_fb(1, &f);
		assert_int_equal(got.drop, PKT_DROP_LOCAL_OTHER);
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
		cmocka_unit_test_setup(test_burst_single, eal_setup),
		cmocka_unit_test_setup(test_burst_multiseg, eal_setup),
		cmocka_unit_test_setup(test_burst_matches_frame, eal_setup),
	};

	return cmocka_run_group_tests_name("pkt", tests, NULL, group_teardown);
}
