#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Run every test espgw has, as root on Debian 12:
#   unit tests (release build), the same under ASan+UBSan, a short run of
#   each fuzz target, and the integration tests in network namespaces.
# Ends with "N passed, N failed"; exits non-zero when anything failed.
#   FUZZ_SECONDS=N   time per fuzz target (default 30)
#   ONLY=unit|asan|fuzz|integ   run one group
set -u
cd "$(dirname "$0")/.."
top=$(pwd)
bash tests/deps.sh || { echo "deps: installation failed"; echo "0 passed, 1 failed"; exit 1; }

passed=0
failed=0
failures=()
fuzz_seconds=${FUZZ_SECONDS:-30}
only=${ONLY:-}

result() { # name status
  if [ "$2" -eq 0 ]; then
    passed=$((passed + 1)); echo "PASS: $1"
  else
    failed=$((failed + 1)); failures+=("$1"); echo "FAIL: $1"
  fi
}

want() { [ -z "$only" ] || [ "$only" = "$1" ]; }

build() { # dir, meson options...
  local dir=$1; shift
  if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" "$@" >"$dir.setup.log" 2>&1 || { cat "$dir.setup.log"; return 1; }
  fi
  ninja -C "$dir" >"$dir.ninja.log" 2>&1 || { tail -50 "$dir.ninja.log"; return 1; }
}

# One result per unit-test program, from meson's own account.
unit_tests() { # builddir label
  local dir=$1 label=$2 t
  meson test -C "$dir" --print-errorlogs >"$dir.test.log" 2>&1
  while read -r t; do
    result "$label $t" 0
  done < <(grep -E '^ *[0-9]+/[0-9]+ +[a-z0-9_]+ +OK' "$dir.test.log" | awk '{print $2}')
  while read -r t; do
    result "$label $t" 1
  done < <(grep -E '^ *[0-9]+/[0-9]+ +[a-z0-9_]+ +(FAIL|TIMEOUT|ERROR)' "$dir.test.log" | awk '{print $2}')
  grep -qE '^Ok: +[1-9]' "$dir.test.log" || { cat "$dir.test.log"; result "$label (no test ran)" 1; }
  grep -qE '^Fail: +0' "$dir.test.log" || sed -n '/stdout:/,$p' "$dir.test.log" | tail -80
  # a failure the lines above did not name still fails the run
  grep -qE '^(Fail|Timeout): +[1-9]' "$dir.test.log" &&
    ! grep -qE '^ *[0-9]+/[0-9]+ +[a-z0-9_]+ +(FAIL|TIMEOUT|ERROR)' "$dir.test.log" &&
    result "$label (a failure meson reported)" 1
}

if want unit; then
  echo "=== unit tests (release)"
  if build build; then unit_tests build unit; else result "build" 1; fi
fi

if want asan; then
  echo "=== unit tests under ASan + UBSan"
  # UBSan findings must fail the test, not just print
  if build build-asan -Dbuildtype=debug -Db_sanitize=address,undefined -Db_lundef=false \
       -Dc_args=-fno-sanitize-recover=undefined; then
    supp=""
    [ -f tests/unit/lsan.supp ] && supp=suppressions=$top/tests/unit/lsan.supp
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 LSAN_OPTIONS=$supp \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 unit_tests build-asan asan
  else
    result "asan build" 1
  fi
fi

if want fuzz; then
  echo "=== fuzz targets, ${fuzz_seconds}s each"
  if CC=clang build build-fuzz -Dfuzz=true -Dtests=disabled; then
    for f in build-fuzz/tests/fuzz/fuzz_*; do
      [ -f "$f" ] && [ -x "$f" ] || continue
      name=$(basename "$f"); corpus=tests/fuzz/corpus/${name#fuzz_}
      work=$(mktemp -d)
      [ -d "$corpus" ] && cp -r "$corpus/." "$work/"
      # new inputs go to the scratch copy; crashes to build-fuzz/
      "$f" -max_total_time="$fuzz_seconds" -artifact_prefix=build-fuzz/"$name"- \
        -print_final_stats=1 "$work" >"build-fuzz/$name.log" 2>&1
      st=$?
      [ $st -eq 0 ] || tail -40 "build-fuzz/$name.log"
      grep -E 'stat::number_of_executed_units' "build-fuzz/$name.log" || true
      result "fuzz $name" $st
      rm -rf "$work"
    done
  else
    result "fuzz build" 1
  fi
fi

if want integ; then
  echo "=== integration tests"
  [ -x build/app/espgw/espgw ] || build build || result "build" 1
  # test_esp.sh: ESP through net_pcap against scapy (in the glob below)
  for t in tests/integ/test_*.sh; do
    [ -f "$t" ] || continue
    log=build/$(basename "$t" .sh).log
    ESPGW=$top/build/app/espgw/espgw timeout 600 bash "$t" >"$log" 2>&1
    st=$?
    grep -E '^(ok|not ok) ' "$log" | sed 's/^/  /'
    [ $st -eq 0 ] || tail -40 "$log"
    result "integ $(basename "$t")" $st
  done
fi

echo
for f in "${failures[@]+"${failures[@]}"}"; do echo "failed: $f"; done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
