/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Constant-time comparison for tags, ICVs and MACs (RFC 5116 §2.2: a
 * decryption failure must not reveal where the tag differed). Any lcore.
 */
#ifndef ESPGW_CT_H
#define ESPGW_CT_H

#include <stdbool.h>
#include <stddef.h>

/** true when the n bytes at a and b are equal; time depends only on n. */
bool ct_memeq(const void *a, const void *b, size_t n);

#endif /* ESPGW_CT_H */
