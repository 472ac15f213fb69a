# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# What the packet benchmarks (bench_forward.sh, bench_esp.sh) share: the
# scratch dir and its cleanup, building espgw, the TSC frequency, and
# starting/stopping one DPDK program at a time in the background.
#
#   BENCH_NAME=bench_x; source "$(dirname "$0")/bench_lib.sh"
#   bench_build_espgw             # builds this tree's espgw if ESPGW is the default
#   bench_tsc                     # sets tsc_hz and tsc_src
#   bench_start PREFIX LOG CMD... # CMD in the background, PID and PREFIX set
#   bench_wait_log LOG REGEX      # until the log has REGEX (20 s) or the program died
#   bench_rate PREFIX KIND        # "RX_PPS TX_PPS NOTE" after WARMUP, over SECONDS_PER_RUN
#   bench_stop                    # SIGINT, up to 10 s, then SIGKILL
#
# Only one DPDK program runs at a time: PID and PREFIX name it, the EXIT trap
# kills it and removes its runtime dir. KEEP=1 keeps the scratch dir.

set -u

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$BENCH_DIR/../.." && pwd)
ESPGW=${ESPGW:-$TOP/build/app/espgw/espgw}
PYTHON=${PYTHON:-/usr/bin/python3}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-3}
WARMUP=${WARMUP:-1}
COMMON_PY=$BENCH_DIR/bench_common.py
RUN=$$$RANDOM

# not /tmp/espgw-*: other jobs on the machine clean up after themselves by that name
TMPD=$(mktemp -d "/tmp/${BENCH_NAME:?}.$RUN.XXXX") || exit 1
PID=
PREFIX=
# EAL's runtime dir (holds the telemetry socket even with --no-shconf)
if [ "$(id -u)" = 0 ]; then RTDIR=/var/run/dpdk; else RTDIR=${XDG_RUNTIME_DIR:-/tmp}/dpdk; fi

bench_cleanup() {
	if [ -n "$PID" ]; then
		kill -9 "$PID" 2>/dev/null
		wait "$PID" 2>/dev/null
	fi
	[ -z "$PREFIX" ] || rm -rf "${RTDIR:?}/$PREFIX"
	if [ "${KEEP:-0}" = 1 ]; then echo "# scratch dir kept: $TMPD"; else rm -rf "$TMPD"; fi
}
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

die() {
	echo "$BENCH_NAME: $*" >&2
	exit 1
}

bench_build_espgw() {
	if [ "$ESPGW" = "$TOP/build/app/espgw/espgw" ]; then
		if [ ! -d "$TOP/build" ]; then
			(cd "$TOP" && meson setup build >"$TMPD/meson.log" 2>&1) ||
				die "meson setup failed: $(tail -20 "$TMPD/meson.log")"
		fi
		ninja -C "$TOP/build" >"$TMPD/ninja.log" 2>&1 ||
			die "build failed: $(tail -20 "$TMPD/ninja.log")"
	fi
	[ -x "$ESPGW" ] || die "no espgw at $ESPGW"
}

# The TSC rate, for cycles/packet: the kernel's "tsc: Detected" line, else
# /proc/cpuinfo's "cpu MHz" (tsc_src says which).
bench_tsc() {
	local mhz
	mhz=$(dmesg 2>/dev/null | sed -n 's/.*tsc: Detected \([0-9.]*\) MHz.*/\1/p' | head -1)
	tsc_src="dmesg 'tsc: Detected $mhz MHz'"
	if [ -z "$mhz" ]; then
		mhz=$(awk -F': ' '/^cpu MHz/ { print $2; exit }' /proc/cpuinfo)
		tsc_src="/proc/cpuinfo 'cpu MHz' $mhz (no tsc line in dmesg)"
	fi
	[ -n "$mhz" ] || die "cannot find the TSC frequency"
	tsc_hz=$(awk -v m="$mhz" 'BEGIN { printf "%.0f", m * 1e6 }')
}

bench_machine() {
	echo "# $(uname -n), $(nproc) CPU(s): $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
	echo "# TSC $tsc_hz Hz from $tsc_src"
}

# bench_start PREFIX LOG CMD...: the EAL file prefix CMD was given, its log
bench_start() {
	PREFIX=$1
	local log=$2
	shift 2
	"$@" >"$log" 2>&1 </dev/null &
	PID=$!
}

# bench_wait_log LOG REGEX: 0 once the log matches, 1 if the program exited
# or 20 s passed
bench_wait_log() {
	local i
	for ((i = 0; i < 200; i++)); do
		grep -q -- "$2" "$1" && return 0
		kill -0 "$PID" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

bench_rate() {
	"$PYTHON" "$COMMON_PY" rate "$1" "$2" "$WARMUP" "$SECONDS_PER_RUN" 2>&1
}

# bench_stop: SIGINT, up to 10 s, then SIGKILL; returns the exit status
bench_stop() {
	local i rc
	kill -INT "$PID" 2>/dev/null
	for ((i = 0; i < 100; i++)); do
		kill -0 "$PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -9 "$PID" 2>/dev/null
	wait "$PID" 2>/dev/null
	rc=$?
	PID=
	rm -rf "${RTDIR:?}/$PREFIX"
	PREFIX=
	return $rc
}

# bench_mpps PPS: PPS / 1e6 with two decimals
bench_mpps() {
	awk -v v="$1" 'BEGIN { printf "%.2f", v / 1e6 }'
}
