#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Connect retry with real servers and kernels: a backend whose server is
# dead refuses connects (RST) and one whose host drops its answers never
# answers them; with the defaults (connect_retry on) no client connection
# fails, each failed connect going to another backend on the client's
# SYN retransmission, while connect_retry = false lets the refusals
# through. Counted per backend and on the workers.
. "$(dirname "$0")/lib.sh"

be_list() { e2e_backends "$TB_HTTP_PORT" 4; }
E2E_CONF_FN=retry_conf
retry_conf() {
	E2E_EXTRA_CONF="flow_log = { file = \"$E2E_DIR/flows.jsonl\"; };
services = (
	{ name = \"r\"; vip = \"$VIP4\"; port = 80; backends = ( $(be_list) ); },
	{ name = \"n\"; vip = \"$VIP4\"; port = 81; connect_retry = false;
	  backends = ( $(be_list) ); },
	{ name = \"t\"; vip = \"$VIP4\"; port = 82; backends = ( $(be_list) ); }
);" e2e_conf "$@"
}
E2E_WITH_SERVICES=1 # waits for the backends to resolve
e2e_start y 1
SOCK=$E2E_DIR/weir.sock
con() { "$PY" "$WEIR_SRC/tests/e2e/conclient.py" "$SOCK" "$@"; }
result() { jget "$1" '"answers %s errors %s" % (j["backends"], j["errors"])'; }
# counter SVC BACKEND NAME: a counter of the backend set, all workers.
counter() {
	con show counters backend -j | "$PY" -c 'import json, sys
svc, be, name = sys.argv[1:]
for r in json.load(sys.stdin)["instances"]:
    if r["labels"]["service"] == svc and r["labels"]["backend"] == be:
        print(r["counters"][name])' "$@"
}
at_least() {	# at_least N SVC BACKEND NAME
	local v
	v=$(counter "$2" "$3" "$4")
	echo "$2 $3 $4 = $v"
	[ "${v:-0}" -ge "$1" ]
}
no_errors() { jget "$1" 'exit(1 if j["errors"] or sum(j["backends"].values()) != '"$2"' else 0)'; }

# 1. Refused: be3's server dies. Every connection succeeds.
check "be3's server stops: its kernel refuses connects" e2e_be_stop be3
lbc http 60 --vip "$VIP4" --port 80 >"$E2E_DIR/r.json"
check "connect_retry (default): 60 of 60 connections succeed ($(result "$E2E_DIR/r.json"))" \
	no_errors "$E2E_DIR/r.json" 60
check "be3's refused connects were retried elsewhere" \
	at_least 1 r 198.18.1.13:8080 connects_retried
check "the refusals were kept from the clients (lb_connect_held)" wait_stat lb_connect_held 1
held_records() {	# be3's refused connects: records marked, no handshake
	"$PY" -c "
import json, sys
rs = [json.loads(l) for l in open('$E2E_DIR/flows.jsonl')]
rs = [r for r in rs if r['service'] == 'r' and r['backend'] == '198.18.1.13']
print(len(rs), 'records to be3:', rs[:1])
sys.exit(0 if rs and all(r['connect_retry'] and r['handshake_ms'] is None
    and r['end'] == 'reset' for r in rs) else 1)"
}
check "flow records mark the connects kept for a retry" held_records

# 2. The same without retry: the refusals reach the clients.
lbc http 60 --vip "$VIP4" --port 81 >"$E2E_DIR/n.json"
check "connect_retry = false: refused connections fail ($(result "$E2E_DIR/n.json"))" \
	jget "$E2E_DIR/n.json" 'exit(0 if j["errors"].get("ConnectionRefusedError", 0) >= 1 else 1)'

# 3. Unanswered: be2's host drops every packet to weir's address, so its
# SYN-ACKs never leave; the client's SYN retransmission, 1 s on, finds
# the connect older than connect_timeout_ms and goes elsewhere; after
# five such timeouts in a row outlier detection ejects be2.
check "be3's server starts again" e2e_be_start be3
check "be2 answers nothing to weir" \
	in_ns "$TB_NAME-be2" ip route add blackhole "$TB_GW_BE_IP4/32"
lbc http 30 --vip "$VIP4" --port 82 >"$E2E_DIR/t.json"
check "unanswered connects: 30 of 30 connections succeed ($(result "$E2E_DIR/t.json"))" \
	no_errors "$E2E_DIR/t.json" 30
check "be2's unanswered connects counted as timeouts" \
	at_least 1 t 198.18.1.12:8080 connect_timeouts
check "and retried elsewhere" at_least 1 t 198.18.1.12:8080 connects_retried
ejected_be2() {
	con show health t -j | "$PY" -c "
import json, sys
for b in json.load(sys.stdin):
    if b['address'] == '198.18.1.12':
        print('be2:', b['health'], b['connects_timed_out'], 'timed out')
        sys.exit(0 if b['ejected'] else 1)
sys.exit(1)"
}
check "and then ejected by outlier detection" ejected_be2
in_ns "$TB_NAME-be2" ip route del blackhole "$TB_GW_BE_IP4/32"

e2e_finish
