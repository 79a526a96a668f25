/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Local protocols (local.c): ARP, neighbor discovery and ICMP echo for
 * weir's own addresses, the neighbor and route tables. What other
 * modules read of it: its counters and the neighbor table.
 *
 * Context: ctl, except the counters (any thread, relaxed reads).
 */
#ifndef LOCAL_H
#define LOCAL_H

#include <stdbool.h>

#include "console.h"

struct port;
struct rte_mbuf;

/* 'show neighbors' (local_cli.c), ended by an entry without a handler. */
extern const struct console_cmd local_cmds[];

/** Walk the neighbor table (for 'show neighbors'); 'info' is a
 * const struct neigh_info *. */
void local_neigh_walk(void (*cb)(void *arg, const void *info), void *arg);

/**
 * Send 'm' (a whole frame) on 'p' from the management thread: on the
 * port's management TX queue, or through worker 0's ctl_tx ring.
 * @return 0, or -ENOBUFS ('m' freed, counted in mgmt_tx_drops).
 */
int local_tx(struct port *p, struct rte_mbuf *m);

/*
 * A taker of punted frames before the local protocols see them (the
 * exception path). It returns true if it took 'm' (and freed it); false
 * lets the local protocols handle 'm' as usual.
 */
typedef bool (*local_punt_fn)(struct port *p, struct rte_mbuf *m);

/** Set the taker (NULL: none). */
void local_punt_hook_set(local_punt_fn fn);

#endif /* LOCAL_H */
