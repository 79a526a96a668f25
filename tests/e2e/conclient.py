#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
#
# Minimal console client for the end-to-end tests: send one line to weir's
# unix socket (or "tcp:HOST:PORT"), print the reply up to the empty line
# that ends it. Exit 1 if a reply line starts with "error: ". Also the
# robustness modes: "junk" sends binary bytes, "long" an over-long line,
# "halfclose" a line without newline followed by a write shutdown.
import socket
import sys


def connect(where):
    if where.startswith("tcp:"):
        host, port = where[4:].rsplit(":", 1)
        return socket.create_connection((host.strip("[]"), int(port)), 5)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(where)
    return s


def reply(s):
    data = b""
    while b"\n\n" not in data and not data.endswith(b"\n\n"):
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
        if data == b"\n":
            break
    return data.decode(errors="replace")


def main():
    where, mode = sys.argv[1], sys.argv[2]
    s = connect(where)
    if mode == "junk":
        s.sendall(bytes(range(1, 32)) + b"\xff\xfe show info\n")
    elif mode == "long":
        s.sendall(b"x" * 5000 + b"\n")
    elif mode == "halfclose":
        s.sendall(sys.argv[3].encode())
        s.shutdown(socket.SHUT_WR)
    else:
        s.sendall((" ".join(sys.argv[2:]) + "\n").encode())
    out = reply(s)
    if mode == "long":
        # The connection must still work after the error.
        s.sendall(b"show info\n")
        out += reply(s)
    s.close()
    sys.stdout.write(out)
    return 1 if any(l.startswith("error: ") for l in out.splitlines()) else 0


if __name__ == "__main__":
    sys.exit(main())
