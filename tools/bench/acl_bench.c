/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * acl_bench - what weir's future policy ACLs (rte_acl) will cost, measured
 * before lib/acl exists so the performance page can quote it: the
 * management thread's rte_acl_add_rules + rte_acl_build time and the
 * context's rte_malloc footprint for 1, 1 000 and 10 000 IPv4 5-tuple
 * rules, and the worker's rte_acl_classify cost per packet over bursts of
 * 32. It is a benchmark, never a test, and prints one table.
 *
 * Rules use the classic 5-field layout of DPDK's l3fwd-acl and test_acl.h
 * (proto bitmask, source and destination prefixes, source and destination
 * port ranges) and are drawn from a fixed-seed PRNG, so every run builds
 * the same rule set: sources /8../32 inside 198.18.0.0/15, destinations
 * /24../32 inside 198.19.0.0/16, single well-known destination ports and
 * port ranges. Priorities follow list order (the first rule wins), which
 * is how an ordered policy list compiles, and the last rule is a
 * default-allow catch-all, so every packet gets a verdict.
 *
 * The lookup keys are the bytes from IPv4 next_proto_id onwards followed
 * by the L4 ports, exactly what rte_acl would read if handed a pointer
 * into a received packet (as l3fwd-acl does), rather than a copied,
 * aligned key: the trie walk does not care about alignment and the
 * datapath would rather not copy. 65 536 keys from the same ranges are
 * walked in bursts of 32, so some packets hit a rule and the rest fall
 * through to the catch-all; the table reports that share. Build time is
 * the median of 5 builds; classify cost is the median of 5 timed passes
 * of 2^22 lookups (rte_rdtsc), with DPDK's default algorithm for the CPU.
 *
 * usage: acl_bench [EAL options] [-- -q]
 *   -q	quick: 1 run, 2^12 lookups, a tenth of the rules (for valgrind)
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_acl.h>
#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ip.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_vect.h>

#define BENCH_RUNS 5	      /* builds and timed passes a case; median */
#define BENCH_LOOKUPS_LOG2 22 /* lookups per timed pass: ~0.1-1 s */
#define BENCH_BURST 32	      /* keys per rte_acl_classify(), an rx burst */
#define BENCH_KEYS (1u << 16) /* key pool: 1 MiB, well past L1 */
#define BENCH_SEED UINT64_C(0x5745495241434c31) /* "WEIRACL1" */

/* Field order inside a rule, as in l3fwd-acl. */
enum {
	F_PROTO,
	F_SRC,
	F_DST,
	F_SPORT,
	F_DPORT,
	F_COUNT
};

RTE_ACL_RULE_DEF(bench_rule, F_COUNT);

/*
 * One lookup key: the IPv4 header from next_proto_id, then the L4 ports of
 * an option-less header. Network byte order, as on the wire.
 */
struct bench_key {
	uint8_t proto;
	rte_be16_t hdr_checksum; /* never matched; keeps wire offsets */
	rte_be32_t src_addr;
	rte_be32_t dst_addr;
	rte_be16_t src_port;
	rte_be16_t dst_port;
	uint8_t pad; /* rounds the stride to 16 bytes */
} __rte_packed;

#define IP_OFF(m)                                                              \
	(offsetof(struct rte_ipv4_hdr, m) -                                    \
		offsetof(struct rte_ipv4_hdr, next_proto_id))
_Static_assert(offsetof(struct bench_key, src_addr) == IP_OFF(src_addr),
	"key must mirror the IPv4 header");
_Static_assert(offsetof(struct bench_key, dst_addr) == IP_OFF(dst_addr),
	"key must mirror the IPv4 header");
_Static_assert(offsetof(struct bench_key, src_port) ==
		sizeof(struct rte_ipv4_hdr) -
			offsetof(struct rte_ipv4_hdr, next_proto_id),
	"ports must follow a 20-byte IPv4 header");
_Static_assert(sizeof(struct bench_key) == 16, "key stride");

/*
 * Input indexes group the key into the 4-byte words the trie walk loads:
 * the 1-byte proto is loaded alone, then src, dst, and both ports.
 */
static const struct rte_acl_field_def bench_defs[F_COUNT] = {
	[F_PROTO] = {
		.type = RTE_ACL_FIELD_TYPE_BITMASK, .size = sizeof(uint8_t),
		.field_index = F_PROTO, .input_index = 0,
		.offset = offsetof(struct bench_key, proto),
	},
	[F_SRC] = {
		.type = RTE_ACL_FIELD_TYPE_MASK, .size = sizeof(uint32_t),
		.field_index = F_SRC, .input_index = 1,
		.offset = offsetof(struct bench_key, src_addr),
	},
	[F_DST] = {
		.type = RTE_ACL_FIELD_TYPE_MASK, .size = sizeof(uint32_t),
		.field_index = F_DST, .input_index = 2,
		.offset = offsetof(struct bench_key, dst_addr),
	},
	[F_SPORT] = {
		.type = RTE_ACL_FIELD_TYPE_RANGE, .size = sizeof(uint16_t),
		.field_index = F_SPORT, .input_index = 3,
		.offset = offsetof(struct bench_key, src_port),
	},
	[F_DPORT] = {
		.type = RTE_ACL_FIELD_TYPE_RANGE, .size = sizeof(uint16_t),
		.field_index = F_DPORT, .input_index = 3,
		.offset = offsetof(struct bench_key, dst_port),
	},
};

/* Destination ports a policy names one at a time. */
static const uint16_t well_known_ports[] = {
	22,
	25,
	53,
	80,
	123,
	443,
	3306,
	5432,
	6379,
	8080,
	8443,
	9090,
};

#define SRC_NET RTE_IPV4(198, 18, 0, 0) /* 198.18.0.0/15 */
#define SRC_HOSTMASK UINT32_C(0x1ffff)
#define DST_NET RTE_IPV4(198, 19, 0, 0) /* 198.19.0.0/16 */
#define DST_HOSTMASK UINT32_C(0xffff)

/* splitmix64: tiny, fixed-seed, identical on every platform. */
static uint64_t
rnd(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static uint32_t
prefix(uint32_t addr, uint32_t len)
{
	return len == 0 ? 0 : addr & (UINT32_MAX << (32 - len));
}

static void
rule_any(struct bench_rule *r)
{
	memset(r->field, 0, sizeof(r->field));
	r->field[F_SPORT].mask_range.u16 = UINT16_MAX;
	r->field[F_DPORT].mask_range.u16 = UINT16_MAX;
}

/*
 * 'nb' rules: nb - 1 random ones in list order (priority nb - i, so the
 * first listed wins) and the catch-all last at the lowest priority. The
 * userdata is the 1-based list position; the catch-all's is 'nb'.
 */
static void
rules_gen(struct bench_rule *rules, uint32_t nb)
{
	uint64_t s = BENCH_SEED;
	uint32_t i, v, len;

	for (i = 0; i + 1 < nb; i++) {
		struct bench_rule *r = &rules[i];
		struct rte_acl_field *f = r->field;

		rule_any(r);
		r->data.category_mask = 1;
		r->data.priority = (int32_t)(nb - i);
		r->data.userdata = i + 1;

		v = (uint32_t)(rnd(&s) % 10);
		if (v < 6) {
			f[F_PROTO].value.u8 = IPPROTO_TCP;
			f[F_PROTO].mask_range.u8 = 0xff;
		} else if (v < 9) {
			f[F_PROTO].value.u8 = IPPROTO_UDP;
			f[F_PROTO].mask_range.u8 = 0xff;
		}

		len = 8 + (uint32_t)(rnd(&s) % 25);
		f[F_SRC].value.u32 = prefix(
			SRC_NET | ((uint32_t)rnd(&s) & SRC_HOSTMASK), len);
		f[F_SRC].mask_range.u32 = len;

		len = 24 + (uint32_t)(rnd(&s) % 9);
		f[F_DST].value.u32 = prefix(
			DST_NET | ((uint32_t)rnd(&s) & DST_HOSTMASK), len);
		f[F_DST].mask_range.u32 = len;

		/* Source ports: mostly any, sometimes the ephemeral range. */
		if (rnd(&s) % 5 == 0) {
			f[F_SPORT].value.u16 = 32768;
			f[F_SPORT].mask_range.u16 = 60999;
		}

		v = (uint32_t)(rnd(&s) % 10);
		if (v < 5) {
			uint16_t p = well_known_ports[rnd(&s) %
				RTE_DIM(well_known_ports)];

			f[F_DPORT].value.u16 = p;
			f[F_DPORT].mask_range.u16 = p;
		} else if (v < 8) {
			uint16_t lo = (uint16_t)(1024 + rnd(&s) % 59000);

			f[F_DPORT].value.u16 = lo;
			f[F_DPORT].mask_range.u16 = (uint16_t)(lo +
				rnd(&s) % 1024);
		}
	}
	rule_any(&rules[nb - 1]);
	rules[nb - 1].data.category_mask = 1;
	rules[nb - 1].data.priority = RTE_ACL_MIN_PRIORITY;
	rules[nb - 1].data.userdata = nb;
}

static void
keys_gen(struct bench_key *keys, uint32_t nb)
{
	uint64_t s = ~BENCH_SEED;
	uint32_t i, v;

	for (i = 0; i < nb; i++) {
		struct bench_key *k = &keys[i];

		memset(k, 0, sizeof(*k));
		v = (uint32_t)(rnd(&s) % 20);
		k->proto = v < 14 ? IPPROTO_TCP :
			v < 19	  ? IPPROTO_UDP :
				    IPPROTO_ICMP;
		k->src_addr = rte_cpu_to_be_32(
			SRC_NET | ((uint32_t)rnd(&s) & SRC_HOSTMASK));
		k->dst_addr = rte_cpu_to_be_32(
			DST_NET | ((uint32_t)rnd(&s) & DST_HOSTMASK));
		if (k->proto == IPPROTO_ICMP)
			continue; /* no ports: the bytes stay zero */
		k->src_port = rte_cpu_to_be_16(
			(uint16_t)(1024 + rnd(&s) % (65536 - 1024)));
		k->dst_port = rte_cpu_to_be_16(rnd(&s) % 2 ?
				well_known_ports[rnd(&s) %
					RTE_DIM(well_known_ports)] :
				(uint16_t)(1 + rnd(&s) % 65535));
	}
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
median(double *t, unsigned int n)
{
	qsort(t, n, sizeof(t[0]), cmp_double);
	return t[n / 2];
}

/* Bytes allocated from every rte_malloc heap. */
static size_t
heap_used(void)
{
	struct rte_malloc_socket_stats st;
	unsigned int i;
	size_t sum = 0;

	for (i = 0; i < rte_socket_count(); i++) {
		int socket = rte_socket_id_by_idx(i);

		if (rte_malloc_get_socket_stats(socket, &st) == 0)
			sum += st.heap_allocsz_bytes;
	}
	return sum;
}

/*
 * rte_acl keeps the algorithm it picked for a context private;
 * rte_acl_dump() is the only interface that shows it, and it prints to
 * stdout, so capture that.
 */
static const char *
alg_name(const struct rte_acl_ctx *ctx)
{
	static const char *const names[] = {
		[RTE_ACL_CLASSIFY_DEFAULT] = "default",
		[RTE_ACL_CLASSIFY_SCALAR] = "scalar",
		[RTE_ACL_CLASSIFY_SSE] = "sse",
		[RTE_ACL_CLASSIFY_AVX2] = "avx2",
		[RTE_ACL_CLASSIFY_NEON] = "neon",
		[RTE_ACL_CLASSIFY_ALTIVEC] = "altivec",
		[RTE_ACL_CLASSIFY_AVX512X16] = "avx512x16",
		[RTE_ACL_CLASSIFY_AVX512X32] = "avx512x32",
	};
	const char *name = "unknown";
	char line[128];
	FILE *tmp;
	int saved;
	unsigned int alg;

	tmp = tmpfile();
	if (tmp == NULL)
		return name;
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	if (saved < 0 || dup2(fileno(tmp), STDOUT_FILENO) < 0) {
		if (saved >= 0)
			close(saved);
		fclose(tmp);
		return name;
	}
	rte_acl_dump(ctx);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	rewind(tmp);
	while (fgets(line, sizeof(line), tmp) != NULL)
		if (sscanf(line, " alg=%u", &alg) == 1 &&
			alg < RTE_DIM(names) && names[alg] != NULL)
			name = names[alg];
	fclose(tmp);
	return name;
}

/* The algorithm rte_acl_create() picks for this CPU and EAL. */
static const char *
acl_alg_default(void)
{
	struct rte_acl_param prm = {
		.name = "acl_bench_probe",
		.socket_id = (int)rte_socket_id(),
		.rule_size = RTE_ACL_RULE_SZ(F_COUNT),
		.max_rule_num = 1,
	};
	struct rte_acl_ctx *ctx = rte_acl_create(&prm);
	const char *name;

	if (ctx == NULL)
		rte_exit(EXIT_FAILURE, "rte_acl_create: %s\n",
			rte_strerror(rte_errno));
	name = alg_name(ctx);
	rte_acl_free(ctx);
	return name;
}

/*
 * Build 'nb' rules BENCH_RUNS times (each into a fresh context, as ctl
 * would build a new snapshot) and keep the last context. '*mem_kib' is
 * what the context holds in rte_malloc: the context, the rule copies and
 * the run-time trie.
 */
static struct rte_acl_ctx *
acl_build_case(const struct bench_rule *rules, uint32_t nb, unsigned int runs,
	double *build_ms, double *mem_kib)
{
	struct rte_acl_config cfg = {
		.num_categories = 1,
		.num_fields = F_COUNT,
		.max_size = 0, /* no cap: never trade speed for size */
	};
	struct rte_acl_param prm = {
		.name = "acl_bench",
		.socket_id = (int)rte_socket_id(),
		.rule_size = RTE_ACL_RULE_SZ(F_COUNT),
		.max_rule_num = nb,
	};
	struct rte_acl_ctx *ctx = NULL;
	double t[BENCH_RUNS];
	unsigned int r;
	size_t before;
	int rc;

	memcpy(cfg.defs, bench_defs, sizeof(bench_defs));
	for (r = 0; r < runs; r++) {
		struct timespec a, b;

		rte_acl_free(ctx);
		before = heap_used();
		ctx = rte_acl_create(&prm);
		if (ctx == NULL)
			rte_exit(EXIT_FAILURE, "rte_acl_create: %s\n",
				rte_strerror(rte_errno));
		clock_gettime(CLOCK_MONOTONIC, &a);
		rc = rte_acl_add_rules(
			ctx, (const struct rte_acl_rule *)rules, nb);
		if (rc == 0)
			rc = rte_acl_build(ctx, &cfg);
		clock_gettime(CLOCK_MONOTONIC, &b);
		if (rc != 0)
			rte_exit(EXIT_FAILURE,
				"rte_acl build of %u rules: %s\n", nb,
				strerror(-rc));
		t[r] = (double)(b.tv_sec - a.tv_sec) * 1e3 +
			(double)(b.tv_nsec - a.tv_nsec) / 1e6;
		*mem_kib = (double)(heap_used() - before) / 1024;
	}
	*build_ms = median(t, runs);
	return ctx;
}

/* Reference classifier: the first listed rule that matches 'k'. */
static uint32_t
rules_first_match(
	const struct bench_rule *rules, uint32_t nb, const struct bench_key *k)
{
	uint32_t src = rte_be_to_cpu_32(k->src_addr);
	uint32_t dst = rte_be_to_cpu_32(k->dst_addr);
	uint16_t sport = rte_be_to_cpu_16(k->src_port);
	uint16_t dport = rte_be_to_cpu_16(k->dst_port);
	uint32_t i;

	for (i = 0; i < nb; i++) {
		const struct rte_acl_field *f = rules[i].field;

		if ((k->proto & f[F_PROTO].mask_range.u8) ==
				f[F_PROTO].value.u8 &&
			prefix(src, f[F_SRC].mask_range.u32) ==
				f[F_SRC].value.u32 &&
			prefix(dst, f[F_DST].mask_range.u32) ==
				f[F_DST].value.u32 &&
			sport >= f[F_SPORT].value.u16 &&
			sport <= f[F_SPORT].mask_range.u16 &&
			dport >= f[F_DPORT].value.u16 &&
			dport <= f[F_DPORT].mask_range.u16)
			return rules[i].data.userdata;
	}
	return 0;
}

/*
 * Share of keys that hit a rule other than the catch-all, in percent.
 * Every 16th key is also checked against the reference classifier, so a
 * wrong field layout or byte order fails loudly instead of timing
 * nonsense.
 */
static double
acl_hit_pct(const struct rte_acl_ctx *ctx, const uint8_t **data,
	const struct bench_rule *rules, uint32_t nb_rules)
{
	uint32_t res[BENCH_BURST];
	uint32_t i, j, hits = 0;

	for (i = 0; i < BENCH_KEYS; i += BENCH_BURST) {
		if (rte_acl_classify(ctx, data + i, res, BENCH_BURST, 1) != 0)
			rte_exit(EXIT_FAILURE, "rte_acl_classify failed\n");
		for (j = 0; j < BENCH_BURST; j++) {
			if (res[j] == 0)
				rte_exit(EXIT_FAILURE,
					"key missed the catch-all\n");
			hits += res[j] != nb_rules;
			if ((i + j) % 16 == 0 &&
				res[j] !=
					rules_first_match(rules, nb_rules,
						(const void *)data[i + j]))
				rte_exit(EXIT_FAILURE,
					"key %u: rte_acl says "
					"rule %u, reference disagrees\n",
					i + j, res[j]);
		}
	}
	return 100.0 * hits / BENCH_KEYS;
}

static double
acl_classify_ns(const struct rte_acl_ctx *ctx, const uint8_t **data,
	unsigned int runs, uint32_t lookups)
{
	uint32_t res[BENCH_BURST];
	double hz = (double)rte_get_tsc_hz();
	double t[BENCH_RUNS];
	unsigned int r;
	uint32_t i;

	/* Warm the trie and the key pool once. */
	for (i = 0; i < BENCH_KEYS; i += BENCH_BURST)
		rte_acl_classify(ctx, data + i, res, BENCH_BURST, 1);
	for (r = 0; r < runs; r++) {
		uint64_t a, b;

		a = rte_rdtsc();
		for (i = 0; i < lookups; i += BENCH_BURST)
			rte_acl_classify(ctx, data + (i & (BENCH_KEYS - 1)),
				res, BENCH_BURST, 1);
		b = rte_rdtsc();
		t[r] = (double)(b - a) * 1e9 / hz / lookups;
	}
	return median(t, runs);
}

int
main(int argc, char **argv)
{
	static const char *const eal_defaults[] = {
		"--no-huge",
		"--no-shconf",
		"--no-pci",
		"-m",
		"1024",
		"--log-level=error",
		"-l",
		"0",
	};
	static const uint32_t rule_counts[] = { 1, 1000, 10000 };
	const unsigned int nb_defaults = RTE_DIM(eal_defaults);
	uint32_t lookups = 1u << BENCH_LOOKUPS_LOG2;
	unsigned int runs = BENCH_RUNS, scale = 1;
	struct bench_rule *rules;
	struct bench_key *keys;
	const uint8_t **data;
	char **eal_argv;
	int eal_argc, i, n;
	uint32_t k;

	/* Our EAL defaults first, so the caller's options can add to them. */
	eal_argv = calloc((size_t)argc + nb_defaults + 1, sizeof(*eal_argv));
	if (eal_argv == NULL)
		return EXIT_FAILURE;
	eal_argv[0] = argv[0];
	for (k = 0; k < nb_defaults; k++)
		eal_argv[1 + k] = (char *)(uintptr_t)eal_defaults[k];
	for (i = 1; i < argc; i++)
		eal_argv[nb_defaults + (unsigned int)i] = argv[i];
	eal_argc = argc + (int)nb_defaults;
	n = rte_eal_init(eal_argc, eal_argv);
	if (n < 0)
		rte_exit(EXIT_FAILURE, "rte_eal_init: %s\n",
			rte_strerror(rte_errno));
	for (i = n + 1; i < eal_argc; i++) {
		if (strcmp(eal_argv[i], "-q") != 0)
			rte_exit(EXIT_FAILURE,
				"usage: %s [EAL options] [-- -q]\n", argv[0]);
		runs = 1;
		lookups = 1u << 12;
		scale = 10;
	}

	rules = calloc(rule_counts[RTE_DIM(rule_counts) - 1], sizeof(*rules));
	keys = rte_zmalloc("acl_bench_keys", BENCH_KEYS * sizeof(*keys),
		RTE_CACHE_LINE_SIZE);
	data = calloc(BENCH_KEYS, sizeof(*data));
	if (rules == NULL || keys == NULL || data == NULL)
		rte_exit(EXIT_FAILURE, "out of memory\n");
	keys_gen(keys, BENCH_KEYS);
	for (k = 0; k < BENCH_KEYS; k++)
		data[k] = (const uint8_t *)&keys[k];

	printf("classify algorithm: %s (RTE_ACL_CLASSIFY_DEFAULT, max SIMD "
	       "bitwidth %u); bursts of %u over %u keys; median of %u\n\n",
		acl_alg_default(),
		(unsigned int)rte_vect_get_max_simd_bitwidth(), BENCH_BURST,
		BENCH_KEYS, runs);
	printf("| rules | build ms | memory KiB | matched | "
	       "classify ns/pkt |\n");
	printf("|---|---|---|---|---|\n");
	printf("| 0 (no ACL) | - | - | - | - |\n");
	for (k = 0; k < RTE_DIM(rule_counts); k++) {
		uint32_t nb = rule_counts[k] > 1 ? rule_counts[k] / scale :
						   rule_counts[k];
		struct rte_acl_ctx *ctx;
		double build_ms, mem_kib, hit, ns;

		rules_gen(rules, nb);
		ctx = acl_build_case(rules, nb, runs, &build_ms, &mem_kib);
		hit = acl_hit_pct(ctx, data, rules, nb);
		ns = acl_classify_ns(ctx, data, runs, lookups);
		printf("| %u%s | %.2f | %.0f | %.1f%% | %.1f |\n", nb,
			nb == 1 ? " (catch-all only)" : "", build_ms, mem_kib,
			hit, ns);
		rte_acl_free(ctx);
	}

	free(data);
	rte_free(keys);
	free(rules);
	free(eal_argv);
	rte_eal_cleanup();
	return 0;
}
