/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Flow records' data-path half: a worker copies a session into a record
 * on its own ring (an element ring: no allocation), for flowlog.c on the
 * management thread to write. Load balancing calls it when a session ends
 * and, for long ones, every flow_log.interval_s.
 *
 * Context: worker.
 */
#ifndef FLOWLOG_DP_H
#define FLOWLOG_DP_H

#include <stdbool.h>

#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "flow_dp.h"
#include "flowlog_types.h"
#include "worker_dp.h"

/*
 * Hand a flow record to ctl if the flow is sampled (decided from its hash,
 * so a sampled flow has all its records); a full ring drops it, counted.
 */
static inline void
flowlog_record(struct worker *w, const struct flow *f, bool end)
{
	struct flowlog_rec r;

	if (w->fl.ring == NULL)
		return;
	flow_key_of(f, FLOW_DIR_ORIG, &r.f.fwd);
	if (worker_range(flow_key_hash(w->lb.ft, &r.f.fwd), w->fl.sample) != 0)
		return;
	flow_info_get(w->lb.ft, f, &r.f);
	r.now = w->now;
	r.end = end;
	if (rte_ring_sp_enqueue_elem(w->fl.ring, &r, sizeof(r)) != 0)
		WORKER_INC(w, flowlog_drops, 1);
}

#endif /* FLOWLOG_DP_H */
