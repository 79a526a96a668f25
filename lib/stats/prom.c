/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Prometheus text exposition writer; see prom.h for the contract.
 *
 * Text goes into one contiguous buffer that doubles when full, so a page
 * of N bytes costs O(log N) reallocations, and the buffer is kept across
 * scrapes by prom_buf_reset(), so a steady scraper allocates nothing after
 * the first page. A list of chunks (or writing straight to the socket) was
 * rejected: the HTTP answer needs Content-Length before the body, and a
 * page of a few hundred kilobytes is no reason to complicate the writer.
 *
 * Every byte goes through prom_put(), the one place that grows the buffer
 * and records a failure, which keeps the always-NUL-terminated invariant
 * in one function.
 */
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prom.h"

/*
 * bytes: first allocation. A small VIP set renders a few kilobytes; the
 * doubling covers larger ones in a handful of steps.
 */
#define PROM_BUF_INIT_SIZE 4096
#define PROM_U64_STR_SIZE 21 /* bytes: 20 digits of UINT64_MAX and NUL */
/* bytes: integer part, '.', up to 19 fraction digits and NUL */
#define PROM_NUM_STR_SIZE (2 * PROM_U64_STR_SIZE)

struct prom_buf {
	char *data;  /* text, always NUL-terminated */
	size_t len;  /* bytes of text, NUL excluded */
	size_t size; /* bytes allocated at 'data' */
	int err;     /* 0, or -ENOMEM once a write was lost */
};

struct prom_buf *
prom_buf_create(void)
{
	struct prom_buf *b = calloc(1, sizeof(*b));

	if (b == NULL)
		goto err;
	b->data = malloc(PROM_BUF_INIT_SIZE);
	if (b->data == NULL)
		goto err_buf;
	b->size = PROM_BUF_INIT_SIZE;
	b->data[0] = '\0';
	return b;
err_buf:
	free(b);
err:
	errno = ENOMEM;
	return NULL;
}

void
prom_buf_destroy(struct prom_buf *b)
{
	if (b == NULL)
		return;
	free(b->data);
	b->data = NULL;
	free(b);
}

const char *
prom_buf_data(const struct prom_buf *b)
{
	return b->data;
}

size_t
prom_buf_len(const struct prom_buf *b)
{
	return b->len;
}

void
prom_buf_reset(struct prom_buf *b)
{
	b->len = 0;
	b->data[0] = '\0';
	b->err = 0;
}

int
prom_buf_error(const struct prom_buf *b)
{
	return b->err;
}

/*
 * Append 'n' bytes. After a failure nothing more is appended: a page with
 * a hole in the middle would parse as a wrong page rather than a broken
 * one, so the text stops where the error happened.
 */
static void
prom_put(struct prom_buf *b, const char *s, size_t n)
{
	size_t need, size;
	char *p;

	if (b->err != 0)
		return;
	if (n >= SIZE_MAX - b->len) {
		b->err = -ENOMEM;
		return;
	}
	need = b->len + n + 1;
	if (need > b->size) {
		size = b->size;
		while (size < need)
			size = size > SIZE_MAX / 2 ? need : size * 2;
		p = realloc(b->data, size);
		if (p == NULL) {
			b->err = -ENOMEM;
			return;
		}
		b->data = p;
		b->size = size;
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static void
prom_puts(struct prom_buf *b, const char *s)
{
	prom_put(b, s, strlen(s));
}

/*
 * 'v' in units of 1/scale (scale a power of ten) as the exact decimal,
 * without trailing zeros ("0.00005" for 50 at 1000000). Exact rather than
 * printf("%g"): a bucket bound must read back as the same number.
 * @return the length written into 'buf' (PROM_NUM_STR_SIZE bytes).
 */
static size_t
prom_fmt_scaled(char *buf, uint64_t v, uint64_t scale)
{
	unsigned int digits = 0;
	uint64_t f = v % scale, s;

	assert(scale != 0);
	for (s = scale; s > 1; s /= 10) {
		assert(s % 10 == 0);
		digits++;
	}
	if (f == 0)
		return (size_t)snprintf(
			buf, PROM_NUM_STR_SIZE, "%" PRIu64, v / scale);
	while (f % 10 == 0) {
		f /= 10;
		digits--;
	}
	return (size_t)snprintf(buf, PROM_NUM_STR_SIZE,
		"%" PRIu64 ".%0*" PRIu64, v / scale, (int)digits, f);
}

static void
prom_put_scaled(struct prom_buf *b, uint64_t v, uint64_t scale)
{
	char num[PROM_NUM_STR_SIZE];

	prom_put(b, num, prom_fmt_scaled(num, v, scale));
}

/*
 * Append 's' escaped: backslash and newline always, double quote only
 * inside a label value ('quote'), as the format specifies for each. Runs
 * of plain bytes go out in one prom_put().
 */
static void
prom_put_escaped(struct prom_buf *b, const char *s, bool quote)
{
	const char *run = s;

	for (; *s != '\0'; s++) {
		const char *esc;

		if (*s == '\\')
			esc = "\\\\";
		else if (*s == '\n')
			esc = "\\n";
		else if (*s == '"' && quote)
			esc = "\\\"";
		else
			continue;
		prom_put(b, run, (size_t)(s - run));
		prom_puts(b, esc);
		run = s + 1;
	}
	prom_put(b, run, (size_t)(s - run));
}

/* [a-zA-Z_:][a-zA-Z0-9_:]* for metrics; no ':' for labels. */
static bool __attribute__((unused)) prom_name_ok(const char *s, bool is_label)
{
	const char *p;

	if (s == NULL || *s == '\0')
		return false;
	/* Names starting with "__" are Prometheus' own. */
	if (is_label && s[0] == '_' && s[1] == '_')
		return false;
	for (p = s; *p != '\0'; p++) {
		char c = *p;
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			c == '_' || (!is_label && c == ':') ||
			(p != s && c >= '0' && c <= '9');

		if (!ok)
			return false;
	}
	return true;
}

static bool __attribute__((unused)) prom_type_ok(const char *t)
{
	return t != NULL &&
		(strcmp(t, "counter") == 0 || strcmp(t, "gauge") == 0 ||
			strcmp(t, "histogram") == 0);
}

void
prom_family(struct prom_buf *b, const char *name, const char *type,
	const char *help)
{
	assert(prom_name_ok(name, false));
	assert(prom_type_ok(type));
	prom_puts(b, "# HELP ");
	prom_puts(b, name);
	prom_puts(b, " ");
	prom_put_escaped(b, help != NULL ? help : "", false);
	prom_puts(b, "\n# TYPE ");
	prom_puts(b, name);
	prom_puts(b, " ");
	prom_puts(b, type);
	prom_puts(b, "\n");
}

/*
 * One series line: name+suffix, the labels, then 'le' as a last label when
 * not NULL, and the value.
 */
static void
prom_series(struct prom_buf *b, const char *name, const char *suffix,
	const char *const *labels, const char *le, uint64_t value,
	uint64_t scale)
{
	bool any = false;

	prom_puts(b, name);
	prom_puts(b, suffix);
	for (; labels != NULL && labels[0] != NULL; labels += 2) {
		assert(prom_name_ok(labels[0], true));
		assert(labels[1] != NULL);
		assert(le == NULL || strcmp(labels[0], "le") != 0);
		prom_puts(b, any ? "," : "{");
		prom_puts(b, labels[0]);
		prom_puts(b, "=\"");
		prom_put_escaped(b, labels[1], true);
		prom_puts(b, "\"");
		any = true;
	}
	if (le != NULL) {
		prom_puts(b, any ? ",le=\"" : "{le=\"");
		prom_puts(b, le);
		prom_puts(b, "\"");
		any = true;
	}
	prom_puts(b, any ? "} " : " ");
	prom_put_scaled(b, value, scale);
	prom_puts(b, "\n");
}

void
prom_sample(struct prom_buf *b, const char *name, const char *const *labels,
	uint64_t value)
{
	prom_sample_scaled(b, name, labels, value, 1);
}

void
prom_sample_scaled(struct prom_buf *b, const char *name,
	const char *const *labels, uint64_t value, uint64_t scale)
{
	assert(prom_name_ok(name, false));
	prom_series(b, name, "", labels, NULL, value, scale);
}

void
prom_histogram(struct prom_buf *b, const char *name, const char *const *labels,
	const uint64_t *bucket_le, const uint64_t *counts,
	unsigned int nb_buckets, uint64_t sum)
{
	prom_histogram_scaled(
		b, name, labels, bucket_le, counts, nb_buckets, sum, 1);
}

void
prom_histogram_scaled(struct prom_buf *b, const char *name,
	const char *const *labels, const uint64_t *bucket_le,
	const uint64_t *counts, unsigned int nb_buckets, uint64_t sum,
	uint64_t scale)
{
	char le[PROM_NUM_STR_SIZE];
	uint64_t total = 0;
	bool has_inf = false;
	unsigned int i;

	assert(prom_name_ok(name, false));
	assert(nb_buckets == 0 || (bucket_le != NULL && counts != NULL));
	for (i = 0; i < nb_buckets; i++) {
		assert(i == 0 || bucket_le[i] > bucket_le[i - 1]);
		/* Scrapers compute quantiles from cumulative counts, which
		 * is why the format stores them so. */
		total += counts[i];
		if (bucket_le[i] == PROM_LE_INF) {
			has_inf = true;
			prom_series(
				b, name, "_bucket", labels, "+Inf", total, 1);
			continue;
		}
		prom_fmt_scaled(le, bucket_le[i], scale);
		prom_series(b, name, "_bucket", labels, le, total, 1);
	}
	if (!has_inf)
		prom_series(b, name, "_bucket", labels, "+Inf", total, 1);
	prom_series(b, name, "_sum", labels, NULL, sum, scale);
	prom_series(b, name, "_count", labels, NULL, total, 1);
}
