/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv6 Neighbor Discovery messages (RFC 4861) the control lcore sends and
 * reads: Neighbor Solicitations to resolve next hops, Neighbor
 * Advertisements for the gateway's own addresses, and the checks of §7.1
 * on what comes in. Addresses are 16 bytes in network order.
 */
#ifndef ESPGW_ND_H
#define ESPGW_ND_H

#include <stdbool.h>
#include <stdint.h>

struct rte_mbuf;

/* ND wire constants (RFC 4861 §4.3, §4.4, §4.6.1, §7.1). The ICMPv6 types
 * and hop limit match lib/pkt/pkt_wire.h's; kept here so lib/route does not
 * depend on lib/pkt. */
enum nd_wire {
	ND_TYPE_NS = 135,
	ND_TYPE_NA = 136,
	ND_HOP_LIMIT = 255,         /* ND messages never crossed a router */
	ND_NS_NA_MIN = 24,          /* ICMPv6 header and target */
	ND_OPT_SRC_LLADDR = 1,
	ND_OPT_TGT_LLADDR = 2,
	ND_OPT_LLADDR_LEN = 8,      /* type, length 1 (x 8 octets), 6-byte MAC */
	ND_OPT_UNIT = 8,            /* option lengths count 8-octet units */
	ND_NA_FLAG_ROUTER = 0x80,   /* first byte of the NA's flags word */
	ND_NA_FLAG_SOLICITED = 0x40,
	ND_NA_FLAG_OVERRIDE = 0x20,
	/* largest IPv6 payload nd_parse() reads: an ND message fits a
	 * 1280-byte minimum MTU link's packet */
	ND_MAX_LEN = 1280 - 40,
};

/* A received NS or NA that passed nd_parse(). */
struct nd_msg {
	uint8_t type;           /* ND_TYPE_NS or ND_TYPE_NA */
	uint8_t flags;          /* NA: ND_NA_FLAG_*; NS: 0 */
	bool has_lladdr;        /* NS: source, NA: target link-layer option */
	uint8_t lladdr[6];
	uint8_t src[16];        /* IPv6 source (:: for DAD probes) */
	uint8_t dst[16];        /* IPv6 destination */
	uint8_t target[16];
	uint8_t eth_src[6];     /* the frame's source MAC */
};

/**
 * Read and validate the NS or NA whose IPv6 header is at l3_off (no
 * extension headers) per RFC 4861 §7.1.1 / §7.1.2: hop limit 255, ICMPv6
 * checksum, code 0, ICMPv6 length >= 24, target not multicast, every
 * option of non-zero length within the message, and for an NS from ::, a
 * solicited-node destination and no source link-layer option; for an NA
 * to a multicast address, S clear. The IPv6 payload length must fit the
 * packet (bytes past it are link padding). m may be chained.
 * Returns 0, or -EINVAL with *out undefined.
 */
int nd_parse(const struct rte_mbuf *m, uint16_t l3_off, struct nd_msg *out);

/**
 * Fill m (empty, from a pool) with an NS for `target` from (src_mac,
 * src_ip), with a source link-layer option. dst_mac NULL: multicast to the
 * solicited-node address ff02::1:ffXX:XXXX at 33:33:ff:XX:XX:XX (address
 * resolution, §7.2.2); else unicast to target at dst_mac (probe, §7.3.3).
 * Returns 0 or -ENOSPC.
 */
int nd_build_ns(struct rte_mbuf *m, const uint8_t src_mac[6], const uint8_t src_ip[16],
		const uint8_t target[16], const uint8_t *dst_mac);

/**
 * Fill m (empty) with the NA that answers `ns` for our address ns->target
 * at our_mac (§7.2.4): target link-layer option, override set; solicited
 * and unicast to the asker (at its source link-layer option, else the
 * frame's source MAC), or, for an NS from ::, unsolicited to all-nodes
 * ff02::1. router sets R. Returns 0 or -ENOSPC.
 */
int nd_build_na(struct rte_mbuf *m, const uint8_t our_mac[6], const struct nd_msg *ns,
		bool router);

/** The solicited-node multicast address of addr (RFC 4291 §2.7.1). */
void nd_solicited_node(const uint8_t addr[16], uint8_t out[16]);

#endif /* ESPGW_ND_H */
