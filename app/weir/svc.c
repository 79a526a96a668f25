/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Builds and publishes struct svc_snap. Today the snapshot is built once at
 * start; the publish/synchronize/free order is already the one every later
 * update (reload, discovery, health) goes through: build, publish,
 * rte_rcu_qsbr_synchronize(), free the old.
 */
#include <errno.h>
#include <sys/socket.h>

#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "port.h"
#include "svc.h"
#include "weir.h"
#include "weir_log.h"

WEIR_LOG_TYPE("svc")

/* fe80::/64 with the modified EUI-64 of 'mac' (RFC 4291 appendix A). */
static void
svc_link_local(const struct rte_ether_addr *mac, uint8_t *ip)
{
	memset(ip, 0, 16);
	ip[0] = 0xfe;
	ip[1] = 0x80;
	ip[8] = mac->addr_bytes[0] ^ 0x02;
	ip[9] = mac->addr_bytes[1];
	ip[10] = mac->addr_bytes[2];
	ip[11] = 0xff;
	ip[12] = 0xfe;
	ip[13] = mac->addr_bytes[3];
	ip[14] = mac->addr_bytes[4];
	ip[15] = mac->addr_bytes[5];
}

static void
svc_snap_publish(struct svc_snap *s)
{
	struct svc_snap *old = weir_rcu_get(&weir.snap);

	weir_rcu_set(&weir.snap, s);
	/* Workers may still read 'old' until each passes a quiescent state. */
	if (old != NULL) {
		rte_rcu_qsbr_synchronize(weir.qsbr, RTE_QSBR_THRID_INVALID);
		rte_free(old);
	}
}

int
svc_snap_init(void)
{
	struct svc_snap *s;
	unsigned int i, j;

	s = rte_zmalloc("weir_svc_snap", sizeof(*s), RTE_CACHE_LINE_SIZE);
	if (s == NULL)
		return -ENOMEM;
	for (i = 0; i < weir.nb_ports; i++) {
		const struct port *p = &weir.ports[i];
		struct svc_port *sp = &s->port[p->id];
		bool has_v6 = false;

		sp->in_use = true;
		sp->idx = (uint8_t)i;
		sp->mac = p->mac;
		for (j = 0; j < p->cfg->nb_addrs; j++) {
			const struct cfg_addr *a = &p->cfg->addrs[j].addr;

			if (a->family == AF_INET) {
				memcpy(&sp->ip4[sp->nb_ip4++], a->a, 4);
			} else {
				memcpy(sp->ip6[sp->nb_ip6++], a->a, 16);
				has_v6 = true;
			}
		}
		if (has_v6)
			svc_link_local(&p->mac, sp->ip6[sp->nb_ip6++]);
	}
	svc_snap_publish(s);
	return 0;
}

void
svc_snap_fini(void)
{
	struct svc_snap *s = weir_rcu_get(&weir.snap);

	weir_rcu_set(&weir.snap, NULL);
	rte_free(s);
}
