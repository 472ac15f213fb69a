/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packet classification on the worker lcores (DESIGN.md "How a packet is
 * classified", RFC 3948 §2.2, RFC 7296 §2.23). Decides for each received
 * frame which stage takes it next; validates every header it reads against
 * the bytes really present and counts malformed input under a reason.
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
};

/* What happens to a packet next. Keep pkt_class_names[] in step. */
enum pkt_class {
	PKT_CLASS_DROP = 0,       /* malformed or not for us: see pkt_drop */
	PKT_CLASS_PLAIN,          /* IPv4 in transit: route and forward */
	PKT_CLASS_IKE,            /* UDP dst 500 to us */
	PKT_CLASS_IKE_NATT,       /* UDP dst 4500 to us, non-ESP marker first */
	PKT_CLASS_NATT_KEEPALIVE, /* UDP dst 4500 to us, payload exactly 0xFF */
	PKT_CLASS_ESP_UDP,        /* UDP dst 4500 to us, SPI first (RFC 3948) */
	PKT_CLASS_ESP,            /* IP protocol 50 to us */
	PKT_CLASS_ARP,            /* ARP request or reply (any target) */
	PKT_CLASS_ICMP_ECHO,      /* ICMP echo request to one of our addresses */
	PKT_CLASS_MAX
};

/* Why a packet classified PKT_CLASS_DROP. Keep pkt_drop_names[] in step. */
enum pkt_drop {
	PKT_DROP_NONE = 0,
	PKT_DROP_RUNT,            /* shorter than an Ethernet header */
	PKT_DROP_L2_OTHER_HOST,   /* unicast to another MAC address */
	PKT_DROP_ETHERTYPE,       /* neither IPv4 nor ARP */
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
		uint8_t verify_ip_cksum; /* 0 when the NIC already checked it */
	} port[ESPGW_MAX_PORTS];
};

/* Offsets the next stages use, filled for every class but DROP. */
struct pkt_info {
	uint8_t cls;              /* enum pkt_class */
	uint8_t drop;             /* enum pkt_drop when cls == PKT_CLASS_DROP */
	uint16_t l3_off;          /* IPv4 or ARP header */
	uint16_t l4_off;          /* UDP/ESP/ICMP header (IPv4 only) */
	uint16_t payload_off;     /* after UDP header; ESP starts here for ESP_UDP */
	uint16_t ip_len;          /* IPv4 total length (frame may be longer: pad) */
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
 * their total length). Trims Ethernet padding after the IP datagram, sets
 * m->l2_len/l3_len. Frees nothing: the caller counts and frees drops.
 *
 * @param mb    packets, all from the same ingress port (mb[i]->port)
 * @param n     number of packets, at most ESPGW_MAX_BURST
 * @param info  one result per packet
 */
void pkt_classify_burst(const struct pkt_classify_ctx *ctx,
			struct rte_mbuf *mb[], uint16_t n,
			struct pkt_info info[]);

/** Operator-facing names, "esp_udp", "ip_checksum", ... */
extern const char *const pkt_class_names[PKT_CLASS_MAX];
extern const char *const pkt_drop_names[PKT_DROP_MAX];
/** One-line description of each drop reason (doubles as operator docs). */
extern const char *const pkt_drop_help[PKT_DROP_MAX];

#endif /* ESPGW_PKT_CLASSIFY_H */
