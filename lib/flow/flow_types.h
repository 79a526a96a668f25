/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Session (flow) types: the key both directions are indexed by, the TCP
 * state machine's states, and one session entry.
 */
#ifndef FLOW_TYPES_H
#define FLOW_TYPES_H

#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#define FLOW_NIL UINT32_MAX /* no flow (index) */

/*
 * A flow key as a packet carries it: addresses, ports, protocol. IPv4
 * addresses sit in the first 4 bytes, and only those count, like the
 * other fields and unlike pad: the hash and the match read the same
 * bytes. Build keys from a zeroed struct all the same, so that a key
 * compares equal to itself byte for byte (flow_info dumps, tests).
 */
struct flow_key {
	uint8_t src[16]; /* network order */
	uint8_t dst[16]; /* network order */
	uint16_t sport;	 /* network order */
	uint16_t dport;	 /* network order */
	uint8_t proto;	 /* IPPROTO_TCP or IPPROTO_UDP */
	uint8_t family;	 /* AF_INET or AF_INET6 */
	uint16_t pad;	 /* zero */
};

/*
 * States. X(name, what). TCP follows the handshake and teardown as a
 * middlebox sees them; UDP has one state.
 */
#define FLOW_STATES(X)                                                         \
	X(SYN_SENT, "client SYN seen")                                         \
	X(SYN_RECV, "backend SYN-ACK seen")                                    \
	X(ESTABLISHED, "handshake done, or picked up mid-flow")                \
	X(FIN_WAIT, "FIN seen from one side")                                  \
	X(LAST_ACK, "FIN seen from both sides, last ACK pending")              \
	X(TIME_WAIT, "both FINs acknowledged")                                 \
	X(CLOSE, "RST seen")                                                   \
	X(UDP, "UDP flow")

enum flow_state {
#define FLOW_STATE_ENUM(e, what) FLOW_S_##e,
	FLOW_STATES(FLOW_STATE_ENUM)
#undef FLOW_STATE_ENUM
	FLOW_S_COUNT
};

/* Direction of a packet relative to its flow. */
enum flow_dir {
	FLOW_DIR_ORIG = 0,  /* client -> VIP */
	FLOW_DIR_REPLY = 1, /* backend -> weir's local address */
};

/* flow.flags */
#define FLOW_F_FIN_ORIG 0x01  /* client sent FIN */
#define FLOW_F_FIN_REPLY 0x02 /* backend sent FIN */
#define FLOW_F_MIDFLOW 0x04   /* created from a non-SYN packet */
#define FLOW_F_HALF_OPEN 0x08 /* in nb_half_open; set by flow_update() only */
#define FLOW_F_HANDSHAKE 0x10 /* SYN -> SYN-ACK time already counted */
#define FLOW_F_OPEN 0x20      /* counted in its backend's load (lb) */
#define FLOW_F_TURN 0x40      /* client spoke, backend not yet (turn_at) */
#define FLOW_F_RETRY 0x80     /* lb: a connect weir retries (lb_flow_reopen) */

/* Per-state timeouts of one service, in ticks (see flow.h). */
struct flow_timeouts {
	uint32_t t[FLOW_S_COUNT];
};

/*
 * The four ends of a FullNAT session: the fwd key runs CLIENT -> VIP, the
 * rev key BACKEND -> LOCAL (weir's local address), so ORIG packets leave
 * LOCAL -> BACKEND and REPLY packets VIP -> CLIENT. Indices into
 * flow.port[] and the address arrays; src and dst of each key are
 * adjacent.
 */
enum flow_end {
	FLOW_E_CLIENT,
	FLOW_E_VIP,
	FLOW_E_BACKEND,
	FLOW_E_LOCAL,
	FLOW_E_COUNT
};

/*
 * One session in one 64-byte line: what a packet in either direction needs
 * to match and rewrite, the state, the expiry links and the next hops. An
 * IPv4 session keeps its four addresses inline; an IPv6 session takes two
 * adjacent slots and the second holds its four 16-byte addresses (struct
 * flow_addr6), so the table pays 128 bytes only for the sessions that need
 * them. Per-session packet and byte counts (struct flow_acct) live apart,
 * and only when flow records are on. Compare keys with flow_key_of().
 */
struct flow {
	uint32_t expire; /* ticks: expires when now passes this */
	uint32_t next;	 /* next in its wheel slot or free list */
	uint32_t prev;	 /* previous, FLOW_NIL, or wheel head marker */
	uint32_t start;	 /* ticks: created */
	uint8_t state;	 /* enum flow_state */
	uint8_t flags;	 /* FLOW_F_* */
	uint8_t proto;	 /* IPPROTO_TCP or IPPROTO_UDP */
	uint8_t family;	 /* AF_INET or AF_INET6 */
	uint16_t svc;	 /* service id at creation, for counters */
	uint16_t be;	 /* backend id at creation, for counters */
	uint16_t port[FLOW_E_COUNT];	/* network order, by enum flow_end */
	uint8_t cli_port;		/* DPDK port towards the client */
	uint8_t be_port;		/* DPDK port towards the backend */
	uint8_t cli_mac[6];		/* next hop towards the client */
	uint8_t be_mac[6];		/* next hop towards the backend */
	uint8_t addr4[FLOW_E_COUNT][4]; /* IPv4 sessions: by enum flow_end */
	uint16_t turn_at; /* fine clock (lb): SYN sent, or the client's turn
			   * began (FLOW_F_TURN) */
} __attribute__((aligned(64)));

/* The slot after an IPv6 session's struct flow. */
struct flow_addr6 {
	uint8_t a[FLOW_E_COUNT][16]; /* by enum flow_end */
};

/* A slot of the table: a session, or the addresses of the one before. */
union flow_slot {
	struct flow f;
	struct flow_addr6 a6;
};

_Static_assert(sizeof(struct flow) == 64, "a session is one cache line");
_Static_assert(sizeof(union flow_slot) == 64, "a slot is one cache line");

/* @return address 'e' of 'f' (4 or 16 bytes, by f->family). */
static inline const uint8_t *
flow_addr(const struct flow *f, enum flow_end e)
{
	if (f->family == AF_INET6)
		return ((const union flow_slot *)(const void *)f + 1)->a6.a[e];
	return f->addr4[e];
}

/* Write key 'dir' of 'f' into 'k' (FLOW_DIR_ORIG: fwd, else rev). */
static inline void
flow_key_of(const struct flow *f, enum flow_dir dir, struct flow_key *k)
{
	unsigned int s = dir == FLOW_DIR_ORIG ? FLOW_E_CLIENT : FLOW_E_BACKEND;
	unsigned int n = f->family == AF_INET6 ? 16 : 4;

	memset(k, 0, sizeof(*k));
	memcpy(k->src, flow_addr(f, (enum flow_end)s), n);
	memcpy(k->dst, flow_addr(f, (enum flow_end)(s + 1)), n);
	k->sport = f->port[s];
	k->dport = f->port[s + 1];
	k->proto = f->proto;
	k->family = f->family;
}

/*
 * What flow records report of a session, kept beside the table's sessions
 * when the table is made with FLOW_TABLE_ACCT. Zeroed by flow_insert();
 * the worker fills it.
 */
struct flow_acct {
	uint32_t reported;  /* ticks: last interim record, 0: none */
	uint32_t hs_lat;    /* ticks SYN -> SYN-ACK, 0: not seen */
	uint32_t req_at;    /* ticks: first client payload, 0: none */
	uint32_t resp_lat;  /* ticks first payload -> first answer, 0: none */
	uint32_t pkts_in;   /* packets client -> backend */
	uint32_t pkts_out;  /* packets backend -> client */
	uint64_t bytes_in;  /* IP bytes client -> backend */
	uint64_t bytes_out; /* IP bytes backend -> client */
};

/* A session unpacked, for dumps and flow records (off the packet path). */
struct flow_info {
	struct flow_key fwd;   /* client -> VIP */
	struct flow_key rev;   /* backend -> local address */
	uint32_t expire;       /* ticks */
	uint32_t start;	       /* ticks: created */
	uint8_t state;	       /* enum flow_state */
	uint8_t flags;	       /* FLOW_F_* */
	uint16_t svc;	       /* service id */
	uint16_t be;	       /* backend id */
	struct flow_acct acct; /* all zero when the table keeps none */
};

/* Table counters, written by the owning worker only. */
struct flow_stats {
	uint64_t nb_flows;     /* flows in the table (gauge) */
	uint64_t nb_half_open; /* flows with FLOW_F_HALF_OPEN (gauge) */
	uint64_t created;      /* flows inserted */
	uint64_t expired;      /* flows removed by the wheel */
	uint64_t removed;      /* flows removed early (flow_remove()) */
	uint64_t full;	       /* inserts refused: no free flow */
	uint64_t index_full;   /* inserts refused: both buckets full */
};

#endif /* FLOW_TYPES_H */
