/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A worker's counters: the lists (X-macros the counter sets and the code
 * that counts are both made from) and the block each worker writes.
 * Types only: worker_dp.h counts into them, worker_setup.c reads them.
 */
#ifndef WORKER_TYPES_H
#define WORKER_TYPES_H

#include <stdint.h>

#include <rte_common.h>

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
	X(lb_reopened, COUNTER,                                                \
		"closed sessions reused by a client SYN, same backend")        \
	X(lb_rebalanced, COUNTER,                                              \
		"closed sessions replaced: a client SYN balanced elsewhere")   \
	X(lb_connect_held, COUNTER,                                            \
		"failed connects kept from the client for a retry")            \
	X(lb_fault_hold_full, COUNTER,                                         \
		"packets fault injection should have held, sent at once: "     \
		"hold queue full")                                             \
	X(lb_resets_sent, COUNTER,                                             \
		"TCP resets sent to clients: new flows over max_flows or "     \
		"reset by fault injection")                                    \
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
	X(kernel_rate,                                                             \
		"frames for a kernel interface over this worker's share of "       \
		"max_pps")                                                         \
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
	X(flow_limit,                                                              \
		"new flows refused: max_flows open (TCP answered by RST)")         \
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

#endif /* WORKER_TYPES_H */
