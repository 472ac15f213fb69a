#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Install what building, testing and the demo need on Debian 12 (as root).
# Idempotent and quick when everything is there: apt runs only for what is
# missing.
set -eu

PKGS=(
  # build
  gcc meson ninja-build pkg-config
  libdpdk-dev dpdk dpdk-dev libipsec-mb-dev libnuma-dev libssl-dev libyaml-dev
  # unit tests, sanitizers, fuzzing
  libcmocka-dev clang libclang-rt-14-dev
  python3-cryptography-vectors  # NIST CAVP AES-GCM vectors for test_crypto
  # integration tests and demo
  iproute2 ethtool iputils-ping tcpdump iperf3 socat netcat-openbsd nftables
  python3 python3-scapy jq
  # tests/bench/bench_esp.sh builds ipsec-secgw from these example sources
  dpdk-doc
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
