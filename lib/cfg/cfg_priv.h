/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internals shared by the loader's files (cfg.c: the process and ports;
 * cfg_svc.c: services and sessions; cfg_mgmt.c: management): the error
 * context and the typed getters (cfg_get.c), each of which records
 * "file:line: path: message" on failure, and the parts' entry points.
 */
#ifndef CFG_PRIV_H
#define CFG_PRIV_H

#include <stdbool.h>
#include <stddef.h>

#include <libconfig.h>

#include "cfg_types.h"

struct cfg_ctx {
	const char *file; /* top-level file, for errors without a setting */
	char *err;
	size_t err_size;
	int failed; /* an error was recorded */
};

/* Record an error at setting 's' (or its member 'key'). @return -EINVAL. */
int cfg_fail(struct cfg_ctx *c, const config_setting_t *s, const char *key,
	const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Reject members of group 's' not in the NULL-ended 'known'. */
int cfg_check_keys(
	struct cfg_ctx *c, const config_setting_t *s, const char *const *known);

/* Integer member in [min, max] 'unit'; 'def' when absent, def < 0: required. */
int cfg_uint(struct cfg_ctx *c, const config_setting_t *s, const char *key,
	long long def, long long min, long long max, const char *unit,
	unsigned int *out);

/* String member; *out NULL when absent and not 'required'. */
int cfg_string(struct cfg_ctx *c, const config_setting_t *s, const char *key,
	bool required, const char **out);

/* Copy 'val' of member 'key' into buf, 1..size-1 characters. */
int cfg_copy(struct cfg_ctx *c, const config_setting_t *s, const char *key,
	const char *val, char *buf, size_t size);

/* List or array member; *out NULL when absent. */
int cfg_aggregate(struct cfg_ctx *c, const config_setting_t *s, const char *key,
	const config_setting_t **out);

/* Parse 'sessions', 'hash_seed', 'local_ports' and 'services' (cfg_svc.c). */
int cfg_parse_services(
	struct cfg_ctx *c, const config_setting_t *root, struct cfg_conf *conf);

/* Parse 'console', 'metrics', 'state_file', 'events', 'flow_log',
 * 'log_target' (cfg_mgmt.c). */
int cfg_parse_mgmt(
	struct cfg_ctx *c, const config_setting_t *root, struct cfg_conf *conf);

/* Free what cfg_parse_services() allocated. */
void cfg_services_free(struct cfg_conf *conf);

#endif /* CFG_PRIV_H */
