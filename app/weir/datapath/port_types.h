/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A port as weir keeps it (weir.ports[]): what the workers read of it
 * (its DPDK id and MAC, fixed once the port is up) and what the
 * management thread keeps. Types only: port.c sets ports up.
 */
#ifndef PORT_TYPES_H
#define PORT_TYPES_H

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
	int socket;		       /* NUMA socket, SOCKET_ID_ANY -> 0 */
	struct rte_ether_addr mac;     /* read by workers */
	bool has_kif;		       /* an exception path (cfg kif) */
	struct rte_ether_addr kif_mac; /* its kernel interface's MAC */
	bool link_up;		       /* last link state seen */
	uint32_t link_speed;	       /* Mb/s */
	char driver[32];
};

#endif /* PORT_TYPES_H */
