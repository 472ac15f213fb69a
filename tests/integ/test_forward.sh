#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# End-to-end IPv4 forwarding through espgw on net_af_packet, between two
# Linux hosts in network namespaces. Stage 1: plain routing, no IPsec.
#
#   NS_A (hostA)                   NS_GW (espgw)                  NS_B (hostB)
#   198.51.100.2/24                                               203.0.113.2/24
#   gw 198.51.100.1         lan0 (private)    wan0 (public)       gw 203.0.113.1
#   eth0 ------------------ ga            [espgw]            gb ------------ eth0
#   mtu 1500                198.51.100.1/24   203.0.113.1/24       mtu 1400
#                           net_af_packet0    net_af_packet1
#                           mtu 1500          mtu 1400
#
#   hostA also routes 192.0.2.0/24 via the gateway, which has no route there.
#   203.0.113.99 is on wan0's subnet but nobody answers ARP for it.
#
# The kernel in NS_GW has no address on ga/gb; IPv6 is off everywhere and the
# hosts' ARP entries stay reachable for minutes, so the counted windows see
# only the test's own packets.
#
# Asserts: ARP both ways (hosts learn espgw's MACs, espgw learns the hosts'),
# telemetry (own client and Debian's dpdk-telemetry.py), ping to both gateway
# addresses and across, exact counters for 50 pings and 1000 UDP datagrams,
# a 10 MB TCP transfer intact, ICMP time exceeded / net unreachable / frag
# needed with their drop counters, ARP give-up for a silent next hop,
# fragmentation without DF, and a clean SIGINT exit with counters printed.
source "$(dirname "$0")/lib.sh"

cat >"$TMPD/espgw.yaml" <<'EOF'
interfaces:
  - name: lan0
    device: net_af_packet0
    role: private
    address: 198.51.100.1/24
  - name: wan0
    device: net_af_packet1
    role: public
    address: 203.0.113.1/24
    mtu: 1400
settings:
  neighbour:
    reachable_ms: 600000   # no re-probing of the hosts during the test
    retrans_ms: 200        # a silent next hop is given up in ~0.6 s
    max_probes: 3
  icmp_rate: 1000
EOF

ns_setup || { not_ok "namespaces and veths"; done_testing; }
ip -n "$NS_A" addr add 198.51.100.2/24 dev eth0
ip -n "$NS_A" route add default via 198.51.100.1
ip -n "$NS_B" link set eth0 mtu 1400
ip -n "$NS_B" addr add 203.0.113.2/24 dev eth0
ip -n "$NS_B" route add default via 203.0.113.1
for ns in "$NS_A" "$NS_B"; do
	ip netns exec "$ns" sysctl -qw net.ipv4.neigh.eth0.base_reachable_time_ms=600000 \
		net.ipv4.neigh.eth0.delay_first_probe_time=1
done

espgw_start "$TMPD/espgw.yaml" fwd "$NS_GW" net_af_packet0,iface=ga net_af_packet1,iface=gb ||
	done_testing

pa() { ip netns exec "$NS_A" "$@"; }
pb() { ip netns exec "$NS_B" "$@"; }

MAC_LAN=$(espgw_mac lan0)
MAC_WAN=$(espgw_mac wan0)
MAC_A=$(mac_of "$NS_A" eth0)
MAC_B=$(mac_of "$NS_B" eth0)
note "espgw lan0 $MAC_LAN wan0 $MAC_WAN; hostA $MAC_A hostB $MAC_B"

# --- telemetry and identity -------------------------------------------------

version=$("$ESPGW" -V | awk '{print $2}')
check_eq "telemetry /espgw/info version is espgw -V's" "$(tel /espgw/info version)" "$version"
check_eq "telemetry /espgw/info interfaces" "$(tel /espgw/info interfaces)" '["lan0", "wan0"]'
check_eq "telemetry /espgw/info worker_lcores" "$(tel /espgw/info worker_lcores)" '[1]'
deb=$(echo /espgw/info | timeout 10 dpdk-telemetry.py -f "$ESPGW_PREFIX" 2>&1 | tail -1)
check_eq "Debian's dpdk-telemetry.py reads /espgw/info (--no-shconf)" \
	"$(jq -r '."/espgw/info".version' <<<"$deb" 2>/dev/null)" "$version"
check_eq "lan0 MAC: log = /ethdev/info = kernel's ga" \
	"$MAC_LAN $(tel /ethdev/info,0 mac_addr | tr A-F a-f)" "$(mac_of "$NS_GW" ga) $MAC_LAN"
check_eq "wan0 MAC: log = /ethdev/info = kernel's gb" \
	"$MAC_WAN $(tel /ethdev/info,1 mac_addr | tr A-F a-f)" "$(mac_of "$NS_GW" gb) $MAC_WAN"
check_eq "routes: two connected subnets" \
	"$(tel /espgw/routes | jq -c '[.[] | [.prefix, .type, .via, .interface]] | sort')" \
	'[["198.51.100.0/24","connected","on-link","lan0"],["203.0.113.0/24","connected","on-link","wan0"]]'

# --- ARP and ping -----------------------------------------------------------

check "hostA pings the gateway 198.51.100.1" pa ping -c 3 -i 0.2 -W 2 198.51.100.1
check_eq "hostA resolved 198.51.100.1 to espgw's lan0 MAC" \
	"$(pa ip -j neigh show 198.51.100.1 dev eth0 | jq -r '.[0].lladdr')" "$MAC_LAN"
check "hostA pings the gateway's far address 203.0.113.1 (echo reply via lan0)" \
	pa ping -c 3 -i 0.2 -W 2 203.0.113.1
check "hostA pings hostB through espgw" pa ping -c 3 -i 0.2 -W 2 203.0.113.2
check "hostB pings hostA through espgw" pb ping -c 3 -i 0.2 -W 2 198.51.100.2
check_eq "hostB resolved 203.0.113.1 to espgw's wan0 MAC" \
	"$(pb ip -j neigh show 203.0.113.1 dev eth0 | jq -r '.[0].lladdr')" "$MAC_WAN"
neigh=$(tel /espgw/neighbours)
check_eq "espgw knows hostA: reachable, real MAC, on lan0" \
	"$(jq -c '[.[] | select(.address == "198.51.100.2") | [.state, .mac, .interface]]' <<<"$neigh")" \
	"[[\"reachable\",\"$MAC_A\",\"lan0\"]]"
check_eq "espgw knows hostB: reachable, real MAC, on wan0" \
	"$(jq -c '[.[] | select(.address == "203.0.113.2") | [.state, .mac, .interface]]' <<<"$neigh")" \
	"[[\"reachable\",\"$MAC_B\",\"wan0\"]]"

# A host that learnt the gateway from its ARP request (STALE) confirms it
# with a unicast probe a second after first use; let that happen now.
# shellcheck disable=SC2317 # called through check()
gw_reachable() { # NS ADDR
	local i
	for ((i = 0; i < 50; i++)); do
		ip netns exec "$1" ping -c 1 -W 1 "$2" >/dev/null
		[ "$(ip -n "$1" -j neigh show "$2" dev eth0 | jq -r '.[0].state[0]')" = REACHABLE ] &&
			return 0
		sleep 0.2
	done
	return 1
}
check "hostA's entry for 198.51.100.1 is REACHABLE" gw_reachable "$NS_A" 198.51.100.1
check "hostB's entry for 203.0.113.1 is REACHABLE" gw_reachable "$NS_B" 203.0.113.1

# --- exact counters: 50 pings -----------------------------------------------

stats_snap
out=$(pa ping -c 50 -i 0.01 -W 2 203.0.113.2)
check "50 pings hostA -> hostB, all answered" grep -q ' 50 received' <<<"$out"
check_eq "50 pings: class_plain grew by 100 (requests + replies)" "$(stats_delta class_plain)" 100
check_eq "50 pings: rx grew by 100" "$(stats_delta rx)" 100
check_eq "50 pings: tx grew by 100" "$(stats_delta tx)" 100
check_eq "50 pings: to_control unchanged" "$(stats_delta to_control)" 0
check_eq "50 pings: event_icmp_echo_reply unchanged (transit, not ours)" \
	"$(stats_delta event_icmp_echo_reply)" 0
note "50 pings: counters moved: $(stats_moved)"

# --- UDP: 1000 numbered datagrams of 1000 bytes -----------------------------

stats_snap
ip netns exec "$NS_B" "$PYTHON" "$INTEG_DIR/udp_check.py" recv 203.0.113.2 9000 1000 1000 5 >"$TMPD/udp.out" 2>&1 &
rpid=$!
if wait_for "$TMPD/udp.out" '^ready' 10; then
	pa timeout 30 "$PYTHON" "$INTEG_DIR/udp_check.py" send 203.0.113.2 9000 1000 1000
	wait "$rpid"
	rc=$?
	check_eq "UDP: 1000 datagrams arrived once and intact ($(tail -1 "$TMPD/udp.out"))" "$rc" 0
else
	not_ok "UDP receiver ready" "$(cat "$TMPD/udp.out")"
fi
check_eq "UDP: class_plain grew by 1000" "$(stats_delta class_plain)" 1000
check_eq "UDP: tx grew by 1000" "$(stats_delta tx)" 1000
note "UDP: counters moved: $(stats_moved)"

# --- TCP: 10 MB, byte for byte ----------------------------------------------

head -c 10000000 /dev/urandom >"$TMPD/tcp.in"
stats_snap
ip netns exec "$NS_B" timeout 60 socat -u TCP-LISTEN:5001,bind=203.0.113.2,reuseaddr \
	CREATE:"$TMPD/tcp.out" 2>"$TMPD/socat.err" &
spid=$!
for ((i = 0; i < 50; i++)); do
	pb ss -Hltn 'sport = :5001' | grep -q LISTEN && break
	sleep 0.1
done
t0=$(date +%s.%N)
pa timeout 60 socat -u OPEN:"$TMPD/tcp.in" TCP:203.0.113.2:5001
src_rc=$?
wait "$spid"
dst_rc=$?
t1=$(date +%s.%N)
check_eq "TCP: socat sender and receiver succeed" "$src_rc $dst_rc" "0 0"
check_eq "TCP: 10 MB arrive byte for byte (sha256)" \
	"$(sha256sum <"$TMPD/tcp.out" 2>/dev/null | cut -d' ' -f1)" \
	"$(sha256sum <"$TMPD/tcp.in" | cut -d' ' -f1)"
rate=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f s, %.0f Mbit/s", b - a, 80 / (b - a) }')
note "TCP: $rate; counters: $(stats_moved)"
rm -f "$TMPD/tcp.in" "$TMPD/tcp.out"

# --- ICMP errors ------------------------------------------------------------

stats_snap
out=$(pa ping -c 1 -t 1 -W 2 203.0.113.2)
check "TTL 1: 'Time to live exceeded' from 198.51.100.1" \
	grep -q 'From 198.51.100.1 icmp_seq=1 Time to live exceeded' <<<"$out"
check_eq "TTL 1: drop_ttl_exceeded +1" "$(stats_delta drop_ttl_exceeded)" 1
check_eq "TTL 1: event_icmp_error_sent +1" "$(stats_delta event_icmp_error_sent)" 1

pa ip route add 192.0.2.0/24 via 198.51.100.1
stats_snap
out=$(pa ping -c 1 -W 2 192.0.2.77)
check "no route: 'Destination Net Unreachable' from 198.51.100.1" \
	grep -q 'From 198.51.100.1 icmp_seq=1 Destination Net Unreachable' <<<"$out"
check_eq "no route: drop_no_route +1" "$(stats_delta drop_no_route)" 1

# --- a next hop that never answers ARP --------------------------------------

# not through pb(): $! must be tcpdump itself (ip netns exec execs)
ip netns exec "$NS_B" tcpdump -i eth0 -U -n -w "$TMPD/arp.pcap" arp >"$TMPD/tcpdump.err" 2>&1 &
tpid=$!
wait_for "$TMPD/tcpdump.err" 'listening on' 10 || note "tcpdump not ready: $(cat "$TMPD/tcpdump.err")"
stats_snap
pa ping -c 1 -W 1 203.0.113.99 >/dev/null
check "unresolved next hop: drop_neigh_unresolved grows within 5 s" wait_stat drop_neigh_unresolved 1 5
check_eq "unresolved next hop: exactly the one held packet dropped" \
	"$(stats_delta drop_neigh_unresolved)" 1
n_req=$(stats_delta event_arp_request_sent)
check_ge "unresolved next hop: event_arp_request_sent >= 3 (max_probes)" "$n_req" 3
sleep 0.3
kill -TERM "$tpid"
wait "$tpid"
check_eq "hostB's link saw every ARP request: who-has 203.0.113.99 tell 203.0.113.1" \
	"$(tcpdump -r "$TMPD/arp.pcap" -n 2>/dev/null | grep -c 'Request who-has 203.0.113.99 tell 203.0.113.1')" \
	"$n_req"
check_eq "unresolved next hop: no neighbour entry left for 203.0.113.99" \
	"$(tel /espgw/neighbours | jq '[.[] | select(.address == "203.0.113.99")] | length')" 0

# --- MTU 1400 on wan0 -------------------------------------------------------
# Without DF first: once hostA hears "frag needed" it caches the path MTU
# and would fragment by itself.

stats_snap
out=$(pa ping -c 3 -i 0.2 -W 2 -M dont -s 1450 203.0.113.2)
check "1478-byte ping without DF crosses the 1400 MTU (espgw fragments)" \
	grep -q ' 3 received' <<<"$out"
check_eq "fragmenting: event_fragments_sent +6 (2 per request)" "$(stats_delta event_fragments_sent)" 6
check_eq "fragmenting: drop_frag_failed unchanged" "$(stats_delta drop_frag_failed)" 0
stats_snap
out=$(pa ping -c 1 -W 2 -M 'do' -s 1450 203.0.113.2)
check "1478-byte ping with DF: 'Frag needed and DF set (mtu = 1400)'" \
	grep -q 'From 198.51.100.1 icmp_seq=1 Frag needed and DF set (mtu = 1400)' <<<"$out"
check_eq "DF: drop_mtu_df +1" "$(stats_delta drop_mtu_df)" 1

# --- stop -------------------------------------------------------------------

plain=$(tel /espgw/stats,total class_plain)
espgw_stop
check "espgw printed its counters on exit" grep -q '^espgw counters (all lcores):' "$ESPGW_LOG"
check_eq "printed 'class plain' equals the last telemetry reading" \
	"$(awk '$1 == "class" && $2 == "plain" { print $3 }' "$ESPGW_LOG")" "$plain"
done_testing
