/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The local protocols' console command: 'show neighbors', the ARP/ND
 * table as the management thread keeps it.
 *
 * Context: ctl.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>
#include <rte_common.h>
#include <rte_ether.h>

#include "console.h"
#include "local.h"
#include "neigh.h"
#include "port.h"
#include "weir_addr.h"

struct local_cmd_walk {
	struct console_ctx *ctx;
	json_t *arr;
};

static void
local_cmd_neigh_one(void *arg, const void *info)
{
	struct local_cmd_walk *nw = arg;
	const struct neigh_info *ni = info;
	const struct port *p = port_by_id(ni->key.port);
	struct weir_addr a = { .family = ni->key.family };
	char addr[WEIR_ADDR_STR_SIZE], mac[RTE_ETHER_ADDR_FMT_SIZE];

	memcpy(a.a, ni->key.addr, 16);
	weir_addr_str(&a, addr, sizeof(addr));
	rte_ether_format_addr(
		mac, sizeof(mac), (const struct rte_ether_addr *)ni->mac);
	if (ni->state == NEIGH_S_INCOMPLETE)
		snprintf(mac, sizeof(mac), "-");
	if (nw->arr != NULL) {
		json_array_append_new(nw->arr,
			json_pack("{s:s, s:s, s:s, s:s, s:I, s:i}", "port",
				p ? p->cfg->name : "?", "address", addr, "mac",
				mac, "state", neigh_state_name(ni->state),
				"age_ms", (json_int_t)ni->age_ms, "queued",
				(int)ni->nb_queued));
		return;
	}
	console_table_row(nw->ctx, "%s\t%s\t%s\t%s\t%llu\t%u",
		p ? p->cfg->name : "?", addr, mac, neigh_state_name(ni->state),
		(unsigned long long)ni->age_ms, ni->nb_queued);
}

static int
local_cmd_show_neighbors(struct console_ctx *ctx, int argc, char **argv)
{
	static const char *const hdr[] = { "PORT", "ADDRESS", "MAC", "STATE",
		"AGE_MS", "QUEUED" };
	struct local_cmd_walk nw = { .ctx = ctx };

	(void)argc;
	(void)argv;
	if (ctx->json)
		nw.arr = json_array();
	else
		console_table_begin(ctx, RTE_DIM(hdr), hdr);
	local_neigh_walk(local_cmd_neigh_one, &nw);
	if (ctx->json)
		return console_json(ctx, nw.arr);
	console_table_end(ctx);
	return 0;
}

const struct console_cmd local_cmds[] = {
	{ { "show", "neighbors", NULL }, "", "the ARP/ND table", CONSOLE_USER,
		0, 0, CONSOLE_F_JSON, local_cmd_show_neighbors },
	{ .fn = NULL },
};
