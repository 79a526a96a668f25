/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Service and backend counters: per-worker arrays indexed by stable id,
 * summed on read. Keeping totals instead would make workers write shared
 * cache lines on every packet; summing a few thousand words on a console
 * or scrape request is cheap by comparison.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netinet/in.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_malloc.h>

#include "cfg.h"
#include "lb_stats.h"
#include "stats.h"
#include "svc.h"
#include "weir.h"
#include "weir_addr.h"
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

/*
 * The counter sets (stats.h): one instance per service, one per backend
 * of each, with their labels. Counters are read summed over workers,
 * since start (the console's 'clear counters' is for its own tables);
 * a backend also shows its weight and admin state. ctl only: they read
 * the configuration and arrays that stop existing at shutdown.
 */
#define LB_V(f) (unsigned int)(offsetof(struct lb_stats, f) / sizeof(uint64_t))
#define LB_V_COUNT (unsigned int)(sizeof(struct lb_stats) / sizeof(uint64_t))
#define LB_V_WEIGHT LB_V_COUNT	    /* backends: configured weight */
#define LB_V_STATE (LB_V_COUNT + 1) /* backends: admin state */

static const char *const lb_states[] = { "ready", "drain", "maint" };

#define LB_FIELDS(obj)                                                                 \
	{ .name = "new_flows",                                                         \
		.help = "sessions created",                                            \
		.off = LB_V(new_flows) },                                              \
		{ .name = "sessions",                                                  \
			.help = "sessions in the tables",                              \
			.type = STATS_GAUGE,                                           \
			.off = LB_V(sessions) },                                       \
		{ .name = "pkts_in",                                                   \
			.help = "packets forwarded; direction in: client to backend",  \
			.off = LB_V(pkts_in),                                          \
			.metric = obj "_packets",                                      \
			.label = "direction",                                          \
			.label_value = "in" },                                         \
		{ .name = "pkts_out",                                                  \
			.help = "packets forwarded backend -> client",                 \
			.off = LB_V(pkts_out),                                         \
			.metric = obj "_packets",                                      \
			.label = "direction",                                          \
			.label_value = "out" },                                        \
		{ .name = "bytes_in",                                                  \
			.help = "IP bytes forwarded; direction in: client to backend", \
			.off = LB_V(bytes_in),                                         \
			.metric = obj "_bytes",                                        \
			.label = "direction",                                          \
			.label_value = "in" },                                         \
		{ .name = "bytes_out",                                                 \
			.help = "IP bytes forwarded backend -> client",                \
			.off = LB_V(bytes_out),                                        \
			.metric = obj "_bytes",                                        \
			.label = "direction",                                          \
			.label_value = "out" },                                        \
	{                                                                              \
		.name = "handshake_latency",                                           \
		.help = "TCP handshake time as weir sees it: SYN sent to the "         \
			"backend to its SYN-ACK, seconds",                             \
		.type = STATS_HISTOGRAM, .off = LB_V(hs_hist),                         \
		.metric = obj "_handshake_latency_seconds", .scale = 1000000,          \
		.bounds = lb_stats_hist_bounds_us,                                     \
		.nb_bounds = LB_STATS_HIST_LEN, .sum_off = LB_V(handshake_us)          \
	}

static const struct stats_field lb_svc_fields[] = {
	LB_FIELDS("service"),
};

static const struct stats_field lb_be_fields[] = {
	LB_FIELDS("backend"),
	{ .name = "weight",
		.help = "configured weight (relative)",
		.type = STATS_GAUGE,
		.off = LB_V_WEIGHT },
	{ .name = "state",
		.help = "1 for the backend's admin state",
		.type = STATS_ENUM,
		.off = LB_V_STATE,
		.enum_names = lb_states,
		.nb_enum = RTE_DIM(lb_states),
		.enum_label = "state" },
};

/* Object 'id' of 'kind' summed over workers, into a row's values. */
static void
lb_stats_row(enum lb_stats_kind kind, int id, uint64_t *vals)
{
	struct lb_stats st = { 0 };

	if (id >= 0)
		lb_stats_obj_get(kind, (unsigned int)id, false, &st);
	memcpy(vals, &st, sizeof(st));
}

static bool
lb_svc_next(const struct stats_set *s, uint64_t *cursor, struct stats_row *row)
{
	const struct cfg_conf *c = weir.conf;

	(void)s;
	if (lb_stats_base[LB_STATS_SVC] == NULL)
		return false;
	for (; *cursor < c->nb_services; (*cursor)++) {
		const struct cfg_service *cs = &c->services[*cursor];
		int id = svc_id_of(cs->name);

		/* Not published yet: no counters to show. */
		if (id < 0)
			continue;
		row->labels[0] = cs->name;
		lb_stats_row(LB_STATS_SVC, id, row->vals);
		(*cursor)++;
		return true;
	}
	return false;
}

/*
 * The stable id of backend 'j' of service 'cs' (service id 'svc_id'): the
 * published snapshot lists a service's backends in the configuration's
 * order, so position j answers at once unless a change is not published
 * yet; only then are the ids searched.
 */
static int
lb_be_id(const struct cfg_service *cs, int svc_id, unsigned int j)
{
	const struct cfg_backend *b = &cs->backends[j];
	const struct svc *v = svc_by_id((uint16_t)svc_id);

	if (v != NULL && j < v->nb_be &&
		memcmp(v->be[j].addr, b->addr.a, 16) == 0 &&
		rte_be_to_cpu_16(v->be[j].port) == b->port)
		return v->be[j].id;
	return svc_be_id_of(cs->name, &b->addr, b->port);
}

/* Cursor: service index in the high 32 bits, backend index in the low. */
static bool
lb_be_next(const struct stats_set *s, uint64_t *cursor, struct stats_row *row)
{
	const struct cfg_conf *c = weir.conf;
	unsigned int i = (unsigned int)(*cursor >> 32);
	unsigned int j = (unsigned int)*cursor;
	char addr[WEIR_ADDR_STR_SIZE];

	(void)s;
	if (lb_stats_base[LB_STATS_BE] == NULL)
		return false;
	for (; i < c->nb_services; i++, j = 0) {
		const struct cfg_service *cs = &c->services[i];
		const struct cfg_backend *b;
		int svc_id = svc_id_of(cs->name);

		if (svc_id < 0 || j >= cs->nb_backends)
			continue;
		b = &cs->backends[j];
		row->labels[0] = cs->name;
		weir_addr_str(&b->addr, addr, sizeof(addr));
		snprintf(row->buf[1], sizeof(row->buf[1]),
			b->addr.family == AF_INET6 ? "[%s]:%u" : "%s:%u", addr,
			b->port);
		row->labels[1] = row->buf[1];
		lb_stats_row(LB_STATS_BE, lb_be_id(cs, svc_id, j), row->vals);
		row->vals[LB_V_WEIGHT] = b->weight;
		row->vals[LB_V_STATE] = b->state;
		*cursor = (uint64_t)i << 32 | (j + 1);
		return true;
	}
	*cursor = (uint64_t)i << 32;
	return false;
}

static const char *const lb_svc_labels[] = { "service", NULL };
static const char *const lb_be_labels[] = { "service", "backend", NULL };

static const struct stats_set lb_svc_set = {
	.name = "service",
	.help = "a service",
	.fields = lb_svc_fields,
	.nb_fields = RTE_DIM(lb_svc_fields),
	.nb_values = LB_V_COUNT,
	.labels = lb_svc_labels,
	.next = lb_svc_next,
};

static const struct stats_set lb_be_set = {
	.name = "backend",
	.help = "a backend of a service (address:port)",
	.fields = lb_be_fields,
	.nb_fields = RTE_DIM(lb_be_fields),
	.nb_values = LB_V_COUNT + 2,
	.labels = lb_be_labels,
	.next = lb_be_next,
};

const struct stats_set *const lb_counter_sets[] = {
	&lb_svc_set,
	&lb_be_set,
	NULL,
};
