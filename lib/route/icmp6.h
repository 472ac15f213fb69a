/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMPv6 the gateway originates as a router (RFC 4443): echo replies for its
 * own addresses and the errors of forwarding (no route, address unreachable,
 * packet too big, hop limit exceeded). Control lcore only; no state, so the
 * rate limit of §2.4(f) is the caller's. Addresses are 16 bytes in network
 * order.
 */
#ifndef ESPGW_ICMP6_H
#define ESPGW_ICMP6_H

#include <stdbool.h>
#include <stdint.h>

struct rte_mbuf;
struct rte_mempool;

enum icmp6_error {
	ICMP6_ERR_NO_ROUTE,      /* type 1 code 0: no route to destination */
	ICMP6_ERR_ADDR_UNREACH,  /* type 1 code 3: address unreachable (ND failed) */
	ICMP6_ERR_PKT_TOO_BIG,   /* type 2 code 0, MTU field (RFC 8201) */
	ICMP6_ERR_HOP_LIMIT,     /* type 3 code 0: hop limit exceeded in transit */
};

enum {
	/* RFC 4443 §2.4(c): the error fits the IPv6 minimum MTU */
	ICMP6_ERR_MAX_IP_LEN = 1280,
};

/**
 * Turn the echo request in m (IPv6 at l3_off, ICMPv6 right after the fixed
 * header) into its reply in place: addresses swapped, type 129, hop limit
 * 64, ICMPv6 checksum recomputed over the pseudo-header and the message.
 * Traffic class, flow label, identifier, sequence and data are kept; bytes
 * past the payload length (link padding) are left as they are. m may be
 * chained if the IPv6 and 8-byte echo headers are in its first segment.
 *
 * The caller has classified m as an echo request to one of our unicast
 * addresses (RFC 4443 §4.2: a request to a group is answered from a unicast
 * source, which this function has no way to pick). m is left unchanged when
 * it cannot be one: the headers are not in the first segment, the next
 * header is not 58, or the payload length is under 8 or past the packet.
 * m stays the caller's.
 */
void icmp6_echo_reply_in_place(struct rte_mbuf *m, uint16_t l3_off);

/**
 * May an ICMPv6 error `err` be sent about the packet in orig (IPv6 at
 * l3_off)? RFC 4443 §2.4(e):
 *  - not about an ICMPv6 error message (type < 128); only a next header of
 *    58 directly after the fixed header is looked at (extension headers are
 *    not walked: such packets are allowed). A next header of 58 whose type
 *    byte is not within the payload length and the packet is refused too:
 *    it could be an error;
 *  - not when the source is unspecified, multicast or loopback;
 *  - not when the destination is multicast, except for PKT_TOO_BIG.
 * Refused as well when orig does not hold a whole IPv6 fixed header or its
 * version is not 6 (no source to send to). Never reads past orig's data;
 * orig may be chained.
 */
bool icmp6_error_allowed(const struct rte_mbuf *orig, uint16_t l3_off,
			 enum icmp6_error err);

/**
 * Build the ICMPv6 error `err` about orig (IPv6 at l3_off) in a new mbuf
 * from pool: 14 bytes of Ethernet header (zero MACs, filled by the sender;
 * type 0x86DD), IPv6 from `src` to orig's source with hop limit 64 and next
 * header 58, then the ICMPv6 header (type/code per err, checksum, 4-byte
 * field: `mtu` for PKT_TOO_BIG, else 0) and as much of the original IPv6
 * packet as keeps the error within ICMP6_ERR_MAX_IP_LEN bytes. The quote
 * ends at orig's payload length or at its data, whichever comes first (no
 * link padding, no read past a truncated packet). l2_len 14, l3_len 40 set.
 * RFC 8201 §4 wants mtu >= 1280; it is sent as given.
 *
 * orig is not freed and may be chained. Returns the mbuf, owned by the
 * caller; NULL with rte_errno ENOBUFS when pool has no mbuf or too little
 * room in one, EINVAL when orig does not hold a whole IPv6 fixed header of
 * version 6 (icmp6_error_allowed() refuses such packets).
 */
struct rte_mbuf *icmp6_error_build(struct rte_mempool *pool,
				   const struct rte_mbuf *orig, uint16_t l3_off,
				   enum icmp6_error err, const uint8_t src[16],
				   uint32_t mtu);

#endif /* ESPGW_ICMP6_H */
