#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# A session table filled to capacity keeps serving its established flows
# while new ones are refused and counted: with room for 16 sessions, hold
# 16 keep-alive HTTP connections, try 4 more (refused: their SYNs are
# dropped and counted), then use the 16 again (all answer).
. "$(dirname "$0")/lib.sh"

E2E_WITH_SERVICES=1
E2E_EXTRA_CONF='sessions = { max_per_worker = 16; half_open_percent = 100; };'
e2e_start c 1

lbc hold 16 4 --vip "$VIP4" --port 80 >"$E2E_DIR/hold.json"
cat "$E2E_DIR/hold.json"
is() { [ "$(jget "$E2E_DIR/hold.json" "j['$1']")" = "$2" ]; }
check "16 connections held (the table's capacity)" is held 16
check "4 more connections refused" is new_failed 4
check "the 16 established connections still answer" is reused_ok 16
check "refusals counted (drop_session_full >= 4)" wait_stat drop_session_full 4
check "sessions gauge at capacity while they were held" \
	bash -c "[ \"\$($PY $WEIRTEL -f weir-$E2E_NAME /weir/stats sessions)\" -le 16 ]"
e2e_finish
