/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control-plane route lookup: which port and next hop reach an address.
 * The table holds the connected prefixes of weir's own addresses and the
 * static routes from the config; lookups take the longest matching prefix.
 *
 * It serves the management thread (replies to ARP/ND/ICMP, probes), which
 * makes few lookups over a handful of routes, so a sorted array scanned in
 * order is the right structure. The worker path will look up backends in a
 * published rte_fib instead; this table is not shared with workers.
 *
 * Thread-safety: none; owned by the management thread.
 */
#ifndef ROUTE_H
#define ROUTE_H

#include <stdbool.h>
#include <stdint.h>

#include "cfg_types.h"

struct route_table;

/* The result of a lookup. */
struct route_hop {
	unsigned int port;   /* index of the port in the config */
	struct weir_addr nh; /* next hop: the gateway, or the address itself */
	bool connected;	     /* the destination is on the port's prefix */
};

/**
 * Build the table from the ports' prefixes and conf->routes.
 * @return the table, or NULL with errno ENOMEM.
 */
struct route_table *route_table_create(const struct cfg_conf *conf);

/** Free the table; NULL is a no-op. */
void route_table_destroy(struct route_table *t);

/**
 * Longest-prefix match for 'dst'.
 * @return 0 with 'hop' filled, or -ENETUNREACH.
 */
int route_lookup(const struct route_table *t, const struct weir_addr *dst,
	struct route_hop *hop);

#endif /* ROUTE_H */
