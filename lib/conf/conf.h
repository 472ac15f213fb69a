/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Gateway configuration: the YAML file an operator writes, loaded and checked
 * in one go before anything starts. Called from the main lcore at start-up
 * (and by `espgw --check`); never from workers. No DPDK dependency, so the
 * loader is unit-tested and fuzzed on its own.
 *
 * IPv4 addresses are host byte order (what rte_fib and rte_hash keys want);
 * IPv6 addresses are uint8_t[16] in network byte order (what rte_fib6 and
 * struct rte_ipv6_hdr hold). Where both can occur, `family` says which
 * (CONF_FAMILY_V4 or CONF_FAMILY_V6) and the other family's fields are zero.
 */
#ifndef ESPGW_CONF_H
#define ESPGW_CONF_H

#include <stdint.h>
#include <stddef.h>

enum {
	CONF_NAME_MAX = 32,     /* interface name, incl. NUL */
	CONF_DEVICE_MAX = 128,  /* DPDK ethdev name, incl. NUL */
	CONF_IFACE_MAX = 16,
	CONF_ROUTE_MAX = 1024,
	CONF_NEIGH_MAX = 1024,
	CONF_ERR_MAX = 512,
	CONF_SA_MAX = 8192,     /* static SAs, both directions together */
	CONF_POLICY_MAX = 8192,
	CONF_KEY_MAX = 32,      /* AES-256 */
	CONF_SALT_LEN = 4,      /* RFC 4106 §4 */
	CONF_ENGINE_MAX = 32,
	CONF_PROTO_ANY = 256,   /* conf_policy.proto: every IP protocol */
};

/* The `family` fields: the IP version, as written. */
enum conf_family {
	CONF_FAMILY_V4 = 4,
	CONF_FAMILY_V6 = 6,
};

enum conf_role {
	CONF_ROLE_PUBLIC = 1,   /* faces the peers: IKE and ESP arrive here */
	CONF_ROLE_PRIVATE = 2,  /* faces the protected network */
};

struct conf_iface {
	char name[CONF_NAME_MAX];      /* operator's name, e.g. "wan0" */
	char device[CONF_DEVICE_MAX];  /* ethdev name: "net_tap0", "0000:03:00.0" */
	enum conf_role role;
	uint32_t addr;                 /* gateway's own address on this link */
	uint8_t prefix_len;            /* connected subnet: addr/prefix_len;
	                                * 0: no IPv4 address (IPv6-only link) */
	uint16_t mtu;                  /* IP MTU; default 1500 */
	int line;                      /* where it was defined, for later errors */
	/* "address6": the gateway's own global (or ULA) IPv6 address and the
	 * connected IPv6 subnet addr6/prefix6_len (1..128); all zero when
	 * has_addr6 is 0. The link-local address is not configured here. */
	uint8_t addr6[16];
	uint8_t prefix6_len;
	uint8_t has_addr6;
};

struct conf_route {
	uint32_t prefix;               /* network address, host bits zero */
	uint8_t prefix_len;            /* 0..32, or 0..128 for IPv6 */
	uint32_t via;                  /* next hop, on a connected subnet */
	int iface;                     /* index into conf.ifaces */
	int line;
	uint8_t family;                /* CONF_FAMILY_V4: prefix, via;
	                                * CONF_FAMILY_V6: prefix6, via6 */
	uint8_t prefix6[16];           /* host bits zero */
	uint8_t via6[16];              /* on a connected IPv6 subnet, or
	                                * link-local (fe80::/10) on `iface` */
};

struct conf_neigh {
	uint32_t addr;
	uint8_t mac[6];
	int iface;                     /* index into conf.ifaces */
	int line;
	uint8_t family;                /* CONF_FAMILY_V4: addr; CONF_FAMILY_V6: addr6 */
	uint8_t addr6[16];             /* on a connected IPv6 subnet, or link-local */
};

/* Tunables of the neighbour (ARP) machinery; defaults in conf_defaults(). */
struct conf_neigh_settings {
	uint32_t reachable_ms;         /* a learned entry is re-probed after this */
	uint32_t retrans_ms;           /* interval between ARP requests */
	uint32_t max_probes;           /* unanswered requests before giving up */
	uint32_t hold_packets;         /* packets held per unresolved neighbour */
};

/* An IPv4 prefix, host order, host bits zero. */
struct conf_prefix {
	uint32_t addr;
	uint8_t len;                   /* 0..32 */
};

/* An IPv6 prefix, network order, host bits zero. */
struct conf_prefix6 {
	uint8_t addr[16];
	uint8_t len;                   /* 0..128 */
};

enum conf_sa_dir {
	CONF_SA_IN = 1,                /* we decrypt: looked up by SPI */
	CONF_SA_OUT = 2,               /* we encrypt: chosen by a policy */
};

enum conf_sa_mode {
	CONF_SA_TUNNEL = 1,
	CONF_SA_TRANSPORT = 2,
};

enum conf_aead {
	CONF_AEAD_AES_GCM_128 = 1,     /* "aes-gcm-128": 16-byte key, 16-byte ICV */
	CONF_AEAD_AES_GCM_256 = 2,     /* "aes-gcm-256": 32-byte key */
};

/*
 * A static security association ("sas:"), one direction. Key material is
 * only ever copied into the data path; conf_wipe() clears it.
 */
struct conf_sa {
	char name[CONF_NAME_MAX];      /* unique; policies refer to out SAs by it */
	enum conf_sa_dir dir;
	uint32_t spi;                  /* 256..0xffffffff (1..255 reserved, RFC 4303
	                                * §2.1); unique among SAs of one direction */
	enum conf_sa_mode mode;
	enum conf_aead aead;
	uint8_t key[CONF_KEY_MAX];
	uint8_t key_len;               /* 16 or 32, as aead says */
	uint8_t salt[CONF_SALT_LEN];
	uint8_t esn;                   /* 64-bit sequence numbers (RFC 4304) */
	uint8_t natt;                  /* ESP in UDP (RFC 3948) */
	uint16_t peer_port;            /* natt: the peer's UDP port, default 4500 */
	uint32_t replay_window;        /* in: power of two 64..65536, default 128;
	                                * 0: anti-replay off (not with esn) */
	uint32_t local;                /* tunnel: our outer address; default: the
	                                * first public interface's */
	uint32_t peer;                 /* the peer's outer address (required) */
	/* in only: every decrypted packet's source and destination must fall in
	 * these (default 0.0.0.0/0 each) */
	struct conf_prefix sel_src, sel_dst;
	/* lifetimes; 0 = none. soft < hard when both are set */
	uint64_t soft_bytes, hard_bytes;
	uint64_t soft_packets, hard_packets;
	int line;
	uint8_t family;                /* outer: CONF_FAMILY_V4 (local, peer) or
	                                * CONF_FAMILY_V6 (local6, peer6) */
	uint8_t local6[16], peer6[16];
	/* in only: the inner family the selector allows. 0: no selector given,
	 * inner packets of either family pass (sel_* and sel6_* are zero);
	 * 4: IPv4 inside sel_src/sel_dst only; 6: IPv6 inside sel6_src/sel6_dst
	 * only. A transport SA's sel_family is 0 or its own family. */
	uint8_t sel_family;
	struct conf_prefix6 sel6_src, sel6_dst;
};

enum conf_policy_action {
	CONF_POLICY_PROTECT = 1,
	CONF_POLICY_BYPASS = 2,
	CONF_POLICY_DISCARD = 3,
};

/*
 * An outbound policy ("policies:"), applied to packets that arrive on a
 * private interface. With no policies at all, nothing is encrypted and
 * everything is forwarded as before; with any, a packet no policy matches
 * is discarded (RFC 4301 §5.1).
 */
struct conf_policy {
	struct conf_prefix src, dst;
	uint16_t proto;                /* 0..255 or CONF_PROTO_ANY */
	uint16_t sport_lo, sport_hi;   /* inclusive; 0..65535 unless TCP/UDP */
	uint16_t dport_lo, dport_hi;
	uint32_t priority;             /* lower first; default 1000; ties: file order */
	enum conf_policy_action action;
	int sa;                        /* protect: index into conf.sas (an out SA) */
	int line;
	/* CONF_FAMILY_V4: the policy matches IPv4 packets, src/dst apply;
	 * CONF_FAMILY_V6: IPv6 packets, src6/dst6 apply (src/dst zero). Taken
	 * from the prefixes or the `family:` key; IPv4 when neither says.
	 * A transport SA it protects with has this family as its outer one. */
	uint8_t family;
	struct conf_prefix6 src6, dst6;
};

/* Data-path crypto ("settings: crypto:"). */
struct conf_crypto {
	char engine[CONF_ENGINE_MAX];  /* "ipsec-mb" (default), "openssl", "cryptodev" */
	char device[CONF_DEVICE_MAX];  /* cryptodev only, required there: the
	                                * cryptodev's name, e.g. "crypto_aesni_gcm0" */
};

struct conf {
	char path[512];                /* file it was read from */
	struct conf_iface ifaces[CONF_IFACE_MAX];
	unsigned int n_ifaces;
	struct conf_route routes[CONF_ROUTE_MAX];
	unsigned int n_routes;
	struct conf_neigh neighs[CONF_NEIGH_MAX];
	unsigned int n_neighs;
	struct conf_neigh_settings neigh;
	uint32_t icmp_rate;            /* ICMP errors sent per second, 0 = none */
	struct conf_crypto crypto;
	struct conf_sa sas[CONF_SA_MAX];
	unsigned int n_sas;
	struct conf_policy policies[CONF_POLICY_MAX];
	unsigned int n_policies;
};

/**
 * Load and validate a configuration file.
 *
 * @param path  file to read
 * @param out   filled on success; left zeroed or partial on failure
 * @param err   on failure: "PATH:LINE: what is wrong" (or "PATH: ..." when
 *              the problem has no line, e.g. the file cannot be opened)
 * @param errlen size of err
 * @return 0 on success, -EINVAL for a bad file, -errno when unreadable.
 */
int conf_load(const char *path, struct conf *out, char *err, size_t errlen);

/** Same as conf_load() on a buffer; `name` stands in for the path in errors. */
int conf_load_buf(const char *name, const char *buf, size_t len,
		  struct conf *out, char *err, size_t errlen);

/** Fill the defaults every loaded configuration starts from. */
void conf_defaults(struct conf *c);

/** Clear every key in c (explicit_bzero); call once the SAs are installed. */
void conf_wipe(struct conf *c);

/** Index of the interface whose connected subnet holds addr, or -1. */
int conf_iface_for_addr(const struct conf *c, uint32_t addr);

/**
 * Index of the interface whose connected IPv6 subnet (address6) holds addr
 * (network order), or -1. Link-local addresses are on no subnet: -1.
 */
int conf_iface_for_addr6(const struct conf *c, const uint8_t addr[16]);

#endif /* ESPGW_CONF_H */
