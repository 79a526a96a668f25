/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packet metadata and drop reasons. The parser fills one struct pkt_meta per
 * packet; everything after it (classification, NAT, counters) reads offsets
 * from the meta instead of walking headers again. Drop reasons are an X-macro
 * so that the enum, the counter names and their help text cannot drift.
 */
#ifndef PKT_TYPES_H
#define PKT_TYPES_H

#include <stdint.h>

/*
 * X(enum suffix, counter name, what it means). PKT_OK is not a drop.
 */
#define PKT_DROPS(X)                                                           \
	X(ETH_TRUNC, "eth_truncated", "frame shorter than an Ethernet header") \
	X(VLAN_TRUNC, "vlan_truncated", "802.1Q tag cut short")                \
	X(VLAN_NESTED, "vlan_nested",                                          \
		"more than one VLAN tag (QinQ is not handled)")                \
	X(ETHERTYPE, "ethertype_unsupported",                                  \
		"EtherType other than IPv4, IPv6 or ARP")                      \
	X(ARP_TRUNC, "arp_truncated", "ARP packet cut short")                  \
	X(ARP_FORMAT, "arp_format",                                            \
		"ARP for a hardware or protocol other than Ethernet/IPv4")     \
	X(IP4_TRUNC, "ip4_truncated", "IPv4 header cut short")                 \
	X(IP4_VERSION, "ip4_version", "IPv4 EtherType, version not 4")         \
	X(IP4_IHL, "ip4_bad_ihl",                                              \
		"IPv4 header length below 20 bytes or past the frame")         \
	X(IP4_LEN, "ip4_bad_length",                                           \
		"IPv4 total length below the header or past the frame")        \
	X(IP4_CSUM, "ip4_bad_checksum", "IPv4 header checksum wrong")          \
	X(IP6_TRUNC, "ip6_truncated", "IPv6 header cut short")                 \
	X(IP6_VERSION, "ip6_version", "IPv6 EtherType, version not 6")         \
	X(IP6_LEN, "ip6_bad_length", "IPv6 payload length past the frame")     \
	X(IP6_EXT_TRUNC, "ip6_ext_truncated",                                  \
		"IPv6 extension header past the payload")                      \
	X(IP6_EXT_LIMIT, "ip6_too_many_ext",                                   \
		"more IPv6 extension headers than PKT_IP6_EXT_MAX")            \
	X(TCP_TRUNC, "tcp_truncated", "TCP header cut short")                  \
	X(TCP_DOFF, "tcp_bad_offset",                                          \
		"TCP data offset below 20 bytes or past the segment")          \
	X(UDP_TRUNC, "udp_truncated", "UDP header cut short")                  \
	X(UDP_LEN, "udp_bad_length",                                           \
		"UDP length below 8 or not matching the IP payload")           \
	X(ICMP_TRUNC, "icmp_truncated", "ICMP header cut short")               \
	X(ICMP6_TRUNC, "icmp6_truncated", "ICMPv6 header cut short")           \
	X(L4_CSUM, "l4_bad_checksum",                                          \
		"TCP/UDP checksum reported bad by the port")

enum pkt_drop {
	PKT_OK = 0,
#define PKT_DROP_ENUM(e, name, help) PKT_DROP_##e,
	PKT_DROPS(PKT_DROP_ENUM)
#undef PKT_DROP_ENUM
	PKT_DROP_COUNT
};

/* Network layer found by the parser. */
enum pkt_l3 {
	PKT_L3_NONE = 0,
	PKT_L3_ARP,
	PKT_L3_IPV4,
	PKT_L3_IPV6,
};

/* Flags in pkt_meta.flags. */
#define PKT_F_VLAN 0x01	      /* one 802.1Q tag was present (vlan_tci) */
#define PKT_F_L2_BCAST 0x02   /* destination MAC is ff:ff:ff:ff:ff:ff */
#define PKT_F_L2_MCAST 0x04   /* destination MAC is a group address */
#define PKT_F_FRAG 0x08	      /* IP fragment (MF set or offset != 0) */
#define PKT_F_FRAG_LATER 0x10 /* non-first fragment: no L4 header here */
#define PKT_F_IP4_OPTS 0x20   /* IPv4 header carries options */
#define PKT_F_IP6_EXT 0x40    /* IPv6 extension headers were walked */

/*
 * Bound on the IPv6 extension header walk, in headers. RFC 8200 allows a
 * chain of any length; real traffic carries at most two or three, and an
 * unbounded walk lets one packet burn a worker's cycles.
 */
#define PKT_IP6_EXT_MAX 8

/* Receive checksum verdicts from the port, passed in by the caller. */
#define PKT_RX_IP4_CSUM_GOOD 0x1 /* skip the software IPv4 check */
#define PKT_RX_IP4_CSUM_BAD 0x2
#define PKT_RX_L4_CSUM_BAD 0x4

/*
 * What one packet is, in 22 bytes. Offsets are in bytes from the start of
 * the frame; ports are in network order so they can be compared and hashed
 * without swapping.
 */
struct pkt_meta {
	uint16_t l3_off;    /* bytes: start of the ARP/IP header */
	uint16_t l4_off;    /* bytes: start of the L4 header, 0 if none */
	uint16_t l3_len;    /* bytes: IP datagram per its header, no padding */
	uint16_t l4_len;    /* bytes: L4 header + payload per the IP header */
	uint16_t vlan_tci;  /* host order, valid with PKT_F_VLAN */
	uint16_t ethertype; /* host order, after the VLAN tag */
	uint8_t l3;	    /* enum pkt_l3 */
	uint8_t l4_proto;   /* IPPROTO_* after IPv6 extension headers */
	uint8_t flags;	    /* PKT_F_* */
	uint8_t nb_ext;	    /* IPv6 extension headers walked */
	uint16_t sport;	    /* network order; ICMP echo: identifier */
	uint16_t dport;	    /* network order; 0 for ICMP */
	uint8_t icmp_type;  /* ICMP/ICMPv6 type, when l4_proto is ICMP */
	uint8_t icmp_code;  /* ICMP/ICMPv6 code */
};

#endif /* PKT_TYPES_H */
