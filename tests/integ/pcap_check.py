#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Packet-by-packet test of espgw's forwarding, driven through net_pcap.

    pcap_check.py empty DIR                      empty in0/in1.pcap (MAC discovery)
    pcap_check.py gen DIR LAN_MAC WAN_MAC        write DIR/in0.pcap, DIR/in1.pcap
    pcap_check.py check DIR LAN_MAC WAN_MAC STATS_JSON
                                                 read DIR/out0.pcap, DIR/out1.pcap

Port 0 is lan0 (private, 198.51.100.1/24, MTU 1500), port 1 is wan0 (public,
203.0.113.1/24, MTU 1400); the configuration is test_pcap.sh's.
build_cases() below is the whole test: every input frame with the class the worker gives it, its
drop reason (if any) and what must come out where. `gen` writes the frames;
`check` finds, for every output frame, the case it belongs to (by IP id, by
the IP id quoted in an ICMP error, by ARP addresses), checks it field by field,
checks that nothing else came out, and compares every espgw counter with the
sum the cases predict. It prints TAP lines ("ok - ..." / "not ok - ...")
and exits 0 only if all of them are ok.
"""
import json
import math
import struct
import sys

from scapy.all import (ARP, ICMP, IP, TCP, UDP, Dot1Q, Ether, IPOption_NOP,
                       IPOption_EOL, IPOption_Router_Alert, IPv6, Raw,
                       rdpcap)
from scapy.utils import mac2str

LAN, WAN = 0, 1
GW = {LAN: "198.51.100.1", WAN: "203.0.113.1"}
HOST = {LAN: "198.51.100.2", WAN: "203.0.113.2"}         # static neighbours
HOST_MAC = {LAN: "02:00:00:00:a0:02", WAN: "02:00:00:00:b0:02"}
MTU = {LAN: 1500, WAN: 1400}
UNRESOLVED_NH = "203.0.113.254"   # route 192.0.2.0/25 via it, no neighbour entry
HELD_DST = "192.0.2.10"
NO_ROUTE_DST = "192.0.2.200"
MAX_PROBES = 3                    # settings.neighbour.max_probes
ICMP_ERR_MAX_IP_LEN = 576         # RFC 1812 4.3.2.3
OTHER = {LAN: WAN, WAN: LAN}
NAME = {LAN: "lan", WAN: "wan"}

# 28-byte IKEv2 header: SPIi, SPIr 0, next payload SA, version 2.0,
# IKE_SA_INIT, initiator flag, message id 0, length 28
IKE_HDR = bytes.fromhex("0102030405060708" "0000000000000000" "21202208" "00000000" "0000001c")


class Case:
    """One input frame. cls: the worker's class; drop: counter name of the
    reason it dies (classify's or the gateway's), or None; out: what must
    come out: ("fwd",), ("frag",), ("icmp", type, code, mtu), ("echo",),
    ("arp_reply",), ("held",), or None for nothing."""

    def __init__(self, name, port, frame, cls, drop=None, out=None, ip=None):
        self.name, self.port, self.frame = name, port, bytes(frame)
        self.cls, self.drop, self.out, self.ip = cls, drop, out, ip
        self.seen = []      # (port, Ether) that check() attributes to it

    def title(self):
        return "%s %s" % (NAME[self.port], self.name)


def eth(dst, src, etype):
    return mac2str(dst) + mac2str(src) + struct.pack("!H", etype)


def build_cases(mac):
    """mac: {LAN: lan0's MAC, WAN: wan0's MAC}"""
    cases = []
    ident = [0x4000]

    def next_id():
        ident[0] += 1
        return ident[0]

    def ipv4(port, l3, cls, drop=None, out=None, tail=b"", cut=None, dst_mac=None):
        """An IPv4 frame from the host on `port` to espgw's MAC."""
        l3 = bytes(l3)
        f = eth(dst_mac or mac[port], HOST_MAC[port], 0x0800) + l3 + tail
        if cut is not None:
            f = f[:cut]
        return Case(None, port, f, cls, drop, out, ip=l3)

    def add(name, case):
        case.name = name
        cases.append(case)

    for p in (LAN, WAN):
        src, dst, far = HOST[p], HOST[OTHER[p]], MTU[OTHER[p]]

        def ip(**kw):
            kw.setdefault("src", src)
            kw.setdefault("dst", dst)
            kw.setdefault("ttl", 64)
            return IP(id=next_id(), **kw)

        # --- transit, forwarded -------------------------------------------
        add("icmp echo 84 bytes", ipv4(p, ip() / ICMP(id=7, seq=1) / Raw(b"x" * 56), "plain", out=("fwd",)))
        add("udp empty payload (28-byte datagram)", ipv4(p, ip() / UDP(sport=1000, dport=2000), "plain", out=("fwd",)))
        add("udp 1000 bytes", ipv4(p, ip() / UDP(sport=1001, dport=2001) / Raw(bytes(range(250)) * 4),
                                   "plain", out=("fwd",)))
        add("tcp syn with options", ipv4(p, ip(flags="DF") / TCP(sport=40000, dport=80, flags="S",
                                                                  options=[("MSS", 1460), ("SAckOK", b""),
                                                                           ("WScale", 7)]),
                                         "plain", out=("fwd",)))
        add("tcp %d bytes = egress MTU, DF" % far,
            ipv4(p, ip(flags="DF") / TCP(sport=40001, dport=80, flags="A") / Raw(b"m" * (far - 40)),
                 "plain", out=("fwd",)))
        add("ip option router alert (IHL 6)",
            ipv4(p, ip(options=[IPOption_Router_Alert()]) / UDP(sport=1002, dport=2002) / Raw(b"ra" * 20),
                 "plain", out=("fwd",)))
        add("ip options 40 bytes (IHL 15)",
            ipv4(p, ip(options=[IPOption_NOP()] * 39 + [IPOption_EOL()]) / UDP(sport=1003, dport=2003)
                 / Raw(b"opt" * 10), "plain", out=("fwd",)))
        add("ttl 2 leaves with ttl 1", ipv4(p, ip(ttl=2) / UDP(sport=1004, dport=2004) / Raw(b"t2" * 8),
                                            "plain", out=("fwd",)))
        # RFC 1624: TTL-1 on a header whose checksum is 0xfeff must give
        # 0x0000 (what a recomputation gives), not 0xffff: the update's
        # end-around carry. The IP id is chosen to make that checksum.
        carry = ip(ttl=64 + p) / UDP(sport=1040, dport=2040) / Raw(b"carry")
        carry.id = id_for_cksum(carry, 0xfeff)
        add("ttl-1 on checksum 0xfeff (end-around carry)", ipv4(p, carry, "plain", out=("fwd",)))
        add("transit fragment (MF) goes on as it is",
            ipv4(p, ip(flags="MF") / UDP(sport=1005, dport=2005) / Raw(b"f" * 64), "plain", out=("fwd",)))
        # 18 bytes of non-zero Ethernet padding after a 28-byte datagram
        add("60-byte frame, 28-byte datagram + padding",
            ipv4(p, ip() / UDP(sport=1006, dport=2006), "plain", out=("fwd",), tail=b"\xab" * 18))

        # --- transit, answered with an ICMP error -------------------------
        add("ttl 1: time exceeded", ipv4(p, ip(ttl=1) / UDP(sport=1007, dport=2007) / Raw(b"t1" * 30),
                                         "plain", "drop_ttl_exceeded", ("icmp", 11, 0, None)))
        add("ttl 0: time exceeded", ipv4(p, ip(ttl=0) / ICMP(id=8, seq=2) / Raw(b"t0" * 10),
                                         "plain", "drop_ttl_exceeded", ("icmp", 11, 0, None)))
        add("ttl 1, 1000-byte datagram: quote capped at 576",
            ipv4(p, ip(ttl=1) / UDP(sport=1008, dport=2008) / Raw(b"Q" * 972),
                 "plain", "drop_ttl_exceeded", ("icmp", 11, 0, None)))
        add("ttl 1 on an ICMP error: dropped, no error about an error",
            ipv4(p, ip(ttl=1) / ICMP(type=3, code=1) / IP(src=dst, dst=src) / UDP(sport=9, dport=9),
                 "plain", "drop_ttl_exceeded", None))
        add("no route: net unreachable", ipv4(p, ip(dst=NO_ROUTE_DST) / UDP(sport=1009, dport=2009) / Raw(b"nr"),
                                              "plain", "drop_no_route", ("icmp", 3, 0, None)))

        # --- malformed or not forwardable ---------------------------------
        good = ip() / UDP(sport=1010, dport=2010) / Raw(b"c" * 50)
        bad = IP(bytes(good))
        bad.chksum ^= 0x0101
        add("bad ip checksum", ipv4(p, bad, "drop", "drop_ip_checksum"))
        add("ip total length 100 beyond the frame",
            ipv4(p, ip(len=178) / UDP(sport=1011, dport=2011) / Raw(b"L" * 50), "drop", "drop_ip_total_len"))
        add("ip total length below IHL",
            ipv4(p, ip(len=16) / UDP(sport=1012, dport=2012) / Raw(b"l" * 8), "drop", "drop_ip_total_len"))
        add("unicast to another MAC", ipv4(p, ip() / UDP(sport=1013, dport=2013), "drop",
                                           "drop_l2_other_host", dst_mac="02:00:00:00:ee:ee"))
        add("broadcast frame, dst 255.255.255.255",
            ipv4(p, ip(dst="255.255.255.255") / UDP(sport=1014, dport=2014), "drop",
                 "drop_ip_dst_not_unicast", dst_mac="ff:ff:ff:ff:ff:ff"))
        add("unicast frame, dst 255.255.255.255",
            ipv4(p, ip(dst="255.255.255.255") / UDP(sport=1015, dport=2015), "drop", "drop_ip_dst_not_unicast"))
        # directed broadcasts of either connected /24 (RFC 2644): not
        # forwarded, and no ARP for them either
        for q in (LAN, WAN):
            net = GW[q].rsplit(".", 1)[0]
            add("directed broadcast %s.255" % net,
                ipv4(p, ip(dst=net + ".255") / UDP(sport=1019, dport=2019), "drop",
                     "drop_ip_dst_not_unicast"))
            add("network address %s.0" % net,
                ipv4(p, ip(dst=net + ".0") / UDP(sport=1020, dport=2020), "drop",
                     "drop_ip_dst_not_unicast"))
        add("multicast dst 224.0.0.251", ipv4(p, ip(dst="224.0.0.251") / UDP(sport=5353, dport=5353),
                                              "drop", "drop_ip_dst_not_unicast"))
        add("martian src 127.0.0.1", ipv4(p, ip(src="127.0.0.1") / UDP(sport=1016, dport=2016),
                                          "drop", "drop_ip_martian_src"))
        add("martian src = gateway's own address", ipv4(p, ip(src=GW[p]) / UDP(sport=1017, dport=2017),
                                                        "drop", "drop_ip_martian_src"))
        add("ip version 6 in an IPv4 ethertype", ipv4(p, ip(version=6) / UDP(sport=1018, dport=2018),
                                                       "drop", "drop_ip_version"))
        add("ip IHL 4", ipv4(p, ip(ihl=4) / UDP(sport=1019, dport=2019), "drop", "drop_ip_hdr_len"))
        tcp = ip() / TCP(sport=40002, dport=80, flags="A") / Raw(b"T" * 100)
        for cut, why in ((10, "drop_runt"), (13, "drop_runt"), (20, "drop_ip_truncated"),
                         (33, "drop_ip_truncated"), (34, "drop_ip_total_len"), (60, "drop_ip_total_len"),
                         (100, "drop_ip_total_len")):
            add("frame cut at %d bytes" % cut, ipv4(p, tcp, "drop", why, cut=cut))
        add("frame cut inside the ip options",
            ipv4(p, ip(options=[IPOption_NOP()] * 8) / UDP(sport=1020, dport=2020), "drop",
                 "drop_ip_truncated", cut=14 + 24))
        add("ethertype IPv6", Case(None, p, eth(mac[p], HOST_MAC[p], 0x86dd) + bytes(IPv6() / UDP()),
                                   "drop", "drop_ethertype"))
        add("vlan tagged IPv4", Case(None, p, bytes(Ether(dst=mac[p], src=HOST_MAC[p]) / Dot1Q(vlan=5)
                                                    / ip() / UDP()), "drop", "drop_ethertype"))

        # --- too big for the egress MTU -----------------------------------
        add("%d bytes with DF, egress MTU %d: frag needed" % (far + 1, far),
            ipv4(p, ip(flags="DF") / UDP(sport=1021, dport=2021) / Raw(b"D" * (far + 1 - 28)),
                 "plain", "drop_mtu_df", ("icmp", 3, 4, far)))
        add("%d bytes without DF, egress MTU %d: fragmented" % (far + 100, far),
            ipv4(p, ip() / UDP(sport=1022, dport=2022) / Raw((bytes(range(256)) * 8)[:far + 100 - 28]),
                 "plain", None, ("frag",)))

        # --- to the gateway itself ----------------------------------------
        add("echo request to the gateway", ipv4(p, ip(dst=GW[p]) / ICMP(id=0x77, seq=p + 1) / Raw(b"ping" * 14),
                                                "icmp_echo", None, ("echo",)))
        add("echo request to the far gateway address",
            ipv4(p, ip(dst=GW[OTHER[p]]) / ICMP(id=0x78, seq=p + 1) / Raw(b"far" * 10), "icmp_echo", None, ("echo",)))
        add("ICMP header cut short (4 bytes)", ipv4(p, ip(dst=GW[p], proto=1) / Raw(b"\x08\x00\x00\x00"),
                                                    "drop", "drop_icmp_malformed"))
        add("ICMP timestamp request to the gateway", ipv4(p, ip(dst=GW[p]) / ICMP(type=13),
                                                          "drop", "drop_local_other"))
        add("tcp to the gateway", ipv4(p, ip(dst=GW[p]) / TCP(sport=40003, dport=22, flags="S"),
                                       "drop", "drop_local_other"))
        add("fragment to the gateway", ipv4(p, ip(dst=GW[p], flags="MF") / ICMP() / Raw(b"z" * 40),
                                            "drop", "drop_local_fragment"))
        asker = "198.51.100.7" if p == LAN else "203.0.113.7"
        asker_mac = "02:00:00:00:%s:07" % ("a0" if p == LAN else "b0")
        add("ARP request for the gateway", Case(None, p, Ether(dst="ff:ff:ff:ff:ff:ff", src=asker_mac)
                                                / ARP(op=1, hwsrc=asker_mac, psrc=asker, pdst=GW[p]),
                                                "arp", None, ("arp_reply",)))
        other_asker = "198.51.100.8" if p == LAN else "203.0.113.8"
        add("ARP request for another host", Case(None, p, Ether(dst="ff:ff:ff:ff:ff:ff", src="02:00:00:00:cc:08")
                                                 / ARP(op=1, hwsrc="02:00:00:00:cc:08", psrc=other_asker,
                                                       pdst=other_asker.replace(".8", ".50")),
                                                 "arp", "drop_arp_ignored"))
        add("ARP over IEEE 802 (hardware type 6)", Case(None, p, Ether(dst="ff:ff:ff:ff:ff:ff", src=asker_mac)
                                                        / ARP(op=1, hwtype=6, hwsrc=asker_mac, psrc=asker,
                                                              pdst=GW[p]),
                                                "drop", "drop_arp_malformed"))

    # --- held for a next hop that never answers (lan -> 192.0.2.0/25) -----
    add("next hop 203.0.113.254 never answers ARP",
        ipv4(LAN, IP(id=next_id(), src=HOST[LAN], dst=HELD_DST) / UDP(sport=1030, dport=2030) / Raw(b"h" * 20),
             "plain", "drop_neigh_unresolved", ("held",)))

    # --- IKE and ESP: the public side only --------------------------------
    def wan_local(l4):
        return IP(id=next_id(), src=HOST[WAN], dst=GW[WAN]) / l4

    add("IKE on UDP 500", ipv4(WAN, wan_local(UDP(sport=500, dport=500) / Raw(IKE_HDR)),
                               "ike", "drop_ike_unhandled"))
    add("IKE on UDP 4500 after the non-ESP marker",
        ipv4(WAN, wan_local(UDP(sport=4500, dport=4500) / Raw(b"\0\0\0\0" + IKE_HDR)), "ike_natt",
             "drop_ike_unhandled"))
    # no SA here: counted, then dropped by the control lcore for want of a
    # NAT binding to refresh
    add("NAT-T keepalive 0xFF", ipv4(WAN, wan_local(UDP(sport=4500, dport=4500) / Raw(b"\xff")),
                                     "natt_keepalive", "drop_keepalive_no_sa"))
    add("ESP in UDP, SPI 0x1234", ipv4(WAN, wan_local(UDP(sport=4500, dport=4500)
                                                      / Raw(struct.pack("!II", 0x1234, 1) + b"e" * 40)),
                                       "esp_udp", "drop_esp_no_sa"))
    add("ESP, SPI 0x1234", ipv4(WAN, IP(id=next_id(), src=HOST[WAN], dst=GW[WAN], proto=50)
                                / Raw(struct.pack("!II", 0x1234, 1) + b"e" * 40), "esp", "drop_esp_no_sa"))
    add("ESP, SPI 0", ipv4(WAN, IP(id=next_id(), src=HOST[WAN], dst=GW[WAN], proto=50)
                           / Raw(struct.pack("!II", 0, 1) + b"e" * 40), "drop", "drop_esp_spi_zero"))
    add("ESP cut short (4 bytes)", ipv4(WAN, IP(id=next_id(), src=HOST[WAN], dst=GW[WAN], proto=50)
                                        / Raw(b"\0\0\x12\x34"), "drop", "drop_esp_short"))
    add("IKE on UDP 500 shorter than its header",
        ipv4(WAN, wan_local(UDP(sport=500, dport=500) / Raw(IKE_HDR[:10])), "drop", "drop_ike_short"))
    add("UDP 4500 holding only the non-ESP marker",
        ipv4(WAN, wan_local(UDP(sport=4500, dport=4500) / Raw(b"\0\0\0\0")), "drop", "drop_ike_short"))
    add("UDP 4500 with 2 bytes", ipv4(WAN, wan_local(UDP(sport=4500, dport=4500) / Raw(b"\x01\x02")),
                                      "drop", "drop_natt_malformed"))
    add("UDP length past the datagram", ipv4(WAN, wan_local(UDP(sport=500, dport=500, len=200) / Raw(IKE_HDR)),
                                             "drop", "drop_udp_malformed"))
    add("UDP to an unserved port", ipv4(WAN, wan_local(UDP(sport=53, dport=53) / Raw(b"q" * 12)),
                                        "drop", "drop_local_other"))
    add("IKE to the LAN address (private port)",
        ipv4(LAN, IP(id=next_id(), src=HOST[LAN], dst=GW[LAN]) / UDP(sport=500, dport=500) / Raw(IKE_HDR),
             "drop", "drop_local_other"))
    add("IKE to the WAN address through the LAN port",
        ipv4(LAN, IP(id=next_id(), src=HOST[LAN], dst=GW[WAN]) / UDP(sport=500, dport=500) / Raw(IKE_HDR),
             "drop", "drop_local_other"))
    add("ESP to the LAN address", ipv4(LAN, IP(id=next_id(), src=HOST[LAN], dst=GW[LAN], proto=50)
                                       / Raw(struct.pack("!II", 0x1234, 1) + b"e" * 40), "drop", "drop_local_other"))
    return cases


def id_for_cksum(pkt, want):
    """An IP id (outside next_id()'s 0x4000 block) that gives pkt's header
    checksum `want`; ones' complement sums make exactly one id fit."""
    hdr = bytearray(bytes(pkt)[:pkt.ihl * 4 if pkt.ihl else 20])
    hdr[4:6] = hdr[10:12] = b"\0\0"
    base = sum(struct.unpack("!%dH" % (len(hdr) // 2), bytes(hdr)))
    for ident in range(0x10000):
        if 0x4000 <= ident < 0x5000:
            continue
        total = base + ident
        while total >> 16:
            total = (total & 0xffff) + (total >> 16)
        if (~total & 0xffff) == want:
            q = IP(bytes(pkt))
            q.id = ident
            del q.chksum
            assert IP(bytes(q)).chksum == want
            return ident
    raise AssertionError("no IP id gives checksum %#x" % want)


def n_frags(ip_len, ihl, mtu):
    """How many fragments rte_ipv4_fragment_packet makes (RFC 791)."""
    per = (mtu - ihl) // 8 * 8
    return math.ceil((ip_len - ihl) / per)


def expected_counters(cases):
    """Every counter /espgw/stats,total reports, as the cases predict it."""
    e = {}

    def add(k, n=1):
        e[k] = e.get(k, 0) + n

    held_nh = set()
    for c in cases:
        add("rx")
        add("class_" + c.cls)
        if c.drop:
            add(c.drop)
        kind = c.out[0] if c.out else None
        # what the worker hands to the control lcore
        if c.cls in ("arp", "icmp_echo", "ike", "ike_natt", "natt_keepalive") or \
                c.drop in ("drop_ttl_exceeded", "drop_no_route", "drop_mtu_df", "drop_neigh_unresolved") or \
                kind == "frag":
            add("to_control")
        if kind == "fwd":
            add("tx")
        elif kind == "frag":
            ip = IP(c.ip)
            n = n_frags(ip.len, ip.ihl * 4, MTU[OTHER[c.port]])
            add("tx", n)
            add("event_fragments_sent", n)
        elif kind == "icmp":
            add("tx")
            add("event_icmp_error_sent")
        elif kind == "echo":
            add("tx")
            add("event_icmp_echo_reply")
        elif kind == "arp_reply":
            add("tx")
            add("event_arp_reply_sent")
        elif kind == "held":
            if UNRESOLVED_NH not in held_nh:
                held_nh.add(UNRESOLVED_NH)
                add("tx", MAX_PROBES)
                add("event_arp_request_sent", MAX_PROBES)
    return e


# --- checking -----------------------------------------------------------------

class Tap:
    def __init__(self):
        self.passed = self.failed = 0

    def ok(self, cond, desc, why=""):
        if cond:
            self.passed += 1
            print("ok - " + desc)
        else:
            self.failed += 1
            print("not ok - " + desc)
            for line in str(why).splitlines():
                print("#   " + line)
        return cond


def ip_cksum_ok(raw_ip):
    """The header checksum as scapy recomputes it (del chksum, rebuild)."""
    p = IP(raw_ip)
    q = p.copy()
    del q.chksum
    return p.chksum == IP(bytes(q)).chksum


def icmp_cksum_ok(raw_ip):
    p = IP(raw_ip)
    icmp = p[ICMP]
    q = ICMP(bytes(icmp))
    del q.chksum
    return icmp.chksum == ICMP(bytes(q)).chksum


def same_but_ttl(a, b, dttl):
    """IP datagrams a (in) and b (out): b is a with TTL - dttl, and nothing
    else changed but the header checksum."""
    if len(a) != len(b) or len(a) < 20:
        return "lengths %d/%d" % (len(a), len(b))
    if a[8] - dttl != b[8]:
        return "ttl %d -> %d, want %d" % (a[8], b[8], a[8] - dttl)
    if a[:8] != b[:8] or a[9:10] != b[9:10] or a[12:] != b[12:]:
        diff = [i for i in range(len(a)) if a[i] != b[i] and i not in (8, 10, 11)]
        return "bytes differ at offsets %s" % diff[:10]
    return None


def check_fwd(c, outs, mac, tap):
    want_port = OTHER[c.port]
    tap.ok(len(outs) == 1 and outs[0][0] == want_port,
           "%s: forwarded once, out of %s" % (c.title(), NAME[want_port]),
           "came out %s" % [NAME[p] for p, _ in outs])
    if len(outs) != 1:
        return
    _, f = outs[0]
    raw = bytes(f)
    ip_in = c.ip
    ip_len = IP(ip_in).len
    out_ip = raw[14:]
    problems = []
    if f.src != mac[want_port]:
        problems.append("src MAC %s, want egress port's %s" % (f.src, mac[want_port]))
    if f.dst != HOST_MAC[want_port]:
        problems.append("dst MAC %s, want static neighbour's %s" % (f.dst, HOST_MAC[want_port]))
    if f.type != 0x0800:
        problems.append("ethertype %#x" % f.type)
    if len(out_ip) < ip_len:
        problems.append("datagram cut: %d bytes of %d" % (len(out_ip), ip_len))
    d = same_but_ttl(ip_in[:ip_len], out_ip[:ip_len], 1)
    if d:
        problems.append(d)
    if not ip_cksum_ok(out_ip[:ip_len]):
        problems.append("IP header checksum wrong")
    tail = out_ip[ip_len:]
    in_tail = c.frame[14 + ip_len:]
    if tail and tail != in_tail[:len(tail)]:
        problems.append("bytes after the datagram changed")
    tap.ok(not problems, "%s: TTL-1, checksum valid, MACs rewritten, rest unchanged" % c.title(),
           "\n".join(problems))
    if len(c.frame) > 14 + ip_len:     # the padding case
        tap.ok(len(raw) == 14 + ip_len,
               "%s: Ethernet padding trimmed (frame %d -> %d bytes)" % (c.title(), len(c.frame), len(raw)),
               "out frame %d bytes, datagram %d" % (len(raw), ip_len))


def check_frag(c, outs, mac, tap):
    want_port = OTHER[c.port]
    ip_in = IP(c.ip)
    mtu = MTU[want_port]
    n = n_frags(ip_in.len, ip_in.ihl * 4, mtu)
    tap.ok(len(outs) == n and all(p == want_port for p, _ in outs),
           "%s: %d fragments out of %s" % (c.title(), n, NAME[want_port]),
           "got %d on %s" % (len(outs), [NAME[p] for p, _ in outs]))
    problems = []
    pieces = []
    for _, f in outs:
        raw_ip = bytes(f)[14:]
        p = IP(raw_ip)
        if p.len > mtu:
            problems.append("fragment of %d bytes > MTU %d" % (p.len, mtu))
        if not ip_cksum_ok(raw_ip[:p.ihl * 4]):
            problems.append("fragment at %d: IP header checksum wrong (%#x)" % (p.frag * 8, p.chksum))
        if p.ttl != ip_in.ttl - 1:
            problems.append("fragment ttl %d" % p.ttl)
        if (p.src, p.dst, p.proto) != (ip_in.src, ip_in.dst, ip_in.proto):
            problems.append("fragment header fields changed")
        if f.src != mac[want_port] or f.dst != HOST_MAC[want_port]:
            problems.append("fragment MACs %s -> %s" % (f.src, f.dst))
        pieces.append((p.frag * 8, bool(p.flags.MF), raw_ip[p.ihl * 4:p.len]))
    pieces.sort()
    data = b""
    for i, (off, mf, chunk) in enumerate(pieces):
        if off != len(data):
            problems.append("gap or overlap at offset %d" % off)
        if mf != (i < len(pieces) - 1):
            problems.append("MF flag wrong on the fragment at %d" % off)
        data += chunk
    if data != bytes(ip_in.payload):
        problems.append("reassembled payload differs from the input")
    tap.ok(not problems and outs, "%s: fragments valid (checksums, TTL-1, MF, offsets), reassemble to the input"
           % c.title(), "\n".join(problems))


def check_icmp(c, outs, mac, tap):
    _, itype, icode, mtu = c.out
    ok1 = tap.ok(len(outs) == 1 and outs[0][0] == c.port,
                 "%s: one ICMP %d/%d back out of %s" % (c.title(), itype, icode, NAME[c.port]),
                 "came out %s" % [NAME[p] for p, _ in outs])
    if not ok1:
        return
    f = outs[0][1]
    raw_ip = bytes(f)[14:]
    p = IP(raw_ip)
    orig = c.ip[:IP(c.ip).len]
    problems = []
    if p.src != GW[c.port]:
        problems.append("src %s, want the ingress address %s" % (p.src, GW[c.port]))
    if p.dst != IP(c.ip).src:
        problems.append("dst %s, want the offender %s" % (p.dst, IP(c.ip).src))
    if f.src != mac[c.port] or f.dst != HOST_MAC[c.port]:
        problems.append("MACs %s -> %s" % (f.src, f.dst))
    if not ip_cksum_ok(raw_ip[:p.ihl * 4]) or not icmp_cksum_ok(raw_ip):
        problems.append("IP or ICMP checksum wrong")
    icmp = bytes(p[ICMP])
    if (icmp[0], icmp[1]) != (itype, icode):
        problems.append("type/code %d/%d" % (icmp[0], icmp[1]))
    if mtu is not None and struct.unpack("!H", icmp[6:8])[0] != mtu:
        problems.append("next-hop MTU %d, want %d" % (struct.unpack("!H", icmp[6:8])[0], mtu))
    if p.len > ICMP_ERR_MAX_IP_LEN:
        problems.append("error datagram %d bytes > 576" % p.len)
    quote = icmp[8:]
    want_len = min(len(orig), ICMP_ERR_MAX_IP_LEN - 28)
    if len(quote) != want_len:
        problems.append("quote %d bytes, want %d" % (len(quote), want_len))
    # every error, frag needed too, quotes the datagram as it was received
    if quote != orig[:len(quote)]:
        problems.append("quote is not the original datagram as received")
    tap.ok(not problems, "%s: from %s to the offender, checksums valid, quotes the original"
           % (c.title(), GW[c.port]), "\n".join(problems))


def check_echo(c, outs, mac, tap):
    if not tap.ok(len(outs) == 1 and outs[0][0] == c.port,
                  "%s: one echo reply out of %s" % (c.title(), NAME[c.port]),
                  "came out %s" % [NAME[p] for p, _ in outs]):
        return
    f = outs[0][1]
    req = IP(c.ip)
    raw_ip = bytes(f)[14:]
    p = IP(raw_ip)
    problems = []
    if (p.src, p.dst) != (req.dst, req.src):
        problems.append("addresses %s -> %s" % (p.src, p.dst))
    if f.src != mac[c.port] or f.dst != HOST_MAC[c.port]:
        problems.append("MACs %s -> %s" % (f.src, f.dst))
    if not ip_cksum_ok(raw_ip[:p.ihl * 4]) or not icmp_cksum_ok(raw_ip):
        problems.append("IP or ICMP checksum wrong")
    if p[ICMP].type != 0 or p[ICMP].code != 0:
        problems.append("ICMP type %d code %d" % (p[ICMP].type, p[ICMP].code))
    if (p[ICMP].id, p[ICMP].seq) != (req[ICMP].id, req[ICMP].seq) or \
            bytes(p[ICMP].payload) != bytes(req[ICMP].payload):
        problems.append("identifier, sequence or data changed")
    tap.ok(not problems, "%s: reply from %s, id/seq/data echoed, checksums valid" % (c.title(), req.dst),
           "\n".join(problems))


def check_arp_reply(c, outs, mac, tap):
    if not tap.ok(len(outs) == 1 and outs[0][0] == c.port,
                  "%s: one ARP reply out of %s" % (c.title(), NAME[c.port]),
                  "came out %s" % [NAME[p] for p, _ in outs]):
        return
    f = outs[0][1]
    req = Ether(c.frame)[ARP]
    a = f[ARP]
    want = dict(hwtype=1, ptype=0x0800, hwlen=6, plen=4, op=2, hwsrc=mac[c.port], psrc=GW[c.port],
                hwdst=req.hwsrc, pdst=req.psrc)
    problems = ["%s %s, want %s" % (k, getattr(a, k), v) for k, v in want.items() if getattr(a, k) != v]
    if f.dst != req.hwsrc or f.src != mac[c.port]:
        problems.append("Ethernet %s -> %s" % (f.src, f.dst))
    if len(bytes(f)) != 42:
        problems.append("frame %d bytes, want 42" % len(bytes(f)))
    tap.ok(not problems, "%s: %s is-at %s, to the asker" % (c.title(), GW[c.port], mac[c.port]),
           "\n".join(problems))


def check_held(c, outs, mac, tap):
    port = WAN
    reqs = [f for p, f in outs if p == port]
    tap.ok(len(reqs) == MAX_PROBES and len(outs) == MAX_PROBES,
           "%s: %d ARP requests out of wan, nothing else" % (c.title(), MAX_PROBES),
           "got %d (%s)" % (len(outs), [NAME[p] for p, _ in outs]))
    problems = []
    for f in reqs:
        a = f[ARP]
        if f.dst != "ff:ff:ff:ff:ff:ff" or f.src != mac[port]:
            problems.append("Ethernet %s -> %s" % (f.src, f.dst))
        if (a.op, a.hwsrc, a.psrc, a.hwdst, a.pdst) != (1, mac[port], GW[port], "00:00:00:00:00:00",
                                                         UNRESOLVED_NH):
            problems.append("ARP %s" % a.summary())
    tap.ok(not problems and reqs, "%s: broadcast who-has %s tell %s" % (c.title(), UNRESOLVED_NH, GW[port]),
           "\n".join(problems))


CHECKERS = {"fwd": check_fwd, "frag": check_frag, "icmp": check_icmp, "echo": check_echo,
            "arp_reply": check_arp_reply, "held": check_held}


def attribute(cases, out):
    """Give every output frame to the case it belongs to; returns the strays."""
    by_id = {}
    for c in cases:
        if c.ip is not None and len(c.ip) >= 20:
            by_id.setdefault(IP(c.ip).id, c)
    held = [c for c in cases if c.out and c.out[0] == "held"]
    arp_by_asker = {Ether(c.frame)[ARP].psrc: c for c in cases if c.out and c.out[0] == "arp_reply"}
    strays = []
    for port, frames in out.items():
        for f in frames:
            c = None
            if ARP in f:
                if f[ARP].op == 1 and f[ARP].pdst == UNRESOLVED_NH and held:
                    c = held[0]
                elif f[ARP].op == 2:
                    c = arp_by_asker.get(f[ARP].pdst)
            elif IP in f:
                p = f[IP]
                if p.src in GW.values() and p.proto == 1 and ICMP in p and p[ICMP].type in (3, 11):
                    q = bytes(p[ICMP])[8:]
                    if len(q) >= 20:
                        c = by_id.get(struct.unpack("!H", q[4:6])[0])
                        if c is not None and not (c.out and c.out[0] == "icmp"):
                            c = None
                else:
                    c = by_id.get(p.id)
                    if c is not None and c.out is None:
                        c = None
            if c is None:
                strays.append((port, f))
            else:
                c.seen.append((port, f))
    return strays


def check(d, mac, stats_path):
    tap = Tap()
    cases = build_cases(mac)
    out = {}
    for port in (LAN, WAN):
        try:
            out[port] = list(rdpcap("%s/out%d.pcap" % (d, port)))
        except Exception as e:      # empty or missing file
            tap.ok(False, "read out%d.pcap" % port, e)
            out[port] = []
    strays = attribute(cases, out)
    for c in cases:
        if c.out is None:
            tap.ok(not c.seen, "%s: nothing comes out (%s)" % (c.title(), c.drop or "class_" + c.cls),
                   "came out %s" % [(NAME[p], f.summary()) for p, f in c.seen])
        else:
            CHECKERS[c.out[0]](c, c.seen, mac, tap)
    tap.ok(not strays, "no output frame without a case (%d frames in all)" % sum(len(v) for v in out.values()),
           "\n".join("%s: %s" % (NAME[p], f.summary()) for p, f in strays[:20]))

    with open(stats_path) as fh:
        stats = json.load(fh)
    want = expected_counters(cases)
    for k in sorted(set(stats) | set(want)):
        if want.get(k, 0) == 0 and stats.get(k, 0) == 0:
            continue
        n_cases = sum(1 for c in cases if k in (c.drop, "class_" + c.cls))
        tap.ok(stats.get(k) == want.get(k, 0),
               "counter %s = %d%s" % (k, want.get(k, 0), " (%d cases)" % n_cases if n_cases else ""),
               "espgw says %s" % stats.get(k))
    zero = [k for k in stats if want.get(k, 0) == 0]
    tap.ok(all(stats[k] == 0 for k in zero), "the other %d counters stay 0" % len(zero),
           ", ".join("%s=%d" % (k, stats[k]) for k in zero if stats[k]))
    n_out = sum(len(v) for v in out.values())
    tap.ok(stats.get("tx") == n_out, "tx (%s) = frames in the output pcaps (%d)" % (stats.get("tx"), n_out))
    print("# pcap_check: %d passed, %d failed" % (tap.passed, tap.failed))
    return 0 if tap.failed == 0 else 1


def empty(d):
    for port in (LAN, WAN):
        write_pcap("%s/in%d.pcap" % (d, port), [])
    return 0


PCAP_HDR = struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)   # LINKTYPE_ETHERNET


def write_pcap(path, frames):
    """Frames byte for byte as built (no scapy re-serialisation of the bad ones)."""
    with open(path, "wb") as fh:
        fh.write(PCAP_HDR)
        for i, f in enumerate(frames):
            fh.write(struct.pack("<IIII", 1700000000, i, len(f), len(f)) + f)


def gen(d, mac):
    cases = build_cases(mac)
    for port in (LAN, WAN):
        write_pcap("%s/in%d.pcap" % (d, port), [c.frame for c in cases if c.port == port])
    with open("%s/cases.txt" % d, "w") as fh:
        for i, c in enumerate(cases):
            fh.write("%3d %-50s %-15s %-26s %s\n" % (i, c.title(), c.cls, c.drop or "-",
                                                     c.out[0] if c.out else "-"))
    n = {p: sum(1 for c in cases if c.port == p) for p in (LAN, WAN)}
    want = expected_counters(cases)
    print("%d %d %d %d" % (n[LAN], n[WAN], want.get("tx", 0), want.get("drop_neigh_unresolved", 0)))
    return 0


def main(a):
    if len(a) == 3 and a[1] == "empty":
        return empty(a[2])
    if len(a) >= 5 and a[1] in ("gen", "check"):
        mac = {LAN: a[3].lower(), WAN: a[4].lower()}
        if a[1] == "gen":
            return gen(a[2], mac)
        if len(a) == 6:
            return check(a[2], mac, a[5])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
