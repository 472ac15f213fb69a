/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ESP, AES-GCM-16 (RFC 4303, RFC 4106), raw or in UDP (RFC 3948): tunnel
 * mode IPv4 or IPv6 in IPv4 or IPv6 (outer family per SA: SA_F_OUTER_V6,
 * inner family per packet) and transport mode over IPv4 or IPv6 (ESP right
 * after the fixed IPv6 header, RFC 4303 §3.1.1). Bursts of one SA each, on
 * the worker lcore that owns the SA; the caller groups packets by SA, counts
 * drops and frees the rejects.
 */
#ifndef ESPGW_ESP_H
#define ESPGW_ESP_H

#include <stdint.h>

#include "lib/crypto/aead.h"
#include "lib/sa/sa.h"

struct rte_mbuf;

enum {
	ESP_HDR_LEN = 8,        /* SPI + sequence number (RFC 4303 §2) */
	ESP_IV_LEN = 8,         /* explicit IV of AES-GCM (RFC 4106 §3.1) */
	ESP_TRAILER_LEN = 2,    /* pad length + next header (RFC 4303 §2.4-2.6) */
	ESP_ICV_LEN = AEAD_TAG_LEN,
	ESP_L2_LEN = 14,        /* Ethernet room kept in front of the IP packet */
	ESP_IP6_LEN = 40,       /* fixed IPv6 header (RFC 8200 §3) */
};

/*
 * Why a packet was refused, both directions. ESP_DROP_NONE is 0; keep
 * esp_drop_names[] and esp_drop_help[] in step. Inbound reasons come first,
 * up to ESP_DROP_SELECTOR_MISMATCH; the outbound-only ones follow. New
 * reasons go at the end of their block or of the enum: the app indexes
 * counters by value.
 */
enum esp_drop {
	ESP_DROP_NONE = 0,
	ESP_DROP_ESP_SHORT,         /* fewer bytes than the smallest ESP packet */
	ESP_DROP_ESP_BAD_LEN,       /* ESP payload not a multiple of 4 bytes */
	ESP_DROP_ESP_CHAINED,       /* mbuf of several segments (not supported) */
	ESP_DROP_OUTER_MALFORMED,   /* transport: IHL does not lead to esp_off;
				     * IPv6 outer: esp_off not right after the
				     * fixed header (and UDP), not version 6 or
				     * next header not 50 (17 with NAT-T) */
	ESP_DROP_REPLAY_DUP,        /* as REPLAY_DUP */
	ESP_DROP_REPLAY_OLD,        /* as REPLAY_OLD */
	ESP_DROP_REPLAY_ZERO,       /* as REPLAY_ZERO */
	ESP_DROP_REPLAY_WRAP,       /* as REPLAY_WRAP */
	ESP_DROP_AUTH_FAILED,       /* ICV did not verify */
	ESP_DROP_BAD_PAD,           /* pad length or pad bytes wrong */
	ESP_DROP_BAD_NEXT_HEADER,   /* tunnel: not 4 or 41; transport: 4 or 41 */
	ESP_DROP_DUMMY,             /* next header 59: dummy packet (§2.6) */
	ESP_DROP_INNER_MALFORMED,   /* inner IPv4/IPv6 header inconsistent;
				     * transport: TCP/UDP/ICMPv6 too short to
				     * fix (NAT-T), or an outbound fragment */
	ESP_DROP_SELECTOR_MISMATCH, /* inner addresses outside the SA selector,
				     * or an inner family the SA does not carry */
	ESP_DROP_SEQ_OVERFLOW,      /* outbound: sequence number space used up */
	ESP_DROP_NO_ROOM,           /* outbound: no head- or tailroom */
	ESP_DROP_TOO_BIG,           /* outbound: outer packet above the SA MTU */
	ESP_DROP_CRYPTO_FAILED,     /* outbound: the engine refused the op */
	ESP_DROP_V6_EXT_HDR,        /* outbound transport: IPv6 extension
				     * headers before the payload */
	ESP_DROP_MAX
};

/** Counter names ("esp_short", ...), indexed by enum esp_drop. */
extern const char *const esp_drop_names[ESP_DROP_MAX];
/** One line per reason for operators (telemetry help). */
extern const char *const esp_drop_help[ESP_DROP_MAX];

typedef uint16_t (*esp_inb_tun_fn)(struct sa_inb *sa,
				   const struct aead_engine *eng, void *eng_ctx,
				   struct rte_mbuf *mb[], const uint16_t esp_off[],
				   uint16_t n, uint8_t drop[]);
typedef uint16_t (*esp_outb_tun_fn)(struct sa_outb *sa,
				    const struct aead_engine *eng, void *eng_ctx,
				    struct rte_mbuf *mb[], uint16_t n,
				    uint8_t drop[]);

/**
 * Decrypt a burst of tunnel-mode ESP packets of @p sa.
 *
 * mb[i] is one segment: Ethernet (14), outer IPv4 without options at 14
 * (with SA_F_OUTER_V6: the fixed 40-byte IPv6 header, next header 50 or,
 * with SA_F_NATT, 17, and esp_off[i] exactly behind it and the UDP header;
 * else outer_malformed), with SA_F_NATT a UDP header at esp_off[i] - 8, the
 * ESP header at esp_off[i] and the ESP packet up to the end of the data
 * (classify trimmed the Ethernet padding). Checks length, the anti-replay
 * window before decrypt, the ICV, then advances the window (RFC 4303
 * §3.4.3), checks the trailer (§2.4), the next header (4: IPv4, 41: IPv6),
 * the inner IPv4 or IPv6 header against the decrypted length, and the
 * family and selector (RFC 4301 §5.2): sa->sel for IPv4, sa->sel6 for IPv6,
 * each only if sa->sel_families allows it (0: IPv4 only). With SA_F_NATT,
 * an authenticated new packet from another address or port moves sa->peer
 * (and with SA_F_OUTER_V6 sa->peer6) there (RFC 3948 §3.5). The UDP
 * checksum of an IPv6 outer packet is not verified: the ICV covers the
 * whole ESP packet, so a corrupted one fails authentication anyway, and
 * the UDP header itself is not used beyond the source port (RFC 6936 §5
 * lets tunnel endpoints relax UDP checksums over IPv6 likewise).
 *
 * On return mb[0 .. ret-1] hold the inner packets at offset 14, after an
 * Ethernet header of zero addresses and type 0x0800 (IPv4) or 0x86DD
 * (IPv6) for the router to fill, l2_len 14, l3_len the inner IP header's
 * length (40 for IPv6); mb[ret .. n-1] are the rejects, unchanged or
 * partly decrypted, with
 * drop[i] their enum esp_drop. Nothing is freed; the caller owns all mbufs.
 * esp_off[] is read only for the input order.
 *
 * Thread context: the worker lcore owning @p sa, with its engine context.
 * @return the number of good packets.
 */
uint16_t esp_inb_tun_burst(struct sa_inb *sa, const struct aead_engine *eng,
			   void *eng_ctx, struct rte_mbuf *mb[],
			   const uint16_t esp_off[], uint16_t n, uint8_t drop[]);

/** The handler for @p sa's flags (ESN, NAT-T, outer IPv6): choose once at
 * SA setup. */
esp_inb_tun_fn esp_inb_tun_select(const struct sa_inb *sa);

/* Handlers for any mode: same contract as the tunnel ones, per sa->mode. */
typedef esp_inb_tun_fn esp_inb_fn;
typedef esp_outb_tun_fn esp_outb_fn;

/**
 * The transport-mode handler (RFC 4303 §3.1.1) for @p sa's flags (ESN,
 * NAT-T): choose once at SA setup. Same contract as esp_inb_tun_burst()
 * but for what lies around ESP:
 *
 * mb[i] is one segment: Ethernet (14), the IPv4 header at 14 with options
 * if any, its IHL leading exactly to esp_off[i] (or, with SA_F_NATT, to the
 * UDP header at esp_off[i] - 8; else outer_malformed), the ESP packet up to
 * the end of the data. After the replay check, ICV, window update and
 * trailer check as for tunnel, the next header must not be 4 or 41
 * (bad_next_header: IP in IP is tunnel mode) nor 59 (dummy, RFC 4303 §2.6),
 * and the header's addresses must match sa->sel (selector_mismatch).
 *
 * With SA_F_OUTER_V6 the packet is IPv6: the fixed 40-byte header at 14,
 * next header 50 (17 with SA_F_NATT), esp_off[i] exactly behind it (and
 * the UDP header), else outer_malformed: extension headers are not
 * supported. Its addresses must match sa->sel6 with SA_SEL_V6 set in
 * sa->sel_families. The rebuilt packet keeps the header (traffic class,
 * flow label, hop limit, addresses) with next header = the ESP next header
 * and the payload length rewritten, l3_len 40, Ethernet type 0x86DD. With
 * SA_F_NATT the TCP, UDP and ICMPv6 checksums (RFC 8200 §8.1 pseudo-header,
 * which ICMPv6 has too, RFC 4443 §2.3) are recomputed; a UDP checksum of 0
 * is not valid over IPv6 and is computed as well.
 *
 * On return mb[0 .. ret-1] hold the plain IPv4 packet at offset 14 after an
 * Ethernet header of zero addresses and type 0x0800: the same IPv4 header
 * (options, TTL, ID, flags, TOS kept) moved up to the decrypted payload,
 * with protocol = the ESP next header, total length and header checksum
 * rewritten; data_len = pkt_len = 14 + the IPv4 length, l2_len 14, l3_len
 * IHL * 4. With SA_F_NATT a TCP or a UDP checksum (not 0) is recomputed
 * over the rebuilt header's addresses, which a NAT changed (RFC 3948
 * §3.1.2), a TCP or UDP payload too short for its header being refused
 * (inner_malformed); without NAT-T the payload is the sender's byte for
 * byte. NAT-T rebinding as tunnel. Rejects, ownership and thread context as
 * esp_inb_tun_burst().
 */
esp_inb_fn esp_inb_trs_select(const struct sa_inb *sa);

/** The handler for @p sa's mode (esp_inb_tun_select(),
 * esp_inb_trs_select()) and flags; NULL for an unknown mode. */
esp_inb_fn esp_inb_select(const struct sa_inb *sa);

/**
 * Encrypt a burst of inner IPv4 or IPv6 packets for @p sa (tunnel mode).
 *
 * mb[i] is one segment holding an IPv4 packet (version 4, at least 20
 * bytes) or an IPv6 packet (version 6, payload length + 40 = the data) at
 * offset 14 (the first 14 bytes are Ethernet room, their content ignored);
 * anything else is inner_malformed. Each gets the next sequence number,
 * padding 1, 2, 3, ... to a 4-byte ESP payload (RFC 4303 §2.4), next
 * header 4 or 41, the ICV appended, and in front the ESP header, the
 * explicit IV, with SA_F_NATT a UDP header, an outer header and 14 bytes
 * of Ethernet room (zero addresses, type 0x0800 or 0x86DD). The outer
 * header is IPv4 (RFC 3948 §2.1: UDP checksum 0) or, with SA_F_OUTER_V6,
 * IPv6: traffic class copied from the inner TOS or traffic class (ECN as
 * RFC 6040 normal mode), flow label 0, hop limit 64, sa->local6 ->
 * sa->peer6, and with NAT-T the UDP checksum computed over the final ESP
 * packet (mandatory over IPv6, RFC 8200 §8.1).
 *
 * On return mb[0 .. ret-1] are ready to route, all with the same outer
 * destination (sa->peer and sa->peer6 are read once per call, so a NAT
 * rebinding on another lcore never splits a burst); mb[ret .. n-1] are
 * rejects with drop[i] their enum esp_drop (seq_overflow, no_room,
 * too_big, ...).
 * A too_big reject is unchanged: the caller may answer with ICMP. Nothing
 * is freed.
 *
 * Thread context: the worker lcore owning @p sa.
 * @return the number of good packets.
 */
uint16_t esp_outb_tun_burst(struct sa_outb *sa, const struct aead_engine *eng,
			    void *eng_ctx, struct rte_mbuf *mb[], uint16_t n,
			    uint8_t drop[]);

/** The handler for @p sa's flags (ESN, NAT-T, outer IPv6): choose once at
 * SA setup. */
esp_outb_tun_fn esp_outb_tun_select(const struct sa_outb *sa);

/**
 * The transport-mode handler (RFC 4303 §3.1.1) for @p sa's flags (ESN,
 * NAT-T): choose once at SA setup. Same contract as esp_outb_tun_burst()
 * but for the framing:
 *
 * mb[i] is one segment holding an IPv4 packet at offset 14 (options
 * allowed; a fragment is refused as inner_malformed, RFC 4303 §3.3: ESP
 * transport protects whole datagrams). It leaves as 14 bytes of Ethernet
 * room (zero addresses, type 0x0800), the same IPv4 header (options, source,
 * TTL, ID, DF, TOS kept) with protocol 50, or 17 and, with SA_F_NATT, the
 * destination sa_peer_addr(sa->peer) and a UDP header sa->local_port ->
 * sa_peer_port(sa->peer) of checksum 0 (RFC 3948 §2.1), total length and
 * header checksum rewritten; then the ESP header, the explicit IV (the
 * 64-bit sequence number), the transport payload, padding 1, 2, 3, ... to 4
 * bytes, pad length, next header = the original protocol, and the ICV.
 * Rejects (seq_overflow, no_room, too_big against sa->mtu, crypto_failed)
 * as esp_outb_tun_burst(); a too_big reject is unchanged.
 *
 * With SA_F_OUTER_V6 mb[i] holds an IPv6 packet (version 6, payload length
 * + 40 = the data, else inner_malformed) whose next header must not be an
 * extension header (0, 43, 44, 51, 60, 135, 139, 140, 253, 254: v6_ext_hdr,
 * unchanged; fragments are refused so). ESP (and UDP) go right after its
 * fixed header, which keeps everything but next header (50, or 17) and the
 * payload length, and with SA_F_NATT the destination sa->peer6 and a UDP
 * header whose checksum is computed over the final packet; Ethernet type
 * 0x86DD.
 */
esp_outb_fn esp_outb_trs_select(const struct sa_outb *sa);

/** The handler for @p sa's mode (esp_outb_tun_select(),
 * esp_outb_trs_select()) and flags; NULL for an unknown mode. */
esp_outb_fn esp_outb_select(const struct sa_outb *sa);

#endif /* ESPGW_ESP_H */
