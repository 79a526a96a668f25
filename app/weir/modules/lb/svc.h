/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The forwarding snapshot workers read: per port, the MAC and the addresses
 * weir answers for (configured, IPv6 link-local, local SNAT addresses and
 * on-link VIPs); per service, its VIP and ports, balancer, Maglev table,
 * backends with their next-hop MACs, local addresses and timeouts.
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
#ifndef SVC_H
#define SVC_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <netinet/in.h>

#include <rte_ethdev.h>
#include <rte_ether.h>

#include "cfg_types.h"
#include "flow_types.h"

/* Addresses per family per port: own, link-local, SNAT and on-link VIPs. */
#define SVC_ADDRS_MAX 64

struct svc_port {
	bool in_use; /* a configured port */
	uint8_t idx; /* index in weir.ports */
	uint8_t nb_ip4;
	uint8_t nb_ip6;
	struct rte_ether_addr mac;
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
	uint8_t addr[16];	   /* network order, IPv4 in 4 bytes */
	uint16_t port;		   /* network order */
	uint16_t weight;	   /* relative */
	uint16_t tx_port;	   /* DPDK port id towards it */
	bool has_mac;		   /* next hop resolved */
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
	uint16_t mss;	  /* bytes, 0: no clamp */
	uint16_t nb_be;
	uint16_t nb_laddrs;
	uint32_t table_size;	      /* slots */
	const uint16_t *table;	      /* Maglev slots -> backend; NULL: none
					 * has weight */
	uint64_t table_digest;	      /* of what built the table */
	const struct svc_backend *be; /* [nb_be] */
	uint8_t laddrs[CFG_SVC_LADDRS_MAX][16]; /* SNAT sources */
	struct flow_timeouts timeouts;		/* ticks */
	int16_t next_same_vip;			/* next service on this VIP and
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

/*
 * How ctl tells the builder where a backend is: the DPDK port towards
 * 'addr' and, if resolved, the next-hop MAC. @return true if resolved.
 */
typedef bool(svc_nh_fn)(void *arg, const struct weir_addr *addr,
	uint16_t *port_id, struct rte_ether_addr *mac);

/**
 * Build a snapshot from 'conf' and the ports, asking 'nh' for backends.
 * @return the snapshot (free with svc_snap_free()), or NULL (errno).
 */
struct svc_snap *
svc_snap_build(const struct cfg_conf *conf, svc_nh_fn *nh, void *arg);

/** Free a snapshot that no worker can see. NULL: no-op. */
void svc_snap_free(struct svc_snap *s);

/**
 * Publish 's' (ownership passes to the RCU pointer), wait until no worker
 * can see the previous one, free it.
 */
void svc_snap_publish(struct svc_snap *s);

/**
 * Tell the builder where backends are from now on: 'fn' (NULL: nowhere,
 * no next hop resolved). The local module sets its resolver at start.
 */
void svc_nh_set(svc_nh_fn *fn, void *arg);

/**
 * @return true if any backend's next hop in the published snapshot differs
 * from what the resolver says now (a MAC was learned, changed or lost).
 */
bool svc_nh_changed(void);

/**
 * Build a snapshot from weir.conf and publish it; 'why' goes to the log
 * with the build time and how many backends are resolved.
 * @return 0, or -errno (logged; the published snapshot stays).
 */
int svc_publish(const char *why);

/**
 * @return the stable id of service 'name' or of backend (name, addr, port)
 * in the published snapshot, or -ENOENT.
 */
int svc_id_of(const char *name);
int svc_be_id_of(const char *name, const struct weir_addr *addr, uint16_t port);

/** Publish a first snapshot (no backend resolved yet). @return 0/-errno. */
int svc_snap_init(void);

/** Unpublish and free the snapshot once workers are stopped. */
void svc_snap_fini(void);

/* Context: worker. @return true if 'ip' (network order) is weir's on 'sp'. */
static inline bool
svc_port_has_ip4(const struct svc_port *sp, uint32_t ip)
{
	unsigned int i;

	for (i = 0; i < sp->nb_ip4; i++)
		if (sp->ip4[i] == ip)
			return true;
	return false;
}

/* Context: worker. @return true if 'ip' is weir's on 'sp'. */
static inline bool
svc_port_has_ip6(const struct svc_port *sp, const uint8_t *ip)
{
	unsigned int i;

	for (i = 0; i < sp->nb_ip6; i++)
		if (memcmp(sp->ip6[i], ip, 16) == 0)
			return true;
	return false;
}

/*
 * The first slot of the group (family, proto, VIP 'a') in vip_slot: a
 * Fibonacci (golden-ratio multiply) hash of the address folded to 32 bits,
 * a few instructions per packet. The keys are configured VIPs, not
 * packets, so there is nothing for an outsider to collide on purpose; a
 * packet to some other address only probes to the next empty slot, and
 * the table is at most half full.
 */
static inline uint32_t
svc_vip_hash(uint8_t family, uint8_t proto, const uint8_t *a)
{
	uint32_t x, w[4];

	if (family == AF_INET) {
		memcpy(&x, a, 4);
	} else {
		memcpy(w, a, 16);
		x = w[0] ^ w[1] ^ w[2] ^ w[3];
	}
	x ^= (uint32_t)proto << 24;
	return (x * UINT32_C(0x9e3779b1)) >> (32 - SVC_VIP_SLOTS_LOG2);
}

/* @return true if 'v' is a service of (family, proto, VIP 'vip'). */
static inline bool
svc_is_group(
	const struct svc *v, uint8_t family, uint8_t proto, const uint8_t *vip)
{
	uint64_t a[2], b[2];

	if (v->family != family || v->proto != proto)
		return false;
	/* Word compares rather than memcmp(), which GCC may call out to. */
	if (family == AF_INET) {
		uint32_t x, y;

		memcpy(&x, v->vip, 4);
		memcpy(&y, vip, 4);
		return x == y;
	}
	memcpy(a, v->vip, 16);
	memcpy(b, vip, 16);
	return a[0] == b[0] && a[1] == b[1];
}

/*
 * Context: worker (and ctl). @return the first service of the group
 * (family, proto, VIP 'dst'), or NULL.
 */
static inline const struct svc *
svc_find_vip(const struct svc_snap *s, uint8_t family, uint8_t proto,
	const uint8_t *dst)
{
	uint32_t i = svc_vip_hash(family, proto, dst);

	for (;;) {
		const struct svc *v;

		if (s->vip_slot[i] < 0)
			return NULL;
		v = &s->svc[s->vip_slot[i]];
		if (svc_is_group(v, family, proto, dst))
			return v;
		i = (i + 1) & (SVC_VIP_SLOTS - 1);
	}
}

/*
 * Context: worker. @return the service for a packet to 'dst' (16 bytes,
 * IPv4 in the first 4) port 'dport' (host order), or NULL.
 */
static inline const struct svc *
svc_find(const struct svc_snap *s, uint8_t family, uint8_t proto,
	const uint8_t *dst, uint16_t dport)
{
	const struct svc *v = svc_find_vip(s, family, proto, dst);

	while (v != NULL && (dport < v->port_lo || dport > v->port_hi))
		v = v->next_same_vip < 0 ? NULL : &s->svc[v->next_same_vip];
	return v;
}

/*
 * Context: worker. @return the service a session was made for: by the id
 * it keeps, then, if that id is gone or names another service now, by its
 * VIP and port as a packet would find it; NULL if neither.
 */
static inline const struct svc *
svc_of_session(const struct svc_snap *s, uint16_t id, uint8_t family,
	uint8_t proto, const uint8_t *vip, uint16_t vport)
{
	const struct svc *v = id < SVC_ID_MAX && s->by_id[id] >= 0 ?
		&s->svc[s->by_id[id]] :
		NULL;

	if (v != NULL && vport >= v->port_lo && vport <= v->port_hi &&
		svc_is_group(v, family, proto, vip))
		return v;
	return svc_find(s, family, proto, vip, vport);
}

/* Context: worker. @return true if 'dst' is the VIP of some service. */
static inline bool
svc_is_vip(const struct svc_snap *s, uint8_t family, const uint8_t *dst)
{
	return svc_find_vip(s, family, IPPROTO_TCP, dst) != NULL ||
		svc_find_vip(s, family, IPPROTO_UDP, dst) != NULL;
}

#endif /* SVC_H */
