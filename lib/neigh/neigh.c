/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Neighbor table implementation.
 *
 * HOW IT WORKS
 * Entries live in one array sized max_entries at creation; a power-of-two
 * bucket array of chain heads indexes them by a hash of the key, and free
 * entries form a list threaded through the same 'next' field. Nothing is
 * allocated after creation, so a flood of unknown addresses can fill the
 * table (counted as table_full) but never grow memory.
 *
 * States follow RFC 4861, with DELAY folded into PROBE: an entry is created
 * INCOMPLETE by a resolution (multicast/broadcast solicitations every
 * retrans_ms, at most max_probes, then it is deleted and its queue dropped)
 * or STALE/REACHABLE by learning. REACHABLE decays to STALE after
 * reachable_ms; a STALE entry that is used sends one unicast probe and
 * becomes PROBE, which falls back to deletion if max_probes go unanswered;
 * a STALE entry unused for stale_ms is removed. Packets wait in a per-entry
 * ring of queue_len slots; when it is full the new packet is refused, as
 * Linux does with unres_qlen, so the oldest (already retried) keeps its
 * place.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_jhash.h>

#include "neigh.h"

#define NEIGH_NIL UINT32_MAX /* end of a chain */

struct neigh_entry {
	struct neigh_key key;
	uint8_t mac[6];
	uint8_t state;	       /* enum neigh_state */
	uint8_t nb_probes;     /* solicitations sent in this state */
	uint32_t next;	       /* chain or free list, index or NEIGH_NIL */
	uint32_t q_head;       /* oldest queued packet, slot index */
	uint32_t q_len;	       /* queued packets */
	uint64_t confirmed_ms; /* last confirmation or creation */
	uint64_t used_ms;      /* last neigh_resolve() hit */
	uint64_t next_ms;      /* next solicitation (INCOMPLETE, PROBE) */
};

struct neigh_table {
	struct neigh_params p;
	struct neigh_ops ops;
	struct neigh_stats stats;
	uint32_t nb_used;
	uint32_t free_head;   /* free list of entries */
	uint32_t bucket_mask; /* buckets - 1 */
	uint32_t *buckets;    /* chain heads */
	struct neigh_entry *entries;
	void **queue; /* max_entries * queue_len packet slots */
};

static uint32_t
neigh_hash(const struct neigh_table *t, const struct neigh_key *k)
{
	return rte_jhash(k, sizeof(*k), 0) & t->bucket_mask;
}

struct neigh_table *
neigh_table_create(const struct neigh_params *p, const struct neigh_ops *ops)
{
	struct neigh_table *t;
	uint32_t nb_buckets = 1, i;

	/* max_entries above 2^30 would need 2^32 buckets (the doubling loop
	 * below never ends); max_probes must fit the 8-bit nb_probes. */
	if (p == NULL || ops == NULL || p->max_entries == 0 ||
		p->max_entries > (UINT32_C(1) << 30) || p->max_probes == 0 ||
		p->max_probes > UINT8_MAX || ops->solicit == NULL ||
		ops->send == NULL || ops->drop == NULL) {
		errno = EINVAL;
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return NULL;
	t->p = *p;
	t->ops = *ops;
	/* Load factor at most 1/2 keeps chains short without tuning. */
	while (nb_buckets < p->max_entries * 2)
		nb_buckets <<= 1;
	t->bucket_mask = nb_buckets - 1;
	t->buckets = malloc(nb_buckets * sizeof(*t->buckets));
	t->entries = calloc(p->max_entries, sizeof(*t->entries));
	t->queue = calloc(
		(size_t)p->max_entries * (p->queue_len ? p->queue_len : 1),
		sizeof(*t->queue));
	if (t->buckets == NULL || t->entries == NULL || t->queue == NULL) {
		neigh_table_destroy(t);
		errno = ENOMEM;
		return NULL;
	}
	for (i = 0; i < nb_buckets; i++)
		t->buckets[i] = NEIGH_NIL;
	for (i = 0; i < p->max_entries; i++)
		t->entries[i].next = i + 1 < p->max_entries ? i + 1 : NEIGH_NIL;
	t->free_head = 0;
	return t;
}

static void
neigh_queue_drop(struct neigh_table *t, struct neigh_entry *e)
{
	void **q = &t->queue[(size_t)(e - t->entries) * t->p.queue_len];

	while (e->q_len > 0) {
		t->ops.drop(t->ops.arg, q[e->q_head]);
		t->stats.queue_drops++;
		e->q_head = (e->q_head + 1) % t->p.queue_len;
		e->q_len--;
	}
}

void
neigh_table_destroy(struct neigh_table *t)
{
	uint32_t i;

	if (t == NULL)
		return;
	if (t->entries != NULL && t->queue != NULL)
		for (i = 0; i < t->p.max_entries; i++)
			if (t->entries[i].state != NEIGH_S_FREE)
				neigh_queue_drop(t, &t->entries[i]);
	free(t->buckets);
	free(t->entries);
	free(t->queue);
	free(t);
}

static struct neigh_entry *
neigh_find(const struct neigh_table *t, const struct neigh_key *k)
{
	uint32_t i = t->buckets[neigh_hash(t, k)];

	while (i != NEIGH_NIL) {
		struct neigh_entry *e = &t->entries[i];

		if (memcmp(&e->key, k, sizeof(*k)) == 0)
			return e;
		i = e->next;
	}
	return NULL;
}

static struct neigh_entry *
neigh_alloc(struct neigh_table *t, const struct neigh_key *k, uint64_t now_ms)
{
	struct neigh_entry *e;
	uint32_t i = t->free_head, b;

	if (i == NEIGH_NIL) {
		t->stats.table_full++;
		return NULL;
	}
	e = &t->entries[i];
	t->free_head = e->next;
	memset(e, 0, sizeof(*e));
	e->key = *k;
	e->key.pad = 0;
	e->confirmed_ms = now_ms;
	e->used_ms = now_ms;
	b = neigh_hash(t, &e->key);
	e->next = t->buckets[b];
	t->buckets[b] = i;
	t->nb_used++;
	return e;
}

static void
neigh_free(struct neigh_table *t, struct neigh_entry *e)
{
	uint32_t idx = (uint32_t)(e - t->entries);
	uint32_t *pp = &t->buckets[neigh_hash(t, &e->key)];

	neigh_queue_drop(t, e);
	while (*pp != idx)
		pp = &t->entries[*pp].next;
	*pp = e->next;
	e->state = NEIGH_S_FREE;
	e->next = t->free_head;
	t->free_head = idx;
	t->nb_used--;
}

static int
neigh_enqueue(struct neigh_table *t, struct neigh_entry *e, void *pkt)
{
	void **q = &t->queue[(size_t)(e - t->entries) * t->p.queue_len];

	if (pkt == NULL)
		return 1;
	if (e->q_len >= t->p.queue_len) {
		t->stats.queue_drops++;
		return -ENOBUFS;
	}
	q[(e->q_head + e->q_len) % t->p.queue_len] = pkt;
	e->q_len++;
	t->stats.queued++;
	return 1;
}

static void
neigh_solicit(struct neigh_table *t, struct neigh_entry *e, bool unicast,
	uint64_t now_ms)
{
	e->nb_probes++;
	e->next_ms = now_ms + t->p.retrans_ms;
	t->stats.solicits++;
	t->ops.solicit(t->ops.arg, &e->key, unicast ? e->mac : NULL);
}

int
neigh_resolve(struct neigh_table *t, const struct neigh_key *k, void *pkt,
	uint64_t now_ms, uint8_t mac[6])
{
	struct neigh_key key = *k;
	struct neigh_entry *e;
	int rc;

	key.pad = 0;
	e = neigh_find(t, &key);
	if (e == NULL) {
		e = neigh_alloc(t, &key, now_ms);
		if (e == NULL)
			return -ENOSPC;
		e->state = NEIGH_S_INCOMPLETE;
		rc = neigh_enqueue(t, e, pkt);
		neigh_solicit(t, e, false, now_ms);
		return rc;
	}
	if (e->state == NEIGH_S_INCOMPLETE)
		return neigh_enqueue(t, e, pkt);
	e->used_ms = now_ms;
	if (e->state == NEIGH_S_STALE) {
		e->state = NEIGH_S_PROBE;
		e->nb_probes = 0;
		neigh_solicit(t, e, true, now_ms);
	}
	memcpy(mac, e->mac, 6);
	return 0;
}

int
neigh_learn(struct neigh_table *t, const struct neigh_key *k,
	const uint8_t mac[6], uint64_t now_ms, unsigned int flags)
{
	struct neigh_key key = *k;
	struct neigh_entry *e;
	void **q;
	int sent = 0;

	key.pad = 0;
	e = neigh_find(t, &key);
	if (e != NULL && e->state == NEIGH_S_PERMANENT &&
		!(flags & NEIGH_F_PERMANENT))
		return 0;
	if (e != NULL && (flags & NEIGH_F_PERMANENT)) {
		neigh_free(t, e);
		e = NULL;
	}
	if (e == NULL) {
		if (!(flags & (NEIGH_F_CREATE | NEIGH_F_PERMANENT)))
			return 0;
		e = neigh_alloc(t, &key, now_ms);
		if (e == NULL)
			return -ENOSPC;
		t->stats.learned++;
		memcpy(e->mac, mac, 6);
		e->state = (flags & NEIGH_F_PERMANENT) ? NEIGH_S_PERMANENT :
			(flags & NEIGH_F_CONFIRMED)    ? NEIGH_S_REACHABLE :
							 NEIGH_S_STALE;
		return 0;
	}
	if (e->state == NEIGH_S_INCOMPLETE) {
		t->stats.resolved++;
		memcpy(e->mac, mac, 6);
		e->state = (flags & NEIGH_F_CONFIRMED) ? NEIGH_S_REACHABLE :
							 NEIGH_S_STALE;
		e->confirmed_ms = now_ms;
		q = &t->queue[(size_t)(e - t->entries) * t->p.queue_len];
		while (e->q_len > 0) {
			void *pkt = q[e->q_head];

			e->q_head = (e->q_head + 1) % t->p.queue_len;
			e->q_len--;
			t->ops.send(t->ops.arg, &e->key, e->mac, pkt);
			sent++;
		}
		return sent;
	}
	if (flags & NEIGH_F_CONFIRMED) {
		memcpy(e->mac, mac, 6);
		e->state = NEIGH_S_REACHABLE;
		e->confirmed_ms = now_ms;
		e->nb_probes = 0;
	} else if (memcmp(e->mac, mac, 6) != 0) {
		/* A moved address is believed but must be confirmed. */
		memcpy(e->mac, mac, 6);
		e->state = NEIGH_S_STALE;
		e->used_ms = now_ms;
	}
	return 0;
}

void
neigh_age(struct neigh_table *t, uint64_t now_ms)
{
	uint32_t i;

	for (i = 0; i < t->p.max_entries; i++) {
		struct neigh_entry *e = &t->entries[i];

		switch (e->state) {
		case NEIGH_S_INCOMPLETE:
		case NEIGH_S_PROBE:
			if (now_ms < e->next_ms)
				break;
			if (e->nb_probes >= t->p.max_probes) {
				t->stats.failed++;
				neigh_free(t, e);
				break;
			}
			neigh_solicit(t, e, e->state == NEIGH_S_PROBE, now_ms);
			break;
		case NEIGH_S_REACHABLE:
			if (now_ms - e->confirmed_ms >= t->p.reachable_ms) {
				e->state = NEIGH_S_STALE;
				e->used_ms = now_ms;
			}
			break;
		case NEIGH_S_STALE:
			if (now_ms - e->used_ms >= t->p.stale_ms) {
				t->stats.expired++;
				neigh_free(t, e);
			}
			break;
		default:
			break;
		}
	}
}

int
neigh_delete(struct neigh_table *t, const struct neigh_key *k)
{
	struct neigh_key key = *k;
	struct neigh_entry *e;

	key.pad = 0;
	e = neigh_find(t, &key);
	if (e == NULL)
		return -ENOENT;
	neigh_free(t, e);
	return 0;
}

void
neigh_walk(const struct neigh_table *t, uint64_t now_ms,
	void (*cb)(void *arg, const struct neigh_info *ni), void *arg)
{
	uint32_t i;

	for (i = 0; i < t->p.max_entries; i++) {
		const struct neigh_entry *e = &t->entries[i];
		struct neigh_info ni;

		if (e->state == NEIGH_S_FREE)
			continue;
		ni.key = e->key;
		memcpy(ni.mac, e->mac, 6);
		ni.state = (enum neigh_state)e->state;
		ni.nb_queued = e->q_len;
		ni.age_ms = now_ms - e->confirmed_ms;
		cb(arg, &ni);
	}
}

unsigned int
neigh_count(const struct neigh_table *t)
{
	return t->nb_used;
}

const struct neigh_stats *
neigh_stats(const struct neigh_table *t)
{
	return &t->stats;
}

const char *
neigh_state_name(enum neigh_state s)
{
	static const char *const names[NEIGH_S_COUNT] = {
		[NEIGH_S_FREE] = "free",
#define NEIGH_STATE_NAME(e, name) [NEIGH_S_##e] = name,
		NEIGH_STATES(NEIGH_STATE_NAME)
#undef NEIGH_STATE_NAME
	};

	return (unsigned int)s < NEIGH_S_COUNT ? names[s] : "?";
}
