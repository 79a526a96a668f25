#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# A burst of malformed and unwanted frames from the client namespace: weir
# drops every one, counts each under its own reason (exactly COUNT per
# kind), and keeps answering ARP, ping and ping6 throughout.
. "$(dirname "$0")/lib.sh"

COUNT=25
e2e_start m 1

check "ping before the burst" in_ns "$TB_CLI" ping -c 1 -W 2 "$TB_GW_CLI_IP4"
check "ping6 before the burst" in_ns "$TB_CLI" ping -6 -c 1 -W 2 "$TB_GW_CLI_IP6"
tel /weir/stats >"$E2E_DIR/before.json"
mac=$(in_ns "$TB_GW" cat /sys/class/net/"$TB_GW_IF_CLI"/address)
cli_mac=$(in_ns "$TB_CLI" cat /sys/class/net/"$TB_CLI_IF"/address)
in_ns "$TB_CLI" "$PY" "$WEIR_SRC/tests/e2e/malformed_send.py" \
	--iface "$TB_CLI_IF" --src-mac "$cli_mac" --dst-mac "$mac" \
	--src4 "$TB_CLI_IP4" --dst4 "$TB_GW_CLI_IP4" \
	--src6 "$TB_CLI_IP6" --dst6 "$TB_GW_CLI_IP6" \
	--count "$COUNT" >"$E2E_DIR/expected.json" 2>"$E2E_DIR/send.err"
check "scapy sent the burst" [ -s "$E2E_DIR/expected.json" ]

# Wait for the counters to settle, then compare each delta exactly.
for _ in $(seq 50); do
	tel /weir/stats >"$E2E_DIR/after.json"
	"$PY" - "$E2E_DIR/before.json" "$E2E_DIR/after.json" \
		"$E2E_DIR/expected.json" <<'PY' && break
import json, sys
b, a, e = (json.load(open(p)) for p in sys.argv[1:4])
sys.exit(0 if all(a[k] - b[k] >= n for k, n in e.items()) else 1)
PY
	sleep 0.1
done
while read -r key want got; do
	check "$key moved by $want (got $got)" [ "$want" = "$got" ]
done < <("$PY" - "$E2E_DIR/before.json" "$E2E_DIR/after.json" \
	"$E2E_DIR/expected.json" <<'PY'
import json, sys
b, a, e = (json.load(open(p)) for p in sys.argv[1:4])
for k, n in sorted(e.items()):
    print(k, n, a.get(k, 0) - b.get(k, 0) if k in a else "missing")
PY
)

check "ping after the burst" in_ns "$TB_CLI" ping -c 2 -i 0.2 -W 2 "$TB_GW_CLI_IP4"
check "ping6 after the burst" in_ns "$TB_CLI" ping -6 -c 2 -i 0.2 -W 2 "$TB_GW_CLI_IP6"
check "arping after the burst" \
	in_ns "$TB_CLI" arping -c 1 -w 3 -I "$TB_CLI_IF" "$TB_GW_CLI_IP4"
check "weir is still running" kill -0 "$WEIR_PID"
e2e_finish
