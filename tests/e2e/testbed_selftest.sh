#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Self test of tools/testbed: brings a test bed up, checks the topology and
# the backend servers without weir in the path (backend to backend over the
# bridge), takes it down, and checks that leftovers of a crashed run, lost
# state and dead owners are cleaned up. Needs root. Exits 0 when every check
# passes, 1 otherwise, 77 when it cannot run (not root).

set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TB=$here/../../tools/testbed
PY=/usr/bin/python3

if [[ $EUID -ne 0 ]]; then
	echo "testbed_selftest: must run as root" >&2
	exit 77
fi

name=tb$$
name=${name:0:8}
export WEIR_TESTBED_OWNER=$$

pass=0
fail=0

cleanup() {
	"$TB" down "$name" >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

check() {
	local desc=$1
	shift
	if "$@"; then
		pass=$((pass + 1))
		echo "ok - $desc"
	else
		fail=$((fail + 1))
		echo "FAIL - $desc"
	fi
}

# Fatal step: without it the following checks make no sense.
must() {
	local desc=$1
	shift
	if "$@"; then
		pass=$((pass + 1))
		echo "ok - $desc"
	else
		fail=$((fail + 1))
		echo "FAIL - $desc (aborting)"
		echo "testbed: $pass passed, $fail failed"
		exit 1
	fi
}

load_env() {
	local out
	out=$("$TB" env "$name") || return 1
	eval "$out"
}

ns_exists() {
	ip netns list | awk '{print $1}' | grep -qx -- "$1"
}

ns_absent() {
	! ns_exists "$1"
}

still_there() {
	load_env && all_ns_exist
}

all_ns_exist() {
	local ns
	for ns in "$TB_CLI" "$TB_GW" "$TB_BNET" $TB_BACKENDS; do
		ns_exists "$ns" || {
			echo "  missing namespace $ns"
			return 1
		}
	done
}

nothing_left() {
	local left
	left=$(ip netns list | awk '{print $1}' | grep -E "^${name}-" || true)
	if [[ -n $left ]]; then
		echo "  namespaces left: $left"
		return 1
	fi
	if [[ -e /run/weir-testbed/$name ]]; then
		echo "  state dir /run/weir-testbed/$name left"
		return 1
	fi
}

# http_get NS ADDR WANT: GET / from inside NS and compare the body.
http_get() {
	ip netns exec "$1" "$PY" -I -c '
import sys, urllib.request
addr, want = sys.argv[1], sys.argv[2]
host = "[%s]" % addr if ":" in addr else addr
body = urllib.request.urlopen("http://%s:8080/" % host, timeout=2).read()
if body != want.encode() + b"\n":
    print("  got %r" % body)
    sys.exit(1)
' "$2" "$3"
}

# Two requests over one HTTP/1.1 connection.
http_keepalive() {
	ip netns exec "$1" "$PY" -I -c '
import sys, http.client
c = http.client.HTTPConnection(sys.argv[1], 8080, timeout=2)
socks = []
for _ in range(2):
    c.request("GET", "/")
    r = c.getresponse()
    body = r.read()
    if r.status != 200 or body != sys.argv[2].encode() + b"\n" \
            or r.getheader("Content-Length") != str(len(body)) or r.will_close:
        print("  bad answer: %d %r close=%s" % (r.status, body, r.will_close))
        sys.exit(1)
    socks.append(c.sock)
if socks[0] is None or socks[0] is not socks[1]:
    print("  connection was not reused")
    sys.exit(1)
' "$2" "$3"
}

# udp_echo NS ADDR WANT: datagram to port 5353, expect "WANT <payload>".
udp_echo() {
	ip netns exec "$1" "$PY" -I -c '
import socket, sys
addr, want = sys.argv[1], sys.argv[2]
fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
s = socket.socket(fam, socket.SOCK_DGRAM)
s.settimeout(2)
s.sendto(b"hello", (addr, 5353))
data, _ = s.recvfrom(2048)
if data != want.encode() + b" hello":
    print("  got %r" % data)
    sys.exit(1)
' "$2" "$3"
}

gw_if_clean() {
	local ifc out
	for ifc in "$TB_GW_IF_CLI" "$TB_GW_IF_BE"; do
		out=$(ip -n "$TB_GW" -o addr show dev "$ifc") || return 1
		if [[ -n $out ]]; then
			echo "  $ifc has addresses: $out"
			return 1
		fi
		[[ $(ip netns exec "$TB_GW" cat "/proc/sys/net/ipv6/conf/$ifc/disable_ipv6") == 1 ]] || {
			echo "  IPv6 not disabled on $ifc"
			return 1
		}
		ip -n "$TB_GW" link show dev "$ifc" | grep -q "mtu 1500 .*state UP" || {
			echo "  $ifc not up with mtu 1500"
			return 1
		}
	done
}

offloads_off() {
	local out
	out=$(ip netns exec "$TB_GW" ethtool -k "$TB_GW_IF_CLI") || return 1
	grep -q '^tx-checksumming: off' <<<"$out" &&
		grep -q '^tcp-segmentation-offload: off' <<<"$out" &&
		grep -q '^generic-segmentation-offload: off' <<<"$out" &&
		grep -q '^generic-receive-offload: off' <<<"$out"
}

cli_routes() {
	ip -n "$TB_CLI" route show default | grep -q "via $TB_GW_CLI_IP4 dev cli0" &&
		ip -n "$TB_CLI" -6 route show default | grep -q "via $TB_GW_CLI_IP6 dev cli0" &&
		ip -n "$TB_CLI" -o addr show dev cli0 | grep -q "inet 198.18.0.9/24" &&
		ip -n "$TB_CLI" -o addr show dev cli0 | grep -q "inet6 $TB_CLI_IP6/64"
}

env_matches() {
	[[ $TB_NB_BACKENDS == "$1" && $TB_QPAIRS == "$2" ]] &&
		[[ $(wc -w <<<"$TB_BACKENDS") -eq $1 && $(wc -w <<<"$TB_BE_IP4") -eq $1 ]] &&
		[[ $TB_STATE == "/run/weir-testbed/$name" && -d $TB_STATE ]]
}

ping_ok() {
	ip netns exec "$1" ping "$2" -c1 -W1 -q "$3" >/dev/null
}

owner_is_me() {
	[[ $(cat "/run/weir-testbed/$name/owner") == "$$" ]]
}

rejects() {
	! "$TB" "$@" >/dev/null 2>&1
}

echo "# test bed name: $name"

# First run: full topology checks.
must "up $name" "$TB" up "$name"
must "env $name evaluates" load_env
check "env values (3 backends, 1 qpair)" env_matches 3 1
check "all namespaces exist" all_ns_exist
check "owner recorded" owner_is_me
be1=${name}-be1
check "HTTP be1 -> be2 over IPv4" http_get "$be1" 198.18.1.12 be2
check "HTTP be1 -> be3 over IPv6" http_get "$be1" 2001:2:0:2::13 be3
check "HTTP/1.1 keep-alive be1 -> be2" http_keepalive "$be1" 198.18.1.12 be2
check "UDP be1 -> be2 over IPv4" udp_echo "$be1" 198.18.1.12 be2
check "UDP be1 -> be3 over IPv6" udp_echo "$be1" 2001:2:0:2::13 be3
check "ping be1 -> be2 over the bridge" ping_ok "$be1" -4 198.18.1.12
check "ping6 be1 -> be2 over the bridge" ping_ok "$be1" -6 2001:2:0:2::12
check "gateway veths: no addresses, no IPv6, up, mtu 1500" gw_if_clean
check "offloads off on $TB_GW_IF_CLI" offloads_off
check "client addresses and default routes" cli_routes
check "invalid name rejected" rejects up "Bad-Name"
check "too many backends rejected" rejects up x --backends 9

check "down $name" "$TB" down "$name"
check "nothing left after down" nothing_left
check "down is idempotent" "$TB" down "$name"

# Crash without cleanup: up again over the leftovers of a live test bed.
must "up $name --backends 2 --qpairs 2" "$TB" up "$name" --backends 2 --qpairs 2
must "env after re-up" load_env
check "env values (2 backends, 2 qpairs)" env_matches 2 2
check "up over leftovers succeeds" "$TB" up "$name"
must "env after leftover cleanup" load_env
check "env values after leftover cleanup" env_matches 3 1
check "all namespaces exist after leftover cleanup" all_ns_exist
check "HTTP be1 -> be3 after leftover cleanup" http_get "$be1" 198.18.1.13 be3

# Lost state: namespaces without a state dir are still found and removed.
rm -rf "/run/weir-testbed/$name"
check "up over namespaces without state succeeds" "$TB" up "$name" --backends 1
check "old backend namespaces are gone" ns_absent "$name-be2"
check "HTTP on be1 after lost-state cleanup" http_get "$be1" 198.18.1.11 be1

# Dead owner: gc removes the test bed.
sleep 0 &
dead=$!
wait "$dead"
check "up with a dead owner" env WEIR_TESTBED_OWNER="$dead" "$TB" up "$name" --backends 1
check "gc removes it" "$TB" gc
check "nothing left after gc" nothing_left

# Live owner: gc leaves it alone.
must "up $name again" "$TB" up "$name"
check "gc keeps a live test bed" "$TB" gc
check "test bed still there after gc" still_there
check "final down" "$TB" down "$name"
check "nothing left at the end" nothing_left

echo "testbed: $pass passed, $fail failed"
[[ $fail -eq 0 ]]
