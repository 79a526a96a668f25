/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Start order of the modules (module.h): a stable topological sort. Each
 * step takes the first module, in the order given, whose 'after' modules
 * are all placed; so modules without dependencies keep the build's order
 * and the result is the same on every run. Quadratic in the number of
 * modules, a few dozen at most, once at start.
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
 * Check the 'after' names of module 'm': with 'placed' NULL, that each
 * names a module (else -EINVAL, named in 'err'); otherwise whether all
 * are placed already (1) or not (0).
 */
static int
module_deps(const struct weir_module *const *mods, unsigned int n,
	const struct weir_module *m, const bool *placed, char *err, size_t size)
{
	const char *p = m->after ? m->after : "";
	size_t len;
	int j;

	for (;;) {
		p += strspn(p, " \t");
		len = strcspn(p, " \t");
		if (len == 0)
			return 1;
		j = module_find(mods, n, p, len);
		if (j < 0) {
			snprintf(err, size,
				"module %s starts after '%.*s', "
				"which is no module",
				m->name, (int)len, p);
			return -EINVAL;
		}
		if (placed != NULL && !placed[j])
			return 0;
		p += len;
	}
}

int
module_order(const struct weir_module *const *mods, unsigned int n,
	const struct weir_module **out, char *err, size_t size)
{
	bool placed[MODULE_MAX];
	unsigned int i, k, nb_out = 0;
	size_t off;
	int rc;

	if (n > MODULE_MAX) {
		snprintf(err, size, "%u modules, at most %u", n, MODULE_MAX);
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		placed[i] = false;
		if (module_find(mods, i, mods[i]->name,
			    strlen(mods[i]->name)) >= 0) {
			snprintf(err, size, "module %s is in the table twice",
				mods[i]->name);
			return -EINVAL;
		}
		rc = module_deps(mods, n, mods[i], NULL, err, size);
		if (rc < 0)
			return rc;
	}
	while (nb_out < n) {
		for (i = 0; i < n; i++)
			if (!placed[i] &&
				module_deps(mods, n, mods[i], placed, err,
					size) == 1)
				break;
		if (i == n) {
			off = (size_t)snprintf(
				err, size, "modules wait for each other:");
			for (k = 0; k < n && off < size; k++)
				if (!placed[k])
					off += (size_t)snprintf(err + off,
						size - off, " %s (after %s)",
						mods[k]->name, mods[k]->after);
			return -EINVAL;
		}
		placed[i] = true;
		out[nb_out++] = mods[i];
	}
	return 0;
}
