/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Active health checks: the management thread probes each backend of a
 * service with a 'check' group (TCP connect, HTTP GET, either over TLS,
 * or a UDP send/expect) through the host's network stack, without
 * blocking and without a thread per check. After 'fall' failed checks in
 * a row a backend is down, after 'rise' passed ones up again; health.c
 * ejects a down backend. Each passed check's round trip is also a
 * latency sample for the workers' estimates (lb_lat_post()).
 *
 * Context: ctl.
 */
#ifndef HEALTH_CHECK_H
#define HEALTH_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct svc;
struct svc_backend;

enum health_check_state {
	HEALTH_CHECK_OFF = 0, /* the service has no check */
	HEALTH_CHECK_INIT,    /* no verdict yet: counts as up */
	HEALTH_CHECK_UP,
	HEALTH_CHECK_DOWN,
};

/* Why the last check failed (X(name, text)). */
#define HEALTH_CHECK_WHYS(X)                                                   \
	X(NONE, "-")                                                           \
	X(REFUSED, "refused")                                                  \
	X(UNREACHABLE, "unreachable")                                          \
	X(TIMEOUT, "timeout")                                                  \
	X(TLS, "tls handshake")                                                \
	X(STATUS, "http status")                                               \
	X(BAD_ANSWER, "bad answer")                                            \
	X(CLOSED, "closed early")                                              \
	X(ERROR, "socket error")

enum health_check_why {
#define HEALTH_CHECK_WHY_ENUM(n, text) HEALTH_CHECK_WHY_##n,
	HEALTH_CHECK_WHYS(HEALTH_CHECK_WHY_ENUM)
#undef HEALTH_CHECK_WHY_ENUM
};

struct health_check_probe;

/* What the checker knows of one backend (by id). */
struct health_check_be {
	uint32_t epoch;	  /* svc_backend.epoch it describes; 0: none */
	uint8_t state;	  /* enum health_check_state */
	uint8_t why;	  /* enum health_check_why of the last failure */
	bool last_ok;	  /* outcome of the last check */
	uint16_t status;  /* HTTP status of the last answer, 0 none */
	uint32_t run;	  /* checks in a row with last_ok's outcome */
	uint64_t passed;  /* checks */
	uint64_t failed;  /* checks */
	uint64_t rtt_us;  /* the last passed check's round trip, us */
	uint64_t ok_ms;	  /* ctl_now_ms() of the last pass, 0 none */
	uint64_t next_ms; /* the next check starts then */
	int err;	  /* errno of the last failure, if any */
	struct health_check_probe *probe; /* in flight, or NULL */
};

/** @return the checker's view of backend 'b' (state OFF if unchecked). */
const struct health_check_be *health_check_get(const struct svc_backend *b);

/** @return true if the check of 'b' says it is down. */
bool health_check_down(const struct svc_backend *b);

const char *health_check_state_name(uint8_t state);
const char *health_check_why_name(uint8_t why);

/** "service web4 backend 198.18.1.13:8080" into 'buf'. @return buf. */
const char *health_be_name(const struct svc *v, const struct svc_backend *b,
	char *buf, size_t size);

/* Start due checks, time out late ones (health.c's timer). */
void health_check_tick(uint64_t now_ms);

/* Stop every check in flight (health.c's fini). */
void health_check_fini(void);

#endif /* HEALTH_CHECK_H */
