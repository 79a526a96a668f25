/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-worker session table: a fixed array of flows, an index that finds a
 * flow by either of its two keys, the TCP state machine and an expiry
 * wheel. Workers call it from the packet path (flow_dp.h); ctl only sizes
 * and lays it out (flow.h). Everything lives in one block the caller gives,
 * so the table works the same in weir (rte_zmalloc_socket() memory) and in
 * tests without an EAL, and nothing here ever allocates or frees.
 *
 * The index is a bucketized two-choice hash rather than rte_hash (which
 * allocates from the EAL heap, so it could neither live in the caller's
 * block nor run in tests without an EAL, and keeps its own copy of both
 * 40-byte keys that the flow already holds) or chains as in lib/neigh (one
 * dependent cache miss per chained entry). A key lives in one of two
 * 64-byte buckets of 8 entries; a lookup reads at most two cache lines
 * plus the flow it finds (one line for IPv4, two for IPv6), and an insert either succeeds at once or fails
 * (counted as index_full) without moving anything, so its cost is bounded
 * too. We size the index at 50% load, where a two-choice insert almost
 * never finds both buckets full; cuckoo displacement would allow a higher
 * load at the price of an insert loop on the data path.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <netinet/in.h>

#include <rte_common.h>
#include <rte_jhash.h>
#include <rte_prefetch.h>
#include <rte_tcp.h>

#include "weir_stats.h"
#include "flow.h"
#include "weir_addr.h"
#include "flow_dp.h"
#include "flow_priv.h"

#define FLOW_ALIGN 64 /* bytes: every piece of the layout starts a line */

/* Where each piece sits in the caller's block, in bytes from its start. */
struct flow_layout {
	uint32_t nb_buckets;
	size_t slots_off;
	size_t buckets_off;
	size_t heads_off;
	size_t acct_off; /* 0: no flow_acct */
	size_t size;
};

static bool
flow_layout_get(uint32_t capacity, unsigned int opts, struct flow_layout *l)
{
	size_t off;

	if (capacity == 0 || capacity > FLOW_CAPACITY_MAX)
		return false;
	/*
	 * Two keys per flow and 8 entries per bucket: capacity / 2 buckets
	 * keep the index at most half full. Two buckets at least, so that a
	 * key always has a second choice.
	 */
	l->nb_buckets = rte_align32pow2(RTE_MAX((capacity + 1) / 2, 2u));
	off = RTE_ALIGN_CEIL(sizeof(struct flow_table), FLOW_ALIGN);
	l->slots_off = off;
	off += (size_t)capacity * sizeof(union flow_slot);
	l->buckets_off = off;
	off += (size_t)l->nb_buckets * sizeof(struct flow_bucket);
	l->heads_off = off;
	off += RTE_ALIGN_CEIL(FLOW_WHEEL_SLOTS * sizeof(uint32_t), FLOW_ALIGN);
	l->acct_off = 0;
	if (opts & FLOW_TABLE_ACCT) {
		l->acct_off = off;
		off += RTE_ALIGN_CEIL(
			(size_t)capacity * sizeof(struct flow_acct),
			FLOW_ALIGN);
	}
	l->size = off;
	return true;
}

size_t
flow_table_size(uint32_t capacity, unsigned int opts)
{
	struct flow_layout l;

	return flow_layout_get(capacity, opts, &l) ? l.size : 0;
}

static inline struct flow *
flow_of(const struct flow_table *t, uint32_t i)
{
	return &t->slots[i].f;
}

static inline uint32_t
flow_idx(const struct flow_table *t, const struct flow *f)
{
	return (uint32_t)((const union flow_slot *)(const void *)f - t->slots);
}

/* Free lists (see flow_priv.h): doubly linked through next/prev. */
static void
flow_list_push(struct flow_table *t, uint32_t *head, uint32_t i, uint8_t how)
{
	struct flow *f = flow_of(t, i);

	f->state = FLOW_S_FREE;
	f->flags = how;
	f->prev = FLOW_NIL;
	f->next = *head;
	if (*head != FLOW_NIL)
		flow_of(t, *head)->prev = i;
	*head = i;
}

static void
flow_list_del(struct flow_table *t, uint32_t *head, uint32_t i)
{
	struct flow *f = flow_of(t, i);

	if (f->prev != FLOW_NIL)
		flow_of(t, f->prev)->next = f->next;
	else
		*head = f->next;
	if (f->next != FLOW_NIL)
		flow_of(t, f->next)->prev = f->prev;
}

/* Put the free pair at even slot 'i' on free2. */
static void
flow_pair_free(struct flow_table *t, uint32_t i)
{
	struct flow *tail = flow_of(t, i + 1);

	tail->state = FLOW_S_FREE;
	tail->flags = FLOW_FREE_TAIL;
	flow_list_push(t, &t->free2, i, FLOW_FREE_PAIR);
}

/* @return a free slot (two adjacent ones for 'v6'), or FLOW_NIL. */
static uint32_t
flow_slot_alloc(struct flow_table *t, bool v6)
{
	uint32_t i;

	if (!v6 && t->free1 != FLOW_NIL) {
		i = t->free1;
		flow_list_del(t, &t->free1, i);
		return i;
	}
	i = t->free2;
	if (i == FLOW_NIL)
		return FLOW_NIL;
	flow_list_del(t, &t->free2, i);
	if (!v6)
		flow_list_push(t, &t->free1, i + 1, FLOW_FREE_ONE);
	return i;
}

/* Give back the slot(s) of session 'i'. */
static void
flow_slot_free(struct flow_table *t, uint32_t i, bool v6)
{
	uint32_t b = i ^ 1;

	if (v6) {
		flow_pair_free(t, i);
		return;
	}
	if (b < t->capacity && flow_of(t, b)->state == FLOW_S_FREE &&
		flow_of(t, b)->flags == FLOW_FREE_ONE) {
		flow_list_del(t, &t->free1, b);
		flow_pair_free(t, i & ~UINT32_C(1));
		return;
	}
	flow_list_push(t, &t->free1, i, FLOW_FREE_ONE);
}

struct flow_table *
flow_table_init(void *mem, uint32_t capacity, unsigned int opts, uint32_t now,
	uint32_t seed)
{
	struct flow_table *t = mem;
	struct flow_layout l;
	uint32_t i;

	if (mem == NULL || ((uintptr_t)mem & (FLOW_ALIGN - 1)) != 0 ||
		!flow_layout_get(capacity, opts, &l)) {
		errno = EINVAL;
		return NULL;
	}
	memset(t, 0, sizeof(*t));
	t->capacity = capacity;
	t->bucket_mask = l.nb_buckets - 1;
	t->seed = seed;
	t->slots = RTE_PTR_ADD(mem, l.slots_off);
	t->buckets = RTE_PTR_ADD(mem, l.buckets_off);
	t->wheel_head = RTE_PTR_ADD(mem, l.heads_off);
	t->acct = l.acct_off ? RTE_PTR_ADD(mem, l.acct_off) : NULL;
	/* Zeroed rather than left as found, so a dump never shows junk. */
	memset(t->slots, 0, (size_t)capacity * sizeof(union flow_slot));
	t->free1 = t->free2 = FLOW_NIL;
	/* Pushed from the top, so the lowest slots are used first. */
	if (capacity & 1)
		flow_list_push(t, &t->free1, capacity - 1, FLOW_FREE_ONE);
	for (i = capacity & ~UINT32_C(1); i > 0; i -= 2)
		flow_pair_free(t, i - 2);
	memset(t->buckets, 0,
		(size_t)l.nb_buckets * sizeof(struct flow_bucket));
	for (i = 0; i < FLOW_WHEEL_SLOTS; i++)
		t->wheel_head[i] = FLOW_NIL;
	t->wheel_cur = now & ~(FLOW_WHEEL_SPAN - 1);
	return t;
}

/*
 * Names come from the FLOW_STATES list, lowercased at compile time one
 * character at a time, so a new state cannot be forgotten here. The index
 * into the literal is clamped so that the unused branch never reads past
 * it either.
 */
#define FLOW_NAME_SIZE 16 /* bytes: longest state name plus NUL */
#define FLOW_LOWER(c) ((c) >= 'A' && (c) <= 'Z' ? (c) - 'A' + 'a' : (c))
#define FLOW_NAME_CH(s, i)                                                     \
	((i) < sizeof(s) ? FLOW_LOWER((s)[(i) < sizeof(s) ? (i) : 0]) : '\0')
#define FLOW_NAME(s)                                                           \
	{                                                                      \
		FLOW_NAME_CH(s, 0), FLOW_NAME_CH(s, 1), FLOW_NAME_CH(s, 2),    \
			FLOW_NAME_CH(s, 3), FLOW_NAME_CH(s, 4),                \
			FLOW_NAME_CH(s, 5), FLOW_NAME_CH(s, 6),                \
			FLOW_NAME_CH(s, 7), FLOW_NAME_CH(s, 8),                \
			FLOW_NAME_CH(s, 9), FLOW_NAME_CH(s, 10),               \
			FLOW_NAME_CH(s, 11), FLOW_NAME_CH(s, 12),              \
			FLOW_NAME_CH(s, 13), FLOW_NAME_CH(s, 14), '\0'         \
	}

const char *
flow_state_name(enum flow_state s)
{
	static const char names[FLOW_S_COUNT][FLOW_NAME_SIZE] = {
#define FLOW_STATE_NAME(e, what) [FLOW_S_##e] = FLOW_NAME(#e),
		FLOW_STATES(FLOW_STATE_NAME)
#undef FLOW_STATE_NAME
	};
#define FLOW_STATE_LEN(e, what)                                                \
	_Static_assert(sizeof(#e) < FLOW_NAME_SIZE, "state name too long");
	FLOW_STATES(FLOW_STATE_LEN)
#undef FLOW_STATE_LEN

	return (unsigned int)s < FLOW_S_COUNT ? names[s] : "?";
}

/* Counter helpers: adding 2^64 - 1 wraps to a decrement. */
static inline void
flow_stat_inc(uint64_t *c)
{
	weir_stat_add(c, 1);
}

static inline void
flow_stat_dec(uint64_t *c)
{
	weir_stat_add(c, UINT64_MAX);
}

/*
 * jhash rather than the CRC32 instruction: the two bucket choices and the
 * signature all come from these 32 bits, and CRC is linear, so keys that
 * differ in a few bits (neighbouring ports) would differ predictably in
 * every one of them, and an outsider could build keys that collide with a
 * given flow whatever the seed. The per-table seed keeps jhash's
 * collisions private. An IPv4 key is three words and the protocol, the
 * rest being zero, so it takes one jhash round instead of the whole 40
 * bytes (keys of other protocols or families still never compare equal).
 */
uint32_t
flow_key_hash(const struct flow_table *t, const struct flow_key *k)
{
	if (k->family == AF_INET) {
		uint32_t a, b;

		memcpy(&a, k->src, 4);
		memcpy(&b, k->dst, 4);
		return rte_jhash_3words(a, b,
			(uint32_t)k->sport << 16 | k->dport,
			t->seed ^ k->proto);
	}
	/* What flow_match() compares, and not the pad. */
	return rte_jhash(k, offsetof(struct flow_key, proto),
		t->seed ^ ((uint32_t)k->family << 8 | k->proto));
}

/* @return true if 'k' is key 'rev' (0: fwd, 1: rev) of 'f'. */
static inline bool
flow_match(const struct flow *f, const struct flow_key *k, uint32_t rev)
{
	unsigned int s = rev ? FLOW_E_BACKEND : FLOW_E_CLIENT;

	if (k->sport != f->port[s] || k->dport != f->port[s + 1] ||
		k->proto != f->proto || k->family != f->family)
		return false;
	if (f->family == AF_INET6) {
		const struct flow_addr6 *a =
			&((const union flow_slot *)(const void *)f + 1)->a6;

		return memcmp(k->src, a->a[s], 16) == 0 &&
			memcmp(k->dst, a->a[s + 1], 16) == 0;
	}
	return memcmp(k->src, f->addr4[s], 4) == 0 &&
		memcmp(k->dst, f->addr4[s + 1], 4) == 0;
}

/* @return the ref of the entry holding 'k', or FLOW_NIL. */
static inline uint32_t
flow_index_find(
	const struct flow_table *t, const struct flow_key *k, uint32_t h)
{
	uint32_t sig = flow_sig(h), b[2], i, j;

	flow_bucket_pair(h, t->bucket_mask, &b[0], &b[1]);
	for (j = 0; j < 2; j++) {
		const struct flow_bucket *bk = &t->buckets[b[j]];

		for (i = 0; i < FLOW_BUCKET_ENTRIES; i++) {
			uint32_t ref = bk->ref[i];

			if (bk->sig[i] == sig &&
				flow_match(flow_of(t, ref >> 1), k,
					ref & FLOW_REF_REV))
				return ref;
		}
	}
	return FLOW_NIL;
}

static unsigned int
flow_bucket_load(const struct flow_bucket *bk)
{
	unsigned int i, n = 0;

	for (i = 0; i < FLOW_BUCKET_ENTRIES; i++)
		n += bk->sig[i] != 0;
	return n;
}

/*
 * Put 'ref' in the first bucket of hash 'h' while it holds fewer than
 * FLOW_BUCKET_FIRST entries, else in the emptier of the two; false if
 * both are full. Most keys thus sit where a lookup looks first, and a
 * lookup reads one bucket line rather than two: memory bounds the packet
 * path, and a line not read is the cheapest optimisation there is. Only
 * the emptier-bucket rule keeps a full index from refusing inserts, so it
 * takes over before the first bucket fills (a simulation of 2^16 buckets
 * at half load: 9% of keys in the second bucket and no refusal; always
 * the first bucket while it has room: 1% and 80 refusals per fill).
 */
#define FLOW_BUCKET_FIRST 5 /* entries */

static bool
flow_index_add(struct flow_table *t, uint32_t h, uint32_t ref)
{
	uint32_t b1, b2, i;
	struct flow_bucket *bk;

	flow_bucket_pair(h, t->bucket_mask, &b1, &b2);
	bk = &t->buckets[b1];
	if (flow_bucket_load(bk) >= FLOW_BUCKET_FIRST &&
		flow_bucket_load(&t->buckets[b2]) < flow_bucket_load(bk))
		bk = &t->buckets[b2];
	for (i = 0; i < FLOW_BUCKET_ENTRIES; i++) {
		if (bk->sig[i] == 0) {
			bk->sig[i] = flow_sig(h);
			bk->ref[i] = ref;
			return true;
		}
	}
	return false;
}

/* Remove the entry 'ref' of hash 'h'; the ref alone identifies it. */
static void
flow_index_del(struct flow_table *t, uint32_t h, uint32_t ref)
{
	uint32_t sig = flow_sig(h), b[2], i, j;

	flow_bucket_pair(h, t->bucket_mask, &b[0], &b[1]);
	for (j = 0; j < 2; j++) {
		struct flow_bucket *bk = &t->buckets[b[j]];

		for (i = 0; i < FLOW_BUCKET_ENTRIES; i++) {
			if (bk->sig[i] == sig && bk->ref[i] == ref) {
				bk->sig[i] = 0;
				return;
			}
		}
	}
}

struct flow *
flow_lookup(struct flow_table *t, const struct flow_key *k, uint32_t h,
	enum flow_dir *dir)
{
	uint32_t ref = flow_index_find(t, k, h);

	if (ref == FLOW_NIL)
		return NULL;
	if (dir != NULL)
		*dir = ref & FLOW_REF_REV ? FLOW_DIR_REPLY : FLOW_DIR_ORIG;
	return flow_of(t, ref >> 1);
}

void
flow_prefetch(const struct flow_table *t, uint32_t h)
{
	uint32_t b[2];

	/* The first bucket only: flow_index_add() keeps keys there. */
	flow_bucket_pair(h, t->bucket_mask, &b[0], &b[1]);
	rte_prefetch0(&t->buckets[b[0]]);
}

void
flow_prefetch_match(const struct flow_table *t, uint32_t h, bool v6)
{
	uint32_t sig = flow_sig(h), b[2], i;
	const struct flow_bucket *bk;
	bool found = false;

	flow_bucket_pair(h, t->bucket_mask, &b[0], &b[1]);
	bk = &t->buckets[b[0]];
	for (i = 0; i < FLOW_BUCKET_ENTRIES; i++)
		if (bk->sig[i] == sig) {
			const union flow_slot *sl = &t->slots[bk->ref[i] >> 1];

			rte_prefetch0(sl);
			if (v6)
				rte_prefetch0(sl + 1);
			found = true;
		}
	/* Not there: the key is in the second bucket, or nowhere. */
	if (!found)
		rte_prefetch0(&t->buckets[b[1]]);
}

bool
flow_key_in_use(
	const struct flow_table *t, const struct flow_key *k, uint32_t h)
{
	uint32_t b[2];

	/*
	 * Asked of keys that are mostly free (a local port to take), whose
	 * buckets nobody read lately: both are read, so load both at once.
	 */
	flow_bucket_pair(h, t->bucket_mask, &b[0], &b[1]);
	rte_prefetch0(&t->buckets[b[0]]);
	rte_prefetch0(&t->buckets[b[1]]);
	return flow_index_find(t, k, h) != FLOW_NIL;
}

/*
 * HOW IT WORKS: ageing
 *
 * Time is cut into slots of FLOW_WHEEL_SPAN ticks and the wheel has one
 * list per slot, FLOW_WHEEL_SLOTS of them, so slot numbers repeat every
 * rotation (FLOW_WHEEL_ROT ticks). wheel_cur is the start of the oldest
 * slot not yet walked. A flow is linked in exactly one slot, chosen from
 * its expire time when it is linked:
 *
 *	expire before wheel_cur		the slot at wheel_cur (walked next)
 *	within one rotation		the slot holding expire
 *	a rotation or more away		the slot just before wheel_cur,
 *					walked last in this rotation
 *
 * so a flow never sits in a slot walked later than the one holding its
 * expire time. The hot path keeps that true cheaply: each packet pushes
 * expire forward (same state, later now) and the flow stays where it is;
 * it is found early, seen still alive and linked again further on, once
 * per timeout rather than once per packet. Only a state change to a
 * shorter timeout (FIN, RST, the last ACK) can pull expire into an
 * earlier slot; flow_update() then moves the flow, O(1) because the lists
 * are doubly linked (next and prev in the flow). Left
 * in place, a reset session would hold its entry and its local port for
 * the established timeout instead of the close one.
 *
 * flow_expire(now) walks the slots whose span has ended (start + span <=
 * now), never the one holding 'now': a flow it links again has expire >=
 * now, past the end of the slot being walked, so it cannot land there
 * and be seen twice in one pass. A flow is removed once now has passed
 * its expire and its slot has ended, so expiry precision is one slot:
 * removal happens in (expire, expire + FLOW_WHEEL_SPAN]. Each call
 * examines at most 'budget' flows and resumes where it stopped; a burst of
 * flows due in one slot drains over several loops instead of stalling one.
 *
 * If flow_expire() was not called for two rotations or more, every slot
 * is overdue and walking each once suffices, so wheel_cur jumps forward
 * by whole rotations (keeping each slot's number) to between one and two
 * rotations behind 'now'. A catch-up thus steps through at most 2 *
 * FLOW_WHEEL_SLOTS empty heads per call (32 KiB, sequential) on top of
 * its budget.
 *
 * Times compare as signed 32-bit differences, so the counter may wrap;
 * timeouts and pauses between calls must stay below 2^31 ticks (24 days
 * at 1 ms).
 */

/* @return the slot a flow expiring at 'expire' is linked in now. */
static inline uint32_t
flow_wheel_slot(const struct flow_table *t, uint32_t expire)
{
	uint32_t d = expire - t->wheel_cur;

	if ((int32_t)d < 0)
		d = 0;
	else if (d >= FLOW_WHEEL_ROT)
		d = FLOW_WHEEL_ROT - FLOW_WHEEL_SPAN;
	return ((t->wheel_cur + d) >> FLOW_WHEEL_SPAN_SHIFT) &
		(FLOW_WHEEL_SLOTS - 1);
}

static inline void
flow_wheel_push(struct flow_table *t, uint32_t i, uint32_t slot)
{
	uint32_t first = t->wheel_head[slot];
	struct flow *f = flow_of(t, i);

	f->next = first;
	f->prev = FLOW_WHEEL_HEAD | slot;
	if (first != FLOW_NIL)
		flow_of(t, first)->prev = i;
	t->wheel_head[slot] = i;
}

static inline void
flow_wheel_unlink(struct flow_table *t, uint32_t i)
{
	uint32_t prev = flow_of(t, i)->prev, next = flow_of(t, i)->next;

	if (prev & FLOW_WHEEL_HEAD)
		t->wheel_head[prev & ~FLOW_WHEEL_HEAD] = next;
	else
		flow_of(t, prev)->next = next;
	if (next != FLOW_NIL)
		flow_of(t, next)->prev = prev;
}

struct flow *
flow_insert(struct flow_table *t, const struct flow_key *fwd,
	const struct flow_key *rev, uint32_t now, uint32_t timeout)
{
	bool v6 = fwd->family == AF_INET6;
	uint32_t i = flow_slot_alloc(t, v6), hf, hr;
	struct flow *f;

	if (i == FLOW_NIL) {
		flow_stat_inc(&t->stats.full);
		return NULL;
	}
	hf = flow_key_hash(t, fwd);
	hr = flow_key_hash(t, rev);
	if (!flow_index_add(t, hf, i << 1))
		goto err_index;
	if (!flow_index_add(t, hr, i << 1 | FLOW_REF_REV))
		goto err_index_fwd;
	f = flow_of(t, i);
	memset(f, 0, sizeof(*f));
	f->proto = fwd->proto;
	f->family = fwd->family;
	f->port[FLOW_E_CLIENT] = fwd->sport;
	f->port[FLOW_E_VIP] = fwd->dport;
	f->port[FLOW_E_BACKEND] = rev->sport;
	f->port[FLOW_E_LOCAL] = rev->dport;
	if (v6) {
		struct flow_addr6 *a = &t->slots[i + 1].a6;

		memcpy(a->a[FLOW_E_CLIENT], fwd->src, 16);
		memcpy(a->a[FLOW_E_VIP], fwd->dst, 16);
		memcpy(a->a[FLOW_E_BACKEND], rev->src, 16);
		memcpy(a->a[FLOW_E_LOCAL], rev->dst, 16);
	} else {
		memcpy(f->addr4[FLOW_E_CLIENT], fwd->src, 4);
		memcpy(f->addr4[FLOW_E_VIP], fwd->dst, 4);
		memcpy(f->addr4[FLOW_E_BACKEND], rev->src, 4);
		memcpy(f->addr4[FLOW_E_LOCAL], rev->dst, 4);
	}
	if (t->acct != NULL)
		memset(&t->acct[i], 0, sizeof(t->acct[i]));
	f->start = now;
	f->expire = now + timeout;
	f->state = fwd->proto == IPPROTO_TCP ? FLOW_S_SYN_SENT : FLOW_S_UDP;
	flow_wheel_push(t, i, flow_wheel_slot(t, f->expire));
	flow_stat_inc(&t->stats.created);
	flow_stat_inc(&t->stats.nb_flows);
	return f;

err_index_fwd:
	flow_index_del(t, hf, i << 1);
err_index:
	flow_slot_free(t, i, v6);
	flow_stat_inc(&t->stats.index_full);
	return NULL;
}

/*
 * TCP state machine.
 *
 * The table sees only flags, not sequence numbers, like IPVS: it exists to
 * pick a timeout, not to police the connection. Each packet becomes one
 * event; RST wins over everything, then the SYN/FIN/ACK combination
 * decides. A FIN from a side whose FIN was already seen is a
 * retransmission (FIN_DUP) and moves nothing. Combinations no TCP stack
 * sends (no flags, SYN with FIN) are NONE and move nothing either.
 */
enum flow_tcp_ev {
	FLOW_EV_NONE,	 /* nothing meaningful: no flags, SYN+FIN */
	FLOW_EV_SYN,	 /* SYN without ACK: a connection attempt */
	FLOW_EV_SYNACK,	 /* SYN+ACK: the backend accepts */
	FLOW_EV_FIN,	 /* first FIN from this side */
	FLOW_EV_FIN_DUP, /* FIN again from a side already seen */
	FLOW_EV_ACK,	 /* ACK, data, no SYN/FIN/RST */
	FLOW_EV_RST,	 /* RST, whatever else is set */
	FLOW_EV_COUNT
};

/*
 * Event of SYN/FIN/ACK, indexed by FIN | SYN | ACK >> 2 (bits 0, 1, 2).
 * FIN alone counts as a FIN although real stacks always add ACK: a FIN
 * scan then ages the flow like a close would, which a guessed 4-tuple can
 * do with FIN+ACK anyway.
 */
static const uint8_t flow_tcp_ev_of[8] = {
	[0] = FLOW_EV_NONE,
	[RTE_TCP_FIN_FLAG] = FLOW_EV_FIN,
	[RTE_TCP_SYN_FLAG] = FLOW_EV_SYN,
	[RTE_TCP_SYN_FLAG | RTE_TCP_FIN_FLAG] = FLOW_EV_NONE,
	[RTE_TCP_ACK_FLAG >> 2] = FLOW_EV_ACK,
	[(RTE_TCP_ACK_FLAG >> 2) | RTE_TCP_FIN_FLAG] = FLOW_EV_FIN,
	[(RTE_TCP_ACK_FLAG >> 2) | RTE_TCP_SYN_FLAG] = FLOW_EV_SYNACK,
	[(RTE_TCP_ACK_FLAG >> 2) | RTE_TCP_SYN_FLAG |
		RTE_TCP_FIN_FLAG] = FLOW_EV_NONE,
};

static inline enum flow_tcp_ev
flow_tcp_event(uint8_t tcp_flags, bool fin_seen)
{
	uint8_t ev;

	if (tcp_flags & RTE_TCP_RST_FLAG)
		return FLOW_EV_RST;
	ev = flow_tcp_ev_of[(tcp_flags &
				    (RTE_TCP_SYN_FLAG | RTE_TCP_FIN_FLAG)) |
		((tcp_flags & RTE_TCP_ACK_FLAG) >> 2)];
	if (ev == FLOW_EV_FIN && fin_seen)
		return FLOW_EV_FIN_DUP;
	return (enum flow_tcp_ev)ev;
}

/*
 * Table entries: the next state in the low bits, plus what happens to the
 * FIN flags. SET records the sender's FIN; CLR forgets both, when a
 * client's new SYN reuses a closed session (IPVS does the same: the
 * session, its backend and its local port carry over to the new
 * connection, instead of the SYN being dropped until the old one expires).
 */
#define FLOW_TCP_STATE 0x0f /* next state */
#define FLOW_TCP_SET 0x10   /* set the sender's FIN flag */
#define FLOW_TCP_CLR 0x20   /* clear both FIN flags */

/* Cells: two letters per state; a suffix s sets the FIN, c clears both. */
#define SS FLOW_S_SYN_SENT
#define SR FLOW_S_SYN_RECV
#define ES FLOW_S_ESTABLISHED
#define FW FLOW_S_FIN_WAIT
#define LA FLOW_S_LAST_ACK
#define TW FLOW_S_TIME_WAIT
#define CL FLOW_S_CLOSE
#define UD FLOW_S_UDP
#define FWs (FLOW_S_FIN_WAIT | FLOW_TCP_SET)
#define LAs (FLOW_S_LAST_ACK | FLOW_TCP_SET)
#define SSc (FLOW_S_SYN_SENT | FLOW_TCP_CLR)

/*
 * next = flow_tcp_table[state][dir][event]. Notes on the choices:
 * - SYN_SENT waits for the backend's SYN+ACK; anything else (a
 *   retransmitted SYN, an early ACK or FIN) keeps it half-open.
 * - SYN_RECV becomes ESTABLISHED on the client's ACK. A FIN from either
 *   side there means that side finished its handshake and closes at once.
 * - ESTABLISHED ignores a SYN: anyone who guesses the 4-tuple can send
 *   one, and tearing down on it would let them reset sessions. A client
 *   that really restarted gets the backend's challenge ACK (RFC 5961),
 *   answers it with an RST, and that RST closes the session; its next SYN
 *   then reopens it.
 * - FIN_WAIT goes to LAST_ACK on the other side's FIN (FIN_DUP is the same
 *   side again). LAST_ACK goes to TIME_WAIT on any ACK: the flags do not
 *   tell which FIN it acknowledges, and either way the session is done.
 * - TIME_WAIT ignores RST as RFC 1337 asks (no TIME-WAIT assassination):
 *   the session keeps its local port until it expires. Only the client's
 *   SYN reopens it.
 * - RST anywhere else goes to CLOSE, whose short timeout frees the entry;
 *   CLOSE reopens on the client's SYN as TIME_WAIT does.
 */
static const uint8_t flow_tcp_table[FLOW_S_COUNT][2][FLOW_EV_COUNT] = {
	/*			 NONE SYN  SYNA FIN  FDUP ACK  RST */
	[FLOW_S_SYN_SENT] = {
		[FLOW_DIR_ORIG] =  { SS,  SS,  SS,  SS,  SS,  SS,  CL },
		[FLOW_DIR_REPLY] = { SS,  SS,  SR,  SS,  SS,  SS,  CL },
	},
	[FLOW_S_SYN_RECV] = {
		[FLOW_DIR_ORIG] =  { SR,  SR,  SR,  FWs, SR,  ES,  CL },
		[FLOW_DIR_REPLY] = { SR,  SR,  SR,  FWs, SR,  SR,  CL },
	},
	[FLOW_S_ESTABLISHED] = {
		[FLOW_DIR_ORIG] =  { ES,  ES,  ES,  FWs, ES,  ES,  CL },
		[FLOW_DIR_REPLY] = { ES,  ES,  ES,  FWs, ES,  ES,  CL },
	},
	[FLOW_S_FIN_WAIT] = {
		[FLOW_DIR_ORIG] =  { FW,  FW,  FW,  LAs, FW,  FW,  CL },
		[FLOW_DIR_REPLY] = { FW,  FW,  FW,  LAs, FW,  FW,  CL },
	},
	[FLOW_S_LAST_ACK] = {
		[FLOW_DIR_ORIG] =  { LA,  LA,  LA,  LA,  LA,  TW,  CL },
		[FLOW_DIR_REPLY] = { LA,  LA,  LA,  LA,  LA,  TW,  CL },
	},
	[FLOW_S_TIME_WAIT] = {
		[FLOW_DIR_ORIG] =  { TW,  SSc, TW,  TW,  TW,  TW,  TW },
		[FLOW_DIR_REPLY] = { TW,  TW,  TW,  TW,  TW,  TW,  TW },
	},
	[FLOW_S_CLOSE] = {
		[FLOW_DIR_ORIG] =  { CL,  SSc, CL,  CL,  CL,  CL,  CL },
		[FLOW_DIR_REPLY] = { CL,  CL,  CL,  CL,  CL,  CL,  CL },
	},
	[FLOW_S_UDP] = {
		[FLOW_DIR_ORIG] =  { UD,  UD,  UD,  UD,  UD,  UD,  UD },
		[FLOW_DIR_REPLY] = { UD,  UD,  UD,  UD,  UD,  UD,  UD },
	},
};

#undef SS
#undef SR
#undef ES
#undef FW
#undef LA
#undef TW
#undef CL
#undef UD
#undef FWs
#undef LAs
#undef SSc

_Static_assert(FLOW_S_COUNT <= FLOW_TCP_STATE + 1,
	"flow_tcp_table packs a state in 4 bits");

enum flow_state
flow_tcp_next(enum flow_state s, uint8_t fl, enum flow_dir dir,
	uint8_t tcp_flags, uint8_t *new_flags)
{
	uint8_t fin, e;

	/* Not a state or direction the table knows: leave it alone. */
	if ((unsigned int)s >= FLOW_S_COUNT ||
		(unsigned int)dir > FLOW_DIR_REPLY) {
		*new_flags = fl;
		return s;
	}
	fin = dir == FLOW_DIR_ORIG ? FLOW_F_FIN_ORIG : FLOW_F_FIN_REPLY;
	e = flow_tcp_table[s][dir][flow_tcp_event(tcp_flags, fl & fin)];
	if (e & FLOW_TCP_SET)
		fl |= fin;
	if (e & FLOW_TCP_CLR)
		fl &= ~(FLOW_F_FIN_ORIG | FLOW_F_FIN_REPLY);
	*new_flags = fl;
	return (enum flow_state)(e & FLOW_TCP_STATE);
}

enum flow_state
flow_update(struct flow_table *t, struct flow *f, enum flow_dir dir,
	uint8_t tcp_flags, uint32_t now, const struct flow_timeouts *timeouts)
{
	enum flow_state s = FLOW_S_UDP;
	uint8_t fl = f->flags;
	uint32_t expire;
	bool half_open;

	/*
	 * Nearly every packet is a segment of an established connection
	 * without SYN, FIN or RST, which moves nothing: only its deadline.
	 */
	if (f->state == FLOW_S_ESTABLISHED &&
		!(tcp_flags &
			(RTE_TCP_SYN_FLAG | RTE_TCP_FIN_FLAG |
				RTE_TCP_RST_FLAG)) &&
		(tcp_flags & RTE_TCP_ACK_FLAG)) {
		expire = now + timeouts->t[FLOW_S_ESTABLISHED];
		/* A later deadline never needs the flow moved (see above). */
		if ((int32_t)(expire - f->expire) >= 0) {
			f->expire = expire;
			return FLOW_S_ESTABLISHED;
		}
	}
	if (f->proto == IPPROTO_TCP)
		s = flow_tcp_next(
			(enum flow_state)f->state, fl, dir, tcp_flags, &fl);
	/* The gauge follows the flag, so it stays right whoever set state. */
	half_open = s == FLOW_S_SYN_SENT || s == FLOW_S_SYN_RECV;
	if (half_open && !(fl & FLOW_F_HALF_OPEN)) {
		fl |= FLOW_F_HALF_OPEN;
		flow_stat_inc(&t->stats.nb_half_open);
	} else if (!half_open && (fl & FLOW_F_HALF_OPEN)) {
		fl &= ~FLOW_F_HALF_OPEN;
		flow_stat_dec(&t->stats.nb_half_open);
	}
	f->state = s;
	f->flags = fl;
	expire = now + timeouts->t[s];
	/* Earlier slot: move, or it would outlive its new timeout. */
	if ((int32_t)(expire - f->expire) < 0 &&
		(expire >> FLOW_WHEEL_SPAN_SHIFT) !=
			(f->expire >> FLOW_WHEEL_SPAN_SHIFT)) {
		uint32_t i = flow_idx(t, f);

		flow_wheel_unlink(t, i);
		flow_wheel_push(t, i, flow_wheel_slot(t, expire));
	}
	f->expire = expire;
	return s;
}

/* Unindex and free flow 'i', already off the wheel. */
static void
flow_free(struct flow_table *t, uint32_t i)
{
	struct flow *f = flow_of(t, i);
	struct flow_key k;
	uint32_t hf, hr;

	/*
	 * The buckets of a session that has been idle for its timeout are
	 * cold: ask for all four at once rather than wait for each in turn.
	 */
	flow_key_of(f, FLOW_DIR_ORIG, &k);
	hf = flow_key_hash(t, &k);
	flow_key_of(f, FLOW_DIR_REPLY, &k);
	hr = flow_key_hash(t, &k);
	flow_prefetch(t, hf);
	flow_prefetch(t, hr);
	flow_index_del(t, hf, i << 1);
	flow_index_del(t, hr, i << 1 | FLOW_REF_REV);
	if (f->flags & FLOW_F_HALF_OPEN)
		flow_stat_dec(&t->stats.nb_half_open);
	flow_stat_dec(&t->stats.nb_flows);
	flow_slot_free(t, i, f->family == AF_INET6);
}

void
flow_remove(struct flow_table *t, struct flow *f)
{
	uint32_t i = flow_idx(t, f);

	flow_wheel_unlink(t, i);
	flow_free(t, i);
	flow_stat_inc(&t->stats.removed);
}

unsigned int
flow_expire(struct flow_table *t, uint32_t now, unsigned int budget,
	void (*cb)(void *arg, const struct flow *f), void *arg)
{
	unsigned int seen = 0, removed = 0;
	uint32_t behind = now - t->wheel_cur;

	/* Two rotations or more behind: skip whole rotations (see above). */
	if ((int32_t)behind >= (int32_t)(2 * FLOW_WHEEL_ROT))
		t->wheel_cur += ((behind >> FLOW_WHEEL_ROT_SHIFT) - 1)
			<< FLOW_WHEEL_ROT_SHIFT;
	while (seen < budget &&
		(int32_t)(now - t->wheel_cur) >= (int32_t)FLOW_WHEEL_SPAN) {
		uint32_t slot = (t->wheel_cur >> FLOW_WHEEL_SPAN_SHIFT) &
			(FLOW_WHEEL_SLOTS - 1);
		uint32_t i = t->wheel_head[slot];
		struct flow *f;

		if (i == FLOW_NIL) {
			t->wheel_cur += FLOW_WHEEL_SPAN;
			continue;
		}
		seen++;
		f = flow_of(t, i);
		flow_wheel_unlink(t, i);
		if ((int32_t)(now - f->expire) > 0) {
			if (cb != NULL)
				cb(arg, f);
			flow_free(t, i);
			flow_stat_inc(&t->stats.expired);
			removed++;
		} else {
			flow_wheel_push(t, i, flow_wheel_slot(t, f->expire));
		}
	}
	return removed;
}

const struct flow_stats *
flow_table_stats(const struct flow_table *t)
{
	return &t->stats;
}

const struct flow *
flow_at(const struct flow_table *t, uint32_t i)
{
	const struct flow *before;

	if (i >= t->capacity)
		return NULL;
	/* An odd slot may hold the addresses of the IPv6 session before. */
	before = (i & 1) ? flow_of(t, i - 1) : NULL;
	if (before != NULL && before->state != FLOW_S_FREE &&
		before->family == AF_INET6)
		return NULL;
	if (flow_of(t, i)->state == FLOW_S_FREE)
		return NULL;
	return flow_of(t, i);
}

struct flow_acct *
flow_acct(struct flow_table *t, const struct flow *f)
{
	return t->acct != NULL ? &t->acct[flow_idx(t, f)] : NULL;
}

void
flow_info_get(
	const struct flow_table *t, const struct flow *f, struct flow_info *fi)
{
	memset(fi, 0, sizeof(*fi));
	flow_key_of(f, FLOW_DIR_ORIG, &fi->fwd);
	flow_key_of(f, FLOW_DIR_REPLY, &fi->rev);
	fi->expire = f->expire;
	fi->start = f->start;
	fi->state = f->state;
	fi->flags = f->flags;
	fi->svc = f->svc;
	fi->be = f->be;
	if (t->acct != NULL)
		fi->acct = t->acct[flow_idx(t, f)];
}

uint32_t
flow_capacity(const struct flow_table *t)
{
	return t->capacity;
}

void
flow_info_addrs(const struct flow_info *f, struct flow_addrs *s)
{
	struct weir_addr a = { .family = f->fwd.family };

	memcpy(a.a, f->fwd.src, 16);
	weir_addr_str(&a, s->cli, sizeof(s->cli));
	memcpy(a.a, f->fwd.dst, 16);
	weir_addr_str(&a, s->vip, sizeof(s->vip));
	memcpy(a.a, f->rev.dst, 16);
	weir_addr_str(&a, s->local, sizeof(s->local));
	memcpy(a.a, f->rev.src, 16);
	weir_addr_str(&a, s->be, sizeof(s->be));
}
