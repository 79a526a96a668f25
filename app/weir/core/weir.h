/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The process context: what main() sets up and the modules share. One
 * instance, 'weir', built at start and torn down at exit in reverse order.
 * Only the management thread writes it after start; workers read their own
 * struct worker and the published snapshot.
 */
#ifndef WEIR_H
#define WEIR_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_mempool.h>
#include <rte_rcu_qsbr.h>

#include "cfg_types.h"
#include "weir_rcu.h"

struct port;
struct stats_registry;
struct svc_snap;

struct weir {
	struct cfg_conf *conf; /* owned */
	unsigned int nb_ports;
	struct port *ports; /* [nb_ports], config order */
	unsigned int nb_workers;
	struct rte_mempool *pools[RTE_MAX_NUMA_NODES]; /* per socket */
	struct rte_rcu_qsbr *qsbr;	  /* workers are its threads */
	WEIR_RCU(struct svc_snap *) snap; /* what workers forward by */
	/* TSC when the console line being run arrived, else 0 (ctl only). */
	uint64_t request_tsc;
	bool stop;	    /* workers leave their loop */
	uint64_t start_tsc; /* for uptime */
	/* Workers' clock: ticks = TSC >> tick_shift, about 1 ms each. */
	unsigned int tick_shift;
	uint64_t ticks_per_s;
	/* Every counter set (lib/stats), for the console, telemetry and
	 * /metrics; filled at start, then read-only, never freed. */
	struct stats_registry *stats;
};

extern struct weir weir;

#endif /* WEIR_H */
