#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
#
# pcapgen - write the captures tools/bench replays: FLOWS client flows to a
# VIP, one minimal packet each (64-byte frames on the wire for IPv4, i.e.
# 60 bytes without the FCS), every flow with its own source address and
# port, so each pass shows the session table and the hash FLOWS distinct
# flows. Packets are built from bytes with their checksums computed here
# (a per-packet scapy build takes a minute for 64 k flows; this takes a
# second). Addresses come from 198.18.0.0/15 and 2001:2::/48 only.
#
# new4 is FLOWS new TCP flows, each a SYN and, NEW_LAG packets later, the
# client's RST; with the service's close_s = 0 weir frees a reset session
# within a quarter second, before the looping capture brings the flow's
# SYN again (tools/bench/bench makes FLOWS large enough for that), so
# every SYN meets no session and makes one: Maglev, a local port, an
# insert. Its clients (198.19.128.0/17) and its service (port 443) are its
# own, so that in mix its sessions never take a local port a tcp4 session
# would have had.
#
# reply4 and mix carry the backends' replies, to the local port weir chose
# for each flow. That choice is weir's (a hash of the client's flow, seeded
# by hash_seed, probed forward on collision), so it is not recomputed here:
# it is read from SESSIONS.json, the sessions weir made of the tcp4 capture
# (`show sessions tcp4 FLOWS -j`). The tcp4 packets of reply4 and mix are
# the tcp4 capture's, in the same order, so a fresh weir makes the same
# sessions of them on its first pass and the replies find them.
#
# usage: pcapgen.py SCENARIO FLOWS OUT.pcap DST_MAC [SESSIONS.json]
#   SCENARIO: tcp4 (ACKs: established after the first pass), udp4, tcp6,
#   new4 (FLOWS SYNs, each flow's RST NEW_LAG packets later), reply4 (the
#   tcp4 ACKs, then 3
#   replies per flow), mix (per flow: tcp4 ACK, its reply, udp4, tcp6; and
#   for 1 flow in 8 a new4 SYN, its RST half a capture later). reply4 and
#   mix need SESSIONS.json.
import ipaddress
import json
import random
import struct
import sys

VIP4 = ipaddress.ip_address("198.19.0.10").packed
VIP6 = ipaddress.ip_address("2001:2:0:100::10").packed
SRC_MAC = bytes.fromhex("0200000000aa")
BE_MAC = bytes.fromhex("0200000000bb")	# replies: any unicast source MAC
TCP_ACK, TCP_SYN, TCP_RST = 0x10, 0x02, 0x04
NEW_PORT = 443		# new4's service (tools/bench/bench)
NEW_LAG = 1024		# new4: SYNs between a flow's SYN and its RST
REPLIES = 3		# reply4: replies per client packet


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def tcp(sport, dport, seq=1, ack=1, flags=TCP_ACK, opts=b""):
    return struct.pack("!HHIIBBHHH", sport, dport, seq, ack,
                       (5 + len(opts) // 4) << 4, flags,
                       65535 if flags & TCP_ACK else 64240, 0, 0) + opts


def udp(sport, dport):
    return struct.pack("!HHHH", sport, dport, 8 + 18, 0) + b"\0" * 18


def with_csum(seg, proto, pseudo):
    c = csum(pseudo + seg)
    off = 16 if proto == 6 else 6
    return seg[:off] + struct.pack("!H", c or 0xffff) + seg[off + 2:]


def frame4(mac, src_mac, src, dst, proto, seg, ident):
    pseudo = src + dst + struct.pack("!xBH", proto, len(seg))
    seg = with_csum(seg, proto, pseudo)
    hdr = struct.pack("!BBHHHBBH", 0x45, 0, 20 + len(seg), ident & 0xffff, 0,
                      64, proto, 0) + src + dst
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    f = mac + src_mac + b"\x08\x00" + hdr + seg
    return f + b"\0" * max(0, 60 - len(f))


def frame6(mac, src_mac, src, dst, proto, seg):
    pseudo = src + dst + struct.pack("!IxxxB", len(seg), proto)
    seg = with_csum(seg, proto, pseudo)
    ip = struct.pack("!IHBB", 6 << 28, len(seg), proto, 64) + src + dst
    return mac + src_mac + b"\x86\xdd" + ip + seg


def client4(i):		# tcp4 and udp4 flow i (15 bits: i and i + 32768 share)
    return bytes([198, 18, 128 + (i >> 8 & 0x7f), i & 0xff])


def client6(i):
    return ipaddress.ip_address("2001:2:0:1::%x:%x" %
                                (i >> 16, i & 0xffff)).packed


def new_client4(j):	# new4 flow j
    return bytes([198, 19, 128 + (j >> 8 & 0x7f), j & 0xff])


def packet(scen, i, sport, mac):
    """Flow i's packet of the tcp4, udp4 or tcp6 capture."""
    if scen == "tcp6":
        return frame6(mac, SRC_MAC, client6(i), VIP6, 6, tcp(sport, 80))
    if scen == "udp4":
        return frame4(mac, SRC_MAC, client4(i), VIP4, 17, udp(sport, 53), i)
    return frame4(mac, SRC_MAC, client4(i), VIP4, 6, tcp(sport, 80), i)


def syn(j, sport, mac):
    """A new flow's SYN: no payload, an MSS option as a real client sends."""
    mss = struct.pack("!BBH", 2, 4, 1460)
    return frame4(mac, SRC_MAC, new_client4(j), VIP4, 6,
                  tcp(sport, NEW_PORT, isn(j), 0, TCP_SYN, mss), j)


def rst(j, sport, mac):
    """The client gives the flow up: RST, sequence number after its SYN."""
    return frame4(mac, SRC_MAC, new_client4(j), VIP4, 6,
                  tcp(sport, NEW_PORT, isn(j) + 1, 0, TCP_RST), j)


def isn(j):
    return (j * 2654435761) & 0x7fffffff


def reply(sess, i, mac):
    """Backend -> local address: the reply to tcp4 flow i's session."""
    local, lport, be, bport = sess
    return frame4(mac, BE_MAC, be, local, 6, tcp(bport, lport), i)


def sports(n, seed, disjoint=False):
    """Client ports. disjoint: flows sharing an address (every 32768th)
    get ports from disjoint ranges, so no two flows are one 5-tuple."""
    rnd = random.Random(seed)
    if not disjoint:
        return [1024 + rnd.randrange(64000) for _ in range(n)]
    span = 64000 // (((n - 1) >> 15) + 1)
    return [1024 + (j >> 15) * span + rnd.randrange(span) for j in range(n)]


def learned(path, n, sp):
    """tcp4 flow i -> (local, local port, backend, backend port)."""
    by_cli = {}
    for s in json.load(open(path))["sessions"]:
        if s["protocol"] == "tcp" and s["vip_port"] == 80 and "." in s["vip"]:
            by_cli[(s["client"], s["client_port"])] = (
                ipaddress.ip_address(s["local"]).packed, s["local_port"],
                ipaddress.ip_address(s["backend"]).packed, s["backend_port"])
    out, missing = [], 0
    for i in range(n):
        k = (str(ipaddress.ip_address(client4(i))), sp[i])
        out.append(by_cli.get(k))
        missing += out[-1] is None
    if missing:
        sys.exit("pcapgen: %d of %d tcp4 flows have no session in %s (a "
                 "truncated dump?)" % (missing, n, path))
    return out


def main():
    if len(sys.argv) not in (5, 6):
        sys.exit("usage: pcapgen.py SCENARIO FLOWS OUT.pcap DST_MAC "
                 "[SESSIONS.json]")
    scen, n, out, mac = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    mac = bytes.fromhex(mac.replace(":", ""))
    # One port per flow, the same in tcp4, udp4, tcp6, reply4 and mix.
    sp = sports(n, 42, True)
    if scen in ("reply4", "mix"):
        if len(sys.argv) != 6:
            sys.exit("pcapgen: %s needs SESSIONS.json" % scen)
        sess = learned(sys.argv[5], n, sp)
    pkts = []
    if scen in ("tcp4", "udp4", "tcp6"):
        pkts = [packet(scen, i, sp[i], mac) for i in range(n)]
    elif scen == "new4":
        # Half-open sessions stay at NEW_LAG, as with clients that give
        # up quickly; the first pass's first RSTs find no session.
        nsp = sports(n, 43, True)
        for j in range(n):
            k = (j - NEW_LAG) % n
            pkts += [syn(j, nsp[j], mac), rst(k, nsp[k], mac)]
    elif scen == "reply4":
        # After the first pass 3 packets in 4 are replies.
        pkts = [packet("tcp4", i, sp[i], mac) for i in range(n)]
        for _ in range(REPLIES):
            pkts += [reply(sess[i], i, mac) for i in range(n)]
    elif scen == "mix":
        # New flow j opens in group 8j and is reset n/2 groups later (for
        # the second half, early in the next pass: on the very first pass
        # those RSTs find no session and are dropped, drop_no_session).
        nnew = (n + 7) // 8
        nsp = sports(nnew, 43, True)
        rsts = {}
        for j in range(nnew):
            rsts.setdefault((8 * j + n // 2) % n, []).append(j)
        for i in range(n):
            pkts += [packet("tcp4", i, sp[i], mac), reply(sess[i], i, mac),
                     packet("udp4", i, sp[i], mac),
                     packet("tcp6", i, sp[i], mac)]
            if i % 8 == 0:
                pkts.append(syn(i // 8, nsp[i // 8], mac))
            pkts += [rst(j, nsp[j], mac) for j in rsts.get(i, ())]
    else:
        sys.exit("pcapgen: unknown scenario '%s'" % scen)
    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for p in pkts:
            f.write(struct.pack("<IIII", 0, 0, len(p), len(p)) + p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
