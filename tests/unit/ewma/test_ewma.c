/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the peak-EWMA estimator (ewma_dp.h) against a model in
 * double precision written from the definition in its header comment:
 * weights against exp() over the whole range of gaps, whole sample
 * sequences (random gaps and samples, slow spikes, recoveries) within a
 * tight bound of the model, and the power-of-two-choices comparison
 * against the cost formula in exact arithmetic.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "weir_cunit.h"
#include "ewma.h"

#define SEED 7 /* fixed so that failures reproduce */

/* The model: e = s if s >= e, else s + (e - s) * exp(-dt / tau). */
static double
model_sample(double e, double s, double dt, double tau)
{
	return s >= e ? s : s + (e - s) * exp(-dt / tau);
}

static int
setup(void)
{
	ewma_init();
	return 0;
}

/* Weights match exp(-dt/tau) to 1e-6 for every tau and gap tried. */
static void
test_weight_matches_exp(void)
{
	static const uint32_t taus[] = { 1, 3, 100, 1000, 10000, 65536, 1000000,
		4000000000u };
	double worst = 0;
	unsigned int i;
	uint64_t big;
	uint32_t dt;

	for (i = 0; i < sizeof(taus) / sizeof(taus[0]); i++) {
		struct ewma_tau tau;

		ewma_tau_set(&tau, taus[i]);
		for (dt = 0; dt < 40; dt++) {
			double want = exp(-(double)dt / taus[i]);
			double got = (double)ewma_weight(&tau, dt) / EWMA_ONE;

			if (fabs(got - want) > worst)
				worst = fabs(got - want);
		}
		for (big = 1; big <= UINT32_MAX && big < 20ull * taus[i];
			big = big * 3 / 2 + 1) {
			double want = exp(-(double)big / taus[i]);
			double got = (double)ewma_weight(&tau, (uint32_t)big) /
				EWMA_ONE;

			if (fabs(got - want) > worst)
				worst = fabs(got - want);
		}
	}
	printf("\n    worst weight error %.3g ", worst);
	CU_ASSERT(worst < 1e-6);
}

/* Past EWMA_TAU_SPAN time constants the old estimate is forgotten. */
static void
test_weight_zero_after_span(void)
{
	struct ewma_tau tau;

	ewma_tau_set(&tau, 1000);
	CU_ASSERT_EQUAL(ewma_weight(&tau, 0), EWMA_ONE);
	CU_ASSERT(ewma_weight(&tau, 15999) > 0);
	CU_ASSERT_EQUAL(ewma_weight(&tau, 16000), 0);
	CU_ASSERT_EQUAL(ewma_weight(&tau, UINT32_MAX), 0);
	ewma_tau_set(&tau, 0); /* taken as 1 */
	CU_ASSERT_EQUAL(tau.ticks, 1);
}

/* A slower sample replaces the estimate at once, whatever the gap. */
static void
test_slower_sample_at_once(void)
{
	struct ewma_tau tau;
	uint32_t est = 1000000, at = 5;

	ewma_tau_set(&tau, 10000);
	ewma_sample(&est, &at, &tau, 50000000, 6);
	CU_ASSERT_EQUAL(est, 50000000);
	CU_ASSERT_EQUAL(at, 6);
	/* A faster one a whole tau later goes 63% of the way down. */
	ewma_sample(&est, &at, &tau, 1000000, 10006);
	CU_ASSERT(fabs(est - (1e6 + 49e6 * exp(-1.0))) < 2);
	/* The same sample again at once moves nothing. */
	ewma_sample(&est, &at, &tau, 1000000, 10006);
	CU_ASSERT(fabs(est - (1e6 + 49e6 * exp(-1.0))) < 2);
}

/*
 * Sequences as a worker sees them: a sample every few ticks, most fast,
 * some slow spikes, phases where the backend is slow throughout. The
 * fixed-point estimate stays within 10 ns plus 5 parts in 10^4 of the
 * model after every one of 200 000 samples. The error comes from the
 * weights (about 1e-7 absolute): against a tau of 10^5 ticks a one-tick
 * gap decays by 1e-5, so the decay rate itself is off by up to 1%, which
 * moves a decaying estimate by a few parts in 10^4 at most.
 */
static void
test_sequences_match_model(void)
{
	static const uint32_t taus[] = { 10, 1000, 10000, 100000 };
	unsigned int i, n, bad = 0;
	double worst = 0;

	srand(SEED);
	for (i = 0; i < sizeof(taus) / sizeof(taus[0]); i++) {
		struct ewma_tau tau;
		uint32_t est = 30000000, at = 0, now = 0;
		double model = est;

		ewma_tau_set(&tau, taus[i]);
		for (n = 0; n < 50000; n++) {
			uint32_t s, dt = (uint32_t)(rand() % 8);
			int phase = (n / 5000) % 3;

			if (rand() % 100 == 0)
				dt = (uint32_t)(rand() % (4 * taus[i] + 1));
			now += dt;
			s = (uint32_t)(200000 + rand() % 800000);
			if (phase == 1)
				s += 50000000; /* a slow phase: +50 ms */
			if (rand() % 500 == 0)
				s = (uint32_t)(rand() % 2000000000); /* spike */
			ewma_sample(&est, &at, &tau, s, now);
			model = model_sample(model, s, dt, taus[i]);
			if (fabs(est - model) > 10 + 5e-4 * model)
				bad++;
			if (fabs(est - model) / (model + 1) > worst)
				worst = fabs(est - model) / (model + 1);
		}
	}
	printf("\n    worst relative error %.3g ", worst);
	CU_ASSERT_EQUAL(bad, 0);
}

/* Ticks wrap: a sample just after the counter wrapped decays by the gap. */
static void
test_sample_across_wrap(void)
{
	struct ewma_tau tau;
	uint32_t est = 50000000, at = UINT32_MAX - 499;

	ewma_tau_set(&tau, 1000);
	ewma_sample(&est, &at, &tau, 0, 500); /* 1000 ticks later */
	CU_ASSERT(fabs(est - 50e6 * exp(-1.0)) < 50);
}

/* Unsampled, an estimate reads lower with time: exp(-t/tau) of itself. */
static void
test_read_decays_to_zero(void)
{
	struct ewma_tau tau;
	uint32_t est = 50000000, at = 1000;

	ewma_tau_set(&tau, 10000);
	CU_ASSERT_EQUAL(ewma_read(est, at, &tau, 1000), 50000000);
	CU_ASSERT(
		fabs(ewma_read(est, at, &tau, 11000) - 50e6 * exp(-1.0)) < 50);
	CU_ASSERT(
		fabs(ewma_read(est, at, &tau, 41000) - 50e6 * exp(-4.0)) < 50);
	CU_ASSERT_EQUAL(ewma_read(est, at, &tau, 1000 + 16 * 10000), 0);
	/* Reading changes nothing: the next sample decays from 'at'. */
	ewma_sample(&est, &at, &tau, 0, 11000);
	CU_ASSERT(fabs(est - 50e6 * exp(-1.0)) < 50);
}

/* The comparison agrees with cost = est * (load + 1) / weight. */
static void
test_cheaper_matches_cost(void)
{
	unsigned int n, bad = 0;

	srand(SEED);
	for (n = 0; n < 200000; n++) {
		uint32_t ea = (uint32_t)rand() * 3u, eb = (uint32_t)rand() * 3u;
		uint32_t la = (uint32_t)(rand() % 1000),
			 lb = (uint32_t)(rand() % 1000);
		uint16_t wa = (uint16_t)(1 + rand() % 100);
		uint16_t wb = (uint16_t)(1 + rand() % 100);
		long double ca = (long double)ea * (la + 1) / wa;
		long double cb = (long double)eb * (lb + 1) / wb;

		if (n % 4 == 0) {
			eb = ea; /* equal estimates: load decides */
			cb = (long double)eb * (lb + 1) / wb;
		}
		if (ewma_cheaper(ea, la, wa, eb, lb, wb) != (ca < cb))
			bad++;
	}
	CU_ASSERT_EQUAL(bad, 0);
	/* The extremes do not overflow. */
	CU_ASSERT(ewma_cheaper(
		UINT32_MAX - 1, UINT32_MAX, 1, UINT32_MAX, UINT32_MAX, 1));
	CU_ASSERT(!ewma_cheaper(
		UINT32_MAX, UINT32_MAX, 1, UINT32_MAX, UINT32_MAX, 65535));
	/* Equal costs: not cheaper either way (the caller keeps its first). */
	CU_ASSERT(!ewma_cheaper(1000, 3, 2, 500, 3, 1));
	CU_ASSERT(!ewma_cheaper(500, 3, 1, 1000, 3, 2));
	/* Pending connects count: a slow-to-answer backend with a pile of
	 * them costs more than a busier fast one. */
	CU_ASSERT(ewma_cheaper(1000000, 40, 1, 30000000, 5, 1));
}

static CU_TestInfo tests[] = {
	{ "weight_matches_exp", test_weight_matches_exp },
	{ "weight_zero_after_span", test_weight_zero_after_span },
	{ "slower_sample_at_once", test_slower_sample_at_once },
	{ "sequences_match_model", test_sequences_match_model },
	{ "sample_across_wrap", test_sample_across_wrap },
	{ "read_decays_to_zero", test_read_decays_to_zero },
	{ "cheaper_matches_cost", test_cheaper_matches_cost }, CU_TEST_INFO_NULL
};

static CU_SuiteInfo suites[] = {
	{ .pName = "ewma", .pInitFunc = setup, .pTests = tests },
	CU_SUITE_INFO_NULL
};

int
main(void)
{
	return weir_cunit_run(suites);
}
