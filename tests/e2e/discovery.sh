#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Discovery files: a service whose backend list an external tool writes.
# weir applies the file at start, then each new version as it lands
# (atomic rename or rewrite in place), as a diff: while echo streams run,
# the list moves from be1+be2 to be2+be3; no stream is reset or loses a
# byte, new connections use the new list. A broken version is rejected
# with a clear message and the running list is kept. Both formats (JSON
# and libconfig) are read.
. "$(dirname "$0")/lib.sh"

D=$(mktemp -d /tmp/weir-sd.XXXXXX)
e2e_start_sd() {
	E2E_EXTRA_CONF="console = { unix = \"$D/weir.sock\"; };
services = (
	{ name = \"disc4\"; vip = \"$VIP4\"; port = 9000; discovery = \"$D/disc4.json\";
	  backends = ( { address = \"198.18.1.11\"; port = 9000; } ); },
	{ name = \"disc6\"; vip = \"$VIP6\"; port = 9000; discovery = \"$D/disc6.conf\";
	  backends = ( { address = \"2001:2:0:2::11\"; port = 9000; } ); }
);"
	e2e_start d 1
}
write_json() {	# write_json IP...: the disc4 file, replaced atomically
	local sep="" ip
	{
		printf '{"backends": ['
		for ip in "$@"; do
			printf '%s{"address": "%s", "port": 9000}' "$sep" "$ip"
			sep=", "
		done
		printf ']}\n'
	} >"$D/disc4.json.tmp"
	mv "$D/disc4.json.tmp" "$D/disc4.json"
}
write_json 198.18.1.11 198.18.1.12
printf 'backends = ( { address = "2001:2:0:2::12"; port = 9000; weight = 2; },\n  { address = "2001:2:0:2::13"; port = 9000; } );\n' \
	>"$D/disc6.conf"
e2e_start_sd
trap 'rm -rf "$D"; e2e_cleanup' EXIT
check "disc4 took its list from the JSON file at start" \
	bash -c "[ \"\$(\"$PY\" $WEIR_SRC/tests/e2e/conclient.py $D/weir.sock show backends disc4 -j | $PY -c 'import json,sys; print(\" \".join(sorted(b[\"address\"] for b in json.load(sys.stdin))))')\" = '198.18.1.11 198.18.1.12' ]"
check "disc6 took its list from the libconfig file (weights too)" \
	bash -c "\"$PY\" $WEIR_SRC/tests/e2e/conclient.py $D/weir.sock show backends disc6 | grep '2001:2:0:2::12' | grep -q ' 2 '"

lbc streams 12 8 --vip "$VIP4" --port 9000 --ready-file "$E2E_DIR/ready" \
	>"$E2E_DIR/streams.json" &
streams=$!
for _ in $(seq 100); do [ -f "$E2E_DIR/ready" ] && break; sleep 0.1; done
sleep 1
write_json 198.18.1.12 198.18.1.13
sleep 0.5
check "the new file was applied: disc4 = be2, be3" \
	bash -c "\"$PY\" $WEIR_SRC/tests/e2e/conclient.py $D/weir.sock show backends disc4 | grep -c 198.18.1.1 | grep -qx 2 && ! \"$PY\" $WEIR_SRC/tests/e2e/conclient.py $D/weir.sock show backends disc4 | grep -q 198.18.1.11"
lbc streams 12 0.2 --vip "$VIP4" --port 9000 >"$E2E_DIR/new.json"
check "new connections use the new list (no be1, some be3)" \
	bash -c "! grep -q '\"backend\": \"be1\"' $E2E_DIR/new.json && grep -q '\"backend\": \"be3\"' $E2E_DIR/new.json"
echo '{"backends": [{"address": "198.18.1.11", "port": 70000}]}' >"$D/disc4.json.tmp"
mv "$D/disc4.json.tmp" "$D/disc4.json"
sleep 0.5
check "a broken file is rejected, naming the entry" \
	bash -c "\"$PY\" $WEIR_SRC/tests/e2e/conclient.py $D/weir.sock show events | grep discovery | tail -n 1 | grep -q 'rejected.*backends\[0\].port'"
check "and the running list is kept" \
	bash -c "\"$PY\" $WEIR_SRC/tests/e2e/conclient.py $D/weir.sock show backends disc4 | grep -c 198.18.1.1 | grep -qx 2"
wait "$streams"
check "all 12 streams ran through the change: no reset, every byte echoed" "$PY" -c "
import json, sys
j = json.load(open('$E2E_DIR/streams.json'))
sys.exit(0 if j['ok'] == 12 and all(s['sent'] == s['received'] > 0 for s in j['streams']) else 1)"
e2e_finish
