#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Self test of weirctl against weirctl_fake_server.py, a stand-in for weir's
# console: one-shot commands and exit codes, ';' lists, quoting, unix and
# TCP transports, a 1 MB reply, replies in pieces and bytes after the empty
# line, timeouts, a server that hangs up, script mode, 'top', and the
# interactive mode (prompt, TAB completion, ^C, history) driven through a
# pseudo-terminal. It builds nothing: $WEIRCTL names the binary (default
# /tmp/weirctl). Needs python3, no root. Prints "ok N - ..." lines and
# "weirctl: N passed, M failed"; exits 0 when every check passes, 1
# otherwise, 77 when it cannot run.

# Conditions passed to check are often single-quoted strings for eval.
# shellcheck disable=SC2016,SC2034

set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
W=${WEIRCTL:-/tmp/weirctl}
PY=${PYTHON:-python3}
T="timeout 30"		# no single call may hang the test

if [[ ! -x $W ]]; then
	echo "weirctl_selftest: no weirctl at $W (set WEIRCTL)" >&2
	exit 77
fi
if ! command -v "$PY" >/dev/null; then
	echo "weirctl_selftest: no $PY" >&2
	exit 77
fi

tmp=$(mktemp -d /tmp/weirctl_selftest.XXXXXX)
srv_pid=

cleanup() {
	if [[ -n $srv_pid ]]; then
		kill "$srv_pid" 2>/dev/null
		wait "$srv_pid" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

n=0
pass=0
fail=0

# check DESC CMD...: one numbered result; on failure, what the last run() saw
check() {
	local desc=$1
	shift
	n=$((n + 1))
	if "$@"; then
		pass=$((pass + 1))
		echo "ok $n - $desc"
	else
		fail=$((fail + 1))
		echo "not ok $n - $desc"
		{
			echo "rc=$rc"
			echo "stdout:"
			head -c 2000 "$tmp/out"
			echo "stderr:"
			head -c 2000 "$tmp/err"
		} | sed 's/^/#   /'
	fi
}

# run CMD...: its stdout in $tmp/out, stderr in $tmp/err, status in $rc
rc=
run() {
	$T "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
}

# run_in INPUT CMD...: the same with INPUT on stdin
run_in() {
	local input=$1
	shift
	printf '%s' "$input" | $T "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}

out_has() { grep -qF -- "$1" "$tmp/out"; }
err_has() { grep -qF -- "$1" "$tmp/err"; }
out_is() { [[ $(cat "$tmp/out") == "$1" ]]; }
rc_is() { [[ $rc == "$1" ]]; }

# A TCP port nobody listens on (bound then released).
free_port() {
	"$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

sock=$tmp/weir.sock
"$PY" "$here/weirctl_fake_server.py" --unix "$sock" --tcp 127.0.0.1:0 \
	--port-file "$tmp/port" >"$tmp/server.log" 2>&1 &
srv_pid=$!
for _ in $(seq 50); do
	[[ -S $sock && -s $tmp/port ]] && break
	sleep 0.1
done
if [[ ! -S $sock || ! -s $tmp/port ]]; then
	echo "weirctl_selftest: the fake server did not start" >&2
	cat "$tmp/server.log" >&2
	exit 1
fi
port=$(cat "$tmp/port")
S=(-s "$sock")

# --- options and usage ------------------------------------------------------

run "$W" --version
check "--version prints 'weirctl 0.1.0'" out_is "weirctl 0.1.0"

run "$W" --help
check "--help prints the usage, exit 0" \
	eval 'rc_is 0 && out_has "Usage: weirctl" && out_has "top [-n SECONDS]"'

usage_fails() {
	local args
	for args in "-x" "-T" "-T abc show info" "--bogus" "top -n 0" \
		"top --count 0" "top extra" "-i show info"; do
		# shellcheck disable=SC2086
		run "$W" "${S[@]}" $args
		if ! rc_is 2 || ! err_has "weirctl: "; then
			echo "# '$args' gave $rc"
			return 1
		fi
	done
	run "$W" "${S[@]}" ""
	rc_is 2
}
check "bad usage exits 2 with a message" usage_fails

# --- one-shot ---------------------------------------------------------------

run "$W" "${S[@]}" show info
check "one-shot 'show info' exits 0 and prints the reply" \
	eval 'rc_is 0 && out_has "version: 0.1.0" && out_has "workers: 2"'
no_empty_line() {
	[[ -s $tmp/out ]] && ! cmp -s <(tail -c 2 "$tmp/out") <(printf '\n\n') && ! grep -qx '' "$tmp/out"
}
check "the reply is printed without its terminating empty line" no_empty_line

run "$W" "${S[@]}" show info -j
check "one-shot 'show info -j' is one JSON line" eval \
	'rc_is 0 && [[ $(wc -l <"$tmp/out") == 1 ]] &&
	"$PY" -c "import json,sys; assert json.load(sys.stdin)[\"version\"]" <"$tmp/out"'

run "$W" "${S[@]}" frobnicate the widget
check "an error reply exits 1 and is printed" eval \
	'rc_is 1 && out_has "error: unknown command '\''frobnicate the widget'\''"'

run "$W" "${S[@]}" show backends nosuch
check "'show backends nosuch' exits 1" eval 'rc_is 1 && out_has "error: unknown service"'

run "$W" "${S[@]}" "show info -j; show services -j"
check "';' in one argument: two replies in one" eval \
	'rc_is 0 && [[ $(wc -l <"$tmp/out") == 2 ]] && out_has "\"version\"" && out_has "\"vip\""'

run "$W" "${S[@]}" show info -j ";" show backends -j
check "';' as a word: two replies in one" eval \
	'rc_is 0 && [[ $(wc -l <"$tmp/out") == 2 ]] && out_has "\"latency_us\""'

run "$W" "${S[@]}" "show info; bogus"
check "an error in a ';' list exits 1, the other reply still printed" eval \
	'rc_is 1 && out_has "version: 0.1.0" && out_has "error: unknown command '\''bogus'\''"'

run "$W" "${S[@]}" echo "two words" 'a"quote' 'back\slash' plain
check "words with blanks or quotes are sent double-quoted" out_is \
	"$(printf '%s\n' "two words" 'a"quote' 'back\slash' plain)"

run "$W" "${S[@]}" quit
check "'quit' exits 0" rc_is 0

run "$W" "${S[@]}" prompt
check "'prompt' is refused (it would break the framing)" eval \
	'rc_is 1 && err_has "prompt"'

# --- transports and connection errors -------------------------------------

run "$W" -t "127.0.0.1:$port" show info -j
check "TCP transport (-t 127.0.0.1:PORT)" eval 'rc_is 0 && out_has "\"version\""'

run env WEIR_SOCKET="$sock" "$W" show info
check "\$WEIR_SOCKET names the socket" eval 'rc_is 0 && out_has "version: 0.1.0"'

run "$W" -s "$tmp/nosuch.sock" show info
check "no server on the unix socket: exit 3, socket and errno named" eval \
	'rc_is 3 && err_has "$tmp/nosuch.sock" && err_has "No such file or directory"'

dead=$(free_port)
run "$W" -t "127.0.0.1:$dead" show info
check "no server on TCP: exit 3, address and errno named" eval \
	'rc_is 3 && err_has "127.0.0.1:$dead" && err_has "Connection refused"'

run "$W" -t "[::1]:$dead" show info
check "-t [ADDR]:PORT for IPv6: exit 3, address named" eval \
	'rc_is 3 && err_has "[::1]:$dead"'

t0=$(date +%s%N)
run "$W" "${S[@]}" -T 0.5 sleep 3
t1=$(date +%s%N)
check "no reply within -T: exit 3 after the timeout, not the reply" eval \
	'rc_is 3 && err_has "no reply within" && (( (t1 - t0) / 1000000 < 2500 ))'

$W "${S[@]}" sleep 3 >"$tmp/out" 2>"$tmp/err" &
bg=$!
sleep 0.3
kill -INT $bg
wait $bg
rc=$?
check "SIGINT while waiting for a reply: exit 130" rc_is 130

run "$W" "${S[@]}" die
check "the server hangs up: exit 3, 'connection closed by server'" eval \
	'rc_is 3 && err_has "connection closed by server"'

# --- large, fragmented and pipelined replies ------------------------------

"$PY" -c "import sys; sys.path.insert(0, '$here')
import weirctl_fake_server as f; sys.stdout.write(f.big_text())" >"$tmp/big.want"
run "$W" "${S[@]}" big
check "a 1 MB reply arrives intact" eval \
	'rc_is 0 && [[ $(wc -c <"$tmp/big.want") -ge 1000000 ]] && cmp -s "$tmp/out" "$tmp/big.want"'

run "$W" "${S[@]}" slow
check "a reply sent in 7-byte pieces arrives intact" eval \
	'rc_is 0 && out_is "$(for i in $(seq 0 49); do echo "slow line $i"; done)"'

run_in $'twice\necho next\n' "$W" "${S[@]}"
check "bytes after the empty line are kept for the next reply" \
	out_is "$(printf 'first\nsecond')"

# --- script mode ------------------------------------------------------------

run_in $'# a comment\nshow info -j\n\n   \necho one\r\nshow services\n' "$W" "${S[@]}"
check "script mode: stdin lines run in order, blanks and comments skipped" eval \
	'rc_is 0 && [[ $(sed -n 1p "$tmp/out") == "{\"version\""* ]] &&
	[[ $(sed -n 2p "$tmp/out") == one ]] && out_has "198.19.0.10"'

run_in $'bogus\necho after\n' "$W" "${S[@]}"
check "script mode: an error reply exits 1 and later lines still run" eval \
	'rc_is 1 && out_has "error: unknown command" && out_has "after"'

run_in $'echo before\nquit\necho after\n' "$W" "${S[@]}"
check "script mode: 'quit' ends the script" eval \
	'rc_is 0 && out_has before && ! out_has after'

run_in $'echo before\ndie\necho after\n' "$W" "${S[@]}"
check "script mode: the server hangs up: exit 3" eval \
	'rc_is 3 && out_has before && err_has "connection closed by server"'

run_in $'show info -j\nshow services -j\n' "$W" "${S[@]}" -i
check "-i with stdin not a terminal: libedit reads the lines" eval \
	'rc_is 0 && out_has "\"version\"" && out_has "\"vip\""'

# --- top --------------------------------------------------------------------

# field F of the first line starting with WORD
field() { awk -v w="$1" -v f="$2" '$1 == w { print $f; exit }' "$tmp/out"; }
nonzero() { [[ -n $1 && $1 != 0 && $1 != - ]]; }

run "$W" "${S[@]}" top --once -n 0.2
top_rows() {
	rc_is 0 && out_has "weir 0.1.0" && out_has "FLOWS/s" &&
	out_has "198.19.0.10:80/tcp" && out_has "[2001:db8::53]:53/udp" &&
	out_has "198.18.1.12:8080" && out_has "[2001:db8:1::11]:53" &&
	! grep -q $'\033' "$tmp/out"
}
check "top --once: header, service and backend rows, no escapes" top_rows
top_rates() {
	# service: name addr up/total flows/s pkts-in pkts-out mbit-in mbit-out
	nonzero "$(field web4 4)" && nonzero "$(field web4 5)" &&
	nonzero "$(field web4 7)" && nonzero "$(field web4 8)" &&
	# backend: addr state weight flows/s pkts-in ... latency
	nonzero "$(field 198.18.1.11:8080 4)" &&
	nonzero "$(field 198.18.1.11:8080 5)" &&
	[[ $(field 198.18.1.11:8080 10) == 1.50 ]] &&
	[[ $(field 198.18.1.12:8080 10) == - ]] &&
	[[ $(field 198.18.1.13:8080 4) == 0 ]] &&
	# the workers' estimate; health checking's ejection over "ready"
	[[ $(field 198.18.1.11:8080 11) == 2.25 ]] &&
	[[ $(field 198.18.1.12:8080 11) == - ]] &&
	[[ $(field 198.18.1.11:8080 2) == ready ]] &&
	[[ $(field 198.18.1.12:8080 2) == ejected ]]
}
check "top --once: non-zero rates, latency and estimate in ms or '-', ejected" top_rates

run "$W" "${S[@]}" top -n 0.1 --count 3
check "top --count 3 (stdout no tty): three frames" eval \
	'rc_is 0 && [[ $(grep -c "^weir 0.1.0" "$tmp/out") == 3 ]]'

# --- interactive, through a pseudo-terminal ---------------------------------

cat >"$tmp/pty_drive.py" <<'EOF'
# Drive weirctl through a pty; print "PASS desc" / "FAIL desc: why".
import os, pty, select, signal, subprocess, sys, termios, time

W, sock, home, mode, server = sys.argv[1:6]
env = dict(os.environ, HOME=home, TERM="xterm", LC_ALL="C")
env.pop("WEIR_SOCKET", None)
srv = None
if mode == "idle":
    # a server of its own, to kill while weirctl waits at the prompt
    sock = sock + ".idle"
    srv = subprocess.Popen([sys.executable, server, "--unix", sock])
    for _ in range(50):
        if os.path.exists(sock):
            break
        time.sleep(0.1)
argv = [W, "-s", sock] + (["top", "-n", "0.1"] if mode == "top" else [])
pid, fd = pty.fork()
if pid == 0:
    os.execve(W, argv, env)
buf = b""
seen = b""

def result(ok, desc, why=""):
    print(("PASS %s" if ok else "FAIL %s: " + why) % desc, flush=True)
    return ok

def expect(pat, timeout=5.0):
    """Read until pat; consume through it. False on timeout or EOF."""
    global buf, seen
    end = time.time() + timeout
    while pat not in buf:
        r, _, _ = select.select([fd], [], [], max(0.0, end - time.time()))
        if not r:
            return False
        try:
            d = os.read(fd, 65536)
        except OSError:
            return False
        if not d:
            return False
        buf += d
    i = buf.index(pat) + len(pat)
    seen = buf[:i]
    buf = buf[i:]
    return True

def send(b):
    os.write(fd, b)

def prompt(timeout=5.0):
    """Read through the prompt, then wait for libedit's raw mode: it
    prints the prompt first, and keys typed before the switch are cooked
    (a ^D then reads as a NUL)."""
    if not expect(b"weir> ", timeout):
        return False
    end = time.time() + timeout
    while termios.tcgetattr(fd)[3] & termios.ICANON:
        if time.time() > end:
            return False
        time.sleep(0.01)
    return True

def finish(timeout=5.0):
    end = time.time() + timeout
    while time.time() < end:
        p, st = os.waitpid(pid, os.WNOHANG)
        if p == pid:
            return os.waitstatus_to_exitcode(st)
        time.sleep(0.02)
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    return None

try:
    if mode == "session":
        result(prompt(), "interactive: prompt 'weir> '", repr(buf))
        send(b"show info -j\r")
        result(expect(b'"version": "0.1.0"') and prompt(),
               "interactive: a command's reply, then the prompt again", repr(buf))
        send(b"sh\t")
        ok = expect(b"ow ", 3)
        send(b"info -j\r")
        result(ok and expect(b'"version"') and prompt(),
               "interactive: TAB completes 'sh' to 'show '", repr(seen + buf))
        send(b"show \t")
        ok = expect(b"services", 3)
        listing = seen
        ok = ok and all(w in listing for w in (b"backends", b"events", b"info"))
        ok = ok and expect(b"weir> show ", 3)
        send(b"ser\t-j\r")
        result(ok and expect(b'"vip"') and prompt(),
               "interactive: TAB after 'show ' lists the next words",
               repr(listing + buf))
        send(b"set b\tweb4 1.2.3.4 weight 2\r")
        result(expect(b"backend web4") and prompt(),
               "interactive: TAB completes a second word ('set b')",
               repr(seen + buf))
        send(b"xyzzy\x03")
        ok = prompt(3)
        send(b"show info -j\r")
        ok = ok and expect(b'"version"') and b"xyzzy" not in buf
        result(ok and prompt(), "interactive: ^C drops the line",
               repr(seen + buf))
        send(b"show in")
        ok = expect(b"show in", 3)
        time.sleep(0.2)
        os.kill(pid, signal.SIGSTOP)
        os.waitpid(pid, os.WUNTRACED)
        # a shell takes the terminal back in its own (canonical) mode
        t = termios.tcgetattr(fd)
        t[3] |= termios.ICANON | termios.ECHO
        termios.tcsetattr(fd, termios.TCSANOW, t)
        os.kill(pid, signal.SIGCONT)
        ok = ok and expect(b"weir> show in", 3)
        lflag = termios.tcgetattr(fd)[3]
        send(b"fo -j\r")
        ok = ok and expect(b'"version"') and prompt()
        result(ok and not lflag & (termios.ICANON | termios.ECHO),
               "interactive: after a stop, continue retakes the terminal",
               "lflag=%x %r" % (lflag, seen + buf))
        send(b"sleep 1\r")
        time.sleep(0.3)
        send(b"\x03")
        ok = expect(b"interrupted") and prompt(3)
        send(b"echo nex t\r")
        ok = ok and expect(b"nex\r\nt\r\n")
        got = seen
        ok = ok and prompt()
        result(ok and b"slept" not in got,
               "interactive: ^C while waiting drops that reply, not the next",
               repr(seen + buf))
        send(b"bogus\r")
        result(expect(b"error: unknown command") and prompt(),
               "interactive: an error reply keeps the session", repr(buf))
        send(b"quit\r")
        rc = finish()
        result(rc == 0, "interactive: 'quit' exits 0", "rc=%r" % rc)
    elif mode == "eof":
        prompt()
        send(b"\x04")
        rc = finish()
        result(rc == 0, "interactive: EOF (^D) exits 0", "rc=%r" % rc)
    elif mode == "idle":
        ok = prompt()
        srv.terminate()
        srv.wait()
        ok = ok and expect(b"connection closed by server")
        rc = finish()
        result(ok and rc == 3,
               "interactive: server gone while idle: said at once, exit 3",
               "rc=%r out=%r" % (rc, seen + buf))
    elif mode == "hangup":
        prompt()
        send(b"die\r")
        ok = expect(b"connection closed by server")
        rc = finish()
        result(ok and rc == 3, "interactive: server hangs up: said, exit 3",
               "rc=%r out=%r" % (rc, seen + buf))
    elif mode == "top":
        before = termios.tcgetattr(fd)
        ok = expect(b"\033[2J") and expect(b"198.18.1.11:8080")
        ok = ok and expect(b"\033[H") and expect(b"FLOWS/s")
        during = termios.tcgetattr(fd)
        raw = not (during[3] & (termios.ICANON | termios.ECHO))
        result(ok and raw, "top: redraws in place, terminal non-canonical",
               repr(buf[:300]))
        send(b"q")
        rc = finish()
        after = termios.tcgetattr(fd)
        try:
            while select.select([fd], [], [], 0.2)[0]:
                d = os.read(fd, 65536)
                if not d:
                    break
                buf += d
        except OSError:
            pass
        result(rc == 0 and after[3] == before[3] and buf.endswith(b"\033[?25h"),
               "top: 'q' quits, terminal and cursor restored",
               "rc=%r lflag %x->%x" % (rc, before[3], after[3]))
except Exception as e:
    result(False, "pty driver (%s) failed" % mode, repr(e))
    try:
        os.kill(pid, 9)
    except OSError:
        pass
finally:
    if srv is not None and srv.poll() is None:
        srv.terminate()
        srv.wait()
EOF

pty_checks() {
	local mode=$1 line
	: >"$tmp/out"
	: >"$tmp/err"
	rc=
	while IFS= read -r line; do
		case $line in
		PASS\ *)
			check "${line#PASS }" true ;;
		FAIL\ *)
			echo "${line#FAIL }" >"$tmp/err"
			check "${line#FAIL }" false ;;
		esac
	done < <($T "$PY" "$tmp/pty_drive.py" "$W" "$sock" "$tmp/home" "$mode" \
		"$here/weirctl_fake_server.py" 2>&1)
}

mkdir -p "$tmp/home"
pty_checks session
history_written() {
	local h=$tmp/home/.weirctl_history
	[[ -f $h ]] && grep -q 'show\\040info\\040-j' "$h" &&
	grep -q 'show\\040services\\040-j' "$h" && grep -qx bogus "$h" &&
	[[ $(stat -c %a "$h") == 600 ]]
}
check "interactive: history written to ~/.weirctl_history (mode 600)" \
	history_written
pty_checks eof
pty_checks hangup
pty_checks idle
pty_checks top

echo "weirctl: $pass passed, $fail failed"
[[ $fail -eq 0 ]]
