#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The console's telnet listener on a non-loopback address, over TLS: a
# client certificate from the configured CA authenticates; without one, a
# session must send 'auth <password>' first, and three wrong passwords
# close it; a certificate from another CA, a plain-text client and a
# client that never authenticates are all turned away while weir goes on;
# sessions get console.telnet_level. Also the configuration side: a
# non-loopback listener without TLS is refused with file:line, and a
# certificate file that holds no certificate stops weir at start naming
# it. Certificates are made for the run (P-256, valid one day) and removed
# with it.
. "$(dirname "$0")/lib.sh"

ADDR=198.18.200.1		# on the gateway namespace's lo, not a weir port
PORT=5201
PASSWORD="correct horse battery staple"
TLS_DIR=$(mktemp -d /tmp/weir-tls.XXXXXX)
tls_rm() { rm -rf "$TLS_DIR"; }
E2E_ON_EXIT=tls_rm		# e2e_cleanup calls it once e2e_start ran
trap tls_rm EXIT

# mkcert NAME CN EXT [CA]: NAME.key and NAME.pem, signed by CA (CA.pem,
# CA.key) or self-signed as a CA without one.
mkcert() {
	local name=$1 cn=$2 ext=$3 ca=${4:-}
	local d=$TLS_DIR

	if [ -z "$ca" ]; then
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
			-nodes -days 1 -subj "/CN=$cn" -keyout "$d/$name.key" \
			-out "$d/$name.pem" \
			-addext "basicConstraints=critical,CA:TRUE" \
			-addext "keyUsage=critical,keyCertSign,cRLSign"
		return
	fi
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-subj "/CN=$cn" -keyout "$d/$name.key" -out "$d/$name.csr" &&
	printf '%s\n' "$ext" >"$d/$name.ext" &&
	openssl x509 -req -in "$d/$name.csr" -days 1 -CA "$d/$ca.pem" \
		-CAkey "$d/$ca.key" -CAcreateserial -extfile "$d/$name.ext" \
		-out "$d/$name.pem"
}
{
	mkcert ca "weir test CA" "" &&
	mkcert server "$ADDR" "subjectAltName=IP:$ADDR
extendedKeyUsage=serverAuth" ca &&
	mkcert client "operator" "extendedKeyUsage=clientAuth" ca &&
	mkcert rogue_ca "another CA" "" &&
	mkcert rogue "intruder" "extendedKeyUsage=clientAuth" rogue_ca
} >"$TLS_DIR/openssl.log" 2>&1 || {
	cat "$TLS_DIR/openssl.log"; echo "cannot make certificates"; exit 1; }
PW_SHA=$(printf '%s' "$PASSWORD" | sha256sum | cut -d' ' -f1)

SOCK=$TLS_DIR/weir.sock
E2E_EXTRA_CONF="console = {
	unix = \"$SOCK\";
	telnet = \"$ADDR:$PORT\";
	tls = {
		cert = \"$TLS_DIR/server.pem\";
		key = \"$TLS_DIR/server.key\";
		ca = \"$TLS_DIR/ca.pem\";
		password_sha256 = \"$PW_SHA\";
	};
};"
# The listener's address must exist in the gateway namespace's kernel
# before weir binds it; weir's port addresses live in DPDK, not there.
tls_conf() {
	ip -n "$TB_GW" addr add "$ADDR/32" dev lo >&2
	e2e_conf "$@"
}
E2E_CONF_FN=tls_conf
e2e_start tls 1
# e2e_start's readiness test also matches "packet capture ready:", logged
# before the console opens: wait for weir's own "ready:" line.
for _ in $(seq 100); do
	grep -q '^weir: ready: ' "$E2E_DIR/weir.log" && break
	sleep 0.1
done

con() { "$PY" "$WEIR_SRC/tests/e2e/conclient.py" "$SOCK" "$@"; }
# sc [s_client options...] < lines: one TLS session from the gateway
# namespace, the server verified against the test CA. -quiet implies
# -ign_eof: the session lasts until weir closes it ('quit', or refusal).
sc() {
	timeout 15 ip netns exec "$TB_GW" openssl s_client -quiet \
		-connect "$ADDR:$PORT" -CAfile "$TLS_DIR/ca.pem" \
		-verify_ip "$ADDR" -verify_return_error "$@" \
		2>>"$E2E_DIR/s_client.err"
}
with_cert() { sc -cert "$TLS_DIR/client.pem" -key "$TLS_DIR/client.key"; }
log_has() { grep -q -- "$1" "$E2E_DIR/weir.log"; }

# A client that connects and never says anything, checked at the end.
timeout 60 ip netns exec "$TB_GW" "$PY" -c "
import socket, sys, time
s = socket.create_connection(('$ADDR', $PORT), 5)
s.settimeout(55)
t = time.monotonic()
try:
    while s.recv(4096):
        pass
except OSError:
    pass
print(round(time.monotonic() - t))" >"$E2E_DIR/idle.out" 2>&1 &
idle=$!

check "weir listens on $ADDR:$PORT with TLS" \
	log_has "console on telnet $ADDR:$PORT (TLS, client certificate or password, level user)"

printf 'show info\nauth whatever\nquit\n' | with_cert >"$E2E_DIR/cert.out"
check "client certificate: show info answers without auth" \
	grep -q '^weir 0' "$E2E_DIR/cert.out"
check "client certificate: the session was authenticated by it" \
	log_has "console tls: $ADDR:[0-9]*: TLSv1.3 .*, client certificate /CN=operator"
check "client certificate: a later auth is refused as needless" \
	grep -qx 'error: this session is already authenticated' "$E2E_DIR/cert.out"

printf 'auth %s\nshow info\nquit\n' "$PASSWORD" | sc >"$E2E_DIR/pw.out"
check "password: auth succeeds" grep -qx 'authenticated; level user' "$E2E_DIR/pw.out"
check "password: then show info answers" grep -q '^weir 0' "$E2E_DIR/pw.out"

printf 'show info\nhelp\nprompt\nquit\n' | sc >"$E2E_DIR/first.out"
check "before auth: every command is refused" \
	bash -c "[ \$(grep -cx 'error: authenticate first: auth <password>' $E2E_DIR/first.out) = 3 ]"
check "before auth: nothing ran" bash -c "! grep -q '^weir 0\|help' $E2E_DIR/first.out"
check "before auth: quit closes the session (no timeout)" \
	bash -c "printf 'quit\n' | timeout 15 ip netns exec $TB_GW openssl s_client -quiet -connect $ADDR:$PORT -CAfile $TLS_DIR/ca.pem >/dev/null 2>&1"

rc=0
printf 'auth nope1\nauth nope2\nauth nope3\nshow info\n' | sc >"$E2E_DIR/bad.out" || rc=$?
check "wrong password: refused twice with an error" \
	bash -c "[ \$(grep -cx 'error: wrong password' $E2E_DIR/bad.out) = 2 ]"
check "wrong password: the third failure closes the session" \
	grep -qx 'error: wrong password; 3 failures, closing' "$E2E_DIR/bad.out"
check "wrong password: weir closed it (s_client did not time out: $rc)" [ "$rc" != 124 ]
check "wrong password: nothing ran" bash -c "! grep -q '^weir 0' $E2E_DIR/bad.out"
check "wrong password: each failure is logged with the peer address" \
	bash -c "grep -c 'console tls: $ADDR:[0-9]*: wrong password ([123] of 3)' $E2E_DIR/weir.log | grep -qx 3"
check "the password is never echoed nor logged" \
	bash -c "! grep -q 'nope\|$PASSWORD' $E2E_DIR/weir.log $E2E_DIR/bad.out $E2E_DIR/pw.out"

printf 'auth %s\nset backend weight web4 %s 8080 2\nshow info\nquit\n' \
	"$PASSWORD" "${TB_BE_IP4%% *}" | sc >"$E2E_DIR/level.out"
check "level: a TLS session is console.telnet_level (user), no weights" \
	grep -q "'set backend weight' needs level operator; this session is user" "$E2E_DIR/level.out"
printf 'clear counters\nquit\n' | with_cert >"$E2E_DIR/level2.out"
check "level: the same with a client certificate" \
	grep -q "'clear counters' needs level operator; this session is user" "$E2E_DIR/level2.out"

printf 'show info\nquit\n' | sc -cert "$TLS_DIR/rogue.pem" -key "$TLS_DIR/rogue.key" \
	>"$E2E_DIR/rogue.out"
check "a client certificate from another CA: refused in the handshake" \
	bash -c "! grep -q '^weir 0\|authenticate' $E2E_DIR/rogue.out"
check "a client certificate from another CA: logged with the reason" \
	log_has "handshake failed: .*(client certificate: unable to get local issuer certificate)"

timeout 15 ip netns exec "$TB_GW" "$PY" "$WEIR_SRC/tests/e2e/conclient.py" \
	"tcp:$ADDR:$PORT" show info >"$E2E_DIR/plain.out" 2>&1
check "plain text (no TLS): no console reply" bash -c "! grep -q '^weir 0\|^error: ' $E2E_DIR/plain.out"
check "plain text (no TLS): the handshake failure is logged" \
	log_has "console tls: $ADDR:[0-9]*: handshake failed"
check "weir goes on: show info over the unix socket" \
	bash -c "\"$PY\" $WEIR_SRC/tests/e2e/conclient.py $SOCK show info | grep -q '^weir 0'"
check "weir goes on: a TLS session still works" \
	bash -c "printf 'show info\nquit\n' | timeout 15 ip netns exec $TB_GW openssl s_client -quiet -connect $ADDR:$PORT -CAfile $TLS_DIR/ca.pem -cert $TLS_DIR/client.pem -key $TLS_DIR/client.key 2>/dev/null | grep -q '^weir 0'"

wait "$idle"
t=$(cat "$E2E_DIR/idle.out")
check "a session that never authenticates is closed after 30 s ($t s)" \
	bash -c "[ '$t' -ge 29 ] && [ '$t' -le 40 ]"
check "...and that is logged" log_has "not authenticated within 30 s; closing"

# Configuration: refused with file:line before anything starts.
cat >"$TLS_DIR/public.conf" <<CONF
workers = [ 1 ];
ports = ( { name = "n0"; device = "net_null0"; addresses = [ "198.18.5.1/24" ]; } );
console = {
	telnet = "$ADDR:$PORT";
};
CONF
out=$("$WEIR" --check-config "$TLS_DIR/public.conf" 2>&1)
rc=$?
check "--check-config: a non-loopback telnet without tls exits 1 with file:line ($rc)" \
	bash -c "[ $rc = 1 ] && echo \"\$0\" | grep -qxF \"weir: $TLS_DIR/public.conf:4: console.telnet: '$ADDR:$PORT' is not a loopback address: a console reachable from the network needs console.tls (cert, key, and ca or password_sha256); or bind to 127.0.0.1 or [::1]\"" "$out"
sed -i "s|^};|\ttls = { cert = \"$TLS_DIR/server.pem\"; key = \"$TLS_DIR/server.key\"; ca = \"$TLS_DIR/nonexistent.pem\"; };\n};|" "$TLS_DIR/public.conf"
out=$("$WEIR" --check-config "$TLS_DIR/public.conf" 2>&1)
rc=$?
check "--check-config: an unreadable tls file exits 1 with file:line ($rc)" \
	bash -c "[ $rc = 1 ] && echo \"\$0\" | grep -qxF \"weir: $TLS_DIR/public.conf:5: console.tls.ca: cannot read '$TLS_DIR/nonexistent.pem': No such file or directory\"" "$out"
sed -i "s|nonexistent.pem|ca.pem|" "$TLS_DIR/public.conf"
check "--check-config: with tls, the same listener is accepted" \
	"$WEIR" --check-config "$TLS_DIR/public.conf"

# A certificate file that holds no certificate: weir does not start.
PREFIX=weir-tlsbad$$
echo "not a certificate" >"$TLS_DIR/junk.pem"
cat >"$TLS_DIR/junk.conf" <<CONF
eal_args = [ "--no-huge", "--no-shconf", "-m", "256", "--file-prefix", "$PREFIX" ];
lcores = "0@0,1@$(( $(nproc) > 1 ? 1 : 0 ))";
workers = [ 1 ];
mempool = { mbufs = 8191; cache = 64; };
ports = ( { name = "n0"; device = "net_null0"; rx_desc = 256; tx_desc = 256;
	    addresses = [ "198.18.5.1/24" ]; } );
console = { unix = "$TLS_DIR/junk.sock"; telnet = "127.0.0.1:$PORT";
	tls = { cert = "$TLS_DIR/junk.pem"; key = "$TLS_DIR/server.key";
		password_sha256 = "$PW_SHA"; }; };
metrics = "";
CONF
rc=0
timeout 60 ip netns exec "$TB_GW" "$WEIR" -c "$TLS_DIR/junk.conf" \
	>"$TLS_DIR/junk.log" 2>&1 || rc=$?
rm -rf "/var/run/dpdk/$PREFIX"
check "a file that holds no certificate: weir exits 3 at start ($rc)" [ "$rc" = 3 ]
check "...naming the key and the file" \
	grep -q "console.tls.cert: $TLS_DIR/junk.pem: .*no start line" "$TLS_DIR/junk.log"
check "weir under test is still running" kill -0 "$WEIR_PID"
e2e_finish
