#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The demo (README's first command): build espgw, put it between networks in
# network namespaces on net_af_packet, and show traffic crossing it, what it
# answers itself, the ESP fast path with a road warrior behind a NAT (static
# SAs: IKE does not exist yet), and its telemetry. Cleans up after itself and
# exits non-zero when anything it checks fails (the tunnel included), so it
# doubles as a smoke test. Root, Debian 12. ESPGW=path/to/espgw skips the
# build and runs that binary; RW_NAT_PORTS=keep makes the NAT keep the road
# warrior's port 4500 instead of moving it to 40000-40010.
#
#   host A  198.51.100.2 ── lan  [ espgw ]  wan ── 203.0.113.2  host B
#   (protected network)   198.51.100.1  203.0.113.1          (public side)
#                                     │ wan-rw 192.0.2.1
#                                     │
#                          192.0.2.50 │ out0   NAT: masquerade, UDP to
#                                   [ nat ]  ports 40000-40010
#                           10.77.0.1 │ in0
#                                     │
#                           10.77.0.2 │ eth0  road warrior (scapy,
#                                   [ rw ]   tests/integ/demo_peer.py),
#                                            tunnel address 10.99.0.2
set -u
cd "$(dirname "$0")/../.." || exit 1
bash tests/deps.sh
if [ -n "${ESPGW:-}" ]; then
	echo "espgw: $ESPGW (ESPGW set: not building)"
else
	if [ ! -f build/build.ninja ]; then meson setup build >/dev/null || exit 1; fi
	ninja -C build >/dev/null || { ninja -C build; exit 1; }
fi
T0=$SECONDS

source tests/integ/lib.sh
# remember what failed, for the summary
FAILED=()
eval "lib_$(declare -f not_ok)"
not_ok() { FAILED+=("$1"); lib_not_ok "$@"; }

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
on_a() { printf 'hostA$ %s\n' "$*"; ip netns exec "$NS_A" "$@"; }
on_b() { printf 'hostB$ %s\n' "$*"; ip netns exec "$NS_B" "$@"; }
on_nat() { printf 'nat$ %s\n' "$*"; ip netns exec "$NS_NAT" "$@"; }
show() { # telemetry command, pretty
	printf '$ echo %s | dpdk-telemetry.py -f %s\n' "$1" "$ESPGW_PREFIX"
	tel "$1" | jq "${2:-.}"
}
# the road warrior's SAs: espgw's in SA is what it encrypts with
RW_SPI_OUT=0x00003001 RW_SPI_IN=0x00004001
# where the NAT maps the warrior's UDP 4500: a port range (it rebinds), or
# RW_NAT_PORTS=keep for a NAT that keeps the port (plain masquerade)
RW_PORTS=${RW_NAT_PORTS:-40000-40010}
# expect DESC CMD...: run CMD with its output shown; ok when it exits 0
expect() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}
say "Network namespaces: host A (LAN), espgw, host B (WAN), a road warrior behind a NAT"
ns_setup || exit 1
ns_add NS_NAT nat && ns_add NS_RW rw || exit 1
veth_pair "$NS_GW" gc "$NS_NAT" out0 && veth_pair "$NS_NAT" in0 "$NS_RW" eth0 || exit 1
ip -n "$NS_A" addr add 198.51.100.2/24 dev eth0
ip -n "$NS_A" route add default via 198.51.100.1     # 10.99.0.0/24 (the tunnel) too
ip -n "$NS_B" addr add 203.0.113.2/24 dev eth0
ip -n "$NS_B" route add default via 203.0.113.1
ip -n "$NS_NAT" addr add 192.0.2.50/24 dev out0
ip -n "$NS_NAT" addr add 10.77.0.1/24 dev in0
ip netns exec "$NS_NAT" sysctl -qw net.ipv4.ip_forward=1
ip -n "$NS_RW" addr add 10.77.0.2/24 dev eth0
ip -n "$NS_RW" route add default via 10.77.0.1
# keys for this run only, never printed; the config file is root's alone
RW_KEY_OUT=$(openssl rand -hex 32) RW_SALT_OUT=$(openssl rand -hex 4)
RW_KEY_IN=$(openssl rand -hex 32) RW_SALT_IN=$(openssl rand -hex 4)
export RW_KEY_OUT RW_SALT_OUT RW_KEY_IN RW_SALT_IN RW_SPI_OUT RW_SPI_IN
export RW_STATE=$TMPD/rw.seq RW_LOCAL=10.77.0.2 RW_GW=192.0.2.1 RW_VIP=10.99.0.2 RW_TARGET=198.51.100.2
(umask 077 && cat >"$TMPD/demo.yaml") <<YAML
interfaces:
  - name: lan
    device: net_af_packet0
    role: private
    address: 198.51.100.1/24
  - name: wan
    device: net_af_packet1
    role: public
    address: 203.0.113.1/24
  - name: wan-rw
    device: net_af_packet2
    role: public
    address: 192.0.2.1/24

# The road warrior: behind a NAT, so ESP in UDP 4500 (RFC 3948); the
# tunnel address 10.99.0.2 is its "virtual IP". peer_port is what we
# expect; espgw follows the NAT's real port once a packet authenticates.
sas:
  - name: rw-in
    direction: in
    spi: $RW_SPI_OUT
    aead: aes-gcm-256
    key: 0x$RW_KEY_OUT
    salt: 0x$RW_SALT_OUT
    local: 192.0.2.1
    peer: 192.0.2.50
    nat_t: true
    peer_port: 4500
    selector:
      src: 10.99.0.0/24
      dst: 198.51.100.0/24
  - name: rw-out
    direction: out
    spi: $RW_SPI_IN
    aead: aes-gcm-256
    key: 0x$RW_KEY_IN
    salt: 0x$RW_SALT_IN
    local: 192.0.2.1
    peer: 192.0.2.50
    nat_t: true
    peer_port: 4500

# With a policy present, what none matches is discarded: the last one
# keeps forwarding everything else in clear, as without policies.
policies:
  - src: 198.51.100.0/24
    dst: 10.99.0.0/24
    action: protect
    sa: rw-out
  - action: bypass
    priority: 65535
YAML
sed -E 's/^( *(key|salt): )0x[0-9a-f]+/\10x... (random, this run only)/' "$TMPD/demo.yaml"

say "Start espgw on the three veths (control lcore 0, worker lcore 1)"
espgw_start "$TMPD/demo.yaml" demo "$NS_GW" net_af_packet0,iface=ga net_af_packet1,iface=gb \
	net_af_packet2,iface=gc || exit 1
grep '^espgw:' "$ESPGW_LOG"

say "Host A reaches the gateway: ARP answered by espgw, ICMP echo answered by espgw"
expect "host A pings espgw" on_a ping -c 3 -i 0.2 198.51.100.1
on_a ip neigh show dev eth0

say "Host A reaches host B through espgw, and back"
expect "host A pings host B through espgw" on_a ping -c 3 -i 0.2 203.0.113.2
expect "host B pings host A through espgw" on_b ping -c 3 -i 0.2 198.51.100.2

say "A TCP transfer through espgw (iperf3, 3 seconds)"
ip netns exec "$NS_B" iperf3 -s -1 -D -B 203.0.113.2 >/dev/null
sleep 0.5
on_a iperf3 -c 203.0.113.2 -t 3 -f m | grep -E 'sender|receiver'

say "TTL 1: espgw answers with ICMP time exceeded"
on_a ping -c 1 -t 1 -W 1 203.0.113.2

say "What a peer on the public side sends is classified and counted"
# IKE is recognised and counted (ike_unhandled until the IKE engine lands);
# ESP for an SPI no SA has is dropped (esp_no_sa).
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

if [ "$RW_PORTS" = keep ]; then
	say "The road warrior's NAT: masquerade (keeps the UDP source port when it can)"
	RW_PORTS=4500-4500
	nat_udp=
else
	say "The road warrior's NAT: masquerade, its UDP moved to ports $RW_PORTS"
	nat_udp="ip saddr 10.77.0.0/24 oifname \"out0\" meta l4proto udp masquerade to :$RW_PORTS"
fi
ip netns exec "$NS_NAT" nft -f - <<NFT
table ip nat {
	chain postrouting {
		type nat hook postrouting priority srcnat;
		$nat_udp
		ip saddr 10.77.0.0/24 oifname "out0" masquerade
	}
}
NFT
on_nat nft list table ip nat | sed -n '/chain/,/^\t}/p'

say "The road warrior pings host A through the tunnel (ESP in UDP 4500, AES-GCM-256)"
# what the NAT's outside link carries, while the warrior talks
ip netns exec "$NS_NAT" timeout 20 tcpdump -lni out0 -c 10 udp port 4500 \
	>"$TMPD/nat.pcap.txt" 2>"$TMPD/nat.tcpdump.err" &
TCPDUMP_PID=$!
wait_for "$TMPD/nat.tcpdump.err" 'listening on' 5
printf 'rw$ demo_peer.py ping --count 5    # from %s:4500, tunnel address %s\n' "$RW_LOCAL" "$RW_VIP"
expect "the road warrior's 5 echo requests are answered through the tunnel" \
	ip netns exec "$NS_RW" "$PYTHON" tests/integ/demo_peer.py ping --count 5
sleep 0.3

say "What the NAT's outside link carried (tcpdump on out0)"
kill "$TCPDUMP_PID" 2>/dev/null
wait "$TCPDUMP_PID" 2>/dev/null
printf 'nat$ tcpdump -ni out0 -c 10 udp port 4500\n'
sed -E 's/^[0-9:.]+ //' "$TMPD/nat.pcap.txt"
check "the NAT's outside carried ESP in UDP between 192.0.2.50 and 192.0.2.1:4500" \
	grep -qE '192\.0\.2\.50\.4[0-9]+ > 192\.0\.2\.1\.4500: UDP-encap' "$TMPD/nat.pcap.txt"

say "espgw's SAs: the in SA follows the peer behind its NAT (RFC 3948 §3.5)"
show /espgw/sa/list
show "/espgw/sa/info,$RW_SPI_OUT" '.in | {name, spi, peer, peer_port, keepalive_age_ms, packets, bytes, drops, replay_top}'
show "/espgw/sa/info,$RW_SPI_IN" '.out | {name, spi, peer, peer_port, packets, bytes, drops, seq}'
in_port=$(tel "/espgw/sa/info,$RW_SPI_OUT" in peer_port)
out_port=$(tel "/espgw/sa/info,$RW_SPI_IN" out peer_port)
check "the in SA's peer_port is the NAT's port, $in_port (configured: 4500)" \
	test "${in_port:-0}" -ge "${RW_PORTS%-*}" -a "${in_port:-0}" -le "${RW_PORTS#*-}"
check_eq "the out SA sends to the NAT's port too" "$out_port" "$in_port"
if [ "$out_port" != "$in_port" ]; then
	note "espgw's out SA still sends to 192.0.2.50:$out_port, where the NAT has no mapping:"
	note "the replies die there (the NAT answers ICMP port unreachable, espgw counts"
	note "drop_local_other); RFC 3948 §3.5 wants them sent to where the peer is now"
fi
check_ge "in SA packets (echo requests decrypted)" "$(tel "/espgw/sa/info,$RW_SPI_OUT" in packets)" 5
check_ge "out SA packets (echo replies encrypted)" "$(tel "/espgw/sa/info,$RW_SPI_IN" out packets)" 5

say "Host A pings the road warrior: espgw encrypts for 10.99.0.2"
ip netns exec "$NS_RW" "$PYTHON" tests/integ/demo_peer.py serve --count 3 --timeout 8 \
	>"$TMPD/rw-serve.txt" 2>&1 &
SERVE_PID=$!
wait_for "$TMPD/rw-serve.txt" 'answering' 10
expect "host A's pings to 10.99.0.2 are answered through the tunnel" \
	on_a ping -c 3 -i 0.2 -W 2 10.99.0.2
wait "$SERVE_PID"
printf 'rw$ demo_peer.py serve --count 3\n'
cat "$TMPD/rw-serve.txt"
check "the road warrior decrypted and answered host A's 3 echo requests" \
	grep -q 'answered 3 of 3' "$TMPD/rw-serve.txt"

say "A plain packet from the public side with a tunnel source address is dropped"
# RFC 4301 §5.2: what a protect policy covers must arrive through its SA
stats_snap
printf 'hostB$ scapy: send(IP(src="10.99.0.2", dst="198.51.100.2")/ICMP()) x3\n'
ip netns exec "$NS_B" "$PYTHON" -c '
from scapy.all import IP, ICMP, send, conf
conf.verb = 0
send(IP(src="10.99.0.2", dst="198.51.100.2")/ICMP(id=7, seq=1), count=3)'
wait_stat drop_spd_unprotected 3 5
check_eq "3 spoofed packets counted as drop_spd_unprotected" \
	"$(stats_delta drop_spd_unprotected)" 3

say "espgw's ESP counters"
show /espgw/stats,total \
	'{class_esp_udp, class_natt_keepalive, event_natt_keepalive, drop_keepalive_no_sa, esp_decrypted, esp_encrypted, drop_spd_unprotected} + with_entries(select((.key | startswith("esp_drop")) and .value != 0))'
check_ge "class_natt_keepalive" "$(tel /espgw/stats,total class_natt_keepalive)" 3
check_ge "event_natt_keepalive (matched the in SA's binding)" \
	"$(tel /espgw/stats,total event_natt_keepalive)" 3
check_ge "esp_decrypted" "$(tel /espgw/stats,total esp_decrypted)" 8
check_ge "esp_encrypted" "$(tel /espgw/stats,total esp_encrypted)" 8

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

say "Summary ($((SECONDS - T0)) s after the build)"
echo "ESP tunnel: road warrior $RW_LOCAL behind NAT 192.0.2.50 (UDP ports $RW_PORTS)," \
	"tunnel address $RW_VIP <-> host A 198.51.100.2 through espgw 192.0.2.1"
echo "in SA $RW_SPI_OUT: peer_port 4500 -> ${in_port:-?}; out SA $RW_SPI_IN: peer_port ${out_port:-?}"
for f in "${FAILED[@]+"${FAILED[@]}"}"; do echo "FAILED: $f"; done
done_testing
