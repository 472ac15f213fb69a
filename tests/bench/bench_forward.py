#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Helper of bench_forward.sh (see there for what is measured).

    bench_forward.py gen OUT.pcap IP_SIZE DST_MAC [FLOWS]
        UDP/IPv4 packets of IP total length IP_SIZE (frame = +14), one per
        flow: src 198.51.100.2 port 10000+i, dst 203.0.113.(1 + i % 200)
        port 9, to DST_MAC (the net_pcap port's MAC).
    bench_forward.py rate PREFIX espgw|testpmd WARMUP SECONDS
        Waits (up to 30 s) for the telemetry socket of the DPDK primary
        with EAL file prefix PREFIX, sleeps WARMUP s, reads its counters
        twice SECONDS apart and prints "RX_PPS TX_PPS NOTE" (NOTE: the drop
        counters that moved, "-" when none). espgw: /espgw/stats,total rx
        and tx. testpmd: /ethdev/stats,0 ipackets (the pcap port) and
        /ethdev/stats,1 opackets (the null port).
    bench_forward.py table RESULTS TSC_HZ
        RESULTS: lines "SIZE espgw|testpmd RX_PPS TX_PPS NOTE"; prints the
        table of medians.
"""
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integ"))
import telemetry  # noqa: E402


def gen(out, ip_size, dst_mac, flows=256):
    from scapy.all import IP, UDP, Ether, Raw, wrpcap
    payload = ip_size - 20 - 8
    if payload < 0:
        sys.exit("IP size %d < 28" % ip_size)
    pkts = []
    for i in range(flows):
        p = (Ether(dst=dst_mac, src="02:00:00:00:00:01") /
             IP(src="198.51.100.2", dst="203.0.113.%d" % (1 + i % 200), ttl=64) /
             UDP(sport=10000 + i, dport=9) / Raw(b"\x00" * payload))
        p = Ether(bytes(p))  # fill in lengths and checksums
        assert len(p[IP]) == ip_size
        pkts.append(p)
    wrpcap(out, pkts)


def snapshot(prefix, kind):
    """(time, rx, tx, {drop counter: value})"""
    t0 = time.monotonic()
    if kind == "espgw":
        s = telemetry.query(prefix, "/espgw/stats,total")
        t1 = time.monotonic()
        drops = {k: v for k, v in s.items() if k.startswith("drop_")}
        return (t0 + t1) / 2, s["rx"], s["tx"], drops
    p0 = telemetry.query(prefix, "/ethdev/stats,0")
    p1 = telemetry.query(prefix, "/ethdev/stats,1")
    t1 = time.monotonic()
    drops = {"port0_imissed": p0["imissed"], "port0_rx_nombuf": p0["rx_nombuf"],
             "port0_ierrors": p0["ierrors"], "port1_oerrors": p1["oerrors"],
             "port1_ipackets": p1["ipackets"]}
    return (t0 + t1) / 2, p0["ipackets"], p1["opackets"], drops


def rate(prefix, kind, warmup, seconds):
    deadline = time.monotonic() + 30
    while True:
        try:
            snapshot(prefix, kind)
            break
        except (OSError, ValueError, KeyError):
            if time.monotonic() > deadline:
                sys.exit("no telemetry from %s (%s)" % (prefix, kind))
            time.sleep(0.1)
    time.sleep(warmup)
    ta, rxa, txa, da = snapshot(prefix, kind)
    time.sleep(seconds)
    tb, rxb, txb, db = snapshot(prefix, kind)
    dt = tb - ta
    moved = ["%s+%d" % (k, db[k] - da[k]) for k in sorted(db) if db[k] != da[k]]
    print("%.0f %.0f %s" % ((rxb - rxa) / dt, (txb - txa) / dt, ",".join(moved) or "-"))


def table(results, tsc_hz):
    runs = {}
    notes = []
    with open(results) as f:
        for line in f:
            size, kind, rx, tx, note = line.split()
            runs.setdefault((int(size), kind), []).append((float(rx), float(tx)))
            if note != "-":
                notes.append("%s B %s: %s" % (size, kind, note))
    hdr = ("IP size | espgw Mpps | espgw Gbps | espgw cyc/pkt | testpmd io Mpps"
           " | espgw/io | espgw tx/rx | runs")
    print(hdr)
    print("-" * len(hdr))
    for size in sorted({s for s, _ in runs}):
        e = runs.get((size, "espgw"), [])
        t = runs.get((size, "testpmd"), [])
        if not e or not t:
            continue
        e_pps = statistics.median(rx for rx, _ in e)
        e_txrx = statistics.median(tx / rx if rx else 0 for rx, tx in e)
        t_pps = statistics.median(rx for rx, _ in t)
        print("%7d | %10.2f | %10.2f | %13.0f | %15.2f | %8.2f | %11.4f | %d+%d" % (
            size, e_pps / 1e6, e_pps * size * 8 / 1e9, tsc_hz / e_pps if e_pps else 0,
            t_pps / 1e6, e_pps / t_pps if t_pps else 0, e_txrx, len(e), len(t)))
    if notes:
        print("\ndrop/unexpected counters that moved during a measured window:")
        for n in notes:
            print("  " + n)
    else:
        print("\nno drop counter moved in any measured window (espgw drop_*,"
              " testpmd imissed/rx_nombuf/ierrors/oerrors)")


def main(argv):
    if len(argv) >= 5 and argv[1] == "gen":
        gen(argv[2], int(argv[3]), argv[4], int(argv[5]) if len(argv) > 5 else 256)
    elif len(argv) == 6 and argv[1] == "rate":
        rate(argv[2], argv[3], float(argv[4]), float(argv[5]))
    elif len(argv) == 4 and argv[1] == "table":
        table(argv[2], float(argv[3]))
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
