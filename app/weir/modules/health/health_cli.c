/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Health on the console and in the counter registry: 'show health', the
 * run-time switch 'enable|disable health <service>', and the counter sets
 * "health" (per backend) and "health_service" (per service), which
 * /metrics and telemetry read too.
 *
 * Context: ctl.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>
#include <rte_byteorder.h>
#include <rte_common.h>

#include "cfg.h"
#include "ctl.h"
#include "events.h"
#include "health.h"
#include "health_check.h"
#include "lb_stats.h"
#include "svc.h"
#include "weir.h"
#include "weir_addr.h"

/* "address" of backend 'b' of 'v' into 'buf'. */
static const char *
health_cmd_addr(const struct svc *v, const struct svc_backend *b, char *buf,
	size_t size)
{
	struct weir_addr a = { .family = v->family };

	memcpy(a.a, b->addr, 16);
	return weir_addr_str(&a, buf, size);
}

/* "ok", "ejected" (by detection or a check), or "ejected,panic":
 * ejected, but the service is in panic, so it takes new flows all the
 * same. */
static const char *
health_cmd_word(const struct svc *v, const struct svc_backend *b)
{
	if (!b->ejected)
		return "ok";
	return v->panic ? "ejected,panic" : "ejected";
}

static void
health_cmd_row(struct console_ctx *ctx, json_t *arr, const struct svc *v,
	const struct svc_backend *b, uint64_t now_ms)
{
	const struct health_be *h = health_be_get(b->id);
	const struct health_check_be *hc = health_check_get(b);
	char rtt[24] = "-";
	uint64_t left = h->ejected && h->until_ms > now_ms ?
		(h->until_ms - now_ms + 999) / 1000 :
		0;
	char addr[WEIR_ADDR_STR_SIZE], left_s[24] = "-";
	struct lb_stats st;

	lb_stats_obj_get(LB_STATS_BE, b->id, false, &st);
	health_cmd_addr(v, b, addr, sizeof(addr));
	if (h->ejected)
		snprintf(left_s, sizeof(left_s), "%llu",
			(unsigned long long)left);
	if (hc->passed != 0)
		snprintf(rtt, sizeof(rtt), "%llu",
			(unsigned long long)hc->rtt_us);
	if (arr != NULL) {
		json_t *o = json_pack("{s:s, s:I, s:I, s:I, s:s, s:i}", "state",
			health_check_state_name(hc->state), "passed",
			(json_int_t)hc->passed, "failed",
			(json_int_t)hc->failed, "rtt_us",
			(json_int_t)hc->rtt_us, "last_failure",
			health_check_why_name(hc->why), "http_status",
			(int)hc->status);

		json_array_append_new(arr,
			json_pack("{s:s, s:s, s:i, s:s, s:b, s:b, s:I, s:I, "
				  "s:I, s:I, s:I, s:I, s:I, s:s, s:o}",
				"service", v->name, "address", addr, "port",
				(int)rte_be_to_cpu_16(b->port), "health",
				health_cmd_word(v, b), "ejected", h->ejected,
				"detection", health_svc_enabled(v->id),
				"ejected_for_s", (json_int_t)left,
				"consecutive_failures",
				(json_int_t)h->consecutive, "ejections",
				(json_int_t)h->ejections, "connects_ok",
				(json_int_t)st.handshakes, "connects_refused",
				(json_int_t)st.connect_refused,
				"connects_unreachable",
				(json_int_t)st.connect_unreachable,
				"connects_timed_out",
				(json_int_t)st.connect_timeouts, "last_failure",
				health_why_name(h->why), "check", o));
		return;
	}
	console_table_row(ctx,
		"%s\t%s\t%u\t%s\t%s\t%u\t%u\t%s\t%llu\t%llu\t%s\t%s\t%s\t%s",
		v->name, addr, rte_be_to_cpu_16(b->port), health_cmd_word(v, b),
		health_svc_enabled(v->id) ? "on" : "off", h->consecutive,
		h->ejections, left_s, (unsigned long long)st.handshakes,
		(unsigned long long)(st.connect_refused +
			st.connect_unreachable + st.connect_timeouts),
		health_why_name(h->why), health_check_state_name(hc->state),
		rtt, health_check_why_name(hc->why));
}

static int
health_cmd_show(struct console_ctx *ctx, int argc, char **argv)
{
	static const char *const hdr[] = { "SERVICE", "ADDRESS", "PORT",
		"HEALTH", "DETECTION", "CONSECUTIVE", "EJECTIONS",
		"EJECTED_FOR_S", "CONNECTS_OK", "CONNECTS_FAILED",
		"LAST_FAILURE", "CHECK", "CHECK_RTT_US", "CHECK_FAILURE" };
	const struct svc_snap *s = weir_rcu_get(&weir.snap);
	json_t *arr = ctx->json ? json_array() : NULL;
	uint64_t now = ctl_now_ms();
	unsigned int i, j;
	bool found = false;

	if (!ctx->json)
		console_table_begin(ctx, RTE_DIM(hdr), hdr);
	for (i = 0; s != NULL && i < s->nb_svc; i++) {
		const struct svc *v = &s->svc[i];

		if (argc == 1 && strcmp(v->name, argv[0]) != 0)
			continue;
		found = true;
		for (j = 0; j < v->nb_be; j++)
			health_cmd_row(ctx, arr, v, &v->be[j], now);
	}
	if (argc == 1 && !found) {
		json_decref(arr);
		if (!ctx->json)
			console_table_end(ctx);
		return console_error(ctx,
			"no service '%s'; 'show services' lists them", argv[0]);
	}
	if (ctx->json)
		return console_json(ctx, arr);
	console_table_end(ctx);
	return 0;
}

static int
health_cmd_switch(struct console_ctx *ctx, char **argv, bool on)
{
	int id = svc_id_of(argv[0]);

	if (id < 0)
		return console_error(ctx,
			"no service '%s'; 'show services' lists them", argv[0]);
	health_svc_enable((uint16_t)id, on);
	event_log("admin", "service %s: health checking %s (console, level %s)",
		argv[0], on ? "enabled" : "disabled",
		console_level_name(ctx->level));
	console_printf(ctx, "service %s: health checking %s\n", argv[0],
		on ? "enabled" : "disabled (ejected backends returned)");
	return 0;
}

static int
health_cmd_enable(struct console_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	return health_cmd_switch(ctx, argv, true);
}

static int
health_cmd_disable(struct console_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	return health_cmd_switch(ctx, argv, false);
}

const struct console_cmd health_cmds[] = {
	{ { "show", "health", NULL }, "[<service>]",
		"per backend: health, failed connects in a row, ejections",
		CONSOLE_USER, 0, 1, CONSOLE_F_JSON, health_cmd_show },
	{ { "enable", "health", NULL }, "<service>",
		"turn the service's outlier detection and check ejections on",
		CONSOLE_OPERATOR, 1, 1, 0, health_cmd_enable },
	{ { "disable", "health", NULL }, "<service>",
		"turn it off; ejected backends return at once",
		CONSOLE_OPERATOR, 1, 1, 0, health_cmd_disable },
	{ .fn = NULL },
};

/* -- Counter sets ------------------------------------------------------ */

enum {
	HEALTH_V_EJECTED,
	HEALTH_V_EJECTIONS,
	HEALTH_V_CONSEC,
	HEALTH_V_CHECK_UP,
	HEALTH_V_CHECKS_PASSED,
	HEALTH_V_CHECKS_FAILED,
	HEALTH_V_CHECK_RTT,
	HEALTH_V_N
};
enum {
	HEALTH_SV_PANIC,
	HEALTH_SV_EJECTED,
	HEALTH_SV_N
};

static const struct stats_field health_be_fields[] = {
	{ .name = "ejected",
		.help = "1 while the backend is ejected by outlier detection",
		.type = STATS_GAUGE,
		.off = HEALTH_V_EJECTED },
	{ .name = "ejections",
		.help = "times outlier detection ejected the backend",
		.off = HEALTH_V_EJECTIONS },
	{ .name = "consecutive_failures",
		.help = "failed connects since its last successful one",
		.type = STATS_GAUGE,
		.off = HEALTH_V_CONSEC },
	{ .name = "check_up",
		.help = "1 while its active check says up (or has no verdict "
			"yet), 0 while down or unchecked",
		.type = STATS_GAUGE,
		.off = HEALTH_V_CHECK_UP },
	{ .name = "checks_passed",
		.help = "active checks passed",
		.off = HEALTH_V_CHECKS_PASSED },
	{ .name = "checks_failed",
		.help = "active checks failed",
		.off = HEALTH_V_CHECKS_FAILED },
	{ .name = "check_rtt",
		.help = "round trip of the last passed active check, seconds",
		.type = STATS_GAUGE,
		.off = HEALTH_V_CHECK_RTT,
		.metric = "health_check_rtt_seconds",
		.scale = 1000000 },
};

static const struct stats_field health_svc_fields[] = {
	{ .name = "panic",
		.help = "1 while too few backends are healthy and ejected "
			"ones take new flows too (panic_percent)",
		.type = STATS_GAUGE,
		.off = HEALTH_SV_PANIC },
	{ .name = "ejected_backends",
		.help = "backends ejected now",
		.type = STATS_GAUGE,
		.off = HEALTH_SV_EJECTED },
};

/* Cursor: service index in the high 32 bits, backend index in the low. */
static bool
health_be_next(
	const struct stats_set *set, uint64_t *cursor, struct stats_row *row)
{
	const struct svc_snap *s = weir_rcu_get(&weir.snap);
	unsigned int i = (unsigned int)(*cursor >> 32);
	unsigned int j = (unsigned int)*cursor;
	char addr[WEIR_ADDR_STR_SIZE];

	(void)set;
	for (; s != NULL && i < s->nb_svc; i++, j = 0) {
		const struct svc *v = &s->svc[i];
		const struct health_check_be *hc;
		const struct svc_backend *b;
		const struct health_be *h;

		if (j >= v->nb_be)
			continue;
		b = &v->be[j];
		h = health_be_get(b->id);
		row->labels[0] = v->name;
		health_cmd_addr(v, b, addr, sizeof(addr));
		snprintf(row->buf[1], sizeof(row->buf[1]),
			v->family == AF_INET6 ? "[%s]:%u" : "%s:%u", addr,
			rte_be_to_cpu_16(b->port));
		row->labels[1] = row->buf[1];
		row->vals[HEALTH_V_EJECTED] = h->ejected;
		row->vals[HEALTH_V_EJECTIONS] = h->ejections;
		row->vals[HEALTH_V_CONSEC] = h->consecutive;
		hc = health_check_get(b);
		row->vals[HEALTH_V_CHECK_UP] = hc->state == HEALTH_CHECK_UP ||
			hc->state == HEALTH_CHECK_INIT;
		row->vals[HEALTH_V_CHECKS_PASSED] = hc->passed;
		row->vals[HEALTH_V_CHECKS_FAILED] = hc->failed;
		row->vals[HEALTH_V_CHECK_RTT] = hc->rtt_us;
		*cursor = (uint64_t)i << 32 | (j + 1);
		return true;
	}
	*cursor = (uint64_t)i << 32;
	return false;
}

static bool
health_svc_next(
	const struct stats_set *set, uint64_t *cursor, struct stats_row *row)
{
	const struct svc_snap *s = weir_rcu_get(&weir.snap);
	unsigned int j, n = 0;
	const struct svc *v;

	(void)set;
	if (s == NULL || *cursor >= s->nb_svc)
		return false;
	v = &s->svc[*cursor];
	for (j = 0; j < v->nb_be; j++)
		n += health_be_get(v->be[j].id)->ejected;
	row->labels[0] = v->name;
	row->vals[HEALTH_SV_PANIC] = v->panic;
	row->vals[HEALTH_SV_EJECTED] = n;
	(*cursor)++;
	return true;
}

static const char *const health_be_labels[] = { "service", "backend", NULL };
static const char *const health_svc_labels[] = { "service", NULL };

static const struct stats_set health_be_set = {
	.name = "health",
	.help = "outlier detection of a backend (address:port)",
	.fields = health_be_fields,
	.nb_fields = RTE_DIM(health_be_fields),
	.nb_values = HEALTH_V_N,
	.labels = health_be_labels,
	.next = health_be_next,
};

static const struct stats_set health_svc_set = {
	.name = "health_service",
	.help = "health of a service",
	.fields = health_svc_fields,
	.nb_fields = RTE_DIM(health_svc_fields),
	.nb_values = HEALTH_SV_N,
	.labels = health_svc_labels,
	.next = health_svc_next,
};

const struct stats_set *const health_counter_sets[] = {
	&health_be_set,
	&health_svc_set,
	NULL,
};
