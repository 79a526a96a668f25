#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
#
# Client side of the load-balancing end-to-end tests, run inside the client
# namespace: real TCP and UDP from the kernel's stack to a VIP, results as
# one JSON object on stdout. Every mode is bounded in count and time.
#
#   http N        N GETs, each on a new connection: requests per backend
#   udp N         N datagrams, each from a new socket: answers per backend
#   streams N S   N echo streams for S seconds, every byte checked: per
#                 stream its backend, bytes both ways, and how it ended
#   hold N M      hold N keep-alive HTTP connections, try M more, then use
#                 the N again: how many of each worked
#   refused       one UDP datagram to a port nobody listens on behind the
#                 VIP: whether the ICMP error came back as ECONNREFUSED
#   reuse         one GET from client port --sport, then close it the way
#                 --close says (fin: the server closes first, so only it
#                 keeps TIME-WAIT; rst: the client resets): which backend
#                 answered. Run twice with the same port to reuse it.
import argparse
import http.client
import json
import os
import random
import re
import socket
import struct
import sys
import threading
import time


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def http_get(vip, port, timeout):
    c = http.client.HTTPConnection(vip, port, timeout=timeout)
    try:
        c.request("GET", "/")
        r = c.getresponse()
        return r.read().decode().strip() if r.status == 200 else None
    finally:
        c.close()


def mode_http(a):
    counts, errors = {}, {}
    deadline = time.monotonic() + a.max_seconds
    for _ in range(a.n):
        if time.monotonic() > deadline:
            errors["deadline"] = errors.get("deadline", 0) + 1
            break
        try:
            be = http_get(a.vip, a.port, 2)
            counts[be] = counts.get(be, 0) + 1
        except OSError as e:
            k = type(e).__name__
            errors[k] = errors.get(k, 0) + 1
    return {"backends": counts, "errors": errors}


def mode_udp(a):
    counts, errors = {}, {}
    for i in range(a.n):
        with socket.socket(family(a.vip), socket.SOCK_DGRAM) as s:
            s.settimeout(1)
            try:
                s.sendto(b"q%d" % i, (a.vip, a.port))
                data, _ = s.recvfrom(2048)
                be, _, payload = data.partition(b" ")
                if payload != b"q%d" % i:
                    raise ValueError("wrong payload %r" % data)
                counts[be.decode()] = counts.get(be.decode(), 0) + 1
            except (OSError, ValueError) as e:
                k = type(e).__name__
                errors[k] = errors.get(k, 0) + 1
    return {"backends": counts, "errors": errors}


def stream(a, idx, out, start_evt):
    r = {"backend": None, "sent": 0, "received": 0, "end": "ok",
         "stalls": 0}
    out[idx] = r
    rnd = random.Random(idx)
    try:
        s = socket.create_connection((a.vip, a.port), timeout=5)
    except OSError as e:
        r["end"] = "connect: %s" % type(e).__name__
        return
    s.settimeout(a.stall)
    try:
        hello = b""
        while not hello.endswith(b"\n"):
            chunk = s.recv(64)
            if not chunk:
                raise ConnectionError("closed before greeting")
            hello += chunk
        r["backend"] = hello.decode().strip()
        start_evt.wait()
        end = time.monotonic() + a.seconds
        while time.monotonic() < end:
            data = rnd.randbytes(rnd.randint(1, 4096))
            s.sendall(data)
            r["sent"] += len(data)
            got = b""
            while len(got) < len(data):
                try:
                    chunk = s.recv(len(data) - len(got))
                except socket.timeout:
                    r["stalls"] += 1
                    if r["stalls"] * a.stall > a.max_stall:
                        raise
                    continue
                if not chunk:
                    raise ConnectionError("closed by peer")
                got += chunk
            if got != data:
                raise ValueError("echo differs")
            r["received"] += len(got)
            time.sleep(a.interval)
    except (OSError, ValueError) as e:
        r["end"] = "%s: %s" % (type(e).__name__, e)
    finally:
        s.close()


def mode_streams(a):
    out = [None] * a.n
    start_evt = threading.Event()
    ts = [threading.Thread(target=stream, args=(a, i, out, start_evt))
          for i in range(a.n)]
    for t in ts:
        t.start()
    time.sleep(0.5)
    # Tell the caller all streams are connected, so it can act on weir.
    if a.ready_file:
        with open(a.ready_file, "w") as f:
            f.write("ready\n")
    start_evt.set()
    for t in ts:
        t.join(a.seconds + a.max_stall + 30)
    ok = sum(1 for r in out if r and r["end"] == "ok")
    return {"streams": out, "ok": ok, "total": a.n}


def mode_hold(a):
    held, res = [], {"held": 0, "new_ok": 0, "new_failed": 0, "reused_ok": 0,
                     "new_errors": {}, "backends": {}}
    for _ in range(a.n):
        c = http.client.HTTPConnection(a.vip, a.port, timeout=2)
        try:
            c.request("GET", "/")
            r = c.getresponse()
            be = r.read().decode().strip()
            res["backends"][be] = res["backends"].get(be, 0) + 1
            held.append(c)
        except OSError:
            c.close()
    res["held"] = len(held)
    for _ in range(a.m):
        try:
            http_get(a.vip, a.port, 1)
            res["new_ok"] += 1
        except OSError as e:
            res["new_failed"] += 1
            k = type(e).__name__
            res["new_errors"][k] = res["new_errors"].get(k, 0) + 1
    for c in held:
        try:
            c.request("GET", "/")
            c.getresponse().read()
            res["reused_ok"] += 1
        except OSError:
            pass
        c.close()
    return res


def mode_refused(a):
    with socket.socket(family(a.vip), socket.SOCK_DGRAM) as s:
        s.settimeout(2)
        s.connect((a.vip, a.port))
        s.send(b"anyone?")
        try:
            s.recv(100)
            return {"refused": False, "why": "answered"}
        except ConnectionRefusedError:
            return {"refused": True}
        except socket.timeout:
            return {"refused": False, "why": "timeout"}


def mode_reuse(a):
    s = socket.socket(family(a.vip), socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.settimeout(3)
    conn = b"close" if a.close == "fin" else b"keep-alive"
    try:
        s.bind(("", a.sport))
        s.connect((a.vip, a.port))
        s.sendall(b"GET / HTTP/1.1\r\nHost: weir\r\nConnection: " + conn +
                  b"\r\n\r\n")
        got = b""
        while not re.search(rb"\r\n\r\n[^\n]*\n", got):
            chunk = s.recv(4096)
            if not chunk:
                break
            got += chunk
        m = re.search(rb"X-Backend: (\S+)", got)
        if m is None:
            return {"backend": None, "error": "no answer: %r" % got[:80]}
        if a.close == "fin":
            while s.recv(4096):
                pass
        else:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                         struct.pack("ii", 1, 0))
        return {"backend": m.group(1).decode(), "error": None}
    except OSError as e:
        return {"backend": None, "error": "%s: %s" % (type(e).__name__, e)}
    finally:
        s.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["http", "udp", "streams", "hold",
                                     "refused", "reuse"])
    ap.add_argument("n", type=int, nargs="?", default=1)
    ap.add_argument("m", type=float, nargs="?", default=0)
    ap.add_argument("--vip", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--interval", type=float, default=0.05,
                    help="s between stream chunks")
    ap.add_argument("--stall", type=float, default=0.5,
                    help="s a stream read waits before counting a stall")
    ap.add_argument("--max-stall", type=float, default=20,
                    help="s of stalls before a stream gives up")
    ap.add_argument("--max-seconds", type=float, default=120)
    ap.add_argument("--ready-file")
    ap.add_argument("--sport", type=int, default=0)
    ap.add_argument("--close", choices=["fin", "rst"], default="fin")
    a = ap.parse_args()
    a.seconds = a.m
    a.m = int(a.m)
    r = {"http": mode_http, "udp": mode_udp, "streams": mode_streams,
         "hold": mode_hold, "refused": mode_refused,
         "reuse": mode_reuse}[a.mode](a)
    json.dump(r, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
