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

BENCH_NAME=bench_forward
# shellcheck source-path=SCRIPTDIR source=bench_lib.sh
source "$(dirname "$0")/bench_lib.sh"
TESTPMD=${TESTPMD:-dpdk-testpmd}
RUNS=${RUNS:-5}
SIZES=${SIZES:-64 512 1400}
FLOWS=${FLOWS:-256}
PCAP_MAC=02:70:63:61:70:00 # net_pcap's MAC for port 0: 02:70:63:61:70:<port>
HELPER=$BENCH_DIR/bench_forward.py

# --- build, tools -----------------------------------------------------------

bench_build_espgw
command -v "$TESTPMD" >/dev/null || die "no $TESTPMD (Debian: dpdk package)"
"$PYTHON" -c 'import scapy' 2>/dev/null || die "$PYTHON has no scapy"
bench_tsc

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

# run_one SIZE espgw|testpmd N: appends "SIZE KIND RX_PPS TX_PPS NOTE" to results
run_one() {
	local size=$1 kind=$2 n=$3 prefix log out
	local eal=(-l "0,1" --no-huge -m 1024 --no-pci --no-shconf
		--vdev "net_pcap0,rx_pcap=$TMPD/in-$size.pcap,infinite_rx=1"
		--vdev "net_null0,no-rx=1")
	prefix=bench-$kind-$RUN-$size-$n
	log=$TMPD/$prefix.log
	if [ "$kind" = espgw ]; then
		bench_start "$prefix" "$log" "$ESPGW" "${eal[@]}" --file-prefix "$prefix" \
			-- -f "$TMPD/espgw.yaml"
		bench_wait_log "$log" '^espgw: running' || die "espgw did not start: $(tail -20 "$log")"
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
		bench_start "$prefix" "$log" "$TESTPMD" "${eal[@]}" --file-prefix "$prefix" \
			-- --forward-mode=io --nb-cores=1 --total-num-mbufs=16384 --stats-period 60
	fi
	out=$(bench_rate "$prefix" "$([ "$kind" = espgw ] && echo espgw || echo ethdev)")
	local rc=$?
	bench_stop
	[ "$rc" -eq 0 ] || die "$kind $size B run $n: $out; log: $(tail -20 "$log")"
	echo "$size $kind $out" >>"$TMPD/results"
	printf '#   %4s B %-7s run %d: %6.2f Mpps rx, %6.2f Mpps tx%s\n' "$size" "$kind" "$n" \
		"$(bench_mpps "${out%% *}")" "$(bench_mpps "$(cut -d' ' -f2 <<<"$out")")" \
		"$([ "${out##* }" = - ] || echo "  drops: ${out##* }")"
}

# --- main -------------------------------------------------------------------

CHECKED_MAC=0
echo "# espgw plain IPv4 forwarding, 1 worker lcore, net_pcap (infinite_rx) -> net_null"
bench_machine
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
