/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the configuration loader (lib/conf): good files and the
 * values they yield, a numbered table of bad files each with the exact
 * "name:LINE: message" it must produce, limits, file I/O, and every sample
 * under config/ (run with the repository root as working directory).
 */
#include <errno.h>
#include <glob.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "lib/conf/conf.h"

/* Two interfaces every bad case builds on; line numbers in comments. */
#define WAN                                   \
	"interfaces:\n"                   /* 1 */ \
	"  - name: wan0\n"                /* 2 */ \
	"    device: net_af_packet0\n"    /* 3 */ \
	"    role: public\n"              /* 4 */ \
	"    address: 192.0.2.1/24\n"     /* 5 */
#define LAN                                   \
	"  - name: lan0\n"                /* 6 */ \
	"    device: net_af_packet1\n"    /* 7 */ \
	"    role: private\n"             /* 8 */ \
	"    address: 198.51.100.1/24\n"  /* 9 */
#define BASE WAN LAN                      /* next line is 10 */

/* WAN with its address line replaced; the address is on line 5. */
#define WAN_ADDR(a)                                   \
	"interfaces:\n  - name: wan0\n    device: d0\n" \
	"    role: public\n    address: " a "\n"
/* BASE plus an mtu on line 10 of lan0. */
#define LAN_MTU(m) BASE "    mtu: " m "\n"
/* BASE plus one route starting on line 11. */
#define ROUTE(p, v) BASE "routes:\n  - prefix: " p "\n    via: " v "\n"
/* BASE plus one neighbour starting on line 11. */
#define NEIGH(a, m) BASE "neighbours:\n  - address: " a "\n    mac: " m "\n"
#define NSET(k, v) BASE "settings:\n  neighbour:\n    " k ": " v "\n"
/* One interface with name, device, role on lines 2, 3, 4. */
#define IFX(n, d, r)                                              \
	"interfaces:\n  - name: " n "\n    device: " d "\n    role: " r \
	"\n    address: 192.0.2.1/24\n"

static uint32_t ip(unsigned int a, unsigned int b, unsigned int c, unsigned int d)
{
	return a << 24 | b << 16 | c << 8 | d;
}

static int load(const char *text, struct conf *c, char *err)
{
	return conf_load_buf("bad.yaml", text, strlen(text), c, err, CONF_ERR_MAX);
}

/* ---- good files ------------------------------------------------------ */

static const char full_yaml[] =
	"# a full file\n"
	BASE
	"    mtu: 9000\n"                        /* 11 */
	"routes:\n"                              /* 12 */
	"  - prefix: 0.0.0.0/0\n"                /* 13 */
	"    via: 192.0.2.254\n"
	"    interface: wan0\n"
	"  - prefix: 203.0.113.0/24\n"           /* 16 */
	"    via: 198.51.100.254\n"
	"neighbours:\n"
	"  - address: 192.0.2.254\n"             /* 19 */
	"    mac: 02:00:00:00:00:01\n"
	"    interface: wan0\n"
	"  - address: 198.51.100.7\n"            /* 22 */
	"    mac: 0A:bC:de:F0:12:34\n"
	"settings:\n"
	"  neighbour:\n"
	"    reachable_ms: 60000\n"
	"    retrans_ms: 500\n"
	"    max_probes: 5\n"
	"    hold_packets: 16\n"
	"  icmp_rate: 0\n";

static void test_full(void **state)
{
	static const uint8_t mac0[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	static const uint8_t mac1[6] = { 0x0a, 0xbc, 0xde, 0xf0, 0x12, 0x34 };
	char err[CONF_ERR_MAX];
	struct conf *c = malloc(sizeof(*c));
	int rc;

	(void)state;
	assert_non_null(c);
	/* the file starts with a comment line, so BASE is shifted by one */
	rc = conf_load_buf("full.yaml", full_yaml, strlen(full_yaml), c, err, sizeof(err));
	assert_int_equal(rc, 0);
	assert_string_equal(err, "");
	assert_string_equal(c->path, "full.yaml");
	assert_int_equal(c->n_ifaces, 2);
	assert_string_equal(c->ifaces[0].name, "wan0");
	assert_string_equal(c->ifaces[0].device, "net_af_packet0");
	assert_int_equal(c->ifaces[0].role, CONF_ROLE_PUBLIC);
	assert_int_equal(c->ifaces[0].addr, ip(192, 0, 2, 1));
	assert_int_equal(c->ifaces[0].prefix_len, 24);
	assert_int_equal(c->ifaces[0].mtu, 1500);
	assert_int_equal(c->ifaces[0].line, 3);
	assert_string_equal(c->ifaces[1].name, "lan0");
	assert_string_equal(c->ifaces[1].device, "net_af_packet1");
	assert_int_equal(c->ifaces[1].role, CONF_ROLE_PRIVATE);
	assert_int_equal(c->ifaces[1].addr, ip(198, 51, 100, 1));
	assert_int_equal(c->ifaces[1].mtu, 9000);
	assert_int_equal(c->ifaces[1].line, 7);

	assert_int_equal(c->n_routes, 2);
	assert_int_equal(c->routes[0].prefix, 0);
	assert_int_equal(c->routes[0].prefix_len, 0);
	assert_int_equal(c->routes[0].via, ip(192, 0, 2, 254));
	assert_int_equal(c->routes[0].iface, 0);
	assert_int_equal(c->routes[0].line, 13);
	assert_int_equal(c->routes[1].prefix, ip(203, 0, 113, 0));
	assert_int_equal(c->routes[1].prefix_len, 24);
	assert_int_equal(c->routes[1].via, ip(198, 51, 100, 254));
	assert_int_equal(c->routes[1].iface, 1);

	assert_int_equal(c->n_neighs, 2);
	assert_int_equal(c->neighs[0].addr, ip(192, 0, 2, 254));
	assert_memory_equal(c->neighs[0].mac, mac0, 6);
	assert_int_equal(c->neighs[0].iface, 0);
	assert_int_equal(c->neighs[0].line, 19);
	assert_int_equal(c->neighs[1].addr, ip(198, 51, 100, 7));
	assert_memory_equal(c->neighs[1].mac, mac1, 6);
	assert_int_equal(c->neighs[1].iface, 1);

	assert_int_equal(c->neigh.reachable_ms, 60000);
	assert_int_equal(c->neigh.retrans_ms, 500);
	assert_int_equal(c->neigh.max_probes, 5);
	assert_int_equal(c->neigh.hold_packets, 16);
	assert_int_equal(c->icmp_rate, 0);
	free(c);
}

static void test_minimal_and_defaults(void **state)
{
	static const char text[] =
		"interfaces:\n"
		"  - {name: x, device: \"0000:03:00.0\", role: private, address: 10.1.2.3/32}\n";
	char err[CONF_ERR_MAX];
	struct conf *c = malloc(sizeof(*c));

	(void)state;
	assert_non_null(c);
	assert_int_equal(load(text, c, err), 0);
	assert_int_equal(c->n_ifaces, 1);
	assert_string_equal(c->ifaces[0].name, "x");
	assert_string_equal(c->ifaces[0].device, "0000:03:00.0");
	assert_int_equal(c->ifaces[0].role, CONF_ROLE_PRIVATE);
	assert_int_equal(c->ifaces[0].addr, ip(10, 1, 2, 3));
	assert_int_equal(c->ifaces[0].prefix_len, 32);
	assert_int_equal(c->ifaces[0].mtu, 1500);
	assert_int_equal(c->n_routes, 0);
	assert_int_equal(c->n_neighs, 0);
	assert_int_equal(c->neigh.reachable_ms, 30000);
	assert_int_equal(c->neigh.retrans_ms, 1000);
	assert_int_equal(c->neigh.max_probes, 3);
	assert_int_equal(c->neigh.hold_packets, 8);
	assert_int_equal(c->icmp_rate, 100);
	free(c);
}

/* Optional sections may be present but empty; settings may be partial. */
static void test_empty_sections(void **state)
{
	static const char text[] =
		BASE "routes:\nneighbours: ~\nsettings:\n  neighbour:\n"
		"    max_probes: 10\n  icmp_rate: 100000\n";
	char err[CONF_ERR_MAX];
	struct conf *c = malloc(sizeof(*c));

	(void)state;
	assert_non_null(c);
	assert_int_equal(load(text, c, err), 0);
	assert_int_equal(c->n_routes, 0);
	assert_int_equal(c->n_neighs, 0);
	assert_int_equal(c->neigh.max_probes, 10);
	assert_int_equal(c->neigh.reachable_ms, 30000);
	assert_int_equal(c->icmp_rate, 100000);
	free(c);
}

/* Without `interface`, the route and neighbour land on the subnet's owner. */
static void test_iface_derived(void **state)
{
	static const char text[] =
		BASE "routes:\n"
		"  - {prefix: 10.0.0.0/8, via: 198.51.100.2}\n"
		"  - {prefix: 10.0.0.0/9, via: 192.0.2.2}\n"
		"  - {prefix: 192.0.2.0/25, via: 198.51.100.9}\n"
		"neighbours:\n  - {address: 198.51.100.2, mac: '02:00:00:00:00:02'}\n";
	char err[CONF_ERR_MAX];
	struct conf *c = malloc(sizeof(*c));

	(void)state;
	assert_non_null(c);
	assert_int_equal(load(text, c, err), 0);
	assert_int_equal(c->n_routes, 3);
	assert_int_equal(c->routes[0].iface, 1);
	assert_int_equal(c->routes[1].iface, 0);
	assert_int_equal(c->routes[1].prefix_len, 9);
	assert_int_equal(c->routes[2].iface, 1);
	assert_int_equal(c->neighs[0].iface, 1);
	assert_int_equal(c->neighs[0].line, 15);
	free(c);
}

static void test_iface_for_addr(void **state)
{
	char err[CONF_ERR_MAX];
	struct conf *c = malloc(sizeof(*c));

	(void)state;
	assert_non_null(c);
	assert_int_equal(load(BASE, c, err), 0);
	assert_int_equal(conf_iface_for_addr(c, ip(192, 0, 2, 0)), 0);
	assert_int_equal(conf_iface_for_addr(c, ip(192, 0, 2, 200)), 0);
	assert_int_equal(conf_iface_for_addr(c, ip(198, 51, 100, 255)), 1);
	assert_int_equal(conf_iface_for_addr(c, ip(192, 0, 3, 1)), -1);
	assert_int_equal(conf_iface_for_addr(c, ip(203, 0, 113, 1)), -1);
	conf_defaults(c);
	assert_int_equal(conf_iface_for_addr(c, ip(192, 0, 2, 1)), -1);
	free(c);
}

static void test_defaults(void **state)
{
	struct conf *c = malloc(sizeof(*c));

	(void)state;
	assert_non_null(c);
	memset(c, 0xa5, sizeof(*c));
	conf_defaults(c);
	assert_int_equal(c->n_ifaces, 0);
	assert_int_equal(c->n_routes, 0);
	assert_int_equal(c->n_neighs, 0);
	assert_int_equal(c->neigh.reachable_ms, 30000);
	assert_int_equal(c->neigh.retrans_ms, 1000);
	assert_int_equal(c->neigh.max_probes, 3);
	assert_int_equal(c->neigh.hold_packets, 8);
	assert_int_equal(c->icmp_rate, 100);
	assert_string_equal(c->path, "");
	assert_string_equal(c->crypto.engine, "ipsec-mb");
	assert_string_equal(c->crypto.device, "");
	assert_int_equal(c->n_sas, 0);
	assert_int_equal(c->n_policies, 0);
	free(c);
}

/* ---- IPsec: settings.crypto, sas, policies ---------------------------- */

#define KEY16 "0x00112233445566778899aabbccddeeff"
#define KEY32 "0x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

static const uint8_t key16[16] = {
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
	0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
};

/* Policies first, so their SAs are defined after them. */
static const char ipsec_yaml[] =
	BASE
	"settings:\n"                            /* 10 */
	"  crypto:\n"
	"    engine: cryptodev\n"
	"    device: crypto_aesni_gcm0\n"
	"policies:\n"                            /* 14 */
	"  - src: 198.51.100.0/24\n"             /* 15 */
	"    dst: 10.1.0.0/16\n"
	"    proto: tcp\n"
	"    sport: 1024-65535\n"
	"    dport: 443\n"
	"    priority: 10\n"
	"    action: protect\n"
	"    sa: rw1-out\n"
	"  - {dst: 10.2.0.0/16, proto: udp, dport: 500-4500, action: bypass}\n"  /* 23 */
	"  - {proto: icmp, action: discard, priority: 0}\n"
	"  - {proto: 50, action: bypass, priority: 4294967295}\n"
	"  - {action: discard}\n"
	"  - {proto: 17, sport: 0-0, action: protect, sa: site-out}\n"         /* 27 */
	"sas:\n"                                 /* 28 */
	"  - name: rw1-in\n"                     /* 29 */
	"    direction: in\n"
	"    spi: 0x1001\n"
	"    mode: transport\n"
	"    aead: aes-gcm-256\n"
	"    key: " KEY32 "\n"
	"    salt: 0xdeadBEEF\n"
	"    esn: true\n"
	"    replay_window: 65536\n"
	"    local: 192.0.2.1\n"
	"    peer: 203.0.113.10\n"
	"    nat_t: true\n"
	"    peer_port: 31000\n"
	"    selector:\n"
	"      src: 10.1.0.0/16\n"
	"      dst: 198.51.100.0/24\n"
	"    lifetime:\n"
	"      soft_bytes: 1000\n"
	"      hard_bytes: 18446744073709551615\n"
	"      soft_packets: 0\n"
	"      hard_packets: 5\n"
	"  - name: rw1-out\n"                    /* 50 */
	"    direction: out\n"
	"    spi: 4097\n"                        /* same SPI as rw1-in: other direction */
	"    aead: aes-gcm-128\n"
	"    key: 0x00112233445566778899AABBCCDDEEFF\n"
	"    salt: 0x01020304\n"
	"    peer: 203.0.113.10\n"
	"    nat_t: true\n"
	"  - {name: site-in, direction: in, spi: 256, aead: aes-gcm-128, key: " KEY16 ",\n"
	"     salt: '0x00000000', peer: 203.0.113.20, nat_t: false, esn: false}\n"
	"  - {name: site-out, direction: out, spi: 4294967295, mode: tunnel, aead: aes-gcm-128,\n"
	"     key: " KEY16 ", salt: 0x0a0b0c0d, peer: 203.0.113.20,\n"
	"     lifetime: {soft_packets: 1, hard_packets: 2}}\n";

static void test_ipsec_full(void **state)
{
	static const uint8_t salt0[4] = { 0xde, 0xad, 0xbe, 0xef };
	static const uint8_t salt3[4] = { 0x0a, 0x0b, 0x0c, 0x0d };
	char err[CONF_ERR_MAX];
	struct conf *c = malloc(sizeof(*c));
	const struct conf_sa *sa;
	const struct conf_policy *po;
	unsigned int i;

	(void)state;
	assert_non_null(c);
	if (load(ipsec_yaml, c, err) != 0)
		print_error("%s\n", err);
	assert_int_equal(load(ipsec_yaml, c, err), 0);
	assert_string_equal(c->crypto.engine, "cryptodev");
	assert_string_equal(c->crypto.device, "crypto_aesni_gcm0");
	assert_int_equal(c->n_sas, 4);
	assert_int_equal(c->n_policies, 6);

	sa = &c->sas[0];
	assert_string_equal(sa->name, "rw1-in");
	assert_int_equal(sa->dir, CONF_SA_IN);
	assert_int_equal(sa->spi, 0x1001);
	assert_int_equal(sa->mode, CONF_SA_TRANSPORT);
	assert_int_equal(sa->aead, CONF_AEAD_AES_GCM_256);
	assert_int_equal(sa->key_len, 32);
	for (i = 0; i < 32; i++)
		assert_int_equal(sa->key[i], i);
	assert_memory_equal(sa->salt, salt0, 4);
	assert_int_equal(sa->esn, 1);
	assert_int_equal(sa->replay_window, 65536);
	assert_int_equal(sa->local, ip(192, 0, 2, 1));
	assert_int_equal(sa->peer, ip(203, 0, 113, 10));
	assert_int_equal(sa->natt, 1);
	assert_int_equal(sa->peer_port, 31000);
	assert_int_equal(sa->sel_src.addr, ip(10, 1, 0, 0));
	assert_int_equal(sa->sel_src.len, 16);
	assert_int_equal(sa->sel_dst.addr, ip(198, 51, 100, 0));
	assert_int_equal(sa->sel_dst.len, 24);
	assert_true(sa->soft_bytes == 1000);
	assert_true(sa->hard_bytes == UINT64_MAX);
	assert_true(sa->soft_packets == 0);
	assert_true(sa->hard_packets == 5);
	assert_int_equal(sa->line, 29);

	sa = &c->sas[1];                /* defaults of an out SA */
	assert_string_equal(sa->name, "rw1-out");
	assert_int_equal(sa->dir, CONF_SA_OUT);
	assert_int_equal(sa->spi, 4097);
	assert_int_equal(sa->mode, CONF_SA_TUNNEL);
	assert_int_equal(sa->aead, CONF_AEAD_AES_GCM_128);
	assert_int_equal(sa->key_len, 16);
	assert_memory_equal(sa->key, key16, 16);
	assert_int_equal(sa->esn, 0);
	assert_int_equal(sa->replay_window, 0);
	assert_int_equal(sa->local, ip(192, 0, 2, 1));   /* first public iface */
	assert_int_equal(sa->natt, 1);
	assert_int_equal(sa->peer_port, 4500);
	assert_int_equal(sa->sel_src.len, 0);
	assert_true(sa->hard_bytes == 0 && sa->hard_packets == 0);
	assert_int_equal(sa->line, 50);

	sa = &c->sas[2];                /* defaults of an in SA */
	assert_int_equal(sa->dir, CONF_SA_IN);
	assert_int_equal(sa->spi, 256);
	assert_int_equal(sa->replay_window, 128);
	assert_int_equal(sa->natt, 0);
	assert_int_equal(sa->peer_port, 0);
	assert_int_equal(sa->sel_src.addr, 0);
	assert_int_equal(sa->sel_src.len, 0);
	assert_int_equal(sa->sel_dst.addr, 0);
	assert_int_equal(sa->sel_dst.len, 0);
	assert_int_equal(sa->mode, CONF_SA_TUNNEL);

	sa = &c->sas[3];
	assert_int_equal(sa->spi, 0xffffffffu);
	assert_memory_equal(sa->salt, salt3, 4);
	assert_true(sa->soft_packets == 1 && sa->hard_packets == 2);

	po = &c->policies[0];
	assert_int_equal(po->src.addr, ip(198, 51, 100, 0));
	assert_int_equal(po->src.len, 24);
	assert_int_equal(po->dst.addr, ip(10, 1, 0, 0));
	assert_int_equal(po->dst.len, 16);
	assert_int_equal(po->proto, 6);
	assert_int_equal(po->sport_lo, 1024);
	assert_int_equal(po->sport_hi, 65535);
	assert_int_equal(po->dport_lo, 443);
	assert_int_equal(po->dport_hi, 443);
	assert_int_equal(po->priority, 10);
	assert_int_equal(po->action, CONF_POLICY_PROTECT);
	assert_int_equal(po->sa, 1);    /* rw1-out, defined after the policy */
	assert_int_equal(po->line, 15);

	po = &c->policies[1];
	assert_int_equal(po->src.len, 0);
	assert_int_equal(po->proto, 17);
	assert_int_equal(po->sport_lo, 0);
	assert_int_equal(po->sport_hi, 65535);
	assert_int_equal(po->dport_lo, 500);
	assert_int_equal(po->dport_hi, 4500);
	assert_int_equal(po->priority, 1000);
	assert_int_equal(po->action, CONF_POLICY_BYPASS);
	assert_int_equal(po->sa, -1);
	assert_int_equal(po->line, 23);

	assert_int_equal(c->policies[2].proto, 1);
	assert_int_equal(c->policies[2].priority, 0);
	assert_int_equal(c->policies[2].action, CONF_POLICY_DISCARD);
	assert_int_equal(c->policies[3].proto, 50);
	assert_int_equal(c->policies[3].priority, 4294967295u);

	po = &c->policies[3 + 1];       /* every default */
	assert_int_equal(po->src.addr, 0);
	assert_int_equal(po->src.len, 0);
	assert_int_equal(po->dst.addr, 0);
	assert_int_equal(po->dst.len, 0);
	assert_int_equal(po->proto, CONF_PROTO_ANY);
	assert_int_equal(po->sport_lo, 0);
	assert_int_equal(po->sport_hi, 65535);
	assert_int_equal(po->dport_lo, 0);
	assert_int_equal(po->dport_hi, 65535);
	assert_int_equal(po->priority, 1000);
	assert_int_equal(po->action, CONF_POLICY_DISCARD);
	assert_int_equal(po->sa, -1);

	po = &c->policies[5];
	assert_int_equal(po->proto, 17);
	assert_int_equal(po->sport_lo, 0);
	assert_int_equal(po->sport_hi, 0);
	assert_int_equal(po->sa, 3);    /* site-out */
	assert_int_equal(po->line, 27);

	/* conf_wipe clears every key and salt and nothing else */
	conf_wipe(c);
	for (i = 0; i < c->n_sas; i++) {
		static const uint8_t zero[CONF_KEY_MAX];

		assert_memory_equal(c->sas[i].key, zero, CONF_KEY_MAX);
		assert_memory_equal(c->sas[i].salt, zero, CONF_SALT_LEN);
	}
	assert_int_equal(c->sas[0].spi, 0x1001);
	assert_int_equal(c->sas[0].key_len, 32);
	free(c);
}

/* SAs before the policies that name them; an extra policy per proto form. */
static void test_ipsec_sa_before_policy(void **state)
{
	static const char text[] =
		BASE
		"sas:\n"
		"  - {name: a-out, direction: out, spi: 0x100, aead: aes-gcm-128, key: " KEY16 ",\n"
		"     salt: 0x01020304, peer: 192.0.2.10}\n"
		"  - {name: a-in, direction: in, spi: 0x100, aead: aes-gcm-128, key: " KEY16 ",\n"
		"     salt: 0x01020304, peer: 192.0.2.10}\n"
		"  - {name: b-out, direction: out, spi: 0x00000101, aead: aes-gcm-128, key: " KEY16 ",\n"
		"     salt: 0x01020304, peer: 192.0.2.11}\n"
		"policies:\n"
		"  - {action: protect, sa: b-out, proto: any}\n"
		"  - {action: protect, sa: a-out, proto: udp, sport: 4500, dport: 0-65535}\n"
		"  - {action: protect, sa: b-out, proto: 255}\n"
		"  - {action: protect, sa: a-out, proto: 0}\n";
	char err[CONF_ERR_MAX];
	struct conf *c = malloc(sizeof(*c));

	(void)state;
	assert_non_null(c);
	assert_int_equal(load(text, c, err), 0);
	assert_int_equal(c->n_sas, 3);
	assert_int_equal(c->sas[2].spi, 0x101);
	assert_int_equal(c->n_policies, 4);
	assert_int_equal(c->policies[0].sa, 2);
	assert_int_equal(c->policies[0].proto, CONF_PROTO_ANY);
	assert_int_equal(c->policies[1].sa, 0);
	assert_int_equal(c->policies[1].proto, 17);
	assert_int_equal(c->policies[1].sport_lo, 4500);
	assert_int_equal(c->policies[1].sport_hi, 4500);
	assert_int_equal(c->policies[1].dport_lo, 0);
	assert_int_equal(c->policies[1].dport_hi, 65535);
	assert_int_equal(c->policies[2].sa, 2);
	assert_int_equal(c->policies[2].proto, 255);
	assert_int_equal(c->policies[3].proto, 0);
	free(c);
}

/* A bad key is explained by its length, never by its text. */
static void test_key_never_echoed(void **state)
{
	static const char *const keys[] = {
		"0xa1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7",        /* 17 bytes */
		"0xa1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f",           /* odd */
		"0xa1b2c3d4e5f6a7b8c9d0a1b2c3d4e5fz",          /* not hex */
		"a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6",            /* no 0x */
		"\"a1b2c3d4\\0e5f6a7b8c9d0\"",              /* NUL */
	};
	char err[CONF_ERR_MAX], text[1024];
	struct conf *c = malloc(sizeof(*c));
	unsigned int i;

	(void)state;
	assert_non_null(c);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		snprintf(text, sizeof(text), BASE "sas:\n  - {name: x, direction: in, spi: 300,"
			 " aead: aes-gcm-128, salt: 0xa1b2c3d4, peer: 192.0.2.9,\n"
			 "     key: %s}\n", keys[i]);
		assert_int_equal(load(text, c, err), -EINVAL);
		if (strncmp(err, "bad.yaml:12: ", 13) != 0 || strstr(err, "key") == NULL)
			print_error("%s\n", err);
		assert_int_equal(strncmp(err, "bad.yaml:12: ", 13), 0);
		assert_non_null(strstr(err, "key"));
		assert_null(strstr(err, "a1b2"));
		assert_null(strstr(err, "c3d4"));
		assert_null(strstr(err, "e5f6"));
	}
	/* nor the salt, nor the keys of the SAs before the bad one */
	snprintf(text, sizeof(text), BASE "sas:\n  - {name: x, direction: in, spi: 300,"
		 " aead: aes-gcm-128, key: " KEY16 ", salt: 0xa1b2c3d4, peer: 192.0.2.9}\n"
		 "  - {name: y, direction: in, spi: 301, aead: aes-gcm-128, key: " KEY16 ","
		 " salt: 0xa1b2c3d4e5, peer: 192.0.2.9}\n");
	assert_int_equal(load(text, c, err), -EINVAL);
	assert_string_equal(err, "bad.yaml:12: salt has 5 bytes, AES-GCM (RFC 4106 §4) needs 4");
	assert_null(strstr(err, "a1b2"));
	for (i = 0; i < CONF_KEY_MAX; i++)
		assert_int_equal(c->sas[0].key[i], 0);
	free(c);
}

/* ---- bad files ------------------------------------------------------- */

struct bad_case {
	const char *text;
	const char *want;       /* substring of the error, "bad.yaml:LINE: ..." */
};

static const struct bad_case bad_cases[] = {
	/* 0: YAML syntax, reported at libyaml's problem line */
	{ "interfaces:\n\t- name: x\n",
	  "bad.yaml:2: YAML syntax error: found character that cannot start any token" },
	{ BASE "routes: [\n", "bad.yaml:11: YAML syntax error: did not find expected node content" },
	{ WAN "    mtu: \"1500\n", "bad.yaml:7: YAML syntax error: found unexpected end of stream" },
	{ BASE "  bad\n", "bad.yaml:11: YAML syntax error: could not find expected ':' (while scanning a simple key at line 10)" },
	{ BASE "# \xff\n", "bad.yaml:10: YAML syntax error: invalid leading UTF-8 octet" },
	/* 5: shape of the file */
	{ "- a\n- b\n", "bad.yaml:1: configuration must be a mapping, not a sequence" },
	{ "\n\njust text\n", "bad.yaml:3: configuration must be a mapping, not a scalar" },
	{ "", "bad.yaml: empty configuration" },
	{ "# nothing but a comment\n\n", "bad.yaml: empty configuration" },
	{ "---\n", "bad.yaml: empty configuration" },
	/* 10 */
	{ BASE "---\ninterfaces: []\n", "bad.yaml:10: only one YAML document is allowed" },
	{ "a: [[[[[[[[[[1]]]]]]]]]]\n", "bad.yaml:1: nested deeper than 8 levels" },
	{ "interfaces: &x []\n", "bad.yaml:1: anchors and aliases are not allowed" },
	{ BASE "routes: *r\n", "bad.yaml:10: anchors and aliases are not allowed" },
	{ "? [a]\n: b\n", "bad.yaml:1: keys in configuration must be scalars, not a sequence" },
	/* 15: unknown, reserved, duplicate keys */
	{ BASE "interface: x\n",
	  "bad.yaml:10: unknown key 'interface' in configuration (expected interfaces, routes, neighbours, settings, sas, policies)" },
	{ "interfaces:\n  - name: wan0\n    device: d0\n    role: public\n    adress: 192.0.2.1/24\n",
	  "bad.yaml:5: unknown key 'adress' in interface (expected name, device, role, address, address6, mtu)" },
	{ ROUTE("203.0.113.0/24", "198.51.100.254") "    gw: x\n",
	  "bad.yaml:13: unknown key 'gw' in route (expected prefix, via, interface)" },
	{ NEIGH("192.0.2.254", "02:00:00:00:00:01") "    dev: wan0\n",
	  "bad.yaml:13: unknown key 'dev' in neighbour (expected address, mac, interface)" },
	{ BASE "settings:\n  icmp: 5\n",
	  "bad.yaml:11: unknown key 'icmp' in settings (expected neighbour, icmp_rate, crypto)" },
	/* 20 */
	{ NSET("reachable", "5"),
	  "bad.yaml:12: unknown key 'reachable' in settings.neighbour (expected reachable_ms, retrans_ms, max_probes, hold_packets)" },
	{ BASE "sas: []\npolicies: []\n", NULL },    /* no longer reserved */
	{ "connections:\n  c: 1\n" BASE,
	  "bad.yaml:1: 'connections' is reserved for IPsec and not supported by this version" },
	{ BASE "policies: x\n", "bad.yaml:10: 'policies' must be a sequence, not a scalar" },
	{ BASE "secrets: x\n", "bad.yaml:10: 'secrets' is reserved for IPsec" },
	/* 25 */
	{ BASE "interfaces: []\n", "bad.yaml:10: duplicate key 'interfaces' in configuration (first at line 1)" },
	{ WAN "    name: wan1\n", "bad.yaml:6: duplicate key 'name' in interface (first at line 2)" },
	{ "interfaces:\n  name: wan0\n", "bad.yaml:2: 'interfaces' must be a sequence, not a mapping" },
	{ "interfaces:\n  - wan0\n", "bad.yaml:2: interface must be a mapping, not a scalar" },
	{ IFX("[a, b]", "d", "public"), "bad.yaml:2: 'name' must be a scalar, not a sequence" },
	/* 30 */
	{ "interfaces:\n  - name: wan0\n    device: d0\n    role: public\n    address:\n"
	  "      - 192.0.2.1/24\n      - 192.0.2.2/24\n",
	  "bad.yaml:6: 'address' must be a scalar, not a sequence" },
	{ BASE "routes: 5\n", "bad.yaml:10: 'routes' must be a sequence, not a scalar" },
	{ BASE "settings:\n  neighbour: 5\n", "bad.yaml:11: settings.neighbour must be a mapping, not a scalar" },
	{ BASE "settings: [1]\n", "bad.yaml:10: settings must be a mapping, not a sequence" },
	{ IFX("\"wan\\0x\"", "d", "public"), "bad.yaml:2: 'name' contains a NUL character" },
	/* 35: missing keys */
	{ "interfaces:\n  - name: wan0\n    role: public\n    address: 192.0.2.1/24\n",
	  "bad.yaml:2: interface is missing 'device'" },
	{ "interfaces:\n  - device: d0\n    role: public\n    address: 192.0.2.1/24\n",
	  "bad.yaml:2: interface is missing 'name'" },
	{ "interfaces:\n  - name: x\n    device: d0\n    address: 192.0.2.1/24\n",
	  "bad.yaml:2: interface is missing 'role'" },
	{ "interfaces:\n  - name: x\n    device: d0\n    role: public\n",
	  "bad.yaml:2: interface is missing 'address'" },
	{ BASE "routes:\n  - prefix: 203.0.113.0/24\n", "bad.yaml:11: route is missing 'via'" },
	/* 40 */
	{ BASE "routes:\n  - via: 192.0.2.9\n", "bad.yaml:11: route is missing 'prefix'" },
	{ BASE "neighbours:\n  - address: 192.0.2.9\n", "bad.yaml:11: neighbour is missing 'mac'" },
	{ BASE "neighbours:\n  - mac: 02:00:00:00:00:01\n", "bad.yaml:11: neighbour is missing 'address'" },
	{ "settings:\n  icmp_rate: 5\n", "bad.yaml:1: configuration is missing 'interfaces'" },
	{ "interfaces: []\n", "bad.yaml:1: no interfaces configured" },
	/* 45 */
	{ "interfaces:\nroutes: []\n", "bad.yaml:1: no interfaces configured" },
	/* addresses and prefixes */
	{ WAN_ADDR("192.0.2.300/24"), "bad.yaml:5: address '192.0.2.300/24' is not an IPv4 address" },
	{ WAN_ADDR("192.0.02.1/24"), "bad.yaml:5: address '192.0.02.1/24' is not an IPv4 address" },
	{ WAN_ADDR("192.0.2.1x/24"), "bad.yaml:5: address '192.0.2.1x/24' is not an IPv4 address" },
	{ WAN_ADDR("192.0.2/24"), "bad.yaml:5: address '192.0.2/24' is not an IPv4 address" },
	/* 50 */
	{ WAN_ADDR("192.0.2.1"), "bad.yaml:5: address '192.0.2.1' needs a prefix length" },
	{ WAN_ADDR("192.0.2.1/33"), "bad.yaml:5: address '192.0.2.1/33': prefix length must be 1..32" },
	{ WAN_ADDR("192.0.2.1/0"), "bad.yaml:5: address '192.0.2.1/0': prefix length must be 1..32" },
	{ WAN_ADDR("192.0.2.1/024"), "bad.yaml:5: address '192.0.2.1/024': prefix length must be 1..32" },
	{ WAN_ADDR("192.0.2.1/24/8"), "bad.yaml:5: address '192.0.2.1/24/8': prefix length must be 1..32" },
	/* 55 */
	{ WAN_ADDR("192.0.2.1/"), "bad.yaml:5: address '192.0.2.1/': prefix length must be 1..32" },
	{ WAN_ADDR("'2001:db8::1/64'"), "bad.yaml:5: address '2001:db8::1/64' is IPv6: write it as address6" },
	{ WAN_ADDR("192.0.2.1111111111111111111/24"), "bad.yaml:5: address '192.0.2.1111111111111111111/24' is not an IPv4 address" },
	{ WAN_ADDR("192.0.2.0/24"), "bad.yaml:5: address 192.0.2.0/24 is the network address of its subnet" },
	{ WAN_ADDR("192.0.2.255/24"), "bad.yaml:5: address 192.0.2.255/24 is the broadcast address of its subnet" },
	/* 60 */
	{ WAN_ADDR("127.0.0.1/8"), "bad.yaml:5: address 127.0.0.1/8 is not a unicast host address" },
	{ WAN_ADDR("224.0.0.1/24"), "bad.yaml:5: address 224.0.0.1/24 is not a unicast host address" },
	{ ROUTE("203.0.113.0/24", "'2001:db8::1'"), "bad.yaml:12: route prefix is IPv4 but via is IPv6" },
	{ ROUTE("203.0.113.0/24", "198.51.100.254 "), NULL },   /* trailing blank is YAML's: fine */
	{ ROUTE("203.0.113.0/24", "'198.51.100.254 '"), "bad.yaml:12: via '198.51.100.254 ' is not an IPv4 address" },
	/* 65: numbers */
	{ LAN_MTU("1500x"), "bad.yaml:10: mtu '1500x' is not a decimal number" },
	{ LAN_MTU("-1"), "bad.yaml:10: mtu '-1' is not a decimal number" },
	{ LAN_MTU("+1500"), "bad.yaml:10: mtu '+1500' is not a decimal number" },
	{ LAN_MTU("01500"), "bad.yaml:10: mtu '01500' is not a decimal number" },
	{ LAN_MTU("0x5dc"), "bad.yaml:10: mtu '0x5dc' is not a decimal number" },
	/* 70 */
	{ LAN_MTU("1500.0"), "bad.yaml:10: mtu '1500.0' is not a decimal number" },
	{ LAN_MTU("''"), "bad.yaml:10: mtu '' is not a decimal number" },
	{ LAN_MTU("99999999999999999999999"), "bad.yaml:10: mtu 99999999999999999999999 is out of range (576..9000)" },
	{ LAN_MTU("4294967297"), "bad.yaml:10: mtu 4294967297 is out of range (576..9000)" },
	{ LAN_MTU("575"), "bad.yaml:10: mtu 575 is out of range (576..9000)" },
	/* 75 */
	{ LAN_MTU("9001"), "bad.yaml:10: mtu 9001 is out of range (576..9000)" },
	{ LAN_MTU("[1500]"), "bad.yaml:10: 'mtu' must be a scalar, not a sequence" },
	{ NSET("reachable_ms", "999"), "bad.yaml:12: reachable_ms 999 is out of range (1000..3600000)" },
	{ NSET("reachable_ms", "3600001"), "bad.yaml:12: reachable_ms 3600001 is out of range (1000..3600000)" },
	{ NSET("retrans_ms", "99"), "bad.yaml:12: retrans_ms 99 is out of range (100..60000)" },
	/* 80 */
	{ NSET("retrans_ms", "60001"), "bad.yaml:12: retrans_ms 60001 is out of range (100..60000)" },
	{ NSET("max_probes", "0"), "bad.yaml:12: max_probes 0 is out of range (1..10)" },
	{ NSET("max_probes", "11"), "bad.yaml:12: max_probes 11 is out of range (1..10)" },
	{ NSET("hold_packets", "0"), "bad.yaml:12: hold_packets 0 is out of range (1..64)" },
	{ NSET("hold_packets", "65"), "bad.yaml:12: hold_packets 65 is out of range (1..64)" },
	/* 85 */
	{ BASE "settings:\n  icmp_rate: 100001\n", "bad.yaml:11: icmp_rate 100001 is out of range (0..100000)" },
	{ BASE "settings:\n  icmp_rate: -5\n", "bad.yaml:11: icmp_rate '-5' is not a decimal number" },
	/* names, devices, roles */
	{ IFX("wan 0", "d", "public"), "bad.yaml:2: name 'wan 0' must be 1..31 characters of A-Z a-z 0-9 _ . -" },
	{ IFX("''", "d", "public"), "bad.yaml:2: name '' must be 1..31 characters" },
	{ IFX("abcdefghijklmnopqrstuvwxyz012345", "d", "public"),
	  "bad.yaml:2: name 'abcdefghijklmnopqrstuvwxyz012345' must be 1..31 characters" },
	/* 90 */
	{ IFX("w", "'net tap'", "public"), "bad.yaml:3: device 'net tap' must be 1..127 printable characters" },
	{ IFX("w", "net_tap0,iface=" "0123456789012345678901234567890123456789" "0123456789012345678901234567890123456789"
	      "012345678901234567890123456789012345678901234567890", "public"),
	  "bad.yaml:3: device 'net_tap0,iface=0123456789" },
	{ IFX("w", "[d]", "public"), "bad.yaml:3: 'device' must be a scalar, not a sequence" },
	{ IFX("w", "d", "Public"), "bad.yaml:4: role 'Public' must be public or private" },
	/* interface relations */
	{ WAN "  - name: wan0\n    device: d1\n    role: private\n    address: 10.0.0.1/8\n",
	  "bad.yaml:6: duplicate interface name 'wan0' (first at line 2)" },
	{ WAN "  - name: lan0\n    device: net_af_packet0\n    role: private\n    address: 10.0.0.1/8\n",
	  "bad.yaml:7: device 'net_af_packet0' is already used by interface wan0 (line 2)" },
	{ WAN "  - name: lan0\n    device: d1\n    role: private\n    address: 192.0.2.1/30\n",
	  "bad.yaml:9: address 192.0.2.1 is already used by interface wan0 (line 2)" },
	/* 97 */
	{ WAN "  - name: lan0\n    device: d1\n    role: private\n    address: 192.0.2.130/25\n",
	  "bad.yaml:9: subnet 192.0.2.128/25 overlaps interface wan0 (192.0.2.0/24, line 2)" },
	{ WAN "  - name: lan0\n    device: d1\n    role: private\n    address: 192.0.0.1/16\n",
	  "bad.yaml:9: subnet 192.0.0.0/16 overlaps interface wan0 (192.0.2.0/24, line 2)" },
	/* routes */
	{ ROUTE("203.0.113.5/24", "198.51.100.254"),
	  "bad.yaml:11: 203.0.113.5/24 has host bits set; did you mean 203.0.113.0/24?" },
	{ ROUTE("0.0.0.1/0", "198.51.100.254"), "bad.yaml:11: 0.0.0.1/0 has host bits set; did you mean 0.0.0.0/0?" },
	{ ROUTE("203.0.113.0/33", "198.51.100.254"), "bad.yaml:11: prefix '203.0.113.0/33': prefix length must be 0..32" },
	/* 102 */
	{ ROUTE("203.0.113.0", "198.51.100.254"), "bad.yaml:11: prefix '203.0.113.0' needs a prefix length" },
	{ ROUTE("203.0.113.0/24", "203.0.113.1"), "bad.yaml:12: via 203.0.113.1 is not on any connected subnet" },
	{ ROUTE("203.0.113.0/24", "198.51.100.254") "    interface: wan0\n",
	  "bad.yaml:12: via 198.51.100.254 is not on the subnet of interface wan0" },
	{ ROUTE("203.0.113.0/24", "198.51.100.254") "    interface: lan9\n",
	  "bad.yaml:13: interface 'lan9' is not defined" },
	{ ROUTE("203.0.113.0/24", "198.51.100.1"),
	  "bad.yaml:12: via 198.51.100.1 is the gateway's own address (interface lan0)" },
	/* 107 */
	{ ROUTE("203.0.113.0/24", "198.51.100.255"), "bad.yaml:12: via 198.51.100.255 is the broadcast address of its subnet" },
	{ ROUTE("203.0.113.0/24", "198.51.100.254") "  - prefix: 203.0.113.0/24\n    via: 192.0.2.9\n",
	  "bad.yaml:13: duplicate route 203.0.113.0/24 (first at line 11)" },
	{ BASE "routes:\n  - [203.0.113.0/24]\n", "bad.yaml:11: route must be a mapping, not a sequence" },
	/* neighbours */
	{ NEIGH("192.0.2.254", "01:00:5e:00:00:01"), "bad.yaml:12: mac 01:00:5e:00:00:01 is a multicast address" },
	{ NEIGH("192.0.2.254", "ff:ff:ff:ff:ff:ff"), "bad.yaml:12: mac ff:ff:ff:ff:ff:ff is a multicast address" },
	/* 112 */
	{ NEIGH("192.0.2.254", "00:00:00:00:00:00"), "bad.yaml:12: mac 00:00:00:00:00:00 is all zeros" },
	{ NEIGH("192.0.2.254", "02:00:00:00:00"), "bad.yaml:12: mac '02:00:00:00:00' is not a MAC address" },
	{ NEIGH("192.0.2.254", "02-00-00-00-00-01"), "bad.yaml:12: mac '02-00-00-00-00-01' is not a MAC address" },
	{ NEIGH("192.0.2.254", "02:00:00:00:00:0g"), "bad.yaml:12: mac '02:00:00:00:00:0g' is not a MAC address" },
	{ NEIGH("192.0.2.254", "02:00:00:00:00:001"), "bad.yaml:12: mac '02:00:00:00:00:001' is not a MAC address" },
	/* 117 */
	{ NEIGH("192.0.2.1", "02:00:00:00:00:01"),
	  "bad.yaml:11: neighbour 192.0.2.1 is the gateway's own address (interface wan0)" },
	{ NEIGH("203.0.113.1", "02:00:00:00:00:01"), "bad.yaml:11: neighbour 203.0.113.1 is not on any connected subnet" },
	{ NEIGH("192.0.2.254", "02:00:00:00:00:01") "    interface: lan0\n",
	  "bad.yaml:11: neighbour 192.0.2.254 is not on the subnet of interface lan0" },
	{ NEIGH("192.0.2.254", "02:00:00:00:00:01") "    interface: nope\n",
	  "bad.yaml:13: interface 'nope' is not defined" },
	{ NEIGH("192.0.2.254", "02:00:00:00:00:01") "  - address: 192.0.2.254\n    mac: 02:00:00:00:00:02\n",
	  "bad.yaml:13: duplicate neighbour 192.0.2.254 on wan0 (first at line 11)" },
	/* 122 */
	{ NEIGH("192.0.2.255", "02:00:00:00:00:01"), "bad.yaml:11: neighbour 192.0.2.255 is the broadcast address of its subnet" },
	{ NEIGH("'::1'", "02:00:00:00:00:01"), "bad.yaml:11: neighbour ::1 is the loopback address" },
	{ NEIGH("192.0.2.254/32", "02:00:00:00:00:01"), "bad.yaml:11: address '192.0.2.254/32' is not an IPv4 address" },
};

/*
 * IPsec cases build on BASE and one SA whose lines are fixed:
 * 10 sas:, 11 name, 12 direction, 13 spi, 14 aead, 15 key, 16 salt, 17 peer,
 * then the extra lines from 18.
 */
#define SA7(n, d, s, a, k, sl, p)                                              \
	BASE "sas:\n  - name: " n "\n    direction: " d "\n    spi: " s          \
	"\n    aead: " a "\n    key: " k "\n    salt: " sl "\n    peer: " p "\n"
#define SA_IN(x) SA7("s1", "in", "0x1001", "aes-gcm-128", KEY16, "0x01020304", "192.0.2.10") x
#define SA_OUT(x) SA7("s1", "out", "0x1001", "aes-gcm-128", KEY16, "0x01020304", "192.0.2.10") x
#define SA_SPI(s) SA7("s1", "in", s, "aes-gcm-128", KEY16, "0x01020304", "192.0.2.10")
#define SA_KEY(a, k) SA7("s1", "in", "0x1001", a, k, "0x01020304", "192.0.2.10")
#define SA_SALT(sl) SA7("s1", "in", "0x1001", "aes-gcm-128", KEY16, sl, "192.0.2.10")
#define SA_PEER(p) SA7("s1", "in", "0x1001", "aes-gcm-128", KEY16, "0x01020304", p)
/* A second SA, in flow style, on line 18. */
#define SA2(n, d, s) "  - {name: " n ", direction: " d ", spi: " s ", aead: aes-gcm-128, " \
	"key: " KEY16 ", salt: 0x01020304, peer: 192.0.2.11}\n"
/* SA_OUT then policies: on line 18, the policy's first line is 19. */
#define POLICY(x) SA_OUT("policies:\n  - " x "\n")
#define CRYPTO(x) BASE "settings:\n  crypto:\n" x

static const struct bad_case bad_ipsec_cases[] = {
	/* 0: shape, keys */
	{ BASE "sas:\n  name: x\n", "bad.yaml:11: 'sas' must be a sequence, not a mapping" },
	{ BASE "sas: x\n", "bad.yaml:10: 'sas' must be a sequence, not a scalar" },
	{ BASE "sas:\n  - x\n", "bad.yaml:11: sa must be a mapping, not a scalar" },
	{ BASE "policies:\n  - [a]\n", "bad.yaml:11: policy must be a mapping, not a sequence" },
	{ SA_IN("    lifetme: {}\n"),
	  "bad.yaml:18: unknown key 'lifetme' in sa (expected name, direction, spi, mode, aead, key, salt, esn, replay_window, local, peer, nat_t, peer_port, selector, lifetime)" },
	/* 5 */
	{ SA_IN("    selector: {src: 10.0.0.0/8, sport: 5}\n"),
	  "bad.yaml:18: unknown key 'sport' in sa.selector (expected src, dst)" },
	{ SA_IN("    lifetime:\n      soft_seconds: 5\n"),
	  "bad.yaml:19: unknown key 'soft_seconds' in sa.lifetime (expected soft_bytes, hard_bytes, soft_packets, hard_packets)" },
	{ POLICY("{action: bypass, port: 5}"),
	  "bad.yaml:19: unknown key 'port' in policy (expected src, dst, family, proto, sport, dport, priority, action, sa)" },
	{ CRYPTO("    engine: openssl\n    threads: 2\n"),
	  "bad.yaml:13: unknown key 'threads' in settings.crypto (expected engine, device)" },
	{ SA_IN("    name: s2\n"), "bad.yaml:18: duplicate key 'name' in sa (first at line 11)" },
	/* 10: missing required keys */
	{ BASE "sas:\n  - {direction: in, spi: 300, aead: aes-gcm-128, key: " KEY16 ", salt: 0x01020304, peer: 192.0.2.9}\n",
	  "bad.yaml:11: sa is missing 'name'" },
	{ BASE "sas:\n  - {name: x, spi: 300, aead: aes-gcm-128, key: " KEY16 ", salt: 0x01020304, peer: 192.0.2.9}\n",
	  "bad.yaml:11: sa is missing 'direction'" },
	{ BASE "sas:\n  - {name: x, direction: in, aead: aes-gcm-128, key: " KEY16 ", salt: 0x01020304, peer: 192.0.2.9}\n",
	  "bad.yaml:11: sa is missing 'spi'" },
	{ BASE "sas:\n  - {name: x, direction: in, spi: 300, key: " KEY16 ", salt: 0x01020304, peer: 192.0.2.9}\n",
	  "bad.yaml:11: sa is missing 'aead'" },
	{ BASE "sas:\n  - {name: x, direction: in, spi: 300, aead: aes-gcm-128, salt: 0x01020304, peer: 192.0.2.9}\n",
	  "bad.yaml:11: sa is missing 'key'" },
	/* 15 */
	{ BASE "sas:\n  - {name: x, direction: in, spi: 300, aead: aes-gcm-128, key: " KEY16 ", peer: 192.0.2.9}\n",
	  "bad.yaml:11: sa is missing 'salt'" },
	{ BASE "sas:\n  - {name: x, direction: in, spi: 300, aead: aes-gcm-128, key: " KEY16 ", salt: 0x01020304}\n",
	  "bad.yaml:11: sa is missing 'peer'" },
	{ POLICY("{sa: s1}"), "bad.yaml:19: policy is missing 'action'" },
	/* names, words */
	{ SA7("rw 1", "in", "300", "aes-gcm-128", KEY16, "0x01020304", "192.0.2.10"),
	  "bad.yaml:11: name 'rw 1' must be 1..31 characters of A-Z a-z 0-9 _ . -" },
	{ SA7("s1", "inbound", "300", "aes-gcm-128", KEY16, "0x01020304", "192.0.2.10"),
	  "bad.yaml:12: direction 'inbound' must be in or out" },
	/* 20 */
	{ SA_KEY("aes-gcm-192", KEY16), "bad.yaml:14: aead 'aes-gcm-192' must be aes-gcm-128 or aes-gcm-256" },
	{ SA_IN("    mode: tunel\n"), "bad.yaml:18: mode 'tunel' must be tunnel or transport" },
	{ SA_IN("    esn: yes\n"), "bad.yaml:18: esn 'yes' must be false or true" },
	{ SA_IN("    nat_t: 1\n"), "bad.yaml:18: nat_t '1' must be false or true" },
	{ SA7("s1", "in", "300", "aes-gcm-128", KEY16, "0x01020304", "[192.0.2.10]"),
	  "bad.yaml:17: 'peer' must be a scalar, not a sequence" },
	/* 25: spi */
	{ SA_SPI("0"), "bad.yaml:13: spi 0 is out of range (256..4294967295; 0 is invalid, 1..255 reserved: RFC 4303 §2.1)" },
	{ SA_SPI("255"), "bad.yaml:13: spi 255 is out of range (256..4294967295; 0 is invalid, 1..255 reserved: RFC 4303 §2.1)" },
	{ SA_SPI("0xff"), "bad.yaml:13: spi 0xff is out of range (256..4294967295;" },
	{ SA_SPI("4294967296"), "bad.yaml:13: spi 4294967296 is out of range (256..4294967295;" },
	{ SA_SPI("0x100000000"), "bad.yaml:13: spi 0x100000000 is out of range (256..4294967295;" },
	/* 30 */
	{ SA_SPI("0x000000000000001001"), NULL },        /* leading zeros are fine */
	{ SA_SPI("spi1"), "bad.yaml:13: spi 'spi1' is not a number (decimal or 0x-hex)" },
	{ SA_SPI("0x"), "bad.yaml:13: spi '0x' is not a number (decimal or 0x-hex)" },
	{ SA_SPI("0x10g0"), "bad.yaml:13: spi '0x10g0' is not a number (decimal or 0x-hex)" },
	{ SA_SPI("0X1001"), "bad.yaml:13: spi '0X1001' is not a number (decimal or 0x-hex)" },
	/* 35 */
	{ SA_SPI("-300"), "bad.yaml:13: spi '-300' is not a number (decimal or 0x-hex)" },
	{ SA_SPI("0400"), "bad.yaml:13: spi '0400' is not a number (decimal or 0x-hex)" },
	{ SA_IN(SA2("s2", "in", "4097")), "bad.yaml:18: spi 0x1001 is already used by in SA s1 (line 11)" },
	{ SA_IN(SA2("s2", "out", "4097")), NULL },       /* other direction: fine */
	{ SA_OUT(SA2("s2", "out", "0x1001") SA2("s3", "out", "0x1001")),
	  "bad.yaml:18: spi 0x1001 is already used by out SA s1 (line 11)" },
	/* 40: names */
	{ SA_IN(SA2("s1", "out", "300")), "bad.yaml:18: duplicate SA name 's1' (first at line 11)" },
	{ SA_IN(SA2("s2", "out", "300") SA2("s2", "in", "301") SA2("s1", "in", "302")),
	  "bad.yaml:19: duplicate SA name 's2' (first at line 18)" },
	/* key and salt: lengths, never the text */
	{ SA_KEY("aes-gcm-256", KEY16), "bad.yaml:15: key has 16 bytes, aes-gcm-256 needs 32" },
	{ SA_KEY("aes-gcm-128", KEY32), "bad.yaml:15: key has 32 bytes, aes-gcm-128 needs 16" },
	{ SA_KEY("aes-gcm-128", "0x0011223344556677889"), "bad.yaml:15: key has an odd number of hex digits (19)" },
	/* 45 */
	{ SA_KEY("aes-gcm-128", "0x00112233445566778899aabbccddeegg"), "bad.yaml:15: key: character 33 is not a hex digit" },
	{ SA_KEY("aes-gcm-128", "00112233445566778899aabbccddeeff"), "bad.yaml:15: key must be written as 0x followed by hex digits" },
	{ SA_KEY("aes-gcm-128", "0x"), "bad.yaml:15: key has 0 bytes, aes-gcm-128 needs 16" },
	{ SA_KEY("aes-gcm-128", "{a: b}"), "bad.yaml:15: 'key' must be a scalar, not a mapping" },
	{ SA_SALT("0x010203"), "bad.yaml:16: salt has 3 bytes, AES-GCM (RFC 4106 §4) needs 4" },
	/* 50 */
	{ SA_SALT("0x0102030405"), "bad.yaml:16: salt has 5 bytes, AES-GCM (RFC 4106 §4) needs 4" },
	{ SA_SALT("16909060"), "bad.yaml:16: salt must be written as 0x followed by hex digits" },
	/* replay window, selector: in only */
	{ SA_IN("    replay_window: 100\n"), "bad.yaml:18: replay_window 100 is not 0 (off) nor a power of two 64..65536" },
	{ SA_IN("    replay_window: 32\n"), "bad.yaml:18: replay_window 32 is not 0 (off) nor a power of two 64..65536" },
	{ SA_IN("    replay_window: 131072\n"), "bad.yaml:18: replay_window 131072 is out of range (0..65536)" },
	/* 55 */
	{ SA_IN("    replay_window: 64\n"), NULL },
	{ SA_OUT("    replay_window: 128\n"), "bad.yaml:18: replay_window is only for in SAs" },
	{ SA_OUT("    selector: {src: 10.0.0.0/8}\n"),
	  "bad.yaml:18: selector is only for in SAs (policies choose what an out SA carries)" },
	{ SA_IN("    selector: {src: 10.1.0.1/16}\n"),
	  "bad.yaml:18: 10.1.0.1/16 has host bits set; did you mean 10.1.0.0/16?" },
	{ SA_IN("    selector: {dst: 10.1.0.0}\n"), "bad.yaml:18: dst '10.1.0.0' needs a prefix length" },
	/* 60: NAT-T */
	{ SA_IN("    peer_port: 4500\n"), "bad.yaml:18: peer_port needs nat_t: true" },
	{ SA_IN("    nat_t: false\n    peer_port: 4500\n"), "bad.yaml:19: peer_port needs nat_t: true" },
	{ SA_IN("    nat_t: true\n    peer_port: 0\n"), "bad.yaml:19: peer_port 0 is out of range (1..65535)" },
	{ SA_IN("    nat_t: true\n    peer_port: 65536\n"), "bad.yaml:19: peer_port 65536 is out of range (1..65535)" },
	/* local and peer addresses */
	{ SA_IN("    local: 192.0.2.2\n"), "bad.yaml:18: local 192.0.2.2 is not the address of a public interface" },
	/* 65 */
	{ SA_IN("    local: 198.51.100.1\n"),
	  "bad.yaml:18: local 198.51.100.1 is the address of interface lan0, which is not public" },
	{ "interfaces:\n  - {name: lan0, device: d0, role: private, address: 198.51.100.1/24}\n"
	  "sas:\n  - {name: x, direction: in, spi: 300, aead: aes-gcm-128, key: " KEY16 ",\n"
	  "     salt: 0x01020304, peer: 192.0.2.9}\n",
	  "bad.yaml:4: sa has no 'local' and no interface has role public" },
	{ SA_PEER("192.0.2.1"), "bad.yaml:17: peer 192.0.2.1 is the gateway's own address (interface wan0)" },
	{ SA_PEER("198.51.100.1"), "bad.yaml:17: peer 198.51.100.1 is the gateway's own address (interface lan0)" },
	{ SA_PEER("224.0.0.5"), "bad.yaml:17: peer 224.0.0.5 is not a unicast address" },
	/* 70 */
	{ SA_PEER("0.0.0.0"), "bad.yaml:17: peer 0.0.0.0 is not a unicast address" },
	{ SA_PEER("192.0.2.10/32"), "bad.yaml:17: peer '192.0.2.10/32' is not an IPv4 address" },
	/* lifetimes */
	{ SA_IN("    lifetime: {soft_bytes: 100, hard_bytes: 100}\n"),
	  "bad.yaml:18: soft_bytes 100 must be less than hard_bytes 100" },
	{ SA_IN("    lifetime:\n      hard_packets: 10\n      soft_packets: 11\n"),
	  "bad.yaml:20: soft_packets 11 must be less than hard_packets 10" },
	{ SA_IN("    lifetime: {soft_bytes: 100, hard_bytes: 0, soft_packets: 0, hard_packets: 1}\n"), NULL },
	/* 75 */
	{ SA_IN("    lifetime: {hard_bytes: 18446744073709551616}\n"),
	  "bad.yaml:18: hard_bytes 18446744073709551616 is out of range (0..18446744073709551615)" },
	{ SA_IN("    lifetime: {hard_bytes: 1e9}\n"), "bad.yaml:18: hard_bytes '1e9' is not a decimal number" },
	/* settings.crypto */
	{ CRYPTO("    engine: qat\n"), "bad.yaml:12: engine 'qat' must be ipsec-mb, openssl or cryptodev" },
	{ CRYPTO("    engine: cryptodev\n"),
	  "bad.yaml:12: settings.crypto is missing 'device' (engine cryptodev needs a cryptodev name)" },
	{ CRYPTO("    engine: ipsec-mb\n    device: crypto_aesni_gcm0\n"),
	  "bad.yaml:13: device is only for engine cryptodev, not ipsec-mb" },
	/* 80 */
	{ CRYPTO("    device: crypto_aesni_gcm0\n"), "bad.yaml:12: device is only for engine cryptodev, not ipsec-mb" },
	{ CRYPTO("    engine: cryptodev\n    device: 'crypto aesni'\n"),
	  "bad.yaml:13: device 'crypto aesni' must be 1..127 printable characters without blanks" },
	{ CRYPTO("    engine: openssl\n"), NULL },
	{ CRYPTO("  \n"), NULL },
	{ BASE "settings:\n  crypto: [ipsec-mb]\n", "bad.yaml:11: settings.crypto must be a mapping, not a sequence" },
	/* 85: policies */
	{ POLICY("{action: protect, sa: nope}"), "bad.yaml:19: policy refers to unknown SA 'nope'" },
	{ SA_IN("policies:\n  - {action: protect, sa: s1}\n"),
	  "bad.yaml:19: policy refers to SA s1 (line 11), which is an in SA; protect needs an out SA" },
	{ POLICY("{action: protect}"), "bad.yaml:19: policy with action protect needs 'sa'" },
	{ POLICY("{action: bypass, sa: s1}"), "bad.yaml:19: sa is only for action protect, not bypass" },
	{ POLICY("{action: discard, sa: s1}"), "bad.yaml:19: sa is only for action protect, not discard" },
	/* 90 */
	{ POLICY("{action: allow}"), "bad.yaml:19: action 'allow' must be protect, bypass or discard" },
	{ POLICY("{action: protect, sa: 's 1'}"), "bad.yaml:19: sa 's 1' must be 1..31 characters" },
	{ POLICY("{action: bypass, dport: 53}"), "bad.yaml:19: dport needs proto tcp or udp, not any" },
	{ POLICY("{action: bypass, proto: icmp, sport: 1}"), "bad.yaml:19: sport needs proto tcp or udp, not icmp" },
	{ POLICY("{action: bypass, proto: 50, sport: 1}"), "bad.yaml:19: sport needs proto tcp or udp, not 50" },
	/* 95 */
	{ POLICY("{action: bypass, proto: tcp, dport: 2000-1000}"),
	  "bad.yaml:19: dport range 2000-1000 is reversed (write 1000-2000)" },
	{ POLICY("{action: bypass, proto: tcp, dport: 65536}"),
	  "bad.yaml:19: dport '65536' must be a port or a range N-M (0..65535)" },
	{ POLICY("{action: bypass, proto: tcp, sport: 1-}"),
	  "bad.yaml:19: sport '1-' must be a port or a range N-M (0..65535)" },
	{ POLICY("{action: bypass, proto: tcp, sport: '1 - 2'}"),
	  "bad.yaml:19: sport '1 - 2' must be a port or a range N-M (0..65535)" },
	{ POLICY("{action: bypass, proto: tcp, sport: -5}"),
	  "bad.yaml:19: sport '-5' must be a port or a range N-M (0..65535)" },
	/* 100 */
	{ POLICY("{action: bypass, proto: sctp}"), "bad.yaml:19: proto 'sctp' must be any, tcp, udp, icmp or a number 0..255" },
	{ POLICY("{action: bypass, proto: 256}"), "bad.yaml:19: proto 256 is out of range (0..255)" },
	{ POLICY("{action: bypass, proto: TCP}"), "bad.yaml:19: proto 'TCP' must be any, tcp, udp, icmp" },
	{ POLICY("{action: bypass, src: 198.51.100.7/24}"),
	  "bad.yaml:19: 198.51.100.7/24 has host bits set; did you mean 198.51.100.0/24?" },
	{ POLICY("{action: bypass, dst: '2001:db8::/32'}"), NULL },    /* an IPv6 policy */
	/* 105 */
	{ POLICY("{action: bypass, priority: 4294967296}"),
	  "bad.yaml:19: priority 4294967296 is out of range (0..4294967295)" },
	{ POLICY("{action: bypass, priority: -1}"), "bad.yaml:19: priority '-1' is not a decimal number" },
	{ SA_OUT("policies:\n  - {action: bypass}\n  - {action: protect, sa: s1}\n  - {action: protect, sa: s9}\n"),
	  "bad.yaml:21: policy refers to unknown SA 's9'" },
	/* a policy error in the file comes before a bad reference above it */
	{ SA_OUT("policies:\n  - {action: protect, sa: s9}\n  - {action: bad}\n"),
	  "bad.yaml:20: action 'bad' must be protect, bypass or discard" },	/* 110: anti-replay off, not with ESN */
	{ SA_IN("    replay_window: 0\n"), NULL },
	{ SA_IN("    esn: true\n    replay_window: 0\n"),
	  "bad.yaml:19: replay_window 0 (anti-replay off) cannot be used with esn: "
	  "the high half of a sequence number is inferred from the window" },
};

static void run_bad_table(const struct bad_case *cases, unsigned int n)
{
	char err[CONF_ERR_MAX];
	struct conf *c = malloc(sizeof(*c));
	unsigned int i, failures = 0;
	int rc;

	assert_non_null(c);
	for (i = 0; i < n; i++) {
		const struct bad_case *t = &cases[i];

		rc = load(t->text, c, err);
		if (t->want == NULL) {          /* control case: must load */
			if (rc != 0) {
				print_error("case %u: want success, got %d '%s'\n", i, rc, err);
				failures++;
			}
			continue;
		}
		if (rc != -EINVAL || strstr(err, t->want) == NULL ||
		    strncmp(err, "bad.yaml:", 9) != 0) {
			print_error("case %u: rc %d\n  want '%s'\n  got  '%s'\n",
				    i, rc, t->want, err);
			failures++;
		}
	}
	assert_int_equal(failures, 0);
	free(c);
}

static void test_bad_table(void **state)
{
	(void)state;
	run_bad_table(bad_cases, sizeof(bad_cases) / sizeof(bad_cases[0]));
}

static void test_bad_ipsec(void **state)
{
	(void)state;
	run_bad_table(bad_ipsec_cases, sizeof(bad_ipsec_cases) / sizeof(bad_ipsec_cases[0]));
}

/* ---- IPv6 ------------------------------------------------------------ */

/* IPv6 text to network-order bytes, for the expected values. */
static const uint8_t *ip6(const char *text)
{
	static uint8_t buf[8][16];
	static unsigned int next;
	uint8_t *b = buf[next++ % 8];

	assert_int_equal(inet_pton(AF_INET6, text, b), 1);
	return b;
}

static const uint8_t zero16[16];

/* Every IPv6 form: dual-stack and IPv6-only interfaces, then each list. */
static const char ipv6_yaml[] =
	"interfaces:\n"                          /* 1 */
	"  - name: wan0\n"                       /* 2 */
	"    device: d0\n"
	"    role: public\n"
	"    address: 192.0.2.1/24\n"
	"    address6: 2001:db8:1::1/64\n"       /* 6 */
	"  - name: lan0\n"                       /* 7: IPv6 only, ULA */
	"    device: d1\n"
	"    role: private\n"
	"    address6: fd00:10::1/48\n"
	"  - name: lan1\n"                       /* 11 */
	"    device: d2\n"
	"    role: private\n"
	"    address: 198.51.100.1/24\n"
	"    address6: 2001:0DB8:2:0:0:0:0:A/127\n"  /* 15: not canonical, /127 */
	"routes:\n"                              /* 16 */
	"  - prefix: ::/0\n"                     /* 17 */
	"    via: 2001:db8:1::fe\n"
	"  - prefix: 0.0.0.0/0\n"                /* 19: both default routes */
	"    via: 192.0.2.254\n"
	"  - prefix: 2001:db8:100::/48\n"        /* 21 */
	"    via: fe80::1\n"
	"    interface: lan0\n"
	"  - {prefix: '2001:db8:300::/128', via: '2001:db8:2::b'}\n"   /* 24 */
	"  - {prefix: 2001:db8:200::/56, via: 'fd00:10::9', interface: lan0}\n"
	"neighbours:\n"                          /* 26 */
	"  - address: 2001:db8:1::fe\n"          /* 27 */
	"    mac: 02:00:00:00:00:01\n"
	"  - {address: fe80::2, mac: '02:00:00:00:00:02', interface: wan0}\n"  /* 29 */
	"  - {address: fe80::2, mac: '02:00:00:00:00:03', interface: lan0}\n"
	"  - {address: 192.0.2.254, mac: '02:00:00:00:00:04'}\n"
	"sas:\n"                                 /* 32 */
	"  - {name: v6-in, direction: in, spi: 0x600, aead: aes-gcm-128, key: " KEY16 ",\n"
	"     salt: 0x01020304, peer: '2001:db8:ffff::10',\n"
	"     selector: {src: '2001:db8:400::/48', dst: 'fd00:10::/48'}}\n"
	"  - {name: v6-out, direction: out, spi: 0x601, aead: aes-gcm-128, key: " KEY16 ",\n"
	"     salt: 0x01020304, peer: '2001:db8:ffff::10'}\n"                  /* 36 */
	"  - {name: v6-tr, direction: out, spi: 0x602, mode: transport, aead: aes-gcm-128,\n"
	"     key: " KEY16 ", salt: 0x01020304, local: '2001:db8:1::1', peer: '2001:db8:ffff::11'}\n"
	"  - {name: v4in6-in, direction: in, spi: 0x603, aead: aes-gcm-128, key: " KEY16 ",\n"
	"     salt: 0x01020304, peer: '2001:db8:ffff::12', selector: {dst: 198.51.100.0/24}}\n"
	"  - {name: v6in4-out, direction: out, spi: 0x604, aead: aes-gcm-128, key: " KEY16 ",\n"
	"     salt: 0x01020304, peer: 203.0.113.20}\n"                          /* 41 */
	"  - {name: v4-in, direction: in, spi: 0x605, aead: aes-gcm-128, key: " KEY16 ",\n"
	"     salt: 0x01020304, peer: 203.0.113.20}\n"
	"  - {name: v6-tr-in, direction: in, spi: 0x606, mode: transport, aead: aes-gcm-128,\n"
	"     key: " KEY16 ", salt: 0x01020304, peer: '2001:db8:ffff::11',\n"
	"     selector: {src: '2001:db8:ffff::11/128'}}\n"
	"policies:\n"                            /* 47 */
	"  - {src: '2001:db8:2::/64', dst: '2001:db8:400::/48', action: protect, sa: v6-out}\n"
	"  - {dst: '2001:db8:500::/48', action: protect, sa: v6in4-out}\n"
	"  - {family: ipv6, proto: tcp, dport: 22, action: protect, sa: v6-tr}\n"
	"  - {src: '::/0', family: ipv6, action: bypass}\n"
	"  - {family: ipv6, action: discard}\n"
	"  - {family: ipv4, dst: 10.0.0.0/8, action: discard}\n"
	"  - {action: bypass}\n";

static void test_ipv6_full(void **state)
{
	char err[CONF_ERR_MAX];
	struct conf *c = malloc(sizeof(*c));
	const struct conf_iface *ifc;
	const struct conf_route *r;
	const struct conf_neigh *nb;
	const struct conf_sa *sa;
	const struct conf_policy *po;

	(void)state;
	assert_non_null(c);
	if (load(ipv6_yaml, c, err) != 0)
		print_error("%s\n", err);
	assert_int_equal(load(ipv6_yaml, c, err), 0);

	assert_int_equal(c->n_ifaces, 3);
	ifc = &c->ifaces[0];
	assert_int_equal(ifc->addr, ip(192, 0, 2, 1));
	assert_int_equal(ifc->prefix_len, 24);
	assert_int_equal(ifc->has_addr6, 1);
	assert_memory_equal(ifc->addr6, ip6("2001:db8:1::1"), 16);
	assert_int_equal(ifc->prefix6_len, 64);
	ifc = &c->ifaces[1];            /* IPv6 only */
	assert_int_equal(ifc->addr, 0);
	assert_int_equal(ifc->prefix_len, 0);
	assert_int_equal(ifc->has_addr6, 1);
	assert_memory_equal(ifc->addr6, ip6("fd00:10::1"), 16);
	assert_int_equal(ifc->prefix6_len, 48);
	assert_int_equal(ifc->mtu, 1500);
	assert_int_equal(ifc->line, 7);
	ifc = &c->ifaces[2];
	assert_memory_equal(ifc->addr6, ip6("2001:db8:2::a"), 16);
	assert_int_equal(ifc->prefix6_len, 127);

	assert_int_equal(c->n_routes, 5);
	r = &c->routes[0];
	assert_int_equal(r->family, CONF_FAMILY_V6);
	assert_memory_equal(r->prefix6, zero16, 16);
	assert_int_equal(r->prefix_len, 0);
	assert_memory_equal(r->via6, ip6("2001:db8:1::fe"), 16);
	assert_int_equal(r->prefix, 0);
	assert_int_equal(r->via, 0);
	assert_int_equal(r->iface, 0);
	assert_int_equal(r->line, 17);
	r = &c->routes[1];
	assert_int_equal(r->family, CONF_FAMILY_V4);
	assert_int_equal(r->via, ip(192, 0, 2, 254));
	assert_memory_equal(r->prefix6, zero16, 16);
	assert_memory_equal(r->via6, zero16, 16);
	r = &c->routes[2];              /* link-local next hop */
	assert_memory_equal(r->prefix6, ip6("2001:db8:100::"), 16);
	assert_int_equal(r->prefix_len, 48);
	assert_memory_equal(r->via6, ip6("fe80::1"), 16);
	assert_int_equal(r->iface, 1);
	r = &c->routes[3];              /* the other end of a /127 */
	assert_int_equal(r->prefix_len, 128);
	assert_int_equal(r->iface, 2);
	assert_int_equal(c->routes[4].iface, 1);
	assert_int_equal(c->routes[4].prefix_len, 56);

	assert_int_equal(c->n_neighs, 4);
	nb = &c->neighs[0];
	assert_int_equal(nb->family, CONF_FAMILY_V6);
	assert_memory_equal(nb->addr6, ip6("2001:db8:1::fe"), 16);
	assert_int_equal(nb->addr, 0);
	assert_int_equal(nb->iface, 0);
	assert_int_equal(nb->line, 27);
	/* one link-local address on two links: two neighbours */
	assert_memory_equal(c->neighs[1].addr6, ip6("fe80::2"), 16);
	assert_int_equal(c->neighs[1].iface, 0);
	assert_int_equal(c->neighs[2].iface, 1);
	assert_int_equal(c->neighs[3].family, CONF_FAMILY_V4);
	assert_memory_equal(c->neighs[3].addr6, zero16, 16);

	assert_int_equal(c->n_sas, 7);
	sa = &c->sas[0];
	assert_int_equal(sa->family, CONF_FAMILY_V6);
	assert_memory_equal(sa->local6, ip6("2001:db8:1::1"), 16);  /* default */
	assert_memory_equal(sa->peer6, ip6("2001:db8:ffff::10"), 16);
	assert_int_equal(sa->local, 0);
	assert_int_equal(sa->peer, 0);
	assert_int_equal(sa->sel_family, CONF_FAMILY_V6);
	assert_memory_equal(sa->sel6_src.addr, ip6("2001:db8:400::"), 16);
	assert_int_equal(sa->sel6_src.len, 48);
	assert_memory_equal(sa->sel6_dst.addr, ip6("fd00:10::"), 16);
	assert_int_equal(sa->sel6_dst.len, 48);
	assert_int_equal(sa->sel_src.len, 0);
	sa = &c->sas[1];
	assert_int_equal(sa->family, CONF_FAMILY_V6);
	assert_int_equal(sa->sel_family, 0);
	sa = &c->sas[2];
	assert_int_equal(sa->mode, CONF_SA_TRANSPORT);
	assert_memory_equal(sa->local6, ip6("2001:db8:1::1"), 16);
	sa = &c->sas[3];                /* IPv4 inside IPv6 */
	assert_int_equal(sa->family, CONF_FAMILY_V6);
	assert_int_equal(sa->sel_family, CONF_FAMILY_V4);
	assert_int_equal(sa->sel_dst.addr, ip(198, 51, 100, 0));
	assert_int_equal(sa->sel_dst.len, 24);
	assert_int_equal(sa->sel_src.len, 0);
	assert_int_equal(sa->sel6_dst.len, 0);
	sa = &c->sas[4];
	assert_int_equal(sa->family, CONF_FAMILY_V4);
	assert_int_equal(sa->local, ip(192, 0, 2, 1));
	assert_int_equal(sa->peer, ip(203, 0, 113, 20));
	assert_memory_equal(sa->local6, zero16, 16);
	assert_memory_equal(sa->peer6, zero16, 16);
	assert_int_equal(c->sas[5].sel_family, 0);      /* IPv4, no selector */
	assert_int_equal(c->sas[6].sel_family, CONF_FAMILY_V6);
	assert_int_equal(c->sas[6].sel6_src.len, 128);

	assert_int_equal(c->n_policies, 7);
	po = &c->policies[0];
	assert_int_equal(po->family, CONF_FAMILY_V6);
	assert_memory_equal(po->src6.addr, ip6("2001:db8:2::"), 16);
	assert_int_equal(po->src6.len, 64);
	assert_memory_equal(po->dst6.addr, ip6("2001:db8:400::"), 16);
	assert_int_equal(po->dst6.len, 48);
	assert_int_equal(po->src.len, 0);
	assert_int_equal(po->sa, 1);
	po = &c->policies[1];           /* IPv6 in an IPv4 tunnel */
	assert_int_equal(po->family, CONF_FAMILY_V6);
	assert_int_equal(po->src6.len, 0);
	assert_int_equal(po->dst6.len, 48);
	assert_int_equal(po->sa, 4);
	po = &c->policies[2];
	assert_int_equal(po->family, CONF_FAMILY_V6);
	assert_int_equal(po->sa, 2);
	assert_int_equal(po->dport_lo, 22);
	assert_int_equal(c->policies[3].family, CONF_FAMILY_V6);
	assert_int_equal(c->policies[3].src6.len, 0);
	po = &c->policies[4];           /* the IPv6 catch-all */
	assert_int_equal(po->family, CONF_FAMILY_V6);
	assert_memory_equal(po->src6.addr, zero16, 16);
	assert_int_equal(po->dst6.len, 0);
	assert_int_equal(po->action, CONF_POLICY_DISCARD);
	assert_int_equal(c->policies[5].family, CONF_FAMILY_V4);
	assert_int_equal(c->policies[5].dst.addr, ip(10, 0, 0, 0));
	assert_int_equal(c->policies[6].family, CONF_FAMILY_V4);
	conf_wipe(c);
	free(c);
}

/* IPv4 files keep family 4 everywhere and no IPv6 addresses. */
static void test_ipv4_family(void **state)
{
	char err[CONF_ERR_MAX];
	struct conf *c = malloc(sizeof(*c));
	unsigned int i;

	(void)state;
	assert_non_null(c);
	assert_int_equal(load(ipsec_yaml, c, err), 0);
	for (i = 0; i < c->n_ifaces; i++)
		assert_int_equal(c->ifaces[i].has_addr6, 0);
	for (i = 0; i < c->n_sas; i++) {
		assert_int_equal(c->sas[i].family, CONF_FAMILY_V4);
		assert_int_equal(c->sas[i].sel_family, i == 0 ? CONF_FAMILY_V4 : 0);
		assert_memory_equal(c->sas[i].peer6, zero16, 16);
	}
	for (i = 0; i < c->n_policies; i++)
		assert_int_equal(c->policies[i].family, CONF_FAMILY_V4);
	assert_int_equal(load(full_yaml, c, err), 0);
	for (i = 0; i < c->n_routes; i++)
		assert_int_equal(c->routes[i].family, CONF_FAMILY_V4);
	for (i = 0; i < c->n_neighs; i++)
		assert_int_equal(c->neighs[i].family, CONF_FAMILY_V4);
	conf_wipe(c);
	free(c);
}

static void test_iface_for_addr6(void **state)
{
	char err[CONF_ERR_MAX];
	struct conf *c = malloc(sizeof(*c));

	(void)state;
	assert_non_null(c);
	assert_int_equal(load(ipv6_yaml, c, err), 0);
	assert_int_equal(conf_iface_for_addr6(c, ip6("2001:db8:1::")), 0);
	assert_int_equal(conf_iface_for_addr6(c, ip6("2001:db8:1::ffff:ffff:ffff:ffff")), 0);
	assert_int_equal(conf_iface_for_addr6(c, ip6("2001:db8:1:1::1")), -1);
	assert_int_equal(conf_iface_for_addr6(c, ip6("fd00:10:0:ffff::1")), 1);
	assert_int_equal(conf_iface_for_addr6(c, ip6("2001:db8:2::a")), 2);
	assert_int_equal(conf_iface_for_addr6(c, ip6("2001:db8:2::b")), 2);
	assert_int_equal(conf_iface_for_addr6(c, ip6("2001:db8:2::c")), -1);
	assert_int_equal(conf_iface_for_addr6(c, ip6("fe80::1")), -1);
	assert_int_equal(conf_iface_for_addr6(c, ip6("::")), -1);
	/* the IPv6-only interface is on no IPv4 subnet */
	assert_int_equal(conf_iface_for_addr(c, 0), -1);
	assert_int_equal(conf_iface_for_addr(c, ip(10, 0, 0, 1)), -1);
	assert_int_equal(conf_iface_for_addr(c, ip(198, 51, 100, 7)), 2);
	conf_wipe(c);
	conf_defaults(c);
	assert_int_equal(conf_iface_for_addr6(c, ip6("2001:db8:1::1")), -1);
	free(c);
}

/*
 * IPv6 cases build on three interfaces: wan0 dual-stack (address6 on line 6),
 * lan0 IPv6-only (line 10), lan1 IPv4-only (line 14); lists start on 15.
 */
#define BASE6                                 \
	"interfaces:\n"                   /* 1 */ \
	"  - name: wan0\n"                /* 2 */ \
	"    device: net_af_packet0\n"    /* 3 */ \
	"    role: public\n"              /* 4 */ \
	"    address: 192.0.2.1/24\n"     /* 5 */ \
	"    address6: 2001:db8:1::1/64\n" /* 6 */ \
	"  - name: lan0\n"                /* 7 */ \
	"    device: net_af_packet1\n"    /* 8 */ \
	"    role: private\n"             /* 9 */ \
	"    address6: 2001:db8:2::1/64\n" /* 10 */ \
	"  - name: lan1\n"                /* 11 */ \
	"    device: net_af_packet2\n"    /* 12 */ \
	"    role: private\n"             /* 13 */ \
	"    address: 198.51.100.1/24\n"  /* 14 */
/* wan0 with its address6 (line 6) replaced */
#define ADDR6(a) WAN "    address6: " a "\n"
/* ADDR6 and lan0 (lines 7..10) with address6 a on line 10 */
#define LAN6(a) ADDR6("2001:db8:1::1/64") \
	"  - name: lan0\n    device: d1\n    role: private\n    address6: " a "\n"
/* a route: prefix on line 16, via 17, extra lines from 18 */
#define ROUTE6(p, v) BASE6 "routes:\n  - prefix: " p "\n    via: " v "\n"
/* a neighbour: address on line 16, mac 17, extra lines from 18 */
#define NEIGH6(a) BASE6 "neighbours:\n  - address: " a "\n    mac: 02:00:00:00:00:01\n"
/* an SA: 15 sas:, 16 name, 17 direction, 18 spi, 19 aead, 20 key, 21 salt,
 * 22 peer, then the extra lines from 23 */
#define SA6(d, p) BASE6 "sas:\n  - name: s1\n    direction: " d "\n    spi: 0x1001\n" \
	"    aead: aes-gcm-128\n    key: " KEY16 "\n    salt: 0x01020304\n    peer: " p "\n"

static const struct bad_case bad_ipv6_cases[] = {
	/* 0: interface address6 values */
	{ ADDR6("2001:db8::1/0"), "bad.yaml:6: address6 '2001:db8::1/0': prefix length must be 1..128" },
	{ ADDR6("2001:db8::1/129"), "bad.yaml:6: address6 '2001:db8::1/129': prefix length must be 1..128" },
	{ ADDR6("2001:db8::1"), "bad.yaml:6: address6 '2001:db8::1' needs a prefix length, e.g. 2001:db8::1/64" },
	{ ADDR6("192.0.2.9/24"), "bad.yaml:6: address6 '192.0.2.9/24' is not an IPv6 address" },
	{ ADDR6("2001:db8::g/64"), "bad.yaml:6: address6 '2001:db8::g/64' is not an IPv6 address" },
	/* 5 */
	{ ADDR6("'fe80::1%eth0/64'"), "bad.yaml:6: address6 'fe80::1%eth0/64' is not an IPv6 address" },
	{ ADDR6("2001:db8:::1/64"), "bad.yaml:6: address6 '2001:db8:::1/64' is not an IPv6 address" },
	{ ADDR6("fe80::1/64"),
	  "bad.yaml:6: address6 fe80::1/64 is link-local; address6 takes a global or unique local address" },
	{ ADDR6("ff02::1/64"), "bad.yaml:6: address6 ff02::1/64 is a multicast address" },
	{ ADDR6("'::/64'"), "bad.yaml:6: address6 ::/64 is the unspecified address" },
	/* 10 */
	{ ADDR6("'::1/128'"), "bad.yaml:6: address6 ::1/128 is the loopback address" },
	{ ADDR6("'::ffff:192.0.2.1/96'"), "bad.yaml:6: address6 ::ffff:192.0.2.1/96 is an IPv4-mapped address" },
	{ ADDR6("100::1/64"),
	  "bad.yaml:6: address6 100::1/64 is not a global unicast (2000::/3) or unique local (fc00::/7) address" },
	{ ADDR6("2001:db8::/64"),
	  "bad.yaml:6: address6 2001:db8::/64 is the subnet-router anycast address of its subnet (RFC 4291 §2.6.1)" },
	{ ADDR6("2001:0DB8:0000::0001/64"), NULL },          /* any spelling inet_pton takes */
	/* 15 */
	{ ADDR6("2001:db8::/127"), NULL },                   /* RFC 6164: no anycast on /127 */
	{ ADDR6("2001:db8::1/128"), NULL },
	{ ADDR6("fd12:3456:789a::1/48"), NULL },
	{ ADDR6("[2001:db8::1/64]"), "bad.yaml:6: 'address6' must be a scalar, not a sequence" },
	{ WAN "    address6: 2001:db8::1/64\n    address6: 2001:db8::2/64\n",
	  "bad.yaml:7: duplicate key 'address6' in interface (first at line 6)" },
	/* 20: address and address6 */
	{ WAN_ADDR("2001:db8::1/64"), "bad.yaml:5: address '2001:db8::1/64' is IPv6: write it as address6" },
	{ WAN_ADDR("'2001:db8::1'"), "bad.yaml:5: address '2001:db8::1' is IPv6: write it as address6" },
	{ "interfaces:\n  - name: x\n    device: d0\n    role: public\n",
	  "bad.yaml:2: interface is missing 'address' or 'address6'" },
	{ "interfaces:\n  - {name: x, device: d0, role: public, mtu: 1500}\n",
	  "bad.yaml:2: interface is missing 'address' or 'address6'" },
	{ "interfaces:\n  - {name: x, device: d0, role: public, address6: 2001:db8::1/64}\n", NULL },
	/* 25: IPv6 subnets of different interfaces */
	{ LAN6("2001:db8:1::1/64"), "bad.yaml:10: address6 2001:db8:1::1 is already used by interface wan0 (line 2)" },
	{ LAN6("2001:db8:1:0:8000::1/65"),
	  "bad.yaml:10: subnet 2001:db8:1:0:8000::/65 overlaps interface wan0 (2001:db8:1::/64, line 2)" },
	{ LAN6("2001:db8::1/32"),
	  "bad.yaml:10: subnet 2001:db8::/32 overlaps interface wan0 (2001:db8:1::/64, line 2)" },
	{ LAN6("2001:db8:1:1::1/64"), NULL },
	/* two IPv6-only interfaces: no IPv4 to clash */
	{ "interfaces:\n  - {name: a, device: d0, role: public, address6: 2001:db8:1::1/64}\n"
	  "  - {name: b, device: d1, role: private, address6: 2001:db8:2::1/64}\n", NULL },
	/* 30: routes */
	{ ROUTE6("2001:db8:100::1/48", "2001:db8:1::fe"),
	  "bad.yaml:16: 2001:db8:100::1/48 has host bits set; did you mean 2001:db8:100::/48?" },
	{ ROUTE6("'::1/0'", "2001:db8:1::fe"), "bad.yaml:16: ::1/0 has host bits set; did you mean ::/0?" },
	{ ROUTE6("2001:db8:100::/129", "2001:db8:1::fe"),
	  "bad.yaml:16: prefix '2001:db8:100::/129': prefix length must be 0..128" },
	{ ROUTE6("'2001:db8:100::'", "2001:db8:1::fe"),
	  "bad.yaml:16: prefix '2001:db8:100::' needs a prefix length, e.g. 2001:db8::1/64" },
	{ ROUTE6("2001:db8:100::/48", "198.51.100.254"), "bad.yaml:17: route prefix is IPv6 but via is IPv4" },
	/* 35 */
	{ ROUTE6("203.0.113.0/24", "2001:db8:1::fe"), "bad.yaml:17: route prefix is IPv4 but via is IPv6" },
	{ ROUTE6("2001:db8:100::/48", "fe80::1"), "bad.yaml:17: via fe80::1 is link-local and needs 'interface'" },
	{ ROUTE6("2001:db8:100::/48", "fe80::1") "    interface: lan1\n",
	  "bad.yaml:17: via fe80::1: interface lan1 has no address6" },
	{ ROUTE6("2001:db8:100::/48", "fe80::1") "    interface: lan9\n", "bad.yaml:18: interface 'lan9' is not defined" },
	{ ROUTE6("2001:db8:100::/48", "fe80::1") "    interface: lan0\n", NULL },
	/* 40 */
	{ ROUTE6("2001:db8:100::/48", "2001:DB8:3::0009"), "bad.yaml:17: via 2001:db8:3::9 is not on any connected subnet" },
	{ ROUTE6("2001:db8:100::/48", "2001:db8:1::9") "    interface: lan0\n",
	  "bad.yaml:17: via 2001:db8:1::9 is not on the subnet of interface lan0" },
	{ ROUTE6("2001:db8:100::/48", "2001:db8:2::1"),
	  "bad.yaml:17: via 2001:db8:2::1 is the gateway's own address (interface lan0)" },
	{ ROUTE6("2001:db8:100::/48", "'2001:db8:2::'"),
	  "bad.yaml:17: via 2001:db8:2:: is the subnet-router anycast address of its subnet" },
	{ ROUTE6("2001:db8:100::/48", "ff02::2"), "bad.yaml:17: via ff02::2 is a multicast address" },
	/* 45 */
	{ ROUTE6("'::/0'", "'::'"), "bad.yaml:17: via :: is the unspecified address" },
	{ ROUTE6("'::/0'", "'::1'"), "bad.yaml:17: via ::1 is the loopback address" },
	{ ROUTE6("'::/0'", "'fe80::1%lan0'"), "bad.yaml:17: via 'fe80::1%lan0' is not an IPv6 address" },
	{ ROUTE6("'::/0'", "2001:db8:1::fe") "  - prefix: 0::0/0\n    via: 2001:db8:2::fe\n",
	  "bad.yaml:18: duplicate route ::/0 (first at line 16)" },
	{ ROUTE6("'::/0'", "2001:db8:1::fe") "  - prefix: 0.0.0.0/0\n    via: 192.0.2.254\n", NULL },
	/* 50: an IPv4 next hop on an IPv6-only interface */
	{ ROUTE6("203.0.113.0/24", "192.0.2.9") "    interface: lan0\n",
	  "bad.yaml:17: via 192.0.2.9 is not on the subnet of interface lan0" },
	/* neighbours */
	{ NEIGH6("fe80::5"), "bad.yaml:16: neighbour fe80::5 is link-local and needs 'interface'" },
	{ NEIGH6("2001:db8:9::5"), "bad.yaml:16: neighbour 2001:db8:9::5 is not on any connected subnet" },
	{ NEIGH6("2001:db8:1::1"), "bad.yaml:16: neighbour 2001:db8:1::1 is the gateway's own address (interface wan0)" },
	{ NEIGH6("2001:db8:1::5") "  - address: 2001:db8:1:0::5\n    mac: 02:00:00:00:00:02\n",
	  "bad.yaml:18: duplicate neighbour 2001:db8:1::5 on wan0 (first at line 16)" },
	/* 55 */
	{ NEIGH6("'::ffff:192.0.2.9'"), "bad.yaml:16: neighbour ::ffff:192.0.2.9 is an IPv4-mapped address" },
	{ NEIGH6("2001:db8:1::5/128"), "bad.yaml:16: address '2001:db8:1::5/128' is not an IPv6 address" },
	{ NEIGH6("ff02::1:ff00:5"), "bad.yaml:16: neighbour ff02::1:ff00:5 is a multicast address" },
	{ NEIGH6("fe80::5") "    interface: lan1\n", "bad.yaml:16: neighbour fe80::5: interface lan1 has no address6" },
	{ NEIGH6("fe80::5") "    interface: wan0\n", NULL },
	/* 60: SA local and peer */
	{ SA6("in", "203.0.113.9") "    local: 2001:db8:1::1\n", "bad.yaml:22: local is IPv6 but peer is IPv4" },
	{ SA6("in", "2001:db8:ffff::9") "    local: 192.0.2.1\n", "bad.yaml:22: local is IPv4 but peer is IPv6" },
	{ SA6("in", "2001:db8:ffff::9") "    local: 2001:db8:1::2\n",
	  "bad.yaml:23: local 2001:db8:1::2 is not the address of a public interface" },
	{ SA6("in", "2001:db8:ffff::9") "    local: 2001:db8:2::1\n",
	  "bad.yaml:23: local 2001:db8:2::1 is the address of interface lan0, which is not public" },
	{ SA6("in", "2001:db8:1::1"), "bad.yaml:22: peer 2001:db8:1::1 is the gateway's own address (interface wan0)" },
	/* 65 */
	{ SA6("in", "ff05::1"), "bad.yaml:22: peer ff05::1 is a multicast address" },
	{ SA6("in", "fe80::9"), "bad.yaml:22: peer fe80::9 is link-local; an SA's peer needs a routable address" },
	{ SA6("in", "'::'"), "bad.yaml:22: peer :: is the unspecified address" },
	{ SA6("in", "2001:db8:ffff::9/128"), "bad.yaml:22: peer '2001:db8:ffff::9/128' is not an IPv6 address" },
	/* no public interface of the peer's family for the default local */
	{ SA_PEER("2001:db8:ffff::9"), "bad.yaml:11: sa has no 'local' and no public interface has an IPv6 address" },
	/* 70 */
	{ "interfaces:\n  - {name: wan0, device: d0, role: public, address6: 2001:db8:1::1/64}\n"
	  "sas:\n  - {name: x, direction: in, spi: 300, aead: aes-gcm-128, key: " KEY16 ",\n"
	  "     salt: 0x01020304, peer: 192.0.2.9}\n",
	  "bad.yaml:4: sa has no 'local' and no public interface has an IPv4 address" },
	/* selectors */
	{ SA6("in", "2001:db8:ffff::9") "    selector:\n      src: 2001:db8:9::/48\n      dst: 198.51.100.0/24\n",
	  "bad.yaml:25: selector src is IPv6 but dst is IPv4" },
	{ SA6("in", "2001:db8:ffff::9") "    selector: {src: 10.0.0.0/8, dst: '2001:db8:2::/64'}\n",
	  "bad.yaml:23: selector src is IPv4 but dst is IPv6" },
	{ SA6("in", "2001:db8:ffff::9") "    selector: {src: '2001:db8:9::1/48'}\n",
	  "bad.yaml:23: 2001:db8:9::1/48 has host bits set; did you mean 2001:db8:9::/48?" },
	{ SA_IN("    mode: transport\n    selector: {dst: '2001:db8:2::/64'}\n"),
	  "bad.yaml:19: selector is IPv6 but this transport SA's peer is IPv4 "
	  "(transport carries packets of its outer family)" },
	/* 75 */
	{ SA6("in", "2001:db8:ffff::9") "    mode: transport\n    selector: {dst: 198.51.100.0/24}\n",
	  "bad.yaml:24: selector is IPv4 but this transport SA's peer is IPv6" },
	{ SA_IN("    selector: {dst: '2001:db8:2::/64'}\n"), NULL },   /* tunnel: any inner family */
	{ SA6("in", "2001:db8:ffff::9") "    mode: transport\n    selector: {dst: '2001:db8:2::/64'}\n", NULL },
	/* policies */
	{ POLICY("{action: bypass, src: '2001:db8::/32', dst: 10.0.0.0/8}"), "bad.yaml:19: src is IPv6 but dst is IPv4" },
	{ POLICY("{action: bypass, family: ipv4, dst: '2001:db8::/32'}"),
	  "bad.yaml:19: family ipv4 contradicts dst 2001:db8::/32 (IPv6)" },
	/* 80 */
	{ SA_OUT("policies:\n  - src: 10.0.0.0/8\n    family: ipv6\n    action: bypass\n"),
	  "bad.yaml:20: family ipv6 contradicts src 10.0.0.0/8 (IPv4)" },
	{ POLICY("{action: bypass, family: inet6}"), "bad.yaml:19: family 'inet6' must be ipv4 or ipv6" },
	{ POLICY("{action: bypass, family: 6}"), "bad.yaml:19: family '6' must be ipv4 or ipv6" },
	{ POLICY("{action: bypass, dst: '2001:db8::1/32'}"),
	  "bad.yaml:19: 2001:db8::1/32 has host bits set; did you mean 2001:db8::/32?" },
	{ POLICY("{action: bypass, src: '2001:db8::/129'}"), "bad.yaml:19: src '2001:db8::/129': prefix length must be 0..128" },
	/* 85: transport SAs carry their own family only */
	{ SA_OUT("    mode: transport\npolicies:\n  - {family: ipv6, action: protect, sa: s1}\n"),
	  "bad.yaml:20: policy is IPv6 but SA s1 (line 11) is a transport SA to an IPv4 peer; "
	  "transport carries packets of its outer family" },
	{ SA6("out", "2001:db8:ffff::9") "    mode: transport\npolicies:\n  - {dst: 10.0.0.0/8, action: protect, sa: s1}\n",
	  "bad.yaml:25: policy is IPv4 but SA s1 (line 16) is a transport SA to an IPv6 peer" },
	{ SA_OUT("    mode: transport\npolicies:\n  - {family: ipv4, action: protect, sa: s1}\n"), NULL },
	{ POLICY("{family: ipv6, action: protect, sa: s1}"), NULL },   /* tunnel: fine */
	{ SA6("out", "2001:db8:ffff::9") "policies:\n  - {dst: 10.0.0.0/8, action: protect, sa: s1}\n", NULL },
	/* 90: YAML reads a plain value ending in ':' before the line end as a
	 * key: an address ending in "::" must be quoted */
	{ ROUTE6("2001:db8:100::", "2001:db8:1::fe"),
	  "bad.yaml:16: YAML syntax error: mapping values are not allowed in this context" },
};

static void test_bad_ipv6(void **state)
{
	(void)state;
	run_bad_table(bad_ipv6_cases, sizeof(bad_ipv6_cases) / sizeof(bad_ipv6_cases[0]));
}

/* ---- limits ---------------------------------------------------------- */

/* Text of `n` list items produced by fmt(i), after `head`. */
static char *build(const char *head, const char *tail, unsigned int n,
		   int (*item)(char *, size_t, unsigned int))
{
	size_t cap = strlen(head) + strlen(tail) + (size_t)n * 256 + 1, off;
	char *s = malloc(cap);
	unsigned int i;

	assert_non_null(s);
	off = (size_t)snprintf(s, cap, "%s", head);
	for (i = 0; i < n; i++)
		off += (size_t)item(s + off, cap - off, i);
	snprintf(s + off, cap - off, "%s", tail);
	return s;
}

static int iface_item(char *s, size_t len, unsigned int i)
{
	return snprintf(s, len, "  - {name: if%u, device: d%u, role: public, address: 10.%u.0.1/16}\n",
			i, i, i);
}

static int route_item(char *s, size_t len, unsigned int i)
{
	return snprintf(s, len, "  - {prefix: 10.%u.%u.0/24, via: 192.0.2.9}\n", i >> 8, i & 255);
}

static int neigh_item(char *s, size_t len, unsigned int i)
{
	return snprintf(s, len, "  - {address: 10.%u.%u.1, mac: '02:00:00:00:%02x:%02x'}\n",
			i >> 8, i & 255, i >> 8, i & 255);
}

static void expect(const char *text, int want_rc, const char *want)
{
	char err[CONF_ERR_MAX];
	struct conf *c = malloc(sizeof(*c));
	int rc;

	assert_non_null(c);
	rc = load(text, c, err);
	if (rc != want_rc || (want != NULL && strstr(err, want) == NULL))
		print_error("rc %d err '%s', want %d '%s'\n", rc, err, want_rc,
			    want ? want : "");
	assert_int_equal(rc, want_rc);
	if (want != NULL)
		assert_non_null(strstr(err, want));
	free(c);
}

static void test_limits(void **state)
{
	char *s;

	(void)state;
	s = build("interfaces:\n", "", CONF_IFACE_MAX, iface_item);
	expect(s, 0, NULL);
	free(s);
	s = build("interfaces:\n", "", CONF_IFACE_MAX + 1, iface_item);
	expect(s, -EINVAL, "bad.yaml:18: too many interfaces (at most 16)");
	free(s);

	/* a /8 on wan so 1024 distinct neighbours and routes fit */
	s = build(WAN_ADDR("10.255.255.254/8") "routes:\n  - {prefix: 0.0.0.0/0, via: 10.0.0.9}\n"
		  "neighbours:\n", "", CONF_NEIGH_MAX, neigh_item);
	expect(s, 0, NULL);
	free(s);
	s = build(WAN_ADDR("10.255.255.254/8") "neighbours:\n", "", CONF_NEIGH_MAX + 1, neigh_item);
	expect(s, -EINVAL, "bad.yaml:1031: too many neighbours (at most 1024)");
	free(s);
	s = build(WAN "routes:\n", "", CONF_ROUTE_MAX, route_item);
	expect(s, 0, NULL);
	free(s);
	s = build(WAN "routes:\n", "", CONF_ROUTE_MAX + 1, route_item);
	expect(s, -EINVAL, "bad.yaml:1031: too many routes (at most 1024)");
	free(s);
}

static int sa_item(char *s, size_t len, unsigned int i)
{
	return snprintf(s, len,
			"  - {name: sa%u, direction: %s, spi: %u, aead: aes-gcm-128,"
			" key: " KEY16 ", salt: 0x01020304, peer: 203.0.113.%u}\n",
			i, i & 1 ? "out" : "in", 1000 + i, 1 + i % 250);
}

static int policy_item(char *s, size_t len, unsigned int i)
{
	return snprintf(s, len, "  - {dst: 10.%u.%u.0/24, action: protect, sa: sa%u}\n",
			i >> 8, i & 255, (i * 7 % 1000) | 1);
}

/* The forwarding benchmark's shape: 1000 SAs, 1000 policies. */
static void test_ipsec_many(void **state)
{
	char err[CONF_ERR_MAX];
	struct conf *c = malloc(sizeof(*c));
	char *sas, *text;
	size_t n;
	unsigned int i;

	(void)state;
	assert_non_null(c);
	sas = build(BASE "sas:\n", "policies:\n", 1000, sa_item);
	n = strlen(sas);
	text = build(sas, "", 1000, policy_item);
	assert_true(strlen(text) > n);
	if (load(text, c, err) != 0)
		print_error("%s\n", err);
	assert_int_equal(load(text, c, err), 0);
	assert_int_equal(c->n_sas, 1000);
	assert_int_equal(c->n_policies, 1000);
	for (i = 0; i < 1000; i++) {
		assert_int_equal(c->sas[i].spi, 1000 + i);
		assert_int_equal(c->policies[i].sa, (int)((i * 7 % 1000) | 1));
	}
	free(text);
	free(sas);
	free(c);
}

static void test_ipsec_limits(void **state)
{
	char *s;

	(void)state;
	s = build(BASE "sas:\n", "", CONF_SA_MAX, sa_item);
	expect(s, 0, NULL);
	free(s);
	s = build(BASE "sas:\n", "", CONF_SA_MAX + 1, sa_item);
	expect(s, -EINVAL, "bad.yaml:8203: too many sas (at most 8192)");
	free(s);
}

static void test_too_large_buf(void **state)
{
	size_t len = (4u << 20) + 1;
	char err[CONF_ERR_MAX];
	struct conf *c = malloc(sizeof(*c));
	char *big = malloc(len);

	(void)state;
	assert_non_null(c);
	assert_non_null(big);
	memset(big, '#', len);
	assert_int_equal(conf_load_buf("big.yaml", big, len, c, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "big.yaml: file is larger than 4 MiB");
	free(big);
	free(c);
}

/* A tiny err buffer is filled as far as it goes and stays terminated. */
static void test_small_err(void **state)
{
	char err[12];
	struct conf *c = malloc(sizeof(*c));

	(void)state;
	assert_non_null(c);
	memset(err, 'x', sizeof(err));
	assert_int_equal(conf_load_buf("bad.yaml", "- a\n", 4, c, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "bad.yaml:1:");
	assert_int_equal(conf_load_buf("bad.yaml", "- a\n", 4, c, NULL, 0), -EINVAL);
	free(c);
}

/* Control bytes quoted back from the file are masked in the message. */
static void test_err_masks_controls(void **state)
{
	static const char text[] = IFX("\"a\\e[31mb\"", "d", "public");
	char err[CONF_ERR_MAX];
	struct conf *c = malloc(sizeof(*c));

	(void)state;
	assert_non_null(c);
	assert_int_equal(load(text, c, err), -EINVAL);
	assert_null(strchr(err, '\x1b'));
	assert_non_null(strstr(err, "bad.yaml:2: name 'a?[31mb'"));
	free(c);
}

/* ---- files ----------------------------------------------------------- */

static char *write_temp(const char *text, size_t len)
{
	char *path = strdup("/tmp/test_conf_XXXXXX.yaml");
	int fd;

	assert_non_null(path);
	fd = mkstemps(path, 5);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
	return path;
}

static void test_file_io(void **state)
{
	char err[CONF_ERR_MAX], want[CONF_ERR_MAX];
	struct conf *c = malloc(sizeof(*c));
	char *path;

	(void)state;
	assert_non_null(c);
	path = write_temp(BASE, strlen(BASE));
	assert_int_equal(conf_load(path, c, err, sizeof(err)), 0);
	assert_string_equal(c->path, path);
	assert_int_equal(c->n_ifaces, 2);
	unlink(path);
	free(path);

	path = write_temp(BASE "    mtu: 70000\n", strlen(BASE "    mtu: 70000\n"));
	assert_int_equal(conf_load(path, c, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "%s:10: mtu 70000 is out of range (576..9000)", path);
	assert_string_equal(err, want);
	unlink(path);
	free(path);

	assert_int_equal(conf_load("/nonexistent/espgw.yaml", c, err, sizeof(err)), -ENOENT);
	assert_string_equal(err, "/nonexistent/espgw.yaml: No such file or directory");
	assert_int_equal(conf_load("/tmp", c, err, sizeof(err)), -EISDIR);
	assert_string_equal(err, "/tmp: Is a directory");
	free(c);
}

static void test_file_too_large(void **state)
{
	size_t len = (4u << 20) + 100;
	char err[CONF_ERR_MAX], want[CONF_ERR_MAX];
	struct conf *c = malloc(sizeof(*c));
	char *big = malloc(len), *path;

	(void)state;
	assert_non_null(c);
	assert_non_null(big);
	memset(big, '\n', len);
	path = write_temp(big, len);
	if (path == NULL)
		fail_msg("cannot write a temporary file");
	assert_int_equal(conf_load(path, c, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "%s: file is larger than 4 MiB", path);
	assert_string_equal(err, want);
	/* exactly at the limit is read whole, and is empty */
	assert_int_equal(truncate(path, 4 << 20), 0);
	assert_int_equal(conf_load(path, c, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "%s: empty configuration", path);
	assert_string_equal(err, want);
	unlink(path);
	free(path);
	free(big);
	free(c);
}

/* Every shipped sample must load: they are what operators copy. */
static void test_config_samples(void **state)
{
	char err[CONF_ERR_MAX];
	struct conf *c = malloc(sizeof(*c));
	glob_t g;
	size_t i;
	int rc;

	(void)state;
	assert_non_null(c);
	assert_int_equal(glob("config/*.yaml", 0, NULL, &g), 0);
	assert_true(g.gl_pathc >= 2);
	for (i = 0; i < g.gl_pathc; i++) {
		rc = conf_load(g.gl_pathv[i], c, err, sizeof(err));
		if (rc != 0)
			print_error("%s\n", err);
		assert_int_equal(rc, 0);
		assert_true(c->n_ifaces >= 1);
	}
	globfree(&g);

	assert_int_equal(conf_load("config/espgw.yaml", c, err, sizeof(err)), 0);
	assert_int_equal(c->n_ifaces, 2);
	assert_int_equal(c->n_routes, 2);
	assert_int_equal(c->routes[0].prefix_len, 0);
	assert_int_equal(c->n_neighs, 1);
	assert_int_equal(c->n_sas, 2);
	assert_int_equal(c->n_policies, 2);
	assert_int_equal(c->policies[0].sa, 1);
	assert_string_equal(c->crypto.engine, "ipsec-mb");

	assert_int_equal(conf_load("config/esp-static.yaml", c, err, sizeof(err)), 0);
	assert_int_equal(c->n_sas, 4);
	assert_int_equal(c->n_policies, 5);
	assert_int_equal(c->sas[0].natt, 1);
	assert_int_equal(c->sas[0].peer_port, 4500);
	assert_int_equal(c->sas[2].esn, 1);
	assert_int_equal(c->sas[2].spi, 8193);
	assert_int_equal(c->policies[0].sa, 1);
	assert_int_equal(c->policies[1].sa, 3);
	assert_int_equal(c->policies[2].action, CONF_POLICY_BYPASS);
	conf_wipe(c);
	free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_minimal_and_defaults),
		cmocka_unit_test(test_empty_sections),
		cmocka_unit_test(test_iface_derived),
		cmocka_unit_test(test_iface_for_addr),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_ipsec_full),
		cmocka_unit_test(test_ipsec_sa_before_policy),
		cmocka_unit_test(test_ipsec_many),
		cmocka_unit_test(test_ipsec_limits),
		cmocka_unit_test(test_key_never_echoed),
		cmocka_unit_test(test_bad_table),
		cmocka_unit_test(test_bad_ipsec),
		cmocka_unit_test(test_ipv6_full),
		cmocka_unit_test(test_ipv4_family),
		cmocka_unit_test(test_iface_for_addr6),
		cmocka_unit_test(test_bad_ipv6),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_too_large_buf),
		cmocka_unit_test(test_small_err),
		cmocka_unit_test(test_err_masks_controls),
		cmocka_unit_test(test_file_io),
		cmocka_unit_test(test_file_too_large),
		cmocka_unit_test(test_config_samples),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
