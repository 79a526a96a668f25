/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker loop: rx_burst on each port, parse, classify, then balance and
 * NAT, redirect, punt or drop; then the redirect rings from other workers,
 * the ctl_tx ring, the TX flush, a bounded step of session expiry, and a
 * quiescent state. The snapshot is loaded once per iteration, so one burst
 * is always handled against one consistent view.
 *
 * FullNAT: a client's packet to a VIP becomes local-address:local-port ->
 * backend; the backend's reply to local-address:local-port becomes VIP ->
 * client. The session holds both keys, so either direction rewrites from
 * the session alone, whatever the snapshot says by then.
 *
 * Local ports and their owner (lib/nat/nat_port.h): each worker gives new
 * sessions only local ports it owns, so a reply's destination port names
 * the worker holding its session; another worker hands it over on a
 * redirect ring. The port is chosen from a hash of the client's flow
 * (seeded by hash_seed) and probed forward on collision with a session
 * already using the same (backend, local address, local port). After a
 * restart the same client flow hashes to the same worker and the same
 * first port, so a mid-flow packet picked up again (midflow) reaches the
 * backend with the local port the backend already knows: the connection
 * survives. A port stays taken as long as its session, TIME-WAIT
 * included, so it is not reused while the backend may still hold the old
 * connection.
 *
 * Nothing here locks, allocates from the heap, logs or makes a system call:
 * drops are counted by reason and the management thread reports them.
 * Counters live in a static array rather than in the rte_zmalloc'd worker:
 * telemetry reads them from its own thread at any moment, also during
 * shutdown, and static storage outlives every such read.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_icmp.h>
#include <rte_jhash.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_random.h>
#include <rte_rcu_qsbr.h>

#include "flow.h"
#include "flow_dp.h"
#include "flowlog.h"
#include "maglev_dp.h"
#include "nat_dp.h"
#include "module.h"
#include "nat_port.h"
#include "pkt_dp.h"
#include "port.h"
#include "lb_stats.h"
#include "svc.h"
#include "weir.h"
#include "weir_err.h"
#include "weir_log.h"
#include "weir_stats.h"
#include "worker.h"

WEIR_LOG_TYPE("worker")

#define WORKER_BURST_MAX 256	/* packets: upper bound of config 'burst' */
#define WORKER_LPORT_PROBES 32	/* local ports tried before giving up */
#define WORKER_EXPIRE_BUDGET 64 /* sessions examined per loop iteration */

struct worker_txq {
	uint16_t n; /* packets waiting */
	struct rte_mbuf *pkts[WORKER_BURST_MAX];
};

struct worker {
	unsigned int idx;	 /* 0..nb_workers-1: queue id, QSBR id */
	unsigned int lcore;	 /* EAL lcore it runs on */
	struct rte_ring *punt;	 /* to ctl */
	struct rte_ring *ctl_tx; /* from ctl */
	struct rte_ring *redir_in[CFG_WORKERS_MAX]; /* from worker j */
	struct flow_table *ft; /* sessions this worker owns */
	struct worker_stats *stats;
	struct lb_stats *svc_stats; /* by service id */
	struct lb_stats *be_stats;  /* by backend id */
	uint32_t now;		    /* ticks, once per loop iteration */
	uint32_t half_open_max;	    /* flows */
	uint16_t lport_lo;	    /* host order: first local port */
	uint32_t nb_lports;	    /* local ports this worker owns */
	uint64_t rnd;		    /* xorshift64 state, 'random' balancer */
	unsigned int burst;	    /* packets, from the config at start */
	uint32_t rr[CFG_SVC_MAX];   /* round-robin cursor per service */
	struct worker_dump *dump;   /* posted by ctl, NULL when idle */
	struct rte_ring *flowlog;   /* flow records to ctl, NULL: off */
	uint32_t fl_sample;	    /* log 1 flow in fl_sample */
	uint32_t fl_interval;	    /* ticks between interim records */
	uint64_t us_per_tick_q16;   /* microseconds per tick, 16.16 */
	uint64_t ns_per_tsc_q16;    /* nanoseconds per TSC cycle, 16.16 */
	uint64_t snap_gen; /* generation of the last snapshot looped on */
	struct worker_txq txq[CFG_PORTS_MAX]; /* by port index */
} __rte_cache_aligned;

static struct worker *workers[CFG_WORKERS_MAX];
static struct worker_stats worker_stats_all[CFG_WORKERS_MAX];
/* Owner worker of each local port; written once before workers start. */
static uint8_t worker_lport_owner[65536];

static const char *const worker_counter_names[] = {
#define WORKER_COUNTER_NAME(n, help) #n,
	WORKER_COUNTERS(WORKER_COUNTER_NAME)
#undef WORKER_COUNTER_NAME
};

static const char *const worker_counter_helps[] = {
#define WORKER_COUNTER_HELP(n, help) help,
	WORKER_COUNTERS(WORKER_COUNTER_HELP)
#undef WORKER_COUNTER_HELP
};

const char *
worker_counter_name(enum worker_counter c)
{
	return (unsigned int)c < WORKER_C_COUNT ? worker_counter_names[c] : "?";
}

const char *
worker_counter_help(enum worker_counter c)
{
	return (unsigned int)c < WORKER_C_COUNT ? worker_counter_helps[c] : "?";
}

const struct worker_stats *
worker_stats_get(unsigned int idx)
{
	return idx < CFG_WORKERS_MAX ? &worker_stats_all[idx] : NULL;
}

/* Workers started so far; readers on other threads sum this many blocks. */
static unsigned int worker_nb_started;

uint64_t
worker_counter_sum(enum worker_counter c)
{
	unsigned int i,
		n = __atomic_load_n(&worker_nb_started, __ATOMIC_RELAXED);
	uint64_t v = 0;

	for (i = 0; i < n; i++)
		v += weir_stat_read(&worker_stats_all[i].c[c]);
	return v;
}

uint64_t
worker_drop_sum(unsigned int d)
{
	unsigned int i,
		n = __atomic_load_n(&worker_nb_started, __ATOMIC_RELAXED);
	uint64_t v = 0;

	for (i = 0; i < n && d < PKT_DROP_COUNT; i++)
		v += weir_stat_read(&worker_stats_all[i].drops[d]);
	return v;
}

struct rte_ring *
worker_punt_ring(unsigned int i)
{
	return workers[i]->punt;
}

struct rte_ring *
worker_ctl_tx_ring(void)
{
	return workers[0]->ctl_tx;
}

unsigned int
worker_lcore(unsigned int i)
{
	return workers[i]->lcore;
}

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

static inline unsigned int
worker_tx_flush(struct worker *w)
{
	unsigned int i, total = 0;
	uint16_t sent;

	for (i = 0; i < weir.nb_ports; i++) {
		struct worker_txq *q = &w->txq[i];

		if (q->n == 0)
			continue;
		sent = rte_eth_tx_burst(
			weir.ports[i].id, (uint16_t)w->idx, q->pkts, q->n);
		WORKER_INC(w, tx_packets, sent);
		if (unlikely(sent < q->n)) {
			WORKER_INC(w, tx_drops, q->n - sent);
			rte_pktmbuf_free_bulk(&q->pkts[sent], q->n - sent);
		}
		total += q->n;
		q->n = 0;
	}
	return total;
}

static inline void
worker_drop(struct worker *w, enum worker_counter c, struct rte_mbuf *m)
{
	weir_stat_add(&w->stats->c[c], 1);
	rte_pktmbuf_free(m);
}

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

/*
 * Rewrite the packet to src:sport -> dst:dport (from keys), decrement the
 * TTL, set the Ethernet addresses and queue it on 'port_id'.
 * @return false (packet dropped) if the TTL ran out.
 */
static inline bool
worker_nat_tx(struct worker *w, const struct svc_snap *snap, struct rte_mbuf *m,
	const struct pkt_meta *pm, const uint8_t *src, uint16_t sport,
	const uint8_t *dst, uint16_t dport, uint16_t port_id,
	const uint8_t *mac)
{
	uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)d;
	void *l4 = d + pm->l4_off;

	if (pm->l3 == PKT_L3_IPV4) {
		struct rte_ipv4_hdr *ip = (void *)(d + pm->l3_off);
		uint32_t s4, d4;

		if (!nat_ip4_ttl_dec(ip))
			goto ttl;
		memcpy(&s4, src, 4);
		memcpy(&d4, dst, 4);
		nat_rewrite_ip4(ip, l4, pm->l4_proto, s4, d4, sport, dport);
	} else {
		struct rte_ipv6_hdr *ip = (void *)(d + pm->l3_off);

		if (!nat_ip6_hop_dec(ip))
			goto ttl;
		nat_rewrite_ip6(ip, l4, pm->l4_proto, src, dst, sport, dport);
	}
	memcpy(&eh->dst_addr, mac, RTE_ETHER_ADDR_LEN);
	eh->src_addr = snap->port[port_id].mac;
	worker_tx(w, snap, port_id, m);
	return true;
ttl:
	worker_drop(w, WORKER_C_drop_ttl, m);
	return false;
}

/* Count one forwarded packet of 'bytes' (IP) on its service and backend. */
static inline void
worker_count(struct lb_stats *sv, struct lb_stats *be, enum flow_dir dir,
	uint32_t bytes)
{
	if (dir == FLOW_DIR_ORIG) {
		weir_stat_add(&sv->pkts_in, 1);
		weir_stat_add(&sv->bytes_in, bytes);
		weir_stat_add(&be->pkts_in, 1);
		weir_stat_add(&be->bytes_in, bytes);
	} else {
		weir_stat_add(&sv->pkts_out, 1);
		weir_stat_add(&sv->bytes_out, bytes);
		weir_stat_add(&be->pkts_out, 1);
		weir_stat_add(&be->bytes_out, bytes);
	}
}

/*
 * Hand a flow record to ctl if the flow is sampled (decided from its hash,
 * so a sampled flow has all its records); a full ring drops it, counted.
 */
static inline void
worker_flowlog(struct worker *w, const struct flow *f, bool end)
{
	struct flowlog_rec r;

	if (w->flowlog == NULL)
		return;
	flow_key_of(f, FLOW_DIR_ORIG, &r.f.fwd);
	if (worker_range(flow_key_hash(w->ft, &r.f.fwd), w->fl_sample) != 0)
		return;
	flow_info_get(w->ft, f, &r.f);
	r.now = w->now;
	r.end = end;
	if (rte_ring_sp_enqueue_elem(w->flowlog, &r, sizeof(r)) != 0)
		WORKER_INC(w, flowlog_drops, 1);
}

/* flow_expire callback: the session's record, and its gauges go down. */
static void
worker_flow_gone(void *arg, const struct flow *f)
{
	struct worker *w = arg;

	weir_stat_add(&w->svc_stats[f->svc].sessions, (uint64_t)-1);
	weir_stat_add(&w->be_stats[f->be].sessions, (uint64_t)-1);
	worker_flowlog(w, f, true);
}

/*
 * Count a timed handshake of 'ticks': mean and histogram, service and
 * backend. Backend latency as weir sees it: SYN out to SYN-ACK in, in
 * fixed point to avoid a division.
 */
static inline void
worker_handshake(struct worker *w, const struct flow *f, uint32_t ticks)
{
	uint64_t us = ((uint64_t)ticks * w->us_per_tick_q16) >> 16;
	unsigned int k = 0;

	while (us > lb_stats_hist_bounds_us[k])
		k++; /* the last bound is UINT64_MAX: always stops */
	weir_stat_add(&w->be_stats[f->be].handshakes, 1);
	weir_stat_add(&w->be_stats[f->be].handshake_us, us);
	weir_stat_add(&w->be_stats[f->be].hs_hist[k], 1);
	weir_stat_add(&w->svc_stats[f->svc].handshakes, 1);
	weir_stat_add(&w->svc_stats[f->svc].handshake_us, us);
	weir_stat_add(&w->svc_stats[f->svc].hs_hist[k], 1);
}

/*
 * The first SYN-ACK of a session weir saw open times its handshake, for
 * the latency counters; with flow records on, also count packets, bytes
 * and the first response time of the session.
 */
static inline void
worker_flow_account(struct worker *w, struct flow *f, enum flow_dir dir,
	const struct rte_mbuf *m, const struct pkt_meta *pm, uint8_t tcp_flags)
{
	struct flow_acct *a;
	uint32_t payload, hs = 0;

	if (dir == FLOW_DIR_REPLY &&
		(tcp_flags & (RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG)) ==
			(RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG) &&
		!(f->flags & (FLOW_F_HANDSHAKE | FLOW_F_MIDFLOW))) {
		f->flags |= FLOW_F_HANDSHAKE;
		/* A zero means "not measured": round up to one tick. */
		hs = (w->now - f->start) | 1;
		worker_handshake(w, f, hs);
	}
	if (w->flowlog == NULL)
		return;
	a = flow_acct(w->ft, f);
	payload = pm->l4_len;
	if (pm->l4_proto == IPPROTO_TCP) {
		const struct rte_tcp_hdr *th = rte_pktmbuf_mtod_offset(
			m, const struct rte_tcp_hdr *, pm->l4_off);

		payload -= (uint32_t)(th->data_off >> 4) * 4;
	} else {
		payload -= 8;
	}
	if (dir == FLOW_DIR_ORIG) {
		a->pkts_in++;
		a->bytes_in += pm->l3_len;
		if (payload > 0 && a->req_at == 0)
			a->req_at = w->now | 1;
	} else {
		a->pkts_out++;
		a->bytes_out += pm->l3_len;
		if (hs != 0)
			a->hs_lat = hs;
		if (payload > 0 && a->req_at != 0 && a->resp_lat == 0)
			a->resp_lat = (w->now - a->req_at) | 1;
	}
	if (w->now - (a->reported ? a->reported : f->start) > w->fl_interval) {
		a->reported = w->now;
		worker_flowlog(w, f, false);
	}
}

/* Pick a backend of 'v' for flow 'k'. @return its index or -1. */
static inline int
worker_pick(struct worker *w, const struct svc_snap *snap, const struct svc *v,
	const struct flow_key *k)
{
	uint32_t seed = (uint32_t)(snap->seed ^ (snap->seed >> 32)), h, slot;

	if (v->table == NULL)
		return -1;
	switch (v->balancer) {
	case CFG_LB_ROUND_ROBIN:
		/* Walking the Maglev table in order interleaves backends in
		 * proportion to their weights. */
		slot = w->rr[v - snap->svc]++;
		if (slot >= v->table_size) {
			slot = 0;
			w->rr[v - snap->svc] = 1;
		}
		return v->table[slot];
	case CFG_LB_RANDOM:
		w->rnd ^= w->rnd << 13;
		w->rnd ^= w->rnd >> 7;
		w->rnd ^= w->rnd << 17;
		return maglev_lookup(v->table, v->table_size, (uint32_t)w->rnd);
	default:
		h = v->hash == CFG_HASH_SOURCE ?
			rte_jhash(k->src, k->family == AF_INET ? 4 : 16, seed) :
			rte_jhash(k, sizeof(*k), seed);
		return maglev_lookup(v->table, v->table_size, h);
	}
}

_Static_assert(RTE_MAX_ETHPORTS <= 256, "flow.cli_port holds a port id");

/* Create the session for client flow 'k' to service 'v', or count why not. */
static inline struct flow *
worker_flow_new(struct worker *w, const struct svc_snap *snap,
	const struct svc *v, const struct rte_mbuf *m, const struct flow_key *k,
	uint8_t tcp_flags)
{
	uint32_t seed = (uint32_t)(snap->seed ^ (snap->seed >> 32));
	const struct svc_backend *be;
	struct flow_key rev;
	uint32_t h, j, i;
	bool midflow = false;
	struct flow *f;
	int idx;

	if (k->proto == IPPROTO_TCP &&
		(tcp_flags &
			(RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG |
				RTE_TCP_RST_FLAG)) != RTE_TCP_SYN_FLAG) {
		/* Not a first SYN: pick it up only if it can be a live
		 * connection (weir restarted, or the flow moved here). */
		if ((tcp_flags & (RTE_TCP_RST_FLAG | RTE_TCP_SYN_FLAG)) ||
			!v->midflow) {
			WORKER_INC(w, drop_no_session, 1);
			return NULL;
		}
		midflow = true;
	}
	idx = worker_pick(w, snap, v, k);
	if (idx < 0) {
		WORKER_INC(w, drop_no_backend, 1);
		return NULL;
	}
	be = &v->be[idx];
	if (unlikely(v->nb_laddrs == 0)) {
		WORKER_INC(w, drop_no_local_port, 1);
		return NULL;
	}
	if (!be->has_mac) {
		WORKER_INC(w, drop_backend_unresolved, 1);
		return NULL;
	}
	if (!midflow && k->proto == IPPROTO_TCP &&
		flow_table_stats(w->ft)->nb_half_open >= w->half_open_max) {
		WORKER_INC(w, drop_half_open, 1);
		return NULL;
	}
	/* Local address and first port from the client's flow (see top). */
	h = rte_jhash(k, sizeof(*k), seed ^ 0x9e3779b9);
	memset(&rev, 0, sizeof(rev));
	memcpy(rev.src, be->addr, 16);
	memcpy(rev.dst, v->laddrs[worker_range(h, v->nb_laddrs)], 16);
	rev.sport = be->port;
	rev.proto = k->proto;
	rev.family = k->family;
	j = worker_range(rte_jhash_1word(h, seed), w->nb_lports);
	for (i = 0; i < WORKER_LPORT_PROBES; i++) {
		rev.dport = rte_cpu_to_be_16(
			nat_port_nth(w->lport_lo, weir.nb_workers, w->idx, j));
		if (!flow_key_in_use(w->ft, &rev, flow_key_hash(w->ft, &rev)))
			break;
		if (++j == w->nb_lports)
			j = 0;
	}
	if (i == WORKER_LPORT_PROBES) {
		WORKER_INC(w, drop_no_local_port, 1);
		return NULL;
	}
	f = flow_insert(w->ft, k, &rev, w->now,
		v->timeouts.t[k->proto == IPPROTO_TCP ? FLOW_S_SYN_SENT :
							FLOW_S_UDP]);
	if (f == NULL) {
		WORKER_INC(w, drop_session_full, 1);
		return NULL;
	}
	f->svc = v->id;
	f->be = be->id;
	weir_stat_add(&w->svc_stats[f->svc].new_flows, 1);
	weir_stat_add(&w->svc_stats[f->svc].sessions, 1);
	weir_stat_add(&w->be_stats[f->be].new_flows, 1);
	weir_stat_add(&w->be_stats[f->be].sessions, 1);
	f->cli_port = (uint8_t)m->port;
	f->be_port = (uint8_t)be->tx_port;
	memcpy(f->cli_mac,
		rte_pktmbuf_mtod_offset(m, const uint8_t *, RTE_ETHER_ADDR_LEN),
		RTE_ETHER_ADDR_LEN);
	memcpy(f->be_mac, &be->mac, RTE_ETHER_ADDR_LEN);
	if (midflow) {
		f->state = FLOW_S_ESTABLISHED;
		f->flags |= FLOW_F_MIDFLOW;
		WORKER_INC(w, lb_midflow, 1);
	}
	WORKER_INC(w, lb_new_flows, 1);
	return f;
}

static inline uint8_t
worker_tcp_flags(const struct rte_mbuf *m, const struct pkt_meta *pm)
{
	const struct rte_tcp_hdr *th;

	if (pm->l4_proto != IPPROTO_TCP)
		return 0;
	th = rte_pktmbuf_mtod_offset(m, const struct rte_tcp_hdr *, pm->l4_off);
	return th->tcp_flags;
}

static inline void
worker_mss(const struct svc *v, struct rte_mbuf *m, const struct pkt_meta *pm,
	uint8_t tcp_flags)
{
	struct rte_tcp_hdr *th;

	if (v == NULL || v->mss == 0 || !(tcp_flags & RTE_TCP_SYN_FLAG))
		return;
	th = rte_pktmbuf_mtod_offset(m, struct rte_tcp_hdr *, pm->l4_off);
	nat_tcp_mss_clamp(th, (uint32_t)(th->data_off >> 4) * 4, v->mss);
}

/* Client -> VIP; 'fk' is the packet's flow key and its hash. */
static inline void
worker_lb_orig(struct worker *w, const struct svc_snap *snap,
	const struct svc *v, struct rte_mbuf *m, const struct pkt_meta *pm,
	const struct worker_fk *fk)
{
	uint8_t tcp_flags = worker_tcp_flags(m, pm);
	const struct flow_key *k;
	uint32_t h;
	enum flow_dir dir;
	struct flow *f;

	RTE_ASSERT(fk != NULL); /* only later fragments have none */
	k = &fk->k;
	h = fk->h;
	f = flow_lookup(w->ft, k, h, &dir);
	if (f == NULL) {
		f = worker_flow_new(w, snap, v, m, k, tcp_flags);
		if (f == NULL) {
			rte_pktmbuf_free(m);
			return;
		}
	}
	flow_update(w->ft, f, FLOW_DIR_ORIG, tcp_flags, w->now, &v->timeouts);
	worker_flow_account(w, f, FLOW_DIR_ORIG, m, pm, tcp_flags);
	worker_mss(v, m, pm, tcp_flags);
	if (worker_nat_tx(w, snap, m, pm, flow_addr(f, FLOW_E_LOCAL),
		    f->port[FLOW_E_LOCAL], flow_addr(f, FLOW_E_BACKEND),
		    f->port[FLOW_E_BACKEND], f->be_port, f->be_mac)) {
		WORKER_INC(w, lb_to_backend, 1);
		worker_count(&w->svc_stats[f->svc], &w->be_stats[f->be],
			FLOW_DIR_ORIG, pm->l3_len);
	}
}

/* Timeouts for a flow whose service may have changed or gone since. */
static inline const struct flow_timeouts *
worker_timeouts(const struct svc_snap *snap, const struct flow *f,
	const struct svc **vp)
{
	static const struct flow_timeouts none;
	const struct svc *v = svc_of_session(snap, f->svc, f->family, f->proto,
		flow_addr(f, FLOW_E_VIP),
		rte_be_to_cpu_16(f->port[FLOW_E_VIP]));

	*vp = v;
	return v != NULL ? &v->timeouts : &none;
}

/* @return true if 'm' was handed to the worker owning local port 'port'. */
static inline bool
worker_redirect(
	struct worker *w, struct rte_mbuf *m, uint16_t port, bool redirected)
{
	uint8_t owner = worker_lport_owner[rte_be_to_cpu_16(port)];

	if (owner == w->idx || owner == NAT_PORT_NONE || redirected)
		return false;
	if (rte_ring_sp_enqueue(workers[owner]->redir_in[w->idx], m) == 0) {
		WORKER_INC(w, redirect_out, 1);
	} else {
		WORKER_INC(w, redirect_drops, 1);
		rte_pktmbuf_free(m);
	}
	return true;
}

/* Backend -> local address; 'fk' is the packet's flow key and its hash. */
static inline void
worker_lb_reply(struct worker *w, const struct svc_snap *snap,
	struct rte_mbuf *m, const struct pkt_meta *pm,
	const struct worker_fk *fk, bool redirected)
{
	uint8_t tcp_flags = worker_tcp_flags(m, pm);
	const struct flow_timeouts *to;
	const struct svc *v;
	enum flow_dir dir;
	struct flow *f;

	if (worker_redirect(w, m, pm->dport, redirected))
		return;
	RTE_ASSERT(fk != NULL); /* only later fragments have none */
	f = flow_lookup(w->ft, &fk->k, fk->h, &dir);
	if (f == NULL || dir != FLOW_DIR_REPLY) {
		worker_drop(w, WORKER_C_drop_no_session_reply, m);
		return;
	}
	to = worker_timeouts(snap, f, &v);
	/* A flow whose service is gone keeps its current deadline. */
	if (v != NULL)
		flow_update(w->ft, f, FLOW_DIR_REPLY, tcp_flags, w->now, to);
	worker_flow_account(w, f, FLOW_DIR_REPLY, m, pm, tcp_flags);
	worker_mss(v, m, pm, tcp_flags);
	if (worker_nat_tx(w, snap, m, pm, flow_addr(f, FLOW_E_VIP),
		    f->port[FLOW_E_VIP], flow_addr(f, FLOW_E_CLIENT),
		    f->port[FLOW_E_CLIENT], f->cli_port, f->cli_mac)) {
		WORKER_INC(w, lb_to_client, 1);
		worker_count(&w->svc_stats[f->svc], &w->be_stats[f->be],
			FLOW_DIR_REPLY, pm->l3_len);
	}
}

static inline bool
worker_icmp_is_error(const struct pkt_meta *pm)
{
	/* Destination unreachable, time exceeded, parameter problem. */
	if (pm->l4_proto == IPPROTO_ICMP)
		return pm->icmp_type == 3 || pm->icmp_type == 11 ||
			pm->icmp_type == 12;
	/* ICMPv6 errors are types 1 to 4 (RFC 4443). */
	return pm->icmp_type >= 1 && pm->icmp_type <= 4;
}

/*
 * An ICMP error about a packet weir sent to a backend (local -> backend):
 * rewrite it as the client would expect it about its own packet
 * (client -> VIP), from the VIP, and send it to the client. Path MTU
 * discovery through weir relies on this.
 */
static inline void
worker_icmp_error(struct worker *w, const struct svc_snap *snap,
	struct rte_mbuf *m, const struct pkt_meta *pm, bool redirected)
{
	uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);
	uint32_t off = pm->l4_off + 8, len = pm->l4_off + pm->l4_len, ihl;
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)d;
	uint8_t *in = d + off, *inl4;
	struct flow_key k;
	enum flow_dir dir;
	struct flow *f;

	memset(&k, 0, sizeof(k));
	if (pm->l3 == PKT_L3_IPV4) {
		if (len < off + 20 || (in[0] >> 4) != 4)
			goto bad;
		ihl = (uint32_t)(in[0] & 0xf) * 4;
		if (ihl < 20 || len < off + ihl + 4)
			goto bad;
		memcpy(k.src, in + 16, 4); /* backend */
		memcpy(k.dst, in + 12, 4); /* local address */
		k.proto = in[9];
		k.family = AF_INET;
	} else {
		ihl = 40;
		if (len < off + ihl + 4 || (in[0] >> 4) != 6)
			goto bad;
		memcpy(k.src, in + 24, 16);
		memcpy(k.dst, in + 8, 16);
		k.proto = in[6];
		k.family = AF_INET6;
	}
	if (k.proto != IPPROTO_TCP && k.proto != IPPROTO_UDP)
		goto bad;
	inl4 = in + ihl;
	memcpy(&k.sport, inl4 + 2, 2);
	memcpy(&k.dport, inl4, 2);
	if (worker_redirect(w, m, k.dport, redirected))
		return;
	f = flow_lookup(w->ft, &k, flow_key_hash(w->ft, &k), &dir);
	if (f == NULL || dir != FLOW_DIR_REPLY)
		goto bad;
	/* Inner: what the client sent, client -> VIP. */
	memcpy(inl4, &f->port[FLOW_E_CLIENT], 2);
	memcpy(inl4 + 2, &f->port[FLOW_E_VIP], 2);
	if (pm->l3 == PKT_L3_IPV4) {
		struct rte_ipv4_hdr *ip = (void *)(d + pm->l3_off);
		struct rte_ipv4_hdr *iip = (void *)in;
		struct rte_icmp_hdr *ic = (void *)(d + pm->l4_off);

		memcpy(&iip->src_addr, flow_addr(f, FLOW_E_CLIENT), 4);
		memcpy(&iip->dst_addr, flow_addr(f, FLOW_E_VIP), 4);
		iip->hdr_checksum = 0;
		iip->hdr_checksum = rte_ipv4_cksum(iip);
		if (!nat_ip4_ttl_dec(ip)) {
			worker_drop(w, WORKER_C_drop_ttl, m);
			return;
		}
		memcpy(&ip->src_addr, flow_addr(f, FLOW_E_VIP), 4);
		memcpy(&ip->dst_addr, flow_addr(f, FLOW_E_CLIENT), 4);
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		/* Errors are rare: a full sum is simpler than tracking every
		 * changed word of the quoted packet. */
		ic->icmp_cksum = 0;
		ic->icmp_cksum = (uint16_t)~rte_raw_cksum(ic, pm->l4_len);
	} else {
		struct rte_ipv6_hdr *ip = (void *)(d + pm->l3_off);
		uint8_t *ic = d + pm->l4_off;

		memcpy(in + 8, flow_addr(f, FLOW_E_CLIENT), 16);
		memcpy(in + 24, flow_addr(f, FLOW_E_VIP), 16);
		if (!nat_ip6_hop_dec(ip)) {
			worker_drop(w, WORKER_C_drop_ttl, m);
			return;
		}
		memcpy(ip->src_addr, flow_addr(f, FLOW_E_VIP), 16);
		memcpy(ip->dst_addr, flow_addr(f, FLOW_E_CLIENT), 16);
		if (pm->nb_ext != 0)
			goto bad; /* the pseudo-header sum below needs none */
		ic[2] = ic[3] = 0;
		{
			uint16_t s = rte_ipv6_udptcp_cksum(ip, ic);

			memcpy(ic + 2, &s, 2);
		}
	}
	memcpy(&eh->dst_addr, f->cli_mac, RTE_ETHER_ADDR_LEN);
	eh->src_addr = snap->port[f->cli_port].mac;
	WORKER_INC(w, icmp_errors_translated, 1);
	worker_tx(w, snap, f->cli_port, m);
	return;
bad:
	worker_drop(w, WORKER_C_drop_icmp_error, m);
}

static inline bool
worker_ip4_martian(uint32_t src)
{
	uint8_t first = (uint8_t)(rte_be_to_cpu_32(src) >> 24);

	return src == 0 || first >= 224;
}

/*
 * An IP packet for this port: to a VIP, to a weir address, or not ours.
 * 'fk' is the flow key and hash of TCP and UDP packets (the first pass
 * made them); it is NULL only for fragments after the first, which carry
 * no ports and are dropped before anything would read it.
 */
static inline void
worker_ip(struct worker *w, const struct svc_snap *snap,
	const struct svc_port *sp, struct rte_mbuf *m,
	const struct pkt_meta *pm, const struct worker_fk *fk)
{
	const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
	bool is_l4 = pm->l4_proto == IPPROTO_TCP || pm->l4_proto == IPPROTO_UDP;
	bool is_icmp = pm->l4_proto == IPPROTO_ICMP ||
		pm->l4_proto == IPPROTO_ICMPV6;
	const uint8_t *dst;
	uint8_t family;
	bool local, martian;

	if (pm->l3 == PKT_L3_IPV4) {
		const struct rte_ipv4_hdr *ip = (const void *)(d + pm->l3_off);

		dst = (const uint8_t *)&ip->dst_addr;
		family = AF_INET;
		martian = worker_ip4_martian(ip->src_addr);
	} else {
		const struct rte_ipv6_hdr *ip = (const void *)(d + pm->l3_off);

		dst = ip->dst_addr;
		family = AF_INET6;
		martian = ip->src_addr[0] == 0xff;
	}
	if (is_l4) {
		const struct svc *v = svc_find(snap, family, pm->l4_proto, dst,
			rte_be_to_cpu_16(pm->dport));

		if (v != NULL) {
			if (pm->flags & PKT_F_FRAG)
				worker_drop(w, WORKER_C_drop_frag, m);
			else if (martian)
				worker_drop(w, WORKER_C_drop_martian, m);
			else
				worker_lb_orig(w, snap, v, m, pm, fk);
			return;
		}
	}
	/* Not to a service: weir's own address (a reply to a local port)? */
	if (family == AF_INET) {
		uint32_t d4;

		memcpy(&d4, dst, 4);
		local = svc_port_has_ip4(sp, d4);
	} else {
		/* Link-scope multicast carries ND; ctl checks the group. */
		local = dst[0] == 0xff || svc_port_has_ip6(sp, dst);
	}
	if (!local) {
		/* Echo to a VIP is answered like echo to weir. */
		if (is_icmp && !(pm->flags & PKT_F_FRAG) &&
			svc_is_vip(snap, family, dst)) {
			worker_punt(w, m);
			return;
		}
		worker_drop(w, WORKER_C_drop_not_local, m);
		return;
	}
	if (martian) {
		worker_drop(w, WORKER_C_drop_martian, m);
	} else if (pm->flags & PKT_F_FRAG) {
		worker_drop(w, WORKER_C_drop_frag, m);
	} else if (is_l4) {
		worker_lb_reply(w, snap, m, pm, fk, false);
	} else if (is_icmp) {
		if (worker_icmp_is_error(pm) && dst[0] != 0xff)
			worker_icmp_error(w, snap, m, pm, false);
		else
			worker_punt(w, m);
	} else {
		worker_drop(w, WORKER_C_drop_local_proto, m);
	}
}

/* One parsed packet of 'sp''s port (pass 3 of worker_rx_port). */
static inline void
worker_packet(struct worker *w, const struct svc_snap *snap,
	const struct svc_port *sp, struct rte_mbuf *m,
	const struct pkt_meta *pm, const struct worker_fk *fk)
{
	const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);

	if (!(pm->flags & (PKT_F_L2_BCAST | PKT_F_L2_MCAST)) &&
		!rte_is_same_ether_addr(
			(const struct rte_ether_addr *)d, &sp->mac)) {
		worker_drop(w, WORKER_C_drop_other_host, m);
		return;
	}
	if (pm->flags & PKT_F_VLAN) {
		worker_drop(w, WORKER_C_drop_vlan, m);
		return;
	}
	if (pm->l3 == PKT_L3_ARP)
		worker_punt(w, m);
	else
		worker_ip(w, snap, sp, m, pm, fk);
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
	fk->h = flow_key_hash(w->ft, &fk->k);
	return true;
}

/*
 * HOW IT WORKS: a burst in three passes. A session lookup touches an index
 * bucket and a session that are, with tens of thousands of sessions, not
 * in cache; done packet by packet, every lookup waits for memory twice. So
 * the first pass parses every packet, hashes its key and asks for its
 * buckets; the second, by which time the buckets have arrived, asks for
 * the sessions their signatures point at; the third does the work with
 * both in cache. Packets keep their order.
 */
static inline unsigned int
worker_rx_port(struct worker *w, const struct svc_snap *snap,
	const struct port *p, unsigned int burst)
{
	struct rte_mbuf *pkts[WORKER_BURST_MAX];
	struct pkt_meta pm[WORKER_BURST_MAX];
	struct worker_fk fk[WORKER_BURST_MAX];
	bool hashed[WORKER_BURST_MAX];
	const struct svc_port *sp = &snap->port[p->id];
	unsigned int i, n;

	n = rte_eth_rx_burst(p->id, (uint16_t)w->idx, pkts, (uint16_t)burst);
	if (n == 0)
		return 0;
	WORKER_INC(w, rx_bursts, 1);
	WORKER_INC(w, rx_packets, n);
	for (i = 0; i < n; i++) {
		enum pkt_drop r;

		if (i + 1 < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void *));
		r = pkt_parse_mbuf(pkts[i], &pm[i]);
		if (unlikely(r != PKT_OK)) {
			weir_stat_add(&w->stats->drops[r], 1);
			rte_pktmbuf_free(pkts[i]);
			pkts[i] = NULL;
			continue;
		}
		hashed[i] = worker_hash(w, pkts[i], &pm[i], &fk[i]);
		if (hashed[i])
			flow_prefetch(w->ft, fk[i].h);
	}
	for (i = 0; i < n; i++)
		if (pkts[i] != NULL && hashed[i])
			flow_prefetch_match(
				w->ft, fk[i].h, pm[i].l3 == PKT_L3_IPV6);
	for (i = 0; i < n; i++)
		if (pkts[i] != NULL)
			worker_packet(w, snap, sp, pkts[i], &pm[i],
				hashed[i] ? &fk[i] : NULL);
	return n;
}

/* Replies other workers received for sessions this worker owns. */
static inline unsigned int
worker_redirected(
	struct worker *w, const struct svc_snap *snap, unsigned int burst)
{
	struct rte_mbuf *pkts[WORKER_BURST_MAX];
	unsigned int i, j, n, total = 0;

	for (j = 0; j < weir.nb_workers; j++) {
		if (w->redir_in[j] == NULL)
			continue;
		n = rte_ring_sc_dequeue_burst(
			w->redir_in[j], (void **)pkts, burst, NULL);
		total += n;
		for (i = 0; i < n; i++) {
			struct pkt_meta pm;

			if (pkt_parse_mbuf(pkts[i], &pm) != PKT_OK) {
				rte_pktmbuf_free(pkts[i]);
				continue;
			}
			WORKER_INC(w, redirect_in, 1);
			if (pm.l4_proto == IPPROTO_TCP ||
				pm.l4_proto == IPPROTO_UDP) {
				struct worker_fk fk;

				if (worker_hash(w, pkts[i], &pm, &fk))
					worker_lb_reply(w, snap, pkts[i], &pm,
						&fk, true);
				else
					worker_drop(w,
						WORKER_C_drop_no_session_reply,
						pkts[i]);
			} else
				worker_icmp_error(w, snap, pkts[i], &pm, true);
		}
	}
	return total;
}

/* Transmit what ctl queued for us; each mbuf's 'port' names its port. */
static inline unsigned int
worker_ctl_tx(struct worker *w, unsigned int burst)
{
	struct rte_mbuf *pkts[WORKER_BURST_MAX];
	unsigned int i, n;

	n = rte_ring_sc_dequeue_burst(w->ctl_tx, (void **)pkts, burst, NULL);
	for (i = 0; i < n; i++) {
		if (rte_eth_tx_burst(pkts[i]->port, (uint16_t)w->idx, &pkts[i],
			    1) == 1) {
			WORKER_INC(w, tx_packets, 1);
		} else {
			WORKER_INC(w, tx_drops, 1);
			rte_pktmbuf_free(pkts[i]);
		}
	}
	return n;
}

#define WORKER_DUMP_SLICE 4096 /* session slots scanned per loop iteration */

/* Serve a session dump request a slice at a time, so forwarding goes on. */
static inline void
worker_dump_step(struct worker *w)
{
	struct worker_dump *d = __atomic_load_n(&w->dump, __ATOMIC_ACQUIRE);
	uint32_t cap, end;

	if (d == NULL)
		return;
	cap = flow_capacity(w->ft);
	end = d->cursor + WORKER_DUMP_SLICE < cap ?
		d->cursor + WORKER_DUMP_SLICE :
		cap;
	for (; d->cursor < end; d->cursor++) {
		const struct flow *f = flow_at(w->ft, d->cursor);

		if (f == NULL || (d->svc != UINT16_MAX && f->svc != d->svc))
			continue;
		if (d->n < d->max)
			flow_info_get(w->ft, f, &d->out[d->n++]);
		d->total++;
	}
	if (d->cursor == cap) {
		w->dump = NULL;
		/* The copies are complete before ctl sees 'done'. */
		__atomic_store_n(&d->done, 1, __ATOMIC_RELEASE);
	}
}

int
worker_dump_sessions(unsigned int i, struct worker_dump *d)
{
	struct timespec ts = { .tv_nsec = 1000000 }; /* 1 ms */
	unsigned int waited;

	d->n = d->total = d->cursor = d->done = 0;
	__atomic_store_n(&workers[i]->dump, d, __ATOMIC_RELEASE);
	for (waited = 0; waited < 2000; waited++) {
		if (__atomic_load_n(&d->done, __ATOMIC_ACQUIRE))
			return 0;
		nanosleep(&ts, NULL);
	}
	/* Take the request back; a worker mid-slice finishes it first. */
	__atomic_store_n(&workers[i]->dump, NULL, __ATOMIC_RELEASE);
	rte_rcu_qsbr_synchronize(weir.qsbr, RTE_QSBR_THRID_INVALID);
	return -ETIMEDOUT;
}

/* First loop on a new snapshot: how long since it was asked for. */
static void
worker_snap_adopted(struct worker *w, const struct svc_snap *snap, uint64_t tsc)
{
	w->snap_gen = snap->gen;
	weir_stat_add(&w->stats->snapshots, 1);
	__atomic_store_n(&w->stats->snapshot_lag_ns,
		(tsc - snap->since_tsc) * w->ns_per_tsc_q16 >> 16,
		__ATOMIC_RELAXED);
}

static int
worker_main(void *arg)
{
	struct worker *w = arg;
	unsigned int burst = w->burst, i, work;

	rte_rcu_qsbr_thread_register(weir.qsbr, w->idx);
	rte_rcu_qsbr_thread_online(weir.qsbr, w->idx);
	while (!__atomic_load_n(&weir.stop, __ATOMIC_RELAXED)) {
		const struct svc_snap *snap = weir_rcu_get(&weir.snap);
		const struct flow_stats *fs = flow_table_stats(w->ft);
		uint64_t tsc = rte_rdtsc();
		unsigned int expired;

		if (unlikely(snap->gen != w->snap_gen))
			worker_snap_adopted(w, snap, tsc);
		w->now = (uint32_t)(tsc >> weir.tick_shift);
		work = 0;
		for (i = 0; i < weir.nb_ports; i++)
			work += worker_rx_port(w, snap, &weir.ports[i], burst);
		work += worker_redirected(w, snap, burst);
		work += worker_ctl_tx(w, burst);
		worker_tx_flush(w);
		worker_dump_step(w);
		expired = flow_expire(w->ft, w->now, WORKER_EXPIRE_BUDGET,
			worker_flow_gone, w);
		if (expired != 0)
			WORKER_INC(w, sessions_expired, expired);
		worker_gauge(w, WORKER_C_sessions, fs->nb_flows);
		worker_gauge(w, WORKER_C_sessions_half_open, fs->nb_half_open);
		if (work != 0)
			WORKER_INC(w, busy_loops, 1);
		WORKER_INC(w, loops, 1);
		rte_rcu_qsbr_quiescent(weir.qsbr, w->idx);
	}
	rte_rcu_qsbr_thread_offline(weir.qsbr, w->idx);
	rte_rcu_qsbr_thread_unregister(weir.qsbr, w->idx);
	return 0;
}

static int
worker_alloc(unsigned int i)
{
	const struct cfg_conf *c = weir.conf;
	unsigned int lc = c->workers[i], nb_w = c->nb_workers;
	int socket = (int)rte_lcore_to_socket_id(lc);
	char name[RTE_RING_NAMESIZE];
	struct worker *w;
	unsigned int fopts = c->mgmt.flow_log[0] != '\0' ? FLOW_TABLE_ACCT : 0;
	size_t fsize;
	void *mem;

	if (!rte_lcore_is_enabled(lc) || lc == rte_get_main_lcore()) {
		WEIR_LOG(ERR,
			"worker lcore %u is not an enabled worker lcore of "
			"this EAL (check 'lcores' and 'main_lcore')",
			lc);
		return -EINVAL;
	}
	w = rte_zmalloc_socket(
		"weir_worker", sizeof(*w), RTE_CACHE_LINE_SIZE, socket);
	if (w == NULL)
		return -ENOMEM;
	workers[i] = w;
	weir.nb_workers = i + 1;
	__atomic_store_n(&worker_nb_started, i + 1, __ATOMIC_RELAXED);
	w->idx = i;
	w->lcore = lc;
	w->stats = &worker_stats_all[i];
	w->svc_stats = lb_stats_worker_array(i, LB_STATS_SVC);
	w->be_stats = lb_stats_worker_array(i, LB_STATS_BE);
	w->rnd = rte_rand() | 1;
	w->burst = c->burst;
	w->flowlog = flowlog_ring(i);
	w->fl_sample = c->mgmt.flow_sample;
	w->us_per_tick_q16 = (1000000ull << 16) / weir.ticks_per_s;
	w->ns_per_tsc_q16 = (UINT64_C(1000000000) << 16) / rte_get_tsc_hz();
	w->fl_interval = (uint32_t)(c->mgmt.flow_interval_s * weir.ticks_per_s);
	w->half_open_max = (uint32_t)((uint64_t)c->sessions.max_per_worker *
		c->sessions.half_open_pct / 100);
	w->lport_lo = c->lport_lo;
	w->nb_lports = nat_port_count(c->lport_lo, c->lport_hi, nb_w, i);
	snprintf(name, sizeof(name), "weir_punt_%u", i);
	w->punt = rte_ring_create(
		name, c->punt_ring, socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
	snprintf(name, sizeof(name), "weir_ctltx_%u", i);
	w->ctl_tx = rte_ring_create(
		name, c->punt_ring, socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (w->punt == NULL || w->ctl_tx == NULL) {
		WEIR_LOG(
			ERR, "worker %u rings: %s", i, rte_strerror(rte_errno));
		return weir_err(rte_errno);
	}
	fsize = flow_table_size(c->sessions.max_per_worker, fopts);
	mem = rte_zmalloc_socket(
		"weir_flows", fsize, RTE_CACHE_LINE_SIZE, socket);
	if (mem == NULL) {
		WEIR_LOG(ERR,
			"worker %u: %zu bytes for %u sessions: out of "
			"memory (lower sessions.max_per_worker or add memory)",
			i, fsize, c->sessions.max_per_worker);
		return -ENOMEM;
	}
	w->ft = flow_table_init(mem, c->sessions.max_per_worker, fopts,
		(uint32_t)(rte_rdtsc() >> weir.tick_shift),
		(uint32_t)rte_rand());
	if (w->ft == NULL) {
		rte_free(mem);
		return -errno;
	}
	return 0;
}

static int
worker_init_all(void)
{
	const struct cfg_conf *c = weir.conf;
	unsigned int i, j;
	size_t fsize;
	int rc;

	nat_port_owner_fill(
		worker_lport_owner, c->lport_lo, c->lport_hi, c->nb_workers);
	for (i = 0; i < c->nb_workers; i++) {
		rc = worker_alloc(i);
		if (rc < 0)
			return rc;
	}
	/* One SP/SC ring per ordered pair: no two producers ever share. */
	for (i = 0; i < weir.nb_workers; i++)
		for (j = 0; j < weir.nb_workers; j++) {
			char name[RTE_RING_NAMESIZE];

			if (i == j)
				continue;
			snprintf(name, sizeof(name), "weir_rd_%u_%u",
				j % CFG_WORKERS_MAX, i % CFG_WORKERS_MAX);
			workers[i]->redir_in[j] = rte_ring_create(name,
				CFG_REDIR_RING,
				(int)rte_lcore_to_socket_id(workers[i]->lcore),
				RING_F_SP_ENQ | RING_F_SC_DEQ);
			if (workers[i]->redir_in[j] == NULL) {
				WEIR_LOG(ERR, "redirect ring %s: %s", name,
					rte_strerror(rte_errno));
				return weir_err(rte_errno);
			}
		}
	fsize = flow_table_size(c->sessions.max_per_worker,
		c->mgmt.flow_log[0] != '\0' ? FLOW_TABLE_ACCT : 0);
	WEIR_LOG(INFO,
		"%u workers, %u session slots each (%zu bytes, %zu per "
		"slot; an IPv6 session takes two), local ports %u-%u dealt "
		"round-robin",
		weir.nb_workers, c->sessions.max_per_worker, fsize,
		fsize / c->sessions.max_per_worker, c->lport_lo, c->lport_hi);
	return 0;
}

int
worker_launch_all(void)
{
	unsigned int i;
	int rc;

	for (i = 0; i < weir.nb_workers; i++) {
		rc = rte_eal_remote_launch(
			worker_main, workers[i], workers[i]->lcore);
		if (rc < 0) {
			WEIR_LOG(ERR, "launch worker %u on lcore %u: %s", i,
				workers[i]->lcore, rte_strerror(-rc));
			return weir_err(rc);
		}
		WEIR_LOG(INFO, "worker %u running on lcore %u", i,
			workers[i]->lcore);
	}
	return 0;
}

void
worker_stop_all(void)
{
	__atomic_store_n(&weir.stop, true, __ATOMIC_RELAXED);
	rte_eal_mp_wait_lcore();
	WEIR_LOG(INFO, "workers stopped");
}

static void
worker_ring_free(struct rte_ring *r)
{
	struct rte_mbuf *m;

	if (r == NULL)
		return;
	while (rte_ring_dequeue(r, (void **)&m) == 0)
		rte_pktmbuf_free(m);
	rte_ring_free(r);
}

static void
worker_fini_all(void)
{
	unsigned int i, j;

	for (i = 0; i < weir.nb_workers; i++) {
		struct worker *w = workers[i];

		worker_ring_free(w->punt);
		worker_ring_free(w->ctl_tx);
		for (j = 0; j < CFG_WORKERS_MAX; j++)
			worker_ring_free(w->redir_in[j]);
		for (j = 0; j < CFG_PORTS_MAX; j++)
			rte_pktmbuf_free_bulk(w->txq[j].pkts, w->txq[j].n);
		rte_free(w->ft);
		rte_free(w);
		workers[i] = NULL;
	}
	weir.nb_workers = 0;
}

const struct weir_module worker_module = {
	.name = "worker",
	.after = "rcu port lb flowlog",
	.init = worker_init_all,
	.fini = worker_fini_all,
};
