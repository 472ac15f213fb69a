/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Data-path runtime of a security association: what a worker reads and
 * writes per packet, cache-aligned, separate for each direction. The control
 * record (lifetimes, IKE ownership, names) lives elsewhere; keys here are
 * precomputed schedules, wiped with aead_key_wipe() when the SA dies.
 *
 * IPv4 addresses are host order (local, peer, sel); IPv6 ones are 16 bytes
 * in network order (local6, peer6, sel6). Written fields (sequence numbers,
 * counters, the NAT-T peer binding) have one writer: the worker that owns
 * the SA.
 */
#ifndef ESPGW_SA_H
#define ESPGW_SA_H

#include <stdint.h>

#include <rte_common.h>

#include "lib/crypto/aead.h"
#include "lib/sa/replay.h"

enum sa_mode {
	SA_MODE_TUNNEL = 1,     /* RFC 4303 §3.1.2: whole inner IP packet */
	SA_MODE_TRANSPORT,      /* RFC 4303 §3.1.1: the transport payload */
};

enum sa_flags {
	SA_F_ESN = 1 << 0,      /* 64-bit sequence numbers (RFC 4304) */
	SA_F_NATT = 1 << 1,     /* ESP in UDP (RFC 3948) */
	/* The outer header is IPv6 (RFC 8200): tunnel endpoints local6 and
	 * peer6; transport mode: the protected packets are IPv6 and ESP
	 * follows their fixed 40-byte header (RFC 4303 §3.1.1). Without it the
	 * outer header is IPv4 (local, sa_peer_addr(peer)). */
	SA_F_OUTER_V6 = 1 << 2,
};

/* Traffic selector, IPv4 host order: addr/mask for source and destination. */
struct sa_selector {
	uint32_t src, src_mask;
	uint32_t dst, dst_mask;
};

/* Traffic selector, IPv6: prefixes of src_len and dst_len bits (0..128) of
 * src and dst, network order. */
struct sa_selector6 {
	uint8_t src[16], dst[16];
	uint8_t src_len, dst_len;
};

/* sa_inb.sel_families: which inner families the SA carries. 0 is taken as
 * SA_SEL_V4 alone, the behaviour before IPv6, so that zeroed SAs keep
 * working; a family not allowed is refused as selector_mismatch. */
enum sa_sel_family {
	SA_SEL_V4 = 1 << 0,     /* IPv4 inner allowed, checked against sel */
	SA_SEL_V6 = 1 << 1,     /* IPv6 inner allowed, checked against sel6 */
};

enum { SA_NO_PARTNER = UINT32_MAX };

/* NAT-T binding: the peer's current public address and UDP port, packed in
 * one word so a rebound (RFC 3948 §3.5) is one atomic store. */
static inline uint64_t sa_peer_pack(uint32_t addr, uint16_t port)
{
	return (uint64_t)addr << 16 | port;
}
static inline uint32_t sa_peer_addr(uint64_t p) { return (uint32_t)(p >> 16); }
static inline uint16_t sa_peer_port(uint64_t p) { return (uint16_t)p; }

struct sa_counters {
	uint64_t packets;
	uint64_t bytes;
};

/* Lifetime limits (RFC 4301 §4.4.2.1), counted on the inner packets; 0 is
 * no limit. The owning worker compares, the control lcore acts. */
struct sa_lifetime {
	uint64_t soft_bytes, hard_bytes;
	uint64_t soft_packets, hard_packets;
};

/* sa_inb.expiry / sa_outb.expiry: set once by the owning worker. */
enum sa_expiry {
	SA_EXPIRY_SOFT = 1 << 0,    /* soft limit reached: control was told */
	SA_EXPIRY_HARD = 1 << 1,    /* hard limit reached: the SA carries nothing */
};

/* Inbound SA: looked up by SPI (lib/sa/sad.h). */
struct sa_inb {
	/* read-mostly */
	uint32_t spi;
	uint8_t mode;               /* enum sa_mode */
	uint8_t flags;              /* enum sa_flags */
	uint8_t salt[4];            /* RFC 4106 §4: nonce = salt | explicit IV */
	uint16_t owner;             /* worker that decrypts this SA's packets */
	uint32_t local;             /* our outer address (tunnel) */
	uint32_t id;                /* the control lcore's handle */
	/* the out SA to the same peer (SA_NO_PARTNER: none): a NAT rebinding
	 * of this SA moves its destination too (RFC 3948 §3.5) */
	uint32_t partner_out;
	struct sa_selector sel;     /* inner packets must match (RFC 4301 §5.2) */
	uint8_t sel_families;       /* enum sa_sel_family; 0: IPv4 only */
	struct sa_selector6 sel6;   /* IPv6 inner packets must match */
	uint8_t local6[16];         /* our outer address, SA_F_OUTER_V6 */
	struct sa_lifetime life;
	struct aead_key key;
	/* written by the owning worker */
	uint64_t peer __rte_cache_aligned; /* sa_peer_pack(); NAT-T rebound */
	/* SA_F_OUTER_V6: the peer's outer address; its NAT-T port stays in
	 * the low 16 bits of peer (sa_peer_port()). A rebound writes peer6
	 * with plain stores, then peer: a reader on another lcore may see a
	 * torn address for an instant; only telemetry reads it there. */
	uint8_t peer6[16];
	struct sa_counters cnt;
	uint64_t drops;             /* packets of this SA refused (any reason) */
	uint8_t expiry;             /* enum sa_expiry */
	struct replay_window rw;    /* last: sized by replay_window_size_bytes() */
};

/* Outbound SA: found through the SPD. */
struct sa_outb {
	/* read-mostly */
	uint32_t spi;
	uint8_t mode;
	uint8_t flags;
	uint8_t salt[4];
	uint32_t local;             /* outer source */
	uint16_t local_port;        /* NAT-T source port, 4500 */
	uint16_t mtu;               /* ESP code refuses outer packets above; 0: no limit */
	uint16_t path_mtu;          /* the egress link's, for DF/ICMP decisions */
	uint16_t owner;             /* worker that encrypts for this SA */
	uint32_t id;                /* the control lcore's handle */
	uint8_t local6[16];         /* outer source, SA_F_OUTER_V6 */
	struct sa_lifetime life;
	struct aead_key key;
	/* written by the owning worker */
	uint64_t seq __rte_cache_aligned; /* last sequence number sent */
	uint64_t peer;              /* outer destination (and port with NAT-T) */
	/* SA_F_OUTER_V6: the outer destination (its NAT-T port in peer's low
	 * 16 bits); written as peer (torn reads possible elsewhere, see
	 * sa_inb.peer6) */
	uint8_t peer6[16];
	struct sa_counters cnt;
	uint64_t drops;             /* packets for this SA refused (any reason) */
	uint8_t expiry;             /* enum sa_expiry */
};

#endif /* ESPGW_SA_H */
