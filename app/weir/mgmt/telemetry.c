/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * /weir/ telemetry commands. Counters are summed over workers on read
 * rather than kept as totals, so workers never share a written cache line.
 *
 * DPDK cannot unregister a telemetry command, so the handlers may run until
 * the process exits: they read only static counter blocks, plus port data
 * that a flag guards while ports are closing.
 *
 *   /weir/info     version, uptime, workers, ports
 *   /weir/stats    every counter, summed over workers
 *   /weir/drops    drop counters only, by reason (non-zero ones)
 *   /weir/workers  per-worker packets and busy ratio
 *   /weir/ports    per-port link and ethdev counters
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_telemetry.h>

#include "ctl.h"
#include "local.h"
#include "pkt.h"
#include "port.h"
#include "module.h"
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
tel_add_neigh(void *arg, const char *name, const char *help, uint64_t v)
{
	(void)help;
	rte_tel_data_add_dict_u64(arg, name, v);
}

static int
tel_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	char name[64];
	unsigned int i;

	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	for (i = 0; i < WORKER_C_COUNT; i++)
		rte_tel_data_add_dict_u64(
			d, worker_counter_name(i), worker_counter_sum(i));
	for (i = 1; i < PKT_DROP_COUNT; i++) {
		snprintf(name, sizeof(name), "drop_%s", pkt_drop_name(i));
		rte_tel_data_add_dict_u64(d, name, worker_drop_sum(i));
	}
	for (i = 0; i < LOCAL_C_COUNT; i++)
		rte_tel_data_add_dict_u64(
			d, local_counter_name(i), local_counter(i));
	local_neigh_counters(tel_add_neigh, d);
	rte_tel_data_add_dict_u64(d, "neigh_entries", local_neigh_count());
	return 0;
}

static int
tel_drops(const char *cmd, const char *params, struct rte_tel_data *d)
{
	char name[64];
	unsigned int i;
	uint64_t v;

	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	for (i = 1; i < PKT_DROP_COUNT; i++) {
		v = worker_drop_sum(i);
		snprintf(name, sizeof(name), "%s", pkt_drop_name(i));
		if (v != 0)
			rte_tel_data_add_dict_u64(d, name, v);
	}
	for (i = 0; i < WORKER_C_COUNT; i++) {
		const char *n = worker_counter_name(i);

		v = worker_counter_sum(i);
		if (strncmp(n, "drop_", 5) == 0 && v != 0)
			rte_tel_data_add_dict_u64(d, n + 5, v);
	}
	return 0;
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
		uint64_t busy = weir_stat_read(&ws->c[WORKER_C_busy_loops]);
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
		/* Per mille of loop iterations that found work. */
		rte_tel_data_add_dict_u64(
			w, "busy_permille", loops ? busy * 1000 / loops : 0);
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

const struct weir_module telemetry_module = {
	.name = "telemetry",
	.after = "port worker",
	.init = telemetry_init,
	.fini = telemetry_fini,
};
