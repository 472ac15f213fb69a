#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Packet-by-packet forwarding test on net_pcap: scapy writes the frames each
# port receives, espgw reads each file once, and pcap_check.py judges what it
# wrote, frame by frame, then every counter against the case list.
#
#            in0.pcap ──► ┌──────────────────────┐ ◄── in1.pcap
#                         │ lan0            wan0 │
#   198.51.100.2 ◄─ out0 ─┤ net_pcap0  net_pcap1 ├─ out1 ─► 203.0.113.2
#   02:00:00:00:a0:02     │ .1/24 private        │        02:00:00:00:b0:02
#   (static neighbour)    │ MTU 1500             │        (static neighbour)
#                         │     203.0.113.1/24   │
#                         │     public, MTU 1400 │
#                         └──────────────────────┘
#   192.0.2.0/25 via 203.0.113.254 (no neighbour entry: ARP requests, no answer)
#   192.0.2.200: no route
#
# The case list (pcap_check.py, ~110 frames, both directions): transit TCP/UDP/
# ICMP of many sizes, IP options, TTL 2/1/0, bad checksum, truncated frames,
# total length past the frame, Ethernet padding, another host's MAC,
# broadcast/multicast, martian sources, MTU with and without DF, ICMP and ARP
# to the gateway, IKE 500/4500, NAT-T keepalive, ESP in UDP, raw ESP (SPI 0
# too), and every malformed local case the classifier names.
source "$(dirname "$0")/lib.sh"

pc() { "$PYTHON" "$INTEG_DIR/pcap_check.py" "$@"; }

cat >"$TMPD/espgw.yaml" <<'EOF'
interfaces:
  - name: lan0
    device: net_pcap0
    role: private
    address: 198.51.100.1/24
  - name: wan0
    device: net_pcap1
    role: public
    address: 203.0.113.1/24
    mtu: 1400
routes:
  - prefix: 192.0.2.0/25
    via: 203.0.113.254        # nobody answers for it
neighbours:
  - address: 198.51.100.2
    mac: 02:00:00:00:a0:02
  - address: 203.0.113.2
    mac: 02:00:00:00:b0:02
settings:
  neighbour:
    retrans_ms: 100
    max_probes: 3             # pcap_check.py's MAX_PROBES
  icmp_rate: 10000            # no ICMP error rate-limited here
EOF

ns_add NS_GW gw || { not_ok "namespace"; done_testing; }
D=$TMPD
vdevs() { echo "net_pcap0,rx_pcap=$D/in0.pcap,tx_pcap=$D/out0.pcap" \
	"net_pcap1,rx_pcap=$D/in1.pcap,tx_pcap=$D/out1.pcap"; }

# --- 1. the pcap ports' MACs: ask a run with empty input ---------------------
pc empty "$D"
# shellcheck disable=SC2046 # two vdev words
espgw_start "$TMPD/espgw.yaml" pcapmac "$NS_GW" $(vdevs) || done_testing
MAC0=$(tel /ethdev/info,0 mac_addr | tr A-F a-f)
MAC1=$(tel /ethdev/info,1 mac_addr | tr A-F a-f)
check_eq "port 0 is net_pcap0, its MAC as logged" "$(tel /ethdev/info,0 name) $MAC0" "net_pcap0 $(espgw_mac lan0)"
check_eq "port 1 is net_pcap1, its MAC as logged" "$(tel /ethdev/info,1 name) $MAC1" "net_pcap1 $(espgw_mac wan0)"
note "pcap MACs: lan0 $MAC0, wan0 $MAC1"
check_eq "static neighbours listed as static" \
	"$(tel /espgw/neighbours | jq -c '[.[] | [.address, .state, .mac, .interface]] | sort')" \
	'[["198.51.100.2","static","02:00:00:00:a0:02","lan0"],["203.0.113.2","static","02:00:00:00:b0:02","wan0"]]'
check_eq "routes: connected subnets and 192.0.2.0/25 via 203.0.113.254" \
	"$(tel /espgw/routes | jq -c '[.[] | [.prefix, .type, .via, .interface]] | sort')" \
	'[["192.0.2.0/25","static","203.0.113.254","wan0"],["198.51.100.0/24","connected","on-link","lan0"],["203.0.113.0/24","connected","on-link","wan0"]]'
espgw_stop

# --- 2. the real run ---------------------------------------------------------
pc gen "$D" "$MAC0" "$MAC1" >"$D/gen.out" 2>&1 || { not_ok "pcap_check.py gen" "$(cat "$D/gen.out")"; done_testing; }
read -r N0 N1 WANT_TX WANT_UNRES <"$D/gen.out"
note "input: $N0 frames on lan0, $N1 on wan0; $WANT_TX frames expected out (case list: $D/cases.txt)"
rm -f "$D/out0.pcap" "$D/out1.pcap"
# shellcheck disable=SC2046
espgw_start "$TMPD/espgw.yaml" pcap "$NS_GW" $(vdevs) || done_testing
# everything read, the held packet given up, everything sent: then quiet
settled() {
	local s
	s=$(tel /espgw/stats,total) || return 1
	[ "$(jq -r '"\(.rx) \(.drop_neigh_unresolved) \(.tx)"' <<<"$s")" = \
		"$((N0 + N1)) $WANT_UNRES $WANT_TX" ]
}
for ((i = 0; i < 100; i++)); do settled && break; sleep 0.1; done
sleep 0.5 # anything that should not come, comes now
tel /espgw/stats,total >"$D/stats.json"
check_eq "espgw read every input frame" "$(jq .rx "$D/stats.json")" $((N0 + N1))
check_eq "the ARP asker on each side is learnt, reachable" \
	"$(tel /espgw/neighbours | jq -c '[.[] | select(.address | endswith(".7")) | [.address, .state, .mac]] | sort')" \
	'[["198.51.100.7","reachable","02:00:00:00:a0:07"],["203.0.113.7","reachable","02:00:00:00:b0:07"]]'
espgw_stop

# --- 3. frame by frame, then the counters ------------------------------------
pc check "$D" "$MAC0" "$MAC1" "$D/stats.json" >"$D/check.out" 2>&1
rc=$?
cat "$D/check.out"
N_PASS=$((N_PASS + $(grep -c '^ok ' "$D/check.out")))
N_FAIL=$((N_FAIL + $(grep -c '^not ok ' "$D/check.out")))
[ $rc -eq 0 ] || grep -q '^not ok ' "$D/check.out" || not_ok "pcap_check.py ran" "$(tail -20 "$D/check.out")"
done_testing
