#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Flow records match the connections a test made: 30 HTTP connections give
# 30 "end" records with the right service, client, backend (the same split
# the client saw), both byte counts, handshake and response latency and a
# clean close; a long echo stream gives interim "update" records. Short
# timeouts make the closed sessions expire within a second or two.
. "$(dirname "$0")/lib.sh"

E2E_WITH_SERVICES=1
FL=$(mktemp -d /tmp/weir-fl.XXXXXX)
E2E_SERVICE_EXTRA='timeouts = { time_wait_s = 1; fin_s = 1; close_s = 1; };'
E2E_EXTRA_CONF="flow_log = { file = \"$FL/flows.jsonl\"; interval_s = 1; };"
e2e_start f 1
trap 'rm -rf "$FL"; e2e_cleanup' EXIT

lbc http 30 --vip "$VIP4" --port 80 >"$E2E_DIR/h.json"
lbc streams 1 3.5 --vip "$VIP4" --port 9000 --interval 0.1 >"$E2E_DIR/s.json"
ends() { "$PY" -c "
import json
n = 0
for l in open('$FL/flows.jsonl'):
    r = json.loads(l)
    n += r['record'] == 'end' and r['service'] == 'web4'
print(n)" 2>/dev/null || echo 0; }
for _ in $(seq 100); do [ "$(ends)" -ge 30 ] && break; sleep 0.1; done
thirty() { [ "$(ends)" = 30 ]; }
check "30 end records for the 30 web4 connections" thirty
check "each record: tcp, the client, VIP:80, bytes both ways, latencies, closed" "$PY" -c "
import json, sys
rs = [json.loads(l) for l in open('$FL/flows.jsonl')]
rs = [r for r in rs if r['record'] == 'end' and r['service'] == 'web4']
bad = [r for r in rs if not (r['protocol'] == 'tcp' and r['client'] == '$TB_CLI_IP4'
       and r['vip'] == '$VIP4' and r['vip_port'] == 80 and r['backend_port'] == $TB_HTTP_PORT
       and r['bytes_in'] > 0 and r['bytes_out'] > 0 and r['packets_in'] >= 4
       and r['handshake_ms'] is not None and r['response_ms'] is not None
       and r['end'] == 'closed' and r['local'] == '$TB_GW_BE_IP4'
       and r['connect_retry'] is False and r['midflow'] is False and r['backend_ejected'] is False)]
print(bad[:2])
sys.exit(1 if bad else 0)"
check "records name the backends the client reached, connection for connection" "$PY" -c "
import json, sys
seen = json.load(open('$E2E_DIR/h.json'))['backends']
ip = dict(zip('$TB_BE_IP4'.split(), ['be1', 'be2', 'be3']))
got = {}
for l in open('$FL/flows.jsonl'):
    r = json.loads(l)
    if r['record'] == 'end' and r['service'] == 'web4':
        got[ip[r['backend']]] = got.get(ip[r['backend']], 0) + 1
print(seen, got)
sys.exit(0 if seen == got else 1)"
check "the 3.5 s echo stream gave interim update records (>= 2)" "$PY" -c "
import json, sys
n = sum(1 for l in open('$FL/flows.jsonl') if json.loads(l)['record'] == 'update' and json.loads(l)['service'] == 'echo4')
print(n)
sys.exit(0 if n >= 2 else 1)"
check "no record was dropped" bash -c "[ \"\$($PY $WEIRTEL -f weir-$E2E_NAME /weir/stats flowlog_drops)\" = 0 ]"
e2e_finish
