/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of load balancing's console commands (app/weir/modules/lb/
 * lb_cli.c) without an EAL: the real command registry runs each line, on
 * a configuration loaded from a real file (svc.conf) by the real loader.
 * What the commands reach beyond the configuration is faked here, and
 * records how it was called: publishing a snapshot (svc_publish), the
 * event log, the counters by stable id, the workers' session dumps.
 *
 * Every output is compared whole, so a column, a word of an error or a
 * JSON member that changes is a failure; every refused line is checked to
 * have changed nothing and published nothing.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netinet/in.h>

#include <jansson.h>

#include "cfg.h"
#include "console.h"
#include "events.h"
#include "flow.h"
#include "lb.h"
#include "lb_stats.h"
#include "svc.h"
#include "weir.h"
#include "weir_cunit.h"

/* -- Fakes ------------------------------------------------------------- */

struct weir weir;
static unsigned int t_publishes; /* svc_publish() calls */
static char t_event[512];	 /* the last event logged */
static struct svc_snap t_snap;	 /* what 'show services' counts as up */
static struct svc t_svc[8];
static struct svc_backend t_be[8][4];
static struct flow_info t_sessions[3]; /* worker 0's sessions */

int
svc_publish(const char *why)
{
	(void)why;
	t_publishes++;
	return 0;
}

void
event_log(const char *kind, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	n = (size_t)snprintf(t_event, sizeof(t_event), "%s: ", kind);
	va_start(ap, fmt);
	vsnprintf(t_event + n, sizeof(t_event) - n, fmt, ap);
	va_end(ap);
}

/* Service i of the configuration has id 10 + i; backend j of it 100 i + j. */
int
svc_id_of(const char *name)
{
	unsigned int i;

	for (i = 0; i < weir.conf->nb_services; i++)
		if (strcmp(weir.conf->services[i].name, name) == 0)
			return (int)(10 + i);
	return -ENOENT;
}

int
svc_be_id_of(const char *name, const struct weir_addr *a, uint16_t port)
{
	int id = svc_id_of(name);
	struct cfg_service *s;
	int j;

	if (id < 0)
		return id;
	s = &weir.conf->services[id - 10];
	j = cfg_backend_find(s, a, port);
	return j < 0 ? -ENOENT : 100 * (id - 10) + j;
}

/*
 * Counters: object 'id' has new_flows = id, pkts = 2 id each way,
 * bytes = 100 id; backends also 4 handshakes taking 1000 us in all.
 * Since a clear, everything is halved (as if half came before it).
 */
void
lb_stats_obj_get(enum lb_stats_kind kind, unsigned int id, bool since_clear,
	struct lb_stats *o)
{
	unsigned int d = since_clear ? 2 : 1;

	memset(o, 0, sizeof(*o));
	o->new_flows = id / d;
	o->sessions = id;
	o->pkts_in = o->pkts_out = 2 * id / d;
	o->bytes_in = o->bytes_out = 100 * id / d;
	if (kind == LB_STATS_BE) {
		o->handshakes = 4;
		o->handshake_us = 1000;
	}
}

/* Workers estimate 1.5 ms and hold 3 flows of resolved backends only. */
void
lb_lat_get(const struct svc_backend *be, uint32_t *est_ns, uint32_t *load)
{
	*est_ns = be->has_mac ? 1500000 : 0;
	*load = be->has_mac ? 3 : 0;
}

/* Worker 0 holds t_sessions (of service id d->svc, or all). */
int
lb_dump_sessions(unsigned int w, struct lb_dump *d)
{
	unsigned int i;

	d->n = d->total = 0;
	if (w != 0)
		return 0;
	for (i = 0; i < 3; i++) {
		if (d->svc != UINT16_MAX && d->svc != 10)
			continue;
		if (d->n < d->max)
			d->out[d->n++] = t_sessions[i];
		d->total++;
	}
	return 0;
}

/* -- Fixture ----------------------------------------------------------- */

static struct console_registry *reg;
static struct console_out *out;
static struct console_ctx ctx;

static void
t_session(struct flow_info *f, uint8_t cli_last, uint16_t cli_port)
{
	static const uint8_t cli[4] = { 198, 18, 0, 0 };
	static const uint8_t vip[4] = { 198, 18, 0, 10 };
	static const uint8_t laddr[4] = { 198, 18, 0, 2 };
	static const uint8_t be[4] = { 198, 18, 1, 11 };

	memset(f, 0, sizeof(*f));
	f->fwd.family = f->rev.family = AF_INET;
	f->fwd.proto = f->rev.proto = IPPROTO_TCP;
	memcpy(f->fwd.src, cli, 4);
	f->fwd.src[3] = cli_last;
	memcpy(f->fwd.dst, vip, 4);
	f->fwd.sport = htons(cli_port);
	f->fwd.dport = htons(80);
	memcpy(f->rev.src, be, 4);
	memcpy(f->rev.dst, laddr, 4);
	f->rev.sport = htons(8080);
	f->rev.dport = htons(20000 + cli_port);
	f->state = FLOW_S_ESTABLISHED;
}

static void
setup(void)
{
	unsigned int i, j, n = 0;
	char err[512];

	weir.conf = cfg_conf_load("svc.conf", err, sizeof(err));
	reg = console_registry_create();
	out = console_out_create();
	for (n = 0; lb_cmds[n].fn != NULL; n++)
		;
	if (weir.conf == NULL || reg == NULL || out == NULL ||
		console_register(reg, lb_cmds, n) < 0) {
		fprintf(stderr, "setup: %s\n", weir.conf ? "registry" : err);
		abort();
	}
	memset(&ctx, 0, sizeof(ctx));
	ctx.out = out;
	ctx.reg = reg;
	ctx.level = CONSOLE_ADMIN;
	weir.nb_workers = 2;
	/* The published snapshot: every backend resolved but web's second. */
	memset(&t_snap, 0, sizeof(t_snap));
	for (i = 0; i < weir.conf->nb_services; i++) {
		const struct cfg_service *s = &weir.conf->services[i];

		snprintf(t_svc[i].name, sizeof(t_svc[i].name), "%s", s->name);
		t_svc[i].nb_be = (uint16_t)s->nb_backends;
		t_svc[i].be = t_be[i];
		for (j = 0; j < s->nb_backends; j++) {
			t_be[i][j].has_mac = !(i == 0 && j == 1);
			memcpy(t_be[i][j].addr, s->backends[j].addr.a, 16);
			t_be[i][j].port = rte_cpu_to_be_16(s->backends[j].port);
		}
	}
	t_snap.svc = t_svc;
	t_snap.nb_svc = weir.conf->nb_services;
	weir_rcu_set(&weir.snap, &t_snap);
	t_publishes = 0;
	t_event[0] = '\0';
	t_session(&t_sessions[0], 1, 1000);
	t_session(&t_sessions[1], 2, 1001);
	t_session(&t_sessions[2], 3, 1002);
}

static void
teardown(void)
{
	console_out_destroy(out);
	console_registry_destroy(reg);
	cfg_conf_free(weir.conf);
	weir.conf = NULL;
	weir_rcu_set(&weir.snap, NULL);
}

/* Run 'line' at the session's level; @return its status. */
static int
run(const char *line)
{
	console_out_reset(out);
	return console_exec_line(&ctx, line);
}

static void
expect_out(const char *want)
{
	const char *got = console_out_data(out);

	if (strcmp(got, want) != 0)
		fprintf(stderr, "\n    got:\n%s    want:\n%s", got, want);
	CU_ASSERT_STRING_EQUAL(got, want);
}

/* -- Tests ------------------------------------------------------------- */

static void
test_show_services_table(void)
{
	setup();
	CU_ASSERT_EQUAL(run("show services"), 0);
	/* Human tables count since 'clear counters' (halved by the fake);
	 * web has 1 of 2 backends up (the second is unresolved). */
	expect_out("NAME  VIP             PORT       PROTO  BALANCER  "
		   "UP/BACKENDS  NEW_FLOWS  SESSIONS  PKTS_IN  PKTS_OUT  "
		   "BYTES_IN  BYTES_OUT\n"
		   "web   198.18.0.10     80         tcp    maglev    1/2 "
		   "         5          10        10       10        500  "
		   "     500\n"
		   "dns   198.18.0.10     53         udp    maglev    1/1 "
		   "         5          11        11       11        550  "
		   "     550\n"
		   "alt   198.18.0.10     8000-8010  tcp    maglev    1/1 "
		   "         6          12        12       12        600  "
		   "     600\n"
		   "web6  2001:2:0:1::10  80         tcp    maglev    1/1 "
		   "         6          13        13       13        650  "
		   "     650\n"
		   "far   198.19.5.5      80         tcp    maglev    1/1 "
		   "         7          14        14       14        700  "
		   "     700\n");
	teardown();
}

static void
test_show_services_json(void)
{
	json_t *j, *web;
	json_error_t e;

	setup();
	CU_ASSERT_EQUAL(run("show services -j"), 0);
	j = json_loads(console_out_data(out), 0, &e);
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	CU_ASSERT_EQUAL(json_array_size(j), 5);
	web = json_array_get(j, 0);
	CU_ASSERT_STRING_EQUAL(
		json_string_value(json_object_get(web, "name")), "web");
	CU_ASSERT_EQUAL(
		json_integer_value(json_object_get(web, "port_hi")), 80);
	CU_ASSERT_STRING_EQUAL(
		json_string_value(json_object_get(web, "hash")), "5-tuple");
	CU_ASSERT_EQUAL(
		json_integer_value(json_object_get(web, "backends_up")), 1);
	/* JSON is for tools that compute rates: since start, not halved. */
	CU_ASSERT_EQUAL(
		json_integer_value(json_object_get(web, "new_flows")), 10);
	CU_ASSERT_EQUAL(
		json_integer_value(json_object_get(web, "bytes_out")), 1000);
	json_decref(j);
	teardown();
}

static void
test_show_backends_of_one_service(void)
{
	setup();
	CU_ASSERT_EQUAL(run("show backends web"), 0);
	expect_out("SERVICE  ADDRESS      PORT  WEIGHT  STATE  RESOLVED  "
		   "NEW_FLOWS  SESSIONS  PKTS_IN  PKTS_OUT  BYTES_IN  "
		   "BYTES_OUT  HANDSHAKE_US  LATENCY_US  LOAD\n"
		   "web      198.18.1.11  8080  1       ready  yes       0 "
		   "         0         0        0         0         0      "
		   "    250           1500        3\n"
		   "web      198.18.1.12  8080  2       ready  no        0 "
		   "         1         1        1         50        50     "
		   "    250           -           0\n");
	CU_ASSERT_EQUAL(run("show backends nope"), -ENOENT);
	expect_out("error: no service 'nope'; 'show services' lists them\n");
	teardown();
}

/* A change edits the running configuration, publishes, and is logged. */
static void
test_set_weight_and_state_publish(void)
{
	struct cfg_service *s;

	setup();
	s = cfg_service_find(weir.conf, "web");
	CU_ASSERT_EQUAL(run("set backend weight web 198.18.1.12 8080 7"), 0);
	expect_out("service web backend 198.18.1.12 port 8080 weight 7\n");
	CU_ASSERT_EQUAL(s->backends[1].weight, 7);
	CU_ASSERT_EQUAL(t_publishes, 1);
	CU_ASSERT_STRING_EQUAL(t_event,
		"admin: service web backend 198.18.1.12 port 8080 weight 7 "
		"(console, level admin)");
	CU_ASSERT_EQUAL(run("set backend state web 198.18.1.11 8080 drain"), 0);
	CU_ASSERT_EQUAL(s->backends[0].state, SVC_BE_DRAIN);
	CU_ASSERT_EQUAL(t_publishes, 2);
	CU_ASSERT_EQUAL(run("set backend weight web 198.18.1.11 8080 0"), 0);
	CU_ASSERT_EQUAL(s->backends[0].weight, 0);
	teardown();
}

/* Each bad word is named, and nothing changes or is published. */
static void
test_set_refuses_bad_words(void)
{
	static const struct {
		const char *line;
		const char *error;
	} bad[] = {
		{ "set backend weight nope 198.18.1.11 8080 1",
			"no service 'nope'; 'show services' lists them" },
		{ "set backend weight web 198.18.1.x 8080 1",
			"'198.18.1.x' is not an address" },
		{ "set backend weight web 198.18.1.0/24 8080 1",
			"'198.18.1.0/24' is not an address" },
		{ "set backend weight web 198.18.1.11 0 1",
			"'0' is not a port (1-65535)" },
		{ "set backend weight web 198.18.1.11 80x 1",
			"'80x' is not a port (1-65535)" },
		{ "set backend weight web 2001:2::1 8080 1",
			"'2001:2::1' is not of service web's family" },
		{ "set backend weight web 198.18.1.99 8080 1",
			"service web has no backend 198.18.1.99 port 8080" },
		{ "set backend weight web 198.18.1.11 8080 65536",
			"'65536' is not a weight (0-65535)" },
		{ "set backend weight web 198.18.1.11 8080 -1",
			"'-1' is not a weight (0-65535)" },
		{ "set backend state web 198.18.1.11 8080 up",
			"'up' is not ready, drain or maint" },
	};
	struct cfg_service *s;
	char want[256];
	unsigned int i;

	setup();
	s = cfg_service_find(weir.conf, "web");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT_EQUAL(run(bad[i].line), -EINVAL);
		snprintf(want, sizeof(want), "error: %s\n", bad[i].error);
		expect_out(want);
	}
	CU_ASSERT_EQUAL(s->backends[0].weight, 1);
	CU_ASSERT_EQUAL(s->backends[0].state, SVC_BE_READY);
	CU_ASSERT_EQUAL(t_publishes, 0);
	CU_ASSERT_STRING_EQUAL(t_event, "");
	/* Below the level, the registry refuses before the handler. */
	ctx.level = CONSOLE_USER;
	CU_ASSERT_EQUAL(
		run("set backend weight web 198.18.1.11 8080 2"), -EPERM);
	CU_ASSERT_EQUAL(t_publishes, 0);
	teardown();
}

static void
test_add_and_del_backend_and_service(void)
{
	struct cfg_service *s;

	setup();
	s = cfg_service_find(weir.conf, "web");
	CU_ASSERT_EQUAL(run("add backend web 198.18.1.20 8080 3"), 0);
	expect_out("service web backend 198.18.1.20 port 8080 added, weight "
		   "3\n");
	CU_ASSERT_EQUAL(s->nb_backends, 3);
	CU_ASSERT_EQUAL(s->backends[2].weight, 3);
	CU_ASSERT_EQUAL(run("add backend web 198.18.1.20 8080"), -EINVAL);
	expect_out("error: service web already has backend 198.18.1.20 port "
		   "8080\n");
	/* The loader's checks: not one of weir's own addresses. */
	CU_ASSERT_EQUAL(run("add backend web 198.18.1.1 8080"), -EINVAL);
	CU_ASSERT_EQUAL(s->nb_backends, 3);
	CU_ASSERT_EQUAL(run("del backend web 198.18.1.11 8080"), 0);
	CU_ASSERT_EQUAL(s->nb_backends, 2);
	CU_ASSERT_EQUAL(run("del backend web 198.18.1.11 8080"), -EINVAL);
	expect_out("error: service web has no backend 198.18.1.11 port 8080\n");
	CU_ASSERT_EQUAL(t_publishes, 2);
	CU_ASSERT_EQUAL(run("add service api 198.18.0.11 9000-9001 udp"), 0);
	expect_out("service api 198.18.0.11 9000-9001/udp added (no backends "
		   "yet)\n");
	s = cfg_service_find(weir.conf, "api");
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(s->port_lo, 9000);
	CU_ASSERT_EQUAL(s->port_hi, 9001);
	CU_ASSERT_EQUAL(s->proto, IPPROTO_UDP);
	CU_ASSERT_EQUAL(run("add service api2 198.18.0.11 90-80 tcp"), -EINVAL);
	expect_out("error: '90-80' is not a port or lo-hi range\n");
	CU_ASSERT_EQUAL(run("add service api2 198.18.0.11 80 sctp"), -EINVAL);
	expect_out("error: 'sctp' is not tcp or udp\n");
	CU_ASSERT_EQUAL(run("add service a-name-longer-than-the-limit-of-31 "
			    "198.18.0.11 80 tcp"),
		-EINVAL);
	expect_out("error: name 'a-name-longer-than-the-limit-of-31' is "
		   "longer than 31 characters\n");
	CU_ASSERT_EQUAL(run("del service api"), 0);
	CU_ASSERT_PTR_NULL(cfg_service_find(weir.conf, "api"));
	CU_ASSERT_EQUAL(run("del service api"), -EINVAL);
	expect_out("error: no service 'api'\n");
	CU_ASSERT_EQUAL(t_publishes, 4);
	teardown();
}

static void
test_show_sessions_rows_and_max(void)
{
	setup();
	CU_ASSERT_EQUAL(run("show sessions web 2"), 0);
	expect_out("WORKER  PROTO  CLIENT           VIP             LOCAL   "
		   "          BACKEND           STATE\n"
		   "0       tcp    198.18.0.1:1000  198.18.0.10:80  "
		   "198.18.0.2:21000  198.18.1.11:8080  established\n"
		   "0       tcp    198.18.0.2:1001  198.18.0.10:80  "
		   "198.18.0.2:21001  198.18.1.11:8080  established\n"
		   "3 sessions match\n");
	CU_ASSERT_EQUAL(run("show sessions dns"), 0);
	expect_out("WORKER  PROTO  CLIENT  VIP  LOCAL  BACKEND  STATE\n"
		   "(none)\n0 sessions match\n");
	CU_ASSERT_EQUAL(run("show sessions all 131073"), -EINVAL);
	expect_out("error: '131073' is not a number of sessions (0-131072)\n");
	CU_ASSERT_EQUAL(run("show sessions nope"), -EINVAL);
	expect_out("error: no service 'nope'; 'show services' lists them\n");
	teardown();
}

static CU_TestInfo tests[] = {
	{ "show_services_table", test_show_services_table },
	{ "show_services_json", test_show_services_json },
	{ "show_backends_of_one_service", test_show_backends_of_one_service },
	{ "set_weight_and_state_publish", test_set_weight_and_state_publish },
	{ "set_refuses_bad_words", test_set_refuses_bad_words },
	{ "add_and_del_backend_and_service",
		test_add_and_del_backend_and_service },
	{ "show_sessions_rows_and_max", test_show_sessions_rows_and_max },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = { { .pName = "lb_cli", .pTests = tests },
	CU_SUITE_INFO_NULL };

int
main(void)
{
	return weir_cunit_run(suites);
}
