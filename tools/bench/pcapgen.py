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
# usage: pcapgen.py SCENARIO FLOWS OUT.pcap DST_MAC
#   SCENARIO: tcp4 (ACKs: established after the first pass), udp4, tcp6
import ipaddress
import random
import struct
import sys

VIP4 = ipaddress.ip_address("198.19.0.10").packed
VIP6 = ipaddress.ip_address("2001:2:0:100::10").packed
SRC_MAC = bytes.fromhex("0200000000aa")


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def l4(proto, sport, dport):
    if proto == 6:	# TCP ACK, no options
        return struct.pack("!HHIIBBHHH", sport, dport, 1, 1, 5 << 4, 0x10,
                           65535, 0, 0)
    return struct.pack("!HHHH", sport, dport, 8 + 18, 0) + b"\0" * 18


def with_csum(seg, proto, pseudo):
    c = csum(pseudo + seg)
    off = 16 if proto == 6 else 6
    return seg[:off] + struct.pack("!H", c or 0xffff) + seg[off + 2:]


def packet(scen, i, sport, mac):
    if scen == "tcp6":
        src = ipaddress.ip_address("2001:2:0:1::%x:%x" % (i >> 16, i & 0xffff)).packed
        seg = l4(6, sport, 80)
        pseudo = src + VIP6 + struct.pack("!IxxxB", len(seg), 6)
        seg = with_csum(seg, 6, pseudo)
        ip = struct.pack("!IHBB", 6 << 28, len(seg), 6, 64) + src + VIP6
        frame = mac + SRC_MAC + b"\x86\xdd" + ip + seg
    else:
        proto = 17 if scen == "udp4" else 6
        src = bytes([198, 18, 128 + (i >> 8 & 0x7f), i & 0xff])
        seg = l4(proto, sport, 53 if proto == 17 else 80)
        pseudo = src + VIP4 + struct.pack("!xBH", proto, len(seg))
        seg = with_csum(seg, proto, pseudo)
        hdr = struct.pack("!BBHHHBBH", 0x45, 0, 20 + len(seg), i & 0xffff, 0,
                          64, proto, 0) + src + VIP4
        hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
        frame = mac + SRC_MAC + b"\x08\x00" + hdr + seg
    return frame + b"\0" * max(0, 60 - len(frame))


def main():
    scen, n, out, mac = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    mac = bytes.fromhex(mac.replace(":", ""))
    rnd = random.Random(42)
    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i in range(n):
            p = packet(scen, i, 1024 + rnd.randrange(64000), mac)
            f.write(struct.pack("<IIII", 0, 0, len(p), len(p)) + p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
