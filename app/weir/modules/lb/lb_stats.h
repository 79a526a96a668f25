/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Counters of services and backends, by stable id (svc.h), and the sums
 * every reader (console, telemetry, Prometheus) sees. Workers count into
 * arrays of their own; readers add the workers' arrays up and subtract a
 * baseline: the value when the id was (re)assigned, so a reused id starts
 * from zero, and for the console also the value at 'clear counters'.
 * Prometheus and DPDK telemetry never see 'clear counters': their
 * counters only go up, as scrapers expect.
 *
 * Thread-safety: workers write their own arrays (relaxed stores); readers
 * load relaxed. Baselines are ctl-only.
 */
#ifndef LB_STATS_H
#define LB_STATS_H

#include <stdbool.h>
#include <stdint.h>

#include "lb_types.h"

enum lb_stats_kind {
	LB_STATS_SVC = 0,
	LB_STATS_BE = 1,
};

/** Allocate the per-worker arrays. Context: ctl, before launch. */
int lb_stats_init(unsigned int nb_workers);

/** Free them; readers must be gone. */
void lb_stats_fini(void);

/**
 * @return worker 'w's array for 'kind' (SVC_ID_MAX or SVC_BE_ID_MAX
 * entries). Context: the worker, to count into.
 */
struct lb_stats *lb_stats_worker_array(unsigned int w, enum lb_stats_kind kind);

/**
 * Sum object 'id' over workers into 'o', minus its baseline, minus the
 * console's too when 'since_clear'. Context: ctl.
 */
void lb_stats_obj_get(enum lb_stats_kind kind, unsigned int id,
	bool since_clear, struct lb_stats *o);

/** Id 'id' is being (re)assigned: its counters start again from zero. */
void lb_stats_obj_retire(enum lb_stats_kind kind, unsigned int id);

/** 'clear counters': the console counts from now on. */
void lb_stats_clear(void);

/** @return true once the arrays exist (between lb's init and fini). */
bool lb_stats_ready(void);

/* The counter sets of services and backends (lb_counters.c), NULL-ended. */
struct stats_set;
extern const struct stats_set *const lb_counter_sets[];

#endif /* LB_STATS_H */
