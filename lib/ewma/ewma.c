/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Q30 tables of exp(-x) behind ewma_weight(): exp(-(k + a/2^8 +
 * b/2^16 + c/2^24)) = exp(-k) * exp(-a/2^8) * exp(-b/2^16) * exp(-c/2^24),
 * each rounded to nearest, so a weight is off by a few units in 2^30.
 */
#include <math.h>

#include "ewma.h"

uint32_t ewma_exp_int[EWMA_TAU_SPAN];
uint32_t ewma_exp_frac[3][256];

static uint32_t
ewma_q30(double x)
{
	return (uint32_t)llround(exp(-x) * (double)EWMA_ONE);
}

void
ewma_init(void)
{
	unsigned int i, j;

	for (i = 0; i < EWMA_TAU_SPAN; i++)
		ewma_exp_int[i] = ewma_q30((double)i);
	for (j = 0; j < 3; j++)
		for (i = 0; i < 256; i++)
			ewma_exp_frac[j][i] = ewma_q30(
				ldexp(i, -8 * (int)(j + 1)));
}

void
ewma_tau_set(struct ewma_tau *tau, uint32_t ticks)
{
	tau->ticks = ticks != 0 ? ticks : 1;
	tau->inv = (UINT64_C(1) << 56) / tau->ticks;
}
