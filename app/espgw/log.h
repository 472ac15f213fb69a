/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * espgw's log type on DPDK's logging. Never on a worker's hot path.
 */
#ifndef ESPGW_LOG_H
#define ESPGW_LOG_H

#include <rte_log.h>

extern int espgw_logtype;

#define GW_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, espgw_logtype, "espgw: " fmt "\n", ## __VA_ARGS__)

#endif /* ESPGW_LOG_H */
