/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Routes sorted by prefix length, longest first, so the first match is the
 * longest. Connected prefixes come from the port addresses (host bits
 * masked), static routes from the config, which already checked that each
 * next hop sits on a connected prefix.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cfg.h"
#include "route.h"

struct route_entry {
	struct weir_prefix dst;
	struct route_hop hop; /* nh unset for connected routes */
};

struct route_table {
	unsigned int nb;
	struct route_entry *r;
};

static int
route_cmp(const void *a, const void *b)
{
	const struct route_entry *x = a, *y = b;

	return (int)y->dst.len - (int)x->dst.len;
}

static void
route_mask(struct weir_prefix *p)
{
	unsigned int i;

	for (i = 0; i < 16; i++) {
		unsigned int lo = i * 8;

		if (lo >= p->len)
			p->addr.a[i] = 0;
		else if (lo + 8 > p->len)
			p->addr.a[i] &= (uint8_t)(0xff << (lo + 8 - p->len));
	}
}

struct route_table *
route_table_create(const struct cfg_conf *conf)
{
	struct route_table *t = calloc(1, sizeof(*t));
	unsigned int i, j, n = conf->nb_routes;

	if (t == NULL)
		return NULL;
	for (i = 0; i < conf->nb_ports; i++)
		n += conf->ports[i].nb_addrs;
	t->r = calloc(n ? n : 1, sizeof(*t->r));
	if (t->r == NULL) {
		free(t);
		return NULL;
	}
	for (i = 0; i < conf->nb_ports; i++)
		for (j = 0; j < conf->ports[i].nb_addrs; j++) {
			struct route_entry *e = &t->r[t->nb++];

			e->dst = conf->ports[i].addrs[j];
			route_mask(&e->dst);
			e->hop.port = i;
			e->hop.connected = true;
		}
	for (i = 0; i < conf->nb_routes; i++) {
		struct route_entry *e = &t->r[t->nb++];

		e->dst = conf->routes[i].dst;
		e->hop.port = conf->routes[i].port;
		e->hop.nh = conf->routes[i].via;
	}
	/* Stable order among equal lengths is not needed: config rejects
	 * duplicate routes, and equal connected prefixes on two ports are a
	 * misconfiguration either port answers for. */
	qsort(t->r, t->nb, sizeof(*t->r), route_cmp);
	return t;
}

void
route_table_destroy(struct route_table *t)
{
	if (t == NULL)
		return;
	free(t->r);
	free(t);
}

int
route_lookup(const struct route_table *t, const struct weir_addr *dst,
	struct route_hop *hop)
{
	unsigned int i;

	for (i = 0; i < t->nb; i++) {
		if (!weir_prefix_contains(&t->r[i].dst, dst))
			continue;
		*hop = t->r[i].hop;
		if (hop->connected)
			hop->nh = *dst;
		return 0;
	}
	return -ENETUNREACH;
}
