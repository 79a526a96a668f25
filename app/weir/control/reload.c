/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Configuration reload and the state file, on the management thread.
 *
 * A reload (SIGHUP or 'reload') loads the file whole, refuses it if a
 * startup-only key changed or a module refuses it, and only then switches
 * weir.conf: modules re-read what they take from it, the state file's
 * admin states and weights apply again, and a new snapshot is published.
 * On any error the running configuration stays as it was.
 *
 * The state file (JSON, written atomically by lib/sd) records every
 * backend's weight and admin state: 'save state' writes it, the start and
 * every reload apply it, so runtime changes outlive both.
 *
 * The module's start comes last before the workers launch: it applies
 * the state file and publishes the first complete snapshot. Its console
 * commands are 'reload' and 'save state'.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "console.h"
#include "events.h"
#include "module.h"
#include "reload.h"
#include "sd.h"
#include "svc.h"
#include "weir.h"
#include "weir_log.h"

WEIR_LOG_TYPE("reload")

/*
 * SIGHUP: load the file again, check it whole, refuse it if a
 * startup-only key changed, else switch to it and publish. On any error
 * the running configuration stays as it was.
 */
int
reload_conf(char *msg, size_t size)
{
	struct cfg_conf *nc, *old = weir.conf;
	const char *diff;
	char err[1024];
	int rc;

	nc = cfg_conf_load(old->file, err, sizeof(err));
	if (nc == NULL) {
		snprintf(msg, size,
			"reload rejected, running configuration kept: %s", err);
		WEIR_LOG(ERR, "%s", msg);
		return -EINVAL;
	}
	diff = cfg_conf_startup_diff(old, nc);
	if (diff != NULL) {
		snprintf(msg, size,
			"reload rejected, running configuration "
			"kept: %s: '%s' changed and only takes effect at start; "
			"restart weir to apply it",
			nc->file, diff);
		WEIR_LOG(ERR, "%s", msg);
		cfg_conf_free(nc);
		return -EINVAL;
	}
	/* Every module may refuse it (the routes are made here), before
	 * anything changes. */
	rc = modules_reload_check(nc, msg, size);
	if (rc < 0) {
		WEIR_LOG(ERR, "%s", msg);
		cfg_conf_free(nc);
		return rc;
	}
	weir.conf = nc;
	rte_log_set_level_pattern(
		"weir.*", (uint32_t)cfg_log_level(nc->log_level));
	/* Modules re-read what they take from the file (ports, routes,
	 * discovery files), then the saved admin states apply again. */
	modules_reload();
	reload_state_apply();
	svc_publish("reload");
	/* Nothing reads 'old' any more: workers never look at the conf. */
	cfg_conf_free(old);
	snprintf(msg, size, "reloaded %s: %u services", nc->file,
		nc->nb_services);
	WEIR_LOG(NOTICE, "%s", msg);
	event_log("reload", "%s", msg);
	return 0;
}

int
reload_state_save(char *msg, size_t size)
{
	const struct cfg_conf *c = weir.conf;
	struct sd_saved *b;
	unsigned int i, j, n = 0;
	char err[512];
	int rc;

	if (c->mgmt.state_file[0] == '\0') {
		snprintf(msg, size, "no state_file is configured");
		return -ENOENT;
	}
	for (i = 0; i < c->nb_services; i++)
		n += c->services[i].nb_backends;
	b = calloc(n ? n : 1, sizeof(*b));
	if (b == NULL) {
		snprintf(msg, size, "out of memory");
		return -ENOMEM;
	}
	n = 0;
	for (i = 0; i < c->nb_services; i++)
		for (j = 0; j < c->services[i].nb_backends; j++, n++) {
			const struct cfg_backend *cb = &c->services[i]
								.backends[j];

			snprintf(b[n].service, sizeof(b[n].service), "%s",
				c->services[i].name);
			b[n].addr = cb->addr;
			b[n].port = cb->port;
			b[n].weight = cb->weight;
			b[n].state = cb->state;
		}
	rc = sd_state_save(c->mgmt.state_file, b, n, err, sizeof(err));
	free(b);
	if (rc < 0) {
		snprintf(msg, size, "state not saved: %s", err);
		return rc;
	}
	snprintf(msg, size, "saved %u backends to %s", n, c->mgmt.state_file);
	event_log("admin", "%s", msg);
	return 0;
}

int
reload_state_apply(void)
{
	const char *path = weir.conf->mgmt.state_file;
	struct sd_saved *b = NULL;
	unsigned int n = 0, i, applied = 0;
	char err[512];
	int rc;

	if (path[0] == '\0')
		return -ENOENT;
	rc = sd_state_load(path, &b, &n, err, sizeof(err));
	if (rc == -ENOENT)
		return rc;
	if (rc < 0) {
		WEIR_LOG(ERR, "state file ignored: %s", err);
		return rc;
	}
	/* Entries for services or backends no longer configured are skipped:
	 * the file records state, it never adds backends. */
	for (i = 0; i < n; i++) {
		struct cfg_service *s = cfg_service_find(
			weir.conf, b[i].service);
		int j = s ? cfg_backend_find(s, &b[i].addr, b[i].port) : -1;

		if (j < 0)
			continue;
		s->backends[j].weight = b[i].weight;
		s->backends[j].state = b[i].state;
		applied++;
	}
	free(b);
	WEIR_LOG(INFO, "state file %s: %u of %u entries applied", path, applied,
		n);
	return 0;
}

/*
 * Start, after the modules that make what workers read: the saved backend
 * states, and a snapshot with every next hop known so far (static
 * neighbors), so that no first packet meets a backend that is still
 * "unresolved" only because ctl has not looked yet. A snapshot that
 * cannot be built fails the start.
 */
static int
reload_start(void)
{
	reload_state_apply();
	return svc_publish("start");
}

/* Run a ctl action that says in one line what it did, or why not. */
static int
reload_cmd_action(struct console_ctx *ctx, int (*fn)(char *msg, size_t size))
{
	char msg[1200];

	if (fn(msg, sizeof(msg)) < 0)
		return console_error(ctx, "%s", msg);
	console_printf(ctx, "%s\n", msg);
	return 0;
}

static int
reload_cmd_reload(struct console_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return reload_cmd_action(ctx, reload_conf);
}

static int
reload_cmd_save_state(struct console_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return reload_cmd_action(ctx, reload_state_save);
}

static const struct console_cmd reload_cmds[] = {
	{ { "reload", NULL }, "", "read the configuration file again",
		CONSOLE_ADMIN, 0, 0, 0, reload_cmd_reload },
	{ { "save", "state", NULL }, "",
		"write admin states and weights to the state file",
		CONSOLE_ADMIN, 0, 0, 0, reload_cmd_save_state },
	{ .fn = NULL },
};

const struct weir_module reload_module = {
	.name = "reload",
	.after = "lb local discovery worker console metrics telemetry",
	.init = reload_start,
	.cmds = reload_cmds,
};
