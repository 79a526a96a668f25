/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The counter registry (stats.h): sets checked once when registered, read
 * on demand. Every reader goes through stats_collect(), which copies a
 * set's instances into one table; totals, console tables and Prometheus
 * families are all computed from such a table, so each reader calls a
 * set's next() once per instance however many fields it renders. Keeping
 * live pointers into the modules' counters instead was rejected: the
 * modules keep them in different shapes (per-worker blocks, per-id
 * arrays, a NIC's registers) and next() is the one place that knows each.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prom.h"
#include "stats.h"

#define STATS_ROWS_INIT 16  /* rows allocated at first, doubled when full */
#define STATS_NAME_SIZE 128 /* bytes of a Prometheus metric name */

struct stats_registry {
	unsigned int nb_sets;
	const struct stats_set *sets[STATS_SETS_MAX];
	/* The console's baseline of each set's values ('clear counters');
	 * NULL until the first clear. */
	uint64_t *base[STATS_SETS_MAX];
};

struct stats_registry *
stats_registry_create(void)
{
	struct stats_registry *r = calloc(1, sizeof(*r));

	if (r == NULL)
		errno = ENOMEM;
	return r;
}

void
stats_registry_destroy(struct stats_registry *r)
{
	unsigned int i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nb_sets; i++)
		free(r->base[i]);
	free(r);
}

static bool
stats_name_ok(const char *s)
{
	if (s == NULL || *s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
			    *s == '_'))
			return false;
	return true;
}

static bool
stats_scale_ok(uint64_t scale)
{
	if (scale == 0)
		return true;
	while (scale % 10 == 0)
		scale /= 10;
	return scale == 1;
}

static bool
stats_field_ok(const struct stats_set *s, const struct stats_field *f)
{
	unsigned int i;

	if (!stats_name_ok(f->name) || f->help == NULL ||
		f->off >= s->nb_values || !stats_scale_ok(f->scale) ||
		(f->metric != NULL && !stats_name_ok(f->metric)) ||
		(f->label != NULL) != (f->label_value != NULL) ||
		(f->label != NULL && !stats_name_ok(f->label)))
		return false;
	switch (f->type) {
	case STATS_COUNTER:
	case STATS_GAUGE:
		return true;
	case STATS_HISTOGRAM:
		if (f->bounds == NULL || f->nb_bounds == 0 ||
			f->off + f->nb_bounds > s->nb_values ||
			f->sum_off >= s->nb_values ||
			(f->sum_off >= f->off &&
				f->sum_off < f->off + f->nb_bounds))
			return false;
		for (i = 1; i < f->nb_bounds; i++)
			if (f->bounds[i] <= f->bounds[i - 1])
				return false;
		return true;
	case STATS_ENUM:
		return f->enum_names != NULL && f->nb_enum > 0 &&
			stats_name_ok(f->enum_label);
	}
	return false;
}

/* The Prometheus family of field 'f' of 's' (without "_total"). */
static const char *
stats_metric(const struct stats_set *s, const struct stats_field *f, char *buf,
	size_t size)
{
	if (f->metric != NULL)
		snprintf(buf, size, "weir_%s", f->metric);
	else
		snprintf(buf, size, "weir_%s_%s", s->name, f->name);
	return buf;
}

/*
 * Fields sharing a metric name must be adjacent and of one type, so that
 * each family is written once, whole.
 */
static bool
stats_families_ok(const struct stats_set *s)
{
	char a[STATS_NAME_SIZE], b[STATS_NAME_SIZE];
	unsigned int i, j;

	for (i = 0; i < s->nb_fields; i++) {
		stats_metric(s, &s->fields[i], a, sizeof(a));
		for (j = i + 1; j < s->nb_fields; j++) {
			stats_metric(s, &s->fields[j], b, sizeof(b));
			if (strcmp(a, b) != 0)
				continue;
			if (j != i + 1 ||
				s->fields[i].type != s->fields[j].type ||
				s->fields[i].label == NULL)
				return false;
			break;
		}
	}
	return true;
}

/* "<key_prefix><name>" of field 'f' of 's', into 'buf'. */
static char *
stats_key(const struct stats_set *s, const struct stats_field *f, char *buf,
	size_t size)
{
	snprintf(
		buf, size, "%s%s", s->key_prefix ? s->key_prefix : "", f->name);
	return buf;
}

/* True if a total of 'a' and one of 'b' would have the same key. */
static bool
stats_keys_clash(const struct stats_set *a, const struct stats_set *b)
{
	char ka[STATS_NAME_SIZE], kb[STATS_NAME_SIZE];
	unsigned int i, j;

	for (i = 0; i < a->nb_fields; i++)
		for (j = 0; j < b->nb_fields; j++)
			if (strcmp(stats_key(a, &a->fields[i], ka, sizeof(ka)),
				    stats_key(b, &b->fields[j], kb,
					    sizeof(kb))) == 0)
				return true;
	return false;
}

int
stats_register(struct stats_registry *r, const struct stats_set *s)
{
	unsigned int i, j, nb_labels = 0;

	if (r == NULL || s == NULL || !stats_name_ok(s->name) ||
		s->help == NULL || s->fields == NULL || s->nb_fields == 0 ||
		s->next == NULL)
		return -EINVAL;
	for (; s->labels != NULL && s->labels[nb_labels] != NULL; nb_labels++)
		if (nb_labels == STATS_LABELS_MAX ||
			!stats_name_ok(s->labels[nb_labels]))
			return -EINVAL;
	for (i = 0; i < s->nb_fields; i++) {
		if (!stats_field_ok(s, &s->fields[i]) ||
			((s->flags & STATS_F_DROPS) &&
				s->fields[i].type != STATS_COUNTER))
			return -EINVAL;
		for (j = i + 1; j < s->nb_fields; j++)
			if (strcmp(s->fields[i].name, s->fields[j].name) == 0)
				return -EINVAL;
	}
	if (!stats_families_ok(s))
		return -EINVAL;
	for (i = 0; i < r->nb_sets; i++) {
		if (strcmp(r->sets[i]->name, s->name) == 0)
			return -EEXIST;
		if ((s->flags & STATS_F_TOTAL) &&
			(r->sets[i]->flags & STATS_F_TOTAL) &&
			stats_keys_clash(r->sets[i], s))
			return -EEXIST;
	}
	if (r->nb_sets == STATS_SETS_MAX)
		return -ENOSPC;
	r->sets[r->nb_sets++] = s;
	return 0;
}

unsigned int
stats_nb_sets(const struct stats_registry *r)
{
	return r->nb_sets;
}

const struct stats_set *
stats_set_at(const struct stats_registry *r, unsigned int i)
{
	return i < r->nb_sets ? r->sets[i] : NULL;
}

const struct stats_set *
stats_find(const struct stats_registry *r, const char *name)
{
	unsigned int i;

	for (i = 0; i < r->nb_sets; i++)
		if (strcmp(r->sets[i]->name, name) == 0)
			return r->sets[i];
	return NULL;
}

void
stats_table_free(struct stats_table *t)
{
	free(t->rows);
	free(t->vals);
	memset(t, 0, sizeof(*t));
}

static unsigned int
stats_nb_labels(const struct stats_set *s)
{
	unsigned int n = 0;

	while (s->labels != NULL && s->labels[n] != NULL)
		n++;
	return n;
}

int
stats_collect(const struct stats_set *s, struct stats_table *t)
{
	unsigned int cap = STATS_ROWS_INIT, nb_labels = stats_nb_labels(s);
	unsigned int i, k;
	uint64_t cursor = 0;

	memset(t, 0, sizeof(*t));
	t->set = s;
	t->rows = calloc(cap, sizeof(*t->rows));
	t->vals = calloc((size_t)cap * s->nb_values, sizeof(*t->vals));
	if (t->rows == NULL || t->vals == NULL)
		goto nomem;
	for (;;) {
		struct stats_row *row;

		if (t->nb_rows == cap) {
			struct stats_row *nr;
			uint64_t *nv;

			nr = realloc(t->rows, 2 * (size_t)cap * sizeof(*nr));
			if (nr == NULL)
				goto nomem;
			t->rows = nr;
			nv = realloc(t->vals,
				2 * (size_t)cap * s->nb_values * sizeof(*nv));
			if (nv == NULL)
				goto nomem;
			t->vals = nv;
			cap *= 2;
		}
		row = &t->rows[t->nb_rows];
		memset(row, 0, sizeof(*row));
		row->vals = &t->vals[(size_t)t->nb_rows * s->nb_values];
		memset(row->vals, 0, s->nb_values * sizeof(*row->vals));
		if (!s->next(s, &cursor, row))
			break;
		/* Each label into its own slot of the row, so that the rows
		 * can move while the table grows. */
		for (k = 0; k < nb_labels; k++)
			if (row->labels[k] != row->buf[k])
				snprintf(row->buf[k], sizeof(row->buf[k]), "%s",
					row->labels[k] ? row->labels[k] : "");
		t->nb_rows++;
	}
	for (i = 0; i < t->nb_rows; i++) {
		t->rows[i].vals = &t->vals[(size_t)i * s->nb_values];
		for (k = 0; k < nb_labels; k++)
			t->rows[i].labels[k] = t->rows[i].buf[k];
	}
	return 0;
nomem:
	stats_table_free(t);
	return -ENOMEM;
}

uint64_t
stats_table_sum(const struct stats_table *t, unsigned int off)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < t->nb_rows; i++)
		v += t->rows[i].vals[off];
	return v;
}

/* The suffix that names the unit of values kept at 'scale'. */
static const char *
stats_scale_suffix(uint64_t scale)
{
	switch (scale) {
	case 0:
	case 1:
		return "";
	case 1000:
		return "_ms";
	case 1000000:
		return "_us";
	case 1000000000:
		return "_ns";
	default:
		return "_scaled";
	}
}

void
stats_row_values(const struct stats_set *s, const struct stats_row *row,
	stats_value_fn *cb, void *arg)
{
	char key[STATS_NAME_SIZE], sub[STATS_NAME_SIZE + 16];
	unsigned int j, k;

	for (j = 0; j < s->nb_fields; j++) {
		const struct stats_field *f = &s->fields[j];
		uint64_t v = row->vals[f->off];

		stats_key(s, f, key, sizeof(key));
		switch (f->type) {
		case STATS_COUNTER:
		case STATS_GAUGE:
			cb(arg, key, f->help, v, NULL);
			break;
		case STATS_HISTOGRAM:
			for (k = 1, v = row->vals[f->off]; k < f->nb_bounds;
				k++)
				v += row->vals[f->off + k];
			snprintf(sub, sizeof(sub), "%s_count", key);
			cb(arg, sub, f->help, v, NULL);
			snprintf(sub, sizeof(sub), "%s_sum%s", key,
				stats_scale_suffix(f->scale));
			cb(arg, sub, f->help, row->vals[f->sum_off], NULL);
			break;
		case STATS_ENUM:
			cb(arg, key, f->help, v,
				v < f->nb_enum ? f->enum_names[v] : "?");
			break;
		}
	}
}

static bool
stats_set_wanted(const struct stats_set *s, unsigned int flags)
{
	if ((flags & STATS_T_ANY_THREAD) && !(s->flags & STATS_F_ANY_THREAD))
		return false;
	if ((flags & STATS_T_DROPS) && !(s->flags & STATS_F_DROPS))
		return false;
	return true;
}

int
stats_totals(const struct stats_registry *r, unsigned int flags,
	stats_total_fn *cb, void *arg)
{
	char key[STATS_NAME_SIZE];
	unsigned int i, j;

	for (i = 0; i < r->nb_sets; i++) {
		const struct stats_set *s = r->sets[i];
		struct stats_table t;

		if (!(s->flags & STATS_F_TOTAL) || !stats_set_wanted(s, flags))
			continue;
		if (stats_collect(s, &t) < 0)
			return -ENOMEM;
		for (j = 0; j < s->nb_fields; j++) {
			const struct stats_field *f = &s->fields[j];
			uint64_t v;

			if (f->type != STATS_COUNTER && f->type != STATS_GAUGE)
				continue;
			v = stats_table_sum(&t, f->off);
			if ((flags & STATS_T_SINCE_CLEAR) &&
				f->type == STATS_COUNTER && r->base[i] != NULL)
				v -= r->base[i][f->off];
			if (flags & STATS_T_DROPS) {
				if (v != 0)
					cb(arg, f->name, f->help, f->type, v);
				continue;
			}
			cb(arg, stats_key(s, f, key, sizeof(key)), f->help,
				f->type, v);
		}
		stats_table_free(&t);
	}
	return 0;
}

int
stats_clear(struct stats_registry *r)
{
	unsigned int i, k;

	for (i = 0; i < r->nb_sets; i++) {
		const struct stats_set *s = r->sets[i];
		struct stats_table t;

		if (!(s->flags & STATS_F_TOTAL))
			continue;
		if (r->base[i] == NULL) {
			r->base[i] = calloc(s->nb_values, sizeof(uint64_t));
			if (r->base[i] == NULL)
				return -ENOMEM;
		}
		if (stats_collect(s, &t) < 0)
			return -ENOMEM;
		for (k = 0; k < s->nb_values; k++)
			r->base[i][k] = stats_table_sum(&t, k);
		stats_table_free(&t);
	}
	return 0;
}

/*
 * The labels of one sample: the instance's, then the field's own, then
 * 'extra' (an enum's) as key/value pairs, NULL-ended, for prom_sample().
 */
static void
stats_prom_labels(const struct stats_set *s, const struct stats_row *row,
	const struct stats_field *f, const char *extra_k, const char *extra_v,
	const char **l)
{
	unsigned int n = 0, k;

	for (k = 0; s->labels != NULL && s->labels[k] != NULL; k++) {
		l[n++] = s->labels[k];
		l[n++] = row->labels[k] != NULL ? row->labels[k] : "";
	}
	if (f->label != NULL) {
		l[n++] = f->label;
		l[n++] = f->label_value;
	}
	if (extra_k != NULL) {
		l[n++] = extra_k;
		l[n++] = extra_v;
	}
	l[n] = NULL;
}

static const char *
stats_prom_type(enum stats_type type)
{
	switch (type) {
	case STATS_COUNTER:
		return "counter";
	case STATS_HISTOGRAM:
		return "histogram";
	default:
		return "gauge";
	}
}

/* Every sample of field 'f' over the rows of 't'. */
static void
stats_prom_field(const struct stats_table *t, const struct stats_field *f,
	const char *name, struct prom_buf *b)
{
	const char *l[2 * STATS_LABELS_MAX + 5];
	uint64_t scale = f->scale ? f->scale : 1;
	unsigned int i, k;

	for (i = 0; i < t->nb_rows; i++) {
		const struct stats_row *row = &t->rows[i];

		switch (f->type) {
		case STATS_COUNTER:
		case STATS_GAUGE:
			stats_prom_labels(t->set, row, f, NULL, NULL, l);
			prom_sample_scaled(
				b, name, l, row->vals[f->off], scale);
			break;
		case STATS_HISTOGRAM:
			stats_prom_labels(t->set, row, f, NULL, NULL, l);
			prom_histogram_scaled(b, name, l, f->bounds,
				&row->vals[f->off], f->nb_bounds,
				row->vals[f->sum_off], scale);
			break;
		case STATS_ENUM:
			for (k = 0; k < f->nb_enum; k++) {
				stats_prom_labels(t->set, row, f, f->enum_label,
					f->enum_names[k], l);
				prom_sample(b, name, l, row->vals[f->off] == k);
			}
			break;
		}
	}
}

/*
 * weir_drops_total: one family for every drop set, written whole when the
 * first drop set comes, each reason summed over its set's instances.
 */
static int
stats_prom_drops(
	const struct stats_registry *r, unsigned int flags, struct prom_buf *b)
{
	unsigned int i, j;

	prom_family(b, "weir_drops_total", "counter",
		"packets dropped, by reason (docs/telemetry.md explains each)");
	for (i = 0; i < r->nb_sets; i++) {
		const struct stats_set *s = r->sets[i];
		struct stats_table t;

		if (!(s->flags & STATS_F_DROPS) || !stats_set_wanted(s, flags))
			continue;
		if (stats_collect(s, &t) < 0)
			return -ENOMEM;
		for (j = 0; j < s->nb_fields; j++) {
			const char *l[] = { "reason", s->fields[j].name, NULL };

			prom_sample(b, "weir_drops_total", l,
				stats_table_sum(&t, s->fields[j].off));
		}
		stats_table_free(&t);
	}
	return 0;
}

/* A set's families (not a drop set's). */
static void
stats_prom_set(const struct stats_table *t, struct prom_buf *b)
{
	const struct stats_set *s = t->set;
	char name[STATS_NAME_SIZE], prev[STATS_NAME_SIZE] = "";
	unsigned int j;

	for (j = 0; j < s->nb_fields; j++) {
		const struct stats_field *f = &s->fields[j];

		stats_metric(s, f, name, sizeof(name));
		if (f->type == STATS_COUNTER)
			strncat(name, "_total",
				sizeof(name) - strlen(name) - 1);
		if (strcmp(name, prev) != 0)
			prom_family(b, name, stats_prom_type(f->type), f->help);
		snprintf(prev, sizeof(prev), "%s", name);
		stats_prom_field(t, f, name, b);
	}
}

int
stats_render_prom(
	const struct stats_registry *r, unsigned int flags, struct prom_buf *b)
{
	bool drops_done = false;
	unsigned int i;
	int rc;

	for (i = 0; i < r->nb_sets; i++) {
		const struct stats_set *s = r->sets[i];
		struct stats_table t;

		if (!stats_set_wanted(s, flags & STATS_T_ANY_THREAD))
			continue;
		if (s->flags & STATS_F_DROPS) {
			if (drops_done)
				continue;
			drops_done = true;
			rc = stats_prom_drops(r, flags & STATS_T_ANY_THREAD, b);
			if (rc < 0)
				return rc;
			continue;
		}
		if (stats_collect(s, &t) < 0)
			return -ENOMEM;
		stats_prom_set(&t, b);
		stats_table_free(&t);
	}
	return 0;
}
