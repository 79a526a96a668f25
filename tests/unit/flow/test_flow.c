/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the session table (lib/flow): the TCP state table against
 * an expected table written here from the design notes (not from
 * flow.c), flow_update() with its half-open gauge, expiry times and their
 * one-slot precision per state, refresh across wheel rotations, the 32-bit
 * tick counter wrapping, the per-call budget and the catch-up after a long
 * pause, a full table and a full index, lookups in both directions, key
 * comparison byte by byte, and a random soak against a reference model.
 *
 * The table lives in aligned_alloc() memory filled with junk first, since
 * flow_table_init() accepts any content. Time is the 'now' argument, so
 * nothing sleeps. The tests include flow_priv.h for two things only: the
 * wheel span, which is the precision they check, and the bucket choice,
 * which lets them build keys that collide on purpose.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <rte_tcp.h>

#include "weir_cunit.h"
#include "weir_common.h"
#include "flow.h"
#include "flow_dp.h"
#include "flow_priv.h"

#define SPAN FLOW_WHEEL_SPAN /* ticks: expiry precision */
#define ROT FLOW_WHEEL_ROT   /* ticks: one wheel rotation */
#define SEED 0x5eed1234u     /* index hash seed */
#define T0 1000u	     /* ticks: arbitrary non-zero start time */
#define ALL UINT_MAX	     /* flow_expire() budget: no limit */

/* TCP flag shorthands for packets. */
#define SYN RTE_TCP_SYN_FLAG
#define ACK RTE_TCP_ACK_FLAG
#define FIN RTE_TCP_FIN_FLAG
#define RST RTE_TCP_RST_FLAG
#define PSH RTE_TCP_PSH_FLAG
#define ECE RTE_TCP_ECE_FLAG
#define CWR RTE_TCP_CWR_FLAG

#define ORIG FLOW_DIR_ORIG
#define REPLY FLOW_DIR_REPLY

/*
 * Distinct per state so that a flow expiring with the wrong state's
 * timeout shows up; ESTABLISHED is longer than one rotation on purpose.
 */
static const struct flow_timeouts
	tmo = { .t = {
			[FLOW_S_SYN_SENT] = 3000,
			[FLOW_S_SYN_RECV] = 5000,
			[FLOW_S_ESTABLISHED] = 1200000,
			[FLOW_S_FIN_WAIT] = 120000,
			[FLOW_S_LAST_ACK] = 30000,
			[FLOW_S_TIME_WAIT] = 60000,
			[FLOW_S_CLOSE] = 10000,
			[FLOW_S_UDP] = 300000,
		} };

static struct flow_table *
table_new_opts(uint32_t capacity, unsigned int opts, uint32_t now)
{
	size_t size = flow_table_size(capacity, opts);
	struct flow_table *t;
	void *mem;

	CU_ASSERT_FATAL(size != 0 && size % 64 == 0);
	mem = aligned_alloc(64, size);
	CU_ASSERT_FATAL(mem != NULL);
	memset(mem, 0xa5, size);
	t = flow_table_init(mem, capacity, opts, now, SEED);
	CU_ASSERT_FATAL(t == mem);
	return t;
}

static struct flow_table *
table_new(uint32_t capacity, uint32_t now)
{
	return table_new_opts(capacity, 0, now);
}

static void
wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/*
 * Keys of session 'n': client 10.x:port -> VIP 192.0.2.1:80 and backend
 * 198.51.100.x:8080 -> local 203.0.113.1:port. Distinct n give distinct
 * keys, and no fwd key equals any rev key.
 */
static void
keys_of(uint32_t n, uint8_t proto, struct flow_key *fwd, struct flow_key *rev)
{
	memset(fwd, 0, sizeof(*fwd));
	wr32(fwd->src, 0x0a000000u + (n >> 8));
	wr32(fwd->dst, 0xc0000201u);
	fwd->sport = htons((uint16_t)(1024 + (n & 0xff)));
	fwd->dport = htons(80);
	fwd->proto = proto;
	fwd->family = AF_INET;
	memset(rev, 0, sizeof(*rev));
	wr32(rev->src, 0xc6336400u + (n & 0xff));
	wr32(rev->dst, 0xcb007101u);
	rev->sport = htons(8080);
	rev->dport = htons((uint16_t)(1024 + (n >> 8)));
	rev->proto = proto;
	rev->family = AF_INET;
}

/* The same in IPv6: client 2001:2:0:1::x, backend 2001:2:0:2::x. */
static void
keys6_of(uint32_t n, uint8_t proto, struct flow_key *fwd, struct flow_key *rev)
{
	static const uint8_t pfx[6] = { 0x20, 0x01, 0x00, 0x02, 0x00, 0x00 };

	keys_of(n, proto, fwd, rev);
	memset(fwd->src, 0, 16);
	memset(fwd->dst, 0, 16);
	memset(rev->src, 0, 16);
	memset(rev->dst, 0, 16);
	memcpy(fwd->src, pfx, 6);
	fwd->src[7] = 1;
	wr32(fwd->src + 12, n);
	memcpy(fwd->dst, pfx, 6);
	fwd->dst[7] = 0x10;
	fwd->dst[15] = 1;
	memcpy(rev->src, pfx, 6);
	rev->src[7] = 2;
	wr32(rev->src + 12, n & 0xff);
	memcpy(rev->dst, pfx, 6);
	rev->dst[7] = 2;
	rev->dst[15] = 1;
	fwd->family = rev->family = AF_INET6;
}

/* @return true if 'f' unpacks to exactly the keys 'fwd' and 'rev'. */
static bool
has_keys(const struct flow_table *t, const struct flow *f,
	const struct flow_key *fwd, const struct flow_key *rev)
{
	struct flow_info fi;

	flow_info_get(t, f, &fi);
	return memcmp(&fi.fwd, fwd, sizeof(*fwd)) == 0 &&
		memcmp(&fi.rev, rev, sizeof(*rev)) == 0;
}

static struct flow *
find(struct flow_table *t, const struct flow_key *k, enum flow_dir *dir)
{
	enum flow_dir d;

	return flow_lookup(t, k, flow_key_hash(t, k), dir != NULL ? dir : &d);
}

/* Occupied index entries: two per flow, or an insert left one behind. */
static uint64_t
index_entries(const struct flow_table *t)
{
	uint64_t nb = 0;
	uint32_t b, e;

	for (b = 0; b <= t->bucket_mask; b++)
		for (e = 0; e < FLOW_BUCKET_ENTRIES; e++)
			nb += t->buckets[b].sig[e] != 0;
	return nb;
}

static struct flow *
insert_n(struct flow_table *t, uint32_t n, uint8_t proto, uint32_t now,
	uint32_t timeout)
{
	struct flow_key fwd, rev;

	keys_of(n, proto, &fwd, &rev);
	return flow_insert(t, &fwd, &rev, now, timeout);
}

static bool
present_n(struct flow_table *t, uint32_t n, uint8_t proto)
{
	struct flow_key fwd, rev;

	keys_of(n, proto, &fwd, &rev);
	return find(t, &fwd, NULL) != NULL;
}

/* Sessions alive after an expiry pass at every step of [from, to]. */
static bool
stays_until(struct flow_table *t, uint32_t n, uint8_t proto, uint32_t from,
	uint32_t to, uint32_t step)
{
	uint32_t now = from;

	for (;;) {
		flow_expire(t, now, ALL, NULL, NULL);
		if (!present_n(t, n, proto))
			return false;
		if (now == to)
			return true;
		now = to - now > step ? now + step : to;
	}
}

/*
 * Expire tick by tick over [from, to]; true with *at set to the first
 * tick at which session 'n' was gone.
 */
static bool
gone_between(struct flow_table *t, uint32_t n, uint8_t proto, uint32_t from,
	uint32_t to, uint32_t *at)
{
	uint32_t now = from;

	for (;;) {
		flow_expire(t, now, ALL, NULL, NULL);
		if (!present_n(t, n, proto)) {
			*at = now;
			return true;
		}
		if (now == to)
			return false;
		now++;
	}
}

/* Session 'n' lives through 'deadline' and is gone one span later. */
static void
check_expiry(struct flow_table *t, uint32_t n, uint8_t proto, uint32_t from,
	uint32_t deadline)
{
	uint32_t at = 0;

	CU_ASSERT(stays_until(t, n, proto, from, deadline, 997));
	CU_ASSERT(
		gone_between(t, n, proto, deadline + 1, deadline + SPAN, &at));
	CU_ASSERT((int32_t)(at - deadline) > 0);
	CU_ASSERT((int32_t)(at - deadline) <= (int32_t)SPAN);
}

/*
 * 1. The TCP state table.
 *
 * Packets are classified by the test's own kinds; rows are states with
 * the FIN flags they can carry there. Expected values follow the design
 * notes: handshake SYN_SENT -> SYN_RECV (backend SYN+ACK) -> ESTABLISHED
 * (client ACK); FIN from a side -> FIN_WAIT, the other side's FIN ->
 * LAST_ACK, any ACK -> TIME_WAIT; RST -> CLOSE except in TIME_WAIT; the
 * client's SYN reopens TIME_WAIT and CLOSE with FIN flags cleared; a SYN
 * never tears down ESTABLISHED; no-flag and SYN+FIN packets change
 * nothing; ECN and PSH bits are ignored.
 */
enum pk {
	PK_SYN,
	PK_SYN_ECN,
	PK_SYN_ACK,
	PK_ACK,
	PK_PSH_ACK,
	PK_FIN_ACK,
	PK_FIN,
	PK_RST,
	PK_RSTACK,
	PK_NULL,
	PK_SYNFIN,
	PK_COUNT
};

static const uint8_t pk_flags[PK_COUNT] = {
	[PK_SYN] = SYN,
	[PK_SYN_ECN] = SYN | ECE | CWR,
	[PK_SYN_ACK] = SYN | ACK,
	[PK_ACK] = ACK,
	[PK_PSH_ACK] = PSH | ACK,
	[PK_FIN_ACK] = FIN | ACK,
	[PK_FIN] = FIN,
	[PK_RST] = RST,
	[PK_RSTACK] = RST | ACK,
	[PK_NULL] = 0,
	[PK_SYNFIN] = SYN | FIN,
};

struct exp {
	uint8_t state;
	uint8_t flags;
};

struct tcp_row {
	uint8_t state;
	uint8_t flags;
	struct exp next[2][PK_COUNT];
};

#define S_SS FLOW_S_SYN_SENT
#define S_SR FLOW_S_SYN_RECV
#define S_ES FLOW_S_ESTABLISHED
#define S_FW FLOW_S_FIN_WAIT
#define S_LA FLOW_S_LAST_ACK
#define S_TW FLOW_S_TIME_WAIT
#define S_CL FLOW_S_CLOSE
#define S_UD FLOW_S_UDP
#define FO FLOW_F_FIN_ORIG
#define FR FLOW_F_FIN_REPLY
#define FB (FLOW_F_FIN_ORIG | FLOW_F_FIN_REPLY)

/* Outcomes: state, then the FIN flags (o: ORIG, r: REPLY, b: both). */
#define SS0                                                                    \
	{                                                                      \
		S_SS, 0                                                        \
	}
#define SR0                                                                    \
	{                                                                      \
		S_SR, 0                                                        \
	}
#define ES0                                                                    \
	{                                                                      \
		S_ES, 0                                                        \
	}
#define FWo                                                                    \
	{                                                                      \
		S_FW, FO                                                       \
	}
#define FWr                                                                    \
	{                                                                      \
		S_FW, FR                                                       \
	}
#define LAb                                                                    \
	{                                                                      \
		S_LA, FB                                                       \
	}
#define TWb                                                                    \
	{                                                                      \
		S_TW, FB                                                       \
	}
#define CL0                                                                    \
	{                                                                      \
		S_CL, 0                                                        \
	}
#define CLo                                                                    \
	{                                                                      \
		S_CL, FO                                                       \
	}
#define CLr                                                                    \
	{                                                                      \
		S_CL, FR                                                       \
	}
#define CLb                                                                    \
	{                                                                      \
		S_CL, FB                                                       \
	}
#define UD0                                                                    \
	{                                                                      \
		S_UD, 0                                                        \
	}

static const struct tcp_row tcp_rows[] = {
	/*	    SYN  +ECN SYNA ACK  PSHA FINA FIN  RST  RSTA NULL SYFI */
	{ S_SS, 0,
		{
			[ORIG] = { SS0, SS0, SS0, SS0, SS0, SS0, SS0, CL0, CL0,
				SS0, SS0 },
			[REPLY] = { SS0, SS0, SR0, SS0, SS0, SS0, SS0, CL0, CL0,
				SS0, SS0 },
		} },
	{ S_SR, 0,
		{
			[ORIG] = { SR0, SR0, SR0, ES0, ES0, FWo, FWo, CL0, CL0,
				SR0, SR0 },
			[REPLY] = { SR0, SR0, SR0, SR0, SR0, FWr, FWr, CL0, CL0,
				SR0, SR0 },
		} },
	{ S_ES, 0,
		{
			[ORIG] = { ES0, ES0, ES0, ES0, ES0, FWo, FWo, CL0, CL0,
				ES0, ES0 },
			[REPLY] = { ES0, ES0, ES0, ES0, ES0, FWr, FWr, CL0, CL0,
				ES0, ES0 },
		} },
	{ S_FW, FO,
		{
			[ORIG] = { FWo, FWo, FWo, FWo, FWo, FWo, FWo, CLo, CLo,
				FWo, FWo },
			[REPLY] = { FWo, FWo, FWo, FWo, FWo, LAb, LAb, CLo, CLo,
				FWo, FWo },
		} },
	{ S_FW, FR,
		{
			[ORIG] = { FWr, FWr, FWr, FWr, FWr, LAb, LAb, CLr, CLr,
				FWr, FWr },
			[REPLY] = { FWr, FWr, FWr, FWr, FWr, FWr, FWr, CLr, CLr,
				FWr, FWr },
		} },
	{ S_LA, FB,
		{
			[ORIG] = { LAb, LAb, LAb, TWb, TWb, LAb, LAb, CLb, CLb,
				LAb, LAb },
			[REPLY] = { LAb, LAb, LAb, TWb, TWb, LAb, LAb, CLb, CLb,
				LAb, LAb },
		} },
	{ S_TW, FB,
		{
			[ORIG] = { SS0, SS0, TWb, TWb, TWb, TWb, TWb, TWb, TWb,
				TWb, TWb },
			[REPLY] = { TWb, TWb, TWb, TWb, TWb, TWb, TWb, TWb, TWb,
				TWb, TWb },
		} },
	{ S_CL, 0,
		{
			[ORIG] = { SS0, SS0, CL0, CL0, CL0, CL0, CL0, CL0, CL0,
				CL0, CL0 },
			[REPLY] = { CL0, CL0, CL0, CL0, CL0, CL0, CL0, CL0, CL0,
				CL0, CL0 },
		} },
	/* Reset while closing: the FIN flag stays until a SYN reopens. */
	{ S_CL, FO,
		{
			[ORIG] = { SS0, SS0, CLo, CLo, CLo, CLo, CLo, CLo, CLo,
				CLo, CLo },
			[REPLY] = { CLo, CLo, CLo, CLo, CLo, CLo, CLo, CLo, CLo,
				CLo, CLo },
		} },
	{ S_UD, 0,
		{
			[ORIG] = { UD0, UD0, UD0, UD0, UD0, UD0, UD0, UD0, UD0,
				UD0, UD0 },
			[REPLY] = { UD0, UD0, UD0, UD0, UD0, UD0, UD0, UD0, UD0,
				UD0, UD0 },
		} },
};

static void
test_tcp_next_every_transition_matches_table(void)
{
	/* Unrelated flags must ride through every transition untouched. */
	static const uint8_t extra[] = {
		0,
		FLOW_F_MIDFLOW,
		FLOW_F_MIDFLOW | FLOW_F_HALF_OPEN,
	};
	bool state_seen[FLOW_S_COUNT] = { false };
	unsigned int r, d, p, x, nb = 0;

	for (r = 0; r < WEIR_ARRAY_LEN(tcp_rows); r++) {
		const struct tcp_row *row = &tcp_rows[r];

		state_seen[row->state] = true;
		for (d = ORIG; d <= REPLY; d++) {
			for (p = 0; p < PK_COUNT; p++) {
				for (x = 0; x < WEIR_ARRAY_LEN(extra); x++) {
					const struct exp *e = &row->next[d][p];
					uint8_t nfl = 0xee;
					enum flow_state ns;

					ns = flow_tcp_next(row->state,
						row->flags | extra[x], d,
						pk_flags[p], &nfl);
					if (ns != e->state ||
						nfl != (e->flags | extra[x]))
						fprintf(stderr,
							"row %u dir %u "
							"pk %u: got %s/%#x\n",
							r, d, p,
							flow_state_name(ns),
							nfl);
					CU_ASSERT_EQUAL(ns, e->state);
					CU_ASSERT_EQUAL(
						nfl, e->flags | extra[x]);
					nb++;
				}
			}
		}
	}
	for (r = 0; r < FLOW_S_COUNT; r++)
		CU_ASSERT(state_seen[r]);
	CU_ASSERT_EQUAL(nb,
		WEIR_ARRAY_LEN(tcp_rows) * 2 * PK_COUNT *
			WEIR_ARRAY_LEN(extra));
}

static void
test_tcp_next_unknown_state_unchanged(void)
{
	uint8_t nfl = 0;

	CU_ASSERT_EQUAL(
		flow_tcp_next(FLOW_S_COUNT, FO, ORIG, SYN, &nfl), FLOW_S_COUNT);
	CU_ASSERT_EQUAL(nfl, FO);
	CU_ASSERT_EQUAL(
		flow_tcp_next((enum flow_state)0xff, 0, REPLY, RST, &nfl),
		0xff);
	CU_ASSERT_EQUAL(nfl, 0);
	CU_ASSERT_EQUAL(
		flow_tcp_next(S_ES, 0, (enum flow_dir)2, FIN, &nfl), S_ES);
	CU_ASSERT_EQUAL(nfl, 0);
}

/* flow_update() on a real flow: states, flags, gauge, expiry. */
static void
test_update_lifecycle_gauge_follows(void)
{
	static const struct {
		enum flow_dir dir;
		uint8_t tcp;
		enum flow_state state;
		uint8_t fin;
		uint64_t half_open;
	} steps[] = {
		{ ORIG, SYN, S_SS, 0, 1 },
		{ ORIG, SYN, S_SS, 0, 1 },
		{ REPLY, SYN | ACK, S_SR, 0, 1 },
		{ ORIG, ACK, S_ES, 0, 0 },
		{ REPLY, PSH | ACK, S_ES, 0, 0 },
		{ REPLY, FIN | ACK, S_FW, FR, 0 },
		{ ORIG, FIN | ACK, S_LA, FB, 0 },
		{ REPLY, ACK, S_TW, FB, 0 },
		{ ORIG, RST, S_TW, FB, 0 },
		{ ORIG, SYN, S_SS, 0, 1 },
		{ ORIG, RST, S_CL, 0, 0 },
		{ ORIG, SYN, S_SS, 0, 1 },
	};
	struct flow_table *t = table_new(16, T0);
	const struct flow_stats *st = flow_table_stats(t);
	uint32_t now = T0, i;
	struct flow *f;

	f = insert_n(t, 1, IPPROTO_TCP, now, 7);
	CU_ASSERT_FATAL(f != NULL);
	CU_ASSERT_EQUAL(f->state, S_SS);
	CU_ASSERT_EQUAL(f->flags, 0);
	CU_ASSERT_EQUAL(f->expire, now + 7);
	/* The caller's fields must survive state changes and reopening. */
	f->svc = 7;
	f->be = 9;
	for (i = 0; i < WEIR_ARRAY_LEN(steps); i++) {
		enum flow_state s;

		now += 100;
		s = flow_update(t, f, steps[i].dir, steps[i].tcp, now, &tmo);
		CU_ASSERT_EQUAL(s, steps[i].state);
		CU_ASSERT_EQUAL(f->state, steps[i].state);
		CU_ASSERT_EQUAL(f->flags & FB, steps[i].fin);
		CU_ASSERT_EQUAL(
			!!(f->flags & FLOW_F_HALF_OPEN), steps[i].half_open);
		CU_ASSERT_EQUAL(st->nb_half_open, steps[i].half_open);
		CU_ASSERT_EQUAL(f->expire, now + tmo.t[s]);
	}
	CU_ASSERT_EQUAL(f->svc, 7);
	CU_ASSERT_EQUAL(f->be, 9);
	/* Expiring a half-open flow takes it out of the gauge. */
	CU_ASSERT_EQUAL(
		flow_expire(t, now + tmo.t[S_SS] + SPAN, ALL, NULL, NULL), 1);
	CU_ASSERT_EQUAL(st->nb_half_open, 0);
	CU_ASSERT_EQUAL(st->nb_flows, 0);
	free(t);
}

static void
test_update_udp_ignores_tcp_flags(void)
{
	struct flow_table *t = table_new(16, T0);
	struct flow *f = insert_n(t, 1, IPPROTO_UDP, T0, 50);

	CU_ASSERT_FATAL(f != NULL);
	CU_ASSERT_EQUAL(f->state, S_UD);
	CU_ASSERT_EQUAL(
		flow_update(t, f, ORIG, SYN | RST, T0 + 10, &tmo), S_UD);
	CU_ASSERT_EQUAL(flow_update(t, f, REPLY, FIN, T0 + 20, &tmo), S_UD);
	CU_ASSERT_EQUAL(f->flags, 0);
	CU_ASSERT_EQUAL(f->expire, T0 + 20 + tmo.t[S_UD]);
	CU_ASSERT_EQUAL(flow_table_stats(t)->nb_half_open, 0);
	free(t);
}

/* 2. Timeouts. */

/* Wherever in a slot a flow starts, it dies within one span of expire. */
static void
test_expire_within_one_span_of_deadline(void)
{
	static const uint32_t offsets[] = { 0, 1, 17, 255, 256, 257, 511 };
	static const uint32_t timeouts[] = { 0, 1, 255, 256, 1000, 70000 };
	unsigned int o, k;

	for (o = 0; o < WEIR_ARRAY_LEN(offsets); o++) {
		for (k = 0; k < WEIR_ARRAY_LEN(timeouts); k++) {
			struct flow_table *t = table_new(8, T0);
			uint32_t now = T0 + offsets[o];

			CU_ASSERT_FATAL(insert_n(t, 3, IPPROTO_UDP, now,
						timeouts[k]) != NULL);
			check_expiry(t, 3, IPPROTO_UDP, now, now + timeouts[k]);
			CU_ASSERT_EQUAL(flow_table_stats(t)->expired, 1);
			free(t);
		}
	}
}

/* Send the packets that take a fresh flow to 'target', all at 'now'. */
static void
drive_to(struct flow_table *t, struct flow *f, enum flow_state target,
	uint32_t now)
{
	static const struct {
		enum flow_dir dir;
		uint8_t tcp;
	} path[] = {
		{ ORIG, SYN },	      /* SYN_SENT */
		{ REPLY, SYN | ACK }, /* SYN_RECV */
		{ ORIG, ACK },	      /* ESTABLISHED */
		{ ORIG, FIN | ACK },  /* FIN_WAIT */
		{ REPLY, FIN | ACK }, /* LAST_ACK */
		{ ORIG, ACK },	      /* TIME_WAIT */
	};
	unsigned int i;

	if (target == S_UD) {
		flow_update(t, f, ORIG, 0, now, &tmo);
		return;
	}
	if (target == S_CL) {
		flow_update(t, f, ORIG, SYN, now, &tmo);
		flow_update(t, f, REPLY, RST, now, &tmo);
		return;
	}
	for (i = 0; i < WEIR_ARRAY_LEN(path); i++) {
		if (flow_update(t, f, path[i].dir, path[i].tcp, now, &tmo) ==
			target)
			return;
	}
	CU_FAIL("state not reached");
}

/*
 * Each state's own timeout, whether the flow was linked with a shorter
 * timeout (found early and linked again) or a much longer one (moved
 * earlier when the state changed).
 */
static void
test_expire_per_state_timeout_honoured(void)
{
	static const uint32_t insert_timeouts[] = { 0, 2 * ROT + 5 };
	unsigned int s, k;

	for (s = 0; s < FLOW_S_COUNT; s++) {
		for (k = 0; k < WEIR_ARRAY_LEN(insert_timeouts); k++) {
			uint8_t proto = s == S_UD ? IPPROTO_UDP : IPPROTO_TCP;
			struct flow_table *t = table_new(8, T0);
			uint32_t now = T0 + 4321;
			struct flow *f;

			f = insert_n(t, 5, proto, T0, insert_timeouts[k]);
			CU_ASSERT_FATAL(f != NULL);
			drive_to(t, f, s, now);
			CU_ASSERT_EQUAL(f->state, s);
			check_expiry(t, 5, proto, T0, now + tmo.t[s]);
			free(t);
		}
	}
}

/* An RST after a long idle ESTABLISHED period: CLOSE's timeout rules. */
static void
test_expire_shorter_timeout_moves_flow(void)
{
	struct flow_table *t = table_new(8, T0);
	uint32_t now = T0;
	struct flow *f = insert_n(t, 1, IPPROTO_TCP, now, tmo.t[S_SS]);

	CU_ASSERT_FATAL(f != NULL);
	drive_to(t, f, S_ES, now);
	/* Long enough that the flow was looked at and linked far ahead. */
	now += 3 * ROT / 4;
	CU_ASSERT(stays_until(t, 1, IPPROTO_TCP, T0, now, 4096));
	CU_ASSERT_EQUAL(flow_update(t, f, REPLY, RST, now, &tmo), S_CL);
	check_expiry(t, 1, IPPROTO_TCP, now, now + tmo.t[S_CL]);
	free(t);
}

/* Refreshed by traffic, a flow outlives several rotations. */
static void
test_expire_refreshed_flow_survives_rotations(void)
{
	/* Shorter than two refresh intervals: one missed refresh kills. */
	static const struct flow_timeouts
		short_tmo = { .t = {
				      [FLOW_S_UDP] = 5000,
			      } };
	struct flow_table *t = table_new(64, T0);
	uint32_t now = T0, end = T0 + 7 * ROT / 2, n = 100;
	struct flow *f = insert_n(t, 1, IPPROTO_UDP, now, 5000);
	bool alive = true;

	CU_ASSERT_FATAL(f != NULL);
	while ((int32_t)(end - now) > 0) {
		now += 2999;
		CU_ASSERT_EQUAL(
			flow_update(t, f, ORIG, 0, now, &short_tmo), S_UD);
		/* Neighbours that come and go in the same slots. */
		if (insert_n(t, n, IPPROTO_UDP, now, 4000) != NULL)
			n++;
		flow_expire(t, now, ALL, NULL, NULL);
		alive &= present_n(t, 1, IPPROTO_UDP);
	}
	CU_ASSERT(alive);
	CU_ASSERT(flow_table_stats(t)->expired > 1000);
	/* Silent from here: gone one UDP timeout later. */
	check_expiry(t, 1, IPPROTO_UDP, now, now + short_tmo.t[S_UD]);
	free(t);
}

/* A timeout longer than a rotation is kept to, not cut at a rotation. */
static void
test_expire_timeout_beyond_rotation_honoured(void)
{
	struct flow_table *t = table_new(8, T0);
	uint32_t timeout = 5 * ROT / 2 + 77;

	CU_ASSERT_FATAL(insert_n(t, 2, IPPROTO_UDP, T0, timeout) != NULL);
	check_expiry(t, 2, IPPROTO_UDP, T0, T0 + timeout);
	free(t);
}

/* The 32-bit tick counter wraps during the flows' lives. */
static void
test_expire_counter_wrap_honoured(void)
{
	uint32_t start = UINT32_MAX - 2 * SPAN - 17, now = start;
	struct flow_table *t = table_new(16, start);
	struct flow *f;
	unsigned int i;

	CU_ASSERT_FATAL(insert_n(t, 1, IPPROTO_UDP, start, 30000) != NULL);
	CU_ASSERT_FATAL(
		insert_n(t, 2, IPPROTO_UDP, start, 3 * ROT / 2) != NULL);
	f = insert_n(t, 3, IPPROTO_TCP, start, 10);
	CU_ASSERT_FATAL(f != NULL);
	/* Flow 3 is kept half-open across the wrap, then reset. */
	for (i = 0; i < 100; i++) {
		now += 50;
		flow_update(t, f, i == 0 ? ORIG : REPLY,
			i == 0 ? SYN : SYN | ACK, now, &tmo);
		flow_expire(t, now, ALL, NULL, NULL);
		CU_ASSERT(present_n(t, 3, IPPROTO_TCP));
	}
	CU_ASSERT((int32_t)(now - start) > 0 && now < start);
	CU_ASSERT_EQUAL(flow_update(t, f, ORIG, RST, now, &tmo), S_CL);
	check_expiry(t, 3, IPPROTO_TCP, now, now + tmo.t[S_CL]);
	check_expiry(t, 1, IPPROTO_UDP, now, start + 30000);
	check_expiry(t, 2, IPPROTO_UDP, start + 30000, start + 3 * ROT / 2);
	CU_ASSERT_EQUAL(flow_table_stats(t)->nb_flows, 0);
	free(t);
}

/* 3. Budget. */

struct count_ctx {
	unsigned int nb;
	uint32_t now;	    /* the flow_expire() 'now' */
	unsigned int early; /* flows removed before their expire */
};

static void
count_cb(void *arg, const struct flow *f)
{
	struct count_ctx *c = arg;

	c->nb++;
	if ((int32_t)(c->now - f->expire) <= 0)
		c->early++;
}

static void
test_expire_budget_bounds_each_call(void)
{
	const uint32_t nb = 10000, budget = 64;
	struct flow_table *t = table_new(nb, T0);
	struct count_ctx c = { .now = T0 + 1000 + SPAN };
	unsigned int i, calls = 0, total = 0, r;

	for (i = 0; i < nb; i++)
		CU_ASSERT_FATAL(insert_n(t, i, IPPROTO_UDP, T0, 1000) != NULL);
	CU_ASSERT_EQUAL(flow_expire(t, T0 + 1000, ALL, NULL, NULL), 0);
	do {
		r = flow_expire(t, c.now, budget, count_cb, &c);
		CU_ASSERT(r <= budget);
		/* All are due: every call but the last is a full one. */
		if (total + budget <= nb)
			CU_ASSERT_EQUAL(r, budget);
		total += r;
		calls++;
	} while (r != 0 && calls < 1000);
	CU_ASSERT_EQUAL(total, nb);
	CU_ASSERT_EQUAL(c.nb, nb);
	CU_ASSERT_EQUAL(c.early, 0);
	CU_ASSERT_EQUAL(calls, (nb + budget - 1) / budget + 1);
	CU_ASSERT_EQUAL(flow_table_stats(t)->nb_flows, 0);
	CU_ASSERT_EQUAL(flow_table_stats(t)->expired, nb);
	free(t);
}

static void
test_expire_budget_zero_examines_nothing(void)
{
	struct flow_table *t = table_new(8, T0);

	CU_ASSERT_FATAL(insert_n(t, 1, IPPROTO_UDP, T0, 0) != NULL);
	CU_ASSERT_EQUAL(flow_expire(t, T0 + 10 * SPAN, 0, NULL, NULL), 0);
	CU_ASSERT(present_n(t, 1, IPPROTO_UDP));
	CU_ASSERT_EQUAL(flow_expire(t, T0 + 10 * SPAN, 1, NULL, NULL), 1);
	free(t);
}

/*
 * No flow_expire() for 5.3 rotations while traffic went on: the overdue
 * flows all go, with every call within budget, and flows refreshed (or
 * created) during the pause live on until their own deadline.
 */
static void
test_expire_catch_up_after_pause(void)
{
	const uint32_t nb = 3000, budget = 64;
	uint32_t late = T0 + 53 * ROT / 10, i, calls;
	struct flow_table *t = table_new(nb + 10, T0);
	struct count_ctx c = { .now = late };
	unsigned int r, total = 0;

	for (i = 0; i < nb; i++) {
		struct flow *f = insert_n(
			t, i, IPPROTO_UDP, T0 + i * 97, (i * 7919) % (2 * ROT));

		CU_ASSERT_FATAL(f != NULL);
		/* Every 100th still talks, just before the check. */
		if (i % 100 == 0)
			flow_update(t, f, REPLY, 0, late - 10, &tmo);
	}
	/* Created during the pause, already due, or not yet. */
	CU_ASSERT_FATAL(
		insert_n(t, nb, IPPROTO_UDP, late - 2 * SPAN, 1) != NULL);
	CU_ASSERT_FATAL(
		insert_n(t, nb + 1, IPPROTO_UDP, late - 5, 1000) != NULL);
	for (calls = 0; calls < 1000; calls++) {
		r = flow_expire(t, late, budget, count_cb, &c);
		CU_ASSERT(r <= budget);
		total += r;
	}
	CU_ASSERT_EQUAL(c.early, 0);
	CU_ASSERT_EQUAL(total, nb - nb / 100 + 1);
	for (i = 0; i < nb; i++)
		CU_ASSERT_EQUAL(present_n(t, i, IPPROTO_UDP), i % 100 == 0);
	CU_ASSERT(!present_n(t, nb, IPPROTO_UDP));
	CU_ASSERT(present_n(t, nb + 1, IPPROTO_UDP));
	/* In deadline order: each check moves the clock past its own. */
	check_expiry(t, nb + 1, IPPROTO_UDP, late, late - 5 + 1000);
	check_expiry(t, 0, IPPROTO_UDP, late - 5 + 1000 + SPAN,
		late - 10 + tmo.t[S_UD]);
	free(t);
}

/* 4. Full table, full index. */

static void
test_insert_full_table_refused_counted(void)
{
	const uint32_t cap = 64;
	struct flow_table *t = table_new(cap, T0);
	const struct flow_stats *st = flow_table_stats(t);
	struct flow_key fwd, rev;
	uint32_t i, now;
	enum flow_dir d;

	for (i = 0; i < cap; i++) {
		struct flow *f = insert_n(t, i, IPPROTO_TCP, T0, 100);

		CU_ASSERT_FATAL(f != NULL);
		drive_to(t, f, S_ES, T0);
	}
	CU_ASSERT_PTR_NULL(insert_n(t, cap, IPPROTO_TCP, T0, 100));
	CU_ASSERT_PTR_NULL(insert_n(t, cap + 1, IPPROTO_UDP, T0, 100));
	CU_ASSERT_EQUAL(st->full, 2);
	CU_ASSERT_EQUAL(st->index_full, 0);
	CU_ASSERT_EQUAL(st->created, cap);
	CU_ASSERT_EQUAL(st->nb_flows, cap);
	for (i = 0; i < cap; i++) {
		keys_of(i, IPPROTO_TCP, &fwd, &rev);
		CU_ASSERT(find(t, &fwd, &d) != NULL && d == ORIG);
		CU_ASSERT(find(t, &rev, &d) != NULL && d == REPLY);
	}
	keys_of(cap, IPPROTO_TCP, &fwd, &rev);
	CU_ASSERT(!flow_key_in_use(t, &fwd, flow_key_hash(t, &fwd)));
	CU_ASSERT(!flow_key_in_use(t, &rev, flow_key_hash(t, &rev)));
	/* Once they expire, the same number fits again. */
	now = T0 + tmo.t[S_ES] + SPAN;
	CU_ASSERT_EQUAL(flow_expire(t, now, ALL, NULL, NULL), cap);
	for (i = 0; i < cap; i++)
		CU_ASSERT(insert_n(t, cap + i, IPPROTO_TCP, now, 100) != NULL);
	CU_ASSERT_PTR_NULL(insert_n(t, 0, IPPROTO_TCP, now, 100));
	CU_ASSERT_EQUAL(st->full, 3);
	free(t);
}

/* A reused entry starts clean: the caller's fields do not leak. */
static void
test_insert_reused_entry_zeroed(void)
{
	static const uint8_t zero[6];
	struct flow_table *t = table_new(1, T0);
	struct flow *f = insert_n(t, 1, IPPROTO_TCP, T0, 10);

	CU_ASSERT_FATAL(f != NULL);
	drive_to(t, f, S_SR, T0);
	f->flags |= FLOW_F_MIDFLOW;
	f->svc = 3;
	f->be = 4;
	f->cli_port = 5;
	f->be_port = 6;
	memset(f->cli_mac, 0x11, sizeof(f->cli_mac));
	memset(f->be_mac, 0x22, sizeof(f->be_mac));
	CU_ASSERT_EQUAL(
		flow_expire(t, T0 + tmo.t[S_SR] + SPAN, ALL, NULL, NULL), 1);
	CU_ASSERT_EQUAL(flow_table_stats(t)->nb_half_open, 0);
	f = insert_n(t, 2, IPPROTO_UDP, T0 + 9000, 10);
	CU_ASSERT_FATAL(f != NULL);
	CU_ASSERT_EQUAL(f->state, S_UD);
	CU_ASSERT_EQUAL(f->flags, 0);
	CU_ASSERT_EQUAL(f->svc, 0);
	CU_ASSERT_EQUAL(f->be, 0);
	CU_ASSERT_EQUAL(f->cli_port, 0);
	CU_ASSERT_EQUAL(f->be_port, 0);
	CU_ASSERT(memcmp(f->cli_mac, zero, 6) == 0);
	CU_ASSERT(memcmp(f->be_mac, zero, 6) == 0);
	CU_ASSERT_EQUAL(f->expire, T0 + 9010);
	CU_ASSERT(!present_n(t, 1, IPPROTO_TCP));
	free(t);
}

/*
 * Keys for session numbers from 'n' up whose two keys both have their
 * candidate buckets in {b1, b2} (b2 == UINT32_MAX: any second bucket).
 * @return the next session number to try.
 */
static uint32_t
next_colliding(const struct flow_table *t, uint32_t n, uint32_t b1, uint32_t b2,
	struct flow_key *fwd, struct flow_key *rev)
{
	for (;; n++) {
		uint32_t c[4];

		keys_of(n, IPPROTO_TCP, fwd, rev);
		flow_bucket_pair(
			flow_key_hash(t, fwd), t->bucket_mask, &c[0], &c[1]);
		flow_bucket_pair(
			flow_key_hash(t, rev), t->bucket_mask, &c[2], &c[3]);
		if (b2 == UINT32_MAX) {
			if (c[0] == b1 && c[2] == b1)
				return n + 1;
		} else if ((c[0] == b1 || c[0] == b2) &&
			(c[1] == b1 || c[1] == b2) &&
			(c[2] == b1 || c[2] == b2) &&
			(c[3] == b1 || c[3] == b2)) {
			return n + 1;
		}
	}
}

/* Keys sharing their first bucket spill into their second ones. */
static void
test_index_shared_first_bucket_inserts(void)
{
	const uint32_t nb = 40; /* flows: 80 keys for an 8-entry bucket */
	struct flow_table *t = table_new(1024, T0);
	struct flow_key fwd[40], rev[40];
	uint32_t i, n = 0;
	enum flow_dir d;

	for (i = 0; i < nb; i++) {
		n = next_colliding(t, n, 0, UINT32_MAX, &fwd[i], &rev[i]);
		CU_ASSERT_FATAL(
			flow_insert(t, &fwd[i], &rev[i], T0, 100) != NULL);
	}
	CU_ASSERT_EQUAL(flow_table_stats(t)->index_full, 0);
	for (i = 0; i < nb; i++) {
		struct flow *f = find(t, &fwd[i], &d);

		CU_ASSERT(f != NULL && d == ORIG &&
			has_keys(t, f, &fwd[i], &rev[i]));
		CU_ASSERT(find(t, &rev[i], &d) == f && d == REPLY);
	}
	/* And removal finds each entry in whichever bucket it went to. */
	CU_ASSERT_EQUAL(flow_expire(t, T0 + 100 + SPAN, ALL, NULL, NULL), nb);
	for (i = 0; i < nb; i++) {
		CU_ASSERT_PTR_NULL(find(t, &fwd[i], NULL));
		CU_ASSERT_PTR_NULL(find(t, &rev[i], NULL));
	}
	CU_ASSERT_EQUAL(index_entries(t), 0);
	free(t);
}

/*
 * Both buckets of a key full: the insert fails and counts, leaving no
 * half-inserted flow (the first key is taken out again, the entry stays
 * free), and the table still fills to capacity with other keys.
 */
static void
test_index_both_buckets_full_refused_undone(void)
{
	const uint32_t cap = 16;
	struct flow_table *t = table_new(cap, T0);
	const struct flow_stats *st = flow_table_stats(t);
	struct flow_key fwd, rev, other_fwd, other_rev;
	uint32_t b1, b2, n = 0, m, i;

	/* Pick the bucket pair of the first key found. */
	keys_of(0, IPPROTO_TCP, &fwd, &rev);
	flow_bucket_pair(flow_key_hash(t, &fwd), t->bucket_mask, &b1, &b2);
	CU_ASSERT_FATAL(b1 != b2);
	/* Two keys per flow: this many flows fill both buckets. */
	for (i = 0; i < FLOW_BUCKET_ENTRIES; i++) {
		n = next_colliding(t, n, b1, b2, &fwd, &rev);
		CU_ASSERT_FATAL(flow_insert(t, &fwd, &rev, T0, 100) != NULL);
	}
	CU_ASSERT_EQUAL(st->index_full, 0);
	/* A free pair for the first key, the full pair for the second. */
	for (m = 100000;; m++) {
		uint32_t c[2];

		keys_of(m, IPPROTO_TCP, &other_fwd, &other_rev);
		flow_bucket_pair(flow_key_hash(t, &other_fwd), t->bucket_mask,
			&c[0], &c[1]);
		if (c[0] != b1 && c[0] != b2 && c[1] != b1 && c[1] != b2)
			break;
	}
	n = next_colliding(t, n, b1, b2, &fwd, &rev);
	CU_ASSERT_PTR_NULL(flow_insert(t, &other_fwd, &rev, T0, 100));
	CU_ASSERT_EQUAL(st->index_full, 1);
	CU_ASSERT_PTR_NULL(flow_insert(t, &fwd, &other_rev, T0, 100));
	CU_ASSERT_EQUAL(st->index_full, 2);
	CU_ASSERT(
		!flow_key_in_use(t, &other_fwd, flow_key_hash(t, &other_fwd)));
	CU_ASSERT(
		!flow_key_in_use(t, &other_rev, flow_key_hash(t, &other_rev)));
	CU_ASSERT(!flow_key_in_use(t, &rev, flow_key_hash(t, &rev)));
	CU_ASSERT_EQUAL(st->nb_flows, FLOW_BUCKET_ENTRIES);
	CU_ASSERT_EQUAL(index_entries(t), 2 * st->nb_flows);
	CU_ASSERT_EQUAL(st->created, FLOW_BUCKET_ENTRIES);
	CU_ASSERT_EQUAL(st->full, 0);
	/* No entry leaked: the other keys fill the table exactly. */
	for (i = 0, m = 200000; i < cap - FLOW_BUCKET_ENTRIES; m++) {
		uint32_t c[4];

		keys_of(m, IPPROTO_TCP, &other_fwd, &other_rev);
		flow_bucket_pair(flow_key_hash(t, &other_fwd), t->bucket_mask,
			&c[0], &c[1]);
		flow_bucket_pair(flow_key_hash(t, &other_rev), t->bucket_mask,
			&c[2], &c[3]);
		if (c[0] == b1 || c[0] == b2 || c[1] == b1 || c[1] == b2 ||
			c[2] == b1 || c[2] == b2 || c[3] == b1 || c[3] == b2)
			continue;
		if (flow_insert(t, &other_fwd, &other_rev, T0, 100) != NULL)
			i++;
		else
			break;
	}
	CU_ASSERT_EQUAL(st->nb_flows, cap);
	CU_ASSERT_PTR_NULL(insert_n(t, 300000, IPPROTO_TCP, T0, 100));
	CU_ASSERT_EQUAL(st->full, 1);
	free(t);
}

/* 5. Lookup. */

static void
test_lookup_both_directions_dir_set(void)
{
	struct flow_table *t = table_new(16, T0);
	struct flow_key fwd, rev, swapped;
	enum flow_dir d = REPLY;
	struct flow *f = insert_n(t, 42, IPPROTO_TCP, T0, 100);

	CU_ASSERT_FATAL(f != NULL);
	keys_of(42, IPPROTO_TCP, &fwd, &rev);
	CU_ASSERT(has_keys(t, f, &fwd, &rev));
	CU_ASSERT(find(t, &fwd, &d) == f);
	CU_ASSERT_EQUAL(d, ORIG);
	CU_ASSERT(find(t, &rev, &d) == f);
	CU_ASSERT_EQUAL(d, REPLY);
	CU_ASSERT(flow_key_in_use(t, &fwd, flow_key_hash(t, &fwd)));
	CU_ASSERT(flow_key_in_use(t, &rev, flow_key_hash(t, &rev)));
	/* The same addresses the other way round are another flow. */
	swapped = fwd;
	memcpy(swapped.src, fwd.dst, 16);
	memcpy(swapped.dst, fwd.src, 16);
	swapped.sport = fwd.dport;
	swapped.dport = fwd.sport;
	CU_ASSERT_PTR_NULL(find(t, &swapped, NULL));
	/* A NULL dir is allowed for callers that only want the flow. */
	CU_ASSERT(flow_lookup(t, &fwd, flow_key_hash(t, &fwd), NULL) == f);
	free(t);
}

/* Every byte counts: family, protocol and pad included. */
static void
test_lookup_any_byte_differs_no_match(void)
{
	static const uint8_t flips[] = { 0x01, 0x80, 0xff };
	struct flow_table *t = table_new(16, T0);
	struct flow_key keys[2], k;
	unsigned int w, b, x, nb = 0;

	CU_ASSERT_FATAL(insert_n(t, 7, IPPROTO_UDP, T0, 100) != NULL);
	keys_of(7, IPPROTO_UDP, &keys[0], &keys[1]);
	CU_ASSERT_EQUAL(sizeof(k), 40);
	for (w = 0; w < 2; w++) {
		for (b = 0; b < sizeof(k); b++) {
			/* An IPv4 key's unused address bytes and pad are not
			 * part of it (flow_types.h). */
			if ((b >= 4 && b < 16) || (b >= 20 && b < 32) ||
				b >= offsetof(struct flow_key, pad))
				continue;
			for (x = 0; x < WEIR_ARRAY_LEN(flips); x++) {
				k = keys[w];
				((uint8_t *)&k)[b] ^= flips[x];
				CU_ASSERT_PTR_NULL(find(t, &k, NULL));
				CU_ASSERT(!flow_key_in_use(
					t, &k, flow_key_hash(t, &k)));
				nb++;
			}
		}
		CU_ASSERT(find(t, &keys[w], NULL) != NULL);
	}
	CU_ASSERT_EQUAL(nb, 2 * 14 * WEIR_ARRAY_LEN(flips));
	/* Same tuple, other protocol: separate flows side by side. */
	CU_ASSERT_FATAL(insert_n(t, 7, IPPROTO_TCP, T0, 100) != NULL);
	keys_of(7, IPPROTO_TCP, &k, &keys[1]);
	CU_ASSERT(find(t, &k, NULL) != NULL &&
		find(t, &k, NULL) != find(t, &keys[0], NULL));
	CU_ASSERT(find(t, &k, NULL)->proto == IPPROTO_TCP);
	CU_ASSERT(find(t, &keys[0], NULL)->proto == IPPROTO_UDP);
	free(t);
}

static void
test_lookup_expired_flow_not_found(void)
{
	struct flow_table *t = table_new(16, T0);
	struct flow_key fwd, rev;

	CU_ASSERT_FATAL(insert_n(t, 1, IPPROTO_TCP, T0, 100) != NULL);
	CU_ASSERT_EQUAL(flow_expire(t, T0 + 100 + SPAN, ALL, NULL, NULL), 1);
	keys_of(1, IPPROTO_TCP, &fwd, &rev);
	CU_ASSERT_PTR_NULL(find(t, &fwd, NULL));
	CU_ASSERT_PTR_NULL(find(t, &rev, NULL));
	CU_ASSERT(!flow_key_in_use(t, &fwd, flow_key_hash(t, &fwd)));
	CU_ASSERT(!flow_key_in_use(t, &rev, flow_key_hash(t, &rev)));
	free(t);
}

/* A removed flow is gone at once, its keys free, the wheel unharmed. */
static void
test_remove_before_expiry(void)
{
	struct flow_table *t = table_new(16, T0);
	struct flow_key fwd, rev;
	struct flow *f1, *f2;

	f1 = insert_n(t, 1, IPPROTO_TCP, T0, 1000);
	f2 = insert_n(t, 2, IPPROTO_TCP, T0, 1000);
	CU_ASSERT_FATAL(f1 != NULL && f2 != NULL);
	flow_remove(t, f1);
	keys_of(1, IPPROTO_TCP, &fwd, &rev);
	CU_ASSERT_PTR_NULL(find(t, &fwd, NULL));
	CU_ASSERT(!flow_key_in_use(t, &rev, flow_key_hash(t, &rev)));
	CU_ASSERT_EQUAL(flow_table_stats(t)->nb_flows, 1);
	CU_ASSERT_EQUAL(flow_table_stats(t)->removed, 1);
	CU_ASSERT_EQUAL(flow_table_stats(t)->expired, 0);
	/* The same keys can be inserted again, and the other flow expires
	 * from the wheel as before. */
	CU_ASSERT_PTR_NOT_NULL(insert_n(t, 1, IPPROTO_TCP, T0, 1000));
	CU_ASSERT_EQUAL(flow_expire(t, T0 + 1000 + SPAN, ALL, NULL, NULL), 2);
	CU_ASSERT_EQUAL(flow_table_stats(t)->nb_flows, 0);
	free(t);
}

static void
test_hash_seed_changes_hash(void)
{
	struct flow_table *t1 = table_new(8, T0), *t2;
	struct flow_key fwd, rev;
	size_t size = flow_table_size(8, 0);
	void *mem = aligned_alloc(64, size);

	CU_ASSERT_FATAL(mem != NULL);
	t2 = flow_table_init(mem, 8, 0, T0, SEED + 1);
	CU_ASSERT_FATAL(t2 != NULL);
	keys_of(1, IPPROTO_TCP, &fwd, &rev);
	CU_ASSERT_EQUAL(flow_key_hash(t1, &fwd), flow_key_hash(t1, &fwd));
	CU_ASSERT_NOT_EQUAL(flow_key_hash(t1, &fwd), flow_key_hash(t2, &fwd));
	free(t1);
	free(t2);
}

/*
 * 6. Random soak against a reference model.
 *
 * Sessions are numbered; session n always has the keys keys_of(n), so
 * the model is an array indexed by n. The expected state after a packet
 * comes from flow_tcp_next(), which the table test above pins down; what
 * the soak checks is everything around it: the index, the wheel, the free
 * list and the counters under a random mix, with the clock wrapping.
 */
#define SOAK_OPS 200000
#define SOAK_CAP 256	     /* flows: small, so the table fills */
#define SOAK_IDS 1024	     /* session numbers in play */
#define SOAK_CHECK_EVERY 997 /* ops between full invariant checks */

struct soak_flow {
	bool live;
	uint8_t proto;
	uint8_t state;
	uint8_t flags;
	uint32_t expire;
	struct flow *f;
};

struct soak {
	struct flow_table *t;
	struct soak_flow m[SOAK_IDS];
	uint32_t nb_live;
	uint32_t now;
	uint64_t rng;
	unsigned int errors; /* stop at the first failure */
	uint32_t removed[SOAK_CAP];
	uint32_t nb_removed;
};

#define SOAK_ASSERT(s, c)                                                      \
	do {                                                                   \
		CU_ASSERT(c);                                                  \
		if (!(c))                                                      \
			(s)->errors++;                                         \
	} while (0)

static uint32_t
soak_rand(struct soak *s)
{
	/* xorshift64*: fixed seed, so a failure replays exactly. */
	s->rng ^= s->rng >> 12;
	s->rng ^= s->rng << 25;
	s->rng ^= s->rng >> 27;
	return (uint32_t)((s->rng * UINT64_C(2685821657736338717)) >> 32);
}

static void
soak_cb(void *arg, const struct flow *f)
{
	struct soak *s = arg;
	uint32_t n = f->svc;

	SOAK_ASSERT(s, n < SOAK_IDS && s->m[n].live && s->m[n].f == f);
	SOAK_ASSERT(s, (int32_t)(s->now - f->expire) > 0);
	SOAK_ASSERT(s, s->nb_removed < SOAK_CAP);
	if (s->errors != 0 || n >= SOAK_IDS || s->nb_removed >= SOAK_CAP)
		return;
	s->removed[s->nb_removed++] = n;
	s->m[n].live = false;
	s->nb_live--;
}

static void
soak_check_all(struct soak *s)
{
	const struct flow_stats *st = flow_table_stats(s->t);
	uint32_t n, i, nb_at = 0, half = 0;

	for (n = 0; n < SOAK_IDS && s->errors == 0; n++) {
		struct soak_flow *m = &s->m[n];
		struct flow_key fwd, rev;
		enum flow_dir d;

		keys_of(n, m->proto, &fwd, &rev);
		if (!m->live) {
			SOAK_ASSERT(s,
				!flow_key_in_use(
					s->t, &fwd, flow_key_hash(s->t, &fwd)));
			SOAK_ASSERT(s,
				!flow_key_in_use(
					s->t, &rev, flow_key_hash(s->t, &rev)));
			continue;
		}
		SOAK_ASSERT(s, find(s->t, &fwd, &d) == m->f && d == ORIG);
		SOAK_ASSERT(s, find(s->t, &rev, &d) == m->f && d == REPLY);
		SOAK_ASSERT(s, m->f->state == m->state);
		SOAK_ASSERT(s, m->f->flags == m->flags);
		SOAK_ASSERT(s, m->f->expire == m->expire);
		half += !!(m->flags & FLOW_F_HALF_OPEN);
	}
	for (i = 0; i < flow_capacity(s->t); i++) {
		const struct flow *f = flow_at(s->t, i);

		if (f == NULL)
			continue;
		nb_at++;
		SOAK_ASSERT(s,
			f->svc < SOAK_IDS && s->m[f->svc].f == f &&
				s->m[f->svc].live);
	}
	SOAK_ASSERT(s, flow_at(s->t, flow_capacity(s->t)) == NULL);
	SOAK_ASSERT(s, nb_at == s->nb_live);
	SOAK_ASSERT(s, st->nb_flows == s->nb_live);
	SOAK_ASSERT(s, st->nb_half_open == half);
	SOAK_ASSERT(s, index_entries(s->t) == 2 * (uint64_t)s->nb_live);
}

static void
soak_insert(struct soak *s)
{
	static const uint32_t timeouts[] = { 0, 1, 300, 5000, ROT + 1000 };
	const struct flow_stats *st = flow_table_stats(s->t);
	uint32_t n = soak_rand(s) % SOAK_IDS, timeout;
	uint64_t full = st->full, index_full = st->index_full;
	struct soak_flow *m = &s->m[n];
	struct flow_key fwd, rev;
	struct flow *f;

	if (m->live) {
		keys_of(n, m->proto, &fwd, &rev);
		SOAK_ASSERT(s,
			flow_key_in_use(s->t, &rev, flow_key_hash(s->t, &rev)));
		return;
	}
	m->proto = soak_rand(s) & 1 ? IPPROTO_TCP : IPPROTO_UDP;
	keys_of(n, m->proto, &fwd, &rev);
	SOAK_ASSERT(s, !flow_key_in_use(s->t, &fwd, flow_key_hash(s->t, &fwd)));
	timeout = timeouts[soak_rand(s) % WEIR_ARRAY_LEN(timeouts)];
	f = flow_insert(s->t, &fwd, &rev, s->now, timeout);
	if (f == NULL) {
		/* Refused for a counted reason, and the right one. */
		SOAK_ASSERT(
			s, st->full + st->index_full == full + index_full + 1);
		SOAK_ASSERT(s, (st->full != full) == (s->nb_live == SOAK_CAP));
		return;
	}
	SOAK_ASSERT(s, f->state == (m->proto == IPPROTO_TCP ? S_SS : S_UD));
	SOAK_ASSERT(s, f->flags == 0 && f->svc == 0);
	SOAK_ASSERT(s, f->expire == s->now + timeout);
	f->svc = (uint16_t)n;
	m->live = true;
	m->f = f;
	m->state = f->state;
	m->flags = 0;
	m->expire = f->expire;
	s->nb_live++;
}

static void
soak_lookup(struct soak *s)
{
	uint32_t n = soak_rand(s) % SOAK_IDS;
	enum flow_dir want = soak_rand(s) & 1 ? REPLY : ORIG, d;
	struct soak_flow *m = &s->m[n];
	struct flow_key fwd, rev;
	struct flow *f;

	keys_of(n, soak_rand(s) & 1 ? IPPROTO_TCP : IPPROTO_UDP, &fwd, &rev);
	f = find(s->t, want == ORIG ? &fwd : &rev, &d);
	if (m->live && fwd.proto == m->proto)
		SOAK_ASSERT(s, f == m->f && d == want);
	else
		SOAK_ASSERT(s, f == NULL);
}

static void
soak_update(struct soak *s)
{
	static const uint8_t pkts[] = {
		SYN,
		SYN | ACK,
		ACK,
		PSH | ACK,
		FIN | ACK,
		RST,
		0,
	};
	uint32_t n = soak_rand(s) % SOAK_IDS, tries;
	enum flow_dir dir = soak_rand(s) & 1 ? REPLY : ORIG;
	uint8_t tcp = pkts[soak_rand(s) % WEIR_ARRAY_LEN(pkts)], fl;
	enum flow_state want, got;
	struct soak_flow *m;

	/* Look for a live session near n, so most updates hit one. */
	for (tries = 0; tries < 64 && !s->m[n].live; tries++)
		n = (n + 1) % SOAK_IDS;
	m = &s->m[n];
	if (!m->live)
		return;
	fl = m->flags;
	want = m->proto == IPPROTO_TCP ?
		flow_tcp_next(m->state, fl, dir, tcp, &fl) :
		S_UD;
	if (want == S_SS || want == S_SR)
		fl |= FLOW_F_HALF_OPEN;
	else
		fl &= ~FLOW_F_HALF_OPEN;
	got = flow_update(s->t, m->f, dir, tcp, s->now, &tmo);
	SOAK_ASSERT(s, got == want);
	m->state = want;
	m->flags = fl;
	m->expire = s->now + tmo.t[want];
}

static void
soak_expire(struct soak *s)
{
	uint32_t r = soak_rand(s) % 1000, budget, i;
	unsigned int removed;

	/*
	 * Mostly small steps, so that long-lived flows pile up and fill the
	 * table; now and then a long silence that ages nearly everything.
	 */
	if (r == 0)
		s->now += soak_rand(s) % (2 * ROT);
	else if (r < 50)
		s->now += soak_rand(s) % (20 * SPAN);
	else
		s->now += soak_rand(s) % 200;
	budget = soak_rand(s) % 8 == 0 ? ALL : 1 + soak_rand(s) % 100;
	s->nb_removed = 0;
	removed = flow_expire(s->t, s->now, budget, soak_cb, s);
	SOAK_ASSERT(s, removed == s->nb_removed && removed <= budget);
	for (i = 0; i < s->nb_removed; i++) {
		struct flow_key fwd, rev;
		uint32_t n = s->removed[i];

		keys_of(n, s->m[n].proto, &fwd, &rev);
		SOAK_ASSERT(s, find(s->t, &fwd, NULL) == NULL);
		SOAK_ASSERT(s, find(s->t, &rev, NULL) == NULL);
	}
	if (budget != ALL)
		return;
	/* Unlimited: nothing whose slot has ended may remain. */
	for (i = 0; i < SOAK_IDS; i++) {
		const struct soak_flow *m = &s->m[i];
		uint32_t slot_end = (m->expire & ~(SPAN - 1)) + SPAN;

		if (m->live)
			SOAK_ASSERT(s, (int32_t)(s->now - slot_end) < 0);
	}
}

static void
test_soak_random_ops_match_model(void)
{
	static struct soak s;
	const struct flow_stats *st;
	uint32_t op;

	memset(&s, 0, sizeof(s));
	s.rng = UINT64_C(0x9e3779b97f4a7c15);
	s.now = UINT32_MAX - 300000; /* wraps early in the run */
	s.t = table_new(SOAK_CAP, s.now);
	for (op = 0; op < SOAK_OPS && s.errors == 0; op++) {
		uint32_t r = soak_rand(&s) % 100;

		if (r < 30)
			soak_insert(&s);
		else if (r < 60)
			soak_lookup(&s);
		else if (r < 80)
			soak_update(&s);
		else
			soak_expire(&s);
		SOAK_ASSERT(&s, flow_table_stats(s.t)->nb_flows == s.nb_live);
		if (op % SOAK_CHECK_EVERY == 0)
			soak_check_all(&s);
	}
	soak_check_all(&s);
	if (s.errors != 0)
		fprintf(stderr, "soak: first failure at op %u\n", op - 1);
	st = flow_table_stats(s.t);
	printf("\n    created %" PRIu64 " expired %" PRIu64 " full %" PRIu64
	       " index_full %" PRIu64 " live %u\n",
		st->created, st->expired, st->full, st->index_full, s.nb_live);
	/* The mix must have reached the interesting corners. */
	CU_ASSERT(st->created > 10000);
	CU_ASSERT(st->expired > 10000);
	CU_ASSERT(st->full > 0);
	CU_ASSERT_EQUAL(st->created - st->expired, st->nb_flows);
	free(s.t);
}

/* 7. Sizing, init, names. */

static void
test_init_bad_capacity_einval(void)
{
	void *mem = aligned_alloc(64, flow_table_size(16, 0) + 64);

	CU_ASSERT_FATAL(mem != NULL);
	CU_ASSERT_EQUAL(flow_table_size(0, 0), 0);
	CU_ASSERT_EQUAL(flow_table_size(FLOW_CAPACITY_MAX + 1, 0), 0);
	CU_ASSERT_EQUAL(flow_table_size(UINT32_MAX, FLOW_TABLE_ACCT), 0);
	CU_ASSERT(flow_table_size(FLOW_CAPACITY_MAX, 0) != 0);
	errno = 0;
	CU_ASSERT_PTR_NULL(flow_table_init(mem, 0, 0, T0, SEED));
	CU_ASSERT_EQUAL(errno, EINVAL);
	errno = 0;
	CU_ASSERT_PTR_NULL(
		flow_table_init(mem, FLOW_CAPACITY_MAX + 1, 0, T0, SEED));
	CU_ASSERT_EQUAL(errno, EINVAL);
	errno = 0;
	CU_ASSERT_PTR_NULL(flow_table_init(NULL, 16, 0, T0, SEED));
	CU_ASSERT_EQUAL(errno, EINVAL);
	errno = 0;
	CU_ASSERT_PTR_NULL(flow_table_init((char *)mem + 8, 16, 0, T0, SEED));
	CU_ASSERT_EQUAL(errno, EINVAL);
	free(mem);
}

static void
test_init_all_entries_free(void)
{
	const uint32_t cap = 100;
	struct flow_table *t = table_new(cap, T0);
	const struct flow_stats *st = flow_table_stats(t);
	const struct flow *f;
	uint32_t i;

	CU_ASSERT_EQUAL(flow_capacity(t), cap);
	for (i = 0; i < cap + 2; i++)
		CU_ASSERT_PTR_NULL(flow_at(t, i));
	CU_ASSERT_PTR_NULL(flow_at(t, UINT32_MAX));
	CU_ASSERT_EQUAL(st->nb_flows + st->nb_half_open + st->created +
			st->expired + st->full + st->index_full,
		0);
	f = insert_n(t, 1, IPPROTO_UDP, T0, 1);
	CU_ASSERT_FATAL(f != NULL);
	for (i = 0; i < cap && flow_at(t, i) != f; i++)
		;
	CU_ASSERT(i < cap);
	CU_ASSERT_EQUAL(flow_expire(t, T0 + 100 * SPAN, ALL, NULL, NULL), 1);
	CU_ASSERT_PTR_NULL(flow_at(t, i));
	free(t);
}

static void
test_size_per_flow_within_target(void)
{
	const uint32_t cap = 65536;
	size_t size = flow_table_size(cap, 0);
	size_t acct = flow_table_size(cap, FLOW_TABLE_ACCT);

	printf("\n    %zu bytes for %u slots: %.2f bytes per IPv4 session "
	       "(%.2f with flow records), struct flow %zu\n",
		size, cap, (double)size / cap, (double)acct / cap,
		sizeof(struct flow));
	/*
	 * The target is 128 bytes per session, index included: 64 for the
	 * session and 32 of index (two 8-byte entries at half load) make
	 * 96, plus the wheel heads spread over the table. An IPv6 session
	 * takes two slots.
	 */
	CU_ASSERT(size / cap <= 97);
	CU_ASSERT((acct - size) / cap == sizeof(struct flow_acct));
	/* The table and the index grow linearly. */
	CU_ASSERT(flow_table_size(2 * cap, 0) < 2 * size);
}

/* IPv6 sessions take an even/odd pair of slots; IPv4 ones a lone slot. */
static void
test_ipv6_takes_two_slots(void)
{
	struct flow_table *t = table_new(8, T0);
	struct flow_key fwd, rev;
	struct flow *f[8];
	uint32_t i, n;

	for (i = 0; i < 4; i++) {
		keys6_of(i, IPPROTO_TCP, &fwd, &rev);
		f[i] = flow_insert(t, &fwd, &rev, T0, 100);
		CU_ASSERT_FATAL(f[i] != NULL);
	}
	keys6_of(4, IPPROTO_TCP, &fwd, &rev);
	CU_ASSERT_PTR_NULL(flow_insert(t, &fwd, &rev, T0, 100));
	CU_ASSERT_EQUAL(flow_table_stats(t)->full, 1);
	/* Address slots are not sessions. */
	for (i = n = 0; i < 8; i++)
		n += flow_at(t, i) != NULL;
	CU_ASSERT_EQUAL(n, 4);
	for (i = 0; i < 4; i++) {
		enum flow_dir d;

		keys6_of(i, IPPROTO_TCP, &fwd, &rev);
		CU_ASSERT(find(t, &fwd, &d) == f[i] && d == ORIG);
		CU_ASSERT(find(t, &rev, &d) == f[i] && d == REPLY);
		CU_ASSERT(has_keys(t, f[i], &fwd, &rev));
		CU_ASSERT(memcmp(flow_addr(f[i], FLOW_E_CLIENT), fwd.src, 16) ==
			0);
		CU_ASSERT(memcmp(flow_addr(f[i], FLOW_E_LOCAL), rev.dst, 16) ==
			0);
	}
	free(t);
}

/*
 * IPv4 takes lone slots before it splits a pair, and two freed lone
 * neighbours join back, so IPv4 churn leaves room for IPv6.
 */
static void
test_slot_pairs_rejoin(void)
{
	struct flow_table *t = table_new(4, T0);
	struct flow_key fwd, rev;

	/* IPv4 a: splits pair 0; IPv6 b: pair 2; IPv4 c: slot 1. */
	CU_ASSERT_FATAL(insert_n(t, 1, IPPROTO_UDP, T0, 10) != NULL);
	keys6_of(2, IPPROTO_UDP, &fwd, &rev);
	CU_ASSERT_FATAL(flow_insert(t, &fwd, &rev, T0, 1000) != NULL);
	CU_ASSERT_FATAL(insert_n(t, 3, IPPROTO_UDP, T0, 10) != NULL);
	CU_ASSERT_PTR_NULL(insert_n(t, 4, IPPROTO_UDP, T0, 10));
	/* a and c go: their slots make a pair again, room for IPv6. */
	CU_ASSERT_EQUAL(flow_expire(t, T0 + 10 + SPAN, ALL, NULL, NULL), 2);
	keys6_of(5, IPPROTO_UDP, &fwd, &rev);
	CU_ASSERT(flow_insert(t, &fwd, &rev, T0 + 10 + SPAN, 10) != NULL);
	CU_ASSERT_EQUAL(flow_table_stats(t)->nb_flows, 2);
	free(t);
}

/*
 * Random churn of IPv4 and IPv6 sessions: every live session is found by
 * both keys and unpacks to them, flow_at() sees exactly the live ones,
 * and once all have gone the table holds capacity / 2 IPv6 sessions
 * again (no slot is lost to fragmentation).
 */
static void
test_mixed_churn_keeps_slots(void)
{
	enum {
		CAP = 256,
		ROUNDS = 20000,
		KEYS = 4 * CAP
	};
	struct flow_table *t = table_new(CAP, T0);
	static struct flow *live[KEYS];
	struct flow_key fwd, rev;
	uint32_t now = T0, rnd = 12345, i, j, n;
	bool ok = true;

	memset(live, 0, sizeof(live));
	for (i = 0; i < ROUNDS; i++) {
		uint32_t k;

		rnd = rnd * 1103515245u + 12345u;
		k = (rnd >> 8) % KEYS;
		/* Odd keys are IPv6 sessions. */
		if (k & 1)
			keys6_of(k, IPPROTO_UDP, &fwd, &rev);
		else
			keys_of(k, IPPROTO_UDP, &fwd, &rev);
		if (live[k] == NULL) {
			live[k] = flow_insert(t, &fwd, &rev, now,
				1 + (rnd >> 20) % (16 * SPAN));
			/* Refused only when no slot of the kind is free. */
			if (live[k] == NULL)
				ok &= t->free2 == FLOW_NIL &&
					((k & 1) || t->free1 == FLOW_NIL);
		}
		now += 7;
		if (flow_expire(t, now, ALL, NULL, NULL) == 0)
			continue;
		for (j = 0; j < KEYS; j++) {
			if (live[j] == NULL)
				continue;
			if (j & 1)
				keys6_of(j, IPPROTO_UDP, &fwd, &rev);
			else
				keys_of(j, IPPROTO_UDP, &fwd, &rev);
			live[j] = find(t, &fwd, NULL);
			if (live[j] != NULL)
				ok &= find(t, &rev, NULL) == live[j] &&
					has_keys(t, live[j], &fwd, &rev);
		}
	}
	CU_ASSERT(ok);
	/* The table filled up now and then: refusals were checked. */
	CU_ASSERT(flow_table_stats(t)->full > 0);
	for (i = n = 0; i < CAP; i++)
		n += flow_at(t, i) != NULL;
	CU_ASSERT_EQUAL(n, flow_table_stats(t)->nb_flows);
	flow_expire(t, now + 32 * SPAN, ALL, NULL, NULL);
	CU_ASSERT_EQUAL(flow_table_stats(t)->nb_flows, 0);
	for (i = 0; i < CAP / 2; i++) {
		keys6_of(2 * i + 1, IPPROTO_TCP, &fwd, &rev);
		CU_ASSERT(flow_insert(t, &fwd, &rev, now, 100) != NULL);
	}
	CU_ASSERT_EQUAL(index_entries(t), CAP);
	free(t);
}

/* Flow record counters exist with FLOW_TABLE_ACCT only, zeroed on insert. */
static void
test_acct_optional_zeroed(void)
{
	struct flow_table *t = table_new(8, T0);
	struct flow_table *ta = table_new_opts(8, FLOW_TABLE_ACCT, T0);
	struct flow_info fi;
	struct flow *f;

	f = insert_n(t, 1, IPPROTO_TCP, T0, 100);
	CU_ASSERT_FATAL(f != NULL);
	CU_ASSERT_PTR_NULL(flow_acct(t, f));
	f = insert_n(ta, 1, IPPROTO_TCP, T0, 100);
	CU_ASSERT_FATAL(f != NULL && flow_acct(ta, f) != NULL);
	/* The table's memory started as 0xa5 everywhere. */
	CU_ASSERT_EQUAL(flow_acct(ta, f)->bytes_out, 0);
	flow_acct(ta, f)->pkts_in = 3;
	flow_acct(ta, f)->bytes_in = 120;
	flow_info_get(ta, f, &fi);
	CU_ASSERT_EQUAL(fi.acct.pkts_in, 3);
	CU_ASSERT_EQUAL(fi.acct.bytes_in, 120);
	CU_ASSERT_EQUAL(fi.start, T0);
	CU_ASSERT_EQUAL(fi.state, FLOW_S_SYN_SENT);
	free(t);
	free(ta);
}

static void
test_state_names_lowercase(void)
{
	static const char *const want[FLOW_S_COUNT] = {
		[FLOW_S_SYN_SENT] = "syn_sent",
		[FLOW_S_SYN_RECV] = "syn_recv",
		[FLOW_S_ESTABLISHED] = "established",
		[FLOW_S_FIN_WAIT] = "fin_wait",
		[FLOW_S_LAST_ACK] = "last_ack",
		[FLOW_S_TIME_WAIT] = "time_wait",
		[FLOW_S_CLOSE] = "close",
		[FLOW_S_UDP] = "udp",
	};
	unsigned int s;

	for (s = 0; s < FLOW_S_COUNT; s++)
		CU_ASSERT_STRING_EQUAL(flow_state_name(s), want[s]);
	CU_ASSERT_STRING_EQUAL(flow_state_name(FLOW_S_COUNT), "?");
	CU_ASSERT_STRING_EQUAL(flow_state_name((enum flow_state) - 1), "?");
}

static CU_TestInfo tests[] = {
	{ "tcp_next_every_transition_matches_table",
		test_tcp_next_every_transition_matches_table },
	{ "tcp_next_unknown_state_unchanged",
		test_tcp_next_unknown_state_unchanged },
	{ "update_lifecycle_gauge_follows",
		test_update_lifecycle_gauge_follows },
	{ "update_udp_ignores_tcp_flags", test_update_udp_ignores_tcp_flags },
	{ "expire_within_one_span_of_deadline",
		test_expire_within_one_span_of_deadline },
	{ "expire_per_state_timeout_honoured",
		test_expire_per_state_timeout_honoured },
	{ "expire_shorter_timeout_moves_flow",
		test_expire_shorter_timeout_moves_flow },
	{ "expire_refreshed_flow_survives_rotations",
		test_expire_refreshed_flow_survives_rotations },
	{ "expire_timeout_beyond_rotation_honoured",
		test_expire_timeout_beyond_rotation_honoured },
	{ "expire_counter_wrap_honoured", test_expire_counter_wrap_honoured },
	{ "expire_budget_bounds_each_call",
		test_expire_budget_bounds_each_call },
	{ "expire_budget_zero_examines_nothing",
		test_expire_budget_zero_examines_nothing },
	{ "expire_catch_up_after_pause", test_expire_catch_up_after_pause },
	{ "insert_full_table_refused_counted",
		test_insert_full_table_refused_counted },
	{ "insert_reused_entry_zeroed", test_insert_reused_entry_zeroed },
	{ "index_shared_first_bucket_inserts",
		test_index_shared_first_bucket_inserts },
	{ "index_both_buckets_full_refused_undone",
		test_index_both_buckets_full_refused_undone },
	{ "lookup_both_directions_dir_set",
		test_lookup_both_directions_dir_set },
	{ "lookup_any_byte_differs_no_match",
		test_lookup_any_byte_differs_no_match },
	{ "lookup_expired_flow_not_found", test_lookup_expired_flow_not_found },
	{ "remove_before_expiry", test_remove_before_expiry },
	{ "hash_seed_changes_hash", test_hash_seed_changes_hash },
	{ "soak_random_ops_match_model", test_soak_random_ops_match_model },
	{ "init_bad_capacity_einval", test_init_bad_capacity_einval },
	{ "init_all_entries_free", test_init_all_entries_free },
	{ "size_per_flow_within_target", test_size_per_flow_within_target },
	{ "ipv6_takes_two_slots", test_ipv6_takes_two_slots },
	{ "slot_pairs_rejoin", test_slot_pairs_rejoin },
	{ "mixed_churn_keeps_slots", test_mixed_churn_keeps_slots },
	{ "acct_optional_zeroed", test_acct_optional_zeroed },
	{ "state_names_lowercase", test_state_names_lowercase },
	CU_TEST_INFO_NULL
};

static CU_SuiteInfo suites[] = { { .pName = "flow", .pTests = tests },
	CU_SUITE_INFO_NULL };

int
main(void)
{
	return weir_cunit_run(suites);
}
