/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker loop: rx_burst on each port, parse, classify, then punt, drop
 * or (with load balancing) forward; then drain the ctl_tx ring and report a
 * quiescent state. The snapshot is loaded once per iteration, so one burst
 * is always handled against one consistent view.
 *
 * Nothing here locks, allocates from the heap, logs or makes a system call:
 * drops are counted by reason and the management thread reports them.
 *
 * Counters live in a static array rather than in the rte_zmalloc'd worker:
 * telemetry reads them from its own thread at any moment, also during
 * shutdown, and static storage outlives every such read. Each block is
 * cache-aligned, so the only cost is NUMA placement of a few counter lines.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>

#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>

#include "pkt_dp.h"
#include "port.h"
#include "svc.h"
#include "weir.h"
#include "weir_err.h"
#include "weir_log.h"
#include "weir_stats.h"
#include "worker.h"

WEIR_LOG_TYPE("worker")

#define WORKER_BURST_MAX 256	/* packets: upper bound of config 'burst' */

static struct worker_stats worker_stats_all[CFG_WORKERS_MAX];

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

#define WORKER_INC(w, name, n) \
	weir_stat_add(&(w)->stats->c[WORKER_C_ ## name], (n))

/* What to do with one packet. */
enum worker_verdict {
	WORKER_V_DROP,		/* counted already, free it */
	WORKER_V_PUNT,		/* to the management thread */
};

static inline bool
worker_ip4_martian(uint32_t src)
{
	uint8_t first = (uint8_t)(rte_be_to_cpu_32(src) >> 24);

	return src == 0 || first >= 224;
}

/*
 * Decide for one parsed packet. Everything weir answers itself goes to ctl;
 * everything else is dropped with its reason until services exist.
 */
static inline enum worker_verdict
worker_classify(struct worker *w, const struct svc_port *sp,
	const struct rte_mbuf *m, const struct pkt_meta *pm)
{
	const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);

	if (!(pm->flags & (PKT_F_L2_BCAST | PKT_F_L2_MCAST)) &&
	    !rte_is_same_ether_addr((const struct rte_ether_addr *)d,
		&sp->mac)) {
		WORKER_INC(w, drop_other_host, 1);
		return WORKER_V_DROP;
	}
	if (pm->flags & PKT_F_VLAN) {
		WORKER_INC(w, drop_vlan, 1);
		return WORKER_V_DROP;
	}
	switch (pm->l3) {
	case PKT_L3_ARP:
		return WORKER_V_PUNT;
	case PKT_L3_IPV4: {
		const struct rte_ipv4_hdr *ip = (const void *)(d + pm->l3_off);

		if (!svc_port_has_ip4(sp, ip->dst_addr)) {
			WORKER_INC(w, drop_not_local, 1);
			return WORKER_V_DROP;
		}
		if (worker_ip4_martian(ip->src_addr)) {
			WORKER_INC(w, drop_martian, 1);
			return WORKER_V_DROP;
		}
		if (pm->flags & PKT_F_FRAG) {
			WORKER_INC(w, drop_local_frag, 1);
			return WORKER_V_DROP;
		}
		if (pm->l4_proto == IPPROTO_ICMP)
			return WORKER_V_PUNT;
		WORKER_INC(w, drop_local_proto, 1);
		return WORKER_V_DROP;
	}
	case PKT_L3_IPV6: {
		const struct rte_ipv6_hdr *ip = (const void *)(d + pm->l3_off);
		bool mcast = ip->dst_addr[0] == 0xff;

		if (!mcast && !svc_port_has_ip6(sp, ip->dst_addr)) {
			WORKER_INC(w, drop_not_local, 1);
			return WORKER_V_DROP;
		}
		if (ip->src_addr[0] == 0xff) {
			WORKER_INC(w, drop_martian, 1);
			return WORKER_V_DROP;
		}
		if (pm->flags & PKT_F_FRAG) {
			WORKER_INC(w, drop_local_frag, 1);
			return WORKER_V_DROP;
		}
		/* Link-scope multicast carries ND; ctl checks the group. */
		if (pm->l4_proto == IPPROTO_ICMPV6)
			return WORKER_V_PUNT;
		WORKER_INC(w, drop_local_proto, 1);
		return WORKER_V_DROP;
	}
	default:
		return WORKER_V_DROP;
	}
}

static inline void
worker_rx_port(struct worker *w, const struct svc_snap *snap,
	const struct port *p, unsigned int burst)
{
	struct rte_mbuf *pkts[WORKER_BURST_MAX], *punt[WORKER_BURST_MAX];
	const struct svc_port *sp = &snap->port[p->id];
	unsigned int i, n, nb_punt = 0, sent;

	n = rte_eth_rx_burst(p->id, (uint16_t)w->idx, pkts, (uint16_t)burst);
	if (n == 0)
		return;
	WORKER_INC(w, rx_bursts, 1);
	WORKER_INC(w, rx_packets, n);
	for (i = 0; i < n; i++) {
		struct pkt_meta pm;
		enum pkt_drop r;

		if (i + 1 < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void *));
		r = pkt_parse_mbuf(pkts[i], &pm);
		if (unlikely(r != PKT_OK)) {
			weir_stat_add(&w->stats->drops[r], 1);
			rte_pktmbuf_free(pkts[i]);
			continue;
		}
		if (worker_classify(w, sp, pkts[i], &pm) == WORKER_V_PUNT)
			punt[nb_punt++] = pkts[i];
		else
			rte_pktmbuf_free(pkts[i]);
	}
	if (nb_punt == 0)
		return;
	sent = rte_ring_sp_enqueue_burst(w->punt, (void **)punt, nb_punt, NULL);
	WORKER_INC(w, punted, sent);
	if (unlikely(sent < nb_punt)) {
		WORKER_INC(w, punt_drops, nb_punt - sent);
		rte_pktmbuf_free_bulk(&punt[sent], nb_punt - sent);
	}
}

/* Transmit what ctl queued for us; each mbuf's 'port' names its port. */
static inline unsigned int
worker_ctl_tx(struct worker *w, unsigned int burst)
{
	struct rte_mbuf *pkts[WORKER_BURST_MAX];
	unsigned int i, n;

	n = rte_ring_sc_dequeue_burst(w->ctl_tx, (void **)pkts, burst, NULL);
	for (i = 0; i < n; i++) {
		if (rte_eth_tx_burst(pkts[i]->port, (uint16_t)w->idx,
				&pkts[i], 1) == 1) {
			WORKER_INC(w, tx_packets, 1);
		} else {
			WORKER_INC(w, tx_drops, 1);
			rte_pktmbuf_free(pkts[i]);
		}
	}
	return n;
}

static int
worker_main(void *arg)
{
	struct worker *w = arg;
	unsigned int burst = weir.conf->burst, i;

	rte_rcu_qsbr_thread_register(weir.qsbr, w->idx);
	rte_rcu_qsbr_thread_online(weir.qsbr, w->idx);
	while (!__atomic_load_n(&weir.stop, __ATOMIC_RELAXED)) {
		const struct svc_snap *snap = weir_rcu_get(&weir.snap);
		uint64_t before = w->stats->c[WORKER_C_rx_packets];

		for (i = 0; i < weir.nb_ports; i++)
			worker_rx_port(w, snap, &weir.ports[i], burst);
		if (worker_ctl_tx(w, burst) > 0 ||
		    w->stats->c[WORKER_C_rx_packets] != before)
			WORKER_INC(w, busy_loops, 1);
		WORKER_INC(w, loops, 1);
		rte_rcu_qsbr_quiescent(weir.qsbr, w->idx);
	}
	rte_rcu_qsbr_thread_offline(weir.qsbr, w->idx);
	rte_rcu_qsbr_thread_unregister(weir.qsbr, w->idx);
	return 0;
}

int
worker_init_all(void)
{
	const struct cfg_conf *c = weir.conf;
	unsigned int i;

	for (i = 0; i < c->nb_workers; i++) {
		unsigned int lc = c->workers[i];
		int socket = (int)rte_lcore_to_socket_id(lc);
		char name[RTE_RING_NAMESIZE];
		struct worker *w;

		if (!rte_lcore_is_enabled(lc) || lc == rte_get_main_lcore()) {
			WEIR_LOG(ERR, "worker lcore %u is not an enabled worker "
				"lcore of this EAL (check 'lcores' and "
				"'main_lcore')", lc);
			return -EINVAL;
		}
		w = rte_zmalloc_socket("weir_worker", sizeof(*w),
			RTE_CACHE_LINE_SIZE, socket);
		if (w == NULL)
			return -ENOMEM;
		weir.workers[i] = w;
		weir.nb_workers = i + 1;
		w->idx = i;
		w->lcore = lc;
		w->stats = &worker_stats_all[i];
		snprintf(name, sizeof(name), "weir_punt_%u", i);
		w->punt = rte_ring_create(name, c->punt_ring, socket,
			RING_F_SP_ENQ | RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "weir_ctltx_%u", i);
		w->ctl_tx = rte_ring_create(name, c->punt_ring, socket,
			RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (w->punt == NULL || w->ctl_tx == NULL) {
			WEIR_LOG(ERR, "worker %u rings: %s", i,
				rte_strerror(rte_errno));
			return weir_err(rte_errno);
		}
	}
	return 0;
}

int
worker_launch_all(void)
{
	unsigned int i;
	int rc;

	for (i = 0; i < weir.nb_workers; i++) {
		rc = rte_eal_remote_launch(worker_main, weir.workers[i],
			weir.workers[i]->lcore);
		if (rc < 0) {
			WEIR_LOG(ERR, "launch worker %u on lcore %u: %s", i,
				weir.workers[i]->lcore, rte_strerror(-rc));
			return weir_err(rc);
		}
		WEIR_LOG(INFO, "worker %u running on lcore %u", i,
			weir.workers[i]->lcore);
	}
	return 0;
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

void
worker_stop_all(void)
{
	__atomic_store_n(&weir.stop, true, __ATOMIC_RELAXED);
	rte_eal_mp_wait_lcore();
	WEIR_LOG(INFO, "workers stopped");
}

void
worker_fini_all(void)
{
	unsigned int i;

	for (i = 0; i < weir.nb_workers; i++) {
		struct worker *w = weir.workers[i];

		worker_ring_free(w->punt);
		worker_ring_free(w->ctl_tx);
		rte_free(w);
		weir.workers[i] = NULL;
	}
	weir.nb_workers = 0;
}
