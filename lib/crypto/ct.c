/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ct_memeq: the one place tags are compared, through OpenSSL's
 * CRYPTO_memcmp(): constant time, in assembly on x86-64 (two 64-bit words
 * for a 16-byte tag), so no compiler can turn it into an early-exit memcmp.
 */
#include <stdint.h>

#include <openssl/crypto.h>

#include "lib/crypto/ct.h"

bool ct_memeq(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}
