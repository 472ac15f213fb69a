/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ct_memeq: the one place tags are compared. Kept out of line, in its own
 * file, so the compiler never sees a caller and turns it into memcmp.
 */
#include <stdint.h>

#include "lib/crypto/ct.h"

bool ct_memeq(const void *a, const void *b, size_t n)
{
	/* volatile loads: no early exit, no vectorised compare-and-branch */
	const volatile uint8_t *x = a;
	const volatile uint8_t *y = b;
	uint8_t d = 0;
	size_t i;

	for (i = 0; i < n; i++)
		d |= x[i] ^ y[i];
	/* 1 when d == 0, computed without a branch on the secret-derived d */
	return (bool)(1 & ((uint32_t)(d - 1) >> 8));
}
