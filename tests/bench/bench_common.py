#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""What the packet benchmarks (bench_forward.py, bench_esp.py) share: reading
a running DPDK primary's counters over telemetry and turning two readings
into rates.

    bench_common.py rate PREFIX KIND WARMUP SECONDS
        Waits (up to 30 s) for the telemetry socket of the DPDK primary with
        EAL file prefix PREFIX, sleeps WARMUP s, reads its counters twice
        SECONDS apart and prints "RX_PPS TX_PPS NOTE" (NOTE: the drop
        counters that moved, "-" when none). KIND says which counters:
          espgw   /espgw/stats,total rx and tx, drops: every drop_* key
          ethdev  /ethdev/stats,0 ipackets (the pcap port) and
                  /ethdev/stats,1 opackets (the sink port), for testpmd
                  and ipsec-secgw (whose own /examples/ipsec-secgw/stats
                  22.11's telemetry refuses: '-' is not allowed in names)
    bench_common.py settle PREFIX N [TIMEOUT]
        For a run over a pcap read once: waits until port 0 has received N
        packets and port 1's opackets stopped moving; prints
        "IPACKETS OPACKETS".
"""
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integ"))
import telemetry  # noqa: E402


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


def wait_ready(prefix, kind, timeout=30):
    deadline = time.monotonic() + timeout
    while True:
        try:
            return snapshot(prefix, kind)
        except (OSError, ValueError, KeyError, TypeError):
            if time.monotonic() > deadline:
                sys.exit("no telemetry from %s (%s)" % (prefix, kind))
            time.sleep(0.1)


def rate(prefix, kind, warmup, seconds):
    wait_ready(prefix, kind)
    time.sleep(warmup)
    ta, rxa, txa, da = snapshot(prefix, kind)
    time.sleep(seconds)
    tb, rxb, txb, db = snapshot(prefix, kind)
    dt = tb - ta
    moved = ["%s+%d" % (k, db[k] - da[k]) for k in sorted(db) if db[k] != da[k]]
    print("%.0f %.0f %s" % ((rxb - rxa) / dt, (txb - txa) / dt, ",".join(moved) or "-"))


def settle(prefix, n, timeout=30.0):
    wait_ready(prefix, "ethdev")
    deadline = time.monotonic() + timeout
    last, still = None, 0
    while time.monotonic() < deadline:
        _, rx, tx, _ = snapshot(prefix, "ethdev")
        still = still + 1 if (rx, tx) == last else 0
        last = (rx, tx)
        if rx >= n and still >= 3:
            break
        time.sleep(0.1)
    print("%d %d" % last)


def median(values):
    values = list(values)
    return statistics.median(values) if values else 0.0


def main(argv):
    if len(argv) == 6 and argv[1] == "rate":
        rate(argv[2], argv[3], float(argv[4]), float(argv[5]))
    elif len(argv) in (4, 5) and argv[1] == "settle":
        settle(argv[2], int(argv[3]), float(argv[4]) if len(argv) > 4 else 30.0)
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
