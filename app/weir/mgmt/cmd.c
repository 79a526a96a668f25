/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Console commands. Each is a row of a static table (words, arguments,
 * help, level, argument counts, handler), as HAProxy's cli_kw_list and
 * OVS's unixctl do; the registry checks words, levels and counts before a
 * handler runs, so handlers only validate values. Every 'show' prints a
 * human table by default and one JSON line with -j.
 *
 * Runtime changes (weights, states, backends, services) edit the running
 * configuration and publish a new snapshot: new flows follow at once,
 * sessions keep their backend. They last until the next reload, which
 * starts again from the file and then applies the state file, so 'save
 * state' is how weights and admin states outlive a reload or a restart.
 *
 * Context: ctl.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <jansson.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>

#include "cfg.h"
#include "cmd.h"
#include "ctl.h"
#include "local.h"
#include "reload.h"
#include "events.h"
#include "flow.h"
#include "flow_types.h"
#include "flowlog.h"
#include "neigh.h"
#include "pkt.h"
#include "port.h"
#include "lb.h"
#include "lb_stats.h"
#include "stats.h"
#include "svc.h"
#include "weir.h"
#include "weir_addr.h"
#include "weir_common.h"
#include "weir_stats.h"
#include "worker.h"

#define CMD_SESSIONS_DEFAULT 100 /* sessions listed without <max> */
#define CMD_SESSIONS_MAX                                                       \
	131072 /* sessions one command may list: ~18 MB of copies */

static const char *const cmd_states[] = { "ready", "drain", "maint" };
static const char *const cmd_lbs[] = { "maglev", "round-robin", "random" };

/* "<address> <port>" of a backend. */
static int
cmd_be_args(struct console_ctx *ctx, const struct cfg_service *s,
	const char *addr, const char *port, struct cfg_backend *b)
{
	struct weir_prefix p;
	unsigned long v;
	char *end;

	memset(b, 0, sizeof(*b));
	if (weir_prefix_parse(addr, false, &p) < 0 ||
		p.len != (p.addr.family == AF_INET ? 32 : 128))
		return console_error(ctx, "'%s' is not an address", addr);
	v = strtoul(port, &end, 10);
	if (*end != '\0' || end == port || v < 1 || v > 65535)
		return console_error(ctx, "'%s' is not a port (1-65535)", port);
	if (s != NULL && p.addr.family != s->vip.family)
		return console_error(ctx, "'%s' is not of service %s's family",
			addr, s->name);
	b->addr = p.addr;
	b->port = (uint16_t)v;
	b->weight = 1;
	return 0;
}

static struct cfg_service *
cmd_service(struct console_ctx *ctx, const char *name)
{
	struct cfg_service *s = cfg_service_find(weir.conf, name);

	if (s == NULL)
		console_error(ctx,
			"no service '%s'; 'show services' lists them", name);
	return s;
}

static int
cmd_uint(struct console_ctx *ctx, const char *v, unsigned long max,
	const char *what, unsigned long *out)
{
	char *end;

	*out = strtoul(v, &end, 10);
	if (*end != '\0' || end == v || v[0] == '-' || *out > max)
		return console_error(
			ctx, "'%s' is not a %s (0-%lu)", v, what, max);
	return 0;
}

static uint64_t
cmd_sessions_total(void)
{
	return worker_counter_sum(WORKER_C_sessions);
}

static int
cmd_show_info(struct console_ctx *ctx, int argc, char **argv)
{
	uint64_t up = (rte_get_tsc_cycles() - weir.start_tsc) /
		rte_get_tsc_hz();

	(void)argc;
	(void)argv;
	if (ctx->json)
		return console_json(ctx,
			json_pack("{s:s, s:i, s:I, s:i, s:i, s:i, s:I, s:s}",
				"version", WEIR_VERSION, "pid", (int)getpid(),
				"uptime_s", (json_int_t)up, "workers",
				(int)weir.nb_workers, "ports",
				(int)weir.nb_ports, "services",
				(int)weir.conf->nb_services, "sessions",
				(json_int_t)cmd_sessions_total(), "config",
				weir.conf->file));
	console_printf(ctx, "weir %s, pid %d, up %llu s\n", WEIR_VERSION,
		(int)getpid(), (unsigned long long)up);
	console_printf(ctx, "config %s\n", weir.conf->file);
	console_printf(ctx,
		"%u workers, %u ports, %u services, %llu sessions\n",
		weir.nb_workers, weir.nb_ports, weir.conf->nb_services,
		(unsigned long long)cmd_sessions_total());
	return 0;
}

/* Backends of 's' that take new flows: ready, weight > 0, resolved. */
static unsigned int
cmd_backends_up(const struct svc_snap *snap, const struct cfg_service *s)
{
	unsigned int i, j, n = 0;

	for (i = 0; i < snap->nb_svc; i++) {
		const struct svc *v = &snap->svc[i];

		if (strcmp(v->name, s->name) != 0)
			continue;
		for (j = 0; j < v->nb_be && j < s->nb_backends; j++)
			n += s->backends[j].state == SVC_BE_READY &&
				s->backends[j].weight > 0 && v->be[j].has_mac;
	}
	return n;
}

static json_t *
cmd_obj_json(json_t *o, const struct lb_stats *st)
{
	json_object_set_new(
		o, "new_flows", json_integer((json_int_t)st->new_flows));
	json_object_set_new(
		o, "sessions", json_integer((json_int_t)st->sessions));
	json_object_set_new(
		o, "pkts_in", json_integer((json_int_t)st->pkts_in));
	json_object_set_new(
		o, "pkts_out", json_integer((json_int_t)st->pkts_out));
	json_object_set_new(
		o, "bytes_in", json_integer((json_int_t)st->bytes_in));
	json_object_set_new(
		o, "bytes_out", json_integer((json_int_t)st->bytes_out));
	return o;
}

static int
cmd_show_services(struct console_ctx *ctx, int argc, char **argv)
{
	static const char *const hdr[] = { "NAME", "VIP", "PORT", "PROTO",
		"BALANCER", "UP/BACKENDS", "NEW_FLOWS", "SESSIONS", "PKTS_IN",
		"PKTS_OUT", "BYTES_IN", "BYTES_OUT" };
	const struct svc_snap *snap = weir_rcu_get(&weir.snap);
	json_t *arr = ctx->json ? json_array() : NULL;
	unsigned int i;

	(void)argc;
	(void)argv;
	if (!ctx->json)
		console_table_begin(ctx, RTE_DIM(hdr), hdr);
	for (i = 0; i < weir.conf->nb_services; i++) {
		const struct cfg_service *s = &weir.conf->services[i];
		char vip[WEIR_ADDR_STR_SIZE], port[16];
		struct lb_stats st = { 0 };
		int id = svc_id_of(s->name);

		if (id >= 0)
			lb_stats_obj_get(LB_STATS_SVC, (unsigned int)id,
				!ctx->json, &st);
		weir_addr_str(&s->vip, vip, sizeof(vip));
		if (s->port_lo == s->port_hi)
			snprintf(port, sizeof(port), "%u", s->port_lo);
		else
			snprintf(port, sizeof(port), "%u-%u", s->port_lo,
				s->port_hi);
		if (ctx->json) {
			json_t *o = json_pack("{s:s, s:s, s:i, s:i, s:s, s:s, "
					      "s:s, s:i, s:i}",
				"name", s->name, "vip", vip, "port", s->port_lo,
				"port_hi", s->port_hi, "protocol",
				s->proto == IPPROTO_TCP ? "tcp" : "udp",
				"balancer", cmd_lbs[s->balancer], "hash",
				s->hash == CFG_HASH_SOURCE ? "source" :
							     "5-tuple",
				"backends", (int)s->nb_backends, "backends_up",
				(int)cmd_backends_up(snap, s));

			json_array_append_new(arr, cmd_obj_json(o, &st));
			continue;
		}
		console_table_row(ctx,
			"%s\t%s\t%s\t%s\t%s\t%u/%u\t%llu\t%llu\t"
			"%llu\t%llu\t%llu\t%llu",
			s->name, vip, port,
			s->proto == IPPROTO_TCP ? "tcp" : "udp",
			cmd_lbs[s->balancer], cmd_backends_up(snap, s),
			s->nb_backends, (unsigned long long)st.new_flows,
			(unsigned long long)st.sessions,
			(unsigned long long)st.pkts_in,
			(unsigned long long)st.pkts_out,
			(unsigned long long)st.bytes_in,
			(unsigned long long)st.bytes_out);
	}
	if (ctx->json)
		return console_json(ctx, arr);
	console_table_end(ctx);
	return 0;
}

/* Whether the published snapshot has resolved backend 'j' of 's'. */
static bool
cmd_be_resolved(const struct svc_snap *snap, const struct cfg_service *s,
	unsigned int j)
{
	unsigned int i;

	for (i = 0; i < snap->nb_svc; i++)
		if (strcmp(snap->svc[i].name, s->name) == 0 &&
			j < snap->svc[i].nb_be)
			return snap->svc[i].be[j].has_mac;
	return false;
}

static int
cmd_show_backends(struct console_ctx *ctx, int argc, char **argv)
{
	static const char *const hdr[] = { "SERVICE", "ADDRESS", "PORT",
		"WEIGHT", "STATE", "RESOLVED", "NEW_FLOWS", "SESSIONS",
		"PKTS_IN", "PKTS_OUT", "BYTES_IN", "BYTES_OUT",
		"HANDSHAKE_US" };
	const struct svc_snap *snap = weir_rcu_get(&weir.snap);
	json_t *arr = ctx->json ? json_array() : NULL;
	unsigned int i, j;

	if (argc == 1 && cmd_service(ctx, argv[0]) == NULL) {
		json_decref(arr);
		return -ENOENT;
	}
	if (!ctx->json)
		console_table_begin(ctx, RTE_DIM(hdr), hdr);
	for (i = 0; i < weir.conf->nb_services; i++) {
		const struct cfg_service *s = &weir.conf->services[i];

		if (argc == 1 && strcmp(s->name, argv[0]) != 0)
			continue;
		for (j = 0; j < s->nb_backends; j++) {
			const struct cfg_backend *b = &s->backends[j];
			char addr[WEIR_ADDR_STR_SIZE];
			struct lb_stats st = { 0 };
			int id = svc_be_id_of(s->name, &b->addr, b->port);
			bool res = cmd_be_resolved(snap, s, j);
			char lat[24] = "-";

			if (id >= 0)
				lb_stats_obj_get(LB_STATS_BE, (unsigned int)id,
					!ctx->json, &st);
			if (st.handshakes != 0)
				snprintf(lat, sizeof(lat), "%llu",
					(unsigned long long)(st.handshake_us /
						st.handshakes));
			weir_addr_str(&b->addr, addr, sizeof(addr));
			if (ctx->json) {
				json_t *lat_us = json_null();
				json_t *o;

				if (st.handshakes != 0)
					lat_us = json_integer(
						(json_int_t)(st.handshake_us /
							st.handshakes));
				o = json_pack(
					"{s:s, s:s, s:i, s:i, s:s, s:b, s:o}",
					"service", s->name, "address", addr,
					"port", b->port, "weight",
					(int)b->weight, "state",
					cmd_states[b->state], "resolved", res,
					"latency_us", lat_us);

				json_array_append_new(
					arr, cmd_obj_json(o, &st));
				continue;
			}
			console_table_row(ctx,
				"%s\t%s\t%u\t%u\t%s\t%s\t%llu\t"
				"%llu\t%llu\t%llu\t%llu\t%llu\t%s",
				s->name, addr, b->port, b->weight,
				cmd_states[b->state], res ? "yes" : "no",
				(unsigned long long)st.new_flows,
				(unsigned long long)st.sessions,
				(unsigned long long)st.pkts_in,
				(unsigned long long)st.pkts_out,
				(unsigned long long)st.bytes_in,
				(unsigned long long)st.bytes_out, lat);
		}
	}
	if (ctx->json)
		return console_json(ctx, arr);
	console_table_end(ctx);
	return 0;
}

/* One line of 'show stats', or one member of its JSON object. */
struct cmd_stats_walk {
	struct console_ctx *ctx;
	json_t *obj; /* -j: the object being filled */
};

static void
cmd_stat_one(void *arg, const char *key, const char *help, enum stats_type type,
	uint64_t v)
{
	struct cmd_stats_walk *sw = arg;

	(void)type;
	if (sw->obj != NULL)
		json_object_set_new(sw->obj, key, json_integer((json_int_t)v));
	else
		console_table_row(sw->ctx, "%s\t%llu\t%s", key,
			(unsigned long long)v, help);
}

/* Every total of the registry, since 'clear counters'. */
static int
cmd_show_stats(struct console_ctx *ctx, int argc, char **argv)
{
	static const char *const hdr[] = { "COUNTER", "VALUE", "MEANING" };
	struct cmd_stats_walk sw = { .ctx = ctx };

	(void)argc;
	(void)argv;
	if (ctx->json)
		sw.obj = json_object();
	else
		console_table_begin(ctx, RTE_DIM(hdr), hdr);
	if (stats_totals(weir.stats, STATS_T_SINCE_CLEAR, cmd_stat_one, &sw) <
		0) {
		json_decref(sw.obj);
		return console_error(ctx, "out of memory");
	}
	if (ctx->json)
		return console_json(ctx, sw.obj);
	console_table_end(ctx);
	return 0;
}

/* "k=v,k=v" of a row's labels, "-" for a set of one instance. */
static const char *
cmd_row_name(const struct stats_set *s, const struct stats_row *row, char *buf,
	size_t size)
{
	size_t off = 0;
	unsigned int k;

	snprintf(buf, size, "-");
	for (k = 0; s->labels != NULL && s->labels[k] != NULL && off < size;
		k++)
		off += (size_t)snprintf(buf + off, size - off, "%s%s=%s",
			k ? "," : "", s->labels[k], row->labels[k]);
	return buf;
}

struct cmd_counters_walk {
	struct console_ctx *ctx;
	const char *instance; /* the row's name, for tables */
	json_t *counters;     /* -j: the row's counters */
};

static void
cmd_counter_one(void *arg, const char *key, const char *help, uint64_t v,
	const char *text)
{
	struct cmd_counters_walk *cw = arg;

	if (cw->counters != NULL) {
		json_object_set_new(cw->counters, key,
			text ? json_string(text) : json_integer((json_int_t)v));
		return;
	}
	if (text != NULL)
		console_table_row(cw->ctx, "%s\t%s\t%s\t%s", cw->instance, key,
			text, help);
	else
		console_table_row(cw->ctx, "%s\t%s\t%llu\t%s", cw->instance,
			key, (unsigned long long)v, help);
}

/* 'show counters <set>': every instance and value of one set. */
static int
cmd_show_set(struct console_ctx *ctx, const struct stats_set *s)
{
	static const char *const hdr[] = { "INSTANCE", "COUNTER", "VALUE",
		"MEANING" };
	struct cmd_counters_walk cw = { .ctx = ctx };
	json_t *arr = NULL;
	struct stats_table t;
	char name[4 * STATS_LABEL_SIZE];
	unsigned int i, k;

	if (stats_collect(s, &t) < 0)
		return console_error(ctx, "out of memory");
	if (ctx->json)
		arr = json_array();
	else
		console_table_begin(ctx, RTE_DIM(hdr), hdr);
	for (i = 0; i < t.nb_rows; i++) {
		json_t *labels;

		cw.instance = cmd_row_name(s, &t.rows[i], name, sizeof(name));
		if (arr == NULL) {
			stats_row_values(s, &t.rows[i], cmd_counter_one, &cw);
			continue;
		}
		labels = json_object();
		for (k = 0; s->labels != NULL && s->labels[k] != NULL; k++)
			json_object_set_new(labels, s->labels[k],
				json_string(t.rows[i].labels[k]));
		cw.counters = json_object();
		stats_row_values(s, &t.rows[i], cmd_counter_one, &cw);
		json_array_append_new(arr,
			json_pack("{s:o, s:o}", "labels", labels, "counters",
				cw.counters));
	}
	stats_table_free(&t);
	if (arr != NULL)
		return console_json(ctx,
			json_pack("{s:s, s:o}", "set", s->name, "instances",
				arr));
	console_table_end(ctx);
	return 0;
}

/* Every counter set: what one instance is, how many there are now. */
static int
cmd_show_counters(struct console_ctx *ctx, int argc, char **argv)
{
	static const char *const hdr[] = { "SET", "INSTANCES", "MEANING" };
	json_t *arr = ctx->json ? json_array() : NULL;
	unsigned int i;

	if (argc == 1) {
		const struct stats_set *s = stats_find(weir.stats, argv[0]);

		json_decref(arr);
		if (s == NULL)
			return console_error(ctx,
				"no counter set '%s'; 'show counters' lists "
				"them",
				argv[0]);
		return cmd_show_set(ctx, s);
	}
	if (arr == NULL)
		console_table_begin(ctx, RTE_DIM(hdr), hdr);
	for (i = 0; i < stats_nb_sets(weir.stats); i++) {
		const struct stats_set *s = stats_set_at(weir.stats, i);
		struct stats_table t;

		if (stats_collect(s, &t) < 0) {
			json_decref(arr);
			return console_error(ctx, "out of memory");
		}
		if (arr != NULL)
			json_array_append_new(arr,
				json_pack("{s:s, s:i, s:s}", "set", s->name,
					"instances", (int)t.nb_rows, "help",
					s->help));
		else
			console_table_row(
				ctx, "%s\t%u\t%s", s->name, t.nb_rows, s->help);
		stats_table_free(&t);
	}
	if (arr != NULL)
		return console_json(ctx, arr);
	console_table_end(ctx);
	return 0;
}

static int
cmd_show_workers(struct console_ctx *ctx, int argc, char **argv)
{
	static const char *const hdr[] = { "WORKER", "LCORE", "RX_PACKETS",
		"TX_PACKETS", "BUSY", "SESSIONS", "REDIRECT_OUT", "SNAPSHOTS",
		"SNAPSHOT_LAG_US" };
	json_t *arr = ctx->json ? json_array() : NULL;
	unsigned int i;

	(void)argc;
	(void)argv;
	if (!ctx->json)
		console_table_begin(ctx, RTE_DIM(hdr), hdr);
	for (i = 0; i < weir.nb_workers; i++) {
		const struct worker_stats *ws = worker_stats_get(i);
		uint64_t loops = weir_stat_read(&ws->c[WORKER_C_loops]);
		uint64_t busy = weir_stat_read(&ws->c[WORKER_C_busy_loops]);
		/* Per mille of loop iterations that found work. */
		unsigned int pm = 0;

		if (loops != 0)
			pm = (unsigned int)(busy * 1000 / loops);

		if (ctx->json) {
			json_array_append_new(arr,
				json_pack("{s:i, s:i, s:I, "
					  "s:I, s:i, s:I, s:I, s:I, s:I}",
					"worker", (int)i, "lcore",
					(int)worker_lcore(i), "rx_packets",
					(json_int_t)weir_stat_read(
						&ws->c[WORKER_C_rx_packets]),
					"tx_packets",
					(json_int_t)weir_stat_read(
						&ws->c[WORKER_C_tx_packets]),
					"busy_permille", (int)pm, "sessions",
					(json_int_t)weir_stat_read(
						&ws->c[WORKER_C_sessions]),
					"redirect_out",
					(json_int_t)weir_stat_read(
						&ws->c[WORKER_C_redirect_out]),
					"snapshots",
					(json_int_t)weir_stat_read(
						&ws->snapshots),
					"snapshot_lag_ns",
					(json_int_t)weir_stat_read(
						&ws->snapshot_lag_ns)));
			continue;
		}
		console_table_row(ctx,
			"%u\t%u\t%llu\t%llu\t%u.%u%%\t%llu\t%llu\t%llu\t%.1f",
			i, worker_lcore(i),
			(unsigned long long)weir_stat_read(
				&ws->c[WORKER_C_rx_packets]),
			(unsigned long long)weir_stat_read(
				&ws->c[WORKER_C_tx_packets]),
			pm / 10, pm % 10,
			(unsigned long long)weir_stat_read(
				&ws->c[WORKER_C_sessions]),
			(unsigned long long)weir_stat_read(
				&ws->c[WORKER_C_redirect_out]),
			(unsigned long long)weir_stat_read(&ws->snapshots),
			(double)weir_stat_read(&ws->snapshot_lag_ns) / 1000.0);
	}
	if (ctx->json)
		return console_json(ctx, arr);
	console_table_end(ctx);
	return 0;
}

static int
cmd_show_ports(struct console_ctx *ctx, int argc, char **argv)
{
	static const char *const hdr[] = { "PORT", "ID", "DRIVER", "MAC",
		"LINK", "RX_PACKETS", "TX_PACKETS", "RX_MISSED", "RX_ERRORS",
		"TX_ERRORS" };
	json_t *arr = ctx->json ? json_array() : NULL;
	unsigned int i;

	(void)argc;
	(void)argv;
	if (!ctx->json)
		console_table_begin(ctx, RTE_DIM(hdr), hdr);
	for (i = 0; i < weir.nb_ports; i++) {
		const struct port *p = &weir.ports[i];
		struct rte_eth_stats st = { 0 };
		char mac[RTE_ETHER_ADDR_FMT_SIZE];

		rte_eth_stats_get(p->id, &st);
		rte_ether_format_addr(mac, sizeof(mac), &p->mac);
		if (ctx->json) {
			json_array_append_new(arr,
				json_pack(
					"{s:s, s:i, s:s, "
					"s:s, s:b, s:i, s:I, s:I, s:I, s:I, s:I}",
					"name", p->cfg->name, "port_id", p->id,
					"driver", p->driver, "mac", mac,
					"link_up", p->link_up, "speed_mbps",
					(int)p->link_speed, "rx_packets",
					(json_int_t)st.ipackets, "tx_packets",
					(json_int_t)st.opackets, "rx_missed",
					(json_int_t)st.imissed, "rx_errors",
					(json_int_t)st.ierrors, "tx_errors",
					(json_int_t)st.oerrors));
			continue;
		}
		console_table_row(ctx,
			"%s\t%u\t%s\t%s\t%s\t%llu\t%llu\t%llu\t%llu\t%llu",
			p->cfg->name, p->id, p->driver, mac,
			p->link_up ? "up" : "down",
			(unsigned long long)st.ipackets,
			(unsigned long long)st.opackets,
			(unsigned long long)st.imissed,
			(unsigned long long)st.ierrors,
			(unsigned long long)st.oerrors);
	}
	if (ctx->json)
		return console_json(ctx, arr);
	console_table_end(ctx);
	return 0;
}

struct cmd_neigh_walk {
	struct console_ctx *ctx;
	json_t *arr;
};

static void
cmd_neigh_one(void *arg, const void *info)
{
	struct cmd_neigh_walk *nw = arg;
	const struct neigh_info *ni = info;
	const struct port *p = port_by_id(ni->key.port);
	struct weir_addr a = { .family = ni->key.family };
	char addr[WEIR_ADDR_STR_SIZE], mac[RTE_ETHER_ADDR_FMT_SIZE];

	memcpy(a.a, ni->key.addr, 16);
	weir_addr_str(&a, addr, sizeof(addr));
	rte_ether_format_addr(
		mac, sizeof(mac), (const struct rte_ether_addr *)ni->mac);
	if (ni->state == NEIGH_S_INCOMPLETE)
		snprintf(mac, sizeof(mac), "-");
	if (nw->arr != NULL) {
		json_array_append_new(nw->arr,
			json_pack("{s:s, s:s, s:s, s:s, s:I, s:i}", "port",
				p ? p->cfg->name : "?", "address", addr, "mac",
				mac, "state", neigh_state_name(ni->state),
				"age_ms", (json_int_t)ni->age_ms, "queued",
				(int)ni->nb_queued));
		return;
	}
	console_table_row(nw->ctx, "%s\t%s\t%s\t%s\t%llu\t%u",
		p ? p->cfg->name : "?", addr, mac, neigh_state_name(ni->state),
		(unsigned long long)ni->age_ms, ni->nb_queued);
}

static int
cmd_show_neighbors(struct console_ctx *ctx, int argc, char **argv)
{
	static const char *const hdr[] = { "PORT", "ADDRESS", "MAC", "STATE",
		"AGE_MS", "QUEUED" };
	struct cmd_neigh_walk nw = { .ctx = ctx };

	(void)argc;
	(void)argv;
	if (ctx->json)
		nw.arr = json_array();
	else
		console_table_begin(ctx, RTE_DIM(hdr), hdr);
	local_neigh_walk(cmd_neigh_one, &nw);
	if (ctx->json)
		return console_json(ctx, nw.arr);
	console_table_end(ctx);
	return 0;
}

static int
cmd_show_config(struct console_ctx *ctx, int argc, char **argv)
{
	char *buf = NULL, *line, *save = NULL;
	size_t len = 0;
	FILE *f;

	(void)argc;
	(void)argv;
	f = open_memstream(&buf, &len);
	if (f == NULL)
		return console_error(ctx, "out of memory");
	cfg_conf_dump(weir.conf, f);
	fclose(f);
	for (line = strtok_r(buf, "\n", &save); line != NULL;
		line = strtok_r(NULL, "\n", &save))
		console_printf(ctx, "%s\n", line);
	free(buf);
	return 0;
}

static void
cmd_flow_row(struct console_ctx *ctx, json_t *arr, unsigned int w,
	const struct flow_info *f)
{
	struct flowlog_addrs ad;
	const char *cli = ad.cli, *vip = ad.vip, *lad = ad.local, *be = ad.be;

	flowlog_addrs(f, &ad);
	if (arr != NULL) {
		json_array_append_new(arr,
			json_pack("{s:i, s:s, s:s, s:i, s:s, "
				  "s:i, s:s, s:i, s:s, s:i, s:s}",
				"worker", (int)w, "protocol",
				f->fwd.proto == IPPROTO_TCP ? "tcp" : "udp",
				"client", cli, "client_port",
				rte_be_to_cpu_16(f->fwd.sport), "vip", vip,
				"vip_port", rte_be_to_cpu_16(f->fwd.dport),
				"local", lad, "local_port",
				rte_be_to_cpu_16(f->rev.dport), "backend", be,
				"backend_port", rte_be_to_cpu_16(f->rev.sport),
				"state", flow_state_name(f->state)));
		return;
	}
	console_table_row(ctx, "%u\t%s\t%s:%u\t%s:%u\t%s:%u\t%s:%u\t%s", w,
		f->fwd.proto == IPPROTO_TCP ? "tcp" : "udp", cli,
		rte_be_to_cpu_16(f->fwd.sport), vip,
		rte_be_to_cpu_16(f->fwd.dport), lad,
		rte_be_to_cpu_16(f->rev.dport), be,
		rte_be_to_cpu_16(f->rev.sport), flow_state_name(f->state));
}

static int
cmd_show_sessions(struct console_ctx *ctx, int argc, char **argv)
{
	static const char *const hdr[] = { "WORKER", "PROTO", "CLIENT", "VIP",
		"LOCAL", "BACKEND", "STATE" };
	struct lb_dump d = { .svc = UINT16_MAX, .max = CMD_SESSIONS_DEFAULT };
	json_t *arr = ctx->json ? json_array() : NULL;
	unsigned long max;
	uint64_t total = 0;
	unsigned int w, i;
	int rc = 0;

	if (argc >= 1 && strcmp(argv[0], "all") != 0) {
		int id;

		if (cmd_service(ctx, argv[0]) == NULL)
			goto fail;
		id = svc_id_of(argv[0]);
		if (id < 0) {
			console_error(ctx, "service '%s' is not published yet",
				argv[0]);
			goto fail;
		}
		d.svc = (uint16_t)id;
	}
	if (argc == 2) {
		if (cmd_uint(ctx, argv[1], CMD_SESSIONS_MAX,
			    "number of sessions", &max) < 0)
			goto fail;
		d.max = (uint32_t)max;
	}
	d.out = calloc(d.max ? d.max : 1, sizeof(*d.out));
	if (d.out == NULL) {
		console_error(ctx, "out of memory");
		goto fail;
	}
	if (!ctx->json)
		console_table_begin(ctx, RTE_DIM(hdr), hdr);
	for (w = 0; w < weir.nb_workers; w++) {
		uint32_t want = d.max;

		if (lb_dump_sessions(w, &d) < 0) {
			rc = console_error(ctx, "worker %u did not answer", w);
			break;
		}
		total += d.total;
		for (i = 0; i < d.n; i++)
			cmd_flow_row(ctx, arr, w, &d.out[i]);
		d.max = want > d.n ? want - d.n : 0;
	}
	free(d.out);
	if (ctx->json)
		return console_json(ctx,
			json_pack("{s:I, s:o}", "total", (json_int_t)total,
				"sessions", arr));
	console_table_end(ctx);
	console_printf(ctx, "%llu sessions match\n", (unsigned long long)total);
	return rc;
fail:
	json_decref(arr);
	return -EINVAL;
}

static void
cmd_event_one(void *arg, const struct event *e)
{
	void **a = arg;
	struct console_ctx *ctx = a[0];
	json_t *arr = a[1];
	char when[40];
	struct tm tm;

	gmtime_r(&e->time.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (arr != NULL)
		json_array_append_new(arr,
			json_pack("{s:I, s:s, s:s, s:s}", "seq",
				(json_int_t)e->seq, "time", when, "kind",
				e->kind, "text", e->text));
	else
		console_printf(ctx, "%llu %s %s %s\n",
			(unsigned long long)e->seq, when, e->kind, e->text);
}

static int
cmd_show_events(struct console_ctx *ctx, int argc, char **argv)
{
	unsigned long n = 20;
	void *a[2] = { ctx, NULL };

	if (argc == 1 &&
		cmd_uint(ctx, argv[0], 100000, "number of events", &n) < 0)
		return -EINVAL;
	if (ctx->json)
		a[1] = json_array();
	events_walk((unsigned int)n, cmd_event_one, a);
	return ctx->json ? console_json(ctx, a[1]) : 0;
}

/* After a runtime change: publish, and record why. */
static int cmd_changed(struct console_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int
cmd_changed(struct console_ctx *ctx, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	svc_publish("console");
	event_log("admin", "%s (console, level %s)", what,
		console_level_name(ctx->level));
	console_printf(ctx, "%s\n", what);
	return 0;
}

static int
cmd_set_backend(struct console_ctx *ctx, char **argv, bool state)
{
	struct cfg_service *s = cmd_service(ctx, argv[0]);
	struct cfg_backend b, *cur;
	char err[256];
	unsigned long v;
	int i;

	if (s == NULL || cmd_be_args(ctx, s, argv[1], argv[2], &b) < 0)
		return -EINVAL;
	i = cfg_backend_find(s, &b.addr, b.port);
	if (i < 0)
		return console_error(ctx,
			"service %s has no backend %s port %s", s->name,
			argv[1], argv[2]);
	cur = &s->backends[i];
	b = *cur;
	if (state) {
		for (v = 0; v < RTE_DIM(cmd_states); v++)
			if (strcmp(cmd_states[v], argv[3]) == 0)
				break;
		if (v == RTE_DIM(cmd_states))
			return console_error(ctx,
				"'%s' is not ready, drain or maint", argv[3]);
		b.state = (uint8_t)v;
	} else {
		if (cmd_uint(ctx, argv[3], 65535, "weight", &v) < 0)
			return -EINVAL;
		b.weight = (uint32_t)v;
	}
	if (cfg_backend_set(weir.conf, s, &b, err, sizeof(err)) < 0)
		return console_error(ctx, "%s", err);
	return cmd_changed(ctx, "service %s backend %s port %s %s %s", s->name,
		argv[1], argv[2], state ? "state" : "weight", argv[3]);
}

static int
cmd_set_weight(struct console_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	return cmd_set_backend(ctx, argv, false);
}

static int
cmd_set_state(struct console_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	return cmd_set_backend(ctx, argv, true);
}

static int
cmd_add_backend(struct console_ctx *ctx, int argc, char **argv)
{
	struct cfg_service *s = cmd_service(ctx, argv[0]);
	struct cfg_backend b;
	unsigned long w = 1;
	char err[256];

	if (s == NULL || cmd_be_args(ctx, s, argv[1], argv[2], &b) < 0)
		return -EINVAL;
	if (argc == 4 && cmd_uint(ctx, argv[3], 65535, "weight", &w) < 0)
		return -EINVAL;
	if (cfg_backend_find(s, &b.addr, b.port) >= 0)
		return console_error(ctx,
			"service %s already has backend %s port %s", s->name,
			argv[1], argv[2]);
	b.weight = (uint32_t)w;
	if (cfg_backend_set(weir.conf, s, &b, err, sizeof(err)) < 0)
		return console_error(ctx, "%s", err);
	return cmd_changed(ctx,
		"service %s backend %s port %s added, weight %lu", s->name,
		argv[1], argv[2], w);
}

static int
cmd_del_backend(struct console_ctx *ctx, int argc, char **argv)
{
	struct cfg_service *s = cmd_service(ctx, argv[0]);
	struct cfg_backend b;

	(void)argc;
	if (s == NULL || cmd_be_args(ctx, s, argv[1], argv[2], &b) < 0)
		return -EINVAL;
	if (cfg_backend_del(s, &b.addr, b.port) < 0)
		return console_error(ctx,
			"service %s has no backend %s port %s", s->name,
			argv[1], argv[2]);
	return cmd_changed(ctx,
		"service %s backend %s port %s removed (its sessions continue)",
		s->name, argv[1], argv[2]);
}

static int
cmd_add_service(struct console_ctx *ctx, int argc, char **argv)
{
	struct cfg_service t;
	struct weir_prefix p;
	unsigned long lo, hi;
	char err[256], *end;

	(void)argc;
	memset(&t, 0, sizeof(t));
	if (strlen(argv[0]) >= sizeof(t.name))
		return console_error(ctx,
			"name '%s' is longer than %zu characters", argv[0],
			sizeof(t.name) - 1);
	snprintf(t.name, sizeof(t.name), "%s", argv[0]);
	if (weir_prefix_parse(argv[1], false, &p) < 0 ||
		p.len != (p.addr.family == AF_INET ? 32 : 128))
		return console_error(ctx, "'%s' is not an address", argv[1]);
	t.vip = p.addr;
	lo = strtoul(argv[2], &end, 10);
	hi = lo;
	if (*end == '-')
		hi = strtoul(end + 1, &end, 10);
	if (*end != '\0' || lo < 1 || hi > 65535 || lo > hi)
		return console_error(
			ctx, "'%s' is not a port or lo-hi range", argv[2]);
	t.port_lo = (uint16_t)lo;
	t.port_hi = (uint16_t)hi;
	if (strcmp(argv[3], "tcp") == 0)
		t.proto = IPPROTO_TCP;
	else if (strcmp(argv[3], "udp") == 0)
		t.proto = IPPROTO_UDP;
	else
		return console_error(ctx, "'%s' is not tcp or udp", argv[3]);
	t.midflow = true;
	if (cfg_service_add(weir.conf, &t, err, sizeof(err)) < 0)
		return console_error(ctx, "%s", err);
	return cmd_changed(ctx, "service %s %s %s/%s added (no backends yet)",
		argv[0], argv[1], argv[2], argv[3]);
}

static int
cmd_del_service(struct console_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	if (cfg_service_del(weir.conf, argv[0]) < 0)
		return console_error(ctx, "no service '%s'", argv[0]);
	return cmd_changed(ctx,
		"service %s removed (its sessions continue until they end)",
		argv[0]);
}

static int
cmd_clear_counters(struct console_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	if (stats_clear(weir.stats) < 0)
		return console_error(ctx, "out of memory");
	lb_stats_clear();
	console_printf(ctx,
		"counters cleared for the console (telemetry and "
		"/metrics keep counting up)\n");
	return 0;
}

/* Run a ctl action that says in one line what it did, or why not. */
static int
cmd_ctl_action(struct console_ctx *ctx, int (*fn)(char *msg, size_t size))
{
	char msg[1200];

	if (fn(msg, sizeof(msg)) < 0)
		return console_error(ctx, "%s", msg);
	console_printf(ctx, "%s\n", msg);
	return 0;
}

static int
cmd_reload(struct console_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cmd_ctl_action(ctx, reload_conf);
}

static int
cmd_save_state(struct console_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cmd_ctl_action(ctx, reload_state_save);
}

const struct console_cmd cmd_table[CMD_TABLE_LEN] = {
	{ { "show", "info", NULL }, "", "version, uptime, workers, sessions",
		CONSOLE_USER, 0, 0, CONSOLE_F_JSON, cmd_show_info },
	{ { "show", "services", NULL }, "",
		"services with their backends up and counters", CONSOLE_USER, 0,
		0, CONSOLE_F_JSON, cmd_show_services },
	{ { "show", "backends", NULL }, "[<service>]",
		"backends: weight, state, next hop resolved, counters",
		CONSOLE_USER, 0, 1, CONSOLE_F_JSON, cmd_show_backends },
	{ { "show", "sessions", NULL }, "[<service>|all] [<max>]",
		"sessions of every worker (default 100, at most 131072)",
		CONSOLE_USER, 0, 2, CONSOLE_F_JSON, cmd_show_sessions },
	{ { "show", "stats", NULL }, "", "every counter, with its meaning",
		CONSOLE_USER, 0, 0, CONSOLE_F_JSON, cmd_show_stats },
	{ { "show", "counters", NULL }, "[<set>]",
		"counter sets, or every instance and value of one",
		CONSOLE_USER, 0, 1, CONSOLE_F_JSON, cmd_show_counters },
	{ { "show", "workers", NULL }, "",
		"per worker: lcore, packets, busy, snapshot lag", CONSOLE_USER,
		0, 0, CONSOLE_F_JSON, cmd_show_workers },
	{ { "show", "ports", NULL }, "", "per port: link and NIC counters",
		CONSOLE_USER, 0, 0, CONSOLE_F_JSON, cmd_show_ports },
	{ { "show", "neighbors", NULL }, "", "the ARP/ND table", CONSOLE_USER,
		0, 0, CONSOLE_F_JSON, cmd_show_neighbors },
	{ { "show", "config", NULL }, "", "the running configuration",
		CONSOLE_USER, 0, 0, 0, cmd_show_config },
	{ { "show", "events", NULL }, "[<n>]",
		"the last n events (admin, reload, discovery; default 20)",
		CONSOLE_USER, 0, 1, CONSOLE_F_JSON, cmd_show_events },
	{ { "set", "backend", "weight" }, "<service> <address> <port> <weight>",
		"change a backend's weight (0: no new flows)", CONSOLE_OPERATOR,
		4, 4, 0, cmd_set_weight },
	{ { "set", "backend", "state" },
		"<service> <address> <port> ready|drain|maint",
		"drain: no new flows, sessions continue; maint: out of service",
		CONSOLE_OPERATOR, 4, 4, 0, cmd_set_state },
	{ { "clear", "counters", NULL }, "",
		"count from zero in this console's views", CONSOLE_OPERATOR, 0,
		0, 0, cmd_clear_counters },
	{ { "add", "backend", NULL }, "<service> <address> <port> [<weight>]",
		"add a backend to a service", CONSOLE_ADMIN, 3, 4, 0,
		cmd_add_backend },
	{ { "del", "backend", NULL }, "<service> <address> <port>",
		"remove a backend (its sessions continue)", CONSOLE_ADMIN, 3, 3,
		0, cmd_del_backend },
	{ { "add", "service", NULL }, "<name> <vip> <port|lo-hi> tcp|udp",
		"add a service without backends", CONSOLE_ADMIN, 4, 4, 0,
		cmd_add_service },
	{ { "del", "service", NULL }, "<name>",
		"remove a service (its sessions continue)", CONSOLE_ADMIN, 1, 1,
		0, cmd_del_service },
	{ { "reload", NULL }, "", "read the configuration file again",
		CONSOLE_ADMIN, 0, 0, 0, cmd_reload },
	{ { "save", "state", NULL }, "",
		"write admin states and weights to the state file",
		CONSOLE_ADMIN, 0, 0, 0, cmd_save_state },
};
