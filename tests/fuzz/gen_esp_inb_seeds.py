#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Seed corpus of fuzz_esp_inb, from the scapy vectors (tunnel and transport) in
# tests/unit/esp_vectors.h: the ESP part of each vector behind the target's
# selector byte (bit 0 engine, bits 1-3 vector index, bit 4 seal mode,
# bit 5 transport, bit 6 transport with a 24-byte IPv4 header, bit 7 IPv6
# outer header).
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
# transport (selector bit 5, bit 6: 24-byte IPv4 header): for each of the 8
# key/flag combinations the first esp_trs_vectors[] entry, as the target's
# SA; its ESP part as received, and sealed with the plain payload and its
# protocol as next header
arr = {m.group(1): bytes(int(x, 16) for x in m.group(2).split(','))
       for m in re.finditer(r'(t\d+_\w+)\[\d+\] = \{([^}]*)\}', src)}
trs = re.findall(r'\{ (16|32), (0|1), (0|1), (\d+), \{[^}]*\}, 0x[0-9a-f]+, '
                 r'UINT64_C\(0x[0-9a-f]+\), t\d+_key, (t\d+_plain), sizeof\(\w+\), '
                 r'(t\d+_esp), sizeof\(\w+\), (t\d+_\w+), ', src)
assert len(trs) == 24
for i, (kl, natt, esn) in enumerate(rows):
    kl_, n_, e_, proto, plain, esp_name, rx = next(
        r for r in trs if r[:3] == (kl, natt, esn))
    rxb, pl = arr[rx], arr[plain]
    hl, phl = (rxb[0] & 15) * 4, (pl[0] & 15) * 4
    esp = rxb[hl + (8 if natt == '1' else 0):]
    payload = pl[phl:]
    pad = (-(8 + len(payload) + 2)) % 4
    body = esp[:16] + payload + bytes(range(1, pad + 1)) + \
        bytes([pad, int(proto)]) + bytes(16)
    opt = 0x40 if i & 1 else 0
    for e, name in enumerate(('ipsec_mb', 'openssl')):
        sel = 0x20 | opt | (i << 1) | e
        with open(f'tests/fuzz/corpus/esp_inb/trs{i}_{name}.bin', 'wb') as f:
            f.write(bytes([sel]) + esp)
        with open(f'tests/fuzz/corpus/esp_inb/trs{i}_{name}_seal.bin', 'wb') as f:
            f.write(bytes([sel | 0x10]) + body)
# IPv6 (selector bit 7: the SA has an IPv6 outer header). Tunnel: for each
# of the 8 key/flag combinations the first esp6_vectors[] entry with an IPv6
# outer header (IPv4 inner) as the SA; its ESP part, and sealed with its
# IPv4 inner (next header 4) and with an IPv6 inner (41) of another vector.
# v6in4: the IPv4-outer tunnel SAs sealed with an IPv6 inner packet.
# Transport (bits 5 and 7): the first esp_trs6_vectors[] entry, as trs.
w_arr = {m.group(1): bytes(int(x, 16) for x in m.group(2).split(','))
         for m in re.finditer(r'(w\d+_\w+)\[\d+\] = \{([^}]*)\}', src)}
w_rows = re.findall(r'\{ (16|32), (0|1), (0|1), (0|1), (0|1), (\d+), \{[^}]*\}, '
                    r'0x[0-9a-f]+, UINT64_C\(0x[0-9a-f]+\), (w\d+)_key', src)
assert len(w_rows) == 24
inner6 = next(w_arr[r[6] + '_inner'] for r in w_rows if r[4] == '1')


def sealed(esp16, pt, nh):
    pad = (-(8 + len(pt) + 2)) % 4
    return esp16 + pt + bytes(range(1, pad + 1)) + bytes([pad, nh]) + bytes(16)


for i, (kl, natt, esn) in enumerate(rows):
    w = next(r for r in w_rows if r[:3] == (kl, natt, esn) and r[3] == '1')
    esp = w_arr[w[6] + '_outer'][40 + (8 if natt == '1' else 0):]
    v4esp = outer[i][20 + (8 if natt == '1' else 0):]
    for e, name in enumerate(('ipsec_mb', 'openssl')):
        sel = 0x80 | (i << 1) | e
        d = 'tests/fuzz/corpus/esp_inb/'
        with open(f'{d}vec6{i}_{name}.bin', 'wb') as f:
            f.write(bytes([sel]) + esp)
        with open(f'{d}vec6{i}_{name}_seal.bin', 'wb') as f:
            f.write(bytes([sel | 0x10]) +
                    sealed(esp[:16], w_arr[w[6] + '_inner'], 4 if w[4] == '0' else 41))
        with open(f'{d}vec6{i}_{name}_seal6.bin', 'wb') as f:
            f.write(bytes([sel | 0x10]) + sealed(esp[:16], inner6, 41))
        with open(f'{d}v6in4{i}_{name}_seal.bin', 'wb') as f:
            f.write(bytes([0x10 | (i << 1) | e]) + sealed(v4esp[:16], inner6, 41))
u_arr = {m.group(1): bytes(int(x, 16) for x in m.group(2).split(','))
         for m in re.finditer(r'(u\d+_\w+)\[\d+\] = \{([^}]*)\}', src)}
trs6 = re.findall(r'\{ (16|32), (0|1), (0|1), (\d+), \{[^}]*\}, 0x[0-9a-f]+, '
                  r'UINT64_C\(0x[0-9a-f]+\), u\d+_key, (u\d+_plain), sizeof\(\w+\), '
                  r'(u\d+_esp), sizeof\(\w+\), (u\d+_\w+), ', src)
assert len(trs6) == 24
for i, (kl, natt, esn) in enumerate(rows):
    kl_, n_, e_, proto, plain, esp_name, rx = next(
        r for r in trs6 if r[:3] == (kl, natt, esn))
    esp = u_arr[rx][40 + (8 if natt == '1' else 0):]
    body = sealed(esp[:16], u_arr[plain][40:], int(proto))
    for e, name in enumerate(('ipsec_mb', 'openssl')):
        sel = 0xA0 | (i << 1) | e
        with open(f'tests/fuzz/corpus/esp_inb/trs6{i}_{name}.bin', 'wb') as f:
            f.write(bytes([sel]) + esp)
        with open(f'tests/fuzz/corpus/esp_inb/trs6{i}_{name}_seal.bin', 'wb') as f:
            f.write(bytes([sel | 0x10]) + body)
