#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Packet capture of a running weir with dpdk-dumpcap (DPDK's pdump): weir
# initialises pdump at start, so an operator can capture a port without
# stopping it. pdump needs the EAL's shared configuration, so this test
# runs weir on hugepages (without --no-huge/--no-shconf); it reserves 512
# 2 MiB pages for the run and gives them back. Where hugepages cannot be
# had, the test says so and is skipped (exit 77), never counted as passed.
. "$(dirname "$0")/lib.sh"

HP=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
if [ ! -w "$HP" ] || ! command -v dpdk-dumpcap >/dev/null; then
	echo "skipped: no writable $HP or no dpdk-dumpcap"
	exit 77
fi
hp_before=$(cat "$HP")
echo $((hp_before + 512)) >"$HP"
if [ "$(cat /sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages)" -lt 256 ]; then
	echo "$hp_before" >"$HP"
	echo "skipped: could not reserve hugepages"
	exit 77
fi
hp_restore() {
	rm -f /dev/hugepages/weir-p*	# a crashed weir's page files
	echo "$hp_before" >"$HP"
}
E2E_ON_EXIT=hp_restore
if ! grep -q hugetlbfs /proc/mounts; then
	mkdir -p /dev/hugepages
	mount -t hugetlbfs nodev /dev/hugepages || {
		hp_restore; echo "skipped: cannot mount hugetlbfs"; exit 77; }
fi

# The standard config, with hugepages and shared memory instead.
e2e_conf_huge() {
	e2e_conf "$1" | sed -e 's/"--no-huge", "--no-shconf", "-m", "512",/"-m", "256",/'
}
E2E_CONF_FN=e2e_conf_huge
e2e_start p 1
check "weir says packet capture is available" grep -q 'packet capture available' "$E2E_DIR/weir.log"
in_ns "$TB_CLI" ping -c 30 -i 0.1 -W 1 "$TB_GW_CLI_IP4" >/dev/null 2>&1 &
pinger=$!
sleep 0.3
timeout 20 dpdk-dumpcap --file-prefix "weir-$E2E_NAME" -i net_af_packet0 \
	-c 10 -w "$E2E_DIR/cap.pcapng" >"$E2E_DIR/dumpcap.log" 2>&1
rc=$?
wait "$pinger"
check "dpdk-dumpcap captured 10 packets from the running weir (exit $rc)" "$PY" -c "
import struct, sys
d = open('$E2E_DIR/cap.pcapng', 'rb').read()
n, off = 0, 0
while off + 8 <= len(d):
    t, l = struct.unpack_from('<II', d, off)
    n += t == 6      # enhanced packet block
    off += l if l >= 12 else len(d)
print(n, 'packets')
sys.exit(0 if n >= 10 else 1)"
check "weir kept answering during the capture" \
	in_ns "$TB_CLI" ping -c 2 -i 0.2 -W 2 "$TB_GW_CLI_IP4"
e2e_finish
