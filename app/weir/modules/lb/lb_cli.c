/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Load balancing's console commands: show services, backends and
 * sessions; set a backend's weight or admin state; add and remove
 * backends and services. Each is a row of a static table (words,
 * arguments, help, level, argument counts, handler), as HAProxy's
 * cli_kw_list and OVS's unixctl do; the registry (lib/console) checks
 * words, levels and counts before a handler runs, so handlers only
 * validate values. Every 'show' prints a human table by default and one
 * JSON line with -j.
 *
 * Runtime changes edit the running configuration and publish a new
 * snapshot: new flows follow at once, sessions keep their backend. They
 * last until the next reload, which starts again from the file and then
 * applies the state file, so 'save state' is how weights and admin states
 * outlive a reload or a restart.
 *
 * Context: ctl.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netinet/in.h>

#include <jansson.h>
#include <rte_byteorder.h>
#include <rte_common.h>

#include "cfg.h"
#include "console.h"
#include "events.h"
#include "flow.h"
#include "lb.h"
#include "lb_stats.h"
#include "svc.h"
#include "weir.h"
#include "weir_addr.h"

#define LB_CMD_SESSIONS_DEFAULT 100 /* sessions listed without <max> */
/* sessions one command may list: about 18 MB of copies */
#define LB_CMD_SESSIONS_MAX 131072

static const char *const lb_cmd_states[] = { "ready", "drain", "maint" };

/* "<address> <port>" of a backend. */
static int
lb_cmd_be_args(struct console_ctx *ctx, const struct cfg_service *s,
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
lb_cmd_service(struct console_ctx *ctx, const char *name)
{
	struct cfg_service *s = cfg_service_find(weir.conf, name);

	if (s == NULL)
		console_error(ctx,
			"no service '%s'; 'show services' lists them", name);
	return s;
}

/* The published backend 'j' of 's', or NULL (not published yet). */
static const struct svc_backend *
lb_cmd_be(const struct svc_snap *snap, const struct cfg_service *s,
	unsigned int j)
{
	const struct cfg_backend *b = &s->backends[j];
	unsigned int i;

	for (i = 0; i < snap->nb_svc; i++) {
		const struct svc *v = &snap->svc[i];

		if (strcmp(v->name, s->name) == 0 && j < v->nb_be &&
			memcmp(v->be[j].addr, b->addr.a, 16) == 0 &&
			rte_be_to_cpu_16(v->be[j].port) == b->port)
			return &v->be[j];
	}
	return NULL;
}

/* Backends of 's' that take new flows: ready, weight > 0, resolved. */
static unsigned int
lb_cmd_backends_up(const struct svc_snap *snap, const struct cfg_service *s)
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
lb_cmd_obj_json(json_t *o, const struct lb_stats *st)
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
lb_cmd_show_services(struct console_ctx *ctx, int argc, char **argv)
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
				"balancer", cfg_balancer_names[s->balancer],
				"hash",
				s->hash == CFG_HASH_SOURCE ? "source" :
							     "5-tuple",
				"backends", (int)s->nb_backends, "backends_up",
				(int)lb_cmd_backends_up(snap, s));

			json_array_append_new(arr, lb_cmd_obj_json(o, &st));
			continue;
		}
		console_table_row(ctx,
			"%s\t%s\t%s\t%s\t%s\t%u/%u\t%llu\t%llu\t"
			"%llu\t%llu\t%llu\t%llu",
			s->name, vip, port,
			s->proto == IPPROTO_TCP ? "tcp" : "udp",
			cfg_balancer_names[s->balancer],
			lb_cmd_backends_up(snap, s), s->nb_backends,
			(unsigned long long)st.new_flows,
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
lb_cmd_be_resolved(const struct svc_snap *snap, const struct cfg_service *s,
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
lb_cmd_show_backends(struct console_ctx *ctx, int argc, char **argv)
{
	static const char *const hdr[] = { "SERVICE", "ADDRESS", "PORT",
		"WEIGHT", "STATE", "RESOLVED", "NEW_FLOWS", "SESSIONS",
		"PKTS_IN", "PKTS_OUT", "BYTES_IN", "BYTES_OUT", "HANDSHAKE_US",
		"LATENCY_US", "LOAD" };
	const struct svc_snap *snap = weir_rcu_get(&weir.snap);
	json_t *arr = ctx->json ? json_array() : NULL;
	unsigned int i, j;

	if (argc == 1 && lb_cmd_service(ctx, argv[0]) == NULL) {
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
			bool res = lb_cmd_be_resolved(snap, s, j);
			const struct svc_backend *sb = lb_cmd_be(snap, s, j);
			char lat[24] = "-", est[24] = "-";
			uint32_t est_ns = 0, load = 0;

			if (sb != NULL)
				lb_lat_get(sb, &est_ns, &load);
			if (est_ns != 0)
				snprintf(est, sizeof(est), "%u", est_ns / 1000);
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
				o = json_pack("{s:s, s:s, s:i, s:i, s:s, s:b, "
					      "s:b, s:o, s:o, s:I}",
					"service", s->name, "address", addr,
					"port", b->port, "weight",
					(int)b->weight, "state",
					lb_cmd_states[b->state], "resolved",
					res, "ejected",
					sb != NULL && sb->ejected, "latency_us",
					lat_us, "latency_estimate_us",
					est_ns != 0 ?
						json_integer(est_ns / 1000) :
						json_null(),
					"load", (json_int_t)load);

				json_array_append_new(
					arr, lb_cmd_obj_json(o, &st));
				continue;
			}
			console_table_row(ctx,
				"%s\t%s\t%u\t%u\t%s\t%s\t%llu\t"
				"%llu\t%llu\t%llu\t%llu\t%llu\t%s\t%s\t%u",
				s->name, addr, b->port, b->weight,
				lb_cmd_states[b->state], res ? "yes" : "no",
				(unsigned long long)st.new_flows,
				(unsigned long long)st.sessions,
				(unsigned long long)st.pkts_in,
				(unsigned long long)st.pkts_out,
				(unsigned long long)st.bytes_in,
				(unsigned long long)st.bytes_out, lat, est,
				load);
		}
	}
	if (ctx->json)
		return console_json(ctx, arr);
	console_table_end(ctx);
	return 0;
}

static void
lb_cmd_flow_row(struct console_ctx *ctx, json_t *arr, unsigned int w,
	const struct flow_info *f)
{
	struct flow_addrs ad;
	const char *cli = ad.cli, *vip = ad.vip, *lad = ad.local, *be = ad.be;

	flow_info_addrs(f, &ad);
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
lb_cmd_show_sessions(struct console_ctx *ctx, int argc, char **argv)
{
	static const char *const hdr[] = { "WORKER", "PROTO", "CLIENT", "VIP",
		"LOCAL", "BACKEND", "STATE" };
	struct lb_dump d = { .svc = UINT16_MAX,
		.max = LB_CMD_SESSIONS_DEFAULT };
	json_t *arr = ctx->json ? json_array() : NULL;
	unsigned long max;
	uint64_t total = 0;
	unsigned int w, i;
	int rc = 0;

	if (argc >= 1 && strcmp(argv[0], "all") != 0) {
		int id;

		if (lb_cmd_service(ctx, argv[0]) == NULL)
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
		if (console_uint(ctx, argv[1], LB_CMD_SESSIONS_MAX,
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
			lb_cmd_flow_row(ctx, arr, w, &d.out[i]);
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

static int
lb_cmd_changed(struct console_ctx *ctx, const char *fmt, ...)
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
lb_cmd_set_backend(struct console_ctx *ctx, char **argv, bool state)
{
	struct cfg_service *s = lb_cmd_service(ctx, argv[0]);
	struct cfg_backend b, *cur;
	char err[256];
	unsigned long v;
	int i;

	if (s == NULL || lb_cmd_be_args(ctx, s, argv[1], argv[2], &b) < 0)
		return -EINVAL;
	i = cfg_backend_find(s, &b.addr, b.port);
	if (i < 0)
		return console_error(ctx,
			"service %s has no backend %s port %s", s->name,
			argv[1], argv[2]);
	cur = &s->backends[i];
	b = *cur;
	if (state) {
		for (v = 0; v < RTE_DIM(lb_cmd_states); v++)
			if (strcmp(lb_cmd_states[v], argv[3]) == 0)
				break;
		if (v == RTE_DIM(lb_cmd_states))
			return console_error(ctx,
				"'%s' is not ready, drain or maint", argv[3]);
		b.state = (uint8_t)v;
	} else {
		if (console_uint(ctx, argv[3], 65535, "weight", &v) < 0)
			return -EINVAL;
		b.weight = (uint32_t)v;
	}
	if (cfg_backend_set(weir.conf, s, &b, err, sizeof(err)) < 0)
		return console_error(ctx, "%s", err);
	return lb_cmd_changed(ctx, "service %s backend %s port %s %s %s",
		s->name, argv[1], argv[2], state ? "state" : "weight", argv[3]);
}

static int
lb_cmd_set_weight(struct console_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	return lb_cmd_set_backend(ctx, argv, false);
}

static int
lb_cmd_set_state(struct console_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	return lb_cmd_set_backend(ctx, argv, true);
}

static int
lb_cmd_add_backend(struct console_ctx *ctx, int argc, char **argv)
{
	struct cfg_service *s = lb_cmd_service(ctx, argv[0]);
	struct cfg_backend b;
	unsigned long w = 1;
	char err[256];

	if (s == NULL || lb_cmd_be_args(ctx, s, argv[1], argv[2], &b) < 0)
		return -EINVAL;
	if (argc == 4 && console_uint(ctx, argv[3], 65535, "weight", &w) < 0)
		return -EINVAL;
	if (cfg_backend_find(s, &b.addr, b.port) >= 0)
		return console_error(ctx,
			"service %s already has backend %s port %s", s->name,
			argv[1], argv[2]);
	b.weight = (uint32_t)w;
	if (cfg_backend_set(weir.conf, s, &b, err, sizeof(err)) < 0)
		return console_error(ctx, "%s", err);
	return lb_cmd_changed(ctx,
		"service %s backend %s port %s added, weight %lu", s->name,
		argv[1], argv[2], w);
}

static int
lb_cmd_del_backend(struct console_ctx *ctx, int argc, char **argv)
{
	struct cfg_service *s = lb_cmd_service(ctx, argv[0]);
	struct cfg_backend b;

	(void)argc;
	if (s == NULL || lb_cmd_be_args(ctx, s, argv[1], argv[2], &b) < 0)
		return -EINVAL;
	if (cfg_backend_del(s, &b.addr, b.port) < 0)
		return console_error(ctx,
			"service %s has no backend %s port %s", s->name,
			argv[1], argv[2]);
	return lb_cmd_changed(ctx,
		"service %s backend %s port %s removed (its sessions continue)",
		s->name, argv[1], argv[2]);
}

static int
lb_cmd_add_service(struct console_ctx *ctx, int argc, char **argv)
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
	return lb_cmd_changed(ctx,
		"service %s %s %s/%s added (no backends yet)", argv[0], argv[1],
		argv[2], argv[3]);
}

static int
lb_cmd_del_service(struct console_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	if (cfg_service_del(weir.conf, argv[0]) < 0)
		return console_error(ctx, "no service '%s'", argv[0]);
	return lb_cmd_changed(ctx,
		"service %s removed (its sessions continue until they end)",
		argv[0]);
}

/*
 * Fault injection, changed at run time: the service's shares in the
 * running configuration, published at once (until a reload or restart).
 */
static int
lb_cmd_set_fault(struct console_ctx *ctx, int argc, char **argv)
{
	static const char *const kinds[] = { "reset", "drop", "delay" };
	struct cfg_service *s = lb_cmd_service(ctx, argv[0]);
	struct cfg_fault f;
	unsigned long pct, ms = 0;
	char err[128];
	unsigned int k;

	if (s == NULL)
		return -EINVAL;
	for (k = 0; k < RTE_DIM(kinds); k++)
		if (strcmp(kinds[k], argv[1]) == 0)
			break;
	if (k == RTE_DIM(kinds))
		return console_error(
			ctx, "'%s' is not reset, drop or delay", argv[1]);
	if (console_uint(ctx, argv[2], 100, "percent", &pct) < 0)
		return -EINVAL;
	if ((argc == 4) != (k == 2))
		return console_error(ctx,
			k == 2 ? "delay needs <percent> <ms>" :
				 "%s takes <percent> only",
			argv[1]);
	if (argc == 4 &&
		console_uint(ctx, argv[3], CFG_FAULT_DELAY_MAX_MS, "delay (ms)",
			&ms) < 0)
		return -EINVAL;
	f = s->fault;
	if (k == 0)
		f.reset_pct = (unsigned int)pct;
	else if (k == 1)
		f.drop_pct = (unsigned int)pct;
	else {
		f.delay_pct = (unsigned int)pct;
		f.delay_ms = (unsigned int)ms;
	}
	if (cfg_fault_check(&f, s, err, sizeof(err)) < 0)
		return console_error(ctx, "service %s: %s", s->name, err);
	s->fault = f;
	return lb_cmd_changed(ctx,
		"service %s fault injection: reset %u%%, drop %u%%, delay "
		"%u%% by %u ms",
		s->name, f.reset_pct, f.drop_pct, f.delay_pct, f.delay_ms);
}

static int
lb_cmd_clear_fault(struct console_ctx *ctx, int argc, char **argv)
{
	struct cfg_service *s = lb_cmd_service(ctx, argv[0]);

	(void)argc;
	if (s == NULL)
		return -EINVAL;
	memset(&s->fault, 0, sizeof(s->fault));
	return lb_cmd_changed(ctx, "service %s fault injection off", s->name);
}

static int
lb_cmd_show_faults(struct console_ctx *ctx, int argc, char **argv)
{
	static const char *const hdr[] = { "SERVICE", "RESET_PCT", "DROP_PCT",
		"DELAY_PCT", "DELAY_MS", "RESET", "DROPPED", "DELAYED" };
	const struct svc_snap *snap = weir_rcu_get(&weir.snap);
	json_t *arr = ctx->json ? json_array() : NULL;
	unsigned int i;

	(void)argc;
	(void)argv;
	if (!ctx->json)
		console_table_begin(ctx, RTE_DIM(hdr), hdr);
	for (i = 0; i < weir.conf->nb_services; i++) {
		const struct cfg_service *s = &weir.conf->services[i];
		const struct cfg_fault *f = &s->fault;
		int id = svc_id_of(s->name);
		struct lb_stats st;

		memset(&st, 0, sizeof(st));
		if (id >= 0 && snap != NULL)
			lb_stats_obj_get(
				LB_STATS_SVC, (unsigned int)id, true, &st);
		if (arr != NULL) {
			json_array_append_new(arr,
				json_pack("{s:s, s:i, s:i, s:i, s:i, s:I, s:I, "
					  "s:I}",
					"service", s->name, "reset_percent",
					(int)f->reset_pct, "drop_percent",
					(int)f->drop_pct, "delay_percent",
					(int)f->delay_pct, "delay_ms",
					(int)f->delay_ms, "reset",
					(json_int_t)st.faults_reset, "dropped",
					(json_int_t)st.faults_dropped,
					"delayed",
					(json_int_t)st.faults_delayed));
			continue;
		}
		console_table_row(ctx, "%s\t%u\t%u\t%u\t%u\t%llu\t%llu\t%llu",
			s->name, f->reset_pct, f->drop_pct, f->delay_pct,
			f->delay_ms, (unsigned long long)st.faults_reset,
			(unsigned long long)st.faults_dropped,
			(unsigned long long)st.faults_delayed);
	}
	if (ctx->json)
		return console_json(ctx, arr);
	console_table_end(ctx);
	return 0;
}

/* The load-balancing module's commands (lb.c registers them). */
const struct console_cmd lb_cmds[] = {
	{ { "show", "services", NULL }, "",
		"services with their backends up and counters", CONSOLE_USER, 0,
		0, CONSOLE_F_JSON, lb_cmd_show_services },
	{ { "show", "backends", NULL }, "[<service>]",
		"backends: weight, state, next hop resolved, counters",
		CONSOLE_USER, 0, 1, CONSOLE_F_JSON, lb_cmd_show_backends },
	{ { "show", "sessions", NULL }, "[<service>|all] [<max>]",
		"sessions of every worker (default 100, at most 131072)",
		CONSOLE_USER, 0, 2, CONSOLE_F_JSON, lb_cmd_show_sessions },
	{ { "set", "backend", "weight" }, "<service> <address> <port> <weight>",
		"change a backend's weight (0: no new flows)", CONSOLE_OPERATOR,
		4, 4, 0, lb_cmd_set_weight },
	{ { "set", "backend", "state" },
		"<service> <address> <port> ready|drain|maint",
		"drain: no new flows, sessions continue; maint: out of service",
		CONSOLE_OPERATOR, 4, 4, 0, lb_cmd_set_state },
	{ { "add", "backend", NULL }, "<service> <address> <port> [<weight>]",
		"add a backend to a service", CONSOLE_ADMIN, 3, 4, 0,
		lb_cmd_add_backend },
	{ { "del", "backend", NULL }, "<service> <address> <port>",
		"remove a backend (its sessions continue)", CONSOLE_ADMIN, 3, 3,
		0, lb_cmd_del_backend },
	{ { "add", "service", NULL }, "<name> <vip> <port|lo-hi> tcp|udp",
		"add a service without backends", CONSOLE_ADMIN, 4, 4, 0,
		lb_cmd_add_service },
	{ { "del", "service", NULL }, "<name>",
		"remove a service (its sessions continue)", CONSOLE_ADMIN, 1, 1,
		0, lb_cmd_del_service },
	{ { "show", "faults", NULL }, "",
		"fault injection of every service: shares and counts",
		CONSOLE_USER, 0, 0, CONSOLE_F_JSON, lb_cmd_show_faults },
	{ { "set", "fault", NULL }, "<service> reset|drop <percent>",
		"or delay <percent> <ms>: that share of new flows is reset, "
		"dropped or held (until reload)",
		CONSOLE_OPERATOR, 3, 4, 0, lb_cmd_set_fault },
	{ { "clear", "fault", NULL }, "<service>",
		"turn the service's fault injection off", CONSOLE_OPERATOR, 1,
		1, 0, lb_cmd_clear_fault },
	{ .fn = NULL },
};
