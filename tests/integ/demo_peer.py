#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""The demo's road warrior: ESP in UDP 4500 (RFC 3948) to espgw, by hand.

    demo_peer.py ping  [--count N] [--keepalives N] [--timeout S]
    demo_peer.py serve [--count N] [--timeout S]

ping sends ICMP echo requests from the tunnel address to the protected host
inside ESP (AES-GCM, tunnel mode), decrypts what espgw sends back and prints
each echo reply, then sends NAT-T keepalives (one 0xFF byte, RFC 3948 §2.3);
exit status 0 only when every request was answered through the tunnel.
serve answers the echo requests espgw encrypts for the tunnel address (a
ping from the protected network) until it has answered N or S seconds pass;
exit status 0 when it answered N.

Both go through a kernel UDP socket bound to our port 4500, the way an IKE
daemon sends ESP in UDP: the kernel writes the UDP header (checksum 0 with
SO_NO_CHECK, as RFC 3948 §2.1 allows) and delivers what comes back to that
port. scapy's SecurityAssociation does the ESP itself; only the ESP header
onwards of what it builds is sent.

Addresses, SPIs and keys come from the environment (never the command
line, which ps shows): RW_LOCAL (our LAN address, behind the NAT), RW_GW
(espgw's public address), RW_VIP (our tunnel address), RW_TARGET (the
protected host to ping), RW_SPI_OUT / RW_KEY_OUT / RW_SALT_OUT (what we
encrypt with: espgw's in SA), RW_SPI_IN / RW_KEY_IN / RW_SALT_IN (what espgw
encrypts with: its out SA). Keys and salts in hex, with or without 0x.
RW_STATE, when set, is a file that carries our next ESP sequence number
from one run to the next: espgw's replay window refuses a number twice.
"""
import argparse
import os
import select
import socket
import sys
import time

from scapy.all import ICMP, IP, UDP, Raw, conf
from scapy.layers.ipsec import ESP, SecurityAssociation

conf.verb = 0
NATT_PORT = 4500
SO_NO_CHECK = 11    # <asm-generic/socket.h>: send UDP with checksum 0


def env(name):
    v = os.environ.get(name)
    if not v:
        sys.exit(f"demo_peer: {name} is not set")
    return v


def hexbytes(name):
    v = env(name)
    return bytes.fromhex(v[2:] if v.startswith("0x") else v)


def spi(name):
    return int(env(name), 0)


class Tunnel:
    """One pair of SAs and the UDP socket they travel on."""

    def __init__(self):
        self.local, self.gw = env("RW_LOCAL"), env("RW_GW")
        self.vip, self.target = env("RW_VIP"), env("RW_TARGET")
        # scapy wants AES-GCM keys as key | 4-byte salt (RFC 4106 §8.1)
        self.out = SecurityAssociation(
            ESP, spi=spi("RW_SPI_OUT"), crypt_algo="AES-GCM",
            crypt_key=hexbytes("RW_KEY_OUT") + hexbytes("RW_SALT_OUT"),
            tunnel_header=IP(src=self.local, dst=self.gw))
        self.inb = SecurityAssociation(
            ESP, spi=spi("RW_SPI_IN"), crypt_algo="AES-GCM",
            crypt_key=hexbytes("RW_KEY_IN") + hexbytes("RW_SALT_IN"),
            tunnel_header=IP(src=self.gw, dst=self.local))
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, SO_NO_CHECK, 1)
        self.sock.bind((self.local, NATT_PORT))
        self.sent = 0
        self.state = os.environ.get("RW_STATE")
        if self.state and os.path.exists(self.state):
            with open(self.state) as f:
                self.out.seq_num = int(f.read())

    def save(self):
        if self.state:
            with open(self.state, "w") as f:
                f.write(f"{self.out.seq_num}\n")

    def send_inner(self, inner):
        """Encrypt an inner IPv4 packet and send its ESP in UDP 4500."""
        esp = self.out.encrypt(inner)[ESP]
        self.sock.sendto(bytes(esp), (self.gw, NATT_PORT))
        self.sent += 1

    def keepalive(self):
        self.sock.sendto(b"\xff", (self.gw, NATT_PORT))

    def recv_inner(self, deadline):
        """The next decrypted inner packet, or None at the deadline.
        Anything that does not decrypt is reported and skipped."""
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            r, _, _ = select.select([self.sock], [], [], left)
            if not r:
                return None
            data, (src, sport) = self.sock.recvfrom(65535)
            if len(data) == 1 and data[0] == 0xFF:
                continue        # keepalives flow to us only from NATs
            if len(data) < 8 or data[:4] == bytes(4):
                print(f"  ignored {len(data)} bytes from {src}:{sport} (not ESP)")
                continue
            pkt = (IP(src=src, dst=self.local) /
                   UDP(sport=sport, dport=NATT_PORT) / ESP(data))
            try:
                return self.inb.decrypt(pkt)
            except Exception as e:      # bad SPI or ICV: say so, go on
                print(f"  ESP from {src}:{sport} did not decrypt: {e}")


def echo(inner):
    return inner.haslayer(ICMP) and inner[ICMP].type in (0, 8)


def ping(t, a):
    ident = os.getpid() & 0xFFFF
    got = set()
    for seq in range(1, a.count + 1):
        req = (IP(src=t.vip, dst=t.target) /
               ICMP(type=8, id=ident, seq=seq) / Raw(b"espgw demo %d" % seq))
        t.send_inner(req)
        print(f"  echo request {t.vip} -> {t.target} seq={seq} "
              f"(ESP SPI 0x{t.out.spi:08x}, in UDP {NATT_PORT})")
        deadline = time.monotonic() + a.interval
        while time.monotonic() < deadline:
            inner = t.recv_inner(deadline)
            if inner is None:
                break
            if (echo(inner) and inner[ICMP].type == 0 and
                    inner[ICMP].id == ident and inner.src == t.target):
                got.add(inner[ICMP].seq)
                print(f"  reply from {inner.src} seq={inner[ICMP].seq} "
                      f"through the tunnel (ESP SPI 0x{t.inb.spi:08x})")
            else:
                print(f"  decrypted, not ours: {inner.summary()}")
    deadline = time.monotonic() + a.timeout
    while len(got) < a.count:
        inner = t.recv_inner(deadline)
        if inner is None:
            break
        if echo(inner) and inner[ICMP].type == 0 and inner[ICMP].id == ident:
            got.add(inner[ICMP].seq)
            print(f"  reply from {inner.src} seq={inner[ICMP].seq} "
                  f"through the tunnel (ESP SPI 0x{t.inb.spi:08x}, late)")
    # after the ESP: espgw matches a keepalive to an SA by the address and
    # port it last authenticated ESP from, the NAT's (RFC 3948 §4)
    for _ in range(a.keepalives):
        t.keepalive()
    print(f"  sent {a.keepalives} NAT-T keepalives (0xFF) from "
          f"{t.local}:{NATT_PORT} to {t.gw}:{NATT_PORT}")
    print(f"  {len(got)} of {a.count} echo requests answered through the tunnel")
    return 0 if len(got) == a.count else 1


def serve(t, a):
    print(f"  answering echo requests for {t.vip} that arrive through the tunnel",
          flush=True)
    n = 0
    deadline = time.monotonic() + a.timeout
    while n < a.count:
        inner = t.recv_inner(deadline)
        if inner is None:
            break
        if not (echo(inner) and inner[ICMP].type == 8 and inner.dst == t.vip):
            print(f"  decrypted, not an echo request for us: {inner.summary()}")
            continue
        print(f"  echo request from {inner.src} seq={inner[ICMP].seq} "
              f"decrypted (ESP SPI 0x{t.inb.spi:08x}); replying through the tunnel",
              flush=True)
        t.send_inner(IP(src=t.vip, dst=inner.src) /
                     ICMP(type=0, id=inner[ICMP].id, seq=inner[ICMP].seq) /
                     inner[ICMP].payload)
        n += 1
    print(f"  answered {n} of {a.count} echo requests", flush=True)
    return 0 if n == a.count else 1


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("what", choices=("ping", "serve"))
    p.add_argument("--count", type=int, default=5)
    p.add_argument("--keepalives", type=int, default=3)
    p.add_argument("--interval", type=float, default=0.3)
    p.add_argument("--timeout", type=float, default=3.0)
    a = p.parse_args()
    t = Tunnel()
    try:
        rc = ping(t, a) if a.what == "ping" else serve(t, a)
    finally:
        t.save()
    sys.stdout.flush()
    return rc


if __name__ == "__main__":
    sys.exit(main())
