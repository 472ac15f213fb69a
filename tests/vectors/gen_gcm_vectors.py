#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Turn AES-GCM known-answer files into gcm_vectors.h for tests/unit/test_crypto.c.

Keeps what ESP uses (RFC 4106): 96-bit IV, 128-bit tag, 128- or 256-bit key.
  --wycheproof  Wycheproof aes_gcm_test.json (valid / invalid / acceptable)
  --nist-dir    NIST CAVP gcmEncryptExtIV{128,256}.rsp, gcmDecrypt{128,256}.rsp
                (Debian python3-cryptography-vectors)
  --esp         tests/vectors/mcgrew_gcm_esp.txt (draft-mcgrew-gcm-test-01)
A missing input does not stop the build: the header then defines
GCM_VECTORS_MISSING with what is missing and how to get it, and the test
fails with that text. A malformed input does stop it (exit 1).
Standard library only.
"""
import argparse
import json
import os
import sys

IV_BITS, TAG_BITS, KEY_BITS = 96, 128, (128, 256)
VALID, INVALID, ACCEPTABLE = 'GCM_VALID', 'GCM_INVALID', 'GCM_ACCEPTABLE'


class Bad(Exception):
    pass


def unhex(s, what):
    try:
        return bytes.fromhex(s)
    except ValueError as e:
        raise Bad(f'{what}: not hex: {e}') from None


def vec(src, ident, key, iv, aad, pt, ct, tag, result):
    if len(key) * 8 not in KEY_BITS or len(iv) * 8 != IV_BITS:
        raise Bad(f'{src} {ident}: key {len(key)} / iv {len(iv)} bytes')
    if len(tag) * 8 != TAG_BITS or (pt is not None and len(pt) != len(ct)):
        raise Bad(f'{src} {ident}: tag or length mismatch')
    return dict(src=src, id=ident, key=key, iv=iv, aad=aad, pt=pt, ct=ct,
                tag=tag, result=result)


def load_wycheproof(path):
    with open(path, encoding='utf-8') as f:
        doc = json.load(f)
    if doc.get('algorithm') != 'AES-GCM':
        raise Bad(f'{path}: algorithm {doc.get("algorithm")!r}, want AES-GCM')
    out = []
    for g in doc['testGroups']:
        if (g['ivSize'], g['tagSize']) != (IV_BITS, TAG_BITS) or g['keySize'] not in KEY_BITS:
            continue
        for t in g['tests']:
            res = {'valid': VALID, 'invalid': INVALID,
                   'acceptable': ACCEPTABLE}.get(t['result'])
            if res is None:
                raise Bad(f'{path} tcId {t["tcId"]}: result {t["result"]!r}')
            what = f'wycheproof tcId {t["tcId"]}'
            out.append(vec('wycheproof', t['tcId'], unhex(t['key'], what),
                           unhex(t['iv'], what), unhex(t['aad'], what),
                           unhex(t['msg'], what), unhex(t['ct'], what),
                           unhex(t['tag'], what), res))
    return out


def load_rsp(path, decrypt):
    """CAVP .rsp: [Keylen = ..] headers, then blocks of 'Name = hex' lines;
    in decrypt files a block holds either PT or the word FAIL."""
    name = os.path.basename(path)
    out, hdr, cur = [], {}, None

    def flush():
        if cur is None:
            return
        if (hdr.get('IVlen'), hdr.get('Taglen')) != (IV_BITS, TAG_BITS) or \
           hdr.get('Keylen') not in KEY_BITS:
            return
        what = f'{name} {dict(hdr)} Count {cur.get("Count")}'
        try:
            fail = cur.get('FAIL', False)
            pt = None if fail else unhex(cur['PT'], what)
            out.append(vec(name, int(cur['Count']), unhex(cur['Key'], what),
                           unhex(cur['IV'], what), unhex(cur['AAD'], what), pt,
                           unhex(cur['CT'], what), unhex(cur['Tag'], what),
                           INVALID if fail else VALID))
        except KeyError as e:
            raise Bad(f'{what}: no {e}') from None
        if fail and not decrypt:
            raise Bad(f'{what}: FAIL in an encrypt file')

    with open(path, encoding='ascii') as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            if line.startswith('['):
                flush()
                cur = None
                k, _, v = line.strip('[]').partition('=')
                hdr[k.strip()] = int(v)
            elif line == 'FAIL':
                cur['FAIL'] = True
            else:
                k, _, v = line.partition('=')
                k, v = k.strip(), v.strip()
                if k == 'Count':
                    flush()
                    cur = {}
                cur[k] = v
    flush()
    return out


def load_esp(path):
    """Draft-style 'field = hex' records; indented lines continue the field."""
    recs, cur, field = [], None, None
    with open(path, encoding='ascii') as f:
        for line in f:
            if not line.strip() or line.startswith('#'):
                continue
            if line[0] in ' \t':
                cur[field] += line.strip()
                continue
            field, _, v = line.partition('=')
            field, v = field.strip(), v.strip()
            if field == 'case':
                cur = {}
                recs.append(cur)
            cur[field] = v
    out = []
    for r in recs:
        what = f'{path} case {r["case"]}'
        b = {k: unhex(v, f'{what} {k}') for k, v in r.items() if k != 'case'}
        ct, tag = b['ctext_icv'][:-16], b['ctext_icv'][-16:]
        # RFC 4106 section 5: AAD is SPI | (64-bit ESN or 32-bit) sequence
        if b['aad'] != b['spi'] + b['seq'] or len(b['seq']) not in (4, 8):
            raise Bad(f'{what}: aad is not spi | seq')
        # RFC 4303 + RFC 4106 section 3.1: spi | seq (low 32) | IV | ct | ICV
        if b['packet'] != b['spi'] + b['seq'][-4:] + b['nonce'][4:] + b['ctext_icv']:
            raise Bad(f'{what}: packet is not spi | seq | iv | ciphertext | icv')
        out.append(vec('draft-mcgrew-gcm-test-01', int(r['case']), b['key'],
                       b['nonce'], b['aad'], b['plaintext'], ct, tag, VALID))
    return out


def c_bytes(b):
    if b is None:
        return 'NULL'
    return '(const uint8_t *)"' + ''.join(f'\\x{x:02x}' for x in b) + '"'


def emit(f, name, vs):
    f.write(f'static const struct gcm_vec {name}[] = {{\n')
    for v in vs:
        f.write(f'\t{{ "{v["src"]}", {v["id"]}, {v["result"]}, {len(v["key"])}, '
                f'{len(v["aad"])}, {len(v["ct"])},\n'
                f'\t  {c_bytes(v["key"])},\n\t  {c_bytes(v["iv"])},\n'
                f'\t  {c_bytes(v["aad"])},\n\t  {c_bytes(v["pt"])},\n'
                f'\t  {c_bytes(v["ct"])},\n\t  {c_bytes(v["tag"])} }},\n')
    if not vs:
        f.write('\t{ 0 },\n')  # C has no empty arrays; the count says 0
    f.write(f'}};\nstatic const size_t {name}_n = {len(vs)};\n\n')


HEAD = """\
/* SPDX-License-Identifier: BSD-3-Clause */
/* Generated by tests/vectors/gen_gcm_vectors.py; do not edit. AES-GCM with
 * 96-bit IV and 128-bit tag (RFC 4106), 128- and 256-bit keys. */
#ifndef GCM_VECTORS_H
#define GCM_VECTORS_H

#include <stddef.h>
#include <stdint.h>

enum gcm_result {
	GCM_VALID,       /* encrypts to ct|tag, decrypts to pt */
	GCM_INVALID,     /* decrypt must fail */
	GCM_ACCEPTABLE,  /* Wycheproof: may fail; if it passes, it must match */
};

struct gcm_vec {
	const char *src;
	uint32_t id;                /* tcId, Count, or the draft's case number */
	enum gcm_result result;
	uint32_t key_len, aad_len, len;
	const uint8_t *key, *iv, *aad;
	const uint8_t *pt;          /* NULL when result is GCM_INVALID (CAVP) */
	const uint8_t *ct, *tag;
};

"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--wycheproof', required=True)
    ap.add_argument('--nist-dir', required=True)
    ap.add_argument('--esp', required=True)
    ap.add_argument('--output', required=True)
    a = ap.parse_args()

    missing = []
    sets = {}

    def need(path, hint):
        if os.path.isfile(path):
            return True
        missing.append(f'{path} not found ({hint})')
        return False

    try:
        wp_hint = 'the shared vectors: clone ../shared beside the repository'
        sets['gcm_vec_wycheproof'] = (load_wycheproof(a.wycheproof)
                                      if need(a.wycheproof, wp_hint) else [])
        nist_hint = 'apt-get install python3-cryptography-vectors (tests/deps.sh)'
        for key, files, dec in (('gcm_vec_nist_enc', ('gcmEncryptExtIV128.rsp',
                                                      'gcmEncryptExtIV256.rsp'), False),
                                ('gcm_vec_nist_dec', ('gcmDecrypt128.rsp',
                                                      'gcmDecrypt256.rsp'), True)):
            sets[key] = []
            for fn in files:
                p = os.path.join(a.nist_dir, fn)
                if need(p, nist_hint):
                    sets[key] += load_rsp(p, dec)
        sets['gcm_vec_esp'] = (load_esp(a.esp)
                               if need(a.esp, 'part of the repository') else [])
    except (Bad, KeyError, ValueError) as e:
        print(f'gen_gcm_vectors: {e}', file=sys.stderr)
        return 1

    tmp = a.output + '.tmp'
    with open(tmp, 'w', encoding='ascii') as f:
        f.write(HEAD)
        f.write('/* Sources and counts (valid / invalid / acceptable):\n')
        for name, vs in sets.items():
            cnt = [sum(v['result'] == r for v in vs) for r in (VALID, INVALID, ACCEPTABLE)]
            f.write(f' *   {name}: {len(vs)} ({cnt[0]} / {cnt[1]} / {cnt[2]})\n')
        f.write(' */\n')
        if missing:
            missing.append('then run meson setup --reconfigure on the build directory')
            msg = '; '.join(missing).replace('\\', '\\\\').replace('"', '\\"')
            f.write(f'#define GCM_VECTORS_MISSING "{msg}"\n\n')
            print(f'gen_gcm_vectors: WARNING: {msg}; test_crypto will fail',
                  file=sys.stderr)
        for name, vs in sets.items():
            emit(f, name, vs)
        f.write('#endif /* GCM_VECTORS_H */\n')
    os.replace(tmp, a.output)
    return 0


if __name__ == '__main__':
    sys.exit(main())
