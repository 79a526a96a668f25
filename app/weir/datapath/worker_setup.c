/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Workers, from the management thread: allocate each worker's context on
 * its NUMA node with its punt and ctl_tx rings, let every module set up
 * its part of it (the modules' worker_init: load balancing's session table
 * and redirect rings, flow records' ring), launch them on their lcores,
 * stop and free them. Also the readers of the workers' counters.
 *
 * Counters live in a static array rather than in the rte_zmalloc'd
 * worker: telemetry reads them from its own thread at any moment, also
 * during shutdown, and static storage outlives every such read.
 *
 * Context: ctl, except the counter readers (any thread, relaxed loads).
 */
#include <errno.h>
#include <stdio.h>

#include <rte_cycles.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "module.h"
#include "pkt_types.h"
#include "stats.h"
#include "weir.h"
#include "weir_err.h"
#include "weir_log.h"
#include "weir_stats.h"
#include "worker.h"
#include "worker_dp.h"

WEIR_LOG_TYPE("worker")

struct worker *workers[CFG_WORKERS_MAX];
static struct worker_stats worker_stats_all[CFG_WORKERS_MAX];

const struct worker_stats *
worker_stats_get(unsigned int idx)
{
	return idx < CFG_WORKERS_MAX ? &worker_stats_all[idx] : NULL;
}

unsigned int
worker_busy_permille(const struct worker_stats *ws)
{
	uint64_t loops = weir_stat_read(&ws->c[WORKER_C_loops]);
	uint64_t busy = weir_stat_read(&ws->c[WORKER_C_busy_loops]);

	return loops != 0 ? (unsigned int)(busy * 1000 / loops) : 0;
}

/* Workers started so far; readers on other threads sum this many blocks. */
static unsigned int worker_nb_started;

uint64_t
worker_counter_sum(enum worker_counter c)
{
	unsigned int i,
		n = __atomic_load_n(&worker_nb_started, __ATOMIC_RELAXED);
	uint64_t v = 0;

	for (i = 0; i < n; i++)
		v += weir_stat_read(&worker_stats_all[i].c[c]);
	return v;
}

struct rte_ring *
worker_punt_ring(unsigned int i)
{
	return workers[i]->punt;
}

struct rte_ring *
worker_ctl_tx_ring(void)
{
	return workers[0]->ctl_tx;
}

unsigned int
worker_lcore(unsigned int i)
{
	return workers[i]->lcore;
}

int
worker_launch_all(void)
{
	unsigned int i;
	int rc;

	for (i = 0; i < weir.nb_workers; i++) {
		rc = rte_eal_remote_launch(
			worker_main, workers[i], workers[i]->lcore);
		if (rc < 0) {
			WEIR_LOG(ERR, "launch worker %u on lcore %u: %s", i,
				workers[i]->lcore, rte_strerror(-rc));
			return weir_err(rc);
		}
		WEIR_LOG(INFO, "worker %u running on lcore %u", i,
			workers[i]->lcore);
	}
	return 0;
}

void
worker_stop_all(void)
{
	__atomic_store_n(&weir.stop, true, __ATOMIC_RELAXED);
	rte_eal_mp_wait_lcore();
	WEIR_LOG(INFO, "workers stopped");
}

void
worker_ring_free(struct rte_ring *r)
{
	struct rte_mbuf *m;

	if (r == NULL)
		return;
	while (rte_ring_dequeue(r, (void **)&m) == 0)
		rte_pktmbuf_free(m);
	rte_ring_free(r);
}

/*
 * The workers' counter sets (stats.h): their counters, their drops after
 * parsing, the parser's drops, their snapshots. Each reads the static
 * blocks of the workers started so far, so any thread may read them.
 */
static const char *const worker_labels[] = { "worker", NULL };

static const struct stats_field worker_fields[] = {
#define WORKER_FIELD(n, t, h)                                                  \
	{ .name = #n, .help = h, .type = STATS_##t, .off = WORKER_C_##n },
	WORKER_COUNTERS(WORKER_FIELD)
#undef WORKER_FIELD
};

static const struct stats_field worker_drop_fields[] = {
#define WORKER_DROP_FIELD(n, h)                                                \
	{ .name = #n, .help = h, .off = WORKER_C_drop_##n },
	WORKER_DROPS(WORKER_DROP_FIELD)
#undef WORKER_DROP_FIELD
};

static const struct stats_field parser_drop_fields[] = {
#define PARSER_DROP_FIELD(e, n, h)                                             \
	{ .name = n, .help = h, .off = PKT_DROP_##e },
	PKT_DROPS(PARSER_DROP_FIELD)
#undef PARSER_DROP_FIELD
};

static const struct stats_field snapshot_fields[] = {
	{ .name = "adopted",
		.help = "configuration snapshots the worker started using",
		.off = 0 },
	{ .name = "lag_ns",
		.help = "last snapshot: from the request that caused it to "
			"the worker's first loop on it, seconds",
		.type = STATS_GAUGE,
		.off = 1,
		.metric = "snapshot_lag_seconds",
		.scale = 1000000000 },
};

/* Instance 'cursor' is worker 'cursor'; @return its block, or NULL. */
static const struct worker_stats *
worker_row(uint64_t *cursor, struct stats_row *row)
{
	unsigned int n = __atomic_load_n(&worker_nb_started, __ATOMIC_RELAXED);
	unsigned int i = (unsigned int)*cursor;

	if (*cursor >= n)
		return NULL;
	snprintf(row->buf[0], sizeof(row->buf[0]), "%u", i);
	row->labels[0] = row->buf[0];
	(*cursor)++;
	return &worker_stats_all[i];
}

static bool
worker_next(const struct stats_set *s, uint64_t *cursor, struct stats_row *row)
{
	const struct worker_stats *ws = worker_row(cursor, row);
	unsigned int k;

	(void)s;
	if (ws == NULL)
		return false;
	for (k = 0; k < WORKER_C_COUNT; k++)
		row->vals[k] = weir_stat_read(&ws->c[k]);
	return true;
}

static bool
parser_drop_next(
	const struct stats_set *s, uint64_t *cursor, struct stats_row *row)
{
	const struct worker_stats *ws = worker_row(cursor, row);
	unsigned int k;

	(void)s;
	if (ws == NULL)
		return false;
	for (k = 0; k < PKT_DROP_COUNT; k++)
		row->vals[k] = weir_stat_read(&ws->drops[k]);
	return true;
}

static bool
snapshot_next(
	const struct stats_set *s, uint64_t *cursor, struct stats_row *row)
{
	const struct worker_stats *ws = worker_row(cursor, row);

	(void)s;
	if (ws == NULL)
		return false;
	row->vals[0] = weir_stat_read(&ws->snapshots);
	row->vals[1] = weir_stat_read(&ws->snapshot_lag_ns);
	return true;
}

static const struct stats_set worker_set = {
	.name = "worker",
	.help = "a worker lcore",
	.fields = worker_fields,
	.nb_fields = RTE_DIM(worker_fields),
	.nb_values = WORKER_C_COUNT,
	.labels = worker_labels,
	.flags = STATS_F_TOTAL | STATS_F_ANY_THREAD,
	.next = worker_next,
};

static const struct stats_set worker_drop_set = {
	.name = "worker_drop",
	.help = "a worker lcore's drops after parsing, by reason",
	.key_prefix = "drop_",
	.fields = worker_drop_fields,
	.nb_fields = RTE_DIM(worker_drop_fields),
	.nb_values = WORKER_C_COUNT,
	.labels = worker_labels,
	.flags = STATS_F_TOTAL | STATS_F_DROPS | STATS_F_ANY_THREAD,
	.next = worker_next,
};

static const struct stats_set parser_drop_set = {
	.name = "parser_drop",
	.help = "a worker lcore's parser drops, by reason",
	.key_prefix = "drop_",
	.fields = parser_drop_fields,
	.nb_fields = RTE_DIM(parser_drop_fields),
	.nb_values = PKT_DROP_COUNT,
	.labels = worker_labels,
	.flags = STATS_F_TOTAL | STATS_F_DROPS | STATS_F_ANY_THREAD,
	.next = parser_drop_next,
};

static const struct stats_set snapshot_set = {
	.name = "snapshot",
	.help = "a worker lcore's configuration snapshots",
	.fields = snapshot_fields,
	.nb_fields = RTE_DIM(snapshot_fields),
	.nb_values = 2,
	.labels = worker_labels,
	.flags = STATS_F_ANY_THREAD,
	.next = snapshot_next,
};

static const struct stats_set *const worker_counters[] = {
	&worker_set,
	&worker_drop_set,
	&parser_drop_set,
	&snapshot_set,
	NULL,
};

static int
worker_alloc(unsigned int i)
{
	const struct cfg_conf *c = weir.conf;
	unsigned int lc = c->workers[i];
	int socket = (int)rte_lcore_to_socket_id(lc);
	char name[RTE_RING_NAMESIZE];
	struct worker *w;

	if (!rte_lcore_is_enabled(lc) || lc == rte_get_main_lcore()) {
		WEIR_LOG(ERR,
			"worker lcore %u is not an enabled worker lcore of "
			"this EAL (check 'lcores' and 'main_lcore')",
			lc);
		return -EINVAL;
	}
	w = rte_zmalloc_socket(
		"weir_worker", sizeof(*w), RTE_CACHE_LINE_SIZE, socket);
	if (w == NULL)
		return -ENOMEM;
	workers[i] = w;
	weir.nb_workers = i + 1;
	__atomic_store_n(&worker_nb_started, i + 1, __ATOMIC_RELAXED);
	w->idx = i;
	w->lcore = lc;
	w->stats = &worker_stats_all[i];
	w->burst = c->burst;
	w->ns_per_tsc_q16 = (UINT64_C(1000000000) << 16) / rte_get_tsc_hz();
	snprintf(name, sizeof(name), "weir_punt_%u", i);
	w->punt = rte_ring_create(
		name, c->punt_ring, socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
	snprintf(name, sizeof(name), "weir_ctltx_%u", i);
	w->ctl_tx = rte_ring_create(
		name, c->punt_ring, socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (w->punt == NULL || w->ctl_tx == NULL) {
		WEIR_LOG(
			ERR, "worker %u rings: %s", i, rte_strerror(rte_errno));
		return weir_err(rte_errno);
	}
	/* Then every stage's part of it. */
	return modules_worker_init(w);
}

static int
worker_init_all(void)
{
	unsigned int i;
	int rc;

	for (i = 0; i < weir.conf->nb_workers; i++) {
		rc = worker_alloc(i);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static void
worker_fini_all(void)
{
	unsigned int i, j;

	for (i = 0; i < weir.nb_workers; i++) {
		struct worker *w = workers[i];

		modules_worker_fini(w);
		worker_ring_free(w->punt);
		worker_ring_free(w->ctl_tx);
		for (j = 0; j < CFG_PORTS_MAX; j++)
			rte_pktmbuf_free_bulk(w->txq[j].pkts, w->txq[j].n);
		rte_free(w);
		workers[i] = NULL;
	}
	weir.nb_workers = 0;
}

const struct weir_module worker_module = {
	.name = "worker",
	.after = "rcu port",
	.init = worker_init_all,
	.fini = worker_fini_all,
	.cmds = worker_cmds,
	.counters = worker_counters,
};
