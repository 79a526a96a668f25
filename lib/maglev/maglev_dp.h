/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Maglev lookup, inline for the worker. A 32-bit flow hash maps to a slot
 * by multiply-shift ("fastrange"), which is as uniform as a modulo for a
 * uniform hash and avoids a division by the non-constant table size.
 *
 * Context: worker; reads only the table.
 */
#ifndef MAGLEV_DP_H
#define MAGLEV_DP_H

#include <stdint.h>

/** @return the backend index for flow hash 'h' in 'table' of 'size' slots. */
static inline uint16_t
maglev_lookup(const uint16_t *table, uint32_t size, uint32_t h)
{
	return table[((uint64_t)h * size) >> 32];
}

#endif /* MAGLEV_DP_H */
