/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Peak-EWMA latency estimates in integer fixed point, as the workers keep
 * them per backend for least-latency balancing (Finagle's peak EWMA, the
 * cost of a backend being its estimate times its load):
 *
 *	sample s at time t, estimate e last updated at time a:
 *	    s >= e:  e = s                            (a slower sample: at once)
 *	    s <  e:  e = s + (e - s) * exp(-(t - a) / tau)   (a faster one: decays)
 *
 * so a backend that turns slow is avoided from its first slow answer, and
 * one that recovers regains its share over a few time constants 'tau'.
 * Read at time t (ewma_read()), an estimate is e * exp(-(t - a) / tau):
 * with no samples it decays toward zero, so a backend avoided once is
 * tried again a few time constants later instead of never (Finagle's
 * estimate decays the same way); one that samples keep fresh reads e.
 * Weights exp(-x) come from four small tables (whole multiples of tau,
 * then 1/256, 1/65536 and 1/2^24 of it) in Q30: three multiplies, no
 * division or floating point on the worker, and a weight within a few
 * parts in 10^7 of exp() even for a gap of one tick against a tau of ten
 * thousand. Estimates are 32-bit: in nanoseconds, as lb keeps them, they
 * saturate at 4.29 s. tests/unit/ewma checks weights and whole sample
 * sequences against a double-precision model.
 *
 * Context: any thread. Pure functions of their arguments and of the
 * tables ewma_init() fills once at start; no locks, no calls out.
 *
 * Example (worker):
 *	ewma_sample(&e->ns, &e->at, &svc->tau, sample_ns, now);
 *	ca = ewma_read(a->ns, a->at, &svc->tau, now);
 *	cb = ewma_read(b->ns, b->at, &svc->tau, now);
 *	if (ewma_cheaper(ca, a->load, wa, cb, b->load, wb)) ...
 */
#ifndef EWMA_DP_H
#define EWMA_DP_H

#include <stdbool.h>
#include <stdint.h>

#define EWMA_W_SHIFT 30			       /* weights are Q30 */
#define EWMA_ONE (UINT64_C(1) << EWMA_W_SHIFT) /* weight 1.0 */
#define EWMA_TAU_SPAN 16 /* time constants after which a weight is 0 */

/* exp(-k) and exp(-i/2^8), exp(-i/2^16), exp(-i/2^24) in Q30 (ewma.c). */
extern uint32_t ewma_exp_int[EWMA_TAU_SPAN];
extern uint32_t ewma_exp_frac[3][256];

/* A time constant, in the caller's ticks; ewma_tau_set() makes one. */
struct ewma_tau {
	uint32_t ticks; /* > 0 */
	uint64_t inv;	/* 2^56 / ticks: ticks -> Q24 multiples of tau */
};

/** @return exp(-dt / tau) in Q30; 0 from EWMA_TAU_SPAN time constants on. */
static inline uint64_t
ewma_weight(const struct ewma_tau *tau, uint32_t dt)
{
	uint64_t r, w;

	if ((uint64_t)dt >= (uint64_t)tau->ticks * EWMA_TAU_SPAN)
		return 0;
	/* dt * inv < EWMA_TAU_SPAN * 2^56 = 2^60: no overflow. */
	r = ((uint64_t)dt * tau->inv) >> 32; /* Q24 multiples of tau */
	w = ((uint64_t)ewma_exp_int[r >> 24] *
		    ewma_exp_frac[0][(r >> 16) & 0xff]) >>
		EWMA_W_SHIFT;
	w = (w * ewma_exp_frac[1][(r >> 8) & 0xff]) >> EWMA_W_SHIFT;
	return (w * ewma_exp_frac[2][r & 0xff]) >> EWMA_W_SHIFT;
}

/**
 * Fold sample 's' (any unit, the estimate's) taken at tick 'now' into the
 * estimate '*est' last updated at tick '*at' (wrap-safe differences).
 */
static inline void
ewma_sample(uint32_t *est, uint32_t *at, const struct ewma_tau *tau, uint32_t s,
	uint32_t now)
{
	if (s >= *est) {
		*est = s;
	} else {
		uint64_t w = ewma_weight(tau, now - *at);

		*est = s +
			(uint32_t)(((uint64_t)(*est - s) * w) >> EWMA_W_SHIFT);
	}
	*at = now;
}

/** @return estimate 'est', last updated at tick 'at', as read at 'now'. */
static inline uint32_t
ewma_read(uint32_t est, uint32_t at, const struct ewma_tau *tau, uint32_t now)
{
	return (uint32_t)(((uint64_t)est * ewma_weight(tau, now - at)) >>
		EWMA_W_SHIFT);
}

/**
 * Power of two choices: @return true if backend a (estimate, load, weight)
 * costs less than b, cost = estimate * (load + 1) / weight. Load is what
 * the backend has in hand (pending connects and open flows): a backend
 * slow to answer SYNs piles up pending connects, which raise its cost.
 * Weights are > 0 (a backend with weight 0 is never a candidate).
 */
static inline bool
ewma_cheaper(uint32_t est_a, uint32_t load_a, uint16_t weight_a, uint32_t est_b,
	uint32_t load_b, uint16_t weight_b)
{
	/* est * (load + 1) < 2^64 and * weight < 2^80: 128-bit products. */
	__extension__ typedef unsigned __int128 u128;
	u128 ca = (u128)((uint64_t)est_a * ((uint64_t)load_a + 1)) * weight_b;
	u128 cb = (u128)((uint64_t)est_b * ((uint64_t)load_b + 1)) * weight_a;

	return ca < cb;
}

#endif /* EWMA_DP_H */
