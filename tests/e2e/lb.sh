#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Load balancing through weir with real TCP and UDP stacks on both sides:
# HTTP requests to a VIP reach every backend in proportion to its weight
# (IPv4 and IPv6), UDP request/response through a UDP VIP, echo to a VIP,
# and an ICMP port-unreachable from a backend translated back to the
# client (its UDP socket sees ECONNREFUSED).
. "$(dirname "$0")/lib.sh"

E2E_WITH_SERVICES=1
E2E_WEIGHTS=(1 2 3)
e2e_start l 1

check "ping the IPv4 VIP" in_ns "$TB_CLI" ping -c 2 -i 0.2 -W 2 "$VIP4"
check "ping the IPv6 VIP" in_ns "$TB_CLI" ping -6 -c 2 -i 0.2 -W 2 "$VIP6"

# share FILE N TOL: every backend's share of N within TOL of weight/6.
share() {
	"$PY" - "$@" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
n, tol = int(sys.argv[2]), float(sys.argv[3])
want = {"be1": 1 / 6, "be2": 2 / 6, "be3": 3 / 6}
got = {b: j["backends"].get(b, 0) / n for b in want}
print("shares", {b: round(v, 3) for b, v in got.items()}, "errors", j["errors"])
sys.exit(0 if not j["errors"] and sum(j["backends"].values()) == n and
         all(abs(got[b] - want[b]) <= tol for b in want) else 1)
PY
}

lbc http 1200 --vip "$VIP4" --port 80 >"$E2E_DIR/h4.json"
check "1200 HTTP requests to $VIP4 split 1:2:3 (within 5 points)" \
	share "$E2E_DIR/h4.json" 1200 0.05
lbc http 600 --vip "$VIP6" --port 80 >"$E2E_DIR/h6.json"
check "600 HTTP requests to $VIP6 split 1:2:3 (within 6 points)" \
	share "$E2E_DIR/h6.json" 600 0.06
lbc udp 300 --vip "$VIP4" --port 53 >"$E2E_DIR/u4.json"
check "300 UDP requests to $VIP4:53 answered, split 1:2:3 (within 9 points)" \
	share "$E2E_DIR/u4.json" 300 0.09
lbc udp 300 --vip "$VIP6" --port 53 >"$E2E_DIR/u6.json"
check "300 UDP requests to [$VIP6]:53 answered, split 1:2:3 (within 9 points)" \
	share "$E2E_DIR/u6.json" 300 0.09

lbc refused --vip "$VIP4" --port 54 >"$E2E_DIR/r4.json"
check "ICMP port unreachable from a backend reaches the IPv4 client" \
	bash -c "grep -q '\"refused\": true' $E2E_DIR/r4.json || { cat $E2E_DIR/r4.json; false; }"
lbc refused --vip "$VIP6" --port 54 >"$E2E_DIR/r6.json"
check "ICMPv6 port unreachable from a backend reaches the IPv6 client" \
	bash -c "grep -q '\"refused\": true' $E2E_DIR/r6.json || { cat $E2E_DIR/r6.json; false; }"
check "icmp_errors_translated >= 2" wait_stat icmp_errors_translated 2

tel /weir/stats >"$E2E_DIR/stats.json"
# A client port reused within a session's lifetime reopens that session
# rather than creating one, so count most, not all.
check "sessions created for the connections and datagrams (>= 2000)" \
	"$PY" -c "import json,sys; s=json.load(open('$E2E_DIR/stats.json')); print(s['lb_new_flows']); sys.exit(s['lb_new_flows'] < 2000)"
check "both directions forwarded" \
	"$PY" -c "import json,sys; s=json.load(open('$E2E_DIR/stats.json')); sys.exit(not (s['lb_to_backend'] > 2400 and s['lb_to_client'] > 2400))"
check "no session refused, no reply without session" \
	"$PY" -c "import json,sys; s=json.load(open('$E2E_DIR/stats.json'))
bad = {k: s[k] for k in ('drop_session_full', 'drop_no_local_port', 'drop_no_session_reply', 'drop_backend_unresolved', 'tx_drops') if s[k]}
print(bad); sys.exit(1 if bad else 0)"
check "closed TCP sessions linger in TIME-WAIT (sessions gauge > 0)" \
	"$PY" -c "import json,sys; s=json.load(open('$E2E_DIR/stats.json')); sys.exit(s['sessions'] == 0)"
# The baselines and client affinity, switched by reload on the same weir.
reweb() {	# reweb KEYS: web4 alone, with KEYS
	E2E_EXTRA_CONF="services = ( { name = \"web4\"; vip = \"$VIP4\";
		port = 80; $1 backends = ( $(e2e_backends "$TB_HTTP_PORT" 4) ); } );" \
		e2e_conf 1 >"$E2E_DIR/weir.conf"
	e2e_reload | grep -q reloaded
}
check "reload: web4 round-robin" reweb 'balancer = "round-robin";'
lbc http 600 --vip "$VIP4" --port 80 >"$E2E_DIR/rr.json"
check "round-robin: 600 requests split 1:2:3 (within 2 points)" \
	share "$E2E_DIR/rr.json" 600 0.02
check "reload: web4 random" reweb 'balancer = "random";'
lbc http 600 --vip "$VIP4" --port 80 >"$E2E_DIR/rnd.json"
check "random: 600 requests split 1:2:3 (within 7 points)" \
	share "$E2E_DIR/rnd.json" 600 0.07
check "reload: web4 hashed by source address" reweb 'hash = "source";'
lbc http 100 --vip "$VIP4" --port 80 >"$E2E_DIR/src.json"
check "client affinity: 100 requests from one client all reach one backend" \
	"$PY" -c "import json,sys; j=json.load(open('$E2E_DIR/src.json')); print(j); sys.exit(not (len(j['backends']) == 1 and sum(j['backends'].values()) == 100))"
e2e_finish
