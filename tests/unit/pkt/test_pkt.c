/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the packet parser (pkt_parse() in pkt_dp.h) and of the drop
 * reason names (pkt.c). Frames are built byte by byte by a small builder in
 * this file, with IPv4 header checksums from its own RFC 1071 sum, so that
 * no expected value comes from the code under test. Every parse runs on an
 * exact-size heap copy of the frame, so ASan or valgrind flag any read past
 * the length the parser was given, and every result is checked against the
 * invariants the rest of the data path relies on (offsets and lengths stay
 * inside the frame). Malformed frames must yield one exact drop reason; the
 * last test checks that together they produced every reason there is.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "weir_cunit.h"
#include "weir_common.h"
#include "pkt.h"
#include "pkt_dp.h"

#define PB_MAX 512 /* bytes: builder capacity */
#define FUZZ_ITERS 200000
#define FUZZ_LEN_MAX 200 /* bytes */

#define ET_IP4 0x0800
#define ET_IP6 0x86dd
#define ET_ARP 0x0806
#define ET_VLAN 0x8100
#define ET_QINQ 0x88a8
#define ET_LLDP 0x88cc

#define NH_HOPOPTS 0
#define NH_ROUTING 43
#define NH_FRAGMENT 44
#define NH_AH 51
#define NH_NONE 59
#define NH_DSTOPTS 60

/* Frame under construction; the array is zeroed so fix-ups never see junk. */
struct pb {
	uint8_t b[PB_MAX];
	uint32_t len;
};

static const uint8_t mac_uc[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t mac_src[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };
static const uint8_t mac_bc[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t mac_mc4[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb };
static const uint8_t mac_mc6[6] = { 0x33, 0x33, 0xff, 0x00, 0x00, 0x01 };
static const uint8_t ip4_src[4] = { 192, 0, 2, 1 };
static const uint8_t ip4_dst[4] = { 198, 51, 100, 1 };
static const uint8_t ip4_gw[4] = { 192, 0, 2, 254 };
static const uint8_t ip6_src[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t ip6_dst[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
static const uint8_t ip6_ll[16] = { 0xfe, 0x80, [15] = 1 };

/* Drop reasons produced by expect_drop(), checked by the last test. */
static bool seen[PKT_DROP_COUNT];

static void
wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* RFC 1071 Internet checksum; the parser uses rte_raw_cksum() instead. */
static uint16_t
inet_csum(const uint8_t *p, uint32_t n)
{
	uint32_t s = 0, i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void
pb_reset(struct pb *p)
{
	memset(p, 0, sizeof(*p));
}

static uint8_t *
pb_put(struct pb *p, uint32_t n)
{
	uint8_t *h;

	/* A test that outgrows the builder is broken, not failing. */
	if (p->len + n > sizeof(p->b)) {
		fprintf(stderr, "builder overflow\n");
		abort();
	}
	h = p->b + p->len;
	memset(h, 0, n);
	p->len += n;
	return h;
}

static void
pb_bytes(struct pb *p, uint32_t n, uint8_t v)
{
	memset(pb_put(p, n), v, n);
}

static void
pb_eth(struct pb *p, const uint8_t dst[6], uint16_t et)
{
	uint8_t *h = pb_put(p, PKT_ETH_HLEN);

	memcpy(h, dst, 6);
	memcpy(h + 6, mac_src, 6);
	wr16(h + 12, et);
}

/* Appends the 4 bytes after an ET_VLAN EtherType: TCI, inner EtherType. */
static void
pb_vlan(struct pb *p, uint16_t tci, uint16_t et)
{
	uint8_t *h = pb_put(p, PKT_VLAN_HLEN);

	wr16(h, tci);
	wr16(h + 2, et);
}

/* IPv4 header with 'optlen' bytes of NOP options; see pb_ip4_done(). */
static uint32_t
pb_ip4(struct pb *p, uint8_t proto, uint32_t optlen)
{
	uint32_t off = p->len;
	uint8_t *h = pb_put(p, PKT_IP4_HLEN_MIN + optlen);

	h[0] = (uint8_t)(0x40 | (PKT_IP4_HLEN_MIN + optlen) / 4);
	wr16(h + 4, 0x1234);
	h[8] = 64;
	h[9] = proto;
	memcpy(h + 12, ip4_src, 4);
	memcpy(h + 16, ip4_dst, 4);
	memset(h + PKT_IP4_HLEN_MIN, 1, optlen);
	return off;
}

static void
ip4_fix_csum(struct pb *p, uint32_t off)
{
	uint8_t *h = p->b + off;
	uint32_t ihl = (uint32_t)(h[0] & 0xf) * 4;

	wr16(h + 10, 0);
	wr16(h + 10, inet_csum(h, ihl));
}

/* Total length covers everything appended since pb_ip4(). */
static void
pb_ip4_done(struct pb *p, uint32_t off)
{
	wr16(p->b + off + 2, (uint16_t)(p->len - off));
	ip4_fix_csum(p, off);
}

static uint32_t
pb_ip6(struct pb *p, uint8_t nh)
{
	uint32_t off = p->len;
	uint8_t *h = pb_put(p, PKT_IP6_HLEN);

	h[0] = 0x60;
	h[6] = nh;
	h[7] = 64;
	memcpy(h + 8, ip6_src, 16);
	memcpy(h + 24, ip6_dst, 16);
	return off;
}

static void
pb_ip6_done(struct pb *p, uint32_t off)
{
	wr16(p->b + off + 4, (uint16_t)(p->len - off - PKT_IP6_HLEN));
}

/* Hop-by-hop, routing or destination options: (units8 + 1) * 8 bytes. */
static void
pb_ext(struct pb *p, uint8_t nh, uint8_t units8)
{
	uint8_t *h = pb_put(p, ((uint32_t)units8 + 1) * 8);

	h[0] = nh;
	h[1] = units8;
}

/* Authentication header: (units4 + 2) * 4 bytes, RFC 4302. */
static void
pb_ah(struct pb *p, uint8_t nh, uint8_t units4)
{
	uint8_t *h = pb_put(p, ((uint32_t)units4 + 2) * 4);

	h[0] = nh;
	h[1] = units4;
	h[7] = 1; /* SPI */
}

static void
pb_frag6(struct pb *p, uint8_t nh, uint16_t off8, bool more)
{
	uint8_t *h = pb_put(p, 8);

	h[0] = nh;
	wr16(h + 2, (uint16_t)(off8 << 3 | (more ? 1 : 0)));
	h[7] = 0x42; /* identification */
}

/* TCP header of doff_words * 4 bytes, options as NOPs. */
static uint32_t
pb_tcp(struct pb *p, uint16_t sport, uint16_t dport, uint8_t doff_words)
{
	uint32_t off = p->len;
	uint32_t hlen = doff_words < 5 ? PKT_TCP_HLEN_MIN : doff_words * 4u;
	uint8_t *h = pb_put(p, hlen);

	wr16(h, sport);
	wr16(h + 2, dport);
	h[7] = 1;
	h[12] = (uint8_t)(doff_words << 4);
	h[13] = 0x10; /* ACK */
	wr16(h + 14, 65535);
	memset(h + PKT_TCP_HLEN_MIN, 1, hlen - PKT_TCP_HLEN_MIN);
	return off;
}

static uint32_t
pb_udp(struct pb *p, uint16_t sport, uint16_t dport)
{
	uint32_t off = p->len;
	uint8_t *h = pb_put(p, PKT_UDP_HLEN);

	wr16(h, sport);
	wr16(h + 2, dport);
	return off;
}

/* UDP length covers everything appended since pb_udp(). */
static void
pb_udp_done(struct pb *p, uint32_t off)
{
	wr16(p->b + off + 4, (uint16_t)(p->len - off));
}

static void
pb_icmp(struct pb *p, uint8_t type, uint8_t code, uint16_t id, uint16_t seq)
{
	uint8_t *h = pb_put(p, PKT_ICMP_HLEN);

	h[0] = type;
	h[1] = code;
	wr16(h + 4, id);
	wr16(h + 6, seq);
}

/* Neighbor solicitation, RFC 4861: 4 reserved bytes, then the target. */
static void
pb_icmp6_ns(struct pb *p)
{
	uint8_t *h = pb_put(p, 24);

	h[0] = 135;
	memcpy(h + 8, ip6_ll, 16);
}

static void
pb_arp(struct pb *p, uint16_t op)
{
	uint8_t *h = pb_put(p, PKT_ARP_LEN);

	wr16(h, 1);
	wr16(h + 2, ET_IP4);
	h[4] = 6;
	h[5] = 4;
	wr16(h + 6, op);
	memcpy(h + 8, mac_src, 6);
	memcpy(h + 14, ip4_src, 4);
	memcpy(h + 24, ip4_gw, 4);
}

/* 14 + 20 + 20 + 10 = 64 bytes. */
static void
mk_ip4_tcp(struct pb *p)
{
	uint32_t ip;

	pb_reset(p);
	pb_eth(p, mac_uc, ET_IP4);
	ip = pb_ip4(p, IPPROTO_TCP, 0);
	pb_tcp(p, 40000, 443, 5);
	pb_bytes(p, 10, 0xaa);
	pb_ip4_done(p, ip);
}

/* 14 + 20 + 8 + 12 = 54 bytes. */
static void
mk_ip4_udp(struct pb *p)
{
	uint32_t ip, udp;

	pb_reset(p);
	pb_eth(p, mac_uc, ET_IP4);
	ip = pb_ip4(p, IPPROTO_UDP, 0);
	udp = pb_udp(p, 5353, 53);
	pb_bytes(p, 12, 0xbb);
	pb_udp_done(p, udp);
	pb_ip4_done(p, ip);
}

/* 14 + 20 + 8 + 16 = 58 bytes. */
static void
mk_ip4_icmp(struct pb *p)
{
	uint32_t ip;

	pb_reset(p);
	pb_eth(p, mac_uc, ET_IP4);
	ip = pb_ip4(p, IPPROTO_ICMP, 0);
	pb_icmp(p, 8, 0, 0x4d2, 7);
	pb_bytes(p, 16, 0xcc);
	pb_ip4_done(p, ip);
}

/* 14 + 24 + 8 + 4 = 50 bytes. */
static void
mk_ip4_opts_udp(struct pb *p)
{
	uint32_t ip, udp;

	pb_reset(p);
	pb_eth(p, mac_uc, ET_IP4);
	ip = pb_ip4(p, IPPROTO_UDP, 4);
	udp = pb_udp(p, 1000, 2000);
	pb_bytes(p, 4, 0xdd);
	pb_udp_done(p, udp);
	pb_ip4_done(p, ip);
}

/* 14 + 4 + 20 + 20 = 58 bytes. */
static void
mk_vlan_ip4_tcp(struct pb *p)
{
	uint32_t ip;

	pb_reset(p);
	pb_eth(p, mac_uc, ET_VLAN);
	pb_vlan(p, 0x2064, ET_IP4);
	ip = pb_ip4(p, IPPROTO_TCP, 0);
	pb_tcp(p, 12345, 80, 5);
	pb_ip4_done(p, ip);
}

/* 14 + 40 + 20 + 8 = 82 bytes. */
static void
mk_ip6_tcp(struct pb *p)
{
	uint32_t ip;

	pb_reset(p);
	pb_eth(p, mac_uc, ET_IP6);
	ip = pb_ip6(p, IPPROTO_TCP);
	pb_tcp(p, 50000, 22, 5);
	pb_bytes(p, 8, 0xee);
	pb_ip6_done(p, ip);
}

/* 14 + 40 + 8 + 8 = 70 bytes. */
static void
mk_ip6_udp(struct pb *p)
{
	uint32_t ip, udp;

	pb_reset(p);
	pb_eth(p, mac_uc, ET_IP6);
	ip = pb_ip6(p, IPPROTO_UDP);
	udp = pb_udp(p, 546, 547);
	pb_bytes(p, 8, 0x11);
	pb_udp_done(p, udp);
	pb_ip6_done(p, ip);
}

/* 14 + 40 + 24 = 78 bytes. */
static void
mk_ip6_ns(struct pb *p)
{
	uint32_t ip;

	pb_reset(p);
	pb_eth(p, mac_mc6, ET_IP6);
	ip = pb_ip6(p, IPPROTO_ICMPV6);
	pb_icmp6_ns(p);
	pb_ip6_done(p, ip);
}

/* 14 + 40 + (8 + 16 + 24) + 20 + 4 = 126 bytes. */
static void
mk_ip6_ext_tcp(struct pb *p)
{
	uint32_t ip;

	pb_reset(p);
	pb_eth(p, mac_uc, ET_IP6);
	ip = pb_ip6(p, NH_HOPOPTS);
	pb_ext(p, NH_DSTOPTS, 0);
	pb_ext(p, NH_ROUTING, 1);
	pb_ext(p, IPPROTO_TCP, 2);
	pb_tcp(p, 33000, 179, 5);
	pb_bytes(p, 4, 0x22);
	pb_ip6_done(p, ip);
}

/* The longest chain accepted: 14 + 40 + 8 * 8 + 20 = 138 bytes. */
static void
mk_ip6_ext_max_tcp(struct pb *p)
{
	uint32_t ip, i;

	pb_reset(p);
	pb_eth(p, mac_uc, ET_IP6);
	ip = pb_ip6(p, NH_DSTOPTS);
	for (i = 0; i < PKT_IP6_EXT_MAX; i++)
		pb_ext(p, i + 1 < PKT_IP6_EXT_MAX ? NH_DSTOPTS : IPPROTO_TCP,
			0);
	pb_tcp(p, 1, 2, 5);
	pb_ip6_done(p, ip);
}

/* 14 + 40 + 24 + 8 + 4 = 90 bytes. */
static void
mk_ip6_ah_udp(struct pb *p)
{
	uint32_t ip, udp;

	pb_reset(p);
	pb_eth(p, mac_uc, ET_IP6);
	ip = pb_ip6(p, NH_AH);
	pb_ah(p, IPPROTO_UDP, 4);
	udp = pb_udp(p, 500, 500);
	pb_bytes(p, 4, 0x33);
	pb_udp_done(p, udp);
	pb_ip6_done(p, ip);
}

/*
 * First fragment of a 1000-byte UDP datagram: the UDP length describes the
 * whole datagram, not the 24 bytes of it this fragment carries.
 * 14 + 40 + 8 + 8 + 16 = 86 bytes.
 */
static void
mk_ip6_frag_first_udp(struct pb *p)
{
	uint32_t ip, udp;

	pb_reset(p);
	pb_eth(p, mac_uc, ET_IP6);
	ip = pb_ip6(p, NH_FRAGMENT);
	pb_frag6(p, IPPROTO_UDP, 0, true);
	udp = pb_udp(p, 4500, 4500);
	pb_bytes(p, 16, 0x44);
	wr16(p->b + udp + 4, 1000);
	pb_ip6_done(p, ip);
}

/* 14 + 28 = 42 bytes, unpadded. */
static void
mk_arp(struct pb *p)
{
	pb_reset(p);
	pb_eth(p, mac_bc, ET_ARP);
	pb_arp(p, 1);
}

/*
 * Checks what the rest of the data path assumes of a PKT_OK result: every
 * offset and length it will use lies inside the 'len' bytes parsed, and the
 * L4 header it will read is complete. Prints the first violation.
 */
static bool
meta_sane(const uint8_t *data, uint32_t len, enum pkt_drop r,
	const struct pkt_meta *m)
{
	const char *why = NULL;
	uint32_t l3_end = (uint32_t)m->l3_off + m->l3_len;
	uint32_t l4_end = (uint32_t)m->l4_off + m->l4_len;
	uint32_t l3_min = m->l3 == PKT_L3_IPV6 ? PKT_IP6_HLEN :
		m->l3 == PKT_L3_IPV4	       ? PKT_IP4_HLEN_MIN :
						 PKT_ARP_LEN;
	uint32_t l4_min = 0;

	if ((unsigned int)r >= PKT_DROP_COUNT) {
		why = "return value out of enum range";
		goto out;
	}
	if (r != PKT_OK)
		return true;
	if (m->l3 != PKT_L3_ARP && m->l3 != PKT_L3_IPV4 && m->l3 != PKT_L3_IPV6)
		why = "no L3";
	else if (m->l3_off != ((m->flags & PKT_F_VLAN) ? 18 : 14))
		why = "l3_off neither 14 nor 18 as the VLAN flag says";
	else if (l3_end > len)
		why = "l3_off + l3_len past the frame";
	else if (m->l3_len < l3_min)
		why = "l3_len below the L3 header";
	else if (m->nb_ext > PKT_IP6_EXT_MAX)
		why = "nb_ext above PKT_IP6_EXT_MAX";
	else if (m->nb_ext != 0 &&
		(m->l3 != PKT_L3_IPV6 || !(m->flags & PKT_F_IP6_EXT)))
		why = "extension headers outside IPv6";
	else if ((m->flags & PKT_F_IP4_OPTS) && m->l3 != PKT_L3_IPV4)
		why = "IPv4 options outside IPv4";
	else if ((m->flags & PKT_F_FRAG_LATER) && !(m->flags & PKT_F_FRAG))
		why = "FRAG_LATER without FRAG";
	if (why != NULL)
		goto out;
	if (m->l3 == PKT_L3_ARP || (m->flags & PKT_F_FRAG_LATER)) {
		if (m->l4_off != 0)
			why = "l4_off set without an L4 header";
		goto out;
	}
	switch (m->l4_proto) {
	case IPPROTO_TCP:
		l4_min = PKT_TCP_HLEN_MIN;
		break;
	case IPPROTO_UDP:
		l4_min = PKT_UDP_HLEN;
		break;
	case IPPROTO_ICMP:
		l4_min = PKT_ICMP_HLEN;
		break;
	case IPPROTO_ICMPV6:
		l4_min = PKT_ICMP6_HLEN;
		break;
	}
	if (m->l4_off < m->l3_off + l3_min)
		why = "l4_off inside the L3 header";
	else if (l4_end != l3_end)
		why = "L4 does not end where the datagram ends";
	else if (m->l4_len < l4_min || (uint32_t)m->l4_off + l4_min > len)
		why = "L4 header past the frame";
	else if (m->l4_proto == IPPROTO_TCP &&
		(uint32_t)(data[m->l4_off + 12] >> 4) * 4 > m->l4_len)
		why = "TCP data offset past the segment";
out:
	if (why == NULL)
		return true;
	fprintf(stderr,
		"\n  len %u -> %s: %s (l3 %u l3_off %u l3_len %u "
		"l4_off %u l4_len %u proto %u flags 0x%x)\n",
		len, pkt_drop_name(r), why, m->l3, m->l3_off, m->l3_len,
		m->l4_off, m->l4_len, m->l4_proto, m->flags);
	return false;
}

/*
 * Parses an exact-size heap copy, so a read past 'len' is a heap overflow
 * that the sanitizers report, and checks the result while the copy lives.
 */
static enum pkt_drop
parse_exact(const uint8_t *data, uint32_t len, uint32_t rx_flags,
	struct pkt_meta *m, bool *sane)
{
	uint8_t *copy = malloc(len);
	enum pkt_drop r;

	if (copy == NULL && len != 0) {
		fprintf(stderr, "out of memory\n");
		abort();
	}
	if (len != 0)
		memcpy(copy, data, len);
	r = pkt_parse(copy, len, rx_flags, m);
	*sane = meta_sane(copy, len, r, m);
	free(copy);
	return r;
}

static enum pkt_drop
parse_len(
	const struct pb *p, uint32_t len, uint32_t rx_flags, struct pkt_meta *m)
{
	enum pkt_drop r;
	bool sane;

	r = parse_exact(p->b, len, rx_flags, m, &sane);
	CU_ASSERT(sane);
	return r;
}

static enum pkt_drop
parse_pb(const struct pb *p, uint32_t rx_flags, struct pkt_meta *m)
{
	return parse_len(p, p->len, rx_flags, m);
}

static void
expect_drop_len(
	const struct pb *p, uint32_t len, uint32_t rx_flags, enum pkt_drop want)
{
	struct pkt_meta m;
	enum pkt_drop r = parse_len(p, len, rx_flags, &m);

	if (r != want)
		fprintf(stderr, "\n  want %s, got %s\n", pkt_drop_name(want),
			pkt_drop_name(r));
	CU_ASSERT_EQUAL(r, want);
	if (r == want)
		seen[want] = true;
}

static void
expect_drop(const struct pb *p, uint32_t rx_flags, enum pkt_drop want)
{
	expect_drop_len(p, p->len, rx_flags, want);
}

/* Valid frames. */

static void
test_ip4_tcp_parsed(void)
{
	struct pb p;
	struct pkt_meta m;

	mk_ip4_tcp(&p);
	CU_ASSERT_EQUAL_FATAL(parse_pb(&p, 0, &m), PKT_OK);
	CU_ASSERT_EQUAL(m.l3, PKT_L3_IPV4);
	CU_ASSERT_EQUAL(m.ethertype, ET_IP4);
	CU_ASSERT_EQUAL(m.l3_off, 14);
	CU_ASSERT_EQUAL(m.l3_len, 50);
	CU_ASSERT_EQUAL(m.l4_off, 34);
	CU_ASSERT_EQUAL(m.l4_len, 30);
	CU_ASSERT_EQUAL(m.l4_proto, IPPROTO_TCP);
	CU_ASSERT_EQUAL(m.sport, htons(40000));
	CU_ASSERT_EQUAL(m.dport, htons(443));
	CU_ASSERT_EQUAL(m.flags, 0);
	CU_ASSERT_EQUAL(m.nb_ext, 0);
	CU_ASSERT_EQUAL(m.vlan_tci, 0);
}

static void
test_ip4_udp_parsed(void)
{
	struct pb p;
	struct pkt_meta m;

	mk_ip4_udp(&p);
	CU_ASSERT_EQUAL_FATAL(parse_pb(&p, 0, &m), PKT_OK);
	CU_ASSERT_EQUAL(m.l3, PKT_L3_IPV4);
	CU_ASSERT_EQUAL(m.l3_len, 40);
	CU_ASSERT_EQUAL(m.l4_off, 34);
	CU_ASSERT_EQUAL(m.l4_len, 20);
	CU_ASSERT_EQUAL(m.l4_proto, IPPROTO_UDP);
	CU_ASSERT_EQUAL(m.sport, htons(5353));
	CU_ASSERT_EQUAL(m.dport, htons(53));
	CU_ASSERT_EQUAL(m.flags, 0);
}

static void
test_ip4_icmp_echo_parsed(void)
{
	struct pb p;
	struct pkt_meta m;

	mk_ip4_icmp(&p);
	CU_ASSERT_EQUAL_FATAL(parse_pb(&p, 0, &m), PKT_OK);
	CU_ASSERT_EQUAL(m.l4_proto, IPPROTO_ICMP);
	CU_ASSERT_EQUAL(m.l4_off, 34);
	CU_ASSERT_EQUAL(m.l4_len, 24);
	CU_ASSERT_EQUAL(m.icmp_type, 8);
	CU_ASSERT_EQUAL(m.icmp_code, 0);
	/* The echo identifier stands in for a port in NAT and hashing. */
	CU_ASSERT_EQUAL(m.sport, htons(0x4d2));
	CU_ASSERT_EQUAL(m.dport, 0);
}

static void
test_ip4_opts_l4_moved(void)
{
	struct pb p;
	struct pkt_meta m;

	mk_ip4_opts_udp(&p);
	CU_ASSERT_EQUAL_FATAL(parse_pb(&p, 0, &m), PKT_OK);
	CU_ASSERT_EQUAL(m.flags, PKT_F_IP4_OPTS);
	CU_ASSERT_EQUAL(m.l3_len, 36);
	CU_ASSERT_EQUAL(m.l4_off, 38);
	CU_ASSERT_EQUAL(m.l4_len, 12);
	CU_ASSERT_EQUAL(m.sport, htons(1000));
	CU_ASSERT_EQUAL(m.dport, htons(2000));
}

static void
test_ip4_max_opts_parsed(void)
{
	struct pb p;
	struct pkt_meta m;
	uint32_t ip, udp;

	/* The longest header, 60 bytes, all of it under the checksum. */
	pb_reset(&p);
	pb_eth(&p, mac_uc, ET_IP4);
	ip = pb_ip4(&p, IPPROTO_UDP, 40);
	udp = pb_udp(&p, 1, 2);
	pb_udp_done(&p, udp);
	pb_ip4_done(&p, ip);
	CU_ASSERT_EQUAL_FATAL(parse_pb(&p, 0, &m), PKT_OK);
	CU_ASSERT_EQUAL(m.flags, PKT_F_IP4_OPTS);
	CU_ASSERT_EQUAL(m.l3_len, 68);
	CU_ASSERT_EQUAL(m.l4_off, 74);
	CU_ASSERT_EQUAL(m.l4_len, 8);

	p.b[ip + 59] ^= 0x80;
	expect_drop(&p, 0, PKT_DROP_IP4_CSUM);
}

static void
test_vlan_ip4_tagged_parsed(void)
{
	struct pb p;
	struct pkt_meta m;

	mk_vlan_ip4_tcp(&p);
	CU_ASSERT_EQUAL_FATAL(parse_pb(&p, 0, &m), PKT_OK);
	CU_ASSERT_EQUAL(m.flags, PKT_F_VLAN);
	CU_ASSERT_EQUAL(m.vlan_tci, 0x2064);
	CU_ASSERT_EQUAL(m.ethertype, ET_IP4);
	CU_ASSERT_EQUAL(m.l3_off, 18);
	CU_ASSERT_EQUAL(m.l3_len, 40);
	CU_ASSERT_EQUAL(m.l4_off, 38);
	CU_ASSERT_EQUAL(m.l4_len, 20);
	CU_ASSERT_EQUAL(m.sport, htons(12345));
	CU_ASSERT_EQUAL(m.dport, htons(80));

	/* An 802.1ad outer tag counts as the one tag we handle. */
	p.b[12] = ET_QINQ >> 8;
	p.b[13] = ET_QINQ & 0xff;
	CU_ASSERT_EQUAL_FATAL(parse_pb(&p, 0, &m), PKT_OK);
	CU_ASSERT_EQUAL(m.flags, PKT_F_VLAN);
	CU_ASSERT_EQUAL(m.l3_off, 18);
}

static void
test_ip6_tcp_parsed(void)
{
	struct pb p;
	struct pkt_meta m;

	mk_ip6_tcp(&p);
	CU_ASSERT_EQUAL_FATAL(parse_pb(&p, 0, &m), PKT_OK);
	CU_ASSERT_EQUAL(m.l3, PKT_L3_IPV6);
	CU_ASSERT_EQUAL(m.ethertype, ET_IP6);
	CU_ASSERT_EQUAL(m.l3_off, 14);
	CU_ASSERT_EQUAL(m.l3_len, 68);
	CU_ASSERT_EQUAL(m.l4_off, 54);
	CU_ASSERT_EQUAL(m.l4_len, 28);
	CU_ASSERT_EQUAL(m.l4_proto, IPPROTO_TCP);
	CU_ASSERT_EQUAL(m.sport, htons(50000));
	CU_ASSERT_EQUAL(m.dport, htons(22));
	CU_ASSERT_EQUAL(m.flags, 0);
	CU_ASSERT_EQUAL(m.nb_ext, 0);
}

static void
test_ip6_udp_parsed(void)
{
	struct pb p;
	struct pkt_meta m;

	mk_ip6_udp(&p);
	CU_ASSERT_EQUAL_FATAL(parse_pb(&p, 0, &m), PKT_OK);
	CU_ASSERT_EQUAL(m.l3, PKT_L3_IPV6);
	CU_ASSERT_EQUAL(m.l3_len, 56);
	CU_ASSERT_EQUAL(m.l4_off, 54);
	CU_ASSERT_EQUAL(m.l4_len, 16);
	CU_ASSERT_EQUAL(m.l4_proto, IPPROTO_UDP);
	CU_ASSERT_EQUAL(m.sport, htons(546));
	CU_ASSERT_EQUAL(m.dport, htons(547));
	CU_ASSERT_EQUAL(m.flags, 0);
}

static void
test_ip6_icmp6_ns_parsed(void)
{
	struct pb p;
	struct pkt_meta m;

	mk_ip6_ns(&p);
	CU_ASSERT_EQUAL_FATAL(parse_pb(&p, 0, &m), PKT_OK);
	CU_ASSERT_EQUAL(m.l4_proto, IPPROTO_ICMPV6);
	CU_ASSERT_EQUAL(m.l4_off, 54);
	CU_ASSERT_EQUAL(m.l4_len, 24);
	CU_ASSERT_EQUAL(m.icmp_type, 135);
	CU_ASSERT_EQUAL(m.icmp_code, 0);
	CU_ASSERT_EQUAL(m.dport, 0);
	CU_ASSERT_EQUAL(m.flags, PKT_F_L2_MCAST);
}

static void
test_ip6_ext_chain_walked(void)
{
	struct pb p;
	struct pkt_meta m;

	mk_ip6_ext_tcp(&p);
	CU_ASSERT_EQUAL_FATAL(parse_pb(&p, 0, &m), PKT_OK);
	CU_ASSERT_EQUAL(m.nb_ext, 3);
	CU_ASSERT_EQUAL(m.flags, PKT_F_IP6_EXT);
	CU_ASSERT_EQUAL(m.l3_len, 112);
	CU_ASSERT_EQUAL(m.l4_off, 102);
	CU_ASSERT_EQUAL(m.l4_len, 24);
	CU_ASSERT_EQUAL(m.l4_proto, IPPROTO_TCP);
	CU_ASSERT_EQUAL(m.sport, htons(33000));
	CU_ASSERT_EQUAL(m.dport, htons(179));
}

static void
test_ip6_ah_len_4byte_units(void)
{
	struct pb p;
	struct pkt_meta m;

	/* (4 + 2) * 4 = 24 bytes; read as 8-byte units it would be 40. */
	mk_ip6_ah_udp(&p);
	CU_ASSERT_EQUAL_FATAL(parse_pb(&p, 0, &m), PKT_OK);
	CU_ASSERT_EQUAL(m.nb_ext, 1);
	CU_ASSERT_EQUAL(m.flags, PKT_F_IP6_EXT);
	CU_ASSERT_EQUAL(m.l4_off, 78);
	CU_ASSERT_EQUAL(m.l4_len, 12);
	CU_ASSERT_EQUAL(m.l4_proto, IPPROTO_UDP);
	CU_ASSERT_EQUAL(m.sport, htons(500));
}

static void
test_ip6_ext_max_accepted(void)
{
	struct pb p;
	struct pkt_meta m;

	mk_ip6_ext_max_tcp(&p);
	CU_ASSERT_EQUAL_FATAL(parse_pb(&p, 0, &m), PKT_OK);
	CU_ASSERT_EQUAL(m.nb_ext, PKT_IP6_EXT_MAX);
	CU_ASSERT_EQUAL(m.l4_off, 54 + 8 * PKT_IP6_EXT_MAX);
	CU_ASSERT_EQUAL(m.l4_proto, IPPROTO_TCP);
}

static void
test_ip6_no_next_header_accepted(void)
{
	struct pb p;
	struct pkt_meta m;
	uint32_t ip;

	/* Protocols the parser does not know pass to classification. */
	pb_reset(&p);
	pb_eth(&p, mac_uc, ET_IP6);
	ip = pb_ip6(&p, NH_NONE);
	pb_ip6_done(&p, ip);
	CU_ASSERT_EQUAL_FATAL(parse_pb(&p, 0, &m), PKT_OK);
	CU_ASSERT_EQUAL(m.l4_proto, NH_NONE);
	CU_ASSERT_EQUAL(m.l4_off, 54);
	CU_ASSERT_EQUAL(m.l4_len, 0);
}

static void
test_arp_request_parsed(void)
{
	struct pb p;
	struct pkt_meta m;

	mk_arp(&p);
	CU_ASSERT_EQUAL_FATAL(parse_pb(&p, 0, &m), PKT_OK);
	CU_ASSERT_EQUAL(m.l3, PKT_L3_ARP);
	CU_ASSERT_EQUAL(m.ethertype, ET_ARP);
	CU_ASSERT_EQUAL(m.l3_off, 14);
	CU_ASSERT_EQUAL(m.l3_len, PKT_ARP_LEN);
	CU_ASSERT_EQUAL(m.l4_off, 0);
	CU_ASSERT_EQUAL(m.flags, PKT_F_L2_BCAST);

	/* Wire ARP is padded to 60 bytes; the padding is not ARP. */
	pb_bytes(&p, 18, 0);
	CU_ASSERT_EQUAL_FATAL(parse_pb(&p, 0, &m), PKT_OK);
	CU_ASSERT_EQUAL(m.l3_len, PKT_ARP_LEN);
}

static void
test_l2_bcast_mcast_flagged(void)
{
	struct pb p;
	struct pkt_meta m;

	mk_ip4_udp(&p);
	memcpy(p.b, mac_bc, 6);
	CU_ASSERT_EQUAL_FATAL(parse_pb(&p, 0, &m), PKT_OK);
	CU_ASSERT_EQUAL(m.flags, PKT_F_L2_BCAST);

	memcpy(p.b, mac_mc4, 6);
	CU_ASSERT_EQUAL_FATAL(parse_pb(&p, 0, &m), PKT_OK);
	CU_ASSERT_EQUAL(m.flags, PKT_F_L2_MCAST);

	/* All ones but one byte is a group address, not broadcast. */
	memcpy(p.b, mac_bc, 6);
	p.b[5] = 0xfe;
	CU_ASSERT_EQUAL_FATAL(parse_pb(&p, 0, &m), PKT_OK);
	CU_ASSERT_EQUAL(m.flags, PKT_F_L2_MCAST);

	/* The group bit is the low bit of the first byte, nothing else. */
	memcpy(p.b, mac_uc, 6);
	p.b[0] = 0xfe;
	CU_ASSERT_EQUAL_FATAL(parse_pb(&p, 0, &m), PKT_OK);
	CU_ASSERT_EQUAL(m.flags, 0);
}

static void
test_ip4_eth_padding_excluded(void)
{
	struct pb p;
	struct pkt_meta m;
	uint32_t ip, udp;

	/* 14 + 20 + 8 + 4 = 46 bytes, padded to the 60-byte minimum. */
	pb_reset(&p);
	pb_eth(&p, mac_uc, ET_IP4);
	ip = pb_ip4(&p, IPPROTO_UDP, 0);
	udp = pb_udp(&p, 7, 9);
	pb_bytes(&p, 4, 0x55);
	pb_udp_done(&p, udp);
	pb_ip4_done(&p, ip);
	pb_bytes(&p, 14, 0);
	CU_ASSERT_EQUAL(p.len, 60);
	CU_ASSERT_EQUAL_FATAL(parse_pb(&p, 0, &m), PKT_OK);
	CU_ASSERT_EQUAL(m.l3_len, 32);
	CU_ASSERT_EQUAL(m.l4_off, 34);
	CU_ASSERT_EQUAL(m.l4_len, 12);
	CU_ASSERT_EQUAL(m.sport, htons(7));
}

static void
test_ip4_first_frag_l4_parsed(void)
{
	struct pb p;
	struct pkt_meta m;

	mk_ip4_tcp(&p);
	wr16(p.b + 14 + 6, RTE_IPV4_HDR_MF_FLAG);
	ip4_fix_csum(&p, 14);
	CU_ASSERT_EQUAL_FATAL(parse_pb(&p, 0, &m), PKT_OK);
	CU_ASSERT_EQUAL(m.flags, PKT_F_FRAG);
	CU_ASSERT_EQUAL(m.l4_off, 34);
	CU_ASSERT_EQUAL(m.l4_len, 30);
	CU_ASSERT_EQUAL(m.sport, htons(40000));
	CU_ASSERT_EQUAL(m.dport, htons(443));

	/* DF alone is not a fragment. */
	wr16(p.b + 14 + 6, RTE_IPV4_HDR_DF_FLAG);
	ip4_fix_csum(&p, 14);
	CU_ASSERT_EQUAL_FATAL(parse_pb(&p, 0, &m), PKT_OK);
	CU_ASSERT_EQUAL(m.flags, 0);
}

static void
test_ip4_first_frag_udp_accepted(void)
{
	struct pb p;
	struct pkt_meta m;
	uint32_t ip, udp;

	/*
	 * The UDP length of a first fragment is that of the whole datagram,
	 * here 1480 bytes of which the fragment carries 24.
	 */
	pb_reset(&p);
	pb_eth(&p, mac_uc, ET_IP4);
	ip = pb_ip4(&p, IPPROTO_UDP, 0);
	udp = pb_udp(&p, 4789, 4789);
	pb_bytes(&p, 16, 0x66);
	wr16(p.b + udp + 4, 1480);
	wr16(p.b + ip + 6, RTE_IPV4_HDR_MF_FLAG);
	pb_ip4_done(&p, ip);
	CU_ASSERT_EQUAL_FATAL(parse_pb(&p, 0, &m), PKT_OK);
	CU_ASSERT_EQUAL(m.flags, PKT_F_FRAG);
	CU_ASSERT_EQUAL(m.l4_off, 34);
	CU_ASSERT_EQUAL(m.l4_len, 24);
	CU_ASSERT_EQUAL(m.sport, htons(4789));

	/* Still, a UDP length shorter than what the fragment holds lies. */
	wr16(p.b + udp + 4, 16);
	expect_drop(&p, 0, PKT_DROP_UDP_LEN);
}

static void
test_ip4_later_frag_l4_skipped(void)
{
	struct pb p;
	struct pkt_meta m;
	uint32_t ip;

	/* Three bytes where a TCP header would be: not a TCP header. */
	pb_reset(&p);
	pb_eth(&p, mac_uc, ET_IP4);
	ip = pb_ip4(&p, IPPROTO_TCP, 0);
	pb_bytes(&p, 3, 0xff);
	wr16(p.b + ip + 6, 185); /* offset 1480 bytes, last fragment */
	pb_ip4_done(&p, ip);
	CU_ASSERT_EQUAL_FATAL(parse_pb(&p, 0, &m), PKT_OK);
	CU_ASSERT_EQUAL(m.flags, PKT_F_FRAG | PKT_F_FRAG_LATER);
	CU_ASSERT_EQUAL(m.l4_off, 0);
	CU_ASSERT_EQUAL(m.l4_proto, IPPROTO_TCP);
	CU_ASSERT_EQUAL(m.l3_len, 23);
	CU_ASSERT_EQUAL(m.sport, 0);

	/* A middle fragment, MF and an offset, is a later one too. */
	wr16(p.b + ip + 6, RTE_IPV4_HDR_MF_FLAG | 1);
	ip4_fix_csum(&p, ip);
	CU_ASSERT_EQUAL_FATAL(parse_pb(&p, 0, &m), PKT_OK);
	CU_ASSERT_EQUAL(m.flags, PKT_F_FRAG | PKT_F_FRAG_LATER);
	CU_ASSERT_EQUAL(m.l4_off, 0);

	/* No L4 header here, so no L4 checksum verdict applies to it. */
	CU_ASSERT_EQUAL(parse_pb(&p, PKT_RX_L4_CSUM_BAD, &m), PKT_OK);
}

static void
test_ip6_first_frag_l4_parsed(void)
{
	struct pb p;
	struct pkt_meta m;

	mk_ip6_frag_first_udp(&p);
	CU_ASSERT_EQUAL_FATAL(parse_pb(&p, 0, &m), PKT_OK);
	CU_ASSERT_EQUAL(m.flags, PKT_F_FRAG | PKT_F_IP6_EXT);
	CU_ASSERT_EQUAL(m.nb_ext, 1);
	CU_ASSERT_EQUAL(m.l4_proto, IPPROTO_UDP);
	CU_ASSERT_EQUAL(m.l4_off, 62);
	CU_ASSERT_EQUAL(m.l4_len, 24);
	CU_ASSERT_EQUAL(m.sport, htons(4500));
	CU_ASSERT_EQUAL(m.dport, htons(4500));

	/* A UDP length shorter than what the fragment holds lies. */
	wr16(p.b + 62 + 4, 23);
	expect_drop(&p, 0, PKT_DROP_UDP_LEN);
}

static void
test_ip6_atomic_frag_not_flagged(void)
{
	struct pb p;
	struct pkt_meta m;

	/* Offset 0, M clear: a whole datagram in one piece, RFC 6946. */
	mk_ip6_frag_first_udp(&p);
	wr16(p.b + 54 + 2, 0);
	wr16(p.b + 62 + 4, 24);
	CU_ASSERT_EQUAL_FATAL(parse_pb(&p, 0, &m), PKT_OK);
	CU_ASSERT_EQUAL(m.flags, PKT_F_IP6_EXT);
	CU_ASSERT_EQUAL(m.nb_ext, 1);
	CU_ASSERT_EQUAL(m.l4_off, 62);

	/* Not being a fragment, its UDP length must be exact. */
	wr16(p.b + 62 + 4, 1000);
	expect_drop(&p, 0, PKT_DROP_UDP_LEN);
}

static void
test_ip6_later_frag_l4_skipped(void)
{
	struct pb p;
	struct pkt_meta m;
	uint32_t ip;

	pb_reset(&p);
	pb_eth(&p, mac_uc, ET_IP6);
	ip = pb_ip6(&p, NH_HOPOPTS);
	pb_ext(&p, NH_FRAGMENT, 0);
	pb_frag6(&p, IPPROTO_TCP, 154, false); /* offset 1232 bytes */
	pb_bytes(&p, 5, 0xff);
	pb_ip6_done(&p, ip);
	CU_ASSERT_EQUAL_FATAL(parse_pb(&p, 0, &m), PKT_OK);
	CU_ASSERT_EQUAL(m.flags, PKT_F_FRAG | PKT_F_FRAG_LATER | PKT_F_IP6_EXT);
	CU_ASSERT_EQUAL(m.nb_ext, 2);
	CU_ASSERT_EQUAL(m.l4_proto, IPPROTO_TCP);
	CU_ASSERT_EQUAL(m.l4_off, 0);
	CU_ASSERT_EQUAL(m.l3_len, 61);
	CU_ASSERT_EQUAL(m.sport, 0);
}

static void
test_ip4_rx_csum_good_skips_check(void)
{
	struct pb p;
	struct pkt_meta m;

	mk_ip4_tcp(&p);
	p.b[14 + 10] ^= 0x5a;
	CU_ASSERT_EQUAL_FATAL(parse_pb(&p, PKT_RX_IP4_CSUM_GOOD, &m), PKT_OK);
	CU_ASSERT_EQUAL(m.l4_off, 34);
}

/* Malformed frames, one exact drop reason each. */

static void
test_eth_short_dropped(void)
{
	struct pb p;

	mk_ip4_tcp(&p);
	expect_drop_len(&p, 13, 0, PKT_DROP_ETH_TRUNC);
	expect_drop_len(&p, 0, 0, PKT_DROP_ETH_TRUNC);
}

static void
test_vlan_short_dropped(void)
{
	struct pb p;

	mk_vlan_ip4_tcp(&p);
	expect_drop_len(&p, 14, 0, PKT_DROP_VLAN_TRUNC);
	expect_drop_len(&p, 17, 0, PKT_DROP_VLAN_TRUNC);
}

static void
test_vlan_nested_dropped(void)
{
	struct pb p;
	uint32_t ip;

	pb_reset(&p);
	pb_eth(&p, mac_uc, ET_QINQ);
	pb_vlan(&p, 100, ET_VLAN);
	pb_vlan(&p, 200, ET_IP4);
	ip = pb_ip4(&p, IPPROTO_TCP, 0);
	pb_tcp(&p, 1, 2, 5);
	pb_ip4_done(&p, ip);
	expect_drop(&p, 0, PKT_DROP_VLAN_NESTED);

	p.b[16] = ET_QINQ >> 8;
	p.b[17] = ET_QINQ & 0xff;
	expect_drop(&p, 0, PKT_DROP_VLAN_NESTED);

	/* Known at the second EtherType already, without its 4 bytes. */
	expect_drop_len(&p, 18, 0, PKT_DROP_VLAN_NESTED);
}

static void
test_ethertype_unknown_dropped(void)
{
	struct pb p;

	pb_reset(&p);
	pb_eth(&p, mac_mc4, ET_LLDP);
	pb_bytes(&p, 46, 0);
	expect_drop(&p, 0, PKT_DROP_ETHERTYPE);

	/* Behind a tag too, and with nothing after the EtherType. */
	pb_reset(&p);
	pb_eth(&p, mac_uc, ET_VLAN);
	pb_vlan(&p, 5, 0x0000);
	expect_drop(&p, 0, PKT_DROP_ETHERTYPE);
}

static void
test_arp_short_dropped(void)
{
	struct pb p;

	mk_arp(&p);
	expect_drop_len(&p, p.len - 1, 0, PKT_DROP_ARP_TRUNC);
	expect_drop_len(&p, 14, 0, PKT_DROP_ARP_TRUNC);
}

static void
test_arp_not_eth_ip4_dropped(void)
{
	struct pb p;

	mk_arp(&p);
	wr16(p.b + 14, 6); /* htype IEEE 802 */
	expect_drop(&p, 0, PKT_DROP_ARP_FORMAT);

	mk_arp(&p);
	wr16(p.b + 16, ET_IP6); /* ptype */
	expect_drop(&p, 0, PKT_DROP_ARP_FORMAT);

	mk_arp(&p);
	p.b[18] = 8; /* hlen */
	expect_drop(&p, 0, PKT_DROP_ARP_FORMAT);

	mk_arp(&p);
	p.b[19] = 16; /* plen */
	expect_drop(&p, 0, PKT_DROP_ARP_FORMAT);
}

static void
test_ip4_short_dropped(void)
{
	struct pb p;

	mk_ip4_tcp(&p);
	expect_drop_len(&p, 33, 0, PKT_DROP_IP4_TRUNC);
	expect_drop_len(&p, 14, 0, PKT_DROP_IP4_TRUNC);
}

static void
test_ip4_bad_version_dropped(void)
{
	struct pb p;

	mk_ip4_tcp(&p);
	p.b[14] = 0x65;
	ip4_fix_csum(&p, 14);
	expect_drop(&p, 0, PKT_DROP_IP4_VERSION);
}

static void
test_ip4_bad_ihl_dropped(void)
{
	struct pb p;
	uint32_t ip, udp;

	mk_ip4_tcp(&p);
	p.b[14] = 0x44;
	expect_drop(&p, 0, PKT_DROP_IP4_IHL);
	p.b[14] = 0x40;
	expect_drop(&p, 0, PKT_DROP_IP4_IHL);

	/* 60 bytes of header claimed, 28 bytes of IP in the frame. */
	pb_reset(&p);
	pb_eth(&p, mac_uc, ET_IP4);
	ip = pb_ip4(&p, IPPROTO_UDP, 0);
	udp = pb_udp(&p, 1, 2);
	pb_udp_done(&p, udp);
	pb_ip4_done(&p, ip);
	p.b[ip] = 0x4f;
	expect_drop(&p, 0, PKT_DROP_IP4_IHL);

	/* One 4-byte word past the frame is enough. */
	p.b[ip] = 0x48;
	expect_drop(&p, 0, PKT_DROP_IP4_IHL);
}

static void
test_ip4_bad_len_dropped(void)
{
	struct pb p;

	mk_ip4_tcp(&p);
	wr16(p.b + 14 + 2, 19);
	ip4_fix_csum(&p, 14);
	expect_drop(&p, 0, PKT_DROP_IP4_LEN);

	mk_ip4_opts_udp(&p);
	wr16(p.b + 14 + 2, 20); /* header alone is 24 */
	ip4_fix_csum(&p, 14);
	expect_drop(&p, 0, PKT_DROP_IP4_LEN);

	mk_ip4_tcp(&p);
	wr16(p.b + 14 + 2, (uint16_t)(p.len - 14 + 1));
	ip4_fix_csum(&p, 14);
	expect_drop(&p, 0, PKT_DROP_IP4_LEN);

	mk_ip4_tcp(&p);
	wr16(p.b + 14 + 2, 0xffff);
	ip4_fix_csum(&p, 14);
	expect_drop(&p, 0, PKT_DROP_IP4_LEN);
}

static void
test_ip4_bad_csum_dropped(void)
{
	struct pb p;
	struct pkt_meta m;

	mk_ip4_tcp(&p);
	p.b[14 + 8] = 63; /* TTL changed, checksum not */
	expect_drop(&p, 0, PKT_DROP_IP4_CSUM);

	/* Options are inside the checksum. */
	mk_ip4_opts_udp(&p);
	p.b[14 + 20] = 0;
	expect_drop(&p, 0, PKT_DROP_IP4_CSUM);

	/* The port's verdict wins over a correct header. */
	mk_ip4_tcp(&p);
	CU_ASSERT_EQUAL(parse_pb(&p, 0, &m), PKT_OK);
	expect_drop(&p, PKT_RX_IP4_CSUM_BAD, PKT_DROP_IP4_CSUM);
}

static void
test_ip6_short_dropped(void)
{
	struct pb p;

	mk_ip6_tcp(&p);
	expect_drop_len(&p, 53, 0, PKT_DROP_IP6_TRUNC);
	expect_drop_len(&p, 14, 0, PKT_DROP_IP6_TRUNC);
}

static void
test_ip6_bad_version_dropped(void)
{
	struct pb p;

	mk_ip6_tcp(&p);
	p.b[14] = 0x40;
	expect_drop(&p, 0, PKT_DROP_IP6_VERSION);
}

static void
test_ip6_bad_len_dropped(void)
{
	struct pb p;

	mk_ip6_tcp(&p);
	wr16(p.b + 14 + 4, (uint16_t)(p.len - 54 + 1));
	expect_drop(&p, 0, PKT_DROP_IP6_LEN);
	wr16(p.b + 14 + 4, 0xffff);
	expect_drop(&p, 0, PKT_DROP_IP6_LEN);
}

static void
test_ip6_ext_trunc_dropped(void)
{
	struct pb p;
	uint32_t ip;

	/* Fewer than the 8 bytes every extension header starts with. */
	pb_reset(&p);
	pb_eth(&p, mac_uc, ET_IP6);
	ip = pb_ip6(&p, NH_HOPOPTS);
	pb_bytes(&p, 4, 0);
	pb_ip6_done(&p, ip);
	expect_drop(&p, 0, PKT_DROP_IP6_EXT_TRUNC);

	/* Length field says 16 bytes, 8 are there. */
	pb_reset(&p);
	pb_eth(&p, mac_uc, ET_IP6);
	ip = pb_ip6(&p, NH_DSTOPTS);
	pb_ext(&p, IPPROTO_TCP, 0);
	pb_ip6_done(&p, ip);
	p.b[ip + PKT_IP6_HLEN + 1] = 1;
	expect_drop(&p, 0, PKT_DROP_IP6_EXT_TRUNC);

	/* The header is in the frame, but in the padding, not the payload. */
	pb_reset(&p);
	pb_eth(&p, mac_uc, ET_IP6);
	ip = pb_ip6(&p, NH_ROUTING);
	pb_ip6_done(&p, ip);
	pb_ext(&p, NH_NONE, 0);
	expect_drop(&p, 0, PKT_DROP_IP6_EXT_TRUNC);

	/* AH of (10 + 2) * 4 = 48 bytes with 24 present. */
	mk_ip6_ah_udp(&p);
	p.b[14 + PKT_IP6_HLEN + 1] = 10;
	expect_drop(&p, 0, PKT_DROP_IP6_EXT_TRUNC);

	/* A fragment header cut short. */
	mk_ip6_frag_first_udp(&p);
	wr16(p.b + 14 + 4, 7);
	expect_drop(&p, 0, PKT_DROP_IP6_EXT_TRUNC);
}

static void
test_ip6_ext_limit_dropped(void)
{
	struct pb p;
	uint32_t ip, i;

	pb_reset(&p);
	pb_eth(&p, mac_uc, ET_IP6);
	ip = pb_ip6(&p, NH_HOPOPTS);
	for (i = 0; i < PKT_IP6_EXT_MAX + 1; i++)
		pb_ext(&p, i < PKT_IP6_EXT_MAX ? NH_DSTOPTS : IPPROTO_TCP, 0);
	pb_tcp(&p, 1, 2, 5);
	pb_ip6_done(&p, ip);
	expect_drop(&p, 0, PKT_DROP_IP6_EXT_LIMIT);
}

static void
test_tcp_short_dropped(void)
{
	struct pb p;
	uint32_t ip;

	pb_reset(&p);
	pb_eth(&p, mac_uc, ET_IP4);
	ip = pb_ip4(&p, IPPROTO_TCP, 0);
	pb_tcp(&p, 1, 2, 5);
	p.len--;
	pb_ip4_done(&p, ip);
	expect_drop(&p, 0, PKT_DROP_TCP_TRUNC);

	/* The frame holds the header, the IP datagram does not. */
	mk_ip4_tcp(&p);
	wr16(p.b + 14 + 2, 20 + 19);
	ip4_fix_csum(&p, 14);
	expect_drop(&p, 0, PKT_DROP_TCP_TRUNC);

	pb_reset(&p);
	pb_eth(&p, mac_uc, ET_IP6);
	ip = pb_ip6(&p, IPPROTO_TCP);
	pb_ip6_done(&p, ip);
	expect_drop(&p, 0, PKT_DROP_TCP_TRUNC);
}

static void
test_tcp_bad_doff_dropped(void)
{
	struct pb p;

	mk_ip4_tcp(&p);
	p.b[34 + 12] = 4 << 4;
	expect_drop(&p, 0, PKT_DROP_TCP_DOFF);
	p.b[34 + 12] = 0;
	expect_drop(&p, 0, PKT_DROP_TCP_DOFF);

	/* 60 bytes of header claimed in a 30-byte segment. */
	p.b[34 + 12] = 15 << 4;
	expect_drop(&p, 0, PKT_DROP_TCP_DOFF);

	/* Exactly as long as the segment is fine, one word more is not. */
	mk_vlan_ip4_tcp(&p);
	p.b[38 + 12] = 6 << 4;
	expect_drop(&p, 0, PKT_DROP_TCP_DOFF);

	mk_ip6_tcp(&p);
	p.b[54 + 12] = 8 << 4;
	expect_drop(&p, 0, PKT_DROP_TCP_DOFF);
}

static void
test_tcp_doff_whole_segment_accepted(void)
{
	struct pb p;
	struct pkt_meta m;

	mk_ip4_tcp(&p);
	p.b[34 + 12] = 7 << 4; /* 28 of the 30 bytes */
	CU_ASSERT_EQUAL(parse_pb(&p, 0, &m), PKT_OK);
	mk_vlan_ip4_tcp(&p);
	CU_ASSERT_EQUAL(parse_pb(&p, 0, &m), PKT_OK);
}

static void
test_udp_short_dropped(void)
{
	struct pb p;
	uint32_t ip;

	pb_reset(&p);
	pb_eth(&p, mac_uc, ET_IP4);
	ip = pb_ip4(&p, IPPROTO_UDP, 0);
	pb_bytes(&p, 7, 0);
	pb_ip4_done(&p, ip);
	expect_drop(&p, 0, PKT_DROP_UDP_TRUNC);

	pb_reset(&p);
	pb_eth(&p, mac_uc, ET_IP6);
	ip = pb_ip6(&p, IPPROTO_UDP);
	pb_bytes(&p, 7, 0);
	pb_ip6_done(&p, ip);
	expect_drop(&p, 0, PKT_DROP_UDP_TRUNC);
}

static void
test_udp_bad_len_dropped(void)
{
	struct pb p;
	uint32_t ip, udp;

	/* Below the header: 7 and 0, in a datagram with exactly 8 bytes. */
	pb_reset(&p);
	pb_eth(&p, mac_uc, ET_IP4);
	ip = pb_ip4(&p, IPPROTO_UDP, 0);
	udp = pb_udp(&p, 1, 2);
	pb_ip4_done(&p, ip);
	wr16(p.b + udp + 4, 7);
	expect_drop(&p, 0, PKT_DROP_UDP_LEN);
	wr16(p.b + udp + 4, 0);
	expect_drop(&p, 0, PKT_DROP_UDP_LEN);

	/* Shorter than the IP payload: 8 of 20. */
	mk_ip4_udp(&p);
	wr16(p.b + 34 + 4, 8);
	expect_drop(&p, 0, PKT_DROP_UDP_LEN);

	/* Longer than the IP payload, even if the frame has the bytes. */
	mk_ip4_udp(&p);
	wr16(p.b + 34 + 4, 21);
	pb_bytes(&p, 1, 0);
	expect_drop(&p, 0, PKT_DROP_UDP_LEN);

	mk_ip6_udp(&p);
	wr16(p.b + 54 + 4, 15);
	expect_drop(&p, 0, PKT_DROP_UDP_LEN);
}

static void
test_icmp_short_dropped(void)
{
	struct pb p;
	uint32_t ip;

	pb_reset(&p);
	pb_eth(&p, mac_uc, ET_IP4);
	ip = pb_ip4(&p, IPPROTO_ICMP, 0);
	pb_bytes(&p, 7, 0);
	pb_ip4_done(&p, ip);
	expect_drop(&p, 0, PKT_DROP_ICMP_TRUNC);
}

static void
test_icmp6_short_dropped(void)
{
	struct pb p;
	struct pkt_meta m;
	uint32_t ip;

	pb_reset(&p);
	pb_eth(&p, mac_uc, ET_IP6);
	ip = pb_ip6(&p, IPPROTO_ICMPV6);
	pb_bytes(&p, 3, 0);
	pb_ip6_done(&p, ip);
	expect_drop(&p, 0, PKT_DROP_ICMP6_TRUNC);

	/* Four bytes are a whole ICMPv6 header; no identifier to read. */
	pb_reset(&p);
	pb_eth(&p, mac_uc, ET_IP6);
	ip = pb_ip6(&p, IPPROTO_ICMPV6);
	pb_put(&p, 4)[0] = 2; /* packet too big */
	pb_ip6_done(&p, ip);
	CU_ASSERT_EQUAL_FATAL(parse_pb(&p, 0, &m), PKT_OK);
	CU_ASSERT_EQUAL(m.l4_len, 4);
	CU_ASSERT_EQUAL(m.icmp_type, 2);
	CU_ASSERT_EQUAL(m.sport, 0);
}

static void
test_l4_csum_bad_dropped(void)
{
	struct pb p;
	struct pkt_meta m;

	mk_ip4_tcp(&p);
	CU_ASSERT_EQUAL(parse_pb(&p, 0, &m), PKT_OK);
	expect_drop(&p, PKT_RX_L4_CSUM_BAD, PKT_DROP_L4_CSUM);
	mk_ip4_udp(&p);
	expect_drop(&p, PKT_RX_L4_CSUM_BAD, PKT_DROP_L4_CSUM);
	mk_ip6_ext_tcp(&p);
	expect_drop(&p, PKT_RX_L4_CSUM_BAD, PKT_DROP_L4_CSUM);

	/* A worse L4 problem is reported as such. */
	mk_ip4_tcp(&p);
	p.b[34 + 12] = 0;
	expect_drop(&p, PKT_RX_L4_CSUM_BAD, PKT_DROP_TCP_DOFF);
}

/* Robustness. */

/* Every prefix of a frame whose IP length says "all of it" is a drop. */
static void
check_prefixes(const struct pb *p, uint32_t ip_hlen)
{
	struct pkt_meta m;
	uint32_t len;
	bool sane;

	for (len = 0; len < p->len; len++) {
		enum pkt_drop r = parse_exact(p->b, len, 0, &m, &sane);
		enum pkt_drop want = len < 14 ?
			PKT_DROP_ETH_TRUNC :
			len < 14 + ip_hlen ?
			(ip_hlen == PKT_IP6_HLEN ? PKT_DROP_IP6_TRUNC :
						   PKT_DROP_IP4_TRUNC) :
			(ip_hlen == PKT_IP6_HLEN ? PKT_DROP_IP6_LEN :
						   PKT_DROP_IP4_LEN);

		CU_ASSERT(sane);
		if (r != want)
			fprintf(stderr, "\n  len %u: want %s, got %s\n", len,
				pkt_drop_name(want), pkt_drop_name(r));
		CU_ASSERT_EQUAL(r, want);
	}
}

static void
test_ip4_prefixes_dropped(void)
{
	struct pb p;

	mk_ip4_tcp(&p);
	check_prefixes(&p, PKT_IP4_HLEN_MIN);
}

static void
test_ip6_prefixes_dropped(void)
{
	struct pb p;

	mk_ip6_ext_tcp(&p);
	check_prefixes(&p, PKT_IP6_HLEN);
}

/*
 * Cut the frame and rewrite the IP length to match, so the IP layer accepts
 * it and the cut lands in the extension headers or the L4 header.
 */
static void
test_ip4_consistent_cuts_dropped(void)
{
	struct pb p;
	struct pkt_meta m;
	uint32_t len;

	for (len = 34; len < 64; len++) {
		enum pkt_drop r;

		mk_ip4_tcp(&p);
		wr16(p.b + 14 + 2, (uint16_t)(len - 14));
		ip4_fix_csum(&p, 14);
		r = parse_len(&p, len, 0, &m);
		if (len < 54) {
			CU_ASSERT_EQUAL(r, PKT_DROP_TCP_TRUNC);
		} else {
			CU_ASSERT_EQUAL_FATAL(r, PKT_OK);
			CU_ASSERT_EQUAL(m.l4_len, len - 34);
		}
	}
}

static void
test_ip6_consistent_cuts_dropped(void)
{
	struct pb p;
	struct pkt_meta m;
	uint32_t len;

	/* Headers end at 54 + 8, + 16, + 24 = 102, then TCP at 122. */
	for (len = 54; len < 126; len++) {
		enum pkt_drop r;

		mk_ip6_ext_tcp(&p);
		wr16(p.b + 14 + 4, (uint16_t)(len - 54));
		r = parse_len(&p, len, 0, &m);
		if (len < 102) {
			CU_ASSERT_EQUAL(r, PKT_DROP_IP6_EXT_TRUNC);
		} else if (len < 122) {
			CU_ASSERT_EQUAL(r, PKT_DROP_TCP_TRUNC);
		} else {
			CU_ASSERT_EQUAL_FATAL(r, PKT_OK);
			CU_ASSERT_EQUAL(m.l4_len, len - 102);
		}
	}
}

static uint64_t
xorshift64(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

typedef void (*mk_fn)(struct pb *);

static const mk_fn fuzz_templates[] = {
	mk_ip4_tcp,
	mk_ip4_udp,
	mk_ip4_icmp,
	mk_ip4_opts_udp,
	mk_vlan_ip4_tcp,
	mk_ip6_tcp,
	mk_ip6_udp,
	mk_ip6_ns,
	mk_ip6_ext_tcp,
	mk_ip6_ext_max_tcp,
	mk_ip6_ah_udp,
	mk_ip6_frag_first_udp,
	mk_arp,
};

/* EtherTypes that get random bytes past the Ethernet header. */
static const uint16_t fuzz_ethertypes[] = {
	ET_IP4,
	ET_IP6,
	ET_ARP,
	ET_VLAN,
	ET_QINQ,
};

/*
 * Builds one fuzz case in 'p' and returns its length: random bytes, random
 * bytes behind a known EtherType and version, or a valid frame with a few
 * bytes changed and its end cut or padded.
 */
static uint32_t
fuzz_case(struct pb *p, uint64_t *rng)
{
	uint64_t r = xorshift64(rng);
	uint32_t len, i, n;

	pb_reset(p);
	if ((r & 3) < 2) {
		len = (uint32_t)(xorshift64(rng) % (FUZZ_LEN_MAX + 1));
		for (i = 0; i < len; i++)
			p->b[i] = (uint8_t)xorshift64(rng);
		p->len = len;
		if ((r & 3) == 1 && len > 14) {
			uint16_t et = fuzz_ethertypes[(r >> 2) %
				WEIR_ARRAY_LEN(fuzz_ethertypes)];

			wr16(p->b + 12, et);
			p->b[14] = (uint8_t)((et == ET_IP6 ? 0x60 : 0x40) |
				(p->b[14] & 0xf));
			if (et == ET_ARP && len >= 20) {
				wr16(p->b + 14, 1);
				wr16(p->b + 16, ET_IP4);
				p->b[18] = 6;
				p->b[19] = 4;
			}
		}
		return len;
	}
	fuzz_templates[(r >> 2) % WEIR_ARRAY_LEN(fuzz_templates)](p);
	n = (uint32_t)((r >> 8) % 4);
	for (i = 0; i < n; i++) {
		uint64_t x = xorshift64(rng);
		uint32_t pos = (uint32_t)(x >> 16) % p->len;

		if (x & 1)
			p->b[pos] ^= (uint8_t)(1 << ((x >> 1) & 7));
		else
			p->b[pos] = (uint8_t)(x >> 8);
	}
	/* Keep IPv4 mutations past the checksum half of the time. */
	if ((r >> 12) & 1 && rd16(p->b + 12) == ET_IP4 &&
		(p->b[14] & 0xf) * 4u <= p->len - 14)
		ip4_fix_csum(p, 14);
	switch ((r >> 16) & 3) {
	case 0:
		len = (uint32_t)(xorshift64(rng) % (p->len + 1));
		break;
	case 1:
		len = p->len +
			(uint32_t)(xorshift64(rng) %
				(FUZZ_LEN_MAX - p->len + 1));
		for (i = p->len; i < len; i++)
			p->b[i] = (uint8_t)xorshift64(rng);
		break;
	default:
		len = p->len;
		break;
	}
	p->len = len;
	return len;
}

static void
test_fuzz_invariants_hold(void)
{
	uint64_t rng = 0x9e3779b97f4a7c15ULL;
	uint32_t hist[PKT_DROP_COUNT] = { 0 };
	uint32_t i, insane = 0, bad_enum = 0, too_long = 0, kinds = 0;
	struct pkt_meta m;
	struct pb p;

	for (i = 0; i < FUZZ_ITERS; i++) {
		uint32_t len = fuzz_case(&p, &rng);
		uint64_t x = xorshift64(&rng);
		uint32_t rx = (x & 1) ? (uint32_t)(x >> 1) & 7 : 0;
		enum pkt_drop r;
		bool sane;

		too_long += len > FUZZ_LEN_MAX;
		r = parse_exact(p.b, len, rx, &m, &sane);
		if (!sane && insane++ < 5)
			fprintf(stderr, "  fuzz case %u\n", i);
		if ((unsigned int)r < PKT_DROP_COUNT)
			hist[r]++;
		else
			bad_enum++;
	}
	CU_ASSERT_EQUAL(insane, 0);
	CU_ASSERT_EQUAL(bad_enum, 0);
	CU_ASSERT_EQUAL(too_long, 0);
	for (i = 0; i < PKT_DROP_COUNT; i++)
		kinds += hist[i] != 0;
	/* A fuzzer stuck at one layer would prove little. */
	CU_ASSERT(hist[PKT_OK] > FUZZ_ITERS / 20);
	CU_ASSERT(kinds > PKT_DROP_COUNT / 2);
}

/* Names. */

static void
test_drop_names_distinct(void)
{
	int i, j;

	for (i = 0; i < PKT_DROP_COUNT; i++) {
		const char *n = pkt_drop_name((enum pkt_drop)i);
		const char *h = pkt_drop_help((enum pkt_drop)i);

		CU_ASSERT_PTR_NOT_NULL_FATAL(n);
		CU_ASSERT_PTR_NOT_NULL_FATAL(h);
		CU_ASSERT(n[0] != '\0');
		CU_ASSERT(h[0] != '\0');
		CU_ASSERT_STRING_NOT_EQUAL(n, "?");
		CU_ASSERT_STRING_NOT_EQUAL(h, "?");
		/* Counter names become metric names: no spaces. */
		CU_ASSERT_PTR_NULL(strchr(n, ' '));
		for (j = 0; j < i; j++)
			CU_ASSERT_STRING_NOT_EQUAL(
				n, pkt_drop_name((enum pkt_drop)j));
	}
	CU_ASSERT_STRING_EQUAL(pkt_drop_name(PKT_DROP_IP4_IHL), "ip4_bad_ihl");
	CU_ASSERT_STRING_EQUAL(
		pkt_drop_name(PKT_DROP_L4_CSUM), "l4_bad_checksum");
}

static void
test_drop_name_out_of_range_unknown(void)
{
	CU_ASSERT_STRING_EQUAL(pkt_drop_name(PKT_DROP_COUNT), "?");
	CU_ASSERT_STRING_EQUAL(pkt_drop_help(PKT_DROP_COUNT), "?");
	CU_ASSERT_STRING_EQUAL(pkt_drop_name((enum pkt_drop)1000), "?");
	CU_ASSERT_STRING_EQUAL(pkt_drop_help((enum pkt_drop)1000), "?");
	CU_ASSERT_STRING_EQUAL(pkt_drop_name((enum pkt_drop) - 1), "?");
	CU_ASSERT_STRING_EQUAL(pkt_drop_help((enum pkt_drop) - 1), "?");
}

/* Runs last: the malformed-frame tests above must cover every reason. */
static void
test_drop_all_reasons_seen(void)
{
	int i;

	for (i = 1; i < PKT_DROP_COUNT; i++) {
		if (!seen[i])
			fprintf(stderr, "\n  no test produced %s\n",
				pkt_drop_name((enum pkt_drop)i));
		CU_ASSERT(seen[i]);
	}
}

/*
 * The IPv4 header check agrees with DPDK's generic checksum on random
 * headers of every length, half of them given a correct checksum.
 */
static void
test_ip4_csum_matches_raw_cksum(void)
{
	uint32_t rnd = 7, i, j, ok = 0, bad = 0;
	uint8_t ip[60];

	for (i = 0; i < 100000; i++) {
		uint32_t ihl = 20 + 4 * (i % 11);
		bool want;

		for (j = 0; j < ihl; j++) {
			rnd = rnd * 1103515245u + 12345u;
			ip[j] = (uint8_t)(rnd >> 16);
		}
		if (i & 1) {
			uint16_t c;

			ip[10] = ip[11] = 0;
			c = (uint16_t)~rte_raw_cksum(ip, ihl);
			memcpy(ip + 10, &c, 2);
		}
		want = rte_raw_cksum(ip, ihl) == 0xffff;
		ok += want;
		bad += !want;
		CU_ASSERT_EQUAL(pkt_ip4_csum_ok(ip, ihl), want);
	}
	/* Both verdicts were exercised. */
	CU_ASSERT(ok >= 50000 && bad > 40000);
}

static CU_TestInfo tests[] = { { "ip4_csum_matches_raw_cksum",
				       test_ip4_csum_matches_raw_cksum },
	{ "ip4_tcp_parsed", test_ip4_tcp_parsed },
	{ "ip4_udp_parsed", test_ip4_udp_parsed },
	{ "ip4_icmp_echo_parsed", test_ip4_icmp_echo_parsed },
	{ "ip4_opts_l4_moved", test_ip4_opts_l4_moved },
	{ "ip4_max_opts_parsed", test_ip4_max_opts_parsed },
	{ "vlan_ip4_tagged_parsed", test_vlan_ip4_tagged_parsed },
	{ "ip6_tcp_parsed", test_ip6_tcp_parsed },
	{ "ip6_udp_parsed", test_ip6_udp_parsed },
	{ "ip6_icmp6_ns_parsed", test_ip6_icmp6_ns_parsed },
	{ "ip6_ext_chain_walked", test_ip6_ext_chain_walked },
	{ "ip6_ah_len_4byte_units", test_ip6_ah_len_4byte_units },
	{ "ip6_ext_max_accepted", test_ip6_ext_max_accepted },
	{ "ip6_no_next_header_accepted", test_ip6_no_next_header_accepted },
	{ "arp_request_parsed", test_arp_request_parsed },
	{ "l2_bcast_mcast_flagged", test_l2_bcast_mcast_flagged },
	{ "ip4_eth_padding_excluded", test_ip4_eth_padding_excluded },
	{ "ip4_first_frag_l4_parsed", test_ip4_first_frag_l4_parsed },
	{ "ip4_first_frag_udp_accepted", test_ip4_first_frag_udp_accepted },
	{ "ip4_later_frag_l4_skipped", test_ip4_later_frag_l4_skipped },
	{ "ip6_first_frag_l4_parsed", test_ip6_first_frag_l4_parsed },
	{ "ip6_later_frag_l4_skipped", test_ip6_later_frag_l4_skipped },
	{ "ip6_atomic_frag_not_flagged", test_ip6_atomic_frag_not_flagged },
	{ "ip4_rx_csum_good_skips_check", test_ip4_rx_csum_good_skips_check },
	{ "eth_short_dropped", test_eth_short_dropped },
	{ "vlan_short_dropped", test_vlan_short_dropped },
	{ "vlan_nested_dropped", test_vlan_nested_dropped },
	{ "ethertype_unknown_dropped", test_ethertype_unknown_dropped },
	{ "arp_short_dropped", test_arp_short_dropped },
	{ "arp_not_eth_ip4_dropped", test_arp_not_eth_ip4_dropped },
	{ "ip4_short_dropped", test_ip4_short_dropped },
	{ "ip4_bad_version_dropped", test_ip4_bad_version_dropped },
	{ "ip4_bad_ihl_dropped", test_ip4_bad_ihl_dropped },
	{ "ip4_bad_len_dropped", test_ip4_bad_len_dropped },
	{ "ip4_bad_csum_dropped", test_ip4_bad_csum_dropped },
	{ "ip6_short_dropped", test_ip6_short_dropped },
	{ "ip6_bad_version_dropped", test_ip6_bad_version_dropped },
	{ "ip6_bad_len_dropped", test_ip6_bad_len_dropped },
	{ "ip6_ext_trunc_dropped", test_ip6_ext_trunc_dropped },
	{ "ip6_ext_limit_dropped", test_ip6_ext_limit_dropped },
	{ "tcp_short_dropped", test_tcp_short_dropped },
	{ "tcp_bad_doff_dropped", test_tcp_bad_doff_dropped },
	{ "tcp_doff_whole_segment_accepted",
		test_tcp_doff_whole_segment_accepted },
	{ "udp_short_dropped", test_udp_short_dropped },
	{ "udp_bad_len_dropped", test_udp_bad_len_dropped },
	{ "icmp_short_dropped", test_icmp_short_dropped },
	{ "icmp6_short_dropped", test_icmp6_short_dropped },
	{ "l4_csum_bad_dropped", test_l4_csum_bad_dropped },
	{ "ip4_prefixes_dropped", test_ip4_prefixes_dropped },
	{ "ip6_prefixes_dropped", test_ip6_prefixes_dropped },
	{ "ip4_consistent_cuts_dropped", test_ip4_consistent_cuts_dropped },
	{ "ip6_consistent_cuts_dropped", test_ip6_consistent_cuts_dropped },
	{ "fuzz_invariants_hold", test_fuzz_invariants_hold },
	{ "drop_names_distinct", test_drop_names_distinct },
	{ "drop_name_out_of_range_unknown",
		test_drop_name_out_of_range_unknown },
	{ "drop_all_reasons_seen", test_drop_all_reasons_seen },
	CU_TEST_INFO_NULL };

static CU_SuiteInfo suites[] = { { .pName = "pkt", .pTests = tests },
	CU_SUITE_INFO_NULL };

int
main(void)
{
	return weir_cunit_run(suites);
}
