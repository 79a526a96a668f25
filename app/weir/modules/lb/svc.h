/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The snapshot builder (svc.c): builds a struct svc_snap (svc_types.h)
 * from the configuration and the ports, publishes it to the workers with
 * RCU, and keeps the stable ids that counters are kept by.
 *
 * Context: ctl.
 */
#ifndef SVC_H
#define SVC_H

#include <stdbool.h>
#include <stdint.h>

#include "svc_types.h"

/*
 * How ctl tells the builder where a backend is: the DPDK port towards
 * 'addr' and, if resolved, the next-hop MAC. @return true if resolved.
 */
typedef bool(svc_nh_fn)(void *arg, const struct weir_addr *addr,
	uint16_t *port_id, struct rte_ether_addr *mac);

/**
 * Build a snapshot from 'conf' and the ports, asking 'nh' for backends.
 * @return the snapshot (free with svc_snap_free()), or NULL (errno).
 */
struct svc_snap *
svc_snap_build(const struct cfg_conf *conf, svc_nh_fn *nh, void *arg);

/** Free a snapshot that no worker can see. NULL: no-op. */
void svc_snap_free(struct svc_snap *s);

/**
 * Publish 's' (ownership passes to the RCU pointer), wait until no worker
 * can see the previous one, free it.
 */
void svc_snap_publish(struct svc_snap *s);

/**
 * Tell the builder where backends are from now on: 'fn' (NULL: nowhere,
 * no next hop resolved). The local module sets its resolver at start.
 */
void svc_nh_set(svc_nh_fn *fn, void *arg);

/**
 * @return true if any backend's next hop in the published snapshot differs
 * from what the resolver says now (a MAC was learned, changed or lost).
 */
bool svc_nh_changed(void);

/**
 * Build a snapshot from weir.conf and publish it; 'why' goes to the log
 * with the build time and how many backends are resolved.
 * @return 0, or -errno (logged; the published snapshot stays).
 */
int svc_publish(const char *why);

/** @return the service with stable id 'id' in the published snapshot, or
 * NULL. */
const struct svc *svc_by_id(uint16_t id);

/**
 * @return the stable id of service 'name' or of backend (name, addr, port)
 * in the published snapshot, or -ENOENT.
 */
int svc_id_of(const char *name);
int svc_be_id_of(const char *name, const struct weir_addr *addr, uint16_t port);

/**
 * Mark backend 'id' ejected (health) or not. Snapshots built from then on
 * give it no slot, unless its service is in panic (fewer than
 * panic_percent of its takers healthy). Publish to apply. A backend id
 * given to another backend starts not ejected.
 */
void svc_be_set_ejected(uint16_t id, bool ejected);

/** @return true if backend 'id' is marked ejected. */
bool svc_be_ejected(uint16_t id);

/** Publish a first snapshot (no backend resolved yet). @return 0/-errno. */
int svc_snap_init(void);

/** Unpublish and free the snapshot once workers are stopped. */
void svc_snap_fini(void);

#endif /* SVC_H */
