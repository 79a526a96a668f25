/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Neighbor table (ARP and IPv6 ND): learning, resolution with a bounded
 * queue of waiting packets, and ageing. The table does no I/O: it asks its
 * owner to send solicitations and queued packets through struct neigh_ops,
 * and takes time as a parameter, so tests drive it without a clock or a NIC.
 *
 * Thread-safety: none. The management thread owns the table; workers never
 * touch it. When workers need next-hop MACs they will read a snapshot the
 * management thread publishes, not this table.
 *
 * Example:
 *	struct neigh_table *t = neigh_table_create(&params, &ops);
 *	rc = neigh_resolve(t, &key, pkt, now_ms, mac);
 *	if (rc == 0) send pkt to mac; else if (rc < 0) drop pkt;
 *	... on an ARP reply: neigh_learn(t, &key, mac, now_ms, NEIGH_F_CONFIRMED);
 *	... every 100 ms: neigh_age(t, now_ms);
 */
#ifndef NEIGH_H
#define NEIGH_H

#include <stdbool.h>
#include <stdint.h>

#include "neigh_types.h"

struct neigh_table;

/* Callbacks into the owner, which does the packet I/O. */
struct neigh_ops {
	/* Send an ARP request or NS for 'k'; 'mac' NULL: broadcast or
	 * solicited-node multicast, else unicast to 'mac' (a probe). */
	void (*solicit)(
		void *arg, const struct neigh_key *k, const uint8_t *mac);
	/* Send queued packet 'pkt' to 'mac'; takes ownership of 'pkt'. */
	void (*send)(void *arg, const struct neigh_key *k, const uint8_t *mac,
		void *pkt);
	/* Free a queued packet that will not be sent. */
	void (*drop)(void *arg, void *pkt);
	void *arg;
};

/* neigh_learn() flags. */
#define NEIGH_F_CONFIRMED 0x1 /* an answer to us: entry becomes REACHABLE */
#define NEIGH_F_CREATE 0x2    /* create the entry if absent */
#define NEIGH_F_PERMANENT                                                      \
	0x4 /* a configured entry: never aged, and
				 * learning from packets never changes it */

/**
 * Create a table.
 * @return the table, or NULL with errno EINVAL (bad params) or ENOMEM.
 */
struct neigh_table *
neigh_table_create(const struct neigh_params *p, const struct neigh_ops *ops);

/** Free a table, dropping queued packets through ops->drop. NULL: no-op. */
void neigh_table_destroy(struct neigh_table *t);

/**
 * Find the MAC to send 'pkt' to, queueing it while resolving.
 *
 * @param pkt
 *   The packet, or NULL to only start resolution.
 * @param mac
 *   Receives the MAC when the return is 0.
 * @return
 *   0: 'mac' is filled, the caller sends 'pkt' (entry usable);
 *   1: 'pkt' was queued (ownership taken) and resolution is under way;
 *   -ENOBUFS: the entry's queue is full; -ENOSPC: the table is full.
 *   On a negative return the caller keeps 'pkt' and drops it.
 */
int neigh_resolve(struct neigh_table *t, const struct neigh_key *k, void *pkt,
	uint64_t now_ms, uint8_t mac[6]);

/**
 * Record that 'k' is at 'mac' (from an ARP packet or NA/NS option).
 * Queued packets are sent through ops->send.
 *
 * @param flags
 *   NEIGH_F_* bits.
 * @return
 *   Packets flushed (>= 0), or -ENOSPC when a create found the table full.
 */
int neigh_learn(struct neigh_table *t, const struct neigh_key *k,
	const uint8_t mac[6], uint64_t now_ms, unsigned int flags);

/** Retransmit, expire and give up, as the timers say. Context: ctl tick. */
void neigh_age(struct neigh_table *t, uint64_t now_ms);

/** Remove 'k', dropping its queue. @return 0 or -ENOENT. */
int neigh_delete(struct neigh_table *t, const struct neigh_key *k);

/** Call 'cb' for every entry, in no particular order. */
void neigh_walk(const struct neigh_table *t, uint64_t now_ms,
	void (*cb)(void *arg, const struct neigh_info *ni), void *arg);

/** @return the number of entries in use. */
unsigned int neigh_count(const struct neigh_table *t);

/** @return the table's counters (valid until the table is destroyed). */
const struct neigh_stats *neigh_stats(const struct neigh_table *t);

/** @return the name of state 's' ("reachable"), or "?". */
const char *neigh_state_name(enum neigh_state s);

#endif /* NEIGH_H */
