#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write esp_vectors.h: ESP AES-GCM-16 packets made by scapy, an
implementation independent of ours, for tests/unit/test_esp.c: tunnel mode
(esp_vectors[]), transport mode (esp_trs_vectors[], see trs_case()), and
IPv6: tunnel v4-in-v6, v6-in-v4, v6-in-v6 (esp6_vectors[], see case6())
and transport over IPv6 (esp_trs6_vectors[], see trs6_case()).

Run from the repository root with Debian's python3-scapy:
    /usr/bin/python3 tests/unit/gen_esp_vectors.py > tests/unit/esp_vectors.h

Each case: GCM-128 or -256, raw ESP (RFC 4303) or ESP in UDP (RFC 3948),
ESN off or on (RFC 4303 Appendix A, AAD of RFC 4106 §5). scapy's explicit
IV is pinned to the 64-bit sequence number, big-endian, which is what
lib/esp sends (RFC 4106 §3.1 allows any value that does not repeat), and
its tunnel header to our outer fields (id = low 16 bits of the sequence
number, TTL 64, DF clear, TOS of the inner packet), so the whole outer
packet must match byte for byte, but for one field: scapy 2.5 writes the
NAT-T UDP length as 8 (it sizes the UDP header before appending ESP), so
the test checks that field itself. Keys are fixed, not secret.
"""
import struct
import sys

from scapy.layers.inet import ICMP, IP, TCP, UDP
from scapy.layers.inet6 import ICMPv6EchoRequest, IPv6, in6_chksum
from scapy.layers.ipsec import ESP, SecurityAssociation
from scapy.packet import Raw

LOCAL, PEER = "192.0.2.1", "198.51.100.2"


def c_bytes(name, data):
    body = ",".join("0x%02x" % b for b in data)
    return "static const uint8_t %s[%d] = {%s};\n" % (name, len(data), body)


def case(idx, key_len, natt, esn):
    key = bytes((0x10 * idx + i) & 0xFF for i in range(key_len))
    salt = bytes([0xCA, 0xFE, idx, 0x01])
    spi = 0x1000 + idx
    seq64 = (0x1_0000_0000 if esn else 0) + 0x100 + 37 * idx
    tos = 0x28 if idx & 1 else 0
    inner = IP(src="10.1.0.%d" % (5 + idx), dst="10.2.0.7", tos=tos, id=idx,
               ttl=63) / UDP(sport=1000 + idx, dport=2000) / \
        Raw(bytes(range(13 + idx * 5)))
    inner = IP(bytes(inner))
    sa = SecurityAssociation(
        ESP, spi=spi, crypt_algo="AES-GCM", crypt_key=key + salt,
        tunnel_header=IP(src=LOCAL, dst=PEER, id=seq64 & 0xFFFF, ttl=64,
                         flags=0, tos=tos),
        nat_t_header=UDP(sport=4500, dport=4501) if natt else None,
        esn_en=esn, esn=seq64 >> 32)
    out = sa.encrypt(inner, seq_num=seq64 & 0xFFFFFFFF,
                     iv=struct.pack("!Q", seq64))
    # sanity: scapy decrypts its own output (it parses ESP in UDP only
    # towards port 4500, so raw ESP only)
    if not natt:
        assert bytes(sa.decrypt(IP(bytes(out)))) == bytes(inner)
    n = "v%d_" % idx
    text = c_bytes(n + "key", key) + c_bytes(n + "inner", bytes(inner)) + \
        c_bytes(n + "outer", bytes(out))
    entry = ("\t{ %d, %d, %d, {0x%02x, 0x%02x, 0x%02x, 0x%02x}, 0x%x, "
             "UINT64_C(0x%x), %s, %s, sizeof(%s), %s, sizeof(%s) },\n" %
             (key_len, natt, esn, *salt, spi, seq64, n + "key", n + "inner",
              n + "inner", n + "outer", n + "outer"))
    return text, entry


NAT_PUB, NAT_PORT = "203.0.113.5", 31000
TRS_SIZES = (0, 1, 2, 3, 13, 64, 333, 1400)
RTR_ALERT = b"\x94\x04\x00\x00"  # RFC 2113 router alert: makes IHL 6


def trs_plain(k, proto, size, natt):
    """The plain packet of transport case k: ICMP echo, UDP or TCP, some
    with a 4-byte IP option, some UDP without checksum (0)."""
    data = Raw(bytes((k * 11 + i) & 0xFF for i in range(size)))
    if proto == "icmp":
        l4 = ICMP(type=8, id=0x4242, seq=k) / data
    elif proto == "udp":
        l4 = UDP(sport=5000 + k, dport=53) / data
        if k % 9 == 1:   # raw and NAT-T cases without checksum
            l4.chksum = 0
    else:
        l4 = TCP(sport=40000 + k, dport=179, seq=0x01020304 * k, ack=7,
                 flags="PA", window=512) / data
    ip = IP(src=LOCAL, dst=PEER, id=0x300 + k, ttl=60 + k % 5,
            flags="DF" if k & 1 else 0, tos=0x10 * (k % 3),
            options=[RTR_ALERT] if k % 5 == 2 else [])
    return IP(bytes(ip / l4))


def trs_case(k, key_len, esn, natt, proto):
    """Transport mode (RFC 4303 §3.1.1), IPv4 LOCAL -> PEER. Outbound: our
    encryption of plain must be scapy's (transport, nat_t_header for NAT-T)
    byte for byte; scapy 2.5 writes the NAT-T UDP length as 8, patched here
    to RFC 768's value (the UDP checksum is 0, so nothing else depends on
    it). Inbound: rx is that packet as received, with NAT-T after a NAT
    rewrote the source to NAT_PUB:NAT_PORT (IP checksum fixed by scapy);
    dec is what we must make of it: plain, but with NAT-T the source
    NAT_PUB and the TCP/UDP checksum scapy computes over that header (a UDP
    checksum of 0 stays 0), RFC 3948 §3.1.2."""
    idx = 16 + k
    key = bytes((0x10 * idx + 3 * i) & 0xFF for i in range(key_len))
    salt = bytes([0xBE, 0xEF, k, 0x02])
    spi = 0x2000 + k
    seq64 = (0x2_0000_0000 if esn else 0) + 0x200 + 29 * k
    size = TRS_SIZES[k % len(TRS_SIZES)]
    plain = trs_plain(k, proto, size, natt)
    sa = SecurityAssociation(
        ESP, spi=spi, crypt_algo="AES-GCM", crypt_key=key + salt,
        nat_t_header=UDP(sport=4500, dport=4501) if natt else None,
        esn_en=esn, esn=seq64 >> 32)
    out = bytearray(bytes(sa.encrypt(plain, seq_num=seq64 & 0xFFFFFFFF,
                                     iv=struct.pack("!Q", seq64))))
    hl = (out[0] & 15) * 4
    raw_sa = SecurityAssociation(ESP, spi=spi, crypt_algo="AES-GCM",
                                 crypt_key=key + salt, esn_en=esn,
                                 esn=seq64 >> 32)
    if natt:
        assert struct.unpack("!H", out[hl + 4:hl + 6])[0] == 8
        out[hl + 4:hl + 6] = struct.pack("!H", len(out) - hl)
        # sanity: without the UDP header it is raw ESP scapy decrypts
        hdr = bytearray(out[:hl])
        hdr[9] = 50
        hdr[2:4] = struct.pack("!H", len(out) - 8)
        ip = IP(bytes(hdr) + bytes(out[hl + 8:]))
        del ip.chksum
        assert bytes(raw_sa.decrypt(IP(bytes(ip)))) == bytes(plain)
        rx = IP(bytes(out))
        rx.src = NAT_PUB
        rx[UDP].sport = NAT_PORT
        del rx.chksum
        rx = bytes(rx)
        dec = IP(bytes(plain))
        dec.src = NAT_PUB
        del dec.chksum
        if proto == "tcp":
            del dec[TCP].chksum
        elif proto == "udp" and dec[UDP].chksum != 0:
            del dec[UDP].chksum
        dec = bytes(dec)
    else:
        assert bytes(raw_sa.decrypt(IP(bytes(out)))) == bytes(plain)
        rx, dec = bytes(out), bytes(plain)
    n = "t%d_" % k
    text = c_bytes(n + "key", key) + c_bytes(n + "plain", bytes(plain)) + \
        c_bytes(n + "esp", bytes(out))
    names = {"rx": n + "esp", "dec": n + "plain"}
    if natt:
        text += c_bytes(n + "rx", rx) + c_bytes(n + "dec", dec)
        names = {"rx": n + "rx", "dec": n + "dec"}
    entry = ("\t{ %d, %d, %d, %d, {0x%02x, 0x%02x, 0x%02x, 0x%02x}, 0x%x, "
             "UINT64_C(0x%x), %s, %s, sizeof(%s), %s, sizeof(%s), "
             "%s, sizeof(%s), %s, sizeof(%s) },\n" %
             (key_len, natt, esn, plain.proto, *salt, spi, seq64, n + "key",
              n + "plain", n + "plain", n + "esp", n + "esp",
              names["rx"], names["rx"], names["dec"], names["dec"]))
    return text, entry


LOCAL6, PEER6 = "2001:db8::1", "2001:db8:ffff::2"
NAT_PUB6 = "2001:db8:cafe::5"
INNER6_DST = "2001:db8:2::7"
SIZES6 = (0, 3, 13, 64, 150, 401)


def udp6_fix(out, ohl):
    """scapy 2.5 writes the NAT-T UDP length as 8 over IPv4 (right over
    IPv6, where it builds the header with ESP behind) and, over IPv6 too,
    the checksum 0 (RFC 3948's IPv4 rule). Set the length (RFC 768) and
    over IPv6 the checksum scapy computes (in6_chksum: RFC 8200 §8.1)."""
    assert struct.unpack("!H", out[ohl + 4:ohl + 6])[0] == \
        (len(out) - ohl if ohl == 40 else 8)
    assert out[ohl + 6:ohl + 8] == b"\0\0"
    out[ohl + 4:ohl + 6] = struct.pack("!H", len(out) - ohl)
    if ohl == 40:
        out[ohl + 6:ohl + 8] = b"\0\0"
        ck = in6_chksum(17, IPv6(bytes(out)), bytes(out[ohl:]))
        out[ohl + 6:ohl + 8] = struct.pack("!H", ck or 0xFFFF)


def strip_udp(out, ohl):
    """The same ESP packet without its UDP header (raw ESP), which scapy
    decrypts (it parses ESP in UDP only towards port 4500)."""
    hdr = bytearray(out[:ohl])
    if ohl == 40:
        hdr[6] = 50
        hdr[4:6] = struct.pack("!H", len(out) - 8 - 40)
        return IPv6(bytes(hdr) + bytes(out[ohl + 8:]))
    hdr[9] = 50
    hdr[2:4] = struct.pack("!H", len(out) - 8)
    ip = IP(bytes(hdr) + bytes(out[ohl + 8:]))
    del ip.chksum
    return IP(bytes(ip))


def l4_of(k, proto, size, v6):
    data = Raw(bytes((k * 7 + i) & 0xFF for i in range(size)))
    if proto == "icmp":
        if v6:
            return ICMPv6EchoRequest(id=0x4242, seq=k, data=bytes(data))
        return ICMP(type=8, id=0x4242, seq=k) / data
    if proto == "udp":
        return UDP(sport=5000 + k, dport=53) / data
    return TCP(sport=40000 + k, dport=179, seq=0x01020304 * k, ack=7,
               flags="PA", window=512) / data


def case6(idx, kind, key_len, natt, esn, proto):
    """Tunnel mode with IPv6 (kind "4in6", "6in4", "6in6"), LOCAL(6) ->
    PEER(6), NAT-T 4500 -> 4501. The outer header as lib/esp makes it: IPv6
    traffic class = the inner TOS or traffic class, flow label 0, hop limit
    64; IPv4 as case(). NAT-T UDP fixed by udp6_fix(), so that the whole
    packet must match."""
    key = bytes((0x0B * idx + 5 * i) & 0xFF for i in range(key_len))
    salt = bytes([0xC6, 0x06, idx, 0x03])
    spi = 0x6000 + idx
    seq64 = (0x3_0000_0000 if esn else 0) + 0x300 + 41 * idx
    tos = (0x28, 0, 0xB9, 0x02)[idx % 4]
    size = SIZES6[idx % len(SIZES6)]
    inner6 = kind != "4in6"
    outer6 = kind != "6in4"
    l4 = l4_of(idx, proto, size, inner6)
    if inner6:
        inner = IPv6(src="2001:db8:1::%x" % (5 + idx), dst=INNER6_DST, tc=tos,
                     fl=(0x12345 * idx) & 0xFFFFF, hlim=63) / l4
    else:
        inner = IP(src="10.1.0.%d" % (5 + idx), dst="10.2.0.7", tos=tos,
                   id=idx, ttl=63) / l4
    inner = inner.__class__(bytes(inner))
    if outer6:
        th = IPv6(src=LOCAL6, dst=PEER6, tc=tos, fl=0, hlim=64)
    else:
        th = IP(src=LOCAL, dst=PEER, id=seq64 & 0xFFFF, ttl=64, flags=0,
                tos=tos)
    sa = SecurityAssociation(
        ESP, spi=spi, crypt_algo="AES-GCM", crypt_key=key + salt,
        tunnel_header=th,
        nat_t_header=UDP(sport=4500, dport=4501) if natt else None,
        esn_en=esn, esn=seq64 >> 32)
    out = bytearray(bytes(sa.encrypt(inner, seq_num=seq64 & 0xFFFFFFFF,
                                     iv=struct.pack("!Q", seq64))))
    ohl = 40 if outer6 else 20
    raw_sa = SecurityAssociation(ESP, spi=spi, crypt_algo="AES-GCM",
                                 crypt_key=key + salt, tunnel_header=th,
                                 esn_en=esn, esn=seq64 >> 32)
    if natt:
        udp6_fix(out, ohl)
        raw = strip_udp(out, ohl)
    else:
        raw = (IPv6 if outer6 else IP)(bytes(out))
    assert bytes(raw_sa.decrypt(raw)) == bytes(inner)
    n = "w%d_" % idx
    text = c_bytes(n + "key", key) + c_bytes(n + "inner", bytes(inner)) + \
        c_bytes(n + "outer", bytes(out))
    nh = {"icmp": 58 if inner6 else 1, "udp": 17, "tcp": 6}[proto]
    entry = ("\t{ %d, %d, %d, %d, %d, %d, {0x%02x, 0x%02x, 0x%02x, 0x%02x}, "
             "0x%x, UINT64_C(0x%x), %s, %s, sizeof(%s), %s, sizeof(%s) },\n" %
             (key_len, natt, esn, outer6, inner6, nh, *salt, spi, seq64,
              n + "key", n + "inner", n + "inner", n + "outer", n + "outer"))
    return text, entry


def trs6_case(k, key_len, esn, natt, proto):
    """Transport mode over IPv6 (RFC 4303 §3.1.1), LOCAL6 -> PEER6, as
    trs_case(): plain -> esp outbound (NAT-T UDP fixed by udp6_fix()); rx
    -> dec inbound, with NAT-T after a NAT66 rewrote the source to
    NAT_PUB6:NAT_PORT (outer UDP checksum recomputed), dec then with source
    NAT_PUB6 and the TCP, UDP or ICMPv6 checksum scapy computes over it (a
    UDP checksum of 0, not valid over IPv6, computed too)."""
    idx = 48 + k
    key = bytes((0x0D * idx + 7 * i) & 0xFF for i in range(key_len))
    salt = bytes([0x7E, 0x06, k, 0x04])
    spi = 0x7000 + k
    seq64 = (0x4_0000_0000 if esn else 0) + 0x400 + 31 * k
    size = TRS_SIZES[k % len(TRS_SIZES)]
    l4 = l4_of(k, proto, size, True)
    if proto == "udp" and k % 9 == 1:
        l4.chksum = 0
    plain = IPv6(src=LOCAL6, dst=PEER6, tc=0x10 * (k % 3),
                 fl=(0x1111 * k) & 0xFFFFF, hlim=60 + k % 5) / l4
    plain = IPv6(bytes(plain))
    sa = SecurityAssociation(
        ESP, spi=spi, crypt_algo="AES-GCM", crypt_key=key + salt,
        nat_t_header=UDP(sport=4500, dport=4501) if natt else None,
        esn_en=esn, esn=seq64 >> 32)
    out = bytearray(bytes(sa.encrypt(plain, seq_num=seq64 & 0xFFFFFFFF,
                                     iv=struct.pack("!Q", seq64))))
    raw_sa = SecurityAssociation(ESP, spi=spi, crypt_algo="AES-GCM",
                                 crypt_key=key + salt, esn_en=esn,
                                 esn=seq64 >> 32)
    if natt:
        udp6_fix(out, 40)
        assert bytes(raw_sa.decrypt(strip_udp(out, 40))) == bytes(plain)
        rx = bytearray(out)
        rx[8:24] = bytes(IPv6(src=NAT_PUB6))[8:24]
        rx[40:42] = struct.pack("!H", NAT_PORT)
        rx[46:48] = b"\0\0"
        ck = in6_chksum(17, IPv6(bytes(rx)), bytes(rx[40:]))
        rx[46:48] = struct.pack("!H", ck or 0xFFFF)
        rx = bytes(rx)
        dec = IPv6(bytes(plain))
        dec.src = NAT_PUB6
        if proto == "tcp":
            del dec[TCP].chksum
        elif proto == "udp":
            del dec[UDP].chksum
        else:
            del dec[ICMPv6EchoRequest].cksum
        dec = bytes(dec)
    else:
        assert bytes(raw_sa.decrypt(IPv6(bytes(out)))) == bytes(plain)
        rx, dec = bytes(out), bytes(plain)
    n = "u%d_" % k
    text = c_bytes(n + "key", key) + c_bytes(n + "plain", bytes(plain)) + \
        c_bytes(n + "esp", bytes(out))
    names = {"rx": n + "esp", "dec": n + "plain"}
    if natt:
        text += c_bytes(n + "rx", rx) + c_bytes(n + "dec", dec)
        names = {"rx": n + "rx", "dec": n + "dec"}
    nh = {"icmp": 58, "udp": 17, "tcp": 6}[proto]
    entry = ("\t{ %d, %d, %d, %d, {0x%02x, 0x%02x, 0x%02x, 0x%02x}, 0x%x, "
             "UINT64_C(0x%x), %s, %s, sizeof(%s), %s, sizeof(%s), "
             "%s, sizeof(%s), %s, sizeof(%s) },\n" %
             (key_len, natt, esn, nh, *salt, spi, seq64, n + "key",
              n + "plain", n + "plain", n + "esp", n + "esp",
              names["rx"], names["rx"], names["dec"], names["dec"]))
    return text, entry


def main():
    out = [
        "/* SPDX-License-Identifier: BSD-3-Clause */\n",
        "/* Generated by tests/unit/gen_esp_vectors.py with scapy: do not edit.\n",
        " * /usr/bin/python3 tests/unit/gen_esp_vectors.py > tests/unit/esp_vectors.h\n",
        " * ESP tunnel and transport mode, AES-GCM-16 (RFC 4106), %s -> %s,\n" % (LOCAL, PEER),
        " * NAT-T UDP 4500 -> 4501, IV = sequence number (big-endian). */\n",
        "#ifndef ESP_VECTORS_H\n#define ESP_VECTORS_H\n\n#include <stdint.h>\n\n",
    ]
    entries = []
    idx = 0
    for key_len in (16, 32):
        for natt in (0, 1):
            for esn in (0, 1):
                text, entry = case(idx, key_len, natt, esn)
                out.append(text)
                entries.append(entry)
                idx += 1
    out.append("\nstruct esp_vector {\n\tuint32_t key_len, natt, esn;\n"
               "\tuint8_t salt[4];\n\tuint32_t spi;\n\tuint64_t seq;\n"
               "\tconst uint8_t *key, *inner;\n\tuint32_t inner_len;\n"
               "\tconst uint8_t *outer;\n\tuint32_t outer_len;\n};\n\n")
    out.append("static const struct esp_vector esp_vectors[] = {\n")
    out.extend(entries)
    out.append("};\n\n")
    entries = []
    k = 0
    for key_len in (16, 32):
        for esn in (0, 1):
            for natt in (0, 1):
                for proto in ("icmp", "udp", "tcp"):
                    text, entry = trs_case(k, key_len, esn, natt, proto)
                    out.append(text)
                    entries.append(entry)
                    k += 1
    out.append("\n/* Transport mode: plain -> esp is outbound, rx -> dec inbound\n"
               " * (the same as esp -> plain but with NAT-T: source %s:%d\n"
               " * after a NAT, TCP/UDP checksum over it). */\n"
               "struct esp_trs_vector {\n\tuint32_t key_len, natt, esn, proto;\n"
               "\tuint8_t salt[4];\n\tuint32_t spi;\n\tuint64_t seq;\n"
               "\tconst uint8_t *key;\n"
               "\tconst uint8_t *plain;\n\tuint32_t plain_len;\n"
               "\tconst uint8_t *esp;\n\tuint32_t esp_len;\n"
               "\tconst uint8_t *rx;\n\tuint32_t rx_len;\n"
               "\tconst uint8_t *dec;\n\tuint32_t dec_len;\n};\n\n" % (NAT_PUB, NAT_PORT))
    out.append("static const struct esp_trs_vector esp_trs_vectors[] = {\n")
    out.extend(entries)
    out.append("};\n\n")
    entries = []
    idx = 0
    protos = ("udp", "tcp", "icmp")
    for kind in ("4in6", "6in4", "6in6"):
        for key_len in (16, 32):
            for natt in (0, 1):
                for esn in (0, 1):
                    text, entry = case6(idx, kind, key_len, natt, esn,
                                        protos[idx % 3])
                    out.append(text)
                    entries.append(entry)
                    idx += 1
    out.append("\n/* Tunnel mode with IPv6: outer6/inner6 tell the families;\n"
               " * proto is the inner packet's transport protocol. */\n"
               "struct esp6_vector {\n\tuint32_t key_len, natt, esn, outer6, inner6, proto;\n"
               "\tuint8_t salt[4];\n\tuint32_t spi;\n\tuint64_t seq;\n"
               "\tconst uint8_t *key, *inner;\n\tuint32_t inner_len;\n"
               "\tconst uint8_t *outer;\n\tuint32_t outer_len;\n};\n\n")
    out.append("static const struct esp6_vector esp6_vectors[] = {\n")
    out.extend(entries)
    out.append("};\n\n")
    entries = []
    k = 0
    for key_len in (16, 32):
        for esn in (0, 1):
            for natt in (0, 1):
                for proto in ("icmp", "udp", "tcp"):
                    text, entry = trs6_case(k, key_len, esn, natt, proto)
                    out.append(text)
                    entries.append(entry)
                    k += 1
    out.append("\n/* Transport mode over IPv6, %s -> %s; NAT-T: source %s:%d\n"
               " * after a NAT66. */\n" % (LOCAL6, PEER6, NAT_PUB6, NAT_PORT))
    out.append("static const struct esp_trs_vector esp_trs6_vectors[] = {\n")
    out.extend(entries)
    out.append("};\n\n")
    for name, addr in (("esp_vec_local6", LOCAL6), ("esp_vec_peer6", PEER6),
                       ("esp_vec_nat_pub6", NAT_PUB6),
                       ("esp_vec_inner6_dst", INNER6_DST)):
        out.append("/* %s */\n__attribute__((unused)) " % addr +
                   c_bytes(name, bytes(IPv6(src=addr))[8:24]))
    out.append("\n#define ESP_VEC_NAT_PUB UINT32_C(0xcb007105) /* %s */\n"
               "#define ESP_VEC_NAT_PORT %d\n" % (NAT_PUB, NAT_PORT))
    out.append("\n#define ESP_VEC_LOCAL UINT32_C(0xc0000201) /* %s */\n"
               "#define ESP_VEC_PEER UINT32_C(0xc6336402) /* %s */\n" % (LOCAL, PEER) +
               "#define ESP_VEC_NATT_DPORT 4501\n\n#endif\n")
    sys.stdout.write("".join(out))


if __name__ == "__main__":
    main()
