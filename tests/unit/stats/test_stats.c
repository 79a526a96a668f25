/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the Prometheus text renderer (lib/stats/prom.c). Small
 * outputs are compared whole against text written out here, so a missing
 * space or a wrong escape is a failure. Every rendered page is also run
 * through a checker of the exposition format (version 0.0.4) written in
 * this file from the format's description rather than from the renderer:
 * HELP and TYPE lines, metric and label names, label value escapes, values,
 * and which series may follow which TYPE. The checker is itself tested on
 * lines it must refuse, so a checker that accepts everything cannot pass.
 * The growth test renders past 1 MB and compares against text built with
 * snprintf() alone.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weir_cunit.h"
#include "prom.h"

#define MSG_SIZE 256	       /* bytes of a checker message */
#define FAMILIES_MAX 64	       /* families in one checked page */
#define GROW_TARGET (1u << 20) /* bytes: the growth test passes 1 MB */

/*
 * Exposition format checker.
 */

struct expo {
	const char *p;		     /* next byte of the line */
	char fam[FAMILIES_MAX][128]; /* names declared by TYPE */
	char fam_type[FAMILIES_MAX][16];
	unsigned int nb_fam;
	char help[128]; /* name of the last HELP */
};

static bool
expo_name(struct expo *x, bool is_label, char *out, size_t size)
{
	const char *s = x->p;
	size_t n;

	while ((*x->p >= 'a' && *x->p <= 'z') ||
		(*x->p >= 'A' && *x->p <= 'Z') || *x->p == '_' ||
		(!is_label && *x->p == ':') ||
		(x->p != s && *x->p >= '0' && *x->p <= '9'))
		x->p++;
	n = (size_t)(x->p - s);
	if (n == 0 || n >= size)
		return false;
	memcpy(out, s, n);
	out[n] = '\0';
	return true;
}

static bool
expo_digits(struct expo *x)
{
	const char *s = x->p;

	while (*x->p >= '0' && *x->p <= '9')
		x->p++;
	return x->p != s;
}

/* A Go float as ParseFloat takes it, or +Inf, -Inf, NaN. */
static bool
expo_value(struct expo *x)
{
	static const char *const special[] = { "+Inf", "-Inf", "NaN" };
	unsigned int i;

	for (i = 0; i < 3; i++)
		if (strncmp(x->p, special[i], strlen(special[i])) == 0) {
			x->p += strlen(special[i]);
			return true;
		}
	if (*x->p == '+' || *x->p == '-')
		x->p++;
	if (!expo_digits(x))
		return false;
	if (*x->p == '.' && (x->p++, !expo_digits(x)))
		return false;
	if (*x->p == 'e' || *x->p == 'E') {
		x->p++;
		if (*x->p == '+' || *x->p == '-')
			x->p++;
		if (!expo_digits(x))
			return false;
	}
	return true;
}

/* "..." with only \\, \" and \n escapes; 'le' receives it unescaped. */
static bool
expo_label_value(struct expo *x, char *le, size_t size)
{
	size_t n = 0;

	if (*x->p++ != '"')
		return false;
	for (; *x->p != '"'; x->p++) {
		char c = *x->p;

		if (c == '\0')
			return false;
		if (c == '\\') {
			x->p++;
			if (*x->p != '\\' && *x->p != '"' && *x->p != 'n')
				return false;
			c = *x->p == 'n' ? '\n' : *x->p;
		}
		if (n + 1 < size)
			le[n++] = c;
	}
	x->p++;
	le[n] = '\0';
	return true;
}

static int
expo_family(const struct expo *x, const char *name)
{
	unsigned int i;

	for (i = 0; i < x->nb_fam; i++)
		if (strcmp(x->fam[i], name) == 0)
			return (int)i;
	return -1;
}

/* Which series a family of 'type' named 'fam' may have, by suffix. */
static bool
expo_series_ok(const char *fam, const char *type, const char *name, bool has_le)
{
	size_t n = strlen(fam);

	if (strncmp(name, fam, n) != 0)
		return false;
	name += n;
	if (strcmp(type, "histogram") != 0)
		return *name == '\0' && !has_le;
	if (strcmp(name, "_bucket") == 0)
		return has_le;
	return (strcmp(name, "_sum") == 0 || strcmp(name, "_count") == 0) &&
		!has_le;
}

static const char *
expo_sample(struct expo *x)
{
	char name[128], label[128], value[128];
	bool has_le = false;
	int f;

	if (!expo_name(x, false, name, sizeof(name)))
		return "bad metric name";
	if (*x->p == '{') {
		x->p++;
		while (*x->p != '}') {
			if (!expo_name(x, true, label, sizeof(label)))
				return "bad label name";
			if (*x->p++ != '=')
				return "no '=' after label name";
			if (!expo_label_value(x, value, sizeof(value)))
				return "bad label value";
			if (strcmp(label, "le") == 0)
				has_le = true;
			if (*x->p == ',')
				x->p++;
			else if (*x->p != '}')
				return "no ',' or '}' after label";
		}
		x->p++;
	}
	if (*x->p++ != ' ')
		return "no space before value";
	if (!expo_value(x))
		return "bad value";
	if (*x->p == ' ') {
		x->p++;
		if (*x->p == '-')
			x->p++;
		if (!expo_digits(x))
			return "bad timestamp";
	}
	if (*x->p != '\0')
		return "junk after value";
	/* The series belongs to the family of the latest TYPE. */
	if (x->nb_fam == 0)
		return "sample before any TYPE";
	f = (int)x->nb_fam - 1;
	if (!expo_series_ok(x->fam[f], x->fam_type[f], name, has_le))
		return "sample outside its family";
	return NULL;
}

static const char *
expo_comment(struct expo *x)
{
	static const char *const types[] = { "counter", "gauge", "histogram",
		"summary", "untyped" };
	char name[128];
	unsigned int i;

	if (strncmp(x->p, "# HELP ", 7) == 0) {
		x->p += 7;
		if (!expo_name(x, false, name, sizeof(name)))
			return "bad name in HELP";
		if (*x->p != '\0' && *x->p++ != ' ')
			return "no space after HELP name";
		for (; *x->p != '\0'; x->p++) {
			if (*x->p != '\\')
				continue;
			x->p++;
			if (*x->p != '\\' && *x->p != 'n')
				return "bad escape in HELP";
		}
		snprintf(x->help, sizeof(x->help), "%s", name);
		return NULL;
	}
	if (strncmp(x->p, "# TYPE ", 7) != 0)
		return "comment that is neither HELP nor TYPE";
	x->p += 7;
	if (!expo_name(x, false, name, sizeof(name)))
		return "bad name in TYPE";
	if (*x->p++ != ' ')
		return "no space after TYPE name";
	for (i = 0; i < 5; i++)
		if (strcmp(x->p, types[i]) == 0)
			break;
	if (i == 5)
		return "unknown type";
	if (expo_family(x, name) >= 0)
		return "family declared twice";
	if (strcmp(x->help, name) != 0)
		return "TYPE without HELP just before";
	if (x->nb_fam == FAMILIES_MAX)
		return "too many families for the checker";
	snprintf(x->fam[x->nb_fam], sizeof(x->fam[0]), "%s", name);
	snprintf(x->fam_type[x->nb_fam], sizeof(x->fam_type[0]), "%s", x->p);
	x->nb_fam++;
	return NULL;
}

/*
 * Check a whole page. @return true if valid; otherwise false with 'msg'
 * naming the line and the problem.
 */
static bool
expo_check(const char *text, char *msg, size_t size)
{
	struct expo *x = calloc(1, sizeof(*x));
	const char *line = text, *nl, *why = NULL;
	unsigned int lineno = 0;
	char *buf = NULL;

	if (x == NULL)
		abort();
	while (*line != '\0' && why == NULL) {
		lineno++;
		nl = strchr(line, '\n');
		if (nl == NULL) {
			why = "last line has no newline";
			break;
		}
		free(buf);
		buf = strndup(line, (size_t)(nl - line));
		if (buf == NULL)
			abort();
		x->p = buf;
		if (buf[0] == '\0')
			why = "empty line";
		else if (buf[0] == '#')
			why = expo_comment(x);
		else
			why = expo_sample(x);
		line = nl + 1;
	}
	if (why != NULL)
		snprintf(msg, size, "line %u: %s", lineno, why);
	free(buf);
	free(x);
	return why == NULL;
}

/* 'b' must hold exactly 'want', with no error, and pass the checker. */
static void
expect_text(const struct prom_buf *b, const char *want)
{
	char msg[MSG_SIZE];
	bool ok;

	CU_ASSERT_EQUAL(prom_buf_error(b), 0);
	if (strcmp(prom_buf_data(b), want) != 0)
		fprintf(stderr, "\n    want:\n%s    got:\n%s", want,
			prom_buf_data(b));
	CU_ASSERT_STRING_EQUAL(prom_buf_data(b), want);
	CU_ASSERT_EQUAL(prom_buf_len(b), strlen(want));
	ok = expo_check(prom_buf_data(b), msg, sizeof(msg));
	if (!ok)
		fprintf(stderr, "\n    checker: %s\n", msg);
	CU_ASSERT_TRUE(ok);
}

static struct prom_buf *
buf_new(void)
{
	struct prom_buf *b = prom_buf_create();

	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT_STRING_EQUAL(prom_buf_data(b), "");
	CU_ASSERT_EQUAL(prom_buf_len(b), 0);
	return b;
}

static void
test_counter_no_labels_exact(void)
{
	struct prom_buf *b = buf_new();

	prom_family(b, "weir_rx_packets_total", "counter",
		"Packets received on all ports.");
	prom_sample(b, "weir_rx_packets_total", NULL, 42);
	expect_text(b,
		"# HELP weir_rx_packets_total Packets received on all ports.\n"
		"# TYPE weir_rx_packets_total counter\n"
		"weir_rx_packets_total 42\n");
	prom_buf_destroy(b);
}

static void
test_counter_labels_exact(void)
{
	static const char *const p0q1[] = { "port", "p0", "queue", "1", NULL };
	static const char *const p1q0[] = { "port", "p1", "queue", "0", NULL };
	static const char *const none[] = { NULL };
	struct prom_buf *b = buf_new();

	prom_family(b, "weir_drops_total", "counter", "Packets dropped.");
	prom_sample(b, "weir_drops_total", p0q1, 7);
	prom_sample(b, "weir_drops_total", p1q0, 0);
	/* An empty label list is no braces, like NULL. */
	prom_sample(b, "weir_drops_total", none, 1);
	expect_text(b,
		"# HELP weir_drops_total Packets dropped.\n"
		"# TYPE weir_drops_total counter\n"
		"weir_drops_total{port=\"p0\",queue=\"1\"} 7\n"
		"weir_drops_total{port=\"p1\",queue=\"0\"} 0\n"
		"weir_drops_total 1\n");
	prom_buf_destroy(b);
}

static void
test_gauge_exact(void)
{
	static const char *const vip[] = { "service", "web4", NULL };
	struct prom_buf *b = buf_new();

	prom_family(b, "weir_backends_up", "gauge", "Backends taking flows.");
	prom_sample(b, "weir_backends_up", vip, 0);
	/* Colons are allowed in metric names (recording rules use them). */
	prom_family(b, "weir:flows:max", "gauge", "Flow table size.");
	prom_sample(b, "weir:flows:max", NULL, UINT64_MAX);
	expect_text(b,
		"# HELP weir_backends_up Backends taking flows.\n"
		"# TYPE weir_backends_up gauge\n"
		"weir_backends_up{service=\"web4\"} 0\n"
		"# HELP weir:flows:max Flow table size.\n"
		"# TYPE weir:flows:max gauge\n"
		"weir:flows:max 18446744073709551615\n");
	prom_buf_destroy(b);
}

/* Each special character alone, then together, then ones left alone. */
static void
test_label_value_escaped(void)
{
	static const char *const bs[] = { "v", "a\\b", NULL };
	static const char *const dq[] = { "v", "a\"b", NULL };
	static const char *const nl[] = { "v", "a\nb", NULL };
	static const char *const all[] = { "v", "\\\"\n\\n", NULL };
	static const char *const plain[] = { "v", "}{,= \t'\xc3\xa9", NULL };
	static const char *const empty[] = { "v", "", NULL };
	struct prom_buf *b = buf_new();

	prom_family(b, "m", "gauge", "h");
	prom_sample(b, "m", bs, 1);
	prom_sample(b, "m", dq, 2);
	prom_sample(b, "m", nl, 3);
	prom_sample(b, "m", all, 4);
	prom_sample(b, "m", plain, 5);
	prom_sample(b, "m", empty, 6);
	expect_text(b,
		"# HELP m h\n"
		"# TYPE m gauge\n"
		"m{v=\"a\\\\b\"} 1\n"
		"m{v=\"a\\\"b\"} 2\n"
		"m{v=\"a\\nb\"} 3\n"
		"m{v=\"\\\\\\\"\\n\\\\n\"} 4\n"
		"m{v=\"}{,= \t'\xc3\xa9\"} 5\n"
		"m{v=\"\"} 6\n");
	prom_buf_destroy(b);
}

/* HELP escapes backslash and newline but not the double quote. */
static void
test_help_escaped(void)
{
	struct prom_buf *b = buf_new();

	prom_family(b, "a", "counter", "back\\slash");
	prom_family(b, "b", "counter", "new\nline");
	prom_family(b, "c", "counter", "\"quoted\" \\n");
	prom_family(b, "d", "gauge", "");
	expect_text(b,
		"# HELP a back\\\\slash\n# TYPE a counter\n"
		"# HELP b new\\nline\n# TYPE b counter\n"
		"# HELP c \"quoted\" \\\\n\n# TYPE c counter\n"
		"# HELP d \n# TYPE d gauge\n");
	prom_buf_destroy(b);
}

static void
test_histogram_cumulative_exact(void)
{
	static const char *const l[] = { "service", "web4", NULL };
	static const uint64_t le[] = { 1, 10, 100 };
	static const uint64_t counts[] = { 2, 3, 0 };
	struct prom_buf *b = buf_new();

	prom_family(b, "weir_probe_us", "histogram", "Probe time, us.");
	prom_histogram(b, "weir_probe_us", l, le, counts, 3, 57);
	expect_text(b,
		"# HELP weir_probe_us Probe time, us.\n"
		"# TYPE weir_probe_us histogram\n"
		"weir_probe_us_bucket{service=\"web4\",le=\"1\"} 2\n"
		"weir_probe_us_bucket{service=\"web4\",le=\"10\"} 5\n"
		"weir_probe_us_bucket{service=\"web4\",le=\"100\"} 5\n"
		"weir_probe_us_bucket{service=\"web4\",le=\"+Inf\"} 5\n"
		"weir_probe_us_sum{service=\"web4\"} 57\n"
		"weir_probe_us_count{service=\"web4\"} 5\n");
	prom_buf_destroy(b);
}

/* A last bound of PROM_LE_INF is the overflow bucket, not an extra one. */
static void
test_histogram_overflow_bucket_is_inf(void)
{
	static const uint64_t le[] = { 1, 10, PROM_LE_INF };
	static const uint64_t counts[] = { 2, 3, 4 };
	struct prom_buf *b = buf_new();

	prom_family(b, "h", "histogram", "x");
	prom_histogram(b, "h", NULL, le, counts, 3, 1000);
	expect_text(b,
		"# HELP h x\n# TYPE h histogram\n"
		"h_bucket{le=\"1\"} 2\n"
		"h_bucket{le=\"10\"} 5\n"
		"h_bucket{le=\"+Inf\"} 9\n"
		"h_sum 1000\n"
		"h_count 9\n");
	prom_buf_destroy(b);
}

static void
test_histogram_no_buckets_inf_only(void)
{
	struct prom_buf *b = buf_new();

	prom_family(b, "h", "histogram", "x");
	prom_histogram(b, "h", NULL, NULL, NULL, 0, 0);
	expect_text(b,
		"# HELP h x\n# TYPE h histogram\n"
		"h_bucket{le=\"+Inf\"} 0\n"
		"h_sum 0\n"
		"h_count 0\n");
	prom_buf_destroy(b);
}

/*
 * Past 1 MB through many doublings, compared with the same text built by
 * snprintf() alone; then a reset keeps working from an empty page.
 */
static void
test_buffer_grows_past_1mb(void)
{
	struct prom_buf *b = buf_new();
	size_t size = 2 * GROW_TARGET, len = 0;
	char *want = malloc(size), id[16], msg[MSG_SIZE];
	const char *labels[] = { "backend", id, "state", "ready", NULL };
	unsigned int i;
	bool ok;

	CU_ASSERT_PTR_NOT_NULL_FATAL(want);
	prom_family(b, "weir_be_flows_total", "counter", "Flows per backend.");
	len += (size_t)snprintf(want + len, size - len,
		"# HELP weir_be_flows_total Flows per backend.\n"
		"# TYPE weir_be_flows_total counter\n");
	for (i = 0; len < GROW_TARGET + 1000; i++) {
		snprintf(id, sizeof(id), "be%u", i);
		prom_sample(b, "weir_be_flows_total", labels,
			(uint64_t)i * 1000003u);
		len += (size_t)snprintf(want + len, size - len,
			"weir_be_flows_total{backend=\"be%u\",state=\"ready\"} "
			"%llu\n",
			i, (unsigned long long)i * 1000003u);
		CU_ASSERT_FATAL(len < size);
	}
	CU_ASSERT_EQUAL(prom_buf_error(b), 0);
	CU_ASSERT(prom_buf_len(b) > GROW_TARGET);
	CU_ASSERT_EQUAL(prom_buf_len(b), len);
	CU_ASSERT_EQUAL(strlen(prom_buf_data(b)), len);
	CU_ASSERT_EQUAL(memcmp(prom_buf_data(b), want, len + 1), 0);
	ok = expo_check(prom_buf_data(b), msg, sizeof(msg));
	if (!ok)
		fprintf(stderr, "\n    checker: %s\n", msg);
	CU_ASSERT_TRUE(ok);

	prom_buf_reset(b);
	CU_ASSERT_EQUAL(prom_buf_len(b), 0);
	CU_ASSERT_STRING_EQUAL(prom_buf_data(b), "");
	prom_family(b, "g", "gauge", "again");
	prom_sample(b, "g", NULL, 1);
	expect_text(b, "# HELP g again\n# TYPE g gauge\ng 1\n");
	free(want);
	prom_buf_destroy(b);
}

static void
test_destroy_null_noop(void)
{
	prom_buf_destroy(NULL);
	CU_PASS("prom_buf_destroy(NULL) returned");
}

/* A page like the metrics endpoint's, every feature at once. */
static void
test_page_matches_grammar(void)
{
	static const char *const odd[] = { "service", "we\"b\\4\n", "port",
		"p0", NULL };
	static const uint64_t le[] = { 100, 1000, 10000, 100000 };
	static const uint64_t counts[] = { 5, 50, 500, 5 };
	struct prom_buf *b = buf_new();
	const char *line, *nl;
	char msg[MSG_SIZE];
	unsigned int n = 0;
	bool ok;

	prom_family(b, "weir_rx_packets_total", "counter",
		"Packets \\received\\\non a port.");
	prom_sample(b, "weir_rx_packets_total", odd, 123456789);
	prom_sample(b, "weir_rx_packets_total", NULL, 0);
	prom_family(b, "weir_flows", "gauge", "Flows \"now\".");
	prom_sample(b, "weir_flows", odd, UINT64_MAX);
	prom_family(b, "weir_probe_seconds", "histogram", "Probe time.");
	prom_histogram(b, "weir_probe_seconds", odd, le, counts, 4, 77777);
	prom_histogram(b, "weir_probe_seconds", NULL, le, counts, 4, 0);
	CU_ASSERT_EQUAL(prom_buf_error(b), 0);
	ok = expo_check(prom_buf_data(b), msg, sizeof(msg));
	if (!ok)
		fprintf(stderr, "\n    checker: %s\n%s", msg, prom_buf_data(b));
	CU_ASSERT_TRUE(ok);
	/* Escaped newlines stay escaped: 3 x 2 header lines, 3 samples,
	 * 2 x (5 buckets + sum + count). */
	for (line = prom_buf_data(b); (nl = strchr(line, '\n')); line = nl + 1)
		n++;
	CU_ASSERT_EQUAL(n, 6 + 3 + 14);
	prom_buf_destroy(b);
}

/* The checker must refuse what the format does not allow. */
static void
test_checker_rejects_bad_pages(void)
{
	static const char *const bad[] = {
		/* no newline at the end */
		"# HELP m h\n# TYPE m gauge\nm 1",
		/* empty line */
		"# HELP m h\n# TYPE m gauge\n\nm 1\n",
		/* unterminated label value */
		"# HELP m h\n# TYPE m gauge\nm{v=\"a} 1\n",
		/* unknown escape in a label value */
		"# HELP m h\n# TYPE m gauge\nm{v=\"a\\qb\"} 1\n",
		/* unquoted label value */
		"# HELP m h\n# TYPE m gauge\nm{v=a} 1\n",
		/* label name starting with a digit */
		"# HELP m h\n# TYPE m gauge\nm{1v=\"a\"} 1\n",
		/* no space before the value */
		"# HELP m h\n# TYPE m gauge\nm{v=\"a\"}1\n",
		/* junk in the value */
		"# HELP m h\n# TYPE m gauge\nm 1x\n",
		/* two spaces before the value */
		"# HELP m h\n# TYPE m gauge\nm  1\n",
		/* metric name starting with a digit */
		"# HELP 1m h\n# TYPE 1m gauge\n1m 1\n",
		/* unknown type */
		"# HELP m h\n# TYPE m kounter\nm 1\n",
		/* unknown escape in HELP */
		"# HELP m h\\x\n# TYPE m gauge\nm 1\n",
		/* TYPE without HELP */
		"# TYPE m gauge\nm 1\n",
		/* sample without TYPE */
		"m 1\n",
		/* sample of another family */
		"# HELP m h\n# TYPE m gauge\nn 1\n",
		/* family declared twice */
		"# HELP m h\n# TYPE m gauge\n# HELP m h\n# TYPE m gauge\n",
		/* bucket without le */
		"# HELP m h\n# TYPE m histogram\nm_bucket 1\n",
		/* histogram suffix on a counter */
		"# HELP m h\n# TYPE m counter\nm_sum 1\n",
		/* a comment that is neither HELP nor TYPE */
		"# comment\n",
	};
	char msg[MSG_SIZE];
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		bool ok = expo_check(bad[i], msg, sizeof(msg));

		if (ok)
			fprintf(stderr, "\n    accepted bad page %u\n", i);
		CU_ASSERT_FALSE(ok);
	}
	CU_ASSERT_TRUE(expo_check("# HELP m h\n# TYPE m gauge\nm 1.5e+3 "
				  "-17\nm{a=\"\",b=\"\\\\\"} NaN\n",
		msg, sizeof(msg)));
}

static CU_TestInfo tests[] = { { "counter_no_labels_exact",
				       test_counter_no_labels_exact },
	{ "counter_labels_exact", test_counter_labels_exact },
	{ "gauge_exact", test_gauge_exact },
	{ "label_value_escaped", test_label_value_escaped },
	{ "help_escaped", test_help_escaped },
	{ "histogram_cumulative_exact", test_histogram_cumulative_exact },
	{ "histogram_overflow_bucket_is_inf",
		test_histogram_overflow_bucket_is_inf },
	{ "histogram_no_buckets_inf_only", test_histogram_no_buckets_inf_only },
	{ "buffer_grows_past_1mb", test_buffer_grows_past_1mb },
	{ "destroy_null_noop", test_destroy_null_noop },
	{ "page_matches_grammar", test_page_matches_grammar },
	{ "checker_rejects_bad_pages", test_checker_rejects_bad_pages },
	CU_TEST_INFO_NULL };

static CU_SuiteInfo suites[] = { { .pName = "stats", .pTests = tests },
	CU_SUITE_INFO_NULL };

int
main(void)
{
	return weir_cunit_run(suites);
}
