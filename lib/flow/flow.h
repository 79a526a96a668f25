/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Session table, control side: sizing and initialisation. The table never
 * allocates: the caller gives it memory (rte_zmalloc_socket() on the
 * worker's NUMA node in weir, plain aligned memory in tests), so it works
 * the same with and without an EAL.
 *
 * Context: ctl, before the owning worker starts.
 */
#ifndef FLOW_H
#define FLOW_H

#include <stddef.h>
#include <stdint.h>

#include "flow_types.h"

#define FLOW_CAPACITY_MAX (1u << 24) /* slots per table */

/* flow_table_init() options */
#define FLOW_TABLE_ACCT 0x1 /* keep struct flow_acct per session */

struct flow_table;

/**
 * @return bytes needed for a table of 'capacity' slots (1..
 * FLOW_CAPACITY_MAX) with options 'opts' (FLOW_TABLE_*), or 0 if
 * 'capacity' is out of range. An IPv4 session takes one slot, an IPv6
 * session two.
 */
size_t flow_table_size(uint32_t capacity, unsigned int opts);

/**
 * Lay a table out in 'mem' (flow_table_size(capacity, opts) bytes,
 * 64-byte aligned, any content).
 *
 * @param now
 *   Current time in ticks; the expiry wheel starts there.
 * @param seed
 *   Hash seed for the index (one per table is fine).
 * @return the table (== mem), or NULL with errno EINVAL.
 */
struct flow_table *flow_table_init(void *mem, uint32_t capacity,
	unsigned int opts, uint32_t now, uint32_t seed);

/* The four addresses of a session, as text. */
struct flow_addrs {
	char cli[64];	/* client */
	char vip[64];	/* VIP */
	char local[64]; /* weir's local (SNAT) address */
	char be[64];	/* backend */
};

/** Format the addresses of 'f' (flow records, 'show sessions'). */
void flow_info_addrs(const struct flow_info *f, struct flow_addrs *a);

/** @return the name of state 's' ("established"), or "?". */
const char *flow_state_name(enum flow_state s);

#endif /* FLOW_H */
