/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Load balancing's data-path stage: what a worker does with a packet to a
 * VIP (lb_orig), a reply to one of weir's local ports (lb_reply), an ICMP
 * error about a session (lb_icmp_error), the replies other workers hand
 * over (lb_redirected), and its share of each loop (lb_poll: session
 * dumps for ctl, a bounded step of expiry). worker.c calls these; they are
 * inline, so the whole path stays one function after inlining.
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
 * Context: worker. Nothing here locks, allocates from the heap, logs or
 * makes a system call: drops are counted by reason.
 */
#ifndef LB_DP_H
#define LB_DP_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <netinet/in.h>

#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_jhash.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_tcp.h>

#include "ewma_dp.h"
#include "flow_dp.h"
#include "flowlog_dp.h"
#include "lb_types.h"
#include "maglev_dp.h"
#include "nat_dp.h"
#include "nat_port_dp.h"
#include "pkt_dp.h"
#include "svc_dp.h"
#include "weir.h"
#include "weir_stats.h"
#include "worker_dp.h"

#define LB_LPORT_PROBES 32  /* local ports tried before giving up */
#define LB_P2C_DRAWS 4	    /* draws for a second, different candidate */
#define LB_RETRY_DRAWS 8    /* draws for a backend other than the failed */
#define LB_EXPIRE_BUDGET 64 /* sessions examined per loop iteration */
#define LB_DUMP_SLICE 4096  /* session slots scanned per loop iteration */

/* Owner worker of each local port; written by ctl before workers start. */
extern uint8_t lb_lport_owner[65536];

/*
 * Rewrite the packet to src:sport -> dst:dport (from keys), decrement the
 * TTL and set the Ethernet addresses for 'port_id'.
 * @return false (packet dropped) if the TTL ran out.
 */
static inline bool
lb_nat(struct worker *w, const struct svc_snap *snap, struct rte_mbuf *m,
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
	return true;
ttl:
	worker_drop(w, WORKER_C_drop_ttl, m);
	return false;
}

/* lb_nat(), then queue the packet on 'port_id'. */
static inline bool
lb_nat_tx(struct worker *w, const struct svc_snap *snap, struct rte_mbuf *m,
	const struct pkt_meta *pm, const uint8_t *src, uint16_t sport,
	const uint8_t *dst, uint16_t dport, uint16_t port_id,
	const uint8_t *mac)
{
	if (!lb_nat(w, snap, m, pm, src, sport, dst, dport, port_id, mac))
		return false;
	worker_tx(w, snap, port_id, m);
	return true;
}

/* Count one forwarded packet of 'bytes' (IP) on its service and backend. */
static inline void
lb_count(struct lb_stats *sv, struct lb_stats *be, enum flow_dir dir,
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

/* xorshift64: the draws of the 'random' and 'least-latency' balancers. */
static inline uint32_t
lb_rand(struct worker *w)
{
	w->lb.rnd ^= w->lb.rnd << 13;
	w->lb.rnd ^= w->lb.rnd >> 7;
	w->lb.rnd ^= w->lb.rnd << 17;
	return (uint32_t)w->lb.rnd;
}

/*
 * This worker's latency state of backend 'be' of 'v'. The first time the
 * worker meets the backend (or its id now names another one), it starts
 * from the service's initial estimate and no load.
 */
static inline struct lb_lat *
lb_lat_of(struct worker *w, const struct svc *v, const struct svc_backend *be)
{
	struct lb_lat *l = &w->lb.lat[be->id];

	if (unlikely(l->epoch != be->epoch)) {
		l->est_ns = v->lat_init_ns;
		l->at = w->now;
		l->load = 0;
		l->epoch = be->epoch;
	}
	return l;
}

/* Flow 'f' no longer counts in its backend's load (closed or gone). */
static inline void
lb_unload(struct worker *w, const struct flow *f)
{
	struct lb_lat *l = &w->lb.lat[f->be];

	if (!(f->flags & FLOW_F_OPEN))
		return;
	/* A flow of an id since given to another backend may find 0. */
	if (l->load != 0)
		l->load--;
	if (f->svc < CFG_SVC_MAX && w->lb.svc_load[f->svc] != 0)
		w->lb.svc_load[f->svc]--;
}

/*
 * A latency sample of 'f''s backend: 'fine' (fine clock) is when the
 * timed wait began, 'ticks' how long ago that was on the coarse clock.
 * The fine clock is read when it has not wrapped since, the coarse one
 * otherwise.
 */
static inline void
lb_lat_sample(struct worker *w, const struct svc *v, const struct flow *f,
	uint16_t fine, uint32_t ticks)
{
	uint64_t ns;

	if (ticks < (UINT32_C(1) << (16 - WORKER_FINE_SHIFT - 1)))
		ns = ((uint64_t)(uint16_t)(w->now_fine - fine) *
			     w->lb.ns_per_fine_q16) >>
			16;
	else
		ns = ((uint64_t)ticks * w->lb.ns_per_fine_q16
			     << WORKER_FINE_SHIFT) >>
			16;
	ewma_sample(&w->lb.lat[f->be].est_ns, &w->lb.lat[f->be].at, &v->lat_tau,
		ns < UINT32_MAX ? (uint32_t)ns : UINT32_MAX, w->now);
}

/*
 * @return true if 'f' is a connect weir forwarded that its backend has not
 * answered yet: a client's SYN sent on, no SYN-ACK back. Its outcome
 * (SYN-ACK, RST, ICMP unreachable, nothing) is what passive health
 * checking counts per backend.
 */
static inline bool
lb_connect_pending(const struct flow *f)
{
	return f->state == FLOW_S_SYN_SENT &&
		!(f->flags & (FLOW_F_HANDSHAKE | FLOW_F_MIDFLOW));
}

/* flow_expire callback: the session's record, and its gauges go down. */
static inline void
lb_flow_gone(void *arg, const struct flow *f)
{
	struct worker *w = arg;

	if (lb_connect_pending(f))
		weir_stat_add(&w->lb.be_stats[f->be].connect_timeouts, 1);
	lb_unload(w, f);
	weir_stat_add(&w->lb.svc_stats[f->svc].sessions, (uint64_t)-1);
	weir_stat_add(&w->lb.be_stats[f->be].sessions, (uint64_t)-1);
	flowlog_record(w, f, true);
}

/*
 * Count a timed handshake of 'ticks': mean and histogram, service and
 * backend. Backend latency as weir sees it: SYN out to SYN-ACK in, in
 * fixed point to avoid a division.
 */
static inline void
lb_handshake(struct worker *w, const struct flow *f, uint32_t ticks)
{
	uint64_t us = ((uint64_t)ticks * w->lb.us_per_tick_q16) >> 16;
	unsigned int k = 0;

	while (us > lb_stats_hist_bounds_us[k])
		k++; /* the last bound is UINT64_MAX: always stops */
	weir_stat_add(&w->lb.be_stats[f->be].handshakes, 1);
	weir_stat_add(&w->lb.be_stats[f->be].handshake_us, us);
	weir_stat_add(&w->lb.be_stats[f->be].hs_hist[k], 1);
	weir_stat_add(&w->lb.svc_stats[f->svc].handshakes, 1);
	weir_stat_add(&w->lb.svc_stats[f->svc].handshake_us, us);
	weir_stat_add(&w->lb.svc_stats[f->svc].hs_hist[k], 1);
}

/* @return the bytes of payload of a TCP or UDP packet. */
static inline uint32_t
lb_payload(const struct rte_mbuf *m, const struct pkt_meta *pm)
{
	const struct rte_tcp_hdr *th;

	if (pm->l4_proto != IPPROTO_TCP)
		return (uint32_t)pm->l4_len - 8;
	th = rte_pktmbuf_mtod_offset(m, const struct rte_tcp_hdr *, pm->l4_off);
	return pm->l4_len - (uint32_t)(th->data_off >> 4) * 4;
}

/*
 * Response times, on least-latency services (the balancer that uses
 * them; elsewhere the per-packet cost buys nothing but a display). The
 * client's first payload after the backend last spoke starts a turn, the
 * backend's first payload after that ends it: a sample.
 */
static inline void
lb_turn(struct worker *w, const struct svc *v, struct flow *f,
	enum flow_dir dir, uint32_t payload)
{
	if (payload == 0)
		return;
	if (dir == FLOW_DIR_ORIG && !(f->flags & FLOW_F_TURN)) {
		f->flags |= FLOW_F_TURN;
		f->turn_at = w->now_fine;
	} else if (dir == FLOW_DIR_REPLY && (f->flags & FLOW_F_TURN)) {
		f->flags &= (uint8_t)~FLOW_F_TURN;
		/* A turn longer than the fine clock's wrap reads short;
		 * docs/load-balancing.md says so. */
		lb_lat_sample(w, v, f, f->turn_at, 0);
	}
}

/*
 * Latency and flow records. The first SYN-ACK of a session weir saw open
 * times its handshake, for the latency counters and the backend's
 * estimate; on a least-latency service each turn is timed too (lb_turn;
 * 'v' NULL: the service is gone, no sample). With flow records on, also
 * count packets, bytes and the first response time of the session.
 */
static inline void
lb_account(struct worker *w, const struct svc *v, struct flow *f,
	enum flow_dir dir, const struct rte_mbuf *m, const struct pkt_meta *pm,
	uint8_t tcp_flags)
{
	struct flow_acct *a;
	uint32_t payload, hs = 0;

	if (dir == FLOW_DIR_REPLY &&
		(tcp_flags & (RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG)) ==
			(RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG) &&
		!(f->flags & (FLOW_F_HANDSHAKE | FLOW_F_MIDFLOW))) {
		/* Answered: a retry, if it was one, succeeded. */
		f->flags = (uint8_t)((f->flags | FLOW_F_HANDSHAKE) &
			~FLOW_F_RETRY);
		/* A zero means "not measured": round up to one tick. */
		hs = (w->now - f->start) | 1;
		lb_handshake(w, f, hs);
		if (v != NULL)
			lb_lat_sample(w, v, f, f->turn_at, w->now - f->start);
	}
	if (v != NULL && v->balancer == CFG_LB_LEAST_LATENCY)
		lb_turn(w, v, f, dir, lb_payload(m, pm));
	if (w->fl.ring == NULL)
		return;
	payload = lb_payload(m, pm);
	a = flow_acct(w->lb.ft, f);
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
	if (w->now - (a->reported ? a->reported : f->start) > w->fl.interval) {
		a->reported = w->now;
		flowlog_record(w, f, false);
	}
}

/*
 * Least-latency: power of two choices. Two draws from the Maglev table
 * (so by weight, and only among backends that take new flows), and the
 * one with the lower cost = estimate x (load + 1) / weight wins, the
 * estimate as read now (ewma_read(): an unsampled one decays).
 */
static inline int
lb_pick_least_latency(struct worker *w, const struct svc *v)
{
	unsigned int a, b, i;
	const struct lb_lat *la, *lb;

	a = maglev_lookup(v->table, v->table_size, lb_rand(w));
	b = a;
	/* A backend that owns most of the table is often drawn twice. */
	for (i = 0; i < LB_P2C_DRAWS && b == a; i++)
		b = maglev_lookup(v->table, v->table_size, lb_rand(w));
	if (b == a)
		return (int)a;
	la = lb_lat_of(w, v, &v->be[a]);
	lb = lb_lat_of(w, v, &v->be[b]);
	return ewma_cheaper(ewma_read(lb->est_ns, lb->at, &v->lat_tau, w->now),
		       lb->load, v->be[b].weight,
		       ewma_read(la->est_ns, la->at, &v->lat_tau, w->now),
		       la->load, v->be[a].weight) ?
		(int)b :
		(int)a;
}

/* Pick a backend of 'v' for flow 'k'. @return its index or -1. */
static inline int
lb_pick(struct worker *w, const struct svc_snap *snap, const struct svc *v,
	const struct flow_key *k)
{
	uint32_t seed = (uint32_t)(snap->seed ^ (snap->seed >> 32)), h, slot;

	if (v->table == NULL)
		return -1;
	switch (v->balancer) {
	case CFG_LB_ROUND_ROBIN:
		/* Walking the Maglev table in order interleaves backends in
		 * proportion to their weights. */
		slot = w->lb.rr[v - snap->svc]++;
		if (slot >= v->table_size) {
			slot = 0;
			w->lb.rr[v - snap->svc] = 1;
		}
		return v->table[slot];
	case CFG_LB_RANDOM:
		return maglev_lookup(v->table, v->table_size, lb_rand(w));
	case CFG_LB_LEAST_LATENCY:
		return lb_pick_least_latency(w, v);
	default:
		h = v->hash == CFG_HASH_SOURCE ?
			rte_jhash(k->src, k->family == AF_INET ? 4 : 16, seed) :
			rte_jhash(k, sizeof(*k), seed);
		return maglev_lookup(v->table, v->table_size, h);
	}
}

_Static_assert(RTE_MAX_ETHPORTS <= 256, "flow.cli_port holds a port id");

/*
 * Circuit breaking (max_flows, max_backend_flows; each worker holds its
 * share): @return backend index 'idx' if it and the service are under
 * their limits, another backend of the table under its own when 'idx' is
 * at its limit, or -1 (counted) when the service is at its limit or no
 * draw found a backend under it.
 */
static inline int
lb_limits(struct worker *w, const struct svc *v, int idx)
{
	unsigned int i;
	int j;

	if (v->max_flows != 0 && w->lb.svc_load[v->id] >= v->max_flows)
		goto refuse;
	if (v->max_be_flows == 0 ||
		lb_lat_of(w, v, &v->be[idx])->load < v->max_be_flows)
		return idx;
	for (i = 0; i < LB_RETRY_DRAWS; i++) {
		j = (int)maglev_lookup(v->table, v->table_size, lb_rand(w));
		if (lb_lat_of(w, v, &v->be[j])->load < v->max_be_flows) {
			weir_stat_add(
				&w->lb.be_stats[v->be[idx].id].flows_diverted,
				1);
			return j;
		}
	}
refuse:
	weir_stat_add(&w->lb.svc_stats[v->id].flows_refused, 1);
	WORKER_INC(w, drop_flow_limit, 1);
	return -1;
}

/*
 * Answer a client's SYN 'm' to a VIP with an RST from the VIP: a refusal
 * the client sees at once, as from a server with nothing listening. The
 * RST acknowledges the SYN (and any data in it), so the client's stack
 * takes it. The packet is rewritten in place and sent back where it came
 * from; an IPv6 packet with extension headers is dropped instead.
 */
static inline void
lb_reset(struct worker *w, const struct svc_snap *snap, struct rte_mbuf *m,
	const struct pkt_meta *pm)
{
	uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)d;
	struct rte_tcp_hdr *th = (void *)(d + pm->l4_off);
	uint32_t hlen = (uint32_t)(th->data_off >> 4) * 4, ack;
	uint16_t port = th->src_port;

	if (pm->l3 != PKT_L3_IPV4 && pm->nb_ext != 0) {
		rte_pktmbuf_free(m);
		return;
	}
	/* The SYN takes one sequence number, its data the rest. */
	ack = rte_be_to_cpu_32(th->sent_seq) + 1 + (pm->l4_len - hlen);
	th->src_port = th->dst_port;
	th->dst_port = port;
	th->sent_seq = 0;
	th->recv_ack = rte_cpu_to_be_32(ack);
	th->data_off = 5 << 4;
	th->tcp_flags = RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG;
	th->rx_win = 0;
	th->tcp_urp = 0;
	th->cksum = 0;
	if (pm->l3 == PKT_L3_IPV4) {
		struct rte_ipv4_hdr *ip = (void *)(d + pm->l3_off);
		uint32_t a = ip->src_addr;

		ip->src_addr = ip->dst_addr;
		ip->dst_addr = a;
		ip->total_length = rte_cpu_to_be_16(
			(uint16_t)(pm->l4_off - pm->l3_off + 20));
		ip->time_to_live = 64;
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		th->cksum = rte_ipv4_udptcp_cksum(ip, th);
	} else {
		struct rte_ipv6_hdr *ip = (void *)(d + pm->l3_off);
		uint8_t a[16];

		memcpy(a, ip->src_addr, 16);
		memcpy(ip->src_addr, ip->dst_addr, 16);
		memcpy(ip->dst_addr, a, 16);
		ip->payload_len = rte_cpu_to_be_16(20);
		ip->hop_limits = 64;
		th->cksum = rte_ipv6_udptcp_cksum(ip, th);
	}
	rte_pktmbuf_trim(
		m, (uint16_t)(rte_pktmbuf_pkt_len(m) - pm->l4_off - 20));
	eh->dst_addr = eh->src_addr;
	eh->src_addr = snap->port[m->port].mac;
	WORKER_INC(w, lb_resets_sent, 1);
	worker_tx(w, snap, m->port, m);
}

/*
 * Create the session for client flow 'k' to service 'v', towards backend
 * index 'idx' or, if it is -1, the balancer's pick; or count why not, and
 * set '*reset' when the client should be answered with an RST.
 */
static __rte_always_inline struct flow *
lb_flow_new(struct worker *w, const struct svc_snap *snap, const struct svc *v,
	const struct rte_mbuf *m, const struct flow_key *k, uint8_t tcp_flags,
	int idx, bool *reset)
{
	uint32_t seed = (uint32_t)(snap->seed ^ (snap->seed >> 32));
	const struct svc_backend *be;
	struct flow_key rev;
	uint32_t h, j, i;
	bool midflow = false;
	struct flow *f;

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
	if (idx < 0)
		idx = lb_pick(w, snap, v, k);
	if (idx < 0) {
		WORKER_INC(w, drop_no_backend, 1);
		return NULL;
	}
	if (unlikely(v->max_flows | v->max_be_flows) && !midflow) {
		idx = lb_limits(w, v, idx);
		if (idx < 0) {
			*reset = k->proto == IPPROTO_TCP;
			return NULL;
		}
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
		flow_table_stats(w->lb.ft)->nb_half_open >=
			w->lb.half_open_max) {
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
	j = worker_range(rte_jhash_1word(h, seed), w->lb.nb_lports);
	for (i = 0; i < LB_LPORT_PROBES; i++) {
		rev.dport = rte_cpu_to_be_16(nat_port_nth(
			w->lb.lport_lo, weir.nb_workers, w->idx, j));
		if (!flow_key_in_use(
			    w->lb.ft, &rev, flow_key_hash(w->lb.ft, &rev)))
			break;
		if (++j == w->lb.nb_lports)
			j = 0;
	}
	if (i == LB_LPORT_PROBES) {
		WORKER_INC(w, drop_no_local_port, 1);
		return NULL;
	}
	f = flow_insert(w->lb.ft, k, &rev, w->now,
		v->timeouts.t[k->proto == IPPROTO_TCP ? FLOW_S_SYN_SENT :
							FLOW_S_UDP]);
	if (f == NULL) {
		WORKER_INC(w, drop_session_full, 1);
		return NULL;
	}
	f->svc = v->id;
	f->be = be->id;
	f->flags |= FLOW_F_OPEN;
	f->turn_at = w->now_fine;
	lb_lat_of(w, v, be)->load++;
	w->lb.svc_load[v->id]++;
	weir_stat_add(&w->lb.svc_stats[f->svc].new_flows, 1);
	weir_stat_add(&w->lb.svc_stats[f->svc].sessions, 1);
	weir_stat_add(&w->lb.be_stats[f->be].new_flows, 1);
	weir_stat_add(&w->lb.be_stats[f->be].sessions, 1);
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

static inline void
lb_mss(const struct svc *v, struct rte_mbuf *m, const struct pkt_meta *pm,
	uint8_t tcp_flags)
{
	struct rte_tcp_hdr *th;

	if (v == NULL || v->mss == 0 || !(tcp_flags & RTE_TCP_SYN_FLAG))
		return;
	th = rte_pktmbuf_mtod_offset(m, struct rte_tcp_hdr *, pm->l4_off);
	nat_tcp_mss_clamp(th, (uint32_t)(th->data_off >> 4) * 4, v->mss);
}

/* @return true if state 's' ends a connection (its backend's load). */
static inline bool
lb_closes(enum flow_state s)
{
	return s == FLOW_S_TIME_WAIT || s == FLOW_S_CLOSE;
}

static inline void
lb_close(struct worker *w, struct flow *f)
{
	lb_unload(w, f);
	f->flags &= (uint8_t) ~(FLOW_F_OPEN | FLOW_F_TURN);
}

/*
 * @return true if a client's packet with 'tcp_flags' starts its
 * connection again on session 'f': a SYN on a closed session (RST seen,
 * or both FINs and TIME-WAIT; a reused client port), or the SYN again on
 * a connect its backend has not answered for the service's
 * connect_timeout (the client retransmits it), which weir retries.
 */
static inline bool
lb_syn_again(const struct worker *w, const struct svc *v, const struct flow *f,
	uint8_t tcp_flags)
{
	/* The flags first: nearly every packet fails on them. UDP packets
	 * have none. */
	if ((tcp_flags &
		    (RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG | RTE_TCP_RST_FLAG)) !=
		RTE_TCP_SYN_FLAG)
		return false;
	if (f->state == FLOW_S_TIME_WAIT || f->state == FLOW_S_CLOSE)
		return true;
	return v->retry && lb_connect_pending(f) &&
		!(f->flags & FLOW_F_RETRY) &&
		w->now - f->start >= v->connect_timeout;
}

/*
 * Connect retry: a backend other than backend id 'failed' for a connect
 * of 'v', drawn at random from the weighted table (so only among
 * backends that take new flows); 'failed' itself when nothing else is
 * drawn (it is the only one). @return its index, or -1 (no table).
 */
static inline int
lb_pick_other(struct worker *w, const struct svc *v, uint16_t failed)
{
	unsigned int i;
	int idx = -1;

	if (v->table == NULL)
		return -1;
	for (i = 0; i < LB_RETRY_DRAWS; i++) {
		idx = (int)maglev_lookup(v->table, v->table_size, lb_rand(w));
		if (v->be[idx].id != failed)
			break;
	}
	return idx;
}

/*
 * The client's SYN again on session 'f' (lb_syn_again): a new connection,
 * balanced afresh like any other, so it never reaches a backend that was
 * removed, drained, put in maintenance, set to weight 0 or ejected since.
 * If the pick is the session's own backend, the session carries over
 * with its local port, as IPVS's conn_reuse_mode does: the backend's
 * TIME-WAIT accepts a SYN that reuses it. Otherwise the old session ends
 * here (its record, its gauges) and a new one is made.
 *
 * Connect retry: when the session's connect failed and weir kept the
 * failure from the client (FLOW_F_RETRY on a closed session, see
 * lb_connect_held()), or its backend has not answered (still pending),
 * the new connection goes to another backend and is marked FLOW_F_RETRY
 * itself: it is the one retry, and its failure reaches the client.
 * @return the session for the SYN, or NULL (counted; the old session
 * stays if no backend could be picked).
 */
static inline struct flow *
lb_flow_reopen(struct worker *w, const struct svc_snap *snap,
	const struct svc *v, const struct rte_mbuf *m, const struct flow_key *k,
	struct flow *f, uint8_t tcp_flags, bool *reset)
{
	bool retry = (f->flags & FLOW_F_RETRY) || lb_connect_pending(f);
	const struct svc_backend *be;
	struct flow_acct *a;
	struct flow *nf;
	int idx;

	idx = retry ? lb_pick_other(w, v, f->be) : lb_pick(w, snap, v, k);
	if (idx < 0) {
		WORKER_INC(w, drop_no_backend, 1);
		return NULL;
	}
	be = &v->be[idx];
	if (f->svc == v->id && f->be == be->id &&
		f->port[FLOW_E_BACKEND] == be->port &&
		memcmp(flow_addr(f, FLOW_E_BACKEND), be->addr,
			f->family == AF_INET ? 4 : 16) == 0) {
		if (lb_connect_pending(f)) {
			/* No other backend: the SYN goes on, as the one
			 * retry. */
			f->flags |= FLOW_F_RETRY;
			return f;
		}
		a = flow_acct(w->lb.ft, f);
		flowlog_record(w, f, true);
		if (a != NULL)
			memset(a, 0, sizeof(*a));
		f->start = w->now;
		f->turn_at = w->now_fine;
		f->flags &= (uint8_t) ~(
			FLOW_F_HANDSHAKE | FLOW_F_MIDFLOW | FLOW_F_TURN);
		f->flags |= FLOW_F_OPEN;
		lb_lat_of(w, v, be)->load++;
		w->lb.svc_load[v->id]++;
		weir_stat_add(&w->lb.svc_stats[f->svc].new_flows, 1);
		weir_stat_add(&w->lb.be_stats[f->be].new_flows, 1);
		WORKER_INC(w, lb_reopened, 1);
		return f;
	}
	if (retry) {
		weir_stat_add(&w->lb.svc_stats[f->svc].connects_retried, 1);
		weir_stat_add(&w->lb.be_stats[f->be].connects_retried, 1);
	} else {
		WORKER_INC(w, lb_rebalanced, 1);
	}
	/* A pending connect's end counts as its timeout here. */
	lb_flow_gone(w, f);
	flow_remove(w->lb.ft, f);
	nf = lb_flow_new(w, snap, v, m, k, tcp_flags, idx, reset);
	if (nf != NULL && retry)
		nf->flags |= FLOW_F_RETRY;
	return nf;
}

/*
 * Fault injection on a new flow's first packet 'm' (a TCP SYN, any UDP
 * packet), before a session exists: a draw against the service's shares
 * resets it (RST to the client), drops it, or marks it to be held
 * ('*hold'). @return true if 'm' was consumed.
 */
static inline bool
lb_fault(struct worker *w, const struct svc_snap *snap, const struct svc *v,
	struct rte_mbuf *m, const struct pkt_meta *pm, uint8_t tcp_flags,
	bool *hold)
{
	uint32_t r;

	if (pm->l4_proto == IPPROTO_TCP &&
		(tcp_flags &
			(RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG |
				RTE_TCP_RST_FLAG)) != RTE_TCP_SYN_FLAG)
		return false;
	r = lb_rand(w);
	if (r < v->fault_reset) {
		weir_stat_add(&w->lb.svc_stats[v->id].faults_reset, 1);
		lb_reset(w, snap, m, pm);
		return true;
	}
	if (r < v->fault_drop) {
		weir_stat_add(&w->lb.svc_stats[v->id].faults_dropped, 1);
		rte_pktmbuf_free(m);
		return true;
	}
	if (r < v->fault_delay) {
		weir_stat_add(&w->lb.svc_stats[v->id].faults_delayed, 1);
		*hold = true;
	}
	return false;
}

/* Hold 'm', ready for 'port', for the service's delay (lb_fault()). */
static inline void
lb_fault_hold(struct worker *w, const struct svc_snap *snap,
	const struct svc *v, uint16_t port, struct rte_mbuf *m)
{
	struct lb_held *h;

	if (w->lb.held_tail - w->lb.held_head == LB_HOLD_MAX) {
		WORKER_INC(w, lb_fault_hold_full, 1);
		worker_tx(w, snap, port, m);
		return;
	}
	h = &w->lb.held[w->lb.held_tail++ & (LB_HOLD_MAX - 1)];
	h->m = m;
	h->port = port;
	h->due = w->now + v->fault_delay_ticks;
}

/* Send the held packets that are due, in order. */
static inline void
lb_fault_release(struct worker *w, const struct svc_snap *snap)
{
	while (w->lb.held_head != w->lb.held_tail) {
		struct lb_held
			*h = &w->lb.held[w->lb.held_head & (LB_HOLD_MAX - 1)];

		if ((int32_t)(w->now - h->due) < 0)
			return;
		worker_tx(w, snap, h->port, h->m);
		w->lb.held_head++;
	}
}

/* Client -> VIP; 'fk' is the packet's flow key and its hash. */
static inline void
lb_orig(struct worker *w, const struct svc_snap *snap, const struct svc *v,
	struct rte_mbuf *m, const struct pkt_meta *pm,
	const struct worker_fk *fk)
{
	uint8_t tcp_flags = worker_tcp_flags(m, pm);
	const struct flow_key *k;
	bool reset = false, hold = false;
	uint32_t h;
	enum flow_dir dir;
	struct flow *f;

	RTE_ASSERT(fk != NULL); /* only later fragments have none */
	k = &fk->k;
	h = fk->h;
	f = flow_lookup(w->lb.ft, k, h, &dir);
	if (f == NULL) {
		if (unlikely(v->fault_delay != 0) &&
			lb_fault(w, snap, v, m, pm, tcp_flags, &hold))
			return;
		f = lb_flow_new(w, snap, v, m, k, tcp_flags, -1, &reset);
	} else if (unlikely(lb_syn_again(w, v, f, tcp_flags)))
		f = lb_flow_reopen(w, snap, v, m, k, f, tcp_flags, &reset);
	if (f == NULL) {
		if (unlikely(reset))
			lb_reset(w, snap, m, pm);
		else
			rte_pktmbuf_free(m);
		return;
	}
	if (unlikely(lb_closes(flow_update(w->lb.ft, f, FLOW_DIR_ORIG,
		    tcp_flags, w->now, &v->timeouts))))
		lb_close(w, f);
	lb_account(w, v, f, FLOW_DIR_ORIG, m, pm, tcp_flags);
	lb_mss(v, m, pm, tcp_flags);
	if (lb_nat(w, snap, m, pm, flow_addr(f, FLOW_E_LOCAL),
		    f->port[FLOW_E_LOCAL], flow_addr(f, FLOW_E_BACKEND),
		    f->port[FLOW_E_BACKEND], f->be_port, f->be_mac)) {
		if (unlikely(hold))
			lb_fault_hold(w, snap, v, f->be_port, m);
		else
			worker_tx(w, snap, f->be_port, m);
		WORKER_INC(w, lb_to_backend, 1);
		lb_count(&w->lb.svc_stats[f->svc], &w->lb.be_stats[f->be],
			FLOW_DIR_ORIG, pm->l3_len);
	}
}

/* Timeouts for a flow whose service may have changed or gone since. */
static inline const struct flow_timeouts *
lb_timeouts(const struct svc_snap *snap, const struct flow *f,
	const struct svc **vp)
{
	static const struct flow_timeouts none;
	const struct svc *v = svc_of_session(snap, f->svc, f->family, f->proto,
		flow_addr(f, FLOW_E_VIP),
		rte_be_to_cpu_16(f->port[FLOW_E_VIP]));

	*vp = v;
	return v != NULL ? &v->timeouts : &none;
}

/*
 * A connect of 'f' failed at its backend (RST, ICMP unreachable): if its
 * service retries connects and this is not already the retry, close the
 * session as the failure would, but keep the failure from the client
 * (the caller drops it) and mark the session, so that the client's SYN
 * retransmission goes to another backend (lb_flow_reopen()).
 * @return true if the failure is held (dropped by the caller).
 */
static inline bool
lb_connect_held(struct worker *w, const struct svc *v, struct flow *f,
	const struct flow_timeouts *to)
{
	if (v == NULL || !v->retry || (f->flags & FLOW_F_RETRY))
		return false;
	flow_update(w->lb.ft, f, FLOW_DIR_REPLY, RTE_TCP_RST_FLAG, w->now, to);
	lb_close(w, f);
	f->flags |= FLOW_F_RETRY;
	WORKER_INC(w, lb_connect_held, 1);
	return true;
}

/* @return true if 'm' was handed to the worker owning local port 'port'. */
static inline bool
lb_redirect(
	struct worker *w, struct rte_mbuf *m, uint16_t port, bool redirected)
{
	uint8_t owner = lb_lport_owner[rte_be_to_cpu_16(port)];

	if (owner == w->idx || owner == NAT_PORT_NONE || redirected)
		return false;
	if (rte_ring_sp_enqueue(workers[owner]->lb.redir_in[w->idx], m) == 0) {
		WORKER_INC(w, redirect_out, 1);
	} else {
		WORKER_INC(w, redirect_drops, 1);
		rte_pktmbuf_free(m);
	}
	return true;
}

/* Backend -> local address; 'fk' is the packet's flow key and its hash. */
static inline void
lb_reply(struct worker *w, const struct svc_snap *snap, struct rte_mbuf *m,
	const struct pkt_meta *pm, const struct worker_fk *fk, bool redirected)
{
	uint8_t tcp_flags = worker_tcp_flags(m, pm);
	const struct flow_timeouts *to;
	const struct svc *v;
	enum flow_dir dir;
	struct flow *f;

	if (lb_redirect(w, m, pm->dport, redirected))
		return;
	RTE_ASSERT(fk != NULL); /* only later fragments have none */
	f = flow_lookup(w->lb.ft, &fk->k, fk->h, &dir);
	if (f == NULL || dir != FLOW_DIR_REPLY) {
		worker_drop(w, WORKER_C_drop_no_session_reply, m);
		return;
	}
	to = lb_timeouts(snap, f, &v);
	if (unlikely(tcp_flags & RTE_TCP_RST_FLAG) && lb_connect_pending(f)) {
		weir_stat_add(&w->lb.be_stats[f->be].connect_refused, 1);
		if (lb_connect_held(w, v, f, to)) {
			rte_pktmbuf_free(m);
			return;
		}
	}
	/* A flow whose service is gone keeps its current deadline. */
	if (v != NULL &&
		unlikely(lb_closes(flow_update(
			w->lb.ft, f, FLOW_DIR_REPLY, tcp_flags, w->now, to))))
		lb_close(w, f);
	lb_account(w, v, f, FLOW_DIR_REPLY, m, pm, tcp_flags);
	lb_mss(v, m, pm, tcp_flags);
	if (lb_nat_tx(w, snap, m, pm, flow_addr(f, FLOW_E_VIP),
		    f->port[FLOW_E_VIP], flow_addr(f, FLOW_E_CLIENT),
		    f->port[FLOW_E_CLIENT], f->cli_port, f->cli_mac)) {
		WORKER_INC(w, lb_to_client, 1);
		lb_count(&w->lb.svc_stats[f->svc], &w->lb.be_stats[f->be],
			FLOW_DIR_REPLY, pm->l3_len);
	}
}

static inline bool
lb_icmp_is_error(const struct pkt_meta *pm)
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
lb_icmp_error(struct worker *w, const struct svc_snap *snap, struct rte_mbuf *m,
	const struct pkt_meta *pm, bool redirected)
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
	if (lb_redirect(w, m, k.dport, redirected))
		return;
	f = flow_lookup(w->lb.ft, &k, flow_key_hash(w->lb.ft, &k), &dir);
	if (f == NULL || dir != FLOW_DIR_REPLY)
		goto bad;
	/* Destination unreachable (ICMP type 3, ICMPv6 type 1) about a SYN:
	 * the backend cannot be reached, a failed connect. */
	if (lb_connect_pending(f) &&
		pm->icmp_type == (pm->l3 == PKT_L3_IPV4 ? 3 : 1)) {
		const struct svc *v;
		const struct flow_timeouts *to = lb_timeouts(snap, f, &v);

		weir_stat_add(&w->lb.be_stats[f->be].connect_unreachable, 1);
		if (lb_connect_held(w, v, f, to)) {
			rte_pktmbuf_free(m);
			return;
		}
	}
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

/* Replies other workers received for sessions this worker owns. */
static inline unsigned int
lb_redirected(struct worker *w, const struct svc_snap *snap, unsigned int burst)
{
	struct rte_mbuf *pkts[WORKER_BURST_MAX];
	unsigned int i, j, n, total = 0;

	for (j = 0; j < weir.nb_workers; j++) {
		if (w->lb.redir_in[j] == NULL)
			continue;
		n = rte_ring_sc_dequeue_burst(
			w->lb.redir_in[j], (void **)pkts, burst, NULL);
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
					lb_reply(w, snap, pkts[i], &pm, &fk,
						true);
				else
					worker_drop(w,
						WORKER_C_drop_no_session_reply,
						pkts[i]);
			} else
				lb_icmp_error(w, snap, pkts[i], &pm, true);
		}
	}
	return total;
}

/* Serve a session dump request a slice at a time, so forwarding goes on. */
static inline void
lb_dump_step(struct worker *w)
{
	struct lb_dump *d = __atomic_load_n(&w->lb.dump, __ATOMIC_ACQUIRE);
	uint32_t cap, end;

	if (d == NULL)
		return;
	cap = flow_capacity(w->lb.ft);
	end = cap;
	if (d->cursor + LB_DUMP_SLICE < cap)
		end = d->cursor + LB_DUMP_SLICE;
	for (; d->cursor < end; d->cursor++) {
		const struct flow *f = flow_at(w->lb.ft, d->cursor);

		if (f == NULL || (d->svc != UINT16_MAX && f->svc != d->svc))
			continue;
		if (d->n < d->max)
			flow_info_get(w->lb.ft, f, &d->out[d->n++]);
		d->total++;
	}
	if (d->cursor == cap) {
		w->lb.dump = NULL;
		/* The copies are complete before ctl sees 'done'. */
		__atomic_store_n(&d->done, 1, __ATOMIC_RELEASE);
	}
}

#define LB_SAMPLES_BURST 8 /* samples folded per loop */

/*
 * Latency samples the management thread measured (lb_lat_post(): active
 * checks' round trips), folded into this worker's estimates like its own.
 */
static inline void
lb_lat_posted(struct worker *w, const struct svc_snap *snap)
{
	uint64_t smp[LB_SAMPLES_BURST];
	unsigned int i, j, n;

	n = rte_ring_sc_dequeue_burst_elem(
		w->lb.samples, smp, sizeof(smp[0]), LB_SAMPLES_BURST, NULL);
	for (i = 0; i < n; i++) {
		uint16_t sid = (uint16_t)(smp[i] >> 48);
		uint16_t bid = (uint16_t)(smp[i] >> 32);
		const struct svc *v;

		if (sid >= SVC_ID_MAX || snap->by_id[sid] < 0)
			continue;
		v = &snap->svc[snap->by_id[sid]];
		for (j = 0; j < v->nb_be; j++) {
			struct lb_lat *l;

			if (v->be[j].id != bid)
				continue;
			l = lb_lat_of(w, v, &v->be[j]);
			ewma_sample(&l->est_ns, &l->at, &v->lat_tau,
				(uint32_t)smp[i], w->now);
			break;
		}
	}
}

/*
 * Once per loop iteration: a slice of a session dump ctl asked for, a
 * bounded step of expiry, and the session gauges.
 */
static inline void
lb_poll(struct worker *w, const struct svc_snap *snap)
{
	const struct flow_stats *fs = flow_table_stats(w->lb.ft);
	unsigned int expired;

	lb_dump_step(w);
	lb_lat_posted(w, snap);
	lb_fault_release(w, snap);
	expired = flow_expire(
		w->lb.ft, w->now, LB_EXPIRE_BUDGET, lb_flow_gone, w);
	if (expired != 0)
		WORKER_INC(w, sessions_expired, expired);
	worker_gauge(w, WORKER_C_sessions, fs->nb_flows);
	worker_gauge(w, WORKER_C_sessions_half_open, fs->nb_half_open);
}

#endif /* LB_DP_H */
