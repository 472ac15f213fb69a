/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMP the gateway originates as a router (RFC 1812 §4.3): echo replies for
 * its own addresses and the errors of forwarding (time exceeded, network
 * unreachable, fragmentation needed). Control lcore only.
 */
#ifndef ESPGW_ICMP_H
#define ESPGW_ICMP_H

#include <stdbool.h>
#include <stdint.h>

struct rte_mbuf;
struct rte_mempool;

enum icmp_error {
	ICMP_ERR_NET_UNREACH,    /* type 3 code 0: no route */
	ICMP_ERR_FRAG_NEEDED,    /* type 3 code 4: DF set, too big (RFC 1191) */
	ICMP_ERR_TTL_EXCEEDED,   /* type 11 code 0 */
};

enum {
	/* RFC 1812 §4.3.2.3: quote as much as fits in 576 bytes */
	ICMP_ERR_MAX_IP_LEN = 576,
};

/**
 * Turn the echo request in m (IPv4 at l3_off) into its reply in place:
 * addresses swapped, type 0, TTL 64, both checksums fixed.
 */
void icmp_echo_reply_in_place(struct rte_mbuf *m, uint16_t l3_off);

/**
 * May an ICMP error be sent about this datagram? Not about ICMP errors,
 * non-initial fragments or non-unicast sources (RFC 1812 §4.3.2.7).
 */
bool icmp_error_allowed(const struct rte_mbuf *orig, uint16_t l3_off);

/**
 * Build an ICMP error about `orig` (IPv4 at l3_off) in a new mbuf from
 * `pool`: Ethernet header room (filled by the sender), IPv4 from `src` to the
 * original source, and as much of the original datagram as RFC 1812 allows.
 * mtu is the next-hop MTU for ICMP_ERR_FRAG_NEEDED. orig is not freed.
 * Returns NULL when no mbuf is free.
 */
struct rte_mbuf *icmp_error_build(struct rte_mempool *pool,
				  const struct rte_mbuf *orig, uint16_t l3_off,
				  enum icmp_error err, uint32_t src, uint16_t mtu);

#endif /* ESPGW_ICMP_H */
