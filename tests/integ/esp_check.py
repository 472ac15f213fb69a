#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""ESP end to end through espgw on net_pcap, judged by scapy's own ESP
(scapy.layers.ipsec.SecurityAssociation, AES-GCM-16) and, for what scapy
cannot craft (bad trailers, forgeries), AESGCM from python3-cryptography.

    esp_check.py gen DIR SEED MAC_WAN MAC_LAN   write espgw.yaml, in_wan.pcap,
                                                in_lan.pcap, plan.pickle;
                                                print "N_WAN N_LAN WANT_TX"
    esp_check.py snap DIR PREFIX                save stats and SA telemetry
    esp_check.py check DIR                      judge out_*.pcap and counters

Forty-eight combinations run at once, each with its own peer (192.0.2.(10+k)
or 2001:db8:1::(10+k) hex), SPIs, keys, salts, replay window and inner
subnet (10.k.0.0/16 or 2001:db8:(100+k)::/48): families {tunnel 4in4, 6in4,
4in6, 6in6, transport IPv4, IPv6} x {raw ESP, ESP in UDP 4500} x
{aes-gcm-128, aes-gcm-256} x ESN {off, on}. Everything random comes from
SEED.
"""
import ipaddress
import itertools
import json
import os
import pickle
import random
import socket
import struct
import sys

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from scapy.all import (ICMP, IP, TCP, UDP, Ether, IPv6, ICMPv6EchoReply,
                       ICMPv6EchoRequest, Raw, rdpcap, wrpcap, raw)
from scapy.layers.inet6 import in6_chksum
from scapy.layers.ipsec import ESP, SecurityAssociation

GW_WAN = "192.0.2.1"
GW_LAN = "198.51.100.1"
GW_WAN6 = "2001:db8:1::1"
GW_LAN6 = "2001:db8:2::1"
LAN_NET = {4: "198.51.100.0/24", 6: "2001:db8:2::/64"}
# (mode, outer family, inner family): the IPv4 sixteen first, as before
FAMILIES = [("tunnel", 4, 4), ("transport", 4, 4),
            ("tunnel", 4, 6), ("tunnel", 6, 4), ("tunnel", 6, 6), ("transport", 6, 6)]
WAN_MTU = 1600        # room for 1400 bytes of payload plus ESP and UDP
MAX_PAYLOAD = 1400
BURST = 32            # ESPGW_MAX_BURST: frames a worker takes at once


def ip2i(a):
    return struct.unpack("!I", bytes(int(x) for x in a.split(".")))[0]


def rmac(rnd):
    return "02:" + ":".join("%02x" % rnd.randrange(256) for _ in range(5))


# --- the plan -----------------------------------------------------------------

class Combo:
    """One combination: its SAs (ours in/out are the peer's out/in)."""

    def __init__(self, k, mode, outer, inner, natt, bits, esn, rnd, spis):
        self.k, self.mode, self.natt, self.bits, self.esn = k, mode, natt, bits, esn
        self.outer, self.inner = outer, inner
        fam = ("%din%d" % (inner, outer) if mode == "tunnel" else "v%d" % outer) \
            if (outer, inner) != (4, 4) else ""
        self.name = "%s%s/%s/gcm%d/esn-%s" % (mode, fam and "-" + fam, "natt" if natt else "raw",
                                              bits, "on" if esn else "off")
        self.peer = "192.0.2.%d" % (10 + k) if outer == 4 else "2001:db8:1::%x" % (0x10 + k)
        self.gw_wan = GW_WAN if outer == 4 else GW_WAN6
        # the gateway's inside address of the inner family
        self.gw_lan = GW_LAN if inner == 4 else GW_LAN6
        self.peer_mac = rmac(rnd)
        self.spi_in, self.spi_out = spis
        kl = bits // 8
        self.key_in, self.salt_in = rnd.randbytes(kl), rnd.randbytes(4)
        self.key_out, self.salt_out = rnd.randbytes(kl), rnd.randbytes(4)
        self.window = rnd.choice([64, 128, 256, 1024])
        # NAT-T: the port the NAT shows, 4500 or a random one
        self.pport_in = rnd.choice([4500, rnd.randrange(1024, 65536)])
        # the in SA's NAT-T binding as espgw should see it at this point
        self.bound = None
        self.pport_out = rnd.choice([4500, rnd.randrange(1024, 65536)])
        # where the NAT moves the peer to (rebinding), and two forgers
        self.rebind = [("192.0.2.%d" % (100 + 3 * k + i) if outer == 4 else
                        "2001:db8:1::%x:%x" % (0x100 + k, i + 1), rnd.randrange(1024, 65536))
                       for i in range(3)]
        self.subnet = "10.%d.0.0/16" % k if inner == 4 else "2001:db8:%x::/48" % (0x100 + k)

    def tunnel(self):
        return self.mode == "tunnel"

    def yaml(self):
        def sa(name, d, spi, key, salt, extra):
            s = ["  - name: %s" % name, "    direction: %s" % d, "    spi: 0x%08x" % spi,
                 "    mode: %s" % self.mode, "    aead: aes-gcm-%d" % self.bits,
                 "    key: 0x%s" % key.hex(), "    salt: 0x%s" % salt.hex(),
                 "    esn: %s" % ("true" if self.esn else "false"),
                 "    local: %s" % self.gw_wan, "    peer: %s" % self.peer,
                 "    nat_t: %s" % ("true" if self.natt else "false")]
            return s + extra
        pin = ["    peer_port: %d" % self.pport_in] if self.natt else []
        pout = ["    peer_port: %d" % self.pport_out] if self.natt else []
        if self.tunnel():
            # of the inner family only: the other one is a selector mismatch
            sel = ["    selector:", "      src: %s" % self.subnet, "      dst: %s" % LAN_NET[self.inner]]
        elif self.outer == 4:
            # the peer's outer address is the selector; the NAT may move it
            sel = ["    selector:", "      src: 192.0.2.0/24", "      dst: %s/32" % GW_WAN]
        else:
            sel = ["    selector:", "      src: 2001:db8:1::/64", "      dst: %s/128" % GW_WAN6]
        out = sa("c%d-in" % self.k, "in", self.spi_in, self.key_in, self.salt_in,
                 pin + ["    replay_window: %d" % self.window] + sel)
        out += sa("c%d-out" % self.k, "out", self.spi_out, self.key_out, self.salt_out, pout)
        return out

    def policy(self):
        if self.tunnel():
            return ["  - src: %s" % LAN_NET[self.inner], "    dst: %s" % self.subnet,
                    "    action: protect", "    sa: c%d-out" % self.k]
        # src any: the gateway's own echo replies to the peer are protected
        # too; the transport SA's family is the policy's
        return ["  - dst: %s/%d" % (self.peer, 32 if self.outer == 4 else 128),
                "    action: protect", "    sa: c%d-out" % self.k]

    def oip(self, **kw):
        return IP(**kw) if self.outer == 4 else IPv6(**kw)

    # scapy's SAs: the peer's view
    def peer_out_sa(self, src=None, sport=None):
        """Encrypts what the peer sends (our in SA)."""
        th = self.oip(src=src or self.peer, dst=self.gw_wan) if self.tunnel() else None
        nt = UDP(sport=sport or self.pport_in, dport=4500) if self.natt else None
        return SecurityAssociation(ESP, spi=self.spi_in, crypt_algo="AES-GCM",
                                   crypt_key=self.key_in + self.salt_in,
                                   tunnel_header=th, nat_t_header=nt, esn_en=self.esn)

    def peer_in_sa(self):
        """Decrypts what espgw sends (our out SA)."""
        th = self.oip(src=self.gw_wan, dst=self.peer) if self.tunnel() else None
        return SecurityAssociation(ESP, spi=self.spi_out, crypt_algo="AES-GCM",
                                   crypt_key=self.key_out + self.salt_out,
                                   tunnel_header=th, esn_en=self.esn)


def natt_fix(p):
    """scapy's NAT-T quirks. IPv4: UDP length left at 8; checksum must stay
    0. IPv6: the length is right, the checksum left 0, which IPv6 forbids
    (RFC 8200 §8.1): compute it. Fix it on scapy's own layers, before any
    re-dissection (which would take the UDP length at its word)."""
    if p.haslayer(IPv6):
        if p.haslayer(UDP):
            p[UDP].len = None
            p[UDP].chksum = None
        p.plen = None
        return IPv6(raw(p))
    if p.haslayer(UDP):
        p[UDP].len = None
        p[UDP].chksum = 0
    p.len = None
    p.chksum = None
    return IP(raw(p))


def udp6_cksum(ip6):
    """What the UDP checksum of a dissected IPv6/UDP packet should be."""
    u = bytearray(raw(ip6[UDP]))
    u[6:8] = b"\0\0"
    ck = in6_chksum(17, ip6[IPv6], bytes(u))
    return ck or 0xffff


class Gen:
    def __init__(self, seed, mac_wan, mac_lan):
        self.rnd = random.Random(seed)
        self.seed = seed
        self.mac_wan, self.mac_lan = mac_wan, mac_lan
        rnd = self.rnd
        combos = [(mode, o, i, natt, bits, esn) for (mode, o, i) in FAMILIES
                  for natt, bits, esn in itertools.product([False, True], [128, 256], [False, True])]
        used = set()
        spis = []
        while len(spis) < 2 * len(combos):
            s = rnd.randrange(256, 1 << 32)
            # no single bit flip of one SPI may land on another
            if s not in used and bin(s).count("1") > 1 and \
                    not any(s ^ (1 << b) in used for b in range(32)):
                used.add(s)
                spis.append(s)
        self.used_spis = used
        self.combos = []
        for k, (mode, o, i, natt, bits, esn) in enumerate(combos):
            self.combos.append(Combo(k, mode, o, i, natt, bits, esn, rnd, (spis[2 * k], spis[2 * k + 1])))
        # protected hosts, each a static neighbour on lan0, 6 per family
        self.hosts = {4: {"198.51.100.%d" % h: rmac(rnd) for h in rnd.sample(range(2, 254), 6)},
                      6: {"2001:db8:2::%x" % h: rmac(rnd) for h in rnd.sample(range(2, 1 << 16), 6)}}
        self.wan = []        # frames into wan0
        self.lan = []        # frames into lan0
        self.want_lan = {}   # k -> inner frames expected on OUT_LAN, in order
        self.want_out = {}   # k -> plaintexts espgw must encrypt (data, in order)
        self.want_echo = {}  # k -> echo requests whose replies come through the out SA
        self.cnt = {}        # expected counter values
        self.seq = {}        # k -> next sequence number the peer uses
        self.notes = []      # (k, what) per WAN frame, for failure messages

    def count(self, name, n=1):
        self.cnt[name] = self.cnt.get(name, 0) + n

    # --- packets
    def payload(self, lo=0, hi=MAX_PAYLOAD):
        return self.rnd.randbytes(self.rnd.randint(lo, hi))

    def l4(self, fam, kind=None):
        kind = kind or self.rnd.choice(["udp", "tcp", "icmp"])
        r = self.rnd
        if kind == "udp":
            return UDP(sport=r.randrange(1, 65536), dport=r.randrange(1, 65536)) / Raw(self.payload())
        if kind == "tcp":
            return TCP(sport=r.randrange(1, 65536), dport=r.randrange(1, 65536),
                       seq=r.randrange(1 << 32), flags=r.choice(["S", "A", "PA", "FA"])) / Raw(self.payload())
        if fam == 6:
            return ICMPv6EchoRequest(id=r.randrange(65536), seq=r.randrange(65536), data=self.payload())
        return ICMP(type=8, id=r.randrange(65536), seq=r.randrange(65536)) / Raw(self.payload())

    def ip(self, fam, src, dst, l4):
        """A packet of family fam, its checksums computed."""
        r = self.rnd
        if fam == 6:
            return IPv6(raw(IPv6(src=src, dst=dst, hlim=r.randint(2, 255), tc=r.choice([0, 0x10, 0xb8]),
                                 fl=r.choice([0, r.randrange(1 << 20)])) / l4))
        return IP(raw(IP(src=src, dst=dst, ttl=r.randint(2, 255), id=r.randrange(65536),
                         tos=r.choice([0, 0x10, 0xb8]), flags=r.choice([0, 2])) / l4))

    def data_pkt(self, c, fam=None, kind=None):
        """An inner packet from the peer's subnet to a protected host."""
        fam = fam or c.inner
        return self.ip(fam, self.inner_src(c, fam), self.host(fam), self.l4(fam, kind))

    def anypkt(self, c):
        """What the peer sends: an inner packet to the LAN, or in transport
        an echo request to the gateway."""
        if c.tunnel():
            return self.data_pkt(c)
        return self.echo(c.outer, c.peer, c.gw_wan)

    def inner_src(self, c, fam=None):
        r = self.rnd
        if (fam or c.inner) != c.inner:
            # the other family, for the selector: what the SA's subnet
            # would be in it
            return "10.%d.%d.%d" % (c.k, r.randrange(256), r.randrange(1, 255)) if fam == 4 else \
                "2001:db8:%x::%x" % (0x100 + c.k, r.randrange(1, 1 << 16))
        if c.inner == 6:
            return "2001:db8:%x:%x::%x" % (0x100 + c.k, r.randrange(1 << 16), r.randrange(1, 1 << 16))
        return "10.%d.%d.%d" % (c.k, r.randrange(256), r.randrange(1, 255))

    def host(self, fam=4):
        return self.rnd.choice(sorted(self.hosts[fam]))

    def echo(self, fam, src, dst):
        r = self.rnd
        if fam == 6:
            return IPv6(raw(IPv6(src=src, dst=dst, hlim=r.randint(2, 255)) /
                            ICMPv6EchoRequest(id=r.randrange(65536), seq=r.randrange(65536),
                                              data=self.payload(0, 1000))))
        return IP(raw(IP(src=src, dst=dst, ttl=r.randint(2, 255), id=r.randrange(65536)) /
                      ICMP(type=8, id=r.randrange(65536), seq=r.randrange(65536)) /
                      Raw(self.payload(0, 1000))))

    # --- ESP from the peer
    def enc(self, c, pkt, seq64, src=None, sport=None):
        sa = c.peer_out_sa(src, sport)
        sa.seq_num = seq64 & 0xffffffff          # scapy: seq_num=0 means "the SA's"
        p = sa.encrypt(pkt, esn_en=c.esn, esn=seq64 >> 32) if c.esn else sa.encrypt(pkt)
        return natt_fix(p)

    def craft(self, c, seq64, pt, src=None, sport=None, dst=None):
        """ESP with our own plaintext (trailer included), valid ICV."""
        iv = self.rnd.randbytes(8)
        hdr = struct.pack("!II", c.spi_in, seq64 & 0xffffffff)
        aad = hdr if not c.esn else struct.pack("!III", c.spi_in, seq64 >> 32, seq64 & 0xffffffff)
        ct = AESGCM(c.key_in).encrypt(c.salt_in + iv, pt, aad)
        return self.outer(c, hdr + iv + ct, src, sport, dst)

    def outer(self, c, esp, src=None, sport=None, dst=None, udp_cksum=None):
        """ESP bytes (or any UDP 4500 payload) in c's outer header. Over
        IPv6 the UDP checksum is computed (RFC 8200 §8.1), over IPv4 0."""
        src, dst = src or c.peer, dst or c.gw_wan
        if c.outer == 6:
            if c.natt:
                return IPv6(raw(IPv6(src=src, dst=dst) /
                                UDP(sport=sport or c.pport_in, dport=4500, chksum=udp_cksum) / Raw(esp)))
            return IPv6(raw(IPv6(src=src, dst=dst, nh=50) / Raw(esp)))
        if c.natt:
            return IP(raw(IP(src=src, dst=dst) /
                          UDP(sport=sport or c.pport_in, dport=4500, chksum=0) / Raw(esp)))
        return IP(raw(IP(src=src, dst=dst, proto=50) / Raw(esp)))

    def next_seq(self, c):
        s = self.seq[c.k]
        self.seq[c.k] = s + 1
        return s

    def wan_frame(self, c, p, what):
        b = raw(p) if not isinstance(p, bytes) else p
        self.wan.append(Ether(dst=self.mac_wan, src=c.peer_mac, type=0x0800 if c.outer == 4 else 0x86DD)
                        / Raw(b))
        self.notes.append((c.k, self.phase, what))

    def expect_lan(self, c, inner):
        if inner.version == 6:
            e = IPv6(raw(inner))
            e.hlim -= 1
            e = IPv6(raw(e))
        else:
            e = IP(raw(inner))
            e.ttl -= 1
            e.chksum = None
            e = IP(raw(e))
        self.want_lan[c.k].append(raw(Ether(src=self.mac_lan, dst=self.hosts[inner.version][inner.dst]) / e))

    def valid(self, c, what, seq64=None, src=None, sport=None, via_rebind=False):
        """One authentic packet that espgw must accept; returns the ESP frame."""
        if via_rebind:
            c.bound = (src, sport)
        if seq64 is None:
            seq64 = self.next_seq(c)
        if c.tunnel():
            inner = self.data_pkt(c)
            p = self.enc(c, inner, seq64, src, sport)
            self.expect_lan(c, inner)
        elif via_rebind:
            # transport from a moved peer: its echo reply would leave by
            # no policy (the out SA's peer did not move); send UDP,
            # decrypted then dropped as esp_to_local
            inner = self.ip(c.outer, src, c.gw_wan, UDP(sport=self.rnd.randrange(1, 65536),
                                                        dport=self.rnd.randrange(1, 65536)) /
                            Raw(self.payload(0, 200)))
            p = self.enc(c, inner, seq64, src, sport)
            self.count("drop_esp_to_local")
        else:
            inner = self.echo(c.outer, c.peer, c.gw_wan)
            p = self.enc(c, inner, seq64)
            self.want_echo[c.k].append(inner)
            self.count("event_icmp_echo_reply")
            self.count("to_control")
            self.count("esp_encrypted")
        self.count("esp_decrypted")
        self.count("class_esp_udp" if c.natt else "class_esp")
        self.wan_frame(c, p, what)
        return p

    def esp_of(self, p):
        """ESP bytes of an outer packet."""
        if p.haslayer(UDP):
            return raw(p[UDP].payload)
        return raw(p[IPv6].payload) if p.version == 6 else raw(p[IP].payload)

    def rewrap(self, c, p, esp, src=None, sport=None):
        """Outer header of p around other ESP bytes."""
        if c.outer == 6:
            h = IPv6(src=src or p.src, dst=p.dst, hlim=p.hlim, tc=p.tc, fl=p.fl)
            if c.natt:
                return IPv6(raw(h / UDP(sport=sport or p[UDP].sport, dport=4500) / Raw(esp)))
            h.nh = 50
            return IPv6(raw(h / Raw(esp)))
        if c.natt:
            return IP(raw(IP(src=src or p.src, dst=p.dst, ttl=p.ttl, id=p.id) /
                          UDP(sport=sport or p[UDP].sport, dport=4500, chksum=0) / Raw(esp)))
        return IP(raw(IP(src=src or p.src, dst=p.dst, ttl=p.ttl, id=p.id, proto=50) / Raw(esp)))

    def bad(self, c, p, reason, what, cls=True):
        """A frame espgw must drop with esp_drop_<reason> (or drop_<reason>)."""
        self.count(reason)
        if cls:
            self.count("class_esp_udp" if c.natt else "class_esp")
        self.wan_frame(c, p, what)

    def cls_drop(self, c, p, reason, what):
        self.count("class_drop")
        self.count(reason)
        self.wan_frame(c, p, what)

    def trailer_pt(self, c, body, nh, pad=None, padlen=None):
        if pad is None:
            n = (-(len(body) + 2)) % 4
            pad = bytes(range(1, n + 1))
        return body + pad + bytes([len(pad) if padlen is None else padlen, nh])

    # --- the streams
    def combo_stream(self, c):
        r = self.rnd
        v6 = c.outer == 6
        self.seq[c.k] = 1
        self.phase = 0
        self.want_lan[c.k], self.want_out[c.k], self.want_echo[c.k] = [], [], []
        first = []
        for _ in range(r.randint(3, 6)):
            first.append(self.valid(c, "data"))
        if c.tunnel():
            # ping the inside address through the tunnel: local delivery
            ping = self.echo(c.inner, self.inner_src(c), c.gw_lan)
            self.wan_frame(c, self.enc(c, ping, self.next_seq(c)), "ping %s in tunnel" % c.gw_lan)
            self.want_echo[c.k].append(ping)
            for n in ("esp_decrypted", "event_icmp_echo_reply", "to_control", "esp_encrypted"):
                self.count(n)
            self.count("class_esp_udp" if c.natt else "class_esp")
        top = self.seq[c.k] - 1
        W = c.window
        # an exact copy, while its number is still inside the window
        self.bad(c, r.choice(first), "esp_drop_replay_dup", "exact duplicate")
        if c.esn:
            # window still spans epochs -1 and 0 (top < W - 1): 0 is number 0,
            # 0xFFFFFFF0 lies before the first number
            self.bad(c, self.enc(c, self.anypkt(c), 0),
                     "esp_drop_replay_zero", "seq 0")
            self.bad(c, self.enc(c, self.anypkt(c), 0xFFFFFFF0 + r.randrange(8)),
                     "esp_drop_replay_old", "seq 0xFFFFFFFx before the first")
            # forward jump in epoch 0, then left of the window: the receiver
            # guesses epoch 1 (RFC 4303 A2.2), so the ICV fails
            J = 0x80000000 + r.randrange(1 << 20)
            self.valid(c, "jump to 0x%x" % J, J)
            # what follows reads its epoch from a window that holds J: in
            # a later burst (espgw infers the epoch against the window as
            # it was before the burst)
            self.phase = 1
            self.bad(c, self.enc(c, self.anypkt(c), J - W),
                     "esp_drop_auth_failed", "ESN: left of the window, read as epoch 1")
            self.valid(c, "left edge top-W+1", J - W + 1)
            # across 2^32: ..FD, ..FF, 1:0, 1:1, then the late ..FE of epoch 0
            base = 0xFFFFFFF0 + r.randrange(12)
            for s in (base, 0xFFFFFFFD, 0xFFFFFFFF, 1 << 32, (1 << 32) + 1):
                last = self.valid(c, "ESN 0x%x" % s, s)
            self.valid(c, "ESN late 0xFFFFFFFE of epoch 0", 0xFFFFFFFE)
            self.bad(c, last, "esp_drop_replay_dup", "duplicate across 2^32")
            self.seq[c.k] = (1 << 32) + 2 + r.randrange(1000)
        else:
            J = top + W + r.randrange(1, 5000)
            self.valid(c, "jump to %d" % J, J)
            self.phase = 1
            self.bad(c, self.enc(c, self.anypkt(c), J - W),
                     "esp_drop_replay_old", "top-W, left of the window")
            self.valid(c, "left edge top-W+1", J - W + 1)
            self.bad(c, self.enc(c, self.anypkt(c), 0),
                     "esp_drop_replay_zero", "seq 0")
            self.seq[c.k] = J + 1

        # forgeries, then the genuine packet: the window did not move
        s = self.seq[c.k]
        if s & 1:
            s += 1
        self.seq[c.k] = s + 2
        if c.tunnel():
            inner = self.data_pkt(c, kind="udp")
        else:
            inner = self.echo(c.outer, c.peer, c.gw_wan)
        genuine = self.enc(c, inner, s)
        esp = bytearray(self.esp_of(genuine))
        for where, off in (("ciphertext", 16 + r.randrange(len(esp) - 32)),
                           ("ICV", len(esp) - 1 - r.randrange(16)),
                           ("sequence number (AAD)", 7)):
            f = bytearray(esp)
            f[off] ^= 1 << (r.randrange(8) if where != "sequence number (AAD)" else 0)
            self.bad(c, self.rewrap(c, genuine, bytes(f)), "esp_drop_auth_failed",
                     "bit flipped in the " + where)
        f = bytearray(esp)
        f[r.randrange(4)] ^= 1 << r.randrange(8)
        self.bad(c, self.rewrap(c, genuine, bytes(f)), "drop_esp_no_sa", "bit flipped in the SPI")
        self.wan_frame(c, genuine, "genuine after its forgeries")
        self.count("esp_decrypted")
        self.count("class_esp_udp" if c.natt else "class_esp")
        if c.tunnel():
            self.expect_lan(c, inner)
        else:
            self.want_echo[c.k].append(inner)
            for n in ("event_icmp_echo_reply", "to_control", "esp_encrypted"):
                self.count(n)

        # trailers (authentic, so the window moves)
        if c.tunnel():
            body = raw(self.data_pkt(c))
            # either IP family is a valid next header in a tunnel
            good_nh, bad_nh = {4: 4, 6: 41}[c.inner], r.choice([0, 6, 17, 50])
        elif c.outer == 6:
            body = raw(ICMPv6EchoRequest(id=1, seq=2, cksum=0, data=self.payload(0, 64)))
            good_nh, bad_nh = 58, r.choice([4, 41])
        else:
            body = raw(ICMP(type=8, id=1, seq=2) / Raw(self.payload(0, 64)))
            good_nh, bad_nh = 1, r.choice([4, 41])
        n = (-(len(body) + 2)) % 4 or 4
        pad = list(range(1, n + 1))
        pad[r.randrange(n)] ^= 0x80
        self.bad(c, self.craft(c, self.next_seq(c), self.trailer_pt(c, body, good_nh, bytes(pad))),
                 "esp_drop_bad_pad", "pad bytes not 1, 2, 3, ...")
        short = body[:r.randrange(0, 20)]
        short += b"\0" * ((-(len(short) + 2)) % 4)
        self.bad(c, self.craft(c, self.next_seq(c), self.trailer_pt(c, short, good_nh, b"",
                                                                     len(short) + 1 + r.randrange(200))),
                 "esp_drop_bad_pad", "pad length beyond the payload")
        self.bad(c, self.craft(c, self.next_seq(c), self.trailer_pt(c, body, bad_nh)),
                 "esp_drop_bad_next_header", "next header %d" % bad_nh)
        self.bad(c, self.craft(c, self.next_seq(c), self.trailer_pt(c, body, 59)),
                 "esp_drop_dummy", "next header 59 (dummy)")
        if c.tunnel():
            if c.inner == 6:
                bad_len = IPv6(body)
                bad_len.plen += 4
                what = "inner IPv6 payload length past the payload"
            else:
                bad_len = IP(body)
                bad_len.len += 4
                bad_len.chksum = None
                what = "inner total length past the payload"
            self.bad(c, self.craft(c, self.next_seq(c), self.trailer_pt(c, raw(bad_len), good_nh)),
                     "esp_drop_inner_malformed", what)
            # outside the selector: source 10.99/16 (2001:db8:1ff::/48), or
            # destination off the LAN
            if c.inner == 6:
                out_src = "2001:db8:1ff::%x" % r.randrange(1, 1 << 16)
                out_dst = "2001:db8:3::%x" % r.randrange(1, 1 << 16)
            else:
                out_src = "10.99.%d.%d" % (r.randrange(256), r.randrange(1, 255))
                out_dst = "203.0.113.%d" % r.randrange(1, 255)
            for src, dst, what in ((out_src, self.host(c.inner), "inner source outside the selector"),
                                   (self.inner_src(c), out_dst, "inner destination outside the selector")):
                self.bad(c, self.enc(c, self.ip(c.inner, src, dst, self.l4(c.inner)), self.next_seq(c)),
                         "esp_drop_selector_mismatch", what)
            # the other family: the SA's selector carries one (RFC 4301 §5.2)
            of = 10 - c.inner
            self.bad(c, self.enc(c, self.data_pkt(c, of), self.next_seq(c)),
                     "esp_drop_selector_mismatch", "IPv%d inner on an IPv%d-only SA" % (of, c.inner))
        else:
            # transport: the outer destination is the selector's (the
            # gateway's WAN address); the LAN one is outside it
            p = self.enc(c, self.echo(c.outer, c.peer, GW_LAN6 if v6 else GW_LAN), self.next_seq(c))
            self.bad(c, p, "esp_drop_selector_mismatch", "transport to the LAN address, outside the selector")
            # TCP too short for its header: only the NAT-T receiver fixes
            # checksums (RFC 3948 §3.1.2), so only it must refuse
            junk = self.rnd.randbytes(r.randrange(1, 20))
            if v6:
                tcp = IPv6(raw(IPv6(src=c.peer, dst=c.gw_wan, nh=6, hlim=r.randint(2, 255)) / Raw(junk)))
            else:
                tcp = IP(raw(IP(src=c.peer, dst=GW_WAN, proto=6, ttl=r.randint(2, 255)) / Raw(junk)))
            if c.natt:
                self.bad(c, self.enc(c, tcp, self.next_seq(c)), "esp_drop_inner_malformed",
                         "NAT-T transport TCP shorter than its header")
            else:
                self.valid_local(c, self.enc(c, tcp, self.next_seq(c)), "short TCP to the gateway")
                self.count("drop_esp_to_local")
            udp = self.ip(c.outer, c.peer, c.gw_wan, UDP(sport=r.randrange(1, 65536), dport=r.randrange(1, 65536)) /
                          Raw(self.payload(0, 300)))
            self.valid_local(c, self.enc(c, udp, self.next_seq(c)), "UDP to the gateway (no service)")
            self.count("drop_esp_to_local")

        # truncations at every boundary
        seqb = struct.pack("!II", c.spi_in, self.next_seq(c) & 0xffffffff)
        if v6:
            hdr = raw(IPv6(src=c.peer, dst=c.gw_wan, nh=17 if c.natt else 50, plen=0))
            self.cls_drop(c, hdr[:r.randrange(1, 40)], "drop_ip6_truncated", "frame ends inside the IPv6 header")
        if c.natt:
            self.cls_drop(c, raw(IP(src=c.peer, dst=GW_WAN, proto=17)) if not v6 else
                          raw(IPv6(src=c.peer, dst=c.gw_wan, nh=17)), "drop_udp_malformed",
                          "outer IP only (UDP)")
            self.cls_drop(c, self.outer(c, b""), "drop_natt_malformed", "UDP header only")
            self.cls_drop(c, self.outer(c, b"\x01\x02"), "drop_natt_malformed", "UDP + 2 bytes")
        else:
            self.cls_drop(c, raw(IP(src=c.peer, dst=GW_WAN, proto=50)) if not v6 else
                          raw(IPv6(src=c.peer, dst=c.gw_wan, nh=50)), "drop_esp_short",
                          "outer IP only")
        self.cls_drop(c, self.outer(c, seqb[:4 + r.randrange(4)]), "drop_esp_short", "SPI, part of the sequence number")
        iv = self.rnd.randbytes(8)
        for n, what in ((8, "ESP header only"), (16, "header + IV"),
                        (16 + 15, "header + IV + less than the ICV"), (33, "one byte short of the minimum")):
            blob = (seqb + iv + self.rnd.randbytes(64))[:n]
            self.bad(c, self.outer(c, blob), "esp_drop_esp_short", what)
        g = self.enc(c, self.anypkt(c), self.next_seq(c))
        e = self.esp_of(g)
        self.bad(c, self.rewrap(c, g, e[:-1]), "esp_drop_esp_bad_len", "last byte cut (not 4-aligned)")
        self.bad(c, self.rewrap(c, g, e[:-4]), "esp_drop_auth_failed", "last 4 bytes cut (ICV moved)")
        self.cls_drop(c, raw(g)[:-r.randint(1, 30)], "drop_ip6_payload_len" if v6 else "drop_ip_total_len",
                      "frame cut, IP length kept")
        if v6 and c.natt:
            # RFC 8200 §8.1: a zero UDP checksum over IPv6 is discarded
            self.cls_drop(c, self.outer(c, self.esp_of(g), udp_cksum=0), "drop_udp_malformed",
                          "ESP in UDP over IPv6 with checksum 0")

        # SPI
        while True:
            unk = r.randrange(256, 1 << 32)
            if unk not in self.used_spis:
                break
        self.bad(c, self.outer(c, struct.pack("!II", unk, 1) + self.rnd.randbytes(48)),
                 "drop_esp_no_sa", "unknown SPI 0x%08x" % unk)
        if c.natt:
            # from where the in SA is bound now: it refreshes that binding
            a, port = c.bound or (c.peer, c.pport_in)
            p = self.outer(c, b"\xff", src=a, sport=port)
            for n in ("class_natt_keepalive", "to_control", "event_natt_keepalive"):
                self.count(n)
            self.wan_frame(c, p, "NAT-T keepalive from the current binding")
            # from elsewhere: counted, refreshes nothing, moves nothing
            p = self.outer(c, b"\xff", src=c.rebind[2][0], sport=c.rebind[2][1])
            for n in ("class_natt_keepalive", "to_control", "drop_keepalive_no_sa"):
                self.count(n)
            self.wan_frame(c, p, "NAT-T keepalive from no binding")
            # IKE behind the non-ESP marker; the IKE SPI begins with our SPI
            ike = struct.pack("!II", c.spi_in, r.randrange(1 << 32)) + b"\0" * 8 + \
                bytes([33, 0x20, 34, 0x08]) + struct.pack("!II", 0, 28 + 4)
            p = self.outer(c, b"\0\0\0\0" + ike + b"\0\0\0\x04")
            for n in ("class_ike_natt", "drop_ike_unhandled", "to_control"):
                self.count(n)
            self.wan_frame(c, p, "IKE behind the non-ESP marker")
        else:
            self.cls_drop(c, self.outer(c, struct.pack("!II", 0, 1) + self.rnd.randbytes(48)),
                          "drop_esp_spi_zero", "SPI 0")

        # NAT rebinding: authentic and new moves the binding; a replay or a
        # forgery from elsewhere does not
        if c.natt:
            (a1, p1), (a2, p2), (a3, p3) = c.rebind
            moved = self.valid(c, "from a new address/port (rebinding)", src=a1, sport=p1, via_rebind=True)
            self.bad(c, self.rewrap(c, moved, self.esp_of(moved), a2, p2), "esp_drop_replay_dup",
                     "replay from another address/port")
            if c.tunnel():
                fp = self.data_pkt(c, kind="udp")
            else:
                fp = self.ip(c.outer, a3, c.gw_wan, self.l4(c.outer, "udp"))
            f = self.enc(c, fp, self.next_seq(c), a3, p3)
            fe = bytearray(self.esp_of(f))
            fe[-1] ^= 0x40
            self.bad(c, self.rewrap(c, f, bytes(fe)), "esp_drop_auth_failed",
                     "forgery from another address/port")

    def valid_local(self, c, p, what):
        self.count("esp_decrypted")
        self.count("class_esp_udp" if c.natt else "class_esp")
        self.wan_frame(c, p, what)

    def lan_stream(self, c):
        r = self.rnd
        fam = c.inner
        for _ in range(r.randint(3, 6)):
            src = self.host(fam)
            dst = self.inner_src(c) if c.tunnel() else c.peer
            p = self.ip(fam, src, dst, self.l4(fam))
            self.lan.append((c.k, Ether(dst=self.mac_lan, src=self.hosts[fam][src]) / p))
            if fam == 6:
                e = IPv6(raw(p))
                e.hlim -= 1
                self.want_out[c.k].append(raw(IPv6(raw(e))))
            else:
                e = IP(raw(p))
                e.ttl -= 1
                e.chksum = None
                self.want_out[c.k].append(raw(IP(raw(e))))
            self.count("esp_encrypted")
            self.count("class_plain")

    def build(self):
        r = self.rnd
        for c in self.combos:
            self.combo_stream(c)
            self.lan_stream(c)
        # interleave the combinations' streams (each keeps its order)
        wan = []
        for ph in (0, 1):
            streams = {}
            for f, (k, p, what) in zip(self.wan, self.notes):
                if p == ph:
                    streams.setdefault(k, []).append((f, (k, p, what)))
            while streams:
                k = r.choice(sorted(streams))
                wan.append(streams[k].pop(0))
                if not streams[k]:
                    del streams[k]
            if ph == 0:
                # a burst (32 frames) of NAT-T keepalives between the phases
                for i in range(BURST):
                    f = Ether(dst=self.mac_wan, src=rmac(r)) / IP(src="203.0.113.%d" % r.randrange(1, 255),
                                                                  dst=GW_WAN) / \
                        UDP(sport=r.randrange(1024, 65536), dport=4500, chksum=0) / Raw(b"\xff")
                    wan.append((f, (-1, 0, "keepalive between the phases")))
                    for n in ("class_natt_keepalive", "to_control", "drop_keepalive_no_sa"):
                        self.count(n)
        # after everything, one valid packet per combination still gets through
        self.wan, self.notes = [f for f, _ in wan], [w for _, w in wan]
        self.phase = 2
        for c in self.combos:
            if c.natt and not c.tunnel():
                a1, p1 = c.rebind[0]
                self.valid(c, "last, after all the bad ones", src=a1, sport=p1, via_rebind=True)
            elif c.natt:
                a1, p1 = c.rebind[0]
                self.valid(c, "last, after all the bad ones", src=a1, sport=p1)
            else:
                self.valid(c, "last, after all the bad ones")
        per = {}
        for k, f in self.lan:
            per.setdefault(k, []).append(f)
        self.lan = []
        while per:
            k = r.choice(sorted(per))
            self.lan.append(per[k].pop(0))
            if not per[k]:
                del per[k]
        # LAN traffic no policy covers: the default discard, both families
        for fam, dst in ((4, "10.200.%d.%d" % (r.randrange(256), r.randrange(1, 255))),
                         (4, "10.201.%d.%d" % (r.randrange(256), r.randrange(1, 255))),
                         (6, "2001:db8:ff::%x" % r.randrange(1, 1 << 16)),
                         (6, "2001:db8:3::%x" % r.randrange(1, 1 << 16))):
            src = self.host(fam)
            p = self.ip(fam, src, dst, self.l4(fam))
            self.lan.insert(r.randrange(len(self.lan) + 1), Ether(dst=self.mac_lan, src=self.hosts[fam][src]) / p)
            self.count("class_plain")
            self.count("drop_spd_discard")

    def yaml(self):
        y = ["interfaces:",
             "  - name: wan0", "    device: net_pcap0", "    role: public",
             "    address: %s/24" % GW_WAN, "    address6: %s/64" % GW_WAN6, "    mtu: %d" % WAN_MTU,
             "  - name: lan0", "    device: net_pcap1", "    role: private",
             "    address: %s/24" % GW_LAN, "    address6: %s/64" % GW_LAN6,
             "neighbours:"]
        # static, IPv6 too: no neighbour discovery in a pcap test
        for c in self.combos:
            y += ["  - address: %s" % c.peer, "    mac: %s" % c.peer_mac]
            if c.natt:
                # where the rebinding moves the peer: the out SA follows
                y += ["  - address: %s" % c.rebind[0][0], "    mac: %s" % c.peer_mac]
        for fam in (4, 6):
            for h, m in sorted(self.hosts[fam].items()):
                y += ["  - address: %s" % h, "    mac: %s" % m]
        y += ["settings:", "  icmp_rate: 0", "sas:"]
        for c in self.combos:
            y += c.yaml()
        y += ["policies:"]
        for c in self.combos:
            y += c.policy()
        return "\n".join(y) + "\n"


def cmd_gen(d, seed, mac_wan, mac_lan):
    g = Gen(int(seed), mac_wan, mac_lan)
    g.build()
    with open(os.path.join(d, "espgw.yaml"), "w") as f:
        f.write(g.yaml())
    os.chmod(os.path.join(d, "espgw.yaml"), 0o600)
    wrpcap(os.path.join(d, "in_wan.pcap"), g.wan)
    wrpcap(os.path.join(d, "in_lan.pcap"), g.lan)
    want_tx = sum(len(v) for v in g.want_lan.values()) + \
        sum(len(v) for v in g.want_out.values()) + sum(len(v) for v in g.want_echo.values())
    g.cnt["rx"] = len(g.wan) + len(g.lan)
    g.cnt["tx"] = want_tx
    plan = {
        "seed": g.seed, "mac_wan": mac_wan, "mac_lan": mac_lan, "cnt": g.cnt,
        "want_lan": g.want_lan, "want_out": g.want_out,
        "want_echo": {k: [raw(p) for p in v] for k, v in g.want_echo.items()},
        "combos": [{a: getattr(c, a) for a in vars(c)} for c in g.combos],
        "hosts": g.hosts, "notes": g.notes,
    }
    with open(os.path.join(d, "plan.pickle"), "wb") as f:
        pickle.dump(plan, f)
    print(len(g.wan), len(g.lan), want_tx)
    return 0


def cmd_snap(d, prefix):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import telemetry
    with open(os.path.join(d, "plan.pickle"), "rb") as f:
        plan = pickle.load(f)
    out = {"stats": telemetry.query(prefix, "/espgw/stats,total"), "sa": {}}
    for c in plan["combos"]:
        for spi in (c["spi_in"], c["spi_out"]):
            out["sa"][str(spi)] = telemetry.query(prefix, "/espgw/sa/info,%d" % spi)
    with open(os.path.join(d, "snap.json"), "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
    return 0


# --- judging ------------------------------------------------------------------

class Judge:
    def __init__(self):
        self.n_ok = self.n_fail = 0

    def check(self, cond, desc, why=""):
        if cond:
            self.n_ok += 1
            print("ok - " + desc)
        else:
            self.n_fail += 1
            print("not ok - " + desc)
            if why:
                for line in str(why).splitlines():
                    print("#   " + line)
        return cond


def diff(a, b):
    if len(a) != len(b):
        return "length %d, want %d" % (len(a), len(b))
    i = next(i for i in range(len(a)) if a[i] != b[i])
    return "first difference at byte %d: got %s, want %s" % (i, a[i:i + 8].hex(), b[i:i + 8].hex())


def icmp_ok(ip):
    """The ICMP (ICMPv6, over its pseudo-header) checksum is right."""
    if ip.version == 6:
        b = raw(ip)
        p = IPv6(b)
        p[ICMPv6EchoReply].cksum = None
        return raw(IPv6(raw(p))) == b
    b = raw(ip[ICMP])
    c = ICMP(b)
    c.chksum = None
    return raw(c)[2:4] == b[2:4]


def na(a):
    """An address in one spelling (telemetry's and scapy's may differ)."""
    try:
        return str(ipaddress.ip_address(a))
    except ValueError:
        return a


def inner_k(e):
    """The combination of an inner packet on OUT_LAN, from its source."""
    if e.haslayer(IP) and e[IP].src.startswith("10."):
        return int(e[IP].src.split(".")[1])
    if e.haslayer(IPv6):
        g = socket.inet_pton(socket.AF_INET6, e[IPv6].src)
        if g[:4] == bytes.fromhex("20010db8"):
            return struct.unpack("!H", g[4:6])[0] - 0x100
    return None


def outer_probs(c, e, mac_wan):
    """What is wrong with the framing of one outbound ESP packet: L2, outer
    IPv4 or IPv6 header, UDP 4500. Returns (problems, IP-or-IPv6 layer to
    decrypt, ESP layer)."""
    probs = []
    v6 = c["outer"] == 6
    if e.src != mac_wan or e.dst != c["peer_mac"]:
        probs.append("L2 %s > %s" % (e.src, e.dst))
    if e.type != (0x86DD if v6 else 0x0800):
        probs.append("Ethernet type 0x%04x" % e.type)
    ip = e[IPv6] if v6 else e[IP]
    tunnel = c["mode"] == "tunnel"
    if ip.src != c["gw_wan"] and tunnel:
        probs.append("outer src %s" % ip.src)
    if v6:
        if ip.plen != len(raw(ip)) - 40:
            probs.append("IPv6 payload length %d of %d" % (ip.plen, len(raw(ip)) - 40))
        nh = ip.nh
    else:
        h = IP(raw(ip))
        h.chksum = None
        if raw(IP(raw(h)))[10:12] != raw(ip)[10:12]:
            probs.append("outer IP checksum wrong")
        if ip.len != len(raw(ip)):
            probs.append("IP length %d of %d" % (ip.len, len(raw(ip))))
        nh = ip.proto
    if c["natt"]:
        if nh != 17 or not ip.haslayer(UDP):
            probs.append("not UDP (next header %d)" % nh)
            return probs, ip, None
        u = ip[UDP]
        if u.sport != 4500 or u.len != len(raw(u)):
            probs.append("UDP %s, length %d of %d" % (u.summary(), u.len, len(raw(u))))
        if v6:
            # RFC 8200 §8.1: mandatory over IPv6, and 0 is no checksum
            want = udp6_cksum(ip)
            if u.chksum == 0 or u.chksum != want:
                probs.append("UDP checksum 0x%04x over IPv6, want 0x%04x" % (u.chksum, want))
        elif u.chksum != 0:
            probs.append("UDP checksum 0x%04x over IPv4, want 0 (RFC 3948 §2.1)" % u.chksum)
        esp = ESP(raw(u.payload))
        if v6:
            # scapy decrypts transport ESP over IPv6 only with ESP right
            # behind the header: take the UDP header out
            h = ip.copy()
            h.remove_payload()
            h.nh, h.plen = 50, None
            ip = IPv6(raw(h / Raw(raw(u.payload))))
    else:
        if nh != 50:
            probs.append("next header %d" % nh)
            return probs, ip, None
        esp = ip[ESP]
    return probs, ip, esp


def cmd_check(d):
    J = Judge()
    with open(os.path.join(d, "plan.pickle"), "rb") as f:
        plan = pickle.load(f)
    with open(os.path.join(d, "snap.json")) as f:
        snap = json.load(f)
    combos = plan["combos"]
    mac_wan, mac_lan = plan["mac_wan"], plan["mac_lan"]
    out_lan = [raw(p) for p in rdpcap(os.path.join(d, "out_lan.pcap"))] \
        if os.path.getsize(os.path.join(d, "out_lan.pcap")) > 24 else []
    out_wan = [raw(p) for p in rdpcap(os.path.join(d, "out_wan.pcap"))] \
        if os.path.getsize(os.path.join(d, "out_wan.pcap")) > 24 else []

    # --- inbound: OUT_LAN holds exactly the inner packets, per combo in order
    got_lan = {}
    stray = []
    for b in out_lan:
        e = Ether(b)
        k = inner_k(e)
        if k is None or k not in plan["want_lan"]:
            stray.append(e.summary())
        else:
            got_lan.setdefault(k, []).append(b)
    J.check(not stray, "OUT_LAN: nothing but decrypted tunnel traffic", "\n".join(stray[:5]))
    for c in combos:
        k = c["k"]
        want, got = plan["want_lan"][k], got_lan.get(k, [])
        if not want and not got:
            continue
        bad = [i for i in range(min(len(want), len(got))) if want[i] != got[i]]
        why = "got %d frames, want %d" % (len(got), len(want))
        if bad:
            why += "; frame %d: %s\n  got  %s\n  want %s" % (bad[0], diff(got[bad[0]], want[bad[0]]),
                                                            Ether(got[bad[0]]).summary(),
                                                            Ether(want[bad[0]]).summary())
        J.check(len(got) == len(want) and not bad,
                "%s inbound: %d inner packets on OUT_LAN byte for byte (%s, L2)"
                % (c["name"], len(want), "hop limit-1, type 0x86DD" if c["inner"] == 6
                   else "TTL-1, checksum"), why)

    # --- outbound: OUT_WAN, per out SA
    by_spi = {}
    stray = []
    for b in out_wan:
        e = Ether(b)
        ip = e[IP] if e.haslayer(IP) else e[IPv6] if e.haslayer(IPv6) else None
        if ip is None:
            stray.append(e.summary())
            continue
        nh = ip.proto if ip.version == 4 else ip.nh
        if nh == 50:
            spi = struct.unpack("!I", raw(ip.payload)[:4])[0]
        elif nh == 17 and ip[UDP].sport == 4500:
            spi = struct.unpack("!I", raw(ip[UDP].payload)[:4])[0]
        else:
            stray.append(e.summary())
            continue
        by_spi.setdefault(spi, []).append(e)
    J.check(not stray, "OUT_WAN: nothing but ESP", "\n".join(stray[:5]))
    reply_ttls = set()
    for c in combos:
        k = c["k"]
        frames = by_spi.pop(c["spi_out"], [])
        co = Combo.__new__(Combo)
        co.__dict__.update(c)
        sa = co.peer_in_sa()
        want_data = plan["want_out"][k]
        want_echo = [IPv6(b) if b[0] >> 4 == 6 else IP(b) for b in plan["want_echo"][k]]
        n_want = len(want_data) + len(want_echo)
        name = c["name"]
        v6 = c["outer"] == 6
        # framing: L2, outer header, UDP, sequence numbers 1..n in order
        probs = []
        seqs, ivs, plains = [], [], []
        # NAT-T: the out SA follows the in SA's rebinding (RFC 3948 §3.5),
        # whenever espgw sees it relative to the LAN traffic: the configured
        # destination first, the rebound one after, never back
        dests = [(c["peer"], c["pport_out"])]
        if c["natt"]:
            dests.append(tuple(c["rebind"][0]))
        at = 0
        for e in frames:
            p, ip, esp = outer_probs(c, e, mac_wan)
            probs += p
            d = (ip.dst, e[UDP].dport if c["natt"] and e.haslayer(UDP) else c["pport_out"])
            if d in dests[at:]:
                at = dests.index(d)
            else:
                probs.append("outer destination %s:%d (expected %s)" % (d[0], d[1], dests[at:]))
            if esp is None:
                continue
            seqs.append(esp.seq)
            ivs.append(raw(esp)[8:16])
            try:
                q = IPv6(raw(ip)) if v6 else IP(raw(ip))
                plains.append(sa.decrypt(q, esn_en=c["esn"], esn=0) if c["esn"] else sa.decrypt(q))
            except Exception as ex:  # noqa: BLE001 - any decrypt failure is a finding
                probs.append("scapy cannot decrypt seq %d: %r" % (esp.seq, ex))
        J.check(not probs, "%s outbound: L2, outer IPv%d%s framing of %d ESP packets"
                % (name, c["outer"], "" if not c["natt"] else
                   " + UDP 4500->%d checksum %s" % (c["pport_out"], "valid" if v6 else "0"), len(frames)),
                "\n".join(sorted(set(probs))[:6]))
        J.check(seqs == list(range(1, n_want + 1)),
                "%s outbound: sequence numbers 1..%d in order" % (name, n_want), "got %s" % seqs[:40])
        J.check(len(set(ivs)) == len(ivs), "%s outbound: no IV used twice" % name)
        gw = (GW_WAN, GW_LAN, GW_WAN6, GW_LAN6)
        is_reply = [(p.haslayer(ICMP) and p[ICMP].type == 0 or p.haslayer(ICMPv6EchoReply)) and p.src in gw
                    for p in plains]
        data = [p for p, x in zip(plains, is_reply) if not x]
        replies = [p for p, x in zip(plains, is_reply) if x]
        got = [raw(p) for p in data]
        bad = [i for i in range(min(len(got), len(want_data))) if got[i] != want_data[i]]
        why = "got %d, want %d" % (len(got), len(want_data))
        if bad:
            P = IPv6 if c["inner"] == 6 else IP
            why += "; packet %d: %s\n  got  %s\n  want %s" % (bad[0], diff(got[bad[0]], want_data[bad[0]]),
                                                             P(got[bad[0]]).summary(),
                                                             P(want_data[bad[0]]).summary())
        J.check(len(got) == len(want_data) and not bad,
                "%s outbound: scapy decrypts %d packets to the originals (%s)"
                % (name, len(want_data), "hop limit-1" if c["inner"] == 6 else "TTL-1"), why)
        # local delivery: echo replies through the out SA
        probs = []
        rem = list(want_echo)

        def echo_of(p):
            e = p[ICMPv6EchoReply] if p.version == 6 else p[ICMP]
            return e.id, e.seq, raw(e.data) if p.version == 6 else raw(e.payload)

        def req_of(q):
            e = q[ICMPv6EchoRequest] if q.version == 6 else q[ICMP]
            return e.id, e.seq, raw(e.data) if q.version == 6 else raw(e.payload)

        for p in replies:
            m = [q for q in rem if req_of(q) == echo_of(p) and q.version == p.version]
            if not m:
                probs.append("unexpected reply %s" % p.summary())
                continue
            q = m[0]
            rem.remove(q)
            # transport under NAT-T: the IP header is the outer one, so
            # the reply goes to the peer's current binding (its NAT)
            to = {q.src} | ({c["rebind"][0][0]} if c["natt"] and not co.tunnel() else set())
            if p.src != q.dst or p.dst not in to:
                probs.append("reply %s > %s to a request %s > %s" % (p.src, p.dst, q.src, q.dst))
            code = p[ICMPv6EchoReply].code if p.version == 6 else p[ICMP].code
            if code != 0 or not icmp_ok(p):
                probs.append("ICMP code/checksum wrong")
        for q in rem:
            probs.append("no reply to %s id %d seq %d" % ((q.summary(),) + req_of(q)[:2]))
        J.check(not probs, "%s local delivery: %d echo requests %s answered with echo replies in ESP"
                % (name, len(want_echo), "to %s through the tunnel" % c["gw_lan"] if co.tunnel()
                   else "to %s in transport ESP" % c["gw_wan"]), "\n".join(probs[:6]))
        reply_ttls.update("%s: %d" % (name, p.hlim if p.version == 6 else p.ttl) for p in replies
                          if (p.hlim if p.version == 6 else p.ttl) != 64)
    # RFC 1812 §4.2.2.9 / §5.3.1: TTL is decremented by forwarding, not by
    # the host that originates the packet (RFC 8200 §3 likewise for IPv6)
    J.check(not reply_ttls, "local delivery: the gateway's echo replies leave with TTL / hop limit 64"
            " (originated, not forwarded)", "\n".join(sorted(reply_ttls)[:4]))
    J.check(not by_spi, "OUT_WAN: no ESP for an SPI we do not know",
            " ".join("0x%08x" % s for s in by_spi))

    # --- NAT-T bindings
    for c in combos:
        if not c["natt"]:
            continue
        info = snap["sa"][str(c["spi_in"])].get("in", {})
        a1, p1 = c["rebind"][0]
        J.check((na(info.get("peer")), info.get("peer_port")) == (na(a1), p1),
                "%s NAT rebinding: the in SA follows the authentic packet to %s:%d,"
                " not a replay or forgery from elsewhere" % (c["name"], a1, p1),
                "binding %s:%s (configured %s:%d; replay from %s:%d, forgery from %s:%d)" %
                (info.get("peer"), info.get("peer_port"), c["peer"], c["pport_in"],
                 c["rebind"][1][0], c["rebind"][1][1], c["rebind"][2][0], c["rebind"][2][1]))
        out = snap["sa"][str(c["spi_out"])].get("out", {})
        J.check((na(out.get("peer")), out.get("peer_port")) == (na(a1), p1),
                "%s NAT-T: the out SA to the same peer follows the rebinding" % c["name"],
                "out SA peer %s:%s (configured %s:%d)" % (out.get("peer"), out.get("peer_port"),
                                                         c["peer"], c["pport_out"]))

    # --- counters, exact
    st = snap["stats"]
    want = plan["cnt"]
    watched = sorted(set(n for n in st if n.startswith(("drop_", "esp_drop_", "class_"))) |
                     set(want) | {"esp_decrypted", "esp_encrypted"})
    # A keepalive from an SA's binding refreshes it (event_natt_keepalive)
    # - unless the rebinding packet right behind it in the capture already
    # moved the binding: the control lcore matches keepalives after the
    # worker ran ESP, so that split is a race. Their sum is exact, and every
    # keepalive from no binding at all must be a keepalive_no_sa.
    ka = ("event_natt_keepalive", "drop_keepalive_no_sa")
    for n in watched:
        if n in ka:
            continue
        w = want.get(n, 0)
        J.check(st.get(n) == w, "counter %s = %d" % (n, w), "got %s" % st.get(n))
    got = [st.get(n, 0) for n in ka]
    J.check(sum(got) == sum(want.get(n, 0) for n in ka),
            "keepalives: %d refreshed a binding + %d matched none = %d" %
            (got[0], got[1], sum(want.get(n, 0) for n in ka)), "got %s" % got)
    J.check(got[1] >= want.get(ka[1], 0) and got[0] <= want.get(ka[0], 0),
            "keepalives from no binding (%d) never refresh one" % want.get(ka[1], 0),
            "got %s" % got)
    print("# seed %d" % plan["seed"])
    return J


def main(argv):
    if len(argv) >= 6 and argv[1] == "gen":
        return cmd_gen(argv[2], argv[3], argv[4], argv[5])
    if len(argv) == 4 and argv[1] == "snap":
        return cmd_snap(argv[2], argv[3])
    if len(argv) == 3 and argv[1] == "check":
        j = cmd_check(argv[2])
        return 1 if j.n_fail else 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
