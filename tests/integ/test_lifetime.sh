#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# SA lifetimes (RFC 4301 §4.4.2.1) through a running espgw, net_pcap in and
# out: an inbound SA with soft and hard packet limits and an outbound SA
# with soft and hard byte limits. The hard packet limit is never passed
# (the packets past it are dropped as sa_expired), the soft limits are
# logged by the control lcore, and an SA past its hard limit is removed:
# /espgw/sa/list no longer has it. Limits and packet counts are random.
source "$(dirname "$0")/lib.sh"

SEED=${SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
note "SEED=$SEED"
D=$TMPD
SOFT=$((2 + SEED % 5))           # in SA: soft packets
HARD=$((SOFT + 1 + SEED % 7))     # in SA: hard packets
N_IN=$((HARD + 3 + SEED % 5))     # inbound packets sent, past the hard limit
N_OUT=12                          # outbound packets of 100 bytes inside
OUT_HARD=$((100 * (3 + SEED % 6)))  # out SA: hard bytes (inner)

cat >"$D/gw.yaml" <<CONF
interfaces:
  - {name: wan0, device: net_pcap0, role: public, address: 192.0.2.1/24}
  - {name: lan0, device: net_pcap1, role: private, address: 198.51.100.1/24}
neighbours:
  - {address: 192.0.2.10, mac: "02:00:00:00:00:10"}
  - {address: 198.51.100.20, mac: "02:00:00:00:00:20"}
sas:
  - name: life-in
    direction: in
    spi: 0x1001
    aead: aes-gcm-128
    key: 0x00112233445566778899aabbccddeeff
    salt: 0x01020304
    peer: 192.0.2.10
    lifetime: {soft_packets: $SOFT, hard_packets: $HARD}
  - name: life-out
    direction: out
    spi: 0x2001
    aead: aes-gcm-128
    key: 0xffeeddccbbaa99887766554433221100
    salt: 0x05060708
    peer: 192.0.2.10
    lifetime: {soft_bytes: 150, hard_bytes: $OUT_HARD}
policies:
  - {src: 198.51.100.0/24, dst: 10.1.0.0/16, action: protect, sa: life-out}
CONF

"$PYTHON" - "$D" "$N_IN" "$N_OUT" <<'PY' || { not_ok "generate the pcaps"; done_testing; }
import sys
from scapy.all import Ether, IP, UDP, Raw, wrpcap
from scapy.layers.ipsec import SecurityAssociation, ESP
d, n_in, n_out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
sa = SecurityAssociation(ESP, spi=0x1001, crypt_algo="AES-GCM",
                         crypt_key=bytes.fromhex("00112233445566778899aabbccddeeff01020304"),
                         tunnel_header=IP(src="192.0.2.10", dst="192.0.2.1"))
wan = []
for i in range(1, n_in + 1):
    sa.seq_num = i
    inner = IP(src="10.1.0.5", dst="198.51.100.20") / UDP(sport=1000, dport=2000) / Raw(b"x" * 30)
    wan.append(Ether(dst="02:70:63:61:70:00", src="02:00:00:00:00:10") / sa.encrypt(inner))
# 100 bytes of inner IPv4 each: what the out SA's byte counter counts
lan = [Ether(dst="02:70:63:61:70:01", src="02:00:00:00:00:20") /
       IP(src="198.51.100.20", dst="10.1.0.5") / UDP(sport=2000, dport=1000) / Raw(b"y" * 72)
       for _ in range(n_out)]
wrpcap(d + "/in_wan.pcap", wan)
wrpcap(d + "/in_lan.pcap", lan)
PY
check "the configuration passes espgw --check" "$ESPGW" --check -f "$D/gw.yaml"

ns_add NS_GW life || { not_ok "namespace"; done_testing; }
espgw_start "$D/gw.yaml" life "$NS_GW" \
	"net_pcap0,rx_pcap=$D/in_wan.pcap,tx_pcap=$D/out_wan.pcap" \
	"net_pcap1,rx_pcap=$D/in_lan.pcap,tx_pcap=$D/out_lan.pcap" || done_testing
for ((i = 0; i < 100; i++)); do
	[ "$(tel /espgw/stats,total rx)" = $((N_IN + N_OUT)) ] && break
	sleep 0.1
done
sleep 0.5
# the out SA carries whole packets until its byte count reaches the limit
OUT_OK=$(( (OUT_HARD + 99) / 100 ))
check_eq "the in SA decrypted exactly its hard limit ($HARD of $N_IN)" \
	"$(tel /espgw/stats,total esp_decrypted)" "$HARD"
check_eq "the packets past it are counted as sa_expired" \
	"$(tel /espgw/stats,total drop_sa_expired)" "$((N_IN - HARD + N_OUT - OUT_OK))"
check_eq "the out SA encrypted until its byte limit ($OUT_HARD bytes: $OUT_OK packets)" \
	"$(tel /espgw/stats,total esp_encrypted)" "$OUT_OK"
check_eq "both SAs removed at their hard limits" \
	"$(tel /espgw/sa/list | jq -c '[(.in | length), (.out | length)]')" "[0,0]"
check "the soft limit of the in SA was logged" grep -q "SA life-in (SPI 0x00001001): soft lifetime reached" "$ESPGW_LOG"
check "its hard limit was logged" grep -q "SA life-in (SPI 0x00001001): hard lifetime reached, removed" "$ESPGW_LOG"
check "the soft limit of the out SA was logged" grep -q "SA life-out (SPI 0x00002001): soft lifetime reached" "$ESPGW_LOG"
check "its hard limit was logged" grep -q "SA life-out (SPI 0x00002001): hard lifetime reached, removed" "$ESPGW_LOG"
espgw_stop
check_eq "the LAN got the $HARD decrypted packets" \
	"$("$PYTHON" -c "from scapy.all import rdpcap; print(len(rdpcap('$D/out_lan.pcap')))")" "$HARD"
done_testing
