/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Counters with one writer. The owner adds with a relaxed load and store
 * (no LOCK prefix: nobody else writes), readers load relaxed; a 64-bit
 * aligned access cannot tear on the 64-bit targets weir builds for.
 */
#ifndef WEIR_STATS_H
#define WEIR_STATS_H

#include <stdint.h>

static inline void
weir_stat_add(uint64_t *c, uint64_t n)
{
	__atomic_store_n(
		c, __atomic_load_n(c, __ATOMIC_RELAXED) + n, __ATOMIC_RELAXED);
}

static inline uint64_t
weir_stat_read(const uint64_t *c)
{
	return __atomic_load_n(c, __ATOMIC_RELAXED);
}

#endif /* WEIR_STATS_H */
