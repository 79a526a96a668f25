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

#include "console.h"

/* 'show neighbors' (local_cli.c), ended by an entry without a handler. */
extern const struct console_cmd local_cmds[];

/** Walk the neighbor table (for 'show neighbors'); 'info' is a
 * const struct neigh_info *. */
void local_neigh_walk(void (*cb)(void *arg, const void *info), void *arg);

#endif /* LOCAL_H */
