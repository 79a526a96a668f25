/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The event log: every admin change, reload and discovery update (and,
 * with health checking, every health change and ejection), with what
 * happened, why, and when. The last events are kept in memory for
 * 'show events'; each is also logged and, when events.file is set,
 * appended to it as one JSON line.
 *
 * Context: ctl only.
 */
#ifndef EVENTS_H
#define EVENTS_H

#include <stdint.h>
#include <time.h>

struct event {
	uint64_t seq;	      /* 1, 2, ... since start */
	struct timespec time; /* CLOCK_REALTIME */
	char kind[16];	      /* "admin", "reload", "discovery", ... */
	char text[256];	      /* what happened and why */
};

/** Record an event. */
void event_log(const char *kind, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/** Call 'cb' for the last 'n' events (0: all kept), oldest first. */
void events_walk(unsigned int n, void (*cb)(void *arg, const struct event *e),
	void *arg);

#endif /* EVENTS_H */
