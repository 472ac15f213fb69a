#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# ESP end to end through a running espgw, net_pcap in and out (the pcap
# end-to-end test): scapy's own ESP (SecurityAssociation, AES-GCM-16) plays
# forty-eight peers at once, one per combination of
#   {tunnel 4in4, 6in4, 4in6, 6in6, transport IPv4, transport IPv6} x
#   {raw ESP, ESP in UDP 4500} x {aes-gcm-128, aes-gcm-256} x ESN {off, on},
# and judges, byte for byte, what espgw wrote, in both directions; then the
# malformed input, each drop under its own counter, exact; then that espgw
# still serves after it all, and exits 0.
#
#   peers 192.0.2.(10+k)          ┌────────────────────┐  198.51.100.0/24
#   2001:db8:1::(10+k) hex        │ wan0          lan0 │  2001:db8:2::/64
#   (static neighbours)           │ net_pcap0 net_pcap1│  6 random hosts each
#   in_wan.pcap ────────────────► │ 192.0.2.1/24   .1  │ ◄── in_lan.pcap
#   out_wan.pcap ◄─ ESP ───────── │ 2001:db8:1::1 2::1 │ ──► out_lan.pcap
#                                 │ MTU 1600           │   (static
#                                 └────────────────────┘    neighbours)
#   combination k: in/out SA pair, inner subnet 10.k.0.0/16 or
#   2001:db8:(100+k)::/48 hex (tunnel; the in SA's selector is of that
#   family only), a protect policy to that subnet (tunnel) or to the peer
#   itself (transport: the SA's family)
#
# Keys, salts, SPIs, windows, ports, addresses, sizes and payloads are
# random, from SEED (printed; SEED=N reproduces a run). Cases (esp_check.py):
# inbound data to the LAN, outbound data to the peers (sequence numbers
# 1..n, no IV twice; over IPv6 the NAT-T UDP checksum must be valid, not 0),
# echo and ICMPv6 echo to the gateway through tunnels and in transport
# (local delivery), ESN across 2^32 and its late packets, replay (duplicate,
# left edge, seq 0), forged ICV/ciphertext/AAD, bad padding, bad and dummy
# next header, selectors (and the inner family an SA does not carry),
# truncation at every header boundary (IPv6 too), unknown SPI, SPI 0, NAT-T
# keepalive and IKE behind the non-ESP marker, a zero UDP checksum over IPv6,
# NAT rebinding (IPv4 and IPv6).
#
# Not observable here: the NAT-T transport checksum fix-up (RFC 3948
# §3.1.2) - transport packets are for the gateway, and only ICMP echo is
# served through tunnels; its refusal of a too-short TCP header is checked.
source "$(dirname "$0")/lib.sh"

SEED=${SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
note "SEED=$SEED"
D=$TMPD
# net_pcap's MACs (port 0 wan0, port 1 lan0); checked against telemetry below
MAC_WAN=02:70:63:61:70:00
MAC_LAN=02:70:63:61:70:01
ec() { "$PYTHON" "$INTEG_DIR/esp_check.py" "$@"; }

ec gen "$D" "$SEED" "$MAC_WAN" "$MAC_LAN" >"$D/gen.out" 2>&1 ||
	{ not_ok "esp_check.py gen" "$(cat "$D/gen.out")"; done_testing; }
read -r NW NL WANT_TX <"$D/gen.out"
note "input: $NW frames on wan0, $NL on lan0; $WANT_TX frames expected out"
check "the generated configuration passes espgw --check" "$ESPGW" --check -f "$D/espgw.yaml"

ns_add NS_GW gw || { not_ok "namespace"; done_testing; }
espgw_start "$D/espgw.yaml" esp "$NS_GW" \
	"net_pcap0,rx_pcap=$D/in_wan.pcap,tx_pcap=$D/out_wan.pcap" \
	"net_pcap1,rx_pcap=$D/in_lan.pcap,tx_pcap=$D/out_lan.pcap" || done_testing
check_eq "wan0 is net_pcap0 with the MAC the frames carry" \
	"$(tel /ethdev/info,0 name) $(tel /ethdev/info,0 mac_addr | tr A-F a-f)" "net_pcap0 $MAC_WAN"
check_eq "lan0 is net_pcap1 with the MAC the frames carry" \
	"$(tel /ethdev/info,1 name) $(tel /ethdev/info,1 mac_addr | tr A-F a-f)" "net_pcap1 $MAC_LAN"
check_eq "96 SAs installed (48 in, 48 out)" \
	"$(tel /espgw/sa/list | jq -c '[(.in | length), (.out | length)]')" "[48,48]"

# every frame read and every expected frame sent, then a quiet moment for
# anything that should not come
settled() {
	local s
	s=$(tel /espgw/stats,total) || return 1
	[ "$(jq -r '"\(.rx) \(.tx)"' <<<"$s")" = "$((NW + NL)) $WANT_TX" ]
}
for ((i = 0; i < 150; i++)); do settled && break; sleep 0.1; done
sleep 0.5
check "telemetry snapshot (counters, SAs)" ec snap "$D" "$ESPGW_PREFIX"
check_eq "espgw read every input frame" "$(jq .stats.rx "$D/snap.json")" $((NW + NL))
espgw_stop

# frame by frame, then every counter
ec check "$D" >"$D/check.out" 2>&1
rc=$?
cat "$D/check.out"
N_PASS=$((N_PASS + $(grep -c '^ok ' "$D/check.out")))
N_FAIL=$((N_FAIL + $(grep -c '^not ok ' "$D/check.out")))
[ $rc -eq 0 ] || grep -q '^not ok ' "$D/check.out" || not_ok "esp_check.py check ran" "$(tail -20 "$D/check.out")"
[ "$N_FAIL" -eq 0 ] || note "reproduce with SEED=$SEED"
done_testing
