/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * graph_bench - what DPDK's rte_graph would cost weir's data path. weir's
 * worker calls its stages as inline functions (worker.c -> lb_dp.h);
 * grout builds its data path as an rte_graph, where each stage is a node
 * that receives a stream of packets and hands each one on to the next
 * node's stream. This measures only that difference: the same four
 * stages (parse, classify, balance, transmit), doing the same small work
 * on the same packets, once as one loop of inline calls and once as a
 * graph of five nodes (a source and the four), with DPDK's own per-node
 * statistics (cycles, calls, objects) on as they are in Debian's build.
 *
 * Two workloads: every packet takes the same path (the classify node
 * moves its whole stream on, as DPDK's own nodes do when their guess
 * holds), and one packet in eight goes another way (a drop node), which
 * makes classify enqueue packet by packet. Rounds alternate the two
 * implementations; the median over rounds of the per-round difference,
 * in cycles per packet, is what a graph adds, to be weighed against the
 * cycles weir spends per packet in all (tools/bench/bench).
 *
 * A benchmark, never a test: it prints one table. It needs an EAL (the
 * graph lives in DPDK memory): run as root, no hugepages needed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_graph.h>
#include <rte_graph_worker.h>
#include <rte_malloc.h>

#define GB_BURST 32	/* packets a source node produces per walk */
#define GB_PKTS 4096	/* distinct packets, cycled through */
#define GB_WALKS 200000 /* bursts per measurement */
#define GB_ROUNDS 9	/* alternating rounds; the median is reported */
#define GB_DROP_EVERY 8 /* mixed workload: 1 packet in 8 goes to drop */

/* A packet as the stages see it: one cache line, as an mbuf's first. */
struct gb_pkt {
	uint32_t key;  /* what "parse" reads */
	uint32_t hash; /* parse -> classify, balance */
	uint16_t len;  /* parse -> transmit */
	uint8_t drop;  /* classify's verdict */
	uint8_t out;   /* balance's pick */
	uint8_t pad[52];
} __rte_cache_aligned;

static struct gb_pkt *gb_pkts;
static uint32_t gb_next;	   /* next packet the source hands out */
static unsigned int gb_drop_every; /* 0: no packet is dropped */
static uint64_t gb_sink;	   /* what transmit and drop saw */

/* The stages' work: a load and a store or two each, nothing more. */
static inline void
gb_parse(struct gb_pkt *p)
{
	p->hash = p->key * UINT32_C(0x9e3779b1);
	p->len = (uint16_t)(p->key & 0x3ff);
}

static inline bool
gb_classify(struct gb_pkt *p)
{
	p->drop = gb_drop_every != 0 && p->key % gb_drop_every == 0;
	return p->drop;
}

static inline void
gb_balance(struct gb_pkt *p)
{
	p->out = (uint8_t)(((uint64_t)p->hash * 7) >> 32);
}

static inline void
gb_transmit(const struct gb_pkt *p)
{
	gb_sink += p->out + p->len;
}

static inline struct gb_pkt *
gb_take(void)
{
	struct gb_pkt *p = &gb_pkts[gb_next];

	gb_next = (gb_next + 1) & (GB_PKTS - 1);
	return p;
}

/* The same path as one loop of inline calls, weir's way. */
static void
gb_direct(unsigned int walks)
{
	struct gb_pkt *burst[GB_BURST];
	unsigned int w, i;

	for (w = 0; w < walks; w++) {
		for (i = 0; i < GB_BURST; i++)
			burst[i] = gb_take();
		for (i = 0; i < GB_BURST; i++) {
			struct gb_pkt *p = burst[i];

			gb_parse(p);
			if (gb_classify(p)) {
				gb_sink++;
				continue;
			}
			gb_balance(p);
			gb_transmit(p);
		}
	}
}

/* The graph: source -> parse -> classify -> balance -> transmit, drop. */
enum {
	GB_PARSE_NEXT_CLASSIFY = 0
};
enum {
	GB_CLASSIFY_NEXT_BALANCE = 0,
	GB_CLASSIFY_NEXT_DROP
};

static uint16_t
gb_source_process(struct rte_graph *graph, struct rte_node *node, void **objs,
	uint16_t nb)
{
	void **out = rte_node_next_stream_get(graph, node, 0, GB_BURST);
	unsigned int i;

	(void)objs;
	(void)nb;
	for (i = 0; i < GB_BURST; i++)
		out[i] = gb_take();
	rte_node_next_stream_put(graph, node, 0, GB_BURST);
	return GB_BURST;
}

static uint16_t
gb_parse_process(struct rte_graph *graph, struct rte_node *node, void **objs,
	uint16_t nb)
{
	unsigned int i;

	for (i = 0; i < nb; i++)
		gb_parse(objs[i]);
	rte_node_next_stream_move(graph, node, GB_PARSE_NEXT_CLASSIFY);
	return nb;
}

/*
 * As DPDK's own nodes do: guess that every packet goes on to balance;
 * while the guess holds the whole stream moves at once, else each packet
 * is enqueued to its edge.
 */
static uint16_t
gb_classify_process(struct rte_graph *graph, struct rte_node *node, void **objs,
	uint16_t nb)
{
	bool drop[RTE_GRAPH_BURST_SIZE];
	unsigned int i, nb_drop = 0;

	for (i = 0; i < nb; i++) {
		drop[i] = gb_classify(objs[i]);
		nb_drop += drop[i];
	}
	if (nb_drop == 0) {
		rte_node_next_stream_move(
			graph, node, GB_CLASSIFY_NEXT_BALANCE);
		return nb;
	}
	for (i = 0; i < nb; i++)
		rte_node_enqueue_x1(graph, node,
			drop[i] ? GB_CLASSIFY_NEXT_DROP :
				  GB_CLASSIFY_NEXT_BALANCE,
			objs[i]);
	return nb;
}

static uint16_t
gb_balance_process(struct rte_graph *graph, struct rte_node *node, void **objs,
	uint16_t nb)
{
	unsigned int i;

	for (i = 0; i < nb; i++)
		gb_balance(objs[i]);
	rte_node_next_stream_move(graph, node, 0);
	return nb;
}

static uint16_t
gb_transmit_process(struct rte_graph *graph, struct rte_node *node, void **objs,
	uint16_t nb)
{
	unsigned int i;

	(void)graph;
	(void)node;
	for (i = 0; i < nb; i++)
		gb_transmit(objs[i]);
	return nb;
}

static uint16_t
gb_drop_process(struct rte_graph *graph, struct rte_node *node, void **objs,
	uint16_t nb)
{
	(void)graph;
	(void)node;
	(void)objs;
	gb_sink += nb;
	return nb;
}

static struct rte_node_register gb_source_node = {
	.name = "gb_source",
	.flags = RTE_NODE_SOURCE_F,
	.process = gb_source_process,
	.nb_edges = 1,
	.next_nodes = { "gb_parse" },
};
RTE_NODE_REGISTER(gb_source_node);

static struct rte_node_register gb_parse_node = {
	.name = "gb_parse",
	.process = gb_parse_process,
	.nb_edges = 1,
	.next_nodes = { "gb_classify" },
};
RTE_NODE_REGISTER(gb_parse_node);

static struct rte_node_register gb_classify_node = {
	.name = "gb_classify",
	.process = gb_classify_process,
	.nb_edges = 2,
	.next_nodes = { "gb_balance", "gb_drop" },
};
RTE_NODE_REGISTER(gb_classify_node);

static struct rte_node_register gb_balance_node = {
	.name = "gb_balance",
	.process = gb_balance_process,
	.nb_edges = 1,
	.next_nodes = { "gb_transmit" },
};
RTE_NODE_REGISTER(gb_balance_node);

static struct rte_node_register gb_transmit_node = {
	.name = "gb_transmit",
	.process = gb_transmit_process,
};
RTE_NODE_REGISTER(gb_transmit_node);

static struct rte_node_register gb_drop_node = {
	.name = "gb_drop",
	.process = gb_drop_process,
};
RTE_NODE_REGISTER(gb_drop_node);

static double
gb_cycles_per_pkt(struct rte_graph *graph)
{
	uint64_t t0 = rte_rdtsc();
	unsigned int w;

	if (graph == NULL) {
		gb_direct(GB_WALKS);
	} else {
		for (w = 0; w < GB_WALKS; w++)
			rte_graph_walk(graph);
	}
	return (double)(rte_rdtsc() - t0) / ((double)GB_WALKS * GB_BURST);
}

static int
gb_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
gb_median(double *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), gb_cmp);
	return v[n / 2];
}

/* One workload, GB_ROUNDS alternating rounds; prints a table row. */
static void
gb_workload(struct rte_graph *graph, const char *name, unsigned int drop_every)
{
	double direct[GB_ROUNDS], graphed[GB_ROUNDS], diff[GB_ROUNDS];
	unsigned int r;

	gb_drop_every = drop_every;
	gb_cycles_per_pkt(NULL); /* warm both */
	gb_cycles_per_pkt(graph);
	for (r = 0; r < GB_ROUNDS; r++) {
		if (r % 2) {
			graphed[r] = gb_cycles_per_pkt(graph);
			direct[r] = gb_cycles_per_pkt(NULL);
		} else {
			direct[r] = gb_cycles_per_pkt(NULL);
			graphed[r] = gb_cycles_per_pkt(graph);
		}
		diff[r] = graphed[r] - direct[r];
	}
	printf("| %s | %.1f | %.1f | %.1f | %.1f |\n", name,
		gb_median(direct, GB_ROUNDS), gb_median(graphed, GB_ROUNDS),
		gb_median(diff, GB_ROUNDS), gb_median(diff, GB_ROUNDS) / 4);
}

int
main(int argc, char **argv)
{
	char *eal[] = { argv[0], "-l", "0", "--no-huge", "--no-shconf", "-m",
		"256", "--no-pci", "--log-level=error", NULL };
	const char *patterns[] = { "gb_*" };
	struct rte_graph_param prm = {
		.socket_id = SOCKET_ID_ANY,
		.nb_node_patterns = 1,
		.node_patterns = patterns,
	};
	struct rte_graph *graph;
	rte_graph_t id;
	unsigned int i;

	(void)argc;
	if (rte_eal_init((int)RTE_DIM(eal) - 1, eal) < 0) {
		fprintf(stderr, "graph_bench: EAL initialisation failed\n");
		return 1;
	}
	gb_pkts = rte_zmalloc(
		"gb_pkts", GB_PKTS * sizeof(*gb_pkts), RTE_CACHE_LINE_SIZE);
	id = rte_graph_create("gb", &prm);
	graph = rte_graph_lookup("gb");
	if (gb_pkts == NULL || id == RTE_GRAPH_ID_INVALID || graph == NULL) {
		fprintf(stderr, "graph_bench: no memory or graph\n");
		return 1;
	}
	for (i = 0; i < GB_PKTS; i++)
		gb_pkts[i].key = i * 2654435761u;
	printf("| workload | inline stages, cycles/pkt | rte_graph, cycles/pkt "
	       "| graph adds, cycles/pkt | per node edge |\n");
	printf("|---|---|---|---|---|\n");
	gb_workload(graph, "one path (stream moves)", 0);
	gb_workload(
		graph, "1 in 8 elsewhere (per-packet enqueue)", GB_DROP_EVERY);
	/* Keep the work observable, so that none of it is optimised out. */
	if (gb_sink == 42)
		printf("\n");
	rte_graph_destroy(id);
	rte_free(gb_pkts);
	rte_eal_cleanup();
	return 0;
}
