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

#include "lb_stats.h"
#include "svc_types.h"
#include "weir_stats.h"

const uint64_t lb_stats_hist_bounds_us[LB_STATS_HIST_LEN] =
	LB_STATS_HIST_BOUNDS_US;

static const unsigned int lb_stats_len[] = {
	[LB_STATS_SVC] = SVC_ID_MAX,
	[LB_STATS_BE] = SVC_BE_ID_MAX,
};

static struct lb_stats *lb_stats_arr[2][CFG_WORKERS_MAX];
static struct lb_stats *lb_stats_base[2]; /* retired values */
static struct lb_stats *lb_stats_clr[2];  /* at 'clear counters' */
static unsigned int lb_stats_nb_workers;

int
lb_stats_init(unsigned int nb_workers)
{
	unsigned int k, w;

	lb_stats_nb_workers = nb_workers;
	for (k = 0; k < 2; k++) {
		lb_stats_base[k] = calloc(
			lb_stats_len[k], sizeof(struct lb_stats));
		lb_stats_clr[k] = calloc(
			lb_stats_len[k], sizeof(struct lb_stats));
		if (lb_stats_base[k] == NULL || lb_stats_clr[k] == NULL)
			return -ENOMEM;
		for (w = 0; w < nb_workers; w++) {
			lb_stats_arr[k][w] = rte_zmalloc("weir_stats",
				lb_stats_len[k] * sizeof(struct lb_stats),
				RTE_CACHE_LINE_SIZE);
			if (lb_stats_arr[k][w] == NULL)
				return -ENOMEM;
		}
	}
	return 0;
}

void
lb_stats_fini(void)
{
	unsigned int k, w;

	for (k = 0; k < 2; k++) {
		for (w = 0; w < CFG_WORKERS_MAX; w++) {
			rte_free(lb_stats_arr[k][w]);
			lb_stats_arr[k][w] = NULL;
		}
		free(lb_stats_base[k]);
		free(lb_stats_clr[k]);
		lb_stats_base[k] = lb_stats_clr[k] = NULL;
	}
	lb_stats_nb_workers = 0;
}

struct lb_stats *
lb_stats_worker_array(unsigned int w, enum lb_stats_kind kind)
{
	return lb_stats_arr[kind][w];
}

static void
lb_stats_sum(enum lb_stats_kind kind, unsigned int id, struct lb_stats *o)
{
	unsigned int w;

	memset(o, 0, sizeof(*o));
	for (w = 0; w < lb_stats_nb_workers; w++) {
		const struct lb_stats *s = &lb_stats_arr[kind][w][id];

		unsigned int k;

#define LB_STATS_OBJ_ADD(n, type, help) o->n += weir_stat_read(&s->n);
		LB_STATS_OBJ_COUNTERS(LB_STATS_OBJ_ADD)
#undef LB_STATS_OBJ_ADD
		for (k = 0; k < LB_STATS_HIST_LEN; k++)
			o->hs_hist[k] += weir_stat_read(&s->hs_hist[k]);
	}
}

void
lb_stats_obj_get(enum lb_stats_kind kind, unsigned int id, bool since_clear,
	struct lb_stats *o)
{
	const struct lb_stats *b = &lb_stats_base[kind][id];
	const struct lb_stats *c = &lb_stats_clr[kind][id];

	lb_stats_sum(kind, id, o);
	/* Gauges (sessions) have no baseline; counters do. */
#define LB_STATS_OBJ_SUB(n, type, help)                                        \
	if (type[0] == 'c')                                                    \
		o->n -= (since_clear && c->n > b->n ? c->n : b->n);
	LB_STATS_OBJ_COUNTERS(LB_STATS_OBJ_SUB)
#undef LB_STATS_OBJ_SUB
	{
		unsigned int k;

		for (k = 0; k < LB_STATS_HIST_LEN; k++)
			o->hs_hist[k] -= since_clear &&
					c->hs_hist[k] > b->hs_hist[k] ?
				c->hs_hist[k] :
				b->hs_hist[k];
	}
}

void
lb_stats_obj_retire(enum lb_stats_kind kind, unsigned int id)
{
	if (lb_stats_base[kind] == NULL)
		return;
	lb_stats_sum(kind, id, &lb_stats_base[kind][id]);
	lb_stats_clr[kind][id] = lb_stats_base[kind][id];
}

void
lb_stats_clear(void)
{
	unsigned int k, id;

	for (k = 0; k < 2; k++)
		for (id = 0; id < lb_stats_len[k]; id++)
			lb_stats_sum(k, id, &lb_stats_clr[k][id]);
}

bool
lb_stats_ready(void)
{
	return lb_stats_base[LB_STATS_SVC] != NULL;
}
