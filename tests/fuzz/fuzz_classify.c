/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for pkt_classify_frame(). The first input byte picks the
 * ingress port (0 public with checksum check, 1 private, 2 unconfigured,
 * 3 public dual-stack, 4 private dual-stack), the rest is the frame;
 * libFuzzer's exact-size buffer lets ASan catch any read past it. Also
 * checks the invariants the next stages rely on.
 * Seeds: tests/fuzz/corpus/classify/ (scapy-made frames, port byte first).
 * The IPv6 ones (v6_*.bin) are, with E = Ether(dst="02:00:00:00:00:03",
 * src="02:00:00:00:00:aa"), I = IPv6(src="2001:db8:99::7",
 * dst="2001:db8:1::1"), port byte 3 unless noted:
 *   v6_ike: E/I/UDP(sport=500,dport=500)/IKEv2(init_SPI=b'\x01'*8)
 *   v6_ike_natt: E/I/UDP(sport=61234,dport=4500)/Raw(b'\0'*4)/IKEv2(...)
 *   v6_keepalive: E/I/UDP(sport=61234,dport=4500)/Raw(b'\xff')
 *   v6_esp_udp: E/I/UDP(sport=61234,dport=4500)/ESP(spi=0x12345678,seq=1,data=b'\xaa'*16)
 *   v6_esp: E/I/ESP(spi=0x12345678,seq=1,data=b'\xaa'*16)
 *   v6_echo: E/I/ICMPv6EchoRequest(id=0x4242,seq=7,data=b'ping')
 *   v6_ns_dad: Ether(dst="33:33:ff:00:00:01")/IPv6(src="::",dst="ff02::1:ff00:1",
 *              hlim=255)/ICMPv6ND_NS(tgt="2001:db8:1::1")
 *   v6_ns: E/IPv6(src="fe80::aa",dst="fe80::ff:fe00:3",hlim=255)/
 *          ICMPv6ND_NS(tgt="fe80::ff:fe00:3")/ICMPv6NDOptSrcLLAddr(lladdr=...)
 *   v6_na: Ether(dst="33:33:00:00:00:01")/IPv6(src="fe80::aa",dst="ff02::1",
 *          hlim=255)/ICMPv6ND_NA(tgt="fe80::aa",R=0,S=0,O=1)/ICMPv6NDOptDstLLAddr(...)
 *   v6_plain (port 4): Ether(dst="02:00:00:00:00:04")/IPv6(src="fd00:0:0:1::50",
 *          dst="2001:db8:77::9")/UDP(sport=53,dport=53)/Raw(b'\0'*20)
 *   v6_plain_hbh (port 4): the same with IPv6ExtHdrHopByHop() first
 */
#include <stddef.h>
#include <stdint.h>

#include "lib/pkt/pkt_classify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define A(a, b, c, d) \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

enum { N_PORTS = 5 };

static const struct pkt_classify_ctx ctx = {
	.local_addr = { A(192, 0, 2, 1), A(10, 0, 0, 1) },
	.n_local = 2,
	.port = {
		[0] = { .mac = { 0x02, 0, 0, 0, 0, 0x01 }, .is_public = 1,
			.rx_ip_cksum_offload = 0 },
		[1] = { .mac = { 0x02, 0, 0, 0, 0, 0x02 }, .is_public = 0,
			.rx_ip_cksum_offload = 1 },
		/* [2]: zero MAC, private, no checksum check, IPv4 only */
		[3] = { .mac = { 0x02, 0, 0, 0, 0, 0x03 }, .is_public = 1,
			.rx_ip_cksum_offload = 0, .has_ipv6 = 1 },
		[4] = { .mac = { 0x02, 0, 0, 0, 0, 0x04 }, .is_public = 0,
			.rx_ip_cksum_offload = 0, .has_ipv6 = 1 },
	},
	.local6 = {
		{ 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 1 },  /* 2001:db8:1::1 */
		{ 0xfd, 0, 0, 0, 0, 0, 0, 1, [15] = 1 },     /* fd00:0:0:1::1 */
		{ 0xfe, 0x80, [11] = 0xff, [12] = 0xfe, [15] = 3 }, /* port 3 LL */
		{ 0xfe, 0x80, [11] = 0xff, [12] = 0xfe, [15] = 4 }, /* port 4 LL */
	},
	.local6_prefix_len = { 64, 64, 64, 64 },
	.n_local6 = 4,
};

static void check(int ok)
{
	if (!ok)
		__builtin_trap();
}

/* IPv6 invariants; `f` is the frame, the datagram already checked in it. */
static void check_ipv6(const uint8_t *f, const struct pkt_info *info)
{
	const uint8_t *src = f + 14 + 8, *dst = f + 14 + 24;
	uint8_t nh = f[14 + 6], hlim = f[14 + 7];

	check(f[12] == 0x86 && f[13] == 0xdd && (f[14] >> 4) == 6);
	check(info->l4_off == info->l3_off + 40 && info->ip_len >= 40);
	check(info->ip_len == 40u + (uint32_t)(f[14 + 4] << 8 | f[14 + 5]));
	check(src[0] != 0xff);                    /* never a multicast source */
	if (info->cls == PKT_CLASS_PLAIN) {       /* never link-local transit */
		check(!(src[0] == 0xfe && (src[1] & 0xc0) == 0x80));
		check(!(dst[0] == 0xfe && (dst[1] & 0xc0) == 0x80));
		check(dst[0] != 0xff);
		return;
	}
	if (info->cls == PKT_CLASS_ND) {
		check(nh == 58 && hlim == 255 && info->ip_len >= 40 + 24);
		check(f[info->l4_off] == 135 || f[info->l4_off] == 136);
		return;
	}
	check(dst[0] != 0xff);                    /* groups are for ND only */
	switch (info->cls) {
	case PKT_CLASS_IKE:
	case PKT_CLASS_IKE_NATT:
	case PKT_CLASS_NATT_KEEPALIVE:
	case PKT_CLASS_ESP_UDP:
		check(nh == 17);
		check((f[info->l4_off + 6] | f[info->l4_off + 7]) != 0);
		break;
	case PKT_CLASS_ESP:
		check(nh == 50);
		break;
	case PKT_CLASS_ICMP_ECHO:
		check(nh == 58 && f[info->l4_off] == 128);
		break;
	default:
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *f = data + 1;
	struct pkt_info info;
	uint16_t port;
	uint32_t len;

	if (size < 1 || size - 1 > UINT32_MAX)
		return 0;
	len = (uint32_t)(size - 1);
	port = data[0] % N_PORTS;
	pkt_classify_frame(&ctx, port, f, len, &info);

	check(info.cls < PKT_CLASS_MAX && info.drop < PKT_DROP_MAX);
	check(info.rsvd == 0);
	if (info.cls == PKT_CLASS_DROP) {
		check(info.drop != PKT_DROP_NONE && info.family == 0);
		return 0;
	}
	check(info.drop == PKT_DROP_NONE);
	check(info.l3_off == 14);
	if (info.cls == PKT_CLASS_ARP) {
		check(len >= 14 + 28 && info.family == 0);
		return 0;
	}
	check(info.family == 4 || info.family == 6);
	check(info.family == 4 || ctx.port[port].has_ipv6);
	/* the datagram lies within the frame, headers in order */
	if (info.family == 4)
		check(info.l4_off >= info.l3_off + 20 &&
		      info.l4_off <= info.l3_off + 60);
	check(info.payload_off >= info.l4_off);
	check((uint32_t)info.l3_off + info.ip_len <= len);
	check(info.l4_off <= info.l3_off + info.ip_len);
	if (info.family == 6)
		check_ipv6(f, &info);
	/* IKE and ESP are for the public ports only */
	check(info.cls == PKT_CLASS_PLAIN || info.cls == PKT_CLASS_ICMP_ECHO ||
	      info.cls == PKT_CLASS_ND || ctx.port[port].is_public);
	switch (info.cls) {
	case PKT_CLASS_IKE:
		check(info.payload_off + 28u <= info.l3_off + info.ip_len);
		break;
	case PKT_CLASS_IKE_NATT:
		check(info.payload_off + 32u <= info.l3_off + info.ip_len);
		break;
	case PKT_CLASS_NATT_KEEPALIVE:
		check(f[info.payload_off] == 0xff);
		break;
	case PKT_CLASS_ESP_UDP:
	case PKT_CLASS_ESP:
		check(info.payload_off + 8u <= info.l3_off + info.ip_len);
		check((f[info.payload_off] | f[info.payload_off + 1] |
		       f[info.payload_off + 2] | f[info.payload_off + 3]) != 0);
		break;
	case PKT_CLASS_ICMP_ECHO:
		check(f[info.l4_off] == (info.family == 4 ? 8 : 128));
		break;
	case PKT_CLASS_ND:
		check(info.family == 6 &&
		      info.payload_off + 16u <= info.l3_off + info.ip_len);
		break;
	default:
		break;
	}
	return 0;
}
