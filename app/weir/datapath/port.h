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

#include <rte_ether.h>

#include "cfg_types.h"

struct port {
	const struct cfg_port *cfg; /* the config entry */
	uint16_t id;		    /* DPDK port id; read by workers */
	uint16_t nb_txq;	    /* workers', plus ctl's if any */
	bool has_ctl_txq;	    /* ctl transmits on queue nb_workers */
	bool started;
	int socket;		   /* NUMA socket, SOCKET_ID_ANY -> 0 */
	struct rte_ether_addr mac; /* read by workers */
	bool link_up;		   /* last link state seen */
	uint32_t link_speed;	   /* Mb/s */
	char driver[32];
};

/** @return the port whose DPDK id is 'id', or NULL. */
struct port *port_by_id(uint16_t id);

/** @return the mbuf pool of the port's socket. */
struct rte_mempool *port_pool(const struct port *p);

#endif /* PORT_H */
