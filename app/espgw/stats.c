/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Counter names, descriptions and sums. The descriptions double as the
 * operator documentation of each drop reason (the README lists them).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "gw.h"

const char *const gw_drop_names[GW_DROP_MAX] = {
	[GW_DROP_ESP_NO_SA] = "esp_no_sa",
	[GW_DROP_IKE_UNHANDLED] = "ike_unhandled",
	[GW_DROP_CTL_RING_FULL] = "ctl_ring_full",
	[GW_DROP_TX_FULL] = "tx_full",
	[GW_DROP_NO_ROUTE] = "no_route",
	[GW_DROP_TTL_EXCEEDED] = "ttl_exceeded",
	[GW_DROP_MTU_DF] = "mtu_df",
	[GW_DROP_FRAG_FAILED] = "frag_failed",
	[GW_DROP_NEIGH_UNRESOLVED] = "neigh_unresolved",
	[GW_DROP_NEIGH_HOLD_FULL] = "neigh_hold_full",
	[GW_DROP_NEIGH_TABLE_FULL] = "neigh_table_full",
	[GW_DROP_ARP_IGNORED] = "arp_ignored",
	[GW_DROP_NO_MBUF] = "no_mbuf",
	[GW_DROP_SA_EXPIRED] = "sa_expired",
	[GW_DROP_SPD_DISCARD] = "spd_discard",
	[GW_DROP_SPD_NO_SA] = "spd_no_sa",
	[GW_DROP_SPD_UNPROTECTED] = "spd_unprotected",
	[GW_DROP_HANDOFF_FULL] = "handoff_full",
	[GW_DROP_ESP_TO_LOCAL] = "esp_to_local",
	[GW_DROP_KEEPALIVE_NO_SA] = "keepalive_no_sa",
	[GW_DROP_ND_IGNORED] = "nd_ignored",
};

const char *const gw_drop_help[GW_DROP_MAX] = {
	[GW_DROP_ESP_NO_SA] = "ESP for an SPI with no inbound SA",
	[GW_DROP_IKE_UNHANDLED] = "IKE received; this build has no IKE engine yet",
	[GW_DROP_CTL_RING_FULL] = "control lcore backlog full (overload)",
	[GW_DROP_TX_FULL] = "NIC TX queue did not accept the packet",
	[GW_DROP_NO_ROUTE] = "no route to the destination (ICMP net unreachable sent)",
	[GW_DROP_TTL_EXCEEDED] = "TTL expired in transit (ICMP time exceeded sent)",
	[GW_DROP_MTU_DF] = "larger than the egress MTU with DF set (ICMP frag needed sent)",
	[GW_DROP_FRAG_FAILED] = "larger than the egress MTU and fragmenting it failed",
	[GW_DROP_NEIGH_UNRESOLVED] = "held for a next hop that never answered ARP",
	[GW_DROP_NEIGH_HOLD_FULL] = "too many packets already waiting for that next hop",
	[GW_DROP_NEIGH_TABLE_FULL] = "no room for another neighbour entry",
	[GW_DROP_ARP_IGNORED] = "ARP neither for us nor about a neighbour on the link",
	[GW_DROP_NO_MBUF] = "control lcore found no free mbuf to answer with",
	[GW_DROP_SA_EXPIRED] = "the SA reached its hard lifetime (packets or bytes)",
	[GW_DROP_SPD_DISCARD] = "a discard policy matched, or no policy did (either direction)",
	[GW_DROP_SPD_NO_SA] = "outbound: the protect policy's SA is not installed",
	[GW_DROP_SPD_UNPROTECTED] = "inbound: plain packet that a protect policy says must arrive through ESP",
	[GW_DROP_HANDOFF_FULL] = "the worker owning the packet's SA is backlogged",
	[GW_DROP_ND_IGNORED] = "neighbour solicitation/advertisement that failed RFC 4861 validation",
	[GW_DROP_KEEPALIVE_NO_SA] = "NAT-T keepalive from an address and port no SA is bound to",
	[GW_DROP_ESP_TO_LOCAL] = "decrypted packet for the gateway that no local service takes (only ICMP echo is answered through tunnels)",
};

const char *const gw_event_names[GW_EV_MAX] = {
	[GW_EV_ARP_REPLY_SENT] = "arp_reply_sent",
	[GW_EV_ARP_REQUEST_SENT] = "arp_request_sent",
	[GW_EV_ICMP_ECHO_REPLY] = "icmp_echo_reply",
	[GW_EV_ICMP_ERROR_SENT] = "icmp_error_sent",
	[GW_EV_ICMP_RATE_LIMITED] = "icmp_rate_limited",
	[GW_EV_HELD_RELEASED] = "held_released",
	[GW_EV_FRAGMENTS_SENT] = "fragments_sent",
	[GW_EV_NATT_KEEPALIVE] = "natt_keepalive",
	[GW_EV_ND_SOLICIT_SENT] = "nd_solicit_sent",
	[GW_EV_ND_ADVERT_SENT] = "nd_advert_sent",
};

static void add_into(struct lcore_stats *t, const struct lcore_stats *s)
{
	const uint64_t *src = (const uint64_t *)s;
	uint64_t *dst = (uint64_t *)t;
	size_t i;

	/* every member is a uint64_t counter */
	for (i = 0; i < offsetof(struct lcore_stats, esp_drop[ESP_DROP_MAX]) / sizeof(uint64_t); i++)
		dst[i] += cnt_read(&src[i]);
}

void stats_sum(const struct gw *gw, struct lcore_stats *total)
{
	unsigned int i;
	struct lcore_stats ctrl = { 0 };

	memset(total, 0, sizeof(*total));
	for (i = 0; i < gw->n_workers; i++)
		add_into(total, gw->workers[i]->stats);
	/* the control lcore's rx are packets workers already counted */
	add_into(&ctrl, &gw->ctrl_stats);
	ctrl.rx = 0;
	add_into(total, &ctrl);
}

static void print_nonzero(FILE *f, const char *prefix, const char *const names[],
			  const uint64_t *v, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (v[i] != 0)
			fprintf(f, "  %-8s %-20s %" PRIu64 "\n", prefix, names[i], v[i]);
}

void stats_print(const struct gw *gw, FILE *f)
{
	struct lcore_stats t;

	stats_sum(gw, &t);
	fprintf(f, "espgw counters (all lcores):\n");
	fprintf(f, "  rx %" PRIu64 "  tx %" PRIu64 "  to_control %" PRIu64 "\n",
		t.rx, t.tx, t.to_ctl);
	print_nonzero(f, "class", pkt_class_names, t.cls, PKT_CLASS_MAX);
	print_nonzero(f, "drop", pkt_drop_names, t.cls_drop, PKT_DROP_MAX);
	print_nonzero(f, "drop", gw_drop_names, t.drop, GW_DROP_MAX);
	print_nonzero(f, "event", gw_event_names, t.ev, GW_EV_MAX);
	if (t.esp_ok_in + t.esp_ok_out + t.handoff != 0)
		fprintf(f, "  esp decrypted %" PRIu64 "  encrypted %" PRIu64
			"  handed off %" PRIu64 "\n", t.esp_ok_in, t.esp_ok_out, t.handoff);
	/* esp_drop[ESP_DROP_NONE] is never counted */
	print_nonzero(f, "esp_drop", esp_drop_names, t.esp_drop, ESP_DROP_MAX);
}
