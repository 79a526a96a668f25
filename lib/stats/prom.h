/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Prometheus text exposition (format 0.0.4) rendering.
 *
 * lib/stats holds counter rendering: the code that turns the counters the
 * workers keep (weir_stats.h, the X-macro counter sets) into text for
 * scrapers. This part is the format alone. The caller (the metrics
 * endpoint on ctl) walks its counters and calls prom_family() once per
 * metric, then prom_sample() or prom_histogram() for each labelled series,
 * into a growable text buffer it then serves. The module prefix is prom_
 * rather than stats_ because these functions know Prometheus and nothing
 * else; stats_ stays for the counter sets themselves.
 *
 * Writers return void: a scrape page is built in one go and served whole
 * or not at all, so a failed allocation makes the buffer remember the
 * error (prom_buf_error()) and ignore later writes, and the caller checks
 * once at the end instead of after every line. The alternative, an int
 * result per call, was rejected: hundreds of calls per page would each
 * need a check that can only ever say "out of memory".
 *
 * Names (metric and label) are validated only by assert(): callers pass
 * string constants, so a bad name is a programming error that the debug
 * build and the unit tests catch. Label values and HELP text may come from
 * configuration and are escaped as the format requires.
 *
 * Context: ctl. A buffer is not thread-safe; use one per thread.
 */
#ifndef PROM_H
#define PROM_H

#include <stddef.h>
#include <stdint.h>

/* A bucket bound meaning "no bound": the bucket is rendered le="+Inf". */
#define PROM_LE_INF UINT64_MAX

struct prom_buf;

/**
 * Create an empty text buffer.
 *
 * @return
 *   The buffer, owned by the caller (free with prom_buf_destroy()), or
 *   NULL with errno ENOMEM.
 */
struct prom_buf *prom_buf_create(void);

/** Free 'b'; NULL is a no-op. */
void prom_buf_destroy(struct prom_buf *b);

/**
 * @return the text written since the last reset, NUL-terminated ("" when
 * empty). Valid until the next write, reset or destroy of 'b'.
 */
const char *prom_buf_data(const struct prom_buf *b);

/** @return bytes of text in 'b', without the terminating NUL. */
size_t prom_buf_len(const struct prom_buf *b);

/**
 * Empty 'b' and clear its error, keeping its memory for the next page:
 * scrapes repeat, and pages keep about the same size.
 */
void prom_buf_reset(struct prom_buf *b);

/**
 * @return 0, or -ENOMEM if a write since the last reset was lost for want
 * of memory (the text is then incomplete and must not be served).
 */
int prom_buf_error(const struct prom_buf *b);

/**
 * Write the header of a metric family:
 * "# HELP name help\n# TYPE name type\n".
 *
 * @param b
 *   Buffer to append to.
 * @param name
 *   Metric name, [a-zA-Z_:][a-zA-Z0-9_:]* (asserted).
 * @param type
 *   "counter", "gauge" or "histogram" (asserted).
 * @param help
 *   Free text; backslash and newline are escaped.
 */
void prom_family(struct prom_buf *b, const char *name, const char *type,
	const char *help);

/**
 * Write one sample: name{k="v",k2="v2"} value, or "name value" when there
 * are no labels.
 *
 * @param b
 *   Buffer to append to.
 * @param name
 *   Metric name, as for prom_family(); a counter's ends in "_total".
 * @param labels
 *   NULL, or a NULL-ended array of key, value, key, value, ... pointers.
 *   Keys are label names, [a-zA-Z_][a-zA-Z0-9_]* not starting with "__"
 *   (asserted); values are any text, escaped (backslash, double quote,
 *   newline). An odd count is a programming error (asserted).
 * @param value
 *   The sample's value.
 */
void prom_sample(struct prom_buf *b, const char *name,
	const char *const *labels, uint64_t value);

/**
 * prom_sample() for a value kept in 1/scale of its base unit (scale a
 * power of ten, asserted): 'value' 1500 at scale 1000000 (microseconds)
 * is written as 0.0015 (seconds), exactly.
 */
void prom_sample_scaled(struct prom_buf *b, const char *name,
	const char *const *labels, uint64_t value, uint64_t scale);

/**
 * Write one histogram series: name_bucket{...,le="bound"} lines with
 * cumulative counts, ending with le="+Inf", then name_sum and name_count.
 *
 * @param b
 *   Buffer to append to.
 * @param name
 *   Metric name without suffix, as given to prom_family().
 * @param labels
 *   As for prom_sample(); "le" is added after them and must not be one.
 * @param bucket_le
 *   Upper bounds, inclusive, strictly increasing (asserted). A last bound
 *   of PROM_LE_INF makes that bucket the +Inf one, for counters that keep
 *   an overflow bucket; otherwise a +Inf bucket equal to the total is
 *   added, which claims that no observation exceeded the last bound.
 * @param counts
 *   Observations per bucket, not cumulative: counts[i] fell in
 *   (bucket_le[i - 1], bucket_le[i]].
 * @param nb_buckets
 *   Entries in 'bucket_le' and 'counts'; 0 gives only the +Inf bucket.
 * @param sum
 *   Sum of all observed values, in the unit of the bounds.
 */
void prom_histogram(struct prom_buf *b, const char *name,
	const char *const *labels, const uint64_t *bucket_le,
	const uint64_t *counts, unsigned int nb_buckets, uint64_t sum);

/**
 * prom_histogram() for bounds and sum kept in 1/scale of the base unit
 * (scale a power of ten): Prometheus wants seconds, counters keep
 * microseconds, and the text carries the exact decimal of each.
 */
void prom_histogram_scaled(struct prom_buf *b, const char *name,
	const char *const *labels, const uint64_t *bucket_le,
	const uint64_t *counts, unsigned int nb_buckets, uint64_t sum,
	uint64_t scale);

#endif /* PROM_H */
