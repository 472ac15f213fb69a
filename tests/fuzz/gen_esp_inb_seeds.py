#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Seed corpus of fuzz_esp_inb, from the scapy vectors in
# tests/unit/esp_vectors.h: the ESP part of each vector behind the target's
# selector byte (bit 0 engine, bits 1-3 vector index, bit 4 seal mode).
# Run from the repository root: python3 tests/fuzz/gen_esp_inb_seeds.py
import re, sys
src = open('tests/unit/esp_vectors.h').read()
outer = {int(m.group(1)): bytes(int(x, 16) for x in m.group(2).split(','))
         for m in re.finditer(r'v(\d)_outer\[\d+\] = \{([^}]*)\}', src)}
rows = re.findall(r'\{ (16|32), (0|1), (0|1), \{', src)
assert len(rows) == 8 and len(outer) == 8
for i, (kl, natt, esn) in enumerate(rows):
    esp = outer[i][20 + (8 if natt == '1' else 0):]
    for e, name in enumerate(('ipsec_mb', 'openssl')):
        with open(f'tests/fuzz/corpus/esp_inb/vec{i}_{name}.bin', 'wb') as f:
            f.write(bytes([(i << 1) | e]) + esp)
# sealed: ESP header + IV as the vector's, plaintext = inner | pad | 4, ICV room
inner = {int(m.group(1)): bytes(int(x, 16) for x in m.group(2).split(','))
         for m in re.finditer(r'v(\d)_inner\[\d+\] = \{([^}]*)\}', src)}
for i, (kl, natt, esn) in enumerate(rows):
    esp = outer[i][20 + (8 if natt == '1' else 0):]
    pt = inner[i]
    pad = (-(8 + len(pt) + 2)) % 4
    body = esp[:16] + pt + bytes(range(1, pad + 1)) + bytes([pad, 4]) + bytes(16)
    for e, name in enumerate(('ipsec_mb', 'openssl')):
        with open(f'tests/fuzz/corpus/esp_inb/vec{i}_{name}_seal.bin', 'wb') as f:
            f.write(bytes([0x10 | (i << 1) | e]) + body)
