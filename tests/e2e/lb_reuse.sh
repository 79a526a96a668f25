#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# A client port reused while weir still holds the closed session of its
# previous connection (TIME-WAIT after FINs, CLOSE after an RST): the new
# SYN is a new connection, balanced afresh. With its backend still
# eligible it may carry the session over (same backend, lb_reopened); once
# that backend is removed, drained, in maintenance or at weight 0, the
# connection must reach another backend and succeed (lb_rebalanced).
# Real kernel TCP on both sides, IPv4 and IPv6.
. "$(dirname "$0")/lib.sh"

E2E_WITH_SERVICES=1
# Long enough that every closed session is still there when reused.
E2E_SERVICE_EXTRA='timeouts = { time_wait_s = 120; close_s = 60; };'
e2e_start r 1
SOCK=$E2E_DIR/weir.sock

con() { "$PY" "$WEIR_SRC/tests/e2e/conclient.py" "$SOCK" "$@"; }

# addr_of FAMILY NAME: the address of backend beN.
addr_of() {
	local ips=$TB_BE_IP4
	[ "$1" = 6 ] && ips=$TB_BE_IP6
	echo "$ips" | cut -d' ' -f"${2#be}"
}

# reuse VIP SPORT CLOSE: one GET from SPORT; prints the backend or "error: ...".
reuse() {
	lbc reuse --vip "$1" --port 80 --sport "$2" --close "$3" |
		"$PY" -c "import json,sys; j=json.load(sys.stdin); print(j['backend'] or 'error: ' + j['error'])"
}

# ineligible SVC ADDR HOW / eligible SVC ADDR HOW: take a backend out of
# new connections the way HOW says, and bring it back.
ineligible() {
	case $3 in
	removed) con del backend "$1" "$2" "$TB_HTTP_PORT" ;;
	drain | maint) con set backend state "$1" "$2" "$TB_HTTP_PORT" "$3" ;;
	weight0) con set backend weight "$1" "$2" "$TB_HTTP_PORT" 0 ;;
	esac
}
eligible() {
	case $3 in
	removed) con add backend "$1" "$2" "$TB_HTTP_PORT" 1 ;;
	drain | maint) con set backend state "$1" "$2" "$TB_HTTP_PORT" ready ;;
	weight0) con set backend weight "$1" "$2" "$TB_HTTP_PORT" 1 ;;
	esac
}

# case_reused FAM VIP SPORT CLOSE HOW: the second connection from SPORT,
# after its first backend became ineligible by HOW, goes elsewhere.
case_reused() {
	local fam=$1 vip=$2 sport=$3 close=$4 how=$5 svc=web$1 first second a rc=0

	first=$(reuse "$vip" "$sport" "$close")
	case $first in be*) ;; *) echo "first connection: $first"; return 1 ;; esac
	a=$(addr_of "$fam" "$first")
	ineligible "$svc" "$a" "$how" >/dev/null || { echo "cannot make $first $how"; return 1; }
	second=$(reuse "$vip" "$sport" "$close")
	echo "first $first, $how, then $second"
	case $second in
	be*) [ "$second" != "$first" ] || rc=1 ;;
	*) rc=1 ;;
	esac
	eligible "$svc" "$a" "$how" >/dev/null || rc=1
	return "$rc"
}

# The reuse path itself: nothing changed, the session carries over.
same_backend() {
	local first second
	first=$(reuse "$VIP4" 41000 fin)
	second=$(reuse "$VIP4" 41000 fin)
	echo "first $first, then $second"
	case $first in be*) [ "$first" = "$second" ] ;; *) false ;; esac
}
check "a reused port with its backend eligible keeps that backend" same_backend
check "lb_reopened counts the carried-over session" wait_stat lb_reopened 1

port=42000
n=0
for fam in 4 6; do
	vip=$VIP4
	[ "$fam" = 6 ] && vip=$VIP6
	for how in removed drain maint weight0; do
		for close in fin rst; do
			port=$((port + 1))
			n=$((n + 1))
			check "IPv$fam, closed by $close, backend $how: the reused port goes elsewhere" \
				case_reused "$fam" "$vip" "$port" "$close" "$how"
		done
	done
done
check "lb_rebalanced counts every replaced session (>= $n)" wait_stat lb_rebalanced "$n"
tel /weir/stats >"$E2E_DIR/stats.json"
check "no SYN dropped for want of a backend or a port" \
	"$PY" -c "import json,sys; s=json.load(open('$E2E_DIR/stats.json'))
bad = {k: s[k] for k in ('drop_no_backend', 'drop_no_local_port', 'drop_session_full', 'drop_no_session_reply') if s[k]}
print(bad); sys.exit(1 if bad else 0)"

e2e_finish
