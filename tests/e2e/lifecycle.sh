#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# weir's life outside the data path: its options and exit statuses, bad
# configuration rejected with file:line before any port is touched, a bad
# device refused at start with a message naming it, and a clean SIGINT stop
# that frees everything (valgrind: no definite or indirect leak, no error).
# Needs no test bed: the null PMD stands in for a NIC.
. "$(dirname "$0")/lib.sh"

E2E_DIR=$(mktemp -d /tmp/weir-e2e.XXXXXX)
PREFIX=weir-lc$$
trap 'rm -rf "$E2E_DIR" "/var/run/dpdk/$PREFIX"' EXIT

run() {	# run CMD...: capture stdout, stderr and the exit status
	"$@" >"$E2E_DIR/out" 2>"$E2E_DIR/err"
	echo $? >"$E2E_DIR/rc"
}
rc() { cat "$E2E_DIR/rc"; }

run "$WEIR" --version
check "--version exits 0 and names weir and DPDK" \
	bash -c "[ $(rc) = 0 ] && grep -qE '^weir [0-9.]+ \(DPDK ' $E2E_DIR/out"
run "$WEIR" --help
check "--help exits 0 and documents --check-config" \
	bash -c "[ $(rc) = 0 ] && grep -q -- '--check-config' $E2E_DIR/out"
run "$WEIR" --bogus
check "an unknown option exits 2 with usage" \
	bash -c "[ $(rc) = 2 ] && grep -q usage: $E2E_DIR/err"
run "$WEIR" -c /nonexistent/weir.conf
check "a missing config file exits 1 naming it" \
	bash -c "[ $(rc) = 1 ] && grep -qx 'weir: /nonexistent/weir.conf: cannot read: No such file or directory' $E2E_DIR/err"
run "$WEIR" --check-config "$WEIR_SRC/config/weir.conf"
check "the documented example config/weir.conf is valid" \
	bash -c "[ $(rc) = 0 ] && grep -q ': ok' $E2E_DIR/out"

cat >"$E2E_DIR/bad.conf" <<CONF
eal_args = [ "--no-huge", "--no-shconf", "-m", "256", "--file-prefix", "$PREFIX" ];
workers = [ 1 ];
ports = (
	{ name = "n0"; device = "net_null0"; mtu = 99999;
	  addresses = [ "198.18.5.1/24" ]; }
);
CONF
run "$WEIR" -c "$E2E_DIR/bad.conf"
check "a bad key exits 1 with file:line: path: message" \
	bash -c "[ $(rc) = 1 ] && grep -qx 'weir: $E2E_DIR/bad.conf:4: ports\[0\].mtu: 99999 is out of range: 68 to 9600 bytes' $E2E_DIR/err"
check "a bad config touches no port: no EAL started" \
	bash -c "! grep -q EAL: $E2E_DIR/out $E2E_DIR/err && [ ! -e /var/run/dpdk/$PREFIX ]"

good() {	# good DEVICE: a config for one port on DEVICE
	cat <<CONF
eal_args = [ "--no-huge", "--no-shconf", "-m", "256", "--file-prefix", "$PREFIX" ];
lcores = "0@0,1@$(( $(nproc) > 1 ? 1 : 0 ))";
workers = [ 1 ];
mempool = { mbufs = 8191; cache = 64; };
ports = ( { name = "n0"; device = "$1"; rx_desc = 256; tx_desc = 256;
	    addresses = [ "198.18.5.1/24", "2001:2:0:5::1/64" ]; } );
# This test runs in the root namespace: no TCP listener, a private socket.
console = { unix = "$E2E_DIR/weir.sock"; telnet = ""; };
metrics = "";
CONF
}
good "0000:7f:1f.7" >"$E2E_DIR/nodev.conf"
run timeout 60 "$WEIR" -c "$E2E_DIR/nodev.conf"
check "an absent device exits 3 naming the port and device" \
	bash -c "[ $(rc) = 3 ] && grep -q \"port n0: no DPDK device '0000:7f:1f.7'\" $E2E_DIR/out $E2E_DIR/err"

# A clean stop under valgrind. jemalloc serves the control plane, so
# valgrind must be told that it is the malloc to track. In a namespace of
# its own, with a kernel interface and active checks (TCP, TLS, UDP) that
# time out: the null PMD answers nothing.
good "net_null0" >"$E2E_DIR/null.conf"
"$PY" - "$E2E_DIR/null.conf" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read().replace('"2001:2:0:5::1/64" ]; } );', '''"2001:2:0:5::1/64" ];
	    kernel = { addresses = [ "198.18.5.250/24" ]; }; } );
services = (
	{ name = "t"; vip = "198.19.5.10"; port = 443;
	  check = { type = "http"; tls = true; interval_ms = 200; timeout_ms = 100; };
	  backends = ( { address = "198.18.5.11"; port = 443; } ); },
	{ name = "u"; vip = "198.19.5.10"; port = 53; protocol = "udp";
	  check = { type = "udp"; send = "x"; interval_ms = 200; timeout_ms = 100; };
	  backends = ( { address = "198.18.5.11"; port = 53; } ); }
);''')
open(p, "w").write(s)
PY
NS=weirlc$$
ip netns add "$NS"
trap 'rm -rf "$E2E_DIR" "/var/run/dpdk/$PREFIX"; ip netns del "$NS" 2>/dev/null' EXIT
if command -v valgrind >/dev/null; then
	ip netns exec "$NS" timeout 300 valgrind --fair-sched=yes --soname-synonyms=somalloc='*jemalloc*' \
		--leak-check=full --show-leak-kinds=definite,indirect \
		--errors-for-leak-kinds=definite,indirect --error-exitcode=9 \
		"$WEIR" -c "$E2E_DIR/null.conf" >"$E2E_DIR/vg.log" 2>&1 &
	vg=$!
	for _ in $(seq 600); do
		grep -q '^weir: ready: ' "$E2E_DIR/vg.log" && break
		kill -0 "$vg" 2>/dev/null || break
		sleep 0.1
	done
	check "weir starts under valgrind on the null PMD" grep -q '^weir: ready: ' "$E2E_DIR/vg.log"
	tel_workers() {	# valgrind is slow: give telemetry a few tries
		local i
		for i in $(seq 20); do
			"$PY" "$WEIRTEL" -f "$PREFIX" /weir/info workers 2>/dev/null |
				grep -qx 1 && return 0
			sleep 0.5
		done
		ls -la "/var/run/dpdk/$PREFIX/"
		"$PY" "$WEIRTEL" -f "$PREFIX" /weir/info
		return 1
	}
	check "telemetry answers while running" tel_workers
	checks_failed() {
		local i
		for i in $(seq 40); do
			"$PY" "$WEIR_SRC/tests/e2e/conclient.py" "$E2E_DIR/weir.sock" \
				show counters health 2>/dev/null |
				grep -q 'checks_failed *[1-9]' && return 0
			sleep 0.25
		done
		return 1
	}
	check "checks ran (and failed: nobody answers) on the kernel interface" \
		checks_failed
	kill -INT "$vg"
	rc=0
	wait "$vg" || rc=$?
	check "SIGINT: exit status 0, no leak, no memory error (valgrind)" [ "$rc" = 0 ]
	check "valgrind saw the run end cleanly" \
		grep -qE 'definitely lost: 0 bytes|All heap blocks were freed' "$E2E_DIR/vg.log"
	[ "$rc" = 0 ] || grep -E '==[0-9]+==' "$E2E_DIR/vg.log" | tail -40 | sed 's/^/#   /'
else
	not_ok "valgrind is not installed (tools/deps installs it)"
fi
e2e_finish
