#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Connections survive a restart of weir: 20 echo streams (LB_RESTART_STREAMS)
# run while weir is
# stopped for a second and started again. The new weir has no sessions;
# the clients' retransmissions are picked up mid-flow, balanced to the same
# backend by Maglev and given the same local port (it is chosen from the
# client's flow), so each backend sees the connection it knew and the
# stream resumes. The share of streams that survive is reported; most must.
. "$(dirname "$0")/lib.sh"

E2E_WITH_SERVICES=1
# Backends as static neighbors: the restarted weir knows their MACs before
# its workers take the first retransmission.
E2E_STATIC_NEIGH=1
N=${LB_RESTART_STREAMS:-20}	# more for a measurement, not for the suite
MIN=$((N * 9 / 10))
e2e_start s "${LB_RESTART_WORKERS:-1}"
# The first snapshot, with every static next hop, is out before any worker
# runs: no first packet meets an "unresolved" backend.
first_publish() {
	local pub run
	pub=$(grep -n -m1 '^weir: published ' "$E2E_DIR/weir.log")
	run=$(grep -n -m1 'running on lcore' "$E2E_DIR/weir.log" | cut -d: -f1)
	echo "# $pub"
	[ -n "$pub" ] && [ "${pub%%:*}" -lt "$run" ] &&
		"$PY" -c "import re, sys; m = re.search(r'(\d+) of (\d+) backends resolved \(start\)', sys.argv[1]); sys.exit(0 if m and m.group(1) == m.group(2) else 1)" "$pub"
}
check "first snapshot published before the workers run, every backend resolved" first_publish

lbc streams "$N" 8 --vip "$VIP4" --port 9000 --ready-file "$E2E_DIR/ready" \
	--max-stall 30 >"$E2E_DIR/streams.json" &
streams=$!
for _ in $(seq 100); do [ -f "$E2E_DIR/ready" ] && break; sleep 0.1; done
check "$N streams connected" test -f "$E2E_DIR/ready"
sleep 2
check "weir stops cleanly mid-stream" e2e_weir_stop
sleep 1
check "weir starts again" e2e_weir_start
wait "$streams"
"$PY" -c "
import json
j = json.load(open('$E2E_DIR/streams.json'))
print('# streams surviving the restart: %d of %d' % (j['ok'], j['total']))
for s in j['streams']:
    if s['end'] != 'ok':
        print('#  ', s)"
check "at least $MIN of $N streams survived, every byte echoed" "$PY" -c "
import json, sys
j = json.load(open('$E2E_DIR/streams.json'))
good = [s for s in j['streams'] if s['end'] == 'ok' and s['sent'] == s['received']]
sys.exit(0 if len(good) >= $MIN else 1)"
check "the new weir picked them up mid-flow (lb_midflow >= $MIN)" wait_stat lb_midflow "$MIN"
tel /weir/stats >"$E2E_DIR/stats.json"
check "no retransmission met an unresolved backend (drop_backend_unresolved 0)" \
	[ "$(jget "$E2E_DIR/stats.json" "j['drop_backend_unresolved']")" = 0 ]
e2e_finish
