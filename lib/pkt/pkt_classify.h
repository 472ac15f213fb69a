/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packet classification on the worker lcores (DESIGN.md "How a packet is
 * classified", RFC 3948 §2.2, RFC 7296 §2.23). Decides for each received
 * frame which stage takes it next; validates every header it reads against
 * the bytes really present and counts malformed input under a reason.
 * IPv4 and, on ports with has_ipv6, IPv6 (RFC 8200): the classes are the
 * same for both families, pkt_info.family tells them apart.
 *
 * Thread context: any lcore; the context is read-only after setup.
 */
#ifndef ESPGW_PKT_CLASSIFY_H
#define ESPGW_PKT_CLASSIFY_H

#include <stdint.h>

#include "lib/util/util.h"

struct rte_mbuf;

enum {
	PKT_LOCAL_ADDR_MAX = 16,  /* gateway addresses checked per packet */
	/* IPv6: the global addresses plus one link-local per port */
	PKT_LOCAL6_MAX = PKT_LOCAL_ADDR_MAX + ESPGW_MAX_PORTS,
};

/* What happens to a packet next. Keep pkt_class_names[] in step. */
enum pkt_class {
	PKT_CLASS_DROP = 0,       /* malformed or not for us: see pkt_drop */
	PKT_CLASS_PLAIN,          /* IPv4 or IPv6 in transit: route and forward */
	PKT_CLASS_IKE,            /* UDP dst 500 to us */
	PKT_CLASS_IKE_NATT,       /* UDP dst 4500 to us, non-ESP marker first */
	PKT_CLASS_NATT_KEEPALIVE, /* UDP dst 4500 to us, payload exactly 0xFF */
	PKT_CLASS_ESP_UDP,        /* UDP dst 4500 to us, SPI first (RFC 3948) */
	PKT_CLASS_ESP,            /* IP protocol / next header 50 to us */
	PKT_CLASS_ARP,            /* ARP request or reply (any target) */
	PKT_CLASS_ICMP_ECHO,      /* ICMP/ICMPv6 echo request to one of our addresses */
	PKT_CLASS_ND,             /* IPv6 neighbor solicitation/advertisement to us */
	PKT_CLASS_MAX
};

/* Why a packet classified PKT_CLASS_DROP. Keep pkt_drop_names[] in step. */
enum pkt_drop {
	PKT_DROP_NONE = 0,
	PKT_DROP_RUNT,            /* shorter than an Ethernet header */
	PKT_DROP_L2_OTHER_HOST,   /* unicast to another MAC address */
	PKT_DROP_ETHERTYPE,       /* neither IPv4 nor ARP (nor IPv6 where enabled) */
	PKT_DROP_ARP_MALFORMED,   /* short, or not Ethernet/IPv4 ARP */
	PKT_DROP_IP_TRUNCATED,    /* fewer bytes than the IPv4 header claims */
	PKT_DROP_IP_VERSION,      /* version field is not 4 */
	PKT_DROP_IP_HDR_LEN,      /* IHL below 5 */
	PKT_DROP_IP_TOTAL_LEN,    /* total length below IHL, or beyond the frame */
	PKT_DROP_IP_CHECKSUM,     /* header checksum wrong */
	PKT_DROP_IP_MARTIAN_SRC,  /* source 0/8, 127/8, multicast, broadcast, ours */
	PKT_DROP_IP_DST_NOT_UNICAST, /* multicast, broadcast (also directed), not forwarded */
	PKT_DROP_LOCAL_FRAGMENT,  /* fragment addressed to us (no reassembly yet) */
	PKT_DROP_UDP_MALFORMED,   /* short header or UDP length inconsistent */
	PKT_DROP_IKE_SHORT,       /* UDP 500/4500 IKE shorter than its header */
	PKT_DROP_NATT_MALFORMED,  /* UDP 4500 payload 1..3 bytes, not a keepalive */
	PKT_DROP_ESP_SHORT,       /* ESP shorter than SPI + sequence number */
	PKT_DROP_ESP_SPI_ZERO,    /* SPI 0 is never valid (RFC 4303 §2.1) */
	PKT_DROP_ICMP_MALFORMED,  /* ICMP to us shorter than its header */
	PKT_DROP_LOCAL_OTHER,     /* to us, but no service of ours */
	/* IPv6 (RFC 8200); appended so the numbers above stay as they were */
	PKT_DROP_IP6_TRUNCATED,   /* fewer than 40 bytes of IPv6 header */
	PKT_DROP_IP6_VERSION,     /* version field is not 6 */
	PKT_DROP_IP6_PAYLOAD_LEN, /* payload length beyond the frame or 64 KiB */
	PKT_DROP_IP6_MARTIAN_SRC, /* multicast, ::1, v4-mapped, ours, :: but DAD */
	PKT_DROP_IP6_DST_NOT_UNICAST, /* ::, ::1, groups ND does not need */
	PKT_DROP_IP6_LINK_LOCAL_TRANSIT, /* link-local source or destination, not to us */
	PKT_DROP_IP6_EXT_LOCAL,   /* extension header to us (fragments too) */
	PKT_DROP_UDP_CHECKSUM,    /* IKE/keepalive over IPv6: UDP checksum wrong */
	PKT_DROP_ND_MALFORMED,    /* NS/NA: hop limit not 255, code, length, DAD dst */
	PKT_DROP_MAX
};

/* Everything classify knows about the gateway; set up once, read-only. */
struct pkt_classify_ctx {
	uint32_t local_addr[PKT_LOCAL_ADDR_MAX]; /* host order */
	uint8_t local_prefix_len[PKT_LOCAL_ADDR_MAX]; /* their connected subnets */
	unsigned int n_local;
	/* per ingress port: its MAC and whether it faces the peers */
	struct {
		uint8_t mac[6];
		uint8_t is_public;
		/* the port verifies IPv4 header checksums: a packet it marks
		 * good is not summed again (bad or unknown ones are) */
		uint8_t rx_ip_cksum_offload;
		/* 0: IPv6 frames dropped as "ethertype". Set it only where the
		 * caller tells pkt_info.family apart: PLAIN, ESP, IKE... are
		 * then IPv6 packets too. */
		uint8_t has_ipv6;
	} port[ESPGW_MAX_PORTS];
	/*
	 * IPv6 (network order): the global addresses from the config and each
	 * port's link-local (pkt_ipv6_link_local_from_mac()). Packets to these,
	 * or to their solicited-node groups, ff02::1 and ff02::2, are for us;
	 * the subnet-router anycast address of each prefix is never forwarded.
	 */
	uint8_t local6[PKT_LOCAL6_MAX][16];
	uint8_t local6_prefix_len[PKT_LOCAL6_MAX];
	unsigned int n_local6;
};

/*
 * Offsets the next stages use, filled for every class but DROP (all zero).
 * IPv6 PLAIN: l4_off is the end of the fixed header (extension headers of
 * transit packets are not parsed). ND and ICMP_ECHO: payload_off is after
 * the 8-byte ICMPv6 header (the NS/NA target address).
 */
struct pkt_info {
	uint8_t cls;              /* enum pkt_class */
	uint8_t drop;             /* enum pkt_drop when cls == PKT_CLASS_DROP */
	uint16_t l3_off;          /* IPv4, IPv6 or ARP header */
	uint16_t l4_off;          /* UDP/ESP/ICMP header (IP only) */
	uint16_t payload_off;     /* after UDP header; ESP starts here for ESP_UDP */
	uint16_t ip_len;          /* IPv4 total length, IPv6 40 + payload length
				   * (the frame may be longer: pad) */
	uint8_t family;           /* 4 or 6; 0 for ARP and DROP */
	uint8_t rsvd;             /* zero: keeps the struct free of padding */
};

/**
 * Classify one frame held in a flat buffer. Pure function, no mbuf needed:
 * the unit tests and the fuzz target call it directly.
 *
 * @param ctx   gateway addresses and port facts
 * @param port  ingress port id (index into ctx->port)
 * @param frame first byte of the Ethernet header
 * @param len   bytes readable at frame
 * @param info  result; info->cls says what to do
 */
void pkt_classify_frame(const struct pkt_classify_ctx *ctx, uint16_t port,
			const uint8_t *frame, uint32_t len,
			struct pkt_info *info);

/**
 * Classify a burst. Reads the first segment of each mbuf (headers must be
 * there; multi-segment frames are classified on their first segment and
 * their total length; IPv6 checksums run over every segment). Trims
 * Ethernet padding after the IP datagram, sets m->l2_len/l3_len (40 for
 * IPv6). Frees nothing: the caller counts and frees drops.
 *
 * @param mb    packets, all from the same ingress port (mb[i]->port)
 * @param n     number of packets, at most ESPGW_MAX_BURST
 * @param info  one result per packet
 */
void pkt_classify_burst(const struct pkt_classify_ctx *ctx,
			struct rte_mbuf *mb[], uint16_t n,
			struct pkt_info info[]);

_Static_assert(sizeof(struct pkt_info) == 12, "pkt_info has no padding");

/** Operator-facing names, "esp_udp", "ip_checksum", ... */
extern const char *const pkt_class_names[PKT_CLASS_MAX];
extern const char *const pkt_drop_names[PKT_DROP_MAX];
/** One-line description of each drop reason (doubles as operator docs). */
extern const char *const pkt_drop_help[PKT_DROP_MAX];

#endif /* ESPGW_PKT_CLASSIFY_H */
