#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
#
# A stand-in for weir's console server, for testing weirctl without weir
# (no DPDK, no root). It speaks the console protocol: a line of commands
# separated by ';', one reply made of every command's output and ended by
# an empty line. Replies are canned; the counters of 'show services' and
# 'show backends' grow with every call so 'weirctl top' sees rates. Extra
# commands exercise the client's edge cases: 'big' (1 MB reply), 'slow'
# (a reply in small pieces), 'twice' (bytes after the empty line), 'sleep'
# (timeouts) and 'die' (the server hangs up).
#
# Usage: weirctl_fake_server.py [--unix PATH] [--tcp HOST:PORT]
#                               [--port-file FILE]
# With --tcp port 0 the chosen port is written to --port-file. Runs until
# killed. Python 3 standard library only.

import argparse
import json
import os
import shlex
import socket
import socketserver
import sys
import threading
import time

HELP = [
    ("help", "list the commands"),
    ("quit", "close the session"),
    ("prompt", "print a prompt after each reply"),
    ("show info [-j]", "process information"),
    ("show services [-j]", "services and their counters"),
    ("show backends [<service>] [-j]", "backends and their counters"),
    ("show events [<n>] [-j]", "the last events"),
    ("set backend <service> <address> weight <w>", "change a weight"),
    ("echo <word>...", "print the words, one per line (test)"),
    ("big", "a 1 MB reply (test)"),
    ("slow", "a reply sent in small pieces (test)"),
    ("twice", "two replies to one line (test)"),
    ("sleep <s>", "reply after <s> seconds (test)"),
    ("die", "close the connection without a reply (test)"),
]

SERVICES = [
    ("web4", "198.19.0.10", 80, 80, "tcp", "maglev"),
    ("dns6", "2001:db8::53", 53, 53, "udp", "random"),
]
# (service, address, port, weight, state, mean handshake us, estimate us,
# ejected by health checking)
BACKENDS = [
    ("web4", "198.18.1.11", 8080, 1, "ready", 1500, 2250, False),
    ("web4", "198.18.1.12", 8080, 2, "ready", None, None, True),
    ("web4", "198.18.1.13", 8080, 1, "down", None, None, False),
    ("dns6", "2001:db8:1::11", 53, 1, "ready", 250, 300, False),
]
START = time.monotonic()
TICK_LOCK = threading.Lock()
TICK = [0]


def big_text():
    """1 MB of numbered lines, the same every time (the test rebuilds it)."""
    line = "%06d " + "x" * 57 + "\n"
    return "".join(line % i for i in range(16384))


def tick():
    with TICK_LOCK:
        TICK[0] += 1
        return TICK[0]


def backend_rows(t, service=None):
    rows = []
    for i, (svc, addr, port, weight, state, lat, est, ejected) in \
            enumerate(BACKENDS):
        if service is not None and svc != service:
            continue
        k = (i + 1) * weight * t if state == "ready" else 0
        rows.append({
            "service": svc, "address": addr, "port": port,
            "weight": weight, "state": state, "resolved": True,
            "new_flows": 10 * k, "sessions": 3 * (i + 1),
            "pkts_in": 1000 * k, "pkts_out": 900 * k,
            "bytes_in": 125000 * k, "bytes_out": 1250000 * k,
            "latency_us": lat, "latency_estimate_us": est,
            "ejected": ejected,
        })
    return rows


def service_rows(t):
    rows = []
    bes = backend_rows(t)
    for name, vip, port, port_hi, proto, bal in SERVICES:
        mine = [b for b in bes if b["service"] == name]
        row = {"name": name, "vip": vip, "port": port, "port_hi": port_hi,
               "protocol": proto, "balancer": bal,
               "backends": len(mine),
               "backends_up": sum(b["state"] == "ready" for b in mine)}
        for key in ("new_flows", "sessions", "pkts_in", "pkts_out",
                    "bytes_in", "bytes_out"):
            row[key] = sum(b[key] for b in mine)
        rows.append(row)
    return rows


def table(rows, keys):
    widths = [max([len(k)] + [len(str(r[k])) for r in rows]) for k in keys]
    out = ["  ".join(k.upper().ljust(w) for k, w in zip(keys, widths))]
    for r in rows:
        out.append("  ".join(str(r[k]).ljust(w) for k, w in zip(keys, widths)))
    return "\n".join(s.rstrip() for s in out) + "\n"


def split_commands(line):
    """Split on ';' outside double quotes."""
    cmds, cur, quoted, esc = [], [], False, False
    for ch in line:
        if esc:
            esc = False
        elif ch == "\\" and quoted:
            esc = True
        elif ch == '"':
            quoted = not quoted
        elif ch == ";" and not quoted:
            cmds.append("".join(cur))
            cur = []
            continue
        cur.append(ch)
    cmds.append("".join(cur))
    return cmds


class Session:
    def __init__(self):
        self.prompt = False
        self.quit = False
        self.die = False
        self.extra = ""      # bytes to send after the reply's empty line
        self.slow = False

    def run(self, cmd):
        """The output of one command (lines ending in '\\n')."""
        try:
            words = shlex.split(cmd)
        except ValueError as e:
            return "error: %s\n" % e
        if not words:
            return ""
        json_out = "-j" in words
        words = [w for w in words if w != "-j"]
        w0 = words[0]
        if w0 == "help":
            width = max(len(u) for u, _ in HELP)
            return "".join("%s  %s\n" % (u.ljust(width), d) for u, d in HELP)
        if w0 == "quit":
            self.quit = True
            return ""
        if w0 == "prompt":
            self.prompt = True
            return ""
        if w0 == "echo":
            return "".join(w + "\n" for w in words[1:])
        if w0 == "big":
            return big_text()
        if w0 == "slow":
            self.slow = True
            return "".join("slow line %d\n" % i for i in range(50))
        if w0 == "twice":
            self.extra = "second\n\n"
            return "first\n"
        if w0 == "sleep" and len(words) == 2:
            time.sleep(float(words[1]))
            return "slept\n"
        if w0 == "die":
            self.die = True
            return ""
        if w0 == "show" and len(words) >= 2:
            what = words[1]
            if what == "info" and len(words) == 2:
                info = {"version": "0.1.0", "pid": os.getpid(),
                        "uptime_s": int(time.monotonic() - START),
                        "workers": 2, "ports": 2,
                        "services": len(SERVICES),
                        "sessions": sum(3 * (i + 1)
                                        for i in range(len(BACKENDS)))}
                if json_out:
                    return json.dumps(info) + "\n"
                return "".join("%s: %s\n" % kv for kv in info.items())
            if what == "services" and len(words) == 2:
                rows = service_rows(tick())
                if json_out:
                    return json.dumps(rows) + "\n"
                return table(rows, ["name", "vip", "port", "protocol",
                                    "backends", "sessions"])
            if what == "backends" and len(words) <= 3:
                svc = words[2] if len(words) == 3 else None
                if svc is not None and svc not in [s[0] for s in SERVICES]:
                    return "error: unknown service '%s'\n" % svc
                rows = backend_rows(tick(), svc)
                if json_out:
                    return json.dumps(rows) + "\n"
                return table(rows, ["service", "address", "port", "weight",
                                    "state", "sessions"])
            if what == "events" and len(words) <= 3:
                ev = [{"time": 1.5, "type": "health",
                       "text": "web4 198.18.1.13:8080 down"}]
                if json_out:
                    return json.dumps(ev) + "\n"
                return "1.500 health web4 198.18.1.13:8080 down\n"
        return "error: unknown command '%s'; try 'help'\n" % cmd.strip()


class Handler(socketserver.StreamRequestHandler):
    def handle(self):
        s = Session()
        while True:
            try:
                raw = self.rfile.readline()
            except OSError:
                return
            if not raw:
                return
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            out = "".join(s.run(c) for c in split_commands(line))
            if s.die:
                return
            # replies never hold an empty line of their own
            out = "".join(l for l in out.splitlines(True) if l != "\n")
            data = (out + "\n" + s.extra + ("> " if s.prompt else ""))
            data = data.encode()
            s.extra = ""
            try:
                if s.slow:
                    s.slow = False
                    for i in range(0, len(data), 7):
                        self.wfile.write(data[i:i + 7])
                        self.wfile.flush()
                        time.sleep(0.002)
                else:
                    self.wfile.write(data)
                    self.wfile.flush()
            except OSError:
                return
            if s.quit:
                return


class UnixServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


class TCPServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    ap = argparse.ArgumentParser(description="fake weir console")
    ap.add_argument("--unix", help="unix socket path")
    ap.add_argument("--tcp", help="HOST:PORT to listen on (port 0: any)")
    ap.add_argument("--port-file", help="write the TCP port here")
    args = ap.parse_args()
    if not args.unix and not args.tcp:
        ap.error("give --unix and/or --tcp")
    servers = []
    if args.unix:
        try:
            os.unlink(args.unix)
        except FileNotFoundError:
            pass
        servers.append(UnixServer(args.unix, Handler))
    if args.tcp:
        host, _, port = args.tcp.rpartition(":")
        srv = TCPServer((host or "127.0.0.1", int(port)), Handler)
        servers.append(srv)
        if args.port_file:
            tmp = args.port_file + ".tmp"
            with open(tmp, "w") as f:
                f.write("%d\n" % srv.server_address[1])
            os.rename(tmp, args.port_file)
    for srv in servers[1:]:
        threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        servers[0].serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        if args.unix:
            try:
                os.unlink(args.unix)
            except OSError:
                pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
