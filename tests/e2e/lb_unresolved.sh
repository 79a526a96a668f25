#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# A backend weir cannot reach (nobody answers ARP for its address) owns no
# Maglev slot while its three peers are resolved: no client connection is
# lost to it. Before, it kept its share of the table and every new flow
# drawn to it was dropped as drop_backend_unresolved, so about one client
# connection in four failed for as long as it stayed unreachable.
. "$(dirname "$0")/lib.sh"

GHOST=198.18.1.99 # in the backends' prefix; no host has it
E2E_CONF_FN=unres_conf
unres_conf() {
	E2E_EXTRA_CONF="services = (
	{ name = \"web\"; vip = \"$VIP4\"; port = 80; connect_retry = false;
	  backends = ( $(e2e_backends "$TB_HTTP_PORT" 4),
	               { address = \"$GHOST\"; port = $TB_HTTP_PORT; } ); }
);" e2e_conf "$@"
}
e2e_start u 1
SOCK=$E2E_DIR/weir.sock
con() { "$PY" "$WEIR_SRC/tests/e2e/conclient.py" "$SOCK" "$@"; }
three_resolved() {
	for _ in $(seq 100); do
		tail -n 3 "$E2E_DIR/weir.log" | grep -q 'published .* 3 of 4 backends resolved' && return 0
		sleep 0.1
	done
	return 1
}
check "three of four backends resolve; the ghost does not" three_resolved
ok_gets=0
for _ in $(seq 40); do
	in_ns "$TB_CLI" curl -sf -m 3 --connect-timeout 2 -o /dev/null \
		"http://$VIP4/" && ok_gets=$((ok_gets + 1))
done
check "40 of 40 GETs succeed ($ok_gets)" test "$ok_gets" = 40
drops=$(con show stats -j | "$PY" -c "import json, sys; print(json.load(sys.stdin)['drop_backend_unresolved'])")
check "no new flow was drawn to the ghost ($drops dropped as unresolved)" \
	test "$drops" = 0
check "show backends says the ghost is unresolved, with no flow" sh -c "
	$PY $WEIR_SRC/tests/e2e/conclient.py $SOCK show backends web |
		awk '\$2 == \"$GHOST\" { print; exit !(\$6 == \"no\" && \$7 == 0) }'"
e2e_finish
