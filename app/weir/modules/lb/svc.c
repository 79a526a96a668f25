/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Builds and publishes struct svc_snap. Every change (start, reload, a
 * backend's next hop resolving or moving) builds a whole new snapshot from
 * the configuration and publishes it in the same order: build, publish,
 * rte_rcu_qsbr_synchronize(), free the old. Rebuilding everything, Maglev
 * tables included, costs about a millisecond per service and happens only
 * on such events; patching a live snapshot in place was rejected because
 * workers would see half-applied changes.
 */
#include <errno.h>
#include <sys/socket.h>

#include <rte_jhash.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "cfg.h"
#include "ewma.h"
#include "maglev.h"
#include "port.h"
#include "lb_stats.h"
#include "svc.h"
#include "svc_dp.h"
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

/* Add 'a' to the port's addresses unless it is there or the list is full. */
static void
svc_port_add(struct svc_port *sp, const struct weir_addr *a)
{
	if (a->family == AF_INET) {
		uint32_t ip;

		memcpy(&ip, a->a, 4);
		if (!svc_port_has_ip4(sp, ip) && sp->nb_ip4 < SVC_ADDRS_MAX)
			sp->ip4[sp->nb_ip4++] = ip;
	} else if (!svc_port_has_ip6(sp, a->a) && sp->nb_ip6 < SVC_ADDRS_MAX) {
		memcpy(sp->ip6[sp->nb_ip6++], a->a, 16);
	}
}

/* Add 'a' to whichever port's prefix holds it. */
static void
svc_port_add_on_link(struct svc_snap *s, const struct weir_addr *a)
{
	unsigned int i, j;

	for (i = 0; i < weir.nb_ports; i++) {
		const struct port *p = &weir.ports[i];

		for (j = 0; j < p->cfg->nb_addrs; j++)
			if (weir_prefix_contains(&p->cfg->addrs[j], a)) {
				svc_port_add(&s->port[p->id], a);
				return;
			}
	}
}

/*
 * Stable ids. Counters are kept per id, so a service or backend keeps its
 * counters across every rebuild that keeps it. Ids are handed out in
 * increasing order and recycled only when the space wraps, so a session
 * that outlives its backend's removal rarely finds its id reused by a new
 * one. Context: ctl only.
 */
static struct {
	bool used;
	bool seen; /* in the snapshot being built */
	char name[CFG_NAME_SIZE];
} svc_ids[SVC_ID_MAX];

static struct {
	bool used;
	bool seen;
	uint32_t epoch; /* svc_backend.epoch */
	uint16_t svc;	/* service id */
	struct weir_addr addr;
	uint16_t port; /* host order */
} be_ids[SVC_BE_ID_MAX];

static bool be_ejected[SVC_BE_ID_MAX]; /* by backend id (health) */
static unsigned int svc_id_next, be_id_next;
static uint32_t be_epoch_next; /* epochs handed out; 0 is none */

static int
svc_id_get(const char *name)
{
	unsigned int i, id;

	for (i = 0; i < SVC_ID_MAX; i++)
		if (svc_ids[i].used && strcmp(svc_ids[i].name, name) == 0)
			goto found;
	for (i = 0; i < SVC_ID_MAX; i++) {
		id = (svc_id_next + i) % SVC_ID_MAX;
		if (!svc_ids[id].used) {
			svc_id_next = id + 1;
			svc_ids[id].used = true;
			snprintf(svc_ids[id].name, sizeof(svc_ids[id].name),
				"%s", name);
			lb_stats_obj_retire(LB_STATS_SVC, id);
			i = id;
			goto found;
		}
	}
	return -ENOSPC;
found:
	svc_ids[i].seen = true;
	return (int)i;
}

static int
svc_be_id_get(uint16_t svc, const struct weir_addr *addr, uint16_t port)
{
	unsigned int i, id;

	for (i = 0; i < SVC_BE_ID_MAX; i++)
		if (be_ids[i].used && be_ids[i].svc == svc &&
			be_ids[i].port == port &&
			memcmp(&be_ids[i].addr, addr, sizeof(*addr)) == 0)
			goto found;
	for (i = 0; i < SVC_BE_ID_MAX; i++) {
		id = (be_id_next + i) % SVC_BE_ID_MAX;
		if (!be_ids[id].used) {
			be_id_next = id + 1;
			be_ids[id].used = true;
			/* Per-worker latency state by id starts over. */
			be_ids[id].epoch = ++be_epoch_next ? be_epoch_next :
							     ++be_epoch_next;
			be_ids[id].svc = svc;
			be_ejected[id] = false;
			be_ids[id].addr = *addr;
			be_ids[id].port = port;
			lb_stats_obj_retire(LB_STATS_BE, id);
			i = id;
			goto found;
		}
	}
	return -ENOSPC;
found:
	be_ids[i].seen = true;
	return (int)i;
}

/* A failed build: forget what it marked, keep every id in use. */
static void
svc_ids_sweep_abort(void)
{
	unsigned int i;

	for (i = 0; i < SVC_ID_MAX; i++)
		svc_ids[i].seen = false;
	for (i = 0; i < SVC_BE_ID_MAX; i++)
		be_ids[i].seen = false;
}

/* After a build: ids the new snapshot does not use become free. */
static void
svc_ids_sweep(void)
{
	unsigned int i;

	for (i = 0; i < SVC_ID_MAX; i++) {
		svc_ids[i].used &= svc_ids[i].seen;
		svc_ids[i].seen = false;
	}
	for (i = 0; i < SVC_BE_ID_MAX; i++) {
		be_ids[i].used &= be_ids[i].seen;
		be_ids[i].seen = false;
	}
}

int
svc_id_of(const char *name)
{
	unsigned int i;

	for (i = 0; i < SVC_ID_MAX; i++)
		if (svc_ids[i].used && strcmp(svc_ids[i].name, name) == 0)
			return (int)i;
	return -ENOENT;
}

void
svc_be_set_ejected(uint16_t id, bool ejected)
{
	if (id < SVC_BE_ID_MAX)
		be_ejected[id] = ejected;
}

bool
svc_be_ejected(uint16_t id)
{
	return id < SVC_BE_ID_MAX && be_ejected[id];
}

int
svc_be_id_of(const char *name, const struct weir_addr *addr, uint16_t port)
{
	int svc = svc_id_of(name);
	unsigned int i;

	if (svc < 0)
		return svc;
	for (i = 0; i < SVC_BE_ID_MAX; i++)
		if (be_ids[i].used && be_ids[i].svc == svc &&
			be_ids[i].port == port &&
			memcmp(&be_ids[i].addr, addr, sizeof(*addr)) == 0)
			return (int)i;
	return -ENOENT;
}

static uint32_t
svc_ticks(unsigned int s)
{
	return (uint32_t)((uint64_t)s * weir.ticks_per_s);
}

/* Shares of 100 as cumulative thresholds of a 32-bit draw. */
static void
svc_fault_set(const struct cfg_fault *f, struct svc *v)
{
	uint64_t r = (uint64_t)f->reset_pct << 32,
		 d = r + ((uint64_t)f->drop_pct << 32),
		 h = d + ((uint64_t)f->delay_pct << 32);

	v->fault_reset = (uint32_t)RTE_MIN(r / 100, (uint64_t)UINT32_MAX);
	v->fault_drop = (uint32_t)RTE_MIN(d / 100, (uint64_t)UINT32_MAX);
	v->fault_delay = (uint32_t)RTE_MIN(h / 100, (uint64_t)UINT32_MAX);
	v->fault_delay_ticks = (uint32_t)(((uint64_t)f->delay_ms *
							  weir.ticks_per_s +
						  999) /
		1000);
}

static void
svc_timeouts(const struct cfg_timeouts *c, struct flow_timeouts *t)
{
	t->t[FLOW_S_SYN_SENT] = svc_ticks(c->syn_s);
	t->t[FLOW_S_SYN_RECV] = svc_ticks(c->syn_s);
	t->t[FLOW_S_ESTABLISHED] = svc_ticks(c->established_s);
	t->t[FLOW_S_FIN_WAIT] = svc_ticks(c->fin_s);
	t->t[FLOW_S_LAST_ACK] = svc_ticks(c->fin_s);
	t->t[FLOW_S_TIME_WAIT] = svc_ticks(c->time_wait_s);
	t->t[FLOW_S_CLOSE] = svc_ticks(c->close_s);
	t->t[FLOW_S_UDP] = svc_ticks(c->udp_s);
}

/*
 * A digest of everything a Maglev table depends on: size, seed, and each
 * backend's key and effective weight in order. Two independent 32-bit
 * chains make a false match a 2^-64 event.
 */
static uint64_t
svc_table_digest(const struct maglev_backend *mb, unsigned int n, uint32_t size,
	uint64_t seed)
{
	uint32_t a = rte_jhash_2words(size, (uint32_t)seed, 0x2545f491);
	uint32_t b = rte_jhash_2words(size, (uint32_t)(seed >> 32), 0x9e3779b9);
	unsigned int i;

	for (i = 0; i < n; i++) {
		a = rte_jhash_1word(
			mb[i].weight, rte_jhash(mb[i].key, mb[i].key_len, a));
		b = rte_jhash_1word(mb[i].weight ^ 0x85ebca6b,
			rte_jhash(mb[i].key, mb[i].key_len, b ^ 0xc2b2ae35));
	}
	return (uint64_t)a << 32 | b;
}

const struct svc *
svc_by_id(uint16_t id)
{
	const struct svc_snap *s = weir_rcu_get(&weir.snap);

	if (s == NULL || id >= SVC_ID_MAX || s->by_id[id] < 0)
		return NULL;
	return &s->svc[s->by_id[id]];
}

static int
svc_build_one(const struct cfg_service *c, struct svc *v, svc_nh_fn *nh,
	void *arg, uint64_t seed)
{
	const struct svc *prev;
	struct maglev_backend *mb;
	struct svc_backend *be;
	uint8_t(*keys)[18];
	unsigned int i, nb_takers = 0, nb_healthy = 0, nb_resolved = 0;
	uint16_t *table;
	int rc, id;

	id = svc_id_get(c->name);
	if (id < 0)
		return id;
	v->id = (uint16_t)id;
	memcpy(v->vip, c->vip.a, 16);
	v->family = c->vip.family;
	v->proto = c->proto;
	v->balancer = c->balancer;
	v->hash = c->hash;
	v->port_lo = c->port_lo;
	v->port_hi = c->port_hi;
	v->midflow = c->midflow;
	v->mss = c->mss;
	v->nb_laddrs = (uint16_t)c->nb_laddrs;
	for (i = 0; i < c->nb_laddrs; i++)
		memcpy(v->laddrs[i], c->laddrs[i].a, 16);
	/* A service made at runtime has none: use the backend-facing port's
	 * address, as the loader does by default. */
	if (v->nb_laddrs == 0 && c->nb_backends > 0) {
		uint16_t pid;
		struct rte_ether_addr mac;
		const struct port *p;

		(void)nh(arg, &c->backends[0].addr, &pid, &mac);
		p = port_by_id(pid);
		for (i = 0; p != NULL && i < p->cfg->nb_addrs; i++) {
			const struct weir_addr *a = &p->cfg->addrs[i].addr;

			if (a->family == c->vip.family) {
				memcpy(v->laddrs[0], a->a, 16);
				v->nb_laddrs = 1;
				break;
			}
		}
	}
	svc_timeouts(&c->timeouts, &v->timeouts);
	ewma_tau_set(&v->lat_tau, svc_ticks(c->latency.decay_s));
	v->retry = c->proto == IPPROTO_TCP && c->connect_retry;
	/* Each worker holds its share of the limits: no count is shared. */
	v->max_flows = (c->max_flows + weir.nb_workers - 1) /
		RTE_MAX(weir.nb_workers, 1u);
	v->max_be_flows = (c->max_be_flows + weir.nb_workers - 1) /
		RTE_MAX(weir.nb_workers, 1u);
	v->connect_timeout = (uint32_t)(((uint64_t)c->connect_timeout_ms *
							weir.ticks_per_s +
						999) /
		1000);
	v->lat_init_ns = c->latency.initial_ms * 1000000u;
	svc_fault_set(&c->fault, v);
	snprintf(v->name, sizeof(v->name), "%s", c->name);

	/* One spare element: a service may have no backend (yet). */
	be = rte_zmalloc("weir_svc_be", (c->nb_backends + 1) * sizeof(*be),
		RTE_CACHE_LINE_SIZE);
	table = rte_malloc("weir_maglev", c->maglev_size * sizeof(*table),
		RTE_CACHE_LINE_SIZE);
	mb = calloc(c->nb_backends + 1, sizeof(*mb));
	keys = calloc(c->nb_backends + 1, sizeof(*keys));
	if (be == NULL || table == NULL || mb == NULL || keys == NULL) {
		rc = -ENOMEM;
		goto err;
	}
	for (i = 0; i < c->nb_backends; i++) {
		const struct cfg_backend *cb = &c->backends[i];

		id = svc_be_id_get(v->id, &cb->addr, cb->port);
		if (id >= 0 && cb->state == SVC_BE_READY && cb->weight > 0) {
			nb_takers++;
			nb_healthy += !be_ejected[id];
		}
		if (id < 0) {
			rc = id;
			WEIR_LOG(ERR,
				"service %s: more than %u backends in all "
				"services",
				c->name, SVC_BE_ID_MAX);
			goto err;
		}
		be[i].id = (uint16_t)id;
		be[i].epoch = be_ids[id].epoch;
		memcpy(be[i].addr, cb->addr.a, 16);
		be[i].port = rte_cpu_to_be_16(cb->port);
		be[i].weight = (uint16_t)cb->weight;
		be[i].has_mac = nh(arg, &cb->addr, &be[i].tx_port, &be[i].mac);
		/* The key is what every node agrees on: address and port. */
		memcpy(keys[i], cb->addr.a, 16);
		keys[i][16] = (uint8_t)(cb->port >> 8);
		keys[i][17] = (uint8_t)cb->port;
		mb[i].key = keys[i];
		mb[i].key_len = sizeof(keys[i]);
		/* Drained and maintained backends keep their place in the
		 * array (and so the table's layout for the others) but own no
		 * slot: Maglev treats weight 0 exactly as removal. */
		be[i].ejected = be_ejected[id];
		mb[i].weight = cb->state == SVC_BE_READY ? cb->weight : 0;
		/* Nor does a backend weir cannot reach yet (no neighbor
		 * entry): its share of new flows would only be dropped. A
		 * next hop that resolves republishes, and it takes its slots
		 * back; while none is resolved, the service drops as before. */
		if (be[i].has_mac)
			nb_resolved++;
	}
	for (i = 0; i < c->nb_backends && nb_resolved > 0; i++)
		if (!be[i].has_mac)
			mb[i].weight = 0;
	/*
	 * Ejected backends own no slot either, unless so few backends are
	 * healthy that the survivors would be overloaded (panic, as Envoy's
	 * healthy_panic_threshold): then every taker shares the flows.
	 */
	v->panic = c->panic_pct > 0 &&
		(uint64_t)nb_healthy * 100 < (uint64_t)c->panic_pct * nb_takers;
	for (i = 0; i < c->nb_backends && !v->panic; i++)
		if (be[i].ejected)
			mb[i].weight = 0;
	/*
	 * A change elsewhere (another service, a backend's state here that
	 * leaves the weights alone, a next hop) republishes every service:
	 * copy an unchanged table instead of building it again, which keeps
	 * a console change's way to the data path short.
	 */
	v->table_digest = svc_table_digest(
		mb, c->nb_backends, c->maglev_size, seed);
	prev = svc_by_id(v->id);
	if (c->nb_backends == 0) {
		rc = -ENOENT;
	} else if (prev != NULL && prev->table_digest == v->table_digest &&
		prev->table_size == c->maglev_size) {
		rc = prev->table == NULL ? -ENOENT : 0;
		if (prev->table != NULL)
			memcpy(table, prev->table,
				c->maglev_size * sizeof(*table));
	} else {
		rc = maglev_build(
			mb, c->nb_backends, c->maglev_size, seed, table);
	}
	if (rc == -ENOENT) {
		/* Every weight is 0: the service takes no new flows. */
		rte_free(table);
		table = NULL;
	} else if (rc < 0) {
		WEIR_LOG(ERR, "service %s: Maglev table: %s", c->name,
			strerror(-rc));
		goto err;
	}
	v->be = be;
	v->nb_be = (uint16_t)c->nb_backends;
	v->table = table;
	v->table_size = c->maglev_size;
	free(mb);
	free(keys);
	return 0;
err:
	rte_free(be);
	rte_free(table);
	free(mb);
	free(keys);
	return rc;
}

void
svc_snap_free(struct svc_snap *s)
{
	uint32_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nb_svc; i++) {
		rte_free((void *)(uintptr_t)s->svc[i].be);
		rte_free((void *)(uintptr_t)s->svc[i].table);
	}
	rte_free(s->svc);
	rte_free(s);
}

/* Index service 'i' of 's' by (family, protocol, VIP). */
static void
svc_vip_add(struct svc_snap *s, unsigned int i)
{
	struct svc *v = &s->svc[i];
	uint32_t k = svc_vip_hash(v->family, v->proto, v->vip);
	const struct svc *first = svc_find_vip(s, v->family, v->proto, v->vip);

	if (first != NULL) {
		/* Same group: chain it behind the first. */
		struct svc *f = &s->svc[first - s->svc];

		v->next_same_vip = f->next_same_vip;
		f->next_same_vip = (int16_t)i;
		return;
	}
	v->next_same_vip = -1;
	/* At most CFG_SVC_MAX groups in twice as many slots: never full. */
	while (s->vip_slot[k] >= 0)
		k = (k + 1) & (SVC_VIP_SLOTS - 1);
	s->vip_slot[k] = (int16_t)i;
}

struct svc_snap *
svc_snap_build(const struct cfg_conf *conf, svc_nh_fn *nh, void *arg)
{
	struct svc_snap *s;
	unsigned int i, j;
	int rc;

	s = rte_zmalloc("weir_svc_snap", sizeof(*s), RTE_CACHE_LINE_SIZE);
	if (s == NULL)
		goto nomem;
	s->seed = conf->hash_seed;
	memset(s->vip_slot, 0xff, sizeof(s->vip_slot)); /* all -1 */
	memset(s->by_id, 0xff, sizeof(s->by_id));	/* all -1 */
	s->lport_lo = conf->lport_lo;
	s->lport_hi = conf->lport_hi;
	s->svc = rte_zmalloc("weir_svc",
		(conf->nb_services ? conf->nb_services : 1) * sizeof(*s->svc),
		RTE_CACHE_LINE_SIZE);
	if (s->svc == NULL)
		goto nomem;
	for (i = 0; i < weir.nb_ports; i++) {
		const struct port *p = &weir.ports[i];
		struct svc_port *sp = &s->port[p->id];
		bool has_v6 = false;

		sp->in_use = true;
		sp->idx = (uint8_t)i;
		sp->mac = p->mac;
		sp->has_kif = p->has_kif;
		sp->kif_mac = p->kif_mac;
		/* Each worker's share of max_pps, at least one a tick: the
		 * punt ring it shares with ARP and ND stays free for them;
		 * ctl holds the exact rate. */
		if (p->has_kif) {
			uint64_t tps = weir.ticks_per_s ? weir.ticks_per_s : 1;
			uint64_t n = (uint64_t)p->cfg->kif.max_pps / tps /
				(weir.nb_workers ? weir.nb_workers : 1);

			if (n == 0)
				n = 1;
			sp->kif_per_tick = (uint16_t)(n < UINT16_MAX ?
					n :
					UINT16_MAX);
		}
		for (j = 0; j < p->cfg->nb_addrs; j++) {
			svc_port_add(sp, &p->cfg->addrs[j].addr);
			has_v6 |= p->cfg->addrs[j].addr.family == AF_INET6;
		}
		if (has_v6) {
			struct weir_addr ll = { .family = AF_INET6 };

			svc_link_local(&p->mac, ll.a);
			svc_port_add(sp, &ll);
		}
	}
	for (i = 0; i < conf->nb_services; i++) {
		rc = svc_build_one(&conf->services[i], &s->svc[i], nh, arg,
			conf->hash_seed);
		if (rc < 0) {
			svc_snap_free(s);
			errno = -rc;
			return NULL;
		}
		s->nb_svc++;
		svc_vip_add(s, i);
		s->by_id[s->svc[i].id] = (int16_t)i;
		/* weir answers ARP/ND for SNAT addresses and on-link VIPs. */
		for (j = 0; j < conf->services[i].nb_laddrs; j++)
			svc_port_add_on_link(s, &conf->services[i].laddrs[j]);
		svc_port_add_on_link(s, &conf->services[i].vip);
	}
	return s;
nomem:
	svc_snap_free(s);
	errno = ENOMEM;
	return NULL;
}

void
svc_snap_publish(struct svc_snap *s)
{
	struct svc_snap *old = weir_rcu_get(&weir.snap);

	weir_rcu_set(&weir.snap, s);
	/* Workers may still read 'old' until each passes a quiescent state. */
	if (old != NULL) {
		rte_rcu_qsbr_synchronize(weir.qsbr, RTE_QSBR_THRID_INVALID);
		svc_snap_free(old);
	}
}

/* Until the local module says where backends are, no next hop is known. */
static bool
svc_nh_unknown(void *arg, const struct weir_addr *addr, uint16_t *port_id,
	struct rte_ether_addr *mac)
{
	(void)arg;
	(void)addr;
	*port_id = 0;
	memset(mac, 0, sizeof(*mac));
	return false;
}

/* Where backends are: the local module's resolver (svc_nh_set()). */
static struct {
	svc_nh_fn *fn;
	void *arg;
} svc_nh = { svc_nh_unknown, NULL };

void
svc_nh_set(svc_nh_fn *fn, void *arg)
{
	svc_nh.fn = fn != NULL ? fn : svc_nh_unknown;
	svc_nh.arg = arg;
}

bool
svc_nh_changed(void)
{
	const struct svc_snap *s = weir_rcu_get(&weir.snap);
	const struct cfg_conf *conf = weir.conf;
	uint32_t i, j;

	if (s == NULL || s->nb_svc != conf->nb_services)
		return true;
	for (i = 0; i < s->nb_svc; i++)
		for (j = 0; j < s->svc[i].nb_be; j++) {
			const struct svc_backend *b = &s->svc[i].be[j];
			struct rte_ether_addr mac;
			uint16_t port;
			bool ok;

			ok = svc_nh.fn(svc_nh.arg,
				&conf->services[i].backends[j].addr, &port,
				&mac);
			if (ok != b->has_mac || port != b->tx_port ||
				(ok && !rte_is_same_ether_addr(&mac, &b->mac)))
				return true;
		}
	return false;
}

static int
svc_snap_update(void)
{
	/* A change not asked for on the console counts from here. */
	uint64_t since = weir.request_tsc ? weir.request_tsc : rte_rdtsc();
	struct svc_snap *s = svc_snap_build(weir.conf, svc_nh.fn, svc_nh.arg);
	static uint64_t gen;

	if (s == NULL) {
		/* Keep the ids the published snapshot uses. */
		svc_ids_sweep_abort();
		return -errno;
	}
	s->since_tsc = since;
	/* Workers tell a new snapshot by this, not by its address: a new
	 * one may be allocated where a freed one was. */
	s->gen = ++gen;
	svc_snap_publish(s);
	svc_ids_sweep();
	return 0;
}

int
svc_publish(const char *why)
{
	uint64_t t0 = rte_rdtsc(), us;
	const struct svc_snap *s;
	unsigned int i, j, nb_be = 0, nb_ok = 0;
	int rc;

	rc = svc_snap_update();
	/* Build, publish, and the wait until no worker sees the old one. */
	us = (rte_rdtsc() - t0) * 1000000 / rte_get_tsc_hz();
	if (rc < 0) {
		WEIR_LOG(ERR, "snapshot not published (%s): %s", why,
			strerror(-rc));
		return rc;
	}
	s = weir_rcu_get(&weir.snap);
	for (i = 0; i < s->nb_svc; i++)
		for (j = 0; j < s->svc[i].nb_be; j++, nb_be++)
			nb_ok += s->svc[i].be[j].has_mac;
	WEIR_LOG(INFO,
		"published %u services, %u of %u backends resolved "
		"(%s) in %llu us",
		s->nb_svc, nb_ok, nb_be, why, (unsigned long long)us);
	return 0;
}

int
svc_snap_init(void)
{
	return svc_snap_update();
}

void
svc_snap_fini(void)
{
	struct svc_snap *s = weir_rcu_get(&weir.snap);

	weir_rcu_set(&weir.snap, NULL);
	svc_snap_free(s);
}
