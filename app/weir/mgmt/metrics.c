/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * /metrics: Prometheus text exposition of every counter weir keeps: the
 * counter registry (lib/stats) renders every set the modules registered,
 * with HELP and TYPE lines and conventional names (weir_..._total for
 * counters, base units in names: _bytes, _seconds), checked by
 * Prometheus' own linter in the tests. Rendering happens on request,
 * summing per-worker counters then, so workers pay nothing for scrapes.
 *
 * The HTTP side is the smallest that serves a scraper: one request per
 * connection (HTTP/1.0 semantics, "Connection: close"), GET only, a
 * bounded request size and connection count. A full HTTP server library
 * was rejected: nothing else in weir speaks HTTP, and the attack surface
 * of a loopback endpoint should stay this small.
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rte_cycles.h>

#include "console_app.h"
#include "ctl.h"
#include "module.h"
#include "prom.h"
#include "stats.h"
#include "weir.h"
#include "weir_log.h"

WEIR_LOG_TYPE("metrics")

#define METRICS_CONN_MAX 16  /* scrapers at once */
#define METRICS_REQ_MAX 8192 /* bytes of request head */

struct metrics_conn {
	struct ctl_io io;
	char req[METRICS_REQ_MAX + 1];
	size_t req_len;
	char *out; /* response, malloc'd */
	size_t out_len;
	size_t out_off; /* bytes sent */
	struct metrics_conn *next;
};

static struct {
	struct ctl_io listen;
	struct metrics_conn *conns;
	unsigned int nb_conns;
} met = { .listen = { .fd = -1 } };

static int
metrics_render(struct prom_buf *b)
{
	const char *info[] = { "version", WEIR_VERSION, NULL };

	prom_family(b, "weir_info", "gauge", "always 1; labels: version");
	prom_sample(b, "weir_info", info, 1);
	prom_family(b, "weir_uptime_seconds", "gauge", "seconds since start");
	prom_sample(b, "weir_uptime_seconds", NULL,
		(rte_get_tsc_cycles() - weir.start_tsc) / rte_get_tsc_hz());
	/* Then every counter set, as the registry names them. */
	return stats_render_prom(weir.stats, 0, b);
}

static void
metrics_close(struct metrics_conn *c)
{
	struct metrics_conn **pp;

	for (pp = &met.conns; *pp != NULL; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	ctl_io_del(&c->io);
	close(c->io.fd);
	free(c->out);
	free(c);
	met.nb_conns--;
}

static void
metrics_respond(struct metrics_conn *c, int status, const char *reason,
	const char *type, const char *body, size_t len)
{
	char head[256];
	int n;

	n = snprintf(head, sizeof(head),
		"HTTP/1.0 %d %s\r\nContent-Type: %s\r\n"
		"Content-Length: %zu\r\nConnection: close\r\n\r\n",
		status, reason, type, len);
	c->out = malloc((size_t)n + len);
	if (c->out == NULL)
		return;
	memcpy(c->out, head, (size_t)n);
	memcpy(c->out + n, body, len);
	c->out_len = (size_t)n + len;
}

static void
metrics_request(struct metrics_conn *c)
{
	static const char nf[] = "not found: try /metrics\n";
	static const char na[] = "only GET is served\n";

	if (strncmp(c->req, "GET ", 4) != 0) {
		metrics_respond(c, 405, "Method Not Allowed", "text/plain", na,
			sizeof(na) - 1);
	} else if (strncmp(c->req + 4, "/metrics ", 9) == 0 ||
		strncmp(c->req + 4, "/metrics?", 9) == 0) {
		struct prom_buf *b = prom_buf_create();

		if (b == NULL)
			return;
		/* A set that could not be read leaves the page short: serve
		 * none rather than one that hides series. */
		if (metrics_render(b) < 0 || prom_buf_error(b) < 0) {
			static const char oom[] = "out of memory\n";

			prom_buf_destroy(b);
			metrics_respond(c, 503, "Service Unavailable",
				"text/plain", oom, sizeof(oom) - 1);
			return;
		}
		metrics_respond(c, 200, "OK",
			"text/plain; version=0.0.4; charset=utf-8",
			prom_buf_data(b), prom_buf_len(b));
		prom_buf_destroy(b);
	} else {
		metrics_respond(
			c, 404, "Not Found", "text/plain", nf, sizeof(nf) - 1);
	}
}

static void
metrics_conn_cb(struct ctl_io *io, uint32_t events)
{
	struct metrics_conn *c = (struct metrics_conn *)io;
	ssize_t n;

	if (c->out == NULL && (events & EPOLLIN)) {
		n = recv(io->fd, c->req + c->req_len,
			METRICS_REQ_MAX - c->req_len, MSG_DONTWAIT);
		if (n <= 0) {
			if (n == 0 || (errno != EAGAIN && errno != EINTR))
				metrics_close(c);
			return;
		}
		c->req_len += (size_t)n;
		c->req[c->req_len] = '\0';
		if (strstr(c->req, "\r\n\r\n") == NULL &&
			strstr(c->req, "\n\n") == NULL) {
			if (c->req_len == METRICS_REQ_MAX)
				metrics_close(c); /* oversized head */
			return;
		}
		metrics_request(c);
		if (c->out == NULL) {
			metrics_close(c);
			return;
		}
		ctl_io_mod(io, EPOLLOUT);
	}
	while (c->out != NULL && c->out_off < c->out_len) {
		n = send(io->fd, c->out + c->out_off, c->out_len - c->out_off,
			MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n > 0) {
			c->out_off += (size_t)n;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		break;
	}
	if (c->out != NULL)
		metrics_close(c);
}

static void
metrics_accept_cb(struct ctl_io *io, uint32_t events)
{
	struct metrics_conn *c;
	int fd;

	(void)events;
	fd = accept4(io->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	if (met.nb_conns >= METRICS_CONN_MAX ||
		(c = calloc(1, sizeof(*c))) == NULL) {
		close(fd);
		return;
	}
	c->io.fd = fd;
	c->io.cb = metrics_conn_cb;
	if (ctl_io_add(&c->io, EPOLLIN) < 0) {
		close(fd);
		free(c);
		return;
	}
	c->next = met.conns;
	met.conns = c;
	met.nb_conns++;
}

static int
metrics_init(void)
{
	const char *spec = weir.conf->mgmt.metrics;
	int fd;

	if (spec[0] == '\0')
		return 0;
	fd = console_listen_tcp(spec, "metrics");
	if (fd < 0)
		return fd;
	met.listen.fd = fd;
	met.listen.cb = metrics_accept_cb;
	WEIR_LOG(INFO, "Prometheus metrics on http://%s/metrics", spec);
	return ctl_io_add(&met.listen, EPOLLIN);
}

static void
metrics_fini(void)
{
	while (met.conns != NULL)
		metrics_close(met.conns);
	if (met.listen.fd >= 0) {
		ctl_io_del(&met.listen);
		close(met.listen.fd);
	}
	met.listen.fd = -1;
}

const struct weir_module metrics_module = {
	.name = "metrics",
	.after = "ctl console",
	.init = metrics_init,
	.fini = metrics_fini,
};
