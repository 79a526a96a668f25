/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Service and backend counters: per-worker arrays indexed by stable id,
 * summed on read. Keeping totals instead would make workers write shared
 * cache lines on every packet; summing a few thousand words on a console
 * or scrape request is cheap by comparison.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_malloc.h>

#include "stats.h"
#include "svc.h"
#include "weir_stats.h"
#include "worker.h"

const uint64_t stats_hist_bounds_us[STATS_HIST_LEN] = STATS_HIST_BOUNDS_US;

static const unsigned int stats_len[] = {
	[STATS_SVC] = SVC_ID_MAX,
	[STATS_BE] = SVC_BE_ID_MAX,
};

static struct stats_obj *stats_arr[2][CFG_WORKERS_MAX];
static struct stats_obj *stats_base[2]; /* retired values */
static struct stats_obj *stats_clr[2];	/* at 'clear counters' */
static uint64_t stats_wbase[WORKER_C_COUNT];
static unsigned int stats_nb_workers;

int
stats_init(unsigned int nb_workers)
{
	unsigned int k, w;

	stats_nb_workers = nb_workers;
	for (k = 0; k < 2; k++) {
		stats_base[k] = calloc(stats_len[k], sizeof(struct stats_obj));
		stats_clr[k] = calloc(stats_len[k], sizeof(struct stats_obj));
		if (stats_base[k] == NULL || stats_clr[k] == NULL)
			return -ENOMEM;
		for (w = 0; w < nb_workers; w++) {
			stats_arr[k][w] = rte_zmalloc("weir_stats",
				stats_len[k] * sizeof(struct stats_obj),
				RTE_CACHE_LINE_SIZE);
			if (stats_arr[k][w] == NULL)
				return -ENOMEM;
		}
	}
	return 0;
}

void
stats_fini(void)
{
	unsigned int k, w;

	for (k = 0; k < 2; k++) {
		for (w = 0; w < CFG_WORKERS_MAX; w++) {
			rte_free(stats_arr[k][w]);
			stats_arr[k][w] = NULL;
		}
		free(stats_base[k]);
		free(stats_clr[k]);
		stats_base[k] = stats_clr[k] = NULL;
	}
	stats_nb_workers = 0;
}

struct stats_obj *
stats_worker_array(unsigned int w, enum stats_kind kind)
{
	return stats_arr[kind][w];
}

static void
stats_sum(enum stats_kind kind, unsigned int id, struct stats_obj *o)
{
	unsigned int w;

	memset(o, 0, sizeof(*o));
	for (w = 0; w < stats_nb_workers; w++) {
		const struct stats_obj *s = &stats_arr[kind][w][id];

		unsigned int k;

#define STATS_OBJ_ADD(n, type, help) o->n += weir_stat_read(&s->n);
		STATS_OBJ_COUNTERS(STATS_OBJ_ADD)
#undef STATS_OBJ_ADD
		for (k = 0; k < STATS_HIST_LEN; k++)
			o->hs_hist[k] += weir_stat_read(&s->hs_hist[k]);
	}
}

void
stats_obj_get(enum stats_kind kind, unsigned int id, bool since_clear,
	struct stats_obj *o)
{
	const struct stats_obj *b = &stats_base[kind][id];
	const struct stats_obj *c = &stats_clr[kind][id];

	stats_sum(kind, id, o);
	/* Gauges (sessions) have no baseline; counters do. */
#define STATS_OBJ_SUB(n, type, help)                                           \
	if (type[0] == 'c')                                                    \
		o->n -= (since_clear && c->n > b->n ? c->n : b->n);
	STATS_OBJ_COUNTERS(STATS_OBJ_SUB)
#undef STATS_OBJ_SUB
	{
		unsigned int k;

		for (k = 0; k < STATS_HIST_LEN; k++)
			o->hs_hist[k] -= since_clear &&
					c->hs_hist[k] > b->hs_hist[k] ?
				c->hs_hist[k] :
				b->hs_hist[k];
	}
}

void
stats_obj_retire(enum stats_kind kind, unsigned int id)
{
	if (stats_base[kind] == NULL)
		return;
	stats_sum(kind, id, &stats_base[kind][id]);
	stats_clr[kind][id] = stats_base[kind][id];
}

void
stats_clear(void)
{
	unsigned int k, id;

	for (k = 0; k < 2; k++)
		for (id = 0; id < stats_len[k]; id++)
			stats_sum(k, id, &stats_clr[k][id]);
}

uint64_t
stats_worker_base(unsigned int c)
{
	return c < WORKER_C_COUNT ? stats_wbase[c] : 0;
}

void
stats_worker_base_set(unsigned int c, uint64_t v)
{
	if (c < WORKER_C_COUNT)
		stats_wbase[c] = v;
}
