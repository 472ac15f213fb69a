#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# End-to-end IPv6 forwarding through espgw on net_af_packet, between two
# Linux hosts in network namespaces: the IPv6 counterpart of test_forward.sh,
# on the same dual-stack topology (the IPv4 side is only checked to still work).
#
#   NS_A (hostA)                   NS_GW (espgw)                  NS_B (hostB)
#   2001:db8:a::2/64                                              2001:db8:b::2/64
#   gw 2001:db8:a::1        lan0 (private)    wan0 (public)       gw 2001:db8:b::1
#   198.51.100.2/24                                               203.0.113.2/24
#   eth0 ------------------ ga            [espgw]            gb ------------ eth0
#   mtu 1500                2001:db8:a::1/64  2001:db8:b::1/64     mtu 1400
#                           198.51.100.1/24   203.0.113.1/24
#                           + fe80:: EUI-64   + fe80:: EUI-64
#                           net_af_packet0    net_af_packet1
#                           mtu 1500          mtu 1400
#
#   hostA's default route sends 2001:db8:ff::/48 to the gateway, which has no
#   route there. 2001:db8:b::99 is on wan0's subnet but nobody answers for it.
#
# The kernel in NS_GW has IPv6 disabled on ga/gb (no address, no ND answers
# competing with espgw's). The hosts skip DAD, send no router solicitations
# and keep neighbour entries reachable for minutes; their MLD reports for the
# new addresses go out in the first seconds, before the counted windows.
#
# Asserts: neighbour discovery both ways (hosts learn espgw's MACs for its
# global and link-local addresses, espgw learns the hosts'), echo replies from
# the global and link-local addresses, ping across both ways, exact counters
# for 50 pings and 1000 UDP datagrams, a 10 MB TCP transfer intact, ICMPv6
# hop limit exceeded / no route / packet too big with their drop counters
# (the gateway never fragments IPv6; hostA then fragments itself), and a
# clean SIGINT exit.
source "$(dirname "$0")/lib.sh"

cat >"$TMPD/espgw.yaml" <<'EOF'
interfaces:
  - name: lan0
    device: net_af_packet0
    role: private
    address: 198.51.100.1/24
    address6: 2001:db8:a::1/64
  - name: wan0
    device: net_af_packet1
    role: public
    address: 203.0.113.1/24
    address6: 2001:db8:b::1/64
    mtu: 1400
settings:
  neighbour:
    reachable_ms: 600000   # no re-probing of the hosts during the test
    retrans_ms: 200
    max_probes: 3
  icmp_rate: 1000
EOF

ns_setup || { not_ok "namespaces and veths"; done_testing; }
# espgw's side: no kernel IPv6 at all (ns_add's default already; say it)
ip netns exec "$NS_GW" sysctl -qw net.ipv6.conf.ga.disable_ipv6=1 net.ipv6.conf.gb.disable_ipv6=1
ip -n "$NS_A" addr add 198.51.100.2/24 dev eth0
ip -n "$NS_A" route add default via 198.51.100.1
ip -n "$NS_B" link set eth0 mtu 1400
ip -n "$NS_B" addr add 203.0.113.2/24 dev eth0
ip -n "$NS_B" route add default via 203.0.113.1
for ns in "$NS_A" "$NS_B"; do
	ip netns exec "$ns" sysctl -qw net.ipv4.neigh.eth0.base_reachable_time_ms=600000 \
		net.ipv4.neigh.eth0.delay_first_probe_time=1
done
host_ipv6 "$NS_A" eth0 2001:db8:a::2/64 2001:db8:a::1 &&
	host_ipv6 "$NS_B" eth0 2001:db8:b::2/64 2001:db8:b::1 ||
	{ not_ok "IPv6 on the hosts"; done_testing; }

espgw_start "$TMPD/espgw.yaml" fwd6 "$NS_GW" net_af_packet0,iface=ga net_af_packet1,iface=gb ||
	done_testing

pa() { ip netns exec "$NS_A" "$@"; }
pb() { ip netns exec "$NS_B" "$@"; }

MAC_LAN=$(espgw_mac lan0)
MAC_WAN=$(espgw_mac wan0)
MAC_A=$(mac_of "$NS_A" eth0)
MAC_B=$(mac_of "$NS_B" eth0)
LL_LAN=$(ll6_of_mac "$MAC_LAN")
LL_WAN=$(ll6_of_mac "$MAC_WAN")
note "espgw lan0 $MAC_LAN $LL_LAN, wan0 $MAC_WAN $LL_WAN; hostA $MAC_A hostB $MAC_B"

# --- setup and identity -----------------------------------------------------

check_eq "kernel has no IPv6 address on espgw's ga/gb" \
	"$(ip -n "$NS_GW" -6 -o addr show dev ga; ip -n "$NS_GW" -6 -o addr show dev gb)" ""
check_eq "hostA: 2001:db8:a::2 usable at once (no DAD: not tentative)" \
	"$(pa ip -6 -j addr show dev eth0 | jq -r '.[0].addr_info[] | select(.local == "2001:db8:a::2") | .tentative // false')" \
	false
# the EUI-64 helper against the kernel's own link-local address
check_eq "hostA's kernel link-local is ll6_of_mac of its MAC" \
	"$(pa ip -6 -j addr show dev eth0 | jq -r '.[0].addr_info[] | select(.scope == "link") | .local')" \
	"$(ll6_of_mac "$MAC_A")"
check_eq "lan0 MAC: log = /ethdev/info = kernel's ga" \
	"$MAC_LAN $(tel /ethdev/info,0 mac_addr | tr A-F a-f)" "$(mac_of "$NS_GW" ga) $MAC_LAN"
check_eq "wan0 MAC: log = /ethdev/info = kernel's gb" \
	"$MAC_WAN $(tel /ethdev/info,1 mac_addr | tr A-F a-f)" "$(mac_of "$NS_GW" gb) $MAC_WAN"
check_eq "routes: IPv4 and IPv6 connected subnets" \
	"$(tel /espgw/routes | jq -c '[.[] | [.prefix, .type, .via, .interface]] | sort')" \
	'[["198.51.100.0/24","connected","on-link","lan0"],["2001:db8:a::/64","connected","on-link","lan0"],["2001:db8:b::/64","connected","on-link","wan0"],["203.0.113.0/24","connected","on-link","wan0"]]'
# net_af_packet has no allmulticast switch (espgw logs a warning); a veth
# hands the socket every frame anyway, solicited-node multicast included
grep -q 'multicast reception not enabled' "$ESPGW_LOG" &&
	note "espgw: multicast reception not enabled (harmless on a veth)"

# --- neighbour discovery and ping6 ------------------------------------------

stats_snap
out=$(pa ping -6 -c 3 -i 0.2 -W 2 2001:db8:a::1)
check "hostA pings the gateway 2001:db8:a::1" grep -q ' 3 received' <<<"$out"
check_eq "hostA resolved 2001:db8:a::1 to espgw's lan0 MAC" \
	"$(pa ip -j neigh show 2001:db8:a::1 dev eth0 | jq -r '.[0].lladdr')" "$MAC_LAN"
check_ge "ND: event_nd_advert_sent >= 1" "$(stats_delta event_nd_advert_sent)" 1
check_eq "3 pings to the gateway: event_icmp_echo_reply +3" \
	"$(stats_delta event_icmp_echo_reply)" 3
check "hostA pings the gateway's far address 2001:db8:b::1 (reply via lan0)" \
	pa ping -6 -c 3 -i 0.2 -W 2 2001:db8:b::1
check "hostB pings the gateway 2001:db8:b::1" pb ping -6 -c 3 -i 0.2 -W 2 2001:db8:b::1
check_eq "hostB resolved 2001:db8:b::1 to espgw's wan0 MAC" \
	"$(pb ip -j neigh show 2001:db8:b::1 dev eth0 | jq -r '.[0].lladdr')" "$MAC_WAN"
stats_snap
check "hostA pings lan0's link-local $LL_LAN (ping -I eth0)" \
	pa ping -6 -c 3 -i 0.2 -W 2 -I eth0 "$LL_LAN"
check_eq "link-local echo: event_icmp_echo_reply +3, drop_no_route +0 (replies to hostA's fe80::)" \
	"$(stats_delta event_icmp_echo_reply) $(stats_delta drop_no_route)" "3 0"
check_eq "hostA resolved $LL_LAN to espgw's lan0 MAC" \
	"$(pa ip -j neigh show "$LL_LAN" dev eth0 | jq -r '.[0].lladdr')" "$MAC_LAN"
check "hostB pings wan0's link-local $LL_WAN (ping -I eth0)" \
	pb ping -6 -c 3 -i 0.2 -W 2 -I eth0 "$LL_WAN"
check "hostA pings hostB through espgw" pa ping -6 -c 3 -i 0.2 -W 2 2001:db8:b::2
check "hostB pings hostA through espgw" pb ping -6 -c 3 -i 0.2 -W 2 2001:db8:a::2
check "IPv4 still forwarded (dual stack): hostA pings hostB" \
	pa ping -c 3 -i 0.2 -W 2 203.0.113.2
neigh=$(tel /espgw/neighbours)
check_eq "espgw knows hostA 2001:db8:a::2: reachable, real MAC, on lan0" \
	"$(jq -c '[.[] | select(.address == "2001:db8:a::2") | [.state, .mac, .interface]]' <<<"$neigh")" \
	"[[\"reachable\",\"$MAC_A\",\"lan0\"]]"
check_eq "espgw knows hostB 2001:db8:b::2: reachable, real MAC, on wan0" \
	"$(jq -c '[.[] | select(.address == "2001:db8:b::2") | [.state, .mac, .interface]]' <<<"$neigh")" \
	"[[\"reachable\",\"$MAC_B\",\"wan0\"]]"
check_eq "no neighbour entry shows an IPv4-mapped or zero address" \
	"$(jq -c '[.[] | .address | select(. == "0.0.0.0" or . == "::" or startswith("::ffff:"))]' <<<"$neigh")" \
	'[]'
note "neighbours: $(jq -c '[.[] | [.address, .state, .mac, .interface]]' <<<"$neigh")"

check "hostA's entry for 2001:db8:a::1 is REACHABLE" neigh_reachable "$NS_A" 2001:db8:a::1
check "hostB's entry for 2001:db8:b::1 is REACHABLE" neigh_reachable "$NS_B" 2001:db8:b::1

# --- exact counters: 50 pings -----------------------------------------------

stats_snap
out=$(pa ping -6 -c 50 -i 0.01 -W 2 2001:db8:b::2)
check "50 pings hostA -> hostB, all answered" grep -q ' 50 received' <<<"$out"
check_eq "50 pings: class_plain grew by 100 (requests + replies)" "$(stats_delta class_plain)" 100
check_eq "50 pings: rx grew by 100" "$(stats_delta rx)" 100
check_eq "50 pings: tx grew by 100" "$(stats_delta tx)" 100
check_eq "50 pings: to_control unchanged" "$(stats_delta to_control)" 0
check_eq "50 pings: event_icmp_echo_reply unchanged (transit, not ours)" \
	"$(stats_delta event_icmp_echo_reply)" 0
note "50 pings: counters moved: $(stats_moved)"
out=$(pa ip -6 -j neigh show 2001:db8:a::1 dev eth0 | jq -r '.[0].state[0]')
[ "$out" = REACHABLE ] || note "hostA's entry for the gateway went $out during the window"

# --- UDP: 1000 numbered datagrams of 1000 bytes -----------------------------

# udp6_check NS ARGS...: udp_check.py (which speaks IPv4) over AF_INET6, in
# NS, for at most 30 s
udp6_check() {
	ip netns exec "$1" timeout 30 "$PYTHON" -c 'import socket, sys, types
sys.path.insert(0, sys.argv.pop(1))
import udp_check
s6 = types.ModuleType("socket")
s6.__dict__.update(socket.__dict__)
s6.AF_INET = socket.AF_INET6
udp_check.socket = s6
sys.exit(udp_check.main(sys.argv))' "$INTEG_DIR" "${@:2}"
}
stats_snap
udp6_check "$NS_B" recv 2001:db8:b::2 9000 1000 1000 5 >"$TMPD/udp.out" 2>&1 &
rpid=$!
if wait_for "$TMPD/udp.out" '^ready' 10; then
	udp6_check "$NS_A" send 2001:db8:b::2 9000 1000 1000
	wait "$rpid"
	rc=$?
	check_eq "UDP: 1000 datagrams arrived once and intact ($(tail -1 "$TMPD/udp.out"))" "$rc" 0
else
	not_ok "UDP receiver ready" "$(cat "$TMPD/udp.out")"
fi
check_eq "UDP: class_plain grew by 1000" "$(stats_delta class_plain)" 1000
check_eq "UDP: rx grew by 1000" "$(stats_delta rx)" 1000
check_eq "UDP: tx grew by 1000" "$(stats_delta tx)" 1000
note "UDP: counters moved: $(stats_moved)"

# --- TCP: 10 MB, byte for byte ----------------------------------------------

head -c 10000000 /dev/urandom >"$TMPD/tcp.in"
stats_snap
ip netns exec "$NS_B" timeout 60 socat -u TCP6-LISTEN:5001,bind='[2001:db8:b::2]',reuseaddr \
	CREATE:"$TMPD/tcp.out" 2>"$TMPD/socat.err" &
spid=$!
for ((i = 0; i < 50; i++)); do
	pb ss -Hltn 'sport = :5001' | grep -q LISTEN && break
	sleep 0.1
done
t0=$(date +%s.%N)
pa timeout 60 socat -u OPEN:"$TMPD/tcp.in" TCP6:'[2001:db8:b::2]':5001
src_rc=$?
wait "$spid"
dst_rc=$?
t1=$(date +%s.%N)
check_eq "TCP: socat sender and receiver succeed" "$src_rc $dst_rc" "0 0"
check_eq "TCP: 10 MB arrive byte for byte (sha256)" \
	"$(sha256sum <"$TMPD/tcp.out" 2>/dev/null | cut -d' ' -f1)" \
	"$(sha256sum <"$TMPD/tcp.in" | cut -d' ' -f1)"
check_eq "TCP: no IPv6 drops (drop_mtu_df, drop_no_route unchanged)" \
	"$(stats_delta drop_mtu_df) $(stats_delta drop_no_route)" "0 0"
rate=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f s, %.0f Mbit/s", b - a, 80 / (b - a) }')
note "TCP: $rate; counters: $(stats_moved)"
rm -f "$TMPD/tcp.in" "$TMPD/tcp.out"

# --- ICMPv6 errors ----------------------------------------------------------

stats_snap
out=$(pa ping -6 -c 1 -t 1 -W 2 2001:db8:b::2)
check "hop limit 1: 'Time exceeded: Hop limit' from 2001:db8:a::1" \
	grep -q 'From 2001:db8:a::1 icmp_seq=1 Time exceeded: Hop limit' <<<"$out"
check_eq "hop limit 1: drop_ttl_exceeded +1" "$(stats_delta drop_ttl_exceeded)" 1
check_eq "hop limit 1: event_icmp_error_sent +1" "$(stats_delta event_icmp_error_sent)" 1

stats_snap
out=$(pa ping -6 -c 1 -W 2 2001:db8:ff::1)
check "no route: 'Destination unreachable: No route' from 2001:db8:a::1" \
	grep -q 'From 2001:db8:a::1 icmp_seq=1 Destination unreachable: No route' <<<"$out"
check_eq "no route: drop_no_route +1" "$(stats_delta drop_no_route)" 1
check_eq "no route: event_icmp_error_sent +1" "$(stats_delta event_icmp_error_sent)" 1

# --- a next hop that never answers neighbour solicitations -----------------

# not through pb(): $! must be tcpdump itself (ip netns exec execs)
ip netns exec "$NS_B" tcpdump -i eth0 -U -n -w "$TMPD/nd.pcap" 'icmp6 and ip6[40] == 135' \
	>"$TMPD/tcpdump.err" 2>&1 &
tpid=$!
wait_for "$TMPD/tcpdump.err" 'listening on' 10 || note "tcpdump not ready: $(cat "$TMPD/tcpdump.err")"
stats_snap
pa ping -6 -c 1 -W 1 2001:db8:b::99 >/dev/null
check "unresolved next hop: drop_neigh_unresolved grows within 5 s" wait_stat drop_neigh_unresolved 1 5
check_eq "unresolved next hop: exactly the one held packet dropped" \
	"$(stats_delta drop_neigh_unresolved)" 1
n_ns=$(stats_delta event_nd_solicit_sent)
check_ge "unresolved next hop: event_nd_solicit_sent >= 3 (max_probes)" "$n_ns" 3
sleep 0.3
kill -TERM "$tpid"
wait "$tpid"
check_eq "hostB's link saw every solicitation: 2001:db8:b::1 > ff02::1:ff00:99, who has 2001:db8:b::99" \
	"$(tcpdump -r "$TMPD/nd.pcap" -n 2>/dev/null |
		grep -c '2001:db8:b::1 > ff02::1:ff00:99: .*who has 2001:db8:b::99')" "$n_ns"
check_eq "unresolved next hop: no neighbour entry left for 2001:db8:b::99" \
	"$(tel /espgw/neighbours | jq '[.[] | select(.address == "2001:db8:b::99")] | length')" 0

# --- MTU 1400 on wan0: packet too big, never fragmented ----------------------

stats_snap
out=$(pa ping -6 -c 1 -W 2 -M 'do' -s 1450 2001:db8:b::2)
check "1498-byte ping6: 'Packet too big: mtu=1400' from 2001:db8:a::1" \
	grep -q 'From 2001:db8:a::1 icmp_seq=1 Packet too big: mtu=1400' <<<"$out"
check_eq "packet too big: drop_mtu_df +1" "$(stats_delta drop_mtu_df)" 1
check_eq "packet too big: event_icmp_error_sent +1" "$(stats_delta event_icmp_error_sent)" 1
check_eq "packet too big: event_fragments_sent unchanged (IPv6 routers never fragment)" \
	"$(stats_delta event_fragments_sent)" 0
check "hostA cached path MTU 1400 for 2001:db8:b::2" \
	grep -q 'mtu 1400' <<<"$(pa ip -6 route get 2001:db8:b::2)"
stats_snap
out=$(pa ping -6 -c 3 -i 0.2 -W 2 -s 1450 2001:db8:b::2)
check "1498-byte ping6 again: hostA fragments to the path MTU, all answered" \
	grep -q ' 3 received' <<<"$out"
check_eq "hostA's own fragments: class_plain +12 (2 per request, 2 per reply)" \
	"$(stats_delta class_plain)" 12
check_eq "hostA's own fragments: drop_mtu_df, event_fragments_sent unchanged" \
	"$(stats_delta drop_mtu_df) $(stats_delta event_fragments_sent)" "0 0"

# --- stop -------------------------------------------------------------------

plain=$(tel /espgw/stats,total class_plain)
espgw_stop
check "espgw printed its counters on exit" grep -q '^espgw counters (all lcores):' "$ESPGW_LOG"
check_eq "printed 'class plain' equals the last telemetry reading" \
	"$(awk '$1 == "class" && $2 == "plain" { print $3 }' "$ESPGW_LOG")" "$plain"
done_testing
