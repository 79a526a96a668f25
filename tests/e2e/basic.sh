#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# weir answers for its own addresses: ARP (arping), ICMP echo (ping) and
# IPv6 neighbor discovery plus ICMPv6 echo (ping -6), on both ports, with
# real kernel stacks in the client and backend namespaces; its counters
# show each exchange; it learned its neighbors; it stops cleanly on SIGTERM.
. "$(dirname "$0")/lib.sh"

e2e_start b 1

check "ping client -> weir 198.18.0.1" \
	in_ns "$TB_CLI" ping -c 3 -i 0.2 -W 2 "$TB_GW_CLI_IP4"
check "ping6 client -> weir 2001:2:0:1::1" \
	in_ns "$TB_CLI" ping -6 -c 3 -i 0.2 -W 2 "$TB_GW_CLI_IP6"
check "arping client -> weir (2 replies)" \
	in_ns "$TB_CLI" arping -c 2 -w 4 -I "$TB_CLI_IF" "$TB_GW_CLI_IP4"
be1=${TB_BACKENDS%% *}
be1_ip4=${TB_BE_IP4%% *}
check "ping backend -> weir 198.18.1.1" \
	in_ns "$be1" ping -c 2 -i 0.2 -W 2 "$TB_GW_BE_IP4"
check "ping6 backend -> weir 2001:2:0:2::1" \
	in_ns "$be1" ping -6 -c 2 -i 0.2 -W 2 "$TB_GW_BE_IP6"

# The client learned weir's MAC from an ARP reply and an NA.
mac=$(in_ns "$TB_GW" cat /sys/class/net/"$TB_GW_IF_CLI"/address)
check "client's ARP entry for weir is weir's port MAC" \
	bash -c "ip netns exec $TB_CLI ip neigh show $TB_GW_CLI_IP4 | grep -qi 'lladdr $mac'"
check "client's ND entry for weir is weir's port MAC" \
	bash -c "ip netns exec $TB_CLI ip -6 neigh show $TB_GW_CLI_IP6 | grep -qi 'lladdr $mac'"

# Link-local: weir derives fe80::/64 EUI-64 and answers on it.
check "ping6 weir's link-local address" \
	in_ns "$TB_CLI" ping -6 -c 2 -i 0.2 -W 2 \
	"$("$PY" -c "import sys
m=[int(x,16) for x in sys.argv[1].split(':')]
m[0]^=2
print('fe80::%02x%02x:%02xff:fe%02x:%02x%02x%%$TB_CLI_IF'%tuple(m))" "$mac")"

check "counter icmp_echo_replies_tx >= 5" wait_stat icmp_echo_replies_tx 5
check "counter icmp6_echo_replies_tx >= 5" wait_stat icmp6_echo_replies_tx 5
check "counter arp_replies_tx >= 3" wait_stat arp_replies_tx 3
check "counter na_tx >= 2" wait_stat na_tx 2
check "counter garp_tx = 2 (one per IPv4 address)" \
	bash -c "[ \"\$($PY $WEIRTEL -f weir-$E2E_NAME /weir/stats garp_tx)\" = 2 ]"
check "weir learned neighbors (neigh_entries >= 3)" wait_stat neigh_entries 3
check "no parser drops on clean traffic" \
	bash -c "[ \"\$($PY $WEIRTEL -f weir-$E2E_NAME /weir/drops)\" = '{}' ] || \
		{ $PY $WEIRTEL -f weir-$E2E_NAME /weir/drops; false; }"
check "/weir/ports shows both links up" \
	bash -c "$PY $WEIRTEL -f weir-$E2E_NAME /weir/ports | grep -o '\"link\": \"up\"' | wc -l | grep -qx 2"
check "/weir/info answers with the version" \
	bash -c "$PY $WEIRTEL -f weir-$E2E_NAME /weir/info version | grep -qE '^[0-9]+\.[0-9]+\.[0-9]+$'"

tel /weir/stats >"$E2E_DIR/stats.json"
check "docs/telemetry.md names every /weir/stats counter" "$PY" -c '
import json, sys
keys = json.load(open(sys.argv[1]))
doc = open(sys.argv[2]).read()
missing = [k for k in keys if "`%s`" % k not in doc]
print("missing:", missing)
sys.exit(1 if missing or not keys else 0)' "$E2E_DIR/stats.json" "$WEIR_SRC/docs/telemetry.md"

# A clean stop: SIGTERM, exit status 0, the log says why.
kill -TERM "$WEIR_PID"
rc=0
wait "$WEIR_PID" || rc=$?
WEIR_PID=
check "SIGTERM stops weir with exit status 0" [ "$rc" = 0 ]
check "log shows workers stopped and a clean stop" \
	bash -c "grep -q 'workers stopped' $E2E_DIR/weir.log && grep -q 'weir: stopped' $E2E_DIR/weir.log"
check "weir no longer answers after stop" \
	bash -c "! ip netns exec $TB_CLI ping -c 1 -W 1 $TB_GW_CLI_IP4"

e2e_finish
