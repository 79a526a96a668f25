/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Active health checks (health_check.h says what they are).
 *
 * HOW IT WORKS: a check is a non-blocking socket in the management loop
 * (ctl_io_add), driven by its readiness events through a few phases:
 * connect, TLS handshake, send the request, read the answer. The timer
 * (every HEALTH_TICK_MS) starts the checks that are due and fails those
 * past their timeout, so thousands can be in flight at once without a
 * thread each and without ever blocking the loop. A backend's next check
 * is due interval_ms (less a random jitter, so that backends checked
 * together drift apart) after the last one ended.
 *
 * Checks leave through the host's routing: on a node whose NIC belongs to
 * weir that is a port's kernel interface (modules/kif), so a check takes
 * the same wire as the backend's traffic. A check without a route fails
 * as "unreachable" and says so.
 *
 * Context: ctl.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_random.h>

#include "cfg.h"
#include "ctl.h"
#include "events.h"
#include "health.h"
#include "health_check.h"
#include "lb.h"
#include "svc.h"
#include "tlsio.h"
#include "weir.h"
#include "weir_addr.h"
#include "weir_log.h"

WEIR_LOG_TYPE("health")

#define HC_BUF 1024 /* bytes: the request, then the answer's first bytes */

enum hc_phase {
	HC_CONNECT,
	HC_TLS,
	HC_SEND,
	HC_RECV,
};

struct health_check_probe {
	struct ctl_io io;
	uint16_t be_id;
	uint16_t svc_id;
	uint8_t type;	      /* enum cfg_check_type */
	uint8_t phase;	      /* enum hc_phase */
	uint64_t t0_ns;	      /* start (TCP: connect; UDP: send) */
	uint64_t t_req_ns;    /* HTTP: request sent */
	uint64_t connect_ns;  /* TCP: how long connect took */
	uint64_t deadline_ms; /* fails then */
	SSL *ssl;
	struct tlsio tio;			/* the socket under 'ssl' */
	struct health_check_probe *prev, *next; /* hc_list */
	size_t len, off;
	char buf[HC_BUF];
};

/* A TLS client context per service, for its CA file. */
struct hc_tls {
	SSL_CTX *ctx;
	char ca_file[CFG_PATH_SIZE];
};

static struct health_check_be hc_be[SVC_BE_ID_MAX];
static struct hc_tls hc_tls[SVC_ID_MAX];
static BIO_METHOD *hc_bio; /* lib/tlsio's: no SIGPIPE from a reset */
static struct health_check_probe *hc_list; /* every check in flight */

static uint64_t
hc_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

const char *
health_check_state_name(uint8_t state)
{
	static const char *const names[] = { "-", "init", "up", "down" };

	return state < RTE_DIM(names) ? names[state] : "?";
}

const char *
health_check_why_name(uint8_t why)
{
	static const char *const names[] = {
#define HEALTH_CHECK_WHY_TEXT(n, text) text,
		HEALTH_CHECK_WHYS(HEALTH_CHECK_WHY_TEXT)
#undef HEALTH_CHECK_WHY_TEXT
	};

	return why < RTE_DIM(names) ? names[why] : "?";
}

const char *
health_be_name(const struct svc *v, const struct svc_backend *b, char *buf,
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

const struct health_check_be *
health_check_get(const struct svc_backend *b)
{
	static const struct health_check_be off;
	const struct health_check_be *h = &hc_be[b->id];

	return h->epoch == b->epoch ? h : &off;
}

bool
health_check_down(const struct svc_backend *b)
{
	return health_check_get(b)->state == HEALTH_CHECK_DOWN;
}

static void
hc_probe_free(struct health_check_probe *p)
{
	ctl_io_del(&p->io);
	if (p->ssl != NULL)
		SSL_free(p->ssl);
	if (p->io.fd >= 0)
		close(p->io.fd);
	if (p->prev != NULL)
		p->prev->next = p->next;
	else
		hc_list = p->next;
	if (p->next != NULL)
		p->next->prev = p->prev;
	if (hc_be[p->be_id].probe == p)
		hc_be[p->be_id].probe = NULL;
	free(p);
}

/* The service and backend a probe is for, if both are still there. */
static bool
hc_lookup(const struct health_check_probe *p, const struct svc **vp,
	const struct svc_backend **bp)
{
	const struct svc *v = svc_by_id(p->svc_id);
	unsigned int j;

	for (j = 0; v != NULL && j < v->nb_be; j++)
		if (v->be[j].id == p->be_id) {
			*vp = v;
			*bp = &v->be[j];
			return true;
		}
	return false;
}

/* The check of 'p' ended: 'ok', or failed for 'why' (errno 'err'). */
static void
hc_done(struct health_check_probe *p, bool ok, uint8_t why, int err,
	uint64_t rtt_ns)
{
	struct health_check_be *h = &hc_be[p->be_id];
	const struct cfg_service *c;
	const struct svc_backend *b;
	const struct svc *v;
	uint64_t now = ctl_now_ms(), jitter = 0, connect_ns = p->connect_ns;
	char name[128];

	if (!hc_lookup(p, &v, &b) || b->epoch != h->epoch ||
		(c = cfg_service_find(weir.conf, v->name)) == NULL) {
		hc_probe_free(p);
		return;
	}
	hc_probe_free(p);
	h->run = h->last_ok == ok ? h->run + 1 : 1;
	h->last_ok = ok;
	if (c->check.jitter_pct != 0)
		jitter = rte_rand_max((uint64_t)c->check.interval_ms *
				c->check.jitter_pct / 100 +
			1);
	h->next_ms = now + c->check.interval_ms - jitter;
	if (ok) {
		h->passed++;
		h->ok_ms = now;
		h->rtt_us = rtt_ns / 1000;
		/* The workers' estimates of a service measure what its
		 * sessions show: handshakes, and answers only where turns are
		 * timed (least-latency). A check gives the same. */
		lb_lat_post(v->id, b->id,
			v->balancer == CFG_LB_LEAST_LATENCY || connect_ns == 0 ?
				rtt_ns :
				connect_ns);
		if (h->state == HEALTH_CHECK_INIT ||
			(h->state == HEALTH_CHECK_DOWN &&
				h->run >= c->check.rise)) {
			if (h->state == HEALTH_CHECK_DOWN)
				event_log("health",
					"%s up: %u checks passed in a row",
					health_be_name(
						v, b, name, sizeof(name)),
					h->run);
			h->state = HEALTH_CHECK_UP;
		}
		return;
	}
	h->failed++;
	h->why = why;
	h->err = err;
	if (h->state != HEALTH_CHECK_DOWN && h->run >= c->check.fall) {
		h->state = HEALTH_CHECK_DOWN;
		event_log("health",
			"%s down: %u checks failed in a row (last: %s%s%s)",
			health_be_name(v, b, name, sizeof(name)), h->run,
			health_check_why_name(why), err ? ", " : "",
			err ? strerror(err) : "");
	}
}

static uint8_t
hc_why_of_errno(int err)
{
	switch (err) {
	case ECONNREFUSED:
	case ECONNRESET:
		return HEALTH_CHECK_WHY_REFUSED;
	case EHOSTUNREACH:
	case ENETUNREACH:
	case EADDRNOTAVAIL:
		return HEALTH_CHECK_WHY_UNREACHABLE;
	case ETIMEDOUT:
		return HEALTH_CHECK_WHY_TIMEOUT;
	default:
		return HEALTH_CHECK_WHY_ERROR;
	}
}

static void
hc_want(struct health_check_probe *p, uint32_t events)
{
	if (ctl_io_mod(&p->io, events) < 0)
		hc_done(p, false, HEALTH_CHECK_WHY_ERROR, errno, 0);
}

/* "HTTP/1.x NNN" at the start of buf: @return NNN, or 0. */
static unsigned int
hc_http_status(const char *buf, size_t len)
{
	unsigned int st = 0, i;

	if (len < 12 || strncmp(buf, "HTTP/1.", 7) != 0 || buf[8] != ' ')
		return 0;
	for (i = 9; i < 12; i++) {
		if (buf[i] < '0' || buf[i] > '9')
			return 0;
		st = st * 10 + (unsigned int)(buf[i] - '0');
	}
	return st;
}

static bool
hc_status_ok(const struct cfg_check *k, unsigned int st)
{
	unsigned int i;

	for (i = 0; i < k->nb_status; i++)
		if (st >= k->status_lo[i] && st <= k->status_hi[i])
			return true;
	return false;
}

static const struct cfg_check *
hc_cfg(const struct health_check_probe *p)
{
	const struct svc *v = svc_by_id(p->svc_id);
	const struct cfg_service *c = v != NULL ?
		cfg_service_find(weir.conf, v->name) :
		NULL;

	return c != NULL && c->check.type == p->type ? &c->check : NULL;
}

/*
 * One I/O step of the TLS layer or the socket: @return bytes moved, 0 at
 * the end of the stream, -EAGAIN after asking for the right event, or
 * another -errno.
 */
static ssize_t
hc_io(struct health_check_probe *p, bool write, void *buf, size_t len)
{
	ssize_t n;
	int r, e;

	if (p->ssl == NULL) {
		n = write ? send(p->io.fd, buf, len, MSG_NOSIGNAL) :
			    recv(p->io.fd, buf, len, 0);
		if (n >= 0)
			return n;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return -EAGAIN;
		return -errno;
	}
	/* SSL_get_error() reads the thread's queue: another check's stale
	 * error would turn this one's "want read" into a failure. */
	ERR_clear_error();
	r = write ? SSL_write(p->ssl, buf, (int)len) :
		    SSL_read(p->ssl, buf, (int)len);
	if (r > 0)
		return r;
	e = SSL_get_error(p->ssl, r);
	if (e == SSL_ERROR_WANT_READ) {
		hc_want(p, EPOLLIN);
		return -EAGAIN;
	}
	if (e == SSL_ERROR_WANT_WRITE) {
		hc_want(p, EPOLLOUT);
		return -EAGAIN;
	}
	ERR_clear_error();
	if (e == SSL_ERROR_ZERO_RETURN)
		return 0;
	return -EPROTO;
}

static void
hc_send(struct health_check_probe *p)
{
	ssize_t n;

	while (p->off < p->len) {
		n = hc_io(p, true, p->buf + p->off, p->len - p->off);
		if (n == -EAGAIN)
			return;
		if (n <= 0) {
			hc_done(p, false, hc_why_of_errno((int)-n), (int)-n, 0);
			return;
		}
		p->off += (size_t)n;
	}
	p->t_req_ns = hc_now_ns();
	p->phase = HC_RECV;
	p->len = 0;
	hc_want(p, EPOLLIN);
}

static void
hc_recv_http(struct health_check_probe *p, const struct cfg_check *k)
{
	unsigned int st;
	ssize_t n;

	for (;;) {
		n = hc_io(
			p, false, p->buf + p->len, sizeof(p->buf) - 1 - p->len);
		if (n == -EAGAIN)
			return;
		if (n < 0) {
			hc_done(p, false, hc_why_of_errno((int)-n), (int)-n, 0);
			return;
		}
		if (n == 0) {
			hc_done(p, false, HEALTH_CHECK_WHY_CLOSED, 0, 0);
			return;
		}
		p->len += (size_t)n;
		if (p->len >= 12)
			break;
	}
	st = hc_http_status(p->buf, p->len);
	hc_be[p->be_id].status = (uint16_t)st;
	if (st != 0 && hc_status_ok(k, st))
		hc_done(p, true, 0, 0, hc_now_ns() - p->t_req_ns);
	else
		hc_done(p, false,
			st ? HEALTH_CHECK_WHY_STATUS :
			     HEALTH_CHECK_WHY_BAD_ANSWER,
			0, 0);
}

static void
hc_recv_udp(struct health_check_probe *p, const struct cfg_check *k)
{
	size_t want = strlen(k->expect);
	ssize_t n;

	n = recv(p->io.fd, p->buf, sizeof(p->buf), 0);
	if (n < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			hc_done(p, false, hc_why_of_errno(errno), errno, 0);
		return;
	}
	if ((size_t)n < want || memcmp(p->buf, k->expect, want) != 0)
		hc_done(p, false, HEALTH_CHECK_WHY_BAD_ANSWER, 0, 0);
	else
		hc_done(p, true, 0, 0, hc_now_ns() - p->t0_ns);
}

/* The request of an HTTP check. */
static void
hc_request(struct health_check_probe *p, const struct cfg_check *k)
{
	const struct svc_backend *b;
	const struct svc *v;
	char host[WEIR_ADDR_STR_SIZE + 2];

	if (k->host[0] != '\0') {
		snprintf(host, sizeof(host), "%.*s", (int)sizeof(host) - 1,
			k->host);
	} else if (hc_lookup(p, &v, &b)) {
		struct weir_addr a = { .family = v->family };
		char s[WEIR_ADDR_STR_SIZE];

		memcpy(a.a, b->addr, 16);
		weir_addr_str(&a, s, sizeof(s));
		snprintf(host, sizeof(host),
			v->family == AF_INET6 ? "[%s]" : "%s", s);
	} else {
		host[0] = '\0';
	}
	p->len = (size_t)snprintf(p->buf, sizeof(p->buf),
		"GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: weir-health-check"
		"\r\nAccept: */*\r\nConnection: close\r\n\r\n",
		k->path, k->host[0] ? k->host : host);
	if (p->len >= sizeof(p->buf))
		p->len = sizeof(p->buf) - 1;
	p->off = 0;
	p->phase = HC_SEND;
}

/* Connected (TCP) or the TLS handshake done: the next phase. */
static void
hc_connected(struct health_check_probe *p, const struct cfg_check *k)
{
	if (k->type == CFG_CHECK_TCP) {
		hc_done(p, true, 0, 0, p->connect_ns);
		return;
	}
	hc_request(p, k);
	hc_send(p);
}

static SSL_CTX *
hc_tls_ctx(uint16_t svc_id, const struct cfg_check *k)
{
	struct hc_tls *t = &hc_tls[svc_id];

	if (t->ctx != NULL && strcmp(t->ca_file, k->ca_file) == 0)
		return t->ctx;
	if (t->ctx != NULL)
		SSL_CTX_free(t->ctx);
	t->ctx = SSL_CTX_new(TLS_client_method());
	if (t->ctx == NULL)
		return NULL;
	SSL_CTX_set_min_proto_version(t->ctx, TLS1_2_VERSION);
	if (k->ca_file[0] != '\0') {
		if (SSL_CTX_load_verify_locations(t->ctx, k->ca_file, NULL) !=
			1) {
			WEIR_LOG(ERR, "health check: CA file %s: %s",
				k->ca_file,
				ERR_reason_error_string(ERR_get_error()));
			ERR_clear_error();
			SSL_CTX_free(t->ctx);
			t->ctx = NULL;
			return NULL;
		}
		SSL_CTX_set_verify(t->ctx, SSL_VERIFY_PEER, NULL);
	} else {
		SSL_CTX_set_verify(t->ctx, SSL_VERIFY_NONE, NULL);
	}
	snprintf(t->ca_file, sizeof(t->ca_file), "%s", k->ca_file);
	return t->ctx;
}

static void
hc_tls_step(struct health_check_probe *p, const struct cfg_check *k)
{
	int r, e;

	ERR_clear_error();
	r = SSL_connect(p->ssl);
	if (r == 1) {
		hc_connected(p, k);
		return;
	}
	e = SSL_get_error(p->ssl, r);
	ERR_clear_error();
	if (e == SSL_ERROR_WANT_READ)
		hc_want(p, EPOLLIN);
	else if (e == SSL_ERROR_WANT_WRITE)
		hc_want(p, EPOLLOUT);
	else
		hc_done(p, false, HEALTH_CHECK_WHY_TLS, 0, 0);
}

static void
hc_tls_start(struct health_check_probe *p, const struct cfg_check *k)
{
	SSL_CTX *ctx = hc_tls_ctx(p->svc_id, k);

	if (hc_bio == NULL)
		hc_bio = tlsio_method_new("weir health check socket");
	p->ssl = ctx != NULL && hc_bio != NULL ? SSL_new(ctx) : NULL;
	p->tio.fd = p->io.fd;
	if (p->ssl == NULL || tlsio_attach(p->ssl, hc_bio, &p->tio) < 0) {
		hc_done(p, false, HEALTH_CHECK_WHY_TLS, 0, 0);
		return;
	}
	if (k->sni[0] != '\0') {
		SSL_set_tlsext_host_name(p->ssl, k->sni);
		/* With a CA, the certificate must also name the server. */
		if (k->ca_file[0] != '\0')
			SSL_set1_host(p->ssl, k->sni);
	}
	p->phase = HC_TLS;
	hc_tls_step(p, k);
}

static void
hc_event(struct ctl_io *io, uint32_t events)
{
	struct health_check_probe *p = container_of(
		io, struct health_check_probe, io);
	const struct cfg_check *k = hc_cfg(p);
	socklen_t sl = sizeof(int);
	int err = 0;

	(void)events;
	if (k == NULL) { /* the check went away with a reload */
		hc_probe_free(p);
		return;
	}
	switch (p->phase) {
	case HC_CONNECT:
		if (getsockopt(io->fd, SOL_SOCKET, SO_ERROR, &err, &sl) < 0)
			err = errno;
		if (err != 0) {
			hc_done(p, false, hc_why_of_errno(err), err, 0);
			return;
		}
		p->connect_ns = hc_now_ns() - p->t0_ns;
		if (k->tls)
			hc_tls_start(p, k);
		else
			hc_connected(p, k);
		return;
	case HC_TLS:
		hc_tls_step(p, k);
		return;
	case HC_SEND:
		hc_send(p);
		return;
	case HC_RECV:
		if (p->type == CFG_CHECK_UDP)
			hc_recv_udp(p, k);
		else
			hc_recv_http(p, k);
		return;
	}
}

/* Start a check of 'b' of 'v'. */
static void
hc_start(const struct svc *v, const struct svc_backend *b,
	const struct cfg_check *k, uint64_t now_ms)
{
	struct health_check_be *h = &hc_be[b->id];
	struct health_check_probe *p;
	struct sockaddr_storage ss;
	socklen_t sl;
	uint16_t port = k->port ? rte_cpu_to_be_16(k->port) : b->port;
	int udp = k->type == CFG_CHECK_UDP, rc;

	memset(&ss, 0, sizeof(ss));
	if (v->family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = port;
		memcpy(&s4->sin_addr, b->addr, 4);
		sl = sizeof(*s4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = port;
		memcpy(&s6->sin6_addr, b->addr, 16);
		sl = sizeof(*s6);
	}
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return;
	p->be_id = b->id;
	p->svc_id = v->id;
	p->type = k->type;
	p->deadline_ms = now_ms + k->timeout_ms;
	p->io.cb = hc_event;
	p->io.fd = socket(v->family,
		(udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_NONBLOCK | SOCK_CLOEXEC,
		0);
	h->probe = p;
	p->next = hc_list;
	if (hc_list != NULL)
		hc_list->prev = p;
	hc_list = p;
	if (p->io.fd < 0) {
		hc_done(p, false, HEALTH_CHECK_WHY_ERROR, errno, 0);
		return;
	}
	p->t0_ns = hc_now_ns();
	rc = connect(p->io.fd, (struct sockaddr *)&ss, sl);
	if (rc < 0 && errno != EINPROGRESS) {
		hc_done(p, false, hc_why_of_errno(errno), errno, 0);
		return;
	}
	if (udp) {
		if (send(p->io.fd, k->send, strlen(k->send), 0) < 0) {
			hc_done(p, false, hc_why_of_errno(errno), errno, 0);
			return;
		}
		p->phase = HC_RECV;
	} else {
		p->phase = HC_CONNECT;
	}
	if (ctl_io_add(&p->io, udp ? EPOLLIN : EPOLLOUT) < 0)
		hc_done(p, false, HEALTH_CHECK_WHY_ERROR, errno, 0);
}

/* A backend met for the first time (or its id changed hands). */
static void
hc_reset(struct health_check_be *h, const struct svc_backend *b,
	const struct cfg_check *k, uint64_t now_ms)
{
	if (h->probe != NULL)
		hc_probe_free(h->probe);
	memset(h, 0, sizeof(*h));
	h->epoch = b->epoch;
	h->state = HEALTH_CHECK_INIT;
	/* The first checks of a service's backends spread over a jitter's
	 * worth of the interval rather than all leaving at once. */
	h->next_ms = now_ms +
		rte_rand_max(
			(uint64_t)k->interval_ms * k->jitter_pct / 100 + 1);
}

void
health_check_tick(uint64_t now_ms)
{
	const struct svc_snap *s = weir_rcu_get(&weir.snap);
	struct health_check_probe *p, *next;
	unsigned int i, j;

	/* Late checks fail, also those of backends gone since they began. */
	for (p = hc_list; p != NULL; p = next) {
		next = p->next;
		if (now_ms >= p->deadline_ms)
			hc_done(p, false, HEALTH_CHECK_WHY_TIMEOUT, 0, 0);
	}
	if (s == NULL)
		return;
	for (i = 0; i < s->nb_svc; i++) {
		const struct svc *v = &s->svc[i];
		const struct cfg_service *c = cfg_service_find(
			weir.conf, v->name);
		const struct cfg_check *k = c != NULL ? &c->check : NULL;

		for (j = 0; j < v->nb_be; j++) {
			const struct svc_backend *b = &v->be[j];
			struct health_check_be *h = &hc_be[b->id];

			if (k == NULL || k->type == CFG_CHECK_NONE) {
				if (h->epoch != 0) {
					if (h->probe != NULL)
						hc_probe_free(h->probe);
					memset(h, 0, sizeof(*h));
				}
				continue;
			}
			if (h->epoch != b->epoch)
				hc_reset(h, b, k, now_ms);
			if (h->probe == NULL && now_ms >= h->next_ms)
				hc_start(v, b, k, now_ms);
		}
	}
}

void
health_check_fini(void)
{
	unsigned int i;

	while (hc_list != NULL)
		hc_probe_free(hc_list);
	for (i = 0; i < SVC_ID_MAX; i++)
		if (hc_tls[i].ctx != NULL) {
			SSL_CTX_free(hc_tls[i].ctx);
			hc_tls[i].ctx = NULL;
		}
	BIO_meth_free(hc_bio);
	hc_bio = NULL;
}
