/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Management thread. Workers punt every ARP packet and every ICMP/ICMPv6
 * packet addressed to weir; this file validates them, keeps the neighbor
 * table (lib/neigh) and answers: ARP replies, neighbor advertisements, echo
 * replies. Replies to a requester go back on the port the request came in
 * on; packets weir originates (echo replies, probes) follow the route table
 * (lib/route) and wait in the neighbor queue while their next hop resolves.
 *
 * Doing this here rather than in the workers keeps the worker loop to one
 * branch for "not forwarded traffic" and puts all neighbor state in one
 * thread, without locks. The cost is latency: ctl polls the punt rings
 * every millisecond, which ARP and ping do not notice.
 *
 * Transmission: on the port's own ctl TX queue when it has one, otherwise
 * through worker 0's ctl_tx ring (see port.c for why some ports cannot
 * spare a queue).
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include <rte_arp.h>
#include <rte_ethdev.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "cfg.h"
#include "ctl.h"
#include "events.h"
#include "module.h"
#include "sd.h"
#include "neigh.h"
#include "pkt_dp.h"
#include "port.h"
#include "route.h"
#include "svc.h"
#include "weir.h"
#include "weir_log.h"
#include "weir_stats.h"
#include "worker.h"

WEIR_LOG_TYPE("ctl")

#define CTL_POLL_MS 1	     /* ms: epoll timeout, bounds punt latency */
#define CTL_AGE_MS 100	     /* ms: neighbor timers resolution */
#define CTL_PUNT_BURST 64    /* packets per ring per poll */
#define CTL_IP_TTL 64	     /* hops: TTL/hop limit of weir's packets */
#define CTL_ND_HOP_LIMIT 255 /* RFC 4861: ND is link-local only */
#define CTL_ICMP6_ECHO_REQUEST 128
#define CTL_ICMP6_ECHO_REPLY 129
#define CTL_ICMP6_NS 135
#define CTL_ICMP6_NA 136
#define CTL_ND_OPT_SLLA 1
#define CTL_ND_OPT_TLLA 2
#define CTL_NA_F_ROUTER 0x80
#define CTL_NA_F_SOLICITED 0x40
#define CTL_NA_F_OVERRIDE 0x20
#define CTL_ND_LEN 24	    /* bytes: NS/NA without options */
#define CTL_ND_OPT_LL_LEN 8 /* bytes: link-layer address option */

static uint64_t ctl_counters[CTL_C_COUNT];
static struct neigh_stats ctl_neigh_mirror;
static unsigned int ctl_neigh_nb;

static struct {
	int epfd;
	int sigfd;
	struct ctl_io sig_io; /* sigfd in the epoll set */
	bool stop;	      /* SIGINT/SIGTERM seen */
	struct neigh_table *neigh;
	struct route_table *routes;
} ctl = { .epfd = -1, .sigfd = -1 };

#define CTL_INC(name) weir_stat_add(&ctl_counters[CTL_C_##name], 1)

static const char *const ctl_counter_names[] = {
#define CTL_COUNTER_NAME(n, help) #n,
	CTL_COUNTERS(CTL_COUNTER_NAME)
#undef CTL_COUNTER_NAME
};

static const char *const ctl_counter_helps[] = {
#define CTL_COUNTER_HELP(n, help) help,
	CTL_COUNTERS(CTL_COUNTER_HELP)
#undef CTL_COUNTER_HELP
};

uint64_t
ctl_counter(enum ctl_counter c)
{
	if ((unsigned int)c >= CTL_C_COUNT)
		return 0;
	return weir_stat_read(&ctl_counters[c]);
}

const char *
ctl_counter_name(enum ctl_counter c)
{
	return (unsigned int)c < CTL_C_COUNT ? ctl_counter_names[c] : "?";
}

const char *
ctl_counter_help(enum ctl_counter c)
{
	return (unsigned int)c < CTL_C_COUNT ? ctl_counter_helps[c] : "?";
}

void
ctl_neigh_counters(
	void (*cb)(void *arg, const char *name, const char *help, uint64_t v),
	void *arg)
{
#define CTL_NEIGH_CB(n, help)                                                  \
	cb(arg, "neigh_" #n, help, weir_stat_read(&ctl_neigh_mirror.n));
	NEIGH_COUNTERS(CTL_NEIGH_CB)
#undef CTL_NEIGH_CB
}

unsigned int
ctl_neigh_count(void)
{
	return __atomic_load_n(&ctl_neigh_nb, __ATOMIC_RELAXED);
}

static uint64_t
ctl_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static const struct svc_port *
ctl_svc_port(uint16_t port_id)
{
	const struct svc_snap *s = weir_rcu_get(&weir.snap);

	return &s->port[port_id];
}

static void
ctl_tx(struct port *p, struct rte_mbuf *m)
{
	uint16_t txq = (uint16_t)weir.nb_workers;

	m->port = p->id;
	if (p->has_ctl_txq) {
		if (rte_eth_tx_burst(p->id, txq, &m, 1) == 1)
			return;
	} else if (rte_ring_sp_enqueue(worker_ctl_tx_ring(), m) == 0) {
		return;
	}
	CTL_INC(tx_drops);
	rte_pktmbuf_free(m);
}

/* Write the Ethernet header of 'm' and send it on 'p'. */
static void
ctl_tx_eth(struct port *p, struct rte_mbuf *m, const uint8_t *dst_mac)
{
	struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);

	memcpy(&eh->dst_addr, dst_mac, RTE_ETHER_ADDR_LEN);
	eh->src_addr = p->mac;
	ctl_tx(p, m);
}

static struct rte_mbuf *
ctl_alloc(struct port *p, uint16_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(port_pool(p));

	if (m == NULL) {
		CTL_INC(nomem);
		return NULL;
	}
	if (rte_pktmbuf_append(m, len) == NULL) {
		rte_pktmbuf_free(m);
		CTL_INC(nomem);
		return NULL;
	}
	memset(rte_pktmbuf_mtod(m, void *), 0, len);
	return m;
}

/* ICMPv6 checksum over the pseudo-header and 'len' bytes at 'l4'. */
static uint16_t
ctl_icmp6_sum(
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
ctl_icmp6_fill_csum(struct rte_ipv6_hdr *ip, uint8_t *l4, uint32_t len)
{
	uint16_t s;

	l4[2] = l4[3] = 0;
	s = (uint16_t)~ctl_icmp6_sum(ip->src_addr, ip->dst_addr, l4, len);
	memcpy(l4 + 2, &s, 2);
}

/* Pick weir's address on 'p' to source a packet to 'dst'. */
static bool
ctl_src_addr(const struct port *p, const struct weir_addr *dst,
	struct weir_addr *src)
{
	const struct cfg_port *c = p->cfg;
	const struct svc_port *sp = ctl_svc_port(p->id);
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
ctl_arp_send(struct port *p, uint16_t op, const uint8_t *eth_dst, uint32_t spa,
	const uint8_t *tha, uint32_t tpa)
{
	static const uint8_t zero_mac[RTE_ETHER_ADDR_LEN];
	struct rte_ether_hdr *eh;
	struct rte_arp_hdr *ah;
	struct rte_mbuf *m;

	m = ctl_alloc(p, sizeof(*eh) + sizeof(*ah));
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
	ctl_tx_eth(p, m, eth_dst);
}

/*
 * Build and send an NS or NA. NS: 'target' is asked about, 'dst' NULL means
 * its solicited-node group. NA: 'target' is our address, 'flags' NA_F_*.
 */
static void
ctl_nd_send(struct port *p, uint8_t type, const uint8_t *src,
	const uint8_t *dst, const uint8_t *eth_dst, const uint8_t *target,
	uint8_t flags)
{
	uint16_t l4_len = CTL_ND_LEN + CTL_ND_OPT_LL_LEN;
	uint8_t snm[16] = { 0xff, 0x02, [11] = 0x01, [12] = 0xff };
	uint8_t snm_mac[RTE_ETHER_ADDR_LEN] = { 0x33, 0x33, 0xff };
	struct rte_ether_hdr *eh;
	struct rte_ipv6_hdr *ip;
	struct rte_mbuf *m;
	uint8_t *l4;

	m = ctl_alloc(p, sizeof(*eh) + sizeof(*ip) + l4_len);
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
	ip->hop_limits = CTL_ND_HOP_LIMIT;
	memcpy(ip->src_addr, src, 16);
	memcpy(ip->dst_addr, dst, 16);
	l4 = (uint8_t *)(ip + 1);
	l4[0] = type;
	l4[4] = flags;
	memcpy(l4 + 8, target, 16);
	l4[24] = type == CTL_ICMP6_NS ? CTL_ND_OPT_SLLA : CTL_ND_OPT_TLLA;
	l4[25] = 1; /* option length in units of 8 bytes */
	memcpy(l4 + 26, &p->mac, RTE_ETHER_ADDR_LEN);
	ctl_icmp6_fill_csum(ip, l4, l4_len);
	ctl_tx_eth(p, m, eth_dst);
}

static struct neigh_key
ctl_neigh_key(uint16_t port_id, const struct weir_addr *a)
{
	struct neigh_key k = { .port = port_id, .family = a->family };

	memcpy(k.addr, a->a, a->family == AF_INET ? 4 : 16);
	return k;
}

/* neigh_ops.solicit: ARP request or NS for 'k'. */
static void
ctl_neigh_solicit(void *arg, const struct neigh_key *k, const uint8_t *mac)
{
	static const uint8_t bcast[RTE_ETHER_ADDR_LEN] = { 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff };
	struct port *p = port_by_id(k->port);
	struct weir_addr dst = { .family = k->family }, src;

	(void)arg;
	if (p == NULL)
		return;
	memcpy(dst.a, k->addr, 16);
	if (!ctl_src_addr(p, &dst, &src))
		return;
	if (k->family == AF_INET) {
		uint32_t spa, tpa;

		memcpy(&spa, src.a, 4);
		memcpy(&tpa, k->addr, 4);
		ctl_arp_send(p, RTE_ARP_OP_REQUEST, mac ? mac : bcast, spa,
			NULL, tpa);
		CTL_INC(arp_requests_tx);
	} else {
		ctl_nd_send(p, CTL_ICMP6_NS, src.a, mac ? k->addr : NULL, mac,
			k->addr, 0);
		CTL_INC(ns_tx);
	}
}

/* neigh_ops.send: a queued packet's next hop resolved. */
static void
ctl_neigh_send(
	void *arg, const struct neigh_key *k, const uint8_t *mac, void *pkt)
{
	struct port *p = port_by_id(k->port);

	(void)arg;
	if (p == NULL) {
		rte_pktmbuf_free(pkt);
		return;
	}
	ctl_tx_eth(p, pkt, mac);
}

static void
ctl_neigh_drop(void *arg, void *pkt)
{
	(void)arg;
	CTL_INC(neigh_drops);
	rte_pktmbuf_free(pkt);
}

/*
 * Route 'm' (an IP packet with room for Ethernet) to 'dst' and send it.
 * Link-local destinations have no route: they are on the link 'in' (the
 * port the request came from).
 */
static void
ctl_route_send(
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
	} else if (route_lookup(ctl.routes, dst, &hop) < 0) {
		CTL_INC(no_route);
		rte_pktmbuf_free(m);
		return;
	}
	p = &weir.ports[hop.port];
	k = ctl_neigh_key(p->id, &hop.nh);
	rc = neigh_resolve(ctl.neigh, &k, m, ctl_now_ms(), mac);
	if (rc == 0) {
		ctl_tx_eth(p, m, mac);
	} else if (rc < 0) {
		CTL_INC(neigh_drops);
		rte_pktmbuf_free(m);
	}
}

static void
ctl_handle_arp(struct port *p, struct rte_mbuf *m, const struct pkt_meta *pm)
{
	struct rte_arp_hdr *ah = rte_pktmbuf_mtod_offset(
		m, struct rte_arp_hdr *, pm->l3_off);
	const struct svc_port *sp = ctl_svc_port(p->id);
	struct rte_arp_ipv4 *a = &ah->arp_data;
	uint16_t op = rte_be_to_cpu_16(ah->arp_opcode);
	struct weir_addr sender = { .family = AF_INET };
	bool for_us = svc_port_has_ip4(sp, a->arp_tip);
	unsigned int flags = 0;
	struct neigh_key k;

	CTL_INC(arp_rx);
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
			k = ctl_neigh_key(p->id, &sender);
			neigh_learn(ctl.neigh, &k, a->arp_sha.addr_bytes,
				ctl_now_ms(), flags);
		}
	}
	if (op != RTE_ARP_OP_REQUEST || !for_us) {
		if (!for_us)
			CTL_INC(arp_ignored);
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
	ctl_tx_eth(p, m, a->arp_tha.addr_bytes);
	CTL_INC(arp_replies_tx);
}

static void
ctl_handle_icmp(struct port *p, struct rte_mbuf *m, const struct pkt_meta *pm)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(
		m, struct rte_ipv4_hdr *, pm->l3_off);
	struct rte_icmp_hdr *ic = rte_pktmbuf_mtod_offset(
		m, struct rte_icmp_hdr *, pm->l4_off);
	struct weir_addr dst = { .family = AF_INET };
	uint32_t a;

	if (rte_raw_cksum(ic, pm->l4_len) != 0xffff) {
		CTL_INC(icmp_bad_csum);
		goto drop;
	}
	if (ic->icmp_type != RTE_IP_ICMP_ECHO_REQUEST || ic->icmp_code != 0) {
		CTL_INC(icmp_ignored);
		goto drop;
	}
	/* The reply keeps id, sequence and data; only the type changes. */
	ic->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
	ic->icmp_cksum = 0;
	ic->icmp_cksum = (uint16_t)~rte_raw_cksum(ic, pm->l4_len);
	a = ip->src_addr;
	ip->src_addr = ip->dst_addr;
	ip->dst_addr = a;
	ip->time_to_live = CTL_IP_TTL;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	rte_pktmbuf_trim(m,
		(uint16_t)(rte_pktmbuf_pkt_len(m) - pm->l3_off - pm->l3_len));
	memcpy(dst.a, &a, 4);
	CTL_INC(icmp_echo_replies_tx);
	ctl_route_send(m, &dst, p);
	return;
drop:
	rte_pktmbuf_free(m);
}

/* Find a link-layer address option of 'type' in ND options. */
static int
ctl_nd_opt(const uint8_t *opt, uint32_t len, uint8_t type, const uint8_t **ll)
{
	*ll = NULL;
	while (len > 0) {
		uint32_t olen;

		if (len < 2)
			return -EINVAL;
		olen = (uint32_t)opt[1] * 8;
		if (olen == 0 || olen > len)
			return -EINVAL; /* RFC 4861 7.1.1: length 0 is invalid */
		if (opt[0] == type && olen >= CTL_ND_OPT_LL_LEN)
			*ll = opt + 2;
		opt += olen;
		len -= olen;
	}
	return 0;
}

static bool
ctl_ip6_is_unspec(const uint8_t *a)
{
	static const uint8_t zero[16];

	return memcmp(a, zero, 16) == 0;
}

static void
ctl_handle_nd(struct port *p, struct rte_mbuf *m, const struct pkt_meta *pm,
	struct rte_ipv6_hdr *ip, uint8_t *l4)
{
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 0x01 };
	static const uint8_t all_nodes_mac[RTE_ETHER_ADDR_LEN] = { 0x33, 0x33,
		0, 0, 0, 1 };
	const struct svc_port *sp = ctl_svc_port(p->id);
	const struct rte_ether_hdr *eh = rte_pktmbuf_mtod(
		m, const struct rte_ether_hdr *);
	const uint8_t *target = l4 + 8, *ll;
	struct weir_addr who = { .family = AF_INET6 };
	struct neigh_key k;
	uint8_t type = l4[0];

	/* RFC 4861 7.1.1 / 7.1.2: only link-local senders could send these. */
	if (ip->hop_limits != CTL_ND_HOP_LIMIT || l4[1] != 0 ||
		pm->l4_len < CTL_ND_LEN || target[0] == 0xff ||
		ctl_nd_opt(l4 + CTL_ND_LEN, pm->l4_len - CTL_ND_LEN,
			type == CTL_ICMP6_NS ? CTL_ND_OPT_SLLA :
					       CTL_ND_OPT_TLLA,
			&ll) < 0) {
		CTL_INC(nd_invalid);
		goto drop;
	}
	if (type == CTL_ICMP6_NA) {
		CTL_INC(na_rx);
		memcpy(who.a, target, 16);
		k = ctl_neigh_key(p->id, &who);
		neigh_learn(ctl.neigh, &k, ll ? ll : eh->src_addr.addr_bytes,
			ctl_now_ms(),
			(l4[4] & CTL_NA_F_SOLICITED) ? NEIGH_F_CONFIRMED : 0);
		goto drop;
	}
	CTL_INC(ns_rx);
	if (!svc_port_has_ip6(sp, target)) {
		CTL_INC(icmp6_ignored);
		goto drop;
	}
	if (ctl_ip6_is_unspec(ip->src_addr)) {
		/* Someone probes our address for DAD: defend it (7.2.4). */
		if (ll != NULL || ip->dst_addr[0] != 0xff) {
			CTL_INC(nd_invalid);
			goto drop;
		}
		ctl_nd_send(p, CTL_ICMP6_NA, target, all_nodes, all_nodes_mac,
			target, CTL_NA_F_OVERRIDE);
		CTL_INC(na_tx);
		goto drop;
	}
	memcpy(who.a, ip->src_addr, 16);
	k = ctl_neigh_key(p->id, &who);
	neigh_learn(ctl.neigh, &k, ll ? ll : eh->src_addr.addr_bytes,
		ctl_now_ms(), NEIGH_F_CREATE);
	ctl_nd_send(p, CTL_ICMP6_NA, target, ip->src_addr,
		ll ? ll : eh->src_addr.addr_bytes, target,
		CTL_NA_F_SOLICITED | CTL_NA_F_OVERRIDE);
	CTL_INC(na_tx);
drop:
	rte_pktmbuf_free(m);
}

static void
ctl_handle_icmp6(struct port *p, struct rte_mbuf *m, const struct pkt_meta *pm)
{
	struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod_offset(
		m, struct rte_ipv6_hdr *, pm->l3_off);
	uint8_t *l4 = rte_pktmbuf_mtod_offset(m, uint8_t *, pm->l4_off);
	struct weir_addr dst = { .family = AF_INET6 };
	uint8_t tmp[16];

	if (ctl_icmp6_sum(ip->src_addr, ip->dst_addr, l4, pm->l4_len) !=
		0xffff) {
		CTL_INC(icmp6_bad_csum);
		goto drop;
	}
	switch (l4[0]) {
	case CTL_ICMP6_NS:
	case CTL_ICMP6_NA:
		ctl_handle_nd(p, m, pm, ip, l4);
		return;
	case CTL_ICMP6_ECHO_REQUEST:
		/* Echo to a group would make every member answer; we don't. */
		if (l4[1] != 0 || ip->dst_addr[0] == 0xff ||
			pm->l4_len < PKT_ICMP_HLEN)
			break;
		/* Reply from the address asked, over the IPv6 header only. */
		memcpy(tmp, ip->src_addr, 16);
		memcpy(ip->src_addr, ip->dst_addr, 16);
		memcpy(ip->dst_addr, tmp, 16);
		ip->hop_limits = CTL_IP_TTL;
		if (pm->nb_ext != 0) {
			/* Drop the extension headers: none applies to us. */
			memmove((uint8_t *)(ip + 1), l4, pm->l4_len);
			l4 = (uint8_t *)(ip + 1);
			ip->proto = IPPROTO_ICMPV6;
			ip->payload_len = rte_cpu_to_be_16(pm->l4_len);
		}
		l4[0] = CTL_ICMP6_ECHO_REPLY;
		ctl_icmp6_fill_csum(ip, l4, pm->l4_len);
		rte_pktmbuf_trim(m,
			(uint16_t)(rte_pktmbuf_pkt_len(m) -
				(pm->l3_off + sizeof(*ip) + pm->l4_len)));
		memcpy(dst.a, tmp, 16);
		CTL_INC(icmp6_echo_replies_tx);
		ctl_route_send(m, &dst, p);
		return;
	default:
		break;
	}
	CTL_INC(icmp6_ignored);
drop:
	rte_pktmbuf_free(m);
}

static void
ctl_handle_punt(struct rte_mbuf *m)
{
	struct port *p = port_by_id(m->port);
	struct pkt_meta pm;

	CTL_INC(punt_rx);
	/* Workers parsed it already; parsing again is cheaper than carrying
	 * the meta through the ring, at punt rates. */
	if (p == NULL || pkt_parse_mbuf(m, &pm) != PKT_OK) {
		rte_pktmbuf_free(m);
		return;
	}
	if (pm.l3 == PKT_L3_ARP)
		ctl_handle_arp(p, m, &pm);
	else if (pm.l4_proto == IPPROTO_ICMP)
		ctl_handle_icmp(p, m, &pm);
	else if (pm.l4_proto == IPPROTO_ICMPV6)
		ctl_handle_icmp6(p, m, &pm);
	else
		rte_pktmbuf_free(m);
}

static void
ctl_poll_punt(void)
{
	struct rte_mbuf *pkts[CTL_PUNT_BURST];
	unsigned int i, j, n;

	for (i = 0; i < weir.nb_workers; i++) {
		n = rte_ring_sc_dequeue_burst(worker_punt_ring(i),
			(void **)pkts, CTL_PUNT_BURST, NULL);
		for (j = 0; j < n; j++)
			ctl_handle_punt(pkts[j]);
	}
}

/* Gratuitous ARP and unsolicited NA for every address, so that neighbors
 * that cached another MAC for them (a previous weir) update at once. */
static void
ctl_announce(void)
{
	static const uint8_t bcast[RTE_ETHER_ADDR_LEN] = { 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff };
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 0x01 };
	static const uint8_t all_nodes_mac[RTE_ETHER_ADDR_LEN] = { 0x33, 0x33,
		0, 0, 0, 1 };
	unsigned int i, j;

	for (i = 0; i < weir.nb_ports; i++) {
		struct port *p = &weir.ports[i];
		const struct svc_port *sp = ctl_svc_port(p->id);

		for (j = 0; j < sp->nb_ip4; j++) {
			ctl_arp_send(p, RTE_ARP_OP_REQUEST, bcast, sp->ip4[j],
				NULL, sp->ip4[j]);
			CTL_INC(garp_tx);
		}
		for (j = 0; j < sp->nb_ip6; j++) {
			ctl_nd_send(p, CTL_ICMP6_NA, sp->ip6[j], all_nodes,
				all_nodes_mac, sp->ip6[j], CTL_NA_F_OVERRIDE);
			CTL_INC(na_tx);
		}
	}
}

/* Start resolving static next hops so the first packet finds them. */
static void
ctl_resolve_gateways(void)
{
	uint8_t mac[RTE_ETHER_ADDR_LEN];
	unsigned int i;

	for (i = 0; i < weir.conf->nb_routes; i++) {
		const struct cfg_route *r = &weir.conf->routes[i];
		struct neigh_key k = ctl_neigh_key(
			weir.ports[r->port].id, &r->via);

		neigh_resolve(ctl.neigh, &k, NULL, ctl_now_ms(), mac);
	}
}

static void ctl_signal_cb(struct ctl_io *io, uint32_t events);

static int
ctl_init(void)
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
		.solicit = ctl_neigh_solicit,
		.send = ctl_neigh_send,
		.drop = ctl_neigh_drop,
	};
	struct epoll_event ev = { .events = EPOLLIN };
	sigset_t set;

	ctl.neigh = neigh_table_create(&np, &ops);
	ctl.routes = route_table_create(weir.conf);
	if (ctl.neigh == NULL || ctl.routes == NULL) {
		WEIR_LOG(ERR, "neighbor/route tables: %s", strerror(errno));
		return -errno;
	}
	/* Configured neighbors: never resolved, never aged. */
	{
		unsigned int i;

		for (i = 0; i < weir.conf->neigh.nb_static; i++) {
			const struct cfg_neigh_static
				*st = &weir.conf->neigh.statics[i];
			struct neigh_key k = ctl_neigh_key(
				weir.ports[st->port].id, &st->addr);

			neigh_learn(ctl.neigh, &k, st->mac, ctl_now_ms(),
				NEIGH_F_PERMANENT);
		}
	}
	/* main() blocked these before the EAL made its threads. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	ctl.sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	ctl.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (ctl.sigfd < 0 || ctl.epfd < 0) {
		WEIR_LOG(ERR, "signalfd/epoll: %s", strerror(errno));
		return -errno;
	}
	(void)ev;
	ctl.sig_io.fd = ctl.sigfd;
	ctl.sig_io.cb = ctl_signal_cb;
	if (ctl_io_add(&ctl.sig_io, EPOLLIN) < 0) {
		WEIR_LOG(ERR, "epoll_ctl: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

static void
ctl_fini(void)
{
	struct rte_mbuf *m;
	unsigned int i;

	/* Packets still punted hold mbufs of pools about to be freed. */
	for (i = 0; i < weir.nb_workers; i++) {
		struct rte_ring *r = worker_punt_ring(i);

		while (rte_ring_sc_dequeue(r, (void **)&m) == 0)
			rte_pktmbuf_free(m);
	}
	neigh_table_destroy(ctl.neigh);
	ctl.neigh = NULL;
	route_table_destroy(ctl.routes);
	ctl.routes = NULL;
	if (ctl.epfd >= 0)
		close(ctl.epfd);
	if (ctl.sigfd >= 0)
		close(ctl.sigfd);
	ctl.epfd = ctl.sigfd = -1;
}

/*
 * svc_nh_fn for the snapshot builder: the port towards a backend and, if
 * its next hop is resolved, the MAC. Asking also starts resolution, so a
 * backend's MAC is being looked for from the moment it is configured.
 */
static bool
ctl_nh(void *arg, const struct weir_addr *addr, uint16_t *port_id,
	struct rte_ether_addr *mac)
{
	struct route_hop hop;
	struct neigh_key k;

	(void)arg;
	*port_id = 0;
	if (route_lookup(ctl.routes, addr, &hop) < 0)
		return false;
	*port_id = weir.ports[hop.port].id;
	k = ctl_neigh_key(*port_id, &hop.nh);
	return neigh_resolve(
		       ctl.neigh, &k, NULL, ctl_now_ms(), mac->addr_bytes) == 0;
}

int
ctl_publish(const char *why)
{
	uint64_t t0 = rte_rdtsc(), us;
	const struct svc_snap *s;
	unsigned int i, j, nb_be = 0, nb_ok = 0;
	int rc;

	rc = svc_snap_update(ctl_nh, NULL);
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

/*
 * SIGHUP: load the file again, check it whole, refuse it if a
 * startup-only key changed, else switch to it and publish. On any error
 * the running configuration stays as it was.
 */
int
ctl_reload(char *msg, size_t size)
{
	struct cfg_conf *nc, *old = weir.conf;
	struct route_table *rt;
	const char *diff;
	char err[1024];
	unsigned int i;

	nc = cfg_conf_load(old->file, err, sizeof(err));
	if (nc == NULL) {
		snprintf(msg, size,
			"reload rejected, running configuration kept: %s", err);
		WEIR_LOG(ERR, "%s", msg);
		return -EINVAL;
	}
	diff = cfg_conf_startup_diff(old, nc);
	if (diff != NULL) {
		snprintf(msg, size,
			"reload rejected, running configuration "
			"kept: %s: '%s' changed and only takes effect at start; "
			"restart weir to apply it",
			nc->file, diff);
		WEIR_LOG(ERR, "%s", msg);
		cfg_conf_free(nc);
		return -EINVAL;
	}
	rt = route_table_create(nc);
	if (rt == NULL) {
		snprintf(msg, size, "reload rejected: %s", strerror(errno));
		WEIR_LOG(ERR, "%s", msg);
		cfg_conf_free(nc);
		return -ENOMEM;
	}
	route_table_destroy(ctl.routes);
	ctl.routes = rt;
	/* Ports keep pointing at their (identical) settings in the new conf. */
	for (i = 0; i < weir.nb_ports; i++)
		weir.ports[i].cfg = &nc->ports[i];
	weir.conf = nc;
	rte_log_set_level_pattern(
		"weir.*", (uint32_t)cfg_log_level(nc->log_level));
	/* Modules re-read what they take from the file (discovery files),
	 * then the saved admin states apply again. */
	modules_reload();
	ctl_state_apply();
	ctl_publish("reload");
	/* Nothing reads 'old' any more: workers never look at the conf. */
	cfg_conf_free(old);
	snprintf(msg, size, "reloaded %s: %u services", nc->file,
		nc->nb_services);
	WEIR_LOG(NOTICE, "%s", msg);
	event_log("reload", "%s", msg);
	return 0;
}

void
ctl_neigh_walk(void (*cb)(void *arg, const void *info), void *arg)
{
	neigh_walk(ctl.neigh, ctl_now_ms(),
		(void (*)(void *, const struct neigh_info *))cb, arg);
}

int
ctl_state_save(char *msg, size_t size)
{
	const struct cfg_conf *c = weir.conf;
	struct sd_saved *b;
	unsigned int i, j, n = 0;
	char err[512];
	int rc;

	if (c->mgmt.state_file[0] == '\0') {
		snprintf(msg, size, "no state_file is configured");
		return -ENOENT;
	}
	for (i = 0; i < c->nb_services; i++)
		n += c->services[i].nb_backends;
	b = calloc(n ? n : 1, sizeof(*b));
	if (b == NULL) {
		snprintf(msg, size, "out of memory");
		return -ENOMEM;
	}
	n = 0;
	for (i = 0; i < c->nb_services; i++)
		for (j = 0; j < c->services[i].nb_backends; j++, n++) {
			const struct cfg_backend *cb = &c->services[i]
								.backends[j];

			snprintf(b[n].service, sizeof(b[n].service), "%s",
				c->services[i].name);
			b[n].addr = cb->addr;
			b[n].port = cb->port;
			b[n].weight = cb->weight;
			b[n].state = cb->state;
		}
	rc = sd_state_save(c->mgmt.state_file, b, n, err, sizeof(err));
	free(b);
	if (rc < 0) {
		snprintf(msg, size, "state not saved: %s", err);
		return rc;
	}
	snprintf(msg, size, "saved %u backends to %s", n, c->mgmt.state_file);
	event_log("admin", "%s", msg);
	return 0;
}

int
ctl_state_apply(void)
{
	const char *path = weir.conf->mgmt.state_file;
	struct sd_saved *b = NULL;
	unsigned int n = 0, i, applied = 0;
	char err[512];
	int rc;

	if (path[0] == '\0')
		return -ENOENT;
	rc = sd_state_load(path, &b, &n, err, sizeof(err));
	if (rc == -ENOENT)
		return rc;
	if (rc < 0) {
		WEIR_LOG(ERR, "state file ignored: %s", err);
		return rc;
	}
	/* Entries for services or backends no longer configured are skipped:
	 * the file records state, it never adds backends. */
	for (i = 0; i < n; i++) {
		struct cfg_service *s = cfg_service_find(
			weir.conf, b[i].service);
		int j = s ? cfg_backend_find(s, &b[i].addr, b[i].port) : -1;

		if (j < 0)
			continue;
		s->backends[j].weight = b[i].weight;
		s->backends[j].state = b[i].state;
		applied++;
	}
	free(b);
	WEIR_LOG(INFO, "state file %s: %u of %u entries applied", path, applied,
		n);
	return 0;
}

/* Neighbor timers; other threads read the counters' mirror. */
static void
ctl_age_timer(uint64_t now_ms)
{
	neigh_age(ctl.neigh, now_ms);
#define CTL_NEIGH_MIRROR(n, help)                                              \
	weir_stat_add(&ctl_neigh_mirror.n,                                     \
		neigh_stats(ctl.neigh)->n - ctl_neigh_mirror.n);
	NEIGH_COUNTERS(CTL_NEIGH_MIRROR)
#undef CTL_NEIGH_MIRROR
	__atomic_store_n(
		&ctl_neigh_nb, neigh_count(ctl.neigh), __ATOMIC_RELAXED);
}

/* A backend's next hop resolved, moved or was lost: publish. */
static void
ctl_nh_timer(uint64_t now_ms)
{
	(void)now_ms;
	if (svc_snap_nh_changed(ctl_nh, NULL))
		ctl_publish("backend next hops changed");
}

static void
ctl_punt_timer(uint64_t now_ms)
{
	(void)now_ms;
	ctl_poll_punt();
}

int
ctl_io_add(struct ctl_io *io, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = io };

	return epoll_ctl(ctl.epfd, EPOLL_CTL_ADD, io->fd, &ev) < 0 ? -errno : 0;
}

int
ctl_io_mod(struct ctl_io *io, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = io };

	return epoll_ctl(ctl.epfd, EPOLL_CTL_MOD, io->fd, &ev) < 0 ? -errno : 0;
}

void
ctl_io_del(struct ctl_io *io)
{
	if (io->fd >= 0 && ctl.epfd >= 0)
		epoll_ctl(ctl.epfd, EPOLL_CTL_DEL, io->fd, NULL);
}

/* @return 1 to stop, 0 to go on. */
static int
ctl_signal(void)
{
	struct signalfd_siginfo si;

	while (read(ctl.sigfd, &si, sizeof(si)) == sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGINT:
		case SIGTERM:
			WEIR_LOG(INFO, "%s from pid %u: stopping",
				strsignal((int)si.ssi_signo), si.ssi_pid);
			return 1;
		case SIGHUP:
			WEIR_LOG(NOTICE, "SIGHUP from pid %u: reloading",
				si.ssi_pid);
			{
				char msg[1200];

				ctl_reload(msg, sizeof(msg));
			}
			break;
		default:
			break;
		}
	}
	return 0;
}

static void
ctl_signal_cb(struct ctl_io *io, uint32_t events)
{
	(void)io;
	(void)events;
	if (ctl_signal())
		ctl.stop = true;
}


/*
 * Before the workers start: the saved backend states, and a snapshot with
 * every next hop known so far (static neighbors), so that no first packet
 * meets a backend that is still "unresolved" only because ctl has not
 * looked yet.
 */
static int
ctl_start(void)
{
	ctl_state_apply();
	return ctl_publish("start");
}

int
ctl_run(void)
{
	struct epoll_event ev[8];
	int n, i;

	ctl_announce();
	ctl_resolve_gateways();
	WEIR_LOG(NOTICE, "ready: %u ports, %u workers", weir.nb_ports,
		weir.nb_workers);
	for (;;) {
		n = epoll_wait(ctl.epfd, ev, (int)RTE_DIM(ev), CTL_POLL_MS);
		if (n < 0 && errno != EINTR) {
			WEIR_LOG(ERR, "epoll_wait: %s", strerror(errno));
			return -errno;
		}
		for (i = 0; i < n; i++) {
			struct ctl_io *io = ev[i].data.ptr;

			io->cb(io, ev[i].events);
		}
		if (ctl.stop)
			return 0;
		modules_timers_run(ctl_now_ms());
	}
}

static const struct weir_timer ctl_timers[] = {
	{ "punt", 0, ctl_punt_timer },
	{ "neighbors", CTL_AGE_MS, ctl_age_timer },
	{ "next hops", CTL_AGE_MS, ctl_nh_timer },
};

const struct weir_module ctl_module = {
	.name = "ctl",
	.after = "port lb",
	.init = ctl_init,
	.fini = ctl_fini,
	.timers = ctl_timers,
	.nb_timers = RTE_DIM(ctl_timers),
};

/*
 * Start, after every other module: the saved backend states, and a
 * snapshot with every next hop known so far (static neighbors), so that
 * no first packet meets a backend that is still "unresolved" only
 * because ctl has not looked yet. A snapshot that cannot be built fails
 * the start.
 */
const struct weir_module start_module = {
	.name = "start",
	.after = "ctl lb discovery worker console metrics telemetry",
	.init = ctl_start,
};
