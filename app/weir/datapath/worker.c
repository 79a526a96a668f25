/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker loop, and nothing but what runs on a worker lcore: rx_burst
 * on each port, parse, classify, and hand each packet to its stage (load
 * balancing for a VIP or a local port, the management thread for ARP, ND
 * and ICMP to weir) or drop it, counted; then the replies other workers
 * redirected, the ctl_tx ring, the TX flush, the stages' per-loop work and
 * a quiescent state. The snapshot is loaded once per iteration, so one
 * burst is always handled against one consistent view.
 *
 * A stage is static inline code in its module's <name>_dp.h (load
 * balancing: modules/lb/lb_dp.h); the loop calls it from one line, and
 * after inlining the whole path is one function, as before stages had
 * files of their own. Setting workers up and tearing them down is
 * worker_setup.c's, on the management thread.
 *
 * Nothing here locks, allocates from the heap, logs or makes a system call:
 * drops are counted by reason and the management thread reports them.
 *
 * Context: worker.
 */
#include <netinet/in.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>
#include <rte_rcu_qsbr.h>

#include "lb_dp.h"
#include "pkt_dp.h"
#include "port_types.h"
#include "svc_dp.h"
#include "weir.h"
#include "weir_stats.h"
#include "worker_dp.h"

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
				lb_orig(w, snap, v, m, pm, fk);
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
		lb_reply(w, snap, m, pm, fk, false);
	} else if (is_icmp) {
		if (lb_icmp_is_error(pm) && dst[0] != 0xff)
			lb_icmp_error(w, snap, m, pm, false);
		else
			worker_punt(w, m);
	} else {
		worker_drop(w, WORKER_C_drop_local_proto, m);
	}
}

/*
 * A frame for a kernel interface: to ctl, within this worker's share of
 * the interface's max_pps per tick, so that a flood of them cannot fill
 * the punt ring that ARP and neighbor discovery need.
 */
static inline void
worker_punt_kernel(
	struct worker *w, const struct svc_port *sp, struct rte_mbuf *m)
{
	if (w->kif_tick != w->now) {
		w->kif_tick = w->now;
		w->kif_left = sp->kif_per_tick;
	}
	if (w->kif_left == 0) {
		worker_drop(w, WORKER_C_drop_kernel_rate, m);
		return;
	}
	w->kif_left--;
	worker_punt(w, m);
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
		/* The exception path: ctl hands it to the kernel. */
		if (sp->has_kif &&
			rte_is_same_ether_addr(
				(const struct rte_ether_addr *)d, &sp->kif_mac))
			worker_punt_kernel(w, sp, m);
		else
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
			flow_prefetch(w->lb.ft, fk[i].h);
	}
	for (i = 0; i < n; i++)
		if (pkts[i] != NULL && hashed[i])
			flow_prefetch_match(
				w->lb.ft, fk[i].h, pm[i].l3 == PKT_L3_IPV6);
	for (i = 0; i < n; i++)
		if (pkts[i] != NULL)
			worker_packet(w, snap, sp, pkts[i], &pm[i],
				hashed[i] ? &fk[i] : NULL);
	return n;
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

int
worker_main(void *arg)
{
	struct worker *w = arg;
	unsigned int burst = w->burst, i, work;

	rte_rcu_qsbr_thread_register(weir.qsbr, w->idx);
	rte_rcu_qsbr_thread_online(weir.qsbr, w->idx);
	while (!__atomic_load_n(&weir.stop, __ATOMIC_RELAXED)) {
		const struct svc_snap *snap = weir_rcu_get(&weir.snap);
		uint64_t tsc = rte_rdtsc();

		if (unlikely(snap->gen != w->snap_gen))
			worker_snap_adopted(w, snap, tsc);
		w->now = (uint32_t)(tsc >> weir.tick_shift);
		w->now_fine = (uint16_t)(tsc >>
			(weir.tick_shift - WORKER_FINE_SHIFT));
		work = 0;
		for (i = 0; i < weir.nb_ports; i++)
			work += worker_rx_port(w, snap, &weir.ports[i], burst);
		work += lb_redirected(w, snap, burst);
		work += worker_ctl_tx(w, burst);
		worker_tx_flush(w);
		lb_poll(w, snap);
		if (work != 0)
			WORKER_INC(w, busy_loops, 1);
		WORKER_INC(w, loops, 1);
		rte_rcu_qsbr_quiescent(weir.qsbr, w->idx);
	}
	rte_rcu_qsbr_thread_offline(weir.qsbr, w->idx);
	rte_rcu_qsbr_thread_unregister(weir.qsbr, w->idx);
	return 0;
}
