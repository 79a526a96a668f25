/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The loader's error context and typed getters (cfg_priv.h), shared by
 * the files that parse each part of the configuration (cfg.c: the process
 * and ports; cfg_svc.c: services and sessions; cfg_mgmt.c: management).
 * Every getter records "file:line: path.to.key: message" on failure, so
 * each part's parser only says what is wrong.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <libconfig.h>

#include "cfg_priv.h"

/* Append the dotted path of 's' ("ports[1].mtu") to buf at *off. */
static void
cfg_path(const config_setting_t *s, char *buf, size_t size, size_t *off)
{
	const config_setting_t *parent = config_setting_parent(s);
	int n;

	if (parent == NULL)
		return;
	cfg_path(parent, buf, size, off);
	if (*off >= size)
		return;
	if (config_setting_name(s) != NULL)
		n = snprintf(buf + *off, size - *off, "%s%s", *off ? "." : "",
			config_setting_name(s));
	else
		n = snprintf(buf + *off, size - *off, "[%d]",
			config_setting_index(s));
	*off += n > 0 ? (size_t)n : 0;
}

/*
 * Record "file:line: path[.key]: message" once; the first error wins because
 * later ones are usually its consequences. When 'key' names a member of 's'
 * that exists, the line is the member's own; a key missing at the top level
 * has no line at all, so the message reads "file: key: message".
 */
int
cfg_fail(struct cfg_ctx *c, const config_setting_t *s, const char *key,
	const char *fmt, ...)
{
	char path[256], msg[512];
	const char *file = NULL;
	unsigned int line = 0;
	va_list ap;

	if (c->failed)
		return -EINVAL;
	c->failed = 1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	path[0] = '\0';
	if (s != NULL) {
		size_t off = 0;

		cfg_path(s, path, sizeof(path), &off);
		if (key != NULL && config_setting_is_group(s) &&
			config_setting_get_member(s, key) != NULL)
			s = config_setting_get_member(s, key);
		file = config_setting_source_file(s);
		line = config_setting_source_line(s);
	}
	if (key != NULL) {
		size_t n = strlen(path);

		snprintf(path + n, sizeof(path) - n, "%s%s", n ? "." : "", key);
	}
	if (line > 0)
		snprintf(c->err, c->err_size, "%s:%u: %s%s%s",
			file ? file : c->file, line, path, path[0] ? ": " : "",
			msg);
	else
		snprintf(c->err, c->err_size, "%s: %s%s%s",
			file ? file : c->file, path, path[0] ? ": " : "", msg);
	return -EINVAL;
}

/* Reject members of group 's' that are not in the NULL-ended 'known'. */
int
cfg_check_keys(
	struct cfg_ctx *c, const config_setting_t *s, const char *const *known)
{
	int i, n = config_setting_length(s);

	for (i = 0; i < n; i++) {
		const config_setting_t *m = config_setting_get_elem(s, i);
		const char *name = config_setting_name(m);
		const char *const *k;

		for (k = known; *k != NULL; k++)
			if (strcmp(*k, name) == 0)
				break;
		if (*k == NULL)
			return cfg_fail(c, m, NULL, "unknown key");
	}
	return 0;
}

/*
 * Integer key 'key' of group 's' into *out: 'def' when absent (required
 * keys pass def < 0), else it must lie in [min, max] 'unit'.
 */
int
cfg_uint(struct cfg_ctx *c, const config_setting_t *s, const char *key,
	long long def, long long min, long long max, const char *unit,
	unsigned int *out)
{
	const config_setting_t *m = config_setting_get_member(s, key);
	long long v;

	if (m == NULL) {
		if (def < 0)
			return cfg_fail(c, s, key, "missing (%s, %lld to %lld)",
				unit, min, max);
		*out = (unsigned int)def;
		return 0;
	}
	if (config_setting_type(m) != CONFIG_TYPE_INT &&
		config_setting_type(m) != CONFIG_TYPE_INT64)
		return cfg_fail(c, m, NULL, "must be an integer (%s)", unit);
	v = config_setting_get_int64(m);
	if (v < min || v > max)
		return cfg_fail(c, m, NULL,
			"%lld is out of range: %lld to %lld %s", v, min, max,
			unit);
	*out = (unsigned int)v;
	return 0;
}

/* String key: NULL *out when absent and not 'required'. */
int
cfg_string(struct cfg_ctx *c, const config_setting_t *s, const char *key,
	bool required, const char **out)
{
	const config_setting_t *m = config_setting_get_member(s, key);

	*out = NULL;
	if (m == NULL)
		return required ? cfg_fail(c, s, key, "missing") : 0;
	if (config_setting_type(m) != CONFIG_TYPE_STRING)
		return cfg_fail(c, m, NULL, "must be a string");
	*out = config_setting_get_string(m);
	return 0;
}

int
cfg_copy(struct cfg_ctx *c, const config_setting_t *s, const char *key,
	const char *val, char *buf, size_t size)
{
	if (strlen(val) >= size || val[0] == '\0')
		return cfg_fail(
			c, s, key, "must be 1 to %zu characters", size - 1);
	memcpy(buf, val, strlen(val) + 1);
	return 0;
}

/* A list or array member 'key' of 's' (absent: *out = NULL). */
int
cfg_aggregate(struct cfg_ctx *c, const config_setting_t *s, const char *key,
	const config_setting_t **out)
{
	const config_setting_t *m = config_setting_get_member(s, key);

	*out = m;
	if (m != NULL && config_setting_type(m) != CONFIG_TYPE_LIST &&
		config_setting_type(m) != CONFIG_TYPE_ARRAY)
		return cfg_fail(
			c, m, NULL, "must be a list, [ ... ] or ( ... )");
	return 0;
}
