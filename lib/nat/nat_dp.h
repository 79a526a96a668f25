/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * FullNAT rewrite helpers, inline for the worker: replace the addresses and
 * ports of an IPv4 or IPv6 TCP/UDP packet and fix the IPv4 header checksum
 * and the TCP/UDP checksum incrementally (RFC 1624), clamp the TCP MSS
 * option, decrement TTL / hop limit. Incremental updates touch only the
 * changed words, so their cost does not grow with the payload.
 *
 * All values are in network byte order, as they sit in the packet.
 *
 * Context: worker (and any thread); no state.
 */
#ifndef NAT_DP_H
#define NAT_DP_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <netinet/in.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#define NAT_TCP_HLEN_MIN 20  /* bytes: TCP header without options */
#define NAT_TCPOPT_EOL 0     /* option kind: end of option list */
#define NAT_TCPOPT_NOP 1     /* option kind: one byte of padding */
#define NAT_TCPOPT_MSS 2     /* option kind: maximum segment size */
#define NAT_TCPOPT_MSS_LEN 4 /* bytes: kind, length, 16-bit MSS */
#define NAT_IP6_ADDR_SIZE 16 /* bytes */
#define NAT_ICMP6_CSUM_OFF 2 /* bytes: after type and code */

/*
 * The arithmetic below takes 16-bit words exactly as they sit in memory,
 * never converted to host order: a ones' complement sum commutes with byte
 * swapping (RFC 1071 section 2(B)), so the checksum field read raw and the
 * words read raw give the right answer on either endianness, and the data
 * path saves the swaps.
 *
 * It is RFC 1624 eqn. 3, HC' = ~(~HC + ~m + m'), summed over every changed
 * word before one fold. Eqn. 3 rather than RFC 1141's HC' = HC + m + ~m':
 * an end-around-carry sum of terms that are not all zero is never 0x0000,
 * so HC' is never 0xffff (~HC alone is zero only if HC came in as 0xffff),
 * and neither is a full recompute over data that is not all zero, which
 * every IPv4 header and every pseudo-header is. Given a checksum a full
 * recompute made, the result is therefore bit-identical to a full
 * recompute, not merely equivalent to it.
 */

/* ~m + m' for one 16-bit word, unfolded. */
static inline uint32_t
nat_csum_diff16(uint16_t old, uint16_t new)
{
	return (uint32_t)(uint16_t)~old + new;
}

/* ~m + m' for the two 16-bit halves of a 32-bit word, unfolded. */
static inline uint32_t
nat_csum_diff32(uint32_t old, uint32_t new)
{
	return nat_csum_diff16((uint16_t)old, (uint16_t) new) +
		nat_csum_diff16((uint16_t)(old >> 16), (uint16_t)(new >> 16));
}

/*
 * ~m + m' for the eight words of an IPv6 address, unfolded. The addresses
 * may sit at any alignment, hence memcpy.
 */
static inline uint32_t
nat_csum_diff128(const uint8_t *old, const uint8_t *new)
{
	uint32_t d = 0;
	unsigned int i;

	for (i = 0; i < NAT_IP6_ADDR_SIZE; i += 2) {
		uint16_t o, n;

		memcpy(&o, old + i, sizeof(o));
		memcpy(&n, new + i, sizeof(n));
		d += nat_csum_diff16(o, n);
	}
	return d;
}

/*
 * Apply an unfolded sum of ~m + m' terms to 'csum'. Two folds suffice for
 * any 32-bit sum; callers add at most 37 terms below 2^16, far from 2^32.
 */
static inline uint16_t
nat_csum_apply(uint16_t csum, uint32_t diff)
{
	uint32_t s = (uint32_t)(uint16_t)~csum + diff;

	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/**
 * RFC 1624 eqn. 3: the checksum 'csum' after a 16-bit word of the covered
 * data changed from 'old' to 'new'.
 */
static inline uint16_t
nat_csum_update16(uint16_t csum, uint16_t old, uint16_t new)
{
	return nat_csum_apply(csum, nat_csum_diff16(old, new));
}

/** As nat_csum_update16() for a 32-bit word. */
static inline uint16_t
nat_csum_update32(uint16_t csum, uint32_t old, uint32_t new)
{
	return nat_csum_apply(csum, nat_csum_diff32(old, new));
}

/** As nat_csum_update16() for a 16-byte (IPv6 address) field. */
static inline uint16_t
nat_csum_update128(uint16_t csum, const uint8_t *old, const uint8_t *new)
{
	return nat_csum_apply(csum, nat_csum_diff128(old, new));
}

/*
 * Rewrite the ports of a TCP or UDP header and fold 'diff' (the address
 * change the pseudo-header sees) plus the port change into its checksum.
 * Other protocols are left alone here: ICMP's checksum has no
 * pseudo-header, and ICMPv6's is handled by nat_rewrite_ip6().
 *
 * A first fragment is handled too: its L4 checksum covers the whole
 * datagram, and an incremental update does not need to see the rest.
 *
 * A UDP checksum of 0 means "none" over IPv4 and is kept. Over IPv6 it is
 * invalid (RFC 8200 section 8.1) except in RFC 6936 zero-checksum tunnels,
 * and it is kept too: updating it as if it were 0xffff would write a value
 * that is right only by accident, turning a packet an RFC 6936 receiver
 * may accept into one that nobody accepts, and a receiver that rejects
 * zero checksums drops it either way. Callers that want such packets gone
 * drop them before NAT, where the drop can be counted.
 */
static inline void
nat_rewrite_l4(
	void *l4, uint8_t proto, uint32_t diff, uint16_t sport, uint16_t dport)
{
	if (proto == IPPROTO_TCP) {
		struct rte_tcp_hdr *th = l4;

		diff += nat_csum_diff16(th->src_port, sport) +
			nat_csum_diff16(th->dst_port, dport);
		th->cksum = nat_csum_apply(th->cksum, diff);
		th->src_port = sport;
		th->dst_port = dport;
	} else if (proto == IPPROTO_UDP) {
		struct rte_udp_hdr *uh = l4;

		if (uh->dgram_cksum != 0) {
			uint16_t c;

			diff += nat_csum_diff16(uh->src_port, sport) +
				nat_csum_diff16(uh->dst_port, dport);
			c = nat_csum_apply(uh->dgram_cksum, diff);
			/* 0 on the wire would mean "no checksum" (RFC 768). */
			uh->dgram_cksum = c == 0 ? 0xffff : c;
		}
		uh->src_port = sport;
		uh->dst_port = dport;
	}
}

/**
 * Rewrite an IPv4 packet's addresses and its TCP/UDP ports.
 *
 * @param ip
 *   The IPv4 header (checksum valid on entry, valid on return).
 * @param l4
 *   The TCP or UDP header ('proto' says which); the L4 checksum is
 *   updated for the pseudo-header and port changes. A UDP checksum of 0
 *   (none) stays 0; an updated UDP checksum of 0 is sent as 0xffff.
 */
static inline void
nat_rewrite_ip4(struct rte_ipv4_hdr *ip, void *l4, uint8_t proto, uint32_t src,
	uint32_t dst, uint16_t sport, uint16_t dport)
{
	/* Both checksums see the same address change: sum it once. */
	uint32_t diff = nat_csum_diff32(ip->src_addr, src) +
		nat_csum_diff32(ip->dst_addr, dst);

	ip->hdr_checksum = nat_csum_apply(ip->hdr_checksum, diff);
	ip->src_addr = src;
	ip->dst_addr = dst;
	nat_rewrite_l4(l4, proto, diff, sport, dport);
}

/** As nat_rewrite_ip4() for IPv6 (no header checksum; UDP's is mandatory). */
static inline void
nat_rewrite_ip6(struct rte_ipv6_hdr *ip, void *l4, uint8_t proto,
	const uint8_t *src, const uint8_t *dst, uint16_t sport, uint16_t dport)
{
	/*
	 * 'proto', not ip->proto, names the L4 header: extension headers may
	 * sit between. Through uint8_t pointers so that the code does not
	 * depend on how this DPDK version types the address fields.
	 */
	uint8_t *ip_src = (uint8_t *)&ip->src_addr;
	uint8_t *ip_dst = (uint8_t *)&ip->dst_addr;
	uint32_t diff = nat_csum_diff128(ip_src, src) +
		nat_csum_diff128(ip_dst, dst);

	/* memmove: a caller may pass the packet's own address back. */
	memmove(ip_src, src, NAT_IP6_ADDR_SIZE);
	memmove(ip_dst, dst, NAT_IP6_ADDR_SIZE);
	if (proto == IPPROTO_ICMPV6) {
		/*
		 * Unlike ICMP, ICMPv6 sums the pseudo-header (RFC 4443
		 * section 2.3): without this an address rewrite would leave
		 * it wrong. It has no ports; 'sport' and 'dport' are unused.
		 */
		uint8_t *c = (uint8_t *)l4 + NAT_ICMP6_CSUM_OFF;
		uint16_t csum;

		memcpy(&csum, c, sizeof(csum));
		csum = nat_csum_apply(csum, diff);
		memcpy(c, &csum, sizeof(csum));
		return;
	}
	nat_rewrite_l4(l4, proto, diff, sport, dport);
}

/**
 * Lower the MSS option of a SYN or SYN-ACK to 'mss' if it is larger,
 * updating the TCP checksum.
 *
 * @param tcp_len
 *   Bytes of TCP header (data offset * 4) readable at 'th'.
 * @param mss
 *   The ceiling in bytes, in host byte order: unlike the other values
 *   here it is a configured limit, not a field taken from a packet.
 * @return true if the option was lowered.
 */
static inline bool
nat_tcp_mss_clamp(struct rte_tcp_hdr *th, uint32_t tcp_len, uint16_t mss)
{
	uint32_t i = 0, n;
	uint16_t mss_be;
	uint8_t *opt;

	/*
	 * The SYN flag is the caller's test: it knows whether the segment
	 * opens a flow. Every read below stays under 'tcp_len', whatever the
	 * option bytes say; the data offset field is not trusted either.
	 */
	if (tcp_len <= NAT_TCP_HLEN_MIN)
		return false;
	opt = (uint8_t *)th + NAT_TCP_HLEN_MIN;
	n = tcp_len - NAT_TCP_HLEN_MIN;
	while (i < n) {
		uint32_t kind = opt[i], len;

		if (kind == NAT_TCPOPT_EOL)
			break;
		if (kind == NAT_TCPOPT_NOP) {
			i++;
			continue;
		}
		/*
		 * A length under 2 would loop or step backwards and one past
		 * the header has no end to find: stop, as a receiver would.
		 */
		if (n - i < 2)
			break;
		len = opt[i + 1];
		if (len < 2 || len > n - i)
			break;
		/* An MSS option of another length is malformed: leave it. */
		if (kind == NAT_TCPOPT_MSS && len == NAT_TCPOPT_MSS_LEN) {
			uint16_t old;

			/* Options carry no alignment promise: memcpy. */
			memcpy(&old, opt + i + 2, sizeof(old));
			if (rte_be_to_cpu_16(old) <= mss)
				return false;
			mss_be = rte_cpu_to_be_16(mss);
			memcpy(opt + i + 2, &mss_be, sizeof(mss_be));
			/*
			 * Options start at an even offset, so a value at an
			 * odd 'i' straddles two checksummed words with each
			 * byte in the other half of its word: the sum sees
			 * it byte-swapped (RFC 1071 section 2(B)).
			 */
			if (i & 1)
				th->cksum = nat_csum_update16(th->cksum,
					rte_bswap16(old), rte_bswap16(mss_be));
			else
				th->cksum = nat_csum_update16(
					th->cksum, old, mss_be);
			return true;
		}
		i += len;
	}
	return false;
}

/**
 * Decrement the IPv4 TTL, updating the header checksum.
 * @return false (packet untouched) if the TTL is 1 or 0: it must not be
 *   forwarded.
 */
static inline bool
nat_ip4_ttl_dec(struct rte_ipv4_hdr *ip)
{
	uint8_t ttl = ip->time_to_live;
	uint16_t old, new;

	if (ttl <= 1)
		return false;
	/* The checksum sees TTL and protocol as one 16-bit word. */
	old = rte_cpu_to_be_16((uint16_t)(ttl << 8 | ip->next_proto_id));
	new = rte_cpu_to_be_16((uint16_t)((ttl - 1) << 8 | ip->next_proto_id));
	ip->time_to_live = (uint8_t)(ttl - 1);
	ip->hdr_checksum = nat_csum_update16(ip->hdr_checksum, old, new);
	return true;
}

/** Decrement the IPv6 hop limit. @return false if it is 1 or 0. */
static inline bool
nat_ip6_hop_dec(struct rte_ipv6_hdr *ip)
{
	if (ip->hop_limits <= 1)
		return false;
	ip->hop_limits--;
	return true;
}

#endif /* NAT_DP_H */
