/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A worker's context and the inline helpers every data-path stage uses:
 * transmit, drop and count, punt to the management thread, the flow key
 * of a packet. worker.c (the loop) and each module's <name>_dp.h (its
 * stage) include this; the management side sets a worker up through
 * worker_setup.c and the modules' worker_init hooks (module.h).
 *
 * struct worker is one cache-aligned allocation per lcore: the loop's own
 * fields first, then one struct per stage that keeps per-worker state
 * (load balancing, flow records), then the TX queues. A stage reads and
 * writes only its own part and the counters.
 *
 * Context: worker, except where a comment says ctl. Nothing here locks,
 * allocates, logs or makes a system call.
 */
#ifndef WORKER_DP_H
#define WORKER_DP_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <netinet/in.h>

#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_tcp.h>

#include "cfg_types.h"
#include "flowlog_types.h"
#include "flow_dp.h"
#include "lb_types.h"
#include "pkt_types.h"
#include "svc_types.h"
#include "weir.h"
#include "weir_stats.h"
#include "worker_types.h"

#define WORKER_BURST_MAX 256 /* packets: upper bound of config 'burst' */

struct worker_txq {
	uint16_t n; /* packets waiting */
	struct rte_mbuf *pkts[WORKER_BURST_MAX];
};

/*
 * The fine clock: quarter ticks (about 250 us), 16 bits wide so that a
 * session can keep a timestamp in its spare bytes; it wraps every 16384
 * ticks (about 16 s). Latency samples (lb_dp.h) use it.
 */
#define WORKER_FINE_SHIFT 2

struct worker {
	unsigned int idx;	    /* 0..nb_workers-1: queue id, QSBR id */
	unsigned int lcore;	    /* EAL lcore it runs on */
	struct rte_ring *punt;	    /* to ctl */
	struct rte_ring *ctl_tx;    /* from ctl */
	struct worker_stats *stats; /* its counters (static storage) */
	uint32_t now;		    /* ticks, once per loop iteration */
	uint16_t now_fine;	    /* 1/2^WORKER_FINE_SHIFT ticks, mod 2^16 */
	unsigned int burst;	    /* packets, from the config at start */
	uint64_t ns_per_tsc_q16;    /* nanoseconds per TSC cycle, 16.16 */
	uint64_t snap_gen;   /* generation of the last snapshot looped on */
	uint32_t kif_tick;   /* tick of kif_left */
	uint32_t kif_left;   /* frames it may still punt to a kernel
			      * interface in this tick */
	struct lb_worker lb; /* load balancing (modules/lb) */
	struct flowlog_worker fl; /* flow records (modules/flowlog) */
	struct worker_txq txq[CFG_PORTS_MAX]; /* by port index */
} __rte_cache_aligned;

/* Every worker, by index; set by ctl before they launch. */
extern struct worker *workers[CFG_WORKERS_MAX];

/**
 * The loop of worker 'arg' (a struct worker *), until weir.stop
 * (worker.c). rte_eal_remote_launch()'s entry point, from
 * worker_setup.c. @return 0.
 */
int worker_main(void *arg);

#define WORKER_INC(w, name, n)                                                 \
	weir_stat_add(&(w)->stats->c[WORKER_C_##name], (n))

static inline void
worker_gauge(struct worker *w, enum worker_counter c, uint64_t v)
{
	__atomic_store_n(&w->stats->c[c], v, __ATOMIC_RELAXED);
}

/* Map a uniform 32-bit hash onto [0, n) without dividing. */
static inline uint32_t
worker_range(uint32_t h, uint32_t n)
{
	return (uint32_t)(((uint64_t)h * n) >> 32);
}

/* Queue 'm' for 'port_id'; a full burst goes out at once. */
static inline void
worker_tx(struct worker *w, const struct svc_snap *snap, uint16_t port_id,
	struct rte_mbuf *m)
{
	struct worker_txq *q = &w->txq[snap->port[port_id].idx];
	uint16_t sent;

	q->pkts[q->n++] = m;
	if (q->n < w->burst)
		return;
	sent = rte_eth_tx_burst(port_id, (uint16_t)w->idx, q->pkts, q->n);
	WORKER_INC(w, tx_packets, sent);
	if (unlikely(sent < q->n)) {
		WORKER_INC(w, tx_drops, q->n - sent);
		rte_pktmbuf_free_bulk(&q->pkts[sent], q->n - sent);
	}
	q->n = 0;
}

static inline void
worker_drop(struct worker *w, enum worker_counter c, struct rte_mbuf *m)
{
	weir_stat_add(&w->stats->c[c], 1);
	rte_pktmbuf_free(m);
}

/* Hand 'm' to the management thread (ARP, ND, ICMP to weir). */
static inline void
worker_punt(struct worker *w, struct rte_mbuf *m)
{
	if (rte_ring_sp_enqueue(w->punt, m) == 0) {
		WORKER_INC(w, punted, 1);
	} else {
		WORKER_INC(w, punt_drops, 1);
		rte_pktmbuf_free(m);
	}
}

/* The addresses and ports of an IP packet as a flow key. */
static inline void
worker_key(struct flow_key *k, const struct pkt_meta *pm, const uint8_t *d)
{
	memset(k, 0, sizeof(*k));
	if (pm->l3 == PKT_L3_IPV4) {
		const struct rte_ipv4_hdr *ip = (const void *)(d + pm->l3_off);

		memcpy(k->src, &ip->src_addr, 4);
		memcpy(k->dst, &ip->dst_addr, 4);
		k->family = AF_INET;
	} else {
		const struct rte_ipv6_hdr *ip = (const void *)(d + pm->l3_off);

		memcpy(k->src, ip->src_addr, 16);
		memcpy(k->dst, ip->dst_addr, 16);
		k->family = AF_INET6;
	}
	k->sport = pm->sport;
	k->dport = pm->dport;
	k->proto = pm->l4_proto;
}

/* A packet's flow key and its hash, made once in the first pass. */
struct worker_fk {
	struct flow_key k;
	uint32_t h;
};

static inline uint8_t
worker_tcp_flags(const struct rte_mbuf *m, const struct pkt_meta *pm)
{
	const struct rte_tcp_hdr *th;

	if (pm->l4_proto != IPPROTO_TCP)
		return 0;
	th = rte_pktmbuf_mtod_offset(m, const struct rte_tcp_hdr *, pm->l4_off);
	return th->tcp_flags;
}

/* The session key of a TCP/UDP packet, hashed; false for anything else. */
static inline bool
worker_hash(struct worker *w, const struct rte_mbuf *m,
	const struct pkt_meta *pm, struct worker_fk *fk)
{
	if ((pm->l4_proto != IPPROTO_TCP && pm->l4_proto != IPPROTO_UDP) ||
		pm->l4_off == 0)
		return false;
	worker_key(&fk->k, pm, rte_pktmbuf_mtod(m, const uint8_t *));
	fk->h = flow_key_hash(w->lb.ft, &fk->k);
	return true;
}

#endif /* WORKER_DP_H */
