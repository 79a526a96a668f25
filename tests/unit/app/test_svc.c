/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the snapshot builder (app/weir/modules/lb/svc.c) without
 * an EAL: the configuration comes from a real file through the real
 * loader (svc.conf), the ports are made up here, and the DPDK calls svc.c
 * makes are link-time seams (-Wl,--wrap): rte_zmalloc/rte_malloc/rte_free
 * on the C heap (with a failure on demand), the RCU grace period and the
 * TSC rate as no-ops, and maglev_build counted on its way to the real
 * one. What the workers will find is checked with the workers' own
 * lookups (svc_dp.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netinet/in.h>

#include "cfg.h"
#include "lb_stats.h"
#include "maglev.h"
#include "port.h"
#include "svc.h"
#include "svc_dp.h"
#include "weir.h"
#include "weir_cunit.h"

/* -- Seams ---------------------------------------------------------------- */

struct weir weir;
static struct port t_ports[2];
static int t_alloc_fail_in;   /* fail the n-th allocation from now; 0: never */
static unsigned int t_builds; /* maglev_build() calls */
static unsigned int t_retired[2]; /* lb_stats_obj_retire() calls by kind */

void *__wrap_rte_zmalloc(const char *type, size_t size, unsigned int align);
void *__wrap_rte_malloc(const char *type, size_t size, unsigned int align);
void __wrap_rte_free(void *p);
int __wrap_rte_rcu_qsbr_synchronize(struct rte_rcu_qsbr *v, unsigned int id);
uint64_t __wrap_rte_get_tsc_hz(void);
int __wrap_maglev_build(const struct maglev_backend *be, unsigned int nb_be,
	uint32_t size, uint64_t seed, uint16_t *table);
int __real_maglev_build(const struct maglev_backend *be, unsigned int nb_be,
	uint32_t size, uint64_t seed, uint16_t *table);

static void *
t_alloc(size_t size)
{
	if (t_alloc_fail_in > 0 && --t_alloc_fail_in == 0)
		return NULL;
	return calloc(1, size ? size : 1);
}

void *
__wrap_rte_zmalloc(const char *type, size_t size, unsigned int align)
{
	(void)type;
	(void)align;
	return t_alloc(size);
}

void *
__wrap_rte_malloc(const char *type, size_t size, unsigned int align)
{
	(void)type;
	(void)align;
	return t_alloc(size);
}

void
__wrap_rte_free(void *p)
{
	free(p);
}

/* No worker: every grace period is over at once. */
int
__wrap_rte_rcu_qsbr_synchronize(struct rte_rcu_qsbr *v, unsigned int id)
{
	(void)v;
	(void)id;
	return 0;
}

uint64_t
__wrap_rte_get_tsc_hz(void)
{
	return 1000000000;
}

int
__wrap_maglev_build(const struct maglev_backend *be, unsigned int nb_be,
	uint32_t size, uint64_t seed, uint16_t *table)
{
	t_builds++;
	return __real_maglev_build(be, nb_be, size, seed, table);
}

void
lb_stats_obj_retire(enum lb_stats_kind kind, unsigned int id)
{
	(void)id;
	t_retired[kind]++;
}

struct port *
port_by_id(uint16_t id)
{
	unsigned int i;

	for (i = 0; i < weir.nb_ports; i++)
		if (weir.ports[i].id == id)
			return &weir.ports[i];
	return NULL;
}

/*
 * The resolver the local module would give: 198.18.1.x is behind port b
 * (DPDK id 7) at MAC 02:00:00:00:01:x, unless t_unresolved names it;
 * t_mac_bump changes every MAC, as a re-learned neighbor would.
 */
static uint8_t t_unresolved = 0xff;
static uint8_t t_mac_bump;

static bool
t_nh(void *arg, const struct weir_addr *addr, uint16_t *port_id,
	struct rte_ether_addr *mac)
{
	uint8_t last = addr->family == AF_INET ? addr->a[3] : addr->a[15];

	(void)arg;
	*port_id = addr->family == AF_INET ? 7 : 3;
	memset(mac, 0, sizeof(*mac));
	if (last == t_unresolved)
		return false;
	mac->addr_bytes[0] = 0x02;
	mac->addr_bytes[4] = 0x01;
	mac->addr_bytes[5] = (uint8_t)(last + t_mac_bump);
	return true;
}

/* -- Fixture --------------------------------------------------------------- */

static void
setup(void)
{
	char err[512];
	unsigned int i;

	weir.conf = cfg_conf_load("svc.conf", err, sizeof(err));
	if (weir.conf == NULL) {
		fprintf(stderr, "svc.conf: %s\n", err);
		abort();
	}
	for (i = 0; i < 2; i++) {
		t_ports[i].cfg = &weir.conf->ports[i];
		t_ports[i].id = i == 0 ? 3 : 7;
		t_ports[i].mac = (struct rte_ether_addr){ { 0x02, 0xaa, 0xbb,
			0xcc, 0xdd, (uint8_t)i } };
	}
	weir.ports = t_ports;
	weir.nb_ports = 2;
	weir.ticks_per_s = 1024;
	t_alloc_fail_in = 0;
	t_unresolved = 0xff;
	t_mac_bump = 0;
	svc_nh_set(t_nh, NULL);
	CU_ASSERT_EQUAL_FATAL(svc_publish("test"), 0);
}

static void
teardown(void)
{
	svc_snap_fini();
	/* Every id goes free with the services gone. */
	cfg_conf_free(weir.conf);
	weir.conf = NULL;
	t_builds = 0;
	memset(t_retired, 0, sizeof(t_retired));
}

static const struct svc_snap *
snap(void)
{
	return weir_rcu_get(&weir.snap);
}

static struct weir_addr
addr(const char *s)
{
	struct weir_prefix p;

	CU_ASSERT_EQUAL(weir_prefix_parse(s, false, &p), 0);
	return p.addr;
}

static const struct svc *
find(const char *vip, uint8_t proto, uint16_t port)
{
	struct weir_addr a = addr(vip);

	return svc_find(snap(), a.family, proto, a.a, port);
}

static const char *
name_of(const struct svc *v)
{
	return v ? v->name : "(none)";
}

/* -- Tests ----------------------------------------------------------------- */

/* A packet finds its service by VIP, protocol and port, whatever the
 * number of services on one VIP; anything else finds none. */
static void
test_find_service_by_vip_proto_port(void)
{
	struct weir_addr vip = addr("198.18.0.10");
	const struct svc *web;

	setup();
	CU_ASSERT_STRING_EQUAL(
		name_of(find("198.18.0.10", IPPROTO_TCP, 80)), "web");
	CU_ASSERT_STRING_EQUAL(
		name_of(find("198.18.0.10", IPPROTO_UDP, 53)), "dns");
	CU_ASSERT_STRING_EQUAL(
		name_of(find("198.18.0.10", IPPROTO_TCP, 8000)), "alt");
	CU_ASSERT_STRING_EQUAL(
		name_of(find("198.18.0.10", IPPROTO_TCP, 8010)), "alt");
	CU_ASSERT_STRING_EQUAL(
		name_of(find("2001:2:0:1::10", IPPROTO_TCP, 80)), "web6");
	CU_ASSERT_PTR_NULL(find("198.18.0.10", IPPROTO_TCP, 8011));
	CU_ASSERT_PTR_NULL(find("198.18.0.10", IPPROTO_UDP, 80));
	CU_ASSERT_PTR_NULL(find("198.18.0.11", IPPROTO_TCP, 80));
	/* The same bytes as an IPv6 address are another VIP. */
	CU_ASSERT_PTR_NULL(svc_find(snap(), AF_INET6, IPPROTO_TCP, vip.a, 80));
	CU_ASSERT_TRUE(svc_is_vip(snap(), AF_INET, vip.a));
	CU_ASSERT_FALSE(svc_is_vip(snap(), AF_INET, addr("198.18.0.1").a));
	/* A session finds its service by id, and by VIP if the id moved. */
	web = find("198.18.0.10", IPPROTO_TCP, 80);
	CU_ASSERT_PTR_EQUAL(svc_of_session(snap(), web->id, AF_INET,
				    IPPROTO_TCP, vip.a, 80),
		web);
	CU_ASSERT_PTR_EQUAL(svc_of_session(snap(), (uint16_t)(web->id + 1),
				    AF_INET, IPPROTO_TCP, vip.a, 80),
		web);
	CU_ASSERT_PTR_EQUAL(svc_by_id(web->id), web);
	teardown();
}

static bool
has4(const struct svc_port *sp, const char *a)
{
	struct weir_addr w = addr(a);
	uint32_t ip;

	memcpy(&ip, w.a, 4);
	return svc_port_has_ip4(sp, ip);
}

static bool
has6(const struct svc_port *sp, const char *a)
{
	return svc_port_has_ip6(sp, addr(a).a);
}

/*
 * A port answers for its own addresses, its IPv6 link-local address
 * (modified EUI-64 of its MAC), and the local and VIP addresses that its
 * prefixes hold; an off-link VIP is answered for by none.
 */
static void
test_port_addresses_weir_answers_for(void)
{
	const struct svc_port *a, *b;

	setup();
	a = &snap()->port[3];
	b = &snap()->port[7];
	CU_ASSERT_TRUE(a->in_use && b->in_use && !snap()->port[0].in_use);
	CU_ASSERT_EQUAL(a->idx, 0);
	CU_ASSERT_EQUAL(b->idx, 1);
	CU_ASSERT_TRUE(has4(a, "198.18.0.1") && has4(a, "198.18.0.2") &&
		has4(a, "198.18.0.10"));
	CU_ASSERT_TRUE(has6(a, "2001:2:0:1::1") && has6(a, "2001:2:0:1::10") &&
		has6(a, "fe80::aa:bbff:fecc:dd00"));
	CU_ASSERT_EQUAL(a->nb_ip4, 3);
	CU_ASSERT_EQUAL(a->nb_ip6, 3);
	/* b: its address, dns's default local address (the same), and no
	 * IPv6 at all, so no link-local. */
	CU_ASSERT_TRUE(has4(b, "198.18.1.1"));
	CU_ASSERT_EQUAL(b->nb_ip4, 1);
	CU_ASSERT_EQUAL(b->nb_ip6, 0);
	CU_ASSERT_FALSE(has4(a, "198.19.5.5") || has4(b, "198.19.5.5"));
	teardown();
}

/* Backends with their next hops as the resolver gives them. */
static void
test_backends_resolved_and_weighted(void)
{
	const struct svc *web;
	unsigned int i, slots[2] = { 0, 0 };

	setup();
	web = find("198.18.0.10", IPPROTO_TCP, 80);
	CU_ASSERT_EQUAL_FATAL(web->nb_be, 2);
	CU_ASSERT_TRUE(web->be[0].has_mac && web->be[1].has_mac);
	CU_ASSERT_EQUAL(web->be[1].mac.addr_bytes[5], 12);
	CU_ASSERT_EQUAL(web->be[0].tx_port, 7);
	CU_ASSERT_EQUAL(web->be[0].port, htons(8080));
	CU_ASSERT_EQUAL(web->table_size, 251);
	CU_ASSERT_PTR_NOT_NULL_FATAL(web->table);
	for (i = 0; i < web->table_size; i++) {
		CU_ASSERT_FATAL(web->table[i] < 2);
		slots[web->table[i]]++;
	}
	/* Weights 1 and 2: about a third and two thirds of the slots. */
	CU_ASSERT(slots[0] > 75 && slots[0] < 92);
	CU_ASSERT_EQUAL(slots[0] + slots[1], 251);
	/* A next hop nobody knows yet: published as unresolved. */
	t_unresolved = 12;
	CU_ASSERT_TRUE(svc_nh_changed());
	CU_ASSERT_EQUAL(svc_publish("test"), 0);
	web = find("198.18.0.10", IPPROTO_TCP, 80);
	CU_ASSERT_FALSE(web->be[1].has_mac);
	CU_ASSERT_FALSE(svc_nh_changed());
	/* A MAC that changes is a change too. */
	t_mac_bump = 1;
	CU_ASSERT_TRUE(svc_nh_changed());
	teardown();
}

/*
 * A drained backend keeps its place but owns no slot; when no backend
 * has weight, the service has no table (new flows are refused).
 */
static void
test_drain_and_zero_weight(void)
{
	struct cfg_service *s;
	const struct svc *web;
	unsigned int i;

	setup();
	s = cfg_service_find(weir.conf, "web");
	s->backends[1].state = SVC_BE_DRAIN;
	CU_ASSERT_EQUAL(svc_publish("test"), 0);
	web = find("198.18.0.10", IPPROTO_TCP, 80);
	CU_ASSERT_EQUAL(web->nb_be, 2);
	for (i = 0; i < web->table_size; i++)
		CU_ASSERT_EQUAL(web->table[i], 0);
	s->backends[0].weight = 0;
	CU_ASSERT_EQUAL(svc_publish("test"), 0);
	web = find("198.18.0.10", IPPROTO_TCP, 80);
	CU_ASSERT_PTR_NULL(web->table);
	teardown();
}

/* @return how many slots of 'v''s table backend index 'j' owns. */
static unsigned int slots_of(const struct svc *v, unsigned int j);

/*
 * A backend weir cannot reach yet owns no slot, so its share of new
 * flows is not dropped; resolved, it takes its slots back. With none
 * resolved, the table stays (the flows drop as unresolved).
 */
static void
test_unresolved_owns_no_slot(void)
{
	const struct svc *web;

	setup();
	t_unresolved = 12;
	CU_ASSERT_EQUAL(svc_publish("test"), 0);
	web = find("198.18.0.10", IPPROTO_TCP, 80);
	CU_ASSERT_FALSE(web->be[1].has_mac);
	CU_ASSERT_EQUAL(slots_of(web, 1), 0);
	CU_ASSERT_EQUAL(slots_of(web, 0), web->table_size);
	t_unresolved = 0xff;
	CU_ASSERT_EQUAL(svc_publish("test"), 0);
	web = find("198.18.0.10", IPPROTO_TCP, 80);
	CU_ASSERT(slots_of(web, 1) > 150);
	teardown();
}

static unsigned int
slots_of(const struct svc *v, unsigned int j)
{
	unsigned int i, n = 0;

	for (i = 0; v->table != NULL && i < v->table_size; i++)
		n += v->table[i] == j;
	return n;
}

/*
 * An ejected backend owns no slot; the ejection follows the backend's id
 * across rebuilds, and a new backend (or an id given to another) starts
 * healthy.
 */
static void
test_ejected_owns_no_slot(void)
{
	struct cfg_service *s;
	const struct svc *web;

	setup();
	s = cfg_service_find(weir.conf, "web");
	s->panic_pct = 0;
	web = find("198.18.0.10", IPPROTO_TCP, 80);
	svc_be_set_ejected(web->be[1].id, true);
	CU_ASSERT_EQUAL(svc_publish("test"), 0);
	web = find("198.18.0.10", IPPROTO_TCP, 80);
	CU_ASSERT_TRUE(web->be[1].ejected);
	CU_ASSERT_FALSE(web->panic);
	CU_ASSERT_EQUAL(slots_of(web, 1), 0);
	CU_ASSERT_EQUAL(slots_of(web, 0), web->table_size);
	/* Ejecting the last one leaves no taker: no table, no panic (off). */
	svc_be_set_ejected(web->be[0].id, true);
	CU_ASSERT_EQUAL(svc_publish("test"), 0);
	web = find("198.18.0.10", IPPROTO_TCP, 80);
	CU_ASSERT_PTR_NULL(web->table);
	svc_be_set_ejected(web->be[0].id, false);
	svc_be_set_ejected(web->be[1].id, false);
	CU_ASSERT_EQUAL(svc_publish("test"), 0);
	web = find("198.18.0.10", IPPROTO_TCP, 80);
	CU_ASSERT(slots_of(web, 0) > 0 && slots_of(web, 1) > 0);
	CU_ASSERT_FALSE(svc_be_ejected(web->be[0].id));
	teardown();
}

/*
 * Panic: below panic_percent of healthy takers, ejected backends own
 * their slots again. web has two takers: one ejected is 50% healthy,
 * panic at 51% and not at 50%; drained backends are not takers.
 */
static void
test_panic_threshold(void)
{
	struct cfg_service *s;
	const struct svc *web;

	setup();
	s = cfg_service_find(weir.conf, "web");
	web = find("198.18.0.10", IPPROTO_TCP, 80);
	svc_be_set_ejected(web->be[1].id, true);
	s->panic_pct = 50;
	CU_ASSERT_EQUAL(svc_publish("test"), 0);
	web = find("198.18.0.10", IPPROTO_TCP, 80);
	CU_ASSERT_FALSE(web->panic);
	CU_ASSERT_EQUAL(slots_of(web, 1), 0);
	s->panic_pct = 51;
	CU_ASSERT_EQUAL(svc_publish("test"), 0);
	web = find("198.18.0.10", IPPROTO_TCP, 80);
	CU_ASSERT_TRUE(web->panic);
	CU_ASSERT(slots_of(web, 1) > slots_of(web, 0)); /* weight 2 to 1 */
	/* The healthy one drained: the only taker is ejected, 0% healthy,
	 * and it takes the flows rather than none. */
	s->backends[0].state = SVC_BE_DRAIN;
	CU_ASSERT_EQUAL(svc_publish("test"), 0);
	web = find("198.18.0.10", IPPROTO_TCP, 80);
	CU_ASSERT_TRUE(web->panic);
	CU_ASSERT_EQUAL(slots_of(web, 1), web->table_size);
	svc_be_set_ejected(web->be[1].id, false);
	teardown();
}

/*
 * Stable ids: a kept backend keeps its id (and so its counters) across
 * rebuilds that change the others; a new one gets a fresh id whose
 * counters start from zero (retired), never the id of one just removed.
 */
static void
test_ids_stable_across_changes(void)
{
	struct cfg_backend nb = { .port = 8080, .weight = 1 };
	struct cfg_service *s;
	struct weir_addr a11 = addr("198.18.1.11"), a12 = addr("198.18.1.12");
	int id11, id12, id13, web_id;
	char err[256];

	setup();
	s = cfg_service_find(weir.conf, "web");
	web_id = svc_id_of("web");
	id11 = svc_be_id_of("web", &a11, 8080);
	id12 = svc_be_id_of("web", &a12, 8080);
	CU_ASSERT_TRUE(web_id >= 0 && id11 >= 0 && id12 >= 0 && id11 != id12);
	/* The same address under another service is another backend. */
	CU_ASSERT_NOT_EQUAL(svc_be_id_of("dns", &a11, 5353), id11);
	CU_ASSERT_EQUAL(svc_be_id_of("web", &a11, 9999), -ENOENT);
	CU_ASSERT_EQUAL(svc_be_id_of("nope", &a11, 8080), -ENOENT);
	memset(t_retired, 0, sizeof(t_retired));
	CU_ASSERT_EQUAL(cfg_backend_del(s, &a11, 8080), 0);
	nb.addr = addr("198.18.1.13");
	CU_ASSERT_EQUAL(
		cfg_backend_set(weir.conf, s, &nb, err, sizeof(err)), 1);
	CU_ASSERT_EQUAL(svc_publish("test"), 0);
	id13 = svc_be_id_of("web", &nb.addr, 8080);
	CU_ASSERT_EQUAL(svc_be_id_of("web", &a12, 8080), id12);
	CU_ASSERT_EQUAL(svc_be_id_of("web", &a11, 8080), -ENOENT);
	CU_ASSERT_TRUE(id13 >= 0 && id13 != id11 && id13 != id12);
	CU_ASSERT_EQUAL(t_retired[LB_STATS_BE], 1);
	CU_ASSERT_EQUAL(t_retired[LB_STATS_SVC], 0);
	CU_ASSERT_EQUAL(svc_id_of("web"), web_id);
	/* A service removed and added again starts from zero. */
	CU_ASSERT_EQUAL(cfg_service_del(weir.conf, "dns"), 0);
	CU_ASSERT_EQUAL(svc_publish("test"), 0);
	CU_ASSERT_EQUAL(svc_id_of("dns"), -ENOENT);
	teardown();
}

/*
 * Republishing does not rebuild a Maglev table whose inputs (size, seed,
 * backends and weights) did not change: it is copied. A next hop or an
 * unrelated service changing costs no build; a weight does.
 */
static void
test_unchanged_tables_copied(void)
{
	const struct svc *web;
	uint16_t before[251];
	struct cfg_service *s;

	setup();
	CU_ASSERT_EQUAL(t_builds, 5); /* every service, at first */
	web = find("198.18.0.10", IPPROTO_TCP, 80);
	memcpy(before, web->table, sizeof(before));
	t_builds = 0;
	t_mac_bump = 1; /* next hops move: no weight changes */
	CU_ASSERT_EQUAL(svc_publish("test"), 0);
	CU_ASSERT_EQUAL(t_builds, 0);
	web = find("198.18.0.10", IPPROTO_TCP, 80);
	CU_ASSERT_EQUAL(memcmp(before, web->table, sizeof(before)), 0);
	s = cfg_service_find(weir.conf, "web");
	s->backends[0].weight = 3;
	CU_ASSERT_EQUAL(svc_publish("test"), 0);
	CU_ASSERT_EQUAL(t_builds, 1);
	teardown();
}

/*
 * A build that fails (out of memory half-way) publishes nothing: the
 * running snapshot and every id stay as they were.
 */
static void
test_failed_build_keeps_published(void)
{
	struct cfg_backend nb = { .port = 8080, .weight = 1 };
	const struct svc_snap *old;
	struct cfg_service *s;
	char err[256];
	uint64_t gen;

	setup();
	old = snap();
	gen = old->gen;
	s = cfg_service_find(weir.conf, "web");
	nb.addr = addr("198.18.1.15");
	CU_ASSERT_EQUAL(
		cfg_backend_set(weir.conf, s, &nb, err, sizeof(err)), 1);
	t_alloc_fail_in = 6;
	CU_ASSERT_EQUAL(svc_publish("test"), -ENOMEM);
	CU_ASSERT_PTR_EQUAL(snap(), old);
	CU_ASSERT_EQUAL(snap()->gen, gen);
	CU_ASSERT_EQUAL(find("198.18.0.10", IPPROTO_TCP, 80)->nb_be, 2);
	CU_ASSERT(svc_id_of("web") >= 0);
	/* The next one goes through and is the next generation. */
	CU_ASSERT_EQUAL(svc_publish("test"), 0);
	CU_ASSERT_EQUAL(snap()->gen, gen + 1);
	CU_ASSERT_EQUAL(find("198.18.0.10", IPPROTO_TCP, 80)->nb_be, 3);
	CU_ASSERT(svc_be_id_of("web", &nb.addr, 8080) >= 0);
	teardown();
}

static CU_TestInfo tests[] = {
	{ "find_service_by_vip_proto_port",
		test_find_service_by_vip_proto_port },
	{ "port_addresses_weir_answers_for",
		test_port_addresses_weir_answers_for },
	{ "backends_resolved_and_weighted",
		test_backends_resolved_and_weighted },
	{ "drain_and_zero_weight", test_drain_and_zero_weight },
	{ "unresolved_owns_no_slot", test_unresolved_owns_no_slot },
	{ "ejected_owns_no_slot", test_ejected_owns_no_slot },
	{ "panic_threshold", test_panic_threshold },
	{ "ids_stable_across_changes", test_ids_stable_across_changes },
	{ "unchanged_tables_copied", test_unchanged_tables_copied },
	{ "failed_build_keeps_published", test_failed_build_keeps_published },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = { { .pName = "svc", .pTests = tests },
	CU_SUITE_INFO_NULL };

int
main(void)
{
	return weir_cunit_run(suites);
}
