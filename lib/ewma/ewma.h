/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Peak-EWMA set-up (the estimates themselves are in ewma_dp.h).
 *
 * Context: ewma_init() once at start, before any worker runs; ewma_tau_set()
 * anywhere.
 */
#ifndef EWMA_H
#define EWMA_H

#include <stdint.h>

#include "ewma_dp.h"

/** Fill the weight tables ewma_weight() reads. Idempotent. */
void ewma_init(void);

/** Set 'tau' to a time constant of 'ticks' (0 is taken as 1). */
void ewma_tau_set(struct ewma_tau *tau, uint32_t ticks);

#endif /* EWMA_H */
