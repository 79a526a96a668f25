/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the neighbor table (lib/neigh): learning, resolution with
 * its bounded queue, ageing through the RFC 4861 states, a full table, the
 * hash chains under random inserts and deletes, key comparison, deletion,
 * creation errors and state names. The table does no I/O, so fake ops
 * record every solicitation (key, unicast MAC or NULL), every queued packet
 * sent (key, MAC, packet) and every packet dropped; "packets" are small
 * integers cast to pointers and are never dereferenced. Time is the now_ms
 * argument, so nothing sleeps.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_jhash.h>

#include "weir_cunit.h"
#include "neigh.h"

#define PKT(n) ((void *)(uintptr_t)(n)) /* fake packet n, n > 0 */
#define REC_MAX 512			/* calls recorded per kind */

/* Table parameters most tests use. */
#define P_MAX 64
#define P_REACH 30000  /* ms */
#define P_STALE 60000  /* ms */
#define P_RETRANS 1000 /* ms */
#define P_PROBES 3
#define P_QLEN 4

#define T0 1000 /* ms: arbitrary non-zero start time */

struct solicit_rec {
	struct neigh_key key;
	bool unicast; /* mac was non-NULL */
	uint8_t mac[6];
};

struct send_rec {
	struct neigh_key key;
	uint8_t mac[6];
	void *pkt;
};

/* Everything the table asked its owner to do; reset before each test. */
static struct {
	unsigned int nb_solicit;
	unsigned int nb_send;
	unsigned int nb_drop;
	unsigned int bad_arg; /* callbacks that did not get ops.arg */
	struct solicit_rec solicit[REC_MAX];
	struct send_rec send[REC_MAX];
	void *drop[REC_MAX];
} rec;

static const uint8_t mac_a[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0a };
static const uint8_t mac_b[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0b };
static const uint8_t mac_zero[6];

static void
fake_solicit(void *arg, const struct neigh_key *k, const uint8_t *mac)
{
	if (arg != &rec)
		rec.bad_arg++;
	if (rec.nb_solicit < REC_MAX) {
		struct solicit_rec *s = &rec.solicit[rec.nb_solicit];

		s->key = *k;
		s->unicast = mac != NULL;
		if (mac != NULL)
			memcpy(s->mac, mac, 6);
	}
	rec.nb_solicit++;
}

static void
fake_send(void *arg, const struct neigh_key *k, const uint8_t *mac, void *pkt)
{
	if (arg != &rec)
		rec.bad_arg++;
	if (rec.nb_send < REC_MAX) {
		struct send_rec *s = &rec.send[rec.nb_send];

		s->key = *k;
		memcpy(s->mac, mac, 6);
		s->pkt = pkt;
	}
	rec.nb_send++;
}

static void
fake_drop(void *arg, void *pkt)
{
	if (arg != &rec)
		rec.bad_arg++;
	if (rec.nb_drop < REC_MAX)
		rec.drop[rec.nb_drop] = pkt;
	rec.nb_drop++;
}

static const struct neigh_ops fake_ops = {
	.solicit = fake_solicit,
	.send = fake_send,
	.drop = fake_drop,
	.arg = &rec,
};

/* Suite set-up: a clean recorder for every test. */
static void
rec_reset(void)
{
	memset(&rec, 0, sizeof(rec));
}

static struct neigh_params
params_default(void)
{
	struct neigh_params p = {
		.max_entries = P_MAX,
		.reachable_ms = P_REACH,
		.stale_ms = P_STALE,
		.retrans_ms = P_RETRANS,
		.max_probes = P_PROBES,
		.queue_len = P_QLEN,
	};

	return p;
}

static struct neigh_table *
table_new(const struct neigh_params *p)
{
	struct neigh_table *t = neigh_table_create(p, &fake_ops);

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	return t;
}

static struct neigh_table *
table_default(void)
{
	struct neigh_params p = params_default();

	return table_new(&p);
}

static void
table_free(struct neigh_table *t)
{
	neigh_table_destroy(t);
	CU_ASSERT_EQUAL(rec.bad_arg, 0);
}

static struct neigh_key
key4(uint16_t port, uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	struct neigh_key k = {
		.port = port,
		.family = AF_INET,
		.addr = { a, b, c, d },
	};

	return k;
}

/* 2001:db8::<host> */
static struct neigh_key
key6(uint16_t port, uint16_t host)
{
	struct neigh_key k = {
		.port = port,
		.family = AF_INET6,
		.addr = { 0x20, 0x01, 0x0d, 0xb8, [14] = (uint8_t)(host >> 8),
			[15] = (uint8_t)host },
	};

	return k;
}

/* Same neighbor: the pad byte does not count. */
static bool
key_eq(const struct neigh_key *a, const struct neigh_key *b)
{
	return a->port == b->port && a->family == b->family &&
		memcmp(a->addr, b->addr, sizeof(a->addr)) == 0;
}

struct find_ctx {
	struct neigh_key key;
	struct neigh_info info;
	unsigned int hits;
};

static void
find_cb(void *arg, const struct neigh_info *ni)
{
	struct find_ctx *c = arg;

	if (!key_eq(&ni->key, &c->key))
		return;
	c->info = *ni;
	c->hits++;
}

/* Looks 'k' up through neigh_walk(); false if absent. */
static bool
entry_get(const struct neigh_table *t, const struct neigh_key *k,
	uint64_t now_ms, struct neigh_info *ni)
{
	struct find_ctx c = { .key = *k };

	neigh_walk(t, now_ms, find_cb, &c);
	CU_ASSERT(c.hits <= 1);
	if (c.hits == 0)
		return false;
	if (ni != NULL)
		*ni = c.info;
	return true;
}

/* The state of 'k', NEIGH_S_FREE when there is no entry. */
static enum neigh_state
state_of(const struct neigh_table *t, const struct neigh_key *k)
{
	struct neigh_info ni;

	return entry_get(t, k, 0, &ni) ? ni.state : NEIGH_S_FREE;
}

/* Create an INCOMPLETE entry for 'k' with packets first..first+n-1. */
static void
queue_pkts(struct neigh_table *t, const struct neigh_key *k, unsigned int first,
	unsigned int n, uint64_t now_ms)
{
	uint8_t mac[6];
	unsigned int i;

	for (i = 0; i < n; i++)
		CU_ASSERT_EQUAL(
			neigh_resolve(t, k, PKT(first + i), now_ms, mac), 1);
}

/* Was 'pkt' dropped through ops->drop exactly once? */
static bool
dropped_once(void *pkt)
{
	unsigned int i, n = 0;

	for (i = 0; i < rec.nb_drop && i < REC_MAX; i++)
		if (rec.drop[i] == pkt)
			n++;
	return n == 1;
}

/*
 * Creation and destruction.
 */

static void
test_neigh_create_bad_params_einval(void)
{
	struct neigh_params p = params_default();
	struct neigh_ops ops = fake_ops;

	errno = 0;
	CU_ASSERT_PTR_NULL(neigh_table_create(&p, NULL));
	CU_ASSERT_EQUAL(errno, EINVAL);
	errno = 0;
	CU_ASSERT_PTR_NULL(neigh_table_create(NULL, &fake_ops));
	CU_ASSERT_EQUAL(errno, EINVAL);

	p.max_entries = 0;
	errno = 0;
	CU_ASSERT_PTR_NULL(neigh_table_create(&p, &fake_ops));
	CU_ASSERT_EQUAL(errno, EINVAL);
	/* So large the bucket array would need 2^32 heads. */
	p.max_entries = (UINT32_C(1) << 30) + 1;
	errno = 0;
	CU_ASSERT_PTR_NULL(neigh_table_create(&p, &fake_ops));
	CU_ASSERT_EQUAL(errno, EINVAL);
	p.max_entries = UINT32_MAX;
	errno = 0;
	CU_ASSERT_PTR_NULL(neigh_table_create(&p, &fake_ops));
	CU_ASSERT_EQUAL(errno, EINVAL);

	p = params_default();
	p.max_probes = 0;
	errno = 0;
	CU_ASSERT_PTR_NULL(neigh_table_create(&p, &fake_ops));
	CU_ASSERT_EQUAL(errno, EINVAL);
	/* The probe count is 8 bits: 256 could never be reached. */
	p.max_probes = 256;
	errno = 0;
	CU_ASSERT_PTR_NULL(neigh_table_create(&p, &fake_ops));
	CU_ASSERT_EQUAL(errno, EINVAL);

	p = params_default();
	ops.solicit = NULL;
	errno = 0;
	CU_ASSERT_PTR_NULL(neigh_table_create(&p, &ops));
	CU_ASSERT_EQUAL(errno, EINVAL);
	ops = fake_ops;
	ops.send = NULL;
	errno = 0;
	CU_ASSERT_PTR_NULL(neigh_table_create(&p, &ops));
	CU_ASSERT_EQUAL(errno, EINVAL);
	ops = fake_ops;
	ops.drop = NULL;
	errno = 0;
	CU_ASSERT_PTR_NULL(neigh_table_create(&p, &ops));
	CU_ASSERT_EQUAL(errno, EINVAL);
}

static void
count_cb(void *arg, const struct neigh_info *ni)
{
	unsigned int *n = arg;

	(void)ni;
	(*n)++;
}

static void
test_neigh_create_valid_empty(void)
{
	static const struct neigh_stats zero;
	struct neigh_params p = params_default();
	struct neigh_table *t;
	unsigned int n = 0;

	t = table_new(&p);
	CU_ASSERT_EQUAL(neigh_count(t), 0);
	CU_ASSERT_EQUAL(memcmp(neigh_stats(t), &zero, sizeof(zero)), 0);
	neigh_walk(t, T0, count_cb, &n);
	CU_ASSERT_EQUAL(n, 0);
	table_free(t);

	/* The edges of what is accepted. */
	p.max_entries = 1;
	p.max_probes = 255;
	p.queue_len = 0;
	t = table_new(&p);
	table_free(t);
	CU_ASSERT_EQUAL(rec.nb_solicit + rec.nb_send + rec.nb_drop, 0);
}

static void
test_neigh_destroy_null_noop(void)
{
	neigh_table_destroy(NULL);
	CU_ASSERT_EQUAL(rec.nb_drop, 0);
}

static void
test_neigh_destroy_queued_dropped(void)
{
	struct neigh_table *t = table_default();
	struct neigh_key k1 = key4(0, 198, 18, 0, 1);
	struct neigh_key k2 = key6(1, 2);
	struct neigh_key k3 = key4(0, 198, 18, 0, 9);

	queue_pkts(t, &k1, 1, 3, T0);
	queue_pkts(t, &k2, 10, 2, T0);
	neigh_learn(t, &k3, mac_a, T0, NEIGH_F_CREATE | NEIGH_F_CONFIRMED);
	CU_ASSERT_EQUAL(rec.nb_drop, 0);
	neigh_table_destroy(t);
	CU_ASSERT_EQUAL(rec.nb_drop, 5);
	CU_ASSERT(dropped_once(PKT(1)));
	CU_ASSERT(dropped_once(PKT(2)));
	CU_ASSERT(dropped_once(PKT(3)));
	CU_ASSERT(dropped_once(PKT(10)));
	CU_ASSERT(dropped_once(PKT(11)));
	CU_ASSERT_EQUAL(rec.nb_send, 0);
	CU_ASSERT_EQUAL(rec.bad_arg, 0);
}

/*
 * Learning.
 */

static void
test_neigh_learn_create_unconfirmed_stale(void)
{
	struct neigh_table *t = table_default();
	struct neigh_key k = key4(0, 198, 18, 0, 1);
	struct neigh_info ni;

	CU_ASSERT_EQUAL(neigh_learn(t, &k, mac_a, T0, NEIGH_F_CREATE), 0);
	CU_ASSERT_EQUAL(neigh_count(t), 1);
	CU_ASSERT_FATAL(entry_get(t, &k, T0 + 5, &ni));
	CU_ASSERT_EQUAL(ni.state, NEIGH_S_STALE);
	CU_ASSERT_EQUAL(memcmp(ni.mac, mac_a, 6), 0);
	CU_ASSERT_EQUAL(ni.nb_queued, 0);
	CU_ASSERT_EQUAL(ni.age_ms, 5);
	CU_ASSERT_EQUAL(neigh_stats(t)->learned, 1);
	/* Learning never solicits. */
	CU_ASSERT_EQUAL(rec.nb_solicit, 0);
	table_free(t);
}

static void
test_neigh_learn_create_confirmed_reachable(void)
{
	struct neigh_table *t = table_default();
	struct neigh_key k = key6(0, 1);
	struct neigh_info ni;

	CU_ASSERT_EQUAL(neigh_learn(t, &k, mac_b, T0,
				NEIGH_F_CREATE | NEIGH_F_CONFIRMED),
		0);
	CU_ASSERT_FATAL(entry_get(t, &k, T0, &ni));
	CU_ASSERT_EQUAL(ni.state, NEIGH_S_REACHABLE);
	CU_ASSERT_EQUAL(memcmp(ni.mac, mac_b, 6), 0);
	CU_ASSERT_EQUAL(neigh_stats(t)->learned, 1);
	CU_ASSERT_EQUAL(neigh_stats(t)->resolved, 0);
	CU_ASSERT_EQUAL(rec.nb_solicit, 0);
	table_free(t);
}

static void
test_neigh_learn_unknown_without_create_ignored(void)
{
	struct neigh_table *t = table_default();
	struct neigh_key k = key4(0, 198, 18, 0, 1);

	CU_ASSERT_EQUAL(neigh_learn(t, &k, mac_a, T0, 0), 0);
	CU_ASSERT_EQUAL(neigh_learn(t, &k, mac_a, T0, NEIGH_F_CONFIRMED), 0);
	CU_ASSERT_EQUAL(neigh_count(t), 0);
	CU_ASSERT_FALSE(entry_get(t, &k, T0, NULL));
	CU_ASSERT_EQUAL(neigh_stats(t)->learned, 0);
	table_free(t);
}

static void
test_neigh_learn_moved_mac_unconfirmed_stale(void)
{
	struct neigh_table *t = table_default();
	struct neigh_key k = key4(0, 198, 18, 0, 1);
	struct neigh_info ni;

	neigh_learn(t, &k, mac_a, T0, NEIGH_F_CREATE | NEIGH_F_CONFIRMED);
	CU_ASSERT_EQUAL(neigh_learn(t, &k, mac_b, T0 + 10, NEIGH_F_CREATE), 0);
	CU_ASSERT_FATAL(entry_get(t, &k, T0 + 10, &ni));
	CU_ASSERT_EQUAL(ni.state, NEIGH_S_STALE);
	CU_ASSERT_EQUAL(memcmp(ni.mac, mac_b, 6), 0);
	CU_ASSERT_EQUAL(neigh_count(t), 1);
	/* Not a new entry. */
	CU_ASSERT_EQUAL(neigh_stats(t)->learned, 1);
	table_free(t);
}

static void
test_neigh_learn_same_mac_unconfirmed_unchanged(void)
{
	struct neigh_table *t = table_default();
	struct neigh_key k = key4(0, 198, 18, 0, 1);
	struct neigh_info ni;

	neigh_learn(t, &k, mac_a, T0, NEIGH_F_CREATE | NEIGH_F_CONFIRMED);
	CU_ASSERT_EQUAL(neigh_learn(t, &k, mac_a, T0 + 100, 0), 0);
	CU_ASSERT_FATAL(entry_get(t, &k, T0 + 100, &ni));
	CU_ASSERT_EQUAL(ni.state, NEIGH_S_REACHABLE);
	/* Not a confirmation: the age still counts from T0. */
	CU_ASSERT_EQUAL(ni.age_ms, 100);
	neigh_age(t, T0 + P_REACH);
	CU_ASSERT_EQUAL(state_of(t, &k), NEIGH_S_STALE);
	table_free(t);
}

static void
test_neigh_learn_confirmed_refreshes_reachable(void)
{
	struct neigh_table *t = table_default();
	struct neigh_key k = key4(0, 198, 18, 0, 1);
	struct neigh_info ni;
	uint64_t now = T0;

	/* STALE -> REACHABLE. */
	neigh_learn(t, &k, mac_a, now, NEIGH_F_CREATE);
	CU_ASSERT_EQUAL(state_of(t, &k), NEIGH_S_STALE);
	now += 500;
	CU_ASSERT_EQUAL(neigh_learn(t, &k, mac_a, now, NEIGH_F_CONFIRMED), 0);
	CU_ASSERT_FATAL(entry_get(t, &k, now, &ni));
	CU_ASSERT_EQUAL(ni.state, NEIGH_S_REACHABLE);
	CU_ASSERT_EQUAL(ni.age_ms, 0);

	/* REACHABLE: a confirmation restarts reachable_ms. */
	now += P_REACH - 1;
	CU_ASSERT_EQUAL(neigh_learn(t, &k, mac_a, now, NEIGH_F_CONFIRMED), 0);
	neigh_age(t, now + 1);
	CU_ASSERT_EQUAL(state_of(t, &k), NEIGH_S_REACHABLE);
	neigh_age(t, now + P_REACH - 1);
	CU_ASSERT_EQUAL(state_of(t, &k), NEIGH_S_REACHABLE);
	neigh_age(t, now + P_REACH);
	CU_ASSERT_EQUAL(state_of(t, &k), NEIGH_S_STALE);

	/* A confirmed new MAC replaces the old one at once. */
	now += P_REACH + 10;
	CU_ASSERT_EQUAL(neigh_learn(t, &k, mac_b, now, NEIGH_F_CONFIRMED), 0);
	CU_ASSERT_FATAL(entry_get(t, &k, now, &ni));
	CU_ASSERT_EQUAL(ni.state, NEIGH_S_REACHABLE);
	CU_ASSERT_EQUAL(memcmp(ni.mac, mac_b, 6), 0);
	CU_ASSERT_EQUAL(rec.nb_solicit, 0);
	table_free(t);
}

/*
 * Resolution.
 */

static void
test_neigh_resolve_miss_incomplete_queued(void)
{
	struct neigh_table *t = table_default();
	struct neigh_key k = key4(2, 198, 18, 0, 1);
	struct neigh_info ni;
	uint8_t mac[6];

	memcpy(mac, mac_zero, 6);
	CU_ASSERT_EQUAL(neigh_resolve(t, &k, PKT(1), T0, mac), 1);
	CU_ASSERT_FATAL(entry_get(t, &k, T0, &ni));
	CU_ASSERT_EQUAL(ni.state, NEIGH_S_INCOMPLETE);
	CU_ASSERT_EQUAL(ni.nb_queued, 1);
	CU_ASSERT_EQUAL(rec.nb_solicit, 1);
	CU_ASSERT(key_eq(&rec.solicit[0].key, &k));
	CU_ASSERT_FALSE(rec.solicit[0].unicast);
	CU_ASSERT_EQUAL(rec.nb_send + rec.nb_drop, 0);
	CU_ASSERT_EQUAL(neigh_stats(t)->solicits, 1);
	CU_ASSERT_EQUAL(neigh_stats(t)->queued, 1);
	CU_ASSERT_EQUAL(neigh_stats(t)->learned, 0);
	table_free(t);
}

static void
test_neigh_resolve_incomplete_queued_no_new_solicit(void)
{
	struct neigh_table *t = table_default();
	struct neigh_key k = key6(0, 7);
	struct neigh_info ni;
	uint8_t mac[6];

	CU_ASSERT_EQUAL(neigh_resolve(t, &k, PKT(1), T0, mac), 1);
	CU_ASSERT_EQUAL(neigh_resolve(t, &k, PKT(2), T0 + 10, mac), 1);
	CU_ASSERT_EQUAL(rec.nb_solicit, 1);
	CU_ASSERT_FATAL(entry_get(t, &k, T0 + 10, &ni));
	CU_ASSERT_EQUAL(ni.state, NEIGH_S_INCOMPLETE);
	CU_ASSERT_EQUAL(ni.nb_queued, 2);
	CU_ASSERT_EQUAL(neigh_stats(t)->queued, 2);
	CU_ASSERT_EQUAL(neigh_count(t), 1);
	table_free(t);
}

static void
test_neigh_resolve_queue_full_enobufs(void)
{
	struct neigh_table *t = table_default();
	struct neigh_key k = key4(0, 198, 18, 0, 1);
	struct neigh_info ni;
	uint8_t mac[6];

	queue_pkts(t, &k, 1, P_QLEN, T0);
	CU_ASSERT_EQUAL(neigh_resolve(t, &k, PKT(99), T0, mac), -ENOBUFS);
	CU_ASSERT_EQUAL(neigh_resolve(t, &k, PKT(100), T0, mac), -ENOBUFS);
	/* The caller keeps a refused packet: the table did not drop it. */
	CU_ASSERT_EQUAL(rec.nb_drop, 0);
	CU_ASSERT_EQUAL(neigh_stats(t)->queue_drops, 2);
	CU_ASSERT_EQUAL(neigh_stats(t)->queued, P_QLEN);
	CU_ASSERT_FATAL(entry_get(t, &k, T0, &ni));
	CU_ASSERT_EQUAL(ni.nb_queued, P_QLEN);
	CU_ASSERT_EQUAL(rec.nb_solicit, 1);

	/* The reply sends the packets that were queued, not the refused. */
	CU_ASSERT_EQUAL(
		neigh_learn(t, &k, mac_a, T0 + 5, NEIGH_F_CONFIRMED), P_QLEN);
	CU_ASSERT_EQUAL(rec.nb_send, P_QLEN);
	CU_ASSERT_EQUAL(rec.send[P_QLEN - 1].pkt, PKT(P_QLEN));
	table_free(t);
	CU_ASSERT_EQUAL(rec.nb_drop, 0);
}

static void
test_neigh_resolve_reply_flushes_fifo(void)
{
	struct neigh_table *t = table_default();
	struct neigh_key k = key4(1, 198, 18, 1, 20);
	struct neigh_key other = key4(1, 198, 18, 1, 21);
	struct neigh_info ni;
	uint8_t mac[6];
	unsigned int i;

	queue_pkts(t, &k, 1, 3, T0);
	queue_pkts(t, &other, 50, 1, T0);
	CU_ASSERT_EQUAL(
		neigh_learn(t, &k, mac_b, T0 + 20, NEIGH_F_CONFIRMED), 3);
	CU_ASSERT_EQUAL_FATAL(rec.nb_send, 3);
	for (i = 0; i < 3; i++) {
		CU_ASSERT_EQUAL(rec.send[i].pkt, PKT(i + 1));
		CU_ASSERT(key_eq(&rec.send[i].key, &k));
		CU_ASSERT_EQUAL(memcmp(rec.send[i].mac, mac_b, 6), 0);
	}
	CU_ASSERT_FATAL(entry_get(t, &k, T0 + 20, &ni));
	CU_ASSERT_EQUAL(ni.state, NEIGH_S_REACHABLE);
	CU_ASSERT_EQUAL(ni.nb_queued, 0);
	CU_ASSERT_EQUAL(ni.age_ms, 0);
	CU_ASSERT_EQUAL(neigh_stats(t)->resolved, 1);
	/* The other entry is untouched. */
	CU_ASSERT_EQUAL(state_of(t, &other), NEIGH_S_INCOMPLETE);

	/* Resolved: packets go straight out, none queued. */
	CU_ASSERT_EQUAL(neigh_resolve(t, &k, PKT(4), T0 + 30, mac), 0);
	CU_ASSERT_EQUAL(memcmp(mac, mac_b, 6), 0);
	CU_ASSERT_EQUAL(rec.nb_send, 3);
	/* A second reply has nothing left to flush. */
	CU_ASSERT_EQUAL(
		neigh_learn(t, &k, mac_b, T0 + 40, NEIGH_F_CONFIRMED), 0);
	CU_ASSERT_EQUAL(rec.nb_send, 3);
	table_free(t);
	CU_ASSERT_EQUAL(rec.nb_drop, 1);
	CU_ASSERT(dropped_once(PKT(50)));
}

static void
test_neigh_resolve_reused_slot_clean_queue(void)
{
	struct neigh_params p = params_default();
	struct neigh_table *t;
	struct neigh_key k1 = key4(0, 198, 18, 0, 1);
	struct neigh_key k2 = key4(0, 198, 18, 0, 2);
	unsigned int i;

	/* One entry: the second key reuses the slot and queue of the first. */
	p.max_entries = 1;
	t = table_new(&p);
	queue_pkts(t, &k1, 1, 3, T0);
	CU_ASSERT_EQUAL(neigh_delete(t, &k1), 0);
	CU_ASSERT_EQUAL(rec.nb_drop, 3);
	queue_pkts(t, &k2, 11, 2, T0 + 1);
	CU_ASSERT_EQUAL(
		neigh_learn(t, &k2, mac_b, T0 + 2, NEIGH_F_CONFIRMED), 2);
	CU_ASSERT_EQUAL_FATAL(rec.nb_send, 2);
	for (i = 0; i < 2; i++) {
		CU_ASSERT_EQUAL(rec.send[i].pkt, PKT(11 + i));
		CU_ASSERT(key_eq(&rec.send[i].key, &k2));
	}
	/* A flushed entry freed and reused starts with an empty queue. */
	CU_ASSERT_EQUAL(neigh_delete(t, &k2), 0);
	queue_pkts(t, &k1, 21, 1, T0 + 3);
	CU_ASSERT_EQUAL(
		neigh_learn(t, &k1, mac_a, T0 + 4, NEIGH_F_CONFIRMED), 1);
	CU_ASSERT_EQUAL_FATAL(rec.nb_send, 3);
	CU_ASSERT_EQUAL(rec.send[2].pkt, PKT(21));
	table_free(t);
	CU_ASSERT_EQUAL(rec.nb_drop, 3);
}

static void
test_neigh_resolve_reply_unconfirmed_flushes_stale(void)
{
	struct neigh_table *t = table_default();
	struct neigh_key k = key6(0, 1);
	struct neigh_info ni;

	uint64_t now = T0 + P_RETRANS + 1;
	uint8_t mac[6];
	unsigned int i;

	/* E.g. an NS from the neighbor carrying its link-layer address,
	 * after one retransmission. */
	queue_pkts(t, &k, 1, 2, T0);
	neigh_age(t, T0 + P_RETRANS);
	CU_ASSERT_EQUAL(rec.nb_solicit, 2);
	CU_ASSERT_EQUAL(neigh_learn(t, &k, mac_a, now, 0), 2);
	CU_ASSERT_EQUAL(rec.nb_send, 2);
	CU_ASSERT_EQUAL(memcmp(rec.send[0].mac, mac_a, 6), 0);
	CU_ASSERT_FATAL(entry_get(t, &k, now, &ni));
	CU_ASSERT_EQUAL(ni.state, NEIGH_S_STALE);
	CU_ASSERT_EQUAL(memcmp(ni.mac, mac_a, 6), 0);
	CU_ASSERT_EQUAL(neigh_stats(t)->resolved, 1);
	/* Used, it probes with a full budget of its own. */
	CU_ASSERT_EQUAL(neigh_resolve(t, &k, NULL, now, mac), 0);
	for (i = 1; i <= P_PROBES; i++)
		neigh_age(t, now + i * P_RETRANS);
	CU_ASSERT_EQUAL(rec.nb_solicit, 2 + P_PROBES);
	CU_ASSERT_EQUAL(state_of(t, &k), NEIGH_S_FREE);
	table_free(t);
}

static void
test_neigh_resolve_reachable_mac_returned(void)
{
	struct neigh_table *t = table_default();
	struct neigh_key k = key4(0, 198, 18, 0, 1);
	uint8_t mac[6];

	neigh_learn(t, &k, mac_a, T0, NEIGH_F_CREATE | NEIGH_F_CONFIRMED);
	memcpy(mac, mac_zero, 6);
	CU_ASSERT_EQUAL(neigh_resolve(t, &k, PKT(1), T0 + 1, mac), 0);
	CU_ASSERT_EQUAL(memcmp(mac, mac_a, 6), 0);
	CU_ASSERT_EQUAL(state_of(t, &k), NEIGH_S_REACHABLE);
	/* The caller sends: nothing queued, sent, solicited or dropped. */
	CU_ASSERT_EQUAL(rec.nb_solicit + rec.nb_send + rec.nb_drop, 0);
	CU_ASSERT_EQUAL(neigh_stats(t)->queued, 0);
	table_free(t);
}

static void
test_neigh_resolve_null_pkt_only_solicits(void)
{
	struct neigh_table *t = table_default();
	struct neigh_key k = key4(0, 198, 18, 0, 1);
	struct neigh_info ni;
	uint8_t mac[6];

	CU_ASSERT_EQUAL(neigh_resolve(t, &k, NULL, T0, mac), 1);
	CU_ASSERT_FATAL(entry_get(t, &k, T0, &ni));
	CU_ASSERT_EQUAL(ni.state, NEIGH_S_INCOMPLETE);
	CU_ASSERT_EQUAL(ni.nb_queued, 0);
	CU_ASSERT_EQUAL(rec.nb_solicit, 1);
	CU_ASSERT_FALSE(rec.solicit[0].unicast);
	CU_ASSERT_EQUAL(neigh_stats(t)->queued, 0);
	/* Again: still under way, no second solicitation. */
	CU_ASSERT_EQUAL(neigh_resolve(t, &k, NULL, T0 + 1, mac), 1);
	CU_ASSERT_EQUAL(rec.nb_solicit, 1);
	/* The reply has nothing to flush. */
	CU_ASSERT_EQUAL(
		neigh_learn(t, &k, mac_a, T0 + 2, NEIGH_F_CONFIRMED), 0);
	CU_ASSERT_EQUAL(rec.nb_send, 0);
	CU_ASSERT_EQUAL(neigh_resolve(t, &k, NULL, T0 + 3, mac), 0);
	CU_ASSERT_EQUAL(memcmp(mac, mac_a, 6), 0);
	table_free(t);
}

static void
test_neigh_resolve_queue_len0_enobufs(void)
{
	struct neigh_params p = params_default();
	struct neigh_table *t;
	struct neigh_key k = key4(0, 198, 18, 0, 1);
	uint8_t mac[6];

	p.queue_len = 0;
	t = table_new(&p);
	/* Nothing can wait, but resolution still starts. */
	CU_ASSERT_EQUAL(neigh_resolve(t, &k, PKT(1), T0, mac), -ENOBUFS);
	CU_ASSERT_EQUAL(state_of(t, &k), NEIGH_S_INCOMPLETE);
	CU_ASSERT_EQUAL(rec.nb_solicit, 1);
	CU_ASSERT_EQUAL(neigh_resolve(t, &k, NULL, T0, mac), 1);
	CU_ASSERT_EQUAL(neigh_stats(t)->queue_drops, 1);
	CU_ASSERT_EQUAL(
		neigh_learn(t, &k, mac_a, T0 + 1, NEIGH_F_CONFIRMED), 0);
	CU_ASSERT_EQUAL(neigh_resolve(t, &k, PKT(2), T0 + 2, mac), 0);
	table_free(t);
	CU_ASSERT_EQUAL(rec.nb_drop + rec.nb_send, 0);
}

/*
 * Ageing.
 */

static void
test_neigh_age_incomplete_retrans_timed(void)
{
	struct neigh_table *t = table_default();
	struct neigh_key k = key4(0, 198, 18, 0, 1);
	uint8_t mac[6];

	CU_ASSERT_EQUAL(neigh_resolve(t, &k, PKT(1), T0, mac), 1);
	neigh_age(t, T0);
	neigh_age(t, T0 + P_RETRANS - 1);
	CU_ASSERT_EQUAL(rec.nb_solicit, 1);
	neigh_age(t, T0 + P_RETRANS);
	CU_ASSERT_EQUAL(rec.nb_solicit, 2);
	/* The next one counts from the retransmission. */
	neigh_age(t, T0 + P_RETRANS + 1);
	neigh_age(t, T0 + 2 * P_RETRANS - 1);
	CU_ASSERT_EQUAL(rec.nb_solicit, 2);
	neigh_age(t, T0 + 2 * P_RETRANS);
	CU_ASSERT_EQUAL_FATAL(rec.nb_solicit, 3);
	CU_ASSERT_FALSE(rec.solicit[1].unicast);
	CU_ASSERT_FALSE(rec.solicit[2].unicast);
	CU_ASSERT(key_eq(&rec.solicit[2].key, &k));
	CU_ASSERT_EQUAL(neigh_stats(t)->solicits, 3);
	CU_ASSERT_EQUAL(state_of(t, &k), NEIGH_S_INCOMPLETE);
	table_free(t);
}

static void
test_neigh_age_incomplete_max_probes_failed(void)
{
	struct neigh_table *t = table_default();
	struct neigh_key k = key4(0, 198, 18, 0, 1);
	struct neigh_key other = key4(0, 198, 18, 0, 2);
	uint64_t now;
	uint8_t mac[6];

	queue_pkts(t, &k, 1, 3, T0);
	neigh_learn(t, &other, mac_b, T0, NEIGH_F_CREATE | NEIGH_F_CONFIRMED);
	for (now = T0 + 100; now < T0 + P_PROBES * P_RETRANS; now += 100)
		neigh_age(t, now);
	CU_ASSERT_EQUAL(rec.nb_solicit, P_PROBES);
	CU_ASSERT_EQUAL(state_of(t, &k), NEIGH_S_INCOMPLETE);
	CU_ASSERT_EQUAL(rec.nb_drop, 0);
	/* retrans_ms after the last solicitation it gives up. */
	neigh_age(t, T0 + P_PROBES * P_RETRANS);
	CU_ASSERT_EQUAL(rec.nb_solicit, P_PROBES);
	CU_ASSERT_EQUAL(state_of(t, &k), NEIGH_S_FREE);
	CU_ASSERT_EQUAL(neigh_count(t), 1);
	CU_ASSERT_EQUAL(neigh_stats(t)->failed, 1);
	CU_ASSERT_EQUAL(rec.nb_drop, 3);
	CU_ASSERT(dropped_once(PKT(1)));
	CU_ASSERT(dropped_once(PKT(2)));
	CU_ASSERT(dropped_once(PKT(3)));
	CU_ASSERT_EQUAL(neigh_stats(t)->queue_drops, 3);
	CU_ASSERT_EQUAL(rec.nb_send, 0);
	CU_ASSERT_EQUAL(state_of(t, &other), NEIGH_S_REACHABLE);
	/* A new resolution starts from scratch. */
	CU_ASSERT_EQUAL(neigh_resolve(t, &k, PKT(4), T0 + 5000, mac), 1);
	CU_ASSERT_EQUAL(rec.nb_solicit, P_PROBES + 1);
	table_free(t);
}

static void
test_neigh_age_reachable_timeout_stale(void)
{
	struct neigh_table *t = table_default();
	struct neigh_key k = key4(0, 198, 18, 0, 1);
	struct neigh_info ni;
	uint8_t mac[6];

	neigh_learn(t, &k, mac_a, T0, NEIGH_F_CREATE | NEIGH_F_CONFIRMED);
	/* Use does not extend reachability, only confirmations do. */
	CU_ASSERT_EQUAL(
		neigh_resolve(t, &k, PKT(1), T0 + P_REACH - 10, mac), 0);
	neigh_age(t, T0 + P_REACH - 1);
	CU_ASSERT_EQUAL(state_of(t, &k), NEIGH_S_REACHABLE);
	neigh_age(t, T0 + P_REACH);
	CU_ASSERT_FATAL(entry_get(t, &k, T0 + P_REACH, &ni));
	CU_ASSERT_EQUAL(ni.state, NEIGH_S_STALE);
	CU_ASSERT_EQUAL(memcmp(ni.mac, mac_a, 6), 0);
	CU_ASSERT_EQUAL(ni.age_ms, P_REACH);
	CU_ASSERT_EQUAL(rec.nb_solicit, 0);
	table_free(t);
}

static void
test_neigh_age_stale_used_unicast_probe(void)
{
	struct neigh_table *t = table_default();
	struct neigh_key k = key4(3, 198, 18, 3, 1);
	uint8_t mac[6];

	neigh_learn(t, &k, mac_a, T0, NEIGH_F_CREATE);
	memcpy(mac, mac_zero, 6);
	CU_ASSERT_EQUAL(neigh_resolve(t, &k, PKT(1), T0 + 10, mac), 0);
	CU_ASSERT_EQUAL(memcmp(mac, mac_a, 6), 0);
	CU_ASSERT_EQUAL(state_of(t, &k), NEIGH_S_PROBE);
	CU_ASSERT_EQUAL_FATAL(rec.nb_solicit, 1);
	CU_ASSERT(rec.solicit[0].unicast);
	CU_ASSERT_EQUAL(memcmp(rec.solicit[0].mac, mac_a, 6), 0);
	CU_ASSERT(key_eq(&rec.solicit[0].key, &k));
	/* Only one probe however often it is used. */
	CU_ASSERT_EQUAL(neigh_resolve(t, &k, PKT(2), T0 + 11, mac), 0);
	CU_ASSERT_EQUAL(neigh_resolve(t, &k, PKT(3), T0 + 12, mac), 0);
	CU_ASSERT_EQUAL(rec.nb_solicit, 1);
	CU_ASSERT_EQUAL(rec.nb_send + rec.nb_drop, 0);
	table_free(t);
}

static void
test_neigh_age_probe_unanswered_deleted(void)
{
	struct neigh_table *t = table_default();
	struct neigh_key k = key6(0, 9);
	uint64_t probe_ms = T0 + 10, now;
	uint8_t mac[6];
	unsigned int i;

	neigh_learn(t, &k, mac_b, T0, NEIGH_F_CREATE);
	CU_ASSERT_EQUAL(neigh_resolve(t, &k, PKT(1), probe_ms, mac), 0);
	neigh_age(t, probe_ms + P_RETRANS - 1);
	CU_ASSERT_EQUAL(rec.nb_solicit, 1);
	for (now = probe_ms + P_RETRANS; now < probe_ms + P_PROBES * P_RETRANS;
		now += P_RETRANS)
		neigh_age(t, now);
	CU_ASSERT_EQUAL_FATAL(rec.nb_solicit, P_PROBES);
	for (i = 0; i < P_PROBES; i++) {
		CU_ASSERT(rec.solicit[i].unicast);
		CU_ASSERT_EQUAL(memcmp(rec.solicit[i].mac, mac_b, 6), 0);
	}
	CU_ASSERT_EQUAL(state_of(t, &k), NEIGH_S_PROBE);
	neigh_age(t, probe_ms + P_PROBES * P_RETRANS);
	CU_ASSERT_EQUAL(state_of(t, &k), NEIGH_S_FREE);
	CU_ASSERT_EQUAL(neigh_count(t), 0);
	CU_ASSERT_EQUAL(neigh_stats(t)->failed, 1);
	CU_ASSERT_EQUAL(neigh_stats(t)->expired, 0);
	CU_ASSERT_EQUAL(rec.nb_solicit, P_PROBES);
	table_free(t);
}

static void
test_neigh_age_probe_answered_reachable(void)
{
	struct neigh_table *t = table_default();
	struct neigh_key k = key4(0, 198, 18, 0, 1);
	uint8_t mac[6];
	uint64_t now;

	neigh_learn(t, &k, mac_a, T0, NEIGH_F_CREATE);
	CU_ASSERT_EQUAL(neigh_resolve(t, &k, NULL, T0 + 10, mac), 0);
	neigh_age(t, T0 + 10 + P_RETRANS);
	CU_ASSERT_EQUAL(rec.nb_solicit, 2);
	CU_ASSERT_EQUAL(
		neigh_learn(t, &k, mac_a, T0 + 1500, NEIGH_F_CONFIRMED), 0);
	CU_ASSERT_EQUAL(state_of(t, &k), NEIGH_S_REACHABLE);
	/* No more probes, and it stays until reachable_ms runs out. */
	for (now = T0 + 1600; now < T0 + 1500 + P_REACH; now += 1000)
		neigh_age(t, now);
	CU_ASSERT_EQUAL(rec.nb_solicit, 2);
	CU_ASSERT_EQUAL(state_of(t, &k), NEIGH_S_REACHABLE);
	CU_ASSERT_EQUAL(neigh_stats(t)->failed, 0);
	/* Its next probe cycle starts with a fresh probe budget. */
	neigh_age(t, T0 + 1500 + P_REACH);
	CU_ASSERT_EQUAL(state_of(t, &k), NEIGH_S_STALE);
	now = T0 + 1500 + P_REACH + 1;
	CU_ASSERT_EQUAL(neigh_resolve(t, &k, NULL, now, mac), 0);
	neigh_age(t, now + P_RETRANS);
	neigh_age(t, now + 2 * P_RETRANS);
	CU_ASSERT_EQUAL(rec.nb_solicit, 2 + P_PROBES);
	CU_ASSERT_EQUAL(state_of(t, &k), NEIGH_S_PROBE);
	table_free(t);
}

static void
test_neigh_age_stale_unused_expired(void)
{
	struct neigh_table *t = table_default();
	struct neigh_key learned = key4(0, 198, 18, 0, 1);
	struct neigh_key decayed = key4(0, 198, 18, 0, 2);
	uint64_t stale_at = T0 + P_REACH;

	neigh_learn(t, &learned, mac_a, T0, NEIGH_F_CREATE);
	neigh_learn(t, &decayed, mac_b, T0, NEIGH_F_CREATE | NEIGH_F_CONFIRMED);
	neigh_age(t, stale_at);
	CU_ASSERT_EQUAL(state_of(t, &decayed), NEIGH_S_STALE);
	neigh_age(t, T0 + P_STALE - 1);
	CU_ASSERT_EQUAL(state_of(t, &learned), NEIGH_S_STALE);
	neigh_age(t, T0 + P_STALE);
	CU_ASSERT_EQUAL(state_of(t, &learned), NEIGH_S_FREE);
	CU_ASSERT_EQUAL(neigh_stats(t)->expired, 1);
	/* stale_ms counts from when it became STALE, not from learning. */
	neigh_age(t, stale_at + P_STALE - 1);
	CU_ASSERT_EQUAL(state_of(t, &decayed), NEIGH_S_STALE);
	neigh_age(t, stale_at + P_STALE);
	CU_ASSERT_EQUAL(state_of(t, &decayed), NEIGH_S_FREE);
	CU_ASSERT_EQUAL(neigh_stats(t)->expired, 2);
	CU_ASSERT_EQUAL(neigh_stats(t)->failed, 0);
	CU_ASSERT_EQUAL(neigh_count(t), 0);
	CU_ASSERT_EQUAL(rec.nb_solicit, 0);
	table_free(t);
}

/*
 * What happens to a STALE entry that keeps being used: the first use turns
 * it into PROBE (one unicast probe); further use returns the MAC without
 * probing again, while neigh_age() sends the remaining unicast probes every
 * retrans_ms. Use never keeps it alive: unanswered, it is deleted after
 * max_probes probes (counted as failed, not expired), and the next use
 * starts over as INCOMPLETE, queueing behind a multicast solicitation. It
 * is never removed by stale_ms while in use, since it is no longer STALE.
 */
static void
test_neigh_age_stale_in_use_probed_then_deleted(void)
{
	struct neigh_table *t = table_default();
	struct neigh_key k = key4(0, 198, 18, 0, 1);
	uint64_t first = T0 + 10, now;
	uint8_t mac[6];
	int rc;
	unsigned int sent_ok = 0;

	neigh_learn(t, &k, mac_a, T0, NEIGH_F_CREATE);
	for (now = first; now < first + P_PROBES * P_RETRANS; now += 100) {
		rc = neigh_resolve(t, &k, PKT(1), now, mac);
		sent_ok += rc == 0;
		neigh_age(t, now);
	}
	CU_ASSERT_EQUAL(sent_ok, P_PROBES * P_RETRANS / 100);
	CU_ASSERT_EQUAL(rec.nb_solicit, P_PROBES);
	CU_ASSERT(rec.solicit[P_PROBES - 1].unicast);
	CU_ASSERT_EQUAL(state_of(t, &k), NEIGH_S_PROBE);
	/* Still in use, but unanswered: gone. */
	CU_ASSERT_EQUAL(neigh_resolve(t, &k, PKT(1), now, mac), 0);
	neigh_age(t, now);
	CU_ASSERT_EQUAL(state_of(t, &k), NEIGH_S_FREE);
	CU_ASSERT_EQUAL(neigh_stats(t)->failed, 1);
	CU_ASSERT_EQUAL(neigh_stats(t)->expired, 0);
	/* The next packet waits for a fresh resolution. */
	CU_ASSERT_EQUAL(neigh_resolve(t, &k, PKT(2), now + 1, mac), 1);
	CU_ASSERT_EQUAL(state_of(t, &k), NEIGH_S_INCOMPLETE);
	CU_ASSERT_EQUAL_FATAL(rec.nb_solicit, P_PROBES + 1);
	CU_ASSERT_FALSE(rec.solicit[P_PROBES].unicast);
	table_free(t);
	CU_ASSERT(dropped_once(PKT(2)));
}

/*
 * Full table and hash chains.
 */

static void
test_neigh_full_resolve_enospc(void)
{
	struct neigh_params p = params_default();
	struct neigh_table *t;
	struct neigh_key k;
	uint8_t mac[6];
	unsigned int i;

	p.max_entries = 4;
	t = table_new(&p);
	for (i = 0; i < 4; i++) {
		k = key4(0, 198, 18, 0, (uint8_t)(i + 1));
		CU_ASSERT_EQUAL(neigh_resolve(t, &k, PKT(i + 1), T0, mac), 1);
	}
	CU_ASSERT_EQUAL(neigh_count(t), 4);
	k = key4(0, 198, 18, 0, 5);
	CU_ASSERT_EQUAL(neigh_resolve(t, &k, PKT(5), T0, mac), -ENOSPC);
	CU_ASSERT_EQUAL(neigh_resolve(t, &k, NULL, T0, mac), -ENOSPC);
	CU_ASSERT_EQUAL(neigh_stats(t)->table_full, 2);
	/* Refused before anything was sent or queued. */
	CU_ASSERT_EQUAL(rec.nb_solicit, 4);
	CU_ASSERT_EQUAL(neigh_stats(t)->queued, 4);
	CU_ASSERT_EQUAL(rec.nb_drop, 0);
	CU_ASSERT_EQUAL(neigh_count(t), 4);
	CU_ASSERT_EQUAL(state_of(t, &k), NEIGH_S_FREE);
	/* Existing entries still work. */
	k = key4(0, 198, 18, 0, 1);
	CU_ASSERT_EQUAL(neigh_resolve(t, &k, PKT(6), T0, mac), 1);
	table_free(t);
}

static void
test_neigh_full_learn_enospc(void)
{
	struct neigh_params p = params_default();
	struct neigh_table *t;
	struct neigh_key k;
	unsigned int i;

	p.max_entries = 4;
	t = table_new(&p);
	for (i = 0; i < 4; i++) {
		k = key6(1, (uint16_t)(i + 1));
		CU_ASSERT_EQUAL(neigh_learn(t, &k, mac_a, T0,
					NEIGH_F_CREATE | NEIGH_F_CONFIRMED),
			0);
	}
	k = key6(1, 5);
	CU_ASSERT_EQUAL(neigh_learn(t, &k, mac_a, T0,
				NEIGH_F_CREATE | NEIGH_F_CONFIRMED),
		-ENOSPC);
	/* A learn refused for space counts as table_full too. */
	CU_ASSERT_EQUAL(neigh_stats(t)->table_full, 1);
	CU_ASSERT_EQUAL(neigh_stats(t)->learned, 4);
	/* Without CREATE an unknown key is ignored, full or not. */
	CU_ASSERT_EQUAL(neigh_learn(t, &k, mac_a, T0, 0), 0);
	CU_ASSERT_EQUAL(neigh_count(t), 4);
	/* Known keys still learn. */
	k = key6(1, 1);
	CU_ASSERT_EQUAL(neigh_learn(t, &k, mac_b, T0, NEIGH_F_CREATE), 0);
	CU_ASSERT_EQUAL(state_of(t, &k), NEIGH_S_STALE);
	table_free(t);
}

static void
test_neigh_full_delete_frees_slot(void)
{
	struct neigh_params p = params_default();
	struct neigh_table *t;
	struct neigh_key k, extra = key4(0, 198, 18, 0, 100);
	uint8_t mac[6];
	unsigned int i;

	p.max_entries = 4;
	t = table_new(&p);
	for (i = 0; i < 4; i++) {
		k = key4(0, 198, 18, 0, (uint8_t)(i + 1));
		neigh_learn(t, &k, mac_a, T0, NEIGH_F_CREATE);
	}
	CU_ASSERT_EQUAL(neigh_resolve(t, &extra, PKT(1), T0, mac), -ENOSPC);
	k = key4(0, 198, 18, 0, 3);
	CU_ASSERT_EQUAL(neigh_delete(t, &k), 0);
	CU_ASSERT_EQUAL(neigh_count(t), 3);
	CU_ASSERT_EQUAL(neigh_resolve(t, &extra, PKT(1), T0, mac), 1);
	CU_ASSERT_EQUAL(neigh_count(t), 4);
	CU_ASSERT_EQUAL(neigh_learn(t, &k, mac_a, T0, NEIGH_F_CREATE), -ENOSPC);
	/* A failed resolution frees its slot as well. */
	for (i = 1; i <= P_PROBES; i++)
		neigh_age(t, T0 + i * P_RETRANS);
	CU_ASSERT_EQUAL(neigh_count(t), 3);
	CU_ASSERT_EQUAL(neigh_learn(t, &k, mac_a, T0, NEIGH_F_CREATE), 0);
	CU_ASSERT_EQUAL(neigh_count(t), 4);
	table_free(t);
}

#define HASH_KEYS_MAX 512

static struct neigh_key hash_keys[HASH_KEYS_MAX];
static bool hash_live[HASH_KEYS_MAX];

struct live_ctx {
	unsigned int n;
	unsigned int seen[HASH_KEYS_MAX];
	unsigned int unknown; /* entries that are no test key */
	unsigned int bad_mac;
};

static void
mac_of(unsigned int i, uint8_t mac[6])
{
	mac[0] = 0x02;
	mac[1] = 0x42;
	mac[2] = 0;
	mac[3] = 0;
	mac[4] = (uint8_t)(i >> 8);
	mac[5] = (uint8_t)i;
}

static void
live_cb(void *arg, const struct neigh_info *ni)
{
	struct live_ctx *c = arg;
	uint8_t mac[6];
	unsigned int i;

	for (i = 0; i < c->n; i++)
		if (key_eq(&ni->key, &hash_keys[i]))
			break;
	if (i == c->n) {
		c->unknown++;
		return;
	}
	c->seen[i]++;
	mac_of(i, mac);
	if (memcmp(ni->mac, mac, 6) != 0)
		c->bad_mac++;
}

/*
 * The table holds exactly the live keys: the walk sees each once, every
 * live key is found by neigh_resolve() with its own MAC, every dead key is
 * absent for neigh_delete().
 */
static void
check_live(struct neigh_table *t, unsigned int n)
{
	static struct live_ctx c;
	unsigned int i, nb_live = 0, bad = 0;
	uint8_t mac[6], want[6];

	memset(&c, 0, sizeof(c));
	c.n = n;
	neigh_walk(t, T0, live_cb, &c);
	for (i = 0; i < n; i++) {
		if (c.seen[i] != (hash_live[i] ? 1u : 0u))
			bad++;
		if (!hash_live[i]) {
			if (neigh_delete(t, &hash_keys[i]) != -ENOENT)
				bad++;
			continue;
		}
		nb_live++;
		mac_of(i, want);
		if (neigh_resolve(t, &hash_keys[i], NULL, T0, mac) != 0 ||
			memcmp(mac, want, 6) != 0)
			bad++;
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(c.unknown, 0);
	CU_ASSERT_EQUAL(c.bad_mac, 0);
	CU_ASSERT_EQUAL(neigh_count(t), nb_live);
}

static uint32_t rng_state;

static uint32_t
rng(void)
{
	/* xorshift32: reproducible, no libc state. */
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static void
shuffle(unsigned int *v, unsigned int n)
{
	unsigned int i, j, x;

	for (i = n; i > 1; i--) {
		j = rng() % i;
		x = v[i - 1];
		v[i - 1] = v[j];
		v[j] = x;
	}
}

/* Distinct keys over a few ports and both families. */
static void
hash_keys_make(unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (i % 2)
			hash_keys[i] = key6((uint16_t)(i % 3), (uint16_t)i);
		else
			hash_keys[i] = key4((uint16_t)(i % 3), 10, 0,
				(uint8_t)(i >> 8), (uint8_t)i);
		hash_live[i] = false;
	}
}

static int
hash_insert(struct neigh_table *t, unsigned int i)
{
	uint8_t mac[6];
	int rc;

	mac_of(i, mac);
	rc = neigh_learn(
		t, &hash_keys[i], mac, T0, NEIGH_F_CREATE | NEIGH_F_CONFIRMED);
	if (rc == 0)
		hash_live[i] = true;
	return rc;
}

/* Insert keys 0..n-1, then delete them, in random orders; check the
 * table every 'every' steps (the check costs n^2 key compares). */
static void
hash_fill_drain(struct neigh_table *t, unsigned int n, unsigned int every)
{
	unsigned int order[HASH_KEYS_MAX], i;

	for (i = 0; i < n; i++)
		order[i] = i;
	shuffle(order, n);
	for (i = 0; i < n; i++) {
		CU_ASSERT_EQUAL(hash_insert(t, order[i]), 0);
		if (i % every == 0)
			check_live(t, n);
	}
	shuffle(order, n);
	for (i = 0; i < n; i++) {
		CU_ASSERT_EQUAL(neigh_delete(t, &hash_keys[order[i]]), 0);
		hash_live[order[i]] = false;
		if (i % every == 0)
			check_live(t, n);
	}
	check_live(t, n);
}

static void
test_neigh_hash_random_order_consistent(void)
{
	struct neigh_params p = params_default();
	struct neigh_table *t;
	unsigned int n = 300, step, i, nb_live = 0;
	int rc;

	p.max_entries = 256;
	t = table_new(&p);
	rng_state = 0x2545f491;
	hash_keys_make(n);
	for (step = 0; step < 4000; step++) {
		i = rng() % n;
		if (hash_live[i]) {
			CU_ASSERT_EQUAL(neigh_delete(t, &hash_keys[i]), 0);
			hash_live[i] = false;
			nb_live--;
		} else {
			rc = hash_insert(t, i);
			CU_ASSERT_EQUAL(rc, nb_live < 256 ? 0 : -ENOSPC);
			nb_live += rc == 0;
		}
		if (step % 100 == 0)
			check_live(t, n);
	}
	check_live(t, n);
	/* Then a fill and drain in random order from whatever is left. */
	for (i = 0; i < n; i++)
		if (hash_live[i]) {
			CU_ASSERT_EQUAL(neigh_delete(t, &hash_keys[i]), 0);
			hash_live[i] = false;
		}
	check_live(t, n);
	hash_fill_drain(t, 256, 16);
	CU_ASSERT_EQUAL(neigh_count(t), 0);
	table_free(t);
}

static void
test_neigh_hash_small_table_consistent(void)
{
	struct neigh_params p = params_default();
	struct neigh_table *t;
	unsigned int round;

	p.max_entries = 16;
	t = table_new(&p);
	rng_state = 0x9e3779b9;
	hash_keys_make(16);
	for (round = 0; round < 20; round++)
		hash_fill_drain(t, 16, 1);
	table_free(t);
}

/*
 * 16 keys that all land in one bucket, so that deletes hit the head, the
 * middle and the tail of one long chain. This mirrors the table's hash
 * (rte_jhash of the key, masked to 2 * max_entries buckets); if that ever
 * changes the test still holds, it just collides less.
 */
static void
test_neigh_hash_one_bucket_chain_consistent(void)
{
	struct neigh_params p = params_default();
	struct neigh_table *t;
	struct neigh_key k;
	unsigned int n = 0, round;
	uint32_t host, bucket = 0;

	p.max_entries = 16;
	for (host = 1; n < 16 && host < 1000000; host++) {
		uint32_t b;

		k = key4(0, 10, (uint8_t)(host >> 16), (uint8_t)(host >> 8),
			(uint8_t)host);
		b = rte_jhash(&k, sizeof(k), 0) & 31;
		if (n == 0)
			bucket = b;
		if (b == bucket)
			hash_keys[n++] = k;
	}
	CU_ASSERT_EQUAL_FATAL(n, 16);
	memset(hash_live, 0, sizeof(hash_live));
	t = table_new(&p);
	rng_state = 12345;
	for (round = 0; round < 20; round++)
		hash_fill_drain(t, 16, 1);
	table_free(t);
}

/*
 * Keys.
 */

static void
test_neigh_key_port_distinct(void)
{
	struct neigh_table *t = table_default();
	struct neigh_key k0 = key4(0, 198, 18, 0, 1);
	struct neigh_key k1 = key4(1, 198, 18, 0, 1);
	struct neigh_info ni;
	uint8_t mac[6];

	neigh_learn(t, &k0, mac_a, T0, NEIGH_F_CREATE | NEIGH_F_CONFIRMED);
	neigh_learn(t, &k1, mac_b, T0, NEIGH_F_CREATE);
	CU_ASSERT_EQUAL(neigh_count(t), 2);
	CU_ASSERT_EQUAL(neigh_resolve(t, &k0, NULL, T0, mac), 0);
	CU_ASSERT_EQUAL(memcmp(mac, mac_a, 6), 0);
	CU_ASSERT_FATAL(entry_get(t, &k1, T0, &ni));
	CU_ASSERT_EQUAL(ni.state, NEIGH_S_STALE);
	CU_ASSERT_EQUAL(memcmp(ni.mac, mac_b, 6), 0);
	CU_ASSERT_EQUAL(neigh_delete(t, &k0), 0);
	CU_ASSERT_EQUAL(state_of(t, &k1), NEIGH_S_STALE);
	CU_ASSERT_EQUAL(neigh_delete(t, &k0), -ENOENT);
	table_free(t);
}

static void
test_neigh_key_family_distinct(void)
{
	struct neigh_table *t = table_default();
	struct neigh_key k4 = key4(0, 0x20, 0x01, 0x0d, 0xb8);
	struct neigh_key k6 = k4;
	uint8_t mac[6];

	/* Same 16 address bytes, other family. */
	k6.family = AF_INET6;
	neigh_learn(t, &k4, mac_a, T0, NEIGH_F_CREATE | NEIGH_F_CONFIRMED);
	CU_ASSERT_EQUAL(neigh_resolve(t, &k6, PKT(1), T0, mac), 1);
	CU_ASSERT_EQUAL(neigh_count(t), 2);
	CU_ASSERT_EQUAL(state_of(t, &k4), NEIGH_S_REACHABLE);
	CU_ASSERT_EQUAL(state_of(t, &k6), NEIGH_S_INCOMPLETE);
	CU_ASSERT_EQUAL(neigh_learn(t, &k6, mac_b, T0, NEIGH_F_CONFIRMED), 1);
	CU_ASSERT_EQUAL(neigh_resolve(t, &k4, NULL, T0, mac), 0);
	CU_ASSERT_EQUAL(memcmp(mac, mac_a, 6), 0);
	CU_ASSERT_EQUAL(neigh_resolve(t, &k6, NULL, T0, mac), 0);
	CU_ASSERT_EQUAL(memcmp(mac, mac_b, 6), 0);
	table_free(t);
}

static void
test_neigh_key_pad_ignored(void)
{
	struct neigh_table *t = table_default();
	struct neigh_key k = key4(0, 198, 18, 0, 1);
	struct neigh_key kp = k;
	struct neigh_key k6 = key6(1, 1), k6p;
	struct neigh_info ni;
	uint8_t mac[6];

	kp.pad = 0xff;
	/* Learned with pad set, found without it, and the other way. */
	CU_ASSERT_EQUAL(neigh_learn(t, &kp, mac_a, T0,
				NEIGH_F_CREATE | NEIGH_F_CONFIRMED),
		0);
	CU_ASSERT_EQUAL(neigh_resolve(t, &k, NULL, T0, mac), 0);
	CU_ASSERT_EQUAL(neigh_resolve(t, &kp, NULL, T0, mac), 0);
	CU_ASSERT_EQUAL(memcmp(mac, mac_a, 6), 0);
	CU_ASSERT_EQUAL(neigh_learn(t, &kp, mac_a, T0, NEIGH_F_CREATE), 0);
	CU_ASSERT_EQUAL(neigh_count(t), 1);
	CU_ASSERT_FATAL(entry_get(t, &k, T0, &ni));
	CU_ASSERT_EQUAL(ni.key.pad, 0);

	k6p = k6;
	k6p.pad = 0xff;
	CU_ASSERT_EQUAL(neigh_resolve(t, &k6p, PKT(1), T0, mac), 1);
	CU_ASSERT_EQUAL(neigh_resolve(t, &k6, PKT(2), T0, mac), 1);
	CU_ASSERT_EQUAL(neigh_resolve(t, &k6p, PKT(3), T0, mac), 1);
	CU_ASSERT_EQUAL(neigh_count(t), 2);
	CU_ASSERT_EQUAL_FATAL(rec.nb_solicit, 1);
	CU_ASSERT_EQUAL(rec.solicit[0].key.pad, 0);
	CU_ASSERT_EQUAL(neigh_learn(t, &k6p, mac_b, T0, NEIGH_F_CONFIRMED), 3);
	CU_ASSERT_EQUAL_FATAL(rec.nb_send, 3);
	CU_ASSERT_EQUAL(rec.send[0].key.pad, 0);

	CU_ASSERT_EQUAL(neigh_delete(t, &kp), 0);
	CU_ASSERT_EQUAL(neigh_delete(t, &k6p), 0);
	CU_ASSERT_EQUAL(neigh_count(t), 0);
	table_free(t);
}

/*
 * Deletion and state names.
 */

static void
test_neigh_delete_absent_enoent(void)
{
	struct neigh_table *t = table_default();
	struct neigh_key k = key4(0, 198, 18, 0, 1);

	CU_ASSERT_EQUAL(neigh_delete(t, &k), -ENOENT);
	neigh_learn(t, &k, mac_a, T0, NEIGH_F_CREATE);
	CU_ASSERT_EQUAL(neigh_delete(t, &k), 0);
	CU_ASSERT_EQUAL(neigh_delete(t, &k), -ENOENT);
	CU_ASSERT_EQUAL(neigh_count(t), 0);
	table_free(t);
}

static void
test_neigh_delete_queued_dropped(void)
{
	struct neigh_table *t = table_default();
	struct neigh_key k = key6(0, 3);

	queue_pkts(t, &k, 7, 2, T0);
	CU_ASSERT_EQUAL(neigh_delete(t, &k), 0);
	CU_ASSERT_EQUAL(rec.nb_drop, 2);
	CU_ASSERT(dropped_once(PKT(7)));
	CU_ASSERT(dropped_once(PKT(8)));
	CU_ASSERT_EQUAL(neigh_stats(t)->queue_drops, 2);
	CU_ASSERT_EQUAL(rec.nb_send, 0);
	/* Nothing left for ageing or destruction to drop again. */
	neigh_age(t, T0 + 10 * P_RETRANS);
	CU_ASSERT_EQUAL(rec.nb_solicit, 1);
	table_free(t);
	CU_ASSERT_EQUAL(rec.nb_drop, 2);
}

static void
test_neigh_state_name_each_named(void)
{
	CU_ASSERT_STRING_EQUAL(neigh_state_name(NEIGH_S_FREE), "free");
	CU_ASSERT_STRING_EQUAL(
		neigh_state_name(NEIGH_S_INCOMPLETE), "incomplete");
	CU_ASSERT_STRING_EQUAL(
		neigh_state_name(NEIGH_S_REACHABLE), "reachable");
	CU_ASSERT_STRING_EQUAL(neigh_state_name(NEIGH_S_STALE), "stale");
	CU_ASSERT_STRING_EQUAL(neigh_state_name(NEIGH_S_PROBE), "probe");
	CU_ASSERT_STRING_EQUAL(neigh_state_name(NEIGH_S_COUNT), "?");
	CU_ASSERT_STRING_EQUAL(neigh_state_name((enum neigh_state)100), "?");
	CU_ASSERT_STRING_EQUAL(neigh_state_name((enum neigh_state) - 1), "?");
}

/* A configured entry resolves at once, never ages, and packets (an ARP
 * reply with another MAC, say) never change it; a new configuration does. */
static void
test_neigh_learn_permanent_fixed(void)
{
	struct neigh_table *t = table_default();
	struct neigh_key k = key4(0, 198, 18, 0, 9);
	uint8_t mac[6];
	uint64_t now = T0;

	CU_ASSERT_EQUAL(neigh_learn(t, &k, mac_a, now, NEIGH_F_PERMANENT), 0);
	CU_ASSERT_EQUAL(state_of(t, &k), NEIGH_S_PERMANENT);
	CU_ASSERT_EQUAL(neigh_resolve(t, &k, PKT(1), now, mac), 0);
	CU_ASSERT_EQUAL(memcmp(mac, mac_a, 6), 0);
	CU_ASSERT_EQUAL(neigh_learn(t, &k, mac_b, now,
				NEIGH_F_CONFIRMED | NEIGH_F_CREATE),
		0);
	neigh_age(t, now + 100ull * (P_STALE + P_REACH));
	CU_ASSERT_EQUAL(state_of(t, &k), NEIGH_S_PERMANENT);
	CU_ASSERT_EQUAL(neigh_resolve(t, &k, PKT(2), now, mac), 0);
	CU_ASSERT_EQUAL(memcmp(mac, mac_a, 6), 0);
	CU_ASSERT_EQUAL(rec.nb_solicit, 0);
	CU_ASSERT_EQUAL(neigh_learn(t, &k, mac_b, now, NEIGH_F_PERMANENT), 0);
	CU_ASSERT_EQUAL(neigh_resolve(t, &k, PKT(3), now, mac), 0);
	CU_ASSERT_EQUAL(memcmp(mac, mac_b, 6), 0);
	table_free(t);
}

static CU_TestInfo create_tests[] = {
	{ "create_bad_params_einval", test_neigh_create_bad_params_einval },
	{ "create_valid_empty", test_neigh_create_valid_empty },
	{ "destroy_null_noop", test_neigh_destroy_null_noop },
	{ "destroy_queued_dropped", test_neigh_destroy_queued_dropped },
	CU_TEST_INFO_NULL
};

static CU_TestInfo learn_tests[] = {
	{ "learn_create_unconfirmed_stale",
		test_neigh_learn_create_unconfirmed_stale },
	{ "learn_create_confirmed_reachable",
		test_neigh_learn_create_confirmed_reachable },
	{ "learn_unknown_without_create_ignored",
		test_neigh_learn_unknown_without_create_ignored },
	{ "learn_moved_mac_unconfirmed_stale",
		test_neigh_learn_moved_mac_unconfirmed_stale },
	{ "learn_same_mac_unconfirmed_unchanged",
		test_neigh_learn_same_mac_unconfirmed_unchanged },
	{ "learn_confirmed_refreshes_reachable",
		test_neigh_learn_confirmed_refreshes_reachable },
	{ "learn_permanent_fixed", test_neigh_learn_permanent_fixed },
	CU_TEST_INFO_NULL
};

static CU_TestInfo resolve_tests[] = {
	{ "resolve_miss_incomplete_queued",
		test_neigh_resolve_miss_incomplete_queued },
	{ "resolve_incomplete_queued_no_new_solicit",
		test_neigh_resolve_incomplete_queued_no_new_solicit },
	{ "resolve_queue_full_enobufs", test_neigh_resolve_queue_full_enobufs },
	{ "resolve_reply_flushes_fifo", test_neigh_resolve_reply_flushes_fifo },
	{ "resolve_reused_slot_clean_queue",
		test_neigh_resolve_reused_slot_clean_queue },
	{ "resolve_reply_unconfirmed_flushes_stale",
		test_neigh_resolve_reply_unconfirmed_flushes_stale },
	{ "resolve_reachable_mac_returned",
		test_neigh_resolve_reachable_mac_returned },
	{ "resolve_null_pkt_only_solicits",
		test_neigh_resolve_null_pkt_only_solicits },
	{ "resolve_queue_len0_enobufs", test_neigh_resolve_queue_len0_enobufs },
	CU_TEST_INFO_NULL
};

static CU_TestInfo age_tests[] = {
	{ "age_incomplete_retrans_timed",
		test_neigh_age_incomplete_retrans_timed },
	{ "age_incomplete_max_probes_failed",
		test_neigh_age_incomplete_max_probes_failed },
	{ "age_reachable_timeout_stale",
		test_neigh_age_reachable_timeout_stale },
	{ "age_stale_used_unicast_probe",
		test_neigh_age_stale_used_unicast_probe },
	{ "age_probe_unanswered_deleted",
		test_neigh_age_probe_unanswered_deleted },
	{ "age_probe_answered_reachable",
		test_neigh_age_probe_answered_reachable },
	{ "age_stale_unused_expired", test_neigh_age_stale_unused_expired },
	{ "age_stale_in_use_probed_then_deleted",
		test_neigh_age_stale_in_use_probed_then_deleted },
	CU_TEST_INFO_NULL
};

static CU_TestInfo table_tests[] = { { "full_resolve_enospc",
					     test_neigh_full_resolve_enospc },
	{ "full_learn_enospc", test_neigh_full_learn_enospc },
	{ "full_delete_frees_slot", test_neigh_full_delete_frees_slot },
	{ "hash_random_order_consistent",
		test_neigh_hash_random_order_consistent },
	{ "hash_small_table_consistent",
		test_neigh_hash_small_table_consistent },
	{ "hash_one_bucket_chain_consistent",
		test_neigh_hash_one_bucket_chain_consistent },
	CU_TEST_INFO_NULL };

static CU_TestInfo key_tests[] = { { "key_port_distinct",
					   test_neigh_key_port_distinct },
	{ "key_family_distinct", test_neigh_key_family_distinct },
	{ "key_pad_ignored", test_neigh_key_pad_ignored }, CU_TEST_INFO_NULL };

static CU_TestInfo misc_tests[] = { { "delete_absent_enoent",
					    test_neigh_delete_absent_enoent },
	{ "delete_queued_dropped", test_neigh_delete_queued_dropped },
	{ "state_name_each_named", test_neigh_state_name_each_named },
	CU_TEST_INFO_NULL };

static CU_SuiteInfo suites[] = { { .pName = "neigh_create",
					 .pSetUpFunc = rec_reset,
					 .pTests = create_tests },
	{ .pName = "neigh_learn",
		.pSetUpFunc = rec_reset,
		.pTests = learn_tests },
	{ .pName = "neigh_resolve",
		.pSetUpFunc = rec_reset,
		.pTests = resolve_tests },
	{ .pName = "neigh_age", .pSetUpFunc = rec_reset, .pTests = age_tests },
	{ .pName = "neigh_table",
		.pSetUpFunc = rec_reset,
		.pTests = table_tests },
	{ .pName = "neigh_key", .pSetUpFunc = rec_reset, .pTests = key_tests },
	{ .pName = "neigh_misc",
		.pSetUpFunc = rec_reset,
		.pTests = misc_tests },
	CU_SUITE_INFO_NULL };

int
main(void)
{
	return weir_cunit_run(suites);
}
