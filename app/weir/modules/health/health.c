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

/* "service web4 backend 198.18.1.13:8080" into 'buf'. */
static const char *
health_name(const struct svc *v, const struct svc_backend *b, char *buf,
	size_t size)
{
	struct weir_addr a = { .family = v->family };
	char addr[WEIR_ADDR_STR_SIZE];

	memcpy(a.a, b->addr, 16);
	weir_addr_str(&a, addr, sizeof(addr));
	snprintf(buf, size,
		v->family == AF_INET6 ? "service %s backend [%s]:%u" :
					"service %s backend %s:%u",
		v->name, addr, rte_be_to_cpu_16(b->port));
	return buf;
}

static void
health_return(const struct svc *v, const struct svc_backend *b,
	struct health_be *h, uint64_t now_ms, const char *why)
{
	char name[128];

	h->ejected = false;
	h->consecutive = 0;
	h->healthy_ms = now_ms;
	svc_be_set_ejected(b->id, false);
	event_log("health", "%s returned (%s)",
		health_name(v, b, name, sizeof(name)), why);
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
		struct health_be *h = &health_be[v->be[j].id];

		h->consecutive = 0;
		if (!on && h->ejected) {
			health_return(v, &v->be[j], h, now,
				"health checking disabled");
			changed = true;
		}
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

/*
 * One backend's outcomes since the last tick. @return true if it was
 * ejected or returned (the snapshot must be published again).
 */
static bool
health_be_tick(const struct cfg_outlier *o, const struct svc *v,
	const struct svc_backend *b, uint64_t now_ms)
{
	struct health_be *h = &health_be[b->id];
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
		svc_be_set_ejected(b->id, false);
		return b->ejected;
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
		if (now_ms >= h->until_ms) {
			health_return(v, b, h, now_ms, "ejection time over");
			return true;
		}
		return false;
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
		return false;
	if (health_nb_ejected(v) >=
		RTE_MAX(1u, v->nb_be * o->max_ejection_pct / 100)) {
		/* Counted, not acted on: the rest may not be ejected. */
		return false;
	}
	h->times++;
	h->ejections++;
	secs = RTE_MIN((uint64_t)o->base_ejection_s * h->times,
		(uint64_t)o->max_ejection_s);
	h->until_ms = now_ms + secs * 1000;
	h->ejected = true;
	svc_be_set_ejected(b->id, true);
	event_log("health",
		"%s ejected for %llu s after %u failed connects in a row "
		"(last: %s; ejection %u)",
		health_name(v, b, name, sizeof(name)), (unsigned long long)secs,
		h->consecutive, health_why_name(h->why), h->ejections);
	h->consecutive = 0;
	return true;
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
		for (j = 0; j < v->nb_be; j++)
			publish |= health_be_tick(
				&c->outlier, v, &v->be[j], now_ms);
	}
	if (publish)
		svc_publish("outlier detection");
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
};

const struct weir_module health_module = {
	.name = "health",
	.after = "lb events",
	.timers = health_timers,
	.nb_timers = RTE_DIM(health_timers),
	.cmds = health_cmds,
	.counters = health_counter_sets,
};
