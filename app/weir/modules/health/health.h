/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Health, management side: what each backend's connects say of it, and
 * the ejections that follow (health.c), for the console (health_cli.c).
 *
 * Passive outlier detection: workers count every connect weir forwards by
 * its outcome, per backend (lb_stats: handshakes, connect_refused,
 * connect_unreachable, connect_timeouts). Every HEALTH_TICK_MS the
 * management thread reads the sums: failures with no success in between
 * add to a backend's run of consecutive failures, any success ends it.
 * A run of outlier.consecutive_failures ejects the backend for
 * base_ejection_s x (times ejected), at most max_ejection_s, unless
 * max_ejection_percent of the service's backends (at least one) are out
 * already; it returns when the time is up. An ejection republishes the
 * snapshot with the backend's slots given to the others (svc.c), unless
 * the service is in panic.
 *
 * Context: ctl.
 */
#ifndef HEALTH_H
#define HEALTH_H

#include <stdbool.h>
#include <stdint.h>

#include "console.h"
#include "stats.h"

#define HEALTH_TICK_MS 10 /* ms between two reads of the outcomes */

/* Why a backend's last connect failed. */
enum health_why {
	HEALTH_WHY_NONE = 0,
	HEALTH_WHY_REFUSED,	/* RST answering the SYN */
	HEALTH_WHY_UNREACHABLE, /* ICMP destination unreachable */
	HEALTH_WHY_TIMEOUT,	/* no answer within syn_s */
};

/* What the health module knows of one backend, by stable id. */
struct health_be {
	uint32_t epoch;	  /* svc_backend.epoch this describes */
	uint64_t ok;	  /* handshakes seen so far (sum of workers) */
	uint64_t refused; /* failed connects seen so far, by reason */
	uint64_t unreachable;
	uint64_t timeouts;
	uint32_t consecutive; /* failed connects since the last success */
	uint32_t ejections;   /* times ejected */
	uint32_t times;	      /* the multiplier of the next ejection */
	bool ejected;
	uint64_t until_ms;     /* ejected: returns then (ctl_now_ms()) */
	uint64_t since_ms;     /* ejected: since then */
	uint64_t check_passed; /* ejected: the check's passes by then */
	uint64_t healthy_ms;   /* not ejected since (to lower 'times') */
	uint8_t why;	       /* enum health_why of the last failure */
};

/** @return the state of backend id 'id' (zeroed if never seen). */
const struct health_be *health_be_get(uint16_t id);

/** @return a word for 'why' ("refused", ..., "-"). */
const char *health_why_name(uint8_t why);

/** @return true if outlier detection is on for service id 'svc'. */
bool health_svc_enabled(uint16_t svc);

/**
 * Turn outlier detection of service id 'svc' on or off at run time
 * (console). Off returns its ejected backends at once (publishes).
 */
void health_svc_enable(uint16_t svc, bool on);

/* Its console commands (health_cli.c) and counter sets. */
extern const struct console_cmd health_cmds[];
extern const struct stats_set *const health_counter_sets[];

#endif /* HEALTH_H */
