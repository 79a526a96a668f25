/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Local protocols: traffic to weir itself. Workers punt every ARP packet
 * and every ICMP/ICMPv6 packet addressed to weir; this module validates
 * them, keeps the neighbor table (lib/neigh) and answers: ARP replies,
 * neighbor advertisements, echo replies. Replies to a requester go back
 * on the port the request came in on; packets weir originates (echo
 * replies, probes) follow the route table (lib/route) and wait in the
 * neighbor queue while their next hop resolves. It also tells the
 * snapshot builder where each backend is (local_nh) and republishes when
 * a backend's next hop resolves or moves.
 *
 * Doing this on the management thread rather than in the workers keeps
 * the worker loop to one branch for "not forwarded traffic" and puts all
 * neighbor state in one thread, without locks. The cost is latency: the
 * punt rings are polled every turn of the management loop (about a
 * millisecond), which ARP and ping do not notice.
 *
 * Transmission: on the port's own management TX queue when it has one,
 * otherwise through worker 0's ctl_tx ring (see port.c for why some ports
 * cannot spare a queue).
 *
 * Context: ctl.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include <rte_arp.h>
#include <rte_ethdev.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "cfg.h"
#include "ctl.h"
#include "local.h"
#include "module.h"
#include "neigh.h"
#include "pkt_dp.h"
#include "port.h"
#include "route.h"
#include "stats.h"
#include "svc.h"
#include "svc_dp.h"
#include "weir.h"
#include "weir_log.h"
#include "weir_stats.h"
#include "worker.h"

WEIR_LOG_TYPE("local")

#define LOCAL_AGE_MS 100       /* ms: neighbor timers resolution */
#define LOCAL_PUNT_BURST 64    /* packets per ring per poll */
#define LOCAL_IP_TTL 64	       /* hops: TTL/hop limit of weir's packets */
#define LOCAL_ND_HOP_LIMIT 255 /* RFC 4861: ND is link-local only */
#define LOCAL_ICMP6_ECHO_REQUEST 128
#define LOCAL_ICMP6_ECHO_REPLY 129
#define LOCAL_ICMP6_NS 135
#define LOCAL_ICMP6_NA 136
#define LOCAL_ND_OPT_SLLA 1
#define LOCAL_ND_OPT_TLLA 2
#define LOCAL_NA_F_ROUTER 0x80
#define LOCAL_NA_F_SOLICITED 0x40
#define LOCAL_NA_F_OVERRIDE 0x20
#define LOCAL_ND_LEN 24	      /* bytes: NS/NA without options */
#define LOCAL_ND_OPT_LL_LEN 8 /* bytes: link-layer address option */

/*
 * X(name, metric, help): the management thread's counters of local
 * protocols. Units: packets. 'metric' names the Prometheus family where
 * the name would not do ("ns" reads as nanoseconds), else NULL.
 */
#define LOCAL_COUNTERS(X)                                                      \
	X(punt_rx, NULL, "packets taken from the workers' punt rings")         \
	X(arp_rx, NULL, "ARP packets received")                                \
	X(arp_replies_tx, NULL, "ARP replies sent for weir's addresses")       \
	X(arp_requests_tx, NULL, "ARP requests sent to resolve or probe")      \
	X(garp_tx, NULL, "gratuitous ARP requests sent at start")              \
	X(arp_ignored, NULL,                                                   \
		"ARP packets neither for weir nor from a neighbor")            \
	X(ns_rx, "mgmt_nd_solicit_rx", "neighbor solicitations received")      \
	X(ns_tx, "mgmt_nd_solicit_tx",                                         \
		"neighbor solicitations sent to resolve or probe")             \
	X(na_rx, NULL, "neighbor advertisements received")                     \
	X(na_tx, NULL,                                                         \
		"neighbor advertisements sent (solicited and at start)")       \
	X(nd_invalid, NULL, "ND messages failing RFC 4861 validation")         \
	X(icmp_echo_replies_tx, NULL, "ICMP echo replies sent")                \
	X(icmp6_echo_replies_tx, NULL, "ICMPv6 echo replies sent")             \
	X(icmp_bad_csum, NULL, "ICMP messages with a wrong checksum")          \
	X(icmp6_bad_csum, NULL, "ICMPv6 messages with a wrong checksum")       \
	X(icmp_ignored, NULL, "ICMP messages weir does not answer")            \
	X(icmp6_ignored, NULL,                                                 \
		"ICMPv6 messages weir does not answer (MLD, RS, ...)")         \
	X(no_route, NULL, "replies with no route back")                        \
	X(neigh_drops, NULL,                                                   \
		"replies dropped: next hop unresolved or queue full")          \
	X(mgmt_tx_drops, "mgmt_tx_drops",                                      \
		"management packets the port or ring refused")                 \
	X(nomem, NULL, "packets not built: mbuf pool empty")

enum local_counter {
#define LOCAL_COUNTER_ENUM(n, m, help) LOCAL_C_##n,
	LOCAL_COUNTERS(LOCAL_COUNTER_ENUM)
#undef LOCAL_COUNTER_ENUM
	LOCAL_C_COUNT
};

/* Values of the "neigh" set: the neighbor table's counters, its size. */
enum local_neigh_value {
#define LOCAL_NEIGH_ENUM(n, help) LOCAL_N_##n,
	NEIGH_COUNTERS(LOCAL_NEIGH_ENUM)
#undef LOCAL_NEIGH_ENUM
	LOCAL_N_entries,
	LOCAL_N_COUNT
};

static uint64_t local_counters[LOCAL_C_COUNT];
static struct neigh_stats local_neigh_mirror;
static unsigned int local_neigh_nb;

static struct {
	struct neigh_table *neigh;
	struct route_table *routes;
	/* Made by a reload's check, taken by the reload that follows. */
	struct route_table *routes_next;
	local_punt_fn punt_hook; /* the exception path, if any */
} loc;

#define LOCAL_INC(name) weir_stat_add(&local_counters[LOCAL_C_##name], 1)

static const struct svc_port *
local_svc_port(uint16_t port_id)
{
	const struct svc_snap *s = weir_rcu_get(&weir.snap);

	return &s->port[port_id];
}

int
local_tx(struct port *p, struct rte_mbuf *m)
{
	uint16_t txq = (uint16_t)weir.nb_workers;

	m->port = p->id;
	if (p->has_ctl_txq) {
		if (rte_eth_tx_burst(p->id, txq, &m, 1) == 1)
			return 0;
	} else if (rte_ring_sp_enqueue(worker_ctl_tx_ring(), m) == 0) {
		return 0;
	}
	LOCAL_INC(mgmt_tx_drops);
	rte_pktmbuf_free(m);
	return -ENOBUFS;
}

void
local_punt_hook_set(local_punt_fn fn)
{
	loc.punt_hook = fn;
}

/* Write the Ethernet header of 'm' and send it on 'p'. */
static void
local_tx_eth(struct port *p, struct rte_mbuf *m, const uint8_t *dst_mac)
{
	struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);

	memcpy(&eh->dst_addr, dst_mac, RTE_ETHER_ADDR_LEN);
	eh->src_addr = p->mac;
	local_tx(p, m);
}

static struct rte_mbuf *
local_alloc(struct port *p, uint16_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(port_pool(p));

	if (m == NULL) {
		LOCAL_INC(nomem);
		return NULL;
	}
	if (rte_pktmbuf_append(m, len) == NULL) {
		rte_pktmbuf_free(m);
		LOCAL_INC(nomem);
		return NULL;
	}
	memset(rte_pktmbuf_mtod(m, void *), 0, len);
	return m;
}

/* ICMPv6 checksum over the pseudo-header and 'len' bytes at 'l4'. */
static uint16_t
local_icmp6_sum(
	const uint8_t *src, const uint8_t *dst, const void *l4, uint32_t len)
{
	struct {
		uint8_t src[16];
		uint8_t dst[16];
		rte_be32_t len;
		uint8_t zero[3];
		uint8_t nh;
	} __rte_packed ph;
	uint32_t sum;

	memcpy(ph.src, src, 16);
	memcpy(ph.dst, dst, 16);
	ph.len = rte_cpu_to_be_32(len);
	memset(ph.zero, 0, sizeof(ph.zero));
	ph.nh = IPPROTO_ICMPV6;
	sum = __rte_raw_cksum(&ph, sizeof(ph), 0);
	sum = __rte_raw_cksum(l4, len, sum);
	return __rte_raw_cksum_reduce(sum);
}

/* Fill an ICMPv6 message's checksum (field at offset 2 of 'l4'). */
static void
local_icmp6_fill_csum(struct rte_ipv6_hdr *ip, uint8_t *l4, uint32_t len)
{
	uint16_t s;

	l4[2] = l4[3] = 0;
	s = (uint16_t)~local_icmp6_sum(ip->src_addr, ip->dst_addr, l4, len);
	memcpy(l4 + 2, &s, 2);
}

/* Pick weir's address on 'p' to source a packet to 'dst'. */
static bool
local_src_addr(const struct port *p, const struct weir_addr *dst,
	struct weir_addr *src)
{
	const struct cfg_port *c = p->cfg;
	const struct svc_port *sp = local_svc_port(p->id);
	bool found = false;
	unsigned int i;

	for (i = 0; i < c->nb_addrs; i++) {
		if (c->addrs[i].addr.family != dst->family)
			continue;
		if (!found || weir_prefix_contains(&c->addrs[i], dst)) {
			*src = c->addrs[i].addr;
			found = true;
		}
		if (weir_prefix_contains(&c->addrs[i], dst))
			return true;
	}
	/* Link-local targets are sourced from the link-local address. */
	if (dst->family == AF_INET6 && dst->a[0] == 0xfe &&
		(dst->a[1] & 0xc0) == 0x80 && sp->nb_ip6 > 0) {
		src->family = AF_INET6;
		memcpy(src->a, sp->ip6[sp->nb_ip6 - 1], 16);
		return true;
	}
	return found;
}

/* Build and send an ARP packet. */
static void
local_arp_send(struct port *p, uint16_t op, const uint8_t *eth_dst,
	uint32_t spa, const uint8_t *tha, uint32_t tpa)
{
	static const uint8_t zero_mac[RTE_ETHER_ADDR_LEN];
	struct rte_ether_hdr *eh;
	struct rte_arp_hdr *ah;
	struct rte_mbuf *m;

	m = local_alloc(p, sizeof(*eh) + sizeof(*ah));
	if (m == NULL)
		return;
	eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP);
	ah = (struct rte_arp_hdr *)(eh + 1);
	ah->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	ah->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ah->arp_hlen = RTE_ETHER_ADDR_LEN;
	ah->arp_plen = 4;
	ah->arp_opcode = rte_cpu_to_be_16(op);
	ah->arp_data.arp_sha = p->mac;
	ah->arp_data.arp_sip = spa;
	memcpy(&ah->arp_data.arp_tha, tha ? tha : zero_mac, RTE_ETHER_ADDR_LEN);
	ah->arp_data.arp_tip = tpa;
	local_tx_eth(p, m, eth_dst);
}

/*
 * Build and send an NS or NA. NS: 'target' is asked about, 'dst' NULL means
 * its solicited-node group. NA: 'target' is our address, 'flags' NA_F_*.
 */
static void
local_nd_send(struct port *p, uint8_t type, const uint8_t *src,
	const uint8_t *dst, const uint8_t *eth_dst, const uint8_t *target,
	uint8_t flags)
{
	uint16_t l4_len = LOCAL_ND_LEN + LOCAL_ND_OPT_LL_LEN;
	uint8_t snm[16] = { 0xff, 0x02, [11] = 0x01, [12] = 0xff };
	uint8_t snm_mac[RTE_ETHER_ADDR_LEN] = { 0x33, 0x33, 0xff };
	struct rte_ether_hdr *eh;
	struct rte_ipv6_hdr *ip;
	struct rte_mbuf *m;
	uint8_t *l4;

	m = local_alloc(p, sizeof(*eh) + sizeof(*ip) + l4_len);
	if (m == NULL)
		return;
	if (dst == NULL) {
		/* Solicited-node group ff02::1:ffXX:XXXX, MAC 33:33:ff:XX:XX:XX. */
		memcpy(&snm[13], &target[13], 3);
		memcpy(&snm_mac[3], &target[13], 3);
		dst = snm;
		eth_dst = snm_mac;
	}
	eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
	ip = (struct rte_ipv6_hdr *)(eh + 1);
	ip->vtc_flow = rte_cpu_to_be_32(6 << 28);
	ip->payload_len = rte_cpu_to_be_16(l4_len);
	ip->proto = IPPROTO_ICMPV6;
	ip->hop_limits = LOCAL_ND_HOP_LIMIT;
	memcpy(ip->src_addr, src, 16);
	memcpy(ip->dst_addr, dst, 16);
	l4 = (uint8_t *)(ip + 1);
	l4[0] = type;
	l4[4] = flags;
	memcpy(l4 + 8, target, 16);
	l4[24] = type == LOCAL_ICMP6_NS ? LOCAL_ND_OPT_SLLA : LOCAL_ND_OPT_TLLA;
	l4[25] = 1; /* option length in units of 8 bytes */
	memcpy(l4 + 26, &p->mac, RTE_ETHER_ADDR_LEN);
	local_icmp6_fill_csum(ip, l4, l4_len);
	local_tx_eth(p, m, eth_dst);
}

static struct neigh_key
local_neigh_key(uint16_t port_id, const struct weir_addr *a)
{
	struct neigh_key k = { .port = port_id, .family = a->family };

	memcpy(k.addr, a->a, a->family == AF_INET ? 4 : 16);
	return k;
}

/* neigh_ops.solicit: ARP request or NS for 'k'. */
static void
local_neigh_solicit(void *arg, const struct neigh_key *k, const uint8_t *mac)
{
	static const uint8_t bcast[RTE_ETHER_ADDR_LEN] = { 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff };
	struct port *p = port_by_id(k->port);
	struct weir_addr dst = { .family = k->family }, src;

	(void)arg;
	if (p == NULL)
		return;
	memcpy(dst.a, k->addr, 16);
	if (!local_src_addr(p, &dst, &src))
		return;
	if (k->family == AF_INET) {
		uint32_t spa, tpa;

		memcpy(&spa, src.a, 4);
		memcpy(&tpa, k->addr, 4);
		local_arp_send(p, RTE_ARP_OP_REQUEST, mac ? mac : bcast, spa,
			NULL, tpa);
		LOCAL_INC(arp_requests_tx);
	} else {
		local_nd_send(p, LOCAL_ICMP6_NS, src.a, mac ? k->addr : NULL,
			mac, k->addr, 0);
		LOCAL_INC(ns_tx);
	}
}

/* neigh_ops.send: a queued packet's next hop resolved. */
static void
local_neigh_send(
	void *arg, const struct neigh_key *k, const uint8_t *mac, void *pkt)
{
	struct port *p = port_by_id(k->port);

	(void)arg;
	if (p == NULL) {
		rte_pktmbuf_free(pkt);
		return;
	}
	local_tx_eth(p, pkt, mac);
}

static void
local_neigh_drop(void *arg, void *pkt)
{
	(void)arg;
	LOCAL_INC(neigh_drops);
	rte_pktmbuf_free(pkt);
}

/*
 * Route 'm' (an IP packet with room for Ethernet) to 'dst' and send it.
 * Link-local destinations have no route: they are on the link 'in' (the
 * port the request came from).
 */
static void
local_route_send(
	struct rte_mbuf *m, const struct weir_addr *dst, const struct port *in)
{
	struct route_hop hop;
	struct neigh_key k;
	uint8_t mac[RTE_ETHER_ADDR_LEN];
	struct port *p;
	int rc;

	if (dst->family == AF_INET6 && dst->a[0] == 0xfe &&
		(dst->a[1] & 0xc0) == 0x80) {
		hop.port = (unsigned int)(in - weir.ports);
		hop.nh = *dst;
	} else if (route_lookup(loc.routes, dst, &hop) < 0) {
		LOCAL_INC(no_route);
		rte_pktmbuf_free(m);
		return;
	}
	p = &weir.ports[hop.port];
	k = local_neigh_key(p->id, &hop.nh);
	rc = neigh_resolve(loc.neigh, &k, m, ctl_now_ms(), mac);
	if (rc == 0) {
		local_tx_eth(p, m, mac);
	} else if (rc < 0) {
		LOCAL_INC(neigh_drops);
		rte_pktmbuf_free(m);
	}
}

static void
local_handle_arp(struct port *p, struct rte_mbuf *m, const struct pkt_meta *pm)
{
	struct rte_arp_hdr *ah = rte_pktmbuf_mtod_offset(
		m, struct rte_arp_hdr *, pm->l3_off);
	const struct svc_port *sp = local_svc_port(p->id);
	struct rte_arp_ipv4 *a = &ah->arp_data;
	uint16_t op = rte_be_to_cpu_16(ah->arp_opcode);
	struct weir_addr sender = { .family = AF_INET };
	bool for_us = svc_port_has_ip4(sp, a->arp_tip);
	unsigned int flags = 0;
	struct neigh_key k;

	LOCAL_INC(arp_rx);
	memcpy(sender.a, &a->arp_sip, 4);
	/* Learn only senders on this port's prefixes (not 0.0.0.0 probes). */
	if (a->arp_sip != 0 && !svc_port_has_ip4(sp, a->arp_sip)) {
		bool on_link = false;
		unsigned int i;

		for (i = 0; i < p->cfg->nb_addrs; i++)
			on_link |= weir_prefix_contains(
				&p->cfg->addrs[i], &sender);
		if (on_link) {
			if (for_us)
				flags |= NEIGH_F_CREATE;
			if (op == RTE_ARP_OP_REPLY && for_us &&
				rte_is_same_ether_addr(&a->arp_tha, &p->mac))
				flags |= NEIGH_F_CONFIRMED;
			k = local_neigh_key(p->id, &sender);
			neigh_learn(loc.neigh, &k, a->arp_sha.addr_bytes,
				ctl_now_ms(), flags);
		}
	}
	if (op != RTE_ARP_OP_REQUEST || !for_us) {
		if (!for_us)
			LOCAL_INC(arp_ignored);
		rte_pktmbuf_free(m);
		return;
	}
	/* Turn the request into the reply in place. */
	{
		uint32_t asked = a->arp_tip;

		ah->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REPLY);
		a->arp_tha = a->arp_sha;
		a->arp_tip = a->arp_sip;
		a->arp_sha = p->mac;
		a->arp_sip = asked;
	}
	rte_pktmbuf_trim(m,
		(uint16_t)(rte_pktmbuf_pkt_len(m) - pm->l3_off - sizeof(*ah)));
	local_tx_eth(p, m, a->arp_tha.addr_bytes);
	LOCAL_INC(arp_replies_tx);
}

static void
local_handle_icmp(struct port *p, struct rte_mbuf *m, const struct pkt_meta *pm)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(
		m, struct rte_ipv4_hdr *, pm->l3_off);
	struct rte_icmp_hdr *ic = rte_pktmbuf_mtod_offset(
		m, struct rte_icmp_hdr *, pm->l4_off);
	struct weir_addr dst = { .family = AF_INET };
	uint32_t a;

	if (rte_raw_cksum(ic, pm->l4_len) != 0xffff) {
		LOCAL_INC(icmp_bad_csum);
		goto drop;
	}
	if (ic->icmp_type != RTE_IP_ICMP_ECHO_REQUEST || ic->icmp_code != 0) {
		LOCAL_INC(icmp_ignored);
		goto drop;
	}
	/* The reply keeps id, sequence and data; only the type changes. */
	ic->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
	ic->icmp_cksum = 0;
	ic->icmp_cksum = (uint16_t)~rte_raw_cksum(ic, pm->l4_len);
	a = ip->src_addr;
	ip->src_addr = ip->dst_addr;
	ip->dst_addr = a;
	ip->time_to_live = LOCAL_IP_TTL;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	rte_pktmbuf_trim(m,
		(uint16_t)(rte_pktmbuf_pkt_len(m) - pm->l3_off - pm->l3_len));
	memcpy(dst.a, &a, 4);
	LOCAL_INC(icmp_echo_replies_tx);
	local_route_send(m, &dst, p);
	return;
drop:
	rte_pktmbuf_free(m);
}

/* Find a link-layer address option of 'type' in ND options. */
static int
local_nd_opt(const uint8_t *opt, uint32_t len, uint8_t type, const uint8_t **ll)
{
	*ll = NULL;
	while (len > 0) {
		uint32_t olen;

		if (len < 2)
			return -EINVAL;
		olen = (uint32_t)opt[1] * 8;
		if (olen == 0 || olen > len)
			return -EINVAL; /* RFC 4861 7.1.1: length 0 is invalid */
		if (opt[0] == type && olen >= LOCAL_ND_OPT_LL_LEN)
			*ll = opt + 2;
		opt += olen;
		len -= olen;
	}
	return 0;
}

static bool
local_ip6_is_unspec(const uint8_t *a)
{
	static const uint8_t zero[16];

	return memcmp(a, zero, 16) == 0;
}

static void
local_handle_nd(struct port *p, struct rte_mbuf *m, const struct pkt_meta *pm,
	struct rte_ipv6_hdr *ip, uint8_t *l4)
{
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 0x01 };
	static const uint8_t all_nodes_mac[RTE_ETHER_ADDR_LEN] = { 0x33, 0x33,
		0, 0, 0, 1 };
	const struct svc_port *sp = local_svc_port(p->id);
	const struct rte_ether_hdr *eh = rte_pktmbuf_mtod(
		m, const struct rte_ether_hdr *);
	const uint8_t *target = l4 + 8, *ll;
	struct weir_addr who = { .family = AF_INET6 };
	struct neigh_key k;
	uint8_t type = l4[0];

	/* RFC 4861 7.1.1 / 7.1.2: only link-local senders could send these. */
	if (ip->hop_limits != LOCAL_ND_HOP_LIMIT || l4[1] != 0 ||
		pm->l4_len < LOCAL_ND_LEN || target[0] == 0xff ||
		local_nd_opt(l4 + LOCAL_ND_LEN, pm->l4_len - LOCAL_ND_LEN,
			type == LOCAL_ICMP6_NS ? LOCAL_ND_OPT_SLLA :
						 LOCAL_ND_OPT_TLLA,
			&ll) < 0) {
		LOCAL_INC(nd_invalid);
		goto drop;
	}
	if (type == LOCAL_ICMP6_NA) {
		LOCAL_INC(na_rx);
		memcpy(who.a, target, 16);
		k = local_neigh_key(p->id, &who);
		neigh_learn(loc.neigh, &k, ll ? ll : eh->src_addr.addr_bytes,
			ctl_now_ms(),
			(l4[4] & LOCAL_NA_F_SOLICITED) ? NEIGH_F_CONFIRMED : 0);
		goto drop;
	}
	LOCAL_INC(ns_rx);
	if (!svc_port_has_ip6(sp, target)) {
		LOCAL_INC(icmp6_ignored);
		goto drop;
	}
	if (local_ip6_is_unspec(ip->src_addr)) {
		/* Someone probes our address for DAD: defend it (7.2.4). */
		if (ll != NULL || ip->dst_addr[0] != 0xff) {
			LOCAL_INC(nd_invalid);
			goto drop;
		}
		local_nd_send(p, LOCAL_ICMP6_NA, target, all_nodes,
			all_nodes_mac, target, LOCAL_NA_F_OVERRIDE);
		LOCAL_INC(na_tx);
		goto drop;
	}
	memcpy(who.a, ip->src_addr, 16);
	k = local_neigh_key(p->id, &who);
	neigh_learn(loc.neigh, &k, ll ? ll : eh->src_addr.addr_bytes,
		ctl_now_ms(), NEIGH_F_CREATE);
	local_nd_send(p, LOCAL_ICMP6_NA, target, ip->src_addr,
		ll ? ll : eh->src_addr.addr_bytes, target,
		LOCAL_NA_F_SOLICITED | LOCAL_NA_F_OVERRIDE);
	LOCAL_INC(na_tx);
drop:
	rte_pktmbuf_free(m);
}

static void
local_handle_icmp6(
	struct port *p, struct rte_mbuf *m, const struct pkt_meta *pm)
{
	struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod_offset(
		m, struct rte_ipv6_hdr *, pm->l3_off);
	uint8_t *l4 = rte_pktmbuf_mtod_offset(m, uint8_t *, pm->l4_off);
	struct weir_addr dst = { .family = AF_INET6 };
	uint8_t tmp[16];

	if (local_icmp6_sum(ip->src_addr, ip->dst_addr, l4, pm->l4_len) !=
		0xffff) {
		LOCAL_INC(icmp6_bad_csum);
		goto drop;
	}
	switch (l4[0]) {
	case LOCAL_ICMP6_NS:
	case LOCAL_ICMP6_NA:
		local_handle_nd(p, m, pm, ip, l4);
		return;
	case LOCAL_ICMP6_ECHO_REQUEST:
		/* Echo to a group would make every member answer; we don't. */
		if (l4[1] != 0 || ip->dst_addr[0] == 0xff ||
			pm->l4_len < PKT_ICMP_HLEN)
			break;
		/* Reply from the address asked, over the IPv6 header only. */
		memcpy(tmp, ip->src_addr, 16);
		memcpy(ip->src_addr, ip->dst_addr, 16);
		memcpy(ip->dst_addr, tmp, 16);
		ip->hop_limits = LOCAL_IP_TTL;
		if (pm->nb_ext != 0) {
			/* Drop the extension headers: none applies to us. */
			memmove((uint8_t *)(ip + 1), l4, pm->l4_len);
			l4 = (uint8_t *)(ip + 1);
			ip->proto = IPPROTO_ICMPV6;
			ip->payload_len = rte_cpu_to_be_16(pm->l4_len);
		}
		l4[0] = LOCAL_ICMP6_ECHO_REPLY;
		local_icmp6_fill_csum(ip, l4, pm->l4_len);
		rte_pktmbuf_trim(m,
			(uint16_t)(rte_pktmbuf_pkt_len(m) -
				(pm->l3_off + sizeof(*ip) + pm->l4_len)));
		memcpy(dst.a, tmp, 16);
		LOCAL_INC(icmp6_echo_replies_tx);
		local_route_send(m, &dst, p);
		return;
	default:
		break;
	}
	LOCAL_INC(icmp6_ignored);
drop:
	rte_pktmbuf_free(m);
}

static void
local_handle_punt(struct rte_mbuf *m)
{
	struct port *p = port_by_id(m->port);
	struct pkt_meta pm;

	LOCAL_INC(punt_rx);
	if (p != NULL && loc.punt_hook != NULL && loc.punt_hook(p, m))
		return;
	/* Workers parsed it already; parsing again is cheaper than carrying
	 * the meta through the ring, at punt rates. */
	if (p == NULL || pkt_parse_mbuf(m, &pm) != PKT_OK) {
		rte_pktmbuf_free(m);
		return;
	}
	if (pm.l3 == PKT_L3_ARP)
		local_handle_arp(p, m, &pm);
	else if (pm.l4_proto == IPPROTO_ICMP)
		local_handle_icmp(p, m, &pm);
	else if (pm.l4_proto == IPPROTO_ICMPV6)
		local_handle_icmp6(p, m, &pm);
	else
		rte_pktmbuf_free(m);
}

static void
local_poll_punt(void)
{
	struct rte_mbuf *pkts[LOCAL_PUNT_BURST];
	unsigned int i, j, n;

	for (i = 0; i < weir.nb_workers; i++) {
		n = rte_ring_sc_dequeue_burst(worker_punt_ring(i),
			(void **)pkts, LOCAL_PUNT_BURST, NULL);
		for (j = 0; j < n; j++)
			local_handle_punt(pkts[j]);
	}
}

/* Gratuitous ARP and unsolicited NA for every address, so that neighbors
 * that cached another MAC for them (a previous weir) update at once. */
static void
local_announce(void)
{
	static const uint8_t bcast[RTE_ETHER_ADDR_LEN] = { 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff };
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 0x01 };
	static const uint8_t all_nodes_mac[RTE_ETHER_ADDR_LEN] = { 0x33, 0x33,
		0, 0, 0, 1 };
	unsigned int i, j;

	for (i = 0; i < weir.nb_ports; i++) {
		struct port *p = &weir.ports[i];
		const struct svc_port *sp = local_svc_port(p->id);

		for (j = 0; j < sp->nb_ip4; j++) {
			local_arp_send(p, RTE_ARP_OP_REQUEST, bcast, sp->ip4[j],
				NULL, sp->ip4[j]);
			LOCAL_INC(garp_tx);
		}
		for (j = 0; j < sp->nb_ip6; j++) {
			local_nd_send(p, LOCAL_ICMP6_NA, sp->ip6[j], all_nodes,
				all_nodes_mac, sp->ip6[j], LOCAL_NA_F_OVERRIDE);
			LOCAL_INC(na_tx);
		}
	}
}

/* Start resolving static next hops so the first packet finds them. */
static void
local_resolve_gateways(void)
{
	uint8_t mac[RTE_ETHER_ADDR_LEN];
	unsigned int i;

	for (i = 0; i < weir.conf->nb_routes; i++) {
		const struct cfg_route *r = &weir.conf->routes[i];
		struct neigh_key k = local_neigh_key(
			weir.ports[r->port].id, &r->via);

		neigh_resolve(loc.neigh, &k, NULL, ctl_now_ms(), mac);
	}
}

/*
 * svc_nh_fn for the snapshot builder: the port towards a backend and, if
 * its next hop is resolved, the MAC. Asking also starts resolution, so a
 * backend's MAC is being looked for from the moment it is configured.
 */
static bool
local_nh(void *arg, const struct weir_addr *addr, uint16_t *port_id,
	struct rte_ether_addr *mac)
{
	struct route_hop hop;
	struct neigh_key k;

	(void)arg;
	*port_id = 0;
	if (route_lookup(loc.routes, addr, &hop) < 0)
		return false;
	*port_id = weir.ports[hop.port].id;
	k = local_neigh_key(*port_id, &hop.nh);
	return neigh_resolve(
		       loc.neigh, &k, NULL, ctl_now_ms(), mac->addr_bytes) == 0;
}

void
local_neigh_walk(void (*cb)(void *arg, const void *info), void *arg)
{
	neigh_walk(loc.neigh, ctl_now_ms(),
		(void (*)(void *, const struct neigh_info *))cb, arg);
}

/* Neighbor timers; other threads read the counters' mirror. */
static void
local_age_timer(uint64_t now_ms)
{
	neigh_age(loc.neigh, now_ms);
#define LOCAL_NEIGH_MIRROR(n, help)                                            \
	weir_stat_add(&local_neigh_mirror.n,                                   \
		neigh_stats(loc.neigh)->n - local_neigh_mirror.n);
	NEIGH_COUNTERS(LOCAL_NEIGH_MIRROR)
#undef LOCAL_NEIGH_MIRROR
	__atomic_store_n(
		&local_neigh_nb, neigh_count(loc.neigh), __ATOMIC_RELAXED);
}

/* A backend's next hop resolved, moved or was lost: publish. */
static void
local_nh_timer(uint64_t now_ms)
{
	(void)now_ms;
	if (svc_nh_changed())
		svc_publish("backend next hops changed");
}

static void
local_punt_timer(uint64_t now_ms)
{
	(void)now_ms;
	local_poll_punt();
}

static int
local_init(void)
{
	const struct cfg_neigh *nc = &weir.conf->neigh;
	struct neigh_params np = {
		.max_entries = nc->max_entries,
		.reachable_ms = nc->reachable_ms,
		.stale_ms = nc->stale_s * 1000,
		.retrans_ms = nc->retrans_ms,
		.max_probes = nc->max_probes,
		.queue_len = nc->queue_len,
	};
	struct neigh_ops ops = {
		.solicit = local_neigh_solicit,
		.send = local_neigh_send,
		.drop = local_neigh_drop,
	};
	unsigned int i;

	loc.neigh = neigh_table_create(&np, &ops);
	loc.routes = route_table_create(weir.conf);
	if (loc.neigh == NULL || loc.routes == NULL) {
		WEIR_LOG(ERR, "neighbor/route tables: %s", strerror(errno));
		return -errno;
	}
	/* Configured neighbors: never resolved, never aged. */
	for (i = 0; i < weir.conf->neigh.nb_static; i++) {
		const struct cfg_neigh_static *st = &weir.conf->neigh
							     .statics[i];
		struct neigh_key k = local_neigh_key(
			weir.ports[st->port].id, &st->addr);

		neigh_learn(loc.neigh, &k, st->mac, ctl_now_ms(),
			NEIGH_F_PERMANENT);
	}
	/* From now on the snapshot builder asks here where backends are. */
	svc_nh_set(local_nh, NULL);
	return 0;
}

/*
 * Once everything is up and the workers run: tell the neighbors, with
 * override, that weir's addresses are here, and resolve the gateways. Not
 * earlier: a start that fails later must not have claimed the addresses.
 */
static void
local_ready(void)
{
	local_announce();
	local_resolve_gateways();
}

static void
local_fini(void)
{
	struct rte_mbuf *m;
	unsigned int i;

	svc_nh_set(NULL, NULL);
	/* Packets still punted hold mbufs of pools about to be freed. */
	for (i = 0; i < weir.nb_workers; i++) {
		struct rte_ring *r = worker_punt_ring(i);

		while (rte_ring_sc_dequeue(r, (void **)&m) == 0)
			rte_pktmbuf_free(m);
	}
	neigh_table_destroy(loc.neigh);
	loc.neigh = NULL;
	route_table_destroy(loc.routes);
	route_table_destroy(loc.routes_next);
	loc.routes = loc.routes_next = NULL;
}

/* Reload: the new configuration's routes, made before it is taken. */
static int
local_reload_check(const struct cfg_conf *nc, char *msg, size_t size)
{
	route_table_destroy(loc.routes_next);
	loc.routes_next = route_table_create(nc);
	if (loc.routes_next == NULL) {
		snprintf(msg, size, "reload rejected: routes: %s",
			strerror(errno));
		return -ENOMEM;
	}
	return 0;
}

static void
local_reload(void)
{
	route_table_destroy(loc.routes);
	loc.routes = loc.routes_next;
	loc.routes_next = NULL;
}

/*
 * Counter sets (stats.h): the protocol counters and the neighbor table's
 * (a mirror the neighbor timer refreshes, since the table itself is
 * ctl's). Both are static, so any thread may read them.
 */
static const struct stats_field local_fields[] = {
#define LOCAL_FIELD(n, m, h)                                                   \
	{ .name = #n, .help = h, .off = LOCAL_C_##n, .metric = m },
	LOCAL_COUNTERS(LOCAL_FIELD)
#undef LOCAL_FIELD
};

static const struct stats_field local_neigh_fields[] = {
#define LOCAL_NEIGH_FIELD(n, h) { .name = #n, .help = h, .off = LOCAL_N_##n },
	NEIGH_COUNTERS(LOCAL_NEIGH_FIELD)
#undef LOCAL_NEIGH_FIELD
		{ .name = "entries",
			.help = "entries in the neighbor (ARP/ND) table",
			.type = STATS_GAUGE,
			.off = LOCAL_N_entries,
			.metric = "neighbors" },
};

static bool
local_next(const struct stats_set *s, uint64_t *cursor, struct stats_row *row)
{
	unsigned int k;

	(void)s;
	if ((*cursor)++ != 0)
		return false;
	for (k = 0; k < LOCAL_C_COUNT; k++)
		row->vals[k] = weir_stat_read(&local_counters[k]);
	return true;
}

static bool
local_neigh_next(
	const struct stats_set *s, uint64_t *cursor, struct stats_row *row)
{
	(void)s;
	if ((*cursor)++ != 0)
		return false;
#define LOCAL_NEIGH_READ(n, help)                                              \
	row->vals[LOCAL_N_##n] = weir_stat_read(&local_neigh_mirror.n);
	NEIGH_COUNTERS(LOCAL_NEIGH_READ)
#undef LOCAL_NEIGH_READ
	row->vals[LOCAL_N_entries] = __atomic_load_n(
		&local_neigh_nb, __ATOMIC_RELAXED);
	return true;
}

static const struct stats_set local_set = {
	.name = "mgmt",
	.help = "the management thread's local protocols",
	.fields = local_fields,
	.nb_fields = RTE_DIM(local_fields),
	.nb_values = LOCAL_C_COUNT,
	.flags = STATS_F_TOTAL | STATS_F_ANY_THREAD,
	.next = local_next,
};

static const struct stats_set local_neigh_set = {
	.name = "neigh",
	.help = "the neighbor (ARP/ND) table",
	.key_prefix = "neigh_",
	.fields = local_neigh_fields,
	.nb_fields = RTE_DIM(local_neigh_fields),
	.nb_values = LOCAL_N_COUNT,
	.flags = STATS_F_TOTAL | STATS_F_ANY_THREAD,
	.next = local_neigh_next,
};

static const struct stats_set *const local_counter_sets[] = {
	&local_set,
	&local_neigh_set,
	NULL,
};

static const struct weir_timer local_timers[] = {
	{ "punt", 0, local_punt_timer },
	{ "neighbors", LOCAL_AGE_MS, local_age_timer },
	{ "next hops", LOCAL_AGE_MS, local_nh_timer },
};

const struct weir_module local_module = {
	.name = "local",
	.after = "port lb worker",
	.init = local_init,
	.fini = local_fini,
	.ready = local_ready,
	.reload_check = local_reload_check,
	.reload = local_reload,
	.timers = local_timers,
	.nb_timers = RTE_DIM(local_timers),
	.cmds = local_cmds,
	.counters = local_counter_sets,
};
