/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for pkt_classify_frame(). The first input byte picks the
 * ingress port (0 public with checksum check, 1 private, 2 unconfigured),
 * the rest is the frame; libFuzzer's exact-size buffer lets ASan catch any
 * read past it. Also checks the invariants the next stages rely on.
 * Seeds: tests/fuzz/corpus/classify/ (scapy-made frames, port byte first).
 */
#include <stddef.h>
#include <stdint.h>

#include "lib/pkt/pkt_classify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define A(a, b, c, d) \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

static const struct pkt_classify_ctx ctx = {
	.local_addr = { A(192, 0, 2, 1), A(10, 0, 0, 1) },
	.n_local = 2,
	.port = {
		[0] = { .mac = { 0x02, 0, 0, 0, 0, 0x01 }, .is_public = 1,
			.verify_ip_cksum = 1 },
		[1] = { .mac = { 0x02, 0, 0, 0, 0, 0x02 }, .is_public = 0,
			.verify_ip_cksum = 0 },
		/* [2]: zero MAC, private, no checksum check */
	},
};

static void check(int ok)
{
	if (!ok)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pkt_info info;
	uint32_t len;

	if (size < 1 || size - 1 > UINT32_MAX)
		return 0;
	len = (uint32_t)(size - 1);
	pkt_classify_frame(&ctx, data[0] % 3, data + 1, len, &info);

	check(info.cls < PKT_CLASS_MAX && info.drop < PKT_DROP_MAX);
	if (info.cls == PKT_CLASS_DROP) {
		check(info.drop != PKT_DROP_NONE);
		return 0;
	}
	check(info.drop == PKT_DROP_NONE);
	check(info.l3_off == 14);
	if (info.cls == PKT_CLASS_ARP) {
		check(len >= 14 + 28);
		return 0;
	}
	/* the datagram lies within the frame, headers in order */
	check(info.l4_off >= info.l3_off + 20 && info.l4_off <= info.l3_off + 60);
	check(info.payload_off >= info.l4_off);
	check((uint32_t)info.l3_off + info.ip_len <= len);
	check(info.l4_off <= info.l3_off + info.ip_len);
	/* IKE and ESP are for the public port only */
	check(info.cls == PKT_CLASS_PLAIN || info.cls == PKT_CLASS_ICMP_ECHO ||
	      data[0] % 3 == 0);
	switch (info.cls) {
	case PKT_CLASS_IKE:
		check(info.payload_off + 28u <= info.l3_off + info.ip_len);
		break;
	case PKT_CLASS_IKE_NATT:
		check(info.payload_off + 32u <= info.l3_off + info.ip_len);
		break;
	case PKT_CLASS_NATT_KEEPALIVE:
		check(data[1 + info.payload_off] == 0xff);
		break;
	case PKT_CLASS_ESP_UDP:
	case PKT_CLASS_ESP:
		check(info.payload_off + 8u <= info.l3_off + info.ip_len);
		check((data[1 + info.payload_off] | data[2 + info.payload_off] |
		       data[3 + info.payload_off] | data[4 + info.payload_off]) != 0);
		break;
	case PKT_CLASS_ICMP_ECHO:
		check(data[1 + info.l4_off] == 8);
		break;
	default:
		break;
	}
	return 0;
}
