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
 *
 * The second suite tests the counter registry (lib/stats/stats.c) on sets
 * made up here, whose next() serves instances from arrays the tests
 * change between reads: every set a module could get wrong is refused,
 * totals and the console's baseline are sums the tests compute
 * themselves, and rendered pages are compared whole and checked by the
 * same format checker.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weir_cunit.h"
#include "prom.h"
#include "stats.h"

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

/* A value in 1/scale of its unit comes out as the exact decimal. */
static void
test_scaled_sample_exact(void)
{
	struct prom_buf *b = buf_new();

	prom_family(b, "m_seconds", "gauge", "h");
	prom_sample_scaled(b, "m_seconds", NULL, 1500, 1000000);
	prom_sample_scaled(b, "m_seconds", NULL, 0, 1000000);
	prom_sample_scaled(b, "m_seconds", NULL, 2000000, 1000000);
	prom_sample_scaled(b, "m_seconds", NULL, 1, 1000000000);
	prom_sample_scaled(b, "m_seconds", NULL, 123456789012, 1000);
	prom_sample_scaled(b, "m_seconds", NULL, 7, 1);
	expect_text(b,
		"# HELP m_seconds h\n# TYPE m_seconds gauge\n"
		"m_seconds 0.0015\nm_seconds 0\nm_seconds 2\n"
		"m_seconds 0.000000001\nm_seconds 123456789.012\n"
		"m_seconds 7\n");
	prom_buf_destroy(b);
}

static void
test_scaled_histogram_exact(void)
{
	static const uint64_t le[] = { 50, 1000, 2500000, UINT64_MAX };
	static const uint64_t counts[] = { 1, 2, 0, 3 };
	struct prom_buf *b = buf_new();

	prom_family(b, "h_seconds", "histogram", "h");
	prom_histogram_scaled(
		b, "h_seconds", NULL, le, counts, 4, 1234567, 1000000);
	expect_text(b,
		"# HELP h_seconds h\n# TYPE h_seconds histogram\n"
		"h_seconds_bucket{le=\"0.00005\"} 1\n"
		"h_seconds_bucket{le=\"0.001\"} 3\n"
		"h_seconds_bucket{le=\"2.5\"} 3\n"
		"h_seconds_bucket{le=\"+Inf\"} 6\n"
		"h_seconds_sum 1.234567\nh_seconds_count 6\n");
	prom_buf_destroy(b);
}

/*
 * Registry fixtures: a per-worker set (three instances), a one-instance
 * set, two drop sets, and a set of objects with every field type.
 */
#define T_WORKERS 3
static uint64_t t_worker[T_WORKERS][2]; /* rx (counter), sessions (gauge) */
static uint64_t t_one[1];		/* arp_rx */
static uint64_t t_drops_a[T_WORKERS][2];
static uint64_t t_drops_b[1];
static unsigned int t_nb_objs = 2; /* instances of the object set */
static unsigned int t_next_calls;

static bool
t_worker_next(
	const struct stats_set *s, uint64_t *cursor, struct stats_row *row)
{
	(void)s;
	t_next_calls++;
	if (*cursor >= T_WORKERS)
		return false;
	snprintf(row->buf[0], sizeof(row->buf[0]), "%u", (unsigned int)*cursor);
	row->labels[0] = row->buf[0];
	memcpy(row->vals, t_worker[*cursor], sizeof(t_worker[0]));
	(*cursor)++;
	return true;
}

static bool
t_one_next(const struct stats_set *s, uint64_t *cursor, struct stats_row *row)
{
	(void)s;
	if ((*cursor)++ != 0)
		return false;
	row->vals[0] = t_one[0];
	return true;
}

static bool
t_drops_a_next(
	const struct stats_set *s, uint64_t *cursor, struct stats_row *row)
{
	(void)s;
	if (*cursor >= T_WORKERS)
		return false;
	memcpy(row->vals, t_drops_a[*cursor], sizeof(t_drops_a[0]));
	(*cursor)++;
	return true;
}

static bool
t_drops_b_next(
	const struct stats_set *s, uint64_t *cursor, struct stats_row *row)
{
	(void)s;
	if ((*cursor)++ != 0)
		return false;
	row->vals[0] = t_drops_b[0];
	return true;
}

/*
 * Object i: service "s<i/2>" (a static string), backend "b<i>" (written
 * into the row); packets in = 10 i, out = 20 i; latency histogram with
 * one observation of (i + 1) * 100 us; state i % 3; weight i.
 */
static const char *const t_svc_names[] = { "s0", "s1", "s2", "s3" };

static bool
t_obj_next(const struct stats_set *s, uint64_t *cursor, struct stats_row *row)
{
	uint64_t i = *cursor;

	(void)s;
	if (i >= t_nb_objs)
		return false;
	row->labels[0] = t_svc_names[(i / 2) % 4];
	snprintf(row->buf[1], sizeof(row->buf[1]), "b%u", (unsigned int)i);
	row->labels[1] = row->buf[1];
	row->vals[0] = 10 * i;
	row->vals[1] = 20 * i;
	row->vals[2 + (i % 2)] = 1; /* bucket <= 100 us or <= 1 s */
	row->vals[4] = (i + 1) * 100;
	row->vals[5] = i % 3;
	row->vals[6] = i;
	(*cursor)++;
	return true;
}

static const char *const t_worker_labels[] = { "worker", NULL };
static const char *const t_obj_labels[] = { "service", "backend", NULL };
static const char *const t_states[] = { "ready", "drain", "maint" };
static const uint64_t t_bounds_us[] = { 100, 1000000 };

static const struct stats_field t_worker_fields[] = {
	{ .name = "rx_packets", .help = "packets received", .off = 0 },
	{ .name = "sessions",
		.help = "sessions now",
		.type = STATS_GAUGE,
		.off = 1 },
};
static const struct stats_set t_worker_set = { .name = "worker",
	.help = "a worker",
	.fields = t_worker_fields,
	.nb_fields = 2,
	.nb_values = 2,
	.labels = t_worker_labels,
	.flags = STATS_F_TOTAL | STATS_F_ANY_THREAD,
	.next = t_worker_next };

static const struct stats_field t_one_fields[] = {
	{ .name = "arp_rx", .help = "ARP received", .off = 0 },
};
static const struct stats_set t_one_set = { .name = "mgmt",
	.help = "the management thread",
	.fields = t_one_fields,
	.nb_fields = 1,
	.nb_values = 1,
	.flags = STATS_F_TOTAL,
	.next = t_one_next };

static const struct stats_field t_drops_a_fields[] = {
	{ .name = "ttl", .help = "TTL ran out", .off = 0 },
	{ .name = "vlan", .help = "tagged", .off = 1 },
};
static const struct stats_set t_drops_a_set = { .name = "drops_a",
	.help = "drops of workers",
	.key_prefix = "drop_",
	.fields = t_drops_a_fields,
	.nb_fields = 2,
	.nb_values = 2,
	.labels = t_worker_labels,
	.flags = STATS_F_TOTAL | STATS_F_DROPS | STATS_F_ANY_THREAD,
	.next = t_drops_a_next };

static const struct stats_field t_drops_b_fields[] = {
	{ .name = "eth_truncated", .help = "short frame", .off = 0 },
};
static const struct stats_set t_drops_b_set = { .name = "drops_b",
	.help = "parser drops",
	.key_prefix = "drop_",
	.fields = t_drops_b_fields,
	.nb_fields = 1,
	.nb_values = 1,
	.flags = STATS_F_TOTAL | STATS_F_DROPS | STATS_F_ANY_THREAD,
	.next = t_drops_b_next };

static const struct stats_field t_obj_fields[] = {
	{ .name = "pkts_in",
		.help = "packets; direction in: to backend",
		.off = 0,
		.metric = "backend_packets",
		.label = "direction",
		.label_value = "in" },
	{ .name = "pkts_out",
		.help = "packets",
		.off = 1,
		.metric = "backend_packets",
		.label = "direction",
		.label_value = "out" },
	{ .name = "handshake",
		.help = "handshake time, seconds",
		.type = STATS_HISTOGRAM,
		.off = 2,
		.metric = "backend_handshake_seconds",
		.scale = 1000000,
		.bounds = t_bounds_us,
		.nb_bounds = 2,
		.sum_off = 4 },
	{ .name = "state",
		.help = "1 for the admin state",
		.type = STATS_ENUM,
		.off = 5,
		.metric = "backend_state",
		.enum_names = t_states,
		.nb_enum = 3,
		.enum_label = "state" },
	{ .name = "weight",
		.help = "weight",
		.type = STATS_GAUGE,
		.off = 6,
		.metric = "backend_weight" },
};
static const struct stats_set t_obj_set = { .name = "backend",
	.help = "a backend of a service",
	.fields = t_obj_fields,
	.nb_fields = 5,
	.nb_values = 7,
	.labels = t_obj_labels,
	.next = t_obj_next };

static struct stats_registry *
t_registry(void)
{
	struct stats_registry *r = stats_registry_create();

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL(stats_register(r, &t_worker_set), 0);
	CU_ASSERT_EQUAL(stats_register(r, &t_drops_a_set), 0);
	CU_ASSERT_EQUAL(stats_register(r, &t_drops_b_set), 0);
	CU_ASSERT_EQUAL(stats_register(r, &t_one_set), 0);
	CU_ASSERT_EQUAL(stats_register(r, &t_obj_set), 0);
	return r;
}

static void
t_reset(void)
{
	memset(t_worker, 0, sizeof(t_worker));
	memset(t_one, 0, sizeof(t_one));
	memset(t_drops_a, 0, sizeof(t_drops_a));
	memset(t_drops_b, 0, sizeof(t_drops_b));
	t_nb_objs = 2;
	t_next_calls = 0;
}

/* Totals as "key=value;" text, in the order they came. */
static char t_totals_text[1024];

static void
t_total_cb(void *arg, const char *key, const char *help, enum stats_type type,
	uint64_t v)
{
	size_t n = strlen(t_totals_text);

	(void)arg;
	(void)help;
	snprintf(t_totals_text + n, sizeof(t_totals_text) - n, "%s%s=%llu;",
		type == STATS_GAUGE ? "~" : "", key, (unsigned long long)v);
}

static const char *
t_totals(const struct stats_registry *r, unsigned int flags)
{
	t_totals_text[0] = '\0';
	CU_ASSERT_EQUAL(stats_totals(r, flags, t_total_cb, NULL), 0);
	return t_totals_text;
}

static void
expect_str(const char *got, const char *want)
{
	if (strcmp(got, want) != 0)
		fprintf(stderr, "\n    got  %s\n    want %s\n", got, want);
	CU_ASSERT_STRING_EQUAL(got, want);
}

static void
test_registry_totals_sum_instances(void)
{
	struct stats_registry *r;

	t_reset();
	r = t_registry();
	t_worker[0][0] = 5;
	t_worker[1][0] = 7;
	t_worker[2][0] = 11;
	t_worker[0][1] = 3;
	t_worker[2][1] = 4;
	t_drops_a[1][0] = 2;
	t_drops_b[0] = 9;
	t_one[0] = 1;
	/* Only the TOTAL sets, in registration order; keys with prefixes. */
	expect_str(t_totals(r, 0),
		"rx_packets=23;~sessions=7;drop_ttl=2;drop_vlan=0;"
		"drop_eth_truncated=9;arp_rx=1;");
	/* Drops alone: non-zero, keyed by reason. */
	expect_str(t_totals(r, STATS_T_DROPS), "ttl=2;eth_truncated=9;");
	/* Any thread: the mgmt set is ctl's only. */
	expect_str(t_totals(r, STATS_T_ANY_THREAD),
		"rx_packets=23;~sessions=7;drop_ttl=2;drop_vlan=0;"
		"drop_eth_truncated=9;");
	stats_registry_destroy(r);
}

/* 'clear counters' moves counters' baseline; gauges are levels. */
static void
test_registry_clear_counters_not_gauges(void)
{
	struct stats_registry *r;

	t_reset();
	r = t_registry();
	t_worker[0][0] = 5;
	t_worker[1][1] = 6;
	t_drops_b[0] = 4;
	t_one[0] = 2;
	/* Before any clear, since-clear is since start. */
	expect_str(t_totals(r, STATS_T_SINCE_CLEAR),
		"rx_packets=5;~sessions=6;drop_ttl=0;drop_vlan=0;"
		"drop_eth_truncated=4;arp_rx=2;");
	CU_ASSERT_EQUAL(stats_clear(r), 0);
	t_worker[2][0] = 10;
	t_worker[1][1] = 8;
	t_one[0] = 3;
	expect_str(t_totals(r, STATS_T_SINCE_CLEAR),
		"rx_packets=10;~sessions=8;drop_ttl=0;drop_vlan=0;"
		"drop_eth_truncated=0;arp_rx=1;");
	/* Others still see totals since start. */
	expect_str(t_totals(r, 0),
		"rx_packets=15;~sessions=8;drop_ttl=0;drop_vlan=0;"
		"drop_eth_truncated=4;arp_rx=3;");
	stats_registry_destroy(r);
}

static void
test_registry_render_exact(void)
{
	struct stats_registry *r;
	struct prom_buf *b = buf_new();
	char msg[MSG_SIZE];

	t_reset();
	r = t_registry();
	t_worker[1][0] = 4;
	t_worker[2][1] = 2;
	t_drops_a[0][0] = 1;
	t_drops_a[2][0] = 2;
	t_drops_b[0] = 3;
	t_one[0] = 8;
	CU_ASSERT_EQUAL(stats_render_prom(r, 0, b), 0);
	expect_text(b,
		"# HELP weir_worker_rx_packets_total packets received\n"
		"# TYPE weir_worker_rx_packets_total counter\n"
		"weir_worker_rx_packets_total{worker=\"0\"} 0\n"
		"weir_worker_rx_packets_total{worker=\"1\"} 4\n"
		"weir_worker_rx_packets_total{worker=\"2\"} 0\n"
		"# HELP weir_worker_sessions sessions now\n"
		"# TYPE weir_worker_sessions gauge\n"
		"weir_worker_sessions{worker=\"0\"} 0\n"
		"weir_worker_sessions{worker=\"1\"} 0\n"
		"weir_worker_sessions{worker=\"2\"} 2\n"
		/* Both drop sets in one family, each summed over workers. */
		"# HELP weir_drops_total packets dropped, by reason "
		"(docs/telemetry.md explains each)\n"
		"# TYPE weir_drops_total counter\n"
		"weir_drops_total{reason=\"ttl\"} 3\n"
		"weir_drops_total{reason=\"vlan\"} 0\n"
		"weir_drops_total{reason=\"eth_truncated\"} 3\n"
		"# HELP weir_mgmt_arp_rx_total ARP received\n"
		"# TYPE weir_mgmt_arp_rx_total counter\n"
		"weir_mgmt_arp_rx_total 8\n"
		/* Two fields, one family, told apart by their label. */
		"# HELP weir_backend_packets_total packets; direction in: "
		"to backend\n"
		"# TYPE weir_backend_packets_total counter\n"
		"weir_backend_packets_total{service=\"s0\",backend=\"b0\","
		"direction=\"in\"} 0\n"
		"weir_backend_packets_total{service=\"s0\",backend=\"b1\","
		"direction=\"in\"} 10\n"
		"weir_backend_packets_total{service=\"s0\",backend=\"b0\","
		"direction=\"out\"} 0\n"
		"weir_backend_packets_total{service=\"s0\",backend=\"b1\","
		"direction=\"out\"} 20\n"
		/* Microseconds kept, seconds exported. */
		"# HELP weir_backend_handshake_seconds handshake time, "
		"seconds\n"
		"# TYPE weir_backend_handshake_seconds histogram\n"
		"weir_backend_handshake_seconds_bucket{service=\"s0\","
		"backend=\"b0\",le=\"0.0001\"} 1\n"
		"weir_backend_handshake_seconds_bucket{service=\"s0\","
		"backend=\"b0\",le=\"1\"} 1\n"
		"weir_backend_handshake_seconds_bucket{service=\"s0\","
		"backend=\"b0\",le=\"+Inf\"} 1\n"
		"weir_backend_handshake_seconds_sum{service=\"s0\","
		"backend=\"b0\"} 0.0001\n"
		"weir_backend_handshake_seconds_count{service=\"s0\","
		"backend=\"b0\"} 1\n"
		"weir_backend_handshake_seconds_bucket{service=\"s0\","
		"backend=\"b1\",le=\"0.0001\"} 0\n"
		"weir_backend_handshake_seconds_bucket{service=\"s0\","
		"backend=\"b1\",le=\"1\"} 1\n"
		"weir_backend_handshake_seconds_bucket{service=\"s0\","
		"backend=\"b1\",le=\"+Inf\"} 1\n"
		"weir_backend_handshake_seconds_sum{service=\"s0\","
		"backend=\"b1\"} 0.0002\n"
		"weir_backend_handshake_seconds_count{service=\"s0\","
		"backend=\"b1\"} 1\n"
		/* An enum is one 0/1 gauge per name. */
		"# HELP weir_backend_state 1 for the admin state\n"
		"# TYPE weir_backend_state gauge\n"
		"weir_backend_state{service=\"s0\",backend=\"b0\","
		"state=\"ready\"} 1\n"
		"weir_backend_state{service=\"s0\",backend=\"b0\","
		"state=\"drain\"} 0\n"
		"weir_backend_state{service=\"s0\",backend=\"b0\","
		"state=\"maint\"} 0\n"
		"weir_backend_state{service=\"s0\",backend=\"b1\","
		"state=\"ready\"} 0\n"
		"weir_backend_state{service=\"s0\",backend=\"b1\","
		"state=\"drain\"} 1\n"
		"weir_backend_state{service=\"s0\",backend=\"b1\","
		"state=\"maint\"} 0\n"
		"# HELP weir_backend_weight weight\n"
		"# TYPE weir_backend_weight gauge\n"
		"weir_backend_weight{service=\"s0\",backend=\"b0\"} 0\n"
		"weir_backend_weight{service=\"s0\",backend=\"b1\"} 1\n");
	CU_ASSERT_TRUE(expo_check(prom_buf_data(b), msg, sizeof(msg)));
	/* Any thread: only the sets flagged for it. */
	prom_buf_reset(b);
	CU_ASSERT_EQUAL(stats_render_prom(r, STATS_T_ANY_THREAD, b), 0);
	CU_ASSERT_PTR_NULL(strstr(prom_buf_data(b), "weir_mgmt_"));
	CU_ASSERT_PTR_NULL(strstr(prom_buf_data(b), "weir_backend_"));
	CU_ASSERT_PTR_NOT_NULL(strstr(prom_buf_data(b), "weir_drops_total"));
	prom_buf_destroy(b);
	stats_registry_destroy(r);
}

/*
 * Drop sets share one family: wherever they were registered, its samples
 * come together, under one header, so the page stays well formed.
 */
static void
test_registry_drops_family_in_one_piece(void)
{
	struct stats_registry *r = stats_registry_create();
	struct prom_buf *b = buf_new();
	char msg[MSG_SIZE];

	t_reset();
	t_drops_a[2][1] = 5;
	t_drops_b[0] = 6;
	t_one[0] = 7;
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL(stats_register(r, &t_drops_a_set), 0);
	CU_ASSERT_EQUAL(stats_register(r, &t_one_set), 0);
	CU_ASSERT_EQUAL(stats_register(r, &t_drops_b_set), 0);
	CU_ASSERT_EQUAL(stats_render_prom(r, 0, b), 0);
	expect_text(b,
		"# HELP weir_drops_total packets dropped, by reason "
		"(docs/telemetry.md explains each)\n"
		"# TYPE weir_drops_total counter\n"
		"weir_drops_total{reason=\"ttl\"} 0\n"
		"weir_drops_total{reason=\"vlan\"} 5\n"
		"weir_drops_total{reason=\"eth_truncated\"} 6\n"
		"# HELP weir_mgmt_arp_rx_total ARP received\n"
		"# TYPE weir_mgmt_arp_rx_total counter\n"
		"weir_mgmt_arp_rx_total 7\n");
	CU_ASSERT_TRUE(expo_check(prom_buf_data(b), msg, sizeof(msg)));
	prom_buf_destroy(b);
	stats_registry_destroy(r);
}

/*
 * A table grows past its first allocation: every row keeps its values
 * and labels (written into the row or pointed at static strings) after
 * the rows moved; next() runs once per instance.
 */
static void
test_registry_collect_many_rows(void)
{
	struct stats_table t;
	unsigned int i;
	char want[16];

	t_reset();
	t_nb_objs = 1000;
	CU_ASSERT_EQUAL_FATAL(stats_collect(&t_obj_set, &t), 0);
	CU_ASSERT_EQUAL(t.nb_rows, 1000);
	for (i = 0; i < t.nb_rows; i++) {
		snprintf(want, sizeof(want), "b%u", i);
		CU_ASSERT_STRING_EQUAL(t.rows[i].labels[1], want);
		CU_ASSERT_STRING_EQUAL(
			t.rows[i].labels[0], t_svc_names[(i / 2) % 4]);
		CU_ASSERT_EQUAL(t.rows[i].vals[1], 20 * i);
	}
	CU_ASSERT_EQUAL(stats_table_sum(&t, 0), 10 * (999 * 1000 / 2));
	stats_table_free(&t);
	CU_ASSERT_EQUAL(stats_collect(&t_worker_set, &t), 0);
	CU_ASSERT_EQUAL(t_next_calls, T_WORKERS + 1);
	stats_table_free(&t);
}

static bool
t_never(const struct stats_set *s, uint64_t *cursor, struct stats_row *row)
{
	(void)s;
	(void)cursor;
	(void)row;
	return false;
}

/* Every malformed set is refused whole, and a refused set is not added. */
static void
test_registry_rejects_malformed_sets(void)
{
	static const char *const four[] = { "a", "b", "c", "d", NULL };
	static const char *const bad_label[] = { "Worker", NULL };
	static const uint64_t desc[] = { 10, 5 };
	static const struct stats_field ok_f = { .name = "x", .help = "h" };
	static const struct stats_field bad_fields[][2] = {
		{ { .name = "X", .help = "h" } },	    /* upper case */
		{ { .name = "", .help = "h" } },	    /* empty */
		{ { .name = "x" } },			    /* no help */
		{ { .name = "x", .help = "h", .off = 1 } }, /* past values */
		{ { .name = "x", .help = "h", .scale = 1024 } }, /* scale */
		{ { .name = "x", .help = "h", .metric = "a-b" } },
		{ { .name = "x", .help = "h", .label = "l" } }, /* no value */
		{ { .name = "x", .help = "h", .type = STATS_HISTOGRAM } },
		{ { .name = "x",
			.help = "h",
			.type = STATS_HISTOGRAM,
			.bounds = desc,
			.nb_bounds = 1 } }, /* past values */
		{ { .name = "x", .help = "h", .type = STATS_ENUM } },
		{ ok_f, ok_f }, /* the same name twice */
		/* one family, no label to tell its fields apart */
		{ { .name = "x", .help = "h", .metric = "m" },
			{ .name = "y", .help = "h", .metric = "m" } },
		/* one family of two types */
		{ { .name = "x",
			  .help = "h",
			  .metric = "m",
			  .label = "d",
			  .label_value = "a" },
			{ .name = "y",
				.help = "h",
				.metric = "m",
				.type = STATS_GAUGE,
				.label = "d",
				.label_value = "b" } },
	};
	static const unsigned int nb_bad_fields[] = { 1, 1, 1, 1, 1, 1, 1, 1, 1,
		1, 2, 2, 2 };
	static const struct stats_field hist_desc = { .name = "x",
		.help = "h",
		.type = STATS_HISTOGRAM,
		.bounds = desc,
		.nb_bounds = 2,
		.sum_off = 2 };
	static const struct stats_field gauge_drop = {
		.name = "x", .help = "h", .type = STATS_GAUGE
	};
	struct stats_registry *r = stats_registry_create();
	struct stats_set s;
	unsigned int i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	for (i = 0; i < sizeof(bad_fields) / sizeof(bad_fields[0]); i++) {
		s = (struct stats_set){ .name = "s",
			.help = "h",
			.fields = bad_fields[i],
			.nb_fields = nb_bad_fields[i],
			.nb_values = 1,
			.next = t_never };
		if (stats_register(r, &s) != -EINVAL)
			fprintf(stderr, "\n    bad field set %u accepted\n", i);
		CU_ASSERT_EQUAL(stats_register(r, &s), -EINVAL);
	}
	s = (struct stats_set){ .name = "s",
		.help = "h",
		.fields = &hist_desc,
		.nb_fields = 1,
		.nb_values = 3,
		.next = t_never };
	CU_ASSERT_EQUAL(stats_register(r, &s), -EINVAL); /* bounds descend */
	s.fields = &gauge_drop;
	s.flags = STATS_F_DROPS;
	CU_ASSERT_EQUAL(stats_register(r, &s), -EINVAL); /* a drop gauge */
	s = (struct stats_set){ .name = "s",
		.help = "h",
		.fields = &ok_f,
		.nb_fields = 1,
		.nb_values = 1,
		.next = t_never };
	s.next = NULL;
	CU_ASSERT_EQUAL(stats_register(r, &s), -EINVAL);
	s.next = t_never;
	s.name = "S";
	CU_ASSERT_EQUAL(stats_register(r, &s), -EINVAL);
	s.name = "s";
	s.labels = four;
	CU_ASSERT_EQUAL(stats_register(r, &s), -EINVAL); /* > LABELS_MAX */
	s.labels = bad_label;
	CU_ASSERT_EQUAL(stats_register(r, &s), -EINVAL);
	s.labels = NULL;
	s.nb_fields = 0;
	CU_ASSERT_EQUAL(stats_register(r, &s), -EINVAL);
	CU_ASSERT_EQUAL(stats_nb_sets(r), 0);
	stats_registry_destroy(r);
}

static void
test_registry_rejects_name_and_key_clashes(void)
{
	static const struct stats_field f = { .name = "rx_packets",
		.help = "h" };
	static struct stats_set sets[STATS_SETS_MAX + 1];
	static char names[STATS_SETS_MAX + 1][16];
	struct stats_registry *r = t_registry();
	/* The registry keeps pointers: each set is an object of its own. */
	static struct stats_set s2, s3;
	unsigned int i;

	s2 = (struct stats_set){ .name = "worker2",
		.help = "h",
		.fields = &f,
		.nb_fields = 1,
		.nb_values = 1,
		.next = t_never,
		.flags = STATS_F_TOTAL };
	/* A total with worker's key rx_packets would be ambiguous. */
	CU_ASSERT_EQUAL(stats_register(r, &s2), -EEXIST);
	/* Not a total: its key is never shown beside the other's. */
	s2.flags = 0;
	CU_ASSERT_EQUAL(stats_register(r, &s2), 0);
	/* Another prefix makes another key. */
	s3 = s2;
	s3.name = "worker3";
	s3.key_prefix = "w3_";
	s3.flags = STATS_F_TOTAL;
	CU_ASSERT_EQUAL(stats_register(r, &s3), 0);
	CU_ASSERT_EQUAL(stats_register(r, &t_one_set), -EEXIST);
	CU_ASSERT_PTR_EQUAL(stats_find(r, "mgmt"), &t_one_set);
	CU_ASSERT_PTR_NULL(stats_find(r, "nope"));
	CU_ASSERT_EQUAL(stats_nb_sets(r), 7);
	for (i = stats_nb_sets(r); i <= STATS_SETS_MAX; i++) {
		snprintf(names[i], sizeof(names[i]), "x%u", i);
		sets[i] = (struct stats_set){ .name = names[i],
			.help = "h",
			.fields = &f,
			.nb_fields = 1,
			.nb_values = 1,
			.next = t_never };
		CU_ASSERT_EQUAL(stats_register(r, &sets[i]),
			i < STATS_SETS_MAX ? 0 : -ENOSPC);
	}
	CU_ASSERT_PTR_EQUAL(stats_set_at(r, 0), &t_worker_set);
	CU_ASSERT_PTR_NULL(stats_set_at(r, STATS_SETS_MAX));
	stats_registry_destroy(r);
	stats_registry_destroy(NULL);
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

static CU_TestInfo registry_tests[] = {
	{ "scaled_sample_exact", test_scaled_sample_exact },
	{ "scaled_histogram_exact", test_scaled_histogram_exact },
	{ "totals_sum_instances", test_registry_totals_sum_instances },
	{ "clear_counters_not_gauges",
		test_registry_clear_counters_not_gauges },
	{ "render_exact", test_registry_render_exact },
	{ "drops_family_in_one_piece",
		test_registry_drops_family_in_one_piece },
	{ "collect_many_rows", test_registry_collect_many_rows },
	{ "rejects_malformed_sets", test_registry_rejects_malformed_sets },
	{ "rejects_name_and_key_clashes",
		test_registry_rejects_name_and_key_clashes },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = { { .pName = "prom", .pTests = tests },
	{ .pName = "registry", .pTests = registry_tests }, CU_SUITE_INFO_NULL };

int
main(void)
{
	return weir_cunit_run(suites);
}
