#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The management plane against a running weir with real traffic: every
# show command over the unix socket (human and JSON), access levels over
# telnet, bad input handled without harm, and runtime changes checked by
# their effect on real connections: an added backend receives new flows, a
# deleted one none, a drained one keeps its established streams. Also
# clear counters, the event log, save state and its use after a restart,
# and /metrics moving with traffic.
. "$(dirname "$0")/lib.sh"

E2E_WITH_SERVICES=1
E2E_DIR_EARLY=$(mktemp -d /tmp/weir-con.XXXXXX)
SOCK=$E2E_DIR_EARLY/weir.sock
E2E_EXTRA_CONF="console = { unix = \"$SOCK\"; telnet = \"127.0.0.1:5200\"; };
state_file = \"$E2E_DIR_EARLY/state.json\";
events = { file = \"$E2E_DIR_EARLY/events.jsonl\"; };"
E2E_KERNEL=1 e2e_start o 1 # with kernel interfaces: their metrics too
trap 'rm -rf "$E2E_DIR_EARLY"; e2e_cleanup' EXIT

con() { "$PY" "$WEIR_SRC/tests/e2e/conclient.py" "$SOCK" "$@"; }
tcon() { in_ns "$TB_GW" "$PY" "$WEIR_SRC/tests/e2e/conclient.py" tcp:127.0.0.1:5200 "$@"; }
json_ok() { con "$@" | "$PY" -c "import json,sys; json.loads(sys.stdin.read())"; }

for c in info services backends stats workers ports neighbors events sessions; do
	check "show $c answers" con show "$c"
	check "show $c -j is JSON" json_ok show "$c" -j
done
check "show config prints the running configuration" \
	bash -c "\"$PY\" $WEIR_SRC/tests/e2e/conclient.py $SOCK show config | grep -q 'service web4'"
check "two commands on one line, one reply each" \
	bash -c "\"$PY\" $WEIR_SRC/tests/e2e/conclient.py $SOCK 'show info; show workers' | grep -q WORKER"

# Bad input: an error naming the problem, and the session goes on.
check "unknown command names the bad word" \
	bash -c "\"$PY\" $WEIR_SRC/tests/e2e/conclient.py $SOCK shwo | grep -q \"unknown command 'shwo'\""
check "binary junk is refused with the offending byte" \
	bash -c "\"$PY\" $WEIR_SRC/tests/e2e/conclient.py $SOCK junk | grep -q 'non-printable byte'"
check "an over-long line is refused and the session continues" \
	bash -c "out=\$(\"$PY\" $WEIR_SRC/tests/e2e/conclient.py $SOCK long); echo \"\$out\" | grep -q 'longer than 4096' && echo \"\$out\" | grep -q 'workers,'"
check "a half-closed client still gets its reply" \
	bash -c "\"$PY\" $WEIR_SRC/tests/e2e/conclient.py $SOCK halfclose 'show info' | grep -q 'weir 0'"

# Levels: telnet is 'user' by default.
check "telnet (level user) may show" tcon show info
check "telnet (level user) may not set a weight" \
	bash -c "in_ns() { ip netns exec \"\$1\" \"\${@:2}\"; }; ip netns exec $TB_GW $PY $WEIR_SRC/tests/e2e/conclient.py tcp:127.0.0.1:5200 set backend weight web4 ${TB_BE_IP4%% *} 8080 2 | grep -q 'needs level operator; this session is user'"

# weirctl, the client people use, against the real console.
WEIRCTL=${WEIRCTL:-$WEIR_SRC/build/tools/weirctl/weirctl}
check "weirctl one-shot: show backends web4" \
	bash -c "$WEIRCTL -s $SOCK show backends web4 | grep -q '${TB_BE_IP4%% *}'"
check "weirctl exits 1 on an error reply" \
	bash -c "$WEIRCTL -s $SOCK shwo; [ \$? = 1 ]"
check "weirctl over telnet: level user may not set a weight (exit 1)" \
	bash -c "ip netns exec $TB_GW $WEIRCTL -t 127.0.0.1:5200 set backend weight web4 ${TB_BE_IP4%% *} 8080 2 | grep -q 'needs level operator'"
lbc http 60 --vip "$VIP4" --port 80 >/dev/null &
traffic=$!
check "weirctl top --once shows services and backends with rates" \
	bash -c "$WEIRCTL -s $SOCK top --once -n 0.5 | grep -q web4"
wait "$traffic"

# Runtime changes, judged by real traffic.
be3=$(echo "$TB_BE_IP4" | cut -d' ' -f3)
count() {	# count BACKEND N: requests of N to web4 that reach BACKEND
	lbc http "$2" --vip "$VIP4" --port 80 >"$E2E_DIR/c.json"
	"$PY" -c "import json; j=json.load(open('$E2E_DIR/c.json')); print(j['backends'].get('$1', 0) if not j['errors'] else -1)"
}
check "del backend be3 from web4" con del backend web4 "$be3" 8080
no_be3() { [ "$(count be3 150)" = 0 ]; }
check "after del: no new flow reaches be3" no_be3
check "add backend be3 to web4 (weight 4)" con add backend web4 "$be3" 8080 4
n=$(count be3 150)
check "after add: be3 receives new flows ($n of 150)" [ "$n" -gt 30 ]
check "set backend weight be3 0" con set backend weight web4 "$be3" 8080 0
check "weight 0: no new flow reaches be3" no_be3
snaps() { con show workers -j | "$PY" -c "import json,sys; print(json.load(sys.stdin)[0]['snapshots'])"; }
s0=$(snaps)
check "set backend weight be3 1" con set backend weight web4 "$be3" 8080 1
# The worker adopted the change's snapshot and timed it from the console
# line: more than 0 and less than a second.
check "the worker adopted one more snapshot" [ "$(snaps)" -gt "$s0" ]
lag=$(con show workers -j | "$PY" -c "import json,sys; print(json.load(sys.stdin)[0]['snapshot_lag_ns'])")
check "console change reached the data path in ${lag} ns (0 < lag < 1 s)" \
	[ "$lag" -gt 0 -a "$lag" -lt 1000000000 ]

# Drain: established streams continue, new flows avoid the backend.
lbc streams 12 6 --vip "$VIP4" --port 9000 --ready-file "$E2E_DIR/ready" \
	>"$E2E_DIR/streams.json" &
streams=$!
for _ in $(seq 100); do [ -f "$E2E_DIR/ready" ] && break; sleep 0.1; done
be1=${TB_BE_IP4%% *}
check "drain be1 in echo4 while streams run" \
	con set backend state echo4 "$be1" "$TB_ECHO_PORT" drain
lbc streams 12 0.2 --vip "$VIP4" --port 9000 >"$E2E_DIR/new.json"
check "drained be1 gets no new echo connection" \
	bash -c "! grep -q '\"backend\": \"be1\"' $E2E_DIR/new.json"
wait "$streams"
check "established streams ran to the end, be1's too, every byte echoed" "$PY" -c "
import json, sys
j = json.load(open('$E2E_DIR/streams.json'))
sys.exit(0 if j['ok'] == 12 and any(s['backend'] == 'be1' for s in j['streams']) and all(s['sent'] == s['received'] for s in j['streams']) else 1)"
check "show backends reports be1 draining" \
	bash -c "\"$PY\" $WEIR_SRC/tests/e2e/conclient.py $SOCK show backends echo4 | grep '$be1' | grep -q drain"
check "show sessions lists the echo sessions" \
	bash -c "\"$PY\" $WEIR_SRC/tests/e2e/conclient.py $SOCK show sessions echo4 5 | grep -q 'sessions match'"

# Events and counters.
check "the event log recorded the admin changes" \
	bash -c "\"$PY\" $WEIR_SRC/tests/e2e/conclient.py $SOCK show events 50 | grep -c admin | grep -qx 5"
check "events were appended to the events file as JSON lines" \
	"$PY" -c "import json; l=[json.loads(x) for x in open('$E2E_DIR_EARLY/events.jsonl')]; assert sum(e['kind']=='admin' for e in l) == 5"
scrape() { in_ns "$TB_GW" curl -s http://127.0.0.1:9100/metrics | awk -v m="$1" '$1 == m {print $2}'; }
m1=$(scrape 'weir_service_new_flows_total{service="web4"}')
lbc http 50 --vip "$VIP4" --port 80 >/dev/null
m2=$(scrape 'weir_service_new_flows_total{service="web4"}')
check "/metrics: web4's new flows moved with 50 requests ($m1 -> $m2)" \
	bash -c "[ \$(( ${m2:-0} - ${m1:-0} )) -ge 45 ]"
check "/metrics has HELP and TYPE for every family" \
	bash -c "ip netns exec $TB_GW curl -s http://127.0.0.1:9100/metrics | awk '/^# TYPE/ {t++} /^# HELP/ {h++} END {exit !(t > 30 && t == h)}'"
in_ns "$TB_GW" curl -s http://127.0.0.1:9100/metrics >"$E2E_DIR/metrics.txt"
check "docs/metrics.md and the Grafana dashboard name only metrics that exist, and the docs all of them" "$PY" -c "
import re, sys
fams = {l.split()[2] for l in open('$E2E_DIR/metrics.txt') if l.startswith('# TYPE')}
doc = set(re.findall(r'\`(weir_[a-z0-9_]+)\`', open('$WEIR_SRC/docs/metrics.md').read()))
dash = {re.sub('_(bucket|sum|count)$', '', m) for m in re.findall(r'weir_[a-z0-9_]+', open('$WEIR_SRC/tools/grafana-weir.json').read())} - {'weir_gateway'}
print('undocumented', fams - doc, 'documented but absent', doc - fams, 'dashboard but absent', dash - fams)
sys.exit(1 if fams - doc or doc - fams or dash - fams else 0)"
check "promtool (Prometheus' linter) accepts the /metrics page" \
	bash -c "promtool check metrics <'$E2E_DIR/metrics.txt'"
# One registry: a counter set reads the same on the console, in DPDK
# telemetry and on /metrics.
"$PY" $WEIR_SRC/tests/e2e/conclient.py $SOCK show counters backend -j >"$E2E_DIR/be.json"
"$PY" "$WEIRTEL" -f "weir-$E2E_NAME" /weir/counters,backend >"$E2E_DIR/be_tel.json"
check "show counters, /weir/counters and /metrics agree on web4's backends' new flows" "$PY" -c "
import json, re, sys
con = {(i['labels']['service'], i['labels']['backend']): i['counters']['new_flows']
       for i in json.load(open('$E2E_DIR/be.json'))['instances']}
tel = {(i['service'], i['backend']): i['new_flows'] for i in json.load(open('$E2E_DIR/be_tel.json')).values()}
met = {}
for l in open('$E2E_DIR/metrics.txt'):
    m = re.match(r'weir_backend_new_flows_total\{service=\"([^\"]+)\",backend=\"([^\"]+)\"\} (\d+)', l)
    if m:
        met[(m.group(1), m.group(2))] = int(m.group(3))
web4 = {k: v for k, v in con.items() if k[0] == 'web4'}
print('console', web4, 'telemetry', {k: tel.get(k) for k in web4}, 'metrics', {k: met.get(k) for k in web4})
sys.exit(0 if web4 and sum(web4.values()) >= 45 and all(tel.get(k) == v == met.get(k) for k, v in web4.items()) else 1)"
check "show counters lists every set; an unknown set is refused by name" \
	bash -c "\"$PY\" $WEIR_SRC/tests/e2e/conclient.py $SOCK show counters | grep -c '^\(port\|service\|backend\|worker\|worker_drop\|parser_drop\|snapshot\|mgmt\|neigh\) ' | grep -qx 9 &&
		\"$PY\" $WEIR_SRC/tests/e2e/conclient.py $SOCK show counters nope | grep -q \"no counter set 'nope'\""
check "clear counters" con clear counters
# The human view counts from the clear; JSON stays monotonic for tools
# that compute rates (weirctl top).
check "after clear: show services counts web4's new flows from zero" \
	bash -c "\"$PY\" $WEIR_SRC/tests/e2e/conclient.py $SOCK show services | awk '\$1 == \"web4\" {exit \$7 != 0}'"
m3=$(scrape 'weir_service_new_flows_total{service="web4"}')
check "/metrics is not cleared (counters only go up)" [ "${m3:-0}" -ge "${m2:-0}" ]

# State: saved, and applied again at the next start.
check "save state" con save state
check "state file holds be1's drain" \
	"$PY" -c "import json; j=json.load(open('$E2E_DIR_EARLY/state.json')); assert j['version']==1 and any(b['state']=='drain' and b['service']=='echo4' for b in j['backends'])"
check "weir stops" e2e_weir_stop
check "weir starts again" e2e_weir_start
check "after restart, the saved drain is back" \
	bash -c "\"$PY\" $WEIR_SRC/tests/e2e/conclient.py $SOCK show backends echo4 | grep '$be1' | grep -q drain"
e2e_finish
