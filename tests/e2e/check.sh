#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Active health checks with real servers, through the kernel interface of
# weir's backend port: HTTP over IPv4 and IPv6, HTTPS (an openssl-made
# certificate, verified against it by name), UDP send/expect, and the
# failures each kind can meet: a refused connect, a wrong status, a
# certificate for another name. A backend whose server is killed is
# marked down within fall x interval and ejected (no new connection
# reaches it); started again, it is back after rise checks. A check's
# round trip is a latency sample: with no client traffic at all, the
# workers' estimates tell a 50 ms backend from the others.
. "$(dirname "$0")/lib.sh"

INTERVAL=300 FALL=3 RISE=2 # ms, checks
be_list() { e2e_backends "$TB_HTTP_PORT" "${1:-4}"; } # be_list [FAMILY]
one_be() { echo "{ address = \"${TB_BE_IP4%% *}\"; port = $1; }"; }
E2E_CONF_FN=check_conf
check_conf() {
	local chk="interval_ms = $INTERVAL; timeout_ms = 250; rise = $RISE; fall = $FALL"
	E2E_EXTRA_CONF="events = { file = \"$E2E_DIR/events.jsonl\"; };
services = (
	{ name = \"web\"; vip = \"$VIP4\"; port = 80; balancer = \"least-latency\";
	  latency = { decay_s = 1; };
	  check = { type = \"http\"; path = \"/health\"; $chk; };
	  backends = ( $(be_list) ); },
	{ name = \"web6\"; vip = \"$VIP6\"; port = 80;
	  check = { type = \"http\"; host = \"web.test\"; $chk; };
	  backends = ( $(be_list 6) ); },
	{ name = \"st\"; vip = \"$VIP4\"; port = 81;
	  check = { type = \"http\"; expect_status = [ \"204\" ]; $chk; };
	  backends = ( $(be_list) ); },
	{ name = \"tls\"; vip = \"$VIP4\"; port = 443;
	  check = { type = \"http\"; tls = true; sni = \"be.test\";
	            ca_file = \"$E2E_DIR/cert.pem\"; $chk; };
	  backends = ( $(one_be 8443) ); },
	{ name = \"tlsname\"; vip = \"$VIP4\"; port = 444;
	  check = { type = \"tcp\"; tls = true; sni = \"other.test\";
	            ca_file = \"$E2E_DIR/cert.pem\"; $chk; };
	  backends = ( $(one_be 8443) ); },
	{ name = \"dns\"; vip = \"$VIP4\"; port = 53; protocol = \"udp\";
	  check = { type = \"udp\"; send = \"ping\"; expect = \"be\"; $chk; };
	  backends = ( $(e2e_backends "$TB_UDP_PORT" 4) ); }
);" e2e_conf "$@"
}

E2E_DIR_PRE=$(mktemp -d /tmp/weir-e2e-cert.XXXXXX)
E2E_ON_EXIT=cleanup_extra
cleanup_extra() {
	[ -n "${TLS_PID:-}" ] && kill "$TLS_PID" 2>/dev/null
	rm -rf "$E2E_DIR_PRE"
}
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=be.test" \
	-addext "subjectAltName=DNS:be.test" -keyout "$E2E_DIR_PRE/key.pem" \
	-out "$E2E_DIR_PRE/cert.pem" >/dev/null 2>&1
E2E_KERNEL=1 E2E_WITH_SERVICES=1
check_conf_pre() { cp "$E2E_DIR_PRE"/*.pem "$E2E_DIR/"; check_conf "$@"; }
E2E_CONF_FN=check_conf_pre
e2e_start c 1
SOCK=$E2E_DIR/weir.sock
con() { "$PY" "$WEIR_SRC/tests/e2e/conclient.py" "$SOCK" "$@"; }
addr_of() { echo "$TB_BE_IP4" | cut -d' ' -f"${1#be}"; }

# An HTTPS server on be1 (openssl's own, answering GET with 200).
in_ns "$TB_NAME-be1" setsid openssl s_server -accept 8443 -www -quiet \
	-cert "$E2E_DIR/cert.pem" -key "$E2E_DIR/key.pem" </dev/null \
	>"$E2E_DIR/s_server.log" 2>&1 &
TLS_PID=$!

# hc SVC ADDR FIELD: a field of the backend's active check in 'show health'.
hc() {
	con show health "$1" -j | "$PY" -c "
import json, sys
for b in json.load(sys.stdin):
    if b['address'] == sys.argv[1]:
        v = b['check'][sys.argv[2]] if sys.argv[2] in b['check'] else b[sys.argv[2]]
        print(v)" "$2" "$3"
}
# wait_state SVC ADDR STATE SECONDS: poll until the check says STATE.
wait_state() {
	local i
	for i in $(seq $(( $4 * 20 ))); do
		[ "$(hc "$1" "$2" state)" = "$3" ] && return 0
		sleep 0.05
	done
	echo "$1 $2: $(hc "$1" "$2" state) after $4 s, wanted $3"
	return 1
}
all_state() { # all_state SVC STATE ADDRS...
	local svc=$1 st=$2 a
	shift 2
	for a in "$@"; do wait_state "$svc" "$a" "$st" 5 || return 1; done
}

BE1=$(addr_of be1) BE2=$(addr_of be2) BE3=$(addr_of be3)
read -r B6_1 B6_2 B6_3 <<<"$TB_BE_IP6"
check "HTTP checks pass on IPv4 (web: be1, be2, be3 up)" all_state web up $BE1 $BE2 $BE3
check "HTTP checks pass on IPv6 (web6)" all_state web6 up $B6_1 $B6_2 $B6_3
check "HTTPS check, certificate verified for be.test (tls: be1 up)" all_state tls up $BE1
check "UDP send/expect checks pass (dns)" all_state dns up $BE1 $BE2 $BE3
check "a status outside expect_status fails the check (st: down)" \
	all_state st down $BE1 $BE2 $BE3
check "  ... and says why ($(hc st "$BE1" last_failure), status $(hc st "$BE1" http_status))" \
	test "$(hc st "$BE1" last_failure)/$(hc st "$BE1" http_status)" = "http status/200"
check "a certificate for another name fails the TLS check (tlsname: down)" \
	all_state tlsname down $BE1
check "  ... as a TLS failure ($(hc tlsname "$BE1" last_failure))" \
	test "$(hc tlsname "$BE1" last_failure)" = "tls handshake"
rtt=$(hc web "$BE1" rtt_us)
check "a passed check keeps its round trip (web be1: $rtt us)" test "$rtt" -gt 0
check "all of st down puts it in panic; its VIP still answers" \
	in_ns "$TB_CLI" curl -sf -m 3 -o /dev/null "http://$VIP4:81/"
check "the backends' server logs show the checks' requests" \
	grep -q '"GET /health HTTP/1.1" 200' "$TB_STATE/be1.log"
check "/metrics has the checks' counters" sh -c \
	"ip netns exec $TB_GW curl -s http://127.0.0.1:9100/metrics | grep -q 'weir_health_checks_passed_total{service=\"web\"'"

# Latency from checks alone: no client has used 'web' yet.
echo 50 >"$TB_STATE/be2.delay_ms"
est() { # est SVC ADDR: the workers' estimate of a backend, us
	con show backends "$1" -j | "$PY" -c "
import json, sys
for b in json.load(sys.stdin):
    if b['address'] == sys.argv[1]:
        print(b['latency_estimate_us'] or 0)" "$2"
}
sleep 2 # two time constants: be1's estimate has left its initial 30 ms
e1=$(est web "$BE1") e2=$(est web "$BE2")
nf=$(con show services -j | "$PY" -c "
import json, sys
print(sum(s['new_flows'] for s in json.load(sys.stdin) if s['name'] == 'web'))")
check "checks' round trips feed the estimates: be2 $e2 us, be1 $e1 us, with $nf client flows" \
	test "$nf" -eq 0 -a "$e2" -ge 40000 -a "$e1" -gt 0 -a "$e1" -lt 15000
rm -f "$TB_STATE/be2.delay_ms"

# event_ms WORDS: the time of the last event holding WORDS, ms since 1970.
event_ms() {
	"$PY" - "$E2E_DIR/events.jsonl" "$1" <<'PY'
import calendar, json, sys, time
t = None
for line in open(sys.argv[1]):
    e = json.loads(line)
    if sys.argv[2] in e["text"]:
        t = e["time"]
s, ms = t.rstrip("Z").split(".")
print(calendar.timegm(time.strptime(s, "%Y-%m-%dT%H:%M:%S")) * 1000 + int(ms))
PY
}

# Kill be3's servers: down within fall x interval (by the event's time;
# ticks of 10 ms and the round trip of a refused connect on top).
t0=$(( $(date +%s%N) / 1000000 ))
e2e_be_stop be3
wait_state web "$BE3" down 5
ms=$(( $(event_ms "web backend $BE3:$TB_HTTP_PORT down") - t0 ))
check "killed, be3 is down in $ms ms (fall x interval = $((FALL * INTERVAL)) ms)" \
	test "$ms" -ge 0 -a "$ms" -le $((FALL * INTERVAL + 100))
check "  ... refused ($(hc web "$BE3" last_failure)), ejected ($(hc web "$BE3" health))" \
	test "$(hc web "$BE3" last_failure)/$(hc web "$BE3" health)" = "refused/ejected"
check "  ... the UDP check sees it too (dns be3 down)" all_state dns down $BE3
check "  ... and the event log says so" \
	grep -q "web backend $BE3:$TB_HTTP_PORT down: 3 checks failed in a row (last: refused" \
	"$E2E_DIR/events.jsonl"
for i in $(seq 30); do
	in_ns "$TB_CLI" curl -s -m 3 -D - -o /dev/null "http://$VIP4/" |
		tr -d '\r' | sed -n 's/^X-Backend: //p'
done >"$E2E_DIR/answers"
check "no new connection reaches be3 ($(sort "$E2E_DIR/answers" | uniq -c | tr '\n' ' '))" \
	sh -c "[ \$(wc -l <'$E2E_DIR/answers') -eq 30 ] && ! grep -q be3 '$E2E_DIR/answers'"

e2e_be_start be3 # returns once its HTTP port listens
t0=$(( $(date +%s%N) / 1000000 ))
wait_state web "$BE3" up 5
ms=$(( $(event_ms "web backend $BE3:$TB_HTTP_PORT up") - t0 ))
check "started again, be3 is up in $ms ms (rise x interval = $((RISE * INTERVAL)) ms)" \
	test "$ms" -ge 0 -a "$ms" -le $((RISE * INTERVAL + 100))
check "  ... and the event log says so" \
	grep -q "web backend $BE3:$TB_HTTP_PORT up: 2 checks passed in a row" \
	"$E2E_DIR/events.jsonl"
check "  ... no longer ejected ($(hc web "$BE3" health))" \
	test "$(hc web "$BE3" health)" = ok

e2e_finish
