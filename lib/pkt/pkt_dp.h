/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The packet parser, inline for the worker loop. It walks Ethernet, one
 * 802.1Q tag, ARP, IPv4 (options, fragments), IPv6 (extension headers, at
 * most PKT_IP6_EXT_MAX of them), TCP, UDP, ICMP and ICMPv6, and fills a
 * struct pkt_meta. Every read is checked against the length it is given, so
 * a truncated or lying header yields a drop reason, never an out-of-bounds
 * read.
 *
 * It parses a flat buffer rather than an mbuf so that unit tests feed it
 * bytes without an EAL; pkt_parse_mbuf() is the worker's entry point and
 * looks only at the first segment: headers that straddle segments count as
 * truncated, which no PMD weir supports produces for headers under 2 KB.
 *
 * Context: worker (and any thread); no state, no allocation.
 */
#ifndef PKT_DP_H
#define PKT_DP_H

#include <assert.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <netinet/in.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "pkt_types.h"

static_assert(sizeof(struct pkt_meta) <= 24, "pkt_meta grew");

#define PKT_ETH_HLEN 14	    /* bytes */
#define PKT_VLAN_HLEN 4	    /* bytes */
#define PKT_ARP_LEN 28	    /* bytes: Ethernet/IPv4 ARP body */
#define PKT_IP4_HLEN_MIN 20 /* bytes */
#define PKT_IP6_HLEN 40	    /* bytes */
#define PKT_TCP_HLEN_MIN 20 /* bytes */
#define PKT_UDP_HLEN 8	    /* bytes */
#define PKT_ICMP_HLEN 8	    /* bytes: type, code, checksum, id, seq */
#define PKT_ICMP6_HLEN 4    /* bytes: type, code, checksum */

static inline uint16_t
pkt_rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Parse L4 at 'off' with 'len' bytes of L4 header + payload available. */
static inline enum pkt_drop
pkt_parse_l4(
	const uint8_t *data, uint32_t off, uint32_t len, struct pkt_meta *m)
{
	const uint8_t *l4 = data + off;

	m->l4_off = (uint16_t)off;
	m->l4_len = (uint16_t)len;
	switch (m->l4_proto) {
	case IPPROTO_TCP: {
		uint32_t doff;

		if (len < PKT_TCP_HLEN_MIN)
			return PKT_DROP_TCP_TRUNC;
		doff = (uint32_t)(l4[12] >> 4) * 4;
		if (doff < PKT_TCP_HLEN_MIN || doff > len)
			return PKT_DROP_TCP_DOFF;
		memcpy(&m->sport, l4, 2);
		memcpy(&m->dport, l4 + 2, 2);
		return PKT_OK;
	}
	case IPPROTO_UDP: {
		uint32_t ulen;

		if (len < PKT_UDP_HLEN)
			return PKT_DROP_UDP_TRUNC;
		/*
		 * The UDP length must match the IP payload: a shorter one
		 * would hide trailing bytes that NAT would carry blindly, a
		 * longer one reads past the datagram. A first fragment (later
		 * ones never get here) carries only the start of the datagram
		 * its UDP length describes, so there it may only be longer.
		 */
		ulen = pkt_rd16(l4 + 4);
		if (ulen < PKT_UDP_HLEN ||
			((m->flags & PKT_F_FRAG) ? ulen < len : ulen != len))
			return PKT_DROP_UDP_LEN;
		memcpy(&m->sport, l4, 2);
		memcpy(&m->dport, l4 + 2, 2);
		return PKT_OK;
	}
	case IPPROTO_ICMP:
		if (len < PKT_ICMP_HLEN)
			return PKT_DROP_ICMP_TRUNC;
		m->icmp_type = l4[0];
		m->icmp_code = l4[1];
		memcpy(&m->sport, l4 + 4, 2);
		return PKT_OK;
	case IPPROTO_ICMPV6:
		if (len < PKT_ICMP6_HLEN)
			return PKT_DROP_ICMP6_TRUNC;
		m->icmp_type = l4[0];
		m->icmp_code = l4[1];
		if (len >= 8)
			memcpy(&m->sport, l4 + 4, 2);
		return PKT_OK;
	default:
		/* Other protocols pass; classification decides. */
		return PKT_OK;
	}
}

/*
 * @return true if the IPv4 header 'ip' of 'ihl' bytes (a multiple of 4,
 * 20 to 60) sums to all ones. 32-bit words into a 64-bit sum, folded at
 * the end: the one's complement sum does not depend on the byte order it
 * is taken in, and all ones reads the same both ways. A fifth of the
 * instructions of rte_raw_cksum(), whose 16-bit loop serves any length.
 */
static inline bool
pkt_ip4_csum_ok(const uint8_t *ip, uint32_t ihl)
{
	uint64_t sum = 0;
	uint32_t i, w;

	for (i = 0; i < ihl; i += 4) {
		memcpy(&w, ip + i, 4);
		sum += w;
	}
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

static inline enum pkt_drop
pkt_parse_ip4(const uint8_t *data, uint32_t off, uint32_t len,
	uint32_t rx_flags, struct pkt_meta *m)
{
	const uint8_t *ip = data + off;
	uint32_t avail = len - off, ihl, tot, frag;

	if (avail < PKT_IP4_HLEN_MIN)
		return PKT_DROP_IP4_TRUNC;
	if ((ip[0] >> 4) != 4)
		return PKT_DROP_IP4_VERSION;
	ihl = (uint32_t)(ip[0] & 0xf) * 4;
	if (ihl < PKT_IP4_HLEN_MIN || ihl > avail)
		return PKT_DROP_IP4_IHL;
	tot = pkt_rd16(ip + 2);
	/* Frames may carry padding past the datagram, never less. */
	if (tot < ihl || tot > avail)
		return PKT_DROP_IP4_LEN;
	if (rx_flags & PKT_RX_IP4_CSUM_BAD)
		return PKT_DROP_IP4_CSUM;
	if (!(rx_flags & PKT_RX_IP4_CSUM_GOOD) && !pkt_ip4_csum_ok(ip, ihl))
		return PKT_DROP_IP4_CSUM;
	if (ihl > PKT_IP4_HLEN_MIN)
		m->flags |= PKT_F_IP4_OPTS;
	m->l3 = PKT_L3_IPV4;
	m->l3_len = (uint16_t)tot;
	m->l4_proto = ip[9];
	frag = pkt_rd16(ip + 6);
	if (frag & (RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)) {
		m->flags |= PKT_F_FRAG;
		if (frag & RTE_IPV4_HDR_OFFSET_MASK) {
			m->flags |= PKT_F_FRAG_LATER;
			return PKT_OK;
		}
	}
	return pkt_parse_l4(data, off + ihl, tot - ihl, m);
}

static inline bool
pkt_ip6_is_ext(uint8_t nh)
{
	switch (nh) {
	case IPPROTO_HOPOPTS:
	case IPPROTO_ROUTING:
	case IPPROTO_FRAGMENT:
	case IPPROTO_DSTOPTS:
	case IPPROTO_AH:
	case 135: /* Mobility header, RFC 6275 */
	case 139: /* HIP, RFC 7401 */
	case 140: /* Shim6, RFC 5533 */
		return true;
	default:
		return false;
	}
}

static inline enum pkt_drop
pkt_parse_ip6(
	const uint8_t *data, uint32_t off, uint32_t len, struct pkt_meta *m)
{
	const uint8_t *ip = data + off;
	uint32_t avail = len - off, plen, pos, end;
	uint8_t nh;

	if (avail < PKT_IP6_HLEN)
		return PKT_DROP_IP6_TRUNC;
	if ((ip[0] >> 4) != 6)
		return PKT_DROP_IP6_VERSION;
	plen = pkt_rd16(ip + 4);
	if (plen > avail - PKT_IP6_HLEN)
		return PKT_DROP_IP6_LEN;
	m->l3 = PKT_L3_IPV6;
	m->l3_len = (uint16_t)(PKT_IP6_HLEN + plen);
	nh = ip[6];
	pos = off + PKT_IP6_HLEN;
	end = pos + plen;
	while (pkt_ip6_is_ext(nh)) {
		uint32_t hlen;

		if (m->nb_ext == PKT_IP6_EXT_MAX)
			return PKT_DROP_IP6_EXT_LIMIT;
		if (end - pos < 8)
			return PKT_DROP_IP6_EXT_TRUNC;
		if (nh == IPPROTO_FRAGMENT) {
			uint16_t fo = pkt_rd16(data + pos + 2);

			hlen = 8;
			/*
			 * Offset 0 with M clear is an atomic fragment: a whole
			 * datagram, processed as one (RFC 6946).
			 */
			if (fo & 0xfff9)
				m->flags |= PKT_F_FRAG;
			if (fo & 0xfff8)
				m->flags |= PKT_F_FRAG_LATER;
		} else if (nh == IPPROTO_AH) {
			/* AH counts its length in 4-byte units, minus 2. */
			hlen = ((uint32_t)data[pos + 1] + 2) * 4;
		} else {
			hlen = ((uint32_t)data[pos + 1] + 1) * 8;
		}
		if (hlen > end - pos)
			return PKT_DROP_IP6_EXT_TRUNC;
		nh = data[pos];
		pos += hlen;
		m->nb_ext++;
		m->flags |= PKT_F_IP6_EXT;
		if (m->flags & PKT_F_FRAG_LATER)
			break;
	}
	m->l4_proto = nh;
	if (m->flags & PKT_F_FRAG_LATER)
		return PKT_OK;
	return pkt_parse_l4(data, pos, end - pos, m);
}

/**
 * Parse one frame.
 *
 * @param data
 *   First byte of the Ethernet header.
 * @param len
 *   Bytes readable at 'data'.
 * @param rx_flags
 *   PKT_RX_* checksum verdicts from the port, 0 if it gave none.
 * @param m
 *   Filled on return; fields past the failing layer are unspecified.
 * @return
 *   PKT_OK, or the reason to drop the packet.
 */
static inline enum pkt_drop
pkt_parse(const uint8_t *data, uint32_t len, uint32_t rx_flags,
	struct pkt_meta *m)
{
	uint32_t off = PKT_ETH_HLEN;
	uint16_t et;
	enum pkt_drop r;

	*m = (struct pkt_meta){ 0 };
	if (len < PKT_ETH_HLEN)
		return PKT_DROP_ETH_TRUNC;
	if (data[0] & 1)
		m->flags |= (data[0] == 0xff && data[1] == 0xff &&
				    data[2] == 0xff && data[3] == 0xff &&
				    data[4] == 0xff && data[5] == 0xff) ?
			PKT_F_L2_BCAST :
			PKT_F_L2_MCAST;
	et = pkt_rd16(data + 12);
	if (et == RTE_ETHER_TYPE_VLAN || et == RTE_ETHER_TYPE_QINQ) {
		if (len < PKT_ETH_HLEN + PKT_VLAN_HLEN)
			return PKT_DROP_VLAN_TRUNC;
		m->flags |= PKT_F_VLAN;
		m->vlan_tci = pkt_rd16(data + 14);
		et = pkt_rd16(data + 16);
		off += PKT_VLAN_HLEN;
		if (et == RTE_ETHER_TYPE_VLAN || et == RTE_ETHER_TYPE_QINQ)
			return PKT_DROP_VLAN_NESTED;
	}
	m->ethertype = et;
	m->l3_off = (uint16_t)off;
	switch (et) {
	case RTE_ETHER_TYPE_IPV4:
		r = pkt_parse_ip4(data, off, len, rx_flags, m);
		break;
	case RTE_ETHER_TYPE_IPV6:
		r = pkt_parse_ip6(data, off, len, m);
		break;
	case RTE_ETHER_TYPE_ARP:
		if (len - off < PKT_ARP_LEN)
			return PKT_DROP_ARP_TRUNC;
		/* htype 1 (Ethernet), ptype IPv4, hlen 6, plen 4 */
		if (pkt_rd16(data + off) != 1 ||
			pkt_rd16(data + off + 2) != RTE_ETHER_TYPE_IPV4 ||
			data[off + 4] != 6 || data[off + 5] != 4)
			return PKT_DROP_ARP_FORMAT;
		m->l3 = PKT_L3_ARP;
		m->l3_len = PKT_ARP_LEN;
		return PKT_OK;
	default:
		return PKT_DROP_ETHERTYPE;
	}
	if (r == PKT_OK && m->l4_off != 0 && (rx_flags & PKT_RX_L4_CSUM_BAD) &&
		(m->l4_proto == IPPROTO_TCP || m->l4_proto == IPPROTO_UDP))
		return PKT_DROP_L4_CSUM;
	return r;
}

/* Map the mbuf's receive checksum flags to PKT_RX_*. */
static inline uint32_t
pkt_rx_flags(const struct rte_mbuf *mb)
{
	uint64_t ol = mb->ol_flags;
	uint32_t f = 0;

	if ((ol & RTE_MBUF_F_RX_IP_CKSUM_MASK) == RTE_MBUF_F_RX_IP_CKSUM_GOOD)
		f |= PKT_RX_IP4_CSUM_GOOD;
	else if ((ol & RTE_MBUF_F_RX_IP_CKSUM_MASK) ==
		RTE_MBUF_F_RX_IP_CKSUM_BAD)
		f |= PKT_RX_IP4_CSUM_BAD;
	if ((ol & RTE_MBUF_F_RX_L4_CKSUM_MASK) == RTE_MBUF_F_RX_L4_CKSUM_BAD)
		f |= PKT_RX_L4_CSUM_BAD;
	return f;
}

/**
 * Parse the first segment of 'mb' into 'm'.
 * @return PKT_OK or the drop reason.
 */
static inline enum pkt_drop
pkt_parse_mbuf(const struct rte_mbuf *mb, struct pkt_meta *m)
{
	return pkt_parse(rte_pktmbuf_mtod(mb, const uint8_t *),
		rte_pktmbuf_data_len(mb), pkt_rx_flags(mb), m);
}

#endif /* PKT_DP_H */
