/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Event log: a ring of the last events.keep events in memory and, when
 * configured, a JSON-lines file appended as they happen (written with
 * jansson, flushed per event so a crash loses none). The ring is what
 * 'show events' and weirctl read; the file is for shipping elsewhere.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "console.h"
#include "events.h"
#include "module.h"
#include "weir.h"
#include "weir_log.h"

WEIR_LOG_TYPE("event")

static struct {
	struct event *ring;
	unsigned int size; /* events */
	uint64_t seq;	   /* last assigned */
	FILE *file;
} ev;

static int
events_init(void)
{
	const struct cfg_mgmt *m = &weir.conf->mgmt;

	ev.size = m->events_keep;
	ev.ring = calloc(ev.size, sizeof(*ev.ring));
	if (ev.ring == NULL)
		return -ENOMEM;
	if (m->events_file[0] != '\0') {
		ev.file = fopen(m->events_file, "ae");
		if (ev.file == NULL) {
			WEIR_LOG(ERR, "events.file %s: %s", m->events_file,
				strerror(errno));
			return -errno;
		}
	}
	return 0;
}

static void
events_fini(void)
{
	if (ev.file != NULL)
		fclose(ev.file);
	ev.file = NULL;
	free(ev.ring);
	ev.ring = NULL;
}

/* RFC 3339 UTC with milliseconds. */
static void
events_time(const struct timespec *t, char *buf, size_t size)
{
	struct tm tm;
	size_t n;

	gmtime_r(&t->tv_sec, &tm);
	n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, size - n, ".%03ldZ", t->tv_nsec / 1000000);
}

void
event_log(const char *kind, const char *fmt, ...)
{
	struct event *e;
	char when[40];
	va_list ap;

	if (ev.ring == NULL)
		return;
	e = &ev.ring[ev.seq % ev.size];
	e->seq = ++ev.seq;
	clock_gettime(CLOCK_REALTIME, &e->time);
	snprintf(e->kind, sizeof(e->kind), "%s", kind);
	va_start(ap, fmt);
	vsnprintf(e->text, sizeof(e->text), fmt, ap);
	va_end(ap);
	WEIR_LOG(NOTICE, "event %s: %s", e->kind, e->text);
	if (ev.file != NULL) {
		json_t *j;

		events_time(&e->time, when, sizeof(when));
		j = json_pack("{s:s, s:I, s:s, s:s}", "time", when, "seq",
			(json_int_t)e->seq, "kind", e->kind, "text", e->text);
		if (j != NULL) {
			json_dumpf(j, ev.file, JSON_COMPACT);
			fputc('\n', ev.file);
			fflush(ev.file);
			json_decref(j);
		}
	}
}

void
events_walk(
	unsigned int n, void (*cb)(void *arg, const struct event *e), void *arg)
{
	uint64_t first, s;

	if (ev.ring == NULL || ev.seq == 0)
		return;
	first = ev.seq > ev.size ? ev.seq - ev.size + 1 : 1;
	if (n != 0 && ev.seq - first + 1 > n)
		first = ev.seq - n + 1;
	for (s = first; s <= ev.seq; s++)
		cb(arg, &ev.ring[(s - 1) % ev.size]);
}

static void
events_cmd_one(void *arg, const struct event *e)
{
	void **a = arg;
	struct console_ctx *ctx = a[0];
	json_t *arr = a[1];
	char when[40];
	struct tm tm;

	gmtime_r(&e->time.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (arr != NULL)
		json_array_append_new(arr,
			json_pack("{s:I, s:s, s:s, s:s}", "seq",
				(json_int_t)e->seq, "time", when, "kind",
				e->kind, "text", e->text));
	else
		console_printf(ctx, "%llu %s %s %s\n",
			(unsigned long long)e->seq, when, e->kind, e->text);
}

static int
events_cmd_show(struct console_ctx *ctx, int argc, char **argv)
{
	unsigned long n = 20;
	void *a[2] = { ctx, NULL };

	if (argc == 1 &&
		console_uint(ctx, argv[0], 100000, "number of events", &n) < 0)
		return -EINVAL;
	if (ctx->json)
		a[1] = json_array();
	events_walk((unsigned int)n, events_cmd_one, a);
	return ctx->json ? console_json(ctx, a[1]) : 0;
}

static const struct console_cmd events_cmds[] = {
	{ { "show", "events", NULL }, "[<n>]",
		"the last n events (admin, reload, discovery; default 20)",
		CONSOLE_USER, 0, 1, CONSOLE_F_JSON, events_cmd_show },
	{ .fn = NULL },
};

const struct weir_module events_module = {
	.name = "events",
	.init = events_init,
	.fini = events_fini,
	.cmds = events_cmds,
};
