/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Session table, worker side. Each worker owns one table: lookups, inserts,
 * state changes and expiry happen only on that worker, so nothing here
 * locks. Time is a parameter in "ticks" (the worker derives them from the
 * TSC, about a millisecond each; tests pass whatever they like), and
 * comparisons are wrap-safe 32-bit differences.
 *
 * Thread-safety: none; one table, one thread. Readers on other threads
 * (telemetry) may read struct flow_stats through flow_table_stats() with
 * relaxed loads.
 *
 * Example (worker):
 *	h = flow_key_hash(t, &key);
 *	f = flow_lookup(t, &key, h, &dir);
 *	if (f == NULL) f = flow_insert(t, &fwd, &rev, now, timeout);
 *	flow_update(t, f, dir, tcp_flags, now, &svc_timeouts);
 *	... once per loop: flow_expire(t, now, 64, cb, arg);
 */
#ifndef FLOW_DP_H
#define FLOW_DP_H

#include <stdbool.h>
#include <stdint.h>

#include "flow_types.h"

struct flow_table;

/** @return the index hash of 'k' (seeded per table). */
uint32_t flow_key_hash(const struct flow_table *t, const struct flow_key *k);

/**
 * Find the flow that 'k' (hash 'h', from flow_key_hash()) belongs to, in
 * either direction. Reads at most two 64-byte index buckets and the flow.
 * @param dir
 *   Receives FLOW_DIR_ORIG if 'k' matched the flow's fwd key, else
 *   FLOW_DIR_REPLY; may be NULL.
 * @return the flow, or NULL.
 */
struct flow *flow_lookup(struct flow_table *t, const struct flow_key *k,
	uint32_t h, enum flow_dir *dir);

/**
 * Start loading the first index bucket of hash 'h', where nearly every
 * key is, so that a lookup a few packets later finds it in cache (burst
 * processing, first pass).
 */
void flow_prefetch(const struct flow_table *t, uint32_t h);

/**
 * Start loading the flows whose signature matches 'h' in its first bucket
 * (second pass, once flow_prefetch() brought it in), or the second bucket
 * when none does; 'v6' also loads their address slot.
 */
void flow_prefetch_match(const struct flow_table *t, uint32_t h, bool v6);

/** @return true if some flow uses 'k' (hash 'h') as one of its keys. */
bool flow_key_in_use(
	const struct flow_table *t, const struct flow_key *k, uint32_t h);

/**
 * Insert a flow indexed by 'fwd' and 'rev' (neither may be in use, and
 * they must differ). The new flow has state FLOW_S_SYN_SENT (TCP) or
 * FLOW_S_UDP, flags 0 and expire = now + 'timeout'; the caller fills the
 * other fields (start is 'now'). It counts as half-open only once
 * flow_update() has run. A refused insert leaves the table exactly as it
 * was.
 * @return the flow, or NULL when the table (for IPv6: every free pair of
 * slots) or the index is full (counted).
 */
struct flow *flow_insert(struct flow_table *t, const struct flow_key *fwd,
	const struct flow_key *rev, uint32_t now, uint32_t timeout);

/**
 * The TCP state machine as a pure function: the state after a packet with
 * TCP flags 'tcp_flags' (RTE_TCP_*_FLAG bits) travelling in 'dir', given
 * the flow's state 's' and flags 'fl' (FLOW_F_FIN_*).
 * @param new_flags receives the flags after the packet.
 */
enum flow_state flow_tcp_next(enum flow_state s, uint8_t fl, enum flow_dir dir,
	uint8_t tcp_flags, uint8_t *new_flags);

/**
 * Account one packet of 'f' (a flow of 't' returned by flow_lookup() or
 * flow_insert()): run the state machine (TCP; 'tcp_flags' is ignored for
 * UDP), keep the half-open count, and set expiry to
 * now + timeouts->t[new state]. FLOW_F_HALF_OPEN belongs to this function:
 * callers may set the state (mid-flow pickup) but not that bit.
 * @return the new state.
 */
enum flow_state
flow_update(struct flow_table *t, struct flow *f, enum flow_dir dir,
	uint8_t tcp_flags, uint32_t now, const struct flow_timeouts *timeouts);

/**
 * Remove 'f' (a flow of 't') now, before it expires: unindexed, off the
 * wheel, its slot free. 'f' must not be used afterwards.
 */
void flow_remove(struct flow_table *t, struct flow *f);

/**
 * Expire flows whose time has passed, examining at most 'budget' flows.
 * A flow goes within one wheel slot (256 ticks) after its expire. 'cb'
 * (may be NULL) sees each flow just before it is removed and must not
 * call into the table. Timeouts, and gaps between calls, must stay below
 * 2^31 ticks.
 * @return the number of flows removed.
 */
unsigned int
flow_expire(struct flow_table *t, uint32_t now, unsigned int budget,
	void (*cb)(void *arg, const struct flow *f), void *arg);

/** @return the table's counters. */
const struct flow_stats *flow_table_stats(const struct flow_table *t);

/**
 * @return the session at slot 'i', or NULL if the slot is free or holds
 * the addresses of an IPv6 session (for dumps and tests).
 */
const struct flow *flow_at(const struct flow_table *t, uint32_t i);

/**
 * @return the flow record counters of 'f', or NULL when the table was
 * made without FLOW_TABLE_ACCT.
 */
struct flow_acct *flow_acct(struct flow_table *t, const struct flow *f);

/** Unpack 'f' (a session of 't') into 'fi'. */
void flow_info_get(
	const struct flow_table *t, const struct flow *f, struct flow_info *fi);

/** @return the table's capacity in slots. */
uint32_t flow_capacity(const struct flow_table *t);

#endif /* FLOW_DP_H */
