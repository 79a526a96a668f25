/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Neighbor table types: one entry per (port, address) holding the MAC and
 * the resolution state, modelled on RFC 4861's states and used for ARP too.
 */
#ifndef NEIGH_TYPES_H
#define NEIGH_TYPES_H

#include <stdint.h>

#define NEIGH_STATES(X)                                                        \
	X(INCOMPLETE, "incomplete") /* soliciting, packets queued */           \
	X(REACHABLE, "reachable")   /* confirmed within reachable_ms */        \
	X(STALE, "stale")	    /* usable, unconfirmed */                  \
	X(PROBE, "probe")	    /* usable, unicast probe sent */           \
	X(PERMANENT, "permanent")   /* configured: never aged nor changed */

enum neigh_state {
	NEIGH_S_FREE = 0,
#define NEIGH_STATE_ENUM(e, name) NEIGH_S_##e,
	NEIGH_STATES(NEIGH_STATE_ENUM)
#undef NEIGH_STATE_ENUM
	NEIGH_S_COUNT
};

/* Counters of the table, for show neighbors and telemetry. */
#define NEIGH_COUNTERS(X)                                                      \
	X(learned, "entries created from a request, reply or NA")              \
	X(resolved, "incomplete entries that got an answer")                   \
	X(failed, "resolutions given up after max_probes")                     \
	X(expired, "stale entries removed after stale_s unused")               \
	X(solicits, "ARP requests / neighbor solicitations asked for")         \
	X(queued, "packets held while resolving")                              \
	X(queue_drops, "packets dropped: queue full or resolution failed")     \
	X(table_full, "resolutions refused: max_entries reached")

struct neigh_stats {
#define NEIGH_COUNTER_FIELD(n, help) uint64_t n;
	NEIGH_COUNTERS(NEIGH_COUNTER_FIELD)
#undef NEIGH_COUNTER_FIELD
};

/* Which neighbor: the port it is reached through and its address. */
struct neigh_key {
	uint16_t port;	  /* DPDK port id */
	uint8_t family;	  /* AF_INET or AF_INET6 */
	uint8_t pad;	  /* zero, so keys compare with memcmp */
	uint8_t addr[16]; /* network order; IPv4 in the first 4 bytes */
};

/* What a caller of neigh_walk() sees of an entry. */
struct neigh_info {
	struct neigh_key key;
	uint8_t mac[6]; /* valid unless INCOMPLETE */
	enum neigh_state state;
	unsigned int nb_queued; /* packets waiting */
	uint64_t age_ms;	/* since the last confirmation */
};

/* Table sizes and timers, all from the 'neighbors' config group. */
struct neigh_params {
	unsigned int max_entries;  /* neighbors */
	unsigned int reachable_ms; /* ms a confirmation lasts */
	unsigned int stale_ms;	   /* ms an unused entry is kept */
	unsigned int retrans_ms;   /* ms between solicitations */
	unsigned int max_probes;   /* solicitations before giving up */
	unsigned int queue_len;	   /* packets held per entry */
};

#endif /* NEIGH_TYPES_H */
