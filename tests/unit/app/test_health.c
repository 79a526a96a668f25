/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of passive outlier detection and of how active checks'
 * verdicts eject (app/weir/modules/health/health.c) without an EAL: the connect outcomes the workers would count
 * are set here per backend (lb_stats_obj_get), time is whatever the test
 * passes to the module's timer, and what the module does is read back
 * from the fakes of what it calls: ejections (svc_be_set_ejected),
 * publications (svc_publish) and events (event_log).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cfg.h"
#include "ctl.h"
#include "events.h"
#include "health.h"
#include "health_check.h"
#include "lb_stats.h"
#include "module.h"
#include "svc.h"
#include "weir.h"
#include "weir_cunit.h"

#define NB_BE 3
#define S 1000 /* ms */

struct weir weir;
extern const struct weir_module health_module;

/* -- Fakes ----------------------------------------------------------------- */

const struct console_cmd health_cmds[] = { { .fn = NULL } };
const struct stats_set *const health_counter_sets[] = { NULL };

static struct lb_stats t_stats[NB_BE]; /* by backend id */
static bool t_ejected[NB_BE];
static unsigned int t_publishes;
static char t_events[16][256];
static unsigned int t_nb_events;
static uint64_t t_now;

void
lb_stats_obj_get(enum lb_stats_kind kind, unsigned int id, bool since_clear,
	struct lb_stats *o)
{
	(void)kind;
	(void)since_clear;
	*o = t_stats[id];
}

bool
lb_stats_ready(void)
{
	return true;
}

static struct svc_backend t_be[NB_BE];

/* The flag lands in the snapshot as the publish that follows would. */
void
svc_be_set_ejected(uint16_t id, bool ejected)
{
	t_ejected[id] = ejected;
	t_be[id].ejected = ejected;
}

/* The active checker's verdicts, set by the tests. */
static struct health_check_be t_check[NB_BE];

const struct health_check_be *
health_check_get(const struct svc_backend *b)
{
	return &t_check[b->id];
}

bool
health_check_down(const struct svc_backend *b)
{
	return t_check[b->id].state == HEALTH_CHECK_DOWN;
}

const char *
health_be_name(const struct svc *v, const struct svc_backend *b, char *buf,
	size_t size)
{
	snprintf(buf, size, "service %s backend %u.%u.%u.%u:%u", v->name,
		b->addr[0], b->addr[1], b->addr[2], b->addr[3],
		rte_be_to_cpu_16(b->port));
	return buf;
}

void
health_check_tick(uint64_t now_ms)
{
	(void)now_ms;
}

void
health_check_fini(void)
{
}

int
svc_publish(const char *why)
{
	(void)why;
	t_publishes++;
	return 0;
}

static struct svc t_svc;
static struct svc_snap t_snap;

const struct svc *
svc_by_id(uint16_t id)
{
	return id == t_svc.id ? &t_svc : NULL;
}

void
event_log(const char *kind, const char *fmt, ...)
{
	va_list ap;

	(void)kind;
	if (t_nb_events == 16)
		return;
	va_start(ap, fmt);
	vsnprintf(t_events[t_nb_events++], sizeof(t_events[0]), fmt, ap);
	va_end(ap);
}

uint64_t
ctl_now_ms(void)
{
	return t_now;
}

/* -- Fixture --------------------------------------------------------------- */

static struct cfg_service t_cfg_svc;
static struct cfg_conf t_conf;

static void
tick(void)
{
	health_module.timers[0].fn(t_now);
}

static void
setup(void)
{
	static uint32_t epoch;
	unsigned int i;

	memset(t_stats, 0, sizeof(t_stats));
	memset(t_ejected, 0, sizeof(t_ejected));
	memset(t_check, 0, sizeof(t_check));
	memset(t_events, 0, sizeof(t_events));
	t_nb_events = t_publishes = 0;
	memset(&t_cfg_svc, 0, sizeof(t_cfg_svc));
	snprintf(t_cfg_svc.name, sizeof(t_cfg_svc.name), "web");
	t_cfg_svc.outlier.consecutive = 5;
	t_cfg_svc.outlier.base_ejection_s = 30;
	t_cfg_svc.outlier.max_ejection_s = 300;
	t_cfg_svc.outlier.max_ejection_pct = 10;
	t_conf.services = &t_cfg_svc;
	t_conf.nb_services = 1;
	weir.conf = &t_conf;
	memset(&t_svc, 0, sizeof(t_svc));
	snprintf(t_svc.name, sizeof(t_svc.name), "web");
	t_svc.id = 4;
	t_svc.family = AF_INET;
	t_svc.nb_be = NB_BE;
	t_svc.be = t_be;
	for (i = 0; i < NB_BE; i++) {
		memset(&t_be[i], 0, sizeof(t_be[i]));
		t_be[i].id = (uint16_t)i;
		/* A new epoch per test: the module starts each one clean. */
		t_be[i].epoch = ++epoch;
		t_be[i].addr[0] = 198;
		t_be[i].addr[1] = 18;
		t_be[i].addr[2] = 1;
		t_be[i].addr[3] = (uint8_t)(11 + i);
		t_be[i].port = rte_cpu_to_be_16(8080);
	}
	t_snap.svc = &t_svc;
	t_snap.nb_svc = 1;
	weir_rcu_set(&weir.snap, &t_snap);
	health_svc_enable(t_svc.id, true);
	t_now = 1000 * S;
	tick(); /* the module meets the backends */
}

/* Backend 'id' answers 'ok' connects and refuses 'bad', then a tick. */
static void
outcomes(unsigned int id, unsigned int ok, unsigned int bad)
{
	t_stats[id].handshakes += ok;
	t_stats[id].connect_refused += bad;
	tick();
}

static bool
logged(const char *what)
{
	unsigned int i;

	for (i = 0; i < t_nb_events; i++)
		if (strstr(t_events[i], what) != NULL)
			return true;
	return false;
}

/* -- Tests ----------------------------------------------------------------- */

/* Four failures in a row do nothing, the fifth ejects for base time. */
static void
test_consecutive_failures_eject(void)
{
	setup();
	outcomes(2, 0, 4);
	CU_ASSERT_FALSE(t_ejected[2]);
	CU_ASSERT_EQUAL(health_be_get(2)->consecutive, 4);
	CU_ASSERT_EQUAL(t_publishes, 0);
	outcomes(2, 0, 1);
	CU_ASSERT_TRUE(t_ejected[2]);
	CU_ASSERT_TRUE(health_be_get(2)->ejected);
	CU_ASSERT_EQUAL(health_be_get(2)->until_ms, t_now + 30 * S);
	CU_ASSERT_EQUAL(health_be_get(2)->why, HEALTH_WHY_REFUSED);
	CU_ASSERT_EQUAL(t_publishes, 1);
	CU_ASSERT_TRUE(logged("service web backend 198.18.1.13:8080 ejected "
			      "for 30 s after 5 failed connects in a row "
			      "(last: refused; ejection 1)"));
}

/* A success between failures ends the run. */
static void
test_success_ends_the_run(void)
{
	setup();
	outcomes(0, 0, 4);
	outcomes(0, 1, 0);
	CU_ASSERT_EQUAL(health_be_get(0)->consecutive, 0);
	outcomes(0, 0, 4);
	CU_ASSERT_FALSE(t_ejected[0]);
	/* Failures and a success in one read: the success wins. */
	outcomes(0, 1, 3);
	CU_ASSERT_EQUAL(health_be_get(0)->consecutive, 0);
	CU_ASSERT_FALSE(t_ejected[0]);
}

/* Timeouts and unreachables count as failures and name themselves. */
static void
test_every_failure_counts(void)
{
	setup();
	t_stats[1].connect_timeouts += 2;
	t_stats[1].connect_unreachable += 3;
	tick();
	CU_ASSERT_TRUE(t_ejected[1]);
	CU_ASSERT_EQUAL(health_be_get(1)->why, HEALTH_WHY_UNREACHABLE);
	CU_ASSERT_TRUE(logged("(last: unreachable; ejection 1)"));
}

/*
 * It returns when the time is over; the next ejection lasts twice as
 * long, capped at max_ejection_s; a whole base time healthy forgets one.
 */
static void
test_ejection_times_grow_and_cap(void)
{
	setup();
	t_cfg_svc.outlier.base_ejection_s = 100;
	t_cfg_svc.outlier.max_ejection_s = 150;
	outcomes(0, 0, 5);
	CU_ASSERT_EQUAL(health_be_get(0)->until_ms, t_now + 100 * S);
	t_now += 100 * S - 1;
	tick();
	CU_ASSERT_TRUE(t_ejected[0]);
	t_now += 1;
	tick();
	CU_ASSERT_FALSE(t_ejected[0]);
	CU_ASSERT_TRUE(logged("returned (ejection time over)"));
	CU_ASSERT_EQUAL(t_publishes, 2);
	outcomes(0, 0, 5); /* 2 x 100 s, capped at 150 */
	CU_ASSERT_EQUAL(health_be_get(0)->until_ms, t_now + 150 * S);
	CU_ASSERT_EQUAL(health_be_get(0)->ejections, 2);
	t_now += 150 * S;
	tick();
	CU_ASSERT_FALSE(t_ejected[0]);
	/* Two base times healthy: the multiplier is back to 0. */
	t_now += 100 * S;
	tick();
	t_now += 100 * S;
	tick();
	outcomes(0, 0, 5);
	CU_ASSERT_EQUAL(health_be_get(0)->until_ms, t_now + 100 * S);
}

/*
 * max_ejection_percent: 10% of three is none, but one may always go;
 * the second waits until the first returns. At 100% all may go.
 */
static void
test_max_ejection_percent(void)
{
	setup();
	outcomes(1, 0, 5);
	outcomes(2, 0, 5);
	CU_ASSERT_TRUE(t_ejected[1]);
	CU_ASSERT_FALSE(t_ejected[2]);
	CU_ASSERT(health_be_get(2)->consecutive >= 5);
	t_now += 30 * S;
	tick(); /* be1 returns; be2's run is still long enough */
	CU_ASSERT_FALSE(t_ejected[1]);
	tick();
	CU_ASSERT_TRUE(t_ejected[2]);
	setup();
	t_cfg_svc.outlier.max_ejection_pct = 100;
	outcomes(0, 0, 5);
	outcomes(1, 0, 5);
	outcomes(2, 0, 5);
	CU_ASSERT_TRUE(t_ejected[0] && t_ejected[1] && t_ejected[2]);
}

/* Off (config or console): no ejection; switching off returns them. */
static void
test_detection_off(void)
{
	setup();
	t_cfg_svc.outlier.consecutive = 0;
	outcomes(0, 0, 50);
	CU_ASSERT_FALSE(t_ejected[0]);
	setup();
	outcomes(0, 0, 5);
	CU_ASSERT_TRUE(t_ejected[0]);
	health_svc_enable(t_svc.id, false);
	CU_ASSERT_FALSE(t_ejected[0]);
	CU_ASSERT_TRUE(logged("returned (health checking disabled)"));
	outcomes(1, 0, 50);
	CU_ASSERT_FALSE(t_ejected[1]);
	health_svc_enable(t_svc.id, true);
}

/* Panic as the snapshot says: one event as it starts, one as it ends. */
static void
test_panic_events(void)
{
	setup();
	t_svc.panic = true;
	tick();
	tick();
	CU_ASSERT_EQUAL(t_nb_events, 1);
	CU_ASSERT_TRUE(logged("service web in panic"));
	t_svc.panic = false;
	tick();
	CU_ASSERT_TRUE(logged("service web out of panic"));
	CU_ASSERT_EQUAL(t_nb_events, 2);
}

/* Set backend 'id''s check verdict, then a tick. */
static void
check(unsigned int id, uint8_t state)
{
	t_check[id].state = state;
	t_check[id].last_ok = state == HEALTH_CHECK_UP;
	if (state == HEALTH_CHECK_UP)
		t_check[id].ok_ms = t_now;
	tick();
}

/*
 * A check that says down ejects at once, whatever max_ejection_percent
 * says (the panic threshold guards the service); up again, it returns.
 */
static void
test_check_down_ejects(void)
{
	setup();
	check(0, HEALTH_CHECK_DOWN);
	check(1, HEALTH_CHECK_DOWN);
	check(2, HEALTH_CHECK_DOWN);
	CU_ASSERT_TRUE(t_ejected[0] && t_ejected[1] && t_ejected[2]);
	CU_ASSERT_FALSE(health_be_get(0)->ejected); /* not detection's */
	check(1, HEALTH_CHECK_UP);
	CU_ASSERT_FALSE(t_ejected[1]);
	CU_ASSERT_TRUE(t_ejected[0] && t_ejected[2]);
	/* A check still starting (init) counts as up. */
	check(2, HEALTH_CHECK_INIT);
	CU_ASSERT_FALSE(t_ejected[2]);
}

/* 'rise' checks passed after an ejection began end it early. */
static void
test_check_returns_early(void)
{
	setup();
	t_cfg_svc.check.type = CFG_CHECK_HTTP;
	t_cfg_svc.check.rise = 2;
	check(0, HEALTH_CHECK_UP); /* passed before: does not count */
	t_check[0].passed = t_check[0].run = 1;
	t_now += S;
	outcomes(0, 0, 5);
	CU_ASSERT_TRUE(t_ejected[0]);
	t_now += 2 * S;
	t_check[0].passed = t_check[0].run = 2; /* one since: not enough */
	check(0, HEALTH_CHECK_UP);
	CU_ASSERT_TRUE(t_ejected[0]);
	t_check[0].passed = t_check[0].run = 3; /* rise (2) since */
	check(0, HEALTH_CHECK_UP);
	CU_ASSERT_FALSE(t_ejected[0]);
	CU_ASSERT_TRUE(logged("returned (active checks passed)"));
}

/* Detection and checks off: a down check ejects nothing. */
static void
test_check_off_with_health(void)
{
	setup();
	check(0, HEALTH_CHECK_DOWN);
	CU_ASSERT_TRUE(t_ejected[0]);
	health_svc_enable(t_svc.id, false);
	CU_ASSERT_FALSE(t_ejected[0]);
	tick();
	CU_ASSERT_FALSE(t_ejected[0]);
	health_svc_enable(t_svc.id, true);
	tick();
	CU_ASSERT_TRUE(t_ejected[0]);
}

static CU_TestInfo tests[] = { { "consecutive_failures_eject",
				       test_consecutive_failures_eject },
	{ "success_ends_the_run", test_success_ends_the_run },
	{ "every_failure_counts", test_every_failure_counts },
	{ "ejection_times_grow_and_cap", test_ejection_times_grow_and_cap },
	{ "max_ejection_percent", test_max_ejection_percent },
	{ "detection_off", test_detection_off },
	{ "panic_events", test_panic_events },
	{ "check_down_ejects", test_check_down_ejects },
	{ "check_returns_early", test_check_returns_early },
	{ "check_off_with_health", test_check_off_with_health },
	CU_TEST_INFO_NULL };

static CU_SuiteInfo suites[] = { { .pName = "health", .pTests = tests },
	CU_SUITE_INFO_NULL };

int
main(void)
{
	return weir_cunit_run(suites);
}
