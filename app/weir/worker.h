/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Workers: one per worker lcore, each polling its own RX queue on every
 * port, classifying packets, handing ARP/ND/ICMP-to-us to the management
 * thread over its punt ring and transmitting what the management thread
 * gives it on its ctl_tx ring (for ports without a spare TX queue).
 *
 * Thread-safety: a struct worker is written only by its lcore, except the
 * two rings (SP/SC: worker produces punt, ctl consumes; ctl produces
 * ctl_tx, worker consumes) and the counters, which ctl and telemetry read
 * with relaxed loads.
 */
#ifndef WORKER_H
#define WORKER_H

#include <stdint.h>

#include <rte_common.h>
#include <rte_ring.h>

#include "pkt_types.h"

/* X(name, help). Units: packets unless the name says otherwise. */
#define WORKER_COUNTERS(X)						\
	X(rx_packets, "packets received")				\
	X(rx_bursts, "rx bursts that returned packets")		\
	X(loops, "iterations of the worker loop")			\
	X(busy_loops, "iterations that received or sent packets")	\
	X(tx_packets, "packets transmitted")				\
	X(tx_drops, "packets the TX queue refused")			\
	X(punted, "packets handed to the management thread")		\
	X(punt_drops, "packets dropped: punt ring full")		\
	X(drop_other_host, "frames for another MAC address")		\
	X(drop_vlan, "VLAN-tagged frames (no VLAN is configured)")	\
	X(drop_not_local, "IP packets to an address weir does not serve") \
	X(drop_local_proto,						\
		"packets to weir's address of a protocol it does not answer") \
	X(drop_local_frag, "fragments addressed to weir itself")	\
	X(drop_martian, "multicast/broadcast or unspecified IP source")

enum worker_counter {
#define WORKER_COUNTER_ENUM(n, help) WORKER_C_ ## n,
	WORKER_COUNTERS(WORKER_COUNTER_ENUM)
#undef WORKER_COUNTER_ENUM
	WORKER_C_COUNT
};

/* One worker's counters, on cache lines of their own (no false sharing). */
struct worker_stats {
	uint64_t c[WORKER_C_COUNT];		/* enum worker_counter */
	uint64_t drops[PKT_DROP_COUNT];		/* parser drops by reason */
} __rte_cache_aligned;

struct worker {
	unsigned int idx;		/* 0..nb_workers-1: queue id, QSBR id */
	unsigned int lcore;		/* EAL lcore it runs on */
	struct rte_ring *punt;		/* to ctl; SP/SC */
	struct rte_ring *ctl_tx;	/* from ctl; SP/SC */
	struct worker_stats *stats;	/* process-lifetime, see worker.c */
} __rte_cache_aligned;

/** Allocate workers and their rings. Context: ctl. @return 0 or -errno. */
int worker_init_all(void);

/** Launch every worker on its lcore. @return 0 or -errno. */
int worker_launch_all(void);

/** Tell workers to leave their loop and wait until they have. */
void worker_stop_all(void);

/** Free workers, their rings and the packets still in them. */
void worker_fini_all(void);

/** Names and help of counters, for telemetry and dumps. */
const char *worker_counter_name(enum worker_counter c);
const char *worker_counter_help(enum worker_counter c);

/**
 * Counters of worker 'idx', valid for the whole process (also after
 * worker_fini_all()), or NULL if idx is out of range.
 */
const struct worker_stats *worker_stats_get(unsigned int idx);

#endif /* WORKER_H */
