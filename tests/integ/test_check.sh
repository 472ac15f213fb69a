#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# `espgw --check` as an operator uses it: every example in config/ passes;
# every broken file in tests/conf/bad/ is refused (exit 1) with the message
# its first line expects ("# expect: FILE:LINE: text"), naming file and line.
set -u
cd "$(dirname "$0")/../.."
ESPGW=$(realpath "${ESPGW:-build/app/espgw/espgw}")
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
nok() { fail=$((fail + 1)); echo "not ok - $1"; [ -n "${2:-}" ] && echo "#   $2"; }

for f in config/*.yaml; do
  out=$("$ESPGW" --check -f "$f" 2>&1)
  if [ $? -eq 0 ] && [[ "$out" == *": OK ("* ]]; then ok "check accepts $f"
  else nok "check accepts $f" "$out"; fi
done

for f in tests/conf/bad/*.yaml; do
  want=$(sed -n '1s/^# expect: //p' "$f")
  [ -n "$want" ] || { nok "$f has an '# expect:' line"; continue; }
  # errors name the file as given on the command line: run from its folder
  out=$(cd "$(dirname "$f")" && "$ESPGW" --check -f "$(basename "$f")" 2>&1)
  st=$?
  if [ $st -eq 1 ] && [[ "$out" == "espgw: $want"* ]]; then ok "check refuses $f"
  else nok "check refuses $f" "exit $st, got: $out; want: espgw: $want"; fi
done

out=$("$ESPGW" --check -f /nonexistent/espgw.yaml 2>&1)
[ $? -eq 1 ] && [[ "$out" == *"/nonexistent/espgw.yaml: No such file or directory"* ]] &&
  ok "missing file is named with its error" || nok "missing file is named with its error" "$out"

out=$("$ESPGW" -f config/espgw.yaml 2>&1)
[ $? -eq 1 ] && [[ "$out" == *"EAL options missing"* ]] &&
  ok "start without EAL options is refused" || nok "start without EAL options is refused" "$out"

out=$("$ESPGW" --no-huge -- -f tests/conf/bad/typo-key.yaml 2>&1)
[ $? -eq 1 ] && [[ "$out" == *"typo-key.yaml:6: unknown key 'adress'"* ]] && [[ "$out" != *"EAL:"* ]] &&
  ok "a bad file stops espgw before DPDK starts" || nok "a bad file stops espgw before DPDK starts" "$out"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
