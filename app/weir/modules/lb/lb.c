/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The load-balancing module, management side: services and backends
 * (svc.c builds and publishes them), their counters by stable id
 * (lb_stats.c), and each worker's part: its session table on its NUMA
 * node, its share of the local ports, its counters, the rings on which
 * other workers hand it replies (lb_dp.h is the stage that uses them).
 * Its start publishes a first snapshot with no next hop known yet, so
 * that workers always have one; the reload module's start publishes the
 * complete one.
 *
 * Context: ctl.
 */
#include <errno.h>
#include <stdio.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_random.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "ewma.h"
#include "flow.h"
#include "lb.h"
#include "lb_dp.h"
#include "lb_stats.h"
#include "module.h"
#include "nat_port_dp.h"
#include "svc.h"
#include "weir.h"
#include "weir_err.h"
#include "weir_log.h"
#include "worker.h"

WEIR_LOG_TYPE("lb")

#define LB_DUMP_WAIT_MS 2000 /* ms a worker has to answer a session dump */

uint8_t lb_lport_owner[65536];

static unsigned int
lb_flow_opts(const struct cfg_conf *c)
{
	return c->mgmt.flow_log[0] != '\0' ? FLOW_TABLE_ACCT : 0;
}

static int
lb_init(void)
{
	const struct cfg_conf *c = weir.conf;
	size_t fsize = flow_table_size(
		c->sessions.max_per_worker, lb_flow_opts(c));
	int rc;

	nat_port_owner_fill(
		lb_lport_owner, c->lport_lo, c->lport_hi, c->nb_workers);
	rc = lb_stats_init(c->nb_workers);
	if (rc < 0)
		return rc;
	ewma_init();
	WEIR_LOG(INFO,
		"%u workers, %u session slots each (%zu bytes, %zu per "
		"slot; an IPv6 session takes two), local ports %u-%u dealt "
		"round-robin",
		c->nb_workers, c->sessions.max_per_worker, fsize,
		fsize / c->sessions.max_per_worker, c->lport_lo, c->lport_hi);
	return svc_snap_init();
}

static void
lb_fini(void)
{
	svc_snap_fini();
	lb_stats_fini();
}

/* Worker 'w''s sessions, local ports, counters and incoming rings. */
static int
lb_worker_init(struct worker *w)
{
	const struct cfg_conf *c = weir.conf;
	struct lb_worker *lw = &w->lb;
	int socket = (int)rte_lcore_to_socket_id(w->lcore);
	unsigned int opts = lb_flow_opts(c), j;
	size_t fsize = flow_table_size(c->sessions.max_per_worker, opts);
	void *mem;

	lw->svc_stats = lb_stats_worker_array(w->idx, LB_STATS_SVC);
	lw->be_stats = lb_stats_worker_array(w->idx, LB_STATS_BE);
	lw->rnd = rte_rand() | 1;
	lw->us_per_tick_q16 = (1000000ull << 16) / weir.ticks_per_s;
	lw->ns_per_fine_q16 = (1000000000ull << 16) /
		(weir.ticks_per_s << WORKER_FINE_SHIFT);
	lw->lat = rte_zmalloc_socket("weir_lb_lat",
		SVC_BE_ID_MAX * sizeof(*lw->lat), RTE_CACHE_LINE_SIZE, socket);
	if (lw->lat == NULL)
		return -ENOMEM;
	lw->half_open_max = (uint32_t)((uint64_t)c->sessions.max_per_worker *
		c->sessions.half_open_pct / 100);
	lw->lport_lo = c->lport_lo;
	lw->nb_lports = nat_port_count(
		c->lport_lo, c->lport_hi, c->nb_workers, w->idx);
	/* One SP/SC ring per ordered pair: no two producers ever share. */
	for (j = 0; j < c->nb_workers; j++) {
		char name[RTE_RING_NAMESIZE];

		if (j == w->idx)
			continue;
		snprintf(name, sizeof(name), "weir_rd_%u_%u", j, w->idx);
		lw->redir_in[j] = rte_ring_create(name, CFG_REDIR_RING, socket,
			RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (lw->redir_in[j] == NULL) {
			WEIR_LOG(ERR, "redirect ring %s: %s", name,
				rte_strerror(rte_errno));
			return weir_err(rte_errno);
		}
	}
	{
		char name[RTE_RING_NAMESIZE];

		snprintf(name, sizeof(name), "weir_lat_%u", w->idx);
		lw->samples = rte_ring_create_elem(name, sizeof(uint64_t),
			LB_SAMPLES_RING, socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (lw->samples == NULL) {
			WEIR_LOG(ERR, "latency ring %s: %s", name,
				rte_strerror(rte_errno));
			return weir_err(rte_errno);
		}
	}
	lw->held = rte_zmalloc_socket("weir_lb_held",
		LB_HOLD_MAX * sizeof(*lw->held), RTE_CACHE_LINE_SIZE, socket);
	if (lw->held == NULL)
		return -ENOMEM;
	mem = rte_zmalloc_socket(
		"weir_flows", fsize, RTE_CACHE_LINE_SIZE, socket);
	if (mem == NULL) {
		WEIR_LOG(ERR,
			"worker %u: %zu bytes for %u sessions: out of "
			"memory (lower sessions.max_per_worker or add memory)",
			w->idx, fsize, c->sessions.max_per_worker);
		return -ENOMEM;
	}
	lw->ft = flow_table_init(mem, c->sessions.max_per_worker, opts,
		(uint32_t)(rte_rdtsc() >> weir.tick_shift),
		(uint32_t)rte_rand());
	if (lw->ft == NULL) {
		rte_free(mem);
		return -errno;
	}
	return 0;
}

static void
lb_worker_fini(struct worker *w)
{
	unsigned int j;

	for (j = 0; j < CFG_WORKERS_MAX; j++) {
		worker_ring_free(w->lb.redir_in[j]);
		w->lb.redir_in[j] = NULL;
	}
	rte_ring_free(w->lb.samples);
	w->lb.samples = NULL;
	/* Packets still held hold mbufs of pools about to be freed. */
	for (; w->lb.held != NULL && w->lb.held_head != w->lb.held_tail;
		w->lb.held_head++)
		rte_pktmbuf_free(
			w->lb.held[w->lb.held_head & (LB_HOLD_MAX - 1)].m);
	rte_free(w->lb.held);
	w->lb.held = NULL;
	rte_free(w->lb.ft);
	w->lb.ft = NULL;
	rte_free(w->lb.lat);
	w->lb.lat = NULL;
}

int
lb_dump_sessions(unsigned int i, struct lb_dump *d)
{
	struct timespec ts = { .tv_nsec = 1000000 }; /* 1 ms */
	unsigned int waited;

	d->n = d->total = d->cursor = d->done = 0;
	__atomic_store_n(&workers[i]->lb.dump, d, __ATOMIC_RELEASE);
	for (waited = 0; waited < LB_DUMP_WAIT_MS; waited++) {
		if (__atomic_load_n(&d->done, __ATOMIC_ACQUIRE))
			return 0;
		nanosleep(&ts, NULL);
	}
	/* Take the request back; a worker mid-slice finishes it first. */
	__atomic_store_n(&workers[i]->lb.dump, NULL, __ATOMIC_RELEASE);
	rte_rcu_qsbr_synchronize(weir.qsbr, RTE_QSBR_THRID_INVALID);
	return -ETIMEDOUT;
}

void
lb_lat_get(const struct svc_backend *be, uint32_t *est_ns, uint32_t *load)
{
	uint64_t sum = 0;
	unsigned int i, n = 0;

	*load = 0;
	for (i = 0; i < weir.nb_workers; i++) {
		const struct lb_lat *l = &workers[i]->lb.lat[be->id];

		if (__atomic_load_n(&l->epoch, __ATOMIC_RELAXED) != be->epoch)
			continue;
		sum += __atomic_load_n(&l->est_ns, __ATOMIC_RELAXED);
		*load += __atomic_load_n(&l->load, __ATOMIC_RELAXED);
		n++;
	}
	*est_ns = n != 0 ? (uint32_t)(sum / n) : 0;
}

void
lb_lat_post(uint16_t svc_id, uint16_t be_id, uint64_t ns)
{
	uint64_t v = LB_SAMPLE(svc_id, be_id, ns);
	unsigned int i;

	for (i = 0; i < weir.nb_workers; i++)
		rte_ring_sp_enqueue_elem(workers[i]->lb.samples, &v, sizeof(v));
}

const struct weir_module lb_module = {
	.name = "lb",
	.after = "rcu port",
	.before = "worker",
	.init = lb_init,
	.fini = lb_fini,
	.cmds = lb_cmds,
	.counters = lb_counter_sets,
	.worker_init = lb_worker_init,
	.worker_fini = lb_worker_fini,
};
