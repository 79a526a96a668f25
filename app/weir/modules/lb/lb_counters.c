/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Load balancing's counter sets (lib/stats): "service" and "backend",
 * one instance per service and per backend of each, read from the
 * counters kept by stable id (lb_stats.c) under the labels the
 * configuration gives them. The console, telemetry and /metrics all list
 * them from the registry.
 *
 * Context: ctl.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <netinet/in.h>

#include <rte_byteorder.h>
#include <rte_common.h>

#include "cfg.h"
#include "lb.h"
#include "lb_stats.h"
#include "stats.h"
#include "svc.h"
#include "weir.h"
#include "weir_addr.h"

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
#define LB_V_LAT (LB_V_COUNT + 2)   /* backends: latency estimate, ns */
#define LB_V_LOAD (LB_V_COUNT + 3)  /* backends: pending + open flows */

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
		{ .name = "connects_retried",                                          \
			.help = "failed connects weir sent to another backend",        \
			.off = LB_V(connects_retried) },                               \
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
	{ .name = "flows_refused",
		.help = "new flows refused: the service's max_flows open",
		.off = LB_V(flows_refused) },
	{ .name = "faults_reset",
		.help = "new flows fault injection reset (RST to the client)",
		.off = LB_V(faults_reset),
		.metric = "service_faults",
		.label = "fault",
		.label_value = "reset" },
	{ .name = "faults_dropped",
		.help = "new flows whose first packet fault injection dropped",
		.off = LB_V(faults_dropped),
		.metric = "service_faults",
		.label = "fault",
		.label_value = "drop" },
	{ .name = "faults_delayed",
		.help = "new flows whose first packet fault injection held",
		.off = LB_V(faults_delayed),
		.metric = "service_faults",
		.label = "fault",
		.label_value = "delay" },
};

static const struct stats_field lb_be_fields[] = {
	LB_FIELDS("backend"),
	{ .name = "flows_diverted",
		.help = "new flows sent elsewhere: this backend's "
			"max_backend_flows open",
		.off = LB_V(flows_diverted) },
	{ .name = "connect_refused",
		.help = "failed connects (SYN forwarded, no SYN-ACK): reason "
			"refused: the backend answered RST",
		.off = LB_V(connect_refused),
		.metric = "backend_connect_failures",
		.label = "reason",
		.label_value = "refused" },
	{ .name = "connect_unreachable",
		.help = "failed connects: ICMP destination unreachable",
		.off = LB_V(connect_unreachable),
		.metric = "backend_connect_failures",
		.label = "reason",
		.label_value = "unreachable" },
	{ .name = "connect_timeouts",
		.help = "failed connects: no answer before syn_s, or the "
			"client's SYN came again after connect_timeout_ms",
		.off = LB_V(connect_timeouts),
		.metric = "backend_connect_failures",
		.label = "reason",
		.label_value = "timeout" },
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
	{ .name = "latency_estimate_ns",
		.help = "peak-EWMA latency estimate (handshakes; response times "
			"too on least-latency services), mean over the workers "
			"that have met the backend, seconds; 0 none has",
		.type = STATS_GAUGE,
		.off = LB_V_LAT,
		.metric = "backend_latency_estimate_seconds",
		.scale = 1000000000 },
	{ .name = "load",
		.help = "pending connects and open flows, all workers",
		.type = STATS_GAUGE,
		.off = LB_V_LOAD },
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
	if (!lb_stats_ready())
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
 * Backend 'j' of service 'cs' (service id 'svc_id') in the published
 * snapshot, which lists a service's backends in the configuration's
 * order; NULL when a change is not published yet.
 */
static const struct svc_backend *
lb_be_pub(const struct cfg_service *cs, int svc_id, unsigned int j)
{
	const struct cfg_backend *b = &cs->backends[j];
	const struct svc *v = svc_id < 0 ? NULL : svc_by_id((uint16_t)svc_id);

	if (v != NULL && j < v->nb_be &&
		memcmp(v->be[j].addr, b->addr.a, 16) == 0 &&
		rte_be_to_cpu_16(v->be[j].port) == b->port)
		return &v->be[j];
	return NULL;
}

/*
 * The stable id of backend 'j' of service 'cs': position j of the
 * published snapshot answers at once; only an unpublished change makes
 * the ids be searched.
 */
static int
lb_be_id(const struct cfg_service *cs, int svc_id, unsigned int j)
{
	const struct svc_backend *sb = lb_be_pub(cs, svc_id, j);

	if (sb != NULL)
		return sb->id;
	return svc_be_id_of(
		cs->name, &cs->backends[j].addr, cs->backends[j].port);
}

/* The workers' latency estimate and load of backend 'j' of 'cs'. */
static void
lb_be_lat(const struct cfg_service *cs, int svc_id, unsigned int j,
	uint64_t *vals)
{
	const struct svc_backend *sb = lb_be_pub(cs, svc_id, j);
	uint32_t est = 0, load = 0;

	if (sb != NULL)
		lb_lat_get(sb, &est, &load);
	vals[LB_V_LAT] = est;
	vals[LB_V_LOAD] = load;
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
	if (!lb_stats_ready())
		return false;
	for (; i < c->nb_services; i++, j = 0) {
		const struct cfg_service *cs = &c->services[i];
		const struct cfg_backend *b;
		int svc_id = svc_id_of(cs->name);

		/* A service not published yet has its backends' weights and
		 * states, and counters of zero. */
		if (j >= cs->nb_backends)
			continue;
		b = &cs->backends[j];
		row->labels[0] = cs->name;
		weir_addr_str(&b->addr, addr, sizeof(addr));
		snprintf(row->buf[1], sizeof(row->buf[1]),
			b->addr.family == AF_INET6 ? "[%s]:%u" : "%s:%u", addr,
			b->port);
		row->labels[1] = row->buf[1];
		lb_stats_row(LB_STATS_BE,
			svc_id < 0 ? -1 : lb_be_id(cs, svc_id, j), row->vals);
		row->vals[LB_V_WEIGHT] = b->weight;
		row->vals[LB_V_STATE] = b->state;
		lb_be_lat(cs, svc_id, j, row->vals);
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
	.nb_values = LB_V_COUNT + 4,
	.labels = lb_be_labels,
	.next = lb_be_next,
};

const struct stats_set *const lb_counter_sets[] = {
	&lb_svc_set,
	&lb_be_set,
	NULL,
};
