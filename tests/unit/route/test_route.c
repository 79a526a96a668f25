/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the control-plane route table (lib/route): connected
 * prefixes made from the port addresses, static routes from the config,
 * longest-prefix match across both, address families kept apart, and the
 * no-route answer. Each test fills a struct cfg_conf by hand, parsing
 * addresses with weir_prefix_parse(), instead of loading a file; expected
 * hops are written out in the tests, never computed.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "weir_cunit.h"
#include "cfg.h"
#include "route.h"

/* The conf under construction; large, so static, cleared per test. */
static struct cfg_conf conf;

/* Suite set-up. */
static void
conf_reset(void)
{
	memset(&conf, 0, sizeof(conf));
}

static struct weir_prefix
prefix(const char *s)
{
	struct weir_prefix p;

	CU_ASSERT_EQUAL_FATAL(weir_prefix_parse(s, true, &p), 0);
	return p;
}

static struct weir_addr
addr(const char *s)
{
	struct weir_prefix p;

	CU_ASSERT_EQUAL_FATAL(weir_prefix_parse(s, false, &p), 0);
	CU_ASSERT_EQUAL_FATAL(p.len, p.addr.family == AF_INET ? 32 : 128);
	return p.addr;
}

/* Add "addr/len" to port 'port' (ports up to it come into being). */
static void
port_addr(unsigned int port, const char *s)
{
	struct cfg_port *p = &conf.ports[port];

	CU_ASSERT_FATAL(port < CFG_PORTS_MAX);
	CU_ASSERT_FATAL(p->nb_addrs < CFG_PORT_ADDRS_MAX);
	p->addrs[p->nb_addrs++] = prefix(s);
	if (conf.nb_ports <= port)
		conf.nb_ports = port + 1;
}

static void
route_add(const char *dst, const char *via, unsigned int port)
{
	struct cfg_route *r = &conf.routes[conf.nb_routes];

	CU_ASSERT_FATAL(conf.nb_routes < CFG_ROUTES_MAX);
	r->dst = prefix(dst);
	r->via = addr(via);
	r->port = port;
	conf.nb_routes++;
}

/* The usual two ports, each with an IPv4 /24 and an IPv6 /64. */
static void
conf_two_ports(void)
{
	port_addr(0, "198.18.0.1/24");
	port_addr(0, "2001:db8:0:1::1/64");
	port_addr(1, "198.18.1.1/24");
	port_addr(1, "2001:db8:0:2::1/64");
}

static struct route_table *
table_new(void)
{
	struct route_table *t = route_table_create(&conf);

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	return t;
}

static bool
addr_eq(const struct weir_addr *a, const struct weir_addr *b)
{
	return a->family == b->family && memcmp(a->a, b->a, 16) == 0;
}

/* 'dst' leaves through 'port' on its own prefix: nh is dst itself. */
static void
expect_connected(
	const struct route_table *t, const char *dst, unsigned int port)
{
	struct weir_addr d = addr(dst);
	struct route_hop hop;

	memset(&hop, 0xa5, sizeof(hop));
	CU_ASSERT_EQUAL_FATAL(route_lookup(t, &d, &hop), 0);
	CU_ASSERT_EQUAL(hop.port, port);
	CU_ASSERT_TRUE(hop.connected);
	CU_ASSERT(addr_eq(&hop.nh, &d));
}

/* 'dst' leaves through 'port' via gateway 'via'. */
static void
expect_via(const struct route_table *t, const char *dst, const char *via,
	unsigned int port)
{
	struct weir_addr d = addr(dst), g = addr(via);
	struct route_hop hop;

	memset(&hop, 0xa5, sizeof(hop));
	CU_ASSERT_EQUAL_FATAL(route_lookup(t, &d, &hop), 0);
	CU_ASSERT_EQUAL(hop.port, port);
	CU_ASSERT_FALSE(hop.connected);
	CU_ASSERT(addr_eq(&hop.nh, &g));
}

static void
expect_unreachable(const struct route_table *t, const char *dst)
{
	struct weir_addr d = addr(dst);
	struct route_hop hop;

	CU_ASSERT_EQUAL(route_lookup(t, &d, &hop), -ENETUNREACH);
}

static void
test_route_connected_host_on_port(void)
{
	struct route_table *t;

	conf_two_ports();
	t = table_new();
	expect_connected(t, "198.18.0.77", 0);
	expect_connected(t, "198.18.0.254", 0);
	expect_connected(t, "198.18.1.2", 1);
	expect_connected(t, "198.18.1.255", 1);
	expect_connected(t, "2001:db8:0:1::abcd", 0);
	expect_connected(t, "2001:db8:0:1:ffff:ffff:ffff:ffff", 0);
	expect_connected(t, "2001:db8:0:2::5", 1);
	/* Its own addresses too. */
	expect_connected(t, "198.18.0.1", 0);
	expect_connected(t, "2001:db8:0:2::1", 1);
	/* Next to them: nothing. */
	expect_unreachable(t, "198.18.2.1");
	expect_unreachable(t, "198.17.255.255");
	expect_unreachable(t, "2001:db8:0:3::1");
	expect_unreachable(t, "2001:db8::1");
	route_table_destroy(t);
}

static void
test_route_connected_several_addrs_per_port(void)
{
	struct route_table *t;

	port_addr(0, "198.18.0.1/24");
	port_addr(0, "203.0.113.1/28");
	port_addr(0, "fe80::1/64");
	port_addr(2, "192.0.2.1/30");
	t = table_new();
	expect_connected(t, "203.0.113.14", 0);
	expect_unreachable(t, "203.0.113.16");
	expect_connected(t, "fe80::1234", 0);
	/* A port without addresses in between is no obstacle. */
	expect_connected(t, "192.0.2.2", 2);
	expect_unreachable(t, "192.0.2.4");
	route_table_destroy(t);
}

static void
test_route_static_longest_prefix_wins(void)
{
	struct route_table *t;

	conf_two_ports();
	route_add("0.0.0.0/0", "198.18.1.254", 1);
	route_add("198.19.0.0/16", "198.18.0.254", 0);
	t = table_new();
	expect_via(t, "198.19.0.0", "198.18.0.254", 0);
	expect_via(t, "198.19.3.4", "198.18.0.254", 0);
	expect_via(t, "198.19.255.255", "198.18.0.254", 0);
	/* The default catches the rest. */
	expect_via(t, "198.20.0.1", "198.18.1.254", 1);
	expect_via(t, "198.18.2.1", "198.18.1.254", 1);
	expect_via(t, "8.8.8.8", "198.18.1.254", 1);
	expect_via(t, "0.0.0.0", "198.18.1.254", 1);
	expect_via(t, "255.255.255.255", "198.18.1.254", 1);
	/* Connected /24s beat the default. */
	expect_connected(t, "198.18.0.200", 0);
	expect_connected(t, "198.18.1.200", 1);
	/* The gateways themselves are on-link. */
	expect_connected(t, "198.18.1.254", 1);
	route_table_destroy(t);
}

static void
test_route_static_order_irrelevant(void)
{
	static const char *const dst[] = {
		"10.0.0.0/8",
		"10.1.0.0/16",
		"10.1.2.0/24",
		"10.1.2.3/32",
		"10.1.128.0/17",
		"0.0.0.0/0",
	};
	static const char *const via[] = {
		"198.18.0.8",
		"198.18.0.16",
		"198.18.1.24",
		"198.18.1.32",
		"198.18.0.17",
		"198.18.1.254",
	};
	static const unsigned int port[] = { 0, 0, 1, 1, 0, 1 };
	static const unsigned int orders[][6] = {
		{ 0, 1, 2, 3, 4, 5 },
		{ 5, 4, 3, 2, 1, 0 },
		{ 2, 5, 0, 3, 1, 4 },
		{ 3, 0, 4, 5, 2, 1 },
	};
	struct route_table *t;
	unsigned int o, i;

	for (o = 0; o < sizeof(orders) / sizeof(orders[0]); o++) {
		conf_reset();
		conf_two_ports();
		for (i = 0; i < 6; i++)
			route_add(dst[orders[o][i]], via[orders[o][i]],
				port[orders[o][i]]);
		t = table_new();
		expect_via(t, "10.200.0.1", "198.18.0.8", 0);
		expect_via(t, "10.1.0.1", "198.18.0.16", 0);
		expect_via(t, "10.1.127.255", "198.18.0.16", 0);
		expect_via(t, "10.1.128.0", "198.18.0.17", 0);
		expect_via(t, "10.1.255.1", "198.18.0.17", 0);
		expect_via(t, "10.1.2.1", "198.18.1.24", 1);
		expect_via(t, "10.1.2.3", "198.18.1.32", 1);
		expect_via(t, "10.1.2.4", "198.18.1.24", 1);
		expect_via(t, "11.0.0.0", "198.18.1.254", 1);
		expect_via(t, "9.255.255.255", "198.18.1.254", 1);
		expect_connected(t, "198.18.0.9", 0);
		route_table_destroy(t);
	}
}

static void
test_route_ip6_default_and_48(void)
{
	struct route_table *t;

	conf_two_ports();
	route_add("::/0", "2001:db8:0:2::fe", 1);
	route_add("2001:db8:aa::/48", "2001:db8:0:1::fe", 0);
	t = table_new();
	expect_via(t, "2001:db8:aa::1", "2001:db8:0:1::fe", 0);
	expect_via(t, "2001:db8:aa:ffff:ffff:ffff:ffff:ffff",
		"2001:db8:0:1::fe", 0);
	expect_via(t, "2001:db8:ab::1", "2001:db8:0:2::fe", 1);
	expect_via(t, "2001:db8:a9:ffff::1", "2001:db8:0:2::fe", 1);
	expect_via(t, "2606:4700::1111", "2001:db8:0:2::fe", 1);
	expect_via(t, "::", "2001:db8:0:2::fe", 1);
	expect_connected(t, "2001:db8:0:1::99", 0);
	expect_connected(t, "2001:db8:0:2::99", 1);
	/* No IPv4 default: IPv4 beyond the connected prefixes has no route. */
	expect_unreachable(t, "8.8.8.8");
	expect_unreachable(t, "0.0.0.0");
	expect_connected(t, "198.18.1.9", 1);
	route_table_destroy(t);
}

static void
test_route_family_never_crosses(void)
{
	struct route_table *t;

	/* IPv6 routes only: no IPv4 address matches, even one whose bytes
	 * are the leading bytes of an IPv6 prefix (32.1.13.184 is
	 * 20 01 0d b8, as 2001:db8::/32 begins). */
	port_addr(0, "2001:db8::1/32");
	route_add("::/0", "2001:db8::fe", 0);
	t = table_new();
	expect_unreachable(t, "32.1.13.184");
	expect_unreachable(t, "0.0.0.0");
	expect_unreachable(t, "255.255.255.255");
	expect_connected(t, "2001:db8:ffff::1", 0);
	route_table_destroy(t);

	/* And the other way round. */
	conf_reset();
	port_addr(0, "32.1.13.184/30");
	route_add("0.0.0.0/0", "32.1.13.185", 0);
	t = table_new();
	expect_unreachable(t, "2001:db8::1");
	expect_unreachable(t, "2001:db8:0:0:ffff::");
	expect_unreachable(t, "::");
	expect_unreachable(t, "::ffff:32.1.13.184");
	expect_connected(t, "32.1.13.186", 0);
	route_table_destroy(t);
}

static void
test_route_no_route_enetunreach(void)
{
	struct route_table *t;
	struct weir_addr d = addr("198.18.0.1");
	struct route_hop hop;

	/* An empty config builds an empty table. */
	t = table_new();
	CU_ASSERT_EQUAL(route_lookup(t, &d, &hop), -ENETUNREACH);
	expect_unreachable(t, "2001:db8::1");
	route_table_destroy(t);

	port_addr(0, "198.18.0.1/24");
	route_add("198.19.0.0/16", "198.18.0.254", 0);
	t = table_new();
	expect_unreachable(t, "10.0.0.1");
	expect_unreachable(t, "198.20.0.0");
	expect_unreachable(t, "198.18.1.0");
	expect_unreachable(t, "2001:db8::1");
	route_table_destroy(t);
}

static void
test_route_port_host_bits_masked(void)
{
	struct route_table *t;

	port_addr(0, "198.18.0.1/24");
	port_addr(1, "198.18.5.130/25");
	port_addr(1, "10.9.8.7/12");
	port_addr(0, "2001:db8:0:1:aaaa:bbbb:cccc:dddd/64");
	port_addr(1, "2001:db8:1:2:3:4:5:6/63");
	t = table_new();
	expect_connected(t, "198.18.0.200", 0);
	expect_connected(t, "198.18.0.0", 0);
	expect_unreachable(t, "198.18.1.0");
	expect_connected(t, "198.18.5.128", 1);
	expect_connected(t, "198.18.5.255", 1);
	expect_unreachable(t, "198.18.5.127");
	/* 10.9.8.7/12 is 10.0.0.0/12. */
	expect_connected(t, "10.0.0.1", 1);
	expect_connected(t, "10.15.255.255", 1);
	expect_unreachable(t, "10.16.0.0");
	expect_connected(t, "2001:db8:0:1::1", 0);
	expect_unreachable(t, "2001:db8:0:2::1");
	/* 2001:db8:1:2::/63 holds :2:: and :3::, not :4::. */
	expect_connected(t, "2001:db8:1:2::", 1);
	expect_connected(t, "2001:db8:1:3:ffff::1", 1);
	expect_unreachable(t, "2001:db8:1:4::1");
	expect_unreachable(t, "2001:db8:1:1::1");
	route_table_destroy(t);
}

static void
test_route_host_routes_exact_only(void)
{
	struct route_table *t;

	conf_two_ports();
	route_add("203.0.113.5/32", "198.18.0.254", 0);
	route_add("2001:db8:ff::5/128", "2001:db8:0:2::fe", 1);
	t = table_new();
	expect_via(t, "203.0.113.5", "198.18.0.254", 0);
	expect_unreachable(t, "203.0.113.4");
	expect_unreachable(t, "203.0.113.6");
	expect_unreachable(t, "203.0.112.5");
	expect_via(t, "2001:db8:ff::5", "2001:db8:0:2::fe", 1);
	expect_unreachable(t, "2001:db8:ff::4");
	expect_unreachable(t, "2001:db8:ff::6");
	expect_unreachable(t, "2001:db8:ff::1:5");
	route_table_destroy(t);
}

static void
test_route_host_route_beats_connected(void)
{
	struct route_table *t;

	conf_two_ports();
	route_add("198.18.1.50/32", "198.18.0.254", 0);
	route_add("2001:db8:0:2::50/128", "2001:db8:0:1::fe", 0);
	route_add("0.0.0.0/0", "198.18.1.254", 1);
	t = table_new();
	expect_via(t, "198.18.1.50", "198.18.0.254", 0);
	expect_connected(t, "198.18.1.49", 1);
	expect_connected(t, "198.18.1.51", 1);
	expect_via(t, "2001:db8:0:2::50", "2001:db8:0:1::fe", 0);
	expect_connected(t, "2001:db8:0:2::51", 1);
	route_table_destroy(t);
}

static void
test_route_default_only_matches_all(void)
{
	struct route_table *t;

	/* No ports at all: the table does not need them. */
	route_add("0.0.0.0/0", "192.0.2.1", 3);
	t = table_new();
	expect_via(t, "0.0.0.0", "192.0.2.1", 3);
	expect_via(t, "127.0.0.1", "192.0.2.1", 3);
	expect_via(t, "192.0.2.1", "192.0.2.1", 3);
	expect_via(t, "255.255.255.255", "192.0.2.1", 3);
	expect_unreachable(t, "::1");
	route_table_destroy(t);

	conf_reset();
	route_add("::/0", "fe80::1", 2);
	t = table_new();
	expect_via(t, "::", "fe80::1", 2);
	expect_via(t, "2001:db8::1", "fe80::1", 2);
	expect_via(t, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fe80::1", 2);
	expect_unreachable(t, "10.0.0.1");
	route_table_destroy(t);
}

static void
test_route_many_routes_all_found(void)
{
	struct route_table *t;
	char dst[32], via[32], host[32];
	unsigned int i;

	/* CFG_ROUTES_MAX /24s plus the connected prefixes. */
	conf_two_ports();
	for (i = 0; i < CFG_ROUTES_MAX; i++) {
		snprintf(dst, sizeof(dst), "10.%u.%u.0/24", i / 16, i % 16);
		snprintf(via, sizeof(via), "198.18.%u.%u", i % 2, i / 2 + 2);
		route_add(dst, via, i % 2);
	}
	t = table_new();
	for (i = 0; i < CFG_ROUTES_MAX; i++) {
		snprintf(host, sizeof(host), "10.%u.%u.%u", i / 16, i % 16, i);
		snprintf(via, sizeof(via), "198.18.%u.%u", i % 2, i / 2 + 2);
		expect_via(t, host, via, i % 2);
	}
	expect_unreachable(t, "10.0.16.1");
	expect_connected(t, "198.18.1.1", 1);
	route_table_destroy(t);
}

static void
test_route_destroy_null_noop(void)
{
	route_table_destroy(NULL);
	CU_PASS("route_table_destroy(NULL) returned");
}

static CU_TestInfo tests[] = {
	{ "connected_host_on_port", test_route_connected_host_on_port },
	{ "connected_several_addrs_per_port",
		test_route_connected_several_addrs_per_port },
	{ "static_longest_prefix_wins", test_route_static_longest_prefix_wins },
	{ "static_order_irrelevant", test_route_static_order_irrelevant },
	{ "ip6_default_and_48", test_route_ip6_default_and_48 },
	{ "family_never_crosses", test_route_family_never_crosses },
	{ "no_route_enetunreach", test_route_no_route_enetunreach },
	{ "port_host_bits_masked", test_route_port_host_bits_masked },
	{ "host_routes_exact_only", test_route_host_routes_exact_only },
	{ "host_route_beats_connected", test_route_host_route_beats_connected },
	{ "default_only_matches_all", test_route_default_only_matches_all },
	{ "many_routes_all_found", test_route_many_routes_all_found },
	{ "destroy_null_noop", test_route_destroy_null_noop }, CU_TEST_INFO_NULL
};

static CU_SuiteInfo suites[] = {
	{ .pName = "route", .pSetUpFunc = conf_reset, .pTests = tests },
	CU_SUITE_INFO_NULL
};

int
main(void)
{
	return weir_cunit_run(suites);
}
