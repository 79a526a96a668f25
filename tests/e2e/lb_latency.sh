#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Least-latency balancing with real servers: of three HTTP backends, be3
# answers every request 50 ms late (the delay is in the server). Under
# 'least-latency' it gets under 10% of new connections once weir has
# seen it answer; 'maglev' on the same backends gives it about a third.
# weir's estimates (show backends) tell the slow backend from the others;
# made fast again, be3 is tried again once its estimate has decayed, and
# new samples bring its estimate back to the others'.
. "$(dirname "$0")/lib.sh"

be_list() { e2e_backends "$TB_HTTP_PORT" 4; }
E2E_CONF_FN=latency_conf
latency_conf() {
	E2E_EXTRA_CONF="services = (
	{ name = \"ll\"; vip = \"$VIP4\"; port = 80; balancer = \"least-latency\";
	  latency = { decay_s = 1; }; backends = ( $(be_list) ); },
	{ name = \"mg\"; vip = \"$VIP4\"; port = 81; balancer = \"maglev\";
	  backends = ( $(be_list) ); }
);" e2e_conf "$@"
}
E2E_WITH_SERVICES=1 # waits for the backends to resolve; latency_conf lists its own
e2e_start t 1
SOCK=$E2E_DIR/weir.sock
con() { "$PY" "$WEIR_SRC/tests/e2e/conclient.py" "$SOCK" "$@"; }

# share FILE BE LO HI: BE answered between LO and HI of the requests, none failed.
share() {
	"$PY" - "$@" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
be, lo, hi = sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
n = sum(j["backends"].values())
got = j["backends"].get(be, 0) / n if n else 0
print("answers", j["backends"], "errors", j["errors"], "%s share %.3f" % (be, got))
sys.exit(0 if not j["errors"] and lo <= got <= hi else 1)
PY
}

# est BE: the latency estimate of BE in service ll, microseconds.
est() {
	con show backends ll -j | "$PY" -c "
import json, sys
addr = sys.argv[1]
for b in json.load(sys.stdin):
    if b['address'] == addr:
        print(b['latency_estimate_us'] or 0)" "$(echo "$TB_BE_IP4" | cut -d' ' -f"${1#be}")"
}

echo 50 >"$TB_STATE/be3.delay_ms"
lbc http 30 --vip "$VIP4" --port 80 >"$E2E_DIR/warm.json"
lbc http 300 --vip "$VIP4" --port 80 >"$E2E_DIR/ll.json"
check "least-latency: the 50 ms backend gets under 10% of 300 connections" \
	share "$E2E_DIR/ll.json" be3 0 0.10
lbc http 300 --vip "$VIP4" --port 81 >"$E2E_DIR/mg.json"
check "maglev: the same backend gets about a third (20% to 47%)" \
	share "$E2E_DIR/mg.json" be3 0.20 0.47
estimates_apart() {
	local e1 e3
	e1=$(est be1)
	e3=$(est be3)
	echo "be1 $e1 us, be3 $e3 us"
	[ "$e3" -gt 40000 ] && [ "$e1" -lt 20000 ]
}
check "its estimate is above 40 ms, the others' below 20 ms" estimates_apart
check "show backends prints the estimate and the load" \
	bash -c "$(declare -p PY SOCK WEIR_SRC); $(declare -f con)
		con show backends ll | grep -q 'LATENCY_US *LOAD'"
check "the counter registry (/metrics, telemetry) has the estimate" \
	bash -c "$(declare -p PY SOCK WEIR_SRC); $(declare -f con)
		con show counters backend | grep -q latency_estimate"

# Recovery: the delay goes, the estimate (decay_s = 1) falls without
# samples until be3 is tried again, and its fast answers bring it back.
# Eight time constants leave 50 ms x e^-8 (17 us) of the slow past.
echo 0 >"$TB_STATE/be3.delay_ms"
sleep 8
lbc http 100 --vip "$VIP4" --port 80 >"$E2E_DIR/warm2.json"
lbc http 300 --vip "$VIP4" --port 80 >"$E2E_DIR/back.json"
estimate_back() {
	local e3
	e3=$(est be3)
	echo "be3 $e3 us"
	[ "$e3" -gt 0 ] && [ "$e3" -lt 5000 ]
}
check "made fast again, be3's estimate is back below 5 ms" estimate_back
# Among equally fast backends a sequential client (every load 0) lets the
# lowest estimate win for a while: shares wander (from 4% to 40% for be3
# here), but none is starved.
check "and it takes connections again (at least 2%)" \
	share "$E2E_DIR/back.json" be3 0.02 1

e2e_finish
