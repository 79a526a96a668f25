/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the configuration loader (cfg.c): every key of a full file
 * parsed into the expected field, defaults applied when keys are absent,
 * values at the edge of their ranges accepted, and one file per mistake in
 * bad/, each of which must be refused with errno EINVAL and one exact
 * message "file:line: path: message". The message is the operator's only
 * guide to a bad file, so it is compared whole: a wrong line, a wrong path
 * or a vaguer wording is a failure. Addresses are written out byte by byte
 * here, so no expected value comes from the code under test. The prefix
 * helpers that the loader and the route module share are tested last, at
 * every byte and bit boundary. Run under valgrind, this also shows that a
 * refused file leaves nothing allocated.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

#include "weir_cunit.h"
#include "weir_addr.h"
#include "weir_common.h"
#include "cfg.h"

#define ERR_SIZE 1024 /* bytes, as weir's main() uses */

/* Defaults documented by cfg.c's CFG_DEF_* constants. */
#define DEF_LOG_LEVEL "info"
#define DEF_BURST 32	       /* packets */
#define DEF_PUNT_RING 1024     /* packets */
#define DEF_MBUFS 8191	       /* mbufs: automatic size, its floor */
#define DEF_CACHE 256	       /* mbufs */
#define DEF_DATA_ROOM 2176     /* bytes */
#define DEF_MTU 1500	       /* bytes */
#define DEF_DESC 1024	       /* descriptors */
#define DEF_NEIGH_MAX 4096     /* neighbors */
#define DEF_REACHABLE_MS 30000 /* ms */
#define DEF_STALE_S 600	       /* s */
#define DEF_RETRANS_MS 1000    /* ms */
#define DEF_PROBES 3	       /* solicitations */
#define DEF_NEIGH_QUEUE 8      /* packets */

/* Defaults documented by cfg_svc.c's CFG_DEF_* constants. */
#define DEF_HASH_SEED 0x77656972ull /* "weir" */
#define DEF_LPORT_LO 1024	    /* local ports */
#define DEF_LPORT_HI 65535
#define DEF_SESSIONS 65536    /* flows per worker */
#define DEF_HALF_OPEN_PCT 50  /* % */
#define DEF_MAGLEV_SIZE 65537 /* slots */
#define BE_READY 0	      /* backend states, in svc.h's order */
#define BE_DRAIN 1
#define BE_MAINT 2

static const uint8_t ip4_cli[4] = { 198, 18, 0, 1 };
static const uint8_t ip4_be[4] = { 198, 18, 1, 1 };
static const uint8_t ip4_gw[4] = { 198, 18, 0, 254 };
static const uint8_t ip4_be_peer[4] = { 198, 18, 1, 2 };
static const uint8_t ip4_cli_peer[4] = { 198, 18, 0, 2 };
static const uint8_t ip4_any[4] = { 0, 0, 0, 0 };
static const uint8_t ip4_test3[4] = { 203, 0, 113, 0 };
static const uint8_t ip4_test2_hi[4] = { 198, 51, 100, 128 };
static const uint8_t ip6_cli[16] = { 0x20, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00,
	0x01, [15] = 0x01 };
static const uint8_t ip6_be[16] = { 0x20, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00,
	0x02, [15] = 0x01 };
static const uint8_t ip6_gw[16] = { 0x20, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00,
	0x01, [15] = 0xfe };
static const uint8_t ip6_be_peer[16] = { 0x20, 0x01, 0x00, 0x02, 0x00, 0x00,
	0x00, 0x02, [15] = 0x02 };
static const uint8_t ip6_any[16];
static const uint8_t ip6_doc100[16] = { 0x20, 0x01, 0x0d, 0xb8, 0x01, 0x00 };
static const uint8_t ip4_vip[4] = { 198, 19, 0, 10 };
static const uint8_t ip6_vip[16] = { 0x20, 0x01, 0x0d, 0xb8, 0x02,
	0x00, [15] = 0x10 };

/* 'a' must be 'family' with bytes 'want'; IPv4 leaves bytes 4..15 zero. */
static void
expect_addr(const struct weir_addr *a, int family, const uint8_t *want)
{
	uint8_t full[16] = { 0 };

	memcpy(full, want, family == AF_INET ? 4 : 16);
	CU_ASSERT_EQUAL(a->family, family);
	CU_ASSERT_EQUAL(memcmp(a->a, full, sizeof(full)), 0);
}

static void
expect_prefix(const struct weir_prefix *p, int family, const uint8_t *want,
	unsigned int len)
{
	expect_addr(&p->addr, family, want);
	CU_ASSERT_EQUAL(p->len, len);
}

static void
expect_route(const struct cfg_route *r, int family, const uint8_t *dst,
	unsigned int len, const uint8_t *via, unsigned int port)
{
	expect_prefix(&r->dst, family, dst, len);
	expect_addr(&r->via, family, via);
	CU_ASSERT_EQUAL(r->port, port);
}

/* Load a file that must load; the caller frees the conf. */
static struct cfg_conf *
load_ok(const char *path)
{
	char err[ERR_SIZE];
	struct cfg_conf *conf;

	memset(err, 'x', sizeof(err));
	conf = cfg_conf_load(path, err, sizeof(err));
	if (conf == NULL)
		fprintf(stderr, "\n    %s: unexpected error: %s\n", path, err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(conf);
	CU_ASSERT_STRING_EQUAL(err, "");
	return conf;
}

/* Load a file that must be refused with errno 'eno' and exactly 'want'. */
static void
expect_err(const char *path, int eno, const char *want)
{
	char err[ERR_SIZE];
	struct cfg_conf *conf;
	int saved;

	memset(err, 'x', sizeof(err));
	errno = 0;
	conf = cfg_conf_load(path, err, sizeof(err));
	saved = errno;
	CU_ASSERT_PTR_NULL(conf);
	CU_ASSERT_EQUAL(saved, eno);
	CU_ASSERT_PTR_NOT_NULL(memchr(err, '\0', sizeof(err)));
	if (memchr(err, '\0', sizeof(err)) == NULL)
		err[sizeof(err) - 1] = '\0';
	if (strcmp(err, want) != 0)
		fprintf(stderr, "\n    want: %s\n    got:  %s\n", want, err);
	CU_ASSERT_STRING_EQUAL(err, want);
	cfg_conf_free(conf);
}

/* A content error: "path:line: what", or "path: what" when line is 0. */
static void
expect_bad(const char *path, unsigned int line, const char *what)
{
	char want[ERR_SIZE];

	if (line > 0)
		snprintf(want, sizeof(want), "%s:%u: %s", path, line, what);
	else
		snprintf(want, sizeof(want), "%s: %s", path, what);
	expect_err(path, EINVAL, want);
}

static void
test_load_valid_all_parsed(void)
{
	struct cfg_conf *c = load_ok("valid.conf");
	const struct cfg_port *p;

	CU_ASSERT_STRING_EQUAL(c->file, "valid.conf");
	CU_ASSERT_STRING_EQUAL(c->log_level, "debug");
	CU_ASSERT_EQUAL_FATAL(c->nb_eal_args, 4);
	CU_ASSERT_STRING_EQUAL(c->eal_args[0], "--file-prefix=weir-test");
	CU_ASSERT_STRING_EQUAL(c->eal_args[1], "--log-level=lib.eal:info");
	CU_ASSERT_STRING_EQUAL(c->eal_args[2], "-n");
	CU_ASSERT_STRING_EQUAL(c->eal_args[3], "4");
	CU_ASSERT_PTR_NOT_NULL_FATAL(c->lcores);
	CU_ASSERT_STRING_EQUAL(c->lcores, "3@0,1@1,2@1");
	CU_ASSERT_EQUAL(c->main_lcore, 3);
	CU_ASSERT_EQUAL_FATAL(c->nb_workers, 2);
	CU_ASSERT_EQUAL(c->workers[0], 2);
	CU_ASSERT_EQUAL(c->workers[1], 1);
	CU_ASSERT_EQUAL(c->burst, 64);
	CU_ASSERT_EQUAL(c->punt_ring, 2048);
	CU_ASSERT_EQUAL(c->mempool.nb_mbufs, 32767);
	CU_ASSERT_EQUAL(c->mempool.cache, 128);
	CU_ASSERT_EQUAL(c->mempool.data_room, 4224);

	CU_ASSERT_EQUAL_FATAL(c->nb_ports, 2);
	p = &c->ports[0];
	CU_ASSERT_STRING_EQUAL(p->name, "cli");
	CU_ASSERT_STRING_EQUAL(p->device, "net_af_packet0,iface=wcli,qpairs=2");
	CU_ASSERT_TRUE(p->is_vdev);
	CU_ASSERT_EQUAL(p->mtu, 9000);
	CU_ASSERT_EQUAL(p->rx_desc, 512);
	CU_ASSERT_EQUAL(p->tx_desc, 2048);
	CU_ASSERT_EQUAL(p->line, 16);
	CU_ASSERT_EQUAL_FATAL(p->nb_addrs, 2);
	expect_prefix(&p->addrs[0], AF_INET, ip4_cli, 24);
	expect_prefix(&p->addrs[1], AF_INET6, ip6_cli, 64);
	p = &c->ports[1];
	CU_ASSERT_STRING_EQUAL(p->name, "be");
	CU_ASSERT_STRING_EQUAL(p->device, "0000:01:00.0");
	CU_ASSERT_FALSE(p->is_vdev);
	CU_ASSERT_EQUAL(p->mtu, DEF_MTU);
	CU_ASSERT_EQUAL(p->rx_desc, DEF_DESC);
	CU_ASSERT_EQUAL(p->tx_desc, DEF_DESC);
	CU_ASSERT_EQUAL(p->line, 24);
	CU_ASSERT_EQUAL_FATAL(p->nb_addrs, 2);
	expect_prefix(&p->addrs[0], AF_INET, ip4_be, 30);
	expect_prefix(&p->addrs[1], AF_INET6, ip6_be, 126);

	/* Gateways come first, then 'routes' in file order. */
	CU_ASSERT_EQUAL_FATAL(c->nb_routes, 5);
	expect_route(&c->routes[0], AF_INET, ip4_any, 0, ip4_gw, 0);
	expect_route(&c->routes[1], AF_INET6, ip6_any, 0, ip6_gw, 0);
	expect_route(&c->routes[2], AF_INET, ip4_test3, 24, ip4_be_peer, 1);
	expect_route(&c->routes[3], AF_INET6, ip6_doc100, 48, ip6_be_peer, 1);
	expect_route(&c->routes[4], AF_INET, ip4_test2_hi, 25, ip4_cli_peer, 0);

	CU_ASSERT_EQUAL(c->neigh.max_entries, 8192);
	CU_ASSERT_EQUAL(c->neigh.reachable_ms, 15000);
	CU_ASSERT_EQUAL(c->neigh.stale_s, 300);
	CU_ASSERT_EQUAL(c->neigh.retrans_ms, 500);
	CU_ASSERT_EQUAL(c->neigh.max_probes, 5);
	CU_ASSERT_EQUAL(c->neigh.queue_len, 16);
	cfg_conf_free(c);
}

static void
test_load_minimal_defaults_applied(void)
{
	struct cfg_conf *c = load_ok("minimal.conf");
	const struct cfg_port *p = &c->ports[0];

	CU_ASSERT_STRING_EQUAL(c->file, "minimal.conf");
	CU_ASSERT_STRING_EQUAL(c->log_level, DEF_LOG_LEVEL);
	CU_ASSERT_EQUAL(c->nb_eal_args, 0);
	CU_ASSERT_PTR_NULL(c->lcores);
	CU_ASSERT_EQUAL(c->main_lcore, 0);
	CU_ASSERT_EQUAL_FATAL(c->nb_workers, 1);
	CU_ASSERT_EQUAL(c->workers[0], 1);
	CU_ASSERT_EQUAL(c->burst, DEF_BURST);
	CU_ASSERT_EQUAL(c->punt_ring, DEF_PUNT_RING);
	CU_ASSERT_EQUAL(c->mempool.nb_mbufs, DEF_MBUFS);
	CU_ASSERT_EQUAL(c->mempool.cache, DEF_CACHE);
	CU_ASSERT_EQUAL(c->mempool.data_room, DEF_DATA_ROOM);
	CU_ASSERT_EQUAL_FATAL(c->nb_ports, 1);
	CU_ASSERT_STRING_EQUAL(p->name, "p0");
	CU_ASSERT_STRING_EQUAL(p->device, "net_null0");
	CU_ASSERT_TRUE(p->is_vdev);
	CU_ASSERT_EQUAL(p->mtu, DEF_MTU);
	CU_ASSERT_EQUAL(p->rx_desc, DEF_DESC);
	CU_ASSERT_EQUAL(p->tx_desc, DEF_DESC);
	CU_ASSERT_EQUAL(p->line, 4);
	CU_ASSERT_EQUAL_FATAL(p->nb_addrs, 1);
	expect_prefix(&p->addrs[0], AF_INET, ip4_cli, 24);
	CU_ASSERT_EQUAL(c->nb_routes, 0);
	CU_ASSERT_EQUAL(c->neigh.max_entries, DEF_NEIGH_MAX);
	CU_ASSERT_EQUAL(c->neigh.reachable_ms, DEF_REACHABLE_MS);
	CU_ASSERT_EQUAL(c->neigh.stale_s, DEF_STALE_S);
	CU_ASSERT_EQUAL(c->neigh.retrans_ms, DEF_RETRANS_MS);
	CU_ASSERT_EQUAL(c->neigh.max_probes, DEF_PROBES);
	CU_ASSERT_EQUAL(c->neigh.queue_len, DEF_NEIGH_QUEUE);
	cfg_conf_free(c);
}

/*
 * Limits, point-to-point /31 and /127 prefixes (no network address to
 * refuse), a 31-character name, and DPDK's largest mempool cache on the
 * smallest pool: the cache check (cache <= mbufs / 1.5) cannot fire within
 * the ranges of mbufs (>= 1023) and cache (<= 512), and must not here.
 */
static void
test_load_static_neighbors_parsed(void)
{
	struct cfg_conf *c = load_ok("static.conf");
	static const uint8_t pmac[6] = { 2, 0, 0, 0, 0, 1 };
	static const uint8_t mac6[6] = { 2, 0, 0, 0, 0, 0x12 };

	CU_ASSERT_FATAL(c->ports[0].has_mac);
	CU_ASSERT_EQUAL(memcmp(c->ports[0].mac, pmac, 6), 0);
	CU_ASSERT_EQUAL_FATAL(c->neigh.nb_static, 2);
	CU_ASSERT_EQUAL(c->neigh.statics[0].addr.family, AF_INET);
	CU_ASSERT_EQUAL(c->neigh.statics[0].port, 0);
	CU_ASSERT_EQUAL(c->neigh.statics[1].addr.family, AF_INET6);
	CU_ASSERT_EQUAL(memcmp(c->neigh.statics[1].mac, mac6, 6), 0);
	cfg_conf_free(c);
}

static void
test_load_neigh_static_multicast_mac_rejected(void)
{
	expect_bad("bad/neigh_static_mac.conf", 5,
		"neighbors.static[0].mac: '01:00:5e:00:00:01' is not a unicast "
		"MAC address aa:bb:cc:dd:ee:ff");
}

static void
test_load_mbufs_auto_sized(void)
{
	struct cfg_conf *c = load_ok("auto.conf");

	/* 2 ports x 2048 descriptors x 3 queues + 2 x (2048 + 32 x 4) in
	 * rings and batches + 2 x 1024 redirected + 3 x 256 cached + 8 x 64
	 * queued + 2 x 256 held by fault injection = 20480, rounded up to
	 * 2^n - 1. */
	CU_ASSERT_EQUAL(cfg_mbufs_needed(c), 20480);
	CU_ASSERT_EQUAL(c->mempool.nb_mbufs, 32767);
	cfg_conf_free(c);
}

static void
test_load_edge_values_accepted(void)
{
	static const uint8_t a0[4] = { 10, 0, 0, 0 };
	static const uint8_t a1[4] = { 10, 0, 1, 255 };
	static const uint8_t a2[4] = { 10, 0, 2, 1 };
	static const uint8_t peer0[4] = { 10, 0, 0, 1 };
	static const uint8_t peer2[4] = { 10, 0, 2, 2 };
	static const uint8_t host[4] = { 192, 0, 2, 7 };
	static const uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const uint8_t peer6[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	struct cfg_conf *c = load_ok("edge.conf");

	CU_ASSERT_EQUAL(c->main_lcore, 127);
	CU_ASSERT_EQUAL_FATAL(c->nb_workers, 2);
	CU_ASSERT_EQUAL(c->workers[0], 0);
	CU_ASSERT_EQUAL(c->workers[1], 126);
	CU_ASSERT_EQUAL(c->burst, 256);
	CU_ASSERT_EQUAL(c->punt_ring, 65536);
	CU_ASSERT_EQUAL(c->mempool.nb_mbufs, 16777215);
	CU_ASSERT_EQUAL(c->mempool.cache, 512);
	CU_ASSERT_EQUAL(c->mempool.data_room, 1152);
	CU_ASSERT_EQUAL_FATAL(c->nb_ports, 2);
	CU_ASSERT_STRING_EQUAL(
		c->ports[0].name, "p234567890123456789012345678901");
	CU_ASSERT_EQUAL(c->ports[0].mtu, 1280);
	CU_ASSERT_EQUAL(c->ports[0].rx_desc, 64);
	CU_ASSERT_EQUAL(c->ports[0].tx_desc, 16384);
	CU_ASSERT_EQUAL_FATAL(c->ports[0].nb_addrs, 3);
	expect_prefix(&c->ports[0].addrs[0], AF_INET, a0, 31);
	expect_prefix(&c->ports[0].addrs[1], AF_INET, a1, 32);
	expect_prefix(&c->ports[0].addrs[2], AF_INET6, a6, 127);
	CU_ASSERT_EQUAL(c->ports[1].mtu, 68);
	CU_ASSERT_TRUE(c->ports[1].is_vdev);
	CU_ASSERT_EQUAL_FATAL(c->ports[1].nb_addrs, 1);
	expect_prefix(&c->ports[1].addrs[0], AF_INET, a2, 30);
	CU_ASSERT_EQUAL_FATAL(c->nb_routes, 3);
	expect_route(&c->routes[0], AF_INET, ip4_any, 0, peer0, 0);
	expect_route(&c->routes[1], AF_INET6, ip6_any, 0, peer6, 0);
	expect_route(&c->routes[2], AF_INET, host, 32, peer2, 1);
	CU_ASSERT_EQUAL(c->neigh.max_entries, 16);
	CU_ASSERT_EQUAL(c->neigh.reachable_ms, 1000);
	CU_ASSERT_EQUAL(c->neigh.stale_s, 86400);
	CU_ASSERT_EQUAL(c->neigh.retrans_ms, 60000);
	CU_ASSERT_EQUAL(c->neigh.max_probes, 20);
	CU_ASSERT_EQUAL(c->neigh.queue_len, 0);
	cfg_conf_free(c);
}

/* The conf owns its strings: they outlive libconfig's tree. */
static void
test_load_strings_copied_owned(void)
{
	struct cfg_conf *a = load_ok("valid.conf");
	struct cfg_conf *b = load_ok("valid.conf");

	CU_ASSERT_PTR_NOT_EQUAL(a->eal_args[0], b->eal_args[0]);
	CU_ASSERT_PTR_NOT_EQUAL(a->lcores, b->lcores);
	cfg_conf_free(a);
	CU_ASSERT_STRING_EQUAL(b->eal_args[3], "4");
	CU_ASSERT_STRING_EQUAL(b->lcores, "3@0,1@1,2@1");
	cfg_conf_free(b);
}

static void
test_free_null_noop(void)
{
	cfg_conf_free(NULL);
	CU_PASS("cfg_conf_free(NULL) returned");
}

/* Dump 'path' into a string; the caller frees it. */
static char *
dump_to_string(const char *path)
{
	struct cfg_conf *c = load_ok(path);
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(cfg_conf_dump(c, f), 0);
	CU_ASSERT_EQUAL(fclose(f), 0);
	cfg_conf_free(c);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	return text;
}

/* Every line of 'want' appears in the dump of 'path'; missing ones named. */
static void
expect_dump(const char *path, const char *const *want, unsigned int n)
{
	char *text = dump_to_string(path);
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (strstr(text, want[i]) == NULL)
			fprintf(stderr, "\n    missing: %s", want[i]);
		CU_ASSERT_PTR_NOT_NULL(strstr(text, want[i]));
	}
	free(text);
}

static void
test_dump_valid_summary_printed(void)
{
	static const char *const want[] = {
		"config valid.conf: ok\n",
		"main lcore 3, workers 2 1, lcore map 3@0,1@1,2@1\n",
		"burst 64 packets, punt ring 2048 packets, log level debug\n",
		"mempool: 32767 mbufs of 4224 bytes per socket, cache 128\n",
		"port cli: vdev net_af_packet0,iface=wcli,qpairs=2, mtu 9000, "
		"rx/tx desc 512/2048\n",
		"port be: pci 0000:01:00.0, mtu 1500, rx/tx desc 1024/1024\n",
		"address 198.18.0.1/24\n",
		"address 2001:2:0:1::1/64\n",
		"address 198.18.1.1/30\n",
		"address 2001:2:0:2::1/126\n",
		"route 0.0.0.0/0 via 198.18.0.254 port cli\n",
		"route ::/0 via 2001:2:0:1::fe port cli\n",
		"route 203.0.113.0/24 via 198.18.1.2 port be\n",
		"route 2001:db8:100::/48 via 2001:2:0:2::2 port be\n",
		"route 198.51.100.128/25 via 198.18.0.2 port cli\n",
		"neighbors: max 8192, reachable 15000 ms, stale 300 s, "
		"retrans 500 ms x 5, queue 16 packets\n",
		"eal args: --file-prefix=weir-test --log-level=lib.eal:info "
		"-n 4\n",
	};
	expect_dump("valid.conf", want, WEIR_ARRAY_LEN(want));
}

static void
test_dump_minimal_no_optional_lines(void)
{
	char *text = dump_to_string("minimal.conf");

	CU_ASSERT_PTR_NOT_NULL(strstr(text, "config minimal.conf: ok\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "port p0: vdev net_null0,"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "main lcore 0, workers 1\n"));
	CU_ASSERT_PTR_NULL(strstr(text, "route "));
	CU_ASSERT_PTR_NULL(strstr(text, "eal args"));
	CU_ASSERT_PTR_NULL(strstr(text, "lcore map"));
	free(text);
}

static void
test_load_missing_file_enoent(void)
{
	expect_err("bad/nonexistent.conf", ENOENT,
		"bad/nonexistent.conf: cannot read: No such file or directory");
}

/* libconfig refuses a directory without setting errno; a stale one stays. */
static void
test_load_directory_eisdir(void)
{
	char err[ERR_SIZE];

	errno = ENOENT;
	CU_ASSERT_PTR_NULL(cfg_conf_load("bad", err, sizeof(err)));
	CU_ASSERT_EQUAL(errno, EISDIR);
	CU_ASSERT_STRING_EQUAL(err, "bad: cannot read: Is a directory");
}

/* A short buffer gets a cut, terminated prefix of the message. */
static void
test_load_short_err_buffer_truncated(void)
{
	static const char full[] = "bad/workers_empty.conf:3: workers: needs "
				   "1 to 64 worker lcores";
	char err[16];

	memset(err, 'x', sizeof(err));
	errno = 0;
	CU_ASSERT_PTR_NULL(
		cfg_conf_load("bad/workers_empty.conf", err, sizeof(err)));
	CU_ASSERT_EQUAL(errno, EINVAL);
	CU_ASSERT_EQUAL(strlen(err), sizeof(err) - 1);
	CU_ASSERT_EQUAL(strncmp(err, full, sizeof(err) - 1), 0);
}

static void
test_load_syntax_brace_rejected(void)
{
	expect_bad("bad/syntax_brace.conf", 9, "syntax error: syntax error");
}

static void
test_load_syntax_comma_rejected(void)
{
	expect_bad("bad/syntax_comma.conf", 3, "syntax error: syntax error");
}

static void
test_load_syntax_equals_rejected(void)
{
	expect_bad("bad/syntax_equals.conf", 4, "syntax error: syntax error");
}

static void
test_load_unknown_top_key_rejected(void)
{
	expect_bad("bad/unknown_top.conf", 3, "worker: unknown key");
}

static void
test_load_unknown_port_key_rejected(void)
{
	expect_bad(
		"bad/unknown_port_key.conf", 8, "ports[0].speed: unknown key");
}

static void
test_load_unknown_mempool_key_rejected(void)
{
	expect_bad("bad/mempool_key.conf", 4, "mempool.size: unknown key");
}

static void
test_load_workers_missing_rejected(void)
{
	expect_bad("bad/workers_missing.conf", 0,
		"workers: missing: list of worker lcore ids, e.g. [ 1 ]");
}

static void
test_load_workers_empty_rejected(void)
{
	expect_bad("bad/workers_empty.conf", 3,
		"workers: needs 1 to 64 worker lcores");
}

static void
test_load_workers_dup_rejected(void)
{
	expect_bad("bad/workers_dup.conf", 3,
		"workers[2]: lcore 1 is listed twice");
}

static void
test_load_workers_main_lcore_rejected(void)
{
	expect_bad("bad/workers_main.conf", 4,
		"workers[1]: lcore 2 is "
		"main_lcore, which runs the management thread");
}

static void
test_load_workers_range_rejected(void)
{
	expect_bad("bad/workers_range.conf", 3,
		"workers[1]: 128 is out of range: 0 to 127 lcore id");
}

static void
test_load_workers_type_rejected(void)
{
	expect_bad("bad/workers_type.conf", 3,
		"workers[0]: must be an integer lcore id");
}

static void
test_load_main_lcore_range_rejected(void)
{
	expect_bad("bad/main_lcore_range.conf", 3,
		"main_lcore: -1 is out of range: 0 to 127 lcore id");
}

static void
test_load_burst_type_rejected(void)
{
	expect_bad("bad/burst_type.conf", 4,
		"burst: must be an integer (packets)");
}

static void
test_load_burst_range_rejected(void)
{
	expect_bad("bad/burst_range.conf", 4,
		"burst: 512 is out of range: 1 to 256 packets");
}

static void
test_load_punt_ring_pow2_rejected(void)
{
	expect_bad("bad/punt_ring_pow2.conf", 4,
		"punt_ring: 1000 is not a power of two");
}

static void
test_load_mempool_small_rejected(void)
{
	/* 2048 descriptors x 3 queues + 2 x (2048 + 32 x 3) in rings and
	 * batches + 2 x 1024 redirected + 3 x 256 cached + 8 x 64 queued +
	 * 2 x 256 held by fault injection: the pool must hold them all at
	 * once. */
	expect_bad("bad/mempool_small.conf", 4,
		"mempool.mbufs: 4095 is below the 14272 mbufs that the port "
		"descriptors, rings and caches can hold at once; raise it or "
		"lower rx_desc/tx_desc");
}

static void
test_load_mempool_cache_rejected(void)
{
	expect_bad("bad/mempool_cache.conf", 4,
		"mempool.cache: 513 is out of range: 0 to 512 mbufs");
}

static void
test_load_mempool_type_rejected(void)
{
	expect_bad(
		"bad/mempool_type.conf", 4, "mempool: must be a group { ... }");
}

static void
test_load_ports_missing_rejected(void)
{
	expect_bad("bad/ports_missing.conf", 0,
		"ports: missing: list of port "
		"groups ( { name = ...; device = ...; ... } )");
}

static void
test_load_port_no_name_rejected(void)
{
	expect_bad("bad/port_no_name.conf", 5, "ports[0].name: missing");
}

static void
test_load_port_name_long_rejected(void)
{
	expect_bad("bad/port_name_long.conf", 6,
		"ports[0].name: must be 1 to 31 characters");
}

static void
test_load_port_dup_name_rejected(void)
{
	expect_bad("bad/port_dup_name.conf", 11,
		"ports[1].name: port 'p0' is defined twice");
}

static void
test_load_port_dup_device_rejected(void)
{
	expect_bad("bad/port_dup_device.conf", 12,
		"ports[1].device: device 'net_null0' is already port 'p0'");
}

static void
test_load_port_dup_vdev_args_rejected(void)
{
	expect_bad("bad/port_dup_vdev.conf", 12,
		"ports[1].device: device "
		"'net_af_packet0' is already port 'p0'");
}

static void
test_load_port_no_addrs_rejected(void)
{
	expect_bad("bad/port_no_addrs.conf", 5,
		"ports[0].addresses: missing: "
		"list of \"address/prefix\" strings");
}

static void
test_load_port_mtu_range_rejected(void)
{
	expect_bad("bad/port_mtu_range.conf", 8,
		"ports[0].mtu: 9601 is out of range: 68 to 9600 bytes");
}

static void
test_load_addr_no_prefix_rejected(void)
{
	expect_bad("bad/addr_no_prefix.conf", 8,
		"ports[0].addresses[0]: "
		"'198.18.0.1' is not an IPv4 or IPv6 address with a /prefix "
		"length");
}

static void
test_load_addr_bad_text_rejected(void)
{
	expect_bad("bad/addr_bad_text.conf", 8,
		"ports[0].addresses[1]: "
		"'198.18.0.256/24' is not an IPv4 or IPv6 address with a "
		"/prefix length");
}

static void
test_load_addr_network_rejected(void)
{
	expect_bad("bad/addr_network.conf", 8,
		"ports[0].addresses[0]: "
		"198.18.0.0/24 is the network address of its prefix");
}

static void
test_load_addr_broadcast_rejected(void)
{
	expect_bad("bad/addr_broadcast.conf", 8,
		"ports[0].addresses[0]: "
		"198.18.0.255/24 is the broadcast address of its prefix");
}

static void
test_load_addr_multicast_rejected(void)
{
	expect_bad("bad/addr_multicast.conf", 8,
		"ports[0].addresses[0]: "
		"224.0.0.1/24 is not a unicast host address");
}

static void
test_load_addr_multicast6_rejected(void)
{
	expect_bad("bad/addr_multicast6.conf", 8,
		"ports[0].addresses[1]: "
		"ff02::1/64 is not a unicast host address");
}

static void
test_load_addr_dup_across_ports_rejected(void)
{
	expect_bad("bad/addr_dup.conf", 13,
		"ports[1].addresses[0]: "
		"198.18.0.1 is already an address of port 'p0'");
}

static void
test_load_kernel(void)
{
	struct cfg_conf *c = load_ok("kernel.conf");
	static const uint8_t mac[6] = { 0x02, 0x00, 0x5e, 0x00, 0x00, 0xfa };
	static const uint8_t a4[4] = { 198, 18, 0, 250 };
	static const uint8_t b4[4] = { 198, 18, 1, 250 };
	static const uint8_t a6[16] = { 0x20, 0x01, 0, 2, 0, 0, 0, 1, 0, 0, 0,
		0, 0, 0, 0x02, 0x50 };
	const struct cfg_kif *k;

	k = &c->ports[0].kif;
	CU_ASSERT_TRUE(k->on);
	CU_ASSERT_STRING_EQUAL(k->name, "cli-host");
	CU_ASSERT_TRUE(k->has_mac);
	CU_ASSERT_EQUAL(memcmp(k->mac, mac, 6), 0);
	CU_ASSERT_EQUAL(k->max_pps, 5000);
	CU_ASSERT_EQUAL_FATAL(k->nb_addrs, 2);
	expect_prefix(&k->addrs[0], AF_INET, a4, 24);
	expect_prefix(&k->addrs[1], AF_INET6, a6, 64);
	k = &c->ports[1].kif;
	CU_ASSERT_TRUE(k->on);
	CU_ASSERT_STRING_EQUAL(k->name, "weir-backend");
	CU_ASSERT_FALSE(k->has_mac);
	CU_ASSERT_EQUAL(k->max_pps, 20000);
	CU_ASSERT_EQUAL_FATAL(k->nb_addrs, 1);
	expect_prefix(&k->addrs[0], AF_INET, b4, 24);
	cfg_conf_free(c);
	c = load_ok("minimal.conf");
	CU_ASSERT_FALSE(c->ports[0].kif.on);
	cfg_conf_free(c);
}

static void
test_load_kernel_bad(void)
{
	expect_bad("bad/kif_addr_dup.conf", 9,
		"ports[0].kernel.addresses[0]: "
		"198.18.0.1 is already an address of port 'p0'");
	expect_bad("bad/kif_name_dup.conf", 15,
		"ports[1].kernel.name: "
		"'host0' is already port 'p0''s kernel interface");
	expect_bad("bad/kif_vip.conf", 13,
		"services[0].vip: 198.18.0.2 is an address of port 'p0'; a "
		"VIP must be an address of its own");
	expect_bad("bad/kif_name_bad.conf", 9,
		"ports[0].kernel.name: 'a/b' is not an interface name (no "
		"'/', ':', '%' or spaces)");
}

static void
test_load_check(void)
{
	struct cfg_conf *c = load_ok("check.conf");
	const struct cfg_check *k = &c->services[0].check;

	CU_ASSERT_EQUAL(k->type, CFG_CHECK_HTTP);
	CU_ASSERT_EQUAL(k->port, 8443);
	CU_ASSERT_EQUAL(k->interval_ms, 500);
	CU_ASSERT_EQUAL(k->timeout_ms, 200);
	CU_ASSERT_EQUAL(k->rise, 4);
	CU_ASSERT_EQUAL(k->fall, 5);
	CU_ASSERT_EQUAL(k->jitter_pct, 0);
	CU_ASSERT_TRUE(k->tls);
	CU_ASSERT_STRING_EQUAL(k->sni, "be.test");
	CU_ASSERT_STRING_EQUAL(k->ca_file, "tls/ca.pem");
	CU_ASSERT_STRING_EQUAL(k->path, "/healthz");
	CU_ASSERT_STRING_EQUAL(k->host, "web.test");
	CU_ASSERT_EQUAL_FATAL(k->nb_status, 2);
	CU_ASSERT_EQUAL(k->status_lo[0], 200);
	CU_ASSERT_EQUAL(k->status_hi[0], 200);
	CU_ASSERT_EQUAL(k->status_lo[1], 300);
	CU_ASSERT_EQUAL(k->status_hi[1], 302);
	k = &c->services[1].check;
	CU_ASSERT_EQUAL(k->type, CFG_CHECK_UDP);
	CU_ASSERT_STRING_EQUAL(k->send, "ping");
	CU_ASSERT_STRING_EQUAL(k->expect, "pong");
	k = &c->services[2].check; /* the defaults */
	CU_ASSERT_EQUAL(k->type, CFG_CHECK_HTTP);
	CU_ASSERT_EQUAL(k->port, 0);
	CU_ASSERT_EQUAL(k->interval_ms, 2000);
	CU_ASSERT_EQUAL(k->timeout_ms, 1000);
	CU_ASSERT_EQUAL(k->rise, 2);
	CU_ASSERT_EQUAL(k->fall, 3);
	CU_ASSERT_EQUAL(k->jitter_pct, 10);
	CU_ASSERT_FALSE(k->tls);
	CU_ASSERT_STRING_EQUAL(k->path, "/");
	CU_ASSERT_EQUAL(k->nb_status, 1);
	CU_ASSERT_EQUAL(k->status_lo[0], 200);
	CU_ASSERT_EQUAL(k->status_hi[0], 399);
	CU_ASSERT_EQUAL(c->services[2].fault.reset_pct, 10);
	CU_ASSERT_EQUAL(c->services[2].fault.drop_pct, 20);
	CU_ASSERT_EQUAL(c->services[2].fault.delay_pct, 30);
	CU_ASSERT_EQUAL(c->services[2].fault.delay_ms, 250);
	CU_ASSERT_EQUAL(c->services[0].fault.reset_pct +
			c->services[0].fault.drop_pct +
			c->services[0].fault.delay_pct,
		0);
	cfg_conf_free(c);
	c = load_ok("minimal.conf");
	CU_ASSERT_EQUAL(c->nb_services, 0);
	cfg_conf_free(c);
}

static void
test_load_check_bad(void)
{
	expect_bad("bad/check_udp_nosend.conf", 7,
		"services[0].check.send: missing: a udp check sends a "
		"payload and waits for an answer");
	expect_bad("bad/check_timeout.conf", 7,
		"services[0].check.timeout_ms: 600 ms is longer than "
		"interval_ms (500 ms)");
	expect_bad("bad/fault_sum.conf", 7,
		"services[0].fault: reset, drop and delay shares add up to "
		"110%, more than 100%");
	expect_bad("bad/fault_udp_reset.conf", 7,
		"services[0].fault: reset is for TCP services (a UDP flow has "
		"no connection to reset; use drop)");
	expect_bad("bad/fault_delay_retry.conf", 7,
		"services[0].fault: delay_ms 500 is not below "
		"connect_timeout_ms (500): the held SYN would count as a "
		"failed connect");
	expect_bad("bad/check_ca_missing.conf", 7,
		"services[0].check.ca_file: /nonexistent/ca.pem: No such file "
		"or directory");
	expect_bad("bad/check_status.conf", 8,
		"services[0].check.expect_status[1]: '399-300' is not within "
		"100-599, low to high");
}

static void
test_load_addr_dup_same_port_rejected(void)
{
	expect_bad("bad/addr_dup_same_port.conf", 8,
		"ports[0].addresses[2]: "
		"2001:db8::1 is already an address of port 'p0'");
}

static void
test_load_addr6_small_mtu_rejected(void)
{
	expect_bad("bad/addr6_small_mtu.conf", 9,
		"ports[0].addresses[1]: "
		"IPv6 needs mtu >= 1280, the port has 1000");
}

static void
test_load_route_host_bits_rejected(void)
{
	expect_bad("bad/route_host_bits.conf", 7,
		"routes[0].to: "
		"'203.0.113.1/24' has bits set past its prefix length");
}

static void
test_load_route_off_link_rejected(void)
{
	expect_bad("bad/route_off_link.conf", 8,
		"routes[0].via: next hop 192.0.2.1 is on no port's prefix");
}

static void
test_load_route_family_rejected(void)
{
	expect_bad("bad/route_family.conf", 8,
		"routes[0].via: "
		"next hop 2001:db8::2 is not of the family of 203.0.113.0/24");
}

static void
test_load_route_via_self_rejected(void)
{
	expect_bad("bad/route_via_self.conf", 8,
		"routes[0].via: "
		"next hop 198.18.0.1 is weir's own address on port 'p0'");
}

static void
test_load_route_via_prefix_rejected(void)
{
	expect_bad("bad/route_via_prefix.conf", 8,
		"routes[0].via: "
		"'198.18.0.2/32' is not an IPv4 or IPv6 address");
}

static void
test_load_route_dup_rejected(void)
{
	expect_bad("bad/route_dup.conf", 8,
		"routes[1].to: route to 203.0.113.0/24 is defined twice");
}

static void
test_load_route_dup_gateway_rejected(void)
{
	expect_bad("bad/route_dup_gateway.conf", 8,
		"routes[0].to: route to 0.0.0.0/0 is defined twice");
}

static void
test_load_gateway_ip6_rejected(void)
{
	expect_bad("bad/gateway_v6.conf", 5,
		"gateway: '2001:db8::2' is IPv6: use gateway6");
}

static void
test_load_gateway6_ip4_rejected(void)
{
	expect_bad("bad/gateway6_v4.conf", 5,
		"gateway6: '198.18.0.2' is not IPv6: use gateway");
}

static void
test_load_eal_lcores_rejected(void)
{
	expect_bad("bad/eal_lcores.conf", 3,
		"eal_args[1]: '-l' is set by "
		"weir from 'lcores', 'main_lcore', 'workers' and 'ports'");
}

static void
test_load_eal_lcores_attached_rejected(void)
{
	expect_bad("bad/eal_lcores_attached.conf", 3,
		"eal_args[0]: '-l0-3' is "
		"set by weir from 'lcores', 'main_lcore', 'workers' and "
		"'ports'");
}

static void
test_load_eal_vdev_rejected(void)
{
	expect_bad("bad/eal_vdev.conf", 3,
		"eal_args[0]: '--vdev=net_tap0' is "
		"set by weir from 'lcores', 'main_lcore', 'workers' and "
		"'ports'");
}

static void
test_load_eal_no_pci_rejected(void)
{
	expect_bad("bad/eal_no_pci.conf", 3,
		"eal_args[0]: '--no-pci' is set "
		"by weir from 'lcores', 'main_lcore', 'workers' and 'ports'");
}

static void
test_load_eal_type_rejected(void)
{
	expect_bad("bad/eal_type.conf", 3,
		"eal_args: must be a list, [ ... ] or ( ... )");
}

static void
test_load_neigh_retrans_range_rejected(void)
{
	expect_bad("bad/neigh_retrans.conf", 6,
		"neighbors.retrans_ms: 50 is out of range: 100 to 60000 ms");
}

static void
test_load_log_level_unknown_rejected(void)
{
	expect_bad("bad/log_level.conf", 3,
		"log_level: 'verbose' is not one "
		"of emerg, alert, crit, error, warning, notice, info, debug");
}

/*
 * A console off loopback with TLS: every key parsed, the digest decoded
 * from upper-case hex. The PEM files are only checked for being readable.
 */
static void
test_load_console_tls_parsed(void)
{
	/* SHA-256 of "s3cret pass", as sha256sum prints it. */
	static const uint8_t digest[32] = { 0x09, 0x9a, 0x75, 0x4c, 0x82, 0x51,
		0xfb, 0x8a, 0x00, 0x1b, 0x66, 0x42, 0xaf, 0xb5, 0x25, 0x9b,
		0xd2, 0xed, 0xb7, 0x05, 0x67, 0x7b, 0x93, 0x9f, 0x6e, 0xf4,
		0xc0, 0x0c, 0xab, 0x1e, 0x63, 0x89 };
	struct cfg_conf *c = load_ok("console_tls.conf");
	const struct cfg_console *cc = &c->mgmt.console;

	CU_ASSERT_STRING_EQUAL(cc->telnet, "198.18.200.1:5201");
	CU_ASSERT_FALSE(cc->telnet_loopback);
	CU_ASSERT_EQUAL(cc->telnet_level, 1);
	CU_ASSERT_TRUE(cc->tls);
	CU_ASSERT_STRING_EQUAL(cc->tls_cert, "tls/cert.pem");
	CU_ASSERT_STRING_EQUAL(cc->tls_key, "tls/key.pem");
	CU_ASSERT_STRING_EQUAL(cc->tls_ca, "tls/ca.pem");
	CU_ASSERT_TRUE(cc->tls_has_password);
	CU_ASSERT_EQUAL(
		memcmp(cc->tls_password_sha256, digest, sizeof(digest)), 0);
	cfg_conf_free(c);
}

/* TLS on the default loopback listener, client certificates only. */
static void
test_load_console_tls_loopback_ca_only(void)
{
	static const uint8_t zero[32];
	struct cfg_conf *c = load_ok("console_tls_lo.conf");
	const struct cfg_console *cc = &c->mgmt.console;

	CU_ASSERT_STRING_EQUAL(cc->telnet, "127.0.0.1:5200");
	CU_ASSERT_TRUE(cc->telnet_loopback);
	CU_ASSERT_TRUE(cc->tls);
	CU_ASSERT_STRING_EQUAL(cc->tls_ca, "tls/ca.pem");
	CU_ASSERT_FALSE(cc->tls_has_password);
	CU_ASSERT_EQUAL(memcmp(cc->tls_password_sha256, zero, sizeof(zero)), 0);
	cfg_conf_free(c);
}

/* Without 'console': plain text on loopback, no TLS. */
static void
test_load_console_default_plain_loopback(void)
{
	struct cfg_conf *c = load_ok("minimal.conf");
	const struct cfg_console *cc = &c->mgmt.console;

	CU_ASSERT_STRING_EQUAL(cc->telnet, "127.0.0.1:5200");
	CU_ASSERT_TRUE(cc->telnet_loopback);
	CU_ASSERT_EQUAL(cc->telnet_level, 0);
	CU_ASSERT_FALSE(cc->tls);
	CU_ASSERT_FALSE(cc->tls_has_password);
	CU_ASSERT_STRING_EQUAL(cc->tls_cert, "");
	CU_ASSERT_STRING_EQUAL(cc->tls_key, "");
	CU_ASSERT_STRING_EQUAL(cc->tls_ca, "");
	cfg_conf_free(c);
}

static void
test_load_console_telnet_public_rejected(void)
{
	expect_bad("bad/console_telnet_public.conf", 5,
		"console.telnet: "
		"'198.18.200.1:5201' is not a loopback address: a console "
		"reachable from the network needs console.tls (cert, key, "
		"and ca or password_sha256); or bind to 127.0.0.1 or [::1]");
}

static void
test_load_console_tls_type_rejected(void)
{
	expect_bad("bad/console_tls_type.conf", 5,
		"console.tls: must be a group { ... }");
}

static void
test_load_console_tls_unknown_key_rejected(void)
{
	expect_bad("bad/console_tls_unknown.conf", 6,
		"console.tls.password: unknown key");
}

static void
test_load_console_tls_no_key_rejected(void)
{
	expect_bad(
		"bad/console_tls_no_key.conf", 6, "console.tls.key: missing");
}

static void
test_load_console_tls_no_auth_rejected(void)
{
	expect_bad("bad/console_tls_no_auth.conf", 6,
		"console.tls: needs "
		"'ca' (client certificates), 'password_sha256' "
		"('auth <password>'), or both");
}

static void
test_load_console_tls_cert_missing_rejected(void)
{
	expect_bad("bad/console_tls_cert_missing.conf", 6,
		"console.tls.cert: "
		"cannot read 'tls/nonexistent.pem': No such file or directory");
}

static void
test_load_console_tls_cert_empty_rejected(void)
{
	expect_bad("bad/console_tls_cert_empty.conf", 5,
		"console.tls.cert: "
		"must be a file name of 1 to 4095 characters");
}

static void
test_load_console_tls_ca_dir_rejected(void)
{
	expect_bad("bad/console_tls_ca_dir.conf", 6,
		"console.tls.ca: 'tls' is not a regular file");
}

static void
test_load_console_tls_hex_short_rejected(void)
{
	expect_bad("bad/console_tls_hex_short.conf", 6,
		"console.tls.password_sha256: must be 64 hex digits: the "
		"SHA-256 of the password, as sha256sum prints it");
}

static void
test_load_console_tls_hex_digit_rejected(void)
{
	expect_bad("bad/console_tls_hex_digit.conf", 6,
		"console.tls.password_sha256: must be 64 hex digits: the "
		"SHA-256 of the password, as sha256sum prints it");
}

static void
expect_timeouts(const struct cfg_timeouts *t, unsigned int syn,
	unsigned int established, unsigned int fin, unsigned int time_wait,
	unsigned int close, unsigned int udp)
{
	CU_ASSERT_EQUAL(t->syn_s, syn);
	CU_ASSERT_EQUAL(t->established_s, established);
	CU_ASSERT_EQUAL(t->fin_s, fin);
	CU_ASSERT_EQUAL(t->time_wait_s, time_wait);
	CU_ASSERT_EQUAL(t->close_s, close);
	CU_ASSERT_EQUAL(t->udp_s, udp);
}

static void
expect_default_timeouts(const struct cfg_timeouts *t)
{
	expect_timeouts(t, 10, 900, 60, 60, 10, 60);
}

static void
expect_backend(const struct cfg_backend *b, int family, const uint8_t *a,
	unsigned int port, unsigned int weight, unsigned int state,
	unsigned int line)
{
	expect_addr(&b->addr, family, a);
	CU_ASSERT_EQUAL(b->port, port);
	CU_ASSERT_EQUAL(b->weight, weight);
	CU_ASSERT_EQUAL(b->state, state);
	CU_ASSERT_EQUAL(b->line, line);
}

/* Name, VIP, ports, protocol and the line of the service's '{'. */
static void
expect_service(const struct cfg_service *s, const char *name, int family,
	const uint8_t *vip, unsigned int lo, unsigned int hi,
	unsigned int proto, unsigned int line)
{
	CU_ASSERT_STRING_EQUAL(s->name, name);
	expect_addr(&s->vip, family, vip);
	CU_ASSERT_EQUAL(s->port_lo, lo);
	CU_ASSERT_EQUAL(s->port_hi, hi);
	CU_ASSERT_EQUAL(s->proto, proto);
	CU_ASSERT_EQUAL(s->line, line);
}

/*
 * services.conf: every service and backend key, both families, port
 * ranges that meet without overlapping on one VIP, TCP and UDP on one
 * port, every limit at both ends (close_s = 0 included), and defaults
 * where keys are absent.
 */
static void
test_load_services_all_parsed(void)
{
	static const uint8_t be11[4] = { 198, 18, 1, 11 };
	static const uint8_t be12[4] = { 198, 18, 1, 12 };
	static const uint8_t be13[4] = { 198, 18, 1, 13 };
	static const uint8_t be14[4] = { 198, 18, 1, 14 };
	static const uint8_t be_far[4] = { 203, 0, 113, 7 };
	static const uint8_t laddr5[4] = { 198, 18, 1, 5 };
	static const uint8_t be6_11[16] = { 0x20, 0x01, 0x00, 0x02, 0x00, 0x00,
		0x00, 0x02, [15] = 0x11 };
	static const uint8_t be6_far[16] = { 0x20, 0x01, 0x0d, 0xb8, 0x01,
		0x00, [15] = 0x05 };
	struct cfg_conf *c = load_ok("services.conf");
	const struct cfg_service *s;
	unsigned int i;

	CU_ASSERT_EQUAL(c->hash_seed, 0x5eed5eed5eed5eedull);
	CU_ASSERT_EQUAL(c->lport_lo, 10000);
	CU_ASSERT_EQUAL(c->lport_hi, 19999);
	CU_ASSERT_EQUAL(c->sessions.max_per_worker, 1024);
	CU_ASSERT_EQUAL(c->sessions.half_open_pct, 25);
	CU_ASSERT_EQUAL_FATAL(c->nb_services, 6);

	s = &c->services[0];
	expect_service(s, "web", AF_INET, ip4_vip, 80, 80, IPPROTO_TCP, 29);
	CU_ASSERT_EQUAL(s->balancer, CFG_LB_MAGLEV);
	CU_ASSERT_EQUAL(s->hash, CFG_HASH_SOURCE);
	CU_ASSERT_EQUAL(s->maglev_size, 251);
	CU_ASSERT_EQUAL(s->mss, 1400);
	CU_ASSERT_FALSE(s->midflow);
	CU_ASSERT_STRING_EQUAL(s->discovery, "");
	expect_timeouts(&s->timeouts, 5, 3600, 30, 20, 0, 120);
	CU_ASSERT_EQUAL_FATAL(s->nb_laddrs, 2);
	expect_addr(&s->laddrs[0], AF_INET, laddr5);
	expect_addr(&s->laddrs[1], AF_INET, ip4_be);
	CU_ASSERT_EQUAL_FATAL(s->nb_backends, 3);
	expect_backend(&s->backends[0], AF_INET, be11, 8080, 3, BE_READY, 49);
	expect_backend(&s->backends[1], AF_INET, be11, 8081, 0, BE_DRAIN, 50);
	expect_backend(&s->backends[2], AF_INET, be_far, 8080, 1, BE_MAINT, 51);

	/* Absent keys: tcp, 5-tuple, 65537 slots, no MSS clamp, midflow on,
	 * the backend-facing port's IPv4 address as the only source. */
	s = &c->services[1];
	expect_service(s, "low", AF_INET, ip4_vip, 1, 79, IPPROTO_TCP, 54);
	CU_ASSERT_EQUAL(s->balancer, CFG_LB_ROUND_ROBIN);
	CU_ASSERT_EQUAL(s->hash, CFG_HASH_5TUPLE);
	CU_ASSERT_EQUAL(s->maglev_size, DEF_MAGLEV_SIZE);
	CU_ASSERT_EQUAL(s->mss, 0);
	CU_ASSERT_TRUE(s->midflow);
	CU_ASSERT_STRING_EQUAL(s->discovery, "low.json");
	expect_default_timeouts(&s->timeouts);
	CU_ASSERT_EQUAL_FATAL(s->nb_laddrs, 1);
	expect_addr(&s->laddrs[0], AF_INET, ip4_be);
	CU_ASSERT_EQUAL_FATAL(s->nb_backends, 1);
	expect_backend(&s->backends[0], AF_INET, be12, 1, 1, BE_READY, 61);

	/* The low limits: 3 slots for 2 backends, MSS 536, 1 s timeouts. */
	s = &c->services[2];
	expect_service(s, "high", AF_INET, ip4_vip, 81, 65535, IPPROTO_TCP, 63);
	CU_ASSERT_EQUAL(s->balancer, CFG_LB_RANDOM);
	CU_ASSERT_EQUAL(s->hash, CFG_HASH_5TUPLE);
	CU_ASSERT_EQUAL(s->maglev_size, 3);
	CU_ASSERT_EQUAL(s->mss, 536);
	CU_ASSERT_TRUE(s->connect_retry);
	CU_ASSERT_EQUAL(s->connect_timeout_ms, 50);
	CU_ASSERT_TRUE(s->midflow);
	expect_timeouts(&s->timeouts, 1, 1, 1, 1, 1, 1);
	CU_ASSERT_EQUAL_FATAL(s->nb_laddrs, 1);
	expect_addr(&s->laddrs[0], AF_INET, ip4_be);
	CU_ASSERT_EQUAL_FATAL(s->nb_backends, 2);
	expect_backend(
		&s->backends[0], AF_INET, be12, 65535, 65535, BE_READY, 79);
	expect_backend(&s->backends[1], AF_INET, be13, 65535, 1, BE_READY, 80);

	/* UDP on web's port: another protocol, no overlap. */
	s = &c->services[3];
	expect_service(s, "dns", AF_INET, ip4_vip, 80, 80, IPPROTO_UDP, 83);
	CU_ASSERT_EQUAL(s->balancer, CFG_LB_MAGLEV);
	CU_ASSERT_EQUAL(s->hash, CFG_HASH_5TUPLE);
	CU_ASSERT_EQUAL(s->maglev_size, DEF_MAGLEV_SIZE);
	CU_ASSERT_TRUE(s->midflow);
	expect_default_timeouts(&s->timeouts);
	CU_ASSERT_EQUAL_FATAL(s->nb_laddrs, 1);
	expect_addr(&s->laddrs[0], AF_INET, ip4_be);
	CU_ASSERT_EQUAL_FATAL(s->nb_backends, 1);
	expect_backend(&s->backends[0], AF_INET, be14, 53, 1, BE_READY, 91);

	/* IPv6, the high limits; a backend behind a route; the default
	 * source is the backend-facing port's IPv6 address. */
	s = &c->services[4];
	expect_service(s, "web6", AF_INET6, ip6_vip, 443, 443, IPPROTO_TCP, 93);
	CU_ASSERT_EQUAL(s->balancer, CFG_LB_MAGLEV);
	CU_ASSERT_EQUAL(s->maglev_size, 16777213);
	CU_ASSERT_EQUAL(s->mss, 65535);
	CU_ASSERT_FALSE(s->connect_retry);
	CU_ASSERT_EQUAL(s->connect_timeout_ms, 60000);
	CU_ASSERT_EQUAL(s->max_flows, 100000000);
	CU_ASSERT_EQUAL(s->max_be_flows, 7);
	expect_timeouts(&s->timeouts, 600, 604800, 3600, 3600, 3600, 86400);
	CU_ASSERT_EQUAL_FATAL(s->nb_laddrs, 1);
	expect_addr(&s->laddrs[0], AF_INET6, ip6_be);
	CU_ASSERT_EQUAL_FATAL(s->nb_backends, 2);
	expect_backend(
		&s->backends[0], AF_INET6, be6_11, 8443, 1, BE_READY, 108);
	expect_backend(
		&s->backends[1], AF_INET6, be6_far, 8443, 2, BE_READY, 109);

	/* UDP range over web6's TCP port; 8 local addresses, the most. */
	s = &c->services[5];
	expect_service(
		s, "quic6", AF_INET6, ip6_vip, 443, 444, IPPROTO_UDP, 112);
	expect_default_timeouts(&s->timeouts);
	CU_ASSERT_EQUAL_FATAL(s->nb_laddrs, 8);
	for (i = 0; i < 8; i++) {
		uint8_t a[16];

		memcpy(a, ip6_be, sizeof(a));
		a[15] = (uint8_t)(0xa1 + i);
		expect_addr(&s->laddrs[i], AF_INET6, a);
	}
	CU_ASSERT_EQUAL_FATAL(s->nb_backends, 1);
	expect_backend(
		&s->backends[0], AF_INET6, be6_11, 443, 1, BE_READY, 120);
	/* Least-latency at the high limits; the others have the defaults. */
	CU_ASSERT_EQUAL(s->balancer, CFG_LB_LEAST_LATENCY);
	CU_ASSERT_EQUAL(s->latency.decay_s, 3600);
	CU_ASSERT_EQUAL(s->latency.initial_ms, 4000);
	CU_ASSERT_EQUAL(c->services[0].latency.decay_s, 10);
	CU_ASSERT_EQUAL(c->services[0].latency.initial_ms, 30);
	CU_ASSERT_EQUAL(s->outlier.consecutive, 0);
	CU_ASSERT_EQUAL(s->outlier.base_ejection_s, 86400);
	CU_ASSERT_EQUAL(s->outlier.max_ejection_s, 86400);
	CU_ASSERT_EQUAL(s->outlier.max_ejection_pct, 100);
	CU_ASSERT_EQUAL(s->panic_pct, 0);
	/* Outlier detection is on by default, with Envoy's values. */
	CU_ASSERT_EQUAL(c->services[0].outlier.consecutive, 5);
	CU_ASSERT_EQUAL(c->services[0].outlier.base_ejection_s, 30);
	CU_ASSERT_EQUAL(c->services[0].outlier.max_ejection_s, 300);
	CU_ASSERT_EQUAL(c->services[0].outlier.max_ejection_pct, 10);
	CU_ASSERT_EQUAL(c->services[0].panic_pct, 50);
	CU_ASSERT_TRUE(c->services[0].connect_retry);
	CU_ASSERT_EQUAL(c->services[0].connect_timeout_ms, 500);
	CU_ASSERT_EQUAL(c->services[0].max_flows, 0);
	CU_ASSERT_EQUAL(c->services[0].max_be_flows, 0);
	cfg_conf_free(c);
}

/* Without 'services', 'sessions', 'local_ports', 'hash_seed'. */
static void
test_load_services_absent_defaults(void)
{
	struct cfg_conf *c = load_ok("minimal.conf");

	CU_ASSERT_EQUAL(c->nb_services, 0);
	CU_ASSERT_EQUAL(c->hash_seed, DEF_HASH_SEED);
	CU_ASSERT_EQUAL(c->lport_lo, DEF_LPORT_LO);
	CU_ASSERT_EQUAL(c->lport_hi, DEF_LPORT_HI);
	CU_ASSERT_EQUAL(c->sessions.max_per_worker, DEF_SESSIONS);
	CU_ASSERT_EQUAL(c->sessions.half_open_pct, DEF_HALF_OPEN_PCT);
	cfg_conf_free(c);
}

static void
test_dump_services_printed(void)
{
	static const char *const want[] = {
		"sessions: 1024 slots per worker, half-open up to 25%, local ports "
		"10000-19999, hash seed 0x5eed5eed5eed5eed\n",
		"service web: tcp 198.19.0.10 port 80, maglev by source, "
		"3 backends\n",
		"backend 198.18.1.11 port 8080 weight 3\n",
		"backend 198.18.1.11 port 8081 weight 0\n",
		"backend 203.0.113.7 port 8080 weight 1\n",
		"local address 198.18.1.5\n",
		"local address 198.18.1.1\n",
		"service low: tcp 198.19.0.10 port 1-79, round-robin, ",
		"service high: tcp 198.19.0.10 port 81-65535, random, ",
		"service dns: udp 198.19.0.10 port 80, maglev, ",
		"service web6: tcp 2001:db8:200::10 port 443, maglev, ",
		"backend 2001:db8:100::5 port 8443 weight 2\n",
		"service quic6: udp 2001:db8:200::10 port 443-444, least-latency "
		"(decay 3600 s, initial 4000 ms), 1 backends\n"
		"    outlier detection off; panic below 0% healthy\n",
		"    outlier detection: 5 failed connects, 30-300 s, at most "
		"10%; panic below 50% healthy\n",
		"local address 2001:2:0:2::a8\n",
	};
	expect_dump("services.conf", want, WEIR_ARRAY_LEN(want));
}

/* The runtime path keeps the loader's rule: maglev_size above the backends,
 * whatever the balancer ('high' is random, 3 slots, 2 backends). */
static void
test_backend_set_table_full_enospc(void)
{
	struct cfg_conf *c = load_ok("services.conf");
	struct cfg_service *s = cfg_service_find(c, "high");
	struct cfg_backend b = { .port = 65535, .weight = 1 };
	struct weir_prefix p;
	char err[ERR_SIZE];

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL_FATAL(weir_prefix_parse("198.18.1.14", false, &p), 0);
	b.addr = p.addr;
	CU_ASSERT_EQUAL(cfg_backend_set(c, s, &b, err, sizeof(err)), -ENOSPC);
	CU_ASSERT_STRING_EQUAL(err, "maglev_size 3 cannot hold 3 backends");
	CU_ASSERT_EQUAL(s->nb_backends, 2);
	cfg_conf_free(c);
}

/*
 * A file with one service of 'n' backends (198.18.0.2, ports 1..n), the
 * list opening on line 8, in a new file under /tmp named into 'path'.
 */
static void
write_backends_conf(char *path, size_t size, unsigned int n)
{
	unsigned int i;
	FILE *f;
	int fd;

	snprintf(path, size, "/tmp/weir_cfg_XXXXXX.conf");
	fd = mkstemps(path, 5);
	CU_ASSERT_FATAL(fd >= 0);
	f = fdopen(fd, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fprintf(f,
		"workers = [ 1 ];\n"
		"ports = ( { name = \"p0\"; device = \"net_null0\"; "
		"addresses = [ \"198.18.0.1/24\" ]; } );\n"
		"services = (\n"
		"\t{\n"
		"\t\tname = \"big\";\n"
		"\t\tvip = \"198.19.0.10\";\n"
		"\t\tport = 80;\n"
		"\t\tbackends = (\n");
	for (i = 1; i <= n; i++)
		fprintf(f, "\t\t\t{ address = \"198.18.0.2\"; port = %u; }%s\n",
			i, i < n ? "," : "");
	fprintf(f, "\t\t);\n\t}\n);\n");
	CU_ASSERT_EQUAL_FATAL(fclose(f), 0);
}

static void
test_load_svc_backends_max_accepted(void)
{
	char path[64];
	struct cfg_conf *c;

	write_backends_conf(path, sizeof(path), 4096);
	c = load_ok(path);
	unlink(path);
	CU_ASSERT_EQUAL_FATAL(c->nb_services, 1);
	CU_ASSERT_EQUAL_FATAL(c->services[0].nb_backends, 4096);
	CU_ASSERT_EQUAL(c->services[0].backends[4095].port, 4096);
	CU_ASSERT_EQUAL(c->services[0].backends[4095].line, 9 + 4095);
	cfg_conf_free(c);
}

static void
test_load_svc_backends_too_many_rejected(void)
{
	char path[64];

	write_backends_conf(path, sizeof(path), 4097);
	expect_bad(path, 8, "services[0].backends: needs 1 to 4096 backends");
	unlink(path);
}

static void
test_load_svc_unknown_key_rejected(void)
{
	expect_bad("bad/svc_unknown_key.conf", 11,
		"services[0].weight: unknown key");
}

static void
test_load_svc_not_group_rejected(void)
{
	expect_bad("bad/svc_not_group.conf", 6,
		"services[0]: must be a group { ... }");
}

static void
test_load_svc_no_name_rejected(void)
{
	expect_bad("bad/svc_no_name.conf", 7, "services[0].name: missing");
}

static void
test_load_svc_no_vip_rejected(void)
{
	expect_bad("bad/svc_no_vip.conf", 7, "services[0].vip: missing");
}

static void
test_load_svc_no_port_rejected(void)
{
	expect_bad("bad/svc_no_port.conf", 7,
		"services[0].port: "
		"missing: a port (80) or a range (\"8000-8099\")");
}

static void
test_load_svc_no_backends_rejected(void)
{
	expect_bad("bad/svc_no_backends.conf", 7,
		"services[0].backends: missing: list of { address = ...; "
		"port = ...; weight = ...; }");
}

static void
test_load_svc_backends_empty_rejected(void)
{
	expect_bad("bad/svc_backends_empty.conf", 11,
		"services[0].backends: needs 1 to 4096 backends");
}

static void
test_load_svc_dup_name_rejected(void)
{
	expect_bad("bad/svc_dup_name.conf", 14,
		"services[1].name: service 'web' is defined twice");
}

static void
test_load_svc_name_long_rejected(void)
{
	expect_bad("bad/svc_name_long.conf", 8,
		"services[0].name: must be 1 to 31 characters");
}

static void
test_load_svc_vip_multicast_rejected(void)
{
	expect_bad("bad/svc_vip_multicast.conf", 9,
		"services[0].vip: '224.0.0.10' is not a unicast address");
}

static void
test_load_svc_vip_multicast6_rejected(void)
{
	expect_bad("bad/svc_vip_multicast6.conf", 9,
		"services[0].vip: 'ff05::10' is not a unicast address");
}

static void
test_load_svc_vip_unspecified_rejected(void)
{
	expect_bad("bad/svc_vip_unspecified.conf", 9,
		"services[0].vip: '0.0.0.0' is not a unicast address");
}

static void
test_load_svc_vip_unspecified6_rejected(void)
{
	expect_bad("bad/svc_vip_unspecified6.conf", 9,
		"services[0].vip: '::' is not a unicast address");
}

static void
test_load_svc_vip_loopback6_rejected(void)
{
	expect_bad("bad/svc_vip_loopback6.conf", 9,
		"services[0].vip: '::1' is not a unicast address");
}

static void
test_load_svc_vip_prefix_rejected(void)
{
	expect_bad("bad/svc_vip_prefix.conf", 9,
		"services[0].vip: "
		"'198.19.0.10/32' is not an IPv4 or IPv6 address");
}

static void
test_load_svc_vip_port_addr_rejected(void)
{
	expect_bad("bad/svc_vip_port_addr.conf", 9,
		"services[0].vip: 198.18.0.1 is an address of port 'p0'; a "
		"VIP must be an address of its own");
}

static void
test_load_svc_port_zero_rejected(void)
{
	expect_bad("bad/svc_port_zero.conf", 10,
		"services[0].port: 0 is out of range: 1 to 65535");
}

static void
test_load_svc_port_high_rejected(void)
{
	expect_bad("bad/svc_port_high.conf", 10,
		"services[0].port: 65536 is out of range: 1 to 65535");
}

static void
test_load_svc_port_range_zero_rejected(void)
{
	expect_bad("bad/svc_port_range_zero.conf", 10,
		"services[0].port: "
		"'0-80' is not a range within 1-65535 with lo <= hi");
}

static void
test_load_svc_port_range_high_rejected(void)
{
	expect_bad("bad/svc_port_range_high.conf", 10,
		"services[0].port: "
		"'65000-65536' is not a range within 1-65535 with lo <= hi");
}

static void
test_load_svc_port_range_order_rejected(void)
{
	expect_bad("bad/svc_port_range_order.conf", 10,
		"services[0].port: "
		"'8099-8000' is not a range within 1-65535 with lo <= hi");
}

static void
test_load_svc_port_text_rejected(void)
{
	expect_bad("bad/svc_port_text.conf", 10,
		"services[0].port: 'http' is not a \"lo-hi\" range");
}

static void
test_load_svc_port_type_rejected(void)
{
	expect_bad("bad/svc_port_type.conf", 10,
		"services[0].port: must be a port or a \"lo-hi\" range");
}

static void
test_load_svc_protocol_rejected(void)
{
	expect_bad("bad/svc_protocol.conf", 11,
		"services[0].protocol: 'sctp' is not one of tcp, udp");
}

static void
test_load_svc_balancer_rejected(void)
{
	expect_bad("bad/svc_balancer.conf", 11,
		"services[0].balancer: "
		"'least-conn' is not one of maglev, round-robin, random, "
		"least-latency");
}

static void
test_load_svc_latency_rejected(void)
{
	expect_bad("bad/svc_latency.conf", 11,
		"services[0].latency.decay_s: 0 is out of range: 1 to 3600 s");
}

static void
test_load_svc_outlier_rejected(void)
{
	expect_bad("bad/svc_outlier.conf", 11,
		"services[0].outlier.max_ejection_s: 10 s is below "
		"base_ejection_s (30 s)");
}

static void
test_load_svc_hash_rejected(void)
{
	expect_bad("bad/svc_hash.conf", 11,
		"services[0].hash: "
		"'destination' is not one of 5-tuple, source");
}

static void
test_load_svc_maglev_prime_rejected(void)
{
	expect_bad("bad/svc_maglev_prime.conf", 11,
		"services[0].maglev_size: 65535 is not a prime");
}

static void
test_load_svc_maglev_small_rejected(void)
{
	expect_bad("bad/svc_maglev_small.conf", 11,
		"services[0].maglev_size: "
		"2 is out of range: 3 to 16777213 slots");
}

static void
test_load_svc_maglev_large_rejected(void)
{
	expect_bad("bad/svc_maglev_large.conf", 11,
		"services[0].maglev_size: "
		"16777259 is out of range: 3 to 16777213 slots");
}

static void
test_load_svc_maglev_backends_rejected(void)
{
	expect_bad("bad/svc_maglev_backends.conf", 11,
		"services[0].maglev_size: 3 slots cannot hold 3 backends; "
		"use a prime well above 100 x backends");
}

static void
test_load_svc_maglev_backends_rr_rejected(void)
{
	expect_bad("bad/svc_maglev_backends_rr.conf", 12,
		"services[0].maglev_size: 3 slots cannot hold 3 backends; "
		"use a prime well above 100 x backends");
}

static void
test_load_svc_mss_low_rejected(void)
{
	expect_bad("bad/svc_mss_low.conf", 11,
		"services[0].mss: "
		"535 is below 536 bytes (0 turns clamping off)");
}

static void
test_load_svc_mss_high_rejected(void)
{
	expect_bad("bad/svc_mss_high.conf", 11,
		"services[0].mss: 65536 is out of range: 0 to 65535 bytes");
}

static void
test_load_svc_midflow_type_rejected(void)
{
	expect_bad("bad/svc_midflow_type.conf", 11,
		"services[0].midflow: must be true or false");
}

static void
test_load_svc_timeouts_type_rejected(void)
{
	expect_bad("bad/svc_timeouts_type.conf", 11,
		"services[0].timeouts: must be a group { ... }");
}

static void
test_load_svc_timeouts_key_rejected(void)
{
	expect_bad("bad/svc_timeouts_key.conf", 12,
		"services[0].timeouts.rst_s: unknown key");
}

static void
test_load_svc_syn_zero_rejected(void)
{
	expect_bad("bad/svc_syn_zero.conf", 12,
		"services[0].timeouts.syn_s: 0 is out of range: 1 to 600 s");
}

static void
test_load_svc_syn_high_rejected(void)
{
	expect_bad("bad/svc_syn_high.conf", 12,
		"services[0].timeouts.syn_s: 601 is out of range: 1 to 600 s");
}

static void
test_load_svc_established_zero_rejected(void)
{
	expect_bad("bad/svc_established_zero.conf", 12,
		"services[0].timeouts.established_s: "
		"0 is out of range: 1 to 604800 s");
}

static void
test_load_svc_established_high_rejected(void)
{
	expect_bad("bad/svc_established_high.conf", 12,
		"services[0].timeouts.established_s: "
		"604801 is out of range: 1 to 604800 s");
}

static void
test_load_svc_fin_zero_rejected(void)
{
	expect_bad("bad/svc_fin_zero.conf", 12,
		"services[0].timeouts.fin_s: 0 is out of range: 1 to 3600 s");
}

static void
test_load_svc_fin_high_rejected(void)
{
	expect_bad("bad/svc_fin_high.conf", 12,
		"services[0].timeouts.fin_s: "
		"3601 is out of range: 1 to 3600 s");
}

static void
test_load_svc_time_wait_zero_rejected(void)
{
	expect_bad("bad/svc_time_wait_zero.conf", 12,
		"services[0].timeouts.time_wait_s: "
		"0 is out of range: 1 to 3600 s");
}

static void
test_load_svc_time_wait_high_rejected(void)
{
	expect_bad("bad/svc_time_wait_high.conf", 12,
		"services[0].timeouts.time_wait_s: "
		"3601 is out of range: 1 to 3600 s");
}

static void
test_load_svc_close_high_rejected(void)
{
	expect_bad("bad/svc_close_high.conf", 12,
		"services[0].timeouts.close_s: "
		"3601 is out of range: 0 to 3600 s");
}

static void
test_load_svc_close_negative_rejected(void)
{
	expect_bad("bad/svc_close_negative.conf", 12,
		"services[0].timeouts.close_s: "
		"-1 is out of range: 0 to 3600 s");
}

static void
test_load_svc_udp_zero_rejected(void)
{
	expect_bad("bad/svc_udp_zero.conf", 12,
		"services[0].timeouts.udp_s: 0 is out of range: 1 to 86400 s");
}

static void
test_load_svc_udp_high_rejected(void)
{
	expect_bad("bad/svc_udp_high.conf", 12,
		"services[0].timeouts.udp_s: "
		"86401 is out of range: 1 to 86400 s");
}

static void
test_load_svc_laddr_off_prefix_rejected(void)
{
	expect_bad("bad/svc_laddr_off_prefix.conf", 11,
		"services[0].local_addresses[0]: 203.0.113.5 is on no port's "
		"prefix: backends could not reply to it");
}

static void
test_load_svc_laddr_family_rejected(void)
{
	expect_bad("bad/svc_laddr_family.conf", 11,
		"services[0].local_addresses[0]: "
		"2001:db8::5 is not of the VIP's family");
}

static void
test_load_svc_laddr_many_rejected(void)
{
	expect_bad("bad/svc_laddr_many.conf", 11,
		"services[0].local_addresses: needs 1 to 8 addresses");
}

static void
test_load_svc_laddr_dup_rejected(void)
{
	expect_bad("bad/svc_laddr_dup.conf", 11,
		"services[0].local_addresses[1]: 198.18.0.5 is listed twice");
}

static void
test_load_svc_be_unknown_key_rejected(void)
{
	expect_bad("bad/svc_be_unknown_key.conf", 12,
		"services[0].backends[0].host: unknown key");
}

static void
test_load_svc_be_family_rejected(void)
{
	expect_bad("bad/svc_be_family.conf", 12,
		"services[0].backends[0].address: 2001:db8::11 is not of the "
		"VIP's family (weir does not translate between IPv4 and IPv6)");
}

static void
test_load_svc_be_no_port_rejected(void)
{
	expect_bad("bad/svc_be_no_port.conf", 12,
		"services[0].backends[0].port: missing (port, 1 to 65535)");
}

static void
test_load_svc_be_port_zero_rejected(void)
{
	expect_bad("bad/svc_be_port_zero.conf", 12,
		"services[0].backends[0].port: "
		"0 is out of range: 1 to 65535 port");
}

static void
test_load_svc_be_weight_rejected(void)
{
	expect_bad("bad/svc_be_weight.conf", 12,
		"services[0].backends[0].weight: "
		"65536 is out of range: 0 to 65535 relative weight");
}

static void
test_load_svc_be_state_rejected(void)
{
	expect_bad("bad/svc_be_state.conf", 12,
		"services[0].backends[0].state: "
		"'down' is not one of ready, drain, maint");
}

static void
test_load_svc_be_unreachable_rejected(void)
{
	expect_bad("bad/svc_be_unreachable.conf", 12,
		"services[0].backends[0].address: "
		"no port prefix or route reaches 192.0.2.7");
}

static void
test_load_svc_be_own_rejected(void)
{
	expect_bad("bad/svc_be_own.conf", 12,
		"services[0].backends[0].address: "
		"198.18.0.1 is weir's own address");
}

static void
test_load_svc_be_dup_rejected(void)
{
	expect_bad("bad/svc_be_dup.conf", 13,
		"services[0].backends[1]: "
		"backend 198.18.0.11 port 8080 is listed twice");
}

static void
test_load_svc_overlap_rejected(void)
{
	expect_bad("bad/svc_overlap.conf", 16,
		"services[1].port: "
		"overlaps service 'web' on the same VIP and protocol");
}

static void
test_load_svc_overlap6_rejected(void)
{
	expect_bad("bad/svc_overlap6.conf", 17,
		"services[1].port: "
		"overlaps service 'dns6' on the same VIP and protocol");
}

/* Parse 's', which must be valid; the test stops otherwise. */
static struct weir_prefix
pfx(const char *s)
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
	return p.addr;
}

static void
test_prefix_parse_ip4_parsed(void)
{
	static const uint8_t a[4] = { 192, 0, 2, 1 };
	static const uint8_t bc[4] = { 255, 255, 255, 255 };
	struct weir_prefix p;

	CU_ASSERT_EQUAL(weir_prefix_parse("192.0.2.1/24", true, &p), 0);
	expect_prefix(&p, AF_INET, a, 24);
	CU_ASSERT_EQUAL(weir_prefix_parse("0.0.0.0/0", true, &p), 0);
	expect_prefix(&p, AF_INET, ip4_any, 0);
	CU_ASSERT_EQUAL(weir_prefix_parse("255.255.255.255/32", true, &p), 0);
	expect_prefix(&p, AF_INET, bc, 32);
	/* A prefix may keep host bits; routes check them, addresses need them. */
	CU_ASSERT_EQUAL(weir_prefix_parse("192.0.2.1/8", false, &p), 0);
	expect_prefix(&p, AF_INET, a, 8);
}

static void
test_prefix_parse_ip6_parsed(void)
{
	static const uint8_t a[16] = { 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xab, 0xcd };
	static const uint8_t ones[16] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t mapped[16] = { [10] = 0xff,
		[11] = 0xff,
		[12] = 192,
		[13] = 0,
		[14] = 2,
		[15] = 1 };
	struct weir_prefix p;

	CU_ASSERT_EQUAL(weir_prefix_parse("2001:db8::abcd/64", true, &p), 0);
	expect_prefix(&p, AF_INET6, a, 64);
	CU_ASSERT_EQUAL(weir_prefix_parse("::/0", true, &p), 0);
	expect_prefix(&p, AF_INET6, ip6_any, 0);
	CU_ASSERT_EQUAL(weir_prefix_parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:"
					  "ffff/128",
				true, &p),
		0);
	expect_prefix(&p, AF_INET6, ones, 128);
	/* A v4-mapped address is IPv6, never confused with its IPv4 twin. */
	CU_ASSERT_EQUAL(weir_prefix_parse("::ffff:192.0.2.1/128", true, &p), 0);
	expect_prefix(&p, AF_INET6, mapped, 128);
}

static void
test_prefix_parse_bare_full_len(void)
{
	static const uint8_t a4[4] = { 1, 2, 3, 4 };
	static const uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	struct weir_prefix p;

	CU_ASSERT_EQUAL(weir_prefix_parse("1.2.3.4", false, &p), 0);
	expect_prefix(&p, AF_INET, a4, 32);
	CU_ASSERT_EQUAL(weir_prefix_parse("2001:db8::1", false, &p), 0);
	expect_prefix(&p, AF_INET6, a6, 128);
	CU_ASSERT_EQUAL(weir_prefix_parse("1.2.3.4", true, &p), -EINVAL);
	CU_ASSERT_EQUAL(weir_prefix_parse("2001:db8::1", true, &p), -EINVAL);
}

static void
test_prefix_parse_bad_einval(void)
{
	static const struct {
		const char *s;
		bool need_len;
	} bad[] = {
		{ "1.2.3.4/33", true },
		{ "1.2.3.4/33", false },
		{ "::/129", true },
		{ "::/129", false },
		{ "/24", true },
		{ "/24", false },
		{ "1.2.3.4/", true },
		{ "1.2.3.4/", false },
		{ "1.2.3.4/2x", true },
		{ "1.2.3.4/-1", true },
		{ "1.2.3.4/+8", true },
		{ "1.2.3.4/ 8", true },
		{ "1.2.3.4/8 ", true },
		{ " 1.2.3.4/8", true },
		{ "1.2.3.4/8/8", true },
		{ "1.2.3.4/4294967304", true },
		{ "1.2.3.4/99999999999999999999999", true },
		{ "", true },
		{ "", false },
		{ "/", false },
		{ "1.2.3/8", true },
		{ "1.2.3.4.5/8", true },
		{ "256.1.1.1/8", true },
		{ "1.2.3.4x", false },
		{ "2001:db8::g/64", true },
		{ "2001:db8:::1/64", true },
		{ "1:2:3:4:5:6:7:8:9/64", true },
		{ "localhost", false },
		{ "1111:2222:3333:4444:5555:6666:7777:8888:9999:aaaa:bbbb:"
		  "cccc/64",
			true },
	};
	struct weir_prefix p;
	unsigned int i;

	for (i = 0; i < WEIR_ARRAY_LEN(bad); i++) {
		int rc = weir_prefix_parse(bad[i].s, bad[i].need_len, &p);

		if (rc != -EINVAL)
			fprintf(stderr, "\n    \"%s\" (need_len %d): %d\n",
				bad[i].s, bad[i].need_len, rc);
		CU_ASSERT_EQUAL(rc, -EINVAL);
	}
}

/* One contains() check: does prefix 'p' hold address 'a'? */
struct contains_case {
	const char *p;
	const char *a;
	bool in;
};

static void
check_contains(const struct contains_case *t, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct weir_prefix p = pfx(t[i].p);
		struct weir_addr a = addr(t[i].a);
		bool in = weir_prefix_contains(&p, &a);

		if (in != t[i].in)
			fprintf(stderr, "\n    %s contains %s: %d\n", t[i].p,
				t[i].a, in);
		CU_ASSERT_EQUAL(in, t[i].in);
	}
}

static void
test_prefix_contains_ip4_boundaries(void)
{
	static const struct contains_case t[] = {
		{ "0.0.0.0/0", "0.0.0.0", true },
		{ "0.0.0.0/0", "255.255.255.255", true },
		{ "128.0.0.0/1", "128.0.0.0", true },
		{ "128.0.0.0/1", "255.255.255.255", true },
		{ "128.0.0.0/1", "127.255.255.255", false },
		{ "10.0.0.0/7", "10.0.0.0", true },
		{ "10.0.0.0/7", "11.255.255.255", true },
		{ "10.0.0.0/7", "12.0.0.0", false },
		{ "10.0.0.0/7", "9.255.255.255", false },
		{ "10.0.0.0/8", "10.255.255.255", true },
		{ "10.0.0.0/8", "11.0.0.0", false },
		{ "10.128.0.0/9", "10.255.0.0", true },
		{ "10.128.0.0/9", "10.127.255.255", false },
		{ "192.0.2.0/31", "192.0.2.0", true },
		{ "192.0.2.0/31", "192.0.2.1", true },
		{ "192.0.2.0/31", "192.0.2.2", false },
		{ "192.0.2.0/31", "192.0.3.0", false },
		{ "192.0.2.1/32", "192.0.2.1", true },
		{ "192.0.2.1/32", "192.0.2.0", false },
		{ "192.0.2.1/32", "192.0.2.3", false },
		/* A port address keeps its host bits; they are ignored. */
		{ "198.18.0.1/24", "198.18.0.200", true },
		{ "198.18.0.1/24", "198.18.1.1", false },
	};

	check_contains(t, WEIR_ARRAY_LEN(t));
}

static void
test_prefix_contains_ip6_boundaries(void)
{
	static const struct contains_case t[] = {
		{ "::/0", "::", true },
		{ "::/0", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", true },
		{ "8000::/1", "8000::", true },
		{ "8000::/1", "7fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
			false },
		{ "fe00::/7", "fdff::1", false },
		{ "fe00::/7", "ffff::1", true },
		{ "2001:db8:0:1::/64", "2001:db8:0:1:ffff:ffff:ffff:ffff",
			true },
		{ "2001:db8:0:1::/64", "2001:db8:0:2::", false },
		{ "2001:db8:0:1::/64", "2001:db8:0:0:ffff:ffff:ffff:ffff",
			false },
		{ "2001:db8::/127", "2001:db8::", true },
		{ "2001:db8::/127", "2001:db8::1", true },
		{ "2001:db8::/127", "2001:db8::2", false },
		{ "2001:db8::1/128", "2001:db8::1", true },
		{ "2001:db8::1/128", "2001:db8::", false },
		{ "2001:db8::1/128", "2001:db8::3", false },
		{ "2001:2:0:1::1/64", "2001:2:0:1::fe", true },
	};

	check_contains(t, WEIR_ARRAY_LEN(t));
}

static void
test_prefix_contains_family_mismatch_false(void)
{
	static const struct contains_case t[] = {
		{ "0.0.0.0/0", "::", false },
		{ "0.0.0.0/0", "2001:db8::1", false },
		{ "::/0", "0.0.0.0", false },
		{ "::/0", "192.0.2.1", false },
		{ "192.0.2.0/24", "::ffff:192.0.2.1", false },
		{ "::ffff:192.0.2.0/120", "192.0.2.1", false },
	};

	check_contains(t, WEIR_ARRAY_LEN(t));
}

static void
test_prefix_str_formatted(void)
{
	static const struct {
		const char *in;
		const char *out;
	} t[] = {
		{ "198.18.0.1/24", "198.18.0.1/24" },
		{ "0.0.0.0/0", "0.0.0.0/0" },
		{ "::/0", "::/0" },
		{ "2001:0db8:0000:0000:0000:0000:0000:0001/64",
			"2001:db8::1/64" },
		{ "2001:DB8::A/128", "2001:db8::a/128" },
		{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128",
			"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128" },
	};
	char buf[WEIR_ADDR_STR_SIZE];
	unsigned int i;

	for (i = 0; i < WEIR_ARRAY_LEN(t); i++) {
		struct weir_prefix p = pfx(t[i].in);

		CU_ASSERT_PTR_EQUAL(weir_prefix_str(&p, buf, sizeof(buf)), buf);
		CU_ASSERT_STRING_EQUAL(buf, t[i].out);
	}
}

static void
test_prefix_str_short_buffer_truncated(void)
{
	struct weir_prefix p = pfx("198.18.0.1/24");
	char buf[8];

	memset(buf, 'x', sizeof(buf));
	weir_prefix_str(&p, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "198.18.");
}

static void
test_addr_str_formatted(void)
{
	struct weir_addr a4 = addr("192.0.2.1");
	struct weir_addr a6 = addr("2001:db8:0:0:1:0:0:1");
	char buf[WEIR_ADDR_STR_SIZE];

	CU_ASSERT_PTR_EQUAL(weir_addr_str(&a4, buf, sizeof(buf)), buf);
	CU_ASSERT_STRING_EQUAL(buf, "192.0.2.1");
	CU_ASSERT_STRING_EQUAL(
		weir_addr_str(&a6, buf, sizeof(buf)), "2001:db8::1:0:0:1");
}

static void
test_addr_str_bad_input_question_mark(void)
{
	struct weir_addr bad = { .family = 0 };
	struct weir_addr a4 = addr("198.18.0.1");
	char buf[WEIR_ADDR_STR_SIZE], small[4];

	CU_ASSERT_STRING_EQUAL(weir_addr_str(&bad, buf, sizeof(buf)), "?");
	/* Too small for the text: a marker, never a cut address. */
	CU_ASSERT_STRING_EQUAL(weir_addr_str(&a4, small, sizeof(small)), "?");
}

static CU_TestInfo load_tests[] = { { "load_valid_all_parsed",
					    test_load_valid_all_parsed },
	{ "load_minimal_defaults_applied", test_load_minimal_defaults_applied },
	{ "load_mbufs_auto_sized", test_load_mbufs_auto_sized },
	{ "load_static_neighbors_parsed", test_load_static_neighbors_parsed },
	{ "load_edge_values_accepted", test_load_edge_values_accepted },
	{ "load_strings_copied_owned", test_load_strings_copied_owned },
	{ "free_null_noop", test_free_null_noop },
	{ "dump_valid_summary_printed", test_dump_valid_summary_printed },
	{ "dump_minimal_no_optional_lines",
		test_dump_minimal_no_optional_lines },
	{ "load_console_tls_parsed", test_load_console_tls_parsed },
	{ "load_console_tls_loopback_ca_only",
		test_load_console_tls_loopback_ca_only },
	{ "load_console_default_plain_loopback",
		test_load_console_default_plain_loopback },
	{ "load_services_all_parsed", test_load_services_all_parsed },
	{ "load_services_absent_defaults", test_load_services_absent_defaults },
	{ "dump_services_printed", test_dump_services_printed },
	{ "backend_set_table_full_enospc", test_backend_set_table_full_enospc },
	{ "load_svc_backends_max_accepted",
		test_load_svc_backends_max_accepted },
	CU_TEST_INFO_NULL };

static CU_TestInfo bad_tests[] = { { "load_missing_file_enoent",
					   test_load_missing_file_enoent },
	{ "load_directory_eisdir", test_load_directory_eisdir },
	{ "load_short_err_buffer_truncated",
		test_load_short_err_buffer_truncated },
	{ "load_syntax_brace_rejected", test_load_syntax_brace_rejected },
	{ "load_syntax_comma_rejected", test_load_syntax_comma_rejected },
	{ "load_syntax_equals_rejected", test_load_syntax_equals_rejected },
	{ "load_unknown_top_key_rejected", test_load_unknown_top_key_rejected },
	{ "load_unknown_port_key_rejected",
		test_load_unknown_port_key_rejected },
	{ "load_unknown_mempool_key_rejected",
		test_load_unknown_mempool_key_rejected },
	{ "load_workers_missing_rejected", test_load_workers_missing_rejected },
	{ "load_workers_empty_rejected", test_load_workers_empty_rejected },
	{ "load_workers_dup_rejected", test_load_workers_dup_rejected },
	{ "load_workers_main_lcore_rejected",
		test_load_workers_main_lcore_rejected },
	{ "load_workers_range_rejected", test_load_workers_range_rejected },
	{ "load_workers_type_rejected", test_load_workers_type_rejected },
	{ "load_main_lcore_range_rejected",
		test_load_main_lcore_range_rejected },
	{ "load_burst_type_rejected", test_load_burst_type_rejected },
	{ "load_burst_range_rejected", test_load_burst_range_rejected },
	{ "load_punt_ring_pow2_rejected", test_load_punt_ring_pow2_rejected },
	{ "load_mempool_small_rejected", test_load_mempool_small_rejected },
	{ "load_neigh_static_multicast_mac_rejected",
		test_load_neigh_static_multicast_mac_rejected },
	{ "load_mempool_cache_rejected", test_load_mempool_cache_rejected },
	{ "load_mempool_type_rejected", test_load_mempool_type_rejected },
	{ "load_ports_missing_rejected", test_load_ports_missing_rejected },
	{ "load_port_no_name_rejected", test_load_port_no_name_rejected },
	{ "load_port_name_long_rejected", test_load_port_name_long_rejected },
	{ "load_port_dup_name_rejected", test_load_port_dup_name_rejected },
	{ "load_port_dup_device_rejected", test_load_port_dup_device_rejected },
	{ "load_port_dup_vdev_args_rejected",
		test_load_port_dup_vdev_args_rejected },
	{ "load_port_no_addrs_rejected", test_load_port_no_addrs_rejected },
	{ "load_port_mtu_range_rejected", test_load_port_mtu_range_rejected },
	{ "load_addr_no_prefix_rejected", test_load_addr_no_prefix_rejected },
	{ "load_addr_bad_text_rejected", test_load_addr_bad_text_rejected },
	{ "load_addr_network_rejected", test_load_addr_network_rejected },
	{ "load_addr_broadcast_rejected", test_load_addr_broadcast_rejected },
	{ "load_addr_multicast_rejected", test_load_addr_multicast_rejected },
	{ "load_addr_multicast6_rejected", test_load_addr_multicast6_rejected },
	{ "load_addr_dup_across_ports_rejected",
		test_load_addr_dup_across_ports_rejected },
	{ "load_kernel", test_load_kernel }, { "load_check", test_load_check },
	{ "load_check_bad", test_load_check_bad },
	{ "load_kernel_bad", test_load_kernel_bad },
	{ "load_addr_dup_same_port_rejected",
		test_load_addr_dup_same_port_rejected },
	{ "load_addr6_small_mtu_rejected", test_load_addr6_small_mtu_rejected },
	{ "load_route_host_bits_rejected", test_load_route_host_bits_rejected },
	{ "load_route_off_link_rejected", test_load_route_off_link_rejected },
	{ "load_route_family_rejected", test_load_route_family_rejected },
	{ "load_route_via_self_rejected", test_load_route_via_self_rejected },
	{ "load_route_via_prefix_rejected",
		test_load_route_via_prefix_rejected },
	{ "load_route_dup_rejected", test_load_route_dup_rejected },
	{ "load_route_dup_gateway_rejected",
		test_load_route_dup_gateway_rejected },
	{ "load_gateway_ip6_rejected", test_load_gateway_ip6_rejected },
	{ "load_gateway6_ip4_rejected", test_load_gateway6_ip4_rejected },
	{ "load_eal_lcores_rejected", test_load_eal_lcores_rejected },
	{ "load_eal_lcores_attached_rejected",
		test_load_eal_lcores_attached_rejected },
	{ "load_eal_vdev_rejected", test_load_eal_vdev_rejected },
	{ "load_eal_no_pci_rejected", test_load_eal_no_pci_rejected },
	{ "load_eal_type_rejected", test_load_eal_type_rejected },
	{ "load_neigh_retrans_range_rejected",
		test_load_neigh_retrans_range_rejected },
	{ "load_log_level_unknown_rejected",
		test_load_log_level_unknown_rejected },
	{ "load_console_telnet_public_rejected",
		test_load_console_telnet_public_rejected },
	{ "load_console_tls_type_rejected",
		test_load_console_tls_type_rejected },
	{ "load_console_tls_unknown_key_rejected",
		test_load_console_tls_unknown_key_rejected },
	{ "load_console_tls_no_key_rejected",
		test_load_console_tls_no_key_rejected },
	{ "load_console_tls_no_auth_rejected",
		test_load_console_tls_no_auth_rejected },
	{ "load_console_tls_cert_missing_rejected",
		test_load_console_tls_cert_missing_rejected },
	{ "load_console_tls_cert_empty_rejected",
		test_load_console_tls_cert_empty_rejected },
	{ "load_console_tls_ca_dir_rejected",
		test_load_console_tls_ca_dir_rejected },
	{ "load_console_tls_hex_short_rejected",
		test_load_console_tls_hex_short_rejected },
	{ "load_console_tls_hex_digit_rejected",
		test_load_console_tls_hex_digit_rejected },
	{ "load_svc_unknown_key_rejected", test_load_svc_unknown_key_rejected },
	{ "load_svc_not_group_rejected", test_load_svc_not_group_rejected },
	{ "load_svc_no_name_rejected", test_load_svc_no_name_rejected },
	{ "load_svc_no_vip_rejected", test_load_svc_no_vip_rejected },
	{ "load_svc_no_port_rejected", test_load_svc_no_port_rejected },
	{ "load_svc_no_backends_rejected", test_load_svc_no_backends_rejected },
	{ "load_svc_backends_empty_rejected",
		test_load_svc_backends_empty_rejected },
	{ "load_svc_dup_name_rejected", test_load_svc_dup_name_rejected },
	{ "load_svc_name_long_rejected", test_load_svc_name_long_rejected },
	{ "load_svc_vip_multicast_rejected",
		test_load_svc_vip_multicast_rejected },
	{ "load_svc_vip_multicast6_rejected",
		test_load_svc_vip_multicast6_rejected },
	{ "load_svc_vip_unspecified_rejected",
		test_load_svc_vip_unspecified_rejected },
	{ "load_svc_vip_unspecified6_rejected",
		test_load_svc_vip_unspecified6_rejected },
	{ "load_svc_vip_loopback6_rejected",
		test_load_svc_vip_loopback6_rejected },
	{ "load_svc_vip_prefix_rejected", test_load_svc_vip_prefix_rejected },
	{ "load_svc_vip_port_addr_rejected",
		test_load_svc_vip_port_addr_rejected },
	{ "load_svc_port_zero_rejected", test_load_svc_port_zero_rejected },
	{ "load_svc_port_high_rejected", test_load_svc_port_high_rejected },
	{ "load_svc_port_range_zero_rejected",
		test_load_svc_port_range_zero_rejected },
	{ "load_svc_port_range_high_rejected",
		test_load_svc_port_range_high_rejected },
	{ "load_svc_port_range_order_rejected",
		test_load_svc_port_range_order_rejected },
	{ "load_svc_port_text_rejected", test_load_svc_port_text_rejected },
	{ "load_svc_port_type_rejected", test_load_svc_port_type_rejected },
	{ "load_svc_protocol_rejected", test_load_svc_protocol_rejected },
	{ "load_svc_balancer_rejected", test_load_svc_balancer_rejected },
	{ "load_svc_hash_rejected", test_load_svc_hash_rejected },
	{ "load_svc_latency_rejected", test_load_svc_latency_rejected },
	{ "load_svc_outlier_rejected", test_load_svc_outlier_rejected },
	{ "load_svc_maglev_prime_rejected",
		test_load_svc_maglev_prime_rejected },
	{ "load_svc_maglev_small_rejected",
		test_load_svc_maglev_small_rejected },
	{ "load_svc_maglev_large_rejected",
		test_load_svc_maglev_large_rejected },
	{ "load_svc_maglev_backends_rejected",
		test_load_svc_maglev_backends_rejected },
	{ "load_svc_maglev_backends_rr_rejected",
		test_load_svc_maglev_backends_rr_rejected },
	{ "load_svc_mss_low_rejected", test_load_svc_mss_low_rejected },
	{ "load_svc_mss_high_rejected", test_load_svc_mss_high_rejected },
	{ "load_svc_midflow_type_rejected",
		test_load_svc_midflow_type_rejected },
	{ "load_svc_timeouts_type_rejected",
		test_load_svc_timeouts_type_rejected },
	{ "load_svc_timeouts_key_rejected",
		test_load_svc_timeouts_key_rejected },
	{ "load_svc_syn_zero_rejected", test_load_svc_syn_zero_rejected },
	{ "load_svc_syn_high_rejected", test_load_svc_syn_high_rejected },
	{ "load_svc_established_zero_rejected",
		test_load_svc_established_zero_rejected },
	{ "load_svc_established_high_rejected",
		test_load_svc_established_high_rejected },
	{ "load_svc_fin_zero_rejected", test_load_svc_fin_zero_rejected },
	{ "load_svc_fin_high_rejected", test_load_svc_fin_high_rejected },
	{ "load_svc_time_wait_zero_rejected",
		test_load_svc_time_wait_zero_rejected },
	{ "load_svc_time_wait_high_rejected",
		test_load_svc_time_wait_high_rejected },
	{ "load_svc_close_high_rejected", test_load_svc_close_high_rejected },
	{ "load_svc_close_negative_rejected",
		test_load_svc_close_negative_rejected },
	{ "load_svc_udp_zero_rejected", test_load_svc_udp_zero_rejected },
	{ "load_svc_udp_high_rejected", test_load_svc_udp_high_rejected },
	{ "load_svc_laddr_off_prefix_rejected",
		test_load_svc_laddr_off_prefix_rejected },
	{ "load_svc_laddr_family_rejected",
		test_load_svc_laddr_family_rejected },
	{ "load_svc_laddr_many_rejected", test_load_svc_laddr_many_rejected },
	{ "load_svc_laddr_dup_rejected", test_load_svc_laddr_dup_rejected },
	{ "load_svc_be_unknown_key_rejected",
		test_load_svc_be_unknown_key_rejected },
	{ "load_svc_be_family_rejected", test_load_svc_be_family_rejected },
	{ "load_svc_be_no_port_rejected", test_load_svc_be_no_port_rejected },
	{ "load_svc_be_port_zero_rejected",
		test_load_svc_be_port_zero_rejected },
	{ "load_svc_be_weight_rejected", test_load_svc_be_weight_rejected },
	{ "load_svc_be_state_rejected", test_load_svc_be_state_rejected },
	{ "load_svc_be_unreachable_rejected",
		test_load_svc_be_unreachable_rejected },
	{ "load_svc_be_own_rejected", test_load_svc_be_own_rejected },
	{ "load_svc_be_dup_rejected", test_load_svc_be_dup_rejected },
	{ "load_svc_overlap_rejected", test_load_svc_overlap_rejected },
	{ "load_svc_overlap6_rejected", test_load_svc_overlap6_rejected },
	{ "load_svc_backends_too_many_rejected",
		test_load_svc_backends_too_many_rejected },
	CU_TEST_INFO_NULL };

static CU_TestInfo prefix_tests[] = { { "prefix_parse_ip4_parsed",
					      test_prefix_parse_ip4_parsed },
	{ "prefix_parse_ip6_parsed", test_prefix_parse_ip6_parsed },
	{ "prefix_parse_bare_full_len", test_prefix_parse_bare_full_len },
	{ "prefix_parse_bad_einval", test_prefix_parse_bad_einval },
	{ "prefix_contains_ip4_boundaries",
		test_prefix_contains_ip4_boundaries },
	{ "prefix_contains_ip6_boundaries",
		test_prefix_contains_ip6_boundaries },
	{ "prefix_contains_family_mismatch_false",
		test_prefix_contains_family_mismatch_false },
	{ "prefix_str_formatted", test_prefix_str_formatted },
	{ "prefix_str_short_buffer_truncated",
		test_prefix_str_short_buffer_truncated },
	{ "addr_str_formatted", test_addr_str_formatted },
	{ "addr_str_bad_input_question_mark",
		test_addr_str_bad_input_question_mark },
	CU_TEST_INFO_NULL };

static CU_SuiteInfo suites[] = { { .pName = "cfg_load", .pTests = load_tests },
	{ .pName = "cfg_bad", .pTests = bad_tests },
	{ .pName = "weir_prefix", .pTests = prefix_tests },
	CU_SUITE_INFO_NULL };

int
main(void)
{
	return weir_cunit_run(suites);
}
