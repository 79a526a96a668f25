/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Session (flow) types: the key both directions are indexed by, the TCP
 * state machine's states, and one session entry.
 */
#ifndef FLOW_TYPES_H
#define FLOW_TYPES_H

#include <stdint.h>

#define FLOW_NIL UINT32_MAX	/* no flow (index) */

/*
 * A flow key as a packet carries it: addresses, ports, protocol. IPv4
 * addresses sit in the first 4 bytes with the rest zero; every byte of the
 * key (pad too) is significant, so build keys from a zeroed struct.
 */
struct flow_key {
	uint8_t src[16];	/* network order */
	uint8_t dst[16];	/* network order */
	uint16_t sport;		/* network order */
	uint16_t dport;		/* network order */
	uint8_t proto;		/* IPPROTO_TCP or IPPROTO_UDP */
	uint8_t family;		/* AF_INET or AF_INET6 */
	uint16_t pad;		/* zero */
};

/*
 * States. X(name, what). TCP follows the handshake and teardown as a
 * middlebox sees them; UDP has one state.
 */
#define FLOW_STATES(X)							\
	X(SYN_SENT, "client SYN seen")					\
	X(SYN_RECV, "backend SYN-ACK seen")				\
	X(ESTABLISHED, "handshake done, or picked up mid-flow")	\
	X(FIN_WAIT, "FIN seen from one side")				\
	X(LAST_ACK, "FIN seen from both sides, last ACK pending")	\
	X(TIME_WAIT, "both FINs acknowledged")				\
	X(CLOSE, "RST seen")						\
	X(UDP, "UDP flow")

enum flow_state {
#define FLOW_STATE_ENUM(e, what) FLOW_S_ ## e,
	FLOW_STATES(FLOW_STATE_ENUM)
#undef FLOW_STATE_ENUM
	FLOW_S_COUNT
};

/* Direction of a packet relative to its flow. */
enum flow_dir {
	FLOW_DIR_ORIG = 0,	/* client -> VIP */
	FLOW_DIR_REPLY = 1,	/* backend -> weir's local address */
};

/* flow.flags */
#define FLOW_F_FIN_ORIG 0x01	/* client sent FIN */
#define FLOW_F_FIN_REPLY 0x02	/* backend sent FIN */
#define FLOW_F_MIDFLOW 0x04	/* created from a non-SYN packet */
#define FLOW_F_HALF_OPEN 0x08	/* in nb_half_open; set by flow_update() only */

/* Per-state timeouts of one service, in ticks (see flow.h). */
struct flow_timeouts {
	uint32_t t[FLOW_S_COUNT];
};

/*
 * One session. Both keys are stored so that either direction finds it and
 * the NAT rewrite needs nothing else: ORIG packets get rev.dst:rev.dport as
 * source and rev.src:rev.sport as destination; REPLY packets get
 * fwd.dst:fwd.dport as source and fwd.src:fwd.sport as destination.
 */
struct flow {
	struct flow_key fwd;	/* client -> VIP, as received */
	struct flow_key rev;	/* backend -> local address, as received */
	uint32_t expire;	/* ticks: expires when now passes this */
	uint32_t wheel_next;	/* next in its wheel slot or the free list */
	uint8_t state;		/* enum flow_state */
	uint8_t flags;		/* FLOW_F_* */
	uint16_t svc;		/* service index at creation, for counters */
	uint16_t be;		/* backend index at creation, for counters */
	uint16_t cli_port;	/* DPDK port towards the client */
	uint16_t be_port;	/* DPDK port towards the backend */
	uint8_t cli_mac[6];	/* next hop towards the client */
	uint8_t be_mac[6];	/* next hop towards the backend */
	/* For flow records; zeroed by flow_insert(), kept by the worker. */
	uint32_t start;		/* ticks: created */
	uint32_t reported;	/* ticks: last interim record, 0: none */
	uint32_t hs_lat;	/* ticks SYN -> SYN-ACK, 0: not seen */
	uint32_t req_at;	/* ticks: first client payload, 0: none */
	uint32_t resp_lat;	/* ticks first payload -> first answer, 0: none */
	uint32_t pkts_in;	/* packets client -> backend */
	uint32_t pkts_out;	/* packets backend -> client */
	uint64_t bytes_in;	/* IP bytes client -> backend */
	uint64_t bytes_out;	/* IP bytes backend -> client */
};

/* Table counters, written by the owning worker only. */
struct flow_stats {
	uint64_t nb_flows;	/* flows in the table (gauge) */
	uint64_t nb_half_open;	/* flows with FLOW_F_HALF_OPEN (gauge) */
	uint64_t created;	/* flows inserted */
	uint64_t expired;	/* flows removed by the wheel */
	uint64_t full;		/* inserts refused: no free flow */
	uint64_t index_full;	/* inserts refused: both buckets full */
};

#endif /* FLOW_TYPES_H */
