/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The forwarding snapshot workers read: per port, the MAC and the addresses
 * weir answers for (configured, IPv6 link-local, local SNAT addresses and
 * on-link VIPs); per service, its VIP and ports, balancer, Maglev table,
 * backends with their next-hop MACs, local addresses and timeouts. Types
 * only: svc.c builds and publishes snapshots (ctl), svc_dp.h looks things
 * up in them (workers).
 *
 * Thread-safety: a snapshot is immutable once published. ctl builds a new
 * one, publishes it with weir_rcu_set(&weir.snap, ...), waits for a QSBR
 * grace period and only then frees the old one with its tables. Workers
 * load the pointer once per loop iteration with weir_rcu_get() and report
 * quiescence at the end of the iteration; sessions copy what they need
 * (addresses, ports, MACs), so no session points into a snapshot.
 *
 * Example (worker):
 *	const struct svc_snap *s = weir_rcu_get(&weir.snap);
 *	... use s for the whole burst ...
 *	rte_rcu_qsbr_quiescent(weir.qsbr, w->idx);
 */
#ifndef SVC_TYPES_H
#define SVC_TYPES_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ethdev.h>
#include <rte_ether.h>

#include "cfg_types.h"
#include "ewma_dp.h"
#include "flow_types.h"

/* Addresses per family per port: own, link-local, SNAT and on-link VIPs. */
#define SVC_ADDRS_MAX 64

struct svc_port {
	bool in_use; /* a configured port */
	uint8_t idx; /* index in weir.ports */
	uint8_t nb_ip4;
	uint8_t nb_ip6;
	bool has_kif; /* an exception path: frames to kif_mac go to ctl */
	uint16_t kif_per_tick; /* frames per tick each worker may punt */
	struct rte_ether_addr mac;
	struct rte_ether_addr kif_mac;
	uint32_t ip4[SVC_ADDRS_MAX];	/* network order */
	uint8_t ip6[SVC_ADDRS_MAX][16]; /* network order */
};

/* Stable ids: counters are kept per id, so they survive rebuilds. */
#define SVC_ID_MAX CFG_SVC_MAX /* service ids */
#define SVC_BE_ID_MAX 8192     /* backend ids, all services */

/* Admin state of a backend (console, discovery, state file). */
enum svc_be_state {
	SVC_BE_READY = 0, /* takes new flows by weight */
	SVC_BE_DRAIN,	  /* no new flows; sessions continue */
	SVC_BE_MAINT,	  /* out of service; sessions continue */
};

struct svc_backend {
	uint16_t id;		   /* stable, < SVC_BE_ID_MAX */
	uint32_t epoch;		   /* > 0; changes when the id changes hands */
	uint8_t addr[16];	   /* network order, IPv4 in 4 bytes */
	uint16_t port;		   /* network order */
	uint16_t weight;	   /* relative */
	uint16_t tx_port;	   /* DPDK port id towards it */
	bool has_mac;		   /* next hop resolved */
	bool ejected;		   /* by health; no slot unless panic */
	struct rte_ether_addr mac; /* next-hop MAC */
};

struct svc {
	uint16_t id;	  /* stable, < SVC_ID_MAX */
	uint8_t vip[16];  /* network order */
	uint8_t family;	  /* AF_INET or AF_INET6 */
	uint8_t proto;	  /* IPPROTO_TCP or IPPROTO_UDP */
	uint8_t balancer; /* enum cfg_balancer */
	uint8_t hash;	  /* enum cfg_hash */
	uint16_t port_lo; /* host order */
	uint16_t port_hi; /* host order */
	bool midflow;	  /* pick up non-SYN TCP */
	bool panic;	  /* too few healthy: ejected backends take flows */
	bool retry;	  /* a failed connect goes to another backend */
	uint32_t connect_timeout; /* ticks: an unanswered SYN has failed */
	uint32_t max_flows;    /* open flows per worker (its share); 0 none */
	uint32_t max_be_flows; /* per backend per worker; 0 none */
	/* Fault injection: a new flow's 32-bit draw below fault_reset is
	 * reset, below fault_drop dropped, below fault_delay held for
	 * fault_delay_ticks (cumulative thresholds); all 0: off. */
	uint32_t fault_reset;
	uint32_t fault_drop;
	uint32_t fault_delay;
	uint32_t fault_delay_ticks;
	uint16_t mss; /* bytes, 0: no clamp */
	uint16_t nb_be;
	uint16_t nb_laddrs;
	uint32_t table_size;	      /* slots */
	const uint16_t *table;	      /* Maglev slots -> backend; NULL: none
					 * has weight */
	uint64_t table_digest;	      /* of what built the table */
	const struct svc_backend *be; /* [nb_be] */
	uint8_t laddrs[CFG_SVC_LADDRS_MAX][16]; /* SNAT sources */
	struct flow_timeouts timeouts;		/* ticks */
	struct ewma_tau lat_tau;		/* least-latency decay, ticks */
	uint32_t lat_init_ns;  /* estimate of a backend with no history */
	int16_t next_same_vip; /* next service on this VIP and
					 * protocol (svc_find), or -1 */
	char name[CFG_NAME_SIZE];
};

/*
 * Services by (family, protocol, VIP): open addressing with linear
 * probing, at most half full, each slot the index of the first service
 * of its group (the rest chained by next_same_vip), or -1. A lookup
 * costs a multiply and, nearly always, one or two probes, however many
 * services there are.
 */
#define SVC_VIP_SLOTS_LOG2 9
#define SVC_VIP_SLOTS (1u << SVC_VIP_SLOTS_LOG2) /* slots */
_Static_assert(SVC_VIP_SLOTS >= 2 * CFG_SVC_MAX, "VIP table at most half full");

struct svc_snap {
	uint64_t seed;	    /* balancing and local port hash */
	uint64_t since_tsc; /* TSC of the request it answers */
	uint64_t gen;	    /* 1, 2, ... in publication order */
	uint16_t lport_lo;  /* host order */
	uint16_t lport_hi;
	uint32_t nb_svc;
	struct svc *svc;		 /* [nb_svc], same memory as the snap */
	int16_t vip_slot[SVC_VIP_SLOTS]; /* see SVC_VIP_SLOTS */
	int16_t by_id[SVC_ID_MAX];	 /* service index by stable id, or -1 */
	/* Indexed by DPDK port id, so workers need no mapping. */
	struct svc_port port[RTE_MAX_ETHPORTS];
};

#endif /* SVC_TYPES_H */
