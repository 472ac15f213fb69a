# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# Helpers the integration tests source: namespaces and veths, starting and
# stopping espgw, telemetry, and TAP-style checks. Run as root on Debian 12.
#
#   source "$(dirname "$0")/lib.sh"
#   ns_setup                      # NS_GW, NS_A, NS_B; ga/gb <-> eth0, see below
#   host_ipv6 NS DEV ADDR/LEN [GW]  # IPv6 on a host's veth: no DAD, no RS/RA
#   espgw_start CONF PREFIX NS VDEV...   # each VDEV given to EAL as --vdev
#   check "desc" cmd args...      # ok when cmd exits 0
#   check_eq "desc" "$got" "$want"
#   espgw_stop                    # SIGINT, asserts exit status 0
#   done_testing                  # "N passed, N failed", exit status
#
# Everything a test creates carries the per-run suffix $RUN (namespaces,
# EAL file prefixes, scratch dir), so parallel runs and leftovers of killed
# runs never clash; the EXIT trap kills espgw and deletes the namespaces.
#
# Environment: ESPGW (the binary; default build/app/espgw/espgw of this tree),
# PYTHON (an interpreter with scapy; default Debian's /usr/bin/python3, not
# whatever python3 comes first in PATH), KEEP=1 keeps the scratch dir.

set -u

INTEG_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$INTEG_DIR/../.." && pwd)
ESPGW=${ESPGW:-$TOP/build/app/espgw/espgw}
PYTHON=${PYTHON:-/usr/bin/python3}
RUN=$$$RANDOM
TMPD=$(mktemp -d "/tmp/espgw-integ.$RUN.XXXX")

N_PASS=0
N_FAIL=0
NAMESPACES=()
ESPGW_PID=
ESPGW_LOG=
ESPGW_PREFIX=
PREFIXES=()

# --- TAP checks -------------------------------------------------------------

ok() { N_PASS=$((N_PASS + 1)); echo "ok - $1"; }
not_ok() {
	N_FAIL=$((N_FAIL + 1))
	echo "not ok - $1"
	[ $# -lt 2 ] || printf '%s\n' "$2" | sed 's/^/#   /'
}

# check DESC CMD...: ok when CMD exits 0; its output is shown only on failure.
check() {
	local desc=$1 out
	shift
	if out=$("$@" 2>&1); then ok "$desc"; else not_ok "$desc" "$out"; fi
}

# check_eq DESC GOT WANT
check_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "got '$2', want '$3'"; fi
}

# check_ge DESC GOT MIN (integers)
check_ge() {
	if [ "$2" -ge "$3" ] 2>/dev/null; then ok "$1 ($2)"; else not_ok "$1" "got '$2', want >= $3"; fi
}

note() { echo "# $*"; }

# Last line: the plan and "N passed, N failed"; exit status 0 only if all passed.
done_testing() {
	echo "1..$((N_PASS + N_FAIL))"
	echo "$N_PASS passed, $N_FAIL failed"
	[ "$N_FAIL" -eq 0 ] && [ "$N_PASS" -gt 0 ]
	exit $?
}

# --- namespaces -------------------------------------------------------------

# ns_add VAR NAME: new namespace NAME-$RUN (IPv6 off, lo up); sets $VAR.
ns_add() {
	local ns="espgw-$2-$RUN"
	ip netns add "$ns" || return 1
	NAMESPACES+=("$ns")
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 >/dev/null
	ip -n "$ns" link set lo up
	printf -v "$1" '%s' "$ns"
}

# veth_pair NS1 DEV1 NS2 DEV2: a veth pair, both ends up, checksum offloads
# off (a veth would otherwise hand af_packet frames with partial checksums).
veth_pair() {
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3" || return 1
	ip netns exec "$1" ethtool -K "$2" rx off tx off >/dev/null 2>&1
	ip netns exec "$3" ethtool -K "$4" rx off tx off >/dev/null 2>&1
	ip -n "$1" link set "$2" up
	ip -n "$3" link set "$4" up
}

# ns_setup: the standard three-namespace topology, no addresses yet.
#
#   NS_A: eth0 ------ ga :NS_GW: gb ------ eth0 :NS_B
#                      (espgw owns ga and gb through net_af_packet; the
#                       kernel in NS_GW has no address on them)
ns_setup() {
	ns_add NS_GW gw && ns_add NS_A a && ns_add NS_B b || return 1
	veth_pair "$NS_GW" ga "$NS_A" eth0 && veth_pair "$NS_GW" gb "$NS_B" eth0
}

# mac_of NS DEV
mac_of() { ip -n "$1" -j link show dev "$2" | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)[0]["address"])'; }

# host_ipv6 NS DEV ADDR/LEN [GW]: IPv6 on a host's DEV (ns_add turned it off):
# no duplicate address detection (addresses usable at once), no router
# solicitations or advertisements (no stray traffic in counted windows),
# neighbour entries reachable for minutes; then ADDR, and a default route via
# GW if given. The kernel's link-local address (EUI-64) comes with it.
host_ipv6() {
	local ns=$1 dev=$2
	ip netns exec "$ns" sysctl -qw net.ipv6.conf."$dev".accept_dad=0 \
		net.ipv6.conf."$dev".accept_ra=0 net.ipv6.conf."$dev".router_solicitations=0 \
		net.ipv6.neigh."$dev".base_reachable_time_ms=600000 \
		net.ipv6.neigh."$dev".delay_first_probe_time=1 \
		net.ipv6.conf."$dev".disable_ipv6=0 >/dev/null || return 1
	ip -n "$ns" addr add "$3" dev "$dev" nodad || return 1
	[ $# -lt 4 ] || ip -n "$ns" -6 route add default via "$4" dev "$dev"
}

# ll6_of_mac MAC: the modified EUI-64 link-local address of MAC (RFC 4291
# appendix A), in canonical form: fe80::xxxx:xxff:fexx:xxxx
ll6_of_mac() {
	"$PYTHON" -c 'import ipaddress, sys
m = bytes.fromhex(sys.argv[1].replace(":", ""))
print(ipaddress.IPv6Address(b"\xfe\x80" + bytes(6) + bytes([m[0] ^ 2]) + m[1:3] + b"\xff\xfe" + m[3:]))' "$1"
}

# neigh_reachable NS ADDR: ping ADDR from NS until NS's neighbour entry for
# it on eth0 is REACHABLE (a host that learnt the gateway from its ARP request
# or neighbour solicitation holds it STALE and confirms it with a unicast
# probe a second after first use); up to ~15 s. IPv4 or IPv6.
neigh_reachable() {
	local i
	for ((i = 0; i < 50; i++)); do
		ip netns exec "$1" ping -c 1 -W 1 "$2" >/dev/null
		[ "$(ip -n "$1" -j neigh show "$2" dev eth0 | jq -r '.[0].state[0]')" = REACHABLE ] &&
			return 0
		sleep 0.2
	done
	return 1
}

# --- espgw ------------------------------------------------------------------

# espgw_start CONF PREFIX NS VDEV...: start espgw in NS (in the background),
# wait up to 20 s for "espgw: running". The EAL file prefix is PREFIX-$RUN
# ($ESPGW_PREFIX); the log is $ESPGW_LOG.
espgw_start() {
	local conf=$1 prefix=$2-$RUN ns=$3 v i
	local eal=(-l "0,1" --no-huge -m 512 --no-pci --file-prefix "$prefix" --no-shconf)
	shift 3
	for v in "$@"; do eal+=(--vdev "$v"); done
	ESPGW_PREFIX=$prefix
	PREFIXES+=("$prefix")
	ESPGW_LOG=$TMPD/espgw-$prefix.log
	# `ip netns exec` execs: $! is espgw itself
	ip netns exec "$ns" "$ESPGW" "${eal[@]}" -- -f "$conf" --idle-sleep 10 \
		>"$ESPGW_LOG" 2>&1 </dev/null &
	ESPGW_PID=$!
	for ((i = 0; i < 200; i++)); do
		if grep -q '^espgw: running' "$ESPGW_LOG"; then
			ok "espgw started ($prefix, pid $ESPGW_PID)"
			return 0
		fi
		kill -0 "$ESPGW_PID" 2>/dev/null || break
		sleep 0.1
	done
	not_ok "espgw started ($prefix)" "$(cat "$ESPGW_LOG")"
	kill -9 "$ESPGW_PID" 2>/dev/null
	wait "$ESPGW_PID" 2>/dev/null
	ESPGW_PID=
	return 1
}

# espgw_stop: SIGINT, wait up to 20 s, assert exit status 0.
espgw_stop() {
	local i rc
	[ -n "$ESPGW_PID" ] || { not_ok "espgw stops (not running)"; return 1; }
	kill -INT "$ESPGW_PID"
	for ((i = 0; i < 200; i++)); do
		kill -0 "$ESPGW_PID" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$ESPGW_PID" 2>/dev/null; then
		not_ok "espgw stops within 20 s of SIGINT" "$(tail -20 "$ESPGW_LOG")"
		kill -9 "$ESPGW_PID"
	fi
	wait "$ESPGW_PID"
	rc=$?
	ESPGW_PID=
	if [ "$rc" -eq 0 ]; then
		ok "espgw exits 0 on SIGINT"
	else
		not_ok "espgw exits 0 on SIGINT" "exit status $rc; log:"$'\n'"$(tail -30 "$ESPGW_LOG")"
	fi
}

# espgw_mac IFACE: the MAC espgw logged for its interface IFACE
espgw_mac() {
	sed -n "s/^espgw: interface $1: port [0-9]* [a-z_]* \([0-9a-f:]\{17\}\) .*/\1/p" "$ESPGW_LOG"
}

# --- telemetry --------------------------------------------------------------

# tel CMD [KEY...]: the command's JSON value (or one member) from espgw
tel() { "$PYTHON" "$INTEG_DIR/telemetry.py" "$ESPGW_PREFIX" "$@"; }

# stats_snap: remember the totals; stats_delta NAME: growth of NAME since.
stats_snap() { tel /espgw/stats,total >"$TMPD/snap.json"; }
stats_delta() {
	local now
	now=$(tel /espgw/stats,total "$1") || return 1
	echo $((now - $(jq -r ".$1" "$TMPD/snap.json")))
}

# stats_moved: every counter that changed since stats_snap, "name +n ..."
stats_moved() {
	tel /espgw/stats,total | jq -r --slurpfile old "$TMPD/snap.json" \
		'to_entries | map(select(.value != $old[0][.key]) |
		 "\(.key) +\(.value - $old[0][.key])") | join(" ")'
}

# wait_stat NAME MIN [SECONDS]: wait until stats_delta NAME >= MIN
wait_stat() {
	local i
	for ((i = 0; i < ${3:-10} * 10; i++)); do
		[ "$(stats_delta "$1")" -ge "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

# wait_for FILE REGEX [SECONDS]: wait until a line of FILE matches REGEX
wait_for() {
	local i
	for ((i = 0; i < ${3:-10} * 10; i++)); do
		grep -qE "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# --- cleanup ----------------------------------------------------------------

cleanup() {
	local ns p
	if [ -n "$ESPGW_PID" ] && kill -0 "$ESPGW_PID" 2>/dev/null; then
		kill -9 "$ESPGW_PID" 2>/dev/null
		wait "$ESPGW_PID" 2>/dev/null
		echo "# espgw was still running; its log:"
		sed 's/^/#   /' "$ESPGW_LOG"
	fi
	# processes a test left in its namespaces (tcpdump, socat, ...)
	for ns in "${NAMESPACES[@]+"${NAMESPACES[@]}"}"; do
		for p in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
		ip netns del "$ns" 2>/dev/null
	done
	for p in "${PREFIXES[@]+"${PREFIXES[@]}"}"; do
		rm -rf "/var/run/dpdk/$p"
	done
	if [ "${KEEP:-0}" = 1 ] || [ "$N_FAIL" -ne 0 ]; then
		echo "# scratch files kept in $TMPD"
	else
		rm -rf "$TMPD"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ "$(id -u)" = 0 ] || { echo "not ok - integration tests need root"; echo "0 passed, 1 failed"; exit 1; }
[ -x "$ESPGW" ] || { echo "not ok - no espgw binary at $ESPGW (build first)"; echo "0 passed, 1 failed"; exit 1; }
