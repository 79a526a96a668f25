#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The exception path: each port's kernel interface, bridged to the wire by
# weir. The gateway namespace's own kernel (where weir runs) reaches the
# backends through weir's port: ARP/ND, ping, and real TCP to a backend's
# HTTP server; a client reaches a TCP server bound to the kernel
# interface's address on the client side. Load balancing goes on as
# before. With a low max_pps, a ping flood is cut to the budget and
# counted while the services keep answering. The interface goes away with
# weir.
. "$(dirname "$0")/lib.sh"

E2E_KERNEL=1 E2E_WITH_SERVICES=1 e2e_start k 1
SOCK=$E2E_DIR/weir.sock
con() { "$PY" "$WEIR_SRC/tests/e2e/conclient.py" "$SOCK" "$@"; }
gw() { in_ns "$TB_GW" "$@"; }
BE1_4=${TB_BE_IP4%% *}
BE1_6=${TB_BE_IP6%% *}

# kif_counter PORT FIELD: a counter of the port's row of 'show kernel -j'.
kif_counter() {
	con show kernel -j | "$PY" -c "
import json, sys
for k in json.load(sys.stdin):
    if k['port'] == sys.argv[1]:
        print(k[sys.argv[2]])" "$1" "$2"
}

check "kernel interface weir-backend has its addresses" sh -c "
	ip -n $TB_GW addr show dev weir-backend | grep -q 'inet $KIF_BE_IP4/24' &&
	ip -n $TB_GW addr show dev weir-backend | grep -q 'inet6 $KIF_BE_IP6/64'"
check "kernel interface weir-client is up" sh -c \
	"ip -n $TB_GW link show dev weir-client | grep -q 'state UNKNOWN\|state UP'"
check "the host pings a backend through weir's port (IPv4)" \
	gw ping -c 3 -i 0.2 -W 2 "$BE1_4"
check "the host pings a backend through weir's port (IPv6)" \
	gw ping -6 -c 3 -i 0.2 -W 2 "$BE1_6"
check "the host gets HTTP from a backend over TCP (IPv4)" \
	gw curl -sf -m 5 -o /dev/null "http://$BE1_4:$TB_HTTP_PORT/"
check "the host gets HTTP from a backend over TCP (IPv6)" \
	gw curl -sf -m 5 -o /dev/null "http://[$BE1_6]:$TB_HTTP_PORT/"

# A server of the host, on the kernel interface's client-side address.
gw socat -T 5 "TCP-LISTEN:7777,bind=$KIF_CLI_IP4,reuseaddr,fork" \
	SYSTEM:'echo kernel-says-hi' >"$E2E_DIR/socat.log" 2>&1 &
SOCAT=$!
E2E_ON_EXIT=stop_socat
stop_socat() { kill "$SOCAT" 2>/dev/null; }
for _ in $(seq 50); do
	gw ss -ltn | grep -q "$KIF_CLI_IP4:7777" && break
	sleep 0.1
done
reply=$(in_ns "$TB_CLI" socat -T 5 - "TCP:$KIF_CLI_IP4:7777" </dev/null 2>&1)
check "a client reaches a TCP server on the kernel interface ($reply)" \
	test "$reply" = kernel-says-hi
check "the client pings the kernel interface's address (IPv6)" \
	in_ns "$TB_CLI" ping -6 -c 2 -i 0.2 -W 2 "$KIF_CLI_IP6"
check "load balancing goes on: GET through the VIP" \
	in_ns "$TB_CLI" curl -sf -m 5 -o /dev/null "http://$VIP4/"
in_b=$(kif_counter backend in_packets)
out_b=$(kif_counter backend out_packets)
check "show kernel counts frames both ways on backend ($in_b in, $out_b out)" \
	test "$in_b" -gt 10 -a "$out_b" -gt 10
check "show counters kernel has the port's row" sh -c \
	"$PY $WEIR_SRC/tests/e2e/conclient.py $SOCK show counters kernel | grep -q 'port=backend'"
check "weir's own addresses still answer ping" \
	in_ns "$TB_CLI" ping -c 2 -i 0.2 -W 2 "$TB_GW_CLI_IP4"

# The budget: 200 frames/s each way. The host sends 3000 UDP datagrams to
# a backend as fast as it can: at most 200 a second (and a bucket of 64)
# leave by the port; the rest are dropped and counted.
e2e_weir_stop
sed -i 's/kernel = { addresses/kernel = { max_pps = 200; addresses/' \
	"$E2E_DIR/weir.conf"
check "the kernel interface went away with weir" sh -c \
	"! ip -n $TB_GW link show dev weir-backend"
e2e_weir_start || { not_ok "weir starts again"; exit 1; }
gw ping -c 1 -W 2 "$BE1_4" >/dev/null # the host learns the backend's MAC
out0=$(kif_counter backend out_packets)
t0=$(date +%s%N)
gw "$PY" -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(3000):
    s.sendto(b"x" * 32, (sys.argv[1], int(sys.argv[2])))' "$BE1_4" "$TB_UDP_PORT" &
FLOOD=$!
ok_gets=0
for _ in $(seq 10); do
	in_ns "$TB_CLI" curl -sf -m 2 -o /dev/null "http://$VIP4/" &&
		ok_gets=$((ok_gets + 1))
	sleep 0.1
done
wait "$FLOOD"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
sent=$(( $(kif_counter backend out_packets) - out0 ))
dropped=$(kif_counter backend out_dropped)
check "the host's flood is cut to 200/s ($sent sent, $dropped dropped in $ms ms)" \
	test "$sent" -le $((200 * ms / 1000 + 64 + 20)) -a "$dropped" -ge 1500
check "services answer during the flood ($ok_gets of 10 GETs)" \
	test "$ok_gets" -eq 10

# The other way: a client floods the kernel interface's address. Workers
# punt at most their share of max_pps (one frame a tick at least) and
# drop the rest before the punt ring, which ARP and ND keep for themselves.
stat() { con show stats -j | "$PY" -c "import json, sys; print(json.load(sys.stdin)['$1'])"; }
in_ns "$TB_CLI" "$PY" -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(3000):
    s.sendto(b"x" * 32, (sys.argv[1], 9))' "$KIF_CLI_IP4"
sleep 0.5
kd=$(stat drop_kernel_rate)
check "a flood to the kernel interface is cut in the workers ($kd dropped there)" \
	test "${kd:-0}" -gt 0
check "weir still answers ARP on that port" \
	in_ns "$TB_CLI" arping -c 2 -w 3 -I "$TB_CLI_IF" "$TB_GW_CLI_IP4"

e2e_finish
