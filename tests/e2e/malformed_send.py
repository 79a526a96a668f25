#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
#
# Send COUNT copies of one frame per kind of bad packet to weir and print,
# as JSON, the counter each kind must move by COUNT. Run inside the client
# namespace. Frames are built with scapy and then broken on purpose; each
# is the smallest lie that trips exactly one check. Kinds this test bed
# cannot deliver are covered by the parser's unit tests instead: the kernel
# pads frames under 14 bytes and drops a VLAN tag cut short before
# af_packet sees them, af_packet reassembles IP fragments in the kernel
# (PACKET_FANOUT_FLAG_DEFRAG) so weir never sees one, and veth reports no
# receive checksum verdicts.
import argparse
import json
import sys

from scapy.all import (ARP, ICMP, IP, TCP, UDP, Dot1Q, Ether, ICMPv6EchoRequest,
                       ICMPv6ND_NS, IPv6, IPv6ExtHdrDestOpt, Raw, conf, sendp)


def frames(eth, eth_other, src4, dst4, src6, dst6):
    ip = IP(src=src4, dst=dst4)
    ip6 = IPv6(src=src6, dst=dst6)
    echo = bytes(ip / ICMP(type=8, id=7, seq=1) / (b"x" * 16))
    echo6 = bytes(ip6 / ICMPv6EchoRequest(id=7, seq=1))

    def raw(l3, etype=0x0800):
        return Ether(dst=eth.dst, src=eth.src, type=etype) / Raw(l3)

    def patch(b, off, val):
        b = bytearray(b)
        b[off] = val
        return bytes(b)

    f = {}
    f["drop_vlan_nested"] = eth / Dot1Q(vlan=10) / Dot1Q(vlan=20, type=0x0800) / Raw(echo)
    f["drop_ethertype_unsupported"] = Ether(dst=eth.dst, src=eth.src, type=0x88b5) / Raw(b"y" * 46)
    f["drop_arp_truncated"] = raw(bytes(ARP(psrc=src4, pdst=dst4))[:20], 0x0806)
    f["drop_arp_format"] = raw(patch(bytes(ARP(psrc=src4, pdst=dst4)), 1, 6), 0x0806)
    f["drop_ip4_truncated"] = raw(echo[:12])
    f["drop_ip4_version"] = raw(patch(echo, 0, 0x65))
    f["drop_ip4_bad_ihl"] = raw(patch(echo, 0, 0x44))
    f["drop_ip4_bad_length"] = raw(bytes(IP(src=src4, dst=dst4, len=1000) / ICMP() / (b"x" * 8)))
    f["drop_ip4_bad_checksum"] = raw(bytes(IP(src=src4, dst=dst4, chksum=0x1234) / ICMP()))
    f["drop_ip6_truncated"] = raw(echo6[:30], 0x86DD)
    f["drop_ip6_version"] = raw(patch(echo6, 0, 0x40), 0x86DD)
    f["drop_ip6_bad_length"] = raw(bytes(IPv6(src=src6, dst=dst6, plen=500) / ICMPv6EchoRequest()), 0x86DD)
    f["drop_ip6_ext_truncated"] = raw(bytes(IPv6(src=src6, dst=dst6, nh=60, plen=4)) + b"\x3a\x00\x00\x00", 0x86DD)
    chain = IPv6ExtHdrDestOpt()
    for _ in range(8):
        chain = chain / IPv6ExtHdrDestOpt()
    f["drop_ip6_too_many_ext"] = eth / ip6 / chain / ICMPv6EchoRequest()
    f["drop_tcp_truncated"] = raw(bytes(IP(src=src4, dst=dst4, proto=6) / Raw(b"\x00" * 10)))
    f["drop_tcp_bad_offset"] = raw(bytes(IP(src=src4, dst=dst4) / TCP(dport=80, dataofs=3)))
    f["drop_udp_truncated"] = raw(bytes(IP(src=src4, dst=dst4, proto=17) / Raw(b"\x00" * 4)))
    f["drop_udp_bad_length"] = raw(bytes(IP(src=src4, dst=dst4) / UDP(dport=53, len=100) / (b"z" * 4)))
    f["drop_icmp_truncated"] = raw(bytes(IP(src=src4, dst=dst4, proto=1) / Raw(b"\x08\x00\x00\x00")))
    f["drop_icmp6_truncated"] = raw(bytes(IPv6(src=src6, dst=dst6, nh=58) / Raw(b"\x80\x00")), 0x86DD)
    # Well-formed, but not weir's to answer.
    f["drop_other_host"] = eth_other / IP(src=src4, dst=dst4) / ICMP()
    f["drop_vlan"] = eth / Dot1Q(vlan=5, type=0x0800) / Raw(echo)
    f["drop_not_local"] = eth / IP(src=src4, dst="198.18.0.77") / ICMP()
    f["drop_local_proto"] = eth / IP(src=src4, dst=dst4, proto=47) / Raw(b"\0" * 8)
    # TCP to weir's own address can only be a reply to a session.
    f["drop_no_session_reply"] = eth / ip / TCP(dport=80, flags="S")
    f["drop_martian"] = eth / IP(src="224.0.0.5", dst=dst4) / ICMP()
    # Reach the management thread, which refuses them.
    f["icmp_bad_csum"] = eth / IP(src=src4, dst=dst4) / ICMP(chksum=0xdead)
    f["nd_invalid"] = eth / IPv6(src=src6, dst=dst6, hlim=64) / ICMPv6ND_NS(tgt=dst6)
    f["icmp_ignored"] = eth / IP(src=src4, dst=dst4) / ICMP(type=13)
    return f


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--iface", required=True)
    ap.add_argument("--src-mac", required=True)
    ap.add_argument("--dst-mac", required=True)
    ap.add_argument("--src4", required=True)
    ap.add_argument("--dst4", required=True)
    ap.add_argument("--src6", required=True)
    ap.add_argument("--dst6", required=True)
    ap.add_argument("--count", type=int, default=25)
    ap.add_argument("--list", action="store_true",
                    help="print the expected counters and send nothing")
    a = ap.parse_args()
    conf.verb = 0
    eth = Ether(src=a.src_mac, dst=a.dst_mac)
    other = Ether(src=a.src_mac, dst="02:00:00:00:00:99")
    f = frames(eth, other, a.src4, a.dst4, a.src6, a.dst6)
    if not a.list:
        burst = [fr for fr in f.values() for _ in range(a.count)]
        sendp(burst, iface=a.iface, verbose=False)
    json.dump({k: a.count for k in f}, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
