/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The console's own commands, about the process as a whole: show info,
 * show config, and the counter registry's views (show stats, show
 * counters, clear counters). Every module registers its own commands in
 * its module declaration; these are the console module's. Each is a row
 * of a static table (words, arguments, help, level, argument counts,
 * handler); the registry (lib/console) checks words, levels and counts
 * before a handler runs.
 *
 * Context: ctl.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <rte_common.h>
#include <rte_cycles.h>

#include "cfg.h"
#include "cmd.h"
#include "console.h"
#include "lb_stats.h"
#include "stats.h"
#include "weir.h"
#include "worker.h"

static uint64_t
cmd_sessions_total(void)
{
	return worker_counter_sum(WORKER_C_sessions);
}

static int
cmd_show_info(struct console_ctx *ctx, int argc, char **argv)
{
	uint64_t up = (rte_get_tsc_cycles() - weir.start_tsc) /
		rte_get_tsc_hz();

	(void)argc;
	(void)argv;
	if (ctx->json)
		return console_json(ctx,
			json_pack("{s:s, s:i, s:I, s:i, s:i, s:i, s:I, s:s}",
				"version", WEIR_VERSION, "pid", (int)getpid(),
				"uptime_s", (json_int_t)up, "workers",
				(int)weir.nb_workers, "ports",
				(int)weir.nb_ports, "services",
				(int)weir.conf->nb_services, "sessions",
				(json_int_t)cmd_sessions_total(), "config",
				weir.conf->file));
	console_printf(ctx, "weir %s, pid %d, up %llu s\n", WEIR_VERSION,
		(int)getpid(), (unsigned long long)up);
	console_printf(ctx, "config %s\n", weir.conf->file);
	console_printf(ctx,
		"%u workers, %u ports, %u services, %llu sessions\n",
		weir.nb_workers, weir.nb_ports, weir.conf->nb_services,
		(unsigned long long)cmd_sessions_total());
	return 0;
}

/* One line of 'show stats', or one member of its JSON object. */
struct cmd_stats_walk {
	struct console_ctx *ctx;
	json_t *obj; /* -j: the object being filled */
};

static void
cmd_stat_one(void *arg, const char *key, const char *help, enum stats_type type,
	uint64_t v)
{
	struct cmd_stats_walk *sw = arg;

	(void)type;
	if (sw->obj != NULL)
		json_object_set_new(sw->obj, key, json_integer((json_int_t)v));
	else
		console_table_row(sw->ctx, "%s\t%llu\t%s", key,
			(unsigned long long)v, help);
}

/* Every total of the registry, since 'clear counters'. */
static int
cmd_show_stats(struct console_ctx *ctx, int argc, char **argv)
{
	static const char *const hdr[] = { "COUNTER", "VALUE", "MEANING" };
	struct cmd_stats_walk sw = { .ctx = ctx };

	(void)argc;
	(void)argv;
	if (ctx->json)
		sw.obj = json_object();
	else
		console_table_begin(ctx, RTE_DIM(hdr), hdr);
	if (stats_totals(weir.stats, STATS_T_SINCE_CLEAR, cmd_stat_one, &sw) <
		0) {
		json_decref(sw.obj);
		return console_error(ctx, "out of memory");
	}
	if (ctx->json)
		return console_json(ctx, sw.obj);
	console_table_end(ctx);
	return 0;
}

/* "k=v,k=v" of a row's labels, "-" for a set of one instance. */
static const char *
cmd_row_name(const struct stats_set *s, const struct stats_row *row, char *buf,
	size_t size)
{
	size_t off = 0;
	unsigned int k;

	snprintf(buf, size, "-");
	for (k = 0; s->labels != NULL && s->labels[k] != NULL && off < size;
		k++)
		off += (size_t)snprintf(buf + off, size - off, "%s%s=%s",
			k ? "," : "", s->labels[k], row->labels[k]);
	return buf;
}

struct cmd_counters_walk {
	struct console_ctx *ctx;
	const char *instance; /* the row's name, for tables */
	json_t *counters;     /* -j: the row's counters */
};

static void
cmd_counter_one(void *arg, const char *key, const char *help, uint64_t v,
	const char *text)
{
	struct cmd_counters_walk *cw = arg;

	if (cw->counters != NULL) {
		json_object_set_new(cw->counters, key,
			text ? json_string(text) : json_integer((json_int_t)v));
		return;
	}
	if (text != NULL)
		console_table_row(cw->ctx, "%s\t%s\t%s\t%s", cw->instance, key,
			text, help);
	else
		console_table_row(cw->ctx, "%s\t%s\t%llu\t%s", cw->instance,
			key, (unsigned long long)v, help);
}

/* 'show counters <set>': every instance and value of one set. */
static int
cmd_show_set(struct console_ctx *ctx, const struct stats_set *s)
{
	static const char *const hdr[] = { "INSTANCE", "COUNTER", "VALUE",
		"MEANING" };
	struct cmd_counters_walk cw = { .ctx = ctx };
	json_t *arr = NULL;
	struct stats_table t;
	char name[4 * STATS_LABEL_SIZE];
	unsigned int i, k;

	if (stats_collect(s, &t) < 0)
		return console_error(ctx, "out of memory");
	if (ctx->json)
		arr = json_array();
	else
		console_table_begin(ctx, RTE_DIM(hdr), hdr);
	for (i = 0; i < t.nb_rows; i++) {
		json_t *labels;

		cw.instance = cmd_row_name(s, &t.rows[i], name, sizeof(name));
		if (arr == NULL) {
			stats_row_values(s, &t.rows[i], cmd_counter_one, &cw);
			continue;
		}
		labels = json_object();
		for (k = 0; s->labels != NULL && s->labels[k] != NULL; k++)
			json_object_set_new(labels, s->labels[k],
				json_string(t.rows[i].labels[k]));
		cw.counters = json_object();
		stats_row_values(s, &t.rows[i], cmd_counter_one, &cw);
		json_array_append_new(arr,
			json_pack("{s:o, s:o}", "labels", labels, "counters",
				cw.counters));
	}
	stats_table_free(&t);
	if (arr != NULL)
		return console_json(ctx,
			json_pack("{s:s, s:o}", "set", s->name, "instances",
				arr));
	console_table_end(ctx);
	return 0;
}

/* Every counter set: what one instance is, how many there are now. */
static int
cmd_show_counters(struct console_ctx *ctx, int argc, char **argv)
{
	static const char *const hdr[] = { "SET", "INSTANCES", "MEANING" };
	json_t *arr = ctx->json ? json_array() : NULL;
	unsigned int i;

	if (argc == 1) {
		const struct stats_set *s = stats_find(weir.stats, argv[0]);

		json_decref(arr);
		if (s == NULL)
			return console_error(ctx,
				"no counter set '%s'; 'show counters' lists "
				"them",
				argv[0]);
		return cmd_show_set(ctx, s);
	}
	if (arr == NULL)
		console_table_begin(ctx, RTE_DIM(hdr), hdr);
	for (i = 0; i < stats_nb_sets(weir.stats); i++) {
		const struct stats_set *s = stats_set_at(weir.stats, i);
		struct stats_table t;

		if (stats_collect(s, &t) < 0) {
			json_decref(arr);
			return console_error(ctx, "out of memory");
		}
		if (arr != NULL)
			json_array_append_new(arr,
				json_pack("{s:s, s:i, s:s}", "set", s->name,
					"instances", (int)t.nb_rows, "help",
					s->help));
		else
			console_table_row(
				ctx, "%s\t%u\t%s", s->name, t.nb_rows, s->help);
		stats_table_free(&t);
	}
	if (arr != NULL)
		return console_json(ctx, arr);
	console_table_end(ctx);
	return 0;
}

static int
cmd_show_config(struct console_ctx *ctx, int argc, char **argv)
{
	char *buf = NULL, *line, *save = NULL;
	size_t len = 0;
	FILE *f;

	(void)argc;
	(void)argv;
	f = open_memstream(&buf, &len);
	if (f == NULL)
		return console_error(ctx, "out of memory");
	cfg_conf_dump(weir.conf, f);
	fclose(f);
	for (line = strtok_r(buf, "\n", &save); line != NULL;
		line = strtok_r(NULL, "\n", &save))
		console_printf(ctx, "%s\n", line);
	free(buf);
	return 0;
}

static int
cmd_clear_counters(struct console_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	if (stats_clear(weir.stats) < 0)
		return console_error(ctx, "out of memory");
	lb_stats_clear();
	console_printf(ctx,
		"counters cleared for the console (telemetry and "
		"/metrics keep counting up)\n");
	return 0;
}

const struct console_cmd cmd_table[] = {
	{ { "show", "info", NULL }, "", "version, uptime, workers, sessions",
		CONSOLE_USER, 0, 0, CONSOLE_F_JSON, cmd_show_info },
	{ { "show", "stats", NULL }, "", "every counter, with its meaning",
		CONSOLE_USER, 0, 0, CONSOLE_F_JSON, cmd_show_stats },
	{ { "show", "counters", NULL }, "[<set>]",
		"counter sets, or every instance and value of one",
		CONSOLE_USER, 0, 1, CONSOLE_F_JSON, cmd_show_counters },
	{ { "show", "config", NULL }, "", "the running configuration",
		CONSOLE_USER, 0, 0, 0, cmd_show_config },
	{ { "clear", "counters", NULL }, "",
		"count from zero in this console's views", CONSOLE_OPERATOR, 0,
		0, 0, cmd_clear_counters },
	{ .fn = NULL },
};
