/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Load balancing's per-worker state (struct lb_worker, a part of struct
 * worker) and the request by which ctl asks a worker for a copy of its
 * sessions. Types only: lb_dp.h is the stage that uses them, lb.c sets
 * them up.
 */
#ifndef LB_TYPES_H
#define LB_TYPES_H

#include <stdint.h>

#include "cfg_types.h"

/*
 * The counters kept per service and per backend, by stable id (lb_stats.c
 * reads them, lb_dp.h counts into them). X(name, type, help).
 */
#define LB_STATS_OBJ_COUNTERS(X)                                                   \
	X(new_flows, "counter", "sessions created")                                \
	X(sessions, "gauge", "sessions in the tables")                             \
	X(pkts_in, "counter", "packets client -> backend")                         \
	X(pkts_out, "counter", "packets backend -> client")                        \
	X(bytes_in, "counter", "bytes client -> backend (IP)")                     \
	X(bytes_out, "counter", "bytes backend -> client (IP)")                    \
	X(handshakes, "counter", "TCP handshakes timed (SYN to SYN-ACK)")          \
	X(handshake_us, "counter", "sum of the handshake times, microseconds")     \
	X(connect_refused, "counter",                                              \
		"connects the backend refused: RST answering the SYN")             \
	X(connect_unreachable, "counter",                                          \
		"connects answered by an ICMP unreachable from its path")          \
	X(connect_timeouts, "counter",                                             \
		"connects never answered: syn_s passed, or the SYN came again")    \
	X(connects_retried, "counter",                                             \
		"failed connects weir sent to another backend")                    \
	X(flows_refused, "counter",                                                \
		"new flows refused: the service's max_flows open")                 \
	X(flows_diverted, "counter",                                               \
		"new flows sent elsewhere: this backend's max_backend_flows open") \
	X(faults_reset, "counter", "new flows reset by fault injection")           \
	X(faults_dropped, "counter",                                               \
		"new flows whose first packet fault injection dropped")            \
	X(faults_delayed, "counter",                                               \
		"new flows whose first packet fault injection held")

/*
 * Handshake time histogram: upper bounds in microseconds, the last bucket
 * unbounded. Log-spaced from a same-rack answer to a struggling backend.
 */
#define LB_STATS_HIST_BOUNDS_US                                                \
	{                                                                      \
		50, 100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000,      \
			100000, 250000, 500000, 1000000, UINT64_MAX            \
	}
#define LB_STATS_HIST_LEN 15 /* buckets, the last one +Inf */

struct lb_stats {
#define LB_STATS_OBJ_FIELD(n, type, help) uint64_t n;
	LB_STATS_OBJ_COUNTERS(LB_STATS_OBJ_FIELD)
#undef LB_STATS_OBJ_FIELD
	uint64_t hs_hist[LB_STATS_HIST_LEN]; /* handshakes per bucket */
};

/** The histogram's upper bounds, microseconds (UINT64_MAX: +Inf). */
extern const uint64_t lb_stats_hist_bounds_us[LB_STATS_HIST_LEN];

struct flow_info;
struct flow_table;
struct rte_ring;

/*
 * A request from ctl for a copy of some of a worker's sessions (the
 * worker owns them; only it may read its table). ctl posts the request,
 * the worker scans its table a bounded slice per loop iteration and sets
 * 'done'; ctl waits for it (lb_dump_sessions()).
 */
struct lb_dump {
	uint16_t svc;	       /* service id, or UINT16_MAX for all */
	uint32_t max;	       /* sessions wanted */
	struct flow_info *out; /* [max], filled by the worker */
	uint32_t n;	       /* sessions copied */
	uint32_t total;	       /* sessions matching, copied or not */
	uint32_t cursor;       /* worker's scan position */
	uint32_t done;	       /* 1 when finished (release store) */
};

/*
 * A worker's view of one backend for least-latency balancing, by backend
 * id: its peak-EWMA latency estimate from this worker's own samples, and
 * its load here. ctl reads them (relaxed) for display only.
 */
struct lb_lat {
	uint32_t est_ns; /* latency estimate (ewma_dp.h), saturates at 4.29 s */
	uint32_t at;	 /* ticks: last sample, or when first seen */
	uint32_t epoch;	 /* svc_backend.epoch it describes; 0 none yet */
	uint32_t load;	 /* pending connects + open flows on this worker */
};

#define LB_SAMPLES_RING 1024 /* latency samples ctl -> one worker */

/*
 * A packet fault injection holds (a new flow's first packet, rewritten and
 * ready to go), in a FIFO per worker. One queue for every service: with
 * several delays at once, a short one may wait behind a longer one.
 */
#define LB_HOLD_MAX CFG_FAULT_HOLD /* packets held per worker, 2^n */
struct lb_held {
	struct rte_mbuf *m;
	uint32_t due;  /* ticks: send then */
	uint16_t port; /* DPDK port id to send on */
};

/*
 * A latency sample in the samples ring: service id in bits 48-63,
 * backend id in 32-47, nanoseconds (saturated) in 0-31.
 */
#define LB_SAMPLE(svc, be, ns)                                                 \
	((uint64_t)(svc) << 48 | (uint64_t)(be) << 32 |                        \
		((ns) < UINT32_MAX ? (ns) : UINT32_MAX))

/* What one worker keeps for load balancing; written only by it. */
struct lb_worker {
	struct flow_table *ft;	    /* sessions this worker owns */
	struct lb_stats *svc_stats; /* by service id */
	struct lb_stats *be_stats;  /* by backend id */
	uint32_t half_open_max;	    /* flows */
	uint16_t lport_lo;	    /* host order: first local port */
	uint32_t nb_lports;	    /* local ports this worker owns */
	uint64_t rnd;		    /* xorshift64 state, 'random' balancer */
	uint64_t us_per_tick_q16;   /* microseconds per tick, 16.16 */
	uint64_t ns_per_fine_q16;   /* nanoseconds per fine tick, 16.16 */
	struct lb_lat *lat;	    /* [SVC_BE_ID_MAX], by backend id */
	struct lb_dump *dump;	    /* posted by ctl, NULL when idle */
	struct rte_ring *samples;   /* ctl -> worker: lb_lat_post() */
	struct lb_held *held;	    /* [LB_HOLD_MAX]: fault injection's delay */
	uint32_t held_head;	    /* next to send */
	uint32_t held_tail;	    /* next free */
	uint32_t rr[CFG_SVC_MAX];   /* round-robin cursor per service */
	uint32_t svc_load[CFG_SVC_MAX]; /* open flows per service id */
	/* Replies other workers received for its local ports, one SP/SC
	 * ring per sending worker j (NULL for itself). */
	struct rte_ring *redir_in[CFG_WORKERS_MAX];
};

#endif /* LB_TYPES_H */
