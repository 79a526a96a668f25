/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Services and sessions configuration: 'services' (VIP, port or port range,
 * protocol, balancer, backends, local addresses, timeouts), 'sessions',
 * 'local_ports' and 'hash_seed'. Parsed after the ports and routes, because
 * a service's checks need them: backends must be reachable, local addresses
 * must sit on a port, VIPs must not be weir's own addresses.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include "cfg.h"
#include "cfg_priv.h"
#include "maglev.h"
#include "weir_addr.h"
#include "weir_common.h"

#define CFG_DEF_HASH_SEED 0x77656972ull /* "weir": same on every node */
#define CFG_DEF_LPORT_LO 1024		/* ports below are often privileged */
#define CFG_DEF_LPORT_HI 65535
#define CFG_LPORTS_PER_WORKER_MIN 64 /* ports: below, probing fails often */
#define CFG_DEF_SESSIONS 65536	     /* flows per worker */
#define CFG_DEF_HALF_OPEN_PCT 50     /* % of sessions a SYN flood may hold */
#define CFG_DEF_SYN_S 10	     /* s: a client retries a SYN by 3 s */
#define CFG_DEF_ESTABLISHED_S 900    /* s: IPVS's default for idle TCP */
#define CFG_DEF_FIN_S 60	     /* s */
#define CFG_DEF_TIME_WAIT_S 60 /* s: Linux's 2*MSL, backends hold the port */
#define CFG_DEF_CLOSE_S 10     /* s */
#define CFG_DEF_UDP_S 60       /* s */
#define CFG_MSS_MIN 536	       /* bytes: RFC 879 default MSS */
/* s: Finagle's and Linkerd's peak-EWMA decay; a recovered backend
 * regains its share within a few of them. */
#define CFG_DEF_LATENCY_DECAY_S 10
/* ms: an unknown backend is assumed no faster than a cross-zone hop, so
 * a new one is tried, not flooded. */
#define CFG_DEF_LATENCY_INITIAL_MS 30

/* Envoy's outlier detection defaults (consecutive_5xx and its times),
 * read at L4 as failed connects; docs/health.md says why they fit. */
#define CFG_DEF_OUTLIER_CONSECUTIVE 5
#define CFG_DEF_OUTLIER_BASE_S 30
#define CFG_DEF_OUTLIER_MAX_S 300
#define CFG_DEF_OUTLIER_MAX_PCT 10
/* %: Envoy's healthy_panic_threshold. */
#define CFG_DEF_PANIC_PCT 50
/* ms: a backend on the same network answers a SYN within a millisecond;
 * half a second is more than any path weir sits on should take, and
 * below the 1 s of a client's first SYN retransmission, which the retry
 * rides on (docs/health.md). */
#define CFG_DEF_CONNECT_TIMEOUT_MS 500

const char *const cfg_balancer_names[CFG_LB_COUNT + 1] = { "maglev",
	"round-robin", "random", "least-latency", NULL };

/* @return the port whose prefix or route reaches 'a', or -1. */
static int
cfg_reach(const struct cfg_conf *conf, const struct weir_addr *a)
{
	int best = -1, best_len = -1;
	unsigned int i, j;

	for (i = 0; i < conf->nb_ports; i++)
		for (j = 0; j < conf->ports[i].nb_addrs; j++)
			if (weir_prefix_contains(&conf->ports[i].addrs[j], a) &&
				conf->ports[i].addrs[j].len > best_len) {
				best = (int)i;
				best_len = conf->ports[i].addrs[j].len;
			}
	for (i = 0; i < conf->nb_routes; i++)
		if (weir_prefix_contains(&conf->routes[i].dst, a) &&
			conf->routes[i].dst.len > best_len) {
			best = (int)conf->routes[i].port;
			best_len = conf->routes[i].dst.len;
		}
	return best;
}

/* @return the port that has 'a', itself or on its kernel interface. */
static const char *
cfg_own_port(const struct cfg_conf *conf, const struct weir_addr *a)
{
	unsigned int i, j;

	for (i = 0; i < conf->nb_ports; i++) {
		const struct cfg_port *p = &conf->ports[i];

		for (j = 0; j < p->nb_addrs; j++)
			if (weir_addr_eq(&p->addrs[j].addr, a))
				return p->name;
		for (j = 0; j < p->kif.nb_addrs; j++)
			if (weir_addr_eq(&p->kif.addrs[j].addr, a))
				return p->name;
	}
	return NULL;
}

/* A bare unicast address of string member 'key', without "/len". */
static int
cfg_host_addr(struct cfg_ctx *c, const config_setting_t *g, const char *key,
	const char *v, struct weir_addr *out)
{
	struct weir_prefix p;

	if (strchr(v, '/') != NULL || weir_prefix_parse(v, false, &p) < 0)
		return cfg_fail(
			c, g, key, "'%s' is not an IPv4 or IPv6 address", v);
	if ((p.addr.family == AF_INET &&
		    (p.addr.a[0] == 0 || p.addr.a[0] == 127 ||
			    p.addr.a[0] >= 224)) ||
		(p.addr.family == AF_INET6 &&
			(p.addr.a[0] == 0xff ||
				(p.addr.a[0] == 0 && p.addr.a[1] == 0 &&
					p.addr.a[15] <= 1))))
		return cfg_fail(c, g, key, "'%s' is not a unicast address", v);
	*out = p.addr;
	return 0;
}

/* 'port' is an integer or "lo-hi". */
static int
cfg_svc_port(
	struct cfg_ctx *c, const config_setting_t *g, struct cfg_service *s)
{
	const config_setting_t *m = config_setting_get_member(g, "port");
	unsigned long lo, hi;
	const char *v;
	char *end;

	if (m == NULL)
		return cfg_fail(c, g, "port",
			"missing: a port (80) or a range (\"8000-8099\")");
	if (config_setting_type(m) == CONFIG_TYPE_INT) {
		int p = config_setting_get_int(m);

		if (p < 1 || p > 65535)
			return cfg_fail(c, m, NULL,
				"%d is out of range: 1 to 65535", p);
		s->port_lo = s->port_hi = (uint16_t)p;
		return 0;
	}
	if (config_setting_type(m) != CONFIG_TYPE_STRING)
		return cfg_fail(
			c, m, NULL, "must be a port or a \"lo-hi\" range");
	v = config_setting_get_string(m);
	lo = strtoul(v, &end, 10);
	if (end == v || *end != '-')
		return cfg_fail(c, m, NULL, "'%s' is not a \"lo-hi\" range", v);
	hi = strtoul(end + 1, &end, 10);
	if (*end != '\0' || lo < 1 || hi > 65535 || lo > hi)
		return cfg_fail(c, m, NULL,
			"'%s' is not a range within 1-65535 with lo <= hi", v);
	s->port_lo = (uint16_t)lo;
	s->port_hi = (uint16_t)hi;
	return 0;
}

/* Match 'v' of member 'key' against NULL-ended 'words'. */
static int
cfg_word(struct cfg_ctx *c, const config_setting_t *g, const char *key,
	const char *const *words, int def, const char *choices)
{
	const char *v;
	int i, rc;

	rc = cfg_string(c, g, key, false, &v);
	if (rc < 0)
		return rc;
	if (v == NULL)
		return def;
	for (i = 0; words[i] != NULL; i++)
		if (strcmp(words[i], v) == 0)
			return i;
	return cfg_fail(c, config_setting_get_member(g, key), NULL,
		"'%s' is not one of %s", v, choices);
}

static int
cfg_svc_timeouts(
	struct cfg_ctx *c, const config_setting_t *g, struct cfg_timeouts *t)
{
	static const char *const known[] = { "syn_s", "established_s", "fin_s",
		"time_wait_s", "close_s", "udp_s", NULL };
	const config_setting_t *m = config_setting_get_member(g, "timeouts");
	int rc;

	t->syn_s = CFG_DEF_SYN_S;
	t->established_s = CFG_DEF_ESTABLISHED_S;
	t->fin_s = CFG_DEF_FIN_S;
	t->time_wait_s = CFG_DEF_TIME_WAIT_S;
	t->close_s = CFG_DEF_CLOSE_S;
	t->udp_s = CFG_DEF_UDP_S;
	if (m == NULL)
		return 0;
	if (!config_setting_is_group(m))
		return cfg_fail(c, m, NULL, "must be a group { ... }");
	if ((rc = cfg_check_keys(c, m, known)) < 0 ||
		(rc = cfg_uint(c, m, "syn_s", CFG_DEF_SYN_S, 1, 600, "s",
			 &t->syn_s)) < 0 ||
		(rc = cfg_uint(c, m, "established_s", CFG_DEF_ESTABLISHED_S, 1,
			 604800, "s", &t->established_s)) < 0 ||
		(rc = cfg_uint(c, m, "fin_s", CFG_DEF_FIN_S, 1, 3600, "s",
			 &t->fin_s)) < 0 ||
		(rc = cfg_uint(c, m, "time_wait_s", CFG_DEF_TIME_WAIT_S, 1,
			 3600, "s", &t->time_wait_s)) < 0 ||
		(rc = cfg_uint(c, m, "close_s", CFG_DEF_CLOSE_S, 0, 3600, "s",
			 &t->close_s)) < 0 ||
		(rc = cfg_uint(c, m, "udp_s", CFG_DEF_UDP_S, 1, 86400, "s",
			 &t->udp_s)) < 0)
		return rc;
	return 0;
}

static void
cfg_svc_latency_default(struct cfg_latency *l)
{
	l->decay_s = CFG_DEF_LATENCY_DECAY_S;
	l->initial_ms = CFG_DEF_LATENCY_INITIAL_MS;
}

static int
cfg_svc_latency(
	struct cfg_ctx *c, const config_setting_t *g, struct cfg_latency *l)
{
	static const char *const known[] = { "decay_s", "initial_ms", NULL };
	const config_setting_t *m = config_setting_get_member(g, "latency");
	int rc;

	cfg_svc_latency_default(l);
	if (m == NULL)
		return 0;
	if (!config_setting_is_group(m))
		return cfg_fail(c, m, NULL, "must be a group { ... }");
	if ((rc = cfg_check_keys(c, m, known)) < 0 ||
		(rc = cfg_uint(c, m, "decay_s", CFG_DEF_LATENCY_DECAY_S, 1,
			 3600, "s", &l->decay_s)) < 0 ||
		(rc = cfg_uint(c, m, "initial_ms", CFG_DEF_LATENCY_INITIAL_MS,
			 1, 4000, "ms", &l->initial_ms)) < 0)
		return rc;
	return 0;
}

static void
cfg_svc_outlier_default(struct cfg_outlier *o)
{
	o->consecutive = CFG_DEF_OUTLIER_CONSECUTIVE;
	o->base_ejection_s = CFG_DEF_OUTLIER_BASE_S;
	o->max_ejection_s = CFG_DEF_OUTLIER_MAX_S;
	o->max_ejection_pct = CFG_DEF_OUTLIER_MAX_PCT;
}

static int
cfg_svc_outlier(
	struct cfg_ctx *c, const config_setting_t *g, struct cfg_outlier *o)
{
	static const char *const known[] = { "consecutive_failures",
		"base_ejection_s", "max_ejection_s", "max_ejection_percent",
		NULL };
	const config_setting_t *m = config_setting_get_member(g, "outlier");
	int rc;

	cfg_svc_outlier_default(o);
	if (m == NULL)
		return 0;
	if (!config_setting_is_group(m))
		return cfg_fail(c, m, NULL, "must be a group { ... }");
	if ((rc = cfg_check_keys(c, m, known)) < 0 ||
		(rc = cfg_uint(c, m, "consecutive_failures",
			 CFG_DEF_OUTLIER_CONSECUTIVE, 0, 1000, "connects",
			 &o->consecutive)) < 0 ||
		(rc = cfg_uint(c, m, "base_ejection_s", CFG_DEF_OUTLIER_BASE_S,
			 1, 86400, "s", &o->base_ejection_s)) < 0 ||
		(rc = cfg_uint(c, m, "max_ejection_s", CFG_DEF_OUTLIER_MAX_S, 1,
			 86400, "s", &o->max_ejection_s)) < 0 ||
		(rc = cfg_uint(c, m, "max_ejection_percent",
			 CFG_DEF_OUTLIER_MAX_PCT, 0, 100, "%",
			 &o->max_ejection_pct)) < 0)
		return rc;
	if (o->max_ejection_s < o->base_ejection_s)
		return cfg_fail(c, m, "max_ejection_s",
			"%u s is below base_ejection_s (%u s)",
			o->max_ejection_s, o->base_ejection_s);
	return 0;
}

const char *const cfg_check_type_names[CFG_CHECK_COUNT + 1] = { "none", "tcp",
	"http", "udp", NULL };

/* HAProxy's check defaults: inter 2s, rise 2, fall 3. */
#define CFG_DEF_CHECK_INTERVAL_MS 2000
#define CFG_DEF_CHECK_TIMEOUT_MS 1000
#define CFG_DEF_CHECK_RISE 2
#define CFG_DEF_CHECK_FALL 3
#define CFG_DEF_CHECK_JITTER_PCT 10 /* checks of backends spread out */

/* A boolean member; 'def' when absent. */
static int
cfg_bool_member(struct cfg_ctx *c, const config_setting_t *g, const char *key,
	bool def, bool *out)
{
	const config_setting_t *m = config_setting_get_member(g, key);

	*out = def;
	if (m == NULL)
		return 0;
	if (config_setting_type(m) != CONFIG_TYPE_BOOL)
		return cfg_fail(c, m, NULL, "must be true or false");
	*out = config_setting_get_bool(m);
	return 0;
}

/* An optional string member copied into buf ("" when absent). */
static int
cfg_str_member(struct cfg_ctx *c, const config_setting_t *g, const char *key,
	char *buf, size_t size)
{
	const char *v;
	int rc;

	buf[0] = '\0';
	if ((rc = cfg_string(c, g, key, false, &v)) < 0 || v == NULL)
		return rc;
	return cfg_copy(c, g, key, v, buf, size);
}

/* expect_status: a list of "200" or "200-399". */
static int
cfg_check_status(
	struct cfg_ctx *c, const config_setting_t *g, struct cfg_check *k)
{
	const config_setting_t *l;
	int i, n, rc;

	k->nb_status = 1;
	k->status_lo[0] = 200;
	k->status_hi[0] = 399;
	if ((rc = cfg_aggregate(c, g, "expect_status", &l)) < 0 || l == NULL)
		return rc;
	n = config_setting_length(l);
	if (n < 1 || n > CFG_CHECK_STATUS_MAX)
		return cfg_fail(c, l, NULL, "needs 1 to %d status ranges",
			CFG_CHECK_STATUS_MAX);
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(l, i);
		const char *v = config_setting_get_string(e);
		unsigned int lo, hi;
		char tail;

		if (v == NULL)
			return cfg_fail(c, e, NULL,
				"must be a string \"200\" or \"200-399\"");
		if (sscanf(v, "%u-%u%c", &lo, &hi, &tail) != 2) {
			if (sscanf(v, "%u%c", &lo, &tail) != 1)
				return cfg_fail(c, e, NULL,
					"'%s' is not a status \"200\" or a "
					"range \"200-399\"",
					v);
			hi = lo;
		}
		if (lo < 100 || hi > 599 || lo > hi)
			return cfg_fail(c, e, NULL,
				"'%s' is not within 100-599, low to high", v);
		k->status_lo[i] = (uint16_t)lo;
		k->status_hi[i] = (uint16_t)hi;
	}
	k->nb_status = (unsigned int)n;
	return 0;
}

static int
cfg_svc_check(
	struct cfg_ctx *c, const config_setting_t *g, struct cfg_service *s)
{
	static const char *const known[] = { "type", "port", "interval_ms",
		"timeout_ms", "rise", "fall", "jitter_percent", "tls", "sni",
		"ca_file", "path", "host", "expect_status", "send", "expect",
		NULL };
	const config_setting_t *m = config_setting_get_member(g, "check");
	struct cfg_check *k = &s->check;
	unsigned int port;
	int rc;

	memset(k, 0, sizeof(*k));
	if (m == NULL)
		return 0;
	if (!config_setting_is_group(m))
		return cfg_fail(c, m, NULL, "must be a group { ... }");
	if ((rc = cfg_check_keys(c, m, known)) < 0)
		return rc;
	if (config_setting_get_member(m, "type") == NULL)
		return cfg_fail(c, m, "type", "missing: tcp, http or udp");
	if ((rc = cfg_word(c, m, "type", cfg_check_type_names, 0,
		     "tcp, http, udp")) < 0)
		return rc;
	k->type = (uint8_t)rc;
	if (k->type == CFG_CHECK_NONE)
		return cfg_fail(c, m, "type",
			"'none' is not one of tcp, http, udp (leave the "
			"check group out for none)");
	if ((rc = cfg_uint(c, m, "port", 0, 0, 65535, "port", &port)) < 0 ||
		(rc = cfg_uint(c, m, "interval_ms", CFG_DEF_CHECK_INTERVAL_MS,
			 100, 3600000, "ms", &k->interval_ms)) < 0 ||
		(rc = cfg_uint(c, m, "timeout_ms", CFG_DEF_CHECK_TIMEOUT_MS, 10,
			 600000, "ms", &k->timeout_ms)) < 0 ||
		(rc = cfg_uint(c, m, "rise", CFG_DEF_CHECK_RISE, 1, 100,
			 "checks", &k->rise)) < 0 ||
		(rc = cfg_uint(c, m, "fall", CFG_DEF_CHECK_FALL, 1, 100,
			 "checks", &k->fall)) < 0 ||
		(rc = cfg_uint(c, m, "jitter_percent", CFG_DEF_CHECK_JITTER_PCT,
			 0, 50, "%", &k->jitter_pct)) < 0 ||
		(rc = cfg_bool_member(c, m, "tls", false, &k->tls)) < 0 ||
		(rc = cfg_str_member(c, m, "sni", k->sni, sizeof(k->sni))) <
			0 ||
		(rc = cfg_str_member(c, m, "ca_file", k->ca_file,
			 sizeof(k->ca_file))) < 0 ||
		(rc = cfg_str_member(c, m, "path", k->path, sizeof(k->path))) <
			0 ||
		(rc = cfg_str_member(c, m, "host", k->host, sizeof(k->host))) <
			0 ||
		(rc = cfg_check_status(c, m, k)) < 0 ||
		(rc = cfg_str_member(c, m, "send", k->send, sizeof(k->send))) <
			0 ||
		(rc = cfg_str_member(
			 c, m, "expect", k->expect, sizeof(k->expect))) < 0)
		return rc;
	k->port = (uint16_t)port;
	if (k->timeout_ms > k->interval_ms)
		return cfg_fail(c, m, "timeout_ms",
			"%u ms is longer than interval_ms (%u ms)",
			k->timeout_ms, k->interval_ms);
	if (k->type == CFG_CHECK_HTTP && k->path[0] == '\0')
		snprintf(k->path, sizeof(k->path), "/");
	if (k->type == CFG_CHECK_HTTP && k->path[0] != '/')
		return cfg_fail(
			c, m, "path", "'%s' must start with '/'", k->path);
	if (strpbrk(k->path, " \r\n") != NULL)
		return cfg_fail(
			c, m, "path", "may not hold spaces or line ends");
	if (strpbrk(k->host, " \r\n") != NULL)
		return cfg_fail(
			c, m, "host", "may not hold spaces or line ends");
	if (k->type == CFG_CHECK_UDP && k->port == 0 && s->proto != IPPROTO_UDP)
		return cfg_fail(c, m, "type",
			"a udp check of a tcp service needs 'port'");
	if (k->type == CFG_CHECK_UDP && k->send[0] == '\0')
		return cfg_fail(c, m, "send",
			"missing: a udp check sends a payload and waits for "
			"an answer");
	if (k->type != CFG_CHECK_UDP && (k->send[0] || k->expect[0]))
		return cfg_fail(c, m, k->send[0] ? "send" : "expect",
			"only for type udp");
	if (k->type == CFG_CHECK_UDP && k->tls)
		return cfg_fail(c, m, "tls", "not with type udp");
	if (!k->tls && (k->sni[0] || k->ca_file[0]))
		return cfg_fail(c, m, k->sni[0] ? "sni" : "ca_file",
			"only with tls = true");
	if (k->type != CFG_CHECK_HTTP &&
		(config_setting_get_member(m, "path") != NULL ||
			config_setting_get_member(m, "host") != NULL ||
			config_setting_get_member(m, "expect_status") != NULL))
		return cfg_fail(c, m, "type",
			"path, host and expect_status are for type http");
	if (k->type != CFG_CHECK_UDP && s->proto == IPPROTO_UDP && k->port == 0)
		return cfg_fail(c, m, "type",
			"a %s check of a udp service needs 'port' (a TCP "
			"port of the backend)",
			cfg_check_type_names[k->type]);
	/* Found at load, not at every check of every backend. */
	if (k->ca_file[0] != '\0' && access(k->ca_file, R_OK) != 0)
		return cfg_fail(
			c, m, "ca_file", "%s: %s", k->ca_file, strerror(errno));
	return 0;
}

int
cfg_fault_check(const struct cfg_fault *f, const struct cfg_service *s,
	char *err, size_t size)
{
	uint8_t proto = s->proto;

	if (f->reset_pct + f->drop_pct + f->delay_pct > 100) {
		snprintf(err, size,
			"reset, drop and delay shares add up to %u%%, more "
			"than 100%%",
			f->reset_pct + f->drop_pct + f->delay_pct);
		return -EINVAL;
	}
	if (f->reset_pct != 0 && proto != IPPROTO_TCP) {
		snprintf(err, size,
			"reset is for TCP services (a UDP flow has no "
			"connection to reset; use drop)");
		return -EINVAL;
	}
	if (f->delay_pct != 0 && f->delay_ms == 0) {
		snprintf(err, size, "delay_percent needs delay_ms");
		return -EINVAL;
	}
	/* A held SYN must go before weir would call its connect failed
	 * (retry, outlier detection) or the session expire. */
	if (f->delay_pct != 0 && proto == IPPROTO_TCP && s->connect_retry &&
		f->delay_ms >= s->connect_timeout_ms) {
		snprintf(err, size,
			"delay_ms %u is not below connect_timeout_ms (%u): the "
			"held SYN would count as a failed connect",
			f->delay_ms, s->connect_timeout_ms);
		return -EINVAL;
	}
	if (f->delay_pct != 0 && proto == IPPROTO_TCP &&
		f->delay_ms >= s->timeouts.syn_s * 1000) {
		snprintf(err, size,
			"delay_ms %u is not below timeouts.syn_s (%u s): the "
			"session would expire first",
			f->delay_ms, s->timeouts.syn_s);
		return -EINVAL;
	}
	return 0;
}

static int
cfg_svc_fault(
	struct cfg_ctx *c, const config_setting_t *g, struct cfg_service *s)
{
	static const char *const known[] = { "reset_percent", "drop_percent",
		"delay_percent", "delay_ms", NULL };
	const config_setting_t *m = config_setting_get_member(g, "fault");
	struct cfg_fault *f = &s->fault;
	char err[128];
	int rc;

	memset(f, 0, sizeof(*f));
	if (m == NULL)
		return 0;
	if (!config_setting_is_group(m))
		return cfg_fail(c, m, NULL, "must be a group { ... }");
	if ((rc = cfg_check_keys(c, m, known)) < 0 ||
		(rc = cfg_uint(c, m, "reset_percent", 0, 0, 100, "%",
			 &f->reset_pct)) < 0 ||
		(rc = cfg_uint(c, m, "drop_percent", 0, 0, 100, "%",
			 &f->drop_pct)) < 0 ||
		(rc = cfg_uint(c, m, "delay_percent", 0, 0, 100, "%",
			 &f->delay_pct)) < 0 ||
		(rc = cfg_uint(c, m, "delay_ms", 0, 0, CFG_FAULT_DELAY_MAX_MS,
			 "ms", &f->delay_ms)) < 0)
		return rc;
	if (cfg_fault_check(f, s, err, sizeof(err)) < 0)
		return cfg_fail(c, m, NULL, "%s", err);
	return 0;
}

static int
cfg_svc_backends(struct cfg_ctx *c, const config_setting_t *g,
	const struct cfg_conf *conf, struct cfg_service *s)
{
	static const char *const known[] = { "address", "port", "weight",
		"state", NULL };
	static const char *const states[] = { "ready", "drain", "maint", NULL };
	const config_setting_t *l;
	char buf[WEIR_ADDR_STR_SIZE];
	int i, n, rc;

	if ((rc = cfg_aggregate(c, g, "backends", &l)) < 0)
		return rc;
	if (l == NULL)
		return cfg_fail(c, g, "backends",
			"missing: list of "
			"{ address = ...; port = ...; weight = ...; }");
	n = config_setting_length(l);
	if (n == 0 || n > CFG_SVC_BACKENDS_MAX)
		return cfg_fail(c, l, NULL, "needs 1 to %d backends",
			CFG_SVC_BACKENDS_MAX);
	s->backends = calloc((size_t)n, sizeof(*s->backends));
	if (s->backends == NULL)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		const config_setting_t *b = config_setting_get_elem(l, i);
		struct cfg_backend *be = &s->backends[i];
		unsigned int v, j;
		const char *a;

		if (!config_setting_is_group(b))
			return cfg_fail(c, b, NULL,
				"must be a group "
				"{ address = ...; port = ...; }");
		be->line = config_setting_source_line(b);
		if ((rc = cfg_check_keys(c, b, known)) < 0 ||
			(rc = cfg_string(c, b, "address", true, &a)) < 0 ||
			(rc = cfg_host_addr(c, b, "address", a, &be->addr)) <
				0 ||
			(rc = cfg_uint(
				 c, b, "port", -1, 1, 65535, "port", &v)) < 0)
			return rc;
		be->port = (uint16_t)v;
		if ((rc = cfg_uint(c, b, "weight", 1, 0, MAGLEV_WEIGHT_MAX,
			     "relative weight", &v)) < 0)
			return rc;
		be->weight = v;
		if ((rc = cfg_word(c, b, "state", states, 0,
			     "ready, drain, maint")) < 0)
			return rc;
		be->state = (uint8_t)rc;
		if (be->addr.family != s->vip.family)
			return cfg_fail(c, b, "address",
				"%s is not of the VIP's "
				"family (weir does not translate between IPv4 "
				"and IPv6)",
				a);
		if (cfg_own_port(conf, &be->addr) != NULL)
			return cfg_fail(
				c, b, "address", "%s is weir's own address", a);
		if (cfg_reach(conf, &be->addr) < 0)
			return cfg_fail(c, b, "address",
				"no port prefix or route reaches %s", a);
		for (j = 0; j < s->nb_backends; j++)
			if (weir_addr_eq(&s->backends[j].addr, &be->addr) &&
				s->backends[j].port == be->port)
				return cfg_fail(c, b, NULL,
					"backend %s port %u is listed twice",
					weir_addr_str(
						&be->addr, buf, sizeof(buf)),
					be->port);
		s->nb_backends++;
	}
	return 0;
}

static int
cfg_svc_laddrs(struct cfg_ctx *c, const config_setting_t *g,
	const struct cfg_conf *conf, struct cfg_service *s)
{
	const config_setting_t *l;
	char buf[WEIR_ADDR_STR_SIZE];
	unsigned int i;
	int n, rc, port;

	if ((rc = cfg_aggregate(c, g, "local_addresses", &l)) < 0)
		return rc;
	if (l == NULL) {
		/* Default: weir's address on the port facing the backends. */
		const struct cfg_port *p;

		port = cfg_reach(conf, &s->backends[0].addr);
		p = &conf->ports[port];
		for (i = 0; i < p->nb_addrs; i++)
			if (p->addrs[i].addr.family == s->vip.family) {
				s->laddrs[s->nb_laddrs++] = p->addrs[i].addr;
				return 0;
			}
		return cfg_fail(c, g, "local_addresses",
			"port '%s' reaches the "
			"backends but has no %s address to use as source; set "
			"local_addresses",
			p->name, s->vip.family == AF_INET ? "IPv4" : "IPv6");
	}
	n = config_setting_length(l);
	if (n == 0 || n > CFG_SVC_LADDRS_MAX)
		return cfg_fail(c, l, NULL, "needs 1 to %d addresses",
			CFG_SVC_LADDRS_MAX);
	for (i = 0; i < (unsigned int)n; i++) {
		const config_setting_t *e = config_setting_get_elem(l, i);
		struct weir_addr *a = &s->laddrs[s->nb_laddrs];
		unsigned int j, k;
		bool on_link = false;

		if (config_setting_type(e) != CONFIG_TYPE_STRING)
			return cfg_fail(
				c, e, NULL, "must be an address string");
		if ((rc = cfg_host_addr(
			     c, e, NULL, config_setting_get_string(e), a)) < 0)
			return rc;
		if (a->family != s->vip.family)
			return cfg_fail(c, e, NULL,
				"%s is not of the VIP's family",
				config_setting_get_string(e));
		for (j = 0; j < conf->nb_ports; j++)
			for (k = 0; k < conf->ports[j].nb_addrs; k++)
				on_link |= weir_prefix_contains(
					&conf->ports[j].addrs[k], a);
		if (!on_link)
			return cfg_fail(c, e, NULL,
				"%s is on no port's prefix: "
				"backends could not reply to it",
				weir_addr_str(a, buf, sizeof(buf)));
		for (j = 0; j < s->nb_laddrs; j++)
			if (weir_addr_eq(&s->laddrs[j], a))
				return cfg_fail(c, e, NULL,
					"%s is listed twice",
					weir_addr_str(a, buf, sizeof(buf)));
		s->nb_laddrs++;
	}
	return 0;
}

static int
cfg_svc_one(struct cfg_ctx *c, const config_setting_t *g, struct cfg_conf *conf,
	struct cfg_service *s)
{
	static const char *const known[] = { "name", "vip", "port", "protocol",
		"balancer", "hash", "maglev_size", "mss", "midflow", "timeouts",
		"latency", "outlier", "check", "fault", "panic_percent",
		"connect_retry", "connect_timeout_ms", "max_flows",
		"max_backend_flows", "local_addresses", "backends", "discovery",
		NULL };
	static const char *const protos[] = { "tcp", "udp", NULL };
	static const char *const hashes[] = { "5-tuple", "source", NULL };
	const config_setting_t *m;
	const char *v, *own;
	unsigned int u, i;
	int rc;

	s->line = config_setting_source_line(g);
	if ((rc = cfg_check_keys(c, g, known)) < 0 ||
		(rc = cfg_string(c, g, "name", true, &v)) < 0 ||
		(rc = cfg_copy(c, g, "name", v, s->name, sizeof(s->name))) <
			0 ||
		(rc = cfg_string(c, g, "vip", true, &v)) < 0 ||
		(rc = cfg_host_addr(c, g, "vip", v, &s->vip)) < 0 ||
		(rc = cfg_svc_port(c, g, s)) < 0)
		return rc;
	own = cfg_own_port(conf, &s->vip);
	if (own != NULL)
		return cfg_fail(c, g, "vip",
			"%s is an address of port '%s'; a "
			"VIP must be an address of its own",
			v, own);
	if ((rc = cfg_word(c, g, "protocol", protos, 0, "tcp, udp")) < 0)
		return rc;
	s->proto = rc == 0 ? IPPROTO_TCP : IPPROTO_UDP;
	if ((rc = cfg_word(c, g, "balancer", cfg_balancer_names, CFG_LB_MAGLEV,
		     "maglev, round-robin, random, least-latency")) < 0)
		return rc;
	s->balancer = (uint8_t)rc;
	if ((rc = cfg_word(c, g, "hash", hashes, CFG_HASH_5TUPLE,
		     "5-tuple, source")) < 0)
		return rc;
	s->hash = (uint8_t)rc;
	if ((rc = cfg_uint(c, g, "maglev_size", MAGLEV_SIZE_DEFAULT, 3,
		     MAGLEV_SIZE_MAX, "slots", &s->maglev_size)) < 0)
		return rc;
	if (!maglev_is_prime(s->maglev_size))
		return cfg_fail(c, config_setting_get_member(g, "maglev_size"),
			NULL, "%u is not a prime", s->maglev_size);
	if ((rc = cfg_uint(c, g, "mss", 0, 0, 65535, "bytes", &u)) < 0)
		return rc;
	if (u != 0 && u < CFG_MSS_MIN)
		return cfg_fail(c, config_setting_get_member(g, "mss"), NULL,
			"%u is below %u bytes (0 turns clamping off)", u,
			CFG_MSS_MIN);
	s->mss = (uint16_t)u;
	s->midflow = true;
	m = config_setting_get_member(g, "midflow");
	if (m != NULL) {
		if (config_setting_type(m) != CONFIG_TYPE_BOOL)
			return cfg_fail(c, m, NULL, "must be true or false");
		s->midflow = config_setting_get_bool(m);
	}
	s->connect_retry = true;
	m = config_setting_get_member(g, "connect_retry");
	if (m != NULL) {
		if (config_setting_type(m) != CONFIG_TYPE_BOOL)
			return cfg_fail(c, m, NULL, "must be true or false");
		s->connect_retry = config_setting_get_bool(m);
	}
	if ((rc = cfg_uint(c, g, "connect_timeout_ms",
		     CFG_DEF_CONNECT_TIMEOUT_MS, 50, 60000, "ms",
		     &s->connect_timeout_ms)) < 0 ||
		(rc = cfg_uint(c, g, "max_flows", 0, 0, 100000000, "flows",
			 &s->max_flows)) < 0 ||
		(rc = cfg_uint(c, g, "max_backend_flows", 0, 0, 100000000,
			 "flows", &s->max_be_flows)) < 0)
		return rc;
	if ((rc = cfg_string(c, g, "discovery", false, &v)) < 0)
		return rc;
	if (v != NULL && (v[0] == '\0' || strlen(v) >= sizeof(s->discovery)))
		return cfg_fail(c, config_setting_get_member(g, "discovery"),
			NULL, "must be a file name of 1 to %zu characters",
			sizeof(s->discovery) - 1);
	if (v != NULL)
		memcpy(s->discovery, v, strlen(v) + 1);
	if ((rc = cfg_svc_timeouts(c, g, &s->timeouts)) < 0 ||
		(rc = cfg_svc_latency(c, g, &s->latency)) < 0 ||
		(rc = cfg_svc_outlier(c, g, &s->outlier)) < 0 ||
		(rc = cfg_svc_check(c, g, s)) < 0 ||
		(rc = cfg_svc_fault(c, g, s)) < 0 ||
		(rc = cfg_uint(c, g, "panic_percent", CFG_DEF_PANIC_PCT, 0, 100,
			 "%", &s->panic_pct)) < 0 ||
		(rc = cfg_svc_backends(c, g, conf, s)) < 0 ||
		(rc = cfg_svc_laddrs(c, g, conf, s)) < 0)
		return rc;
	/* Every balancer walks the Maglev table (svc.c builds it always). */
	if (s->maglev_size <= s->nb_backends)
		return cfg_fail(c, g, "maglev_size",
			"%u slots cannot hold %u "
			"backends; use a prime well above 100 x backends",
			s->maglev_size, s->nb_backends);
	/* Two services may share a VIP only on disjoint ports. */
	for (i = 0; i < conf->nb_services; i++) {
		const struct cfg_service *o = &conf->services[i];

		if (strcmp(o->name, s->name) == 0)
			return cfg_fail(c, g, "name",
				"service '%s' is defined twice", s->name);
		if (weir_addr_eq(&o->vip, &s->vip) && o->proto == s->proto &&
			o->port_lo <= s->port_hi && s->port_lo <= o->port_hi)
			return cfg_fail(c, g, "port",
				"overlaps service '%s' on "
				"the same VIP and protocol",
				o->name);
	}
	return 0;
}

static int
cfg_parse_sessions(
	struct cfg_ctx *c, const config_setting_t *root, struct cfg_conf *conf)
{
	static const char *const known[] = { "max_per_worker",
		"half_open_percent", NULL };
	const config_setting_t *g = config_setting_get_member(root, "sessions");
	struct cfg_sessions *s = &conf->sessions;
	int rc;

	s->max_per_worker = CFG_DEF_SESSIONS;
	s->half_open_pct = CFG_DEF_HALF_OPEN_PCT;
	if (g == NULL)
		return 0;
	if (!config_setting_is_group(g))
		return cfg_fail(c, g, NULL, "must be a group { ... }");
	if ((rc = cfg_check_keys(c, g, known)) < 0 ||
		(rc = cfg_uint(c, g, "max_per_worker", CFG_DEF_SESSIONS, 16,
			 1 << 24, "slots", &s->max_per_worker)) < 0 ||
		(rc = cfg_uint(c, g, "half_open_percent", CFG_DEF_HALF_OPEN_PCT,
			 1, 100, "%", &s->half_open_pct)) < 0)
		return rc;
	return 0;
}

static int
cfg_parse_lports(
	struct cfg_ctx *c, const config_setting_t *root, struct cfg_conf *conf)
{
	const config_setting_t *m = config_setting_get_member(
		root, "local_ports");
	unsigned long lo, hi;
	const char *v;
	char *end;

	conf->lport_lo = CFG_DEF_LPORT_LO;
	conf->lport_hi = CFG_DEF_LPORT_HI;
	if (m != NULL) {
		if (config_setting_type(m) != CONFIG_TYPE_STRING)
			return cfg_fail(
				c, m, NULL, "must be a \"lo-hi\" range");
		v = config_setting_get_string(m);
		lo = strtoul(v, &end, 10);
		if (end == v || *end != '-')
			return cfg_fail(
				c, m, NULL, "'%s' is not a \"lo-hi\" range", v);
		hi = strtoul(end + 1, &end, 10);
		if (*end != '\0' || lo < 1 || hi > 65535 || lo > hi)
			return cfg_fail(c, m, NULL,
				"'%s' is not a range within "
				"1-65535 with lo <= hi",
				v);
		conf->lport_lo = (uint16_t)lo;
		conf->lport_hi = (uint16_t)hi;
	}
	if ((unsigned int)(conf->lport_hi - conf->lport_lo + 1) <
		CFG_LPORTS_PER_WORKER_MIN * conf->nb_workers)
		return cfg_fail(c, m ? m : root, m ? NULL : "local_ports",
			"%u ports for %u workers: each worker needs at least %u",
			conf->lport_hi - conf->lport_lo + 1, conf->nb_workers,
			CFG_LPORTS_PER_WORKER_MIN);
	return 0;
}

int
cfg_parse_services(
	struct cfg_ctx *c, const config_setting_t *root, struct cfg_conf *conf)
{
	const config_setting_t *l, *m;
	int i, n, rc;

	conf->hash_seed = CFG_DEF_HASH_SEED;
	m = config_setting_get_member(root, "hash_seed");
	if (m != NULL) {
		if (config_setting_type(m) != CONFIG_TYPE_INT &&
			config_setting_type(m) != CONFIG_TYPE_INT64)
			return cfg_fail(c, m, NULL,
				"must be an integer "
				"(64 bits, e.g. 0x5eed5eed5eed5eedL)");
		conf->hash_seed = (uint64_t)config_setting_get_int64(m);
	}
	if ((rc = cfg_parse_sessions(c, root, conf)) < 0 ||
		(rc = cfg_parse_lports(c, root, conf)) < 0 ||
		(rc = cfg_aggregate(c, root, "services", &l)) < 0 || l == NULL)
		return rc;
	n = config_setting_length(l);
	if (n > CFG_SVC_MAX)
		return cfg_fail(
			c, l, NULL, "more than %d services", CFG_SVC_MAX);
	conf->services = calloc(n ? (size_t)n : 1, sizeof(*conf->services));
	if (conf->services == NULL)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		const config_setting_t *g = config_setting_get_elem(l, i);
		struct cfg_service *s = &conf->services[conf->nb_services];

		if (!config_setting_is_group(g))
			return cfg_fail(c, g, NULL, "must be a group { ... }");
		rc = cfg_svc_one(c, g, conf, s);
		if (rc < 0) {
			free(s->backends);
			s->backends = NULL;
			return rc;
		}
		conf->nb_services++;
	}
	return 0;
}

void
cfg_services_free(struct cfg_conf *conf)
{
	unsigned int i;

	if (conf->services == NULL)
		return;
	for (i = 0; i < conf->nb_services; i++)
		free(conf->services[i].backends);
	free(conf->services);
	conf->services = NULL;
	conf->nb_services = 0;
}

/* Runtime changes (console, discovery): the same checks as the loader. */

struct cfg_service *
cfg_service_find(const struct cfg_conf *conf, const char *name)
{
	unsigned int i;

	for (i = 0; i < conf->nb_services; i++)
		if (strcmp(conf->services[i].name, name) == 0)
			return &conf->services[i];
	return NULL;
}

int
cfg_backend_find(
	const struct cfg_service *s, const struct weir_addr *a, uint16_t port)
{
	unsigned int i;

	for (i = 0; i < s->nb_backends; i++)
		if (weir_addr_eq(&s->backends[i].addr, a) &&
			s->backends[i].port == port)
			return (int)i;
	return -ENOENT;
}

int
cfg_backend_check(const struct cfg_conf *conf, const struct cfg_service *s,
	const struct weir_addr *a, uint16_t port, char *err, size_t size)
{
	char buf[WEIR_ADDR_STR_SIZE];

	weir_addr_str(a, buf, sizeof(buf));
	if (a->family != s->vip.family) {
		snprintf(err, size, "%s is not of service %s's family", buf,
			s->name);
		return -EINVAL;
	}
	if (port == 0) {
		snprintf(err, size, "port 0 is not a port");
		return -EINVAL;
	}
	if (cfg_own_port(conf, a) != NULL) {
		snprintf(err, size, "%s is weir's own address", buf);
		return -EINVAL;
	}
	if (cfg_reach(conf, a) < 0) {
		snprintf(err, size, "no port prefix or route reaches %s", buf);
		return -EINVAL;
	}
	return 0;
}

int
cfg_backend_set(struct cfg_conf *conf, struct cfg_service *s,
	const struct cfg_backend *b, char *err, size_t size)
{
	struct cfg_backend *nb;
	int i, rc;

	rc = cfg_backend_check(conf, s, &b->addr, b->port, err, size);
	if (rc < 0)
		return rc;
	if (b->weight > MAGLEV_WEIGHT_MAX) {
		snprintf(err, size, "weight %u is above %u", b->weight,
			MAGLEV_WEIGHT_MAX);
		return -EINVAL;
	}
	i = cfg_backend_find(s, &b->addr, b->port);
	if (i >= 0) {
		s->backends[i].weight = b->weight;
		s->backends[i].state = b->state;
		return 0;
	}
	if (s->nb_backends == CFG_SVC_BACKENDS_MAX) {
		snprintf(err, size,
			"service %s has %u backends, the most it may", s->name,
			CFG_SVC_BACKENDS_MAX);
		return -ENOSPC;
	}
	if (s->maglev_size <= s->nb_backends + 1) {
		snprintf(err, size, "maglev_size %u cannot hold %u backends",
			s->maglev_size, s->nb_backends + 1);
		return -ENOSPC;
	}
	nb = realloc(s->backends, (s->nb_backends + 1) * sizeof(*nb));
	if (nb == NULL) {
		snprintf(err, size, "out of memory");
		return -ENOMEM;
	}
	s->backends = nb;
	s->backends[s->nb_backends++] = *b;
	return 1;
}

int
cfg_backend_del(struct cfg_service *s, const struct weir_addr *a, uint16_t port)
{
	int i = cfg_backend_find(s, a, port);

	if (i < 0)
		return i;
	/* Keep the order of the others: it is part of the Maglev layout. */
	memmove(&s->backends[i], &s->backends[i + 1],
		(s->nb_backends - (unsigned int)i - 1) *
			sizeof(s->backends[0]));
	s->nb_backends--;
	return 0;
}

int
cfg_service_add(struct cfg_conf *conf, const struct cfg_service *tmpl,
	char *err, size_t size)
{
	struct cfg_service *ns, *s;
	unsigned int i;

	if (cfg_service_find(conf, tmpl->name) != NULL) {
		snprintf(err, size, "service '%s' exists", tmpl->name);
		return -EEXIST;
	}
	if (cfg_own_port(conf, &tmpl->vip) != NULL) {
		snprintf(err, size, "the VIP is an address of port '%s'",
			cfg_own_port(conf, &tmpl->vip));
		return -EINVAL;
	}
	for (i = 0; i < conf->nb_services; i++) {
		const struct cfg_service *o = &conf->services[i];

		if (weir_addr_eq(&o->vip, &tmpl->vip) &&
			o->proto == tmpl->proto &&
			o->port_lo <= tmpl->port_hi &&
			tmpl->port_lo <= o->port_hi) {
			snprintf(err, size,
				"overlaps service '%s' on the same VIP "
				"and protocol",
				o->name);
			return -EINVAL;
		}
	}
	if (conf->nb_services == CFG_SVC_MAX) {
		snprintf(err, size, "already %u services", CFG_SVC_MAX);
		return -ENOSPC;
	}
	ns = realloc(conf->services, (conf->nb_services + 1) * sizeof(*ns));
	if (ns == NULL) {
		snprintf(err, size, "out of memory");
		return -ENOMEM;
	}
	conf->services = ns;
	s = &conf->services[conf->nb_services++];
	*s = *tmpl;
	s->backends = NULL;
	s->nb_backends = 0;
	s->maglev_size = s->maglev_size ? s->maglev_size : MAGLEV_SIZE_DEFAULT;
	if (s->timeouts.syn_s == 0) {
		s->timeouts.syn_s = CFG_DEF_SYN_S;
		s->timeouts.established_s = CFG_DEF_ESTABLISHED_S;
		s->timeouts.fin_s = CFG_DEF_FIN_S;
		s->timeouts.time_wait_s = CFG_DEF_TIME_WAIT_S;
		s->timeouts.close_s = CFG_DEF_CLOSE_S;
		s->timeouts.udp_s = CFG_DEF_UDP_S;
	}
	if (s->latency.decay_s == 0) {
		cfg_svc_latency_default(&s->latency);
		cfg_svc_outlier_default(&s->outlier);
		s->panic_pct = CFG_DEF_PANIC_PCT;
		s->connect_retry = true;
		s->connect_timeout_ms = CFG_DEF_CONNECT_TIMEOUT_MS;
	}
	return 0;
}

int
cfg_service_del(struct cfg_conf *conf, const char *name)
{
	struct cfg_service *s = cfg_service_find(conf, name);
	unsigned int i;

	if (s == NULL)
		return -ENOENT;
	free(s->backends);
	i = (unsigned int)(s - conf->services);
	memmove(s, s + 1, (conf->nb_services - i - 1) * sizeof(*s));
	conf->nb_services--;
	return 0;
}
