/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ports: probe, configure one RX and one TX queue per worker (plus a TX
 * queue for the management thread where the device has one to spare), RSS
 * with a symmetric key, per-socket mbuf pools, link watch.
 *
 * Context: ctl. Workers only read the fields marked "read by workers",
 * which do not change after port_init_all().
 */
#ifndef PORT_H
#define PORT_H

#include <stdbool.h>
#include <stdint.h>

#include "console.h"
#include "port_types.h"

/** @return the port whose DPDK id is 'id', or NULL. */
struct port *port_by_id(uint16_t id);

/** @return the mbuf pool of the port's socket. */
struct rte_mempool *port_pool(const struct port *p);

/* 'show ports' (worker_cli.c), ended by an entry without a handler. */
extern const struct console_cmd port_cmds[];

#endif /* PORT_H */
