/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Workers: one per worker lcore, each polling its own RX queue on every
 * port. A worker parses and classifies each packet; balances new flows to
 * backends and carries both directions of its sessions with FullNAT; hands
 * replies that reached the wrong worker to their owner over a redirect
 * ring; punts ARP/ND/ICMP-to-weir to the management thread; and transmits
 * what the management thread gives it on its ctl_tx ring.
 *
 * This header is the management side's view: the counters, launching
 * and stopping, the rings ctl uses. The worker's context and the helpers
 * of its stages are worker_dp.h's.
 *
 * Thread-safety: a struct worker and its session table are written only by
 * its lcore. The rings are SP/SC: punt (worker -> ctl), ctl_tx (ctl ->
 * worker), redirect (worker i -> worker j, one ring per ordered pair).
 * Counters are read by other threads with relaxed loads.
 */
#ifndef WORKER_H
#define WORKER_H

#include <stdint.h>

#include <rte_common.h>
#include <rte_ring.h>

#include "console.h"
#include "worker_types.h"

struct worker;

/** Launch every worker on its lcore. @return 0 or -errno. */
int worker_launch_all(void);

/** Tell workers to leave their loop and wait until they have. */
void worker_stop_all(void);

/** @return worker i's punt ring (ctl dequeues from it). */
struct rte_ring *worker_punt_ring(unsigned int i);

/** @return worker 0's ctl_tx ring (ctl enqueues to it). */
struct rte_ring *worker_ctl_tx_ring(void);

/** @return the lcore worker 'i' runs on. */
unsigned int worker_lcore(unsigned int i);

/** Free ring 'r' and the packets still in it; NULL is a no-op. */
void worker_ring_free(struct rte_ring *r);

/* 'show workers' (worker_cli.c), ended by an entry without a handler. */
extern const struct console_cmd worker_cmds[];

/**
 * @return counter 'c' summed over the workers started (any thread; the
 * blocks outlive the workers). Every counter is also in the registry
 * (weir.stats): sets "worker", "worker_drop", "parser_drop", "snapshot".
 */
uint64_t worker_counter_sum(enum worker_counter c);

/**
 * Counters of worker 'idx', valid for the whole process (also after
 * worker_fini_all()), or NULL if idx is out of range.
 */
const struct worker_stats *worker_stats_get(unsigned int idx);

/**
 * Share of worker 'ws''s poll loops that found work, in per mille
 * (0 before the first loop): the console and telemetry both report it.
 */
unsigned int worker_busy_permille(const struct worker_stats *ws);

#endif /* WORKER_H */
