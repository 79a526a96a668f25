/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * /weir/ telemetry commands. Counters are summed over workers on read
 * rather than kept as totals, so workers never share a written cache line.
 *
 * DPDK cannot unregister a telemetry command, so the handlers may run until
 * the process exits: they read only the counter registry (never freed)
 * and its sets that any thread may read (static counter blocks), plus
 * port data that a flag guards while ports are closing; /weir/counters
 * has the management thread collect the set it asks for.
 *
 *   /weir/info      version, uptime, workers, ports
 *   /weir/stats     every total of the counter registry
 *   /weir/drops     drop counters only, by reason (non-zero ones)
 *   /weir/counters  every instance of one counter set (via ctl)
 *   /weir/workers   per-worker packets and busy ratio
 *   /weir/ports     per-port link and ethdev counters
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_telemetry.h>

#include "module.h"
#include "port.h"
#include "stats.h"
#include "weir.h"
#include "weir_log.h"
#include "weir_stats.h"
#include "worker.h"

WEIR_LOG_TYPE("telemetry")

/* Port facts copied at init, readable after the ports are gone. */
static struct {
	uint16_t id;
	char name[CFG_NAME_SIZE];
} tel_ports[CFG_PORTS_MAX];
static unsigned int tel_nb_ports;
static bool tel_ports_live;
static unsigned int tel_nb_workers;
static unsigned int tel_lcores[CFG_WORKERS_MAX];

static void
tel_total(void *arg, const char *key, const char *help, enum stats_type type,
	uint64_t v)
{
	(void)help;
	(void)type;
	rte_tel_data_add_dict_u64(arg, key, v);
}

/* Every total of the registry's sets that any thread may read. */
static int
tel_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	return stats_totals(weir.stats, STATS_T_ANY_THREAD, tel_total, d);
}

static int
tel_drops(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	return stats_totals(
		weir.stats, STATS_T_ANY_THREAD | STATS_T_DROPS, tel_total, d);
}

/*
 * /weir/counters,<set>: every set, also those only the management thread
 * may read (they read the configuration, or ports that close at stop),
 * so the set is collected there. The telemetry thread posts the request
 * and waits; ctl's timer takes it on its next turn (about a millisecond),
 * collects and marks it done. A request ctl has not taken within
 * TEL_WAIT_MS is withdrawn; one it has taken is always finished within
 * the same turn, so its waiter never gives up on it. DPDK runs a thread
 * per telemetry client: the mutex keeps them to one request at a time.
 */
enum tel_req_state {
	TEL_REQ_IDLE = 0,
	TEL_REQ_POSTED, /* by a telemetry thread */
	TEL_REQ_TAKEN,	/* by ctl, collecting */
	TEL_REQ_DONE,	/* by ctl: 'table' and 'rc' are set */
};

#define TEL_WAIT_MS 1000 /* ms for ctl to take a request */

static struct {
	pthread_mutex_t lock;
	uint32_t state; /* enum tel_req_state, atomic */
	char set[STATS_LABEL_SIZE];
	struct stats_table table;
	int rc;
} tel_req = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* ctl, every turn: serve a posted request. */
static void
tel_req_timer(uint64_t now_ms)
{
	uint32_t posted = TEL_REQ_POSTED;
	const struct stats_set *s;

	(void)now_ms;
	if (!__atomic_compare_exchange_n(&tel_req.state, &posted, TEL_REQ_TAKEN,
		    false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return;
	s = stats_find(weir.stats, tel_req.set);
	tel_req.rc = s != NULL ? stats_collect(s, &tel_req.table) : -ENOENT;
	/* The table is complete before the waiter sees DONE. */
	__atomic_store_n(&tel_req.state, TEL_REQ_DONE, __ATOMIC_RELEASE);
}

static void
tel_value(void *arg, const char *key, const char *help, uint64_t v,
	const char *text)
{
	(void)help;
	if (text != NULL)
		rte_tel_data_add_dict_string(arg, key, text);
	else
		rte_tel_data_add_dict_u64(arg, key, v);
}

/*
 * The collected table as a dict of dicts keyed by the instance's index
 * ("0", "1", ...), each holding its labels, then its values: DPDK 22.11
 * nests dicts only in dicts, and an index is a key every version takes.
 * At most RTE_TEL_MAX_DICT_ENTRIES instances, and what fits in one reply.
 */
static int
tel_req_output(struct rte_tel_data *d)
{
	const struct stats_table *t = &tel_req.table;
	const struct stats_set *s = t->set;
	char key[16];
	unsigned int i, k;

	rte_tel_data_start_dict(d);
	for (i = 0; i < t->nb_rows && i < RTE_TEL_MAX_DICT_ENTRIES; i++) {
		struct rte_tel_data *r = rte_tel_data_alloc();

		if (r == NULL)
			return -ENOMEM;
		rte_tel_data_start_dict(r);
		for (k = 0; s->labels != NULL && s->labels[k] != NULL; k++)
			rte_tel_data_add_dict_string(
				r, s->labels[k], t->rows[i].labels[k]);
		stats_row_values(s, &t->rows[i], tel_value, r);
		snprintf(key, sizeof(key), "%u", i);
		rte_tel_data_add_dict_container(d, key, r, 0);
	}
	return 0;
}

static int
tel_counters(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct timespec ms = { .tv_nsec = 1000000 };
	uint32_t posted = TEL_REQ_POSTED;
	unsigned int waited;
	int rc;

	(void)cmd;
	if (params == NULL || params[0] == '\0' ||
		strlen(params) >= sizeof(tel_req.set))
		return -EINVAL;
	pthread_mutex_lock(&tel_req.lock);
	snprintf(tel_req.set, sizeof(tel_req.set), "%s", params);
	__atomic_store_n(&tel_req.state, TEL_REQ_POSTED, __ATOMIC_RELEASE);
	for (waited = 0; waited < TEL_WAIT_MS; waited++) {
		if (__atomic_load_n(&tel_req.state, __ATOMIC_ACQUIRE) !=
			TEL_REQ_POSTED)
			break;
		nanosleep(&ms, NULL);
	}
	/* Not taken: withdraw it (ctl stopped, or is busy). */
	if (__atomic_compare_exchange_n(&tel_req.state, &posted, TEL_REQ_IDLE,
		    false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
		pthread_mutex_unlock(&tel_req.lock);
		return -EBUSY;
	}
	while (__atomic_load_n(&tel_req.state, __ATOMIC_ACQUIRE) !=
		TEL_REQ_DONE)
		nanosleep(&ms, NULL);
	rc = tel_req.rc;
	if (rc == 0)
		rc = tel_req_output(d);
	stats_table_free(&tel_req.table);
	__atomic_store_n(&tel_req.state, TEL_REQ_IDLE, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&tel_req.lock);
	return rc;
}

static int
tel_info(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "version", WEIR_VERSION);
	rte_tel_data_add_dict_int(d, "pid", (int)getpid());
	rte_tel_data_add_dict_u64(d, "uptime_s",
		(rte_get_tsc_cycles() - weir.start_tsc) / rte_get_tsc_hz());
	rte_tel_data_add_dict_int(d, "workers", (int)tel_nb_workers);
	rte_tel_data_add_dict_int(d, "ports", (int)tel_nb_ports);
	return 0;
}

static int
tel_workers(const char *cmd, const char *params, struct rte_tel_data *d)
{
	unsigned int i;

	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	for (i = 0; i < tel_nb_workers; i++) {
		const struct worker_stats *ws = worker_stats_get(i);
		struct rte_tel_data *w = rte_tel_data_alloc();
		uint64_t loops = weir_stat_read(&ws->c[WORKER_C_loops]);
		char key[16];

		if (w == NULL)
			return -ENOMEM;
		rte_tel_data_start_dict(w);
		rte_tel_data_add_dict_int(w, "lcore", (int)tel_lcores[i]);
		rte_tel_data_add_dict_u64(w, "rx_packets",
			weir_stat_read(&ws->c[WORKER_C_rx_packets]));
		rte_tel_data_add_dict_u64(w, "tx_packets",
			weir_stat_read(&ws->c[WORKER_C_tx_packets]));
		rte_tel_data_add_dict_u64(w, "loops", loops);
		rte_tel_data_add_dict_u64(
			w, "busy_permille", worker_busy_permille(ws));
		rte_tel_data_add_dict_u64(
			w, "snapshots", weir_stat_read(&ws->snapshots));
		rte_tel_data_add_dict_u64(w, "snapshot_lag_ns",
			weir_stat_read(&ws->snapshot_lag_ns));
		snprintf(key, sizeof(key), "%u", i);
		rte_tel_data_add_dict_container(d, key, w, 0);
	}
	return 0;
}

static int
tel_port_list(const char *cmd, const char *params, struct rte_tel_data *d)
{
	unsigned int i;

	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	for (i = 0; i < tel_nb_ports; i++) {
		struct rte_tel_data *pd = rte_tel_data_alloc();
		struct rte_eth_stats st;
		struct rte_eth_link link;

		if (pd == NULL)
			return -ENOMEM;
		rte_tel_data_start_dict(pd);
		rte_tel_data_add_dict_int(pd, "port_id", tel_ports[i].id);
		if (__atomic_load_n(&tel_ports_live, __ATOMIC_ACQUIRE) &&
			rte_eth_link_get_nowait(tel_ports[i].id, &link) == 0 &&
			rte_eth_stats_get(tel_ports[i].id, &st) == 0) {
			rte_tel_data_add_dict_string(
				pd, "link", link.link_status ? "up" : "down");
			rte_tel_data_add_dict_u64(
				pd, "speed_mbps", link.link_speed);
			rte_tel_data_add_dict_u64(
				pd, "rx_packets", st.ipackets);
			rte_tel_data_add_dict_u64(
				pd, "tx_packets", st.opackets);
			rte_tel_data_add_dict_u64(pd, "rx_bytes", st.ibytes);
			rte_tel_data_add_dict_u64(pd, "tx_bytes", st.obytes);
			rte_tel_data_add_dict_u64(pd, "rx_missed", st.imissed);
			rte_tel_data_add_dict_u64(pd, "rx_errors", st.ierrors);
			rte_tel_data_add_dict_u64(pd, "tx_errors", st.oerrors);
			rte_tel_data_add_dict_u64(
				pd, "rx_nombuf", st.rx_nombuf);
		}
		rte_tel_data_add_dict_container(d, tel_ports[i].name, pd, 0);
	}
	return 0;
}

static int
telemetry_init(void)
{
	static const struct {
		const char *cmd;
		telemetry_cb fn;
		const char *help;
	} cmds[] = {
		{ "/weir/info", tel_info,
			"weir version, pid, uptime. No parameters" },
		{ "/weir/stats", tel_stats,
			"Every weir counter, summed over workers. No parameters" },
		{ "/weir/counters", tel_counters,
			"Every instance and value of one counter set. "
			"Parameter: the set's name ('show counters' lists "
			"them)" },
		{ "/weir/drops", tel_drops,
			"Non-zero drop counters by reason. No parameters" },
		{ "/weir/workers", tel_workers,
			"Per-worker packets and busy ratio. No parameters" },
		{ "/weir/ports", tel_port_list,
			"Per-port link state and counters. No parameters" },
	};
	unsigned int i;
	int rc;

	for (i = 0; i < weir.nb_ports; i++) {
		tel_ports[i].id = weir.ports[i].id;
		snprintf(tel_ports[i].name, sizeof(tel_ports[i].name), "%s",
			weir.ports[i].cfg->name);
	}
	tel_nb_ports = weir.nb_ports;
	tel_nb_workers = weir.nb_workers;
	for (i = 0; i < weir.nb_workers; i++)
		tel_lcores[i] = worker_lcore(i);
	__atomic_store_n(&tel_ports_live, true, __ATOMIC_RELEASE);
	for (i = 0; i < RTE_DIM(cmds); i++) {
		rc = rte_telemetry_register_cmd(
			cmds[i].cmd, cmds[i].fn, cmds[i].help);
		/* -EINVAL: already registered by an earlier init in this
		 * process (tests); the handlers are the same. */
		if (rc < 0 && rc != -EINVAL) {
			WEIR_LOG(ERR, "telemetry %s: %s", cmds[i].cmd,
				strerror(-rc));
			return rc;
		}
	}
	return 0;
}

static void
telemetry_fini(void)
{
	__atomic_store_n(&tel_ports_live, false, __ATOMIC_RELEASE);
}

static const struct weir_timer telemetry_timers[] = {
	{ "counters", 0, tel_req_timer },
};

const struct weir_module telemetry_module = {
	.name = "telemetry",
	.after = "port worker",
	.init = telemetry_init,
	.fini = telemetry_fini,
	.timers = telemetry_timers,
	.nb_timers = RTE_DIM(telemetry_timers),
};
