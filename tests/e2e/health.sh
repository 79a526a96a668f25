#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Passive outlier detection with real servers and kernels: a backend whose
# server is killed refuses connects (its kernel answers RST); after
# consecutive_failures of them in a row weir ejects it, new connections go
# to the others, and it returns when its ejection time is over, taking
# connections again once its server is back. max_ejection_percent keeps
# the second dead backend in; with it raised, two of three ejected put the
# service in panic and all three take connections again. 'disable health'
# returns an ejected backend at once. Each step is checked on real
# clients, on 'show health', on the counters and in the event log.
# Connect retry is off here, so that every refused connect shows on the
# client (tests/e2e/retry.sh has it on).
. "$(dirname "$0")/lib.sh"

be_list() { e2e_backends "$TB_HTTP_PORT" 4; }
E2E_CONF_FN=health_conf
health_conf() {
	E2E_EXTRA_CONF="events = { file = \"$E2E_DIR/events.jsonl\"; };
services = (
	{ name = \"a\"; vip = \"$VIP4\"; port = 80; connect_retry = false;
	  outlier = { base_ejection_s = 3; }; backends = ( $(be_list) ); },
	{ name = \"p\"; vip = \"$VIP4\"; port = 81; connect_retry = false;
	  outlier = { max_ejection_percent = 100; base_ejection_s = 60; };
	  backends = ( $(be_list) ); }
);" e2e_conf "$@"
}
E2E_WITH_SERVICES=1 # waits for the backends to resolve
e2e_start h 1
SOCK=$E2E_DIR/weir.sock
con() { "$PY" "$WEIR_SRC/tests/e2e/conclient.py" "$SOCK" "$@"; }
addr_of() { echo "$TB_BE_IP4" | cut -d' ' -f"${1#be}"; }

# health SVC BE FIELD: a field of BE's row in 'show health SVC -j'.
health() {
	con show health "$1" -j | "$PY" -c "
import json, sys
for b in json.load(sys.stdin):
    if b['address'] == sys.argv[1]:
        print(b[sys.argv[2]])" "$(addr_of "$2")" "$3"
}

is_health() {	# is_health SVC BE WORD
	local h
	h=$(health "$1" "$2" health)
	echo "$2: $h"
	[ "$h" = "$3" ]
}
one_of_two() {	# one_of_two SVC: of be2 and be3, exactly one ejected
	local h2 h3
	h2=$(health "$1" be2 ejected)
	h3=$(health "$1" be3 ejected)
	echo "be2 ejected $h2, be3 ejected $h3"
	[ "$h2" != "$h3" ]
}
none_ejected() {
	con show health "$1" -j | "$PY" -c 'import json, sys
sys.exit(any(b["ejected"] for b in json.load(sys.stdin)))'
}
ejections_are() {	# ejections_are SVC BACKEND N: the health counter set
	con show counters health -j | "$PY" -c 'import json, sys
svc, be, n = sys.argv[1:]
rows = [r for r in json.load(sys.stdin)["instances"]
        if r["labels"]["service"] == svc and r["labels"]["backend"] == be]
print(rows)
sys.exit(0 if rows and rows[0]["counters"]["ejections"] == int(n) else 1)' "$@"
}
con_says() {	# con_says WORD CMD...: CMD's reply contains WORD
	local w=$1
	shift
	con "$@" | grep -q "$w"
}

# logged PATTERN: the event log has a line matching PATTERN (within 2 s:
# the file is written as events come, a moment after they happen).
logged() {
	for _ in $(seq 20); do
		grep -q "$1" "$E2E_DIR/events.jsonl" && return 0
		sleep 0.1
	done
	echo "no event matches: $1"
	return 1
}

# result FILE: 'answers ... errors ...' of an lbc run, for the log.
result() { jget "$1" '"answers %s errors %s" % (j["backends"], j["errors"])'; }

# 1. be3 dies: a handful of connects fail, then it is ejected.
check "be3's server stops: its kernel refuses connects" e2e_be_stop be3
lbc http 90 --vip "$VIP4" --port 80 >"$E2E_DIR/a1.json"
refused=$(jget "$E2E_DIR/a1.json" 'sum(j["errors"].values())')
# consecutive_failures (5) refused, and those the client fits in before the
# next read (every 10 ms, later when the machine is busy; a refused
# connect takes the client about a millisecond).
check "5 to 20 connects of 90 fail, then be3 is ejected ($(result "$E2E_DIR/a1.json"))" \
	test "$refused" -ge 5 -a "$refused" -le 20
check "show health: be3 ejected" is_health a be3 ejected
lbc http 60 --vip "$VIP4" --port 80 >"$E2E_DIR/a2.json"
check "ejected: the next 60 connections all succeed on be1 and be2 ($(result "$E2E_DIR/a2.json"))" \
	jget "$E2E_DIR/a2.json" 'exit(1 if j["errors"] or j["backends"].get("be3") or sum(j["backends"].values()) != 60 else 0)'
check "the event log says why" \
	logged 'service a backend 198.18.1.13:8080 ejected for 3 s after .* (last: refused; ejection 1)'
check "counters: one ejection of be3 (show counters health)" ejections_are a 198.18.1.13:8080 1

# 2. Its time over, it returns; with its server back it takes connections.
check "be3's server starts again" e2e_be_start be3
sleep 3.5
check "returned after base_ejection_s: the event log says so" \
	logged 'service a backend 198.18.1.13:8080 returned (ejection time over)'
lbc http 90 --vip "$VIP4" --port 80 >"$E2E_DIR/a3.json"
check "back in: be3 answers again, nothing fails ($(result "$E2E_DIR/a3.json"))" \
	jget "$E2E_DIR/a3.json" 'exit(1 if j["errors"] or j["backends"].get("be3", 0) < 10 else 0)'

# 3. max_ejection_percent: of service a (10%), one backend at most.
check "be2 and be3 stop" e2e_be_stop be2 be3
lbc http 60 --vip "$VIP4" --port 80 >"$E2E_DIR/a4.json"
check "max_ejection_percent 10%: one of the two ejected, the other still tried" one_of_two a

# 4. Service p (100%): both ejected, 1 of 3 healthy is below 50%: panic,
# and every backend takes connections again.
lbc http 60 --vip "$VIP4" --port 81 >"$E2E_DIR/p1.json"
check "panic: two of three ejected, the event log says so" \
	logged 'service p in panic'
check "show health: ejected,panic" is_health p be2 ejected,panic
lbc http 60 --vip "$VIP4" --port 81 >"$E2E_DIR/p2.json"
check "in panic the dead backends are tried again ($(result "$E2E_DIR/p2.json"))" \
	jget "$E2E_DIR/p2.json" 'exit(0 if sum(j["errors"].values()) >= 10 else 1)'

# 5. disable health: ejected backends return at once.
check "disable health p" con_says disabled disable health p
check "no backend of p ejected any more" none_ejected p
check "service p out of panic" logged 'service p out of panic'
check "be2 and be3 start again" e2e_be_start be2 be3

e2e_finish
