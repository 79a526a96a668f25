#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Circuit breaking with real clients: a service limited to 5 open flows
# and 2 per backend holds 5 keep-alive connections spread at most 2 to a
# backend; the next connections are refused at once with an RST from the
# VIP (the client's connect fails with "connection refused", IPv4 and
# IPv6), and the held ones keep working. Counted on the service and the
# workers.
. "$(dirname "$0")/lib.sh"

E2E_CONF_FN=limits_conf
limits_conf() {
	E2E_EXTRA_CONF="services = (
	{ name = \"c\"; vip = \"$VIP4\"; port = 80; max_flows = 5;
	  max_backend_flows = 2;
	  backends = ( $(e2e_backends "$TB_HTTP_PORT" 4) ); },
	{ name = \"c6\"; vip = \"$VIP6\"; port = 80; max_flows = 1;
	  backends = ( $(e2e_backends "$TB_HTTP_PORT" 6) ); }
);" e2e_conf "$@"
}
E2E_WITH_SERVICES=1 # waits for the backends to resolve
e2e_start b 1

lbc hold 5 3 --vip "$VIP4" --port 80 >"$E2E_DIR/h4.json"
check "5 connections held, at most 2 on a backend ($(cat "$E2E_DIR/h4.json"))" \
	jget "$E2E_DIR/h4.json" 'exit(0 if j["held"] == 5 and max(j["backends"].values()) <= 2 else 1)'
check "the next 3 are refused at once by an RST (connection refused)" \
	jget "$E2E_DIR/h4.json" 'exit(0 if j["new_errors"].get("ConnectionRefusedError") == 3 else 1)'
check "the held ones still work" \
	jget "$E2E_DIR/h4.json" 'exit(0 if j["reused_ok"] == 5 else 1)'
lbc hold 1 2 --vip "$VIP6" --port 80 >"$E2E_DIR/h6.json"
check "IPv6: over max_flows 1, refused by an RST ($(cat "$E2E_DIR/h6.json"))" \
	jget "$E2E_DIR/h6.json" 'exit(0 if j["held"] == 1 and j["new_errors"].get("ConnectionRefusedError") == 2 and j["reused_ok"] == 1 else 1)'
check "counted: drop_flow_limit (>= 5)" wait_stat drop_flow_limit 5
check "counted: lb_resets_sent (>= 5)" wait_stat lb_resets_sent 5
# Once the held connections are gone, new ones are taken again.
lbc http 20 --vip "$VIP4" --port 80 >"$E2E_DIR/after.json"
check "closed flows free their places: 20 new connections succeed" \
	jget "$E2E_DIR/after.json" 'exit(1 if j["errors"] or sum(j["backends"].values()) != 20 else 0)'

e2e_finish
