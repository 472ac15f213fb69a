#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Helper of bench_forward.sh (see there for what is measured).

    bench_forward.py gen OUT.pcap IP_SIZE DST_MAC [FLOWS]
        UDP/IPv4 packets of IP total length IP_SIZE (frame = +14), one per
        flow: src 198.51.100.2 port 10000+i, dst 203.0.113.(1 + i % 200)
        port 9, to DST_MAC (the net_pcap port's MAC).
    bench_forward.py table RESULTS TSC_HZ
        RESULTS: lines "SIZE espgw|testpmd RX_PPS TX_PPS NOTE"; prints the
        table of medians.

The rates themselves are read by bench_common.py (shared with bench_esp).
"""
import sys

from bench_common import median


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
        e_pps = median(rx for rx, _ in e)
        e_txrx = median(tx / rx if rx else 0 for rx, tx in e)
        t_pps = median(rx for rx, _ in t)
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
    elif len(argv) == 4 and argv[1] == "table":
        table(argv[2], float(argv[3]))
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
