#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Two workers, two af_packet queue pairs per port: the kernel's fanout hash
# spreads flows over both queues, each worker polls its own, and replies to
# packets that either worker received still come back (ctl transmits them
# through worker 0's ring). Each worker runs pinned on its own lcore.
. "$(dirname "$0")/lib.sh"

e2e_start w 2

# Eight source addresses make eight flows; the fanout hash puts them on
# both queues (the chance that all land on one is 2^-7).
for src in $TB_CLI_IP4 $TB_CLI_IP4_EXTRA; do
	check "ping from $src" in_ns "$TB_CLI" ping -c 2 -i 0.2 -W 2 -I "$src" "$TB_GW_CLI_IP4"
done
check "ping6 client -> weir" in_ns "$TB_CLI" ping -6 -c 3 -i 0.2 -W 2 "$TB_GW_CLI_IP6"
tel /weir/workers >"$E2E_DIR/workers.json"
check "both workers received packets" "$PY" -c "
import json, sys
w = json.load(open('$E2E_DIR/workers.json'))
print(w)
sys.exit(0 if len(w) == 2 and all(v['rx_packets'] > 0 for v in w.values()) else 1)"
check "workers run on lcores 1 and 2" "$PY" -c "
import json, sys
w = json.load(open('$E2E_DIR/workers.json'))
sys.exit(0 if sorted(v['lcore'] for v in w.values()) == [1, 2] else 1)"
check "busy share is a per-mille of loops" "$PY" -c "
import json, sys
w = json.load(open('$E2E_DIR/workers.json'))
sys.exit(0 if all(v['loops'] > 0 and 0 <= v['busy_permille'] <= 1000
                  for v in w.values()) else 1)"
# lib.sh maps lcore N to CPU (N - 1) mod nproc; DPDK names the threads.
pinned() {
	local t lc cpu want n=0
	for t in /proc/"$WEIR_PID"/task/*; do
		case $(cat "$t/comm") in rte-worker-*) ;; *) continue ;; esac
		lc=$(sed 's/rte-worker-//' "$t/comm")
		cpu=$(sed -n 's/^Cpus_allowed_list:\t*//p' "$t/status")
		want=$(( (lc - 1) % $(nproc) ))
		echo "lcore $lc on CPUs $cpu, want $want"
		[ "$cpu" = "$want" ] || return 1
		n=$((n + 1))
	done
	[ "$n" = 2 ] || { echo "found $n worker threads, want 2"; return 1; }
}
check "each worker thread is pinned to its one CPU" pinned
check "every echo request was answered (16 + 3)" wait_stat icmp_echo_replies_tx 16
check "log shows two queues per port" \
	grep -q '2 rx / 2 tx queues' "$E2E_DIR/weir.log"
check "log shows RSS off for af_packet (the kernel spreads instead)" \
	grep -q 'rss off' "$E2E_DIR/weir.log"
e2e_finish
