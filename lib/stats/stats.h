/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The counter registry. Every counter weir keeps is declared once, as a
 * field of a counter set, and every surface reads it from here: the
 * console ('show stats', 'show counters'), DPDK telemetry (/weir/stats,
 * /weir/drops, /weir/counters) and Prometheus (/metrics). A module adds a
 * set in one place and the three surfaces follow; none of them lists
 * counters of its own.
 *
 * A set is a table of fields over a vector of values, and a cursor over
 * its instances (workers, services, backends, ports, or one instance with
 * no labels), each with its label values. The registry owns no counter:
 * a set's next() copies the values from wherever its module keeps them
 * (per-worker blocks, per-id arrays, a NIC's counters), so counting stays
 * what it is on the data path and reading costs the workers nothing.
 *
 * Names. A field's key is the set's key_prefix and its name ("drop_" and
 * "ttl"), the same on the console and in telemetry. Its Prometheus name
 * is "weir_" followed by the field's 'metric' or, without one, the set's
 * name, '_' and the field's name; a counter's ends in "_total". Base
 * units go in the names, as Prometheus' own linter (promtool check
 * metrics) wants: a value kept in microseconds is exported in seconds
 * through the field's 'scale'. Drop sets (STATS_F_DROPS) share one
 * family, weir_drops_total, with the field's name as its 'reason' label.
 *
 * Thread-safety: a registry is filled before any reader exists
 * (stats_register() at start, ctl) and only read afterwards. Reading
 * calls the sets' next() on the reader's thread: a set flagged
 * STATS_F_ANY_THREAD reads only memory that lives for the whole process
 * and may be read by any thread (the telemetry thread among them); the
 * others are read on ctl only. The console's baselines ('clear counters')
 * are ctl-only.
 */
#ifndef STATS_H
#define STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct prom_buf;

#define STATS_LABELS_MAX 3  /* labels of an instance */
#define STATS_LABEL_SIZE 64 /* bytes of one label value, NUL included */
#define STATS_SETS_MAX 64   /* sets in a registry */

enum stats_type {
	STATS_COUNTER = 0, /* only goes up (since start) */
	STATS_GAUGE,	   /* a level: goes up and down */
	/* nb_bounds counts, one per bucket, from 'off'; the sum of the
	 * observations at 'sum_off'. */
	STATS_HISTOGRAM,
	/* The value indexes 'enum_names': Prometheus gets one gauge per
	 * name, 1 for the current one (an admin state, say). */
	STATS_ENUM,
};

struct stats_field {
	const char *name; /* [a-z0-9_]; the key after key_prefix */
	const char *help; /* one line, saying the unit */
	enum stats_type type;
	unsigned int off; /* index of the value in the set's vector */
	/* Prometheus name after "weir_", without "_total"; NULL: the set's
	 * name, '_', the field's name. Fields that share one name must be
	 * next to each other and differ by their 'label' value. */
	const char *metric;
	const char *label;	 /* an extra label ("direction"), or NULL */
	const char *label_value; /* its value ("in") */
	/* Values are in 1/scale of the base unit that Prometheus gets (a
	 * power of ten; 0 means 1): 1000000 for microseconds as seconds. */
	uint64_t scale;
	/* STATS_HISTOGRAM: bucket upper bounds (in the values' unit, the
	 * last may be UINT64_MAX, +Inf) and where the sum is. */
	const uint64_t *bounds;
	unsigned int nb_bounds;
	unsigned int sum_off;
	/* STATS_ENUM: the names, and the label that carries them. */
	const char *const *enum_names;
	unsigned int nb_enum;
	const char *enum_label;
};

/* One instance of a set, as next() fills it. */
struct stats_row {
	/* Values of the set's labels, in its order: next() writes label k
	 * into buf[k], or points labels[k] at a string that outlives the
	 * call (it is copied into buf[k]). */
	const char *labels[STATS_LABELS_MAX];
	char buf[STATS_LABELS_MAX][STATS_LABEL_SIZE];
	uint64_t *vals; /* [nb_values], filled by next() */
};

/* Flags of a set. */
#define STATS_F_TOTAL 0x1 /* summed over instances: 'show stats', /weir/stats */
#define STATS_F_DROPS 0x2 /* fields are drop reasons (weir_drops_total) */
#define STATS_F_ANY_THREAD 0x4 /* next() may run on any thread */

struct stats_set {
	const char *name; /* [a-z0-9_]: 'show counters <name>', metric prefix */
	const char *help; /* what one instance is */
	const char *key_prefix; /* before every field's name in its key */
	const struct stats_field *fields;
	unsigned int nb_fields;
	unsigned int nb_values; /* length of the vector next() fills */
	/* Label names of an instance (NULL-ended, at most STATS_LABELS_MAX),
	 * or NULL: one instance without labels. */
	const char *const *labels;
	unsigned int flags; /* STATS_F_* */
	/*
	 * Fill 'row' with the instance at '*cursor' and move the cursor on;
	 * the first call gets *cursor == 0 and the set may keep any position
	 * there. @return false when there is no instance left.
	 */
	bool (*next)(const struct stats_set *s, uint64_t *cursor,
		struct stats_row *row);
};

/* The rows of one set at one moment (stats_collect()). */
struct stats_table {
	const struct stats_set *set;
	unsigned int nb_rows;
	struct stats_row *rows; /* [nb_rows]; rows[i].vals into 'vals' */
	uint64_t *vals;		/* [nb_rows * set->nb_values] */
};

struct stats_registry;

/** @return an empty registry, or NULL with errno ENOMEM. */
struct stats_registry *stats_registry_create(void);

/** Free 'r' (the sets are not owned); NULL is a no-op. */
void stats_registry_destroy(struct stats_registry *r);

/**
 * Add set 's' (static: it must outlive the registry).
 * @return 0; -EEXIST if a set of that name is there, or a key of a
 * STATS_F_TOTAL set is already another's; -EINVAL for a malformed set
 * (names that are not [a-z0-9_], no fields, an offset past nb_values,
 * fields of one metric name apart or of different types, a histogram
 * without bounds or with bounds out of order, an enum without names, a
 * scale that is not a power of ten, too many labels, no next()); -ENOSPC
 * past STATS_SETS_MAX; -ENOMEM.
 */
int stats_register(struct stats_registry *r, const struct stats_set *s);

/** @return the number of sets, and set 'i' in registration order. */
unsigned int stats_nb_sets(const struct stats_registry *r);
const struct stats_set *
stats_set_at(const struct stats_registry *r, unsigned int i);

/** @return the set named 'name', or NULL. */
const struct stats_set *
stats_find(const struct stats_registry *r, const char *name);

/**
 * Read every instance of 's' into 't' (the caller's, zeroed or freed).
 * @return 0 or -ENOMEM. Free with stats_table_free().
 */
int stats_collect(const struct stats_set *s, struct stats_table *t);

/** Free what stats_collect() put in 't'; it can be collected again. */
void stats_table_free(struct stats_table *t);

/** @return value 'off' summed over the rows of 't'. */
uint64_t stats_table_sum(const struct stats_table *t, unsigned int off);

/*
 * One value of a row, as a flat surface shows it: 'key' (the field's
 * key, "_count" or "_sum<unit>" after a histogram's), the value, and for
 * an enum the name of the value ('text', else NULL).
 */
typedef void(stats_value_fn)(void *arg, const char *key, const char *help,
	uint64_t value, const char *text);

/**
 * Call 'cb' for every value of 'row' of set 's', in field order: counters
 * and gauges as they are, a histogram as its count ("<key>_count") and the
 * sum of its observations in the values' own unit ("<key>_sum_us" at scale
 * 1000000, "_sum_ns" at 1000000000, "_sum_ms" at 1000, "_sum" at 1), an
 * enum as its index and name. The console and telemetry list sets so.
 */
void stats_row_values(const struct stats_set *s, const struct stats_row *row,
	stats_value_fn *cb, void *arg);

/* stats_totals() flags */
#define STATS_T_SINCE_CLEAR 0x1 /* counters less the console's baseline */
#define STATS_T_ANY_THREAD 0x2	/* only STATS_F_ANY_THREAD sets */
#define STATS_T_DROPS 0x4	/* only drop sets, non-zero, key = name */

/* One total: its key, help, type and value. */
typedef void(stats_total_fn)(void *arg, const char *key, const char *help,
	enum stats_type type, uint64_t value);

/**
 * Call 'cb' for each counter and gauge field of every STATS_F_TOTAL set,
 * in registration order, with its value summed over the set's instances.
 * @return 0, or -ENOMEM (nothing more was reported).
 */
int stats_totals(const struct stats_registry *r, unsigned int flags,
	stats_total_fn *cb, void *arg);

/**
 * 'clear counters': the totals' current values become the console's
 * baseline (STATS_T_SINCE_CLEAR). Context: ctl. @return 0 or -ENOMEM.
 */
int stats_clear(struct stats_registry *r);

/**
 * Write every set as Prometheus text into 'b' (errors are the buffer's:
 * prom_buf_error()). 'flags' as for stats_totals(): STATS_T_ANY_THREAD
 * limits it to the sets any thread may read. @return 0 or -ENOMEM (a set
 * could not be read; 'b' holds what came before).
 */
int stats_render_prom(
	const struct stats_registry *r, unsigned int flags, struct prom_buf *b);

#endif /* STATS_H */
