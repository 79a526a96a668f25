/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Lookups in a published snapshot (svc_types.h): is an address weir's on
 * a port, which service a packet or a session belongs to, is an address a
 * VIP. Inline, for the workers' per-packet path; ctl uses them too.
 *
 * Context: worker (and ctl). Read-only; no locks, no calls out.
 */
#ifndef SVC_DP_H
#define SVC_DP_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <netinet/in.h>

#include "svc_types.h"

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

/*
 * The first slot of the group (family, proto, VIP 'a') in vip_slot: a
 * Fibonacci (golden-ratio multiply) hash of the address folded to 32 bits,
 * a few instructions per packet. The keys are configured VIPs, not
 * packets, so there is nothing for an outsider to collide on purpose; a
 * packet to some other address only probes to the next empty slot, and
 * the table is at most half full.
 */
static inline uint32_t
svc_vip_hash(uint8_t family, uint8_t proto, const uint8_t *a)
{
	uint32_t x, w[4];

	if (family == AF_INET) {
		memcpy(&x, a, 4);
	} else {
		memcpy(w, a, 16);
		x = w[0] ^ w[1] ^ w[2] ^ w[3];
	}
	x ^= (uint32_t)proto << 24;
	return (x * UINT32_C(0x9e3779b1)) >> (32 - SVC_VIP_SLOTS_LOG2);
}

/* @return true if 'v' is a service of (family, proto, VIP 'vip'). */
static inline bool
svc_is_group(
	const struct svc *v, uint8_t family, uint8_t proto, const uint8_t *vip)
{
	uint64_t a[2], b[2];

	if (v->family != family || v->proto != proto)
		return false;
	/* Word compares rather than memcmp(), which GCC may call out to. */
	if (family == AF_INET) {
		uint32_t x, y;

		memcpy(&x, v->vip, 4);
		memcpy(&y, vip, 4);
		return x == y;
	}
	memcpy(a, v->vip, 16);
	memcpy(b, vip, 16);
	return a[0] == b[0] && a[1] == b[1];
}

/*
 * Context: worker (and ctl). @return the first service of the group
 * (family, proto, VIP 'dst'), or NULL.
 */
static inline const struct svc *
svc_find_vip(const struct svc_snap *s, uint8_t family, uint8_t proto,
	const uint8_t *dst)
{
	uint32_t i = svc_vip_hash(family, proto, dst);

	for (;;) {
		const struct svc *v;

		if (s->vip_slot[i] < 0)
			return NULL;
		v = &s->svc[s->vip_slot[i]];
		if (svc_is_group(v, family, proto, dst))
			return v;
		i = (i + 1) & (SVC_VIP_SLOTS - 1);
	}
}

/*
 * Context: worker. @return the service for a packet to 'dst' (16 bytes,
 * IPv4 in the first 4) port 'dport' (host order), or NULL.
 */
static inline const struct svc *
svc_find(const struct svc_snap *s, uint8_t family, uint8_t proto,
	const uint8_t *dst, uint16_t dport)
{
	const struct svc *v = svc_find_vip(s, family, proto, dst);

	while (v != NULL && (dport < v->port_lo || dport > v->port_hi))
		v = v->next_same_vip < 0 ? NULL : &s->svc[v->next_same_vip];
	return v;
}

/*
 * Context: worker. @return the service a session was made for: by the id
 * it keeps, then, if that id is gone or names another service now, by its
 * VIP and port as a packet would find it; NULL if neither.
 */
static inline const struct svc *
svc_of_session(const struct svc_snap *s, uint16_t id, uint8_t family,
	uint8_t proto, const uint8_t *vip, uint16_t vport)
{
	const struct svc *v = id < SVC_ID_MAX && s->by_id[id] >= 0 ?
		&s->svc[s->by_id[id]] :
		NULL;

	if (v != NULL && vport >= v->port_lo && vport <= v->port_hi &&
		svc_is_group(v, family, proto, vip))
		return v;
	return svc_find(s, family, proto, vip, vport);
}

/* Context: worker. @return true if 'dst' is the VIP of some service. */
static inline bool
svc_is_vip(const struct svc_snap *s, uint8_t family, const uint8_t *dst)
{
	return svc_find_vip(s, family, IPPROTO_TCP, dst) != NULL ||
		svc_find_vip(s, family, IPPROTO_UDP, dst) != NULL;
}

#endif /* SVC_DP_H */
