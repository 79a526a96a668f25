/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the FullNAT rewrite helpers (nat_dp.h). What matters is
 * that every incremental checksum update equals a full recompute, so most
 * tests are random properties: tens of thousands of IPv4/IPv6 TCP/UDP
 * packets with random headers, IPv4 options, TCP options and payload
 * lengths 0..PAYLOAD_MAX, built with a correct checksum from DPDK's full
 * sums (rte_ipv4_cksum, rte_ipv4_udptcp_cksum, rte_ipv6_udptcp_cksum),
 * rewritten by the code under test, compared byte for byte with a copy
 * whose fields were set and whose checksums were recomputed in full, and
 * validated with this file's own RFC 1071 sum, a reference independent of
 * both. The byte comparison also proves that nothing else changed.
 *
 * Checksums compare exactly, 0x0000 and 0xffff included. Eqn. 3 applied to
 * a checksum a full sum produced yields the same bits as a full sum (the
 * argument is in nat_dp.h), and RFC 768 fixes UDP's spelling of zero, so a
 * comparison that let 0x0000 match 0xffff would hide a real difference on
 * the wire rather than forgive a harmless one. Where only equivalence can
 * hold (a TCP checksum that arrived as 0xffff), the test says so.
 *
 * Every packet sits in an exact-size heap buffer at a random misalignment,
 * so ASan and valgrind flag a read past the end and UBSan a misaligned
 * access. The PRNG is xorshift64 with a fixed seed per test, so a failure
 * reproduces. Edge cases then pin down what randomness rarely reaches:
 * checksums that compute to zero, 0x0000/0xffff address words, no-op
 * rewrites, MSS option walks over malformed bytes, TTL limits.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "weir_cunit.h"
#include "weir_common.h"
#include "nat_dp.h"
#include "nat_port_dp.h"

#define NB_RANDOM 10000	     /* packets per random property test */
#define NB_EDGE 1000	     /* packets per edge-case loop */
#define NB_ZERO 100	     /* zero-sum constructions per case */
#define NB_CSUM_BUFS 2000    /* buffers per nat_csum_update* test */
#define NB_CSUM_CHAIN 16     /* chained updates per buffer */
#define NB_MSS_FUZZ 200000   /* headers for the MSS walk fuzz */
#define PAYLOAD_MAX 1400     /* bytes */
#define CSUM_BUF_MAX 512     /* bytes: extra length of update buffers */
#define MISALIGN 4	     /* packets start 0..MISALIGN-1 bytes in */
#define IP4_HLEN 20	     /* bytes */
#define IP4_OPT_WORDS_MAX 10 /* 32-bit words of IPv4 options */
#define IP6_HLEN 40	     /* bytes */
#define TCP_HLEN 20	     /* bytes */
#define TCP_OPT_WORDS_MAX 10 /* 32-bit words of TCP options */
#define UDP_HLEN 8	     /* bytes */
#define ICMP_HLEN 8	     /* bytes */
#define NB_REPORT_MAX 5	     /* mismatches printed per run */

/* A packet under test: the IP datagram and where its parts start. */
struct tpkt {
	uint8_t *mem;	  /* malloc()ed; tpkt_free() releases it */
	uint8_t *ip;	  /* IP header, 0..MISALIGN-1 into 'mem' */
	uint8_t *l4;	  /* L4 header */
	uint32_t size;	  /* bytes from 'ip' to the end of 'mem' */
	uint32_t l4_size; /* bytes of L4 header and payload */
	uint32_t l4_hlen; /* bytes of L4 header */
	uint8_t proto;	  /* L4 protocol, past IPv6 extensions */
	bool v6;
	bool ext; /* IPv6 with a hop-by-hop header */
};

/* What to rewrite to, as on the wire. */
struct target {
	uint8_t src[16]; /* IPv4: the first 4 bytes */
	uint8_t dst[16];
	uint8_t sport[2];
	uint8_t dport[2];
};

static uint64_t rng_state;
static unsigned int nb_reported;

static void
rng_seed(uint64_t seed)
{
	rng_state = seed;
}

/* xorshift64 (Marsaglia 2003): deterministic, and good enough here. */
static uint64_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static uint32_t
rng_below(uint32_t n)
{
	return (uint32_t)((rng() >> 16) % n);
}

static void
rng_fill(uint8_t *p, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(rng() >> 32);
}

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

/* RFC 1071 sum of big-endian words, unfolded; an odd tail is padded. */
static uint32_t
sum_bytes(const uint8_t *p, uint32_t n, uint32_t acc)
{
	uint32_t i;

	for (i = 0; i + 1 < n; i += 2)
		acc += rd16(p + i);
	if (n & 1)
		acc += (uint32_t)p[n - 1] << 8;
	return acc;
}

static uint16_t
sum_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static uint8_t *
xmalloc(size_t n)
{
	uint8_t *p = malloc(n);

	/* A test that cannot allocate is broken, not failing. */
	if (p == NULL && n != 0) {
		fprintf(stderr, "out of memory\n");
		abort();
	}
	return p;
}

static void
tpkt_alloc(struct tpkt *t, uint32_t size)
{
	uint32_t off = rng_below(MISALIGN);

	t->mem = xmalloc(off + size);
	t->ip = t->mem + off;
	t->size = size;
}

static void
tpkt_free(struct tpkt *t)
{
	free(t->mem);
	t->mem = NULL;
	t->ip = NULL;
	t->l4 = NULL;
}

static void
tpkt_clone(struct tpkt *dst, const struct tpkt *src)
{
	*dst = *src;
	tpkt_alloc(dst, src->size);
	memcpy(dst->ip, src->ip, src->size);
	dst->l4 = dst->ip + (src->l4 - src->ip);
}

/*
 * Random, well-formed TCP options filling 'n' bytes: the kinds a SYN
 * carries in random order, unknown kinds, and now and then an EOL with
 * zero padding behind it.
 */
static void
gen_tcp_opts(uint8_t *o, uint32_t n)
{
	uint32_t i = 0, len;

	while (i < n) {
		uint32_t left = n - i;

		switch (rng_below(8)) {
		case 1:
			if (left < 4)
				break;
			o[i] = 2;
			o[i + 1] = 4;
			rng_fill(o + i + 2, 2);
			i += 4;
			continue;
		case 2:
			if (left < 3)
				break;
			o[i] = 3;
			o[i + 1] = 3;
			o[i + 2] = (uint8_t)rng_below(15);
			i += 3;
			continue;
		case 3:
			if (left < 2)
				break;
			o[i] = 4;
			o[i + 1] = 2;
			i += 2;
			continue;
		case 4:
			if (left < 10)
				break;
			o[i] = 8;
			o[i + 1] = 10;
			rng_fill(o + i + 2, 8);
			i += 10;
			continue;
		case 5:
			len = 2 + 8 * (1 + rng_below(4));
			if (left < len)
				break;
			o[i] = 5;
			o[i + 1] = (uint8_t)len;
			rng_fill(o + i + 2, len - 2);
			i += len;
			continue;
		case 6:
			if (rng_below(8) != 0)
				break;
			memset(o + i, 0, left);
			return;
		case 7:
			if (left < 2)
				break;
			len = 2 + rng_below((left < 13 ? left : 13) - 1);
			o[i] = (uint8_t)(9 + rng_below(244));
			o[i + 1] = (uint8_t)len;
			rng_fill(o + i + 2, len - 2);
			i += len;
			continue;
		default:
			break;
		}
		o[i++] = 1;
	}
}

/*
 * A random datagram with consistent lengths and no checksums yet.
 * @param l3_size
 *   IPv4: header bytes, options included. IPv6: 40, or 48 to put an
 *   8-byte hop-by-hop header before L4.
 */
static void
tpkt_new(struct tpkt *t, bool v6, uint8_t proto, uint32_t l3_size,
	uint32_t l4_hlen, uint32_t payload)
{
	uint8_t *ip;

	memset(t, 0, sizeof(*t));
	tpkt_alloc(t, l3_size + l4_hlen + payload);
	ip = t->ip;
	rng_fill(ip, t->size);
	t->v6 = v6;
	t->proto = proto;
	t->l4 = ip + l3_size;
	t->l4_hlen = l4_hlen;
	t->l4_size = l4_hlen + payload;
	if (v6) {
		t->ext = l3_size > IP6_HLEN;
		ip[0] = (uint8_t)(0x60 | (ip[0] & 0x0f));
		wr16(ip + 4, (uint16_t)(t->size - IP6_HLEN));
		ip[6] = t->ext ? IPPROTO_HOPOPTS : proto;
		if (t->ext) {
			ip[IP6_HLEN] = proto;
			/* Hop-by-hop length: 8-byte units past the first. */
			ip[IP6_HLEN + 1] = (uint8_t)((l3_size - IP6_HLEN) / 8 -
				1);
		}
	} else {
		ip[0] = (uint8_t)(0x40 | l3_size / 4);
		wr16(ip + 2, (uint16_t)t->size);
		wr16(ip + 6, 0x4000); /* DF, not a fragment */
		ip[9] = proto;
	}
	if (proto == IPPROTO_TCP) {
		t->l4[12] = (uint8_t)(l4_hlen / 4 << 4 | (t->l4[12] & 0x0f));
		gen_tcp_opts(t->l4 + TCP_HLEN, l4_hlen - TCP_HLEN);
	} else if (proto == IPPROTO_UDP) {
		wr16(t->l4 + 4, (uint16_t)t->l4_size);
	}
}

/* The L4 checksum field, or NULL if the protocol has none we know. */
static uint8_t *
l4_csum_field(const struct tpkt *t)
{
	switch (t->proto) {
	case IPPROTO_TCP:
		return t->l4 + 16;
	case IPPROTO_UDP:
		return t->l4 + 6;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return t->l4 + 2;
	default:
		return NULL;
	}
}

/* Own sum of the pseudo-header, if the protocol's checksum has one. */
static uint32_t
pseudo_sum(const struct tpkt *t)
{
	if (t->proto == IPPROTO_ICMP)
		return 0;
	if (t->v6)
		return sum_bytes(t->ip + 8, 32, 0) + t->l4_size + t->proto;
	return sum_bytes(t->ip + 12, 8, 0) + t->l4_size + t->proto;
}

/* Own check: the sum over (pseudo-header and) segment is all ones. */
static bool
l4_valid(const struct tpkt *t)
{
	return sum_fold(sum_bytes(t->l4, t->l4_size, pseudo_sum(t))) == 0xffff;
}

static bool
ip_valid(const struct tpkt *t)
{
	if (t->v6)
		return true;
	return sum_fold(sum_bytes(t->ip, (uint32_t)(t->ip[0] & 0xf) * 4, 0)) ==
		0xffff;
}

/*
 * The full L4 checksum, raw as it sits in the packet, with the field
 * already 0. DPDK computes it where it can; with an IPv6 extension header
 * or for ICMP this file's sum does, with the same RFC 768 rule for UDP.
 */
static uint16_t
ref_l4_csum(const struct tpkt *t)
{
	uint16_t c;

	if (!t->ext && (t->proto == IPPROTO_TCP || t->proto == IPPROTO_UDP))
		return t->v6 ?
			rte_ipv6_udptcp_cksum((const void *)t->ip, t->l4) :
			rte_ipv4_udptcp_cksum((const void *)t->ip, t->l4);
	c = (uint16_t)~sum_fold(sum_bytes(t->l4, t->l4_size, pseudo_sum(t)));
	if (c == 0 && t->proto == IPPROTO_UDP)
		c = 0xffff;
	return rte_cpu_to_be_16(c);
}

/* Compute every checksum in full; 'l4_csum' false means UDP's "none". */
static void
tpkt_finalize(struct tpkt *t, bool l4_csum)
{
	uint8_t *f = l4_csum_field(t);
	uint16_t c;

	if (f != NULL) {
		memset(f, 0, 2);
		if (l4_csum) {
			c = ref_l4_csum(t);
			memcpy(f, &c, 2);
		}
	}
	if (!t->v6) {
		memset(t->ip + 10, 0, 2);
		c = rte_ipv4_cksum((const void *)t->ip);
		memcpy(t->ip + 10, &c, 2);
	}
}

static bool
has_ports(const struct tpkt *t)
{
	return t->proto == IPPROTO_TCP || t->proto == IPPROTO_UDP;
}

static void
tpkt_get(const struct tpkt *t, struct target *g)
{
	uint32_t asize = t->v6 ? 16 : 4, aoff = t->v6 ? 8 : 12;

	memset(g, 0, sizeof(*g));
	memcpy(g->src, t->ip + aoff, asize);
	memcpy(g->dst, t->ip + aoff + asize, asize);
	if (has_ports(t)) {
		memcpy(g->sport, t->l4, 2);
		memcpy(g->dport, t->l4 + 2, 2);
	}
}

/* Write the target's fields, leaving the checksums stale. */
static void
tpkt_set(struct tpkt *t, const struct target *g)
{
	uint32_t asize = t->v6 ? 16 : 4, aoff = t->v6 ? 8 : 12;

	memcpy(t->ip + aoff, g->src, asize);
	memcpy(t->ip + aoff + asize, g->dst, asize);
	if (has_ports(t)) {
		memcpy(t->l4, g->sport, 2);
		memcpy(t->l4 + 2, g->dport, 2);
	}
}

/* New values for each field, but keep one in eight as it is. */
static void
random_target(const struct tpkt *t, struct target *g)
{
	tpkt_get(t, g);
	if (rng_below(8) != 0)
		rng_fill(g->src, sizeof(g->src));
	if (rng_below(8) != 0)
		rng_fill(g->dst, sizeof(g->dst));
	if (rng_below(8) != 0)
		rng_fill(g->sport, sizeof(g->sport));
	if (rng_below(8) != 0)
		rng_fill(g->dport, sizeof(g->dport));
}

static void
do_rewrite(struct tpkt *t, const struct target *g)
{
	uint32_t src, dst;
	uint16_t sport, dport;

	memcpy(&sport, g->sport, 2);
	memcpy(&dport, g->dport, 2);
	if (t->v6) {
		nat_rewrite_ip6((struct rte_ipv6_hdr *)t->ip, t->l4, t->proto,
			g->src, g->dst, sport, dport);
		return;
	}
	memcpy(&src, g->src, 4);
	memcpy(&dst, g->dst, 4);
	nat_rewrite_ip4((struct rte_ipv4_hdr *)t->ip, t->l4, t->proto, src, dst,
		sport, dport);
}

static bool
l4_csum_on(const struct tpkt *t)
{
	const uint8_t *f = l4_csum_field(t);

	return f != NULL && !(t->proto == IPPROTO_UDP && rd16(f) == 0);
}

static void
report(const char *what, const struct tpkt *got, const struct tpkt *exp)
{
	const uint8_t *fg = l4_csum_field(got), *fe = l4_csum_field(exp);

	if (nb_reported++ >= NB_REPORT_MAX)
		return;
	fprintf(stderr, "\n%s: v%d proto %u size %u: ip csum %04x want %04x",
		what, got->v6 ? 6 : 4, got->proto, got->size,
		got->v6 ? 0 : rd16(got->ip + 10),
		exp->v6 ? 0 : rd16(exp->ip + 10));
	if (fg != NULL && fe != NULL)
		fprintf(stderr, ", l4 csum %04x want %04x", rd16(fg), rd16(fe));
	fprintf(stderr, "\n");
}

/*
 * Rewrite 't' to 'g' and compare it with the expected packet: a copy with
 * the fields written in and every checksum recomputed in full.
 * @return true if both are byte-identical and 't' validates.
 */
static bool
check_rewrite(struct tpkt *t, const struct target *g)
{
	bool csum_on = l4_csum_on(t), ok;
	struct tpkt exp;

	tpkt_clone(&exp, t);
	tpkt_set(&exp, g);
	tpkt_finalize(&exp, csum_on);
	do_rewrite(t, g);
	ok = memcmp(t->ip, exp.ip, t->size) == 0 && ip_valid(t) &&
		(!csum_on || l4_valid(t));
	if (!ok)
		report("rewrite", t, &exp);
	tpkt_free(&exp);
	return ok;
}

/*
 * NB_RANDOM random packets of one kind, each rewritten to a random target.
 * @return the number of failures.
 */
static unsigned int
rewrite_random(bool v6, uint8_t proto, uint64_t seed, unsigned int *nb_no_csum)
{
	unsigned int bad = 0, i;

	rng_seed(seed);
	*nb_no_csum = 0;
	for (i = 0; i < NB_RANDOM; i++) {
		uint32_t l3 = v6 ?
			IP6_HLEN :
			IP4_HLEN + 4 * rng_below(IP4_OPT_WORDS_MAX + 1);
		uint32_t l4h = proto == IPPROTO_TCP ?
			TCP_HLEN + 4 * rng_below(TCP_OPT_WORDS_MAX + 1) :
			UDP_HLEN;
		bool csum_on = v6 || proto != IPPROTO_UDP || rng_below(2);
		struct target g;
		struct tpkt t;

		tpkt_new(&t, v6, proto, l3, l4h, rng_below(PAYLOAD_MAX + 1));
		tpkt_finalize(&t, csum_on);
		/* The references must agree before the rewrite is judged. */
		if (!ip_valid(&t) || (csum_on && !l4_valid(&t))) {
			report("build", &t, &t);
			bad++;
		}
		if (!csum_on)
			(*nb_no_csum)++;
		random_target(&t, &g);
		if (!check_rewrite(&t, &g))
			bad++;
		tpkt_free(&t);
	}
	return bad;
}

static void
test_rewrite_ip4_tcp_random_matches_full(void)
{
	unsigned int nb_no_csum;

	CU_ASSERT_EQUAL(
		rewrite_random(false, IPPROTO_TCP, 0x1001, &nb_no_csum), 0);
}

static void
test_rewrite_ip4_udp_random_matches_full(void)
{
	unsigned int nb_no_csum;

	CU_ASSERT_EQUAL(
		rewrite_random(false, IPPROTO_UDP, 0x1002, &nb_no_csum), 0);
	/* Both halves ran: with and without a checksum. */
	CU_ASSERT(nb_no_csum > NB_RANDOM / 4);
	CU_ASSERT(nb_no_csum < NB_RANDOM * 3 / 4);
}

static void
test_rewrite_ip6_tcp_random_matches_full(void)
{
	unsigned int nb_no_csum;

	CU_ASSERT_EQUAL(
		rewrite_random(true, IPPROTO_TCP, 0x1003, &nb_no_csum), 0);
}

static void
test_rewrite_ip6_udp_random_matches_full(void)
{
	unsigned int nb_no_csum;

	CU_ASSERT_EQUAL(
		rewrite_random(true, IPPROTO_UDP, 0x1004, &nb_no_csum), 0);
}

static void
random_kind(bool *v6, uint8_t *proto)
{
	*v6 = rng_below(2);
	*proto = rng_below(2) ? IPPROTO_TCP : IPPROTO_UDP;
}

static void
test_rewrite_same_values_unchanged(void)
{
	unsigned int bad = 0, i;

	rng_seed(0x2001);
	for (i = 0; i < NB_EDGE; i++) {
		struct tpkt t, orig;
		struct target g;
		uint8_t proto;
		bool v6;

		random_kind(&v6, &proto);
		tpkt_new(&t, v6, proto, v6 ? IP6_HLEN : IP4_HLEN,
			proto == IPPROTO_TCP ? TCP_HLEN : UDP_HLEN,
			rng_below(PAYLOAD_MAX + 1));
		/* A quarter of the IPv4 UDP packets carry no checksum. */
		tpkt_finalize(&t, v6 || proto == IPPROTO_TCP || rng_below(4));
		tpkt_clone(&orig, &t);
		tpkt_get(&t, &g);
		do_rewrite(&t, &g);
		if (memcmp(t.ip, orig.ip, t.size) != 0)
			bad++;
		tpkt_free(&orig);
		tpkt_free(&t);
	}
	CU_ASSERT_EQUAL(bad, 0);
}

/* UDP without a checksum, rewritten: the field stays 0 (RFC 768). */
static unsigned int
udp_no_csum_rewrite(bool v6, uint64_t seed)
{
	unsigned int bad = 0, i;

	rng_seed(seed);
	for (i = 0; i < NB_EDGE; i++) {
		struct target g;
		struct tpkt t;

		tpkt_new(&t, v6, IPPROTO_UDP, v6 ? IP6_HLEN : IP4_HLEN,
			UDP_HLEN, rng_below(PAYLOAD_MAX + 1));
		tpkt_finalize(&t, false);
		random_target(&t, &g);
		if (!check_rewrite(&t, &g) || rd16(l4_csum_field(&t)) != 0)
			bad++;
		tpkt_free(&t);
	}
	return bad;
}

static void
test_rewrite_ip4_udp_no_csum_stays_zero(void)
{
	CU_ASSERT_EQUAL(udp_no_csum_rewrite(false, 0x2002), 0);
}

/*
 * The choice nat_dp.h documents: an IPv6 UDP checksum of 0 (invalid, or
 * RFC 6936) is kept as it came, not "updated" into a value that is right
 * only by accident.
 */
static void
test_rewrite_ip6_udp_zero_csum_stays_zero(void)
{
	CU_ASSERT_EQUAL(udp_no_csum_rewrite(true, 0x2003), 0);
}

/*
 * A packet whose L4 checksum computes to zero once rewritten to 'g': the
 * first payload word is chosen to cancel the rest of the new sum.
 */
static void
build_zero_after(struct tpkt *t, bool v6, uint8_t proto, struct target *g)
{
	uint32_t l4h = proto == IPPROTO_TCP ? TCP_HLEN : UDP_HLEN;
	struct tpkt exp;
	uint16_t s;

	tpkt_new(t, v6, proto, v6 ? IP6_HLEN : IP4_HLEN, l4h,
		2 + rng_below(PAYLOAD_MAX - 1));
	tpkt_get(t, g);
	rng_fill(g->src, sizeof(g->src));
	rng_fill(g->dst, sizeof(g->dst));
	rng_fill(g->sport, sizeof(g->sport));
	rng_fill(g->dport, sizeof(g->dport));
	tpkt_clone(&exp, t);
	tpkt_set(&exp, g);
	memset(l4_csum_field(&exp), 0, 2);
	wr16(exp.l4 + l4h, 0);
	s = sum_fold(sum_bytes(exp.l4, exp.l4_size, pseudo_sum(&exp)));
	/* s + ~s is all ones, whose complement, the checksum, is zero. */
	wr16(t->l4 + l4h, (uint16_t)~s);
	tpkt_free(&exp);
	tpkt_finalize(t, true);
}

/*
 * Rewrite into a zero checksum and back. @return the number of failures;
 * 'nb_run' counts the cases the construction reached (the original's
 * checksum can be zero already, by chance).
 */
static unsigned int
zero_result_rewrite(
	uint8_t proto, uint16_t want, uint64_t seed, unsigned int *nb_run)
{
	unsigned int bad = 0, i;

	rng_seed(seed);
	*nb_run = 0;
	for (i = 0; i < 2 * NB_ZERO; i++) {
		struct target g, back;
		struct tpkt t, orig;

		build_zero_after(&t, i & 1, proto, &g);
		if (rd16(l4_csum_field(&t)) != want) {
			(*nb_run)++;
			tpkt_clone(&orig, &t);
			tpkt_get(&t, &back);
			if (!check_rewrite(&t, &g) ||
				rd16(l4_csum_field(&t)) != want)
				bad++;
			/* And from the zero checksum back to the start. */
			if (!check_rewrite(&t, &back) ||
				memcmp(t.ip, orig.ip, t.size) != 0)
				bad++;
			tpkt_free(&orig);
		}
		tpkt_free(&t);
	}
	return bad;
}

static void
test_rewrite_udp_zero_result_sent_as_ffff(void)
{
	unsigned int nb_run;

	CU_ASSERT_EQUAL(
		zero_result_rewrite(IPPROTO_UDP, 0xffff, 0x2004, &nb_run), 0);
	CU_ASSERT(nb_run > NB_ZERO);
}

static void
test_rewrite_tcp_zero_result_stays_zero(void)
{
	unsigned int nb_run;

	CU_ASSERT_EQUAL(
		zero_result_rewrite(IPPROTO_TCP, 0x0000, 0x2005, &nb_run), 0);
	CU_ASSERT(nb_run > NB_ZERO);
}

/*
 * A TCP checksum that arrives as 0xffff where a full sum gives 0x0000 is
 * equivalent and valid (RFC 1624 section 3). Rewritten, it must come out
 * valid, and as eqn. 3 then adds terms that are not all zero, even equal
 * to a full recompute.
 */
static void
test_rewrite_tcp_ffff_csum_result_matches_full(void)
{
	unsigned int bad = 0, i;

	rng_seed(0x2006);
	for (i = 0; i < NB_ZERO; i++) {
		struct target g;
		struct tpkt t;

		/* Make the packet's own checksum the zero one... */
		build_zero_after(&t, i & 1, IPPROTO_TCP, &g);
		tpkt_set(&t, &g);
		tpkt_finalize(&t, true);
		if (rd16(l4_csum_field(&t)) != 0)
			bad++;
		/* ...then spell it the other way. */
		wr16(l4_csum_field(&t), 0xffff);
		if (!l4_valid(&t))
			bad++;
		random_target(&t, &g);
		if (!check_rewrite(&t, &g))
			bad++;
		tpkt_free(&t);
	}
	CU_ASSERT_EQUAL(bad, 0);
}

/* Addresses and ports made of 0x0000 and 0xffff words, and neighbours. */
static const uint8_t edge_addr[][16] = {
	{ 0 },
	{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff },
	{ 0xff, 0xff, 0, 0, 0xff, 0xff, 0, 0, 0xff, 0xff, 0, 0, 0xff, 0xff, 0,
		0 },
	{ 0, 0, 0xff, 0xff, 0, 0, 0xff, 0xff, 0, 0, 0xff, 0xff, 0, 0, 0xff,
		0xff },
	{ 0xff, 0xfe, 0, 1, 0xff, 0xff, 0, 0, [15] = 1 },
	{ 0x80, 0, 0, 1, [15] = 0x80 },
};

static const uint8_t edge_port[][2] = {
	{ 0, 0 },
	{ 0xff, 0xff },
	{ 0xff, 0xfe },
	{ 0, 1 },
};

static void
test_rewrite_edge_words_match_full(void)
{
	unsigned int nb_addr = WEIR_ARRAY_LEN(edge_addr);
	unsigned int nb_port = WEIR_ARRAY_LEN(edge_port);
	unsigned int bad = 0, kind, a, b;

	rng_seed(0x2007);
	for (kind = 0; kind < 4; kind++) {
		bool v6 = kind & 1;
		uint8_t proto = kind & 2 ? IPPROTO_UDP : IPPROTO_TCP;

		for (a = 0; a < nb_addr; a++) {
			for (b = 0; b < nb_addr; b++) {
				struct target from, to;
				struct tpkt t;

				tpkt_new(&t, v6, proto,
					v6 ? IP6_HLEN : IP4_HLEN,
					proto == IPPROTO_TCP ? TCP_HLEN :
							       UDP_HLEN,
					rng_below(PAYLOAD_MAX + 1));
				memcpy(from.src, edge_addr[a], 16);
				memcpy(from.dst, edge_addr[b], 16);
				memcpy(from.sport, edge_port[a % nb_port], 2);
				memcpy(from.dport, edge_port[b % nb_port], 2);
				memcpy(to.src, edge_addr[b], 16);
				memcpy(to.dst, edge_addr[a], 16);
				memcpy(to.sport, edge_port[b % nb_port], 2);
				memcpy(to.dport, edge_port[a % nb_port], 2);
				tpkt_set(&t, &from);
				tpkt_finalize(&t, true);
				if (!check_rewrite(&t, &to))
					bad++;
				tpkt_free(&t);
			}
		}
	}
	CU_ASSERT_EQUAL(bad, 0);
}

static void
test_rewrite_ip4_options_match_full(void)
{
	unsigned int bad = 0, i;

	rng_seed(0x2008);
	for (i = 0; i < NB_EDGE; i++) {
		uint8_t proto = i & 1 ? IPPROTO_UDP : IPPROTO_TCP;
		struct target g;
		struct tpkt t;

		/* The longest header: 40 bytes of options. */
		tpkt_new(&t, false, proto, IP4_HLEN + 4 * IP4_OPT_WORDS_MAX,
			proto == IPPROTO_TCP ? TCP_HLEN : UDP_HLEN,
			rng_below(PAYLOAD_MAX + 1));
		tpkt_finalize(&t, true);
		random_target(&t, &g);
		if (!check_rewrite(&t, &g))
			bad++;
		tpkt_free(&t);
	}
	CU_ASSERT_EQUAL(bad, 0);
}

/*
 * Neither the TCP nor the UDP branch runs for ICMP: its bytes stay as they
 * were and its checksum, which has no pseudo-header, stays valid.
 */
static void
test_rewrite_ip4_icmp_l4_untouched(void)
{
	unsigned int bad = 0, i;

	rng_seed(0x2009);
	for (i = 0; i < NB_EDGE; i++) {
		struct target g;
		struct tpkt t;

		tpkt_new(&t, false, IPPROTO_ICMP, IP4_HLEN, ICMP_HLEN,
			rng_below(PAYLOAD_MAX + 1));
		tpkt_finalize(&t, true);
		random_target(&t, &g);
		if (!check_rewrite(&t, &g))
			bad++;
		tpkt_free(&t);
	}
	CU_ASSERT_EQUAL(bad, 0);
}

/* ICMPv6 sums the pseudo-header: its checksum follows the addresses. */
static void
test_rewrite_ip6_icmp6_csum_updated(void)
{
	unsigned int bad = 0, i;

	rng_seed(0x200a);
	for (i = 0; i < NB_EDGE; i++) {
		struct target g;
		struct tpkt t;

		tpkt_new(&t, true, IPPROTO_ICMPV6, IP6_HLEN, ICMP_HLEN,
			rng_below(PAYLOAD_MAX + 1));
		tpkt_finalize(&t, true);
		random_target(&t, &g);
		if (!check_rewrite(&t, &g))
			bad++;
		tpkt_free(&t);
	}
	CU_ASSERT_EQUAL(bad, 0);
}

/*
 * With a hop-by-hop header the IPv6 next header is 0: the 'proto'
 * argument must decide, and the pseudo-header length excludes the
 * extension (the reference here is this file's own sum).
 */
static void
test_rewrite_ip6_ext_hdr_proto_arg_used(void)
{
	unsigned int bad = 0, i;

	rng_seed(0x200b);
	for (i = 0; i < NB_EDGE; i++) {
		uint8_t proto = i & 1 ? IPPROTO_UDP : IPPROTO_TCP;
		struct target g;
		struct tpkt t;

		tpkt_new(&t, true, proto, IP6_HLEN + 8,
			proto == IPPROTO_TCP ? TCP_HLEN : UDP_HLEN,
			rng_below(PAYLOAD_MAX + 1));
		tpkt_finalize(&t, true);
		random_target(&t, &g);
		if (t.ip[6] != IPPROTO_HOPOPTS || !check_rewrite(&t, &g))
			bad++;
		tpkt_free(&t);
	}
	CU_ASSERT_EQUAL(bad, 0);
}

/*
 * Option offset of the first well-formed MSS option, or -1; written apart
 * from the walker under test so that they can disagree.
 */
static int
ref_mss_at(const uint8_t *o, uint32_t n)
{
	uint32_t i = 0;

	for (;;) {
		if (i >= n || o[i] == 0)
			return -1;
		if (o[i] == 1) {
			i++;
			continue;
		}
		if (i + 1 >= n || o[i + 1] < 2 || i + o[i + 1] > n)
			return -1;
		if (o[i] == 2 && o[i + 1] == 4)
			return (int)i;
		i += o[i + 1];
	}
}

/*
 * Clamp the MSS of an IPv4 TCP segment whose options are 'opts' ('size'
 * bytes, a multiple of 4) to 'clamp' (host order), then check the outcome
 * against a full recompute: 'mss_at' is the offset in 'opts' of the MSS
 * option whose value must drop to 'clamp', or -1 if nothing may change. The
 * header alone is then clamped again in an exact-size buffer, so ASan and
 * valgrind see any read past 'tcp_len'.
 */
static bool
mss_case(const uint8_t *opts, uint32_t size, uint16_t clamp, int mss_at)
{
	uint32_t tcp_len = TCP_HLEN + size;
	struct tpkt t, exp;
	uint8_t *hdr, *want;
	bool ok, lowered, hdr_lowered;

	tpkt_new(&t, false, IPPROTO_TCP, IP4_HLEN, tcp_len,
		rng_below(PAYLOAD_MAX + 1));
	memcpy(t.l4 + TCP_HLEN, opts, size);
	tpkt_finalize(&t, true);
	tpkt_clone(&exp, &t);
	if (mss_at >= 0) {
		wr16(exp.l4 + TCP_HLEN + mss_at + 2, clamp);
		tpkt_finalize(&exp, true);
	}
	hdr = xmalloc(tcp_len);
	want = xmalloc(tcp_len);
	memcpy(hdr, t.l4, tcp_len);
	lowered = nat_tcp_mss_clamp((struct rte_tcp_hdr *)t.l4, tcp_len, clamp);
	hdr_lowered = nat_tcp_mss_clamp(
		(struct rte_tcp_hdr *)hdr, tcp_len, clamp);
	memcpy(want, exp.l4, tcp_len);
	ok = lowered == (mss_at >= 0) && hdr_lowered == lowered &&
		memcmp(t.ip, exp.ip, t.size) == 0 && l4_valid(&t) &&
		memcmp(hdr, want, tcp_len) == 0;
	if (!ok)
		report("mss", &t, &exp);
	free(want);
	free(hdr);
	tpkt_free(&exp);
	tpkt_free(&t);
	return ok;
}

#define MSS_1460 0x05, 0xb4
#define TS_VAL 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88

static void
test_mss_clamp_1460_to_1400_lowered(void)
{
	static const uint8_t o[] = { 2, 4, MSS_1460 };

	rng_seed(0x3001);
	CU_ASSERT_TRUE(mss_case(o, sizeof(o), 1400, 0));
}

static void
test_mss_clamp_below_clamp_untouched(void)
{
	static const uint8_t lower[] = { 2, 4, 0x05, 0x14 }; /* 1300 */

	rng_seed(0x3002);
	CU_ASSERT_TRUE(mss_case(lower, sizeof(lower), 1400, -1));
	/* Equal is not larger. */
	CU_ASSERT_TRUE(mss_case(lower, sizeof(lower), 1300, -1));
	CU_ASSERT_TRUE(mss_case(lower, sizeof(lower), 1299, 0));
}

static void
test_mss_clamp_option_orders_lowered(void)
{
	/* Linux: MSS, SACK-permitted, timestamps, NOP, window scale. */
	static const uint8_t lnx[] = { 2, 4, MSS_1460, 4, 2, 8, 10, TS_VAL, 1,
		3, 3, 7 };
	/* Windows: MSS, NOP, window scale, NOP, NOP, SACK-permitted. */
	static const uint8_t win[] = { 2, 4, MSS_1460, 1, 3, 3, 8, 1, 1, 4, 2 };
	/* MSS last, after every other kind. */
	static const uint8_t last[] = { 1, 1, 1, 1, 8, 10, TS_VAL, 1, 3, 3, 7,
		4, 2, 2, 4, MSS_1460 };
	/* After SACK blocks and an unknown kind of length 6. */
	static const uint8_t sack[] = { 1, 1, 5, 10, TS_VAL, 30, 6, 1, 2, 3, 4,
		2, 4, MSS_1460, 0, 0 };
	/* At odd offsets: the value straddles two checksummed words. */
	static const uint8_t odd[] = { 1, 2, 4, MSS_1460, 1, 1, 1 };
	static const uint8_t odd3[] = { 1, 3, 3, 7, 1, 1, 1, 2, 4, MSS_1460, 0,
		0 };

	rng_seed(0x3003);
	CU_ASSERT_TRUE(mss_case(lnx, sizeof(lnx), 1400, 0));
	CU_ASSERT_TRUE(mss_case(win, sizeof(win), 1400, 0));
	CU_ASSERT_TRUE(mss_case(last, sizeof(last), 1400, 20));
	CU_ASSERT_TRUE(mss_case(sack, sizeof(sack), 1400, 18));
	CU_ASSERT_TRUE(mss_case(odd, sizeof(odd), 1400, 1));
	CU_ASSERT_TRUE(mss_case(odd3, sizeof(odd3), 1220, 7));
}

static void
test_mss_clamp_no_mss_untouched(void)
{
	static const uint8_t o[] = { 1, 1, 8, 10, TS_VAL, 1, 3, 3, 7, 4, 2, 1,
		1 };

	rng_seed(0x3004);
	CU_ASSERT_TRUE(mss_case(o, sizeof(o), 1400, -1));
}

static void
test_mss_clamp_after_eol_untouched(void)
{
	static const uint8_t first[] = { 0, 0, 0, 0, 2, 4, MSS_1460 };
	static const uint8_t later[] = { 1, 0, 2, 4, MSS_1460, 0, 0 };
	/* Read as a length, the byte after EOL would lead to an MSS. */
	static const uint8_t lure[] = { 0, 2, 2, 4, MSS_1460, 0, 0 };

	rng_seed(0x3005);
	CU_ASSERT_TRUE(mss_case(first, sizeof(first), 1400, -1));
	CU_ASSERT_TRUE(mss_case(later, sizeof(later), 1400, -1));
	CU_ASSERT_TRUE(mss_case(lure, sizeof(lure), 1400, -1));
}

static void
test_mss_clamp_malformed_len_untouched(void)
{
	static const uint8_t len0[] = { 8, 0, 2, 4, MSS_1460, 0, 0 };
	static const uint8_t len1[] = { 8, 1, 2, 4, MSS_1460, 0, 0 };
	static const uint8_t past[] = { 8, 12, 2, 4, MSS_1460, 0, 0 };
	/* The MSS option itself would end one byte past the header. */
	static const uint8_t cut[] = { 1, 1, 1, 1, 1, 2, 4, 0x05 };
	/* Kind 2 with length 3 is skipped, and leaves a lone byte. */
	static const uint8_t mss3[] = { 2, 3, 0x05, 0xb4 };
	static const uint8_t mss6[] = { 2, 6, MSS_1460, 0, 0, 0, 0 };
	static const uint8_t lone[] = { 1, 1, 1, 2 };

	rng_seed(0x3006);
	CU_ASSERT_TRUE(mss_case(len0, sizeof(len0), 1400, -1));
	CU_ASSERT_TRUE(mss_case(len1, sizeof(len1), 1400, -1));
	CU_ASSERT_TRUE(mss_case(past, sizeof(past), 1400, -1));
	CU_ASSERT_TRUE(mss_case(cut, sizeof(cut), 1400, -1));
	CU_ASSERT_TRUE(mss_case(mss3, sizeof(mss3), 1400, -1));
	CU_ASSERT_TRUE(mss_case(mss6, sizeof(mss6), 1400, -1));
	CU_ASSERT_TRUE(mss_case(lone, sizeof(lone), 1400, -1));
}

/*
 * The clamp out of the compiler's sight: inlined into a loop over
 * malloc(n) with n < 24, GCC's -Warray-bounds flags the MSS branch, which
 * is dead there because the walk's own bound excludes it.
 */
__attribute__((noipa)) static bool
mss_clamp_opaque(uint8_t *h, uint32_t n, uint16_t mss)
{
	return nat_tcp_mss_clamp((struct rte_tcp_hdr *)h, n, mss);
}

/*
 * 'tcp_len' bounds the walk, not the data offset: with fewer bytes than
 * the header claims, or no options, nothing is read or written.
 */
static void
test_mss_clamp_short_header_untouched(void)
{
	uint8_t full[TCP_HLEN + 4] = {
		[12] = 6 << 4, [TCP_HLEN] = 2, 4, MSS_1460
	};
	uint32_t n;

	for (n = 0; n <= TCP_HLEN + 3; n++) {
		uint8_t *h = xmalloc(n);

		if (n != 0)
			memcpy(h, full, n);
		CU_ASSERT_FALSE(mss_clamp_opaque(h, n, 1400));
		if (n != 0)
			CU_ASSERT_EQUAL(memcmp(h, full, n), 0);
		free(h);
	}
	/* The same bytes, one more: now the option fits. */
	CU_ASSERT_TRUE(nat_tcp_mss_clamp(
		(struct rte_tcp_hdr *)full, sizeof(full), 1400));
	CU_ASSERT_EQUAL(rd16(full + TCP_HLEN + 2), 1400);
}

/* Option bytes that hit every branch of the walk often. */
static void
gen_hostile_opts(uint8_t *o, uint32_t n)
{
	static const uint8_t pool[] = { 0, 1, 2, 3, 4, 8, 10, 0xff };
	uint32_t i = 0;

	while (i < n) {
		if (rng_below(4) == 0 && n - i >= 4) {
			o[i] = 2;
			o[i + 1] = 4;
			rng_fill(o + i + 2, 2);
			i += 4;
		} else if (rng_below(2) == 0) {
			o[i++] = pool[rng_below(sizeof(pool))];
		} else {
			o[i++] = (uint8_t)rng();
		}
	}
}

/*
 * Random TCP headers of random length (also shorter than 20 bytes and
 * not a multiple of 4), in exact-size buffers, with well-formed or hostile
 * option bytes and a checksum that makes the header sum to all ones. The
 * clamp must agree with the reference walker, change only the MSS value
 * and the checksum, and keep the sum all ones with the checksum bits a
 * full recompute gives.
 */
static void
test_mss_clamp_fuzz_matches_reference(void)
{
	unsigned int bad = 0, nb_lowered = 0, nb_kept = 0, i;

	rng_seed(0x3007);
	for (i = 0; i < NB_MSS_FUZZ; i++) {
		uint32_t n = rng_below(16) == 0 ?
			rng_below(TCP_HLEN) :
			TCP_HLEN + rng_below(4 * TCP_OPT_WORDS_MAX + 1);
		uint16_t clamp = (uint16_t)rng(), c;
		uint8_t *h = xmalloc(n), *copy = xmalloc(n);
		bool expect = false, got;
		int at = -1;

		rng_fill(h, n);
		if (n > TCP_HLEN) {
			if (rng_below(2))
				gen_tcp_opts(h + TCP_HLEN, n - TCP_HLEN);
			else
				gen_hostile_opts(h + TCP_HLEN, n - TCP_HLEN);
			at = ref_mss_at(h + TCP_HLEN, n - TCP_HLEN);
			expect = at >= 0 && rd16(h + TCP_HLEN + at + 2) > clamp;
		}
		if (n >= TCP_HLEN) {
			wr16(h + 16, 0);
			wr16(h + 16, (uint16_t)~sum_fold(sum_bytes(h, n, 0)));
		}
		if (n != 0)
			memcpy(copy, h, n);
		got = nat_tcp_mss_clamp((struct rte_tcp_hdr *)h, n, clamp);
		if (got != expect) {
			bad++;
		} else if (got) {
			nb_lowered++;
			wr16(copy + TCP_HLEN + at + 2, clamp);
			wr16(copy + 16, 0);
			c = (uint16_t)~sum_fold(sum_bytes(copy, n, 0));
			wr16(copy + 16, c);
			if (memcmp(h, copy, n) != 0 ||
				sum_fold(sum_bytes(h, n, 0)) != 0xffff)
				bad++;
		} else {
			nb_kept++;
			if (n != 0 && memcmp(h, copy, n) != 0)
				bad++;
		}
		free(copy);
		free(h);
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT(nb_lowered > NB_MSS_FUZZ / 20);
	CU_ASSERT(nb_kept > NB_MSS_FUZZ / 20);
}

/* A random IPv4 header of random length, checksum valid. */
static uint8_t *
ip4_hdr_new(uint8_t **mem, uint32_t *hlen, uint8_t ttl)
{
	uint32_t off = rng_below(MISALIGN);
	uint16_t c;
	uint8_t *ip;

	*hlen = IP4_HLEN + 4 * rng_below(IP4_OPT_WORDS_MAX + 1);
	*mem = xmalloc(off + *hlen);
	ip = *mem + off;
	rng_fill(ip, *hlen);
	ip[0] = (uint8_t)(0x40 | *hlen / 4);
	ip[8] = ttl;
	memset(ip + 10, 0, 2);
	c = rte_ipv4_cksum((const void *)ip);
	memcpy(ip + 10, &c, 2);
	return ip;
}

static void
test_ttl_dec_random_matches_full(void)
{
	unsigned int bad = 0, i;

	rng_seed(0x4001);
	for (i = 0; i < NB_RANDOM; i++) {
		uint8_t ttl = (uint8_t)(2 + rng_below(254)), *mem, *ip;
		uint8_t want[IP4_HLEN + 4 * IP4_OPT_WORDS_MAX];
		uint32_t hlen;
		uint16_t c;

		ip = ip4_hdr_new(&mem, &hlen, ttl);
		memcpy(want, ip, hlen);
		want[8] = (uint8_t)(ttl - 1);
		memset(want + 10, 0, 2);
		c = rte_ipv4_cksum((const void *)want);
		memcpy(want + 10, &c, 2);
		if (!nat_ip4_ttl_dec((struct rte_ipv4_hdr *)ip) ||
			memcmp(ip, want, hlen) != 0 ||
			sum_fold(sum_bytes(ip, hlen, 0)) != 0xffff)
			bad++;
		free(mem);
	}
	CU_ASSERT_EQUAL(bad, 0);
}

static void
test_ttl_dec_one_or_zero_refused(void)
{
	unsigned int bad = 0, i;

	rng_seed(0x4002);
	for (i = 0; i < NB_EDGE; i++) {
		uint8_t want[IP4_HLEN + 4 * IP4_OPT_WORDS_MAX], *mem, *ip;
		uint32_t hlen;

		ip = ip4_hdr_new(&mem, &hlen, (uint8_t)(i & 1));
		memcpy(want, ip, hlen);
		if (nat_ip4_ttl_dec((struct rte_ipv4_hdr *)ip) ||
			memcmp(ip, want, hlen) != 0)
			bad++;
		free(mem);
	}
	CU_ASSERT_EQUAL(bad, 0);
}

static void
test_hop_dec_above_one_decremented(void)
{
	unsigned int bad = 0, hop;

	rng_seed(0x4003);
	for (hop = 2; hop <= 255; hop++) {
		uint8_t ip[IP6_HLEN], want[IP6_HLEN];

		rng_fill(ip, sizeof(ip));
		ip[7] = (uint8_t)hop;
		memcpy(want, ip, sizeof(ip));
		want[7] = (uint8_t)(hop - 1);
		if (!nat_ip6_hop_dec((struct rte_ipv6_hdr *)ip) ||
			memcmp(ip, want, sizeof(ip)) != 0)
			bad++;
	}
	CU_ASSERT_EQUAL(bad, 0);
}

static void
test_hop_dec_one_or_zero_refused(void)
{
	unsigned int hop;

	rng_seed(0x4004);
	for (hop = 0; hop <= 1; hop++) {
		uint8_t ip[IP6_HLEN], want[IP6_HLEN];

		rng_fill(ip, sizeof(ip));
		ip[7] = (uint8_t)hop;
		memcpy(want, ip, sizeof(ip));
		CU_ASSERT_FALSE(nat_ip6_hop_dec((struct rte_ipv6_hdr *)ip));
		CU_ASSERT_EQUAL(memcmp(ip, want, sizeof(ip)), 0);
	}
}

/*
 * Random buffers with a checksum over all of them; NB_CSUM_CHAIN random
 * 'width'-byte fields at even offsets are changed one after another, each
 * time updating the previous incremental result, which must equal a full
 * recompute every time. The first word is never changed and never zero:
 * every header NAT rewrites has such a word (IPv4 version, pseudo-header
 * protocol), and only all-zero data sums to the other zero.
 */
static unsigned int
csum_update_random(uint32_t width, uint64_t seed)
{
	unsigned int bad = 0, i, k;

	rng_seed(seed);
	for (i = 0; i < NB_CSUM_BUFS; i++) {
		uint32_t n = 2 + width + rng_below(CSUM_BUF_MAX);
		uint32_t off0 = rng_below(MISALIGN);
		uint8_t *mem = xmalloc(off0 + n), *b = mem + off0;
		uint16_t csum;

		rng_fill(b, n);
		b[0] = 0x45;
		csum = rte_cpu_to_be_16(
			(uint16_t)~sum_fold(sum_bytes(b, n, 0)));
		for (k = 0; k < NB_CSUM_CHAIN; k++) {
			uint32_t off, o32, n32;
			uint16_t o16, n16;
			uint8_t nv[16];

			/* An even offset past the first word, field inside. */
			off = 2 + 2 * rng_below((n - 2 - width) / 2 + 1);
			rng_fill(nv, width);
			if (rng_below(8) == 0)
				memset(nv, rng_below(2) ? 0xff : 0, width);
			switch (width) {
			case 2:
				memcpy(&o16, b + off, 2);
				memcpy(&n16, nv, 2);
				csum = nat_csum_update16(csum, o16, n16);
				break;
			case 4:
				memcpy(&o32, b + off, 4);
				memcpy(&n32, nv, 4);
				csum = nat_csum_update32(csum, o32, n32);
				break;
			default:
				csum = nat_csum_update128(csum, b + off, nv);
				break;
			}
			memcpy(b + off, nv, width);
			if (rte_be_to_cpu_16(csum) !=
				(uint16_t)~sum_fold(sum_bytes(b, n, 0)))
				bad++;
		}
		free(mem);
	}
	return bad;
}

static void
test_csum_update16_random_matches_full(void)
{
	CU_ASSERT_EQUAL(csum_update_random(2, 0x5001), 0);
}

static void
test_csum_update32_random_matches_full(void)
{
	CU_ASSERT_EQUAL(csum_update_random(4, 0x5002), 0);
}

static void
test_csum_update128_random_matches_full(void)
{
	CU_ASSERT_EQUAL(csum_update_random(16, 0x5003), 0);
}

/* RFC 1624 section 4's worked example, in network order. */
static void
test_csum_update16_rfc1624_example_matches(void)
{
	uint16_t c = nat_csum_update16(rte_cpu_to_be_16(0xdd2f),
		rte_cpu_to_be_16(0x5555), rte_cpu_to_be_16(0x3285));

	CU_ASSERT_EQUAL(rte_be_to_cpu_16(c), 0x0000);
}

/*
 * Port ownership: for a range and a worker count, every port in the range
 * has exactly one owner, each worker's k-th port enumerates exactly the
 * ports it owns, in order, and ports outside the range have none.
 */
static void
check_ports(uint16_t lo, uint16_t hi, unsigned int nb_w)
{
	static uint8_t owner[65536];
	static uint8_t seen[65536];
	uint32_t total = 0, k, n, p;
	unsigned int w;

	nat_port_owner_fill(owner, lo, hi, nb_w);
	memset(seen, 0, sizeof(seen));
	for (w = 0; w < nb_w; w++) {
		uint32_t prev = 0;

		n = nat_port_count(lo, hi, nb_w, w);
		total += n;
		for (k = 0; k < n; k++) {
			p = nat_port_nth(lo, nb_w, w, k);
			CU_ASSERT_FATAL(p >= lo && p <= hi);
			CU_ASSERT_EQUAL_FATAL(owner[p], w);
			CU_ASSERT_FATAL(k == 0 || p > prev);
			CU_ASSERT_EQUAL_FATAL(seen[p], 0);
			seen[p] = 1;
			prev = p;
		}
	}
	CU_ASSERT_EQUAL(total, (uint32_t)hi - lo + 1);
	for (p = 0; p < 65536; p++) {
		if (p < lo || p > hi) {
			CU_ASSERT_EQUAL_FATAL(owner[p], NAT_PORT_NONE);
		} else {
			CU_ASSERT_EQUAL_FATAL(seen[p], 1);
		}
	}
}

static void
test_port_ranges_each_port_one_owner(void)
{
	unsigned int w;

	for (w = 1; w <= 8; w++)
		check_ports(1024, 65535, w);
	check_ports(1000, 1063, 64);
	check_ports(65535, 65535, 1);
	check_ports(1, 10, 3);
	check_ports(1, 65535, 7);
}

static void
test_port_count_more_workers_than_ports_zero(void)
{
	/* Config refuses this, but the arithmetic must not wrap. */
	CU_ASSERT_EQUAL(nat_port_count(100, 102, 8, 5), 0);
	CU_ASSERT_EQUAL(nat_port_count(100, 102, 8, 2), 1);
}

static CU_TestInfo tests[] = {
	{ "rewrite_ip4_tcp_random_matches_full",
		test_rewrite_ip4_tcp_random_matches_full },
	{ "rewrite_ip4_udp_random_matches_full",
		test_rewrite_ip4_udp_random_matches_full },
	{ "rewrite_ip6_tcp_random_matches_full",
		test_rewrite_ip6_tcp_random_matches_full },
	{ "rewrite_ip6_udp_random_matches_full",
		test_rewrite_ip6_udp_random_matches_full },
	{ "rewrite_same_values_unchanged", test_rewrite_same_values_unchanged },
	{ "rewrite_ip4_udp_no_csum_stays_zero",
		test_rewrite_ip4_udp_no_csum_stays_zero },
	{ "rewrite_ip6_udp_zero_csum_stays_zero",
		test_rewrite_ip6_udp_zero_csum_stays_zero },
	{ "rewrite_udp_zero_result_sent_as_ffff",
		test_rewrite_udp_zero_result_sent_as_ffff },
	{ "rewrite_tcp_zero_result_stays_zero",
		test_rewrite_tcp_zero_result_stays_zero },
	{ "rewrite_tcp_ffff_csum_result_matches_full",
		test_rewrite_tcp_ffff_csum_result_matches_full },
	{ "rewrite_edge_words_match_full", test_rewrite_edge_words_match_full },
	{ "rewrite_ip4_options_match_full",
		test_rewrite_ip4_options_match_full },
	{ "rewrite_ip4_icmp_l4_untouched", test_rewrite_ip4_icmp_l4_untouched },
	{ "rewrite_ip6_icmp6_csum_updated",
		test_rewrite_ip6_icmp6_csum_updated },
	{ "rewrite_ip6_ext_hdr_proto_arg_used",
		test_rewrite_ip6_ext_hdr_proto_arg_used },
	{ "mss_clamp_1460_to_1400_lowered",
		test_mss_clamp_1460_to_1400_lowered },
	{ "mss_clamp_below_clamp_untouched",
		test_mss_clamp_below_clamp_untouched },
	{ "mss_clamp_option_orders_lowered",
		test_mss_clamp_option_orders_lowered },
	{ "mss_clamp_no_mss_untouched", test_mss_clamp_no_mss_untouched },
	{ "mss_clamp_after_eol_untouched", test_mss_clamp_after_eol_untouched },
	{ "mss_clamp_malformed_len_untouched",
		test_mss_clamp_malformed_len_untouched },
	{ "mss_clamp_short_header_untouched",
		test_mss_clamp_short_header_untouched },
	{ "mss_clamp_fuzz_matches_reference",
		test_mss_clamp_fuzz_matches_reference },
	{ "ttl_dec_random_matches_full", test_ttl_dec_random_matches_full },
	{ "ttl_dec_one_or_zero_refused", test_ttl_dec_one_or_zero_refused },
	{ "hop_dec_above_one_decremented", test_hop_dec_above_one_decremented },
	{ "hop_dec_one_or_zero_refused", test_hop_dec_one_or_zero_refused },
	{ "csum_update16_random_matches_full",
		test_csum_update16_random_matches_full },
	{ "csum_update32_random_matches_full",
		test_csum_update32_random_matches_full },
	{ "csum_update128_random_matches_full",
		test_csum_update128_random_matches_full },
	{ "csum_update16_rfc1624_example_matches",
		test_csum_update16_rfc1624_example_matches },
	{ "port_ranges_each_port_one_owner",
		test_port_ranges_each_port_one_owner },
	{ "port_count_more_workers_than_ports_zero",
		test_port_count_more_workers_than_ports_zero },
	CU_TEST_INFO_NULL
};

static CU_SuiteInfo suites[] = { { .pName = "nat", .pTests = tests },
	CU_SUITE_INFO_NULL };

int
main(void)
{
	return weir_cunit_run(suites);
}
