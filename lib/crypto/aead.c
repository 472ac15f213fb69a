/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The AEAD engine registry and key wiping. Engines live in drivers/crypto/
 * and export one ops table each (lib/crypto/aead_priv.h); the configuration
 * picks one by name on the control lcore. Workers only see the table.
 */
#include <string.h>

#include "lib/crypto/aead.h"
#include "lib/crypto/aead_priv.h"

/*
 * Fastest first: a caller with no preference takes aead_engines[0]. OpenSSL
 * stays last: it is the reference the tests compare every engine with.
 * The DPDK cryptodev engine (drivers/crypto/cryptodev: aesni_gcm, aesni_mb,
 * openssl, hardware PMDs) needs setup() with a device first, and has one
 * queue pair per lcore context; the burst ops are synchronous, so it
 * enqueues a burst and polls until it is back (an asynchronous split would
 * be a change to aead.h). It follows ipsec-mb: in-process on the same
 * CPU, the cryptodev layer only adds cost.
 */
const struct aead_engine *const aead_engines[] = {
	&aead_engine_ipsec_mb,
	&aead_engine_cryptodev,
	&aead_engine_openssl,
	NULL,
};

const struct aead_engine *aead_engine_find(const char *name)
{
	const struct aead_engine *const *e;

	if (name == NULL)
		return NULL;
	for (e = aead_engines; *e != NULL; e++)
		if (strcmp((*e)->name, name) == 0)
			return *e;
	return NULL;
}

void aead_key_wipe(const struct aead_engine *eng, struct aead_key *k)
{
	if (k == NULL)
		return;
	if (eng != NULL && eng->key_free != NULL && k->alg != 0)
		eng->key_free(k);
	/* all of it: alg 0 also makes the engines refuse the key afterwards */
	explicit_bzero(k, sizeof(*k));
}
