/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The forwarding snapshot workers read: per port, the MAC and weir's own
 * addresses (configured ones plus the IPv6 link-local address derived from
 * the MAC). Services and VIPs join it with load balancing.
 *
 * Thread-safety: a snapshot is immutable once published. ctl builds a new
 * one, publishes it with weir_rcu_set(&weir.snap, ...), waits for a QSBR
 * grace period and only then frees the old one. Workers load the pointer
 * once per loop iteration with weir_rcu_get() and report quiescence at the
 * end of the iteration.
 *
 * Example (worker):
 *	const struct svc_snap *s = weir_rcu_get(&weir.snap);
 *	... use s for the whole burst ...
 *	rte_rcu_qsbr_quiescent(weir.qsbr, w->idx);
 */
#ifndef SVC_H
#define SVC_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_ether.h>

#include "cfg_types.h"

#define SVC_ADDRS_MAX (CFG_PORT_ADDRS_MAX + 1)	/* + IPv6 link-local */

struct svc_port {
	bool in_use;				/* a configured port */
	uint8_t idx;				/* index in weir.ports */
	uint8_t nb_ip4;
	uint8_t nb_ip6;
	struct rte_ether_addr mac;
	uint32_t ip4[SVC_ADDRS_MAX];		/* network order */
	uint8_t ip6[SVC_ADDRS_MAX][16];		/* network order */
};

struct svc_snap {
	/* Indexed by DPDK port id, so workers need no mapping. */
	struct svc_port port[RTE_MAX_ETHPORTS];
};

/** Build the snapshot from the ports and publish it. @return 0 or -errno. */
int svc_snap_init(void);

/** Unpublish and free the snapshot once workers are stopped. */
void svc_snap_fini(void);

/* Context: worker. @return true if 'ip' (network order) is weir's on 'sp'. */
static inline bool
svc_port_has_ip4(const struct svc_port *sp, uint32_t ip)
{
	unsigned int i;

	for (i = 0; i < sp->nb_ip4; i++)
		if (sp->ip4[i] == ip)
			return true;
	return false;
}

/* Context: worker. @return true if 'ip' is weir's on 'sp'. */
static inline bool
svc_port_has_ip6(const struct svc_port *sp, const uint8_t *ip)
{
	unsigned int i;

	for (i = 0; i < sp->nb_ip6; i++)
		if (memcmp(sp->ip6[i], ip, 16) == 0)
			return true;
	return false;
}

#endif /* SVC_H */
