/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The health module: passive outlier detection and ejection (health.h
 * says how), the panic threshold's events, and their counters.
 *
 * Why the management thread decides and the workers only count: an
 * ejection changes which backends own Maglev slots, which is a new
 * snapshot, and only ctl publishes snapshots. A tick of HEALTH_TICK_MS
 * bounds how late an ejection comes (a few connects more fail); reading
 * sums rather than each worker's own run of failures lets a backend's
 * failures on several workers add up, as they do for the client.
 *
 * Context: ctl.
 */
#include <stdio.h>
#include <string.h>

#include <rte_common.h>

#include "cfg.h"
#include "ctl.h"
#include "events.h"
#include "health.h"
#include "health_check.h"
#include "lb_stats.h"
#include "module.h"
#include "svc.h"
#include "weir.h"
#include "weir_addr.h"
#include "weir_log.h"

WEIR_LOG_TYPE("health")

static struct health_be health_be[SVC_BE_ID_MAX];
static bool health_off[SVC_ID_MAX];   /* by service id: detection off */
static bool health_panic[SVC_ID_MAX]; /* by service id: as last published */

const struct health_be *
health_be_get(uint16_t id)
{
	static const struct health_be none;

	return id < SVC_BE_ID_MAX ? &health_be[id] : &none;
}

const char *
health_why_name(uint8_t why)
{
	static const char *const names[] = { "-", "refused", "unreachable",
		"timeout" };

	return why < RTE_DIM(names) ? names[why] : "?";
}

bool
health_svc_enabled(uint16_t svc)
{
	return svc < SVC_ID_MAX && !health_off[svc];
}

static void
health_return(const struct svc *v, const struct svc_backend *b,
	struct health_be *h, uint64_t now_ms, const char *why)
{
	char name[128];

	h->ejected = false;
	h->consecutive = 0;
	h->healthy_ms = now_ms;
	event_log("health", "%s returned (%s)",
		health_be_name(v, b, name, sizeof(name)), why);
}

/*
 * Make the snapshot's ejected flag of 'b' what detection and the active
 * check say: out while outlier detection ejects it or its check says it
 * is down, while health checking is on for the service. @return true if
 * the flag changed (the snapshot must be published again).
 */
static bool
health_be_apply(const struct svc *v, const struct svc_backend *b,
	const struct health_be *h)
{
	bool out = health_svc_enabled(v->id) &&
		((h->epoch == b->epoch && h->ejected) || health_check_down(b));

	if (out == b->ejected)
		return false;
	svc_be_set_ejected(b->id, out);
	return true;
}

void
health_svc_enable(uint16_t svc, bool on)
{
	const struct svc *v = svc_by_id(svc);
	uint64_t now = ctl_now_ms();
	bool changed = false;
	unsigned int j;

	if (svc >= SVC_ID_MAX)
		return;
	health_off[svc] = !on;
	for (j = 0; v != NULL && j < v->nb_be; j++) {
		const struct svc_backend *b = &v->be[j];
		struct health_be *h = &health_be[b->id];

		h->consecutive = 0;
		if (!on && h->ejected)
			health_return(v, b, h, now, "health checking disabled");
		/* Off: neither detection nor a check ejects. */
		if (health_be_apply(v, b, h))
			changed = true;
	}
	if (changed)
		svc_publish("health checking disabled");
}

/* Backends of 'v' ejected now. */
static unsigned int
health_nb_ejected(const struct svc *v)
{
	unsigned int j, n = 0;

	for (j = 0; j < v->nb_be; j++)
		n += health_be[v->be[j].id].ejected;
	return n;
}

/* Outlier detection of one backend: its connect outcomes since the last
 * tick eject it, or its ejection ends. */
static void
health_outlier(const struct cfg_service *c, const struct svc *v,
	const struct svc_backend *b, uint64_t now_ms)
{
	const struct cfg_outlier *o = &c->outlier;
	struct health_be *h = &health_be[b->id];
	const struct health_check_be *hc = health_check_get(b);
	uint64_t failed, secs;
	struct lb_stats st;
	char name[128];

	lb_stats_obj_get(LB_STATS_BE, b->id, false, &st);
	if (h->epoch != b->epoch) {
		/* A new backend (or its id changed hands): start clean. */
		memset(h, 0, sizeof(*h));
		h->epoch = b->epoch;
		h->ok = st.handshakes;
		h->refused = st.connect_refused;
		h->unreachable = st.connect_unreachable;
		h->timeouts = st.connect_timeouts;
		h->healthy_ms = now_ms;
		return;
	}
	failed = (st.connect_refused - h->refused) +
		(st.connect_unreachable - h->unreachable) +
		(st.connect_timeouts - h->timeouts);
	if (st.connect_refused != h->refused)
		h->why = HEALTH_WHY_REFUSED;
	else if (st.connect_unreachable != h->unreachable)
		h->why = HEALTH_WHY_UNREACHABLE;
	else if (st.connect_timeouts != h->timeouts)
		h->why = HEALTH_WHY_TIMEOUT;
	/* Within a tick the order is unknown: a success ends the run. */
	if (st.handshakes != h->ok)
		h->consecutive = 0;
	else
		h->consecutive += (uint32_t)failed;
	h->ok = st.handshakes;
	h->refused = st.connect_refused;
	h->unreachable = st.connect_unreachable;
	h->timeouts = st.connect_timeouts;
	if (h->ejected) {
		if (now_ms >= h->until_ms)
			health_return(v, b, h, now_ms, "ejection time over");
		/* 'rise' checks passed in a row since the ejection vouch for
		 * it; one would let a backend that fails clients' connects
		 * but passes its check come back after every ejection. */
		else if (hc->state == HEALTH_CHECK_UP && hc->last_ok &&
			c->check.type != CFG_CHECK_NONE &&
			hc->run >= c->check.rise &&
			hc->passed - h->check_passed >= c->check.rise)
			health_return(v, b, h, now_ms, "active checks passed");
		return;
	}
	/* A whole base time healthy forgets one ejection (Envoy's way of
	 * lowering the multiplier). */
	if (h->times > 0 &&
		now_ms - h->healthy_ms >= (uint64_t)o->base_ejection_s * 1000) {
		h->times--;
		h->healthy_ms = now_ms;
	}
	if (o->consecutive == 0 || h->consecutive < o->consecutive ||
		!health_svc_enabled(v->id))
		return;
	if (health_nb_ejected(v) >=
		RTE_MAX(1u, v->nb_be * o->max_ejection_pct / 100)) {
		/* Counted, not acted on: the rest may not be ejected. */
		return;
	}
	h->times++;
	h->ejections++;
	secs = RTE_MIN((uint64_t)o->base_ejection_s * h->times,
		(uint64_t)o->max_ejection_s);
	h->until_ms = now_ms + secs * 1000;
	h->since_ms = now_ms;
	h->check_passed = hc->passed;
	h->ejected = true;
	event_log("health",
		"%s ejected for %llu s after %u failed connects in a row "
		"(last: %s; ejection %u)",
		health_be_name(v, b, name, sizeof(name)),
		(unsigned long long)secs, h->consecutive,
		health_why_name(h->why), h->ejections);
	h->consecutive = 0;
}

static void
health_tick(uint64_t now_ms)
{
	const struct svc_snap *s = weir_rcu_get(&weir.snap);
	bool publish = false;
	unsigned int i, j;

	if (s == NULL || !lb_stats_ready())
		return;
	for (i = 0; i < s->nb_svc; i++) {
		const struct svc *v = &s->svc[i];
		const struct cfg_service *c = cfg_service_find(
			weir.conf, v->name);

		if (c == NULL)
			continue; /* removed, not published yet */
		for (j = 0; j < v->nb_be; j++) {
			const struct svc_backend *b = &v->be[j];

			health_outlier(c, v, b, now_ms);
			publish |= health_be_apply(v, b, &health_be[b->id]);
		}
	}
	if (publish)
		svc_publish("health checking");
	/* Panic as published: events when it starts and ends. */
	s = weir_rcu_get(&weir.snap);
	for (i = 0; i < s->nb_svc; i++) {
		const struct svc *v = &s->svc[i];

		if (v->panic == health_panic[v->id])
			continue;
		health_panic[v->id] = v->panic;
		event_log("health",
			v->panic ? "service %s in panic: too few healthy "
				   "backends, all of them take new flows" :
				   "service %s out of panic",
			v->name);
	}
}

static const struct weir_timer health_timers[] = {
	{ "outlier detection", HEALTH_TICK_MS, health_tick },
	{ "active checks", HEALTH_TICK_MS, health_check_tick },
};

const struct weir_module health_module = {
	.name = "health",
	.after = "lb events",
	.fini = health_check_fini,
	.timers = health_timers,
	.nb_timers = RTE_DIM(health_timers),
	.cmds = health_cmds,
	.counters = health_counter_sets,
};
