/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The data path's console commands: 'show workers' (the worker module's)
 * and 'show ports' (the port module's), read from the workers' counter
 * blocks and the ports' own counters.
 *
 * Context: ctl.
 */
#include <stdio.h>

#include <jansson.h>
#include <rte_common.h>
#include <rte_ethdev.h>

#include "console.h"
#include "port.h"
#include "weir.h"
#include "weir_stats.h"
#include "worker.h"

static int
worker_cmd_show(struct console_ctx *ctx, int argc, char **argv)
{
	static const char *const hdr[] = { "WORKER", "LCORE", "RX_PACKETS",
		"TX_PACKETS", "BUSY", "SESSIONS", "REDIRECT_OUT", "SNAPSHOTS",
		"SNAPSHOT_LAG_US" };
	json_t *arr = ctx->json ? json_array() : NULL;
	unsigned int i;

	(void)argc;
	(void)argv;
	if (!ctx->json)
		console_table_begin(ctx, RTE_DIM(hdr), hdr);
	for (i = 0; i < weir.nb_workers; i++) {
		const struct worker_stats *ws = worker_stats_get(i);
		unsigned int pm = worker_busy_permille(ws);

		if (ctx->json) {
			json_array_append_new(arr,
				json_pack("{s:i, s:i, s:I, "
					  "s:I, s:i, s:I, s:I, s:I, s:I}",
					"worker", (int)i, "lcore",
					(int)worker_lcore(i), "rx_packets",
					(json_int_t)weir_stat_read(
						&ws->c[WORKER_C_rx_packets]),
					"tx_packets",
					(json_int_t)weir_stat_read(
						&ws->c[WORKER_C_tx_packets]),
					"busy_permille", (int)pm, "sessions",
					(json_int_t)weir_stat_read(
						&ws->c[WORKER_C_sessions]),
					"redirect_out",
					(json_int_t)weir_stat_read(
						&ws->c[WORKER_C_redirect_out]),
					"snapshots",
					(json_int_t)weir_stat_read(
						&ws->snapshots),
					"snapshot_lag_ns",
					(json_int_t)weir_stat_read(
						&ws->snapshot_lag_ns)));
			continue;
		}
		console_table_row(ctx,
			"%u\t%u\t%llu\t%llu\t%u.%u%%\t%llu\t%llu\t%llu\t%.1f",
			i, worker_lcore(i),
			(unsigned long long)weir_stat_read(
				&ws->c[WORKER_C_rx_packets]),
			(unsigned long long)weir_stat_read(
				&ws->c[WORKER_C_tx_packets]),
			pm / 10, pm % 10,
			(unsigned long long)weir_stat_read(
				&ws->c[WORKER_C_sessions]),
			(unsigned long long)weir_stat_read(
				&ws->c[WORKER_C_redirect_out]),
			(unsigned long long)weir_stat_read(&ws->snapshots),
			(double)weir_stat_read(&ws->snapshot_lag_ns) / 1000.0);
	}
	if (ctx->json)
		return console_json(ctx, arr);
	console_table_end(ctx);
	return 0;
}

static int
port_cmd_show(struct console_ctx *ctx, int argc, char **argv)
{
	static const char *const hdr[] = { "PORT", "ID", "DRIVER", "MAC",
		"LINK", "RX_PACKETS", "TX_PACKETS", "RX_MISSED", "RX_ERRORS",
		"TX_ERRORS" };
	json_t *arr = ctx->json ? json_array() : NULL;
	unsigned int i;

	(void)argc;
	(void)argv;
	if (!ctx->json)
		console_table_begin(ctx, RTE_DIM(hdr), hdr);
	for (i = 0; i < weir.nb_ports; i++) {
		const struct port *p = &weir.ports[i];
		struct rte_eth_stats st = { 0 };
		char mac[RTE_ETHER_ADDR_FMT_SIZE];

		rte_eth_stats_get(p->id, &st);
		rte_ether_format_addr(mac, sizeof(mac), &p->mac);
		if (ctx->json) {
			json_array_append_new(arr,
				json_pack(
					"{s:s, s:i, s:s, "
					"s:s, s:b, s:i, s:I, s:I, s:I, s:I, s:I}",
					"name", p->cfg->name, "port_id", p->id,
					"driver", p->driver, "mac", mac,
					"link_up", p->link_up, "speed_mbps",
					(int)p->link_speed, "rx_packets",
					(json_int_t)st.ipackets, "tx_packets",
					(json_int_t)st.opackets, "rx_missed",
					(json_int_t)st.imissed, "rx_errors",
					(json_int_t)st.ierrors, "tx_errors",
					(json_int_t)st.oerrors));
			continue;
		}
		console_table_row(ctx,
			"%s\t%u\t%s\t%s\t%s\t%llu\t%llu\t%llu\t%llu\t%llu",
			p->cfg->name, p->id, p->driver, mac,
			p->link_up ? "up" : "down",
			(unsigned long long)st.ipackets,
			(unsigned long long)st.opackets,
			(unsigned long long)st.imissed,
			(unsigned long long)st.ierrors,
			(unsigned long long)st.oerrors);
	}
	if (ctx->json)
		return console_json(ctx, arr);
	console_table_end(ctx);
	return 0;
}

const struct console_cmd worker_cmds[] = {
	{ { "show", "workers", NULL }, "",
		"per worker: lcore, packets, busy, snapshot lag", CONSOLE_USER,
		0, 0, CONSOLE_F_JSON, worker_cmd_show },
	{ .fn = NULL },
};

const struct console_cmd port_cmds[] = {
	{ { "show", "ports", NULL }, "", "per port: link and NIC counters",
		CONSOLE_USER, 0, 0, CONSOLE_F_JSON, port_cmd_show },
	{ .fn = NULL },
};
