/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Load balancing, management side (lb.c): what other files ask of it
 * beyond the snapshot (svc.h) and the counters (lb_stats.h).
 *
 * Context: ctl.
 */
#ifndef LB_H
#define LB_H

#include "console.h"
#include "lb_types.h"
#include "svc_types.h"

/* Its console commands (lb_cli.c), ended by an entry without a handler. */
extern const struct console_cmd lb_cmds[];

/**
 * Ask worker 'w' for up to d->max sessions of service d->svc and wait (at
 * most 2 s) for the answer. @return 0 or -ETIMEDOUT.
 */
int lb_dump_sessions(unsigned int w, struct lb_dump *d);

/**
 * The workers' view of backend 'be' (least-latency, lb_types.h): the mean
 * of the estimates of the workers that have met it, in 'est_ns' (0 when
 * none has), and the sum of their loads in 'load'. Read without locks
 * while workers write: a display, not a decision.
 */
void lb_lat_get(const struct svc_backend *be, uint32_t *est_ns, uint32_t *load);

/**
 * Give every worker a latency sample of backend 'be_id' of service
 * 'svc_id' measured off the data path (an active check's round trip):
 * each folds it into its own estimate at its next loop. A worker whose
 * ring is full misses it (samples are frequent; none is precious).
 */
void lb_lat_post(uint16_t svc_id, uint16_t be_id, uint64_t ns);

#endif /* LB_H */
