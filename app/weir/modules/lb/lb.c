/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The load-balancing module: services and backends (svc.c builds and
 * publishes them), their counters by stable id (lb_stats.c). Its start
 * publishes a first snapshot with no next hop known yet, so that workers
 * always have one; the start module publishes the complete one.
 */
#include "lb_stats.h"
#include "module.h"
#include "svc.h"
#include "weir.h"

static int
lb_init(void)
{
	int rc = lb_stats_init(weir.conf->nb_workers);

	if (rc < 0)
		return rc;
	return svc_snap_init();
}

static void
lb_fini(void)
{
	svc_snap_fini();
	lb_stats_fini();
}

const struct weir_module lb_module = {
	.name = "lb",
	.after = "rcu port",
	.init = lb_init,
	.fini = lb_fini,
};
