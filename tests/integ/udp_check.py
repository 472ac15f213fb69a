#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Numbered UDP datagrams whose contents the receiver can verify.

    udp_check.py send DST PORT COUNT SIZE
    udp_check.py recv BIND PORT COUNT SIZE [IDLE_S]

Datagram n (0..COUNT-1) is a 4-byte big-endian n followed by bytes derived
from n (SHA-256 of the number, repeated), SIZE bytes in all. The sender paces
itself (a few datagrams, then a short pause) so a 2-core machine's rings do
not overflow. The receiver prints "ready" once bound, then after COUNT good
datagrams or IDLE_S seconds (default 5) of silence prints
"good=G bad=B dup=D missing=M" and exits 0 only if every datagram came once
and intact.
"""
import hashlib
import socket
import struct
import sys
import time

SO_RCVBUFFORCE = 33  # Linux; root may exceed rmem_max


def payload(n, size):
    head = struct.pack("!I", n)
    body = hashlib.sha256(head).digest() * (size // 32 + 1)
    return head + body[:size - 4]


def send(dst, port, count, size):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for n in range(count):
        s.sendto(payload(n, size), (dst, port))
        if n % 16 == 15:
            time.sleep(0.002)
    return 0


def recv(bind, port, count, size, idle):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 8 << 20)
    except OSError:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    s.bind((bind, port))
    s.settimeout(idle)
    print("ready", flush=True)
    seen = set()
    bad = dup = 0
    while len(seen) < count:
        try:
            data = s.recv(65536)
        except socket.timeout:
            break
        n = struct.unpack("!I", data[:4])[0] if len(data) >= 4 else -1
        if n < 0 or n >= count or data != payload(n, size):
            bad += 1
        elif n in seen:
            dup += 1
        else:
            seen.add(n)
    missing = count - len(seen)
    print("good=%d bad=%d dup=%d missing=%d" % (len(seen), bad, dup, missing), flush=True)
    return 0 if missing == 0 and bad == 0 and dup == 0 else 1


def main(a):
    if len(a) >= 6 and a[1] == "send":
        return send(a[2], int(a[3]), int(a[4]), int(a[5]))
    if len(a) >= 6 and a[1] == "recv":
        return recv(a[2], int(a[3]), int(a[4]), int(a[5]), float(a[6]) if len(a) > 6 else 5.0)
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
