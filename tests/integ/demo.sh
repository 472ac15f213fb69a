#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The demo (README's first command): build espgw, put it between two networks
# in network namespaces on net_af_packet, and show traffic crossing it, what
# it answers itself, and its telemetry. Cleans up after itself. Root, Debian 12.
#
#   host A  198.51.100.2 ── lan  [ espgw ]  wan ── 203.0.113.2  host B
#   (protected network)   198.51.100.1  203.0.113.1          (public side)
set -u
cd "$(dirname "$0")/../.."
bash tests/deps.sh
if [ ! -f build/build.ninja ]; then meson setup build >/dev/null || exit 1; fi
ninja -C build >/dev/null || { ninja -C build; exit 1; }

source tests/integ/lib.sh

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
on_a() { printf 'hostA$ %s\n' "$*"; ip netns exec "$NS_A" "$@"; }
on_b() { printf 'hostB$ %s\n' "$*"; ip netns exec "$NS_B" "$@"; }
show() { # telemetry command, pretty
	printf '$ echo %s | dpdk-telemetry.py -f %s\n' "$1" "$ESPGW_PREFIX"
	tel "$1" | jq "${2:-.}"
}

say "Network namespaces: host A (LAN), espgw, host B (WAN)"
ns_setup || exit 1
ip -n "$NS_A" addr add 198.51.100.2/24 dev eth0
ip -n "$NS_A" route add default via 198.51.100.1
ip -n "$NS_B" addr add 203.0.113.2/24 dev eth0
ip -n "$NS_B" route add default via 203.0.113.1
cat >"$TMPD/demo.yaml" <<YAML
interfaces:
  - name: lan
    device: net_af_packet0
    role: private
    address: 198.51.100.1/24
  - name: wan
    device: net_af_packet1
    role: public
    address: 203.0.113.1/24
YAML
cat "$TMPD/demo.yaml"

say "Start espgw on the two veths (control lcore 0, worker lcore 1)"
espgw_start "$TMPD/demo.yaml" demo "$NS_GW" net_af_packet0,iface=ga net_af_packet1,iface=gb || exit 1
grep '^espgw:' "$ESPGW_LOG"

say "Host A reaches the gateway: ARP answered by espgw, ICMP echo answered by espgw"
on_a ping -c 3 -i 0.2 198.51.100.1
on_a ip neigh show dev eth0

say "Host A reaches host B through espgw, and back"
on_a ping -c 3 -i 0.2 203.0.113.2
on_b ping -c 3 -i 0.2 198.51.100.2

say "A TCP transfer through espgw (iperf3, 3 seconds)"
ip netns exec "$NS_B" iperf3 -s -1 -D -B 203.0.113.2 >/dev/null
sleep 0.5
on_a iperf3 -c 203.0.113.2 -t 3 -f m | grep -E 'sender|receiver'

say "TTL 1: espgw answers with ICMP time exceeded"
on_a ping -c 1 -t 1 -W 1 203.0.113.2

say "What a peer on the public side sends is classified and counted"
# IKE and ESP are recognised now and handled once the IPsec engines land.
cat >"$TMPD/peer.py" <<'PY'
from scapy.all import IP, UDP, Raw, send, conf
conf.verb = 0
gw = "203.0.113.1"
ike_hdr = bytes(8) + bytes(8) + bytes([33, 0x20, 34, 0x08]) + bytes(4) + (28).to_bytes(4, "big")
pkts = {
    "IKE on UDP 500": IP(dst=gw)/UDP(sport=500, dport=500)/Raw(ike_hdr),
    "IKE on UDP 4500 behind the non-ESP marker": IP(dst=gw)/UDP(sport=4500, dport=4500)/Raw(bytes(4) + ike_hdr),
    "NAT keepalive (0xFF) on 4500": IP(dst=gw)/UDP(sport=4500, dport=4500)/Raw(b"\xff"),
    "ESP in UDP 4500, SPI 0x1001": IP(dst=gw)/UDP(sport=4500, dport=4500)/Raw((0x1001).to_bytes(4, "big") + bytes(20)),
    "raw ESP (protocol 50), SPI 0x1002": IP(dst=gw, proto=50)/Raw((0x1002).to_bytes(4, "big") + bytes(20)),
    "ESP with SPI 0 (never valid)": IP(dst=gw, proto=50)/Raw(bytes(24)),
    "UDP 4500 with 2 bytes (malformed)": IP(dst=gw)/UDP(sport=4500, dport=4500)/Raw(b"ab"),
}
for what, p in pkts.items():
    print("  sending", what)
    send(p)
PY
ip netns exec "$NS_B" "$PYTHON" "$TMPD/peer.py"
sleep 0.5
show /espgw/stats,total 'with_entries(select((.key | test("ike|esp|natt")) and .value != 0))'

say "espgw's telemetry"
show /espgw/info
show /espgw/routes
show /espgw/neighbours
show /espgw/stats,total 'with_entries(select(.value != 0))'
echo
echo "The same through Debian's own client:"
printf '$ echo /espgw/stats,total | dpdk-telemetry.py -f %s\n' "$ESPGW_PREFIX"
echo /espgw/stats,total | dpdk-telemetry.py -f "$ESPGW_PREFIX" 2>/dev/null | grep espgw | cut -c1-160
echo "..."

say "Stop espgw (SIGINT): ports stopped, counters printed"
espgw_stop
sed -n '/^espgw: stopping/,$p' "$ESPGW_LOG"
say "Done; namespaces removed"
