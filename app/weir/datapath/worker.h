/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Workers: one per worker lcore, each polling its own RX queue on every
 * port. A worker parses and classifies each packet; balances new flows to
 * backends and carries both directions of its sessions with FullNAT; hands
 * replies that reached the wrong worker to their owner over a redirect
 * ring; punts ARP/ND/ICMP-to-weir to the management thread; and transmits
 * what the management thread gives it on its ctl_tx ring.
 *
 * This header is the management side's view: the counters, launching
 * and stopping, the rings ctl uses. The worker's context and the helpers
 * of its stages are worker_dp.h's.
 *
 * Thread-safety: a struct worker and its session table are written only by
 * its lcore. The rings are SP/SC: punt (worker -> ctl), ctl_tx (ctl ->
 * worker), redirect (worker i -> worker j, one ring per ordered pair).
 * Counters are read by other threads with relaxed loads.
 */
#ifndef WORKER_H
#define WORKER_H

#include <stdint.h>

#include <rte_common.h>
#include <rte_ring.h>

#include "cfg_types.h"
#include "pkt_types.h"

/*
 * X(name, type, help): a worker's counters. Units: packets unless the
 * name says otherwise; type COUNTER (only goes up) or GAUGE (a level).
 */
#define WORKER_COUNTERS(X)                                                     \
	X(rx_packets, COUNTER, "packets received")                             \
	X(rx_bursts, COUNTER, "rx bursts that returned packets")               \
	X(loops, COUNTER, "iterations of the worker loop")                     \
	X(busy_loops, COUNTER, "iterations that received or sent packets")     \
	X(tx_packets, COUNTER, "packets transmitted")                          \
	X(tx_drops, COUNTER, "packets the TX queue refused")                   \
	X(punted, COUNTER, "packets handed to the management thread")          \
	X(punt_drops, COUNTER, "packets dropped: punt ring full")              \
	X(lb_to_backend, COUNTER, "packets forwarded client -> backend")       \
	X(lb_to_client, COUNTER, "packets forwarded backend -> client")        \
	X(lb_new_flows, COUNTER, "sessions created")                           \
	X(lb_midflow, COUNTER, "sessions created from a non-SYN TCP packet")   \
	X(redirect_out, COUNTER,                                               \
		"replies handed to the worker owning the port")                \
	X(redirect_in, COUNTER, "replies received from another worker")        \
	X(redirect_drops, COUNTER, "replies dropped: redirect ring full")      \
	X(icmp_errors_translated, COUNTER,                                     \
		"ICMP errors about a session sent to its client")              \
	X(flowlog_drops, COUNTER,                                              \
		"flow records dropped: ring to the writer full")               \
	X(sessions, GAUGE, "sessions in the table (gauge)")                    \
	X(sessions_half_open, GAUGE, "sessions in the handshake (gauge)")      \
	X(sessions_expired, COUNTER, "sessions removed by the expiry wheel")

/*
 * X(reason, help): what a worker drops after parsing, by reason (the
 * parser's own reasons are PKT_DROPS). Units: packets.
 */
#define WORKER_DROPS(X)                                                            \
	X(other_host, "frames for another MAC address")                            \
	X(vlan, "VLAN-tagged frames (no VLAN is configured)")                      \
	X(not_local, "IP packets to an address weir does not serve")               \
	X(local_proto, "packets to weir of a protocol it does not answer")         \
	X(frag, "fragments to a VIP or a weir address (no reassembly)")            \
	X(martian, "multicast/broadcast or unspecified IP source")                 \
	X(no_session,                                                              \
		"TCP to a VIP that is neither a SYN nor picked up mid-flow")       \
	X(no_session_reply, "packets to a local port of no session")               \
	X(session_full,                                                            \
		"new flows refused: session table full (IPv6: no free slot pair)") \
	X(half_open, "new flows refused: half-open sessions at their limit")       \
	X(no_backend, "new flows refused: every backend has weight 0")             \
	X(backend_unresolved, "new flows refused: backend MAC unknown yet")        \
	X(no_local_port, "new flows refused: no free local port found")            \
	X(ttl, "packets whose TTL or hop limit ran out")                           \
	X(icmp_error, "ICMP errors weir cannot map to a session")

enum worker_counter {
#define WORKER_COUNTER_ENUM(n, type, help) WORKER_C_##n,
	WORKER_COUNTERS(WORKER_COUNTER_ENUM)
#undef WORKER_COUNTER_ENUM
#define WORKER_DROP_ENUM(n, help) WORKER_C_drop_##n,
	WORKER_DROPS(WORKER_DROP_ENUM)
#undef WORKER_DROP_ENUM
		WORKER_C_COUNT
};

/* One worker's counters, on cache lines of their own (no false sharing). */
struct worker_stats {
	uint64_t c[WORKER_C_COUNT];	/* enum worker_counter */
	uint64_t drops[PKT_DROP_COUNT]; /* parser drops by reason */
	/*
	 * Per worker, not summed: snapshots this worker started using, and
	 * for the last one the time from the request that caused it (a
	 * console line, a reload, a discovery change, a next hop) to the
	 * worker's first loop on it.
	 */
	uint64_t snapshots;	  /* snapshots adopted */
	uint64_t snapshot_lag_ns; /* ns, last snapshot (gauge) */
} __rte_cache_aligned;

struct worker;

/** Launch every worker on its lcore. @return 0 or -errno. */
int worker_launch_all(void);

/** Tell workers to leave their loop and wait until they have. */
void worker_stop_all(void);

/** @return worker i's punt ring (ctl dequeues from it). */
struct rte_ring *worker_punt_ring(unsigned int i);

/** @return worker 0's ctl_tx ring (ctl enqueues to it). */
struct rte_ring *worker_ctl_tx_ring(void);

/** @return the lcore worker 'i' runs on. */
unsigned int worker_lcore(unsigned int i);

/** Free ring 'r' and the packets still in it; NULL is a no-op. */
void worker_ring_free(struct rte_ring *r);

/**
 * The loop of worker 'arg' (a struct worker *), until weir.stop.
 * Context: worker; rte_eal_remote_launch()'s entry point. @return 0.
 */
int worker_main(void *arg);

/**
 * @return counter 'c' summed over the workers started (any thread; the
 * blocks outlive the workers). Every counter is also in the registry
 * (weir.stats): sets "worker", "worker_drop", "parser_drop", "snapshot".
 */
uint64_t worker_counter_sum(enum worker_counter c);

/**
 * Counters of worker 'idx', valid for the whole process (also after
 * worker_fini_all()), or NULL if idx is out of range.
 */
const struct worker_stats *worker_stats_get(unsigned int idx);

#endif /* WORKER_H */
