/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * maglev_bench - time Maglev table builds (lib/maglev) for 10, 100 and 1000
 * backends at M = 65537 and 655373, equal weights and weights 1..100, the
 * median of repeated builds. It measures the management thread's cost of a
 * change (every publish rebuilds the tables); it is a benchmark, never a
 * test, and prints one table.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "maglev.h"

#define BENCH_RUNS 15 /* builds per case; the median is reported */

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
bench_case(unsigned int n, uint32_t m, int weighted)
{
	struct maglev_backend *be = calloc(n, sizeof(*be));
	uint8_t(*keys)[18] = calloc(n, sizeof(*keys));
	uint16_t *table = malloc(m * sizeof(*table));
	double t[BENCH_RUNS];
	unsigned int i, r;

	if (be == NULL || keys == NULL || table == NULL)
		exit(1);
	for (i = 0; i < n; i++) {
		/* 198.18.x.y port 8080, as a node would key it. */
		keys[i][0] = 198;
		keys[i][1] = 18;
		keys[i][2] = (uint8_t)(i >> 8);
		keys[i][3] = (uint8_t)i;
		keys[i][16] = 8080 >> 8;
		keys[i][17] = 8080 & 0xff;
		be[i].key = keys[i];
		be[i].key_len = sizeof(keys[i]);
		be[i].weight = weighted ? 1 + i % 100 : 1;
	}
	for (r = 0; r < BENCH_RUNS; r++) {
		struct timespec a, b;

		clock_gettime(CLOCK_MONOTONIC, &a);
		if (maglev_build(be, n, m, 42, table) < 0)
			exit(1);
		clock_gettime(CLOCK_MONOTONIC, &b);
		t[r] = (double)(b.tv_sec - a.tv_sec) * 1e3 +
			(double)(b.tv_nsec - a.tv_nsec) / 1e6;
	}
	qsort(t, BENCH_RUNS, sizeof(t[0]), cmp_double);
	free(be);
	free(keys);
	free(table);
	return t[BENCH_RUNS / 2];
}

int
main(void)
{
	static const unsigned int ns[] = { 10, 100, 1000 };
	static const uint32_t ms[] = { 65537, 655373 };
	unsigned int i, j;

	printf("| backends | M | equal weights, ms | weights 1..100, ms |\n");
	printf("|---|---|---|---|\n");
	for (j = 0; j < 2; j++)
		for (i = 0; i < 3; i++)
			printf("| %u | %u | %.2f | %.2f |\n", ns[i], ms[j],
				bench_case(ns[i], ms[j], 0),
				bench_case(ns[i], ms[j], 1));
	return 0;
}
