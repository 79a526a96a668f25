#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Fault injection on real clients, changed at run time from the console:
# a share of new TCP flows reset (the client sees "connection refused" at
# once), dropped (its SYN dies; it retransmits, and gives up if every try
# is dropped), or held (its connect takes the delay longer); a share of
# new UDP flows dropped. Established connections never feel it. Bad
# commands are refused with the reason and change nothing. A fault group
# in the configuration file applies from the start.
. "$(dirname "$0")/lib.sh"

E2E_WITH_SERVICES=1
E2E_SERVICE_EXTRA=
E2E_CONF_FN=fault_conf
fault_conf() {
	E2E_EXTRA_CONF="services = (
	{ name = \"web\"; vip = \"$VIP4\"; port = 80;
	  backends = ( $(e2e_backends "$TB_HTTP_PORT" 4) ); },
	{ name = \"web6\"; vip = \"$VIP6\"; port = 80;
	  fault = { delay_percent = 100; delay_ms = 300; };
	  backends = ( $(e2e_backends "$TB_HTTP_PORT" 6) ); },
	{ name = \"echo\"; vip = \"$VIP4\"; port = 9000;
	  backends = ( $(e2e_backends "$TB_ECHO_PORT" 4) ); },
	{ name = \"dns\"; vip = \"$VIP4\"; port = 53; protocol = \"udp\";
	  backends = ( $(e2e_backends "$TB_UDP_PORT" 4) ); }
);" e2e_conf "$@"
}
e2e_start f 1
SOCK=$E2E_DIR/weir.sock
con() { "$PY" "$WEIR_SRC/tests/e2e/conclient.py" "$SOCK" "$@"; }
cli() { in_ns "$TB_CLI" "$@"; }

# gets N [URL]: N GETs, one connection each; prints "ok failed connect_s..."
gets() {
	local n=$1 url=${2:-http://$VIP4/} i ok=0 bad=0 t times=""
	for i in $(seq "$n"); do
		if t=$(cli curl -s -m 3 --connect-timeout 2.5 -o /dev/null \
			-w '%{time_connect}' "$url"); then
			ok=$((ok + 1))
			times="$times $t"
		else
			bad=$((bad + 1))
		fi
	done
	echo "$ok $bad$times"
}
fault() { # fault SVC FIELD: a column of 'show faults -j'
	con show faults -j | "$PY" -c "
import json, sys
for s in json.load(sys.stdin):
    if s['service'] == sys.argv[1]:
        print(s[sys.argv[2]])" "$1" "$2"
}
# min_connect OUT: the shortest connect time of a gets line, seconds.
min_connect() { echo "$1" | cut -d' ' -f3- | tr ' ' '\n' | sort -n | head -1; }
max_connect() { echo "$1" | cut -d' ' -f3- | tr ' ' '\n' | sort -n | tail -1; }

check "no fault: 10 GETs succeed" test "$(gets 10 | cut -d' ' -f1)" = 10

# A connection opened before the faults, kept open through all of them.
exec 3> >(cli "$PY" -c '
import socket, sys, time
s = socket.create_connection((sys.argv[1], 9000), 3)
f = s.makefile("rb")
f.readline()  # first the name of the backend
ok = 0
for i in range(40):
    s.sendall(b"ping %d\n" % i)
    if f.readline() == b"ping %d\n" % i:
        ok += 1
    time.sleep(0.1)
print(ok, flush=True)' "$VIP4" >"$E2E_DIR/long.out" 2>&1)
sleep 0.3
check "set fault web reset 100 is taken" con set fault web reset 100
check "set fault echo reset 100 is taken" con set fault echo reset 100
r=$(gets 10)
check "reset 100%: every GET fails at once ($r)" \
	test "$(echo "$r" | cut -d' ' -f1-2)" = "0 10"
check "  ... counted: $(fault web reset) resets" test "$(fault web reset)" -ge 10
check "  ... the client sees a refusal, not a timeout" sh -c \
	"ip netns exec $TB_CLI curl -s -m 3 http://$VIP4/ -o /dev/null; [ \$? = 7 ]"

con set fault web reset 50 >/dev/null
r=$(gets 40)
ok=$(echo "$r" | cut -d' ' -f1)
check "reset 50%: about half of 40 GETs succeed ($ok)" test "$ok" -ge 8 -a "$ok" -le 32

con set fault web reset 0 >/dev/null
check "set fault web drop 100 is taken" con set fault web drop 100
d0=$(fault web dropped)
r=$(gets 2)
check "drop 100%: GETs time out ($r)" test "$(echo "$r" | cut -d' ' -f1-2)" = "0 2"
d1=$(fault web dropped)
check "  ... the SYN and its retransmissions were dropped ($((d1 - d0)))" \
	test $((d1 - d0)) -ge 4

con set fault web drop 0 >/dev/null
check "set fault web delay 100 200 is taken" con set fault web delay 100 200
r=$(gets 5)
check "delay 100% by 200 ms: every connect takes 0.2 s more ($r)" \
	sh -c "[ '$(echo "$r" | cut -d' ' -f1)' = 5 ] && awk 'BEGIN { exit !($(min_connect "$r") >= 0.19) }'"
check "  ... counted: $(fault web delayed) held" test "$(fault web delayed)" -ge 5

check "clear fault web is taken" con clear fault web
r=$(gets 5)
check "cleared: connects are fast again ($r)" \
	sh -c "[ '$(echo "$r" | cut -d' ' -f1)' = 5 ] && awk 'BEGIN { exit !($(max_connect "$r") < 0.15) }'"

r=$(gets 3 "http://[$VIP6]/")
check "the config's fault (web6: delay 100% by 300 ms) applies from the start ($r)" \
	sh -c "[ '$(echo "$r" | cut -d' ' -f1)' = 3 ] && awk 'BEGIN { exit !($(min_connect "$r") >= 0.29) }'"

# UDP: drop 100% and back.
udp() {
	cli "$PY" -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(1)
s.sendto(b"q", (sys.argv[1], 53))
try:
    print(s.recv(100).decode())
except socket.timeout:
    print("timeout")' "$VIP4"
}
con set fault dns drop 100 >/dev/null
check "UDP drop 100%: no answer ($(udp))" test "$(udp)" = timeout
con clear fault dns >/dev/null
check "UDP cleared: answered ($(udp))" sh -c "udp_out=\$(ip netns exec $TB_CLI $PY -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(1)
s.sendto(b\"q\", (\"$VIP4\", 53))
print(s.recv(100).decode())'); case \$udp_out in be*) exit 0;; esac; exit 1"

# Bad commands: refused with the reason; nothing changes.
bad() { # bad WORDS...: the command must fail and say why
	local out
	out=$(con "$@" 2>&1) && return 1
	echo "$out"
	echo "$out" | grep -q '^error: '
}
check "101% is refused" bad set fault web reset 101
check "reset on a UDP service is refused" bad set fault dns reset 10
check "delay without ms is refused" bad set fault web delay 10
check "shares over 100% together are refused" sh -c \
	"$(declare -f con bad); PY=$PY SOCK=$SOCK WEIR_SRC=$WEIR_SRC
	con set fault web drop 60 >/dev/null && bad set fault web delay 50 100"
check "an unknown kind is refused" bad set fault web slow 10
check "the refused ones changed nothing (web: drop 60, delay 0)" \
	test "$(fault web drop_percent)/$(fault web delay_percent)" = 60/0
con clear fault web >/dev/null
con clear fault echo >/dev/null

wait_long() { for _ in $(seq 60); do [ -s "$E2E_DIR/long.out" ] && return; sleep 0.1; done; }
wait_long
check "an established connection never felt the faults ($(cat "$E2E_DIR/long.out") of 40 echoes)" \
	test "$(cat "$E2E_DIR/long.out")" = 40
check "show config shows a configured fault" sh -c \
	"$PY $WEIR_SRC/tests/e2e/conclient.py $SOCK show config | grep -q 'fault injection: reset 0%, drop 0%, delay 100% by 300 ms'"

e2e_finish
