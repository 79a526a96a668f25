/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Session table internals, shared by flow.c and its unit tests (which use
 * the wheel geometry to state the expiry precision they check, and the
 * bucket choice to build colliding keys). Nothing outside lib/flow and
 * tests/unit/flow includes this file.
 *
 * Memory layout of one table, every piece 64-byte aligned, all inside the
 * caller's block (flow_table_size() bytes):
 *
 *	struct flow_table		header and counters
 *	union flow_slot [capacity]	the sessions, 64 bytes per slot
 *	struct flow_bucket [nb_buckets]	index, 64 bytes per bucket
 *	uint32_t wheel_head [FLOW_WHEEL_SLOTS]
 *	struct flow_acct [capacity]	only with FLOW_TABLE_ACCT
 *
 * Free slots: an IPv6 session needs two adjacent slots (an even one and
 * the next), an IPv4 session one. Free even/odd pairs sit on one list
 * (free2, linked through the even slot), lone free slots whose partner
 * holds an IPv4 session on another (free1). IPv4 takes from free1 first
 * and splits a pair only when free1 is empty; freeing a slot whose
 * partner is on free1 joins them back into a pair. So IPv4 churn never
 * strands pairs that IPv6 could use, and the cost is O(1) each way. Both
 * lists are doubly linked through next/prev, which a free slot does not
 * need for the wheel.
 */
#ifndef FLOW_PRIV_H
#define FLOW_PRIV_H

#include <stdint.h>

#include <rte_common.h>

#include "flow_types.h"

/*
 * Expiry wheel geometry. A slot covers 2^8 = 256 ticks (about 0.26 s at
 * the worker's ~1 ms tick): that is the expiry precision, far below any
 * session timeout yet coarse enough that one flow_expire() call per loop
 * rarely has more than one slot to look at. 2^12 = 4096 slots make one
 * rotation 2^20 ticks (about 17.5 min at 1 ms), longer than the usual
 * established timeout, so most flows are linked once and looked at once;
 * the heads cost 16 KiB per table, which stays in L2.
 */
#define FLOW_WHEEL_SPAN_SHIFT 8 /* log2(ticks per slot) */
#define FLOW_WHEEL_SPAN (UINT32_C(1) << FLOW_WHEEL_SPAN_SHIFT) /* ticks */
#define FLOW_WHEEL_SLOTS_SHIFT 12			       /* log2(slots) */
#define FLOW_WHEEL_SLOTS (UINT32_C(1) << FLOW_WHEEL_SLOTS_SHIFT) /* slots */
#define FLOW_WHEEL_ROT_SHIFT (FLOW_WHEEL_SPAN_SHIFT + FLOW_WHEEL_SLOTS_SHIFT)
#define FLOW_WHEEL_ROT (UINT32_C(1) << FLOW_WHEEL_ROT_SHIFT) /* ticks */

/*
 * prev of the first flow of a wheel slot: this bit plus the slot number,
 * so that unlinking it can fix the slot's head. Flow indices stay below
 * FLOW_CAPACITY_MAX (2^24), so the bit never clashes with one.
 */
#define FLOW_WHEEL_HEAD UINT32_C(0x80000000)

/* flow.state of a free slot; flow_at() returns NULL for it. */
#define FLOW_S_FREE 0xff

/* flow.flags of a free slot: where it is kept. */
#define FLOW_FREE_ONE 0	 /* on free1 */
#define FLOW_FREE_PAIR 1 /* even slot of a pair on free2 */
#define FLOW_FREE_TAIL 2 /* odd slot of a pair on free2 (not linked) */

/*
 * Index bucket: 8 entries in one cache line, signatures first so that a
 * probe reads them as one block. sig is the key's hash with 0 meaning
 * "empty" (a hash of 0 is stored as 1); ref is the flow index shifted left
 * once, with bit 0 set when the entry is the flow's rev key.
 */
#define FLOW_BUCKET_ENTRIES 8 /* entries per bucket */
#define FLOW_REF_REV 1u	      /* ref bit: entry is the rev key */

struct flow_bucket {
	uint32_t sig[FLOW_BUCKET_ENTRIES]; /* key hash, 0: empty */
	uint32_t ref[FLOW_BUCKET_ENTRIES]; /* index << 1 | FLOW_REF_REV */
} __rte_aligned(64);

struct flow_table {
	uint32_t capacity;	/* slots */
	uint32_t bucket_mask;	/* buckets - 1 (a power of two minus 1) */
	uint32_t seed;		/* flow_key_hash() seed */
	uint32_t free1;		/* lone free slots, or FLOW_NIL */
	uint32_t free2;		/* free pairs by their even slot, or FLOW_NIL */
	uint32_t wheel_cur;	/* ticks: start of the next slot to walk */
	union flow_slot *slots; /* [capacity] */
	struct flow_bucket *buckets; /* [bucket_mask + 1] */
	uint32_t *wheel_head;	     /* [FLOW_WHEEL_SLOTS] first or NIL */
	struct flow_acct *acct;	     /* [capacity], or NULL */
	/* Read by telemetry on another lcore: keep it off the hot line. */
	struct flow_stats stats __rte_aligned(64);
};

/* Index signature of hash 'h': 0 marks an empty entry. */
static inline uint32_t
flow_sig(uint32_t h)
{
	return h != 0 ? h : 1;
}

/*
 * The two candidate buckets of hash 'h'. b1 takes the low bits; b2 flips
 * b1 by a Fibonacci-hash (golden-ratio multiply) of the high half, forced
 * odd so that b2 != b1 whenever there are two buckets or more. Keys that
 * share b1 therefore still scatter over the table, and with at most 2^16
 * buckets the two choices use disjoint hash bits; above that they share
 * some, which only narrows the second choice to 2^(32 - log2(buckets))
 * alternatives per b1, still hundreds at the largest table.
 */
static inline void
flow_bucket_pair(uint32_t h, uint32_t mask, uint32_t *b1, uint32_t *b2)
{
	*b1 = h & mask;
	*b2 = (*b1 ^ (((h >> 16) * UINT32_C(0x9e3779b1)) | 1)) & mask;
}

#endif /* FLOW_PRIV_H */
