/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * /metrics: Prometheus text exposition of every counter weir keeps, with
 * HELP and TYPE lines and conventional names (weir_..._total for counters,
 * base units in names: _bytes, _seconds). Rendering happens on request,
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
#include <rte_ethdev.h>

#include "cfg.h"
#include "console_app.h"
#include "ctl.h"
#include "local.h"
#include "module.h"
#include "pkt.h"
#include "port.h"
#include "prom.h"
#include "lb_stats.h"
#include "svc.h"
#include "weir.h"
#include "weir_addr.h"
#include "weir_common.h"
#include "weir_log.h"
#include "weir_stats.h"
#include "worker.h"

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

static void
metrics_render_workers(struct prom_buf *b)
{
	char name[96], worker[16];
	unsigned int c, w;

	for (c = 0; c < WORKER_C_COUNT; c++) {
		const char *n = worker_counter_name(c);
		bool gauge = c == WORKER_C_sessions ||
			c == WORKER_C_sessions_half_open;

		/* Drops are one family with a reason label, below. */
		if (strncmp(n, "drop_", 5) == 0)
			continue;
		snprintf(name, sizeof(name), "weir_worker_%s%s", n,
			gauge ? "" : "_total");
		prom_family(b, name, gauge ? "gauge" : "counter",
			worker_counter_help(c));
		for (w = 0; w < weir.nb_workers; w++) {
			const char *l[] = { "worker", worker, NULL };

			snprintf(worker, sizeof(worker), "%u", w);
			prom_sample(b, name, l,
				weir_stat_read(&worker_stats_get(w)->c[c]));
		}
	}
	prom_family(b, "weir_drops_total", "counter",
		"packets dropped, by reason (docs/telemetry.md explains each)");
	for (c = 0; c < WORKER_C_COUNT; c++) {
		const char *n = worker_counter_name(c);
		uint64_t v = 0;

		if (strncmp(n, "drop_", 5) != 0)
			continue;
		for (w = 0; w < weir.nb_workers; w++)
			v += weir_stat_read(&worker_stats_get(w)->c[c]);
		{
			const char *l[] = { "reason", n + 5, NULL };

			prom_sample(b, "weir_drops_total", l, v);
		}
	}
	for (c = 1; c < PKT_DROP_COUNT; c++) {
		const char *l[] = { "reason", pkt_drop_name(c), NULL };
		uint64_t v = 0;

		for (w = 0; w < weir.nb_workers; w++)
			v += weir_stat_read(&worker_stats_get(w)->drops[c]);
		prom_sample(b, "weir_drops_total", l, v);
	}
}

static void
metrics_render_ctl(struct prom_buf *b)
{
	char name[96];
	unsigned int c;

	for (c = 0; c < LOCAL_C_COUNT; c++) {
		snprintf(name, sizeof(name), "weir_mgmt_%s_total",
			local_counter_name(c));
		prom_family(b, name, "counter", local_counter_help(c));
		prom_sample(b, name, NULL, local_counter(c));
	}
	prom_family(b, "weir_neighbors", "gauge",
		"entries in the neighbor (ARP/ND) table");
	prom_sample(b, "weir_neighbors", NULL, local_neigh_count());
}

/* One family per object counter, service then backend. */
static void
metrics_render_objs(struct prom_buf *b, bool backends)
{
	static const struct {
		const char *suffix; /* after weir_service_ / weir_backend_ */
		const char *type;
		const char *help;
		size_t off;	 /* in struct lb_stats */
		const char *dir; /* direction label, or NULL */
	} m[] = {
		{ "new_flows_total", "counter", "sessions created",
			offsetof(struct lb_stats, new_flows), NULL },
		{ "sessions", "gauge", "sessions in the tables",
			offsetof(struct lb_stats, sessions), NULL },
		{ "packets_total", "counter",
			"packets forwarded; direction in: client to backend",
			offsetof(struct lb_stats, pkts_in), "in" },
		{ "packets_total", "counter", NULL,
			offsetof(struct lb_stats, pkts_out), "out" },
		{ "bytes_total", "counter",
			"IP bytes forwarded; direction in: client to backend",
			offsetof(struct lb_stats, bytes_in), "in" },
		{ "bytes_total", "counter", NULL,
			offsetof(struct lb_stats, bytes_out), "out" },
	};
	const struct cfg_conf *conf = weir.conf;
	char name[96], be[WEIR_ADDR_STR_SIZE + 8], addr[WEIR_ADDR_STR_SIZE];
	unsigned int k, i, j;

	for (k = 0; k < RTE_DIM(m); k++) {
		snprintf(name, sizeof(name), "weir_%s_%s",
			backends ? "backend" : "service", m[k].suffix);
		if (m[k].help != NULL)
			prom_family(b, name, m[k].type, m[k].help);
		for (i = 0; i < conf->nb_services; i++) {
			const struct cfg_service *s = &conf->services[i];
			struct lb_stats st;
			int id;

			if (!backends) {
				const char *l[] = { "service", s->name,
					"direction", m[k].dir, NULL };

				id = svc_id_of(s->name);
				if (id < 0)
					continue;
				lb_stats_obj_get(LB_STATS_SVC, (unsigned int)id,
					false, &st);
				if (m[k].dir == NULL)
					l[2] = NULL;
				prom_sample(b, name, l,
					*(const uint64_t *)((const char *)&st +
						m[k].off));
				continue;
			}
			for (j = 0; j < s->nb_backends; j++) {
				const struct cfg_backend *cb = &s->backends[j];
				const char *l[] = { "service", s->name,
					"backend", be, "direction", m[k].dir,
					NULL };

				id = svc_be_id_of(s->name, &cb->addr, cb->port);
				if (id < 0)
					continue;
				weir_addr_str(&cb->addr, addr, sizeof(addr));
				snprintf(be, sizeof(be),
					cb->addr.family == AF_INET6 ?
						"[%s]:%u" :
						"%s:%u",
					addr, cb->port);
				lb_stats_obj_get(LB_STATS_BE, (unsigned int)id,
					false, &st);
				if (m[k].dir == NULL)
					l[4] = NULL;
				prom_sample(b, name, l,
					*(const uint64_t *)((const char *)&st +
						m[k].off));
			}
		}
	}
}

/* Handshake time histograms (SYN sent to SYN-ACK received). */
static void
metrics_render_hist(struct prom_buf *b, bool backends)
{
	const struct cfg_conf *conf = weir.conf;
	char be[WEIR_ADDR_STR_SIZE + 8], addr[WEIR_ADDR_STR_SIZE];
	const char *name = backends ?
		"weir_backend_handshake_latency_microseconds" :
		"weir_service_handshake_latency_microseconds";
	unsigned int i, j;

	prom_family(b, name, "histogram",
		"TCP handshake time as weir sees "
		"it: SYN sent to the backend to its SYN-ACK, microseconds");
	for (i = 0; i < conf->nb_services; i++) {
		const struct cfg_service *s = &conf->services[i];
		struct lb_stats st;
		int id;

		if (!backends) {
			const char *l[] = { "service", s->name, NULL };

			id = svc_id_of(s->name);
			if (id < 0)
				continue;
			lb_stats_obj_get(
				LB_STATS_SVC, (unsigned int)id, false, &st);
			prom_histogram(b, name, l, lb_stats_hist_bounds_us,
				st.hs_hist, LB_STATS_HIST_LEN, st.handshake_us);
			continue;
		}
		for (j = 0; j < s->nb_backends; j++) {
			const struct cfg_backend *cb = &s->backends[j];
			const char *l[] = { "service", s->name, "backend", be,
				NULL };

			id = svc_be_id_of(s->name, &cb->addr, cb->port);
			if (id < 0)
				continue;
			weir_addr_str(&cb->addr, addr, sizeof(addr));
			snprintf(be, sizeof(be),
				cb->addr.family == AF_INET6 ? "[%s]:%u" :
							      "%s:%u",
				addr, cb->port);
			lb_stats_obj_get(
				LB_STATS_BE, (unsigned int)id, false, &st);
			prom_histogram(b, name, l, lb_stats_hist_bounds_us,
				st.hs_hist, LB_STATS_HIST_LEN, st.handshake_us);
		}
	}
}

static void
metrics_render_backend_state(struct prom_buf *b)
{
	static const char *const states[] = { "ready", "drain", "maint" };
	const struct cfg_conf *conf = weir.conf;
	char be[WEIR_ADDR_STR_SIZE + 8], addr[WEIR_ADDR_STR_SIZE];
	unsigned int i, j, k;

	prom_family(b, "weir_backend_weight", "gauge",
		"configured weight (relative)");
	prom_family(b, "weir_backend_state", "gauge",
		"1 for the backend's admin state");
	for (i = 0; i < conf->nb_services; i++)
		for (j = 0; j < conf->services[i].nb_backends; j++) {
			const struct cfg_backend *cb = &conf->services[i]
								.backends[j];
			const char *l[] = { "service", conf->services[i].name,
				"backend", be, NULL, NULL, NULL };

			weir_addr_str(&cb->addr, addr, sizeof(addr));
			snprintf(be, sizeof(be),
				cb->addr.family == AF_INET6 ? "[%s]:%u" :
							      "%s:%u",
				addr, cb->port);
			prom_sample(b, "weir_backend_weight", l, cb->weight);
			for (k = 0; k < RTE_DIM(states); k++) {
				l[4] = "state";
				l[5] = states[k];
				prom_sample(b, "weir_backend_state", l,
					cb->state == k);
			}
		}
}

static void
metrics_render_ports(struct prom_buf *b)
{
	static const struct {
		const char *name;
		const char *help;
		size_t off;
	} m[] = {
		{ "weir_port_rx_packets_total", "packets received by the NIC",
			offsetof(struct rte_eth_stats, ipackets) },
		{ "weir_port_tx_packets_total", "packets sent by the NIC",
			offsetof(struct rte_eth_stats, opackets) },
		{ "weir_port_rx_bytes_total", "bytes received by the NIC",
			offsetof(struct rte_eth_stats, ibytes) },
		{ "weir_port_tx_bytes_total", "bytes sent by the NIC",
			offsetof(struct rte_eth_stats, obytes) },
		{ "weir_port_rx_missed_total",
			"packets the NIC dropped: RX queues full",
			offsetof(struct rte_eth_stats, imissed) },
		{ "weir_port_rx_errors_total", "erroneous packets received",
			offsetof(struct rte_eth_stats, ierrors) },
		{ "weir_port_tx_errors_total", "failed transmissions",
			offsetof(struct rte_eth_stats, oerrors) },
		{ "weir_port_rx_nombuf_total", "RX mbuf allocation failures",
			offsetof(struct rte_eth_stats, rx_nombuf) },
	};
	struct rte_eth_stats st[CFG_PORTS_MAX];
	unsigned int k, i;

	for (i = 0; i < weir.nb_ports; i++)
		if (rte_eth_stats_get(weir.ports[i].id, &st[i]) < 0)
			memset(&st[i], 0, sizeof(st[i]));
	for (k = 0; k < RTE_DIM(m); k++) {
		prom_family(b, m[k].name, "counter", m[k].help);
		for (i = 0; i < weir.nb_ports; i++) {
			const char *l[] = { "port", weir.ports[i].cfg->name,
				NULL };

			prom_sample(b, m[k].name, l,
				*(const uint64_t *)((const char *)&st[i] +
					m[k].off));
		}
	}
	prom_family(b, "weir_port_link_up", "gauge", "1 if the link is up");
	for (i = 0; i < weir.nb_ports; i++) {
		const char *l[] = { "port", weir.ports[i].cfg->name, NULL };

		prom_sample(b, "weir_port_link_up", l, weir.ports[i].link_up);
	}
}

static int
metrics_render(struct prom_buf *b)
{
	const char *info[] = { "version", WEIR_VERSION, NULL };

	prom_family(b, "weir_info", "gauge", "always 1; labels: version");
	prom_sample(b, "weir_info", info, 1);
	prom_family(b, "weir_uptime_seconds", "gauge", "seconds since start");
	prom_sample(b, "weir_uptime_seconds", NULL,
		(rte_get_tsc_cycles() - weir.start_tsc) / rte_get_tsc_hz());
	metrics_render_workers(b);
	metrics_render_ctl(b);
	metrics_render_objs(b, false);
	metrics_render_objs(b, true);
	metrics_render_hist(b, false);
	metrics_render_hist(b, true);
	metrics_render_backend_state(b);
	metrics_render_ports(b);
	return 0;
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
		metrics_render(b);
		if (prom_buf_error(b) < 0) {
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
