/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The module table (module.h) and what runs over it: start and stop,
 * the counter registry, the console commands, reloads and timers. The
 * table itself comes from the build: module_list.h, generated from the
 * module folders, names each module's '<name>_module' definition.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>

#include "console.h"
#include "module.h"
#include "module_list.h"
#include "stats.h"
#include "weir.h"
#include "weir_log.h"

WEIR_LOG_TYPE("module")

#define MODULE_ERR_SIZE 512 /* bytes of an ordering error */

#define MODULE_EXTERN(n) extern const struct weir_module n##_module;
WEIR_MODULE_LIST(MODULE_EXTERN)
#undef MODULE_EXTERN

static const struct weir_module *const module_table[] = {
#define MODULE_ENTRY(n) &n##_module,
	WEIR_MODULE_LIST(MODULE_ENTRY)
#undef MODULE_ENTRY
};

#define MODULE_COUNT RTE_DIM(module_table)

static struct {
	const struct weir_module *order[MODULE_COUNT]; /* start order */
	unsigned int nb_ordered;
	unsigned int nb_started; /* inits run, failed one included */
	uint64_t *next_ms;	 /* per timer, modules in start order */
} mods;

int
modules_register_counters(struct stats_registry *r)
{
	unsigned int i, k;
	int rc;

	for (i = 0; i < mods.nb_ordered; i++) {
		const struct weir_module *m = mods.order[i];

		for (k = 0; m->counters != NULL && m->counters[k] != NULL;
			k++) {
			rc = stats_register(r, m->counters[k]);
			if (rc < 0) {
				WEIR_LOG(ERR, "module %s: counter set %s: %s",
					m->name, m->counters[k]->name,
					strerror(-rc));
				return rc;
			}
		}
	}
	return 0;
}

int
modules_register_cmds(struct console_registry *r)
{
	unsigned int i;
	int rc;

	for (i = 0; i < mods.nb_ordered; i++) {
		const struct weir_module *m = mods.order[i];
		unsigned int n = 0;

		while (m->cmds != NULL && m->cmds[n].fn != NULL)
			n++;
		if (n == 0)
			continue;
		rc = console_register(r, m->cmds, n);
		if (rc < 0) {
			WEIR_LOG(ERR, "module %s: console commands: %s",
				m->name, strerror(-rc));
			return rc;
		}
	}
	return 0;
}

int
modules_reload_check(const struct cfg_conf *nc, char *msg, size_t size)
{
	unsigned int i;
	int rc;

	for (i = 0; i < mods.nb_started; i++) {
		const struct weir_module *m = mods.order[i];

		if (m->reload_check == NULL)
			continue;
		rc = m->reload_check(nc, msg, size);
		if (rc < 0)
			return rc;
	}
	return 0;
}

void
modules_reload(void)
{
	unsigned int i;

	for (i = 0; i < mods.nb_started; i++)
		if (mods.order[i]->reload != NULL)
			mods.order[i]->reload();
}

void
modules_ready(void)
{
	unsigned int i;

	for (i = 0; i < mods.nb_started; i++)
		if (mods.order[i]->ready != NULL)
			mods.order[i]->ready();
}

int
modules_worker_init(struct worker *w)
{
	unsigned int i;
	int rc;

	for (i = 0; i < mods.nb_started; i++) {
		if (mods.order[i]->worker_init == NULL)
			continue;
		rc = mods.order[i]->worker_init(w);
		if (rc < 0)
			return rc;
	}
	return 0;
}

void
modules_worker_fini(struct worker *w)
{
	unsigned int i = mods.nb_started;

	while (i > 0) {
		i--;
		if (mods.order[i]->worker_fini != NULL)
			mods.order[i]->worker_fini(w);
	}
}

void
modules_timers_run(uint64_t now_ms)
{
	unsigned int i, k, t = 0;

	for (i = 0; i < mods.nb_started; i++) {
		const struct weir_module *m = mods.order[i];

		for (k = 0; k < m->nb_timers; k++, t++) {
			if (now_ms < mods.next_ms[t])
				continue;
			m->timers[k].fn(now_ms);
			mods.next_ms[t] = now_ms + m->timers[k].period_ms;
		}
	}
}

int
modules_init(void)
{
	char err[MODULE_ERR_SIZE], line[MODULE_ERR_SIZE];
	unsigned int i, nb_timers = 0;
	bool worker_seen;
	size_t off = 0;
	int rc;

	rc = module_order(
		module_table, MODULE_COUNT, mods.order, err, sizeof(err));
	if (rc < 0) {
		WEIR_LOG(ERR, "module table: %s", err);
		return rc;
	}
	mods.nb_ordered = MODULE_COUNT;
	for (i = 0; i < MODULE_COUNT; i++) {
		nb_timers += mods.order[i]->nb_timers;
		off += (size_t)snprintf(line + off,
			off < sizeof(line) ? sizeof(line) - off : 0, " %s",
			mods.order[i]->name);
	}
	WEIR_LOG(DEBUG, "modules:%s", line);
	/* The worker module sets up every per-worker part it knows of:
	 * those of the modules started before it. */
	for (i = 0, worker_seen = false; i < MODULE_COUNT; i++) {
		const struct weir_module *m = mods.order[i];

		worker_seen |= strcmp(m->name, "worker") == 0;
		if (worker_seen && (m->worker_init || m->worker_fini)) {
			WEIR_LOG(ERR,
				"module %s has per-worker state but starts "
				"after the worker module: give it .before = "
				"\"worker\"",
				m->name);
			return -EINVAL;
		}
	}
	/* Every timer is due at the first turn of the loop. */
	mods.next_ms = calloc(nb_timers ? nb_timers : 1, sizeof(uint64_t));
	/* The registry lives as long as the process, never freed: DPDK's
	 * telemetry thread reads it and its handlers cannot be removed. */
	if (weir.stats == NULL)
		weir.stats = stats_registry_create();
	if (mods.next_ms == NULL || weir.stats == NULL)
		return -ENOMEM;
	/* Before any init: a malformed set is a bug to see at once, and
	 * readers find every set from the start. */
	rc = modules_register_counters(weir.stats);
	if (rc < 0)
		return rc;
	for (i = 0; i < MODULE_COUNT; i++) {
		const struct weir_module *m = mods.order[i];

		mods.nb_started = i + 1;
		rc = m->init != NULL ? m->init() : 0;
		if (rc < 0) {
			WEIR_LOG(ERR, "start-up failed in %s: %s", m->name,
				strerror(-rc));
			modules_fini();
			return rc;
		}
	}
	return 0;
}

void
modules_fini(void)
{
	while (mods.nb_started > 0) {
		const struct weir_module *m = mods.order[--mods.nb_started];

		if (m->fini != NULL)
			m->fini();
	}
	free(mods.next_ms);
	mods.next_ms = NULL;
}
