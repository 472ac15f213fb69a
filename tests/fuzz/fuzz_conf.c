/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the configuration loader: any bytes go through
 * conf_load_buf(), which must either load them or explain why not, without
 * crashing, leaking (LSan) or hitting undefined behaviour. Seeds live in
 * tests/fuzz/corpus/conf/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/conf/conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct conf c;   /* ~45 KiB: keep it off the fuzzer's stack */
	char err[CONF_ERR_MAX];
	size_t n;
	int rc;

	rc = conf_load_buf("fuzz.yaml", (const char *)data, size, &c, err, sizeof(err));
	n = strnlen(err, sizeof(err));
	/* every failure explains itself, terminated, with the name in front */
	if (rc != 0 && (n == 0 || n == sizeof(err) || strncmp(err, "fuzz.yaml:", 10) != 0))
		abort();
	if (rc == 0 && (c.n_ifaces == 0 || c.n_ifaces > CONF_IFACE_MAX ||
			c.n_routes > CONF_ROUTE_MAX || c.n_neighs > CONF_NEIGH_MAX))
		abort();
	return 0;
}
