#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Benchmark (not a test; tests/run.sh does not run it): espgw's ESP rate on
# ONE worker lcore, inbound (decrypt) and outbound (encrypt), raw ESP and
# NAT-T (ESP in UDP 4500), 1 and 1000 SAs, against three anchors measured in
# the same run, alternating with it (issue 3):
#
#   inbound   net_pcap0 (public 192.0.2.1/24, rx_pcap of ESP from 192.0.2.10,
#             infinite_rx=1) --> [1 worker] --> net_null0 (private
#             198.51.100.1/24, no-rx=1; static neighbours 198.51.100.2..9)
#   outbound  net_pcap0 (private, rx_pcap of plain UDP 198.51.100.x ->
#             10.a.b.y) --> [1 worker] --> net_null0 (public; static
#             neighbour 192.0.2.10, the one peer of every SA)
#
# Input (bench_esp.py gen; cached in BENCH_CACHE, default
# /var/tmp/espgw-bench-esp): PKTS frames per pcap, inner IPv4/UDP of IP size
# 64, 512, 1400 (the ESP payload is that + pad to 4 + 2), round-robin over
# the SAs; SA k protects 10.(1+k/256).(k%256).0/24, one peer 192.0.2.10 with
# distinct SPIs, AES-GCM-128 (scapy's SecurityAssociation, sequence numbers
# 1..PKTS/SAs, IV = sequence number). infinite_rx replays the same sequence
# numbers forever, so the inbound SAs run with replay_window 0 (anti-replay
# off, RFC 4303 3.4.3), as do ipsec-secgw's (its -w default 0).
#
# Programs, each alone on the machine, EAL -l 0,1 --no-huge -m 1024:
#   espgw      lcore 0 control, lcore 1 the worker; engine ipsec-mb;
#              /espgw/stats,total rx and tx, every drop_* that moved listed.
#   testpmd    io forwarding of the same pcap into net_null0: the I/O
#              ceiling of the ports (net_pcap copies every packet); measured
#              on the 1-SA pcap of each encapsulation and size.
#   secgw      DPDK 22.11's examples/ipsec-secgw, built here from Debian's
#              dpdk-doc sources (see build_secgw), worker on lcore 1, crypto
#              vdev crypto_aesni_gcm0, in its three software paths:
#                lookaside  -l (librte_ipsec), SA type lookaside-none
#                cpu        -l, SA "type cpu-crypto" (synchronous)
#                legacy     no -l (the application's own ESP code)
#              Raw ESP only: it has no NAT-T with software crypto, so NAT-T
#              rows compare espgw NAT-T with ipsec-secgw raw.
#              /ethdev/stats ipackets (port 0), opackets (port 1): its
#              internal drops show as tx/rx < 1.
#   cryptoperf dpdk-test-crypto-perf --ptest throughput on crypto_aesni_gcm0,
#              AES-GCM-128, 8-byte AAD, burst 32, one lcore, buffer = the ESP
#              payload; decrypt for inbound (on crypto-perf's own data: the
#              tags do not verify, the PMD still does the whole GHASH before
#              comparing), encrypt for outbound. The raw AES-GCM limit, Mops.
#
# Before measuring, every configuration is checked once (at the sizes in
# CHECK_SIZES, default the largest): espgw and each ipsec-secgw mode read
# the pcap once (no infinite_rx) into a net_pcap tx_pcap, and bench_esp.py
# verify decrypts/compares every frame; a program that drops or mangles
# anything stops the benchmark. At the other sizes, tx/rx and the drop
# counters of the measured windows show what was lost.
#
# Per direction and size, RUNS rounds; each round runs every case once
# (espgw per encapsulation and SA count, testpmd, ipsec-secgw's modes,
# crypto-perf), WARMUP s + SECONDS_PER_RUN s measured each. The tables show
# medians; ratios are medians of per-round ratios (both figures from the
# same round). Gbps counts the inner IP packet; cycles/packet = TSC Hz /
# espgw pps.
#
# The figures come from a shared, virtual machine (2 vCPUs, the control
# lcore and the worker competing with everything else): compare ratios
# within one run, not absolute rates across machines.
#
# Environment: RUNS=3 SECONDS_PER_RUN=2 WARMUP=1 SIZES="64 512 1400"
# SAS="1 1000" ENCAPS="raw natt" DIRS="in out" PKTS=2000
# SECGW_MODES="lookaside cpu legacy" CHECK=1 (0 skips the check runs)
# CHECK_SIZES (default the last of SIZES),
# NO_ESPGW=1 (anchors only), ESPGW (default build/app/espgw/espgw of this
# tree, built if missing or stale), TESTPMD (dpdk-testpmd), CRYPTOPERF
# (dpdk-test-crypto-perf), SECGW_SRC (/usr/share/dpdk/examples/ipsec-secgw,
# Debian package dpdk-doc), PYTHON (/usr/bin/python3, with scapy), KEEP=1
# keeps the scratch dir. Run as root (DPDK, dmesg).

BENCH_NAME=bench_esp
SECONDS_PER_RUN=${SECONDS_PER_RUN:-2}
# shellcheck source-path=SCRIPTDIR source=bench_lib.sh
source "$(dirname "$0")/bench_lib.sh"
TESTPMD=${TESTPMD:-dpdk-testpmd}
CRYPTOPERF=${CRYPTOPERF:-dpdk-test-crypto-perf}
SECGW_SRC=${SECGW_SRC:-/usr/share/dpdk/examples/ipsec-secgw}
RUNS=${RUNS:-3}
SIZES=${SIZES:-64 512 1400}
CHECK_SIZES=${CHECK_SIZES:-${SIZES##* }}
SAS=${SAS:-1 1000}
ENCAPS=${ENCAPS:-raw natt}
DIRS=${DIRS:-in out}
PKTS=${PKTS:-2000}
SECGW_MODES=${SECGW_MODES:-lookaside cpu legacy}
CHECK=${CHECK:-1}
NO_ESPGW=${NO_ESPGW:-0}
PCAP_MAC=02:70:63:61:70:00 # net_pcap's MAC for port 0: 02:70:63:61:70:<port>
HELPER=$BENCH_DIR/bench_esp.py
EAL=(-l "0,1" --no-huge -m 1024 --no-pci --no-shconf)
SECGW=$TMPD/secgw/ipsec-secgw/build/ipsec-secgw
SA1=${SAS%% *} # testpmd runs on this SA count's pcaps

# --- build, tools -----------------------------------------------------------

[ "$NO_ESPGW" = 1 ] || bench_build_espgw
command -v "$TESTPMD" >/dev/null || die "no $TESTPMD (Debian: dpdk package)"
command -v "$CRYPTOPERF" >/dev/null || die "no $CRYPTOPERF (Debian: dpdk package)"
"$PYTHON" -c 'import scapy' 2>/dev/null || die "$PYTHON has no scapy"
bench_tsc

# ipsec-secgw from the dpdk-doc sources, in the scratch dir, with its own
# Makefile (pkg-config libdpdk). One change: its port_conf asks every port
# for RX checksum offload (RTE_ETH_RX_OFFLOAD_CHECKSUM), which net_pcap and
# net_null lack, and port_init() then refuses the port; the request is
# dropped (0), nothing else is touched.
SECGW_PATCH='s|^\(\t\t\.offloads = \)RTE_ETH_RX_OFFLOAD_CHECKSUM,$|\10, /* espgw bench: vdevs lack RX checksum offload */|'
build_secgw() {
	[ -f "$SECGW_SRC/ipsec-secgw.c" ] ||
		die "no ipsec-secgw sources in $SECGW_SRC (Debian: apt-get install dpdk-doc)"
	mkdir -p "$TMPD/secgw"
	cp -r "$SECGW_SRC" "$TMPD/secgw/ipsec-secgw"
	[ ! -d "$SECGW_SRC/../common" ] || cp -r "$SECGW_SRC/../common" "$TMPD/secgw/common"
	sed -i "$SECGW_PATCH" "$TMPD/secgw/ipsec-secgw/ipsec-secgw.c"
	[ "$(grep -c 'RTE_ETH_RX_OFFLOAD_CHECKSUM' "$TMPD/secgw/ipsec-secgw/ipsec-secgw.c")" = 0 ] ||
		die "ipsec-secgw: the RX checksum offload request was not where expected"
	make -C "$TMPD/secgw/ipsec-secgw" -j"$(nproc)" >"$TMPD/secgw.make.log" 2>&1 ||
		die "ipsec-secgw build failed: $(tail -20 "$TMPD/secgw.make.log")"
}
build_secgw

# --- inputs -----------------------------------------------------------------

"$PYTHON" "$HELPER" gen "$TMPD" "$PCAP_MAC" "$DIRS" "$ENCAPS" "$SAS" "$SIZES" "$PKTS" \
	>"$TMPD/gen.log" 2>&1 || die "pcap generation: $(tail -5 "$TMPD/gen.log")"
if [ "$NO_ESPGW" != 1 ]; then
	for y in "$TMPD"/*.espgw.yaml; do
		"$ESPGW" --check -f "$y" >"$TMPD/check.log" 2>&1 ||
			die "espgw refused $(basename "$y"): $(tail -3 "$TMPD/check.log")"
	done
fi

# --- running one program ----------------------------------------------------

# start PROG DIR ENCAP NSA SIZE TAG [check]: starts PROG (espgw, testpmd,
# secgw-MODE) on the case's pcap; with "check", reads it once into
# net_pcap1's tx_pcap $TMPD/TAG.out.pcap instead of replaying it into
# net_null0. Returns when the program is forwarding.
start() {
	local prog=$1 dir=$2 encap=$3 nsa=$4 size=$5 tag=$6 check=${7:-}
	local base=$TMPD/$dir-$encap-$nsa pcap=$TMPD/$dir-$encap-$nsa-$size.pcap
	local log=$TMPD/$tag.log vdevs
	if [ -n "$check" ]; then
		vdevs=(--vdev "net_pcap0,rx_pcap=$pcap" --vdev "net_pcap1,tx_pcap=$TMPD/$tag.out.pcap")
	else
		vdevs=(--vdev "net_pcap0,rx_pcap=$pcap,infinite_rx=1" --vdev "net_null0,no-rx=1")
	fi
	case $prog in
	espgw)
		local conf=$base.espgw.yaml
		if [ -n "$check" ]; then
			sed 's/net_null0/net_pcap1/' "$conf" >"$TMPD/$tag.yaml"
			conf=$TMPD/$tag.yaml
		fi
		bench_start "$tag" "$log" "$ESPGW" "${EAL[@]}" --file-prefix "$tag" "${vdevs[@]}" \
			-- -f "$conf"
		bench_wait_log "$log" '^espgw: running' || die "espgw did not start: $(tail -20 "$log")"
		if [ "$CHECKED_MAC" = 0 ]; then
			local mac
			mac=$(sed -n 's/^espgw: interface [a-z0-9]*: port 0 net_pcap \([0-9a-f:]\{17\}\) .*/\1/p' "$log")
			[ "$mac" = "$PCAP_MAC" ] ||
				die "espgw's net_pcap MAC is '$mac', the pcaps are sent to $PCAP_MAC"
			CHECKED_MAC=1
		fi
		;;
	testpmd)
		# as in bench_forward.sh: --stats-period keeps it forwarding
		bench_start "$tag" "$log" "$TESTPMD" "${EAL[@]}" --file-prefix "$tag" "${vdevs[@]}" \
			-- --forward-mode=io --nb-cores=1 --total-num-mbufs=16384 --stats-period 60
		;;
	secgw-*)
		local mode=${prog#secgw-} cfg=$base.secgw.cfg opts=(-l) unprot=0x1
		[ "$mode" != cpu ] || cfg=$base.secgw-cpu.cfg
		[ "$mode" != legacy ] || opts=()
		[ "$dir" = in ] || unprot=0x2
		# port 0 = net_pcap0, port 1 = net_null0, both polled by lcore 1;
		# -u: the public (unprotected) port; -w (replay window) and -e
		# (ESN) left at their defaults: off. EAL -l 1 alone: it wants one
		# TX queue per lcore, net_pcap has one; with CALL_MAIN the main
		# lcore is the worker (it has no control lcore to give a core to)
		bench_start "$tag" "$log" "$SECGW" -l 1 "${EAL[@]:2}" --file-prefix "$tag" \
			--vdev crypto_aesni_gcm0 "${vdevs[@]}" \
			-- -p 0x3 -P -u "$unprot" --config "(0,0,1),(1,0,1)" -s 32768 \
			"${opts[@]}" -f "$cfg"
		bench_wait_log "$log" 'entering main loop on lcore 1' ||
			die "ipsec-secgw ($mode) did not start: $(tail -20 "$log")"
		;;
	esac
}

# check PROG DIR ENCAP NSA SIZE: one pass over the pcap, every frame judged
check() {
	local prog=$1 dir=$2 encap=$3 nsa=$4 size=$5 tag out
	tag=bench-check-$prog-$dir-$encap-$nsa-$size-$RUN
	start "$prog" "$dir" "$encap" "$nsa" "$size" "$tag" check
	"$PYTHON" "$COMMON_PY" settle "$tag" "$PKTS" >/dev/null
	bench_stop
	out=$("$PYTHON" "$HELPER" verify "$dir" "$encap" "$nsa" \
		"$TMPD/$dir-$encap-$nsa-$size.pcap" "$TMPD/$tag.out.pcap" 2>&1) ||
		die "$prog $dir $encap $nsa SA(s) $size B: $out (log: $TMPD/$tag.log, KEEP=1 keeps it)"
	printf '#   check %-15s %-3s %-4s %4d SA(s) %4d B: %s\n' "$prog" "$dir" "$encap" "$nsa" "$size" "$out"
}

# measure PROG DIR ENCAP NSA SIZE N: appends a line to results. A run whose
# telemetry socket vanished (a shared machine: someone cleaned /var/run/dpdk)
# is repeated once.
measure() {
	local prog=$1 dir=$2 encap=$3 nsa=$4 size=$5 n=$6 tag out rc kind try
	kind=ethdev
	[ "$prog" != espgw ] || kind=espgw
	for try in 1 2; do
		tag=bench-$prog-$dir-$encap-$nsa-$size-$n-$try-$RUN
		start "$prog" "$dir" "$encap" "$nsa" "$size" "$tag"
		out=$(bench_rate "$tag" "$kind")
		rc=$?
		bench_stop
		[ "$rc" -ne 0 ] || break
		echo "#   $prog $dir $encap $nsa $size B run $n: no rate (${out##*Error: }), again"
	done
	[ "$rc" -eq 0 ] || die "$prog $dir $encap $nsa $size B run $n: $out; log: $(tail -20 "$TMPD/$tag.log")"
	echo "$dir $encap $nsa $size $prog $n $out" >>"$TMPD/results"
	printf '#   %-3s %-4s %4d SA(s) %4d B %-15s run %d: %6.2f Mpps rx, %6.2f Mpps tx%s\n' \
		"$dir" "$encap" "$nsa" "$size" "$prog" "$n" \
		"$(bench_mpps "${out%% *}")" "$(bench_mpps "$(cut -d' ' -f2 <<<"$out")")" \
		"$([ "${out##* }" = - ] || echo "  drops: ${out##* }")"
}

# cryptoperf DIR SIZE N: AES-GCM-128 on the ESP payload of an inner packet
# of SIZE (SIZE + 2, padded to 4), about SECONDS_PER_RUN s of operations
cryptoperf() {
	local dir=$1 size=$2 n=$3 tag log buf ops op=encrypt out
	tag=bench-cryptoperf-$dir-$size-$n-$RUN
	log=$TMPD/$tag.log
	buf=$(((size + 2 + 3) / 4 * 4))
	ops=$(awk -v s="$SECONDS_PER_RUN" -v hz="$tsc_hz" -v b="$buf" \
		'BEGIN { printf "%d", s * hz / (80 + 0.19 * b) }')
	[ "$dir" = out ] || op=decrypt
	PREFIX=$tag
	timeout 120 "$CRYPTOPERF" "${EAL[@]}" --file-prefix "$tag" --vdev crypto_aesni_gcm0 -- \
		--ptest throughput --devtype crypto_aesni_gcm --optype aead --aead-algo aes-gcm \
		--aead-op "$op" --aead-key-sz 16 --aead-iv-sz 12 --aead-aad-sz 8 --digest-sz 16 \
		--buffer-sz "$buf" --burst-sz 32 --total-ops "$ops" --silent \
		>"$log" 2>&1 </dev/null || die "crypto-perf failed: $(tail -20 "$log")"
	rm -rf "${RTDIR:?}/$tag"
	PREFIX=
	out=$("$PYTHON" "$HELPER" cryptoperf "$log" 2>&1) || die "$out"
	echo "$dir raw 1 $size cryptoperf $n $out" >>"$TMPD/results"
	printf '#   %-3s %-4s %4s       %4d B %-15s run %d: %6.2f Mops (%s, %d B)\n' \
		"$dir" "" "" "$size" cryptoperf "$n" "$(bench_mpps "${out%% *}")" "$op" "$buf"
}

# --- main -------------------------------------------------------------------

progs_of() { # the ESP programs of one case
	local encap=$1
	[ "$NO_ESPGW" = 1 ] || echo espgw
	if [ "$encap" = raw ]; then
		for m in $SECGW_MODES; do echo "secgw-$m"; done
	fi
}

CHECKED_MAC=0
echo "# espgw ESP, 1 worker lcore, net_pcap (infinite_rx) -> net_null, AES-GCM-128"
bench_machine
echo "# $RUNS rounds per direction and size, ${WARMUP} s warm-up + $SECONDS_PER_RUN s measured per program;"
echo "# espgw, testpmd io, ipsec-secgw ($SECGW_MODES) and crypto-perf alternate within each round"
echo "# inbound SAs: anti-replay off (espgw replay_window: 0, ipsec-secgw -w 0), since"
echo "# infinite_rx replays the same sequence numbers"
echo "# ipsec-secgw: $SECGW_SRC built in the scratch dir, its RX checksum offload"
echo "# request removed (net_pcap/net_null have none); no NAT-T with software crypto"
[ "$NO_ESPGW" != 1 ] || echo "# NO_ESPGW=1: anchors only"
: >"$TMPD/results"
if [ "$CHECK" = 1 ]; then
	echo "# checks ($CHECK_SIZES B): one pass over each pcap, every output frame decrypted/compared"
	for dir in $DIRS; do
		for encap in $ENCAPS; do
			for nsa in $SAS; do
				for size in $CHECK_SIZES; do
					for prog in $(progs_of "$encap"); do
						check "$prog" "$dir" "$encap" "$nsa" "$size"
					done
				done
			done
		done
	done
fi
for dir in $DIRS; do
	for size in $SIZES; do
		for ((n = 1; n <= RUNS; n++)); do
			for encap in $ENCAPS; do
				for nsa in $SAS; do
					for prog in $(progs_of "$encap"); do
						measure "$prog" "$dir" "$encap" "$nsa" "$size" "$n"
					done
				done
				measure testpmd "$dir" "$encap" "$SA1" "$size" "$n"
			done
			cryptoperf "$dir" "$size" "$n"
		done
	done
done
echo
echo "# medians of $RUNS rounds; size = inner IP packet in bytes; Gbps at that size"
"$PYTHON" "$HELPER" table "$TMPD/results" "$tsc_hz"
echo
echo "# NOTE: shared, noisy virtual machine ($(nproc) vCPUs): absolute rates vary run to"
echo "# run and host to host; read the medians and the ratios, nothing finer."
