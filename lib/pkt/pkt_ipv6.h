/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv6 address predicates and header edits shared by the classifier, the
 * worker lcores (forwarding) and the control lcore (ND, configuration).
 * Addresses are 16 bytes in network order. Any lcore; no state.
 */
#ifndef ESPGW_PKT_IPV6_H
#define ESPGW_PKT_IPV6_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_ip.h>

/* ff00::/8 (RFC 4291 §2.7) */
static inline bool pkt_ipv6_addr_is_multicast(const uint8_t a[16])
{
	return a[0] == 0xff;
}

/* :: (RFC 4291 §2.5.2) */
static inline bool pkt_ipv6_addr_is_unspecified(const uint8_t a[16])
{
	static const uint8_t zero[16];

	return memcmp(a, zero, sizeof(zero)) == 0;
}

/* ::1 (RFC 4291 §2.5.3) */
static inline bool pkt_ipv6_addr_is_loopback(const uint8_t a[16])
{
	static const uint8_t lo[16] = { [15] = 1 };

	return memcmp(a, lo, sizeof(lo)) == 0;
}

/* fe80::/10 (RFC 4291 §2.5.6) */
static inline bool pkt_ipv6_addr_is_link_local(const uint8_t a[16])
{
	return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}

/* ::ffff:0:0/96, IPv4-mapped (RFC 4291 §2.5.5.2): never on the wire */
static inline bool pkt_ipv6_addr_is_v4mapped(const uint8_t a[16])
{
	static const uint8_t pfx[12] = { [10] = 0xff, [11] = 0xff };

	return memcmp(a, pfx, sizeof(pfx)) == 0;
}

/* ff02::1:ff00:0/104, any solicited-node group (RFC 4291 §2.7.1) */
static inline bool pkt_ipv6_addr_is_solicited_node(const uint8_t a[16])
{
	static const uint8_t pfx[13] = { 0xff, 0x02, [11] = 0x01, [12] = 0xff };

	return memcmp(a, pfx, sizeof(pfx)) == 0;
}

/* The solicited-node group of `addr`: ff02::1:ff + its low 24 bits. */
static inline void pkt_ipv6_solicited_node(const uint8_t addr[16],
					   uint8_t out[16])
{
	static const uint8_t pfx[13] = { 0xff, 0x02, [11] = 0x01, [12] = 0xff };

	memcpy(out, pfx, sizeof(pfx));
	memcpy(out + 13, addr + 13, 3);
}

/* Ethernet group address of an IPv6 multicast group (RFC 2464 §7). */
static inline void pkt_ipv6_mcast_mac(const uint8_t group[16], uint8_t mac[6])
{
	mac[0] = 0x33;
	mac[1] = 0x33;
	memcpy(mac + 2, group + 12, 4);
}

/*
 * fe80::/64 with the modified EUI-64 interface identifier of `mac`: ff:fe
 * in the middle, universal/local bit inverted (RFC 4291 §2.5.1 and
 * appendix A, RFC 2464 §4-5).
 */
static inline void pkt_ipv6_link_local_from_mac(const uint8_t mac[6],
						uint8_t out[16])
{
	memset(out, 0, 16);
	out[0] = 0xfe;
	out[1] = 0x80;
	out[8] = mac[0] ^ 0x02;
	out[9] = mac[1];
	out[10] = mac[2];
	out[11] = 0xff;
	out[12] = 0xfe;
	out[13] = mac[3];
	out[14] = mac[4];
	out[15] = mac[5];
}

/* Hop limit - 1 when forwarding (RFC 8200 §3); no header checksum to fix.
 * The caller has checked hop_limits > 1 (else ICMPv6 time exceeded). */
static inline void pkt_ipv6_hop_limit_decrement(struct rte_ipv6_hdr *ip)
{
	ip->hop_limits--;
}

#endif /* ESPGW_PKT_IPV6_H */
