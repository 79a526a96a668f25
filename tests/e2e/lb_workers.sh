#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Two workers: af_packet's fanout spreads client flows and backend replies
# over both queues by the kernel's flow hash, which knows nothing of weir's
# sessions, so replies often land on the worker that does not own their
# session. The owner is named by the local port; the other worker hands
# the reply over on a redirect ring. Every request must still succeed, and
# the redirect counters must show the handover happened.
. "$(dirname "$0")/lib.sh"

E2E_WITH_SERVICES=1
e2e_start k 2

lbc http 600 --vip "$VIP4" --port 80 >"$E2E_DIR/h4.json"
check "600 HTTP requests through two workers, none failed" "$PY" -c "
import json, sys
j = json.load(open('$E2E_DIR/h4.json'))
print(j)
sys.exit(0 if not j['errors'] and sum(j['backends'].values()) == 600 else 1)"
lbc http 300 --vip "$VIP6" --port 80 >"$E2E_DIR/h6.json"
check "300 IPv6 HTTP requests through two workers, none failed" "$PY" -c "
import json, sys
j = json.load(open('$E2E_DIR/h6.json'))
sys.exit(0 if not j['errors'] and sum(j['backends'].values()) == 300 else 1)"
lbc udp 200 --vip "$VIP4" --port 53 >"$E2E_DIR/u4.json"
check "200 UDP requests through two workers, all answered" "$PY" -c "
import json, sys
j = json.load(open('$E2E_DIR/u4.json'))
sys.exit(0 if not j['errors'] and sum(j['backends'].values()) == 200 else 1)"
check "replies crossed workers (redirect_out > 0)" wait_stat redirect_out 1
check "and were handled by their owner (redirect_in > 0)" wait_stat redirect_in 1
tel /weir/workers >"$E2E_DIR/w.json"
check "both workers received packets" "$PY" -c "
import json, sys
w = json.load(open('$E2E_DIR/w.json'))
print(w)
sys.exit(0 if all(v['rx_packets'] > 0 for v in w.values()) else 1)"
check "no redirect dropped, no reply without session" "$PY" -c "
import json, subprocess, sys
s = json.loads(subprocess.check_output(['$PY', '$WEIRTEL', '-f', 'weir-$E2E_NAME', '/weir/stats']))
print({k: s[k] for k in ('redirect_out', 'redirect_in', 'redirect_drops', 'drop_no_session_reply')})
sys.exit(1 if s['redirect_drops'] or s['drop_no_session_reply'] else 0)"
e2e_finish
