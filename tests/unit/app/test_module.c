/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the module table's start order (app/weir/core/
 * module_order.c): dependencies first, the given order otherwise, and
 * every malformed table refused with a message that names the culprit.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "module.h"
#include "weir_cunit.h"

#define T_MAX 16 /* modules in a test table */

static const struct weir_module *t_out[T_MAX];
static char t_err[256];

/* The order as "a b c", or the error. */
static const char *
t_order(const struct weir_module *const *mods, unsigned int n)
{
	static char buf[256];
	size_t off = 0;
	unsigned int i;
	int rc;

	t_err[0] = '\0';
	rc = module_order(mods, n, t_out, t_err, sizeof(t_err));
	if (rc < 0) {
		snprintf(buf, sizeof(buf), "%d %s", rc, t_err);
		return buf;
	}
	buf[0] = '\0';
	for (i = 0; i < n; i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%s",
			i ? " " : "", t_out[i]->name);
	return buf;
}

static void
expect(const char *got, const char *want)
{
	if (strcmp(got, want) != 0)
		fprintf(stderr, "\n    got  '%s'\n    want '%s'\n", got, want);
	CU_ASSERT_STRING_EQUAL(got, want);
}

static void
test_order_without_deps_is_the_table(void)
{
	static const struct weir_module a = { .name = "a" },
					b = { .name = "b" },
					c = { .name = "c", .after = "" };
	const struct weir_module *mods[] = { &c, &a, &b };

	expect(t_order(mods, 3), "c a b");
	expect(t_order(mods, 0), "");
}

static void
test_order_puts_deps_first_stably(void)
{
	static const struct weir_module a = { .name = "a", .after = "b" },
					b = { .name = "b" },
					c = { .name = "c", .after = "a" },
					d = { .name = "d" },
					e = { .name = "e",
						.after = "  d\tb  c " };
	const struct weir_module *mods[] = { &a, &b, &c, &d, &e };

	/* b before a, a before c; d keeps its place among the free ones;
	 * e after all it names, blanks and tabs as separators. */
	expect(t_order(mods, 5), "b a c d e");
}

/* 'before' puts a module ahead of one that does not name it. */
static void
test_order_before_puts_itself_ahead(void)
{
	static const struct weir_module w = { .name = "worker",
		.after = "port" },
					p = { .name = "port" },
					lb = { .name = "lb",
						.after = "port",
						.before = "worker" },
					fl = { .name = "flowlog",
						.before = "worker metrics" },
					met = { .name = "metrics" };
	const struct weir_module *mods[] = { &w, &p, &met, &lb, &fl };

	/* worker waits for lb and flowlog; metrics for flowlog. */
	expect(t_order(mods, 5), "port lb flowlog worker metrics");
}

static void
test_order_refuses_unknown_name(void)
{
	static const struct weir_module a = { .name = "a", .after = "b zz" },
					b = { .name = "b" };
	const struct weir_module *mods[] = { &a, &b };

	static const struct weir_module c = { .name = "c", .before = "yy" };
	const struct weir_module *mods2[] = { &b, &c };

	expect(t_order(mods, 2),
		"-22 module a starts after 'zz', which is no module");
	expect(t_order(mods2, 2),
		"-22 module c starts before 'yy', which is no module");
}

static void
test_order_refuses_cycle_naming_it(void)
{
	static const struct weir_module a = { .name = "a", .after = "c" },
					b = { .name = "b" },
					c = { .name = "c", .after = "a" },
					d = { .name = "d", .before = "e" },
					e = { .name = "e", .before = "d" };
	const struct weir_module *mods[] = { &a, &b, &c };
	const struct weir_module *both[] = { &d, &e };

	expect(t_order(mods, 3),
		"-22 modules wait for each other: a (after c) c (after a)");
	/* Through 'before' too. */
	expect(t_order(both, 2),
		"-22 modules wait for each other: d (after e) e (after d)");
}

static void
test_order_refuses_duplicate_and_prefix_names(void)
{
	static const struct weir_module a1 = { .name = "a" },
					a2 = { .name = "a" },
					ab = { .name = "ab", .after = "abc" },
					abc = { .name = "abc" },
					x = { .name = "x", .after = "ab" };
	const struct weir_module *dup[] = { &a1, &a2 };
	const struct weir_module *pre[] = { &x, &ab, &abc };
	const struct weir_module *self[] = { &a1, &ab };

	expect(t_order(dup, 2), "-22 module a is in the table twice");
	/* "ab" names ab, not abc; "abc" names abc, not ab. */
	expect(t_order(pre, 3), "abc ab x");
	expect(t_order(self, 2),
		"-22 module ab starts after 'abc', "
		"which is no module");
}

static CU_TestInfo tests[] = {
	{ "order_without_deps_is_the_table",
		test_order_without_deps_is_the_table },
	{ "order_puts_deps_first_stably", test_order_puts_deps_first_stably },
	{ "order_before_puts_itself_ahead",
		test_order_before_puts_itself_ahead },
	{ "order_refuses_unknown_name", test_order_refuses_unknown_name },
	{ "order_refuses_cycle_naming_it", test_order_refuses_cycle_naming_it },
	{ "order_refuses_duplicate_and_prefix_names",
		test_order_refuses_duplicate_and_prefix_names },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = { { .pName = "module", .pTests = tests },
	CU_SUITE_INFO_NULL };

int
main(void)
{
	return weir_cunit_run(suites);
}
