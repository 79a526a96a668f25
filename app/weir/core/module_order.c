/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Start order of the modules (module.h): a stable topological sort. Module
 * A must start after B when A's 'after' names B or B's 'before' names A;
 * each step takes the first module, in the order given, whose modules to
 * start after are all placed, so modules without dependencies keep the
 * build's order and the result is the same on every run. 'before' lets a
 * module put itself ahead of another without that one naming it (a stage
 * with per-worker state starts before "worker"). Quadratic in the number
 * of modules, a few dozen at most, once at start.
 *
 * Pure, so that the unit tests check the order without starting anything.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "module.h"

#define MODULE_MAX 64 /* modules in one table */

/* The index of module 'name' (len bytes) in 'mods', or -1. */
static int
module_find(const struct weir_module *const *mods, unsigned int n,
	const char *name, size_t len)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (strlen(mods[i]->name) == len &&
			strncmp(mods[i]->name, name, len) == 0)
			return (int)i;
	return -1;
}

/*
 * Add to 'dep' (a matrix: dep[a][b], a starts after b) the names of
 * 'list', module 'm''s 'after' (is_before false) or 'before' list.
 * @return 0, or -EINVAL with 'err' naming a name that is no module.
 */
static int
module_list_deps(const struct weir_module *const *mods, unsigned int n,
	unsigned int m, bool is_before, bool (*dep)[MODULE_MAX], char *err,
	size_t size)
{
	const char *p = is_before ? mods[m]->before : mods[m]->after;
	size_t len;
	int j;

	for (p = p ? p : "";; p += len) {
		p += strspn(p, " \t");
		len = strcspn(p, " \t");
		if (len == 0)
			return 0;
		j = module_find(mods, n, p, len);
		if (j < 0) {
			snprintf(err, size,
				"module %s starts %s '%.*s', which is no "
				"module",
				mods[m]->name, is_before ? "before" : "after",
				(int)len, p);
			return -EINVAL;
		}
		if (is_before)
			dep[j][m] = true;
		else
			dep[m][j] = true;
	}
}

int
module_order(const struct weir_module *const *mods, unsigned int n,
	const struct weir_module **out, char *err, size_t size)
{
	static bool dep[MODULE_MAX][MODULE_MAX];
	bool placed[MODULE_MAX];
	unsigned int i, j, k, nb_out = 0;
	size_t off;
	int rc;

	if (n > MODULE_MAX) {
		snprintf(err, size, "%u modules, at most %u", n, MODULE_MAX);
		return -EINVAL;
	}
	memset(dep, 0, sizeof(dep));
	for (i = 0; i < n; i++) {
		placed[i] = false;
		if (module_find(mods, i, mods[i]->name,
			    strlen(mods[i]->name)) >= 0) {
			snprintf(err, size, "module %s is in the table twice",
				mods[i]->name);
			return -EINVAL;
		}
	}
	for (i = 0; i < n; i++) {
		rc = module_list_deps(mods, n, i, false, dep, err, size);
		if (rc == 0)
			rc = module_list_deps(mods, n, i, true, dep, err, size);
		if (rc < 0)
			return rc;
	}
	while (nb_out < n) {
		for (i = 0; i < n; i++) {
			if (placed[i])
				continue;
			for (j = 0; j < n && !(dep[i][j] && !placed[j]); j++)
				;
			if (j == n)
				break;
		}
		if (i == n) {
			off = (size_t)snprintf(
				err, size, "modules wait for each other:");
			for (k = 0; k < n && off < size; k++) {
				if (placed[k])
					continue;
				off += (size_t)snprintf(err + off, size - off,
					" %s (after", mods[k]->name);
				for (j = 0; j < n && off < size; j++)
					if (dep[k][j] && !placed[j])
						off += (size_t)snprintf(
							err + off, size - off,
							" %s", mods[j]->name);
				if (off < size)
					off += (size_t)snprintf(
						err + off, size - off, ")");
			}
			return -EINVAL;
		}
		placed[i] = true;
		out[nb_out++] = mods[i];
	}
	return 0;
}
