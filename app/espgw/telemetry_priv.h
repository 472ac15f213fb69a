/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the telemetry command files share. rte_telemetry_register_cmd()
 * passes handlers no context pointer (22.11), so the one gateway of this
 * process is kept in tel_gw for them.
 */
#ifndef ESPGW_TELEMETRY_PRIV_H
#define ESPGW_TELEMETRY_PRIV_H

#include <stddef.h>
#include <stdint.h>

struct gw;

extern struct gw *tel_gw;

/* Dotted quad of a host-order IPv4 address, in buf. */
const char *tel_ipv4_str(uint32_t a, char *buf, size_t len);

/* telemetry_sa.c: /espgw/sa/list, /espgw/sa/info; 0 or -errno */
int telemetry_sa_register(void);

#endif /* ESPGW_TELEMETRY_PRIV_H */
