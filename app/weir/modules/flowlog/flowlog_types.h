/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Flow records' types: the record a worker hands over and the per-worker
 * part of struct worker. flowlog_dp.h makes records, flowlog.c writes
 * them.
 */
#ifndef FLOWLOG_TYPES_H
#define FLOWLOG_TYPES_H

#include <stdint.h>

#include "flow_types.h"

#define FLOWLOG_RING 4096 /* records per worker ring */

struct rte_ring;

/* What a worker hands over: the session and why the record is made. */
struct flowlog_rec {
	struct flow_info f; /* the session, unpacked */
	uint32_t now;	    /* ticks at the record */
	uint8_t end;	    /* 0: interim record of a live flow; 1: ended */
	uint8_t pad[3];
};

/* What one worker keeps for flow records; set by ctl before launch. */
struct flowlog_worker {
	struct rte_ring *ring; /* records to ctl; NULL: flow records off */
	uint32_t sample;       /* log 1 flow in 'sample' */
	uint32_t interval;     /* ticks between interim records */
};

#endif /* FLOWLOG_TYPES_H */
