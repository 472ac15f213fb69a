#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Benchmark (not a test; tests/run.sh does not run it): espgw's plain IPv4
# forwarding rate on ONE worker lcore, against the I/O ceiling of the same
# ports measured in the same run.
#
#   net_pcap0 (rx_pcap=IN.pcap, infinite_rx=1) --> [1 worker lcore] --> net_null0 (no-rx=1)
#
# Input: scapy-made pcaps of UDP/IPv4 packets, IP total length 64, 512 and
# 1400 bytes (frame = +14), 256 flows (src ports), dst MAC = the net_pcap
# port's MAC (02:70:63:61:70:00, checked against espgw's log), dst
# 203.0.113.0/24, which espgw routes via 192.0.2.254 on net_null0, a static
# neighbour (no ARP). net_null0 runs with no-rx=1, so neither program
# receives anything on the sink port.
#
# What is measured, per run, after a 1 s warm-up, over SECONDS_PER_RUN s:
#   espgw   (lcore 0 control, lcore 1 the one worker): /espgw/stats,total rx
#           and tx read twice over telemetry; Mpps = delta rx / elapsed.
#   anchor  dpdk-testpmd --forward-mode=io --nb-cores=1 on the same vdevs
#           (lcore 1 forwards port 0 -> 1; port 1 -> 0 is polled but idle):
#           /ethdev/stats,0 ipackets and /ethdev/stats,1 opackets. This is
#           the ceiling of the ports themselves: net_pcap's infinite_rx
#           copies every packet into a fresh mbuf, net_null's tx frees it.
# Gbps counts the IP packet (IP size * 8), not the frame. cycles/packet =
# TSC Hz / espgw pps, the TSC Hz from the kernel's "tsc: Detected" line (or
# /proc/cpuinfo's "cpu MHz" when dmesg has none); the output says which.
# Runs alternate espgw, testpmd, espgw, ... RUNS times each per size and the
# table shows medians; "espgw tx/rx" below 1 means drops, and every drop
# counter that moved in a measured window is listed under the table.
#
# The figures come from a shared, virtual machine (often 2 vCPUs, with the
# control lcore and the worker competing with everything else): compare the
# ratio espgw/io within one run, not the absolute rates across machines.
#
# Environment: RUNS=5 SECONDS_PER_RUN=3 SIZES="64 512 1400" FLOWS=256,
# ESPGW (default build/app/espgw/espgw of this tree, built if missing or
# stale), TESTPMD (default dpdk-testpmd), PYTHON (default /usr/bin/python3,
# with scapy), KEEP=1 keeps the scratch dir. Run as root (DPDK, dmesg).

set -u

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$BENCH_DIR/../.." && pwd)
ESPGW=${ESPGW:-$TOP/build/app/espgw/espgw}
TESTPMD=${TESTPMD:-dpdk-testpmd}
PYTHON=${PYTHON:-/usr/bin/python3}
RUNS=${RUNS:-5}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-3}
SIZES=${SIZES:-64 512 1400}
FLOWS=${FLOWS:-256}
WARMUP=1
PCAP_MAC=02:70:63:61:70:00 # net_pcap's MAC for port 0: 02:70:63:61:70:<port>
HELPER=$BENCH_DIR/bench_forward.py
RUN=$$$RANDOM

TMPD=$(mktemp -d "/tmp/espgw-bench.$RUN.XXXX") || exit 1
PID=
PREFIX=
# EAL's runtime dir (holds the telemetry socket even with --no-shconf)
if [ "$(id -u)" = 0 ]; then RTDIR=/var/run/dpdk; else RTDIR=${XDG_RUNTIME_DIR:-/tmp}/dpdk; fi

cleanup() {
	if [ -n "$PID" ]; then
		kill -9 "$PID" 2>/dev/null
		wait "$PID" 2>/dev/null
	fi
	[ -z "$PREFIX" ] || rm -rf "${RTDIR:?}/$PREFIX"
	if [ "${KEEP:-0}" = 1 ]; then echo "# scratch dir kept: $TMPD"; else rm -rf "$TMPD"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() {
	echo "bench_forward: $*" >&2
	exit 1
}

# --- build, tools -----------------------------------------------------------

if [ "$ESPGW" = "$TOP/build/app/espgw/espgw" ]; then
	if [ ! -d "$TOP/build" ]; then
		(cd "$TOP" && meson setup build >"$TMPD/meson.log" 2>&1) ||
			die "meson setup failed: $(tail -20 "$TMPD/meson.log")"
	fi
	ninja -C "$TOP/build" >"$TMPD/ninja.log" 2>&1 || die "build failed: $(tail -20 "$TMPD/ninja.log")"
fi
[ -x "$ESPGW" ] || die "no espgw at $ESPGW"
command -v "$TESTPMD" >/dev/null || die "no $TESTPMD (Debian: dpdk package)"
"$PYTHON" -c 'import scapy' 2>/dev/null || die "$PYTHON has no scapy"

tsc_mhz=$(dmesg 2>/dev/null | sed -n 's/.*tsc: Detected \([0-9.]*\) MHz.*/\1/p' | head -1)
tsc_src="dmesg 'tsc: Detected $tsc_mhz MHz'"
if [ -z "$tsc_mhz" ]; then
	tsc_mhz=$(awk -F': ' '/^cpu MHz/ { print $2; exit }' /proc/cpuinfo)
	tsc_src="/proc/cpuinfo 'cpu MHz' $tsc_mhz (no tsc line in dmesg)"
fi
[ -n "$tsc_mhz" ] || die "cannot find the TSC frequency"
tsc_hz=$(awk -v m="$tsc_mhz" 'BEGIN { printf "%.0f", m * 1e6 }')

# --- inputs -----------------------------------------------------------------

cat >"$TMPD/espgw.yaml" <<'EOF'
interfaces:
  - name: lan0
    device: net_pcap0
    role: private
    address: 198.51.100.1/24
  - name: wan0
    device: net_null0
    role: public
    address: 192.0.2.1/24
routes:
  - prefix: 203.0.113.0/24
    via: 192.0.2.254
neighbours:
  - address: 192.0.2.254
    mac: 02:00:00:00:00:fe
EOF
"$ESPGW" --check -f "$TMPD/espgw.yaml" >"$TMPD/check.log" 2>&1 ||
	die "config refused: $(cat "$TMPD/check.log")"

for size in $SIZES; do
	"$PYTHON" "$HELPER" gen "$TMPD/in-$size.pcap" "$size" "$PCAP_MAC" "$FLOWS" \
		>"$TMPD/gen.log" 2>&1 || die "pcap for $size B: $(tail -5 "$TMPD/gen.log")"
done

# --- one run ----------------------------------------------------------------

# stop_pid: SIGINT, up to 10 s, then SIGKILL
stop_pid() {
	local i
	kill -INT "$PID" 2>/dev/null
	for ((i = 0; i < 100; i++)); do
		kill -0 "$PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -9 "$PID" 2>/dev/null
	wait "$PID" 2>/dev/null
	PID=
	rm -rf "${RTDIR:?}/$PREFIX"
	PREFIX=
}

# run_one SIZE espgw|testpmd N: appends "SIZE KIND RX_PPS TX_PPS NOTE" to results
run_one() {
	local size=$1 kind=$2 n=$3 prefix log out i
	local eal=(-l "0,1" --no-huge -m 1024 --no-pci --no-shconf
		--vdev "net_pcap0,rx_pcap=$TMPD/in-$size.pcap,infinite_rx=1"
		--vdev "net_null0,no-rx=1")
	prefix=bench-$kind-$RUN-$size-$n
	PREFIX=$prefix
	log=$TMPD/$prefix.log
	if [ "$kind" = espgw ]; then
		"$ESPGW" "${eal[@]}" --file-prefix "$prefix" -- -f "$TMPD/espgw.yaml" \
			>"$log" 2>&1 </dev/null &
		PID=$!
		for ((i = 0; i < 200; i++)); do
			grep -q '^espgw: running' "$log" && break
			kill -0 "$PID" 2>/dev/null || die "espgw exited: $(tail -20 "$log")"
			sleep 0.1
		done
		grep -q '^espgw: running' "$log" || die "espgw did not start: $(tail -20 "$log")"
		if [ "$CHECKED_MAC" = 0 ]; then
			local mac
			mac=$(sed -n 's/^espgw: interface lan0: port 0 net_pcap \([0-9a-f:]\{17\}\) .*/\1/p' "$log")
			[ "$mac" = "$PCAP_MAC" ] ||
				die "espgw's net_pcap MAC is '$mac', the pcaps are sent to $PCAP_MAC"
			CHECKED_MAC=1
		fi
	else
		# --stats-period keeps non-interactive testpmd forwarding until SIGINT
		# (without it, it stops at EOF on stdin); it needs a smaller mbuf
		# pool than its default under --no-huge -m 1024.
		"$TESTPMD" "${eal[@]}" --file-prefix "$prefix" -- --forward-mode=io \
			--nb-cores=1 --total-num-mbufs=16384 --stats-period 60 \
			>"$log" 2>&1 </dev/null &
		PID=$!
	fi
	out=$("$PYTHON" "$HELPER" rate "$prefix" "$kind" "$WARMUP" "$SECONDS_PER_RUN" 2>&1)
	local rc=$?
	stop_pid
	[ "$rc" -eq 0 ] || die "$kind $size B run $n: $out; log: $(tail -20 "$log")"
	echo "$size $kind $out" >>"$TMPD/results"
	printf '#   %4s B %-7s run %d: %6.2f Mpps rx, %6.2f Mpps tx%s\n' "$size" "$kind" "$n" \
		"$(awk -v v="${out%% *}" 'BEGIN { print v / 1e6 }')" \
		"$(awk -v v="$(cut -d' ' -f2 <<<"$out")" 'BEGIN { print v / 1e6 }')" \
		"$([ "${out##* }" = - ] || echo "  drops: ${out##* }")"
}

# --- main -------------------------------------------------------------------

CHECKED_MAC=0
echo "# espgw plain IPv4 forwarding, 1 worker lcore, net_pcap (infinite_rx) -> net_null"
echo "# $(uname -n), $(nproc) CPU(s): $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
echo "# TSC $tsc_hz Hz from $tsc_src"
echo "# $RUNS runs per program and size, ${WARMUP} s warm-up + $SECONDS_PER_RUN s measured, espgw and testpmd alternating"
: >"$TMPD/results"
for size in $SIZES; do
	for ((n = 1; n <= RUNS; n++)); do
		run_one "$size" espgw "$n"
		run_one "$size" testpmd "$n"
	done
done
echo
echo "# medians of $RUNS runs; IP size in bytes (frame = +14), Gbps at the IP size"
"$PYTHON" "$HELPER" table "$TMPD/results" "$tsc_hz"
echo
echo "# NOTE: shared, noisy virtual machine ($(nproc) vCPUs): absolute rates vary run to"
echo "# run and host to host; read the medians and the espgw/io ratio, nothing finer."
