/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Wire formats the classifier reads: sizes of the Ethernet, ARP, IPv4, IPv6,
 * UDP, ICMP/ICMPv6 and ESP headers (DPDK's structs, size-checked here), what DPDK lacks
 * (IKE header, NAT-T marker and keepalive, RFC 3948), and the protocol
 * constants as named enums. Parsers read these through struct rd, never by
 * casting packet bytes to the structs (STYLE.md §4).
 */
#ifndef ESPGW_PKT_WIRE_H
#define ESPGW_PKT_WIRE_H

#include <stdint.h>

#include <rte_arp.h>
#include <rte_common.h>
#include <rte_esp.h>
#include <rte_ether.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_udp.h>

/* Fixed header sizes in bytes. */
enum pkt_wire_len {
	PKT_ETH_HDR_LEN = 14,      /* dst, src, ethertype; no 802.1Q */
	PKT_ETH_ADDR_LEN = 6,
	PKT_ARP_ETH_IPV4_LEN = 28, /* RFC 826 for htype 1 / ptype 0x0800 */
	PKT_IPV4_HDR_MIN = 20,     /* IHL 5 (RFC 791 §3.1) */
	PKT_IPV4_HDR_MAX = 60,     /* IHL 15 */
	PKT_IPV6_HDR_LEN = 40,     /* fixed header (RFC 8200 §3) */
	PKT_IPV6_ADDR_LEN = 16,
	PKT_UDP_HDR_LEN = 8,       /* RFC 768 */
	PKT_ICMP_HDR_LEN = 8,      /* type, code, checksum, rest (RFC 792, RFC 4443 §2.1) */
	PKT_ND_NS_NA_MIN = 24,     /* ICMPv6 header and target (RFC 4861 §7.1.1/7.1.2) */
	PKT_ESP_HDR_LEN = 8,       /* SPI, sequence number (RFC 4303 §2) */
	PKT_IKE_HDR_LEN = 28,      /* RFC 7296 §3.1 */
	PKT_NATT_MARKER_LEN = 4,   /* non-ESP marker (RFC 3948 §2.2) */
	PKT_NATT_KEEPALIVE_LEN = 1, /* RFC 3948 §2.3 */
};

/* IEEE 802 ethertypes the classifier tells apart. */
enum pkt_ethertype {
	PKT_ETHERTYPE_IPV4 = 0x0800,
	PKT_ETHERTYPE_ARP = 0x0806,
	PKT_ETHERTYPE_VLAN = 0x8100, /* 802.1Q: not supported, dropped */
	PKT_ETHERTYPE_IPV6 = 0x86dd, /* on ports with has_ipv6 only */
	PKT_ETHERTYPE_QINQ = 0x88a8, /* 802.1ad: not supported, dropped */
};

/* Ethernet destination address bits. */
enum pkt_eth_addr_bits {
	PKT_ETH_ADDR_GROUP = 0x01, /* I/G bit of the first octet: multicast */
	PKT_ETH_IPV6_MCAST = 0x33, /* 33:33 + low 32 bits of the group (RFC 2464 §7) */
};

/* ARP fields for Ethernet/IPv4 (RFC 826). */
enum pkt_arp_const {
	PKT_ARP_HTYPE_ETHER = 1,
	PKT_ARP_PTYPE_IPV4 = PKT_ETHERTYPE_IPV4,
	PKT_ARP_HLEN_ETHER = 6,
	PKT_ARP_PLEN_IPV4 = 4,
	PKT_ARP_OP_REQUEST = 1,
	PKT_ARP_OP_REPLY = 2,
};

/* IPv4 header fields (RFC 791 §3.1). */
enum pkt_ipv4_const {
	PKT_IPV4_VERSION = 4,
	PKT_IPV4_IHL_MIN = 5,          /* in 32-bit words */
	PKT_IPV4_FLAG_DF = 0x4000,     /* in the flags/fragment-offset word */
	PKT_IPV4_FLAG_MF = 0x2000,
	PKT_IPV4_FRAG_OFF_MASK = 0x1fff,
};

/* IPv6 header fields (RFC 8200 §3). */
enum pkt_ipv6_const {
	PKT_IPV6_VERSION = 6,
	PKT_IPV6_ND_HOP_LIMIT = 255, /* ND messages never crossed a router (RFC 4861 §7.1) */
};

/* IP protocol / IPv6 next header numbers (IANA). */
enum pkt_ip_proto {
	PKT_IPPROTO_HOPOPTS = 0,   /* IPv6 extension headers: RFC 7045 §2 list */
	PKT_IPPROTO_ICMP = 1,
	PKT_IPPROTO_UDP = 17,
	PKT_IPPROTO_ROUTING = 43,
	PKT_IPPROTO_FRAGMENT = 44,
	PKT_IPPROTO_ESP = 50,
	PKT_IPPROTO_AH = 51,
	PKT_IPPROTO_ICMPV6 = 58,
	PKT_IPPROTO_NONE = 59,     /* no next header (RFC 8200 §4.7) */
	PKT_IPPROTO_DSTOPTS = 60,
	PKT_IPPROTO_MOBILITY = 135,
	PKT_IPPROTO_HIP = 139,
	PKT_IPPROTO_SHIM6 = 140,
	PKT_IPPROTO_EXP1 = 253,    /* RFC 3692 experimentation */
	PKT_IPPROTO_EXP2 = 254,
};

/* ICMP types and codes we answer (RFC 792). */
enum pkt_icmp_const {
	PKT_ICMP_ECHO_REPLY = 0,
	PKT_ICMP_ECHO_REQUEST = 8,
	PKT_ICMP_ECHO_CODE = 0,
};

/* ICMPv6 types the classifier tells apart (RFC 4443, RFC 4861 §4). */
enum pkt_icmp6_const {
	PKT_ICMP6_ECHO_REQUEST = 128,
	PKT_ICMP6_ECHO_REPLY = 129,
	PKT_ICMP6_ROUTER_SOLICIT = 133,
	PKT_ICMP6_ROUTER_ADVERT = 134,
	PKT_ICMP6_NEIGH_SOLICIT = 135,
	PKT_ICMP6_NEIGH_ADVERT = 136,
	PKT_ICMP6_REDIRECT = 137,
};

/* UDP ports of IKE (RFC 7296 §2.23, RFC 3948 §2). */
enum pkt_udp_port {
	PKT_UDP_PORT_IKE = 500,
	PKT_UDP_PORT_IKE_NATT = 4500,
};

/* Payload bytes that tell the UDP 4500 cases apart (RFC 3948 §2.2, §2.3). */
enum pkt_natt_const {
	PKT_NATT_KEEPALIVE_BYTE = 0xff, /* the whole payload of a keepalive */
	PKT_NATT_MARKER = 0,            /* four zero bytes, never a valid SPI */
};

/*
 * RFC 7296 §3.1 IKE header. The classifier only needs its size; lib/ike owns
 * the parsing.
 */
struct pkt_ike_hdr {
	uint8_t spi_i[8];
	uint8_t spi_r[8];
	uint8_t next_payload;
	uint8_t version;        /* major << 4 | minor */
	uint8_t exchange_type;
	uint8_t flags;
	rte_be32_t message_id;
	rte_be32_t length;      /* whole message, header included */
} __rte_packed;

/*
 * RFC 3948 §2.2: IKE on port 4500 starts with a non-ESP marker, four zero
 * bytes where ESP would carry its SPI (SPI 0 is reserved, RFC 4303 §2.1).
 */
struct pkt_natt_marker {
	rte_be32_t zero;
} __rte_packed;

/* RFC 3948 §2.3: a NAT keepalive is one UDP payload byte, 0xFF. */
struct pkt_natt_keepalive {
	uint8_t ff;
} __rte_packed;

_Static_assert(sizeof(struct rte_ether_hdr) == PKT_ETH_HDR_LEN, "ether hdr");
_Static_assert(RTE_ETHER_ADDR_LEN == PKT_ETH_ADDR_LEN, "ether addr");
_Static_assert(sizeof(struct rte_arp_hdr) == PKT_ARP_ETH_IPV4_LEN, "arp hdr");
_Static_assert(sizeof(struct rte_ipv4_hdr) == PKT_IPV4_HDR_MIN, "ipv4 hdr");
_Static_assert(sizeof(struct rte_ipv6_hdr) == PKT_IPV6_HDR_LEN, "ipv6 hdr");
_Static_assert(sizeof(struct rte_udp_hdr) == PKT_UDP_HDR_LEN, "udp hdr");
_Static_assert(sizeof(struct rte_icmp_hdr) == PKT_ICMP_HDR_LEN, "icmp hdr");
_Static_assert(sizeof(struct rte_esp_hdr) == PKT_ESP_HDR_LEN, "esp hdr");
_Static_assert(sizeof(struct pkt_ike_hdr) == PKT_IKE_HDR_LEN, "ike hdr");
_Static_assert(sizeof(struct pkt_natt_marker) == PKT_NATT_MARKER_LEN, "marker");
_Static_assert(sizeof(struct pkt_natt_keepalive) == PKT_NATT_KEEPALIVE_LEN,
	       "keepalive");

#endif /* ESPGW_PKT_WIRE_H */
