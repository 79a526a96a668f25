/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Configuration loader. libconfig parses the syntax; this file walks the tree
 * with typed getters that know each key's unit, bounds and default, rejects
 * keys it does not know (a typo must not silently fall back to a default),
 * and cross-checks what single keys cannot (duplicate addresses, routes whose
 * next hop is on no port, workers on the main lcore).
 *
 * Every error names file:line and the dotted path of the setting, taken from
 * libconfig's source information, so an operator jumps straight to the line.
 * The alternative, a generic schema interpreter, was rejected: the checks
 * that matter most are the cross-key ones, which a schema cannot express.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <sys/stat.h>

#include <libconfig.h>

#include "cfg.h"
#include "cfg_priv.h"
#include "weir_addr.h"
#include "weir_common.h"

/* Defaults, each with its unit and the reason for its value. */
#define CFG_DEF_BURST                                                          \
	32 /* packets: DPDK's usual burst, fills a cache-friendly array */
#define CFG_DEF_MTU 1500  /* bytes: Ethernet */
#define CFG_DEF_DESC 1024 /* descriptors: absorbs a 100 us stall at 10 Mpps */
#define CFG_MBUFS_AUTO 0  /* mbufs: size the pool from cfg_mbufs_needed() */
#define CFG_MBUFS_AUTO_MIN 8191	   /* mbufs: floor of the automatic size */
#define CFG_DEF_CACHE 256	   /* mbufs: 8 bursts per lcore */
#define CFG_DEF_DATA_ROOM 2176	   /* bytes: 2048 + RTE_PKTMBUF_HEADROOM */
#define CFG_DEF_PUNT_RING 1024	   /* packets: ARP/ND/ICMP bursts to ctl */
#define CFG_DEF_NEIGH_MAX 4096	   /* neighbors */
#define CFG_DEF_REACHABLE_MS 30000 /* ms: RFC 4861 REACHABLE_TIME */
#define CFG_DEF_STALE_S 600	   /* s: unused entries leave after 10 min */
#define CFG_DEF_RETRANS_MS 1000	   /* ms: RFC 4861 RETRANS_TIMER */
#define CFG_DEF_PROBES 3 /* solicitations: RFC 4861 MAX_MULTICAST_SOLICIT */
#define CFG_DEF_NEIGH_QUEUE 8 /* packets per unresolved neighbor */

/* True if every bit past the prefix length is 'bit' (0 or 1). */
static bool
cfg_prefix_host_bits_are(const struct weir_prefix *p, unsigned int bit)
{
	unsigned int bytes = p->addr.family == AF_INET ? 4 : 16, i;
	uint8_t fill = bit ? 0xff : 0x00;

	for (i = 0; i < bytes; i++) {
		unsigned int lo = i * 8;
		uint8_t mask;

		if (lo + 8 <= p->len)
			continue;
		mask = lo >= p->len ? 0xff : (uint8_t)(0xff >> (p->len - lo));
		if ((p->addr.a[i] & mask) != (fill & mask))
			return false;
	}
	return true;
}

/* Reject what can never be a host address of weir's. */
static const char *
cfg_addr_unusable(const struct weir_prefix *p)
{
	const uint8_t *a = p->addr.a;
	static const uint8_t zero[16];

	if (p->addr.family == AF_INET) {
		if (a[0] == 0 || a[0] == 127 || a[0] >= 224)
			return "is not a unicast host address";
		if (p->len < 31 && cfg_prefix_host_bits_are(p, 0))
			return "is the network address of its prefix";
		if (p->len < 31 && cfg_prefix_host_bits_are(p, 1))
			return "is the broadcast address of its prefix";
		return NULL;
	}
	if (memcmp(a, zero, 16) == 0 || a[0] == 0xff ||
		(memcmp(a, zero, 15) == 0 && a[15] == 1))
		return "is not a unicast host address";
	return NULL;
}

static const char *const cfg_log_levels[] = { "emerg", "alert", "crit", "error",
	"warning", "notice", "info", "debug", NULL };

int
cfg_log_level(const char *name)
{
	unsigned int i;

	for (i = 0; cfg_log_levels[i] != NULL; i++)
		if (strcmp(cfg_log_levels[i], name) == 0)
			return (int)i + 1;
	return -EINVAL;
}

static int
cfg_parse_log_level(
	struct cfg_ctx *c, const config_setting_t *root, struct cfg_conf *conf)
{
	const char *v;
	int rc;

	rc = cfg_string(c, root, "log_level", false, &v);
	if (rc < 0)
		return rc;
	if (v == NULL)
		v = "info";
	if (cfg_log_level(v) < 0)
		return cfg_fail(c, config_setting_get_member(root, "log_level"),
			NULL,
			"'%s' is not one of emerg, alert, crit, error, "
			"warning, notice, info, debug",
			v);
	snprintf(conf->log_level, sizeof(conf->log_level), "%s", v);
	return 0;
}

/* EAL options weir derives from other keys; giving them twice is a bug. */
static const char *const cfg_eal_owned[] = { "-l", "--lcores", "-c",
	"--main-lcore", "--master-lcore", "--vdev", "-a", "--allow", "-b",
	"--block", "--pci-whitelist", "--no-pci", NULL };

static int
cfg_parse_eal(
	struct cfg_ctx *c, const config_setting_t *root, struct cfg_conf *conf)
{
	const config_setting_t *l, *e;
	const char *v;
	int i, n, rc;

	rc = cfg_aggregate(c, root, "eal_args", &l);
	if (rc < 0 || l == NULL)
		return rc;
	n = config_setting_length(l);
	if (n > CFG_EAL_ARGS_MAX)
		return cfg_fail(
			c, l, NULL, "more than %d arguments", CFG_EAL_ARGS_MAX);
	for (i = 0; i < n; i++) {
		const char *const *o;

		e = config_setting_get_elem(l, i);
		if (config_setting_type(e) != CONFIG_TYPE_STRING)
			return cfg_fail(c, e, NULL, "must be a string");
		v = config_setting_get_string(e);
		for (o = cfg_eal_owned; *o != NULL; o++) {
			size_t ol = strlen(*o);

			if (strncmp(v, *o, ol) == 0 &&
				(v[ol] == '\0' || v[ol] == '=' ||
					(ol == 2 && v[1] != '-')))
				return cfg_fail(c, e, NULL,
					"'%s' is set by weir "
					"from 'lcores', 'main_lcore', "
					"'workers' and 'ports'",
					v);
		}
		conf->eal_args[i] = strdup(v);
		if (conf->eal_args[i] == NULL)
			return -ENOMEM;
		conf->nb_eal_args++;
	}
	return 0;
}

static int
cfg_parse_lcores(
	struct cfg_ctx *c, const config_setting_t *root, struct cfg_conf *conf)
{
	const config_setting_t *l, *e;
	const char *map;
	int i, n, rc;

	rc = cfg_string(c, root, "lcores", false, &map);
	if (rc < 0)
		return rc;
	if (map != NULL) {
		conf->lcores = strdup(map);
		if (conf->lcores == NULL)
			return -ENOMEM;
	}
	rc = cfg_uint(c, root, "main_lcore", 0, 0, CFG_LCORE_MAX, "lcore id",
		&conf->main_lcore);
	if (rc < 0)
		return rc;
	rc = cfg_aggregate(c, root, "workers", &l);
	if (rc < 0)
		return rc;
	if (l == NULL)
		return cfg_fail(c, root, "workers",
			"missing: list of worker lcore ids, e.g. [ 1 ]");
	n = config_setting_length(l);
	if (n == 0 || n > CFG_WORKERS_MAX)
		return cfg_fail(c, l, NULL, "needs 1 to %d worker lcores",
			CFG_WORKERS_MAX);
	for (i = 0; i < n; i++) {
		unsigned int j;
		int v;

		e = config_setting_get_elem(l, i);
		if (config_setting_type(e) != CONFIG_TYPE_INT)
			return cfg_fail(
				c, e, NULL, "must be an integer lcore id");
		v = config_setting_get_int(e);
		if (v < 0 || v > CFG_LCORE_MAX)
			return cfg_fail(c, e, NULL,
				"%d is out of range: 0 to %d lcore id", v,
				CFG_LCORE_MAX);
		if ((unsigned int)v == conf->main_lcore)
			return cfg_fail(c, e, NULL,
				"lcore %d is main_lcore, "
				"which runs the management thread",
				v);
		for (j = 0; j < conf->nb_workers; j++)
			if (conf->workers[j] == (unsigned int)v)
				return cfg_fail(c, e, NULL,
					"lcore %d is listed twice", v);
		conf->workers[conf->nb_workers++] = (unsigned int)v;
	}
	return 0;
}

static int
cfg_parse_mempool(
	struct cfg_ctx *c, const config_setting_t *root, struct cfg_conf *conf)
{
	static const char *const known[] = { "mbufs", "cache", "data_room",
		NULL };
	const config_setting_t *g = config_setting_get_member(root, "mempool");
	struct cfg_mempool *mp = &conf->mempool;
	int rc;

	mp->nb_mbufs = CFG_MBUFS_AUTO;
	mp->cache = CFG_DEF_CACHE;
	mp->data_room = CFG_DEF_DATA_ROOM;
	if (g == NULL)
		return 0;
	if (!config_setting_is_group(g))
		return cfg_fail(c, g, NULL, "must be a group { ... }");
	if ((rc = cfg_check_keys(c, g, known)) < 0 ||
		(rc = cfg_uint(c, g, "mbufs", CFG_MBUFS_AUTO, 1023, 16777215,
			 "mbufs", &mp->nb_mbufs)) < 0 ||
		(rc = cfg_uint(c, g, "cache", CFG_DEF_CACHE, 0, 512, "mbufs",
			 &mp->cache)) < 0 ||
		(rc = cfg_uint(c, g, "data_room", CFG_DEF_DATA_ROOM, 1152,
			 65535, "bytes", &mp->data_room)) < 0)
		return rc;
	return 0;
}

unsigned int
cfg_mbufs_needed(const struct cfg_conf *c)
{
	unsigned int i, n = 0;

	/* Every RX and TX descriptor of every queue (workers' and ctl's). */
	for (i = 0; i < c->nb_ports; i++)
		n += (c->ports[i].rx_desc + c->ports[i].tx_desc) *
			(c->nb_workers + 1);
	/* Both rings of each worker full, plus a burst in flight each way
	 * and a TX batch per port. */
	n += c->nb_workers * (c->punt_ring * 2 + c->burst * (2 + c->nb_ports));
	/* Redirect rings between every ordered pair of workers. */
	n += c->nb_workers * (c->nb_workers - 1) * CFG_REDIR_RING;
	/* Per-lcore caches, workers and ctl. */
	n += (c->nb_workers + 1) * c->mempool.cache;
	/* Packets waiting for a few dozen unresolved neighbors. */
	n += c->neigh.queue_len * 64;
	/* Fault injection's held packets, each worker's queue full. */
	n += c->nb_workers * CFG_FAULT_HOLD;
	return n;
}

static int
cfg_route_port(const struct cfg_conf *conf, const struct weir_addr *via);

/* "aa:bb:cc:dd:ee:ff" into mac. @return 0 or -EINVAL. */
static int
cfg_mac_parse(const char *s, uint8_t *mac)
{
	unsigned int b[6], i;
	char tail;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3],
		    &b[4], &b[5], &tail) != 6 ||
		strlen(s) != 17)
		return -EINVAL;
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}

static int
cfg_parse_neigh_static(
	struct cfg_ctx *c, const config_setting_t *g, struct cfg_conf *conf)
{
	static const char *const known[] = { "address", "mac", NULL };
	struct cfg_neigh *n = &conf->neigh;
	const config_setting_t *l;
	int i, cnt, rc, port;

	if ((rc = cfg_aggregate(c, g, "static", &l)) < 0 || l == NULL)
		return rc;
	cnt = config_setting_length(l);
	if (cnt > CFG_NEIGH_STATIC_MAX)
		return cfg_fail(c, l, NULL, "more than %d entries",
			CFG_NEIGH_STATIC_MAX);
	for (i = 0; i < cnt; i++) {
		const config_setting_t *e = config_setting_get_elem(l, i);
		struct cfg_neigh_static *st = &n->statics[n->nb_static];
		struct weir_prefix p;
		const char *a, *m;

		if (!config_setting_is_group(e))
			return cfg_fail(c, e, NULL,
				"must be a group "
				"{ address = ...; mac = ...; }");
		if ((rc = cfg_check_keys(c, e, known)) < 0 ||
			(rc = cfg_string(c, e, "address", true, &a)) < 0 ||
			(rc = cfg_string(c, e, "mac", true, &m)) < 0)
			return rc;
		if (weir_prefix_parse(a, false, &p) < 0 ||
			p.len != (p.addr.family == AF_INET ? 32 : 128))
			return cfg_fail(
				c, e, "address", "'%s' is not an address", a);
		port = cfg_route_port(conf, &p.addr);
		if (port < 0)
			return cfg_fail(c, e, "address",
				"%s is on no port's prefix", a);
		if (cfg_mac_parse(m, st->mac) < 0 || (st->mac[0] & 1))
			return cfg_fail(c, e, "mac",
				"'%s' is not a unicast MAC "
				"address aa:bb:cc:dd:ee:ff",
				m);
		st->addr = p.addr;
		st->port = (unsigned int)port;
		n->nb_static++;
	}
	return 0;
}

static int
cfg_parse_neigh(
	struct cfg_ctx *c, const config_setting_t *root, struct cfg_conf *conf)
{
	static const char *const known[] = { "max_entries", "reachable_ms",
		"stale_s", "retrans_ms", "max_probes", "queue_len", "static",
		NULL };
	const config_setting_t *g = config_setting_get_member(
		root, "neighbors");
	struct cfg_neigh *n = &conf->neigh;
	int rc;

	n->max_entries = CFG_DEF_NEIGH_MAX;
	n->reachable_ms = CFG_DEF_REACHABLE_MS;
	n->stale_s = CFG_DEF_STALE_S;
	n->retrans_ms = CFG_DEF_RETRANS_MS;
	n->max_probes = CFG_DEF_PROBES;
	n->queue_len = CFG_DEF_NEIGH_QUEUE;
	if (g == NULL)
		return 0;
	if (!config_setting_is_group(g))
		return cfg_fail(c, g, NULL, "must be a group { ... }");
	if ((rc = cfg_check_keys(c, g, known)) < 0 ||
		(rc = cfg_uint(c, g, "max_entries", CFG_DEF_NEIGH_MAX, 16,
			 1 << 20, "neighbors", &n->max_entries)) < 0 ||
		(rc = cfg_uint(c, g, "reachable_ms", CFG_DEF_REACHABLE_MS, 1000,
			 3600000, "ms", &n->reachable_ms)) < 0 ||
		(rc = cfg_uint(c, g, "stale_s", CFG_DEF_STALE_S, 1, 86400, "s",
			 &n->stale_s)) < 0 ||
		(rc = cfg_uint(c, g, "retrans_ms", CFG_DEF_RETRANS_MS, 100,
			 60000, "ms", &n->retrans_ms)) < 0 ||
		(rc = cfg_uint(c, g, "max_probes", CFG_DEF_PROBES, 1, 20,
			 "solicitations", &n->max_probes)) < 0 ||
		(rc = cfg_uint(c, g, "queue_len", CFG_DEF_NEIGH_QUEUE, 0, 256,
			 "packets", &n->queue_len)) < 0)
		return rc;
	return cfg_parse_neigh_static(c, g, conf);
}

/*
 * @return the name of the port that already has 'a' (as its own address
 * or its kernel interface's), or NULL. Ports before 'p' are complete; 'p'
 * holds what was parsed of it so far.
 */
static const char *
cfg_addr_owner(const struct cfg_conf *conf, const struct cfg_port *p,
	const struct weir_addr *a, const char **what)
{
	unsigned int pi, ai;

	for (pi = 0; pi <= conf->nb_ports; pi++) {
		const struct cfg_port *o = &conf->ports[pi];

		if (pi == conf->nb_ports && o != p)
			break;
		for (ai = 0; ai < o->nb_addrs; ai++)
			if (weir_addr_eq(&o->addrs[ai].addr, a)) {
				*what = "an address";
				return o->name;
			}
		for (ai = 0; ai < o->kif.nb_addrs; ai++)
			if (weir_addr_eq(&o->kif.addrs[ai].addr, a)) {
				*what = "a kernel interface address";
				return o->name;
			}
	}
	return NULL;
}

/* The list 'addresses' of group 'g' (a port or its 'kernel' group). */
static int
cfg_parse_addrs(struct cfg_ctx *c, const config_setting_t *g,
	struct cfg_conf *conf, struct cfg_port *p, struct weir_prefix *out,
	unsigned int *nb)
{
	const config_setting_t *l;
	char buf[WEIR_ADDR_STR_SIZE];
	int i, n, rc;

	rc = cfg_aggregate(c, g, "addresses", &l);
	if (rc < 0)
		return rc;
	if (l == NULL)
		return cfg_fail(c, g, "addresses",
			"missing: list of \"address/prefix\" strings");
	n = config_setting_length(l);
	if (n == 0 || n > CFG_PORT_ADDRS_MAX)
		return cfg_fail(c, l, NULL, "needs 1 to %d addresses",
			CFG_PORT_ADDRS_MAX);
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(l, i);
		struct weir_prefix *pf = &out[*nb];
		const char *why, *owner, *what;

		if (config_setting_type(e) != CONFIG_TYPE_STRING)
			return cfg_fail(c, e, NULL,
				"must be a string \"address/prefix\"");
		rc = weir_prefix_parse(config_setting_get_string(e), true, pf);
		if (rc < 0)
			return cfg_fail(c, e, NULL,
				"'%s' is not an IPv4 or IPv6 "
				"address with a /prefix length",
				config_setting_get_string(e));
		why = cfg_addr_unusable(pf);
		if (why != NULL)
			return cfg_fail(c, e, NULL, "%s %s",
				config_setting_get_string(e), why);
		if (pf->addr.family == AF_INET6 && p->mtu < 1280)
			return cfg_fail(c, e, NULL,
				"IPv6 needs mtu >= 1280, the port has %u",
				p->mtu);
		/* The same address twice anywhere makes replies ambiguous. */
		owner = cfg_addr_owner(conf, p, &pf->addr, &what);
		if (owner != NULL)
			return cfg_fail(c, e, NULL,
				"%s is already %s of port '%s'",
				weir_addr_str(&pf->addr, buf, sizeof(buf)),
				what, owner);
		(*nb)++;
	}
	return 0;
}

#define CFG_DEF_KIF_MAX_PPS 20000 /* packets/s: 3000 HTTP checks a second */

/*
 * 'kernel' of port 'g': the exception path. Its name is at most 15
 * characters (IFNAMSIZ) and, by default, "weir-" and the port's name.
 */
static int
cfg_parse_kif(struct cfg_ctx *c, const config_setting_t *g,
	struct cfg_conf *conf, struct cfg_port *p)
{
	static const char *const known[] = { "name", "addresses", "mac",
		"max_pps", NULL };
	const config_setting_t *k = config_setting_get_member(g, "kernel");
	struct cfg_kif *kif = &p->kif;
	const char *name, *m;
	unsigned int j;
	int rc;

	if (k == NULL)
		return 0;
	if (!config_setting_is_group(k))
		return cfg_fail(c, k, NULL, "must be a group { ... }");
	if ((rc = cfg_check_keys(c, k, known)) < 0 ||
		(rc = cfg_string(c, k, "name", false, &name)) < 0 ||
		(rc = cfg_string(c, k, "mac", false, &m)) < 0 ||
		(rc = cfg_uint(c, k, "max_pps", CFG_DEF_KIF_MAX_PPS, 1,
			 10000000, "packets/s", &kif->max_pps)) < 0)
		return rc;
	if (name == NULL)
		snprintf(kif->name, sizeof(kif->name), "weir-%.10s", p->name);
	else if ((rc = cfg_copy(c, k, "name", name, kif->name,
			  sizeof(kif->name))) < 0)
		return rc;
	for (j = 0; kif->name[j] != '\0'; j++)
		if (kif->name[j] == '/' || kif->name[j] == ':' ||
			kif->name[j] == '%' || kif->name[j] <= ' ')
			return cfg_fail(c, k, "name",
				"'%s' is not an interface name (no '/', ':', "
				"'%%' or spaces)",
				kif->name);
	if (strcmp(kif->name, ".") == 0 || strcmp(kif->name, "..") == 0)
		return cfg_fail(c, k, "name", "'%s' is not an interface name",
			kif->name);
	for (j = 0; j < conf->nb_ports; j++)
		if (conf->ports[j].kif.on &&
			strcmp(conf->ports[j].kif.name, kif->name) == 0)
			return cfg_fail(c, k, "name",
				"'%s' is already port '%s''s kernel interface",
				kif->name, conf->ports[j].name);
	if (m != NULL && (cfg_mac_parse(m, kif->mac) < 0 || (kif->mac[0] & 1)))
		return cfg_fail(c, k, "mac",
			"'%s' is not a unicast MAC address aa:bb:cc:dd:ee:ff",
			m);
	if (m != NULL && p->has_mac && memcmp(kif->mac, p->mac, 6) == 0)
		return cfg_fail(c, k, "mac", "'%s' is the port's own MAC", m);
	kif->has_mac = m != NULL;
	kif->on = true;
	return cfg_parse_addrs(c, k, conf, p, kif->addrs, &kif->nb_addrs);
}

static int
cfg_parse_ports(
	struct cfg_ctx *c, const config_setting_t *root, struct cfg_conf *conf)
{
	static const char *const known[] = { "name", "device", "mtu", "rx_desc",
		"tx_desc", "addresses", "mac", "kernel", NULL };
	const config_setting_t *l;
	int i, n, rc;

	rc = cfg_aggregate(c, root, "ports", &l);
	if (rc < 0)
		return rc;
	if (l == NULL)
		return cfg_fail(c, root, "ports",
			"missing: list of port "
			"groups ( { name = ...; device = ...; ... } )");
	n = config_setting_length(l);
	if (n == 0 || n > CFG_PORTS_MAX)
		return cfg_fail(
			c, l, NULL, "needs 1 to %d ports", CFG_PORTS_MAX);
	for (i = 0; i < n; i++) {
		const config_setting_t *g = config_setting_get_elem(l, i);
		struct cfg_port *p = &conf->ports[conf->nb_ports];
		const char *name, *dev;
		unsigned int v, j;
		size_t dlen;

		if (!config_setting_is_group(g))
			return cfg_fail(c, g, NULL, "must be a group { ... }");
		p->line = config_setting_source_line(g);
		if ((rc = cfg_check_keys(c, g, known)) < 0 ||
			(rc = cfg_string(c, g, "name", true, &name)) < 0 ||
			(rc = cfg_copy(c, g, "name", name, p->name,
				 sizeof(p->name))) < 0 ||
			(rc = cfg_string(c, g, "device", true, &dev)) < 0 ||
			(rc = cfg_copy(c, g, "device", dev, p->device,
				 sizeof(p->device))) < 0)
			return rc;
		/*
		 * DPDK names the device by what precedes the first ',', so
		 * "net_tap0,iface=a" and "net_tap0,iface=b" are one device.
		 */
		dlen = strcspn(p->device, ",");
		for (j = 0; j < conf->nb_ports; j++) {
			const char *od = conf->ports[j].device;

			if (strcmp(conf->ports[j].name, p->name) == 0)
				return cfg_fail(c, g, "name",
					"port '%s' is defined twice", p->name);
			if (strcspn(od, ",") == dlen &&
				strncmp(od, p->device, dlen) == 0)
				return cfg_fail(c, g, "device",
					"device '%.*s' is already port '%s'",
					(int)dlen, p->device,
					conf->ports[j].name);
		}
		/* DPDK names virtual devices net_<driver><n>; PCI is BDF. */
		p->is_vdev = strncmp(p->device, "net_", 4) == 0 ||
			strncmp(p->device, "eth_", 4) == 0;
		if ((rc = cfg_uint(c, g, "mtu", CFG_DEF_MTU, 68, 9600, "bytes",
			     &v)) < 0)
			return rc;
		p->mtu = (uint16_t)v;
		if ((rc = cfg_uint(c, g, "rx_desc", CFG_DEF_DESC, 64, 16384,
			     "descriptors", &v)) < 0)
			return rc;
		p->rx_desc = (uint16_t)v;
		if ((rc = cfg_uint(c, g, "tx_desc", CFG_DEF_DESC, 64, 16384,
			     "descriptors", &v)) < 0)
			return rc;
		p->tx_desc = (uint16_t)v;
		{
			const char *m;

			if ((rc = cfg_string(c, g, "mac", false, &m)) < 0)
				return rc;
			if (m != NULL &&
				(cfg_mac_parse(m, p->mac) < 0 ||
					(p->mac[0] & 1)))
				return cfg_fail(c, g, "mac",
					"'%s' is not a "
					"unicast MAC address aa:bb:cc:dd:ee:ff",
					m);
			p->has_mac = m != NULL;
		}
		if ((rc = cfg_parse_addrs(
			     c, g, conf, p, p->addrs, &p->nb_addrs)) < 0 ||
			(rc = cfg_parse_kif(c, g, conf, p)) < 0)
			return rc;
		conf->nb_ports++;
	}
	return 0;
}

/* Find the port with a connected prefix holding 'via'. */
static int
cfg_route_port(const struct cfg_conf *conf, const struct weir_addr *via)
{
	unsigned int i, j;

	for (i = 0; i < conf->nb_ports; i++)
		for (j = 0; j < conf->ports[i].nb_addrs; j++)
			if (weir_prefix_contains(&conf->ports[i].addrs[j], via))
				return (int)i;
	return -1;
}

/*
 * Add the route to 'dst' via 'via'. Errors name 'to_key' or 'via_key' of
 * 's', whichever holds the culprit (NULL: 's' itself, for gateway keys).
 */
static int
cfg_add_route(struct cfg_ctx *c, const config_setting_t *s, const char *to_key,
	const char *via_key, struct cfg_conf *conf,
	const struct weir_prefix *dst, const char *via)
{
	struct cfg_route *r = &conf->routes[conf->nb_routes];
	struct weir_prefix vp;
	char buf[WEIR_ADDR_STR_SIZE];
	unsigned int i, j;
	int port;

	if (conf->nb_routes == CFG_ROUTES_MAX)
		return cfg_fail(
			c, s, to_key, "more than %d routes", CFG_ROUTES_MAX);
	for (i = 0; i < conf->nb_routes; i++) {
		const struct weir_prefix *have = &conf->routes[i].dst;

		if (have->len == dst->len &&
			have->addr.family == dst->addr.family &&
			memcmp(have->addr.a, dst->addr.a, 16) == 0)
			return cfg_fail(c, s, to_key,
				"route to %s is defined twice",
				weir_prefix_str(dst, buf, sizeof(buf)));
	}
	if (strchr(via, '/') != NULL || weir_prefix_parse(via, false, &vp) < 0)
		return cfg_fail(c, s, via_key,
			"'%s' is not an IPv4 or IPv6 address", via);
	if (vp.addr.family != dst->addr.family)
		return cfg_fail(c, s, via_key,
			"next hop %s is not of the family of %s", via,
			weir_prefix_str(dst, buf, sizeof(buf)));
	port = cfg_route_port(conf, &vp.addr);
	if (port < 0)
		return cfg_fail(c, s, via_key,
			"next hop %s is on no port's prefix", via);
	/* A next hop of weir's own would resolve to itself: a black hole. */
	for (i = 0; i < conf->nb_ports; i++) {
		const struct cfg_port *p = &conf->ports[i];

		for (j = 0; j < p->nb_addrs; j++)
			if (p->addrs[j].addr.family == vp.addr.family &&
				memcmp(p->addrs[j].addr.a, vp.addr.a, 16) == 0)
				return cfg_fail(c, s, via_key,
					"next hop %s is "
					"weir's own address on port '%s'",
					via, p->name);
	}
	r->dst = *dst;
	r->via = vp.addr;
	r->port = (unsigned int)port;
	conf->nb_routes++;
	return 0;
}

static int
cfg_parse_routes(
	struct cfg_ctx *c, const config_setting_t *root, struct cfg_conf *conf)
{
	static const char *const known[] = { "to", "via", NULL };
	static const struct {
		const char *key;
		const char *dflt;
		int family;
	} gws[] = {
		{ "gateway", "0.0.0.0/0", AF_INET },
		{ "gateway6", "::/0", AF_INET6 },
	};
	const config_setting_t *l;
	unsigned int k;
	int i, n, rc;

	for (k = 0; k < WEIR_ARRAY_LEN(gws); k++) {
		struct weir_prefix dst;
		const char *via;

		if ((rc = cfg_string(c, root, gws[k].key, false, &via)) < 0)
			return rc;
		if (via == NULL)
			continue;
		weir_prefix_parse(gws[k].dflt, true, &dst);
		if (strchr(via, ':') != NULL) {
			if (gws[k].family != AF_INET6)
				return cfg_fail(c,
					config_setting_get_member(
						root, gws[k].key),
					NULL, "'%s' is IPv6: use gateway6",
					via);
		} else if (gws[k].family != AF_INET) {
			return cfg_fail(c,
				config_setting_get_member(root, gws[k].key),
				NULL, "'%s' is not IPv6: use gateway", via);
		}
		if ((rc = cfg_add_route(c,
			     config_setting_get_member(root, gws[k].key), NULL,
			     NULL, conf, &dst, via)) < 0)
			return rc;
	}
	if ((rc = cfg_aggregate(c, root, "routes", &l)) < 0 || l == NULL)
		return rc;
	n = config_setting_length(l);
	for (i = 0; i < n; i++) {
		const config_setting_t *g = config_setting_get_elem(l, i);
		struct weir_prefix dst;
		const char *to, *via;

		if (!config_setting_is_group(g))
			return cfg_fail(c, g, NULL,
				"must be a group "
				"{ to = \"prefix\"; via = \"address\"; }");
		if ((rc = cfg_check_keys(c, g, known)) < 0 ||
			(rc = cfg_string(c, g, "to", true, &to)) < 0 ||
			(rc = cfg_string(c, g, "via", true, &via)) < 0)
			return rc;
		if (weir_prefix_parse(to, true, &dst) < 0)
			return cfg_fail(c, g, "to",
				"'%s' is not a prefix \"address/length\"", to);
		if (!cfg_prefix_host_bits_are(&dst, 0))
			return cfg_fail(c, g, "to",
				"'%s' has bits set past its prefix length", to);
		rc = cfg_add_route(c, g, "to", "via", conf, &dst, via);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int
cfg_parse_root(
	struct cfg_ctx *c, const config_setting_t *root, struct cfg_conf *conf)
{
	static const char *const known[] = { "log_level", "eal_args", "lcores",
		"main_lcore", "workers", "burst", "punt_ring", "mempool",
		"ports", "routes", "gateway", "gateway6", "neighbors",
		"hash_seed", "local_ports", "sessions", "services", "console",
		"metrics", "state_file", "events", "flow_log", "log_target",
		NULL };
	int rc;

	if ((rc = cfg_check_keys(c, root, known)) < 0 ||
		(rc = cfg_parse_log_level(c, root, conf)) < 0 ||
		(rc = cfg_parse_eal(c, root, conf)) < 0 ||
		(rc = cfg_parse_lcores(c, root, conf)) < 0 ||
		(rc = cfg_uint(c, root, "burst", CFG_DEF_BURST, 1, 256,
			 "packets", &conf->burst)) < 0 ||
		(rc = cfg_uint(c, root, "punt_ring", CFG_DEF_PUNT_RING, 64,
			 65536, "packets", &conf->punt_ring)) < 0 ||
		(rc = cfg_parse_mempool(c, root, conf)) < 0 ||
		(rc = cfg_parse_ports(c, root, conf)) < 0 ||
		(rc = cfg_parse_routes(c, root, conf)) < 0 ||
		(rc = cfg_parse_neigh(c, root, conf)) < 0 ||
		(rc = cfg_parse_services(c, root, conf)) < 0 ||
		(rc = cfg_parse_mgmt(c, root, conf)) < 0)
		return rc;
	/* rte_ring sizes are powers of two; say so rather than round. */
	if ((conf->punt_ring & (conf->punt_ring - 1)) != 0)
		return cfg_fail(c, config_setting_get_member(root, "punt_ring"),
			NULL, "%u is not a power of two", conf->punt_ring);
	if (conf->mempool.nb_mbufs == CFG_MBUFS_AUTO) {
		/* 2^n - 1 is the mempool's best size (one ring slot spare). */
		unsigned int n = CFG_MBUFS_AUTO_MIN;

		while (n < cfg_mbufs_needed(conf))
			n = n * 2 + 1;
		conf->mempool.nb_mbufs = n;
	} else if (conf->mempool.nb_mbufs < cfg_mbufs_needed(conf)) {
		const config_setting_t *g = config_setting_get_member(
			root, "mempool");
		const config_setting_t *m = g ?
			config_setting_get_member(g, "mbufs") :
			NULL;

		return cfg_fail(c, m ? m : (g ? g : root),
			m ? NULL : "mempool.mbufs",
			"%u is below the %u mbufs that the port "
			"descriptors, rings and caches can hold at once; raise it "
			"or lower rx_desc/tx_desc",
			conf->mempool.nb_mbufs, cfg_mbufs_needed(conf));
	}
	return 0;
}

struct cfg_conf *
cfg_conf_load(const char *path, char *err, size_t err_size)
{
	struct cfg_ctx c = { .file = path, .err = err, .err_size = err_size };
	struct cfg_conf *conf;
	config_t lc;
	int rc;

	err[0] = '\0';
	conf = calloc(1, sizeof(*conf));
	if (conf == NULL) {
		snprintf(err, err_size, "%s: out of memory", path);
		errno = ENOMEM;
		return NULL;
	}
	if (strlen(path) >= sizeof(conf->file)) {
		snprintf(err, err_size, "%.64s...: file name too long", path);
		free(conf);
		errno = ENAMETOOLONG;
		return NULL;
	}
	strcpy(conf->file, path);
	config_init(&lc);
	errno = 0; /* libconfig leaves it alone for some failures */
	if (config_read_file(&lc, path) != CONFIG_TRUE) {
		if (config_error_type(&lc) == CONFIG_ERR_FILE_IO) {
			struct stat st;

			/* A directory opens; libconfig refuses it, errno 0. */
			rc = errno;
			if (rc == 0)
				rc = stat(path, &st) == 0 &&
						S_ISDIR(st.st_mode) ?
					EISDIR :
					EIO;
			snprintf(err, err_size, "%s: cannot read: %s", path,
				strerror(rc));
			errno = rc;
		} else {
			snprintf(err, err_size, "%s:%d: syntax error: %s",
				config_error_file(&lc) ?
					config_error_file(&lc) :
					path,
				config_error_line(&lc), config_error_text(&lc));
			errno = EINVAL;
		}
		config_destroy(&lc);
		cfg_conf_free(conf);
		return NULL;
	}
	rc = cfg_parse_root(&c, config_root_setting(&lc), conf);
	config_destroy(&lc);
	if (rc < 0) {
		if (!c.failed)
			snprintf(err, err_size, "%s: %s", path, strerror(-rc));
		cfg_conf_free(conf);
		errno = -rc;
		return NULL;
	}
	return conf;
}

void
cfg_conf_free(struct cfg_conf *conf)
{
	unsigned int i;

	if (conf == NULL)
		return;
	for (i = 0; i < conf->nb_eal_args; i++)
		free(conf->eal_args[i]);
	free(conf->lcores);
	cfg_services_free(conf);
	free(conf);
}

const char *
cfg_conf_startup_diff(const struct cfg_conf *a, const struct cfg_conf *b)
{
	unsigned int i;

	if (a->nb_eal_args != b->nb_eal_args)
		return "eal_args";
	for (i = 0; i < a->nb_eal_args; i++)
		if (strcmp(a->eal_args[i], b->eal_args[i]) != 0)
			return "eal_args";
	if ((a->lcores == NULL) != (b->lcores == NULL) ||
		(a->lcores != NULL && strcmp(a->lcores, b->lcores) != 0))
		return "lcores";
	if (a->main_lcore != b->main_lcore)
		return "main_lcore";
	if (a->nb_workers != b->nb_workers ||
		memcmp(a->workers, b->workers,
			a->nb_workers * sizeof(a->workers[0])) != 0)
		return "workers";
	if (a->burst != b->burst)
		return "burst";
	if (a->punt_ring != b->punt_ring)
		return "punt_ring";
	if (memcmp(&a->mempool, &b->mempool, sizeof(a->mempool)) != 0)
		return "mempool";
	if (a->nb_ports != b->nb_ports)
		return "ports";
	for (i = 0; i < a->nb_ports; i++) {
		const struct cfg_port *x = &a->ports[i], *y = &b->ports[i];

		if (strcmp(x->name, y->name) != 0 ||
			strcmp(x->device, y->device) != 0 || x->mtu != y->mtu ||
			x->rx_desc != y->rx_desc || x->tx_desc != y->tx_desc ||
			x->nb_addrs != y->nb_addrs ||
			memcmp(x->addrs, y->addrs,
				x->nb_addrs * sizeof(x->addrs[0])) != 0 ||
			memcmp(&x->kif, &y->kif, sizeof(x->kif)) != 0)
			return "ports";
	}
	if (memcmp(&a->neigh, &b->neigh, sizeof(a->neigh)) != 0)
		return "neighbors";
	if (memcmp(&a->sessions, &b->sessions, sizeof(a->sessions)) != 0)
		return "sessions";
	if (a->lport_lo != b->lport_lo || a->lport_hi != b->lport_hi)
		return "local_ports";
	if (memcmp(&a->mgmt.console, &b->mgmt.console,
		    sizeof(a->mgmt.console)) != 0)
		return "console";
	if (strcmp(a->mgmt.metrics, b->mgmt.metrics) != 0)
		return "metrics";
	if (strcmp(a->mgmt.events_file, b->mgmt.events_file) != 0 ||
		a->mgmt.events_keep != b->mgmt.events_keep)
		return "events";
	if (strcmp(a->mgmt.flow_log, b->mgmt.flow_log) != 0 ||
		a->mgmt.flow_sample != b->mgmt.flow_sample ||
		a->mgmt.flow_interval_s != b->mgmt.flow_interval_s ||
		a->mgmt.flow_rotate_mb != b->mgmt.flow_rotate_mb ||
		a->mgmt.flow_keep != b->mgmt.flow_keep)
		return "flow_log";
	if (strcmp(a->mgmt.log_target, b->mgmt.log_target) != 0)
		return "log_target";
	if (strcmp(a->mgmt.state_file, b->mgmt.state_file) != 0)
		return "state_file";
	return NULL;
}

int
cfg_conf_dump(const struct cfg_conf *conf, FILE *f)
{
	char buf[WEIR_ADDR_STR_SIZE], via[WEIR_ADDR_STR_SIZE];
	unsigned int i, j;

	fprintf(f, "config %s: ok\n", conf->file);
	fprintf(f, "  main lcore %u, workers", conf->main_lcore);
	for (i = 0; i < conf->nb_workers; i++)
		fprintf(f, " %u", conf->workers[i]);
	fprintf(f, "%s%s\n", conf->lcores ? ", lcore map " : "",
		conf->lcores ? conf->lcores : "");
	fprintf(f, "  burst %u packets, punt ring %u packets, log level %s\n",
		conf->burst, conf->punt_ring, conf->log_level);
	fprintf(f, "  mempool: %u mbufs of %u bytes per socket, cache %u\n",
		conf->mempool.nb_mbufs, conf->mempool.data_room,
		conf->mempool.cache);
	for (i = 0; i < conf->nb_ports; i++) {
		const struct cfg_port *p = &conf->ports[i];

		fprintf(f, "  port %s: %s %s, mtu %u, rx/tx desc %u/%u\n",
			p->name, p->is_vdev ? "vdev" : "pci", p->device, p->mtu,
			p->rx_desc, p->tx_desc);
		for (j = 0; j < p->nb_addrs; j++)
			fprintf(f, "    address %s\n",
				weir_prefix_str(
					&p->addrs[j], buf, sizeof(buf)));
		if (p->kif.on)
			fprintf(f, "    kernel interface %s, %u frames/s\n",
				p->kif.name, p->kif.max_pps);
		for (j = 0; j < p->kif.nb_addrs; j++)
			fprintf(f, "      address %s\n",
				weir_prefix_str(
					&p->kif.addrs[j], buf, sizeof(buf)));
	}
	for (i = 0; i < conf->nb_routes; i++)
		fprintf(f, "  route %s via %s port %s\n",
			weir_prefix_str(&conf->routes[i].dst, buf, sizeof(buf)),
			weir_addr_str(&conf->routes[i].via, via, sizeof(via)),
			conf->ports[conf->routes[i].port].name);
	fprintf(f,
		"  neighbors: max %u, reachable %u ms, stale %u s, "
		"retrans %u ms x %u, queue %u packets\n",
		conf->neigh.max_entries, conf->neigh.reachable_ms,
		conf->neigh.stale_s, conf->neigh.retrans_ms,
		conf->neigh.max_probes, conf->neigh.queue_len);
	fprintf(f,
		"  sessions: %u slots per worker, half-open up to %u%%, local "
		"ports %u-%u, hash seed 0x%llx\n",
		conf->sessions.max_per_worker, conf->sessions.half_open_pct,
		conf->lport_lo, conf->lport_hi,
		(unsigned long long)conf->hash_seed);
	for (i = 0; i < conf->nb_services; i++) {
		const struct cfg_service *sv = &conf->services[i];

		fprintf(f, "  service %s: %s %s port %u", sv->name,
			sv->proto == IPPROTO_TCP ? "tcp" : "udp",
			weir_addr_str(&sv->vip, buf, sizeof(buf)), sv->port_lo);
		if (sv->port_hi != sv->port_lo)
			fprintf(f, "-%u", sv->port_hi);
		fprintf(f, ", %s%s", cfg_balancer_names[sv->balancer],
			sv->hash == CFG_HASH_SOURCE ? " by source" : "");
		if (sv->balancer == CFG_LB_LEAST_LATENCY)
			fprintf(f, " (decay %u s, initial %u ms)",
				sv->latency.decay_s, sv->latency.initial_ms);
		fprintf(f, ", %u backends\n", sv->nb_backends);
		if (sv->outlier.consecutive == 0)
			fprintf(f, "    outlier detection off");
		else
			fprintf(f,
				"    outlier detection: %u failed connects, "
				"%u-%u s, at most %u%%",
				sv->outlier.consecutive,
				sv->outlier.base_ejection_s,
				sv->outlier.max_ejection_s,
				sv->outlier.max_ejection_pct);
		fprintf(f, "; panic below %u%% healthy", sv->panic_pct);
		if (sv->proto == IPPROTO_TCP && sv->connect_retry)
			fprintf(f, "; connect retry after %u ms",
				sv->connect_timeout_ms);
		if (sv->max_flows != 0)
			fprintf(f, "; at most %u flows", sv->max_flows);
		if (sv->max_be_flows != 0)
			fprintf(f, ", %u per backend", sv->max_be_flows);
		fputc('\n', f);
		if (sv->fault.reset_pct + sv->fault.drop_pct +
				sv->fault.delay_pct !=
			0)
			fprintf(f,
				"    fault injection: reset %u%%, drop %u%%, "
				"delay %u%% by %u ms\n",
				sv->fault.reset_pct, sv->fault.drop_pct,
				sv->fault.delay_pct, sv->fault.delay_ms);
		if (sv->check.type != CFG_CHECK_NONE)
			fprintf(f,
				"    check %s%s%s%s every %u ms, timeout %u ms, "
				"rise %u, fall %u\n",
				cfg_check_type_names[sv->check.type],
				sv->check.tls ? " over tls" : "",
				sv->check.type == CFG_CHECK_HTTP ? " " : "",
				sv->check.type == CFG_CHECK_HTTP ?
					sv->check.path :
					"",
				sv->check.interval_ms, sv->check.timeout_ms,
				sv->check.rise, sv->check.fall);
		for (j = 0; j < sv->nb_backends; j++)
			fprintf(f, "    backend %s port %u weight %u\n",
				weir_addr_str(&sv->backends[j].addr, buf,
					sizeof(buf)),
				sv->backends[j].port, sv->backends[j].weight);
		for (j = 0; j < sv->nb_laddrs; j++)
			fprintf(f, "    local address %s\n",
				weir_addr_str(
					&sv->laddrs[j], buf, sizeof(buf)));
	}
	for (i = 0; i < conf->nb_eal_args; i++)
		fprintf(f, "%s%s", i ? " " : "  eal args: ", conf->eal_args[i]);
	if (conf->nb_eal_args)
		fputc('\n', f);
	return ferror(f) ? -EIO : 0;
}
